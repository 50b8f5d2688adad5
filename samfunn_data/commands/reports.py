"""`samfunn reports`: render per-municipality fact-base reports (notebook + HTML), an index and a manifest."""

from __future__ import annotations

import argparse

from samfunn_data.errors import EXIT_ERROR, EXIT_OK


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kommuner", default="network",
                        help="network, small, or comma-separated codes or names (default: network)")
    parser.add_argument("--years", default="main",
                        help="e.g. 2020-2023, 2020,2024 or main (2020–2023 plus the latest year in the data)")
    parser.add_argument("--force", action="store_true", help="re-render reports that are unchanged")
    parser.add_argument("--jobs", type=int, default=None, help="worker processes (default: available cores)")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument("--template", default=None, help=argparse.SUPPRESS)  # another template (tests)


def run(args) -> int:
    from samfunn_data.config import get_settings
    from samfunn_data.reports import runner as reports

    results = reports.render_reports(args.kommuner, args.years, force=args.force, jobs=args.jobs,
                                     template=args.template, progress=not args.no_progress)
    counts = reports.summary(results)
    index = (get_settings().reports_dir / "index.html").resolve()
    print(f"{len(results)} reports: {counts['ok']} rendered, {counts['skipped']} unchanged (skipped), "
          f"{counts['failed']} failed.")
    for r in results:
        if r.status == "failed":
            print(f"  FAILED {r.job.year} {r.job.kommunenr} {r.job.name}: {r.error.splitlines()[0]}")
    print(f"Index: {index}")
    print(f"Open:  {index.as_uri()}")
    return EXIT_ERROR if counts["failed"] else EXIT_OK
