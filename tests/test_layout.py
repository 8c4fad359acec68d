"""layout: one owner of every project name, as a path, as a URL from build/report.html, and back."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from reportgen.layout import Layout


def test_default_input_names() -> None:
    layout = Layout(Path("/projekt"))
    assert layout.responses == "data/responses.csv"
    assert layout.codebook == "data/codebook.toml"


def test_input_names_can_be_chosen() -> None:
    layout = Layout(Path("/projekt"), responses="data/antworten.xlsx", codebook="data/kodes.toml")
    assert (layout.responses, layout.codebook) == ("data/antworten.xlsx", "data/kodes.toml")


def test_layout_is_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Layout(Path("/projekt")).responses = "x.csv"  # type: ignore[misc]


def test_path_is_below_the_root(tmp_path: Path) -> None:
    layout = Layout(tmp_path)
    assert layout.path(Layout.references) == tmp_path / "content" / "literatur.toml"
    assert layout.path(Layout.pdf) == tmp_path / "build" / "report.pdf"
    assert layout.path(layout.responses) == tmp_path / "data" / "responses.csv"


@pytest.mark.parametrize(
    ("name", "href"),
    [
        (Layout.stylesheet, "../templates/style.css"),
        (Layout.logo, "../templates/logo.svg"),
        (Layout.pdf, "report.pdf"),
        ("build/charts/abb-1.svg", "charts/abb-1.svg"),
        ("content/bild.png", "../content/bild.png"),
    ],
)
def test_href_of_a_file(name: str, href: str) -> None:
    assert Layout(Path("/projekt")).href(name) == href


@pytest.mark.parametrize(
    ("name", "href"),
    [(Layout.charts, "charts/"), (Layout.content, "../content/"), (Layout.templates, "../templates/")],
)
def test_href_of_a_folder_ends_with_a_slash(name: str, href: str) -> None:
    assert Layout(Path("/projekt")).href(name) == href


def test_name_of_a_file_inside_the_project(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "projekt")
    assert layout.name_of(tmp_path / "projekt" / "content" / "01-kapitel.md") == "content/01-kapitel.md"
    assert layout.name_of(tmp_path / "projekt" / "content" / ".." / "data" / "a.csv") == "data/a.csv"


def test_name_of_a_relative_path_inside_the_project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert Layout(Path(".")).name_of(Path("data") / "responses.csv") == "data/responses.csv"


def test_name_of_a_file_outside_the_project_is_its_file_name(tmp_path: Path) -> None:
    layout = Layout(tmp_path / "projekt")
    assert layout.name_of(tmp_path / "anderswo" / "antworten.csv") == "antworten.csv"


def test_names_of_inputs_and_outputs() -> None:
    assert (Layout.config, Layout.references, Layout.page_template) == (
        "report.toml",
        "content/literatur.toml",
        "templates/report.html.j2",
    )
    assert (Layout.build, Layout.pdf, Layout.html, Layout.charts) == (
        "build",
        "build/report.pdf",
        "build/report.html",
        "build/charts",
    )
