"""06913 population and its changes: the valg_analyser excerpt, checked against 07459 and csdata."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import N_NL_TR, NL_TR, Context, check, read_excerpt, table_attrs, tidy
from samfunn_data.importers.manifest import excerpt_entry, input_entries

EXCERPT = "ssb-data-candidates/valg_analyser-06913-excerpt/flytt06913_kommuner_NL_TR_excerpt.csv"


def population_changes_06913(path: Path, p07459: pd.DataFrame, csv_dir: Path, names: dict) -> pd.DataFrame:
    """06913 from the excerpt, checked against 07459, csdata's 2019 file and its own components."""
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


def add(ctx: Context) -> None:
    """Build 06913 and record it (needs 07459)."""
    p07459 = ctx.outputs["07459.parquet"]
    p06913 = population_changes_06913(ctx.source / EXCERPT, p07459, ctx.csv_dir, ctx.names)
    ctx.outputs["06913.parquet"] = p06913
    ctx.tables["06913"] = excerpt_entry(
        ctx.source,
        p06913,
        "06913",
        EXCERPT,
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
    ctx.tables["06913"]["inputs"] += input_entries(
        ctx.source, ["ssb-data-candidates/csdata-07459/Personer2019.csv"], role="check"
    )
