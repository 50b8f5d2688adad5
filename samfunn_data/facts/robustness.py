"""Small numbers, honestly: how much a value can be trusted, and when a difference is real.

The rule in plain words
-----------------------
Every value in the fact base rests on a count: the people, households or events it was computed from.
Small municipalities have small counts, and small counts swing from year to year by chance alone. The
rule grades every value and decides when a difference may be called a difference.

**Grades** (`grade`). The count behind the value decides (readers see the bokmål labels «sikkert»,
«usikkert» and «for få» everywhere: reports, network overview, screening page and CSV, command line):

- *solid*: the count is 20 or more. Chance variation is then at most about a fifth of the value
  (relative standard error 1/√20 ≈ 22 %), the usual limit for a "stable" rate in public-health statistics.
- *indicative*: the count is 10 to 19 (relative standard error 23–32 %). Show the value, say it is
  uncertain, do not build conclusions on it alone.
- *too few*: the count is below 10. Show the count, make no claim about levels, trends or differences.

Which count is "the count behind" depends on what the value measures:

- a number of persons or households (a register count): that number;
- a share of a group (e.g. the share aged 80+): the smaller of the people inside and outside the share,
  because a share near 100 % is as uncertain as one near 0 %;
- a ratio or a rate (e.g. women per 100 men, employed per 100): the numerator count;
- a median: the number of persons or households it is the median of;
- a net figure (natural increase, net migration, population change): the absolute value of the net
  figure. The data has only the net figures, not the births, deaths, in- and out-moves behind them, and
  those gross counts are always larger than the net, so the net figure understates the noise. A net figure
  for one single year is therefore never graded better than *indicative*.

**Pooling years.** Summing several years gives a larger count and so, by the same thresholds, a better
grade: a three-year sum of natural increase is graded on the three-year count. This is why the catalogue
has pooled three-year versions of the flows and 5- and 10-year population changes.

Projections (SSB's model output, not observations) and centrality (a classification) get no grade.

**Municipal accounts and the income system** (KOSTRA, KDD) are totals, not samples: every krone the
municipality booked is counted, so the count rule does not apply and they get no grade. They still swing
a lot from year to year in a small municipality (one large sale, a pension adjustment or a power-price
year can move netto driftsresultat by several percentage points), so the narrative uses three-year
averages (`netto_driftsresultat_pst_3ar`) and four-year sums (`brutto_investeringer_4ar_per_innb`), and
the noise is the unit's own year-to-year spread (below). The expenditure-need index and ROBEK
(calculations and a register) get no grade and no noise model.

**Differences** (`differs`). Two values differ clearly only if the gap between them is larger than chance
explains: the gap must exceed 1.96 combined standard errors (a two-sided 95 % test, normal
approximation). Otherwise the answer is "no clear difference". Standard errors come from the counts:

- shares: binomial, √(p(1−p)/n);
- ratios and rates: Poisson on both counts, value × √(1/numerator + 1/denominator);
- median age: from the age distribution itself, 1 / (2 f √n), where f is the share of the population
  in the one-year age band holding the median (the large-sample error of a median);
- net figures and population changes: the gross flows are missing, so we use the unit's own
  year-to-year swings instead: the standard deviation of its yearly values over the years in the data
  (at least four), divided by √k for a k-year average or multiplied by √k for a change over k years.
  A report for year Y uses only the years published by Y (`facts.asof`); with fewer than four the
  verdict is "unavailable". Real trends add to that spread, so this errs on the side of "no clear
  difference";
- municipal accounts and the income system: the unit's own year-to-year swings, as for net figures but
  from its one-year changes, which a steady trend does not inflate: a single year's value has the standard
  deviation of those changes divided by √2 (the change of two independent years has twice the variance),
  a three-year average that divided by √3, a four-year sum that times √4 (`swing_noise`). At least four
  one-year changes are needed, otherwise "unavailable"; a report for year Y counts only the years
  published by Y (`facts.asof`). So "differs from the county" means a gap larger than the
  municipality's own swings explain;
- medians of income: the data holds no spread, so the noise cannot be judged: "unavailable";
- absolute counts (persons, households) are not compared across levels (a municipality always has fewer
  people than its county): "unavailable";
- projections and centrality have no noise model here (SSB's alternatives show the projection's
  uncertainty): "unavailable".

"unavailable" is also the answer when either value is missing.

**Changes over time** (`factbase.changes`, `samfunn changes`). A change between two years of the same
municipality is clear only if it exceeds 1.96 × the standard deviation of the municipality's own
one-year changes in that indicator × √(years apart): steady trends stand out, zig-zag does not. With
fewer than four one-year changes in the data (in a report: up to the later year), the values' standard
errors are used as above. This is also the rule for a "clear change" in the municipal accounts.
"""

from __future__ import annotations

import numpy as np

SOLID_MIN = 20
INDICATIVE_MIN = 10
Z_CRITICAL = 1.96  # two-sided 95 %

SOLID, INDICATIVE, TOO_FEW = "solid", "indicative", "too few"
# What a reader sees for each grade, in every report, page, CSV and CLI line (the codes stay English).
# Neuter, because they describe "tallet" (the figure): "tallet er sikkert".
GRADE_LABELS_NB = {SOLID: "sikkert", INDICATIVE: "usikkert", TOO_FEW: "for få"}
HIGHER, LOWER, NO_CLEAR, UNAVAILABLE = "higher", "lower", "no clear difference", "unavailable"

