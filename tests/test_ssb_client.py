"""The real client against the loopback PxWeb server: splitting, retries, rate limits, errors, v0."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import parse_qs

import pandas as pd
import pytest

from samfunn_data.errors import ParseError, QueryError, SsbApiError
from samfunn_data.ssb import decode_jsonstat
from samfunn_data.ssb.client import V2Client
from samfunn_data.ssb.merge import merge_parts
from samfunn_data.ssb.query import Query

POPULATION = pd.read_parquet(Path(__file__).parents[1] / "data" / "raw" / "snapshot" / "07459.parquet")
NINE = "0,18,50,1825,1827,1835,1874,5033,5043"
ALL_AGES = {"Region": NINE, "Alder": "*", "ContentsCode": "Personer1", "Tid": "from(2024)"}


def frame(result) -> pd.DataFrame:
    return merge_parts([decode_jsonstat(p.content) for p in result.parts])


def fixture_value(region: str, age: str, year: str) -> float | None:
    """SSB's published count (both sexes) from the snapshot file, independent of server and client."""
    rows = POPULATION[
        (POPULATION["Region"] == region) & (POPULATION["Alder"] == age) & (POPULATION["Tid"] == year)
    ]
    return float(rows["value"].sum())


def new_client(settings, **kw) -> V2Client:
    return V2Client(settings.ssb_url, settings.data_dir, timeout=10, backoff=0.01, max_backoff=0.1, **kw)


def test_constructing_a_client_makes_no_request(pxweb, ssb_settings):
    new_client(ssb_settings)
    assert pxweb.state.log == []


def test_fetch_returns_the_figures_ssb_published(client):
    result = client.fetch(
        Query.build(
            "07459", {"Region": "5033", "Alder": "000,105+", "ContentsCode": "Personer1", "Tid": "2024"}
        )
    )
    df = frame(result)
    assert list(df.columns) == ["Region", "Alder", "ContentsCode", "Tid", "value", "status"]
    assert df["value"].tolist() == [
        fixture_value("5033", "000", "2024"),
        fixture_value("5033", "105+", "2024"),
    ]
    assert result.parts[0].request.method == "GET"


def test_split_fetch_equals_unsplit_fetch(pxweb, ssb_settings):
    query = Query.build("07459", ALL_AGES)  # 9 regions x 106 ages x 3 years = 2,862 cells (Kjonn summed)
    unsplit = new_client(ssb_settings).fetch(query)
    assert len(unsplit.parts) == 1

    pxweb.state.max_cells = 400
    split = new_client(ssb_settings).fetch(query)
    assert len(split.parts) > 1
    assert all(len(json.loads(p.content)["value"]) <= 400 for p in split.parts)
    assert pxweb.state.statuses().count(400) == 0  # planned from /config, never refused

    a, b = frame(unsplit), frame(split)
    pd.testing.assert_frame_equal(a, b)
    assert a.attrs == b.attrs


@pytest.mark.parametrize("refusal", [400, 403])
def test_server_stricter_than_its_config_makes_the_client_split_further(pxweb, ssb_settings, refusal):
    query = Query.build("07459", ALL_AGES)
    expected = frame(new_client(ssb_settings).fetch(query))
    pxweb.state.max_cells, pxweb.state.advertised_cells, pxweb.state.too_many_status = 1000, 100_000, refusal
    result = new_client(ssb_settings).fetch(query)
    assert refusal in pxweb.state.statuses()
    pd.testing.assert_frame_equal(frame(result), expected)


def test_long_selection_goes_by_post_and_gives_the_same_answer(pxweb, client):
    ages = [f"{a:03d}" for a in range(105)] + ["105+"]
    query = Query.build(
        "07459", {"Region": "1825,5033", "Alder": ages, "ContentsCode": "Personer1", "Tid": "2024"}
    )
    via_get = frame(client.fetch(query))
    client.max_url = 300
    result = client.fetch(query)
    assert result.parts[0].request.method == "POST"
    assert any(m == "POST" for _t, m, _p, _s in pxweb.state.log)
    pd.testing.assert_frame_equal(frame(result), via_get)


def test_aggregated_codelist_sums_the_members(client):
    query = Query.build(
        "07459",
        {"Region": "F-18", "Alder": "*", "ContentsCode": "Personer1", "Tid": "2024"},
        codelist={"Region": "agg_KommFylker"},
    )
    df = frame(client.fetch(query))
    # Nordland as the sum of its 41 municipalities, over all ages: SSB's published county total
    ages = [f"{a:03d}" for a in range(105)] + ["105+"]
    assert df["Region"].unique().tolist() == ["F-18"]
    assert df["value"].sum() == sum(fixture_value("18", a, "2024") for a in ages) == 243_081


