"""`samfunn fetch TABLE --select VAR=CODES ...`: fetch SSB figures into the raw store, say what was stored.

Exit codes: 0 when what was asked was fetched (or, with --refresh if-stale/never, found current in the
store); 4 when SSB could not be reached and a stored copy or the snapshot was shown instead; 1 on errors.
"""

from __future__ import annotations

import argparse
import sys

from samfunn_data.config import REFRESH_POLICIES, get_settings
from samfunn_data.errors import EXIT_OK, EXIT_STALE, QueryError
from samfunn_data.formatting import plural
from samfunn_data.ssb import api
from samfunn_data.ssb.query import Query, format_codes, is_expression, split_codes

EXAMPLE = (
    "eksempel: samfunn fetch 07459 --select Region=K-5033 --codelist Region=agg_KommSummer "
    "--output-values Region=aggregated --select 'Alder=*' --select ContentsCode=Personer1 "
    "--select 'Tid=from(2020)'"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXAMPLE
    parser.add_argument("table", help="SSB-tabellens nummer, f.eks. 07459")
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="VAR=CODES",
        help="koder eller uttrykk for én variabel, skilt med komma: 5033,5026 | * | top(3) | from(2020)",
    )
    parser.add_argument(
        "--codelist", action="append", default=[], metavar="VAR=ID", help="f.eks. Region=agg_KommSummer"
    )
    parser.add_argument(
        "--output-values",
        action="append",
        default=[],
        metavar="VAR=aggregated|single",
        help="outputValues[VAR]",
    )
    parser.add_argument(
        "--refresh",
        choices=REFRESH_POLICIES,
        default="always",
        help="always (standard: hent nå), if-stale (bare hvis SSB har oppdatert tabellen), "
        "never (vis det som er lagret)",
    )
    parser.add_argument("--lang", default="no", choices=("no", "en"))
    parser.add_argument(
        "--deadline",
        type=_seconds,
        default=None,
        metavar="SEKUNDER",
        help="gi opp SSB etter så mange sekunder til sammen, nye forsøk og ventetid medregnet "
        "(standard 120, eller SAMFUNN_DEADLINE); hver forespørsel har også sin egen tidsgrense "
        "(SAMFUNN_TIMEOUT)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not value > 0:
        raise argparse.ArgumentTypeError(f"venter et antall sekunder over 0, ikke {text!r}")
    return value


def _split(item: str, option: str) -> tuple[str, str]:
    var, sep, value = item.partition("=")
    if not sep or not var.strip() or not value.strip():
        raise QueryError(f"{option} venter VAR=VERDI, fikk {item!r}. {EXAMPLE}")
    return var.strip(), value.strip()


def _pairs(items: list[str], option: str) -> dict[str, str]:
    """VAR=VALUE options given once per variable; the same VAR twice must say the same thing."""
    pairs: dict[str, str] = {}
    for var, value in (_split(item, option) for item in items):
        if pairs.get(var, value) != value:
            raise QueryError(f"{option} {var} er gitt to ganger med ulike verdier ({pairs[var]!r} og "
                             f"{value!r}); gi den én gang")
        pairs[var] = value
    return pairs


def _selections(items: list[str]) -> dict[str, str]:
    """--select options by variable. Repeating a variable adds its plain codes to the same selection
    (`--select Tid=2019 --select Tid=2024` asks for both years); an expression such as `*`, `top(3)` or
    `from(2020)` cannot be combined this way, so repeating a variable that has one is refused."""
    codes: dict[str, list[str]] = {}
    for var, value in (_split(item, "--select") for item in items):
        if var in codes:
            both = [*codes[var], *split_codes(value)]
            mixed = [v for v in both if is_expression(v)]
            if mixed:
                raise QueryError(
                    f"--select {var} er gitt flere ganger, og {', '.join(mixed)} er et uttrykk som ikke "
                    "kan slås sammen med andre verdier; gi variabelen én gang, f.eks. "
                    f"--select '{var}=from(2020)' eller --select {var}=2019,2024")
            codes[var] = list(dict.fromkeys(both))
        else:
            codes[var] = list(split_codes(value))
    return {var: format_codes(values) for var, values in codes.items()}


def run(args: argparse.Namespace) -> int:
    select = _selections(args.select)
    if not select:
        raise QueryError(
            f"gi minst én --select VAR=KODER (SSBs API 2.0 krever et utvalg for Tid). {EXAMPLE}"
        )
    query = Query.build(
        args.table,
        select,
        codelist=_pairs(args.codelist, "--codelist"),
        output_values=_pairs(args.output_values, "--output-values"),
        lang=args.lang,
    )
    frame = api.get(query, refresh=args.refresh, settings=get_settings(), deadline=args.deadline, warn=False)
    attrs = frame.attrs
    how = _origin(attrs, args.refresh)
    print(f"tabell {args.table}: {plural(len(frame), 'rad', 'rader')}, versjon {attrs['vintage']} ({how})")
    if attrs.get("label"):
        print(f"  {attrs['label']}")
    for path in attrs.get("source_files", []):
        print(f"  fil: {path}")
    for path in attrs.get("moved_aside", []):
        print(f"  skadet kopi flyttet til side: {path}")
    if attrs.get("offline"):
        what = "det innebygde øyeblikksbildet" if attrs["origin"] == "snapshot" else "den lagrede kopien"
        print(f"samfunn fetch: fikk ikke hentet tabell {args.table} fra SSB ({attrs['offline']}); viser "
              f"{what} fra {attrs['vintage'] or 'ukjent dato'} i stedet. Prøv igjen når SSB svarer.",
              file=sys.stderr)
        return EXIT_STALE
    return EXIT_OK


def _origin(attrs: dict, refresh: str) -> str:
    if attrs["origin"] == "stale-fetched":
        return "SSB kunne ikke nås; dette er den nyeste lagrede versjonen"
    if attrs["origin"] == "snapshot":
        return "svar fra det innebygde øyeblikksbildet; ingenting hentet"
    if attrs.get("fetched_now"):
        return "hentet og lagret"
    if refresh == "never":
        return "finnes allerede i lageret; ikke sjekket mot SSB"
    return "finnes allerede i lageret; SSB har ikke oppdatert tabellen siden"
