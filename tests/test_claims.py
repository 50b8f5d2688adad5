"""Claims as data (issue 13): the record, the rendered page against its claims.json, and the defects the
issue lists, as regressions with real municipalities."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from samfunn_data.facts import claims as C
from samfunn_data.facts import factbase
from samfunn_data.formatting import fmt_pct
from samfunn_data.reports import data as report_data
from samfunn_data.reports import narrative, planning, tables
from samfunn_data.reports import runner as reports
from tests.report_fixtures import (
    REPORT_KOMMUNE,
    REPORT_YEAR,
    SNAPSHOT,
    built_data_dir,
    environment,
    rendered_report,
)

NBSP = "\u00a0"
FIELDS = ["section", "text", "indicator", "kommunenr", "year", "value", "comparator", "comparator_value",
          "comparator_n", "verdict", "data_through"]


def _claim(**over) -> C.Claim:
    base = dict(section="hovedtrekk", text="Tydal hadde 753 innbyggere 1. januar 2023.",
                indicator="folkemengde",
                kommunenr="5033", year=2023, value=753.0, comparator=None, comparator_value=None,
                comparator_n=None, verdict=C.UNAVAILABLE, data_through=2023)
    return C.Claim(**{**base, **over})


def test_claim_log_renders_the_text_exactly_with_its_index_and_writes_the_issue_shape(tmp_path):
    log = C.ClaimLog()
    first = log.html(_claim())
    second = log.html(_claim(text="Mange eldre. Andelen <80+> er høy.", verdict=C.HIGHER,
                             comparator=C.COUNTRY, comparator_value=4.5),
                      "span", bold="Mange eldre.", attrs='class="x"')
    assert first == '<li data-claim="0">Tydal hadde 753 innbyggere 1. januar 2023.</li>'
    assert second == ('<span class="x" data-claim="1"><strong>Mange eldre.</strong> Andelen &lt;80+&gt; er '
                      "høy.</span>")
    with pytest.raises(ValueError, match="lead-in"):
        log.html(_claim(), bold="Nedgang.")
    written = json.loads(log.write(tmp_path / "x.claims.json").read_text(encoding="utf-8"))
    assert [list(c) for c in written] == [FIELDS, FIELDS]
    assert written[1]["text"] == "Mange eldre. Andelen <80+> er høy." and written[1]["comparator"] == "land"


@pytest.mark.parametrize("bad, message", [(dict(verdict="sikkert"), "unknown verdict"),
                                          (dict(comparator="Norge"), "unknown comparator"),
                                          (dict(comparator=C.SMALL_NL_TR, comparator_value=511000.0),
                                           "needs its n")])
def test_claims_refuse_unknown_verdicts_comparators_and_groups_without_n(bad, message):
    with pytest.raises(ValueError, match=message):
        _claim(**bad)


# -- the rendered page and its claims.json --------------------------------------------------------------


class _Scan(HTMLParser):
    """Texts inside generated sections (data-claims-section) and whether each sits in a data-claim element;
    the text of each data-claim element."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[bool, bool, int | None]] = []  # (in section, in claim, claim index opened)
        self.loose: list[str] = []
        self.claimed: dict[int, str] = {}
        self.sections: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        section, claim = self.stack[-1][:2] if self.stack else (False, False)
        if "data-claims-section" in attrs:
            section = True
            self.sections.add(attrs["data-claims-section"])
        index = int(attrs["data-claim"]) if "data-claim" in attrs else None
        if index is not None:
            claim = True
            self.claimed[index] = ""
        if tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.append((section, claim, index))

    def handle_endtag(self, tag):
        if self.stack and tag not in ("br", "img", "meta", "link", "input", "hr"):
            self.stack.pop()

    def handle_data(self, data):
        if not self.stack:
            return
        section, claim, _ = self.stack[-1]
        for _, _, index in self.stack:
            if index is not None:
                self.claimed[index] += data
        if section and not claim and data.strip():
            self.loose.append(data.strip())


def _check_page(page_path):
    page = page_path.read_text(encoding="utf-8")
    claims_path = page_path.with_name(page_path.name.replace(".html", ".claims.json"))
    claims = json.loads(claims_path.read_text(encoding="utf-8"))
    scan = _Scan()
    scan.feed(page)
    assert scan.sections >= {"hovedtrekk", "sentralitet", "planstrategi"}
    assert scan.loose == []  # no sentence in a generated section without a claim
    assert sorted(scan.claimed) == list(range(len(claims)))  # every claim shown once, in order
    for index, text in scan.claimed.items():
        assert text == claims[index]["text"], index
    return page, claims


@pytest.mark.slow
def test_every_sentence_of_a_rendered_report_is_a_claim_in_its_claims_json():
    page, claims = _check_page(rendered_report() / str(REPORT_YEAR) / f"{REPORT_KOMMUNE}-tydal.html")
    sections = {"hovedtrekk", "endringer", "pendling", "sentralitet", "okonomi", "planstrategi"}
    assert {c["section"] for c in claims} == sections
    assert all(c["kommunenr"] == REPORT_KOMMUNE and c["data_through"] <= REPORT_YEAR for c in claims)
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT):
        expected = narrative.report_claims(report_data.load(REPORT_KOMMUNE, REPORT_YEAR))
    assert claims == [c.to_json() for c in expected]  # the page's claims are the library's, computed apart


