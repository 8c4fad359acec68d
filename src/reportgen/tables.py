"""Reading a responses table: the file's bytes -> a frame of stripped strings indexed by spreadsheet row.

Hostile and broken files end in one DataError, fast: the bytes, an XLSX's or SPSS file's unpacked size, its rows,
columns and cells are bounded (`limits.Limits`, set under [limits] in report.toml), and formulas without stored
results are refused, never read as empty. Typed cells (XLSX numbers and dates, SPSS values) become the text a
German user would type into a CSV file (`typed_text`), so that every format reads to the same strings.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import numbers
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from . import fmt
from .errors import DataError, Location, ReportError, raise_all, raise_setting
from .files import too_large
from .limits import DEFAULTS, Limits

if TYPE_CHECKING:
    import pandas as pd


HEADER_ROW = 1
DELIMITERS = (";", ",", "\t")
EXPORT_HINT = "Exportieren Sie die Antworten erneut als CSV oder XLSX mit Kopfzeile."
_MAX_ROW_ERRORS = 10
_SEP_LINE = re.compile(r"sep=(.)\s*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass(frozen=True)
class Rows:
    """Parsed records: `numbers[i]` is the spreadsheet row of `cells[i]`; `attrs` what the format tells besides
    (they become the frame's attrs)."""

    numbers: list[int]
    cells: list[list[str]]
    attrs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_top(cls, cells: list[list[str]], attrs: dict[str, Any] | None = None) -> Rows:
        """Records that start at the header row, one spreadsheet row each."""
        return cls(list(range(HEADER_ROW, len(cells) + HEADER_ROW)), cells, attrs or {})


# A reader gets the bytes, the file's location, the limits and the sheet asked for (None: its own choice).
_Reader = Callable[[bytes, Location, Limits, "str | None"], Rows]
_Record = tuple[int, list[str]]


@dataclass(frozen=True)
class _Format:
    """A file format: its reader and its name in messages; `sheets`: whether a file may hold several tables."""

    read: _Reader
    name: str
    sheets: bool = False


def read_table(raw: bytes, display_name: str, limits: Limits = DEFAULTS, *, sheet: str | None = None) -> pd.DataFrame:
    """A responses file's bytes -> a frame of stripped strings; the format comes from the name's suffix.

    CSV is accepted as German Excel exports come: `;`, `,` or tab as delimiter (detected, told in
    `attrs["delimiter"]`: `;` means a German export, with decimal commas), UTF-8 with or without BOM, UTF-16
    with BOM, or Windows-1252, any line ends. XLSX: the worksheet named `sheet`, else the first one with a header
    row (told in `attrs["sheet"]`), read with bounds (`limits`), cached results of formulas as values, numbers and
    dates as `typed_text` writes them. SPSS (.sav, .zsav, see `sav.py`): values as codes, and the value labels,
    variable labels and user-missing codes in `attrs`. The frame's index holds the spreadsheet row numbers (the
    header is row 1 unless blank rows precede it; in a .sav file, row N is case N and the header row 0);
    `attrs["header_row"]` the header's. Column names are compared as they look (`header_name`). Reading the file,
    and reporting a missing one, is the caller's job.
    """
    location = Location(display_name)
    if len(raw) > limits.data_bytes:
        raise too_large(DataError, location, len(raw), limits.data_size)
    table_format = _format_of(display_name)
    if sheet is not None and not table_format.sheets:
        raise DataError(
            f"Eine {table_format.name} hat keine Tabellenblätter; [survey] sheet = „{sheet}“ gilt nur für "
            "XLSX-Arbeitsmappen.",
            location,
            "Entfernen Sie die Zeile sheet unter [survey] in report.toml.",
        )
    rows = table_format.read(raw, location, limits, sheet)
    return _to_frame(rows, location)


def header_name(text: str) -> str:
    """A column name as it looks: NFC, without invisible format characters, stripped.

    Decided for issue 8: a header that differs from a codebook id only by a BOM, a zero-width character
    (U+200B/C/D, U+2060), a soft hyphen (U+00AD), another format character (Unicode category Cf: direction
    marks, invisible operators) or by normalisation (a decomposed „ä“) is that column; nobody can see the
    difference, so it is no mistake to report.
    """
    text = unicodedata.normalize("NFC", text)
    return "".join(char for char in text if unicodedata.category(char) != "Cf").strip()


def _format_of(display_name: str) -> _Format:
    """The format registered for the suffix; any other name (.txt, .tsv, none) is read as CSV."""
    return _FORMATS.get(PurePath(display_name).suffix.lower(), _CSV)


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


# CSV


def _read_csv(raw: bytes, location: Location, limits: Limits, sheet: str | None = None) -> Rows:
    _refuse_binary(raw, location)
    text = _decode(raw, location)
    first_line, _, rest = text.partition("\n")
    declared = _SEP_LINE.fullmatch(first_line.strip())
    if declared:  # Excel's "sep=;" line: Excel hides it, so rows are counted without it
        return _parse_csv(rest, declared.group(1), location, limits)
    return _parse_csv(text, _detect_delimiter(text), location, limits)


def _refuse_binary(raw: bytes, location: Location) -> None:
    """Spreadsheets saved under a .csv name, and other binary files, get a specific message."""
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            f"Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber „{PurePath(location.file).name}“.",
            location,
            "Benennen Sie sie in .xlsx um und passen Sie [survey] responses in report.toml an.",
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise DataError(
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
        raise DataError(
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


def _detect_delimiter(text: str) -> str:
    """csv.Sniffer on the header line: column names hold no decimal commas, unlike the answers."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ","  # one column only: any delimiter reads it the same


def _parse_csv(text: str, delimiter: str, location: Location, limits: Limits) -> Rows:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    cells: list[list[str]] = []
    count = 0
    try:
        for row in reader:
            count += len(row)
            if count > limits.cells:
                raise too_many(Location(location.file, row=len(cells) + HEADER_ROW), limits.cells, "Zellen", "cells")
            if len(cells) >= limits.rows:
                raise too_many(Location(location.file, row=len(cells) + HEADER_ROW), limits.rows, "Zeilen", "rows")
            cells.append(list(map(str.strip, row)))
    except csv.Error as error:
        raise _quote_error(str(error), Location(location.file, row=len(cells) + HEADER_ROW)) from None
    return Rows.from_top(cells, {"delimiter": delimiter})


def _quote_error(reason: str, location: Location) -> DataError:
    hint = (
        'Prüfen Sie die Anführungszeichen in dieser Zeile: Text mit Trennzeichen steht in "…", '
        'ein " im Text wird verdoppelt ("").'
    )
    if "end of data" in reason or "newline inside" in reason:
        return DataError("Ein Anführungszeichen wird bis zum Dateiende nicht geschlossen.", location, hint)
    if "expected after" in reason:
        return DataError("Nach einem schließenden Anführungszeichen fehlt das Trennzeichen.", location, hint)
    if "field larger" in reason:
        return DataError("Ein Feld ist übermäßig lang.", location, hint)
    return DataError(f"Die Zeile lässt sich nicht lesen ({reason}).", location, hint)


def too_many(location: Location, limit: int, unit: str, key: str) -> DataError:
    """The table has more `unit` than `limit`, the value of [limits] `key`."""
    return DataError(
        f"Die Tabelle hat mehr als {count_text(limit)} {unit}.",
        location,
        "Speichern Sie nur die Antworten, eine Zeile je Befragte(r) und eine Spalte je Frage, in einer eigenen Datei, "
        f"oder {raise_setting(key)}.",
    )


def count_text(count: int) -> str:
    return f"{count:,}".replace(",", ".")


def _read_xlsx(raw: bytes, location: Location, limits: Limits, sheet: str | None) -> Rows:
    from .xlsx import read_xlsx  # openpyxl only for workbooks

    return read_xlsx(raw, location, limits, sheet)


def _read_sav(raw: bytes, location: Location, limits: Limits, sheet: str | None) -> Rows:
    from .sav import read_sav  # pyreadstat only for SPSS files

    return read_sav(raw, location, limits)


# The one place that maps a file format to its reader.
_CSV = _Format(_read_csv, "CSV-Datei")
_XLSX = _Format(_read_xlsx, "XLSX-Arbeitsmappe", sheets=True)
_SAV = _Format(_read_sav, "SPSS-Datei")
_FORMATS: dict[str, _Format] = {".csv": _CSV, ".xlsx": _XLSX, ".xlsm": _XLSX, ".sav": _SAV, ".zsav": _SAV}


# Records -> frame: header checks, row widths, blank rows skipped.


def _to_frame(rows: Rows, location: Location) -> pd.DataFrame:
    """Header checks, row widths, blank rows skipped -> frame indexed by spreadsheet row."""
    import pandas as pd

    records = [(number, row) for number, row in zip(rows.numbers, rows.cells, strict=True) if _filled(row)]
    if not records:
        raise DataError("Die Datei ist leer.", location, EXPORT_HINT)
    (header_row, header), body = records[0], records[1:]
    header = [header_name(name) for name in header]
    keep = _named_columns(header, header_row, body, location)
    raise_all(_width_errors(header, body, location))
    names = [header[index] for index in keep]
    if keep == list(range(len(header))):
        width = len(header)
        data = [row if len(row) == width else row[:width] + [""] * (width - len(row)) for _, row in body]
    else:
        data = [[_cell(row, index) for index in keep] for _, row in body]
    frame = pd.DataFrame(data, columns=names, index=[number for number, _ in body], dtype=object)
    frame.attrs.update(rows.attrs)
    frame.attrs["header_row"] = header_row
    return frame


def _named_columns(header: list[str], header_row: int, body: list[_Record], location: Location) -> list[int]:
    """Indices of the named columns; unnamed empty ones are dropped, unnamed filled ones and doubles refused."""
    errors: list[ReportError] = []
    keep: list[int] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(header):
        letter = column_letter(index)
        if not name:
            if any(_cell(row, index) for _, row in body):
                errors.append(
                    DataError(
                        f"Spalte {letter} enthält Werte, hat aber keinen Namen.",
                        Location(location.file, row=header_row),
                        "Tragen Sie in der Kopfzeile einen Namen ein oder löschen Sie die Spalte.",
                    )
                )
        elif name in seen:
            errors.append(
                DataError(
                    f"Die Spalte steht doppelt in der Kopfzeile (Spalten {seen[name]} und {letter}).",
                    Location(location.file, row=header_row, column=name),
                    "Benennen oder löschen Sie eine der beiden Spalten.",
                )
            )
        else:
            seen[name] = letter
            keep.append(index)
    raise_all(errors)
    return keep


def _width_errors(header: list[str], body: list[_Record], location: Location) -> list[ReportError]:
    """Rows with more filled fields than the header, or fewer fields: usually a stray delimiter or line break."""
    width = _width(header)
    wrong = [(number, row) for number, row in body if len(row) < width or (len(row) > width and _width(row) > width)]
    errors: list[ReportError] = [
        DataError(
            f"Die Zeile hat {_fields(len(row) if len(row) < width else _width(row))}, die Kopfzeile {width}.",
            Location(location.file, row=number),
            "Steht ein Trennzeichen in einem Text, setzen Sie den Text in Anführungszeichen; "
            "ein Zeilenumbruch in einer Zelle teilt die Zeile.",
        )
        for number, row in wrong[:_MAX_ROW_ERRORS]
    ]
    if len(wrong) > _MAX_ROW_ERRORS:
        rest = row_list(number for number, _ in wrong[_MAX_ROW_ERRORS:])
        errors.append(DataError(f"… ebenso die Zeilen {rest}.", Location(location.file)))
    return errors


def _fields(count: int) -> str:
    return "1 Feld" if count == 1 else f"{count} Felder"


def _filled(row: list[str]) -> bool:
    return any(map(str.strip, row))


def _width(row: list[str]) -> int:
    """Fields up to the last filled one: Excel may add empty fields at the end of a row."""
    filled = [index for index, cell in enumerate(row) if cell.strip()]
    return filled[-1] + 1 if filled else 0


def _cell(row: list[str], index: int) -> str:
    return row[index] if index < len(row) else ""


def column_letter(index: int) -> str:
    """The spreadsheet name of the column at 0-based `index`: A, B, …, Z, AA, …"""
    return fmt.letters(index).upper()


def row_list(rows: Iterable[int | None], limit: int = 80) -> str:
    """Row numbers for a message, "7, 8, 9", cut after about `limit` characters with ", …"."""
    text = ", ".join(str(row) for row in rows)
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0] + ", …"
