"""Import the embedded SSB snapshot from ../shared into data/raw/snapshot (developers only).

Reads the published SSB figures collected in `../shared/ssb-data-candidates/` (see its PROVENANCE.md)
and the boundaries in `../shared/geo-candidates/`, writes one Parquet file per SSB table in the tidy
schema of `samfunn_data.ssb.decode_jsonstat`, a compact GeoJSON per boundary layer, and MANIFEST.json.
Every check PROVENANCE.md reports is re-run here; a failing check stops the import (exit code 1) before
anything is written. Output is deterministic: running the importer twice gives byte-identical files.

    .venv/bin/python scripts/import_snapshot.py [--source ../shared] [--out data/raw/snapshot]

The runtime never reads ../shared; only this script does.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import sys
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared"
DEFAULT_OUT = REPO / "data" / "raw" / "snapshot"

LICENCE = "CC BY 4.0"
SSB_SOURCE = "Statistisk sentralbyrå (SSB)"
GEO_ATTRIBUTION = (
    "Kartgrunnlag: © Kartverket (Administrative enheter, CC BY 4.0), forenklet av robhop/fylker-og-kommuner"
)

# Published figures PROVENANCE.md quotes; the import fails if the data disagree with any of them.
NATIONAL_TOTALS = {
    2019: 5_328_212,
    2020: 5_367_580,
    2021: 5_391_369,
    2022: 5_425_270,
    2023: 5_488_984,
    2024: 5_550_203,
    2025: 5_594_340,
    2026: 5_627_400,
}
COUNTY_TOTALS_2024 = {"18": 243_081, "50": 482_956}
PROJECTION_CHECKS = {
    ("18", "2025"): 244_372,
    ("18", "2050"): 241_234,
    ("50", "2025"): 486_989,
    ("50", "2050"): 529_458,
}
NL_TR = ("18", "50")
N_MUNICIPALITIES_2024 = 357
N_NL_TR = 79

CSDATA = "niphr/csdata"
CSDATA_CSV_COMMIT = "80b272654f0a3d6d3c640f3b247225e2e3ce6ae4"
VALG = "oystess/valg_analyser"

# (repository, upstream path, commit, kind) per input file below the source folder.
INPUTS = {
    "ssb-data-candidates/csdata-07459/rda/sysdata.rda": (
        CSDATA,
        "R/sysdata.rda",
        "59345122ca61ff7572085f09944f613c0e956b8b",
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/Personer2024.csv": (
        CSDATA,
        "data-raw/files/population/Personer2024.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    **{
        f"ssb-data-candidates/csdata-07459/Personer{year}.csv": (
            CSDATA,
            f"data-raw/files/population/Personer{year}.csv",
            CSDATA_CSV_COMMIT,
            "exact copy",
        )
        for year in (2020, 2021, 2022, 2023)
    },
    "ssb-data-candidates/csdata-07459/Personer2019.csv": (
        CSDATA,
        "data-raw/files/population/Personer2019.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/norway_population_by_age_sex_2024.csv": (
        CSDATA,
        "data-raw/files/population/norway_population_by_age_sex_2024.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/locations/norway_locations.xlsx": (
        CSDATA,
        "data-raw/files/locations/norway_locations.xlsx",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/valg_analyser-06913-excerpt/flytt06913_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/flytt06913_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-06944-excerpt/innt06944_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/innt06944_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-07984-excerpt/syss07984_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/syss07984_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-09429-excerpt/utd09429_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/utd09429_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-klass128-excerpt/sentralitet_klass_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/sentralitet_klass.csv",
        "a93766dbcfdcec319894197c0cf2fdf861ef7e77",
        "excerpt",
    ),
    "ssb-data-candidates/nina-arealbruk-14288/fcKomPop.csv": (
        "NINAnor/arealbruksscenarier",
        "data-raw/fcKomPop.csv",
        "2c89e6619ccf117e2fb9b51f6b42f66a2da9a5f4",
        "exact copy",
    ),
    "ssb-data-candidates/widding-14288-fylke/output.csv": (
        "JohanWidding/SSB-regionale-befolkningsframskrivinger",
        "output.csv",
        "5600ef3f84d21e8724f38340e9ee09dd948e3257",
        "exact copy",
    ),
    "geo-candidates/robhop-2024/Kommuner-S.geojson": (
        "robhop/fylker-og-kommuner",
        "Kommuner-S.geojson",
        "ae8782500090144c2b74d6bb2a89365a7ff2236d",
        "exact copy",
    ),
    "geo-candidates/robhop-2024/Fylker-S.geojson": (
        "robhop/fylker-og-kommuner",
        "Fylker-S.geojson",
        "ae8782500090144c2b74d6bb2a89365a7ff2236d",
        "exact copy",
    ),
}

# Where the official SSB name has a Sámi/Kven part and neither csdata file gives the Norwegian form
# alone, the Norwegian (bokmål) part is named here. These are names, not statistics; see MANIFEST.
NORWEGIAN_PART = {
    "1841": "Fauske",
    "1870": "Sortland",
    "5041": "Snåsa",
    "5043": "Røyrvik",
    "5518": "Lavangen",
    "5538": "Storfjord",
    "5540": "Kåfjord",
    "5610": "Karasjok",
    "5612": "Kautokeino",
    "5622": "Porsanger",
    "5628": "Tana",
    "5636": "Nesseby",
}


# sha256 prefixes PROVENANCE.md lists per input file name: a changed input stops the import.
EXPECTED_SHA256 = {
    "sysdata.rda": "99bea3c0c36a6689",
    "Personer2019.csv": "1f834b0cc581d65e",
    "Personer2020.csv": "743159464e7f0e00",
    "Personer2021.csv": "40ad2c57dac85de9",
    "Personer2022.csv": "70d43702daab6ddc",
    "Personer2023.csv": "a2dddd6b1bbaf0b6",
    "Personer2024.csv": "70b9ef84b996ec9a",
    "norway_population_by_age_sex_2024.csv": "edaefa06c3ab9d50",
    "norway_locations.xlsx": "69609311e94448c3",
    "fcKomPop.csv": "7b172abc5167df86",
    "output.csv": "2eeb2432eb2117b1",
    "flytt06913_kommuner_NL_TR_excerpt.csv": "717a51511c3664ed",
    "innt06944_kommuner_NL_TR_excerpt.csv": "a208771fc6534de2",
    "syss07984_kommuner_NL_TR_excerpt.csv": "16224a14285dad74",
    "utd09429_kommuner_NL_TR_excerpt.csv": "cc9a3447c3e3696c",
    "sentralitet_klass_NL_TR_excerpt.csv": "9d590b17e811841f",
    "Kommuner-S.geojson": "20cb3b1216f0af2f",
    "Fylker-S.geojson": "3f5c0219f5813e06",
}


class ImportCheckError(Exception):
    """A provenance check failed: the inputs are not what PROVENANCE.md describes."""


def check(condition: bool, message: str) -> None:
    if not condition:
        raise ImportCheckError(message)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# --------------------------------------------------------------------------------------------------
# Writing


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write `df` (with its attrs) deterministically: no timestamps, fixed row order, zstd.

    pandas stores df.attrs in the Parquet schema metadata; pyarrow writes no time of writing, so the
    same frame always gives the same bytes. String columns are dictionary-encoded by pyarrow.
    """
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(
        table, buffer, compression="zstd", compression_level=9, use_dictionary=True, write_statistics=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def tidy(df: pd.DataFrame, dims: list[str], attrs: dict) -> pd.DataFrame:
    """Order and type a tidy frame: dimension codes as str, value float64, status str (NA)."""
    out = df[dims].astype(str).copy()
    out["value"] = df["value"].astype("float64").to_numpy()
    out["status"] = pd.Series([None] * len(out), dtype="str", index=out.index)
    out = out.sort_values(dims, kind="stable").reset_index(drop=True)
    out.attrs = attrs
    return out


def table_attrs(table_id, label, dimension_labels, category_labels, units, notes, updated=None) -> dict:
    return {
        "table_id": table_id,
        "label": label,
        "source": SSB_SOURCE,
        "updated": updated,
        "dimension_labels": dimension_labels,
        "category_labels": category_labels,
        "units": units,
        "notes": notes,
    }


def attribution(table_id: str) -> str:
    return f"Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell {table_id}"


# --------------------------------------------------------------------------------------------------
# 07459 and names from the csdata R data file


def read_rda(path: Path) -> dict[str, pd.DataFrame]:
    import pyreadr  # importer-only dependency (the `import` extra)

    return dict(pyreadr.read_r(str(path)))


def location_code(loc: pd.Series) -> pd.Series:
    """'municip_nor1811' -> '1811', 'county_nor18' -> '18', 'nation_nor' -> '0'."""
    digits = loc.str.extract(r"nor(\d*)$", expand=False).fillna("")
    return digits.where(digits != "", "0")


def modelled_municipality_years(redistricting: pd.DataFrame) -> set[tuple[str, int]]:
    """(2024 code, year) pairs the source apportioned from a split municipality by a fixed weight.

    csdata fills the years before a split by giving each part a fixed share (e.g. 0.5 of Tysfjord to
    Narvik and to Hamarøy). Those are modelled, not SSB figures, so they are left out.
    """
    red = redistricting[redistricting["granularity_geo"] == "municip"]
    split = red[red["weighting"] < 1]
    codes = location_code(split["location_code_current"])
    return set(zip(codes, split["calyear"].astype(int), strict=True))


def population_07459(rda: dict, names: dict) -> tuple[pd.DataFrame, dict]:
    source = rda["nor_population_by_age_b2024"]
    observed = source[~source["imputed"] & (source["sex"] != "total")]
    pop = observed[observed["granularity_geo"].isin(["municip", "nation"])].copy()
    pop["Region"] = location_code(pop["location_code"])
    pop["year"] = pop["calyear"].astype(int)
    modelled = modelled_municipality_years(rda["nor_locations_redistricting_b2024"])
    is_muni = pop["granularity_geo"] == "municip"
    keys = list(zip(pop["Region"], pop["year"], strict=True))
    drop = is_muni & pd.Series([k in modelled for k in keys], index=pop.index)
    dropped = sorted({(r, y) for (r, y), d in zip(keys, drop, strict=True) if d})
    pop = pop[~drop]
    muni = pop[pop["granularity_geo"] == "municip"]
    counties, county_years = exact_county_sums(muni, modelled)
    check_against_source_counties(counties, observed[observed["granularity_geo"] == "county"])
    frame = pd.concat([pop[["Region", "year", "sex", "age", "pop_jan1_n"]], counties], ignore_index=True)
    frame["Kjonn"] = frame["sex"].map({"male": "1", "female": "2"})
    frame["Alder"] = frame["age"].astype(int).map(lambda a: "105+" if a >= 105 else f"{a:03d}")
    frame["ContentsCode"] = "Personer1"
    frame["Tid"] = frame["year"].astype(str)
    frame["value"] = frame["pop_jan1_n"]
    check(frame["value"].notna().all(), "07459: the source has missing values in observed rows")
    ages = {f"{a:03d}": f"{a} år" for a in range(105)} | {"105+": "105 år eller eldre"}
    regions = {"0": "Hele landet"} | names["counties"] | names["municipalities"]
    attrs = table_attrs(
        "07459",
        "Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        {
            "Region": "region",
            "Kjonn": "kjønn",
            "Alder": "alder",
            "ContentsCode": "statistikkvariabel",
            "Tid": "år",
        },
        {
            "Region": regions,
            "Kjonn": {"1": "Menn", "2": "Kvinner"},
            "Alder": ages,
            "ContentsCode": {"Personer1": "Personer"},
            "Tid": {str(y): str(y) for y in sorted(frame["year"].unique())},
        },
        {"Personer1": {"base": "personer", "decimals": 0}},
        [
            "Folkemengde 1. januar, regioninndeling per 1.1.2024.",
            "Kommunetall for år før en deling (1806, 1875, 5055, 5056, 5059 før 2020; 1508, 1580 før 2024) "
            "finnes ikke i kilden som SSB-tall og er utelatt.",
            "Fylkestall er summer av kommunetall og finnes bare for år der alle kommunene i fylket har tall.",
        ],
    )
    tidy_frame = tidy(frame, ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"], attrs)
    return tidy_frame, {"dropped_modelled": dropped, "county_years": county_years}


def exact_county_sums(muni: pd.DataFrame, modelled: set) -> tuple[pd.DataFrame, dict]:
    """County totals as sums of municipalities, only for years where every municipality is observed."""
    muni = muni.assign(county=muni["Region"].str[:2])
    bad = {(code[:2], year) for code, year in modelled}
    keep = ~pd.Series(list(zip(muni["county"], muni["year"], strict=True)), index=muni.index).isin(bad)
    sums = (
        muni[keep]
        .groupby(["county", "year", "sex", "age"], as_index=False)["pop_jan1_n"]
        .sum()
        .rename(columns={"county": "Region"})
    )
    years = {c: sorted(int(y) for y in g["year"].unique()) for c, g in sums.groupby("Region")}
    return sums, years


def check_against_source_counties(sums: pd.DataFrame, source_counties: pd.DataFrame) -> None:
    """Our exact county sums must equal csdata's own county rows for the same years."""
    if source_counties.empty:
        return
    theirs = source_counties.assign(
        Region=location_code(source_counties["location_code"]), year=source_counties["calyear"].astype(int)
    ).set_index(["Region", "year", "sex", "age"])["pop_jan1_n"]
    ours = sums.set_index(["Region", "year", "sex", "age"])["pop_jan1_n"]
    check(ours.index.isin(theirs.index).all(), "07459: a derived county cell has no county row in the source")
    check(
        (ours - theirs.reindex(ours.index)).abs().max() == 0, "07459: county sums differ from csdata's rows"
    )


def check_07459(df: pd.DataFrame, csv_dir: Path) -> list[str]:
    done = []
    total = df.groupby(["Region", "Tid"])["value"].sum()
    for year, expected in NATIONAL_TOTALS.items():
        got = total.get(("0", str(year)))
        check(got == expected, f"07459: national total {year} is {got}, PROVENANCE.md says {expected}")
    done.append("national totals 2019-2026 equal the published figures")
    for county, expected in COUNTY_TOTALS_2024.items():
        got = total.get((county, "2024"))
        check(got == expected, f"07459: county {county} 2024 is {got}, PROVENANCE.md says {expected}")
    done.append("county sums 2024 Nordland 243,081 and Trøndelag 482,956")
    munis = df[df["Region"].str.len() == 4]
    for year in ("2024", "2025", "2026"):
        n = munis.loc[munis["Tid"] == year, "Region"].nunique()
        check(n == N_MUNICIPALITIES_2024, f"07459: {n} municipalities in {year}, expected 357")
        check(
            total[("0", year)] == munis.loc[munis["Tid"] == year, "value"].sum(),
            f"07459: municipalities do not add up to the national total in {year}",
        )
    done.append("357 municipalities in 2024-2026 and they add up to the national total")
    check(
        total.get(("1811", "2025")) == 1374 and total.get(("1811", "2026")) == 1361,
        "07459: spot check 1811 Bindal 2025/2026 (1,374/1,361) failed",
    )
    done.append("spot check 1811 Bindal 2025 = 1,374 and 2026 = 1,361")
    done += cross_check_csv(df, csv_dir)
    return done


def read_personer_csv(
    path: Path, value_columns: list[str], sep: str = ";", skiprows: int = 2
) -> pd.DataFrame:
    raw = pd.read_csv(path, sep=sep, encoding="latin-1", skiprows=skiprows, dtype=str)
    raw = raw[raw["region"].str.match(r"K-\d{4} ")]
    raw["Region"] = raw["region"].str[2:6]
    raw["Alder"] = (
        raw["age"]
        .str.extract(r"^(\d+)", expand=False)
        .astype(int)
        .map(lambda a: "105+" if a >= 105 else f"{a:03d}")
    )
    for col in value_columns:
        raw[col] = raw[col].astype(float)
    return raw


def cross_check_csv(df: pd.DataFrame, csv_dir: Path) -> list[str]:
    """Compare 2024 with csdata's separate SSB exports (both sexes and by sex)."""
    ours = df[(df["Tid"] == "2024") & (df["Region"].str.len() == 4)]
    both = ours.groupby(["Region", "Alder"])["value"].sum()
    csv = read_personer_csv(csv_dir / "Personer2024.csv", ["Persons 2024"]).set_index(["Region", "Alder"])
    diff = (both - csv["Persons 2024"]).abs()
    check(len(csv) == len(both) and diff.max() == 0, "07459: 2024 differs from csdata Personer2024.csv")
    by_sex = read_personer_csv(
        csv_dir / "norway_population_by_age_sex_2024.csv", ["Persons 2024 Males", "Persons 2024 Females"]
    ).set_index(["Region", "Alder"])
    for kjonn, col in (("1", "Persons 2024 Males"), ("2", "Persons 2024 Females")):
        part = ours[ours["Kjonn"] == kjonn].set_index(["Region", "Alder"])["value"]
        check((part - by_sex[col]).abs().max() == 0, f"07459: 2024 {col} differs from csdata's CSV export")
    return [
        "2024 by municipality, age (and sex) equals csdata's Personer2024.csv and "
        "norway_population_by_age_sex_2024.csv cell by cell",
        cross_check_2020_2023(df, csv_dir),
    ]


def cross_check_2020_2023(df: pd.DataFrame, csv_dir: Path) -> str:
    """2020-2023 against csdata's SSB exports on 2020 codes, for every code that is the same in 2024."""
    compared = 0
    for year in (2020, 2021, 2022, 2023):
        # Personer2020.csv is tab-separated without a title line; the later files use ";" and a title.
        sep, skip = ("\t", 0) if year == 2020 else (";", 2)
        col = f"Persons {year}"
        csv = read_personer_csv(csv_dir / f"Personer{year}.csv", [col], sep, skip).set_index(
            ["Region", "Alder"]
        )
        ours = df[(df["Tid"] == str(year)) & (df["Region"].str.len() == 4)]
        ours = ours.groupby(["Region", "Alder"])["value"].sum()
        common = ours.index.intersection(csv.index)
        check(
            (ours[common] - csv.loc[common, col]).abs().max() == 0,
            f"07459: {year} differs from csdata Personer{year}.csv",
        )
        codes = common.get_level_values(0).nunique()
        check(codes >= 240, f"07459: only {codes} municipalities could be compared with Personer{year}.csv")
        compared += codes
    return (
        "2020-2023 by municipality and age equals csdata's Personer2020-2023.csv for every code unchanged "
        f"since 2020 ({compared} municipality-years)"
    )


# --------------------------------------------------------------------------------------------------
# Names and code changes


def split_official_name(code: str, official: str, plain: dict[str, str]) -> tuple[str, str | None]:
    """Split SSB's official name ('Raarvihke - Røyrvik') into (bokmål name, Sámi/Kven name or None)."""
    base = official.split(" (")[0]  # "Herøy (Nordland)" -> "Herøy"
    parts = base.split(" - ")
    if len(parts) == 1:
        return base, None
    norwegian = NORWEGIAN_PART.get(code) or plain.get(code)
    check(norwegian in parts, f"names: cannot tell the Norwegian part of {code} {official!r}")
    others = [p for p in parts if p != norwegian]
    return norwegian, " - ".join(others)


def regions_2024(csv_dir: Path, rda: dict, counties_geo: dict) -> pd.DataFrame:
    """2024 municipality and county names: SSB's official labels (07459, 2024) split into bokmål/Sámi."""
    raw = pd.read_csv(csv_dir / "Personer2024.csv", sep=";", encoding="latin-1", skiprows=2, dtype=str)
    labels = raw["region"].drop_duplicates()
    labels = labels[labels.str.match(r"K-\d{4} ")]
    official = dict(zip(labels.str[2:6], labels.str[7:], strict=True))
    names = rda["nor_locations_names_b2024"]
    munis = names[names["granularity_geo"] == "municip"]
    plain = {
        c: n
        for c, n in zip(location_code(munis["location_code"]), munis["location_name"], strict=True)
        if "-" not in n
    }
    rows = []
    for code in sorted(official):
        name, sami = split_official_name(code, official[code], plain)
        rows.append(
            {
                "code": code,
                "level": "kommune",
                "name": name,
                "sami_name": sami,
                "official_name": official[code],
                "county": code[:2],
            }
        )
    for code, (name, full) in sorted(counties_geo.items()):
        parts = full.split(" - ")
        rows.append(
            {
                "code": code,
                "level": "fylke",
                "name": name,
                "sami_name": " - ".join(parts[1:]) or None,
                "official_name": full,
                "county": code,
            }
        )
    out = pd.DataFrame(rows, dtype="str")
    check((out["level"] == "kommune").sum() == N_MUNICIPALITIES_2024, "names: expected 357 municipalities")
    out.attrs = {
        "table_id": "regions-2024",
        "label": "Kommuner og fylker per 1.1.2024",
        "source": SSB_SOURCE + "; fylkesnavn: Kartverket",
        "updated": None,
        "dimension_labels": {},
        "category_labels": {},
        "units": {},
        "notes": [],
    }
    return out


def code_changes(rda: dict, locations_xlsx: Path, current_names: dict[str, str]) -> pd.DataFrame:
    """Retired municipality codes and the 2024 code(s) their area belongs to, with the change date.

    csdata's redistricting table maps every code used in a year to the 2024 code(s); a code's change
    took effect on 1 January of the year after the last year it was used. Chains (1613 -> 5012 ->
    5055/5056/5059) are already resolved to current codes by the table.
    """
    red = rda["nor_locations_redistricting_b2024"]
    red = red[red["granularity_geo"] == "municip"].copy()
    red["old"] = location_code(red["location_code_original"])
    red["new"] = location_code(red["location_code_current"])
    red["year"] = red["calyear"].astype(int)
    last = red.groupby("old")["year"].max()
    retired = last[last < 2024]
    final = red[red["old"].isin(retired.index) & (red["year"] == red["old"].map(retired))]
    pairs = final.drop_duplicates(["old", "new"])[["old", "new", "year"]]
    xlsx = pd.read_excel(locations_xlsx)
    xlsx["code"] = location_code(xlsx["municip_code"])
    old_names = xlsx.sort_values("year_start").groupby("code")["municip_name"].last().to_dict()
    out = pd.DataFrame(
        {
            "oldCode": pairs["old"],
            "oldName": pairs["old"].map(old_names),
            "newCode": pairs["new"],
            "newName": pairs["new"].map(current_names),
            "changeOccurred": (pairs["year"] + 1).astype(str) + "-01-01",
        }
    ).astype("str")
    out = out.sort_values(["oldCode", "newCode"]).reset_index(drop=True)
    for old, year, succ in (
        ("1850", "2020", {"1806", "1875"}),
        ("5012", "2020", {"5055", "5056", "5059"}),
        ("1601", "2018", {"5001"}),
    ):
        rows = out[out["oldCode"] == old]
        check(
            set(rows["newCode"]) == succ and set(rows["changeOccurred"].str[:4]) == {year},
            f"code changes: {old} should go to {sorted(succ)} in {year}, got {rows.to_dict('records')}",
        )
    out.attrs = {
        "table_id": "klass-131-changes",
        "label": "Kommuneendringer (gamle koder -> 2024-koder)",
        "source": "niphr/csdata (redistricting table), SSB KLASS 131",
        "updated": None,
        "dimension_labels": {},
        "category_labels": {},
        "units": {},
        "notes": [],
    }
    return out


# --------------------------------------------------------------------------------------------------
# The valg_analyser excerpts


def read_excerpt(path: Path, dims: dict[str, str]) -> pd.DataFrame:
    """An excerpt CSV with its columns renamed to SSB's dimension ids (`dims`: source column -> id)."""
    raw = pd.read_csv(path, dtype=str)
    df = raw[list(dims)].rename(columns=dims)
    df["value"] = raw["verdi"].astype(float)
    return df


def population_changes_06913(path: Path, p07459: pd.DataFrame, csv_dir: Path, names: dict) -> pd.DataFrame:
    df = read_excerpt(path, {"kode": "Region", "variabel": "ContentsCode", "aar": "Tid"})
    check(
        df["Region"].nunique() == N_NL_TR and df["Region"].str[:2].isin(NL_TR).all(),
        "06913: expected the 79 Nordland/Trøndelag municipalities",
    )
    pop = p07459[p07459["Region"].str.len() == 4].groupby(["Region", "Tid"])["value"].sum()
    ours = df[(df["ContentsCode"] == "Folkemengde") & (df["Tid"] >= "2020")].set_index(["Region", "Tid"])
    check(
        (ours["value"] - pop.reindex(ours.index)).abs().max() == 0,
        "06913: Folkemengde 2020-2026 differs from 07459",
    )
    p2019 = pd.read_csv(csv_dir / "Personer2019.csv", dtype=str)
    p2019 = p2019[p2019["region"].str.match(r"\d{4} ")]
    sums = (
        p2019.assign(code=p2019["region"].str[:4], v=p2019.iloc[:, 2].astype(float))
        .groupby("code")["v"]
        .sum()
    )
    y19 = df[(df["ContentsCode"] == "Folkemengde") & (df["Tid"] == "2019")].set_index("Region")["value"]
    check(
        len(y19) == 69 and (y19 - sums.reindex(y19.index)).abs().max() == 0,
        "06913: Folkemengde 2019 differs from csdata Personer2019.csv",
    )
    wide = df.pivot_table(index=["Region", "Tid"], columns="ContentsCode", values="value")
    nxt = wide["Folkemengde"].groupby(level=0).shift(-1)
    resid = (nxt - wide["Folkemengde"] - wide["Fodselsoverskudd"] - wide["Nettoinnflytting"]).dropna()
    # 2019 -> 2020 crosses the 2020 border changes (5054 Indre Fosen differs by 70), so only check
    # transitions on 2020 borders; Trondheim's components differ by up to 35 (late registrations).
    resid = resid[(resid.index.get_level_values(0) != "5001") & (resid.index.get_level_values(1) >= "2020")]
    check(resid.abs().max() <= 11, f"06913: components do not match population change ({resid.abs().max()})")
    attrs = table_attrs(
        "06913",
        "Befolkning og endringar, etter region, statistikkvariabel og år",
        {"Region": "region", "ContentsCode": "statistikkvariabel", "Tid": "år"},
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"].unique())},
            "ContentsCode": {
                "Folkemengde": "Folkemengde (1. januar)",
                "Fodselsoverskudd": "Fødselsoverskudd",
                "Nettoinnflytting": "Nettoinnflytting, inkl. inn- og utvandring",
            },
            "Tid": {t: t for t in sorted(df["Tid"].unique())},
        },
        {
            c: {"base": "personer", "decimals": 0}
            for c in ("Folkemengde", "Fodselsoverskudd", "Nettoinnflytting")
        },
        [
            "Utdrag: Nordland og Trøndelag. 2019 er på 2019-grenser (5001 Trondheim 2019 = gamle Trondheim).",
            "Folkemengde gjelder 1. januar; endringene gjelder kalenderåret.",
            "Fødte, døde, inn- og utflyttinger hver for seg finnes ikke i kilden.",
        ],
    )
    return tidy(df, ["Region", "ContentsCode", "Tid"], attrs)


