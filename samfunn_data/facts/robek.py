"""The ROBEK register as the data holds it: one list, KDD's of 20 April 2026, and what its hjemmel means.

ROBEK (Register om betinget godkjenning og kontroll) lists municipalities in economic imbalance. The
data has only this one publication of it (`indicators.ROBEK_DATE`), so a report or a screening for a
year before 2026 says that the status is not known rather than inferring membership from a later list.
The fact `robek` is 1 (listed) or 0, with the hjemmel letters as its `flag`.
"""

from __future__ import annotations

from samfunn_data.facts.economy import ROBEK_YEAR
from samfunn_data.facts.indicators import ROBEK_DATE, robek_grounds

DATE = ".".join(reversed(ROBEK_DATE.split("-")))  # 20.04.2026, as a reader writes it
FIRST_YEAR = ROBEK_YEAR  # reports and screenings from this year may show the list
MEANING = ("Kommuner i ROBEK (Register om betinget godkjenning og kontroll) må ha godkjenning fra "
           "statsforvalteren for låneopptak og langsiktige leieavtaler (kommuneloven § 28-1).")


def hjemmel_text(letters: str) -> str:
    """"c og d" -> what those letters of kommuneloven § 28-1 mean, as sentences ("" when none is given)."""
    return " ".join(robek_grounds(letters or ""))


def status(facts, kommunenr: str, year: int) -> tuple[bool | None, str]:
    """(listed, hjemmel letters) for a report or application year; listed is None when not known then.

    `facts` is the long fact table as it stood in `year` (`factbase.as_of`); the register counts only
    from FIRST_YEAR, whatever the table holds.
    """
    if year < FIRST_YEAR or facts is None or facts.empty:
        return None, ""
    rows = facts[(facts["kommunenr"] == kommunenr) & (facts["indicator"] == "robek") & facts["value"].notna()]
    rows = rows[rows["year"] <= year]
    if rows.empty:
        return None, ""
    fact = rows.sort_values("year").iloc[-1]
    letters = fact.get("flag")
    return bool(float(fact["value"])), letters if isinstance(letters, str) else ""
