"""Screen applicant municipalities for the learning network (what coordinators run).

Order of operations in `screening.run.screen_file`:
1. read and validate every row (`applications.read_applications`); bad rows become RowErrors;
2. for each valid application: eligibility from the population on 1 January of the application year,
   statistics adequacy from the fact base as it stood that year, the age of the samfunnsdel against the
   four-year planning cycle, the stated personnel; then a category with the reasons;
3. write screening.html (side by side, sortable), screening.claims.json (its figure sentences as claims),
   screening.xlsx, screening.csv (one row per valid application) and screening_errors.csv (one row per
   problem) to the output folder (`run.write_outputs`).

Eligibility rule (the invitation: "Befolkning under 2500 innbyggere", Nordland and Trøndelag) comes from
network.toml via `municipalities.network()`; the figures come from SSB table 07459.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from samfunn_data.errors import FactbaseError, SamfunnError
from samfunn_data.facts import claims as C
from samfunn_data.facts import municipalities, robek
from samfunn_data.facts.indicators import PRELIMINARY, PROJECTION_VINTAGE_YEAR
from samfunn_data.facts.robustness import TOO_FEW, grade_label
from samfunn_data.formatting import fmt_int, fmt_number, fmt_pct
from samfunn_data.screening.applications import Application, ReadResult, RowError

AKTUELL = "Aktuell"
FORBEHOLD = "Aktuell med forbehold"
IKKE_AKTUELL = "Ikke aktuell"
CATEGORY_ORDER = {AKTUELL: 0, FORBEHOLD: 1, IKKE_AKTUELL: 2}

# One indicator per chapter of a planstrategi fact base (domain.md): the minimum a municipality needs to
# describe itself. Only those the catalogue actually has are used (see `core_indicators`).
CORE_INDICATORS = (
    "folkemengde",
    "andel_80_pluss",
    "fodselsoverskudd",
    "nettoinnflytting",
    "framskrevet_2030",
    "medianinntekt",
    "sysselsatte_per_100",
    "andel_hoyere_utdanning",
    "sentralitetsklasse",
)
PLAN_CYCLE_YEARS = 4  # planstrategi once per council term (plan- og bygningsloven § 10-1)
FIRST_MUNICIPAL_ELECTION = 1975  # municipal elections every fourth year since (1975, ..., 2019, 2023)
MIN_CORE_SHARE = 0.5  # below this share of core indicators the fact base is too thin to start from
ELIGIBILITY, NOTES, ECONOMY = "kvalifisering", "merknader", "okonomi"  # claim sections


@dataclass(frozen=True)
class IndicatorStatus:
    """How one core indicator stands for one applicant in the application year."""

    indicator: str
    title: str
    latest_year: int | None  # newest year the fact base had by then; None = missing
    expected_year: int  # newest year one could have: Y for stocks, Y-1 for flows
    robustness: str | None  # "solid" | "indicative" | "too few" | None
    static: bool = False  # a classification (centrality): valid for years, its age is not a lag
    projection: bool = False  # latest_year is then the year SSB made the projection, not a data year

    @property
    def available(self) -> bool:
        return self.latest_year is not None

    @property
    def lag(self) -> int | None:
        if self.latest_year is None or self.static:
            return None
        return max(self.expected_year - self.latest_year, 0)


@dataclass(frozen=True)
class EconomyStatus:
    """An applicant's latest accounts before the application year and its ROBEK status where known."""

    accounts_year: int | None  # newest KOSTRA year before the application year; None = none in the data
    result_pst: float | None  # netto driftsresultat, % of brutto driftsinntekter
    debt_pst: float | None  # netto lånegjeld, % of brutto driftsinntekter
    robek: bool | None  # None: the register in the data (per robek.DATE) does not tell for this year
    robek_hjemmel: str = ""
    preliminary: bool = False  # the accounts year's figures are SSB's unrevised ones
    kommunenr: str = ""  # whose status this is (the claims' kommunenr)

    def claims(self, year: int) -> list[C.Claim]:
        """The status as claims, one sentence per figure (section "okonomi").

        A level or a register entry compares nothing: comparator None, verdict "unavailable".
        """
        def claim(text, indicator, value_year, value):
            return C.Claim(ECONOMY, text, indicator, self.kommunenr, value_year, value, None, None, None,
                           C.UNAVAILABLE, value_year)

        out = []
        if self.accounts_year is None:
            out.append(claim(f"Faktagrunnlaget har ikke kommuneregnskap (KOSTRA) fra før {year}.",
                             "netto_driftsresultat_pst", year - 1, None))
        prelim = " (foreløpige tall)" if self.preliminary else ""
        for ind_id, label, value in (("netto_driftsresultat_pst", "netto driftsresultat", self.result_pst),
                                     ("netto_lanegjeld_pst", "netto lånegjeld", self.debt_pst)):
            if self.accounts_year is not None and value is not None:
                out.append(claim(f"Regnskap {self.accounts_year}{prelim}: {label} {fmt_pct(value)} av brutto "
                                 "driftsinntekter.", ind_id, self.accounts_year, C.shown(ind_id, value)))
        register_year = int(robek.DATE[-4:])
        if self.robek is None:
            out.append(claim(f"ROBEK: ikke kjent for {year} (dataene har bare registeret per {robek.DATE}).",
                             "robek", year, None))
        elif self.robek:  # the letters only: the page's method section says what each means
            why = f" (hjemmel {self.robek_hjemmel} i kommuneloven § 28-1)" if self.robek_hjemmel else ""
            out.append(claim(f"Står i ROBEK per {robek.DATE}{why}.", "robek", register_year, 1.0))
        else:
            out.append(claim(f"Står ikke i ROBEK per {robek.DATE}.", "robek", register_year, 0.0))
        return out

    def text(self, year: int) -> str:
        """The status in bokmål: the claims' sentences."""
        return " ".join(c.text for c in self.claims(year))


