"""`samfunn fetch` says when it did not fetch what was asked, ends within its deadline, shows its waits,
and reads repeated or hostile options strictly. Against the loopback server, with injected faults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from samfunn_data.cli import main
from samfunn_data.errors import EXIT_ERROR, EXIT_OK, EXIT_STALE, LockTimeoutError
from samfunn_data.files import FileLock
from samfunn_data.ssb import api as ssb_api
from samfunn_data.ssb.ratelimit import SharedBudget

REPO = Path(__file__).parents[1]
TYDAL = ["fetch", "07459", "--select", "Region=5033", "--select", "Alder=000",
         "--select", "ContentsCode=Personer1"]
ARGS = [*TYDAL, "--select", "Tid=2023"]


@pytest.fixture(autouse=True)
def _fresh_warning_memory():
    ssb_api._warned.clear()


def data_calls(server) -> int:
    return sum(1 for _t, _m, path, _s in server.state.log if path.endswith("/data"))


def stale_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err  # one plain line: no Python warning with a source line, no traceback
    return lines[0]


def test_ssb_down_with_a_stored_copy_exits_4_and_says_so_in_one_line(pxweb, ssb_settings, capsys):
    assert main(ARGS) == EXIT_OK
    capsys.readouterr()
    pxweb.stop()  # nothing listening any more
    assert main([*ARGS, "--deadline", "1"]) == EXIT_STALE
    captured = capsys.readouterr()
    line = stale_line(captured.err)
    assert line.startswith("samfunn fetch: fikk ikke hentet tabell 07459 fra SSB")
    assert "den lagrede kopien" in line and "Prøv igjen" in line
    assert "SSB kunne ikke nås; dette er den nyeste lagrede versjonen" in captured.out


def test_503_forever_is_not_success_either(pxweb, ssb_settings, capsys):
    assert main(ARGS) == EXIT_OK
    capsys.readouterr()
    pxweb.state.inject(*["503"] * 20)
    assert main([*ARGS, "--deadline", "2"]) == EXIT_STALE
    assert "server error 503" in stale_line(capsys.readouterr().err)


def test_the_snapshot_served_instead_of_ssb_exits_4(pxweb, ssb_settings, capsys):
    from tests.test_ssb_store import FIXTURE, decode_jsonstat

    folder = ssb_settings.snapshot_dir
    folder.mkdir(parents=True)
    decode_jsonstat(FIXTURE.read_bytes()).to_parquet(folder / "07459.parquet")
    (folder / "MANIFEST.json").write_text('{"tables": {"07459": {"vintage": "2024-06-01"}}}')
    pxweb.stop()
    assert main([*ARGS, "--deadline", "1"]) == EXIT_STALE
    line = stale_line(capsys.readouterr().err)
    assert "det innebygde øyeblikksbildet fra 2024-06-01" in line


def test_nothing_stored_and_ssb_down_is_an_error_not_a_stale_answer(pxweb, ssb_settings, capsys):
    pxweb.stop()
    assert main([*ARGS, "--deadline", "1"]) == EXIT_ERROR
    assert "samfunn fetch 07459" in capsys.readouterr().err


def test_a_server_dripping_one_byte_at_a_time_cannot_hang_a_fetch(pxweb, ssb_settings):
    assert main(ARGS) == EXIT_OK
    pxweb.state.drip_seconds = 0.5  # far inside the per-read timeout (10 s here)
    pxweb.state.inject("drip")
    # Before the deadline existed this ran for len(body) * 0.5 s (hours); the subprocess timeout is
    # only a guard against that hang, not a measure of speed.
    done = subprocess.run([sys.executable, "-m", "samfunn_data.cli", *ARGS, "--deadline", "2"], cwd=REPO,
                          env=os.environ.copy(), capture_output=True, text=True, timeout=90)
    assert done.returncode == EXIT_STALE, done.stderr
    assert "fristen" in done.stderr or "deadline" in done.stderr
    assert "Traceback" not in done.stderr


def test_waiting_for_ssbs_rate_limit_is_shown_each_time(pxweb, ssb_settings, capsys):
    # The server allows fewer calls than /config promises, so the 429 comes and Retry-After must be obeyed.
    pxweb.state.max_calls, pxweb.state.window, pxweb.state.advertised_calls = 1, 2.0, 100
    assert main(ARGS) == EXIT_OK
    captured = capsys.readouterr()
    assert 429 in pxweb.state.statuses()
    waits = [line for line in captured.err.splitlines() if line.startswith("venter ")]
    assert waits and all("s på SSBs grense" in line for line in waits)
    assert "hentet og lagret" in captured.out


def test_repeated_plain_selects_for_one_variable_are_merged(pxweb, ssb_settings, capsys):
    assert main([*TYDAL, "--select", "Tid=2023", "--select", "Tid=2024,2023"]) == EXIT_OK
    assert "tabell 07459: 2 rader" in capsys.readouterr().out  # before: only 2024 (the last one) was kept


def test_a_repeated_select_with_an_expression_is_refused_before_any_call(pxweb, ssb_settings, capsys):
    assert main([*TYDAL, "--select", "Tid=2023", "--select", "Tid=top(2)"]) == EXIT_ERROR
    err = capsys.readouterr().err
    assert "--select Tid er gitt flere ganger" in err and "top(2)" in err
    assert pxweb.state.log == []


@pytest.mark.parametrize("codelist", ["../../config", "agg_KommSummer?x=1", "agg KommSummer", "vs_Fylker/.."])
def test_a_codelist_id_that_is_not_an_ssb_id_never_reaches_a_url(pxweb, ssb_settings, capsys, codelist):
    args = ["fetch", "07459", "--select", "Region=K-5001", "--codelist", f"Region={codelist}",
            "--select", "ContentsCode=Personer1", "--select", "Tid=2019"]
    assert main(args) == EXIT_ERROR
    assert "is not an SSB codelist id" in capsys.readouterr().err
    assert pxweb.state.log == []


def test_two_different_codelists_for_one_variable_are_refused(pxweb, ssb_settings, capsys):
    args = ["fetch", "07459", "--select", "Region=K-5001", "--codelist", "Region=agg_KommSummer",
            "--codelist", "Region=vs_Fylker", "--select", "ContentsCode=Personer1", "--select", "Tid=2019"]
    assert main(args) == EXIT_ERROR
    assert "--codelist Region er gitt to ganger" in capsys.readouterr().err
    assert pxweb.state.log == []


def test_a_hung_holder_of_the_shared_call_log_ends_in_a_message_not_a_silent_wait(tmp_path, capsys):
    log = tmp_path / ".ratelimit" / "ssb.json"
    budget = SharedBudget(log, max_calls=30, window=60, lock_timeout=0.3)
    with FileLock(log), pytest.raises(LockTimeoutError, match="SSBs felles kall-logg.*ventet"):
        budget.acquire()  # before: blocked for as long as the holder hung
    assert "venter på SSBs felles kall-logg" in capsys.readouterr().err
    assert budget.acquire() == 0.0
