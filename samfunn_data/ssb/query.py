"""The `Query` value object and pure functions over it: URLs, POST bodies, expansion, cell counts, splits.

Nothing here does I/O. Expanding selection expressions needs the codes a table (or a codelist) offers;
callers pass them in as plain lists so the same code serves the live client, the store and the snapshot.
"""

from __future__ import annotations

import fnmatch
import hashlib
import json
import math
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from urllib.parse import quote

from samfunn_data.errors import QueryError

OUTPUT_VALUES = ("aggregated", "single")
# SSB answers 404 for GET URLs beyond ~2,100 characters; switch to POST a little earlier.
MAX_GET_URL = 2000

_CODELIST_ID = re.compile(r"[A-Za-z0-9_-]{1,100}")
_EXPRESSION = re.compile(r"^(top|bottom|from|to|range)\((.*)\)$", re.IGNORECASE)


@dataclass(frozen=True)
class Selection:
    """What is asked of one variable: codes and/or expressions, optionally through a codelist."""

    variable: str
    values: tuple[str, ...]
    codelist: str | None = None
    output_values: str | None = None  # "aggregated" | "single" (SSB's outputValues[VAR])

    def __post_init__(self):
        if not self.values:
            raise QueryError(f"no values selected for variable {self.variable!r}")
        if self.codelist is not None and not _CODELIST_ID.fullmatch(self.codelist):
            # The id goes into a URL path (/codelists/{id}): refuse anything but SSB's id characters.
            raise QueryError(
                f"codelist id {self.codelist!r} for {self.variable!r} is not an SSB codelist id; they are "
                "letters, digits, '_' and '-', e.g. agg_KommSummer or vs_Fylker"
            )
        if self.output_values is not None and self.output_values not in OUTPUT_VALUES:
            raise QueryError(
                f"outputValues for {self.variable!r} must be 'aggregated' or 'single', "
                f"not {self.output_values!r}"
            )


@dataclass(frozen=True)
class Query:
    """A request for part of one SSB table. Frozen, hashable, and cheap to copy."""

    table_id: str
    selections: tuple[Selection, ...]
    lang: str = "no"
    # Filled by `expand`: the variables whose values are now explicit codes only.
    expanded: bool = field(default=False, compare=False)

    @classmethod
    def build(
        cls,
        table_id: str,
        select: Mapping[str, str | int | Iterable[str]],
        codelist: Mapping[str, str] | None = None,
        output_values: Mapping[str, str] | None = None,
        lang: str = "no",
    ) -> Query:
        """Build a query from plain Python values.

        `select` maps variable -> codes, either as a list or as one comma-separated string
        (``"5033,5026"``, ``"from(2020)"``, ``"top(3)"``, ``"*"``).
        """
        codelist, output_values = dict(codelist or {}), dict(output_values or {})
        for extra in set(codelist) | set(output_values):
            if extra not in select:
                raise QueryError(f"codelist/outputValues given for {extra!r}, which has no selection")
        selections = tuple(
            Selection(var, _as_values(values), codelist.get(var), output_values.get(var))
            for var, values in select.items()
        )
        return cls(str(table_id), selections, lang)

    def __post_init__(self):
        if not re.fullmatch(r"[A-Za-z0-9_-]+", self.table_id):
            raise QueryError(f"table id {self.table_id!r} is not an SSB table id such as '07459'")
        names = [s.variable for s in self.selections]
        if len(set(names)) != len(names):
            raise QueryError(f"a variable is selected twice in {names}")

    def selection(self, variable: str) -> Selection | None:
        return next((s for s in self.selections if s.variable == variable), None)

    def with_values(self, variable: str, values: Sequence[str]) -> Query:
        """A copy with `variable` restricted to `values` (used to split a query)."""
        sels = tuple(
            replace(s, values=tuple(values)) if s.variable == variable else s for s in self.selections
        )
        return replace(self, selections=sels)


def _as_values(values: str | int | Iterable[str]) -> tuple[str, ...]:
    if isinstance(values, int):
        values = str(values)  # Tid=2024 written as a number
    if isinstance(values, str):
        return split_codes(values)
    return tuple(str(v).strip() for v in values)


