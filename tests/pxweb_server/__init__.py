"""A loopback SSB: PxWebApi 2.0 (plus the v0 POST endpoint) and KLASS, for tests and by hand.

    .venv/bin/python -m tests.pxweb_server --port 8765
    SAMFUNN_SSB_URL=http://127.0.0.1:8765/api/pxwebapi/v2 SAMFUNN_KLASS_URL=http://127.0.0.1:8765/api/klass/v1

Tables are the embedded snapshot's (real SSB figures, SSB's dimension ids), served as dense cubes; any
JSON-stat document under tests/fixtures/pxweb/ is served too. The selection logic is written
independently of samfunn_data.ssb.query on purpose: the server is the reference the client is tested
against, so it must not share the client's mistakes.

Modules: tables (cubes and the documents describing them), selection (selection expressions), answer
(the data document, json-stat2 or csv), klass (the KLASS endpoints), state (limits, rate limiter, faults,
log), routes (the HTTP handler), server (PxWebServer), __main__ (the command line).
"""

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.server import PxWebServer
from tests.pxweb_server.state import ServerState
from tests.pxweb_server.tables import Cube, load_cubes

__all__ = ["Cube", "Problem", "PxWebServer", "ServerState", "load_cubes"]
