"""The survey loader: responses checked against the codebook, every problem in every cell reported at once.

Reading the table is tested in test_tables.py; here the whole load, bytes in and Survey out: German Excel
exports and XLSX load to the study's frame, and bad inputs end in DataErrors naming the file, the spreadsheet
row and the column, never in another exception.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import STUDY_RESPONSES, UMLAUT_ANSWER, study_rows, to_csv, to_xlsx
from reportgen.codebook import Codebook, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.survey import Survey, load_survey, validate

REPO = Path(__file__).resolve().parent.parent
STUDY_CODEBOOK = REPO / "data" / "codebook.toml"
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def study_codebook() -> Codebook:
    return parse_codebook(STUDY_CODEBOOK.read_text(encoding="utf-8"), "data/codebook.toml")


def load(data: bytes | str, codebook: Codebook, name: str = "responses.csv") -> Survey:
    """Load the responses as the caller does: the file's bytes, read once, and its display name."""
    return load_survey(data.encode("utf-8") if isinstance(data, str) else data, f"data/{name}", codebook, "id")


def problems(error: ReportError) -> list[str]:
    return [str(item) for item in (error.errors if isinstance(error, ReportErrors) else [error])]


@pytest.fixture(scope="module")
def baseline(study_codebook: Codebook) -> pd.DataFrame:
    return load(to_csv(study_rows()), study_codebook).frame


# German Excel exports and XLSX load to the study's frame


def test_german_excel_export_cp1252_semicolon_crlf_decimal_comma(
    study_codebook: Codebook, baseline: pd.DataFrame
) -> None:
    text = to_csv(study_rows(), ";", "\r\n", decimal_comma=True)
    assert "4,0" in text and "\r\n" in text and "–" in text
    survey = load(text.encode("cp1252"), study_codebook)
    pd.testing.assert_frame_equal(survey.frame, baseline)
    assert UMLAUT_ANSWER in survey.frame["position_sonstiges"].tolist()


def test_utf8_bom_semicolon_crlf_decimal_comma(study_codebook: Codebook, baseline: pd.DataFrame) -> None:
    data = to_csv(study_rows(), ";", "\r\n", decimal_comma=True).encode("utf-8-sig")
    assert data.startswith(b"\xef\xbb\xbf")
    pd.testing.assert_frame_equal(load(data, study_codebook).frame, baseline)


def test_labels_are_accepted_for_codes_regardless_of_case_spaces_and_dashes(
    study_codebook: Codebook, baseline: pd.DataFrame
) -> None:
    rows = study_rows()
    header = rows[0]
    for row in rows[1:]:
        for column in ("position", "unternehmensalter", "geschlecht", "alter", "beschaeftigte"):
            cell = row[header.index(column)]
            if cell:
                label = study_codebook[column].label_of(int(cell))
                row[header.index(column)] = label.upper().replace("–", "-").replace(" ", "")
    assert any("1-5JAHRE" in row for row in rows)
    pd.testing.assert_frame_equal(load(to_csv(rows, ";"), study_codebook).frame, baseline)


def test_text_answers_are_stripped_strings_and_empty_cells_missing(study_codebook: Codebook) -> None:
    rows = study_rows()
    column = rows[0].index("position_sonstiges")
    rows[1][column] = "  Leitung  "
    frame = load(to_csv(rows), study_codebook).frame
    answers = frame["position_sonstiges"]
    assert answers.iloc[0] == "Leitung"
    assert answers.isna().sum() == sum(1 for row in rows[1:] if not row[column].strip())


def _excel_value(cell: str) -> object:
    """Numbers as numbers, empty cells as None, as Excel stores them."""
    return int(cell) if cell.isdigit() else cell or None


def test_xlsx_bad_cell_names_sheet_row_and_column(study_codebook: Codebook) -> None:
    rows = study_rows()
    typed: list[list[object]] = [list(rows[0]), *([_excel_value(cell) for cell in row] for row in rows[1:])]
    typed[9][rows[0].index("geschlecht")] = 3
    with pytest.raises(ReportError) as caught:
        load(to_xlsx(typed), study_codebook, "responses.xlsx")
    assert str(caught.value).startswith("data/responses.xlsx, Zeile 10, Spalte „geschlecht“: „3“ ist kein Code")


