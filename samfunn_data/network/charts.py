"""Figures for the researchers' network overview: index chart, small multiples and county maps.

Drawn with plain matplotlib (the project has no GIS stack): the snapshot's GeoJSON rings become
PathPatches on an equirectangular plot whose aspect is corrected for latitude, which at 62–70° N is
close enough for orientation maps. Colours are ordered light-to-dark (cividis) so they survive
grey-scale printing; the participants are outlined, missing values hatched.

What the notebook shows are `Chart`s (the report's figure wrapper): the exported page gets each PNG with
bokmål alt text stating what is drawn and its key numbers, instead of nbconvert's "No description has
been provided for this image".
"""

from __future__ import annotations

import textwrap
from functools import lru_cache
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.collections import PatchCollection
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from samfunn_data.formatting import fmt_number, fmt_value, number_axis
from samfunn_data.network.analysis import (
    ADDITIVE_UNITS,
    GROUP_LABELS,
    MIN_COVERAGE,
    PARTICIPANTS,
    SMALL_NL_TR,
    SMALL_NORWAY,
    group_codes,
    group_summary,
)
from samfunn_data.reports.charts import SSB, Chart

MAP_CREDIT = "Kartgrunnlag: © Kartverket (CC BY 4.0), forenklet av robhop/fylker-og-kommuner"
GROUP_STYLE = {  # grey-scale safe: line style and weight carry the meaning, not only the colour
    PARTICIPANTS: {"color": "#1b1b1b", "lw": 2.6, "ls": "-"},
    SMALL_NL_TR: {"color": "#1f6fb2", "lw": 2.0, "ls": "--"},
    SMALL_NORWAY: {"color": "#7a7a7a", "lw": 1.6, "ls": "-."},
    "18": {"color": "#b35806", "lw": 1.2, "ls": ":"},
    "50": {"color": "#542788", "lw": 1.2, "ls": ":"},
    "0": {"color": "#4d4d4d", "lw": 1.4, "ls": (0, (1, 1))},
}
COUNTY_NAMES = {"18": "Nordland", "50": "Trøndelag"}
# One colour per participant: Paul Tol's "muted" scheme, distinguishable with the common colour-vision
# deficiencies and apart from the groups' blue, orange and purple.
PARTICIPANT_COLOURS = ("#CC6677", "#117733", "#88CCEE", "#882255", "#44AA99", "#999933")
MAP_OUTLINE = "#d7301f"
SUBPLOT_TITLE_CHARS = 42  # a subplot title in a three-column grid wraps after this many characters


def _shade_period(ax, period) -> None:
    if period is not None:
        ax.axvspan(period[0] - 0.5, period[1] + 0.5, color="#e8e8e8", zorder=0, lw=0)


# ---------------------------------------------------------------- time series


def _label_line_ends(ax, ends: list[tuple[float, int, str, str]]) -> None:
    """Name each participant at the end of its line in its colour, nudged apart so close lines stay
    readable."""
    low, high = ax.get_ylim()
    gap = (high - low) * 0.035
    placed: list[float] = []
    for y, x, name, colour in sorted(ends):
        y_text = max(y, placed[-1] + gap) if placed else y
        placed.append(y_text)
        ax.annotate(name, (x, y), xytext=(x + 0.3, y_text), fontsize=8, va="center", color=colour)


