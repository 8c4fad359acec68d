"""Numbers as people type them in German and English exports: `1250`, `1.250,5`, `1,250.5`, `1 250`, `−3`.

The one ambiguous form, a single separator followed by exactly three digits (`1.250`, `1,250`), is decided by the
file's convention (a `;`-delimited CSV is German: `1.250` is 1250; a `,`-delimited one English), else by the other
cells of the column (decimal commas make it German), else it is reported rather than guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

GERMAN, ENGLISH = "de", "en"
_SPACES = re.compile(r"(?<=\d)[ \u00a0\u202f\u2009'](?=\d{3}(?:\D|$))", re.ASCII)
_PLAIN = re.compile(r"[+-]?\d+", re.ASCII)
_ONE_SEPARATOR = re.compile(r"([+-]?)(\d*)([.,])(\d+)", re.ASCII)
_GROUPED = re.compile(r"([+-]?)([1-9]\d{0,2}([.,])\d{3}(?:\3\d{3})*)(?:([.,])(\d+))?", re.ASCII)
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})


@dataclass(frozen=True)
class Reading:
    """What a cell says: a value, or the two values an ambiguous `1.250` may mean, or nothing (not a number);
    `decimal` is the decimal separator the cell shows beyond doubt ("" when it shows none)."""

    value: float | None = None
    german: float | None = None
    english: float | None = None
    decimal: str = ""

    @property
    def ambiguous(self) -> bool:
        return self.value is None and self.german is not None

    def resolved(self, convention: str | None) -> float | None:
        """The value under a convention (GERMAN, ENGLISH or None for undecided)."""
        if not self.ambiguous:
            return self.value
        return {GERMAN: self.german, ENGLISH: self.english}.get(convention or "")


NOT_A_NUMBER = Reading()


def read_number(text: str, unit: str = "") -> Reading:
    """One trimmed cell, possibly with the question's unit before or after the number."""
    text = text.translate(_MINUS)
    if unit:
        text = text.removesuffix(unit).removeprefix(unit).strip()
    if _PLAIN.fullmatch(text):
        return Reading(float(text))
    text = _SPACES.sub("", text)
    if _PLAIN.fullmatch(text):
        return Reading(float(text))
    one = _ONE_SEPARATOR.fullmatch(text)
    if one:
        sign, whole, separator, fraction = one.groups()
        decimal = float(f"{sign}{whole or 0}.{fraction}")
        if len(fraction) == 3 and 1 <= len(whole) <= 3 and whole[0] != "0":
            grouped = float(f"{sign}{whole}{fraction}")
            return Reading(
                german=grouped if separator == "." else decimal, english=decimal if separator == "." else grouped
            )
        return Reading(decimal, decimal=separator)
    groups = _GROUPED.fullmatch(text)
    if groups:
        sign, digits, group, decimal_separator, fraction = groups.groups()
        if decimal_separator == group:
            return NOT_A_NUMBER
        number = f"{sign}{digits.replace(group, '')}" + (f".{fraction}" if fraction else "")
        return Reading(float(number), decimal="," if group == "." else ".")
    return NOT_A_NUMBER


@dataclass(frozen=True)
class Readings:
    """`read_number` for many cells at once, as arrays: `value` (NaN: not a number or ambiguous), the two values of
    ambiguous cells, and the decimal separator each cell shows ("" for none)."""

    value: np.ndarray
    ambiguous: np.ndarray
    german: np.ndarray
    english: np.ndarray
    decimal: np.ndarray

    def convention(self) -> str | None:
        """GERMAN when unambiguous cells show decimal commas (or dots grouping thousands). A decimal point proves
        nothing: a workbook's stored numbers are written `106.1` whoever typed them."""
        return GERMAN if bool((self.decimal == ",").any()) else None

    def resolved(self, convention: str | None) -> np.ndarray:
        """The values under a convention; ambiguous cells stay NaN without one."""
        import numpy as np

        choice = {GERMAN: self.german, ENGLISH: self.english}.get(convention or "")
        return self.value if choice is None else np.where(self.ambiguous, choice, self.value)


_SHORT = 24  # longer cells are no plain numbers: they take the slow path instead of widening the array
_DOT, _COMMA, _PLUS, _MINUS_SIGN, _ZERO, _NINE = (ord(char) for char in ".,+-09")
_MOST_DIGITS = 15  # an integer of 15 digits is exact in a float; longer numbers take the slow path


