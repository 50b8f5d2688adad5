"""The indicator catalogue, declared as data.

Each `Indicator` says what a figure is (Norwegian title and explanation, unit, chapter), where it comes
from (SSB tables and the selection used), how it is computed (the name of a function in
`samfunn_data.facts.computations`), whether it is a stock, a flow, a projection or static, and which count the
small-numbers rule (`samfunn_data.facts.robustness`) grades it on. The README's indicator table is generated
from this catalogue by `indicator_table_markdown()` (run `python scripts/gen_indicator_docs.py`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

THEMES = ("befolkning", "alder", "endringer", "framskriving", "levekar", "sysselsetting", "pendling",
          "utdanning", "sentralitet", "okonomi")
KINDS = ("stock", "flow", "projection", "static")

# When a figure is published, as a rule of which years a report for year Y may show (`visible`). None:
# by kind (stocks on 1 January up to Y, later stocks and flows up to Y-1, projections in Y, static up to Y).
AFTER_YEAR = "after_year"  # accounts and the income system: year t is published in t+1, so up to Y-1
BUDGET_YEAR = "budget_year"  # published with the state budget in October B-1 for budget year B: only Y
LIST_DATE = "list_date"  # a register as published on a date in its year: from that year on, never before
PUBLISHED_RULES = (AFTER_YEAR, BUDGET_YEAR, LIST_DATE)
UP_TO_YEAR = "up_to_year"  # what LIST_DATE, stocks on 1 January and static figures amount to

NATIONWIDE = "hele landet"
NL_TR = "Nordland og Trøndelag"
NL_TR_CODES = ("18", "50")

# Which regional levels an indicator has: nationwide tables give all three; tables that cover only
# Nordland and Trøndelag give municipalities and, for counts, the two county sums when every
# municipality of the county is present that year (a sum is exact only then); medians never.
ALL_LEVELS = ("kommune", "fylke", "land")
NL_TR_WITH_COUNTY_SUMS = ("kommune", "fylke")
MUNICIPAL_ONLY = ("kommune",)


@dataclass(frozen=True)
class Indicator:
    """One figure in the fact base. `computation` names a function in `samfunn_data.facts.computations`."""

    id: str
    title: str
    description: str
    unit: str
    theme: str
    kind: str
    source_tables: tuple[str, ...]
    query: str
    computation: str
    measure: str  # robustness.MEASURES: decides the count, the grade and the standard error
    count_basis: str
    polarity: int | None = None  # +1 higher is generally good for the community, -1 bad, None neutral
    decimals: int = 0
    reference_date: str = "1. januar"  # for flows: "kalenderår"
    coverage: str = NATIONWIDE
    levels: tuple[str, ...] = ALL_LEVELS
    comparable: bool = True  # False: absolute counts, not compared across levels (vs_county/country)
    published: str | None = None  # PUBLISHED_RULES: which years a report may show (None: by kind)


Q07459 = "07459: Region=alle, Kjonn=1,2, Alder=000-105+, ContentsCode=Personer1, Tid=alle"
Q06913 = "06913: Region=Nordland/Trøndelag, ContentsCode=Folkemengde,Fodselsoverskudd,Nettoinnflytting"
Q06944 = "06944: Region=Nordland/Trøndelag, HusholdType=0000, ContentsCode=InntSkatt,AntallHushold"
Q14288 = "14288: Region=kommuner (MMMM) og fylker (MMMM, HHMH, LLML), Tid=2025-2050"
Q07984 = "07984: Region=Nordland/Trøndelag, NACE2007=00-99,01-03,10-33,84,85,86-88, Alder=15-74, 4. kvartal"
Q09429 = "09429: Region=Nordland/Trøndelag, Nivaa=00,03a,04a, Kjonn=0, 1. oktober"
Q03321 = ("03321: ArbstedKomm=alle, Bokommuen=alle, ContentsCode=Sysselsatte, Tid=2017 og senere "
          "(4. kvartal; hvert års kommunekoder omkodet til 2024 ved eksakte summer)")
QKLASS = "KLASS 128 sentralitet (standard 2020): klasse (parentCode) og indeks (notes)"

CATALOGUE: dict[str, Indicator] = {}


def _add(**fields) -> None:
    indicator = Indicator(**fields)
    CATALOGUE[indicator.id] = indicator


# -- befolkning ------------------------------------------------------------------------------------
_add(id="folkemengde", title="Folkemengde", unit="personer", theme="befolkning", kind="stock",
     description="Innbyggere per 1. januar.", source_tables=("07459",), query=Q07459,
     computation="population_totals", measure="count", count_basis="innbyggere", comparable=False)

for _k in (1, 5, 10):
    _add(id=f"endring_{_k}ar", title=f"Befolkningsendring siste {_k} år" if _k > 1 else
         "Befolkningsendring siste år", unit="personer", theme="befolkning", kind="stock",
         description=f"Folkemengde 1. januar minus folkemengde 1. januar {_k} år før.",
         source_tables=("07459",), query=Q07459, computation="population_totals", measure="net",
         count_basis="endringen i antall personer (netto)", polarity=1, comparable=False)
    _add(id=f"endring_{_k}ar_pst", title=f"Befolkningsendring siste {_k} år, prosent" if _k > 1 else
         "Befolkningsendring siste år, prosent", unit="prosent", theme="befolkning", kind="stock",
         description=f"Endringen i folkemengde over {_k} år i prosent av folkemengden {_k} år før.",
         source_tables=("07459",), query=Q07459, computation="population_totals", measure="net",
         count_basis="endringen i antall personer (netto)", polarity=1, decimals=1)

# -- alder -----------------------------------------------------------------------------------------
AGE_GROUPS = {"0_5": (0, 5), "6_15": (6, 15), "16_66": (16, 66), "67_79": (67, 79), "80_pluss": (80, None)}
for _gid, (_lo, _hi) in AGE_GROUPS.items():
    _label = f"{_lo}–{_hi} år" if _hi is not None else f"{_lo} år og eldre"
    _add(id=f"antall_{_gid}", title=f"Innbyggere {_label}", unit="personer", theme="alder", kind="stock",
         description=f"Antall innbyggere {_label} per 1. januar.", source_tables=("07459",), query=Q07459,
         computation="age_structure", measure="count", count_basis=f"innbyggere {_label}", comparable=False)
    _add(id=f"andel_{_gid}", title=f"Andel {_label}", unit="prosent", theme="alder", kind="stock",
         description=f"Innbyggere {_label} i prosent av alle innbyggere per 1. januar.",
         source_tables=("07459",), query=Q07459, computation="age_structure", measure="share",
         count_basis=f"innbyggere {_label} (eller de utenfor gruppen, om færre)", decimals=1)

_add(id="forsorgerbrok", title="Forsørgerbrøk", unit="per 100", theme="alder", kind="stock",
     description="Innbyggere 0–15 år og 67 år og eldre per 100 innbyggere 16–66 år.",
     source_tables=("07459",), query=Q07459, computation="age_structure", measure="ratio",
     count_basis="innbyggere 0–15 og 67+", polarity=-1, decimals=1)
_add(id="eldrebrok", title="Eldrebrøk", unit="per 100", theme="alder", kind="stock",
     description="Innbyggere 80 år og eldre per 100 innbyggere 20–66 år.",
     source_tables=("07459",), query=Q07459, computation="age_structure", measure="ratio",
     count_basis="innbyggere 80+", polarity=-1, decimals=1)
_add(id="kvinner_per_100_menn_20_39", title="Kvinner per 100 menn 20–39 år", unit="per 100", theme="alder",
     kind="stock", description="Kvinner 20–39 år per 100 menn 20–39 år per 1. januar.",
     source_tables=("07459",), query=Q07459, computation="age_structure", measure="ratio",
     count_basis="kvinner 20–39 år", decimals=1)
_add(id="medianalder", title="Medianalder", unit="år", theme="alder", kind="stock",
     description="Alderen som deler innbyggerne i to like store halvdeler, per 1. januar (lineær "
                 "interpolasjon innenfor ettårig aldersgruppe; 105+ regnes som 105).",
     source_tables=("07459",), query=Q07459, computation="age_structure", measure="median",
     count_basis="innbyggere", decimals=1)

# -- endringer (flows, 06913; Nordland and Trøndelag only) ------------------------------------------
_FLOWS = {"fodselsoverskudd": ("Fødselsoverskudd", "Levendefødte minus døde i løpet av året."),
          "nettoinnflytting": ("Nettoinnflytting", "Innflyttinger minus utflyttinger (innenlands og fra/til "
                                                   "utlandet) i løpet av året.")}
for _fid, (_title, _desc) in _FLOWS.items():
    _common = dict(theme="endringer", kind="flow", source_tables=("06913",), query=Q06913,
                   computation="population_flows", measure="net", reference_date="kalenderår",
                   coverage=NL_TR, levels=NL_TR_WITH_COUNTY_SUMS, polarity=1,
                   count_basis="nettotallet (bruttotallene finnes ikke i dataene)")
    _add(id=_fid, title=_title, unit="personer", description=_desc, comparable=False, **_common)
    _add(id=f"{_fid}_per_1000", title=f"{_title} per 1000 innbyggere", unit="per 1000", decimals=1,
         description=f"{_desc} Per 1000 av middelfolkemengden (snittet av 1. januar i året og 1. januar "
                     "året etter, fra 06913).", **_common)
    _add(id=f"{_fid}_3ar", title=f"{_title}, sum siste 3 år", unit="personer", comparable=False,
         description=f"Summen for året og de to foregående årene. {_desc}", **_common)
    _add(id=f"{_fid}_3ar_per_1000", title=f"{_title} per 1000, snitt siste 3 år", unit="per 1000",
         decimals=1, description="Summen for året og de to foregående årene per 1000 av summen av "
                                 "middelfolkemengdene (et årlig snitt).", **_common)

# -- levekår (06944) ----------------------------------------------------------------------------------
_add(id="medianinntekt", title="Medianinntekt etter skatt for husholdninger", unit="kroner", theme="levekar",
     kind="flow", description="Median inntekt etter skatt for alle husholdninger i kalenderåret (kroner). "
     "Dataene har bare kommunene i Nordland og Trøndelag; fylke og land er ikke tilgjengelig og lages "
     "ikke av kommunetall (en median kan ikke summeres).", source_tables=("06944",), query=Q06944,
     computation="household_income", measure="median", count_basis="husholdninger", polarity=1,
     reference_date="kalenderår", coverage=NL_TR, levels=MUNICIPAL_ONLY)
_add(id="husholdninger", title="Antall husholdninger", unit="husholdninger", theme="levekar", kind="stock",
     description="Antall privathusholdninger i inntektsstatistikken for året (ved utgangen av året). "
     "Fylkestall er summen av kommunene når alle kommunene i fylket er med.",
     source_tables=("06944",), query=Q06944, computation="household_income", measure="count",
     count_basis="husholdninger", reference_date="31. desember", coverage=NL_TR,
     levels=NL_TR_WITH_COUNTY_SUMS, comparable=False)

# -- sentralitet (KLASS 128) --------------------------------------------------------------------------
_add(id="sentralitetsklasse", title="Sentralitetsklasse", unit="klasse", theme="sentralitet", kind="static",
     description="SSBs sentralitetsklasse 1 (mest sentral) til 6 (minst sentral), standard 2020.",
     source_tables=("klass-128",), query=QKLASS, computation="centrality", measure="static",
     count_basis="ingen (klassifikasjon)", reference_date="gyldighetsperioden", coverage=NL_TR,
     levels=MUNICIPAL_ONLY)
_add(id="sentralitetsindeks", title="Sentralitetsindeks", unit="indeks", theme="sentralitet", kind="static",
     description="SSBs sentralitetsindeks 0–1000 (høyere er mer sentralt), standard 2020.",
     source_tables=("klass-128",), query=QKLASS, computation="centrality", measure="static",
     count_basis="ingen (klassifikasjon)", reference_date="gyldighetsperioden", coverage=NL_TR,
     levels=MUNICIPAL_ONLY)

# -- framskriving (14288, SSB's 2024 projections) -----------------------------------------------------
PROJECTION_YEARS = (2030, 2040, 2050)
PROJECTION_VINTAGE_YEAR = 2024  # the year SSB made the projections in table 14288
PROJECTION_FIRST_REPORT_YEAR = 2020  # % change from the report year is given for report years from here
_ALTERNATIVES = {"": ("MMMM", "hovedalternativet"), "_lav": ("LLML", "lav nasjonal vekst (LLML)"),
                 "_hoy": ("HHMH", "høy nasjonal vekst (HHMH)")}
for _y in PROJECTION_YEARS:
    for _suffix, (_code, _alt) in _ALTERNATIVES.items():
        _levels = ALL_LEVELS if not _suffix else ("fylke", "land")
        _common = dict(theme="framskriving", kind="projection", source_tables=("14288", "07459"),
                       query=Q14288, computation="projections", measure="projection",
                       count_basis="ingen (modellresultat)", reference_date="1. januar framskrivingsåret",
                       levels=_levels)
        _where = "" if not _suffix else " Bare for fylker (og landet som summen av fylkene)."
        _add(id=f"framskrevet_{_y}{_suffix}", title=f"Framskrevet folkemengde {_y}, {_alt}",
             unit="personer", comparable=False,
             description=f"SSBs befolkningsframskriving (2024), {_alt}, folkemengde 1. januar {_y}.{_where}",
             **_common)
        _add(id=f"framskrevet_{_y}{_suffix}_pst", title=f"Framskrevet endring til {_y}, {_alt}",
             unit="prosent", decimals=1,
             description=f"Framskrevet folkemengde {_y} ({_alt}) i prosent endring fra folkemengden "
                         f"1. januar i rapportåret (rapportår fra {PROJECTION_FIRST_REPORT_YEAR}).{_where}",
             **_common)

# -- sysselsetting (07984 against 07459) --------------------------------------------------------------
INDUSTRIES = {"primaer": ("01-03", "jordbruk, skogbruk og fiske"), "industri": ("10-33", "industri"),
              "offentlig_adm": ("84", "offentlig administrasjon og forsvar"),
              "undervisning": ("85", "undervisning"), "helse_sosial": ("86-88", "helse- og sosialtjenester")}
_EMP = dict(theme="sysselsetting", kind="stock", computation="employment", reference_date="4. kvartal",
            coverage=NL_TR, levels=NL_TR_WITH_COUNTY_SUMS)
_add(id="sysselsatte", title="Sysselsatte 15–74 år (bosted)", unit="personer", measure="count",
     description="Sysselsatte 15–74 år bosatt i kommunen, 4. kvartal.", source_tables=("07984",),
     query=Q07984, count_basis="sysselsatte", comparable=False, **_EMP)
_add(id="sysselsatte_per_100", title="Sysselsatte per 100 innbyggere 15–74 år", unit="per 100",
     measure="ratio", decimals=1, polarity=1,
     description="Sysselsatte 15–74 år etter bosted i 4. kvartal år t per 100 innbyggere 15–74 år "
                 "1. januar år t+1 (07459): den folkemengden som ligger nærmest i tid.",
     source_tables=("07984", "07459"), query=Q07984 + "; " + Q07459, count_basis="sysselsatte", **_EMP)
for _iid, (_nace, _label) in INDUSTRIES.items():
    _add(id=f"sysselsatte_{_iid}", title=f"Sysselsatte i {_label}", unit="personer", measure="count",
         description=f"Sysselsatte 15–74 år bosatt i kommunen, næring {_nace} ({_label}), 4. kvartal.",
         source_tables=("07984",), query=Q07984, count_basis="sysselsatte i næringen", comparable=False,
         **_EMP)
    _add(id=f"andel_sysselsatte_{_iid}", title=f"Andel sysselsatte i {_label}", unit="prosent",
         measure="share", decimals=1,
         description=f"Sysselsatte i næring {_nace} ({_label}) i prosent av alle sysselsatte bosatt i "
                     "kommunen. Dataene har fem næringer; resten er «andre næringer».",
         source_tables=("07984",), query=Q07984, count_basis="sysselsatte i næringen", **_EMP)
# The rest: all employed (00-99, unknown industry included) minus the five groups, from the same table, so
# the shares add up to 100 and a reader sees how much the five groups leave out.
OTHER_INDUSTRIES = ("andre", "andre næringer (inkludert uoppgitt næring)")
_codes = ", ".join(n for n, _l in INDUSTRIES.values())
_add(id="sysselsatte_andre", title="Sysselsatte i andre næringer", unit="personer", measure="count",
     description=f"Sysselsatte 15–74 år bosatt i kommunen, 4. kvartal, i {OTHER_INDUSTRIES[1]}: alle "
                 f"sysselsatte (næring 00-99) minus næringene {_codes}.",
     source_tables=("07984",), query=Q07984, count_basis="sysselsatte i næringen", comparable=False, **_EMP)
_add(id="andel_sysselsatte_andre", title="Andel sysselsatte i andre næringer", unit="prosent",
     measure="share", decimals=1,
     description=f"Sysselsatte i {OTHER_INDUSTRIES[1]} i prosent av alle sysselsatte bosatt i kommunen: "
                 f"100 minus andelene i næringene {_codes}.",
     source_tables=("07984",), query=Q07984, count_basis="sysselsatte i næringen", **_EMP)

# -- pendling (03321, 4th quarter of each year; municipalities whose 2024 borders are sums of that year's) --
_EXACT = (" Det innebygde snapshotet har 2017; samfunn update henter årene etter. Kommuner som fikk "
          "en del av en kommune som senere ble delt, har ingen tall for årene før delingen (for 2017: "
          "Narvik, Hamarøy, Heim, Hitra, Orkland, Ålesund, Haram).")
_COM = dict(theme="pendling", kind="stock", computation="commuting", reference_date="4. kvartal",
            source_tables=("03321",), query=Q03321, coverage=NATIONWIDE, levels=MUNICIPAL_ONLY)
_add(id="sysselsatte_bosatt", title="Sysselsatte bosatt i kommunen (pendlingsstatistikken)",
     unit="personer", measure="count", count_basis="sysselsatte bosatte", comparable=False,
     description="Sysselsatte 15–74 år bosatt i kommunen, uansett arbeidssted, 4. kvartal." + _EXACT, **_COM)
_add(id="arbeidsplasser", title="Sysselsatte med arbeidssted i kommunen", unit="personer", measure="count",
     count_basis="sysselsatte med arbeidssted i kommunen", comparable=False,
     description="Sysselsatte 15–74 år med arbeidssted i kommunen, uansett bosted, 4. kvartal (personer, "
                 "ikke stillinger)." + _EXACT, **_COM)
_add(id="andel_jobber_i_egen_kommune", title="Andel sysselsatte som jobber i egen kommune", unit="prosent",
     measure="share", decimals=1, count_basis="de som jobber i egen kommune (eller utenfor, om færre)",
     description="Sysselsatte bosatte med arbeidssted i bostedskommunen, i prosent av alle sysselsatte "
                 "bosatte, 4. kvartal." + _EXACT, **_COM)
_add(id="utpendling", title="Utpendlere", unit="personer", measure="count", count_basis="utpendlere",
     comparable=False, description="Sysselsatte bosatt i kommunen med arbeidssted i en annen kommune "
                                   "(også ukependling og lange avstander), 4. kvartal." + _EXACT, **_COM)
_add(id="innpendling", title="Innpendlere", unit="personer", measure="count", count_basis="innpendlere",
     comparable=False, description="Sysselsatte med arbeidssted i kommunen og bosted i en annen kommune, "
                                   "4. kvartal." + _EXACT, **_COM)
_add(id="netto_innpendling", title="Netto innpendling", unit="personer", measure="net",
     count_basis="nettotallet", comparable=False,
     description="Innpendlere minus utpendlere, 4. kvartal (positivt: flere pendler inn enn ut)." + _EXACT,
     **_COM)

# -- utdanning (09429) --------------------------------------------------------------------------------
_EDU = dict(theme="utdanning", kind="stock", source_tables=("09429",), query=Q09429,
            computation="education", measure="share", decimals=1, reference_date="1. oktober",
            coverage=NL_TR, levels=NL_TR_WITH_COUNTY_SUMS)
_add(id="andel_hoyere_utdanning", title="Andel 16 år og eldre med høyere utdanning", unit="prosent",
     description="Innbyggere 16+ med universitets- eller høgskoleutdanning (kort og lang) i prosent av alle "
                 "16+ (1. oktober).", count_basis="innbyggere 16+ med høyere utdanning", polarity=1, **_EDU)
_add(id="andel_hoyere_utdanning_kort", title="Andel 16+ med kort høyere utdanning", unit="prosent",
     description="Universitets- og høgskolenivå, kort (til og med 4 år), i prosent av alle 16+.",
     count_basis="innbyggere 16+ med kort høyere utdanning", **_EDU)
_add(id="andel_hoyere_utdanning_lang", title="Andel 16+ med lang høyere utdanning", unit="prosent",
     description="Universitets- og høgskolenivå, lang (over 4 år), i prosent av alle 16+.",
     count_basis="innbyggere 16+ med lang høyere utdanning", **_EDU)


# -- økonomi (KOSTRA 12137 and 12362, the income system, KDD's expenditure need, ROBEK) ---------------
Q12137 = ("12137: KOKkommuneregion0000=Nordland/Trøndelag, KOKartkap0000=AGD13,AGD9,AGD23,KG31,AGI1,AGD1, "
          "2015-2025")
Q12362 = ("12362: KOKkommuneregion0000=Nordland/Trøndelag, KOKfunksjon0000=17 funksjonsgrupper, "
          "KOKart0000=AGD2 (netto driftsutgifter)")
QINNTEKT = "KDD inntektssystemet (løpende inntektsutjevning, Grønt hefte) og KOSTRA art 800, 2015-2025"
QDKI = "KDD Grønt hefte, tabell A-k: samlet indeks for beregnet utgiftsbehov, budsjettår 2025 og 2026"
QROBEK = "KDD ROBEK-registeret, kommuner oppført per 20.04.2026"
ACCOUNTS_NOTE = "2025 er foreløpige tall (SSB 15. mars 2026)."
PRELIMINARY, BOUNDARY, BOOKING = "foreløpig", "grenseendring", "bokføring"
# What a flag on a fact means, for readers. Facts flagged BOOKING are kept but left out of peer comparisons.
FLAGS = {
    PRELIMINARY: "Foreløpige regnskapstall (SSB 15. mars 2026); reviderte tall kommer 15. juni.",
    BOUNDARY: "Indre Fosen 2019: SSB delte på folketallet før en liten grensejustering i 2020.",
    BOOKING: "Rammetilskuddet er ført svært lavt i KOSTRA dette året (slik kommunen førte det); holdes "
             "utenfor sammenligninger med andre kommuner.",
}
PEER_EXCLUDED_FLAGS = (BOOKING,)
ROBEK_DATE = "2026-04-20"
# kommuneloven § 28-1 as KDD's register lists it (the snapshot's kdd-robek metadata holds the same text)
ROBEK_HJEMLER = {
    "a": "Driftsbudsjettet er vedtatt med et merforbruk.",
    "b": "Driftsdelen i økonomiplanen er vedtatt med et merforbruk.",
    "c": "Merforbruk skal dekkes inn over flere enn to år etter at det oppsto.",
    "d": "Balanseregnskapet viser et oppsamlet merforbruk større enn tre prosent av driftsinntektene.",
    "e": "Økonomiplanen eller årsbudsjettet er ikke vedtatt innen fristen.",
    "f": "Årsregnskapet er ikke vedtatt innen fristen.",
    "g": "Departementet har fattet et vedtak etter inndelingslova § 16 a.",
}
_ACC = dict(theme="okonomi", kind="flow", source_tables=("12137", "07459"), query=Q12137,
            computation="accounts", measure="accounts", count_basis="ingen (regnskap: totaltall)",
            reference_date="regnskapsåret", coverage=NL_TR, levels=NL_TR_WITH_COUNTY_SUMS,
            published=AFTER_YEAR)
_COUNTY = ("Fylket er kommunene i fylket samlet (summen av beløpene), bare når alle har tall.")
_add(id="netto_driftsresultat_pst", title="Netto driftsresultat i prosent av brutto driftsinntekter",
     unit="prosent", decimals=1, polarity=1,
     description=f"Netto driftsresultat i prosent av brutto driftsinntekter (KOSTRA-definisjonen). {_COUNTY} "
                 f"{ACCOUNTS_NOTE}", **_ACC)
_add(id="netto_driftsresultat_pst_3ar", title="Netto driftsresultat i prosent, snitt siste 3 år",
     unit="prosent", decimals=1, polarity=1,
     description="Snittet av årets og de to foregående årenes netto driftsresultat i prosent av brutto "
                 "driftsinntekter; bare når alle tre årene finnes.", **_ACC)
_add(id="netto_lanegjeld_pst", title="Netto lånegjeld i prosent av brutto driftsinntekter", unit="prosent",
     decimals=1, description=f"Netto lånegjeld ved utgangen av året i prosent av brutto driftsinntekter. "
                             f"{_COUNTY}", **_ACC)
for _iid, (_title, _desc) in {
    "netto_lanegjeld_per_innb": ("Netto lånegjeld per innbygger", "Netto lånegjeld ved utgangen av året"),
    "brutto_investeringer_per_innb": ("Brutto investeringsutgifter per innbygger",
                                      "Brutto investeringsutgifter i året"),
    "brutto_driftsinntekter_per_innb": ("Brutto driftsinntekter per innbygger", "Brutto driftsinntekter"),
    "netto_driftsutgifter_per_innb": ("Netto driftsutgifter per innbygger", "Netto driftsutgifter"),
}.items():
    _add(id=_iid, title=_title, unit="kroner",
         description=f"{_desc} per innbygger (SSBs tall: delt på folkemengden 31. desember). {_COUNTY}",
         **_ACC)
_add(id="brutto_investeringer_4ar_per_innb", title="Brutto investeringsutgifter per innbygger, sum 4 år",
     unit="kroner", description="Summen av brutto investeringsutgifter per innbygger for året og de tre "
     "foregående (en økonomiplanperiode); bare når alle fire årene finnes.", **_ACC)

# service areas (12362 function groups): the groups overlap, so they are never summed
SERVICE_AREAS = {
    "barnehage": ("FGK7", "barnehage"), "grunnskole": ("FGK8b", "grunnskole"),
    "helse_omsorg": ("FGK9", "helse og omsorg"), "sosial": ("FGK12", "sosialsektoren samlet"),
    "barnevern": ("FGK13", "barnevern"), "var": ("FGK14", "vann, avløp, renovasjon og avfall"),
    "kirke": ("FGK15", "kirke"), "kommunale_boliger": ("FGK16", "kommunale boliger"),
    "brann_ulykkesvern": ("FGK17", "brann- og ulykkesvern"),
    "politisk_styring": ("FGK1a", "politisk styring og kontrollvirksomhet"),
    "administrasjon": ("FGK1b", "administrasjon"), "fellesutgifter": ("FGK1c", "fellesutgifter"),
    "kultur": ("FGK2", "kultursektoren"), "plan_byggesak_miljo": ("FGK3", "plan, byggesak og miljø"),
    "naering": ("FGK4", "næringsforvaltning"), "samferdsel": ("FGK5", "samferdsel"),
    "eiendomsforvaltning": ("FGK6a", "eiendomsforvaltning"),
}
# service areas also given per inhabitant of the age group they mainly serve (ages on 1 January t+1)
SERVICE_AGE_GROUPS = {"barnehage": (1, 5), "grunnskole": (6, 15), "helse_omsorg": (67, None)}
_SRV = dict(_ACC, source_tables=("12362", "07459"), query=Q12362, computation="service_spending")
for _area, (_fgk, _label) in SERVICE_AREAS.items():
    _add(id=f"netto_driftsutgifter_{_area}_per_innb", unit="kroner",
         title=f"Netto driftsutgifter til {_label} per innbygger",
         description=f"Netto driftsutgifter til {_label} (KOSTRA funksjonsgruppe {_fgk}) per "
         f"innbygger (SSBs tall). Tjenesteområdene overlapper og kan ikke summeres. {_COUNTY}", **_SRV)
for _area, (_lo, _hi) in SERVICE_AGE_GROUPS.items():
    _band = f"{_lo}–{_hi} år" if _hi is not None else f"{_lo} år og eldre"
    _suffix = f"{_lo}_{_hi}" if _hi is not None else f"{_lo}_pluss"
    _add(id=f"netto_driftsutgifter_{_area}_per_innb_{_suffix}",
         title=f"Netto driftsutgifter til {SERVICE_AREAS[_area][1]} per innbygger {_band}", unit="kroner",
         description=f"Netto driftsutgifter til {SERVICE_AREAS[_area][1]} ({SERVICE_AREAS[_area][0]}) "
                     f"delt på innbyggere {_band} 1. januar året etter (07459). {_COUNTY}", **_SRV)

_INC = dict(theme="okonomi", kind="flow", source_tables=("kdd-inntektssystem",), query=QINNTEKT,
            computation="income_system", measure="accounts", count_basis="ingen (totaltall)",
            reference_date="budsjettåret", coverage=NL_TR, published=AFTER_YEAR)
_add(id="frie_inntekter_per_innb", title="Frie inntekter per innbygger (tilnærming)", unit="kroner",
     description="Skatt på inntekt og formue (før inntektsutjevning) pluss rammetilskudd slik det er ført i "
                 "KOSTRA (som alt inneholder utjevningen): en tilnærming til SSBs offisielle tall. "
                 "Eiendomsskatt og konsesjonskraft- og kraftinntekter er ikke med.",
     levels=("kommune", "land"), **_INC)
_add(id="skatt_per_innb", title="Skatt på inntekt og formue per innbygger", unit="kroner",
     description="Skatt på inntekt og formue per innbygger før inntektsutjevning (KDD).",
     levels=("kommune", "land"), **_INC)
_add(id="skatt_pst_av_landet", title="Skatt per innbygger i prosent av landet", unit="prosent", decimals=1,
     description="Skatt på inntekt og formue per innbygger før inntektsutjevning, i prosent av landet (KDD).",
     levels=MUNICIPAL_ONLY, **_INC)
_add(id="skatt_etter_utjevning_pst_av_landet", title="Skatt etter inntektsutjevning i prosent av landet",
     unit="prosent", decimals=1, levels=MUNICIPAL_ONLY, description="Skatt på inntekt og formue pluss "
     "netto inntektsutjevning per innbygger, i prosent av landets skatt per innbygger (KDD).", **_INC)
_add(id="utgiftsutjevning_per_innb", title="Utgiftsutjevning per innbygger", unit="kroner",
     description="Utgiftsutjevningen i rammetilskuddet per innbygger (KDD; positiv = tilskudd fordi "
                 "utgiftsbehovet er høyere enn landsgjennomsnittet). Finnes fra 2021.",
     levels=MUNICIPAL_ONLY, **_INC)
_add(id="utgiftsbehov_indeks", title="Indeks for beregnet utgiftsbehov", unit="indeks", decimals=2,
     theme="okonomi", kind="stock", description="KDDs samlede indeks for beregnet utgiftsbehov "
     "(1,00 = landsgjennomsnittet) for budsjettåret, publisert med statsbudsjettet i oktober året før.",
     source_tables=("kdd-utgiftsbehov",), query=QDKI, computation="expenditure_need", measure="static",
     count_basis="ingen (beregning)", reference_date="budsjettåret", coverage=NL_TR, levels=MUNICIPAL_ONLY,
     published=BUDGET_YEAR)
_add(id="robek", title="Oppført i ROBEK", unit="ja/nei", theme="okonomi", kind="stock",
     description="1 = oppført i Register om betinget godkjenning og kontroll (ROBEK) i KDDs liste per "
                 "20.04.2026, 0 = ikke oppført; hjemmelen står ved tallet. Tidligere oppføringer er ikke "
                 "kjent.",
     source_tables=("kdd-robek",), query=QROBEK, computation="robek", measure="static",
     count_basis="ingen (register)", reference_date="20. april 2026", coverage=NL_TR, levels=MUNICIPAL_ONLY,
     comparable=False, published=LIST_DATE)


def robek_grounds(hjemmel: str) -> list[str]:
    """What a ROBEK hjemmel as listed ("a, b, c og d") means: one sentence per letter, in the list's order."""
    letters = re.findall(r"\b([a-g])\b", hjemmel)
    return [f"{letter}) {ROBEK_HJEMLER[letter]}" for letter in letters]


