"""07459 population by municipality, sex and age from csdata's R data file, county sums and the checks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import (
    LICENCE,
    N_MUNICIPALITIES_2024,
    Context,
    attribution,
    check,
    location_code,
    table_attrs,
    tidy,
)
from samfunn_data.importers.manifest import coverage, input_entries

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
    """07459 from csdata's observed rows and exact county sums; also what was dropped."""
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
    """Run PROVENANCE.md's checks on 07459; return their descriptions."""
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
    """One of csdata's SSB CSV exports, municipality rows, with Region and Alder codes."""
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


def add(ctx: Context) -> None:
    """Build 07459, run its checks and record it (first: the later steps compare against it)."""
    p07459, info = population_07459(ctx.rda, ctx.names)
    checks_07459 = check_07459(p07459, ctx.csv_dir)
    ctx.outputs["07459.parquet"] = p07459
    years_note = ", ".join(f"{c}: {y[0]}-{y[-1]}" for c, y in sorted(info["county_years"].items()))
    dropped = sorted({c for c, _ in info["dropped_modelled"]})
    ctx.tables["07459"] = {
        "title": p07459.attrs["label"],
        "ssb_table": "07459",
        "vintage": "2026-07-01",
        "vintage_note": "Date of the csdata commit of sysdata.rda; it holds SSB figures up to "
        "1 January 2026.",
        "inputs": input_entries(ctx.source, ["ssb-data-candidates/csdata-07459/rda/sysdata.rda"])
        + input_entries(
            ctx.source,
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
