"""03321 commuting flows, 4th quarter 2017: SSB's raw StatBank export, on SSB's 2017 municipality codes.

The export is a full 440 x 440 matrix of 2017 municipalities (place of work x place of residence). The
snapshot keeps SSB's own codes of 2017, as SSB's API answers for that year (so the loopback server can
serve 03321 as SSB does and a live vintage joins it cell by cell); the build recodes every year's codes
to 2024 municipalities by exact sums (`samfunn_data.recoding`). The import runs that same recoding for
its checks: totals unchanged, employed residents against 07984, and the successors of split
municipalities (1850 Tysfjord, 1613 Snillfjord, and csdata's 2024 Ålesund/Haram mapping) left without
figures, never apportioned.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from samfunn_data.importers.core import (
    LICENCE,
    NL_TR,
    Context,
    ImportCheckError,
    attribution,
    check,
    table_attrs,
    tidy,
)
from samfunn_data.importers.manifest import input_entries
from samfunn_data.recoding import RecodingError, recode, recoding

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
    """The non-zero flows on SSB's 2017 codes (tidy), and the build's recoding of them (checked)."""
    flows = cells[cells["value"] > 0].rename(columns={"work": "ArbstedKomm", "home": "Bokommuen"})
    check(int(flows["value"].sum()) == TOTAL, "03321: the non-zero flows do not sum to the export's total")
    labels = dict(zip(cells["work"], cells["work_name"], strict=False))
    flows = flows.assign(ContentsCode="Sysselsatte", Tid="2017")
    attrs = table_attrs(
        "03321",
        "Sysselsatte per 4. kvartal. Pendlingsstrømmer etter arbeidsstedskommune, bostedskommune, "
        "statistikkvariabel og år",
        {"ArbstedKomm": "arbeidsstedskommune", "Bokommuen": "bostedskommune",
         "ContentsCode": "statistikkvariabel", "Tid": "år"},
        {"ArbstedKomm": {c: labels[c] for c in sorted(set(flows["ArbstedKomm"]))},
         "Bokommuen": {c: labels[c] for c in sorted(set(flows["Bokommuen"]))},
         "ContentsCode": {"Sysselsatte": "Sysselsatte personer"}, "Tid": {"2017": "2017"}},
        {"Sysselsatte": {"base": "personer", "decimals": 0}},
        [
            "4. kvartal 2017, med kommunekodene fra 2017 slik SSB publiserer dem.",
            "Faktagrunnlaget regner kodene om til 2024-kommuner ved eksakte summer (sammenslåinger). "
            "Kommuner som ble delt (f.eks. 1850 Tysfjord, 1613 Snillfjord) fordeles ikke.",
            "Bare strømmer større enn null er med.",
        ],
        updated=updated,
    )
    out = tidy(flows[["ArbstedKomm", "Bokommuen", "ContentsCode", "Tid", "value"]],
               ["ArbstedKomm", "Bokommuen", "ContentsCode", "Tid"], attrs)
    try:
        how = recoding(set(cells["work"]), 2017, changes, names)
        recoded = recode(out, ("ArbstedKomm", "Bokommuen"), changes, names)
    except RecodingError as exc:
        raise ImportCheckError(f"03321: {exc}") from None
    check(int(recoded["value"].sum()) == TOTAL, "03321: the recoded flows do not sum to the export's total")
    return out, recoded, how


def add(ctx: Context) -> None:
    """Build 03321 and record it (needs klass-131-changes and 07984)."""
    cells, updated = read_export(ctx.source / EXPORT)
    changes = ctx.outputs["klass-131-changes.parquet"]
    out, recoded, how = commuting_03321(cells, changes, ctx.names["municipalities"], updated)
    split, inexact = list(how.split), list(how.without)
    check(
        {"1850", "1613"} <= set(split) and {"1806", "1875", "5055", "5056", "5059"} <= set(inexact),
        "03321: Tysfjord and Snillfjord's successors must be left without figures",
    )
    nl_tr = recoded[recoded["Bokommuen"].str[:2].isin(NL_TR) & recoded["Bokommuen"].str.fullmatch(r"\d{4}")]
    versus_07984 = check_against_07984(nl_tr, ctx.outputs["07984.parquet"])
    ctx.outputs["03321.parquet"] = out
    ctx.tables["03321"] = {
        "title": out.attrs["label"],
        "ssb_table": "03321",
        "vintage": updated,
        "vintage_note": "The export's own 'Siste oppdatering' (SSB published the 2017 figures 2018-03-08).",
        "inputs": input_entries(ctx.source, [EXPORT]),
        "transform": "Raw StatBank export (xlsx, 440 x 440 municipalities of 2017) -> long form on SSB's "
        "2017 codes, as SSB's API answers for 2017 (labels as in the export, e.g. 'Tydal (-2017)'). The "
        "build recodes them to 2024 with klass-131-changes by exact sums (samfunn_data/recoding.py): a "
        "2017 municipality wholly inside one 2024 municipality takes its code; split municipalities ("
        + ", ".join(split) + ") and every 2017 area of a 2024 municipality that received part of one keep "
        "their 2017 code with suffix '-2017' (never apportioned). 2024 municipalities without figures: "
        + ", ".join(inexact) + ". First dimension of the export = ArbstedKomm (place of work), second = "
        "Bokommuen (residence); SSB's PxWeb dimension ids. Flows of zero dropped.",
        "checks": [
            "title, variable 'Sysselsatte personer', year 2017, footer 'Ekstern PRODUKSJON', 4. kvartal",
            "complete 440 x 440 matrix of the same codes, whole numbers (the export has no margin rows: "
            "margins are the matrix's row and column sums)",
            "the 14 codes retired before 2017 (e.g. 1842 Skjerstad (-2004)) are all zero and dropped: "
            "426 left",
            f"total {TOTAL:,} and {NONZERO:,} non-zero cells (PROVENANCE.md)",
            "the build's recoding (samfunn_data.recoding): every 2017 code has a 2024 municipality; "
            "residence and workplace totals unchanged; the recoded flows sum to the total",
            versus_07984,
            "1806, 1875, 5055, 5056, 5059 have no figures",
        ],
        "coverage": {
            "regions": {"municipalities_2017": int(cells["work"].nunique()),
                        "exact_2024": len({c for c in how.mapping.values() if not c.endswith(how.suffix)}),
                        "split_2017": len(split)},
            "years": ["2017", "2017"],
            "variables": {"ContentsCode": ["Sysselsatte"]},
        },
        "licence": LICENCE,
        "attribution": attribution("03321"),
    }
