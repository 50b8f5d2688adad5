"""Claims: every generated sentence as a record of the numbers and the verdict behind it.

A report (or the network overview) never writes a sentence from numbers directly: it makes a `Claim`,
and the sentence shown is `claim.text`. The claims are written beside the HTML as `<report>.claims.json`,
and each sentence's element carries `data-claim="<index>"`, so anyone can check a sentence against its
numbers, its comparator and the years of data it used.

Verdicts are the robustness rule's (`facts.robustness`) for comparisons between units, and the changes
rule's for one unit over time; the text must never say more than its verdict.

Conventions (used by `reports.findings` and `reports.planning`; follow them in new sections):

- a sentence that compares nothing (a level, a classification, a projection) has comparator None and
  verdict "unavailable": no test was made, so its words must not compare;
- comparator None with a test: ``comparator_value`` is what the value was tested against (0 for the
  sign of a net figure, the earlier value for a change over time);
- "too few" when the value rests on too few (the grade), whatever the difference: no comparison words;
- ``value`` and ``comparator_value`` are rounded as the text shows them (half up, `shown`);
  ``data_through`` never exceeds the report year (tests/test_claims_asof.py checks it for every real
  report 2020–2023, and tests/test_claims_audit.py checks every claim's numbers, verdict and words
  against the fact base);
- ``kommunenr`` is a municipality's code, a county/country code ("18", "50", "0"), or, in the network
  overview (`network.text`, `network.period_text`), a group key for a statement about a group as a
  whole: "deltakere" (the network's participants together), "sma_nl_tr" / "sma_norge" (the comparison
  groups); the overview writes ``reports/network/network_overview.claims.json``; figures computed there
  for one sentence name a derived id (`facts.indicators.DERIVED`) as their indicator;
- in HTML, render with `ClaimLog.html` inside a container carrying ``data-claims-section="<name>"``:
  every text inside such a container must belong to a claim (tests/test_claims.py scans rendered pages).
"""

from __future__ import annotations

import html
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from samfunn_data.facts import indicators
from samfunn_data.formatting import round_half_up

# Verdicts between units (the robustness rule's `differs`, plus the count grade).
HIGHER, LOWER, NO_CLEAR_DIFFERENCE = "higher", "lower", "no clear difference"
TOO_FEW, UNAVAILABLE = "too few", "unavailable"
# Verdicts for one unit over time.
INCREASE, DECREASE, NO_CLEAR_CHANGE = "increase", "decrease", "no clear change"
VERDICTS = (HIGHER, LOWER, NO_CLEAR_DIFFERENCE, TOO_FEW, UNAVAILABLE, INCREASE, DECREASE, NO_CLEAR_CHANGE)

# Comparators, as a reader would name them.
COUNTY = "fylke"
COUNTRY = "land"
SMALL_NL_TR = "små kommuner i Nordland og Trøndelag"
SMALL_NORWAY = "små kommuner i Norge"
NETWORK = "nettverket"
COMPARATORS = (COUNTY, COUNTRY, SMALL_NL_TR, SMALL_NORWAY, NETWORK)
GROUP_COMPARATORS = (SMALL_NL_TR, SMALL_NORWAY, NETWORK)


@dataclass(frozen=True)
class Claim:
    """One generated sentence and what it rests on.

    Parameters
    ----------
    section : where the sentence stands (e.g. "hovedtrekk", "endringer", "planstrategi", "okonomi").
    text : the sentence exactly as shown (plain text, not HTML).
    indicator : catalogue id of the value (e.g. "folkemengde", "endring_10ar_pst").
    kommunenr : the unit the sentence is about.
    year : reference year of `value` (the end year for a change).
    value : the value in the unit shown (12.9 for 12.9 %), or None when unavailable.
    comparator : one of `COMPARATORS`, or None when the sentence compares nothing.
    comparator_value : the comparator's value in the same unit, or None.
    comparator_n : how many municipalities a group comparator holds (None for county/country/none).
    verdict : one of `VERDICTS`.
    data_through : latest year of data that value, comparator and uncertainty estimate used.
    """

    section: str
    text: str
    indicator: str
    kommunenr: str
    year: int
    value: float | None
    comparator: str | None
    comparator_value: float | None
    comparator_n: int | None
    verdict: str
    data_through: int

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"unknown verdict {self.verdict!r}; one of {VERDICTS}")
        if self.comparator is not None and self.comparator not in COMPARATORS:
            raise ValueError(f"unknown comparator {self.comparator!r}; one of {COMPARATORS}")
        group = self.comparator in GROUP_COMPARATORS
        if group and self.comparator_value is not None and not self.comparator_n:
            raise ValueError(f"a group comparator ({self.comparator}) needs its n")

    def to_json(self) -> dict:
        return asdict(self)


def shown(indicator: str, value) -> float | None:
    """`value` rounded as the report shows it: half up (as `formatting` writes it) to the catalogue's
    decimals; None for a missing value."""
    if value is None or value != value:  # None or NaN
        return None
    ind = indicators.CATALOGUE.get(indicator)
    return float(value) if ind is None else float(round_half_up(value, ind.decimals))


class ClaimLog:
    """The claims of one document, in the order their sentences appear; renders each with its index."""

    def __init__(self) -> None:
        self.claims: list[Claim] = []

    def add(self, claim: Claim) -> int:
        self.claims.append(claim)
        return len(self.claims) - 1

    def html(self, claim: Claim, tag: str = "li", extra: str = "", bold: str = "", attrs: str = "") -> str:
        """The claim's sentence as an HTML element carrying `data-claim`.

        `bold` is a prefix of the text shown in <strong> (a bullet's lead-in; the element's text stays
        exactly `claim.text`); `attrs` are trusted extra attributes; `extra` is trusted HTML after it.
        """
        if bold and not claim.text.startswith(bold):
            raise ValueError(f"bold lead-in {bold!r} is not the start of the claim's text")
        index = self.add(claim)
        rest = claim.text[len(bold):]
        body = (f"<strong>{html.escape(bold)}</strong>" if bold else "") + html.escape(rest)
        space = f" {attrs}" if attrs else ""
        return f'<{tag}{space} data-claim="{index}">{body}{extra}</{tag}>'

    def write(self, path: str | Path) -> Path:
        """Write the claims as a JSON list (UTF-8, stable key order)."""
        path = Path(path)
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")  # unique per process: concurrent runs
        tmp.write_text(json.dumps([c.to_json() for c in self.claims], ensure_ascii=False, indent=1),
                       encoding="utf-8")
        tmp.replace(path)
        return path
