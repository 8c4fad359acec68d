"""Reading an SPSS file (.sav, or .zsav compressed) with pyreadstat, within bounds, as a CSV export would read.

Values become the text a CSV export holds (`cell_text.typed_text`: codes `1`, not `1.0`; dates ISO); user-missing
codes stay in the data as codes (as in a CSV export; the codebook's `missing` decides). What SPSS knows besides the
values goes into the frame's attrs, for `reportgen codebook`:

- `value_labels`: {column: {code: label}}, codes as the cells hold them (`"1"`, or a string variable's value);
- `variable_labels`: {column: label}, for the variables that have one;
- `user_missing`: {column: [codes]}, the user-missing codes (for a range: the codes in it that the data or the
  value labels hold);
- `measure`: {column: "nominal" | "ordinal" | "scale"}, SPSS' level of measurement where it is set.

Rows are numbered as SPSS' Data View numbers the cases: row N is case N, the variable names are row 0.

ReadStat, the C library under pyreadstat, crashes the process on some damaged files (one changed byte in a
variable record is enough: tests/test_sav.py has one). So the file is read in a process of its own (`python -m
reportgen.sav_reader`, see there), which gets the bytes on its standard input and sends back only text, as msgpack
checked against its type: a crash, a hang (past `READ_SECONDS`) or anything else it sends is one DataError. This
module is the caller's side: what is no SPSS file is refused before a process starts."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import asdict
from pathlib import Path, PurePath

import msgspec

from . import sav_reader
from .errors import DataError, Location
from .limits import Limits
from .sav_reader import NAMES_ROW, RESAVE_HINT, Problem, Table
from .table_frame import Column, Grid
from .tables import header_name

SAV_MAGIC = (b"$FL2", b"$FL3")  # .sav and .zsav
READ_SECONDS = 300  # a 200 MB file reads in well under a minute; past this, the reader is stuck on a damaged one


def read_sav(raw: bytes, location: Location, limits: Limits) -> Grid:
    """The cases of an SPSS file as records of text, within `limits`; labels and missing codes in `attrs`."""
    import numpy as np

    _refuse_other_formats(raw, location)
    answer = _read_in_own_process(raw, location, limits)
    if isinstance(answer, Problem):
        raise DataError(answer.message, Location(location.file, row=answer.row), answer.hint)
    if len(answer.columns) != len(answer.names) or len({len(column) for column in answer.columns}) > 1:
        raise _unreadable(location, "ungleich lange Spalten")
    records = 1 + (len(answer.columns[0]) if answer.columns else 0)  # the names, then the cases
    columns = [
        Column.of(np.array([header_name(name), *cells], dtype=object))
        for name, cells in zip(answer.names, answer.columns, strict=True)
    ]
    attrs = {
        "value_labels": answer.value_labels,
        "variable_labels": answer.variable_labels,
        "user_missing": answer.user_missing,
        "measure": answer.measure,
    }
    numbers = np.arange(NAMES_ROW, NAMES_ROW + records)
    return Grid(numbers, np.full(records, len(columns)), columns, attrs)


def reader_command() -> list[str]:
    """How the reading process is started: `sav_reader`, run by this Python."""
    return [sys.executable, "-m", sav_reader.__name__]


def _read_in_own_process(raw: bytes, location: Location, limits: Limits) -> Table | Problem:
    source = str(Path(__file__).resolve().parent.parent)  # where `reportgen` is, installed or not
    path = os.environ.get("PYTHONPATH")
    environment = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [source, path]))}
    arguments = [*reader_command(), str(os.getpid()), msgspec.json.encode(asdict(limits)).decode()]
    try:
        finished = subprocess.run(
            arguments,
            input=raw,
            capture_output=True,
            timeout=READ_SECONDS,
            env=environment,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return Problem(
            f"Die SPSS-Datei lässt sich nicht lesen (nach {READ_SECONDS} Sekunden abgebrochen).", RESAVE_HINT
        )
    except OSError as error:  # no process could be started: not the file's fault, but it is not read either
        reason = error.strerror or type(error).__name__
        raise DataError(
            f"Die SPSS-Datei lässt sich nicht lesen: das Leseprogramm startet nicht ({reason}).", location
        ) from None
    if finished.returncode != 0:
        return Problem(f"Die SPSS-Datei lässt sich nicht lesen ({_how_it_ended(finished.returncode)}).", RESAVE_HINT)
    try:
        return msgspec.msgpack.decode(finished.stdout, type=Table | Problem)
    except msgspec.DecodeError:
        return Problem(
            "Die SPSS-Datei lässt sich nicht lesen (unverständliche Antwort des Leseprogramms).", RESAVE_HINT
        )


def _how_it_ended(status: int) -> str:
    if status < 0:
        try:
            name = signal.Signals(-status).name
        except ValueError:
            name = f"Signal {-status}"
        return f"das Leseprogramm ist abgestürzt, {name}"
    return f"das Leseprogramm endete mit Status {status}"


def _unreadable(location: Location, reason: str) -> DataError:
    return DataError(f"Die SPSS-Datei lässt sich nicht lesen ({reason}).", location, RESAVE_HINT)


def _refuse_other_formats(raw: bytes, location: Location) -> None:
    """A file that is no SPSS data file, with what it seems to be instead."""
    if raw.startswith(SAV_MAGIC):
        return
    name = PurePath(location.file).name
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            f"Die Datei ist eine Excel-Arbeitsmappe (XLSX), heißt aber „{name}“.",
            location,
            "Benennen Sie sie in .xlsx um und passen Sie [survey] responses in report.toml an.",
        )
    if _looks_like_text(raw):
        raise DataError(
            "Die Datei ist keine SPSS-Datei (.sav), sondern eine Textdatei.",
            location,
            "Ist sie eine CSV-Datei, benennen Sie sie in .csv um und passen Sie [survey] responses in report.toml "
            "an; sonst speichern Sie die Daten in SPSS als .sav-Datei.",
        )
    raise DataError(
        "Die Datei ist keine SPSS-Datei (.sav).",
        location,
        "Speichern Sie die Daten in SPSS mit „Speichern unter“ als SPSS-Statistics-Datei (.sav).",
    )


def _looks_like_text(raw: bytes) -> bool:
    head = raw[:4096]
    if not head or b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        if error.start < len(head) - 3:  # not merely a character cut at the end of the sample
            return all(byte >= 0x20 or byte in b"\t\r\n" for byte in head)  # Windows-1252 text
    return True