# Validation: every problem, in every column, at once


def test_validate_reports_every_cell_problem_across_columns(study_codebook: Codebook) -> None:
    rows = study_rows()
    header = rows[0]
    bad = {(2, "strategie"): "7", (5, "zukunft"): "viel", (9, "geschlecht"): "divers", (12, "alter"): "4,5"}
    for (row, column), value in bad.items():
        rows[row - 1][header.index(column)] = value
    with pytest.raises(ReportErrors) as caught:
        load(to_csv(rows, ";"), study_codebook)
    messages = problems(caught.value)
    assert [message.split(":")[0] for message in messages] == [
        f"data/responses.csv, Zeile {row}, Spalte „{column}“" for row, column in bad
    ]
    assert "„4,5“ ist kein Code dieser Frage" in messages[3]


def test_missing_column_is_reported_together_with_bad_cells(study_codebook: Codebook) -> None:
    rows = study_rows()
    header = rows[0]
    rows[3][header.index("strategie")] = "6"
    rows[7][header.index("umsetzung")] = "-1"
    drop = header.index("zukunft")
    rows = [row[:drop] + row[drop + 1 :] for row in rows]
    with pytest.raises(ReportErrors) as caught:
        load(to_csv(rows), study_codebook)
    messages = problems(caught.value)
    assert len(messages) == 3
    assert messages[0].startswith("data/responses.csv, Zeile 1: Die Spalte „zukunft“ aus dem Codebuch fehlt.")
    assert messages[1].startswith("data/responses.csv, Zeile 4, Spalte „strategie“: „6“ liegt außerhalb")
    assert messages[2].startswith("data/responses.csv, Zeile 8, Spalte „umsetzung“: „-1“ liegt außerhalb")


def test_many_bad_cells_in_one_column_are_summarised_with_their_rows(study_codebook: Codebook) -> None:
    rows = study_rows()
    column = rows[0].index("tagesgeschaeft")
    for row in rows[1:9]:
        row[column] = "9"
    with pytest.raises(ReportErrors) as caught:
        load(to_csv(rows), study_codebook)
    messages = problems(caught.value)
    assert len(messages) == 6
    assert messages[-1] == (
        "data/responses.csv, Spalte „tagesgeschaeft“: … und 3 weitere Probleme in dieser Spalte (Zeilen 7, 8, 9)."
    )


def test_missing_codes_count_as_missing() -> None:
    text = '[q]\nkind = "scale"\ntext = "Frage"\nscale = { min = 1, max = 3 }\nmissing = [-9, 99]\n'
    codebook = parse_codebook(text, "codebook.toml")
    frame = load("id;q\nA;1\nB;-9\nC;99\nD;3,0\nE;\n", codebook).frame
    assert frame["q"].tolist()[0] == 1.0 and frame["q"].tolist()[3] == 3.0
    assert [math.isnan(value) for value in frame["q"]] == [False, True, True, False, True]
    assert frame.index.tolist() == ["A", "B", "C", "D", "E"]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        pytest.param(b"id;q\r\n", "data/responses.csv: Die Datei enthält nur die Kopfzeile", id="header-only"),
        pytest.param(b"id;q\nA;1\nA;2\n", "Zeile 3, Spalte „id“: Die ID „A“ steht schon in Zeile 2.", id="dup-id"),
        pytest.param(b"id;q\nA;1\n;2\n", "Zeile 3, Spalte „id“: Die Befragten-ID fehlt.", id="no-id"),
        pytest.param(b"ID;q\nA;1\n", "Die Spalte „id“ mit den Befragten-IDs fehlt. Meinten Sie „ID“?", id="id-case"),
        pytest.param(b"id;q;x\nA;1;2\n", "Zeile 1, Spalte „x“: Die Spalte hat keinen Eintrag im Codebuch.", id="extra"),
        pytest.param(b"id;q\nA;1e0\n", "Zeile 2, Spalte „q“: „1e0“ ist keine Zahl.", id="exponent"),
        pytest.param(b"id;q\nA;2,5\n", "Zeile 2, Spalte „q“: „2,5“ ist keine ganze Zahl.", id="fraction"),
        pytest.param(b"id;q\nA;1;2\n", "Zeile 2: Die Zeile hat 3 Felder, die Kopfzeile 2", id="read-error"),
    ],
)
def test_bad_tables(data: bytes, expected: str) -> None:
    codebook = parse_codebook('[q]\nkind = "scale"\ntext = "Frage"\nscale = { min = 1, max = 3 }\n', "codebook.toml")
    with pytest.raises(ReportError) as caught:
        load(data, codebook)
    assert expected in str(caught.value)
    assert str(caught.value).startswith("data/responses.csv")
    items = caught.value.errors if isinstance(caught.value, ReportErrors) else [caught.value]
    assert all(isinstance(item, DataError) for item in items)


