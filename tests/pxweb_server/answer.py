"""The data answer: a cube cut, summed over codelist groups and eliminated variables, as JSON-stat 2.0."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.selection import canonical_variable, resolve
from tests.pxweb_server.tables import Cube


@dataclass
class Axis:
    """One output dimension: output codes and labels, and the source indices each one sums."""

    dim: str
    codes: list[str]
    labels: dict[str, str]
    members: list[list[int]]
    eliminated: bool = False


def _axis(cube: Cube, dim: str, values: list[str] | None, codelist: str | None, output: str | None) -> Axis:
    base = cube.codes(dim)
    if values is None:
        if not cube.eliminable(dim):
            raise Problem(
                400, "Missing selection for mandantory variable", f"Variable '{dim}' needs a selection"
            )
        return Axis(dim, [], {}, [list(range(len(base)))], eliminated=True)
    if codelist is None:
        chosen = resolve(values, base, cube.is_time(dim), dim)
        if not chosen:
            raise Problem(400, "Non-existent value", f"{values} in '{dim}'")
        return Axis(dim, chosen, {c: cube.label(dim, c) for c in chosen}, [[base.index(c)] for c in chosen])
    clist = cube.codelists().get(codelist)
    if clist is None or clist["variable"] != dim:
        raise Problem(
            400, "Non-existent codelist", f"Codelist '{codelist}' does not exist for variable '{dim}'"
        )
    entries = {v["code"]: v for v in clist["values"]}
    chosen = resolve(values, list(entries), False, dim)
    if not chosen:
        raise Problem(400, "Non-existent value", f"{values} in codelist '{codelist}'")
    if (output or "aggregated") == "single":
        singles = sorted({m for c in chosen for m in entries[c]["valueMap"]}, key=base.index)
        return Axis(
            dim, singles, {c: cube.label(dim, c) for c in singles}, [[base.index(c)] for c in singles]
        )
    members = [[base.index(m) for m in entries[c]["valueMap"]] for c in chosen]
    return Axis(dim, chosen, {c: entries[c]["label"] for c in chosen}, members)


def _reduce(values: np.ndarray, status: np.ndarray, axis: int, members: list[list[int]]):
    """Sum the members of each output category along `axis`; all-missing stays missing."""
    out_v, out_s = [], []
    for group in members:
        part = np.take(values, group, axis=axis)
        summed = np.nansum(part, axis=axis)
        summed[np.all(np.isnan(part), axis=axis)] = np.nan
        out_v.append(summed)
        if len(group) == 1:
            out_s.append(np.take(status, group[0], axis=axis))
        else:
            out_s.append(np.where(np.isnan(summed), ".", None).astype(object))
    return np.stack(out_v, axis=axis), np.stack(out_s, axis=axis)


def answer(cube: Cube, selection: dict[str, dict], max_cells: int, too_many_status: int = 400) -> dict:
    """The JSON-stat 2.0 document for `selection` ({var: {values, codelist, output}})."""
    selection = {canonical_variable(cube, var): spec for var, spec in selection.items()}
    axes = [
        _axis(
            cube,
            d,
            selection.get(d, {}).get("values"),
            selection.get(d, {}).get("codelist"),
            selection.get(d, {}).get("output"),
        )
        for d in cube.dims
    ]
    cells = math.prod(len(a.members) for a in axes if not a.eliminated)
    if cells > max_cells:
        raise Problem(
            too_many_status,
            "Too many cells selected",
            f"The query selects {cells} cells; the limit is {max_cells}",
        )
    values, status = cube.values, cube.status
    for i, axis in enumerate(axes):
        values, status = _reduce(values, status, i, axis.members)
    kept = [i for i, a in enumerate(axes) if not a.eliminated]
    values = values.reshape([len(axes[i].members) for i in kept])
    status = status.reshape(values.shape)
    return _document(cube, [axes[i] for i in kept], values, status)


def _document(cube: Cube, axes: list[Axis], values: np.ndarray, status: np.ndarray) -> dict:
    flat = values.ravel()
    dimension = {}
    for a in axes:
        src = cube.doc["dimension"][a.dim]
        category = {"index": {c: i for i, c in enumerate(a.codes)}, "label": a.labels}
        if "unit" in src["category"]:
            category["unit"] = {c: u for c, u in src["category"]["unit"].items() if c in a.codes}
        dimension[a.dim] = {"label": src["label"], "category": category}
    return {
        "version": "2.0",
        "class": "dataset",
        "label": cube.doc["label"],
        "source": cube.doc["source"],
        "updated": cube.doc["updated"],
        "id": [a.dim for a in axes],
        "size": [len(a.codes) for a in axes],
        "role": {k: [d for d in v if d in dimension] for k, v in cube.doc["role"].items()},
        "dimension": dimension,
        "value": [None if np.isnan(v) else (int(v) if float(v).is_integer() else float(v)) for v in flat],
        "status": {str(i): s for i, s in enumerate(status.ravel()) if s is not None},
        "extension": {"px": {"tableid": cube.table_id}},
    }


def to_csv(doc: dict) -> str:
    """The answer as SSB's default csv: one quoted column per dimension (labels), then the value column.

    PxWebApi's `CsvDataSerializer` writes labels, not codes, and a header naming the variables; missing
    figures are written as their status symbol (here ".").
    """
    import itertools

    dims = doc["id"]
    labels = []
    for d in dims:
        cat = doc["dimension"][d]["category"]
        labels.append([cat["label"][c] for c in sorted(cat["index"], key=cat["index"].get)])
    head = [doc["dimension"][d]["label"] for d in dims] + [doc["label"]]
    lines = [",".join(f'"{h}"' for h in head)]
    status = doc.get("status", {})
    for i, combo in enumerate(itertools.product(*labels)):
        value = doc["value"][i]
        text = status.get(str(i), ".") if value is None else str(value)
        lines.append(",".join(f'"{c}"' for c in combo) + f",{text}")
    return "\r\n".join(lines) + "\r\n"
