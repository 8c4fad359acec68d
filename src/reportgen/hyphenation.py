"""Hyphenation exceptions: words the German patterns break badly, set with only the breaks a typesetter allows.

WeasyPrint hyphenates with pyphen's patterns, and CSS has no per-word exception list. A listed word in the running
text is therefore wrapped in `<span class="hyphenate-manual">` (with `hyphens: manual` on it, so that it works
with any project stylesheet) with soft
hyphens at its allowed breaks; a word listed without breaks is never broken. The span matters: WeasyPrint ignores
automatic breaks in a whole run of text once a soft hyphen follows anywhere in it, not only in that word.

An entry is written like TeX's \\hyphenation: `-` marks an allowed break, an entry without one is never broken, and
a final `*` also matches the word with an inflection ending of up to three letters („Roh-stoff*“: Rohstoff,
Rohstoffe, Rohstoffen), which is never broken. Matching ignores case and keeps the word as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

# Words of reportgen's own tables the patterns break badly (Mini-mum); a project adds its own words under
# [report] hyphenation in report.toml (the study: Ressourcen-effizienz, Leipzig, Roh-stoff*, …).
HOUSE_EXCEPTIONS = ("Minimum", "Maximum")

SOFT_HYPHEN = "&shy;"
WRAPPER = '<span class="hyphenate-manual" style="hyphens: manual">{}</span>'
MAX_ENDING = 3

# Text inside these elements is left alone: headings and table heads are never hyphenated (and feed the outline,
# the running head and the table of contents), addresses and code must stay as typed.
_SKIPPED = frozenset({"h1", "h2", "h3", "h4", "h5", "h6", "a", "code", "pre", "kbd", "samp", "thead", "script",
                      "style", "svg", "math", "title", "textarea"})  # fmt: skip
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)")
_WORD = re.compile(r"(?<![&#\w\u00ad])[^\W\d_]+(?![\w\u00ad])")
_ENTRY = re.compile(r"[^\W\d_](?:[^\W\d_]|-(?=[^\W\d_]))*\*?")


@dataclass(frozen=True)
class _Entry:
    letters: str  # lower case, without break marks
    breaks: tuple[int, ...]  # offsets in `letters` where a break is allowed
    inflected: bool


class HyphenationExceptions:
    """A list of exception entries; `apply` marks their words in an HTML fragment."""

    def __init__(self, entries: Iterable[str] = HOUSE_EXCEPTIONS) -> None:
        self._entries: dict[str, _Entry] = {}
        for written in entries:
            entry = _parse(written)
            self._entries[entry.letters] = entry

    def apply(self, html: str) -> str:
        """`html` with each listed word outside headings, table heads, links and code wrapped and given its breaks."""
        parts = _MARKUP.split(html)
        open_skipped: list[str] = []
        for index, part in enumerate(parts):
            if index % 2:
                _track(part, open_skipped)
            elif part and not open_skipped:
                parts[index] = _WORD.sub(self._marked, part)
        return "".join(parts)

    def hyphenated(self, word: str) -> str | None:
        """`word` with soft hyphens at its allowed breaks, or None if no entry matches it."""
        lower = word.lower()
        for ending in range(min(MAX_ENDING, len(lower) - 1) + 1):
            entry = self._entries.get(lower[: len(lower) - ending])
            if entry is not None and (ending == 0 or entry.inflected):
                return _with_breaks(word, entry.breaks)
        return None

    def _marked(self, match: re.Match[str]) -> str:
        hyphenated = self.hyphenated(match.group())
        return match.group() if hyphenated is None else WRAPPER.format(hyphenated)


def mark_exceptions(html: str, exceptions: HyphenationExceptions | None = None) -> str:
    """`html` (a rendered chapter) with the house exceptions, or `exceptions`, marked."""
    return (exceptions or _HOUSE).apply(html)


def is_entry(written: str) -> bool:
    """Whether `written` is an exception entry: letters, „-“ between two letters, an optional final „*“."""
    return bool(_ENTRY.fullmatch(written))


def _parse(written: str) -> _Entry:
    if not is_entry(written):
        raise ValueError(f"hyphenation exception {written!r}: letters, „-“ between two letters and a final „*“")
    inflected = written.endswith("*")
    pieces = written.rstrip("*").lower().split("-")
    breaks, offset = [], 0
    for piece in pieces[:-1]:
        offset += len(piece)
        breaks.append(offset)
    return _Entry("".join(pieces), tuple(breaks), inflected)


def _with_breaks(word: str, breaks: tuple[int, ...]) -> str:
    bounds = (0, *breaks, len(word))
    return SOFT_HYPHEN.join(word[start:end] for start, end in pairwise(bounds))


def _track(tag: str, open_skipped: list[str]) -> None:
    """Keeps the stack of open skipped elements; a stray closing tag of another element changes nothing."""
    match = _TAG.match(tag)
    if match is None or tag.endswith("/>"):
        return
    closing, name = match.group(1) == "/", match.group(2).lower()
    if name not in _SKIPPED:
        return
    if not closing:
        open_skipped.append(name)
    elif name in open_skipped:
        del open_skipped[len(open_skipped) - 1 - open_skipped[::-1].index(name) :]


_HOUSE = HyphenationExceptions()
