"""The build cache in build/.cache: results keyed by a hash of everything they depend on (read side).

Cached values are data checked against their type on reading (JSON via msgspec), never pickles: a project may
arrive with its build/ folder, and reading a cache must not run code from it."""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path
from typing import TypeVar

from . import __version__
from .errors import OutputError, ReportError
from .files import read_bytes

T = TypeVar("T")


def source_version(*modules: str) -> str:
    """A hash of reportgen's version and the source of the given modules (file names in this package)."""
    digest = hashlib.sha256(__version__.encode())
    for module in modules:
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


def library_stamp(package: str) -> str:
    """Where an installed library lives and when it was installed, without importing it (or importlib.metadata,
    which alone costs a check about 30 ms): any upgrade or reinstall rewrites its files and changes the stamp."""
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        return f"{package}: not installed"
    status = Path(spec.origin).stat()
    return f"{spec.origin}:{status.st_size}:{status.st_mtime_ns}"


def cache_key(*parts: bytes | str) -> str:
    """One hash over all parts, each length-prefixed so no two lists of parts collide."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "big"))
        digest.update(data)
    return digest.hexdigest()


def read_value(path: Path, kind: type[T]) -> T | None:
    """A cached value of type `kind`, or None when it is missing, unreadable or not of that type."""
    import msgspec

    raw = read_cached(path)
    if raw is None:
        return None
    try:
        return msgspec.json.decode(raw, type=kind)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None  # recomputed and replaced


def dump_value(value: object) -> bytes:
    """The bytes `read_value` reads back."""
    import msgspec

    return msgspec.json.encode(value)


def read_cached(path: Path) -> bytes | None:
    """A cached file's bytes, or None when there is none, or when it is no regular file inside its cache folder
    (a received build/ may hold anything: a link to /dev/zero must not hang the build)."""
    try:
        return read_bytes(path, path.name, OutputError, "", root=path.parent)
    except ReportError:
        return None
