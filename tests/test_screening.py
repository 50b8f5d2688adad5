"""Applicant screening: reading files, per-row validation, eligibility on the real snapshot, CLI, outputs."""

from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from samfunn_data import screening
from samfunn_data.cli import main
from samfunn_data.config import PROJECT_ROOT
from samfunn_data.errors import InputFileError
from samfunn_data.screening import applications
from samfunn_data.screening.applications import (
    parse_personnel,
    parse_plan_year,
    parse_yes_no,
    read_applications,
)
from tests.cdp import OFFLINE_FLAGS, check_local_url

FIXTURES = Path(__file__).parent / "fixtures" / "screening"
BAD_ROWS = FIXTURES / "applications_bad_rows.csv"
EXAMPLE = PROJECT_ROOT / "examples" / "applications_example.csv"
SNAPSHOT = PROJECT_ROOT / "data" / "raw" / "snapshot"
HEADER = ",".join(applications.COLUMNS)


@pytest.fixture(scope="module", autouse=True)
def isolated_dirs(tmp_path_factory):
    """The fact base is built once into a temporary data dir; nothing touches the repo's data/processed."""
    data_dir = tmp_path_factory.mktemp("data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("SAMFUNN_DATA_DIR", str(data_dir))
        mp.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path_factory.mktemp("reports")))
        yield data_dir


def _population_from_snapshot() -> pd.DataFrame:
    """Population on 1 January per municipality and year, summed straight from the 07459 parquet."""
    raw = pd.read_parquet(SNAPSHOT / "07459.parquet")
    raw = raw[raw["Region"].str.len() == 4]
    total = raw.groupby(["Region", "Tid"])["value"].sum().reset_index()
    total["year"] = total["Tid"].astype(int)
    return total.pivot(index="Region", columns="year", values="value")


def _write(path: Path, rows: list[str], encoding: str = "utf-8", header: str = HEADER) -> Path:
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


# ---------------------------------------------------------------- parsing single fields


@pytest.mark.parametrize(("text", "fte"), [
    ("0.5", 0.5), ("0,5", 0.5), ("50 %", 0.5), ("50%", 0.5), ("50\u00a0%", 0.5), ("0,5 årsverk", 0.5),
    ("1", 1.0), ("2 årsverk", 2.0), (",75", 0.75), ("150 %", 1.5), ("0", 0.0), ("20 % stilling", 0.2),
])
def test_personnel_is_read_in_the_ways_coordinators_write_it(text, fte):
    assert parse_personnel(text) == pytest.approx(fte)


@pytest.mark.parametrize("text", ["en halv stilling", "0,5 + 0,2", "-1", "ca. 1", "1/2"])
def test_unreadable_personnel_says_how_to_write_it(text):
    with pytest.raises(ValueError, match="0,5") as info:
        parse_personnel(text)
    assert text in str(info.value)


def test_a_bare_large_number_is_taken_as_a_missing_percent_sign():
    with pytest.raises(ValueError, match="50 %"):
        parse_personnel("50")


@pytest.mark.parametrize(("text", "value"), [("ja", True), ("Ja", True), ("JA ", True), ("nei", False),
                                             ("Nei", False), ("yes", True), ("no", False), ("True", True)])
def test_yes_no(text, value):
    assert parse_yes_no(text) is value


def test_yes_no_rejects_anything_else():
    with pytest.raises(ValueError, match="«ja» eller «nei»"):
        parse_yes_no("kanskje")


def test_plan_year_in_the_future_is_an_error_naming_both_years():
    with pytest.raises(ValueError, match="2031.*2020"):
        parse_plan_year("2031", 2020)
    assert parse_plan_year("2020", 2020) == 2020
    assert parse_plan_year("2016.0", 2020) == 2016  # Excel hands integers over as floats
    assert parse_plan_year("ingen", 2020) is None
    with pytest.raises(ValueError, match="årstall"):
        parse_plan_year("17", 2020)


