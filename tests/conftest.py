"""Shared fixtures. Tests are offline: any attempt to reach a non-loopback address fails the test.

The guard (tests/netguard/samfunn_netguard.py, an audit hook) is installed here in the pytest process and,
through tests/netguard/sitecustomize.py placed first on PYTHONPATH, in every Python process the tests
start: CLI subprocesses, report workers, papermill's kernels. Each refusal is also written to a session
log; a test during which any process wrote to it fails, even if the code under test swallowed the error.
What the guard cannot see, and how that is kept on loopback: tests/test_network_guard.py.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

GUARD_DIR = Path(__file__).resolve().parent / "netguard"
if str(GUARD_DIR) not in sys.path:
    sys.path.append(str(GUARD_DIR))  # the pytest process imports the same module its children load

import samfunn_netguard  # noqa: E402
from samfunn_netguard import NetworkAccessError  # noqa: E402,F401  (tests import it from here)

# Loopback PxWeb server fixtures (pxweb, ssb_settings, live_ssb, client, v0_client).
from tests.pxweb_fixtures import client, live_ssb, pxweb, ssb_settings, v0_client  # noqa: E402,F401


def _guard_children() -> Path:
    """Put the guard on every child's PYTHONPATH and give them (and us) a log of refusals."""
    paths = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p and p != str(GUARD_DIR)]
    os.environ["PYTHONPATH"] = os.pathsep.join([str(GUARD_DIR), *paths])
    fd, name = tempfile.mkstemp(prefix="samfunn-netguard-", suffix=".log")
    os.close(fd)
    os.environ[samfunn_netguard.LOG_ENV] = name
    return Path(name)


GUARD_LOG = _guard_children()
samfunn_netguard.install()


def pytest_sessionfinish(session, exitstatus):
    GUARD_LOG.unlink(missing_ok=True)


@pytest.fixture(autouse=True)
def _no_internet():
    """Fail the test if any process refused a connection while it ran (the refusal may have been caught)."""
    start = GUARD_LOG.stat().st_size if GUARD_LOG.exists() else 0
    yield
    if GUARD_LOG.exists() and GUARD_LOG.stat().st_size > start:
        with GUARD_LOG.open(encoding="utf-8", errors="replace") as f:
            f.seek(start)
            refused = f.read().strip()
        pytest.fail(f"this test tried to reach the network:\n{refused}", pytrace=False)
