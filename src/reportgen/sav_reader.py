"""The process that reads an SPSS file for `sav.read_sav`: pyreadstat within bounds, every value sent back as text.

It gets the bytes on its standard input and reads them from memory (pyreadstat reads file objects; no temporary
copy), the caller's pid and the limits as arguments, and answers on its standard output with msgpack (`Table` or
`Problem`). It ignores Ctrl-C (the caller kills it) and dies with its caller (`workers.die_with`). The file's
dictionary is read first (no data), and its rows, columns, cells and unpacked size checked against the limits
before a value is read; the read itself stops after the rows the limits allow."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
from typing import Any

import msgspec

from .cell_text import typed_text
from .errors import DataError, Location, ReportError, raise_setting
from .files import sizes
from .limits import Limits
from .tables import header_name, too_many

NAMES_ROW = 0  # the variable names; case N is row N, as SPSS' Data View shows it
RESAVE_HINT = "Öffnen Sie sie in SPSS (oder PSPP) und speichern Sie sie erneut als .sav-Datei."
_WIDTH = re.compile(r"A(\d+)", re.IGNORECASE)  # a string variable's format: A2000 is 2000 bytes
_VALUE_BYTES = 8  # SPSS stores a number in 8 bytes and a string in blocks of 8


class Table(msgspec.Struct, tag="table", forbid_unknown_fields=True):
    """What the reading process sends back for a file it could read: every value as text."""

    names: list[str]
    columns: list[list[str]]
    value_labels: dict[str, dict[str, str]]
    variable_labels: dict[str, str]
    user_missing: dict[str, list[str]]
    measure: dict[str, str]


class Problem(msgspec.Struct, tag="problem", forbid_unknown_fields=True):
    """What it sends back for a file it could not read, or one beyond the limits."""

    message: str
    hint: str
    row: int | None = None


def _main(arguments: list[str]) -> int:
    """The reading process: the bytes on standard input, the caller's pid and the limits (JSON) as arguments;
    the answer, msgpack, on standard output. Nothing else may reach standard output: what a library prints goes
    to standard error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the caller handles Ctrl-C and kills this process
    from .workers import die_with

    die_with(int(arguments[0]))
    answer_to = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    limits = Limits(**msgspec.json.decode(arguments[1]))
    answer = _read(sys.stdin.buffer.read(), limits)
    with os.fdopen(answer_to, "wb") as stream:
        stream.write(msgspec.msgpack.encode(answer))
    return 0


def _read(raw: bytes, limits: Limits) -> Table | Problem:
    import pyreadstat

    location = Location("")
    try:
        _, meta = pyreadstat.read_sav(io.BytesIO(raw), metadataonly=True, user_missing=True)
        row_limit = _check_bounds(meta, location, limits)
        columns, meta = pyreadstat.read_sav(
            io.BytesIO(raw), user_missing=True, output_format="dict", row_limit=row_limit
        )
        names = [str(name) for name in columns]  # a damaged dictionary may lack names the data have
        values = [_texts(column) for column in columns.values()]
        cases = len(values[0]) if values else 0
        if cases >= row_limit:  # the dictionary did not tell, or told less than the file holds
            _check_cases(cases, len(names), location, limits)
        return Table(names, values, **_attrs(meta, names, values))
    except ReportError as error:
        return Problem(error.message, error.hint, error.location.row if error.location else None)
    except Exception as error:  # pyreadstat raises its own kinds, and others for what a damaged file holds
        reason = str(error).strip() or type(error).__name__
        return Problem(f"Die SPSS-Datei lässt sich nicht lesen ({reason}).", RESAVE_HINT)


