"""Selections: request parameters to {var: {values, codelist, output}}, and selection expressions to codes.

Written independently of samfunn_data.ssb.query on purpose: the server is the reference the client is
tested against, so it must not share the client's mistakes. Pure functions; nothing here does I/O.

SSB's behaviour followed here (PxTools/PxWebApi `PxWeb/Code/Api2/DataSelection/SelectionExpressions/*.cs`
and SSB's measurements in janbrus/pxwebapi-skills `references/troubleshooting.md`): variable and value
codes are case-insensitive (`region`, `personer1`, `TOP(1)` work), codelist ids are not; a comma inside
an expression in a GET needs square brackets (`[range(2020,2022)]`); `top(0)` and other malformed
expressions are "Illegal selection expression"; a data request without any `valueCodes` gets the
table's default selection.
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


def default_selection(cube: Cube) -> dict[str, dict]:
    """What SSB answers when a data request selects nothing: the newest period, the first content, and
    for every other variable that cannot be eliminated its first value (PxWebApi's
    `SimpleDefaultSelection`/`Bjarte3` keep the answer small in the same way); eliminable ones are left out.
    """
    sel = {}
    for dim in cube.dims:
        if cube.is_time(dim):
            sel[dim] = {"values": ["top(1)"]}
        elif not cube.eliminable(dim):
            sel[dim] = {"values": [cube.codes(dim)[0]]}
    return sel


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
