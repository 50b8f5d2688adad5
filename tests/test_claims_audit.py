"""Audit of every claim of every real report 2020–2023 (issue 13, "Done when").

For every small municipality in Nordland and Trøndelag (under 2,500 inhabitants on 1 January of the report
year) and every report year 2020–2023, all claims are computed without rendering
(`narrative.report_claims`) and each is checked against the fact base from the issue's definitions, not
from the code that made it:

- ``year`` and ``data_through`` are not after the report year;
- ``value`` is the fact base's value for (indicator, kommunenr, year), rounded half up to the decimals the
  report shows (the catalogue's); a three-year mean of the accounts is recomputed from its yearly values;
- ``comparator_value`` is the country's fact, the earlier year's fact (a change), 0 (a net figure's sign),
  100 (a share of the national average), or the median of the small municipalities that hold a value,
  recomputed from the facts, and ``comparator_n`` is how many they are;
- the verdict is what `robustness.differs` gives for those numbers with the spreads re-estimated here from
  the years visible in the report year, or the changes rule for one unit over time;
- every number the claim rests on appears in its text exactly as `formatting` writes it; direction words
  ("økte", "gikk ned", "høyere", "lavere", "tydelig økning") agree with the verdict and with the sign of
  the number as shown; a value graded "too few" carries no comparison.
"""

from __future__ import annotations

import functools
import math
import re

import numpy as np
import pandas as pd
import pytest

from samfunn_data.facts import factbase, indicators, robustness
from samfunn_data.facts.municipalities import lookup
from samfunn_data.formatting import fmt_number, round_half_up
from samfunn_data.reports import data as report_data
from samfunn_data.reports import economy_text, findings, narrative
from tests.factbase_fixtures import real_snapshot_present
from tests.test_claims_asof import _by_region, _full, _small

pytestmark = pytest.mark.skipif(not real_snapshot_present(), reason="needs the committed SSB snapshot")

YEARS = (2020, 2021, 2022, 2023)
NUMBER = re.compile(r"[−+]?\d+(?:\u202f\d{3})*(?:,\d+)?")
MOVED = re.compile(r"(økte|gikk ned) med ([−+]?\d+(?:\u202f\d{3})*(?:,\d+)?)")
COMPARATIVE = re.compile(r"\b(høyere|lavere|større|mindre|flere|færre|sterkere|svakere|over|under)\b"
                         r"(?! \d)", re.I)
CLEAR = {"higher", "lower", "increase", "decrease"}
# net figures tested for their sign: the rate whose visible yearly values give the spread (÷ √3 for 3 years)
SIGN_RATES = {f"{flow}_3ar": f"{flow}_per_1000" for flow in ("fodselsoverskudd", "nettoinnflytting")}
# population changes: the one-year change gives the spread (× √k for k years)
CHANGES = {"endring_1ar_pst": 1, "endring_5ar_pst": 5, "endring_10ar_pst": 10}
# accounts: noise of one year = SD of one-year changes / √2 (robustness rule), of a k-year mean / √k more
ACCOUNTS_MEAN = {"netto_driftsresultat_pst_3ar": ("netto_driftsresultat_pst", 3)}


def shown(value, indicator: str) -> float:
    """The value as the report writes it: rounded half up to the catalogue's decimals."""
    return float(round_half_up(value, indicators.CATALOGUE[indicator].decimals))


def written(value, indicator: str) -> str:
    """The number as it stands after a direction word ("gikk ned med 4,1 %"): without its sign."""
    return fmt_number(abs(value), indicators.CATALOGUE[indicator].decimals)


def appears(value, indicator: str, numbers: list[str]) -> bool:
    """Whether the value stands in the text as shown, with its sign or after a direction word."""
    decimals = indicators.CATALOGUE[indicator].decimals
    return fmt_number(value, decimals) in numbers or written(value, indicator) in numbers


