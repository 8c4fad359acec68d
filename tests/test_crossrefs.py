"""Numbered tables and figures from helpers and Markdown, cross-references `@abb-…`/`@tab-…`/`@kap-…`, and the
Abbildungs- and Tabellenverzeichnis. Expected numbers are counted by hand in each test chapter."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from projects import TINY_REFERENCES, Edit, make_tiny
from reportgen.build import prepare
from reportgen.content import RenderedContent
from reportgen.errors import ReportError
from reportgen.markdown import MarkdownRenderer

NBSP = "\u00a0"
# A file is enough for the image check; nothing here decodes it.
PICTURE = b"\x89PNG\r\n\x1a\n"


def render(tmp_path: Path, chapters: dict[str, str]) -> RenderedContent:
    files: dict[str, Edit] = {"content/01-kapitel.md": None, "content/literatur.toml": TINY_REFERENCES}
    files.update({f"content/{name}": text for name, text in chapters.items()})
    files["content/bild.png"] = PICTURE
    return prepare(make_tiny(tmp_path / "tiny", files)).content


def html_of(rendered: RenderedContent) -> str:
    return "".join(chapter.html for chapter in rendered.chapters)


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)).replace(NBSP, " "))


def error_of(tmp_path: Path, chapters: dict[str, str]) -> ReportError:
    with pytest.raises(ReportError) as caught:
        render(tmp_path, chapters)
    return caught.value


PIPE_TABLE = "| Maßnahme | Anteil |\n|---|--:|\n| Recycling | 12 % |\n"


# Numbers: in the order the blocks stand in the report, whoever made them


def test_markdown_tables_and_images_are_numbered_with_the_helpers_blocks(tmp_path: Path) -> None:
    chapter = (
        "# Ergebnisse\n\n"
        "{{ frequency_table('item') }}\n\n"  # Tabelle 1
        f"{PIPE_TABLE}\nTabelle: Maßnahmen im Überblick\n\n"  # Tabelle 2, between two helper tables
        "{{ bar_chart('item') }}\n\n"  # Abbildung 1
        "![Das *Werk* von oben](bild.png)\n\n"  # Abbildung 2
        "{{ frequency_table('gruppe') }}\n"  # Tabelle 3
    )
    text = plain(html_of(render(tmp_path, {"01-a.md": chapter})))
    positions = [
        text.find(caption)
        for caption in (
            "Tabelle 1 – Item",
            "Tabelle 2 – Maßnahmen im Überblick",
            "Abbildung 1 – Item (N = 7)",
            "Abbildung 2 – Das Werk von oben",
            "Tabelle 3 – Gruppe",
        )
    ]
    assert -1 not in positions
    assert positions == sorted(positions)
    assert "Tabelle:" not in text


def test_a_captioned_table_in_house_style(tmp_path: Path) -> None:
    html = html_of(render(tmp_path, {"01-a.md": f"# A\n\n{PIPE_TABLE}\nTabelle: Maßnahmen {{#tab-massnahmen}}\n"}))
    assert '<div class="table-block">\n<table class="data markdown-table" id="tabelle-1">' in html
    assert '<caption><span class="caption-label">Tabelle 1</span> – Maßnahmen</caption>' in html
    assert '<td style="text-align:right">12\u00a0%</td>' in html  # the column's alignment, typography as in prose
    assert "{#" not in html


@pytest.mark.parametrize(
    "caption",
    [
        "\nTabelle: Maßnahmen\n",  # after a blank line
        "Tabelle: Maßnahmen\n",  # right under the table: Markdown would make it a last row
        "\n: Maßnahmen\n",  # Pandoc's form
        "\nTable: Maßnahmen\n",
    ],
)
def test_caption_line_forms(caption: str) -> None:
    html = MarkdownRenderer().render(PIPE_TABLE + caption).html
    assert re.search(r"<caption>.*</span> – Maßnahmen</caption>", html)
    assert html.count("<tr>") == 2  # the header and the one data row: the caption is no row
    assert "Maßnahmen</td>" not in html and "<p>" not in html


def test_a_table_without_caption_is_styled_but_not_numbered() -> None:
    html = MarkdownRenderer().render(PIPE_TABLE + "\nEin Absatz danach.\n").html
    assert '<table class="data markdown-table">' in html
    assert "<caption>" not in html
    assert "<p>Ein Absatz danach.</p>" in html


def test_an_image_with_a_caption_is_a_figure_and_one_without_is_not() -> None:
    rendered = MarkdownRenderer().render(
        "![Foto vom Werk](bild.png){#abb-werk}\n\n![](leer.png)\n\nText ![Bild](b.png) im Satz.\n"
    )
    figures = re.findall(r"<figure.*?</figure>", rendered.html, flags=re.S)
    assert len(figures) == 1
    assert '<img src="bild.png" alt="Foto vom Werk" />' in figures[0]
    assert "– Foto vom Werk</figcaption>" in figures[0]
    assert '<p><img src="leer.png" alt="" /></p>' in rendered.html
    assert "<p>Text <img" in rendered.html
    assert rendered.leftovers == ()  # {#abb-werk} was understood


# Cross-references


def test_references_backward_forward_and_with_page(tmp_path: Path) -> None:
    rendered = render(
        tmp_path,
        {
            "01-a.md": (
                "# Einleitung\n\n## Vorgehen {#vorgehen}\n\n"
                "Siehe @abb-item+seite und @tab-handarbeit, dann @kap-anhang und @kap-vorgehen.\n"
            ),
            "02-b.md": (
                "# Ergebnisse\n\n{{ bar_chart('item') }}\n\n"
                f"{PIPE_TABLE}\nTabelle: Von Hand {{#tab-handarbeit}}\n\nWie @abb-item zeigt.\n"
            ),
            "03-c.md": "# Anhang {.unnumbered #anhang}\n\nText.\n",
        },
    )
    first, second, _ = (chapter.html for chapter in rendered.chapters)
    assert f'<a class="xref xref-page" href="#abbildung-1">Abbildung{NBSP}1</a>' in first  # a forward reference
    assert f'<a class="xref" href="#tabelle-1">Tabelle{NBSP}1</a>' in first
    assert '<a class="xref" href="#anhang">„Anhang“</a>' in first  # unnumbered: the heading's text
    assert f'<a class="xref" href="#vorgehen">Abschnitt{NBSP}1.1</a>' in first
    assert f'Wie <a class="xref" href="#abbildung-1">Abbildung{NBSP}1</a> zeigt' in second
    assert 'id="abbildung-1"' in second and 'id="tabelle-1"' in second  # the links' targets
    assert "@" not in plain(first + second)


def test_reference_to_a_chapter_by_its_id(tmp_path: Path) -> None:
    rendered = render(tmp_path, {"01-a.md": "# Eins\n\nText.\n", "02-b.md": "# Zwei {#kap-zwei}\n\nNach @kap-zwei.\n"})
    assert f'Nach <a class="xref" href="#kap-zwei">Kapitel{NBSP}2</a>.' in rendered.chapters[1].html


def test_brackets_of_references_only_lose_their_brackets(tmp_path: Path) -> None:
    chapter = "# A\n\n{{ bar_chart('item') }}\n\n{{ frequency_table('item') }}\n\nSo ist es [@abb-item; @tab-item].\n"
    assert "So ist es Abbildung 1; Tabelle 1." in plain(html_of(render(tmp_path, {"01-a.md": chapter})))


def test_a_given_label_wins_over_the_question_id(tmp_path: Path) -> None:
    chapter = (
        "# A\n\n{{ bar_chart('item', label='verteilung') }}\n\n{{ pie_chart('gruppe', label='item') }}\n\n"
        "@abb-item und @abb-verteilung.\n"
    )
    # bar_chart('item') would be @abb-item; the pie chart took the name with label='item'.
    assert "Abbildung 2 und Abbildung 1." in plain(html_of(render(tmp_path, {"01-a.md": chapter})))


def test_a_reference_in_a_heading_is_plain_text_in_the_table_of_contents(tmp_path: Path) -> None:
    rendered = render(tmp_path, {"01-a.md": "# Zu @tab-item\n\n{{ frequency_table('item') }}\n"})
    assert rendered.headings[0].html == f"Zu Tabelle{NBSP}1"
    assert f'<a class="xref" href="#tabelle-1">Tabelle{NBSP}1</a></h1>' in rendered.chapters[0].html


# Mistakes


def test_unknown_label_names_file_line_and_the_nearest_label(tmp_path: Path) -> None:
    error = error_of(tmp_path, {"01-a.md": "# A\n\n{{ bar_chart('item') }}\n\nText.\nWie @abb-itme zeigt.\n"})
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-a.md", 6)
    assert error.message == "Verweis „@abb-itme“: Es gibt keine Abbildung mit dem Namen „itme“."
    assert error.hint == "Meinten Sie „@abb-item“?"


def test_unknown_label_of_the_wrong_kind_suggests_the_other_kind(tmp_path: Path) -> None:
    error = error_of(tmp_path, {"01-a.md": "# A\n\n{{ frequency_table('gruppe') }}\n\nSiehe @abb-gruppe.\n"})
    assert error.hint == "Meinten Sie „@tab-gruppe“?"


def test_unknown_label_without_a_near_one_says_how_to_name(tmp_path: Path) -> None:
    error = error_of(tmp_path, {"01-a.md": "# A\n\nSiehe @tab-xyz.\n"})
    assert error.message == "Verweis „@tab-xyz“: Es gibt keine Tabelle mit dem Namen „xyz“."
    assert 'label="…"' in error.hint and "{#tab-name}" in error.hint


def test_duplicate_label_from_a_helper_is_an_error_at_the_second(tmp_path: Path) -> None:
    error = error_of(
        tmp_path, {"01-a.md": "# A\n\n{{ bar_chart('item', label='x') }}\n\n{{ pie_chart('gruppe', label='x') }}\n"}
    )
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-a.md", 5)
    assert error.message == "Der Name „x“ ist schon an eine andere Abbildung vergeben."


def test_duplicate_label_in_markdown_is_an_error_at_the_second(tmp_path: Path) -> None:
    chapters = {
        "01-a.md": f"# A\n\n{PIPE_TABLE}\nTabelle: Eins {{#tab-t}}\n",
        "02-b.md": f"# B\n\nText.\n\n{PIPE_TABLE}\nTabelle: Zwei {{#tab-t}}\n",
    }
    error = error_of(tmp_path, chapters)
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/02-b.md", 9)
    assert error.message == "Der Name „t“ ist schon an eine andere Tabelle vergeben."


def test_two_charts_of_one_question_make_its_name_ambiguous(tmp_path: Path) -> None:
    chapter = "# A\n\n{{ bar_chart('item') }}\n\n{{ bar_chart('item', caption='Noch einmal') }}\n\nSiehe @abb-item.\n"
    error = error_of(tmp_path, {"01-a.md": chapter})
    assert error.message.startswith("Der Verweis „@abb-item“ ist mehrdeutig")
    assert error.location is not None and error.location.line == 7


def test_a_label_that_is_no_name_is_refused(tmp_path: Path) -> None:
    error = error_of(tmp_path, {"01-a.md": "# A\n\n{{ bar_chart('item', label='zwei Worte') }}\n"})
    assert error.message == "label='zwei Worte' ist kein Name für Verweise."


# The lists


def test_lists_of_figures_and_tables(tmp_path: Path) -> None:
    rendered = render(
        tmp_path,
        {
            "00-verzeichnisse.md": (
                "# Abbildungsverzeichnis {.unnumbered}\n\n{{ list_of_figures() }}\n\n"
                "# Tabellenverzeichnis {.unnumbered}\n\n{{ list_of_tables() }}\n"
            ),
            "01-a.md": (
                "# A\n\n{{ bar_chart('item') }}\n\n![Das Werk, siehe @tab-item](bild.png)\n\n"
                "{{ frequency_table('item', caption='Zustimmung & Ablehnung') }}\n"
            ),
        },
    )
    lists = rendered.chapters[0].html
    entries = re.findall(
        r'<li><a href="#([\w-]+)"><span class="list-of-number">([^<]+)</span><span class="list-of-text">(.*?)</span>',
        lists,
    )
    assert entries == [
        ("abbildung-1", "Abbildung 1", "Item"),
        ("abbildung-2", "Abbildung 2", f"Das Werk, siehe Tabelle{NBSP}1"),  # a reference as text: no link in a link
        ("tabelle-1", "Tabelle 1", "Zustimmung &amp; Ablehnung"),
    ]
    assert f'alt="Das Werk, siehe Tabelle{NBSP}1"' in rendered.chapters[1].html
    assert [heading.text for heading in rendered.headings[:2]] == ["Abbildungsverzeichnis", "Tabellenverzeichnis"]
    assert "list-placeholder" not in lists


def test_an_empty_list_says_so(tmp_path: Path) -> None:
    rendered = render(tmp_path, {"01-a.md": "# A\n\n{{ list_of_figures() }}\n"})
    assert "Der Bericht enthält keine Abbildungen." in rendered.chapters[0].html
