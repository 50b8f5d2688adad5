"""pxwebpy (a third-party PxWebApi 2.0 client) against the loopback server: if it works here, the server
answers the way SSB does for what a real client relies on (/config, /tables, metadata, codelists, data)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

pxweb = pytest.importorskip("pxweb")  # pxwebpy 0.6 (dev extra)

POPULATION = pd.read_parquet(Path(__file__).parents[1] / "data" / "raw" / "snapshot" / "07459.parquet")


@pytest.fixture
def api(pxweb):  # noqa: F811 - the loopback server fixture shares the module's name
    client = pxweb_module().PxApi(pxweb.url, disable_cache=True)
    client.max_workers = 1
    return client


def pxweb_module():
    import pxweb as module

    return module


def published(region: str, year: str, **where) -> float:
    rows = POPULATION[(POPULATION["Region"] == region) & (POPULATION["Tid"] == year)]
    for dim, code in where.items():
        rows = rows[rows[dim] == code]
    return float(rows["value"].sum())


def test_constructs_and_counts_the_tables(api):
    assert api.number_of_tables >= 6
    assert api.get_config()["maxDataCells"] == 800_000


def test_search_finds_the_projection_table(api):
    found = api.search(query="framskrevet")
    assert [t["id"] for t in found["tables"]] == ["14288"]


def test_metadata_and_variables(api):
    meta = api.get_table_metadata("07459")
    assert meta["id"] == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]
    variables = api.get_table_variables("07459")
    assert variables["Kjonn"]["category"]["label"] == {"1": "Menn", "2": "Kvinner"}
    assert variables["Kjonn"]["elimination"] is True and variables["Tid"]["elimination"] is False


def test_data_with_wildcards_splits_and_matches_the_published_totals(api, pxweb):
    pxweb.state.max_cells = 500  # so pxwebpy has to split the query into several POSTs
    rows = api.get_table_data(
        "07459",
        value_codes={
            "Region": ["5033", "1835"],
            "Kjonn": "*",
            "Alder": "*",
            "ContentsCode": "Personer1",
            "Tid": ["2023"],
        },
        show="code",
    )
    frame = pd.DataFrame(rows)
    assert len(frame) == 2 * 2 * 106
    totals = frame.groupby("region")["value"].sum()
    assert totals["5033"] == published("5033", "2023") == 753
    assert totals["1835"] == published("1835", "2023")


def test_data_with_a_codelist_wildcard(api):
    rows = api.get_table_data(
        "07459",
        value_codes={"Region": "K-50*", "ContentsCode": "Personer1", "Tid": "2023"},
        code_list={"Region": "agg_KommSummer"},
        show="code",
    )
    frame = pd.DataFrame(rows).set_index("region")["value"]
    assert frame["K-5033"] == 753
    assert len(frame) == 38  # Trøndelag's 38 municipalities on 2024 borders


def test_default_selection(api):
    # PxWebApi's default for 07459 (Bjarte3.cs): every region by the first 13 ages, sexes summed.
    rows = api.get_table_data("07459", show="code")
    tydal = [r for r in rows if r["region"] == "5033"]
    assert [r["alder"] for r in tydal] == [f"{a:03d}" for a in range(13)]
    assert {r["år"] for r in rows} == {"2026"} and "kjønn" not in rows[0]
    assert [r["value"] for r in tydal] == [published("5033", "2026", Alder=r["alder"]) for r in tydal]
