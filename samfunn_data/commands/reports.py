"""`samfunn reports`: render per-municipality fact-base reports (notebook + HTML), an index and a manifest."""

from __future__ import annotations

import argparse
import sys
import warnings

from samfunn_data.errors import EXIT_ERROR, EXIT_OK
from samfunn_data.formatting import plural


def kommune_list(text: str) -> str:
    """--kommuner as given, refused (exit 2) when an item holds several municipalities ("5033 5026").

    Unknown names (and a registry that cannot be read) are left for the run to report with its usual
    message and exit code 1.
    """
    from samfunn_data.errors import NotOneMunicipalityError, SamfunnError
    from samfunn_data.facts import municipalities

    for item in (part.strip() for part in text.split(",")):
        if not item or item.lower() in ("network", "small"):
            continue
        try:
            municipalities.lookup(item)
        except NotOneMunicipalityError as exc:
            example = ",".join(m.code for m in exc.candidates) if len(exc.candidates) > 1 else "5033,5026"
            raise argparse.ArgumentTypeError(
                f"{exc}. Skill kommunene med komma, f.eks. --kommuner {example}") from exc
        except SamfunnError:
            continue
    return text


def positive_int(text: str) -> int:
    """An integer of at least 1 (argparse type): 0 or a negative number of workers is a usage error."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} er ikke et helt tall") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"må være minst 1, fikk {value}")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kommuner", default="network", type=kommune_list,
                        help="network (nettverket), small (alle små) eller nummer eller navn skilt med komma "
                             "(standard: network)")
    parser.add_argument("--years", default="main",
                        help="f.eks. 2020-2023, 2020,2024 eller main (2020–2023 og det siste året i dataene)")
    parser.add_argument("--force", action="store_true",
                        help="lag rapportene på nytt selv om ingenting er endret")
    parser.add_argument("--jobs", type=positive_int, default=None,
                        help="antall arbeidsprosesser, minst 1 (standard: tilgjengelige kjerner)")
    parser.add_argument("--no-progress", action="store_true", help="ingen fremdriftslinje")
    parser.add_argument("--format", default="html", dest="formats",
                        help="html, docx, pdf, skilt med komma (standard: html; pdf gir også "
                             "«Kommunen i tall»)")
    parser.add_argument("--pdf-optional", action="store_true",
                        help="hopp over pdf med en advarsel når Chromium mangler, i stedet for å feile")
    parser.add_argument("--template", default=None, help=argparse.SUPPRESS)  # another template (tests)


def run(args) -> int:
    from samfunn_data.config import get_settings
    from samfunn_data.reports import runner as reports

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        results = reports.render_reports(args.kommuner, args.years, force=args.force, jobs=args.jobs,
                                         template=args.template, progress=not args.no_progress,
                                         formats=args.formats, pdf_optional=args.pdf_optional)
    for warning in caught:
        print(f"ADVARSEL: {warning.message}", file=sys.stderr)
    counts = reports.summary(results)
    index = (get_settings().reports_dir / "index.html").resolve()
    print(f"{plural(len(results), 'rapport', 'rapporter')}: {counts['ok']} laget, "
          f"{counts['skipped']} uendret (hoppet over), {counts['failed']} feilet.")
    for r in results:
        if r.status == "failed":
            print(f"  FEILET {r.job.year} {r.job.kommunenr} {r.job.name}: {r.error.splitlines()[0]}")
    print(f"Oversikt: {index}")
    print(f"Åpne:     {index.as_uri()}")
    return EXIT_ERROR if counts["failed"] else EXIT_OK
