"""The KLASS v1 endpoints the project uses (`samfunn_data/ssb/klass.py`), answered from the snapshot.

- `classifications/131/changes?from=&to=&includeFuture=`: municipality code changes
  (`klass-131-changes.parquet`), as `{"codeChanges": [{oldCode, oldName, newCode, newName, changeOccurred}]}`.
- `classifications/131/correspondsAt?targetClassificationId=128&date=`: municipality -> centrality class
  (`klass-128.parquet`), as `{"correspondenceItems": [{sourceCode, sourceName, targetCode, targetName}]}`.

Field names follow SSB's KLASS API documentation (https://data.ssb.no/api/klass/v1/api-guide.html).
"""

from __future__ import annotations

import re

import pandas as pd

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.tables import SNAPSHOT


def klass_answer(path: str, params: dict[str, str]) -> tuple[int, dict]:
    """(status, document) for a KLASS request path below /api/klass/v1."""
    if m := re.fullmatch(r"/classifications/(\d+)/changes/?", path):
        if m.group(1) != "131":
            raise Problem(404, "Not Found")
        return 200, {"codeChanges": _changes(params.get("from", "1900-01-01"), params.get("to"))}
    if m := re.fullmatch(r"/classifications/(\d+)/correspondsAt/?", path):
        if m.group(1) != "131" or params.get("targetClassificationId") != "128":
            raise Problem(404, "Not Found")
        return 200, {"correspondenceItems": _centrality()}
    raise Problem(404, "Not Found")


def _changes(start: str, end: str | None) -> list[dict]:
    frame = pd.read_parquet(SNAPSHOT / "klass-131-changes.parquet").astype(str)
    keep = frame["changeOccurred"] >= start
    if end:
        keep &= frame["changeOccurred"] <= end
    return frame[keep].to_dict(orient="records")


def _centrality() -> list[dict]:
    frame = pd.read_parquet(SNAPSHOT / "klass-128.parquet")
    classes = frame[frame["level"] == "1"].set_index("code")["name"]
    items = frame[frame["level"] == "2"]
    return [
        {
            "sourceCode": row.code,
            "sourceName": row.name,
            "targetCode": row.parentCode,
            "targetName": classes.get(row.parentCode, ""),
        }
        for row in items.itertuples()
    ]
