"""Responses + codebook -> a validated Survey; CSV as Excel writes it, or XLSX."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .codebook import Codebook, Question
from .errors import Location, ReportError, raise_all

if TYPE_CHECKING:
    import pandas as pd

HEADER_ROW = 1
_MAX_ERRORS_PER_COLUMN = 5


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


def read_table(path: Path, display_name: str) -> pd.DataFrame:
    """CSV (delimiter and encoding detected) or XLSX -> a frame of stripped strings."""
    location = Location(display_name)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ReportError("Datei nicht gefunden.", location, "Prüfen Sie [survey] responses in report.toml.") from None
    if not raw.strip():
        raise ReportError("Die Datei ist leer.", location, "Exportieren Sie die Antworten mit Kopfzeile erneut.")
    if path.suffix.lower() == ".xlsx":
        return _read_xlsx(raw, location)
    return _read_csv(_decode(raw, location), location)


def _decode(raw: bytes, location: Location) -> str:
    if b"\x00" in raw:
        raise ReportError(
            "Die Datei ist keine Textdatei (CSV).", location, "Speichern Sie die Tabelle als CSV oder XLSX."
        )
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReportError("Unbekannte Zeichenkodierung.", location, "Speichern Sie die Datei als CSV (UTF-8).")


def _read_csv(text: str, location: Location) -> pd.DataFrame:
    import pandas as pd

    sample = "\n".join(text.splitlines()[:50])
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=";,\t").delimiter
    except csv.Error:
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()
    if not rows:
        raise ReportError("Die Datei ist leer.", location, "Exportieren Sie die Antworten mit Kopfzeile erneut.")
    header = [cell.strip() for cell in rows[0]]
    _check_header(header, location)
    for number, row in enumerate(rows[1:], HEADER_ROW + 1):
        if len(row) > len(header) and any(cell.strip() for cell in row[len(header) :]):
            raise ReportError(
                f"{len(row)} Felder, die Kopfzeile hat {len(header)}.",
                Location(location.file, row=number),
                f"Entfernen Sie überzählige Trennzeichen „{delimiter}“ in dieser Zeile.",
            )
    body = [[cell.strip() for cell in row[: len(header)]] + [""] * (len(header) - len(row)) for row in rows[1:]]
    return pd.DataFrame(body, columns=header, dtype=object)


def _read_xlsx(raw: bytes, location: Location) -> pd.DataFrame:
    import pandas as pd

    try:
        frame = pd.read_excel(io.BytesIO(raw), dtype=object, header=None, engine="openpyxl")
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ReportError(
            f"Die XLSX-Datei lässt sich nicht lesen ({type(error).__name__}).",
            location,
            "Speichern Sie sie in Excel neu.",
        ) from None
    cells = frame.map(lambda value: "" if pd.isna(value) else _xlsx_text(value))
    if cells.empty:
        raise ReportError("Die Datei ist leer.", location, "Exportieren Sie die Antworten mit Kopfzeile erneut.")
    header = [str(cell).strip() for cell in cells.iloc[0]]
    _check_header(header, location)
    body = cells.iloc[1:].reset_index(drop=True)
    body.columns = header
    return body


def _xlsx_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _check_header(header: list[str], location: Location) -> None:
    for index, name in enumerate(header):
        if not name:
            raise ReportError(
                f"Spalte {index + 1} hat keinen Namen.",
                Location(location.file, row=HEADER_ROW),
                "Tragen Sie in der Kopfzeile einen Namen ein.",
            )
        if header.index(name) != index:
            raise ReportError(
                "Spalte kommt doppelt vor.",
                Location(location.file, row=HEADER_ROW, column=name),
                "Benennen oder löschen Sie eine der beiden Spalten.",
            )


def validate(table: pd.DataFrame, file: str, codebook: Codebook, id_column: str) -> pd.DataFrame:
    """Check columns, ids and every cell; return codes as floats and texts as strings."""
    import pandas as pd

    if table.empty:
        raise ReportError(
            "Die Datei enthält nur die Kopfzeile, keine Antworten.",
            Location(file),
            "Exportieren Sie die Antworten erneut.",
        )
    errors = _column_errors(table, file, codebook, id_column)
    raise_all(errors)
    errors.extend(_id_errors(table[id_column], file, id_column))
    columns = {}
    for question in codebook.questions:
        values, column_errors = _convert(table[question.id], question, file)
        columns[question.id] = values
        errors.extend(column_errors)
    raise_all(errors)
    frame = pd.DataFrame(columns)
    frame.index = pd.Index(table[id_column].tolist(), name=id_column)
    return frame


def _column_errors(table: pd.DataFrame, file: str, codebook: Codebook, id_column: str) -> list[ReportError]:
    errors = []
    header = Location(file, row=HEADER_ROW)
    if id_column not in table.columns:
        errors.append(
            ReportError(
                f"Die Spalte „{id_column}“ mit den Befragten-IDs fehlt.",
                header,
                "Fügen Sie sie hinzu oder ändern Sie [survey] id_column in report.toml.",
            )
        )
    for question in codebook.questions:
        if question.id not in table.columns:
            errors.append(
                ReportError(
                    f"Die Spalte „{question.id}“ aus dem Codebuch fehlt.",
                    header,
                    f"Fügen Sie sie hinzu oder entfernen Sie [{question.id}] aus {codebook.file}.",
                )
            )
    for column in table.columns:
        if column != id_column and column not in codebook.ids:
            errors.append(
                ReportError(
                    "Spalte ohne Eintrag im Codebuch.",
                    Location(file, row=HEADER_ROW, column=column),
                    f"Beschreiben Sie sie in {codebook.file} oder löschen Sie sie.",
                )
            )
    return errors


def _id_errors(ids: pd.Series, file: str, id_column: str) -> list[ReportError]:
    errors = []
    first_row: dict[str, int] = {}
    for position, value in enumerate(ids):
        row = position + HEADER_ROW + 1
        if not value:
            errors.append(
                ReportError(
                    "Die Befragten-ID fehlt.",
                    Location(file, row=row, column=id_column),
                    "Tragen Sie eine eindeutige ID ein.",
                )
            )
        elif value in first_row:
            errors.append(
                ReportError(
                    f"Die ID „{value}“ steht schon in Zeile {first_row[value]}.",
                    Location(file, row=row, column=id_column),
                    "Jede Befragte/jeder Befragte braucht eine eigene ID.",
                )
            )
        else:
            first_row[value] = row
    return errors


def _convert(cells: pd.Series, question: Question, file: str) -> tuple[pd.Series, list[ReportError]]:
    """Map cells to codes: numbers (decimal comma allowed) or exact category labels."""
    import numpy as np
    import pandas as pd

    cells = cells.astype(str).str.strip()
    empty = cells == ""
    if question.kind == "text":
        return cells.where(~empty, None), []
    by_label = {category.label: float(category.code) for category in question.categories}
    numbers = pd.to_numeric(cells.str.replace(",", ".", regex=False), errors="coerce")
    labelled = cells.map(by_label)
    values = numbers.where(numbers.notna(), labelled)
    valid = values.isin([float(code) for code in question.codes])
    missing = empty | values.isin([float(code) for code in question.missing_codes])
    bad = ~(valid | missing)
    errors = [
        _cell_error(cells, question, file, position)
        for position in np.flatnonzero(bad.to_numpy())[:_MAX_ERRORS_PER_COLUMN]
    ]
    extra = int(bad.sum()) - len(errors)
    if extra > 0:
        errors.append(ReportError(f"… und {extra} weitere ungültige Werte.", Location(file, column=question.id)))
    return values.where(valid, np.nan).astype(float), errors


def _cell_error(cells: pd.Series, question: Question, file: str, position: int) -> ReportError:
    value = cells.iloc[position]
    location = Location(file, row=position + HEADER_ROW + 1, column=question.id)
    if question.is_scale:
        low, high = question.codes[0], question.codes[-1]
        is_number = re.fullmatch(r"-?\d+([.,]\d+)?", value) is not None
        problem = f"„{value}“ liegt außerhalb der Skala {low}–{high}." if is_number else f"„{value}“ ist keine Zahl."
        return ReportError(problem, location, f"Erlaubt sind ganze Zahlen von {low} bis {high} oder eine leere Zelle.")
    allowed = ", ".join(f"{c.code} = {c.label}" for c in question.categories)
    return ReportError(
        f"„{value}“ ist kein Code dieser Frage.", location, f"Erlaubt sind {allowed} oder eine leere Zelle."
    )
