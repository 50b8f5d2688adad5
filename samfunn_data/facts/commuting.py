"""Commuting (SSB 03321, 4th quarter of each year): the indicators and the flows behind them.

03321 holds the non-zero flows (place of work x place of residence) on the municipality codes of each
year, as SSB publishes them: the embedded snapshot has 2017, `samfunn update` fetches the years since.
Each year is recoded to 2024 municipalities where the recoding is exact (`samfunn_data.recoding`); areas
of municipalities that were later split keep their code with the suffix ``-<year>`` (``1850-2017``) and
belong to no 2024 municipality. Every figure here is a sum of those published flows; nothing is
apportioned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.config import get_settings
from samfunn_data.errors import FactbaseError
from samfunn_data.facts import municipalities, robustness
from samfunn_data.facts.sources import BORDER_TABLES, find_sources
from samfunn_data.recoding import recode

TABLE = "03321"
WORK, HOME = "ArbstedKomm", "Bokommuen"
INDICATORS = ["sysselsatte_bosatt", "arbeidsplasser", "andel_jobber_i_egen_kommune", "utpendling",
              "innpendling", "netto_innpendling"]
# computations.COLUMNS: computations imports this module, so the contract is restated here
COLUMNS = ["kommunenr", "year", "indicator", "value", "count", "se", "pooled"]


def period(year: int) -> str:
    """How the reports name a year of the table: «4. kvartal 2017»."""
    return f"4. kvartal {int(year)}"


def on_current_borders(flows: pd.DataFrame, changes: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """The flows of every year recoded from that year's codes to 2024 municipalities (exact sums only).

    `changes` is `klass-131-changes`, `regions` is `regions-2024` (both from the snapshot).
    """
    current = regions.loc[regions["level"].astype(str) == "kommune", "code"].astype(str)
    return recode(flows, (WORK, HOME), changes.astype(str), current)


def years(flows: pd.DataFrame) -> list[int]:
    """The years (4th quarters) the flows hold, oldest first."""
    return sorted({int(str(t)[:4]) for t in flows["Tid"].unique()})


def _municipal(codes: pd.Series) -> pd.Series:
    """True for 2024 municipality codes (not the '<code>-<year>' areas)."""
    return codes.astype(str).str.fullmatch(r"\d{4}")


def totals(flows: pd.DataFrame) -> pd.DataFrame:
    """Per 2024 municipality and year: employed residents, workplace total, and those living and working
    in it; only municipalities that are both a residence and a workplace in the data (exact ones)."""
    flows = flows.astype({WORK: str, HOME: str})
    year = flows["Tid"].astype(str).str[:4].astype(int)
    flows = flows.assign(year=year)
    residents = flows.groupby([HOME, "year"])["value"].sum().rename_axis(["kommunenr", "year"])
    jobs = flows.groupby([WORK, "year"])["value"].sum().rename_axis(["kommunenr", "year"])
    own = flows[flows[WORK] == flows[HOME]].groupby([HOME, "year"])["value"].sum()
    own = own.rename_axis(["kommunenr", "year"])
    out = pd.DataFrame({"residents": residents, "jobs": jobs, "own": own}).fillna({"own": 0.0})
    out = out[_municipal(out.index.get_level_values("kommunenr").to_series()).to_numpy()]
    return out.dropna(subset=["residents", "jobs"]).reset_index()


def indicators(flows: pd.DataFrame) -> pd.DataFrame:
    """The catalogue's commuting indicators from the 03321 flows (rows in the computations' shape)."""
    t = totals(flows)
    out_commuters = t["residents"] - t["own"]
    in_commuters = t["jobs"] - t["own"]
    share = 100 * t["own"] / t["residents"]
    net = in_commuters - out_commuters
    rows = {
        "sysselsatte_bosatt": (t["residents"], t["residents"], np.nan),
        "arbeidsplasser": (t["jobs"], t["jobs"], np.nan),
        "andel_jobber_i_egen_kommune": (share, np.minimum(t["own"], out_commuters),
                                        robustness.share_se(share, t["residents"])),
        "utpendling": (out_commuters, out_commuters, np.nan),
        "innpendling": (in_commuters, in_commuters, np.nan),
        "netto_innpendling": (net, net.abs(), np.nan),
    }
    frames = [
        pd.DataFrame({"kommunenr": t["kommunenr"].astype(object), "year": t["year"].astype(int),
                      "indicator": name, "value": np.asarray(value, float),
                      "count": np.asarray(count, float),
                      "se": np.broadcast_to(np.asarray(se, float), (len(t),)), "pooled": 1})
        for name, (value, count, se) in rows.items()
    ]
    return pd.concat(frames, ignore_index=True)[COLUMNS]


def partner_names(flows: pd.DataFrame) -> dict[str, str]:
    """Code -> name for every code in the flows: the registry's bokmål name for 2024 municipalities, the
    table's own label (e.g. 'Tysfjord (kommune i 2017)') for areas of split municipalities."""
    labels = flows.attrs.get("category_labels", {})
    names = {**labels.get(HOME, {}), **labels.get(WORK, {})}
    return names | {m.code: m.name for m in municipalities.all_municipalities()}


