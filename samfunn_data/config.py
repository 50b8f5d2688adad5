"""Paths and settings as plain data, read from the environment when asked for (never at import)."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]

SSB_V2_URL = "https://data.ssb.no/api/pxwebapi/v2"
SSB_V0_URL = "https://data.ssb.no/api/v0"
KLASS_URL = "https://data.ssb.no/api/klass/v1"
REFRESH_POLICIES = ("never", "if-stale", "always")


@dataclass(frozen=True)
class Settings:
    """Where things live and how SSB is reached.

    Every field can be set by an environment variable (named in `from_env`) so that a notebook,
    the CLI and the tests can point the same code at another data folder or a loopback server.
    """

    data_dir: Path = PROJECT_ROOT / "data"
    snapshot_dir: Path = PROJECT_ROOT / "data" / "raw" / "snapshot"
    reports_dir: Path = PROJECT_ROOT / "reports"
    ssb_api: str = "v2"  # "v2" (PxWebApi 2.0) or "v0" (the legacy API)
    ssb_url: str = SSB_V2_URL
    ssb_v0_url: str = SSB_V0_URL
    klass_url: str = KLASS_URL
    refresh: str = "if-stale"
    timeout: float = 30.0  # seconds per HTTP request (connect and each read)
    deadline: float = 120.0  # seconds for one whole fetch, retries and waits included
    lock_timeout: float = 600.0  # seconds to wait for another build or report run to finish

    @property
    def store_dir(self) -> Path:
        """Fetched SSB responses: immutable vintages with provenance sidecars."""
        return self.data_dir / "raw" / "ssb"

    @property
    def processed_dir(self) -> Path:
        return self.data_dir / "processed"

    @property
    def locks_dir(self) -> Path:
        """Lock files; outside raw/ and processed/ so taking a lock never changes a data fingerprint."""
        return self.data_dir / ".locks"

    @classmethod
    def from_env(cls, **overrides) -> Settings:
        env = os.environ
        settings = cls()
        values = {
            "data_dir": env.get("SAMFUNN_DATA_DIR"),
            "snapshot_dir": env.get("SAMFUNN_SNAPSHOT_DIR"),
            "reports_dir": env.get("SAMFUNN_REPORTS_DIR"),
            "ssb_api": env.get("SAMFUNN_SSB_API"),
            "ssb_url": env.get("SAMFUNN_SSB_URL"),
            "ssb_v0_url": env.get("SAMFUNN_SSB_V0_URL"),
            "klass_url": env.get("SAMFUNN_KLASS_URL"),
            "refresh": env.get("SAMFUNN_REFRESH"),
            "timeout": env.get("SAMFUNN_TIMEOUT"),
            "deadline": env.get("SAMFUNN_DEADLINE"),
            "lock_timeout": env.get("SAMFUNN_LOCK_TIMEOUT"),
        }
        changes = {k: v for k, v in values.items() if v}
        for key in ("data_dir", "snapshot_dir", "reports_dir"):
            if key in changes:
                changes[key] = Path(changes[key])
        for key in ("timeout", "deadline", "lock_timeout"):
            if isinstance(changes.get(key), str):
                changes[key] = _seconds(key, changes[key])
        changes.update(overrides)
        settings = replace(settings, **changes)
        settings.validate()
        return settings

    def validate(self) -> None:
        from samfunn_data.errors import ConfigError

        if self.ssb_api not in ("v2", "v0"):
            raise ConfigError(f"ssb_api must be 'v2' or 'v0', not {self.ssb_api!r} (SAMFUNN_SSB_API)")
        if self.refresh not in REFRESH_POLICIES:
            allowed = ", ".join(REFRESH_POLICIES)
            raise ConfigError(f"refresh must be one of {allowed}, not {self.refresh!r} (SAMFUNN_REFRESH)")


def _seconds(key: str, text: str) -> float:
    from samfunn_data.errors import ConfigError

    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ConfigError(f"{key} must be a number of seconds above 0, not {text!r} "
                          f"(SAMFUNN_{key.upper()})")
    return value


def get_settings(**overrides) -> Settings:
    """The settings in force now: defaults, then environment variables, then `overrides`."""
    return Settings.from_env(**overrides)
