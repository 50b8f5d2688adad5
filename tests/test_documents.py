"""Documents a municipality can adopt (issue 15): the report model, DOCX, PDF and the planner's notes."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from samfunn_data import cli
from samfunn_data.reports import chromium, narrative
from samfunn_data.reports import data as report_data
from samfunn_data.reports import model as report_model
from tests.report_fixtures import (
    REPORT_KOMMUNE,
    REPORT_YEAR,
    SNAPSHOT,
    built_data_dir,
    rendered_report,
    tiny_template,
)

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


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


# -- PDF and «Kommunen i tall» (headless Chromium) ----------------------------------------------------------

needs_chromium = pytest.mark.skipif(chromium.chromium_path() is None, reason="chromium is not installed "
                                    "(Debian: apt-get install chromium; .ci/run installs it)")


def _flat(text: str) -> str:
    """PDF text without line breaks or spaces (the printer wraps lines where it likes) or ligatures."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).replace("\u00ad", "")


def _looks_like_a_page(pdf: Path, tmp_path: Path) -> None:
    """Render the first page as a picture (pdftoppm) and check it is not blank."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
                   check=True)
    from matplotlib import image

    pixels = image.imread(next(tmp_path.glob("p*.png")))
    assert pixels.std() > 0.05  # text and charts, not an empty sheet


@needs_chromium
@pytest.mark.slow
def test_pdf_is_a4_with_footer_page_numbers_and_the_claims(tydal, tmp_path):
    import pypdf

    page = rendered_report() / str(REPORT_YEAR) / "5033-tydal.html"
    assert REPORT_KOMMUNE == "5033"
    pdf = chromium.html_to_pdf(page, tmp_path / "5033-tydal.pdf", "Kunnskapsgrunnlag – Tydal 2023")
    reader = pypdf.PdfReader(pdf)
    n = len(reader.pages)
    assert n >= 4
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert abs(width - 595) < 3 and abs(height - 842) < 3  # A4 in points
    last = reader.pages[-1].extract_text()
    assert "Kunnskapsgrunnlag – Tydal 2023" in last and f"side {n} av {n}" in last
    # a sentence may run over a page break: read the pages without their footers
    footer = re.compile(r"Kunnskapsgrunnlag – Tydal 2023\s*side \d+ av \d+")
    text = _flat("".join(footer.sub("", p.extract_text()) for p in reader.pages))
    claims = json.loads((page.with_suffix("").with_suffix(".claims.json")).read_text())
    for c in claims:
        assert _flat(c["text"]) in text, c["text"]
    _looks_like_a_page(pdf, tmp_path)


@needs_chromium
@pytest.mark.slow
@pytest.mark.parametrize(("kommunenr", "year"), [("5033", 2023), ("1835", 2020)])
def test_kommunen_i_tall_is_one_page_with_the_reports_own_words(kommunenr, year, tmp_path):
    import pypdf

    from samfunn_data.reports import onepager

    made = report_model.build_model(kommunenr, year)
    onepager.write(made, tmp_path / "k.html", tmp_path / "k.pdf", tmp_path / "k.png")
    reader = pypdf.PdfReader(tmp_path / "k.pdf")
    assert len(reader.pages) == 1
    text = _flat(reader.pages[0].extract_text())
    assert _flat(f"Kommunen i tall{made.name} kommune, {year}") in text
    cards = onepager.cards(made)
    assert 6 <= len(cards) <= 8
    for card in cards:
        assert _flat(card["title"]) in text and _flat(card["value"]) in text
        if card["words"]:  # the words are a claim of the report, about this very indicator
            assert any(c.indicator == card["id"] and c.text in card["words"] for c in made.all_claims())
    for c in [c for c in made.all_claims() if c.section == "hovedtrekk"][:onepager.MAX_POINTS]:
        assert _flat(c.text) in text
    assert "Statistisk sentralbyrå (SSB)" in reader.pages[0].extract_text()
    with Image.open(tmp_path / "k.png") as png:
        assert png.width >= 1200 and png.height > png.width  # a portrait page, sharp enough for a slide
        ink = np.argwhere(np.asarray(png.convert("L")) < 250)  # rows and columns of anything not white
        left, right = ink[:, 1].min(), png.width - 1 - ink[:, 1].max()
        top, bottom = ink[:, 0].min(), png.height - 1 - ink[:, 0].max()
    # a white margin all round (before: the text touched the left and top edges), the same on both sides
    assert min(left, right, top, bottom) >= 40, (left, right, top, bottom)
    assert abs(left - right) <= 4 and abs(top - bottom) <= 0.25 * top, (left, right, top, bottom)
    _looks_like_a_page(tmp_path / "k.pdf", tmp_path)


@needs_chromium
def test_the_warm_browser_is_reused_replaced_when_dead_and_stopped():
    first = chromium.warm_browser()
    try:
        assert chromium.warm_browser() is first  # the next report does not start Chromium again
        first._proc.kill()
        first._proc.wait(timeout=10)
        second = chromium.warm_browser()  # a dead browser is replaced, not used
        assert second is not first and second._proc.poll() is None
    finally:
        chromium.stop_warm()
    assert second._proc.poll() is not None  # stopped: no Chromium left behind
    chromium.stop_warm()  # idempotent


def test_kommunen_i_tall_draws_no_line_through_a_single_year():
    from samfunn_data.reports import onepager

    made = report_model.build_model("5033", 2020)  # 06913, 06944 and 07984 start in 2019: one year each
    page = onepager.page_html(made)
    single = [c for c in onepager.cards(made) if c["first"] == c["year"]]
    assert {c["id"] for c in single} >= {"fodselsoverskudd", "nettoinnflytting", "medianinntekt"}
    assert page.count("Dataene har bare tall for 2019.") == len(single)
    assert "2019–2019" not in page
    alts = re.findall(r'<img [^>]*alt="([^"]+)"', page)
    assert len(alts) == len(onepager.cards(made)) - len(single)
    assert "Folkemengde 2011–2020: fra " in page and " til 769" in page  # what the line shows, in words


# -- the runner: every format, skipped, isolated, listed ----------------------------------------------------


@pytest.fixture
def env(tmp_path, monkeypatch):
    """Fact base from the snapshot; reports into tmp_path (never the repo's reports/)."""
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(built_data_dir()))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))
    monkeypatch.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path / "reports"))
    return tmp_path / "reports"


