"""The fact base build: files, determinism, incrementality, loading, comparisons, as_of and changes."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from samfunn_data import cli
from samfunn_data.config import Settings
from samfunn_data.errors import (
    FactbaseError,
    MunicipalityChangedError,
    SnapshotError,
    UnknownMunicipalityError,
)
from samfunn_data.facts import factbase
from tests import factbase_fixtures as fx


@pytest.fixture
def settings(tmp_path) -> Settings:
    fx.write_snapshot(tmp_path / "snap")
    return Settings(data_dir=tmp_path / "data", snapshot_dir=tmp_path / "snap")


def build(settings, **kwargs):
    return factbase.build(settings=settings, participants=["1811", "5001"], **kwargs)


def one(frame: pd.DataFrame, **where) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, wanted in where.items():
        mask &= frame[column] == wanted
    rows = frame[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return rows.iloc[0]


# ---------------------------------------------------------------- build, determinism, incrementality

def test_build_writes_facts_comparisons_and_state_with_provenance(settings):
    result = build(settings)
    processed = settings.processed_dir
    assert not result.skipped and result.facts_rows > 0
    facts = pd.read_parquet(processed / "facts.parquet")
    assert list(facts.columns) == factbase.FACT_COLUMNS
    row = one(facts, kommunenr="1811", year=2020, indicator="sysselsatte_per_100")
    assert row["source_table"] == "07984+07459" and row["vintage"] == "2026-01-01+2026-01-01"
    assert row["level"] == "kommune" and row["unit"] == "per 100" and row["robustness"] == "solid"
    state = json.loads((processed / "build-state.json").read_text())
    assert set(state["inputs"]) >= {"07459", "06913", "14288"}


def test_same_inputs_give_the_same_bytes(settings, tmp_path):
    build(settings)
    first = {name: (settings.processed_dir / name).read_bytes()
             for name in ("facts.parquet", "comparisons.parquet", "build-state.json")}
    other = Settings(data_dir=tmp_path / "other", snapshot_dir=settings.snapshot_dir)
    build(other, force=True)
    for name, data in first.items():
        assert (other.processed_dir / name).read_bytes() == data, f"{name} differs between two builds"


def test_second_build_with_nothing_changed_does_nothing(settings):
    build(settings)
    before = (settings.processed_dir / "facts.parquet").stat().st_mtime_ns
    result = build(settings)
    assert result.skipped and result.recomputed == []
    assert (settings.processed_dir / "facts.parquet").stat().st_mtime_ns == before


def test_a_changed_table_recomputes_only_its_indicators_and_keeps_the_old_facts(settings):
    build(settings)
    edu = fx.education_09429()
    edu.loc[(edu["Region"] == "1811") & (edu["Nivaa"] == "04a"), "value"] = 12.0  # SSB revises a figure
    edu.to_parquet(settings.snapshot_dir / "09429.parquet", index=False)
    result = build(settings)
    assert result.recomputed == ["education"]
    assert result.archived is not None
    facts = factbase.load(settings=settings)
    share = one(facts, kommunenr="1811", year=2021, indicator="andel_hoyere_utdanning")["value"]
    assert share == pytest.approx(100 * 42 / 150)
    assert one(facts, kommunenr="1811", year=2019, indicator="folkemengde")["value"] == 180  # kept
    # a full rebuild gives exactly what the incremental one gave
    incremental = (settings.processed_dir / "facts.parquet").read_bytes()
    build(settings, force=True)
    assert (settings.processed_dir / "facts.parquet").read_bytes() == incremental

    revised = factbase.changes("1811", vintage="previous", settings=settings)
    assert set(revised["indicator"]) == {"andel_hoyere_utdanning", "andel_hoyere_utdanning_lang"}
    row = one(revised, indicator="andel_hoyere_utdanning_lang")
    assert row["from_value"] == pytest.approx(4.0) and row["to_value"] == pytest.approx(8.0)


def test_new_participants_only_recompute_the_comparisons(settings):
    factbase.build(settings=settings, participants=["1811"])
    facts_before = (settings.processed_dir / "facts.parquet").read_bytes()
    result = factbase.build(settings=settings, participants=["1812"])
    assert not result.skipped and result.recomputed == []
    assert (settings.processed_dir / "facts.parquet").read_bytes() == facts_before
    row = one(factbase.comparisons("1811", 2019, settings=settings), indicator="folkemengde")
    assert row["network_median"] == 100  # 1812 alone


def test_damaged_state_file_means_a_full_rebuild_not_a_crash(settings):
    build(settings)
    (settings.processed_dir / "build-state.json").write_text("{not json")
    result = build(settings)
    assert not result.skipped and "population_totals" in result.recomputed


def test_a_damaged_table_is_a_clear_error_and_the_previous_fact_base_survives(settings):
    build(settings)
    before = (settings.processed_dir / "facts.parquet").read_bytes()
    (settings.snapshot_dir / "09429.parquet").write_bytes(b"this is not parquet")
    with pytest.raises(SnapshotError, match="09429.parquet.*make snapshot"):
        build(settings)
    assert (settings.processed_dir / "facts.parquet").read_bytes() == before
    assert len(factbase.load("1811", 2021, settings=settings)) > 0


def test_a_table_without_the_expected_columns_names_what_is_missing(settings):
    fx.flows_06913().rename(columns={"ContentsCode": "Statistikkvariabel"}).to_parquet(
        settings.snapshot_dir / "06913.parquet", index=False)
    with pytest.raises(FactbaseError, match="06913 has no column.*ContentsCode"):
        build(settings)


def test_missing_population_table_is_a_clear_error(tmp_path):
    fx.write_snapshot(tmp_path / "snap", tables=["06913"])
    settings = Settings(data_dir=tmp_path / "data", snapshot_dir=tmp_path / "snap")
    with pytest.raises(FactbaseError, match="07459.*samfunn fetch"):
        factbase.build(settings=settings, participants=[])
    assert not (settings.processed_dir / "facts.parquet").exists()


def test_a_missing_optional_table_leaves_its_indicators_out_and_says_so(tmp_path):
    fx.write_snapshot(tmp_path / "snap", tables=["07459", "06913"])
    settings = Settings(data_dir=tmp_path / "data", snapshot_dir=tmp_path / "snap")
    result = factbase.build(settings=settings, participants=[])
    assert "09429" in result.missing_tables and "09429" in result.summary()
    facts = factbase.load(settings=settings)
    built = set(facts["indicator"])
    assert "folkemengde" in built and "andel_hoyere_utdanning" not in built


# ---------------------------------------------------------------- load

def test_load_builds_when_missing_and_filters_by_code_and_year(settings):
    assert not (settings.processed_dir / "facts.parquet").exists()
    facts = factbase.load("1811", 2020, settings=settings)
    assert (settings.processed_dir / "facts.parquet").exists()
    assert set(facts["kommunenr"]) == {"1811"} and set(facts["year"]) == {2020}
    assert one(facts, indicator="folkemengde")["value"] == 182
    assert set(factbase.load("18", [2019, 2020], settings=settings)["year"]) == {2019, 2020}


@pytest.mark.skipif(not fx.real_snapshot_present(), reason="the embedded snapshot is not imported")
def test_load_by_name_equals_load_by_code_on_real_data():
    settings = fx.real_settings()
    by_name = factbase.load("tydal", 2023, settings=settings)
    by_code = factbase.load("5033", 2023, settings=settings)
    pd.testing.assert_frame_equal(by_name, by_code)
    assert one(by_code, indicator="folkemengde")["value"] > 0


@pytest.mark.skipif(not fx.real_snapshot_present(), reason="the embedded snapshot is not imported")
def test_unknown_and_retired_municipalities_raise_helpful_errors():
    settings = fx.real_settings()
    with pytest.raises(UnknownMunicipalityError):
        factbase.load("Atlantis", settings=settings)
    with pytest.raises(MunicipalityChangedError):
        factbase.load("1850", settings=settings)  # Tysfjord, split in 2020


# ---------------------------------------------------------------- comparisons

def test_comparisons_small_group_rank_and_network(settings):
    build(settings)
    comp = factbase.comparisons(settings=settings)
    # 2019: 1811 has 180 and 1812 has 100 inhabitants (small); 5001 has 3,002 (not small)
    row = one(comp, kommunenr="1811", year=2019, indicator="folkemengde")
    assert row["small_median"] == 140 and row["small_q1"] == 120 and row["small_q3"] == 160
    assert row["small_n"] == 2 and row["rank_small"] == 1 and row["n_ranked"] == 2
    assert row["network_median"] == (180 + 3002) / 2  # participants 1811 and 5001
    assert row["county_value"] == 280 and row["country_value"] == 3282
    assert one(comp, kommunenr="1812", year=2019, indicator="folkemengde")["rank_small"] == 2
    assert pd.isna(one(comp, kommunenr="5001", year=2019, indicator="folkemengde")["rank_small"])


def test_comparisons_only_claim_differences_beyond_noise(settings):
    build(settings)
    comp = factbase.comparisons("1811", 2019, settings=settings)
    # 80+: 20 of 180 (11.1 %) against Nordland's 20 of 280 (7.1 %): the gap is within noise
    assert one(comp, indicator="andel_80_pluss")["vs_county"] == "no clear difference"
    # median age 30.4 against Norway's 20.5 (3,282 people, mostly aged 20): clearly higher
    assert one(comp, indicator="medianalder")["vs_country"] == "higher"
    # absolute counts are never compared with a county
    assert one(comp, indicator="folkemengde")["vs_county"] == "unavailable"
    # household income has no county figure in the data
    income = factbase.comparisons("1811", 2021, settings=settings)
    assert one(income, indicator="medianinntekt")["vs_county"] == "unavailable"


# ---------------------------------------------------------------- as_of and changes

def test_as_of_shows_only_what_was_known_in_the_report_year(settings):
    build(settings)
    facts = factbase.as_of("1811", 2021, settings=settings)
    years = facts.groupby("indicator")["year"].max()
    assert years["folkemengde"] == 2021  # 1 January of the report year
    assert years["fodselsoverskudd"] == 2020  # flows: the calendar year before
    assert years["sysselsatte_per_100"] == 2020  # 4th quarter: known after the year ended
    assert facts["year"].max() <= 2021
    # SSB's 2024 projections are filed under each report year from 2020, but were not known in 2021
    stored = factbase.load("1811", settings=settings)
    assert set(stored.loc[stored["indicator"] == "framskrevet_2030_pst", "year"]) >= {2021}
    assert facts.loc[facts["indicator"].str.startswith("framskrevet")].empty
    kept = factbase.as_of("1811", 2021, settings=settings, later_projections=True)
    assert set(kept.loc[kept["indicator"] == "framskrevet_2030_pst", "year"]) == {2021}


def test_changes_since_a_year_with_assessment(settings):
    build(settings)
    table = factbase.changes("1811", since_year=2019, settings=settings)
    row = one(table, indicator="folkemengde")
    assert (row["from_year"], row["from_value"], row["to_year"], row["to_value"]) == (2019, 180, 2022, 186)
    # only three one-year changes in the fixture: too few to judge a count's swings
    assert row["change"] == 6 and row["assessment"] == "unavailable"
    # a share falls back on its binomial standard errors: 11.1 % (20/180) -> 10.8 % (20/186)
    share = one(table, indicator="andel_80_pluss")
    assert share["to_value"] == pytest.approx(100 * 20 / 186)
    assert share["assessment"] == "no clear difference"
    assert share["title"] == "Andel 80 år og eldre"
    # values that did not move (or by less than the last shown decimal: median age 30.43) are not changes
    unchanged = {"antall_80_pluss", "sentralitetsklasse", "medianalder"}
    assert not unchanged & set(table["indicator"])


@pytest.mark.skipif(not fx.real_snapshot_present(), reason="the embedded snapshot is not imported")
@pytest.mark.parametrize("code", ["5033", "1811", "1874"])
def test_change_over_ten_years_is_judged_against_the_municipalitys_own_swings(code):
    raw = pd.read_parquet(fx.REAL_SNAPSHOT / "07459.parquet", columns=["Region", "Tid", "value"])
    totals = raw[raw["Region"] == code].groupby(raw["Tid"].astype(int))["value"].sum().sort_index()
    steps = totals.diff().dropna()
    noise = 1.96 * steps.std(ddof=1) * (10 ** 0.5)
    change = totals[2026] - totals[2016]
    expected = "no clear difference" if abs(change) <= noise else ("higher" if change > 0 else "lower")
    table = factbase.changes(code, since_year=2016, settings=fx.real_settings())
    row = one(table, indicator="folkemengde")
    assert (row["from_year"], row["to_year"], row["change"]) == (2016, 2026, change)
    assert row["assessment"] == expected


def test_changes_against_an_earlier_build_needs_one(settings):
    build(settings)
    with pytest.raises(FactbaseError, match="no earlier build"):
        factbase.changes("1811", vintage="previous", settings=settings)


# ---------------------------------------------------------------- CLI

def test_build_and_changes_commands(settings, monkeypatch, capsys):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(settings.snapshot_dir))
    monkeypatch.setattr(factbase, "_participants", lambda: ["1811"])
    assert cli.main(["build"]) == 0
    assert "bygget" in capsys.readouterr().out
    assert cli.main(["build"]) == 0
    assert "faktagrunnlaget er oppdatert" in capsys.readouterr().out
    assert cli.main(["changes", "1811", "--since", "2020"]) == 0
    out = capsys.readouterr().out
    assert "folkemengde" in out and "2020" in out and "2022" in out
    assert cli.main(["changes", "1811", "--vintage", "previous"]) == 1
    assert "no earlier build" in capsys.readouterr().err


# ---------------------------------------------------------------- fetched vintages in the raw store

def _jsonstat_09429(values: list[float]) -> bytes:
    dims = {"Region": ["1811"], "Nivaa": ["00", "03a", "04a"], "Kjonn": ["0"], "ContentsCode": ["Personer"],
            "Tid": ["2021"]}
    doc = {"version": "2.0", "class": "dataset", "label": "09429", "id": list(dims),
           "size": [len(codes) for codes in dims.values()], "value": values,
           "dimension": {dim: {"label": dim, "category": {"index": {c: i for i, c in enumerate(codes)},
                                                          "label": {c: c for c in codes}}}
                         for dim, codes in dims.items()}}
    return json.dumps(doc).encode()


def _store_09429_vintage(settings, values: list[float], day) -> None:
    from datetime import UTC, datetime

    from samfunn_data.ssb.client import FetchResult, RawResponse
    from samfunn_data.ssb.query import HttpRequest, Query
    from samfunn_data.ssb.store import RawStore

    query = Query.build("09429", {"Region": "1811", "Nivaa": "00,03a,04a", "Kjonn": "0",
                                  "ContentsCode": "Personer", "Tid": "2021"})
    request = HttpRequest("GET", "http://127.0.0.1:1/api/pxwebapi/v2/tables/09429/data")
    response = RawResponse(request, 200, _jsonstat_09429(values), "application/json", "v2")
    RawStore(settings.store_dir).save(FetchResult(query, (response,), "v2"), None,
                                      now=datetime(*day, tzinfo=UTC))


def test_a_fetched_vintage_older_than_the_snapshot_does_not_override_it(settings):
    _store_09429_vintage(settings, [150.0, 30.0, 20.0], (2025, 6, 1))  # snapshot vintage: 2026-01-01
    build(settings)
    row = one(factbase.load("1811", 2021, settings=settings), indicator="andel_hoyere_utdanning_lang")
    assert row["value"] == pytest.approx(100 * 6 / 150)
    assert row["vintage"] == "2026-01-01 / 2025-06-01"


def test_a_fetched_vintage_in_the_store_wins_over_the_snapshot_cell_by_cell(settings):
    build(settings)
    _store_09429_vintage(settings, [150.0, 30.0, 20.0], (2026, 11, 2))
    result = build(settings)
    assert result.recomputed == ["education"]
    facts = factbase.load(settings=settings)
    row = one(facts, kommunenr="1811", year=2021, indicator="andel_hoyere_utdanning")
    assert row["value"] == pytest.approx(100 * 50 / 150)  # the fetched 04a = 20 replaced the snapshot's 6
    assert row["vintage"] == "2026-11-02 / 2026-01-01"
    # 1812 was not fetched: its snapshot figure stays
    kept = one(facts, kommunenr="1812", year=2021, indicator="andel_hoyere_utdanning")["value"]
    assert kept == pytest.approx(100 * 10 / 90)
    assert build(settings).skipped  # the store is unchanged: nothing to do
