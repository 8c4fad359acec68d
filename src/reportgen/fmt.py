"""German number and date formatting with babel; never the process locale."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from babel.dates import format_date
from babel.numbers import format_decimal

LOCALE = "de_DE"
NBSP = "\u00a0"


def _round_half_up(value: float, decimals: int) -> Decimal:
    # babel rounds half to even (0,125 -> 0,12); reports round half up as readers expect.
    quantum = Decimal(1).scaleb(-decimals)
    return Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP)


def number(value: float, decimals: int = 0) -> str:
    """`4.125` -> `4,13` (decimals=2); `1234` -> `1.234`."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(_round_half_up(value, decimals), format=pattern, locale=LOCALE)


def integer_or_decimal(value: float, decimals: int = 2) -> str:
    """Whole numbers without decimals (a scale minimum `0`), others with `decimals`."""
    return number(value, 0 if float(value).is_integer() else decimals)


def percent(share: float, decimals: int = 0) -> str:
    """A share in 0..1 as percent with a no-break space: `0.84` -> `84 %`."""
    return f"{number(share * 100, decimals)}{NBSP}%"


def percent_value(share: float, decimals: int = 1) -> str:
    """A share as a bare percent number for table cells: `0.52` -> `52,0`."""
    return number(share * 100, decimals)


def month_year(date: datetime.date) -> str:
    """`2025-03-01` -> `März 2025`."""
    return format_date(date, format="MMMM y", locale=LOCALE)