@needs_chromium
@pytest.mark.slow
def test_runner_renders_lists_skips_and_isolates_every_format(env, tmp_path, capsys):
    template = tiny_template(tmp_path / "tiny.ipynb", fail_for="1827")
    args = ["reports", "--kommuner", "1827,5033", "--years", "2023", "--no-progress", "--jobs", "1",
            "--template", str(template), "--format", "html,docx,pdf"]
    assert cli.main(args) == 1  # Dønna fails on purpose; Tydal is rendered in every format
    manifest = json.loads((env / "manifest.json").read_text())["reports"]
    files = manifest["2023/5033"]["files"]
    assert set(files) == {"html", "docx", "pdf", "onepager_html", "onepager_pdf", "onepager_png"}
    assert files["onepager_pdf"] == "2023/kommunen-i-tall/5033-tydal.pdf"
    assert all((env / rel).exists() for rel in files.values())
    assert not list(env.glob("2023/1827-*.docx")) and not list(env.glob("2023/kommunen-i-tall/1827-*"))
    index = (env / "index.html").read_text()
    for rel in files.values():
        if not rel.endswith("kommunen-i-tall/5033-tydal.html"):
            assert f'href="{rel}"' in index

    assert cli.main(args) == 1
    assert json.loads((env / "manifest.json").read_text())["reports"]["2023/5033"]["status"] == "skipped"
    (env / files["docx"]).unlink()  # a missing format file: the report is not current
    assert cli.main(args) == 1
    assert json.loads((env / "manifest.json").read_text())["reports"]["2023/5033"]["status"] == "ok"
    assert (env / files["docx"]).exists()


