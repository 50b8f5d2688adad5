"""A damaged or orphaned file in the raw store is moved aside (never deleted) and replaced by a good fetch;
the error for a damaged vintage names the exact command that repairs it."""

from __future__ import annotations

import os
import shlex
from datetime import UTC, datetime

import pandas as pd
import pytest

from samfunn_data.cli import main
from samfunn_data.config import Settings
from samfunn_data.errors import EXIT_OK, ParseError
from samfunn_data.facts import factbase
from samfunn_data.ssb import get
from samfunn_data.ssb.query import Query, query_key
from samfunn_data.ssb.store import QUARANTINE, RawStore, _write_new
from tests import factbase_fixtures as fx
from tests.test_factbase import _store_09429_vintage
from tests.test_ssb_store import TYDAL, fake_result

ARGS = ["fetch", "07459", "--select", "Region=5033", "--select", "Alder=000,001",
        "--select", "ContentsCode=Personer1", "--select", "Tid=2023,2024"]


def damage(path) -> bytes:
    os.chmod(path, 0o644)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))
    return bytes(data)


def test_a_damaged_vintage_names_its_fix_and_that_command_replaces_it(pxweb, ssb_settings, capsys):
    assert main(ARGS) == EXIT_OK
    capsys.readouterr()
    good = get(TYDAL, refresh="never")
    (body,) = good.attrs["source_files"]
    damaged_bytes = damage(type(ssb_settings.store_dir)(body))

    with pytest.raises(ParseError, match="damaged") as info:
        get(TYDAL, refresh="never")
    command = str(info.value).split("Run `", 1)[1].split("`", 1)[0]
    assert command.startswith("samfunn fetch 07459 --select ")

    assert main(shlex.split(command)[1:]) == EXIT_OK  # exactly the command the message named
    out = capsys.readouterr().out
    assert "hentet og lagret" in out and "skadet kopi flyttet til side" in out
    folder = ssb_settings.store_dir / "07459" / query_key(TYDAL)
    aside = sorted(p.name for p in (folder / QUARANTINE).iterdir())
    assert aside == sorted([os.path.basename(body), os.path.basename(body).replace(".json", ".meta.json")])
    assert (folder / QUARANTINE / os.path.basename(body)).read_bytes() == damaged_bytes  # kept, not deleted
    repaired = get(TYDAL, refresh="never")
    pd.testing.assert_frame_equal(repaired, good)


def test_if_stale_refetches_a_damaged_vintage_instead_of_serving_it(pxweb, ssb_settings):
    first = get(TYDAL, refresh="always")
    damage(type(ssb_settings.store_dir)(first.attrs["source_files"][0]))
    again = get(TYDAL, refresh="if-stale")  # SSB's table is unchanged: before, the damaged copy was served
    assert again.attrs["fetched_now"] and len(again.attrs["moved_aside"]) == 2
    pd.testing.assert_frame_equal(again, first)


def test_orphans_left_by_a_killed_writer_are_moved_aside_by_the_next_save(tmp_path):
    store = RawStore(tmp_path)
    kept = store.save(fake_result(b'{"a": 1}'), None, now=datetime(2026, 1, 1, tzinfo=UTC))
    folder = kept.files[0].parent
    # killed between a body and its sidecar; and a two-part vintage killed after its first part
    _write_new(folder / "20260202T000000000000Z-1of1.json", b'{"a": 2}')
    _write_new(folder / "20260203T000000000000Z-1of2.json", b'{"a": 3}')
    _write_new(folder / "20260203T000000000000Z-1of2.meta.json", b'{"file": "x"}')

    newer = store.save(fake_result(b'{"a": 4}'), None, now=datetime(2026, 3, 1, tzinfo=UTC))
    assert sorted(p.name for p in store.moved_aside) == [
        "20260202T000000000000Z-1of1.json", "20260203T000000000000Z-1of2.json",
        "20260203T000000000000Z-1of2.meta.json"]
    assert (folder / QUARANTINE / "20260202T000000000000Z-1of1.json").read_bytes() == b'{"a": 2}'
    assert [v.stamp for v in store.vintages("07459", query_key(TYDAL))] == [kept.stamp, newer.stamp]
    assert kept.read() == [b'{"a": 1}']  # complete vintages are never touched


def test_a_build_on_a_damaged_vintage_says_which_command_repairs_it(tmp_path):
    fx.write_snapshot(tmp_path / "snap")
    settings = Settings(data_dir=tmp_path / "data", snapshot_dir=tmp_path / "snap")
    _store_09429_vintage(settings, [150.0, 30.0, 20.0], (2026, 11, 2))
    (body,) = (settings.store_dir / "09429").glob("*/*-1of1.json")
    damage(body)
    with pytest.raises(ParseError, match=r"Run `samfunn fetch 09429 --select .*Region=1811"):
        factbase.build(settings=settings, participants=[])


def test_a_codelist_query_names_its_codelist_in_the_fix(tmp_path):
    query = Query.build("07459", {"Region": "K-5001", "ContentsCode": "Personer1", "Tid": "2019"},
                        codelist={"Region": "agg_KommSummer"}, output_values={"Region": "aggregated"})
    vintage = RawStore(tmp_path).save(fake_result(b'{"a": 1}', query), None)
    damage(vintage.files[0])
    fix = "--codelist Region=agg_KommSummer --output-values Region=aggregated"
    with pytest.raises(ParseError, match=fix):
        vintage.read()
