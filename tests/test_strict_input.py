"""Strict parsing (issue 12, item 6): a municipality field is one code or one name with nothing left over,
and `--jobs` is at least 1. Before, "5033 5026" and "5033 Holtålen" silently became Tydal alone."""

from __future__ import annotations

import csv

import pytest

from samfunn_data import screening
from samfunn_data.cli import main
from samfunn_data.errors import NotOneMunicipalityError
from samfunn_data.facts import municipalities
from samfunn_data.screening import applications
from tests.report_fixtures import SNAPSHOT, built_data_dir, environment


@pytest.fixture(autouse=True)
def _no_reports_in_the_repo(tmp_path, monkeypatch):
    """Should a refusal regress, a report run must not write into the repository's reports/."""
    monkeypatch.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path / "reports"))


@pytest.mark.parametrize("text, codes", [
    ("5033 5026", ["5033", "5026"]),
    ("5033 Holtålen", ["5033", "5026"]),
    ("K-5033 holtalen", ["5033", "5026"]),
    ("Tydal Holtålen", ["5033", "5026"]),
    ("Tydal 5026", ["5033", "5026"]),
    ("1835 Træna Tydal", ["1835", "5033"]),
    ("5033 xyz", ["5033"]),
])
def test_a_field_with_more_than_one_municipality_is_refused(text, codes):
    with pytest.raises(NotOneMunicipalityError) as info:
        municipalities.lookup(text)
    assert [m.code for m in info.value.candidates] == codes
    assert "gi ett nummer eller ett navn" in str(info.value)


@pytest.mark.parametrize("text", ["5033 Tydal", "K-1835 Træna", "1835  traena", "1874 Moskenes"])
def test_a_number_followed_by_its_own_name_is_still_one_municipality(text):
    assert municipalities.lookup(text).code == text.split()[0].removeprefix("K-")


@pytest.mark.parametrize("kommuner, example", [("5033 5026", "5033,5026"),
                                               ("1874, 5033 Holtålen", "5033,5026")])
def test_reports_refuses_a_space_separated_list_with_exit_2(capsys, kommuner, example):
    with pytest.raises(SystemExit) as info:
        main(["reports", "--kommuner", kommuner, "--years", "2023", "--no-progress"])
    assert info.value.code == 2
    err = capsys.readouterr().err.lower()
    assert "argument --kommuner" in err
    assert f"skill kommunene med komma, f.eks. --kommuner {example}" in err


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_below_one_is_a_usage_error(capsys, jobs):
    with pytest.raises(SystemExit) as info:
        main(["reports", "--kommuner", "5033", "--years", "2023", "--jobs", jobs, "--no-progress"])
    assert info.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_an_application_row_naming_two_municipalities_is_a_row_error(tmp_path, capsys):
    source = tmp_path / "soknader.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([
            applications.COLUMNS,
            ["5033 Holtålen", "2014", "Planstrategi 2020", "ja", "0,5", "Ola"],
            ["1835 Træna", "2015", "Planstrategi 2020", "ja", "0,5", "Kari"],
            ["1874 5026", "2016", "Planstrategi 2020", "nei", "1", "Per"],
        ])
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT):
        read = screening.read_applications(source, 2020)
        code = main(["screen", str(source), "--year", "2020", "--out", str(tmp_path / "out")])
    assert [a.kommune.code for a in read.applications] == ["1835"]  # the other rows are still screened
    assert [(e.row, e.field) for e in read.errors] == [(2, "kommune"), (4, "kommune")]
    first, second = (e.message for e in read.errors)
    assert "5033 Tydal" in first and "5026 Holtålen" in first
    assert "Skriv ett kommunenummer eller ett navn" in first and "sin egen rad" in first
    assert "1874 Moskenes" in second and "5026 Holtålen" in second
    assert code == 3 and "rad 2 (5033 Holtålen), kommune" in capsys.readouterr().err
