"""SSB KLASS: municipality code changes (classification 131) and centrality (correspondence 131 -> 128).

The embedded snapshot already holds the code changes up to 2024 (`klass-131-changes`). When SSB is
reachable, `refresh_changes()` asks KLASS for every change since 1900 and stores the answer under
`<store_dir>/klass/`; the municipality registry then uses it on top of the snapshot. A failed refresh
leaves whatever was stored before untouched (the file is replaced atomically, only after a good answer).
"""

from __future__ import annotations

import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import requests

from samfunn_data.errors import OfflineError, ParseError, SsbApiError

CHANGE_COLUMNS = ["oldCode", "oldName", "newCode", "newName", "changeOccurred"]
CORRESPONDENCE_COLUMNS = ["sourceCode", "sourceName", "targetCode", "targetName"]
CHANGES_FILE = "131-changes.json"


class KlassClient:
    """A small KLASS v1 client over requests. Constructing it does no I/O."""

    def __init__(self, base_url: str, timeout: float = 30.0, session: requests.Session | None = None):
        self.base_url = base_url.rstrip("/")
        self.timeout = float(timeout)
        self.session = session or requests.Session()

    def get_json(self, path: str, params: dict) -> tuple[str, dict]:
        """GET base_url/path as JSON: (url asked, document). Raises OfflineError, SsbApiError, ParseError."""
        url = f"{self.base_url}/{path.lstrip('/')}"
        try:
            # (connect, read) timeouts: a dead network fails fast, a slow answer gets the full timeout.
            resp = self.session.get(
                url,
                params=params,
                headers={"Accept": "application/json"},
                timeout=(min(10.0, self.timeout), self.timeout),
            )
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise OfflineError(
                f"KLASS at {self.base_url} cannot be reached ({type(exc).__name__}); "
                "the code changes in the embedded snapshot are used instead"
            ) from None
        if resp.status_code >= 400:
            raise SsbApiError(resp.url, resp.status_code, "KLASS", resp.text.strip()[:300])
        try:
            return resp.url, resp.json()
        except ValueError:
            raise ParseError(
                f"KLASS answered {resp.url} with something that is not JSON: {resp.text[:120]!r}"
            ) from None

    def changes(
        self, classification: int = 131, from_date: str = "1900-01-01", to_date: str | None = None
    ) -> tuple[str, dict]:
        params = {"from": from_date, "includeFuture": "true"}
        if to_date:
            params["to"] = to_date
        return self.get_json(f"classifications/{classification}/changes", params)

    def corresponds_at(
        self, source: int = 131, target: int = 128, date: str = "2024-01-01"
    ) -> tuple[str, dict]:
        return self.get_json(
            f"classifications/{source}/correspondsAt", {"targetClassificationId": str(target), "date": date}
        )


def parse_changes(doc: dict, url: str = "KLASS") -> pd.DataFrame:
    """`codeChanges` of a KLASS `changes` answer as a frame with CHANGE_COLUMNS (codes as str)."""
    items = doc.get("codeChanges") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ParseError(f"{url}: the answer has no codeChanges list; is this a KLASS `changes` response?")
    bad = [
        i
        for i, item in enumerate(items)
        if not isinstance(item, dict)
        or not all(item.get(k) for k in ("oldCode", "newCode", "changeOccurred"))
    ]
    if bad:
        raise ParseError(f"{url}: codeChanges item(s) {bad[:5]} lack oldCode, newCode or changeOccurred")
    frame = pd.DataFrame([{k: item.get(k) for k in CHANGE_COLUMNS} for item in items], columns=CHANGE_COLUMNS)
    return frame.astype("str")


def parse_correspondence(doc: dict, url: str = "KLASS") -> pd.DataFrame:
    """`correspondenceItems` of a KLASS `correspondsAt` answer (e.g. municipality -> centrality class)."""
    items = doc.get("correspondenceItems") if isinstance(doc, dict) else None
    if not isinstance(items, list):
        raise ParseError(f"{url}: the answer has no correspondenceItems list")
    return pd.DataFrame(
        [{k: item.get(k) for k in CORRESPONDENCE_COLUMNS} for item in items], columns=CORRESPONDENCE_COLUMNS
    ).astype("str")


def klass_dir(settings=None) -> Path:
    from samfunn_data.config import get_settings

    return (settings or get_settings()).store_dir / "klass"


def atomic_write_json(path: Path, payload: dict) -> None:
    """Write JSON so that readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(payload, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def refresh_changes(settings=None, client: KlassClient | None = None) -> tuple[Path, int]:
    """Fetch all municipality code changes from KLASS 131 and store them; returns (file, number of changes).

    The answer is validated before it replaces the stored file, so a bad answer loses nothing.
    """
    from samfunn_data.config import get_settings

    settings = settings or get_settings()
    client = client or KlassClient(settings.klass_url, settings.timeout)
    url, doc = client.changes(131)
    frame = parse_changes(doc, url)
    if frame.empty:
        raise ParseError(f"{url}: KLASS returned no code changes; the stored copy was kept")
    path = klass_dir(settings) / CHANGES_FILE
    retrieved = datetime.now(UTC).isoformat(timespec="seconds")
    atomic_write_json(path, {"url": url, "retrieved": retrieved, "response": doc})
    return path, len(frame)


def refresh_centrality(settings=None, client: KlassClient | None = None, date: str = "2024-01-01") -> Path:
    """Fetch and store the 131 -> 128 correspondence (centrality class per municipality) at `date`."""
    from samfunn_data.config import get_settings

    settings = settings or get_settings()
    client = client or KlassClient(settings.klass_url, settings.timeout)
    url, doc = client.corresponds_at(131, 128, date)
    parse_correspondence(doc, url)  # validate before storing
    path = klass_dir(settings) / f"131-correspondsAt-128-{date}.json"
    atomic_write_json(
        path, {"url": url, "retrieved": datetime.now(UTC).isoformat(timespec="seconds"), "response": doc}
    )
    return path


def stored_changes_path(settings=None) -> Path:
    return klass_dir(settings) / CHANGES_FILE


def stored_changes(settings=None) -> pd.DataFrame | None:
    """Code changes refreshed from KLASS earlier, or None if there are none stored."""
    path = stored_changes_path(settings)
    if not path.is_file():
        return None
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        return parse_changes(stored["response"], str(path))
    except (ValueError, KeyError, TypeError):
        raise ParseError(
            f"{path} is damaged; delete it or run `samfunn municipalities --refresh-klass` "
            "again (the snapshot's code changes do not depend on it)"
        ) from None
