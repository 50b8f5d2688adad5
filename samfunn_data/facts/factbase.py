"""The fact base: build `data/processed/` from the SSB tables, load it, compare, and say what changed.

Files in `processed_dir`:

- `facts.parquet`: the long table (kommunenr, level, year, indicator, value, unit, count, se, pooled,
  robustness, flag, source_table, vintage), one row per region, year and indicator the data has; `flag`
  is the source's caveat (`indicators.FLAGS`, e.g. preliminary 2025 accounts) or ROBEK's hjemmel;
- `comparisons.parquet`: one row per municipality, year and indicator with the county, Norway, the small
  municipalities (median, quartiles, n, rank) and the network participants beside it, and the flag;
- `build-state.json`: fingerprints of the inputs, so a build recomputes only what changed, and the sha256
  and row count of each file above, so damage is found before anything is read (see `outputs`);
- `history/facts-<label>.parquet`: the facts of earlier builds whose inputs had other vintages, kept so
  `changes(..., vintage="previous")` can show SSB's revisions.

Order of operations in `build` (all under the fact base's exclusive lock: one build at a time, readers
wait; temporary files of writers that died are swept first):
1. find the sources (store vintage or snapshot) and fingerprint them;
2. nothing changed and the files match their checksums: return at once (a damaged file is rebuilt);
3. recompute the computations whose tables changed, keep the other indicators' rows;
4. grade, label and sort the facts; recompute comparisons;
5. archive the previous facts when input vintages changed; write files, state last.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.config import PROJECT_ROOT, Settings, get_settings
from samfunn_data.errors import FactbaseError
from samfunn_data.facts import computations, economy, indicators, outputs, robustness
from samfunn_data.facts.computations import COLUMNS, Inputs, level_of
from samfunn_data.facts.sources import BORDER_TABLES, Source, find_sources
from samfunn_data.files import atomic_write
from samfunn_data.ssb.catalogue import CATALOGUE

FACTS, COMPARISONS, STATE = outputs.FACTS, outputs.COMPARISONS, outputs.STATE
HISTORY = "history"
STATE_FORMAT = 2  # 2: the state records each output's sha256 and row count
SMALL_LIMIT = 2500  # network rule: fewer than 2,500 inhabitants on 1 January
POPULATION_TABLE = "07459"
BORDER_TABLE = "06913"  # its populations tell which pre-2020 codes had today's borders
LEVEL_ORDER = {"land": 0, "fylke": 1, "kommune": 2}
FACT_COLUMNS = ["kommunenr", "level", "year", "indicator", "value", "unit", "count", "se", "pooled",
                "robustness", "flag", "source_table", "vintage"]
_CODE_FILES = ("computations.py", "commuting.py", "economy.py", "indicators.py", "robustness.py",
               "factbase.py", "sources.py", "outputs.py", "../recoding.py")
# every named computation of the catalogue
COMPUTATIONS = {**computations.COMPUTATIONS, **economy.COMPUTATIONS}


@dataclass
class BuildResult:
    """What a build did: skipped entirely, or which computations ran; row counts and timing."""

    skipped: bool
    recomputed: list[str] = field(default_factory=list)
    missing_tables: list[str] = field(default_factory=list)
    facts_rows: int = 0
    comparison_rows: int = 0
    archived: str | None = None
    seconds: float = 0.0
    repaired: dict[str, str] = field(default_factory=dict)  # damaged file -> what was wrong with it

    def summary(self) -> str:
        from samfunn_data.formatting import fmt_int, fmt_number  # here: keeps the imports block as it was
        if self.skipped:
            return (f"faktagrunnlaget er oppdatert ({fmt_int(self.facts_rows)} fakta); ingenting bygget "
                    f"på nytt ({fmt_number(self.seconds, 2)} s)")
        parts = [f"{name} var skadet ({why}); bygget på nytt" for name, why in self.repaired.items()]
        parts += [f"bygget {fmt_int(self.facts_rows)} fakta og {fmt_int(self.comparison_rows)} "
                 f"sammenligninger på {fmt_number(self.seconds, 1)} s",
                 f"regnet ut på nytt: {', '.join(self.recomputed) or 'ingenting'}"]
        if self.missing_tables:
            parts.append("tabeller som mangler (indikatorene deres er utelatt): "
                         + ", ".join(self.missing_tables))
        if self.archived:
            parts.append(f"forrige fakta er tatt vare på som {HISTORY}/facts-{self.archived}.parquet")
        return "\n".join(parts)


# ---------------------------------------------------------------- dependencies and fingerprints

def computation_tables(name: str) -> set[str]:
    """Tables a computation reads: its indicators' tables, 07459 (borders, county members), for the
    Nordland/Trøndelag tables 06913 (which pre-2020 codes had today's borders), and for tables with each
    year's municipality codes (03321) the code changes and 2024 regions they are recoded with."""
    members = [ind for ind in indicators.CATALOGUE.values() if ind.computation == name]
    tables = {t for ind in members for t in ind.source_tables}
    tables.add(POPULATION_TABLE)
    if any(ind.coverage == indicators.NL_TR for ind in members):
        tables.add(BORDER_TABLE)
    if any(t in CATALOGUE and CATALOGUE[t].year_codes for t in tables):
        tables.update(BORDER_TABLES)  # each year's codes are recoded with them (samfunn_data.recoding)
    return tables


def _all_tables() -> set[str]:
    return {t for name in COMPUTATIONS for t in computation_tables(name)}


def _code_fingerprint() -> str:
    digest = hashlib.sha256()
    here = Path(__file__).parent
    for name in _CODE_FILES:
        digest.update((here / name).read_bytes())
    return digest.hexdigest()[:16]


def _participants() -> list[str]:
    """Network participants from the registry (network.toml)."""
    try:
        from samfunn_data.facts import municipalities

        return sorted(str(code) for code in municipalities.network().participants)
    except (ImportError, AttributeError):
        import tomllib

        path = PROJECT_ROOT / "network.toml"
        if not path.exists():
            return []
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        network = data.get("network", data)
        return sorted(str(code) for code in network.get("participants", []))


def _state_for(sources: dict[str, Source], participants: list[str]) -> dict:
    return {
        "format": STATE_FORMAT,
        "code": _code_fingerprint(),
        "participants": participants,
        "inputs": {tid: {"fingerprint": s.fingerprint, "vintage": s.vintage, "origin": s.origin}
                   for tid, s in sorted(sources.items())},
    }


def _label(state: dict) -> str:
    """A file-name label for a build: newest input vintage plus a short hash of all input fingerprints."""
    inputs = state.get("inputs", {})
    vintages = sorted(str(v["vintage"]) for v in inputs.values()) or ["ukjent"]
    digest = hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()[:8]
    return f"{vintages[-1]}-{digest}".replace("/", "-").replace(" ", "_")


# ---------------------------------------------------------------- facts

def _label_facts(raw: pd.DataFrame, sources: dict[str, Source]) -> pd.DataFrame:
    """Add level, unit, robustness grade, source tables and vintages to computed rows."""
    catalogue = indicators.CATALOGUE
    raw = raw[raw["indicator"].isin(list(catalogue))]
    raw = raw.astype({"kommunenr": "str", "indicator": "str"})
    facts = raw.assign(level=level_of(raw["kommunenr"]))
    allowed = pd.MultiIndex.from_tuples([(i, lvl) for i, ind in catalogue.items() for lvl in ind.levels])
    facts = facts[pd.MultiIndex.from_arrays([facts["indicator"], facts["level"]]).isin(allowed)].copy()
    meta = pd.DataFrame({
        "indicator": list(catalogue),
        "unit": [ind.unit for ind in catalogue.values()],
        "measure": [ind.measure for ind in catalogue.values()],
        "source_table": ["+".join(ind.source_tables) for ind in catalogue.values()],
        "vintage": ["+".join(sources[t].vintage if t in sources else "ukjent" for t in ind.source_tables)
                    for ind in catalogue.values()],
    })
    facts = facts.merge(meta, on="indicator", how="left")
    grades = np.full(len(facts), None, dtype=object)
    for measure, idx in facts.groupby("measure").indices.items():
        grades[idx] = robustness.grade(facts["count"].to_numpy()[idx], measure,
                                       facts["pooled"].to_numpy()[idx])
    facts["robustness"] = pd.array(grades, dtype="str")
    return _sorted(facts[FACT_COLUMNS])


def indicator_codes(ids: pd.Series) -> np.ndarray:
    """Position of each indicator id in the catalogue (-1 if unknown): a fast key for attributes and order
    (a dict `map` over hundreds of thousands of str values is several times slower)."""
    return pd.Categorical(ids, categories=list(indicators.CATALOGUE)).codes.astype(np.int64)


def attribute(ids: pd.Series, name: str) -> np.ndarray:
    """A catalogue attribute (e.g. "kind", "measure") for each indicator id in `ids`."""
    values = np.array([getattr(ind, name) for ind in indicators.CATALOGUE.values()] + [None], dtype=object)
    return values[indicator_codes(ids)]


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    """A total order (catalogue order, level, region, year) so the same inputs give the same bytes."""
    levels = np.zeros(len(frame), dtype=np.int64)
    if "level" in frame:
        levels = pd.Categorical(frame["level"], categories=list(LEVEL_ORDER)).codes
    regions = pd.factorize(frame["kommunenr"], sort=True)[0]
    order = np.lexsort((frame["year"].to_numpy(), regions, levels, indicator_codes(frame["indicator"])))
    return frame.iloc[order].reset_index(drop=True)


def _compute(names: list[str], inputs: Inputs) -> pd.DataFrame:
    frames = [COMPUTATIONS[name](inputs) for name in names]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=COLUMNS)


