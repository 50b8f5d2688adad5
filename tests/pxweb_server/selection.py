"""Selections: request parameters to {var: {values, codelist, output}}, and selection expressions to codes.

Written independently of samfunn_data.ssb.query on purpose: the server is the reference the client is
tested against, so it must not share the client's mistakes. Pure functions; nothing here does I/O.

SSB's behaviour followed here (PxTools/PxWebApi `PxWeb/Code/Api2/DataSelection/SelectionExpressions/*.cs`
and SSB's measurements in janbrus/pxwebapi-skills `references/troubleshooting.md`): variable and value
codes are case-insensitive (`region`, `personer1`, `TOP(1)` work), codelist ids are not; a comma inside
an expression in a GET needs square brackets (`[range(2020,2022)]`); `top(0)` and other malformed
expressions are "Illegal selection expression"; a data request without any selection gets the
table's default selection (`default_selection`, PxWebApi's `Bjarte3`).
"""

from __future__ import annotations

import re

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.tables import Cube

EXPRESSION = re.compile(r"(?i)(top|bottom|from|to|range)\((.*)\)")


def split_values(text: str) -> list[str]:
    """A GET list: commas separate values except inside square brackets."""
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += 1 if ch == "[" else -1 if ch == "]" else 0
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [v.strip()[1:-1] if v.strip().startswith("[") else v.strip() for v in out if v.strip()]


def _illegal(expr: str) -> Problem:
    return Problem(400, "Illegal selection expression", f"'{expr}'")


def _count(text: str, expr: str) -> int:
    if not re.fullmatch(r"\d+", text.strip()):
        raise _illegal(expr)
    return int(text)


def _find(code: str, codes: list[str]) -> str | None:
    lower = {c.lower(): c for c in codes}
    return lower.get(code.strip().lower())


def _pick(expr: str, codes: list[str], is_time: bool, var: str) -> list[str]:
    m = EXPRESSION.fullmatch(expr)
    if not m:
        if "(" in expr or ")" in expr:
            raise _illegal(expr)
        if "*" in expr or "?" in expr:
            rx = re.compile(
                "^" + re.escape(expr).replace(r"\*", ".*").replace(r"\?", ".") + "$", re.IGNORECASE
            )
            return [c for c in codes if rx.match(c)]
        found = _find(expr, codes)
        if found is None:
            raise Problem(400, "Non-existent value", f"'{expr}' in '{var}'")
        return [found]
    kind, args = m.group(1).lower(), [a.strip() for a in m.group(2).split(",")]
    if kind in ("top", "bottom"):
        if len(args) > 2:
            raise _illegal(expr)
        n = _count(args[0], expr)
        off = _count(args[1], expr) if len(args) > 1 else 0
        if n < 1:
            raise _illegal(expr)
        seq = codes[::-1] if (kind == "top") == is_time else codes
        return sorted(seq[off : off + n], key=codes.index)
    if len(args) != (2 if kind == "range" else 1):
        raise _illegal(expr)
    found = [_find(a, codes) for a in args]
    if None in found:
        raise _illegal(expr)
    lo = codes.index(found[0]) if kind in ("from", "range") else 0
    hi = codes.index(found[-1]) if kind in ("to", "range") else len(codes) - 1
    lo, hi = min(lo, hi), max(lo, hi)
    return codes[lo : hi + 1]


def resolve(values: list[str], codes: list[str], is_time: bool, var: str) -> list[str]:
    wanted = set()
    for v in values:
        wanted.update(_pick(v, codes, is_time, var))
    return [c for c in codes if c in wanted]


def canonical_variable(cube: Cube, name: str) -> str:
    """The cube's spelling of a variable code given in any case."""
    for dim in cube.dims:
        if dim.lower() == name.lower():
            return dim
    raise Problem(400, "Non-existent variable", f"'{name}'")


def v2_selection(params: dict[str, str], body: dict | None) -> dict[str, dict]:
    sel: dict[str, dict] = {}
    for key, value in params.items():
        m = re.fullmatch(r"(?i)(valuecodes|codelist|outputvalues)\[(.+)\]", key)
        if m:
            slot = {"valuecodes": "values", "codelist": "codelist", "outputvalues": "output"}[
                m.group(1).lower()
            ]
            sel.setdefault(m.group(2), {})[slot] = split_values(value) if slot == "values" else value
    for item in (body or {}).get("selection", []):
        entry = sel.setdefault(item["variableCode"], {})
        entry["values"] = list(item.get("valueCodes", []))
        if item.get("codelist"):
            entry["codelist"] = item["codelist"]
    return sel


def _first(cube: Cube, dim: str, count: int) -> dict:
    return {"values": cube.codes(dim)[:count]}


def _last(cube: Cube, dim: str, count: int) -> dict:
    return {"values": cube.codes(dim)[-count:]}


