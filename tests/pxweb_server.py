"""A loopback PxWebApi 2.0 server (plus the v0 POST endpoint) serving fixture cubes, for tests and by hand.

    .venv/bin/python -m tests.pxweb_server --port 8765
    SAMFUNN_SSB_URL=http://127.0.0.1:8765/api/pxwebapi/v2 samfunn fetch 07459 --select Region=5033 ...

Cubes are JSON-stat 2.0 documents under tests/fixtures/pxweb/ (real SSB figures; see the note in each
builder). The selection logic here is written independently of samfunn_data.ssb.query on purpose: the
server is the reference the client is tested against, so it must not share the client's mistakes.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import numpy as np

FIXTURES = Path(__file__).parent / "fixtures" / "pxweb"
V2_PREFIX = "/api/pxwebapi/v2"
V0_PREFIX = "/api/v0"


class Problem(Exception):
    """An RFC 7807 answer; `v0` switches to the legacy API's error shapes."""

    def __init__(self, status: int, title: str, detail: str = "", retry_after: int | None = None):
        super().__init__(title)
        self.status, self.title, self.detail, self.retry_after = status, title, detail, retry_after


# --- Cubes ---------------------------------------------------------------------------------------------


@dataclass
class Cube:
    doc: dict
    values: np.ndarray  # float, NaN where the document has null
    status: np.ndarray  # object, same shape, None or SSB symbol

    @classmethod
    def load(cls, path: Path) -> Cube:
        doc = json.loads(path.read_text(encoding="utf-8"))
        flat = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float)
        status = np.full(flat.size, None, dtype=object)
        for index, symbol in doc.get("status", {}).items():
            status[int(index)] = symbol
        return cls(doc, flat.reshape(doc["size"]), status.reshape(doc["size"]))

    @property
    def table_id(self) -> str:
        return self.doc["extension"]["px"]["tableid"]

    @property
    def dims(self) -> list[str]:
        return self.doc["id"]

    def codes(self, dim: str) -> list[str]:
        index = self.doc["dimension"][dim]["category"]["index"]
        return sorted(index, key=index.get)

    def label(self, dim: str, code: str) -> str:
        return self.doc["dimension"][dim]["category"]["label"][code]

    def eliminable(self, dim: str) -> bool:
        return bool(self.doc["dimension"][dim].get("extension", {}).get("elimination"))

    def is_time(self, dim: str) -> bool:
        return dim in self.doc.get("role", {}).get("time", [])

    def codelists(self) -> dict[str, dict]:
        return self.doc["extension"].get("fixture", {}).get("codelists", {})


def load_cubes(folder: Path = FIXTURES) -> dict[str, Cube]:
    cubes = [Cube.load(p) for p in sorted(folder.glob("*.json"))]
    return {c.table_id: c for c in cubes}


# --- Selections (independent of the client's implementation) ------------------------------------------