# ---------------------------------------------------------------- comparisons

def _small_flags(facts: pd.DataFrame) -> pd.DataFrame:
    pop = facts[(facts["indicator"] == "folkemengde") & (facts["level"] == "kommune")]
    return pop.assign(small=pop["value"] < SMALL_LIMIT)[["kommunenr", "year", "small"]]


def compute_comparisons(facts: pd.DataFrame, participants: list[str]) -> pd.DataFrame:
    """One row per municipality, year and indicator with its county, Norway, the small municipalities
    (median, quartiles, n and rank, 1 = highest) and the network participants' median.

    Facts flagged with one of `indicators.PEER_EXCLUDED_FLAGS` (e.g. Selbu's rammetilskudd as booked) keep
    their row but count in no median, quartile, rank or n.
    """
    muni = facts[facts["level"] == "kommune"]
    muni = muni.merge(_small_flags(facts), on=["kommunenr", "year"], how="left")
    muni["small"] = muni["small"].fillna(False).astype(bool)
    muni["county"] = muni["kommunenr"].str[:2]  # 2024 codes: the first two digits are the county
    keys = ["year", "indicator"]
    county = facts[facts["level"] == "fylke"][["kommunenr", *keys, "value", "se"]]
    county = county.rename(columns={"kommunenr": "county", "value": "county_value", "se": "county_se"})
    country = facts[facts["level"] == "land"][[*keys, "value", "se"]]
    country = country.rename(columns={"value": "country_value", "se": "country_se"})
    out = muni.merge(county, on=["county", *keys], how="left").merge(country, on=keys, how="left")
    peer = ~out["flag"].isin(indicators.PEER_EXCLUDED_FLAGS)
    small = out[out["small"] & peer].groupby(keys)["value"]
    stats = pd.DataFrame({"small_median": small.median(), "small_q1": small.quantile(0.25),
                          "small_q3": small.quantile(0.75), "small_n": small.count()}).reset_index()
    network = out[out["kommunenr"].isin(participants) & peer].groupby(keys)["value"].median()
    out = out.merge(stats, on=keys, how="left").merge(
        network.rename("network_median").reset_index(), on=keys, how="left")
    out["small_n"] = out["small_n"].fillna(0).astype(int)
    ranks = out.loc[out["small"] & peer].groupby(keys)["value"].rank(ascending=False, method="min")
    out["rank_small"] = ranks.reindex(out.index)
    out["n_ranked"] = out["small_n"]
    comparable = attribute(out["indicator"], "comparable").astype(bool)
    coverage = attribute(out["indicator"], "coverage")
    out["small_group"] = np.where(coverage == indicators.NL_TR, "små kommuner i Nordland og Trøndelag",
                                  "små kommuner i Norge")
    for side in ("county", "country"):
        verdict = robustness.differs(out["value"], out[f"{side}_value"], out["se"], out[f"{side}_se"])
        out[f"vs_{side}"] = np.where(comparable, verdict, robustness.UNAVAILABLE)
    columns = ["kommunenr", "year", "indicator", "value", "count", "robustness", "county", "county_value",
               "country_value", "small_median", "small_q1", "small_q3", "small_n", "network_median",
               "rank_small", "n_ranked", "vs_county", "vs_country", "small_group", "unit", "flag"]
    return _sorted(out[columns])


