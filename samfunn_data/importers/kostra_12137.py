"""KOSTRA 12137 headline municipal accounts, Nordland and Trøndelag 2015-2025, transcribed from Fellestall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.importers import fellestall as fs
from samfunn_data.importers.core import N_NL_TR, Context, check, table_attrs, tidy
from samfunn_data.importers.manifest import coverage

FOLDER = "ssb-data-candidates/kostra-12137"
LONG = f"{FOLDER}/kostra12137_NL_TR_long.csv"
SOURCES = f"{FOLDER}/sources.tsv"
SHA256 = "0c06885222dfbab939dc06043576cd935c22361e826738e78d6dd4ddb8264919"
YEARS = range(2015, 2026)
# SSB's regnskapsbegrep codes in 12137 and their names
CONCEPTS = {
    "AGD13": "Brutto driftsinntekter",
    "AGD9": "Brutto driftsutgifter",
    "AGD23": "Netto driftsresultat",
    "KG31": "Netto lånegjeld",
    "AGI1": "Brutto investeringsutgifter",
    "AGD1": "Netto driftsutgifter",
}
# SSB's own ids for the KOSTRA tables' region and contents (PxWebApi 2.0), so that a live fetch and the
# snapshot have the same shape. Public code that queries these tables: janbrus/pxwebapi-skills
# (ssb-pxwebapi-v2-skill/references/kostra.md: region `KOKkommuneregion0000`, regnskapsbegrep
# `KOKartkap0000`, art `KOKart0000`, funksjon `KOKfunksjon0000`, contents `KOSbelop0000`); SSB's 1000-kr
# amount `KOSbelop0000` for 12137 (an R extract, `ApiData(".../table/12137", KOKkommuneregion0000 = TRUE,
# KOKartkap0000 = "AGD1", ContentsCode = "KOSbelop0000")`); kroner per innbygger `KOSbelopinnbygge0000`
# (queries of 12362 and 12163 in public dashboards); Fellestall's ETL (Lippen1995/Project_statsbudsjett,
# etl/kostra.py: `"region": "KOKkommuneregion0000"` for 12137 and 12362).
REGION, CONCEPT = "KOKkommuneregion0000", "KOKartkap0000"
AMOUNT, PER_INNB = "KOSbelop0000", "KOSbelopinnbygge0000"
LARGEST = "AGD13"  # brutto driftsinntekter: the largest amount, so the most precise implied population


def read_long(path: Path) -> pd.DataFrame:
    """The transcription as Region, Regnskapsbegrep, year, amount, per_innb (5001 before 2020 dropped)."""
    raw = pd.read_csv(path, dtype={"kommunenr": str, "ssb_regnskapsbegrep": str, "pop_check": str})
    klaebu = (raw["kommunenr"] == "5001") & (raw["aar"] < fs.FIRST_TRONDHEIM_YEAR)
    flagged = raw["pop_check"].str.startswith("EXCLUDE")
    check(
        (klaebu == flagged).all() and klaebu.sum() == 30,
        "12137: the rows marked EXCLUDE are not exactly 5001 Trondheim 2015-2019 (six measures x 5 years)",
    )
    raw = raw[~klaebu]
    return pd.DataFrame(
        {
            "Region": raw["kommunenr"].to_numpy(),
            "Regnskapsbegrep": raw["ssb_regnskapsbegrep"],
            "year": raw["aar"].astype(int).to_numpy(),
            "amount": raw["belop_1000kr"].astype(float),
            "per_innb": raw["per_innbygger_kr"].astype(float),
        }
    )


def implied_population(df: pd.DataFrame) -> pd.Series:
    """The 31 December population SSB divided by, per (Region, year): the whole number of inhabitants,
    nearest to brutto driftsinntekter's amount / per innbygger, that all of the year's measures agree
    with within whole-krone rounding (NaN if none does: a transcription error)."""
    found = {}
    for (region, year), rows in df.groupby(["Region", "year"], sort=True):
        largest = rows[rows["Regnskapsbegrep"] == LARGEST]
        estimate = largest["amount"].iloc[0] * 1000 / largest["per_innb"].iloc[0]
        # a large municipality's estimate is uncertain by a few persons (per innbygger is rounded)
        for pop in sorted(range(round(estimate) - 3, round(estimate) + 4), key=lambda p: abs(p - estimate)):
            if not fs.off_by_rounding(rows["amount"].to_numpy(), rows["per_innb"].to_numpy(), pop).any():
                found[(region, year)] = float(pop)
                break
        else:
            found[(region, year)] = np.nan
    return pd.Series(found).rename_axis(["Region", "year"])


def check_12137(df: pd.DataFrame, population: pd.Series) -> pd.Series:
    """The PROVENANCE checks; returns the implied population (for 12362's check)."""
    check(
        df["Region"].nunique() == N_NL_TR and df["Region"].str[:2].isin(["18", "50"]).all(),
        "12137: expected the 79 Nordland and Trøndelag municipalities",
    )
    check(set(df["year"]) == set(YEARS), "12137: expected accounting years 2015-2025")
    check(set(df["Regnskapsbegrep"]) == set(CONCEPTS), "12137: expected the six regnskapsbegrep")
    per_unit = df.groupby(["Region", "year"])["Regnskapsbegrep"].agg(lambda c: sorted(c) == sorted(CONCEPTS))
    check(per_unit.all(), "12137: some municipality-year lacks a measure or has one twice")
    check(df[["amount", "per_innb"]].notna().all().all(), "12137: empty amounts")
    implied = implied_population(df)
    # PROVENANCE check 1: the six measures imply the same population (a typo in either figure breaks it)
    lost = implied[implied.isna()].index.tolist()[:3]
    check(not lost, f"12137: the six measures of {lost} imply no common population (a transcription error)")
    fs.check_per_innbygger(df, population, implied, "12137")
    tydal = df[(df["Region"] == "5033") & (df["Regnskapsbegrep"] == "AGD23") & (df["year"] == 2022)]
    revenue = df[(df["Region"] == "5033") & (df["Regnskapsbegrep"] == "AGD13") & (df["year"] == 2022)]
    pct = round(100 * tydal["amount"].iloc[0] / revenue["amount"].iloc[0], 2)
    check(pct == 10.76, f"12137: Tydal's 2022 netto driftsresultat is {pct} %, PROVENANCE says 10.76 %")
    return implied


def status_of(df: pd.DataFrame) -> np.ndarray:
    """'foreløpig' for 2025, 'grenseendring' for 5054 Indre Fosen 2019, else None."""
    status = np.full(len(df), None, dtype=object)
    status[(df["year"] == fs.PRELIMINARY_YEAR).to_numpy()] = fs.PRELIMINARY
    status[((df[REGION] == "5054") & (df["year"] == 2019)).to_numpy()] = fs.BOUNDARY
    return status


def tidy_kostra(
    df: pd.DataFrame, table_id: str, label: str, dims: dict, categories: dict, notes: list, names: dict
) -> pd.DataFrame:
    """A KOSTRA table in the tidy schema with SSB's dimension ids: KOKkommuneregion0000, the table's own
    dimensions (`dims`: the transcription's column -> (SSB's id, label), with their `categories` by SSB's
    id), ContentsCode (KOSbelop0000 in 1000 kr, KOSbelopinnbygge0000 in kr), Tid; the caveats in `status`
    (see fellestall.STATUS_LABELS)."""
    df = df.rename(columns={"Region": REGION, **{column: ssb for column, (ssb, _label) in dims.items()}})
    dims = dict(dims.values())
    long = pd.concat(
        [
            df.assign(ContentsCode=AMOUNT, value=df["amount"]),
            df.assign(ContentsCode=PER_INNB, value=df["per_innb"]),
        ],
        ignore_index=True,
    )
    long["Tid"] = long["year"].astype(str)
    attrs = table_attrs(
        table_id,
        label,
        {REGION: "region", **dims, "ContentsCode": "statistikkvariabel", "Tid": "år"},
        {
            REGION: {c: names["municipalities"][c] for c in sorted(df[REGION].unique())},
            **categories,
            "ContentsCode": {AMOUNT: "Beløp (1000 kr)", PER_INNB: "Beløp per innbygger (kr)"},
            "Tid": {t: t for t in sorted(long["Tid"].unique())},
        },
        {AMOUNT: {"base": "1000 kr", "decimals": 0}, PER_INNB: {"base": "kroner", "decimals": 0}},
        [
            "Utdrag: kommunene i Nordland og Trøndelag (2024-inndeling), regnskapsår 2015-2025. 2025 er "
            "foreløpige tall publisert 15. mars 2026.",
            *notes,
        ],
    )
    attrs["status_labels"] = fs.STATUS_LABELS
    out = tidy(long, [REGION, *dims, "ContentsCode", "Tid"], attrs)
    out["status"] = pd.Series(status_of(out.assign(year=out["Tid"].astype(int))), dtype="str")
    return out


def kostra_12137(df: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The tidy table: KOKkommuneregion0000, KOKartkap0000 (regnskapsbegrep), ContentsCode, Tid."""
    return tidy_kostra(
        df,
        "12137",
        "Finansielle nøkkeltall og utvalgte regnskapsbegreper, etter region, regnskapsbegrep og år (K)",
        {"Regnskapsbegrep": (CONCEPT, "regnskapsbegrep")},
        {CONCEPT: CONCEPTS},
        [
            "Per innbygger er SSBs tall: beløpet delt på folkemengden 31. desember, i hele kroner.",
            "5001 Trondheim 2015-2019 er utelatt: kilden hadde skjøtt en annen serie (gamle Klæbu) på koden.",
            "Kommuner som ble slått sammen i 2020 har tall fra 2020; SSB publiserer ikke tilbakeregnede "
            "KOSTRA-tall for sammenslåtte kommuner.",
        ],
        names,
    )


def add(ctx: Context) -> None:
    """Build 12137 and record it (after 07459, which it is checked against)."""
    df = read_long(ctx.source / LONG)
    check_12137(df, fs.population_next_january(ctx.outputs["07459.parquet"]))
    table = kostra_12137(df, ctx.names)
    ctx.outputs["12137.parquet"] = table
    ctx.tables["12137"] = fs.fellestall_entry(
        table,
        table.attrs["label"],
        "12137",
        [fs.transcription_input(ctx.source, LONG, SHA256, SOURCES)],
        "Columns kommunenr -> KOKkommuneregion0000, ssb_regnskapsbegrep -> KOKartkap0000, aar -> Tid; "
        "belop_1000kr and per_innbygger_kr -> ContentsCode KOSbelop0000 / KOSbelopinnbygge0000 (SSB's ids, "
        "as a live fetch of 12137 has them). 5001 Trondheim 2015-2019 left out (the "
        "ETL stitched the old Klæbu series onto 5001). status 'foreløpig' on 2025 (unrevised), "
        "'grenseendring' on 5054 Indre Fosen 2019.",
        [
            "79 municipalities, six regnskapsbegrep, 2015-2025, one value per municipality, measure and year",
            "the six measures of every municipality-year imply the same population "
            "(within whole-krone rounding)",
            fs.POPULATION_EXCEPTIONS_NOTE,
            "Tydal 2022: netto driftsresultat 10.76 % of brutto driftsinntekter",
        ],
        coverage(table.rename(columns={REGION: "Region"})),
        "Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 12137 (KOSTRA), via "
        "Fellestall (Lippen1995/Project_statsbudsjett)",
    )
