"""Reading the project's input files: each read once, as bytes or UTF-8 text, with one set of messages."""

from __future__ import annotations

from pathlib import Path

from .errors import Location, ReportError, file_missing, file_unreadable, not_utf8

READ_HINT = "Prüfen Sie, ob der Pfad auf eine Datei zeigt und sie lesbar ist."


def read_bytes(path: Path, display_name: str, kind: type[ReportError], missing_hint: str) -> bytes:
    """A file's bytes; a missing or unreadable file is a `kind` error naming `display_name`."""
    location = Location(display_name)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise file_missing(kind, location, missing_hint) from None
    except OSError as error:
        raise file_unreadable(kind, location, error, READ_HINT) from None


def decode_text(raw: bytes, display_name: str, kind: type[ReportError]) -> str:
    """UTF-8 text (a BOM is allowed); otherwise an error at the first line that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise not_utf8(kind, Location(display_name, line=line)) from None


def read_text(path: Path, display_name: str, kind: type[ReportError], missing_hint: str) -> str:
    """A UTF-8 text file, read once."""
    return decode_text(read_bytes(path, display_name, kind, missing_hint), display_name, kind)
