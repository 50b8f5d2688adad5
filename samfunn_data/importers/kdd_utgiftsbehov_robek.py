"""KDD's index of computed expenditure need (Grønt hefte, budget years 2025 and 2026) and the ROBEK
register as published 2026-04-20: exact copies of kommunebarometer's JSON files."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import NL_TR, Context, check, table_attrs, tidy
from samfunn_data.importers.manifest import coverage, input_entries

FOLDER = "ssb-data-candidates/kdd-utgiftsbehov-robek"
DKI = {2025: f"{FOLDER}/dki-2025.json", 2026: f"{FOLDER}/dki-2026.json"}
ROBEK = f"{FOLDER}/robek.json"
DERIVED_CSV = f"{FOLDER}/utgiftsbehov_dki_robek_all.csv"
N_MUNICIPALITIES = 355
ROBEK_DATE = "2026-04-20"
ROBEK_YEAR = "2026"
# Nordland and Trøndelag municipalities on the list of 2026-04-20 (PROVENANCE.md)
ROBEK_NL_TR = {"1822", "1837", "1851", "1865", "1871", "1874", "5025", "5043"}
KDD = "Kommunal- og distriktsdepartementet (KDD)"


def read_dki(path: Path, year: int) -> dict[str, float]:
    """The samlet index per municipality (Lørenskog's entry is an object holding it as `samlet`)."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    check(
        doc.get("år") == year and f"Grønt hefte {year}" in doc.get("kilde", ""),
        f"{path.name}: not KDD's Grønt hefte for budget year {year}",
    )
    return {code: float(v["samlet"] if isinstance(v, dict) else v) for code, v in doc["kommuner"].items()}


def check_dki(values: dict[int, dict[str, float]], derived: pd.DataFrame, names: dict) -> None:
    """355 municipalities per year, all 79 in Nordland and Trøndelag, plausible range, the folder's
    derived CSV agrees (it leaves out Lørenskog's object entry)."""
    nl_tr = {c for c in names["municipalities"] if c[:2] in NL_TR}
    for year, by_code in values.items():
        check(len(by_code) == N_MUNICIPALITIES, f"DKI {year}: expected {N_MUNICIPALITIES} municipalities")
        check(nl_tr <= set(by_code), f"DKI {year}: a Nordland or Trøndelag municipality is missing")
        check(set(by_code) <= set(names["municipalities"]), f"DKI {year}: a code is not a 2024 municipality")
        check(all(0.7 < v < 2.0 for v in by_code.values()), f"DKI {year}: a value outside 0.7-2.0")
        column = derived.set_index("kommunenr")[f"dki_samlet_{year}"].dropna()
        check(
            all(abs(by_code[c] - v) < 1e-9 for c, v in column.items()),
            f"DKI {year}: the JSON and the folder's CSV disagree",
        )
    check(round(values[2026]["5033"], 2) == 1.46, "DKI 2026: Tydal is not 1.46 (PROVENANCE)")


def kdd_utgiftsbehov(values: dict[int, dict[str, float]], names: dict) -> pd.DataFrame:
    """The tidy table: Region, ContentsCode (DKISamlet), Tid (budget year)."""
    rows = [
        (code, "DKISamlet", str(year), v) for year, by_code in values.items() for code, v in by_code.items()
    ]
    df = pd.DataFrame(rows, columns=["Region", "ContentsCode", "Tid", "value"])
    attrs = table_attrs(
        "kdd-utgiftsbehov",
        "Indeks for beregnet utgiftsbehov (samlet), etter kommune og budsjettår",
        {"Region": "region", "ContentsCode": "statistikkvariabel", "Tid": "budsjettår"},
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"].unique())},
            "ContentsCode": {
                "DKISamlet": "Indeks for beregnet utgiftsbehov, samlet (1,0 = landsgjennomsnittet)"
            },
            "Tid": {t: t for t in sorted(df["Tid"].unique())},
        },
        {"DKISamlet": {"base": "indeks", "decimals": 4}},
        [
            "KDD, Grønt hefte (beregningsteknisk dokumentasjon til statsbudsjettet), tabell A-k: samlet "
            "indeks per kommune. Publiseres med statsbudsjettet i oktober året før budsjettåret.",
            "Sekundærkopi (kommunebarometer); ikke kontrollert celle for celle mot Grønt hefte.",
        ],
    )
    attrs["source"] = KDD
    return tidy(df, ["Region", "ContentsCode", "Tid"], attrs)


