"""The one writer: every file a build or `reportgen codebook` creates goes through it, atomically; a build writes
only below build/.

`BuildFolder` is the build's writer; `write_new` and `replace_file` are its single-file steps, which
`reportgen codebook` also uses for the draft codebook it writes into a project.

A single file is written to a temporary name and moved into place in one step; the outputs a reader sees
(`publish`) are all written to temporary names first and moved into place only when every one of them was
written, so a failed build leaves the previous outputs as they were. New files get the permissions the user's
umask gives (the kernel applies it: they are created with mode 0o666, not mkstemp's 0o600)."""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import Location, OutputError
from .layout import Layout

WRITE_HINT = "Prüfen Sie, ob der Ordner build/ beschreibbar ist und genug Speicherplatz frei ist."

# Why a write failed, in the editor's words; other errors show the system's reason.
_REASONS = {
    errno.EACCES: "keine Schreibrechte",
    errno.EPERM: "keine Schreibrechte",
    errno.EROFS: "das Laufwerk ist schreibgeschützt",
    errno.ENOSPC: "kein Speicherplatz mehr frei",
    errno.EDQUOT: "das Speicherkontingent ist erschöpft",
    errno.EISDIR: "an ihrer Stelle liegt ein Ordner",
    errno.ENOENT: "der Ordner existiert nicht mehr",
    errno.ENOTDIR: "ein Teil des Pfads ist eine Datei, kein Ordner",
}


@dataclass
class _Staged:
    """One output written to its temporary name, waiting to be moved into place."""

    name: str
    path: Path
    temporary: Path


class BuildFolder:
    """Writes and prunes files below the project's build/ folder, and nowhere else."""

    def __init__(self, layout: Layout) -> None:
        self._layout = layout
        self._root = layout.path(Layout.build).resolve()

    def write(self, name: str, data: bytes) -> None:
        """Write `name` (project-relative, below build/) via a temporary file moved into place in one step."""
        self.publish({name: data})

    def publish(self, files: Mapping[str, bytes], prune: Mapping[str, str] | None = None) -> None:
        """Write all `files` or none: each to a temporary name first, then all moved into place in the given order.

        `prune` maps a folder to a pattern: files there matching it that are not among `files` are deleted
        after the move. On any failure the temporary files (and folders created for them) are removed."""
        paths = {name: self._confined(name) for name in files}
        staged: list[_Staged] = []
        created: list[Path] = []
        try:
            for name, data in files.items():
                staged.append(self._stage(name, paths[name], data, created))
            for item in staged:
                _move(item)
        except BaseException:  # a write error, or Ctrl-C: no temporary file stays behind
            _discard(staged, created)
            raise
        for folder, pattern in (prune or {}).items():
            directory = self._confined(folder)
            self.prune(folder, pattern, {path.name for path in paths.values() if path.parent == directory})

    def prune(self, folder: str, pattern: str, keep: Collection[str]) -> None:
        """Delete the files in `folder` matching `pattern` whose names are not in `keep`; folders are left alone."""
        directory = self._confined(folder)
        for stale in directory.glob(pattern):
            if stale.name not in keep and not stale.is_dir():
                try:
                    stale.unlink(missing_ok=True)
                except OSError as error:
                    raise _unwritable(f"{folder}/{stale.name}", error) from None

    def _stage(self, name: str, path: Path, data: bytes, created: list[Path]) -> _Staged:
        """`data` written under a temporary name next to `path`; nothing a reader sees has changed yet."""
        try:
            self._make_folders(path.parent, created)
            if path.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
            temporary = _write_temporary(path, data)
        except OSError as error:
            raise _unwritable(name, error) from None
        return _Staged(name, path, temporary)

    def _make_folders(self, folder: Path, created: list[Path]) -> None:
        """Create `folder` and its missing parents below build/ (recorded in `created`); a file in the way is
        named in the message."""
        missing: list[Path] = []
        while not folder.is_dir():
            if folder.exists() or folder.is_symlink():
                shown = self._layout.name_of(folder) if folder != self._root else Layout.build
                raise OutputError(
                    f"„{shown}“ ist eine Datei; reportgen braucht dort einen Ordner.",
                    Location(shown),
                    f"Entfernen oder verschieben Sie die Datei {shown}, dann legt reportgen den Ordner an.",
                )
            missing.append(folder)
            if folder == self._root or folder.parent == folder:
                break
            folder = folder.parent
        for new in reversed(missing):
            new.mkdir()
            created.append(new)

    def _confined(self, name: str) -> Path:
        # The folder is resolved, not the file: a file there that is a link is replaced, never written through.
        unresolved = self._layout.path(name)
        path = (
            unresolved.parent.resolve() / unresolved.name
            if unresolved.name not in ("", ".", "..")
            else unresolved.resolve()
        )
        if not path.is_relative_to(self._root):
            raise OutputError(f"„{name}“ liegt nicht im Ordner build/.", Location(name))
        if not self._root.is_relative_to(self._layout.root.resolve()):
            raise OutputError(
                f"build/ verweist auf {self._root}, außerhalb des Projekts.",
                Location(Layout.build),
                "Entfernen Sie den Verweis build; reportgen legt den Ordner selbst an.",
            )
        return path


def write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data` (never over an existing file or link; FileExistsError then) with the umask's
    permissions; removed again when writing fails."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    handle = os.open(path, flags, 0o666)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def replace_file(path: Path, data: bytes) -> None:
    """`path` holds `data` afterwards, replaced in one step (a reader sees the old file or the new one)."""
    temporary = _write_temporary(path, data)
    try:
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _write_temporary(path: Path, data: bytes) -> Path:
    """`data` in a new file `.name.<random>.tmp` next to `path`, created with the umask's permissions."""
    for _ in range(100):
        temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
        try:
            write_new(temporary, data)
        except FileExistsError:
            continue
        return temporary
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path.parent))


def _move(item: _Staged) -> None:
    try:
        os.replace(item.temporary, item.path)
    except OSError as error:
        raise _unwritable(item.name, error) from None


def _discard(staged: list[_Staged], created: list[Path]) -> None:
    """Remove what a failed `publish` left: its temporary files, then the folders it created (if empty)."""
    for item in staged:
        item.temporary.unlink(missing_ok=True)
    for folder in reversed(created):
        with contextlib.suppress(OSError):  # not empty or already gone: nothing of ours is left in it
            folder.rmdir()


def _unwritable(name: str, error: OSError) -> OutputError:
    reason = _REASONS.get(error.errno or 0) or error.strerror or type(error).__name__
    return OutputError(f"Die Datei lässt sich nicht schreiben ({reason}).", Location(name), WRITE_HINT)
