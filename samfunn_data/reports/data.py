"""What one report (municipality, year) may show: the fact base as it stood in the report year.

Everything here reads the fact base (`factbase.as_of`, `factbase.comparisons`) or, for the two figures
the long fact table cannot hold (the age-by-sex pyramid and the yearly projection path), the same SSB
tables the fact base was built from (`sources.find_sources`: newest fetched vintage, else the snapshot),
so every number keeps its table id and vintage. Tables are cached per process: the report runner keeps a
kernel warm across reports, so a table is read once per worker, not once per report.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
import pandas as pd

from samfunn_data.config import get_settings
from samfunn_data.facts.claims import ClaimLog

SMALL_LIMIT = 2500


@dataclass
class ReportData:
    """The facts one report may use. ``facts`` and ``comparisons`` hold only what was known in ``year``."""

    kommunenr: str
    name: str
    county: str
    county_name: str
    year: int
    facts: pd.DataFrame
    comparisons: pd.DataFrame
    county_facts: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    claims: ClaimLog = field(default_factory=ClaimLog, repr=False)  # the sentences rendered so far

    _groups: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def _of(self, frame_name: str, indicator: str) -> pd.DataFrame:
        """The rows of one indicator; split once per table (a report asks a few hundred times)."""
        if frame_name not in self._groups:
            frame = getattr(self, frame_name)
            groups = frame.groupby("indicator", sort=False) if len(frame) else ()
            self._groups[frame_name] = dict(tuple(groups))
        found = self._groups[frame_name].get(indicator)
        return found if found is not None else getattr(self, frame_name).iloc[0:0]

    def row(self, indicator: str, year: int | None = None) -> pd.Series | None:
        """The comparison row of ``indicator`` for ``year`` (default: the latest visible year), or None."""
        rows = self._of("comparisons", indicator)
        if year is not None:
            rows = rows[rows["year"] == year]
        rows = rows[rows["value"].notna()]
        if rows.empty:
            return None
        return rows.sort_values("year").iloc[-1]

    def value(self, indicator: str, year: int | None = None) -> float | None:
        row = self.row(indicator, year)
        return None if row is None else float(row["value"])

    def series(self, indicator: str) -> pd.DataFrame:
        """All visible years of ``indicator`` with comparisons, oldest first."""
        return self._of("comparisons", indicator).sort_values("year").reset_index(drop=True)

    def county_value(self, indicator: str, year: int | None = None) -> float | None:
        """The county's value (e.g. the low/high projection alternatives, which exist only for counties)."""
        frame = self.county_facts
        if frame.empty:
            return None
        rows = frame[(frame["indicator"] == indicator) & frame["value"].notna()]
        if year is not None:
            rows = rows[rows["year"] == year]
        return None if rows.empty else float(rows.sort_values("year").iloc[-1]["value"])

    def series_of_facts(self, indicator: str) -> pd.Series:
        """The visible yearly values of ``indicator`` (fact table) by year, oldest first."""
        rows = self._of("facts", indicator)
        return rows.set_index("year")["value"].sort_index()

    def fact(self, indicator: str, year: int | None = None) -> pd.Series | None:
        """The fact row (with source table and vintage) of ``indicator``."""
        rows = self._of("facts", indicator)
        rows = rows[rows["value"].notna()]
        if year is not None:
            rows = rows[rows["year"] == year]
        return None if rows.empty else rows.sort_values("year").iloc[-1]


def municipality(kommunenr: str):
    """The registry entry (code, name, county, county_name) of a municipality."""
    from samfunn_data.facts import municipalities

    return municipalities.lookup(str(kommunenr))


def load(kommunenr: str, year: int) -> ReportData:
    """Facts and comparisons for ``kommunenr`` as they stood in ``year`` (see `factbase.as_of`), with the
    uncertainty of net figures and population changes estimated from the visible years only (`asof`)."""
    from samfunn_data.facts import factbase

    muni = municipality(kommunenr)
    regions = {code: factbase.load(code) for code in (muni.code, muni.county, "0")}
    return assemble(muni, year, pd.concat(regions.values(), ignore_index=True),
                    factbase.comparisons(muni.code))


def assemble(muni, year: int, facts: pd.DataFrame, comparisons: pd.DataFrame) -> ReportData:
    """A ReportData from fact and comparison tables (all years; `facts` holding at least the municipality,
    its county and the country): cut at ``year``, spreads and verdicts re-estimated as of ``year``.

    `load` reads the tables from the fact base; tests pass tables built from data cut at ``year``.
    """
    from samfunn_data.facts import asof, factbase

    year = int(year)
    seen = asof.restate(factbase.visible(facts[facts["kommunenr"].isin([muni.code, muni.county, "0"])], year))
    own = seen[seen["kommunenr"] == muni.code].reset_index(drop=True)
    comps = comparisons[comparisons["kommunenr"] == muni.code]
    comps = comps.merge(own[["indicator", "year"]].drop_duplicates(), on=["indicator", "year"], how="inner")
    comps = asof.reverdict(comps, seen)
    county = seen[seen["kommunenr"] == muni.county].reset_index(drop=True)
    return ReportData(muni.code, muni.name, muni.county, muni.county_name, year, own, comps, county)