# ---------------------------------------------------------------- writing

def _archive_previous(processed: Path, old: dict | None, new: dict, damaged) -> str | None:
    """Keep the previous facts when the input vintages changed (not for a code-only rebuild, and never a
    damaged file); the archived state keeps their checksum, so they are checked when compared."""
    if not old or old.get("inputs") == new["inputs"] or FACTS in damaged:
        return None
    label = _label(old)
    history = processed / HISTORY
    history.mkdir(exist_ok=True)
    outputs.write_json(old, history / f"state-{label}.json")
    atomic_write(history / f"facts-{label}.parquet", (processed / FACTS).read_bytes())
    return label


# ---------------------------------------------------------------- build

def _changed_computations(old: dict | None, new: dict, force: bool) -> list[str]:
    names = sorted(COMPUTATIONS)
    whole = force or old is None or old.get("format") != STATE_FORMAT or old.get("code") != new["code"]
    if whole:
        return names
    old_inputs = old.get("inputs", {})
    changed = {tid for tid in set(old_inputs) | set(new["inputs"])
               if old_inputs.get(tid, {}).get("fingerprint") != new["inputs"].get(tid, {}).get("fingerprint")}
    return [name for name in names if computation_tables(name) & changed]


def build(force: bool = False, settings: Settings | None = None,
          participants: list[str] | None = None) -> BuildResult:
    """Build (or bring up to date) the fact base in `settings.processed_dir`.

    Parameters
    ----------
    force : bool
        Recompute everything even when no input changed.
    settings : Settings, optional
        Defaults to `get_settings()` (SAMFUNN_DATA_DIR, SAMFUNN_SNAPSHOT_DIR, ...).
    participants : list of str, optional
        Network participants for the comparison; default: network.toml via the registry.

    Returns
    -------
    BuildResult saying what was recomputed and which damaged files were rebuilt.

    Raises
    ------
    LockTimeoutError : another build or a report run held the fact base longer than settings.lock_timeout.
    """
    started = time.perf_counter()
    settings = settings or get_settings()
    with outputs.lock(settings, shared=False, holder="samfunn build"):
        return _build(force, settings, participants, started)


