"""Responses + codebook -> a validated Survey; CSV as Excel writes it, or XLSX.

CSV files are accepted as German Excel exports come: `;`, `,` or tab as delimiter (detected),
UTF-8 with or without BOM, UTF-16 with BOM, or Windows-1252, any line ends, decimal commas.
Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .codebook import Codebook, Question
from .errors import Location, ReportError, did_you_mean, raise_all

if TYPE_CHECKING:
    import pandas as pd

HEADER_ROW = 1
XLSX_SUFFIXES = (".xlsx", ".xlsm")
DELIMITERS = (";", ",", "\t")
_MAX_ERRORS_PER_COLUMN = 5
_MAX_ROW_ERRORS = 10
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?")
_SEP_LINE = re.compile(r"sep=(.)\s*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_EXPORT_HINT = "Exportieren Sie die Antworten erneut als CSV oder XLSX mit Kopfzeile."


@dataclass(frozen=True)
class Survey:
    """Validated responses: one row per respondent, codes as floats (NaN = missing)."""

    codebook: Codebook
    frame: pd.DataFrame
    file: str

    @property
    def respondents(self) -> int:
        return len(self.frame)


def load_survey(path: Path, display_name: str, codebook: Codebook, id_column: str) -> Survey:
    """Read the responses and check every cell against the codebook."""
    table = read_table(path, display_name)
    frame = validate(table, display_name, codebook, id_column)
    return Survey(codebook, frame, display_name)


# Reading: bytes -> rows of stripped strings, each with its spreadsheet row number.


@dataclass(frozen=True)
class _Rows:
    """Parsed records: `numbers[i]` is the spreadsheet row of `cells[i]`."""

    numbers: list[int]
    cells: list[list[str]]


def read_table(path: Path, display_name: str) -> pd.DataFrame:
    """CSV (delimiter and encoding detected) or XLSX -> a frame of stripped strings.

    The frame's index holds the spreadsheet row numbers; `attrs["header_row"]` the header's.
    """
    location = Location(display_name)
    raw = _read_bytes(path, location)
    if path.suffix.lower() in XLSX_SUFFIXES:
        rows = _read_xlsx(raw, location)
    else:
        _refuse_binary(raw, path, location)
        rows = _read_csv(_decode(raw, location), location)
    return _to_frame(rows, location)


def _read_bytes(path: Path, location: Location) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReportError("Datei nicht gefunden.", location, "Prüfen Sie [survey] responses in report.toml.") from None
    except OSError as error:
        raise ReportError(
            f"Die Datei lässt sich nicht lesen ({error.strerror or type(error).__name__}).",
            location,
            "Prüfen Sie [survey] responses in report.toml: der Pfad muss auf eine lesbare Datei zeigen.",
        ) from None


def _refuse_binary(raw: bytes, path: Path, location: Location) -> None:
    """Spreadsheets saved under a .csv name, and other binary files, get a specific message."""
    if raw.startswith(b"PK\x03\x04"):
        raise ReportError(
            f"Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber „{path.name}“.",
            location,
            "Benennen Sie sie in .xlsx um und passen Sie [survey] responses in report.toml an.",
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReportError(
            "Die Datei ist im alten Excel-Format (.xls).",
            location,
            "Speichern Sie sie in Excel als „Arbeitsmappe (.xlsx)“ oder „CSV (Trennzeichen-getrennt)“.",
        )


def _decode(raw: bytes, location: Location) -> str:
    """UTF-16 with BOM, UTF-8 (BOM optional) or Windows-1252; control characters mean binary data."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(raw, "utf-16")
    else:
        text = _try_decode(raw, "utf-8-sig")
        if text is None and b"\x00" not in raw:
            text = _try_decode(raw, "cp1252")
    control = _CONTROL.search(text) if text is not None else None
    if text is None or control is not None:
        row = len(_LINE_BREAK.findall(text, 0, control.start())) + 1 if text is not None and control else None
        raise ReportError(
            "Die Datei ist keine Textdatei (CSV)" + (" – sie enthält Steuerzeichen." if row else "."),
            Location(location.file, row=row),
            "Speichern Sie die Tabelle in Excel als „CSV (Trennzeichen-getrennt)“ oder als XLSX.",
        )
    return text


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _read_csv(text: str, location: Location) -> _Rows:
    first_line, _, rest = text.partition("\n")
    declared = _SEP_LINE.fullmatch(first_line.strip())
    if declared:  # Excel's "sep=;" line: Excel hides it, so rows are counted without it
        return _parse_csv(rest, declared.group(1), location)
    return _parse_csv(text, _detect_delimiter(text), location)


