"""One report as a model: ordered sections holding claims, tables and figures, for every document format.

The notebook renders HTML cell by cell; DOCX (`reports.docx`) and the one-page "Kommunen i tall" need the
same content as data. `build_model` makes it from the same functions the notebook calls (`data.load`,
`findings`, `planning`, `narrative`, `tables`, `figures`, `commuting`), never by reading the HTML, so
every format shows the same figures and words. Claims are logged in page order in ``model.claims``, as the
notebook logs them for ``<report>.claims.json``.

A new report section is one entry in `SECTIONS`: a function ``(data) -> list[Section]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from samfunn_data.facts import claims as C

BODY, NOTE, LEAD = "body", "note", "lead"


@dataclass(frozen=True)
class Paragraph:
    """Text in one of the styles BODY, NOTE, LEAD; ``claims`` when the text is made of claims' sentences
    (then ``text`` is their texts joined by spaces and ``bold`` a lead-in the first claim starts with)."""

    text: str
    style: str = BODY
    claims: tuple[C.Claim, ...] = ()
    bold: str = ""
    bullet: bool = False


@dataclass(frozen=True)
class Table:
    """A table as text cells: the first column names the row; ``notes`` stand under it."""

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    notes: tuple[str, ...] = ()
    claim_column: int | None = None  # a column whose cells are claims' sentences
    claims: tuple[C.Claim, ...] = ()


@dataclass(frozen=True)
class Figure:
    """A chart (`charts.Chart`: matplotlib figure, title, alt text, source line)."""

    chart: object


@dataclass
class Section:
    key: str
    title: str
    level: int = 2
    blocks: list = field(default_factory=list)


@dataclass
class ReportModel:
    kommunenr: str
    name: str
    county_name: str
    year: int
    title: str
    lead: str
    sections: list[Section]
    claims: C.ClaimLog
    data: object = field(repr=False, default=None)

    def all_claims(self) -> list[C.Claim]:
        return list(self.claims.claims)


def _claim_paragraphs(log: C.ClaimLog, made, bullet: bool = True) -> list[Paragraph]:
    out = []
    for c in made:
        log.add(c)
        out.append(Paragraph(c.text, claims=(c,), bullet=bullet))
    return out


def _indicator_table(data, ids: list[str], caption: str) -> list:
    from samfunn_data.facts import indicators
    from samfunn_data.reports import tables

    rows = tables.indicator_rows(data, ids)
    if not rows:
        note = tables.empty_table_note(data, ids, caption)
        return [] if note is None else [Paragraph(note, NOTE)]
    header = ("Indikator", "Tid", data.name, data.county_name, "Landet", "Små kommuner (median, antall)",
              "Vurdering")
    cells = tuple((r["title"], r["when"], r["value"], r["county"], r["country"],
                   f"{r['small']} ({r['small_n']})" if r["small_n"] else r["small"], r["assessment"])
                  for r in rows)
    defined = indicators.definitions([r["id"] for r in rows])
    return [Table(caption, header, cells, (" ".join(defined),) if defined else ())]


def _figure(chart) -> list:
    return [Figure(chart)] if chart is not None else []


# -- sections, in the notebook's order ----------------------------------------------------------------------


def hovedtrekk(data) -> list[Section]:
    from samfunn_data.reports import narrative

    main = Section("hovedtrekk", "Hovedtrekk", 2,
                   _claim_paragraphs(data.claims, narrative.hovedtrekk_claims(data)))
    rows = narrative.changes_since_previous(data)
    if not rows:
        return [main]
    for r in rows:
        data.claims.add(r["claim"])
    table = Table(narrative.changes_caption(data), ("Indikator", "Året før", "Nå", "Vurdering"),
                  tuple((r["title"], *narrative.change_cells(r), r["claim"].text) for r in rows),
                  (narrative.CHANGES_NOTE,), claim_column=3, claims=tuple(r["claim"] for r in rows))
    return [main, Section("endringer", narrative.changes_caption(data), 3, [table])]


def befolkning(data) -> list[Section]:
    from samfunn_data.reports import figures

    return [Section("befolkning", "Befolkningsutvikling", 2, [
        *_figure(figures.population(data)),
        *_indicator_table(data, ["folkemengde", "endring_1ar", "endring_5ar_pst", "endring_10ar_pst"],
                          "Folketall og endring")])]


def alder(data) -> list[Section]:
    from samfunn_data.reports import figures, tables

    return [Section("alder", "Alderssammensetning", 2, [
        *_figure(figures.pyramid(data)),
        *_indicator_table(data, tables.AGE_IDS, "Aldersgrupper 1. januar"),
        *_indicator_table(data, tables.RATIO_IDS, "Forsørgerbrøk, eldrebrøk, kjønnsbalanse og medianalder")])]


def endringer(data) -> list[Section]:
    from samfunn_data.reports import figures, tables

    return [Section("befolkningsendringer", "Befolkningsendringer", 2, [
        *_figure(figures.components(data)),
        *_indicator_table(data, tables.FLOW_IDS,
                          "Fødselsoverskudd og nettoinnflytting (kalenderår før rapportåret)")])]


PROJECTION_NOTE = ("SSBs framskrivinger har bare totalt folketall per kommune i dataene. Hva de betyr for "
                   "barn, arbeidsfør alder og eldre, kan ikke leses ut av dem; se «Datagrunnlag og kilder».")


def framskrivinger(data) -> list[Section]:
    from samfunn_data.reports import figures, tables

    rows = tables.county_range_rows(data)
    county = ([Table(tables.county_range_caption(data), tables.COUNTY_RANGE_HEADER,
                     tuple(tuple(r) for r in rows))] if rows is not None
              else [Paragraph(tables.county_range_note(data), NOTE)])
    return [Section("framskrivinger", "Framskrivinger", 2, [
        *_figure(figures.projection(data)),
        *_indicator_table(data, tables.PROJECTION_IDS, "SSBs hovedalternativ for kommunen"),
        *county, Paragraph(PROJECTION_NOTE)])]


def levekar(data) -> list[Section]:
    from samfunn_data.reports import commuting, tables

    caption = "Inntekt, husholdninger, sysselsetting og utdanning"
    main = Section("levekar", "Levekår og økonomi", 2, _indicator_table(data, tables.LIVING_IDS, caption))
    if not commuting.available(data):
        return [main, Section("pendling", "Pendling", 3, [Paragraph(commuting.absent_text(data), NOTE)])]
    made = commuting.lead_claims(data)
    for c in made:
        data.claims.add(c)
    blocks = [Paragraph(" ".join(c.text for c in made), claims=tuple(made)),
              *_indicator_table(data, commuting.IDS, commuting.caption(data))]
    for top, caption, partner, share in commuting.partner_tables(data):
        blocks.append(Table(caption, (partner, "Personer", share, "Tallgrunnlag"),
                            tuple(tuple(r) for r in commuting.partner_rows(top))))
    blocks += [Paragraph(commuting.NOTE, NOTE), *_figure(commuting.flow_map(data))]
    return [main, Section("pendling", "Pendling", 3, blocks)]


def sentralitet(data) -> list[Section]:
    from samfunn_data.reports import figures, findings, tables

    made = findings.centrality(data)
    return [Section("sentralitet", "Bosetting og sentralitet", 2, [
        *_claim_paragraphs(data.claims, [made] if made else [], bullet=False),
        *_figure(figures.locator(data)),
        *_indicator_table(data, tables.CENTRALITY_IDS, "Sentralitet")])]


def _economy_table(data, ids, caption: str, first_col: str = "Indikator", label=None) -> list:
    from samfunn_data.reports import economy

    rows = economy.table_rows(data, ids, label)
    if not rows:
        return [Paragraph(f"Dataene har ingen tall for «{caption}» for dette året.", NOTE)]
    return [Table(caption, economy.table_header(data, first_col), tuple(tuple(r) for r in rows))]


def okonomi(data) -> list[Section]:
    from samfunn_data.reports import economy, economy_charts, economy_text

    intro, is_note = economy.intro_text(data)
    areas, groups = economy.service_ids()
    label = economy._service_label
    robek, robek_note = economy.robek_text(data)
    main = [Paragraph(intro, NOTE if is_note else BODY),
            *_claim_paragraphs(data.claims, economy_text.section_claims(data)),
            Figure(economy_charts.trend(data)),
            *_economy_table(data, economy.KEY_IDS, economy.KEY_CAPTION), Paragraph(economy.KEY_NOTE, NOTE)]
    need = [c for c in [economy_text.need_claim(data)] if c]
    services = [*_claim_paragraphs(data.claims, need, bullet=False),
                Paragraph(economy.need_text(data)),
                *_claim_paragraphs(data.claims, [c for c in [economy_text.equalisation_claim(data)] if c],
                                   bullet=False),
                Paragraph(economy.need_note(data)),
                *_economy_table(data, areas, economy.SERVICE_CAPTIONS[0], "Tjenesteområde", label),
                *(_economy_table(data, groups, economy.SERVICE_CAPTIONS[1], "Tjenesteområde", label)
                  if groups else [])]
    income = [*_economy_table(data, economy.INCOME_IDS, economy.INCOME_CAPTION),
              Paragraph(economy.POWER_NOTE, NOTE), Paragraph(robek, NOTE if robek_note else BODY)]
    # the notebook's subheadings; one key, so the planner's «okonomi» comment follows the last of them
    return [Section("okonomi", "Kommuneøkonomi", 2, main),
            Section("okonomi", "Tjenester og utgiftsbehov", 3, services),
            Section("okonomi", "Frie inntekter, skatt og ROBEK", 3, income)]


def planstrategi(data) -> list[Section]:
    from samfunn_data.reports import narrative, planning

    blocks = []
    for bullet in planning.bullets(data):
        for c in bullet.claims:
            data.claims.add(c)
        bold = bullet.lead if bullet.claims and bullet.claims[0].text.startswith(bullet.lead) else ""
        blocks.append(Paragraph(" ".join(c.text for c in bullet.claims), claims=tuple(bullet.claims),
                                bold=bold, bullet=True))
    if not blocks:
        blocks.append(Paragraph(narrative.NOTHING_CLEAR))
    blocks.append(Paragraph(narrative.CLOSING, NOTE))
    return [Section("planstrategi", "Hva betyr dette for planstrategien?", 2, blocks)]


def kilder(data) -> list[Section]:
    from samfunn_data.reports import data as report_data
    from samfunn_data.reports import tables

    rows = tables.source_rows(data, report_data.manifest(), report_data.tables_used(data))
    sources = Table("Tabeller brukt i rapporten", tables.SOURCES_HEADER, tuple(tuple(r) for r in rows),
                    (tables.SOURCES_NOTE,))
    from samfunn_data.reports import economy

    gaps = [Paragraph(item, bullet=True) for item in tables.missing_items(data)]
    gaps[len(tables.KNOWN_GAPS):len(tables.KNOWN_GAPS)] = [Paragraph(f"Kommuneøkonomi: {item}", bullet=True)
                                                           for item in economy.MISSING_ITEMS]
    return [Section("kilder", "Datagrunnlag og kilder", 2, [sources, Paragraph(tables.grade_text(), NOTE)]),
            Section("mangler", "Tall denne rapporten mangler", 3,
                    [*gaps, Paragraph(tables.ATTRIBUTION, NOTE)])]


SECTIONS = [hovedtrekk, befolkning, alder, endringer, framskrivinger, levekar, sentralitet, okonomi,
            planstrategi, kilder]


def build_model(kommunenr: str, year: int, data=None) -> ReportModel:
    """The report for ``kommunenr`` and ``year`` as sections of claims, tables and figures.

    Parameters
    ----------
    kommunenr : municipality code, e.g. "5033".
    year : report year.
    data : a `report_data.ReportData` already loaded (default: `report_data.load`), e.g. from a test.

    Returns
    -------
    ReportModel whose ``claims`` log holds every claim in page order, as the notebook writes them.
    """
    from samfunn_data.reports import data as report_data
    from samfunn_data.reports import narrative

    data = data if data is not None else report_data.load(kommunenr, year)
    sections = [section for make in SECTIONS for section in make(data)]
    return ReportModel(data.kommunenr, data.name, data.county_name, data.year,
                       narrative.HEADING.format(name=data.name, year=data.year), narrative.lead_text(data),
                       sections, data.claims, data)
