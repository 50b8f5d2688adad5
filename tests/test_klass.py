"""KLASS client against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

import pytest

from samfunn_data.config import get_settings
from samfunn_data.errors import (
    MunicipalityChangedError,
    OfflineError,
    ParseError,
    SsbApiError,
    UnknownMunicipalityError,
)
from samfunn_data.facts import municipalities
from samfunn_data.ssb import klass

# The shape of KLASS `changes` answers. The first two rows are real changes; 9998 is a made-up code so
# the test can see the refreshed file being used (no real change is missing from the snapshot).
CHANGES = {
    "codeChanges": [
        {
            "oldCode": "1850",
            "oldName": "Tysfjord",
            "newCode": "1806",
            "newName": "Narvik",
            "changeOccurred": "2020-01-01",
        },
        {
            "oldCode": "1850",
            "oldName": "Tysfjord",
            "newCode": "1875",
            "newName": "Hamarøy",
            "changeOccurred": "2020-01-01",
        },
        {
            "oldCode": "9998",
            "oldName": "Testkommune",
            "newCode": "1835",
            "newName": "Træna",
            "changeOccurred": "2030-01-01",
        },
    ]
}
CORRESPONDENCE = {
    "correspondenceItems": [
        {"sourceCode": "5033", "sourceName": "Tydal", "targetCode": "06", "targetName": "Minst sentrale"}
    ]
}


class Handler(BaseHTTPRequestHandler):
    requests_seen: list = []

    def log_message(self, *args):  # keep test output quiet
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json"):
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        url = urlparse(self.path)
        Handler.requests_seen.append((url.path, parse_qs(url.query), self.headers.get("Accept")))
        mode = self.server.mode
        if mode == "slow":
            time.sleep(1.0)
        if mode == "notfound" or not url.path.startswith("/classifications/131/"):
            self._send(404, b"Classification not found with id = 999", "text/plain")
        elif mode == "html":
            self._send(200, b"<html>maintenance</html>", "text/html")
        elif mode == "wrong":
            self._send(200, json.dumps({"something": []}).encode())
        elif url.path.endswith("/changes"):
            self._send(200, json.dumps(CHANGES, ensure_ascii=False).encode())
        elif url.path.endswith("/correspondsAt"):
            self._send(200, json.dumps(CORRESPONDENCE).encode())
        else:
            self._send(404, b"unknown", "text/plain")


@pytest.fixture
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.mode = "ok"
    Handler.requests_seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


@pytest.fixture
def settings(server, tmp_path, monkeypatch):
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SAMFUNN_KLASS_URL", f"http://127.0.0.1:{server.server_port}")
    monkeypatch.setenv("SAMFUNN_TIMEOUT", "5")
    return get_settings()


def test_refresh_stores_the_changes_and_the_registry_uses_them(server, settings):
    with pytest.raises(UnknownMunicipalityError) as before:  # the made-up code is unknown before
        municipalities.lookup("9998")
    assert not isinstance(before.value, MunicipalityChangedError)
    path, count = klass.refresh_changes(settings)
    assert count == 3 and path == settings.store_dir / "klass" / "131-changes.json"
    stored = json.loads(path.read_text(encoding="utf-8"))
    assert stored["response"] == CHANGES and stored["url"].startswith("http://127.0.0.1")
    route, params, accept = Handler.requests_seen[-1]
    assert route == "/classifications/131/changes" and params["includeFuture"] == ["true"]
    assert params["from"] == ["1900-01-01"] and accept == "application/json"
    with pytest.raises(MunicipalityChangedError) as info:
        municipalities.lookup("9998")
    assert [m.code for m in info.value.successors] == ["1835"] and info.value.year == 2030
    assert klass.stored_changes(settings).loc[0, "oldCode"] == "1850"


def test_correspondence_to_centrality(server, settings):
    path = klass.refresh_centrality(settings, date="2024-01-01")
    frame = klass.parse_correspondence(json.loads(path.read_text(encoding="utf-8"))["response"])
    assert frame.loc[0, "targetCode"] == "06"
    route, params, _accept = Handler.requests_seen[-1]
    assert route == "/classifications/131/correspondsAt"
    assert params == {"targetClassificationId": ["128"], "date": ["2024-01-01"]}


@pytest.mark.parametrize(
    "mode,error,message",
    [
        ("notfound", SsbApiError, "404.*Classification not found"),
        ("html", ParseError, "not JSON"),
        ("wrong", ParseError, "no codeChanges"),
    ],
)
def test_bad_answers_keep_what_was_stored(server, settings, mode, error, message):
    path, _count = klass.refresh_changes(settings)
    before = path.read_bytes()
    server.mode = mode
    with pytest.raises(error, match=message):
        klass.refresh_changes(settings)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary file left behind


def test_unreachable_server_is_offline(tmp_path, monkeypatch):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = klass.KlassClient(f"http://127.0.0.1:{port}", timeout=2)
    with pytest.raises(OfflineError, match="cannot be reached"):
        client.changes()


def test_slow_server_times_out(server):
    server.mode = "slow"
    client = klass.KlassClient(f"http://127.0.0.1:{server.server_port}", timeout=0.2)
    with pytest.raises(OfflineError, match="Timeout"):
        client.changes()


def test_damaged_stored_file_is_reported(settings):
    path = klass.stored_changes_path(settings)
    path.parent.mkdir(parents=True)
    path.write_text('{"response": {"codeChanges": [{"oldCode": "1850"', encoding="utf-8")
    with pytest.raises(ParseError, match="damaged"):
        klass.stored_changes(settings)
    assert klass.stored_changes(get_settings(data_dir=settings.data_dir / "elsewhere")) is None


def test_command_refresh_when_klass_is_down_keeps_working(tmp_path, monkeypatch, capsys):
    from samfunn_data.cli import main

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SAMFUNN_KLASS_URL", f"http://127.0.0.1:{port}")
    assert main(["municipalities", "--refresh-klass", "--network"]) == 1
    assert "cannot be reached" in capsys.readouterr().err
    assert main(["municipalities", "--network"]) == 0  # the snapshot still answers
    assert "5033" in capsys.readouterr().out


def test_command_refresh_stores_changes(server, settings, capsys):
    from samfunn_data.cli import main

    assert main(["municipalities", "--refresh-klass", "--county", "18", "--small", "--year", "2024"]) == 0
    captured = capsys.readouterr()
    assert "lagret 3 endringer i kommunenumre" in captured.err and "1835" in captured.out
    assert klass.stored_changes_path(settings).is_file()
