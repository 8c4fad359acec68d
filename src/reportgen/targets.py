"""The figures and tables of one build as they are made: their kinds, captions, labels and placeholder numbers."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from markupsafe import Markup

Numbered = Literal["abb", "tab"]
NAMES: Mapping[Numbered, str] = {"abb": "Abbildung", "tab": "Tabelle"}
ANCHORS: Mapping[Numbered, str] = {"abb": "abbildung", "tab": "tabelle"}
LABEL = re.compile(r"\w(?:[\w-]*\w)?")
# Placeholders (private-use characters, which no editor types): a figure's or table's number, a reference.
PLACEHOLDER = re.compile("\ue000(abb|tab|ref|txt)(\\d+)\ue001")


def placeholder(kind: str, key: int) -> str:
    """What stands for a number (`abb`, `tab`) or a reference (`ref`, `txt`) until the report is numbered."""
    return f"\ue000{kind}{key}\ue001"


@dataclass(frozen=True)
class Target:
    """A numbered figure or table as it was made: its caption, and its label if it has one."""

    kind: Numbered
    key: int
    caption: Markup
    label: str = ""
    explicit: bool = False

    @property
    def number(self) -> Markup:
        """What the block prints for its number (and in its id) until the report is numbered."""
        return Markup(placeholder(self.kind, self.key))


class DuplicateLabelError(ValueError):
    """A label an editor gave that an earlier figure or table of the same kind has already."""

    def __init__(self, kind: Numbered, label: str) -> None:
        super().__init__(f"Der Name „{label}“ ist schon an eine andere {NAMES[kind]} vergeben.")
        self.kind = kind
        self.label = label


class Targets:
    """Every figure and table of one build, in the order they were made (by the helpers and the Markdown)."""

    def __init__(self) -> None:
        self._targets: list[Target] = []
        self._explicit: set[tuple[Numbered, str]] = set()

    def add(self, kind: Numbered, caption: Markup, label: str = "", *, explicit: bool = False) -> Target:
        """A new figure or table; a label given by the editor (`explicit`) must be new for its kind."""
        if explicit:
            if (kind, label) in self._explicit:
                raise DuplicateLabelError(kind, label)
            self._explicit.add((kind, label))
        target = Target(kind, len(self._targets), caption, label, explicit)
        self._targets.append(target)
        return target

    def __iter__(self) -> Iterator[Target]:
        return iter(self._targets)
