"""Reading a responses table: the file's bytes -> a frame of stripped strings indexed by spreadsheet row.

Hostile and broken files end in one DataError, fast: the bytes, an XLSX's or SPSS file's unpacked size, its rows,
columns and cells are bounded (`limits.Limits`, set under [limits] in report.toml), and formulas without stored
results are refused, never read as empty. Typed cells (XLSX numbers and dates, SPSS values) become the text a
German user would type into a CSV file (`cell_text.typed_text`), so that every format reads to the same strings.

This module owns the entry point, the map from file format to reader and the words the readers share; the
readers are `csv_read`, `xlsx` and `sav`, and `table_frame` turns their records into the frame.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from . import fmt
from .errors import DataError, Location, raise_setting
from .files import too_large
from .limits import DEFAULTS, Limits

if TYPE_CHECKING:
    import pandas as pd

    from .table_frame import Grid


HEADER_ROW = 1
DELIMITERS = (";", ",", "\t")
EXPORT_HINT = "Exportieren Sie die Antworten erneut als CSV oder XLSX mit Kopfzeile."


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
_Reader = Callable[[bytes, Location, Limits, "str | None"], "Grid"]


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
    `attrs["header_row"]` the header's. Column names are compared as they look (`header_name`). The columns are
    categoricals of stripped texts (a column holds few distinct answers). Reading the file, and reporting a missing
    one, is the caller's job.
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
    from .table_frame import to_frame

    return to_frame(table_format.read(raw, location, limits, sheet), location)


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


# The readers are imported when a file of their format is read: openpyxl only for workbooks, and so on.


def _read_csv(raw: bytes, location: Location, limits: Limits, sheet: str | None) -> Grid:
    from .csv_read import read_csv

    return read_csv(raw, location, limits)


def _read_xlsx(raw: bytes, location: Location, limits: Limits, sheet: str | None) -> Grid:
    from .table_frame import Grid
    from .xlsx import read_xlsx

    return Grid.of(read_xlsx(raw, location, limits, sheet))


def _read_sav(raw: bytes, location: Location, limits: Limits, sheet: str | None) -> Grid:
    from .sav import read_sav

    return read_sav(raw, location, limits)


# The one place that maps a file format to its reader.
_CSV = _Format(_read_csv, "CSV-Datei")
_XLSX = _Format(_read_xlsx, "XLSX-Arbeitsmappe", sheets=True)
_SAV = _Format(_read_sav, "SPSS-Datei")
_FORMATS: dict[str, _Format] = {".csv": _CSV, ".xlsx": _XLSX, ".xlsm": _XLSX, ".sav": _SAV, ".zsav": _SAV}


def column_letter(index: int) -> str:
    """The spreadsheet name of the column at 0-based `index`: A, B, …, Z, AA, …"""
    return fmt.letters(index).upper()


def row_list(rows: Iterable[int | None], limit: int = 80) -> str:
    """Row numbers for a message, "7, 8, 9", cut after about `limit` characters with ", …"."""
    text = ", ".join(str(row) for row in rows)
    return text if len(text) <= limit else text[:limit].rsplit(",", 1)[0] + ", …"