def test_plan_age_against_the_four_year_cycle():
    assert screening.elections_since(2015, 2020) == [2019]
    assert screening.elections_since(2010, 2024) == [2011, 2015, 2019, 2023]
    age, text = screening.plan_status(2010, 2020)
    assert age == 10 and "mer enn to planperioder" in text and "2011, 2015, 2019" in text
    age, text = screening.plan_status(2018, 2020)
    assert age == 2 and "innenfor én fireårig planperiode" in text
    assert screening.plan_status(None, 2020) == (None, "Ingen vedtatt samfunnsdel (oppgitt av kommunen).")


# ---------------------------------------------------------------- reading files


def test_every_kind_of_bad_row_is_reported_and_the_good_rows_survive():
    result = read_applications(BAD_ROWS, 2020)
    by_row: dict[int, list] = {}
    for e in result.errors:
        by_row.setdefault(e.row, []).append(e)
    # rows as a spreadsheet numbers them (header = 1); row 9 is blank and skipped silently
    assert sorted(by_row) == [3, 4, 5, 6, 7, 8, 10, 11, 13, 14]
    assert by_row[3][0].field == "kommune" and "Tydal" in by_row[3][0].message  # suggestion
    retired = by_row[4][0].message
    assert "1850" in retired and "1806" in retired and "1875" in retired and "2020" in retired
    assert by_row[5][0].field == "samfunnsdel_vedtatt" and "framtiden" in by_row[5][0].message
    assert by_row[6][0].field == "framdriftsplan" and "mangler" in by_row[6][0].message
    assert by_row[7][0].field == "personellressurs" and "en halv stilling" in by_row[7][0].message
    assert by_row[8][0].field == "har_statistikk"
    assert {e.field for e in by_row[10]} == {"samfunnsdel_vedtatt", "kontaktperson"}  # all, not the first
    assert "rad 2" in by_row[11][0].message  # the duplicate names the first application
    ambiguous = by_row[13][0].message  # Herøy is both 1515 (Møre og Romsdal) and 1818 (Nordland)
    assert "1515" in ambiguous and "1818" in ambiguous and "kommunenummeret" in ambiguous
    assert "anførselstegn" in by_row[14][0].message  # an unquoted comma in free text: 7 fields, not 6
    assert [a.kommune.code for a in result.applications] == ["5033", "1824"]
    assert result.n_rows == 12


def test_encodings_and_delimiters_give_the_same_applications(tmp_path):
    rows = ['Træna,2015,"Planstrategi 2020, samfunnsdel 2021",ja,"0,5",Eksempel Planlegger',
            "Røst,ingen,Oppstart 2020,nei,50 %,Eksempel Rådgiver"]
    semicolon = ["Træna;2015;Planstrategi 2020, samfunnsdel 2021;ja;0,5;Eksempel Planlegger",
                 "Røst;ingen;Oppstart 2020;nei;50 %;Eksempel Rådgiver"]
    files = [
        _write(tmp_path / "utf8.csv", rows),
        _write(tmp_path / "bom.csv", rows, "utf-8-sig"),
        _write(tmp_path / "latin1.csv", semicolon, "latin-1", HEADER.replace(",", ";")),
        _write(tmp_path / "cp1252.csv", semicolon, "cp1252", HEADER.replace(",", ";")),
    ]
    seen = []
    for path in files:
        result = read_applications(path, 2020)
        assert result.errors == [], path.name
        seen.append([(a.kommune.code, a.samfunnsdel_vedtatt, a.personellressurs, a.har_statistikk,
                      a.kontaktperson) for a in result.applications])
    assert seen[0] == [("1835", 2015, 0.5, True, "Eksempel Planlegger"),
                       ("1856", None, 0.5, False, "Eksempel Rådgiver")]
    assert all(s == seen[0] for s in seen)


def test_excel_input_with_numeric_cells(tmp_path):
    frame = pd.DataFrame({
        "Kommune": ["Træna", "1816"], "Samfunnsdel vedtatt": [2015, 2012],
        "Framdriftsplan": ["Planstrategi 2020", "Planprogram 2020"], "Har statistikk": ["Ja", "nei"],
        "Personellressurs": [0.5, "50 %"], "Kontaktperson": ["Eksempel Planlegger", "Eksempel Rådgiver"],
    })
    path = tmp_path / "soknader.xlsx"
    frame.to_excel(path, index=False)
    result = read_applications(path, 2020)
    assert result.errors == []
    got = [(a.row, a.kommune.name, a.samfunnsdel_vedtatt, a.personellressurs) for a in result.applications]
    assert got == [(2, "Træna", 2015, 0.5), (3, "Vevelstad", 2012, 0.5)]


