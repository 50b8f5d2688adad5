"""Where the fact base gets its tables: the raw store (newest fetched vintage) or the embedded snapshot.

The fact base never calls HTTP. It asks this module for each SSB table it needs and gets a `Source`:
a fingerprint (changes when the figures may have changed, so the build knows what to recompute), the
vintage (the date the figures were retrieved or published) and a loader for the tidy frame.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from samfunn_data.config import Settings
from samfunn_data.errors import SnapshotError


@dataclass(frozen=True)
class Source:
    """One SSB table as the build sees it."""

    table_id: str
    fingerprint: str
    vintage: str
    origin: str  # "store" or "snapshot"
    load: Callable[[], pd.DataFrame] = field(compare=False, repr=False)


def file_fingerprint(path: Path) -> str:
    """sha256 of a file's bytes (the snapshot is small enough to hash on every build)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _manifest(snapshot_dir: Path) -> dict:
    path = snapshot_dir / "MANIFEST.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    except (json.JSONDecodeError, AttributeError) as exc:
        raise SnapshotError(f"{path} is not valid JSON ({exc}); re-run `make snapshot`") from exc


def _snapshot_sources(settings: Settings, table_ids) -> dict[str, Source]:
    manifest = _manifest(settings.snapshot_dir)
    found = {}
    for table_id in table_ids:
        path = settings.snapshot_dir / f"{table_id}.parquet"
        if not path.exists():
            continue
        vintage = str(manifest.get(table_id, {}).get("vintage") or "ukjent")
        found[table_id] = Source(table_id, file_fingerprint(path), vintage, "snapshot",
                                 lambda p=path: pd.read_parquet(p))
    return found


def _store_sources(settings: Settings, table_ids) -> dict[str, Source]:
    """Newest fetched vintage per table from the raw store, if the store module offers one."""
    try:
        from samfunn_data.ssb import store
    except ImportError:
        return {}
    latest = getattr(store, "latest_vintage", None)
    if latest is None:
        return {}
    found = {}
    for table_id in table_ids:
        info = latest(table_id, settings=settings) if _accepts_settings(latest) else latest(table_id)
        if not info:
            continue
        found[table_id] = Source(table_id, str(info["fingerprint"]), str(info["vintage"]), "store",
                                 info["load"])
    return found


def _accepts_settings(func) -> bool:
    import inspect

    return "settings" in inspect.signature(func).parameters


def find_sources(settings: Settings, table_ids) -> dict[str, Source]:
    """The table sources the build reads: a fetched vintage in the store wins over the snapshot."""
    table_ids = sorted(set(table_ids))
    sources = _snapshot_sources(settings, table_ids)
    sources.update(_store_sources(settings, table_ids))
    return sources