def _build(force: bool, settings: Settings, participants: list[str] | None, started: float) -> BuildResult:
    processed = settings.processed_dir
    if processed.is_dir():
        outputs.sweep(processed)
    sources = find_sources(settings, _all_tables())
    if POPULATION_TABLE not in sources:
        raise FactbaseError(
            f"table {POPULATION_TABLE} (population) is neither in the store nor in the snapshot at "
            f"{settings.snapshot_dir}; run `samfunn fetch {POPULATION_TABLE}` or restore data/raw/snapshot")
    new_state = _state_for(sources, sorted(participants) if participants is not None else _participants())
    old_state = outputs.read_state(processed)
    # An old state that lacks checksums is not "damage": it only means a full rebuild.
    damaged = outputs.problems(processed, old_state) if _current_format(old_state) else {}
    if old_state is None and (processed / STATE).exists():
        damaged[STATE] = "filen kan ikke leses, så ingen fil kunne sjekkes"
    todo = _changed_computations(old_state, new_state, force or FACTS in damaged)
    missing = sorted(_all_tables() - set(sources))
    if (not todo and not damaged and old_state is not None
            and old_state.get("participants") == new_state["participants"]):
        rows = old_state["outputs"][FACTS]["rows"]
        return BuildResult(True, facts_rows=rows, seconds=time.perf_counter() - started)
    runnable = [name for name in todo if computation_tables(name) <= set(sources)]
    inputs = Inputs(lambda table_id, columns=None: sources[table_id].load(columns=columns))
    fresh = _label_facts(_compute(runnable, inputs), sources)
    if set(todo) == set(COMPUTATIONS):
        facts = fresh
    else:
        redone = {i for i, ind in indicators.CATALOGUE.items() if ind.computation in todo}
        kept = outputs.read_parquet(processed / FACTS)
        parts = [kept[~kept["indicator"].isin(redone)]] + ([fresh] if len(fresh) else [])
        facts = _sorted(pd.concat(parts, ignore_index=True))
    comparisons_frame = compute_comparisons(facts, new_state["participants"])
    processed.mkdir(parents=True, exist_ok=True)
    archived = _archive_previous(processed, old_state, new_state, damaged)
    new_state["outputs"] = {FACTS: outputs.write_parquet(facts, processed / FACTS),
                            COMPARISONS: outputs.write_parquet(comparisons_frame, processed / COMPARISONS)}
    outputs.write_json(new_state, processed / STATE)
    return BuildResult(False, recomputed=runnable, missing_tables=missing, facts_rows=len(facts),
                       comparison_rows=len(comparisons_frame), archived=archived,
                       seconds=time.perf_counter() - started, repaired=damaged)


