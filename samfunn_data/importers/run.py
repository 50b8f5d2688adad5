"""Import the embedded SSB snapshot from ../shared into data/raw/snapshot (developers only).

`build` reads the shared inputs once into a `Context`, then runs `STEPS`: one step per output, each in
the module of its source. `main` is the command line (`make snapshot`, `python -m samfunn_data.importers`).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from samfunn_data.importers import (
    education_09429,
    employment_07984,
    geo,
    income_06944,
    kdd_inntektssystem,
    kdd_utgiftsbehov_robek,
    klass,
    kostra_12137,
    kostra_12362,
    population_07459,
    population_changes_06913,
    projections_14288,
    regions,
)
from samfunn_data.importers.core import Context, ImportCheckError, read_rda
from samfunn_data.importers.manifest import write_all

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SOURCE = REPO.parent / "shared"
DEFAULT_OUT = REPO / "data" / "raw" / "snapshot"

# One step per output, run in this order: 07459 first, since later steps check against it. A new source is
# a new module and one line here.
STEPS: tuple[Callable[[Context], None], ...] = (
    population_07459.add,
    population_changes_06913.add,
    income_06944.add,
    employment_07984.add,
    education_09429.add,
    klass.add_centrality,
    projections_14288.add,
    regions.add,
    klass.add_code_changes,
    geo.add,
    kostra_12137.add,
    kostra_12362.add,
    kdd_inntektssystem.add,
    kdd_utgiftsbehov_robek.add_expenditure_need,
    kdd_utgiftsbehov_robek.add_robek,
)


def prepare(source: Path) -> Context:
    """Read what several steps share: csdata's R data, the county layer and the 2024 region names."""
    csv_dir = source / "ssb-data-candidates" / "csdata-07459"
    rda = read_rda(csv_dir / "rda" / "sysdata.rda")
    fylker_bytes, fylker_codes = geo.compact_geojson(
        source / "geo-candidates/robhop-2024/Fylker-S.geojson",
        ["fylkesnummer", "name", "fylkesnavn"],
        "fylkesnummer",
    )
    fylker = json.loads(fylker_bytes)
    county_names = {
        f["properties"]["fylkesnummer"]: (f["properties"]["name"], f["properties"]["fylkesnavn"])
        for f in fylker["features"]
    }
    regions_2024 = regions.regions_2024(csv_dir, rda, county_names)
    muni_names = dict(
        zip(
            regions_2024.loc[regions_2024.level == "kommune", "code"],
            regions_2024.loc[regions_2024.level == "kommune", "official_name"],
            strict=True,
        )
    )
    cty_names = {c: full for c, (_n, full) in county_names.items()}
    names = {"municipalities": muni_names, "counties": cty_names, "all": muni_names | cty_names}
    return Context(
        source=source,
        rda=rda,
        county_names=county_names,
        regions=regions_2024,
        names=names,
        fylker_bytes=fylker_bytes,
        fylker_codes=fylker_codes,
    )


def build(source: Path) -> tuple[dict[str, object], dict]:
    """Read and check everything; return {relative output path: frame or bytes} and the manifest.

    Parameters
    ----------
    source : Path
        The folder holding ``ssb-data-candidates/`` and ``geo-candidates/``.

    Returns
    -------
    tuple of dict and dict
        The outputs (a DataFrame for Parquet, bytes for GeoJSON) and the manifest ``{"tables": ...}``.

    Raises
    ------
    ImportCheckError
        If any provenance check fails.
    """
    ctx = prepare(source)
    for step in STEPS:
        step(ctx)
    return ctx.outputs, {"tables": ctx.tables}


def main(argv: list[str] | None = None, log: Callable[[str], None] = print) -> int:
    """Run the import from the command line; nothing is written unless every check passes.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (``--source``, ``--out``); default ``sys.argv[1:]``.
    log : callable, optional
        Where progress and errors go; default ``print``.

    Returns
    -------
    int
        0 on success, 1 if the source folder is missing or a check failed.
    """
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="folder holding ssb-data-candidates/ and geo-candidates/ (default: ../shared)",
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="snapshot folder to write")
    args = parser.parse_args(argv)
    if not (args.source / "ssb-data-candidates").is_dir():
        log(f"import_snapshot: {args.source}/ssb-data-candidates not found; pass --source")
        return 1
    try:
        outputs, manifest = build(args.source)
    except ImportCheckError as exc:
        log(f"import_snapshot: CHECK FAILED, nothing written: {exc}")
        return 1
    write_all(outputs, manifest, args.out)
    for key, entry in sorted(manifest["tables"].items()):
        log(f"{entry['file']:32} {entry['bytes']:>10,} bytes  {len(entry['checks'])} checks ok  ({key})")
    return 0

