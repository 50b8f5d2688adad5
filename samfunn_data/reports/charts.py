"""Figures for notebooks and reports, drawn with matplotlib from fact-base frames.

Every chart function returns a `Chart`: the figure, a title that states the finding, alt text for screen
readers and a source line. Figures are `matplotlib.figure.Figure` objects (not pyplot), so nothing is
drawn twice or leaks between reports in a warm kernel. In a notebook a `Chart` shows itself as an HTML
``<figure>`` with an embedded PNG (a data URI), its alt text and caption, so the exported HTML needs no
image files. Styles survive grey-scale printing: series differ by line style, marker and hatch, not by
colour alone. Numbers use Norwegian formatting (`samfunn_data.formatting`).
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import textwrap
from dataclasses import dataclass

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from samfunn_data.formatting import fmt_int, fmt_number, fmt_pct, number_axis

# Dark blue, orange, mid grey, black: distinct in colour and in grey value.
INK, ACCENT, GREY, BLACK, LIGHT = "#1f4e79", "#c55a11", "#7f7f7f", "#111111", "#d9d9d9"
SERIES_STYLE = {
    "kommune": dict(color=INK, linestyle="-", linewidth=2.6, marker="o", markersize=4),
    "fylke": dict(color=ACCENT, linestyle="--", linewidth=1.8, marker="s", markersize=3.5),
    "land": dict(color=BLACK, linestyle=":", linewidth=1.8, marker=None),
    "små": dict(color=GREY, linestyle="-.", linewidth=1.8, marker="^", markersize=3.5),
}
DPI = 110  # ~880 px wide: sharp on screen and on A4 (the figure prints ~17 cm wide)
SSB = "Kilde: Statistisk sentralbyrå (SSB)"


@dataclass
class Chart:
    """A figure with what a reader needs beside it: its title (the finding), alt text and source."""

    figure: Figure
    title: str
    alt: str
    source: str

    def png(self) -> bytes:
        buffer = io.BytesIO()
        # constrained layout already fits the labels; bbox_inches="tight" would draw the figure twice
        self.figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()

    def to_html(self) -> str:
        data = base64.b64encode(self.png()).decode("ascii")
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}">'
                f"<figcaption>{html.escape(self.source)}</figcaption></figure>")

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.to_html(), "text/plain": f"{self.title}\n{self.alt}"}


def _figure(width: float = 8.0, height: float = 4.4) -> Figure:
    fig = Figure(figsize=(width, height), layout="constrained")
    return fig


def _style_axes(ax) -> None:
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=9)


def _title(fig: Figure, title: str, subtitle: str | None = None, ax=None) -> None:
    """The finding as the figure title; a short explanatory line under it (wrapped, left-aligned)."""
    # About nine bold 12.5 pt characters fit per inch; wrap rather than let a long finding run off the edge.
    fig.suptitle(textwrap.fill(title, int(fig.get_figwidth() * 9)), x=0.01, ha="left", fontsize=12.5,
                 fontweight="bold")
    if subtitle and ax is not None:
        ax.set_title(textwrap.fill(subtitle, 105), loc="left", fontsize=8.5, color="#444444")


def _year_axis(ax) -> None:
    """Years are labels, not quantities: no thousands separator, whole years only."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(StrMethodFormatter("{x:.0f}"))


def _index_axes(ax, base_year: int) -> None:
    """Axes for a population index (base year = 100) over years, with its legend."""
    ax.axhline(100, color="#999999", linewidth=0.8)
    ax.set_ylabel(f"Indeks, folketall 1. januar {base_year} = 100", fontsize=9)
    ax.set_xlabel("År (1. januar)", fontsize=9)
    number_axis(ax.yaxis)
    _year_axis(ax)
    ax.legend(fontsize=8.5, frameon=False, loc="best")
    _style_axes(ax)


def empty_chart(title: str, message: str) -> Chart:
    """A placeholder saying plainly which figure the data lacks (never an invented one)."""
    fig = _figure(8, 1.4)
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.0, 0.5, message, fontsize=10, va="center")
    _title(fig, title)
    return Chart(fig, title, message, SSB)


# -- befolkningsutvikling ----------------------------------------------------------------------------------


def _n_small(frame: pd.DataFrame) -> str:
    """"106 " when the frame says how many small municipalities its median is of, else ""."""
    n = frame.attrs.get("n_small")
    return f"{fmt_int(n)} " if n else ""