def _detect_delimiter(text: str) -> str:
    """csv.Sniffer on the header line: column names hold no decimal commas, unlike the answers."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ","  # one column only: any delimiter reads it the same


def _parse_csv(text: str, delimiter: str, location: Location) -> _Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    cells: list[list[str]] = []
    try:
        for row in reader:
            cells.append([cell.strip() for cell in row])
    except csv.Error as error:
        raise _quote_error(str(error), Location(location.file, row=len(cells) + HEADER_ROW)) from None
    return _Rows(list(range(HEADER_ROW, len(cells) + HEADER_ROW)), cells)


def _quote_error(reason: str, location: Location) -> ReportError:
    hint = (
        'Prüfen Sie die Anführungszeichen in dieser Zeile: Text mit Trennzeichen steht in "…", '
        'ein " im Text wird verdoppelt ("").'
    )
    if "end of data" in reason or "newline inside" in reason:
        return ReportError("Ein Anführungszeichen wird bis zum Dateiende nicht geschlossen.", location, hint)
    if "expected after" in reason:
        return ReportError("Nach einem schließenden Anführungszeichen fehlt das Trennzeichen.", location, hint)
    if "field larger" in reason:
        return ReportError("Ein Feld ist übermäßig lang.", location, hint)
    return ReportError(f"Die Zeile lässt sich nicht lesen ({reason}).", location, hint)


def _read_xlsx(raw: bytes, location: Location) -> _Rows:
    """The first worksheet's cell values (cached results for formulas)."""
    import openpyxl

    if not raw.startswith(b"PK"):
        raise ReportError(
            "Die Datei ist keine XLSX-Arbeitsmappe.",
            location,
            "Speichern Sie sie in Excel als „Excel-Arbeitsmappe (.xlsx)“; ist sie eine CSV-Datei, benennen Sie sie "
            "in .csv um und passen Sie [survey] responses in report.toml an.",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
            workbook = openpyxl.load_workbook(io.BytesIO(raw), data_only=True)
            sheet = workbook.worksheets[0]
            cells = [[_xlsx_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
    except Exception as error:  # openpyxl and zipfile raise many kinds for a broken file
        raise ReportError(
            f"Die XLSX-Datei lässt sich nicht lesen ({type(error).__name__}).",
            location,
            "Öffnen Sie sie in Excel und speichern Sie sie erneut als „Excel-Arbeitsmappe (.xlsx)“.",
        ) from None
    return _Rows(list(range(HEADER_ROW, len(cells) + HEADER_ROW)), cells)


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return value.isoformat()  # type: ignore[union-attr]
    return str(value).strip()


def _to_frame(rows: _Rows, location: Location) -> pd.DataFrame:
    """Header checks, row widths, blank rows skipped -> frame indexed by spreadsheet row."""
    import pandas as pd

    records = [(number, row) for number, row in zip(rows.numbers, rows.cells, strict=True) if _filled(row)]
    if not records:
        raise ReportError("Die Datei ist leer.", location, _EXPORT_HINT)
    (header_row, header), body = records[0], records[1:]
    keep = _named_columns(header, header_row, body, location)
    raise_all(_width_errors(header, body, location))
    names = [header[index] for index in keep]
    if keep == list(range(len(header))):
        data = [row[: len(header)] + [""] * (len(header) - len(row)) for _, row in body]
    else:
        data = [[_cell(row, index) for index in keep] for _, row in body]
    frame = pd.DataFrame(data, columns=names, index=[number for number, _ in body], dtype=object)
    frame.attrs["header_row"] = header_row
    return frame


def _named_columns(header: list[str], header_row: int, body: list, location: Location) -> list[int]:
    """Indices of the named columns; unnamed empty ones are dropped, unnamed filled ones and doubles refused."""
    errors, keep, seen = [], [], {}
    for index, name in enumerate(header):
        letter = column_letter(index)
        if not name:
            if any(_cell(row, index) for _, row in body):
                errors.append(
                    ReportError(
                        f"Spalte {letter} enthält Werte, hat aber keinen Namen.",
                        Location(location.file, row=header_row),
                        "Tragen Sie in der Kopfzeile einen Namen ein oder löschen Sie die Spalte.",
                    )
                )
            continue
        if name in seen:
            errors.append(
                ReportError(
                    f"Die Spalte steht doppelt in der Kopfzeile (Spalten {seen[name]} und {letter}).",
                    Location(location.file, row=header_row, column=name),
                    "Benennen oder löschen Sie eine der beiden Spalten.",
                )
            )
            continue
        seen[name] = letter
        keep.append(index)
    raise_all(errors)
    return keep


def _width_errors(header: list[str], body: list, location: Location) -> list[ReportError]:
    """Rows with more filled fields than the header, or fewer fields: usually a stray delimiter or line break."""
    width = _width(header)
    wrong = [(number, row) for number, row in body if len(row) < width or (len(row) > width and _width(row) > width)]
    errors = [
        ReportError(
            f"Die Zeile hat {_fields(len(row) if len(row) < width else _width(row))}, die Kopfzeile {width}.",
            Location(location.file, row=number),
            "Steht ein Trennzeichen in einem Text, setzen Sie den Text in Anführungszeichen; "
            "ein Zeilenumbruch in einer Zelle teilt die Zeile.",
        )
        for number, row in wrong[:_MAX_ROW_ERRORS]
    ]
    if len(wrong) > _MAX_ROW_ERRORS:
        rest = ", ".join(str(number) for number, _ in wrong[_MAX_ROW_ERRORS:])
        errors.append(ReportError(f"… ebenso die Zeilen {_shorten(rest)}.", Location(location.file)))
    return errors


def _fields(count: int) -> str:
    return "1 Feld" if count == 1 else f"{count} Felder"


def _filled(row: list[str]) -> bool:
    return any(row) and any(cell.strip() for cell in row)


def _width(row: list[str]) -> int:
    """Fields up to the last filled one: Excel may add empty fields at the end of a row."""
    filled = [index for index, cell in enumerate(row) if cell.strip()]
    return filled[-1] + 1 if filled else 0


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def column_letter(index: int) -> str:
    """The spreadsheet name of the column at 0-based `index`: A, B, …, Z, AA, …"""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


def _shorten(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0] + ", …"


# Validation: columns against the codebook, ids, every cell.


def validate(table: pd.DataFrame, file: str, codebook: Codebook, id_column: str) -> pd.DataFrame:
    """Check columns, ids and every cell; return codes as floats and texts as strings.

    `table` is what read_table returns: strings, indexed by spreadsheet row. All problems are
    collected and raised together.
    """
    import pandas as pd

    if table.empty:
        raise ReportError("Die Datei enthält nur die Kopfzeile, keine Antworten.", Location(file), _EXPORT_HINT)
    if "header_row" not in table.attrs:  # a frame made elsewhere: rows counted from the header in row 1
        table = table.set_axis(range(HEADER_ROW + 1, HEADER_ROW + 1 + len(table)), axis="index")
        table.attrs["header_row"] = HEADER_ROW
    header_row = int(table.attrs["header_row"])
    errors = _column_errors(table, file, codebook, id_column, header_row)
    if id_column in table.columns:
        errors.extend(_id_errors(table[id_column], file, id_column))
    columns = {}
    for question in codebook.questions:
        if question.id in table.columns:
            columns[question.id], column_errors = _convert(table[question.id], question, file)
            errors.extend(column_errors)
    raise_all(sorted(errors, key=_file_order))
    frame = pd.DataFrame(columns, index=table.index)
    frame.index = pd.Index([str(value).strip() for value in table[id_column]], name=id_column)
    return frame


def _file_order(error: ReportError) -> float:
    """Problems in the order of the rows; summaries without a row last."""
    row = error.location.row if error.location else None
    return row if row is not None else math.inf


def _column_errors(
    table: pd.DataFrame, file: str, codebook: Codebook, id_column: str, header_row: int
) -> list[ReportError]:
    header = Location(file, row=header_row)
    present = [str(column) for column in table.columns]
    expected = [id_column, *codebook.ids]
    extra = [column for column in present if column not in expected]
    errors = []
    if id_column not in present:
        fix = "Benennen Sie die Spalte so oder ändern Sie [survey] id_column in report.toml."
        hint = " ".join(filter(None, [did_you_mean(id_column, extra), fix]))
        errors.append(ReportError(f"Die Spalte „{id_column}“ mit den Befragten-IDs fehlt.", header, hint))
    for question in codebook.questions:
        if question.id not in present:
            where = f"{codebook.file}, Zeile {question.line}" if question.line else codebook.file
            fix = f"Fügen Sie sie hinzu oder entfernen Sie [{question.id}] ({where})."
            guess = did_you_mean(question.id, extra)
            hint = f"{guess} Spaltennamen müssen genau wie im Codebuch lauten." if guess else fix
            errors.append(ReportError(f"Die Spalte „{question.id}“ aus dem Codebuch fehlt.", header, hint))
    for column in extra:
        hint = did_you_mean(column, expected) or f"Beschreiben Sie sie in {codebook.file} oder löschen Sie sie."
        errors.append(
            ReportError(
                "Die Spalte hat keinen Eintrag im Codebuch.", Location(file, row=header_row, column=column), hint
            )
        )
    return errors


def _id_errors(ids: pd.Series, file: str, id_column: str) -> list[ReportError]:
    errors = []
    first_row: dict[str, int] = {}
    for row, value in ids.items():
        value = str(value).strip()
        location = Location(file, row=int(row), column=id_column)
        if not value:
            errors.append(ReportError("Die Befragten-ID fehlt.", location, "Tragen Sie eine eindeutige ID ein."))
        elif value in first_row:
            errors.append(
                ReportError(
                    f"Die ID „{value}“ steht schon in Zeile {first_row[value]}.",
                    location,
                    "Jede Befragte und jeder Befragte braucht eine eigene ID.",
                )
            )
        else:
            first_row[value] = int(row)
    return _capped(errors, file, id_column)


def _convert(cells: pd.Series, question: Question, file: str) -> tuple[pd.Series, list[ReportError]]:
    """Map cells to codes: whole numbers (decimal comma allowed, "4,0" is 4) or category labels."""
    cells = cells.astype(str)
    if question.kind == "text":
        stripped = cells.str.strip()
        return stripped.where(stripped != "", None).astype(object), []
    # A column holds few distinct answers: decide each once, then map the whole column.
    meaning = {cell: _meaning(cell.strip(), question) for cell in cells.unique()}
    values = cells.map({cell: code for cell, (code, _) in meaning.items()}).astype(float)
    bad = cells.map({cell: bad for cell, (_, bad) in meaning.items()}).astype(bool)
    errors = [
        _cell_error(cells[row].strip(), question, Location(file, row=int(row), column=question.id))
        for row in cells.index[bad.to_numpy()]
    ]
    return values, _capped(errors, file, question.id)


def _meaning(cell: str, question: Question) -> tuple[float, bool]:
    """The code a cell stands for (NaN if missing or invalid) and whether it is invalid."""
    if not cell:
        return math.nan, False
    if _NUMBER.fullmatch(cell):
        code = float(cell.replace(",", "."))
    else:
        labels = {_normal(category.label): float(category.code) for category in question.categories}
        code = labels.get(_normal(cell), math.nan)
    if code in question.codes:
        return code, False
    return math.nan, code not in question.missing_codes


def _normal(label: str) -> str:
    """Labels compare without regard to case, spaces and the kind of dash: "> 250" is ">250"."""
    label = unicodedata.normalize("NFC", label).casefold()
    label = re.sub(r"[\u2010-\u2015\u2212]", "-", label)
    return "".join(label.split())


def _cell_error(cell: str, question: Question, location: Location) -> ReportError:
    missing = ", ".join(str(code) for code in question.missing_codes)
    missing_note = f", {missing} (fehlend)" if missing else ""
    if question.is_scale:
        low, high = question.codes[0], question.codes[-1]
        if not _NUMBER.fullmatch(cell):
            problem = f"„{cell}“ ist keine Zahl."
        elif "," in cell or "." in cell:
            problem = f"„{cell}“ ist keine ganze Zahl."
        else:
            problem = f"„{cell}“ liegt außerhalb der Skala {low}–{high}."
        hint = f"Erlaubt sind ganze Zahlen von {low} bis {high}{missing_note} oder eine leere Zelle."
        return ReportError(problem, location, hint)
    allowed = "; ".join(f"{c.code} = {c.label}" for c in question.categories)
    if _NUMBER.fullmatch(cell):
        problem = f"„{cell}“ ist kein Code dieser Frage."
    else:
        problem = f"„{cell}“ ist weder Code noch Label dieser Frage."
    suggestion = did_you_mean(cell, [c.label for c in question.categories])
    hint = f"Erlaubt sind {allowed}{missing_note} oder eine leere Zelle."
    return ReportError(problem, location, f"{suggestion} {hint}" if suggestion else hint)


def _capped(errors: list[ReportError], file: str, column: str) -> list[ReportError]:
    """The first few problems of a column, then one line with the rows of the rest."""
    if len(errors) <= _MAX_ERRORS_PER_COLUMN:
        return errors
    rest = [error.location.row for error in errors[_MAX_ERRORS_PER_COLUMN:] if error.location]
    rows = _shorten(", ".join(str(row) for row in rest))
    summary = ReportError(
        f"… und {len(rest)} weitere Probleme in dieser Spalte (Zeilen {rows}).", Location(file, column=column)
    )
    return [*errors[:_MAX_ERRORS_PER_COLUMN], summary]
