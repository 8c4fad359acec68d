"""Responses read for every kind: columns by `column` and `ignore`, cells as codes or labels, numbers in German and
English forms, multiple-response sets; each bad cell one German message with file, row and column."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from projects import to_csv, to_xlsx
from reportgen.codebook import Codebook, parse_codebook
from reportgen.errors import DataError, ReportError, ReportErrors
from reportgen.survey import load_survey
from test_kinds import KINDS_CODEBOOK

NAN = math.nan
HEADER = [
    "id", "Startzeit", "Browser Version", "Wie zufrieden sind Sie insgesamt?", "branche", "alt", "foerderung",
    "zertifikat", "Wie viele Beschäftigte hat Ihr Unternehmen?", "umsatz", "Maßnahmen: Energie", "Maßnahmen: Wasser",
    "ziel_1", "ziel_2", "anmerkung",
]  # fmt: skip
# A German export: labels in cells, question texts as headers, two metadata columns the codebook ignores.
ROWS = [
    ["R1", "01.03.2025 10:00", "Firefox 1", "1", "Industrie", "1", "Ja", "ja", "1.250", "12,50 €", "Ja", "", "1", "Klima", "Strompreise"],
    ["R2", "01.03.2025 10:05", "Edge", "sehr zufrieden", "2", "", "nein", "8", "12", "3", "", "Maßnahmen: Wasser", "", "", "Energiekosten"],
    ["R3", "01.03.2025 10:09", "Safari", "weiß nicht", "keine Angabe", "A", "0", "Weiß nicht", "-9", "", "x", "1", "2", "", "-"],
    ["R4", "", "", "3", "1", "1", "1", "2", "k. A.", "2,5", "nein", "", "kosten", "", "Mehr Kosten"],
    ["R5", "", "", "GAR NICHT ZUFRIEDEN", "", "", "", "", "250", "1.000,50", "", "", "", "", ""],
    ["R6", "", "", "5", "Handel", "1", "Ja", "1", "49", "10", "Ja", "Ja", "2", "1", "nichts"],
    ["R7", "", "", "2", "99", "1", "", "", "0", "0,5", "", "", "", "", "Energie!"],
]  # fmt: skip
# What the frame must hold, written out by hand (a reverse-keyed item stays as answered: stats recodes it).
EXPECTED = {
    "zufriedenheit": [1, 5, NAN, 3, 1, 5, 2],
    "branche": [1, 2, 99, 1, NAN, 2, 99],  # 99 = „keine Angabe“, a labelled missing category: kept for its row
    "alt": [1, NAN, 1, 1, NAN, 1, 1],
    "foerderung": [1, 0, 0, 1, NAN, 1, NAN],
    "zertifikat": [1, 8, 8, 2, NAN, 1, NAN],
    "mitarbeitende": [1250, 12, NAN, NAN, 250, 49, 0],  # -9 and „k. A.“ are missing
    "umsatz": [12.5, 3, NAN, 2.5, 1000.5, 10, 0.5],
    "massnahmen/1": [1, 0, 1, 0, NAN, 1, NAN],  # Energie: „Ja“ and „x“ selected, „nein“ answered
    "massnahmen/2": [0, 1, 1, 0, NAN, 1, NAN],  # Wasser: its own label and „1“ selected; R5, R7 left the set empty
    "ziele/1": [1, NAN, 0, 1, NAN, 1, NAN],  # Kosten (code 1 or its label)
    "ziele/2": [1, NAN, 1, 0, NAN, 1, NAN],  # Klima; R2, R5 and R7 left both cells empty: missing
}
TEXTS = ["Strompreise", "Energiekosten", None, "Mehr Kosten", None, "nichts", "Energie!"]


@pytest.fixture(scope="module")
def codebook() -> Codebook:
    return parse_codebook(KINDS_CODEBOOK, "data/codebook.toml")


def load(codebook: Codebook, rows: list[list[str]], name: str = "responses.csv", data: bytes | None = None):
    raw = data if data is not None else to_csv([HEADER, *rows], ";", "\r\n").encode("cp1252")
    return load_survey(raw, f"data/{name}", codebook, "id")


def values(series) -> list[object]:
    return [None if value is None or (isinstance(value, float) and math.isnan(value)) else value for value in series]


def test_every_kind_from_a_german_export(codebook: Codebook) -> None:
    frame = load(codebook, ROWS).frame
    assert list(frame.columns) == [*EXPECTED, "anmerkung"]
    for column, expected in EXPECTED.items():
        assert values(frame[column]) == values(expected), column
    assert values(frame["anmerkung"]) == TEXTS  # „-“ is a missing label
    assert frame.index.tolist() == [row[0] for row in ROWS]


def test_ignored_columns_may_be_absent_too(codebook: Codebook) -> None:
    keep = [index for index, name in enumerate(HEADER) if name not in ("Startzeit", "Browser Version")]
    rows = [[row[index] for index in keep] for row in ROWS]
    data = to_csv([[HEADER[index] for index in keep], *rows], ";").encode("utf-8")
    assert load(codebook, [], data=data).frame["umsatz"].tolist()[0] == 12.5


def test_an_english_csv_reads_1_250_as_1250(codebook: Codebook) -> None:
    rows = [list(row) for row in ROWS]
    column = HEADER.index("Wie viele Beschäftigte hat Ihr Unternehmen?")
    money = HEADER.index("umsatz")
    rows[0][column], rows[1][column] = "1,250", "1.5"
    for row in rows:
        row[money] = row[money].replace("1.000,50", "1,000.50").replace(",5", ".5")
    data = to_csv([HEADER, *rows], ",").encode("utf-8")
    frame = load(codebook, [], data=data).frame
    assert values(frame["mitarbeitende"])[:2] == [1250, 1.5]
    assert values(frame["umsatz"]) == [12.5, 3, None, 2.5, 1000.5, 10, 0.5]


def xlsx_rows(numbers: list[object], header: str = "umsatz") -> bytes:
    """A workbook with the codebook's columns, every cell empty but `header`."""
    column = HEADER.index(header)
    rows: list[list[object]] = [HEADER]
    for number, value in enumerate(numbers, 1):
        row: list[object] = [f"R{number}", *([None] * (len(HEADER) - 1))]
        row[column] = value
        rows.append(row)
    return to_xlsx(rows)


