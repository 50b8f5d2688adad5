"""Municipality and county boundaries 2024 (robhop/fylker-og-kommuner), compacted to GeoJSON."""

from __future__ import annotations

import json
from pathlib import Path

from samfunn_data.importers.core import LICENCE, Context, check
from samfunn_data.importers.manifest import input_entries

GEO_ATTRIBUTION = (
    "Kartgrunnlag: © Kartverket (Administrative enheter, CC BY 4.0), forenklet av robhop/fylker-og-kommuner"
)


def round_coords(coords, ndigits: int = 5):
    """Nested coordinate lists rounded to `ndigits` decimals."""
    if isinstance(coords[0], (int, float)):
        return [round(float(c), ndigits) for c in coords]
    return [round_coords(c, ndigits) for c in coords]


def compact_geojson(src: Path, keep: list[str], code_key: str) -> tuple[bytes, list[str]]:
    """GeoJSON with coordinates rounded to 5 decimals (about 1 m) and only the properties we use."""
    doc = json.loads(src.read_text(encoding="utf-8"))
    features = []
    for feat in sorted(doc["features"], key=lambda f: f["properties"][code_key]):
        geom = feat["geometry"]
        features.append(
            {
                "type": "Feature",
                "properties": {k: feat["properties"][k] for k in keep},
                "geometry": {"type": geom["type"], "coordinates": round_coords(geom["coordinates"])},
            }
        )
    out = {"type": "FeatureCollection", "features": features}
    codes = [f["properties"][code_key] for f in features]
    return json.dumps(out, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), codes


def add(ctx: Context) -> None:
    """Compact the municipality layer, check both layers against 07459's 2024 codes and record them.

    The county layer was compacted before the other steps (its names feed regions-2024).
    """
    fylker_bytes, fylker_codes, p07459 = ctx.fylker_bytes, ctx.fylker_codes, ctx.outputs["07459.parquet"]
    kommuner_bytes, kommune_codes = compact_geojson(
        ctx.source / "geo-candidates/robhop-2024/Kommuner-S.geojson",
        ["kommunenummer", "kommunenavn"],
        "kommunenummer",
    )
    codes_2024 = set(p07459.loc[(p07459["Tid"] == "2024") & (p07459["Region"].str.len() == 4), "Region"])
    check(
        len(kommune_codes) == 357 and len(set(kommune_codes)) == 357,
        "geo: expected 357 municipality features",
    )
    check(set(kommune_codes) == codes_2024, "geo: municipality codes differ from the 2024 codes in 07459")
    check(
        len(fylker_codes) == 15 and {c[:2] for c in codes_2024} == set(fylker_codes),
        "geo: county features differ from the 2024 counties",
    )
    ctx.outputs["geo/kommuner-2024.geojson"] = kommuner_bytes
    ctx.outputs["geo/fylker-2024.geojson"] = fylker_bytes
    for key, rel, n in (
        ("geo/kommuner-2024", "geo-candidates/robhop-2024/Kommuner-S.geojson", 357),
        ("geo/fylker-2024", "geo-candidates/robhop-2024/Fylker-S.geojson", 15),
    ):
        ctx.tables[key] = {
            "title": "Kommunegrenser 2024 (forenklet)" if n == 357 else "Fylkesgrenser 2024 (forenklet)",
            "ssb_table": None,
            "vintage": "2024-01-01",
            "vintage_note": "Kartverket extract 2023-12-15, valid from 2024-01-01.",
            "inputs": input_entries(ctx.source, [rel]),
            "transform": "Coordinates rounded to 5 decimals (about 1 m), features sorted by code, only code "
            "and name properties kept, compact JSON. WGS84 lon/lat (RFC 7946). Simplified 'S' "
            "quality: small islands (Træna, Røst) are much smaller than their real area; 28 "
            "municipality geometries have small self-intersections (call make_valid for GIS "
            "work). The county layer was simplified separately and does not match the union of "
            "municipalities exactly.",
            "checks": [f"{n} features, no duplicates", "codes equal the 2024 codes in 07459"],
            "coverage": {"regions": {"features": n}, "years": ["2024", "2024"], "variables": []},
            "licence": LICENCE,
            "attribution": GEO_ATTRIBUTION,
        }
