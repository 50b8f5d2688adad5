"""The income system per innbygger (KDD's inntektsutjevning and utgiftsutjevning, KOSTRA's rammetilskudd),
Nordland and Trøndelag 2015-2025, transcribed from Fellestall."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.importers import fellestall as fs
from samfunn_data.importers.core import N_NL_TR, Context, check, table_attrs, tidy
from samfunn_data.importers.manifest import coverage

FOLDER = "ssb-data-candidates/kdd-inntektssystem"
CSV = f"{FOLDER}/inntektssystem_NL_TR.csv"
SOURCES = f"{FOLDER}/sources_income.tsv"
SHA256 = "6df8d307bb97f7aba4ee8e1d3dc39149d8eaf8d091eb31a8f383bd702178a89c"
BOOKING = "bokføring"
BOOKING_FLAG = "rammetilskudd_low_due_to_KOSTRA_booking_same_in_SSB_official_frie_inntekter"
BOOKED_LOW = {("5032", y) for y in (2016, 2017, 2018, 2020, 2021)} | {("5035", y) for y in range(2016, 2022)}
STATUS_LABELS = {
    BOOKING: "Rammetilskuddet er ført svært lavt i KOSTRA dette året (slik kommunen førte det; SSBs "
    "offisielle frie inntekter viser det samme). Holdes utenfor sammenligninger med andre kommuner.",
    fs.PRELIMINARY: "Rammetilskuddet er fra foreløpige KOSTRA-tall (15. mars 2026).",
}
# municipal columns of the source -> ContentsCode
MUNICIPAL = {
    "skatt_inntekt_formue_per_innb_kr": "Skatt",
    "skatt_pct_av_landet": "SkattPstLandet",
    "netto_inntektsutjevning_per_innb_kr": "NettoInntektsutjevning",
    "skatt_etter_inntektsutjevning_per_innb_kr": "SkattEtterUtjevning",
    "skatt_etter_utjevning_pct_av_landet": "SkattEtterUtjevningPstLandet",
    "utgiftsutjevning_per_innb_kr": "Utgiftsutjevning",
    "rammetilskudd_A800_per_innb_kr": "RammetilskuddA800",
    "frie_inntekter_proxy_per_innb_kr": "FrieInntekterTilnaerming",
    "frie_inntekter_proxy_pct_av_landet": "FrieInntekterTilnaermingPstLandet",
}
NATIONAL = {
    "landet_skatt_per_innb_kr": "Skatt",
    "landet_rammetilskudd_per_innb_kr": "RammetilskuddA800",
    "landet_frie_inntekter_proxy_per_innb_kr": "FrieInntekterTilnaerming",
}
LABELS = {
    "Skatt": "Skatt på inntekt og formue per innbygger, før inntektsutjevning (kr)",
    "SkattPstLandet": "Skatt på inntekt og formue per innbygger i prosent av landet",
    "NettoInntektsutjevning": "Netto inntektsutjevning per innbygger (kr; + tilskudd, − trekk)",
    "SkattEtterUtjevning": "Skatt etter inntektsutjevning per innbygger (kr)",
    "SkattEtterUtjevningPstLandet": "Skatt etter inntektsutjevning per innbygger i prosent av landet",
    "Utgiftsutjevning": "Utgiftsutjevning i rammetilskuddet per innbygger (kr; fra 2021)",
    "RammetilskuddA800": "Rammetilskudd som ført i KOSTRA (art 800) per innbygger (kr)",
    "FrieInntekterTilnaerming": "Frie inntekter per innbygger, tilnærming: skatt + rammetilskudd (kr)",
    "FrieInntekterTilnaermingPstLandet": "Frie inntekter (tilnærming) per innbygger i prosent av landet",
}
FROM_RAMMETILSKUDD = ("RammetilskuddA800", "FrieInntekterTilnaerming", "FrieInntekterTilnaermingPstLandet")
FORMULA_TOLERANCE = 0.03  # kr: the three transcribed figures are rounded to whole øre


def compensation_rate(year: np.ndarray) -> np.ndarray:
    """The symmetric equalisation rate s: 60 % through 2024, 62 % from 2025."""
    return np.where(year >= 2025, 0.62, 0.60)


def check_income(raw: pd.DataFrame) -> None:
    """The PROVENANCE checks: KDD's equalisation formula for every row and the derived columns."""
    check(raw["kommunenr"].nunique() == N_NL_TR, "inntektssystem: expected 79 municipalities")
    check(not raw.duplicated(["kommunenr", "aar"]).any(), "inntektssystem: duplicate municipality-years")
    tax, land = raw["skatt_inntekt_formue_per_innb_kr"], raw["landet_skatt_per_innb_kr"]
    net = raw["netto_inntektsutjevning_per_innb_kr"]
    # netto = s (L - t) + 0.35 max(0, 0.9 L - t) - c_year: the deduction c must be the same for everyone
    deduction = compensation_rate(raw["aar"].to_numpy()) * (land - tax) + 0.35 * np.maximum(
        0, 0.9 * land - tax
    )
    spread = (deduction - net).groupby(raw["aar"]).agg(lambda c: c.max() - c.min())
    worst = spread.idxmax()
    check(
        spread.max() <= FORMULA_TOLERANCE,
        f"inntektssystem: {worst} does not fit KDD's inntektsutjevning formula (the per-capita deduction "
        f"varies by {spread.max():.3f} kr between municipalities)",
    )
    check(
        np.allclose(raw["skatt_etter_inntektsutjevning_per_innb_kr"], tax + net, atol=0.011),
        "inntektssystem: skatt etter utjevning is not skatt + netto inntektsutjevning",
    )
    frie = raw["frie_inntekter_proxy_per_innb_kr"]
    check(
        np.allclose(frie, tax + raw["rammetilskudd_A800_per_innb_kr"], atol=0.011),
        "inntektssystem: frie inntekter is not skatt + rammetilskudd",
    )
    for pct, value, base in (
        ("skatt_pct_av_landet", tax, land),
        ("skatt_etter_utjevning_pct_av_landet", raw["skatt_etter_inntektsutjevning_per_innb_kr"], land),
        ("frie_inntekter_proxy_pct_av_landet", frie, raw["landet_frie_inntekter_proxy_per_innb_kr"]),
    ):
        check(
            ((raw[pct] - 100 * value / base).abs() <= 0.05 + 1e-6).all(),
            f"inntektssystem: {pct} is not the value in percent of Landet",
        )
    check(
        raw.groupby("aar")[list(NATIONAL)].nunique().eq(1).all().all(),
        "inntektssystem: the national values differ within a year",
    )
    booked = raw["flags"].fillna("").str.contains(BOOKING_FLAG)
    check(
        set(zip(raw.loc[booked, "kommunenr"], raw.loc[booked, "aar"], strict=True)) == BOOKED_LOW,
        "inntektssystem: the rows flagged for KOSTRA booking are not Selbu 2016-2018, 2020-2021 and "
        "Stjørdal 2016-2021 (PROVENANCE)",
    )
    check(
        raw.loc[raw["aar"] >= 2021, "utgiftsutjevning_per_innb_kr"].notna().all(),
        "inntektssystem: utgiftsutjevning missing for a year from 2021",
    )


