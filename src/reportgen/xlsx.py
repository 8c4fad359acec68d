"""Reading one worksheet of an XLSX workbook with bounds: its unpacked size, rows, columns and cells.

The worksheet is the one named in [survey] sheet, else the first one with a header row (an information sheet
before the data is passed over). Cells are read as the file stores them (a stray cell far away is named, not
expanded) and typed values become text as `cell_text.typed_text` writes them; formulas count by their stored
results, and a formula without one is an error, never an empty answer."""

from __future__ import annotations

import contextlib
import io
import warnings
import zipfile
from collections.abc import Generator, Iterable
from typing import Any

from .cell_text import typed_text
from .errors import DataError, Location, ReportError, did_you_mean, raise_setting
from .files import sizes
from .limits import Limits
from .tables import Rows, column_letter, count_text, header_name, too_many

_MAX_LISTED_CELLS = 5
_RESAVE_HINT = "Öffnen Sie sie in Excel und speichern Sie sie erneut als „Excel-Arbeitsmappe (.xlsx)“."


# A cell that holds a formula but no stored result (openpyxl and pandas write them so).
_UNCACHED = "formula without result"


def read_xlsx(raw: bytes, location: Location, limits: Limits, sheet: str | None = None) -> Rows:
    """The values of the worksheet named `sheet` (None: the first with a header row), read within `limits`;
    formulas count by their stored results. `attrs["sheet"]` is the name of the worksheet read."""
    if not raw.startswith(b"PK"):
        raise DataError(
            "Die Datei ist keine XLSX-Arbeitsmappe.",
            location,
            "Speichern Sie sie in Excel als „Excel-Arbeitsmappe (.xlsx)“; ist sie eine CSV-Datei, benennen Sie sie "
            "in .csv um und passen Sie [survey] responses in report.toml an.",
        )
    try:
        _check_unpacked_size(raw, location, limits)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it ignores
            title, values = _sheet_values(raw, location, limits, sheet)
    except ReportError:
        raise
    except Exception as error:  # openpyxl, zipfile and the XML parser raise many kinds for a broken file
        raise DataError(
            f"Die XLSX-Datei lässt sich nicht lesen ({type(error).__name__}).", location, _RESAVE_HINT
        ) from None
    rows = _dense(values, location, limits)
    rows.attrs["sheet"] = title
    return rows


def _check_unpacked_size(raw: bytes, location: Location, limits: Limits) -> None:
    """Before anything is decompressed: zipfile never unpacks a part beyond the size its directory declares."""
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > limits.xlsx_unpacked_bytes:
        raise DataError(
            f"Die XLSX-Datei ist entpackt zu groß ({sizes(unpacked, limits.xlsx_unpacked_bytes)}).",
            location,
            "Kopieren Sie nur die Antworten in eine neue Arbeitsmappe und speichern Sie diese; eine so stark gepackte "
            f"Datei kann auch beschädigt oder manipuliert sein. Ist sie in Ordnung, {raise_setting('xlsx_unpacked_mb')}.",
        )


def _sheet_values(
    raw: bytes, location: Location, limits: Limits, wanted: str | None
) -> tuple[str, dict[int, dict[int, str]]]:
    """The chosen worksheet's name and its non-empty cells by row and column, streamed from its XML."""
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        if not workbook.worksheets:
            raise DataError(
                "Die Arbeitsmappe enthält kein Tabellenblatt.",
                location,
                "Legen Sie die Antworten auf das erste Tabellenblatt und speichern Sie die Datei erneut.",
            )
        sheet = _named_sheet(workbook, wanted, location) if wanted is not None else _first_table(workbook, limits)
        with sheet._get_source() as source:
            return sheet.title, _collect(_cell_rows(source, workbook, sheet), location, limits)
    finally:
        workbook.close()


def _named_sheet(workbook: Any, wanted: str, location: Location) -> Any:
    """The worksheet named `wanted`; as in Excel, names compare without regard to case."""
    sheets = {sheet.title: sheet for sheet in workbook.worksheets}
    if wanted in sheets:
        return sheets[wanted]
    folded = [sheet for title, sheet in sheets.items() if _sheet_key(title) == _sheet_key(wanted)]
    if len(folded) == 1:
        return folded[0]
    listed = ", ".join(f"„{title}“" for title in sheets)
    guess = did_you_mean(wanted, sheets)
    raise DataError(
        f"Die Arbeitsmappe hat kein Tabellenblatt „{wanted}“ ([survey] sheet in report.toml).",
        location,
        " ".join(filter(None, [guess, f"Ihre Tabellenblätter: {listed}."])),
    )


def _sheet_key(title: str) -> str:
    return header_name(title).casefold()


def _first_table(workbook: Any, limits: Limits) -> Any:
    """The first worksheet with a header row (two or more filled cells, at least one of them text) and a row of
    values below it; the first worksheet when none has, so that its problems are the ones reported.

    Only the top rows of each sheet are read here, within the cell limit; the chosen one is read again in full."""
    if len(workbook.worksheets) == 1:
        return workbook.worksheets[0]
    for sheet in workbook.worksheets:
        with sheet._get_source() as source, contextlib.closing(_cell_rows(source, workbook, sheet)) as rows:
            if _has_header_row(rows, limits):
                return sheet
    return workbook.worksheets[0]