def _split_values(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [v.strip()[1:-1] if v.strip().startswith("[") else v.strip() for v in out if v.strip()]


def _pick(expr: str, codes: list[str], is_time: bool, var: str) -> list[str]:
    m = re.fullmatch(r"(?i)(top|bottom|from|to|range)\((.*)\)", expr)
    if not m:
        if "*" in expr or "?" in expr:
            rx = re.compile("^" + re.escape(expr).replace(r"\*", ".*").replace(r"\?", ".") + "$")
            return [c for c in codes if rx.match(c)]
        if expr not in codes:
            raise Problem(
                400, "Non-existent value", f"The value '{expr}' does not exist for variable '{var}'"
            )
        return [expr]
    kind, args = m.group(1).lower(), [a.strip() for a in m.group(2).split(",")]
    if kind in ("top", "bottom"):
        n, off = int(args[0]), int(args[1]) if len(args) > 1 else 0
        seq = codes[::-1] if (kind == "top") == is_time else codes
        chosen = seq[off : off + n]
        return sorted(chosen, key=codes.index)
    for a in args:
        if a not in codes:
            raise Problem(400, "Illegal selection expression", f"'{a}' in '{expr}' is not a value of '{var}'")
    lo = codes.index(args[0]) if kind in ("from", "range") else 0
    hi = codes.index(args[-1]) if kind in ("to", "range") else len(codes) - 1
    lo, hi = min(lo, hi), max(lo, hi)
    return codes[lo : hi + 1]


@dataclass
class Axis:
    """One output dimension: output codes and labels, and the source indices each one sums."""

    dim: str
    codes: list[str]
    labels: dict[str, str]
    members: list[list[int]]
    eliminated: bool = False


def _axis(cube: Cube, dim: str, values: list[str] | None, codelist: str | None, output: str | None) -> Axis:
    base = cube.codes(dim)
    if values is None:
        if not cube.eliminable(dim):
            raise Problem(
                400, "Missing selection for mandantory variable", f"Variable '{dim}' needs a selection"
            )
        return Axis(dim, [], {}, [list(range(len(base)))], eliminated=True)
    if codelist is None:
        chosen = _resolve(values, base, cube.is_time(dim), dim)
        return Axis(dim, chosen, {c: cube.label(dim, c) for c in chosen}, [[base.index(c)] for c in chosen])
    clist = cube.codelists().get(codelist)
    if clist is None or clist["variable"] != dim:
        raise Problem(
            400, "Non-existent codelist", f"Codelist '{codelist}' does not exist for variable '{dim}'"
        )
    entries = {v["code"]: v for v in clist["values"]}
    chosen = _resolve(values, list(entries), False, dim)
    if (output or "aggregated") == "single":
        singles = sorted({m for c in chosen for m in entries[c]["valueMap"]}, key=base.index)
        return Axis(
            dim, singles, {c: cube.label(dim, c) for c in singles}, [[base.index(c)] for c in singles]
        )
    members = [[base.index(m) for m in entries[c]["valueMap"]] for c in chosen]
    return Axis(dim, chosen, {c: entries[c]["label"] for c in chosen}, members)


def _resolve(values: list[str], codes: list[str], is_time: bool, var: str) -> list[str]:
    wanted = set()
    for v in values:
        wanted.update(_pick(v, codes, is_time, var))
    return [c for c in codes if c in wanted]


def _reduce(values: np.ndarray, status: np.ndarray, axis: int, members: list[list[int]]):
    """Sum the members of each output category along `axis`; all-missing stays missing."""
    out_v, out_s = [], []
    for group in members:
        part = np.take(values, group, axis=axis)
        summed = np.nansum(part, axis=axis)
        summed[np.all(np.isnan(part), axis=axis)] = np.nan
        out_v.append(summed)
        if len(group) == 1:
            out_s.append(np.take(status, group[0], axis=axis))
        else:
            out_s.append(np.where(np.isnan(summed), ".", None).astype(object))
    return np.stack(out_v, axis=axis), np.stack(out_s, axis=axis)


def answer(cube: Cube, selection: dict[str, dict], max_cells: int, too_many_status: int = 400) -> dict:
    """The JSON-stat 2.0 document for `selection` ({var: {values, codelist, output}})."""
    for var in selection:
        if var not in cube.dims:
            raise Problem(
                400, "Non-existent variable", f"The variable '{var}' does not exist in table {cube.table_id}"
            )
    axes = [
        _axis(
            cube,
            d,
            selection.get(d, {}).get("values"),
            selection.get(d, {}).get("codelist"),
            selection.get(d, {}).get("output"),
        )
        for d in cube.dims
    ]
    cells = math.prod(len(a.members) for a in axes if not a.eliminated)
    if cells > max_cells:
        raise Problem(
            too_many_status,
            "Too many cells selected",
            f"The query selects {cells} cells; the limit is {max_cells}",
        )
    values, status = cube.values, cube.status
    for i, axis in enumerate(axes):
        values, status = _reduce(values, status, i, axis.members)
    kept = [i for i, a in enumerate(axes) if not a.eliminated]
    values = values.reshape([len(axes[i].members) for i in kept])
    status = status.reshape(values.shape)
    return _document(cube, [axes[i] for i in kept], values, status)


def _document(cube: Cube, axes: list[Axis], values: np.ndarray, status: np.ndarray) -> dict:
    flat = values.ravel()
    dimension = {}
    for a in axes:
        src = cube.doc["dimension"][a.dim]
        category = {"index": {c: i for i, c in enumerate(a.codes)}, "label": a.labels}
        if "unit" in src["category"]:
            category["unit"] = {c: u for c, u in src["category"]["unit"].items() if c in a.codes}
        dimension[a.dim] = {"label": src["label"], "category": category}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": cube.doc["label"],
        "source": cube.doc["source"],
        "updated": cube.doc["updated"],
        "id": [a.dim for a in axes],
        "size": [len(a.codes) for a in axes],
        "role": {k: [d for d in v if d in dimension] for k, v in cube.doc["role"].items()},
        "dimension": dimension,
        "value": [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v)) for v in flat],
        "status": {str(i): s for i, s in enumerate(status.ravel()) if s is not None},
        "extension": {"px": {"tableid": cube.table_id}},
    }


