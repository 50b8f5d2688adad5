"""The embedded snapshot (data/raw/snapshot) as the oldest vintage of the store.

`<id>.parquet` holds a table in the tidy schema and `MANIFEST.json` its vintage. A `Query` is answered
from it when the snapshot holds every cell asked for: plain codes and the expressions that make sense on
a partial table (`*`, `?`, `top`, `bottom`, `from`, `to`, `range`, evaluated over the codes the snapshot
has, with time in ascending order). Codelists (`agg_KommSummer` ...) are SSB computations the snapshot
does not hold, so such queries are never answered here.
"""

from __future__ import annotations

import json
import logging
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

    def answer(self, query: q.Query) -> SnapshotAnswer | None:
        """The rows `query` asks for, or None (with the reason logged) when the snapshot cannot say."""
        if not self.covers(query.table_id):
            return None
        reason = _unanswerable(query)
        frame = None if reason else pd.read_parquet(self.path(query.table_id))
        if frame is not None:
            dims = [c for c in frame.columns if c not in VALUE_COLUMNS]
            available = {d: _codes(frame[d], d in TIME_COLUMNS) for d in dims}
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
        return None


def _unanswerable(query: q.Query) -> str | None:
    with_codelist = [s.variable for s in query.selections if s.codelist]
    if with_codelist:
        return f"it holds no codelists (asked for {with_codelist})"
    return None


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
