"""The cross-references `@abb-…`, `@tab-…` and `@kap-…`: marked in a chapter's text, resolved in the whole report.

Numbers and references are placeholders until every chapter is rendered: a figure is numbered where it stands in
the report (a chart from a helper and an image in the Markdown of the same chapter in their order on the page), and
a reference may point forward.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

from markdown_it.token import Token
from markupsafe import Markup, escape

from .citations import CROSS_REFERENCE_PREFIXES
from .errors import ContentError, Location, ReportError, did_you_mean
from .targets import ANCHORS, LABEL, NAMES, PLACEHOLDER, Numbered, Target, Targets, placeholder

if TYPE_CHECKING:
    from .headings import Heading

Kind = Literal["abb", "tab", "kap"]
PAGE_SUFFIX = "+seite"

_PREFIXES = "|".join(re.escape(prefix) for prefix in CROSS_REFERENCE_PREFIXES)
_REFERENCE = re.compile(
    rf"(?<![\w@/.])@(?P<prefix>{_PREFIXES})(?P<label>{LABEL.pattern})(?P<page>{re.escape(PAGE_SUFFIX)})?"
)
# A bracket with an @ (citations, cross-references or both) or a cross-reference in running text.
_SPAN = re.compile(rf"\[(?P<group>[^\[\]]*@[^\[\]]*)\]|{_REFERENCE.pattern}")
_KEY = re.compile(r"(?<![\w@/.])@(\w[\w-]*)")
_LINK = re.compile(r"</?a\b[^>]*>")
_KINDS: Mapping[str, Kind] = {"abb": "abb", "tab": "tab", "kap": "kap"}


@dataclass(frozen=True)
class CrossReference:
    """`@abb-x`, `@tab-x` or `@kap-x` (with `+seite`: and its page) at a line of a rendered chapter."""

    index: int
    kind: Kind
    label: str
    page: bool
    line: int

    @property
    def written(self) -> str:
        return f"@{self.kind}-{self.label}{PAGE_SUFFIX if self.page else ''}"


@dataclass
class ReferenceMarker:
    """Turns the cross-references in a chapter's text into placeholders, numbered across the whole build."""

    found: list[CrossReference] = field(default_factory=list)

    def mark(self, inline: Token) -> list[CrossReference]:
        """Split the text children of `inline` at each reference; the references are returned with their line."""
        line = inline.map[0] + 1 if inline.map else 1
        marked: list[CrossReference] = []
        children: list[Token] = []
        for child in inline.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            if child.type == "image":
                marked.extend(self._mark_image(child, line))
            if child.type != "text" or "@" not in child.content:
                children.append(child)
                continue
            pieces = self._pieces(child.content, line)
            marked.extend(piece for piece in pieces if isinstance(piece, CrossReference))
            children.extend(_token(piece) for piece in pieces if piece)
        inline.children = children
        return marked

    def _mark_image(self, image: Token, line: int) -> list[CrossReference]:
        """References in an image's text, as plain text: it is the alt text, and a caption is no place for links."""
        marked: list[CrossReference] = []
        children: list[Token] = []
        for child in image.children or []:
            if child.type != "text" or "@" not in child.content:
                children.append(child)
                continue
            pieces = self._pieces(child.content, line)
            marked.extend(piece for piece in pieces if isinstance(piece, CrossReference))
            children.extend(_token(piece, plain=True) for piece in pieces if piece)
        image.children = children
        return marked

    def _pieces(self, text: str, line: int) -> list[str | CrossReference]:
        """`text` as text and references. A bracket of references only (`[@abb-a; @tab-b]`) loses its
        brackets; a bracket that also cites a source is left to citations.py, which reports the mix."""
        pieces: list[str | CrossReference] = []
        position = 0
        for match in _SPAN.finditer(text):
            group = match.group("group")
            if group is None:
                found: list[str | CrossReference] = [self._reference(match, line)]
            elif any(not key.startswith(CROSS_REFERENCE_PREFIXES) for key in _KEY.findall(group)):
                continue
            elif all(_REFERENCE.fullmatch(item.strip()) for item in group.split(";")):
                found = [self._reference(_REFERENCE.fullmatch(item.strip()), line) for item in group.split(";")]
                found = [piece for index, item in enumerate(found) for piece in (["; "] if index else []) + [item]]
            else:
                found = ["[", *self._pieces(group, line), "]"]
            pieces.extend([text[position : match.start()], *found])
            position = match.end()
        return [*pieces, text[position:]]

    def _reference(self, match: re.Match[str] | None, line: int) -> CrossReference:
        assert match is not None
        kind = _KINDS[match["prefix"][:-1]]
        reference = CrossReference(len(self.found), kind, match["label"], bool(match["page"]), line)
        self.found.append(reference)
        return reference


