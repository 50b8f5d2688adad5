"""HTML tables for the fact-base report: key figures with comparisons, sources, and what the data lacks.

Tables are plain HTML (not a pandas Styler) so the exported page stays small, prints cleanly and pastes
into Word as a table. Every number is formatted by `samfunn_data.formatting` and carries its year.
"""

from __future__ import annotations

import html

import pandas as pd

from samfunn_data.facts import indicators
from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR
from samfunn_data.facts.robustness import (
    GRADE_LABELS_NB,
    HIGHER,
    LOWER,
    NO_CLEAR,
    TOO_FEW,
    grade_legend_nb,
)
from samfunn_data.formatting import MISSING, fmt_value
from samfunn_data.reports import economy, provenance
from samfunn_data.reports.findings import newest_projection, projection_in_force

GRADE_NB = GRADE_LABELS_NB  # one vocabulary for the grades everywhere (facts.robustness)
VERDICT_NB = {HIGHER: "høyere", LOWER: "lavere", NO_CLEAR: "ingen klar forskjell"}


def _fmt(ind, value) -> str:
    return fmt_value(value, ind.unit, ind.decimals)


def _when(ind, year: int) -> str:
    if ind.reference_date == "1. januar":
        return f"1.1.{year}"
    if ind.reference_date == "kalenderår" or ind.kind == "static":
        return str(year)
    if ind.kind == "projection":  # the value is for the target year; a change runs from the report year
        target = next(part for part in ind.id.split("_") if part.isdigit())
        return f"1.1.{year}–{target}" if ind.id.endswith("_pst") else target
    return f"{year} ({ind.reference_date})"


def _assessment(row) -> str:
    """Grade and verdict in a few words, e.g. "sikkert; høyere enn landet og fylket". A value graded
    "for få" gets no verdict: the rule makes no claim about differences from it."""
    grade = GRADE_NB.get(row.get("robustness"))
    if row.get("robustness") == TOO_FEW:
        return f"{grade}; sammenlignes ikke"
    verdicts: dict[str, list[str]] = {}
    for side, where in (("vs_country", "landet"), ("vs_county", "fylket")):
        v = row.get(side)
        if v in VERDICT_NB:
            verdicts.setdefault(v, []).append(where)
    parts = [grade] if grade else []
    for v, places in verdicts.items():
        places_text = " og ".join(places)
        parts.append(f"ingen klar forskjell fra {places_text}" if v == NO_CLEAR
                     else f"{VERDICT_NB[v]} enn {places_text}")
    return "; ".join(parts) or MISSING


def _num(text: str) -> str:
    return f'<td class="num">{html.escape(text)}</td>'


SMALL_WHERE = {"små kommuner i Norge": "i Norge",
               "små kommuner i Nordland og Trøndelag": "i Nordland og Trøndelag"}


def _small(ind, row) -> tuple[str, str]:
    """The small municipalities' median and how many there are and where (the group differs by indicator:
    all of Norway, or Nordland and Trøndelag where SSB's table covers only those)."""
    n = row.get("small_n")
    if pd.isna(row.get("small_median")) or not n:
        return MISSING, ""
    return _fmt(ind, row.get("small_median")), f"{int(n)} {SMALL_WHERE.get(row.get('small_group'), '')}"


def indicator_rows(data, ids: list[str]) -> list[dict]:
    """The rows of `indicator_table` as formatted text, one per indicator with a value in the report.

    Keys: id, title, when, value, county, country, small, small_n (e.g. "132 i Norge"), assessment.
    Every format (HTML, DOCX) renders these same strings.
    """
    rows = []
    for ind_id in ids:
        ind = indicators.CATALOGUE.get(ind_id)
        row = data.row(ind_id)
        if ind is None or row is None:
            continue
        small, small_n = _small(ind, row)
        rows.append({"id": ind_id, "title": ind.title, "when": _when(ind, int(row["year"])),
                     "value": _fmt(ind, row["value"]), "county": _fmt(ind, row.get("county_value")),
                     "country": _fmt(ind, row.get("country_value")), "small": small, "small_n": small_n,
                     "assessment": _assessment(row)})
    return rows


