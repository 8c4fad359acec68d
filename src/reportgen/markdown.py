"""Markdown -> HTML with German typography, numbered headings, captions, citations and cross-references."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from .captions import Captions
from .citations import Citation, UnknownKey, find_citations, placeholder
from .crossrefs import CrossReference, ReferenceMarker
from .footnotes import Footnotes, enable_footnotes
from .headings import Heading, HeadingNumbers
from .hyphenation import HyphenationExceptions, mark_exceptions
from .leftovers import Leftover, find_leftovers
from .references import Reference
from .resources import Resource, find_resources, relocate
from .targets import Targets

_TYPOGRAPHY = (
    (re.compile(r"(\d) (%|‰)"), "\\1\u00a0\\2"),
    (re.compile(r"\b(z|d|u|o|s)\. (B|h|a|J|o|u)\."), "\\1.\u202f\\2."),
)


@dataclass(frozen=True)
class RenderedMarkdown:
    """One chapter's HTML, the resources it refers to and the citations in its text (never in code)."""

    html: str
    resources: tuple[Resource, ...]
    cited: tuple[str, ...] = ()
    unknown: tuple[UnknownKey, ...] = ()
    leftovers: tuple[Leftover, ...] = ()
    classes: tuple[tuple[int, str], ...] = ()  # heading classes ({.new-page}) with their lines
    crossrefs: tuple[CrossReference, ...] = ()  # `@abb-…`, `@tab-…`, `@kap-…`: placeholders until resolved
    problems: tuple[Leftover, ...] = ()  # errors at their lines: a label or footnote given twice


class MarkdownRenderer:
    """Renders chapters in order; heading numbers and ids continue from one chapter to the next."""

    def __init__(
        self,
        resource_prefix: str = "",
        targets: Targets | None = None,
        hyphenation: HyphenationExceptions | None = None,
    ) -> None:
        self._resource_prefix = resource_prefix
        self._hyphenation = hyphenation
        self._markdown = MarkdownIt("commonmark", {"html": True, "typographer": True, "quotes": "„“‚‘"}).enable(
            ["table", "replacements", "smartquotes"]
        )
        enable_footnotes(self._markdown)
        # Figures and tables (numbered once the report is complete), cross-references, footnotes: across chapters.
        self._captions = Captions(self._markdown, targets if targets is not None else Targets())
        self._crossrefs = ReferenceMarker()
        self._footnotes = Footnotes(self._markdown)
        self._headings = HeadingNumbers(self._markdown)
        self.headings: list[Heading] = self._headings.headings
        # Every citation of every chapter, in order; a chapter holds placeholders numbered into this list.
        self.citations: list[Citation] = []

    def render(
        self,
        text: str,
        generated: frozenset[str] = frozenset(),
        references: Mapping[str, Reference] | None = None,
    ) -> RenderedMarkdown:
        """HTML and the editor's resources; `generated` are URLs reportgen itself put in (its charts).

        With `references`, citations in the text (not in code or raw HTML) are collected in `self.citations` and
        leave a placeholder (see citations.fill_placeholders); unknown keys are returned with their line."""
        tokens = self._markdown.parse(text)
        resources = tuple(
            resource for token in tokens for resource in find_resources(token) if resource.url not in generated
        )
        citations = _Citations(references or {}, self.citations)
        crossrefs: list[CrossReference] = []
        for token in tokens:
            if token.type == "inline":
                self._typography(token)
                crossrefs.extend(self._crossrefs.mark(token))
                if references is not None:
                    citations.link(token)
            relocate(token, generated, self._resource_prefix)
        headings = self._headings.number(tokens)
        problems = [*headings.taken, *self._captions.number(tokens)]
        leftovers: list[Leftover] = [*headings.typed, *find_leftovers(tokens)]
        footnotes = self._footnotes.place(tokens)
        leftovers.extend(footnotes.warnings)
        html = mark_exceptions(self._markdown.renderer.render(tokens, self._markdown.options, {}), self._hyphenation)
        return RenderedMarkdown(
            html,
            resources,
            tuple(citations.cited),
            tuple(citations.unknown),
            tuple(sorted(leftovers, key=lambda leftover: leftover.line)),
            headings.classes,
            tuple(crossrefs),
            (*problems, *footnotes.errors),
        )

    @staticmethod
    def _typography(inline: Token) -> None:
        for child in inline.children or []:
            if child.type == "text":
                for pattern, replacement in _TYPOGRAPHY:
                    child.content = pattern.sub(replacement, child.content)


class _Citations:
    """Finds the citations in one chapter's text tokens, in order: each known one is appended to the report's
    list and leaves a placeholder; one with an unknown key stays as written and is reported with its line."""

    def __init__(self, references: Mapping[str, Reference], found: list[Citation]) -> None:
        self._references = references
        self._found = found
        self.cited: dict[str, None] = {}
        self.unknown: list[UnknownKey] = []

    def link(self, inline: Token) -> None:
        """Runs of text and soft line breaks are read as one text, so a citation may span a line break."""
        line = inline.map[0] + 1 if inline.map else 1
        children: list[Token] = []
        run: list[Token] = []
        for child in [*(inline.children or []), None]:
            if child is not None and child.type in ("text", "softbreak"):
                run.append(child)
                continue
            children.extend(self._replaced(run, line))
            line += sum(token.type == "softbreak" for token in run) + (child is not None and child.type == "hardbreak")
            run = []
            if child is not None:
                children.append(child)
        inline.children = children

    def _replaced(self, run: list[Token], line: int) -> list[Token]:
        text = "".join(token.content if token.type == "text" else "\n" for token in run)
        found = find_citations(text) if "@" in text else []
        if not found:
            return run
        tokens, position = [], 0
        for item in found:
            missing = [key for key in item.citation.keys if key not in self._references]
            self.unknown.extend(UnknownKey(key, line + text.count("\n", 0, item.start)) for key in missing)
            if missing:
                continue
            # A line break inside the citation goes before it: lines still count, and next to the space that
            # precedes a citation it changes nothing in the HTML.
            written = text[position : item.start] + "\n" * text.count("\n", item.start, item.end)
            tokens.extend(_text_tokens(written))
            tokens.append(Token("html_inline", "", 0, content=placeholder(len(self._found))))
            self._found.append(item.citation)
            self.cited.update(dict.fromkeys(item.citation.keys))
            position = item.end
        return [*tokens, *_text_tokens(text[position:])]


def _text_tokens(text: str) -> list[Token]:
    """Text as Markdown's tokens for it: text, with a soft line break for each line break."""
    tokens: list[Token] = []
    for number, part in enumerate(text.split("\n")):
        if number:
            tokens.append(Token("softbreak", "br", 0))
        if part:
            tokens.append(Token("text", "", 0, content=part))
    return tokens