def index_chart(index_df: pd.DataFrame, base_year: int, period=(2020, 2023), title: str | None = None):
    """Participants (thin, each its own colour, labelled) and groups (thick) as indices, base_year = 100."""
    fig, ax = plt.subplots(figsize=(9.5, 6.4), layout="constrained")
    _shade_period(ax, period)
    ends = []
    colours = iter(PARTICIPANT_COLOURS * 2)
    for key, sub in index_df.groupby("gruppe", sort=False):
        sub = sub.sort_values("year")
        style = GROUP_STYLE.get(key)
        if style is None:  # a single participant
            colour, name = next(colours), str(sub["navn"].iloc[-1])
            ax.plot(sub["year"], sub["indeks"], color=colour, lw=1.3, label=name)
            ends.append((float(sub["indeks"].iloc[-1]), int(sub["year"].iloc[-1]), name, colour))
        else:
            ax.plot(sub["year"], sub["indeks"], label=GROUP_LABELS.get(key, key), color=style["color"],
                    lw=style["lw"], ls=style["ls"])
    _label_line_ends(ax, ends)
    ax.axhline(100, color="#999", lw=0.8)
    ax.set_ylabel(f"Indeks, {base_year} = 100")
    ax.set_xlabel("1. januar")
    number_axis(ax.yaxis)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(integer=True))
    first, last = int(index_df["year"].min()), int(index_df["year"].max())
    ax.set_xlim(first - 0.5, last + 2.5)  # room for the participants' names at the right
    ax.set_xticks(range(first + (last - first) % 2, last + 1, 2))
    fig.legend(loc="outside lower center", ncols=4, fontsize=8, frameon=False)
    ax.set_title(title or f"Folketall som indeks ({base_year} = 100); tynne linjer: hver deltaker; "
                 "grått felt: nettverksperioden", fontsize=10, loc="left")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def _plot_indicator(ax, panel_df, indicator: str, title: str, unit: str, decimals: int, period) -> None:
    summary = group_summary(panel_df, indicator)
    _shade_period(ax, period)
    comp = summary[summary["gruppe"] == SMALL_NL_TR]
    ax.fill_between(comp["year"], comp["q1"], comp["q3"], color="#1f6fb2", alpha=0.15, lw=0)
    for key, sub in summary.groupby("gruppe", sort=False):
        sub = sub.assign(median=sub["median"].where(sub["dekning"] >= MIN_COVERAGE))
        if sub["median"].notna().sum() == 0:
            continue
        style = GROUP_STYLE[key]
        ax.plot(sub["year"], sub["median"], color=style["color"], lw=style["lw"] * 0.7, ls=style["ls"],
                label=GROUP_LABELS.get(key, key))
    ax.set_title(textwrap.fill(title, SUBPLOT_TITLE_CHARS), fontsize=9, loc="left")
    number_axis(ax.yaxis, decimals, nbins=6)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, integer=True))
    ax.tick_params(labelsize=7)
    ax.set_ylabel(unit, fontsize=7)
    ax.spines[["top", "right"]].set_visible(False)


def _with_values(panel_df: pd.DataFrame, indicators: list[str]) -> list[str]:
    return [i for i in indicators if panel_df.loc[panel_df["indicator"] == i, "value"].notna().any()]


def _multiples(panel_df: pd.DataFrame, indicators: list[str], draw, title: str, ncols: int = 3,
               row_height: float = 2.6, legend_cols: int = 4):
    """A grid with one small chart per indicator that has values; `draw(ax, indicator, meta)` fills one."""
    from samfunn_data.facts.indicators import CATALOGUE

    indicators = _with_values(panel_df, indicators)
    if not indicators:
        return None
    nrows = int(np.ceil(len(indicators) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(10, row_height * nrows + 0.9), layout="constrained",
                             squeeze=False)
    for ax, ind in zip(axes.flat, indicators, strict=False):
        draw(ax, ind, CATALOGUE.get(ind))
    for ax in list(axes.flat)[len(indicators):]:
        ax.set_visible(False)
    handles, labels = axes.flat[0].get_legend_handles_labels()
    handles.append(Patch(color="#1f6fb2", alpha=0.15))
    labels.append("Kvartilbredde, andre små i NL/TR")
    fig.legend(handles, labels, loc="outside lower center", ncols=legend_cols, fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=11, x=0.01, ha="left")
    return fig


def small_multiples(panel_df: pd.DataFrame, indicators: list[str], period=(2020, 2023), ncols: int = 3,
                    title: str = ""):
    """One small chart per indicator: the median of each group over time, comparison group's IQR shaded."""

    def draw(ax, ind, meta):
        decimals = 0 if meta is None or meta.unit in ("kroner", "personer") else 1
        _plot_indicator(ax, panel_df, ind, meta.title if meta else ind, meta.unit if meta else "", decimals,
                        period)

    title = title or "Median i hver gruppe; grått felt: nettverksperioden"
    return _multiples(panel_df, indicators, draw, title, ncols)


# ---------------------------------------------------------------- kommuneøkonomi

ECONOMY_INDICATORS = ["netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", "netto_lanegjeld_pst",
                      "brutto_investeringer_4ar_per_innb", "frie_inntekter_per_innb", "skatt_pst_av_landet"]
PARTICIPANT_MARKERS = ("o", "s", "^", "D", "v", "P")  # grey-scale safe: each participant its own marker


def _plot_participants(ax, panel_df: pd.DataFrame, indicator: str, decimals: int, period) -> None:
    """Each participant's own line against the median and middle half of the other small NL/TR."""
    _shade_period(ax, period)
    comp = group_summary(panel_df, indicator, [SMALL_NL_TR])
    comp = comp[comp["dekning"] >= MIN_COVERAGE]
    ax.fill_between(comp["year"], comp["q1"], comp["q3"], color="#1f6fb2", alpha=0.15, lw=0)
    style = GROUP_STYLE[SMALL_NL_TR]
    n = comp.loc[comp["n"] > 0, "n"]
    n_text = "" if n.empty else (f"{n.min()}" if n.min() == n.max() else f"{n.min()}–{n.max()}")
    ax.plot(comp["year"], comp["median"], color=style["color"], lw=style["lw"], ls=style["ls"],
            label=f"{GROUP_LABELS[SMALL_NL_TR]}, median (n = {n_text})")
    data = panel_df[(panel_df["indicator"] == indicator) & panel_df["value"].notna()]
    # markers by the participant's place in the fixed list, so a participant keeps its marker in every panel
    for i, code in enumerate(group_codes(panel_df, PARTICIPANTS)):
        sub = data[data["kommunenr"] == code].sort_values("year")
        if not sub.empty:
            marker = PARTICIPANT_MARKERS[i % len(PARTICIPANT_MARKERS)]
            ax.plot(sub["year"], sub["value"], lw=1.0, marker=marker, markersize=3.5,
                    label=str(sub["navn"].iloc[0]))
    number_axis(ax.yaxis, decimals)
    ax.xaxis.set_major_locator(matplotlib.ticker.MaxNLocator(4, integer=True))
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)


