""""Hva betyr dette for planstrategien?": bullets made only from claims that pass the robustness rule.

A bullet is a list of claims (`facts.claims.Claim`); its first claim's text starts with a bold lead-in
(`Bullet.lead`). A bullet appears only when its main claim's verdict says what the lead-in says (a clear
decline over ten years, a share clearly above or below the country's, a net figure clearly below or above
zero) and its value is graded solid: the rule shows "indicative" values but builds nothing on them
alone. Advice stays in the claim whose numbers it rests on, and causal wording ("tyder på økende
behov") appears only with a verdict behind it (the count of 80+ clearly rose).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from samfunn_data.facts import claims as C
from samfunn_data.facts import robustness
from samfunn_data.formatting import fmt_int, fmt_number, fmt_pct
from samfunn_data.reports import findings as F

SECTION = "planstrategi"


@dataclass(frozen=True)
class Bullet:
    lead: str
    claims: tuple[C.Claim, ...]


def _solid(row) -> bool:
    """The grade that may carry a conclusion: "indicative" values are shown, never built on alone."""
    return not F.missing(row) and row.get("robustness") == robustness.SOLID


def _bullet(lead: str, *claims: C.Claim | None) -> Bullet:
    return Bullet(lead, tuple(c for c in claims if c is not None))


def decline(data) -> Bullet | None:
    """Ten-year decline, clearly beyond the municipality's own year-to-year swings."""
    row, fact = data.row("endring_10ar_pst"), data.fact("endring_10ar_pst")
    if not _solid(row) or fact is None:
        return None
    value, y1 = float(row["value"]), int(row["year"])
    if pd.isna(fact.get("se")) or robustness.differs(value, 0.0, float(fact["se"]), float("nan")) != C.LOWER:
        return None
    lead = "Nedgang i folketallet."
    main = F.claim(data, SECTION,
                   f"{lead} Folketallet gikk ned med {fmt_pct(-value)} på ti år ({y1 - 10}–{y1}), en tydelig "
                   "nedgang. Planstrategien bør drøfte hvordan tjenester, bygg og økonomi kan tilpasses "
                   "nedgangen, og hva kommunen kan gjøre for å trekke til seg nye innbyggere.",
                   "endring_10ar_pst", y1, value, C.DECREASE, None, 0.0)
    land, verdict = F.to_float(row.get("country_value")), F.country_verdict(row)
    country = None
    if land is not None:
        text = F.country_change(land) + " i samme tiår"
        if verdict == C.NO_CLEAR_DIFFERENCE:
            text += "; forskjellen fra landet ligger innenfor vanlige svingninger fra år til år"
        country = F.claim(data, SECTION, text + ".", "endring_10ar_pst", y1, value, verdict, C.COUNTRY, land)
    return _bullet(lead, main, country)


def ageing(data) -> Bullet | None:
    """A share of 80+ clearly above the country's; the count's own trend decides any word about growth."""
    row = data.row("andel_80_pluss")
    if not _solid(row) or F.country_verdict(row) != C.HIGHER:
        return None
    lead = "Mange eldre."
    main = F.claim(data, SECTION,
                   f"{lead} Andelen 80 år og eldre ({fmt_pct(row['value'])}) er høyere enn i landet "
                   f"({fmt_pct(row['country_value'])}). Planstrategien bør drøfte helse- og "
                   "omsorgstjenester, tilpassede boliger og rekruttering av fagfolk.",
                   "andel_80_pluss", int(row["year"]), row["value"], C.HIGHER, C.COUNTRY,
                   row["country_value"])
    y1 = int(row["year"])
    verdict, before, now = F.change_verdict(data, "antall_80_pluss", y1 - 5, y1)
    trend = None
    if before is not None and now is not None:
        if verdict == C.INCREASE:
            text = (f"Antallet 80 år og eldre økte tydelig, fra {fmt_int(before)} i {y1 - 5} til "
                    f"{fmt_int(now)} i {y1}; det tyder på økende behov for slike tjenester.")
        elif verdict == C.DECREASE:
            text = (f"Antallet 80 år og eldre gikk tydelig ned, fra {fmt_int(before)} i {y1 - 5} til "
                    f"{fmt_int(now)} i {y1}.")
        else:
            text = (f"Antallet 80 år og eldre var {fmt_int(now)} i {y1} mot {fmt_int(before)} i {y1 - 5}"
                    f"{F.CHANGE_WORDS[verdict] or ''}.")
        trend = F.claim(data, SECTION, text, "antall_80_pluss", y1, now, verdict, None, before)
    return _bullet(lead, main, trend)


