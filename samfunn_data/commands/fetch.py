"""`samfunn fetch TABLE --select VAR=CODES ...`: fetch SSB figures into the raw store, say what was stored."""

from __future__ import annotations

import argparse

from samfunn_data.config import REFRESH_POLICIES, get_settings
from samfunn_data.errors import QueryError
from samfunn_data.ssb import api
from samfunn_data.ssb.query import Query

EXAMPLE = (
    "example: samfunn fetch 07459 --select Region=K-5033 --codelist Region=agg_KommSummer "
    "--output-values Region=aggregated --select 'Alder=*' --select ContentsCode=Personer1 "
    "--select 'Tid=from(2020)'"
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EXAMPLE
    parser.add_argument("table", help="SSB table id, e.g. 07459")
    parser.add_argument(
        "--select",
        action="append",
        default=[],
        metavar="VAR=CODES",
        help="codes or expressions for one variable, comma-separated: 5033,5026 | * | top(3) | from(2020)",
    )
    parser.add_argument(
        "--codelist", action="append", default=[], metavar="VAR=ID", help="e.g. Region=agg_KommSummer"
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
        help="always (default: fetch now), if-stale (only if SSB updated the table), "
        "never (show what is stored)",
    )
    parser.add_argument("--lang", default="no", choices=("no", "en"))


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        var, sep, value = item.partition("=")
        if not sep or not var.strip() or not value.strip():
            raise QueryError(f"{option} expects VAR=VALUE, got {item!r}. {EXAMPLE}")
        pairs[var.strip()] = value.strip()
    return pairs


def run(args: argparse.Namespace) -> int:
    select = _pairs(args.select, "--select")
    if not select:
        raise QueryError(
            f"give at least one --select VAR=CODES (SSB v2 needs a selection for Tid). {EXAMPLE}"
        )
    query = Query.build(
        args.table,
        select,
        codelist=_pairs(args.codelist, "--codelist"),
        output_values=_pairs(args.output_values, "--output-values"),
        lang=args.lang,
    )
    frame = api.get(query, refresh=args.refresh, settings=get_settings())
    attrs = frame.attrs
    how = _origin(attrs, args.refresh)
    print(f"table {args.table}: {len(frame)} rows, vintage {attrs['vintage']} ({how})")
    if attrs.get("label"):
        print(f"  {attrs['label']}")
    for path in attrs.get("source_files", []):
        print(f"  file: {path}")
    return 0


def _origin(attrs: dict, refresh: str) -> str:
    if attrs["origin"] == "stale-fetched":
        return "SSB could not be reached; this is the newest stored vintage"
    if attrs["origin"] == "snapshot":
        return "answered from the embedded snapshot; nothing fetched"
    if attrs.get("fetched_now"):
        return "fetched and stored"
    if refresh == "never":
        return "already in the store; not checked against SSB"
    return "already in the store; SSB has not updated the table since"