def read_numbers(texts: Sequence[str], unit: str = "") -> Readings:
    """`read_number` for many cells: plain forms (`1250`, `-3`, `12,5`, `1.250`) decided in numpy over the
    characters' code points, the rest (grouping, spaces, units, `−`, texts) cell by cell."""
    import numpy as np

    count = len(texts)
    readings = Readings(
        np.full(count, np.nan),
        np.zeros(count, bool),
        np.full(count, np.nan),
        np.full(count, np.nan),
        np.full(count, ""),
    )
    if max(map(len, texts), default=0) <= _SHORT:
        short = np.arange(count)
        plain = _plain(np.array(texts, dtype=str), readings, short) if count else np.zeros(0, dtype=bool)
    else:
        short = np.flatnonzero([len(text) <= _SHORT for text in texts])
        plain = np.zeros(count, dtype=bool)
        plain[short] = _plain(np.array([texts[index] for index in short.tolist()], dtype=str), readings, short)
    for index in np.flatnonzero(~plain).tolist():
        reading = read_number(texts[index], unit)
        readings.value[index] = np.nan if reading.value is None else reading.value
        if reading.ambiguous:
            readings.ambiguous[index] = True
            readings.german[index], readings.english[index] = reading.german, reading.english
        readings.decimal[index] = reading.decimal
    return readings


def _plain(texts: np.ndarray, readings: Readings, at: np.ndarray) -> np.ndarray:
    """Which of `texts` are plain numbers (a sign, up to 15 digits, at most one `.` or `,` with digits after it);
    their readings written into `readings` at the positions `at`.

    The digits make an integer (exact in a float below 2**53), divided by the power of ten of the digits after the
    separator: both exact, so the quotient is rounded once, to the same float `float("12.5")` gives."""
    import numpy as np

    points = texts.view(np.uint32).reshape(len(texts), -1)
    points = np.concatenate([points, np.zeros((len(texts), 1), np.uint32)], axis=1)  # a sign alone has a "digit"
    digit = (points >= _ZERO) & (points <= _NINE)
    separator = (points == _DOT) | (points == _COMMA)
    signed = (points[:, 0] == _PLUS) | (points[:, 0] == _MINUS_SIGN)
    other = (points != 0) & ~digit & ~separator
    other[:, 0] &= ~signed
    digits, separators = digit.sum(axis=1), separator.sum(axis=1)
    position = separator.argmax(axis=1)
    after = np.where(separators == 1, (points != 0).sum(axis=1) - position - 1, 0)
    plain: np.ndarray = ~other.any(axis=1) & (digits >= 1) & (digits <= _MOST_DIGITS)
    plain &= (separators == 0) | ((separators == 1) & (after >= 1))
    rows = np.arange(len(texts))
    mark = np.where(separators == 1, points[rows, position], 0)
    whole = position - signed
    first = points[rows, signed.astype(int)]
    ambiguous = plain & (separators == 1) & (after == 3) & (whole >= 1) & (whole <= 3) & (first != _ZERO)
    powers = 10.0 ** np.arange(_MOST_DIGITS + 1)
    rank = np.cumsum(digit[:, ::-1], axis=1)[:, ::-1] - 1  # the power of ten of each digit
    weight = np.where(digit, powers[np.clip(rank, 0, _MOST_DIGITS)], 0.0)
    sign = np.where(points[:, 0] == _MINUS_SIGN, -1.0, 1.0)
    integer = sign * (np.where(digit, points.astype(np.int64) - _ZERO, 0) * weight).sum(axis=1)
    value = integer / powers[np.clip(after, 0, _MOST_DIGITS)]
    target = at[plain]
    readings.value[target] = np.where(ambiguous, np.nan, value)[plain]
    readings.ambiguous[target] = ambiguous[plain]
    readings.german[target] = np.where(ambiguous & (mark == _DOT), integer, value)[plain]
    readings.english[target] = np.where(ambiguous & (mark == _COMMA), integer, value)[plain]
    shown = np.where(ambiguous | (separators == 0), "", np.where(mark == _COMMA, ",", "."))
    readings.decimal[target] = shown[plain]
    return plain
