"""KLASS: centrality (128, valg_analyser excerpt) and municipality code changes (131, from csdata)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import LICENCE, NL_TR, SSB_SOURCE, Context, check, location_code
from samfunn_data.importers.manifest import input_entries

CENTRALITY = "ssb-data-candidates/valg_analyser-klass128-excerpt/sentralitet_klass_NL_TR_excerpt.csv"


def centrality_128(path: Path) -> pd.DataFrame:
    """KLASS 128 from the excerpt; every index must lie in its class interval."""
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


def add_centrality(ctx: Context) -> None:
    """Build KLASS 128 and record it (all 79 current NL/TR municipalities must be in it)."""
    regions = ctx.regions
    k128 = centrality_128(ctx.source / CENTRALITY)
    current = set(regions.loc[regions["county"].isin(NL_TR) & (regions["level"] == "kommune"), "code"])
    check(current <= set(k128["code"]), "klass-128: not all 79 current NL/TR municipalities are present")
    ctx.outputs["klass-128.parquet"] = k128
    ctx.tables["klass-128"] = {
        "title": k128.attrs["label"],
        "ssb_table": "KLASS 128",
        "vintage": "2026-09-24",
        "vintage_note": "Downloaded from KLASS by the upstream author on 2026-09-24 (upstream MANIFEST.md).",
        "inputs": input_entries(ctx.source, [CENTRALITY]),
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


def add_code_changes(ctx: Context) -> None:
    """Build the KLASS 131 code changes and record them (new names from regions-2024)."""
    regions = ctx.regions
    changes = code_changes(
        ctx.rda,
        ctx.csv_dir / "locations/norway_locations.xlsx",
        dict(zip(regions["code"], regions["name"], strict=True)),
    )
    ctx.outputs["klass-131-changes.parquet"] = changes
    ctx.tables["klass-131-changes"] = {
        "title": changes.attrs["label"],
        "ssb_table": "KLASS 131 (changes)",
        "vintage": "2024-01-01",
        "vintage_note": "Changes up to the 2024 structure (csdata b2024).",
        "inputs": input_entries(
            ctx.source,
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