def split_codes(text: str) -> tuple[str, ...]:
    """Split a comma-separated value list as SSB writes it.

    Commas inside ``top(3,1)``/``range(a,b)`` and inside brackets (``[1,2]``: a code that holds a
    comma) do not split; brackets around a code are removed.
    """
    parts, depth, current = [], 0, []
    for char in text:
        if char in "([":
            depth += 1
        elif char in ")]":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    cleaned = []
    for part in (p.strip() for p in parts):
        if part.startswith("[") and part.endswith("]"):
            part = part[1:-1]
        if part:
            cleaned.append(part)
    return tuple(cleaned)


def format_codes(values: Iterable[str]) -> str:
    """Join values for a GET parameter; a value holding a comma goes in brackets.

    In a GET, SSB splits the list at every comma outside square brackets, so `range(2020,2022)` and
    `top(3,1)` must be sent as `[range(2020,2022)]` (janbrus/pxwebapi-skills, troubleshooting.md).
    """
    out = []
    for value in values:
        if "," in value:
            value = f"[{value}]"
        out.append(value)
    return ",".join(out)


def is_expression(value: str) -> bool:
    """True for ``*``/``?`` patterns and ``top()``, ``bottom()``, ``from()``, ``to()``, ``range()``."""
    return "*" in value or "?" in value or bool(_EXPRESSION.match(value))


# --- HTTP request shapes -------------------------------------------------------------------------------


@dataclass(frozen=True)
class HttpRequest:
    """A request as plain data: what the client sends and what the store records."""

    method: str  # "GET" | "POST"
    url: str
    body: dict | None = None


def _param_pairs(query: Query, include_selection: bool) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = [("lang", query.lang), ("outputFormat", "json-stat2")]
    for sel in query.selections:
        if include_selection:
            pairs.append((f"valueCodes[{sel.variable}]", format_codes(sel.values)))
            if sel.codelist:
                pairs.append((f"codelist[{sel.variable}]", sel.codelist))
        # outputValues stays in the query string for POST too: whether SSB reads it from the body is
        # undocumented, and rOpenGov/pxweb sends it as a URL parameter.
        if sel.output_values:
            pairs.append((f"outputValues[{sel.variable}]", sel.output_values))
    return pairs


def _encode(pairs: list[tuple[str, str]]) -> str:
    # Keep brackets, commas, parentheses and '*' readable: SSB's own examples show them unescaped.
    return "&".join(f"{quote(k, safe='[]')}={quote(v, safe=',()*?[]')}" for k, v in pairs)


def data_url(query: Query, base_url: str) -> str:
    """The v2 GET URL for `query`."""
    return f"{base_url.rstrip('/')}/tables/{query.table_id}/data?{_encode(_param_pairs(query, True))}"


def post_body(query: Query) -> dict:
    """The v2 POST body (selection only; lang/outputFormat/outputValues go in the URL)."""
    selection = []
    for sel in query.selections:
        item = {"variableCode": sel.variable, "valueCodes": list(sel.values)}
        if sel.codelist:
            item["codelist"] = sel.codelist
        selection.append(item)
    return {"selection": selection}


def v2_request(query: Query, base_url: str, max_url: int = MAX_GET_URL) -> HttpRequest:
    """GET when the URL is short enough, else POST with the selection in the body."""
    url = data_url(query, base_url)
    if len(url) <= max_url:
        return HttpRequest("GET", url)
    post_url = f"{base_url.rstrip('/')}/tables/{query.table_id}/data?{_encode(_param_pairs(query, False))}"
    return HttpRequest("POST", post_url, post_body(query))


