"""Run the loopback server by hand: python -m tests.pxweb_server --port 8765 [--max-cells N ...]."""

from __future__ import annotations

import argparse
import time

from tests.pxweb_server.server import PxWebServer
from tests.pxweb_server.state import ServerState


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.pxweb_server", description="Loopback PxWebApi 2.0 server with fixture tables"
    )
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--max-cells", type=int, default=800_000)
    parser.add_argument("--calls", type=int, default=30, help="calls allowed per time window")
    parser.add_argument("--window", type=float, default=60.0, help="time window in seconds")
    args = parser.parse_args(argv)
    state = ServerState(max_cells=args.max_cells, max_calls=args.calls, window=args.window)
    server = PxWebServer(state, args.port).start()
    print(f"PxWebApi 2.0 at {server.url}  (v0 at {server.v0_url}); tables: {', '.join(state.cubes)}")
    klass = server.url.replace("/api/pxwebapi/v2", "/api/klass/v1")
    print(f"export SAMFUNN_SSB_URL={server.url} SAMFUNN_KLASS_URL={klass}   # Ctrl-C stops")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
