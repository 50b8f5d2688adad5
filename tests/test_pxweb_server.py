"""The loopback server itself: a documented tool people point the client at, so its semantics matter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import requests

REPO = Path(__file__).parents[1]


def data(server, **params):
    query = {f"valueCodes[{k}]": v for k, v in params.items()}
    return requests.get(f"{server.url}/tables/07459/data", params=query, timeout=5)


def test_metadata_lists_dimensions_and_codelists(pxweb):
    meta = requests.get(f"{pxweb.url}/tables/07459/metadata", timeout=5).json()
    assert meta["id"] == ["Region", "Alder", "ContentsCode", "Tid"] and meta["value"] == []
    codelists = meta["dimension"]["Region"]["extension"]["codelists"]
    assert [c["id"] for c in codelists] == ["agg_KommSummer"]
    info = requests.get(f"{pxweb.url}/tables/07459", timeout=5).json()
    assert info["firstPeriod"] == "2019" and info["lastPeriod"] == "2024" and info["updated"]


def test_time_expressions(pxweb):
    for expr, years in [
        ("top(2)", ["2023", "2024"]),
        ("bottom(1)", ["2019"]),
        ("range(2020,2022)", ["2020", "2021", "2022"]),
        ("to(2020)", ["2019", "2020"]),
        ("202?", None),
    ]:
        doc = data(pxweb, Region="5033", ContentsCode="Personer1", Tid=expr).json()
        got = list(doc["dimension"]["Tid"]["category"]["index"])
        assert got == (years or ["2020", "2021", "2022", "2023", "2024"]), expr


def test_omitted_eliminable_variable_is_summed_and_missing_stays_missing(pxweb):
    doc = data(pxweb, Region="5030", ContentsCode="Personer1", Tid="2019,2024").json()
    assert doc["id"] == ["Region", "ContentsCode", "Tid"]
    assert doc["value"][0] > 0 and doc["value"][1] is None  # Klæbu no longer exists in 2024
    assert doc["status"] == {"1": "."}


def test_single_output_values_return_member_codes(pxweb):
    params = {
        "valueCodes[Region]": "K-5001",
        "codelist[Region]": "agg_KommSummer",
        "outputValues[Region]": "single",
        "valueCodes[ContentsCode]": "Personer1",
        "valueCodes[Tid]": "2019",
    }
    doc = requests.get(f"{pxweb.url}/tables/07459/data", params=params, timeout=5).json()
    assert list(doc["dimension"]["Region"]["category"]["index"]) == ["5001", "5030"]


def test_errors_are_problem_json(pxweb):
    resp = requests.get(f"{pxweb.url}/tables/00000/metadata", timeout=5)
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.json()["title"] == "Non-existent table"
    pxweb.state.max_cells = 10
    resp = data(pxweb, Region="*", ContentsCode="Personer1", Tid="*")
    assert resp.status_code == 400 and resp.json()["title"] == "Too many cells selected"


def test_rate_limit_answers_429_with_retry_after(pxweb):
    pxweb.state.max_calls, pxweb.state.window = 1, 30.0
    assert requests.get(f"{pxweb.url}/tables/07459", timeout=5).status_code == 200
    resp = requests.get(f"{pxweb.url}/tables/07459", timeout=5)
    assert resp.status_code == 429 and 1 <= int(resp.headers["Retry-After"]) <= 30
    assert requests.get(f"{pxweb.url}/config", timeout=5).status_code == 200  # /config is not limited


def test_runs_by_hand_on_a_given_port():
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.pxweb_server", "--port", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        first = proc.stdout.readline()
        url = first.split()[3]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/api/pxwebapi/v2")
        assert requests.get(f"{url}/config", timeout=5).json()["maxDataCells"] == 800_000
    finally:
        proc.terminate()
        proc.wait(timeout=10)