def population_index(frame: pd.DataFrame, name: str, county_name: str, report_year: int,
                     population: float | None = None) -> Chart:
    """Indexed population (base year = 100) of the municipality against its county, Norway and the median
    small municipality. ``frame`` is `report_data.population_index` (year, kommune, fylke, land, små)."""
    if frame.empty or frame["kommune"].isna().all():
        return empty_chart("Befolkningsutvikling", "Dataene har ingen folketallsserie for kommunen.")
    base = int(frame.attrs.get("base_year", frame["year"].min()))
    last = frame.iloc[-1]
    change = float(last["kommune"]) - 100
    direction = "flere" if change > 0 else "færre"
    title = (f"{name}: {fmt_pct(abs(change), 0)} {direction} innbyggere i {int(last['year'])} enn i {base}"
             if round(change) != 0
             else f"{name}: omtrent like mange innbyggere i {int(last['year'])} som i {base}")
    fig = _figure()
    ax = fig.add_subplot()
    labels = {"kommune": name, "fylke": county_name, "land": "Hele landet",
              "små": f"Median for {_n_small(frame)}små kommuner i Norge (under 2 500 innb. i {report_year})"}
    for key in ("land", "fylke", "små", "kommune"):
        if key in frame and frame[key].notna().any():
            ax.plot(frame["year"], frame[key], label=labels[key], **SERIES_STYLE[key])
    _index_axes(ax, base)
    subtitle = (f"Folketall 1. januar {int(last['year'])}: {fmt_int(population)}. Linjene viser utviklingen "
                f"i prosent av folketallet i {base}." if population is not None else "")
    if "fylke" not in frame or pd.isna(frame["fylke"].iloc[0]):
        subtitle += (f" {county_name} er ikke med: dataene har ikke folketall for fylket med dagens grenser "
                     f"tilbake til {base}.")
    _title(fig, title, subtitle, ax)
    parts = [f"{labels[k]} {fmt_number(last[k], 1)}" for k in ("kommune", "fylke", "land", "små")
             if k in frame and not pd.isna(last[k])]
    alt = (f"Linjediagram over folketallet {base}–{int(last['year'])} som indeks ({base} = 100). "
           f"Indeks i {int(last['year'])}: " + "; ".join(parts) + ".")
    return Chart(fig, title, alt, f"{SSB}, statistikkbanken tabell 07459. Beregninger: samfunn-data.")


# -- alderssammensetning ----------------------------------------------------------------------------------