# -- series for charts ----------------------------------------------------------------------------------


@lru_cache(maxsize=4)
def _population_table(settings_key: tuple) -> pd.DataFrame:
    """Population on 1 January for every region and year (from the fact base)."""
    from samfunn_data.facts import factbase

    facts = factbase.load()
    pop = facts.loc[facts["indicator"] == "folkemengde", ["kommunenr", "level", "year", "value"]]
    return pop.reset_index(drop=True)


def _settings_key() -> tuple:
    s = get_settings()
    return (str(s.data_dir), str(s.snapshot_dir))


def population_index(data: ReportData, span: int = 20) -> pd.DataFrame:
    """Population indexed to 100 in a base year, up to 1 January of the report year.

    Columns: year, kommune, fylke, land, små (median of the indices of the municipalities with under
    2,500 inhabitants in the report year, all of Norway). Base year: the first year with data, at most
    ``span`` years before the report year.
    """
    pop = _population_table(_settings_key())
    pop = pop[pop["year"] <= data.year]
    own = pop[pop["kommunenr"] == data.kommunenr].set_index("year")["value"]
    if own.empty:
        return pd.DataFrame(columns=["year", "kommune", "fylke", "land", "små"])
    base = max(int(own.index.min()), data.year - span)
    wide = pop[pop["year"] >= base].pivot_table(index="year", columns="kommunenr", values="value")
    every = _population_table(_settings_key())  # all years: a municipality formed later still counts
    members = sorted(every.loc[(every["level"] == "kommune") & (every["kommunenr"].str[:2] == data.county),
                               "kommunenr"].unique())
    wide[data.county] = _county_series(wide, data.county, members)
    index = wide / wide.loc[base] * 100
    munis = pop[(pop["level"] == "kommune") & (pop["year"] == data.year) & (pop["value"] < SMALL_LIMIT)]
    small = [c for c in munis["kommunenr"] if c in index.columns and not np.isnan(index.loc[base, c])]
    out = pd.DataFrame({
        "year": index.index.astype(int),
        "kommune": index[data.kommunenr].to_numpy(),
        "fylke": index[data.county].to_numpy() if data.county in index else np.nan,
        "land": index["0"].to_numpy() if "0" in index else np.nan,
        "små": index[small].median(axis=1).to_numpy() if small else np.nan,
    })
    out.attrs.update(base_year=base, n_small=len(small))
    return out


def _county_series(wide: pd.DataFrame, county: str, members: list[str]) -> pd.Series:
    """The county's population; where the data has no county figure, the sum of its present municipalities
    (``members``: every code the county has in any year), used only in years where each of them has a
    figure: then the sum is exact on today's borders. A year where some present municipality has no
    figure (it was formed later, e.g. by a split) gets none, rather than a sum over part of the county."""
    own = wide[county] if county in wide else pd.Series(np.nan, index=wide.index)
    present = [c for c in members if c in wide.columns]
    if not members or len(present) < len(members):
        return own
    complete = wide[present].notna().all(axis=1)
    summed = wide[present].sum(axis=1).where(complete)
    return own.fillna(summed)


@lru_cache(maxsize=8)
def _table(table_id: str, settings_key: tuple) -> pd.DataFrame:
    from samfunn_data.facts.sources import find_sources

    settings = get_settings()
    source = find_sources(settings, [table_id]).get(table_id)
    if source is None:
        return pd.DataFrame()
    frame = source.load()
    frame.attrs["vintage"] = source.vintage
    frame.attrs["origin"] = source.origin
    return frame


def source_table(table_id: str) -> pd.DataFrame:
    """A tidy SSB table as the fact base reads it (cached per process)."""
    return _table(table_id, _settings_key())


@lru_cache(maxsize=2)
def _indexed_07459(settings_key: tuple) -> pd.DataFrame:
    """07459 indexed by (Region, Tid): a report picks two of ~15,000 slices; a boolean mask over three
    million rows per report cost a second, the sorted index lookup a few milliseconds."""
    table = source_table("07459")
    if table.empty:
        return table
    frame = table.assign(Region=table["Region"].astype(str), Tid=table["Tid"].astype(str))
    frame = frame.set_index(["Region", "Tid"]).sort_index()
    frame.attrs = dict(table.attrs)
    return frame


def _age_number(alder: pd.Series) -> np.ndarray:
    return pd.to_numeric(alder.astype(str).str.rstrip("+"), errors="coerce").to_numpy()