# What a value measures decides which count and which standard error apply (see the module docstring).
MEASURES = ("count", "share", "ratio", "median", "net", "accounts", "projection", "static")
GRADED_MEASURES = ("count", "share", "ratio", "median", "net")
MIN_YEARS_FOR_SPREAD = 4


def grade(count, measure: str = "count", pooled_years=1):
    """Grade values as "solid", "indicative" or "too few" (None where the rule does not apply).

    Parameters
    ----------
    count : float or array-like
        The count behind each value (see the module docstring for which count); NaN gives None.
    measure : str
        One of MEASURES. "accounts", "projection" and "static" are never graded.
    pooled_years : int or array-like
        How many years were summed into the count. A net figure of a single year is capped at
        "indicative".

    Returns
    -------
    str or None for a scalar `count`, else a numpy object array of the same shape.
    """
    scalar = np.ndim(count) == 0
    counts = np.abs(np.atleast_1d(np.asarray(count, dtype=float)))
    if measure not in MEASURES:
        raise ValueError(f"unknown measure {measure!r}; use one of {', '.join(MEASURES)}")
    out = np.full(counts.shape, None, dtype=object)
    if measure in GRADED_MEASURES:
        known = ~np.isnan(counts)
        out[known & (counts >= SOLID_MIN)] = SOLID
        out[known & (counts >= INDICATIVE_MIN) & (counts < SOLID_MIN)] = INDICATIVE
        out[known & (counts < INDICATIVE_MIN)] = TOO_FEW
        if measure == "net":
            single = np.broadcast_to(np.asarray(pooled_years) <= 1, counts.shape)
            out[single & (out == SOLID)] = INDICATIVE
    return out[0] if scalar else out


def grade_label(code) -> str:
    """The bokmål label of a grade code ("indicative" -> "usikkert"); "" when ungraded (None or NaN)."""
    return GRADE_LABELS_NB.get(code, "") if isinstance(code, str) else ""


def grade_legend_nb() -> str:
    """The thresholds in one bokmål sentence fragment, for notes under tables and on pages."""
    labels = GRADE_LABELS_NB
    return (f"«{labels[SOLID]}» = minst {SOLID_MIN} personer eller hendelser bak tallet, "
            f"«{labels[INDICATIVE]}» = {INDICATIVE_MIN}–{SOLID_MIN - 1}, "
            f"«{labels[TOO_FEW]}» = under {INDICATIVE_MIN}")


def share_se(share, n, scale: float = 100.0):
    """Binomial standard error of a share given in units of `scale` (100 for percent)."""
    p = np.asarray(share, dtype=float) / scale
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.sqrt(p * (1 - p) / n) * scale


def ratio_se(ratio, numerator, denominator):
    """Poisson standard error of numerator/denominator (delta method on the log ratio)."""
    r = np.asarray(ratio, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.abs(r) * np.sqrt(1 / np.asarray(numerator, float) + 1 / np.asarray(denominator, float))


def median_se(n, density):
    """Large-sample standard error of a median: 1 / (2 f sqrt(n)), f = density at the median."""
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1 / (2 * np.asarray(density, float) * np.sqrt(np.asarray(n, float)))


def swing_noise(values) -> np.ndarray:
    """A single year's noise of each row of `values` from its own swings (the accounts rule above).

    Parameters
    ----------
    values : 2-D array-like, one row per unit, one column per consecutive year (NaN where missing).

    Returns
    -------
    Per row: the standard deviation of its one-year changes / √2, NaN with fewer than
    `MIN_YEARS_FOR_SPREAD` one-year changes. (Written out rather than ``np.nanstd`` so rows with too few
    changes give NaN quietly.)
    """
    steps = np.diff(np.atleast_2d(np.asarray(values, dtype=float)), axis=1)
    known = ~np.isnan(steps)
    n = known.sum(axis=1)
    filled = np.where(known, steps, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = filled.sum(axis=1) / n
        var = (np.where(known, steps - mean[:, None], 0.0) ** 2).sum(axis=1) / (n - 1)
    return np.where(n >= MIN_YEARS_FOR_SPREAD, np.sqrt(var) / np.sqrt(2), np.nan)


def differs(a, b, se_a, se_b):
    """Say whether `a` is clearly higher or lower than `b`, given their standard errors.

    Returns "higher" / "lower" when |a - b| > 1.96 * sqrt(se_a² + se_b²), "no clear difference" when
    chance explains the gap, and "unavailable" when a value or both standard errors are missing. A
    missing standard error on one side counts as zero (e.g. a value known without noise). Works on
    scalars (returns a str) and on arrays (returns an object array).
    """
    scalar = all(np.ndim(x) == 0 for x in (a, b, se_a, se_b))
    a, b, se_a, se_b = (np.atleast_1d(np.asarray(x, dtype=float)) for x in (a, b, se_a, se_b))
    a, b, se_a, se_b = np.broadcast_arrays(a, b, se_a, se_b)
    both_missing = np.isnan(se_a) & np.isnan(se_b)
    se = np.sqrt(np.nan_to_num(se_a) ** 2 + np.nan_to_num(se_b) ** 2)
    gap = a - b
    out = np.full(a.shape, UNAVAILABLE, dtype=object)
    known = ~(np.isnan(a) | np.isnan(b) | both_missing)
    clear = known & (np.abs(gap) > Z_CRITICAL * se)
    out[known] = NO_CLEAR
    out[clear & (gap > 0)] = HIGHER
    out[clear & (gap < 0)] = LOWER
    return out[0] if scalar else out


def rule_markdown() -> str:
    """The rule in plain words (this module's docstring), for the README."""
    return __doc__.split("The rule in plain words\n-----------------------\n", 1)[1].strip() + "\n"
