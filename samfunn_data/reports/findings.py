"""Hovedtrekk and the centrality sentence as claims (`facts.claims.Claim`): numbers, test and words.

Each maker takes a `report_data.ReportData` (only what was known in the report year, spreads re-estimated
from those years) and returns a `Claim` or None when the data lacks its figures. The words never say more
than the verdict: "høyere"/"lavere"/"flere"/"færre" only with a verdict that says so, direction words
("økte", "gikk ned") from the sign of the value, and nothing but the count when a value rests on too few
people. Verdicts:

- between units: the comparison row's ``vs_country`` (the robustness rule), "too few" when the value's grade
  is "too few";
- over time: `change_verdict` (the changes rule: the unit's own year-to-year swings in the visible years);
- the sign of a net figure: its three-year rate against zero with its as-of spread (`sign_verdict`).

A sentence that compares nothing has comparator None and verdict "unavailable" (no test was made). When
the comparator is None but a test was made, ``comparator_value`` is what the value was tested against (0 for
the sign of a net figure, the earlier value for a change over time).
"""

from __future__ import annotations

import math

import pandas as pd

from samfunn_data.facts import claims as C
from samfunn_data.facts import indicators, robustness
from samfunn_data.facts.indicators import PROJECTION_VINTAGE_YEAR, PROJECTION_YEARS
from samfunn_data.formatting import fmt_int, fmt_kroner, fmt_pct, fmt_value, shown_sign

HOVEDTREKK, CENTRALITY = "hovedtrekk", "sentralitet"
# not "the numbers are too small": a value graded solid can still differ by no more than chance explains
NOT_CLEAR = "forskjellen kan skyldes tilfeldig variasjon"
FIRST_PROJECTION_ROUND = 2016  # SSB has published municipal projections every second year since 2016


def projection_in_force(year: int) -> int:
    """The year of the newest SSB projection published by `year` (they come in even years)."""
    return year - (year - FIRST_PROJECTION_ROUND) % 2


def newest_projection(year: int) -> str:
    """Which projection a reader in `year` had: "Den nyeste befolkningsframskrivingen i 2021 var SSBs
    framskriving fra 2020" (one wording for the sentence, the table note, the chart and the gaps)."""
    return (f"Den nyeste befolkningsframskrivingen i {year} var SSBs framskriving fra "
            f"{projection_in_force(year)}")


def missing(row, column: str = "value") -> bool:
    return row is None or pd.isna(row.get(column))


def to_float(value) -> float | None:
    """A float, or None for a missing value."""
    return None if value is None or pd.isna(value) else float(value)


def data_through(indicator: str, year: int) -> int:
    """Latest year of data behind a value: a per-1000 flow also used the population on 1 January after."""
    return year + 1 if indicator.endswith("_per_1000") else year


def claim(data, section: str, text: str, indicator: str, year: int, value, verdict: str,
          comparator: str | None = None, comparator_value=None, comparator_n=None) -> C.Claim:
    """A Claim for `data`'s municipality: values rounded as shown; data_through follows the value's year
    (never after the report year)."""
    return C.Claim(section=section, text=text, indicator=indicator, kommunenr=data.kommunenr, year=int(year),
                   value=C.shown(indicator, to_float(value)), comparator=comparator,
                   comparator_value=C.shown(indicator, to_float(comparator_value)),
                   comparator_n=None if comparator_n is None else int(comparator_n), verdict=verdict,
                   data_through=min(data_through(indicator, int(year)), int(data.year)))


def country_verdict(row) -> str:
    """The row's verdict against the country, or "too few" when the value rests on too few."""
    if row.get("robustness") == robustness.TOO_FEW:
        return C.TOO_FEW
    verdict = row.get("vs_country")
    return verdict if verdict in (C.HIGHER, C.LOWER, C.NO_CLEAR_DIFFERENCE) else C.UNAVAILABLE