def income_06944(path: Path, names: dict) -> pd.DataFrame:
    df = read_excerpt(
        path, {"kode": "Region", "husholdtype": "HusholdType", "variabel": "ContentsCode", "aar": "Tid"}
    )
    check(
        df["Region"].nunique() == N_NL_TR and (df["HusholdType"] == "0000").all(),
        "06944: expected 79 municipalities, household type 0000",
    )
    attrs = table_attrs(
        "06944",
        "Inntekt etter skatt for husholdninger, etter region, husholdningstype, statistikkvariabel og år",
        {
            "Region": "region",
            "HusholdType": "husholdningstype",
            "ContentsCode": "statistikkvariabel",
            "Tid": "år",
        },
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"].unique())},
            "HusholdType": {"0000": "Alle husholdninger"},
            "ContentsCode": {
                "InntSkatt": "Inntekt etter skatt, median (kr)",
                "AntallHushold": "Husholdninger (antall)",
            },
            "Tid": {t: t for t in sorted(df["Tid"].unique())},
        },
        {
            "InntSkatt": {"base": "kroner", "decimals": 0},
            "AntallHushold": {"base": "husholdninger", "decimals": 0},
        },
        ["Utdrag: Nordland og Trøndelag. 2024 er avrundet til nærmeste 100 kr, tidligere år til 1000 kr."],
    )
    return tidy(df, ["Region", "HusholdType", "ContentsCode", "Tid"], attrs)


