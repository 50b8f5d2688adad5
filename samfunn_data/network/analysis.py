"""Researchers' view of the learning network: the six participants against comparable units over time.

Groups (membership is fixed at `reference_year`, 1 January, so a group's series does not jump when a
municipality crosses 2,500 inhabitants; every membership is computed from the data, never listed):

- ``deltakere``: the network's participants (network.toml);
- ``sma_nl_tr``: the other municipalities in Nordland and Trøndelag under 2,500 inhabitants;
- ``sma_norge``: all municipalities in Norway under 2,500 inhabitants (participants included);
- the counties Nordland (18) and Trøndelag (50), and Norway ("0").

Tables that cover only Nordland and Trøndelag (e.g. 06913 births/migration, 06944 income) give no values
for small municipalities elsewhere: group summaries then report ``n`` = 0 and missing values, never a guess.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.facts import municipalities

PARTICIPANTS = "deltakere"
SMALL_NL_TR = "sma_nl_tr"
SMALL_NORWAY = "sma_norge"
COMPARISONS = (SMALL_NL_TR, SMALL_NORWAY)
GROUP_LABELS = {
    PARTICIPANTS: "Deltakerne",
    SMALL_NL_TR: "Andre små kommuner i Nordland og Trøndelag",
    SMALL_NORWAY: "Alle små kommuner i Norge",
    "18": "Nordland",
    "50": "Trøndelag",
    "0": "Norge",
}
# A group's median is shown only when at least this share of its members has a value: tables that cover
# only Nordland and Trøndelag would otherwise present NL/TR's small municipalities as "all small in Norway".
MIN_COVERAGE = 0.8
# Indicators that are numbers of persons (or households) can be summed over a group; others cannot.
ADDITIVE_UNITS = ("personer", "husholdninger")
PANEL_COLUMNS = [
    "kommunenr", "navn", "level", "fylke", "deltaker", "liten_nl_tr", "liten_norge", "year", "indicator",
    "value", "unit", "count", "robustness", "flag", "source_table", "vintage",
]


@dataclass(frozen=True)
class Period:
    """A span of calendar years, e.g. 2015–2019: changes from 1 January `first` to 1 January `last + 1`."""

    first: int
    last: int

    @property
    def label(self) -> str:
        return f"{self.first}–{self.last}"

    @property
    def years(self) -> list[int]:
        return list(range(self.first, self.last + 1))

    @classmethod
    def parse(cls, value) -> Period:
        if isinstance(value, Period):
            return value
        if isinstance(value, str):
            first, _, last = value.replace("–", "-").partition("-")
            return cls(int(first), int(last or first))
        first, last = value
        return cls(int(first), int(last))


# ---------------------------------------------------------------- groups and panel


def membership(reference_year: int = 2020) -> pd.DataFrame:
    """One row per municipality in any group: kommunenr, navn, fylke and the three membership flags."""
    rule = municipalities.network()
    participants = {str(c) for c in rule.participants}
    counties = {str(c) for c in rule.counties}
    small = {m.code: m for m in municipalities.small_municipalities(reference_year)}
    rows = {}
    for code in sorted(participants | set(small)):
        m = small.get(code) or municipalities.lookup(code)
        rows[code] = {
            "kommunenr": code, "navn": m.name, "fylke": m.county,
            "deltaker": code in participants,
            "liten_nl_tr": code in small and m.county in counties and code not in participants,
            "liten_norge": code in small,
        }
    return pd.DataFrame(list(rows.values()))


def _load_facts(facts: pd.DataFrame | None) -> pd.DataFrame:
    if facts is not None:
        return facts
    from samfunn_data.facts import factbase

    return factbase.load()


def panel(years=None, indicators=None, reference_year: int = 2020, facts: pd.DataFrame | None = None
          ) -> pd.DataFrame:
    """The tidy panel: participants, small municipalities, the two counties and Norway, every indicator.

    Parameters
    ----------
    years : (first, last) or "2015-2024"; None keeps every year in the fact base.
    indicators : list of indicator ids; None keeps all.
    reference_year : 1 January of this year decides which municipalities count as small.
    facts : the long fact table (``factbase.load()`` when None).

    Returns
    -------
    DataFrame with PANEL_COLUMNS: one row per (unit, year, indicator). Counties and Norway have
    level "fylke"/"land" and all membership flags False.
    """
    facts = _load_facts(facts)
    members = membership(reference_year)
    rule = municipalities.network()
    counties = [str(c) for c in rule.counties]
    keep = facts["kommunenr"].isin(set(members["kommunenr"]) | set(counties) | {"0"})
    out = facts[keep]
    if years is not None:
        span = Period.parse(years)
        out = out[out["year"].between(span.first, span.last)]
    if indicators is not None:
        out = out[out["indicator"].isin(list(indicators))]
    out = out.merge(members, on="kommunenr", how="left")
    names = {c: GROUP_LABELS.get(c, c) for c in counties + ["0"]}
    regional = out["level"] != "kommune"
    out.loc[regional, "navn"] = out.loc[regional, "kommunenr"].map(names)
    out.loc[regional, "fylke"] = out.loc[regional, "kommunenr"].where(out.loc[regional, "level"] == "fylke")
    for flag in ("deltaker", "liten_nl_tr", "liten_norge"):
        out[flag] = out[flag].fillna(False).astype(bool)
    for col in PANEL_COLUMNS:
        if col not in out:
            out[col] = pd.NA
    out = out[PANEL_COLUMNS].sort_values(["indicator", "level", "kommunenr", "year"], kind="stable")
    return out.reset_index(drop=True)


def group_codes(panel_df: pd.DataFrame, group: str) -> list[str]:
    """Municipality codes in a group (``deltakere``, ``sma_nl_tr``, ``sma_norge``) or [code] for a region."""
    flag = {PARTICIPANTS: "deltaker", SMALL_NL_TR: "liten_nl_tr", SMALL_NORWAY: "liten_norge"}.get(group)
    if flag is None:
        return [group]
    return sorted(panel_df.loc[panel_df[flag], "kommunenr"].unique())


def group_summary(panel_df: pd.DataFrame, indicator: str, groups=None) -> pd.DataFrame:
    """Per group and year: number of municipalities with a value, median, quartiles and (for counts) the sum.

    Regions (counties, Norway) come out with n = 1 and their own value as median and sum. `dekning` is
    n / group size; callers showing a group's median should require MIN_COVERAGE.
    """
    groups = groups or [PARTICIPANTS, SMALL_NL_TR, SMALL_NORWAY, "18", "50", "0"]
    data = panel_df[(panel_df["indicator"] == indicator) & panel_df["value"].notna()]
    unit = data["unit"].iloc[0] if not data.empty else None
    years = sorted(panel_df.loc[panel_df["indicator"] == indicator, "year"].unique())
    frames = []
    for group in groups:
        codes = group_codes(panel_df, group)
        sub = data[data["kommunenr"].isin(codes)]
        stats = sub.groupby("year")["value"].agg(
            n="count", median="median", q1=lambda v: v.quantile(0.25), q3=lambda v: v.quantile(0.75),
            total="sum",
        ).reindex(years)
        stats["n"] = stats["n"].fillna(0).astype(int)
        stats["dekning"] = stats["n"] / len(codes) if codes else 0.0
        stats.loc[stats["n"] < len(codes), "total"] = np.nan  # a sum over part of a group is not its sum
        if unit not in ADDITIVE_UNITS:
            stats["total"] = np.nan
        stats.insert(0, "gruppe", group)
        stats.insert(1, "navn", GROUP_LABELS.get(group, group))
        stats.insert(2, "n_gruppe", len(codes))
        frames.append(stats.reset_index())
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "indicator", indicator)
    return out


def group_counts(panel_df: pd.DataFrame, year: int) -> pd.DataFrame:
    """How many municipalities and inhabitants (1 January `year`) each group holds."""
    rows = []
    pop = panel_df[(panel_df["indicator"] == "folkemengde") & (panel_df["year"] == year)]
    for group in (PARTICIPANTS, SMALL_NL_TR, SMALL_NORWAY, "18", "50", "0"):
        codes = group_codes(panel_df, group)
        values = pop.loc[pop["kommunenr"].isin(codes), "value"]
        rows.append({
            "gruppe": GROUP_LABELS.get(group, group),
            "kommuner": len(codes) if group in (PARTICIPANTS, SMALL_NL_TR, SMALL_NORWAY) else pd.NA,
            f"innbyggere 1. januar {year}": values.sum() if len(values) == len(codes) else np.nan,
            "minste": values.min() if group in (PARTICIPANTS, SMALL_NL_TR, SMALL_NORWAY) else np.nan,
            "største": values.max() if group in (PARTICIPANTS, SMALL_NL_TR, SMALL_NORWAY) else np.nan,
        })
    return pd.DataFrame(rows)


def index_series(panel_df: pd.DataFrame, indicator: str = "folkemengde", base_year: int = 2020,
                 groups=None) -> pd.DataFrame:
    """Each participant and each group (sum over its members) as an index, base_year = 100."""
    summary = group_summary(panel_df, indicator, groups)
    summary = summary.assign(value=summary["total"].where(summary["total"].notna(), summary["median"]))
    data = panel_df[(panel_df["indicator"] == indicator) & panel_df["deltaker"]]
    own = data[["kommunenr", "navn", "year", "value"]].rename(columns={"kommunenr": "gruppe"})
    both = pd.concat([own, summary[["gruppe", "navn", "year", "value"]]], ignore_index=True)
    base = both[both["year"] == base_year].set_index("gruppe")["value"]
    both["indeks"] = both["value"] / both["gruppe"].map(base) * 100
    return both.dropna(subset=["indeks"])


# ---------------------------------------------------------------- before / during


def _population(panel_df: pd.DataFrame) -> pd.DataFrame:
    pop = panel_df[panel_df["indicator"] == "folkemengde"]
    return pop.pivot_table(index="kommunenr", columns="year", values="value", aggfunc="first")


def _flows(panel_df: pd.DataFrame, indicator: str) -> pd.DataFrame:
    data = panel_df[panel_df["indicator"] == indicator]
    return data.pivot_table(index="kommunenr", columns="year", values="value", aggfunc="first")


def _period_stats(pop: pd.Series, period: Period) -> dict:
    """Change over a period from a population series (index = year, 1 January) and its yearly swings."""
    years = period.years + [period.last + 1]
    values = pop.reindex(years)
    if values.isna().any():
        return {"start": np.nan, "end": np.nan, "change": np.nan, "pst": np.nan, "annual": np.nan,
                "se": np.nan, "middel": np.nan}
    yearly = values.pct_change().dropna() * 100
    return {
        "start": values.iloc[0], "end": values.iloc[-1], "change": values.iloc[-1] - values.iloc[0],
        "pst": (values.iloc[-1] / values.iloc[0] - 1) * 100, "annual": yearly.mean(),
        # the unit's own year-to-year spread within the period (robustness.py's rule for net figures)
        "se": yearly.std(ddof=1) / np.sqrt(len(yearly)) if len(yearly) > 1 else np.nan,
        # person-years: the sum of each year's mean population (1 January and the 1 January after), the
        # denominator of a flow per 1000 inhabitants per year
        "middel": float(((values.iloc[:-1].to_numpy() + values.iloc[1:].to_numpy()) / 2).sum()),
    }


def _component_sum(flows: pd.DataFrame, codes: list[str], period: Period) -> float:
    """Sum of a flow over the codes and the period's years; NaN unless every value is in the data."""
    block = flows.reindex(index=codes, columns=period.years)
    return float(block.to_numpy().sum()) if block.notna().all().all() and len(codes) else np.nan


