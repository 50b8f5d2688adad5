"""Fetched figures join the embedded snapshot only in the snapshot's shape (issue: the live path).

Both cases the README's own examples produced: a 07459 fetch without `Kjonn` (totals) concatenated with
the snapshot's rows by sex doubled Tydal's population (753 -> 1 506), and `K-5033` from the
`agg_KommSummer` codelist was read as a second country. Figures are SSB's, from the loopback server
(which serves the snapshot) and the snapshot file itself.
"""

from __future__ import annotations

import pandas as pd
import pytest

from samfunn_data.cli import main
from samfunn_data.errors import FactbaseError
from samfunn_data.facts import factbase
from samfunn_data.facts.computations import level_of
from samfunn_data.ssb.shape import (
    ShapeError,
    codes_from_labels,
    complete_counties,
    conform,
    drop_placeholders,
)
from tests.factbase_fixtures import REAL_SNAPSHOT


@pytest.fixture
def live(ssb_settings, monkeypatch):
    """The loopback server, a temporary data dir and the real embedded snapshot."""
    monkeypatch.setenv("SAMFUNN_SNAPSHOT_DIR", str(REAL_SNAPSHOT))
    from samfunn_data.config import get_settings

    return get_settings()


def tydal(settings, year: int) -> float:
    facts = factbase.load("5033", year, settings=settings)
    return facts.loc[facts["indicator"] == "folkemengde", "value"].item()


def test_a_fetch_without_kjonn_is_refused_and_nothing_is_written(live, capsys):
    factbase.build(settings=live)
    before = (live.processed_dir / "facts.parquet").read_bytes()
    assert tydal(live, 2023) == 753
    readme = [
        "fetch",
        "07459",
        "--select",
        "Region=5033",
        "--select",
        "Alder=*",
        "--select",
        "ContentsCode=Personer1",
        "--select",
        "Tid=top(2)",
    ]
    assert main(readme) == 0
    with pytest.raises(ShapeError, match="mangler Kjonn"):
        factbase.build(settings=live)
    assert (live.processed_dir / "facts.parquet").read_bytes() == before
    assert main(["build"]) == 1
    err = capsys.readouterr().err
    assert "mangler Kjonn" in err and "samfunn update" in err
    assert tydal(live, 2023) == 753  # not 1 506


def test_a_codelist_fetch_is_normalised_and_counts_once(live):
    args = [
        "fetch",
        "07459",
        "--select",
        "Region=K-5033",
        "--codelist",
        "Region=agg_KommSummer",
        "--select",
        "Kjonn=*",
        "--select",
        "Alder=*",
        "--select",
        "ContentsCode=Personer1",
        "--select",
        "Tid=top(3)",
    ]
    assert main(args) == 0
    factbase.build(settings=live)
    facts = factbase.load(settings=live)
    assert not facts["kommunenr"].str.startswith("K-").any()
    norway = facts[(facts["indicator"] == "folkemengde") & (facts["level"] == "land")]
    assert norway["kommunenr"].unique().tolist() == ["0"]
    snap = pd.read_parquet(REAL_SNAPSHOT / "07459.parquet")
    for year in (2024, 2025, 2026):
        published = snap[(snap["Region"] == "0") & (snap["Tid"] == str(year))]["value"].sum()
        assert norway.loc[norway["year"] == year, "value"].item() == published
        assert (
            tydal(live, year) == snap[(snap["Region"] == "5033") & (snap["Tid"] == str(year))]["value"].sum()
        )


def test_level_comes_from_the_code_system_not_the_length():
    codes = pd.Series(["0", "18", "5033"])
    assert level_of(codes).tolist() == ["land", "fylke", "kommune"]
    with pytest.raises(FactbaseError, match="K-5033"):
        level_of(pd.Series(["0", "K-5033"]))


def test_conform_refuses_unknown_codes_and_extra_dimensions():
    frame = pd.DataFrame(
        {"Region": ["F-50", "K-5033", "9999"], "Tid": ["2024"] * 3, "value": [1.0, 2.0, 3.0]}
    )
    with pytest.raises(ShapeError, match="9999"):
        conform(frame, ["Region", "Tid"], {"Region": {"50", "5033"}}, "test")
    ok = conform(frame.iloc[:2], ["Region", "Tid"], {"Region": {"50", "5033"}}, "test")
    assert ok["Region"].tolist() == ["50", "5033"]
    with pytest.raises(ShapeError, match="har i tillegg Kjonn"):
        conform(frame.assign(Kjonn="1"), ["Region", "Tid"], {}, "test")


