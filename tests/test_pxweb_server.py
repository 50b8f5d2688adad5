"""The loopback server itself: a documented stand-in for SSB that people and pxwebpy point at.

Expected figures are read straight from the embedded snapshot's Parquet files (SSB's published counts),
independently of the server's cube code.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import requests

REPO = Path(__file__).parents[1]
POPULATION = pd.read_parquet(REPO / "data" / "raw" / "snapshot" / "07459.parquet")


def published(region: str, year: str, **where) -> float:
    """SSB's 07459 figure for `region` and `year`, summed over the rest (or `where`), from the snapshot."""
    rows = POPULATION[(POPULATION["Region"] == region) & (POPULATION["Tid"] == year)]
    for dim, code in where.items():
        rows = rows[rows[dim] == code]
    return float(rows["value"].sum())


def data(server, **params):
    query = {f"valueCodes[{k}]": v for k, v in params.items()}
    return requests.get(f"{server.url}/tables/07459/data", params=query, timeout=10)


def test_07459_has_ssbs_dimensions_including_kjonn_and_its_codelists(pxweb):
    meta = requests.get(f"{pxweb.url}/tables/07459/metadata", timeout=5).json()
    assert meta["id"] == ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"] and meta["value"] == []
    codelists = [c["id"] for c in meta["dimension"]["Region"]["extension"]["codelists"]]
    assert {"agg_KommSummer", "agg_KommFylker", "vs_Fylker", "vs_Kommun"} <= set(codelists)
    info = requests.get(f"{pxweb.url}/tables/07459", timeout=5).json()
    assert info["variableNames"] == ["region", "kjønn", "alder", "statistikkvariabel", "år"]
    assert info["firstPeriod"] == "1986" and info["lastPeriod"] == "2026" and info["updated"]


def test_tydal_by_sex_sums_to_the_published_total(pxweb):
    doc = data(pxweb, Region="5033", Kjonn="*", ContentsCode="Personer1", Tid="2023").json()
    assert doc["id"] == ["Region", "Kjonn", "ContentsCode", "Tid"]  # Alder eliminated: summed
    assert sum(doc["value"]) == published("5033", "2023") == 753


