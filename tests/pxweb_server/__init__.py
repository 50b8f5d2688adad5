"""A loopback PxWebApi 2.0 server (plus the v0 POST endpoint) serving fixture cubes, for tests and by hand.

    .venv/bin/python -m tests.pxweb_server --port 8765
    SAMFUNN_SSB_URL=http://127.0.0.1:8765/api/pxwebapi/v2 samfunn fetch 07459 --select Region=5033 ...

Cubes are JSON-stat 2.0 documents under tests/fixtures/pxweb/ (real SSB figures; see the note in each
builder). The selection logic is written independently of samfunn_data.ssb.query on purpose: the
server is the reference the client is tested against, so it must not share the client's mistakes.

Modules: tables (fixture cubes and the documents describing them), selection (selection expressions),
answer (the data document), state (limits, rate limiter, faults, log), routes (the HTTP handler),
server (PxWebServer), __main__ (the command line).
"""

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.server import PxWebServer
from tests.pxweb_server.state import ServerState
from tests.pxweb_server.tables import Cube, load_cubes

__all__ = ["Cube", "Problem", "PxWebServer", "ServerState", "load_cubes"]
