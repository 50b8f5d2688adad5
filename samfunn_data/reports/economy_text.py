"""Bokmål sentences on the municipality's economy, each returned as a `claims.Claim`.

The rule (issue 10's extension of `facts.robustness`): accounts are totals, not samples, so the count rule
does not apply, but one year of netto driftsresultat swings a lot in a small municipality. So

- the narrative uses three-year averages (`netto_driftsresultat_pst_3ar`);
- "differs" (against the small municipalities' median) uses the unit's own year-to-year spread: the
  standard deviation of its one-year changes over the years the report may show (at least four), / √2
  for one year, / √k more for a k-year average. That is the fact's `se` as `facts.asof.restate`
  re-estimates it for the report year (the rule itself is `robustness.swing_noise`, also used by the
  build). The comparator median is taken as known (no noise of its own), so the test is 1.96 × that error;
- "clear change" (three-year average against the three years before) is the changes rule: 1.96 × the
  standard deviation of the average's own one-year changes × √(years apart).

Only years the report year may show are used (`ReportData` already holds only those), so
`data_through` is never after the report year's last accounts year. A sentence never says more than its
verdict: "høyere"/"lavere" only for a clear difference, otherwise it says the gap is within what the
municipality's own result swings from year to year.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd

from samfunn_data.facts import claims as c
from samfunn_data.facts import indicators, robustness
from samfunn_data.formatting import fmt_int, fmt_kroner, fmt_number, fmt_pct, shown_sign

RESULT, RESULT_3Y, DEBT = "netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", "netto_lanegjeld_pst"
SKATT, SKATT_AFTER = "skatt_pst_av_landet", "skatt_etter_utjevning_pst_av_landet"
WITHIN = "forskjellen kan skyldes at tallet svinger fra år til år i kommunen selv"
TOO_SHORT = "det trengs minst fire år med tall for å si om forskjellen er klar"


def preliminary(row) -> bool:
    """Whether a fact-base row holds preliminary figures (KOSTRA 2025: SSB's unrevised 15 March 2026)."""
    return row is not None and row.get("flag") == indicators.PRELIMINARY


def spread_se(values: pd.Series, k: int = 1) -> float:
    """Noise of a k-year average from a unit's yearly values (index: year): `robustness.swing_noise` / √k
    (for the network overview, which has no restated facts)."""
    values = values.dropna().sort_index()
    if values.empty:
        return float("nan")
    grid = values.reindex(range(int(values.index.min()), int(values.index.max()) + 1))
    return float(robustness.swing_noise(grid.to_numpy(float))[0]) / np.sqrt(k)


def own_se(data, indicator: str, year: int) -> float:
    """The fact's standard error as of the report year (`ReportData` holds facts restated by `asof`)."""
    fact = data.fact(indicator, year)
    return float("nan") if fact is None or pd.isna(fact.get("se")) else float(fact["se"])


def _verdict(value: float, other: float, se: float) -> str:
    """The claim verdict for value against a comparator known without noise of its own."""
    verdict = robustness.differs(value, other, se, np.nan)
    return {robustness.HIGHER: c.HIGHER, robustness.LOWER: c.LOWER,
            robustness.NO_CLEAR: c.NO_CLEAR_DIFFERENCE}.get(verdict, c.UNAVAILABLE)


def _peer_phrase(row, verdict: str, fmt) -> str:
    """", høyere enn medianen for små kommuner i Nordland og Trøndelag (5,2 %; 31 kommuner)" and the like."""
    median, n = fmt(row["small_median"]), fmt_int(row["small_n"])
    group = f"medianen for {c.SMALL_NL_TR} ({median}; {n} kommuner)"
    if verdict == c.HIGHER:
        return f", tydelig høyere enn {group}"
    if verdict == c.LOWER:
        return f", tydelig lavere enn {group}"
    alone = f"Medianen for {c.SMALL_NL_TR} var {median} ({n} kommuner)"
    return f". {alone}; {WITHIN if verdict == c.NO_CLEAR_DIFFERENCE else TOO_SHORT}"


def _has_peers(row) -> bool:
    return row is not None and not pd.isna(row.get("small_median")) and int(row.get("small_n") or 0) > 0


def _against_peers(data, row, indicator: str):
    """(phrase, comparator, comparator_value, n, verdict) of a percentage row against the small
    municipalities' median; no phrase and "unavailable" when the row has no peers."""
    if not _has_peers(row):
        return "", None, None, None, c.UNAVAILABLE
    comparator_value, n = float(row["small_median"]), int(row["small_n"])
    verdict = _verdict(float(row["value"]), comparator_value, own_se(data, indicator, int(row["year"])))
    return _peer_phrase(row, verdict, fmt_pct), c.SMALL_NL_TR, comparator_value, n, verdict


def result_claim(data, section: str = "hovedtrekk") -> c.Claim | None:
    """Netto driftsresultat, three-year average, against the small municipalities' median."""
    row = data.row(RESULT_3Y)
    if row is None:
        return None
    year, value = int(row["year"]), float(row["value"])
    phrase, comparator, comparator_value, n, verdict = _against_peers(data, row, RESULT_3Y)
    text = (f"Netto driftsresultat i {data.name} var i snitt {fmt_pct(value)} av brutto driftsinntektene "
            f"i årene {year - 2}–{year}{phrase}.")
    if preliminary(row):
        text += f" Tallene for {year} er foreløpige."
    return c.Claim(section, text, RESULT_3Y, data.kommunenr, year, c.shown(RESULT_3Y, value), comparator,
                   c.shown(RESULT_3Y, comparator_value), n, verdict, year)


def result_change_claim(data, section: str = "okonomi") -> c.Claim | None:
    """The three-year average now against the three years before (a clear change by the own spread)."""
    now = data.row(RESULT_3Y)
    if now is None:
        return None
    year = int(now["year"])
    before = data.row(RESULT_3Y, year - 3)
    if before is None:
        return None
    # the changes rule: 1.96 × SD of the average's own one-year changes (swing noise × √2) × √(years apart)
    series = data.series(RESULT_3Y).set_index("year")["value"].astype(float)
    se = spread_se(series) * np.sqrt(2) * np.sqrt(3)
    verdict = robustness.differs(float(now["value"]), float(before["value"]), se, np.nan)
    verdict = {robustness.HIGHER: c.INCREASE, robustness.LOWER: c.DECREASE,
               robustness.NO_CLEAR: c.NO_CLEAR_CHANGE}.get(verdict, c.UNAVAILABLE)
    head = (f"Netto driftsresultat var i snitt {fmt_pct(now['value'])} i {year - 2}–{year}, mot "
            f"{fmt_pct(before['value'])} i {year - 5}–{year - 3}")
    tail = {c.INCREASE: "en tydelig økning, større enn de vanlige svingningene fra år til år",
            c.DECREASE: "en tydelig nedgang, større enn de vanlige svingningene fra år til år",
            c.NO_CLEAR_CHANGE: "ingen klar endring; forskjellen er innenfor de vanlige svingningene fra år "
                               "til år",
            c.UNAVAILABLE: f"endringen kan ikke vurderes; {TOO_SHORT}"}[verdict]
    return c.Claim(section, f"{head}: {tail}.", RESULT_3Y, data.kommunenr, year,
                   c.shown(RESULT_3Y, now["value"]), None, c.shown(RESULT_3Y, before["value"]), None, verdict,
                   year)


def debt_claim(data, section: str = "okonomi") -> c.Claim | None:
    """Netto lånegjeld in % of brutto driftsinntekter, latest year, against the small municipalities."""
    row = data.row(DEBT)
    if row is None:
        return None
    year, value = int(row["year"]), float(row["value"])
    phrase, comparator, comparator_value, n, verdict = _against_peers(data, row, DEBT)
    text = f"Netto lånegjeld var {fmt_pct(value)} av brutto driftsinntektene i {year}{phrase}"
    return c.Claim(section, text + ".", DEBT, data.kommunenr, year, c.shown(DEBT, value), comparator,
                   c.shown(DEBT, comparator_value), n, verdict, year)


def tax_claim(data, section: str = "okonomi") -> c.Claim | None:
    """Skatt per innbygger before and after inntektsutjevning as % of the national average (= 100)."""
    before, after = data.row(SKATT), data.row(SKATT_AFTER)
    if before is None:
        return None
    year, value = int(before["year"]), float(before["value"])
    verdict = _verdict(value, 100.0, own_se(data, SKATT, year))
    if verdict == c.HIGHER:
        level = ", tydelig over landsgjennomsnittet"
    elif verdict == c.LOWER:
        level = ", tydelig under landsgjennomsnittet"
    else:
        level = ""
    text = (f"Skatt på inntekt og formue per innbygger var {fmt_pct(value)} av landsgjennomsnittet i "
            f"{year}{level}")
    if after is not None and int(after["year"]) == year:
        text += (f"; etter inntektsutjevningen i inntektssystemet var den {fmt_pct(after['value'])} av "
                 "landsgjennomsnittet")
    return c.Claim(section, text + ".", SKATT, data.kommunenr, year, c.shown(SKATT, value), c.COUNTRY, 100.0,
                   None, verdict, year)


EQUALISATION = "utgiftsutjevning_per_innb"
EQUALISATION_NOTE = ("Utgiftsutjevningen gir et tillegg i rammetilskuddet når staten beregner et "
                     "utgiftsbehov over landsgjennomsnittet, og et trekk når det beregnede behovet er under.")


def equalisation_claim(data, section: str = "okonomi") -> c.Claim | None:
    """The utgiftsutjevning per innbygger, latest year: a level and its sign (tillegg or trekk), no test."""
    row = data.row(EQUALISATION)
    if row is None:
        return None
    year, value = int(row["year"]), float(row["value"])
    kind = {1: ", altså et tillegg", -1: ", altså et trekk", 0: ""}[shown_sign(value, 0)]
    text = f"Utgiftsutjevningen i rammetilskuddet var {fmt_kroner(value)} per innbygger i {year}{kind}."
    return c.Claim(section, text, EQUALISATION, data.kommunenr, year, c.shown(EQUALISATION, value), None,
                   None, None, c.UNAVAILABLE, year)


NEED = "utgiftsbehov_indeks"


def need_claim(data, section: str = "okonomi") -> c.Claim | None:
    """KDD's expenditure-need index for budget year Y against the national 1,00 (only for Y itself).

    The index is the ministry's calculation by a fixed rule, not a measurement with noise, so the
    shown difference from 1,00 is the verdict: "higher"/"lower", or "no clear difference" at 1,00."""
    row = data.row(NEED, data.year)
    if row is None:
        return None
    index = c.shown(NEED, float(row["value"]))
    gap = round(abs(index - 1) * 100)  # from the index as shown (two decimals): whole per cent
    sign = shown_sign(index - 1, 2)
    words = {1: f"altså {fmt_pct(gap, 0)} mer per innbygger enn gjennomsnittskommunen",
             -1: f"altså {fmt_pct(gap, 0)} mindre per innbygger enn gjennomsnittskommunen",
             0: "altså like mye per innbygger som gjennomsnittskommunen"}[sign]
    text = (f"KDDs indeks for beregnet utgiftsbehov for {data.name} er {fmt_number(index, 2)} for "
            f"budsjettåret {data.year} (1,00 er landsgjennomsnittet): staten beregner at kommunen trenger "
            f"{words} for å gi et likeverdig tjenestetilbud.")
    verdict = {1: "higher", -1: "lower", 0: "no clear difference"}[sign]
    return c.Claim(section, text, NEED, data.kommunenr, data.year, index, "land", 1.0, None, verdict,
                   data.year)


def section_claims(data) -> list[c.Claim]:
    """The sentences of the Kommuneøkonomi section, in reading order."""
    makers = (result_change_claim, debt_claim, tax_claim)  # the peer comparison stands in Hovedtrekk
    return [claim for make in makers if (claim := make(data)) is not None]


def document_log(data, log):
    """The document's claim log: the one given, else the report's own (`data.claims`), else none."""
    return log if log is not None else getattr(data, "claims", None)


def items_html(claims: list[c.Claim], log=None, tag: str = "li") -> str:
    """Each claim's sentence as an element; with a `ClaimLog` it carries `data-claim` (its index)."""
    if log is None:
        return "".join(f"<{tag}>{html.escape(claim.text)}</{tag}>" for claim in claims)
    return "".join(log.html(claim, tag) for claim in claims)