def v0_filter(sel: Selection) -> dict:
    """One v0 query item. v0 knows item/all/top and agg:/vs: codelists, not v2's other expressions."""
    values = list(sel.values)
    if sel.codelist:
        if any(is_expression(v) for v in values):
            raise QueryError(
                f"the v0 API accepts only explicit codes with a codelist ({sel.variable}: {values}); "
                "expand the query against metadata first or use the v2 API"
            )
        prefix = "vs" if sel.codelist.startswith("vs_") else "agg"
        if prefix == "agg" and sel.output_values == "single":
            prefix = "agg_single"
        name = sel.codelist.split("_", 1)[1] if "_" in sel.codelist else sel.codelist
        return {"filter": f"{prefix}:{name}", "values": values}
    if len(values) == 1 and (m := re.fullmatch(r"top\((\d+)\)", values[0], re.IGNORECASE)):
        return {"filter": "top", "values": [m.group(1)]}
    if len(values) == 1 and "*" in values[0] and "?" not in values[0]:
        return {"filter": "all", "values": values}
    unsupported = [v for v in values if is_expression(v)]
    if unsupported:
        raise QueryError(
            f"the v0 API cannot express {unsupported} for {sel.variable}; expand the query first "
            "(the client does this when it has metadata) or use the v2 API"
        )
    return {"filter": "item", "values": values}


def v0_request(query: Query, v0_url: str) -> HttpRequest:
    """The v0 POST: ``{v0_url}/{lang}/table/{id}`` with a json-stat2 response."""
    body = {
        "query": [{"code": s.variable, "selection": v0_filter(s)} for s in query.selections],
        "response": {"format": "json-stat2"},
    }
    return HttpRequest("POST", f"{v0_url.rstrip('/')}/{query.lang}/table/{query.table_id}", body)


# --- Normalised key ------------------------------------------------------------------------------------


def normalised(query: Query, api: str = "v2") -> dict:
    """The request as plain data with variables sorted: equal queries give equal dicts.

    Value order is kept: it is part of what was asked (SSB may echo it), so it is part of the key.
    """
    return {
        "api": api,
        "table": query.table_id,
        "lang": query.lang,
        "selection": [
            {
                "variable": s.variable,
                "values": list(s.values),
                "codelist": s.codelist,
                "outputValues": s.output_values,
            }
            for s in sorted(query.selections, key=lambda s: s.variable.lower())
        ],
    }


def query_key(query: Query, api: str = "v2") -> str:
    """A short, stable file-name key for the normalised request."""
    canonical = json.dumps(normalised(query, api), sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode()).hexdigest()[:16]


def query_from_normalised(data: Mapping) -> Query:
    """Inverse of `normalised` (the store keeps the normalised form in every sidecar)."""
    sels = tuple(
        Selection(s["variable"], tuple(s["values"]), s.get("codelist"), s.get("outputValues"))
        for s in data["selection"]
    )
    return Query(data["table"], sels, data.get("lang", "no"))


def fetch_command(query: Query) -> str:
    """The `samfunn fetch` command line that fetches `query` (used in error messages)."""
    words = ["samfunn", "fetch", query.table_id]
    for sel in query.selections:
        words += ["--select", f"{sel.variable}={format_codes(sel.values)}"]
        if sel.codelist:
            words += ["--codelist", f"{sel.variable}={sel.codelist}"]
        if sel.output_values:
            words += ["--output-values", f"{sel.variable}={sel.output_values}"]
    return shlex.join(words)


# --- Expansion against metadata -------------------------------------------------------------------------


def _int_args(expr: str, args: str) -> tuple[int, int]:
    try:
        numbers = [int(a) for a in args.split(",")]
    except ValueError:
        raise QueryError(f"illegal selection expression {expr!r}: expected top(n) or top(n,offset)") from None
    if len(numbers) not in (1, 2) or numbers[0] < 1 or min(numbers) < 0:
        raise QueryError(f"illegal selection expression {expr!r}: expected top(n) or top(n,offset)")
    return numbers[0], (numbers[1] if len(numbers) == 2 else 0)


def _index_of(code: str, codes: Sequence[str], expr: str, variable: str) -> int:
    try:
        return list(codes).index(code)
    except ValueError:
        raise QueryError(f"{expr!r} for {variable}: {code!r} is not one of its codes") from None


