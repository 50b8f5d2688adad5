"""The municipal economy's computations: KOSTRA accounts (12137) and service areas (12362), the income
system, KDD's expenditure-need index and the ROBEK register.

Accounts are totals, not samples: rows carry no count and no grade, and `se` is the unit's own
year-to-year noise (see `robustness`). County rows are the county's municipalities together: sums of the
amounts, per innbygger over the county's population on 1 January of the following year (07459), only
when every municipality of the county has figures that year. Per-innbygger values of municipalities are
SSB's own. `flag` carries the source's caveats (`indicators.FLAGS`: preliminary 2025 accounts, Indre
Fosen's 2019 boundary, Selbu's and Stjørdal's booking) and, for `robek`, the hjemmel as listed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from samfunn_data.facts import robustness
from samfunn_data.facts.computations import Inputs, long_frame, with_county_sums
from samfunn_data.facts.indicators import NL_TR_CODES, SERVICE_AGE_GROUPS, SERVICE_AREAS

# The KOSTRA tables' dimension ids and contents codes as SSB names them (see importers/kostra_12137)
REGION, CONCEPT, FUNCTION, ART = "KOKkommuneregion0000", "KOKartkap0000", "KOKfunksjon0000", "KOKart0000"
AMOUNT, PER_INNB = "KOSbelop0000", "KOSbelopinnbygge0000"
NET_EXPENSES = "AGD2"  # 12362's netto driftsutgifter (art)
ROBEK_YEAR = 2026


def _noise(grid: pd.DataFrame) -> pd.Series:
    """A single year's noise per region (`robustness.swing_noise`; NaN with fewer than four changes)."""
    return pd.Series(robustness.swing_noise(grid.to_numpy(float)), index=grid.index, dtype=float)


def _grid(series: pd.Series) -> pd.DataFrame:
    """A (Region, year) series as Region x contiguous years (NaN or None where missing)."""
    grid = series.unstack("year")
    if grid.columns.empty:  # a series with no years (e.g. a table cut before its first year)
        return grid
    return grid.reindex(columns=range(int(grid.columns.min()), int(grid.columns.max()) + 1))


def _window(flags: pd.DataFrame, years: int) -> pd.DataFrame:
    """The flag of a window of `years` years ending in each year: any flag within it."""
    out = flags.copy()
    for shift in range(1, years):
        out = out.where(out.notna(), flags.shift(shift, axis=1))
    return out


def _rows(name: str, grid: pd.DataFrame, flags: pd.DataFrame, se: pd.Series, pooled: int = 1) -> pd.DataFrame:
    """Long rows for one indicator from a Region x year grid, its flags and each region's noise."""
    stacked = grid.stack(future_stack=True)
    stacked = stacked[stacked.notna()]
    regions = stacked.index.get_level_values(0)
    flag = flags.reindex(index=grid.index, columns=grid.columns).stack(future_stack=True)
    flag = flag.reindex(stacked.index).astype(object).where(lambda f: f.notna(), None)
    return long_frame(regions, stacked.index.get_level_values(1), name, stacked.to_numpy(), np.nan,
                      se.reindex(regions).to_numpy(), pooled, flag.to_numpy())


