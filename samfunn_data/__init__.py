"""samfunn_data: SSB key figures and fact bases for Norway's smallest municipalities."""

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
    "get_settings",
]
