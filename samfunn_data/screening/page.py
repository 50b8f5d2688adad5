"""The screening result as one self-contained HTML page (no CDN, no server): applicants side by side.

Written with html.escape and f-strings rather than pandas' Styler: each cell needs a sort key
(data-sort) separate from the text shown, lists of reasons and a status class, which Styler does not
give without more code than this.
"""

from __future__ import annotations

import datetime as dt
from html import escape

from samfunn_data.facts import municipalities, robek
from samfunn_data.facts.claims import ClaimLog
from samfunn_data.facts.robustness import GRADE_LABELS_NB, TOO_FEW, grade_label, grade_legend_nb
from samfunn_data.formatting import fmt_int
from samfunn_data.screening.assessment import AKTUELL, CATEGORY_ORDER, FORBEHOLD, IKKE_AKTUELL, fmt_fte

MAX_PAGE_ERRORS = 200  # error rows shown on the page; the CSV and the workbook keep them all

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:1.5rem;color:#1b1b1b;
 max-width:1600px;line-height:1.4}
h1{font-size:1.5rem;margin-bottom:.2rem} h2{font-size:1.15rem;margin-top:2rem}
.lead{color:#444;margin-top:0}
.summary{display:flex;gap:.8rem;flex-wrap:wrap;margin:1rem 0}
.summary div{border:1px solid #bbb;border-radius:6px;padding:.4rem .8rem;background:#fafafa}
.summary b{font-size:1.3rem;display:block}
table{border-collapse:collapse;font-size:.8rem;width:100%}
th,td{border:1px solid #ccc;padding:.3rem .45rem;vertical-align:top;text-align:left}
th{background:#eef1f4;position:sticky;top:0}
table.sortable th{cursor:pointer;user-select:none}
table.sortable th::after{content:" \\2195";color:#888;font-size:.8em}
table.sortable th[aria-sort=ascending]::after{content:" \\2191";color:#000}
table.sortable th[aria-sort=descending]::after{content:" \\2193";color:#000}
td.num{text-align:right;white-space:nowrap} td.num .small{white-space:normal}
/* Twelve columns fit a laptop screen (1280 px); narrower windows scroll the table inside its own box
   with the municipality column kept in view, so the page itself never gets wider than the window. */
.scroll{overflow-x:auto;max-width:100%} table.matrix{width:auto} table.matrix td{min-width:6.5rem}
#soknader th{padding-left:.3rem;padding-right:.3rem}
#soknader td:nth-child(5){min-width:9rem} #soknader td:nth-child(6){min-width:5.5rem}
#soknader td:nth-child(10){font-size:.72rem;min-width:7rem}
#soknader td{overflow-wrap:anywhere;hyphens:auto}
#soknader th:first-child,#soknader td:first-child{position:sticky;left:0;z-index:1;background:#fff}
#soknader thead th:first-child{z-index:2;background:#eef1f4}
.cat{font-weight:600;border-radius:4px;padding:.1rem .35rem;display:inline-block}
.cat-0{background:#d8efd9;border:1px solid #2e7d32} .cat-1{background:#fff2c6;border:1px dashed #a66d00}
.cat-2{background:#f6d5d5;border:2px dotted #b3261e}
ul.reasons{margin:0;padding-left:1rem} ul.reasons li.note{color:#555}
td.ok{background:#eef7ee} td.warn{background:#fff6dc} td.miss{background:#f8e1e1;font-style:italic}
.errors td{background:#fff8f8}
.small{font-size:.9em;color:#555}
@page{size:A4 landscape;margin:10mm}
@media print{body{margin:0;font-size:9pt;max-width:none}
 th,#soknader th:first-child,#soknader td:first-child{position:static}
 table.sortable th::after{content:""} .scroll{overflow:visible} table{font-size:7pt}
 #soknader td:nth-child(5),#soknader td:nth-child(6),table.matrix td{min-width:0}
 tr{break-inside:avoid} h2{break-after:avoid}}
"""

# Sort by a cell's data-sort (numbers numerically, else text in Norwegian order); click again to reverse.
SORT_JS = """
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.tabIndex = 0;
    function sort() {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0], rows = Array.from(body.rows);
      function key(r) {
        var c = r.cells[col];
        return c.dataset.sort !== undefined ? c.dataset.sort : c.textContent;
      }
      rows.sort(function (a, b) {
        var x = key(a), y = key(b), nx = parseFloat(x), ny = parseFloat(y);
        var d = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y, 'nb');
        return asc ? d : -d;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    }
    th.addEventListener('click', sort);
    th.addEventListener('keydown', function (e) { if (e.key === 'Enter') { sort(); } });
  });
});
"""

def _td(text: str, sort=None, cls: str = "") -> str:
    sort_attr = "" if sort is None else f' data-sort="{escape(str(sort))}"'
    cls_attr = f' class="{cls}"' if cls else ""
    return f"<td{cls_attr}{sort_attr}>{text}</td>"


def _item(a, text: str, log: ClaimLog, attrs: str = "") -> str:
    """One reason or note: from its claim (with data-claim) when it states a figure."""
    claim = a.claims.get(text)
    if claim is not None:
        return log.html(claim, "li", attrs=attrs)
    return f"<li{' ' + attrs if attrs else ''}>{escape(text)}</li>"


def _reasons(a, log: ClaimLog) -> str:
    items = [_item(a, r, log) for r in a.reasons] + [_item(a, n, log, 'class="note"') for n in a.notes]
    return f'<ul class="reasons">{"".join(items)}</ul>'


def _applicant_row(a, log: ClaimLog) -> str:
    app = a.application
    order = CATEGORY_ORDER[a.category]
    population = "–" if a.population is None else fmt_int(a.population)
    prev = ""
    if a.population_prev is not None:
        prev = f'<br><span class="small">{a.year - 1}: {fmt_int(a.population_prev)}</span>'
    plan = "ingen" if app.samfunnsdel_vedtatt is None else str(app.samfunnsdel_vedtatt)
    stats = f"{a.n_available} av {len(a.indicators)}"
    if a.too_few:
        stats += f'<br><span class="small">{len(a.too_few)} av dem «{GRADE_LABELS_NB[TOO_FEW]}»</span>'
    cells = [
        _td(f"<b>{escape(a.kommune.name)}</b><br><span class=small>{a.kommune.code} · "
            f"{escape(a.kommune.county_name)}<br>rad {app.row}</span>", a.kommune.name),
        _td(population + prev, -1 if a.population is None else a.population, "num"),
        _td("Ja" if a.eligible else "Nei", int(a.eligible)),
        _td(f'<span class="cat cat-{order}">{escape(a.category)}</span>', order),
        _td(_reasons(a, log), order),
        _td(f"{plan}<br><span class=small>{escape(a.plan_text)}</span>",
            -1 if a.plan_age is None else a.plan_age),
        _td(f"{escape(fmt_fte(app.personellressurs))}<br><span class=small>oppgitt: "
            f"{escape(app.personellressurs_tekst)}</span>", app.personellressurs, "num"),
        _td("Ja" if app.har_statistikk else "Nei", int(app.har_statistikk)),
        _td(stats, a.n_available, "num"),
        _economy_cell(a, log),
        _td(escape(app.framdriftsplan)),
        _td(escape(app.kontaktperson)),
    ]
    return "<tr>" + "".join(cells) + "</tr>"


def _economy_cell(a, log: ClaimLog) -> str:
    """Latest accounts before the application year and ROBEK where the list's date allows: one claim
    per sentence, in a claims section (every text in it belongs to a claim)."""
    if a.economy is None:
        return _td("–", -1)
    result = a.economy.result_pst
    sentences = " ".join(log.html(c, "span") for c in a.economy.claims(a.year))
    return _td(f'<div data-claims-section="okonomi">{sentences}</div>', -1e9 if result is None else result)


_HEADERS = ["Kommune", "Folketall 1. jan.", "Kvalifisert", "Kategori", "Begrunnelse og merknader",
            "Samfunnsdel vedtatt", "Personell&shy;ressurs", "Har statistikk (oppgitt)",
            "Kjerne&shy;indikatorer", "Kommune&shy;økonomi (siste regn&shy;skap)",
            "Framdriftsplan", "Kontaktperson"]


def _indicator_cell(status) -> str:
    if not status.available:
        return _td("mangler", -1, "miss")
    grade = grade_label(status.robustness)
    lag = status.lag or 0
    cls = "warn" if (status.robustness == TOO_FEW or lag > 1) else "ok"
    note = f'<br><span class="small">{escape(grade)}</span>' if grade else ""
    if lag:
        note += f'<br><span class="small">{lag} år eldre enn mulig</span>'
    if status.projection:
        note += '<br><span class="small">året SSB laget framskrivingen</span>'
    return _td(f"{status.latest_year}{note}", status.latest_year, cls)


def _indicator_matrix(assessments) -> str:
    """Core indicators as rows, applicants as columns: the statistics side by side."""
    if not assessments:
        return ""
    head = "".join(f"<th>{escape(a.kommune.name)}</th>" for a in assessments)
    rows = []
    for i, first in enumerate(assessments[0].indicators):
        cells = "".join(_indicator_cell(a.indicators[i]) for a in assessments)
        rows.append(f"<tr><th scope=row>{escape(first.title)}</th>{cells}</tr>")
    return (
        "<h2>Statistikkgrunnlaget side om side</h2>"
        "<p class=lead>Nyeste år faktagrunnlaget hadde for hver kjerneindikator i søknadsåret "
        "(beholdninger per 1. januar, hendelser for året før), med robusthet for små tall: "
        f"{escape(grade_legend_nb())}.</p>"
        f'<div class="scroll"><table class="matrix"><thead><tr><th>Indikator</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>"
    )


def _errors_table(errors) -> str:
    if not errors:
        return "<h2>Feil i søknadsfilen</h2><p>Ingen: alle rader kunne leses.</p>"
    rows = "".join(
        f"<tr>{_td(str(e.row), e.row, 'num')}{_td(escape(e.kommune or '(tom)'))}{_td(escape(e.field))}"
        f"{_td(escape(e.message))}</tr>"
        for e in errors[:MAX_PAGE_ERRORS]
    )
    hidden = len(errors) - MAX_PAGE_ERRORS
    more = (
        f"<p id=flere-feil><b>… og {fmt_int(hidden)} flere feil</b>, ikke vist her. Alle står i "
        "screening_errors.csv og screening.xlsx (arket «Feil»).</p>"
        if hidden > 0 else ""
    )
    n_rows = len({e.row for e in errors})
    return (
        f"<h2 id=feil>Feil i søknadsfilen ({n_rows} rader ble ikke vurdert)</h2>"
        "<p class=lead>Rettes i søknadsfilen; kjør så screeningen på nytt. Radnummer som i et regneark "
        "(overskriften er rad 1).</p>"
        '<table class="sortable errors"><thead><tr><th>Rad</th><th>Kommune (som skrevet)</th><th>Felt</th>'
        f"<th>Melding</th></tr></thead><tbody>{rows}</tbody></table>{more}"
    )


def _summary(result) -> str:
    counts = {c: sum(a.category == c for a in result.assessments) for c in (AKTUELL, FORBEHOLD, IKKE_AKTUELL)}
    boxes = [("Rader i filen", result.read.n_rows), ("Vurdert", len(result.assessments)),
             ("Med feil", len(result.read.invalid_rows))] + list(counts.items())
    return '<div class="summary">' + "".join(f"<div><b>{n}</b>{escape(t)}</div>" for t, n in boxes) + "</div>"


def _method(result) -> str:
    rule = municipalities.network()
    counties = " og ".join({"18": "Nordland", "50": "Trøndelag"}.get(str(c), str(c)) for c in rule.counties)
    return (
        "<h2>Slik er vurderingen gjort</h2><ul>"
        f"<li><b>Kvalifisert</b>: folketall 1. januar {result.year} under {fmt_int(rule.max_population)} "
        f"og kommunen ligger i {counties} (invitasjonens rammer). Folketallet året før vises for å se "
        "kommuner nær grensen.</li>"
        "<li><b>Kategori</b>: <i>Ikke aktuell</i> når kommunen ikke er kvalifisert; <i>Aktuell med "
        "forbehold</i> når den er kvalifisert, men ikke har avsatt personellressurs "
        "(invitasjonen forutsetter det) eller faktagrunnlaget har færre enn halvparten av "
        "kjerneindikatorene; ellers <i>Aktuell</i>. "
        "Merknadene (grå) avgjør ikke kategorien, men er verdt å ta opp i samtalen.</li>"
        "<li><b>Samfunnsdel</b>: alder i år mot den fireårige plansyklusen (planstrategi hvert kommunestyre"
        "valg).</li>"
        "<li><b>Kjerneindikatorer</b>: ett nøkkeltall for hvert kapittel i et kunnskapsgrunnlag, målt i "
        "samfunn-data sitt faktagrunnlag slik det sto i søknadsåret. «Mangler» betyr at dataene "
        "våre ikke har tallet, ikke nødvendigvis at kommunen mangler det.</li>"
        "<li><b>Kommuneøkonomi</b>: netto driftsresultat og netto lånegjeld i prosent av brutto "
        f"driftsinntekter fra det siste kommuneregnskapet før {result.year} (KOSTRA; et år svinger mye i "
        "en liten kommune, så det avgjør ikke kategorien). ROBEK vises bare når registeret i dataene "
        f"(per {robek.DATE}) kan si noe om søknadsåret; ellers står det at statusen ikke er kjent. "
        f"{escape(robek.MEANING)} Hjemmel: {escape(robek.hjemmel_text('a b c d e f g'))}</li></ul>"
        "<p class=small>Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 07459 (folketall) og "
        "tabellene bak faktagrunnlaget (CC BY 4.0); ROBEK: Kommunal- og distriktsdepartementet (KDD). "
        "Opplysningene om samfunnsdel, framdrift, statistikk, "
        "personell og kontaktperson er kommunenes egne.</p>"
    )


def render_page(result, log: ClaimLog | None = None) -> str:
    """The whole screening page as an HTML string; its claims go to `log` (see `run.write_outputs`)."""
    log = ClaimLog() if log is None else log
    rows = "".join(_applicant_row(a, log) for a in result.assessments)
    head = "".join(f"<th scope=col>{h}</th>" for h in _HEADERS)
    table = (
        f'<div class="scroll"><table class="sortable" id="soknader"><thead><tr>{head}</tr></thead>'
        f"<tbody>{rows}</tbody></table></div>"
        if result.assessments else "<p>Ingen gyldige søknader å vurdere.</p>"
    )
    if not result.read.n_rows:
        table = ("<p><b>Filen har ingen søknader</b>: den har overskrifter, men ingen rader under dem. "
                 "Sjekk at du valgte riktig fil.</p>")
    created = dt.date.today().isoformat()
    return (
        '<!doctype html><html lang="nb"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Screening av søknader {result.year}</title><style>{CSS}</style></head><body>"
        f"<h1>Screening av søknader til læringsnettverket – søknadsår {result.year}</h1>"
        f'<p class="lead">Samfunnsutvikling i mindre kommuner. Fil: {escape(result.source)}. '
        f"Laget {created}. "
        f"Klikk på en kolonneoverskrift for å sortere. <i>{escape(FORBEHOLD)}</i> betyr kvalifisert, men med "
        "noe som må avklares i samtalen.</p>"
        f"{_summary(result)}<h2>Søkerne side om side</h2>{table}{_indicator_matrix(result.assessments)}"
        f"{_errors_table(result.errors)}{_method(result)}<script>{SORT_JS}</script></body></html>"
    )
