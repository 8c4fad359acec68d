"""Reading the project's input files: each read once, confined to the project, bounded in size, with one set of messages.

Confinement is a property of this reader, not of its callers: a file resolves (links followed) inside the project
folder, is a regular file (a FIFO, a device or a folder never blocks or floods a build) and is no larger than its
limit (a `SizeLimit`: [limits] file_mb or data_mb in report.toml).
"""

from __future__ import annotations

import mimetypes
import os
import stat
import sys
from pathlib import Path

from .errors import Location, ReportError, file_missing, file_unreadable, not_utf8, raise_setting
from .limits import DEFAULTS, MB, SizeLimit

READ_HINT = "Prüfen Sie, ob der Pfad auf eine Datei zeigt und sie lesbar ist."

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
    limit: SizeLimit = DEFAULTS.file_size,
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


def _read_regular(path: Path, location: Location, kind: type[ReportError], limit: SizeLimit) -> bytes:
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
        if status.st_size > limit.size:
            raise too_large(kind, location, status.st_size, limit)
    except BaseException:
        os.close(descriptor)
        raise
    with os.fdopen(descriptor, "rb") as stream:
        # The file may have grown since; a limit set beyond what one read can take bounds nothing anyway.
        data = stream.read(min(limit.size, sys.maxsize - 1) + 1)
    if len(data) > limit.size:
        raise too_large(kind, location, len(data), limit)
    return data


def too_large(kind: type[ReportError], location: Location, size: int, limit: SizeLimit) -> ReportError:
    split = "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf"
    hint = f"{split} oder {raise_setting(limit.key)}." if limit.key else f"{split}."
    return kind(f"Die Datei ist zu groß ({sizes(size, limit.size)}).", location, hint)


def sizes(size: int, limit: int) -> str:
    """„3 MB, höchstens 2 MB“: the limit exact (0,5 MB as set in report.toml), the size rounded up to as many
    decimals, so it never looks as small as the limit."""
    decimals = len(f"{limit % MB:06d}".rstrip("0"))
    return f"{_megabytes(size, decimals)} MB, höchstens {_megabytes(limit, decimals)} MB"


def _megabytes(size: int, decimals: int) -> str:
    """`size` bytes in MB, rounded up to `decimals` places, in German notation (1.500 or 0,5)."""
    scale = 10**decimals
    whole, fraction = divmod(-(-size * scale // MB), scale)
    text = f"{whole:,}".replace(",", ".")
    return f"{text},{fraction:0{decimals}d}" if decimals else text


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
    limit: SizeLimit = DEFAULTS.file_size,
) -> str:
    """A UTF-8 text file, read once (see `read_bytes`)."""
    raw = read_bytes(path, display_name, kind, missing_hint, root=root, limit=limit)
    return decode_text(raw, display_name, kind)


# Image types by their first bytes: [brand] logo may put a PNG or JPEG where the templates name logo.svg.
_SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


def media_type(name: str, body: bytes = b"") -> str:
    """A file's MIME type: from its first bytes for PNG and JPEG, else from its name."""
    signed = next((mime for signature, mime in _SIGNATURES if body.startswith(signature)), None)
    return signed or mimetypes.guess_type(name)[0] or "application/octet-stream"
