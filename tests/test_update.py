"""`samfunn update` against the loopback server (which serves the embedded snapshot's real figures)."""

from __future__ import annotations

import pandas as pd

from samfunn_data.cli import main
from samfunn_data.facts import factbase
from samfunn_data.ssb.catalogue import CATALOGUE
from tests.factbase_fixtures import REAL_SNAPSHOT

POPULATION = pd.read_parquet(REAL_SNAPSHOT / "07459.parquet")


def test_update_fetches_every_table_and_population_still_equals_published_totals(live_ssb, pxweb, capsys):
    # The snapshot's KOSTRA figures are SSB's unrevised ones of 15 March 2026; SSB publishes the revised
    # ones on 15 June (janbrus/pxwebapi-skills, references/kostra.md: 12134 `updated` 2026-06-15T06:00:00Z).
    for kostra in ("12137", "12362"):
        pxweb.state.set_updated(kostra, "2026-06-15T06:00:00Z")
    assert main(["update"]) == 0
    out = capsys.readouterr().out
    for table_id in CATALOGUE:
        assert (live_ssb.store_dir / table_id).is_dir(), table_id
    assert {"12137", "12362"} <= set(CATALOGUE)
    assert "KDDs tall, kan ikke hentes fra SSB" in out and "feilet" not in out
    assert "03321 kommune                  hentet" in out
    facts = factbase.load(settings=live_ssb)
    population = facts[facts["indicator"] == "folkemengde"].set_index(["kommunenr", "year"])["value"]
    totals = POPULATION.groupby(["Region", POPULATION["Tid"].astype(int)])["value"].sum()
    totals.index.names = ["kommunenr", "year"]
    assert set(population.index) == set(totals.index)  # none added, none lost (e.g. Rogaland 2005)
    assert (population == totals.loc[population.index]).all()  # every region, every year
    assert {"0", "18", "50", "5033", "1835"} <= set(population.index.get_level_values("kommunenr"))
    assert population.loc[("5033", 2023)] == 753

    assert main(["update"]) == 0  # nothing changed at SSB: nothing refetched, nothing revised
    again = capsys.readouterr().out
    assert "uendret" in again and "hentet," not in again and "Ingen revisjoner" in again

    # SSB revises Tydal's 2023 population (100 more boys aged 0) and stamps the table as updated
    cube = pxweb.state.cubes["07459"]
    cube.values = cube.values.copy()  # the server's arrays are shared between tests
    cell = tuple(
        cube.codes(d).index(c)
        for d, c in zip(cube.dims, ["5033", "1", "000", "Personer1", "2023"], strict=True)
    )
    cube.values[cell] += 100
    pxweb.state.set_updated("07459", "2026-12-01T08:00:00Z")
    assert main(["update"]) == 0
    revised = capsys.readouterr().out
    assert (
        "07459 kommune                  hentet" in revised
        and "06913 kommune                  uendret" in revised
    )
    assert "5033 folkemengde 2023: 753 → 853" in revised


def economy(settings) -> pd.DataFrame:
    """The fact base's rows computed from KOSTRA 12137 and 12362."""
    facts = factbase.load(settings=settings)
    return facts[facts["source_table"].astype(str).str.contains("12137|12362")].reset_index(drop=True)


def test_update_fetches_kostra_and_the_economy_figures_stay_ssbs(live_ssb, pxweb, capsys):
    factbase.build(settings=live_ssb)
    before = economy(live_ssb)
    assert main(["update", "--force"]) == 0
    out = capsys.readouterr().out
    assert "12137 kommune" in out and "12362 kommune" in out
    fetched = {p.parent.parent.name for p in live_ssb.store_dir.glob("1236?/*/*.json")}
    fetched |= {p.parent.parent.name for p in live_ssb.store_dir.glob("12137/*/*.json")}
    assert fetched == {"12137", "12362"}
    after = economy(live_ssb)
    assert len(after) == len(before) > 20_000
    # the server serves the snapshot's figures: every economy figure is the same, only the vintage moved
    same = [c for c in before.columns if c != "vintage"]
    pd.testing.assert_frame_equal(after[same], before[same])
    assert (after["vintage"] != before["vintage"]).all()  # the fetched rows are the ones used
    tydal = after[(after["kommunenr"] == "5033") & (after["indicator"] == "netto_driftsresultat_pst")]
    assert round(tydal.set_index("year").loc[2022, "value"], 2) == 10.76
    # SSB sends no "foreløpig" status (the loopback serves none): the unrevised 2025 accounts keep the
    # snapshot's caveat because SSB's figures are the same ones
    assert (after.loc[after["year"] == 2025, "flag"] == "foreløpig").all()

    # SSB revises Tydal's 2025 accounts: new figures, a new publication, without the caveat
    cube = pxweb.state.cubes["12137"]
    cube.values = cube.values.copy()  # the server's arrays are shared between tests
    region, year = cube.dims.index("KOKkommuneregion0000"), cube.dims.index("Tid")
    cell = [slice(None)] * len(cube.dims)
    cell[region], cell[year] = cube.codes(cube.dims[region]).index("5033"), cube.codes("Tid").index("2025")
    cube.values[tuple(cell)] += 1
    pxweb.state.set_updated("12137", "2026-12-01T08:00:00Z")
    assert main(["update"]) == 0
    revised = economy(live_ssb)
    flags = revised[revised["year"] == 2025].set_index(["kommunenr", "indicator"])["flag"]
    assert pd.isna(flags.loc[("5033", "netto_driftsresultat_pst")])
    assert flags.loc[("5026", "netto_driftsresultat_pst")] == "foreløpig"


def test_update_names_a_table_ssb_refuses_and_exits_1(live_ssb, pxweb, capsys):
    del pxweb.state.cubes["06944"]
    successor = pxweb.state.cubes["14288"].copy()  # SSB publishes a newer projection table
    successor.doc["extension"]["px"]["tableid"] = "14746"
    successor.doc["label"] = successor.doc["label"].replace("14288", "14746")
    successor.doc["updated"] = "2026-06-01T06:00:00Z"
    pxweb.state.cubes["14746"] = successor
    assert main(["update"]) == 1
    captured = capsys.readouterr()
    assert "06944 kommune" in captured.err and "Non-existent table" in captured.out
    assert "SSB har 14746; faktagrunnlaget bruker 14288" in captured.out
    assert (live_ssb.processed_dir / "facts.parquet").exists()  # the rest was fetched and built


def test_update_without_ssb_builds_from_what_is_stored_and_exits_4(live_ssb, pxweb, capsys):
    pxweb.stop()
    assert main(["update"]) == 4
    captured = capsys.readouterr()
    assert "SSB kunne ikke nås" in captured.err and "hoppet over" in captured.out
    facts = factbase.load("5033", 2023, settings=live_ssb)
    assert facts.loc[facts["indicator"] == "folkemengde", "value"].item() == 753
