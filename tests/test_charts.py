"""Charts and Norwegian number formatting: titles that state the finding, labels, alt text, grey-scale
styles, the locator map's neighbours and credit."""

from __future__ import annotations

import base64
import re

import numpy as np
import pandas as pd
import pytest

from samfunn_data.formatting import fmt_int, fmt_kroner, fmt_number, fmt_pct, fmt_value
from samfunn_data.reports import charts

NNBSP, NBSP, MINUS = "\u202f", "\u00a0", "\u2212"


# -- formatting -------------------------------------------------------------------------------------------


def test_thousands_use_a_narrow_no_break_space_and_decimals_a_comma():
    assert fmt_int(5488984) == f"5{NNBSP}488{NNBSP}984"
    assert fmt_number(1234.56, 1) == f"1{NNBSP}234,6"
    assert fmt_number(999, 0) == "999"


def test_percent_has_a_space_before_the_sign_and_a_real_minus():
    assert fmt_pct(4.06) == f"4,1{NBSP}%"
    assert fmt_pct(-9.71) == f"{MINUS}9,7{NBSP}%"
    assert fmt_pct(3.9, signed=True) == f"+3,9{NBSP}%"


def test_rounding_to_zero_never_shows_a_negative_zero():
    assert fmt_number(-0.04, 1) == "0,0"
    assert fmt_pct(-0.01, 1, signed=True) == f"0,0{NBSP}%"


def test_missing_values_show_a_dash_not_nan():
    for value in (None, float("nan"), np.nan, "x"):
        assert fmt_number(value) == "–" and fmt_pct(value) == "–" and fmt_kroner(value) == "–"


def test_values_format_by_catalogue_unit():
    assert fmt_value(607000, "kroner") == f"607{NNBSP}000{NBSP}kr"
    assert fmt_value(17.66, "prosent", 1) == f"17,7{NBSP}%"
    assert fmt_value(753, "personer") == "753"
    assert fmt_value(70.36, "per 100", 1) == "70,4"


# -- charts -----------------------------------------------------------------------------------------------


def _index_frame():
    years = list(range(2015, 2021))
    frame = pd.DataFrame({"year": years, "kommune": [100, 99, 98, 97, 96, 95.9],
                          "fylke": [100, 100.5, 101, 101.5, 102, 102.5],
                          "land": [100, 101, 102, 103, 103.5, 103.9], "små": [100, 99.5, 99, 98.6, 98, 97.5]})
    frame.attrs["base_year"] = 2015
    return frame


