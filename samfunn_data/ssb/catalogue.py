"""The live queries: for every SSB table the fact base uses, the PxWebApi 2.0 queries that fetch it.

Each table is fetched per region level, so that the rows have exactly the snapshot's dimensions and codes.
Every id and code below was checked against public code that queries SSB (cited per table); what no public
source confirms is said so.

- 07459: municipalities with codelist `agg_KommSummer` ("summed to today's borders", output `K-<code>`,
  normalised to the plain code by `samfunn_data.ssb.shape`), counties with the codelist `agg_KommFylker`, the
  country as `0`. Confirmed: `agg_KommSummer` with `K-` codes and `Personer1` in oystess/valg_analyser
  (`scripts/hent_data.py`, `parse_pop_region`: "K-CODE NAME" labels; `data/raw/ssb/MANIFEST.md`: 07459
  `Region: *`, codelist `agg_KommSummer`, Kjonn and Alder eliminated) and evensrii/Telemark
  (`Python/Queries/01_Befolkning/Befolkningsframskrivinger/befolkningsframskrivinger_historiske_07459.py`:
  `valuecodes[Region]=K-4001,...&codelist[Region]=agg_KommSummer`). Counties with `agg_KommFylker`
  (`F-<fylke>`, the sum of the county's municipalities on today's borders, as the snapshot's counties are
  made): the same evensrii/Telemark file (`valuecodes[Region]=F-40&codelist[Region]=agg_KommFylker`) and
  janbrus/pxwebapi-skills (`ssb-pxwebapi-v2-skill/references/common-tables.md`). `agg_KommSummer` writes 0
  for a municipality before it was split off (valg_analyser's MANIFEST.md: Heim, Hitra, Orkland, Narvik,
  Hamarøy before 2020), so `persons` makes the build drop region-years of 0 persons and county-years with a
  municipality missing, as the snapshot does.
- 06913, 06944, 07984, 09429: the snapshot holds these on the municipality codes of each year, as SSB
  serves them without a codelist (the snapshot's excerpts come from oystess/valg_analyser's files fetched
  "with codes", `data/raw/ssb/MANIFEST.md`), so the live query selects `????` (the four-character codes,
  i.e. municipalities) without a codelist and `samfunn_data.ssb.shape` keeps the municipalities the registry
  knows, leaving former ones out (they are other units, never recoded). Codelists for today's borders differ
  per table, with other prefixes, which is why none is used: 06913 has `agg_KommSummerHist` with `K_4001`
  (evensrii/Telemark, `Python/Queries/01_Befolkning/Befolkningsutvikling/befolkningsvekst.py`), 07984 has
  `agg_KommSummerS` with `K.4001` (same repository, `Python/Queries/03_Arbeid_og_naeringsliv/Arbeidsliv/
  Sysselsetting/sysselsetting_alder.py`, v0 filter `agg:KommSummerS`), 09429 `agg_single:KommGjeldende`,
  and 06944 (medians cannot be summed) none that public code uses.
  Codes: 06913 `Folkemengde`, `Fodselsoverskudd`, `Nettoinnflytting` (valg_analyser's
  `data/raw/ssb/flytt06913_kommuner.csv`, header `kode,variabel,aar,verdi`); 06944 `HusholdType` `0000`,
  `InntSkatt`, `AntallHushold` (valg_analyser's `innt06944_kommuner.csv`); 07984 `NACE2007` `00-99`, `01-03`,
  `10-33`, `84`, `85`, `86-88`, `Kjonn` `0`, `Alder` `15-74`, `Sysselsatte` (valg_analyser's
  `syss07984_kommuner.csv`; `Sysselsatte` and the `Alder` variable also in evensrii/Telemark's query above);
  09429 `Nivaa` `00`, `03a`, `04a`, `Kjonn` `0`, `Personer` (valg_analyser's `utd09429_kommuner.csv`; public
  v0 queries of 09429 with `Nivaa` `00`/`03a`/`04a`, `Kjonn` `0`, `ContentsCode` `Personer` were found by
  exact-string search, whose index does not name their repository).
- 14288: SSB's contents codes are `Personer`, `Personer1`, `Personer2`, labelled
  "Hovedalternativet (MMMM)", "Høy nasjonal vekst (HHMH)", "Lav nasjonal vekst (LLML)"
  (JohanWidding/SSB-regionale-befolkningsframskrivinger: `payload.txt` asks for them, `output.csv` is
  headed by those labels). The snapshot names the alternatives
  `MMMM`, `HHMH`, `LLML`; `codes_from_labels` makes `shape` take the code in brackets at the end of SSB's
  label, an exact mapping that refuses a label without one. Regions: value sets `vs_KommunFram2024Agg`
  (a public v0 query `vs:KommunFram2024Agg` with value `4212`, found by exact-string search, repository not
  named by the index) and `vs_FylkerFram2024` (Widding's `payload.txt`), plain codes. 14288 also has `Kjonn`
  and `Alder` (Widding's query selects them); the query leaves them out, which gives totals only if SSB lets
  them be eliminated — no public source says whether it does. The newest projection table is found from
  `/tables` (the newest "Framskrevet folkemengde" table with a region variable).

KOSTRA (12137, 12362) has SSB's own variable ids, which the snapshot uses as well (see
`samfunn_data/importers/kostra_12137.py` for the sources): region `KOKkommuneregion0000`, regnskapsbegrep
`KOKartkap0000`, funksjon `KOKfunksjon0000`, art `KOKart0000`. Contents: `KOSbelop0000` (1000 kr) on 12137
(an R extract `ApiData(".../table/12137", KOKkommuneregion0000 = TRUE, KOKartkap0000 = "AGD1", ContentsCode
= "KOSbelop0000")`, found by exact-string search) and `KOSbelopinnbygge0000` (kr per innbygger) on 12362
(public dashboards querying `tables/12362/data` with `valueCodes[ContentsCode]=KOSbelopinnbygge0000`, found
the same way). No public code confirms `KOSbelopinnbygge0000` on 12137: if SSB answers "Non-existent value",
`samfunn update` reports 12137 as not fetched. The regnskapsbegrep codes `AGD13`, `AGD9`, `AGD23`, `KG31`,
`AGI1`, `AGD1` are Fellestall's (`samfunn_data/importers/kostra_12137.py`); public queries have `AGD1` on
12137 and `AGD23`, `KG31` on the sister table 12143 (found by exact-string search); `AGD13`, `AGD9`, `AGI1`
no public code confirms.
KOSTRA has no `agg_KommSummer` (janbrus/pxwebapi-skills,
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
COUNTIES = ("fylke", {"Region": "*"}, {"Region": "agg_KommFylker"})
COUNTRY = ("land", {"Region": "0"}, {})
KOSTRA_REGION = "KOKkommuneregion0000"
KOSTRA_MUNICIPALITIES = ("kommune", {KOSTRA_REGION: "????"}, {})
# The municipality codes of each year, without a codelist (see the module docstring)
YEARLY_MUNICIPALITIES = ("kommune", {"Region": "????"}, {})
PROJECTION_MUNICIPALITIES = ("kommune", {"Region": "*"}, {"Region": "vs_KommunFram2024Agg"})
PROJECTION_COUNTIES = ("fylke", {"Region": "*"}, {"Region": "vs_FylkerFram2024"})
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
    # Region dimension whose codes outside the registry's are left out (former municipalities), not refused
    yearly_region: str = ""
    codes_from_labels: tuple[str, ...] = ()  # dims whose code is the "(CODE)" ending SSB's label
    # persons per region: a region-year of 0 is SSB's placeholder, a county needs all its municipalities
    # (`samfunn_data.ssb.shape.drop_placeholders`, `complete_counties`)
    persons: bool = False

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
                  (MUNICIPALITIES, COUNTIES, COUNTRY), persons=True),
        TableSpec("06913", "Befolkning og endringer (fødselsoverskudd, nettoinnflytting)",
                  ("Region", "ContentsCode", "Tid"),
                  {"ContentsCode": "Folkemengde,Fodselsoverskudd,Nettoinnflytting", "Tid": "from(2019)"},
                  (YEARLY_MUNICIPALITIES,), yearly_region="Region"),
        TableSpec("06944", "Inntekt etter skatt for husholdninger (median, antall)",
                  ("Region", "HusholdType", "ContentsCode", "Tid"),
                  {"HusholdType": "0000", "ContentsCode": "AntallHushold,InntSkatt", "Tid": "from(2019)"},
                  (YEARLY_MUNICIPALITIES,), yearly_region="Region"),
        TableSpec("07984", "Sysselsatte 15–74 år etter bosted og næring, 4. kvartal",
                  ("Region", "NACE2007", "Kjonn", "Alder", "ContentsCode", "Tid"),
                  {"NACE2007": "00-99,01-03,10-33,84,85,86-88", "Kjonn": "0", "Alder": "15-74",
                   "ContentsCode": "Sysselsatte", "Tid": "from(2019)"},
                  (YEARLY_MUNICIPALITIES,), yearly_region="Region"),
        TableSpec("09429", "Utdanningsnivå, personer 16 år og over",
                  ("Region", "Nivaa", "Kjonn", "ContentsCode", "Tid"),
                  {"Nivaa": "00,03a,04a", "Kjonn": "0", "ContentsCode": "Personer", "Tid": "from(2019)"},
                  (YEARLY_MUNICIPALITIES,), yearly_region="Region"),
        TableSpec("14288", "Framskrevet folkemengde 1. januar (hovedalternativet og høy/lav)",
                  ("Region", "ContentsCode", "Tid"),
                  {"ContentsCode": "Personer,Personer1,Personer2", "Tid": "*"},
                  (PROJECTION_MUNICIPALITIES, PROJECTION_COUNTIES), find_newest="Framskrevet folkemengde",
                  codes_from_labels=("ContentsCode",)),
        TableSpec("12137", "KOSTRA: finansielle nøkkeltall og utvalgte regnskapsbegreper (K)",
                  (KOSTRA_REGION, "KOKartkap0000", "ContentsCode", "Tid"),
                  {"KOKartkap0000": "AGD13,AGD9,AGD23,KG31,AGI1,AGD1", "ContentsCode": KOSTRA_CONTENTS,
                   "Tid": "*"},
                  (KOSTRA_MUNICIPALITIES,), yearly_region=KOSTRA_REGION),
        TableSpec("12362", "KOSTRA: driftsutgifter og investeringsutgifter etter funksjon og art (K)",
                  (KOSTRA_REGION, "KOKfunksjon0000", "KOKart0000", "ContentsCode", "Tid"),
                  {"KOKfunksjon0000": "FGK1a,FGK1b,FGK1c,FGK2,FGK3,FGK4,FGK5,FGK6a,FGK7,FGK8b,FGK9,FGK12,"
                                      "FGK13,FGK14,FGK15,FGK16,FGK17",
                   "KOKart0000": "AGD10,AGD2,AGI5", "ContentsCode": KOSTRA_CONTENTS, "Tid": "*"},
                  (KOSTRA_MUNICIPALITIES,), yearly_region=KOSTRA_REGION),
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
