"""`samfunn changes KOMMUNE --since YEAR`: what changed for a municipality since a year or a build."""

from __future__ import annotations

import math


def add_arguments(parser) -> None:
    parser.add_argument("kommune", help="municipality code or name, e.g. 5033 or Tydal")
    parser.add_argument("--since", type=int, metavar="YEAR",
                        help="compare each indicator's latest year with this year (default: last year)")
    parser.add_argument("--vintage", metavar="LABEL",
                        help="compare with an earlier build instead: 'previous' or a label it lists")


def _fmt(value: float, decimals: int) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{decimals}f}".replace(",", " ")


def run(args) -> int:
    from samfunn_data.facts import factbase, indicators

    table = factbase.changes(args.kommune, since_year=args.since, vintage=args.vintage)
    code = factbase.resolve_region(args.kommune)
    if table.empty:
        print(f"{code}: no indicator changed")
        return 0
    what = f"since build {args.vintage}" if args.vintage else "between the years shown"
    print(f"{code}: {len(table)} indicators changed {what}")
    for row in table.itertuples():
        decimals = indicators.CATALOGUE[row.indicator].decimals
        print(f"  {row.indicator:<32} {row.from_year}: {_fmt(row.from_value, decimals):>12}  ->  "
              f"{row.to_year}: {_fmt(row.to_value, decimals):>12} {row.unit:<13} {row.assessment}"
              f" ({row.robustness if isinstance(row.robustness, str) else 'ikke gradert'})")
    return 0
