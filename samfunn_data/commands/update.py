"""`samfunn update [--force]`: fetch every source table from SSB, rebuild the fact base, say what changed.

Fetches the live catalogue (`samfunn_data/ssb/catalogue.py`; only tables whose `updated` stamp changed
unless `--force`) with a progress bar, builds, then prints the new years and SSB's revisions of earlier
figures (old value -> new value). Exit codes (`samfunn_data.errors`): 0 when every part asked for was
fetched or already current, 4 when SSB could not be reached (the fact base is built from what is
stored), 1 when SSB refused a part or the build failed; every part not fetched is named.
"""

from __future__ import annotations

import sys

import pandas as pd

from samfunn_data.errors import EXIT_ERROR, EXIT_OK, EXIT_STALE

SHOWN_REVISIONS = 30


def add_arguments(parser) -> None:
    parser.add_argument("--force", action="store_true",
                        help="hent alle tabeller selv om SSBs oppdateringstidspunkt ikke er endret")
    parser.add_argument("--deadline", type=float, default=600.0, metavar="SEKUNDER",
                        help="lengste tid for hver del av en tabell, ventetid medregnet (standard 600)")


def run(args) -> int:
    from tqdm import tqdm

    from samfunn_data.config import get_settings
    from samfunn_data.facts import factbase
    from samfunn_data.ssb.catalogue import CATALOGUE
    from samfunn_data.ssb.update import FAILED, UNREACHED, fetch_all

    settings = get_settings()
    total = sum(len(spec.levels) for spec in CATALOGUE.values()) + 1
    with tqdm(total=total, desc="Henter fra SSB", unit="del", file=sys.stderr, leave=False) as bar:
        def progress(name: str) -> None:
            bar.set_postfix_str(name)
            bar.update(1)

        outcomes = fetch_all(settings, force=args.force, progress=progress, deadline=args.deadline)
    for o in outcomes:
        rows = f", {o.rows} rader" if o.rows else ""
        print(f"  {o.table_id:>8} {o.part:<24} {o.status}{rows}{': ' + o.detail if o.detail else ''}")
    before = _facts(settings)
    result = factbase.build(settings=settings)
    print(result.summary())
    _print_changes(before, _facts(settings))
    failed = [o for o in outcomes if o.status == FAILED]
    unreached = [o for o in outcomes if o.status == UNREACHED]
    if failed:
        names = ", ".join(f"{o.table_id} {o.part}" for o in failed)
        print(f"Ikke hentet (SSB avviste spørringen): {names}", file=sys.stderr)
    if unreached:
        print("SSB kunne ikke nås; faktagrunnlaget er bygd av det som var lagret fra før "
              f"({len(unreached)} deler ikke hentet). Prøv `samfunn update` igjen senere.", file=sys.stderr)
    return EXIT_ERROR if failed else EXIT_STALE if unreached else EXIT_OK


def _facts(settings) -> pd.DataFrame | None:
    path = settings.processed_dir / "facts.parquet"
    if not path.exists():
        return None
    return pd.read_parquet(path, columns=["kommunenr", "year", "indicator", "value"])


def _print_changes(before: pd.DataFrame | None, after: pd.DataFrame | None) -> None:
    """New years per indicator, and revised figures (old -> new), largest first."""
    if before is None or after is None:
        print("Første bygging: ingen tidligere tall å sammenligne med.")
        return
    keys = ["kommunenr", "year", "indicator"]
    both = after.merge(before, on=keys, how="left", suffixes=("", "_old"), indicator=True)
    new = both[both["_merge"] == "left_only"]
    old_years = before.groupby("indicator")["year"].max().rename("last_year").reset_index()
    new = new.merge(old_years, on="indicator", how="left")
    new = new[new["last_year"].isna() | (new["year"] > new["last_year"])]
    if new.empty:
        print("Ingen nye år.")
    for indicator, rows in new.groupby("indicator"):
        years = ", ".join(str(y) for y in sorted(rows["year"].unique()))
        print(f"Nytt år for {indicator}: {years} ({rows['kommunenr'].nunique()} regioner)")
    revised = both[(both["_merge"] == "both") & both["value"].notna() & both["value_old"].notna()
                   & ((both["value"] - both["value_old"]).abs() > 1e-9)]
    if revised.empty:
        print("Ingen revisjoner av tidligere tall.")
        return
    print(f"SSB har revidert {len(revised)} tidligere tall (gammel → ny):")
    gap = (revised["value"] - revised["value_old"]).abs()
    shown = revised.assign(gap=gap).nlargest(SHOWN_REVISIONS, "gap")
    for row in shown.itertuples():
        print(f"  {row.kommunenr} {row.indicator} {row.year}: {row.value_old:g} → {row.value:g}")
    if len(revised) > SHOWN_REVISIONS:
        rest = len(revised) - SHOWN_REVISIONS
        print(f"  … og {rest} til (`samfunn changes --vintage previous` viser alle)")
