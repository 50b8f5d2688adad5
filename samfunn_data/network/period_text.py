"""The overview's opening and «Før og under nettverksperioden» in bokmål, every figure as a claim.

Group sizes, each unit's change per year before and during the network period, the participants'
difference against the comparison group, natural increase and net migration during the period, and the
small numbers behind them are `claims.Claim` records rendered through the overview's `ClaimLog`. Figures
computed here for one sentence name a derived id (`facts.indicators.DERIVED`) as their indicator. Method
text (how the periods are counted, what the rule is) stays plain Markdown outside the claim sections.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.facts import claims as C
from samfunn_data.facts.municipalities import SMALL_LIMIT
from samfunn_data.facts.robustness import TOO_FEW, differs, grade
from samfunn_data.formatting import MISSING, fmt_int, fmt_number, fmt_pct
from samfunn_data.network.analysis import GROUP_LABELS, PARTICIPANTS, SMALL_NORWAY, group_codes
from samfunn_data.network.text import GROUP_COMPARATOR, claims_html, lower_first, shown

# One unit over time: the robustness rule's verdict on "during" against "before", as a change.
OVER_TIME = {"higher": C.INCREASE, "lower": C.DECREASE, "no clear difference": C.NO_CLEAR_CHANGE,
             "unavailable": C.UNAVAILABLE}
CHANGE_WORDS = {C.INCREASE: "altså tydelig høyere vekst under enn før",
                C.DECREASE: "altså tydelig lavere vekst under enn før",
                C.NO_CLEAR_CHANGE: "ingen klar endring (forskjellen er innenfor det tilfeldige svingninger "
                                   "kan gi)",
                C.UNAVAILABLE: "for få år til å vurdere forskjellen"}
BETWEEN_WORDS = {C.HIGHER: "endringen var tydelig mer positiv for deltakerne, mer enn tilfeldige svingninger "
                           "forklarer",
                 C.LOWER: "endringen var tydelig mer negativ for deltakerne, mer enn tilfeldige svingninger "
                          "forklarer",
                 C.NO_CLEAR_DIFFERENCE: "ingen klar forskjell mellom deltakerne og gruppen (forskjellen er "
                                        "innenfor det tilfeldige svingninger kan forklare)",
                 C.UNAVAILABLE: "forskjellen kan ikke vurderes med disse dataene"}
FLOW_LABEL = {"fodselsoverskudd": "Fødselsoverskuddet (levendefødte minus døde)",
              "nettoinnflytting": "Nettoinnflyttingen (innflyttinger minus utflyttinger)"}
_NUMBER_WORDS = {1: "ett", 2: "to", 3: "tre", 4: "fire", 5: "fem", 6: "seks", 7: "sju", 8: "åtte", 9: "ni",
                 10: "ti"}


def _claim(section, text, indicator, unit, year, value, verdict=C.UNAVAILABLE, through=None, **comparator):
    fields = {"comparator": None, "comparator_value": None, "comparator_n": None, **comparator}
    return C.Claim(section, text, indicator, str(unit), int(year), value, verdict=verdict,
                   data_through=int(through if through is not None else year), **fields)


def _years(n: int) -> str:
    """A period's length in words, as running bokmål text writes small numbers."""
    return _NUMBER_WORDS.get(n, fmt_int(n))


def intro(panel_df: pd.DataFrame, reference_year: int, comparison: str, years,
          log: C.ClaimLog | None = None) -> str:
    """Opening: who is compared with whom (each group's size a claim), and how the groups were formed."""
    participants = panel_df.loc[panel_df["deltaker"]].drop_duplicates("kommunenr")
    names = ", ".join(f"{r.navn} ({r.kommunenr})" for r in participants.itertuples())
    first, last = int(panel_df["year"].min()), int(panel_df["year"].max())
    limit = fmt_int(SMALL_LIMIT)
    made = []
    for group in dict.fromkeys((comparison, SMALL_NORWAY)):
        n = len(group_codes(panel_df, group))
        which = " (deltakerne medregnet)" if group == SMALL_NORWAY else ""
        text = (f"{GROUP_LABELS[group]}{which}: {fmt_int(n)} kommuner med under {limit} innbyggere "
                f"1. januar {reference_year}.")
        made.append(_claim("grupper", text, "antall_kommuner", group, reference_year, float(n)))
    return (
        f"Deltakerne i læringsnettverket (2020–2023) er {names}. De sammenlignes med disse gruppene, og med "
        f"Nordland, Trøndelag og hele landet, for årene {first}–{last}:\n\n"
        + claims_html(log, "grupper", made) + "\n\n"
        f"Gruppene er satt sammen etter folketallet 1. januar {reference_year} og holdes faste over tid, "
        f"så en kurve ikke hopper fordi en kommune går over eller under {limit}. En kommune er «liten» når "
        f"den hadde under {limit} innbyggere den datoen. Tall fra tabeller som bare dekker Nordland og "
        "Trøndelag (fødselsoverskudd, nettoinnflytting, inntekt, sysselsetting, utdanning) finnes ikke for "
        "små kommuner i resten av landet; der mangler gruppen «alle små i Norge»."
    )


