"""regions-2024: municipality and county names, SSB's official labels split into bokmål and Sámi/Kven."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import (
    LICENCE,
    N_MUNICIPALITIES_2024,
    SSB_SOURCE,
    Context,
    attribution,
    check,
    location_code,
)
from samfunn_data.importers.manifest import input_entries

# Where the official SSB name has a Sámi/Kven part and neither csdata file gives the Norwegian form
# alone, the Norwegian (bokmål) part is named here. These are names, not statistics; see MANIFEST.
NORWEGIAN_PART = {
    "1841": "Fauske",
    "1870": "Sortland",
    "5041": "Snåsa",
    "5043": "Røyrvik",
    "5518": "Lavangen",
    "5538": "Storfjord",
    "5540": "Kåfjord",
    "5610": "Karasjok",
    "5612": "Kautokeino",
    "5622": "Porsanger",
    "5628": "Tana",
    "5636": "Nesseby",
}


def split_official_name(code: str, official: str, plain: dict[str, str]) -> tuple[str, str | None]:
    """Split SSB's official name ('Raarvihke - Røyrvik') into (bokmål name, Sámi/Kven name or None)."""
    base = official.split(" (")[0]  # "Herøy (Nordland)" -> "Herøy"
    parts = base.split(" - ")
    if len(parts) == 1:
        return base, None
    norwegian = NORWEGIAN_PART.get(code) or plain.get(code)
    check(norwegian in parts, f"names: cannot tell the Norwegian part of {code} {official!r}")
    others = [p for p in parts if p != norwegian]
    return norwegian, " - ".join(others)


def regions_2024(csv_dir: Path, rda: dict, counties_geo: dict) -> pd.DataFrame:
    """2024 municipality and county names: SSB's official labels (07459, 2024) split into bokmål/Sámi."""
    raw = pd.read_csv(csv_dir / "Personer2024.csv", sep=";", encoding="latin-1", skiprows=2, dtype=str)
    labels = raw["region"].drop_duplicates()
    labels = labels[labels.str.match(r"K-\d{4} ")]
    official = dict(zip(labels.str[2:6], labels.str[7:], strict=True))
    names = rda["nor_locations_names_b2024"]
    munis = names[names["granularity_geo"] == "municip"]
    plain = {
        c: n
        for c, n in zip(location_code(munis["location_code"]), munis["location_name"], strict=True)
        if "-" not in n
    }
    rows = []
    for code in sorted(official):
        name, sami = split_official_name(code, official[code], plain)
        rows.append(
            {
                "code": code,
                "level": "kommune",
                "name": name,
                "sami_name": sami,
                "official_name": official[code],
                "county": code[:2],
            }
        )
    for code, (name, full) in sorted(counties_geo.items()):
        parts = full.split(" - ")
        rows.append(
            {
                "code": code,
                "level": "fylke",
                "name": name,
                "sami_name": " - ".join(parts[1:]) or None,
                "official_name": full,
                "county": code,
            }
        )
    out = pd.DataFrame(rows, dtype="str")
    check((out["level"] == "kommune").sum() == N_MUNICIPALITIES_2024, "names: expected 357 municipalities")
    out.attrs = {
        "table_id": "regions-2024",
        "label": "Kommuner og fylker per 1.1.2024",
        "source": SSB_SOURCE + "; fylkesnavn: Kartverket",
        "updated": None,
        "dimension_labels": {},
        "category_labels": {},
        "units": {},
        "notes": [],
    }
    return out


def add(ctx: Context) -> None:
    """Record regions-2024 (built by `regions_2024` before the other steps, which use its names)."""
    regions = ctx.regions
    ctx.outputs["regions-2024.parquet"] = regions
    ctx.tables["regions-2024"] = {
        "title": regions.attrs["label"],
        "ssb_table": "07459 (region labels, 2024)",
        "vintage": "2024-01-01",
        "vintage_note": "Region structure valid from 1 January 2024.",
        "inputs": input_entries(
            ctx.source,
            [
                "ssb-data-candidates/csdata-07459/Personer2024.csv",
                "ssb-data-candidates/csdata-07459/rda/sysdata.rda",
                "geo-candidates/robhop-2024/Fylker-S.geojson",
            ],
        ),
        "transform": "official_name = SSB's 2024 region label in csdata's Personer2024.csv export of 07459 "
        "(e.g. 'Raarvihke - Røyrvik', 'Aarborte - Hattfjelldal', 'Herøy (Nordland)'). name = the "
        "Norwegian (bokmål) part without the county qualifier, sami_name = the Sámi/Kven part(s). "
        "The Norwegian part is the one csdata's nor_locations_names_b2024 gives alone; for "
        f"{', '.join(sorted(NORWEGIAN_PART))} csdata also gives both forms, so the Norwegian part "
        "is named in the importer (ours). County names: Kartverket fylkesnavn (official, with "
        "Sámi/Kven forms) and name (Norwegian) from Fylker-S.geojson.",
        "checks": ["357 municipalities, 15 counties"],
        "coverage": {
            "regions": {"municipalities": N_MUNICIPALITIES_2024, "counties": 15},
            "years": ["2024", "2024"],
            "variables": ["name", "sami_name", "official_name", "county"],
        },
        "licence": LICENCE,
        "attribution": attribution("07459") + "; Kartverket",
    }