def expand_value(value: str, codes: Sequence[str], variable: str, is_time: bool) -> list[str]:
    """The codes one value or expression stands for, in the table's order (PxWebApi 2.0 semantics).

    ``top(n,o)`` takes the newest n periods for time (skipping o), else the first n; ``bottom`` the
    opposite; ``from``/``to``/``range`` are inclusive positions in the table's order.
    """
    match = _EXPRESSION.match(value)
    if match:
        name, args = match.group(1).lower(), match.group(2)
        if name in ("top", "bottom"):
            n, offset = _int_args(value, args)
            from_end = (name == "top") == is_time
            ordered = list(codes)[::-1] if from_end else list(codes)
            picked = ordered[offset : offset + n]
            return picked[::-1] if from_end else picked
        if name == "from":
            return list(codes)[_index_of(args.strip(), codes, value, variable) :]
        if name == "to":
            return list(codes)[: _index_of(args.strip(), codes, value, variable) + 1]
        ends = [a.strip() for a in args.split(",")]
        if len(ends) != 2:
            raise QueryError(f"illegal selection expression {value!r}: expected range(a,b)")
        i, j = sorted(_index_of(e, codes, value, variable) for e in ends)
        return list(codes)[i : j + 1]
    if "*" in value or "?" in value:
        if value.count("*") > 2:
            raise QueryError(f"illegal selection expression {value!r}: at most two '*'")
        pattern = re.compile(fnmatch.translate(value).replace("(?s:", "(?:"))
        return [c for c in codes if pattern.fullmatch(c)]
    if value not in codes:
        raise QueryError(f"{value!r} is not a value of {variable} (it has {_preview(codes)})")
    return [value]


def _preview(codes: Sequence[str]) -> str:
    shown = ", ".join(list(codes)[:8])
    return f"{len(codes)} codes: {shown}{', ...' if len(codes) > 8 else ''}"


def expand(query: Query, available: Mapping[str, Sequence[str]], time_variables: Iterable[str] = ()) -> Query:
    """Replace every expression with explicit codes, in the table's order, without duplicates.

    `available` maps each selected variable to the codes it offers (the codelist's codes when the
    selection names a codelist). Raises `QueryError` naming an unknown variable or value.
    """
    times = set(time_variables)
    selections = []
    for sel in query.selections:
        if sel.variable not in available:
            raise QueryError(
                f"table {query.table_id} has no variable {sel.variable!r} (it has {', '.join(available)})"
            )
        codes = list(available[sel.variable])
        wanted: set[str] = set()
        for value in sel.values:
            wanted.update(expand_value(value, codes, sel.variable, sel.variable in times))
        if not wanted:
            raise QueryError(f"selection {list(sel.values)} for {sel.variable} matches no value")
        selections.append(replace(sel, values=tuple(c for c in codes if c in wanted)))
    return replace(query, selections=tuple(selections), expanded=True)


def count_cells(query: Query) -> int:
    """Cells an expanded query asks for (omitted variables are eliminated and count once)."""
    if not query.expanded:
        raise QueryError("count_cells needs an expanded query; call expand(query, metadata codes) first")
    return math.prod(len(s.values) for s in query.selections)


def split(query: Query, max_cells: int) -> list[Query]:
    """Parts of an expanded query, each at most `max_cells`, cut along the largest dimension first.

    Parts keep the table's order, so concatenating their results gives the unsplit order.
    """
    if max_cells < 1:
        raise QueryError(f"max_cells must be positive, not {max_cells}")
    cells = count_cells(query)
    if cells <= max_cells:
        return [query]
    largest = max(query.selections, key=lambda s: len(s.values))
    if len(largest.values) == 1:
        raise QueryError(f"one cell cannot be split further (limit {max_cells})")
    rest = cells // len(largest.values)
    chunk = max(1, max_cells // rest)
    parts = []
    for start in range(0, len(largest.values), chunk):
        parts.extend(
            split(query.with_values(largest.variable, largest.values[start : start + chunk]), max_cells)
        )
    return parts


def halve(query: Query) -> list[Query]:
    """Two parts along the largest dimension, for a server that refused with 'too many cells'."""
    largest = max(query.selections, key=lambda s: len(s.values))
    if len(largest.values) < 2:
        raise QueryError("the server refused a single-cell query as too large; nothing left to split")
    mid = len(largest.values) // 2
    return [
        query.with_values(largest.variable, largest.values[:mid]),
        query.with_values(largest.variable, largest.values[mid:]),
    ]
