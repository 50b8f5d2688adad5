"""A damaged fact base is found, refused and rebuilt; builds and readers take turns through one lock.

Each test first damages a tmp copy of a small fact base (tests/factbase_fixtures.py) the way an unlucky
user would (one flipped bit, a truncated copy), or runs builds at the same time, and checks the answer a
user relies on: a message naming `samfunn build`, never a traceback, and the same bytes after repair.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samfunn_data import cli
from samfunn_data.config import Settings
from samfunn_data.errors import FactbaseError, LockTimeoutError
from samfunn_data.facts import factbase, outputs
from tests import factbase_fixtures as fx

REPO = Path(__file__).parents[1]
NAMES = ("facts.parquet", "comparisons.parquet", "build-state.json")


@pytest.fixture
def settings(tmp_path) -> Settings:
    fx.write_snapshot(tmp_path / "snap")
    return Settings(data_dir=tmp_path / "data", snapshot_dir=tmp_path / "snap", lock_timeout=5)


@pytest.fixture
def cli_env(settings, monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(settings.snapshot_dir))
    monkeypatch.setattr(factbase, "_participants", lambda: ["1811"])
    return settings


def build(settings, **kwargs):
    return factbase.build(settings=settings, participants=["1811"], **kwargs)


def snapshot_bytes(settings) -> dict[str, bytes]:
    return {name: (settings.processed_dir / name).read_bytes() for name in NAMES}


def flip_one_bit(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x04
    path.write_bytes(bytes(data))


def test_a_flipped_bit_in_comparisons_is_refused_then_rebuilt_to_the_same_bytes(settings):
    build(settings)
    good = snapshot_bytes(settings)
    flip_one_bit(settings.processed_dir / "comparisons.parquet")

    with pytest.raises(FactbaseError, match=r"comparisons\.parquet.*sjekksummen.*`samfunn build`"):
        factbase.comparisons("1811", 2020, settings=settings)
    result = build(settings)  # before: "up to date", serving the damaged file
    assert not result.skipped
    assert list(result.repaired) == ["comparisons.parquet"]
    assert "comparisons.parquet var skadet" in result.summary()
    assert snapshot_bytes(settings) == good  # no timestamps inside: the same inputs give the same bytes
    assert len(factbase.comparisons("1811", 2020, settings=settings)) > 0


def test_a_truncated_facts_file_gives_a_message_not_a_traceback_and_build_repairs_it(cli_env, capsys):
    assert cli.main(["build"]) == 0
    good = snapshot_bytes(cli_env)
    capsys.readouterr()
    facts = cli_env.processed_dir / "facts.parquet"
    facts.write_bytes(facts.read_bytes()[: facts.stat().st_size // 2])

    assert cli.main(["changes", "1811", "--since", "2020"]) == 1
    err = capsys.readouterr().err
    assert "facts.parquet" in err and "`samfunn build`" in err and "Traceback" not in err

    assert cli.main(["build"]) == 0
    out = capsys.readouterr().out
    assert "facts.parquet var skadet" in out and "bygget" in out
    assert snapshot_bytes(cli_env) == good
    assert cli.main(["changes", "1811", "--since", "2020"]) == 0


def test_a_deleted_checksum_or_a_missing_file_is_damage_too(settings):
    build(settings)
    (settings.processed_dir / "comparisons.parquet").unlink()
    with pytest.raises(FactbaseError, match="comparisons.parquet: filen mangler"):
        outputs.check(settings.processed_dir, outputs.read_state(settings.processed_dir))
    state = outputs.read_state(settings.processed_dir)
    del state["outputs"]["facts.parquet"]
    found = outputs.problems(settings.processed_dir, state)
    assert set(found) == {"facts.parquet", "comparisons.parquet"}


def test_an_unreadable_build_state_means_a_full_rebuild_that_says_why(settings):
    build(settings)
    good = snapshot_bytes(settings)
    state = settings.processed_dir / "build-state.json"
    state.write_bytes(state.read_bytes()[:40])
    result = build(settings)
    assert not result.skipped and "build-state.json var skadet" in result.summary()
    assert snapshot_bytes(settings) == good


def test_a_damaged_archived_build_is_refused_when_compared(settings):
    build(settings)
    edu = fx.education_09429()
    edu.loc[edu["Region"] == "1811", "value"] += 1.0  # SSB revises: the previous facts are archived
    edu.to_parquet(settings.snapshot_dir / "09429.parquet", index=False)
    build(settings)
    (archived,) = (settings.processed_dir / "history").glob("facts-*.parquet")
    assert len(factbase.changes("1811", vintage="previous", settings=settings)) > 0
    flip_one_bit(archived)
    with pytest.raises(FactbaseError, match="tidligere byggingen .* er skadet"):
        factbase.changes("1811", vintage="previous", settings=settings)


def test_a_build_waits_for_a_reader_and_gives_up_with_a_clear_message(settings, capsys):
    build(settings)
    impatient = Settings(data_dir=settings.data_dir, snapshot_dir=settings.snapshot_dir, lock_timeout=0.3)
    with outputs.lock(settings, shared=False, holder="samfunn reports"):
        with pytest.raises(LockTimeoutError) as info:
            build(impatient, force=True)
    message = str(info.value)
    assert f"samfunn reports (prosess {os.getpid()}" in message
    assert "ventet 0 s" in message and "prøv igjen" in message and "SAMFUNN_LOCK_TIMEOUT" in message
    assert "venter på faktagrunnlaget" in capsys.readouterr().err  # it said it was waiting, once
    assert build(impatient, force=True).facts_rows > 0  # the lock is free again


BUILD = [sys.executable, "-m", "samfunn_data.cli", "build", "--force"]


def test_three_forced_builds_at_once_all_succeed_and_leave_an_intact_fact_base(settings):
    env = {**os.environ, "SAMFUNN_DATA_DIR": str(settings.data_dir),
           "SAMFUNN_SNAPSHOT_DIR": str(settings.snapshot_dir), "SAMFUNN_LOCK_TIMEOUT": "120"}
    children = [subprocess.Popen(BUILD, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                 text=True) for _ in range(3)]
    done = [(child.wait(timeout=180), *child.communicate()) for child in children]
    for code, out, err in done:
        assert code == 0, err
        assert "Traceback" not in err and out.startswith("bygget ")
    processed = settings.processed_dir
    assert outputs.problems(processed, outputs.read_state(processed)) == {}
    assert not list(processed.glob(".*.tmp"))  # no writer's temporary file is left behind
