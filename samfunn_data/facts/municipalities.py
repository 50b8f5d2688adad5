"""Which municipality is this? One registry on 2024 codes, built from the embedded snapshot.

Names come from SSB's 2024 region labels (`regions-2024`: bokmål name, official Sámi/Kven name, county),
population from 07459 (1 January), centrality from KLASS 128 (Nordland and Trøndelag only) and retired
codes from the code-change table (`klass-131-changes`, refreshable from KLASS with `ssb.klass`).

    lookup("Træna"), lookup("traena"), lookup("1835"), lookup("Raarvihke"), lookup("Herøy (Nordland)")
    population("1835", 2024) -> int;  small_municipalities(2020, counties=["18"])

Nothing is read at import time; the first call loads the snapshot and caches it for the process.
"""

from __future__ import annotations

import difflib
import functools
import re
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from samfunn_data.config import PROJECT_ROOT
from samfunn_data.errors import (
    AmbiguousMunicipalityError,
    ConfigError,
    DataUnavailableError,
    MunicipalityChangedError,
    NotOneMunicipalityError,
    UnknownMunicipalityError,
)
from samfunn_data.ssb import klass, snapshot

SMALL_LIMIT = 2500  # "small": fewer than 2,500 inhabitants on 1 January (the network's definition)
NETWORK_FILE = PROJECT_ROOT / "network.toml"


@dataclass(frozen=True)
class Municipality:
    """A municipality on 2024 codes. `name` is bokmål; `official_name` is SSB's label (with Sámi form)."""

    code: str
    name: str
    sami_name: str | None
    county: str
    county_name: str
    official_name: str = ""
    centrality_class: str | None = None  # KLASS 128 class "01".."06" (Nordland/Trøndelag only)
    centrality_index: float | None = None  # KLASS 128 index 0-1000 (Nordland/Trøndelag only)

    def __str__(self) -> str:
        return f"{self.code} {self.official_name or self.name}"


@dataclass(frozen=True)
class NetworkConfig:
    """network.toml: the participants, the project period and the candidate rule."""

    participants: tuple[str, ...]
    period_start: int
    period_end: int
    counties: tuple[str, ...]
    max_population: int
    name: str = ""
    participant_names: dict[str, str] = field(default_factory=dict)

    @property
    def period(self) -> range:
        return range(self.period_start, self.period_end + 1)


# ---------------------------------------------------------------- name matching


def fold(text: str) -> list[str]:
    """Comparable keys for a name: case-, accent- and punctuation-insensitive.

    Two keys because Norwegian letters are typed two ways without them: "Træna" -> "traena", and
    "Røyrvik" -> "royrvik" or "roeyrvik", "Vågå" -> "vaga" or "vaagaa".
    """
    base = text.casefold().replace("æ", "ae")
    short = base.replace("ø", "o").replace("å", "a")
    long = base.replace("ø", "oe").replace("å", "aa")
    keys = []
    for variant in (short, long):
        ascii_text = unicodedata.normalize("NFKD", variant).encode("ascii", "ignore").decode()
        key = re.sub(r"[^a-z0-9]", "", ascii_text)
        if key and key not in keys:
            keys.append(key)
    return keys


@dataclass
class _Registry:
    by_code: dict[str, Municipality]
    names: dict[str, set[str]]  # folded name -> codes
    changes: dict[str, list[tuple[str, int]]]  # retired code -> [(successor code, year of change)]
    old_names: dict[str, str]  # retired code -> its name
    old_by_name: dict[str, str]  # folded retired name -> retired code (latest)


def _name_keys(m: Municipality) -> set[str]:
    texts = {m.name, m.official_name, f"{m.name} ({m.county_name})", f"{m.name} ({m.county})"}
    if m.sami_name:
        texts |= {m.sami_name, *m.sami_name.split(" - ")}
    texts |= set(m.official_name.split(" - "))
    return {key for text in texts if text for key in fold(text)}