def visibility(ind: Indicator) -> str:
    """The publication rule that applies to `ind`: its `published`, else the one its kind implies
    (stocks on 1 January and static figures: UP_TO_YEAR; other stocks and flows: AFTER_YEAR; projections:
    BUDGET_YEAR, i.e. only the report year itself)."""
    if ind.published is not None:
        return UP_TO_YEAR if ind.published == LIST_DATE else ind.published
    if ind.kind == "flow" or (ind.kind == "stock" and ind.reference_date != "1. januar"):
        return AFTER_YEAR
    return BUDGET_YEAR if ind.kind == "projection" else UP_TO_YEAR


def visible(ind: Indicator, year: int, report_year: int) -> bool:
    """Whether a report for `report_year` may show `ind`'s figure for `year` (the rule of `factbase.as_of`):
    AFTER_YEAR up to report_year - 1, BUDGET_YEAR only report_year, otherwise up to report_year."""
    rule = visibility(ind)
    if rule == AFTER_YEAR:
        return year <= report_year - 1
    return year == report_year if rule == BUDGET_YEAR else year <= report_year


def get(indicator_id: str) -> Indicator:
    """The catalogue entry for `indicator_id`; a KeyError names close matches."""
    try:
        return CATALOGUE[indicator_id]
    except KeyError:
        import difflib

        close = difflib.get_close_matches(indicator_id, CATALOGUE, n=3)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise KeyError(f"no indicator {indicator_id!r} in the catalogue.{hint}") from None