@pytest.mark.parametrize(("content", "suffix", "message"), [
    (None, ".csv", "Fant ikke"),
    (b"", ".csv", "tom"),
    (b"kommune;aar\nTydal;2016\n", ".csv", "mangler kolonne"),
    (b"PK\x03\x04 not really a zip", ".xlsx", "Excel"),
    (HEADER.encode(), ".pdf", "filtype"),
])
def test_unreadable_files_raise_input_file_error(tmp_path, content, suffix, message):
    path = tmp_path / f"soknader{suffix}"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputFileError, match=message):
        read_applications(path, 2020)


def test_missing_columns_are_named(tmp_path):
    path = _write(tmp_path / "a.csv", ["Tydal,2016"], header="kommune,samfunnsdel_vedtatt")
    with pytest.raises(InputFileError) as info:
        read_applications(path, 2020)
    for column in ("framdriftsplan", "har_statistikk", "personellressurs", "kontaktperson"):
        assert column in str(info.value)


# ---------------------------------------------------------------- eligibility on the real snapshot


def _crossing() -> tuple[str, int, int]:
    """A real NL/TR municipality under 2,500 on 1 January one year and not under it the next (or back)."""
    pop = _population_from_snapshot()
    pop = pop[pop.index.str[:2].isin(["18", "50"])]
    for code, series in pop.iterrows():
        for year in range(2010, int(pop.columns.max())):
            a, b = series.get(year), series.get(year + 1)
            if pd.notna(a) and pd.notna(b) and (a < 2500) != (b < 2500):
                return str(code), year, year + 1
    raise AssertionError("no municipality crosses 2,500 in the snapshot")


def test_an_applicant_crossing_2500_is_eligible_in_one_year_and_not_the_other(tmp_path):
    code, year_a, year_b = _crossing()
    pop = _population_from_snapshot()
    path = _write(tmp_path / "one.csv", [f"{code},2016,Planstrategi,ja,0.5,Eksempel Planlegger"])
    rows = {}
    for year in (year_a, year_b):
        result = screening.screen_file(path, year, tmp_path / str(year))
        out = pd.read_csv(result.paths["csv"], dtype=str)
        rows[year] = out.iloc[0]
        assert int(rows[year]["folketall"]) == pop.loc[code, year]
        assert rows[year]["eligible"] == str(bool(pop.loc[code, year] < 2500)).lower()
    assert rows[year_a]["eligible"] != rows[year_b]["eligible"]
    ineligible = rows[year_a] if rows[year_a]["eligible"] == "false" else rows[year_b]
    assert ineligible["kategori"] == "Ikke aktuell" and "ikke under 2" in ineligible["begrunnelse"]


def test_the_example_file_screens_cleanly_with_the_expected_decisions(tmp_path):
    result = screening.screen_file(EXAMPLE, 2020, tmp_path)
    assert result.ok and len(result.assessments) == 8
    out = pd.read_csv(result.paths["csv"], dtype=str).set_index("kommune")
    pop = _population_from_snapshot()
    for name, row in out.iterrows():
        assert int(row["folketall"]) == pop.loc[row["kommunenr"], 2020], name
    assert out.loc["Vefsn", "eligible"] == "false" and out.loc["Vefsn", "kategori"] == "Ikke aktuell"
    assert out.loc["Utsira", "eligible"] == "false" and "Rogaland" in out.loc["Utsira", "begrunnelse"]
    assert out.loc["Træna", "eligible"] == "true" and out.loc["Træna", "kategori"] == "Aktuell"
    assert out.loc["Osen", "kategori"] == "Aktuell med forbehold"  # no staff set aside
    assert "personellressurs" in out.loc["Osen", "begrunnelse"]
    # statistics measured from the fact base: NL/TR-only tables give nothing for Utsira
    assert "medianinntekt" in out.loc["Utsira", "kjerneindikatorer_mangler"]
    assert pd.isna(out.loc["Træna", "kjerneindikatorer_mangler"])
    assert out.loc["Træna", "kjerneindikatorer_tilgjengelig"] == out.loc["Træna", "kjerneindikatorer_totalt"]
    assert out.loc["Rennebu", "eligible"] == "true"  # 2 486 on 1 January 2020, 2 501 a year before
    assert "krysset grensen" in out.loc["Rennebu", "merknader"]


