"""The report's generated text, rendered from claims: Hovedtrekk, changes since last year, centrality and
"Hva betyr dette for planstrategien?".

No sentence is written from numbers directly: `findings` and `planning` make `claims.Claim` records (the
numbers, the comparator, the verdict, the years of data), and the HTML here shows each claim's text in an
element carrying ``data-claim`` (its index in the report's `ClaimLog`, ``data.claims``). Containers of
generated text carry ``data-claims-section``: inside them, every sentence belongs to a claim. The notebook
writes the log beside the HTML as ``<report>.claims.json`` (`write_claims`).
"""

from __future__ import annotations

import html

from samfunn_data.facts import claims as C
from samfunn_data.facts import indicators
from samfunn_data.formatting import fmt_value
from samfunn_data.reports import commuting, economy_text, findings, planning

CLOSING = ("Tallene i en liten kommune svinger mye fra år til år. Punktene over bygger bare på forskjeller "
           "som er tydelige etter regelen for små tall; de bør drøftes sammen med lokal kunnskap, og "
           "kunnskapsgrunnlaget bør oppdateres hvert år.")
NOTHING_CLEAR = ("Ingen av tallene skiller seg tydelig nok fra landet eller fra tidligere år til å bli "
                 "trukket fram her.")


HOVEDTREKK_MAX = 8  # domain.md: Hovedtrekk holds "the 5–8 most important findings"
# Left out first when there are more, each also shown in its own chapter (Alder, Befolkningsendringer): first
# those whose verdict is not clear (they only say the figure does not stand out), then the others.
LEFT_OUT_FIRST = ("kvinner_per_100_menn_20_39", "nettoinnflytting_3ar", "fodselsoverskudd_3ar")


def hovedtrekk_claims(data, limit: int = HOVEDTREKK_MAX) -> list[C.Claim]:
    """Hovedtrekk: the population findings and, where the data has accounts, the economy finding last;
    at most `limit`, leaving out `LEFT_OUT_FIRST` (unclear ones first) when there are more."""
    made = findings.hovedtrekk(data)
    economy = economy_text.result_claim(data)
    made += [] if economy is None else [economy]
    for clear_too in (False, True):
        for indicator in LEFT_OUT_FIRST:
            if len(made) > limit:
                made = [c for c in made if c.indicator != indicator
                        or (c.verdict in (C.HIGHER, C.LOWER) and not clear_too)]
    return made[:limit]


def hovedtrekk(data, limit: int = HOVEDTREKK_MAX) -> list[str]:
    """The Hovedtrekk sentences (texts of `hovedtrekk_claims`)."""
    return [c.text for c in hovedtrekk_claims(data, limit)]


def utfordringer(data) -> list[str]:
    """The planning bullets as plain text (lead-in included)."""
    return [" ".join(c.text for c in b.claims) for b in planning.bullets(data)]


def report_claims(data) -> list[C.Claim]:
    """Every claim of a report in page order, without rendering (the template renders the same claims,
    section by section: Hovedtrekk, changes, commuting, centrality, Kommuneøkonomi, planning)."""
    made = list(hovedtrekk_claims(data))
    made += [r["claim"] for r in changes_since_previous(data)]
    made += commuting.lead_claims(data)
    made += [c for c in [findings.centrality(data)] if c is not None]
    made += economy_text.section_claims(data)
    made += [c for c in (economy_text.need_claim(data), economy_text.equalisation_claim(data)) if c]
    made += [c for b in planning.bullets(data) for c in b.claims]
    return made


# -- HTML -------------------------------------------------------------------------------------------------


def heading_html(data) -> str:
    """Title block: municipality, county, report year and what "as of" means."""
    return (f"<h1>{html.escape(HEADING.format(name=data.name, year=data.year))}</h1>"
            f'<p class="lead">{html.escape(lead_text(data))}</p>')


