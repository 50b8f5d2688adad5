"""The report's "Kommuneøkonomi" section: KOSTRA accounts and the income system for one report year.

What the report for year Y may show (the fact base's as-of rule, `factbase.as_of`): accounts up to Y−1
(2025 marked preliminary), KDD's index of computed expenditure need only for budget year Y, the ROBEK
register only from 2026 and with its date. Every comparison is with the small municipalities in Nordland
and Trøndelag (median, quartiles and n from `factbase.comparisons`). Spending per innbygger is shown beside
the expenditure need and never judged: a municipality with an index of 1.46 is expected to spend far more.
The sentences are claims (`economy_text`); this module builds the tables and paragraphs around them.
"""

from __future__ import annotations

import html
import re

import pandas as pd

from samfunn_data.facts import indicators, robek
from samfunn_data.formatting import MISSING, fmt_int, fmt_value
from samfunn_data.reports import economy_text
from samfunn_data.reports.economy_text import preliminary

KEY_IDS = ["netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", "netto_lanegjeld_pst",
           "netto_lanegjeld_per_innb", "brutto_driftsinntekter_per_innb", "netto_driftsutgifter_per_innb",
           "brutto_investeringer_per_innb", "brutto_investeringer_4ar_per_innb"]
INCOME_IDS = ["frie_inntekter_per_innb", "skatt_pst_av_landet", "skatt_etter_utjevning_pst_av_landet"]
NEED, EQUALISATION = "utgiftsbehov_indeks", "utgiftsutjevning_per_innb"
SERVICE = re.compile(r"^netto_driftsutgifter_(?!per_innb$)(.+)$")
INCOME_CAPTION = "Frie inntekter og skatt (KDD og KOSTRA)"
SERVICE_CAPTIONS = ("Netto driftsutgifter per innbygger etter tjenesteområde",
                    "Netto driftsutgifter per innbygger i aldersgruppen tjenesten er for")
POWER_NOTE = ("Frie inntekter er her skatt på inntekt og formue pluss rammetilskuddet slik det er ført i "
              "KOSTRA: en tilnærming til SSBs offisielle tall. Eiendomsskatt og inntekter fra "
              "konsesjonskraft og annet kraftsalg er ikke med. I kraftkommuner kan slike inntekter være "
              "store, og der kan kommunens samlede inntekter være vesentlig høyere enn tallet her viser.")


def _fmt(ind_id: str, value) -> str:
    ind = indicators.get(ind_id)
    return fmt_value(value, ind.unit, ind.decimals)


def year_label(row) -> str:
    """A row's year, marked when its figures are preliminary."""
    year = int(row["year"])
    return f"{year} (foreløpig)" if preliminary(row) else str(year)


def accounts_year(data) -> int | None:
    """The newest accounts year the report may show (Y−1 at most), or None when the data has none."""
    row = data.row("netto_driftsresultat_pst")
    return None if row is None else int(row["year"])


def intro_html(data) -> str:
    """What the section shows and which years: accounts to Y−1, preliminary years, no reference level."""
    text, is_note = intro_text(data)
    return f'<p class="note">{html.escape(text)}</p>' if is_note else f"<p>{html.escape(text)}</p>"


def intro_text(data) -> tuple[str, bool]:
    """The intro as plain text, and whether it is a note (no accounts in the data)."""
    last = accounts_year(data)
    if last is None:
        return f"Dataene har ingen kommuneregnskap (KOSTRA) for {data.name} før {data.year}.", True
    text = (f"Regnskapstallene er fra KOSTRA (SSB) og går til og med {last}: regnskapet for et år publiseres "
            f"15. mars året etter, så rapporten for {data.year} viser ikke regnskapet for {data.year}.")
    if preliminary(data.row("netto_driftsresultat_pst", last)):
        text += (f" Tallene for {last} er foreløpige (publisert 15. mars {last + 1}); SSB publiserer "
                 f"endelige tall 15. juni {last + 1}.")
    text += (" Sammenligningen er med medianen for små kommuner (under 2 500 innbyggere) i Nordland og "
             "Trøndelag; n er antallet kommuner. Tallene for inntektssystemet er fra Kommunal- og "
             "distriktsdepartementet (KDD). Rapporten viser ikke noe anbefalt nivå for netto driftsresultat: "
             "dataene har ikke anbefalingen fra Det tekniske beregningsutvalget (TBU) eller kommunens egne "
             "handlingsregler.")
    return text, False


