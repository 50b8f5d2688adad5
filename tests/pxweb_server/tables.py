"""The fixture tables the loopback server serves, and the documents that describe them.

Cubes are JSON-stat 2.0 documents under tests/fixtures/pxweb/ (real SSB figures; see the note in each
builder).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FIXTURES = Path(__file__).parent.parent / "fixtures" / "pxweb"


@dataclass
class Cube:
    doc: dict
    values: np.ndarray  # float, NaN where the document has null
    status: np.ndarray  # object, same shape, None or SSB symbol

    @classmethod
    def load(cls, path: Path) -> Cube:
        doc = json.loads(path.read_text(encoding="utf-8"))
        flat = np.array([np.nan if v is None else v for v in doc["value"]], dtype=float)
        status = np.full(flat.size, None, dtype=object)
        for index, symbol in doc.get("status", {}).items():
            status[int(index)] = symbol
        return cls(doc, flat.reshape(doc["size"]), status.reshape(doc["size"]))

    @property
    def table_id(self) -> str:
        return self.doc["extension"]["px"]["tableid"]

    @property
    def dims(self) -> list[str]:
        return self.doc["id"]

    def codes(self, dim: str) -> list[str]:
        index = self.doc["dimension"][dim]["category"]["index"]
        return sorted(index, key=index.get)

    def label(self, dim: str, code: str) -> str:
        return self.doc["dimension"][dim]["category"]["label"][code]

    def eliminable(self, dim: str) -> bool:
        return bool(self.doc["dimension"][dim].get("extension", {}).get("elimination"))

    def is_time(self, dim: str) -> bool:
        return dim in self.doc.get("role", {}).get("time", [])

    def codelists(self) -> dict[str, dict]:
        return self.doc["extension"].get("fixture", {}).get("codelists", {})


def load_cubes(folder: Path = FIXTURES) -> dict[str, Cube]:
    cubes = [Cube.load(p) for p in sorted(folder.glob("*.json"))]
    return {c.table_id: c for c in cubes}


def metadata(cube: Cube) -> dict:
    doc = {k: v for k, v in cube.doc.items() if k not in ("value", "status", "extension")}
    doc["value"] = []
    doc["dimension"] = json.loads(json.dumps(cube.doc["dimension"]))
    for cid, clist in cube.codelists().items():
        ext = doc["dimension"][clist["variable"]].setdefault("extension", {})
        ext.setdefault("codelists", []).append({"id": cid, "label": clist["label"], "type": clist["type"]})
    doc["extension"] = {"px": {"tableid": cube.table_id}}
    return doc


def table_info(cube: Cube) -> dict:
    tid = next(d for d in cube.dims if cube.is_time(d))
    periods = cube.codes(tid)
    return {
        "id": cube.table_id,
        "label": cube.doc["label"],
        "updated": cube.doc["updated"],
        "firstPeriod": periods[0],
        "lastPeriod": periods[-1],
        "variableNames": cube.dims,
        "timeUnit": "Annual",
        "discontinued": False,
        "source": cube.doc["source"],
    }


def v0_metadata(cube: Cube) -> dict:
    return {
        "title": cube.doc["label"],
        "variables": [
            {
                "code": d,
                "text": cube.doc["dimension"][d]["label"],
                "values": cube.codes(d),
                "valueTexts": [cube.label(d, c) for c in cube.codes(d)],
                "elimination": cube.eliminable(d),
                "time": cube.is_time(d),
            }
            for d in cube.dims
        ],
    }