def _has_header_row(rows: Iterable[tuple[int, list[dict[str, Any]]]], limits: Limits) -> bool:
    count = 0
    header: list[object] | None = None
    for _, cells in rows:
        count += len(cells)
        if count > limits.cells:
            return False  # the full read of the chosen sheet reports a sheet this large, if it is chosen
        values = [cell["value"] for cell in cells if typed_text(cell["value"])]
        if not values:
            continue
        if header is not None:
            return True
        if len(values) < 2 or not any(isinstance(value, str) for value in values):
            return False
        header = values
    return False


def _cell_rows(source: Any, workbook: Any, sheet: Any) -> Generator[tuple[int, list[dict[str, Any]]], None, None]:
    """The sheet's rows as openpyxl's parser yields them: only the cells in the file, whatever <dimension> claims.

    openpyxl's own read-only rows pad every row to the claimed dimension (one stray cell at XFD1048576 makes
    16,384 × 1,048,576 cells), so its worksheet parser is used directly, as its read-only sheet uses it; each
    cell is marked when it has a formula but no stored result."""
    from openpyxl.worksheet._reader import FORMULA_TAG, WorkSheetParser

    parser = WorkSheetParser(
        source,
        sheet._shared_strings,
        data_only=True,
        epoch=workbook.epoch,
        date_formats=workbook._date_formats,
        timedelta_formats=workbook._timedelta_formats,
    )
    parse_cell = parser.parse_cell

    def parse_cell_marking_formulas(element: Any) -> dict[str, Any]:
        cell: dict[str, Any] = parse_cell(element)
        # An empty result of a text formula is stored as t="str" with an empty <v>: a result, not a missing one.
        if cell["value"] is None and element.get("t") != "str" and element.find(FORMULA_TAG) is not None:
            cell["data_type"] = _UNCACHED
        return cell

    parser.parse_cell = parse_cell_marking_formulas
    yield from parser.parse()


def _collect(
    rows: Iterable[tuple[int, list[dict[str, Any]]]], location: Location, limits: Limits
) -> dict[int, dict[int, str]]:
    """Non-empty cells within the limits; empty cells anywhere are ignored, formulas without results refused."""
    values: dict[int, dict[int, str]] = {}
    uncached: list[tuple[int, int]] = []
    count = 0
    for _, cells in rows:
        for cell in cells:
            row, column = int(cell["row"]), int(cell["column"])
            count += 1
            if count > limits.cells:
                raise too_many(Location(location.file, row=row), limits.cells, "Zellen", "cells")
            text = typed_text(cell["value"])
            if not text and cell["data_type"] != _UNCACHED:
                continue
            if row < 1 or column < 1:
                raise ValueError(f"cell at row {row}, column {column}")
            if row > limits.rows or column > limits.columns:
                raise _far_away(row, column, location, limits)
            if cell["data_type"] == _UNCACHED:
                uncached.append((row, column))
            else:
                values.setdefault(row, {})[column] = text
    if uncached:
        raise _formulas_without_results(sorted(uncached), location)
    return values


def _dense(values: dict[int, dict[int, str]], location: Location, limits: Limits) -> Rows:
    """The rows that hold values, each as wide as the widest."""
    width = max((max(cells) for cells in values.values()), default=0)
    numbers = sorted(values)
    if len(numbers) * width > limits.cells:
        raise too_many(Location(location.file), limits.cells, "Zellen", "cells")
    return Rows(numbers, [[values[number].get(column, "") for column in range(1, width + 1)] for number in numbers])


def _far_away(row: int, column: int, location: Location, limits: Limits) -> DataError:
    beyond = [key for key, over in (("rows", row > limits.rows), ("columns", column > limits.columns)) if over]
    return DataError(
        f"Zelle {column_letter(column - 1)}{row} liegt weit außerhalb der Tabelle (gelesen werden höchstens "
        f"{count_text(limits.rows)} Zeilen und {count_text(limits.columns)} Spalten).",
        Location(location.file, row=row),
        "Löschen Sie den Inhalt dieser Zelle (oft ein versehentlicher Eintrag) und speichern Sie die Datei erneut; "
        f"gehört sie zur Tabelle, {raise_setting(*beyond)}.",
    )


def _formulas_without_results(cells: list[tuple[int, int]], location: Location) -> DataError:
    names = [f"{column_letter(column - 1)}{row}" for row, column in cells]
    listed = ", ".join(names[:_MAX_LISTED_CELLS])
    if len(names) > _MAX_LISTED_CELLS:
        listed += f" und {len(names) - _MAX_LISTED_CELLS} weitere"
    if len(names) == 1:
        problem = f"Die Formelzelle {listed} hat kein gespeichertes Ergebnis und würde als leer gelesen."
    else:
        problem = f"{len(names)} Formelzellen haben kein gespeichertes Ergebnis und würden als leer gelesen: {listed}."
    return DataError(
        problem,
        Location(location.file, row=cells[0][0]),
        "Öffnen Sie die Arbeitsmappe in Excel oder LibreOffice und speichern Sie sie, damit die Ergebnisse "
        "gespeichert werden (openpyxl und pandas schreiben Formeln ohne Ergebnis).",
    )
