"""Selections: request parameters to {var: {values, codelist, output}}, and selection expressions to codes.

Written independently of samfunn_data.ssb.query on purpose: the server is the reference the client is
tested against, so it must not share the client's mistakes. Pure functions; nothing here does I/O.
"""

from __future__ import annotations

import re

from tests.pxweb_server.problem import Problem
from tests.pxweb_server.tables import Cube


def split_values(text: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in text:
        depth += ch in "([" and 1 or (ch in ")]" and -1 or 0)
        if ch == "," and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [v.strip()[1:-1] if v.strip().startswith("[") else v.strip() for v in out if v.strip()]


def _pick(expr: str, codes: list[str], is_time: bool, var: str) -> list[str]:
    m = re.fullmatch(r"(?i)(top|bottom|from|to|range)\((.*)\)", expr)
    if not m:
        if "*" in expr or "?" in expr:
            rx = re.compile("^" + re.escape(expr).replace(r"\*", ".*").replace(r"\?", ".") + "$")
            return [c for c in codes if rx.match(c)]
        if expr not in codes:
            raise Problem(
                400, "Non-existent value", f"The value '{expr}' does not exist for variable '{var}'"
            )
        return [expr]
    kind, args = m.group(1).lower(), [a.strip() for a in m.group(2).split(",")]
    if kind in ("top", "bottom"):
        n, off = int(args[0]), int(args[1]) if len(args) > 1 else 0
        seq = codes[::-1] if (kind == "top") == is_time else codes
        chosen = seq[off : off + n]
        return sorted(chosen, key=codes.index)
    for a in args:
        if a not in codes:
            raise Problem(400, "Illegal selection expression", f"'{a}' in '{expr}' is not a value of '{var}'")
    lo = codes.index(args[0]) if kind in ("from", "range") else 0
    hi = codes.index(args[-1]) if kind in ("to", "range") else len(codes) - 1
    lo, hi = min(lo, hi), max(lo, hi)
    return codes[lo : hi + 1]


def resolve(values: list[str], codes: list[str], is_time: bool, var: str) -> list[str]:
    wanted = set()
    for v in values:
        wanted.update(_pick(v, codes, is_time, var))
    return [c for c in codes if c in wanted]


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


def v0_selection(cube: Cube, body: dict) -> dict[str, dict]:
    sel: dict[str, dict] = {}
    for item in body.get("query", []):
        filt, values = item["selection"]["filter"], item["selection"]["values"]
        entry = sel.setdefault(item["code"], {})
        if filt == "item":
            entry["values"] = values
        elif filt == "all":
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