def test_load_survey_takes_bytes_and_reads_no_file(study_codebook: Codebook) -> None:
    """The caller reads the file once (and reports a missing one): the display name is only a name."""
    survey = load_survey(STUDY_RESPONSES.read_bytes(), "data/gibt-es-nicht.csv", study_codebook, "id")
    assert survey.respondents == 25 and survey.file == "data/gibt-es-nicht.csv"


def test_validate_accepts_a_frame_without_row_numbers(study_codebook: Codebook) -> None:
    rows = study_rows()
    rows[3][rows[0].index("alter")] = "7"
    table = pd.DataFrame(rows[1:], columns=rows[0], dtype=object)
    with pytest.raises(ReportError, match=r"^data/x.csv, Zeile 4, Spalte „alter“: „7“ ist kein Code"):
        validate(table, "data/x.csv", study_codebook, "id")


# Property-based: random CSV-like text and random tables give a Survey or DataErrors, nothing else


TINY_CODEBOOK = """
[skala]
kind = "scale"
text = "Skalenfrage"
scale = { min = 0, max = 5 }
missing = [-9]

[geschlecht]
kind = "categorical"
text = "Geschlecht"
categories = [{ code = 1, label = "männlich" }, { code = 2, label = "weiblich" }, { code = 3, label = "1–5 Jahre" }]

[freitext]
kind = "text"
text = "Anmerkungen"
"""
HEADER = ["id", "skala", "geschlecht", "freitext"]


@pytest.fixture(scope="module")
def tiny_codebook() -> Codebook:
    return parse_codebook(TINY_CODEBOOK, "data/codebook.toml")


def load_or_error(name: str, data: bytes, codebook: Codebook) -> Survey | ReportError:
    """Only a Survey or DataErrors with a location in the responses file are acceptable."""
    try:
        return load_survey(data, f"data/{name}", codebook, "id")
    except ReportError as error:
        for item in error.errors if isinstance(error, ReportErrors) else [error]:
            assert isinstance(item, DataError), repr(item)
            assert str(item).startswith(f"data/{name}"), str(item)
        return error


def test_tiny_xlsx_loads(tiny_codebook: Codebook) -> None:
    data = to_xlsx([HEADER, ["A", 1, "männlich", "x"], ["B", 4.0, 2, None]])
    result = load_or_error("tiny.xlsx", data, tiny_codebook)
    assert isinstance(result, Survey) and result.frame["skala"].tolist() == [1.0, 4.0]


CSV_ALPHABET = st.sampled_from([";", ",", "\t", '"', "\n", "\r\n", "\r", " ", "id", "skala", "geschlecht", "freitext",
                                "1", "4,0", "7", "-9", "x", "ä", "\ufeff", "sep=;", "männlich", "1-5 Jahre", "\x00"])  # fmt: skip


