"""Records -> the responses frame: the header found, its names checked, row widths checked, blank rows skipped.

The records come column by column (`Grid`): each column as positions into its distinct, stripped texts, as
`pandas.factorize` gives them. A column holds few distinct answers, so stripping and every check cost a pass per
column, not a Python call per cell, and the frame keeps the columns so (categoricals of stripped texts).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .errors import DataError, Location, ReportError, raise_all
from .tables import EXPORT_HINT, Rows, column_letter, header_name, row_list

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_MAX_ROW_ERRORS = 10


@dataclass(frozen=True)
class Column:
    """A column of the records: record i holds `texts[codes[i]]`; the texts are stripped and distinct."""

    codes: np.ndarray
    texts: list[str]

    @classmethod
    def of(cls, cells: np.ndarray) -> Column:
        """The column of these cells (texts, as the file holds them)."""
        import pandas as pd

        codes, distinct = pd.factorize(cells)
        texts = [text.strip() for text in distinct.tolist()]
        if len(set(texts)) == len(texts):
            return cls(codes, texts)
        merged, unique = pd.factorize(pd.Series(texts, dtype=object))  # " 1" and "1" are one answer
        return cls(merged[codes], [str(text) for text in unique.tolist()])

    def filled(self) -> np.ndarray:
        """Whether each record's cell holds a text."""
        import numpy as np

        filled: np.ndarray = np.array([text != "" for text in self.texts], dtype=bool)[self.codes]
        return filled


@dataclass(frozen=True)
class Grid:
    """Records column by column: `numbers[i]` is the spreadsheet row of record i, `fields[i]` how many fields it
    has (a shorter record reads "" in the columns beyond), `attrs` what the format tells besides."""

    numbers: np.ndarray
    fields: np.ndarray
    columns: list[Column]
    attrs: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of(cls, rows: Rows) -> Grid:
        """The records of a format read row by row."""
        import numpy as np
        import pandas as pd

        fields = np.array([len(row) for row in rows.cells], dtype=np.int64)
        width = int(fields.max(initial=0))
        padded = [row if len(row) == width else [*row, *[""] * (width - len(row))] for row in rows.cells]
        table = pd.DataFrame(padded, columns=range(width), dtype=object)
        columns = [Column.of(table[name].to_numpy()) for name in table.columns]
        return cls(np.array(rows.numbers, dtype=np.int64), fields, columns, rows.attrs)


def to_frame(grid: Grid, location: Location) -> pd.DataFrame:
    """Header checks, row widths, blank rows skipped -> frame indexed by spreadsheet row."""
    import numpy as np
    import pandas as pd

    filled = np.column_stack([column.filled() for column in grid.columns]) if grid.columns else None
    records = np.flatnonzero(filled.any(axis=1)) if filled is not None else np.zeros(0, dtype=np.int64)
    if not records.size:
        raise DataError("Die Datei ist leer.", location, EXPORT_HINT)
    assert filled is not None
    first, body = int(records[0]), records[1:]
    header_row = int(grid.numbers[first])
    header = [header_name(column.texts[column.codes[first]]) for column in grid.columns[: grid.fields[first]]]
    keep = _named_columns(header, header_row, filled[body], location)
    raise_all(_width_errors(header, grid, body, _widths(filled[body]), location))
    columns = {header[index]: _categorical(grid.columns[index], body) for index in keep}
    frame = pd.DataFrame(columns, index=grid.numbers[body].tolist())
    frame.attrs.update(grid.attrs)
    frame.attrs["header_row"] = header_row
    return frame


def _categorical(column: Column, body: np.ndarray) -> pd.Categorical:
    """The body's cells of the column, as categories the texts they hold (the header's name is none of them)."""
    import numpy as np
    import pandas as pd

    contiguous = len(body) and body[-1] - body[0] == len(body) - 1  # no blank rows: a view, no copy
    codes = column.codes[body[0] : body[-1] + 1] if contiguous else column.codes[body]
    texts = np.array(column.texts, dtype=object)
    used = np.bincount(codes, minlength=len(texts)) > 0
    if not used.all():
        codes, texts = (np.cumsum(used) - 1)[codes], texts[used]
    return pd.Categorical.from_codes(codes, categories=pd.Index(texts, dtype=object))


def _named_columns(header: list[str], header_row: int, filled: np.ndarray, location: Location) -> list[int]:
    """Indices of the named columns; unnamed empty ones are dropped, unnamed filled ones and doubles refused.
    `filled`: records × columns, whether each body cell holds a text."""
    errors: list[ReportError] = []
    keep: list[int] = []
    seen: dict[str, str] = {}
    for index, name in enumerate(header):
        letter = column_letter(index)
        if not name:
            if filled[:, index].any():
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


def _widths(filled: np.ndarray) -> np.ndarray:
    """Per record, its fields up to the last filled one: Excel may add empty fields at the end of a row."""
    import numpy as np

    if not filled.shape[1]:
        return np.zeros(len(filled), dtype=np.int64)
    last = filled.shape[1] - np.argmax(filled[:, ::-1], axis=1)
    return np.where(filled.any(axis=1), last, 0)


def _width_errors(
    header: list[str], grid: Grid, body: np.ndarray, widths: np.ndarray, location: Location
) -> list[ReportError]:
    """Rows with more filled fields than the header, or fewer fields: usually a stray delimiter or line break."""
    import numpy as np

    named = [index for index, name in enumerate(header) if name]
    width = named[-1] + 1 if named else 0
    fields = grid.fields[body]
    wrong = np.flatnonzero((fields < width) | ((fields > width) & (widths > width)))
    shown = np.where(fields < width, fields, widths)
    errors: list[ReportError] = [
        DataError(
            f"Die Zeile hat {_fields(int(shown[index]))}, die Kopfzeile {width}.",
            Location(location.file, row=int(grid.numbers[body[index]])),
            "Steht ein Trennzeichen in einem Text, setzen Sie den Text in Anführungszeichen; "
            "ein Zeilenumbruch in einer Zelle teilt die Zeile.",
        )
        for index in wrong[:_MAX_ROW_ERRORS].tolist()
    ]
    if len(wrong) > _MAX_ROW_ERRORS:
        rest = row_list(int(number) for number in grid.numbers[body[wrong[_MAX_ROW_ERRORS:]]])
        errors.append(DataError(f"… ebenso die Zeilen {rest}.", Location(location.file)))
    return errors


def _fields(count: int) -> str:
    return "1 Feld" if count == 1 else f"{count} Felder"
