"""A papermill engine that keeps one Jupyter kernel warm per process and reuses it for every report.

Why: starting a kernel and importing pandas, matplotlib and the fact base inside it costs more than
running a report's cells. papermill's stock engine starts a new kernel per notebook. This engine hands
papermill's own notebook client (`PapermillNotebookClient`, which injects parameters, records errors and
timing like the stock engine) a kernel manager that outlives the notebook, and resets the user namespace
between notebooks, so each report still starts from a clean namespace but imports are paid once.

A kernel that died (or a report that failed) is replaced by a fresh one before the next report.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from papermill.utils import merge_kwargs, remove_args

ENGINE_NAME = "samfunn-warm"
KERNEL_NAME = "python3"  # ipykernel's own spec in the venv; jupyter_client runs it with sys.executable

# A fresh namespace and execution counter (so saved notebooks number cells from 1) without a restart.
_RESET_CODE = "get_ipython().reset(new_session=True, aggressive=False)"

logger = logging.getLogger(__name__)
_state: dict = {"km": None, "replace": False, "folder": None}


def _kernel_manager(kernel_name: str):
    """The process's kernel manager; a new one if there is none or the last one is unusable."""
    from jupyter_client.manager import KernelManager

    km = _state["km"]
    if km is not None and (_state["replace"] or km.kernel_name != kernel_name or not km.is_alive()):
        shutdown()
        km = None
    if km is None:
        # IPC sockets in a private folder: no TCP ports, and no "unencrypted TCP" warning per kernel
        folder = tempfile.mkdtemp(prefix="samfunn-kernel-")
        km = KernelManager(kernel_name=kernel_name, transport="ipc", ip=os.path.join(folder, "kernel"))
        _state["km"], _state["folder"] = km, folder
        _state["replace"] = False
    return km


def shutdown() -> None:
    """Stop this process's warm kernel (idempotent)."""
    km, _state["km"] = _state["km"], None
    if km is not None and km.has_kernel:
        try:
            km.shutdown_kernel(now=True)
        except Exception as exc:  # a kernel that is already gone cannot be stopped again
            logger.debug("kernel shutdown: %s", exc)
    folder, _state["folder"] = _state.get("folder"), None
    if folder:
        shutil.rmtree(folder, ignore_errors=True)


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, but with the process's long-lived kernel."""

    @classmethod
    def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                 stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
        kwargs = remove_args(["input_path", "timeout", "startup_timeout"], **kwargs)
        final_kwargs = merge_kwargs(
            kwargs, timeout=execution_timeout, startup_timeout=start_timeout, kernel_name=kernel_name,
            log=logger, log_output=log_output, stdout_file=stdout_file, stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=_kernel_manager(kernel_name), **final_kwargs)
        try:
            nb = client.execute()
            if nb.metadata.get("papermill", {}).get("exception"):
                _state["replace"] = True  # an error may leave state (threads, files) behind: start afresh
            else:
                client.wait_for_reply(client.kc.execute(_RESET_CODE, silent=True, store_history=False))
            return nb
        except BaseException:
            _state["replace"] = True
            raise
        finally:
            if client.kc is not None:
                client.kc.stop_channels()


def register() -> None:
    """Make the engine available to `papermill.execute_notebook(engine_name=ENGINE_NAME)`."""
    papermill_engines.register(ENGINE_NAME, WarmKernelEngine)