def empty_table_note(data, ids: list[str], caption: str) -> str | None:
    """What stands instead of an indicator table without rows (None: nothing, another table explains)."""
    if all(indicators.CATALOGUE[i].kind == "projection" for i in ids if i in indicators.CATALOGUE) \
            and data.year < PROJECTION_VINTAGE_YEAR:
        return None  # `county_range_table` says which projection existed and why it is not shown
    return f"Dataene har ingen tall for «{caption}» for dette året."


def indicator_table(data, ids: list[str], caption: str) -> str:
    """One row per indicator (latest year visible in the report): the municipality, its county, Norway,
    the median small municipality, and an assessment (robustness grade and verdict on differences)."""
    rows = indicator_rows(data, ids)
    if not rows:
        note = empty_table_note(data, ids, caption)
        return "" if note is None else f'<p class="note">{html.escape(note)}</p>'
    body = "".join(
        f"<tr><th scope=\"row\">{html.escape(r['title'])}</th><td>{html.escape(r['when'])}</td>"
        + _num(r["value"]) + _num(r["county"]) + _num(r["country"])
        + (f'<td class="num">{html.escape(r["small"])}<br><span class="note">{html.escape(r["small_n"])}'
           "</span></td>" if r["small_n"] else _num(r["small"]))
        + f'<td class="grade">{html.escape(r["assessment"])}</td></tr>' for r in rows)
    head = ("<tr><th scope=\"col\">Indikator</th><th scope=\"col\">Tid</th>"
            f"<th scope=\"col\" class=\"num\">{html.escape(data.name)}</th>"
            f"<th scope=\"col\" class=\"num\">{html.escape(data.county_name)}</th>"
            "<th scope=\"col\" class=\"num\">Landet</th><th scope=\"col\" class=\"num\">Små kommuner"
            "<br>(median, antall)</th><th scope=\"col\">Vurdering</th></tr>")
    return (f"<table><caption>{html.escape(caption)}</caption><thead>{head}</thead>"
            f"<tbody>{body}</tbody></table>" + definitions_note([r["id"] for r in rows]))


def definitions_note(ids: list[str]) -> str:
    """The terms among `ids` a reader may not know (forsørgerbrøk, eldrebrøk), defined under the table."""
    defined = indicators.definitions(ids)
    return f'<p class="note">{html.escape(" ".join(defined))}</p>' if defined else ""


AGE_IDS = ["antall_0_5", "andel_0_5", "antall_6_15", "andel_6_15", "antall_16_66", "andel_16_66",
           "antall_67_79", "andel_67_79", "antall_80_pluss", "andel_80_pluss"]
RATIO_IDS = ["forsorgerbrok", "eldrebrok", "kvinner_per_100_menn_20_39", "medianalder"]
FLOW_IDS = ["fodselsoverskudd", "nettoinnflytting", "fodselsoverskudd_3ar", "nettoinnflytting_3ar",
            "fodselsoverskudd_3ar_per_1000", "nettoinnflytting_3ar_per_1000"]
PROJECTION_IDS = ["framskrevet_2030", "framskrevet_2030_pst", "framskrevet_2040", "framskrevet_2040_pst",
                  "framskrevet_2050", "framskrevet_2050_pst"]
LIVING_IDS = ["medianinntekt", "husholdninger", "sysselsatte_per_100", "andel_sysselsatte_primaer",
              "andel_sysselsatte_industri", "andel_sysselsatte_offentlig_adm",
              "andel_sysselsatte_undervisning",
              "andel_sysselsatte_helse_sosial", "andel_sysselsatte_andre", "andel_hoyere_utdanning"]
CENTRALITY_IDS = ["sentralitetsklasse", "sentralitetsindeks"]


COUNTY_RANGE_HEADER = ("År", "Lav nasjonal vekst", "Hovedalternativet", "Høy nasjonal vekst")


