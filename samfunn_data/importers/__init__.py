"""Import the embedded SSB snapshot from ../shared into data/raw/snapshot (developers only).

Reads the published SSB figures collected in `../shared/ssb-data-candidates/` (see its PROVENANCE.md)
and the boundaries in `../shared/geo-candidates/`, writes one Parquet file per SSB table in the tidy
schema of `samfunn_data.ssb.decode_jsonstat`, a compact GeoJSON per boundary layer, and MANIFEST.json.
Every check PROVENANCE.md reports is re-run here; a failing check stops the import (exit code 1) before
anything is written. Output is deterministic: running the importer twice gives byte-identical files.

    .venv/bin/python -m samfunn_data.importers [--source ../shared] [--out data/raw/snapshot]
    make snapshot    (runs scripts/import_snapshot.py, which calls `main`)

This is maintenance code for developers, run only by `make snapshot`: the runtime never imports it and
never reads ../shared; only this package does. It imports no other samfunn_data module.

Modules: `run` (build, main and the list of steps), `core` (checks, hashing, the deterministic writer,
tidy frames, the shared context), `manifest` (input provenance, manifest entries, writing), and one
module per source: `population_07459`, `population_changes_06913`, `income_06944`, `employment_07984`,
`education_09429`, `projections_14288`, `klass` (KLASS 128 and 131), `regions` (regions-2024 names),
`geo` (boundaries), and the municipal economy: `kostra_12137` (headline accounts), `kostra_12362` (service
areas), `kdd_inntektssystem` (income system), `kdd_utgiftsbehov_robek` (expenditure-need index and the
ROBEK register), with `fellestall` holding what the three transcribed Fellestall sources share.
"""

from samfunn_data.importers.run import build, main

__all__ = ["build", "main"]