def _num(text: str) -> str:
    return f'<td class="num">{html.escape(text)}</td>'


def _peer_cells(ind_id: str, row) -> tuple[str, str]:
    n = int(row.get("small_n") or 0)
    if n == 0 or pd.isna(row.get("small_median")):
        return MISSING, MISSING
    quartiles = f"{_fmt(ind_id, row.get('small_q1'))} – {_fmt(ind_id, row.get('small_q3'))}"
    return f"{_fmt(ind_id, row['small_median'])} (n = {fmt_int(n)})", quartiles


def _service_label(ind_id: str) -> str:
    """"Netto driftsutgifter til barnehage per innbygger 1–5 år" -> "Barnehage, per innbygger 1–5 år"."""
    title = indicators.get(ind_id).title.removeprefix("Netto driftsutgifter til ")
    title = title.removesuffix(" per innbygger").replace(" per innbygger ", ", per innbygger ")
    return title[:1].upper() + title[1:]


def table_rows(data, ids: list[str], label=None) -> list[list[str]]:
    """Rows (title, year, value, small median (n), quartiles, county, country) as text, for every format."""
    rows = []
    for ind_id in ids:
        row = data.row(ind_id)
        if row is None:
            continue
        title = label(ind_id) if label else indicators.get(ind_id).title
        rows.append([title, year_label(row), _fmt(ind_id, row["value"]), *_peer_cells(ind_id, row),
                     _fmt(ind_id, row.get("county_value")), _fmt(ind_id, row.get("country_value"))])
    return rows


def table_header(data, first_col: str = "Indikator") -> tuple[str, ...]:
    return (first_col, "År", data.name, "Små kommuner i NL/TR (median, n)", "Midterste halvdel (kvartiler)",
            data.county_name, "Landet")


