"""Bokmål sentences from the fact base: the report's "Hovedtrekk" and "Hva betyr dette for planstrategien?".

Every sentence carries its numbers, formatted the Norwegian way, straight from the fact base (a
`report_data.ReportData`, i.e. only what was known in the report year). A sentence may say "higher",
"lower", "more" or "less" than the county or the country only when the comparison's verdict from
`robustness.differs` (columns ``vs_county``/``vs_country``) says so; otherwise it says the numbers are too
small to tell. Sentences whose figures the data lacks are left out (and listed under "Datagrunnlag").
"""

from __future__ import annotations

import html

import pandas as pd

from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR
from samfunn_data.facts.robustness import HIGHER, LOWER, NO_CLEAR, TOO_FEW
from samfunn_data.formatting import fmt_int, fmt_kroner, fmt_number, fmt_pct
from samfunn_data.reports import economy_text

TOO_SMALL = "tallene er for små til å si om forskjellen er reell"


def _went(value: float) -> str:
    if round(value, 1) > 0:
        return "økte med"
    if round(value, 1) < 0:
        return "gikk ned med"
    return "var uendret, med en endring på"


def _is_missing(row, column: str = "value") -> bool:
    return row is None or pd.isna(row.get(column))


def population_sentence(data) -> str | None:
    row = data.row("folkemengde", data.year)
    if row is None:
        return None
    return f"{data.name} hadde {fmt_int(row['value'])} innbyggere 1. januar {data.year}."


def change_sentence(data, indicator: str = "endring_5ar_pst", years: int = 5) -> str | None:
    """E.g. "Folketallet i Tydal gikk ned med 4,1 % fra 2015 til 2020, mens det økte med 3,9 % i landet." """
    row = data.row(indicator)
    if _is_missing(row):
        return None
    y1 = int(row["year"])
    y0 = y1 - years
    own, land, verdict = float(row["value"]), row["country_value"], row["vs_country"]
    head = f"Folketallet i {data.name} {_went(own)} {fmt_pct(abs(own))} fra {y0} til {y1}"
    if pd.isna(land):
        return head + "."
    land = float(land)
    land_text = f"{_went(land)} {fmt_pct(abs(land))}"
    if verdict in (HIGHER, LOWER):
        if (own > 0) != (land > 0):
            return f"{head}, mens det {land_text} i landet."
        stronger = (verdict == HIGHER) == (own > 0)  # larger in size: more growth, or a steeper fall
        kind = ("sterkere " if stronger else "svakere ") + ("vekst" if own > 0 else "nedgang")
        return f"{head}, en {kind} enn i landet, der det {land_text}."
    # main clause after "I landet": the verb comes second, so the subject moves in ("økte folketallet med")
    if round(land, 1) > 0:
        land_clause = f"I landet økte folketallet med {fmt_pct(abs(land))}"
    elif round(land, 1) < 0:
        land_clause = f"I landet gikk folketallet ned med {fmt_pct(abs(land))}"
    else:
        land_clause = "I landet var folketallet uendret"
    if verdict == NO_CLEAR:
        return f"{head}. {land_clause}; {TOO_SMALL}."
    return f"{head}. {land_clause}."


def _level_comparison(row, unit_fmt, where: str = "i landet", column: str = "country_value",
                      verdict_col: str = "vs_country") -> str:
    other = row.get(column)
    if pd.isna(other):
        return ""
    verdict = row.get(verdict_col)
    if verdict == HIGHER:
        return f", høyere enn {where} ({unit_fmt(other)})"
    if verdict == LOWER:
        return f", lavere enn {where} ({unit_fmt(other)})"
    if verdict == NO_CLEAR:
        return f", mot {unit_fmt(other)} {where}, men {TOO_SMALL}"
    return f", mot {unit_fmt(other)} {where}"


def elderly_sentence(data) -> str | None:
    row = data.row("andel_80_pluss")
    count = data.row("antall_80_pluss")
    if _is_missing(row):
        return None
    persons = f" ({fmt_int(count['value'])} personer)" if not _is_missing(count) else ""
    return (f"{fmt_pct(row['value'])} av innbyggerne var 80 år eller eldre 1. januar {int(row['year'])}"
            f"{persons}{_level_comparison(row, fmt_pct)}.")


def children_sentence(data) -> str | None:
    now = data.row("antall_0_5")
    young = data.row("antall_6_15")
    if _is_missing(now) or _is_missing(young):
        return None
    y = int(now["year"])
    before = data.row("antall_0_5", y - 5)
    text = (f"Det bodde {fmt_int(now['value'])} barn i alderen 0–5 år og {fmt_int(young['value'])} i alderen "
            f"6–15 år i kommunen 1. januar {y}")
    if not _is_missing(before):
        text += f"; fem år før var det {fmt_int(before['value'])} barn 0–5 år"
    return text + "."


