"""03321 commuting flows, 4th quarter 2017: SSB's raw StatBank export, recoded to 2024 municipalities.

The export is a full 440 x 440 matrix of 2017 municipalities (place of work x place of residence). It is
recoded to 2024 codes by exact sums only: a 2024 municipality gets figures when every 2017 municipality
in it lies wholly inside it (mergers, renumbering). Where a 2017 municipality was split (1850 Tysfjord,
1613 Snillfjord, and csdata's 2024 Ålesund/Haram and 2020 Forsand mappings), no share of it is allocated:
its 2024 successors get no figures, and flows to or from those areas keep the 2017 code with the suffix
``-2017`` (e.g. ``1850-2017`` Tysfjord), so every flow stays exact and every total still adds up.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import LICENCE, NL_TR, Context, attribution, check, table_attrs, tidy
from samfunn_data.importers.manifest import input_entries

EXPORT = "ssb-data-candidates/ssb-03321-2017/di_edge_list_2017.xlsx"
TITLE = (
    "03321: Sysselsatte per 4. kvartal. Pendlingsstrømmer etter arbeidsstedskommune, bostedskommune, "
    "statistikkvariabel og år"
)
N_2017 = 440  # codes in the export
N_IN_USE = 426  # municipalities in 2017
# From ssb-03321-2017/PROVENANCE.md: the export's sum and its number of non-zero cells.
TOTAL = 2_609_737
NONZERO = 29_632
SUFFIX_2017 = "-2017"
# Employed residents 2017 / 07984's 2019 figure for the same (exactly recoded) NL/TR municipality: the
# provenance check found a median of 1.014 and a range of 0.93-1.08; a wrong code mapping gives far more.
RATIO_MEDIAN = (0.97, 1.05)
RATIO_RANGE = (0.85, 1.15)


def read_export(path: Path) -> tuple[pd.DataFrame, str]:
    """The export's cells as (work, residence, value) on 2017 codes, and its 'Siste oppdatering' date."""
    raw = pd.read_excel(path, header=None, dtype=str)
    check(raw.iat[0, 0] == TITLE, f"03321: unexpected title {raw.iat[0, 0]!r}")
    check(raw.iat[2, 2] == "Sysselsatte personer" and raw.iat[3, 2] == "2017", "03321: not Sysselsatte 2017")
    body = raw.iloc[4 : 4 + N_2017 * N_2017]
    footer = raw.iloc[4 + N_2017 * N_2017 :, 0].dropna().tolist()
    check("Ekstern PRODUKSJON" in footer and "4. kvartal" in footer, "03321: the SSB footer is missing")
    updated = footer[footer.index("Siste oppdatering:") + 2]  # '20180308 08:00'
    check(
        body[1].notna().all() and body[2].str.fullmatch(r"\d+").all(),
        "03321: a cell of the 440 x 440 matrix is missing or not a whole number",
    )
    work = body[0].ffill()
    cells = pd.DataFrame(
        {
            "work": work.str[:4],
            "home": body[1].str[:4],
            "value": body[2].astype("int64"),
            "work_name": work.str[5:],
            "home_name": body[1].str[5:],
        }
    )
    check(
        cells["work"].nunique() == N_2017
        and set(cells["work"]) == set(cells["home"])
        and not cells.duplicated(["work", "home"]).any(),
        "03321: the export is not a complete 440 x 440 matrix of the same codes",
    )
    check(
        int(cells["value"].sum()) == TOTAL and int((cells["value"] > 0).sum()) == NONZERO,
        "03321: total or number of non-zero cells differs from PROVENANCE.md",
    )
    # StatBank lists 14 codes retired before 2017 (e.g. '1842 Skjerstad (-2004)'), all zero: drop them.
    totals = cells.groupby("work")["value"].sum() + cells.groupby("home")["value"].sum()
    names = cells.drop_duplicates("work").set_index("work")["work_name"]
    retired = names[names.str.extract(r"-(\d{4})\)$", expand=False).astype(float) < 2017]
    check(
        len(retired) == N_2017 - N_IN_USE and (totals[retired.index] == 0).all(),
        f"03321: expected {N_2017 - N_IN_USE} all-zero codes retired before 2017: {sorted(retired.index)}",
    )
    cells = cells[~cells["work"].isin(retired.index) & ~cells["home"].isin(retired.index)]
    return cells, f"{updated[:4]}-{updated[4:6]}-{updated[6:8]}"


