"""Footnotes: numbered through the report, at the foot of their page in the PDF, at the chapter's end in the HTML."""

from __future__ import annotations

import re
from pathlib import Path

import pypdf
import pytest

from projects import TINY_REFERENCES, Edit, make_tiny
from reportgen.build import build, prepare
from reportgen.errors import ReportError
from reportgen.markdown import MarkdownRenderer

NOTE = re.compile(r'<span class="footnote" data-number="(\d+)">(.*?)</span>')


def test_numbers_run_on_from_chapter_to_chapter() -> None:
    renderer = MarkdownRenderer()
    first = renderer.render("# Eins\n\nA[^x] und B[^y].\n\n[^x]: Erste.\n[^y]: Zweite.\n").html
    second = renderer.render("# Zwei\n\nC[^x].\n\n[^x]: Dritte, im zweiten Kapitel.\n").html
    assert NOTE.findall(first) == [("1", "Erste."), ("2", "Zweite.")]
    assert NOTE.findall(second) == [("3", "Dritte, im zweiten Kapitel.")]  # labels are the chapter's own
    assert '<sup class="footnote-ref" id="fnref-3"><a href="#fn-3">3</a></sup>' in second


def test_notes_are_numbered_in_the_order_of_their_marks() -> None:
    html = MarkdownRenderer().render("Erst B[^b], dann A[^a].\n\n[^a]: Note a.\n[^b]: Note b.\n").html
    assert NOTE.findall(html) == [("1", "Note b."), ("2", "Note a.")]


def test_the_html_lists_the_notes_at_the_end_of_the_chapter() -> None:
    html = MarkdownRenderer().render("# T\n\nText[^n].\n\n[^n]: Die *Notiz*.\n\nWeiter im Text.\n").html
    end = html.index('<section class="footnotes"')
    assert html.index("<p>Weiter im Text.</p>") < end  # the definition's place holds nothing
    assert html[end:].startswith('<section class="footnotes" role="doc-endnotes">\n<ol>\n<li id="fn-1" value="1">')
    assert '<p>Die <em>Notiz</em>. <a class="footnote-backref" href="#fnref-1"' in html[end:]
    assert 'Text<sup class="footnote-ref" id="fnref-1"><a href="#fn-1">1</a></sup>' in html


def test_a_note_marked_twice_is_written_once() -> None:
    html = MarkdownRenderer().render("A[^n] und B[^n].\n\n[^n]: Einmal.\n").html
    assert len(NOTE.findall(html)) == 1
    assert '<sup class="footnote-again">1</sup>' in html  # the second mark, for print


def test_a_note_of_two_paragraphs_with_german_typography() -> None:
    html = MarkdownRenderer().render('X[^n].\n\n[^n]: Erster "Absatz" mit 5 %.\n\n    Zweiter Absatz.\n').html
    assert (
        '<span class="footnote" data-number="1"><span class="footnote-paragraph">Erster „Absatz“ mit 5\u00a0%.</span>'
        '<span class="footnote-paragraph">Zweiter Absatz.</span></span>'
    ) in html


def test_undefined_and_unused_notes_are_warned_about() -> None:
    rendered = MarkdownRenderer().render("Text[^fehlt].\n\n[^frei]: Nie benutzt.\n")
    assert [(leftover.line, leftover.message) for leftover in rendered.leftovers] == [
        (1, "Die Fußnote „[^fehlt]“ wurde nicht erkannt."),
        (3, "Die Fußnote „[^frei]“ wird im Text nicht verwendet."),
    ]
    assert "[^fehlt]" in rendered.html


def test_a_note_defined_twice_is_an_error_at_the_second(tmp_path: Path) -> None:
    chapter = "# T\n\nText[^n].\n\n[^n]: Eins.\n\n[^n]: Zwei.\n"
    files: dict[str, Edit] = {"content/01-kapitel.md": chapter, "content/literatur.toml": TINY_REFERENCES}
    with pytest.raises(ReportError) as caught:
        prepare(make_tiny(tmp_path / "tiny", files))
    error = caught.value
    assert error.location is not None
    assert (error.location.file, error.location.line) == ("content/01-kapitel.md", 7)
    assert error.message == "Die Fußnote „[^n]“ ist zweimal definiert."


def test_a_mark_in_a_heading_stays_out_of_the_table_of_contents() -> None:
    renderer = MarkdownRenderer()
    html = renderer.render("# Titel[^n]\n\nText.\n\n[^n]: Zum Titel.\n").html
    assert renderer.headings[0].html == "Titel"
    assert NOTE.findall(html) == [("1", "Zum Titel.")]


# The PDF: each note on the page of its mark

FILLER = " ".join(["Ein Satz, der nur Platz füllt und die Fußnoten auf spätere Seiten schiebt."] * 40)


def _chapter(title: str, notes: list[tuple[str, str]]) -> str:
    """A chapter with a long paragraph before each marked sentence, so the notes fall on different pages."""
    body = "".join(f"{FILLER}\n\nSatz mit Marke {word}[^{word}].\n\n" for word, _ in notes)
    definitions = "".join(f"[^{word}]: {text}\n" for word, text in notes)
    return f"# {title}\n\n{body}{definitions}"


@pytest.mark.slow
def test_each_note_is_on_the_page_of_its_mark(tmp_path: Path) -> None:
    files: dict[str, Edit] = {
        "content/01-kapitel.md": _chapter("Eins", [("alpha", "Notiztext Alpha."), ("beta", "Notiztext Beta.")]),
        "content/02-kapitel.md": _chapter("Zwei", [("gamma", "Notiztext Gamma.")]),
        "content/literatur.toml": TINY_REFERENCES,
    }
    result = build(make_tiny(tmp_path / "tiny", files))
    pages = [re.sub(r"\s+", " ", page.extract_text()) for page in pypdf.PdfReader(result.pdf).pages]
    for number, word in enumerate(("alpha", "beta", "gamma"), 1):  # gamma, the first of chapter 2, is 3
        marked = [index for index, text in enumerate(pages) if re.search(rf"Marke {word} ?{number}\b", text)]
        assert len(marked) == 1, word
        assert re.search(rf"\b{number} ?Notiztext {word.capitalize()}\.", pages[marked[0]]), word
        assert all(f"Notiztext {word.capitalize()}" not in text for text in pages[: marked[0]]), word
    assert len({index for index, text in enumerate(pages) if "Notiztext" in text}) == 3  # three pages apart