def age_pyramid(data: ReportData) -> pd.DataFrame:
    """Persons by sex and five-year age band on 1 January of the report year, for the municipality and
    Norway, with shares of each population's total (so shapes compare across sizes).

    Columns: band (label), lo, region ("kommune"/"land"), menn, kvinner, menn_andel, kvinner_andel (percent).
    """
    table = _indexed_07459(_settings_key())
    if table.empty:
        return pd.DataFrame()
    keys = [(code, str(data.year)) for code in (data.kommunenr, "0") if (code, str(data.year)) in table.index]
    if not keys:
        return pd.DataFrame()
    part = table.loc[keys].reset_index()
    if not (part["Region"].astype(str) == data.kommunenr).any():
        return pd.DataFrame()
    ages = _age_number(part["Alder"])
    lows = np.minimum((ages // 5) * 5, 90)
    frame = pd.DataFrame({"region": np.where(part["Region"].astype(str) == "0", "land", "kommune"),
                          "sex": part["Kjonn"].astype(str).to_numpy(), "lo": lows,
                          "value": part["value"].to_numpy()})
    wide = frame.pivot_table(index=["region", "lo"], columns="sex", values="value", aggfunc="sum",
                             fill_value=0).reset_index()
    wide = wide.rename(columns={"1": "menn", "2": "kvinner"})
    totals = wide.groupby("region")[["menn", "kvinner"]].sum().sum(axis=1)
    wide["menn_andel"] = 100 * wide["menn"] / wide["region"].map(totals)
    wide["kvinner_andel"] = 100 * wide["kvinner"] / wide["region"].map(totals)
    wide["band"] = [f"{lo}–{lo + 4}" if lo < 90 else "90+" for lo in wide["lo"]]
    wide.attrs["vintage"] = table.attrs.get("vintage")
    return wide.sort_values(["region", "lo"]).reset_index(drop=True)


def projection_paths(data: ReportData) -> pd.DataFrame:
    """SSB's projected population per year (all years of the projection vintage) for the municipality (main
    alternative) and its county (low, main, high), each indexed to its population on 1 January of the
    report year (= 100), plus the observed municipal index for the report year and the ten years before.

    Columns: year, series ("kommune_observert", "kommune_MMMM", "fylke_LLML", "fylke_MMMM", "fylke_HHMH"),
    value (persons), index.
    """
    from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR

    if data.year < PROJECTION_VINTAGE_YEAR:  # published after the report year: the report never shows it
        return pd.DataFrame(columns=["year", "series", "value", "index"])
    proj = source_table("14288")
    pop = _population_table(_settings_key())
    base_k = pop[(pop["kommunenr"] == data.kommunenr) & (pop["year"] == data.year)]["value"]
    base_f = pop[(pop["kommunenr"] == data.county) & (pop["year"] == data.year)]["value"]
    if proj.empty or base_k.empty:
        return pd.DataFrame(columns=["year", "series", "value", "index"])
    base_k, base_f = float(base_k.iloc[0]), (float(base_f.iloc[0]) if not base_f.empty else np.nan)
    region = proj["Region"].astype(str)
    code = proj["ContentsCode"].astype(str)
    frames = []
    own = proj[(region == data.kommunenr) & (code == "MMMM")]
    frames.append(pd.DataFrame({"year": own["Tid"].astype(int), "series": "kommune_MMMM",
                                "value": own["value"], "index": 100 * own["value"] / base_k}))
    for alt in ("LLML", "MMMM", "HHMH"):
        cty = proj[(region == data.county) & (code == alt)]
        frames.append(pd.DataFrame({"year": cty["Tid"].astype(int), "series": f"fylke_{alt}",
                                    "value": cty["value"], "index": 100 * cty["value"] / base_f}))
    hist = pop[(pop["kommunenr"] == data.kommunenr) & pop["year"].between(data.year - 10, data.year)]
    frames.append(pd.DataFrame({"year": hist["year"].astype(int), "series": "kommune_observert",
                                "value": hist["value"], "index": 100 * hist["value"] / base_k}))
    out = pd.concat(frames, ignore_index=True).dropna(subset=["value"])
    out.attrs["vintage"] = proj.attrs.get("vintage")
    return out.sort_values(["series", "year"]).reset_index(drop=True)


# -- sources --------------------------------------------------------------------------------------------


@lru_cache(maxsize=2)
def _manifest(settings_key: tuple) -> dict:
    path = get_settings().snapshot_dir / "MANIFEST.json"
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    except (OSError, ValueError):
        return {}


def manifest() -> dict:
    """The snapshot's MANIFEST.json tables (titles, vintages, attributions); {} if missing."""
    return _manifest(_settings_key())


def tables_used(data: ReportData) -> list[str]:
    """SSB table ids behind the facts this report shows (source_table may read "14288+07459")."""
    ids: set[str] = set()
    for value in data.facts["source_table"].dropna().unique():
        ids.update(str(value).split("+"))
    return sorted(ids)
