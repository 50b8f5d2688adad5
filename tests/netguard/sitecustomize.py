"""Loaded by every Python interpreter started while the tests run (tests/conftest.py puts this folder
first on PYTHONPATH): CLI subprocesses, report workers, papermill's Jupyter kernels.

Installs the network guard, then runs the sitecustomize this one shadows (a venv or distribution may
have its own), so the environment behaves as it would without the tests.
"""

import importlib.machinery
import importlib.util
import os
import sys

import samfunn_netguard

samfunn_netguard.install()


def _run_shadowed() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    rest = [p for p in sys.path if os.path.abspath(p or os.curdir) != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", rest)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    sys.modules["_shadowed_sitecustomize"] = module
    spec.loader.exec_module(module)


_run_shadowed()
