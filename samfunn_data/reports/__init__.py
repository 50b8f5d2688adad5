"""Per-municipality fact-base reports: the data a report needs, its figures, tables and text, and the
runner that executes the template notebook for many municipalities and years.

`data` loads what one report shows, `charts`/`figures`, `tables` and `narrative` turn it into content,
`html` exports notebooks and writes the index, `runner` plans and runs the batch on warm kernels
(`warm_kernel`).
"""

from samfunn_data.reports.runner import (
    MAIN_YEARS,
    TEMPLATE,
    parse_years,
    render_reports,
    resolve_kommuner,
    slugify,
)

__all__ = ["MAIN_YEARS", "TEMPLATE", "parse_years", "render_reports", "resolve_kommuner", "slugify"]