def economy_alt(panel_df: pd.DataFrame, indicators: list[str]) -> str:
    """Alt text for the economy chart: what is drawn and each participant's newest value per indicator."""
    from samfunn_data.facts.indicators import CATALOGUE

    parts = []
    for ind in indicators:
        data = panel_df[(panel_df["indicator"] == ind) & panel_df["deltaker"] & panel_df["value"].notna()]
        if data.empty:
            continue
        last = int(data["year"].max())
        meta = CATALOGUE.get(ind)
        now = data[data["year"] == last].sort_values("navn")
        unit = meta.unit if meta else ""
        values = ", ".join(f"{r.navn} {fmt_value(r.value, unit)}" for r in now.itertuples())
        parts.append(f"{meta.title if meta else ind} ({last}): {values}")
    return ("Små linjediagrammer, ett per indikator for kommuneøkonomi: hver deltaker som egen linje mot "
            "medianen og kvartilbredden for andre små kommuner i Nordland og Trøndelag. Nyeste år: "
            + "; ".join(parts) + ".")


def economy_figure(panel_df: pd.DataFrame, indicators=None, period=(2020, 2023), ncols: int = 2):
    """Small multiples of the economy indicators: the six participants against their peers (a `Chart`)."""

    def draw(ax, ind, meta):
        unit = meta.unit if meta else ""
        _plot_participants(ax, panel_df, ind, 0 if unit == "kroner" else 1, period)
        ax.set_title(meta.title if meta else ind, fontsize=9, loc="left")
        ax.set_ylabel(unit, fontsize=7)

    title = ("Kommuneøkonomi: hver deltaker mot andre små kommuner i Nordland og Trøndelag\n"
             "Regnskapsår; grått felt: nettverksperioden")
    ids = _with_values(panel_df, indicators or ECONOMY_INDICATORS)
    fig = _multiples(panel_df, ids, draw, title, ncols, 2.9, 3)
    if fig is None:
        return None
    source = ("Kilde: Statistisk sentralbyrå (SSB), KOSTRA 12137; Kommunal- og distriktsdepartementet (KDD), "
              "inntektssystemet. Beregninger: samfunn-data.")
    return Chart(_done(fig), title.splitlines()[0], economy_alt(panel_df, ids), source)


# ---------------------------------------------------------------- maps


def geo_dir() -> Path:
    from samfunn_data.config import get_settings

    return get_settings().snapshot_dir / "geo"


def _rings(geometry: dict) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    return []


def _path(geometry: dict) -> MplPath:
    """All rings of a (multi)polygon as one path, so holes stay holes when filled."""
    polys = [MplPath(np.asarray(ring)[:, :2], closed=True) for poly in _rings(geometry) for ring in poly]
    return MplPath.make_compound_path(*polys)


def _label_point(geometry: dict) -> tuple[float, float]:
    """Middle of the bounding box of the largest outer ring: good enough to place a name."""
    largest = max((np.asarray(poly[0]) for poly in _rings(geometry)), key=len)
    return float(largest[:, 0].mean()), float(largest[:, 1].mean())


