"""Bokmål text and formatted tables for the network overview, written from the numbers in `network`.

Every sentence states its numbers and says when small numbers make a difference impossible to tell.
Sentences that state a finding about numbers (here and in `network.period_text`) are `claims.Claim`
records rendered through the overview's `ClaimLog` (pass ``log``) as HTML lists inside a
``data-claims-section`` container; method, definition and source text stays plain Markdown outside them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from samfunn_data.facts import claims as C
from samfunn_data.facts.commuting import INDICATORS, period
from samfunn_data.facts.robustness import GRADE_LABELS_NB, INDICATIVE, TOO_FEW, grade_label, grade_legend_nb
from samfunn_data.formatting import MISSING, fmt_int, fmt_number, fmt_pct, fmt_value, round_half_up
from samfunn_data.network.analysis import GROUP_LABELS, MIN_COVERAGE

# The comparison groups as claims name them.
GROUP_COMPARATOR = {"sma_nl_tr": C.SMALL_NL_TR, "sma_norge": C.SMALL_NORWAY}

VERDICT = {"higher": "høyere vekst under enn før", "lower": "lavere vekst under enn før",
           "no clear difference": "ingen klar endring", "unavailable": "kan ikke vurderes"}
# The figures a planstrategi fact base leads with (one or two per chapter), for the "newest year" table.
KEY_INDICATORS = ["folkemengde", "endring_5ar_pst", "andel_0_5", "andel_80_pluss", "forsorgerbrok",
                  "kvinner_per_100_menn_20_39", "fodselsoverskudd_3ar_per_1000",
                  "nettoinnflytting_3ar_per_1000",
                  "medianinntekt", "sysselsatte_per_100", "andel_hoyere_utdanning", "sentralitetsindeks",
                  "framskrevet_2040_pst"]


def claims_html(log: C.ClaimLog | None, section: str, made: list[C.Claim]) -> str:
    """The claims as one HTML list (one line, so Markdown passes it through) in a claims section."""
    log = log if log is not None else C.ClaimLog()
    items = "".join(log.html(c) for c in made)
    return f'<ul data-claims-section="{section}">{items}</ul>' if made else ""


def shown(value, decimals: int = 2) -> float | None:
    """`value` rounded as `formatting` shows it (halves away from zero), for a claim's fields."""
    return None if value is None or pd.isna(value) else float(round_half_up(value, decimals))


def lower_first(text: str) -> str:
    """'Andre små kommuner i Nordland' -> 'andre små kommuner i Nordland' (names keep their capitals)."""
    return text[:1].lower() + text[1:]


def styled(table: pd.DataFrame):
    """A table of formatted strings for display: no index column, numbers right-aligned by the caller."""
    return table.style.hide(axis="index")


def counts_table(panel_df: pd.DataFrame, year: int):
    """The groups with number of municipalities and inhabitants, formatted for reading."""
    from samfunn_data.network.analysis import group_counts

    table = group_counts(panel_df, year)
    for col in table.columns[1:]:
        table[col] = table[col].map(lambda v: MISSING if pd.isna(v) else fmt_int(v))
    table.columns = ["Gruppe", "Kommuner", f"Innbyggere 1. januar {year}", "Minste", "Største"]
    return styled(table)


def before_during_table(bd: pd.DataFrame):
    """Population change before and during, one row per unit, as formatted strings."""
    before, during = bd.attrs["before"], bd.attrs["during"]
    out = pd.DataFrame({
        "Enhet": bd["navn"],
        "Kommuner": bd["kommuner"].map(lambda v: "" if pd.isna(v) else fmt_int(v)),
        f"Innbyggere 1.1.{before.split('–')[0]}": bd["start_for"].map(fmt_int),
        f"Endring {before}": bd["change_for"].map(lambda v: fmt_int(v, signed=True)),
        f"Per år {before}": bd["annual_for"].map(lambda v: fmt_pct(v, 2, signed=True)),
        f"Endring {during}": bd["change_under"].map(lambda v: fmt_int(v, signed=True)),
        f"Per år {during}": bd["annual_under"].map(lambda v: fmt_pct(v, 2, signed=True)),
        "Forskjell (prosentpoeng)": bd["forskjell_pp"].map(lambda v: fmt_number(v, 2, signed=True)),
        "Vurdering": bd["vurdering"].map(VERDICT),
    })
    return styled(out)


