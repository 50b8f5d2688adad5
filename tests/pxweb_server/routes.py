"""The HTTP handler: PxWebApi 2.0 and v0 routes, error bodies (RFC 7807 or v0 shapes), fault injection."""

from __future__ import annotations

import json
import re
import time
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.pxweb_server.answer import answer
from tests.pxweb_server.problem import Problem
from tests.pxweb_server.selection import v0_selection, v2_selection
from tests.pxweb_server.state import ServerState
from tests.pxweb_server.tables import Cube, metadata, table_info, v0_metadata

V2_PREFIX = "/api/pxwebapi/v2"
V0_PREFIX = "/api/v0"


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
            return self._data(answer, cube, v2_selection(params, body))
        if m := re.fullmatch(rf"(?i){V0_PREFIX}/(no|en)/table/([^/]+)", path):
            st.admit()
            cube = self._cube(m.group(2))
            if method == "GET":
                return self._json(200, v0_metadata(cube))
            return self._data(answer, cube, v0_selection(cube, body or {}), too_many=403)
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
        elif fault == "drip":
            self._drip(payload)
        else:
            self.wfile.write(payload)
        return 200

    def _drip(self, payload: bytes) -> None:
        """One byte at a time, each well within any per-read timeout: only an overall deadline ends it."""
        try:
            for i in range(len(payload)):
                self.wfile.write(payload[i : i + 1])
                self.wfile.flush()
                time.sleep(self.state.drip_seconds)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up, as it should

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
