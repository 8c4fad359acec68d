"""Footnotes `[^1]`, `[^name]`: numbered through the report, at the foot of the page in the PDF and at the end of
the chapter in the HTML.

Each note is written twice: inline after its mark (`float: footnote` in print, hidden on screen) and in a list at
the end of the chapter (shown on screen, hidden in print), so one HTML document serves the PDF and the preview.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin

from .leftovers import Leftover


def enable_footnotes(markdown: MarkdownIt) -> None:
    """Parse footnote marks and definitions; the definitions stay where they are written (with their lines)."""
    markdown.use(footnote_plugin, inline=False, move_to_end=False)
    # A mark left in a heading's text for the table of contents prints nothing there.
    markdown.add_render_rule("footnote_ref", _nothing)


def _nothing(*_: Any) -> str:
    return ""


@dataclass(frozen=True)
class _Definition:
    label: str
    line: int
    body: tuple[Token, ...]


@dataclass(frozen=True)
class FootnoteProblems:
    """What went wrong with one chapter's footnotes, at lines of its rendered text."""

    errors: tuple[Leftover, ...] = ()
    warnings: tuple[Leftover, ...] = ()


class Footnotes:
    """Numbers the footnotes of every chapter in one sequence, in the order of their first mark."""

    def __init__(self, markdown: MarkdownIt) -> None:
        self._markdown = markdown
        self._renderer = cast(RendererHTML, markdown.renderer)
        self._count = 0

    def place(self, tokens: list[Token]) -> FootnoteProblems:
        """Replace the marks and definitions in `tokens` (changed in place) by the notes' HTML."""
        definitions, errors = _definitions(tokens)
        numbers: dict[str, int] = {}
        notes: list[tuple[int, _Definition]] = []
        for token in tokens:
            for index, child in enumerate(token.children or []):
                if child.type != "footnote_ref" or child.meta["label"] not in definitions:
                    continue
                label = child.meta["label"]
                first = label not in numbers
                if first:
                    self._count += 1
                    numbers[label] = self._count
                    notes.append((self._count, definitions[label]))
                html = self._mark(numbers[label], definitions[label]) if first else _repeated_mark(numbers[label])
                (token.children or [])[index] = Token("html_inline", "", 0, content=html)
        if notes:
            tokens.append(Token("html_block", "", 0, content=self._endnotes(notes)))
        unused = tuple(
            Leftover(
                definition.line,
                f"Die Fußnote „[^{label}]“ wird im Text nicht verwendet.",
                f"Setzen Sie [^{label}] an die Stelle im Text, zu der sie gehört, oder löschen Sie die Fußnote.",
            )
            for label, definition in definitions.items()
            if label not in numbers
        )
        return FootnoteProblems(tuple(errors), unused)

    def _mark(self, number: int, definition: _Definition) -> str:
        """The mark on screen (a link to the note at the end of the chapter) and the note for the page foot."""
        paragraphs = [self._inline(token) for token in definition.body if token.type == "inline"]
        text = paragraphs[0] if len(paragraphs) == 1 else "".join(_paragraph(html) for html in paragraphs)
        return (
            f'<sup class="footnote-ref" id="fnref-{number}"><a href="#fn-{number}">{number}</a></sup>'
            f'<span class="footnote" data-number="{number}">{text}</span>'
        )

    def _inline(self, token: Token) -> str:
        return str(self._renderer.renderInline(token.children or [], self._markdown.options, {}))

    def _endnotes(self, notes: Sequence[tuple[int, _Definition]]) -> str:
        items = []
        for number, definition in notes:
            body = self._renderer.render(list(definition.body), self._markdown.options, {}).rstrip()
            back = f' <a class="footnote-backref" href="#fnref-{number}" aria-label="zurück zum Text">↩</a>'
            body = body[: -len("</p>")] + back + "</p>" if body.endswith("</p>") else body + back
            items.append(f'<li id="fn-{number}" value="{number}">{body}</li>')
        return '<section class="footnotes" role="doc-endnotes">\n<ol>\n' + "\n".join(items) + "\n</ol>\n</section>\n"


def _repeated_mark(number: int) -> str:
    """A second mark of the same note: its number again, a link on screen (in print the note has no anchor)."""
    return (
        f'<sup class="footnote-ref"><a href="#fn-{number}">{number}</a></sup><sup class="footnote-again">{number}</sup>'
    )


def _paragraph(html: str) -> str:
    return f'<span class="footnote-paragraph">{html}</span>'


def _definitions(tokens: list[Token]) -> tuple[dict[str, _Definition], list[Leftover]]:
    """The chapter's definitions by label (the first of a label wins), taken out of `tokens`."""
    definitions: dict[str, _Definition] = {}
    errors: list[Leftover] = []
    kept: list[Token] = []
    opening: Token | None = None
    body: list[Token] = []
    for token in tokens:
        if token.type == "footnote_reference_open":
            opening, body = token, []
        elif token.type == "footnote_reference_close" and opening is not None:
            label, line = opening.meta["label"], (opening.map[0] + 1 if opening.map else 1)
            if label in definitions:
                errors.append(
                    Leftover(
                        line,
                        f"Die Fußnote „[^{label}]“ ist zweimal definiert.",
                        f"Geben Sie einer der beiden einen anderen Namen, z. B. [^{label}-2], oder löschen Sie eine.",
                    )
                )
            else:
                definitions[label] = _Definition(label, line, tuple(body))
            opening = None
        elif opening is not None:
            body.append(token)
        else:
            kept.append(token)
    tokens[:] = kept
    return definitions, errors
