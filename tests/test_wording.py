"""What a reader sees, worded once (issue 13): one grade vocabulary everywhere, terms defined, sources in
plain words, and the small defects found by reading the reports, each checked on real municipalities."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from samfunn_data import cli
from samfunn_data.facts.robustness import GRADE_LABELS_NB
from samfunn_data.formatting import fmt_int, fmt_number, fmt_pct
from tests.report_fixtures import SNAPSHOT, built_data_dir, environment

LABELS = set(GRADE_LABELS_NB.values())
# Words the grades were shown as before: English codes and the overview's "solid / usikker".
OLD_WORDS = re.compile(r"\b(solid|indicative|too few|usikker)\b")


@pytest.fixture(scope="module", autouse=True)
def fact_base(tmp_path_factory):
    """The fact base built from the committed snapshot; anything written goes to temporary folders."""
    reports_dir = tmp_path_factory.mktemp("reports")
    with environment(SAMFUNN_DATA_DIR=built_data_dir(), SAMFUNN_SNAPSHOT_DIR=SNAPSHOT,
                     SAMFUNN_REPORTS_DIR=reports_dir):
        yield reports_dir


@pytest.fixture(scope="module")
def panel():
    from samfunn_data import network

    return network.panel(years=(2010, 2026), reference_year=2020)


@pytest.fixture(scope="module")
def tydal_2023():
    from samfunn_data.reports import data as report_data

    return report_data.load("5033", 2023)


@pytest.fixture(scope="module")
def population() -> pd.DataFrame:
    raw = pd.read_parquet(SNAPSHOT / "07459.parquet", columns=["Region", "Tid", "value"])
    total = raw.groupby(["Region", "Tid"], observed=True)["value"].sum().reset_index()
    return total.assign(year=total["Tid"].astype(int))


def _grades_in(text: str) -> set[str]:
    """The grade words a reader sees: "(n=14, usikkert)", "<td>sikkert; …", "«for få»", "fodselsoverskudd:
    for få" (the screening CSV)."""
    words = "sikkert|usikkert|for få|solid|usikker|indicative|too few"
    return (set(re.findall(rf"[(,«>] ?({words})[);»<]", text))
            | set(re.findall(rf"\w: ({words})(?:;|$)", text)))


# -- one vocabulary for the grades ------------------------------------------------------------------


def test_reports_overview_screening_and_cli_show_the_same_grade_words(panel, tydal_2023, tmp_path, capsys):
    from samfunn_data.network import analysis, text
    from samfunn_data.reports import tables
    from samfunn_data.screening import run

    shown = {}
    shown["report table"] = tables.indicator_table(tydal_2023, tables.FLOW_IDS, "Flyt")
    shown["report note"] = tables.grade_note()
    bd = analysis.before_during(panel, "2015-2019", "2020-2023")
    shown["overview components"] = text.components_table(bd).to_html()
    shown["overview latest"] = text.latest_table(panel, text.KEY_INDICATORS, 2026, "sma_nl_tr").to_html()
    shown["overview note"] = text.latest_notes(text.KEY_INDICATORS)
    result = run.screen_file(SNAPSHOT.parents[2] / "examples" / "applications_example.csv", 2020, tmp_path)
    shown["screening page"] = result.paths["html"].read_text(encoding="utf-8")
    csv = pd.read_csv(result.paths["csv"], dtype=str)
    shown["screening csv"] = "; ".join(csv["robusthet"])
    assert cli.main(["changes", "Tydal", "--since", "2020"]) == 0
    shown["cli changes"] = capsys.readouterr().out

    for place, output in shown.items():
        words = _grades_in(output)
        assert words and words <= LABELS, (place, words)
        assert not OLD_WORDS.search(re.sub(r"<style>.*?</style>", "", output, flags=re.S)), place
    # the notes that explain the grades explain all three, with the thresholds
    for place in ("report note", "overview note", "screening page"):
        assert all(f"«{label}»" in shown[place] for label in LABELS), place
        assert "minst 20" in shown[place] and "10–19" in shown[place] and "under 10" in shown[place]
    # Tydal's three-year natural increase 2020–2022 is −15 people (06913): 10–19, so "usikkert"
    assert "usikkert" in shown["report table"]


