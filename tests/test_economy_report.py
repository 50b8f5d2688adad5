"""The report's Kommuneøkonomi section: claims within their verdicts, as-of honesty, fair words."""

from __future__ import annotations

import re

import nbformat
import pytest

from samfunn_data.facts import claims
from samfunn_data.reports import economy, economy_text, narrative
from samfunn_data.reports import runner as reports
from tests.economy_fixtures import economy_data

SPENDS = re.compile(r"bruker (mer|mindre)|bruker for mye|for høye utgifter", re.I)


def test_hovedtrekk_finding_is_a_claim_on_the_three_year_average():
    data = economy_data(2023)
    claim = economy_text.result_claim(data)
    assert claim.section == "hovedtrekk" and claim.indicator == "netto_driftsresultat_pst_3ar"
    assert claim.year == claim.data_through == 2022  # the report for 2023 shows accounts up to 2022
    assert claim.value == 9.1  # (10.32 + 6.17 + 10.76) / 3 = 9.083…, in the unit and rounding shown: 9,1 %
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
    assert len(log.claims) == len(economy_text.section_claims(data)) >= 2
    assert all(f'data-claim="{i}"' in html for i in range(len(log.claims)))
    change = next(c for c in log.claims if c.verdict in (claims.INCREASE, claims.DECREASE,
                                                          claims.NO_CLEAR_CHANGE))
    assert change.comparator is None and "2017–2019" in change.text


def test_preliminary_accounts_year_is_marked():
    extra = [{"indicator": "netto_driftsresultat_pst", "year": 2025, "value": 7.5, "flag": "foreløpig"},
             {"indicator": "netto_driftsresultat_pst_3ar", "year": 2025, "value": 11.14, "flag": "foreløpig"}]
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
    listed.facts["flag"] = "b, c og d"
    text = economy.robek_html(listed)
    assert "Per 20.04.2026 står Tydal i ROBEK" in text
    assert "c) Merforbruk skal dekkes inn over flere enn to år" in text and "låneopptak" in text
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


# -- real figures: the fact base built from the embedded snapshot ------------------------------------------


@pytest.fixture
def real(monkeypatch):
    from tests.report_fixtures import SNAPSHOT, built_data_dir

    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))
    from samfunn_data.reports import data as report_data

    return report_data.load


def _ndr_median_small_nl_tr(year: int) -> tuple[float, int]:
    """Netto driftsresultat in % straight from the snapshot's 12137 (AGD23 / AGD13), median over the
    Nordland/Trøndelag municipalities under 2,500 on 1 January of the accounts year (07459)."""
    import pandas as pd

    from tests.report_fixtures import SNAPSHOT

    k = pd.read_parquet(SNAPSHOT / "12137.parquet")
    k = k[(k["ContentsCode"] == "KOSbelop0000") & (k["Tid"] == str(year))]  # 1000 kr (SSB's ids)
    wide = k.pivot_table(index="KOKkommuneregion0000", columns="KOKartkap0000", values="value")
    pct = (wide["AGD23"] / wide["AGD13"] * 100).dropna()
    pop = pd.read_parquet(SNAPSHOT / "07459.parquet", columns=["Region", "Tid", "value"])
    pop = pop[pop["Tid"] == str(year)].groupby("Region", observed=True)["value"].sum()
    small = [c for c in pct.index if pop.get(c, 1e9) < 2500]
    return float(pct[small].median()), len(small)


@pytest.mark.slow
def test_tydal_2023_report_has_the_2022_accounts_beside_peers_and_expenditure_need():
    from samfunn_data.formatting import fmt_int, fmt_pct
    from tests.report_fixtures import REPORT_KOMMUNE, REPORT_YEAR, rendered_report

    assert (REPORT_KOMMUNE, REPORT_YEAR) == ("5033", 2023)
    page = (rendered_report() / "2023" / "5033-tydal.html").read_text(encoding="utf-8")
    section = re.split(r"<h2[^>]*>Kommuneøkonomi", page, maxsplit=1)[1].split("<h2", 1)[0]
    # Tydal's real 2022 netto driftsresultat, 10.76 % of brutto driftsinntekter (KOSTRA 12137)
    assert "<td>2022</td>" in section and fmt_pct(10.76) in section
    median, n = _ndr_median_small_nl_tr(2022)
    assert f"{fmt_pct(median)} (n = {fmt_int(n)})" in section
    # three-year average 2020–2022 (10.32, 6.17, 10.76) in Hovedtrekk, as a claim against the peers
    hovedtrekk = re.split(r"<h2[^>]*>Hovedtrekk", page, maxsplit=1)[1].split("</ul>", 1)[0]
    assert "i årene 2020–2022" in hovedtrekk and fmt_pct((10.32 + 6.17 + 10.76) / 3) in hovedtrekk
    # expenditure need: the 2023 index is not in the data; the 2022 utgiftsutjevning is (KDD: 27 220 kr)
    assert "for budsjettåret 2023 finnes ikke i dataene" in section
    assert "27\u202f220\u00a0kr per innbygger i 2022" in section
    assert "Barnehage, per innbygger 1–5 år" in section
    assert "2023 (foreløpig)" not in section and "<td>2023</td>" not in section  # no 2023 accounts
    assert "ROBEK" in section and "står Tydal" not in section
    assert not SPENDS.search(section)
    assert "Disposisjonsfond" in page.split("Tall denne rapporten mangler", 1)[1]


