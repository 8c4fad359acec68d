"""Hostile and broken responses files (issue 8): each ends in one clear DataError, or reads to the right table.

The files are built here: openpyxl writes the workbooks, zipfile edits their parts (a stray cell far away, a
zip bomb, lying sizes, formulas with and without stored results, no worksheet). Limits are passed small where
a default-sized case would make the test slow; the defaults are the same code with larger numbers.
"""

from __future__ import annotations

import csv
import io
import re
import struct
import time
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.styles import Font

from reportgen.codebook import Codebook, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.limits import DEFAULTS, Limits
from reportgen.survey import load_survey
from reportgen.tables import header_name, read_table

REPO = Path(__file__).resolve().parent.parent
NAME = "data/responses.xlsx"
SHEET = "xl/worksheets/sheet1.xml"
RESAVE = (
    "Öffnen Sie die Arbeitsmappe in Excel oder LibreOffice und speichern Sie sie, damit die Ergebnisse gespeichert "
    "werden (openpyxl und pandas schreiben Formeln ohne Ergebnis)."
)


def to_xlsx(rows: Sequence[Sequence[object]], edit: Callable[[openpyxl.Workbook], None] | None = None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    if edit:
        edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def edit_part(data: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with one part's XML changed, everything else as it was."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            target.writestr(info.filename, change(content) if info.filename == part else content)
    return buffer.getvalue()


def error_of(data: bytes, name: str = NAME, limits: Limits = DEFAULTS, sheet: str | None = None) -> ReportError:
    """The error reading `data` raises; every problem in it is a DataError located in the file."""
    with pytest.raises(ReportError) as caught:
        read_table(data, name, limits, sheet=sheet)
    for problem in problems(caught.value):
        assert isinstance(problem, DataError), repr(problem)
        assert problem.location is not None and problem.location.file == name
    return caught.value


def problems(error: ReportError) -> list[ReportError]:
    return error.errors if isinstance(error, ReportErrors) else [error]


TABLE = [["id", "q"], ["A", 1], ["B", 2]]


# 1. A stray cell far away: an error naming the cell, or ignored if empty; never 16k x 1M cells


def stray(ws_edit: Callable[[openpyxl.Workbook], None]) -> bytes:
    data = to_xlsx(TABLE, ws_edit)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'<dimension ref="A1:XFD1048576"' in archive.read(SHEET)  # what openpyxl's own rows would pad to
    return data


def test_stray_value_at_xfd1048576_is_named() -> None:
    def far_value(workbook: openpyxl.Workbook) -> None:
        workbook.worksheets[0]["XFD1048576"] = "x"

    started = time.monotonic()
    error = error_of(stray(far_value))
    assert time.monotonic() - started < 10
    assert str(error) == (
        "data/responses.xlsx, Zeile 1048576: Zelle XFD1048576 liegt weit außerhalb der Tabelle (gelesen werden "
        "höchstens 1.000.000 Zeilen und 2.000 Spalten). Löschen Sie den Inhalt dieser Zelle (oft ein versehentlicher "
        "Eintrag) und speichern Sie die Datei erneut; gehört sie zur Tabelle, erhöhen Sie [limits] rows und "
        "[limits] columns in report.toml."
    )


def test_stray_empty_formatted_cell_is_ignored() -> None:
    def far_format(workbook: openpyxl.Workbook) -> None:
        workbook.worksheets[0]["XFD1048576"].font = Font(bold=True)

    data = stray(far_format)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'<c r="XFD1048576" s="1"' in archive.read(SHEET)
    table = read_table(data, NAME)
    assert table.to_numpy().tolist() == [["A", "1"], ["B", "2"]]


def test_lying_dimension_and_many_empty_rows_read_only_what_is_there() -> None:
    def lie(xml: bytes) -> bytes:
        rows = b"".join(b'<row r="%d"><c r="ZZ%d" s="0"/></row>' % (row, row) for row in range(10, 20_000))
        xml = re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', xml)
        return xml.replace(b"</sheetData>", rows + b"</sheetData>")

    table = read_table(edit_part(to_xlsx(TABLE), SHEET, lie), NAME)
    assert table.to_numpy().tolist() == [["A", "1"], ["B", "2"]]


def test_value_beyond_the_column_limit_in_a_near_row() -> None:
    data = to_xlsx([["id", "q"], ["A", 1]], lambda workbook: workbook.worksheets[0].cell(2, 2001, "x"))
    message = str(error_of(data))
    assert message.startswith("data/responses.xlsx, Zeile 2: Zelle BXY2 liegt weit außerhalb der Tabelle")


def test_too_many_cells_stop_the_reading() -> None:
    rows = [["id", "q"], *(["R", row] for row in range(20))]
    assert str(error_of(to_xlsx(rows), limits=Limits(cells=30))) == (
        "data/responses.xlsx, Zeile 16: Die Tabelle hat mehr als 30 Zellen. Speichern Sie nur die Antworten, eine "
        "Zeile je Befragte(r) und eine Spalte je Frage, in einer eigenen Datei, oder erhöhen Sie [limits] cells in "
        "report.toml."
    )


def test_too_many_csv_fields_stop_the_reading() -> None:
    message = str(error_of(b"id;q\n" + b"R;1\n" * 20, "data/responses.csv", Limits(cells=30)))
    assert message.startswith("data/responses.csv, Zeile 16: Die Tabelle hat mehr als 30 Zellen")
    message = str(error_of(b"id;q\n" + b"R;1\n" * 20, "data/responses.csv", Limits(rows=5)))
    assert message.startswith("data/responses.csv, Zeile 6: Die Tabelle hat mehr als 5 Zeilen.")


# 2. Zip bombs: the declared unpacked size is checked before anything is decompressed


def bomb(unpacked: int) -> bytes:
    """A valid workbook plus one part of zeros: a few KB that expand to `unpacked` bytes."""
    buffer = io.BytesIO(to_xlsx(TABLE))
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("xl/media/padding.bin", bytes(unpacked))
    return buffer.getvalue()


def test_zip_bomb_is_refused_before_unpacking() -> None:
    data = bomb(4_500_000)
    assert len(data) < 50_000
    assert str(error_of(data, limits=Limits(xlsx_unpacked_mb=2))) == (
        "data/responses.xlsx: Die XLSX-Datei ist entpackt zu groß (5 MB, höchstens 2 MB). Kopieren Sie nur die "
        "Antworten in eine neue Arbeitsmappe und speichern Sie diese; eine so stark gepackte Datei kann auch "
        "beschädigt oder manipuliert sein. Ist sie in Ordnung, erhöhen Sie [limits] xlsx_unpacked_mb in report.toml."
    )
    assert read_table(data, NAME, Limits(xlsx_unpacked_mb=6)).to_numpy().tolist() == [["A", "1"], ["B", "2"]]


def test_default_unpacked_limit_is_generous() -> None:
    assert DEFAULTS.xlsx_unpacked_bytes == 200_000_000 and DEFAULTS.data_bytes == 200_000_000
    assert DEFAULTS.rows == 1_000_000 and DEFAULTS.columns == 2_000


def test_zip_that_understates_its_sizes_is_broken_not_unpacked() -> None:
    """zipfile stops at the size the directory declares, so a lie ends in an error, not in a flood."""
    data = bytearray(edit_part(to_xlsx(TABLE), SHEET, lambda xml: xml + b" " * 5_000_000))
    entry = data.index(b"PK\x01\x02")  # the central directory's first entry
    while data[entry + 46 : entry + 46 + len(SHEET)] != SHEET.encode():
        entry = data.index(b"PK\x01\x02", entry + 1)
    struct.pack_into("<I", data, entry + 24, 1000)  # the sheet's unpacked size, as the directory claims it
    message = str(error_of(bytes(data), limits=Limits(xlsx_unpacked_mb=2)))
    assert message.startswith("data/responses.xlsx: Die XLSX-Datei lässt sich nicht lesen (")


def test_xml_entity_bomb_is_refused_by_the_parser() -> None:
    """expat refuses entities that expand a billionfold; openpyxl's XML goes through it."""
    entities = b"".join(
        b'<!ENTITY a%d "%s">' % (level, (b"&a%d;" % (level - 1) if level else b"lol") * 10) for level in range(10)
    )

    def laughs(xml: bytes) -> bytes:
        return b"<!DOCTYPE worksheet [" + entities + b"]>" + xml.replace(b"<t>id</t>", b"<t>&a9;</t>")

    data = edit_part(to_xlsx(TABLE), SHEET, laughs)
    assert str(error_of(data)).startswith("data/responses.xlsx: Die XLSX-Datei lässt sich nicht lesen (ParseError).")


# 3. Formulas: without stored results an error naming the cells; stored results are the values


def test_one_formula_without_result() -> None:
    data = to_xlsx([["id", "q"], ["A", "=1+1"], ["B", 2]])
    assert str(error_of(data)) == (
        "data/responses.xlsx, Zeile 2: Die Formelzelle B2 hat kein gespeichertes Ergebnis und würde als leer "
        f"gelesen. {RESAVE}"
    )


def test_many_formulas_without_results_are_listed_and_counted() -> None:
    rows = [["id", "q", "r"], *([f"R{row}", f"=B{row - 1}", f"=C{row - 1}+1"] for row in range(2, 6))]
    assert str(error_of(to_xlsx(rows))) == (
        "data/responses.xlsx, Zeile 2: 8 Formelzellen haben kein gespeichertes Ergebnis und würden als leer gelesen: "
        f"B2, C2, B3, C3, B4 und 3 weitere. {RESAVE}"
    )


def test_pandas_written_formula_is_refused() -> None:
    buffer = io.BytesIO()
    pd.DataFrame({"id": ["A", "B"], "q": ["=1+2", 3]}).to_excel(buffer, index=False)
    assert "Die Formelzelle B2 hat kein gespeichertes Ergebnis" in str(error_of(buffer.getvalue()))


def with_results(xml: bytes) -> bytes:
    """What Excel and LibreOffice store: each formula with its result (here: numbers, and an empty text)."""
    # openpyxl writes an empty result as <v/> or, with lxml installed, as <v></v>.
    xml = re.sub(rb"<f>B(\d+)\+0</f><v\s*(?:/>|></v>)", rb"<f>B\1+0</f><v>4</v>", xml)
    return re.sub(rb'<c r="(C\d+)"><f>([^<]*)</f><v\s*(?:/>|></v>)', rb'<c r="\1" t="str"><f>\2</f><v></v>', xml)


def test_stored_formula_results_are_the_values() -> None:
    data = to_xlsx([["id", "q", "r"], ["A", "=B2+0", '=""'], ["B", 2, None]])
    assert "Formelzelle" in str(error_of(data))
    table = read_table(edit_part(data, SHEET, with_results), NAME)
    assert table.to_numpy().tolist() == [["A", "4", ""], ["B", "2", ""]]


@pytest.fixture(scope="module")
def study_codebook() -> Codebook:
    return parse_codebook((REPO / "data" / "codebook.toml").read_text(encoding="utf-8"), "data/codebook.toml")


def study_rows() -> list[list[object]]:
    text = (REPO / "data" / "responses.csv").read_text(encoding="utf-8")
    return [[int(cell) if cell.isdigit() else cell or None for cell in row] for row in csv.reader(io.StringIO(text))]


def test_study_with_five_formula_cells_is_refused_not_miscounted(study_codebook: Codebook) -> None:
    """The issue's case: five uncached formulas turned Gültig 25 / Fehlend 0 into 20 / 5, with exit 0."""
    rows = study_rows()
    column = rows[0].index("strategie")
    for row in rows[1:6]:
        row[column] = f"={row[column]}+0"
    data = to_xlsx(rows)
    with pytest.raises(DataError) as caught:
        load_survey(data, NAME, study_codebook, "id")
    assert str(caught.value).startswith(
        "data/responses.xlsx, Zeile 2: 5 Formelzellen haben kein gespeichertes Ergebnis und würden als leer gelesen: "
        "B2, B3, B4, B5, B6."
    )
    cached = edit_part(
        data, SHEET, lambda xml: re.sub(rb"<f>(\d)\+0</f><v\s*(?:/>|></v>)", rb"<f>\1+0</f><v>\1</v>", xml)
    )
    from_csv = load_survey((REPO / "data" / "responses.csv").read_bytes(), "data/responses.csv", study_codebook, "id")
    pd.testing.assert_frame_equal(load_survey(cached, NAME, study_codebook, "id").frame, from_csv.frame)


# 4. Sheets: the one named in [survey] sheet, else the first with a header row; a workbook without one is an error


def test_first_worksheet_is_read() -> None:
    def more_sheets(workbook: openpyxl.Workbook) -> None:
        workbook.create_sheet("Auswertung").append(["x", "y"])
        workbook.move_sheet("Auswertung", offset=1)

    table = read_table(to_xlsx(TABLE, more_sheets), NAME)
    assert table.columns.tolist() == ["id", "q"]
    assert table.attrs["sheet"] == "Sheet"


def info_sheet_first(workbook: openpyxl.Workbook) -> None:
    """What survey tools export: a sheet about the export before the data, a summary after them."""
    workbook.worksheets[0].title = "Daten"
    info = workbook.create_sheet("Info", 0)
    for row in (["Kundenbefragung 2025 – Export"], [], ["Exportiert am", "01.03.2025"], ["Fälle", 2]):
        info.append(row)
    workbook.create_sheet("Auswertung").append(["Mittelwert", 1.5])


def test_an_information_sheet_before_the_data_is_passed_over() -> None:
    """Issue 10: only the first sheet was read, and an info sheet first gave a misleading „nur die Kopfzeile“."""
    table = read_table(to_xlsx(TABLE, info_sheet_first), NAME)
    assert table.to_numpy().tolist() == [["A", "1"], ["B", "2"]]
    assert table.attrs["sheet"] == "Daten"


@pytest.mark.parametrize("name", ["Auswertung", "auswertung", " AUSWERTUNG "])
def test_the_sheet_named_in_the_settings_is_read(name: str) -> None:
    table = read_table(to_xlsx(TABLE, info_sheet_first), NAME, sheet=name)
    assert table.columns.tolist() == ["Mittelwert", "1.5"]
    assert table.empty
    assert table.attrs["sheet"] == "Auswertung"


def test_a_sheet_that_does_not_exist_names_the_sheets() -> None:
    assert str(error_of(to_xlsx(TABLE, info_sheet_first), sheet="Date")) == (
        "data/responses.xlsx: Die Arbeitsmappe hat kein Tabellenblatt „Date“ ([survey] sheet in report.toml). "
        "Meinten Sie „Daten“? Ihre Tabellenblätter: „Info“, „Daten“, „Auswertung“."
    )


def test_without_a_sheet_with_a_header_row_the_first_is_read() -> None:
    def only_titles(workbook: openpyxl.Workbook) -> None:
        workbook.worksheets[0].delete_rows(1, 3)
        workbook.worksheets[0].append(["Nur ein Titel"])
        workbook.create_sheet("Leer")

    table = read_table(to_xlsx([], only_titles), NAME)
    assert (table.columns.tolist(), table.empty, table.attrs["sheet"]) == (["Nur ein Titel"], True, "Sheet")


def test_a_header_row_of_numbers_only_is_no_header_row() -> None:
    def numbers_first(workbook: openpyxl.Workbook) -> None:
        workbook.create_sheet("Zahlen", 0).append([1, 2, 3])
        workbook.worksheets[0].append([4, 5, 6])

    assert read_table(to_xlsx(TABLE, numbers_first), NAME).attrs["sheet"] == "Sheet"


def test_sheets_passed_over_are_read_only_at_the_top() -> None:
    """A large sheet before the data costs its first rows only; the data sheet's own limits still apply."""

    def large_info(workbook: openpyxl.Workbook) -> None:
        info = workbook.create_sheet("Info", 0)
        info.append(["Titel"])
        for row in range(50):
            info.append(["x", row])

    table = read_table(to_xlsx(TABLE, large_info), NAME, Limits(cells=20))
    assert table.attrs["sheet"] == "Sheet"


def test_workbook_without_worksheet() -> None:
    def no_sheets(xml: bytes) -> bytes:
        return re.sub(rb"<sheets>.*</sheets>", b"<sheets></sheets>", xml)

    data = edit_part(to_xlsx(TABLE), "xl/workbook.xml", no_sheets)
    assert str(error_of(data)) == (
        "data/responses.xlsx: Die Arbeitsmappe enthält kein Tabellenblatt. Legen Sie die Antworten auf das erste "
        "Tabellenblatt und speichern Sie die Datei erneut."
    )


# 5. The size of the file


@pytest.mark.parametrize(("name", "data"), [("data/responses.csv", b"id;q\nA;1\n"), (NAME, to_xlsx(TABLE))])
def test_file_too_large(name: str, data: bytes) -> None:
    assert len(data) < 1_000_000
    shown = f"0,{len(data):06d}"  # bytes in MB, to the millionth the limit is given in
    assert str(error_of(data, name, Limits(data_mb=0.000005))) == (
        f"{name}: Die Datei ist zu groß ({shown} MB, höchstens 0,000005 MB). Prüfen Sie, ob es die richtige Datei "
        "ist; teilen Sie sie sonst auf oder erhöhen Sie [limits] data_mb in report.toml."
    )
    assert not read_table(data, name, Limits(data_mb=len(data) / 1_000_000)).empty


# 6. Names that look alike: invisible characters and normalisation do not count, other differences are shown


@pytest.mark.parametrize(
    ("written", "read"),
    [
        ("\ufeffid", "id"),  # a second BOM after the one the decoder removes
        ("strategie\u200b", "strategie"),
        ("\u2060strat\u00adegie\u200c\u200d", "strategie"),
        ("gro\u0308ße", "größe"),  # decomposed ö: NFC
        (" \ufeff q ", "q"),
    ],
)
def test_header_names_compare_as_they_look(written: str, read: str) -> None:
    assert header_name(written) == read
    table = read_table(f"\ufeffx;{written}\nA;1\n".encode(), "data/responses.csv")
    assert table.columns.tolist() == ["x", read]


def test_headers_that_look_the_same_are_doubles() -> None:
    message = str(error_of("id;q;q\u200b\nA;1;2\n".encode(), "data/responses.csv"))
    assert message == (
        "data/responses.csv, Zeile 1, Spalte „q“: Die Spalte steht doppelt in der Kopfzeile (Spalten B und C). "
        "Benennen oder löschen Sie eine der beiden Spalten."
    )


TINY_CODEBOOK = """
[strategie]
kind = "scale"
text = "Strategie"
scale = { min = 1, max = 5 }

[geschlecht]
kind = "categorical"
text = "Geschlecht"
categories = [{ code = 1, label = "männlich" }, { code = 2, label = "weiblich" }]
"""


@pytest.fixture(scope="module")
def tiny_codebook() -> Codebook:
    return parse_codebook(TINY_CODEBOOK, "data/codebook.toml")


def test_invisible_characters_in_headers_and_labels_match(tiny_codebook: Codebook) -> None:
    text = "\ufeff\ufeffid;strate\u00adgie\u200b;geschlecht\u2060\nA;4;ma\u0308nnlich\u200b\n"
    survey = load_survey(text.encode(), "data/responses.csv", tiny_codebook, "id")
    assert survey.frame.to_numpy().tolist() == [[4.0, 1.0]]


def test_look_alike_letter_is_shown_not_suggested(tiny_codebook: Codebook) -> None:
    text = "id;str\u0430tegie;geschlecht\nA;4;1\n"  # a Cyrillic а
    with pytest.raises(ReportErrors) as caught:
        load_survey(text.encode(), "data/responses.csv", tiny_codebook, "id")
    assert [str(problem) for problem in caught.value.errors] == [
        "data/responses.csv, Zeile 1: Die Spalte „strategie“ aus dem Codebuch fehlt. Der Spaltenname „strаtegie“ "
        "sieht aus wie „strategie“, enthält aber das Zeichen U+0430 (CYRILLIC SMALL LETTER A) statt „a“. "
        "Spaltennamen müssen genau wie im Codebuch lauten.",
        "data/responses.csv, Zeile 1, Spalte „strаtegie“: Die Spalte hat keinen Eintrag im Codebuch. Der Spaltenname "
        "„strаtegie“ sieht aus wie „strategie“, enthält aber das Zeichen U+0430 (CYRILLIC SMALL LETTER A) statt „a“.",
    ]
    assert "Meinten Sie" not in str(caught.value)


def test_invisible_control_character_is_shown_not_suggested(tiny_codebook: Codebook) -> None:
    data = to_xlsx([["id", "strate\x90gie", "geschlecht"], ["A", 4, 1]])
    with pytest.raises(ReportErrors) as caught:
        load_survey(data, NAME, tiny_codebook, "id")
    assert "Der Spaltenname „strategie“ sieht aus wie „strategie“, enthält aber ein unsichtbares Zeichen U+0090." in (
        str(caught.value)
    )
    assert "Meinten Sie" not in str(caught.value)


def test_a_visible_difference_still_gets_a_suggestion(tiny_codebook: Codebook) -> None:
    with pytest.raises(ReportErrors) as caught:
        load_survey(b"id;strategy;geschlecht\nA;4;1\n", "data/responses.csv", tiny_codebook, "id")
    assert "Meinten Sie „strategie“?" in str(caught.value)


# Property-based: random small workbooks give a table or a located DataError, quickly

HOSTILE = settings(max_examples=40, deadline=2000, suppress_health_check=[HealthCheck.too_slow])
CELL_VALUES = st.one_of(
    st.none(),
    st.integers(-10, 10),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(["id", "q", "=1+1", "=A1", "", " ", "x\u200b", "\ufeffid", "männlich"]),
    st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=5),
)
POSITIONS = st.tuples(st.sampled_from([1, 2, 3, 50, 1_000_001, 1_048_576]), st.sampled_from([1, 2, 3, 2_001, 16_384]))


def read_or_error(data: bytes, name: str, limits: Limits = DEFAULTS) -> pd.DataFrame | ReportError:
    try:
        table = read_table(data, name, limits)
    except ReportError as error:
        for problem in problems(error):
            assert isinstance(problem, DataError), repr(problem)
            assert problem.location is not None and problem.location.file == name
        return error
    assert all(isinstance(cell, str) for cell in table.to_numpy().flat)
    return table


@HOSTILE
@given(
    grid=st.lists(st.lists(CELL_VALUES, max_size=4), max_size=5),
    strays=st.lists(st.tuples(POSITIONS, CELL_VALUES), max_size=2),
    sheets=st.integers(0, 2),
)
def test_random_small_workbooks(
    grid: list[list[object]], strays: list[tuple[tuple[int, int], object]], sheets: int
) -> None:
    def edit(workbook: openpyxl.Workbook) -> None:
        for (row, column), value in strays:
            workbook.worksheets[0].cell(row, column, value)
        for number in range(sheets):
            workbook.create_sheet(f"Blatt {number}").append(["x"])

    read_or_error(to_xlsx(grid, edit), NAME)


@HOSTILE
@given(
    parts=st.dictionaries(
        st.sampled_from([SHEET, "xl/workbook.xml", "xl/sharedStrings.xml", "xl/styles.xml", "[Content_Types].xml"]),
        st.binary(max_size=300),
        max_size=3,
    )
)
def test_workbooks_with_random_parts(parts: dict[str, bytes]) -> None:
    data = to_xlsx(TABLE)
    for part, content in parts.items():
        data = edit_part(data, part, replaced_by(content))
    read_or_error(data, NAME, Limits(xlsx_unpacked_mb=1))


def replaced_by(content: bytes) -> Callable[[bytes], bytes]:
    return lambda _: content
