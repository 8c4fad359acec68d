"""Author-year citations in a chapter: `[@key]`, `[@a; @b]` and narrative `@key`, found and linked in one pass."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markupsafe import escape

from .references import Reference

_KEY = r"[A-Za-z0-9_][\w-]*"
_GROUP = re.compile(r"\[(@" + _KEY + r"(?:\s*;\s*@" + _KEY + r")*)\]")
_NARRATIVE = re.compile(r"(?<![\w@\[/.])@([A-Za-z0-9_][\w-]*[A-Za-z0-9_])")
_CITATION = re.compile(f"{_GROUP.pattern}|{_NARRATIVE.pattern}")


@dataclass(frozen=True)
class UnknownKey:
    """A cited key with no entry in the references, at a line of the text it was found in."""

    key: str
    line: int


@dataclass(frozen=True)
class LinkedText:
    """A text with its citations turned into links, the keys cited in order and the unknown ones."""

    text: str
    cited: tuple[str, ...]
    unknown: tuple[UnknownKey, ...]


def link_citations(text: str, references: Mapping[str, Reference]) -> LinkedText:
    """Link every citation whose keys are all known; leave the others as written and report them."""
    cited: dict[str, None] = {}
    unknown: list[UnknownKey] = []

    def replace(match: re.Match[str]) -> str:
        keys = _keys(match)
        missing = [key for key in keys if key not in references]
        line = text.count("\n", 0, match.start()) + 1
        unknown.extend(UnknownKey(key, line) for key in missing)
        cited.update(dict.fromkeys(key for key in keys if key in references))
        if missing:
            return match.group(0)
        if match.group(1) is None:
            reference = references[keys[0]]
            return f"{_link(reference, reference.author)} ({reference.year})"
        items = [_link(references[key], f"{references[key].author}, {references[key].year}") for key in keys]
        return "(" + "; ".join(items) + ")"

    linked = _CITATION.sub(replace, text)
    return LinkedText(linked, tuple(cited), tuple(unknown))


def _keys(match: re.Match[str]) -> list[str]:
    if match.group(1) is None:
        return [match.group(2)]
    return [part.strip()[1:] for part in match.group(1).split(";")]


def _link(reference: Reference, label: str) -> str:
    return f'<a class="citation" href="#ref-{reference.key}">{escape(label)}</a>'
