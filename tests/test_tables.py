"""Reading responses tables: CSV as German Excel exports it, XLSX, rows numbered as a spreadsheet shows them.

Real-world variants of the study's responses (delimiter, encoding, BOM, line ends, Excel's "sep=" line,
XLSX) must read to exactly the same table; a broken file must end in a DataError naming the file and the
spreadsheet row, never in another exception. read_table gets bytes: reading the file is the caller's job.
"""

from __future__ import annotations

import builtins
import datetime
import itertools
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import UMLAUT_ANSWER, study_rows, to_csv, to_xlsx
from reportgen.cell_text import typed_text
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.tables import HEADER_ROW, column_letter, read_table

REPO = Path(__file__).resolve().parent.parent
NAME = "data/responses.csv"
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def problems(error: ReportError) -> list[ReportError]:
    return error.errors if isinstance(error, ReportErrors) else [error]


def read_error(data: bytes, name: str = NAME) -> str:
    """The message of the error reading `data` raises; every problem in it must be a DataError in the file."""
    with pytest.raises(ReportError) as caught:
        read_table(data, name)
    for problem in problems(caught.value):
        assert isinstance(problem, DataError), repr(problem)
        assert problem.location is not None and problem.location.file == name
    return str(caught.value)


@pytest.fixture(scope="module")
def plain() -> pd.DataFrame:
    """The study's responses as UTF-8, comma-separated, LF: what every variant must read to."""
    return read_table(to_csv(study_rows()).encode("utf-8"), NAME)


# Real-world CSV variants


ENCODINGS = {"utf-8": "utf-8", "utf-8-bom": "utf-8-sig", "cp1252": "cp1252", "utf-16-bom": "utf-16"}
LINE_ENDS = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}
DELIMITERS = {"semicolon": ";", "comma": ",", "tab": "\t"}
VARIANTS = [
    pytest.param(encoding, line_end, delimiter, decimal, id=f"{encoding}-{line_end}-{delimiter}-{decimal}")
    for encoding, line_end, delimiter, decimal in itertools.product(
        ENCODINGS, LINE_ENDS, DELIMITERS, ("decimal-comma", "integers")
    )
]


@pytest.mark.parametrize(("encoding", "line_end", "delimiter", "decimal"), VARIANTS)
def test_csv_variants_read_to_the_same_table(encoding: str, line_end: str, delimiter: str, decimal: str) -> None:
    comma = decimal == "decimal-comma"
    text = to_csv(study_rows(), DELIMITERS[delimiter], LINE_ENDS[line_end], comma)
    table = read_table(text.encode(ENCODINGS[encoding]), NAME)
    expected = read_table(to_csv(study_rows(), decimal_comma=comma).encode("utf-8"), NAME)
    pd.testing.assert_frame_equal(table, expected)
    assert table.attrs["header_row"] == HEADER_ROW
    assert UMLAUT_ANSWER in table["position_sonstiges"].tolist()


def test_cells_are_stripped_strings_indexed_by_spreadsheet_row(plain: pd.DataFrame) -> None:
    rows = study_rows()
    assert plain.columns.tolist() == rows[0]
    assert plain.index.tolist() == list(range(2, len(rows) + 1))
    assert plain.loc[2].tolist() == rows[1]
    table = read_table(b"id;q\n  A ; 1  \n", NAME)
    assert table.loc[2].tolist() == ["A", "1"]


def test_excel_sep_line_is_skipped_and_rows_counted_without_it(plain: pd.DataFrame) -> None:
    rows = study_rows()
    text = "sep=;\r\n" + to_csv(rows, ";", "\r\n")
    table = read_table(text.encode("cp1252"), NAME)
    pd.testing.assert_frame_equal(table, plain)
    assert table.loc[4].tolist() == rows[3]


