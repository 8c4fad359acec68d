"""Typed cells (XLSX numbers and dates, SPSS values) as the text a German user would type into a CSV file.

Every format reads to the same strings: a workbook's stored `4.0` and a CSV file's `4` are one answer.
"""

from __future__ import annotations

import datetime
import math
import numbers
from decimal import Decimal


def typed_text(value: object) -> str:
    """A typed cell (XLSX, SPSS) as a German user would type it into a CSV file, and as a CSV file gives it.

    Numbers without float noise: whole ones without „.0“ (`4`), others to Excel's 15 significant digits, as the
    shortest text that reads back as that number (`106.1`, never `106.10000000000001`; `0.3` for a computed
    `0.30000000000000004`; `0.00001`, never `1e-05`), with a decimal point (the survey reads `.` and `,`).
    Dates ISO (`2025-03-01`), with a time `2025-03-01 14:30` (seconds only when there are some), times `14:30`,
    durations `26:30` (hours:minutes). A truth value is `1` or `0` (TRUE is „ja“). Empty cells, NaN (SPSS'
    system-missing) and None are "". Texts are stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, numbers.Integral):  # numpy's integers too
        return str(int(value))
    if isinstance(value, numbers.Real):  # numpy's floats too
        return number_text(float(value))
    if isinstance(value, datetime.datetime):
        return _datetime_text(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return _clock_text(value.hour, value.minute, value.second + (value.microsecond >= 500_000))
    if isinstance(value, datetime.timedelta):
        return _duration_text(value)
    return str(value).strip()


def number_text(value: float) -> str:
    """A number as `typed_text` writes it; NaN is empty (a missing value), infinities `inf`/`-inf`."""
    if math.isnan(value):
        return ""
    if math.isinf(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    value = float(f"{value:.15g}")  # Excel's precision: a computed 0.30000000000000004 shows, and is, 0.3
    if value.is_integer():
        return str(int(value))
    text = repr(value)  # the shortest text that reads back as the same float
    return format(Decimal(text), "f") if "e" in text else text


def _datetime_text(value: datetime.datetime) -> str:
    if value.microsecond >= 500_000 and value < datetime.datetime.max - datetime.timedelta(seconds=1):
        value += datetime.timedelta(seconds=1)  # Excel's fractions of a day: 14:29:59.9999 is 14:30
    if (value.hour, value.minute, value.second) == (0, 0, 0):
        return value.date().isoformat()
    return f"{value.date().isoformat()} {_clock_text(value.hour, value.minute, value.second)}"


def _clock_text(hours: int, minutes: int, seconds: int) -> str:
    if seconds == 60:  # a time rounded up to the next minute
        minutes, seconds = minutes + 1, 0
    hours, minutes = hours + minutes // 60, minutes % 60
    return f"{hours:02d}:{minutes:02d}" + (f":{seconds:02d}" if seconds else "")


def _duration_text(value: datetime.timedelta) -> str:
    seconds = round(value.total_seconds())
    sign, seconds = ("-" if seconds < 0 else ""), abs(seconds)
    return sign + _clock_text(seconds // 3600, seconds % 3600 // 60, seconds % 60)
