"""Reading the project's input files: each read once, confined to the project, bounded in size, with one set of messages.

Confinement is a property of this reader, not of its callers: a file resolves (links followed) inside the project
folder, is a regular file (a FIFO, a device or a folder never blocks or floods a build) and is no larger than its
limit.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import Location, ReportError, file_missing, file_unreadable, not_utf8

READ_HINT = "Prüfen Sie, ob der Pfad auf eine Datei zeigt und sie lesbar ist."
MB = 1_000_000
TEXT_LIMIT = 50 * MB  # Markdown, TOML, templates: far above any real report
DATA_LIMIT = 200 * MB  # survey responses

_KINDS_OF_FILE = (
    (stat.S_ISDIR, "ein Ordner"),
    (stat.S_ISFIFO, "eine Pipe (FIFO)"),
    (stat.S_ISCHR, "ein Gerät"),
    (stat.S_ISBLK, "ein Gerät"),
    (stat.S_ISSOCK, "ein Socket"),
)


def read_bytes(
    path: Path,
    display_name: str,
    kind: type[ReportError],
    missing_hint: str,
    *,
    root: Path | None = None,
    limit: int = TEXT_LIMIT,
) -> bytes:
    """A file's bytes; a missing, unreadable, outside, special or too large file is a `kind` error.

    The file must resolve inside `root` (the project folder; by default the folder `path` is in)."""
    location = Location(display_name)
    if not (path.is_absolute() and (root is None or root.is_absolute())):
        _check_working_folder(kind, location)
    try:
        real = Path(os.path.realpath(path, strict=True))
        inside = Path(os.path.realpath(root if root is not None else path.parent))
    except FileNotFoundError:
        raise file_missing(kind, location, missing_hint) from None
    except OSError as error:
        raise file_unreadable(kind, location, error, READ_HINT) from None
    if not real.is_relative_to(inside):
        raise kind(
            f"Die Datei verweist auf {real}, außerhalb des Projekts.",
            location,
            "Kopieren Sie die Datei in den Projektordner, statt auf sie zu verweisen.",
        )
    try:
        return _read_regular(real, location, kind, limit)
    except OSError as error:
        raise file_unreadable(kind, location, error, READ_HINT) from None


def absolute(path: Path, kind: type[ReportError]) -> Path:
    """`path` made absolute; a working folder deleted under a running shell is a `kind` error."""
    _check_working_folder(kind, None)
    return path.absolute()


def _check_working_folder(kind: type[ReportError], location: Location | None) -> None:
    """Relative paths need the working folder; one deleted under a running shell is not a missing file."""
    try:
        os.getcwd()
    except FileNotFoundError:
        raise kind(
            "Der aktuelle Ordner existiert nicht mehr.",
            location,
            "Wechseln Sie mit cd in den Projektordner und starten Sie reportgen erneut.",
        ) from None


def _read_regular(path: Path, location: Location, kind: type[ReportError], limit: int) -> bytes:
    """Open without following a link or waiting for a writer (a FIFO), then read only a regular file."""
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    descriptor = os.open(path, flags)
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            what = next((name for test, name in _KINDS_OF_FILE if test(status.st_mode)), "eine Sonderdatei")
            raise kind(
                f"Das ist keine gewöhnliche Datei, sondern {what}.",
                location,
                "Ersetzen Sie sie durch eine Datei oder entfernen Sie sie.",
            )
        if status.st_size > limit:
            raise too_large(kind, location, status.st_size, limit)
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as stream:
        data = stream.read(limit + 1)  # the file may have grown since
    if len(data) > limit:
        raise too_large(kind, location, len(data), limit)
    return data


def too_large(kind: type[ReportError], location: Location, size: int, limit: int) -> ReportError:
    return kind(
        f"Die Datei ist zu groß ({_megabytes(size)} MB, höchstens {_megabytes(limit)} MB).",
        location,
        "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf.",
    )


def _megabytes(size: int) -> str:
    return f"{-(-size // MB):,}".replace(",", ".")


def decode_text(raw: bytes, display_name: str, kind: type[ReportError]) -> str:
    """UTF-8 text (a BOM is allowed); otherwise an error at the first line that is not UTF-8."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise not_utf8(kind, Location(display_name, line=line)) from None


def read_text(
    path: Path,
    display_name: str,
    kind: type[ReportError],
    missing_hint: str,
    *,
    root: Path | None = None,
    limit: int = TEXT_LIMIT,
) -> str:
    """A UTF-8 text file, read once (see `read_bytes`)."""
    raw = read_bytes(path, display_name, kind, missing_hint, root=root, limit=limit)
    return decode_text(raw, display_name, kind)
