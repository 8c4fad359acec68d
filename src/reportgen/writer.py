"""The one writer: every file reportgen creates goes through it, atomically and only below build/."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Collection
from pathlib import Path

from .errors import Location, OutputError
from .layout import Layout


class BuildFolder:
    """Writes and prunes files below the project's build/ folder, and nowhere else."""

    def __init__(self, layout: Layout) -> None:
        self._layout = layout
        self._root = layout.path(Layout.build).resolve()

    def write(self, name: str, data: bytes) -> None:
        """Write `name` (project-relative, below build/) via a temporary file moved into place in one step."""
        path = self._confined(name)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            _write_atomic(path, data)
        except OSError as error:
            raise _unwritable(name, error) from None

    def prune(self, folder: str, pattern: str, keep: Collection[str]) -> None:
        """Delete the files in `folder` matching `pattern` whose names are not in `keep`."""
        directory = self._confined(folder)
        for stale in directory.glob(pattern):
            if stale.name not in keep:
                try:
                    stale.unlink(missing_ok=True)
                except OSError as error:
                    raise _unwritable(f"{folder}/{stale.name}", error) from None

    def _confined(self, name: str) -> Path:
        path = self._layout.path(name).resolve()
        if not path.is_relative_to(self._root):
            raise OutputError(f"„{name}“ liegt nicht im Ordner build/.", Location(name))
        return path


def _unwritable(name: str, error: OSError) -> OutputError:
    return OutputError(
        f"Die Datei lässt sich nicht schreiben ({error.strerror or type(error).__name__}).",
        Location(name),
        "Prüfen Sie, ob der Ordner build/ beschreibbar ist und genug Speicherplatz frei ist.",
    )


def _write_atomic(path: Path, data: bytes) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
