"""The fast way through a well-formed CSV file: its records found with numpy, its cells parsed by pandas' C engine.

It takes only what it reads exactly as the csv module (strict) does, and hands back None for the rest: a quote
that does not open a field at its start or close it at its end (the csv module names the row, or keeps a quote
inside an unquoted field as text), more rows or cells than the limits allow, a field beyond the csv module's
length limit, or any disagreement with pandas about the records. The caller then reads the file with the csv
module, so every message stays as it was.

Records and fields are counted on the file's UTF-8 bytes: line breaks (LF, CR or CRLF) and delimiters count where
an even number of quotes precedes them, i.e. outside quoted fields. pandas' C engine is given as many columns as
the widest record has, so no record is too wide for it; a shorter record reads "" beyond its fields, and the
counts tell it apart from empty fields.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .limits import Limits
from .table_frame import Column, Grid
from .tables import HEADER_ROW

if TYPE_CHECKING:
    import numpy as np

_QUOTE, _LF, _CR = ord('"'), ord("\n"), ord("\r")
# Every byte but the control characters U+0000–U+001F (tab and line breaks apart) and U+007F; U+0080–U+009F are
# two bytes in UTF-8, \xc2 and one of \x80–\x9f.
_NOT_CONTROL = bytes([9, 10, 13, *range(0x20, 0x7F), *range(0x80, 0x100)])
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")


def has_control(data: bytes) -> bool:
    """Whether UTF-8 text holds a control character other than tab and line breaks (U+0000–U+001F, U+007F–U+009F)."""
    return bool(data.translate(None, _NOT_CONTROL)) or _C1_CONTROL.search(data) is not None


def fast_grid(data: bytes, delimiter: str, limits: Limits) -> Grid | None:
    """The records of UTF-8 CSV text, or None where the csv module must read it (see the module's docstring)."""
    layout = _Layout.of(data, delimiter, limits)
    if layout is None or layout.longest > csv.field_size_limit():
        return None  # the csv module names the row (a record no longer than the limit has no longer field)
    guess = layout.uniform_fields()
    grid = _parse(layout, guess, limits) if guess is not None else None
    if grid is not None:
        return grid
    return _parse(layout, layout.fields(), limits)


def _parse(layout: _Layout, fields: np.ndarray, limits: Limits) -> Grid | None:
    """The records parsed by pandas as `fields` counts them; None beyond the limits, or if pandas disagrees."""
    import numpy as np
    import pandas as pd

    if len(fields) > limits.rows or int(fields.sum()) > limits.cells:
        return None
    numbers = np.arange(HEADER_ROW, HEADER_ROW + len(fields))
    width = int(fields.max(initial=0))
    if not width:
        return Grid(numbers, fields, [])
    try:
        table = pd.read_csv(
            io.BytesIO(layout.data),
            sep=layout.delimiter,
            header=None,
            names=range(width),  # a wider record is an error
            index_col=False,
            dtype=object,  # each column's equal texts share one object: pandas.factorize is quick on them
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            quoting=csv.QUOTE_MINIMAL,
            doublequote=True,
            engine="c",
            encoding="utf-8",
        )
    except (pd.errors.ParserError, UnicodeDecodeError):
        return None
    if len(table) != len(fields):
        return None
    return Grid(numbers, fields, [Column.of(table[name].to_numpy()) for name in table.columns])


@dataclass(frozen=True)
class _Layout:
    """Where the records of UTF-8 CSV text are: `starts[i]`, `ends[i]` (its line break, or the text's end) and
    `lengths[i]` (without a CRLF's CR) of record i; `quotes` the positions of all quotes, well placed."""

    data: bytes
    delimiter: str
    delimiters: int  # how many the text holds, in quoted fields too
    quotes: np.ndarray
    starts: np.ndarray
    ends: np.ndarray
    lengths: np.ndarray

    @classmethod
    def of(cls, data: bytes, delimiter: str, limits: Limits) -> _Layout | None:
        """The layout; None when a quote is out of place, or when the text holds more line breaks, delimiters or
        quotes than the limits let a table have (a hostile file: the csv module stops at the limit)."""
        import numpy as np

        delimiters, quoted = data.count(delimiter.encode()), b'"' in data
        breaks = max(data.count(b"\n"), data.count(b"\r") if b"\r" in data else 0)
        if breaks > 2 * limits.rows or delimiters > limits.cells or (quoted and data.count(b'"') > 4 * limits.cells):
            return None  # twice as many as a full table has at most: the rest are in quoted texts
        array = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(array == _QUOTE) if quoted else np.zeros(0, dtype=np.intp)
        if not data:
            return cls(data, delimiter, delimiters, quotes, quotes, quotes, quotes)  # no records
        if quotes.size and not _well_quoted(array, quotes, ord(delimiter)):
            return None
        ends = _record_ends(array, quotes, b"\r" in data)
        starts = np.concatenate([[0], ends[:-1] + 1]).astype(np.intp)
        crlf = (ends > starts) & (ends < array.size) & (array[ends - 1] == _CR)  # then array[ends] is its LF
        return cls(data, delimiter, delimiters, quotes, starts, ends, ends - starts - crlf)

    @property
    def longest(self) -> int:
        return int(self.lengths.max(initial=0))

    def fields(self) -> np.ndarray:
        """The number of fields of each record, 0 for an empty line (as the csv module counts)."""
        import numpy as np

        array = np.frombuffer(self.data, dtype=np.uint8)
        delimiters = _outside(np.flatnonzero(array == ord(self.delimiter)), self.quotes)
        inside = np.searchsorted(delimiters, self.ends) - np.searchsorted(delimiters, self.starts)
        fields: np.ndarray = np.where(self.lengths == 0, 0, inside + 1)
        return fields

    def uniform_fields(self) -> np.ndarray | None:
        """`fields()` as it is when every line but the empty ones has as many fields as the first: the count of
        delimiters tells, once pandas has found no wider record. None for a text with quotes (its delimiters
        need counting one by one) or without records."""
        import numpy as np

        filled = np.flatnonzero(self.lengths)
        if self.quotes.size or not filled.size:
            return None
        first = int(filled[0])
        width = self.data.count(self.delimiter.encode(), int(self.starts[first]), int(self.ends[first])) + 1
        if self.delimiters != filled.size * (width - 1):
            return None
        uniform: np.ndarray = np.where(self.lengths == 0, 0, width)
        return uniform


def _record_ends(data: np.ndarray, quotes: np.ndarray, returns: bool) -> np.ndarray:
    """Where each record ends: at its line break outside quotes (a CRLF's LF), or at the end of the text."""
    import numpy as np

    ends = _outside(np.flatnonzero(data == _LF), quotes)
    if returns:
        alone = _outside(np.flatnonzero(data == _CR), quotes)
        following = data[np.minimum(alone + 1, data.size - 1)]
        alone = alone[(alone == data.size - 1) | (following != _LF)]  # a CRLF ends a record once, at its LF
        ends = np.sort(np.concatenate([ends, alone]))
    if not ends.size or ends[-1] != data.size - 1:
        ends = np.append(ends, data.size)  # the last record has no line break
    return ends


def _well_quoted(data: np.ndarray, quotes: np.ndarray, delimiter: int) -> bool:
    """Whether every quote opens a field at its start, closes it at its end, or is doubled inside it.

    Counted in order, quotes alternate opening and closing; a doubled quote closes and opens again at once. So an
    opening quote follows a delimiter, a line break, the file's start or a quote; a closing one is followed by
    one of these; and the count is even (no field left open at the end)."""
    import numpy as np

    if quotes.size % 2:
        return False
    padded = np.full(data.size + 2, _LF, dtype=np.uint8)  # the text's start and end bound a field too
    padded[1:-1] = data
    bounds = np.array([delimiter, _LF, _CR, _QUOTE], dtype=np.uint8)
    before, after = padded[quotes[0::2]], padded[quotes[1::2] + 2]
    return bool(np.isin(before, bounds).all() and np.isin(after, bounds).all())


def _outside(positions: np.ndarray, quotes: np.ndarray) -> np.ndarray:
    """The positions outside quoted fields: an even number of quotes before them."""
    import numpy as np

    if not quotes.size:
        return positions
    result: np.ndarray = positions[np.searchsorted(quotes, positions) % 2 == 0]
    return result