def read_income(path: Path) -> pd.DataFrame:
    """The source rows, checked; 5001 before 2020 (the old Trondheim, other borders) dropped."""
    raw = pd.read_csv(path, dtype={"kommunenr": str, "flags": str})
    check_income(raw)
    return raw[~((raw["kommunenr"] == "5001") & (raw["aar"] < fs.FIRST_TRONDHEIM_YEAR))]


def kdd_inntektssystem(raw: pd.DataFrame, names: dict) -> pd.DataFrame:
    """The tidy table: Region ("0" = landet), ContentsCode, Tid; status marks caveats (see attrs)."""
    muni = raw.melt(id_vars=["kommunenr", "aar"], value_vars=list(MUNICIPAL), var_name="column")
    muni = muni.rename(columns={"kommunenr": "Region"}).dropna(subset=["value"])
    land = raw.groupby("aar", as_index=False)[list(NATIONAL)].first()
    land = land.melt(id_vars=["aar"], var_name="column").assign(Region="0")
    long = pd.concat(
        [
            muni.assign(ContentsCode=muni["column"].map(MUNICIPAL)),
            land.assign(ContentsCode=land["column"].map(NATIONAL)),
        ],
        ignore_index=True,
    )
    long["Tid"] = long["aar"].astype(str)
    attrs = table_attrs(
        "kdd-inntektssystem",
        "Inntektssystemet per innbygger: skatt, inntektsutjevning, utgiftsutjevning og rammetilskudd",
        {"Region": "region", "ContentsCode": "statistikkvariabel", "Tid": "år (budsjettår)"},
        {
            "Region": {"0": "Landet"}
            | {c: names["municipalities"][c] for c in sorted(raw["kommunenr"].unique())},
            "ContentsCode": LABELS,
            "Tid": {t: t for t in sorted(long["Tid"].unique())},
        },
        {
            code: {
                "base": "prosent" if code.endswith("PstLandet") else "kroner",
                "decimals": 1 if code.endswith("PstLandet") else 2,
            }
            for code in LABELS
        },
        [
            "Kommunal- og distriktsdepartementet (KDD): løpende inntektsutjevning og Grønt hefte "
            "(utgiftsutjevning); rammetilskudd som ført i KOSTRA (SSB), art 800.",
            "Frie inntekter er her skatt + rammetilskudd: en tilnærming til SSBs offisielle tall (median "
            "forhold 1,003 i 2021). Eiendomsskatt og konsesjonskraftinntekter er ikke med.",
            "5001 Trondheim 2015-2019 (gamle Trondheim, andre grenser) er utelatt.",
        ],
    )
    attrs["source"] = "Kommunal- og distriktsdepartementet (KDD); Statistisk sentralbyrå (SSB)"
    attrs["status_labels"] = STATUS_LABELS
    out = tidy(long, ["Region", "ContentsCode", "Tid"], attrs)
    year = out["Tid"].astype(int)
    ramme = out["ContentsCode"].isin(FROM_RAMMETILSKUDD)
    booked = pd.Series(list(zip(out["Region"], year, strict=True))).isin(BOOKED_LOW)
    status = np.where(
        ramme & booked, BOOKING, np.where(ramme & (year == fs.PRELIMINARY_YEAR), fs.PRELIMINARY, None)
    )
    out["status"] = pd.Series(status, dtype="str")
    return out


