"""Citations as Pandoc writes them, found in a chapter's text: `[@a; @b]`, `[vgl. @a, S. 12]`, `[-@a]`, `@a`,
`@a [S. 12]`. Only the syntax: they are formatted once every citation of the report is known (bibliography.py)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

# Keys that start like this name a figure, a table or a heading: cross-references, never citations.
CROSS_REFERENCE_PREFIXES = ("abb-", "tab-", "kap-")

_KEY = r"[A-Za-z0-9_](?:[\w-]*[A-Za-z0-9_])?"
# A bracket with an @ and no bracket inside: a citation if every `;`-separated item is one (see _ITEM).
_GROUP = r"\[(?P<group>[^\[\]]*@[^\[\]]*)\]"
# A key in running text (not in an e-mail address or a path), with an optional `[locator]` right after it.
_NARRATIVE = r"(?<![\w@\[/.])@(?P<key>[A-Za-z0-9_][\w-]*[A-Za-z0-9_])(?:[ \t]?\[(?P<after>[^\[\]@]*)\])?"
_CITATION = re.compile(f"{_GROUP}|{_NARRATIVE}")
# One item of a bracket: a prefix that ends in a space, `-` to leave out the author, the key, then the rest.
_ITEM = re.compile(rf"\s*(?P<prefix>(?:[^@]*?\s)?)(?P<minus>-)?@(?P<key>{_KEY})(?P<suffix>[^@]*)", re.S)
_PLACEHOLDER = '<span class="citation-placeholder" data-citation="{}"></span>'
_PLACEHOLDERS = re.compile(_PLACEHOLDER.format(r"(\d+)"))


@dataclass(frozen=True)
class CiteItem:
    """One source in a citation: its key, the editor's words before it, and what follows the key as written
    (a locator such as `, S. 12` and any remark; the style's terms tell them apart)."""

    key: str
    prefix: str = ""
    suffix: str = ""
    suppress_author: bool = False


@dataclass(frozen=True)
class Citation:
    """A bracketed citation of one or more sources, or a narrative one (`@key`: author in the sentence)."""

    items: tuple[CiteItem, ...]
    narrative: bool = False

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(item.key for item in self.items)


@dataclass(frozen=True)
class FoundCitation:
    """A citation and where it is written in a text (character offsets)."""

    start: int
    end: int
    citation: Citation


@dataclass(frozen=True)
class UnknownKey:
    """A cited key with no entry in the references, at a line of the text it was found in."""

    key: str
    line: int


def is_cross_reference(key: str) -> bool:
    return key.startswith(CROSS_REFERENCE_PREFIXES)


def find_citations(text: str) -> list[FoundCitation]:
    """Every citation in `text`, in order. A bracket that is no citation (a link text, a remark, one that names
    only cross-references) is left alone, and so is `@abb-…` in running text."""
    found: list[FoundCitation] = []
    position = 0
    while match := _CITATION.search(text, position):
        citation = _citation(match)
        if citation is None:  # look inside the bracket, or past the key
            position = match.start() + 1 if match.group("group") is not None else match.end()
            continue
        found.append(FoundCitation(match.start(), match.end(), citation))
        position = match.end()
    return found


def _citation(match: re.Match[str]) -> Citation | None:
    group = match.group("group")
    if group is None:
        key = match.group("key")
        if is_cross_reference(key):
            return None
        after = match.group("after")
        suffix = f", {after.strip()}" if after and after.strip() else ""
        return Citation((CiteItem(key, suffix=suffix),), narrative=True)
    items = []
    for part in group.split(";"):
        item = _ITEM.fullmatch(part)
        if item is None:
            return None
        prefix, suffix = " ".join(item.group("prefix").split()), item.group("suffix").rstrip()
        items.append(CiteItem(item.group("key"), prefix, suffix, suppress_author=item.group("minus") is not None))
    if all(is_cross_reference(item.key) for item in items):
        return None
    return Citation(tuple(items))


def placeholder(index: int) -> str:
    """What a chapter holds for its citation number `index` until every citation of the report is formatted."""
    return _PLACEHOLDER.format(index)


def fill_placeholders(html: str, texts: Sequence[str]) -> str:
    """`html` with each placeholder replaced by the formatted citation of its number (one an editor typed
    with a number that was never handed out stays as it is: an empty element)."""

    def formatted(match: re.Match[str]) -> str:
        index = int(match.group(1))
        return texts[index] if index < len(texts) else match.group(0)

    return _PLACEHOLDERS.sub(formatted, html)