def top_partners(flows: pd.DataFrame, code: str, direction: str, n: int = 5,
                 year: int | None = None) -> pd.DataFrame:
    """Where `code`'s employed residents work (direction "arbeidssted") or where those working in `code`
    live ("bosted"): the municipality itself first, then the `n` largest other partners.

    Parameters
    ----------
    flows : DataFrame
        The 03321 flows on 2024 codes (`load_flows`).
    code : str
        A 2024 municipality code with exact figures.
    direction : str
        "arbeidssted" (destinations of its residents) or "bosted" (origins of those working there).
    n : int
        How many other municipalities to list.
    year : int, optional
        The year (4th quarter); default the latest year in `flows`.

    Returns
    -------
    DataFrame
        Columns kode, kommune, personer, andel (percent of the municipality's employed residents or of
        those working there), robusthet (the small-numbers grade of the count), egen (bool). Empty if
        the municipality has no exact figures.
    """
    if direction not in ("arbeidssted", "bosted"):
        raise ValueError(f"direction must be 'arbeidssted' or 'bosted', not {direction!r}")
    side, other = (HOME, WORK) if direction == "arbeidssted" else (WORK, HOME)
    flows = flows.astype({WORK: str, HOME: str})
    year = max(years(flows), default=0) if year is None else int(year)
    flows = flows[flows["Tid"].astype(str).str[:4] == str(year)]
    mine = flows[flows[side] == str(code)]
    total = mine["value"].sum()
    own = mine[mine[other] == str(code)]
    others = mine[mine[other] != str(code)].sort_values(["value", other], ascending=[False, True]).head(n)
    rows = pd.concat([own, others])
    names = partner_names(flows)
    persons = rows["value"].to_numpy(float)
    return pd.DataFrame({
        "kode": rows[other].to_numpy(),
        "kommune": [names.get(c, c) for c in rows[other]],
        "personer": persons,
        "andel": 100 * persons / total if total else np.full(len(rows), np.nan),
        "robusthet": robustness.grade(persons, "count"),
        "egen": rows[other].to_numpy() == str(code),
    })


def load_flows(settings=None) -> pd.DataFrame:
    """The 03321 flows the fact base was built from (the snapshot with any fetched vintages), every year
    recoded to 2024 municipalities.

    Raises
    ------
    FactbaseError
        If neither the store nor the snapshot has table 03321 (or the code tables to recode it).
    """
    settings = settings or get_settings()
    sources = find_sources(settings, [TABLE, *BORDER_TABLES])
    missing = [t for t in (TABLE, *BORDER_TABLES) if t not in sources]
    if missing:
        raise FactbaseError(f"table(s) {', '.join(missing)} (commuting) are neither in the store nor in the "
                            f"snapshot at {settings.snapshot_dir}; restore data/raw/snapshot")
    key = tuple(sources[t].fingerprint for t in (TABLE, *BORDER_TABLES))
    if key not in _RECODED:  # a report asks four times (tables, map); recoding once is enough
        flows = on_current_borders(sources[TABLE].load(), *(sources[t].load() for t in BORDER_TABLES))
        _RECODED.clear()
        _RECODED[key] = flows.astype({WORK: str, HOME: str})
    return _RECODED[key].copy()


_RECODED: dict[tuple, pd.DataFrame] = {}
