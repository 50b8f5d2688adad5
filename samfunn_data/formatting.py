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
from decimal import ROUND_HALF_UP, Decimal

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


def round_half_up(value, decimals: int = 0) -> Decimal:
    """Round the way readers do (1 416,5 -> 1 417; 2,675 -> 2,68), not half-to-even as ``round()`` and
    ``format()`` do. The float's shortest repr is rounded, so 2.675 (stored as 2.67499…) counts as a half."""
    return Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def shown_sign(value, decimals: int = 1) -> int:
    """The sign of `value` as a reader sees it once rounded half up (``-0.04`` -> 0, ``0.05`` -> 1), so a
    direction word ("økte", "gikk ned") never contradicts the number printed beside it."""
    rounded = round_half_up(value, decimals)
    return (rounded > 0) - (rounded < 0)


def fmt_number(value, decimals: int = 0, signed: bool = False) -> str:
    """Format a number the Norwegian way: ``12345.6`` -> ``12 345,6`` (narrow no-break spaces).

    Halves round up (away from zero), as a reader rounds. ``signed`` puts ``+`` in front of positive
    numbers (for changes). Missing and infinite values give ``–``.
    """
    if _is_missing(value) or math.isinf(float(value)):
        return MISSING
    value = float(value)
    rounded = round_half_up(abs(value), decimals)
    text = f"{rounded:,.{decimals}f}"
    if rounded == 0:  # "-0,0" after rounding reads as a change: show plain 0
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


def number_axis(axis, decimals: int = 0, suffix: str = "", nbins="auto") -> None:
    """Ticks on a value axis at steps of 1, 2 or 5 times a power of ten, written the Norwegian way.

    Matplotlib's default may step by 2.5, which a whole-number label shows as 0, −2, −5, −8; with
    ``decimals=0`` the steps are also whole numbers. ``axis`` is e.g. ``ax.yaxis``.
    """
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(nbins=nbins, steps=[1, 2, 5, 10], integer=decimals == 0))
    axis.set_major_formatter(axis_formatter(decimals, suffix))


def plural(n: int, singular: str, plural_form: str) -> str:
    """``1 person`` / ``3 personer``: bokmål needs the count to pick the form."""
    return f"{fmt_int(n)} {singular if abs(int(n)) == 1 else plural_form}"
