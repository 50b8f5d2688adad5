"""The tables the loopback server serves, and the documents that describe them.

Every SSB table of the embedded snapshot (data/raw/snapshot/NNNNN.parquet: real published figures, SSB's
dimension ids and codes, e.g. 07459 with `Region`, `Kjonn`, `Alder`, `ContentsCode`, `Tid`) is served as
one dense cube, so `SAMFUNN_SSB_URL` pointed here behaves like SSB for every table the project uses.
Cells the snapshot does not hold are null with status "." ("cannot be given"), never filled in, except in
03321, whose snapshot drops the flows SSB publishes as 0 (they are served as 0, as SSB does). 03321 is
served as SSB answers it: `ArbstedKomm` x `Bokommuen` on the municipality codes of the year (2017 codes
such as 1665 Tydal, labelled "Tydal (-2017)"), not on today's borders. JSON-stat documents under
tests/fixtures/pxweb/ are served as well (a fixture of the same id wins).

Codelists are derived from the cube's own codes, with the ids and code prefixes public code uses at SSB
for each table (cited in `samfunn_data/ssb/catalogue.py`): 07459 `agg_KommSummer` (`K-<kommune>`, one
member each: the snapshot is already on current borders), `agg_KommFylker` (`F-<fylke>`, the sum of a
county's municipalities, only where every 2024 municipality is in the cube), `vs_Kommun`, `vs_Fylker`;
06913 `agg_KommSummerHist` (`K_<kommune>`); 07984 `agg_KommSummerS` (`K.<kommune>`); 14288 the value sets
`vs_KommunFram2024Agg` and `vs_FylkerFram2024` (plain codes), and its contents under SSB's codes `Personer`,
`Personer1`, `Personer2` with the labels naming the alternatives ("Hovedalternativet (MMMM)"). Other
tables get `vs_Kommun`/`vs_Fylker` only. SSB's 14288 also has `Kjonn` and `Alder`; the snapshot holds
totals only, so the loopback's 14288 has neither (the one known difference in shape).
"""

from __future__ import annotations

import copy
import functools
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "pxweb"
SNAPSHOT = REPO / "data" / "raw" / "snapshot"
# Variables SSB lets a query leave out (elimination) where summing them gives the published total.
ELIMINABLE = {"07459": ("Kjonn", "Alder")}
# KOSTRA tables have no agg_KommSummer equivalent at SSB (janbrus/pxwebapi-skills, references/kostra.md);
# their region variable is `KOKkommuneregion0000` (in the snapshot too), so no codelists are derived.
NO_REGION_CODELISTS = ("12137", "12362")
REGION_DIMS = ("Region", "KOKkommuneregion0000")
# SSB's English variable labels for the dimensions the project's tables share. The snapshot holds no
# English titles or value labels: under `lang=en` they stay Norwegian and the answer names them
# (`routes.in_language`), rather than the loopback inventing translations.
ENGLISH = {"region": "region", "kjønn": "sex", "alder": "age", "statistikkvariabel": "contents", "år": "year"}
# Tables whose snapshot leaves out the cells SSB publishes as 0 (03321 keeps only non-zero flows).
ZEROS_LEFT_OUT = ("03321",)
# Tables of counts, where a county is the sum of its municipalities (not medians or projections).
SUMMABLE = ("07459", "06913", "07984", "09429")
# Per table: codelist id -> (prefix of its codes, level), where the table has more than the value sets
REGION_LISTS = {
    "07459": {"agg_KommSummer": ("K-", "kommune"), "vs_Kommun": ("", "kommune"),
              "agg_KommFylker": ("F-", "fylke"), "vs_Fylker": ("", "fylke")},
    "06913": {"agg_KommSummerHist": ("K_", "kommune"), "vs_Kommun": ("", "kommune")},
    "07984": {"agg_KommSummerS": ("K.", "kommune"), "vs_Kommun": ("", "kommune")},
    "14288": {"vs_KommunFram2024Agg": ("", "kommune"), "vs_FylkerFram2024": ("", "fylke")},
}
DEFAULT_LISTS = {"vs_Kommun": ("", "kommune"), "vs_Fylker": ("", "fylke")}
# SSB's contents codes where the snapshot names the category by the code in its label (14288)
SSB_CONTENTS = {"14288": {"MMMM": "Personer", "HHMH": "Personer1", "LLML": "Personer2"}}


