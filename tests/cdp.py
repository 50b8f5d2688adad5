"""A small Chrome DevTools Protocol client for the browser test: headless Chromium, one page, events.

Drives Debian's `chromium` over its DevTools websocket on 127.0.0.1 (websocket-client; no browser
download, no chromedriver). Every wait is bounded.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

# Chromium's sockets are outside the Python network guard (tests/test_network_guard.py), so the browser
# itself is kept offline: nothing in the background, and no host name resolves except localhost.
from samfunn_data.reports.chromium import OFFLINE_FLAGS  # noqa: E402  (one list for both browsers)

FLAGS = [*OFFLINE_FLAGS, "--hide-scrollbars", "--remote-debugging-port=0", "--remote-allow-origins=*"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def check_local_url(url: str) -> str:
    """`url` if it is a file, about: page or on loopback; ValueError otherwise (tests stay offline)."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme in ("file", "about") or (parts.scheme in ("http", "https", "ws")
                                             and parts.hostname in LOCAL_HOSTS):
        return url
    raise ValueError(f"the test browser opens only local pages (file:// or loopback), not {url!r}")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """Headless Chromium with one page; use as a context manager."""

    def __init__(self, timeout: float = 30.0):
        self.timeout = timeout
        self.events: list[dict] = []
        self._ids = itertools.count(1)

    def __enter__(self) -> Browser:
        import websocket

        self._profile = tempfile.mkdtemp(prefix="samfunn-chromium-")
        cmd = [chromium_path(), *FLAGS, f"--user-data-dir={self._profile}", "about:blank"]
        self._proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        port = self._port()
        deadline = time.monotonic() + self.timeout
        while True:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5) as resp:
                pages = [t for t in json.load(resp) if t.get("type") == "page"]
            if pages or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        self._ws = websocket.create_connection(pages[0]["webSocketDebuggerUrl"], timeout=self.timeout)
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable")
        return self

    def _port(self) -> int:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            line = self._proc.stderr.readline()
            match = re.search(r"DevTools listening on ws://127\.0\.0\.1:(\d+)/", line or "")
            if match:
                return int(match.group(1))
            if not line and self._proc.poll() is not None:
                break
        raise RuntimeError("chromium did not open its DevTools port")

    def __exit__(self, *exc) -> None:
        try:
            self._ws.close()
        finally:
            self._proc.kill()
            self._proc.wait(timeout=10)
            shutil.rmtree(self._profile, ignore_errors=True)

    def send(self, method: str, **params) -> dict:
        """Send a command and return its result; events that arrive meanwhile are kept in `events`."""
        msg_id = next(self._ids)
        self._ws.send(json.dumps({"id": msg_id, "method": method, "params": params}))
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            msg = json.loads(self._ws.recv())
            if msg.get("id") == msg_id:
                if "error" in msg:
                    raise RuntimeError(f"{method}: {msg['error']}")
                return msg.get("result", {})
            self.events.append(msg)
        raise TimeoutError(method)

    def wait_for(self, event: str) -> dict:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            for msg in self.events:
                if msg.get("method") == event:
                    self.events.remove(msg)
                    return msg
            self.events.append(json.loads(self._ws.recv()))
        raise TimeoutError(event)

    def open(self, url: str, width: int = 1000, height: int = 1400) -> None:
        self.send("Emulation.setDeviceMetricsOverride", width=width, height=height, deviceScaleFactor=1,
                  mobile=False)
        self.events.clear()
        self.send("Page.navigate", url=check_local_url(url))
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and failed loads seen so far."""
        out = []
        for msg in self.events:
            method, params = msg.get("method"), msg.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") == "error":
                args = params.get("args", [])
                out.append(" ".join(str(a.get("value", a.get("description"))) for a in args))
            elif method == "Runtime.exceptionThrown":
                out.append(params["exceptionDetails"].get("text", "exception"))
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                out.append(params["entry"].get("text", "error"))
        return out

    def screenshot(self, path: Path) -> Path:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(data))
        return path

    def pdf(self) -> bytes:
        """Print the page as the browser would on A4 (uses the page's print CSS)."""
        result = self.send("Page.printToPDF", paperWidth=8.27, paperHeight=11.69, preferCSSPageSize=True,
                           printBackground=True)
        return base64.b64decode(result["data"])
