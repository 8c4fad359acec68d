"""Reading a CSV file's bytes into records: encoding, Excel's "sep=" line and the delimiter found, binary refused.

A well-formed file is parsed the fast way (`csv_fast`: pandas' C engine); whatever that path does not understand
exactly as the csv module does, it hands back, and the csv module (strict) reads the file, so that a broken quote,
a row beyond the limits or an overlong field is reported with its row, in the same words either way.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

from .csv_fast import fast_grid, has_control
from .errors import DataError, Location
from .limits import Limits
from .table_frame import Grid
from .tables import DELIMITERS, HEADER_ROW, Rows, too_many

_SEP_LINE = re.compile(r"sep=(.)\s*")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_UTF8_BOM = b"\xef\xbb\xbf"
_HEAD = 1 << 16  # characters looked at first for the header line


def read_csv(raw: bytes, location: Location, limits: Limits) -> Grid:
    """The records of a CSV file: `;`, `,` or tab as delimiter (told in `attrs["delimiter"]`), UTF-8 with or
    without BOM, UTF-16 with BOM, or Windows-1252, any line ends; cells as the file holds them."""
    _refuse_binary(raw, location)
    text, data = _decode(raw, location)
    first_line, _, rest = text.partition("\n")
    declared = _SEP_LINE.fullmatch(first_line.strip())
    if declared:  # Excel's "sep=;" line: Excel hides it, so rows are counted without it
        text, data, delimiter = rest, data[len(first_line.encode("utf-8")) + 1 :], declared.group(1)
    else:
        delimiter = _detect_delimiter(text)
    grid = fast_grid(data, delimiter, limits) if delimiter in DELIMITERS and not text.startswith("\ufeff") else None
    if grid is None:
        grid = Grid.of(_parse_csv(text, delimiter, location, limits))
    grid.attrs["delimiter"] = delimiter
    return grid


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


def _decode(raw: bytes, location: Location) -> tuple[str, bytes]:
    """The text, and its UTF-8 bytes: UTF-16 with BOM, UTF-8 (BOM optional) or Windows-1252; control characters
    mean binary data."""
    data = None
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = _try_decode(raw, "utf-16")
    else:
        text = _try_decode(raw, "utf-8-sig")
        if text is not None:
            data = raw.removeprefix(_UTF8_BOM)  # the text's UTF-8 bytes already
        elif b"\x00" not in raw:
            text = _try_decode(raw, "cp1252")
    if text is not None:
        data = data if data is not None else text.encode("utf-8")
        if not has_control(data):
            return text, data
    control = _CONTROL.search(text) if text is not None else None
    row = len(_LINE_BREAK.findall(text, 0, control.start())) + 1 if text is not None and control else None
    raise DataError(
        "Die Datei ist keine Textdatei (CSV)" + (" – sie enthält Steuerzeichen." if row else "."),
        Location(location.file, row=row),
        "Speichern Sie die Tabelle in Excel als „CSV (Trennzeichen-getrennt)“ oder als XLSX.",
    )


def _try_decode(raw: bytes, encoding: str) -> str | None:
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError:
        return None


def _detect_delimiter(text: str) -> str:
    """csv.Sniffer on the header line: column names hold no decimal commas, unlike the answers."""
    header = _first_filled_line(text)
    try:
        return csv.Sniffer().sniff(header, delimiters="".join(DELIMITERS)).delimiter
    except csv.Error:
        return ","  # one column only: any delimiter reads it the same


def _first_filled_line(text: str) -> str:
    """The first line that is not blank, "" if there is none; a large file's lines are not all split for it."""
    size = _HEAD
    while True:
        head = text[:size]
        lines = head.splitlines()
        whole = len(head) == len(text)
        line = next((line for line in (lines if whole else lines[:-1]) if line.strip()), None)
        if line is not None or whole:
            return line or ""
        size *= 4  # the last line of the head may be cut short: it counts only when the head is all the text


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
            cells.append(row)
    except csv.Error as error:
        raise _quote_error(str(error), Location(location.file, row=len(cells) + HEADER_ROW)) from None
    return Rows.from_top(cells)


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
