"""samfunn_data: SSB key figures and fact bases for Norway's smallest municipalities.

The stages, in the order data flows: `ssb` (fetch and store), `facts` (registry, indicators, fact base),
then `reports`, `network` and `screening`. `from samfunn_data import factbase, municipalities, network`
gives the modules most users start from.
"""

import importlib

from samfunn_data.config import Settings, get_settings
from samfunn_data.errors import (
    ConfigError,
    FactbaseError,
    InputFileError,
    MunicipalityChangedError,
    OfflineError,
    ParseError,
    QueryError,
    ReportError,
    SamfunnError,
    SnapshotError,
    SsbApiError,
    UnknownMunicipalityError,
)

__all__ = [
    "ConfigError",
    "FactbaseError",
    "InputFileError",
    "MunicipalityChangedError",
    "OfflineError",
    "ParseError",
    "QueryError",
    "ReportError",
    "SamfunnError",
    "Settings",
    "SnapshotError",
    "SsbApiError",
    "UnknownMunicipalityError",
    "factbase",
    "get_settings",
    "municipalities",
]

# The fact base and the registry live in the `facts` stage; they are imported on first use, because
# importing them loads pandas and pyarrow (0.7 s), which `samfunn --help` and light scripts do not need.
_LAZY_MODULES = {
    "factbase": "samfunn_data.facts.factbase",
    "municipalities": "samfunn_data.facts.municipalities",
}


def __getattr__(name: str):
    if name in _LAZY_MODULES:
        return importlib.import_module(_LAZY_MODULES[name])
    raise AttributeError(f"module 'samfunn_data' has no attribute {name!r}")