def county_range_caption(data) -> str:
    return f"{data.county_name}: framskrevet endring fra {data.year} (prosent)"


def county_range_note(data) -> str:
    """Why the county's range is not shown before the projections' vintage year."""
    return (f"{newest_projection(data.year)}; den er ikke i dataene. SSBs framskriving fra "
            f"{PROJECTION_VINTAGE_YEAR} kom etter rapportåret og vises derfor ikke her.")


def county_range_rows(data) -> list[list[str]] | None:
    """Rows (target year, low, main, high) of `county_range_table`; None before the vintage year."""
    if data.year < PROJECTION_VINTAGE_YEAR:
        return None
    return [[str(target)] + [fmt_value(data.county_value(f"framskrevet_{target}{suffix}_pst", data.year),
                                       "prosent") for suffix in ("_lav", "", "_hoy")]
            for target in (2030, 2040, 2050)]


def county_range_table(data) -> str:
    """The county's projected change under the low, main and high alternatives (% from the report year);
    before the projections' vintage year, which projection existed then and that the data lacks it."""
    rows = county_range_rows(data)
    if rows is None:
        return f'<p class="note">{html.escape(county_range_note(data))}</p>'
    rows = [f"<tr><th scope=\"row\">{r[0]}</th>{''.join(_num(c) for c in r[1:])}</tr>" for r in rows]
    head = ("<tr><th scope=\"col\">År</th><th scope=\"col\" class=\"num\">Lav nasjonal vekst</th>"
            "<th scope=\"col\" class=\"num\">Hovedalternativet</th>"
            "<th scope=\"col\" class=\"num\">Høy nasjonal "
            "vekst</th></tr>")
    return (f"<table><caption>{html.escape(county_range_caption(data))}</caption><thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>")


def grade_text() -> str:
    """The legend of grades and verdicts shown under the tables."""
    return (f"Tallgrunnlag: {grade_legend_nb()}. Vurderingen sier bare «høyere» eller «lavere» når "
            "forskjellen er større enn det tilfeldig variasjon kan forklare (95 %-nivå); ellers «ingen klar "
            "forskjell». – betyr at tallet ikke finnes i dataene.")


def grade_note() -> str:
    return f'<p class="note">{html.escape(grade_text())}</p>'


# -- Datagrunnlag og kilder ------------------------------------------------------------------------------


SOURCES_HEADER = ("Kilde", "Tittel", "Hvor tallene kommer fra", "Kreditering", "Lisens")
SOURCES_NOTE = ("Den tekniske dokumentasjonen av hver fil (hvor kopien ligger, versjon og kontrollsummer) "
                "følger med samfunn-data.")


def source_rows(data, manifest: dict, tables: list[str],
                extra: tuple[str, ...] = ("geo/kommuner-2024",)) -> list[list[str]]:
    """Rows of `sources_table`: source, title, origin in plain words, attribution, licence."""
    rows = []
    vintages = provenance.table_vintages(data.facts)
    for tid in [*tables, *extra]:
        entry = manifest.get(tid, {})
        title = entry.get("title") or "(tittel ikke oppgitt)"
        origin = provenance.origin_text(tid, vintages.get(tid) or entry.get("vintage"), entry)
        credit = (entry.get("attribution")
                  or f"Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell {tid}")
        rows.append([provenance.source_label(tid), title, origin, credit, entry.get("licence", "CC BY 4.0")])
    return rows


def sources_table(data, manifest: dict, tables: list[str],
                  extra: tuple[str, ...] = ("geo/kommuner-2024",)) -> str:
    """Every table the report used: source, title, where the figures came from (in plain words),
    attribution and licence. The technical provenance is in the README and the snapshot's manifest."""
    rows = [f"<tr><th scope=\"row\">{html.escape(r[0])}</th>"
            + "".join(f"<td>{html.escape(c)}</td>" for c in r[1:]) + "</tr>"
            for r in source_rows(data, manifest, tables, extra)]
    head = ("<tr><th scope=\"col\">Kilde</th><th scope=\"col\">Tittel</th><th scope=\"col\">Hvor tallene "
            "kommer fra</th><th scope=\"col\">Kreditering</th><th scope=\"col\">Lisens</th></tr>")
    return (f"<table><caption>Tabeller brukt i rapporten</caption><thead>{head}</thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
            f'<p class="note">{html.escape(SOURCES_NOTE)}</p>')


