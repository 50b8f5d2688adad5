"""`samfunn network-report`: execute notebooks/network_overview.ipynb with papermill, export HTML.

Writes reports/network/network_overview.ipynb (executed), reports/network/network_overview.html
(self-contained, no code cells) and, from the notebook itself, the panel as CSV and Parquet.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--years", default="2010-2026", help="årene i panelet, f.eks. 2010-2026")
    parser.add_argument("--comparison", default="sma_nl_tr", choices=["sma_nl_tr", "sma_norge"],
                        help="sammenligningsgruppe: andre små i NL/TR, eller alle små i Norge")
    parser.add_argument("--before", default="2015-2019", help="perioden før nettverket")
    parser.add_argument("--during", default="2020-2023", help="nettverksperioden")
    parser.add_argument("--reference-year", type=int, default=2020,
                        help="folketallet 1. januar dette året avgjør hvem som er «små»")
    parser.add_argument("--map-indicator", default="endring_5ar_pst", help="kartets indikator")
    parser.add_argument("--map-year", type=int, default=2025, help="året kartet viser")


def run(args: argparse.Namespace) -> int:
    from samfunn_data.network.runner import render_network_report

    paths = render_network_report(
        years=args.years, comparison=args.comparison, before=args.before, during=args.during,
        reference_year=args.reference_year, map_indicator=args.map_indicator, map_year=args.map_year,
    )
    print(f"Nettverksoversikten er skrevet til {paths['html']}")
    print(f"  panel: {paths['csv']} og {paths['parquet']}")
    return 0
