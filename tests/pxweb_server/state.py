"""State shared by the handler threads: limits, the sliding-window rate limiter, injected faults, the log."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from dataclasses import dataclass, field

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.tables import Cube, load_cubes


@dataclass
class ServerState:
    cubes: dict[str, Cube] = field(default_factory=load_cubes)
    max_cells: int = 800_000
    max_calls: int = 30
    window: float = 60.0
    advertised_cells: int | None = None  # what /config claims, to test a server stricter than its config
    advertised_calls: int | None = None
    too_many_status: int = 400  # 400 (current PxWebApi) or 403 (spec / older SSB)
    slow_seconds: float = 3.0
    drip_seconds: float = 2.0  # 'drip': one byte of the body every drip_seconds
    faults: deque = field(default_factory=deque)  # consumed by data requests, oldest first
    log: list = field(default_factory=list)  # (time, method, path, status)
    queries: list = field(default_factory=list)  # (path, query string) of every request, in order
    lock: threading.Lock = field(default_factory=threading.Lock)
    admitted: list = field(default_factory=list)  # monotonic times of every call the limiter let through
    _calls: deque = field(default_factory=deque)

    def inject(self, *faults: str) -> None:
        """Queue faults for the next data requests: '503', 'drop', 'truncate', 'short', 'slow', 'drip'."""
        with self.lock:
            self.faults.extend(faults)

    def next_fault(self) -> str | None:
        with self.lock:
            return self.faults.popleft() if self.faults else None

    def admit(self) -> None:
        """Sliding-window rate limit over admitted calls, like SSB's per-IP limiter."""
        with self.lock:
            now = time.monotonic()
            while self._calls and self._calls[0] <= now - self.window:
                self._calls.popleft()
            if len(self._calls) >= self.max_calls:
                wait = max(1, math.ceil(self._calls[0] + self.window - now))
                raise Problem(
                    429,
                    "Too Many Requests",
                    f"You have reach the threshold for request limiting. {self.max_calls} request per "
                    f"{self.window:g} seconds.",
                    retry_after=wait,
                )
            self._calls.append(now)
            self.admitted.append(now)

    def remaining(self) -> int:
        """Calls left in the current window (what SSB's x-ratelimit-remaining says)."""
        with self.lock:
            now = time.monotonic()
            return max(0, self.max_calls - sum(1 for t in self._calls if t > now - self.window))

    def statuses(self, path_part: str = "/data") -> list[int]:
        with self.lock:
            return [status for _t, _m, path, status in self.log if path_part in path]

    def set_updated(self, table_id: str, stamp: str) -> None:
        with self.lock:
            self.cubes[table_id].doc["updated"] = stamp
