"""Headings: numbered, given unique ids and classes (`{#id .class}`), numbers and ids running across chapters."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from .leftovers import Leftover

NUMBERED_LEVELS = 2
# Heading classes reportgen acts on itself; any other must be styled by the project's stylesheet.
HEADING_CLASSES = frozenset({"unnumbered"})
_TYPED_NUMBER = re.compile(r"(\d+(?:\.\d+)*\.?)\s")
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")


@dataclass(frozen=True)
class Heading:
    """A heading as the table of contents and the bookmarks need it."""

    level: int
    number: str
    text: str
    html: Markup
    anchor: str
    classes: frozenset[str] = frozenset()


@dataclass(frozen=True)
class NumberedHeadings:
    """What numbering one chapter's headings found, each at its line."""

    classes: tuple[tuple[int, str], ...]  # heading classes ({.new-page}) with their lines
    typed: tuple[Leftover, ...]  # warnings: a number typed by hand
    taken: tuple[Leftover, ...]  # errors: an id another heading has already


class HeadingNumbers:
    """Numbers the headings of chapters rendered in order and gives them unique ids; `headings` holds them all."""

    def __init__(self, markdown: MarkdownIt) -> None:
        self._markdown = markdown
        self._counters = [0] * NUMBERED_LEVELS
        self._anchors: set[str] = set()
        self.headings: list[Heading] = []

    def number(self, tokens: Sequence[Token]) -> NumberedHeadings:
        """Number the headings among one chapter's `tokens`, giving each its id (and number label) in place."""
        classes: list[tuple[int, str]] = []
        typed: list[Leftover] = []
        taken: list[Leftover] = []
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                heading, written = self._heading(token, tokens[index + 1])
                line = token.map[0] + 1 if token.map else 1
                classes.extend((line, name) for name in sorted(heading.classes))
                typed.extend(_typed_number(heading, line))
                if written and written != heading.anchor:
                    taken.append(_taken_anchor(written, line))
        return NumberedHeadings(tuple(classes), tuple(typed), tuple(taken))

    def _heading(self, opening: Token, inline: Token) -> tuple[Heading, str]:
        """The heading, numbered and given its id, and the id the editor wrote (`{#id}`), if any."""
        level = int(opening.tag[1])
        classes, anchor = self._attributes(inline)
        number = "" if "unnumbered" in classes else self._number(level)
        children = inline.children or []
        text = "".join(child.content for child in children if child.type in ("text", "code_inline")).strip()
        renderer = cast(RendererHTML, self._markdown.renderer)
        html = Markup(renderer.renderInline(children, self._markdown.options, {}).strip())
        unique = self._unique(anchor or "sec-" + (number.replace(".", "-") if number else _slug(text)))
        opening.attrSet("id", unique)
        if classes:
            opening.attrSet("class", " ".join(sorted(classes)))
        if number:
            opening.attrSet("data-number", number)
            label = Token("html_inline", "", 0, content=f'<span class="heading-number">{number}</span> ')
            inline.children = [label, *(inline.children or [])]
        heading = Heading(level, number, text, html, unique, frozenset(classes))
        self.headings.append(heading)
        return heading, anchor

    def _attributes(self, inline: Token) -> tuple[set[str], str]:
        match = _ATTRIBUTES.search(inline.content)
        if not match:
            return set(), ""
        inline.content = inline.content[: match.start()]
        children = inline.children or []
        if children and children[-1].type == "text":
            children[-1].content = _ATTRIBUTES.sub("", children[-1].content)
        parts = match.group(1).split()
        classes = {part[1:] for part in parts if part.startswith(".")}
        anchor = next((part[1:] for part in parts if part.startswith("#")), "")
        return classes, anchor

    def _number(self, level: int) -> str:
        if level > NUMBERED_LEVELS:
            return ""
        self._counters[level - 1] += 1
        for deeper in range(level, NUMBERED_LEVELS):
            self._counters[deeper] = 0
        return ".".join(str(count) for count in self._counters[:level])

    def _unique(self, anchor: str) -> str:
        candidate, suffix = anchor, 2
        while candidate in self._anchors:
            candidate, suffix = f"{anchor}-{suffix}", suffix + 1
        self._anchors.add(candidate)
        return candidate


def _taken_anchor(written: str, line: int) -> Leftover:
    """An id the editor gave a heading that another heading already has: a reference to it would be ambiguous."""
    return Leftover(
        line,
        f"Die Sprungmarke {{#{written}}} hat schon eine andere Überschrift.",
        "Geben Sie dieser Überschrift eine eigene, z. B. {#" + written + "-2}.",
    )


def _typed_number(heading: Heading, line: int) -> list[Leftover]:
    """A number typed at the start of a numbered heading: reportgen numbers it already („3.1 3.1 Überblick“)."""
    typed = _TYPED_NUMBER.match(heading.text)
    if not heading.number or typed is None or ("." not in typed.group(1) and typed.group(1) != heading.number):
        return []  # „2030 – Ziele“ is a year, not a number typed by hand
    return [
        Leftover(
            line,
            f"Die Überschrift „{heading.text}“ beginnt mit der Nummer „{typed.group(1)}“; "
            f"reportgen nummeriert sie selbst ({heading.number}).",
            "Löschen Sie die Nummer – oder schreiben Sie {.unnumbered} ans Ende der Überschrift.",
        )
    ]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "abschnitt"
