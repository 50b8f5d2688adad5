"""The ROBEK register as the data holds it: one list, KDD's of 20 April 2026, and what its hjemmel means.

ROBEK (Register om betinget godkjenning og kontroll) lists municipalities in economic imbalance. The
data has only this one publication of it, so a report or a screening for a year before 2026 says that
the status is not known rather than inferring membership from a later list.
"""

from __future__ import annotations

import re

DATE = "20.04.2026"  # KDD, regjeringen.no: «Kommuner som er oppført i registeret»
FIRST_YEAR = 2026  # reports and screenings from this year may show the list
MEANING = ("Kommuner i ROBEK (Register om betinget godkjenning og kontroll) må ha godkjenning fra "
           "statsforvalteren for låneopptak og langsiktige leieavtaler (kommuneloven § 28-1).")
# Kommuneloven § 28-1 a–g as KDD states them on the register's page: why a municipality is listed.
HJEMLER = {
    "a": "driftsbudsjettet er vedtatt med et merforbruk",
    "b": "driftsdelen i økonomiplanen er vedtatt med et merforbruk",
    "c": "merforbruk skal dekkes inn over flere enn to år etter at det oppsto",
    "d": "balanseregnskapet viser et oppsamlet merforbruk større enn tre prosent av driftsinntektene",
    "e": "økonomiplanen eller årsbudsjettet er ikke vedtatt innen fristen",
    "f": "årsregnskapet er ikke vedtatt innen fristen",
    "g": "departementet har fattet et vedtak etter inndelingslova § 16 a",
}


def hjemmel_text(letters: str) -> str:
    """"c og d" -> what those letters of kommuneloven § 28-1 mean ("" when none is given)."""
    return "; ".join(f"{x}) {HJEMLER[x]}" for x in re.findall(r"\b([a-g])\b", letters or ""))


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
    letters = next((fact[c] for c in ("flag", "hjemmel") if isinstance(fact.get(c), str)), "")
    return bool(float(fact["value"])), letters
