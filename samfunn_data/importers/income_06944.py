"""06944 household income after tax: the valg_analyser excerpt for Nordland and Trøndelag."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import N_NL_TR, Context, check, read_excerpt, table_attrs, tidy
from samfunn_data.importers.manifest import excerpt_entry

EXCERPT = "ssb-data-candidates/valg_analyser-06944-excerpt/innt06944_kommuner_NL_TR_excerpt.csv"


def income_06944(path: Path, names: dict) -> pd.DataFrame:
    """06944 from the excerpt, checked (79 municipalities, household type 0000)."""
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


def add(ctx: Context) -> None:
    """Build 06944 and record it."""
    p06944 = income_06944(ctx.source / EXCERPT, ctx.names)
    ctx.outputs["06944.parquet"] = p06944
    ctx.tables["06944"] = excerpt_entry(
        ctx.source,
        p06944,
        "06944",
        EXCERPT,
        "kode -> Region, husholdtype -> HusholdType, variabel -> ContentsCode, aar -> Tid, verdi -> value.",
        ["79 municipalities, household type 0000 only"],
    )
