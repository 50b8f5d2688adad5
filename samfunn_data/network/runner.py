"""Render the researchers' network overview: check parameters, execute the notebook, export HTML."""

from __future__ import annotations

from pathlib import Path

from samfunn_data.config import PROJECT_ROOT, get_settings
from samfunn_data.errors import ReportError
from samfunn_data.facts import factbase
from samfunn_data.files import FileLock

TEMPLATE = PROJECT_ROOT / "notebooks" / "network_overview.ipynb"
EXECUTION_TIMEOUT = 600  # seconds per cell: a hung cell fails the report instead of blocking
# The planners' page is a narrow reading column; researchers' wide tables and small multiples need room.
WIDE_CSS = ("main{max-width:74rem} img{max-width:100%;height:auto} "
            "table{font-size:.85rem} td,th{padding:.25rem .5rem}")


def _check(parameters: dict) -> None:
    """Fail before a kernel starts on parameters the notebook cannot use."""
    from samfunn_data.facts.indicators import CATALOGUE
    from samfunn_data.network.analysis import COMPARISONS, Period

    if parameters["comparison"] not in COMPARISONS:
        allowed = ", ".join(COMPARISONS)
        raise ReportError(f"Ukjent sammenligningsgruppe {parameters['comparison']!r}; bruk {allowed}.")
    if parameters["map_indicator"] not in CATALOGUE:
        raise ReportError(f"Ukjent indikator {parameters['map_indicator']!r} for kartet; "
                          "se samfunn_data.facts.indicators.CATALOGUE.")
    for key in ("before", "during"):
        try:
            period = Period.parse(parameters[key])
        except ValueError as exc:
            raise ReportError(f"{key}={parameters[key]!r} er ikke en periode som 2015-2019.") from exc
        if period.first > period.last:
            raise ReportError(f"{key}={parameters[key]!r}: første år er etter siste år.")


def render_network_report(years="2010-2026", comparison="sma_nl_tr", before="2015-2019", during="2020-2023",
                          reference_year=2020, map_indicator="endring_5ar_pst", map_year=2025,
                          out_dir: Path | None = None) -> dict[str, Path]:
    """Execute the network notebook with papermill and write its HTML; returns the output paths."""
    from samfunn_data.network.analysis import Period

    try:
        span = Period.parse(years)
    except ValueError as exc:
        raise ReportError(f"years={years!r} er ikke et tidsrom som 2010-2026.") from exc
    settings = get_settings()
    out = Path(out_dir) if out_dir else settings.reports_dir / "network"
    parameters = {
        "start_year": span.first, "end_year": span.last, "comparison": comparison,
        "reference_year": int(reference_year), "before": before, "during": during, "index_base_year": 2020,
        "map_indicator": map_indicator, "map_year": int(map_year), "export_dir": str(out),
    }
    _check(parameters)
    factbase.ensure_ready(settings)  # a damaged fact base is refused before a kernel starts
    out.mkdir(parents=True, exist_ok=True)
    # One run at a time writes this folder; the fact base is held for reading so no build replaces it.
    own = FileLock(out / ".lock", timeout=settings.lock_timeout, holder="samfunn network-report",
                   what=f"nettverksoversikten i {out}")
    with own, factbase.reading(settings, holder="samfunn network-report"):
        return _execute(parameters, out)


def _execute(parameters: dict, out: Path) -> dict[str, Path]:
    import papermill

    from samfunn_data.reports import warm_kernel
    from samfunn_data.reports.html import notebook_to_html

    notebook, page = out / "network_overview.ipynb", out / "network_overview.html"
    claims = out / "network_overview.claims.json"
    parameters = {**parameters, "claims_path": str(claims)}  # the sentences' claims, beside the page
    # The reports' engine: its kernel talks over private IPC sockets rather than unencrypted TCP.
    warm_kernel.register()
    try:
        nb = papermill.execute_notebook(
            str(TEMPLATE), str(notebook), parameters=parameters, engine_name=warm_kernel.ENGINE_NAME,
            kernel_name=warm_kernel.KERNEL_NAME, progress_bar=False, execution_timeout=EXECUTION_TIMEOUT,
            cwd=str(TEMPLATE.parent),
        )
    except papermill.PapermillExecutionError as exc:
        page.unlink(missing_ok=True)
        claims.unlink(missing_ok=True)
        raise ReportError(f"Nettverksoversikten feilet i celle {exc.exec_count}: {exc.ename}: {exc.evalue} "
                          f"(se {notebook})") from exc
    finally:
        warm_kernel.shutdown()
    html = notebook_to_html(nb, "Læringsnettverket i tall")
    html = html.replace("</head>", f"<style>{WIDE_CSS}</style></head>", 1)
    page.write_text(html, encoding="utf-8")
    return {"notebook": notebook, "html": page, "claims": claims, "csv": out / "network_panel.csv",
            "parquet": out / "network_panel.parquet"}
