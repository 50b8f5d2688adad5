"""Hovedtrekk and planstrategi challenges: numbers from the fact base, differences only where the
robustness rule supports them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from samfunn_data.reports import data as report_data
from samfunn_data.reports import narrative
from samfunn_data.reports.data import ReportData
from tests.report_fixtures import SNAPSHOT, built_data_dir

NBSP = "\u00a0"


def _data(rows: list[dict], year: int = 2020, name: str = "Tydal") -> ReportData:
    base = {"kommunenr": "5033", "count": np.nan, "robustness": "solid", "county": "50",
            "county_value": np.nan,
            "country_value": np.nan, "small_median": np.nan, "vs_county": "unavailable",
            "vs_country": "unavailable", "small_group": "små kommuner i Norge", "year": year}
    comps = pd.DataFrame([{**base, **r} for r in rows])
    facts = comps[["kommunenr", "year", "indicator", "value"]].assign(source_table="07459", vintage="x")
    return ReportData("5033", name, "50", "Trøndelag", year, facts, comps)


def _change(value: float, country: float, verdict: str) -> ReportData:
    return _data([{"indicator": "endring_5ar_pst", "value": value, "country_value": country,
                   "vs_country": verdict}])


def test_the_issue_example_sentence():
    data = _change(-4.06, 3.9, "lower")
    assert narrative.change_sentence(data) == (
        f"Folketallet i Tydal gikk ned med 4,1{NBSP}% fra 2015 til 2020, mens det økte med 3,9{NBSP}% i "
        "landet.")


def test_no_clear_difference_says_the_numbers_are_too_small():
    data = _data([{"indicator": "endring_5ar_pst", "value": 1.2, "country_value": 3.9,
                   "vs_country": "no clear difference"}])
    sentence = narrative.change_sentence(data)
    assert "for små til å si" in sentence and "mens" not in sentence and "sterkere" not in sentence


def test_same_direction_but_clearly_different_says_stronger_or_weaker():
    assert "sterkere nedgang enn i landet" in narrative.change_sentence(_change(-9.7, -1.0, "lower"))
    data = _change(1.0, 3.9, "lower")
    assert "svakere vekst enn i landet" in narrative.change_sentence(data)


@pytest.mark.parametrize("verdict, claim", [("higher", "høyere enn i landet"),
                                             ("lower", "lavere enn i landet"),
                                             ("no clear difference", "for små til å si"),
                                             ("unavailable", "mot 4,5")])
def test_level_comparisons_follow_the_verdict(verdict, claim):
    data = _data([{"indicator": "andel_80_pluss", "value": 9.7, "country_value": 4.5,
                   "vs_country": verdict},
                  {"indicator": "antall_80_pluss", "value": 73.0}])
    sentence = narrative.elderly_sentence(data)
    assert claim in sentence and "(73 personer)" in sentence
    if verdict not in ("higher", "lower"):
        assert "høyere" not in sentence and "lavere" not in sentence


def test_pooled_flows_warn_when_too_few():
    data = _data([{"indicator": "fodselsoverskudd_3ar", "value": -3.0, "robustness": "too few"},
                  {"indicator": "nettoinnflytting_3ar", "value": 27.0}], year=2022)
    sentence = narrative.flows_sentence(data)
    assert sentence.startswith("I årene 2020–2022 var fødselsoverskuddet \u22123 (3 flere døde enn fødte)")
    assert "tilfeldigheter" in sentence


def test_challenges_need_a_clear_difference():
    rows = [{"indicator": "andel_80_pluss", "value": 9.7, "country_value": 4.5,
             "vs_country": "no clear difference"}]
    assert narrative.utfordringer(_data(rows)) == []
    rows[0]["vs_country"] = "higher"
    assert any("Flere eldre" in c for c in narrative.utfordringer(_data(rows)))


def test_missing_figures_leave_sentences_out_rather_than_guess():
    data = _data([{"indicator": "folkemengde", "value": 753.0}])
    assert narrative.hovedtrekk(data) == ["Tydal hadde 753 innbyggere 1. januar 2020."]


@pytest.fixture
def snapshot_env(monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))


@pytest.mark.parametrize("code", ["5026", "5033", "5043", "1825", "1827", "1874"])
def test_hovedtrekk_has_five_to_eight_sentences_for_every_network_municipality(snapshot_env, code):
    for year in (2020, 2023):
        sentences = narrative.hovedtrekk(report_data.load(code, year))
        assert 5 <= len(sentences) <= 8, sentences
        assert all(s.endswith(".") for s in sentences)


def test_report_data_holds_nothing_after_the_report_year(snapshot_env):
    from samfunn_data.facts import indicators

    data = report_data.load("5033", 2021)
    kind = data.facts["indicator"].map({i: ind.kind for i, ind in indicators.CATALOGUE.items()})
    assert data.facts.loc[kind == "flow", "year"].max() == 2020
    assert data.facts.loc[kind == "stock", "year"].max() <= 2021
    assert set(data.facts.loc[kind == "projection", "year"]) == {2021}  # projected from the report year
    assert data.comparisons["year"].max() <= 2021
    assert data.value("folkemengde", 2022) is None


def test_changes_since_last_year_claim_a_change_only_beyond_noise(snapshot_env):
    rows = {r["indicator"]: r for r in narrative.changes_since_previous(report_data.load("5033", 2023))}
    pop = rows["folkemengde"]
    assert (pop["before_year"], pop["now_year"]) == (2022, 2023)
    assert pop["verdict"] == "no clear difference"  # 750 -> 753 people is within chance
    assert rows["medianinntekt"]["verdict"] == "unavailable"  # no spread in the data: cannot judge
    assert rows["nettoinnflytting_3ar_per_1000"]["now_year"] == 2022  # flows: the year before the report
    assert "Endringer siden rapporten for 2022" in narrative.changes_html(report_data.load("5033", 2023))


def test_country_clause_is_a_full_sentence():
    sentence = narrative.change_sentence(_change(0.2, 4.4, "no clear difference"))
    assert f"I landet økte folketallet med 4,4{NBSP}%; tallene er for små" in sentence
    sentence = narrative.change_sentence(_change(0.2, -1.0, "unavailable"))
    assert sentence.endswith(f"I landet gikk folketallet ned med 1,0{NBSP}%.")


def test_county_line_is_never_a_sum_over_part_of_the_county():
    wide = pd.DataFrame({"5001": [10.0, 11.0, 12.0], "5055": [np.nan, np.nan, 5.0],
                         "50": [np.nan, np.nan, 17.0]}, index=[2018, 2019, 2020])
    series = report_data._county_series(wide, "50", ["5001", "5055"])
    assert series.isna().tolist() == [True, True, False] and series[2020] == 17.0
    complete = wide.assign(**{"5055": [4.0, 4.0, 5.0]}).drop(columns="50")
    assert report_data._county_series(complete, "50", ["5001", "5055"]).tolist() == [14.0, 15.0, 17.0]
    assert report_data._county_series(wide[["5001"]], "50", ["5001", "5055"]).isna().all()  # 5055 unseen
