"""The municipality registry: lookup by code and name, retired codes, population and `small` per year."""

from __future__ import annotations

import pytest

from samfunn_data.cli import main
from samfunn_data.errors import (
    AmbiguousMunicipalityError,
    ConfigError,
    DataUnavailableError,
    MunicipalityChangedError,
    UnknownMunicipalityError,
)
from samfunn_data.facts import municipalities as reg
from samfunn_data.ssb import snapshot

# The 36 candidates listed in ../shared/reference/domain.md (under 2,500 in at least one year 2020-2024).
CANDIDATES = {
    "1811": "Bindal",
    "1812": "Sømna",
    "1815": "Vega",
    "1816": "Vevelstad",
    "1818": "Herøy",
    "1822": "Leirfjord",
    "1825": "Grane",
    "1826": "Hattfjelldal",
    "1827": "Dønna",
    "1828": "Nesna",
    "1834": "Lurøy",
    "1835": "Træna",
    "1836": "Rødøy",
    "1838": "Gildeskål",
    "1839": "Beiarn",
    "1845": "Sørfold",
    "1851": "Lødingen",
    "1853": "Evenes",
    "1856": "Røst",
    "1857": "Værøy",
    "1859": "Flakstad",
    "1874": "Moskenes",
    "5020": "Osen",
    "5022": "Rennebu",
    "5026": "Holtålen",
    "5033": "Tydal",
    "5034": "Meråker",
    "5041": "Snåsa",
    "5042": "Lierne",
    "5043": "Røyrvik",
    "5044": "Namsskogan",
    "5045": "Grong",
    "5046": "Høylandet",
    "5049": "Flatanger",
    "5052": "Leka",
    "5061": "Rindal",
}


@pytest.mark.parametrize("code,name", sorted(CANDIDATES.items()))
def test_every_candidate_is_found_by_code_and_by_name(code, name):
    by_code = reg.lookup(code)
    assert by_code.code == code and by_code.name == name and by_code.county == code[:2]
    query = "Herøy (Nordland)" if name == "Herøy" else name  # plain "Herøy" is ambiguous (1515/1818)
    assert reg.lookup(query) == by_code
    assert by_code.county_name == {"18": "Nordland", "50": "Trøndelag"}[code[:2]]


def test_the_candidates_are_exactly_the_small_ones_2020_to_2024():
    small = {
        m.code for year in range(2020, 2025) for m in reg.small_municipalities(year, counties=["18", "50"])
    }
    assert small == set(CANDIDATES)
    assert sum(c.startswith("18") for c in small) == 22


@pytest.mark.parametrize(
    "text", ["Træna", "traena", "TRÆNA", " træna ", "1835", 1835, "K-1835", "1835 Træna"]
)
def test_lookup_ignores_case_accents_and_format(text):
    assert reg.lookup(text).code == "1835"


@pytest.mark.parametrize(
    "text,code",
    [
        ("Raarvihke", "5043"),
        ("raarvihke - røyrvik", "5043"),
        ("Royrvik", "5043"),
        ("Roeyrvik", "5043"),
        ("Aarborte", "1826"),
        ("Hábmer", "1875"),
        ("Habmer", "1875"),
        ("Snåase", "5041"),
        ("Tråante", "5001"),
        ("Rossen", "5025"),
        ("Guovdageaidnu", "5612"),
    ],
)
def test_lookup_by_sami_name(text, code):
    assert reg.lookup(text).code == code


def test_sami_and_official_names_are_kept():
    royrvik = reg.lookup("5043")
    assert (royrvik.name, royrvik.sami_name, royrvik.official_name) == (
        "Røyrvik",
        "Raarvihke",
        "Raarvihke - Røyrvik",
    )
    assert reg.lookup("1826").official_name == "Aarborte - Hattfjelldal"
    assert reg.lookup("1835").sami_name is None


def test_ambiguous_name_lists_both_and_accepts_the_county():
    with pytest.raises(AmbiguousMunicipalityError, match="1515.*1818") as info:
        reg.lookup("Herøy")
    assert {m.code for m in info.value.suggestions} == {"1515", "1818"}
    assert reg.lookup("Herøy (Nordland)").code == "1818"
    assert reg.lookup("heroy, møre og romsdal").code == "1515"
    assert reg.lookup("Herøy (18)").code == "1818"


@pytest.mark.parametrize(
    "old,successors,year",
    [
        ("1850", {"1806", "1875"}, 2020),
        ("5012", {"5055", "5056", "5059"}, 2020),
        ("1601", {"5001"}, 2018),
        ("Tysfjord", {"1806", "1875"}, 2020),
        ("Klæbu", {"5001"}, 2020),
    ],
)
def test_retired_codes_name_their_successors_and_year(old, successors, year):
    with pytest.raises(MunicipalityChangedError) as info:
        reg.lookup(old)
    assert {m.code for m in info.value.successors} == successors
    assert info.value.year == year
    assert str(year) in str(info.value) and all(code in str(info.value) for code in successors)


def test_chains_resolve_to_codes_in_use_today():
    # 1613 Snillfjord became 5012 in 2018 and was split in 2020.
    codes, year = reg.successors("1613")
    assert codes == ["5055", "5056", "5059"] and year == 2018


def test_unknown_input_gets_suggestions():
    with pytest.raises(UnknownMunicipalityError, match="Tronheim") as info:
        reg.lookup("Tronheim")
    assert not isinstance(info.value, MunicipalityChangedError)
    assert "5001" in [m.code for m in info.value.suggestions]
    with pytest.raises(UnknownMunicipalityError, match="9999"):
        reg.lookup("9999")
    with pytest.raises(UnknownMunicipalityError, match="4 sifre"):
        reg.lookup("18")


