"""HTTP only: talk to SSB's PxWebApi 2.0 (or the legacy v0 API) politely and return raw bytes.

The client never parses data responses; it returns `RawResponse`s for the store and the decoder. It
reads `/config` lazily, plans a query against table metadata, splits it to respect `maxDataCells`,
shares the per-IP call budget with every other process on the machine, honours 429 Retry-After,
retries 5xx and dropped connections with bounded exponential backoff, and turns RFC 7807 problem
bodies into `SsbApiError`. Every wait of a second or more is announced (`notify`, stderr by default),
and `within(deadline)` bounds a whole fetch: retries, waits and slow bodies included.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests
import urllib3

from samfunn_data.errors import ParseError, QueryError, SamfunnError, SsbApiError
from samfunn_data.ssb import query as q
from samfunn_data.ssb.ratelimit import SharedBudget

log = logging.getLogger(__name__)

# SSB's published limits; used until /config says otherwise, and for v0, which has no v2 /config.
DEFAULT_MAX_CELLS = 800_000
DEFAULT_MAX_CALLS = 30
DEFAULT_WINDOW = 60.0
MAX_RETRY_AFTER = 300.0  # never sleep longer than this on one 429, whatever the header says
READ_CHUNK = 1 << 16


@dataclass(frozen=True)
class RawResponse:
    """One successful data response, exactly as received."""

    request: q.HttpRequest
    status: int
    content: bytes
    content_type: str
    api: str  # "v2" | "v0"


@dataclass(frozen=True)
class FetchResult:
    """The responses that together answer `query` (one, or several parts after splitting)."""

    query: q.Query
    parts: tuple[RawResponse, ...]
    api: str
    plan: tuple[q.Query, ...] = field(default=())
    api_version: str | None = None  # /config apiVersion, e.g. "2.0.0"


def _cannot_connect(exc: Exception) -> bool:
    """True when no connection could be made at all (refused, no route, DNS failure), as opposed to a
    connection that dropped or timed out mid-answer, which a retry may cure."""
    from urllib3.exceptions import NewConnectionError  # NameResolutionError is a subclass

    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(reason, NewConnectionError) and not isinstance(exc, requests.Timeout)


def is_unreachable(exc: SsbApiError) -> bool:
    """True when SSB did not answer usefully (no connection, 5xx, rate limit never lifting)."""
    return exc.status is None or exc.status >= 500 or exc.status == 429


class _BaseClient:
    api = "?"

    def __init__(
        self,
        base_url: str,
        data_dir: Path,
        timeout: float = 30.0,
        session: requests.Session | None = None,
        max_attempts: int = 5,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        notify: Callable[[str], None] | None = None,
    ):
        # No I/O here: the session connects on first use, /config is read on first need.
        # `data_dir` holds the shared call log (<data_dir>/.ratelimit/<host>.json); every process that
        # should share SSB's per-IP budget must use the same folder (make_client uses Settings.data_dir;
        # outside raw/ and processed/ so the changing log never alters data fingerprints).
        self.base_url = base_url.rstrip("/")
        self.data_dir = Path(data_dir)
        self.timeout = timeout
        self.session = session or requests.Session()
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self._sleep = sleep
        self._notify = notify or _to_stderr
        self._deadline: float | None = None  # seconds allowed for the current fetch (see `within`)
        self._deadline_at: float | None = None  # time.monotonic() when it runs out
        self._config: dict | None = None
        self._budget: SharedBudget | None = None
        self._metadata: dict[str, dict] = {}
        self.max_url = q.MAX_GET_URL

    # -- limits -----------------------------------------------------------------------------------------

    def config(self) -> dict:
        raise NotImplementedError

    @property
    def max_cells(self) -> int:
        return int(self.config().get("maxDataCells") or DEFAULT_MAX_CELLS)

    def budget(self) -> SharedBudget:
        if self._budget is None:
            cfg = self.config()
            host = re.sub(r"[^A-Za-z0-9_.-]", "_", urlsplit(self.base_url).netloc or "ssb")
            self._budget = SharedBudget(
                self.data_dir / ".ratelimit" / f"{host}.json",
                int(cfg.get("maxCallsPerTimeWindow") or DEFAULT_MAX_CALLS),
                float(cfg.get("timeWindow") or DEFAULT_WINDOW),
                sleep=self._wait,
            )
        return self._budget

    # -- waiting and the deadline -----------------------------------------------------------------------

    def _wait(self, seconds: float) -> None:
        """Sleep for SSB's limit, saying so when a person would notice the pause."""
        if seconds >= 1:
            self._notify(f"venter {seconds:.0f} s på SSBs grense for antall kall")
        self._sleep(seconds)

    @contextmanager
    def within(self, seconds: float | None) -> Iterator[None]:
        """Bound everything inside the block (one fetch) to `seconds` in total; nested blocks keep the
        outer deadline. On expiry the current request stops and `SsbApiError` (status None) is raised."""
        if seconds is None or self._deadline_at is not None:
            yield
            return
        self._deadline, self._deadline_at = seconds, time.monotonic() + seconds
        try:
            yield
        finally:
            self._deadline = self._deadline_at = None

    def _remaining(self) -> float:
        return float("inf") if self._deadline_at is None else self._deadline_at - time.monotonic()

    def _past_deadline(self, url: str, why: str) -> SsbApiError:
        return SsbApiError(url, None, "SSB could not be reached",
                           f"no complete answer within the deadline of {self._deadline:.0f} s; {why}")

    # -- HTTP -------------------------------------------------------------------------------------------

    def _send(self, req: q.HttpRequest, budgeted: bool = True) -> requests.Response:
        """Send with retries. Returns the final response (2xx or 4xx); raises when SSB stays unreachable.

        Order: take one call from the shared budget; send; on 429 block the budget for Retry-After and
        retry; on 5xx or a dropped/truncated connection back off exponentially and retry; give up after
        `max_attempts` with an `SsbApiError` (status None or the last status) or `ParseError`. A wait
        that would outlast the deadline (see `within`) is not begun: `SsbApiError` (status None) at once.
        """
        last_error, truncated, status, tries = "", False, None, 0
        for attempt in range(self.max_attempts):
            tries = attempt + 1
            self._take_call(req.url, budgeted, last_error)
            resp, failure = self._attempt(req)
            if resp is None:
                last_error, truncated, status = failure, failure.startswith("response body truncated"), None
                if failure.startswith("no connection"):
                    break  # refused, no route, unknown host: retrying cannot help, fall back at once
            else:
                status = resp.status_code
                if status == 429:
                    self._obey_429(req.url, resp, attempt, budgeted)
                    last_error = "rate limit (429) did not lift"
                    continue
                if status < 500:
                    return resp
                last_error = f"server error {status}"
            if attempt + 1 < self.max_attempts:
                if self._backoff(attempt) > self._remaining():
                    raise self._past_deadline(req.url, last_error)
                self._sleep(self._backoff(attempt))
        if truncated:
            raise ParseError(f"SSB sent a truncated response body {self.max_attempts} times for {req.url}")
        raise SsbApiError(
            req.url, status, "SSB could not be reached", f"{last_error} after {tries} tries"
        )

    def _take_call(self, url: str, budgeted: bool, last_error: str) -> None:
        """Check the deadline, then take one call from the shared budget (waiting at most until it)."""
        if self._remaining() <= 0:
            raise self._past_deadline(url, last_error or "no answer yet")
        if budgeted:
            try:
                self.budget().acquire(max_wait=min(600.0, self._remaining()))
            except TimeoutError as exc:
                raise self._past_deadline(url, f"SSB's call limit did not free up: {exc}") from None

    def _attempt(self, req: q.HttpRequest) -> tuple[requests.Response | None, str]:
        """One request with its whole body read; (None, what went wrong) when no complete answer came."""
        read_timeout = max(0.01, min(self.timeout, self._remaining()))
        try:
            resp = self.session.request(req.method, req.url, json=req.body, stream=True,
                                        timeout=(min(10.0, read_timeout), read_timeout))
            self._read_body(resp)
        except requests.exceptions.ChunkedEncodingError as exc:
            return None, f"response body truncated ({exc})"
        except (requests.ConnectionError, requests.Timeout) as exc:
            if _cannot_connect(exc):
                return None, f"no connection ({_short(exc)})"
            return None, f"no answer ({_short(exc)})"
        return resp, ""

    def _obey_429(self, url: str, resp: requests.Response, attempt: int, budgeted: bool) -> None:
        wait = _retry_after(resp, default=self._backoff(attempt))
        log.info("SSB rate limit hit (429); waiting %.1f s before retrying %s", wait, url)
        if wait > self._remaining():
            raise self._past_deadline(url, f"SSB asked us to wait {wait:.0f} s (429)")
        if budgeted:
            self.budget().defer(wait)  # every process holds off; the next acquire() waits and says so
        else:
            self._wait(wait)

    def _read_body(self, resp: requests.Response) -> None:
        """Read the body piece by piece as it arrives and stop at the deadline: a server that sends one
        byte every few seconds never trips the per-read timeout, so the deadline is checked between pieces.
        """
        chunks = []
        try:
            while chunk := resp.raw.read1(READ_CHUNK, decode_content=True):
                chunks.append(chunk)
                if self._remaining() <= 0:
                    resp.close()
                    raise requests.Timeout(f"body still arriving at the deadline ({sum(map(len, chunks))} "
                                           "bytes so far)")
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.Timeout(str(exc)) from None
        except urllib3.exceptions.HTTPError as exc:  # the connection ended before Content-Length
            raise requests.exceptions.ChunkedEncodingError(str(exc)) from None
        # What `resp.content` would have read in one go; set so json(), text and content work as usual.
        resp._content = b"".join(chunks)

    def _backoff(self, attempt: int) -> float:
        return min(self.max_backoff, self.backoff * (2**attempt))

    def _get_json(self, url: str, budgeted: bool = True) -> dict:
        resp = self._send(q.HttpRequest("GET", url), budgeted=budgeted)
        if resp.status_code != 200:
            raise problem_error(url, resp)
        try:
            return resp.json()
        except ValueError as exc:
            raise ParseError(f"{url} did not return JSON ({exc})") from None

    # -- data -------------------------------------------------------------------------------------------

    def available(self, table_id: str, query: q.Query) -> tuple[dict[str, list[str]], list[str]]:
        raise NotImplementedError

    def request_for(self, query: q.Query) -> q.HttpRequest:
        raise NotImplementedError

    def plan(self, query: q.Query) -> list[q.Query]:
        """The requests that answer `query`: the query itself if it fits, else expanded parts."""
        codes, times = self.available(query.table_id, query)
        try:
            expanded = q.expand(query, codes, times)
        except QueryError:
            expanded = None  # an unknown variable or value: let SSB see the query and say what is wrong
        if expanded is None or q.count_cells(expanded) <= self.max_cells:
            # Send what the user asked (expressions included); unknown codes get SSB's own error.
            return [query]
        return q.split(expanded, self.max_cells)

    def fetch(self, query: q.Query) -> FetchResult:
        """Fetch every part of `query`; the parts' responses together answer it exactly."""
        plan = self.plan(query)
        parts: list[RawResponse] = []
        for part in plan:
            parts.extend(self._fetch_part(part, depth=0))
        version = (self._config or {}).get("apiVersion")
        return FetchResult(query, tuple(parts), self.api, tuple(plan), version)

    def _fetch_part(self, part: q.Query, depth: int) -> list[RawResponse]:
        req = self.request_for(part)
        if req.method == "POST" and any(s.output_values for s in part.selections) and depth < 32:
            # SSB documents outputValues for GET only: send smaller GETs instead of relying on a POST.
            if not part.expanded:
                codes, times = self.available(part.table_id, part)
                part = q.expand(part, codes, times)
            if max(len(s.values) for s in part.selections) > 1:
                return [r for half in q.halve(part) for r in self._fetch_part(half, depth + 1)]
        resp = self._send(req)
        if resp.status_code == 200:
            return [RawResponse(req, 200, resp.content, resp.headers.get("Content-Type", ""), self.api)]
        if _too_many_cells(resp) and depth < 32:
            # The server's limit is lower than /config said (or counts differently): split further.
            if not part.expanded:
                codes, times = self.available(part.table_id, part)
                part = q.expand(part, codes, times)
            log.info("SSB refused %s as too large (%s); splitting it", req.url, resp.status_code)
            return [r for half in q.halve(part) for r in self._fetch_part(half, depth + 1)]
        error = problem_error(req.url, resp)
        if resp.status_code == 400 and not error.detail:
            # SSB's 400s carry only a title ("Missing selection for mandantory variable"); name the
            # variables from the table's metadata so the user knows what to fix.
            error = SsbApiError(error.url, error.status, error.title, self._explain(part, error.title))
        raise error

    def _explain(self, part: q.Query, title: str) -> str:
        """Which variables a refused query lacks or has in excess, compared with the table's own."""
        try:
            codes, _times = self.available(part.table_id, part)
        except SamfunnError:
            return ""
        asked = [s.variable for s in part.selections]
        lower = {v.lower() for v in asked}
        if "missing selection" in title.lower():
            return "ikke valgt: " + ", ".join(v for v in codes if v.lower() not in lower)
        unknown = [v for v in asked if v.lower() not in {c.lower() for c in codes}]
        if unknown:
            return f"ukjent variabel: {', '.join(unknown)} (tabellen har {', '.join(codes)})"
        return "spørringen: " + "; ".join(f"{s.variable}={','.join(s.values)}" for s in part.selections)


