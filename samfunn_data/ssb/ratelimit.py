"""A call budget shared by every process on the machine: a call log guarded by a file lock.

SSB limits calls per IP address (30 per 60 s), so two notebooks or papermill runs in parallel must draw
from one budget. Each process appends the time of every call it is about to make to one small log file
under the data directory, holding an exclusive `fcntl.flock` while it reads, decides and writes. Wall-clock
time (`time.time`) is used because monotonic clocks are not comparable across processes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

from samfunn_data.files import FileLock

# Requests are logged when sent but counted by the server when they arrive; a small margin absorbs the
# difference so bursts at a window's edge do not trip the server's counter.
WINDOW_MARGIN = 0.05  # fraction of the window
WINDOW_PAD_SECONDS = 0.25
# A holder keeps the log's lock for one read-decide-write; this long means it hangs (e.g. stopped).
LOCK_TIMEOUT = 60.0


class SharedBudget:
    """At most `max_calls` calls in any `window` seconds, across processes using the same `path`."""

    def __init__(
        self,
        path: Path,
        max_calls: int,
        window: float,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        lock_timeout: float = LOCK_TIMEOUT,
    ):
        if max_calls < 1 or window <= 0:
            raise ValueError(f"a call budget needs max_calls >= 1 and window > 0, not {max_calls}/{window}")
        self.path = Path(path)
        self.max_calls = max_calls
        self.window = window * (1 + WINDOW_MARGIN) + WINDOW_PAD_SECONDS
        self._sleep = sleep
        self._clock = clock
        self._lock_timeout = lock_timeout

    def acquire(self, max_wait: float = 600.0) -> float:
        """Block until a call may be made and record it. Returns the seconds waited.

        Raises TimeoutError if the budget does not free up within `max_wait` seconds (bounded loop).
        """
        waited = 0.0
        while True:
            wait = self._try_record()
            if wait <= 0:
                return waited
            if waited + wait > max_wait:
                raise TimeoutError(f"SSB call budget still exhausted after {waited:.0f} s ({self.path})")
            self._sleep(wait)
            waited += wait

    def defer(self, seconds: float) -> None:
        """Fill the window so that no process calls for `seconds` (after a 429 with Retry-After)."""
        until = self._clock() + seconds
        with self._locked() as handle:
            calls = self._read(handle)
            # Entries dated in the future block every process until the server's window has passed.
            calls.extend([until - self.window] * self.max_calls)
            self._write(handle, sorted(calls)[-self.max_calls :])

    def _try_record(self) -> float:
        with self._locked() as handle:
            now = self._clock()
            calls = [t for t in self._read(handle) if t > now - self.window]
            if len(calls) < self.max_calls:
                calls.append(now)
                self._write(handle, calls)
                return 0.0
            return min(calls) + self.window - now + 0.01

    def _locked(self):
        return FileLock(self.path, timeout=self._lock_timeout, what=f"SSBs felles kall-logg ({self.path})")

    @staticmethod
    def _read(handle) -> list[float]:
        handle.seek(0)
        text = handle.read()
        try:
            return [float(t) for t in json.loads(text)] if text.strip() else []
        except (ValueError, TypeError):
            return []  # a damaged log only costs us its history; never fail a fetch over it

    @staticmethod
    def _write(handle, calls: list[float]) -> None:
        handle.seek(0)
        handle.truncate()
        handle.write(json.dumps(sorted(calls)))
        handle.flush()