def _check_bounds(meta: Any, location: Location, limits: Limits) -> int:
    """Columns, rows, cells and unpacked size as the file's dictionary declares them; the rows to read at most."""
    columns = len(meta.column_names)
    if columns > limits.columns:
        raise too_many(Location(location.file), limits.columns, "Spalten", "columns")
    cases = meta.number_rows if isinstance(meta.number_rows, int) and meta.number_rows >= 0 else None
    if cases is not None:
        _check_cases(cases, columns, location, limits)
        unpacked = cases * _row_bytes(meta)
        if unpacked > limits.xlsx_unpacked_bytes:
            raise DataError(
                f"Die SPSS-Datei ist entpackt zu groß ({sizes(unpacked, limits.xlsx_unpacked_bytes)}).",
                location,
                "Speichern Sie nur die Variablen und Fälle, die der Bericht braucht, in einer eigenen Datei; ist sie "
                f"in Ordnung, {raise_setting('xlsx_unpacked_mb')}.",
            )
    # At most the cases the limits allow, and one more to tell that there are too many.
    return max(1, min(limits.rows - NAMES_ROW, limits.cells // max(1, columns)) + 1)


def _check_cases(cases: int, columns: int, location: Location, limits: Limits) -> None:
    if cases + NAMES_ROW > limits.rows:
        raise too_many(Location(location.file, row=limits.rows + 1), limits.rows, "Zeilen", "rows")
    if cases * columns > limits.cells:
        raise too_many(Location(location.file), limits.cells, "Zellen", "cells")


def _row_bytes(meta: Any) -> int:
    """The bytes one case takes unpacked: 8 per number, strings in blocks of 8."""
    total = 0
    for name in meta.column_names:
        width = _WIDTH.fullmatch(str(meta.original_variable_types.get(name, "")))
        size = int(width.group(1)) if width else _VALUE_BYTES
        total += -(-size // _VALUE_BYTES) * _VALUE_BYTES
    return total


def _texts(values: Any) -> list[str]:
    """A column's values as text; each distinct value is converted once (a column holds few)."""
    known: dict[object, str] = {}
    texts: list[str] = []
    for value in values:
        try:
            text = known[value]
        except KeyError:
            text = known[value] = typed_text(value)
        except TypeError:  # an unhashable value (none that pyreadstat gives today)
            text = typed_text(value)
        texts.append(text)
    return texts


def _attrs(meta: Any, names: list[str], values: list[list[str]]) -> dict[str, Any]:
    """What the codebook draft needs to know besides the values, keyed by the column names as the frame has them."""
    value_labels: dict[str, dict[str, str]] = {}
    for name, labels in (meta.variable_value_labels or {}).items():
        if name is None:
            continue
        shown = {typed_text(code): str(label).strip() for code, label in labels.items()}
        value_labels[header_name(name)] = {code: label for code, label in shown.items() if code and label}
    variable_labels = {
        header_name(name): str(label).strip()
        for name, label in (meta.column_names_to_labels or {}).items()
        if name is not None and label and str(label).strip()
    }
    column_values = dict(zip(names, values, strict=True))
    user_missing: dict[str, list[str]] = {}
    for name, ranges in (meta.missing_ranges or {}).items():
        if name is None:
            continue
        candidates = set(column_values.get(name, ())) | set(value_labels.get(header_name(name), {}))
        codes = _missing_codes(ranges, candidates)
        if codes:
            user_missing[header_name(name)] = codes
    measure = {
        header_name(name): level
        for name, level in (meta.variable_measure or {}).items()
        if name is not None and level in ("nominal", "ordinal", "scale")
    }
    return {
        "value_labels": value_labels,
        "variable_labels": variable_labels,
        "user_missing": user_missing,
        "measure": measure,
    }


def _missing_codes(ranges: list[dict[str, Any]], candidates: set[str]) -> list[str]:
    """The codes SPSS treats as missing: single values as declared, ranges as the candidates that fall in them."""
    codes: list[str] = []
    for declared in ranges:
        low, high = declared.get("lo"), declared.get("hi")
        if low == high:
            codes.append(typed_text(low))
        elif isinstance(low, int | float) and isinstance(high, int | float):
            codes.extend(code for code in candidates if (number := _number(code)) is not None and low <= number <= high)
    unique = [code for code in dict.fromkeys(codes) if code]
    return sorted(unique, key=lambda code: (_number(code) is None, _number(code) or 0.0, code))


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
