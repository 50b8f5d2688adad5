"""The Query value object and its pure functions: URLs, POST bodies, v0 bodies, expansion, keys, splits."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlsplit

import pytest

from samfunn_data.errors import QueryError
from samfunn_data.ssb import query as q
from samfunn_data.ssb.query import Query

BASE = "https://data.ssb.no/api/pxwebapi/v2"
YEARS = [str(y) for y in range(2015, 2025)]
AGES = [f"{a:03d}" for a in range(105)] + ["105+"]
AVAILABLE = {
    "Region": ["0", "18", "1825", "1827", "50", "5033"],
    "Tid": YEARS,
    "Alder": AGES,
    "ContentsCode": ["Personer1"],
}


def population(**select) -> Query:
    return Query.build("07459", select or {"Region": "5033", "Tid": "top(3)", "ContentsCode": "Personer1"})


def params(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


def test_query_is_frozen_and_hashable():
    query = population()
    with pytest.raises(AttributeError):
        query.table_id = "06913"
    assert query == population() and hash(query) == hash(population())


def test_string_selection_splits_on_commas_but_not_inside_expressions_or_brackets():
    assert q.split_codes("5033, 5026") == ("5033", "5026")
    assert q.split_codes("top(3,1),range(2019,2021)") == ("top(3,1)", "range(2019,2021)")
    assert q.split_codes("3,[1,2],4+5") == ("3", "1,2", "4+5")


def test_get_url_has_ssb_parameters():
    query = Query.build(
        "07459",
        {"Region": "K-5033", "Tid": "from(2020)", "ContentsCode": "Personer1"},
        codelist={"Region": "agg_KommSummer"},
        output_values={"Region": "aggregated"},
    )
    request = q.v2_request(query, BASE)
    assert request.method == "GET" and request.body is None
    assert request.url.startswith(f"{BASE}/tables/07459/data?")
    assert params(request.url) == {
        "lang": "no",
        "outputFormat": "json-stat2",
        "valueCodes[Region]": "K-5033",
        "codelist[Region]": "agg_KommSummer",
        "outputValues[Region]": "aggregated",
        "valueCodes[Tid]": "from(2020)",
        "valueCodes[ContentsCode]": "Personer1",
    }
    # SSB's documented examples keep brackets and parentheses readable
    assert "valueCodes[Tid]=from(2020)" in request.url


def test_code_with_comma_is_bracketed_in_the_url():
    query = Query.build("1", {"X": ["1,2", "3"]})
    assert params(q.data_url(query, BASE))["valueCodes[X]"] == "[1,2],3"


def test_long_selection_switches_to_post_with_output_values_in_the_url():
    many = [f"{n:04d}" for n in range(400)]
    query = Query.build(
        "07459",
        {"Region": many, "Tid": "*"},
        codelist={"Region": "agg_KommSummer"},
        output_values={"Region": "aggregated"},
    )
    assert len(q.data_url(query, BASE)) > q.MAX_GET_URL
    request = q.v2_request(query, BASE)
    assert request.method == "POST"
    assert params(request.url) == {
        "lang": "no",
        "outputFormat": "json-stat2",
        "outputValues[Region]": "aggregated",
    }
    assert request.body == {
        "selection": [
            {"variableCode": "Region", "valueCodes": many, "codelist": "agg_KommSummer"},
            {"variableCode": "Tid", "valueCodes": ["*"]},
        ]
    }


def test_v0_body_uses_item_all_top_and_codelist_filters():
    query = Query.build(
        "07459",
        {"Region": "K-1825,K-5033", "Alder": "*", "Tid": "top(2)", "ContentsCode": "Personer1"},
        codelist={"Region": "agg_KommSummer"},
    )
    request = q.v0_request(query, "https://data.ssb.no/api/v0")
    assert request.url == "https://data.ssb.no/api/v0/no/table/07459"
    assert request.body["response"] == {"format": "json-stat2"}
    filters = {item["code"]: item["selection"] for item in request.body["query"]}
    assert filters == {
        "Region": {"filter": "agg:KommSummer", "values": ["K-1825", "K-5033"]},
        "Alder": {"filter": "all", "values": ["*"]},
        "Tid": {"filter": "top", "values": ["2"]},
        "ContentsCode": {"filter": "item", "values": ["Personer1"]},
    }


def test_v0_valueset_and_single_output():
    vs = Query.build("07459", {"Region": "0"}, codelist={"Region": "vs_Landet"})
    single = Query.build(
        "07459",
        {"Region": "K-5033"},
        codelist={"Region": "agg_KommGjeldende"},
        output_values={"Region": "single"},
    )
    assert q.v0_filter(vs.selections[0])["filter"] == "vs:Landet"
    assert q.v0_filter(single.selections[0])["filter"] == "agg_single:KommGjeldende"


def test_v0_refuses_expressions_it_cannot_express():
    with pytest.raises(QueryError, match="v0 API cannot express"):
        q.v0_filter(Query.build("07459", {"Tid": "from(2020)"}).selections[0])
    with pytest.raises(QueryError, match="only explicit codes"):
        q.v0_filter(
            Query.build("07459", {"Region": "*"}, codelist={"Region": "agg_KommSummer"}).selections[0]
        )


@pytest.mark.parametrize(
    ("value", "variable", "expected"),
    [
        ("top(3)", "Tid", ["2022", "2023", "2024"]),  # newest periods, oldest first
        ("top(2,1)", "Tid", ["2022", "2023"]),
        ("bottom(2)", "Tid", ["2015", "2016"]),
        ("top(2)", "Region", ["0", "18"]),  # not time: first values in table order
        ("bottom(2)", "Region", ["50", "5033"]),
        ("from(2022)", "Tid", ["2022", "2023", "2024"]),
        ("to(2016)", "Tid", ["2015", "2016"]),
        ("range(2023,2021)", "Tid", ["2021", "2022", "2023"]),
        ("18*", "Region", ["18", "1825", "1827"]),
        ("????", "Region", ["1825", "1827", "5033"]),
        ("*", "ContentsCode", ["Personer1"]),
        ("10?", "Alder", ["100", "101", "102", "103", "104"]),
    ],
)
def test_expressions_expand_like_pxwebapi(value, variable, expected):
    assert q.expand_value(value, AVAILABLE[variable], variable, variable == "Tid") == expected


def test_expand_keeps_table_order_and_drops_duplicates():
    query = Query.build("07459", {"Region": "5033,18*,1825", "Tid": "2024,top(2)"})
    expanded = q.expand(query, AVAILABLE, ["Tid"])
    assert expanded.selection("Region").values == ("18", "1825", "1827", "5033")
    assert expanded.selection("Tid").values == ("2023", "2024")
    assert q.count_cells(expanded) == 8


@pytest.mark.parametrize(
    ("select", "message"),
    [
        ({"Region": "1850"}, "'1850' is not a value of Region"),  # Tysfjord: retired in 2020
        ({"Kommune": "5033"}, "no variable 'Kommune'"),
        ({"Tid": "from(1999)"}, "'1999' is not one of its codes"),
        ({"Tid": "top(0)"}, "illegal selection expression"),
        ({"Region": "9*"}, "matches no value"),
    ],
)
def test_expand_names_what_is_wrong(select, message):
    with pytest.raises(QueryError, match=message):
        q.expand(Query.build("07459", select), AVAILABLE, ["Tid"])


def test_bad_queries_are_refused_when_built():
    with pytest.raises(QueryError, match="outputValues"):
        Query.build("07459", {"Region": "K-5033"}, output_values={"Region": "summed"})
    with pytest.raises(QueryError, match="no selection"):
        Query.build("07459", {"Tid": "*"}, codelist={"Region": "agg_KommSummer"})
    with pytest.raises(QueryError, match="not an SSB table id"):
        Query.build("07459/../x", {"Tid": "*"})
    with pytest.raises(QueryError, match="no values"):
        Query.build("07459", {"Tid": ""})


def test_count_cells_needs_expansion_first():
    with pytest.raises(QueryError, match="expand"):
        q.count_cells(population())


def test_key_is_stable_and_ignores_variable_order_only():
    a = Query.build("07459", {"Region": "5033", "Tid": "top(3)"})
    b = Query.build("07459", {"Tid": "top(3)", "Region": "5033"})
    assert q.query_key(a) == q.query_key(b)
    # The documented key: first 16 hex digits of sha256 over the canonical JSON of the normalised request.
    # Written out here so a refactor cannot silently move the file names of existing stores.
    canonical = (
        '{"api":"v2","lang":"no","selection":[{"codelist":null,"outputValues":null,"values":["5033"],'
        '"variable":"Region"},{"codelist":null,"outputValues":null,"values":["top(3)"],"variable":"Tid"}],'
        '"table":"07459"}'
    )
    assert q.query_key(a) == hashlib.sha256(canonical.encode()).hexdigest()[:16]
    assert (
        len(
            {
                q.query_key(a),
                q.query_key(a, api="v0"),
                q.query_key(Query.build("07459", {"Region": "5033", "Tid": "top(3)"}, lang="en")),
                q.query_key(
                    Query.build(
                        "07459", {"Region": "K-5033", "Tid": "top(3)"}, codelist={"Region": "agg_KommSummer"}
                    )
                ),
                q.query_key(Query.build("07459", {"Region": "5026,5033", "Tid": "top(3)"})),
                q.query_key(Query.build("06913", {"Region": "5033", "Tid": "top(3)"})),
            }
        )
        == 6
    )


def test_normalised_form_round_trips():
    query = Query.build(
        "07459",
        {"Region": "K-5033", "Tid": "*"},
        codelist={"Region": "agg_KommSummer"},
        output_values={"Region": "aggregated"},
        lang="en",
    )
    back = q.query_from_normalised(q.normalised(query))
    assert q.query_key(back) == q.query_key(query)


def test_split_cuts_the_largest_dimension_and_keeps_order():
    query = q.expand(Query.build("07459", {"Region": "*", "Alder": "*", "Tid": "*"}), AVAILABLE, ["Tid"])
    total = q.count_cells(query)  # 6 * 106 * 10
    parts = q.split(query, 1000)
    assert all(q.count_cells(p) <= 1000 for p in parts)
    assert sum(q.count_cells(p) for p in parts) == total
    ages = [
        a
        for p in parts
        if p.selection("Region").values == query.selection("Region").values
        for a in p.selection("Alder").values
    ]
    assert ages == AGES  # Alder (the largest) was cut into contiguous runs in table order


def test_split_goes_to_a_second_dimension_when_one_is_not_enough():
    query = q.expand(Query.build("07459", {"Region": "*", "Alder": "*", "Tid": "*"}), AVAILABLE, ["Tid"])
    parts = q.split(query, 7)
    assert all(q.count_cells(p) <= 7 for p in parts)
    assert sum(q.count_cells(p) for p in parts) == q.count_cells(query)


def test_halve_splits_in_two_and_stops_at_one_cell():
    query = q.expand(Query.build("07459", {"Region": "18*", "Tid": "2024"}), AVAILABLE, ["Tid"])
    first, second = q.halve(query)
    assert first.selection("Region").values + second.selection("Region").values == ("18", "1825", "1827")
    one = q.expand(Query.build("07459", {"Region": "18", "Tid": "2024"}), AVAILABLE, ["Tid"])
    with pytest.raises(QueryError, match="nothing left to split"):
        q.halve(one)