def components_table(bd: pd.DataFrame):
    """Natural increase and net migration summed over each period, graded by the pooled count."""
    from samfunn_data.facts.robustness import grade

    def component(period: str):
        first, last = (int(x) for x in period.split("–"))

        def cell(v):
            if pd.isna(v):
                return "mangler i dataene"
            g = grade(abs(v), "net", pooled_years=last - first + 1)
            return f"{fmt_int(v, signed=True)} ({grade_label(g)})"
        return cell

    before, during = bd.attrs["before"], bd.attrs["during"]
    out = pd.DataFrame({
        "Enhet": bd["navn"],
        f"Fødselsoverskudd {before}": bd["fodselsoverskudd_for"].map(component(before)),
        f"Nettoinnflytting {before}": bd["nettoinnflytting_for"].map(component(before)),
        f"Fødselsoverskudd {during}": bd["fodselsoverskudd_under"].map(component(during)),
        f"Nettoinnflytting {during}": bd["nettoinnflytting_under"].map(component(during)),
    })
    return styled(out)


def latest_table(panel_df: pd.DataFrame, indicators: list[str], year: int, comparison: str):
    """Participants' newest values up to `year` beside the comparison median and Norway, with counts."""
    from samfunn_data.facts.indicators import CATALOGUE
    from samfunn_data.network.analysis import group_summary

    participants = panel_df.loc[panel_df["deltaker"]].drop_duplicates("kommunenr")
    rows = []
    for ind in indicators:
        data = panel_df[(panel_df["indicator"] == ind) & (panel_df["year"] <= year)
                        & panel_df["value"].notna()]
        if data.empty:
            continue
        latest = int(data["year"].max())
        now = data[data["year"] == latest].set_index("kommunenr")
        meta = CATALOGUE.get(ind)
        unit, decimals = (meta.unit, meta.decimals) if meta else (None, None)
        row = {"Indikator": meta.title if meta else ind, "År": str(latest)}
        for p in participants.itertuples():
            if p.kommunenr in now.index:
                r = now.loc[p.kommunenr]
                grade = grade_label(r["robustness"])
                # the count is worth showing only where it is not the value itself
                shown = pd.isna(r["count"]) or unit in ("personer", "husholdninger")
                count = "" if shown else f"n={fmt_int(r['count'])}"
                extra = ", ".join(x for x in (count, grade) if x)
                row[p.navn] = fmt_value(r["value"], unit, decimals) + (f" ({extra})" if extra else "")
            else:
                row[p.navn] = MISSING
        summary = group_summary(panel_df[panel_df["year"] == latest], ind, [comparison, "0"])
        covered = summary["dekning"] >= MIN_COVERAGE
        med = summary.loc[(summary["gruppe"] == comparison) & covered, "median"]
        label = f"Median {lower_first(GROUP_LABELS[comparison])}"
        row[label] = fmt_value(med.iloc[0] if len(med) else np.nan, unit, decimals)
        country = summary.loc[summary["gruppe"] == "0", "median"]
        row["Norge"] = fmt_value(country.iloc[0] if len(country) else np.nan, unit, decimals)
        rows.append(row)
    return styled(pd.DataFrame(rows))


def latest_notes(indicators: list[str]) -> str:
    """Under the newest-year table: what the grades mean and the terms a reader may not know."""
    from samfunn_data.facts.indicators import definitions

    weak = f"«{GRADE_LABELS_NB[INDICATIVE]}» og «{GRADE_LABELS_NB[TOO_FEW]}»"
    return " ".join([f"Robusthet: {grade_legend_nb()}; {weak} skal ikke tolkes alene.",
                     *definitions(indicators)])