@functools.lru_cache(maxsize=4)
def _load(snapshot_dir: str, refreshed: tuple) -> _Registry:
    # Keyed by the snapshot folder and the refreshed KLASS file's (path, mtime) so tests can point
    # elsewhere and a refresh is picked up without restarting.
    regions = snapshot.read_table("regions-2024")
    counties = regions[regions["level"] == "fylke"].set_index("code")["name"].to_dict()
    klass = snapshot.read_table("klass-128")
    klass = klass[klass["level"] == "2"].set_index("code")
    by_code: dict[str, Municipality] = {}
    for row in regions[regions["level"] == "kommune"].itertuples(index=False):
        centrality = klass.loc[row.code] if row.code in klass.index else None
        by_code[row.code] = Municipality(
            code=row.code,
            name=row.name,
            sami_name=None if pd.isna(row.sami_name) else row.sami_name,
            county=row.county,
            county_name=counties.get(row.county, row.county),
            official_name=row.official_name,
            centrality_class=None if centrality is None else centrality["parentCode"],
            centrality_index=None if centrality is None else float(centrality["index"]),
        )
    names: dict[str, set[str]] = {}
    for m in by_code.values():
        for key in _name_keys(m):
            names.setdefault(key, set()).add(m.code)
    changes, old_names, old_by_name = _changes(_change_rows(), by_code, names)
    return _Registry(by_code, names, changes, old_names, old_by_name)


def _change_rows() -> pd.DataFrame:
    """The snapshot's code changes plus any refreshed from KLASS into the store (newest wins)."""
    rows = snapshot.read_table("klass-131-changes")
    stored = klass.stored_changes()
    if stored is not None and len(stored):
        rows = pd.concat([rows, stored], ignore_index=True).drop_duplicates(
            ["oldCode", "newCode"], keep="last"
        )
    return rows


def _changes(rows: pd.DataFrame, by_code: dict, names: dict):
    changes: dict[str, list[tuple[str, int]]] = {}
    old_names: dict[str, str] = {}
    old_by_name: dict[str, tuple[int, str]] = {}
    for row in rows.sort_values(["changeOccurred", "oldCode", "newCode"]).itertuples(index=False):
        if row.oldCode in by_code:
            continue  # a code still in use (e.g. refreshed KLASS rows for a name change)
        year = int(str(row.changeOccurred)[:4])
        changes.setdefault(row.oldCode, []).append((row.newCode, year))
        if isinstance(row.oldName, str) and row.oldName:
            old_names[row.oldCode] = row.oldName
            for key in fold(row.oldName):
                if key not in names:
                    old_by_name[key] = (year, row.oldCode)
    return changes, old_names, {k: code for k, (_y, code) in old_by_name.items()}


def _registry() -> _Registry:
    path = klass.stored_changes_path()
    refreshed = (str(path), path.stat().st_mtime_ns) if path.is_file() else (str(path), 0)
    return _load(str(snapshot._snapshot_dir()), refreshed)


# ---------------------------------------------------------------- lookup


def lookup(code_or_name: str | int) -> Municipality:
    """The municipality with this code or name (bokmål or Sámi, any case, with or without accents).

    Raises UnknownMunicipalityError (with `suggestions`) when nothing matches,
    AmbiguousMunicipalityError when a name fits several (add the county: "Herøy (Nordland)"), and
    MunicipalityChangedError (with `successors` and `year`) for a code or name retired by a merger or split.
    The text must be one municipality: a number may be followed by that municipality's own name
    ("1835 Træna"), but anything else left over ("5033 5026", "5033 Holtålen", "Tydal Holtålen") raises
    NotOneMunicipalityError rather than silently taking the first.
    """
    if isinstance(code_or_name, Municipality):
        return code_or_name
    reg = _registry()
    text = f"{code_or_name:04d}" if isinstance(code_or_name, int) else str(code_or_name).strip()
    code = re.fullmatch(r"(?:K-)?(\d{4})(?:\s+(.*))?", text, re.DOTALL)
    if code:
        found = _by_code(reg, code.group(1), text)
        extra = code.group(2)
        if extra and not set(fold(extra)) & _name_keys(found):
            _raise_not_one(text, [found], extra)
        return found
    if re.fullmatch(r"\d{1,3}|\d{5,}", text):
        raise UnknownMunicipalityError(
            f"{text!r} er ikke et kommunenummer: de har 4 sifre (f.eks. 1835 for Træna)", []
        )
    return _by_name(reg, text)