def metadata(cube: Cube) -> dict:
    doc = {k: v for k, v in cube.doc.items() if k not in ("value", "status", "extension")}
    doc["value"] = []
    doc["dimension"] = json.loads(json.dumps(cube.doc["dimension"]))
    for cid, clist in cube.codelists().items():
        ext = doc["dimension"][clist["variable"]].setdefault("extension", {})
        ext.setdefault("codelists", []).append({"id": cid, "label": clist["label"], "type": clist["type"]})
    doc["extension"] = {"px": {"tableid": cube.table_id}}
    return doc


def table_info(cube: Cube) -> dict:
    tid = next(d for d in cube.dims if cube.is_time(d))
    periods = cube.codes(tid)
    return {
        "id": cube.table_id,
        "label": cube.doc["label"],
        "updated": cube.doc["updated"],
        "firstPeriod": periods[0],
        "lastPeriod": periods[-1],
        "variableNames": cube.dims,
        "timeUnit": "Annual",
        "discontinued": False,
        "source": cube.doc["source"],
    }


# --- State shared by the handler threads ---------------------------------------------------------------


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
    faults: deque = field(default_factory=deque)  # consumed by data requests, oldest first
    log: list = field(default_factory=list)  # (time, method, path, status)
    lock: threading.Lock = field(default_factory=threading.Lock)
    admitted: list = field(default_factory=list)  # monotonic times of every call the limiter let through
    _calls: deque = field(default_factory=deque)

    def inject(self, *faults: str) -> None:
        """Queue faults for the next data requests: '503', 'drop', 'truncate', 'short', 'slow'."""
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

    def statuses(self, path_part: str = "/data") -> list[int]:
        with self.lock:
            return [status for _t, _m, path, status in self.log if path_part in path]

    def set_updated(self, table_id: str, stamp: str) -> None:
        with self.lock:
            self.cubes[table_id].doc["updated"] = stamp


# --- HTTP ----------------------------------------------------------------------------------------------


def _v2_selection(params: dict[str, str], body: dict | None) -> dict[str, dict]:
    sel: dict[str, dict] = {}
    for key, value in params.items():
        m = re.fullmatch(r"(?i)(valuecodes|codelist|outputvalues)\[(.+)\]", key)
        if m:
            slot = {"valuecodes": "values", "codelist": "codelist", "outputvalues": "output"}[
                m.group(1).lower()
            ]
            sel.setdefault(m.group(2), {})[slot] = _split_values(value) if slot == "values" else value
    for item in (body or {}).get("selection", []):
        entry = sel.setdefault(item["variableCode"], {})
        entry["values"] = list(item.get("valueCodes", []))
        if item.get("codelist"):
            entry["codelist"] = item["codelist"]
    return sel