def sources_text(panel_df: pd.DataFrame) -> str:
    """Every table behind the panel with its title and where its figures came from (plain words), and
    where researchers find the full technical provenance."""
    from samfunn_data.reports import provenance
    from samfunn_data.ssb import snapshot

    vintages = provenance.table_vintages(panel_df)
    described = snapshot.manifest().get("tables", {})
    lines = []
    for table in sorted(vintages):
        meta = described.get(table, {})
        title = f" «{meta['title']}»" if meta.get("title") else ""
        origin = provenance.origin_text(table, vintages[table], meta)
        lines.append(f"- {provenance.source_label(table)}{title}: {origin}.")
    return ("Kilde: Statistisk sentralbyrå (SSB), statistikkbanken (CC BY 4.0), og for inntektssystemet, "
            "utgiftsbehovet og ROBEK Kommunal- og distriktsdepartementet (KDD, NLOD):\n\n" + "\n".join(lines)
            + "\n\nKartgrunnlag: © Kartverket (CC BY 4.0), forenklet av robhop/fylker-og-kommuner.\n\n"
            "Full teknisk opprinnelse for hver fil (kilderepositorium, commit, sha256 og kontrollene som ble "
            "kjørt) står i `data/raw/snapshot/MANIFEST.json` i prosjektet og i README under «Data».")


def shown_path(path) -> str:
    """A path as a reader can use it on any machine, in backticks: relative to the project folder, else
    to the reports folder, else the file name (an absolute path shows the author's disk, not where to
    look)."""
    from pathlib import Path

    from samfunn_data.config import PROJECT_ROOT, get_settings

    path = Path(path).resolve()
    for root, where in ((PROJECT_ROOT, ""), (get_settings().reports_dir, " i rapportmappen")):
        if path.is_relative_to(Path(root).resolve()):
            return f"`{path.relative_to(Path(root).resolve()).as_posix()}`{where}"
    return f"`{path.name}` i eksportmappen"


def export_text(paths: dict, panel_df: pd.DataFrame) -> str:
    """Where the panel was written (paths a reader can follow) and what it holds."""
    n_units = panel_df["kommunenr"].nunique()
    return (
        f"Panelet ({fmt_int(len(panel_df))} rader: {fmt_int(n_units)} enheter × år × indikator) er "
        "lagret som\n\n"
        f"- CSV: {shown_path(paths['csv'])}\n- Parquet: {shown_path(paths['parquet'])}\n\n"
        "Én rad per enhet, år og indikator (tidy), med kolonnene kommunenr, navn, level, fylke, deltaker, "
        "liten_nl_tr, liten_norge, year, indicator, value, unit, count, robustness, flag (forbehold fra "
        "kilden, f.eks. «foreløpig»; for robek hjemmelen), source_table og vintage. "
        "Les den med `pandas.read_parquet` eller i R med `arrow::read_parquet`."
    )


def commuting_years(panel_df: pd.DataFrame) -> list[int]:
    """The years (4th quarters) the panel has commuting figures for a participant, oldest first."""
    rows = panel_df[panel_df["indicator"].isin(INDICATORS) & panel_df["deltaker"] & panel_df["value"].notna()]
    return sorted(int(y) for y in rows["year"].unique())


def commuting_table(panel_df: pd.DataFrame, comparison: str):
    """The participants' commuting (SSB 03321, 4th quarter of the latest year the panel has for them)
    beside the comparison group's median; "Norge" stays empty, as the figures exist for municipalities
    only."""
    year = max(commuting_years(panel_df), default=None)
    if year is None:
        return styled(pd.DataFrame())
    table = latest_table(panel_df, INDICATORS, year, comparison).data
    if "År" in table:
        table["År"] = period(year)
    return styled(table.rename(columns={"År": "Tid"}))