@dataclass
class Cube:
    doc: dict  # JSON-stat 2.0 document without values
    values: np.ndarray  # float, NaN where there is no figure
    status: np.ndarray  # object, same shape, None or SSB symbol
    lists: dict = field(default_factory=dict)  # codelist id -> {variable, label, type, values}

    @classmethod
    def load(cls, path: Path) -> Cube:
        doc = json.loads(path.read_text(encoding="utf-8"))
        flat = np.array([np.nan if v is None else v for v in doc.pop("value")], dtype=float)
        status = np.full(flat.size, None, dtype=object)
        for index, symbol in doc.pop("status", {}).items():
            status[int(index)] = symbol
        lists = doc.get("extension", {}).get("fixture", {}).get("codelists", {})
        return cls(doc, flat.reshape(doc["size"]), status.reshape(doc["size"]), lists)

    @classmethod
    def from_frame(cls, frame: pd.DataFrame) -> Cube:
        """A dense cube from a tidy snapshot table (one column per dimension, `value`, `status`)."""
        attrs = frame.attrs
        table_id = attrs["table_id"]
        dims = [c for c in frame.columns if c not in ("value", "status")]
        labels = _attr(attrs, "category_labels")
        if table_id in SSB_CONTENTS:  # SSB's codes, the snapshot's in the labels (see the module docstring)
            recode = SSB_CONTENTS[table_id]
            frame = frame.assign(ContentsCode=frame["ContentsCode"].map(lambda c: recode.get(c, c)))
            old = labels.get("ContentsCode", {})
            labels = labels | {"ContentsCode": {recode.get(c, c): lab for c, lab in old.items()}}
            units = _attr(attrs, "units")
            attrs = attrs | {"units": {recode.get(c, c): u for c, u in units.items()}}
        dim_labels = _attr(attrs, "dimension_labels")
        units = _attr(attrs, "units")
        codes = {d: _ordered(d, frame[d].astype(str).unique(), labels.get(d, {})) for d in dims}
        shape = [len(codes[d]) for d in dims]
        positions = [pd.Categorical(frame[d].astype(str), categories=codes[d]).codes for d in dims]
        flat = np.ravel_multi_index(positions, shape)
        values = np.full(int(np.prod(shape)), np.nan)
        values[flat] = frame["value"].to_numpy(dtype=float)
        if table_id in ZEROS_LEFT_OUT:
            values[np.isnan(values)] = 0.0
        status = np.full(values.size, None, dtype=object)
        status[np.isnan(values)] = "."
        # SSB's status symbols only: the snapshot's caveat words ("foreløpig") are the project's, not SSB's
        given = (frame["status"].notna() & ~frame["status"].astype(str).str.isalpha()).to_numpy()
        status[flat[given]] = frame["status"].to_numpy()[given]
        dimension = {}
        for d in dims:
            category = {
                "index": {c: i for i, c in enumerate(codes[d])},
                "label": {c: labels.get(d, {}).get(c, c) for c in codes[d]},
            }
            if d == "ContentsCode":
                category["unit"] = {c: units.get(c, {"base": "", "decimals": 0}) for c in codes[d]}
            eliminable = d in ELIMINABLE.get(table_id, ()) or len(codes[d]) == 1 and d not in ("Tid",)
            dimension[d] = {
                "label": dim_labels.get(d, d),
                "category": category,
                "extension": {"elimination": eliminable and d != "ContentsCode"},
            }
        doc = {
            "version": "2.0",
            "class": "dataset",
            "label": f"{table_id}: {attrs.get('label', table_id)}",
            "source": "Statistisk sentralbyrå",
            "updated": "2024-04-21T06:00:00Z",
            "id": dims,
            "size": shape,
            "role": {"time": ["Tid"], "metric": ["ContentsCode"],
                     "geo": [d for d in dims if d in REGION_DIMS]},
            "dimension": dimension,
            "extension": {"px": {"tableid": table_id, "decimals": 0}},
        }
        cube = cls(doc, values.reshape(shape), status.reshape(shape))
        cube.lists = region_codelists(cube)
        return cube

    def copy(self) -> Cube:
        """A cube with its own document (so a test can change `updated`), sharing the value arrays."""
        return Cube(copy.deepcopy(self.doc), self.values, self.status, self.lists)

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
        return self.lists


def _attr(attrs: dict, key: str) -> dict:
    value = attrs.get(key) or {}
    return value if isinstance(value, dict) else {}