def _current_format(state: dict | None) -> bool:
    return bool(state) and state.get("format") == STATE_FORMAT


# ---------------------------------------------------------------- reading

def _build_if_missing(settings: Settings) -> Path:
    """Build the fact base if it was never built (or by an older version); a damaged one is not rebuilt
    here: readers refuse it and the user decides (`samfunn build`)."""
    processed = settings.processed_dir
    state = outputs.read_state(processed)
    if not _current_format(state) or not all((processed / name).exists() for name in outputs.OUTPUTS):
        build(settings=settings)
    return processed


def ensure_ready(settings: Settings | None = None) -> Path:
    """Build the fact base if it was never built, then check every file against its checksum.

    Returns `processed_dir`. Raises FactbaseError naming `samfunn build` when a file is damaged, so
    report runs can refuse before any kernel starts.
    """
    settings = settings or get_settings()
    processed = _build_if_missing(settings)
    with outputs.lock(settings, shared=True):
        outputs.check(processed, outputs.read_state(processed))
    return processed


def resolve_region(kommune) -> str:
    """A region code from a municipality code or name ("1811", "Bindal", "Raarvihke"); "0" and
    2-digit county codes pass through. Unknown names raise UnknownMunicipalityError with suggestions."""
    text = str(kommune).strip()
    if text == "0" or (len(text) == 2 and text.isdigit()):
        return text
    from samfunn_data.facts import municipalities

    return municipalities.lookup(text).code


def _years_filter(year) -> list[int] | None:
    if year is None:
        return None
    if np.ndim(year) == 0:
        return [int(year)]
    return [int(y) for y in year]


def reading(settings: Settings | None = None, holder: str | None = None):
    """A context that holds the fact base for reading (a shared lock): no build replaces its files until
    the block ends. Report runs hold it for their whole run; `holder` names them to a waiting build."""
    return outputs.lock(settings or get_settings(), shared=True, holder=holder)


def _read(name: str, kommune, year, settings: Settings | None) -> pd.DataFrame:
    """Rows of one output, read under the shared lock after checking it (a build never writes meanwhile)."""
    settings = settings or get_settings()
    filters = []
    if kommune is not None:
        filters.append(("kommunenr", "==", resolve_region(kommune)))
    years = _years_filter(year)
    if years is not None:
        filters.append(("year", "in", years))
    processed = _build_if_missing(settings)
    with outputs.lock(settings, shared=True):
        outputs.check(processed, outputs.read_state(processed), names=[name])
        return outputs.read_parquet(processed / name, filters=filters or None)


def load(kommune=None, year=None, settings: Settings | None = None) -> pd.DataFrame:
    """The long fact table, built first if `data/processed` has none.

    Parameters
    ----------
    kommune : str, optional
        Municipality code or name (bokmål or Sámi, any case), a county code or "0" for Norway.
    year : int or list of int, optional
        Only these years.
    """
    return _read(FACTS, kommune, year, settings)


def comparisons(kommune=None, year=None, settings: Settings | None = None) -> pd.DataFrame:
    """The comparison table (see `compute_comparisons`), built first if missing."""
    return _read(COMPARISONS, kommune, year, settings)


