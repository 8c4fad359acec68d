"""At most two hyphenated lines in a row, as a typesetter sets them.

CSS's `hyphenate-limit-lines` is not in WeasyPrint 70, so the limit is kept after the layout: a paragraph whose
lines end in a hyphen three times or more in a row names the words WeasyPrint broke at the third and later such
line ends; those words are then kept whole (like a [report] hyphenation entry without breaks) and the document is
laid out again. A typed hyphen at a line end („CO₂-“) counts towards the run but is never changed, and a word
longer than 60 % of its line (only in narrow table cells or columns) stays broken rather than sticking out.
Each extra layout costs as much as the first: a project avoids it by listing such words under [report]
hyphenation.
"""

from __future__ import annotations

import re
from typing import Any

MAX_HYPHENATED_LINES = 2
MAX_PASSES = 3  # keeping a word whole can push a run further down; each pass only removes breaks, so this ends

_LAST_LETTERS = re.compile(r"[^\W\d_]+$")
_FIRST_LETTERS = re.compile(r"^[^\W\d_]+")


def words_to_keep_whole(document: Any) -> list[str]:
    """The words broken at the third and later hyphenated line end in a row of a paragraph, in page order."""
    from weasyprint.formatting_structure.boxes import LineBox  # heavy; only the layout stage needs it

    words: list[str] = []
    for page in document.pages:
        for box in page._page_box.descendants():
            lines = [child for child in getattr(box, "children", ()) if isinstance(child, LineBox)]
            words.extend(_overlong_runs(lines))
    return list(dict.fromkeys(words))


def _overlong_runs(lines: list[Any]) -> list[str]:
    """The words broken at the line ends beyond the limit, among one block's consecutive lines."""
    joined = ""  # the block's text with the breaks WeasyPrint made undone
    overlong: list[int] = []  # offsets in `joined` of the breaks to undo
    run = 0
    width = max((line.width for line in lines), default=0.0)
    for line in lines:
        text, end = _line_text(line)
        joined += text
        run = run + 1 if end is not None else 0
        if end is _GENERATED and run > MAX_HYPHENATED_LINES:
            overlong.append(len(joined))
        elif end is None:
            joined += " "
    words = (_word_at(joined, offset) for offset in overlong)
    # A word that takes most of a line would stick out of it if kept whole: then three breaks in a row are better.
    average = width * len(lines) / max(len(joined), 1)  # a character's width, on average
    return [word for word in words if word and len(word) * average < _MAX_WORD_SHARE * width]


_GENERATED, _TYPED = "generated", "typed"
_MAX_WORD_SHARE = 0.6


def _line_text(line: Any) -> tuple[str, str | None]:
    """The line's text without a hyphen WeasyPrint added, and how it ends: in such a hyphen, a typed one or not."""
    from weasyprint.formatting_structure.boxes import TextBox

    boxes = [box for box in line.descendants() if isinstance(box, TextBox)]
    text = "".join(box.text for box in boxes)
    hyphen = boxes[-1].style["hyphenate_character"] if boxes else ""
    if hyphen and text.endswith(hyphen):
        return text[: -len(hyphen)], _GENERATED
    return text, _TYPED if text.endswith("-") else None


def _word_at(text: str, offset: int) -> str | None:
    """The word around a break at `offset`; None if the break is not inside a word."""
    before, after = _LAST_LETTERS.search(text[:offset]), _FIRST_LETTERS.match(text[offset:])
    if before is None or after is None:
        return None
    return before.group() + after.group()
