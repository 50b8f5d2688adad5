"""The screening page's generated sentences with figures are claims: screening.claims.json beside the page,
each sentence's element marked with `data-claim`, the text exactly as shown (issue 13, item 1)."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from samfunn_data import screening
from samfunn_data.screening import applications
from tests.test_claims import _Scan
from tests.test_screening import (  # isolated_dirs: autouse, fact base in a temporary data dir
    _crossing,
    _population_from_snapshot,
    isolated_dirs,  # noqa: F401
)

HEADER = ",".join(applications.COLUMNS)
SNAPSHOT_ROBEK_5043 = "Står i ROBEK per 20.04.2026 (hjemmel b, c og d i kommuneloven § 28-1)."


def _screen(tmp_path, codes: list[str], year: int):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "soknader.csv"
    path.write_text("\n".join([HEADER, *(f"{c},2016,Planstrategi,ja,0.5,Eksempel" for c in codes)]) + "\n",
                    encoding="utf-8")
    result = screening.screen_file(path, year, tmp_path / "out")
    page = result.paths["html"].read_text(encoding="utf-8")
    return page, json.loads(result.paths["claims"].read_text(encoding="utf-8"))


class _Reasons(HTMLParser):
    """Each reason/note item of the applicants table: (its text, whether it carries data-claim)."""

    def __init__(self):
        super().__init__()
        self.items: list[list] = []
        self.depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "ul" and attrs.get("class") == "reasons":
            self.depth = 1
        elif tag == "li" and self.depth:
            self.items.append(["", "data-claim" in attrs])

    def handle_endtag(self, tag):
        if tag == "ul":
            self.depth = 0

    def handle_data(self, data):
        if self.depth and self.items:
            self.items[-1][0] += data


def unclaimed_figures(page: str, claims: list[dict]) -> list[str]:
    """Problems: a claim not shown exactly as recorded, text in a claims section outside a claim, or a
    reason/note with a population figure or a percentage outside a claim."""
    scan = _Scan()
    scan.feed(page)
    problems = [f"loose: {t}" for t in scan.loose]
    if sorted(scan.claimed) != list(range(len(claims))):
        problems.append(f"claims shown {sorted(scan.claimed)} != {len(claims)} in the JSON")
    problems += [f"claim {i} shows {t!r}" for i, t in scan.claimed.items()
                 if i < len(claims) and t != claims[i]["text"]]
    reasons = _Reasons()
    reasons.feed(page)
    problems += [f"unclaimed: {t}" for t, marked in reasons.items
                 if not marked and re.search(r"Folketall|\d\s?%", t)]
    return problems


def test_traena_tydal_royrvik_2026_every_figure_sentence_is_a_claim_shown_exactly(tmp_path):
    page, claims = _screen(tmp_path, ["1835", "5033", "5043"], 2026)
    assert unclaimed_figures(page, claims) == []
    assert {c["section"] for c in claims} == {"kvalifisering", "okonomi"}
    pop = _population_from_snapshot()
    for code in ("1835", "5033", "5043"):
        own = [c for c in claims if c["kommunenr"] == code]
        eligibility = [c for c in own if c["section"] == "kvalifisering"]
        assert len(eligibility) == 1
        count = pop.loc[code, 2026]
        assert eligibility[0]["value"] == count and eligibility[0]["verdict"] == "lower"
        assert eligibility[0]["comparator"] is None and eligibility[0]["comparator_value"] == 2500
        assert f"{int(count)} (under 2\u202f500)" in eligibility[0]["text"]
        economy = {c["indicator"]: c for c in own if c["section"] == "okonomi"}
        # one sentence per figure: the two accounts figures are never in the same sentence
        assert "lånegjeld" not in economy["netto_driftsresultat_pst"]["text"]
        assert "driftsresultat" not in economy["netto_lanegjeld_pst"]["text"]
        for c in own:
            assert c["data_through"] <= 2026 and c["kommunenr"] == code
    robek = {c["kommunenr"]: c for c in claims if c["indicator"] == "robek"}
    assert robek["5043"]["text"] == SNAPSHOT_ROBEK_5043 and robek["5043"]["value"] == 1.0
    assert robek["5033"]["value"] == 0.0 and robek["5033"]["text"].startswith("Står ikke i ROBEK")


def test_accounts_claims_hold_the_fact_base_figures_as_shown(tmp_path):
    from samfunn_data.facts import factbase

    _, claims = _screen(tmp_path, ["5033"], 2024)
    facts = factbase.load("5033")
    for c in (c for c in claims if c["indicator"].startswith("netto_")):
        row = facts[(facts["indicator"] == c["indicator"]) & (facts["year"] == c["year"])]
        assert c["year"] == 2023 and c["value"] == round(float(row["value"].iloc[0]), 1)
        assert f"{abs(c['value']):.1f}".replace(".", ",") in c["text"]
    robek = [c for c in claims if c["indicator"] == "robek"]
    assert robek[0]["value"] is None and "ikke kjent for 2024" in robek[0]["text"]


def test_the_crossing_note_and_the_not_under_reason_are_claims(tmp_path):
    code, year_a, year_b = _crossing()
    pop = _population_from_snapshot()
    claims = {}
    for year in (year_a, year_b):
        page, claims[year] = _screen(tmp_path / str(year), [code], year)
        assert unclaimed_figures(page, claims[year]) == []
    # the line is crossed between 1 January year_a and year_b: the note is year_b's
    note = [c for c in claims[year_b] if c["section"] == "merknader"]
    assert len(note) == 1 and note[0]["value"] == pop.loc[code, year_b]
    assert note[0]["comparator_value"] == pop.loc[code, year_a]
    grew = pop.loc[code, year_b] > pop.loc[code, year_a]
    assert note[0]["verdict"] == ("increase" if grew else "decrease")
    above = year_a if pop.loc[code, year_a] >= 2500 else year_b
    reason = [c for c in claims[above] if c["section"] == "kvalifisering"]
    assert len(reason) == 1 and "ikke under 2" in reason[0]["text"]
    assert reason[0]["value"] == pop.loc[code, above] and reason[0]["verdict"] == "higher"


def test_the_check_fails_on_a_figure_sentence_without_its_claim(tmp_path):
    page, claims = _screen(tmp_path, ["5043"], 2026)
    assert unclaimed_figures(page, claims) == []
    # an unmarked population sentence in the reasons list
    unmarked = re.sub(r'<li data-claim="0">', "<li>", page, count=1)
    assert any(p.startswith("unclaimed: Folketall") for p in unclaimed_figures(unmarked, claims))
    # an economy sentence outside a claim inside its claims section
    loose = page.replace('<div data-claims-section="okonomi">',
                         '<div data-claims-section="okonomi">Netto lånegjeld 99,0 %. ', 1)
    assert any(p.startswith("loose: Netto lånegjeld") for p in unclaimed_figures(loose, claims))
    # a claim whose recorded text differs from what the page shows
    edited = [dict(c) for c in claims]
    edited[1]["text"] = edited[1]["text"].replace("%", "prosent")
    assert any(p.startswith("claim 1 shows") for p in unclaimed_figures(page, edited))
    # the ROBEK sentence is the last claim; unmarked, the page no longer shows every claim
    last = len(claims) - 1
    gone = page.replace(f'<span data-claim="{last}">', "<span>")
    assert unclaimed_figures(gone, claims)
