"""Test-only network guard: refuse every Python-level attempt to reach a host other than this machine.

It is an audit hook (`sys.addaudithook`, PEP 578). CPython's socket module raises the audit events
`socket.connect` (also for `connect_ex`), `socket.sendto`, `socket.sendmsg`, `socket.getaddrinfo`,
`socket.gethostbyname` (also for `gethostbyname_ex`), `socket.gethostbyaddr` and `socket.getnameinfo` in C,
before it acts, for `socket.socket` and the raw `_socket.socket` alike, so no monkeypatch can be bypassed
(`_socket`, `super()`, a copy of the function taken before the patch). A hook cannot be removed once added.

Installed in the pytest process by tests/conftest.py and in every Python child through `sitecustomize.py`
in this folder, which conftest puts first on PYTHONPATH. Every refusal is also appended to the file named
by SAMFUNN_NETGUARD_LOG, so an attempt that the code under test swallows (``except Exception``, a kernel
that prints the error) still fails the test that caused it. What it cannot see: tests/test_network_guard.py.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys

LOG_ENV = "SAMFUNN_NETGUARD_LOG"
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback"}
_INET = (socket.AF_INET, socket.AF_INET6)


class NetworkAccessError(AssertionError):
    """Raised when a test tries to reach anything but this machine (an AssertionError, so that code
    under test that retries or falls back on OSError cannot mistake it for a network outage)."""


def is_loopback_host(host) -> bool:
    """True for None (a local wildcard), loopback names and loopback addresses (127.0.0.0/8, ::1)."""
    if host is None:
        return True
    if isinstance(host, bytes | bytearray):
        host = bytes(host).decode(errors="replace")
    host = str(host)
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%")[0]).is_loopback
    except ValueError:
        return False


def _target(event: str, args: tuple):
    """(checked, host) for a socket audit event: whether it names a remote host, and which."""
    if event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        sock, address = args
        if address is None or sock.family not in _INET:  # AF_UNIX, netlink: never leave the machine
            return False, None
        return True, address[0] if isinstance(address, tuple) else address
    if event in ("socket.getaddrinfo", "socket.gethostbyname", "socket.gethostbyaddr"):
        return True, args[0]
    if event == "socket.getnameinfo":
        address = args[0]
        return True, address[0] if isinstance(address, tuple) else address
    return False, None


def _hook(event: str, args: tuple) -> None:
    if not event.startswith("socket."):
        return
    checked, host = _target(event, args)
    if not checked or is_loopback_host(host):
        return
    message = f"{event} to {host!r} refused: tests may only use loopback (tests/netguard)"
    _log(f"pid {os.getpid()} {sys.argv[:1]}: {message}")
    raise NetworkAccessError(message)


def _log(line: str) -> None:
    path = os.environ.get(LOG_ENV)
    if not path:
        return
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, (line.replace("\n", " ") + "\n").encode("utf-8", "replace"))
    finally:
        os.close(fd)


def install() -> None:
    """Add the hook to this interpreter (once; later calls do nothing)."""
    if getattr(sys, "_samfunn_netguard", False):
        return
    sys.addaudithook(_hook)
    sys._samfunn_netguard = True
