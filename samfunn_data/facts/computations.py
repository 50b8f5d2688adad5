"""The named computations of the indicator catalogue.

Each public function takes an `Inputs` (the tidy SSB tables, read lazily) and returns a long frame with
columns kommunenr, year, indicator, value, count, se, pooled, flag: one row per region, year and indicator
it can compute. `count` is the count the robustness rule grades on, `se` the standard error `differs` uses
(NaN where the rule has none), `pooled` the number of years summed into the value, `flag` a caveat from
the source (None for most). Rows exist only where the data has the figures; nothing is filled in. The
municipal economy's computations live in `samfunn_data.facts.economy`.

Population by single-year age (07459, ~3 million rows) is turned once into a dense array
region x year x sex x age (`PopulationCube`), so every age indicator is a vectorised sum over a slice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from samfunn_data.errors import FactbaseError
from samfunn_data.facts import commuting as commuting_flows
from samfunn_data.facts import robustness
from samfunn_data.facts.indicators import (
    AGE_GROUPS,
    INDUSTRIES,
    OTHER_INDUSTRIES,
    PROJECTION_FIRST_REPORT_YEAR,
    PROJECTION_YEARS,
)

COLUMNS = ["kommunenr", "year", "indicator", "value", "count", "se", "pooled", "flag"]
MAX_AGE = 105  # SSB's top age group "105+" counts as 105
BORDER_CHANGE_YEAR = 2020  # Nordland and Trøndelag got their current borders on 1 January 2020


def level_of(codes: pd.Series) -> pd.Series:
    """The level in SSB's region code system: "0" the country, two digits a county, four a municipality.

    Any other code (e.g. `K-5033` from a codelist, or a code with letters) is not a region the fact base
    knows, and is refused rather than given a level by its length.
    """
    text = codes.astype(str)
    kommune, fylke, land = text.str.fullmatch(r"\d{4}"), text.str.fullmatch(r"\d{2}"), text == "0"
    unknown = sorted(set(text[~(kommune | fylke | land)]))
    if unknown:
        raise FactbaseError(f"region codes outside SSB's code system reached the fact base: {unknown[:5]}")
    return pd.Series(np.select([kommune, fylke], ["kommune", "fylke"], "land"), index=codes.index)


def _years(tid: pd.Series) -> np.ndarray:
    """Tid is "2024" for years, "2024K4" for quarters: the year is the first four characters."""
    codes, categories = _factorize(tid)
    return np.array([int(str(c)[:4]) for c in categories], dtype=np.int64)[codes]


def _factorize(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their distinct values; free for categorical columns (how sources are read)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        return column.cat.codes.to_numpy(), np.asarray(column.cat.categories, dtype=object)
    codes, uniques = pd.factorize(column)
    return codes, np.asarray(uniques, dtype=object)


def long_frame(regions, years, indicator: str, value, count, se=np.nan, pooled=1, flag=None) -> pd.DataFrame:
    """Rows for one indicator, dropping cells without a value. `flag`: a caveat per row (indicators.FLAGS)."""
    # object dtype here, str once at the end: converting every small frame to str costs more than the math
    frame = pd.DataFrame({"kommunenr": pd.Series(np.asarray(regions, dtype=object), dtype=object),
                          "year": np.asarray(years, int), "indicator": indicator,
                          "value": np.asarray(value, float)})
    n = len(frame)
    frame["count"] = np.broadcast_to(np.asarray(count, float), (n,))
    frame["se"] = np.broadcast_to(np.asarray(se, float), (n,))
    frame["pooled"] = np.broadcast_to(np.asarray(pooled, int), (n,))
    frame["flag"] = pd.Series(np.broadcast_to(np.asarray(flag, dtype=object), (n,)), dtype=object)
    return frame[np.isfinite(frame["value"].to_numpy())]


@dataclass
class PopulationCube:
    """Population on 1 January as a dense array: pop[region, year, sex (0 men, 1 women), age 0..105]."""

    regions: np.ndarray  # region codes (str)
    years: np.ndarray  # contiguous int years
    pop: np.ndarray
    present: np.ndarray  # [region, year] bool: the data has this region in this year

    @classmethod
    def from_tidy(cls, df: pd.DataFrame) -> PopulationCube:
        df = df[df["value"].notna()]
        region_codes, region_values = _factorize(df["Region"])
        used = np.unique(region_codes)  # a categorical may list regions without rows
        order = sorted(used, key=lambda i: str(region_values[i]))
        position = np.full(len(region_values), -1)
        position[order] = np.arange(len(order))
        region_idx = position[region_codes]
        regions = [str(region_values[i]) for i in order]
        year_values = _years(df["Tid"])
        first, last = int(year_values.min()), int(year_values.max())
        year_idx = year_values - first
        alder_idx, alder_codes = _factorize(df["Alder"])
        age_of_code = np.array([int(str(code).rstrip("+")) for code in alder_codes])
        age_idx = np.minimum(age_of_code[alder_idx], MAX_AGE)
        sex_codes, sex_values = _factorize(df["Kjonn"])
        sex_idx = (np.array([str(v) == "2" for v in sex_values])[sex_codes]).astype(np.int64)
        n_regions, n_years, n_ages = len(regions), last - first + 1, MAX_AGE + 1
        flat = ((region_idx * n_years + year_idx) * 2 + sex_idx) * n_ages + age_idx
        size = n_regions * n_years * 2 * n_ages
        # bincount is the vectorised scatter-add; a groupby on 3 million rows would be several times slower
        pop = np.bincount(flat, weights=df["value"].to_numpy(float), minlength=size)
        pop = pop.reshape(n_regions, n_years, 2, n_ages)
        present = np.bincount(region_idx * n_years + year_idx, minlength=n_regions * n_years) > 0
        return cls(np.asarray(regions, dtype=object), np.arange(first, last + 1), pop,
                   present.reshape(n_regions, n_years))

    def band(self, lo: int, hi: int | None = None, sex: int | None = None) -> np.ndarray:
        """Persons aged lo..hi (inclusive; hi None = no upper limit) per region and year, NaN if absent."""
        sexes = slice(None) if sex is None else slice(sex, sex + 1)
        hi = MAX_AGE if hi is None else hi
        values = self.pop[:, :, sexes, lo:hi + 1].sum(axis=(2, 3))
        return np.where(self.present, values, np.nan)

    def total(self) -> np.ndarray:
        return self.band(0)

    def grid(self) -> tuple[np.ndarray, np.ndarray]:
        """Region and year arrays matching a flattened [region, year] array."""
        return (np.repeat(self.regions, len(self.years)), np.tile(self.years, len(self.regions)))

    def lookup(self, regions, years, lo: int, hi: int | None = None) -> np.ndarray:
        """Persons aged lo..hi for arbitrary (region, year) pairs; NaN where the cube has none."""
        table = self.band(lo, hi)
        r_pos = pd.Index(self.regions).get_indexer(np.asarray(regions, dtype=object))
        y_pos = np.asarray(years, int) - self.years[0]
        ok = (r_pos >= 0) & (y_pos >= 0) & (y_pos < len(self.years))
        out = np.full(len(r_pos), np.nan)
        out[ok] = table[r_pos[ok], y_pos[ok]]
        return out


# Columns each table must have for the computations (the tidy schema's dimension ids as SSB names them).
REQUIRED_COLUMNS = {
    "07459": ("Region", "Kjonn", "Alder", "Tid", "value"),
    "06913": ("Region", "ContentsCode", "Tid", "value"),
    "06944": ("Region", "ContentsCode", "Tid", "value"),
    "07984": ("Region", "NACE2007", "Tid", "value"),
    "09429": ("Region", "Nivaa", "Tid", "value"),
    "14288": ("Region", "ContentsCode", "Tid", "value"),
    "03321": ("ArbstedKomm", "Bokommuen", "Tid", "value"),
    "klass-131-changes": ("oldCode", "newCode", "changeOccurred"),
    "regions-2024": ("code", "level"),
    "klass-128": ("code", "parentCode", "index", "validFrom", "validTo"),
    "12137": ("KOKkommuneregion0000", "KOKartkap0000", "ContentsCode", "Tid", "value", "status"),
    "12362": ("KOKkommuneregion0000", "KOKfunksjon0000", "KOKart0000", "ContentsCode", "Tid", "value",
              "status"),
    "kdd-inntektssystem": ("Region", "ContentsCode", "Tid", "value", "status"),
    "kdd-utgiftsbehov": ("Region", "ContentsCode", "Tid", "value"),
    "kdd-robek": ("Region", "Hjemmel", "Tid", "value"),
}


class Inputs:
    """The tidy tables a build reads, loaded once on first use through `reader(table_id)`."""

    # 07459 feeds only the cube; reading just these columns saves most of its read time
    CUBE_COLUMNS = ["Region", "Kjonn", "Alder", "Tid", "value"]

    def __init__(self, reader: Callable[..., pd.DataFrame]):
        self._reader = reader
        self._tables: dict[str, pd.DataFrame] = {}
        self._cube: PopulationCube | None = None

    def table(self, table_id: str) -> pd.DataFrame:
        """The tidy table; code columns as str except for 07459, which only feeds the cube."""
        if table_id not in self._tables:
            if table_id == "07459":
                frame = self._reader(table_id, columns=self.CUBE_COLUMNS)
            else:
                frame = self._reader(table_id)
                frame = frame.astype({c: object for c in frame.columns
                                      if isinstance(frame[c].dtype, pd.CategoricalDtype)})
            missing = [c for c in REQUIRED_COLUMNS.get(table_id, ()) if c not in frame.columns]
            if missing:
                raise FactbaseError(
                    f"table {table_id} has no column(s) {', '.join(missing)} "
                    f"(it has {', '.join(map(str, frame.columns))}); re-import the snapshot with "
                    "`make snapshot` or fetch the table again")
            self._tables[table_id] = frame
        return self._tables[table_id]

    def cube(self) -> PopulationCube:
        if self._cube is None:
            self._cube = PopulationCube.from_tidy(self.table("07459"))
        return self._cube

    def county_members(self) -> dict[str, set[str]]:
        """Municipality codes per county, from the regions in 07459 (the nationwide table)."""
        members: dict[str, set[str]] = {}
        for code in self.cube().regions:
            if len(code) == 4:
                members.setdefault(code[:2], set()).add(code)
        return members

    def same_borders_before_change(self) -> pd.DataFrame:
        """(Region, year) pairs before 2020 whose borders equal today's.

        Rows before 2020 in the Nordland/Trøndelag tables are on the borders of their year. A code
        covered today's area only if its 1 January population in 06913 equals 07459's on 2024 borders.
        """
        try:
            flows = self.table("06913")
        except (FileNotFoundError, KeyError, LookupError):
            return pd.DataFrame({"Region": [], "year": []})
        pop = flows[flows["ContentsCode"] == "Folkemengde"]
        years = _years(pop["Tid"])
        pop = pop.assign(year=years)[years < BORDER_CHANGE_YEAR]
        today = self.cube().lookup(pop["Region"], pop["year"], 0)
        return pop.loc[pop["value"].to_numpy() == today, ["Region", "year"]]


def nl_tr_frame(inputs: Inputs, table_id: str) -> pd.DataFrame:
    """A Nordland/Trøndelag table with an int `year`, rows on other borders before 2020 dropped."""
    df = inputs.table(table_id)
    df = df.assign(year=_years(df["Tid"]))
    early = df["year"] < BORDER_CHANGE_YEAR
    if early.any():
        ok = inputs.same_borders_before_change().assign(_ok=True)
        df = df.merge(ok, on=["Region", "year"], how="left")
        df = df[~early.to_numpy() | df["_ok"].eq(True).to_numpy()].drop(columns="_ok")
    return df[df["value"].notna()]


def with_county_sums(df: pd.DataFrame, keys: list[str], members: dict[str, set[str]]) -> pd.DataFrame:
    """Append county sums (Region = county code) where every municipality of the county is present.

    A county sum of municipal counts is exact only when no municipality is missing, so counties with a
    gap that year get no row.
    """
    muni = df[df["Region"].str.len() == 4]
    muni = muni[[code in members.get(code[:2], ()) for code in muni["Region"]]]
    county = muni["Region"].str[:2]
    grouped = muni.assign(_county=county).groupby(["_county", *keys, "year"], sort=True)
    sums = grouped["value"].agg(["sum", "size"]).reset_index()
    needed = sums["_county"].map(lambda c: len(members.get(c, ())))
    sums = sums[sums["size"] == needed]
    county_rows = sums.rename(columns={"_county": "Region", "sum": "value"}).drop(columns="size")
    return pd.concat([df[["Region", *keys, "year", "value"]], county_rows], ignore_index=True)


def _wide(df: pd.DataFrame, column: str) -> pd.DataFrame:
    """Region x year rows, one column per code of `column`."""
    return df.pivot_table(index=["Region", "year"], columns=column, values="value", aggfunc="first")


def _year_grid(series: pd.Series) -> pd.DataFrame:
    """A (Region, year) series as a Region x contiguous-years frame (NaN where missing)."""
    grid = series.unstack("year")
    return grid.reindex(columns=range(int(grid.columns.min()), int(grid.columns.max()) + 1))


def _spread(grid: pd.DataFrame) -> pd.Series:
    """Each region's year-to-year standard deviation (NaN with fewer than four years)."""
    counted = grid.notna().sum(axis=1)
    return grid.std(axis=1, ddof=1).where(counted >= robustness.MIN_YEARS_FOR_SPREAD)