def employment_07984(path: Path, names: dict) -> pd.DataFrame:
    df = read_excerpt(
        path,
        {"kode": "Region", "naering": "NACE2007", "kjonn": "Kjonn", "alder": "Alder",
         "variabel": "ContentsCode", "aar": "Tid"},
    )
    check(df["Region"].nunique() == N_NL_TR, "07984: expected 79 municipalities")
    wide = df.pivot_table(index=["Region", "Tid"], columns="NACE2007", values="value")
    parts = wide.drop(columns="00-99").sum(axis=1)
    check((parts < wide["00-99"]).all(), "07984: the five industries add up to at least 00-99 somewhere")
    n24 = wide.xs("2024", level="Tid")["00-99"]
    check(
        n24[n24.index.str[:2] == "18"].sum() == 121_520 and n24[n24.index.str[:2] == "50"].sum() == 250_286,
        "07984: county sums 2024 (Nordland 121,520; Trøndelag 250,286) do not hold",
    )
    attrs = table_attrs(
        "07984",
        "Sysselsatte per 4. kvartal, etter bostedskommune, næring (SN2007), kjønn og alder",
        {
            "Region": "region",
            "NACE2007": "næring (SN2007)",
            "Kjonn": "kjønn",
            "Alder": "alder",
            "ContentsCode": "statistikkvariabel",
            "Tid": "år",
        },
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"].unique())},
            "NACE2007": {
                "00-99": "Alle næringer",
                "01-03": "Jordbruk, skogbruk og fiske",
                "10-33": "Industri",
                "84": "Offentlig administrasjon og forsvar",
                "85": "Undervisning",
                "86-88": "Helse- og sosialtjenester",
            },
            "Kjonn": {"0": "Begge kjønn"},
            "Alder": {"15-74": "15-74 år"},
            "ContentsCode": {"Sysselsatte": "Sysselsatte personer"},
            "Tid": {t: t for t in sorted(df["Tid"].unique())},
        },
        {"Sysselsatte": {"base": "personer", "decimals": 0}},
        [
            "Utdrag: Nordland og Trøndelag, bosted 4. kvartal. Bare seks næringsgrupper; de summerer "
            "ikke til "
            "alle næringer.",
            "Dimensjonsnavnet NACE2007 er vårt (kilden har 'naering').",
        ],
    )
    return tidy(df, ["Region", "NACE2007", "Kjonn", "Alder", "ContentsCode", "Tid"], attrs)