def _visible_in(frame: pd.DataFrame, report_year: int, later_projections: bool = False) -> np.ndarray:
    """Which facts a report for `report_year` may use: `indicators.visible`, vectorised (see `as_of`)."""
    rules = [indicators.visibility(ind) for ind in indicators.CATALOGUE.values()]
    rules = np.array(rules + [None], dtype=object)
    rule = rules[indicator_codes(frame["indicator"])]
    year = frame["year"].to_numpy()
    shown = np.where(rule == indicators.AFTER_YEAR, year <= report_year - 1,
                     np.where(rule == indicators.BUDGET_YEAR, year == report_year, year <= report_year))
    # SSB's projections (table 14288) were made in PROJECTION_VINTAGE_YEAR: earlier reports never see them
    if not later_projections and report_year < indicators.PROJECTION_VINTAGE_YEAR:
        shown &= attribute(frame["indicator"], "kind") != "projection"
    return shown & (rule != None)  # noqa: E711  (elementwise: an indicator not in the catalogue is never shown)


def as_of(kommune, year: int, settings: Settings | None = None, *,
          later_projections: bool = False) -> pd.DataFrame:
    """The facts for `kommune` as they stood in report year `year`.

    Stocks counted on 1 January up to and including `year`; stocks counted later in a year (4th quarter,
    1 October, 31 December) and flows (calendar years) up to `year - 1`; projections (SSB's 2024
    projections, labelled with their vintage) as % change from `year`'s population, only from 2024 on
    (earlier reports never see a projection published after them); static classifications valid in
    `year`. Where the catalogue says when a figure is published (`Indicator.published`), that decides:
    accounts and the income system up to `year - 1` (2025 flagged preliminary), KDD's expenditure-need
    index only for budget year `year` (published with the state budget the October before), ROBEK only
    from the list's year (2026) on. Nothing later.
    The `se` column still holds the spread of all years; `facts.asof.restate` re-estimates it from the
    visible years. `later_projections=True` keeps the projections in earlier years too (the screening
    shows them dated by their vintage, not as known in `year`).
    """
    return visible(load(kommune, settings=settings), int(year), later_projections=later_projections)


def visible(facts: pd.DataFrame, year: int, *, later_projections: bool = False) -> pd.DataFrame:
    """The rows of a fact table (any regions) that a report for `year` may use (the rule of `as_of`)."""
    return facts[_visible_in(facts, int(year), later_projections)].reset_index(drop=True)


def previous_builds(settings: Settings | None = None) -> list[str]:
    """Labels of archived earlier builds (newest vintage first)."""
    history = (settings or get_settings()).processed_dir / HISTORY
    labels = [p.name[len("facts-"):-len(".parquet")] for p in history.glob("facts-*.parquet")]
    return sorted(labels, reverse=True)


CHANGE_COLUMNS = ["kommunenr", "indicator", "title", "unit", "from_year", "from_value", "to_year", "to_value",
                  "change", "assessment", "robustness", "from_vintage", "to_vintage"]


def _swing_se(facts: pd.DataFrame, pairs: pd.DataFrame) -> np.ndarray:
    """Noise of a change over time from the unit's own year-to-year swings: the standard deviation of
    its one-year differences times √(years apart); NaN with fewer than four one-year differences."""
    series = facts.pivot_table(index="indicator", columns="year", values="value", aggfunc="first")
    series = series.reindex(columns=range(int(series.columns.min()), int(series.columns.max()) + 1))
    steps = series.diff(axis=1)
    spread = steps.std(axis=1, ddof=1).where(steps.notna().sum(axis=1) >= robustness.MIN_YEARS_FOR_SPREAD)
    apart = (pairs["to_year"] - pairs["from_year"]).to_numpy(float)
    return spread.reindex(pairs["indicator"]).to_numpy(float) * np.sqrt(apart)


def _tolerance(ids: pd.Series) -> np.ndarray:
    """Half a unit of the last shown decimal: smaller differences are not changes."""
    return 0.5 * 10.0 ** (-attribute(ids, "decimals").astype(float))