def by_table(table_id: str) -> list[Indicator]:
    """Indicators that read `table_id` (so a change in that table means recomputing them)."""
    return [ind for ind in CATALOGUE.values() if table_id in ind.source_tables]


# Terms a kommunestyre cannot be expected to know: wherever one is shown, its definition goes beside it,
# in the catalogue's words plus what the number means in plain terms.
MEANING_NB = {
    "forsorgerbrok": "hvor mange barn og eldre det er for hver 100 i yrkesaktiv alder",
    "eldrebrok": "hvor mange av de aller eldste det er for hver 100 i yrkesaktiv alder",
}


def definitions(indicator_ids) -> list[str]:
    """Bokmål definitions of the terms in MEANING_NB among `indicator_ids`, one sentence each."""
    out = []
    for ind_id in dict.fromkeys(indicator_ids):
        if ind_id in MEANING_NB:
            ind = CATALOGUE[ind_id]
            what = ind.description.rstrip(".")
            out.append(f"{ind.title}: {what[:1].lower()}{what[1:]}, altså {MEANING_NB[ind_id]}.")
    return out


def as_frame():
    """The catalogue as a DataFrame, one row per indicator (for notebooks)."""
    import pandas as pd

    rows = [{**ind.__dict__, "source_tables": ", ".join(ind.source_tables), "levels": ", ".join(ind.levels)}
            for ind in CATALOGUE.values()]
    return pd.DataFrame(rows)


