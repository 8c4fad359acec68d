"""Shared fixtures: a copy of the study project in tmp_path, and one built study PDF per session."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.build import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("report.toml", "data", "content", "templates")


def copy_study(target: Path) -> Path:
    """The study project (config, data, content, templates) copied into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = REPO / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


Edit = str | bytes | Callable[[str], str | bytes] | None


def apply_files(root: Path, files: dict[str, Edit]) -> Path:
    """Replace (text or bytes), edit (a function of the old text) or delete (None) files below `root`."""
    for relative, edit in files.items():
        path = root / relative
        if edit is None:
            path.unlink()
            continue
        if callable(edit):
            edit = edit(path.read_text(encoding="utf-8") if path.exists() else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(edit, bytes):
            path.write_bytes(edit)
        else:
            path.write_text(edit, encoding="utf-8")
    return root


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A study copy with some files replaced: make_project({"data/responses.csv": "…"})."""

    def factory(files: dict[str, str | bytes] | None = None, name: str = "project") -> Path:
        return apply_files(copy_study(tmp_path / name), files or {})

    return factory


@pytest.fixture(scope="session")
def study_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The study, built once for all tests that only read the result."""
    root = copy_study(tmp_path_factory.mktemp("study") / "project")
    return build(root)
