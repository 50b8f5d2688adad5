"""The indicator catalogue and its computations: hand-computable fixtures and real SSB figures."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samfunn_data.facts import computations, factbase, indicators
from samfunn_data.facts.robustness import MEASURES
from tests import factbase_fixtures as fx

REQUIRED = [
    "folkemengde", "endring_1ar", "endring_1ar_pst", "endring_5ar", "endring_5ar_pst", "endring_10ar",
    "endring_10ar_pst", "forsorgerbrok", "eldrebrok", "kvinner_per_100_menn_20_39", "medianalder",
    "fodselsoverskudd", "fodselsoverskudd_per_1000", "fodselsoverskudd_3ar", "nettoinnflytting",
    "nettoinnflytting_per_1000", "nettoinnflytting_3ar", "medianinntekt", "husholdninger",
    "sentralitetsklasse", "sentralitetsindeks", "framskrevet_2030", "framskrevet_2040", "framskrevet_2050",
    "framskrevet_2030_pst", "framskrevet_2040_pst", "framskrevet_2050_pst", "sysselsatte_per_100",
    "andel_hoyere_utdanning", "andel_hoyere_utdanning_kort", "andel_hoyere_utdanning_lang",
] + [f"{kind}_{group}" for kind in ("andel", "antall")
     for group in ("0_5", "6_15", "16_66", "67_79", "80_pluss")]


def value(frame: pd.DataFrame, code: str, year: int, indicator: str) -> float:
    row = frame[(frame["kommunenr"] == code) & (frame["year"] == year) & (frame["indicator"] == indicator)]
    assert len(row) == 1, f"expected one {indicator} row for {code} {year}, got {len(row)}"
    return float(row["value"].iloc[0])


# ---------------------------------------------------------------- the catalogue as data

def test_catalogue_has_every_required_indicator():
    missing = [i for i in REQUIRED if i not in indicators.CATALOGUE]
    assert not missing, f"missing from the catalogue: {missing}"
    assert any(i.startswith("sysselsatte_") and i != "sysselsatte_per_100" for i in indicators.CATALOGUE)


def test_every_entry_is_complete_and_names_a_real_computation():
    for ind in indicators.CATALOGUE.values():
        assert ind.computation in factbase.COMPUTATIONS, ind.id
        assert ind.published in (None, *indicators.PUBLISHED_RULES), ind.id
        assert ind.theme in indicators.THEMES and ind.kind in indicators.KINDS, ind.id
        assert ind.measure in MEASURES and ind.source_tables and ind.title and ind.description, ind.id
        assert ind.polarity in (1, -1, None) and set(ind.levels) <= {"kommune", "fylke", "land"}, ind.id


def test_stocks_and_flows_are_declared_as_the_issue_says():
    cat = indicators.CATALOGUE
    assert cat["folkemengde"].kind == "stock" and cat["folkemengde"].reference_date == "1. januar"
    assert cat["husholdninger"].kind == "stock"
    for flow in ("fodselsoverskudd", "nettoinnflytting", "medianinntekt"):
        assert cat[flow].kind == "flow" and cat[flow].reference_date == "kalenderår"
    # medians are never summed to county level; NL/TR-only tables never claim Norway
    assert cat["medianinntekt"].levels == ("kommune",)
    # (the income-system file carries KDD's own national values, so those indicators may give Norway)
    assert all("land" not in ind.levels for ind in cat.values()
               if ind.coverage == indicators.NL_TR and ind.source_tables != ("kdd-inntektssystem",))


def test_unknown_indicator_names_close_matches():
    with pytest.raises(KeyError, match="folkemengde"):
        indicators.get("folkmengde")


# ---------------------------------------------------------------- hand-computable fixtures

@pytest.fixture(scope="module")
def computed() -> pd.DataFrame:
    inputs = fx.fixture_inputs()
    return pd.concat([f(inputs) for f in computations.COMPUTATIONS.values()], ignore_index=True)


def test_population_and_changes(computed):
    assert value(computed, "1811", 2019, "folkemengde") == 180
    assert value(computed, "1811", 2022, "folkemengde") == 186
    assert value(computed, "0", 2019, "folkemengde") == 180 + 100 + 3002
    assert value(computed, "1811", 2020, "endring_1ar") == 2
    assert value(computed, "1812", 2022, "endring_1ar_pst") == pytest.approx(100 * -1 / 98)
    assert computed.query("indicator == 'endring_5ar'").empty  # four years of data: no 5-year change


def test_age_groups_ratios_and_median_age(computed):
    # 1811 in 2019: 0-5: 20, 6-15: 40, 16-66: 70, 67-79: 30, 80+: 20 of 180
    assert value(computed, "1811", 2019, "antall_80_pluss") == 20
    assert value(computed, "1811", 2019, "andel_0_5") == pytest.approx(100 * 20 / 180)
    assert value(computed, "1811", 2019, "andel_16_66") == pytest.approx(100 * 70 / 180)
    assert value(computed, "1811", 2019, "forsorgerbrok") == pytest.approx(100 * (60 + 50) / 70)
    assert value(computed, "1811", 2019, "eldrebrok") == pytest.approx(100 * 20 / 70)
    assert value(computed, "1811", 2019, "kvinner_per_100_menn_20_39") == pytest.approx(100 * 40 / 30)
    # 90th of 180 persons lies in age 30 (60 younger, 70 aged 30): 30 + 30/70
    assert value(computed, "1811", 2019, "medianalder") == pytest.approx(30 + 30 / 70)
    # "105+" counts as age 105 and does not break the grid
    assert value(computed, "5001", 2019, "antall_80_pluss") == 2


def test_flows_per_1000_and_pooled(computed):
    # 1811 2020: natural increase -1, mean population (182 + 184) / 2
    assert value(computed, "1811", 2020, "fodselsoverskudd_per_1000") == pytest.approx(-1000 / 183)
    assert value(computed, "1811", 2021, "nettoinnflytting_3ar") == 5 - 4 + 3
    pooled = 1000 * (5 - 4 + 3) / ((180 + 182) / 2 + (182 + 184) / 2 + (184 + 186) / 2)
    assert value(computed, "1811", 2021, "nettoinnflytting_3ar_per_1000") == pytest.approx(pooled)
    assert computed.query("indicator == 'nettoinnflytting_3ar' and year < 2021").empty


def test_rows_on_old_borders_are_dropped_and_county_sums_need_every_municipality(computed):
    # 5001's 2019 population in 06913 differs from 07459 on today's borders: no 2019 flows for it
    assert computed.query("kommunenr == '5001' and year == 2019 and indicator == 'fodselsoverskudd'").empty
    assert value(computed, "5001", 2020, "fodselsoverskudd") == 12
    # Nordland = 1811 + 1812 (both present); Trøndelag 2019 lacks 5001, so no county sum that year
    assert value(computed, "18", 2020, "nettoinnflytting") == -4 + 2
    assert computed.query("kommunenr == '50' and year == 2019 and indicator == 'fodselsoverskudd'").empty
    assert value(computed, "50", 2020, "fodselsoverskudd") == 12


def test_county_sum_is_left_out_when_a_municipality_is_missing():
    edu = fx.education_09429()
    inputs = fx.fixture_inputs({"09429": edu[edu["Region"] != "1812"]})
    result = computations.education(inputs)
    assert result.query("kommunenr == '18'").empty
    assert value(result, "50", 2021, "andel_hoyere_utdanning") == pytest.approx(100 * 1000 / 2500)


def test_income_households_employment_education(computed):
    assert value(computed, "1811", 2021, "medianinntekt") == 500000
    assert computed.query("indicator == 'medianinntekt' and kommunenr == '18'").empty  # never a county median
    assert value(computed, "18", 2021, "husholdninger") == 80 + 45
    # employed Q4 2020 / population 15-74 on 1 January 2021 (men 30: 34, women 30: 40, age 70: 30)
    assert value(computed, "1811", 2020, "sysselsatte_per_100") == pytest.approx(100 * 90 / 104)
    assert value(computed, "1811", 2020, "andel_sysselsatte_primaer") == pytest.approx(100 * 20 / 90)
    assert value(computed, "18", 2021, "sysselsatte_primaer") == 25
    assert value(computed, "1811", 2021, "andel_hoyere_utdanning") == pytest.approx(100 * 36 / 150)
    assert value(computed, "1811", 2021, "andel_hoyere_utdanning_lang") == pytest.approx(100 * 6 / 150)


def test_projections_and_centrality(computed):
    assert value(computed, "1811", 2021, "framskrevet_2030") == 170
    assert value(computed, "1811", 2021, "framskrevet_2030_pst") == pytest.approx(100 * (170 - 184) / 184)
    assert value(computed, "18", 2020, "framskrevet_2030_lav") == 230
    assert value(computed, "0", 2020, "framskrevet_2030_hoy") == 270 + 3700  # sum of all counties
    assert computed.query("indicator == 'framskrevet_2030_lav' and kommunenr == '1811'").empty
    assert value(computed, "1811", 2022, "sentralitetsklasse") == 6
    assert value(computed, "1811", 2020, "sentralitetsindeks") == 426
    assert computed.query("kommunenr == '1850'").empty  # retired code, not a municipality in 07459
    assert computed.query("indicator == 'sentralitetsklasse' and year < 2020").empty


def test_commuting_counts_in_out_and_own_municipality(computed):
    assert value(computed, "1811", 2017, "sysselsatte_bosatt") == 12 + 5 + 3
    assert value(computed, "1811", 2017, "arbeidsplasser") == 12 + 2
    assert value(computed, "1811", 2017, "utpendling") == 5 + 3
    assert value(computed, "1811", 2017, "innpendling") == 2
    assert value(computed, "1811", 2017, "netto_innpendling") == 2 - 8
    assert value(computed, "1811", 2017, "andel_jobber_i_egen_kommune") == pytest.approx(100 * 12 / 20)
    assert value(computed, "1812", 2017, "utpendling") == 2
    assert value(computed, "1812", 2017, "innpendling") == 1  # from the split area
    # an area of a split municipality is no 2024 municipality: no figures under any code
    assert computed.query("kommunenr.str.contains('1850')").empty


def test_every_computation_returns_only_catalogue_indicators_with_the_contract_columns(computed):
    assert list(computed.columns) == computations.COLUMNS
    assert set(computed["indicator"]) <= set(indicators.CATALOGUE)
    assert np.isfinite(computed["value"]).all()


# ---------------------------------------------------------------- README

def test_readme_indicator_table_matches_the_catalogue():
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- indicators:start -->\n(.*?)<!-- indicators:end -->", readme, re.S)
    assert block is not None, "README.md lost its <!-- indicators:start/end --> markers"
    assert block.group(1).strip() == indicators.indicator_table_markdown().strip(), (
        "README's indicator table is out of date: regenerate it with `python scripts/gen_indicator_docs.py`")


def test_generated_table_lists_every_indicator_once():
    table = indicators.indicator_table_markdown()
    for indicator_id in [*indicators.CATALOGUE, *indicators.DERIVED]:  # derived ids too, in their own table
        assert table.count(f"| `{indicator_id}` |") == 1
    assert not set(indicators.CATALOGUE) & set(indicators.DERIVED)


# ---------------------------------------------------------------- real SSB figures (embedded snapshot)

real = pytest.mark.skipif(not fx.real_snapshot_present(), reason="the embedded snapshot is not imported")


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    from samfunn_data.facts import factbase

    return factbase.load(settings=fx.real_settings())


@pytest.fixture(scope="module")
def raw07459() -> pd.DataFrame:
    frame = pd.read_parquet(fx.REAL_SNAPSHOT / "07459.parquet")
    return frame.assign(age=frame["Alder"].str[:3].astype(int), year=frame["Tid"].astype(int))


@real
@pytest.mark.parametrize(("year", "total"), [
    (2019, 5_328_212), (2020, 5_367_580), (2021, 5_391_369), (2022, 5_425_270), (2023, 5_488_984),
    (2024, 5_550_203), (2025, 5_594_340), (2026, 5_627_400),
])
def test_national_population_equals_published_totals(facts, year, total):
    assert value(facts, "0", year, "folkemengde") == total


@real
def test_county_and_municipality_populations_equal_published_figures(facts):
    assert value(facts, "18", 2024, "folkemengde") == 243_081
    assert value(facts, "50", 2024, "folkemengde") == 482_956
    assert value(facts, "1811", 2025, "folkemengde") == 1_374
    assert value(facts, "1811", 2026, "folkemengde") == 1_361
    assert value(facts, "1811", 2026, "endring_1ar") == 1_361 - 1_374


@real
@pytest.mark.parametrize(("code", "year"), [("5033", 2023), ("1835", 2020), ("0", 2024)])
def test_age_shares_equal_shares_computed_from_raw_rows(facts, raw07459, code, year):
    rows = raw07459[(raw07459["Region"] == code) & (raw07459["year"] == year)]
    everyone = rows["value"].sum()
    assert value(facts, code, year, "andel_80_pluss") == pytest.approx(
        100 * rows.loc[rows["age"] >= 80, "value"].sum() / everyone)
    assert value(facts, code, year, "andel_0_5") == pytest.approx(
        100 * rows.loc[rows["age"] <= 5, "value"].sum() / everyone)
    young_women = rows.loc[(rows["Kjonn"] == "2") & rows["age"].between(20, 39), "value"].sum()
    young_men = rows.loc[(rows["Kjonn"] == "1") & rows["age"].between(20, 39), "value"].sum()
    expected = 100 * young_women / young_men
    assert value(facts, code, year, "kvinner_per_100_menn_20_39") == pytest.approx(expected)


@real
def test_nl_tr_tables_give_published_county_figures(facts):
    assert value(facts, "18", 2024, "sysselsatte") == 121_520
    assert value(facts, "50", 2024, "sysselsatte") == 250_286
    assert round(value(facts, "18", 2024, "andel_hoyere_utdanning"), 1) == 30.5
    assert round(value(facts, "50", 2024, "andel_hoyere_utdanning"), 1) == 37.2
    assert value(facts, "18", 2024, "framskrevet_2050") == 241_234
    assert value(facts, "50", 2024, "framskrevet_2050") == 529_458


@real
def test_nl_tr_indicators_exist_only_in_nordland_and_trondelag(facts):
    flows = facts[facts["indicator"] == "nettoinnflytting"]
    assert set(flows["kommunenr"].str[:2]) == {"18", "50"}
    assert facts.query("indicator == 'medianinntekt' and level != 'kommune'").empty
    assert (facts.query("indicator == 'medianinntekt'")["kommunenr"].str.len() == 4).all()
    # 2019 rows survive only for codes whose borders did not change in 2020 (e.g. not 5001 Trondheim)
    assert facts.query("indicator == 'fodselsoverskudd' and kommunenr == '5001' and year == 2019").empty
    assert not facts.query("indicator == 'fodselsoverskudd' and kommunenr == '1811' and year == 2019").empty
