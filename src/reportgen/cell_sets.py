"""Cells of numeric items and of multiple-response sets -> values, vectorised per column; bad cells as DataErrors."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from .cells import Cells, codes, is_missing, normal
from .codebook import Question
from .errors import DataError, ReportError
from .numbers import Reading, read_number, read_numbers

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

SELECTED, NOT_SELECTED = 1.0, 0.0


def set_column(question: Question, number: int) -> str:
    """The frame's column of a multiple set's `number`-th option (1-based): 1.0 selected, 0.0 not, NaN missing."""
    return f"{question.id}/{number}"


# Numeric items


def numbers(cells: Cells, column: str, question: Question) -> tuple[pd.Series, list[ReportError]]:
    """Numbers as floats (NaN: missing): German and English separators, the unit allowed; range and bins checked."""
    import numpy as np
    import pandas as pd

    positions, texts = cells.distinct(column)
    readings = read_numbers(texts, question.unit)
    convention = cells.convention or readings.convention()
    values = readings.resolved(convention)
    unread = np.isnan(values)
    missing = np.isin(values, question.missing_codes)
    for index in np.flatnonzero(unread).tolist():
        missing[index] = is_missing(texts[index], question)
    low, high = question.valid_range or (-math.inf, math.inf)
    if question.bins:
        low = max(low, question.bins[0])
    bad = ~missing & (unread | (values < low) | (values > high))
    values = np.where(bad | missing, math.nan, values)
    errors = cells.errors(
        column, bad[positions], lambda cell: number_error(cell, question, read_number(cell, question.unit), convention)
    )
    return pd.Series(values[positions], index=cells.table.index), errors


def number_error(cell: str, question: Question, reading: Reading, convention: str | None) -> DataError:
    missing = ", ".join([*(str(code) for code in question.missing_codes), *question.missing_labels])
    missing_note = f", {missing} (fehlend)" if missing else ""
    allowed = f"Erlaubt sind Zahlen wie 1250, 1.250,5 oder 1250.5{missing_note} oder eine leere Zelle."
    if reading.ambiguous and convention is None:
        german, english = _shown(reading.german), _shown(reading.english)
        problem = f"„{cell}“ ist mehrdeutig: {german} oder {english}?"
        return DataError(problem, None, "Schreiben Sie die Zahl ohne Tausendertrennzeichen, z. B. 1250 oder 1,25.")
    value = reading.resolved(convention)
    if value is None:
        return DataError(f"„{cell}“ ist keine Zahl.", None, allowed)
    if question.valid_range and not question.valid_range[0] <= value <= question.valid_range[1]:
        low, high = (_shown(bound) for bound in question.valid_range)
        hint = f"Gültig sind Werte von {low} bis {high} (range im Codebuch){missing_note} oder eine leere Zelle."
        return DataError(f"„{cell}“ liegt außerhalb des gültigen Bereichs {low} bis {high}.", None, hint)
    first = _shown(question.bins[0])
    hint = f"Die Klassen (bins) beginnen bei {first}; ergänzen Sie eine kleinere Grenze oder prüfen Sie den Wert."
    return DataError(f"„{cell}“ liegt unter der ersten Klassengrenze {first}.", None, hint)


def _shown(value: float | None) -> str:
    """A number as German readers write it, for messages: 1250, 1,25."""
    assert value is not None
    return (str(int(value)) if float(value).is_integer() else repr(value)).replace(".", ",")


# Multiple-response sets: one frame column per option, 1.0 selected, 0.0 not, NaN for a respondent who left
# every cell of the set empty.


def multiple(cells: Cells, question: Question) -> tuple[dict[str, pd.Series], list[ReportError]]:
    import numpy as np
    import pandas as pd

    if question.format == "codes":
        chosen, errors = _codes_set(cells, question)
    else:
        chosen, errors = _dichotomies(cells, question), []
    answered = ~np.isnan(chosen).all(axis=1)
    indicators = {
        set_column(question, number): pd.Series(np.where(answered, selected, math.nan), index=cells.table.index)
        for number, selected in enumerate(_selections(chosen, question), 1)
    }
    return indicators, errors


def _dichotomies(cells: Cells, question: Question) -> np.ndarray:
    """rows × options: 1.0 selected, 0.0 answered otherwise, NaN empty (or missing)."""
    import numpy as np

    selected = {normal(value) for value in question.selected}
    result = np.empty((len(cells.table), len(question.options)))
    for index, option in enumerate(question.options):
        chosen = selected | {normal(option.label)}
        positions, distinct = cells.distinct(option.column)
        meaning = [_dichotomy(cell, chosen, question) for cell in distinct]
        result[:, index] = np.array(meaning, dtype=float)[positions]
    return result


def _dichotomy(cell: str, selected: set[str], question: Question) -> float:
    if is_missing(cell, question):
        return math.nan
    return SELECTED if normal(cell) in selected else NOT_SELECTED


def _codes_set(cells: Cells, question: Question) -> tuple[np.ndarray, list[ReportError]]:
    """rows × columns of the set: the code in each cell (NaN empty)."""
    import numpy as np

    result = np.empty((len(cells.table), len(question.columns)))
    errors: list[ReportError] = []
    for index, column in enumerate(question.columns):
        values, column_errors = codes(cells, column, question)
        result[:, index] = values.to_numpy()
        errors.extend(column_errors)
    return result, errors


def _selections(chosen: np.ndarray, question: Question) -> list[np.ndarray]:
    """Per option, whether each respondent selected it (1.0 or 0.0)."""
    import numpy as np

    if question.format == "codes":
        return [(chosen == option.code).any(axis=1).astype(float) for option in question.options]
    return [np.nan_to_num(chosen[:, index]) for index in range(len(question.options))]