def _stub_and_heading(cube: Cube, one: str, two: str) -> dict[str, dict]:
    """`SelectionUtil.StubOrHeading`: the variable with more values is the stub (first 1,500 values), the
    other the heading (first 13); on a tie the second is the stub."""
    stub, heading = (one, two) if len(cube.codes(one)) > len(cube.codes(two)) else (two, one)
    return {stub: _first(cube, stub, STUB_VALUES), heading: _first(cube, heading, HEADING_VALUES)}


STUB_VALUES, HEADING_VALUES = 1500, 13  # VariablesSelectionExtensions.AddStubVariable/AddHeadingVariable


def default_selection(cube: Cube) -> dict[str, dict]:
    """What PxWebApi 2.0 answers when a data request selects nothing: its `Bjarte3` algorithm.

    Ported from PxTools/PxWebApi `PxWeb/Code/Api2/DataSelection/Bjarte3.cs` (with `SelectionUtil.cs` and
    `VariablesSelectionExtensions.cs` under `PxWeb/Helper/Api2/`), case by case:

    - A, only contents and time: the last 13 periods, and the contents (all of them when fewer than 6,
      else the first 1,500).
    - B, one other variable: a single content → it, the last 13 periods and the variable's first 1,500
      values; otherwise the last period, and contents and the variable as stub and heading.
    - C, more: the first content and the last period, and two classification variables as stub and
      heading: the first and last mandatory ones (the ones between get their first value), or the only
      mandatory one and the last eliminable one, or (none mandatory) the first and last eliminable ones.
      Every other eliminable variable is eliminated (summed away).

    A table without a contents or time variable falls back to `SimpleDefaultSelection.cs` (the same stub
    and heading choice over all variables). Not reproduced: a saved query that SSB may register as a
    table's default (`LoadDefaultSelection` is tried first), and re-applying a variable's first value set.
    Missing variables in the result are eliminated.
    """
    dims = list(cube.dims)
    metric = cube.doc.get("role", {}).get("metric", [])
    contents = next((d for d in dims if d in metric), None)
    time = next((d for d in dims if cube.is_time(d)), None)
    if contents is None or time is None:
        return _simple_default(cube, dims)
    if len(dims) == 2:
        if len(cube.codes(contents)) < 6:
            return {contents: _first(cube, contents, HEADING_VALUES), time: _last(cube, time, HEADING_VALUES)}
        return {contents: _first(cube, contents, STUB_VALUES), time: _last(cube, time, HEADING_VALUES)}
    others = [d for d in dims if d not in (contents, time)]
    if len(dims) == 3:
        if len(cube.codes(contents)) == 1:
            return {contents: _first(cube, contents, 1), time: _last(cube, time, HEADING_VALUES),
                    others[0]: _first(cube, others[0], STUB_VALUES)}
        return {time: _last(cube, time, 1)} | _stub_and_heading(cube, contents, others[0])
    sel = {contents: _first(cube, contents, 1), time: _last(cube, time, 1)}
    mandatory = [d for d in others if not cube.eliminable(d)]
    optional = [d for d in others if cube.eliminable(d)]
    if len(mandatory) > 1:
        sel |= {d: _first(cube, d, 1) for d in mandatory[1:-1]}
        return sel | _stub_and_heading(cube, mandatory[0], mandatory[-1])
    if len(mandatory) == 1:
        return sel | _stub_and_heading(cube, mandatory[0], optional[-1])
    return sel | _stub_and_heading(cube, others[0], others[-1])


def _simple_default(cube: Cube, dims: list[str]) -> dict[str, dict]:
    """`SimpleDefaultSelection.cs`, for tables without a contents or time variable."""
    if len(dims) == 1:
        return {dims[0]: _first(cube, dims[0], STUB_VALUES)}
    mandatory = [d for d in dims if not cube.eliminable(d)]
    optional = [d for d in dims if cube.eliminable(d)]
    if len(mandatory) == 1:
        return _stub_and_heading(cube, mandatory[0], optional[-1])
    if len(mandatory) > 1:
        return {d: _first(cube, d, 1) for d in mandatory[1:-1]} | _stub_and_heading(
            cube, mandatory[0], mandatory[-1])
    return _stub_and_heading(cube, optional[0], optional[-1])


def v0_selection(cube: Cube, body: dict) -> dict[str, dict]:
    sel: dict[str, dict] = {}
    for item in body.get("query", []):
        filt, values = item["selection"]["filter"], item["selection"]["values"]
        entry = sel.setdefault(item["code"], {})
        if filt in ("item", "all"):
            entry["values"] = values
        elif filt == "top":
            entry["values"] = [f"top({values[0]})"]
        elif ":" in filt:
            kind, name = filt.split(":", 1)
            entry.update(
                values=values,
                codelist=f"{'vs' if kind == 'vs' else 'agg'}_{name}",
                output="single" if kind == "agg_single" else "aggregated",
            )
        else:
            raise Problem(400, "Bad request", f"The request for variable '{item['code']}' has an error.")
    for dim in cube.dims:  # v0: an omitted non-eliminable variable (e.g. Tid) means all of its values
        if dim not in sel and not cube.eliminable(dim):
            sel[dim] = {"values": ["*"]}
    return sel
