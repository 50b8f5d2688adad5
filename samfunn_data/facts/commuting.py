"""Commuting (SSB 03321, 4th quarter 2017): the indicators and the flows behind them.

The snapshot's 03321 holds the non-zero flows (place of work x place of residence) on 2024 municipality
codes where the recoding from 2017 is exact; areas of municipalities that were later split keep their
2017 code with the suffix ``-2017`` and belong to no 2024 municipality (see the importer). Every figure
here is a sum of those published flows; nothing is apportioned.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.config import get_settings
from samfunn_data.errors import FactbaseError
from samfunn_data.facts import municipalities, robustness
from samfunn_data.facts.indicators import COMMUTING_YEAR
from samfunn_data.facts.sources import find_sources

TABLE = "03321"
WORK, HOME = "ArbstedKomm", "Bokommuen"
PERIOD = f"4. kvartal {COMMUTING_YEAR}"
INDICATORS = ["sysselsatte_bosatt", "arbeidsplasser", "andel_jobber_i_egen_kommune", "utpendling",
              "innpendling", "netto_innpendling"]
# computations.COLUMNS: computations imports this module, so the contract is restated here
COLUMNS = ["kommunenr", "year", "indicator", "value", "count", "se", "pooled"]


def _municipal(codes: pd.Series) -> pd.Series:
    """True for 2024 municipality codes (not the '-2017' areas)."""
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


def top_partners(flows: pd.DataFrame, code: str, direction: str, n: int = 5) -> pd.DataFrame:
    """Where `code`'s employed residents work (direction "arbeidssted") or where those working in `code`
    live ("bosted"): the municipality itself first, then the `n` largest other partners.

    Parameters
    ----------
    flows : DataFrame
        The 03321 flows (the snapshot table).
    code : str
        A 2024 municipality code with exact figures.
    direction : str
        "arbeidssted" (destinations of its residents) or "bosted" (origins of those working there).
    n : int
        How many other municipalities to list.

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
    """The 03321 flows the fact base was built from (newest fetched vintage, else the snapshot).

    Raises
    ------
    FactbaseError
        If neither the store nor the snapshot has table 03321.
    """
    settings = settings or get_settings()
    source = find_sources(settings, [TABLE]).get(TABLE)
    if source is None:
        raise FactbaseError(f"table {TABLE} (commuting) is neither in the store nor in the snapshot at "
                            f"{settings.snapshot_dir}; restore data/raw/snapshot")
    frame = source.load()
    return frame.astype({WORK: str, HOME: str})