class Report:
    """What a report for (code, year) may see, read straight from the fact base."""

    def __init__(self, code: str, year: int):
        facts, comps = _full()
        self.code, self.year = code, year
        self.all_visible = _visible(year)
        own = self.all_visible[self.all_visible["kommunenr"].isin([code, code[:2], "0"])]
        self.facts = own.set_index(["kommunenr", "indicator", "year"]).sort_index()
        self.comps = comps[comps["kommunenr"] == code].set_index(["indicator", "year"]).sort_index()

    def fact(self, indicator: str, year: int, region: str | None = None) -> pd.Series | None:
        key = (region or self.code, indicator, int(year))
        if key not in self.facts.index:
            return None
        row = self.facts.loc[key]
        row = row.iloc[0] if isinstance(row, pd.DataFrame) else row
        return None if pd.isna(row["value"]) else row

    def yearly(self, indicator: str, region: str | None = None) -> pd.Series:
        """The visible yearly values of `indicator`, by year."""
        key = (region or self.code, indicator)
        if key not in self.facts.index.droplevel(2):
            return pd.Series(dtype=float)
        return self.facts.loc[key]["value"].dropna().sort_index()

    def spread(self, indicator: str, region: str | None = None) -> float:
        """Standard deviation of the visible yearly values (at least four), else NaN."""
        values = self.yearly(indicator, region)
        return float(values.std(ddof=1)) if len(values) >= 4 else math.nan

    def step_spread(self, indicator: str, region: str | None = None) -> float:
        """Standard deviation of the one-year changes between consecutive visible years (at least four)."""
        values = self.yearly(indicator, region)
        steps = [values[y] - values[y - 1] for y in values.index if y - 1 in values.index]
        return float(np.std(steps, ddof=1)) if len(steps) >= 4 else math.nan

    def se(self, indicator: str, year: int, region: str | None = None) -> float:
        """Standard error of a value as of the report year (spreads from the visible years only)."""
        region = region or self.code
        if indicator in CHANGES:
            return self.spread("endring_1ar_pst", region) * math.sqrt(CHANGES[indicator])
        row = self.fact(indicator, year, region)
        return math.nan if row is None or pd.isna(row["se"]) else float(row["se"])

    def small_peers(self, indicator: str, year: int) -> pd.Series:
        """Values of the small municipalities (under 2,500 on 1 January of `year`) in the indicator's
        coverage, except those flagged as not comparable."""
        facts = _full()[0]
        at = facts[(facts["year"] == year) & (facts["level"] == "kommune")]
        pop = at[at["indicator"] == "folkemengde"].set_index("kommunenr")["value"]
        rows = at[(at["indicator"] == indicator) & at["value"].notna()
                  & ~at["flag"].isin(indicators.PEER_EXCLUDED_FLAGS)]
        rows = rows[rows["kommunenr"].map(pop) < 2500]
        if indicators.CATALOGUE[indicator].coverage == indicators.NL_TR:
            rows = rows[rows["kommunenr"].str[:2].isin(["18", "50"])]
        return rows["value"]


@functools.cache
def _visible(year: int) -> pd.DataFrame:
    return factbase.visible(_full()[0], year)


def _claims(code: str, year: int):
    facts, comps = _full()
    data = report_data.assemble(lookup(code), year, *_by_region(facts, comps, code))
    return narrative.report_claims(data)


def between_units(report: Report, indicator: str, year: int, other: float, other_se: float) -> str:
    """The robustness rule between the municipality's value and another (too few first)."""
    own = report.fact(indicator, year)
    if own.get("robustness") == robustness.TOO_FEW:
        return "too few"
    own_se = report.se(indicator, year)
    if indicator in CHANGES and (math.isnan(own_se) or math.isnan(other_se)):
        return "unavailable"
    if not indicators.CATALOGUE[indicator].comparable:
        return "unavailable"
    return str(robustness.differs(float(own["value"]), other, own_se, other_se))


def over_time(report: Report, indicator: str, y0: int, y1: int) -> str:
    """The changes rule: 1.96 × SD of the one-year changes up to y1 × √(y1 − y0); with fewer than four,
    the two values' standard errors (√count for a register count)."""
    before, now = report.fact(indicator, y0), report.fact(indicator, y1)
    if robustness.TOO_FEW in (before.get("robustness"), now.get("robustness")):
        return "too few"
    values = report.yearly(indicator)
    values = values[values.index <= y1]
    steps = [values[y] - values[y - 1] for y in values.index if y - 1 in values.index]
    if len(steps) >= 4:
        se = np.std(steps, ddof=1) * math.sqrt(y1 - y0)
        verdict = robustness.differs(now["value"], before["value"], se, math.nan)
    else:
        def noise(row):
            if not pd.isna(row["se"]):
                return float(row["se"])
            measure = indicators.CATALOGUE[indicator].measure
            return math.sqrt(row["count"]) if measure == "count" and not pd.isna(row["count"]) else math.nan
        verdict = robustness.differs(now["value"], before["value"], noise(now), noise(before))
    return {"higher": "increase", "lower": "decrease", "no clear difference": "no clear change"}.get(
        str(verdict), "unavailable")


def check_value(report: Report, made) -> None:
    if made.indicator.startswith("framskrevet"):  # 2020–2023: SSB's 2024 projections were not published
        assert made.value is None and "ikke i dataene" in made.text, made
        return
    if made.indicator in ACCOUNTS_MEAN:
        base, k = ACCOUNTS_MEAN[made.indicator]
        yearly = report.yearly(base)
        window = [yearly.get(y) for y in range(made.year - k + 1, made.year + 1)]
        assert all(v is not None for v in window), made
        assert made.value == shown(sum(window) / k, made.indicator), made
        return
    row = report.fact(made.indicator, made.year)
    assert row is not None, f"no fact for {made}"
    assert made.value == shown(row["value"], made.indicator), made


