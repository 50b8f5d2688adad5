"""Small, hand-computable tidy tables for unit tests of the fact base arithmetic.

These figures are made up for arithmetic checks only and are never shown to users; the tests on real
SSB figures read the embedded snapshot. Layout: Norway "0", counties "18" (municipalities 1811, 1812)
and "50" (5001); years 2019-2022.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

REAL_SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "raw" / "snapshot"
YEARS = [2019, 2020, 2021, 2022]
# persons per (sex, age) in 1811 in 2019; men aged 30 grow by 2 a year
AGES_1811 = {("1", 3): 10, ("1", 10): 20, ("1", 30): 30, ("1", 70): 15, ("1", 85): 5,
             ("2", 3): 10, ("2", 10): 20, ("2", 30): 40, ("2", 70): 15, ("2", 85): 15}


def _ages(code: str, year: int) -> dict:
    if code == "1811":
        ages = dict(AGES_1811)
        ages[("1", 30)] += 2 * (year - 2019)
        return ages
    if code == "1812":  # 100 people aged 40, half men; fewer each year
        return {("1", 40): 50 - (year - 2019), ("2", 40): 50}
    return {("1", 20): 1500, ("2", 20): 1500, ("2", "105+"): 2}  # 5001: a large town


def population_07459() -> pd.DataFrame:
    rows = []
    for year in YEARS:
        per_region = {code: _ages(code, year) for code in ("1811", "1812", "5001")}
        per_region["18"] = _sum(per_region["1811"], per_region["1812"])
        per_region["50"] = dict(per_region["5001"])
        per_region["0"] = _sum(per_region["18"], per_region["50"])
        for code, ages in per_region.items():
            for (sex, age), persons in sorted(ages.items(), key=str):
                alder = age if isinstance(age, str) else f"{age:03d}"
                rows.append((code, sex, alder, "Personer1", str(year), float(persons)))
    frame = pd.DataFrame(rows, columns=["Region", "Kjonn", "Alder", "ContentsCode", "Tid", "value"])
    frame["status"] = pd.Series([None] * len(frame), dtype="object")
    return frame


def _sum(a: dict, b: dict) -> dict:
    out = dict(a)
    for key, value in b.items():
        out[key] = out.get(key, 0) + value
    return out


def flows_06913() -> pd.DataFrame:
    """1811: births-deaths -2/-1/0, net migration +5/-4/+3 (2019-2021); 5001 in 2019 is on old borders."""
    rows = []
    totals = {code: {y: sum(_ages(code, y).values()) for y in YEARS} for code in ("1811", "1812", "5001")}
    totals["5001"][2019] -= 500  # the 2019 code covered a smaller area: its 2019 rows must be dropped
    for code, by_year in totals.items():
        for year, persons in by_year.items():
            rows.append((code, "Folkemengde", str(year), float(persons)))
    natural = {"1811": [-2, -1, 0], "1812": [-3, -3, -3], "5001": [10, 12, 14]}
    net = {"1811": [5, -4, 3], "1812": [2, 2, 3], "5001": [40, 20, 30]}
    for code in natural:
        for i, year in enumerate(YEARS[:3]):
            rows.append((code, "Fodselsoverskudd", str(year), float(natural[code][i])))
            rows.append((code, "Nettoinnflytting", str(year), float(net[code][i])))
    frame = pd.DataFrame(rows, columns=["Region", "ContentsCode", "Tid", "value"])
    frame["status"] = None
    return frame


def employment_07984() -> pd.DataFrame:
    rows = []
    for code, total, primary in (("1811", 90, 20), ("1812", 45, 5), ("5001", 1400, 14)):
        for year in (2020, 2021):
            rows.append((code, "00-99", "0", "15-74", "Sysselsatte", str(year), float(total)))
            rows.append((code, "01-03", "0", "15-74", "Sysselsatte", str(year), float(primary)))
    columns = ["Region", "NACE2007", "Kjonn", "Alder", "ContentsCode", "Tid", "value"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["status"] = None
    return frame


def education_09429() -> pd.DataFrame:
    rows = []
    for code, everyone, short, long in (("1811", 150, 30, 6), ("1812", 90, 10, 0), ("5001", 2500, 700, 300)):
        for level, persons in (("00", everyone), ("03a", short), ("04a", long)):
            rows.append((code, level, "0", "Personer", "2021", float(persons)))
    frame = pd.DataFrame(rows, columns=["Region", "Nivaa", "Kjonn", "ContentsCode", "Tid", "value"])
    frame["status"] = None
    return frame


def income_06944() -> pd.DataFrame:
    rows = []
    for code, median, households in (("1811", 500000, 80), ("1812", 480000, 45)):
        rows.append((code, "0000", "InntSkatt", "2021", float(median)))
        rows.append((code, "0000", "AntallHushold", "2021", float(households)))
    frame = pd.DataFrame(rows, columns=["Region", "HusholdType", "ContentsCode", "Tid", "value"])
    frame["status"] = None
    return frame


def projections_14288() -> pd.DataFrame:
    rows = [("1811", "MMMM", "2030", 170.0), ("1812", "MMMM", "2030", 80.0), ("5001", "MMMM", "2030", 3500.0)]
    for code, values in (("18", (250.0, 230.0, 270.0)), ("50", (3500.0, 3300.0, 3700.0))):
        for alt, value in zip(("MMMM", "LLML", "HHMH"), values, strict=True):
            rows.append((code, alt, "2030", value))
    frame = pd.DataFrame(rows, columns=["Region", "ContentsCode", "Tid", "value"])
    frame["status"] = None
    return frame


def centrality_klass() -> pd.DataFrame:
    return pd.DataFrame({
        "code": ["06", "1811", "1812", "1850", "5001"],
        "name": ["x", "Bindal", "Sømna", "Tysfjord", "Trondheim"],
        "level": ["1", "2", "2", "2", "2"], "parentCode": ["", "06", "05", "06", "01"],
        "index": [None, 426.0, 530.0, 405.0, 950.0], "validFrom": [None] * 5, "validTo": [None] * 5})


def commuting_03321() -> pd.DataFrame:
    """2017 flows (work, residence, persons) on SSB's 2017 codes: 1811 has 20 employed residents (12 at
    home, 5 in 1601 Trondheim, now 5001, 3 in 1850 Tysfjord, split in 2020) and 14 workers (12 + 2 from
    1812)."""
    rows = [("1811", "1811", 12.0), ("1601", "1811", 5.0), ("1850", "1811", 3.0),
            ("1811", "1812", 2.0), ("1812", "1812", 40.0), ("1601", "1601", 2000.0),
            ("1850", "1850", 7.0), ("1812", "1850", 1.0)]
    frame = pd.DataFrame(rows, columns=["ArbstedKomm", "Bokommuen", "value"])
    frame["ContentsCode"] = "Sysselsatte"
    frame["Tid"] = "2017"
    frame["status"] = None
    return frame


def registry_table(name: str):
    """A loader of one of the real snapshot's registry tables (regions-2024, klass-131-changes)."""
    return lambda: pd.read_parquet(REAL_SNAPSHOT / f"{name}.parquet")