# -- terms and sources -----------------------------------------------------------------------------------


def test_forsorgerbrok_and_eldrebrok_are_defined_where_they_are_shown(panel, tydal_2023):
    from samfunn_data.network import text
    from samfunn_data.reports import tables

    table = tables.indicator_table(tydal_2023, tables.RATIO_IDS, "Forsørgerbrøk og eldrebrøk")
    for place in (table, text.latest_notes(text.KEY_INDICATORS)):
        assert "Forsørgerbrøk: innbyggere 0–15 år og 67 år og eldre per 100 innbyggere 16–66 år" in place
    assert "Eldrebrøk: innbyggere 80 år og eldre per 100 innbyggere 20–66 år" in table
    # a table without these terms gets no definitions
    assert "Forsørgerbrøk:" not in tables.indicator_table(tydal_2023, tables.AGE_IDS, "Alder")


def test_report_sources_are_plain_words_without_file_paths(tydal_2023):
    from samfunn_data.reports import data as report_data
    from samfunn_data.reports import tables

    html = tables.sources_table(tydal_2023, report_data.manifest(), report_data.tables_used(tydal_2023))
    assert "MANIFEST" not in html and "tredjepart" not in html and "geo/" not in html
    row_06913 = re.search(r"SSB-tabell 06913</th>(.*?)</tr>", html).group(1)
    assert "for Nordland og Trøndelag" in row_06913 and "hentedato ukjent" in row_06913
    assert "ikke hentet direkte fra SSB" in row_06913
    assert "SSB KLASS 128" in html and "Kartverket (kommunegrenser)" in html
    row_07459 = re.search(r"SSB-tabell 07459</th>(.*?)</tr>", html).group(1)
    assert "datert 1.7.2026" in row_07459 and "Nordland" not in row_07459  # a nationwide table


def test_fetched_figures_are_dated_by_their_fetch_and_the_snapshot_part_stays_named():
    from samfunn_data.reports.provenance import origin_text

    entry = {"vintage": None, "inputs": []}
    text = origin_text("06913", "2026-11-27 / ukjent", entry)
    assert text.startswith("Hentet fra SSB 27.11.2026; eldre tall: SSBs tall for Nordland og Trøndelag")
    assert text.endswith("hentedato ukjent")
    assert origin_text("07459", "2026-12-01", {"vintage": "2026-07-01"}) == "Hentet fra SSB 1.12.2026"


def test_the_ministrys_figures_are_named_as_its_own():
    from samfunn_data.reports import data as report_data
    from samfunn_data.reports.provenance import origin_text, source_label

    entry = report_data.manifest()["kdd-robek"]
    assert source_label("kdd-robek") == "KDD (ROBEK-registeret)"
    text = origin_text("kdd-robek", entry["vintage"], entry)
    assert text.startswith("KDDs tall") and "ikke hentet direkte fra KDD" in text and "SSB" not in text


# -- the network overview ----------------------------------------------------------------------------------


def test_overview_shows_the_centrality_index_as_the_integer_it_is(panel):
    from samfunn_data.network import text

    table = text.latest_table(panel, ["sentralitetsindeks"], 2026, "sma_nl_tr").data
    klass = pd.read_parquet(SNAPSHOT / "klass-128.parquet")
    grane = float(klass.loc[klass["code"] == "1825", "index"].iloc[0])
    assert grane == int(grane) and table.loc[0, "Grane"] == fmt_int(grane)  # "494", not "494,0"