def test_population_agrees_with_06913_for_every_nl_tr_municipality():
    # 06913 is a separate source file (valg_analyser excerpt); its Folkemengde must equal 07459.
    t06913 = snapshot.read_table("06913")
    rows = t06913[(t06913["ContentsCode"] == "Folkemengde") & (t06913["Tid"] >= "2020")]
    for row in rows.itertuples():
        assert reg.population(row.Region, int(row.Tid)) == row.value


def test_population_outside_the_data_says_what_exists():
    with pytest.raises(DataUnavailableError, match="2005-2026"):
        reg.population("1835", 1999)
    with pytest.raises(DataUnavailableError, match="2020-2026"):
        reg.population("1806", 2019)  # Narvik's 2020 borders did not exist in 2019
    with pytest.raises(UnknownMunicipalityError):
        reg.population("Atlantis", 2020)


def test_small_is_computed_per_year_across_the_line():
    # SSB 07459, 1 January: Rennebu 2,501 (2019), 2,486 (2020), 2,484 (2024), 2,513 (2025);
    # Meråker 2,508 (2017), 2,469 (2018).
    assert [reg.is_small("Rennebu", y) for y in (2019, 2020, 2024, 2025)] == [False, True, True, False]
    assert [reg.is_small("5034", y) for y in (2017, 2018)] == [False, True]
    assert "5022" in {m.code for m in reg.small_municipalities(2024)}
    assert "5022" not in {m.code for m in reg.small_municipalities(2025)}


def test_small_municipalities_filters_counties_and_rejects_unknown_years():
    nordland = reg.small_municipalities(2020, counties=["18"])
    assert len(nordland) == 22 and all(m.county == "18" for m in nordland)
    assert all(reg.population(m.code, 2020) < 2500 for m in nordland)
    with pytest.raises(DataUnavailableError):
        reg.small_municipalities(2040)


def test_centrality_only_where_the_snapshot_has_it():
    tydal = reg.lookup("5033")
    assert tydal.centrality_class == "06" and 0 <= tydal.centrality_index <= 564
    assert reg.lookup("0301").centrality_class is None
    assert len(reg.all_municipalities()) == 357


# ---------------------------------------------------------------- network.toml


def test_network_file_in_the_repo():
    net = reg.network()
    assert set(net.participants) == {"5026", "5033", "5043", "1825", "1827", "1874"}
    assert list(net.period) == [2020, 2021, 2022, 2023]
    assert net.counties == ("18", "50") and net.max_population == 2500
    assert all(reg.lookup(code) for code in net.participants)


def test_network_is_edited_without_code(tmp_path):
    path = tmp_path / "network.toml"
    path.write_text(
        '[network]\nparticipants = ["1835"]\nperiod_start = 2024\nperiod_end = 2027\n'
        '[candidates]\ncounties = ["18"]\nmax_population = 3000\n',
        encoding="utf-8",
    )
    net = reg.network(path)
    assert net.participants == ("1835",) and net.max_population == 3000 and list(net.period)[-1] == 2027


@pytest.mark.parametrize(
    "text,message",
    [
        ("[network\n", "not valid TOML"),
        ("[network]\nparticipants = []\n", "missing or malformed"),
        (
            "[network]\nparticipants = [1835]\nperiod_start = 2020\nperiod_end = 2023\n"
            '[candidates]\ncounties = ["18"]\nmax_population = 2500\n',
            "as strings",
        ),
    ],
)
def test_bad_network_file_says_what_is_wrong(tmp_path, text, message):
    path = tmp_path / "network.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=message):
        reg.network(path)
    with pytest.raises(ConfigError, match="missing"):
        reg.network(tmp_path / "absent.toml")


# ---------------------------------------------------------------- the command


def test_command_lists_small_nordland_municipalities_offline(capsys):
    assert main(["municipalities", "--small", "--county", "18", "--year", "2020"]) == 0
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line[:4].isdigit()]
    assert len(lines) == 22
    assert any(line.startswith("1835 Træna") and "435" in line for line in lines)
    assert not any(line.startswith("1804") for line in lines)
    assert "07459" in out
    # planners read the table: headers and words in bokmål, the count of rows with its noun
    assert out.split()[:7] == ["nr", "navn", "fylke", "folketall", "2020", "liten", "sentralitet"]
    assert all(" ja " in line and " nei " not in line for line in lines)
    assert "22 kommuner. Folketall 1. januar 2020." in out


def test_command_network_and_csv(capsys):
    assert main(["municipalities", "--network", "--year", "2023", "--csv"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("code,name") and len(out) == 7


def test_command_rejects_unknown_county_and_year(capsys):
    assert main(["municipalities", "--county", "99"]) == 1
    assert "ukjent fylkesnummer 99" in capsys.readouterr().err
    assert main(["municipalities", "--year", "1990"]) == 1
    assert "2005-2026" in capsys.readouterr().err


def test_command_named_municipalities_and_old_codes(capsys):
    assert main(["municipalities", "traena", "Raarvihke", "--year", "2025"]) == 0
    rows = [line for line in capsys.readouterr().out.splitlines() if line[:4].isdigit()]
    assert [row[:4] for row in rows] == ["1835", "5043"]
    assert main(["municipalities", "1850"]) == 1
    err = capsys.readouterr().err
    assert "1806 Narvik" in err and "1875 Hamarøy" in err and "2020" in err
