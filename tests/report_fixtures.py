"""Shared, expensive test inputs for the report tests: a fact base built from the embedded snapshot and
one real report rendered from the template, each made once per test session in a temporary folder."""

from __future__ import annotations

import contextlib
import functools
import os
import tempfile
from pathlib import Path

import nbformat

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "raw" / "snapshot"
REPORT_KOMMUNE, REPORT_YEAR = "5033", 2023  # Tydal, a network municipality, last network year


@contextlib.contextmanager
def environment(**values):
    """Set environment variables for the duration of a block (the runner's workers and kernels
    inherit the environment, so tests point SAMFUNN_* there rather than patching settings)."""
    old = {k: os.environ.get(k) for k in values}
    os.environ.update({k: str(v) for k, v in values.items()})
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


@functools.lru_cache(maxsize=1)
def built_data_dir() -> Path:
    """A data dir whose processed/ holds the fact base built from the committed snapshot."""
    from samfunn_data.config import get_settings
    from samfunn_data.facts import factbase

    data_dir = Path(tempfile.mkdtemp(prefix="samfunn-test-data-"))
    (data_dir / "raw" / "ssb").mkdir(parents=True)
    factbase.build(settings=get_settings(data_dir=data_dir, snapshot_dir=SNAPSHOT))
    return data_dir


@functools.lru_cache(maxsize=1)
def rendered_report() -> Path:
    """The reports dir after rendering the real template for REPORT_KOMMUNE and REPORT_YEAR."""
    from samfunn_data.reports import runner as reports

    out = Path(tempfile.mkdtemp(prefix="samfunn-test-reports-"))
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT,
                     SAMFUNN_REPORTS_DIR=out):
        results = reports.render_reports(REPORT_KOMMUNE, REPORT_YEAR, jobs=1, progress=False)
    assert results[0].status == "ok", results[0].error
    return out


def tiny_template(path: Path, fail_for: str = "1827") -> Path:
    """A minimal parameterised notebook that fails on purpose for one municipality."""
    params = nbformat.v4.new_code_cell('kommunenr = "0000"\nyear = 2000')
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        params,
        nbformat.v4.new_code_cell("from IPython.display import HTML, display\n"
                                  "display(HTML(f'<h2>Rapport {kommunenr} {year}</h2>'))"),
        nbformat.v4.new_code_cell(f"if kommunenr == {fail_for!r}:\n"
                                  "    raise ValueError(f'deliberate failure for {kommunenr}')"),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, path)
    return path
