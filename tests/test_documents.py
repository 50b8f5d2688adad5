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


# -- DOCX ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tydal_docx(tydal, tmp_path_factory):
    import docx

    from samfunn_data.reports import word

    path = word.write_docx(tydal, tmp_path_factory.mktemp("docx") / "5033-tydal.docx")
    return docx.Document(str(path))


def test_docx_has_real_headings_tables_and_images_with_alt_text(tydal, tydal_docx):
    doc = tydal_docx
    headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]
    assert ("Heading 1", "Hovedtrekk") in headings
    assert ("Heading 1", "Hva betyr dette for planstrategien?") in headings
    assert ("Heading 2", "Pendling") in headings
    model_tables = [b for s in tydal.sections for b in s.blocks if isinstance(b, report_model.Table)]
    assert len(doc.tables) == len(model_tables)
    first = doc.tables[0]
    assert first.style.name == "Rapport Tabell"
    assert [c.text for c in first.rows[0].cells] == list(model_tables[0].header)
    assert len(first.rows) == len(model_tables[0].rows) + 1
    pictures = doc.inline_shapes
    assert len(pictures) >= 5
    for shape in pictures:
        descr = shape._inline.docPr.get("descr")
        assert descr and len(descr) > 20  # a description a screen reader can read, not a file name
    assert "Kilde: Statistisk sentralbyrå (SSB)" in "\n".join(p.text for p in doc.paragraphs)
    assert "Kartverket" in "\n".join(p.text for p in doc.paragraphs)
    assert "Kunnskapsgrunnlag – Tydal 2023" in doc.sections[0].footer.paragraphs[0].text


def test_docx_holds_every_claim_text_exactly(tydal, tydal_docx):
    paragraphs = [p.text for p in tydal_docx.paragraphs]
    cells = [c.text for t in tydal_docx.tables for r in t.rows for c in r.cells]
    everything = "\n".join(paragraphs + cells)
    claims = tydal.all_claims()
    assert len(claims) > 10
    for c in claims:
        assert c.text in everything, c.text
    hovedtrekk = [c.text for c in claims if c.section == "hovedtrekk"]
    assert all(text in paragraphs for text in hovedtrekk)  # a paragraph each, not glued to other text