def test_export_paths_are_relative(panel, fact_base, tmp_path):
    from samfunn_data.config import PROJECT_ROOT
    from samfunn_data.network import text

    inside = {"csv": PROJECT_ROOT / "reports" / "network" / "p.csv",
              "parquet": fact_base / "network" / "p.parquet"}
    shown = text.export_text(inside, panel)
    assert "`reports/network/p.csv`" in shown and "`network/p.parquet` i rapportmappen" in shown
    elsewhere = text.export_text({"csv": tmp_path / "x" / "p.csv", "parquet": tmp_path / "p.parquet"}, panel)
    assert str(tmp_path) not in elsewhere and "`p.csv`" in elsewhere


def test_each_participant_has_its_own_colour_in_the_index_chart(panel):
    from matplotlib.colors import to_hex

    from samfunn_data.network import charts

    chart = charts.population_index_chart(panel, 2020)
    names = {"Grane", "Dønna", "Moskenes", "Holtålen", "Tydal", "Røyrvik"}
    lines = {line.get_label(): to_hex(line.get_color()) for line in chart.figure.axes[0].lines
             if line.get_label() in names}
    assert set(lines) == names and len(set(lines.values())) == 6
    assert not any(c[1:3] == c[3:5] == c[5:7] for c in lines.values())  # no participant drawn in grey
    legend = {t.get_text() for legend in chart.figure.legends for t in legend.get_texts()}
    assert names <= legend
    # alt text with every line's index in the last year: Tydal 2026 against 2020, from 07459 here
    pop = panel[(panel["indicator"] == "folkemengde") & (panel["kommunenr"] == "5033")].set_index("year")
    assert f"Tydal {fmt_number(100 * pop.loc[2026, 'value'] / pop.loc[2020, 'value'], 1)}" in chart.alt


def test_subplot_titles_do_not_overlap(panel):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.text import Text

    from samfunn_data.network import charts

    for title, chart in charts.theme_figures(panel):
        fig = chart.figure
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        renderer = canvas.get_renderer()
        # the titles are left-aligned: the Text children holding each axes' left title
        titles = [t for ax in fig.axes if ax.get_visible() for t in ax.get_children()
                  if isinstance(t, Text) and t.get_text() and t.get_text() == ax.get_title(loc="left")]
        assert len(titles) == sum(ax.get_visible() for ax in fig.axes)
        boxes = [t.get_window_extent(renderer) for t in titles]
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert not a.overlaps(b), (title, [ax.get_title() for ax in fig.axes])
        assert chart.alt.startswith(title) and "Medianen i nyeste år med tall" in chart.alt


# Reports whose components chart matplotlib's default ticks at 2.5 steps, shown as 0, −2, −5, −8:
# Træna 2020, Tydal 2021, Moskenes 2022, Lurøy 2023, Røst 2024 (births and migration before the year).
@pytest.mark.parametrize(("code", "year"), [("1835", 2020), ("5033", 2021), ("1874", 2022), ("1834", 2023),
                                            ("1856", 2024)])
def test_person_axes_tick_at_even_whole_numbers(code, year):
    from samfunn_data.reports import charts

    raw = pd.read_parquet(SNAPSHOT / "06913.parquet", filters=[("Region", "==", code)])
    raw = raw.assign(year=raw["Tid"].astype(int)).query("year < @year")
    parts = [raw.loc[raw["ContentsCode"] == c, ["year", "value"]]
             for c in ("Fodselsoverskudd", "Nettoinnflytting")]
    chart = charts.components(*parts, code)
    ax = chart.figure.axes[0]
    chart.figure.canvas.draw()
    ticks = np.array([t for t in ax.get_yticks() if ax.get_ylim()[0] <= t <= ax.get_ylim()[1]])
    assert np.allclose(ticks, np.round(ticks)) and len(set(np.diff(ticks).round(6))) == 1, ticks
    step = float(np.diff(ticks)[0])
    assert step / 10 ** np.floor(np.log10(step)) in (1, 2, 5)
    labels = [ax.yaxis.get_major_formatter()(t, i) for i, t in enumerate(ticks)]
    assert labels == [fmt_int(t) for t in ticks]


# -- the industry table -------------------------------------------------------------------------------------