def _table(data, ids: list[str], caption: str, first_col: str = "Indikator", label=None) -> str:
    rows = [f'<tr><th scope="row">{html.escape(r[0])}</th><td>{r[1]}</td>' + "".join(_num(c) for c in r[2:])
            + "</tr>" for r in table_rows(data, ids, label)]
    if not rows:
        return f'<p class="note">Dataene har ingen tall for «{html.escape(caption)}» for dette året.</p>'
    head = (f'<tr><th scope="col">{first_col}</th><th scope="col">År</th>'
            f'<th scope="col" class="num">{html.escape(data.name)}</th>'
            '<th scope="col" class="num">Små kommuner i NL/TR<br>(median, n)</th>'
            '<th scope="col" class="num">Midterste halvdel<br>(kvartiler)</th>'
            f'<th scope="col" class="num">{html.escape(data.county_name)}</th>'
            '<th scope="col" class="num">Landet</th></tr>')
    return (f"<table><caption>{html.escape(caption)}</caption><thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def claims_html(data, log=None) -> str:
    """The section's sentences (claims) as a list."""
    items = economy_text.items_html(economy_text.section_claims(data), economy_text.document_log(data, log))
    return f"<ul>{items}</ul>" if items else ""


def key_table_html(data) -> str:
    """Nøkkeltall: the headline accounts, newest accounts year, beside the small municipalities."""
    return (_table(data, KEY_IDS, KEY_CAPTION)
            + f'<p class="note">{html.escape(KEY_NOTE)}</p>')


KEY_CAPTION = "Nøkkeltall fra kommuneregnskapet (KOSTRA)"
KEY_NOTE = ("Fylket: kommunene i fylket samlet (summen av beløpene), bare når alle er med. Netto "
            "driftsresultat svinger mye fra år til år i en liten kommune (et enkelt tilskudd, en "
            "fondsavsetning eller et år med høye kraftpriser); les derfor snittet for tre år. Investeringer "
            "vises også summert over fire år, økonomiplanens periode.")


def service_ids() -> tuple[list[str], list[str]]:
    """(service areas per innbygger, service areas per innbygger in the age group served), catalogue order."""
    ids = [i for i in indicators.CATALOGUE if SERVICE.match(i)]
    return [i for i in ids if i.endswith("_per_innb")], [i for i in ids if not i.endswith("_per_innb")]


def need_html(data, log=None) -> str:
    """KDD's expenditure-need index for budget year Y (only then) and the utgiftsutjevning per innbygger
    (a claim, in the report's log)."""
    log = economy_text.document_log(data, log)
    need, equalisation = (
        "" if made is None else
        f'<p data-claims-section="okonomi">{economy_text.items_html([made], log, "span")}</p>'
        for made in (economy_text.need_claim(data), economy_text.equalisation_claim(data)))
    return (f"{need}<p>{html.escape(need_text(data))}</p>{equalisation}"
            f'<p>{html.escape(need_note(data))}</p>')


def need_note(data) -> str:
    """What the utgiftsutjevning means (when shown) and why spending is not judged high or low."""
    note = economy_text.EQUALISATION_NOTE + " " if data.row(EQUALISATION) is not None else ""
    return (note + "Utgifter per innbygger må leses sammen med utgiftsbehovet, og tabellen under vurderer "
            "dem derfor ikke som høye eller lave. Tjenesteområdene overlapper (for eksempel lokaler), så de "
            "kan ikke legges sammen.")


NEED_BASIS = ("Beregningen bygger blant annet på alderssammensetning, bosettingsmønster, reiseavstander og "
              "et basistillegg (likt beløp per kommune, som betyr mest der det bor få).")


def need_text(data) -> str:
    """What the expenditure-need index builds on, or that the data lacks it for budget year Y (the index
    itself is a claim: `economy_text.need_claim`)."""
    if data.row(NEED, data.year) is not None:
        return NEED_BASIS
    return (f"KDDs indeks for beregnet utgiftsbehov for budsjettåret {data.year} finnes ikke i dataene "
            "(de har bare budsjettårene 2025 og 2026, som publiseres med statsbudsjettet i oktober "
            "året før).")


def services_html(data) -> str:
    """Netto driftsutgifter per innbygger by service area (and per innbygger in the age group served)."""
    areas, groups = service_ids()
    out = need_html(data)
    out += _table(data, areas, SERVICE_CAPTIONS[0], "Tjenesteområde", _service_label)
    if groups:
        out += _table(data, groups, SERVICE_CAPTIONS[1], "Tjenesteområde", _service_label)
    return out


def income_html(data) -> str:
    """Frie inntekter and skatt against the national level, with what the figure leaves out."""
    table = _table(data, INCOME_IDS, INCOME_CAPTION)
    return table + f'<p class="note">{html.escape(POWER_NOTE)}</p>'


def robek_html(data) -> str:
    """ROBEK only where the report year allows (the list per 20.04.2026); never inferred for earlier years."""
    text, is_note = robek_text(data)
    return f'<p class="note">{html.escape(text)}</p>' if is_note else f"<p>{html.escape(text)}</p>"


def robek_text(data) -> tuple[str, bool]:
    """`robek_html` as plain text, and whether it is a note (nothing known for the year)."""
    listed, letters = robek.status(data.facts, data.kommunenr, data.year)
    if listed is None:
        if data.year < robek.FIRST_YEAR:
            text = (f"ROBEK: dataene har bare registeret slik KDD publiserte det {robek.DATE}, og det "
                    f"sier ingenting om hvem som sto i registeret i {data.year}. Rapporten sier derfor ikke "
                    "noe om ROBEK for dette året.")
        else:
            text = f"ROBEK: dataene har ikke registeret for {data.name}."
        return text, True
    if listed:
        why = robek.hjemmel_text(letters)
        text = f"Per {robek.DATE} står {data.name} i ROBEK." + (f" Hjemmel (kommuneloven § 28-1): {why}"
                                                                  if why else "")
    else:
        text = f"Per {robek.DATE} står {data.name} ikke i ROBEK."
    return text + " " + robek.MEANING, False


MISSING_ITEMS = (
    "Disposisjonsfond i prosent av driftsinntektene.",
    "Netto driftsresultat korrigert for bundne fond (for eksempel fond fra kraftinntekter), premieavvik og "
    "pensjonsforpliktelser.",
    "Eiendomsskatt og kraftinntekter (konsesjonskraft og annet kraftsalg).",
    "SSBs offisielle tall for frie inntekter: rapporten bruker skatt pluss rammetilskudd som tilnærming.",
    "Sammenligning med KOSTRA-gruppen (kommuner av lik størrelse og økonomi) og med «landet uten Oslo».",
    "Et anbefalt nivå for netto driftsresultat (TBU eller kommunens egne handlingsregler).",
)


def missing_item_html() -> str:
    """What the economy section lacks because the data lacks it (for «Tall denne rapporten mangler»)."""
    items = "".join(f"<li>{html.escape(item)}</li>" for item in MISSING_ITEMS)
    return f"Kommuneøkonomi:<ul>{items}</ul>"