def _row(bd: pd.DataFrame, key: str) -> pd.Series | None:
    rows = bd[bd["enhet"] == key]
    return None if rows.empty else rows.iloc[0]


def _unit_claim(row, through: int) -> C.Claim | None:
    """One unit's change per year during against before (one unit over time: comparator None)."""
    before, during = row["annual_for"], row["annual_under"]
    if pd.isna(before) and pd.isna(during):
        return None
    pct = {tag: fmt_pct(row[f"annual_{tag}"], 2, signed=True) for tag in ("for", "under")}
    if pd.isna(before) or pd.isna(during):
        when, have, value = ("før", "under", during) if pd.isna(before) else ("under", "før", before)
        text = (f"{row['navn']}: {pct['under' if have == 'under' else 'for']} per år {have}; tall for {when} "
                "mangler i dataene, så endringen kan ikke vurderes.")
        return _claim("foer_under", text, "endring_per_ar_pst", row["enhet"], through, shown(value),
                      through=through)
    verdict = OVER_TIME[str(row["vurdering"])]
    text = f"{row['navn']}: {pct['for']} per år før og {pct['under']} per år under, {CHANGE_WORDS[verdict]}."
    return _claim("foer_under", text, "endring_per_ar_pst", row["enhet"], through, shown(during), verdict,
                  through, comparator_value=shown(before))


def _between_claim(bd: pd.DataFrame, through: int) -> C.Claim | None:
    """The participants' change from before to during against the comparison group's (n: members summed)."""
    comparison = bd.attrs["comparison"]
    p, c = _row(bd, PARTICIPANTS), _row(bd, comparison)
    if p is None or c is None:
        return None
    verdict = str(differs(p["forskjell_pp"], c["forskjell_pp"], np.hypot(p["se_for"], p["se_under"]),
                          np.hypot(c["se_for"], c["se_under"])))
    n = int(c["kommuner"])

    def pp(value):
        return MISSING if pd.isna(value) else fmt_number(value, 2, signed=True) + " prosentpoeng"

    text = (f"Fra før til under endret befolkningsendringen per år seg med {pp(p['forskjell_pp'])} for "
            f"deltakerne og {pp(c['forskjell_pp'])} for {lower_first(GROUP_LABELS[comparison])} (n = {n}): "
            f"{BETWEEN_WORDS[verdict]}.")
    return _claim("foer_under", text, "endring_per_ar_pst_forskjell", PARTICIPANTS, through,
                  shown(p["forskjell_pp"]), verdict, through, comparator=GROUP_COMPARATOR[comparison],
                  comparator_value=shown(c["forskjell_pp"]), comparator_n=n)


def before_during_text(bd: pd.DataFrame, panel_df: pd.DataFrame, log: C.ClaimLog | None = None) -> str:
    """The before/during comparison in plain bokmål, with numbers and what noise allows us to say.

    Each unit's line is a claim (`endring_per_ar_pst`: value the mean yearly change during, comparator
    value the one before, verdict the change rule's), and so is the participants' difference against the
    comparison group (`endring_per_ar_pst_forskjell`, comparator that group with its n). Year and
    data_through: 1 January after the period's last year, where the change ends."""
    before = tuple(int(x) for x in bd.attrs["before"].split("–"))
    during = tuple(int(x) for x in bd.attrs["during"].split("–"))
    through = during[1] + 1
    made = [c for key in (PARTICIPANTS, bd.attrs["comparison"], "18", "50", "0")
            if (row := _row(bd, key)) is not None and (c := _unit_claim(row, through))]
    if (between := _between_claim(bd, through)) is not None:
        made.append(between)
    parts = [
        f"Befolkningsendringen regnes fra 1. januar i periodens første år til 1. januar året etter siste år: "
        f"**før** = {before[0]}–{before[1]}, **under** = {during[0]}–{during[1]}. «Per år» er snittet av de "
        "årlige endringene i prosent. Antall personer står i tabellen under.",
        claims_html(log, "foer_under", made),
        _components_text(bd, panel_df, before, during, log),
        _uncertainty_text(panel_df, during[0], (before[1] - before[0] + 1, during[1] - during[0] + 1), log),
    ]
    return "\n\n".join(x for x in parts if x)


