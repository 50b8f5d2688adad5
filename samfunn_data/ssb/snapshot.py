"""The embedded snapshot (data/raw/snapshot) as the oldest vintage of the store.

`<id>.parquet` holds a table in the tidy schema and `MANIFEST.json` its vintage. A `Query` is answered
from it when the snapshot holds every cell asked for: plain codes and the expressions that make sense on
a partial table (`*`, `?`, `top`, `bottom`, `from`, `to`, `range`, evaluated over the codes the snapshot
has, with time in ascending order). Codelists (`agg_KommSummer` ...) are SSB computations the snapshot
does not hold, so such queries are never answered here.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from samfunn_data.errors import QueryError, SnapshotError
from samfunn_data.ssb import query as q

log = logging.getLogger(__name__)
VALUE_COLUMNS = ("value", "status")
TIME_COLUMNS = ("Tid",)


@dataclass(frozen=True)
class SnapshotAnswer:
    frame: pd.DataFrame
    vintage: str | None
    path: Path


class Snapshot:
    """Read-only view of the snapshot folder. Constructing it touches no files."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._manifest: dict | None = None
        self.last_reason: str | None = None  # why the last `answer` returned None, for error messages

    def manifest(self) -> dict:
        if self._manifest is None:
            path = self.folder / "MANIFEST.json"
            try:
                self._manifest = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
            except ValueError as exc:
                raise SnapshotError(f"{path} is not valid JSON ({exc}); re-run `make snapshot`") from None
        return self._manifest

    def vintage(self, table_id: str) -> str | None:
        entry = self.manifest().get("tables", {}).get(table_id)
        return entry.get("vintage") if entry else None

    def path(self, table_id: str) -> Path:
        return self.folder / f"{table_id}.parquet"

    def covers(self, table_id: str) -> bool:
        return self.path(table_id).is_file()

    def _file_key(self, table_id: str) -> tuple[str, int, int]:
        path = self.path(table_id)
        stat = path.stat()
        return str(path), stat.st_mtime_ns, stat.st_size

    def answer(self, query: q.Query) -> SnapshotAnswer | None:
        """The rows `query` asks for, or None (with the reason logged) when the snapshot cannot say."""
        if not self.covers(query.table_id):
            return None
        reason = _unanswerable(query)
        frame = None if reason else _read_parquet_cached(*self._file_key(query.table_id))
        if frame is not None:
            dims = [c for c in frame.columns if c not in VALUE_COLUMNS]
            available = _available_codes(*self._file_key(query.table_id))
            missing = [d for d in dims if query.selection(d) is None]
            try:
                expanded = q.expand(query, available, [d for d in dims if d in TIME_COLUMNS])
            except QueryError as exc:
                reason = f"it does not hold everything asked for ({exc})"
            else:
                if missing:
                    reason = f"the query leaves out {missing}; SSB would sum over them, the snapshot cannot"
                else:
                    result = _select(frame, expanded, dims)
                    result.attrs = dict(frame.attrs)
                    return SnapshotAnswer(result, self.vintage(query.table_id), self.path(query.table_id))
        log.info("snapshot of %s cannot answer this query: %s", query.table_id, reason)
        self.last_reason = f"the embedded snapshot has table {query.table_id}, but {reason}"
        return None


def _unanswerable(query: q.Query) -> str | None:
    with_codelist = [s.variable for s in query.selections if s.codelist]
    if with_codelist:
        return f"it holds no codelists (asked for {with_codelist})"
    return None


@functools.lru_cache(maxsize=8)
def _available_codes(path: str, mtime_ns: int, size: int) -> dict[str, list[str]]:
    """Codes per dimension of one snapshot file, cached like the file itself (keyed by mtime and size)."""
    frame = _read_parquet_cached(path, mtime_ns, size)
    dims = [c for c in frame.columns if c not in VALUE_COLUMNS]
    return {d: _codes(frame[d], d in TIME_COLUMNS) for d in dims}


def _codes(column: pd.Series, is_time: bool) -> list[str]:
    codes = [str(c) for c in pd.unique(column.astype(str))]
    return sorted(codes) if is_time else codes


