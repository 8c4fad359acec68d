"""A project without a templates/ folder is laid out with the house templates; one with it, only with its own."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pypdf
import pytest

from reportgen import cli, house
from reportgen.build import build, prepare
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


def png(width: int, height: int) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (width, height), "#c0392b").save(buffer, format="PNG")
    return buffer.getvalue()


def with_logo(target: Path, setting: str) -> None:
    config = target / Layout.config
    text = config.read_text(encoding="utf-8")
    assert "\n[brand]\n" not in text
    config.write_text(f"{text}\n[brand]\nlogo = {setting}\n", encoding="utf-8")


def test_brand_logo_stands_in_for_the_templates_logo(tmp_path: Path) -> None:
    for templates in (False, True):
        target = project_without_templates(tmp_path / str(templates))
        if templates:
            shutil.copytree(REPO / Layout.templates, target / Layout.templates)
        (target / "bilder").mkdir()
        (target / "bilder" / "logo.png").write_bytes(png(120, 30))
        with_logo(target, '"bilder/logo.png"')
        assert prepare(target).style_files[Layout.logo] == png(120, 30)


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('"bilder/fehlt.svg"', "bilder/fehlt.svg"),
        ('"logo.gif"', "kein SVG-, PNG- oder JPEG-Bild"),
        ('"../logo.svg"', "außerhalb des Projektordners"),
        ('""', "[brand] logo"),
    ],
)
def test_a_bad_brand_logo_is_one_message(tmp_path: Path, setting: str, message: str) -> None:
    target = project_without_templates(tmp_path)
    with_logo(target, setting)
    with pytest.raises(ReportError) as caught:
        prepare(target)
    assert message in str(caught.value)


@pytest.mark.slow
def test_a_png_brand_logo_is_on_the_title_page_and_in_every_header(tmp_path: Path) -> None:
    target = project_without_templates(tmp_path)
    (target / "logo.png").write_bytes(png(160, 40))
    with_logo(target, '"logo.png"')
    pdf = build(target).pdf
    reader = pypdf.PdfReader(pdf)
    for page in reader.pages:
        sizes = {(image.image.width, image.image.height) for image in page.images}
        assert (160, 40) in sizes