def went(value: float) -> str:
    """"økte med" / "gikk ned med" from the sign of the value as shown (one decimal, half up)."""
    if shown_sign(value) > 0:
        return "økte med"
    if shown_sign(value) < 0:
        return "gikk ned med"
    return "var uendret, med en endring på"


def _noise(fact, measure: str) -> float:
    """Standard error of a value; for a register count the Poisson error √count."""
    se = fact.get("se")
    if pd.isna(se) and measure == "count" and not pd.isna(fact.get("count")):
        return float(fact["count"]) ** 0.5
    return float(se) if not pd.isna(se) else float("nan")


def change_verdict(data, indicator: str, y0: int, y1: int) -> tuple[str, float | None, float | None]:
    """Verdict on the change of `indicator` from y0 to y1 (the changes rule, `robustness`): beyond 1.96 ×
    the spread of its one-year changes in the visible years up to y1 × √(y1 − y0); with fewer than four
    one-year changes, the values' standard errors. "too few" when either value is graded too few.

    Returns (verdict, value in y0, value in y1); the values are None when the data lacks them.
    """
    before, now = data.fact(indicator, y0), data.fact(indicator, y1)
    if before is None or now is None:
        return (C.UNAVAILABLE, None if before is None else to_float(before["value"]),
                None if now is None else to_float(now["value"]))
    a, b = float(now["value"]), float(before["value"])
    if robustness.TOO_FEW in (now.get("robustness"), before.get("robustness")):
        return C.TOO_FEW, b, a
    series = data.series_of_facts(indicator)
    series = series[series.index <= y1]
    steps = series.reindex(range(int(series.index.min()), y1 + 1)).diff().dropna()
    if len(steps) >= robustness.MIN_YEARS_FOR_SPREAD:
        verdict = robustness.differs(a, b, float(steps.std(ddof=1)) * math.sqrt(y1 - y0), float("nan"))
    else:
        measure = indicators.CATALOGUE[indicator].measure
        verdict = robustness.differs(a, b, _noise(now, measure), _noise(before, measure))
    over_time = {C.HIGHER: C.INCREASE, C.LOWER: C.DECREASE, C.NO_CLEAR_DIFFERENCE: C.NO_CLEAR_CHANGE}
    return over_time.get(str(verdict), C.UNAVAILABLE), b, a


def sign_verdict(data, rate_indicator: str, count_row) -> str:
    """Whether a pooled net figure is clearly above or below zero: its rate against 0 with the as-of spread;
    "too few" when the count is graded too few, "unavailable" without a spread."""
    if count_row.get("robustness") == robustness.TOO_FEW:
        return C.TOO_FEW
    rate = data.fact(rate_indicator, int(count_row["year"]))
    if rate is None or pd.isna(rate.get("se")):
        return C.UNAVAILABLE
    return str(robustness.differs(float(rate["value"]), 0.0, float(rate["se"]), float("nan")))


# -- Hovedtrekk -------------------------------------------------------------------------------------------


def population(data) -> C.Claim | None:
    row = data.row("folkemengde", data.year)
    if row is None:
        return None
    text = f"{data.name} hadde {fmt_int(row['value'])} innbyggere 1. januar {data.year}."
    return claim(data, HOVEDTREKK, text, "folkemengde", data.year, row["value"], C.UNAVAILABLE)


def country_change(land: float) -> str:
    """Main clause after "I landet": the verb comes second, so the subject moves in."""
    if shown_sign(land) > 0:
        return f"I landet økte folketallet med {fmt_pct(abs(land))}"
    if shown_sign(land) < 0:
        return f"I landet gikk folketallet ned med {fmt_pct(abs(land))}"
    return "I landet var folketallet uendret"