@lru_cache(maxsize=2)
def _boundaries(directory: str) -> tuple[dict, dict]:
    from samfunn_data.reports.charts import load_boundaries  # the report's reader of the snapshot's geo/

    path = Path(directory)
    if not (path / "kommuner-2024.geojson").exists():
        from samfunn_data.errors import SnapshotError

        raise SnapshotError(f"Fant ikke kommunegrensene i {path}; snapshotet mangler geo/.")
    municipal, county, _credit = load_boundaries(path)
    return municipal, county


def municipality_geometries(counties=("18", "50"), directory: Path | None = None) -> tuple[dict, dict]:
    """({kommunenr: geometry} for the counties' municipalities, {county: geometry}), 2024 borders."""
    municipal, county = _boundaries(str(directory or geo_dir()))
    return ({c: g for c, g in municipal.items() if c[:2] in counties},
            {c: g for c, g in county.items() if c in counties})


def _draw_county(ax, geoms: dict, values: pd.Series, norm, cmap, highlight: set[str], names: dict,
                 outline: dict | None) -> None:
    patches, colours, missing = [], [], []
    for code, geom in geoms.items():
        value = values.get(code, np.nan)
        if pd.isna(value):
            missing.append(PathPatch(_path(geom)))
        else:
            patches.append(PathPatch(_path(geom)))
            colours.append(cmap(norm(value)))
    ax.add_collection(PatchCollection(patches, facecolor=colours, edgecolor="white", lw=0.3))
    if missing:
        ax.add_collection(PatchCollection(missing, facecolor="#f2f2f2", edgecolor="#999", hatch="///",
                                          lw=0.3))
    if outline is not None:
        ax.add_patch(PathPatch(_path(outline), facecolor="none", edgecolor="#444", lw=0.8))
    for code in sorted(highlight & set(geoms)):
        geom = geoms[code]
        # a thin outline and a name set off to the west with a leader line: the class colour inside
        # stays visible even for small island municipalities, which a thick line would cover
        ax.add_patch(PathPatch(_path(geom), facecolor="none", edgecolor=MAP_OUTLINE, lw=0.8, zorder=5))
        x, y = _label_point(geom)
        ax.annotate(names.get(code, code), (x, y), xytext=(-34, 8), textcoords="offset points",
                    fontsize=8, weight="bold", ha="right", va="center", zorder=6,
                    path_effects=[patheffects.withStroke(linewidth=2.5, foreground="white")],
                    arrowprops={"arrowstyle": "-", "color": MAP_OUTLINE, "lw": 0.8, "shrinkA": 1,
                                "shrinkB": 0})
    ax.autoscale_view()
    lat = np.mean(ax.get_ylim())
    ax.set_aspect(1 / np.cos(np.radians(lat)))
    ax.set_axis_off()


def class_bounds(values: pd.Series) -> np.ndarray:
    """The map's class limits: the quintiles of the values present (two limits when all are equal)."""
    present = pd.Series(values, dtype=float).dropna()
    if present.empty:
        return np.array([0.0, 1.0])
    bounds = np.unique(np.quantile(present, np.linspace(0, 1, 6)))
    return bounds if len(bounds) >= 2 else np.array([bounds[0] - 0.5, bounds[0] + 0.5])


def _map_decimals(unit: str | None) -> int:
    return 0 if unit in ("personer", "kroner") else 1