def _too_many_cells(resp: requests.Response) -> bool:
    if resp.status_code == 403:
        return True
    if resp.status_code != 400:
        return False
    title, detail = _problem_fields(resp)
    return "too many cells" in f"{title} {detail}".lower()


def _retry_after(resp: requests.Response, default: float) -> float:
    value = resp.headers.get("Retry-After", "")
    try:
        seconds = float(value)
    except ValueError:
        seconds = default  # HTTP-date form or missing: fall back to our own backoff
    return max(0.0, min(MAX_RETRY_AFTER, seconds))


def _problem_fields(resp: requests.Response) -> tuple[str, str]:
    try:
        body = resp.json()
    except ValueError:
        return resp.reason or "", resp.text[:300]
    if not isinstance(body, dict):
        return resp.reason or "", str(body)[:300]
    if "error" in body and "title" not in body:  # the v0 API's error shape
        return resp.reason or "", str(body["error"])
    return str(body.get("title") or resp.reason or ""), str(body.get("detail") or "")


def problem_error(url: str, resp: requests.Response) -> SsbApiError:
    """An `SsbApiError` naming the URL, status, and the RFC 7807 title and detail."""
    title, detail = _problem_fields(resp)
    return SsbApiError(url, resp.status_code, title, detail)


# --- PxWebApi 2.0 --------------------------------------------------------------------------------------


