"""decode_jsonstat: same cells as pyjstat, plus status symbols and labels; clear errors on bad documents."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pyjstat import pyjstat

from samfunn_data.errors import ParseError, SamfunnError
from samfunn_data.ssb import decode_jsonstat

FIXTURES = Path(__file__).parent / "fixtures"
EXCERPT_07459 = FIXTURES / "ssb_07459_excerpt.json"  # real SSB counts, see scripts/make_jsonstat_fixtures.py
DIMS_07459 = ["Region", "Kjonn", "Alder", "ContentsCode", "Tid"]

# pyjstat 2.4 warns about its own internal from_json_stat call; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore:Shouldn't use this function:DeprecationWarning")


def pyjstat_frame(doc: dict) -> pd.DataFrame:
    return pyjstat.Dataset.read(json.dumps(doc)).write("dataframe", naming="id")


def assert_matches_pyjstat(ours: pd.DataFrame, doc: dict) -> None:
    """Every cell pyjstat finds, with the same codes (as str) and value, in the same order."""
    theirs = pyjstat_frame(doc)
    dims = doc["id"]
    assert list(ours.columns) == dims + ["value", "status"]
    assert len(ours) == len(theirs)
    theirs = theirs.astype({dim: str for dim in dims})
    theirs["value"] = pd.to_numeric(theirs["value"]).astype(float)
    for dim in dims:
        assert ours[dim].tolist() == theirs[dim].tolist(), dim
    np.testing.assert_array_equal(ours["value"].to_numpy(), theirs["value"].to_numpy())
    # And by key, so the check does not depend on both using row-major order.
    merged = ours.merge(theirs, on=dims, how="outer", suffixes=("", "_pyjstat"), indicator=True)
    assert (merged["_merge"] == "both").all()
    np.testing.assert_array_equal(merged["value"].to_numpy(), merged["value_pyjstat"].to_numpy())


def small_doc(**overrides) -> dict:
    """2 regions × 3 years, dict index on Region (in non-alphabetical order), list index on Tid."""
    doc = {
        "version": "2.0",
        "class": "dataset",
        "label": "Test table",
        "source": "Statistisk sentralbyrå",
        "updated": "2025-03-14T07:00:00Z",
        "note": ["A dataset note."],
        "id": ["Region", "ContentsCode", "Tid"],
        "size": [2, 1, 3],
        "dimension": {
            "Region": {
                "label": "region",
                "category": {"index": {"5033": 1, "1874": 0}, "label": {"5033": "Tydal", "1874": "Moskenes"}},
            },
            "ContentsCode": {
                "label": "statistikkvariabel",
                "category": {
                    "index": {"Folkemengde": 0},
                    "label": {"Folkemengde": "Folkemengde"},
                    "unit": {"Folkemengde": {"base": "personer", "decimals": 0}},
                },
            },
            "Tid": {"label": "år", "category": {"index": ["2022", "2023", "2024"]}},
        },
        "value": [1, 2, None, 4, 5, 6],
        "status": {"2": ":", "5": "*"},
        "extension": {"px": {"tableid": "06913", "decimals": 0}},
    }
    doc.update(overrides)
    return doc


# --- realistic document: SSB 07459 shape with real figures -------------------------------------------


@pytest.fixture(scope="module")
def doc_07459() -> dict:
    return json.loads(EXCERPT_07459.read_text(encoding="utf-8"))


def test_07459_excerpt_matches_pyjstat(doc_07459):
    frame = decode_jsonstat(EXCERPT_07459.read_bytes())
    assert len(frame) == 6 * 2 * 106 * 1 * 2
    assert_matches_pyjstat(frame, doc_07459)


def test_07459_excerpt_gives_the_published_counts(doc_07459):
    """Numbers read by hand from niphr/csdata's SSB export, not from the decoder."""
    frame = decode_jsonstat(doc_07459).set_index(DIMS_07459)["value"]
    assert frame[("5033", "1", "000", "Personer1", "2024")] == 3
    assert frame[("5033", "2", "000", "Personer1", "2024")] == 3
    assert frame[("5033", "1", "000", "Personer1", "2023")] == 2
    assert frame[("5033", "2", "067", "Personer1", "2024")] == 7
    assert frame[("1874", "2", "020", "Personer1", "2024")] == 3
    assert frame[("5033", "2", "105+", "Personer1", "2024")] == 0
    assert frame.xs(("5033", "2024"), level=["Region", "Tid"]).sum() == 773