def education_09429(path: Path, names: dict) -> pd.DataFrame:
    df = read_excerpt(
        path, {"kode": "Region", "nivaa": "Nivaa", "kjonn": "Kjonn", "variabel": "ContentsCode", "aar": "Tid"}
    )
    check(df["Region"].nunique() == N_NL_TR, "09429: expected 79 municipalities")
    wide = df.pivot_table(index=["Region", "Tid"], columns="Nivaa", values="value")
    check((wide["03a"] + wide["04a"] <= wide["00"]).all(), "09429: higher education exceeds all persons")
    y24 = wide.xs("2024", level="Tid")
    for county, share in (("18", 30.5), ("50", 37.2)):
        part = y24[y24.index.str[:2] == county]
        got = round(100 * (part["03a"].sum() + part["04a"].sum()) / part["00"].sum(), 1)
        check(got == share, f"09429: county {county} higher-education share 2024 is {got}, expected {share}")
    attrs = table_attrs(
        "09429",
        "Utdanningsnivå, etter kommune og kjønn",
        {
            "Region": "region",
            "Nivaa": "nivå",
            "Kjonn": "kjønn",
            "ContentsCode": "statistikkvariabel",
            "Tid": "år",
        },
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"].unique())},
            "Nivaa": {
                "00": "Alle nivåer (personer 16 år og over)",
                "03a": "Universitets- og høgskolenivå kort",
                "04a": "Universitets- og høgskolenivå lang",
            },
            "Kjonn": {"0": "Begge kjønn"},
            "ContentsCode": {"Personer": "Personer"},
            "Tid": {t: t for t in sorted(df["Tid"].unique())},
        },
        {"Personer": {"base": "personer", "decimals": 0}},
        [
            "Utdrag: Nordland og Trøndelag, per 1. oktober. Bare tre nivåer; andelene summerer "
            "ikke til 100 %.",
            "Nivå 00 er tolket som alle personer 16 år og over ut fra verdiene.",
        ],
    )
    return tidy(df, ["Region", "Nivaa", "Kjonn", "ContentsCode", "Tid"], attrs)