class V2Client(_BaseClient):
    """PxWebApi 2.0 (`https://data.ssb.no/api/pxwebapi/v2`)."""

    api = "v2"

    def config(self) -> dict:
        # /config is not budgeted: SSB's window applies to data calls, and the budget needs these numbers.
        if self._config is None:
            self._config = self._get_json(f"{self.base_url}/config", budgeted=False)
        return self._config

    def table_info(self, table_id: str) -> dict:
        """`/tables/{id}`: label, `updated` stamp, periods."""
        return self._get_json(f"{self.base_url}/tables/{table_id}")

    def search_tables(self, words: str, page_size: int = 100) -> list[dict]:
        """`/tables?query=...`: every table SSB's search finds (all pages), newest API shape."""
        found, number = [], 1
        while True:
            params = urlencode({"query": words, "pageSize": page_size, "pageNumber": number, "lang": "no"})
            doc = self._get_json(f"{self.base_url}/tables?{params}")
            found.extend(doc.get("tables", []))
            if number >= int(doc.get("page", {}).get("totalPages") or 1):
                return found
            number += 1

    def metadata(self, table_id: str, lang: str = "no") -> dict:
        key = f"{lang}/{table_id}"
        if key not in self._metadata:
            self._metadata[key] = self._get_json(f"{self.base_url}/tables/{table_id}/metadata?lang={lang}")
        return self._metadata[key]

    def codelist(self, codelist_id: str, lang: str = "no") -> dict:
        key = f"codelist:{lang}/{codelist_id}"
        if key not in self._metadata:
            self._metadata[key] = self._get_json(f"{self.base_url}/codelists/{codelist_id}?lang={lang}")
        return self._metadata[key]

    def available(self, table_id: str, query: q.Query) -> tuple[dict[str, list[str]], list[str]]:
        meta = self.metadata(table_id, query.lang)
        codes = {dim: _category_codes(meta["dimension"][dim]) for dim in meta.get("id", [])}
        for sel in query.selections:
            if sel.codelist and sel.variable in codes:
                values = self.codelist(sel.codelist, query.lang).get("values", [])
                codes[sel.variable] = [v["code"] for v in values]
        return codes, list(meta.get("role", {}).get("time", []))

    def request_for(self, query: q.Query) -> q.HttpRequest:
        return q.v2_request(query, self.base_url, self.max_url)