@pytest.mark.slow
def test_as_of_accounts_need_index_and_robek_follow_the_report_year(real):
    for year in (2020, 2023, 2026):
        data = real("5033", year)
        assert economy.accounts_year(data) == year - 1
        assert int(data.series("netto_driftsresultat_pst")["year"].max()) == year - 1
    assert "2025 (foreløpig)" in economy.key_table_html(real("5033", 2026))
    # KDD's index for budget year B only in the report for B (Tydal: 1.4656 for 2025, 1.4605 for 2026)
    assert "finnes ikke i dataene" in economy.need_html(real("5033", 2024))
    assert "1,47 for budsjettåret 2025" in economy.need_html(real("5033", 2025))
    assert "1,46 for budsjettåret 2026" in economy.need_html(real("5033", 2026))
    # ROBEK: Moskenes and Røyrvik are on KDD's list of 20.04.2026; nothing is said before 2026
    assert "står Moskenes" not in economy.robek_html(real("1874", 2025))
    assert "Per 20.04.2026 står Moskenes i ROBEK" in economy.robek_html(real("1874", 2026))
    royrvik = economy.robek_html(real("5043", 2026))
    assert "står Røyrvik i ROBEK" in royrvik and "b) driftsdelen i økonomiplanen" in royrvik.lower()
    assert "Per 20.04.2026 står Tydal ikke i ROBEK" in economy.robek_html(real("5033", 2026))


@pytest.mark.slow
def test_screening_shows_the_latest_accounts_before_the_application_year(tmp_path, real):
    from samfunn_data.screening import screen_file

    csv = tmp_path / "soknader.csv"
    csv.write_text("kommune;samfunnsdel_vedtatt;framdriftsplan;har_statistikk;personellressurs;"
                   "kontaktperson\nTydal;2015;Planstrategi 2020;ja;0,5;A\nMoskenes;2016;2020;ja;0,5;B\n",
                   encoding="utf-8")
    early = {a.kommune.code: a.economy for a in screen_file(csv, 2023).assessments}
    assert early["5033"].accounts_year == 2022 and early["5033"].result_pst == pytest.approx(10.76, abs=0.01)
    assert early["1874"].robek is None and "ikke kjent for 2023" in early["1874"].text(2023)
    late = screen_file(csv, 2026, tmp_path / "out")
    economy_of = {a.kommune.code: a.economy for a in late.assessments}
    assert economy_of["5033"].accounts_year == 2025 and "foreløpige tall" in economy_of["5033"].text(2026)
    assert economy_of["1874"].robek is True
    page = (tmp_path / "out" / "screening.html").read_text(encoding="utf-8")
    assert "Står i ROBEK per 20.04.2026" in page and "Regnskap 2025 (foreløpige tall)" in page