def _stack(grid: pd.DataFrame) -> pd.Series:
    stacked = grid.stack(future_stack=True)
    return stacked[stacked.notna()]


# -- population totals and changes (07459) ------------------------------------------------------------

def population_totals(inputs: Inputs) -> pd.DataFrame:
    """folkemengde and endring_{1,5,10}ar (persons and percent)."""
    cube = inputs.cube()
    total = cube.total()
    regions, years = cube.grid()
    frames = [long_frame(regions, years, "folkemengde", total.ravel(), total.ravel())]
    yearly_pct = 100 * (total[:, 1:] - total[:, :-1]) / total[:, :-1]
    counted = np.isfinite(yearly_pct).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        spread = np.nanstd(np.where(np.isfinite(yearly_pct), yearly_pct, np.nan), axis=1, ddof=1)
    spread = np.where(counted >= robustness.MIN_YEARS_FOR_SPREAD, spread, np.nan)
    for k in (1, 5, 10):
        change = np.full(total.shape, np.nan)
        change[:, k:] = total[:, k:] - total[:, :-k]
        before = np.full(total.shape, np.nan)
        before[:, k:] = total[:, :-k]
        pct = 100 * change / before
        se = np.repeat(spread * np.sqrt(k), len(cube.years))
        count = np.abs(change).ravel()
        frames.append(long_frame(regions, years, f"endring_{k}ar", change.ravel(), count, pooled=k))
        frames.append(long_frame(regions, years, f"endring_{k}ar_pst", pct.ravel(), count, se, pooled=k))
    return pd.concat(frames, ignore_index=True)


