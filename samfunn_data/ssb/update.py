"""Fetch every table of the live catalogue (`samfunn update`'s first half): what was fetched, what not.

Each part goes through `api.get`, so it shares the machine-wide rate budget, stores responses as
vintages in the usual layout (data/raw/ssb/<table>/<query key>/) and, with `force=False`, refetches only
tables whose `updated` stamp changed. The first part that finds SSB unreachable stops the run: the other
parts would only wait for the same answer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass

from samfunn_data.config import Settings
from samfunn_data.errors import OfflineError, SamfunnError, SsbApiError
from samfunn_data.ssb import api, klass
from samfunn_data.ssb.catalogue import CATALOGUE, KDD_TABLES, KLASS, TableSpec
from samfunn_data.ssb.client import is_unreachable, make_client

FETCHED, CURRENT, FAILED, UNREACHED, SKIPPED = "hentet", "uendret", "feilet", "ikke nådd", "ikke hentet"


@dataclass(frozen=True)
class Outcome:
    """What happened to one part of one table."""

    table_id: str
    part: str
    status: str  # one of FETCHED, CURRENT, FAILED, UNREACHED, SKIPPED
    detail: str = ""
    rows: int = 0

    @property
    def ok(self) -> bool:
        return self.status in (FETCHED, CURRENT)


def newest_projection_table(client, spec: TableSpec) -> tuple[str | None, str]:
    """The newest table `/tables` finds for the spec's search words, with the reason if it is not usable."""
    if not hasattr(client, "search_tables"):  # the legacy v0 API has no table search
        return None, ""
    try:
        found = client.search_tables(spec.find_newest)
    except SsbApiError as exc:
        return None, f"søket etter nyere framskrivinger feilet ({exc.title})"
    tables = [t for t in found if str(t.get("label", "")).lower().lstrip("0123456789: ").startswith(
        spec.find_newest.lower()) and "region" in [str(v).lower() for v in t.get("variableNames", [])]]
    if not tables:
        return None, ""
    newest = max(tables, key=lambda t: (str(t.get("updated", "")), str(t.get("id", ""))))
    return str(newest["id"]), ""


def fetch_all(settings: Settings, force: bool = False, client=None,
              progress: Callable[[str], None] | None = None, deadline: float = 600.0) -> list[Outcome]:
    """Fetch every catalogue part; returns one Outcome per part (KLASS and KDD included).

    `deadline` bounds each part (07459 for all municipalities is several requests, and the shared call
    limit may make a part wait a minute), so it is longer than a single `samfunn fetch`'s default.
    """
    client = client or make_client(settings)
    refresh = "always" if force else "if-stale"
    parts = [(spec, level, query) for spec in CATALOGUE.values() for level, query in spec.queries()]
    outcomes: list[Outcome] = []
    unreachable = ""
    for spec, level, query in parts:
        name = f"{spec.table_id} {level}"
        if progress:
            progress(name)
        if unreachable:
            outcomes.append(Outcome(spec.table_id, level, UNREACHED, "hoppet over: SSB kunne ikke nås"))
            continue
        outcome = _fetch_part(spec, level, query, refresh, settings, client, deadline)
        if outcome.status == UNREACHED:
            unreachable = outcome.detail
        outcomes.append(outcome)
    for spec in CATALOGUE.values():
        if spec.find_newest and not unreachable:
            newest, why = newest_projection_table(client, spec)
            if why:
                outcomes.append(Outcome(spec.table_id, "nyeste tabell", FAILED, why))
            elif newest and newest != spec.table_id:
                outcomes.append(Outcome(newest, "nyere framskrivingstabell", SKIPPED,
                                        f"SSB har {newest}; faktagrunnlaget bruker {spec.table_id} til "
                                        f"katalogen er oppdatert for {newest}"))
    if progress:
        progress("KLASS")
    outcomes.extend(_klass(settings, unreachable))
    outcomes.extend(Outcome(key, "KDD", SKIPPED, f"{title}: KDDs tall, kan ikke hentes fra SSB")
                    for key, title in KDD_TABLES.items())
    return outcomes


def _fetch_part(spec, level, query, refresh, settings, client, deadline) -> Outcome:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", api.StaleDataWarning)
        try:
            frame = api.get(query, refresh=refresh, settings=settings, client=client, deadline=deadline)
        except SsbApiError as exc:
            status = UNREACHED if is_unreachable(exc) else FAILED
            return Outcome(spec.table_id, level, status, f"{exc.title}: {exc.detail}".strip(": "))
        except OfflineError:
            return Outcome(spec.table_id, level, UNREACHED, "SSB kunne ikke nås; ingenting lagret fra før")
        except SamfunnError as exc:  # e.g. a query the legacy v0 API cannot express
            return Outcome(spec.table_id, level, FAILED, str(exc))
    stale = [w for w in caught if issubclass(w.category, api.StaleDataWarning)]
    if stale:
        return Outcome(spec.table_id, level, UNREACHED, str(stale[0].message).split(". ")[0])
    if frame.attrs.get("fetched_now"):
        return Outcome(spec.table_id, level, FETCHED, str(frame.attrs.get("vintage", "")), len(frame))
    # SSB's updated stamp is not newer than what is stored (or than the snapshot): nothing to fetch.
    where = "snapshot" if frame.attrs.get("origin") == "snapshot" else "lagret"
    return Outcome(spec.table_id, level, CURRENT, f"{where} {frame.attrs.get('vintage', '')}")


def _klass(settings: Settings, unreachable: str) -> list[Outcome]:
    if unreachable:
        return [Outcome("KLASS", "131", UNREACHED, "hoppet over: SSB kunne ikke nås")]
    calls = {"131-changes": klass.refresh_changes, "131-correspondsAt-128": klass.refresh_centrality}
    out = []
    for spec in KLASS:
        try:
            calls[spec.key](settings, **spec.extra)
            out.append(Outcome("KLASS", spec.key, FETCHED, spec.title))
        except OfflineError as exc:
            out.append(Outcome("KLASS", spec.key, UNREACHED, str(exc)))
        except SamfunnError as exc:
            out.append(Outcome("KLASS", spec.key, FAILED, str(exc)))
    return out