def test_07459_excerpt_codes_are_str_and_labels_in_attrs(doc_07459):
    frame = decode_jsonstat(doc_07459)
    for dim in DIMS_07459:
        assert pd.api.types.is_string_dtype(frame[dim])
        assert not isinstance(frame[dim].dtype, pd.CategoricalDtype)
    assert frame["value"].dtype == np.float64
    assert frame["status"].isna().all()  # SSB sent no status for these cells
    assert set(frame["Alder"]) >= {"000", "067", "105+"}
    attrs = frame.attrs
    assert attrs["table_id"] == "07459"
    assert attrs["label"].startswith("07459: Befolkning")
    assert attrs["source"] == "Statistisk sentralbyrå"
    assert attrs["updated"] is None  # the source export carries no stamp; nothing is made up
    assert attrs["dimension_labels"]["Kjonn"] == "kjønn"
    assert attrs["category_labels"]["Region"]["5043"] == "Raarvihke - Røyrvik"  # SSB's Sámi + bokmål label
    assert attrs["category_labels"]["Kjonn"] == {"1": "Menn", "2": "Kvinner"}
    assert attrs["category_labels"]["Alder"]["105+"] == "105 år eller eldre"
    assert attrs["units"] == {"Personer1": {"base": "personer", "decimals": 0}}


def test_parquet_round_trip_keeps_codes_values_and_labels(doc_07459, tmp_path):
    frame = decode_jsonstat(doc_07459)
    path = tmp_path / "07459.parquet"
    frame.to_parquet(path)
    back = pd.read_parquet(path)
    pd.testing.assert_frame_equal(back, frame)
    assert back.attrs == frame.attrs
    tydal = back[(back["Region"] == "5033") & (back["Tid"] == "2024")]
    assert len(tydal) == 2 * 106 and tydal["value"].sum() == 773


# --- hand-written documents: status, nulls, sparse values, index forms ---------------------------------


def test_small_document_matches_pyjstat_and_keeps_status():
    doc = small_doc()
    frame = decode_jsonstat(doc)
    assert_matches_pyjstat(frame, doc)
    # Region's dict index puts 1874 first although it is listed second.
    assert frame["Region"].tolist() == ["1874"] * 3 + ["5033"] * 3
    assert frame["Tid"].tolist() == ["2022", "2023", "2024"] * 2
    assert np.isnan(frame.loc[2, "value"])
    assert frame["status"].tolist()[2] == ":" and frame["status"].tolist()[5] == "*"
    assert frame["status"].isna().sum() == 4
    assert frame.attrs["notes"] == ["A dataset note."]
    assert frame.attrs["updated"] == "2025-03-14T07:00:00Z"
    assert frame.attrs["table_id"] == "06913"


def test_bytes_str_and_dict_give_the_same_frame():
    doc = small_doc()
    text = json.dumps(doc, ensure_ascii=False)
    from_dict = decode_jsonstat(doc)
    pd.testing.assert_frame_equal(decode_jsonstat(text), from_dict)
    pd.testing.assert_frame_equal(decode_jsonstat(text.encode("utf-8")), from_dict)
    assert doc == small_doc()  # the caller's dict is not modified


def test_status_as_aligned_list():
    frame = decode_jsonstat(small_doc(status=[None, None, "..", None, None, "-"]))
    assert frame["status"].tolist()[2] == ".." and frame["status"].tolist()[5] == "-"
    assert frame["status"].isna().sum() == 4


@pytest.mark.parametrize("status", ["..", [".."]])
def test_single_status_applies_to_every_cell(status):
    frame = decode_jsonstat(small_doc(status=status))
    assert (frame["status"] == "..").all()


def test_status_column_present_when_document_has_none():
    doc = small_doc()
    del doc["status"]
    frame = decode_jsonstat(doc)
    assert "status" in frame.columns and frame["status"].isna().all()


def test_sparse_values_fill_the_named_cells_only():
    doc = small_doc(value={"0": 10, "4": 7.5, "5": None}, status={"1": ".."})
    frame = decode_jsonstat(doc)
    np.testing.assert_array_equal(frame["value"].to_numpy(), [10, np.nan, np.nan, np.nan, 7.5, np.nan])
    assert_matches_pyjstat(frame, doc)


def test_size_one_dimensions_without_index_use_the_label_key():
    doc = small_doc()
    doc["dimension"]["ContentsCode"]["category"].pop("index")  # allowed by JSON-stat for one category
    frame = decode_jsonstat(doc)
    assert (frame["ContentsCode"] == "Folkemengde").all()


def test_all_dimensions_of_size_one():
    doc = small_doc(size=[1, 1, 1], value=[42], status=None)
    doc["dimension"]["Region"]["category"] = {"index": {"5043": 0}, "label": {"5043": "Røyrvik"}}
    doc["dimension"]["Tid"]["category"] = {"index": ["2024"]}
    frame = decode_jsonstat(doc)
    assert frame.drop(columns="status").to_dict("records") == [
        {"Region": "5043", "ContentsCode": "Folkemengde", "Tid": "2024", "value": 42.0}
    ]
    assert_matches_pyjstat(frame, doc)


def test_numeric_looking_codes_stay_str():
    doc = small_doc()
    doc["dimension"]["Region"]["category"] = {"index": {"0301": 0, "0": 1}}
    frame = decode_jsonstat(doc)
    assert frame["Region"].tolist()[:4] == ["0301", "0301", "0301", "0"]
    assert frame.attrs["category_labels"]["Region"] == {"0301": "0301", "0": "0"}  # no label: code stands in