def centrality_128(path: Path) -> pd.DataFrame:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    df = pd.DataFrame(
        {
            "code": raw["code"],
            "name": raw["name"],
            "level": raw["level"],
            "parentCode": raw["parentCode"].replace("", None),
            "index": pd.to_numeric(raw["notes"].replace("", None)).astype("float64"),
            "validFrom": raw["validFrom"].replace("", None),
            "validTo": raw["validTo"].replace("", None),
        }
    )
    classes = df[df["level"] == "1"]
    bounds = classes["name"].str.extract(r"\((\d+)-(\d+)\)").astype(float)
    bounds.index = classes["code"]
    munis = df[df["level"] == "2"]
    low = munis["parentCode"].map(bounds[0])
    high = munis["parentCode"].map(bounds[1])
    check(
        ((munis["index"] >= low) & (munis["index"] <= high)).all(),
        "klass-128: an index value lies outside its class interval",
    )
    check(len(classes) == 6, "klass-128: expected six classes")
    df = (
        df.sort_values(["level", "code"])
        .reset_index(drop=True)
        .astype(
            {
                "code": "str",
                "name": "str",
                "level": "str",
                "parentCode": "str",
                "validFrom": "str",
                "validTo": "str",
            }
        )
    )
    df.attrs = {
        "table_id": "klass-128",
        "label": "Sentralitet (KLASS 128), 2020-standard",
        "source": SSB_SOURCE + " (KLASS)",
        "updated": None,
        "dimension_labels": {},
        "category_labels": {},
        "units": {"index": {"base": "indeks", "decimals": 0}},
        "notes": ["Utdrag: Nordland og Trøndelag. index er sentralitetsindeksen (0-1000) fra KLASS notes."],
    }
    return df


# --------------------------------------------------------------------------------------------------
# 14288 projections


def projections_14288(
    nina: Path, widding: Path, county_names: dict, names: dict, p07459: pd.DataFrame
) -> pd.DataFrame:
    raw = pd.read_csv(nina, dtype={"kommunenummer": str})
    raw["Region"] = raw["kommunenummer"].str.zfill(4)
    check(raw["Region"].nunique() == N_MUNICIPALITIES_2024, "14288: NINA file should hold 357 municipalities")
    observed = p07459[p07459["Region"].str.len() == 4].groupby(["Region", "Tid"])["value"].sum()
    for year in range(2020, 2025):
        diff = raw.set_index("Region")[f"pop{year}"] - observed.xs(str(year), level="Tid")
        check(diff.abs().max() == 0, f"14288: NINA pop{year} differs from 07459")
    years = [str(y) for y in range(2025, 2051)]
    muni = raw.melt(id_vars="Region", value_vars=[f"pop{y}" for y in years], var_name="Tid")
    muni["Tid"] = muni["Tid"].str[3:]
    muni["ContentsCode"] = "MMMM"
    wide = pd.read_csv(widding, dtype={"Tid": str})
    long = wide.melt(id_vars="Tid", var_name="column")
    long[["county_name", "alternative"]] = long["column"].str.extract(r"^(.*)_.*\((\w{4})\)$")
    by_name = {full: code for code, (_name, full) in county_names.items()}
    long["Region"] = long["county_name"].map(by_name)
    check(
        long["Region"].notna().all(),
        f"14288: unknown county names {set(long.loc[long.Region.isna(), 'county_name'])}",
    )
    long = long[long["Tid"].isin(years)].rename(columns={"alternative": "ContentsCode"})
    county = long[["Region", "ContentsCode", "Tid", "value"]]
    sums = muni.assign(c=muni["Region"].str[:2]).groupby(["c", "Tid"])["value"].sum()
    mmmm = county[county["ContentsCode"] == "MMMM"].set_index(["Region", "Tid"])["value"]
    check(
        len(mmmm) == 15 * 26 and (sums.reindex(mmmm.index) - mmmm).abs().max() == 0,
        "14288: county sums of NINA MMMM differ from the county MMMM figures",
    )
    df = pd.concat([muni[["Region", "ContentsCode", "Tid", "value"]], county], ignore_index=True)
    got = df[df["ContentsCode"] == "MMMM"].set_index(["Region", "Tid"])["value"]
    for key, expected in PROJECTION_CHECKS.items():
        check(got.get(key) == expected, f"14288: {key} is {got.get(key)}, PROVENANCE.md says {expected}")
    attrs = table_attrs(
        "14288",
        "Framskrevet folkemengde 1. januar, etter region, statistikkvariabel og år (2024-framskrivingene)",
        {"Region": "region", "ContentsCode": "alternativ", "Tid": "år"},
        {
            "Region": {c: names["all"][c] for c in sorted(df["Region"].unique())},
            "ContentsCode": {
                "MMMM": "Hovedalternativet (MMMM)",
                "HHMH": "Høy nasjonal vekst (HHMH)",
                "LLML": "Lav nasjonal vekst (LLML)",
            },
            "Tid": {t: t for t in years},
        },
        {c: {"base": "personer", "decimals": 0} for c in ("MMMM", "HHMH", "LLML")},
        [
            "Kommuner: bare hovedalternativet (MMMM). Fylker: tre alternativer.",
            "Observerte år i kildefilene (kommuner til og med 2024, fylker 2024) er ikke framskrivinger "
            "og er utelatt.",
            "ContentsCode holder alternativkoden; navnet er vårt (kildene er bearbeidet fra 14288).",
        ],
        updated=None,
    )
    return tidy(df, ["Region", "ContentsCode", "Tid"], attrs)


