"""What the three sources transcribed from the Fellestall repository share: provenance and the
per-innbygger check.

KOSTRA 12137, KOSTRA 12362 and the income system were hand-transcribed from the per-municipality JSON
files of Lippen1995/Project_statsbudsjett (79 files over four commits; each folder's `sources*.tsv`
names the path and commit per municipality). The transcriptions are checked here against SSB 07459:
SSB's per-innbygger figure is the amount divided by the population on 31 December (= 1 January of the
following year), rounded to whole kroner.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samfunn_data.importers.core import LICENCE, check, sha256

REPOSITORY = "Lippen1995/Project_statsbudsjett"
KIND = "transcription"
FIRST_TRONDHEIM_YEAR = 2020  # 5001 before 2020 is the old Klæbu series stitched on by the source's ETL
PRELIMINARY_YEAR = 2025  # unrevised accounts published 15 March 2026; SSB revises them 15 June
PRELIMINARY = "foreløpig"
BOUNDARY = "grenseendring"
# Row caveats in the `status` column of these tables (SSB's own status symbols never occur here).
STATUS_LABELS = {
    PRELIMINARY: "Foreløpige regnskapstall (SSB 15. mars 2026); SSB publiserer reviderte tall 15. juni.",
    BOUNDARY: "Indre Fosen 2019: SSB delte på 10 016 innbyggere; 07459 på 2024-grenser har 10 084 "
    "(en liten grensejustering i 2020). Tallene er SSBs egne og beholdes.",
}
# (kommune, year) whose population on 1 January of the next year in 07459 (2024 borders) is not the one
# SSB divided by, with the largest difference in persons accepted; every other row must match exactly.
POPULATION_EXCEPTIONS = {
    ("5054", 2019): 68,  # boundary change: SSB 10,016, 07459 10,084 (kept, status "grenseendring")
    ("5037", 2017): 2,  # 07459 on 2024 borders has 1-2 persons more on 1 January 2018 than SSB used
    ("5038", 2017): 2,
    ("5053", 2017): 2,
}
POPULATION_EXCEPTIONS_NOTE = (
    "amount x 1000 / per innbygger equals 07459's population on 1 January of the following year within "
    "the rounding of whole kroner (|amount x 1000 / pop - per innbygger| <= 0.5 + 500 / pop) for every "
    "row, except: 5054 Indre Fosen 2019 (SSB divided by 10,016; 07459 on 2024 borders has 10,084 after a "
    "boundary change in 2020: kept, marked 'grenseendring') and 5037 Levanger, 5038 Verdal, 5053 Inderøy "
    "2017 (07459 on 2024 borders has 1-2 persons more on 1 January 2018 than SSB used; checked within 2 "
    "persons). Those rows are checked against the population their own 12137 figures imply instead."
)


def upstream(tsv: Path) -> list[dict]:
    """The source repository's files behind a transcription, grouped by commit and folder."""
    df = pd.read_csv(tsv, sep="\t", dtype=str)
    folder = df["path"].str.rsplit("/", n=1).str[0]
    groups = df.assign(folder=folder).groupby(["commit", "folder"], sort=True)["kode"]
    return [
        {"commit": commit, "path": f"{folder}/municipality-<kommune>.json", "kommuner": sorted(codes)}
        for (commit, folder), codes in groups
    ]


def transcription_input(source: Path, rel: str, expected_sha256: str, tsv_rel: str) -> dict:
    """The manifest entry of a transcribed input: its sha256 (checked) and the upstream files."""
    digest = sha256(source / rel)
    check(
        digest == expected_sha256,
        f"{rel}: sha256 {digest[:16]} is not {expected_sha256[:16]} (PROVENANCE.md)",
    )
    return {
        "repository": REPOSITORY,
        "path": "see upstream",
        "commit": None,
        "file": rel,
        "sha256": digest,
        "kind": KIND,
        "role": "data",
        "upstream": upstream(source / tsv_rel),
        "upstream_list": tsv_rel,
    }


def population_next_january(p07459: pd.DataFrame) -> pd.Series:
    """Population on 1 January per (Region, year - 1): the 31 December population of `year - 1`."""
    totals = p07459.groupby(["Region", "Tid"], observed=True)["value"].sum()
    regions = totals.index.get_level_values(0)
    years = totals.index.get_level_values(1).astype(int) - 1
    return pd.Series(totals.to_numpy(), index=pd.MultiIndex.from_arrays([regions, years]))


def off_by_rounding(amount_1000: np.ndarray, per_innb: np.ndarray, pop: np.ndarray) -> np.ndarray:
    """Rows whose per innbygger is not amount x 1000 / pop rounded to whole kroner (the amount itself is
    rounded to 1000 kr, so it may be up to 500 kr off)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        residual = np.abs(amount_1000 * 1000 / pop - per_innb)
    return ~(residual <= 0.5 + 500 / pop + 1e-9)


def check_per_innbygger(df: pd.DataFrame, population: pd.Series, implied: pd.Series, label: str) -> None:
    """Check every row's per innbygger against 07459 (1 January of the next year) within rounding.

    `df` has Region, year, amount, per_innb. Rows of `POPULATION_EXCEPTIONS` are checked against the
    population `implied` by their own 12137 figures, which must lie within the accepted distance of 07459.
    """
    keys = pd.MultiIndex.from_arrays([df["Region"], df["year"]])
    pop = population.reindex(keys).to_numpy(float)
    check(not np.isnan(pop).any(), f"{label}: 07459 has no population for some municipality-years")
    excepted = np.array(
        [(r, y) in POPULATION_EXCEPTIONS for r, y in zip(df["Region"], df["year"], strict=True)]
    )
    pop = np.where(excepted, implied.reindex(keys).to_numpy(float), pop)
    bad = off_by_rounding(df["amount"].to_numpy(float), df["per_innb"].to_numpy(float), pop)
    first = df[bad].head(3)[["Region", "year"]].to_numpy().tolist()
    check(
        not bad.any(),
        f"{label}: {int(bad.sum())} rows' per innbygger is not the amount divided by "
        f"07459's population within whole-krone rounding, e.g. {first}",
    )
    for (region, year), allowed in POPULATION_EXCEPTIONS.items():
        if (region, year) in implied.index:
            gap = abs(implied[(region, year)] - population[(region, year)])
            check(
                gap <= allowed,
                f"{label}: {region} {year} implies {implied[(region, year)]:.0f} "
                f"inhabitants, {gap:.0f} from 07459 (at most {allowed} accepted)",
            )


def fellestall_entry(
    df: pd.DataFrame,
    title: str,
    table: str,
    inputs: list[dict],
    transform: str,
    checks: list[str],
    coverage: dict,
    attribution: str,
) -> dict:
    """The manifest entry of a table transcribed from Fellestall."""
    return {
        "title": title,
        "ssb_table": table,
        "vintage": "2026-03-15",
        "vintage_note": "SSB's publication of 15 March 2026 (2025 unrevised); the source's ETL fetched it "
        "from PxWebApi 2.0 after that date. Transcribed by hand from the stored JSON files.",
        "inputs": inputs,
        "transform": "Hand transcription (see the folder's PROVENANCE.md) of the per-municipality JSON "
        "files of the source repository, which its ETL downloads from SSB. " + transform,
        "checks": checks,
        "coverage": coverage,
        "licence": LICENCE,
        "attribution": attribution,
    }
