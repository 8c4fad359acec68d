"""The fast CSV path (numpy for the records, pandas' C engine for the cells) reads exactly as the csv module does.

Where it does not understand a file as the csv module would, it must decline (None) and leave the file to the csv
module, whose messages name the row; where it reads one, every record, field count and cell must be the same.
"""

from __future__ import annotations

import csv
import io
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import study_rows, to_csv
from reportgen.csv_fast import fast_grid, has_control
from reportgen.csv_read import _parse_csv
from reportgen.errors import DataError, Location
from reportgen.limits import DEFAULTS, Limits
from reportgen.table_frame import Grid

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CSV_LIKE = st.text(alphabet='a ä1;,\t"\r\n', max_size=40)


def records(grid: Grid) -> list[tuple[int, int, list[str]]]:
    """(row, fields, cells) of every record."""
    return [
        (
            int(grid.numbers[index]),
            int(grid.fields[index]),
            [column.texts[column.codes[index]] for column in grid.columns],
        )
        for index in range(len(grid.numbers))
    ]


def slow_grid(text: str, delimiter: str, limits: Limits = DEFAULTS) -> Grid:
    return Grid.of(_parse_csv(text, delimiter, Location("data/r.csv"), limits))


@FUZZ
@given(text=CSV_LIKE, delimiter=st.sampled_from([";", ",", "\t"]))
def test_the_fast_path_reads_what_it_takes_as_the_csv_module_does(text: str, delimiter: str) -> None:
    fast = fast_grid(text.encode("utf-8"), delimiter, DEFAULTS)
    try:
        slow = slow_grid(text, delimiter)
    except DataError:
        assert fast is None  # a broken quote: the csv module tells the row
        return
    if fast is not None:
        assert records(fast) == records(slow)


CELLS = st.text(alphabet='a ä1;,\t"\r\n', max_size=6)


@FUZZ
@given(
    header=st.lists(st.text(alphabet="abc", min_size=1, max_size=3), min_size=1, max_size=4),
    rows=st.lists(st.lists(CELLS, max_size=5), max_size=8),
    delimiter=st.sampled_from([";", ",", "\t"]),
    line_end=st.sampled_from(["\n", "\r\n", "\r"]),
)
def test_files_as_spreadsheets_write_them_take_the_fast_path(
    header: list[str], rows: list[list[str]], delimiter: str, line_end: str
) -> None:
    """Any table the csv module writes (quoting what needs it, rows of any width, blank rows) is read fast."""
    stream = io.StringIO(newline="")
    csv.writer(stream, delimiter=delimiter, lineterminator=line_end).writerows([header, *rows])
    fast = fast_grid(stream.getvalue().encode("utf-8"), delimiter, DEFAULTS)
    assert fast is not None
    assert records(fast) == records(slow_grid(stream.getvalue(), delimiter))


@pytest.mark.parametrize(
    "text",
    [
        to_csv(study_rows(), ";", "\r\n", decimal_comma=True),
        to_csv(study_rows(), ",", "\r"),
        'id;frage\n"A";"mit ; und ""Zitat"""\n"B";"zwei\r\nZeilen"\n',
        "id;q\n\nA;1\n;\nB;2;;\n  C ; 3 \n",  # blank lines, a wider row with empty fields, spaces
        "id;q;r\nA;1\nB;2;3\n",  # a shorter row: the field counts tell it from empty fields
        "id;q\nA\nB;2;3\n",  # as many delimiters as if every row had two fields: pandas finds the wider one
    ],
)
def test_well_formed_files_take_the_fast_path(text: str) -> None:
    delimiter = ";" if ";" in text else ","
    fast = fast_grid(text.encode("utf-8"), delimiter, DEFAULTS)
    assert fast is not None
    assert records(fast) == records(slow_grid(text, delimiter))


@pytest.mark.parametrize(
    "text",
    [
        'id;q\nA;"offen\n',  # a quote never closed
        'id;q\nA;"zu"x\n',  # text after a closing quote
        'id;q\nA;5" Zoll\n',  # a quote inside an unquoted field: the csv module keeps it as text
        "id;q\nA;" + "x" * 200_000 + "\n",  # a field beyond the csv module's limit
    ],
)
def test_what_the_csv_module_reads_otherwise_is_left_to_it(text: str) -> None:
    assert fast_grid(text.encode("utf-8"), ";", DEFAULTS) is None


def test_rows_and_cells_beyond_the_limits_are_left_to_the_csv_module() -> None:
    data = b"id;q\nA;1\nB;2\n"
    assert fast_grid(data, ";", Limits(rows=3)) is not None
    assert fast_grid(data, ";", Limits(rows=2)) is None
    assert fast_grid(data, ";", Limits(cells=5)) is None
    # Blank lines count as rows, delimiters of an empty row as cells, as the csv module counts them.
    assert fast_grid(b"id;q\n" + b"\n" * 14, ";", Limits(rows=15)) is not None
    assert fast_grid(b"id;q\n" + b"\n" * 31, ";", Limits(rows=15)) is None
    assert fast_grid(b"id;q\n" + b";" * 50, ";", Limits(cells=40)) is None


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@FUZZ
@given(st.text(alphabet=st.characters(max_codepoint=0x3FF)))
def test_control_characters_are_found_in_utf8_as_in_the_text(text: str) -> None:
    assert has_control(text.encode("utf-8")) == (CONTROL.search(text) is not None)


def test_a_large_file_reads_in_columns_of_distinct_texts() -> None:
    rows = "".join(f"R{index};{index % 5 + 1}; ja \n" for index in range(10_000))
    grid = fast_grid(f"id;q;s\n{rows}".encode(), ";", DEFAULTS)
    assert grid is not None
    assert grid.columns[1].texts == ["q", "1", "2", "3", "4", "5"]
    assert grid.columns[2].texts == ["s", "ja"]
    assert np.array_equal(grid.fields, np.full(10_001, 3))