def commuting_text(panel_df: pd.DataFrame, comparison: str, log: C.ClaimLog | None = None) -> str:
    """What the commuting table shows: each participant's share working in their own municipality (one
    claim each) and the comparison group's median (a claim about the group, with its n), for the latest
    year the panel has (named in the text)."""
    from samfunn_data.network.analysis import group_summary

    ind = "andel_jobber_i_egen_kommune"
    years = commuting_years(panel_df)
    if not years:
        return "Dataene har ingen pendlingstall for deltakerne (SSB-tabell 03321)."
    latest = years[-1]
    year = panel_df[panel_df["year"] == latest]  # every indicator, so groups keep all members
    mine = year[(year["indicator"] == ind) & year["deltaker"] & year["value"].notna()].sort_values("value")
    summary = group_summary(year, ind, [comparison])
    covered = summary[summary["dekning"] >= MIN_COVERAGE]

    def claim(text, code, value, **comparator):
        fields = {"comparator": None, "comparator_value": None, "comparator_n": None, **comparator}
        return C.Claim("pendling", text, ind, code, latest, value, verdict=C.UNAVAILABLE,
                       data_through=latest, **fields)

    made = [claim(f"{r.navn}: {fmt_pct(r.value)} av de sysselsatte bosatte jobbet i egen kommune.",
                  str(r.kommunenr), shown(r.value, 1)) for r in mine.itertuples()]
    group = lower_first(GROUP_LABELS[comparison])
    if len(covered):
        made.append(claim(f"Medianen for {group} var {fmt_pct(covered['median'].iloc[0])} "
                          f"(n = {fmt_int(covered['n'].iloc[0])}).", comparison, None,
                          comparator=GROUP_COMPARATOR[comparison],
                          comparator_value=shown(covered["median"].iloc[0], 1),
                          comparator_n=int(covered["n"].iloc[0])))
    else:
        made.append(claim(f"Medianen for {group} finnes ikke: for få av kommunene har tall.", comparison,
                          None))
    which = "det eneste året" if len(years) == 1 else f"det siste av {len(years)} år"
    return (f"Pendlingstallene gjelder {period(latest)} ({which} i dataene; SSB-tabell 03321). "
            "Pendling omfatter også ukependling. Andelen sysselsatte bosatte som jobbet i egen kommune:"
            "\n\n" + claims_html(log, "pendling", made))


# ---------------------------------------------------------------- kommuneøkonomi

ECONOMY_TABLE = ["netto_driftsresultat_pst", "netto_driftsresultat_pst_3ar", "netto_lanegjeld_pst",
                 "brutto_investeringer_4ar_per_innb", "frie_inntekter_per_innb", "skatt_pst_av_landet",
                 "skatt_etter_utjevning_pst_av_landet", "utgiftsbehov_indeks"]
_RESULT_WORDS = {"higher": "tydelig høyere enn medianen ({})", "lower": "tydelig lavere enn medianen ({})",
                 "no clear difference": "ingen klar forskjell fra medianen ({})",
                 "unavailable": "medianen var {}; for få år med regnskap til å vurdere forskjellen"}


def _result_claim(panel_df: pd.DataFrame, code: str, name: str, comparison: str, year: int) -> C.Claim | None:
    """One participant's three-year netto driftsresultat against the comparison median (own-spread rule)."""
    from samfunn_data.facts.robustness import differs
    from samfunn_data.network.analysis import group_summary
    from samfunn_data.reports.economy_text import spread_se

    own = panel_df[(panel_df["kommunenr"] == code) & panel_df["value"].notna() & (panel_df["year"] <= year)]
    avg = own[own["indicator"] == "netto_driftsresultat_pst_3ar"].sort_values("year")
    if avg.empty:
        return None
    last = avg.iloc[-1]
    y = int(last["year"])
    value = shown(last["value"], 1)
    yearly = own[(own["indicator"] == "netto_driftsresultat_pst") & (own["year"] <= y)]
    se = spread_se(yearly.set_index("year")["value"].astype(float), 3)
    summary = group_summary(panel_df[panel_df["year"] == y], "netto_driftsresultat_pst_3ar", [comparison])
    summary = summary[summary["dekning"] >= MIN_COVERAGE]
    claim = dict(section="okonomi", indicator="netto_driftsresultat_pst_3ar", kommunenr=str(code), year=y,
                 value=value, data_through=y)
    if summary.empty or pd.isna(summary["median"].iloc[0]):
        return C.Claim(text=f"{name}: {fmt_pct(last['value'])} i snitt {y - 2}–{y}.", comparator=None,
                       comparator_value=None, comparator_n=None, verdict=C.UNAVAILABLE, **claim)
    median, n = float(summary["median"].iloc[0]), int(summary["n"].iloc[0])
    verdict = str(differs(float(last["value"]), median, se, np.nan))
    words = _RESULT_WORDS[verdict].format(f"{fmt_pct(median)}, n = {n}")
    return C.Claim(text=f"{name}: {fmt_pct(last['value'])} i snitt {y - 2}–{y}, {words}.",
                   comparator=GROUP_COMPARATOR[comparison], comparator_value=shown(median, 1), comparator_n=n,
                   verdict=verdict, **claim)


