"""The files of `data/processed`: written atomically, each with its sha256 recorded, checked before use.

`build-state.json` is written last and records, beside the input fingerprints, the sha256 and row count
of every output it describes. A file that is missing, unreadable or does not match its checksum (a
flipped bit, a truncated copy) is "damaged": `samfunn build` rebuilds it and says so, and readers refuse
it with a message naming that command. Temporary files carry the writer's process id and a random
token, so two writers never share one.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from samfunn_data.config import Settings
from samfunn_data.errors import FactbaseError
from samfunn_data.facts.sources import file_fingerprint
from samfunn_data.files import FileLock, atomic_write, temporary_name

FACTS = "facts.parquet"
COMPARISONS = "comparisons.parquet"
STATE = "build-state.json"
OUTPUTS = (FACTS, COMPARISONS)
FIX = "samfunn build"  # the one command that repairs a damaged fact base


def lock(settings: Settings, *, shared: bool, holder: str | None = None) -> FileLock:
    """The fact base's lock: exclusive for a build, shared for readers (reports, `load`)."""
    return FileLock(settings.locks_dir / "factbase.lock", shared=shared, timeout=settings.lock_timeout,
                    holder=holder, what=f"faktagrunnlaget i {settings.processed_dir}")


def write_parquet(frame: pd.DataFrame, path: Path) -> dict:
    """Write without index or timestamps, atomically; returns what the state records about the file."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    table = table.replace_schema_metadata({})  # pandas metadata is not needed to read it back
    tmp = temporary_name(path)
    try:
        pq.write_table(table, tmp, compression="zstd")
        record = {"sha256": file_fingerprint(tmp), "rows": len(frame)}
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
    return record


def write_json(data: dict, path: Path) -> None:
    atomic_write(path, json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n")


def sweep(processed: Path) -> None:
    """Remove temporary files of writers that died; call only while holding the build lock."""
    for path in processed.glob(".*.tmp"):
        path.unlink(missing_ok=True)


def read_state(processed: Path) -> dict | None:
    return read_state_file(processed / STATE)


def read_state_file(path: Path) -> dict | None:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a missing or damaged state only means: rebuild everything
    return state if isinstance(state, dict) else None


def problems(processed: Path, state: dict | None, names=OUTPUTS) -> dict[str, str]:
    """Damaged outputs: file name -> what is wrong (in bokmål), empty when every file is intact."""
    recorded = (state or {}).get("outputs") or {}
    found = {}
    for name in names:
        path = processed / name
        expected = (recorded.get(name) or {}).get("sha256")
        if not path.is_file():
            found[name] = "filen mangler"
        elif expected is None:
            found[name] = "byggetilstanden har ingen sjekksum for filen"
        else:
            try:
                actual = file_fingerprint(path)  # every read: a few ms for the whole fact base
            except OSError as exc:
                found[name] = f"filen kan ikke leses ({exc.strerror})"
                continue
            if actual != expected:
                found[name] = "filen stemmer ikke med sjekksummen fra byggingen (skadet eller endret)"
    return found


def damaged_message(processed: Path, found: dict[str, str]) -> str:
    what = "; ".join(f"{name}: {why}" for name, why in found.items())
    return (f"faktagrunnlaget i {processed} er skadet ({what}). Kjør `{FIX}` for å bygge det på nytt; "
            "ingen rapport lages fra et skadet faktagrunnlag.")


def check(processed: Path, state: dict | None, names=OUTPUTS) -> None:
    """Raise FactbaseError naming the fix when any of `names` is damaged."""
    found = problems(processed, state, names)
    if found:
        raise FactbaseError(damaged_message(processed, found))


def read_parquet(path: Path, filters=None) -> pd.DataFrame:
    """Read a checked output; an error while reading is reported as damage, never as a traceback."""
    try:
        return pd.read_parquet(path, filters=filters)
    except (pa.ArrowException, OSError) as exc:
        found = {path.name: f"filen kan ikke leses ({exc})"}
        raise FactbaseError(damaged_message(path.parent, found)) from exc