def flows_sentence(data) -> str | None:
    """Natural increase and net migration, pooled over three years (single years are too noisy)."""
    nat, mig = data.row("fodselsoverskudd_3ar"), data.row("nettoinnflytting_3ar")
    if _is_missing(nat) or _is_missing(mig):
        return None
    y1 = int(nat["year"])
    n, m = float(nat["value"]), float(mig["value"])
    if n < 0:
        births = f" ({fmt_int(-n)} flere døde enn fødte)"
    elif n > 0:
        births = f" ({fmt_int(n)} flere fødte enn døde)"
    else:
        births = " (like mange fødte som døde)"
    text = (f"I årene {y1 - 2}–{y1} var fødselsoverskuddet {fmt_int(n)}{births} og nettoinnflyttingen "
            f"{fmt_int(m)}")
    weak = [label for label, row in (("fødselsoverskudd", nat), ("nettoinnflytting", mig))
            if row.get("robustness") == TOO_FEW]
    if len(weak) == 1:
        text += f"; tallet for {weak[0]} er så lite at det kan skyldes tilfeldigheter"
    elif weak:
        text += f"; tallene for {' og '.join(weak)} er så små at de kan skyldes tilfeldigheter"
    return text + "."


def sex_balance_sentence(data) -> str | None:
    row = data.row("kvinner_per_100_menn_20_39")
    if _is_missing(row):
        return None
    return (f"Det var {fmt_number(row['value'], 0)} kvinner per 100 menn i alderen 20–39 år"
            f"{_level_comparison(row, lambda v: fmt_number(v, 0))}.")


def projection_sentence(data, target: int = 2040) -> str | None:
    row, pct = data.row(f"framskrevet_{target}"), data.row(f"framskrevet_{target}_pst")
    if _is_missing(row) or _is_missing(pct):
        return None
    after = ", publisert etter rapportåret" if PROJECTION_VINTAGE_YEAR > data.year else ""
    more = "flere" if pct["value"] > 0 else "færre"
    return (f"SSBs hovedalternativ (framskrivingene fra {PROJECTION_VINTAGE_YEAR}{after}) gir "
            f"{fmt_int(row['value'])} innbyggere i {target}, {fmt_pct(abs(pct['value']))} {more} enn i "
            f"{data.year}; for små kommuner er slike framskrivinger usikre.")


def income_sentence(data) -> str | None:
    row = data.row("medianinntekt")
    if _is_missing(row):
        return None
    text = (f"Medianinntekten etter skatt for husholdningene var {fmt_kroner(row['value'])} i "
            f"{int(row['year'])}")
    if not pd.isna(row.get("small_median")):
        text += f" (medianen for {row['small_group']}: {fmt_kroner(row['small_median'])})"
    return text + "."


SENTENCES = (population_sentence, change_sentence, elderly_sentence, children_sentence, flows_sentence,
             sex_balance_sentence, projection_sentence, income_sentence)


def hovedtrekk(data, limit: int = 8) -> list[str]:
    """5–8 sentences with the numbers that matter most (fewer only if the data lacks them)."""
    out = []
    for make in SENTENCES:
        sentence = make(data)
        if sentence:
            out.append(sentence)
    return out[:limit]


# -- Hva betyr dette for planstrategien? -------------------------------------------------------------------


def _decline_challenge(data) -> str | None:
    row = data.row("endring_10ar_pst")
    if _is_missing(row) or row.get("robustness") == TOO_FEW:
        return None
    v = float(row["value"])
    if v >= 0:
        return None
    vs = (" – en tydelig større nedgang enn i landet" if row.get("vs_country") == LOWER else "")
    return (f"<strong>Færre innbyggere.</strong> Folketallet gikk ned med {fmt_pct(-v)} på ti år "
            f"({int(row['year']) - 10}–{int(row['year'])}){vs}. Planstrategien bør drøfte hvordan tjenester, "
            "bygg og økonomi kan tilpasses et lavere folketall, og hva kommunen kan gjøre for å bli mer "
            "attraktiv for bosetting.")


def _ageing_challenge(data) -> str | None:
    row = data.row("andel_80_pluss")
    if _is_missing(row) or row.get("vs_country") != HIGHER:
        return None
    ratio = data.row("eldrebrok")
    extra = (f" Det er {fmt_number(ratio['value'], 1)} personer 80+ per 100 i alderen 20–66 år."
             if not _is_missing(ratio) else "")
    return (f"<strong>Flere eldre.</strong> Andelen 80 år og eldre ({fmt_pct(row['value'])}) er tydelig "
            f"høyere enn i landet.{extra} Det tyder på økende behov for helse- og omsorgstjenester, "
            "tilpassede boliger og rekruttering av fagfolk.")