def read_robek(path: Path) -> dict:
    """The register document, checked: the list's date, KDD's page, hjemmel letters a-g."""
    doc = json.loads(path.read_text(encoding="utf-8"))
    check(doc.get("publisert") == ROBEK_DATE, f"ROBEK: the list is not the one published {ROBEK_DATE}")
    check(
        "regjeringen.no" in doc.get("kildeUrl", ""), "ROBEK: the source is not KDD's page on regjeringen.no"
    )
    check(set(doc["hjemler"]) == set("abcdefg"), "ROBEK: expected hjemmel letters a-g")
    members = {m["kommunenummer"] for m in doc["kommuner"]}
    check(len(members) == len(doc["kommuner"]), "ROBEK: a municipality is listed twice")
    check(
        {c for c in members if c[:2] in NL_TR} == ROBEK_NL_TR,
        "ROBEK: the Nordland and Trøndelag members differ from PROVENANCE.md",
    )
    for m in doc["kommuner"]:
        check(
            set(re.findall(r"\b[a-z]\b", m["hjemmel"])) <= set(doc["hjemler"]),
            f"ROBEK: {m['kommunenummer']} has an unknown hjemmel {m['hjemmel']!r}",
        )
    return doc


def kdd_robek(doc: dict, names: dict) -> pd.DataFrame:
    """The tidy table: Region, Hjemmel (the letters as listed), Tid (the list's year); value 1 = listed."""
    df = pd.DataFrame(
        {
            "Region": [m["kommunenummer"] for m in doc["kommuner"]],
            "Hjemmel": [m["hjemmel"] for m in doc["kommuner"]],
            "Tid": ROBEK_YEAR,
            "value": 1.0,
        }
    )
    check(df["Region"].isin(list(names["municipalities"])).all(), "ROBEK: a code is not a 2024 municipality")
    attrs = table_attrs(
        "kdd-robek",
        f"Kommuner i Register om betinget godkjenning og kontroll (ROBEK) per {ROBEK_DATE}",
        {"Region": "region", "Hjemmel": "hjemmel (kommuneloven § 28-1)", "Tid": "år"},
        {
            "Region": {c: names["municipalities"][c] for c in sorted(df["Region"])},
            "Hjemmel": {h: h for h in sorted(df["Hjemmel"].unique())},
            "Tid": {ROBEK_YEAR: ROBEK_YEAR},
        },
        {"value": {"base": "oppført (1)", "decimals": 0}},
        [
            doc["beskrivelse"],
            f"Registeret slik KDD publiserte det {ROBEK_DATE}. Tidligere oppføringer er "
            "ikke med og kan ikke utledes av denne listen.",
        ],
    )
    attrs["source"] = KDD
    attrs["list_date"] = ROBEK_DATE
    attrs["hjemler"] = doc["hjemler"]
    attrs["url"] = doc["kildeUrl"]
    return tidy(df, ["Region", "Hjemmel", "Tid"], attrs)


def _entry(
    source: Path,
    df: pd.DataFrame,
    rels: list[str],
    checks: list[str],
    transform: str,
    vintage: str,
    vintage_note: str,
) -> dict:
    return {
        "title": df.attrs["label"],
        "ssb_table": None,
        "vintage": vintage,
        "vintage_note": vintage_note,
        "inputs": input_entries(source, rels),
        "transform": transform,
        "checks": checks,
        "coverage": coverage(df),
        "licence": "NLOD (offentlige data fra KDD)",
        "attribution": f"Kilde: {KDD}",
    }


def add_expenditure_need(ctx: Context) -> None:
    """Build kdd-utgiftsbehov and record it."""
    values = {year: read_dki(ctx.source / rel, year) for year, rel in DKI.items()}
    derived = pd.read_csv(ctx.source / DERIVED_CSV, dtype={"kommunenr": str})
    check_dki(values, derived, ctx.names)
    table = kdd_utgiftsbehov(values, ctx.names)
    ctx.outputs["kdd-utgiftsbehov.parquet"] = table
    ctx.tables["kdd-utgiftsbehov"] = _entry(
        ctx.source,
        table,
        list(DKI.values()),
        [
            "355 municipalities per budget year, all 79 in Nordland and Trøndelag, values 0.7-2.0",
            "the JSON files agree with the folder's derived CSV",
            "Tydal 2026: 1.46",
        ],
        "kommuner -> Region (Lørenskog's object: its 'samlet' value), år -> Tid (budget year), "
        "ContentsCode DKISamlet. The files' 'publisert' date is the copier's: the index for budget year B "
        "is published with the state budget in October B-1.",
        None,
        "Grønt hefte for budget years 2025 and 2026 (published October 2024 and October 2025); copied "
        "2026-04-26 by kommunebarometer.",
    )


def add_robek(ctx: Context) -> None:
    """Build kdd-robek and record it."""
    doc = read_robek(ctx.source / ROBEK)
    table = kdd_robek(doc, ctx.names)
    ctx.outputs["kdd-robek.parquet"] = table
    ctx.tables["kdd-robek"] = _entry(
        ctx.source,
        table,
        [ROBEK],
        [
            f"the list published {ROBEK_DATE} on regjeringen.no, hjemmel letters a-g",
            "Nordland and Trøndelag members: " + ", ".join(sorted(ROBEK_NL_TR)),
        ],
        "kommuner -> one row per listed municipality: Region, Hjemmel (as listed), Tid 2026, value 1. The "
        "hjemmel texts travel in the table's metadata.",
        ROBEK_DATE,
        f"KDD's register as published {ROBEK_DATE} (retrieved 2026-04-25 by kommunebarometer).",
    )