def economy_status(code: str, year: int, facts: pd.DataFrame) -> EconomyStatus:
    """The latest accounts before application year `year` from the fact base as it stood then."""
    own = facts[(facts["kommunenr"] == code) & facts["value"].notna() & (facts["year"] < year)]
    values = {}
    for ind_id in ("netto_driftsresultat_pst", "netto_lanegjeld_pst"):
        rows = own[own["indicator"] == ind_id]
        values[ind_id] = rows.sort_values("year").iloc[-1] if not rows.empty else None
    years = [int(r["year"]) for r in values.values() if r is not None]
    latest = max(years) if years else None

    def at_latest(ind_id: str):
        row = values[ind_id]
        return row if row is not None and int(row["year"]) == latest else None

    result, debt = at_latest("netto_driftsresultat_pst"), at_latest("netto_lanegjeld_pst")
    listed, hjemmel = robek.status(facts, code, year)
    flagged = any(r is not None and r.get("flag") == PRELIMINARY for r in (result, debt))
    return EconomyStatus(latest, None if result is None else float(result["value"]),
                         None if debt is None else float(debt["value"]), listed, hjemmel, flagged, code)


@dataclass
class Assessment:
    """The screening of one valid application."""

    application: Application
    year: int
    population: int | None
    population_prev: int | None
    eligible: bool
    indicators: list[IndicatorStatus]
    plan_age: int | None
    plan_text: str
    economy: EconomyStatus | None = None
    category: str = ""
    reasons: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    claims: dict[str, C.Claim] = field(default_factory=dict)  # reason/note text -> its claim

    @property
    def kommune(self) -> municipalities.Municipality:
        return self.application.kommune

    @property
    def n_available(self) -> int:
        return sum(s.available for s in self.indicators)

    @property
    def too_few(self) -> list[IndicatorStatus]:
        return [s for s in self.indicators if s.robustness == TOO_FEW]

    @property
    def oldest_year(self) -> int | None:
        years = [s.latest_year for s in self.indicators if s.latest_year is not None]
        return min(years) if years else None


@dataclass
class ScreeningResult:
    year: int
    source: str
    read: ReadResult
    assessments: list[Assessment]
    paths: dict[str, Path] = field(default_factory=dict)

    @property
    def errors(self) -> list[RowError]:
        return self.read.errors

    @property
    def ok(self) -> bool:
        return not self.read.errors


# ---------------------------------------------------------------- the pieces of an assessment


def core_indicators() -> list[tuple[str, object]]:
    """The core indicators the catalogue has, in CORE_INDICATORS order, as (id, Indicator)."""
    from samfunn_data.facts.indicators import CATALOGUE

    return [(i, CATALOGUE[i]) for i in CORE_INDICATORS if i in CATALOGUE]


def _expected_year(indicator, year: int) -> int:
    """The newest year an indicator can have in application year `year` (the rule of factbase.as_of).

    Stocks counted on 1 January belong to that year; stocks counted later in a year (4th quarter,
    1 October) and flows (calendar years) can be known at the earliest the year after.
    """
    kind = getattr(indicator, "kind", "stock")
    on_jan_1 = getattr(indicator, "reference_date", "1. januar") == "1. januar"
    if kind in ("projection", "static") or (kind == "stock" and on_jan_1):
        return year
    return year - 1