def test_xlsx_numbers_as_stored_and_german_text(codebook: Codebook) -> None:
    data = xlsx_rows([1250, 12.5, 0.1 + 0.2, "2,5", "1.250"])
    frame = load(codebook, [], "responses.xlsx", data).frame
    # Stored numbers as they are; the typed „2,5“ shows decimal commas, so the typed „1.250“ is German: 1250.
    assert values(frame["umsatz"]) == [1250, 12.5, pytest.approx(0.3), 2.5, 1250]


def messages(error: ReportError) -> list[str]:
    items = error.errors if isinstance(error, ReportErrors) else [error]
    assert all(isinstance(item, DataError) for item in items)
    return [str(item) for item in items]


def test_an_ambiguous_number_in_a_workbook_is_reported(codebook: Codebook) -> None:
    with pytest.raises(ReportError) as caught:
        load(codebook, [], "responses.xlsx", xlsx_rows([12.5, "1.250"]))
    assert messages(caught.value) == [
        "data/responses.xlsx, Zeile 3, Spalte „umsatz“: „1.250“ ist mehrdeutig: 1250 oder 1,25? "
        "Schreiben Sie die Zahl ohne Tausendertrennzeichen, z. B. 1250 oder 1,25."
    ]


BAD_CELLS = [
    # (row in ROWS, header, cell, message after "Spalte „header“: ")
    (0, "Wie viele Beschäftigte hat Ihr Unternehmen?", "viele",
     "„viele“ ist keine Zahl. Erlaubt sind Zahlen wie 1250, 1.250,5 oder 1250.5, -9, k. A. (fehlend) oder eine leere Zelle."),
    (1, "Wie viele Beschäftigte hat Ihr Unternehmen?", "100.001",
     "„100.001“ liegt außerhalb des gültigen Bereichs 0 bis 100000. Gültig sind Werte von 0 bis 100000"),
    (2, "Wie viele Beschäftigte hat Ihr Unternehmen?", "-3", "„-3“ liegt außerhalb des gültigen Bereichs 0 bis 100000."),
    (3, "umsatz", "-0,5", "„-0,5“ liegt unter der ersten Klassengrenze 0. Die Klassen (bins) beginnen bei 0"),
    (4, "umsatz", "12 Euro", "„12 Euro“ ist keine Zahl."),
    (5, "ziel_2", "7", "„7“ ist kein Code dieser Frage. Erlaubt sind 1 = Kosten; 2 = Klima oder eine leere Zelle."),
    (6, "ziel_1", "Klimaschutz", "„Klimaschutz“ ist weder Code noch Label dieser Frage."),
    (0, "Wie zufrieden sind Sie insgesamt?", "mittel",
     "„mittel“ ist keine Zahl und kein Label dieser Frage. Erlaubt sind ganze Zahlen von 1 bis 5, „gar nicht zufrieden“, "
     "„sehr zufrieden“, 9, weiß nicht (fehlend) oder eine leere Zelle."),
    (1, "Wie zufrieden sind Sie insgesamt?", "6", "„6“ liegt außerhalb der Skala 1–5."),
    (2, "foerderung", "vielleicht", "„vielleicht“ ist weder Code noch Label dieser Frage. Erlaubt sind 1 = Ja; 0 = Nein"),
    (3, "branche", "3", "„3“ ist kein Code dieser Frage. Erlaubt sind 1 = Industrie; 2 = Handel; 99 = keine Angabe"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("row", "header", "cell", "message"), BAD_CELLS, ids=[f"{b[1][:12]}-{b[2]}" for b in BAD_CELLS]
)
def test_each_bad_cell_is_one_message_with_row_and_column(
    codebook: Codebook, row: int, header: str, cell: str, message: str
) -> None:
    rows = [list(values) for values in ROWS]
    rows[row][HEADER.index(header)] = cell
    with pytest.raises(ReportError) as caught:
        load(codebook, rows)
    found = messages(caught.value)
    assert len(found) == 1
    assert found[0].startswith(f"data/responses.csv, Zeile {row + 2}, Spalte „{header}“: {message}")


def test_all_bad_cells_at_once_in_row_order(codebook: Codebook) -> None:
    rows = [list(values) for values in ROWS]
    for row, header, cell, _ in BAD_CELLS[:7]:
        rows[row][HEADER.index(header)] = cell
    with pytest.raises(ReportErrors) as caught:
        load(codebook, rows)
    places = [message.split(":")[0] for message in messages(caught.value)]
    assert places == [f"data/responses.csv, Zeile {row + 2}, Spalte „{header}“" for row, header, *_ in BAD_CELLS[:7]]


def test_dichotomies_never_fail(codebook: Codebook) -> None:
    """Anything but a selected value means „not selected“ (the spec), so no cell of such a set is an error."""
    rows = [list(values) for values in ROWS]
    rows[0][HEADER.index("Maßnahmen: Wasser")] = "vielleicht"
    frame = load(codebook, rows).frame
    assert frame["massnahmen/2"].tolist()[0] == 0.0


def test_columns_named_by_column_and_ignore(codebook: Codebook) -> None:
    header = [*HEADER[:2], "Dauer", *HEADER[3:11], *HEADER[12:]]  # „Browser Version“ renamed, „Maßnahmen: Wasser“ gone
    rows = [[*row[:2], "5", *row[3:11], *row[12:]] for row in ROWS]
    with pytest.raises(ReportErrors) as caught:
        load(codebook, [], data=to_csv([header, *rows], ";").encode("utf-8"))
    assert messages(caught.value) == [
        "data/responses.csv, Zeile 1: Die Spalte „Maßnahmen: Wasser“ ([massnahmen]) aus dem Codebuch fehlt. "
        "Fügen Sie sie hinzu oder entfernen Sie [massnahmen] "
        f"(data/codebook.toml, Zeile {KINDS_CODEBOOK.splitlines().index('[massnahmen]') + 1}).",
        "data/responses.csv, Zeile 1, Spalte „Dauer“: Die Spalte hat keinen Eintrag im Codebuch. Beschreiben Sie sie in "
        "data/codebook.toml, tragen Sie sie in ignore = [...] ein oder löschen Sie sie.",
    ]


def test_ignore_patterns_ignore_case() -> None:
    codebook = parse_codebook('ignore = ["meta_*"]\n[q]\nkind = "text"\ntext = "F"\n', "codebook.toml")
    frame = load_survey(b"id;META_start;q\nA;1;x\n", "r.csv", codebook, "id").frame
    assert list(frame.columns) == ["q"]


def test_many_bad_numbers_are_summarised(codebook: Codebook) -> None:
    rows = [list(values) for values in ROWS + ROWS]
    for number, row in enumerate(rows):
        row[0] = f"X{number}"
        row[HEADER.index("umsatz")] = "viel"
    with pytest.raises(ReportErrors) as caught:
        load(codebook, rows)
    found = messages(caught.value)
    assert len(found) == 6
    assert found[-1] == (
        "data/responses.csv, Spalte „umsatz“: … und 9 weitere Probleme in dieser Spalte (Zeilen 7, 8, 9, 10, 11, 12, "
        "13, 14, 15)."
    )


CELLS = st.sampled_from(
    ["", "1", "2", "9", "99", "-9", "0", "1.250", "1,250", "12,5", "1.000,50", "−3", "Ja", "nein", "x", "weiß nicht",
     "k. A.", "Klima", "kosten", "sehr zufrieden", "Industrie", "€ 5", "1e3", "nan", "ä", " ", "-"]
) | st.text(max_size=6)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(cells=st.lists(st.lists(CELLS, min_size=len(HEADER) - 1, max_size=len(HEADER) - 1), min_size=1, max_size=6))
def test_random_cells_give_a_survey_or_located_errors(codebook: Codebook, cells: list[list[str]]) -> None:
    rows = [[f"R{number}", *row] for number, row in enumerate(cells, 1)]
    data = to_csv([HEADER, *rows], ";").encode("utf-8")
    try:
        survey = load(codebook, [], data=data)
    except ReportError as error:
        items = error.errors if isinstance(error, ReportErrors) else [error]
        for message, item in zip(messages(error), items, strict=True):
            assert message.startswith("data/responses.csv"), message
            assert item.location is not None and (item.location.row or item.location.column), message
        return
    assert len(survey.frame) == len(rows)
    for column in survey.frame.columns:
        if "/" in column:  # a multiple set's options: selected, not selected or missing
            assert set(survey.frame[column].dropna()) <= {0.0, 1.0}