def _section(name: str, inner: str, tag: str = "div", cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<{tag}{klass} data-claims-section="{name}">{inner}</{tag}>'


def hovedtrekk_html(data) -> str:
    items = "".join(data.claims.html(c) for c in hovedtrekk_claims(data))
    return _section("hovedtrekk", f"<ul>{items}</ul>", cls="callout")


def centrality_html(data) -> str:
    made = findings.centrality(data)
    return _section("sentralitet", data.claims.html(made, "p")) if made else ""


def _bullet_html(log: C.ClaimLog, bullet: planning.Bullet) -> str:
    parts = []
    for i, made in enumerate(bullet.claims):
        bold = bullet.lead if i == 0 and made.text.startswith(bullet.lead) else ""
        parts.append(log.html(made, "span", bold=bold))
    return f"<li>{' '.join(parts)}</li>"


def utfordringer_html(data) -> str:
    made = planning.bullets(data)
    if not made:
        return f'<p>{html.escape(NOTHING_CLEAR)}</p><p class="note">{html.escape(CLOSING)}</p>'
    items = "".join(_bullet_html(data.claims, b) for b in made)
    return _section("planstrategi", items, "ul") + f'<p class="note">{html.escape(CLOSING)}</p>'


def write_claims(data, path) -> None:
    """Write the claims rendered so far (the report's sentences, in page order) as JSON to `path`
    (nothing when `path` is None, e.g. a notebook run by hand). Returns None, so the cell shows nothing."""
    if path:
        data.claims.write(path)


# -- what changed since last year's report -----------------------------------------------------------------

CHANGE_IDS = ("folkemengde", "antall_0_5", "antall_6_15", "antall_80_pluss", "andel_80_pluss", "medianalder",
              "fodselsoverskudd_3ar_per_1000", "nettoinnflytting_3ar_per_1000", "medianinntekt",
              "sysselsatte_per_100")
CHANGE_NB = {C.INCREASE: "tydelig økning", C.DECREASE: "tydelig nedgang",
             C.NO_CLEAR_CHANGE: "innenfor tilfeldig variasjon", C.TOO_FEW: "for få til å vurdere",
             C.UNAVAILABLE: "kan ikke vurderes"}


def changes_since_previous(data) -> list[dict]:
    """Key figures now and one year earlier (the year last year's report showed, in today's SSB figures),
    with the changes rule's verdict (`findings.change_verdict`) and its claim.

    Rows: indicator, title, unit, decimals, before_year, before, now_year, now, verdict, claim."""
    rows = []
    for ind_id in CHANGE_IDS:
        ind = indicators.CATALOGUE.get(ind_id)
        now = data.fact(ind_id)
        if ind is None or now is None:
            continue
        y1 = int(now["year"])
        if data.fact(ind_id, y1 - 1) is None:
            continue
        verdict, before, value = findings.change_verdict(data, ind_id, y1 - 1, y1)
        made = findings.claim(data, "endringer", CHANGE_NB[verdict], ind_id, y1, value, verdict, None, before)
        rows.append({"indicator": ind_id, "title": ind.title, "unit": ind.unit, "decimals": ind.decimals,
                     "before_year": y1 - 1, "before": before, "now_year": y1, "now": value,
                     "verdict": verdict, "claim": made})
    return rows


CHANGES_NOTE = ("«Tydelig» betyr at endringen er større enn kommunens egne svingninger fra år til år kan "
                "forklare; «for få til å vurdere» betyr at tallet bygger på under 10 personer, og «kan ikke "
                "vurderes» at dataene ikke sier hvor mye tallet svinger. Begge årene er SSBs tall slik "
                "de er nå.")
HEADING = "Kunnskapsgrunnlag for planstrategi: {name} {year}"


def lead_text(data) -> str:
    """The sentence under the title: municipality, county, and what "as of" the report year means."""
    return (f"{data.name} kommune ({data.kommunenr}), {data.county_name}. Tallene viser bildet slik det "
            f"var i {data.year}: folketall per 1. januar {data.year}, fødsler, flytting, inntekt og "
            "kommuneregnskap for årene før. Tallene er fra Statistisk sentralbyrå (SSB), inntektssystemet "
            "fra Kommunal- og distriktsdepartementet (KDD); se Datagrunnlag og kilder nederst.")


def changes_caption(data) -> str:
    return f"Endringer siden rapporten for {data.year - 1}"


def change_cells(r: dict) -> tuple[str, str]:
    """A change row's two value cells, e.g. ("812 (2022)", "798 (2023)")."""
    return (f'{fmt_value(r["before"], r["unit"], r["decimals"])} ({r["before_year"]})',
            f'{fmt_value(r["now"], r["unit"], r["decimals"])} ({r["now_year"]})')


def changes_html(data) -> str:
    rows = changes_since_previous(data)
    if not rows:
        return ""
    body = "".join(
        f'<tr><th scope="row">{html.escape(r["title"])}</th>'
        + "".join(f'<td class="num">{html.escape(cell)}</td>' for cell in change_cells(r))
        + data.claims.html(r["claim"], "td", attrs='class="grade"') + "</tr>"
        for r in rows)
    head = ('<tr><th scope="col">Indikator</th><th scope="col" class="num">Året før</th>'
            '<th scope="col" class="num">Nå</th><th scope="col">Vurdering</th></tr>')
    return (f"<h3>{html.escape(changes_caption(data))}</h3>"
            f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
            f'<p class="note">{html.escape(CHANGES_NOTE)}</p>')
