"""Provenance of the inputs, the manifest entries built from it, and writing outputs with MANIFEST.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.importers.core import LICENCE, attribution, check, sha256, write_parquet

CSDATA = "niphr/csdata"
CSDATA_CSV_COMMIT = "80b272654f0a3d6d3c640f3b247225e2e3ce6ae4"
VALG = "oystess/valg_analyser"

# (repository, upstream path, commit, kind) per input file below the source folder.
INPUTS = {
    "ssb-data-candidates/csdata-07459/rda/sysdata.rda": (
        CSDATA,
        "R/sysdata.rda",
        "59345122ca61ff7572085f09944f613c0e956b8b",
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/Personer2024.csv": (
        CSDATA,
        "data-raw/files/population/Personer2024.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    **{
        f"ssb-data-candidates/csdata-07459/Personer{year}.csv": (
            CSDATA,
            f"data-raw/files/population/Personer{year}.csv",
            CSDATA_CSV_COMMIT,
            "exact copy",
        )
        for year in (2020, 2021, 2022, 2023)
    },
    "ssb-data-candidates/csdata-07459/Personer2019.csv": (
        CSDATA,
        "data-raw/files/population/Personer2019.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/norway_population_by_age_sex_2024.csv": (
        CSDATA,
        "data-raw/files/population/norway_population_by_age_sex_2024.csv",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/csdata-07459/locations/norway_locations.xlsx": (
        CSDATA,
        "data-raw/files/locations/norway_locations.xlsx",
        CSDATA_CSV_COMMIT,
        "exact copy",
    ),
    "ssb-data-candidates/valg_analyser-06913-excerpt/flytt06913_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/flytt06913_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-06944-excerpt/innt06944_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/innt06944_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-07984-excerpt/syss07984_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/syss07984_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-09429-excerpt/utd09429_kommuner_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/utd09429_kommuner.csv",
        "43bedb5c3bc2cbcd8e113426077100c4641a2656",
        "excerpt",
    ),
    "ssb-data-candidates/valg_analyser-klass128-excerpt/sentralitet_klass_NL_TR_excerpt.csv": (
        VALG,
        "data/raw/ssb/sentralitet_klass.csv",
        "a93766dbcfdcec319894197c0cf2fdf861ef7e77",
        "excerpt",
    ),
    "ssb-data-candidates/nina-arealbruk-14288/fcKomPop.csv": (
        "NINAnor/arealbruksscenarier",
        "data-raw/fcKomPop.csv",
        "2c89e6619ccf117e2fb9b51f6b42f66a2da9a5f4",
        "exact copy",
    ),
    "ssb-data-candidates/widding-14288-fylke/output.csv": (
        "JohanWidding/SSB-regionale-befolkningsframskrivinger",
        "output.csv",
        "5600ef3f84d21e8724f38340e9ee09dd948e3257",
        "exact copy",
    ),
    **{
        f"ssb-data-candidates/kdd-utgiftsbehov-robek/{name}": (
            "vegard1104/kommunebarometer",
            f"data/{name}",
            commit,
            "exact copy",
        )
        for name, commit in (
            ("dki-2025.json", "9d2105e6a0dfc2adeef9a5f5569690878ebc5680"),
            ("dki-2026.json", "9d2105e6a0dfc2adeef9a5f5569690878ebc5680"),
            ("robek.json", "077c5e4a71d1b4b88c640d914daebbd7b3e1d64e"),
        )
    },
    "geo-candidates/robhop-2024/Kommuner-S.geojson": (
        "robhop/fylker-og-kommuner",
        "Kommuner-S.geojson",
        "ae8782500090144c2b74d6bb2a89365a7ff2236d",
        "exact copy",
    ),
    "geo-candidates/robhop-2024/Fylker-S.geojson": (
        "robhop/fylker-og-kommuner",
        "Fylker-S.geojson",
        "ae8782500090144c2b74d6bb2a89365a7ff2236d",
        "exact copy",
    ),
}


# sha256 prefixes PROVENANCE.md lists per input file name: a changed input stops the import.
EXPECTED_SHA256 = {
    "sysdata.rda": "99bea3c0c36a6689",
    "Personer2019.csv": "1f834b0cc581d65e",
    "Personer2020.csv": "743159464e7f0e00",
    "Personer2021.csv": "40ad2c57dac85de9",
    "Personer2022.csv": "70d43702daab6ddc",
    "Personer2023.csv": "a2dddd6b1bbaf0b6",
    "Personer2024.csv": "70b9ef84b996ec9a",
    "norway_population_by_age_sex_2024.csv": "edaefa06c3ab9d50",
    "norway_locations.xlsx": "69609311e94448c3",
    "fcKomPop.csv": "7b172abc5167df86",
    "output.csv": "2eeb2432eb2117b1",
    "flytt06913_kommuner_NL_TR_excerpt.csv": "717a51511c3664ed",
    "innt06944_kommuner_NL_TR_excerpt.csv": "a208771fc6534de2",
    "syss07984_kommuner_NL_TR_excerpt.csv": "16224a14285dad74",
    "utd09429_kommuner_NL_TR_excerpt.csv": "cc9a3447c3e3696c",
    "sentralitet_klass_NL_TR_excerpt.csv": "9d590b17e811841f",
    "dki-2025.json": "2f4c27d51952145b",
    "dki-2026.json": "e93d4d4665b3175b",
    "robek.json": "6f426e0bd0692465",
    "Kommuner-S.geojson": "20cb3b1216f0af2f",
    "Fylker-S.geojson": "3f5c0219f5813e06",
}


def input_entries(source: Path, rel_paths: list[str], role: str = "data") -> list[dict]:
    """Provenance of input files; role "data" (read into the output) or "check" (only compared against)."""
    entries = []
    for rel in rel_paths:
        repo, path, commit, kind = INPUTS[rel]
        digest = sha256(source / rel)
        expected = EXPECTED_SHA256[Path(rel).name]
        check(digest.startswith(expected), f"{rel}: sha256 {digest[:16]} is not {expected} (PROVENANCE.md)")
        entries.append(
            {
                "repository": repo,
                "path": path,
                "commit": commit,
                "file": rel,
                "sha256": digest,
                "kind": kind,
                "role": role,
            }
        )
    return entries


def coverage(df: pd.DataFrame) -> dict:
    """Regions, years and small dimensions a tidy table covers, for the manifest."""
    levels = {
        "country": df["Region"] == "0",
        "counties": df["Region"].str.len() == 2,
        "municipalities": df["Region"].str.len() == 4,
    }
    dims = [c for c in df.columns if c not in ("Region", "Tid", "value", "status")]
    return {
        "regions": {name: int(df.loc[mask, "Region"].nunique()) for name, mask in levels.items()},
        "years": [min(df["Tid"]), max(df["Tid"])],
        "years_by_level": {
            name: [min(df.loc[mask, "Tid"]), max(df.loc[mask, "Tid"])]
            for name, mask in levels.items()
            if mask.any()
        },
        "variables": {d: sorted(df[d].unique()) for d in dims if df[d].nunique() <= 12},
    }


def excerpt_entry(
    source: Path, df: pd.DataFrame, table_id: str, rel: str, transform: str, checks: list[str]
) -> dict:
    """The manifest entry of a valg_analyser excerpt."""
    return {
        "title": df.attrs["label"],
        "ssb_table": table_id,
        "vintage": None,
        "vintage_note": "Retrieval date not recorded upstream; fetched from SSB PxWebApi v2 in 2026 "
        "(the file holds figures SSB published in 2026).",
        "inputs": input_entries(source, [rel]),
        "transform": "Hand-copied excerpt (Nordland and Trøndelag) of a file fetched from SSB by the source "
        "repository; retrieval date unknown. " + transform,
        "checks": checks,
        "coverage": coverage(df),
        "licence": LICENCE,
        "attribution": attribution(table_id),
    }


def write_all(outputs: dict, manifest: dict, out_dir: Path) -> None:
    """Write every output, then record the sha256 of each written file in the manifest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for rel, obj in sorted(outputs.items()):
        path = out_dir / rel
        if isinstance(obj, pd.DataFrame):
            write_parquet(obj, path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(obj)
    for rel in sorted(outputs):
        key = rel.rsplit(".", 1)[0]
        manifest["tables"][key]["file"] = rel
        manifest["tables"][key]["sha256"] = sha256(out_dir / rel)
        manifest["tables"][key]["bytes"] = (out_dir / rel).stat().st_size
    # `make snapshot` still runs the package through this script; the committed manifest names it.
    manifest["generated_by"] = "scripts/import_snapshot.py"
    manifest["note"] = (
        "Published SSB figures found in public repositories (see ../shared/ssb-data-candidates/"
        "PROVENANCE.md); nothing was modelled or filled in."
    )
    text = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True, default=_json_default)
    (out_dir / "MANIFEST.json").write_text(text + "\n", encoding="utf-8")


def _json_default(obj):
    """Serialise numpy integers, which json cannot."""
    if isinstance(obj, np.integer):
        return int(obj)
    raise TypeError(f"cannot serialise {type(obj).__name__}")
