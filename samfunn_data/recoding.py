"""Municipality codes of a year -> today's (2024) municipalities, by exact sums only.

SSB publishes tables such as 03321 (commuting flows) with the municipality codes valid in each year: the
4th quarter of 2017 has 1665 Tydal and 1850 Tysfjord, 2024 has 5033 Tydal, 1806 Narvik and 1875 Hamarøy.
The fact base holds municipalities on 2024 borders, so every year's codes are recoded the same way,
whether the rows come from the embedded snapshot or from a live fetch:

- a code still in use in 2024 stays as it is; a code retired after the year takes its 2024 successor
  from the code changes (KLASS 131, `klass-131-changes` in the snapshot: every retired code -> the 2024
  code(s) its area belongs to, with the date it was retired);
- where a code's area went to more than one 2024 municipality (1850 Tysfjord -> Narvik and Hamarøy), no
  share of it is allocated: the code keeps its own number with the suffix ``-<year>`` (``1850-2017``),
  and so does every other code of the year whose 2024 municipality received part of a split one
  (``1805-2017`` Narvik), so those 2024 municipalities get no figures for that year;
- a year whose codes are all current (and unsplit) is recoded by identity.

Figures are summed, never apportioned, so every total of a code of the year is kept: `recode` checks
that the sum per place of work and per place of residence is unchanged. A code the year cannot have
(unknown, or retired before the year) with figures is refused; with zeros only it is dropped (StatBank
lists retired codes with zero cells). This module is shared by the snapshot importer (its checks) and the
build, so both recode with the same code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from samfunn_data.errors import SamfunnError

# "Tydal (-2017)", "Halden (2020-2023)": SSB's labels of codes no longer in use carry their years
YEARS_IN_LABEL = re.compile(r"\s*\((?:\d{4})?-(?:\d{4})?\)$")


class RecodingError(SamfunnError):
    """Codes of a year that cannot be recoded to today's municipalities."""


@dataclass(frozen=True)
class Recoding:
    """How one year's codes map to 2024 codes."""

    year: int
    mapping: dict[str, str]  # code of the year -> 2024 code, or "<code>-<year>" for inexact areas
    split: tuple[str, ...]  # codes of the year whose area went to more than one 2024 municipality
    without: tuple[str, ...]  # 2024 municipalities that get no figures for the year

    @property
    def suffix(self) -> str:
        return f"-{self.year}"

    @property
    def identity(self) -> bool:
        return all(old == new for old, new in self.mapping.items())


def recoding(codes, year: int, changes: pd.DataFrame, current) -> Recoding:
    """The recoding of `codes` (valid in `year`) to the 2024 municipalities `current`.

    Parameters
    ----------
    codes : iterable of str
        Municipality codes used in the year's figures.
    year : int
        The year the codes are valid in (changes take effect on 1 January, so a code retired on
        1 January Y+1 is valid in Y).
    changes : DataFrame
        `klass-131-changes`: oldCode, newCode (2024 code), changeOccurred (YYYY-MM-DD).
    current : iterable of str
        The municipality codes of 2024.

    Raises
    ------
    RecodingError
        If a code is neither a 2024 code nor one retired after `year`.
    """
    current = set(map(str, current))
    retired_year = changes["changeOccurred"].astype(str).str[:4].astype(int)
    later = changes[retired_year > year]
    successors = later.groupby("oldCode")["newCode"].agg(set).to_dict()
    targets, unknown = {}, []
    for code in sorted(set(map(str, codes))):
        if code in successors:
            targets[code] = successors[code]
        elif code in current:
            targets[code] = {code}
        else:
            unknown.append(code)
    if unknown:
        shown = ", ".join(unknown[:8]) + (" …" if len(unknown) > 8 else "")
        raise RecodingError(f"kommunekoder som ikke var i bruk i {year}: {shown}")
    shared = set().union(*(t for t in targets.values() if len(t) > 1)) if targets else set()
    suffix = f"-{year}"
    mapping = {c: next(iter(t)) if len(t) == 1 and not t & shared else c + suffix for c, t in targets.items()}
    split = tuple(c for c, t in targets.items() if len(t) > 1)
    return Recoding(year, mapping, split, tuple(sorted(shared)))


def recode(frame: pd.DataFrame, dims: tuple[str, ...], changes: pd.DataFrame, current) -> pd.DataFrame:
    """`frame` with the municipality codes in `dims` recoded to 2024 codes, year by year (`Tid`).

    Rows that land on the same codes are summed; flows of zero are dropped; `status` is dropped (a sum
    has no single status). `attrs["category_labels"]` gets labels for the ``<code>-<year>`` codes
    ("Tysfjord (kommune i 2017)") from the frame's own labels of the codes of the year.

    Raises
    ------
    RecodingError
        If a year has a code it cannot have (with figures), or a total would change.
    """
    frame = frame[frame["value"].notna()].astype({d: str for d in dims})
    others = [c for c in frame.columns if c not in (*dims, "value", "status")]
    labels = {c: lab for d in dims for c, lab in frame.attrs.get("category_labels", {}).get(d, {}).items()}
    parts, split_labels = [], {}
    for tid, rows in frame.groupby(frame["Tid"].astype(str), sort=True):
        year = int(tid[:4])
        nonzero = rows.loc[rows["value"] != 0, list(dims)].to_numpy().ravel()
        recoded = recoding(pd.unique(nonzero), year, changes, current)
        rows = rows[rows[list(dims)].isin(set(recoded.mapping)).all(axis=1)]  # drops all-zero codes only
        out = rows.assign(**{d: rows[d].map(recoded.mapping) for d in dims})
        out = out.groupby([*dims, *others], as_index=False)["value"].sum()
        out = out[out["value"] != 0]
        for d in dims:
            before = rows.groupby(rows[d].map(recoded.mapping))["value"].sum()
            after = out.groupby(d)["value"].sum().reindex(before.index, fill_value=0)
            if not before.equals(after):
                raise RecodingError(f"omkodingen av {year} endret summene for {d}")
        for old, new in recoded.mapping.items():
            if new.endswith(recoded.suffix):
                name = YEARS_IN_LABEL.sub("", labels.get(old, old).removeprefix(f"{old} "))
                split_labels[new] = f"{name} (kommune i {year})"
        parts.append(out)
    columns = [c for c in frame.columns if c != "status"]
    result = pd.concat(parts, ignore_index=True)[columns] if parts else frame[columns].iloc[0:0]
    result.attrs = {**frame.attrs, "category_labels": {**frame.attrs.get("category_labels", {}),
                                                       **{d: split_labels for d in dims}}}
    return result