def indicator_statuses(code: str, year: int, facts: pd.DataFrame | None = None) -> list[IndicatorStatus]:
    """Which core indicators the fact base has for `code` as it stood in `year`, how recent and how robust."""
    from samfunn_data.facts import factbase

    if facts is None:
        facts = factbase.as_of(code, year, later_projections=True)  # dated by vintage below
    facts = facts[(facts["kommunenr"] == code) & facts["value"].notna()]
    statuses = []
    for ind_id, indicator in core_indicators():
        rows = facts[facts["indicator"] == ind_id]
        latest = grade = None
        if not rows.empty:
            latest = int(rows["year"].max())
            grade = rows.loc[rows["year"] == latest, "robustness"].iloc[-1]
            grade = None if pd.isna(grade) else str(grade)
        projection = indicator.kind == "projection"
        if projection and latest is not None:
            # The fact base files projections under the report year; what matters is when SSB made them.
            latest = PROJECTION_VINTAGE_YEAR
        statuses.append(IndicatorStatus(
            ind_id, indicator.title, latest, _expected_year(indicator, year), grade,
            static=indicator.kind == "static" or projection, projection=projection,
        ))
    return statuses


def elections_since(plan_year: int, year: int) -> list[int]:
    """Municipal elections held after the year the plan was adopted and before the application year."""
    first = max(plan_year + 1, FIRST_MUNICIPAL_ELECTION)
    return [e for e in range(first, year) if (e - FIRST_MUNICIPAL_ELECTION) % 4 == 0]


def plan_status(plan_year: int | None, year: int) -> tuple[int | None, str]:
    """Age of the samfunnsdel in years and a bokmål sentence placing it in the four-year cycle."""
    if plan_year is None:
        return None, "Ingen vedtatt samfunnsdel (oppgitt av kommunen)."
    age = year - plan_year
    elections = elections_since(plan_year, year)
    if age <= PLAN_CYCLE_YEARS:
        text = f"{age} år gammel: innenfor én fireårig planperiode"
    elif age <= 2 * PLAN_CYCLE_YEARS:
        text = f"{age} år gammel: eldre enn én planperiode"
    else:
        text = f"{age} år gammel: mer enn to planperioder gammel"
    if elections:
        text += f" (kommunestyrevalg siden: {', '.join(str(e) for e in elections)})"
    return age, text + "."


def _population(code: str, year: int) -> int | None:
    try:
        return int(municipalities.population(code, year))
    except (SamfunnError, KeyError, LookupError, ValueError):
        return None


def _population_claim(code: str, year: int, population: int, limit: int, text: str) -> C.Claim:
    """A population count against the network's size limit, as a claim.

    The limit is the invitation's rule, not a statistical comparator: comparator None, comparator_value
    the limit, and the verdict compares an exact count (SSB's register count on 1 January, no sampling
    error) with it: "lower" under the limit, "higher" above, "no clear difference" exactly at it.
    """
    verdict = C.LOWER if population < limit else C.HIGHER if population > limit else C.NO_CLEAR_DIFFERENCE
    return C.Claim(ELIGIBILITY, text, "folkemengde", code, year, float(population), None, float(limit), None,
                   verdict, year)


def _eligibility(kommune, year: int, population: int | None, rule) -> tuple[bool, list[str | C.Claim]]:
    """Eligible or not, with the reasons stated with their numbers (a claim where a figure is stated)."""
    reasons = []
    counties = [str(c) for c in rule.counties]
    in_county = kommune.county in counties
    if not in_county:
        reasons.append(f"Ligger i {kommune.county_name} (fylke {kommune.county}); "
                       "nettverket gjelder Nordland og Trøndelag.")
    if population is None:
        reasons.append(f"Folketallet 1. januar {year} finnes ikke i dataene (SSB tabell 07459); "
                       "kan ikke avgjøre størrelsen.")
        return False, reasons
    limit = fmt_int(rule.max_population)
    if population >= rule.max_population:
        text = f"Folketall 1. januar {year}: {fmt_int(population)}, ikke under {limit}."
        reasons.append(_population_claim(kommune.code, year, population, rule.max_population, text))
    return in_county and population < rule.max_population, reasons