def _by_code(reg: _Registry, code: str, text: str) -> Municipality:
    if code in reg.by_code:
        return reg.by_code[code]
    if code in reg.changes:
        _raise_changed(reg, code)
    near = difflib.get_close_matches(code, list(reg.by_code), n=5, cutoff=0.5)
    raise UnknownMunicipalityError(
        f"ingen kommune har nummeret {code!r}: det er ikke et nummer fra 2024, og heller ikke et nummer "
        f"som ble tatt ut av bruk {_change_span(reg)} (endringene som er kjent uten nett; `samfunn "
        f"municipalities --refresh-klass` henter eldre fra SSB). Numre som ligner: "
        f"{_describe(reg, near) or 'ingen'}",
        [reg.by_code[c] for c in near],
    )


def _by_name(reg: _Registry, text: str) -> Municipality:
    keys = fold(text)
    found = sorted({c for key in keys for c in reg.names.get(key, ())})
    if len(found) == 1:
        return reg.by_code[found[0]]
    if found:
        options = [reg.by_code[c] for c in found]
        listed = "; ".join(f"{m.code} {m.name} ({m.county_name})" for m in options)
        raise AmbiguousMunicipalityError(
            f"{text!r} passer på {len(found)} kommuner: {listed}. Gi nummeret eller fylket, "
            f"f.eks. '{options[0].name} ({options[-1].county_name})'",
            options,
        )
    for key in keys:
        if key in reg.old_by_name:
            _raise_changed(reg, reg.old_by_name[key])
    if len(text.split()) > 1:  # "Tydal Holtålen": several names where one was expected
        _raise_not_one(text, [], text)
    near = difflib.get_close_matches(keys[0], list(reg.names), n=8, cutoff=0.6)
    codes = list(dict.fromkeys(c for key in near for c in sorted(reg.names[key])))[:5]
    raise UnknownMunicipalityError(
        f"ingen kommune heter {text!r} (navn fra 2024, og navn tatt ut av bruk {_change_span(reg)}). "
        + (f"Mente du: {_describe(reg, codes)}?" if codes
           else "Ingen navn ligner: sjekk stavemåten, eller bruk det firesifrede kommunenummeret."),
        [reg.by_code[c] for c in codes],
    )


def _raise_not_one(text: str, found: list, extra: str) -> None:
    """Raise NotOneMunicipalityError for `text`: `found` (the code's municipality, or none) plus `extra`.

    `extra` is looked up whole, then word by word, to name what else the text points at. With nothing
    found and words that are not all municipalities, return: the caller's "no municipality is called ..."
    (with suggestions) is the better message then.
    """
    others: list = []
    attempts = ([extra] if found else []) + [extra.split()]
    for attempt in attempts:
        try:
            others = [lookup(attempt)] if isinstance(attempt, str) else [lookup(w) for w in attempt]
            break
        except UnknownMunicipalityError:
            continue
    named = list(dict.fromkeys(found + others))
    if not found and len(named) < 2:  # "Atlantis Town", or "Tydal Tydal"
        return
    if len(named) > 1:
        listed = "; ".join(f"{m.code} {m.name}" for m in named)
        message = f"{text!r} nevner {len(named)} kommuner ({listed}); gi ett nummer eller ett navn"
    else:
        message = (f"{text!r} er ikke én kommune: {found[0].code} er {found[0].name}, og {extra!r} "
                   "er ikke navnet dens; gi ett nummer eller ett navn")
    raise NotOneMunicipalityError(message, named, extra)


