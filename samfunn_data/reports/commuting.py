"""The report's «Pendling» part: SSB 03321, the 4th quarter of the latest year the report may use.

What a reader sees depends on what was known in the report year (`factbase.as_of`): a 4th-quarter figure
of year Y is published in Y+1, so a report for Y shows the year before at the latest, and names it
(«4. kvartal 2017» with the embedded snapshot; a later year once `samfunn update` has fetched it). Reports
for years before the first published figures get one line saying so and nothing else. A municipality that
received part of a municipality split after that year (for 2017: Narvik, Hamarøy, Heim, Hitra, Orkland,
Ålesund, Haram) has no figures: SSB's figures cannot be moved to its borders without a model.
"""

from __future__ import annotations

import html
import math
import textwrap

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D

from samfunn_data.facts import claims as C
from samfunn_data.facts import commuting as facts_commuting
from samfunn_data.formatting import fmt_int, fmt_pct
from samfunn_data.reports import charts, findings, tables

IDS = facts_commuting.INDICATORS
TOP = 5
MAP_RADIUS_KM = 250  # partners farther away are listed under the map, not drawn (they would shrink it)


def year_of(data) -> int | None:
    """The year whose figures the report shows: the latest the report year may use (as of `data.year`)
    for which the municipality has figures; None if there is none."""
    row = data.fact("sysselsatte_bosatt")
    return None if row is None else int(row["year"])


def available(data) -> bool:
    """Whether the report may show commuting figures for this municipality and year."""
    return year_of(data) is not None


def source(year: int) -> str:
    """The source line of the year's figures."""
    return f"{charts.SSB}, statistikkbanken tabell 03321 ({facts_commuting.period(year)})."


def caption(data) -> str:
    """The indicator table's caption (only when `available`)."""
    return f"Pendling, {facts_commuting.period(year_of(data))}"


def _note(text: str) -> str:
    return f'<p class="note">{html.escape(text)}</p>'


def absent_text(data) -> str:
    """Why the report shows no commuting figures (only when not `available`)."""
    every = facts_commuting.years(facts_commuting.load_flows())
    if not every:
        return "Dataene har ingen pendlingstall (SSB-tabell 03321)."
    known = [y for y in every if y < data.year]  # as_of: 4th-quarter figures of Y are published in Y+1
    if not known:
        return (f"Pendlingstallene for {facts_commuting.period(every[0])} ble publisert av SSB i "
                f"{every[0] + 1} og er derfor ikke med i en rapport for {data.year}.")
    latest = max(known)
    return (f"SSB har pendlingstall for {facts_commuting.period(latest)} bare på kommunegrensene fra "
            f"{latest}. {data.name} fikk senere en del av en kommune som ble delt, så tallene kan ikke "
            "regnes om til dagens grenser uten å anslå fordelingen. Rapporten viser derfor ingen "
            "pendlingstall.")


NOTE = ("Pendling betyr her at bosted og arbeidssted er i ulike kommuner; det omfatter også ukependling og "
        "lange avstander. SSB publiserer tallene med kommunekodene for hvert år; de gjelder her dagens "
        "kommunegrenser der de er summer av det årets kommuner, og kommuner som senere ble delt, står med "
        "navnet fra det året.")


SECTION = "pendling"


def lead_claims(data) -> list[C.Claim]:
    """The figures in three sentences, each a claim that compares nothing (none when not `available`)."""
    if not available(data):
        return []
    year = year_of(data)
    v = {i: data.value(i, year) for i in IDS}
    own = v["sysselsatte_bosatt"] - v["utpendling"]
    sentences = [
        ("sysselsatte_bosatt",
         f"I {facts_commuting.period(year)} bodde {fmt_int(v['sysselsatte_bosatt'])} sysselsatte i "
         f"{data.name}."),
        ("andel_jobber_i_egen_kommune",
         f"{fmt_int(own)} av dem ({fmt_pct(v['andel_jobber_i_egen_kommune'])}) jobbet i kommunen, "
         f"{fmt_int(v['utpendling'])} hadde arbeidssted i en annen kommune."),
        ("arbeidsplasser", f"{fmt_int(v['arbeidsplasser'])} personer hadde arbeidssted i {data.name}; "
                           f"{fmt_int(v['innpendling'])} av dem bodde i en annen kommune.")]
    return [findings.claim(data, SECTION, text, ind, year, v[ind], C.UNAVAILABLE) for ind, text in sentences]


def lead_text(data) -> str:
    """The figures as one paragraph (the texts of `lead_claims`)."""
    return " ".join(c.text for c in lead_claims(data))


def _partners(data, direction: str) -> pd.DataFrame:
    return facts_commuting.top_partners(facts_commuting.load_flows(), data.kommunenr, direction, TOP,
                                        year=year_of(data))


