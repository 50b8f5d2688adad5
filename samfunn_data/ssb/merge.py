"""Join the decoded parts of a split fetch into the frame one unsplit fetch would have given."""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from samfunn_data.errors import ParseError

VALUE_COLUMNS = ("value", "status")


def merge_parts(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate tidy frames that each hold a block of one cube, in the cube's row-major order.

    Parts are cut along one dimension into contiguous runs of the table's order, so the order in which
    categories first appear across the parts is the table's order; sorting rows by those positions
    (last dimension fastest) reproduces the unsplit frame, and labels are merged per dimension.
    """
    if not frames:
        raise ParseError("no response parts to merge")
    if len(frames) == 1:
        return frames[0]
    columns = list(frames[0].columns)
    for frame in frames[1:]:
        if list(frame.columns) != columns:
            raise ParseError(f"response parts disagree on dimensions: {columns} vs {list(frame.columns)}")
    dims = [c for c in columns if c not in VALUE_COLUMNS]
    merged = pd.concat(frames, ignore_index=True)
    positions = [pd.factorize(merged[d], sort=False)[0] for d in dims]
    order = np.lexsort(positions[::-1])
    merged = merged.iloc[order].reset_index(drop=True)
    merged.attrs = _merged_attrs(frames)
    return merged


def _merged_attrs(frames: list[pd.DataFrame]) -> dict:
    attrs = copy.deepcopy(frames[0].attrs)
    labels = attrs.setdefault("category_labels", {})
    units = attrs.setdefault("units", {})
    for frame in frames[1:]:
        for dim, mapping in frame.attrs.get("category_labels", {}).items():
            labels.setdefault(dim, {}).update(mapping)
        units.update(frame.attrs.get("units", {}))
    return attrs