def county_maps(values: pd.Series, title: str, unit: str | None = None, highlight=(), counties=("18", "50"),
                source: str = "", directory: Path | None = None):
    """Nordland and Trøndelag side by side, municipalities coloured by `values` (index: kommunenr).

    Participants (`highlight`) are outlined in red and named; municipalities without a value are hatched.
    """
    from matplotlib.colors import BoundaryNorm

    from samfunn_data.facts import municipalities

    geoms, county_geoms = municipality_geometries(counties, directory)
    names = {c: municipalities.lookup(c).name for c in highlight}
    values = pd.Series(values, dtype=float)
    cmap = matplotlib.colormaps["cividis_r"]
    bounds = class_bounds(values)
    norm = BoundaryNorm(bounds, cmap.N)
    fig, axes = plt.subplots(1, len(counties), figsize=(12, 8.2), layout="constrained",
                             gridspec_kw={"width_ratios": [1.0] * len(counties)})
    axes = np.atleast_1d(axes)
    for ax, county in zip(axes, counties, strict=True):
        own = {k: v for k, v in geoms.items() if k.startswith(county)}
        _draw_county(ax, own, values, norm, cmap, set(highlight), names, county_geoms.get(county))
        ax.set_title(COUNTY_NAMES.get(county, county), fontsize=11)
    sm = matplotlib.cm.ScalarMappable(norm=norm, cmap=cmap)
    bar = fig.colorbar(sm, ax=list(axes), orientation="horizontal", fraction=0.04, shrink=0.6, pad=0.02)
    bar.set_ticks(bounds)
    bar.set_ticklabels([fmt_value(b, unit, _map_decimals(unit)) for b in bounds])
    bar.set_label(f"{title} (klassegrenser: kvintiler)", fontsize=9)
    bar.ax.xaxis.set_label_position("top")
    fig.get_layout_engine().set(rect=(0, 0.03, 1, 0.97))  # keep the bottom strip free for the credit
    handles = [Patch(facecolor="none", edgecolor=MAP_OUTLINE, lw=0.8, label="Deltaker i nettverket"),
               Patch(facecolor="#f2f2f2", edgecolor="#999", hatch="///", label="Mangler i dataene")]
    fig.legend(handles=handles, loc="outside upper right", fontsize=8, frameon=False)
    fig.suptitle(title, fontsize=12, x=0.01, ha="left")
    credit = MAP_CREDIT + (f". {source}" if source else "")
    fig.text(0.01, 0.005, credit, fontsize=7, color="#555", ha="left", va="bottom")
    return fig


# ---------------------------------------------------------------- what the notebook calls


def _done(fig):
    """Close the figure in pyplot so a notebook shows it once (as the returned value), not twice."""
    if fig is not None:
        plt.close(fig)
    return fig


THEME_TITLES = {"befolkning": "Befolkning", "alder": "Alderssammensetning",
                "endringer": "Befolkningsendringer", "levekar": "Levekår og økonomi",
                "sysselsetting": "Sysselsetting", "utdanning": "Utdanning"}
_THEME_BY_TITLE = {title: theme for theme, title in THEME_TITLES.items()}
PANEL_SOURCE = f"{SSB}, tabellene bak faktagrunnlaget (se «Kilder» nederst). Beregninger: samfunn-data."


def theme_indicators(theme: str) -> list[str]:
    """The indicators of a theme that can be compared across units of different size (no counts)."""
    from samfunn_data.facts.indicators import CATALOGUE

    return [i for i, ind in CATALOGUE.items()
            if ind.theme == theme and ind.unit not in ADDITIVE_UNITS and ind.kind in ("stock", "flow")]


def _latest_medians(panel_df: pd.DataFrame, indicator: str) -> str:
    """"deltakerne 4,3 og andre små kommuner i Nordland og Trøndelag 4,8 i 2026" (the newest common year)."""
    from samfunn_data.facts.indicators import CATALOGUE

    summary = group_summary(panel_df, indicator, [PARTICIPANTS, SMALL_NL_TR])
    summary = summary[summary["dekning"] >= MIN_COVERAGE].dropna(subset=["median"])
    both = summary.groupby("year")["gruppe"].nunique()
    if both.empty or both.max() < 2:
        return ""
    year = int(both[both == 2].index.max())
    meta = CATALOGUE.get(indicator)
    unit, decimals = (meta.unit, meta.decimals) if meta else (None, None)
    now = summary[summary["year"] == year].set_index("gruppe")["median"]
    return (f"deltakerne {fmt_value(now[PARTICIPANTS], unit, decimals)} og "
            f"{GROUP_LABELS[SMALL_NL_TR][:1].lower() + GROUP_LABELS[SMALL_NL_TR][1:]} "
            f"{fmt_value(now[SMALL_NL_TR], unit, decimals)} i {year}")


def small_multiples_alt(panel_df: pd.DataFrame, indicators: list[str], theme_title: str, period) -> str:
    """Alt text for a theme's small multiples: what each panel shows and the newest medians."""
    from samfunn_data.facts.indicators import CATALOGUE

    first, last = int(panel_df["year"].min()), int(panel_df["year"].max())
    parts = []
    for ind in indicators:
        medians = _latest_medians(panel_df, ind)
        title = CATALOGUE[ind].title if ind in CATALOGUE else ind
        parts.append(f"{title}: {medians}" if medians else title)
    return (f"{theme_title}: små linjediagrammer, ett per indikator, med medianen i hver gruppe per år "
            f"{first}–{last}, kvartilbredden for andre små kommuner i Nordland og Trøndelag skyggelagt og "
            f"nettverksperioden {period[0]}–{period[1]} grå. Medianen i nyeste år med tall: "
            + "; ".join(parts) + ".")


