"""The test network guard blocks every way out, in the pytest process and in every Python it starts.

The guard (tests/netguard/samfunn_netguard.py) is a CPython audit hook: the socket module's C code reports
connect/connect_ex, sendto, sendmsg, getaddrinfo, gethostbyname(_ex), gethostbyaddr and getnameinfo to
it before acting, whether the call came through `socket.socket`, the raw `_socket.socket` or an unbound
method. tests/conftest.py installs it here and, through tests/netguard/sitecustomize.py first on
PYTHONPATH, in every child interpreter: CLI subprocesses, report workers (multiprocessing "spawn") and
papermill's Jupyter kernels. Each test below runs the same probe of every escape in one of those places.

What the guard cannot see, and how that is kept on loopback:

- Programs that are not Python. Chromium (tests/cdp.py for the browser test, and the sorting test in
  test_screening.py) opens its own sockets. It is started with `cdp.OFFLINE_FLAGS`: no background
  networking, component updates, sync, domain reliability, pings, DNS prefetch or QUIC, and
  `--host-resolver-rules` that make every host name but localhost fail to resolve; `Browser.open` and the
  sorting test only ever load file:// pages, and `cdp.check_local_url` refuses any other URL.
- Sockets opened in C without Python's socket module: libzmq under Jupyter's kernel channels (the warm
  kernel uses ipc sockets in a private folder, papermill's stock engine tcp on 127.0.0.1), ctypes calls.
  No dependency of this project reaches the network that way.
- A Python child started with -I or -E, or given an environment without PYTHONPATH (the tests pass copies
  of os.environ), does not load sitecustomize; a forked child inherits the hook from its parent instead.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import requests
from samfunn_netguard import LOG_ENV, NetworkAccessError

from tests.cdp import check_local_url

GUARD_DIR = Path(__file__).resolve().parent / "netguard"

# Every escape, against documentation-only addresses (RFC 5737; never routed) and the reserved .invalid
# domain, so that even a guard that failed would reach nothing. Loopback must keep working.
PROBE = r'''
import json, socket, _socket
REMOTE, NAME = ("192.0.2.1", 9), "samfunn-guard-test.invalid"

def _attempt(fn):
    try:
        fn()
        return "allowed"
    except AssertionError as exc:
        return "blocked" if type(exc).__name__ == "NetworkAccessError" else repr(exc)
    except OSError as exc:
        return f"error: {exc}"

def _tcp(cls=socket.socket):
    s = cls(socket.AF_INET, socket.SOCK_STREAM)
    s.settimeout(1)
    return s

def _udp(cls=socket.socket):
    return cls(socket.AF_INET, socket.SOCK_DGRAM)

def _loopback_tcp():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    client = socket.create_connection(server.getsockname(), timeout=5)
    client.close(); server.close()

def probe():
    escapes = {
        "socket.connect": lambda: _tcp().connect(REMOTE),
        "socket.connect_ex": lambda: _tcp().connect_ex(REMOTE),
        "_socket.connect": lambda: _tcp(_socket.socket).connect(REMOTE),
        "super().connect": lambda: super(socket.socket, _tcp()).connect(REMOTE),
        "udp sendto": lambda: _udp().sendto(b"x", REMOTE),
        "udp sendto flags": lambda: _udp().sendto(b"x", 0, REMOTE),
        "_socket udp sendto": lambda: _udp(_socket.socket).sendto(b"x", REMOTE),
        "udp sendmsg": lambda: _udp().sendmsg([b"x"], [], 0, REMOTE),
        "udp connect": lambda: _udp().connect(REMOTE),
        "create_connection": lambda: socket.create_connection(REMOTE, timeout=1),
        "getaddrinfo": lambda: socket.getaddrinfo(NAME, 443),
        "_socket.getaddrinfo": lambda: _socket.getaddrinfo(NAME, 443),
        "gethostbyname": lambda: socket.gethostbyname(NAME),
        "_socket.gethostbyname": lambda: _socket.gethostbyname(NAME),
        "gethostbyname_ex": lambda: socket.gethostbyname_ex(NAME),
        "gethostbyaddr": lambda: socket.gethostbyaddr(REMOTE[0]),
        "getnameinfo": lambda: socket.getnameinfo(REMOTE, 0),
    }
    loopback = {
        "loopback tcp": _loopback_tcp,
        "loopback udp": lambda: _udp().sendto(b"x", ("127.0.0.1", 9)),
        "resolve localhost": lambda: socket.getaddrinfo("localhost", 80),
    }
    return ({k: _attempt(f) for k, f in escapes.items()}, {k: _attempt(f) for k, f in loopback.items()})
'''
N_ESCAPES = PROBE.split("escapes = {", 1)[1].split("}", 1)[0].count(": lambda")
_namespace: dict = {}
exec(PROBE, _namespace)  # noqa: S102  (the same code runs in the children)
probe = _namespace["probe"]


@pytest.fixture
def own_log(tmp_path, monkeypatch) -> Path:
    """Refusals this test provokes on purpose go to its own log (children inherit it), not the session's."""
    log = tmp_path / "refused.log"
    monkeypatch.setenv(LOG_ENV, str(log))
    return log