def test_statistics_adequacy_follows_the_fact_base(tmp_path):
    from samfunn_data.facts import factbase

    result = screening.screen_file(EXAMPLE, 2024, tmp_path)
    traena = next(a for a in result.assessments if a.kommune.code == "1835")
    facts = factbase.as_of("1835", 2024)
    for status in traena.indicators:
        rows = facts[(facts["indicator"] == status.indicator) & facts["value"].notna()]
        if status.projection:
            continue  # dated by when SSB made it: see the next test
        assert status.latest_year == int(rows["year"].max())
        graded = rows.loc[rows["year"] == status.latest_year, "robustness"].iloc[-1]
        assert status.robustness == (None if pd.isna(graded) else graded)
        assert status.latest_year <= 2024


def test_a_projection_is_dated_by_when_ssb_made_it_not_by_the_application_year(tmp_path):
    # Table 14288 holds SSB's 2024 projections: a 2020 screening must not present them as from 2020.
    result = screening.screen_file(EXAMPLE, 2020, tmp_path)
    traena = next(a for a in result.assessments if a.kommune.code == "1835")
    projection = next(s for s in traena.indicators if s.indicator == "framskrevet_2030")
    assert projection.projection and projection.latest_year == 2024
    assert projection.lag is None


# ---------------------------------------------------------------- CLI and outputs


def test_cli_on_the_example_exits_0_and_writes_html_and_csv(tmp_path, capsys):
    out = tmp_path / "screening"
    assert main(["screen", str(EXAMPLE), "--year", "2020", "--out", str(out)]) == 0
    frame = pd.read_csv(out / "screening.csv", dtype=str)
    assert {"kommunenr", "eligible"} <= set(frame.columns)
    assert set(frame["eligible"]) == {"true", "false"}
    assert pd.read_csv(out / "screening_errors.csv").empty
    page = (out / "screening.html").read_text(encoding="utf-8")
    for name in ("Træna", "Vevelstad", "Vefsn", "Utsira"):
        assert name in page
    assert not re.search(r"""(src|href)=["']https?://""", page)  # self-contained: no CDN
    assert "aria-sort" in page  # the sorting script is inline
    assert "screening.html" in capsys.readouterr().out


def test_cli_on_bad_rows_screens_the_good_ones_lists_every_bad_row_and_fails(tmp_path, capsys):
    out = tmp_path / "screening"
    code = main(["screen", str(BAD_ROWS), "--year", "2020", "--out", str(out)])
    assert code != 0
    err = capsys.readouterr().err
    for row in (3, 4, 5, 6, 7, 8, 10, 11, 13, 14):
        assert f"rad {row} " in err or f"rad {row}," in err
    frame = pd.read_csv(out / "screening.csv", dtype=str)
    assert list(frame["kommunenr"]) == ["5033", "1824"] or sorted(frame["kommunenr"]) == ["1824", "5033"]
    errors = pd.read_csv(out / "screening_errors.csv")
    assert sorted(set(errors["rad"])) == [3, 4, 5, 6, 7, 8, 10, 11, 13, 14]
    page = (out / "screening.html").read_text(encoding="utf-8")
    assert "Feil i søknadsfilen" in page and "Tydall" in page and "1806" in page


def test_cli_on_a_missing_file_exits_1_with_a_clear_message(tmp_path, capsys):
    code = main(["screen", str(tmp_path / "finnes-ikke.csv"), "--year", "2020", "--out", str(tmp_path)])
    assert code == 1
    assert "Fant ikke søknadsfilen" in capsys.readouterr().err