def recoding(codes_2017: set[str], changes: pd.DataFrame, codes_2024: set[str]):
    """2017 code -> the 2024 code where the 2017 area lies wholly in one exact 2024 municipality, else
    the 2017 code with the -2017 suffix (split areas, and every area of a 2024 municipality that got a
    share of a split one); and the split 2017 codes."""
    successors = changes.groupby("oldCode")["newCode"].agg(set).to_dict()
    target = {c: successors.get(c, {c}) for c in codes_2017}
    unknown = {c: t for c, t in target.items() if not t <= codes_2024}
    check(not unknown, f"03321: 2017 codes without a 2024 municipality: {sorted(unknown)[:10]}")
    inexact = set().union(*(t for t in target.values() if len(t) > 1))
    mapping = {
        c: next(iter(t)) if len(t) == 1 and not t & inexact else c + SUFFIX_2017
        for c, t in sorted(target.items())
    }
    return mapping, sorted(c for c, t in target.items() if len(t) > 1)


def check_against_07984(flows: pd.DataFrame, p07984: pd.DataFrame) -> str:
    """Employed residents per exact NL/TR municipality vs 07984 2019 (bosted, all industries)."""
    residents = flows.groupby("Bokommuen")["value"].sum()
    e19 = p07984[(p07984["Tid"] == "2019") & (p07984["NACE2007"] == "00-99")].set_index("Region")["value"]
    common = e19.index.intersection(residents.index)
    ratio = e19[common] / residents[common]
    check(len(common) >= 60, f"03321: only {len(common)} NL/TR municipalities to compare with 07984")
    median = float(ratio.median())
    check(
        RATIO_MEDIAN[0] <= median <= RATIO_MEDIAN[1] and ratio.between(*RATIO_RANGE).all(),
        f"03321: employed residents differ from 07984 2019 (median ratio {median:.3f}, "
        f"range {ratio.min():.3f}-{ratio.max():.3f})",
    )
    return (
        f"employed residents vs 07984 2019 for {len(common)} NL/TR municipalities: median ratio "
        f"{median:.3f}, range {ratio.min():.3f}-{ratio.max():.3f}"
    )


def commuting_03321(cells: pd.DataFrame, changes: pd.DataFrame, names: dict[str, str], updated: str):
    """The non-zero flows on 2024 codes (tidy), and the manifest's check lines."""
    mapping, split = recoding(set(cells["work"]), changes, set(names))
    work = cells["work"].map(mapping)
    home = cells["home"].map(mapping)
    flows = (
        cells.assign(ArbstedKomm=work, Bokommuen=home)
        .groupby(["ArbstedKomm", "Bokommuen"], as_index=False)["value"]
        .sum()
    )
    flows = flows[flows["value"] > 0]
    # Exact sums: every residence and workplace total is the sum of its 2017 areas' totals.
    for side, col in (("home", "Bokommuen"), ("work", "ArbstedKomm")):
        before = cells.groupby(cells[side].map(mapping))["value"].sum()
        after = flows.groupby(col)["value"].sum()
        check(before.sort_index().equals(after.reindex(before.index).fillna(0).astype("int64").sort_index()),
              f"03321: {col} totals changed in the recoding")
    check(int(flows["value"].sum()) == TOTAL, "03321: the recoded flows do not sum to the export's total")
    old_names = dict(zip(cells["work"], cells["work_name"], strict=True))
    labels = {
        code: names[code] if not code.endswith(SUFFIX_2017)
        else f"{old_names[code[:4]].replace(' (-2017)', '')} (kommune i 2017)"
        for code in sorted(set(flows["ArbstedKomm"]) | set(flows["Bokommuen"]))
    }
    exact = sorted(c for c in set(mapping.values()) if not c.endswith(SUFFIX_2017))
    inexact_2024 = sorted(set(names) - set(exact))
    flows = flows.assign(ContentsCode="Sysselsatte", Tid="2017")
    attrs = table_attrs(
        "03321",
        "Sysselsatte per 4. kvartal. Pendlingsstrømmer etter arbeidsstedskommune, bostedskommune, "
        "statistikkvariabel og år",
        {"ArbstedKomm": "arbeidsstedskommune", "Bokommuen": "bostedskommune",
         "ContentsCode": "statistikkvariabel", "Tid": "år"},
        {"ArbstedKomm": labels, "Bokommuen": labels,
         "ContentsCode": {"Sysselsatte": "Sysselsatte personer"}, "Tid": {"2017": "2017"}},
        {"Sysselsatte": {"base": "personer", "decimals": 0}},
        [
            "4. kvartal 2017, 2017-kommuner omkodet til 2024-kommuner ved eksakte summer (sammenslåinger).",
            "Kommuner som ble delt (f.eks. 1850 Tysfjord, 1613 Snillfjord) er ikke fordelt: de har koden fra "
            "2017 med '-2017', og 2024-kommuner som fikk en del av dem (" + ", ".join(inexact_2024) + ") "
            "har ingen tall for 2017.",
            "Bare strømmer større enn null er med.",
        ],
        updated=updated,
    )
    out = tidy(flows, ["ArbstedKomm", "Bokommuen", "ContentsCode", "Tid"], attrs)
    return out, split, exact, inexact_2024