def _token(piece: str | CrossReference, *, plain: bool = False) -> Token:
    """Text, or a reference's placeholder: as HTML (a link), or `plain` as text (in an image's alt text)."""
    if isinstance(piece, CrossReference):
        if plain:
            return _text(placeholder("txt", piece.index))
        return Token("html_inline", "", 0, content=placeholder("ref", piece.index))
    return _text(piece)


def _text(content: str) -> Token:
    return Token("text", "", 0, content=content)


@dataclass(frozen=True)
class Listed:
    """An entry of the Abbildungs- or Tabellenverzeichnis."""

    kind: Numbered
    number: int
    caption: Markup
    anchor: str

    @property
    def name(self) -> str:
        return f"{NAMES[self.kind]} {self.number}"


@dataclass(frozen=True)
class Resolution:
    """The numbers of every placed figure and table and the text of every cross-reference; `apply` fills them in."""

    numbers: Mapping[tuple[Numbered, int], int]
    texts: Mapping[int, tuple[str, str]]  # reference index -> (href, text)
    page: frozenset[int]
    listed: tuple[Listed, ...]
    errors: tuple[ReportError, ...]

    def apply(self, html: str, *, link: bool = True) -> str:
        """`html` with its placeholders filled; without `link` (a heading in the table of contents, a list
        entry) references are plain text."""

        def filled(match: re.Match[str]) -> str:
            kind, key = match.group(1), int(match.group(2))
            if kind in ("abb", "tab"):
                return str(self.numbers.get((_numbered(kind), key), "?"))
            href, text = self.texts.get(key, ("", "?"))
            if not link or kind == "txt":
                return text
            classes = "xref xref-page" if key in self.page else "xref"
            return f'<a class="{classes}" href="{href}">{text}</a>'

        return PLACEHOLDER.sub(filled, html)

    def entries(self, kind: Numbered) -> tuple[Listed, ...]:
        return tuple(entry for entry in self.listed if entry.kind == kind)


def _numbered(kind: str) -> Numbered:
    return "abb" if kind == "abb" else "tab"


def resolve(
    htmls: Sequence[str],
    targets: Targets,
    headings: Sequence[Heading],
    references: Sequence[tuple[CrossReference, Location]],
) -> Resolution:
    """Number the figures and tables in the order they stand in `htmls` (the chapters, in order), then resolve
    every reference; an unknown or ambiguous label is an error at the editor's line."""
    by_key = {target.key: target for target in targets}
    numbers: dict[tuple[Numbered, int], int] = {}
    counts: dict[Numbered, int] = {"abb": 0, "tab": 0}
    placed: list[Target] = []
    for html in htmls:
        for match in PLACEHOLDER.finditer(html):
            kind, key = match.group(1), int(match.group(2))
            if kind in ("abb", "tab") and (_numbered(kind), key) not in numbers:
                counts[_numbered(kind)] += 1
                numbers[(_numbered(kind), key)] = counts[_numbered(kind)]
                placed.append(by_key[key])
    labels = _Labels(placed, numbers, headings)
    texts: dict[int, tuple[str, str]] = {}
    errors: list[ReportError] = []
    for reference, location in references:
        try:
            texts[reference.index] = labels.find(reference)
        except ReportError as error:
            errors.append(error.at(location))
    page = frozenset(reference.index for reference, _ in references if reference.page)
    resolution = Resolution(numbers, texts, page, (), tuple(errors))
    return replace(resolution, listed=tuple(_listed(target, numbers, resolution) for target in placed))