def expected_comparison(report: Report, made) -> tuple[float | None, int | None, str]:
    """(comparator_value as shown, comparator_n, verdict) from the fact base and the rules."""
    ind, year = made.indicator, made.year
    if made.comparator == "land" and made.comparator_value == 100.0 and ind.endswith("_av_landet"):
        se = report.step_spread(ind) / math.sqrt(2)  # accounts: one year's noise from the own swings
        verdict = robustness.differs(report.fact(ind, year)["value"], 100.0, se, math.nan)
        return 100.0, None, str(verdict)
    if made.comparator == "land":
        country = report.fact(ind, year, "0")
        return (shown(country["value"], ind), None,
                between_units(report, ind, year, float(country["value"]), report.se(ind, year, "0")))
    if made.comparator in ("små kommuner i Nordland og Trøndelag", "små kommuner i Norge"):
        peers = report.small_peers(ind, year)
        median = float(peers.median())
        if ind in ACCOUNTS_MEAN:
            base, k = ACCOUNTS_MEAN[ind]
            se = report.step_spread(base) / math.sqrt(2 * k)
            verdict = robustness.differs(report.fact(ind, year)["value"], median, se, math.nan)
        elif indicators.CATALOGUE[ind].measure == "accounts":
            verdict = robustness.differs(report.fact(ind, year)["value"], median,
                                         report.step_spread(ind) / math.sqrt(2), math.nan)
        else:
            verdict = "unavailable"  # a median of a median: no test is made, the claim compares nothing
        return shown(median, ind), len(peers), str(verdict)
    assert made.comparator is None, made
    if made.comparator_value is None:
        return None, None, "unavailable"
    if made.comparator_value == 0.0 and ind in SIGN_RATES:
        row = report.fact(ind, year)
        if row.get("robustness") == robustness.TOO_FEW:
            return 0.0, None, "too few"
        rate = report.fact(f"{ind}_per_1000", year)
        se = report.spread(SIGN_RATES[ind]) / math.sqrt(3)
        return 0.0, None, ("unavailable" if math.isnan(se) else
                           str(robustness.differs(rate["value"], 0.0, se, math.nan)))
    if made.comparator_value == 0.0 and ind in CHANGES:  # a decline tested against no change
        se = report.se(ind, year)
        verdict = robustness.differs(report.fact(ind, year)["value"], 0.0, se, math.nan)
        return 0.0, None, {"lower": "decrease", "higher": "increase"}.get(str(verdict), "no clear change")
    if ind in ACCOUNTS_MEAN:  # three-year mean against the three years before
        base, k = ACCOUNTS_MEAN[ind]
        yearly = report.yearly(base)
        means = pd.Series({y: yearly.loc[y - k + 1:y].mean() for y in yearly.index
                           if all(x in yearly.index for x in range(y - k + 1, y + 1))})
        steps = [means[y] - means[y - 1] for y in means.index if y - 1 in means.index]
        before = means[year - k]
        se = np.std(steps, ddof=1) * math.sqrt(k) if len(steps) >= 4 else math.nan
        verdict = robustness.differs(means[year], before, se, math.nan)
        return shown(before, ind), None, {"higher": "increase", "lower": "decrease",
                                          "no clear difference": "no clear change"}.get(str(verdict),
                                                                                        "unavailable")
    # a change over time: the earlier value is one (changes table) or five years before (the text says)
    y0 = year - 1 if made.section == "endringer" else year - 5
    before = report.fact(ind, y0)
    return shown(before["value"], ind), None, over_time(report, ind, y0, year)


def check_numbers(made) -> None:
    """Every number the claim rests on stands in its text as `formatting` writes it."""
    text, verdict = made.text, made.verdict
    numbers = NUMBER.findall(text)
    # the changes table shows its numbers in the row; a sentence on the country alone follows the bullet's
    # sentence with the municipality's value
    table_or_country = made.section == "endringer" or text.startswith("I landet")
    said_in_words = made.value == 0 and "var det samme" in text
    if not table_or_country and made.value is not None and not said_in_words:
        assert appears(made.value, made.indicator, numbers), made
    baseline = made.comparator_value in (0.0, 100.0) and made.comparator in (None, "land")
    silent = made.section == "endringer" or verdict == "too few" or baseline  # no comparison shown
    if made.comparator_value is not None and not silent:
        assert appears(made.comparator_value, made.indicator, numbers), made
    if made.comparator_n is not None:
        assert fmt_number(made.comparator_n) in numbers, made


