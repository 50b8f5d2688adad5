import socket

import pytest
import requests

from tests.conftest import NetworkAccessError


def test_connection_to_public_address_fails_the_test():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        with pytest.raises(NetworkAccessError, match="loopback"):
            sock.connect(("93.184.216.34", 80))
    finally:
        sock.close()


def test_requests_to_ssb_fails_before_any_traffic():
    with pytest.raises((NetworkAccessError, requests.ConnectionError)) as info:
        requests.get("https://data.ssb.no/api/pxwebapi/v2/config", timeout=1)
    assert "loopback" in str(info.value)


def test_loopback_is_allowed():
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        client.connect(server.getsockname())
        conn, _ = server.accept()
        conn.close()
    finally:
        client.close()
        server.close()
