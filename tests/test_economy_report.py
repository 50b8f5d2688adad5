"""The report's Kommuneøkonomi section: claims within their verdicts, as-of honesty, fair words."""

from __future__ import annotations

import re

import nbformat
import pytest

from samfunn_data.reports import claims, economy, economy_text
from samfunn_data.reports import runner as reports
from tests.economy_fixtures import economy_data

SPENDS = re.compile(r"bruker (mer|mindre)|bruker for mye|for høye utgifter", re.I)


def test_hovedtrekk_finding_is_a_claim_on_the_three_year_average():
    data = economy_data(2023)
    claim = economy_text.result_claim(data)
    assert claim.section == "hovedtrekk" and claim.indicator == "netto_driftsresultat_pst_3ar"
    assert claim.year == claim.data_through == 2022  # the report for 2023 shows accounts up to 2022
    assert claim.value == pytest.approx((10.32 + 6.17 + 10.76) / 3)
    assert claim.comparator == claims.SMALL_NL_TR and claim.comparator_n == 31
    # Tydal's one-year changes 2015–2022 have SD ≈ 4.9 pp, so a three-year average has an error of
    # 4.9 / √2 / √3 ≈ 2.0 pp: 9.1 against 3.0 is beyond 1.96 × 2.0, against 6.0 it is not
    assert claim.verdict == claims.HIGHER
    assert "9,1\u00a0%" in claim.text and "2020–2022" in claim.text and "tydelig høyere" in claim.text


def test_a_gap_within_the_own_spread_is_not_called_higher():
    data = economy_data(2023, peer_median=6.0)  # 9.1 against 6.0: within 1.96 × 2.0 pp
    claim = economy_text.result_claim(data)
    assert claim.verdict == claims.NO_CLEAR_DIFFERENCE
    assert economy_text.WITHIN in claim.text
    assert "høyere" not in claim.text and "lavere" not in claim.text


def test_fewer_than_four_years_cannot_be_judged():
    data = economy_data(2018)  # accounts 2015–2017 only: two one-year changes
    claim = economy_text.result_claim(data)
    assert claim.verdict == claims.UNAVAILABLE and economy_text.TOO_SHORT in claim.text
    assert "høyere" not in claim.text and "lavere" not in claim.text


def test_section_claims_render_with_their_index_in_the_documents_log():
    data = economy_data(2023)
    log = claims.ClaimLog()
    html = economy.claims_html(data, log)
    assert len(log.claims) == len(economy_text.section_claims(data)) >= 3
    assert all(f'data-claim="{i}"' in html for i in range(len(log.claims)))
    change = next(c for c in log.claims if c.verdict in (claims.INCREASE, claims.DECREASE,
                                                          claims.NO_CLEAR_CHANGE))
    assert change.comparator is None and "2017–2019" in change.text


def test_preliminary_accounts_year_is_marked():
    extra = [{"indicator": "netto_driftsresultat_pst", "year": 2025, "value": 7.5},
             {"indicator": "netto_driftsresultat_pst_3ar", "year": 2025, "value": 11.14}]
    data = economy_data(2026, extra)
    assert "foreløpige" in economy_text.result_claim(data).text
    assert "2025 (foreløpig)" in economy.key_table_html(data)
    assert "Tallene for 2025 er foreløpige" in economy.intro_html(data)


def test_robek_is_absent_before_2026_and_never_inferred():
    for year in (2020, 2023, 2025):
        data = economy_data(year, [{"indicator": "robek", "year": 2026, "value": 1.0}])
        text = economy.robek_html(data)
        assert "sier derfor ikke noe om ROBEK" in text and "står Tydal" not in text


def test_robek_from_2026_with_date_and_what_the_hjemmel_means():
    listed = economy_data(2026, [{"indicator": "robek", "year": 2026, "value": 1.0}])
    listed.facts["hjemmel"] = "b, c og d"
    text = economy.robek_html(listed)
    assert "Per 20.04.2026 står Tydal i ROBEK" in text
    assert "c) merforbruk skal dekkes inn over flere enn to år" in text and "låneopptak" in text
    not_listed = economy_data(2026, [{"indicator": "robek", "year": 2026, "value": 0.0}])
    assert "Per 20.04.2026 står Tydal ikke i ROBEK" in economy.robek_html(not_listed)


def test_expenditure_need_only_for_the_budget_year_and_spending_never_judged():
    rows = [{"indicator": "utgiftsbehov_indeks", "year": 2026, "value": 1.4605},
            {"indicator": "netto_driftsutgifter_grunnskole_per_innb", "year": 2025, "value": 30000.0,
             "small_median": 25000.0}]
    with_need = economy.services_html(economy_data(2026, rows))
    assert "1,46 for budsjettåret 2026" in with_need and "46\u00a0% mer per innbygger" in with_need
    assert "30\u202f000\u00a0kr" in with_need
    # the same rows in a 2025 report: the 2026 index is not shown (the fact base's as-of drops it; the
    # section also only reads the report year's index)
    without = economy.services_html(economy_data(2025, rows))
    assert "1,46" not in without and "for budsjettåret 2025 finnes ikke i dataene" in without
    for html in (with_need, without, economy.income_html(economy_data(2026, rows))):
        assert not SPENDS.search(html)


def test_missing_figures_are_named():
    text = economy.missing_item_html()
    for what in ("Disposisjonsfond", "bundne fond", "premieavvik", "Eiendomsskatt og kraftinntekter",
                 "SSBs offisielle tall for frie inntekter", "KOSTRA-gruppen", "landet uten Oslo"):
        assert what in text


def test_template_has_the_economy_section_before_the_planning_chapter():
    nb = nbformat.read(reports.TEMPLATE, as_version=4)
    sources = [c.source for c in nb.cells]
    start = sources.index("## Kommuneøkonomi")
    assert sources[start + 1].count("report_economy.") >= 2
    assert sources.index("## Hva betyr dette for planstrategien?") > start
