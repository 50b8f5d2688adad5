"""Uncertainty as it stood in a report year: spreads estimated from the visible years only.

The fact base is built once for all years. For net figures, population changes and the municipal accounts
the standard error is the unit's own year-to-year spread (`robustness`), and the build estimates it from
every year in the data, including years after a given report. A report for year Y must not lean on that:
`restate` re-estimates the spread from the rows a report for Y may see (`factbase.visible`), and
`reverdict` recomputes the comparisons' verdicts with it. With fewer than `robustness.MIN_YEARS_FOR_SPREAD`
visible years (for the accounts: one-year changes) the spread is missing and the verdict is "unavailable",
never a guess from the other side's error alone.

Applied to facts built from data cut at Y, both functions give back what the build computed; applied to the
full fact base cut at Y, they give the same numbers (tested in tests/test_claims_asof.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.facts import indicators, robustness

# indicator -> (indicator whose yearly values give the spread, factor on the spread); mirrors
# `computations.population_totals` (√k for a k-year change) and `population_flows` (1/√3 for a 3-year mean)
SPREAD_RULES: dict[str, tuple[str, float]] = {
    **{f"endring_{k}ar_pst": ("endring_1ar_pst", float(np.sqrt(k))) for k in (1, 5, 10)},
    **{f"{flow}_per_1000": (f"{flow}_per_1000", 1.0) for flow in ("fodselsoverskudd", "nettoinnflytting")},
    **{f"{flow}_3ar_per_1000": (f"{flow}_per_1000", float(1 / np.sqrt(3)))
       for flow in ("fodselsoverskudd", "nettoinnflytting")},
}


# accounts and the income system: indicator -> (indicator whose one-year changes give the noise, factor);
# mirrors `economy` (`robustness.swing_noise`; / √3 for a three-year mean, × √4 for a four-year sum)
ACCOUNTS_RULES: dict[str, tuple[str, float]] = {
    **{ind.id: (ind.id, 1.0) for ind in indicators.CATALOGUE.values() if ind.measure == "accounts"},
    "netto_driftsresultat_pst_3ar": ("netto_driftsresultat_pst", float(1 / np.sqrt(3))),
    "brutto_investeringer_4ar_per_innb": ("brutto_investeringer_per_innb", 2.0),
}
RESTATED = (*SPREAD_RULES, *ACCOUNTS_RULES)


def spreads(facts: pd.DataFrame) -> pd.Series:
    """Standard deviation of each (kommunenr, base indicator)'s yearly values in `facts`; NaN with fewer
    than four years."""
    bases = sorted({base for base, _ in SPREAD_RULES.values()})
    rows = facts[facts["indicator"].isin(bases) & facts["value"].notna()]
    grouped = rows.groupby(["kommunenr", "indicator"])["value"]
    return grouped.std(ddof=1).where(grouped.count() >= robustness.MIN_YEARS_FOR_SPREAD)


def swing_noises(facts: pd.DataFrame) -> pd.Series:
    """`robustness.swing_noise` of each (kommunenr, accounts base indicator) from the years in `facts`."""
    bases = sorted({base for base, _ in ACCOUNTS_RULES.values()})
    rows = facts[facts["indicator"].isin(bases) & facts["value"].notna()]
    if rows.empty:
        return pd.Series(dtype=float)
    grid = rows.pivot_table(index=["kommunenr", "indicator"], columns="year", values="value", aggfunc="first")
    grid = grid.reindex(columns=range(int(grid.columns.min()), int(grid.columns.max()) + 1))
    return pd.Series(robustness.swing_noise(grid.to_numpy(float)), index=grid.index)


def restate(facts: pd.DataFrame) -> pd.DataFrame:
    """`facts` with the `se` of every spread-based indicator (`SPREAD_RULES`, `ACCOUNTS_RULES`)
    re-estimated from `facts`.

    Parameters
    ----------
    facts : the rows a report may see (e.g. `factbase.as_of` or `factbase.visible`), any regions.

    Returns
    -------
    A copy with `se` replaced for those indicators (NaN where fewer than four years, or for the accounts
    four one-year changes, are visible).
    """
    if facts.empty:
        return facts
    out = facts.copy()
    for rules, spread in ((SPREAD_RULES, spreads(facts)), (ACCOUNTS_RULES, swing_noises(facts))):
        target = out["indicator"].isin(list(rules))
        if not target.any():
            continue
        part = out.loc[target, ["kommunenr", "indicator"]]
        base = part["indicator"].map(lambda i, rules=rules: rules[i][0])
        scale = part["indicator"].map(lambda i, rules=rules: rules[i][1]).to_numpy(float)
        keys = pd.MultiIndex.from_arrays([part["kommunenr"], base])
        out.loc[target, "se"] = spread.reindex(keys).to_numpy(float) * scale
    return out


def reverdict(comparisons: pd.DataFrame, facts: pd.DataFrame) -> pd.DataFrame:
    """`comparisons` with vs_county/vs_country of restated indicators recomputed from restated `facts`.

    Parameters
    ----------
    comparisons : comparison rows of one municipality (visible years only).
    facts : restated facts holding the municipality, its county and the country ("0").

    A comparison needs both spreads: either one missing gives "unavailable", as does an indicator the
    catalogue does not compare across levels.
    """
    target = comparisons["indicator"].isin(RESTATED)
    if not target.any():
        return comparisons
    se = facts.set_index(["kommunenr", "indicator", "year"])["se"]
    se = se[~se.index.duplicated()]
    part = comparisons.loc[target]
    own = se.reindex(pd.MultiIndex.from_arrays([part["kommunenr"], part["indicator"], part["year"]]))
    out = comparisons.copy()
    comparable = part["indicator"].map(lambda i: indicators.CATALOGUE[i].comparable).to_numpy(bool)
    for side, region in (("county", part["county"]), ("country", pd.Series("0", index=part.index))):
        other = se.reindex(pd.MultiIndex.from_arrays([region, part["indicator"], part["year"]]))
        verdict = robustness.differs(part["value"].to_numpy(float), part[f"{side}_value"].to_numpy(float),
                                     own.to_numpy(float), other.to_numpy(float))
        known = np.isfinite(own.to_numpy(float)) & np.isfinite(other.to_numpy(float)) & comparable
        out.loc[target, f"vs_{side}"] = np.where(known, verdict, robustness.UNAVAILABLE)
    return out
