"""«Kommunen i tall»: one A4 page per municipality and year for folkemøter and the municipality's website.

Made from the report model (`reports.model`), so it shows the same figures and words as the full report:
each key figure is the fact base's value with a sparkline of the years the report may show, and its
words are the text of the report's own claim about it (the change since the year before, judged by the
same rule); "Hva tallene viser" repeats the report's Hovedtrekk sentences. No sentence is written here
from numbers. Written as HTML, printed to PDF and photographed as PNG (for slides) by Chromium.
"""

from __future__ import annotations

import base64
import contextlib
import html
import io
from pathlib import Path

from samfunn_data.files import atomic_write

TITLE = "Kommunen i tall"
KEY_FIGURES = ("folkemengde", "antall_0_5", "antall_6_15", "andel_80_pluss", "fodselsoverskudd",
               "nettoinnflytting", "medianinntekt", "sysselsatte_per_100")
SPAN = 10  # years in a sparkline
SCREEN_WIDTH = 760  # CSS pixels of the PNG (twice that in pixels)
MAX_POINTS = 5  # Hovedtrekk sentences on the page
SOURCE = ("Kilde: Statistisk sentralbyrå (SSB), statistikkbanken; lisens CC BY 4.0. Laget automatisk av "
          "samfunn-data fra de samme tallene og setningene som kunnskapsgrunnlaget for planstrategi.")
CSS = """
@page { size: A4; margin: 12mm 13mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1a1a1a; margin: 0; width: 184mm;
       font-size: 10pt; }
h1 { font-size: 24pt; margin: 0; color: #0b4f6c; }
.sub { font-size: 13pt; margin: 1mm 0 5mm; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 3mm; }
.card { border: 1px solid #c9d6de; border-radius: 2mm; padding: 2.5mm 3mm; break-inside: avoid; }
.card h2 { font-size: 10pt; margin: 0; font-weight: normal; color: #333; }
.value { font-size: 17pt; font-weight: bold; margin: 0.5mm 0; }
.value small { font-size: 9pt; font-weight: normal; color: #555; }
.card img { width: 100%; height: 13mm; display: block; }
.words { font-size: 9pt; margin: 1mm 0 0; }
h2.points { font-size: 12pt; margin: 5mm 0 1mm; color: #0b4f6c; }
ul { margin: 0; padding-left: 5mm; font-size: 9.5pt; }
li { margin: 0.8mm 0; }
.source { font-size: 7.5pt; color: #555; margin-top: 3mm; }
/* On screen (the PNG) there are no @page margins: centre the 184 mm (695 px) body in the 760 px
   viewport, (760 - 695) / 2 = 32 px each side, and leave the same above and below. */
@media screen { html { overflow: hidden; } body { margin: 0 auto; padding: 32px 0; } }
"""


def _sparkline(series) -> str:
    """A small line chart of ``series`` (year -> value) as a PNG data URI."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3.4, 0.55))
    ax = fig.add_axes((0.01, 0.08, 0.98, 0.84))
    ax.plot(series.index, series.to_numpy(), color="#0b4f6c", linewidth=1.6)
    ax.plot(series.index[-1:], series.to_numpy()[-1:], "o", color="#0b4f6c", markersize=3.5)
    ax.axis("off")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=150, transparent=True)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def cards(made) -> list[dict]:
    """The key figures the data has: title, value (formatted), year, sparkline years, words (a claim's
    text or ""), and the series."""
    from samfunn_data.facts import indicators
    from samfunn_data.formatting import fmt_value

    data = made.data
    change_words = {c.indicator: c.text for c in made.all_claims() if c.section == "endringer"}
    out = []
    for ind_id in KEY_FIGURES:
        ind = indicators.CATALOGUE.get(ind_id)
        series = data.series_of_facts(ind_id).dropna() if ind is not None else None
        if series is None or series.empty:
            continue
        series = series[series.index > series.index.max() - SPAN]
        words = change_words.get(ind_id, "")
        value = fmt_value(series.iloc[-1], ind.unit, ind.decimals)
        out.append({"id": ind_id, "title": ind.title, "value": value,
                    "first_value": fmt_value(series.iloc[0], ind.unit, ind.decimals),
                    "year": int(series.index[-1]), "first": int(series.index[0]), "series": series,
                    "words": f"Endring fra året før: {words}." if words else ""})
    return out


def page_html(made) -> str:
    """The one-page HTML of a report model."""
    items = []
    for card in cards(made):
        words = f'<p class="words">{html.escape(card["words"])}</p>' if card["words"] else ""
        if card["first"] < card["year"]:
            alt = (f"{card['title']} {card['first']}–{card['year']}: fra {card['first_value']} "
                   f"til {card['value']}")
            chart = (f'<img src="{_sparkline(card["series"])}" alt="{html.escape(alt)}">'
                     f'<p class="words">{card["first"]}–{card["year"]}</p>')
        else:  # one point is no line: say that the data has only this year
            chart = f'<p class="words">Dataene har bare tall for {card["year"]}.</p>'
        items.append(f'<div class="card"><h2>{html.escape(card["title"])}</h2>'
                     f'<p class="value">{html.escape(card["value"])} <small>({card["year"]})</small></p>'
                     f'{chart}{words}</div>')
    points = [c.text for c in made.all_claims() if c.section == "hovedtrekk"][:MAX_POINTS]
    listing = "".join(f"<li>{html.escape(p)}</li>" for p in points)
    return (f'<!DOCTYPE html><html lang="nb"><head><meta charset="utf-8"><title>{TITLE} – '
            f"{html.escape(made.name)} {made.year}</title><style>{CSS}</style></head><body>"
            f"<h1>{TITLE}</h1><p class=\"sub\">{html.escape(made.name)} kommune, {made.year}</p>"
            f'<div class="grid">{"".join(items)}</div>'
            f'<h2 class="points">Hva tallene viser</h2><ul>{listing}</ul>'
            f'<p class="source">{html.escape(SOURCE)}</p></body></html>')


def write(made, html_path: Path, pdf_path: Path, png_path: Path, browser=None) -> None:
    """Write the page as HTML, print it to one A4 page (PDF) and take a PNG of it (for slides);
    ``browser``: an open `chromium.Browser` to use, else one is started."""
    from samfunn_data.reports import chromium

    Path(html_path).parent.mkdir(parents=True, exist_ok=True)
    atomic_write(Path(html_path), page_html(made))
    with contextlib.nullcontext(browser) if browser else chromium.Browser() as browser:
        browser.open(Path(html_path), width=SCREEN_WIDTH, height=600)  # shorter than the page:
        # the PNG is then as tall as the content, so the white space below it equals that above it
        atomic_write(Path(pdf_path), browser.pdf(f"{TITLE} – {made.name} {made.year}"))
        atomic_write(Path(png_path), browser.png())