def change(data, indicator: str = "endring_5ar_pst", years: int = 5) -> C.Claim | None:
    """E.g. "Folketallet i Tydal gikk ned med 4,1 % fra 2015 til 2020, mens det økte med 3,9 % i landet." """
    row = data.row(indicator)
    if missing(row):
        return None
    y1 = int(row["year"])
    own, land = float(row["value"]), to_float(row.get("country_value"))
    head = f"Folketallet i {data.name} {went(own)} {fmt_pct(abs(own))} fra {y1 - years} til {y1}"
    verdict = country_verdict(row)
    if land is None:
        verdict, text = C.UNAVAILABLE, head + "."
    elif verdict == C.TOO_FEW:
        persons = int(row["count"])
        if persons == 0:
            text = f"Folketallet i {data.name} var det samme 1. januar {y1} som 1. januar {y1 - years}."
        else:
            noun = "person" if persons == 1 else "personer"
            text = (f"{head}; endringen gjelder bare {fmt_int(persons)} {noun}, for få til å sammenligne med "
                    "landet.")
    elif verdict in (C.HIGHER, C.LOWER) and shown_sign(own) * shown_sign(land) <= 0:
        text = f"{head}, mens det {went(land)} {fmt_pct(abs(land))} i landet."
    elif verdict in (C.HIGHER, C.LOWER):
        stronger = (verdict == C.HIGHER) == (own > 0)  # larger in size: more growth, or a steeper fall
        kind = ("sterkere " if stronger else "svakere ") + ("vekst" if own > 0 else "nedgang")
        text = f"{head}, en tydelig {kind} enn i landet, der det {went(land)} {fmt_pct(abs(land))}."
    elif verdict == C.NO_CLEAR_DIFFERENCE:
        text = (f"{head}. {country_change(land)}; forskjellen ligger innenfor det folketallet i "
                f"{data.name} vanligvis svinger fra år til år.")
    else:
        text = (f"{head}. {country_change(land)}; det er for få år med tall til å si om forskjellen "
                "er reell.")
    return claim(data, HOVEDTREKK, text, indicator, y1, own, verdict, C.COUNTRY if land is not None else None,
                 land)


def level_words(verdict: str, other: float | None, unit_fmt, where: str = "i landet") -> str:
    """The comparison clause for a level (share, ratio) and its verdict."""
    if other is None:
        return ""
    if verdict == C.HIGHER:
        return f", høyere enn {where} ({unit_fmt(other)})"
    if verdict == C.LOWER:
        return f", lavere enn {where} ({unit_fmt(other)})"
    if verdict == C.NO_CLEAR_DIFFERENCE:
        return f", mot {unit_fmt(other)} {where}; {NOT_CLEAR}"
    if verdict == C.TOO_FEW:
        return f"; det er for få personer til å sammenligne med {where.removeprefix('i ')}"
    return f", mot {unit_fmt(other)} {where}"


def _level_claim(data, indicator: str, text_head: str, unit_fmt) -> C.Claim | None:
    row = data.row(indicator)
    if missing(row):
        return None
    verdict, other = country_verdict(row), to_float(row.get("country_value"))
    if other is None and verdict != C.TOO_FEW:
        verdict = C.UNAVAILABLE
    text = f"{text_head}{level_words(verdict, other, unit_fmt)}."
    return claim(data, HOVEDTREKK, text, indicator, int(row["year"]), row["value"], verdict,
                 C.COUNTRY if other is not None else None, other)


def elderly(data) -> C.Claim | None:
    row, count = data.row("andel_80_pluss"), data.row("antall_80_pluss")
    if missing(row):
        return None
    persons = f" ({fmt_int(count['value'])} personer)" if not missing(count) else ""
    head = (f"{fmt_pct(row['value'])} av innbyggerne var 80 år eller eldre 1. januar {int(row['year'])}"
            f"{persons}")
    return _level_claim(data, "andel_80_pluss", head, fmt_pct)


CHANGE_WORDS = {C.INCREASE: ", en tydelig økning", C.DECREASE: ", en tydelig nedgang",
                C.NO_CLEAR_CHANGE: "; endringen er innenfor tilfeldig variasjon",
                C.TOO_FEW: "; tallene er for små til å si om endringen er reell", C.UNAVAILABLE: ""}