def economy_text(panel_df: pd.DataFrame, comparison: str, year: int, log: C.ClaimLog | None = None) -> str:
    """The participants' economy against their peers: netto driftsresultat (three-year average, one claim
    per participant) and ROBEK."""
    participants = panel_df.loc[panel_df["deltaker"]].drop_duplicates("kommunenr")
    made = [c for p in participants.itertuples()
            if (c := _result_claim(panel_df, p.kommunenr, p.navn, comparison, year))]
    if not made:
        return "Faktagrunnlaget har ikke kommuneregnskap (KOSTRA) for deltakerne i disse årene."
    from samfunn_data.facts.indicators import PRELIMINARY

    accounts = panel_df[(panel_df["indicator"] == "netto_driftsresultat_pst") & panel_df["value"].notna()
                        & (panel_df["year"] <= year)]
    first, last = int(accounts["year"].min()), int(accounts["year"].max())
    unrevised = sorted(accounts.loc[accounts["flag"] == PRELIMINARY, "year"].astype(int).unique())
    text = (f"Kommuneregnskapet (KOSTRA, SSB) finnes for {first}–{last}"
            + (f"; tallene for {', '.join(map(str, unrevised))} er foreløpige" if unrevised else "") + ". "
            "Netto driftsresultat i prosent av brutto driftsinntekter svinger mye fra år til år i små "
            "kommuner, så teksten bruker snittet for tre år og sammenligner det med medianen for "
            f"{lower_first(GROUP_LABELS[comparison])}. «Tydelig» betyr at forskjellen er større enn det "
            "kommunens egne svingninger fra år til år kan forklare (95 %-nivå; regelen i faktagrunnlaget)."
            "\n\n"
            + claims_html(log, "okonomi", made))
    return text + "\n\n" + _robek_text(panel_df, year, log)


def _robek_text(panel_df: pd.DataFrame, year: int, log: C.ClaimLog | None) -> str:
    """Each participant's place in the one ROBEK list the data has (a claim each, listed ones first)."""
    from samfunn_data.facts import robek

    rows = panel_df[(panel_df["indicator"] == "robek") & panel_df["deltaker"] & panel_df["value"].notna()
                    & (panel_df["year"] <= year)]
    if year < robek.FIRST_YEAR or rows.empty:
        return (f"ROBEK: dataene har bare registeret per {robek.DATE}; det sier ingenting om hvem som sto "
                "der i nettverksperioden.")
    rows = rows.sort_values(["value", "navn"], ascending=[False, True])
    made = [C.Claim("robek", f"{r.navn} står {'i' if r.value > 0 else 'ikke i'} ROBEK per {robek.DATE}.",
                    "robek", str(r.kommunenr), int(r.year), float(r.value), None, None, None, C.UNAVAILABLE,
                    int(r.year)) for r in rows.itertuples()]
    return (claims_html(log, "robek", made) + f"\n\nDataene har bare KDDs ROBEK-liste per {robek.DATE}; "
            f"den sier ingenting om hvem som sto der i nettverksperioden. {robek.MEANING}")