def test_pdf_without_chromium_fails_in_one_line_or_is_skipped_when_optional(env, tmp_path, monkeypatch,
                                                                             capsys):
    monkeypatch.setattr(chromium, "chromium_path", lambda: None)
    template = tiny_template(tmp_path / "tiny.ipynb")
    args = ["reports", "--kommuner", "5033", "--years", "2023", "--no-progress", "--jobs", "1",
            "--template", str(template), "--format", "html,pdf"]
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "apt-get install chromium" in err
    assert not (env / "manifest.json").exists()  # refused before anything ran

    assert cli.main([*args, "--pdf-optional"]) == 0
    err = capsys.readouterr().err
    assert "ADVARSEL" in err and "apt-get install chromium" in err
    assert (env / "2023" / "5033-tydal.html").exists() and not (env / "2023" / "5033-tydal.pdf").exists()


def test_unknown_format_is_refused_with_the_choices(env, capsys):
    assert cli.main(["reports", "--kommuner", "5033", "--years", "2023", "--format", "html,odt"]) == 1
    assert "odt" in capsys.readouterr().err


# -- the planner's notes -------------------------------------------------------------------------------------

NOTE_TOML = '''forfatter = "Kari Nordmann, planrådgiver"
dato = 2026-11-30

[kommentarer]
hovedtrekk = """Nytt settefiskanlegg <b>vedtatt</b> & under bygging.

Andre avsnitt."""
planstrategi = "Skolestrukturen skal utredes."
'''


def _write_note(data_dir: Path, text: str, code: str = "5033") -> Path:
    path = data_dir / "notes" / f"{code}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_notes_missing_is_empty_and_bad_files_say_what_is_wrong(tmp_path, monkeypatch):
    from samfunn_data.reports import notes

    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    assert notes.load("5033").comments == {} and notes.load("5033").problem is None
    assert notes.fingerprint("5033") == ""
    _write_note(tmp_path, "forfatter = \"A\"\ndato = 2026-11-30\n[kommentarer]\nhovedtrekk = \"x\"\n")
    assert notes.load("5033")["hovedtrekk"].text == "x" and notes.fingerprint("5033")
    _write_note(tmp_path, "forfatter = \"A\n[kommentarer]\n")
    bad = notes.load("5033")
    assert bad.comments == {} and "TOML" in bad.problem and "5033.toml" in bad.problem
    _write_note(tmp_path, "dato = 2026-11-30\n[kommentarer]\nbefolknig = \"x\"\n")
    bad = notes.load("5033").problem
    assert "forfatter" in bad and "befolknig" in bad and "befolkning" in bad  # names the valid keys


def test_note_keys_are_the_models_section_keys(tydal):
    from samfunn_data.reports import notes

    assert {s.key for s in tydal.sections} == set(notes.SECTION_KEYS)


def test_note_html_is_escaped_and_marked(tmp_path, monkeypatch):
    from samfunn_data.reports import notes

    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    _write_note(tmp_path, NOTE_TOML)
    block = notes.html_block(notes.load("5033"), "hovedtrekk")
    assert "Kommunens kommentar" in block and "&lt;b&gt;vedtatt&lt;/b&gt; &amp; under" in block
    assert "<b>" not in block and block.count("<p>") == 2
    assert "Kari Nordmann, planrådgiver, 2026-11-30" in block
    assert notes.html_block(notes.load("5033"), "alder") == ""


def test_docx_puts_the_note_after_its_section_in_its_own_style(tydal, tmp_path, monkeypatch):
    import docx

    from samfunn_data.reports import notes, word

    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    _write_note(tmp_path, NOTE_TOML)
    doc = docx.Document(str(word.write_docx(tydal, tmp_path / "n.docx", notes.load("5033"))))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    texts = [t for _, t in paras]
    first = texts.index("Nytt settefiskanlegg <b>vedtatt</b> & under bygging.")
    assert paras[first][0] == "Kommunens kommentar"
    assert paras[first - 1] == ("Heading 3", "Kommunens kommentar")
    assert texts.index("Hovedtrekk") < first < texts.index(tydal.sections[1].title)
    assert ("Kommunens kommentar", "Skolestrukturen skal utredes.") in paras
    claims = {c.text for c in tydal.all_claims()}
    assert not any("settefisk" in c for c in claims)  # the note stands apart from SSB's sentences