def test_units_missing_decimals_fall_back_to_table_decimals():
    doc = small_doc()
    doc["dimension"]["ContentsCode"]["category"]["unit"] = {"Folkemengde": {"base": "personer"}}
    assert decode_jsonstat(doc).attrs["units"] == {"Folkemengde": {"base": "personer", "decimals": 0}}


def test_odd_metadata_falls_back_to_codes_but_keeps_the_figures():
    doc = small_doc(extension="not an object")
    doc["dimension"]["Region"]["category"]["label"] = ["Tydal", "Moskenes"]  # not code -> label
    frame = decode_jsonstat(doc)
    assert frame.attrs["category_labels"]["Region"] == {"1874": "1874", "5033": "5033"}
    assert frame.attrs["table_id"] is None
    assert frame["value"].tolist()[:2] == [1.0, 2.0]


def test_empty_cube_gives_empty_frame_with_schema():
    doc = small_doc(size=[2, 1, 0], value=[], status=None)
    doc["dimension"]["Tid"]["category"] = {"index": []}
    frame = decode_jsonstat(doc)
    assert frame.empty and list(frame.columns) == ["Region", "ContentsCode", "Tid", "value", "status"]


# --- malformed and truncated documents -----------------------------------------------------------------


def test_truncated_download_raises_parse_error():
    data = EXCERPT_07459.read_bytes()
    with pytest.raises(ParseError, match="not valid JSON.*cut off"):
        decode_jsonstat(data[: len(data) // 2])


def _broken(change) -> dict:
    doc = copy.deepcopy(small_doc())
    change(doc)
    return doc


BROKEN = {
    "collection": (lambda d: d.update({"class": "collection"}), "class 'collection'"),
    "no class": (lambda d: d.pop("class"), "no 'class'"),
    "no value": (lambda d: d.pop("value"), r"lacks required key\(s\) \['value'\]"),
    "no dimension": (lambda d: d.pop("dimension"), "lacks required key"),
    "id/size length": (lambda d: d.update({"size": [2, 3]}), "'id' has 3 dimensions but 'size' has 2"),
    "size not int": (lambda d: d.update({"size": [2, 1, "3"]}), "non-negative integers"),
    "dimension missing": (lambda d: d["dimension"].pop("Tid"), r"no entry for \['Tid'\]"),
    "duplicate id": (lambda d: d.update({"id": ["Region", "Region", "Tid"]}), "names a dimension twice"),
    "category count": (
        lambda d: d["dimension"]["Tid"]["category"].update({"index": ["2023", "2024"]}),
        "'Tid' has 2 categories but 'size' says 3",
    ),
    "no category": (lambda d: d["dimension"]["Tid"].pop("category"), "'Tid' has no 'category'"),
    "index positions": (
        lambda d: d["dimension"]["Region"]["category"].update({"index": {"5033": 0, "1874": 2}}),
        "positions must be 0..1",
    ),
    "duplicate code": (
        lambda d: d["dimension"]["Tid"]["category"].update({"index": ["2023", "2023", "2024"]}),
        "lists a code twice",
    ),
    "value count": (lambda d: d.update({"value": [1, 2, 3]}), "3 values but its dimensions .* give 6 cells"),
    "value not number": (lambda d: d.update({"value": [1, 2, "x", 4, 5, 6]}), "not a number or null"),
    "sparse index out of range": (lambda d: d.update({"value": {"6": 1}}), "cell 6, outside 0..5"),
    "sparse key not digits": (lambda d: d.update({"value": {"a": 1}}), "keys must be cell indices"),
    "status index out of range": (lambda d: d.update({"status": {"99": ".."}}), "cell 99, outside 0..5"),
    "status list length": (lambda d: d.update({"status": ["..", None]}), "'status' has 2 entries"),
    "status not text": (lambda d: d.update({"status": {"1": 5}}), "strings or null"),
    "value clashes": (
        lambda d: (d.update({"id": ["value", "ContentsCode", "Tid"]}),
                   d["dimension"].update({"value": d["dimension"]["Region"]})),
        "clash with the tidy columns",
    ),
}


@pytest.mark.parametrize("name", list(BROKEN))
def test_malformed_document_raises_parse_error_saying_what_is_wrong(name):
    change, message = BROKEN[name]
    with pytest.raises(ParseError, match=message):
        decode_jsonstat(_broken(change))


@pytest.mark.parametrize("payload", [42, None, b"[1, 2]", "", b"\xff\xfe\x00garbage"])
def test_non_document_payloads_raise_parse_error(payload):
    with pytest.raises(ParseError):
        decode_jsonstat(payload)


def test_parse_error_is_a_samfunn_error():
    with pytest.raises(SamfunnError):
        decode_jsonstat(b'{"class": "dataset", "id": [')
