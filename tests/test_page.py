"""page: the typed context for the page template, and the page template filled or its mistakes reported."""

from __future__ import annotations

import datetime
from dataclasses import replace
from pathlib import Path

import pytest
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from projects import make_tiny
from reportgen.config import Brand, ReportInfo
from reportgen.content import Chapter
from reportgen.errors import Location, TemplateError
from reportgen.headings import Heading
from reportgen.layout import Layout
from reportgen.page import PageContext, check_page_template, page_context, render_page
from reportgen.templating import SourceLoader, folder_loader, make_environment

DATE = datetime.date(2025, 1, 31)
REPORT = ReportInfo(title="Wärme & Strom", publisher="Institut", date=DATE)
HEADINGS = (
    Heading(1, "1", "Einleitung", Markup("Einleitung"), "einleitung"),
    Heading(2, "1.1", "Ziele", Markup("Ziele"), "ziele"),
    Heading(3, "1.1.1", "Detail", Markup("Detail"), "detail"),
    Heading(1, "2", "Ergebnisse", Markup("<em>Ergebnisse</em>"), "ergebnisse"),
)
CHAPTERS = (Chapter("content/01-einleitung.md", Markup('<h1 id="einleitung">Einleitung</h1>')),)
FIELDS = "report, brand, date, chapters, toc, stylesheet, logo, text_colours, unit"

PAGE = """\
<link href="{{ stylesheet }}"><img src="{{ logo }}">
<title>{{ report.title }}</title>
{% for heading in toc %}
<a href="#{{ heading.anchor }}">{{ heading.number }} {{ heading.html }}</a>
{% endfor %}
{% for chapter in chapters %}
{{ chapter.html }}
{% endfor %}
<p>{{ date | month_year }} {{ brand.primary }}</p>
"""


def context(tmp_path: Path) -> PageContext:
    return page_context(REPORT, Brand(), DATE, CHAPTERS, HEADINGS, Layout(tmp_path))


def page_environment(page: str) -> SandboxedEnvironment:
    return make_environment(SourceLoader({"report.html.j2": page}), autoescape=True)


def test_assets_are_relative_to_the_html_in_build(tmp_path: Path) -> None:
    page = context(tmp_path)
    assert page.stylesheet == "../templates/style.css"
    assert page.logo == "../templates/logo.svg"


def test_toc_keeps_levels_one_and_two(tmp_path: Path) -> None:
    assert [heading.anchor for heading in context(tmp_path).toc] == ["einleitung", "ziele", "ergebnisse"]


def test_context_passes_the_rest_through(tmp_path: Path) -> None:
    page = context(tmp_path)
    assert (page.report, page.brand, page.date, page.chapters) == (REPORT, Brand(), DATE, CHAPTERS)


def test_render_page_fills_the_template(tmp_path: Path) -> None:
    html = render_page(page_environment(PAGE), context(tmp_path))
    assert html == (
        '<link href="../templates/style.css"><img src="../templates/logo.svg">\n'
        "<title>Wärme &amp; Strom</title>\n"
        '<a href="#einleitung">1 Einleitung</a>\n'
        '<a href="#ziele">1.1 Ziele</a>\n'
        '<a href="#ergebnisse">2 <em>Ergebnisse</em></a>\n'
        '<h1 id="einleitung">Einleitung</h1>\n'
        "<p>Januar 2025 #0b5d5b</p>\n"
    )


def wcag_contrast(first: str, second: str) -> float:
    """WCAG 2's contrast ratio, computed here from its definition."""

    def luminance(colour: str) -> float:
        channels = [int(colour[index : index + 2], 16) / 255 for index in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted([luminance(first), luminance(second)], reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("brand", [Brand(), Brand(accent="#ffd700", muted="#aaaaaa"), Brand(accent="#1f2a30")])
def test_text_in_brand_colours_is_readable_on_white_and_on_shaded_rows(tmp_path: Path, brand: Brand) -> None:
    colours = page_context(REPORT, brand, DATE, CHAPTERS, HEADINGS, Layout(tmp_path)).text_colours
    for colour, original in ((colours.accent, brand.accent), (colours.muted, brand.muted)):
        assert wcag_contrast(colour, "#ffffff") >= 4.5 and wcag_contrast(colour, "#f3f6f6") >= 4.5
        if wcag_contrast(original, "#f3f6f6") >= 4.5:
            assert colour == original  # a colour that is readable already stays as it is
    assert wcag_contrast(Brand().accent, "#ffffff") < 4.5  # the study's orange itself is not (2,45:1)


def test_render_page_with_the_project_template(tmp_path: Path) -> None:
    root = make_tiny(tmp_path / "tiny")
    environment = make_environment(folder_loader(root / "templates", root), autoescape=True)
    html = render_page(environment, context(root))
    assert '<html lang="de">' in html
    assert '<link rel="stylesheet" href="../templates/style.css">' in html
    assert '<a href="#ziele">' in html
    assert 'href="#detail"' not in html
    page = context(root)
    assert f"--brand-accent-text: {page.text_colours.accent};" in html


def test_a_batch_report_names_its_unit_under_the_title(tmp_path: Path) -> None:
    root = make_tiny(tmp_path / "tiny")
    environment = make_environment(folder_loader(root / "templates", root), autoescape=True)
    plain = render_page(environment, context(root))
    assert context(root).unit == "" and "title-unit" not in plain
    html = render_page(environment, replace(context(root), unit="> 20 Jahre & mehr"))
    unit = '    <p class="title-unit">&gt; 20 Jahre &amp; mehr</p>\n'
    assert f'<h1 class="title">Wärme &amp; Strom</h1>\n{unit}' in html
    assert html.replace(unit, "", 1) == plain  # nothing else changes


def test_undefined_name_in_the_page_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        render_page(page_environment("<p>\n{{ report.title }}\n{{ fusszeile }}\n"), context(tmp_path))
    error = caught.value
    assert error.location == Location("templates/report.html.j2", line=3)
    assert str(error) == (
        f"templates/report.html.j2, Zeile 3: Unbekannter Name: 'fusszeile' is undefined. Verfügbar sind: {FIELDS}."
    )


def test_missing_partial_in_the_page_template(tmp_path: Path) -> None:
    with pytest.raises(TemplateError) as caught:
        render_page(page_environment("a\n{% include 'partials/fuss.html.j2' %}\n"), context(tmp_path))
    assert str(caught.value) == (
        f"templates/report.html.j2, Zeile 2: Vorlage „partials/fuss.html.j2“ nicht gefunden. Verfügbar sind: {FIELDS}."
    )


def test_check_page_template_accepts_a_valid_template_without_rendering_it() -> None:
    check_page_template(page_environment("{{ gibt_es_nicht }}"))


def test_check_page_template_reports_a_syntax_error() -> None:
    with pytest.raises(TemplateError) as caught:
        check_page_template(page_environment("<html>\n\n{% for %}\n"))
    assert str(caught.value) == (
        "templates/report.html.j2, Zeile 3: Vorlagen-Syntaxfehler: Expected an expression, "
        "got 'end of statement block'. "
        "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}."
    )


def test_check_page_template_reports_a_missing_template() -> None:
    with pytest.raises(TemplateError) as caught:
        check_page_template(make_environment(SourceLoader({}), autoescape=True))
    assert str(caught.value) == "templates/report.html.j2: Vorlage „report.html.j2“ nicht gefunden."
