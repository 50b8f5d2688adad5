"""The committed snapshot holds what PROVENANCE.md says, and the importer writes it reproducibly.

These tests read the committed files in data/raw/snapshot only (never ../shared), so they run in CI
and on a fresh clone.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest

from samfunn_data.config import PROJECT_ROOT
from samfunn_data.errors import SnapshotError
from samfunn_data.importers import main as import_main
from samfunn_data.importers.core import ImportCheckError, tidy, write_parquet
from samfunn_data.importers.population_07459 import check_07459, population_07459
from samfunn_data.ssb import snapshot

SNAPSHOT = PROJECT_ROOT / "data" / "raw" / "snapshot"

# Published SSB figures quoted in ../shared/ssb-data-candidates/PROVENANCE.md (population 1 January).
NATIONAL = {
    2019: 5_328_212,
    2020: 5_367_580,
    2021: 5_391_369,
    2022: 5_425_270,
    2023: 5_488_984,
    2024: 5_550_203,
    2025: 5_594_340,
    2026: 5_627_400,
}


@pytest.fixture(scope="module")
def p07459() -> pd.DataFrame:
    return pd.read_parquet(SNAPSHOT / "07459.parquet")


def _totals(df: pd.DataFrame) -> pd.Series:
    return df.groupby(["Region", "Tid"])["value"].sum()


# ---------------------------------------------------------------- 07459


def test_national_totals_equal_the_published_figures(p07459):
    totals = _totals(p07459)
    for year, expected in NATIONAL.items():
        assert totals[("0", str(year))] == expected, year


def test_county_sums_2024_equal_the_published_figures(p07459):
    totals = _totals(p07459)
    assert totals[("18", "2024")] == 243_081
    assert totals[("50", "2024")] == 482_956


def test_municipalities_add_up_to_counties_and_country(p07459):
    munis = p07459[p07459["Region"].str.len() == 4]
    by_county = munis.assign(c=munis["Region"].str[:2]).groupby(["c", "Tid"])["value"].sum()
    totals = _totals(p07459)
    for (county, year), value in totals[totals.index.get_level_values(0).str.len() == 2].items():
        assert by_county[(county, year)] == value, (county, year)
    for year in ("2024", "2025", "2026"):
        assert munis.loc[munis["Tid"] == year, "value"].sum() == totals[("0", year)]


def test_coverage_and_codes(p07459):
    munis = p07459[p07459["Region"].str.len() == 4]
    assert munis.loc[munis["Tid"] == "2024", "Region"].nunique() == 357
    nl_tr = munis[munis["Region"].str[:2].isin(["18", "50"])]
    assert nl_tr.loc[nl_tr["Tid"] == "2020", "Region"].nunique() == 79
    assert set(p07459["Kjonn"]) == {"1", "2"}
    ages = sorted(p07459["Alder"].unique())
    assert ages[0] == "000" and ages[-1] == "105+" and len(ages) == 106
    assert set(p07459["ContentsCode"]) == {"Personer1"}
    assert p07459.loc[p07459["Region"] == "0", "Tid"].min() == "1986"
    assert p07459["value"].dtype == "float64" and "status" in p07459.columns


def test_imputed_years_are_absent(p07459):
    # csdata's rows for 2027-2036 are copies of 2026 marked imputed: not observations.
    assert p07459["Tid"].max() == "2026"


def test_apportioned_municipality_years_are_absent(p07459):
    # Before a split, csdata gives each part a fixed share of the old municipality: modelled, not SSB.
    first = p07459[p07459["Region"].str.len() == 4].groupby("Region")["Tid"].min()
    for code in ("1806", "1875", "5055", "5056", "5059"):
        assert first[code] == "2020", code
    assert first["1508"] == "2024" and first["1580"] == "2024"
    assert first["1811"] == "2005"


def test_labels_travel_in_the_parquet_file(p07459):
    attrs = p07459.attrs
    assert attrs["table_id"] == "07459"
    assert attrs["category_labels"]["Region"]["5043"] == "Raarvihke - Røyrvik"
    assert attrs["category_labels"]["Kjonn"] == {"1": "Menn", "2": "Kvinner"}
    assert attrs["units"]["Personer1"]["base"] == "personer"


# ---------------------------------------------------------------- the other tables


@pytest.mark.parametrize("table_id", ["06913", "06944", "07984", "09429"])
def test_excerpts_cover_the_79_nordland_and_trondelag_municipalities(table_id):
    df = snapshot.read_table(table_id)
    assert df["Region"].nunique() == 79
    assert df["Region"].str[:2].isin(["18", "50"]).all()
    assert df["value"].notna().all()


def test_06913_population_equals_07459(p07459):
    df = snapshot.read_table("06913")
    pop = df[(df["ContentsCode"] == "Folkemengde") & (df["Tid"] >= "2020")].set_index(["Region", "Tid"])[
        "value"
    ]
    assert len(pop) == 553
    assert (pop - _totals(p07459).reindex(pop.index)).abs().max() == 0


def test_14288_holds_projections_only_and_counties_match_municipalities():
    df = snapshot.read_table("14288")
    assert df["Tid"].min() == "2025" and df["Tid"].max() == "2050"
    munis = df[df["Region"].str.len() == 4]
    assert munis["Region"].nunique() == 357 and set(munis["ContentsCode"]) == {"MMMM"}
    counties = df[df["Region"].str.len() == 2]
    assert set(counties["ContentsCode"]) == {"MMMM", "HHMH", "LLML"}
    sums = munis.assign(c=munis["Region"].str[:2]).groupby(["c", "Tid"])["value"].sum()
    mmmm = counties[counties["ContentsCode"] == "MMMM"].set_index(["Region", "Tid"])["value"]
    assert (sums.reindex(mmmm.index) - mmmm).abs().max() == 0
    assert mmmm[("18", "2050")] == 241_234 and mmmm[("50", "2025")] == 486_989


def test_centrality_index_lies_within_its_class():
    df = snapshot.read_table("klass-128")
    classes = df[df["level"] == "1"].set_index("code")["name"].str.extract(r"\((\d+)-(\d+)\)").astype(float)
    munis = df[df["level"] == "2"]
    assert (
        munis["index"].between(munis["parentCode"].map(classes[0]), munis["parentCode"].map(classes[1])).all()
    )


def test_geo_layers_match_the_2024_codes(p07459):
    codes_2024 = set(p07459.loc[(p07459["Tid"] == "2024") & (p07459["Region"].str.len() == 4), "Region"])
    kommuner = json.loads(snapshot.geo_path("kommuner").read_text(encoding="utf-8"))
    codes = [f["properties"]["kommunenummer"] for f in kommuner["features"]]
    assert len(codes) == 357 and set(codes) == codes_2024
    fylker = json.loads(snapshot.geo_path("counties").read_text(encoding="utf-8"))
    assert {f["properties"]["fylkesnummer"] for f in fylker["features"]} == {c[:2] for c in codes_2024}
    ring = kommuner["features"][0]["geometry"]["coordinates"][0]
    point = ring[0] if isinstance(ring[0][0], float) else ring[0][0]
    assert all(len(str(c).split(".")[-1]) <= 5 for c in point)


# ---------------------------------------------------------------- manifest


def test_manifest_sha256_matches_the_committed_files():
    tables = snapshot.manifest()["tables"]
    for key, entry in tables.items():
        data = (SNAPSHOT / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], key
    assert snapshot.verify() == []


def test_manifest_records_provenance_for_every_file():
    tables = snapshot.manifest()["tables"]
    assert {
        "07459",
        "06913",
        "06944",
        "07984",
        "09429",
        "14288",
        "klass-128",
        "klass-131-changes",
        "regions-2024",
        "geo/kommuner-2024",
        "geo/fylker-2024",
        "12137",
        "12362",
        "kdd-inntektssystem",
        "kdd-utgiftsbehov",
        "kdd-robek",
    } <= set(tables)
    for key, entry in tables.items():
        for field in ("title", "inputs", "transform", "coverage", "licence", "attribution", "vintage"):
            assert field in entry, (key, field)
        for source in entry["inputs"]:
            assert source["repository"] and len(source["sha256"]) == 64
            assert source["kind"] in ("exact copy", "excerpt", "transcription")
            # a transcription of many upstream files names each file's commit instead of one
            commits = [u["commit"] for u in source.get("upstream", [])] or [source["commit"]]
            assert all(len(c) == 40 for c in commits), key
    assert (
        tables["07459"]["attribution"] == "Kilde: Statistisk sentralbyrå (SSB), statistikkbanken tabell 07459"
    )
    assert tables["06913"]["inputs"][0]["kind"] == "excerpt"
    assert "Kartverket" in tables["geo/kommuner-2024"]["attribution"]


def test_snapshot_stays_small():
    total = sum(p.stat().st_size for p in SNAPSHOT.rglob("*") if p.is_file())
    assert total < 15_000_000


# ---------------------------------------------------------------- the reader


def test_reader_names_missing_tables(monkeypatch, tmp_path):
    with pytest.raises(SnapshotError, match="no table '99999'.*07459"):
        snapshot.read_table("99999")
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(tmp_path))
    with pytest.raises(SnapshotError, match="make snapshot"):
        snapshot.manifest()


def test_reader_reports_a_corrupt_file(monkeypatch, tmp_path):
    (tmp_path / "07459.parquet").write_bytes(b"PAR1 this is not parquet")
    (tmp_path / "MANIFEST.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(tmp_path))
    with pytest.raises(SnapshotError, match="cannot be read"):
        snapshot.read_table("07459")
    with pytest.raises(SnapshotError, match="not valid JSON"):
        snapshot.manifest()


def test_changing_a_returned_frame_does_not_change_the_next_read():
    first = snapshot.read_table("06944")
    first.loc[0, "value"] = -1.0
    first["extra"] = 1
    again = snapshot.read_table("06944")
    assert again.loc[0, "value"] != -1.0 and "extra" not in again.columns


# ---------------------------------------------------------------- the importer itself


def test_writer_is_deterministic_and_keeps_labels(tmp_path):
    frame = pd.DataFrame({"Region": ["1811", "0"], "Tid": ["2024", "2024"], "value": [1352.0, 5550203.0]})
    tidied = tidy(frame, ["Region", "Tid"], {"table_id": "07459", "label": "Befolkning"})
    write_parquet(tidied, tmp_path / "a.parquet")
    write_parquet(tidied.copy(), tmp_path / "b.parquet")
    assert (tmp_path / "a.parquet").read_bytes() == (tmp_path / "b.parquet").read_bytes()
    back = pd.read_parquet(tmp_path / "a.parquet")
    assert list(back["Region"]) == ["0", "1811"]  # sorted by dimension codes
    assert back.attrs["label"] == "Befolkning" and back["status"].isna().all()


def test_importer_drops_apportioned_years_and_incomplete_counties():
    rows = []
    for code, year, value in (("1804", 2019, 10), ("1806", 2019, 5), ("1804", 2020, 11), ("1806", 2020, 6)):
        for sex in ("male", "female", "total"):
            rows.append(
                {
                    "granularity_geo": "municip",
                    "location_code": f"municip_nor{code}",
                    "age": 0.0,
                    "sex": sex,
                    "calyear": float(year),
                    "pop_jan1_n": float(value),
                    "imputed": False,
                }
            )
    rows.append({**rows[0], "calyear": 2027.0, "imputed": True})
    redistricting = pd.DataFrame(
        {
            "location_code_current": ["municip_nor1806"],
            "location_code_original": ["municip_nor1850"],
            "calyear": [2019.0],
            "weighting": [0.5],
            "granularity_geo": ["municip"],
        }
    )
    rda = {
        "nor_population_by_age_b2024": pd.DataFrame(rows),
        "nor_locations_redistricting_b2024": redistricting,
    }
    names = {"municipalities": {"1804": "Bodø", "1806": "Narvik"}, "counties": {"18": "Nordland"}}
    df, info = population_07459(rda, names)
    assert ("1806", 2019) in info["dropped_modelled"]
    assert set(df.loc[df["Region"] == "1806", "Tid"]) == {"2020"}
    assert set(df.loc[df["Region"] == "18", "Tid"]) == {"2020"}  # 2019 incomplete: no county sum
    assert df["Tid"].max() == "2020"  # the imputed row is gone
    assert df.loc[(df["Region"] == "18") & (df["Kjonn"] == "1"), "value"].tolist() == [17.0]


def test_importer_fails_loudly_on_a_wrong_national_total():
    frame = pd.DataFrame({"Region": ["0"], "Tid": ["2019"], "value": [5_328_211.0]})
    with pytest.raises(ImportCheckError, match="national total 2019"):
        check_07459(frame, Path("/nonexistent"))


def test_importer_refuses_a_missing_source(tmp_path):
    messages = []
    assert import_main(["--source", str(tmp_path), "--out", str(tmp_path / "out")], log=messages.append) == 1
    assert "not found" in messages[0] and not (tmp_path / "out").exists()


def test_reader_rejects_paths_as_table_ids():
    with pytest.raises(SnapshotError, match="not a table id"):
        snapshot.read_table("../07459")