def _check(result, log: Path) -> None:
    escapes, loopback = result
    assert len(escapes) == N_ESCAPES >= 17
    assert {k: v for k, v in escapes.items() if v != "blocked"} == {}
    assert loopback == dict.fromkeys(loopback, "allowed")
    assert len(log.read_text(encoding="utf-8").splitlines()) == N_ESCAPES  # one logged line per refusal


def test_every_escape_is_blocked_in_the_pytest_process(own_log):
    _check(probe(), own_log)


def test_every_escape_is_blocked_in_a_subprocess(own_log):
    done = subprocess.run([sys.executable, "-c", PROBE + "\nprint(json.dumps(probe()))"],
                          capture_output=True, text=True, timeout=60, env=os.environ.copy())
    assert done.returncode == 0, done.stderr
    _check(json.loads(done.stdout), own_log)


def test_every_escape_is_blocked_in_a_spawned_worker_like_the_report_runners(own_log):
    ctx = multiprocessing.get_context("spawn")  # as reports.runner starts its workers
    with ctx.Pool(1) as pool:
        result = pool.apply(probe_in_worker)
    _check(result, own_log)


def probe_in_worker():
    return probe()


@pytest.mark.slow
def test_every_escape_is_blocked_inside_a_papermill_kernel(own_log, tmp_path):
    import papermill

    from samfunn_data.reports import warm_kernel

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(PROBE + "\nprint(json.dumps(probe()))")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, tmp_path / "probe.ipynb")
    warm_kernel.register()
    try:
        out = papermill.execute_notebook(
            str(tmp_path / "probe.ipynb"), str(tmp_path / "out.ipynb"), engine_name=warm_kernel.ENGINE_NAME,
            kernel_name=warm_kernel.KERNEL_NAME, progress_bar=False, execution_timeout=120)
    finally:
        warm_kernel.shutdown()
    text = "".join(o.get("text", "") for o in out.cells[0].outputs if o.output_type == "stream")
    _check(json.loads(text), own_log)


def test_a_refusal_swallowed_by_a_child_is_still_logged(own_log):
    code = ("import requests\ntry:\n"
            "    requests.get('https://data.ssb.no/api/pxwebapi/v2/config', timeout=1)\n"
            "except Exception:\n    pass\nprint('swallowed')")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "swallowed"
    assert "socket.getaddrinfo to 'data.ssb.no' refused" in own_log.read_text(encoding="utf-8")


def test_a_test_whose_child_swallowed_a_refusal_fails(tmp_path):
    """The conftest check itself, in a nested pytest: the child hides the error, the test still fails."""
    test = tmp_path / "test_swallow.py"
    test.write_text("import subprocess, sys\n\ndef test_quiet_child():\n"
                    "    code = \"import socket\\ntry:\\n    socket.gethostbyname('data.ssb.no')\\n"
                    "except Exception:\\n    pass\"\n"
                    "    assert subprocess.run([sys.executable, '-c', code]).returncode == 0\n")
    env = {k: v for k, v in os.environ.items() if k != LOG_ENV}
    args = ["-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.conftest", str(test)]
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, env=env,
                          cwd=Path(__file__).resolve().parents[1])
    assert "1 passed, 1 error" in done.stdout, done.stdout + done.stderr
    assert "this test tried to reach the network" in done.stdout and "data.ssb.no" in done.stdout


def test_a_sitecustomize_the_guard_shadows_still_runs(tmp_path):
    other = tmp_path / "venv_site"
    other.mkdir()
    (other / "sitecustomize.py").write_text("import os\nos.environ['SHADOWED_SITECUSTOMIZE_RAN'] = '1'\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(GUARD_DIR), str(other)]))
    code = "import os, sys; print(os.environ.get('SHADOWED_SITECUSTOMIZE_RAN'), sys._samfunn_netguard)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.stdout.split() == ["1", "True"], done.stderr


def test_requests_to_ssb_fails_before_any_traffic(own_log):
    with pytest.raises(NetworkAccessError, match="loopback"):
        requests.get("https://data.ssb.no/api/pxwebapi/v2/config", timeout=1)


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


@pytest.mark.parametrize("url, ok", [
    ("file:///tmp/report.html", True), ("about:blank", True), ("http://127.0.0.1:8000/x", True),
    ("http://localhost/x", True), ("https://www.ssb.no/", False), ("http://192.0.2.1/", False),
])
def test_the_browser_is_only_pointed_at_local_pages(url, ok):
    if ok:
        assert check_local_url(url) == url
    else:
        with pytest.raises(ValueError, match="only local pages"):
            check_local_url(url)
