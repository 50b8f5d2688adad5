"""The formats a report is rendered in besides the notebook's HTML: DOCX, PDF and "Kommunen i tall".

`samfunn reports --format html,docx,pdf` (html is the default and always made: the PDF is printed from it).
Every format comes from one report: DOCX from the report model (`reports.model`), PDF from the HTML page,
and, whenever pdf is among the formats, the one-page "Kommunen i tall" (`reports.onepager`) as HTML, PDF
and PNG. Paths are relative to the reports folder: ``<year>/<code>-<slug>.<ext>`` and
``<year>/kommunen-i-tall/<code>-<slug>.<ext>``.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from samfunn_data.errors import ReportError

FORMATS = ("html", "docx", "pdf")
ONEPAGER_DIR = "kommunen-i-tall"
ONEPAGER_FORMATS = ("onepager_html", "onepager_pdf", "onepager_png")


def parse_formats(spec: str | list | tuple | None, pdf_optional: bool = False) -> tuple[str, ...]:
    """Formats from "html,docx,pdf" (html always included, first). Unknown names raise ReportError.

    When pdf is asked for and Chromium is missing: ReportError with one line on how to install it, or
    with ``pdf_optional`` a warning and pdf left out (what `make reports` uses).
    """
    from samfunn_data.reports import chromium

    items = spec if isinstance(spec, list | tuple) else str(spec or "html").split(",")
    items = [str(i).strip().lower() for i in items if str(i).strip()]
    unknown = [i for i in items if i not in FORMATS]
    if unknown:
        raise ReportError(f"--format: ukjent format {', '.join(unknown)}; velg blant {', '.join(FORMATS)}")
    chosen = tuple(f for f in FORMATS if f == "html" or f in items)
    if "pdf" in chosen and chromium.chromium_path() is None:
        if not pdf_optional:
            raise ReportError(chromium.INSTALL_HINT)
        warnings.warn(f"hopper over PDF og «Kommunen i tall»: {chromium.INSTALL_HINT}", stacklevel=2)
        chosen = tuple(f for f in chosen if f != "pdf")
    return chosen


def files_for(stem: str, formats: tuple[str, ...]) -> dict[str, str]:
    """Where each format of the report ``stem`` ("2023/5033-tydal") goes, relative to the reports folder."""
    files = {fmt: f"{stem}.{fmt}" for fmt in formats}
    if "pdf" in formats:
        year, name = stem.split("/", 1)
        for key in ONEPAGER_FORMATS:
            files[key] = f"{year}/{ONEPAGER_DIR}/{name}.{key.removeprefix('onepager_')}"
    return files


def render(job, reports_dir: Path) -> None:
    """Write every format of ``job`` but the HTML (already written from the notebook); raises on failure."""
    from samfunn_data.reports import chromium, model, notes, word

    files = {fmt: Path(reports_dir) / rel for fmt, rel in job.files.items()}
    needs_model = "docx" in files or "onepager_html" in files
    made = model.build_model(job.kommunenr, job.year) if needs_model else None
    if "docx" in files:
        word.write_docx(made, files["docx"], notes.load(job.kommunenr))
    if "pdf" in files:
        from samfunn_data.reports import onepager

        browser = chromium.warm_browser()  # kept across reports: starting Chromium costs 1–2 s
        try:
            chromium.html_to_pdf(files["html"], files["pdf"], f"Kunnskapsgrunnlag – {job.name} {job.year}",
                                 browser=browser)
            onepager.write(made, files["onepager_html"], files["onepager_pdf"], files["onepager_png"],
                           browser=browser)
        except BaseException:
            chromium.stop_warm()  # a browser that failed mid-report is not trusted with the next one
            raise


def missing(files: dict[str, str], reports_dir: Path) -> list[str]:
    """The formats whose file is not there (a report missing one is not current)."""
    return [fmt for fmt, rel in files.items() if not (Path(reports_dir) / rel).exists()]


def remove(files: dict[str, str], reports_dir: Path) -> None:
    """Delete a report's files (a failed re-render leaves none of last time's behind)."""
    for rel in files.values():
        (Path(reports_dir) / rel).unlink(missing_ok=True)


def check_ready(formats: tuple[str, ...]) -> None:
    """Refuse early (before any kernel starts) when a format's library is missing."""
    if "docx" in formats:
        try:
            import docx  # noqa: F401
        except ImportError:
            raise ReportError("DOCX krever python-docx: kjør `pip install python-docx` (eller `make "
                              "install`)") from None
