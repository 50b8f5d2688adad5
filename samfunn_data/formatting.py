"""Norwegian number formatting for everything a reader sees: text, tables and chart axes.

Norwegian style (Språkrådet): a space groups thousands (``12 345``), a comma marks decimals (``4,1``),
a space goes before the percent sign (``4,1 %``) and a minus is a real minus sign (``−3``).
We group thousands with a NARROW NO-BREAK SPACE (U+202F) everywhere, so a number never breaks across
lines in HTML or Word and the grouping is the same in text, tables and charts (DejaVu Sans, matplotlib's
default font, has the glyph). Python's ``locale`` module is not used because it depends on which locales
the machine has installed and is process-global.
"""

from __future__ import annotations

import math

THOUSANDS_SEP = "\u202f"  # narrow no-break space
PERCENT_SEP = "\u00a0"  # no-break space between a number and "%"
MINUS = "\u2212"  # minus sign, not a hyphen
MISSING = "–"  # en dash: the value is not available


def _is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return True


def fmt_number(value, decimals: int = 0, signed: bool = False) -> str:
    """Format a number the Norwegian way: ``12345.6`` -> ``12 345,6`` (narrow no-break spaces).

    ``signed`` puts ``+`` in front of positive numbers (for changes). Missing values give ``–``.
    """
    if _is_missing(value):
        return MISSING
    value = float(value)
    text = f"{abs(value):,.{decimals}f}"
    if float(text.replace(",", "")) == 0:  # "-0,0" after rounding reads as a change: show plain 0
        value = 0.0
    text = text.replace(",", "\x00").replace(".", ",").replace("\x00", THOUSANDS_SEP)
    if value < 0:
        return MINUS + text
    if signed and value > 0:
        return "+" + text
    return text


def fmt_int(value, signed: bool = False) -> str:
    """A count of persons, households, kroner: ``1234`` -> ``1 234``."""
    return fmt_number(value, 0, signed=signed)


def fmt_pct(value, decimals: int = 1, signed: bool = False) -> str:
    """A percentage that is already in percent: ``4.06`` -> ``4,1 %``."""
    if _is_missing(value):
        return MISSING
    return fmt_number(value, decimals, signed=signed) + PERCENT_SEP + "%"


def fmt_kroner(value) -> str:
    """An amount in kroner: ``512300`` -> ``512 300 kr``."""
    if _is_missing(value):
        return MISSING
    return fmt_int(value) + PERCENT_SEP + "kr"


def fmt_value(value, unit: str | None, decimals: int | None = None) -> str:
    """Format a fact-base value by its catalogue unit ("personer", "prosent", "kroner", ...)."""
    if unit == "prosent":
        return fmt_pct(value, 1 if decimals is None else decimals)
    if unit == "kroner":
        return fmt_kroner(value)
    if decimals is None:
        decimals = 0 if unit in ("personer", "husholdninger", "år", "klasse") else 1
    return fmt_number(value, decimals)


def axis_formatter(decimals: int = 0, suffix: str = ""):
    """A matplotlib tick formatter writing ticks the Norwegian way (``12 345``, ``0,5``)."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda x, _pos: fmt_number(x, decimals) + suffix)


def plural(n: int, singular: str, plural_form: str) -> str:
    """``1 person`` / ``3 personer``: bokmål needs the count to pick the form."""
    return f"{fmt_int(n)} {singular if abs(int(n)) == 1 else plural_form}"