def _select(frame: pd.DataFrame, expanded: q.Query, dims: list[str]) -> pd.DataFrame:
    mask = pd.Series(True, index=frame.index)
    for sel in expanded.selections:
        mask &= frame[sel.variable].astype(str).isin(sel.values)
    picked = frame.loc[mask]
    # Order rows as SSB would: dimension by dimension, in the order of the expanded selection.
    keys = [
        pd.Categorical(picked[d].astype(str), categories=list(expanded.selection(d).values)) for d in dims
    ]
    order = pd.DataFrame({d: k.codes for d, k in zip(dims, keys, strict=True)}).sort_values(
        dims, kind="stable"
    )
    return picked.iloc[order.index.to_numpy()].reset_index(drop=True)


# ---------------------------------------------------------------- plain reader (registry, notebooks)
# `read_table`, `manifest` and `geo_path` read the folder named by Settings.snapshot_dir (env
# SAMFUNN_SNAPSHOT_DIR). Tables are cached per process: the registry asks for 07459 many times.

GEO_FILES = {"kommuner": "kommuner-2024.geojson", "fylker": "fylker-2024.geojson"}
_GEO_ALIASES = {"municipalities": "kommuner", "counties": "fylker"}


def _snapshot_dir() -> Path:
    from samfunn_data.config import get_settings

    return get_settings().snapshot_dir


def _available(folder: Path) -> str:
    names = sorted(p.stem for p in folder.glob("*.parquet")) if folder.is_dir() else []
    return ", ".join(names) or "none"


@functools.lru_cache(maxsize=32)
def _read_parquet_cached(path: str, mtime_ns: int, size: int) -> pd.DataFrame:
    # mtime and size are part of the key so a re-imported file is read again, never served stale.
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise SnapshotError(
            f"snapshot file {path} cannot be read ({exc}); restore it with `git checkout` or re-run "
            "`make snapshot`"
        ) from None


def read_table(table_id: str) -> pd.DataFrame:
    """The snapshot table `table_id` ("07459", "klass-128", ...) as a DataFrame with its attrs.

    Raises SnapshotError naming the tables that exist when the file is missing or unreadable.
    """
    folder = _snapshot_dir()
    if not re.fullmatch(r"[A-Za-z0-9_-]+", str(table_id)):
        raise SnapshotError(f"{table_id!r} is not a table id (e.g. '07459' or 'klass-128')")
    path = folder / f"{table_id}.parquet"
    if not path.is_file():
        raise SnapshotError(
            f"the embedded snapshot has no table {table_id!r} in {folder} (it has: {_available(folder)}); "
            "check the table id or re-run `make snapshot`"
        )
    stat = path.stat()
    # A shallow copy: with copy-on-write the caller can change its frame without touching the cache.
    return _read_parquet_cached(str(path), stat.st_mtime_ns, stat.st_size).copy(deep=False)


def manifest() -> dict:
    """The snapshot's MANIFEST.json (provenance of every file) as a dict."""
    path = _snapshot_dir() / "MANIFEST.json"
    if not path.is_file():
        raise SnapshotError(f"{path} is missing; the snapshot has no provenance. Re-run `make snapshot`")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise SnapshotError(f"{path} is not valid JSON ({exc}); re-run `make snapshot`") from None


def geo_path(kind: str) -> Path:
    """Path of the boundary GeoJSON: kind "kommuner"/"municipalities" or "fylker"/"counties" (2024)."""
    key = _GEO_ALIASES.get(kind, kind)
    if key not in GEO_FILES:
        raise SnapshotError(f"unknown boundary layer {kind!r}; use 'kommuner' or 'fylker'")
    path = _snapshot_dir() / "geo" / GEO_FILES[key]
    if not path.is_file():
        raise SnapshotError(f"{path} is missing; re-run `make snapshot`")
    return path


def verify() -> list[str]:
    """Files whose sha256 differs from MANIFEST.json (empty when the snapshot is intact)."""
    folder = _snapshot_dir()
    bad = []
    for key, entry in sorted(manifest().get("tables", {}).items()):
        path = folder / entry.get("file", f"{key}.parquet")
        if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != entry.get("sha256"):
            bad.append(str(path.relative_to(folder)))
    return bad