# -- age structure (07459) ----------------------------------------------------------------------------

def _median_age(cube: PopulationCube) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Median age by linear interpolation within the one-year band holding the median, and its density."""
    by_age = cube.pop.sum(axis=2)  # region, year, age
    n = by_age.sum(axis=2)
    cumulative = np.cumsum(by_age, axis=2)
    half = n / 2
    band = np.argmax(cumulative >= half[:, :, None], axis=2)
    in_band = np.take_along_axis(by_age, band[:, :, None], axis=2)[:, :, 0]
    below = np.take_along_axis(cumulative, band[:, :, None], axis=2)[:, :, 0] - in_band
    with np.errstate(invalid="ignore", divide="ignore"):
        median = band + (half - below) / in_band
        density = in_band / n
    median = np.where(cube.present & (n > 0), median, np.nan)
    return median, n, density


def age_structure(inputs: Inputs) -> pd.DataFrame:
    """Age-group counts and shares, dependency and elderly ratios, sex balance 20-39, median age."""
    cube = inputs.cube()
    regions, years = cube.grid()
    total = cube.total()
    frames = []
    for gid, (lo, hi) in AGE_GROUPS.items():
        persons = cube.band(lo, hi)
        share = 100 * persons / total
        frames.append(long_frame(regions, years, f"antall_{gid}", persons.ravel(), persons.ravel()))
        frames.append(long_frame(regions, years, f"andel_{gid}", share.ravel(),
                                 np.minimum(persons, total - persons).ravel(),
                                 robustness.share_se(share, total).ravel()))
    ratios = {
        "forsorgerbrok": (cube.band(0, 15) + cube.band(67), cube.band(16, 66)),
        "eldrebrok": (cube.band(80), cube.band(20, 66)),
        "kvinner_per_100_menn_20_39": (cube.band(20, 39, sex=1), cube.band(20, 39, sex=0)),
    }
    for indicator, (numerator, denominator) in ratios.items():
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = 100 * numerator / denominator
        frames.append(long_frame(regions, years, indicator, ratio.ravel(), numerator.ravel(),
                                 robustness.ratio_se(ratio, numerator, denominator).ravel()))
    median, n, density = _median_age(cube)
    frames.append(long_frame(regions, years, "medianalder", median.ravel(), n.ravel(),
                             robustness.median_se(n, density).ravel()))
    return pd.concat(frames, ignore_index=True)


# -- births minus deaths and net migration (06913) ---------------------------------------------------

def population_flows(inputs: Inputs) -> pd.DataFrame:
    """Natural increase and net migration: persons, per 1000 of mean population, 3-year pooled."""
    df = with_county_sums(nl_tr_frame(inputs, "06913"), ["ContentsCode"], inputs.county_members())
    wide = _wide(df, "ContentsCode")
    pop = _year_grid(wide["Folkemengde"])
    mean_pop = (pop + pop.shift(-1, axis=1)) / 2  # 1 January this year and next
    frames = []
    for flow in ("Fodselsoverskudd", "Nettoinnflytting"):
        indicator = flow.lower()
        if flow not in wide:
            continue
        net = _year_grid(wide[flow]).reindex(index=pop.index, columns=pop.columns)
        rate = 1000 * net / mean_pop
        net3 = net + net.shift(1, axis=1) + net.shift(2, axis=1)
        rate3 = 1000 * net3 / (mean_pop + mean_pop.shift(1, axis=1) + mean_pop.shift(2, axis=1))
        spread = _spread(rate)
        for name, values, pooled, se_scale in ((indicator, net, 1, None), (f"{indicator}_3ar", net3, 3, None),
                                               (f"{indicator}_per_1000", rate, 1, 1.0),
                                               (f"{indicator}_3ar_per_1000", rate3, 3, 1 / np.sqrt(3))):
            stacked = _stack(values)
            regions = stacked.index.get_level_values(0)
            counts = _stack(net if pooled == 1 else net3).reindex(stacked.index).abs()
            se = np.nan if se_scale is None else spread.reindex(regions).to_numpy() * se_scale
            frames.append(long_frame(regions, stacked.index.get_level_values(1), name, stacked.to_numpy(),
                                     counts.to_numpy(), se, pooled))
    return pd.concat(frames, ignore_index=True)


# -- household income (06944) ---------------------------------------------------------------------------

def household_income(inputs: Inputs) -> pd.DataFrame:
    """Median household income after tax (municipalities only) and the number of households."""
    raw = nl_tr_frame(inputs, "06944")
    if "HusholdType" in raw:
        raw = raw[raw["HusholdType"] == "0000"]
    households = raw[raw["ContentsCode"] == "AntallHushold"]
    households = with_county_sums(households, ["ContentsCode"], inputs.county_members())
    hh = households.set_index(["Region", "year"])["value"]
    median = raw[(raw["ContentsCode"] == "InntSkatt") & (raw["Region"].str.len() == 4)]
    behind = hh.reindex(pd.MultiIndex.from_frame(median[["Region", "year"]])).to_numpy()
    return pd.concat([
        long_frame(median["Region"], median["year"], "medianinntekt", median["value"], behind),
        long_frame(households["Region"], households["year"], "husholdninger", households["value"],
                   households["value"]),
    ], ignore_index=True)


# -- centrality (KLASS 128) ----------------------------------------------------------------------------

CENTRALITY_STANDARD_YEAR = 2020


def centrality(inputs: Inputs) -> pd.DataFrame:
    """Centrality class (1-6) and index (0-1000), one row per year the 2020 standard applies.

    Only codes that are municipalities in 07459 get rows; the years run from the standard's start (or
    `validFrom`) to the last population year (or the year before `validTo`).
    """
    klass = inputs.table("klass-128")
    klass = klass[klass["code"].astype(str).str.len() == 4]
    cube = inputs.cube()
    klass = klass[klass["code"].isin(set(cube.regions))]
    start = pd.to_datetime(klass["validFrom"], errors="coerce").dt.year.fillna(CENTRALITY_STANDARD_YEAR)
    end = (pd.to_datetime(klass["validTo"], errors="coerce").dt.year - 1).fillna(cube.years[-1])
    rows = klass.assign(start=start.clip(lower=CENTRALITY_STANDARD_YEAR).astype(int), end=end.astype(int))
    rows = rows.loc[rows.index.repeat((rows["end"] - rows["start"] + 1).clip(lower=0))]
    rows["year"] = rows["start"] + rows.groupby(level=0).cumcount()
    cls = pd.to_numeric(rows["parentCode"], errors="coerce")
    return pd.concat([
        long_frame(rows["code"], rows["year"], "sentralitetsklasse", cls, np.nan),
        long_frame(rows["code"], rows["year"], "sentralitetsindeks", pd.to_numeric(rows["index"]), np.nan),
    ], ignore_index=True)


# -- projections (14288 against 07459) --------------------------------------------------------------

ALTERNATIVE_SUFFIX = {"MMMM": "", "LLML": "_lav", "HHMH": "_hoy"}


def _projection_values(inputs: Inputs) -> pd.DataFrame:
    """Projected population per region, alternative and target year, with the country as the sum of
    the counties when every county of 07459 is in the projection."""
    proj = inputs.table("14288")
    proj = proj.assign(year=_years(proj["Tid"]))
    proj = proj[proj["year"].isin(PROJECTION_YEARS) & proj["value"].notna()]
    proj = proj[["Region", "ContentsCode", "year", "value"]]
    counties = {code for code in inputs.cube().regions if len(code) == 2}
    county_rows = proj[proj["Region"].str.len() == 2]
    complete = county_rows.groupby(["ContentsCode", "year"])["Region"].agg(lambda r: set(r) == counties)
    country = county_rows.groupby(["ContentsCode", "year"])["value"].sum()[complete].reset_index()
    return pd.concat([proj, country.assign(Region="0")], ignore_index=True)


def projections(inputs: Inputs) -> pd.DataFrame:
    """Projected population (2024 projections) per report year, and % change from that year's population.

    Municipalities have the main alternative only; counties (and the country) also the low and high.
    """
    values = _projection_values(inputs)
    cube = inputs.cube()
    report_years = np.arange(max(PROJECTION_FIRST_REPORT_YEAR, cube.years[0]), cube.years[-1] + 1)
    values = values[values["ContentsCode"].isin(ALTERNATIVE_SUFFIX)]
    rows = values.loc[values.index.repeat(len(report_years))].reset_index(drop=True)
    rows["report_year"] = np.tile(report_years, len(values))
    rows = rows[rows["report_year"] < rows["year"]]
    base = cube.lookup(rows["Region"], rows["report_year"], 0)
    suffix = rows["ContentsCode"].map(ALTERNATIVE_SUFFIX)
    name = "framskrevet_" + rows["year"].astype(str) + suffix
    frames = []
    for indicator, part in rows.assign(_name=name, _base=base).groupby("_name", sort=True):
        frames.append(long_frame(part["Region"], part["report_year"], indicator, part["value"], np.nan))
        pct = 100 * (part["value"] - part["_base"]) / part["_base"]
        frames.append(long_frame(part["Region"], part["report_year"], f"{indicator}_pst", pct, np.nan))
    return pd.concat(frames, ignore_index=True)


# -- employment (07984 against 07459) -------------------------------------------------------------

TOTAL_NACE = "00-99"


def employment(inputs: Inputs) -> pd.DataFrame:
    """Employed persons 15-74 by residence (4th quarter of year t) per 100 inhabitants 15-74 on
    1 January t+1, the count per industry and each industry's share of all employed."""
    raw = nl_tr_frame(inputs, "07984")
    nace = "NACE2007"
    df = with_county_sums(raw, [nace], inputs.county_members())
    wide = _wide(df, nace)
    regions = wide.index.get_level_values("Region")
    years = wide.index.get_level_values("year")
    employed = wide[TOTAL_NACE].to_numpy()
    population = inputs.cube().lookup(regions, np.asarray(years) + 1, 15, 74)
    per_100 = 100 * employed / population
    frames = [long_frame(regions, years, "sysselsatte", employed, employed),
              long_frame(regions, years, "sysselsatte_per_100", per_100, employed,
                         robustness.ratio_se(per_100, employed, population))]
    groups = {iid: wide[code].to_numpy() for iid, (code, _label) in INDUSTRIES.items() if code in wide}
    if len(groups) == len(INDUSTRIES):  # the rest only when every listed group is in the data (NaN stays NaN)
        groups[OTHER_INDUSTRIES[0]] = employed - np.sum(list(groups.values()), axis=0)
    for iid, persons in groups.items():
        share = 100 * persons / employed
        frames.append(long_frame(regions, years, f"sysselsatte_{iid}", persons, persons))
        frames.append(long_frame(regions, years, f"andel_sysselsatte_{iid}", share,
                                 np.minimum(persons, employed - persons),
                                 robustness.share_se(share, employed)))
    return pd.concat(frames, ignore_index=True)


