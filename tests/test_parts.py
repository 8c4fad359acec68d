"""A changed chapter laid out alone (parts.py): the same PDF, byte for byte, as laying out the whole document, or a
whole layout where the chapter alone would not give it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from projects import copy_study
from reportgen import build as building
from reportgen.config import load_config
from reportgen.hyphenation_patterns import patterns_in
from reportgen.parts import _page_numbers_only, split
from reportgen.pdf import write_pdf

DOCUMENT = """<!DOCTYPE html><html><head><title>T</title></head><body>
<div class="running">Fuß</div><nav>Inhalt</nav>
<main>
<section class="chapter" data-source="content/01.md"><h1>Eins</h1><section><p>a</p></section></section>
<section class="chapter" data-source="content/02.md"><h1>Zwei</h1><p>b</p></section>
</main>
</body></html>"""


def test_split_finds_the_chapters_with_what_is_before_and_after() -> None:
    cut = split(DOCUMENT)
    assert cut is not None
    assert [key for key, _html in cut.parts] == ["content/01.md", "content/02.md"]
    assert cut.parts[0][1].endswith("<p>a</p></section></section>\n")  # a nested section stays inside
    assert cut.before.endswith("<main>\n") and cut.after.lstrip().startswith("</main>")
    assert cut.joined() == DOCUMENT


def test_split_refuses_content_between_chapters_and_documents_without_chapters() -> None:
    between = DOCUMENT.replace(
        '</section>\n<section class="chapter" data-source="content/02.md">',
        '</section><p>x</p><section data-source="content/02.md">',
    )
    assert split(between) is None
    assert split("<html><body><p>x</p></body></html>") is None


@pytest.mark.parametrize(
    ("css", "alone"),
    [
        ('@page { @bottom-right { content: counter(page) " von " counter(pages) } }', True),
        (".toc a::after { content: target-counter(attr(href), page) }", True),
        (".toc a::after { content: target-counter(attr(href), figure) }", False),
        (".toc a::after { content: target-text(attr(href)) }", False),
        ("h2::before { content: counter(section) }", False),
        ("h2 { counter-increment: section }", False),
        ("@page :left { margin-left: 3cm }", False),
        ("h1 { break-before: right }", False),
    ],
)
def test_only_page_numbers_let_a_chapter_be_laid_out_alone(css: str, alone: bool) -> None:
    assert _page_numbers_only(css) is alone


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    yield copy_study(tmp_path_factory.mktemp("parts") / "project")


def _rendered(root: Path, previous: building.Rendering | None = None) -> building.Rendering:
    config = load_config(root)
    with patterns_in(None, config.report.language):
        project = building.prepare(root)
        return building.render(project, previous=previous, keep_parts=True)


def _edited(root: Path, name: str, old: str, new: str) -> None:
    path = root / "content" / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("chapter", "old", "new", "alone"),
    [
        # a sentence more in a one-page chapter, and in the longest one (which points to the appendix's pages)
        ("01-einleitung.md", ". ", ". Dieser Satz ist neu. ", True),
        ("03-ergebnisse.md", ". ", ". Auch dieser Satz ist neu. ", True),
        # a heading's new text changes the table of contents: the whole document again
        ("02-stand.md", "## ", "## Neu: ", False),
        # this sentence makes three hyphenated lines in a row: hyphen_runs keeps a word whole in every chapter
        ("01-einleitung.md", ". ", ". Erstens neu. ", False),
        # a page more: every later page number changes
        ("01-einleitung.md", ". ", ". " + "Ein langer neuer Absatz. " * 60 + "\n\n", False),
    ],
)
def test_a_chapter_laid_out_alone_gives_the_pdf_of_a_whole_layout(
    study: Path, chapter: str, old: str, new: str, alone: bool
) -> None:
    source = study / "content" / chapter
    before = source.read_text("utf-8")
    try:
        first = _rendered(study)
        _edited(study, chapter, old, new)
        again = _rendered(study, previous=first)
        whole = building.render(building.prepare(study))
        assert bool(again.laid_out.chapters) is alone
        assert again.laid_out.html == whole.laid_out.html
        assert len(again.laid_out.document.pages) == len(whole.laid_out.document.pages)
        assert write_pdf(again.laid_out)[0].data == write_pdf(whole.laid_out)[0].data
    finally:
        source.write_text(before, "utf-8")


@pytest.mark.slow
def test_edits_one_after_another_keep_giving_the_whole_layouts_pdf(study: Path) -> None:
    """Two chapters changed in turn: the second change is laid out against the first's result."""
    originals = {name: (study / "content" / name).read_text("utf-8") for name in ("01-einleitung.md", "04-fazit.md")}
    try:
        rendering = _rendered(study)
        _edited(study, "01-einleitung.md", ". ", ". Dieser Satz ist neu. ")
        rendering = _rendered(study, previous=rendering)
        _edited(study, "04-fazit.md", ". ", ". Neu. ")
        rendering = _rendered(study, previous=rendering)
        assert set(rendering.laid_out.chapters) == {"content/01-einleitung.md", "content/04-fazit.md"}
        whole = building.render(building.prepare(study))
        assert write_pdf(rendering.laid_out)[0].data == write_pdf(whole.laid_out)[0].data
    finally:
        for name, text in originals.items():
            (study / "content" / name).write_text(text, "utf-8")


def test_a_chapter_laid_out_alone_keeps_its_siblings_for_sibling_selectors() -> None:
    from reportgen.parts import _with_hidden_siblings

    cut = split(DOCUMENT)
    assert cut is not None
    alone = _with_hidden_siblings(cut.parts, 1)
    assert alone == (
        '<section class="chapter" data-source="content/01.md" style="display: none"></section>' + cut.parts[1][1]
    )
    styled = tuple(
        (key, html.replace('class="chapter"', 'class="chapter" style="color: red"')) for key, html in cut.parts
    )
    assert _with_hidden_siblings(styled, 1) is None  # a second style attribute would be ignored: no layout alone
