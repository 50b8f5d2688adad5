"""Commuting (SSB 03321, 4th quarter 2017): the imported flows, the indicators, the report part.

The real figures below were read by eye from the shared long form of SSB's raw export,
ssb-data-candidates/ssb-03321-2017/ssb03321_2017_flows_2017koder_nonzero.csv (line numbers given; columns
arbeidssted, bosted, persons on 2017 codes). The tests read only the committed snapshot.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

from samfunn_data.facts import commuting as facts_commuting
from samfunn_data.facts import factbase
from samfunn_data.importers.commuting_03321 import check_against_07984
from samfunn_data.importers.core import ImportCheckError
from samfunn_data.recoding import RecodingError, recode, recoding
from tests.report_fixtures import SNAPSHOT, built_data_dir, rendered_report

IDS = ["sysselsatte_bosatt", "arbeidsplasser", "andel_jobber_i_egen_kommune", "utpendling", "innpendling",
       "netto_innpendling"]
NO_FIGURES = {"1806", "1875", "5055", "5056", "5059", "1508", "1580"}  # received part of a split municipality


def snapshot(table: str) -> pd.DataFrame:
    return pd.read_parquet(SNAPSHOT / f"{table}.parquet")


def recoded(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` recoded with the snapshot's code changes and 2024 regions."""
    return recode(frame, ("ArbstedKomm", "Bokommuen"), snapshot("klass-131-changes"),
                  snapshot("regions-2024")["code"])


@pytest.fixture(scope="module")
def raw() -> pd.DataFrame:
    """03321 as the snapshot holds it: SSB's 2017 codes."""
    return snapshot("03321").astype({"ArbstedKomm": str, "Bokommuen": str})


@pytest.fixture(scope="module")
def flows(raw) -> pd.DataFrame:
    """03321 recoded to 2024 municipalities, as the build does."""
    return facts_commuting.on_current_borders(raw, snapshot("klass-131-changes"), snapshot("regions-2024"))


