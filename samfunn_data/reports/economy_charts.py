"""The Kommuneøkonomi chart: netto driftsresultat and netto lånegjeld (% of brutto driftsinntekter) over
the accounts years a report may show, beside the small municipalities' median and middle half."""

from __future__ import annotations

import pandas as pd
from matplotlib.ticker import MaxNLocator

from samfunn_data.facts.indicators import PRELIMINARY
from samfunn_data.formatting import axis_formatter, fmt_int, fmt_pct
from samfunn_data.reports import charts
from samfunn_data.reports.economy_text import DEBT, RESULT

PANELS = ((RESULT, "Netto driftsresultat"), (DEBT, "Netto lånegjeld"))
SOURCE = (f"{charts.SSB}, KOSTRA (statistikkbanken tabell 12137). Medianen for små kommuner i Nordland og "
          "Trøndelag: beregninger av samfunn-data.")


def trend_frame(data, indicator: str) -> pd.DataFrame:
    """Columns year, value, small_median, small_q1, small_q3, small_n, flag for every visible year."""
    columns = ["year", "value", "small_median", "small_q1", "small_q3", "small_n", "flag"]
    series = data.series(indicator)
    if "flag" not in series:
        series = series.assign(flag=None)
    if series.empty:
        return pd.DataFrame(columns=columns)
    return series.loc[series["value"].notna(), columns].reset_index(drop=True)


def _n_span(frames) -> str:
    """The number of small municipalities behind the medians, e.g. "31" or "30–33"."""
    n = pd.concat([f["small_n"] for f in frames]).astype(int)
    n = n[n > 0]
    if n.empty:
        return "0"
    return fmt_int(n.min()) if n.min() == n.max() else f"{fmt_int(n.min())}–{fmt_int(n.max())}"


def _panel(ax, frame: pd.DataFrame, label: str, name: str, n_span: str) -> None:
    years = frame["year"].astype(int)
    ax.fill_between(years, frame["small_q1"], frame["small_q3"], color=charts.LIGHT, linewidth=0,
                    label="Små kommuner i NL/TR, midterste halvdel")
    ax.plot(years, frame["small_median"], label=f"Små kommuner i NL/TR, median (n = {n_span} per år)",
            **charts.SERIES_STYLE["små"])
    ax.plot(years, frame["value"], label=name, **charts.SERIES_STYLE["kommune"])
    preliminary = frame[frame["flag"] == PRELIMINARY]
    if not preliminary.empty:  # an open marker: the figure will be revised
        label = ", ".join(str(int(y)) for y in preliminary["year"]) + ": foreløpige tall"
        ax.plot(preliminary["year"], preliminary["value"], linestyle="none", marker="o", markersize=9,
                markerfacecolor="white", markeredgecolor=charts.INK, label=label)
    ax.axhline(0, color="#999999", linewidth=0.8)
    ax.set_title(f"{label}, % av brutto driftsinntekter", loc="left", fontsize=9.5)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole percent: "2 %" never stands for 2.5
    ax.yaxis.set_major_formatter(axis_formatter(0, "\u00a0%"))
    charts._year_axis(ax)
    charts._style_axes(ax)


def trend(data) -> charts.Chart:
    """Two panels side by side: the municipality's yearly values against the small municipalities."""
    frames = {ind: trend_frame(data, ind) for ind, _label in PANELS}
    if all(f.empty for f in frames.values()):
        return charts.empty_chart("Kommuneøkonomi", "Dataene har ikke kommuneregnskap for årene før "
                                                    f"{data.year}.")
    years = pd.concat([f["year"] for f in frames.values()]).astype(int)
    first, last = int(years.min()), int(years.max())
    title = f"{data.name}: netto driftsresultat og netto lånegjeld {first}–{last}"
    fig = charts._figure(8, 4.2)
    axes = fig.subplots(1, 2)
    span = _n_span(frames.values())
    for ax, (ind, label) in zip(axes, PANELS, strict=True):
        if not frames[ind].empty:
            _panel(ax, frames[ind], label, data.name, span)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncols=2, fontsize=8, frameon=False)
    charts._title(fig, title)
    alt_parts = []
    for ind, label in PANELS:
        frame = frames[ind]
        if frame.empty:
            continue
        values = "; ".join(f"{int(r.year)}: {fmt_pct(r.value)} (median {fmt_pct(r.small_median)})"
                           for r in frame.itertuples())
        alt_parts.append(f"{label} i {data.name}, % av brutto driftsinntekter, med medianen for små kommuner "
                         f"i Nordland og Trøndelag: {values}.")
    return charts.Chart(fig, title, " ".join(alt_parts), SOURCE)
