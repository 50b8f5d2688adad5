"""The municipal economy: the imported KOSTRA and KDD tables, their import checks, the economy indicators
in the fact base (checked against the imported sources, recomputed here independently), the as-of rule,
peer comparisons and the robustness rule for accounts.

Real figures from data/raw/snapshot; the import checks on corrupted inputs run on temporary copies of
../shared (developers' machines only; skipped where it is absent).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samfunn_data.config import PROJECT_ROOT
from samfunn_data.facts import factbase, indicators, robustness
from samfunn_data.importers import (
    fellestall,
    kdd_inntektssystem,
    kdd_utgiftsbehov_robek,
    kostra_12137,
    kostra_12362,
)
from samfunn_data.importers.core import Context, ImportCheckError
from samfunn_data.ssb import snapshot
from tests import factbase_fixtures as fx

SHARED = PROJECT_ROOT.parent / "shared"
SNAPSHOT = fx.REAL_SNAPSHOT
ECONOMY = [i for i, ind in indicators.CATALOGUE.items() if ind.theme == "okonomi"]
NL_TR = ("18", "50")


@pytest.fixture(scope="module")
def facts() -> pd.DataFrame:
    out = pd.read_parquet(fx.real_settings().processed_dir / "facts.parquet")
    return out[out["indicator"].isin(ECONOMY)]


def value(frame: pd.DataFrame, code: str, year: int, indicator: str) -> float:
    row = frame[(frame["kommunenr"] == code) & (frame["year"] == year) & (frame["indicator"] == indicator)]
    assert len(row) == 1, (code, year, indicator, len(row))
    return float(row["value"].iloc[0])


# ---------------------------------------------------------------- the catalogue

def test_the_issues_indicator_ids_are_in_the_catalogue():
    fixed = ["netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", "netto_lanegjeld_pst",
             "netto_lanegjeld_per_innb", "brutto_investeringer_per_innb", "brutto_investeringer_4ar_per_innb",
             "brutto_driftsinntekter_per_innb", "netto_driftsutgifter_per_innb", "frie_inntekter_per_innb",
             "skatt_pst_av_landet", "skatt_etter_utjevning_pst_av_landet", "utgiftsbehov_indeks", "robek",
             "netto_driftsutgifter_barnehage_per_innb", "netto_driftsutgifter_grunnskole_per_innb",
             "netto_driftsutgifter_helse_omsorg_per_innb", "netto_driftsutgifter_barnehage_per_innb_1_5",
             "netto_driftsutgifter_grunnskole_per_innb_6_15",
             "netto_driftsutgifter_helse_omsorg_per_innb_67_pluss"]
    assert not [i for i in fixed if i not in indicators.CATALOGUE]
    areas = [i for i in ECONOMY if i.startswith("netto_driftsutgifter_") and i.endswith("_per_innb")]
    assert len(areas) == 17 + 1  # the 17 service areas and the total
    assert "tilnærming" in indicators.get("frie_inntekter_per_innb").title


# ---------------------------------------------------------------- the imported tables

def test_12137_holds_tydals_2022_result_and_leaves_out_trondheim_before_2020():
    df = snapshot.read_table("12137").rename(columns={"KOKkommuneregion0000": "Region"})
    amounts = df[df["ContentsCode"] == "KOSbelop0000"].set_index(["Region", "KOKartkap0000", "Tid"])["value"]
    assert round(100 * amounts[("5033", "AGD23", "2022")] / amounts[("5033", "AGD13", "2022")], 2) == 10.76
    assert df.loc[df["Region"] == "5001", "Tid"].min() == "2020"
    assert df["Region"].nunique() == 79
    assert set(df.loc[df["status"] == "foreløpig", "Tid"]) == {"2025"}
    boundary = df[df["status"] == "grenseendring"]
    assert set(boundary["Region"] + boundary["Tid"]) == {"50542019"}


def test_12362_lacks_2019_only_where_the_source_does():
    df = snapshot.read_table("12362").rename(columns={"KOKkommuneregion0000": "Region"})
    years = df.groupby("Region")["Tid"].agg(set)
    assert all("2019" not in years[c] for c in ("1828", "1835", "1853"))
    assert "2019" in years["5033"] and df["KOKfunksjon0000"].nunique() == 17


def test_income_system_marks_selbu_and_stjordal_and_keeps_the_national_values():
    df = snapshot.read_table("kdd-inntektssystem")
    booked = df[df["status"] == "bokføring"]
    assert set(booked["Region"]) == {"5032", "5035"}
    assert set(booked.loc[booked["Region"] == "5032", "Tid"]) == {"2016", "2017", "2018", "2020", "2021"}
    landet = df[(df["Region"] == "0") & (df["ContentsCode"] == "FrieInntekterTilnaerming")]
    assert landet.set_index("Tid").loc["2023", "value"] == 69020.37  # PROVENANCE: Landet 2023 proxy 69 020


def test_robek_keeps_the_lists_date_and_hjemmel():
    df = snapshot.read_table("kdd-robek")
    assert df.attrs["list_date"] == "2026-04-20"
    assert df.attrs["hjemler"] == indicators.ROBEK_HJEMLER
    nl_tr = df[df["Region"].str[:2].isin(NL_TR)].set_index("Region")["Hjemmel"]
    assert set(nl_tr.index) == {"1822", "1837", "1851", "1865", "1871", "1874", "5025", "5043"}
    assert nl_tr["1874"] == "a, b, c og d"


def test_every_caveat_in_the_snapshot_is_explained_for_readers():
    for name in ("12137", "12362", "kdd-inntektssystem"):
        df = snapshot.read_table(name)
        statuses = set(df["status"].dropna())
        assert statuses and statuses <= set(indicators.FLAGS) and statuses <= set(df.attrs["status_labels"])


# ---------------------------------------------------------------- import checks fail on bad input

def _context(tmp_path: Path, folders: list[str]) -> Context:
    """A context over a temporary copy of the given ../shared folders, with the committed 07459."""
    if not (SHARED / "ssb-data-candidates").is_dir():
        pytest.skip("../shared is not on this machine (the import checks run on developers' machines)")
    for folder in folders:
        shutil.copytree(SHARED / "ssb-data-candidates" / folder, tmp_path / "ssb-data-candidates" / folder)
    regions = snapshot.read_table("regions-2024")
    munis = regions[regions["level"] == "kommune"]
    names = {"municipalities": dict(zip(munis["code"], munis["official_name"], strict=True))}
    ctx = Context(source=tmp_path, rda={}, county_names={}, regions=regions, names=names, fylker_bytes=b"",
                  fylker_codes=[])
    ctx.outputs["07459.parquet"] = pd.read_parquet(SNAPSHOT / "07459.parquet")
    return ctx


def _edit_csv(path: Path, where: dict, column: str, change) -> None:
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    mask = np.logical_and.reduce([raw[k] == v for k, v in where.items()])
    assert mask.sum() >= 1
    raw.loc[mask, column] = [str(change(v)) for v in raw.loc[mask, column]]
    raw.to_csv(path, index=False)


def test_unchanged_inputs_pass_every_economy_check(tmp_path):
    folders = ["kostra-12137", "kostra-services", "kdd-inntektssystem", "kdd-utgiftsbehov-robek"]
    ctx = _context(tmp_path, folders)
    for step in (kostra_12137.add, kostra_12362.add, kdd_inntektssystem.add,
                 kdd_utgiftsbehov_robek.add_expenditure_need, kdd_utgiftsbehov_robek.add_robek):
        step(ctx)
    for name in ("12137", "12362", "kdd-inntektssystem", "kdd-utgiftsbehov", "kdd-robek"):
        written = pd.read_parquet(SNAPSHOT / f"{name}.parquet")
        pd.testing.assert_frame_equal(ctx.outputs[f"{name}.parquet"].reset_index(drop=True), written,
                                      check_dtype=False)


def test_a_per_innbygger_typo_stops_the_12137_import(tmp_path):
    ctx = _context(tmp_path, ["kostra-12137"])
    where = {"kommunenr": "5033", "aar": "2022", "ssb_regnskapsbegrep": "KG31"}
    _edit_csv(tmp_path / kostra_12137.LONG, where, "per_innbygger_kr", lambda v: int(v) + 3)
    with pytest.raises(ImportCheckError, match="12137: the six measures"):
        kostra_12137.add(ctx)
    assert "12137.parquet" not in ctx.outputs


def test_a_population_off_by_one_stops_the_12362_import(tmp_path):
    ctx = _context(tmp_path, ["kostra-12137", "kostra-services"])
    kostra_12137.add(ctx)
    # Træna's barnehage 2022 amount 10 % higher: no longer that amount divided by 07459's population
    _edit_csv(tmp_path / kostra_12362.LONG, {"kommunenr": "1835", "year": "2022", "fgk_code": "FGK7",
                                             "metric": "net_expenses"},
              "amount_1000kr", lambda v: round(int(v) * 1.1))
    with pytest.raises(ImportCheckError, match="12362: 1 rows' per innbygger is not the amount divided"):
        kostra_12362.add(ctx)
    assert "12362.parquet" not in ctx.outputs


def test_a_tax_figure_that_breaks_kdds_formula_stops_the_income_import(tmp_path):
    ctx = _context(tmp_path, ["kdd-inntektssystem"])
    _edit_csv(tmp_path / kdd_inntektssystem.CSV, {"kommunenr": "5033", "aar": "2022"},
              "skatt_inntekt_formue_per_innb_kr", lambda v: round(float(v) + 10, 2))
    with pytest.raises(ImportCheckError, match="2022 does not fit KDD's inntektsutjevning formula"):
        kdd_inntektssystem.add(ctx)


def test_a_robek_list_of_another_date_is_refused(tmp_path):
    ctx = _context(tmp_path, ["kdd-utgiftsbehov-robek"])
    path = tmp_path / kdd_utgiftsbehov_robek.ROBEK
    path.write_text(path.read_text(encoding="utf-8").replace("2026-04-20", "2026-05-01"), encoding="utf-8")
    with pytest.raises(ImportCheckError, match="not the one published 2026-04-20"):
        kdd_utgiftsbehov_robek.add_robek(ctx)


def test_a_changed_file_is_refused_by_its_sha256(tmp_path):
    ctx = _context(tmp_path, ["kostra-12137"])
    path = tmp_path / kostra_12137.LONG
    path.write_bytes(path.read_bytes() + b"\n")  # the same figures, but not the file PROVENANCE lists
    with pytest.raises(ImportCheckError, match="sha256"):
        kostra_12137.add(ctx)


def test_rounding_tolerance_accepts_ssbs_rounding_and_nothing_more():
    # Tydal 2022 netto lånegjeld: 59,964 (1000 kr) / 753 inhabitants = 79,633.5 kr, published 79,633
    assert not fellestall.off_by_rounding(np.array([59964.0]), np.array([79633.0]), 753)[0]
    assert fellestall.off_by_rounding(np.array([59964.0]), np.array([79635.0]), 753)[0]


# ---------------------------------------------------------------- the fact base against the sources

_POP = pd.read_parquet(SNAPSHOT / "07459.parquet", columns=["Region", "Alder", "Tid", "value"])
_AGES = _POP["Alder"].str.rstrip("+").astype(int)
_MUNIS = {c for c in _POP["Region"].unique() if len(c) == 4 and c[:2] in NL_TR}


def _people(lo: int = 0, hi: int | None = None) -> dict[tuple[str, int], float]:
    """Inhabitants lo..hi on 1 January, keyed by the year before (the accounts' 31 December)."""
    band = _POP[(_AGES >= lo) & (_AGES <= (hi if hi is not None else 200))]
    return {(r, int(t) - 1): v for (r, t), v in band.groupby(["Region", "Tid"])["value"].sum().items()}


def _kostra(table: str, key: str, codes: set[str]) -> tuple[dict, dict]:
    """Amounts and per innbygger keyed (region, year, code), with each county's municipalities summed
    where all of them have the figure, per innbygger over the county's population."""
    df = pd.read_parquet(SNAPSHOT / f"{table}.parquet").rename(columns={"KOKkommuneregion0000": "Region"})
    df = df[df[key].isin(codes)]
    if table == "12362":
        df = df[df["KOKart0000"] == "AGD2"]  # netto driftsutgifter
    cells = {}
    for content in ("KOSbelop0000", "KOSbelopinnbygge0000"):
        part = df.loc[df["ContentsCode"] == content, ["Region", "Tid", key, "value"]]
        cells[content] = {(r, int(t), k): v for r, t, k, v in part.itertuples(index=False)}
    amount, per = cells["KOSbelop0000"], cells["KOSbelopinnbygge0000"]
    everyone = _people()
    for county in NL_TR:
        members = [c for c in _MUNIS if c[:2] == county]
        for year in {y for _r, y, _k in list(amount)}:
            for code in codes:
                parts = [amount.get((c, year, code)) for c in members]
                if all(p is not None for p in parts):
                    amount[(county, year, code)] = sum(parts)
                    per[(county, year, code)] = sum(parts) * 1000 / everyone[(county, year)]
    return amount, per


def _window(out: dict, source: str, target: str, years: int, combine) -> None:
    for region, year, _source in [k for k in out if k[2] == source]:
        window = [out.get((region, year - i, source)) for i in range(years)]
        if all(w is not None for w in window):
            out[(region, year, target)] = combine(window)


def _accounts(out: dict) -> None:
    per_innb = {"KG31": "netto_lanegjeld_per_innb", "AGI1": "brutto_investeringer_per_innb",
                "AGD13": "brutto_driftsinntekter_per_innb", "AGD1": "netto_driftsutgifter_per_innb"}
    amount, per = _kostra("12137", "KOKartkap0000", set(per_innb) | {"AGD23"})
    for (region, year, code), v in per.items():
        if code in per_innb:
            out[(region, year, per_innb[code])] = v
        if code == "AGD13":
            revenue = amount[(region, year, "AGD13")]
            out[(region, year, "netto_driftsresultat_pst")] = 100 * amount[(region, year, "AGD23")] / revenue
            out[(region, year, "netto_lanegjeld_pst")] = 100 * amount[(region, year, "KG31")] / revenue
    _window(out, "netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", 3, lambda w: sum(w) / 3)
    _window(out, "brutto_investeringer_per_innb", "brutto_investeringer_4ar_per_innb", 4, sum)


def _services(out: dict) -> None:
    areas = {code: area for area, (code, _label) in indicators.SERVICE_AREAS.items()}
    amount, per = _kostra("12362", "KOKfunksjon0000", set(areas))
    for (region, year, code), v in per.items():
        out[(region, year, f"netto_driftsutgifter_{areas[code]}_per_innb")] = v
    for code, name, lo, hi in (("FGK7", "barnehage_per_innb_1_5", 1, 5),
                               ("FGK8b", "grunnskole_per_innb_6_15", 6, 15),
                               ("FGK9", "helse_omsorg_per_innb_67_pluss", 67, None)):
        band = _people(lo, hi)
        for (region, year, c), v in amount.items():
            if c == code:
                out[(region, year, f"netto_driftsutgifter_{name}")] = v * 1000 / band[(region, year)]


def _kdd(out: dict) -> None:
    income = pd.read_parquet(SNAPSHOT / "kdd-inntektssystem.parquet")
    names = {"FrieInntekterTilnaerming": "frie_inntekter_per_innb", "Skatt": "skatt_per_innb",
             "SkattPstLandet": "skatt_pst_av_landet", "Utgiftsutjevning": "utgiftsutjevning_per_innb",
             "SkattEtterUtjevningPstLandet": "skatt_etter_utjevning_pst_av_landet"}
    for r, code, t, v in income[["Region", "ContentsCode", "Tid", "value"]].itertuples(index=False):
        if code in names:
            out[(r, int(t), names[code])] = v
    dki = pd.read_parquet(SNAPSHOT / "kdd-utgiftsbehov.parquet")
    for r, t, v in dki[["Region", "Tid", "value"]].itertuples(index=False):
        if r[:2] in NL_TR:
            out[(r, int(t), "utgiftsbehov_indeks")] = v
    listed = set(pd.read_parquet(SNAPSHOT / "kdd-robek.parquet")["Region"])
    for code in _MUNIS:
        out[(code, 2026, "robek")] = float(code in listed)


def _sources_recomputed() -> pd.Series:
    """Every economy indicator recomputed from the snapshot files with plain pandas, independently of
    samfunn_data.facts.economy: (kommunenr, year, indicator) -> value for municipalities, counties, Norway."""
    out: dict[tuple[str, int, str], float] = {}
    _accounts(out)
    _services(out)
    _kdd(out)
    index = pd.MultiIndex.from_tuples(list(out), names=["kommunenr", "year", "indicator"])
    return pd.Series(list(out.values()), index=index).sort_index()


def test_every_economy_indicator_agrees_with_the_imported_sources(facts):
    expected = _sources_recomputed()
    got = facts.set_index(["kommunenr", "year", "indicator"])["value"].sort_index()
    assert set(got.index.get_level_values("indicator")) == set(ECONOMY)
    missing = expected.index.difference(got.index)
    extra = got.index.difference(expected.index)
    assert missing.empty, f"in the sources, not in the fact base: {list(missing[:5])}"
    assert extra.empty, f"in the fact base, not in the sources: {list(extra[:5])}"
    gap = (got - expected.reindex(got.index)).abs() / expected.reindex(got.index).abs().clip(lower=1)
    assert gap.max() < 1e-9, gap.idxmax()
    assert len(got) > 25_000  # 79 municipalities, up to 11 years, 38 indicators, and the county sums


def test_tydals_figures_as_published(facts):
    assert round(value(facts, "5033", 2022, "netto_driftsresultat_pst"), 2) == 10.76
    assert value(facts, "5033", 2022, "netto_lanegjeld_per_innb") == 79633
    assert value(facts, "5033", 2026, "utgiftsbehov_indeks") == 1.4605
    assert value(facts, "5033", 2023, "skatt_pst_av_landet") == 131.8
    assert value(facts, "0", 2023, "frie_inntekter_per_innb") == 69020.37
    # Tydal's three-year average 2020-2022: (10.32 + 6.17 + 10.76) / 3
    assert round(value(facts, "5033", 2022, "netto_driftsresultat_pst_3ar"), 2) == 9.08


def test_flags_mark_preliminary_boundary_and_booking_rows(facts):
    flagged = facts.set_index(["kommunenr", "year", "indicator"])["flag"]
    assert flagged[("5033", 2025, "netto_driftsresultat_pst")] == indicators.PRELIMINARY
    assert flagged[("50", 2025, "netto_driftsresultat_pst")] == indicators.PRELIMINARY
    assert flagged[("5033", 2025, "netto_driftsresultat_pst_3ar")] == indicators.PRELIMINARY
    assert pd.isna(flagged[("5033", 2025, "skatt_pst_av_landet")])  # KDD's 2025 tax figures are final
    assert flagged[("5054", 2019, "netto_driftsresultat_pst")] == indicators.BOUNDARY
    assert flagged[("5032", 2017, "frie_inntekter_per_innb")] == indicators.BOOKING
    assert flagged[("1874", 2026, "robek")] == "a, b, c og d"
    assert pd.isna(flagged[("5033", 2026, "robek")])
    assert set(facts["flag"].dropna()) - {indicators.PRELIMINARY, indicators.BOUNDARY, indicators.BOOKING} \
        <= {"c og d", "b, c og d", "a, b, c og d"}


def test_county_figures_exist_only_when_every_municipality_has_accounts(facts):
    county = facts[(facts["level"] == "fylke") & (facts["indicator"] == "netto_driftsresultat_pst")]
    assert set(county["year"]) == set(range(2020, 2026))  # merged municipalities start in 2020
    assert (facts.loc[facts["level"] == "land", "indicator"].isin(["frie_inntekter_per_innb",
                                                                    "skatt_per_innb"])).all()


# ---------------------------------------------------------------- what a report for year Y may show

def _years(kommune: str, report_year: int) -> dict[str, set[int]]:
    shown = factbase.as_of(kommune, report_year, settings=fx.real_settings())
    shown = shown[shown["indicator"].isin(ECONOMY)]
    return shown.groupby("indicator")["year"].agg(set).to_dict()


def test_a_2023_report_shows_accounts_to_2022_and_no_budget_index_or_robek():
    years = _years("5033", 2023)
    assert max(years["netto_driftsresultat_pst"]) == 2022 and max(years["frie_inntekter_per_innb"]) == 2022
    assert "utgiftsbehov_indeks" not in years and "robek" not in years


def test_the_expenditure_need_index_only_in_its_budget_years_report():
    assert _years("5033", 2025)["utgiftsbehov_indeks"] == {2025}
    assert _years("5033", 2026)["utgiftsbehov_indeks"] == {2026}
    assert "utgiftsbehov_indeks" not in _years("5033", 2027)


def test_robek_from_2026_only_and_never_earlier_membership():
    assert "robek" not in _years("1874", 2025)
    shown = factbase.as_of("1874", 2026, settings=fx.real_settings())
    row = shown[shown["indicator"] == "robek"]
    assert row[["year", "value", "flag"]].values.tolist() == [[2026, 1.0, "a, b, c og d"]]
    assert _years("1874", 2027)["robek"] == {2026}


def test_a_2026_report_shows_the_preliminary_2025_accounts():
    shown = factbase.as_of("5033", 2026, settings=fx.real_settings())
    latest = shown[(shown["indicator"] == "netto_driftsresultat_pst") & (shown["year"] == 2025)]
    assert latest["flag"].tolist() == [indicators.PRELIMINARY]


def test_robek_grounds_spell_out_the_hjemmel():
    grounds = indicators.robek_grounds("a, b, c og d")  # Moskenes on the list of 2026-04-20
    assert len(grounds) == 4 and grounds[0] == "a) Driftsbudsjettet er vedtatt med et merforbruk."
    assert grounds[3].startswith("d) Balanseregnskapet viser et oppsamlet merforbruk")
    assert indicators.robek_grounds("c og d") == grounds[2:]


def test_visible_says_the_same_as_as_of_for_each_rule():
    cat = indicators.CATALOGUE
    assert indicators.visible(cat["netto_driftsresultat_pst"], 2022, 2023)
    assert not indicators.visible(cat["netto_driftsresultat_pst"], 2023, 2023)
    assert indicators.visible(cat["utgiftsbehov_indeks"], 2026, 2026)
    assert not indicators.visible(cat["utgiftsbehov_indeks"], 2025, 2026)
    assert not indicators.visible(cat["robek"], 2026, 2025) and indicators.visible(cat["robek"], 2026, 2030)
    # the kind rule still holds for the other indicators
    assert indicators.visible(cat["folkemengde"], 2023, 2023)
    assert not indicators.visible(cat["fodselsoverskudd"], 2023, 2023)


# ---------------------------------------------------------------- comparisons and robustness

def test_peer_comparisons_leave_out_flagged_rows():
    # made-up values on real codes, to see the rule at work: Selbu's row is flagged as booked too low
    facts = pd.DataFrame({
        "kommunenr": ["5033", "5026", "5032", "5033", "5026", "5032"],
        "level": "kommune", "year": 2017,
        "indicator": ["frie_inntekter_per_innb"] * 3 + ["folkemengde"] * 3,
        "value": [72374.0, 60000.0, 37570.0, 800.0, 2000.0, 2400.0],
        "count": np.nan, "se": np.nan, "robustness": None, "unit": "kroner",
        "flag": [None, None, indicators.BOOKING, None, None, None]})
    out = factbase.compute_comparisons(facts, participants=["5033", "5026", "5032"])
    out = out[out["indicator"] == "frie_inntekter_per_innb"].set_index("kommunenr")
    assert (out["small_n"] == 2).all() and (out["small_median"] == 66187.0).all()
    assert (out["network_median"] == 66187.0).all()
    assert pd.isna(out.loc["5032", "rank_small"]) and out.loc["5032", "flag"] == indicators.BOOKING


def test_accounts_are_not_graded_and_their_noise_is_the_units_own_swings(facts):
    assert robustness.grade(5.0, "accounts") is None
    assert facts["robustness"].isna().all() and facts["count"].isna().all()
    tydal = facts[(facts["kommunenr"] == "5033") & (facts["indicator"] == "netto_driftsresultat_pst")]
    series = tydal.set_index("year")["value"].sort_index()
    expected = series.diff().std(ddof=1) / np.sqrt(2)
    assert np.allclose(tydal["se"], expected)
    mean3 = facts[(facts["kommunenr"] == "5033") & (facts["indicator"] == "netto_driftsresultat_pst_3ar")]
    assert np.allclose(mean3["se"], expected / np.sqrt(3))


def test_changes_command_lists_the_accounts_as_not_graded(monkeypatch, capsys):
    from samfunn_data import cli

    settings = fx.real_settings()
    monkeypatch.setenv("SAMFUNN_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(settings.snapshot_dir))
    assert cli.main(["changes", "Tydal", "--since", "2022"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if " netto_driftsresultat_pst " in x)
    assert "2022:" in line and "10.8" in line and "2025:" in line and "(ikke gradert)" in line
