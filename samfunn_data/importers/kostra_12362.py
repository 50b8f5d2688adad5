"""KOSTRA 12362 operating expenditure and investments by service area (function group), Nordland and
Trøndelag 2015-2025, transcribed from Fellestall."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers import fellestall as fs
from samfunn_data.importers import kostra_12137
from samfunn_data.importers.core import N_NL_TR, Context, check
from samfunn_data.importers.manifest import coverage

FOLDER = "ssb-data-candidates/kostra-services"
LONG = f"{FOLDER}/kostra_services_NL_TR_long.csv"
SHA256 = "43bf6be1c2739e9860528ef03aa0bf0b2603278cc1658aedcacc66fbf7a11576"
N_GROUPS = 17
# the source's metric names -> SSB's regnskapsbegrep codes (the ETL's SERVICE_METRICS)
METRICS = {"gross_expenses": "AGD10", "net_expenses": "AGD2", "investments": "AGI5"}
FUNCTION, ART = "KOKfunksjon0000", "KOKart0000"  # SSB's ids (see kostra_12137.REGION)
CONCEPTS = {"AGD10": "Brutto driftsutgifter", "AGD2": "Netto driftsutgifter", "AGI5": "Investeringsutgifter"}
MISSING_2019 = {"1828", "1835", "1853"}  # Nesna, Træna, Evenes: the source has no 2019 services entry


def read_long(path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The transcription (5001 before 2020 dropped) and the function groups' names."""
    raw = pd.read_csv(path, dtype={"kommunenr": str, "fgk_code": str, "note": str, "check": str})
    klaebu = (raw["kommunenr"] == "5001") & (raw["year"] < fs.FIRST_TRONDHEIM_YEAR)
    flagged = raw["note"].fillna("").str.startswith("EXCLUDE")
    check(
        (klaebu == flagged).all() and klaebu.sum() == 255,
        "12362: the rows marked EXCLUDE are not exactly 5001 Trondheim 2015-2019",
    )
    check(raw["check"].isin(["ok", "ok_zero"]).all(), "12362: a row is not marked ok in the source file")
    raw = raw[~klaebu]
    check(raw["metric"].isin(METRICS).all(), "12362: unknown metric")
    names = dict(zip(raw["fgk_code"], raw["fgk_name"], strict=False))
    df = pd.DataFrame(
        {
            "Region": raw["kommunenr"].to_numpy(),
            "Funksjon": raw["fgk_code"].to_numpy(),
            "Regnskapsbegrep": raw["metric"].map(METRICS).to_numpy(),
            "year": raw["year"].astype(int).to_numpy(),
            "amount": raw["amount_1000kr"].astype(float).to_numpy(),
            "per_innb": raw["per_innbygger_kr"].astype(float).to_numpy(),
        }
    )
    return df, names


def check_12362(df: pd.DataFrame, p12137_years: pd.Series, population: pd.Series, implied: pd.Series) -> None:
    """The PROVENANCE checks: coverage, complete series, per innbygger against 07459 within rounding."""
    check(df["Region"].nunique() == N_NL_TR, "12362: expected the 79 Nordland and Trøndelag municipalities")
    check(df["Funksjon"].nunique() == N_GROUPS, "12362: expected 17 function groups")
    check(not df.duplicated(["Region", "Funksjon", "Regnskapsbegrep", "year"]).any(), "12362: duplicate rows")
    series = df.groupby(["Region", "Funksjon", "Regnskapsbegrep"])["year"].agg(frozenset)
    check(len(series) == N_NL_TR * N_GROUPS * len(METRICS), "12362: a municipality lacks a series")
    per_region = series.groupby(level=0).agg(set)
    check(per_region.map(len).eq(1).all(), "12362: a municipality's series cover different years")
    for region, years in per_region.items():
        (years,) = years
        expected = set(p12137_years[region]) - ({2019} if region in MISSING_2019 else set())
        check(set(years) == expected, f"12362: {region} has years {sorted(years)}, 12137 {sorted(expected)}")
    fs.check_per_innbygger(df, population, implied, "12362")


