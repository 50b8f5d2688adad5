"""Screening: each applicant's latest accounts before the application year, and ROBEK only where known."""

from __future__ import annotations

import pandas as pd

from samfunn_data.screening.assessment import economy_status


def _facts(rows):
    return pd.DataFrame(rows, columns=["kommunenr", "indicator", "year", "value"])


# Moskenes' real KOSTRA netto driftsresultat is negative in 2017–2025 (kdd-utgiftsbehov-robek PROVENANCE);
# the values here only exercise the selection, the real-figure test is in test_economy_report.py.
ROWS = [("1874", "netto_driftsresultat_pst", 2018, -1.0), ("1874", "netto_driftsresultat_pst", 2019, -2.0),
        ("1874", "netto_lanegjeld_pst", 2019, 120.0), ("1874", "netto_driftsresultat_pst", 2020, -3.0),
        ("1874", "robek", 2026, 1.0), ("1827", "netto_driftsresultat_pst", 2019, 5.0)]


def test_latest_accounts_strictly_before_the_application_year():
    status = economy_status("1874", 2020, _facts(ROWS))
    assert (status.accounts_year, status.result_pst, status.debt_pst) == (2019, -2.0, 120.0)
    text = status.text(2020)
    assert "Regnskap 2019" in text and "−2,0\u00a0%" in text and "120,0\u00a0%" in text


def test_robek_unknown_before_the_registers_date_and_shown_after():
    before = economy_status("1874", 2025, _facts(ROWS))
    assert before.robek is None and "ROBEK: ikke kjent for 2025" in before.text(2025)
    after = economy_status("1874", 2026, _facts(ROWS))
    assert after.robek is True and "Står i ROBEK per 20.04.2026" in after.text(2026)


def test_no_accounts_is_said_plainly():
    status = economy_status("1827", 2019, _facts(ROWS))
    assert status.accounts_year is None and "har ikke kommuneregnskap" in status.text(2019)
