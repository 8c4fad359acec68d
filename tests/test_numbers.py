"""Numbers as typed in German and English exports; the vectorised reader agrees with the one-cell reader."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reportgen.numbers import ENGLISH, GERMAN, read_number, read_numbers

# (cell, value under the German convention, value under the English one); None: not a number
CASES = [
    ("1250", 1250, 1250),
    ("1250,5", 1250.5, 1250.5),
    ("1.250,5", 1250.5, 1250.5),
    ("1250.5", 1250.5, 1250.5),
    ("1,250.5", 1250.5, 1250.5),
    ("1.250", 1250, 1.25),  # the ambiguous form: the convention decides
    ("1,250", 1.25, 1250),
    ("-1.250", -1250, -1.25),
    ("0,250", 0.25, 0.25),  # a leading 0 groups nothing
    ("12.50", 12.5, 12.5),  # two digits after the point: a decimal
    ("1.250.000", 1250000, 1250000),
    ("1,250,000", 1250000, 1250000),
    ("1 250", 1250, 1250),
    ("1\u00a0250,75", 1250.75, 1250.75),
    ("\u22123", -3, -3),
    ("+7", 7, 7),
    (",5", 0.5, 0.5),
    ("1.250 €", 1250, 1.25),  # the unit (here €) before or after the number
    ("€ 99", 99, 99),
    ("1.250.5", None, None),
    ("1,2,3", None, None),
    ("5.", None, None),
    ("1e3", None, None),
    ("nan", None, None),
    ("\u0663", None, None),  # an Arabic-Indic digit
    ("zwölf", None, None),
    ("", None, None),
]


@pytest.mark.parametrize(("cell", "german", "english"), CASES, ids=[case[0] or "empty" for case in CASES])
def test_cells(cell: str, german: float | None, english: float | None) -> None:
    reading = read_number(cell, "€")
    assert (reading.resolved(GERMAN), reading.resolved(ENGLISH)) == (german, english)
    readings = read_numbers([cell], "€")
    for convention, expected in ((GERMAN, german), (ENGLISH, english)):
        value = readings.resolved(convention)[0]
        assert math.isnan(value) if expected is None else value == expected, (convention, value)


def test_undecided_ambiguous_cells_stay_unread() -> None:
    assert read_number("1.250").resolved(None) is None
    assert math.isnan(read_numbers(["1.250"]).resolved(None)[0])


def test_decimal_commas_make_a_column_german() -> None:
    assert read_numbers(["2,5", "1.250"]).convention() == GERMAN
    assert read_numbers(["1.250.000", "1.250"]).convention() == GERMAN
    assert read_numbers(["2.5", "1.250"]).convention() is None  # a workbook writes stored numbers so
    assert read_numbers(["12", "1.250"]).convention() is None


def german(value: float, decimals: int, grouped: bool) -> str:
    """The number as a German writes it, built from Python's own formatting."""
    text = f"{value:,.{decimals}f}" if grouped else f"{value:.{decimals}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@settings(max_examples=300, deadline=None)
@given(
    whole=st.integers(-(10**9), 10**9),
    decimals=st.integers(0, 4),
    grouped=st.booleans(),
    english=st.booleans(),
)
def test_formatted_numbers_read_back(whole: int, decimals: int, grouped: bool, english: bool) -> None:
    value = whole / 10**decimals
    text = german(value, decimals, grouped)
    if english:
        text = text.replace(".", "_").replace(",", ".").replace("_", ",")
    convention = ENGLISH if english else GERMAN
    expected = float(f"{value:.{decimals}f}")
    assert read_number(text).resolved(convention) == expected
    assert read_numbers([text]).resolved(convention)[0] == expected


CELL_PIECES = st.sampled_from(["1", "2", "0", "9", "5", ".", ",", "-", "+", " ", "€", "e", "\u2212", "\u00a0", "x"])


@settings(max_examples=300, deadline=None)
@given(cells=st.lists(st.lists(CELL_PIECES, max_size=18).map("".join), max_size=30))
def test_vectorised_reader_agrees_with_the_one_cell_reader(cells: list[str]) -> None:
    readings = read_numbers(cells, "€")
    for index, cell in enumerate(cells):
        one = read_number(cell, "€")
        for convention in (GERMAN, ENGLISH, None):
            expected = one.resolved(convention)
            got = readings.resolved(convention)[index]
            assert math.isnan(got) if expected is None else got == expected, (cell, convention)
        assert bool(readings.ambiguous[index]) == one.ambiguous
        assert readings.decimal[index] == one.decimal
