"""The build cache in build/.cache: results keyed by a hash of everything they depend on (read side)."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path
from typing import Any

from . import __version__


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


def read_object(path: Path) -> Any | None:
    """A cached object, or None when it is missing or unreadable (then it is simply recomputed)."""
    try:
        with path.open("rb") as stream:
            return pickle.load(stream)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError):
        return None


def dump_object(value: Any) -> bytes:
    """The bytes `read_object` reads back."""
    return pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)


def read_cached(path: Path) -> bytes | None:
    """A cached file's bytes, or None when there is none."""
    try:
        return path.read_bytes()
    except OSError:
        return None