def partner_tables(data) -> list[tuple[pd.DataFrame, str, str, str]]:
    """The top destinations and origins: (frame, caption, partner label, share label) each."""
    period = facts_commuting.period(year_of(data))
    return [(_partners(data, "arbeidssted"), f"Hvor sysselsatte bosatt i {data.name} jobbet, {period}",
             "Arbeidssted", "Andel av sysselsatte bosatte"),
            (_partners(data, "bosted"), f"Hvor de som jobbet i {data.name} bodde, {period}", "Bosted",
             "Andel av dem som jobbet i kommunen")]


def summary_html(data) -> str:
    """The figures in a sentence, the indicator table and the top destinations and origins (HTML)."""
    if not available(data):
        return _note(absent_text(data))
    lead = " ".join(data.claims.html(c, "span") for c in lead_claims(data))
    parts = [f'<p data-claims-section="{SECTION}">{lead}</p>',
             tables.indicator_table(data, IDS, caption(data)),
             *(partner_table(*spec) for spec in partner_tables(data)), _note(NOTE)]
    return "".join(parts)


def partner_rows(top: pd.DataFrame) -> list[list[str]]:
    """Rows (partner, persons, share, grade) of a partner table, the municipality itself marked."""
    return [[f"{r.kommune} (egen kommune)" if r.egen else r.kommune, fmt_int(r.personer), fmt_pct(r.andel),
             tables.GRADE_NB.get(r.robusthet, "")] for r in top.itertuples(index=False)]


