"""HTML for planners: one self-contained page per executed report, and the index of all reports.

nbconvert's ``basic`` template renders the cells (without code, prompts or stderr) as a fragment; we wrap
it in our own small page with ``lang="nb"``, a readable style and print CSS for A4, instead of nbconvert's
full JupyterLab theme (~300 kB of CSS meant for an editor, not for a document to print and paste from).
Figures are already data URIs inside the notebook's outputs, so the page needs no other files.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

REPORT_CSS = """
:root { --ink: #1a1a1a; --muted: #555; --rule: #c8c8c8; --accent: #1f4e79; --soft: #f3f5f7; }
* { box-sizing: border-box; }
html { font-size: 17px; }
body { margin: 0; color: var(--ink); background: #fff; line-height: 1.5;
       font-family: "Source Sans 3", "Segoe UI", "Helvetica Neue", Arial, "Liberation Sans", sans-serif; }
main { max-width: 52rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 2rem; line-height: 1.2; margin: 0 0 .3rem; color: var(--accent); }
h2 { font-size: 1.4rem; margin: 2.4rem 0 .6rem; padding-bottom: .2rem; border-bottom: 2px solid var(--accent);
     color: var(--accent); }
h3 { font-size: 1.1rem; margin: 1.6rem 0 .4rem; }
p, li { max-width: 46rem; }
a { color: var(--accent); }
.anchor-link { display: none; }
.lead { font-size: 1.1rem; color: var(--muted); margin-top: 0; }
.note { color: var(--muted); font-size: .92rem; }
.kommentar { border: 2px dashed #8a5a00; background: #fff8e6; padding: .6rem 1rem; margin: 1rem 0;
  border-radius: 4px; }
.kommentar-label { color: #8a5a00; margin: 0 0 .3rem; }
.callout { background: var(--soft); border-left: 4px solid var(--accent); padding: .8rem 1rem;
           margin: 1rem 0; }
.callout ul { margin: .2rem 0; padding-left: 1.2rem; }
.callout li { margin: .35rem 0; }
figure { margin: 1.2rem 0 1.6rem; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e3e3e3; }
figcaption { font-size: .9rem; color: var(--muted); margin-top: .35rem; }
table { border-collapse: collapse; margin: .8rem 0 1.2rem; font-size: .88rem; width: 100%; }
caption { text-align: left; font-weight: 600; padding-bottom: .3rem; }
th, td { padding: .28rem .45rem; border-bottom: 1px solid var(--rule); text-align: left;
         vertical-align: top; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
thead th { border-bottom: 2px solid var(--ink); }
.grade { font-size: .82rem; color: var(--muted); min-width: 9rem; }
tbody th { font-weight: 600; }
.status-ok { color: #1b5e20; } .status-failed { color: #b00020; font-weight: 600; }
.status-skipped { color: var(--muted); }
.error { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .85rem; white-space: pre-wrap; }
.jp-OutputArea-output, .output_subarea { overflow-x: auto; }
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  html { font-size: 10.5pt; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 20pt; }
  h2 { break-after: avoid; page-break-after: avoid; margin-top: 1.4rem; }
  h3 { break-after: avoid; page-break-after: avoid; }
  figure, table, .callout, .kommentar { break-inside: avoid; page-break-inside: avoid; }
  figure img { border: none; max-height: 120mm; width: auto; }
  a { color: inherit; text-decoration: none; }
  .no-print { display: none; }
}
"""


def page(title: str, body: str, *, lang: str = "nb") -> str:
    """A complete, self-contained HTML page around ``body``."""
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)}</title>\n<style>{REPORT_CSS}</style>\n</head>\n"
        f"<body>\n<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _drop_stderr(nb) -> None:
    """Warnings on stderr belong in the executed .ipynb for developers, not in the planner's page."""
    for cell in nb.cells:
        if cell.get("cell_type") == "code":
            cell["outputs"] = [o for o in cell.get("outputs", []) if o.get("name") != "stderr"]


def notebook_to_html(nb, title: str) -> str:
    """Render an executed notebook as a standalone page without code cells or prompts."""
    import copy

    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    _drop_stderr(nb)
    from traitlets.config import Config

    config = Config()
    # cells tagged "remove_cell" (the template's note to developers) stay out of the planner's page
    config.TagRemovePreprocessor.remove_cell_tags = ("remove_cell",)
    config.TagRemovePreprocessor.enabled = True
    exporter = HTMLExporter(config=config, template_name="basic", exclude_input=True,
                            exclude_input_prompt=True, exclude_output_prompt=True, anchor_link_text="")
    body, _resources = exporter.from_notebook_node(nb)
    return page(title, body)


def write_notebook_html(nb, path: Path, title: str) -> None:
    path.write_text(notebook_to_html(nb, title), encoding="utf-8")


STATUS_TEXT = {"ok": "ferdig", "skipped": "uendret", "failed": "feilet"}


FORMAT_LINKS = {"docx": "Word", "pdf": "PDF", "onepager_pdf": "Kommunen i tall", "onepager_png": "PNG"}


def _cell(entry: dict | None, index_dir: Path) -> str:
    if entry is None:
        return "<td></td>"
    status = entry["status"]
    label = html.escape(STATUS_TEXT.get(status, status))
    target = entry.get("html") if status != "failed" else entry.get("notebook")
    link = ""
    if target and (index_dir / target).exists():
        link = f'<a href="{html.escape(target)}">{"rapport" if status != "failed" else "notatbok"}</a> '
    if status != "failed":
        link += "".join(f'<a href="{html.escape(rel)}">{FORMAT_LINKS[fmt]}</a> '
                        for fmt, rel in (entry.get("files") or {}).items()
                        if fmt in FORMAT_LINKS and (index_dir / rel).exists())
    return f'<td>{link}<span class="status-{html.escape(status)}">{label}</span></td>'


def _network_link(index_dir: Path) -> str:
    """A link to the researchers' network overview when `samfunn network-report` has rendered it."""
    target = Path("network") / "network_overview.html"
    if not (index_dir / target).exists():
        return ""
    return (f'<p>Forskernes oversikt over hele nettverket: <a href="{target.as_posix()}">'
            "nettverksoversikten</a>.</p>\n")


def _summary(entries: list[dict], this_run: dict[str, int] | None) -> str:
    """What the index lists and what the last run did: reports kept from earlier runs are not "laget nå"."""
    if this_run is None:
        counts = {s: sum(e["status"] == s for e in entries) for s in ("ok", "skipped", "failed")}
        return (f"{len(entries)} rapporter: {counts['ok'] + counts['skipped']} ferdige, "
                f"{counts['failed']} feilet.")
    earlier = len(entries) - sum(this_run.values())
    text = (f"{len(entries)} rapporter i oversikten. Siste kjøring: {this_run.get('ok', 0)} laget nå, "
            f"{this_run.get('skipped', 0)} uendret siden sist, {this_run.get('failed', 0)} feilet")
    return text + (f"; {earlier} fra andre kjøringer." if earlier > 0 else ".")


def index_html(entries: list[dict], index_dir: Path, generated: datetime | None = None,
               this_run: dict[str, int] | None = None) -> str:
    """The overview page: one row per municipality, one column per year, each cell linked with status.

    ``entries`` are manifest entries (keys: kommunenr, name, year, status, error, html, notebook, with paths
    relative to ``index_dir``). ``this_run`` counts the last run's reports by status (ok, skipped, failed);
    the other entries were rendered by other runs (earlier ones, or one beside it).
    """
    generated = generated or datetime.now().astimezone()
    years = sorted({e["year"] for e in entries})
    munis = sorted({(e["kommunenr"], e["name"]) for e in entries})
    by_key = {(e["kommunenr"], e["year"]): e for e in entries}
    head = "".join(f'<th scope="col">{y}</th>' for y in years)
    rows = []
    for code, name in munis:
        cells = "".join(_cell(by_key.get((code, y)), index_dir) for y in years)
        rows.append(f'<tr><th scope="row">{html.escape(code)} {html.escape(name)}</th>{cells}</tr>')
    failed = [e for e in entries if e["status"] == "failed"]
    errors = ""
    if failed:
        items = "".join(
            f'<li><strong>{html.escape(e["kommunenr"])} {html.escape(e["name"])} {e["year"]}</strong>: '
            f'<span class="error">{html.escape(e.get("error") or "ukjent feil")}</span></li>'
            for e in sorted(failed, key=lambda e: (e["year"], e["kommunenr"]))
        )
        errors = f"<h2>Rapporter som feilet</h2><ul>{items}</ul>"
    summary = _summary(entries, this_run)
    body = (
        "<h1>Kunnskapsgrunnlag for planstrategi</h1>\n"
        '<p class="lead">Faktagrunnlag for små kommuner i Nordland og Trøndelag, laget automatisk fra '
        "Statistisk sentralbyrås tall. Én rapport per kommune og år; rapporten for et år viser bildet slik "
        "det var da.</p>\n"
        f'<p>{html.escape(summary)} Oppdatert {generated:%d.%m.%Y kl. %H:%M}.</p>\n'
        f'<table><thead><tr><th scope="col">Kommune</th>{head}</tr></thead>\n<tbody>{"".join(rows)}'
        "</tbody></table>\n"
        f"{errors}\n{_network_link(index_dir)}"
        '<p class="note">Kilde: Statistisk sentralbyrå (SSB), CC BY 4.0. Kart: © Kartverket. '
        "Status «uendret» betyr at verken mal, parametre eller data er endret siden rapporten sist ble "
        "laget.</p>"
    )
    return page("Kunnskapsgrunnlag – oversikt over rapporter", body)
