"""The raw store: every SSB data response kept byte for byte, with a provenance sidecar, never rewritten.

Layout under `Settings.store_dir` (data/raw/ssb)::

    <table>/<key>/<stamp>-<i>of<n>.json        the response body exactly as received
    <table>/<key>/<stamp>-<i>of<n>.meta.json   url, method, body, api, retrieved_at, updated, sha256, query

`key` is `query.query_key` of the normalised request; `stamp` is the UTC retrieval time, so a refetch
that brings new bytes adds a new vintage beside the old one. A split fetch is one vintage of n parts; a
vintage counts only when all n sidecars exist, and sidecars are written after their bodies, so a run
killed at any moment leaves at most an incomplete vintage that readers ignore. Every file is written to
a hidden temporary file, fsynced and then hard-linked into place: the link is atomic and, unlike
`os.replace`, refuses to overwrite, which is what "never rewrite a file" needs.

Repair. Writers hold the folder's lock (`.lock`), so under it every file that belongs to no complete
vintage is left over from a writer that died (an orphan). Before it stores or deduplicates, `save` moves
such files, and the files of a newest vintage whose bytes no longer match their sidecar's sha256, into
`<key>/quarantine/`: set aside, never deleted, no longer read. The fresh fetch then becomes the newest
vintage. `Vintage.read` refuses a damaged body with the `samfunn fetch` command that repairs it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from samfunn_data.errors import ParseError
from samfunn_data.files import FileLock, pid_alive
from samfunn_data.ssb import query as q
from samfunn_data.ssb.client import FetchResult, body_text

STORE_VERSION = 1
_PART = re.compile(r"^(?P<stamp>\d{8}T\d{6}\d{6}Z(?:-\d+)?)-(?P<i>\d+)of(?P<n>\d+)\.meta\.json$")
_STORED = re.compile(r"^\d{8}T\d{6}\d{6}Z(?:-\d+)?-\d+of\d+(?:\.meta)?\.json$")  # bodies and sidecars
QUARANTINE = "quarantine"
LOCK_TIMEOUT = 120.0  # seconds; a writer holds a folder's lock only while it writes one vintage


@dataclass(frozen=True)
class Vintage:
    """One complete stored answer to a query: its files and what the sidecars say about them."""

    table_id: str
    key: str
    stamp: str
    files: tuple[Path, ...]
    sidecars: tuple[dict, ...]

    @property
    def retrieved_at(self) -> str:
        return self.sidecars[0]["retrieved_at"]

    @property
    def date(self) -> str:
        """The retrieval date (ISO), which is what users see as the vintage."""
        return self.retrieved_at[:10]

    @property
    def table_updated(self) -> str | None:
        return self.sidecars[0].get("table_updated")

    @property
    def api(self) -> str:
        return self.sidecars[0].get("api", "v2")

    def read(self) -> list[bytes]:
        """The stored bodies, checked against their sha256 (a damaged file raises ParseError naming the
        `samfunn fetch` command that replaces it)."""
        bodies = []
        for path, meta in zip(self.files, self.sidecars, strict=True):
            data = path.read_bytes()
            if hashlib.sha256(data).hexdigest() != meta["sha256"]:
                raise ParseError(
                    f"{path} does not match the sha256 in its sidecar; the stored file is damaged. "
                    f"Run `{self.fetch_command()}` to fetch it again: the damaged copy is then moved to "
                    f"{path.parent / QUARANTINE} (never deleted) and the new one is used."
                )
            bodies.append(data)
        return bodies

    def damaged(self) -> list[Path]:
        """Bodies that are unreadable or no longer match their sidecar's sha256."""
        bad = []
        for path, meta in zip(self.files, self.sidecars, strict=True):
            try:
                ok = hashlib.sha256(path.read_bytes()).hexdigest() == meta["sha256"]
            except OSError:
                ok = False
            if not ok:
                bad.append(path)
        return bad

    def fetch_command(self) -> str:
        """The command that fetches this vintage's query again."""
        try:
            return q.fetch_command(q.query_from_normalised(self.sidecars[0]["query"]))
        except (KeyError, TypeError, ValueError):
            return f"samfunn fetch {self.table_id} --select ..."


def stamp_for(moment: datetime) -> str:
    """A sortable, file-name-safe UTC stamp with microseconds (two fetches in one second stay apart)."""
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")