def add(ctx: Context) -> None:
    """Build the income-system table and record it."""
    raw = read_income(ctx.source / CSV)
    table = kdd_inntektssystem(raw, ctx.names)
    ctx.outputs["kdd-inntektssystem.parquet"] = table
    entry = fs.fellestall_entry(
        table,
        table.attrs["label"],
        None,
        [fs.transcription_input(ctx.source, CSV, SHA256, SOURCES)],
        "Per-innbygger columns -> ContentsCode (see the table's labels); the landet_* columns -> Region "
        "'0'. 5001 Trondheim 2015-2019 (old borders) left out. status 'bokføring' on rammetilskudd and "
        "frie inntekter of Selbu 2016-2018, 2020-2021 and Stjørdal 2016-2021 (booked very low in KOSTRA: "
        "kept, left out of comparisons with other municipalities); 'foreløpig' on 2025 rammetilskudd and "
        "frie inntekter (preliminary KOSTRA).",
        [
            "79 municipalities, one row per municipality and year",
            "every row fits KDD's inntektsutjevning: netto = s (L - t) + 0.35 max(0, 0.9 L - t) - c, "
            "s = 0.60 through 2024 and 0.62 in 2025, c the same for all municipalities in a year "
            "(within 0.03 kr)",
            "skatt etter utjevning = skatt + netto inntektsutjevning; frie inntekter = skatt + rammetilskudd "
            "(within 0.01 kr); the percentages of Landet within rounding",
            "national values equal within each year",
            "the rows flagged for KOSTRA booking are exactly Selbu 2016-2018, 2020-2021 and "
            "Stjørdal 2016-2021",
        ],
        coverage(table),
        "Kilde: Kommunal- og distriktsdepartementet (inntektssystemet) og Statistisk "
        "sentralbyrå (KOSTRA), via Fellestall (Lippen1995/Project_statsbudsjett)",
    )
    entry["vintage_note"] = (
        "KDD's final inntektsutjevning per budget year; rammetilskudd from KOSTRA as "
        "published 15 March 2026 (2025 unrevised)."
    )
    ctx.tables["kdd-inntektssystem"] = entry