_KIND_NB = {"stock": "beholdning", "flow": "strøm", "projection": "framskriving", "static": "fast"}


@dataclass(frozen=True)
class Derived:
    """A figure a text computes from catalogue indicators for one sentence (not stored in the fact base);
    a claim names it as its `indicator` when no catalogue id says what its value is."""

    id: str
    title: str
    description: str
    unit: str
    based_on: tuple[str, ...]


_PERIOD = "fra 1. januar i periodens første år til 1. januar året etter siste år"
DERIVED: dict[str, Derived] = {d.id: d for d in (
    Derived("antall_kommuner", "Kommuner i en sammenligningsgruppe",
            "Antall kommuner i gruppen: kommunene med under 2 500 innbyggere 1. januar i referanseåret "
            "(nettverksoversikten).", "kommuner", ("folkemengde",)),
    Derived("endring_per_ar_pst", "Befolkningsendring per år i en periode, prosent",
            f"Snittet av de årlige endringene i folkemengde i prosent, {_PERIOD}.", "prosent",
            ("folkemengde",)),
    Derived("endring_per_ar_pst_forskjell", "Endring per år under minus før, prosentpoeng",
            "Befolkningsendringen per år (`endring_per_ar_pst`) i nettverksperioden minus den i perioden "
            "før, i prosentpoeng.",
            "prosentpoeng", ("folkemengde",)),
    Derived("fire_personer_pst", "Fire personer i prosent av folkemengden",
            "4 delt på folkemengden 1. januar, i prosent: hvor mye folketallet endres når én familie på "
            "fire flytter.", "prosent", ("folkemengde",)),
    *(Derived(f"{flow}_periode", f"{title}, sum for en periode", f"{title} summert over periodens år.",
              "personer", (flow,)) for flow, (title, _) in _FLOWS.items()),
    *(Derived(f"{flow}_periode_per_1000", f"{title} per 1000 innbyggere per år i en periode",
              f"{title} summert over periodens år, delt på summen av årenes middelfolkemengde (snittet av "
              "1. januar i året og 1. januar året etter, fra 07459), ganger 1000.", "per 1000",
              (flow, "folkemengde")) for flow, (title, _) in _FLOWS.items()),
)}


