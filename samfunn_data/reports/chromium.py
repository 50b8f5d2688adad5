"""Print-ready PDF and PNG of a local HTML page with headless Chromium (DevTools protocol over a pipe).

Why Chromium: the HTML report is already checked in Chromium (tests/test_browser.py; `.ci/run` installs
Debian's `chromium`), so the PDF is what that browser prints; WeasyPrint would be a second renderer with
its own CSS support to keep in step. The DevTools protocol is spoken over ``--remote-debugging-pipe``
(file descriptors 3 and 4): no port is opened, so nothing else on the machine can drive the browser, and no
websocket library is needed at run time. The browser only opens file:// pages and runs with the same offline
flags as the tests (no background networking; no host name resolves).
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import html
import itertools
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from samfunn_data.errors import ReportError

INSTALL_HINT = "PDF krever Chromium: installer det med `apt-get install chromium` (Debian/Ubuntu)."
OFFLINE_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
    "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection", "--disable-default-apps",
    "--disable-extensions", "--disable-breakpad", "--no-pings", "--dns-prefetch-disable",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost",
]
A4 = {"paperWidth": 8.27, "paperHeight": 11.69}  # inches
TIMEOUT = 60.0


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def require() -> str:
    """The Chromium executable, or ReportError with one line on how to install it."""
    path = chromium_path()
    if not path:
        raise ReportError(INSTALL_HINT)
    return path


def footer_template(text: str) -> str:
    """A footer with ``text`` and "side N av M" (Chromium fills the pageNumber and totalPages spans)."""
    return ('<div style="font-size:8px;width:100%;padding:0 12mm;display:flex;justify-content:space-between;'
            f'font-family:sans-serif;color:#555"><span>{html.escape(text)}</span>'
            '<span>side <span class="pageNumber"></span> av <span class="totalPages"></span></span></div>')


class Browser:
    """Headless Chromium with one page, driven over the DevTools pipe; use as a context manager."""

    def __init__(self, timeout: float = TIMEOUT):
        self.timeout = timeout
        self._ids = itertools.count(1)
        self._buffer = b""

    def __enter__(self) -> Browser:
        exe = require()
        self._profile = tempfile.mkdtemp(prefix="samfunn-chromium-")
        to_child, self._write = os.pipe()   # the browser reads commands on fd 3
        self._read, from_child = os.pipe()  # and writes replies on fd 4
        # Copies above 3 and 4 (close-on-exec), so that putting them on 3 and 4 in the child cannot
        # overwrite one with the other, whatever numbers the pipes got in this process.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10) for fd in (to_child, from_child)]

        def _fds() -> None:  # in the child, before exec: dup2 makes 3 and 4 inheritable
            os.dup2(high[0], 3)
            os.dup2(high[1], 4)

        cmd = [exe, *OFFLINE_FLAGS, "--remote-debugging-pipe", f"--user-data-dir={self._profile}"]
        try:
            # close_fds=False: Python would close 3 and 4 after preexec_fn; every other descriptor of
            # this process is close-on-exec (Python's default), so the browser inherits nothing else.
            self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                          stderr=subprocess.DEVNULL, close_fds=False, preexec_fn=_fds)
        finally:
            for fd in (to_child, from_child, *high):
                os.close(fd)
        try:
            target = self.send("Target.createTarget", url="about:blank")["targetId"]
            self._session = self.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
            self.send("Page.enable", session=True)
        except BaseException:
            self.__exit__()  # never leave a browser behind
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            os.close(self._write)
            os.close(self._read)
        finally:
            self._proc.kill()
            self._proc.wait(timeout=10)
            shutil.rmtree(self._profile, ignore_errors=True)

    def _message(self, deadline: float) -> dict:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise ReportError("Chromium svarte ikke i tide")
            chunk = os.read(self._read, 1 << 20)
            if not chunk:
                raise ReportError("Chromium stoppet uventet")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def send(self, method: str, session: bool = False, **params) -> dict:
        """Send a command (to the page's session when ``session``) and return its result."""
        msg_id = next(self._ids)
        msg = {"id": msg_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = self._session
        os.write(self._write, json.dumps(msg).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._message(deadline)
            if reply.get("id") == msg_id:
                if "error" in reply:
                    raise ReportError(f"Chromium: {method}: {reply['error'].get('message')}")
                return reply.get("result", {})
            if reply.get("method") == "Page.loadEventFired":
                self._loaded = True

    def open(self, path: Path, width: int = 1000, height: int = 1400) -> None:
        """Open a local file and wait for its load event."""
        self.send("Emulation.setDeviceMetricsOverride", session=True, width=width, height=height,
                  deviceScaleFactor=1, mobile=False)
        self._loaded = False
        self.send("Page.navigate", session=True, url=Path(path).resolve().as_uri())
        deadline = time.monotonic() + self.timeout
        while not self._loaded:
            if self._message(deadline).get("method") == "Page.loadEventFired":
                break

    def pdf(self, footer: str) -> bytes:
        """The open page printed on A4 with ``footer`` and page numbers at the foot of every page."""
        result = self.send("Page.printToPDF", session=True, **A4, printBackground=True,
                           displayHeaderFooter=True, headerTemplate="<span></span>",
                           footerTemplate=footer_template(footer), marginTop=0.5, marginBottom=0.6,
                           marginLeft=0.5, marginRight=0.5)
        return base64.b64decode(result["data"])

    def png(self, scale: float = 2.0) -> bytes:
        """A screenshot of the whole page (``scale`` times CSS pixels: sharp on a projector)."""
        metrics = self.send("Page.getLayoutMetrics", session=True)["cssContentSize"]
        clip = {"x": 0, "y": 0, "width": metrics["width"], "height": metrics["height"], "scale": scale}
        result = self.send("Page.captureScreenshot", session=True, format="png", clip=clip,
                           captureBeyondViewport=True)
        return base64.b64decode(result["data"])


_warm: dict[str, Browser | None] = {"browser": None}


def warm_browser() -> Browser:
    """This process's Chromium, started on first use and kept for the next report (like the runner's warm
    kernel): starting one costs 1–2 s per report. `stop_warm` ends it; a browser that has died is replaced."""
    browser = _warm["browser"]
    if browser is None or browser._proc.poll() is not None:
        stop_warm()
        _warm["browser"] = Browser().__enter__()
    return _warm["browser"]


def stop_warm() -> None:
    """Stop this process's warm Chromium, if any (idempotent)."""
    browser, _warm["browser"] = _warm["browser"], None
    if browser is not None:
        browser.__exit__()


def html_to_pdf(page: Path, out: Path, footer: str, browser: Browser | None = None) -> Path:
    """Print a local HTML page to a PDF at ``out`` (A4, ``footer`` and page numbers on every page).

    ``browser``: an open `Browser` to use (starting Chromium takes about a second); else one is started.
    """
    from samfunn_data.files import atomic_write

    with contextlib.nullcontext(browser) if browser else Browser() as chosen:
        chosen.open(page)
        atomic_write(Path(out), chosen.pdf(footer))
    return Path(out)
