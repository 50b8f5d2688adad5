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
from samfunn_data.formatting import plural

EXAMPLE = (
    "eksempler: samfunn municipalities --small --county 18 --year 2020 | samfunn municipalities Træna 5043"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXAMPLE
    parser.add_argument(
        "kommuner",
        nargs="*",
        metavar="KOMMUNE",
        help="bare disse kommunene (nummer eller navn, f.eks. 1835 Træna Raarvihke); gamle numre forklares",
    )
    parser.add_argument("--small", action="store_true", help="bare kommuner med under 2 500 innbyggere")
    parser.add_argument(
        "--county",
        action="append",
        default=[],
        metavar="NR",
        help="fylkesnummer, f.eks. 18 (Nordland) eller 50 (Trøndelag); gjenta eller skill med komma",
    )
    parser.add_argument("--year", type=int, help="folketallet 1. januar dette året (standard: siste år)")
    parser.add_argument("--network", action="store_true", help="bare nettverkets deltakere")
    parser.add_argument("--csv", action="store_true", help="skriv CSV i stedet for en tabell")
    parser.add_argument(
        "--refresh-klass",
        action="store_true",
        help="hent først endringer i kommunenumre fra SSBs KLASS (krever nett)",
    )


def _counties(values: list[str]) -> list[str] | None:
    codes = [c.strip().zfill(2) for v in values for c in v.split(",") if c.strip()]
    known = {m.county for m in municipalities.all_municipalities()}
    unknown = [c for c in codes if c not in known]
    if unknown:
        raise DataUnavailableError(f"ukjent fylkesnummer {', '.join(unknown)}; fylkene i 2024 er "
                                   f"{', '.join(sorted(known))}")
    return codes or None


def run(args: argparse.Namespace) -> int:
    if args.refresh_klass:
        from samfunn_data.ssb import klass

        path, n = klass.refresh_changes()
        print(f"lagret {plural(n, 'endring', 'endringer')} i kommunenumre fra KLASS i {path}",
              file=sys.stderr)
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
            "nr": table["code"],
            "navn": [_name(n, s) for n, s in zip(table["name"], table["sami_name"], strict=True)],
            "fylke": table["county_name"],
            f"folketall {year}": [_int(v) for v in table["population"]],
            "liten": table["small"].map({True: "ja", False: "nei"}).fillna("?"),
            "sentralitet": [
                _centrality(c, i)
                for c, i in zip(table["centrality_class"], table["centrality_index"], strict=True)
            ],
        }
    )
    for column in ("navn", "fylke"):  # left-align text columns (to_string right-aligns by default)
        width = int(shown[column].str.len().max()) if len(shown) else 0
        shown[column] = shown[column].str.ljust(width)
    lines = [shown.to_string(index=False, justify="left") if len(shown) else "(ingen kommune passer)"]
    lines.append(
        f"\n{plural(len(shown), 'kommune', 'kommuner')}. Folketall 1. januar {year}. Liten = under 2 500 "
        "innbyggere.\nKilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 07459 "
        "(innebygd øyeblikksbilde)."
    )
    if table["centrality_class"].notna().any():
        lines.append("Sentralitet: SSB KLASS 128 (standard fra 2020), klasse 1–6 og indeks 0–1000; "
                     "bare Nordland og Trøndelag.")
    if table["population"].isna().any():
        lines.append("'-' og '?': SSB publiserte ikke tall på dagens grenser det året (en grenseendring).")
    return "\n".join(lines)


def _name(name: str, sami) -> str:
    return f"{name} ({sami})" if isinstance(sami, str) and sami else name


def _int(value) -> str:
    return "-" if pd.isna(value) else f"{int(value):,}".replace(",", " ")


def _centrality(cls, index) -> str:
    if not isinstance(cls, str):
        return ""
    return f"{int(cls)} ({index:.0f})" if pd.notna(index) else str(int(cls))
