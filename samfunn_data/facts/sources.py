"""Where the fact base gets its tables: the raw store (newest fetched vintage) or the embedded snapshot.

The fact base never calls HTTP. It asks this module for each SSB table it needs and gets a `Source`:
a fingerprint (changes when the figures may have changed, so the build knows what to recompute), the
vintage (the date the figures were retrieved or published) and a loader for the tidy frame.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from samfunn_data.config import Settings
from samfunn_data.errors import SnapshotError


@dataclass(frozen=True)
class Source:
    """One SSB table as the build sees it."""

    table_id: str
    fingerprint: str
    vintage: str
    origin: str  # "store" or "snapshot"
    load: Callable[..., pd.DataFrame] = field(compare=False, repr=False)  # load(columns=None)


def file_fingerprint(path: Path) -> str:
    """sha256 of a file's bytes (the snapshot is small enough to hash on every build)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_tidy_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """A tidy table with its code columns as categoricals: reading 07459's three million rows of
    repeated codes as dictionaries (and only the columns needed) is several times faster than as str."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        schema = pq.read_schema(path)
        codes = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        if columns is not None:
            missing = sorted(set(columns) - set(schema.names))
            if missing:
                raise SnapshotError(f"{path} has no column(s) {', '.join(missing)}; re-run `make snapshot`")
        return pq.read_table(path, columns=columns, read_dictionary=codes).to_pandas()
    except (pa.ArrowInvalid, OSError) as exc:
        raise SnapshotError(f"{path} is not a readable Parquet file ({exc}); restore it with "
                            "`git checkout data/raw/snapshot` or re-run `make snapshot`") from exc


def _manifest(snapshot_dir: Path) -> dict:
    path = snapshot_dir / "MANIFEST.json"
    if not path.exists():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("tables", {})
    except (json.JSONDecodeError, AttributeError) as exc:
        raise SnapshotError(f"{path} is not valid JSON ({exc}); re-run `make snapshot`") from exc


def _snapshot_sources(settings: Settings, table_ids) -> dict[str, Source]:
    manifest = _manifest(settings.snapshot_dir)
    found = {}
    for table_id in table_ids:
        path = settings.snapshot_dir / f"{table_id}.parquet"
        if not path.exists():
            continue
        vintage = str(manifest.get(table_id, {}).get("vintage") or "ukjent")
        found[table_id] = Source(table_id, file_fingerprint(path), vintage, "snapshot",
                                 lambda columns=None, p=path: read_tidy_parquet(p, columns))
    return found


def _store_vintages(settings: Settings, table_id: str) -> list:
    """The newest complete vintage of every query stored for `table_id`, oldest first."""
    folder = settings.store_dir / table_id
    if not folder.is_dir():
        return []
    from samfunn_data.ssb.store import RawStore

    store = RawStore(settings.store_dir)
    keys = sorted(p.name for p in folder.iterdir() if p.is_dir())
    found = [v for v in (store.newest(table_id, key) for key in keys) if v is not None]
    return sorted(found, key=lambda v: v.stamp)


def _date_key(vintage: str) -> str:
    """Sortable date of a vintage; an unknown one ("ukjent") sorts as the oldest."""
    return vintage[:10] if vintage[:4].isdigit() else ""


def expected_shape(settings: Settings, table_id: str, frame: pd.DataFrame | None) -> tuple[list[str], dict]:
    """The dimensions a fetched `table_id` must have and the codes it may use (where they are closed sets).

    Dimensions: the snapshot's, else the live catalogue's. Regions: every code the registry knows (the
    country "0", the counties and municipalities on 2024 borders, and the snapshot's own). Other
    dimensions except time and the catalogue's `year_codes` (each year's municipality codes, checked by
    `check_year_codes`): the snapshot's codes, so a fetch with other categories (e.g. totals where the
    snapshot has sexes) is refused instead of being added to them.
    """
    from samfunn_data.ssb.catalogue import CATALOGUE, KOSTRA_REGION

    if frame is not None:
        dims = [c for c in frame.columns if c not in ("value", "status")]
        free = ("Tid", *(CATALOGUE[table_id].year_codes if table_id in CATALOGUE else ()))
        codes = {d: set(frame[d].astype(str)) for d in dims if d not in free}
    else:
        dims, codes = list(CATALOGUE[table_id].dims) if table_id in CATALOGUE else [], {}
    regions_file = settings.snapshot_dir / "regions-2024.parquet"
    if regions_file.exists():
        regions = pd.read_parquet(regions_file, columns=["code", "level"]).astype(str)
        if "Region" in dims:
            codes["Region"] = codes.get("Region", set()) | set(regions["code"]) | {"0"}
        if KOSTRA_REGION in dims:  # KOSTRA's region: municipalities only (see ssb.catalogue)
            known = set(regions.loc[regions["level"] == "kommune", "code"])
            codes[KOSTRA_REGION] = codes.get(KOSTRA_REGION, set()) | known
    return dims, codes


