"""The HTTP handler: PxWebApi 2.0, v0 and KLASS routes, SSB's error bodies, fault injection.

SSB's answers reproduced here (measured by janbrus/pxwebapi-skills, `references/troubleshooting.md` and
`api-details.md`; PxTools/PxApiSpecs `PxAPI-2.yml`): problem bodies `{"type": "Parameter error", "title":
..., "status": 400}` without `detail` (only "Too many cells selected" repeats its title as detail); an
unknown table is 404 on `/tables/{id}` and `/metadata` but 400 on `/data`; a GET URL longer than about
2,100 characters is 404; `lang` is `no` or `en` (else 400 "Unsupported language"); 429 is plain text with
Retry-After.
"""

from __future__ import annotations

import json
import re
import time
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qsl, urlsplit

from tests.pxweb_server.answer import answer, to_csv
from tests.pxweb_server.klass import klass_answer
from tests.pxweb_server.problem import Problem
from tests.pxweb_server.selection import default_selection, v0_selection, v2_selection
from tests.pxweb_server.state import ServerState
from tests.pxweb_server.tables import ENGLISH, Cube, metadata, table_info, v0_metadata

V2_PREFIX = "/api/pxwebapi/v2"
V0_PREFIX = "/api/v0"
KLASS_PREFIX = "/api/klass/v1"
MAX_URL = 2100  # SSB answers 404 to a longer GET URL (2,092 characters worked, 2,142 did not)
LANGUAGES = ("no", "en")
FORMATS = ("json-stat2", "csv")


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
            if method == "GET" and len(f"http://127.0.0.1:{self.server.server_port}{self.path}") > MAX_URL:
                raise Problem(404, "Not Found")
            body = self._body() if method == "POST" else None
            if parts.path.lower().startswith(KLASS_PREFIX):
                self.state.admit()
                status, doc = klass_answer(parts.path[len(KLASS_PREFIX) :], params)
                self._json(status, doc)
                return
            self._route(method, parts.path.rstrip("/"), params, body)
        except Problem as p:
            self._problem(p, v0=parts.path.startswith(V0_PREFIX))
        except (ValueError, KeyError) as exc:
            self._problem(Problem(400, "Bad request", str(exc)), v0=parts.path.startswith(V0_PREFIX))

    def end_headers(self):
        # SSB announces its limit on every answer (x-ratelimit-policy "40;w=60s" measured in
        # janbrus/pxwebapi-skills, references/api-details.md); the loopback's own limit is announced alike.
        st = self.state
        self.send_header("x-ratelimit-limit", str(st.max_calls))
        self.send_header("x-ratelimit-policy", f"{st.max_calls};w={st.window:g}s")
        self.send_header("x-ratelimit-remaining", str(st.remaining()))
        super().end_headers()

    def send_response(self, code, message=None):
        # Log before any byte goes out, so a test that got its answer always finds the call logged.
        self._record(code)
        super().send_response(code, message)

    def _record(self, status: int) -> None:
        parts = urlsplit(self.path)
        with self.state.lock:
            self.state.log.append((time.monotonic(), self._method, parts.path, status))
            self.state.queries.append((parts.path, parts.query))

    def _body(self) -> dict:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b"{}"
        return json.loads(raw or b"{}")

    def _route(self, method, path, params, body) -> int:
        st = self.state
        low = path.lower()
        lang = {k.lower(): v for k, v in params.items()}.get("lang", "no")
        if low.startswith(V2_PREFIX.lower()) and lang not in LANGUAGES:
            raise Problem(400, "Unsupported language")
        if low == f"{V2_PREFIX}/config":
            return self._json(
                200,
                {
                    "apiVersion": "2.0.0",
                    "appVersion": "loopback",
                    "languages": [{"id": "no", "label": "Norsk"}, {"id": "en", "label": "English"}],
                    "defaultLanguage": "no",
                    "maxDataCells": st.advertised_cells or st.max_cells,
                    "maxCallsPerTimeWindow": st.advertised_calls or st.max_calls,
                    "timeWindow": st.window,
                    "defaultDataFormat": "json-stat2",
                    "dataFormats": list(FORMATS),
                },
            )
        if m := re.fullmatch(rf"(?i){V2_PREFIX}/codelists/([^/]+)", path):
            return self._codelist(m.group(1), lang)
        if low == f"{V2_PREFIX}/tables":
            st.admit()
            return self._json(200, table_list(st.cubes, params, lang))
        if m := re.fullmatch(rf"(?i){V2_PREFIX}/tables/([^/]+)(/metadata|/data)?", path):
            st.admit()
            kind = (m.group(2) or "").lower()
            cube = self._cube(m.group(1), 400 if kind == "/data" else 404)
            if not kind:
                return self._json(200, table_info(cube, lang))
            if kind == "/metadata":
                return self._json(200, in_language(metadata(cube), lang))
            fmt = {k.lower(): v for k, v in params.items()}.get("outputformat", "json-stat2")
            if fmt.lower() not in FORMATS:
                raise Problem(400, "Unsupported output format")
            selection = v2_selection(params, body) or default_selection(cube)
            return self._data(answer, cube, selection, fmt=fmt.lower(), lang=lang)
        if m := re.fullmatch(rf"(?i){V0_PREFIX}/(no|en)/table/([^/]+)", path):
            st.admit()
            cube = self._cube(m.group(2), 404)
            if method == "GET":
                return self._json(200, v0_metadata(cube))
            return self._data(answer, cube, v0_selection(cube, body or {}), too_many=403)
        raise Problem(404, "Not Found")

    def _cube(self, table_id: str, status: int) -> Cube:
        cube = self.state.cubes.get(table_id)
        if cube is None:
            raise Problem(status, "Non-existent table")
        return cube

    def _codelist(self, cid: str, lang: str) -> int:
        for cube in self.state.cubes.values():
            if cid in cube.codelists():  # codelist ids are case-sensitive at SSB
                c = cube.codelists()[cid]
                doc = {"id": cid, "label": c["label"], "language": lang, "type": c["type"]}
                return self._json(200, doc | {"values": c["values"], "links": []})
        raise Problem(404, "Non-existent codelist")

    def _data(self, fn, cube: Cube, selection: dict, too_many=None, fmt="json-stat2", lang="no") -> int:
        st = self.state
        doc = in_language(fn(cube, selection, st.max_cells, too_many or st.too_many_status), lang)
        if fmt == "csv":
            return self._deliver(to_csv(doc).encode("utf-8"), st.next_fault(), "text/csv; charset=UTF-8")
        payload = json.dumps(doc, ensure_ascii=False).encode()
        return self._deliver(payload, st.next_fault())

    def _deliver(self, payload: bytes, fault: str | None, ctype="application/json; charset=UTF-8") -> int:
        if fault == "503":
            raise Problem(503, "Service unavailable", "injected fault")
        if fault == "drop":
            self._record(0)
            self.close_connection = True
            return 0
        if fault == "truncate":
            payload = payload[: len(payload) // 2]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
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
        if p.status == 429:  # SSB's limiter answers in plain text, not problem+json
            payload, ctype = (p.detail or p.title).encode(), "text/plain; charset=utf-8"
        elif v0 and p.status in (400, 403):
            doc, ctype = {"error": f"{p.title}: {p.detail}"}, "application/json; charset=UTF-8"
            payload = json.dumps(doc).encode()
        else:
            doc = {
                "type": "Parameter error" if p.status == 400 else p.title,
                "title": p.title,
                "status": p.status,
            }
            if p.title == "Too many cells selected":
                doc["detail"] = p.title
            payload = json.dumps(doc).encode()
            ctype = "application/problem+json; charset=utf-8"
        self.send_response(p.status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(payload)))
        if p.retry_after is not None:
            self.send_header("Retry-After", str(p.retry_after))
        self.end_headers()
        self.wfile.write(payload)