SERVICES = {"andel_0_5": ("0–5 år", "barnehagetilbudet"), "andel_6_15": ("6–15 år", "skolestrukturen")}


def children(data) -> Bullet | None:
    """Only the age group whose share is clearly below the country's, and only its own service."""
    lead = "Lav andel barn."
    made = []
    for indicator, (ages, service) in SERVICES.items():
        row = data.row(indicator)
        if not _solid(row) or F.country_verdict(row) != C.LOWER:
            continue
        prefix = f"{lead} " if not made else ""
        made.append((indicator, row, f"{prefix}Andelen barn {ages} ({fmt_pct(row['value'])}) er lavere enn i "
                                     f"landet ({fmt_pct(row['country_value'])}); det kan få betydning for "
                                     f"{service}."))
    if not made:
        return None
    out = []
    for i, (indicator, row, text) in enumerate(made):
        if i == len(made) - 1:
            text += " Følg tallene år for år, siden små kull svinger mye."
        out.append(F.claim(data, SECTION, text, indicator, int(row["year"]), row["value"], C.LOWER, C.COUNTRY,
                           row["country_value"]))
    return _bullet(lead, *out)


FLOW_BULLETS = {
    ("fodselsoverskudd", C.LOWER): ("Flere døde enn fødte.", "døde det tydelig flere enn det ble født",
                                    "Uten innflytting vil folketallet da gå ned."),
    ("nettoinnflytting", C.LOWER): ("Utflytting.", "flyttet det tydelig flere ut enn inn",
                                    "Planstrategien bør drøfte hva som kan få folk til å bli eller flytte "
                                    "hit (arbeid, bolig, utdanning)."),
    ("nettoinnflytting", C.HIGHER): ("Tilflytting.", "flyttet det tydelig flere inn enn ut",
                                     "Det kan være viktig å beholde dem som flytter til (bolig, arbeid, "
                                     "inkludering)."),
}


def flows(data) -> list[Bullet]:
    """Natural increase or net migration over three years, only where clearly below (or above) zero."""
    out = []
    for flow_id in ("fodselsoverskudd", "nettoinnflytting"):
        row = data.row(f"{flow_id}_3ar")
        if not _solid(row):
            continue
        verdict = F.sign_verdict(data, f"{flow_id}_3ar_per_1000", row)
        words = FLOW_BULLETS.get((flow_id, verdict))
        if words is None:
            continue
        lead, what, advice = words
        y1, value = int(row["year"]), float(row["value"])
        label = "fødselsoverskudd" if flow_id == "fodselsoverskudd" else "nettoinnflytting"
        text = f"{lead} I årene {y1 - 2}–{y1} {what} ({label} {fmt_int(value)}). {advice}"
        made = F.claim(data, SECTION, text, f"{flow_id}_3ar", y1, value, verdict, None, 0.0)
        out.append(_bullet(lead, made))
    return out


def gender(data) -> Bullet | None:
    row = data.row("kvinner_per_100_menn_20_39")
    if not _solid(row) or F.country_verdict(row) != C.LOWER:
        return None
    lead = "Få unge kvinner."
    text = (f"{lead} Det er {fmt_number(row['value'], 1)} kvinner per 100 menn i alderen 20–39 år, lavere "
            f"enn i landet ({fmt_number(row['country_value'], 1)}). Det kan påvirke fødselstallene og "
            "rekrutteringen til yrker der mange kvinner arbeider.")
    return _bullet(lead, F.claim(data, SECTION, text, "kvinner_per_100_menn_20_39", int(row["year"]),
                                 row["value"], C.LOWER, C.COUNTRY, row["country_value"]))


def projection(data) -> Bullet | None:
    lead = "Framtidig folketall."
    made = F.projection(data, SECTION, lead=f"{lead} ")
    if made is None:
        return None
    advice = (" Framskrivinger treffer dårligst i små kommuner, så planene bør tåle et folketall både under "
              "og over hovedalternativet." if data.year >= F.PROJECTION_VINTAGE_YEAR else "")
    return _bullet(lead, C.Claim(**{**made.to_json(), "text": made.text + advice}))


def bullets(data) -> list[Bullet]:
    """The planning bullets the figures support, in a fixed order."""
    made = [decline(data), ageing(data), children(data), *flows(data), gender(data), projection(data)]
    return [b for b in made if b is not None and b.claims]
