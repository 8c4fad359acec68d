"""MarkdownRenderer: heading numbers across chapters, unnumbered headings, unique ids, German typography, resources."""

from __future__ import annotations

import re

import pytest

from reportgen.markdown import MarkdownRenderer
from reportgen.resources import Resource

NBSP = "\u00a0"


def _ids(html: str) -> list[str]:
    return re.findall(r'\bid="([^"]*)"', html)


def test_numbering_continues_across_render_calls() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("# Einleitung\n\n## Ziel\n\n## Vorgehen\n").html
    second = renderer.render("# Ergebnisse\n\n## Überblick\n\n### Frage 1\n").html
    assert [(h.level, h.number, h.text) for h in renderer.headings] == [
        (1, "1", "Einleitung"),
        (2, "1.1", "Ziel"),
        (2, "1.2", "Vorgehen"),
        (1, "2", "Ergebnisse"),
        (2, "2.1", "Überblick"),  # the h2 counter restarts under the new h1
        (3, "", "Frage 1"),  # only h1 and h2 are numbered
    ]
    assert '<span class="heading-number">1.2</span> Vorgehen</h2>' in first
    assert 'data-number="2"' in second
    assert '<span class="heading-number">2</span> Ergebnisse</h1>' in second
    assert '<span class="heading-number">2.1</span> Überblick</h2>' in second
    assert "<h3" in second
    assert 'heading-number">' not in second.split("<h3", 1)[1]


def test_a_new_renderer_starts_at_one() -> None:
    MarkdownRenderer().render("# Eins\n\n# Zwei\n")
    renderer = MarkdownRenderer()
    renderer.render("# Wieder eins\n")
    assert renderer.headings[0].number == "1"


def test_unnumbered_heading_has_no_number_and_takes_none() -> None:
    renderer = MarkdownRenderer()
    html = renderer.render("# Fazit\n\n# Literaturverzeichnis {.unnumbered}\n\n# Anhang\n").html
    assert [(h.number, h.text) for h in renderer.headings] == [
        ("1", "Fazit"),
        ("", "Literaturverzeichnis"),  # the attribute block is not part of the text
        ("2", "Anhang"),  # numbering goes on as if the unnumbered heading were not there
    ]
    bibliography = re.search(r"<h1[^>]*>Literaturverzeichnis</h1>", html)
    assert bibliography is not None
    assert 'class="unnumbered"' in bibliography.group(0)
    assert "data-number" not in bibliography.group(0)
    assert "{" not in html


def test_unnumbered_h2_inside_numbered_chapter() -> None:
    renderer = MarkdownRenderer()
    renderer.render("# Kapitel\n\n## Vorbemerkung {.unnumbered}\n\n## Erster Abschnitt\n")
    assert [h.number for h in renderer.headings] == ["1", "", "1.1"]


def test_heading_ids_are_unique_across_chapters() -> None:
    renderer = MarkdownRenderer()
    htmls = [
        renderer.render("# Anhang {.unnumbered}\n\n## Tabellen {.unnumbered}\n").html,
        renderer.render("# Anhang {.unnumbered}\n\n## Tabellen {.unnumbered}\n").html,
        renderer.render("# Kapitel {#eigen}\n\n## Abschnitt {#eigen}\n\n# Noch eins\n").html,
    ]
    ids = [anchor for html in htmls for anchor in _ids(html)]
    assert len(ids) == len(renderer.headings) == 7
    assert len(set(ids)) == len(ids), ids
    # The ids in the HTML are the anchors the table of contents links to.
    assert ids == [heading.anchor for heading in renderer.headings]
    assert ids[4] == "eigen"  # an explicit id is kept when it is free


def test_an_id_given_twice_is_a_problem_at_the_second_heading() -> None:
    renderer = MarkdownRenderer()
    assert renderer.render("# Kapitel {#eigen}\n").problems == ()
    rendered = renderer.render("Text.\n\n## Abschnitt {#eigen}\n\n## Anhang {.unnumbered}\n")
    [problem] = rendered.problems
    assert (problem.line, problem.message) == (3, "Die Sprungmarke {#eigen} hat schon eine andere Überschrift.")
    assert [heading.anchor for heading in renderer.headings] == ["eigen", "eigen-2", "sec-anhang"]