def is_known(indicator_id: str) -> bool:
    """Whether a claim's indicator is a catalogue id or a documented derived figure."""
    return indicator_id in CATALOGUE or indicator_id in DERIVED


def indicator_table_markdown() -> str:
    """The README's indicator table (markdown), generated from the catalogue so it cannot drift."""
    lines = ["| id | tittel | forklaring | enhet | type | tidspunkt | kilde (SSB-tabell eller KDD) | dekning "
             "| nivåer | antallet bak tallet |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for theme in THEMES:
        for ind in (i for i in CATALOGUE.values() if i.theme == theme):
            cells = [f"`{ind.id}`", ind.title, ind.description, ind.unit, _KIND_NB[ind.kind],
                     ind.reference_date, " + ".join(ind.source_tables), ind.coverage, ", ".join(ind.levels),
                     ind.count_basis]
            lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    lines += ["", "Avledede tall: regnet ut i en tekst fra indikatorene over, for én setning, og ikke "
              "lagret i faktagrunnlaget. En påstand (claim) bruker id-en når ingen indikator sier hva "
              "verdien er.", "",
              "| id | tittel | forklaring | enhet | bygger på |", "|---|---|---|---|---|"]
    for d in DERIVED.values():
        # based_on unquoted: a backticked id in a cell is how a row names its indicator
        cells = [f"`{d.id}`", d.title, d.description, d.unit, ", ".join(d.based_on)]
        lines.append("| " + " | ".join(c.replace("|", "/") for c in cells) + " |")
    return "\n".join(lines) + "\n"
