"""14288 population projections: NINA's municipality file (MMMM) and Widding's county file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import (
    LICENCE,
    N_MUNICIPALITIES_2024,
    Context,
    attribution,
    check,
    table_attrs,
    tidy,
)
from samfunn_data.importers.manifest import coverage, input_entries

# Published figures PROVENANCE.md quotes; the import fails if the data disagree with any of them.
PROJECTION_CHECKS = {
    ("18", "2025"): 244_372,
    ("18", "2050"): 241_234,
    ("50", "2025"): 486_989,
    ("50", "2050"): 529_458,
}


def projections_14288(
    nina: Path, widding: Path, county_names: dict, names: dict, p07459: pd.DataFrame
) -> pd.DataFrame:
    """14288: NINA's municipality MMMM and Widding's county alternatives, cross-checked."""
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


def add(ctx: Context) -> None:
    """Build 14288 and record it (needs 07459)."""
    p14288 = projections_14288(
        ctx.ssb / "nina-arealbruk-14288/fcKomPop.csv",
        ctx.ssb / "widding-14288-fylke/output.csv",
        ctx.county_names,
        ctx.names,
        ctx.outputs["07459.parquet"],
    )
    ctx.outputs["14288.parquet"] = p14288
    ctx.tables["14288"] = {
        "title": p14288.attrs["label"],
        "ssb_table": "14288",
        "vintage": "2025-01-27",
        "vintage_note": "SSB's 2024 projections; date of the Widding commit holding the retrieved figures "
        "(retrieval date itself not recorded).",
        "inputs": input_entries(
            ctx.source,
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
