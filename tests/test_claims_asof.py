"""Strict as-of (issue 13): a report for year Y says only what the data published by Y supports.

The property: for every small municipality in Nordland and Trøndelag and every network year 2020–2023, the
claims computed from the full fact base equal the claims computed from a fact base built from the SSB
tables cut at Y (rows published after Y removed, and no projection published after Y). Claims are computed
without rendering (`narrative.report_claims`), so the whole property runs in well under a minute.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
import pytest

from samfunn_data.facts import asof, computations, factbase
from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR
from samfunn_data.facts.municipalities import lookup
from samfunn_data.facts.sources import find_sources
from samfunn_data.reports import data as report_data
from samfunn_data.reports import narrative
from tests.factbase_fixtures import real_settings, real_snapshot_present
from tests.test_narrative import COMPARATIVES

pytestmark = pytest.mark.skipif(not real_snapshot_present(), reason="needs the committed SSB snapshot")

YEARS = (2020, 2021, 2022, 2023)
NL_TR = ("18", "50")


def _published_by(table_id: str, frame: pd.DataFrame, year: int) -> pd.DataFrame:
    """The rows of an SSB table that were published by the end of the report year's first days: counts on
    1 January of `year`, everything counted during a year (flows, 4th quarter, 1 October, 31 December)
    only for years before it (projections made after `year`: see `_cut`). Written independently of
    `factbase.as_of` (which works on the facts, not on the tables)."""
    if table_id.startswith("klass") or table_id == "regions-2024":  # registries (codes, names): no years
        return frame
    tid = frame["Tid"].astype(str).str[:4].astype(int)
    if table_id == "07459":
        return frame[tid <= year]
    if table_id == "kdd-utgiftsbehov":  # budget year B is published with the state budget in October B-1
        return frame[tid <= year]
    if table_id == "kdd-robek":  # one list, dated 20 April of its year
        return frame[tid <= year]
    if table_id == "06913":  # population on 1 January beside the flows of the year that follows it
        on_jan_1 = frame["ContentsCode"].astype(str) == "Folkemengde"
        return frame[(on_jan_1 & (tid <= year)) | (~on_jan_1 & (tid <= year - 1))]
    return frame[tid <= year - 1]


@functools.cache
def _full() -> tuple[pd.DataFrame, pd.DataFrame]:
    settings = real_settings()
    return factbase.load(settings=settings), factbase.comparisons(settings=settings)


@functools.cache
def _cut(year: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Facts and comparisons built, in memory, from the snapshot's tables cut at `year`."""
    settings = real_settings()
    sources = find_sources(settings, factbase._all_tables())
    if year < PROJECTION_VINTAGE_YEAR:  # not published yet: as if the table were missing (the build's rule)
        sources.pop("14288", None)

    def reader(table_id, columns=None):
        return _published_by(table_id, sources[table_id].load(columns=columns), year)

    inputs = computations.Inputs(reader)
    names = [n for n in factbase.COMPUTATIONS if factbase.computation_tables(n) <= set(sources)]
    frames = [factbase.COMPUTATIONS[n](inputs) for n in names]
    frames = [f for f in frames if len(f)]
    facts = factbase._label_facts(pd.concat(frames, ignore_index=True), sources)
    return facts, factbase.compute_comparisons(facts, factbase._participants())


def _small(year: int) -> list[str]:
    facts = _full()[0]
    pop = facts[(facts["indicator"] == "folkemengde") & (facts["level"] == "kommune")
                & (facts["year"] == year)]
    small = pop[(pop["value"] < 2500) & pop["kommunenr"].str[:2].isin(NL_TR)]
    return sorted(small["kommunenr"])


def _by_region(facts: pd.DataFrame, comps: pd.DataFrame, code: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    keep = facts["kommunenr"].isin([code, code[:2], "0"])
    return facts[keep], comps[comps["kommunenr"] == code]


@pytest.mark.parametrize("year", YEARS)
def test_claims_from_full_data_equal_claims_from_data_cut_at_the_report_year(year):
    full_facts, full_comps = _full()
    cut_facts, cut_comps = _cut(year)
    codes = _small(year)
    assert len(codes) >= 30  # the small municipalities of Nordland and Trøndelag
    compared = 0
    for code in codes:
        muni = lookup(code)
        full_data = report_data.assemble(muni, year, *_by_region(full_facts, full_comps, code))
        cut_data = report_data.assemble(muni, year, *_by_region(cut_facts, cut_comps, code))
        full, cut = narrative.report_claims(full_data), narrative.report_claims(cut_data)
        assert [c.to_json() for c in full] == [c.to_json() for c in cut], f"{code} {year}"
        for made in full:
            assert made.data_through <= year and made.year <= year, made
            if COMPARATIVES.search(made.text):  # words within the numbers, on every real sentence
                assert made.verdict in ("higher", "lower", "increase", "decrease"), made
            if made.indicator.startswith("framskrevet") and year < PROJECTION_VINTAGE_YEAR:
                assert made.value is None and "ikke i dataene" in made.text, made
        compared += len(full)
    assert compared > 10 * len(codes)  # Hovedtrekk, changes, centrality and planning for each


@pytest.mark.parametrize("year", (2020, 2023))
def test_restated_spreads_equal_the_spreads_of_data_cut_at_the_year(year):
    """`asof.restate` on the full fact base, cut at Y, gives the standard errors a build from data
    published by Y computes (the computations' own spread, not the restating code)."""
    full_facts, _ = _full()
    cut_facts, _ = _cut(year)
    regions = _small(year)[:10] + ["18", "50", "0"]
    ids = list(asof.RESTATED)  # net figures, population changes and the accounts
    restated = asof.restate(factbase.visible(full_facts[full_facts["kommunenr"].isin(regions)], year))
    built = factbase.visible(cut_facts[cut_facts["kommunenr"].isin(regions)], year)
    keys = ["kommunenr", "indicator", "year"]
    pair = restated[restated["indicator"].isin(ids)].merge(built[keys + ["se"]], on=keys,
                                                           suffixes=("", "_cut"))
    assert len(pair) > 100 and pair["indicator"].isin(list(asof.ACCOUNTS_RULES)).sum() > 100
    assert np.allclose(pair["se"], pair["se_cut"], equal_nan=True, rtol=1e-9)
    # and the all-years standard errors of the stored fact base do differ for some: the restating matters
    stored = full_facts[full_facts["indicator"].isin(ids)].merge(pair[keys + ["se_cut"]], on=keys)
    assert not np.allclose(stored["se"], stored["se_cut"], equal_nan=True)