# -- education (09429) ----------------------------------------------------------------------------------

def education(inputs: Inputs) -> pd.DataFrame:
    """Shares of inhabitants 16+ with higher education: short, long and both."""
    raw = nl_tr_frame(inputs, "09429")
    level = "Nivaa"
    wide = _wide(with_county_sums(raw, [level], inputs.county_members()), level)
    regions = wide.index.get_level_values("Region")
    years = wide.index.get_level_values("year")
    everyone = wide["00"].to_numpy()
    parts = {"andel_hoyere_utdanning_kort": wide["03a"].to_numpy(),
             "andel_hoyere_utdanning_lang": wide["04a"].to_numpy()}
    parts["andel_hoyere_utdanning"] = (parts["andel_hoyere_utdanning_kort"]
                                       + parts["andel_hoyere_utdanning_lang"])
    frames = []
    for indicator, persons in parts.items():
        share = 100 * persons / everyone
        frames.append(long_frame(regions, years, indicator, share, np.minimum(persons, everyone - persons),
                                 robustness.share_se(share, everyone)))
    return pd.concat(frames, ignore_index=True)


def commuting(inputs: Inputs) -> pd.DataFrame:
    """Employed residents, workplaces, in- and out-commuters from the 03321 flows of every year, recoded to
    2024 municipalities (see facts.commuting)."""
    flows = commuting_flows.on_current_borders(inputs.table("03321"), inputs.table("klass-131-changes"),
                                               inputs.table("regions-2024"))
    return commuting_flows.indicators(flows)


COMPUTATIONS: dict[str, Callable[[Inputs], pd.DataFrame]] = {
    "population_totals": population_totals,
    "age_structure": age_structure,
    "population_flows": population_flows,
    "household_income": household_income,
    "centrality": centrality,
    "projections": projections,
    "employment": employment,
    "education": education,
    "commuting": commuting,
}
