"""`samfunn build [--force]`: build or bring up to date the fact base in data/processed."""

from __future__ import annotations


def add_arguments(parser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="regn ut alt på nytt selv om ingen kildetabell er endret")


def run(args) -> int:
    from samfunn_data.facts import factbase

    result = factbase.build(force=args.force)
    print(result.summary())
    return 0