def test_industry_shares_add_up_with_the_rest_as_andre_naeringer(tydal_2023):
    from samfunn_data.facts import factbase
    from samfunn_data.reports import tables

    raw = pd.read_parquet(SNAPSHOT / "07984.parquet",
                          filters=[("Region", "==", "5033"), ("Tid", "==", "2022")])
    by_group = raw.set_index("NACE2007")["value"]
    rest = by_group["00-99"] - by_group.drop("00-99").sum()  # 383 employed, 171 in the five groups
    facts = factbase.load("5033")
    shares = facts[(facts["year"] == 2022) & facts["indicator"].str.startswith("andel_sysselsatte_")]
    assert shares["value"].sum() == pytest.approx(100)
    other = shares.set_index("indicator").loc["andel_sysselsatte_andre", "value"]
    assert other == pytest.approx(100 * rest / by_group["00-99"])
    table = tables.indicator_table(tydal_2023, tables.LIVING_IDS, "Levekår")
    assert "Andel sysselsatte i andre næringer</th><td>2022" in table
    assert fmt_pct(100 * rest / by_group["00-99"]) in table


# -- numbers and messages -----------------------------------------------------------------------------------


def test_halves_round_up_as_a_reader_rounds(population):
    assert fmt_number(1416.5) == "1\u202f417" and fmt_number(2.5) == "3" and fmt_number(-2.5) == "−3"
    assert fmt_pct(2.25) == "2,3\u00a0%" and fmt_number(2.675, 2) == "2,68"
    assert fmt_number(-0.04, 1) == "0,0" and fmt_number(float("inf")) == "–"
    # the median of Norway's 106 small municipalities on 1 January 2023 is 1 416.5 (07459)
    small = population[(population["Region"].str.len() == 4) & (population["year"] == 2023)
                       & (population["value"] < 2500)]
    assert len(small) == 106 and small["value"].median() == 1416.5


def test_report_shows_the_small_median_rounded_up(tydal_2023):
    from samfunn_data.reports import tables

    table = tables.indicator_table(tydal_2023, ["folkemengde"], "Folketall")
    cells = re.findall(r'<td class="num">([^<]*)', table)
    assert cells[-1] == "1\u202f417"  # not 1 416 (half to even)
    assert "106 i Norge" in table  # the median of the 106 small municipalities above


def test_a_year_before_the_municipal_figures_names_their_first_year(capsys):
    assert cli.main(["reports", "--kommuner", "Tydal", "--years", "1990", "--no-progress"]) == 1
    err = capsys.readouterr().err
    assert "2005–2026" in err and "1986" not in err
    assert cli.main(["reports", "--kommuner", "Narvik", "--years", "2015", "--no-progress"]) == 1
    assert "1806 Narvik: 2015 (har 2020–2026)" in capsys.readouterr().err


def test_index_counts_only_this_run_as_made_now(tmp_path):
    from samfunn_data.facts import municipalities
    from samfunn_data.reports import runner

    small = municipalities.small_municipalities(2023, counties=("18", "50"))[:31]
    earlier = {}
    for m in small:
        html = f"2023/{m.code}-{runner.slugify(m.name)}.html"
        (tmp_path / html).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / html).write_text("<html></html>")
        earlier[f"2023/{m.code}"] = {"kommunenr": m.code, "name": m.name, "year": 2023, "status": "ok",
                                      "html": html, "notebook": html.replace(".html", ".ipynb")}
    (tmp_path / "manifest.json").write_text(json.dumps({"version": 1, "reports": earlier}), encoding="utf-8")
    tydal = next(m for m in small if m.code == "5033")
    job = runner.plan_jobs([tydal], [2023], "t", "d")[0]
    runner.write_outputs([runner.ReportResult(job, "ok")], tmp_path, "t", "d", runner.TEMPLATE)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "31 rapporter i oversikten" in page
    assert "1 laget nå" in page and "30 fra andre kjøringer" in page and "31 laget nå" not in page
