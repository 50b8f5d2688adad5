"""The shape a fetched table must have before it may join the embedded snapshot in the fact base.

A fetched vintage is merged cell by cell with the snapshot, keyed by every dimension. If it has other
dimensions (a 07459 fetch without `Kjonn` gives totals, which would be added to the rows by sex and double
the population) or codes the build does not know (`K-5033` from the `agg_KommSummer` codelist would be
read as a region of its own), merging it would silently change the figures. `conform` therefore either
normalises a frame where the mapping is exact, or refuses it with a `ShapeError` that says why.

Exact mappings: `K-<kommune>` (codelist `agg_KommSummer`, "summed to today's borders") is the municipality
on current borders, which is what the snapshot holds; `F-<fylke>` (`agg_KommFylker`) is the county as the
sum of its municipalities, which is how the snapshot's counties are made.

Tables fetched on the municipality codes of each year (KOSTRA's `KOKkommuneregion0000`, and `Region` of
06913, 06944, 07984, 09429: `TableSpec.yearly_region`) answer with every municipality code of the years
asked for, current and former. Rows of codes outside the allowed ones (former municipalities, and SSB's own
aggregates if selected) are left out rather than refusing the frame: they are other units, not other codes
for the same unit, so leaving them out changes no figure of a municipality that is kept.

Where SSB's code differs from the snapshot's but SSB's label names the snapshot's code (14288's contents
`Personer` labelled "Hovedalternativet (MMMM)": `TableSpec.codes_from_labels`), the code is taken from the
brackets ending the label; a label without them refuses the frame.
"""

from __future__ import annotations

import re

import pandas as pd

from samfunn_data.errors import SamfunnError

VALUE_COLUMNS = ("value", "status")
PREFIXED = re.compile(r"^(?:K-(\d{4})|F-(\d{2}))$")
BRACKETED = re.compile(r"\(([^()]+)\)\s*$")


class ShapeError(SamfunnError):
    """A fetched table whose dimensions or codes do not match the shape the fact base expects."""


def normalise_region(codes: pd.Series) -> pd.Series:
    """`K-5033` -> `5033`, `F-50` -> `50`; other codes unchanged."""
    text = codes.astype(str)
    found = text.str.extract(PREFIXED)
    return found[0].fillna(found[1]).fillna(text)


def codes_from_labels(frame: pd.DataFrame, dim: str, what: str) -> pd.DataFrame:
    """`frame` with `dim`'s codes replaced by the code in brackets ending each SSB label, or a ShapeError."""
    labels = frame.attrs.get("category_labels", {}).get(dim, {})
    mapping = {}
    for code in frame[dim].astype(str).unique():
        found = BRACKETED.search(str(labels.get(code, "")))
        if found is None:
            shown = labels.get(code, "ingen etikett")
            raise ShapeError(f"{what}: {dim} {code} har ingen kode i etiketten ({shown!r})")
        mapping[code] = found.group(1)
    out = frame.copy()
    out[dim] = out[dim].astype(str).map(mapping)
    return out


def conform(frame: pd.DataFrame, dims: list[str], codes: dict[str, set[str]], what: str,
            yearly: str = "") -> pd.DataFrame:
    """`frame` in the expected shape, or a `ShapeError` naming what differs.

    Parameters
    ----------
    frame : tidy table (one column per dimension, `value`, `status`), as decoded from a fetch.
    dims : the dimensions the table must have, in any order.
    codes : for some dimensions, the codes allowed (e.g. every region the registry knows); a code outside
        them refuses the frame. Dimensions not named here (e.g. `Tid`) accept any code.
    what : how to name the frame in the error (e.g. the stored query folder).
    yearly : a region dimension on the codes of each year (`TableSpec.yearly_region`): its codes outside
        `codes` are other units (former municipalities) and are left out instead of refusing the frame.
    """
    have = [c for c in frame.columns if c not in VALUE_COLUMNS]
    missing, extra = [d for d in dims if d not in have], [d for d in have if d not in dims]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"mangler {', '.join(missing)}")
        if extra:
            parts.append(f"har i tillegg {', '.join(extra)}")
        raise ShapeError(f"{what}: har ikke tabellens dimensjoner ({'; '.join(parts)})")
    out = frame.copy()
    if "Region" in out.columns:
        out["Region"] = normalise_region(out["Region"])
    for dim, allowed in codes.items():
        if dim not in out.columns:
            continue
        if dim == yearly:
            out = out[out[dim].astype(str).isin(allowed)]
            continue
        unknown = sorted(set(out[dim].astype(str)) - allowed)
        if unknown:
            shown = ", ".join(unknown[:5]) + (" …" if len(unknown) > 5 else "")
            raise ShapeError(f"{what}: ukjente koder i {dim}: {shown}")
    return out[dims + [c for c in VALUE_COLUMNS if c in out.columns]]


def drop_placeholders(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` without the region-years whose figures add up to exactly 0 persons.

    SSB's `agg_KommSummer` writes 0, not "no figure", for a municipality on today's borders in the years
    before it was split off (Narvik, Hamarøy, Heim, Hitra, Orkland before 2020: oystess/valg_analyser,
    `data/raw/ssb/MANIFEST.md`). A region with no inhabitants at all is such a placeholder, never a count;
    the snapshot leaves those years out, and so does the build.
    """
    if "Region" not in frame.columns or "Tid" not in frame.columns:
        return frame
    totals = frame.groupby(["Region", "Tid"])["value"].transform("sum")
    return frame[totals != 0]


def complete_counties(frame: pd.DataFrame, members: dict[str, set[str]],
                      municipalities: pd.DataFrame | None = None) -> pd.DataFrame:
    """`frame` without county-years for which some municipality of the county has no figure.

    A fetched county sum over a year with a missing (or placeholder) municipality would be too low, so it
    is left out; `municipalities` (Region, Tid rows; default `frame`'s own) are the figures there are.
    """
    if "Region" not in frame.columns or "Tid" not in frame.columns:
        return frame
    source = frame if municipalities is None else municipalities
    municipal = set().union(*members.values())  # the registry's municipalities, not a code length
    pairs = source.loc[source["Region"].astype(str).isin(municipal), ["Tid", "Region"]].astype(str)
    pairs = pairs.drop_duplicates()
    have = pairs.groupby("Tid")["Region"].agg(set)
    complete = {(county, year) for year, munis in have.items()
                for county, need in members.items() if need <= munis}
    region = frame["Region"].astype(str)
    is_county = region.isin(members.keys())
    county = frame[is_county]
    keys = pd.Series(list(zip(region[is_county], county["Tid"].astype(str), strict=True)), index=county.index)
    return frame.drop(index=keys.index[~keys.isin(complete)])
