"""Screen an applications file end to end: read, assess, write the page and the CSV files."""

from __future__ import annotations

from pathlib import Path

from samfunn_data.config import get_settings
from samfunn_data.screening.applications import read_applications
from samfunn_data.screening.assessment import (
    ScreeningResult,
    assessments_frame,
    check_year,
    errors_frame,
    screen,
)
from samfunn_data.screening.page import render_page


def write_outputs(result: ScreeningResult, out_dir: str | Path) -> dict[str, Path]:
    """Write screening.html, screening.csv and screening_errors.csv (always all three) into `out_dir`."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "html": out / "screening.html",
        "csv": out / "screening.csv",
        "errors_csv": out / "screening_errors.csv",
    }
    # Plain UTF-8 and comma: the CSVs are meant for tools as much as for spreadsheets.
    assessments_frame(result.assessments).to_csv(paths["csv"], index=False)
    errors_frame(result.errors).to_csv(paths["errors_csv"], index=False)
    paths["html"].write_text(render_page(result), encoding="utf-8")
    result.paths = paths
    return paths


def screen_file(path: str | Path, year: int, out_dir: str | Path | None = None) -> ScreeningResult:
    """Read, validate and screen an applications file; write the outputs to `out_dir` if given.

    Parameters
    ----------
    path : CSV (comma or semicolon; UTF-8, Windows-1252 or Latin-1) or .xlsx with the template's columns.
    year : application year; population on 1 January of that year decides eligibility.
    out_dir : folder for screening.html, screening.csv and screening_errors.csv.

    Returns
    -------
    ScreeningResult; `.ok` is False when any row was invalid (the valid rows are screened anyway).
    """
    check_year(year)
    read = read_applications(path, year)
    assessments = screen(read.applications, year)
    result = ScreeningResult(year=year, source=str(path), read=read, assessments=assessments)
    if out_dir is not None:
        write_outputs(result, out_dir)
    return result


def default_out_dir() -> Path:
    """reports/screening (or SAMFUNN_REPORTS_DIR/screening)."""
    return get_settings().reports_dir / "screening"