def test_blank_rows_and_trailing_delimiters_are_ignored_but_rows_keep_their_numbers(plain: pd.DataFrame) -> None:
    rows = study_rows()
    padded = [[*row, "", ""] for row in rows]  # Excel's used range wider than the table
    text = to_csv(padded[:3], ";") + "\n;;;\n" + to_csv(padded[3:], ";") + ";;;;\n\n"
    table = read_table(text.encode("utf-8"), NAME)
    pd.testing.assert_frame_equal(table.reset_index(drop=True), plain.reset_index(drop=True))
    # rows 1-3, blank row 4, ";;;" row 5, then rows[3] is row 6
    assert table.index.tolist() == [2, 3, *range(6, len(rows) + 3)]
    assert table.loc[8].tolist() == rows[5]


def test_read_table_indexes_rows_as_a_spreadsheet_shows_them() -> None:
    table = read_table(b"\n\nid;q\n\nA;1\nB;2\n", "t.csv")
    assert table.attrs["header_row"] == 3
    assert table.index.tolist() == [5, 6]


def test_unnamed_empty_columns_are_dropped() -> None:
    table = read_table(b"id;;q;\nA;;1;\nB;;2\n", NAME)
    assert table.columns.tolist() == ["id", "q"]
    assert table.to_numpy().tolist() == [["A", "1"], ["B", "2"]]


@pytest.mark.parametrize("name", ["data/fehlt.csv", "data/fehlt.xlsx", "data"])
def test_read_table_takes_bytes_and_reads_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    """The caller reads the file once (and reports a missing one); here no name is ever opened."""

    def no_file_access(*args: object, **kwargs: object) -> bytes:
        raise OSError("read_table must not read files")

    data = to_xlsx([["id", "q"], ["A", 1]]) if name.endswith(".xlsx") else b"id;q\nA;1\n"
    (tmp_path / "data").mkdir()
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(Path, "read_bytes", no_file_access)
    monkeypatch.setattr(builtins, "open", no_file_access)
    table = read_table(data, name)
    assert table.loc[2].tolist() == ["A", "1"]


# XLSX


def _as_excel_value(cell: str, position: int) -> object:
    """Numbers as numbers (some as floats, as Excel stores them), empty cells as None."""
    if not cell:
        return None
    if cell.isdigit():
        return float(cell) if position % 2 else int(cell)
    return cell


def test_xlsx_written_with_openpyxl_reads_like_the_csv() -> None:
    rows = study_rows()
    rows[2][1] = "4,0"  # a number stored as text with a decimal comma stays as it is
    typed: list[list[object]] = [
        list(rows[0]),
        *([_as_excel_value(cell, i) for i, cell in enumerate(row)] for row in rows[1:]),
    ]
    table = read_table(to_xlsx(typed), "data/responses.xlsx")
    pd.testing.assert_frame_equal(table, read_table(to_csv(rows).encode("utf-8"), NAME))


def test_xlsx_dates_and_times_read_as_iso_text() -> None:
    day, noon = datetime.date(2025, 3, 31), datetime.time(12, 30)
    table = read_table(to_xlsx([["id", "tag", "zeit", "anzahl"], ["A", day, noon, 2.0]]), "data/responses.xlsm")
    assert table.loc[2].tolist() == ["A", "2025-03-31", "12:30", "2"]


# Typed cells read as a German user would type them, and as CSV gives them (issue 10): expected strings by hand.

TYPED_CELLS = [
    pytest.param(datetime.datetime(2025, 3, 1), "2025-03-01", id="date-at-midnight"),
    pytest.param(datetime.date(2025, 3, 1), "2025-03-01", id="date"),
    pytest.param(datetime.datetime(2025, 3, 1, 14, 30), "2025-03-01 14:30", id="datetime"),
    pytest.param(datetime.datetime(2025, 3, 1, 14, 30, 15), "2025-03-01 14:30:15", id="datetime-seconds"),
    pytest.param(datetime.time(9, 5), "09:05", id="time"),
    pytest.param(datetime.time(9, 5, 7), "09:05:07", id="time-seconds"),
    pytest.param(106.1, "106.1", id="decimal"),
    pytest.param(363.9, "363.9", id="decimal-2"),
    pytest.param(0.1 + 0.2, "0.3", id="float-noise-to-excels-15-digits"),
    pytest.param(2 / 3, "0.666666666666667", id="fraction-to-excels-15-digits"),
    pytest.param(4.0, "4", id="whole-float"),
    pytest.param(-9, "-9", id="negative-int"),
    pytest.param(1250.5, "1250.5", id="no-thousands-separator"),
    pytest.param(1e-05, "0.00001", id="small-no-exponent"),
    pytest.param(1.5e16, "15000000000000000", id="large-no-exponent"),
    pytest.param(True, "1", id="true"),
    pytest.param(False, "0", id="false"),
    pytest.param("  Stimme eher zu ", "Stimme eher zu", id="text-stripped"),
]


