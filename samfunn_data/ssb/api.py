"""The public way to get SSB figures: `get(query)` answers from the store, the snapshot or SSB.

Every frame returned carries where it came from in ``df.attrs``: ``origin`` ("fetched" = a response
fetched now or a stored one SSB confirmed current, or stored with refresh="never"; "stale-fetched" = a
stored response served because SSB could not be reached; "snapshot" = the embedded snapshot),
``vintage`` (ISO date of retrieval, or the snapshot's vintage), ``fetched_now`` (this call went to
SSB for the data), ``table_id``, ``source_files`` and ``query``; ``offline`` (why SSB could not be
reached) only when a stored copy or the snapshot was served instead of what was asked.
"""

from __future__ import annotations

import logging
import warnings
from datetime import date

import pandas as pd

from samfunn_data.config import REFRESH_POLICIES, Settings, get_settings
from samfunn_data.errors import ConfigError, OfflineError, SsbApiError
from samfunn_data.ssb import query as q
from samfunn_data.ssb.client import is_unreachable, make_client
from samfunn_data.ssb.jsonstat import decode_jsonstat
from samfunn_data.ssb.merge import merge_parts
from samfunn_data.ssb.query import fetch_command
from samfunn_data.ssb.snapshot import Snapshot, SnapshotAnswer
from samfunn_data.ssb.store import RawStore, Vintage

log = logging.getLogger(__name__)
_warned: set[tuple[str, str, str]] = set()


class StaleDataWarning(UserWarning):
    """SSB could not be reached; the figures come from an earlier vintage (the message names its date)."""


def get(
    query: q.Query, refresh: str | None = None, settings: Settings | None = None, client=None,
    deadline: float | None = None, warn: bool = True,
) -> pd.DataFrame:
    """The tidy frame answering `query`.

    Parameters
    ----------
    query
        What to fetch (see `Query.build`).
    refresh
        "never" (use what is stored or in the snapshot; no network), "if-stale" (ask SSB for the table's
        `updated` stamp and refetch only if it changed) or "always" (refetch). Default: settings.refresh.
    deadline
        Seconds the whole call may spend talking to SSB, retries and waits included (default:
        settings.deadline, SAMFUNN_DEADLINE); when it runs out SSB counts as unreachable.
    warn
        Warn (StaleDataWarning and the log) when SSB could not be reached; callers that report
        ``attrs["offline"]`` themselves (the CLI) turn it off.

    Order of operations: find the newest local answer (fetched vintage or snapshot, whichever is newer);
    under "never" return it; under "if-stale" return it if SSB's `updated` stamp shows it is current;
    otherwise fetch, decode every part (a malformed response raises ParseError and nothing is stored),
    store the bytes as a new vintage and return the merged frame. When SSB cannot be reached the local
    answer is returned with one warning naming its date; with nothing local, OfflineError. A stored
    vintage whose bytes fail their sha256 is never served: under "never" reading it raises ParseError
    naming the `samfunn fetch` command that repairs it; otherwise it counts as absent and is refetched
    (the store moves the damaged copy aside; ``attrs["moved_aside"]`` lists where).
    """
    settings = settings or get_settings()
    policy = refresh or settings.refresh
    if policy not in REFRESH_POLICIES:
        raise ConfigError(f"refresh must be one of {', '.join(REFRESH_POLICIES)}, not {policy!r}")
    client = client or make_client(settings)
    with client.within(settings.deadline if deadline is None else deadline):
        return _get(query, policy, settings, client, warn)


def _get(query: q.Query, policy: str, settings: Settings, client, warn: bool) -> pd.DataFrame:
    store = RawStore(settings.store_dir)
    stored = store.newest(query.table_id, q.query_key(query, client.api))
    if stored is not None and policy != "never" and stored.damaged():
        stored = None  # never served, nor kept as a fallback: the fetch below replaces it (see RawStore.save)
    snapshot = Snapshot(settings.snapshot_dir)
    # Reading the snapshot costs a parquet read; only do it when the answer may come from it.
    snap = None if policy == "always" else _snapshot_answer(snapshot, query, stored)

    if policy == "never":
        if stored is None and snap is None:
            raise OfflineError(_nothing_stored(query, "refresh='never' was asked for", snapshot.last_reason))
        return _local(stored, snap, query, offline=False)

    updated = None
    if policy == "if-stale" and (stored or snap):
        try:
            updated = client.table_info(query.table_id).get("updated")
        except SsbApiError as exc:
            if not is_unreachable(exc):
                raise
            return _offline(stored, snap, query, exc, snapshot.last_reason, warn)
        if _current(stored, snap, updated):
            return _local(stored, snap, query, offline=False)

    try:
        result = client.fetch(query)
    except SsbApiError as exc:
        if not is_unreachable(exc):
            raise
        if policy == "always":
            snap = _snapshot_answer(snapshot, query, stored)
        return _offline(stored, snap, query, exc, snapshot.last_reason, warn)
    frame = merge_parts([decode_jsonstat(part.content) for part in result.parts])
    vintage = store.save(result, table_updated=updated or frame.attrs.get("updated"))
    frame = _mark_fetched(frame, vintage, query, "fetched", fetched_now=True)
    frame.attrs["moved_aside"] = [str(path) for path in store.moved_aside]
    return frame