def kostra_12362(df: pd.DataFrame, groups: dict[str, str], names: dict) -> pd.DataFrame:
    """The tidy table: KOKkommuneregion0000, KOKfunksjon0000 (function group), KOKart0000 (art),
    ContentsCode (KOSbelop0000, KOSbelopinnbygge0000), Tid."""
    return kostra_12137.tidy_kostra(
        df,
        "12362",
        "Driftsutgifter og investeringsutgifter, etter region, funksjon, art og år (K)",
        {"Funksjon": (FUNCTION, "funksjon (tjenesteområde)"), "Regnskapsbegrep": (ART, "art")},
        {FUNCTION: dict(sorted(groups.items())), ART: CONCEPTS},
        [
            "Tjenesteområdene (funksjonsgruppene) overlapper: de kan ikke summeres.",
            "Nesna, Træna og Evenes mangler 2019 i kilden. 5001 Trondheim 2015-2019 er utelatt "
            "(en annen serie).",
            "Selbu (5032) og Stjørdal (5035) har uvanlige tall for helse og omsorg i noen år; slik kommunene "
            "førte regnskapet.",
        ],
        names,
    )


def add(ctx: Context) -> None:
    """Build 12362 and record it (after 12137, whose years and implied population it is checked against)."""
    df, groups = read_long(ctx.source / LONG)
    p12137 = ctx.outputs["12137.parquet"]
    per_innb = p12137[p12137["ContentsCode"] == kostra_12137.PER_INNB]
    totals = p12137[p12137["ContentsCode"] == kostra_12137.AMOUNT]
    keys = [kostra_12137.REGION, kostra_12137.CONCEPT, "Tid"]
    merged = totals.merge(per_innb, on=keys, suffixes=("", "_pc"))
    frame = pd.DataFrame(
        {
            "Region": merged[kostra_12137.REGION],
            "Regnskapsbegrep": merged[kostra_12137.CONCEPT],
            "year": merged["Tid"].astype(int),
            "amount": merged["value"],
            "per_innb": merged["value_pc"],
        }
    )
    implied = kostra_12137.implied_population(frame)
    years = frame.groupby("Region")["year"].agg(set)
    check_12362(df, years, fs.population_next_january(ctx.outputs["07459.parquet"]), implied)
    table = kostra_12362(df, groups, ctx.names)
    ctx.outputs["12362.parquet"] = table
    ctx.tables["12362"] = fs.fellestall_entry(
        table,
        table.attrs["label"],
        "12362",
        [fs.transcription_input(ctx.source, LONG, SHA256, kostra_12137.SOURCES)],
        "Columns kommunenr -> KOKkommuneregion0000, fgk_code -> KOKfunksjon0000 (SSB's function group, "
        "kommune version), metric -> KOKart0000 (gross_expenses AGD10, net_expenses AGD2, investments AGI5), "
        "year -> Tid; amount_1000kr and per_innbygger_kr -> ContentsCode KOSbelop0000 / "
        "KOSbelopinnbygge0000 (SSB's ids, as a live fetch of 12362 has them). 5001 Trondheim "
        "2015-2019 left out. status 'foreløpig' on 2025, 'grenseendring' on 5054 Indre Fosen 2019. The "
        "groups overlap: never sum them.",
        [
            "79 municipalities x 17 function groups x 3 measures, no duplicates, no missing series",
            "every municipality's series cover the years of its 12137 accounts (1828 Nesna, 1835 Træna and "
            "1853 Evenes without 2019, as in the source)",
            fs.POPULATION_EXCEPTIONS_NOTE,
        ],
        coverage(table.rename(columns={kostra_12137.REGION: "Region"})),
        "Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 12362 (KOSTRA), via "
        "Fellestall (Lippen1995/Project_statsbudsjett)",
    )