def children(data) -> C.Claim | None:
    now, young = data.row("antall_0_5"), data.row("antall_6_15")
    if missing(now) or missing(young):
        return None
    y = int(now["year"])
    text = (f"Det bodde {fmt_int(now['value'])} barn i alderen 0–5 år og {fmt_int(young['value'])} i alderen "
            f"6–15 år i kommunen 1. januar {y}")
    verdict, before, _ = change_verdict(data, "antall_0_5", y - 5, y)
    if before is not None:
        text += f"; fem år tidligere var det {fmt_int(before)} barn 0–5 år{CHANGE_WORDS[verdict]}"
    return claim(data, HOVEDTREKK, text + ".", "antall_0_5", y, now["value"], verdict, None, before)


FLOW_SIGN_WORDS = {
    "fodselsoverskudd": {C.HIGHER: "det ble født tydelig flere enn det døde",
                         C.LOWER: "det døde tydelig flere enn det ble født"},
    "nettoinnflytting": {C.HIGHER: "det flyttet tydelig flere inn enn ut",
                         C.LOWER: "det flyttet tydelig flere ut enn inn"},
}
FLOW_LABEL = {"fodselsoverskudd": "Fødselsoverskuddet (levendefødte minus døde)",
              "nettoinnflytting": "Nettoinnflyttingen (innflyttinger minus utflyttinger)"}


def flow(data, flow_id: str, section: str = HOVEDTREKK) -> C.Claim | None:
    """The three-year net figure and whether it is clearly above or below zero."""
    row = data.row(f"{flow_id}_3ar")
    if missing(row):
        return None
    y1, value = int(row["year"]), float(row["value"])
    verdict = sign_verdict(data, f"{flow_id}_3ar_per_1000", row)
    text = f"{FLOW_LABEL[flow_id]} var {fmt_int(value)} til sammen i årene {y1 - 2}–{y1}"
    if verdict in (C.HIGHER, C.LOWER):
        text += f": {FLOW_SIGN_WORDS[flow_id][verdict]}."
        if row.get("robustness") == robustness.INDICATIVE:  # shown, but said to be uncertain (the rule)
            text = text[:-1] + ", men tallet er usikkert fordi det bygger på under 20 personer."
    elif verdict == C.NO_CLEAR_DIFFERENCE:
        text += ("; det skiller seg ikke klart fra null når en tar hensyn til hvor mye tallet svinger fra år "
                 "til år.")
    elif verdict == C.TOO_FEW:
        text += "; tallet er så lite at det kan skyldes tilfeldigheter."
    else:
        text += "; det er for få år med tall til å si om det skiller seg fra null."
    return claim(data, section, text, f"{flow_id}_3ar", y1, value, verdict, None, 0.0)


def sex_balance(data) -> C.Claim | None:
    row = data.row("kvinner_per_100_menn_20_39")
    if missing(row):
        return None
    ind = indicators.CATALOGUE["kvinner_per_100_menn_20_39"]

    def number(v) -> str:  # as the table on the same page shows it
        return fmt_value(v, ind.unit, ind.decimals)

    head = f"Det var {number(row['value'])} kvinner per 100 menn i alderen 20–39 år"
    return _level_claim(data, "kvinner_per_100_menn_20_39", head, number)


def projection_path(data) -> list[tuple[int, float]]:
    """(year, projected persons) of SSB's main alternative at the catalogue's target years, oldest first."""
    path = []
    for target in PROJECTION_YEARS:
        row = data.row(f"framskrevet_{target}", data.year)
        if not missing(row):
            path.append((target, float(row["value"])))
    return path