def _listed(target: Target, numbers: Mapping[tuple[Numbered, int], int], resolution: Resolution) -> Listed:
    """The list entry of a placed figure or table: its caption without links (the entry is one)."""
    number = numbers[(target.kind, target.key)]
    caption = Markup(_LINK.sub("", resolution.apply(target.caption, link=False)))
    return Listed(target.kind, number, caption, f"{ANCHORS[target.kind]}-{number}")


class _Labels:
    """The labels of the placed figures and tables and of the headings, each kind on its own."""

    def __init__(
        self, placed: Sequence[Target], numbers: Mapping[tuple[Numbered, int], int], headings: Sequence[Heading]
    ) -> None:
        self._found: dict[tuple[Kind, str], tuple[str, str]] = {}
        self._ambiguous: set[tuple[Kind, str]] = set()
        explicit = {(target.kind, target.label) for target in placed if target.explicit}
        for target in placed:
            if not target.label or (not target.explicit and (target.kind, target.label) in explicit):
                continue  # a label the editor gave wins over one made from the question id
            number = numbers[(target.kind, target.key)]
            key: tuple[Kind, str] = (target.kind, target.label)
            if key in self._found:  # two made from question ids: only one label given by hand is unique
                self._ambiguous.add(key)
            self._found[key] = (f"#{ANCHORS[target.kind]}-{number}", f"{NAMES[target.kind]}\u00a0{number}")
        for heading in headings:
            self._found[("kap", heading.anchor.removeprefix("kap-"))] = (f"#{heading.anchor}", _heading_text(heading))

    def find(self, reference: CrossReference) -> tuple[str, str]:
        key = (reference.kind, reference.label)
        if key in self._ambiguous:
            raise ContentError(
                f"Der Verweis „{reference.written}“ ist mehrdeutig: mehrere {_plural(reference.kind)} "
                f"tragen automatisch den Namen „{reference.label}“.",
                hint='Geben Sie der gemeinten mit label="…" einen eigenen Namen und verweisen Sie auf ihn.',
            )
        if key not in self._found:
            options = [f"@{kind}-{label}" for kind, label in self._found]
            suggestion = did_you_mean(f"@{reference.kind}-{reference.label}", options)
            raise ContentError(
                f"Verweis „{reference.written}“: {_none(reference.kind)} mit dem Namen „{reference.label}“.",
                hint=suggestion or _NAMING_HINT,
            )
        return self._found[key]


_NAMING_HINT = (
    'Namen vergeben Sie mit label="…" an Tabellen und Diagrammen, mit {#abb-name} hinter einem Bild, mit '
    "{#tab-name} am Ende der Zeile „Tabelle: …“ und mit {#name} am Ende einer Überschrift."
)


def _plural(kind: Kind) -> str:
    return {"abb": "Abbildungen", "tab": "Tabellen", "kap": "Überschriften"}[kind]


def _none(kind: Kind) -> str:
    return {"abb": "Es gibt keine Abbildung", "tab": "Es gibt keine Tabelle", "kap": "Es gibt keine Überschrift"}[kind]


def _heading_text(heading: Heading) -> str:
    """„Kapitel 3“, „Abschnitt 3.2“ or, for a heading without a number, its text in quotes."""
    if heading.number:
        return f"{'Kapitel' if heading.level == 1 else 'Abschnitt'}\u00a0{heading.number}"
    return f"„{escape(heading.text)}“"
