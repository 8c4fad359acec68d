"""Syntax an editor meant but nothing understood, found in the text of a rendered chapter.

Only prose is searched: code spans, code blocks and raw HTML may show such syntax on purpose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from markdown_it.token import Token

_SPACE = "[ \t\u00a0\u202f]*"


@dataclass(frozen=True)
class Leftover:
    """Syntax left in the text at a line of the rendered chapter: what it is, and how to fix it."""

    line: int
    message: str
    hint: str


_KINDS = (
    (
        re.compile(r"\{\{|\}\}|\{%|%\}"),
        "Vorlagen-Syntax „{found}“ steht im Text.",
        "Prüfen Sie, ob der Ausdruck richtig geöffnet und geschlossen ist: {{ … }} oder {% … %}.",
    ),
    (
        re.compile(r"\[-?@"),
        "Das Zitat „{found}…“ wurde nicht erkannt.",
        "Schreiben Sie Zitate als [@schluessel], [@schluessel, S. 12] oder [vgl. @schluessel] (siehe README).",
    ),
    (
        re.compile(r"\[\^[^\]\s]*\]?"),
        "Die Fußnote „{found}“ wurde nicht erkannt.",
        "Jede Fußnote [^name] braucht im selben Kapitel eine eigene Zeile „[^name]: Text“.",
    ),
    (
        re.compile(f"%{_SPACE}%"),
        "Doppeltes Prozentzeichen „{found}“.",
        "share() schreibt das Prozentzeichen selbst; löschen Sie das zweite.",
    ),
    (
        re.compile(r"\{[.#][^{}\n]*\}"),
        "Die Angabe „{found}“ wird hier nicht verstanden.",
        "Klassen und Sprungmarken wie {.new-page} oder {#name} stehen am Ende einer Überschrift.",
    ),
)


def find_leftovers(tokens: Iterable[Token]) -> list[Leftover]:
    """Every piece of left-over template, citation, footnote or attribute syntax in the prose of `tokens`."""
    return [leftover for token in tokens if token.type == "inline" for leftover in _in_inline(token)]


def _in_inline(inline: Token) -> Iterator[Leftover]:
    line = inline.map[0] + 1 if inline.map else 1
    for child in inline.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "text":
            for pattern, message, hint in _KINDS:
                for match in pattern.finditer(child.content):
                    yield Leftover(line, message.format(found=match.group(0)), hint)