@pytest.mark.parametrize(("value", "expected"), TYPED_CELLS)
def test_typed_xlsx_cells_read_as_typed_text(value: object, expected: str) -> None:
    table = read_table(to_xlsx([["id", "wert"], ["A", value]]), "data/responses.xlsx")
    assert table.loc[2, "wert"] == expected


def test_typed_text_of_values_openpyxl_does_not_write() -> None:
    """Excel writes 17 digits into the file (106.10000000000001); it shows, and reportgen reads, 15."""
    assert typed_text(106.10000000000001) == "106.1"
    assert typed_text(0.30000000000000004) == "0.3"
    assert typed_text(2.9999999999999996) == "3"
    assert typed_text(float("nan")) == ""
    assert typed_text(None) == ""
    assert typed_text(datetime.timedelta(hours=26, minutes=30)) == "26:30"
    assert typed_text(datetime.datetime(2025, 3, 1, 14, 29, 59, 999_500)) == "2025-03-01 14:30"


def test_xlsx_numbers_and_dates_read_like_the_csv_a_german_user_types() -> None:
    typed = to_xlsx([["id", "umsatz", "datum"], ["A", 363.9, datetime.datetime(2025, 3, 1)], ["B", 1250, None]])
    csv_text = "id;umsatz;datum\nA;363.9;2025-03-01\nB;1250;\n"
    pd.testing.assert_frame_equal(read_table(typed, "data/r.xlsx"), read_table(csv_text.encode(), NAME))


@pytest.mark.parametrize(
    ("text", "delimiter"),
    [("id;q\nA;1,5\n", ";"), ("id,q\nA,1.5\n", ","), ("id\tq\nA\t1\n", "\t"), ("sep=;\nid;q\nA;1\n", ";")],
)
def test_read_table_tells_the_csv_delimiter(text: str, delimiter: str) -> None:
    assert read_table(text.encode(), NAME).attrs["delimiter"] == delimiter


def test_a_sheet_for_a_csv_file_is_an_error() -> None:
    with pytest.raises(DataError) as caught:
        read_table(b"id;q\nA;1\n", NAME, sheet="Daten")
    assert str(caught.value) == (
        "data/responses.csv: Eine CSV-Datei hat keine Tabellenblätter; [survey] sheet = „Daten“ gilt nur für "
        "XLSX-Arbeitsmappen. Entfernen Sie die Zeile sheet unter [survey] in report.toml."
    )


def test_csv_under_an_xlsx_name_says_so() -> None:
    message = read_error(b"id;strategie\nR1;4\n", "data/responses.xlsx")
    assert message.startswith("data/responses.xlsx: Die Datei ist keine XLSX-Arbeitsmappe.")


def test_broken_xlsx_is_a_data_error() -> None:
    truncated = to_xlsx([["id"], ["R1"]])[:300]
    message = read_error(truncated, "data/responses.xlsx")
    assert message.startswith("data/responses.xlsx: Die XLSX-Datei lässt sich nicht lesen (BadZipFile)")


def test_xlsx_under_a_csv_name_says_so() -> None:
    message = read_error(to_xlsx([["id"], ["R1"]]))
    assert message.startswith("data/responses.csv: Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber")
    assert "„responses.csv“" in message


