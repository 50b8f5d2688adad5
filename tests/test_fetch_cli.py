"""`samfunn fetch` against the loopback server: what it stores and what it prints."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from samfunn_data.cli import main

REPO = Path(__file__).parents[1]
ARGS = [
    "fetch",
    "07459",
    "--select",
    "Region=5033,5043",
    "--select",
    "Alder=000",
    "--select",
    "ContentsCode=Personer1",
    "--select",
    "Tid=range(2023,2024)",
]


def test_fetch_stores_and_prints_rows_vintage_and_file(pxweb, ssb_settings, capsys):
    assert main(ARGS) == 0
    out = capsys.readouterr().out
    assert "tabell 07459: 4 rader, versjon " in out
    file_line = next(line for line in out.splitlines() if line.strip().startswith("fil: "))
    path = Path(file_line.split("fil: ", 1)[1])
    assert path.is_file() and path.is_relative_to(ssb_settings.store_dir)
    assert json.loads(path.read_bytes())["id"] == ["Region", "Alder", "ContentsCode", "Tid"]


def test_fetch_with_codelist_and_output_values(pxweb, ssb_settings, capsys):
    args = [
        "fetch",
        "07459",
        "--select",
        "Region=K-5001",
        "--codelist",
        "Region=agg_KommSummer",
        "--output-values",
        "Region=aggregated",
        "--select",
        "ContentsCode=Personer1",
        "--select",
        "Tid=2019",
    ]
    assert main(args) == 0
    assert "tabell 07459: 1 rad," in capsys.readouterr().out
    url = next(path for _t, _m, path, _s in pxweb.state.log if path.endswith("/data"))
    assert url.endswith("/tables/07459/data")


def test_bad_select_syntax_is_a_clear_error(pxweb, ssb_settings, capsys):
    assert main(["fetch", "07459", "--select", "Region"]) == 1
    err = capsys.readouterr().err
    assert "--select venter VAR=VERDI" in err and "eksempel:" in err
    assert pxweb.state.log == []


def test_unknown_table_and_value_exit_1_with_ssb_message(pxweb, ssb_settings, capsys):
    assert main(["fetch", "99999", "--select", "Tid=*"]) == 1
    assert "Non-existent table" in capsys.readouterr().err
    assert (
        main(
            [
                "fetch",
                "07459",
                "--select",
                "Region=1850",
                "--select",
                "ContentsCode=Personer1",
                "--select",
                "Tid=2024",
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "Non-existent value" in err and "1850" in err


def test_offline_with_nothing_stored_tells_what_to_run(pxweb, ssb_settings, capsys):
    pxweb.stop()
    assert main([*ARGS, "--refresh", "if-stale"]) == 1
    assert "samfunn fetch 07459 --select Region=5033,5043" in capsys.readouterr().err


def test_samfunn_fetch_runs_as_a_program(pxweb, ssb_settings):
    done = subprocess.run(
        [sys.executable, "-m", "samfunn_data.cli", *ARGS],
        cwd=REPO,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "4 rader" in done.stdout and "fil: " in done.stdout


def test_second_fetch_if_stale_says_it_was_already_current(pxweb, ssb_settings, capsys):
    assert main(ARGS) == 0
    assert "hentet og lagret" in capsys.readouterr().out
    assert main([*ARGS, "--refresh", "if-stale"]) == 0
    assert "finnes allerede i lageret; SSB har ikke oppdatert tabellen siden" in capsys.readouterr().out
    assert sum(1 for _t, _m, path, _s in pxweb.state.log if path.endswith("/data")) == 1
