"""The live queries: for every SSB table the fact base uses, the PxWebApi 2.0 queries that fetch it.

Each table is fetched per region level, so that the rows have exactly the snapshot's dimensions and
codes: municipalities with codelist `agg_KommSummer` ("summed to today's borders", output `K-<code>`,
normalised to the plain code by `samfunn_data.ssb.shape`), counties with the value set `vs_Fylker`, the
country as `0`. SSB's codelist names and prefixes are those documented for 07459 in
janbrus/pxwebapi-skills (`ssb-pxwebapi-v2-skill/references/common-tables.md`: "Bruk kodeliste
`agg_KommFylker` for fylkesaggregering, `agg_KommSummer` for konsistente tidsserier"). The other codes
(contents, industries, levels of education) are the snapshot's; where SSB's live table uses other
codes, SSB answers "Non-existent value" and `samfunn update` reports the table as not fetched instead
of storing something of another shape.

Online, the tables the snapshot holds only for Nordland and Trøndelag (06913, 06944, 07984, 09429) are
fetched for every municipality in Norway. The projection table is found from `/tables` (the newest
"Framskrevet folkemengde" table with a region variable); 14288 is the one the snapshot holds.

KOSTRA (12137, 12362) has SSB's own variable ids, which the snapshot uses as well (see
`samfunn_data/importers/kostra_12137.py` for the sources): region `KOKkommuneregion0000`, regnskapsbegrep
`KOKartkap0000`, funksjon `KOKfunksjon0000`, art `KOKart0000`, contents `KOSbelop0000` (1000 kr) and
`KOSbelopinnbygge0000` (kr per innbygger). KOSTRA has no `agg_KommSummer` (janbrus/pxwebapi-skills,
references/kostra.md: "det finnes ingen `agg_KommSummer`-ekvivalent"); its region codes are the
municipalities of each year, current and former, plus SSB's own estimated aggregates (`EAK`, `EAKUO`,
`EKAnn`, `EKGnn`). The query selects `????`, the four-character codes, i.e. municipalities (PxWebApi's `?`
matches exactly one character of the whole code: PxTools/PxWebApi, `PxWeb/Code/Api2/DataSelection/
SelectionExpressions/QuestionmarkExpression.cs`, pattern `^` + code with `?` as `.` + `$`), and
`samfunn_data.ssb.shape` keeps the municipalities on current borders (former ones hold their own accounts,
which are not today's municipalities and are left out, never recoded). SSB's county and country figures are
estimated and weighted (kostra.md), not the sums of the municipalities that the fact base uses for counties,
so they are not fetched.

03321 (commuting) has no codelist either: SSB answers with the municipality codes valid in each year (1665
Tydal in 2017, 5033 Tydal from 2018), as the embedded snapshot holds them. `year_codes` names such
dimensions: the build recodes each year's codes to 2024 municipalities by exact sums
(`samfunn_data.recoding`, the same code for the snapshot and for a fetched vintage), and refuses a vintage
with codes its year cannot have or without every municipality against every other
(`samfunn_data.facts.sources.check_year_codes`). The query takes every year from the snapshot's (2017)
on, not `top(1)`: the store keeps the newest vintage of each query, so a `top(1)` vintage would lose the
previous year the day SSB publishes the next. One year is about 853 x 853 region codes (current and former
municipalities) = 727,609 cells, so the client splits the query into parts under SSB's `maxDataCells`
(800,000).

KDD's figures (income system, expenditure need, ROBEK) are not SSB's: `KDD_TABLES` names them so that
`samfunn update` can say they cannot be fetched from SSB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samfunn_data.ssb.query import Query

MUNICIPALITIES = ("kommune", {"Region": "*"}, {"Region": "agg_KommSummer"})
COUNTIES = ("fylke", {"Region": "*"}, {"Region": "vs_Fylker"})
COUNTRY = ("land", {"Region": "0"}, {})
KOSTRA_REGION = "KOKkommuneregion0000"
KOSTRA_MUNICIPALITIES = ("kommune", {KOSTRA_REGION: "????"}, {})
KOSTRA_CONTENTS = "KOSbelop0000,KOSbelopinnbygge0000"


@dataclass(frozen=True)
class TableSpec:
    """One SSB table: its dimensions, the selection shared by all parts, and one part per region level."""

    table_id: str
    title: str
    dims: tuple[str, ...]
    selection: dict[str, str]
    levels: tuple[tuple[str, dict, dict], ...] = (MUNICIPALITIES,)
    note: str = ""
    find_newest: str | None = None  # a /tables search that finds a newer successor (projections)
    year_codes: tuple[str, ...] = ()  # dimensions with each year's municipality codes (recoded by the build)

    def queries(self, table_id: str | None = None) -> list[tuple[str, Query]]:
        """(level, Query) for every part, optionally for a successor table with the same shape."""
        out = []
        for level, region, codelist in self.levels:
            out.append((level, Query.build(table_id or self.table_id, self.selection | region,
                                           codelist=codelist or None)))
        return out


@dataclass(frozen=True)
class KlassSpec:
    """A KLASS answer the registry uses (`samfunn_data/ssb/klass.py`)."""

    key: str
    title: str
    extra: dict = field(default_factory=dict)


CATALOGUE: dict[str, TableSpec] = {
    spec.table_id: spec
    for spec in (
        TableSpec("07459", "Befolkning 1. januar etter region, kjønn og ettårig alder",
                  ("Region", "Kjonn", "Alder", "ContentsCode", "Tid"),
                  {"Kjonn": "*", "Alder": "*", "ContentsCode": "Personer1", "Tid": "*"},
                  (MUNICIPALITIES, COUNTIES, COUNTRY)),
        TableSpec("06913", "Befolkning og endringer (fødselsoverskudd, nettoinnflytting)",
                  ("Region", "ContentsCode", "Tid"),
                  {"ContentsCode": "Folkemengde,Fodselsoverskudd,Nettoinnflytting", "Tid": "from(2019)"}),
        TableSpec("06944", "Inntekt etter skatt for husholdninger (median, antall)",
                  ("Region", "HusholdType", "ContentsCode", "Tid"),
                  {"HusholdType": "0000", "ContentsCode": "AntallHushold,InntSkatt", "Tid": "from(2019)"}),
        TableSpec("07984", "Sysselsatte 15–74 år etter bosted og næring, 4. kvartal",
                  ("Region", "NACE2007", "Kjonn", "Alder", "ContentsCode", "Tid"),
                  {"NACE2007": "00-99,01-03,10-33,84,85,86-88", "Kjonn": "0", "Alder": "15-74",
                   "ContentsCode": "Sysselsatte", "Tid": "from(2019)"}),
        TableSpec("09429", "Utdanningsnivå, personer 16 år og over",
                  ("Region", "Nivaa", "Kjonn", "ContentsCode", "Tid"),
                  {"Nivaa": "00,03a,04a", "Kjonn": "0", "ContentsCode": "Personer", "Tid": "from(2019)"}),
        TableSpec("14288", "Framskrevet folkemengde 1. januar (hovedalternativet og høy/lav)",
                  ("Region", "ContentsCode", "Tid"),
                  {"ContentsCode": "MMMM,HHMH,LLML", "Tid": "*"},
                  (MUNICIPALITIES, COUNTIES), find_newest="Framskrevet folkemengde"),
        TableSpec("12137", "KOSTRA: finansielle nøkkeltall og utvalgte regnskapsbegreper (K)",
                  (KOSTRA_REGION, "KOKartkap0000", "ContentsCode", "Tid"),
                  {"KOKartkap0000": "AGD13,AGD9,AGD23,KG31,AGI1,AGD1", "ContentsCode": KOSTRA_CONTENTS,
                   "Tid": "*"},
                  (KOSTRA_MUNICIPALITIES,)),
        TableSpec("12362", "KOSTRA: driftsutgifter og investeringsutgifter etter funksjon og art (K)",
                  (KOSTRA_REGION, "KOKfunksjon0000", "KOKart0000", "ContentsCode", "Tid"),
                  {"KOKfunksjon0000": "FGK1a,FGK1b,FGK1c,FGK2,FGK3,FGK4,FGK5,FGK6a,FGK7,FGK8b,FGK9,FGK12,"
                                      "FGK13,FGK14,FGK15,FGK16,FGK17",
                   "KOKart0000": "AGD10,AGD2,AGI5", "ContentsCode": KOSTRA_CONTENTS, "Tid": "*"},
                  (KOSTRA_MUNICIPALITIES,)),
        # SSB's ids and codes for 03321, from public code that queries it: `{ variableCode: 'ArbstedKomm',
        # valueCodes: ['*'] }, { variableCode: 'Bokommuen', ... }, { variableCode: 'ContentsCode',
        # valueCodes: ['Sysselsatte'] }, { variableCode: 'Tid', ... }` (a TypeScript PxWebApi 2.0 client for
        # Bamble, whose comments note 853 region codes and each year's codes: 0814 to 2019, 3813 2020-2023,
        # 4012 from 2024) and `ApiData(".../api/v0/no/table/03321/", Tid = y, ArbstedKomm = TRUE,
        # Bokommuen = TRUE)` (an R script with SSB's PxWebApiData).
        TableSpec("03321", "Sysselsatte etter arbeidsstedskommune og bostedskommune (pendling)",
                  ("ArbstedKomm", "Bokommuen", "ContentsCode", "Tid"),
                  {"ArbstedKomm": "*", "Bokommuen": "*", "ContentsCode": "Sysselsatte", "Tid": "from(2017)"},
                  (("kommune", {}, {}),), year_codes=("ArbstedKomm", "Bokommuen")),
    )
}

KLASS: tuple[KlassSpec, ...] = (
    KlassSpec("131-changes", "Kommuneendringer (KLASS 131)"),
    KlassSpec("131-correspondsAt-128", "Sentralitet per kommune (KLASS 131 → 128)", {"date": "2024-01-01"}),
)

KDD_TABLES = {
    "inntektssystem": "Inntektssystemet (KDDs grønne hefte)",
    "utgiftsbehov": "Utgiftsbehov (KDD)",
    "robek": "ROBEK-registeret (KDD)",
}
