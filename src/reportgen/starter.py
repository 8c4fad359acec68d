"""`reportgen new`: a small project that builds at once, from the starter files and the house templates."""

from __future__ import annotations

import contextlib
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

from .errors import Location, ReportError
from .house import NEUTRAL_LOGO, PACKAGE, house_folder
from .layout import Layout

STARTER = "starter-project"  # report.toml, data/ and content/ of a new project (not importable: data only)
GITIGNORE = ".gitignore"


class NewProjectError(ReportError):
    """reportgen new: the folder cannot take a new project."""


def create_project(target: Path) -> tuple[str, ...]:
    """Write a new project into `target`, a new or empty folder; returns the project-relative names written.

    All or nothing: after a failure, what was created is removed again. Files and folders get the permissions
    the user's umask gives."""
    _check_target(target)
    files = starter_files()
    created: list[Path] = []
    try:
        for name, data in files.items():
            path = target / name
            _make_folders(path.parent, created)
            with path.open("xb") as stream:  # never overwrites
                created.append(path)
                stream.write(data)
    except BaseException as error:  # a write error, or Ctrl-C: no half project stays behind
        _remove(created)
        if isinstance(error, OSError):
            reason = error.strerror or type(error).__name__
            raise NewProjectError(
                f"Das Projekt lässt sich nicht anlegen ({reason}).",
                Location(target.as_posix()),
                "Prüfen Sie, ob der Ordner beschreibbar ist; es wurde nichts angelegt.",
            ) from None
        raise
    return tuple(files)


def starter_files() -> dict[str, bytes]:
    """Every file of a new project by project-relative name: the starter files, the templates with a neutral
    logo, and a .gitignore for build/."""
    files = _tree(resources.files(PACKAGE) / STARTER)
    for name, data in _tree(house_folder()).items():
        files[f"{Layout.templates}/{name}"] = data
    files[Layout.logo] = NEUTRAL_LOGO
    files[GITIGNORE] = f"/{Layout.build}/\n".encode()
    return dict(sorted(files.items()))


def _check_target(target: Path) -> None:
    location = Location(target.as_posix())
    hint = "Nennen Sie einen neuen oder leeren Ordner; reportgen new überschreibt nichts."
    try:
        if target.is_dir():
            if any(target.iterdir()):
                raise NewProjectError("Der Ordner ist nicht leer.", location, hint)
        elif target.exists() or target.is_symlink():
            raise NewProjectError("Hier liegt schon eine Datei.", location, hint)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise NewProjectError(f"Der Ordner lässt sich nicht lesen ({reason}).", location, hint) from None


def _tree(folder: Traversable, prefix: str = "") -> dict[str, bytes]:
    """The files below `folder` by relative name; hidden files and caches are left out."""
    files: dict[str, bytes] = {}
    for entry in folder.iterdir():
        if entry.name.startswith(".") or entry.name == "__pycache__":
            continue
        name = prefix + entry.name
        if entry.is_dir():
            files.update(_tree(entry, name + "/"))
        else:
            files[name] = entry.read_bytes()
    return files


def _make_folders(folder: Path, created: list[Path]) -> None:
    """Create `folder` and its missing parents, recording each one created."""
    missing: list[Path] = []
    while not folder.is_dir():
        missing.append(folder)
        folder = folder.parent
    for path in reversed(missing):
        path.mkdir()
        created.append(path)


def _remove(created: list[Path]) -> None:
    """Remove what was created, files and then their folders, ignoring what is already gone."""
    for path in reversed(created):
        with contextlib.suppress(OSError):
            if path.is_dir() and not path.is_symlink():
                path.rmdir()
            else:
                path.unlink()