def test_a_year_outside_the_data_fails_before_reading(tmp_path, capsys):
    code = main(["screen", str(EXAMPLE), "--year", "1900", "--out", str(tmp_path / "x")])
    assert code == 1
    assert "1900" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_errors_csv_is_readable_by_a_spreadsheet(tmp_path):
    result = screening.screen_file(BAD_ROWS, 2020, tmp_path)
    assert result.paths["errors_csv"].read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads æøå
    with result.paths["errors_csv"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[0].keys() == {"rad", "kommune", "felt", "melding"}
    assert len(rows) == len(result.errors)


@pytest.mark.slow
def test_screening_notebook_runs_with_papermill(tmp_path):
    import papermill

    notebook = PROJECT_ROOT / "notebooks" / "screening.ipynb"
    assert set(papermill.inspect_notebook(str(notebook))) == {"applications", "year", "out_dir"}
    papermill.execute_notebook(
        str(notebook), str(tmp_path / "out.ipynb"), kernel_name="python3", progress_bar=False,
        parameters={"applications": str(BAD_ROWS), "year": 2020, "out_dir": str(tmp_path / "screening")},
    )
    frame = pd.read_csv(tmp_path / "screening" / "screening.csv", dtype=str)
    assert sorted(frame["kommunenr"]) == ["1824", "5033"]
    assert len(pd.read_csv(tmp_path / "screening" / "screening_errors.csv")) == 11


@pytest.mark.slow
def test_sorting_the_page_in_a_real_browser(tmp_path):
    """Click "Folketall" twice in headless Chromium: rows come out ascending, then descending."""
    import shutil
    import subprocess

    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed (the CI script installs it)")
    result = screening.screen_file(EXAMPLE, 2020, tmp_path)
    page = result.paths["html"].read_text(encoding="utf-8")
    orders = []
    for clicks in (1, 2):
        click = "var th=document.querySelectorAll('#soknader th')[1];" + "th.click();" * clicks
        probe = tmp_path / f"probe{clicks}.html"
        probe.write_text(page.replace("</body>", f"<script>{click}</script></body>"), encoding="utf-8")
        dom = subprocess.run(
            [browser, *OFFLINE_FLAGS, f"--user-data-dir={tmp_path / 'profile'}", "--dump-dom",
             check_local_url(probe.as_uri())],
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout
        body = dom.split('id="soknader"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
        rows = body.split("<tr>")[1:]  # the population is the first right-aligned cell of each row
        orders.append([int(re.search(r'<td class="num" data-sort="(-?\d+)">', r)[1]) for r in rows])
    expected = sorted(a.population for a in result.assessments)
    assert orders[0] == expected
    assert orders[1] == expected[::-1]


@pytest.mark.slow
def test_the_applicants_table_fits_a_laptop_screen_and_an_a4_print(tmp_path):
    """Twelve columns at 1280 px, and on paper; a narrow window scrolls the table, never the page."""
    import json
    import subprocess

    from tests.cdp import Browser, chromium_path

    if chromium_path() is None:
        pytest.skip("chromium is not installed (the CI script installs it)")
    result = screening.screen_file(EXAMPLE, 2020, tmp_path)
    measure = """JSON.stringify({page: document.documentElement.scrollWidth, window: window.innerWidth,
      table: document.getElementById('soknader').scrollWidth,
      box: document.getElementById('soknader').parentElement.clientWidth})"""
    sizes = {}
    with Browser() as browser:
        for width in (900, 1280):  # print from the laptop-sized window
            browser.open(result.paths["html"].as_uri(), width=width)
            sizes[width] = json.loads(browser.evaluate(measure))
        pdf = tmp_path / "screening.pdf"
        pdf.write_bytes(browser.pdf())
    assert sizes[1280]["table"] <= sizes[1280]["box"], sizes
    assert sizes[900]["page"] <= sizes[900]["window"] and sizes[900]["table"] > sizes[900]["box"], sizes
    # on paper (A4 landscape, the page's print CSS) every column is printed: the last one's header too
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout \
        if shutil.which("pdftotext") else None
    if text is not None:
        first_page = text.split("\f")[0]
        assert "Kontaktperson" in first_page and "Rådgiver" in first_page  # the last column
