"""Markdown -> HTML with German typography, numbered headings and heading ids."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from .captions import Captions
from .citations import Citation, UnknownKey, find_citations, placeholder
from .crossrefs import CrossReference, ReferenceMarker, Targets
from .footnotes import Footnotes, enable_footnotes
from .leftovers import Leftover, find_leftovers
from .references import Reference

NUMBERED_LEVELS = 2
# Heading classes reportgen acts on itself; any other must be styled by the project's stylesheet.
HEADING_CLASSES = frozenset({"unnumbered"})
# Resources in raw HTML: every one must be checked like a Markdown image.
# Values quoted or not: a browser (and WeasyPrint) reads <img src=/etc/passwd> as well as <img src="…">.
_HTML_SOURCE = re.compile(
    r"""<(?:img|source|link|script|iframe|object|embed|video|audio|track|input)\b[^>]*?"""
    r"""\b(?:src|href|data|poster)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'>]+))""",
    re.I,
)
_TYPED_NUMBER = re.compile(r"(\d+(?:\.\d+)*\.?)\s")
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")
_TYPOGRAPHY = (
    (re.compile(r"(\d) (%|‰)"), "\\1\u00a0\\2"),
    (re.compile(r"\b(z|d|u|o|s)\. (B|h|a|J|o|u)\."), "\\1.\u202f\\2."),
)


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
class Resource:
    """A file a chapter asks for (an image, or a source in raw HTML), at a line of the rendered text."""

    line: int
    url: str


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

    def __init__(self, resource_prefix: str = "", targets: Targets | None = None) -> None:
        self._resource_prefix = resource_prefix
        self._markdown = MarkdownIt("commonmark", {"html": True, "typographer": True, "quotes": "„“‚‘"}).enable(
            ["table", "replacements", "smartquotes"]
        )
        enable_footnotes(self._markdown)
        # Figures and tables (numbered once the report is complete), cross-references, footnotes: across chapters.
        self._captions = Captions(self._markdown, targets if targets is not None else Targets())
        self._crossrefs = ReferenceMarker()
        self._footnotes = Footnotes(self._markdown)
        self._counters = [0] * NUMBERED_LEVELS
        self._anchors: set[str] = set()
        self.headings: list[Heading] = []
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
            resource for token in tokens for resource in _resources(token) if resource.url not in generated
        )
        citations = _Citations(references or {}, self.citations)
        crossrefs: list[CrossReference] = []
        for token in tokens:
            if token.type == "inline":
                self._typography(token)
                crossrefs.extend(self._crossrefs.mark(token))
                if references is not None:
                    citations.link(token)
            self._relocate(token, generated)
        leftovers: list[Leftover] = []
        classes: list[tuple[int, str]] = []
        taken: list[Leftover] = []
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                heading, written = self._heading(token, tokens[index + 1])
                line = token.map[0] + 1 if token.map else 1
                classes.extend((line, name) for name in sorted(heading.classes))
                leftovers.extend(_typed_number(heading, line))
                if written and written != heading.anchor:
                    taken.append(_taken_anchor(written, line))
        problems = [*taken, *self._captions.number(tokens)]
        leftovers.extend(find_leftovers(tokens))
        footnotes = self._footnotes.place(tokens)
        leftovers.extend(footnotes.warnings)
        html = self._markdown.renderer.render(tokens, self._markdown.options, {})
        return RenderedMarkdown(
            html,
            resources,
            tuple(citations.cited),
            tuple(citations.unknown),
            tuple(sorted(leftovers, key=lambda leftover: leftover.line)),
            tuple(classes),
            tuple(crossrefs),
            (*problems, *footnotes.errors),
        )

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

    def _relocate(self, token: Token, generated: frozenset[str]) -> None:
        """The editor's relative resources are written from content/; the HTML document lives elsewhere."""

        def relocated(url: str) -> str:
            if url in generated or not url or ":" in url or url.startswith(("/", "#")):
                return url
            return self._resource_prefix + url

        def relocate_html(html: str) -> str:
            def attribute(match: re.Match[str]) -> str:
                group = _url_group(match)
                start, end = (offset - match.start() for offset in match.span(group))
                return match.group(0)[:start] + relocated(match.group(group)) + match.group(0)[end:]

            return _HTML_SOURCE.sub(attribute, html)

        if token.type == "html_block":
            token.content = relocate_html(token.content)
        for child in token.children or []:
            if child.type == "image":
                child.attrSet("src", relocated(str(child.attrGet("src") or "")))
            elif child.type == "html_inline":
                child.content = relocate_html(child.content)

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


def _text_tokens(text: str) -> list[Token]:
    """Text as Markdown's tokens for it: text, with a soft line break for each line break."""
    tokens: list[Token] = []
    for number, part in enumerate(text.split("\n")):
        if number:
            tokens.append(Token("softbreak", "br", 0))
        if part:
            tokens.append(Token("text", "", 0, content=part))
    return tokens


def _resources(token: Token) -> list[Resource]:
    """Images and raw-HTML sources in one block token, each at its own line (code is never a resource)."""
    line = token.map[0] + 1 if token.map else 1
    if token.type == "html_block":
        return _html_sources(token.content, line)
    found: list[Resource] = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            found.append(Resource(line, str(child.attrGet("src") or "")))
        elif child.type == "html_inline":
            found.extend(_html_sources(child.content, line))
    return found


def _html_sources(html: str, line: int) -> list[Resource]:
    return [
        Resource(line + offset, match.group(_url_group(match)))
        for offset, html_line in enumerate(html.splitlines())
        for match in _HTML_SOURCE.finditer(html_line)
    ]


def _url_group(match: re.Match[str]) -> str:
    """The name of the group that holds the URL: it was written in double, single or no quotes."""
    return next(name for name in ("double", "single", "bare") if match.group(name) is not None)


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text.replace("ß", "ss")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "abschnitt"