def population_pyramid(frame: pd.DataFrame, name: str, report_year: int, verdict: str | None = None,
                       median_age: float | None = None, median_age_country: float | None = None) -> Chart:
    """Population pyramid (share of all inhabitants by sex and five-year band) with Norway's shape as an
    outline. ``frame`` is `report_data.age_pyramid`. ``verdict`` is the robustness verdict on the median
    age against the country ("higher"/"lower"/...), which alone decides whether the title may say older
    or younger."""
    if frame.empty or not (frame["region"] == "kommune").any():
        return empty_chart("Alderssammensetning", "Dataene har ikke folketall etter alder og kjønn for året.")
    own = frame[frame["region"] == "kommune"].sort_values("lo")
    land = frame[frame["region"] == "land"].sort_values("lo")
    if verdict == "higher":
        title = f"{name} har en eldre befolkning enn landet"
    elif verdict == "lower":
        title = f"{name} har en yngre befolkning enn landet"
    else:
        title = f"Alderssammensetningen i {name} 1. januar {report_year}"
    fig = _figure(8, 5.2)
    ax = fig.add_subplot()
    y = np.arange(len(own))
    ax.barh(y, -own["menn_andel"], height=0.8, color=INK, edgecolor="white", label=f"Menn, {name}")
    ax.barh(y, own["kvinner_andel"], height=0.8, color="#8fb3d9", edgecolor=INK, hatch="///",
            linewidth=0.4, label=f"Kvinner, {name}")
    if not land.empty:
        ly = np.arange(len(land))
        ax.step(-land["menn_andel"].to_numpy(), ly, where="mid", color=BLACK, linewidth=1.4,
                linestyle="--", label="Hele landet (samme skala)")
        ax.step(land["kvinner_andel"].to_numpy(), ly, where="mid", color=BLACK, linewidth=1.4, linestyle="--")
    ax.set_yticks(y, own["band"], fontsize=8)
    ax.axvline(0, color=BLACK, linewidth=0.8)
    limit = max(own[["menn_andel", "kvinner_andel"]].to_numpy().max(),
                land[["menn_andel", "kvinner_andel"]].to_numpy().max() if not land.empty else 0) * 1.1
    ax.set_xlim(-limit, limit)
    number_axis(ax.xaxis, 0, "\u00a0%")
    ax.set_xticks(ax.get_xticks(), [fmt_pct(abs(t), 0) for t in ax.get_xticks()])
    ax.set_xlim(-limit, limit)
    ax.set_xlabel("Andel av alle innbyggere (menn til venstre, kvinner til høyre)", fontsize=9)
    ax.set_ylabel("Alder (år)", fontsize=9)
    ax.legend(fontsize=8.5, frameon=False, loc="upper right")
    _style_axes(ax)
    ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
    subtitle = None
    if median_age is not None:
        subtitle = f"Medianalder 1. januar {report_year}: {name} {fmt_number(median_age, 1)} år"
        if median_age_country is not None:
            subtitle += f", hele landet {fmt_number(median_age_country, 1)} år."
    _title(fig, title, subtitle, ax)
    total = int(own["menn"].sum() + own["kvinner"].sum())
    old = own[own["lo"] >= 80][["menn_andel", "kvinner_andel"]].to_numpy().sum()
    old_land = (land[land["lo"] >= 80][["menn_andel", "kvinner_andel"]].to_numpy().sum()
                if not land.empty else None)
    alt = (f"Befolkningspyramide for {name} 1. januar {report_year} ({fmt_int(total)} innbyggere), "
           f"andel menn og kvinner i femårige aldersgrupper, med landets fordeling som stiplet omriss. "
           f"80 år og eldre: {fmt_pct(old)} i {name}"
           + (f", {fmt_pct(old_land)} i landet." if old_land is not None else "."))
    return Chart(fig, title, alt, f"{SSB}, statistikkbanken tabell 07459. Beregninger: samfunn-data.")


# -- befolkningsendringer ---------------------------------------------------------------------------------


def components(natural: pd.DataFrame, migration: pd.DataFrame, name: str,
               pooled: tuple[float, float, int, int] | None = None) -> Chart:
    """Natural increase and net migration per calendar year as paired bars (hatched vs solid), with the
    pooled three-year sums in the title. ``natural``/``migration``: columns year, value (persons).
    ``pooled``: (natural 3-year sum, migration 3-year sum, first year, last year)."""
    merged = pd.merge(natural[["year", "value"]], migration[["year", "value"]], on="year", how="outer",
                      suffixes=("_nat", "_mig")).sort_values("year")
    if merged.empty:
        return empty_chart("Befolkningsendringer",
                           "Dataene har ikke fødselsoverskudd og nettoinnflytting for årene før rapportåret.")
    if pooled is not None:
        nat, mig, y0, y1 = pooled
        title = (f"{name} {y0}–{y1}: fødselsoverskudd {fmt_int(nat, signed=True)}, "
                 f"nettoinnflytting {fmt_int(mig, signed=True)}")
    else:
        title = f"Fødselsoverskudd og nettoinnflytting i {name}"
    fig = _figure(8, 4.2)
    ax = fig.add_subplot()
    x = np.arange(len(merged))
    ax.bar(x - 0.2, merged["value_nat"], width=0.38, color="#f4b183", edgecolor=ACCENT, hatch="xx",
           linewidth=0.6, label="Fødselsoverskudd (fødte minus døde)")
    ax.bar(x + 0.2, merged["value_mig"], width=0.38, color=INK, label="Nettoinnflytting (inn minus ut)")
    for xi, (a, b) in enumerate(zip(merged["value_nat"], merged["value_mig"], strict=True)):
        for dx, v in ((-0.2, a), (0.2, b)):
            if not pd.isna(v):
                ax.annotate(fmt_int(v, signed=True), (xi + dx, v), ha="center", fontsize=8,
                            va="bottom" if v >= 0 else "top", xytext=(0, 2 if v >= 0 else -2),
                            textcoords="offset points")
    ax.axhline(0, color=BLACK, linewidth=0.8)
    ax.set_xticks(x, [str(int(y)) for y in merged["year"]])
    ax.set_xlim(-0.7, max(len(merged), 4) - 0.3)  # bars keep their width when only a year or two exist
    ax.set_xlabel("Kalenderår", fontsize=9)
    ax.set_ylabel("Personer", fontsize=9)
    number_axis(ax.yaxis)
    lo, hi = ax.get_ylim()
    ax.set_ylim(lo - (hi - lo) * 0.08, hi + (hi - lo) * 0.08)
    ax.legend(fontsize=8.5, frameon=False, loc="best")
    _style_axes(ax)
    _title(fig, title, "Små tall svinger mye fra år til år; summen over tre år er sikrere enn ett enkelt år.",
           ax)
    years = ", ".join(f"{int(r.year)}: {fmt_int(r.value_nat, signed=True)} og "
                      f"{fmt_int(r.value_mig, signed=True)}"
                      for r in merged.itertuples())
    alt = (f"Stolpediagram over fødselsoverskudd og nettoinnflytting i {name} per år (fødselsoverskudd og "
           f"nettoinnflytting): {years}.")
    return Chart(fig, title, alt, f"{SSB}, statistikkbanken tabell 06913.")