def in_language(doc: dict, lang: str) -> dict:
    """The document in `lang`, as far as the loopback has the words, and saying where it has not.

    SSB answers `lang=en` with English labels throughout and `extension.px.language` "en" (PxWebApi's
    `DatasetMapper` calls `AddLanguage`, PxWeb/Models/Api2/DatasetSubclass.cs). The loopback has SSB's
    English variable labels (`tables.ENGLISH`) but no English title or value labels (the snapshot holds
    SSB's Norwegian ones), and it does not invent them: they stay Norwegian, and
    `extension.loopback.untranslated` names them (the table label and, per variable, its value labels,
    plus any variable label it has no English for), so a test can tell the loopback's gap from SSB's answer.
    """
    doc.setdefault("extension", {}).setdefault("px", {})["language"] = lang
    if lang == "en":
        untranslated = ["label"] if "label" in doc else []
        for did, dim in doc.get("dimension", {}).items():
            if dim["label"] in ENGLISH:
                dim["label"] = ENGLISH[dim["label"]]
            else:
                untranslated.append(f"{did}.label")
            untranslated.append(f"{did}.category.label")
        doc["extension"]["loopback"] = {"untranslated": untranslated}
    return doc


def table_list(cubes: dict[str, Cube], params: dict[str, str], lang: str) -> dict:
    """`GET /tables`: search words (any, in id or label), `pastDays`, paging (pageSize, pageNumber)."""
    args = {k.lower(): v for k, v in params.items()}
    try:
        size = int(args.get("pagesize", 20))
        number = int(args.get("pagenumber", 1))
        past = int(args["pastdays"]) if args.get("pastdays") else None
    except ValueError:
        raise Problem(400, "Bad request") from None
    if size < 1 or number < 1:
        raise Problem(400, "Bad request")
    words = [w.lower() for w in re.split(r"\s+", args.get("query", "")) if w]
    now = datetime.now(UTC)
    found = []
    for tid in sorted(cubes):
        info = table_info(cubes[tid], lang)
        text = f"{info['id']} {info['label']}".lower()
        if words and not any(w in text for w in words):
            continue
        if past is not None:
            updated = datetime.fromisoformat(info["updated"].replace("Z", "+00:00"))
            if updated < now - timedelta(days=past):
                continue
        found.append(info)
    pages = max(1, -(-len(found) // size))
    return {
        "language": lang,
        "tables": found[(number - 1) * size : number * size],
        "page": {"pageNumber": number, "pageSize": size, "totalElements": len(found), "totalPages": pages},
        "links": [],
    }