def _texts(fig) -> str:
    return " ".join(t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text")))


def test_population_index_title_states_the_change_and_axes_are_labelled():
    chart = charts.population_index(_index_frame(), "Tydal", "Trøndelag", 2020, population=753)
    assert chart.title == f"Tydal: 4{NBSP}% færre innbyggere i 2020 enn i 2015"
    ax = chart.figure.axes[0]
    assert "2015 = 100" in ax.get_ylabel() and ax.get_xlabel()
    chart.png()
    years = [t.get_text() for t in ax.get_xticklabels() if t.get_text()]
    assert years and all(NNBSP not in y and " " not in y for y in years)  # years are not grouped
    assert "95,9" in chart.alt and "103,9" in chart.alt and "Tydal" in chart.alt


def test_series_differ_by_line_style_or_marker_not_colour_alone():
    chart = charts.population_index(_index_frame(), "Tydal", "Trøndelag", 2020)
    lines = [line for line in chart.figure.axes[0].get_lines() if line.get_label()[:1] != "_"]
    assert len(lines) == 4
    styles = {(line.get_linestyle(), line.get_marker()) for line in lines}
    assert len(styles) == 4


def _pyramid_frame():
    rows = []
    for region, scale in (("kommune", 1), ("land", 1000)):
        for lo in range(0, 95, 5):
            lo = min(lo, 90)
            men, women = scale * (10 + lo / 10), scale * (11 + lo / 10)
            rows.append({"region": region, "lo": lo, "menn": men, "kvinner": women})
    frame = pd.DataFrame(rows).drop_duplicates(["region", "lo"])
    totals = frame.groupby("region")[["menn", "kvinner"]].sum().sum(axis=1)
    frame["menn_andel"] = 100 * frame["menn"] / frame["region"].map(totals)
    frame["kvinner_andel"] = 100 * frame["kvinner"] / frame["region"].map(totals)
    frame["band"] = [f"{lo}–{lo + 4}" if lo < 90 else "90+" for lo in frame["lo"]]
    return frame


NEUTRAL_TITLE = "Alderssammensetningen i Tydal 1. januar 2023"


@pytest.mark.parametrize("verdict, expected", [("higher", "Tydal har en eldre befolkning enn landet"),
                                                ("lower", "Tydal har en yngre befolkning enn landet"),
                                                ("no clear difference", NEUTRAL_TITLE),
                                                (None, NEUTRAL_TITLE)])
def test_pyramid_title_claims_older_or_younger_only_with_a_clear_verdict(verdict, expected):
    chart = charts.population_pyramid(_pyramid_frame(), "Tydal", 2023, verdict, 54.4, 40.5)
    assert chart.title == expected
    assert "54,4" in _texts(chart.figure) and "40,5" in _texts(chart.figure)
    hatched = [p for p in chart.figure.axes[0].patches if p.get_hatch()]
    assert hatched  # women hatched: the sexes stay apart in grey-scale


def test_components_title_gives_pooled_sums_with_signs():
    nat = pd.DataFrame({"year": [2020, 2021, 2022], "value": [-1.0, -5.0, -9.0]})
    mig = pd.DataFrame({"year": [2020, 2021, 2022], "value": [-9.0, -4.0, 12.0]})
    chart = charts.components(nat, mig, "Tydal", (-15, -1, 2020, 2022))
    assert chart.title == f"Tydal 2020–2022: fødselsoverskudd {MINUS}15, nettoinnflytting {MINUS}1"
    assert "+12" in _texts(chart.figure) and "2022" in chart.alt


def test_missing_data_gives_a_plain_message_not_an_invented_figure():
    empty = pd.DataFrame(columns=["year", "value"])
    chart = charts.components(empty, empty, "Tydal")
    assert "Dataene har ikke" in chart.alt and not chart.figure.axes[0].patches


def test_projection_title_gives_the_last_projected_year_and_vintage():
    paths = pd.DataFrame({
        "year": [2025, 2050, 2025, 2050, 2025, 2050, 2025, 2050, 2023],
        "series": ["kommune_MMMM"] * 2 + ["fylke_LLML"] * 2 + ["fylke_MMMM"] * 2 + ["fylke_HHMH"] * 2
        + ["kommune_observert"],
        "value": [760, 791, 1, 1, 1, 1, 1, 1, 753],
        "index": [100.9, 105.0, 101, 97, 102, 110, 103, 123, 100]})
    chart = charts.projection(paths, "Tydal", "Trøndelag", 2023)
    assert chart.title == f"SSBs framskrivinger fra 2024: 791 innbyggere i Tydal i 2050 (+5{NBSP}% fra 2023)"
    assert "Trøndelag" in chart.alt and "spenn" in _texts(chart.figure)


def test_chart_html_embeds_the_png_with_alt_text_and_source():
    chart = charts.population_index(_index_frame(), "Tydal", "Trøndelag", 2020)
    page = chart.to_html()
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(data)[:8] == b"\x89PNG\r\n\x1a\n"
    assert 'alt="Linjediagram' in page and "Kilde: Statistisk sentralbyrå (SSB)" in page
    bundle = chart._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}


# -- locator map ------------------------------------------------------------------------------------------


def _square(x, y, size=1.0):
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def _grid():
    """Three municipalities in a row sharing borders, and an island away from them."""
    return {"9901": _square(10, 65), "9902": _square(11, 65), "9903": _square(12, 65),
            "9904": _square(10, 63.5, 0.3)}


def test_neighbours_share_a_border_and_islands_get_the_nearest():
    muni = _grid()
    assert charts.neighbours(muni, "9902") == (["9901", "9903"], True)
    near, bordering = charts.neighbours(muni, "9904", nearest=2)
    assert not bordering and near[0] == "9901"


def test_locator_map_names_neighbours_and_credits_kartverket():
    muni = _grid()
    county = {"99": {"type": "MultiPolygon", "coordinates": [g["coordinates"] for g in muni.values()]}}
    names = {"9901": "Vest", "9902": "Midt", "9903": "Øst", "9904": "Øya", "99": "Testfylke"}
    chart = charts.locator_map(muni, county, "9902", "99", names)
    assert chart.title == "Midt grenser til Vest og Øst"
    text = _texts(chart.figure)
    assert "Vest" in text and "Øst" in text and "© Kartverket" in text
    assert "© Kartverket" in chart.source and "Testfylke" in chart.alt
    island = charts.locator_map(muni, county, "9904", "99", names)
    assert island.title.startswith("Øya har ingen landgrense; nærmeste kommuner er Vest")


def test_locator_map_on_the_snapshot_boundaries_names_tydals_neighbours():
    from tests.report_fixtures import SNAPSHOT

    muni, county, credit = charts.load_boundaries(SNAPSHOT / "geo")
    names = {"5033": "Tydal", "5025": "Røros", "5026": "Holtålen", "5032": "Selbu", "5034": "Meråker"}
    near, bordering = charts.neighbours(muni, "5033")
    assert bordering and set(near) == {"5025", "5026", "5032", "5034"}
    assert credit == "© Kartverket"
    chart = charts.locator_map(muni, county, "5033", "50", names)
    assert chart.png()[:4] == b"\x89PNG"
