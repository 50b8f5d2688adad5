"""Benchmark: what DOCX, PDF and «Kommunen i tall» add to a report, as a ratio to HTML alone.

Renders the six network municipalities for 2023 twice with the runner (``force``, default workers), into
temporary folders on a fact base built from the embedded snapshot: once as HTML only, once with
``formats="html,docx,pdf"`` (PDF includes the one-page «Kommunen i tall» as HTML, PDF and PNG). Then times
each added step once for Tydal 2023 in this process, and the PDF and «Kommunen i tall» with a new
Chromium for each (as before) against the worker's warm Chromium (as the runner makes them now),
printed as ``warm_browser_ratio``. The last line is ``documents_ratio: <ratio>`` (all formats / HTML
alone, wall-clock for the whole run).

    .venv/bin/python benchmarks/documents.py
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

YEAR = "2023"


def _timed(label: str, fn):
    start = time.perf_counter()
    out = fn()
    seconds = time.perf_counter() - start
    print(f"  {label}: {seconds:.2f} s")
    return out


def main() -> None:
    from samfunn_data.config import get_settings
    from samfunn_data.facts import factbase
    from samfunn_data.reports import chromium, model, onepager, word
    from samfunn_data.reports import runner as reports

    if chromium.chromium_path() is None:
        raise SystemExit(chromium.INSTALL_HINT)
    work = Path(tempfile.mkdtemp(prefix="samfunn-bench-docs-"))
    (work / "data" / "raw" / "ssb").mkdir(parents=True)
    os.environ["SAMFUNN_DATA_DIR"] = str(work / "data")
    factbase.build(settings=get_settings())
    print(f"cores: {reports.default_jobs()}")

    seconds = {}
    for label, formats in (("html", "html"), ("all", "html,docx,pdf")):
        start = time.perf_counter()
        results = reports.render_reports("network", YEAR, force=True, reports_dir=work / label,
                                         progress=False, formats=formats)
        seconds[label] = time.perf_counter() - start
        assert all(r.status == "ok" for r in results), [r.error for r in results if r.error]
        n = len(results)
        print(f"{label}: {seconds[label]:.1f} s for {n} reports ({seconds[label] / n:.2f} s per report)")
    added = (seconds["all"] - seconds["html"]) / n
    print(f"added per report (wall-clock, {reports.default_jobs()} workers): {added:.2f} s")

    print("one report (Tydal 2023), step by step in this process:")
    made = _timed("report model (load + claims + figures)", lambda: model.build_model("5033", 2023))
    _timed("docx", lambda: word.write_docx(made, work / "t.docx"))
    page = work / "all" / YEAR / "5033-tydal.html"
    _timed("pdf (Chromium)", lambda: chromium.html_to_pdf(page, work / "t.pdf", "Tydal 2023"))
    _timed("Kommunen i tall (html, pdf, png)",
           lambda: onepager.write(made, work / "k.html", work / "k.pdf", work / "k.png"))
    _timed("Chromium started and stopped", lambda: chromium.Browser().__enter__().__exit__())

    def fresh() -> None:  # before: each document started its own Chromium
        chromium.html_to_pdf(page, work / "t.pdf", "Tydal 2023")
        onepager.write(made, work / "k.html", work / "k.pdf", work / "k.png")

    def warm() -> None:  # now (`documents.render`): the worker's warm Chromium prints both
        browser = chromium.warm_browser()
        chromium.html_to_pdf(page, work / "t.pdf", "Tydal 2023", browser=browser)
        onepager.write(made, work / "k.html", work / "k.pdf", work / "k.png", browser=browser)

    runs: dict = {fresh: [], warm: []}
    for _ in range(3):  # alternated, so that a busy moment does not fall on one side only
        for fn in runs:
            start = time.perf_counter()
            fn()
            runs[fn].append(time.perf_counter() - start)
    chromium.stop_warm()
    fresh_s, warm_s = (sorted(v)[1] for v in runs.values())
    print(f"  pdf + Kommunen i tall, a new Chromium for each (median of 3): {fresh_s:.2f} s")
    print(f"  pdf + Kommunen i tall in the warm Chromium (median of 3): {warm_s:.2f} s")
    print(f"warm_browser_ratio: {fresh_s / warm_s:.2f}")
    print(f"documents_ratio: {seconds['all'] / seconds['html']:.2f}")


if __name__ == "__main__":
    main()