TABLES = {"07459": population_07459, "06913": flows_06913, "07984": employment_07984,
          "09429": education_09429, "06944": income_06944, "14288": projections_14288,
          "klass-128": centrality_klass, "03321": commuting_03321,
          "regions-2024": registry_table("regions-2024"),
          "klass-131-changes": registry_table("klass-131-changes")}


def write_snapshot(folder: Path, tables=None, vintage: str = "2026-01-01") -> Path:
    """Write the fixture tables as a snapshot folder (parquet + MANIFEST.json)."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {"tables": {}}
    for table_id in tables or TABLES:
        TABLES[table_id]().to_parquet(folder / f"{table_id}.parquet", index=False)
        manifest["tables"][table_id] = {"vintage": vintage}
    for registry_table in ("regions-2024", "klass-131-changes"):  # the real registry, for name lookups
        source = REAL_SNAPSHOT / f"{registry_table}.parquet"
        if source.exists():
            shutil.copyfile(source, folder / source.name)
    (folder / "MANIFEST.json").write_text(json.dumps(manifest), encoding="utf-8")
    return folder


def fixture_inputs(overrides: dict | None = None):
    """`Inputs` over the fixture tables (optionally replacing some frames)."""
    from samfunn_data.facts.computations import Inputs

    frames = {table_id: make() for table_id, make in TABLES.items()}
    frames.update(overrides or {})

    def reader(table_id, columns=None):
        if table_id not in frames:
            raise FileNotFoundError(table_id)
        frame = frames[table_id]
        return frame if columns is None else frame[columns]

    return Inputs(reader)


_REAL: dict = {}


def real_settings():
    """Settings that build the fact base from the committed snapshot into a temporary folder, once
    per test session (the build takes a few seconds)."""
    import tempfile

    from samfunn_data.config import Settings
    from samfunn_data.facts import factbase

    if "settings" not in _REAL:
        data_dir = Path(tempfile.mkdtemp(prefix="samfunn-real-factbase-"))
        settings = Settings(data_dir=data_dir, snapshot_dir=REAL_SNAPSHOT)
        factbase.build(settings=settings)
        _REAL["settings"] = settings
    return _REAL["settings"]


def real_snapshot_present() -> bool:
    return (REAL_SNAPSHOT / "07459.parquet").exists()