@dataclass
class RawStore:
    """Vintages of SSB responses under `root`. Constructing it touches no files.

    `moved_aside` lists the files the last `save` moved into quarantine (orphans and damaged copies).
    """

    root: Path
    moved_aside: list[Path] = field(default_factory=list)

    def __post_init__(self):
        self.root = Path(self.root)

    def folder(self, table_id: str, key: str) -> Path:
        return self.root / table_id / key

    # -- reading ----------------------------------------------------------------------------------------

    def vintages(self, table_id: str, key: str) -> list[Vintage]:
        """Complete vintages for one request, oldest first."""
        folder = self.folder(table_id, key)
        if not folder.is_dir():
            return []
        groups: dict[str, dict[int, dict]] = {}
        expected: dict[str, int] = {}
        for path in folder.iterdir():
            m = _PART.match(path.name)
            if not m:
                continue
            try:
                meta = json.loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue  # unreadable sidecar: that vintage is incomplete, never guessed at
            groups.setdefault(m["stamp"], {})[int(m["i"])] = meta
            expected[m["stamp"]] = int(m["n"])
        found = []
        for stamp in sorted(groups):
            parts = groups[stamp]
            if sorted(parts) != list(range(1, expected[stamp] + 1)):
                continue
            metas = tuple(parts[i] for i in sorted(parts))
            files = tuple(folder / m["file"] for m in metas)
            if all(f.is_file() for f in files):
                found.append(Vintage(table_id, key, stamp, files, metas))
        return found

    def newest(self, table_id: str, key: str) -> Vintage | None:
        found = self.vintages(table_id, key)
        return found[-1] if found else None

    # -- writing ----------------------------------------------------------------------------------------

    def save(self, result: FetchResult, table_updated: str | None, now: datetime | None = None) -> Vintage:
        """Store every part of `result` as a new vintage, unless the newest vintage already holds exactly
        these bytes with the same `updated` stamp (then that vintage is returned and nothing is written).
        """
        query = result.query
        key = q.query_key(query, result.api)
        folder = self.folder(query.table_id, key)
        folder.mkdir(parents=True, exist_ok=True)
        self.moved_aside = []
        with FileLock(folder / ".lock", timeout=LOCK_TIMEOUT, what=f"lageret for {folder}"):
            self._sweep(folder)
            self.moved_aside += self._set_aside(folder, self._orphans(folder, query.table_id, key))
            newest = self.newest(query.table_id, key)
            if newest and newest.damaged():
                self.moved_aside += self._set_aside(folder, [*newest.files, *map(_sidecar, newest.files)])
                newest = self.newest(query.table_id, key)
            shas = [hashlib.sha256(p.content).hexdigest() for p in result.parts]
            if (
                newest
                and [m["sha256"] for m in newest.sidecars] == shas
                and newest.table_updated == table_updated
            ):
                return newest
            return self._write(result, folder, key, shas, table_updated, now)

    def _write(self, result: FetchResult, folder: Path, key: str, shas: list[str], table_updated: str | None,
               now: datetime | None) -> Vintage:
        query = result.query
        moment = now or datetime.now(UTC)
        stamp = self._free_stamp(folder, stamp_for(moment), len(result.parts))
        n = len(result.parts)
        for i, (part, sha) in enumerate(zip(result.parts, shas, strict=True), start=1):
            name = f"{stamp}-{i}of{n}"
            _write_new(folder / f"{name}.json", part.content)
            meta = {
                "store_version": STORE_VERSION,
                "table_id": query.table_id,
                "key": key,
                "vintage": stamp,
                "part": i,
                "parts": n,
                "file": f"{name}.json",
                "url": part.request.url,
                "method": part.request.method,
                "body": body_text(part.request.body),
                "api": result.api,
                "api_version": result.api_version,
                "retrieved_at": moment.astimezone(UTC).isoformat(timespec="seconds"),
                "table_updated": table_updated,
                "sha256": sha,
                "bytes": len(part.content),
                "content_type": part.content_type,
                "query": q.normalised(query, result.api),
            }
            text = json.dumps(meta, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
            _write_new(folder / f"{name}.meta.json", text.encode("utf-8"))
        _fsync_dir(folder)
        saved = self.newest(query.table_id, key)
        assert saved is not None and saved.stamp == stamp, "a vintage just written must be readable"
        return saved

    def _orphans(self, folder: Path, table_id: str, key: str) -> list[Path]:
        """Bodies and sidecars that belong to no complete vintage: left by a writer that died (call only
        under the folder's lock, so no live writer is between its body and its sidecar)."""
        kept = {p.name for v in self.vintages(table_id, key) for p in (*v.files, *map(_sidecar, v.files))}
        return sorted(p for p in folder.iterdir() if _STORED.match(p.name) and p.name not in kept)

    @staticmethod
    def _set_aside(folder: Path, paths: list[Path]) -> list[Path]:
        """Move files into `quarantine/` (never delete them); returns where they went."""
        moved = []
        for path in paths:
            if not path.exists():
                continue
            (folder / QUARANTINE).mkdir(exist_ok=True)
            target = folder / QUARANTINE / path.name
            counter = 0
            while target.exists():
                counter += 1
                target = folder / QUARANTINE / f"{path.name}.{counter}"
            path.rename(target)
            moved.append(target)
        return moved

    @staticmethod
    def _free_stamp(folder: Path, stamp: str, n: int) -> str:
        # Two processes finishing in the same microsecond get distinct stamps instead of a clash.
        candidate, counter = stamp, 0
        while (folder / f"{candidate}-1of{n}.json").exists():
            counter += 1
            candidate = f"{stamp}-{counter}"
        return candidate

    @staticmethod
    def _sweep(folder: Path) -> None:
        """Remove temporary files left by writers that no longer run (killed mid-write)."""
        for path in folder.glob(".tmp-*"):
            pid = path.name.split("-")[1]
            if pid.isdigit() and not pid_alive(int(pid)):
                path.unlink(missing_ok=True)


def _sidecar(body: Path) -> Path:
    return body.with_name(body.name[: -len(".json")] + ".meta.json")


def _write_new(path: Path, data: bytes) -> None:
    """Write `path` atomically and only if it does not exist yet."""
    tmp = path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}-{path.name}")
    with open(tmp, "xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    try:
        os.link(tmp, path)  # atomic; raises FileExistsError rather than replacing a stored file
    finally:
        tmp.unlink(missing_ok=True)


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