KNOWN_GAPS = (
    "Fødte og døde hver for seg, og innenlandsk og utenlandsk flytting hver for seg: dataene har bare "
    "nettotallene (fødselsoverskudd og nettoinnflytting).",
    "Framskrivinger etter alder (barn, arbeidsfør alder, 80+): dataene har bare totalt folketall i "
    "framskrivingene, så rapporten kan ikke si hva framskrivingen betyr for barnehage, skole og eldreomsorg.",
    "Framskrivingens lave og høye alternativ for kommunen: SSB publiserer bare hovedalternativet for "
    "kommuner.",
    "Medianinntekt for fylket og landet: dataene har bare kommunene i Nordland og Trøndelag, og en median "
    "kan ikke regnes ut fra kommunetall.",
    "Helse og levevaner (folkehelseoversikten): ikke med i dataene.",
)


def missing_html(data) -> str:
    """What the report lacks because the data lacks it (`missing_items`) as a list; the economy section's
    gaps as a list of their own after the known gaps."""
    items = [f"<li>{html.escape(i)}</li>" for i in missing_items(data)]
    items.insert(len(KNOWN_GAPS), f"<li>{economy.missing_item_html()}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def missing_items(data) -> list[str]:
    """What the report lacks because the data lacks it: known gaps plus catalogue indicators without value."""
    absent = []
    for ind in indicators.CATALOGUE.values():
        if ind.kind == "projection" and (ind.id.endswith(("_lav", "_hoy", "_lav_pst", "_hoy_pst"))
                                         or data.year < PROJECTION_VINTAGE_YEAR):
            continue  # county-only by design, or published after the report year (a gap of its own below)
        if data.row(ind.id) is None:
            absent.append(ind.title)
    items = list(KNOWN_GAPS)
    commuting = data.fact("sysselsatte_bosatt")  # the year the «Pendling» part shows (as of the report year)
    if commuting is None:
        items.append("Pendling for kommunen: ingen tall publisert før rapportåret på grenser som kan "
                     "regnes om til dagens uten å anslå fordelingen (se «Pendling»).")
    else:
        items.append(f"Pendling for andre år enn 4. kvartal {int(commuting['year'])}, det siste året med "
                     "tall for kommunen som var publisert i rapportåret: ikke i rapporten.")
    if data.year < PROJECTION_VINTAGE_YEAR:
        items.append(
            f"SSBs befolkningsframskriving fra {projection_in_force(data.year)}, den nyeste i {data.year}: "
            f"ikke i dataene. Dataene har bare SSBs framskriving fra {PROJECTION_VINTAGE_YEAR}, som kom "
            "etter rapportåret.")
    if absent:
        items.append(f"Indikatorer uten tall for denne kommunen i {data.year}: {'; '.join(absent)}.")
    return items


ATTRIBUTION = ("Kilde: Statistisk sentralbyrå (SSB), statistikkbanken; lisens CC BY 4.0. "
               "Inntektssystemet og ROBEK: Kommunal- og distriktsdepartementet (KDD). Kart: "
               "© Kartverket (Administrative enheter, CC BY 4.0), forenklet av robhop/fylker-og-kommuner. "
               "Beregninger og tekst er laget automatisk av samfunn-data fra disse tallene.")


def attribution_html() -> str:
    return f'<p class="note">{html.escape(ATTRIBUTION)}</p>'


def frame_html(frame: pd.DataFrame) -> str:
    """A small DataFrame as a plain table (for ad-hoc use in notebooks)."""
    return frame.to_html(index=False, border=0, na_rep=MISSING)
