"""Where each table's figures came from, in words a kommunestyre understands.

The reader's page says who published the figures, whether they were fetched from SSB or copied from a
public copy, and when (or that the date is unknown). The technical provenance (source repository,
commit, sha256, checks) stays in ``data/raw/snapshot/MANIFEST.json`` and the README for researchers; a
planner's document names no file paths.
"""

from __future__ import annotations

import pandas as pd

from samfunn_data.facts import indicators

UNKNOWN = "ukjent"  # the fact base's vintage for a snapshot table whose retrieval date is not recorded


def table_vintages(frame: pd.DataFrame) -> dict[str, str]:
    """{table id: vintage} from a frame's source_table and vintage columns ("14288+07459" is split)."""
    vintages: dict[str, str] = {}
    for row in frame[["source_table", "vintage"]].dropna().drop_duplicates().itertuples(index=False):
        for tid, vin in zip(str(row.source_table).split("+"), str(row.vintage).split("+"), strict=False):
            vintages.setdefault(tid, vin)
    return vintages


KDD_PARTS = {"inntektssystem": "inntektssystemet", "robek": "ROBEK-registeret",
             "utgiftsbehov": "beregnet utgiftsbehov"}


def source_label(table_id: str) -> str:
    """"SSB-tabell 06913", "SSB KLASS 128", "KDD (ROBEK-registeret)", "Kartverket (kommunegrenser)"."""
    if table_id[:1].isdigit():
        return f"SSB-tabell {table_id}"
    if table_id.startswith("klass-"):
        return f"SSB KLASS {table_id.removeprefix('klass-')}"
    if table_id.startswith("kdd-"):
        part = table_id.removeprefix("kdd-")
        return f"KDD ({KDD_PARTS.get(part, part)})"
    if table_id.startswith("geo/"):
        return "Kartverket (" + ("fylkesgrenser" if "fylker" in table_id else "kommunegrenser") + ")"
    return table_id


def _publisher(table_id: str) -> tuple[str, str]:
    """(whose figures, who publishes them): SSB, KDD (the ministry) or Kartverket."""
    if table_id.startswith("geo/"):
        return "Kartverkets kart", "Kartverket"
    if table_id.startswith("kdd-"):
        return "KDDs tall", "KDD"
    return "SSBs tall", "SSB"


def _date_nb(iso: str) -> str:
    """"2026-07-01" -> "1.7.2026"; anything else unchanged."""
    try:
        year, month, day = (int(x) for x in iso[:10].split("-"))
    except ValueError:
        return iso
    return f"{day}.{month}.{year}"


def _copied(table_id: str, entry: dict, date: str | None) -> str:
    """The snapshot's part: whose figures, for which area, from a public copy, and its date if known."""
    owner, org = _publisher(table_id)
    covers = {ind.coverage for ind in indicators.by_table(table_id)}
    scope = f" for {covers.pop()}" if len(covers) == 1 and indicators.NATIONWIDE not in covers else ""
    text = f"{owner}{scope} fra en offentlig tilgjengelig kopi (ikke hentet direkte fra {org})"
    return f"{text}, datert {_date_nb(date)}" if date else f"{text}; hentedato ukjent"


def origin_text(table_id: str, vintage: str | None, entry: dict | None = None) -> str:
    """Where the figures of `table_id` came from, in plain bokmål.

    Parameters
    ----------
    table_id : "06913", "klass-128", "geo/kommuner-2024", ...
    vintage : the fact base's vintage for the table: a date, "ukjent", or several joined by " / " when
        fetched figures were merged with the embedded snapshot (newest first).
    entry : the table's entry in the snapshot manifest ({} or None when the table is not in it).
    """
    entry = entry or {}
    snapshot_date = entry.get("vintage")
    parts = [p.strip() for p in str(vintage or UNKNOWN).split(" / ") if p.strip()]
    texts = []
    for part in parts:
        if part == UNKNOWN or part == snapshot_date or not part[:4].isdigit():
            text = _copied(table_id, entry, snapshot_date)
            texts.append(text if not texts else f"eldre tall: {text}")
        else:
            texts.append(f"Hentet fra SSB {_date_nb(part)}")
    return "; ".join(dict.fromkeys(texts)) or _copied(table_id, entry, snapshot_date)