def partner_table(top: pd.DataFrame, caption: str, partner_label: str, share_label: str) -> str:
    """The municipality itself and its largest partners as an HTML table (persons, share, grade)."""
    rows = [f"<tr><th scope=\"row\">{html.escape(r[0])}</th>"
            f'<td class="num">{r[1]}</td><td class="num">{r[2]}</td><td class="grade">{r[3]}</td></tr>'
            for r in partner_rows(top)]
    head = (f"<tr><th scope=\"col\">{html.escape(partner_label)}</th><th scope=\"col\" class=\"num\">Personer"
            f"</th><th scope=\"col\" class=\"num\">{html.escape(share_label)}</th>"
            "<th scope=\"col\">Tallgrunnlag</th></tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def flow_map(data) -> charts.Chart | None:
    """A map of the main flows (None when the report shows no commuting figures)."""
    if not available(data):
        return None
    from samfunn_data.config import get_settings
    from samfunn_data.reports.figures import _boundaries

    muni_geo, _county_geo, credit = _boundaries(str(get_settings().snapshot_dir / "geo"))
    out, inn = _partners(data, "arbeidssted"), _partners(data, "bosted")
    return flow_chart(muni_geo, data.kommunenr, data.name, out[~out["egen"]], inn[~inn["egen"]],
                      year_of(data), credit)


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Distance in km between two (lon, lat) points (equirectangular; enough to choose what to draw)."""
    lat = math.radians((a[1] + b[1]) / 2)
    return 111.2 * math.hypot((a[0] - b[0]) * math.cos(lat), a[1] - b[1])


def _arc(start, end, aspect: float, bend: float = 0.18, points: int = 41) -> np.ndarray:
    """A quadratic curve from `start` to `end` bending to the right of the direction of travel, so a flow
    and its reverse do not overlap. Bent in map-true units (x shrunk by `aspect`), returned in lon/lat."""
    p0 = np.array([start[0] / aspect, start[1]])
    p2 = np.array([end[0] / aspect, end[1]])
    d = p2 - p0
    control = (p0 + p2) / 2 + 2 * bend * np.array([d[1], -d[0]])
    t = np.linspace(0, 1, points)[:, None]
    curve = (1 - t) ** 2 * p0 + 2 * (1 - t) * t * control + t ** 2 * p2
    return np.column_stack([curve[:, 0] * aspect, curve[:, 1]])


def flow_chart(muni_geo: dict, code: str, name: str, out: pd.DataFrame, inn: pd.DataFrame, year: int,
               credit: str = "© Kartverket") -> charts.Chart:
    """Lines from the municipality to its largest destinations (solid) and origins (dashed), widths by
    persons, labelled with the count; partners beyond MAP_RADIUS_KM or without a 2024 area are listed."""
    centre = charts._label_point(muni_geo[code])
    drawn, far = [], []
    for direction, frame in (("ut", out), ("inn", inn)):
        for r in frame.itertuples(index=False):
            if r.kode in muni_geo and _km(centre, charts._label_point(muni_geo[r.kode])) <= MAP_RADIUS_KM:
                drawn.append((direction, r))
            else:
                far.append(f"{r.kommune} ({direction} {fmt_int(r.personer)})")
    fig = charts._figure(7.0, 6.6)
    ax = fig.add_subplot()
    shown = [code, *{r.kode for _d, r in drawn}]
    names_of = {r.kode: r.kommune for _d, r in drawn}
    aspect = 1 / math.cos(math.radians(centre[1]))
    boxes = np.array([charts._bbox(muni_geo[c]) for c in shown])
    box = (boxes[:, 0].min(), boxes[:, 1].min(), boxes[:, 2].max(), boxes[:, 3].max())
    context = [g for c, g in muni_geo.items() if charts._overlaps(charts._bbox(g), box)]
    charts._draw(ax, context, facecolor="#f5f5f5", edgecolor="#bbbbbb", linewidth=0.3)
    charts._draw(ax, [muni_geo[c] for c in shown if c != code], facecolor="#d9d9d9", edgecolor="#666666",
                 linewidth=0.6)
    charts._draw(ax, [muni_geo[code]], facecolor=charts.INK, edgecolor=charts.BLACK, linewidth=1.0)
    charts._frame(ax, [muni_geo[c] for c in shown], aspect, pad=0.08)
    biggest = max([r.personer for _d, r in drawn], default=1)
    for direction, r in drawn:
        partner = charts._label_point(muni_geo[r.kode])
        start, end = (centre, partner) if direction == "ut" else (partner, centre)
        colour = charts.ACCENT if direction == "ut" else charts.GREY
        curve = _arc(start, end, aspect)
        width = 1 + 7 * r.personer / biggest
        ax.plot(curve[:, 0], curve[:, 1], color=colour, linewidth=width, solid_capstyle="round",
                linestyle="-" if direction == "ut" else (0, (3, 1.5)), alpha=0.9, zorder=3)
        ax.annotate("", xy=curve[-1], xytext=curve[-4], zorder=3,
                    arrowprops=dict(arrowstyle="-|>", color=colour, linewidth=0,
                                    mutation_scale=8 + width * 2))
        near_partner = int(len(curve) * (0.7 if direction == "ut" else 0.3))  # apart from the other labels
        ax.annotate(fmt_int(r.personer), curve[near_partner], ha="center", va="center", fontsize=8,
                    color=colour, fontweight="bold", zorder=5,
                    bbox=dict(boxstyle="round,pad=0.15", facecolor="white", edgecolor=colour, linewidth=0.5))
    for c in {r.kode for _d, r in drawn}:
        ax.annotate(names_of[c], charts._label_point(muni_geo[c]), xytext=(0, -12),
                    textcoords="offset points", ha="center", fontsize=8.5, zorder=4,
                    bbox=dict(boxstyle="round,pad=0.2", facecolor="white", edgecolor="none", alpha=0.85))
    ax.annotate(name, centre, ha="center", va="center", fontsize=10, fontweight="bold", color="white",
                zorder=6,
                bbox=dict(boxstyle="round,pad=0.25", facecolor=charts.INK, edgecolor="white"))
    ax.set_xticks([])
    ax.set_yticks([])
    ax.legend(handles=[Line2D([], [], color=charts.ACCENT, linewidth=3, label=f"Bor i {name}, jobber der"),
                       Line2D([], [], color=charts.GREY, linewidth=3, linestyle="--",
                              label=f"Jobber i {name}, bor der")],
              fontsize=8, frameon=True, loc="lower left")
    ax.text(0.99, 0.01, credit, transform=ax.transAxes, ha="right", va="bottom", fontsize=7.5,
            color="#333333",
            bbox=dict(facecolor="white", edgecolor="none", alpha=0.8, pad=1))
    title = f"{name}: de største pendlingsstrømmene, {facts_commuting.period(year)}"
    subtitle = (f"Pilene går fra bosted til arbeidssted, bredde etter antall personer: heltrukket = "
                f"bosatte i {name} som pendler ut, stiplet = innpendlere til {name}.")
    if far:
        subtitle += " Ikke tegnet (langt unna eller delt kommune): " + ", ".join(far) + "."
    charts._title(fig, title)
    ax.set_title(textwrap.fill(subtitle, 75), loc="left", fontsize=8.5, color="#444444")
    alt = (f"Kart over {name} med linjer til " + charts._join(list(dict.fromkeys(names_of.values()))) + ". "
           + "; ".join(f"{'ut til' if d == 'ut' else 'inn fra'} {r.kommune}: {fmt_int(r.personer)}"
                       for d, r in drawn) + ".")
    return charts.Chart(fig, title, alt, f"{source(year)} Kart: {credit} (Administrative enheter, "
                                         "CC BY 4.0), forenklet av robhop/fylker-og-kommuner.")