def before_during(panel_df: pd.DataFrame, before="2015-2019", during="2020-2023",
                  comparison: str = SMALL_NL_TR) -> pd.DataFrame:
    """Population change and its components, before vs during the network period.

    One row per unit: each participant, the participants together, the comparison group together, the
    two counties and Norway. A period's change runs from 1 January of its first year to 1 January after
    its last. ``annual_*`` is the mean of the yearly % changes; ``se_*`` its standard error from the
    unit's own year-to-year spread; ``middel_*`` the period's person-years (sum of the years' mean
    population); ``vurdering`` applies robustness.differs to during vs before.
    Natural increase and net migration are summed over a period only when the data has every year of
    it for every member (06913 starts in 2019 in the snapshot); otherwise they are missing.
    """
    from samfunn_data.facts.robustness import differs

    before, during = Period.parse(before), Period.parse(during)
    pop = _population(panel_df)
    natural, migration = _flows(panel_df, "fodselsoverskudd"), _flows(panel_df, "nettoinnflytting")
    units: list[tuple[str, str, list[str]]] = []
    names = panel_df.drop_duplicates("kommunenr").set_index("kommunenr")["navn"]
    for code in group_codes(panel_df, PARTICIPANTS):
        units.append((code, str(names.get(code, code)), [code]))
    needed = before.years + during.years + [during.last + 1]
    for group in (PARTICIPANTS, comparison):
        # Members without population for every year of both periods would break the sum; they are left
        # out and the row's `kommuner` says how many were summed.
        complete = pop.reindex(columns=needed).notna().all(axis=1)
        codes = [c for c in group_codes(panel_df, group) if complete.get(c, False)]
        units.append((group, GROUP_LABELS[group] + " samlet", codes))
    for region in ("18", "50", "0"):
        units.append((region, GROUP_LABELS[region], [region]))
    rows = []
    for key, label, codes in units:
        block = pop.reindex(codes)
        series = block.sum(min_count=len(codes)) if len(codes) > 1 else block.iloc[0]
        row = {"enhet": key, "navn": label, "kommuner": len(codes) if key not in ("18", "50", "0") else pd.NA}
        for tag, period in (("for", before), ("under", during)):
            stats = _period_stats(series, period)
            row.update({f"{k}_{tag}": v for k, v in stats.items()})
            row[f"fodselsoverskudd_{tag}"] = _component_sum(natural, codes, period)
            row[f"nettoinnflytting_{tag}"] = _component_sum(migration, codes, period)
        row["forskjell_pp"] = row["annual_under"] - row["annual_for"]
        row["vurdering"] = differs(row["annual_under"], row["annual_for"], row["se_under"], row["se_for"])
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update({"before": before.label, "during": during.label, "comparison": comparison})
    return out


def component_coverage(panel_df: pd.DataFrame) -> tuple[int | None, int | None]:
    """First and last year with natural increase in the panel (None when the data has none)."""
    years = panel_df.loc[(panel_df["indicator"] == "fodselsoverskudd") & panel_df["value"].notna(), "year"]
    return (None, None) if years.empty else (int(years.min()), int(years.max()))


# ---------------------------------------------------------------- export


def default_export_dir() -> Path:
    """reports/network (or SAMFUNN_REPORTS_DIR/network)."""
    from samfunn_data.config import get_settings

    return get_settings().reports_dir / "network"


def export_panel(panel_df: pd.DataFrame, out_dir: str | Path, stem: str = "network_panel") -> dict[str, Path]:
    """Write the panel as tidy CSV (UTF-8, comma) and Parquet; returns the two paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {"csv": out / f"{stem}.csv", "parquet": out / f"{stem}.parquet"}
    frame = panel_df.copy()
    frame.attrs = {}  # the fact table's attrs may hold objects Parquet metadata cannot serialise
    frame.to_csv(paths["csv"], index=False)
    frame.to_parquet(paths["parquet"], index=False)
    return paths
