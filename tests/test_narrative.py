"""Hovedtrekk and planstrategi bullets as claims: numbers from the fact base, words only as far as the
verdict goes (each template for both signs and every verdict)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from samfunn_data.formatting import fmt_number, fmt_pct, shown_sign
from samfunn_data.reports import data as report_data
from samfunn_data.reports import findings, narrative, planning
from samfunn_data.reports.data import ReportData
from tests.report_fixtures import SNAPSHOT, built_data_dir

NBSP = "\u00a0"


def _data(rows: list[dict], year: int = 2020, name: str = "Tydal") -> ReportData:
    base = {"kommunenr": "5033", "count": np.nan, "robustness": "solid", "county": "50",
            "county_value": np.nan, "se": np.nan,
            "country_value": np.nan, "small_median": np.nan, "vs_county": "unavailable",
            "vs_country": "unavailable", "small_group": "små kommuner i Norge", "year": year}
    comps = pd.DataFrame([{**base, **r} for r in rows])
    facts = comps[["kommunenr", "year", "indicator", "value", "se", "count", "robustness"]].assign(
        source_table="07459", vintage="x")
    return ReportData("5033", name, "50", "Trøndelag", year, facts, comps)


def _change(value: float, country: float, verdict: str) -> ReportData:
    return _data([{"indicator": "endring_5ar_pst", "value": value, "country_value": country,
                   "vs_country": verdict, "count": 80.0}])


def test_the_issue_example_sentence():
    made = findings.change(_change(-4.06, 3.9, "lower"))
    assert made.text == (
        f"Folketallet i Tydal gikk ned med 4,1{NBSP}% fra 2015 til 2020, mens det økte med 3,9{NBSP}% i "
        "landet.")
    assert (made.value, made.comparator, made.comparator_value, made.verdict) == (-4.1, "land", 3.9, "lower")


def test_no_clear_difference_names_year_to_year_variation_not_small_numbers():
    text = findings.change(_change(1.2, 3.9, "no clear difference")).text
    assert "svinger fra år til år" in text and "for små" not in text
    assert "mens" not in text and "sterkere" not in text


def test_same_direction_but_clearly_different_says_stronger_or_weaker():
    assert "tydelig sterkere nedgang enn i landet" in findings.change(_change(-9.7, -1.0, "lower")).text
    assert "tydelig svakere vekst enn i landet" in findings.change(_change(1.0, 3.9, "lower")).text


COMPARATIVES = re.compile(r"\b(høyere|lavere|større|mindre|flere|færre|sterkere|svakere)\b", re.I)
CLEAR = ("higher", "lower", "increase", "decrease")


def _consistent(own: float, other: float) -> list[str]:
    """The verdicts real data can give for these two values (a clear one only in the direction of the gap)."""
    return ["higher" if own > other else "lower", "no clear difference", "too few", "unavailable"]


@pytest.mark.parametrize("own", [4.0, -4.0, 12.0, -12.0])
@pytest.mark.parametrize("land", [3.9, -3.9])
def test_change_sentence_words_agree_with_sign_and_verdict(own, land):
    for verdict in _consistent(own, land):
        rows = [{"indicator": "endring_5ar_pst", "value": own, "country_value": land, "vs_country": verdict,
                 "count": 5.0 if verdict == "too few" else 80.0,
                 "robustness": "too few" if verdict == "too few" else "solid"}]
        made = findings.change(_data(rows))
        text = made.text
        assert made.verdict == verdict
        assert (" i Tydal økte med" in text) == (own > 0) and (" i Tydal gikk ned med" in text) == (own < 0)
        if COMPARATIVES.search(text):
            assert verdict in CLEAR, text
        if "sterkere" in text:
            assert abs(own) > abs(land) and own * land > 0
        if "svakere" in text:
            assert abs(own) < abs(land) and own * land > 0
        if verdict == "too few":
            assert "landet" in text and "i landet" not in text.split(";")[0] and "for få" not in text[:20]
        if verdict in ("no clear difference", "too few", "unavailable"):
            assert "mens" not in text


@pytest.mark.parametrize("own, other", [(9.7, 4.5), (3.0, 4.5)])
def test_level_comparisons_follow_the_verdict_for_both_signs(own, other):
    for verdict in _consistent(own, other):
        data = _data([{"indicator": "andel_80_pluss", "value": own, "country_value": other,
                       "vs_country": verdict, "robustness": "too few" if verdict == "too few" else "solid"},
                      {"indicator": "antall_80_pluss", "value": 73.0}])
        made = findings.elderly(data)
        assert made.verdict == verdict and "(73 personer)" in made.text
        assert ("høyere enn i landet" in made.text) == (verdict == "higher")
        assert ("lavere enn i landet" in made.text) == (verdict == "lower")
        if verdict == "too few":
            assert "for få personer" in made.text and "4,5" not in made.text
        if verdict == "no clear difference":  # the reason is chance, not "too small" (the grade may be solid)
            assert "kan skyldes tilfeldig variasjon" in made.text and "for små" not in made.text


def _flows(count: float, rate: float, se: float, grade: str = "solid") -> ReportData:
    return _data([{"indicator": "fodselsoverskudd_3ar", "value": count, "robustness": grade,
                   "count": abs(count)},
                  {"indicator": "fodselsoverskudd_3ar_per_1000", "value": rate, "se": se},
                  {"indicator": "nettoinnflytting_3ar", "value": -count, "robustness": grade,
                   "count": abs(count)},
                  {"indicator": "nettoinnflytting_3ar_per_1000", "value": -rate, "se": se}], year=2022)


@pytest.mark.parametrize("count, rate, se, grade, verdict", [
    (-40.0, -15.0, 3.0, "solid", "lower"), (40.0, 15.0, 3.0, "solid", "higher"),
    (-13.0, -5.0, 4.0, "indicative", "no clear difference"), (-3.0, -1.0, 4.0, "too few", "too few"),
    (-13.0, -5.0, np.nan, "indicative", "unavailable"), (-13.0, -15.0, 3.0, "indicative", "lower")])
def test_net_flows_say_more_out_or_in_only_when_clearly_away_from_zero(count, rate, se, grade, verdict):
    data = _flows(count, rate, se, grade)
    births, moves = findings.flow(data, "fodselsoverskudd"), findings.flow(data, "nettoinnflytting")
    assert births.verdict == verdict and births.comparator is None and births.comparator_value == 0.0
    assert "i årene 2020–2022" in births.text
    assert ("døde tydelig flere" in births.text) == (verdict == "lower")
    assert ("født tydelig flere" in births.text) == (verdict == "higher")
    opposite = {"lower": "higher", "higher": "lower"}.get(verdict, verdict)
    assert moves.verdict == opposite
    assert ("flere ut enn inn" in moves.text) == (opposite == "lower")
    assert ("flere inn enn ut" in moves.text) == (opposite == "higher")
    if verdict not in CLEAR:
        assert not COMPARATIVES.search(births.text + moves.text)
    bullets = " ".join(narrative.utfordringer(data))
    solid = grade == "solid"  # planning builds only on clear verdicts of values graded solid
    assert ("Flere døde enn fødte" in bullets) == (verdict == "lower" and solid)
    assert ("flere ut enn inn" in bullets) == (opposite == "lower" and solid)
    assert ("usikkert" in births.text) == (grade == "indicative" and verdict in CLEAR)
    assert "årsakene" not in bullets and "; flyttet det" not in bullets  # the old semicolon chain


def test_challenges_need_a_clear_difference():
    rows = [{"indicator": "andel_80_pluss", "value": 9.7, "country_value": 4.5,
             "vs_country": "no clear difference"}]
    assert narrative.utfordringer(_data(rows, year=2024)) == []
    rows[0]["vs_country"] = "higher"
    assert any("Mange eldre" in c for c in narrative.utfordringer(_data(rows, year=2024)))
    rows[0]["robustness"] = "too few"
    assert narrative.utfordringer(_data(rows, year=2024)) == []  # nothing claimed from "too few"


def test_children_bullet_names_only_the_group_that_is_clearly_lower():
    rows = [{"indicator": "andel_0_5", "value": 5.5, "country_value": 5.9,
             "vs_country": "no clear difference"},
            {"indicator": "andel_6_15", "value": 9.2, "country_value": 11.8, "vs_country": "lower"}]
    text = " ".join(narrative.utfordringer(_data(rows)))
    assert "6–15 år" in text and "skole" in text
    assert "0–5" not in text and "barnehage" not in text


def test_projection_path_names_a_peak_or_a_trough():
    path = [(2030, 1100.0), (2040, 1050.0), (2050, 990.0)]
    assert findings.path_words(1000.0, path).startswith("; den er høyest i 2030")
    assert "lavest i 2040" in findings.path_words(1000.0, [(2030, 950.0), (2040, 900.0), (2050, 980.0)])
    assert findings.path_words(1000.0, [(2030, 1010.0), (2040, 1020.0), (2050, 1030.0)]) == ""


def test_projections_published_after_the_report_year_are_never_used():
    rows = [{"indicator": "framskrevet_2040", "value": 799.0}, {"indicator": "folkemengde", "value": 753.0}]
    for year, existing in ((2020, 2020), (2021, 2020), (2022, 2022), (2023, 2022)):
        made = findings.projection(_data(rows, year=year))
        assert made.value is None and made.verdict == "unavailable" and "799" not in made.text
        assert f"i {year} var SSBs framskriving fra {existing}, og den er ikke i dataene" in made.text
    assert findings.projection_in_force(2024) == 2024 and findings.projection_in_force(2025) == 2024


def test_missing_figures_leave_sentences_out_rather_than_guess():
    data = _data([{"indicator": "folkemengde", "value": 753.0}], year=2024)
    assert narrative.hovedtrekk(data) == ["Tydal hadde 753 innbyggere 1. januar 2024."]


@pytest.fixture
def snapshot_env(monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))


@pytest.mark.parametrize("code", ["5026", "5033", "5043", "1825", "1827", "1874"])
def test_hovedtrekk_has_five_to_nine_sentences_for_every_network_municipality(snapshot_env, code):
    for year in (2020, 2023):
        sentences = narrative.hovedtrekk(report_data.load(code, year))
        assert 5 <= len(sentences) <= 9, sentences
        assert all(s.endswith(".") for s in sentences)


def test_report_data_holds_nothing_after_the_report_year(snapshot_env):
    from samfunn_data.facts import indicators

    data = report_data.load("5033", 2021)
    kind = data.facts["indicator"].map({i: ind.kind for i, ind in indicators.CATALOGUE.items()})
    assert data.facts.loc[kind == "flow", "year"].max() == 2020
    assert data.facts.loc[kind == "stock", "year"].max() <= 2021
    assert data.facts.loc[kind == "projection"].empty  # SSB's 2024 projections did not exist in 2021
    assert set(report_data.load("5033", 2024).facts.loc[lambda f: f["indicator"] == "framskrevet_2040",
                                                        "year"]) == {2024}  # projected from the report year
    assert data.comparisons["year"].max() <= 2021
    assert data.value("folkemengde", 2022) is None


def test_changes_since_last_year_claim_a_change_only_beyond_noise(snapshot_env):
    rows = {r["indicator"]: r for r in narrative.changes_since_previous(report_data.load("5033", 2023))}
    pop = rows["folkemengde"]
    assert (pop["before_year"], pop["now_year"]) == (2022, 2023)
    assert pop["verdict"] == "no clear change"  # 750 -> 753 people is within the usual swings
    assert rows["medianinntekt"]["verdict"] == "unavailable"  # 2019-2022: too few years to know the swings
    assert rows["medianinntekt"]["claim"].text == "kan ikke vurderes"
    assert rows["nettoinnflytting_3ar_per_1000"]["now_year"] == 2022  # flows: the year before the report
    assert "Endringer siden rapporten for 2022" in narrative.changes_html(report_data.load("5033", 2023))


def test_country_clause_is_a_full_sentence():
    text = findings.change(_change(0.2, 4.4, "no clear difference")).text
    assert f"I landet økte folketallet med 4,4{NBSP}%; forskjellen ligger innenfor" in text
    text = findings.change(_change(0.2, -1.0, "unavailable")).text
    assert f"I landet gikk folketallet ned med 1,0{NBSP}%; det er for få år med tall" in text


def test_county_line_is_never_a_sum_over_part_of_the_county():
    wide = pd.DataFrame({"5001": [10.0, 11.0, 12.0], "5055": [np.nan, np.nan, 5.0],
                         "50": [np.nan, np.nan, 17.0]}, index=[2018, 2019, 2020])
    series = report_data._county_series(wide, "50", ["5001", "5055"])
    assert series.isna().tolist() == [True, True, False] and series[2020] == 17.0
    complete = wide.assign(**{"5055": [4.0, 4.0, 5.0]}).drop(columns="50")
    assert report_data._county_series(complete, "50", ["5001", "5055"]).tolist() == [14.0, 15.0, 17.0]
    assert report_data._county_series(wide[["5001"]], "50", ["5001", "5055"]).isna().all()  # 5055 unseen


def test_an_unchanged_population_is_said_plainly_and_not_compared():
    rows = [{"indicator": "endring_5ar_pst", "value": 0.0, "country_value": 3.7,
             "vs_country": "no clear difference", "count": 0.0, "robustness": "too few"}]
    made = findings.change(_data(rows, year=2023))
    assert made.text == "Folketallet i Tydal var det samme 1. januar 2023 som 1. januar 2018."
    assert made.verdict == "too few"
    rows[0].update(value=0.1, count=1.0)
    assert "endringen gjelder bare 1 person, for få" in findings.change(_data(rows, year=2023)).text


@pytest.mark.parametrize("before, now, verdict", [(50.0, 80.0, "increase"), (80.0, 50.0, "decrease"),
                                                  (78.0, 73.0, "no clear change"), (5.0, 8.0, "too few")])
def test_ageing_bullet_speaks_of_growing_needs_only_when_the_count_clearly_grew(before, now, verdict):
    grade = "too few" if verdict == "too few" else "solid"
    rows = [{"indicator": "andel_80_pluss", "value": 9.7, "country_value": 4.5, "vs_country": "higher"},
            {"indicator": "antall_80_pluss", "value": before, "count": before, "robustness": grade,
             "year": 2018},
            {"indicator": "antall_80_pluss", "value": now, "count": now, "robustness": grade}]
    bullet = planning.ageing(_data(rows, year=2023))
    trend = bullet.claims[1]
    assert trend.verdict == verdict and (trend.value, trend.comparator_value) == (now, before)
    assert ("økende behov" in trend.text) == (verdict == "increase")
    assert ("økte tydelig" in trend.text) == (verdict == "increase")
    assert ("gikk tydelig ned" in trend.text) == (verdict == "decrease")
    if verdict not in CLEAR:
        assert "økte" not in trend.text and "ned" not in trend.text


@pytest.mark.parametrize("own", [0.05, -0.05, 0.049999, -0.049999, 0.04, -0.04, 0.15, -0.15, 0.0])
@pytest.mark.parametrize("land", [0.05, -0.049999, 0.25])
def test_direction_words_follow_the_number_as_shown_at_the_rounding_boundary(own, land):
    """The display rounds halves up (formatting.round_half_up): 0,05 shows as "0,1 %", 0,0499… as "0,0 %".
    "økte"/"gikk ned" must go with a shown number that is not 0,0, and "uendret" with one that is."""
    text = findings.change(_change(own, land, "no clear difference")).text
    moved = re.findall(r"(økte|gikk ned) med (\S+)" + NBSP + "%", text)
    assert all(number != "0,0" for _word, number in moved), text
    shown_own = fmt_pct(abs(own))
    if shown_own == f"0,0{NBSP}%":
        assert f"i Tydal var uendret, med en endring på 0,0{NBSP}%" in text, text
    else:
        assert f"i Tydal {'økte' if own > 0 else 'gikk ned'} med {shown_own}" in text, text
    if fmt_pct(abs(land)) == f"0,0{NBSP}%":
        assert "I landet var folketallet uendret" in text, text
    else:
        assert f"I landet {'økte' if land > 0 else 'gikk ned'} folketallet med {fmt_pct(abs(land))}" in text


def test_shown_sign_and_claim_values_round_halves_up_as_the_text_does():
    assert round(0.5) == 0 and shown_sign(0.5, 0) == 1 and fmt_number(0.5, 0) == "1"
    assert shown_sign(-0.05) == -1 and shown_sign(-0.049999) == 0 and shown_sign(0.0) == 0
    made = findings.elderly(_data([{"indicator": "andel_80_pluss", "value": 2.25, "country_value": 4.35,
                                    "vs_country": "lower"}]))
    assert round(2.25, 1) == 2.2  # half to even: what the claim used to record
    assert made.value == 2.3 and made.comparator_value == 4.4 and f"2,3{NBSP}%" in made.text
    assert f"(4,4{NBSP}%)" in made.text