BORDER_TABLES = ("klass-131-changes", "regions-2024")  # what `samfunn_data.recoding` recodes with


def borders(settings: Settings) -> tuple[pd.DataFrame, set[str]]:
    """The committed code changes (KLASS 131) and the 2024 municipality codes the build recodes with."""
    changes = pd.read_parquet(settings.snapshot_dir / "klass-131-changes.parquet").astype(str)
    regions = pd.read_parquet(settings.snapshot_dir / "regions-2024.parquet", columns=["code", "level"])
    return changes, set(regions.loc[regions["level"] == "kommune", "code"].astype(str))


def check_year_codes(settings: Settings, frame: pd.DataFrame, dims, what: str) -> None:
    """Refuse (`ShapeError`) a fetched frame that is not every municipality of its years against every
    other (a partial query, e.g. one place of work: the sums per municipality would be wrong), or whose
    municipality codes its years cannot have (see `recoding`)."""
    from samfunn_data.recoding import RecodingError, recode
    from samfunn_data.ssb.shape import ShapeError

    for tid, rows in frame.groupby(frame["Tid"].astype(str)):
        sides = [set(rows[d].astype(str)) for d in dims]
        if any(side != sides[0] for side in sides[1:]):
            raise ShapeError(f"{what}: {tid} har ikke de samme kommunene i {' og '.join(dims)} (en delvis "
                             "henting; summene per kommune krever alle kommuner mot alle)")
    try:
        recode(frame, tuple(dims), *borders(settings))
    except RecodingError as exc:
        raise ShapeError(f"{what}: {exc}") from None


def _merged_loader(settings: Settings, table_id: str, vintages: list,
                   base: Source | None) -> Callable[..., pd.DataFrame]:
    """Snapshot and fetched rows together, the newest vintage winning cell by cell (a fetch wins a tie).

    Every fetched vintage must first have the table's shape (`samfunn_data.ssb.shape.conform`); one that
    does not stops the build with a `ShapeError` naming its folder, before anything is written.
    """

    def fetched(vintage, dims, codes) -> pd.DataFrame:
        from samfunn_data.ssb.catalogue import CATALOGUE
        from samfunn_data.ssb.jsonstat import decode_jsonstat
        from samfunn_data.ssb.merge import merge_parts
        from samfunn_data.ssb.shape import ShapeError, codes_from_labels, conform, drop_placeholders

        folder = vintage.files[0].parent
        spec = CATALOGUE.get(table_id)
        what = f"hentet {table_id} i {folder}"
        try:
            parts = [decode_jsonstat(body) for body in vintage.read()]
            for dim in spec.codes_from_labels if spec is not None else ():
                parts = [codes_from_labels(part, dim, what) for part in parts]
            frame = merge_parts(parts)
            # A cell SSB answers with no figure (null, status ".") adds nothing the snapshot lacks.
            frame = frame[frame["value"].notna()]
            out = conform(frame, dims, codes, what, yearly=spec.yearly_region if spec is not None else "")
            if spec is not None and spec.year_codes:
                check_year_codes(settings, out, spec.year_codes, what)
            return drop_placeholders(out) if spec is not None and spec.persons else out
        except ShapeError as exc:
            raise ShapeError(
                f"{exc}. Denne hentingen passer ikke med faktagrunnlaget og er ikke brukt; ingenting er "
                f"skrevet. Flytt mappen bort (f.eks. til data/raw/ssb-unused/) og kjør `samfunn update` "
                f"for å hente tabellen i riktig form."
            ) from None

    def load(columns=None) -> pd.DataFrame:
        from samfunn_data.ssb.catalogue import CATALOGUE
        from samfunn_data.ssb.shape import complete_counties

        base_frame = base.load() if base is not None else None
        dims, codes = expected_shape(settings, table_id, base_frame)
        layers = [(_date_key(base.vintage), 0, lambda: base_frame)] if base is not None else []
        layers += [(v.date, 1, lambda v=v: fetched(v, dims, codes)) for v in vintages]
        ordered = sorted(layers, key=lambda layer: layer[:2])
        frames = [read() for _date, _rank, read in ordered]
        frames = [f.astype({c: str for c in f.columns if c not in ("value", "status")}) for f in frames]
        spec = CATALOGUE.get(table_id)
        if spec is not None and spec.persons and vintages:
            # a fetched county-year over a year with a municipality missing gives way to the snapshot's
            # (made from SSB's own county figures where the source had them), or is left out
            everything = pd.concat([f[["Region", "Tid"]] for f in frames], ignore_index=True)
            members = county_members(settings)
            frames = [complete_counties(f, members, everything) if rank else f
                      for f, (_date, rank, _read) in zip(frames, ordered, strict=True)]
        merged = frames[0]
        for newer in frames[1:]:
            merged = overlay(merged, newer)
        labels: dict[str, dict] = {}  # every layer's labels (the recoding names former municipalities)
        for frame in frames:
            for dim, mapping in frame.attrs.get("category_labels", {}).items():
                labels.setdefault(dim, {}).update(mapping)
        merged.attrs = {**(base_frame.attrs if base_frame is not None else {}), "category_labels": labels}
        return merged if columns is None else merged[columns]

    return load


