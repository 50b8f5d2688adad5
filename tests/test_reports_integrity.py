"""Report runs beside each other lose nothing in manifest.json and index.html, wait for a build with a
clear message, and refuse a damaged fact base before any kernel starts."""

from __future__ import annotations

import json
import shutil

import pytest

from samfunn_data import cli
from samfunn_data.config import get_settings
from samfunn_data.errors import FactbaseError, LockTimeoutError
from samfunn_data.facts import factbase
from samfunn_data.network import runner as network_runner
from samfunn_data.reports import runner as reports
from tests.report_fixtures import SNAPSHOT, built_data_dir

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def env(tmp_path, monkeypatch):
    """A private copy of the fact base built from the snapshot (these tests damage and lock it)."""
    data_dir = tmp_path / "data"
    shutil.copytree(built_data_dir(), data_dir)
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(data_dir))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(SNAPSHOT))
    monkeypatch.setenv("SAMFUNN_REPORTS_DIR", str(tmp_path / "reports"))
    monkeypatch.setenv("SAMFUNN_LOCK_TIMEOUT", "0.5")
    return tmp_path / "reports"


def fake_render(jobs, template, reports_dir, workers, progress):
    """Stands in for the kernels: writes each job's files as a successful render would."""
    results = []
    for job in jobs:
        for name in (job.notebook, job.html):
            (reports_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (reports_dir / name).write_text(f"{job.kommunenr} {job.year}", encoding="utf-8")
        results.append(reports.ReportResult(job, "ok", None, 0.01))
    return results


def test_two_report_runs_at_once_keep_both_runs_entries(env, monkeypatch):
    """Run B starts and finishes while run A is rendering; A's manifest was read before B wrote."""
    state = {"nested": False}

    def render_with_a_second_run_meanwhile(jobs, *args):
        if not state["nested"]:
            state["nested"] = True
            reports.render_reports("Træna", 2023, progress=False)  # run B, beside run A
        return fake_render(jobs, *args)

    monkeypatch.setattr(reports, "_run_jobs", render_with_a_second_run_meanwhile)
    reports.render_reports("Tydal", 2023, progress=False)  # run A
    manifest = json.loads((env / "manifest.json").read_text(encoding="utf-8"))
    assert set(manifest["reports"]) == {"2023/5033", "2023/1835"}  # before: B's entry was lost
    index = (env / "index.html").read_text(encoding="utf-8")
    assert "Tydal" in index and "Træna" in index
    assert not list(env.glob(".*.tmp"))


def test_a_report_run_refuses_a_damaged_fact_base_naming_the_fix(env, monkeypatch, capsys):
    monkeypatch.setattr(reports, "_run_jobs", fake_render)
    facts = get_settings().processed_dir / "facts.parquet"
    facts.write_bytes(facts.read_bytes()[:1000])
    assert cli.main(["reports", "--kommuner", "Tydal", "--years", "2023", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "facts.parquet" in err and "`samfunn build`" in err and "Traceback" not in err
    assert not env.exists() or not (env / "manifest.json").exists()
    with pytest.raises(FactbaseError, match="samfunn build"):
        network_runner.render_network_report(out_dir=env / "network")


def test_a_report_run_waits_for_a_build_and_then_says_who_held_it(env, monkeypatch, capsys):
    monkeypatch.setattr(reports, "_run_jobs", fake_render)
    settings = get_settings()
    with factbase.outputs.lock(settings, shared=False, holder="samfunn build"):
        with pytest.raises(LockTimeoutError, match=r"samfunn build \(prosess \d+"):
            reports.render_reports("Tydal", 2023, progress=False)
    assert "venter på faktagrunnlaget" in capsys.readouterr().err
    assert reports.render_reports("Tydal", 2023, progress=False)[0].status == "ok"  # free again
