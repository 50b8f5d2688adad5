"""Files that several processes share: locks (`fcntl.flock`, with an optional timeout) and atomic writes.

Who uses them: the SSB call log (`ssb/ratelimit.py`) holds one for each read-decide-write; the raw store
holds one per query folder while it writes a vintage; `samfunn build` holds the fact base's lock
exclusively while it writes `data/processed`, and readers of the fact base hold it shared while they
check and read it; report runs hold the reports folder's lock while they merge `manifest.json` and
`index.html`. A lock given a `holder` records who holds it (in `<lock>.holder`), so a process that has to
wait can say for whom, and one that gives up after `timeout` seconds can say what to do. The kernel
releases a flock when its process dies, so a killed holder never blocks anyone.

`atomic_write` replaces a file through a temporary file unique to the writer (process id and a random
token), so a reader sees the old file or the new one and two writers never share a temporary file.
"""

from __future__ import annotations

import fcntl
import json
import os
import secrets
import sys
import time
from datetime import datetime
from pathlib import Path

from samfunn_data.errors import LockTimeoutError

POLL_SECONDS = 0.1


class FileLock:
    """Hold an flock on `path` for the duration of a `with` block.

    Parameters
    ----------
    path : Path
        The lock file (created if missing). Its content belongs to the caller (the call log keeps its
        log in it); holder details go to a separate `<path>.holder` file.
    shared : bool
        A shared (reader) lock instead of an exclusive one.
    timeout : float, optional
        Give up after this many seconds with `LockTimeoutError`; None waits as long as it takes.
    holder : str, optional
        What this process is doing (e.g. "samfunn build"); recorded for others and named in messages.
    what : str
        What the lock protects, for messages (e.g. "faktagrunnlaget i data/processed").
    """

    def __init__(self, path: Path, *, shared: bool = False, timeout: float | None = None,
                 holder: str | None = None, what: str = ""):
        self.path = Path(path)
        self.shared = shared
        self.timeout = timeout
        self.holder = holder
        self.what = what or str(self.path)
        self._handle = None

    @property
    def holder_path(self) -> Path:
        return self.path.with_name(self.path.name + ".holder")

    def __enter__(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        self._handle = os.fdopen(fd, "r+", encoding="utf-8")
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        try:
            if self.timeout is None:
                fcntl.flock(self._handle.fileno(), mode)
            else:
                self._wait(mode)
        except BaseException:
            self._handle.close()
            raise
        if self.holder:
            _write_holder(self.holder_path, self.holder)
        return self._handle

    def _wait(self, mode: int) -> None:
        started, told = time.monotonic(), False
        while True:
            try:
                fcntl.flock(self._handle.fileno(), mode | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                waited = time.monotonic() - started
                if waited >= self.timeout:
                    raise LockTimeoutError(self._timeout_message(waited)) from None
                if not told:
                    print(f"venter på {self.what}: {self._who()} holder det (gir opp etter "
                          f"{self.timeout:.0f} s)", file=sys.stderr, flush=True)
                    told = True
                time.sleep(min(POLL_SECONDS, self.timeout - waited))

    def _who(self) -> str:
        """Who holds the lock, as far as the holder file says (with shared holders: the latest one)."""
        info = _read_holder(self.holder_path)
        if not info or not pid_alive(info["pid"]):
            return "en annen prosess"
        return f"{info['holder']} (prosess {info['pid']}, startet {info['since']})"

    def _timeout_message(self, waited: float) -> str:
        return (f"{self.what} er i bruk av {self._who()}; ga opp etter å ha ventet {waited:.0f} s. "
                "Vent til den kjøringen er ferdig og prøv igjen (henger den, avslutt den prosessen); "
                "SAMFUNN_LOCK_TIMEOUT=sekunder gir lengre ventetid.")

    def __exit__(self, *exc):
        try:
            if self.holder and (_read_holder(self.holder_path) or {}).get("pid") == os.getpid():
                self.holder_path.unlink(missing_ok=True)  # no stale name for the next one who waits
            fcntl.flock(self._handle.fileno(), fcntl.LOCK_UN)
        finally:
            self._handle.close()
            self._handle = None


def _read_holder(path: Path) -> dict | None:
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
        return info if {"holder", "pid", "since"} <= set(info) and isinstance(info["pid"], int) else None
    except (OSError, ValueError, TypeError):
        return None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id still runs (on this machine)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _write_holder(path: Path, holder: str) -> None:
    info = {"holder": holder, "pid": os.getpid(), "since": datetime.now().strftime("%Y-%m-%d %H:%M:%S")}
    atomic_write(path, json.dumps(info))


def temporary_name(path: Path) -> Path:
    """A hidden temporary file beside `path`, unique to this writer (`.<name>.<pid>-<token>.tmp`)."""
    return path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")


def atomic_write(path: Path, data: bytes | str) -> None:
    """Replace `path` atomically: a reader sees the old file or the new one, never half of one."""
    tmp = temporary_name(path)
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        tmp.replace(path)
    finally:
        tmp.unlink(missing_ok=True)
