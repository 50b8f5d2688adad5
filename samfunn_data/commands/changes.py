"""`samfunn changes KOMMUNE --since YEAR`: what changed for a municipality since a year or a build."""

from __future__ import annotations

import math

from samfunn_data.formatting import plural, round_half_up


def add_arguments(parser) -> None:
    parser.add_argument("kommune", help="kommunenummer eller navn, f.eks. 5033 eller Tydal")
    parser.add_argument("--since", type=int, metavar="ÅR",
                        help="sammenlign hver indikators siste år med dette året (standard: året før)")
    parser.add_argument("--vintage", metavar="MERKE",
                        help="sammenlign med en tidligere bygging i stedet: 'previous' eller et merke den "
                             "lister opp")


# factbase.changes' assessment codes in the reader's words ("higher" = the new value is clearly higher)
CHANGE_NB = {"higher": "tydelig økning", "lower": "tydelig nedgang",
             "no clear difference": "ingen klar endring", "unavailable": "kan ikke vurderes"}


def _fmt(value: float, decimals: int) -> str:
    """Plain spaces and a point (for a terminal and for copying into code); halves round up."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    rounded = round_half_up(value, decimals)
    return f"{rounded:,.{decimals}f}".replace(",", " ")


def run(args) -> int:
    from samfunn_data.facts import factbase, indicators
    from samfunn_data.facts.robustness import grade_label

    table = factbase.changes(args.kommune, since_year=args.since, vintage=args.vintage)
    code = factbase.resolve_region(args.kommune)
    if table.empty:
        print(f"{code}: ingen indikator har endret seg")
        return 0
    what = f"siden byggingen {args.vintage}" if args.vintage else "mellom årene som vises"
    print(f"{code}: {plural(len(table), 'indikator', 'indikatorer')} har endret seg {what}")
    for row in table.itertuples():
        decimals = indicators.CATALOGUE[row.indicator].decimals
        print(f"  {row.indicator:<32} {row.from_year}: {_fmt(row.from_value, decimals):>12}  ->  "
              f"{row.to_year}: {_fmt(row.to_value, decimals):>12} {row.unit:<13} "
              f"{CHANGE_NB.get(row.assessment, row.assessment)}"
              f" ({grade_label(row.robustness) or 'ikke gradert'})")
    return 0