def _titled(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(title=attribute(frame["indicator"], "title"))


def _changes_since_year(facts: pd.DataFrame, since_year: int) -> pd.DataFrame:
    facts = facts[facts["kind"] != "projection"]
    latest = facts.loc[facts.groupby("indicator")["year"].idxmax()]
    then = facts[facts["year"] == since_year]
    pairs = latest.merge(then, on=["kommunenr", "indicator"], suffixes=("_to", "_from"))
    pairs = pairs[pairs["year_to"] > pairs["year_from"]]
    return pairs


def changes(kommune, since_year: int | None = None, *, vintage: str | None = None,
            settings: Settings | None = None) -> pd.DataFrame:
    """Indicators whose value changed for `kommune`.

    Parameters
    ----------
    since_year : int, optional
        Compare each indicator's latest year with its value in `since_year` (what is new since then).
    vintage : str, optional
        "previous" or a label from `previous_builds()`: compare the same years between that earlier
        build and the current one (SSB's revisions). Rows appear only where the value differs.

    Returns
    -------
    DataFrame with CHANGE_COLUMNS, only rows whose value changed by at least half a unit of the last
    shown decimal. `assessment` says whether the change is larger than noise explains ("higher"/"lower"
    = the new value is clearly higher/lower): over years, against the municipality's own year-to-year
    swings (see `robustness`); for revisions, against each value's standard error.
    """
    settings = settings or get_settings()
    code = resolve_region(kommune)
    facts = load(code, settings=settings)
    facts = facts.assign(kind=attribute(facts["indicator"], "kind"))
    if vintage is not None:
        pairs = _changes_between_builds(facts, code, vintage, settings)
    else:
        if since_year is None:
            since_year = int(facts.loc[facts["indicator"] == "folkemengde", "year"].max()) - 1
        pairs = _changes_since_year(facts, int(since_year))
    if pairs.empty:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    pairs = pairs.rename(columns={
        "value_from": "from_value", "value_to": "to_value", "year_from": "from_year", "year_to": "to_year",
        "vintage_from": "from_vintage", "vintage_to": "to_vintage", "robustness_to": "robustness",
        "unit_to": "unit"})
    pairs["change"] = pairs["to_value"] - pairs["from_value"]
    pairs = pairs[pairs["change"].abs().to_numpy() >= _tolerance(pairs["indicator"])]
    # over years: the unit's own swings; a revision of the same year: each value's standard error
    per_value = robustness.differs(pairs["to_value"], pairs["from_value"], pairs["se_to"], pairs["se_from"])
    if vintage is None:
        swing = _swing_se(facts, pairs)
        by_swing = robustness.differs(pairs["to_value"], pairs["from_value"], swing, np.nan)
        per_value = np.where(np.isfinite(swing), by_swing, per_value)
    pairs["assessment"] = per_value
    pairs = pairs.iloc[np.lexsort((pairs["to_year"].to_numpy(), indicator_codes(pairs["indicator"])))]
    return _titled(pairs)[CHANGE_COLUMNS].reset_index(drop=True)


def _changes_between_builds(facts: pd.DataFrame, code: str, vintage: str, settings: Settings) -> pd.DataFrame:
    labels = previous_builds(settings)
    if not labels:
        raise FactbaseError("no earlier build is kept yet: history/ fills when a rebuild sees new SSB "
                            "vintages; compare years with --since instead")
    label = labels[0] if vintage == "previous" else vintage
    if label not in labels:
        raise FactbaseError(f"no earlier build {label!r}; kept builds: {', '.join(labels)}")
    history = settings.processed_dir / HISTORY
    name = f"facts-{label}.parquet"
    archived_state = outputs.read_state_file(history / f"state-{label}.json")
    recorded = ((archived_state or {}).get("outputs") or {}).get(FACTS)
    found = outputs.problems(history, {"outputs": {name: recorded}}, names=[name]) if recorded else {}
    if found:
        raise FactbaseError(f"den tidligere byggingen {label} i {history} er skadet ({found[name]}) og "
                            "kan ikke lages på nytt fra dagens data; sammenlign med en annen bygging "
                            "eller bruk --since.")
    old = outputs.read_parquet(history / name, filters=[("kommunenr", "==", code)])
    pairs = facts.merge(old, on=["kommunenr", "indicator", "year"], suffixes=("_to", "_from"))
    pairs["year_to"] = pairs["year_from"] = pairs["year"]
    return pairs