@pytest.mark.slow
def test_network_overview_shows_the_participants_economy_against_their_peers(real):
    from samfunn_data import network
    from samfunn_data.network import charts as network_charts
    from samfunn_data.network import text as network_text

    panel = network.panel(years=(2010, 2026))
    text = network_text.economy_text(panel, network.SMALL_NL_TR, 2026)
    for name in ("Grane", "Dønna", "Moskenes", "Holtålen", "Tydal", "Røyrvik"):
        assert f'">{name}: ' in text  # each participant's line, a claim in a list
    # Tydal 2023–2025: (13.56 + 12.37 + 7.50) / 3 = 11.1 %, its real KOSTRA results
    assert '">Tydal: 11,1\u00a0% i snitt 2023–2025' in text and "tallene for 2025 er foreløpige" in text
    # each participant's status in KDD's list of 20.04.2026 is a claim of its own
    for name in ("Moskenes", "Røyrvik"):
        assert f'">{name} står i ROBEK per 20.04.2026.</li>' in text
    assert '">Tydal står ikke i ROBEK per 20.04.2026.</li>' in text
    during = network_text.economy_text(panel, network.SMALL_NL_TR, 2023)
    assert "står i ROBEK" not in during and "2021–2023" in during
    assert network_charts.economy_figure(panel) is not None
    table = network_text.latest_table(panel, network_text.ECONOMY_TABLE, 2026, network.SMALL_NL_TR).data
    need = table[table["Indikator"] == "Indeks for beregnet utgiftsbehov"].iloc[0]
    assert need["År"] == "2026" and need["Tydal"] == "1,46"
    sources = network_text.sources_text(panel)
    assert "SSB kdd-" not in sources and "KDD (ROBEK-registeret)" in sources


@pytest.mark.slow
def test_economy_claims_never_say_more_than_their_verdict(real):
    words = {claims.HIGHER: ("tydelig høyere", "tydelig over"),
             claims.LOWER: ("tydelig lavere", "tydelig under"),
             claims.INCREASE: ("tydelig økning",), claims.DECREASE: ("tydelig nedgang",)}
    seen = set()
    for code in ("1825", "1827", "1835", "1874", "5026", "5033", "5043"):
        for year in (2018, 2023, 2026):
            data = real(code, year)
            for claim in [economy_text.result_claim(data), *economy_text.section_claims(data)]:
                if claim is None:
                    continue
                seen.add(claim.verdict)
                assert claim.data_through <= year - 1 and claim.year <= year - 1
                for verdict, said in words.items():
                    assert any(w in claim.text for w in said) == (claim.verdict == verdict), claim
                assert ("tydelig" in claim.text) == (claim.verdict in words), claim
    assert {claims.HIGHER, claims.LOWER, claims.NO_CLEAR_DIFFERENCE} <= seen


def test_the_utgiftsutjevning_sentence_is_a_claim_and_compares_nothing(real):
    """Read in the rendered 2023 reports: "…27 220 kr per innbygger i 2022, et tillegg: det beregnede
    utgiftsbehovet er høyere enn landsgjennomsnittet" stood outside every claim. Tydal 2023 (27 220 kr)."""
    data = real("5033", 2023)
    made = economy_text.equalisation_claim(data)
    assert made.text == ("Utgiftsutjevningen i rammetilskuddet var 27\u202f220\u00a0kr per innbygger i 2022, "
                         "altså et tillegg.")
    assert (made.indicator, made.year, made.value) == ("utgiftsutjevning_per_innb", 2022, 27220.0)
    assert made.comparator is None and made.verdict == "unavailable"  # a level and its sign: no test
    page = economy.need_html(data)
    assert f'data-claim="{len(data.claims.claims) - 1}">{made.text}' in page
    assert "høyere enn landsgjennomsnittet" not in page and "lavere enn landsgjennomsnittet" not in page
    assert made in narrative.report_claims(real("5033", 2023))


@pytest.mark.parametrize(("code", "shown", "words", "verdict"), [
    ("5033", "1,47", "47\u00a0% mer per innbygger", "higher"),  # Tydal: KDD's 1.4656 for 2025
    ("5001", "0,91", "9\u00a0% mindre per innbygger", "lower"),  # Trondheim: 0.9071
])
def test_the_expenditure_need_sentence_is_a_claim_whose_words_follow_the_shown_index(real, code, shown, words,
                                                                                      verdict):
    """The index sentence said «mer»/«mindre» outside every claim; now the words come from the index as
    shown (two decimals) against the national 1,00, for both signs."""
    data = real(code, 2025)
    made = economy_text.need_claim(data)
    assert f"er {shown} for budsjettåret 2025" in made.text and words in made.text
    assert (made.indicator, made.year, made.comparator, made.comparator_value) == (
        "utgiftsbehov_indeks", 2025, "land", 1.0)
    assert made.verdict == verdict and made.value == float(shown.replace(",", "."))
    page = economy.need_html(data)
    assert f'data-claim="{data.claims.claims.index(made)}">{made.text}' in page
    assert made in narrative.report_claims(real(code, 2025))
    assert economy_text.need_claim(real(code, 2024)) is None  # budget year 2025 is not known in 2024
