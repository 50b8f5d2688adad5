"""Documents a municipality can adopt (issue 15): the report model, DOCX, PDF and the planner's notes."""

from __future__ import annotations

import pytest

from samfunn_data.reports import data as report_data
from samfunn_data.reports import model as report_model
from samfunn_data.reports import narrative


@pytest.fixture(scope="module")
def tydal():
    return report_model.build_model("5033", 2023)


@pytest.mark.parametrize(("kommunenr", "year"), [("5033", 2023), ("1835", 2020)])
def test_model_holds_the_notebooks_claims_in_page_order(kommunenr, year):
    made = report_model.build_model(kommunenr, year)
    expected = [c.text for c in narrative.report_claims(report_data.load(kommunenr, year))]
    assert [c.text for c in made.all_claims()] == expected
    in_blocks = [c.text for s in made.sections for b in s.blocks for c in getattr(b, "claims", ())]
    assert in_blocks == expected  # every claim stands in a block, none only in the log


def test_model_sections_follow_the_report_and_tables_are_rectangular(tydal):
    titles = [s.title for s in tydal.sections]
    assert titles[0] == "Hovedtrekk" and "Datagrunnlag og kilder" in titles
    assert titles.index("Befolkningsutvikling") < titles.index("Hva betyr dette for planstrategien?")
    tables = [b for s in tydal.sections for b in s.blocks if isinstance(b, report_model.Table)]
    assert len(tables) >= 8
    for t in tables:
        assert t.rows and all(len(r) == len(t.header) for r in t.rows), t.caption
    figures = [b for s in tydal.sections for b in s.blocks if isinstance(b, report_model.Figure)]
    assert len(figures) >= 5 and all(f.chart.alt for f in figures)
    assert tydal.title == "Kunnskapsgrunnlag for planstrategi: Tydal 2023"