@pytest.mark.slow
def test_an_early_report_renders_without_later_projections(tmp_path):
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT,
                     SAMFUNN_REPORTS_DIR=tmp_path):
        results = reports.render_reports("Namsskogan", 2020, jobs=1, progress=False)
        assert [r.status for r in results] == ["ok"], results[0].error
        manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
        assert manifest["reports"]["2020/5044"]["claims"] == "2020/5044-namsskogan.claims.json"
        assert reports.render_reports("Namsskogan", 2020, jobs=1, progress=False)[0].status == "skipped"
    page, claims = _check_page(tmp_path / "2020" / "5044-namsskogan.html")
    assert "Den nyeste befolkningsframskrivingen i 2020 var SSBs framskriving fra 2020" in page
    assert "fra 1.1.2020" not in page
    assert "SSBs hovedalternativ (framskrivingene fra 2024)" not in page
    assert all(c["value"] is None for c in claims if c["indicator"].startswith("framskrevet"))


# -- the issue's defects, with real municipalities --------------------------------------------------------


@pytest.fixture
def real(monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))


def test_namsskogan_2020_uses_only_the_spread_known_in_2020(real):
    stored = factbase.comparisons("5044").set_index(["indicator", "year"])
    assert stored.loc[("endring_5ar_pst", 2020), "vs_country"] == "lower"  # all years up to 2026
    data = report_data.load("5044", 2020)
    assert data.row("endring_5ar_pst")["vs_country"] == "no clear difference"  # years up to 2020
    change = next(c for c in narrative.report_claims(data) if c.indicator == "endring_5ar_pst")
    assert change.verdict == "no clear difference" and "lavere" not in change.text


def test_tydal_2023_decline_is_not_called_larger_than_a_growing_country(real):
    data = report_data.load("5033", 2023)
    row = data.row("endring_10ar_pst")
    assert row["value"] < 0 < row["country_value"]
    bullet = planning.decline(data)
    text = " ".join(c.text for c in bullet.claims)
    assert "større nedgang" not in text and "lavere folketall" not in text
    assert f"gikk ned med {fmt_pct(-row['value'])} på ti år (2013–2023)" in text
    assert f"I landet økte folketallet med {fmt_pct(row['country_value'])} i samme tiår." in text
    assert [c.verdict for c in bullet.claims] == ["decrease", "lower"]


def test_tydal_2023_ageing_bullet_claims_no_growing_need_without_a_growing_count(real):
    data = report_data.load("5033", 2023)
    assert data.value("antall_80_pluss", 2022) == 78 and data.value("antall_80_pluss", 2023) == 73
    bullet = planning.ageing(data)
    assert bullet is not None and bullet.claims[0].verdict == "higher"
    text = " ".join(c.text for c in bullet.claims)
    assert "økende behov" not in text and "Flere eldre" not in text
    assert bullet.claims[1].indicator == "antall_80_pluss" and bullet.claims[1].verdict == "no clear change"


def test_tydal_2023_children_bullet_names_school_not_kindergarten(real):
    data = report_data.load("5033", 2023)
    assert data.row("andel_0_5")["vs_country"] != "lower" and data.row("andel_6_15")["vs_country"] == "lower"
    text = " ".join(c.text for c in planning.children(data).claims)
    assert "skole" in text and "barnehage" not in text and "0–5" not in text


def test_no_migration_bullet_rests_on_an_uncertain_net_figure(real):
    for code, year in (("5033", 2023), ("5033", 2022), ("1874", 2023), ("5026", 2023)):
        data = report_data.load(code, year)
        for bullet in planning.flows(data):
            main = bullet.claims[0]
            assert main.verdict in ("higher", "lower") and data.row(main.indicator)["robustness"] != "too few"
        assert all("årsakene bør undersøkes" not in t for t in narrative.utfordringer(data))


def test_language_items_of_the_issue(real):
    data = report_data.load("5033", 2023)
    texts = " ".join(c.text for c in narrative.report_claims(data))
    assert "fem år tidligere" in texts and "fem år før" not in texts
    assert "; flyttet det" not in texts and " gir " not in texts
    later = report_data.load("1874", 2026)
    assert "anslår" in " ".join(narrative.hovedtrekk(later))


def test_tables_never_grade_too_few_and_claim_a_difference(real):
    for code, year in (("5033", 2023), ("1835", 2023), ("5043", 2020), ("1874", 2021)):
        data = report_data.load(code, year)
        ids = tables.AGE_IDS + tables.RATIO_IDS + tables.FLOW_IDS + tables.LIVING_IDS
        page = tables.indicator_table(data, ids, "x")
        assert not re.search(r"for få; (høyere|lavere|ingen klar)", page)
        assert "for få; sammenlignes ikke" in page or "for få" not in page


def test_table_time_column_and_small_group_n(real):
    data = report_data.load("1874", 2026)
    ids = tables.PROJECTION_IDS + tables.CENTRALITY_IDS + ["medianinntekt"]
    page = tables.indicator_table(data, ids, "x")
    assert "fra 2026" not in page and "gyldighetsperioden" not in page
    assert "<td>2040</td>" in page and "<td>1.1.2026–2040</td>" in page
    small = data.row("medianinntekt")
    assert f"{int(small['small_n'])} i Nordland og Trøndelag" in page
    assert f"{int(data.row('andel_80_pluss')['small_n'])} i Norge" in tables.indicator_table(
        data, ["andel_80_pluss"], "x")


def test_royrvik_2023_builds_no_bullet_on_an_uncertain_natural_increase(real):
    data = report_data.load("5043", 2023)
    row = data.row("fodselsoverskudd_3ar")
    assert row["value"] == -12 and row["robustness"] == "indicative"
    births = next(c for c in narrative.report_claims(data) if c.indicator == "fodselsoverskudd_3ar")
    assert births.verdict == "lower" and "usikkert" in births.text  # shown, and said to be uncertain
    assert planning.flows(data) == []