def _statistics_findings(a: Assessment) -> tuple[list[str], list[str]]:
    """(reservations, notes) about the statistics: the measured fact base and the applicant's own answer."""
    reservations, notes = [], []
    total = len(a.indicators)
    missing = [s.title for s in a.indicators if not s.available]
    if total and a.n_available / total < MIN_CORE_SHARE:
        reservations.append(f"Faktagrunnlaget har bare {a.n_available} av {total} kjerneindikatorer for "
                            f"{a.kommune.name} ({a.year}); for tynt til å bygge på.")
    elif missing:
        notes.append(f"Mangler i faktagrunnlaget: {', '.join(missing)}.")
    if not a.application.har_statistikk:
        notes.append("Kommunen oppgir at den mangler statistikk/faktagrunnlag; samfunn-data har "
                     f"{a.n_available} av {total} kjerneindikatorer som utgangspunkt.")
    return reservations, notes


def _categorise(a: Assessment, eligibility_reasons: list[str]) -> None:
    """Set category, reasons and notes. Not eligible -> Ikke aktuell; a reservation -> med forbehold."""
    reservations, notes = _statistics_findings(a)
    if a.application.personellressurs <= 0:
        reservations.append("Ingen personellressurs avsatt til planarbeidet; invitasjonen forutsetter det.")
    if a.population is not None and a.population_prev is not None:
        limit = municipalities.network().max_population
        if (a.population < limit) != (a.population_prev < limit):
            # A change over time of an exact count: comparator_value is the earlier count (claims
            # convention); the limit named in the sentence is the invitation's rule, not a statistic.
            text = (f"Folketallet krysset grensen på {fmt_int(limit)} i løpet av {a.year - 1}: "
                    f"{fmt_int(a.population_prev)} 1. januar {a.year - 1}, {fmt_int(a.population)} "
                    f"1. januar {a.year}.")
            notes.append(C.Claim(NOTES, text, "folkemengde", a.kommune.code, a.year, float(a.population),
                                 None, float(a.population_prev), None,
                                 C.INCREASE if a.population > a.population_prev else C.DECREASE, a.year))
    if a.plan_age is None:
        notes.append("Har ingen vedtatt samfunnsdel; nettverket arbeider nettopp med forarbeidet til den.")
    if not a.eligible:
        a.category, a.reasons = IKKE_AKTUELL, eligibility_reasons
    elif reservations:
        a.category, a.reasons = FORBEHOLD, reservations
    else:
        a.category = AKTUELL
        limit = municipalities.network().max_population
        a.reasons = [_population_claim(
            a.kommune.code, a.year, a.population, limit,
            f"Folketall 1. januar {a.year}: {fmt_int(a.population)} (under {fmt_int(limit)}), "
            f"{a.kommune.county_name}.")]
    a.notes = notes
    # Reasons and notes stay sentences (the CSV's columns); those with figures keep their claim.
    for sentences in (a.reasons, a.notes):
        for i, s in enumerate(sentences):
            if isinstance(s, C.Claim):
                a.claims[s.text], sentences[i] = s, s.text


def assess(application: Application, year: int, facts: pd.DataFrame | None = None) -> Assessment:
    """Screen one valid application for application year `year`."""
    from samfunn_data.facts import factbase

    rule = municipalities.network()
    kommune = application.kommune
    if facts is None:
        facts = factbase.as_of(kommune.code, year, later_projections=True)  # projections dated by vintage
    population = _population(kommune.code, year)
    eligible, eligibility_reasons = _eligibility(kommune, year, population, rule)
    plan_age, plan_text = plan_status(application.samfunnsdel_vedtatt, year)
    a = Assessment(
        application=application, year=year, population=population,
        population_prev=_population(kommune.code, year - 1), eligible=eligible,
        indicators=indicator_statuses(kommune.code, year, facts), plan_age=plan_age, plan_text=plan_text,
        economy=economy_status(kommune.code, year, facts),
    )
    _categorise(a, eligibility_reasons)
    return a


def check_year(year: int) -> None:
    """Fail early, with the years the data has, when 1 January `year` is not in the population table."""
    from samfunn_data.facts import factbase

    facts = factbase.load("0")  # Norway's row exists for every year the population table has
    years = facts.loc[facts["indicator"] == "folkemengde", "year"]
    if years.empty or year not in set(years.astype(int)):
        span = f"{int(years.min())}–{int(years.max())}" if not years.empty else "ingen år"
        raise FactbaseError(
            f"Folketall per 1. januar {year} finnes ikke i faktagrunnlaget (har {span}). "
            "Velg et søknadsår innenfor dette, eller hent nyere tall med `samfunn fetch` og `samfunn build`."
        )


