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

KDD's figures (income system, expenditure need, ROBEK) are not SSB's: `KDD_TABLES` names them so that
`samfunn update` can say they cannot be fetched from SSB.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samfunn_data.ssb.query import Query

MUNICIPALITIES = ("kommune", {"Region": "*"}, {"Region": "agg_KommSummer"})
COUNTIES = ("fylke", {"Region": "*"}, {"Region": "vs_Fylker"})
COUNTRY = ("land", {"Region": "0"}, {})


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
    )
}

KLASS: tuple[KlassSpec, ...] = (
    KlassSpec("131-changes", "Kommuneendringer (KLASS 131)"),
    KlassSpec("131-correspondsAt-128", "Sentralitet per kommune (KLASS 131 → 128)", {"date": "2024-01-01"}),
)

# SSB tables other branches add to the snapshot whose live shape is not yet mapped exactly onto the
# snapshot's: `samfunn update` names them instead of storing something the build would have to refuse.
# KOSTRA tables use their own variable ids (janbrus/pxwebapi-skills, references/kostra.md:
# `KOKkommuneregion0000` for the region, `KOKfunksjon0000`, `KOKart0000`, `KOKartkap0000`, contents
# `KOS…0000`), and their municipality codes include merged ones with no `agg_KommSummer`; 03321's
# snapshot recodes 2017 municipalities to 2024 borders, which SSB does not.
PENDING = {
    "12137": "KOSTRA: SSBs variabler (KOKkommuneregion0000, KOKartkap0000, KOS…-koder) er ikke koblet til "
             "snapshotets (Region, Regnskapsbegrep)",
    "12362": "KOSTRA: SSBs variabler (KOKkommuneregion0000, KOKfunksjon0000, KOKart0000) er ikke koblet til "
             "snapshotets (Region, Funksjon, Regnskapsbegrep)",
    "03321": "pendling: snapshotet har 2017-kommuner omkodet til 2024-grenser; SSB svarer med 2017-kodene",
}

KDD_TABLES = {
    "inntektssystem": "Inntektssystemet (KDDs grønne hefte)",
    "utgiftsbehov": "Utgiftsbehov (KDD)",
    "robek": "ROBEK-registeret (KDD)",
}