def test_tables_search_past_days_and_paging(pxweb):
    url = f"{pxweb.url}/tables"
    everything = requests.get(url, params={"pageSize": 100}, timeout=5).json()
    ids = [t["id"] for t in everything["tables"]]
    assert {"07459", "06913", "14288"} <= set(ids) and everything["page"]["totalElements"] == len(ids)
    page2 = requests.get(url, params={"pageSize": 2, "pageNumber": 2}, timeout=5).json()
    assert [t["id"] for t in page2["tables"]] == ids[2:4] and page2["page"]["totalPages"] == -(-len(ids) // 2)
    found = requests.get(url, params={"query": "framskrevet"}, timeout=5).json()["tables"]
    assert [t["id"] for t in found] == ["14288"]
    assert requests.get(url, params={"pastDays": "30"}, timeout=5).json()["tables"] == []
    pxweb.state.set_updated("07459", pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ"))
    recent = requests.get(url, params={"pastDays": "30"}, timeout=5).json()["tables"]
    assert [t["id"] for t in recent] == ["07459"]


def test_default_selection_follows_pxwebapis_algorithm(pxweb):
    # PxWebApi's Bjarte3 (PxTools/PxWebApi, PxWeb/Code/Api2/DataSelection/Bjarte3.cs), case C with one
    # mandatory variable: first content, last period, Region (more values: the stub, all of it) by the last
    # eliminable variable Alder (the heading, its first 13 values); Kjonn is eliminated, i.e. summed.
    resp = requests.get(f"{pxweb.url}/tables/07459/data", timeout=10)
    assert resp.status_code == 200
    doc = resp.json()
    assert doc["id"] == ["Region", "Alder", "ContentsCode", "Tid"]
    ages = list(doc["dimension"]["Alder"]["category"]["index"])
    assert ages == [f"{a:03d}" for a in range(13)]
    assert list(doc["dimension"]["Tid"]["category"]["index"]) == ["2026"]
    regions = list(doc["dimension"]["Region"]["category"]["index"])
    assert {"0", "50", "5033", "1835"} <= set(regions) and len(regions) == POPULATION["Region"].nunique()
    tydal = regions.index("5033") * len(ages)
    assert doc["value"][tydal : tydal + 13] == [published("5033", "2026", Alder=a) for a in ages]


def test_default_selection_of_a_three_variable_table(pxweb):
    # Case B with several contents: the last period; Region (79 values) the stub, ContentsCode the heading.
    doc = requests.get(f"{pxweb.url}/tables/06913/data", timeout=10).json()
    expected = pd.read_parquet(REPO / "data" / "raw" / "snapshot" / "06913.parquet")
    newest = expected[expected["Tid"] == expected["Tid"].max()]
    assert list(doc["dimension"]["Tid"]["category"]["index"]) == [newest["Tid"].iloc[0]]
    assert set(doc["dimension"]["Region"]["category"]["index"]) == set(newest["Region"])
    assert set(doc["dimension"]["ContentsCode"]["category"]["index"]) == set(expected["ContentsCode"])


def test_codes_are_case_insensitive_but_codelist_ids_are_not(pxweb):
    params = {
        "valueCodes[region]": "5033",
        "valueCodes[contentscode]": "personer1",
        "valueCodes[tid]": "TOP(1)",
    }
    resp = requests.get(f"{pxweb.url}/tables/07459/data", params=params, timeout=10)
    assert resp.status_code == 200 and resp.json()["value"] == [published("5033", "2026")]
    params = {"valueCodes[Region]": "K-5033", "codelist[Region]": "agg_kommsummer"} | {
        "valueCodes[ContentsCode]": "Personer1",
        "valueCodes[Tid]": "2024",
    }
    resp = requests.get(f"{pxweb.url}/tables/07459/data", params=params, timeout=10)
    assert resp.status_code == 400 and resp.json()["title"] == "Non-existent codelist"


@pytest.mark.parametrize(
    ("expr", "years"),
    [
        ("top(2)", ["2025", "2026"]),
        ("bottom(1)", ["1986"]),
        ("[range(2020,2022)]", ["2020", "2021", "2022"]),
        ("from(2025)", ["2025", "2026"]),
        ("202?", [str(y) for y in range(2020, 2027)]),
    ],
)
def test_time_expressions(pxweb, expr, years):
    doc = data(pxweb, Region="5033", ContentsCode="Personer1", Tid=expr).json()
    assert list(doc["dimension"]["Tid"]["category"]["index"]) == years


@pytest.mark.parametrize("expr", ["top(0)", "top(x)", "range(2020,2022)", "from(1900)"])
def test_illegal_selection_expressions_are_refused(pxweb, expr):
    resp = data(pxweb, Region="5033", ContentsCode="Personer1", Tid=expr)
    assert resp.status_code == 400 and resp.json()["title"] == "Illegal selection expression"


def test_county_codelist_sums_the_municipalities(pxweb):
    params = {"valueCodes[Region]": "F-50", "codelist[Region]": "agg_KommFylker"} | {
        "valueCodes[ContentsCode]": "Personer1",
        "valueCodes[Tid]": "2024",
    }
    doc = requests.get(f"{pxweb.url}/tables/07459/data", params=params, timeout=10).json()
    assert list(doc["dimension"]["Region"]["category"]["index"]) == ["F-50"]
    assert doc["value"] == [published("50", "2024")]


def test_errors_are_ssbs_problem_bodies(pxweb):
    resp = requests.get(f"{pxweb.url}/tables/00000/metadata", timeout=5)
    assert resp.status_code == 404 and resp.headers["Content-Type"].startswith("application/problem+json")
    assert resp.json()["title"] == "Non-existent table"
    resp = requests.get(f"{pxweb.url}/tables/00000/data", timeout=5)
    assert resp.status_code == 400 and resp.json() == {
        "type": "Parameter error",
        "title": "Non-existent table",
        "status": 400,
    }
    resp = data(pxweb, Region="9999", ContentsCode="Personer1", Tid="2024")
    assert resp.status_code == 400 and "detail" not in resp.json()
    pxweb.state.max_cells = 10
    resp = data(pxweb, Region="*", ContentsCode="Personer1", Tid="*")
    assert (
        resp.status_code == 400 and resp.json()["detail"] == resp.json()["title"] == "Too many cells selected"
    )


@pytest.mark.parametrize(
    ("param", "value", "title"),
    [("lang", "de", "Unsupported language")]
    + [("outputFormat", fmt, "Unsupported output format") for fmt in ("xlsx", "px", "parquet", "bogus")],
)
def test_unsupported_language_and_output_format(pxweb, param, value, title):
    resp = requests.get(f"{pxweb.url}/tables/07459/data", params={param: value}, timeout=5)
    assert resp.status_code == 400 and resp.json()["title"] == title


def test_csv_and_english(pxweb):
    params = {
        "valueCodes[Region]": "5033",
        "valueCodes[ContentsCode]": "Personer1",
        "valueCodes[Tid]": "2023",
    }
    resp = requests.get(f"{pxweb.url}/tables/07459/data", params=params | {"outputFormat": "csv"}, timeout=5)
    assert resp.headers["Content-Type"].startswith("text/csv")
    header, row = resp.text.splitlines()[:2]
    assert header.startswith('"region","statistikkvariabel","år"') and row == '"Tydal","Personer","2023",753'
    resp = requests.get(f"{pxweb.url}/tables/07459/data", params=params | {"lang": "en"}, timeout=5)
    assert resp.status_code == 200 and resp.json()["value"] == [753]
    assert resp.json()["dimension"]["Tid"]["label"] == "year"


def test_english_labels_the_loopback_lacks_stay_norwegian_and_are_named(pxweb):
    params = {"valueCodes[Region]": "5033", "valueCodes[Kjonn]": "*", "valueCodes[ContentsCode]": "Personer1",
              "valueCodes[Tid]": "2023", "lang": "en"}
    doc = requests.get(f"{pxweb.url}/tables/07459/data", params=params, timeout=5).json()
    assert doc["extension"]["px"]["language"] == "en"
    assert [doc["dimension"][d]["label"] for d in doc["id"]] == ["region", "sex", "contents", "year"]
    # no English value labels are invented: Tydal's sexes keep SSB's Norwegian labels, and the answer says so
    assert doc["dimension"]["Region"]["category"]["label"]["5033"] == "Tydal"
    assert set(doc["dimension"]["Kjonn"]["category"]["label"].values()) == {"Menn", "Kvinner"}
    assert {"Kjonn.category.label", "label"} <= set(doc["extension"]["loopback"]["untranslated"])
    assert sum(doc["value"]) == published("5033", "2023")
    meta = requests.get(f"{pxweb.url}/tables/07459/metadata", params={"lang": "en"}, timeout=5).json()
    assert meta["extension"]["px"]["language"] == "en" and meta["dimension"]["Alder"]["label"] == "age"
    norsk = requests.get(f"{pxweb.url}/tables/07459/data", params=params | {"lang": "no"}, timeout=5).json()
    assert norsk["extension"]["px"]["language"] == "no" and "loopback" not in norsk["extension"]
    assert norsk["dimension"]["Kjonn"]["label"] == "kjønn"
    info = requests.get(f"{pxweb.url}/tables/07459", params={"lang": "en"}, timeout=5).json()
    assert info["variableNames"] == ["region", "sex", "age", "contents", "year"]


def test_long_get_urls_are_404_like_ssbs(pxweb):
    many = ",".join(f"{n:04d}" for n in range(1000, 1500))
    resp = data(pxweb, Region=many, ContentsCode="Personer1", Tid="2024")
    assert len(resp.url) > 2100 and resp.status_code == 404


def test_rate_limit_answers_429_in_plain_text_with_retry_after(pxweb):
    pxweb.state.max_calls, pxweb.state.window = 1, 30.0
    assert requests.get(f"{pxweb.url}/tables/07459", timeout=5).status_code == 200
    resp = requests.get(f"{pxweb.url}/tables/07459", timeout=5)
    assert resp.status_code == 429 and 1 <= int(resp.headers["Retry-After"]) <= 30
    assert resp.headers["Content-Type"].startswith("text/plain")
    assert resp.headers["x-ratelimit-policy"] == "1;w=30s" and resp.headers["x-ratelimit-remaining"] == "0"
    assert requests.get(f"{pxweb.url}/config", timeout=5).status_code == 200  # /config is not limited


def test_klass_endpoints_on_the_same_port(pxweb):
    klass = pxweb.url.replace("/api/pxwebapi/v2", "/api/klass/v1")
    changes = requests.get(f"{klass}/classifications/131/changes", params={"from": "2024-01-01"}, timeout=5)
    items = changes.json()["codeChanges"]
    assert items and all(i["changeOccurred"] >= "2024-01-01" for i in items)
    assert {"oldCode": "1507", "newCode": "1508"}.items() <= next(
        i for i in items if i["oldCode"] == "1507"
    ).items()
    params = {"targetClassificationId": "128", "date": "2024-01-01"}
    corr = requests.get(f"{klass}/classifications/131/correspondsAt", params=params, timeout=5).json()
    tydal = next(i for i in corr["correspondenceItems"] if i["sourceCode"] == "5033")
    assert tydal["targetCode"] == "06"


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