def theme_figures(panel_df: pd.DataFrame, period=(2020, 2023)) -> list[tuple[str, Chart]]:
    """(title, chart) per chapter: every comparable indicator of the fact base as small multiples."""
    out = []
    for theme, title in THEME_TITLES.items():
        heading = f"{title}: median i hver gruppe; grått felt: nettverksperioden"
        ids = _with_values(panel_df, theme_indicators(theme))
        fig = small_multiples(panel_df, ids, period, title=heading)
        if fig is not None:
            alt = small_multiples_alt(panel_df, ids, title, period)
            out.append((title, Chart(_done(fig), heading, alt, PANEL_SOURCE)))
    return out


def show_theme_figures(panel_df: pd.DataFrame, period=(2020, 2023)) -> None:
    """Display every theme's small multiples under a heading, with the terms it uses defined."""
    from IPython.display import Markdown, display

    from samfunn_data.facts.indicators import definitions

    for title, chart in theme_figures(panel_df, period):
        display(Markdown(f"### {title}"))
        display(chart)
        defined = definitions(theme_indicators(_THEME_BY_TITLE[title]))
        if defined:
            display(Markdown(" ".join(defined)))


def index_alt(index_df: pd.DataFrame, base_year: int) -> str:
    """Alt text for the population index chart: what is drawn and every line's value in the last year."""
    last = int(index_df["year"].max())
    ends = index_df[index_df["year"] == last].sort_values("indeks", ascending=False)
    values = ", ".join(f"{r.navn} {fmt_number(r.indeks, 1)}" for r in ends.itertuples())
    return (f"Linjediagram: folketallet {int(index_df['year'].min())}–{last} som indeks ({base_year} = 100) "
            f"for hver av deltakerne og for gruppene (summen av kommunene). Indeksen i {last}: {values}.")


def population_index_chart(panel_df: pd.DataFrame, base_year: int = 2020, period=(2020, 2023)) -> Chart:
    """Population of each participant and of each group (sum) as an index, base_year = 100."""
    from samfunn_data.network.analysis import index_series

    index_df = index_series(panel_df, "folkemengde", base_year)
    fig = _done(index_chart(index_df, base_year, period))
    title = f"Folketall som indeks ({base_year} = 100)"
    return Chart(fig, title, index_alt(index_df, base_year),
                 f"{SSB}, statistikkbanken tabell 07459. Beregninger: samfunn-data.")


def map_alt(values: pd.Series, title: str, unit: str | None, names: dict[str, str]) -> str:
    """Alt text for the county map: the classes, and each participant's value."""
    bounds = ", ".join(fmt_value(b, unit, _map_decimals(unit)) for b in class_bounds(values))
    shown = "; ".join(f"{name} {fmt_value(values.get(code, np.nan), unit)}" for code, name in names.items())
    return (f"Kart over Nordland og Trøndelag der kommunene er farget etter {title[:1].lower() + title[1:]} "
            f"i klasser etter kvintilene (klassegrenser {bounds}); kommuner uten tall er skravert. "
            f"Deltakerne er rammet inn og navngitt: {shown}.")


def indicator_map(indicator: str, year: int, facts: pd.DataFrame | None = None,
                  directory: Path | None = None) -> Chart:
    """Map of Nordland and Trøndelag coloured by `indicator` in `year`, participants outlined."""
    from samfunn_data.facts import municipalities
    from samfunn_data.facts.indicators import CATALOGUE

    if facts is None:
        from samfunn_data.facts import factbase

        facts = factbase.load(year=year)
    rows = facts[(facts["indicator"] == indicator) & (facts["year"] == year) & (facts["level"] == "kommune")]
    values = rows.set_index("kommunenr")["value"]
    meta = CATALOGUE.get(indicator)
    unit = meta.unit if meta else None
    participants = [str(c) for c in municipalities.network().participants]
    tables = ", ".join(sorted(rows["source_table"].dropna().unique())) or "–"
    title = f"{meta.title if meta else indicator}, {year}"
    fig = county_maps(values, title, unit, participants, source=f"Kilde: SSB-tabell {tables}",
                      directory=directory)
    names = {c: municipalities.lookup(c).name for c in participants}
    return Chart(_done(fig), title, map_alt(values, title, unit, names),
                 f"{SSB}, tabell {tables}. {MAP_CREDIT}.")