def test_german_quotes_from_straight_quotes() -> None:
    html = MarkdownRenderer().render("Das Werk heißt \"Zero Impact Factory\" und 'klein'.\n").html
    assert "„Zero Impact Factory“" in html
    assert "‚klein‘" in html
    assert '"' not in html.replace('="', "").replace('">', "")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("84 % der Unternehmen", f"84{NBSP}% der Unternehmen"),
        ("- 12 % in einer Liste", f"12{NBSP}% in einer Liste"),
        ("| A |\n|---|\n| 52 % |\n", f"52{NBSP}%"),
        ("5 ‰ Ausschuss", f"5{NBSP}‰ Ausschuss"),
    ],
)
def test_no_break_space_before_percent(source: str, expected: str) -> None:
    html = MarkdownRenderer().render(source + "\n").html
    assert expected in html
    assert re.search(r"\d %", html) is None


def test_abbreviations_get_a_narrow_no_break_space() -> None:
    html = MarkdownRenderer().render("Werte, z. B. Mittelwerte, d. h. Kennzahlen.\n").html
    assert "z.\u202fB." in html
    assert "d.\u202fh." in html


def test_heading_with_percent_keeps_number_and_gets_no_break_space() -> None:
    renderer = MarkdownRenderer()
    html = renderer.render("# 84 % Zustimmung\n").html
    assert renderer.headings[0].number == "1"
    assert f"84{NBSP}% Zustimmung</h1>" in html


def test_heading_text_for_toc_is_the_typeset_text() -> None:
    renderer = MarkdownRenderer()
    html = renderer.render('# Das "Ziel" und *mehr*\n').html
    assert "Das „Ziel“ und <em>mehr</em></h1>" in html
    assert renderer.headings[0].text == "Das „Ziel“ und mehr"


def test_images_and_raw_html_sources_are_resources_at_their_lines() -> None:
    text = (
        "# Titel\n"  # 1
        "\n"
        "![Foto](bilder/foto.png)\n"  # 3
        "\n"
        "<figure>\n"  # 5
        '<img src="bilder/block.png" alt="Block">\n'  # 6
        "</figure>\n"
        "\n"
        'Ein <img src="inline.svg" alt="Inline"> im Satz.\n'  # 9
        "\n"
        "| Bild |\n"
        "|---|\n"
        "| ![Zelle](zelle.png) |\n"  # 13
    )
    rendered = MarkdownRenderer(resource_prefix="../content/").render(text)
    # The URLs as the editor wrote them: content/ checks them relative to itself.
    assert rendered.resources == (
        Resource(3, "bilder/foto.png"),
        Resource(6, "bilder/block.png"),
        Resource(9, "inline.svg"),
        Resource(13, "zelle.png"),
    )
    assert 'src="../content/bilder/foto.png"' in rendered.html
    assert 'src="../content/zelle.png"' in rendered.html


def test_text_without_images_has_no_resources() -> None:
    rendered = MarkdownRenderer().render('# Titel\n\nEin [Link](https://example.com) und <a href="#x">Anker</a>.\n')
    assert rendered.resources == ()


def test_image_on_a_later_line_of_a_paragraph_is_at_that_line() -> None:
    rendered = MarkdownRenderer().render("Ein Absatz\nüber drei Zeilen\nmit ![Bild](bild.png) am Ende.\n")
    assert rendered.resources == (Resource(3, "bild.png"),)


def test_code_is_not_a_resource() -> None:
    """An <img> shown as code is text in the report, nothing is fetched for it."""
    text = 'So bindet man ein Bild ein: `<img src="beispiel.png">`.\n\n```\n<img src="block.png">\n```\n'
    assert MarkdownRenderer().render(text).resources == ()


def test_unquoted_html_sources_are_resources_and_relocated() -> None:
    rendered = MarkdownRenderer(resource_prefix="../content/").render(
        "Text\n\n<img src=/etc/passwd alt=x>\n\n<img src=bild.png alt='y'> <video poster='p.png'></video>\n"
    )
    assert [(resource.line, resource.url) for resource in rendered.resources] == [
        (3, "/etc/passwd"),
        (5, "bild.png"),
        (5, "p.png"),
    ]
    assert "src=../content/bild.png" in rendered.html
    assert "poster='../content/p.png'" in rendered.html
    assert "src=/etc/passwd" in rendered.html  # not relocated: check refuses it before anything is fetched