def screen(applications: list[Application], year: int) -> list[Assessment]:
    """Screen valid applications; sorted by category, then by municipality number."""
    assessments = [assess(application, year) for application in applications]
    return sorted(assessments, key=lambda a: (CATEGORY_ORDER[a.category], a.kommune.code))


# ---------------------------------------------------------------- tables and files


def assessments_frame(assessments: list[Assessment]) -> pd.DataFrame:
    """One row per valid application, the columns of screening.csv."""
    rows = []
    for a in assessments:
        app = a.application
        rows.append({
            "kommunenr": a.kommune.code,
            "kommune": a.kommune.name,
            "fylkesnr": a.kommune.county,
            "fylke": a.kommune.county_name,
            "soknadsar": a.year,
            "folketall": a.population,
            "folketall_aret_for": a.population_prev,
            "eligible": "true" if a.eligible else "false",
            "kategori": a.category,
            "begrunnelse": " ".join(a.reasons),
            "merknader": " ".join(a.notes),
            "samfunnsdel_vedtatt": app.samfunnsdel_vedtatt,
            "samfunnsdel_alder": a.plan_age,
            "personellressurs_arsverk": app.personellressurs,
            "personellressurs_oppgitt": app.personellressurs_tekst,
            "har_statistikk_oppgitt": "true" if app.har_statistikk else "false",
            "kjerneindikatorer_tilgjengelig": a.n_available,
            "kjerneindikatorer_totalt": len(a.indicators),
            "kjerneindikatorer_mangler": ", ".join(s.indicator for s in a.indicators if not s.available),
            "for_sma_tall": ", ".join(s.indicator for s in a.too_few),
            "robusthet": "; ".join(f"{s.indicator}: {grade_label(s.robustness)}" for s in a.indicators
                                   if grade_label(s.robustness)),
            "eldste_dataar": a.oldest_year,
            "regnskapsar": a.economy.accounts_year if a.economy else None,
            "netto_driftsresultat_pst": a.economy.result_pst if a.economy else None,
            "netto_lanegjeld_pst": a.economy.debt_pst if a.economy else None,
            "robek": _robek_csv(a.economy),
            "framdriftsplan": app.framdriftsplan,
            "kontaktperson": app.kontaktperson,
            "rad": app.row,
        })
    frame = pd.DataFrame(rows, columns=_CSV_COLUMNS)
    for col in _INT_COLUMNS:
        frame[col] = frame[col].astype("Int64")
    return frame


def _robek_csv(economy: EconomyStatus | None) -> str:
    """"true"/"false" per the register's date, "ukjent" when the application year is before it."""
    if economy is None or economy.robek is None:
        return "ukjent"
    return "true" if economy.robek else "false"


_INT_COLUMNS = ("folketall", "folketall_aret_for", "samfunnsdel_vedtatt", "samfunnsdel_alder",
                "eldste_dataar", "regnskapsar")
_CSV_COLUMNS = [
    "kommunenr", "kommune", "fylkesnr", "fylke", "soknadsar", "folketall", "folketall_aret_for", "eligible",
    "kategori", "begrunnelse", "merknader", "samfunnsdel_vedtatt", "samfunnsdel_alder",
    "personellressurs_arsverk", "personellressurs_oppgitt", "har_statistikk_oppgitt",
    "kjerneindikatorer_tilgjengelig", "kjerneindikatorer_totalt", "kjerneindikatorer_mangler", "for_sma_tall",
    "robusthet",
    "eldste_dataar", "regnskapsar", "netto_driftsresultat_pst", "netto_lanegjeld_pst", "robek",
    "framdriftsplan", "kontaktperson", "rad",
]


def errors_frame(errors: list[RowError]) -> pd.DataFrame:
    """One row per problem: rad, kommune (as written), felt, melding."""
    return pd.DataFrame(
        [{"rad": e.row, "kommune": e.kommune, "felt": e.field, "melding": e.message} for e in errors],
        columns=["rad", "kommune", "felt", "melding"],
    )


def fmt_fte(value: float) -> str:
    """Full-time equivalents the Norwegian way: 0.5 -> '0,5 årsverk'."""
    decimals = 0 if float(value).is_integer() else (1 if round(value, 1) == round(value, 2) else 2)
    return f"{fmt_number(value, decimals)} årsverk"