def _kostra(inputs: Inputs, df: pd.DataFrame, key: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Amounts (1000 kr) and per innbygger per (Region, year) x `key`, with county rows, and the flags.

    County amounts are sums over all the county's municipalities (no row when one is missing); county
    per innbygger divides them by the county's population on 1 January of the following year.
    """
    df = df.rename(columns={REGION: "Region"}).assign(year=df["Tid"].astype(int))
    amount = with_county_sums(df[df["ContentsCode"] == AMOUNT], [key], inputs.county_members())
    amounts = amount.pivot_table(index=["Region", "year"], columns=key, values="value", aggfunc="first")
    per = df[df["ContentsCode"] == PER_INNB].pivot_table(index=["Region", "year"], columns=key,
                                                           values="value", aggfunc="first")
    county = amounts[amounts.index.get_level_values(0).str.len() == 2]
    pop = inputs.cube().lookup(county.index.get_level_values(0), county.index.get_level_values(1) + 1, 0)
    per = pd.concat([per, county.mul(1000).div(pop, axis=0)])
    flags = df.dropna(subset=["status"]).groupby(["Region", "year"])["status"].first()
    county_flags = flags.groupby([flags.index.get_level_values(0).str[:2],
                                  flags.index.get_level_values(1)]).first()
    flags = pd.concat([flags, county_flags[county_flags.index.isin(county.index)]])
    flags = flags.rename_axis(["Region", "year"]).astype(object)
    return amounts, per, _grid(flags) if len(flags) else pd.DataFrame()


# -- KOSTRA 12137: the headline accounts ------------------------------------------------------------

def accounts(inputs: Inputs) -> pd.DataFrame:
    """Netto driftsresultat and netto lånegjeld in % of brutto driftsinntekter, per-innbygger figures,
    the three-year average result and the four-year investment sum."""
    amounts, per, flags = _kostra(inputs, inputs.table("12137"), CONCEPT)
    pct = {"netto_driftsresultat_pst": _grid(100 * amounts["AGD23"] / amounts["AGD13"]),
           "netto_lanegjeld_pst": _grid(100 * amounts["KG31"] / amounts["AGD13"])}
    per_innb = {"netto_lanegjeld_per_innb": "KG31", "brutto_investeringer_per_innb": "AGI1",
                "brutto_driftsinntekter_per_innb": "AGD13", "netto_driftsutgifter_per_innb": "AGD1"}
    grids = pct | {name: _grid(per[code]) for name, code in per_innb.items()}
    frames = [_rows(name, grid, flags, _noise(grid)) for name, grid in grids.items()]
    result = grids["netto_driftsresultat_pst"]
    mean3 = result.T.rolling(3).mean().T  # NaN unless all three years exist
    frames.append(_rows("netto_driftsresultat_pst_3ar", mean3, _window(flags, 3), _noise(result) / np.sqrt(3),
                        pooled=3))
    investments = grids["brutto_investeringer_per_innb"]
    sum4 = investments.T.rolling(4).sum().T
    frames.append(_rows("brutto_investeringer_4ar_per_innb", sum4, _window(flags, 4),
                        _noise(investments) * 2, pooled=4))
    return pd.concat(frames, ignore_index=True)


# -- KOSTRA 12362: service areas -----------------------------------------------------------------------

def service_spending(inputs: Inputs) -> pd.DataFrame:
    """Netto driftsutgifter per innbygger for each service area, and three areas per inhabitant of the
    age group they serve (population 1 January of the following year)."""
    table = inputs.table("12362")
    amounts, per, flags = _kostra(inputs, table[table[ART] == NET_EXPENSES], FUNCTION)
    frames = []
    for area, (code, _label) in SERVICE_AREAS.items():
        if code in per:
            grid = _grid(per[code])
            frames.append(_rows(f"netto_driftsutgifter_{area}_per_innb", grid, flags, _noise(grid)))
    for area, (lo, hi) in SERVICE_AGE_GROUPS.items():
        code = SERVICE_AREAS[area][0]
        if code not in amounts:
            continue
        series = amounts[code].dropna()
        regions, years = series.index.get_level_values(0), series.index.get_level_values(1)
        people = inputs.cube().lookup(regions, np.asarray(years) + 1, lo, hi)
        grid = _grid(pd.Series(series.to_numpy() * 1000 / people, index=series.index))
        suffix = f"{lo}_{hi}" if hi is not None else f"{lo}_pluss"
        frames.append(_rows(f"netto_driftsutgifter_{area}_per_innb_{suffix}", grid, flags, _noise(grid)))
    return pd.concat(frames, ignore_index=True)


# -- the income system (KDD, with KOSTRA's rammetilskudd) -------------------------------------------

INCOME_CODES = {
    "frie_inntekter_per_innb": "FrieInntekterTilnaerming",
    "skatt_per_innb": "Skatt",
    "skatt_pst_av_landet": "SkattPstLandet",
    "skatt_etter_utjevning_pst_av_landet": "SkattEtterUtjevningPstLandet",
    "utgiftsutjevning_per_innb": "Utgiftsutjevning",
}


def income_system(inputs: Inputs) -> pd.DataFrame:
    """The source's per-innbygger figures and percentages of the country; the country's own values."""
    df = inputs.table("kdd-inntektssystem")
    df = df.assign(year=df["Tid"].astype(int))
    frames = []
    for name, code in INCOME_CODES.items():
        part = df[(df["ContentsCode"] == code) & df["value"].notna()].set_index(["Region", "year"])
        grid = _grid(part["value"])
        flags = _grid(part["status"].astype(object).where(part["status"].notna(), None))
        frames.append(_rows(name, grid, flags, _noise(grid)))
    return pd.concat(frames, ignore_index=True)


# -- KDD's expenditure need and the ROBEK register ----------------------------------------------------

def expenditure_need(inputs: Inputs) -> pd.DataFrame:
    """KDD's samlet index per budget year, for the Nordland and Trøndelag municipalities."""
    df = inputs.table("kdd-utgiftsbehov")
    df = df[df["Region"].str[:2].isin(NL_TR_CODES) & (df["ContentsCode"] == "DKISamlet")]
    return long_frame(df["Region"], df["Tid"].astype(int), "utgiftsbehov_indeks", df["value"], np.nan)


def robek(inputs: Inputs) -> pd.DataFrame:
    """1 for the Nordland and Trøndelag municipalities on the list of 2026-04-20 (flag: the hjemmel),
    0 for the others. Only the list's year: earlier membership is not known."""
    listed = inputs.table("kdd-robek").set_index("Region")["Hjemmel"]
    cube = inputs.cube()
    if ROBEK_YEAR not in list(cube.years):  # the list's year is not in the data (e.g. cut at an earlier year)
        return long_frame([], np.array([], dtype=int), "robek", [], np.nan, flag=np.array([], dtype=object))
    present = cube.present[:, list(cube.years).index(ROBEK_YEAR)]
    codes = [c for c, ok in zip(cube.regions, present, strict=True)
             if ok and len(c) == 4 and c[:2] in NL_TR_CODES]
    flags = [listed.get(c) for c in codes]
    return long_frame(codes, np.full(len(codes), ROBEK_YEAR), "robek", [float(f is not None) for f in flags],
                      np.nan, flag=np.array(flags, dtype=object))


COMPUTATIONS: dict[str, Callable[[Inputs], pd.DataFrame]] = {
    "accounts": accounts,
    "service_spending": service_spending,
    "income_system": income_system,
    "expenditure_need": expenditure_need,
    "robek": robek,
}