@pytest.fixture
def env(monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    from samfunn_data.config import get_settings

    settings = get_settings(data_dir=built_data_dir(), snapshot_dir=SNAPSHOT)
    all_facts = factbase.load(settings=settings)
    return all_facts[all_facts["indicator"].isin(IDS)]


def flow(flows: pd.DataFrame, work: str, home: str) -> float:
    rows = flows[(flows["ArbstedKomm"] == work) & (flows["Bokommuen"] == home)]
    assert len(rows) == 1, (work, home, len(rows))
    return float(rows["value"].iloc[0])


# ---------------------------------------------------------------- the imported flows, against the export

def test_the_snapshot_keeps_ssbs_2017_codes(raw):
    assert flow(raw, "1665", "1665") == 313  # line 24415: 1665 Tydal -> 1665 Tydal
    assert flow(raw, "1601", "1665") == 52 and flow(raw, "1662", "1665") == 1  # Trondheim, Klæbu
    assert not {"5033", "5001", "1850-2017"} & set(raw["ArbstedKomm"])
    assert raw["value"].sum() == 2_609_737


def test_real_flows_read_from_the_export(flows):
    assert flow(flows, "5033", "5033") == 313  # line 24415: 1665 Tydal -> 1665 Tydal
    assert flow(flows, "5032", "5033") == 39  # line 24403: work 1664 Selbu, live 1665 Tydal
    assert flow(flows, "5033", "5032") == 27  # line 24414: work 1665 Tydal, live 1664 Selbu
    assert flow(flows, "5026", "5026") == 480  # line 24030: Holtålen
    assert flow(flows, "1835", "1835") == 218  # line 26708: Træna
    assert flow(flows, "1874", "1874") == 410  # line 27635: Moskenes


def test_merged_municipalities_are_exact_sums(flows):
    # Trondheim 2024 = 1601 Trondheim + 1662 Klæbu: Tydal residents working there, lines 23170 (52) and
    # 24240 (1)
    assert flow(flows, "5001", "5033") == 52 + 1


def test_split_municipalities_keep_their_2017_codes_and_are_never_apportioned(flows):
    # line 25942: work 1805 Narvik, live 1850 Tysfjord; line 27020: work 1849 Hamarøy, live 1850 Tysfjord
    assert flow(flows, "1805-2017", "1850-2017") == 24
    assert flow(flows, "1849-2017", "1850-2017") == 45
    codes = set(flows["ArbstedKomm"]) | set(flows["Bokommuen"])
    assert not codes & NO_FIGURES
    assert flows["value"].sum() == 2_609_737  # the export's total (PROVENANCE.md), nothing lost or added
    assert (flows["value"] > 0).all()


# ---------------------------------------------------------------- the fact base against the flows

def test_indicators_agree_with_the_flows_for_every_exact_municipality(flows, facts):
    residents = flows.groupby("Bokommuen")["value"].sum()
    workers = flows.groupby("ArbstedKomm")["value"].sum()
    own = flows[flows["ArbstedKomm"] == flows["Bokommuen"]].set_index("Bokommuen")["value"]
    wide = facts[facts["year"] == 2017].pivot(index="kommunenr", columns="indicator", values="value")
    exact = [c for c in residents.index if c.isdigit()]
    assert sorted(wide.index) == sorted(exact)
    assert len(exact) == 357 - len(NO_FIGURES)
    pd.testing.assert_series_equal(wide["sysselsatte_bosatt"], residents[exact].rename_axis("kommunenr"),
                                   check_names=False)
    pd.testing.assert_series_equal(wide["arbeidsplasser"], workers[exact].rename_axis("kommunenr"),
                                   check_names=False)
    mine = own.reindex(exact).fillna(0).to_numpy()
    assert (wide["utpendling"].to_numpy() == residents[exact].to_numpy() - mine).all()
    assert (wide["innpendling"].to_numpy() == workers[exact].to_numpy() - mine).all()
    assert (wide["netto_innpendling"] == wide["innpendling"] - wide["utpendling"]).all()
    assert wide.loc["5033", "andel_jobber_i_egen_kommune"] == pytest.approx(100 * 313 / (313 + 132))


def test_successors_of_split_municipalities_have_no_figures(facts, flows):
    assert not set(facts["kommunenr"]) & NO_FIGURES
    for code in NO_FIGURES:
        assert facts_commuting.top_partners(flows, code, "arbeidssted").empty


def test_small_counts_are_graded_by_the_rule(facts):
    tydal = facts[facts["kommunenr"] == "5033"].set_index("indicator")
    assert tydal.loc["innpendling", "value"] == 42 and tydal.loc["innpendling", "robustness"] == "solid"
    # a single-year net figure is never better than indicative
    assert tydal.loc["netto_innpendling", "robustness"] == "indicative"


def test_figures_are_hidden_in_reports_for_years_before_publication(env):
    assert factbase.as_of("5033", 2017).query("indicator in @IDS").empty
    assert len(factbase.as_of("5033", 2018).query("indicator in @IDS")) == len(IDS)


def test_top_partners_list_tydal_itself_first_then_the_largest(flows):
    top = facts_commuting.top_partners(flows, "5033", "arbeidssted", 3)
    assert list(top["kode"]) == ["5033", "5001", "5032", "5035"]
    assert list(top["personer"]) == [313, 53, 39, 9]
    assert list(top["robusthet"]) == ["solid", "solid", "solid", "too few"]
    with pytest.raises(ValueError, match="arbeidssted"):
        facts_commuting.top_partners(flows, "5033", "work")


# ---------------------------------------------------------------- importer checks on bad input

def test_recoding_sums_mergers_and_refuses_to_apportion_splits():
    changes = snapshot("klass-131-changes")
    current = {"5001", "1806", "1875", "5033"}
    how = recoding({"1601", "1662", "1850", "1805", "1665"}, 2017, changes, current)
    assert how.mapping == {"1601": "5001", "1662": "5001", "1665": "5033", "1805": "1805-2017",
                           "1850": "1850-2017"}
    assert how.split == ("1850",) and how.without == ("1806", "1875")
    with pytest.raises(RecodingError, match="ikke var i bruk i 2017: 9999"):
        recoding({"1601", "9999"}, 2017, changes, current)
    # 1601 Trondheim was retired on 1 January 2018: a 2018 figure cannot have that code
    with pytest.raises(RecodingError, match="ikke var i bruk i 2018: 1601"):
        recoding({"1601", "5001"}, 2018, changes, current)
    # 5012 Snillfjord (2018-2019) went to Heim, Hitra and Orkland in 2020: split, named by its year
    assert recoding({"5012"}, 2019, changes, {"5055", "5056", "5059"}).mapping == {"5012": "5012-2019"}


def test_a_year_on_current_codes_is_recoded_by_identity(flows):
    current = snapshot("regions-2024")
    exact = flows[flows["ArbstedKomm"].str.isdigit() & flows["Bokommuen"].str.isdigit()]
    # the recoded 2017 flows of exact municipalities, labelled as a year whose codes are all current
    year = exact.assign(Tid="2024").reset_index(drop=True)
    codes = set(year["ArbstedKomm"]) | set(year["Bokommuen"])
    assert recoding(codes, 2024, snapshot("klass-131-changes"), current["code"]).identity
    again = recode(year, ("ArbstedKomm", "Bokommuen"), snapshot("klass-131-changes"),
                   current.loc[current["level"] == "kommune", "code"])
    key = ["ArbstedKomm", "Bokommuen"]
    pd.testing.assert_frame_equal(again.sort_values(key).reset_index(drop=True),
                                  year.sort_values(key).reset_index(drop=True))


def test_recoding_keeps_every_total_exact(raw, flows):
    how = recoding(set(raw["ArbstedKomm"]), 2017, snapshot("klass-131-changes"),
                   snapshot("regions-2024")["code"])
    for side in ("ArbstedKomm", "Bokommuen"):
        before = raw.groupby(raw[side].map(how.mapping))["value"].sum().sort_index()
        after = flows.groupby(side)["value"].sum().sort_index()
        pd.testing.assert_series_equal(before, after, check_names=False)
    assert flows["value"].sum() == raw["value"].sum() == 2_609_737
    # the residents of 1665 Tydal in 2017 are Tydal's (5033) on 2024 borders: 445 of them
    assert raw.loc[raw["Bokommuen"] == "1665", "value"].sum() == flows.loc[flows["Bokommuen"] == "5033",
                                                                           "value"].sum() == 445
    labels = flows.attrs["category_labels"]["Bokommuen"]
    assert labels["1850-2017"] == "Divtasvuodna - Tysfjord (kommune i 2017)"
    # a code no year can have, with figures, is refused; with zeros only (StatBank lists them) dropped
    bad = pd.concat([raw, raw.head(1).assign(Bokommuen="9999")], ignore_index=True)
    with pytest.raises(RecodingError, match="9999"):
        recoded(bad)
    zero = pd.concat([raw, raw.head(1).assign(Bokommuen="1842", value=0.0)], ignore_index=True)
    kept = recoded(zero)
    assert kept["value"].sum() == 2_609_737 and "1842" not in set(kept["Bokommuen"])


def test_a_wrong_mapping_fails_the_07984_check():
    employed = pd.DataFrame({"Region": [f"18{i:02d}" for i in range(70)], "Tid": "2019", "NACE2007": "00-99",
                             "value": 1000.0})
    flows = pd.DataFrame({"Bokommuen": employed["Region"], "value": 1000.0})
    assert "median ratio 1.000" in check_against_07984(flows, employed)
    flows.loc[0, "value"] = 2000.0  # one municipality's residents counted twice
    with pytest.raises(ImportCheckError, match="differ from 07984"):
        check_against_07984(flows, employed)


# ---------------------------------------------------------------- the report

def test_report_part_for_tydal(env):
    from samfunn_data.reports import commuting as report_commuting
    from samfunn_data.reports import data as report_data

    page = report_commuting.summary_html(report_data.load("5033", 2023))
    sentences = re.sub(r"<[^>]+>", "", page)  # each sentence is its own claim element
    lead = "I 4. kvartal 2017 bodde 445 sysselsatte i Tydal. 313 av dem (70,3\xa0%) jobbet i kommunen"
    assert lead in sentences
    assert '<p data-claims-section="pendling"><span data-claim="0">I 4. kvartal 2017' in page
    assert "Trondheim</th><td class=\"num\">53</td>" in page
    chart = report_commuting.flow_map(report_data.load("5033", 2023))
    assert "4. kvartal 2017" in chart.title and "ut til Trondheim: 53" in chart.alt
    early = report_data.load("5033", 2016)
    assert "publisert av SSB i 2018" in report_commuting.summary_html(early)
    assert "313" not in report_commuting.summary_html(early) and report_commuting.flow_map(early) is None
    hamaroy = report_data.load("1875", 2023)
    assert "ingen pendlingstall" in report_commuting.summary_html(hamaroy)
    assert report_commuting.flow_map(hamaroy) is None


@pytest.mark.slow
def test_rendered_report_shows_where_tydals_employed_residents_worked():
    page = (rendered_report() / "2023" / "5033-tydal.html").read_text(encoding="utf-8")
    assert "Hvor sysselsatte bosatt i Tydal jobbet, 4. kvartal 2017" in page
    assert "Kart over Tydal med linjer til Trondheim" in page and "ut til Trondheim: 53" in page  # map alt
    assert "statistikkbanken tabell 03321 (4. kvartal 2017)" in page  # the map's source line


def test_the_report_names_the_latest_year_it_may_use(env):
    """With a later year in the fact base (here Tydal's 2017 rows copied as 2019, only to have a second
    year: SSB's 2019 figures are not in the snapshot), a report uses the latest year published before
    the report year (4th quarter Y is published in Y+1) and names it."""
    from samfunn_data.reports import commuting as report_commuting
    from samfunn_data.reports import data as report_data
    from samfunn_data.reports import tables

    muni = report_data.municipality("5033")
    facts = pd.concat([factbase.load(code) for code in ("5033", "50", "0")], ignore_index=True)
    comparisons = factbase.comparisons("5033")

    def with_2019(frame):
        later = frame[frame["indicator"].isin(IDS) & (frame["year"] == 2017)].assign(year=2019)
        return pd.concat([frame, later], ignore_index=True)

    for report_year, shown in ((2019, 2017), (2020, 2019), (2023, 2019)):
        data = report_data.assemble(muni, report_year, with_2019(facts), with_2019(comparisons))
        assert report_commuting.year_of(data) == shown
        assert report_commuting.lead_text(data).startswith(f"I 4. kvartal {shown} bodde 445 sysselsatte")
        assert report_commuting.caption(data) == f"Pendling, 4. kvartal {shown}"
        assert any(f"andre år enn 4. kvartal {shown}," in item for item in tables.missing_items(data))