@pytest.mark.parametrize("faults", [["503"], ["503", "503"], ["drop"], ["short"], ["drop", "503"]])
def test_server_errors_and_dropped_connections_are_retried(pxweb, client, faults):
    query = Query.build(
        "07459", {"Region": "5033", "Alder": "000", "ContentsCode": "Personer1", "Tid": "2024"}
    )
    pxweb.state.inject(*faults)
    df = frame(client.fetch(query))
    assert df["value"].tolist() == [fixture_value("5033", "000", "2024")]
    assert not pxweb.state.faults  # every fault was met and survived


def test_persistent_503_gives_up_after_bounded_tries(pxweb, client):
    pxweb.state.inject(*["503"] * 10)
    with pytest.raises(SsbApiError, match="could not be reached") as info:
        client.fetch(Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": "2024"}))
    assert info.value.status == 503
    assert pxweb.state.statuses().count(503) == client.max_attempts


def test_persistently_truncated_transfer_is_a_parse_error(pxweb, client):
    pxweb.state.inject(*["short"] * 10)
    with pytest.raises(ParseError, match="truncated"):
        client.fetch(Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": "2024"}))


def test_429_is_retried_after_retry_after(pxweb, ssb_settings):
    # The server allows fewer calls than /config promises, so the client's own budget cannot prevent the 429.
    # A 3 s window: even on a loaded machine the three fetches fall inside it, so the 429 must come.
    pxweb.state.max_calls, pxweb.state.window, pxweb.state.advertised_calls = 2, 3.0, 100
    pauses: list[float] = []
    client = new_client(ssb_settings, sleep=lambda s: (pauses.append(s), time.sleep(s)))
    query = Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": "top(1)"})
    results = [frame(client.fetch(query)) for _ in range(3)]
    statuses = [s for _t, _m, _p, s in pxweb.state.log]
    assert 429 in statuses and statuses[-1] == 200
    assert all(r.equals(results[0]) for r in results)
    # the client asked to pause at least the server's Retry-After (1 s here), not its own short backoff
    assert sum(pauses) >= 1.0


def test_backoff_is_exponential_and_bounded(pxweb, ssb_settings):
    pauses: list[float] = []
    client = V2Client(
        ssb_settings.ssb_url,
        ssb_settings.data_dir,
        backoff=0.01,
        max_backoff=0.03,
        max_attempts=5,
        sleep=pauses.append,
    )
    pxweb.state.inject("503", "503", "503", "503")
    frame(client.fetch(Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": "2024"})))
    assert pauses == [0.01, 0.02, 0.03, 0.03]


@pytest.mark.parametrize(
    ("select", "status", "words"),
    [
        (
            {"Kommune": "5033", "Tid": "2024", "ContentsCode": "Personer1"},
            400,
            ["Non-existent variable", "Kommune"],
        ),
        ({"Region": "1850", "Tid": "2024", "ContentsCode": "Personer1"}, 400, ["Non-existent value", "1850"]),
        ({"Region": "5033", "Tid": "2024"}, 400, ["Missing selection", "ContentsCode"]),
    ],
)
def test_bad_queries_give_ssb_errors_naming_the_problem(client, select, status, words):
    with pytest.raises(SsbApiError) as info:
        client.fetch(Query.build("07459", select))
    message = str(info.value)
    assert info.value.status == status
    assert all(w in message for w in words)
    assert "/tables/07459/data?" in message  # the URL that was asked


def test_unknown_table_is_a_404_naming_the_table(client):
    with pytest.raises(SsbApiError, match="Non-existent table.*99999") as info:
        client.fetch(Query.build("99999", {"Tid": "*"}))
    assert info.value.status == 404 and "/tables/99999" in info.value.url


def test_unknown_codelist_is_reported(client):
    with pytest.raises(SsbApiError, match="codelist"):
        client.fetch(
            Query.build(
                "07459",
                {"Region": "K-5033", "Tid": "2024", "ContentsCode": "Personer1"},
                codelist={"Region": "agg_Nope"},
            )
        )


def test_illegal_expression_is_refused_before_any_data_call(pxweb, client):
    with pytest.raises((QueryError, SsbApiError)):
        client.fetch(Query.build("07459", {"Region": "5033", "Tid": "top(x)", "ContentsCode": "Personer1"}))


def test_v0_adapter_gives_the_same_frame_as_v2(pxweb, client, v0_client):
    query = Query.build(
        "07459", {"Region": "1825,5033", "Alder": "*", "ContentsCode": "Personer1", "Tid": "from(2023)"}
    )
    v2 = frame(client.fetch(query))
    result = v0_client.fetch(query)
    assert result.api == "v0" and result.parts[0].request.url.endswith("/api/v0/no/table/07459")
    pd.testing.assert_frame_equal(frame(result), v2)


def test_v0_splits_on_403(pxweb, v0_client, client):
    query = Query.build("07459", ALL_AGES)
    expected = frame(client.fetch(query))
    pxweb.state.max_cells = 1000  # v0 answers 403 and has no /config to warn the client
    result = v0_client.fetch(query)
    assert 403 in [s for _t, _m, p, s in pxweb.state.log if "/api/v0/" in p]
    pd.testing.assert_frame_equal(frame(result), expected)


CHILD = textwrap.dedent(
    """
    import sys
    from samfunn_data.ssb.client import V2Client
    from samfunn_data.ssb.query import Query
    url, data_dir, who = sys.argv[1], sys.argv[2], sys.argv[3]
    client = V2Client(url, data_dir, timeout=10)
    for year in ("2019", "2020", "2021", "2022", "2023"):
        client.fetch(Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": year}))
    print(who, "done")
    """
)


def test_two_processes_share_the_rate_limit_and_get_no_429(pxweb, ssb_settings):
    pxweb.state.max_calls, pxweb.state.window = 5, 2.0
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, pxweb.url, str(ssb_settings.data_dir), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=Path(__file__).parents[1],
        )
        for name in ("a", "b")
    ]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    statuses = [s for _t, _m, path, s in pxweb.state.log if "/tables/" in path]
    assert len(statuses) == 12  # 2 x (metadata + 5 data calls)
    assert 429 not in statuses
    # and the server's own view: never more than 5 admitted calls in any 2-second window
    times = sorted(pxweb.state.admitted)
    assert all(times[i + 5] - times[i] >= 2.0 for i in range(len(times) - 5))


def test_output_values_are_never_sent_by_post_the_query_is_split_into_gets(pxweb, client):
    pxweb.state.max_calls = 1000  # many small GETs; the rate limit is tested elsewhere
    regions = ",".join(f"K-{c}" for c in ("1825", "1827", "1835", "1874", "5033", "5043"))
    query = Query.build(
        "07459",
        {
            "Region": regions,
            "Alder": [f"{a:03d}" for a in range(60)],
            "ContentsCode": "Personer1",
            "Tid": "2023",
        },
        codelist={"Region": "agg_KommSummer"},
        output_values={"Region": "aggregated"},
    )
    whole = frame(client.fetch(query))
    client.max_url = 300  # too long for one GET: without outputValues this would become a POST
    result = client.fetch(query)
    assert len(result.parts) > 1 and {p.request.method for p in result.parts} == {"GET"}
    assert not any(m == "POST" for _t, m, _p, _s in pxweb.state.log)
    pd.testing.assert_frame_equal(frame(result), whole)
    under_60 = sum(fixture_value("5033", f"{a:03d}", "2023") for a in range(60))
    assert whole.loc[whole["Region"] == "K-5033", "value"].sum() == under_60


def test_a_refused_connection_falls_back_at_once_without_retries(ssb_settings, pxweb):
    pxweb.stop()  # nothing listens on the port any more: connection refused
    slept = []
    client = V2Client(ssb_settings.ssb_url, ssb_settings.data_dir, timeout=10, sleep=slept.append)
    with pytest.raises(SsbApiError, match="after 1 tries"):
        client.config()
    assert slept == []  # no backoff: a refused connection is not retried


def test_metadata_and_codelists_are_asked_in_the_querys_language(pxweb, client):
    pxweb.state.max_calls = 1000
    query = Query.build("07459", {"Region": "K-5033,K-1835", "ContentsCode": "Personer1", "Tid": "2023"},
                        codelist={"Region": "agg_KommSummer"}, output_values={"Region": "aggregated"},
                        lang="en")
    client.max_url = 200  # too long for one GET: the client expands the query from metadata and codelist
    client.fetch(query)
    asked = [(path, parse_qs(qs).get("lang")) for path, qs in pxweb.state.queries]
    planning = [(p, lang) for p, lang in asked if p.endswith("/metadata") or "/codelists/" in p]
    assert {p.rsplit("/", 1)[-1] for p, _ in planning} >= {"metadata", "agg_KommSummer"}
    assert all(lang == ["en"] for _p, lang in planning)
    assert all(lang == ["en"] for p, lang in asked if p.endswith("/data"))
