"""The raw store and `get()`: immutable vintages, atomic writes, refresh policy, offline, the snapshot."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from samfunn_data.errors import OfflineError, ParseError
from samfunn_data.ssb import StaleDataWarning, decode_jsonstat, get
from samfunn_data.ssb import api as ssb_api
from samfunn_data.ssb.client import FetchResult, RawResponse, V2Client
from samfunn_data.ssb.query import HttpRequest, Query, query_key
from samfunn_data.ssb.store import RawStore, _write_new

REPO = Path(__file__).parents[1]
# real 07459 figures by age (no Kjonn), 2019-2024 (niphr/csdata copies of SSB exports)
FIXTURE = REPO / "tests" / "fixtures" / "ssb_07459_by_age.json"
TYDAL = Query.build(
    "07459", {"Region": "5033", "Alder": "000,001", "ContentsCode": "Personer1", "Tid": "2023,2024"}
)


@pytest.fixture(autouse=True)
def _fresh_warning_memory():
    ssb_api._warned.clear()


def fast(settings) -> V2Client:
    return V2Client(
        settings.ssb_url, settings.data_dir, timeout=5, backoff=0.01, max_backoff=0.05, max_attempts=2
    )


def visible_files(root: Path) -> list[Path]:
    """Files a reader of the store can see; hidden names (temp files, the .ratelimit log) are not data."""
    files = (p for p in root.rglob("*") if p.is_file())
    return sorted(p for p in files if not any(part.startswith(".") for part in p.relative_to(root).parts))


def data_calls(server) -> int:
    return sum(1 for _t, _m, path, _s in server.state.log if path.endswith("/data"))


def fake_result(body: bytes, query: Query = TYDAL) -> FetchResult:
    request = HttpRequest("GET", "http://127.0.0.1:1/api/pxwebapi/v2/tables/07459/data?x=1")
    return FetchResult(query, (RawResponse(request, 200, body, "application/json", "v2"),), "v2")


# --- the store on its own -----------------------------------------------------------------------------


def test_save_keeps_bytes_exactly_and_writes_a_provenance_sidecar(tmp_path):
    store = RawStore(tmp_path)
    body = FIXTURE.read_bytes()
    vintage = store.save(
        fake_result(body), table_updated="2024-04-21T00:00:00Z", now=datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    )
    (path,) = vintage.files
    assert path.read_bytes() == body
    assert path.parent == tmp_path / "07459" / query_key(TYDAL)
    meta = json.loads(path.with_name(path.name.replace(".json", ".meta.json")).read_text())
    assert meta["sha256"] == hashlib.sha256(body).hexdigest()
    assert meta["url"].endswith("/tables/07459/data?x=1") and meta["method"] == "GET" and meta["body"] is None
    assert meta["api"] == "v2" and meta["table_updated"] == "2024-04-21T00:00:00Z"
    assert meta["retrieved_at"] == "2026-11-27T12:00:00+00:00" and vintage.date == "2026-11-27"
    assert meta["query"]["selection"][0] == {
        "variable": "Alder",
        "values": ["000", "001"],
        "codelist": None,
        "outputValues": None,
    }


def test_same_bytes_add_no_vintage_new_bytes_add_one_and_never_touch_the_old(tmp_path):
    store = RawStore(tmp_path)
    first = store.save(fake_result(b'{"a": 1}'), "u1", now=datetime(2026, 1, 1, tzinfo=UTC))
    before = first.files[0].stat()
    again = store.save(fake_result(b'{"a": 1}'), "u1", now=datetime(2026, 2, 1, tzinfo=UTC))
    assert again.stamp == first.stamp and len(store.vintages("07459", query_key(TYDAL))) == 1
    newer = store.save(fake_result(b'{"a": 2}'), "u2", now=datetime(2026, 3, 1, tzinfo=UTC))
    vintages = store.vintages("07459", query_key(TYDAL))
    assert [v.stamp for v in vintages] == [first.stamp, newer.stamp]
    assert first.files[0].read_bytes() == b'{"a": 1}'
    assert first.files[0].stat().st_mtime_ns == before.st_mtime_ns
    assert store.newest("07459", query_key(TYDAL)).read() == [b'{"a": 2}']


def test_an_existing_file_is_never_overwritten(tmp_path):
    target = tmp_path / "x.json"
    _write_new(target, b"first")
    with pytest.raises(FileExistsError):
        _write_new(target, b"second")
    assert target.read_bytes() == b"first"
    assert [p.name for p in tmp_path.iterdir()] == ["x.json"]  # no temp file left behind


def test_incomplete_vintage_is_ignored(tmp_path):
    store = RawStore(tmp_path)
    good = store.save(fake_result(b'{"a": 1}'), None, now=datetime(2026, 1, 1, tzinfo=UTC))
    newer = store.save(fake_result(b'{"a": 2}'), None, now=datetime(2026, 2, 1, tzinfo=UTC))
    newer.files[0].with_name(newer.files[0].name.replace(".json", ".meta.json")).unlink()  # as if killed
    assert store.newest("07459", query_key(TYDAL)).stamp == good.stamp


def test_a_damaged_stored_file_is_reported_not_served(tmp_path):
    vintage = RawStore(tmp_path).save(fake_result(b'{"a": 1}'), None)
    os.chmod(vintage.files[0], 0o644)
    vintage.files[0].write_bytes(b'{"a": 9}')
    with pytest.raises(ParseError, match="sha256"):
        vintage.read()


CRASH_CHILD = textwrap.dedent(
    """
    import os, sys
    from samfunn_data.ssb import get
    from samfunn_data.ssb.query import Query
    import samfunn_data.ssb.store as store
    # Simulate the machine dying after the temporary file is fsynced, before it is linked into place.
    store.os.link = lambda src, dst: os._exit(9)
    get(Query.build("07459", {"Region": "5033", "Alder": "000,001", "ContentsCode": "Personer1",
                              "Tid": "2023,2024"}), refresh="always")
    """
)


def test_crash_between_temp_write_and_rename_leaves_no_visible_file(pxweb, ssb_settings):
    kept = get(TYDAL, refresh="always", client=fast(ssb_settings))
    before = visible_files(ssb_settings.store_dir)
    pxweb.state.set_updated("07459", "2026-11-27T08:00:00Z")  # so the child has something new to store
    done = subprocess.run([sys.executable, "-c", CRASH_CHILD], cwd=REPO, env=os.environ.copy(), timeout=60)
    assert done.returncode == 9
    assert visible_files(ssb_settings.store_dir) == before  # only hidden temp files can remain
    again = get(TYDAL, refresh="never")
    pd.testing.assert_frame_equal(again, kept)
    # the next successful fetch sweeps the dead writer's temporary file
    get(TYDAL, refresh="always", client=fast(ssb_settings))
    assert not list(ssb_settings.store_dir.rglob(".tmp-*"))


KILL_CHILD = textwrap.dedent(
    """
    from samfunn_data.ssb import get
    from samfunn_data.ssb.query import Query
    get(Query.build("07459", {"Region": "*", "Alder": "*", "ContentsCode": "Personer1", "Tid": "*"}),
        refresh="always")
    """
)


def test_fetch_killed_mid_download_leaves_nothing(pxweb, ssb_settings):
    pxweb.state.slow_seconds = 30
    pxweb.state.inject("slow")
    child = subprocess.Popen([sys.executable, "-c", KILL_CHILD], cwd=REPO, env=os.environ.copy())
    try:
        for _ in range(600):  # bounded: up to 30 s for the child to start its download
            if data_calls(pxweb):
                break
            time.sleep(0.05)
        assert data_calls(pxweb) == 1
        time.sleep(0.3)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=10)
    assert visible_files(ssb_settings.store_dir) == []
    with pytest.raises(OfflineError):
        get(
            Query.build("07459", {"Region": "*", "Alder": "*", "ContentsCode": "Personer1", "Tid": "*"}),
            refresh="never",
        )


# --- get(): fetching, refresh policy, offline ---------------------------------------------------------


def test_get_fetches_stores_and_marks_origin(pxweb, ssb_settings):
    df = get(TYDAL, client=fast(ssb_settings))
    assert df.attrs["origin"] == "fetched" and df.attrs["table_id"] == "07459"
    assert df.attrs["vintage"] == datetime.now(UTC).date().isoformat()
    (source,) = df.attrs["source_files"]
    assert Path(source).is_file() and Path(source).is_relative_to(ssb_settings.store_dir / "07459")
    pd.testing.assert_frame_equal(decode_jsonstat(Path(source).read_bytes()), df, check_like=False)


def test_truncated_body_raises_parse_error_and_stores_nothing(pxweb, ssb_settings):
    pxweb.state.inject("truncate")
    with pytest.raises(ParseError):
        get(TYDAL, refresh="always", client=fast(ssb_settings))
    assert visible_files(ssb_settings.store_dir) == []


def test_refresh_never_makes_no_call(pxweb, ssb_settings):
    get(TYDAL, client=fast(ssb_settings))
    calls = len(pxweb.state.log)
    df = get(TYDAL, refresh="never", client=fast(ssb_settings))
    assert len(pxweb.state.log) == calls and df.attrs["origin"] == "fetched"


def test_refresh_never_with_nothing_stored_says_how_to_get_the_data(pxweb, ssb_settings):
    with pytest.raises(OfflineError, match=r"samfunn fetch 07459 --select Region=5033"):
        get(TYDAL, refresh="never")
    assert pxweb.state.log == []


def test_if_stale_refetches_only_when_ssb_updated_the_table(pxweb, ssb_settings):
    first = get(TYDAL, refresh="if-stale", client=fast(ssb_settings))
    assert data_calls(pxweb) == 1
    second = get(TYDAL, refresh="if-stale", client=fast(ssb_settings))
    assert data_calls(pxweb) == 1 and second.attrs["source_files"] == first.attrs["source_files"]
    pxweb.state.set_updated("07459", "2026-11-27T08:00:00Z")
    third = get(TYDAL, refresh="if-stale", client=fast(ssb_settings))
    assert data_calls(pxweb) == 2
    assert third.attrs["source_files"] != first.attrs["source_files"]
    assert len(RawStore(ssb_settings.store_dir).vintages("07459", query_key(TYDAL))) == 2


def test_always_refetches_but_identical_answers_add_no_vintage(pxweb, ssb_settings):
    get(TYDAL, refresh="always", client=fast(ssb_settings))
    get(TYDAL, refresh="always", client=fast(ssb_settings))
    assert data_calls(pxweb) == 2
    assert len(RawStore(ssb_settings.store_dir).vintages("07459", query_key(TYDAL))) == 1


def test_offline_serves_newest_vintage_and_warns_once_with_its_date(pxweb, ssb_settings):
    fetched = get(TYDAL, client=fast(ssb_settings))
    pxweb.stop()
    with pytest.warns(StaleDataWarning, match=fetched.attrs["vintage"]):
        offline = get(TYDAL, refresh="always", client=fast(ssb_settings))
    assert offline.attrs["origin"] == "stale-fetched"
    pd.testing.assert_frame_equal(offline, fetched)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a second warning would fail here
        again = get(TYDAL, refresh="if-stale", client=fast(ssb_settings))
    assert again.attrs["origin"] == "stale-fetched"


def test_offline_with_nothing_stored_raises_offline_error(pxweb, ssb_settings):
    pxweb.stop()
    with pytest.raises(OfflineError, match="could not be reached.*samfunn fetch 07459"):
        get(TYDAL, refresh="if-stale", client=fast(ssb_settings))


def test_api_errors_are_not_hidden_by_stored_data(pxweb, ssb_settings):
    get(TYDAL, client=fast(ssb_settings))
    bad = Query.build("07459", {"Region": "1850", "ContentsCode": "Personer1", "Tid": "2024"})
    with pytest.raises(Exception, match="Non-existent value"):
        get(bad, refresh="always", client=fast(ssb_settings))


def test_v0_setting_selects_the_v0_adapter(pxweb, ssb_settings, monkeypatch):
    monkeypatch.setenv("SAMFUNN_SSB_API", "v0")
    df = get(TYDAL, refresh="always")
    assert any("/api/v0/no/table/07459" in path for _t, _m, path, _s in pxweb.state.log)
    meta = json.loads(Path(df.attrs["source_files"][0]).with_suffix("").with_suffix(".meta.json").read_text())
    assert meta["api"] == "v0" and meta["method"] == "POST" and '"filter": "item"' in meta["body"]


# --- the embedded snapshot as the oldest vintage ------------------------------------------------------


@pytest.fixture
def snapshot(ssb_settings):
    """A tiny snapshot in the tidy schema, made from the fixture cube (real SSB figures)."""
    folder = ssb_settings.snapshot_dir
    folder.mkdir(parents=True)
    full = decode_jsonstat(FIXTURE.read_bytes())
    tidy = full[full["Region"].isin(["1825", "5033", "5043"])].reset_index(drop=True)
    tidy.attrs = dict(full.attrs)
    tidy.to_parquet(folder / "07459.parquet")
    manifest = {"tables": {"07459": {"title": "Befolkning", "ssb_table": "07459", "vintage": "2024-06-01"}}}
    (folder / "MANIFEST.json").write_text(json.dumps(manifest))
    return tidy


def test_snapshot_answers_with_filtering_and_marks_origin(pxweb, snapshot):
    query = Query.build(
        "07459", {"Region": "5033,1825", "Alder": "*", "ContentsCode": "Personer1", "Tid": "top(2)"}
    )
    df = get(query, refresh="never")
    assert pxweb.state.log == []
    assert df.attrs["origin"] == "snapshot" and df.attrs["vintage"] == "2024-06-01"
    assert sorted(df["Region"].unique()) == ["1825", "5033"] and sorted(df["Tid"].unique()) == [
        "2023",
        "2024",
    ]
    assert len(df) == 2 * 106 * 2
    expected = snapshot[snapshot["Region"].isin(["1825", "5033"]) & snapshot["Tid"].isin(["2023", "2024"])]
    assert df["value"].sum() == expected["value"].sum()


def test_snapshot_from_expression_on_tid(snapshot):
    query = Query.build(
        "07459", {"Region": "5043", "Alder": "000", "ContentsCode": "Personer1", "Tid": "from(2022)"}
    )
    df = get(query, refresh="never")
    assert df["Tid"].tolist() == ["2022", "2023", "2024"]


def test_snapshot_cannot_answer_codelists_or_missing_codes(pxweb, snapshot):
    agg = Query.build(
        "07459",
        {"Region": "K-5033", "ContentsCode": "Personer1", "Tid": "2024"},
        codelist={"Region": "agg_KommSummer"},
    )
    outside = Query.build(
        "07459", {"Region": "5001", "Alder": "000", "ContentsCode": "Personer1", "Tid": "2024"}
    )
    for query in (agg, outside):
        with pytest.raises(OfflineError, match="samfunn fetch"):
            get(query, refresh="never")


def test_if_stale_keeps_the_snapshot_when_ssb_has_nothing_newer(pxweb, ssb_settings, snapshot):
    query = Query.build("07459", {"Region": "5033", "Alder": "000", "ContentsCode": "Personer1", "Tid": "*"})
    df = get(query, refresh="if-stale", client=fast(ssb_settings))  # table updated 2024-04-21 < 2024-06-01
    assert df.attrs["origin"] == "snapshot" and data_calls(pxweb) == 0
    pxweb.state.set_updated("07459", "2026-02-20T07:00:00Z")
    df = get(query, refresh="if-stale", client=fast(ssb_settings))
    assert df.attrs["origin"] == "fetched" and data_calls(pxweb) == 1
    # a newer fetched vintage now wins over the snapshot, also without network
    assert get(query, refresh="never").attrs["origin"] == "fetched"


def test_offline_falls_back_to_the_snapshot_with_a_warning(pxweb, ssb_settings, snapshot):
    pxweb.stop()
    query = Query.build(
        "07459", {"Region": "5033", "Alder": "000", "ContentsCode": "Personer1", "Tid": "2024"}
    )
    with pytest.warns(StaleDataWarning, match="embedded snapshot.*2024-06-01"):
        df = get(query, refresh="always", client=fast(ssb_settings))
    assert df.attrs["origin"] == "snapshot"
    assert (
        df["value"].tolist()
        == snapshot.query("Region == '5033' and Alder == '000' and Tid == '2024'")["value"].tolist()
    )


def test_snapshot_says_why_it_cannot_answer(snapshot):
    no_age = Query.build("07459", {"Region": "5033", "ContentsCode": "Personer1", "Tid": "2024"})
    with pytest.raises(OfflineError, match=r"leaves out \['Alder'\]"):
        get(no_age, refresh="never")
    agg = Query.build(
        "07459",
        {"Region": "K-5033", "Alder": "000", "ContentsCode": "Personer1", "Tid": "2024"},
        codelist={"Region": "agg_KommSummer"},
    )
    with pytest.raises(OfflineError, match="holds no codelists"):
        get(agg, refresh="never")


def test_snapshot_wins_over_an_older_fetched_vintage(pxweb, ssb_settings, snapshot):
    query = Query.build(
        "07459", {"Region": "5033", "Alder": "000", "ContentsCode": "Personer1", "Tid": "2024"}
    )
    old = fast(ssb_settings).fetch(query)
    RawStore(ssb_settings.store_dir).save(old, "2022-02-01T07:00:00Z", now=datetime(2023, 1, 1, tzinfo=UTC))
    df = get(query, refresh="never")
    assert df.attrs["origin"] == "snapshot" and df.attrs["vintage"] == "2024-06-01"


def test_two_writers_in_the_same_microsecond_get_separate_vintages(tmp_path):
    moment = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
    a = RawStore(tmp_path).save(fake_result(b'{"a": 1}'), None, now=moment)
    b = RawStore(tmp_path).save(fake_result(b'{"a": 2}'), None, now=moment)
    assert a.stamp != b.stamp
    assert [v.read() for v in RawStore(tmp_path).vintages("07459", query_key(TYDAL))] == [
        [b'{"a": 1}'],
        [b'{"a": 2}'],
    ]