def test_conform_keeps_kostra_municipalities_on_current_borders_and_refuses_other_measures():
    # SSB's KOSTRA region has every municipality code of the years asked for: 1613 Snillfjord (-2019) and
    # 5012 Snillfjord are former municipalities, EAK SSB's estimated country figure.
    frame = pd.DataFrame({"KOKkommuneregion0000": ["5033", "1613", "5012", "EAK"],
                          "KOKartkap0000": ["AGD23"] * 4, "Tid": ["2018"] * 4, "value": [1.0, 2.0, 3.0, 4.0]})
    dims = ["KOKkommuneregion0000", "KOKartkap0000", "Tid"]
    allowed = {"KOKkommuneregion0000": {"5033", "1835"}, "KOKartkap0000": {"AGD23", "AGD13"}}
    kept = conform(frame, dims, allowed, "test", yearly="KOKkommuneregion0000")
    assert kept["KOKkommuneregion0000"].tolist() == ["5033"] and kept["value"].tolist() == [1.0]
    with pytest.raises(ShapeError, match="ukjente koder i KOKkommuneregion0000"):
        conform(frame, dims, allowed, "test")  # a region not on yearly codes refuses unknown codes
    with pytest.raises(ShapeError, match="ukjente koder i KOKartkap0000: AGD99"):
        conform(frame.assign(KOKartkap0000="AGD99"), dims, allowed, "test", yearly="KOKkommuneregion0000")
    with pytest.raises(ShapeError, match="mangler KOKkommuneregion0000.*har i tillegg Region"):
        conform(frame.rename(columns={"KOKkommuneregion0000": "Region"}), dims, allowed, "test")


def readme_fetch_commands() -> list[list[str]]:
    """Every `samfunn fetch ...` command line in the README's shell blocks (continuations joined)."""
    import re
    import shlex
    from pathlib import Path

    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    commands = []
    for block in re.findall(r"```sh\n(.*?)```", text, re.S):
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line.split("  #")[0])
            if len(words) > 1 and words[0].endswith("samfunn") and words[1] == "fetch":
                commands.append(words[1:])
    return commands


def test_the_readmes_fetch_examples_work_and_the_build_accepts_them(live):
    commands = readme_fetch_commands()
    assert len(commands) >= 2
    for args in commands:
        assert main(args) == 0, args
    factbase.build(settings=live)
    assert tydal(live, 2023) == 753


def test_14288_contents_take_the_alternative_from_ssbs_label_or_are_refused():
    # SSB's 14288 contents are Personer/Personer1/Personer2, labelled "Hovedalternativet (MMMM)" etc.
    # (JohanWidding/SSB-regionale-befolkningsframskrivinger, payload.txt and output.csv)
    frame = pd.DataFrame({"Region": ["5033", "5033"], "ContentsCode": ["Personer", "Personer2"],
                          "Tid": ["2030", "2030"], "value": [700.0, 650.0]})
    frame.attrs["category_labels"] = {"ContentsCode": {"Personer": "Hovedalternativet (MMMM)",
                                                       "Personer2": "Lav nasjonal vekst (LLML)"}}
    assert codes_from_labels(frame, "ContentsCode", "test")["ContentsCode"].tolist() == ["MMMM", "LLML"]
    frame.attrs["category_labels"]["ContentsCode"]["Personer2"] = "Lav nasjonal vekst"
    with pytest.raises(ShapeError, match="Personer2 har ingen kode i etiketten"):
        codes_from_labels(frame, "ContentsCode", "test")


def test_agg_kommsummer_zeros_and_incomplete_county_sums_are_left_out():
    # SSB's agg_KommSummer writes 0 for 1806 Narvik before the 2020 split (oystess/valg_analyser,
    # data/raw/ssb/MANIFEST.md): no municipality has 0 inhabitants, so such a year is no figure
    frame = pd.DataFrame({"Region": ["1806", "1806", "5033", "5033"], "Kjonn": ["1", "2", "1", "2"],
                          "Tid": ["2019", "2019", "2019", "2019"], "value": [0.0, 0.0, 380.0, 0.0]})
    kept = drop_placeholders(frame)
    assert kept["Region"].tolist() == ["5033", "5033"] and kept["value"].sum() == 380
    # a county sum is kept only for years in which every one of its municipalities has a figure
    counties = pd.DataFrame({"Region": ["18", "18", "1804", "1806", "1804"], "Tid": ["2019", "2020", "2019",
                             "2020", "2020"], "value": [240_000.0, 241_000.0, 50_000.0, 21_000.0, 52_000.0]})
    members = {"18": {"1804", "1806"}}
    assert complete_counties(counties, members)[["Region", "Tid"]].values.tolist() == [
        ["18", "2020"], ["1804", "2019"], ["1806", "2020"], ["1804", "2020"]]
    elsewhere = pd.DataFrame({"Region": ["1806"], "Tid": ["2019"]})  # e.g. the snapshot has Narvik 2019
    assert len(complete_counties(counties, members, pd.concat([counties, elsewhere]))) == len(counties)