def add(ctx: Context) -> None:
    """Build 03321 and record it (needs klass-131-changes and 07984)."""
    cells, updated = read_export(ctx.source / EXPORT)
    changes = ctx.outputs["klass-131-changes.parquet"]
    out, split, exact, inexact = commuting_03321(cells, changes, ctx.names["municipalities"], updated)
    check(
        {"1850", "1613"} <= set(split) and {"1806", "1875", "5055", "5056", "5059"} <= set(inexact),
        "03321: Tysfjord and Snillfjord's successors must be left without figures",
    )
    nl_tr = out[out["Bokommuen"].str[:2].isin(NL_TR) & (out["Bokommuen"].str.len() == 4)]
    versus_07984 = check_against_07984(nl_tr, ctx.outputs["07984.parquet"])
    ctx.outputs["03321.parquet"] = out
    ctx.tables["03321"] = {
        "title": out.attrs["label"],
        "ssb_table": "03321",
        "vintage": updated,
        "vintage_note": "The export's own 'Siste oppdatering' (SSB published the 2017 figures 2018-03-08).",
        "inputs": input_entries(ctx.source, [EXPORT]),
        "transform": "Raw StatBank export (xlsx, 440 x 440 municipalities of 2017) -> long form; codes "
        "recoded to 2024 with klass-131-changes by exact sums: a 2017 municipality wholly inside one 2024 "
        "municipality takes its code; split municipalities (" + ", ".join(split) + ") and every 2017 "
        "area of a 2024 municipality that received part of one keep their 2017 code with suffix '-2017' "
        "(never apportioned). 2024 municipalities without figures: " + ", ".join(inexact) + ". "
        "First dimension of the export = ArbstedKomm (place of work), second = Bokommuen (residence); "
        "SSB's PxWeb dimension ids. Flows of zero dropped.",
        "checks": [
            "title, variable 'Sysselsatte personer', year 2017, footer 'Ekstern PRODUKSJON', 4. kvartal",
            "complete 440 x 440 matrix of the same codes, whole numbers (the export has no margin rows: "
            "margins are the matrix's row and column sums)",
            "the 14 codes retired before 2017 (e.g. 1842 Skjerstad (-2004)) are all zero and dropped: "
            "426 left",
            f"total {TOTAL:,} and {NONZERO:,} non-zero cells (PROVENANCE.md)",
            "every 2017 code has a 2024 municipality; residence and workplace totals unchanged by the "
            "recoding; the recoded flows sum to the total",
            versus_07984,
            "1806, 1875, 5055, 5056, 5059 have no figures",
        ],
        "coverage": {
            "regions": {"municipalities": len(exact), "split_2017": len(split)},
            "years": ["2017", "2017"],
            "variables": {"ContentsCode": ["Sysselsatte"]},
        },
        "licence": LICENCE,
        "attribution": attribution("03321"),
    }