def path_words(base: float, path: list[tuple[int, float]]) -> str:
    """The projection's shape where it matters: a peak or a trough between now and the last year."""
    values = [base] + [v for _, v in path]
    top, bottom = max(values), min(values)
    for year, value in path[:-1]:
        if value == top and values[-1] < top and values[0] < top:
            return f"; den er høyest i {year} ({fmt_int(value)}) og synker deretter"
        if value == bottom and values[-1] > bottom and values[0] > bottom:
            return f"; den er lavest i {year} ({fmt_int(value)}) og stiger deretter"
    return ""


def projection(data, section: str = HOVEDTREKK, lead: str = "") -> C.Claim | None:
    """SSB's main alternative (from its vintage year on), or which projection existed and that it is
    not in the data."""
    if data.year < PROJECTION_VINTAGE_YEAR:
        text = (f"{lead}{newest_projection(data.year)}, og den er ikke i dataene (SSBs framskriving fra "
                f"{PROJECTION_VINTAGE_YEAR} kom etter rapportåret og brukes ikke).")
        return claim(data, section, text, "framskrevet_2040", data.year, None, C.UNAVAILABLE)
    path, base = projection_path(data), data.value("folkemengde", data.year)
    if not path or base is None:
        return None
    years = [f"{fmt_int(v)} i {y}" for y, v in path]
    years[0] = years[0].replace(" i ", " innbyggere i ", 1)
    years_text = years[0] if len(years) == 1 else ", ".join(years[:-1]) + f" og {years[-1]}"
    caveat = "; for små kommuner er slike framskrivinger usikre" if section == HOVEDTREKK else ""
    text = (f"{lead}SSBs hovedalternativ (framskrivingene fra {PROJECTION_VINTAGE_YEAR}) anslår "
            f"{years_text}, mot {fmt_int(base)} per 1. januar {data.year}{path_words(base, path)}{caveat}.")
    last_year, last = path[-1]
    return claim(data, section, text, f"framskrevet_{last_year}", data.year, last, C.UNAVAILABLE)


def income(data) -> C.Claim | None:
    row = data.row("medianinntekt")
    if missing(row):
        return None
    text = (f"Medianinntekten etter skatt for husholdningene var {fmt_kroner(row['value'])} i "
            f"{int(row['year'])}")
    median, n = to_float(row.get("small_median")), int(row.get("small_n") or 0)
    group = row.get("small_group")
    if median is not None and n and group in C.GROUP_COMPARATORS:
        group_nb = group.replace("små kommuner", "små kommunene")
        text += f" (medianen for de {n} {group_nb}: {fmt_kroner(median)})"
        return claim(data, HOVEDTREKK, text + ".", "medianinntekt", int(row["year"]), row["value"],
                     C.UNAVAILABLE, group, median, n)
    return claim(data, HOVEDTREKK, text + ".", "medianinntekt", int(row["year"]), row["value"], C.UNAVAILABLE)


def hovedtrekk(data) -> list[C.Claim]:
    """The population findings in reading order (fewer only if the data lacks them); `narrative` keeps at
    most eight of them and the economy finding."""
    made = [population(data), change(data), elderly(data), children(data), flow(data, "fodselsoverskudd"),
            flow(data, "nettoinnflytting"), sex_balance(data), projection(data), income(data)]
    return [c for c in made if c is not None]


def centrality(data) -> C.Claim | None:
    cls, idx = data.row("sentralitetsklasse"), data.row("sentralitetsindeks")
    if missing(cls):
        return None
    text = (f"{data.name} er i SSBs sentralitetsklasse {int(cls['value'])} (1 er mest sentral, 6 minst "
            "sentral; standarden fra 2020, som bygger på reisetid til arbeidsplasser og servicefunksjoner)")
    if not missing(idx):
        text += f", med sentralitetsindeks {fmt_int(idx['value'])} på en skala fra 0 til 1000"
    return claim(data, CENTRALITY, text + ".", "sentralitetsklasse", int(cls["year"]), cls["value"],
                 C.UNAVAILABLE)
