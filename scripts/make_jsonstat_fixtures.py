"""Rebuild the JSON-stat test fixtures from real SSB 07459 figures (run once by hand; tests never run it).

Source: niphr/csdata (MIT, FHI), commit 80b272654f0a3d6d3c640f3b247225e2e3ce6ae4,
data-raw/files/population/norway_population_by_age_sex_{2023,2024}.csv: curated exports of SSB table
07459 (population on 1 January by region, age and sex), copied byte for byte into
../shared/ssb-data-candidates/csdata-07459/ (see PROVENANCE.md there).

Writes into tests/fixtures/:
- ``ssb_07459_excerpt.json``: a JSON-stat 2.0 document in the shape PxWebApi 2.0 returns for 07459
  (Region, Kjonn, Alder, ContentsCode, Tid; object-valued category indexes, unit on ContentsCode,
  extension.px.tableid) holding the real counts for the six learning-network municipalities, both
  sexes, ages 0..105+, 2023 and 2024. Labels are SSB's bokmål labels for this table. There is no
  ``updated`` stamp because the source files do not carry one, and no ``status`` because SSB gives none
  for these cells.
- ``ssb_07459_regions_2024.json``: the 357 municipality codes and names on 2024 borders (used by the
  decoder benchmark for realistic region codes and labels).

Usage: ``python scripts/make_jsonstat_fixtures.py [SOURCE_DIR]``
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = REPO.parent / "shared" / "ssb-data-candidates" / "csdata-07459"
OUT = REPO / "tests" / "fixtures"
NETWORK = ["5026", "5033", "5043", "1825", "1827", "1874"]
YEARS = ["2023", "2024"]
CSDATA_COMMIT = "80b272654f0a3d6d3c640f3b247225e2e3ce6ae4"


def read_counts(path: Path) -> tuple[dict[tuple[str, str, str], int], dict[str, str]]:
    """{(region, sex, age): count} and {region: name} from one csdata file (latin-1, ';', title line)."""
    counts, names = {}, {}
    with path.open(encoding="latin-1", newline="") as handle:
        rows = csv.reader(handle, delimiter=";")
        header = next(row for row in rows if row and row[0] == "region")
        assert header[2].endswith("Males") and header[3].endswith("Females"), header
        for region, age, males, females in rows:
            match = re.fullmatch(r"K-(\d{4}) (.+)", region)
            if not match:  # 21-22 Svalbard, 23 continental shelf, "Rest": not municipalities
                continue
            code, names[match[1]] = match[1], match[2]
            age_code = "105+" if age.startswith("105") else f"{int(age.split()[0]):03d}"
            counts[(code, "1", age_code)] = int(males)
            counts[(code, "2", age_code)] = int(females)
    return counts, names


def build_document(by_year: dict[str, dict], names: dict[str, str]) -> dict:
    ages = [f"{age:03d}" for age in range(105)] + ["105+"]
    age_labels = {code: f"{int(code)} år" for code in ages[:-1]} | {"105+": "105 år eller eldre"}
    values = [
        by_year[year][(region, sex, age)]
        for region in NETWORK
        for sex in ("1", "2")
        for age in ages
        for year in YEARS
    ]
    return {
        "version": "2.0",
        "class": "dataset",
        "label": "07459: Befolkning, etter region, kjønn, alder, statistikkvariabel og år",
        "source": "Statistisk sentralbyrå",
        "note": ["Excerpt for tests: real SSB 07459 counts for six municipalities, via niphr/csdata."],
        "role": {"time": ["Tid"], "metric": ["ContentsCode"], "geo": ["Region"]},
        "id": ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"],
        "size": [len(NETWORK), 2, len(ages), 1, len(YEARS)],
        "dimension": {
            "Region": _dim("region", NETWORK, {code: names[code] for code in NETWORK}),
            "Kjonn": _dim("kjønn", ["1", "2"], {"1": "Menn", "2": "Kvinner"}),
            "Alder": _dim("alder", ages, age_labels),
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Personer1": 0},
                    "label": {"Personer1": "Personer"},
                    "unit": {"Personer1": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": _dim("år", YEARS, {year: year for year in YEARS}),
        },
        "value": values,
        "extension": {
            "px": {"tableid": "07459", "decimals": 0, "language": "no"},
            "samfunn_fixture": {
                "repository": "niphr/csdata",
                "commit": CSDATA_COMMIT,
                "paths": [f"data-raw/files/population/norway_population_by_age_sex_{y}.csv" for y in YEARS],
                "made_by": "scripts/make_jsonstat_fixtures.py",
            },
        },
    }


def _dim(label: str, codes: list[str], labels: dict[str, str]) -> dict:
    return {"label": label, "category": {"index": {c: i for i, c in enumerate(codes)}, "label": labels}}


def main(source: Path) -> None:
    by_year, names = {}, {}
    for year in YEARS:
        path = source / f"norway_population_by_age_sex_{year}.csv"
        print(f"{path.name}: sha256 {hashlib.sha256(path.read_bytes()).hexdigest()}")
        by_year[year], year_names = read_counts(path)
        if year == "2024":
            names = year_names
    OUT.mkdir(parents=True, exist_ok=True)
    doc = build_document(by_year, names)
    (OUT / "ssb_07459_excerpt.json").write_text(json.dumps(doc, ensure_ascii=False) + "\n", encoding="utf-8")
    assert len(names) == 357, len(names)
    regions = {
        "source": f"niphr/csdata@{CSDATA_COMMIT}: norway_population_by_age_sex_2024.csv (SSB 07459)",
        "regions": dict(sorted(names.items())),
    }
    (OUT / "ssb_07459_regions_2024.json").write_text(
        json.dumps(regions, ensure_ascii=False, indent=0) + "\n", encoding="utf-8"
    )
    print(f"wrote {len(doc['value'])} values and {len(names)} region names to {OUT}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_SOURCE)