def _v0_selection(cube: Cube, body: dict) -> dict[str, dict]:
    sel: dict[str, dict] = {}
    for item in body.get("query", []):
        filt, values = item["selection"]["filter"], item["selection"]["values"]
        entry = sel.setdefault(item["code"], {})
        if filt == "item":
            entry["values"] = values
        elif filt == "all":
            entry["values"] = values
        elif filt == "top":
            entry["values"] = [f"top({values[0]})"]
        elif ":" in filt:
            kind, name = filt.split(":", 1)
            entry.update(
                values=values,
                codelist=f"{'vs' if kind == 'vs' else 'agg'}_{name}",
                output="single" if kind == "agg_single" else "aggregated",
            )
        else:
            raise Problem(400, "Bad request", f"The request for variable '{item['code']}' has an error.")
    for dim in cube.dims:  # v0: an omitted non-eliminable variable (e.g. Tid) means all of its values
        if dim not in sel and not cube.eliminable(dim):
            sel[dim] = {"values": ["*"]}
    return sel


class Handler(BaseHTTPRequestHandler):
    server_version = "LoopbackPxWeb/1.0"
    state: ServerState  # set on the subclass made by `make_server`

    def log_message(self, *args):  # keep test output quiet
        pass

    def do_GET(self):
        self._dispatch("GET")

    def do_POST(self):
        self._dispatch("POST")

    def _dispatch(self, method: str) -> None:
        parts = urlsplit(self.path)
        params = dict(parse_qsl(parts.query, keep_blank_values=True))
        self._method = method
        try:
            body = self._body() if method == "POST" else None
            self._route(method, parts.path.rstrip("/"), params, body)
        except Problem as p:
            self._problem(p, v0=parts.path.startswith(V0_PREFIX))
        except (ValueError, KeyError) as exc:
            self._problem(Problem(400, "Bad request", str(exc)), v0=parts.path.startswith(V0_PREFIX))

    def send_response(self, code, message=None):
        # Log before any byte goes out, so a test that got its answer always finds the call logged.
        self._record(code)
        super().send_response(code, message)

    def _record(self, status: int) -> None:
        with self.state.lock:
            self.state.log.append((time.monotonic(), self._method, urlsplit(self.path).path, status))

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        return json.loads(raw or b"{}")

    def _route(self, method, path, params, body) -> int:
        st = self.state
        low = path.lower()
        if low == f"{V2_PREFIX}/config":
            return self._json(
                200,
                {
                    "apiVersion": "2.0.0",
                    "appVersion": "loopback",
                    "languages": [{"id": "no"}],
                    "defaultLanguage": "no",
                    "maxDataCells": st.advertised_cells or st.max_cells,
                    "maxCallsPerTimeWindow": st.advertised_calls or st.max_calls,
                    "timeWindow": st.window,
                    "defaultDataFormat": "json-stat2",
                    "dataFormats": ["json-stat2"],
                },
            )
        if m := re.fullmatch(rf"(?i){V2_PREFIX}/codelists/([^/]+)", path):
            return self._codelist(m.group(1))
        if m := re.fullmatch(rf"(?i){V2_PREFIX}/tables/([^/]+)(/metadata|/data)?", path):
            st.admit()
            cube = self._cube(m.group(1))
            if m.group(2) is None:
                return self._json(200, table_info(cube))
            if m.group(2).lower() == "/metadata":
                return self._json(200, metadata(cube))
            return self._data(answer, cube, _v2_selection(params, body))
        if m := re.fullmatch(rf"(?i){V0_PREFIX}/(no|en)/table/([^/]+)", path):
            st.admit()
            cube = self._cube(m.group(2))
            if method == "GET":
                return self._json(200, _v0_metadata(cube))
            return self._data(answer, cube, _v0_selection(cube, body or {}), too_many=403)
        raise Problem(404, "Not found", f"No endpoint {path}")

    def _cube(self, table_id: str) -> Cube:
        cube = self.state.cubes.get(table_id)
        if cube is None:
            raise Problem(404, "Non-existent table", f"The table '{table_id}' does not exist")
        return cube

    def _codelist(self, cid: str) -> int:
        for cube in self.state.cubes.values():
            if cid in cube.codelists():
                c = cube.codelists()[cid]
                return self._json(
                    200, {"id": cid, "label": c["label"], "type": c["type"], "values": c["values"]}
                )
        raise Problem(404, "Non-existent codelist", f"The codelist '{cid}' does not exist")

    def _data(self, fn, cube: Cube, selection: dict, too_many: int | None = None) -> int:
        st = self.state
        doc = fn(cube, selection, st.max_cells, too_many or st.too_many_status)
        payload = json.dumps(doc, ensure_ascii=False).encode()
        return self._deliver(payload, st.next_fault())

    def _deliver(self, payload: bytes, fault: str | None) -> int:
        if fault == "503":
            raise Problem(503, "Service unavailable", "injected fault")
        if fault == "drop":
            self._record(0)
            self.close_connection = True
            return 0
        if fault == "truncate":
            payload = payload[: len(payload) // 2]
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if fault == "short":
            self.wfile.write(payload[: len(payload) // 2])
            self.close_connection = True
        elif fault == "slow":
            chunks = [
                payload[i : i + max(1, len(payload) // 10)]
                for i in range(0, len(payload), max(1, len(payload) // 10))
            ]
            for chunk in chunks:
                self.wfile.write(chunk)
                self.wfile.flush()
                time.sleep(self.state.slow_seconds / len(chunks))
        else:
            self.wfile.write(payload)
        return 200

    def _json(self, status: int, doc: dict) -> int:
        payload = json.dumps(doc, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=UTF-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        return status

    def _problem(self, p: Problem, v0: bool = False) -> None:
        if v0 and p.status in (400, 403):
            doc, ctype = {"error": f"{p.title}: {p.detail}"}, "application/json; charset=UTF-8"
        else:
            doc = {
                "type": "about:blank",
                "title": p.title,
                "status": p.status,
                "detail": p.detail,
                "instance": self.path,
            }
            ctype = "application/problem+json; charset=UTF-8"
        payload = json.dumps(doc).encode()
        self.send_response(p.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if p.retry_after is not None:
            self.send_header("Retry-After", str(p.retry_after))
        self.end_headers()
        self.wfile.write(payload)


def _v0_metadata(cube: Cube) -> dict:
    return {
        "title": cube.doc["label"],
        "variables": [
            {
                "code": d,
                "text": cube.doc["dimension"][d]["label"],
                "values": cube.codes(d),
                "valueTexts": [cube.label(d, c) for c in cube.codes(d)],
                "elimination": cube.eliminable(d),
                "time": cube.is_time(d),
            }
            for d in cube.dims
        ],
    }


# --- Running -------------------------------------------------------------------------------------------


class PxWebServer:
    """Owns a ThreadingHTTPServer on 127.0.0.1 in a daemon thread. `start()` binds; nothing at init."""

    def __init__(self, state: ServerState | None = None, port: int = 0):
        self.state = state or ServerState()
        self.port = port
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> PxWebServer:
        handler = type("BoundHandler", (Handler,), {"state": self.state})
        self._httpd = ThreadingHTTPServer(("127.0.0.1", self.port), handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            daemon=True,
            name=f"pxweb-{self.port}",
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._thread.join(timeout=5)
            self._httpd = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{V2_PREFIX}"

    @property
    def v0_url(self) -> str:
        return f"http://127.0.0.1:{self.port}{V0_PREFIX}"

    def __enter__(self) -> PxWebServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Loopback PxWebApi 2.0 server with fixture tables")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-cells", type=int, default=800_000)
    parser.add_argument("--calls", type=int, default=30, help="calls allowed per time window")
    parser.add_argument("--window", type=float, default=60.0, help="time window in seconds")
    args = parser.parse_args(argv)
    state = ServerState(max_cells=args.max_cells, max_calls=args.calls, window=args.window)
    server = PxWebServer(state, args.port).start()
    print(f"PxWebApi 2.0 at {server.url}  (v0 at {server.v0_url}); tables: {', '.join(state.cubes)}")
    print(f"export SAMFUNN_SSB_URL={server.url} SAMFUNN_SSB_V0_URL={server.v0_url}   # Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
