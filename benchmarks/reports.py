"""Benchmark: the report runner against a naive loop of `papermill` + `jupyter nbconvert` command lines.

Renders the same 12 reports (the six network municipalities × 2022 and 2023) both ways, in this run, into
temporary folders, on a fact base built from the embedded snapshot in a temporary data folder. Then runs
`samfunn reports --kommuner network --years main` (30 reports) twice and times the second, unchanged run.
The last line is `speedup_vs_naive: <ratio>` (naive seconds / runner seconds).

    .venv/bin/python benchmarks/reports.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
YEARS = "2022,2023"


def naive(jobs, template: Path, out: Path, env: dict) -> None:
    """One `papermill` and one `jupyter nbconvert --no-input` process per report, as a shell loop would."""
    for job in jobs:
        target = out / job.notebook
        target.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([str(BIN / "papermill"), str(template), str(target), "-p", "kommunenr", job.kommunenr,
                        "-p", "year", str(job.year), "-k", "python3", "--cwd", str(template.parent),
                        "--no-progress-bar"], check=True, env=env, capture_output=True)
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(target)],
                       check=True, env=env, capture_output=True)


def main() -> None:
    from samfunn_data.config import get_settings
    from samfunn_data.facts import factbase
    from samfunn_data.reports import runner as reports

    work = Path(tempfile.mkdtemp(prefix="samfunn-bench-"))
    data_dir = work / "data"
    (data_dir / "raw" / "ssb").mkdir(parents=True)
    os.environ["SAMFUNN_DATA_DIR"] = str(data_dir)
    os.environ["SAMFUNN_REPORTS_DIR"] = str(work / "reports-cli")
    factbase.build(settings=get_settings())
    env = dict(os.environ)

    munis = reports.resolve_kommuner("network", [2022, 2023])
    jobs = reports.plan_jobs(munis, [2022, 2023], "bench", "bench")
    print(f"reports per method: {len(jobs)} ({len(munis)} municipalities x {YEARS}); cores: "
          f"{reports.default_jobs()}")

    start = time.perf_counter()
    results = reports.render_reports("network", YEARS, force=True, reports_dir=work / "runner",
                                     progress=False)
    runner = time.perf_counter() - start
    assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]
    print(f"runner_seconds: {runner:.1f} ({runner / len(jobs):.2f} s per report)")

    start = time.perf_counter()
    naive(jobs, reports.TEMPLATE, work / "naive", env)
    naive_s = time.perf_counter() - start
    print(f"naive_seconds: {naive_s:.1f} ({naive_s / len(jobs):.2f} s per report)")

    cli = [str(BIN / "samfunn"), "reports", "--kommuner", "network", "--years", "main", "--no-progress"]
    start = time.perf_counter()
    subprocess.run(cli, check=True, env=env, capture_output=True)
    first = time.perf_counter() - start
    start = time.perf_counter()
    done = subprocess.run(cli, check=True, env=env, capture_output=True, text=True)
    second = time.perf_counter() - start
    print(f"network_main_first_run_seconds: {first:.1f}")
    print(f"network_main_unchanged_run_seconds: {second:.2f} ({done.stdout.splitlines()[0]})")
    print(f"speedup_vs_naive: {naive_s / runner:.2f}")


if __name__ == "__main__":
    main()
