"""German number and date formatting with babel; never the process locale."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "de_DE"
NBSP = "\u00a0"
MAX_DECIMALS = 4  # more than a survey's precision, and the most a reader takes in


def _decimal(value: float) -> Decimal:
    # The shortest repr is the number the reader has in mind (0.575, not 0.57499999…).
    return Decimal(repr(float(value)))


def _format(value: Decimal, decimals: int) -> str:
    if not valid_decimals(decimals):
        raise ValueError(f"Nachkommastellen: erlaubt sind 0 bis {MAX_DECIMALS}, nicht {decimals!r}")
    # babel rounds half to even (0,125 -> 0,12); reports round half up as readers expect.
    rounded = value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded.is_zero():
        rounded = abs(rounded)  # never "-0"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def sentence(text: str) -> str:
    """A text as a sentence: a full stop added unless it already ends with one („Wie viele?“ stays as it is)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!", "…", ":")) else text + "."


def valid_decimals(decimals: object) -> bool:
    """Whether `decimals` is a whole number from 0 to MAX_DECIMALS."""
    return isinstance(decimals, int) and not isinstance(decimals, bool) and 0 <= decimals <= MAX_DECIMALS


def number(value: float, decimals: int = 0) -> str:
    """`4.125` -> `4,13` (decimals=2); `1234` -> `1.234`."""
    return _marked(value, _format(_decimal(value), decimals))


def integer_or_decimal(value: float, decimals: int = 2) -> str:
    """Whole numbers without decimals (a scale minimum `0`), others with `decimals`."""
    return number(value, 0 if float(value).is_integer() else decimals)


def percent(share: float, decimals: int = 0) -> str:
    """A share in 0..1 as percent with a no-break space: `0.84` -> `84 %`."""
    # Added, not formatted in: a marked-up value stays Markup, the sign outside its span.
    return percent_value(share, decimals) + f"{NBSP}%"


def percent_value(share: float, decimals: int = 1) -> str:
    """A share as a bare percent number for table cells: `0.52` -> `52,0`."""
    return _marked(share, _format(_decimal(share) * 100, decimals))


def _marked(value: object, text: str) -> str:
    """A number that says what it is (provenance.QuotedInt, QuotedFloat) comes back as `text` marked up with it."""
    mark: Callable[[str], str] | None = getattr(value, "mark", None)
    return text if mark is None else mark(text)


def month_year(date: datetime.date) -> str:
    """`2025-03-01` -> `März 2025`."""
    return format_date(date, format="MMMM y", locale=LOCALE)


def letters(index: int) -> str:
    """0 → a, 25 → z, 26 → aa: spreadsheet columns (in upper case) and year suffixes such as 2023a count so."""
    result = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        result = chr(ord("a") + rest) + result
    return result