# Broken tables: one DataError each, naming file and row


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"", "data/responses.csv: Die Datei ist leer.", id="empty"),
        pytest.param(b" \r\n;;;\r\n", "data/responses.csv: Die Datei ist leer.", id="only-blank-rows"),
        pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00", "Die Datei ist keine Textdatei", id="png"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "alten Excel-Format (.xls)", id="xls"),
        pytest.param(b"id;q\nA;1\x07\n", "data/responses.csv, Zeile 2: Die Datei ist keine Textdatei", id="bell"),
        pytest.param(
            b"id;q\nA;1;2\n", "data/responses.csv, Zeile 2: Die Zeile hat 3 Felder, die Kopfzeile 2", id="long"
        ),
        pytest.param(
            b"id;q;r\nA;1\n", "data/responses.csv, Zeile 2: Die Zeile hat 2 Felder, die Kopfzeile 3", id="short"
        ),
        pytest.param(b'id;q\nA;"1\nB;2\n', "data/responses.csv, Zeile 2: Ein Anführungszeichen", id="open-quote"),
        pytest.param(b'id;q\nA;"1"2\n', "Zeile 2: Nach einem schließenden Anführungszeichen", id="quote-then-text"),
        pytest.param(b"id;q;;r\nA;1;x;2\n", "Zeile 1: Spalte C enthält Werte, hat aber keinen Namen", id="unnamed"),
        pytest.param(
            b"id;q;q\nA;1;1\n", "Spalte „q“: Die Spalte steht doppelt in der Kopfzeile (Spalten B und C)", id="dup"
        ),
    ],
)
def test_bad_tables(data: bytes, expected: str) -> None:
    message = read_error(data)
    assert expected in message
    assert message.startswith("data/responses.csv")


def test_many_rows_of_the_wrong_width_are_summarised() -> None:
    with pytest.raises(ReportErrors) as caught:
        read_table(b"id;q\n" + b"A;1;2\n" * 12, NAME)
    messages = [str(problem) for problem in problems(caught.value)]
    assert len(messages) == 11
    assert messages[0].startswith("data/responses.csv, Zeile 2: Die Zeile hat 3 Felder, die Kopfzeile 2.")
    assert messages[-1] == "data/responses.csv: … ebenso die Zeilen 12, 13."
    assert all(isinstance(problem, DataError) for problem in problems(caught.value))


@pytest.mark.parametrize(("index", "letter"), [(0, "A"), (25, "Z"), (26, "AA"), (27, "AB"), (701, "ZZ"), (702, "AAA")])
def test_column_letters(index: int, letter: str) -> None:
    assert column_letter(index) == letter


# Property-based: random bytes give a table of strings or a DataError, nothing else


def read_or_error(data: bytes, name: str) -> pd.DataFrame | ReportError:
    """Only a table of strings or a DataError located in the file is acceptable."""
    try:
        table = read_table(data, name)
    except ReportError as error:
        for problem in problems(error):
            assert isinstance(problem, DataError), repr(problem)
            assert str(problem).startswith(name), str(problem)
        return error
    assert all(isinstance(cell, str) for cell in table.to_numpy().flat)
    assert all(row > table.attrs["header_row"] for row in table.index)
    return table


@FUZZ
@given(data=st.binary(max_size=3000))
def test_random_bytes(data: bytes) -> None:
    read_or_error(data, "data/random.csv")


@settings(max_examples=30, deadline=None)
@given(data=st.binary(max_size=500))
def test_random_bytes_as_xlsx(data: bytes) -> None:
    assert isinstance(read_or_error(data, "data/random.xlsx"), ReportError)


TINY_XLSX = to_xlsx([["id", "skala", "geschlecht", "freitext"], ["A", 1, "männlich", "x"], ["B", 4.0, 2, None]])


@settings(max_examples=60, deadline=None)
@given(cuts=st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), min_size=1, max_size=8))
def test_damaged_xlsx(cuts: list[tuple[int, int]]) -> None:
    data = bytearray(TINY_XLSX)
    for position, value in cuts:
        data[position % len(data)] = value
    read_or_error(bytes(data), "data/damaged.xlsx")


def test_tiny_xlsx_reads() -> None:
    table = read_or_error(TINY_XLSX, "data/tiny.xlsx")
    assert isinstance(table, pd.DataFrame)
    assert table.to_numpy().tolist() == [["A", "1", "männlich", "x"], ["B", "4", "2", ""]]
