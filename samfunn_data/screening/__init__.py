"""Screening applicant municipalities for the network (what coordinators run).

`applications` reads and validates the file, `assessment` applies the network's rules, `page` writes the
HTML page, and `run.screen_file` does all three and writes the outputs.
"""

from samfunn_data.screening.applications import Application, read_applications
from samfunn_data.screening.assessment import (
    AKTUELL,
    FORBEHOLD,
    IKKE_AKTUELL,
    Assessment,
    ScreeningResult,
    assess,
    assessments_frame,
    elections_since,
    errors_frame,
    plan_status,
    screen,
)
from samfunn_data.screening.run import default_out_dir, screen_file, write_outputs

__all__ = [
    "AKTUELL",
    "FORBEHOLD",
    "IKKE_AKTUELL",
    "Application",
    "Assessment",
    "ScreeningResult",
    "assess",
    "assessments_frame",
    "default_out_dir",
    "elections_since",
    "errors_frame",
    "plan_status",
    "read_applications",
    "screen",
    "screen_file",
    "write_outputs",
]
