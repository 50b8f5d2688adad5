"""Pytest fixtures around the loopback PxWeb server; imported by tests/conftest.py."""

from __future__ import annotations

import pytest

from samfunn_data.config import get_settings
from samfunn_data.ssb.client import V0Client, V2Client
from tests.pxweb_server import PxWebServer, ServerState


@pytest.fixture
def pxweb():
    """A fresh loopback PxWebApi 2.0 server (own state, random port) for one test."""
    server = PxWebServer(ServerState()).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def ssb_settings(pxweb, tmp_path, monkeypatch):
    """Settings pointing at the loopback server, a temporary data dir and an empty snapshot dir."""
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(tmp_path / "snapshot"))
    monkeypatch.setenv("SAMFUNN_SSB_URL", pxweb.url)
    monkeypatch.setenv("SAMFUNN_SSB_V0_URL", pxweb.v0_url)
    monkeypatch.setenv("SAMFUNN_TIMEOUT", "10")
    return get_settings()


@pytest.fixture
def live_ssb(pxweb, ssb_settings, monkeypatch):
    """Loopback SSB and KLASS, a temporary data dir, the real snapshot, no rate-limit waits."""
    from tests.factbase_fixtures import REAL_SNAPSHOT

    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(REAL_SNAPSHOT))
    monkeypatch.setenv("SAMFUNN_KLASS_URL", pxweb.url.replace("/api/pxwebapi/v2", "/api/klass/v1"))
    pxweb.state.max_calls = 10_000
    return get_settings()


@pytest.fixture
def client(ssb_settings):
    """A v2 client with short backoff so retry tests stay quick (the logic is the production one)."""
    return V2Client(ssb_settings.ssb_url, ssb_settings.data_dir, timeout=10, backoff=0.01, max_backoff=0.1)


@pytest.fixture
def v0_client(ssb_settings):
    return V0Client(ssb_settings.ssb_v0_url, ssb_settings.data_dir, timeout=10, backoff=0.01, max_backoff=0.1)