def test_docx_has_the_economy_subheadings_and_the_okonomi_note_once_after_them(tydal, tmp_path, monkeypatch):
    import docx

    from samfunn_data.reports import notes, word

    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    _write_note(tmp_path, 'forfatter = "K"\ndato = 2026-11-30\n[kommentarer]\nokonomi = "Nytt sykehjem."\n')
    doc = docx.Document(str(word.write_docx(tydal, tmp_path / "o.docx", notes.load("5033"))))
    paras = [(p.style.name, p.text) for p in doc.paragraphs]
    texts = [t for _, t in paras]
    # the HTML's subheadings of Kommuneøkonomi are headings in Word too (before: plain text ran on)
    main, services, income = (texts.index(t) for t in ("Kommuneøkonomi", "Tjenester og utgiftsbehov",
                                                        "Frie inntekter, skatt og ROBEK"))
    assert paras[main][0] == "Heading 1" and paras[services][0] == paras[income][0] == "Heading 2"
    assert texts.count("Nytt sykehjem.") == 1
    assert main < services < income < texts.index("Nytt sykehjem.") < texts.index(tydal.sections[-3].title)


@pytest.mark.slow
def test_notes_reach_the_html_and_a_changed_or_broken_note_re_renders(env, monkeypatch, capsys):
    path = _write_note(Path(os.environ["SAMFUNN_DATA_DIR"]), NOTE_TOML)
    try:
        args = ["reports", "--kommuner", "5033", "--years", "2023", "--no-progress", "--jobs", "1",
                "--format", "html,docx"]
        assert cli.main(args) == 0
        page = (env / "2023" / "5033-tydal.html").read_text(encoding="utf-8")
        assert page.count('class="kommentar"') == 2 and "&lt;b&gt;vedtatt&lt;/b&gt;" in page
        assert page.index('data-notes-section="hovedtrekk"') < page.index('data-notes-section="planstrategi"')
        assert page.index('data-notes-section="hovedtrekk"') < page.index('<h2 id="Befolkningsutvikling">')
        assert cli.main(args) == 0
        assert json.loads((env / "manifest.json").read_text())["reports"]["2023/5033"]["status"] == "skipped"
        path.write_text(NOTE_TOML.replace("dato = 2026-11-30", "dato = "), encoding="utf-8")  # broken
        assert cli.main(args) == 0  # the report still renders, without notes, and says why
        assert json.loads((env / "manifest.json").read_text())["reports"]["2023/5033"]["status"] == "ok"
        assert "5033.toml" in capsys.readouterr().err
        page = (env / "2023" / "5033-tydal.html").read_text(encoding="utf-8")
        assert 'class="kommentar"' not in page and "kommentar-feil" in page
    finally:
        path.unlink()


@pytest.mark.slow
@pytest.mark.skipif(not (shutil.which("soffice") or shutil.which("libreoffice")),
                    reason="LibreOffice is not installed (it shows the DOCX opens in an office suite)")
def test_docx_opens_in_libreoffice(tydal, tmp_path):
    import pypdf

    from samfunn_data.reports import word

    path = word.write_docx(tydal, tmp_path / "5033-tydal.docx")
    office = shutil.which("soffice") or shutil.which("libreoffice")
    subprocess.run([office, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
                    "pdf", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    reader = pypdf.PdfReader(tmp_path / "5033-tydal.pdf")
    assert len(reader.pages) >= 4
    assert _flat(tydal.all_claims()[0].text) in _flat("".join(p.extract_text() for p in reader.pages))
    _looks_like_a_page(tmp_path / "5033-tydal.pdf", tmp_path)