# -- framskrivinger ---------------------------------------------------------------------------------------


def projection(paths: pd.DataFrame, name: str, county_name: str, report_year: int,
               vintage_label: str = "SSBs framskrivinger fra 2024", vintage_note: str | None = None) -> Chart:
    """The municipality's projected population (main alternative) and the county's range (low to high
    national growth), both indexed to 1 January of the report year = 100, after the observed years.
    ``paths`` is `report_data.projection_paths`."""
    own = paths[paths["series"] == "kommune_MMMM"].sort_values("year")
    if own.empty:
        return empty_chart("Framskrivinger", "Dataene har ingen befolkningsframskriving for kommunen.")
    last = own.iloc[-1]
    pct = float(last["index"]) - 100
    title = (f"{vintage_label}: {fmt_int(last['value'])} innbyggere i {name} i {int(last['year'])} "
             f"({fmt_pct(pct, 0, signed=True)} fra {report_year})")
    fig = _figure(8, 4.4)
    ax = fig.add_subplot()
    low = paths[paths["series"] == "fylke_LLML"].set_index("year")["index"]
    high = paths[paths["series"] == "fylke_HHMH"].set_index("year")["index"]
    band = pd.concat([low, high], axis=1, keys=["low", "high"]).dropna()
    if not band.empty:
        ax.fill_between(band.index, band["low"], band["high"], color=LIGHT, hatch="...", edgecolor="#b0b0b0",
                        linewidth=0, label=f"{county_name}: spenn fra lav til høy nasjonal vekst")
    cty = paths[paths["series"] == "fylke_MMMM"].sort_values("year")
    if not cty.empty:
        ax.plot(cty["year"], cty["index"], label=f"{county_name}, hovedalternativet", **SERIES_STYLE["fylke"])
    obs = paths[paths["series"] == "kommune_observert"].sort_values("year")
    if not obs.empty:
        ax.plot(obs["year"], obs["index"], color=INK, linewidth=2.6, label=f"{name}, registrert folketall")
    ax.plot(own["year"], own["index"], color=INK, linewidth=2.2, linestyle="--", marker="o", markersize=3,
            label=f"{name}, hovedalternativet")
    ax.axvline(report_year, color="#999999", linewidth=0.8, linestyle=":")
    _index_axes(ax, report_year)
    note = ("SSB lager bare hovedalternativet for kommunene; spennet mellom alternativene finnes for fylket. "
            "Framskrivinger for små kommuner er usikre.")
    if vintage_note:
        note = f"{vintage_note} {note}"
    _title(fig, title, note, ax)
    alt = (f"Linjediagram: registrert folketall og SSBs framskrevne folketall for {name} "
           f"(hovedalternativet) som indeks med {report_year} = 100, med spennet mellom lav og høy nasjonal "
           f"vekst for {county_name}. {name} i {int(last['year'])}: {fmt_int(last['value'])} innbyggere, "
           f"indeks {fmt_number(last['index'], 1)}.")
    return Chart(fig, title, alt, f"{SSB}, statistikkbanken tabell 14288 ({vintage_label}) og 07459.")


# -- kart -------------------------------------------------------------------------------------------------


def _rings(geometry: dict) -> list[np.ndarray]:
    """Outer and inner rings of a (Multi)Polygon as arrays of (lon, lat)."""
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [np.asarray(ring, dtype=float) for poly in polys for ring in poly]