@FUZZ
@given(pieces=st.lists(CSV_ALPHABET, max_size=80), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_csv_like_text(tiny_codebook: Codebook, pieces: list[str], encoding: str) -> None:
    data = "".join(pieces).encode(encoding, errors="replace")
    load_or_error("csvlike.csv", data, tiny_codebook)


# Random tables: valid ones must load exactly, one bad cell must be named by row and column.

SAFE_TEXT = st.text(
    alphabet=st.characters(
        codec="utf-8", categories=["L", "N", "P", "S", "Zs"], exclude_characters="\u2028\u2029\x85\xa0"
    ),
    max_size=12,
)
GERMAN_TEXT = st.text(alphabet="abcXYZ äöüßÄÖÜ;,\"'\n-–.0123456789", max_size=12)


def valid_cell(column: str) -> st.SearchStrategy[tuple[str, object]]:
    """(what the spreadsheet holds, what the frame must hold)."""
    if column == "skala":
        number = st.integers(0, 5)
        return st.one_of(
            number.map(lambda n: (str(n), float(n))),
            number.map(lambda n: (f"{n},0", float(n))),
            st.just(("-9", math.nan)),
            st.just(("", math.nan)),
        )
    if column == "geschlecht":
        labels = {"männlich": 1.0, "WEIBLICH": 2.0, "1-5 Jahre": 3.0, " 1 – 5 jahre ": 3.0}
        return st.one_of(
            st.integers(1, 3).map(lambda n: (str(n), float(n))),
            st.sampled_from(sorted(labels.items())),
            st.just(("", math.nan)),
        )
    return st.one_of(SAFE_TEXT, GERMAN_TEXT).map(lambda text: (text, text.strip() or None))


@st.composite
def valid_tables(draw: st.DrawFn) -> tuple[list[list[str]], list[list[object]]]:
    count = draw(st.integers(1, 15))
    ids = draw(
        st.lists(st.from_regex(r"[A-Za-z0-9]{1,6}", fullmatch=True), min_size=count, max_size=count, unique=True)
    )
    rows, expected = [], []
    for respondent in ids:
        cells = [draw(valid_cell(column)) for column in HEADER[1:]]
        rows.append([respondent, *(cell for cell, _ in cells)])
        expected.append([respondent, *(value for _, value in cells)])
    return rows, expected


DIALECTS = st.tuples(
    st.sampled_from([";", ",", "\t"]),
    st.sampled_from(["\n", "\r\n"]),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]),
)


def encode_table(rows: list[list[str]], dialect: tuple[str, str, str]) -> bytes | None:
    """The table as a CSV file in this dialect, or None if the encoding cannot hold its text."""
    delimiter, line_end, encoding = dialect
    text = to_csv([HEADER, *rows], delimiter, line_end)
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        return None
    if encoding == "cp1252" and not data.isascii() and _is_utf8(data):
        return None  # such bytes are valid UTF-8 too ("Ã¤" is "ä"): no loader can tell
    return data


def _is_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


@FUZZ
@given(table=valid_tables(), dialect=DIALECTS)
def test_random_valid_tables_load_exactly(tiny_codebook: Codebook, table, dialect) -> None:
    rows, expected = table
    data = encode_table(rows, dialect) or encode_table(rows, (dialect[0], dialect[1], "utf-8"))
    assert data is not None
    result = load_or_error("valid.csv", data, tiny_codebook)
    assert isinstance(result, Survey), str(result)
    frame = result.frame
    assert frame.index.tolist() == [row[0] for row in expected]
    for position, column in enumerate(HEADER[1:], 1):
        got = frame[column].tolist()
        want = [row[position] for row in expected]
        if column == "freitext":
            assert [None if value is None or value != value else value for value in got] == want
        else:
            assert [None if math.isnan(v) else v for v in got] == [None if math.isnan(v) else v for v in want]


BAD_CELLS = {
    "skala": st.sampled_from(["6", "-1", "2,5", "viel", "1e3", "nan", "½"]),
    "geschlecht": st.sampled_from(["0", "4", "divers", "1,5", "männl."]),
}


@FUZZ
@given(
    table=valid_tables(),
    dialect=DIALECTS,
    column=st.sampled_from(sorted(BAD_CELLS)),
    data=st.data(),
)
def test_one_bad_cell_is_named_by_row_and_column(
    tiny_codebook: Codebook, table, dialect, column: str, data: st.DataObject
) -> None:
    rows, _ = table
    row = data.draw(st.integers(0, len(rows) - 1))
    rows[row][HEADER.index(column)] = data.draw(BAD_CELLS[column])
    encoded = encode_table(rows, dialect) or encode_table(rows, (dialect[0], dialect[1], "utf-8"))
    assert encoded is not None
    result = load_or_error("bad.csv", encoded, tiny_codebook)
    assert isinstance(result, ReportError)
    assert problems(result) == [problems(result)[0]]
    assert problems(result)[0].startswith(f"data/bad.csv, Zeile {row + 2}, Spalte „{column}“: ")