def check_words(made) -> None:
    """Direction words agree with the verdict and with the sign of the number as shown."""
    text, verdict = made.text, made.verdict
    for word, number in MOVED.findall(text):
        assert number not in ("0", "0,0"), made  # "økte med 0,0 %" reads as a change that is not shown
        matches = [v for v in (made.value, made.comparator_value)
                   if v is not None and written(v, made.indicator) == number and v != 0]
        assert matches, made
        assert any((v > 0) == (word == "økte") for v in matches), made
    if verdict not in CLEAR:
        assert not COMPARATIVE.search(text.replace("over tid", "")), made
        assert "tydelig" not in text, made
    if re.search(r"\bhøyere\b|over landsgjennomsnittet|flere (inn enn ut|født)", text):
        assert verdict in ("higher", "increase"), made
    if re.search(r"\blavere\b|under landsgjennomsnittet|flere (ut enn inn|døde|enn det ble født)", text):
        assert verdict in ("lower", "decrease"), made
    if "tydelig økning" in text:
        assert verdict == "increase", made
    if re.search(r"tydelig (nedgang|gikk ned)", text):
        assert verdict == "decrease", made
    if "sterkere vekst" in text or "svakere nedgang" in text:
        assert verdict == "higher" and made.value > 0, made
    if "sterkere nedgang" in text or "svakere vekst" in text:
        assert verdict == "lower" and made.value < 0, made
    if verdict == "too few":  # no more than "too few", or the plain fact that nothing changed
        assert re.search(r"for få|for små|tilfeldigheter|var det samme", text), made


def audit(code: str, year: int) -> list[str]:
    report = Report(code, year)
    failures = []
    for made in _claims(code, year):
        try:
            assert made.year <= year and made.data_through <= year, made
            assert made.year <= made.data_through, made
            check_value(report, made)
            if not made.indicator.startswith("framskrevet") and made.indicator != "sentralitetsklasse":
                value, n, verdict = expected_comparison(report, made)
                assert made.comparator_value == value, (made, value)
                assert made.comparator_n == n, (made, n)
                assert made.verdict == verdict, (made, verdict)
            check_numbers(made)
            check_words(made)
        except AssertionError as error:
            test = next((line for line in str(error).splitlines() if line.startswith("assert")), "")
            failures.append(f"{code} {year} {made.section}/{made.indicator} {made.text!r} "
                            f"value={made.value} comparator={made.comparator_value} n={made.comparator_n} "
                            f"{made.verdict}: {test}")
    return failures


@pytest.mark.parametrize("year", YEARS)
def test_every_claim_of_every_small_nordland_and_trondelag_report_holds(year):
    codes = _small(year)
    assert len(codes) >= 30
    failures = [f for code in codes for f in audit(code, year)]
    assert not failures, "\n".join(failures[:20]) + f"\n({len(failures)} in all)"


@pytest.mark.parametrize("year", (2020, 2023))
def test_hovedtrekk_holds_at_most_eight_findings_and_keeps_projection_income_and_economy(year):
    """domain.md: Hovedtrekk is "the 5–8 most important findings". What is left out when there are more is
    only what also stands in its own chapter (sex balance, the flows), never the projection, the income or
    the economy finding."""
    longest = 0
    for code in _small(year):
        facts, comps = _full()
        data = report_data.assemble(lookup(code), year, *_by_region(facts, comps, code))
        made = narrative.hovedtrekk_claims(data)
        economy = economy_text.result_claim(data)
        every = [c.indicator for c in findings.hovedtrekk(data) + ([economy] if economy else [])]
        kept = [c.indicator for c in made]
        assert 5 <= len(made) <= 8, (code, kept)
        for needed in ("folkemengde", "endring_5ar_pst", "framskrevet_2040", "medianinntekt",
                       "netto_driftsresultat_pst_3ar"):
            assert needed in kept or needed not in every, (code, needed, kept)
        longest = max(longest, len(made))
    assert longest == 8  # real reports do fill it


def test_the_commuting_sentences_are_claims():
    """Read in the rendered Træna 2020 report: the «Pendling» paragraph stood outside every claim. Its
    three sentences are now claims on SSB 03321 (4th quarter 2017, published 2018)."""
    made = [c for c in _claims("1835", 2020) if c.section == "pendling"]
    assert [c.text for c in made] == [
        "I 4. kvartal 2017 bodde 244 sysselsatte i Træna.",
        "218 av dem (89,3\u00a0%) jobbet i kommunen, 26 hadde arbeidssted i en annen kommune.",
        "230 personer hadde arbeidssted i Træna; 12 av dem bodde i en annen kommune."]
    assert [(c.indicator, c.value) for c in made] == [
        ("sysselsatte_bosatt", 244.0), ("andel_jobber_i_egen_kommune", 89.3), ("arbeidsplasser", 230.0)]
    assert all(c.year == c.data_through == 2017 and c.verdict == "unavailable" for c in made)
