"""Running the loopback server: a ThreadingHTTPServer on 127.0.0.1 in a daemon thread."""

from __future__ import annotations

import threading
from http.server import ThreadingHTTPServer

from tests.pxweb_server.routes import V0_PREFIX, V2_PREFIX, Handler
from tests.pxweb_server.state import ServerState


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
