"""Screen an applications file end to end: read, assess, write the page and the CSV files."""

from __future__ import annotations

from pathlib import Path

from samfunn_data.config import get_settings
from samfunn_data.errors import InputFileError
from samfunn_data.facts.claims import ClaimLog
from samfunn_data.screening.applications import read_applications
from samfunn_data.screening.assessment import (
    ScreeningResult,
    assessments_frame,
    check_year,
    errors_frame,
    screen,
)
from samfunn_data.screening.page import render_page
from samfunn_data.screening.spreadsheets import write_csv, write_xlsx


def write_outputs(result: ScreeningResult, out_dir: str | Path) -> dict[str, Path]:
    """Write screening.html, screening.claims.json, screening.csv, screening_errors.csv and
    screening.xlsx into `out_dir`.

    screening.claims.json holds one claim per generated sentence that states a figure (population
    against the size limit, the crossing note, each accounts figure, the ROBEK status), in page order;
    each such element on the page carries `data-claim` with its index (see `facts.claims`).

    The CSV files are comma-separated UTF-8 with a byte-order mark, the form a Norwegian Excel opens with
    æøå intact; text that Excel would take for a formula is neutralised (see `spreadsheets`). The
    workbook holds the same two tables as sheets. Raises InputFileError when `out_dir` cannot be a folder.
    """
    out = check_out_dir(out_dir)
    paths = {
        "html": out / "screening.html",
        "claims": out / "screening.claims.json",
        "csv": out / "screening.csv",
        "errors_csv": out / "screening_errors.csv",
        "xlsx": out / "screening.xlsx",
    }
    assessments, errors = assessments_frame(result.assessments), errors_frame(result.errors)
    try:
        out.mkdir(parents=True, exist_ok=True)
        write_csv(assessments, paths["csv"])
        write_csv(errors, paths["errors_csv"])
        write_xlsx({"Søknader": assessments, "Feil": errors}, paths["xlsx"])
        log = ClaimLog()
        paths["html"].write_text(render_page(result, log), encoding="utf-8")
        log.write(paths["claims"])
    except OSError as exc:
        raise InputFileError(f"Kunne ikke skrive resultatene til {out}: {exc.strerror or exc}.") from exc
    result.paths = paths
    return paths


def check_out_dir(out_dir: str | Path) -> Path:
    """`out_dir` as a Path; InputFileError if it (or a parent) is an existing file rather than a folder."""
    out = Path(out_dir)
    for folder in (out, *out.parents):
        if folder.exists() and not folder.is_dir():
            raise InputFileError(
                f"--out {out}: {folder} er en fil, ikke en mappe. Oppgi en mappe for resultatene "
                "(den lages om den ikke finnes), f.eks. --out reports/screening."
            )
    return out


def screen_file(path: str | Path, year: int, out_dir: str | Path | None = None) -> ScreeningResult:
    """Read, validate and screen an applications file; write the outputs to `out_dir` if given.

    Parameters
    ----------
    path : CSV (comma or semicolon; UTF-8, UTF-16, Windows-1252 or Latin-1) or .xlsx with the template's
        columns.
    year : application year; population on 1 January of that year decides eligibility.
    out_dir : folder for screening.html, screening.claims.json, screening.csv, screening_errors.csv and
        screening.xlsx.

    Returns
    -------
    ScreeningResult; `.ok` is False when any row was invalid (the valid rows are screened anyway).
    """
    check_year(year)
    if out_dir is not None:
        check_out_dir(out_dir)  # before the work, so a wrong --out costs nothing
    read = read_applications(path, year)
    assessments = screen(read.applications, year)
    result = ScreeningResult(year=year, source=str(path), read=read, assessments=assessments)
    if out_dir is not None:
        write_outputs(result, out_dir)
    return result


def default_out_dir() -> Path:
    """reports/screening (or SAMFUNN_REPORTS_DIR/screening)."""
    return get_settings().reports_dir / "screening"