# --------------------------------------------------------------------------------------------------
# Boundaries


def round_coords(coords, ndigits: int = 5):
    if isinstance(coords[0], (int, float)):
        return [round(float(c), ndigits) for c in coords]
    return [round_coords(c, ndigits) for c in coords]


def compact_geojson(src: Path, keep: list[str], code_key: str) -> tuple[bytes, list[str]]:
    """GeoJSON with coordinates rounded to 5 decimals (about 1 m) and only the properties we use."""
    doc = json.loads(src.read_text(encoding="utf-8"))
    features = []
    for feat in sorted(doc["features"], key=lambda f: f["properties"][code_key]):
        geom = feat["geometry"]
        features.append(
            {
                "type": "Feature",
                "properties": {k: feat["properties"][k] for k in keep},
                "geometry": {"type": geom["type"], "coordinates": round_coords(geom["coordinates"])},
            }
        )
    out = {"type": "FeatureCollection", "features": features}
    codes = [f["properties"][code_key] for f in features]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), codes


# --------------------------------------------------------------------------------------------------
# Manifest and main


def input_entries(source: Path, rel_paths: list[str], role: str = "data") -> list[dict]:
    """Provenance of input files; role "data" (read into the output) or "check" (only compared against)."""
    entries = []
    for rel in rel_paths:
        repo, path, commit, kind = INPUTS[rel]
        digest = sha256(source / rel)
        expected = EXPECTED_SHA256[Path(rel).name]
        check(digest.startswith(expected), f"{rel}: sha256 {digest[:16]} is not {expected} (PROVENANCE.md)")
        entries.append(
            {
                "repository": repo,
                "path": path,
                "commit": commit,
                "file": rel,
                "sha256": digest,
                "kind": kind,
                "role": role,
            }
        )
    return entries


def coverage(df: pd.DataFrame) -> dict:
    levels = {
        "country": df["Region"] == "0",
        "counties": df["Region"].str.len() == 2,
        "municipalities": df["Region"].str.len() == 4,
    }
    dims = [c for c in df.columns if c not in ("Region", "Tid", "value", "status")]
    return {
        "regions": {name: int(df.loc[mask, "Region"].nunique()) for name, mask in levels.items()},
        "years": [min(df["Tid"]), max(df["Tid"])],
        "years_by_level": {
            name: [min(df.loc[mask, "Tid"]), max(df.loc[mask, "Tid"])]
            for name, mask in levels.items()
            if mask.any()
        },
        "variables": {d: sorted(df[d].unique()) for d in dims if df[d].nunique() <= 12},
    }


