"""The researchers' view of the learning network: a tidy panel, comparison groups, charts and text.

`analysis` builds the panel and the group statistics, `charts` and `text` show them, and `runner`
renders the overview notebook to HTML.
"""

from samfunn_data.network.analysis import (
    COMPARISONS,
    GROUP_LABELS,
    PANEL_COLUMNS,
    PARTICIPANTS,
    SMALL_NL_TR,
    SMALL_NORWAY,
    Period,
    before_during,
    default_export_dir,
    export_panel,
    group_codes,
    group_counts,
    group_summary,
    index_series,
    membership,
    panel,
)

__all__ = [
    "COMPARISONS",
    "GROUP_LABELS",
    "PANEL_COLUMNS",
    "PARTICIPANTS",
    "SMALL_NL_TR",
    "SMALL_NORWAY",
    "Period",
    "before_during",
    "default_export_dir",
    "export_panel",
    "group_codes",
    "group_counts",
    "group_summary",
    "index_series",
    "membership",
    "panel",
]
