"""07984 employed persons by industry: the valg_analyser excerpt for Nordland and Trøndelag."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import N_NL_TR, Context, check, read_excerpt, table_attrs, tidy
from samfunn_data.importers.manifest import excerpt_entry

EXCERPT = "ssb-data-candidates/valg_analyser-07984-excerpt/syss07984_kommuner_NL_TR_excerpt.csv"


def employment_07984(path: Path, names: dict) -> pd.DataFrame:
    """07984 from the excerpt, checked (79 municipalities, the 2024 county sums)."""
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


def add(ctx: Context) -> None:
    """Build 07984 and record it."""
    p07984 = employment_07984(ctx.source / EXCERPT, ctx.names)
    ctx.outputs["07984.parquet"] = p07984
    ctx.tables["07984"] = excerpt_entry(
        ctx.source,
        p07984,
        "07984",
        EXCERPT,
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
