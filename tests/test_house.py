"""A project without a templates/ folder is laid out with the house templates; one with it, only with its own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reportgen import cli, house
from reportgen.build import prepare
from reportgen.errors import ReportError, ReportErrors
from reportgen.layout import Layout

REPO = Path(__file__).resolve().parent.parent


def project_without_templates(tmp_path: Path) -> Path:
    target = tmp_path / "ohne"
    assert cli.main(["new", str(target)]) == 0
    shutil.rmtree(target / Layout.templates)
    return target


def test_without_templates_the_house_stylesheet_fonts_and_a_neutral_logo_are_used(tmp_path: Path) -> None:
    project = prepare(project_without_templates(tmp_path))
    files = project.style_files
    assert files[Layout.stylesheet] == (REPO / Layout.stylesheet).read_bytes()
    assert files["templates/fonts/Lato-Regular.ttf"] == (REPO / "templates/fonts/Lato-Regular.ttf").read_bytes()
    assert files[Layout.logo] == house.NEUTRAL_LOGO  # never the study client's logo
    assert files[Layout.logo] != (REPO / Layout.logo).read_bytes()
    assert Path(project.chart_style.font_file).read_bytes() == files["templates/fonts/Lato-Regular.ttf"]
    assert 'class="title-logo"' in project.html and "templates/logo.svg" in project.html
    assert project.warnings == ()


def test_a_templates_folder_is_used_alone_a_missing_file_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    target = project_without_templates(tmp_path)
    (target / Layout.templates).mkdir()
    with pytest.raises(ReportErrors) as caught:
        prepare(target)
    names = {error.location.file for error in caught.value.errors if error.location is not None}
    assert {Layout.stylesheet, Layout.chart_font} <= names


def test_a_broken_link_named_templates_is_an_error_not_a_fallback(tmp_path: Path) -> None:
    target = project_without_templates(tmp_path)
    (target / Layout.templates).symlink_to(tmp_path / "fehlt")
    with pytest.raises(ReportError):
        prepare(target)


def test_house_templates_are_read_from_the_installation_not_the_project(tmp_path: Path) -> None:
    target = project_without_templates(tmp_path)
    layout = prepare(target).config.layout
    assert layout.house_templates == house.house_folder()
    assert layout.path(Layout.stylesheet) == house.house_folder() / "style.css"
    assert layout.reading_root(Layout.stylesheet) == house.house_folder()
    assert layout.path(Layout.content) == target / Layout.content
    assert layout.reading_root("data/codebook.toml") == target
