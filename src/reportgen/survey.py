"""Responses + codebook -> a validated Survey: columns, respondent ids and every cell checked."""

from __future__ import annotations

import dataclasses
import glob
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cell_sets import multiple, numbers
from .cells import MAX_ERRORS_PER_COLUMN, Cells, capped, codes, texts
from .codebook import Codebook, Question
from .errors import DataError, Location, ReportError, raise_all
from .limits import DEFAULTS, Limits
from .numbers import ENGLISH, GERMAN
from .survey_columns import match_columns
from .tables import EXPORT_HINT, HEADER_ROW, read_table

if TYPE_CHECKING:
    import pandas as pd

# The number convention a CSV's delimiter tells: German Excel writes `;` (and decimal commas).
_CONVENTIONS = {";": GERMAN, "\t": GERMAN, ",": ENGLISH}
# The frame's column of respondent weights ([analysis] weight), a name no question id can have.
WEIGHT_COLUMN = "@gewicht"
_WEIGHT_SETTING = "[analysis] weight in report.toml"


@dataclass(frozen=True)
class Survey:
    """Validated responses: one row per respondent, codes and numbers as floats (NaN = missing)."""

    codebook: Codebook
    frame: pd.DataFrame
    file: str

    @property
    def respondents(self) -> int:
        return len(self.frame)


def load_survey(
    raw: bytes,
    display_name: str,
    codebook: Codebook,
    id_column: str,
    limits: Limits = DEFAULTS,
    *,
    sheet: str | None = None,
    weight: str | None = None,
) -> Survey:
    """The responses file's bytes, read as a table within `limits` (a workbook's `sheet`, None: the first with a
    header row) and checked cell by cell against the codebook; `weight` names the column of respondent weights."""
    table = read_table(raw, display_name, limits, sheet=sheet)
    frame = validate(table, display_name, codebook, id_column, weight)
    return Survey(codebook, frame, display_name)


# Validation: columns against the codebook, ids, every cell.


def validate(
    table: pd.DataFrame, file: str, codebook: Codebook, id_column: str, weight: str | None = None
) -> pd.DataFrame:
    """Check columns, ids and every cell; return one frame column per question (codes and numbers as floats, texts
    as strings; a multiple set as one column per option, `cell_sets.set_column`), indexed by respondent id, and
    with a `weight` column the weights as WEIGHT_COLUMN.

    `table` is what read_table returns: strings, indexed by spreadsheet row. Columns are matched as
    `survey_columns.match_columns` does (an SPSS variable also by its label). All problems are collected and
    raised together.
    """
    import pandas as pd

    if table.empty:
        raise DataError("Die Datei enthält nur die Kopfzeile, keine Antworten.", Location(file), EXPORT_HINT)
    if "header_row" not in table.attrs:  # a frame made elsewhere: rows counted from the header in row 1
        table = table.set_axis(range(HEADER_ROW + 1, HEADER_ROW + 1 + len(table)), axis="index")
        table.attrs["header_row"] = HEADER_ROW
    header_row = int(table.attrs["header_row"])
    matched = (
        codebook if weight is None else dataclasses.replace(codebook, ignore=(*codebook.ignore, glob.escape(weight)))
    )
    table, errors = match_columns(table, file, matched, id_column, header_row)
    cells = Cells(table, file, _CONVENTIONS.get(table.attrs.get("delimiter", "")))
    ids = _ids(cells, id_column) if id_column in table.columns else None
    if ids is not None:
        errors.extend(_id_errors(ids, file, id_column))
    present = set(table.columns)
    columns: dict[str, pd.Series] = {}
    for question in codebook.questions:
        if all(column in present for column in question.source_columns):
            converted, question_errors = _convert(cells, question)
            columns.update(converted)
            errors.extend(question_errors)
    if weight is not None:
        weights, weight_errors = _weights(cells, weight, file, header_row)
        columns.update(weights)
        errors.extend(weight_errors)
    raise_all(sorted(errors, key=_file_order))
    frame = pd.DataFrame(columns, index=table.index, copy=False)  # one block per question: nothing copied
    frame.index = pd.Index(ids, name=id_column)
    return frame


def _convert(cells: Cells, question: Question) -> tuple[dict[str, pd.Series], list[ReportError]]:
    """The question's frame column(s) and the problems of its cells."""
    if question.is_multiple:
        return multiple(cells, question)
    column = question.source_columns[0]
    if question.is_text:
        return {question.id: texts(cells, column, question)}, []
    values, errors = (numbers if question.is_numeric else codes)(cells, column, question)
    return {question.id: values}, errors


def _weights(cells: Cells, column: str, file: str, header_row: int) -> tuple[dict[str, pd.Series], list[ReportError]]:
    """The weights as numbers ≥ 0; a missing column, a missing weight or one that is no number is an error."""
    import numpy as np

    if column not in cells.table.columns:
        problem = f"Die Gewichtungsspalte „{column}“ ({_WEIGHT_SETTING}) fehlt."
        hint = "Tragen Sie den Spaltennamen ein, wie er in der Kopfzeile steht, oder entfernen Sie weight."
        return {}, [DataError(problem, Location(file, row=header_row), hint)]
    question = Question(WEIGHT_COLUMN, "numeric", "Gewicht", "Gewicht", column=column, valid_range=(0.0, math.inf))
    values, errors = numbers(cells, column, question)
    bad_rows = {error.location.row for error in errors if error.location}
    absent = [int(row) for row, value in values.items() if np.isnan(value) and int(row) not in bad_rows]
    hint = f"Jede befragte Person braucht ein Gewicht (eine Zahl ab 0), da {_WEIGHT_SETTING} gesetzt ist."
    missing: list[ReportError] = [
        DataError("Das Gewicht fehlt.", Location(file, row=row, column=column), hint)
        for row in absent[:MAX_ERRORS_PER_COLUMN]
    ]
    return {WEIGHT_COLUMN: values}, [*errors, *capped(missing, absent[MAX_ERRORS_PER_COLUMN:], file, column)]


def _file_order(error: ReportError) -> float:
    """Problems in the order of the rows; summaries without a row last."""
    row = error.location.row if error.location else None
    return row if row is not None else math.inf


def _id_errors(ids: pd.Series, file: str, id_column: str) -> list[ReportError]:
    """Empty and repeated ids; the happy path is two vectorised passes."""
    empty = (ids == "").to_numpy()
    repeated = ids.duplicated().to_numpy() & ~empty
    if not (empty.any() or repeated.any()):
        return []
    first_row = {value: int(row) for row, value in ids[~empty & ~repeated].items()}
    errors: list[ReportError] = []
    for row, value in ids[empty | repeated].items():
        location = Location(file, row=int(row), column=id_column)
        if not value:
            errors.append(DataError("Die Befragten-ID fehlt.", location, "Tragen Sie eine eindeutige ID ein."))
        else:
            problem = f"Die ID „{value}“ steht schon in Zeile {first_row[value]}."
            errors.append(DataError(problem, location, "Jede Befragte und jeder Befragte braucht eine eigene ID."))
    rows = [error.location.row or 0 for error in errors[MAX_ERRORS_PER_COLUMN:] if error.location]
    return capped(errors[:MAX_ERRORS_PER_COLUMN], rows, file, id_column)


def _ids(cells: Cells, id_column: str) -> pd.Series:
    """The ids as trimmed texts, each distinct cell trimmed once."""
    import numpy as np
    import pandas as pd

    positions, texts = cells.distinct(id_column)
    return pd.Series(np.array(texts, dtype=object)[positions], index=cells.table.index).astype(str)