def _children_challenge(data) -> str | None:
    rows = [data.row("andel_0_5"), data.row("andel_6_15")]
    low = [r for r in rows if not _is_missing(r) and r.get("vs_country") == LOWER]
    if not low:
        return None
    groups = " og ".join("0–5 år" if r["indicator"] == "andel_0_5" else "6–15 år" for r in low)
    return (f"<strong>Få barn.</strong> Andelen barn {groups} er tydelig lavere enn i landet. Det kan få "
            "betydning for barnehage- og skolestruktur; følg tallene år for år, siden små kull svinger mye.")


def _flows_challenge(data) -> str | None:
    nat, mig = data.row("fodselsoverskudd_3ar"), data.row("nettoinnflytting_3ar")
    if _is_missing(nat) or _is_missing(mig):
        return None
    if nat.get("robustness") == TOO_FEW and mig.get("robustness") == TOO_FEW:
        return ("<strong>Fødsler og flytting.</strong> Tallene for fødselsoverskudd og flytting de siste tre "
                "årene er for små til å si noe sikkert om retningen.")
    parts = []
    if nat["value"] < 0 and nat.get("robustness") != TOO_FEW:
        parts.append("døde det flere enn det ble født; uten innflytting går folketallet ned")
    if mig["value"] > 0 and mig.get("robustness") != TOO_FEW:
        parts.append("flyttet det flere inn enn ut; det kan være viktig å beholde dem som flytter til "
                     "(bolig, arbeid, inkludering)")
    if mig["value"] < 0 and mig.get("robustness") != TOO_FEW:
        parts.append("flyttet det flere ut enn inn; årsakene bør undersøkes (arbeid, bolig, utdanning)")
    if not parts:
        return None
    return "<strong>Fødsler og flytting.</strong> De siste tre årene " + "; ".join(parts) + "."


def _gender_challenge(data) -> str | None:
    row = data.row("kvinner_per_100_menn_20_39")
    if _is_missing(row) or row.get("vs_country") != LOWER:
        return None
    return (f"<strong>Få unge kvinner.</strong> Det er {fmt_number(row['value'], 0)} kvinner per 100 menn i "
            "alderen 20–39 år, tydelig lavere enn i landet. Det kan påvirke fødselstallene og "
            "rekrutteringen til yrker der mange kvinner arbeider.")


def _projection_challenge(data) -> str | None:
    pct = data.row("framskrevet_2040_pst")
    if _is_missing(pct):
        return None
    direction = "vekst" if pct["value"] > 0 else "nedgang"
    return (f"<strong>Framtidig folketall.</strong> SSBs hovedalternativ viser {direction} til 2040 "
            f"({fmt_pct(pct['value'], signed=True)}). Framskrivinger treffer dårligst i små kommuner, så "
            "planene bør tåle både lavere og høyere folketall enn hovedalternativet.")


CHALLENGES = (_decline_challenge, _ageing_challenge, _children_challenge, _flows_challenge,
              _gender_challenge, _projection_challenge)

CLOSING = ("Tallene i en liten kommune svinger mye fra år til år. Utfordringene over bygger bare på "
           "forskjeller "
           "som er større enn tilfeldighetene; de bør drøftes sammen med lokal kunnskap, og "
           "kunnskapsgrunnlaget bør oppdateres hvert år.")


def utfordringer(data) -> list[str]:
    """Challenges the figures point to, carefully worded (HTML snippets with a bold lead-in)."""
    return [text for make in CHALLENGES if (text := make(data))]


def centrality_sentence(data) -> str | None:
    cls, idx = data.row("sentralitetsklasse"), data.row("sentralitetsindeks")
    if _is_missing(cls):
        return None
    c = int(cls["value"])
    text = (f"{data.name} er i SSBs sentralitetsklasse {c} (1 er mest sentral, 6 minst sentral; standarden "
            "fra 2020, som bygger på reisetid til arbeidsplasser og servicefunksjoner)")
    if not _is_missing(idx):
        text += f", med sentralitetsindeks {fmt_int(idx['value'])} på en skala fra 0 til 1000"
    return text + "."


# -- HTML -------------------------------------------------------------------------------------------------


