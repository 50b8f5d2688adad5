"""`samfunn municipalities [--small] [--county 18] [--year 2020] [--network]`: list municipalities.

Works offline on a fresh clone: everything comes from the embedded snapshot (07459 population on
1 January, KLASS 128 centrality for Nordland and Trøndelag, SSB's 2024 names).
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from samfunn_data.errors import DataUnavailableError
from samfunn_data.facts import municipalities

EXAMPLE = (
    "examples: samfunn municipalities --small --county 18 --year 2020 | samfunn municipalities Træna 5043"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXAMPLE
    parser.add_argument(
        "kommuner",
        nargs="*",
        metavar="KOMMUNE",
        help="only these municipalities (code or name, e.g. 1835 Træna Raarvihke); old codes are explained",
    )
    parser.add_argument("--small", action="store_true", help="only municipalities under 2,500 inhabitants")
    parser.add_argument(
        "--county",
        action="append",
        default=[],
        metavar="CODE",
        help="county code(s), e.g. 18 (Nordland) or 50 (Trøndelag); repeat or comma-separate",
    )
    parser.add_argument("--year", type=int, help="population on 1 January of this year (default: latest)")
    parser.add_argument("--network", action="store_true", help="only the network's participants")
    parser.add_argument("--csv", action="store_true", help="write CSV instead of a table")
    parser.add_argument(
        "--refresh-klass",
        action="store_true",
        help="first fetch municipality code changes from SSB KLASS (needs the network)",
    )


def _counties(values: list[str]) -> list[str] | None:
    codes = [c.strip().zfill(2) for v in values for c in v.split(",") if c.strip()]
    known = {m.county for m in municipalities.all_municipalities()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DataUnavailableError(f"unknown county code(s) {unknown}; 2024 counties are {sorted(known)}")
    return codes or None


def run(args: argparse.Namespace) -> int:
    if args.refresh_klass:
        from samfunn_data.ssb import klass

        path, n = klass.refresh_changes()
        print(f"stored {n} municipality code changes from KLASS in {path}", file=sys.stderr)
    year = args.year or max(municipalities.years())
    table = municipalities.overview(year, counties=_counties(args.county))
    if args.kommuner:
        wanted = [municipalities.lookup(k).code for k in args.kommuner]  # raises with suggestions
        table = table[table["code"].isin(wanted)]
    if args.network:
        table = table[table["code"].isin(municipalities.network().participants)]
    if args.small:
        table = table[table["small"].eq(True)]
    if args.csv:
        table.to_csv(sys.stdout, index=False)
        return 0
    print(_format(table, year))
    return 0


def _format(table: pd.DataFrame, year: int) -> str:
    shown = pd.DataFrame(
        {
            "code": table["code"],
            "name": [_name(n, s) for n, s in zip(table["name"], table["sami_name"], strict=True)],
            "county": table["county_name"],
            f"population {year}": [_int(v) for v in table["population"]],
            "small": table["small"].map({True: "yes", False: "no"}).fillna("?"),
            "centrality": [
                _centrality(c, i)
                for c, i in zip(table["centrality_class"], table["centrality_index"], strict=True)
            ],
        }
    )
    for column in ("name", "county"):  # left-align text columns (to_string right-aligns by default)
        width = int(shown[column].str.len().max()) if len(shown) else 0
        shown[column] = shown[column].str.ljust(width)
    lines = [shown.to_string(index=False, justify="left") if len(shown) else "(no municipality matches)"]
    lines.append(
        f"\n{len(shown)} municipalities. Population on 1 January {year}. Small = under 2,500 inhabitants.\n"
        "Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 07459 (embedded snapshot)."
    )
    if table["centrality_class"].notna().any():
        lines.append("Centrality: SSB KLASS 128 (2020 standard), class 1-6 and index 0-1000; NL/TR only.")
    if table["population"].isna().any():
        lines.append("'-' and '?': SSB published no figure on today's borders that year (a border change).")
    return "\n".join(lines)


def _name(name: str, sami) -> str:
    return f"{name} ({sami})" if isinstance(sami, str) and sami else name


def _int(value) -> str:
    return "-" if pd.isna(value) else f"{int(value):,}".replace(",", " ")


def _centrality(cls, index) -> str:
    if not isinstance(cls, str):
        return ""
    return f"{int(cls)} ({index:.0f})" if pd.notna(index) else str(int(cls))