def _ordered(dim: str, codes, labels: dict) -> list[str]:
    """SSB's order: time ascending; regions country, counties, municipalities; else the label order."""
    codes = [str(c) for c in codes]
    if dim == "Tid":
        return sorted(codes)
    if dim in REGION_DIMS:
        return sorted(codes, key=lambda c: (c != "0", len(c), c))
    order = {c: i for i, c in enumerate(labels)}
    return sorted(codes, key=lambda c: (order.get(c, len(order)), c))


def region_codelists(cube: Cube) -> dict[str, dict]:
    """SSB's region codelists for the table over the cube's own codes (`REGION_LISTS`)."""
    if "Region" not in cube.dims or cube.table_id in NO_REGION_CODELISTS:
        return {}
    codes = cube.codes("Region")
    kommuner = [c for c in codes if len(c) == 4 and c.isdigit()]
    fylker = [c for c in codes if len(c) == 2 and c.isdigit()]
    label = functools.partial(cube.label, "Region")
    lists = {}
    for cid, (prefix, level) in REGION_LISTS.get(cube.table_id, DEFAULT_LISTS).items():
        if level == "kommune":
            groups = {c: [c] for c in kommuner}
        elif prefix:  # a county summed from its municipalities
            groups = _complete_counties(kommuner) if cube.table_id in SUMMABLE else {}
        else:
            groups = {c: [c] for c in fylker}
        if not groups:
            continue
        kind = "Aggregation" if cid.startswith("agg_") else "Valueset"
        lists[cid] = {
            "variable": "Region",
            "label": cid,
            "type": kind,
            "values": [{"code": f"{prefix}{c}", "label": label(c) if c in codes else f"Fylke {c}",
                        "valueMap": members} for c, members in groups.items()],
        }
    return lists


def _complete_counties(kommuner: list[str]) -> dict[str, list[str]]:
    """Counties whose every 2024 municipality is among `kommuner` (so their sum is the county)."""
    regions = pd.read_parquet(SNAPSHOT / "regions-2024.parquet")
    per_county = regions[regions["level"] == "kommune"].groupby("county")["code"].apply(list)
    have = set(kommuner)
    return {f: sorted(m) for f, m in per_county.items() if set(m) <= have}


@functools.cache
def _snapshot_cubes(folder: str) -> dict[str, Cube]:
    cubes = {}
    for path in sorted(Path(folder).glob("[0-9]*.parquet")):
        cube = Cube.from_frame(pd.read_parquet(path))  # pandas restores the table's attrs
        cubes[cube.table_id] = cube
    return cubes


def load_cubes(folder: Path = FIXTURES, snapshot: Path | None = SNAPSHOT) -> dict[str, Cube]:
    """Every snapshot table plus the JSON-stat fixtures in `folder`, each with its own document."""
    cubes = {tid: c.copy() for tid, c in _snapshot_cubes(str(snapshot)).items()} if snapshot else {}
    for path in sorted(Path(folder).glob("*.json")):
        cube = Cube.load(path)
        cubes[cube.table_id] = cube
    return cubes


def metadata(cube: Cube) -> dict:
    doc = copy.deepcopy(cube.doc)
    doc["value"] = []
    for cid, clist in cube.codelists().items():
        ext = doc["dimension"][clist["variable"]].setdefault("extension", {})
        ext.setdefault("codelists", []).append({"id": cid, "label": clist["label"], "type": clist["type"]})
    doc["extension"] = {"px": {"tableid": cube.table_id}}
    return doc


def table_info(cube: Cube, lang: str = "no") -> dict:
    """`/tables/{id}`: `variableNames` are the variables' labels, as SSB sends them."""
    tid = next(d for d in cube.dims if cube.is_time(d))
    periods = cube.codes(tid)
    return {
        "type": "Table",
        "id": cube.table_id,
        "label": cube.doc["label"],
        "description": "",
        "updated": cube.doc["updated"],
        "firstPeriod": periods[0],
        "lastPeriod": periods[-1],
        "category": "public",
        "variableNames": [_label(cube.doc["dimension"][d]["label"], lang) for d in cube.dims],
        "timeUnit": "Annual",
        "discontinued": False,
        "source": cube.doc["source"],
        "paths": [],
        "links": [],
        "language": lang,
    }


def _label(label: str, lang: str) -> str:
    return ENGLISH.get(label, label) if lang == "en" else label


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
