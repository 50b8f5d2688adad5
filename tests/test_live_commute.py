"""03321 (commuting) on the live path: `samfunn update` fetches it from the loopback server, which serves
it as SSB does (the municipality codes of the year, SSB's dimension ids, from the committed snapshot), and
the build recodes it to 2024 borders exactly as it recodes the embedded snapshot.

Real figures: Tydal 2017 (445 employed residents, 313 working in Tydal) from SSB's export.
"""

from __future__ import annotations

import pandas as pd
import pytest

from samfunn_data.cli import main
from samfunn_data.facts import commuting, factbase
from samfunn_data.ssb.shape import ShapeError

IDS = commuting.INDICATORS
FETCH = ["fetch", "03321", "--select", "ArbstedKomm=*", "--select", "Bokommuen=*", "--select",
         "ContentsCode=Sysselsatte", "--select", "Tid=*"]


def commuting_facts(settings) -> pd.DataFrame:
    facts = factbase.load(settings=settings)
    return facts[facts["indicator"].isin(IDS)].reset_index(drop=True)


def test_the_server_answers_03321_with_the_codes_of_2017(pxweb):
    cube = pxweb.state.cubes["03321"]
    assert cube.dims == ["ArbstedKomm", "Bokommuen", "ContentsCode", "Tid"]
    assert {"1665", "1601", "1850"} <= set(cube.codes("Bokommuen")) and "5033" not in cube.codes("Bokommuen")

    def cell(work, home):
        at = tuple(cube.codes(d).index(c) for d, c in zip(cube.dims, [work, home, "Sysselsatte", "2017"],
                                                           strict=True))
        return cube.values[at], cube.status[at]

    assert cell("1665", "1664") == (27.0, None)  # Selbu residents working in Tydal
    assert cell("1665", "1835") == (0.0, None)  # none from Træna: SSB publishes 0, the snapshot leaves it out


def test_update_fetches_03321_and_the_commuting_facts_equal_the_snapshots(live_ssb, pxweb, capsys):
    factbase.build(settings=live_ssb)
    before = commuting_facts(live_ssb)
    pxweb.state.max_cells = 100_000  # 426 x 426 codes: SSB's limit forces a split, as 853 x 853 does there
    assert main(["update", "--force"]) == 0
    assert "03321 kommune                  hentet" in capsys.readouterr().out
    assert len(list((live_ssb.store_dir / "03321").glob("*/*.json"))) >= 2  # parts of one split query
    after = commuting_facts(live_ssb)
    same = [c for c in before.columns if c != "vintage"]
    pd.testing.assert_frame_equal(after[same], before[same])
    assert (after["vintage"] != before["vintage"]).all()  # the fetched figures are the ones used
    wide = after.pivot(index="kommunenr", columns="indicator", values="value")
    assert wide.loc["5033", "sysselsatte_bosatt"] == 445 and wide.loc["5033", "utpendling"] == 445 - 313
    for code in ("1835", "5026"):  # Træna, Holtålen
        assert wide.loc[code].equals(before.pivot(index="kommunenr", columns="indicator",
                                                  values="value").loc[code])
    top = commuting.top_partners(commuting.load_flows(live_ssb), "5033", "arbeidssted", 1)
    assert list(top["personer"]) == [313, 53]  # Tydal itself, then Trondheim (1601 + 1662 Klæbu)


def refused(settings, capsys, match: str) -> None:
    """The build refuses the stored 03321 vintage, writes nothing and keeps the fetched files."""
    before = (settings.processed_dir / "facts.parquet").read_bytes()
    stored = sorted((settings.store_dir / "03321").rglob("*"))
    with pytest.raises(ShapeError, match=match):
        factbase.build(settings=settings)
    assert (settings.processed_dir / "facts.parquet").read_bytes() == before
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "03321" in err and "ingenting er skrevet" in err
    assert sorted((settings.store_dir / "03321").rglob("*")) == stored  # nothing stored is lost
    assert commuting_facts(settings).loc[lambda f: (f["kommunenr"] == "5033")
                                         & (f["indicator"] == "sysselsatte_bosatt"), "value"].item() == 445


def test_a_03321_vintage_with_codes_its_year_cannot_have_is_refused(live_ssb, pxweb, capsys):
    factbase.build(settings=live_ssb)
    for dim in ("ArbstedKomm", "Bokommuen"):  # Selbu's code replaced by one no municipality ever had
        category = pxweb.state.cubes["03321"].doc["dimension"][dim]["category"]
        for part in ("index", "label"):
            category[part]["9999"] = category[part].pop("1664")
    assert main(FETCH) == 0
    refused(live_ssb, capsys, "kommunekoder som ikke var i bruk i 2017: 9999")


def test_a_03321_vintage_with_another_dimension_is_refused(live_ssb, pxweb, capsys):
    factbase.build(settings=live_ssb)
    doc = pxweb.state.cubes["03321"].doc
    doc["id"] = ["ArbstedKomm", "Bostedskommune", "ContentsCode", "Tid"]
    doc["dimension"]["Bostedskommune"] = doc["dimension"].pop("Bokommuen")
    args = [a.replace("Bokommuen", "Bostedskommune") for a in FETCH]
    assert main(args) == 0
    refused(live_ssb, capsys, "mangler Bokommuen")


def test_a_partial_03321_fetch_is_refused(live_ssb, capsys):
    # one place of work against every residence: joined, every other municipality's sums would be wrong
    factbase.build(settings=live_ssb)
    assert main([a.replace("ArbstedKomm=*", "ArbstedKomm=1665") for a in FETCH]) == 0
    refused(live_ssb, capsys, "2017 har ikke de samme kommunene i ArbstedKomm og Bokommuen")