def _outer_rings(geometry: dict) -> list[np.ndarray]:
    polys = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    return [np.asarray(poly[0], dtype=float) for poly in polys]


def _area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * abs(np.dot(x, np.roll(y, 1)) - np.dot(y, np.roll(x, 1)))


def _label_point(geometry: dict) -> tuple[float, float]:
    """A point for the name: the centroid of the largest polygon's outer ring's vertices."""
    ring = max(_outer_rings(geometry), key=_area)
    return float(ring[:, 0].mean()), float(ring[:, 1].mean())


_VERTEX_CACHE: dict[int, tuple[dict, set]] = {}


def _vertex_set(geometry: dict) -> set[tuple[float, float]]:
    """Boundary points (rounded to ~10 m), cached per geometry object: the warm kernel reuses them.
    The cache keeps a reference to the geometry, so its id cannot be reused by another object."""
    cached = _VERTEX_CACHE.get(id(geometry))
    if cached is None or cached[0] is not geometry:
        pts = np.round(np.vstack(_rings(geometry)), 4)
        cached = _VERTEX_CACHE[id(geometry)] = (geometry, set(map(tuple, pts.tolist())))
    return cached[1]


def neighbours(features: dict[str, dict], code: str, nearest: int = 3) -> tuple[list[str], bool]:
    """Municipalities sharing a border with ``code`` (at least two boundary points in common: the
    simplified boundaries keep shared borders). Island municipalities have none; then the ``nearest``
    by distance between boundary points are returned and the flag is False."""
    own = _vertex_set(features[code])
    shared = [c for c, g in features.items() if c != code and len(own & _vertex_set(g)) >= 2]
    if shared:
        return sorted(shared), True
    points = np.array(sorted(own))
    distance = {}
    for c, g in features.items():
        if c == code:
            continue
        other = np.vstack(_outer_rings(g))
        if abs(other[:, 1].mean() - points[:, 1].mean()) > 3:  # far away: skip the expensive distance
            continue
        d = np.min(np.hypot(points[:, None, 0] - other[None, ::4, 0],
                            points[:, None, 1] - other[None, ::4, 1]))
        distance[c] = d
    return sorted(distance, key=distance.get)[:nearest], False


def load_boundaries(geo_dir) -> tuple[dict[str, dict], dict[str, dict], str]:
    """Municipality and county geometries by code from the snapshot's geo/ folder, and the attribution."""
    from pathlib import Path

    geo_dir = Path(geo_dir)
    kommuner = json.loads((geo_dir / "kommuner-2024.geojson").read_text(encoding="utf-8"))
    fylker = json.loads((geo_dir / "fylker-2024.geojson").read_text(encoding="utf-8"))
    muni = {f["properties"]["kommunenummer"]: f["geometry"] for f in kommuner["features"]}
    county = {f["properties"]["fylkesnummer"]: f["geometry"] for f in fylker["features"]}
    return muni, county, "© Kartverket"


def _draw(ax, geometries: list[dict], **style) -> None:
    """Fill polygons as one collection: per-patch `add_patch` recomputes axis limits and is ~50x slower."""
    from matplotlib.collections import PathCollection
    from matplotlib.path import Path as MplPath

    paths = []
    for geometry in geometries:
        verts, codes = [], []
        for ring in _rings(geometry):
            verts.extend(ring)
            codes.extend([MplPath.MOVETO] + [MplPath.LINETO] * (len(ring) - 2) + [MplPath.CLOSEPOLY])
        paths.append(MplPath(np.asarray(verts), codes))
    if paths:
        ax.add_collection(PathCollection(paths, **style), autolim=False)


def _bbox(geometry: dict) -> tuple[float, float, float, float]:
    pts = np.vstack(_outer_rings(geometry))
    return pts[:, 0].min(), pts[:, 1].min(), pts[:, 0].max(), pts[:, 1].max()