def county_members(settings: Settings) -> dict[str, set[str]]:
    """Each county's municipalities on 2024 borders, from the registry's regions table."""
    path = settings.snapshot_dir / "regions-2024.parquet"
    regions = pd.read_parquet(path, columns=["code", "level", "county"])
    munis = regions[regions["level"] == "kommune"].astype(str)
    return {county: set(codes) for county, codes in munis.groupby("county")["code"]}


def overlay(older: pd.DataFrame, newer: pd.DataFrame) -> pd.DataFrame:
    """`newer`'s cells over `older`'s, keeping an older caveat where the newer cell repeats its figure.

    SSB's json-stat2 `status` of a fetched cell is kept as it comes. The snapshot's caveats are the
    project's words for a publication (e.g. "foreløpig": KOSTRA's unrevised accounts of 15 March 2026);
    SSB sends no such status, so a fetched cell with the same figure and no status of its own is the same
    publication and keeps the caveat. A changed figure is a new publication (SSB's revision): it keeps
    only the status SSB gives it.
    """
    dims = [c for c in newer.columns if c not in ("value", "status")]
    if "status" in older.columns and "status" in newer.columns:
        flagged = older.loc[older["status"].notna(), dims + ["value", "status"]]
        if len(flagged):
            both = newer.reset_index(drop=True).merge(flagged, on=dims, how="left", suffixes=("", "_older"))
            same = (both["status"].isna() & both["status_older"].notna()
                    & (both["value"].astype(float) == both["value_older"].astype(float)))
            newer = both.assign(status=both["status"].where(~same, both["status_older"]))[list(newer.columns)]
    merged = pd.concat([older, newer], ignore_index=True)
    return merged.drop_duplicates(dims, keep="last").reset_index(drop=True)


def _store_sources(settings: Settings, table_ids, snapshot: dict[str, Source]) -> dict[str, Source]:
    """Tables with fetched vintages in the raw store (data/raw/ssb), merged with the snapshot.

    The fingerprint comes from the sidecars' sha256 (no decoding), so an unchanged store costs almost
    nothing. The vintage lists every contributing date, newest first ("2026-11-27 / 2026-07-01"): the
    fetches, and the snapshot while its rows still fill cells the fetches did not cover.
    """
    found = {}
    for table_id in table_ids:
        vintages = _store_vintages(settings, table_id)
        if not vintages:
            continue
        base = snapshot.get(table_id)
        digest = hashlib.sha256((base.fingerprint if base else "").encode())
        for v in vintages:
            digest.update(json.dumps([v.stamp, [m["sha256"] for m in v.sidecars]]).encode())
        dates = sorted({v.date for v in vintages} | ({base.vintage} if base else set()), key=_date_key,
                       reverse=True)
        loader = _merged_loader(settings, table_id, vintages, base)
        found[table_id] = Source(table_id, digest.hexdigest(), " / ".join(dates), "store", loader)
    return found


def find_sources(settings: Settings, table_ids) -> dict[str, Source]:
    """The table sources the build reads: the snapshot, with any fetched vintages merged in (newest wins)."""
    table_ids = sorted(set(table_ids))
    sources = _snapshot_sources(settings, table_ids)
    sources.update(_store_sources(settings, table_ids, sources))
    return sources
