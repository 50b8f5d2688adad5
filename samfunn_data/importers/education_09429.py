"""09429 educational attainment: the valg_analyser excerpt for Nordland and Trøndelag."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import N_NL_TR, Context, check, read_excerpt, table_attrs, tidy
from samfunn_data.importers.manifest import excerpt_entry

EXCERPT = "ssb-data-candidates/valg_analyser-09429-excerpt/utd09429_kommuner_NL_TR_excerpt.csv"


def education_09429(path: Path, names: dict) -> pd.DataFrame:
    """09429 from the excerpt, checked (79 municipalities, the 2024 county shares)."""
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


def add(ctx: Context) -> None:
    """Build 09429 and record it."""
    p09429 = education_09429(ctx.source / EXCERPT, ctx.names)
    ctx.outputs["09429.parquet"] = p09429
    ctx.tables["09429"] = excerpt_entry(
        ctx.source,
        p09429,
        "09429",
        EXCERPT,
        "kode -> Region, nivaa -> Nivaa (SSB's dimension id, as in public API queries of 09429), "
        "kjonn -> Kjonn, variabel -> ContentsCode, aar -> Tid (1 October), verdi -> value.",
        [
            "79 municipalities",
            "03a + 04a <= 00 everywhere",
            "higher-education share 2024: Nordland 30.5 %, Trøndelag 37.2 %",
        ],
    )
