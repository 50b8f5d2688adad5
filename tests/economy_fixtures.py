"""A hand-made `ReportData` with economy rows for unit tests of the Kommuneøkonomi section's wording.

Tydal's own accounts are its real KOSTRA 12137 figures (netto driftsresultat and netto lånegjeld in % of
brutto driftsinntekter, 2015–2022); the peer medians, quartiles and n are made up for the wording checks
and never shown to users. The tests on the real fact base are in test_economy_report.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.facts import asof
from samfunn_data.reports.data import ReportData

RESULT = {2015: 5.6, 2016: 0.07, 2017: -0.11, 2018: 3.48, 2019: 2.32, 2020: 10.32, 2021: 6.17, 2022: 10.76}
DEBT = {2015: 46.71, 2016: 43.05, 2017: 45.46, 2018: 44.03, 2019: 43.33, 2020: 42.22, 2021: 42.2, 2022: 32.1}


def _three_year(series: dict) -> dict:
    return {y: np.mean([series[y - 2], series[y - 1], series[y]]) for y in series if y - 2 in series}


def economy_data(year: int = 2023, extra: list[dict] | None = None, peer_median: float = 3.0,
                 name: str = "Tydal") -> ReportData:
    """Rows for accounts years before `year` only (as `factbase.as_of` would give), plus `extra` rows."""
    base = {"kommunenr": "5033", "count": np.nan, "robustness": None, "county": "50", "county_value": np.nan,
            "country_value": np.nan, "small_median": peer_median, "small_q1": peer_median - 2,
            "small_q3": peer_median + 2, "small_n": 31, "vs_county": "unavailable",
            "vs_country": "unavailable", "small_group": "små kommuner i Nordland og Trøndelag"}
    rows = []
    for indicator, series in (("netto_driftsresultat_pst", RESULT), ("netto_lanegjeld_pst", DEBT),
                              ("netto_driftsresultat_pst_3ar", _three_year(RESULT))):
        median = peer_median if indicator != "netto_lanegjeld_pst" else 60.0
        rows += [{**base, "indicator": indicator, "year": y, "value": v, "small_median": median,
                  "small_q1": median - 2, "small_q3": median + 2}
                 for y, v in series.items() if y < year]
    rows += [{**base, **r} for r in extra or []]
    comps = pd.DataFrame(rows)
    facts = comps[["kommunenr", "year", "indicator", "value"]].assign(se=np.nan, source_table="12137",
                                                                       vintage="x")
    # the accounts' noise as the report year sees it, as `reports.data.assemble` restates it
    return ReportData("5033", name, "50", "Trøndelag", year, asof.restate(facts), comps)
