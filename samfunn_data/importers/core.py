"""The shared core of the importers: checks, hashing, the deterministic writer, tidy frames, the context.

Every source module builds its output with these helpers and records it in the `Context`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

LICENCE = "CC BY 4.0"
SSB_SOURCE = "Statistisk sentralbyrå (SSB)"
NL_TR = ("18", "50")
N_MUNICIPALITIES_2024 = 357
N_NL_TR = 79


class ImportCheckError(Exception):
    """A provenance check failed: the inputs are not what PROVENANCE.md describes."""


def check(condition: bool, message: str) -> None:
    """Raise ImportCheckError with `message` unless `condition` holds."""
    if not condition:
        raise ImportCheckError(message)


def sha256(path: Path) -> str:
    """The hex sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


@dataclass
class Context:
    """What the source steps share: the inputs read once, and the outputs and manifest entries so far.

    `outputs` maps a relative output path to a frame or bytes; `tables` maps a manifest key to its
    entry. Later steps read earlier outputs from `outputs` (e.g. 07459 for the cross-checks).
    """

    source: Path
    rda: dict[str, pd.DataFrame]
    # 2-digit code -> (Norwegian name, official name) from Kartverket's county layer
    county_names: dict[str, tuple[str, str]]
    regions: pd.DataFrame
    # "municipalities", "counties", "all": code -> SSB's official name
    names: dict[str, dict[str, str]]
    fylker_bytes: bytes
    fylker_codes: list[str]
    outputs: dict[str, object] = field(default_factory=dict)
    tables: dict[str, dict] = field(default_factory=dict)

    @property
    def ssb(self) -> Path:
        """The folder holding the SSB inputs."""
        return self.source / "ssb-data-candidates"

    @property
    def csv_dir(self) -> Path:
        """The folder holding csdata's 07459 files."""
        return self.ssb / "csdata-07459"


# --------------------------------------------------------------------------------------------------
# Writing


def write_parquet(df: pd.DataFrame, path: Path) -> None:
    """Write `df` (with its attrs) deterministically: no timestamps, fixed row order, zstd.

    pandas stores df.attrs in the Parquet schema metadata; pyarrow writes no time of writing, so the
    same frame always gives the same bytes. String columns are dictionary-encoded by pyarrow.
    """
    table = pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False)
    buffer = io.BytesIO()
    pq.write_table(
        table, buffer, compression="zstd", compression_level=9, use_dictionary=True, write_statistics=False
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue())


def tidy(df: pd.DataFrame, dims: list[str], attrs: dict) -> pd.DataFrame:
    """Order and type a tidy frame: dimension codes as str, value float64, status str (NA)."""
    out = df[dims].astype(str).copy()
    out["value"] = df["value"].astype("float64").to_numpy()
    out["status"] = pd.Series([None] * len(out), dtype="str", index=out.index)
    out = out.sort_values(dims, kind="stable").reset_index(drop=True)
    out.attrs = attrs
    return out


def table_attrs(table_id, label, dimension_labels, category_labels, units, notes, updated=None) -> dict:
    """df.attrs for a tidy SSB table, in the shape `decode_jsonstat` gives."""
    return {
        "table_id": table_id,
        "label": label,
        "source": SSB_SOURCE,
        "updated": updated,
        "dimension_labels": dimension_labels,
        "category_labels": category_labels,
        "units": units,
        "notes": notes,
    }


def attribution(table_id: str) -> str:
    """The attribution line for SSB table `table_id`."""
    return f"Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell {table_id}"


# --------------------------------------------------------------------------------------------------
# Readers shared by several sources


def read_rda(path: Path) -> dict[str, pd.DataFrame]:
    """The data frames in an R data file."""
    import pyreadr  # importer-only dependency (the `import` extra)

    return dict(pyreadr.read_r(str(path)))


def location_code(loc: pd.Series) -> pd.Series:
    """'municip_nor1811' -> '1811', 'county_nor18' -> '18', 'nation_nor' -> '0'."""
    digits = loc.str.extract(r"nor(\d*)$", expand=False).fillna("")
    return digits.where(digits != "", "0")


def read_excerpt(path: Path, dims: dict[str, str]) -> pd.DataFrame:
    """An excerpt CSV with its columns renamed to SSB's dimension ids (`dims`: source column -> id)."""
    raw = pd.read_csv(path, dtype=str)
    df = raw[list(dims)].rename(columns=dims)
    df["value"] = raw["verdi"].astype(float)
    return df