def _category_codes(dimension: dict) -> list[str]:
    index = dimension["category"].get("index")
    if isinstance(index, list):
        return [str(c) for c in index]
    if isinstance(index, dict):
        return [str(c) for c in sorted(index, key=index.get)]
    return [str(c) for c in dimension["category"].get("label", {})]


# --- legacy v0 -----------------------------------------------------------------------------------------


class V0Client(_BaseClient):
    """The legacy API (`https://data.ssb.no/api/v0/{lang}/table/{id}`), kept since no end date is known."""

    api = "v0"

    def config(self) -> dict:
        # v0's `?config` answer has been reported inconsistent with SSB's documented limits; use those.
        if self._config is None:
            self._config = {
                "maxDataCells": DEFAULT_MAX_CELLS,
                "maxCallsPerTimeWindow": DEFAULT_MAX_CALLS,
                "timeWindow": DEFAULT_WINDOW,
            }
        return self._config

    def table_info(self, table_id: str) -> dict:
        # v0 has no cheap 'updated' stamp; callers then compare the bytes of a fresh fetch instead.
        return {"id": table_id, "updated": None}

    def metadata(self, table_id: str, lang: str = "no") -> dict:
        key = f"{lang}/{table_id}"
        if key not in self._metadata:
            self._metadata[key] = self._get_json(f"{self.base_url}/{lang}/table/{table_id}")
        return self._metadata[key]

    def available(self, table_id: str, query: q.Query) -> tuple[dict[str, list[str]], list[str]]:
        meta = self.metadata(table_id, query.lang)
        codes = {v["code"]: [str(c) for c in v["values"]] for v in meta.get("variables", [])}
        for sel in query.selections:
            if sel.codelist and sel.variable in codes:
                codes[sel.variable] = list(sel.values)  # v0 metadata hides codelists; trust explicit codes
        times = [v["code"] for v in meta.get("variables", []) if v.get("time")]
        return codes, times

    def request_for(self, query: q.Query) -> q.HttpRequest:
        try:
            return q.v0_request(query, self.base_url)
        except QueryError:
            # v0 lacks from()/range()/?; send the explicit codes those expressions stand for.
            codes, times = self.available(query.table_id, query)
            return q.v0_request(q.expand(query, codes, times), self.base_url)


def _short(exc: Exception) -> str:
    """The operating system's reason ("Connection refused") rather than urllib3's nested retry report."""
    found = re.search(r"\[Errno -?\d+\] ([^\"'()]+)", str(exc))
    return f"{type(exc).__name__}: {found.group(1).strip()}" if found else f"{type(exc).__name__}: {exc}"


def _to_stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_client(settings, **kwargs) -> _BaseClient:
    """The client `settings.ssb_api` selects ("v2" or "v0"), pointed at the configured URL."""
    if settings.ssb_api == "v0":
        return V0Client(settings.ssb_v0_url, settings.data_dir, timeout=settings.timeout, **kwargs)
    return V2Client(settings.ssb_url, settings.data_dir, timeout=settings.timeout, **kwargs)


def body_text(body: dict | None) -> str | None:
    """The JSON text of a request body as the store records it."""
    return None if body is None else json.dumps(body, ensure_ascii=False, sort_keys=True)
