"""The build cache in build/.cache: results keyed by a hash of everything they depend on (read side).

Cached values are data checked against their type on reading (JSON via msgspec), never pickles: a project may
arrive with its build/ folder, and reading a cache must not run code from it."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TypeVar

from . import __version__

T = TypeVar("T")


def source_version(*modules: str) -> str:
    """A hash of reportgen's version and the source of the given modules (file names in this package)."""
    digest = hashlib.sha256(__version__.encode())
    for module in modules:
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()


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
    """A cached file's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except OSError:
        return None