def successors(code: str) -> tuple[list[str], int]:
    """Current (2024) codes whose area a retired code now belongs to, and the year it was retired.

    Follows chains (1613 -> 5012 -> 5055/5056/5059) to codes in use today.
    """
    reg = _registry()
    if code not in reg.changes:
        raise UnknownMunicipalityError(f"{code!r} er ikke et kommunenummer som er tatt ut av bruk", [])
    year = min(y for _c, y in reg.changes[code])
    current: list[str] = []
    todo, seen = [code], set()
    while todo:  # bounded: every code is visited once
        item = todo.pop()
        if item in seen:
            continue
        seen.add(item)
        if item in reg.by_code:
            current.append(item)
        else:
            todo.extend(c for c, _y in reg.changes.get(item, []))
    return sorted(set(current)), year


def _raise_changed(reg: _Registry, code: str) -> None:
    succ, year = successors(code)
    old = reg.old_names.get(code, "")
    raise MunicipalityChangedError(
        f"kommunenummer {code}{' ' + old if old else ''} er ikke lenger i bruk: det ble tatt ut av bruk "
        f"1. januar {year}; området hører nå til {_describe(reg, succ)} (numre fra 2024). "
        "Bruk dagens nummer.",
        successors=[reg.by_code[c] for c in succ],
        year=year,
    )


def _change_span(reg: _Registry) -> str:
    years = [y for changes in reg.changes.values() for _c, y in changes]
    return f"{min(years)}-{max(years)}" if years else "noe kjent år"


def _describe(reg: _Registry, codes) -> str:
    return ", ".join(f"{c} {reg.by_code[c].name}" for c in codes)


def all_municipalities() -> list[Municipality]:
    """All 357 municipalities on 2024 codes, by code."""
    reg = _registry()
    return [reg.by_code[c] for c in sorted(reg.by_code)]


# ---------------------------------------------------------------- population and size


@functools.lru_cache(maxsize=4)
def _population_table(snapshot_dir: str) -> pd.DataFrame:
    """Municipality x year totals from 07459 (sum over sex and age), 1 January."""
    df = snapshot.read_table("07459")
    df = df[df["Region"].str.len() == 4]
    table = df.groupby(["Region", "Tid"])["value"].sum().unstack("Tid")
    table.columns = table.columns.astype(int)
    return table


def populations() -> pd.DataFrame:
    """Population on 1 January: one row per municipality (2024 code), one column per year (NaN: no figure)."""
    return _population_table(str(snapshot._snapshot_dir())).copy()


def years() -> list[int]:
    """Years for which 07459 in the snapshot has municipality populations."""
    return list(populations().columns)


def population(code: str | int, year: int) -> int:
    """Inhabitants on 1 January `year` (SSB 07459), for a code or name.

    Raises DataUnavailableError for a year (or municipality-year) the snapshot has no figure for.
    """
    m = lookup(code)
    table = _population_table(str(snapshot._snapshot_dir()))
    year = int(year)
    if year not in table.columns:
        raise DataUnavailableError(
            f"ingen folketall for {year}: SSB-tabell 07459 i det innebygde øyeblikksbildet dekker "
            f"kommunene for {min(table.columns)}-{max(table.columns)} (1. januar)"
        )
    value = table.at[m.code, year] if m.code in table.index else float("nan")
    if pd.isna(value):
        have = table.loc[m.code].dropna().index if m.code in table.index else []
        span = f"{min(have)}-{max(have)}" if len(have) else "ingen år"
        raise DataUnavailableError(
            f"ingen folketall for {m} i {year}: kommunen fikk dagens grenser senere, og SSB publiserte "
            f"ikke tall for den på disse grensene da (07459 har {span})"
        )
    return int(value)


