"""Shared fixtures: tiny projects from a dict of files, copies of the study, one built study PDF per session."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from projects import Edit, apply_files, copy_study, make_tiny
from reportgen.build import BuildResult, build
from reportgen.layout import Layout


@pytest.fixture
def tiny_project(tmp_path: Path) -> Callable[..., Path]:
    """A tiny project with some files replaced: tiny_project({"content/01-kapitel.md": "…"})."""

    def factory(files: dict[str, Edit] | None = None, name: str = "tiny") -> Path:
        return make_tiny(tmp_path / name, files)

    return factory


@pytest.fixture
def make_project(tmp_path: Path) -> Callable[..., Path]:
    """A study copy with some files replaced: make_project({"data/responses.csv": "…"})."""

    def factory(files: dict[str, Edit] | None = None, name: str = "project") -> Path:
        return apply_files(copy_study(tmp_path / name), files or {})

    return factory


@pytest.fixture
def gc_state() -> Iterator[None]:
    """Whatever a test does to the collector, the next test starts with it as it was."""
    collecting = gc.isenabled()
    yield
    if collecting:
        gc.enable()
    else:
        gc.disable()


@pytest.fixture(scope="session")
def study_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The study, built once for all tests that only read the result."""
    root = copy_study(tmp_path_factory.mktemp("study") / "project")
    return build(root)


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    """An empty project with build/ and templates/, for rendering HTML straight to a PDF."""
    root = tmp_path / "projekt"
    (root / "build").mkdir(parents=True)
    (root / "templates").mkdir()
    return Layout(root)