def locator_map(muni_geo: dict[str, dict], county_geo: dict[str, dict], code: str, county: str,
                names: dict[str, str], credit: str = "© Kartverket") -> Chart:
    """Where the municipality lies: left, the county with the municipality marked; right, the
    municipality and its neighbours (or nearest municipalities, for islands), named."""
    if code not in muni_geo:
        return empty_chart("Beliggenhet", "Kartgrunnlaget har ikke denne kommunen.")
    name = names.get(code, code)
    near, bordering = neighbours(muni_geo, code)
    near_names = [names.get(c, c) for c in near]
    title = (f"{name} grenser til {_join(near_names)}" if bordering
             else f"{name} har ingen landgrense; nærmeste kommuner er {_join(near_names)}")
    fig = _figure(8.6, 5.0)
    left, right = fig.subplots(1, 2, gridspec_kw={"width_ratios": [1, 1.25]})
    lat = _label_point(muni_geo[code])[1]
    aspect = 1 / math.cos(math.radians(lat))
    in_county = [c for c in muni_geo if c[:2] == county]
    _draw(left, [muni_geo[c] for c in in_county], facecolor="#eeeeee", edgecolor="#bbbbbb", linewidth=0.3)
    _draw(left, [muni_geo[code]], facecolor=INK, edgecolor=INK, linewidth=0.8)
    cx, cy = _label_point(muni_geo[code])
    left.plot([cx], [cy], marker="o", markersize=16, markerfacecolor="none", markeredgecolor=ACCENT,
              markeredgewidth=2)
    if county in county_geo:
        _draw(left, [county_geo[county]], facecolor="none", edgecolor="#555555", linewidth=0.8)
    _frame(left, [muni_geo[c] for c in in_county], aspect)
    left.set_title("Plassering i fylket", fontsize=9.5)
    shown = [code, *near]
    boxes = np.array([_bbox(muni_geo[c]) for c in shown])
    x0, y0, x1, y1 = boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max()
    context = [g for c, g in muni_geo.items() if c not in shown and _overlaps(_bbox(g), (x0, y0, x1, y1))]
    _draw(right, context, facecolor="#f5f5f5", edgecolor="#cccccc", linewidth=0.3)
    _draw(right, [muni_geo[c] for c in near], facecolor="#d9d9d9", edgecolor="#666666", linewidth=0.6,
          hatch=None if bordering else "//")
    _draw(right, [muni_geo[code]], facecolor=INK, edgecolor=BLACK, linewidth=1.0)
    _frame(right, [muni_geo[c] for c in shown], aspect, pad=0.08)
    for c in near:
        x, y = _label_point(muni_geo[c])
        right.annotate(names.get(c, c), (x, y), ha="center", va="center", fontsize=8.5,
                       bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    x0, x1 = right.get_xlim()
    bx = _bbox(muni_geo[code])
    small = (bx[2] - bx[0]) < 0.08 * (x1 - x0)  # an island a few km across: label beside it, with an arrow
    right.annotate(name, (cx, cy), xytext=(0, 26) if small else (0, 0), textcoords="offset points",
                   ha="center", va="center", fontsize=10, fontweight="bold", color="white",
                   bbox=dict(boxstyle="round,pad=0.25", facecolor=INK, edgecolor="white"),
                   arrowprops=dict(arrowstyle="-", color=INK, linewidth=1.2) if small else None)
    if small:
        right.plot([cx], [cy], marker="o", markersize=14, markerfacecolor="none", markeredgecolor=ACCENT,
                   markeredgewidth=2)
    right.set_title("Kommunen og naboene" if bordering else "Kommunen og nærmeste kommuner", fontsize=9.5)
    for ax in (left, right):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_color("#cccccc")
    _title(fig, title)
    right.text(0.99, 0.01, credit, transform=right.transAxes, ha="right", va="bottom", fontsize=7.5,
               color="#333333", bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    alt = (f"Kart over {names.get(county, 'fylket')} med {name} markert, og utsnitt med "
           + ("nabokommunene " if bordering else "de nærmeste kommunene ") + _join(near_names) + ".")
    return Chart(fig, title, alt, f"Kart: {credit} (Administrative enheter, CC BY 4.0), "
                                  "forenklet av robhop/fylker-og-kommuner.")


def _overlaps(a, b) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _frame(ax, geometries: list[dict], aspect: float, pad: float = 0.03) -> None:
    pts = np.vstack([r for g in geometries for r in _outer_rings(g)])
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    dx, dy = (x1 - x0) * pad + 0.02, (y1 - y0) * pad + 0.02
    ax.set_xlim(x0 - dx, x1 + dx)
    ax.set_ylim(y0 - dy, y1 + dy)
    ax.set_aspect(aspect)


def _join(items: list[str]) -> str:
    if not items:
        return ""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " og " + items[-1]