def is_small(code: str | int, year: int) -> bool:
    """Fewer than 2,500 inhabitants on 1 January `year`."""
    return population(code, year) < SMALL_LIMIT


def _population_table_for(year: int) -> pd.DataFrame:
    """The population table (municipality x year), after checking that it has `year`."""
    table = _population_table(str(snapshot._snapshot_dir()))
    if year not in table.columns:
        raise DataUnavailableError(
            f"ingen folketall for {year}: 07459 i øyeblikksbildet dekker {min(table.columns)}-"
            f"{max(table.columns)}"
        )
    return table


def small_municipalities(year: int, counties=None) -> list[Municipality]:
    """Municipalities with fewer than 2,500 inhabitants on 1 January `year`, by code.

    `counties`: county codes to keep (e.g. ["18", "50"]); None keeps all. Municipalities with no figure
    that year (a border change) are left out, since their size cannot be known.
    """
    year = int(year)
    table = _population_table_for(year)
    wanted = None if counties is None else {str(c).zfill(2) for c in counties}
    small = table.index[table[year] < SMALL_LIMIT]
    reg = _registry()
    return [
        reg.by_code[c]
        for c in sorted(small)
        if c in reg.by_code and (wanted is None or reg.by_code[c].county in wanted)
    ]


def overview(year: int, counties=None) -> pd.DataFrame:
    """One row per municipality: code, name, Sámi name, county, population on 1 January, small, centrality."""
    year = int(year)
    table = _population_table_for(year)
    wanted = None if counties is None else {str(c).zfill(2) for c in counties}
    rows = []
    for m in all_municipalities():
        if wanted is not None and m.county not in wanted:
            continue
        pop = table[year].get(m.code, float("nan"))
        rows.append(
            {
                "code": m.code,
                "name": m.name,
                "sami_name": m.sami_name,
                "county": m.county,
                "county_name": m.county_name,
                "population": pop,
                "small": None if pd.isna(pop) else bool(pop < SMALL_LIMIT),
                "centrality_class": m.centrality_class,
                "centrality_index": m.centrality_index,
            }
        )
    out = pd.DataFrame(rows)
    out["population"] = out["population"].astype("Int64")
    return out


# ---------------------------------------------------------------- the network


def network(path: Path | str | None = None) -> NetworkConfig:
    """The learning network from network.toml (repo root unless `path` is given)."""
    path = Path(path or NETWORK_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing; it defines the network (participants, period, rule)") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path} is not valid TOML: {exc}") from None
    raw = data.get("network", {}).get("participants", [])
    if not all(isinstance(c, str) for c in raw):
        # An integer loses leading zeros (0301 -> 301), so codes must be quoted.
        raise ConfigError(
            f'{path}: participants must be 4-digit municipality numbers as strings, e.g. "1835"'
        )
    try:
        net, rule = data["network"], data["candidates"]
        config = NetworkConfig(
            participants=tuple(str(c) for c in net["participants"]),
            period_start=int(net["period_start"]),
            period_end=int(net["period_end"]),
            counties=tuple(str(c).zfill(2) for c in rule["counties"]),
            max_population=int(rule["max_population"]),
            name=str(net.get("name", "")),
            participant_names={str(k): str(v) for k, v in net.get("participant_names", {}).items()},
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{path}: missing or malformed setting {exc}; it needs [network] participants, period_start, "
            "period_end and [candidates] counties, max_population"
        ) from None
    if config.period_end < config.period_start:
        raise ConfigError(
            f"{path}: period_end {config.period_end} is before period_start {config.period_start}"
        )
    bad = [c for c in config.participants if not re.fullmatch(r"\d{4}", c)]
    if bad:
        raise ConfigError(f"{path}: participants must be 4-digit municipality numbers as strings, not {bad}")
    return config
