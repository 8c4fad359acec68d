"""Cells -> values, per question kind: codes, numbers, texts and multiple-response sets; each bad cell one DataError.

A column holds few distinct answers: each distinct cell is decided once (`pandas.factorize`), then the whole
column is mapped with numpy, so a large file costs a pass per column, not a Python call per cell.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codebook import Question
from .errors import DataError, Location, ReportError, did_you_mean
from .tables import header_name, row_list

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

MAX_ERRORS_PER_COLUMN = 5
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?")
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")


@dataclass(frozen=True)
class Cells:
    """The responses table as read, the file's name for messages and its number convention (numbers.GERMAN,
    numbers.ENGLISH or None when the file does not tell)."""

    table: pd.DataFrame
    file: str
    convention: str | None = None

    def distinct(self, name: str) -> tuple[np.ndarray, list[str]]:
        """The column's cells as positions into its distinct, trimmed texts."""
        import pandas as pd

        cells = self.table[name]
        if isinstance(cells.dtype, pd.CategoricalDtype) and not cells.hasnans:  # read_table's: trimmed already
            return cells.cat.codes.to_numpy(), list(map(str, cells.cat.categories.tolist()))
        positions, distinct = pd.factorize(cells.to_numpy(dtype=object), use_na_sentinel=False)
        return positions, [str(text).strip() for text in distinct.tolist()]

    def errors(self, column: str, bad: np.ndarray, describe: Callable[[str], DataError]) -> list[ReportError]:
        """One error per bad cell (`describe` words it), the first few, then one line with the other rows."""
        if not bad.any():
            return []
        cells = self.table[column]
        rows = cells.index[bad]
        errors: list[ReportError] = [
            describe(str(cells[row]).strip()).at(Location(self.file, row=int(row), column=column))
            for row in rows[:MAX_ERRORS_PER_COLUMN]
        ]
        return capped(errors, [int(row) for row in rows[MAX_ERRORS_PER_COLUMN:]], self.file, column)


def capped(errors: list[ReportError], rest: list[int], file: str, column: str) -> list[ReportError]:
    """The first problems of a column, then one line with the rows of the rest."""
    if not rest:
        return errors
    summary = f"… und {len(rest)} weitere Probleme in dieser Spalte (Zeilen {row_list(rest)})."
    return [*errors, DataError(summary, Location(file, column=column))]


def normal(label: str) -> str:
    """Labels compare as headers do (`header_name`), and without regard to case, spaces and the kind of dash."""
    label = _DASHES.sub("-", header_name(label).casefold())
    return "".join(label.split())


def _decide(cells: Cells, column: str, meaning: Callable[[str], tuple[float, bool]]) -> tuple[np.ndarray, np.ndarray]:
    """(values, bad) for every cell, `meaning` called once per distinct cell."""
    import numpy as np

    positions, distinct = cells.distinct(column)
    decided = [meaning(cell) for cell in distinct]
    values = np.array([value for value, _ in decided], dtype=float)
    bad = np.array([problem for _, problem in decided], dtype=bool)
    return values[positions], bad[positions]


def is_missing(cell: str, question: Question) -> bool:
    """An empty cell, a missing code or a missing label."""
    if not cell:
        return True
    if question.missing_codes and _NUMBER.fullmatch(cell) and float(cell.replace(",", ".")) in question.missing_codes:
        return True
    return bool(question.missing_labels) and normal(cell) in {normal(label) for label in question.missing_labels}


# Codes: scale, single, yesno and the cells of a multiple set in the codes format.


def codes(cells: Cells, column: str, question: Question) -> tuple[pd.Series, list[ReportError]]:
    """Codes as floats (NaN: missing); a code or label of the question, or a missing code or label."""
    import pandas as pd

    labels = {normal(category.label): float(category.code) for category in question.categories}

    def meaning(cell: str) -> tuple[float, bool]:
        if is_missing(cell, question):
            return math.nan, False
        code = float(cell.replace(",", ".")) if _NUMBER.fullmatch(cell) else labels.get(normal(cell), math.nan)
        return (code, False) if code in question.codes else (math.nan, True)

    values, bad = _decide(cells, column, meaning)
    errors = cells.errors(column, bad, lambda cell: code_error(cell, question))
    return pd.Series(values, index=cells.table.index), errors


def code_error(cell: str, question: Question) -> DataError:
    missing = ", ".join([*(str(code) for code in question.missing_codes), *question.missing_labels])
    missing_note = f", {missing} (fehlend)" if missing else ""
    if question.is_scale:
        low, high = question.codes[0], question.codes[-1]
        if not _NUMBER.fullmatch(cell):
            problem = f"„{cell}“ ist keine Zahl" + (" und kein Label dieser Frage." if question.labels else ".")
        elif "," in cell or "." in cell:
            problem = f"„{cell}“ ist keine ganze Zahl."
        else:
            problem = f"„{cell}“ liegt außerhalb der Skala {low}–{high}."
        labels = "".join(f", „{category.label}“" for category in question.labels)
        hint = f"Erlaubt sind ganze Zahlen von {low} bis {high}{labels}{missing_note} oder eine leere Zelle."
        return DataError(problem, None, hint)
    allowed = "; ".join(f"{c.code} = {c.label}" + (" (fehlend)" if c.missing else "") for c in question.categories)
    if _NUMBER.fullmatch(cell):
        problem = f"„{cell}“ ist kein Code dieser Frage."
    else:
        problem = f"„{cell}“ ist weder Code noch Label dieser Frage."
    suggestion = did_you_mean(cell, [c.label for c in question.categories])
    hint = f"Erlaubt sind {allowed}{missing_note} oder eine leere Zelle."
    return DataError(problem, None, f"{suggestion} {hint}" if suggestion else hint)


# Free text


def texts(cells: Cells, column: str, question: Question) -> pd.Series:
    """Trimmed answers; empty cells and missing labels as None."""
    import numpy as np
    import pandas as pd

    positions, distinct = cells.distinct(column)
    answers = np.array([None if is_missing(text, question) else text for text in distinct], dtype=object)
    return pd.Series(answers[positions], index=cells.table.index, dtype=object)