def heading_html(data) -> str:
    """Title block: municipality, county, report year and what "as of" means."""
    return (f'<h1>Kunnskapsgrunnlag for planstrategi: {html.escape(data.name)} {data.year}</h1>'
            f'<p class="lead">{html.escape(data.name)} kommune ({data.kommunenr}), '
            f'{html.escape(data.county_name)}. Tallene viser bildet slik det var i {data.year}: '
            'folketall per '
            f'1. januar {data.year}, fødsler, flytting, inntekt og kommuneregnskap for årene før. Tallene er '
            "fra Statistisk sentralbyrå (SSB), inntektssystemet fra Kommunal- og distriktsdepartementet "
            "(KDD); se Datagrunnlag og kilder nederst.</p>")


def hovedtrekk_html(data) -> str:
    items = "".join(f"<li>{html.escape(s)}</li>" for s in hovedtrekk(data))
    items += economy_text.hovedtrekk_items_html(data)
    return f'<div class="callout"><ul>{items}</ul></div>'


def centrality_html(data) -> str:
    sentence = centrality_sentence(data)
    return f"<p>{html.escape(sentence)}</p>" if sentence else ""


def utfordringer_html(data) -> str:
    items = utfordringer(data)
    body = ("".join(f"<li>{s}</li>" for s in items) if items else
            "<li>Tallene viser ingen forskjeller fra landet som er store nok til å skille seg fra "
            "tilfeldigheter.</li>")
    return f'<ul>{body}</ul><p class="note">{html.escape(CLOSING)}</p>'


# -- what changed since last year's report -----------------------------------------------------------------

CHANGE_IDS = ("folkemengde", "antall_0_5", "antall_6_15", "antall_80_pluss", "andel_80_pluss", "medianalder",
              "fodselsoverskudd_3ar_per_1000", "nettoinnflytting_3ar_per_1000", "medianinntekt",
              "sysselsatte_per_100")
CHANGE_NB = {HIGHER: "tydelig økning", LOWER: "tydelig nedgang", NO_CLEAR: "innenfor tilfeldig variasjon"}


def _noise(fact, measure: str) -> float:
    """Standard error of a value; for a register count the Poisson error √count (as `factbase.changes`)."""
    se = fact.get("se")
    if pd.isna(se) and measure == "count" and not pd.isna(fact.get("count")):
        return float(fact["count"]) ** 0.5
    return float(se) if not pd.isna(se) else float("nan")


def changes_since_previous(data) -> list[dict]:
    """Key figures now and one year earlier (the year last year's report showed, in today's SSB figures),
    with the robustness verdict on the change.

    Rows: indicator, title, unit, decimals, before_year, before, now_year, now, verdict."""
    from samfunn_data.facts import indicators, robustness

    rows = []
    for ind_id in CHANGE_IDS:
        ind = indicators.CATALOGUE.get(ind_id)
        now = data.fact(ind_id)
        if ind is None or now is None:
            continue
        before = data.fact(ind_id, int(now["year"]) - 1)
        if before is None:
            continue
        verdict = robustness.differs(now["value"], before["value"], _noise(now, ind.measure),
                                     _noise(before, ind.measure))
        rows.append({"indicator": ind_id, "title": ind.title, "unit": ind.unit, "decimals": ind.decimals,
                     "before_year": int(before["year"]), "before": float(before["value"]),
                     "now_year": int(now["year"]), "now": float(now["value"]), "verdict": str(verdict)})
    return rows


def changes_html(data) -> str:
    from samfunn_data.formatting import fmt_value

    rows = changes_since_previous(data)
    if not rows:
        return ""
    body = "".join(
        f'<tr><th scope="row">{html.escape(r["title"])}</th>'
        f'<td class="num">{html.escape(fmt_value(r["before"], r["unit"], r["decimals"]))} '
        f'({r["before_year"]})</td>'
        f'<td class="num">{html.escape(fmt_value(r["now"], r["unit"], r["decimals"]))} ({r["now_year"]})</td>'
        f'<td class="grade">{html.escape(CHANGE_NB.get(r["verdict"], "kan ikke vurderes"))}</td></tr>'
        for r in rows)
    head = ('<tr><th scope="col">Indikator</th><th scope="col" class="num">Året før</th>'
            '<th scope="col" class="num">Nå</th><th scope="col">Vurdering</th></tr>')
    return (f"<h3>Endringer siden rapporten for {data.year - 1}</h3>"
            f"<table><thead>{head}</thead><tbody>{body}</tbody></table>"
            '<p class="note">«Tydelig» betyr at endringen er større enn tilfeldig variasjon kan forklare; '
            "«kan ikke vurderes» betyr at dataene ikke sier hvor mye tallet svinger (for eksempel "
            "medianinntekt). Begge årene er SSBs tall slik de er nå.</p>")
