"""The report as an editable Word document (DOCX), rendered from the report model with python-docx.

Headings use Word's built-in "Heading 1–3" styles (a table of contents works), tables are Word tables,
charts are 200 dpi PNG images with their alt text in the picture's description, and every other paragraph
and table has a named style ("Rapport Note", "Rapport Kilde", "Rapport Tabell", "Kommunens kommentar"), so a
municipality's own template can restyle the document by redefining those styles.
"""

from __future__ import annotations

import io
from pathlib import Path

from samfunn_data.files import atomic_write
from samfunn_data.reports import model as M

PRINT_DPI = 200
STYLE_NOTE, STYLE_SOURCE, STYLE_TABLE, STYLE_COMMENT = ("Rapport Note", "Rapport Kilde", "Rapport Tabell",
                                                        "Kommunens kommentar")


def _styles(doc) -> None:
    """Named styles a template can redefine; based on built-in ones so they look right as they are."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.shared import Pt, RGBColor

    styles = doc.styles
    note = styles.add_style(STYLE_NOTE, WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = styles["Normal"]
    note.font.size, note.font.color.rgb = Pt(9), RGBColor(0x55, 0x55, 0x55)
    source = styles.add_style(STYLE_SOURCE, WD_STYLE_TYPE.PARAGRAPH)
    source.base_style = note
    source.font.italic = True
    comment = styles.add_style(STYLE_COMMENT, WD_STYLE_TYPE.PARAGRAPH)
    comment.base_style = styles["Intense Quote"]
    table = styles.add_style(STYLE_TABLE, WD_STYLE_TYPE.TABLE)
    table.base_style = styles["Table Grid"]
    table.font.size = Pt(8.5)


def _field(paragraph, instruction: str, placeholder: str = "") -> None:
    """A Word field (PAGE, TOC) as w:fldSimple: python-docx has no API for fields."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = placeholder
    run.append(text)
    fld.append(run)
    paragraph._p.append(fld)


def _paragraph(doc, block: M.Paragraph) -> None:
    style = {M.NOTE: STYLE_NOTE, M.LEAD: "Subtitle"}.get(block.style, "List Bullet" if block.bullet else None)
    p = doc.add_paragraph(style=style)
    if block.bold:
        p.add_run(block.bold).bold = True
    p.add_run(block.text[len(block.bold):])


def _table(doc, block: M.Table) -> None:
    doc.add_paragraph(block.caption, style="Caption")
    table = doc.add_table(rows=1, cols=len(block.header), style=STYLE_TABLE)
    for cell, text in zip(table.rows[0].cells, block.header, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in block.rows:
        for cell, text in zip(table.add_row().cells, row, strict=True):
            cell.text = text
    for note in block.notes:
        doc.add_paragraph(note, style=STYLE_NOTE)


def _figure(doc, block: M.Figure) -> None:
    from docx.shared import Cm

    chart = block.chart
    buffer = io.BytesIO()
    chart.figure.savefig(buffer, format="png", dpi=PRINT_DPI, facecolor="white")
    buffer.seek(0)
    shape = doc.add_picture(buffer, width=Cm(16))
    shape._inline.docPr.set("descr", chart.alt)  # Word's alt text; python-docx has no setter for it
    shape._inline.docPr.set("title", chart.title)
    doc.add_paragraph(chart.source, style=STYLE_SOURCE)


def _comment(doc, note) -> None:
    """The planner's note in its own marked style after the section's SSB figures (`reports.notes`)."""
    from samfunn_data.reports import notes

    doc.add_heading(notes.LABEL, 3)
    for para in (p.strip() for p in note.text.split("\n\n")):
        if para:
            doc.add_paragraph(para, style=STYLE_COMMENT)
    doc.add_paragraph(notes.signature(note), style=STYLE_NOTE)


def document(model: M.ReportModel, notes=None):
    """A python-docx Document of the report (``notes``: the planner's `notes.Notes`, optional)."""
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    doc = docx.Document()
    _styles(doc)
    props = doc.core_properties
    props.title, props.author, props.language = model.title, "samfunn-data", "nb-NO"
    props.subject = f"{model.name} kommune ({model.kommunenr}), {model.year}"
    footer = doc.sections[0].footer.paragraphs[0]
    footer.text = f"Kunnskapsgrunnlag – {model.name} {model.year} – side "
    footer.style = doc.styles[STYLE_NOTE]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _field(footer, "PAGE", "1")

    doc.add_heading(model.title, 0)
    doc.add_paragraph(model.lead, style="Subtitle")
    toc = doc.add_paragraph(style=STYLE_NOTE)
    _field(toc, 'TOC \\o "1-3" \\h \\z \\u', "Innholdsfortegnelse: høyreklikk her og velg «Oppdater felt».")
    render = {M.Paragraph: _paragraph, M.Table: _table, M.Figure: _figure}
    last = {s.key: i for i, s in enumerate(model.sections)}  # a part may span several sections
    for i, section in enumerate(model.sections):
        doc.add_heading(section.title, section.level - 1)
        for block in section.blocks:
            render[type(block)](doc, block)
        if notes and section.key in notes and last[section.key] == i:
            _comment(doc, notes[section.key])
    return doc


def write_docx(model: M.ReportModel, path: str | Path, notes=None) -> Path:
    """Write the report as DOCX to ``path`` (atomically: a reader never sees half a file)."""
    path = Path(path)
    buffer = io.BytesIO()
    document(model, notes).save(buffer)
    atomic_write(path, buffer.getvalue())
    return path
