"""`samfunn screen APPLICATIONS --year YEAR --out DIR`: screen applicant municipalities.

Exit codes: 0 when every row was valid; 3 when the file must be fixed: some rows were invalid (the valid
ones are still screened and written) or the file has a header but no application rows; 1 when the file
cannot be read at all or the outputs cannot be written (InputFileError, printed by the CLI); 2 for usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from samfunn_data.errors import EXIT_INVALID_ROWS

MAX_PRINTED_ERRORS = 20  # the rest are in screening_errors.csv; a huge file must not flood the terminal


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("applications", type=Path, help="søknadsfil: .csv (komma/semikolon) eller .xlsx")
    parser.add_argument("--year", type=int, required=True,
                        help="søknadsåret; folketallet 1. januar dette året avgjør")
    parser.add_argument("--out", type=Path, required=True,
                        help="mappe for screening.html, screening.claims.json, screening.xlsx og CSV-filene")


def run(args: argparse.Namespace) -> int:
    from samfunn_data.formatting import fmt_int, plural
    from samfunn_data.screening import screen_file

    result = screen_file(args.applications, args.year, args.out)
    counts: dict[str, int] = {}
    for a in result.assessments:
        counts[a.category] = counts.get(a.category, 0) + 1
    summary = ", ".join(f"{c}: {n}" for c, n in counts.items()) or "ingen"
    print(f"Vurderte {plural(len(result.assessments), 'søknad', 'søknader')} for {args.year} ({summary}).")
    for key in ("html", "claims", "xlsx", "csv", "errors_csv"):
        print(f"  {result.paths[key]}")
    if result.read.n_rows == 0:
        print(f"Advarsel: {args.applications} har overskrifter, men ingen søknader (ingen rader under "
              "overskriftsraden). Ingenting ble vurdert; sjekk at du valgte riktig fil.", file=sys.stderr)
        return EXIT_INVALID_ROWS
    if result.ok:
        return 0
    bad_rows = result.read.invalid_rows
    print(f"{plural(len(bad_rows), 'rad', 'rader')} i {args.applications} har feil og ble ikke vurdert:",
          file=sys.stderr)
    for error in result.errors[:MAX_PRINTED_ERRORS]:
        who = f" ({error.kommune})" if error.kommune else ""
        print(f"  rad {error.row}{who}, {error.field}: {error.message}", file=sys.stderr)
    hidden = len(result.errors) - MAX_PRINTED_ERRORS
    if hidden > 0:
        print(f"  … og {fmt_int(hidden)} flere feil (se {result.paths['errors_csv']})", file=sys.stderr)
    return EXIT_INVALID_ROWS
