"""German number and date formatting: decimal comma, half-up rounding, no-break space before %."""

from __future__ import annotations

import datetime

import pytest

from reportgen import fmt

NBSP = "\u00a0"


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (4.44, 2, "4,44"),
        (4.12, 2, "4,12"),
        (0, 0, "0"),
        (25, 0, "25"),
        (1.5, 1, "1,5"),
        (2, 2, "2,00"),  # fixed number of decimals
        (1234, 0, "1.234"),  # thousands separator
        (1234567.891, 2, "1.234.567,89"),
        (999.995, 2, "1.000,00"),  # rounding carries into the thousands
    ],
)
def test_number_decimal_comma_and_thousands(value: float, decimals: int, expected: str) -> None:
    assert fmt.number(value, decimals) == expected


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0.125, 2, "0,13"),  # babel alone would give 0,12 (half to even)
        (4.125, 2, "4,13"),
        (0.5, 0, "1"),
        (2.5, 0, "3"),  # half to even would give 2
        (3.5, 0, "4"),
        (1.005, 2, "1,01"),  # the binary double is 1.00499…, the written number is 1.005
        (1.3333, 2, "1,33"),
        (1.4166, 2, "1,42"),
    ],
)
def test_number_rounds_half_up(value: float, decimals: int, expected: str) -> None:
    assert fmt.number(value, decimals) == expected


def test_percent_has_no_break_space_and_rounds_half_up() -> None:
    assert fmt.percent(21 / 25) == f"84{NBSP}%"
    assert fmt.percent(21 / 24) == f"88{NBSP}%"  # 87,5 % rounds up, never 87 %
    assert fmt.percent(1 / 8, 1) == f"12,5{NBSP}%"
    assert fmt.percent(1 / 3, 1) == f"33,3{NBSP}%"
    assert fmt.percent(0) == f"0{NBSP}%"
    assert fmt.percent(1) == f"100{NBSP}%"
    assert " %" not in fmt.percent(21 / 25)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (23, 40, "58"),  # 23/40 = 57,5 % → half up 58 %
        (57, 200, "29"),  # 57/200 = 28,5 % → 29 %
        (29, 200, "15"),  # 29/200 = 14,5 % → 15 %
    ],
)
def test_percent_rounds_exact_halves_up(numerator: int, denominator: int, expected: str) -> None:
    assert fmt.percent(numerator / denominator) == f"{expected}{NBSP}%"


def test_percent_value_rounds_exact_halves_up() -> None:
    assert fmt.percent_value(23 / 80) == "28,8"  # 23/80 = 28,75 % → one decimal, half up: 28,8


def test_percent_value_is_a_bare_number() -> None:
    assert fmt.percent_value(0.52) == "52,0"
    assert fmt.percent_value(1 / 3) == "33,3"
    assert fmt.percent_value(2 / 3) == "66,7"
    assert fmt.percent_value(1) == "100,0"
    assert fmt.percent_value(0) == "0,0"
    assert fmt.percent_value(1 / 8, 2) == "12,50"


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.0, "0"), (5.0, "5"), (1, "1"), (4.125, "4,13"), (2.5, "2,50")],
)
def test_integer_or_decimal(value: float, expected: str) -> None:
    assert fmt.integer_or_decimal(value) == expected


def test_number_has_no_negative_zero() -> None:
    assert fmt.number(-0.4) == "0"


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        (datetime.date(2025, 3, 31), "März 2025"),
        (datetime.date(2025, 1, 1), "Januar 2025"),
        (datetime.date(2023, 12, 5), "Dezember 2023"),
        (datetime.date(2024, 2, 29), "Februar 2024"),
    ],
)
def test_month_year_in_german(date: datetime.date, expected: str) -> None:
    assert fmt.month_year(date) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wie viele Beschäftigte hat Ihr Unternehmen?", "Wie viele Beschäftigte hat Ihr Unternehmen?"),
        ("Strategische Bedeutung", "Strategische Bedeutung."),
        ("Das ist so.", "Das ist so."),
        ("Achtung! ", "Achtung!"),
        ("Und so weiter …", "Und so weiter …"),
    ],
)
def test_sentence_adds_a_full_stop_only_where_none_is(text: str, expected: str) -> None:
    assert fmt.sentence(text) == expected