def fetch(
    query: q.Query, settings: Settings | None = None, client=None
) -> tuple[pd.DataFrame, Vintage | None]:
    """Fetch `query` from SSB now (refresh="always") and say which stored vintage holds it."""
    settings = settings or get_settings()
    frame = get(query, refresh="always", settings=settings, client=client)
    client = client or make_client(settings)
    vintage = RawStore(settings.store_dir).newest(query.table_id, q.query_key(query, client.api))
    return frame, vintage


def stored(query: q.Query, settings: Settings | None = None) -> pd.DataFrame:
    """The newest local answer (no network): same as ``get(query, refresh="never")``."""
    return get(query, refresh="never", settings=settings)


# --- helpers -------------------------------------------------------------------------------------------


def _snapshot_answer(snapshot: Snapshot, query: q.Query, stored: Vintage | None) -> SnapshotAnswer | None:
    """The snapshot's answer, but only when no newer fetched vintage exists."""
    vintage = snapshot.vintage(query.table_id)
    if stored is not None and (vintage is None or stored.date >= vintage[:10]):
        return None
    return snapshot.answer(query)


def _current(stored: Vintage | None, snap: SnapshotAnswer | None, updated: str | None) -> bool:
    """Is the local answer (the snapshot if present: it is only kept when newer) as new as SSB's table?"""
    if not updated:
        return False  # no stamp to compare (v0): refetch; the store keeps identical bytes only once
    if snap is not None:
        return snap.vintage is not None and updated[:10] <= snap.vintage[:10]
    return stored is not None and _instant(stored.table_updated) == _instant(updated)


def _instant(stamp: str | None) -> pd.Timestamp | None:
    if not stamp:
        return None
    moment = pd.Timestamp(stamp)
    return moment.tz_localize("UTC") if moment.tzinfo is None else moment


def _local(
    stored: Vintage | None, snap: SnapshotAnswer | None, query: q.Query, offline: bool
) -> pd.DataFrame:
    # `snap` is only set when the snapshot is newer than every fetched vintage, so it wins when present.
    if snap is None and stored is not None:
        frame = merge_parts([decode_jsonstat(body) for body in stored.read()])
        return _mark_fetched(frame, stored, query, "stale-fetched" if offline else "fetched")
    assert snap is not None
    frame = snap.frame.copy()
    frame.attrs = dict(snap.frame.attrs)
    frame.attrs.update(
        origin="snapshot",
        fetched_now=False,
        vintage=snap.vintage,
        table_id=query.table_id,
        source_files=[str(snap.path)],
        query=q.normalised(query, "snapshot"),
    )
    return frame


def _offline(
    stored: Vintage | None, snap: SnapshotAnswer | None, query: q.Query, exc: SsbApiError,
    why_not: str | None, warn: bool = True,
):
    if stored is None and snap is None:
        raise OfflineError(_nothing_stored(query, f"SSB could not be reached ({exc})", why_not)) from exc
    frame = _local(stored, snap, query, offline=True)
    frame.attrs["offline"] = exc.detail or exc.title or str(exc)
    if not warn:
        return frame
    what = "the embedded snapshot" if frame.attrs["origin"] == "snapshot" else "the stored copy"
    when = frame.attrs["vintage"] or "an unknown date (see the snapshot's MANIFEST.json)"
    _warn_once(
        query.table_id,
        str(frame.attrs["vintage"]),
        f"SSB could not be reached; table {query.table_id} comes from {what} with vintage {when}. "
        "Figures SSB published since then are missing.",
    )
    return frame


def _mark_fetched(
    frame: pd.DataFrame, vintage: Vintage, query: q.Query, origin: str, fetched_now: bool = False
) -> pd.DataFrame:
    frame.attrs.update(
        origin=origin,
        fetched_now=fetched_now,
        vintage=vintage.date,
        retrieved_at=vintage.retrieved_at,
        table_id=query.table_id,
        source_files=[str(f) for f in vintage.files],
        query=q.normalised(query, vintage.api),
    )
    return frame


def _warn_once(table_id: str, vintage: str, message: str) -> None:
    key = (table_id, vintage, date.today().isoformat())
    if key in _warned:
        return
    _warned.add(key)
    log.warning(message)
    warnings.warn(message, StaleDataWarning, stacklevel=3)


def _nothing_stored(query: q.Query, why: str, snapshot_reason: str | None = None) -> str:
    snapshot_note = f" ({snapshot_reason})" if snapshot_reason else ""
    return (
        f"No stored data for table {query.table_id} answers this query{snapshot_note} and {why}. "
        f"When online, run `{fetch_command(query)}` "
        "(or call samfunn_data.ssb.get(query, refresh='if-stale')) to fetch it."
    )