def ascii_fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def build(source: Path) -> tuple[dict[str, object], dict]:
    """Read and check everything; return {relative output path: frame or bytes} and the manifest."""
    ssb = source / "ssb-data-candidates"
    csv_dir = ssb / "csdata-07459"
    rda = read_rda(csv_dir / "rda" / "sysdata.rda")
    fylker_bytes, fylker_codes = compact_geojson(
        source / "geo-candidates/robhop-2024/Fylker-S.geojson",
        ["fylkesnummer", "name", "fylkesnavn"],
        "fylkesnummer",
    )
    fylker = json.loads(fylker_bytes)
    county_names = {
        f["properties"]["fylkesnummer"]: (f["properties"]["name"], f["properties"]["fylkesnavn"])
        for f in fylker["features"]
    }
    regions = regions_2024(csv_dir, rda, county_names)
    muni_names = dict(
        zip(
            regions.loc[regions.level == "kommune", "code"],
            regions.loc[regions.level == "kommune", "official_name"],
            strict=True,
        )
    )
    cty_names = {c: full for c, (_n, full) in county_names.items()}
    names = {"municipalities": muni_names, "counties": cty_names, "all": muni_names | cty_names}

    p07459, info = population_07459(rda, names)
    checks_07459 = check_07459(p07459, csv_dir)
    outputs: dict[str, object] = {"07459.parquet": p07459}
    manifest_tables: dict[str, dict] = {}
    years_note = ", ".join(f"{c}: {y[0]}-{y[-1]}" for c, y in sorted(info["county_years"].items()))
    dropped = sorted({c for c, _ in info["dropped_modelled"]})
    manifest_tables["07459"] = {
        "title": p07459.attrs["label"],
        "ssb_table": "07459",
        "vintage": "2026-07-01",
        "vintage_note": "Date of the csdata commit of sysdata.rda; it holds SSB figures up to "
        "1 January 2026.",
        "inputs": input_entries(source, ["ssb-data-candidates/csdata-07459/rda/sysdata.rda"])
        + input_entries(
            source,
            [
                "ssb-data-candidates/csdata-07459/Personer2024.csv",
                "ssb-data-candidates/csdata-07459/norway_population_by_age_sex_2024.csv",
                *(
                    f"ssb-data-candidates/csdata-07459/Personer{year}.csv"
                    for year in (2020, 2021, 2022, 2023)
                ),
            ],
            role="check",
        ),
        "transform": (
            "From csdata's nor_population_by_age_b2024 (2024 borders): kept municipality and nation rows "
            "with imputed == FALSE (observed up to 1 January 2026; 2027-2036 are copies, dropped); dropped "
            "sex 'total' (= 1 + 2). Dropped municipality-years that csdata apportioned from a split "
            f"municipality by a fixed weight (not SSB figures): {', '.join(dropped)} "
            f"({len(info['dropped_modelled'])} municipality-years; 1806/1875/5055/5056/5059 before 2020, "
            "1508/1580 before 2024). Counties are sums of municipalities, only for years where every "
            f"municipality of the county is observed ({years_note}); they equal csdata's own county rows "
            "for those years (its rows for other years include the apportioned parts, so they are not used). "
            "The country rows are csdata's nation rows (SSB's national figures). "
            "Region codes: '0' country, 2-digit "
            "county, 4-digit municipality. age -> Alder '000'..'104', '105+'; "
            "sex -> Kjonn '1' men, '2' women; "
            "ContentsCode 'Personer1'; calyear -> Tid. Municipalities exist in the source from 2005, the "
            "country from 1986."
        ),
        "checks": checks_07459
        + [
            f"dropped {len(info['dropped_modelled'])} modelled municipality-years",
            "derived county sums equal csdata's own county rows cell by cell",
            "every input's sha256 starts with the prefix PROVENANCE.md lists",
        ],
        "coverage": coverage(p07459),
        "licence": LICENCE,
        "attribution": attribution("07459"),
    }

    p06913 = population_changes_06913(
        ssb / "valg_analyser-06913-excerpt/flytt06913_kommuner_NL_TR_excerpt.csv", p07459, csv_dir, names
    )
    outputs["06913.parquet"] = p06913
    manifest_tables["06913"] = excerpt_entry(
        source,
        p06913,
        "06913",
        "ssb-data-candidates/valg_analyser-06913-excerpt/flytt06913_kommuner_NL_TR_excerpt.csv",
        "kode -> Region, variabel -> ContentsCode, aar -> Tid, verdi -> value. 2019 rows are on 2019 borders "
        "(5001 in 2019 is the old Trondheim). Only Folkemengde, Fodselsoverskudd and Nettoinnflytting exist "
        "in the source: no separate births, deaths or migration flows.",
        [
            "Folkemengde 2020-2026 equals 07459 for all 79 municipalities",
            "Folkemengde 2019 equals the municipality sums of csdata Personer2019.csv (69 municipalities)",
            "population(t+1) - population(t) - natural increase - net migration within +-11 for 2020-2025 "
            "(Trondheim excepted: up to 35). Not for 2019: 2019 rows are on 2019 borders "
            "(5054 differs by 70)",
        ],
    )

    manifest_tables["06913"]["inputs"] += input_entries(
        source, ["ssb-data-candidates/csdata-07459/Personer2019.csv"], role="check"
    )

    p06944 = income_06944(ssb / "valg_analyser-06944-excerpt/innt06944_kommuner_NL_TR_excerpt.csv", names)
    outputs["06944.parquet"] = p06944
    manifest_tables["06944"] = excerpt_entry(
        source,
        p06944,
        "06944",
        "ssb-data-candidates/valg_analyser-06944-excerpt/innt06944_kommuner_NL_TR_excerpt.csv",
        "kode -> Region, husholdtype -> HusholdType, variabel -> ContentsCode, aar -> Tid, verdi -> value.",
        ["79 municipalities, household type 0000 only"],
    )

    p07984 = employment_07984(ssb / "valg_analyser-07984-excerpt/syss07984_kommuner_NL_TR_excerpt.csv", names)
    outputs["07984.parquet"] = p07984
    manifest_tables["07984"] = excerpt_entry(
        source,
        p07984,
        "07984",
        "ssb-data-candidates/valg_analyser-07984-excerpt/syss07984_kommuner_NL_TR_excerpt.csv",
        "kode -> Region, naering -> NACE2007 (our name for the industry dimension; not verified against "
        "07984's metadata, SSB uses NACE2007 in other SN2007 tables), kjonn -> Kjonn, alder -> Alder, "
        "variabel -> ContentsCode, aar -> Tid (4th quarter), verdi -> value. The title is SSB's wording for "
        "this table as far as known; the source file carries none, and it was not checked against 07984's "
        "metadata.",
        [
            "79 municipalities",
            "the five industries sum to less than 00-99 everywhere",
            "county sums 2024: Nordland 121,520, Trøndelag 250,286",
        ],
    )

    p09429 = education_09429(ssb / "valg_analyser-09429-excerpt/utd09429_kommuner_NL_TR_excerpt.csv", names)
    outputs["09429.parquet"] = p09429
    manifest_tables["09429"] = excerpt_entry(
        source,
        p09429,
        "09429",
        "ssb-data-candidates/valg_analyser-09429-excerpt/utd09429_kommuner_NL_TR_excerpt.csv",
        "kode -> Region, nivaa -> Nivaa (SSB's dimension id, as in public API queries of 09429), "
        "kjonn -> Kjonn, variabel -> ContentsCode, aar -> Tid (1 October), verdi -> value.",
        [
            "79 municipalities",
            "03a + 04a <= 00 everywhere",
            "higher-education share 2024: Nordland 30.5 %, Trøndelag 37.2 %",
        ],
    )

    k128 = centrality_128(ssb / "valg_analyser-klass128-excerpt/sentralitet_klass_NL_TR_excerpt.csv")
    current = set(regions.loc[regions["county"].isin(NL_TR) & (regions["level"] == "kommune"), "code"])
    check(current <= set(k128["code"]), "klass-128: not all 79 current NL/TR municipalities are present")
    outputs["klass-128.parquet"] = k128
    manifest_tables["klass-128"] = {
        "title": k128.attrs["label"],
        "ssb_table": "KLASS 128",
        "vintage": "2026-09-24",
        "vintage_note": "Downloaded from KLASS by the upstream author on 2026-09-24 (upstream MANIFEST.md).",
        "inputs": input_entries(
            source, ["ssb-data-candidates/valg_analyser-klass128-excerpt/sentralitet_klass_NL_TR_excerpt.csv"]
        ),
        "transform": "Kept code, name, level, parentCode (centrality class 01-06), validFrom, validTo; "
        "notes -> index (float, centrality index 0-1000). Includes codes retired before 2020.",
        "checks": ["every index lies in its class interval", "all 79 current NL/TR municipalities present"],
        "coverage": {
            "regions": {"municipalities": int((k128["level"] == "2").sum()), "classes": 6},
            "years": None,
            "variables": ["parentCode", "index"],
        },
        "licence": LICENCE,
        "attribution": "Kilde: Statistisk sentralbyrå (SSB), KLASS klassifikasjon 128",
    }

    p14288 = projections_14288(
        ssb / "nina-arealbruk-14288/fcKomPop.csv",
        ssb / "widding-14288-fylke/output.csv",
        county_names,
        names,
        p07459,
    )
    outputs["14288.parquet"] = p14288
    manifest_tables["14288"] = {
        "title": p14288.attrs["label"],
        "ssb_table": "14288",
        "vintage": "2025-01-27",
        "vintage_note": "SSB's 2024 projections; date of the Widding commit holding the retrieved figures "
        "(retrieval date itself not recorded).",
        "inputs": input_entries(
            source,
            [
                "ssb-data-candidates/nina-arealbruk-14288/fcKomPop.csv",
                "ssb-data-candidates/widding-14288-fylke/output.csv",
            ],
        ),
        "transform": "Municipalities: NINA fcKomPop.csv pop2025..pop2050 = 14288 main alternative (MMMM); "
        "observed pop2000-pop2024 dropped. Counties: Widding output.csv (15 counties, MMMM/HHMH/"
        "LLML), county names mapped to 2024 codes via Kartverket's fylkesnavn; 2024 (observed, "
        "equal in all alternatives) dropped. ContentsCode holds the alternative code (our name). "
        "Vintage: SSB's 2024 projections.",
        "checks": [
            "NINA pop2020-pop2024 equal 07459 for all 357 municipalities",
            "county sums of NINA MMMM equal Widding county MMMM for all 15 counties and 2025-2050",
            "Nordland 2025 244,372 / 2050 241,234; Trøndelag 2025 486,989 / 2050 529,458",
        ],
        "coverage": coverage(p14288),
        "licence": LICENCE,
        "attribution": attribution("14288"),
    }

    outputs["regions-2024.parquet"] = regions
    manifest_tables["regions-2024"] = {
        "title": regions.attrs["label"],
        "ssb_table": "07459 (region labels, 2024)",
        "vintage": "2024-01-01",
        "vintage_note": "Region structure valid from 1 January 2024.",
        "inputs": input_entries(
            source,
            [
                "ssb-data-candidates/csdata-07459/Personer2024.csv",
                "ssb-data-candidates/csdata-07459/rda/sysdata.rda",
                "geo-candidates/robhop-2024/Fylker-S.geojson",
            ],
        ),
        "transform": "official_name = SSB's 2024 region label in csdata's Personer2024.csv export of 07459 "
        "(e.g. 'Raarvihke - Røyrvik', 'Aarborte - Hattfjelldal', 'Herøy (Nordland)'). name = the "
        "Norwegian (bokmål) part without the county qualifier, sami_name = the Sámi/Kven part(s). "
        "The Norwegian part is the one csdata's nor_locations_names_b2024 gives alone; for "
        f"{', '.join(sorted(NORWEGIAN_PART))} csdata also gives both forms, so the Norwegian part "
        "is named in the importer (ours). County names: Kartverket fylkesnavn (official, with "
        "Sámi/Kven forms) and name (Norwegian) from Fylker-S.geojson.",
        "checks": ["357 municipalities, 15 counties"],
        "coverage": {
            "regions": {"municipalities": N_MUNICIPALITIES_2024, "counties": 15},
            "years": ["2024", "2024"],
            "variables": ["name", "sami_name", "official_name", "county"],
        },
        "licence": LICENCE,
        "attribution": attribution("07459") + "; Kartverket",
    }

    changes = code_changes(
        rda,
        csv_dir / "locations/norway_locations.xlsx",
        dict(zip(regions["code"], regions["name"], strict=True)),
    )
    outputs["klass-131-changes.parquet"] = changes
    manifest_tables["klass-131-changes"] = {
        "title": changes.attrs["label"],
        "ssb_table": "KLASS 131 (changes)",
        "vintage": "2024-01-01",
        "vintage_note": "Changes up to the 2024 structure (csdata b2024).",
        "inputs": input_entries(
            source,
            [
                "ssb-data-candidates/csdata-07459/rda/sysdata.rda",
                "ssb-data-candidates/csdata-07459/locations/norway_locations.xlsx",
            ],
        ),
        "transform": "From csdata's nor_locations_redistricting_b2024 (municipality rows): "
        "each code no longer "
        "in use in 2024 -> the 2024 code(s) its area belongs to (chains resolved); changeOccurred = "
        "1 January after the last year the old code was used. oldName from csdata's "
        "norway_locations.xlsx, newName from regions-2024. csdata's apportioning weights are not "
        "kept. The table only holds codes retired 2008-2024 (mostly the 2018, 2020 and 2024 reforms); "
        "older changes such as 1842 Skjerstad -> 1804 Bodø (2005) are not in it. Where a 2020 merger "
        "was split again in 2024 (Ålesund/Haram), csdata maps every predecessor to both 2024 codes. "
        "Refreshable from KLASS 131 'changes' (samfunn_data.ssb.klass).",
        "checks": ["1850 -> 1806, 1875 (2020)", "5012 -> 5055, 5056, 5059 (2020)", "1601 -> 5001 (2018)"],
        "coverage": {
            "regions": {"old_codes": int(changes["oldCode"].nunique())},
            "years": [min(changes["changeOccurred"])[:4], max(changes["changeOccurred"])[:4]],
            "variables": list(changes.columns),
        },
        "licence": "MIT (csdata) / CC BY 4.0 (SSB KLASS)",
        "attribution": "Kilde: niphr/csdata; SSB KLASS 131",
    }

    add_geo(source, outputs, manifest_tables, fylker_bytes, fylker_codes, p07459)
    return outputs, {"tables": manifest_tables}