def _flow_claims(row, flow: str, during: tuple[int, int]) -> list[C.Claim]:
    """A flow summed over the period (graded by the pooled count) and per 1000 inhabitants per year."""
    total, person_years = row[f"{flow}_under"], row["middel_under"]
    if pd.isna(total):
        return []
    first, last = during
    too_few = grade(abs(total), "net", pooled_years=last - first + 1) == TOO_FEW
    unit = lower_first(str(row["navn"]))
    text = f"{FLOW_LABEL[flow]} for {unit} var {fmt_int(total, signed=True)} personer i {first}–{last}"
    text += "; tallet er for lite til å tolkes alene." if too_few else "."
    made = [_claim("komponenter", text, f"{flow}_periode", row["enhet"], last, float(total),
                   C.TOO_FEW if too_few else C.UNAVAILABLE)]
    if not too_few and person_years > 0:
        rate = total / person_years * 1000
        made.append(_claim("komponenter", f"Det tilsvarer {fmt_number(rate, 1, signed=True)} per 1 000 "
                                          "innbyggere per år.", f"{flow}_periode_per_1000", row["enhet"],
                           last, shown(rate, 1), through=last + 1))  # mean population to 1 January after
    return made


def _components_text(bd, panel_df, before, during, log: C.ClaimLog | None) -> str:
    from samfunn_data.network.analysis import component_coverage

    first, last = component_coverage(panel_df)
    if first is None:
        return ("Fødselsoverskudd og nettoinnflytting finnes ikke i dataene, så endringen kan ikke deles i "
                "komponenter.")
    text = (f"Fødselsoverskudd og nettoinnflytting finnes i dataene for {first}–{last} (SSB-tabell 06913, "
            "bare Nordland og Trøndelag). ")
    for a, b in (before, during):
        if a < first or b > last:
            text += (f"For perioden {a}–{b} mangler komponentene for {a}–{min(b, first - 1)}"
                     if a < first else f"For perioden {a}–{b} mangler komponentene etter {last}")
            text += ", så der kan vi bare sammenligne den samlede befolkningsendringen. "
    log = log if log is not None else C.ClaimLog()
    items = []
    for key in (PARTICIPANTS, bd.attrs.get("comparison")):
        row = _row(bd, key)
        made = [] if row is None else [*_flow_claims(row, "fodselsoverskudd", during),
                                       *_flow_claims(row, "nettoinnflytting", during)]
        if made:
            items.append("<li>" + " ".join(log.html(c, tag="span") for c in made) + "</li>")
    listed = f'<ul data-claims-section="komponenter">{"".join(items)}</ul>' if items else ""
    return text.rstrip() + ("\n\n" + listed if listed else "")


def _uncertainty_text(panel_df: pd.DataFrame, year: int, lengths: tuple[int, int],
                      log: C.ClaimLog | None) -> str:
    pop = panel_df[(panel_df["indicator"] == "folkemengde") & (panel_df["year"] == year)
                   & panel_df["deltaker"] & panel_df["value"].notna()]
    if pop.empty:
        return ""
    smallest = pop.loc[pop["value"].idxmin()]
    name, code, value = smallest["navn"], str(smallest["kommunenr"]), float(smallest["value"])
    family = 4 / value * 100
    total = float(pop["value"].sum())
    made = [
        _claim("sma_tall", f"Deltakerne hadde til sammen {fmt_int(total)} innbyggere 1. januar {year}.",
               "folkemengde", PARTICIPANTS, year, total),
        _claim("sma_tall", f"Den minste deltakeren, {name}, hadde {fmt_int(value)} innbyggere.",
               "folkemengde", code, year, value),
        _claim("sma_tall", f"Flytter én familie på fire fra {name}, er det {fmt_pct(family, 1)} av "
                           "folketallet.", "fire_personer_pst", code, year, shown(family, 1)),
    ]
    log = log if log is not None else C.ClaimLog()
    spans = " ".join(log.html(c, tag="span") for c in made)
    return (
        f'**Små tall.** <span data-claims-section="sma_tall">{spans}</span> De årlige endringene i '
        "enkeltkommuner svinger derfor mye av tilfeldige grunner. Vurderingen over sammenligner "
        "forskjellen mellom periodene med kommunenes egne år-til-år-svingninger (95 %-nivå, regelen i "
        f"faktagrunnlaget for nettotall). Med bare {_years(lengths[0])} og {_years(lengths[1])} år i "
        "periodene er også det anslaget usikkert, så «ingen klar endring» betyr at forskjellen er innenfor "
        "det tilfeldige svingninger kan gi, ikke at det ikke var noen endring.\n\n"
        "**Beskrivende, ikke årsak.** Kommunene søkte seg inn i nettverket og ble valgt ut; de ble ikke "
        "trukket tilfeldig, og mye annet skjedde i de samme årene (blant annet koronapandemien). "
        "En forskjell mellom deltakere og sammenligningskommuner viser ikke at nettverket var årsaken."
    )
