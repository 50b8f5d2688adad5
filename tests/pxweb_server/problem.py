"""The error the loopback server answers with; every module that can refuse a request raises it."""

from __future__ import annotations


class Problem(Exception):
    """An RFC 7807 answer; `v0` switches to the legacy API's error shapes."""

    def __init__(self, status: int, title: str, detail: str = "", retry_after: int | None = None):
        super().__init__(title)
        self.status, self.title, self.detail, self.retry_after = status, title, detail, retry_after