def excerpt_entry(
    source: Path, df: pd.DataFrame, table_id: str, rel: str, transform: str, checks: list[str]
) -> dict:
    return {
        "title": df.attrs["label"],
        "ssb_table": table_id,
        "vintage": None,
        "vintage_note": "Retrieval date not recorded upstream; fetched from SSB PxWebApi v2 in 2026 "
        "(the file holds figures SSB published in 2026).",
        "inputs": input_entries(source, [rel]),
        "transform": "Hand-copied excerpt (Nordland and Trøndelag) of a file fetched from SSB by the source "
        "repository; retrieval date unknown. " + transform,
        "checks": checks,
        "coverage": coverage(df),
        "licence": LICENCE,
        "attribution": attribution(table_id),
    }


def add_geo(
    source: Path,
    outputs: dict,
    manifest_tables: dict,
    fylker_bytes: bytes,
    fylker_codes: list[str],
    p07459: pd.DataFrame,
) -> None:
    kommuner_bytes, kommune_codes = compact_geojson(
        source / "geo-candidates/robhop-2024/Kommuner-S.geojson",
        ["kommunenummer", "kommunenavn"],
        "kommunenummer",
    )
    codes_2024 = set(p07459.loc[(p07459["Tid"] == "2024") & (p07459["Region"].str.len() == 4), "Region"])
    check(
        len(kommune_codes) == 357 and len(set(kommune_codes)) == 357,
        "geo: expected 357 municipality features",
    )
    check(set(kommune_codes) == codes_2024, "geo: municipality codes differ from the 2024 codes in 07459")
    check(
        len(fylker_codes) == 15 and {c[:2] for c in codes_2024} == set(fylker_codes),
        "geo: county features differ from the 2024 counties",
    )
    outputs["geo/kommuner-2024.geojson"] = kommuner_bytes
    outputs["geo/fylker-2024.geojson"] = fylker_bytes
    for key, rel, n in (
        ("geo/kommuner-2024", "geo-candidates/robhop-2024/Kommuner-S.geojson", 357),
        ("geo/fylker-2024", "geo-candidates/robhop-2024/Fylker-S.geojson", 15),
    ):
        manifest_tables[key] = {
            "title": "Kommunegrenser 2024 (forenklet)" if n == 357 else "Fylkesgrenser 2024 (forenklet)",
            "ssb_table": None,
            "vintage": "2024-01-01",
            "vintage_note": "Kartverket extract 2023-12-15, valid from 2024-01-01.",
            "inputs": input_entries(source, [rel]),
            "transform": "Coordinates rounded to 5 decimals (about 1 m), features sorted by code, only code "
            "and name properties kept, compact JSON. WGS84 lon/lat (RFC 7946). Simplified 'S' "
            "quality: small islands (Træna, Røst) are much smaller than their real area; 28 "
            "municipality geometries have small self-intersections (call make_valid for GIS "
            "work). The county layer was simplified separately and does not match the union of "
            "municipalities exactly.",
            "checks": [f"{n} features, no duplicates", "codes equal the 2024 codes in 07459"],
            "coverage": {"regions": {"features": n}, "years": ["2024", "2024"], "variables": []},
            "licence": LICENCE,
            "attribution": GEO_ATTRIBUTION,
        }


def write_all(outputs: dict, manifest: dict, out_dir: Path) -> None:
    """Write every output, then record the sha256 of each written file in the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel, obj in sorted(outputs.items()):
        path = out_dir / rel
        if isinstance(obj, pd.DataFrame):
            write_parquet(obj, path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(obj)
    for rel in sorted(outputs):
        key = rel.rsplit(".", 1)[0]
        manifest["tables"][key]["file"] = rel
        manifest["tables"][key]["sha256"] = sha256(out_dir / rel)
        manifest["tables"][key]["bytes"] = (out_dir / rel).stat().st_size
    manifest["generated_by"] = "scripts/import_snapshot.py"
    manifest["note"] = (
        "Published SSB figures found in public repositories (see ../shared/ssb-data-candidates/"
        "PROVENANCE.md); nothing was modelled or filled in."
    )
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default)
    (out_dir / "MANIFEST.json").write_text(text + "\n", encoding="utf-8")


def _json_default(obj):
    if isinstance(obj, np.integer):
        return int(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")


def main(argv: list[str] | None = None, log: Callable[[str], None] = print) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder holding ssb-data-candidates/ and geo-candidates/ (default: ../shared)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="snapshot folder to write")
    args = parser.parse_args(argv)
    if not (args.source / "ssb-data-candidates").is_dir():
        log(f"import_snapshot: {args.source}/ssb-data-candidates not found; pass --source")
        return 1
    try:
        outputs, manifest = build(args.source)
    except ImportCheckError as exc:
        log(f"import_snapshot: CHECK FAILED, nothing written: {exc}")
        return 1
    write_all(outputs, manifest, args.out)
    for key, entry in sorted(manifest["tables"].items()):
        log(f"{entry['file']:32} {entry['bytes']:>10,} bytes  {len(entry['checks'])} checks ok  ({key})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
