"""Extractable words: hyphens as U+002D and words split across lines given back whole as /ActualText.

WeasyPrint 70 writes one ToUnicode entry per glyph, taken from the first text that used it. Lato draws U+002D and
WeasyPrint's break hyphen U+2010 (the default `hyphenate-character`) with one glyph, so whichever came first wins,
and in the study every typed hyphen extracts as U+2010. Each line is its own text object, so a word broken at the
end of a line extracts as two („Ressour‐“, „ceneffiziente“). Repairs, after tag_pdf:

- every ToUnicode entry for U+2010 says U+002D (WeasyPrint writes U+2010 only as its break hyphen; a typed U+2010
  would extract as a hyphen-minus, too);
- a word split at a line end is marked as ISO 32000-1 14.9.4 shows: the part before the break (with its hyphen) in
  `/Span <</ActualText (whole word)>> BDC … EMC`, the part after it with an empty /ActualText. A break hyphen
  WeasyPrint generated is left out of the whole word, a typed one („CO₂-“ / „neutral“) kept. Which hyphens were
  generated comes from the layout: the text boxes that end in their `hyphenate-character`.

Extractors that honour /ActualText (poppler's pdftotext, Acrobat, screen readers) then give whole words; those that
read only the ToUnicode map (pypdf 7) still give „Ressour-“ and „ceneffiziente“ on two lines, but every hyphen as
U+002D. A word broken across a page break keeps its two parts."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Operator, String

Instruction = pikepdf.ContentStreamInstruction
Position = tuple[float, float]

_HYPHEN = "-"
_BREAK_HYPHEN = "\u2010"  # WeasyPrint's default hyphenate-character
_BFCHAR = re.compile(rb"<([0-9a-fA-F]{4})>\s*<([0-9a-fA-F]*)>")
_TOLERANCE = 0.01  # CSS px: text positions are written with 6 decimals
_BDC, _EMC, _TJ = Operator("BDC"), Operator("EMC"), Operator("TJ")
_TEXT_STATE = frozenset({"BT", "BDC", "BMC", "EMC", "Tf", "Tm", "TJ"})


@dataclass(frozen=True)
class PageHyphens:
    """Where on a page the text boxes start that end in a hyphen WeasyPrint added (automatic or at a soft hyphen),
    and whether any text box there ends in a hyphen at all (a page without one needs no repair)."""

    generated: list[Position]
    any: bool


def line_end_hyphens(document: Any) -> list[PageHyphens]:
    """Per page, the text boxes ending in a hyphen, from the layout.

    A position is the one WeasyPrint writes as the text matrix of the box's text object (draw/text.py)."""
    from weasyprint.formatting_structure.boxes import TextBox  # heavy; only the PDF stage needs it

    pages = []
    for page in document.pages:
        generated: list[Position] = []
        typed = False
        for box in page._page_box.descendants(placeholders=True):
            if not isinstance(box, TextBox):
                continue
            if box.text.endswith(box.style["hyphenate_character"]):
                generated.append((box.position_x, box.position_y + box.baseline))
            elif box.text.endswith(_HYPHEN):
                typed = True
        pages.append(PageHyphens(generated, typed or bool(generated)))
    return pages


def join_split_words(pdf: pikepdf.Pdf, document: Any) -> None:
    """`pdf`, written from `document`, changed in place: hyphens extract as U+002D and words split at a line end
    extract whole (see the module)."""
    hyphens = line_end_hyphens(document)
    maps = _fix_to_unicode(pdf)
    parents = _parent_tree(pdf)
    for page, found in zip(pdf.pages, hyphens, strict=True):
        if found.any:
            mcids = parents.get(int(page.obj.get("/StructParents", -1)), [])
            _mark_page(pdf, page, found.generated, maps, mcids)


# Fonts


def _fix_to_unicode(pdf: pikepdf.Pdf) -> dict[tuple[int, int], dict[bytes, str]]:
    """Every Type0 font's code -> text map, by the font's object id, after U+2010 is turned into U+002D."""
    maps: dict[tuple[int, int], dict[bytes, str]] = {}
    for page in pdf.pages:
        for font in _fonts(page).values():
            if font.objgen in maps or font.get("/Subtype") != "/Type0" or "/ToUnicode" not in font:
                continue
            stream = font.ToUnicode
            cmap = stream.read_bytes()
            fixed = _BFCHAR.sub(_hyphen_minus, cmap)
            if fixed != cmap:
                stream.write(fixed)
            maps[font.objgen] = {
                bytes.fromhex(code.decode()): bytes.fromhex(text.decode()).decode("utf-16-be")
                for code, text in _BFCHAR.findall(fixed)
            }
    return maps


def _fonts(page: pikepdf.Page) -> Any:
    """The page's font resources by name (an empty dictionary if it has none)."""
    resources = page.obj.get("/Resources")
    fonts = resources.get("/Font") if resources is not None else None
    return fonts if fonts is not None else Dictionary()


def _hyphen_minus(match: re.Match[bytes]) -> bytes:
    if match[2].lower() == b"2010":
        return b"<" + match[1] + b"> <002d>"
    return match[0]


def _parent_tree(pdf: pikepdf.Pdf) -> dict[int, list[Object]]:
    tree = pdf.Root.get("/StructTreeRoot")
    if tree is None or "/Nums" not in tree.get("/ParentTree", {}):
        return {}
    nums = list(tree.ParentTree.Nums)
    return {int(nums[i]): list(nums[i + 1]) for i in range(0, len(nums), 2) if isinstance(nums[i + 1], Array)}


# Text runs: one TJ each, as glyph codes with their positioning numbers


@dataclass
class _Run:
    """One TJ and where its text object starts; its glyphs are read only when its line may end in a split word."""

    index: int  # of the TJ in the page's instructions
    block: int  # the text object (BT) it belongs to
    start: Position  # its text object's Tm
    element: Object | None  # the structure element of its marked content
    operand: Array
    font: dict[bytes, str]
    last_in_block: bool = False
    marks: list[tuple[int, int, str]] = field(default_factory=list)  # glyph ranges wrapped in /ActualText

    @cached_property
    def glyphs(self) -> _Glyphs:
        return _Glyphs.read(self.operand, self.font)

    @property
    def texts(self) -> list[str]:
        return self.glyphs.texts

    def edge(self, last: bool) -> str:
        """The text of the first or last glyph, without reading the others."""
        for item in reversed(self.operand) if last else self.operand:
            if isinstance(item, String):
                raw = bytes(item)
                if len(raw) >= 2:
                    return self.font.get(raw[-2:] if last else raw[:2], "")
        return ""

    def head(self) -> int:
        """The number of glyphs before the first space."""
        return next((i for i, text in enumerate(self.texts) if text.isspace()), len(self.texts))

    def tail(self) -> int:
        """The index of the first glyph after the last space."""
        return max((i + 1 for i, text in enumerate(self.texts) if text.isspace()), default=0)


@dataclass
class _Glyphs:
    """A TJ's glyph codes, their texts, and the positioning numbers before the first and after each glyph."""

    codes: list[bytes]
    texts: list[str]
    numbers: list[list[Object]]

    @classmethod
    def read(cls, operand: Array, font: dict[bytes, str]) -> _Glyphs:
        glyphs = cls([], [], [[]])
        for item in operand:
            if isinstance(item, String):
                raw = bytes(item)
                for offset in range(0, len(raw) - 1, 2):
                    code = raw[offset : offset + 2]
                    glyphs.codes.append(code)
                    glyphs.texts.append(font.get(code, ""))
                    glyphs.numbers.append([])
            else:
                glyphs.numbers[-1].append(item)
        return glyphs

    def array(self, start: int, end: int) -> Array:
        items: list[Object] = list(self.numbers[0]) if start == 0 else []
        for i in range(start, end):
            items.append(String(self.codes[i]))
            items.extend(self.numbers[i + 1])
        return Array(items)


def _runs(
    instructions: list[Any], maps: dict[tuple[int, int], dict[bytes, str]], fonts: Any, mcids: list[Object]
) -> list[_Run]:
    runs: list[_Run] = []
    font: dict[bytes, str] | None = None
    start: Position = (0.0, 0.0)
    block = 0
    elements: list[Object | None] = [None]  # the innermost structure element of each open marked content
    for index, instruction in enumerate(instructions):
        operator = str(instruction.operator)
        if operator not in _TEXT_STATE:
            continue
        if operator == "TJ":
            if font is not None:
                runs.append(_Run(index, block, start, elements[-1], instruction.operands[0], font))
        elif operator == "Tm":
            operands = instruction.operands
            start = (float(operands[4]), float(operands[5]))
        elif operator == "BT":
            block += 1
        elif operator == "BDC":
            properties = instruction.operands[1]
            mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            element = mcids[int(mcid)] if mcid is not None and int(mcid) < len(mcids) else None
            elements.append(element if element is not None else elements[-1])
        elif operator == "BMC":
            elements.append(elements[-1])
        elif operator == "EMC" and len(elements) > 1:
            elements.pop()
        elif operator == "Tf":
            font_dict = fonts.get(str(instruction.operands[0])) if fonts is not None else None
            font = maps.get(font_dict.objgen) if font_dict is not None else None
    for run, following in pairwise(runs):
        run.last_in_block = following.block != run.block
    if runs:
        runs[-1].last_in_block = True
    return runs


# Words split at a line end


def _near(position: Position, positions: list[Position]) -> bool:
    return any(abs(position[0] - x) < _TOLERANCE and abs(position[1] - y) < _TOLERANCE for x, y in positions)


def _same_parent(a: Object | None, b: Object | None) -> bool:
    """Two lines' marked content belongs to one paragraph (WeasyPrint tags each line as a Span in it)."""
    if a is None or b is None:
        return False
    return bool(a.get("/P") is not None and b.get("/P") is not None and a.P.objgen == b.P.objgen)


def _linked(run: _Run, following: _Run, generated: bool) -> bool:
    """`run` ends its line in a hyphen inside a word that `following`, the next line, goes on with."""
    return (
        run.last_in_block
        and following.start[1] > run.start[1] + _TOLERANCE
        and run.edge(last=True) == _HYPHEN
        and following.edge(last=False)[:1].isalnum()
        and len(run.texts) >= 2
        and run.texts[-1] == _HYPHEN
        and run.texts[-2] != ""
        and not run.texts[-2].isspace()
        and following.texts[:1] != []
        and following.texts[0][:1].isalnum()
        and (generated or _same_parent(run.element, following.element))
    )


def _chains(runs: list[_Run], generated: set[int]) -> Iterator[list[int]]:
    """Runs that hold one word between them, by index: its start, lines that are all word, the line it ends on."""
    i = 0
    while i < len(runs) - 1:
        if not _linked(runs[i], runs[i + 1], i in generated):
            i += 1
            continue
        chain = [i, i + 1]
        while (
            chain[-1] + 1 < len(runs)
            and runs[chain[-1]].head() == len(runs[chain[-1]].texts)
            and _linked(runs[chain[-1]], runs[chain[-1] + 1], chain[-1] in generated)
        ):
            chain.append(chain[-1] + 1)
        yield chain
        i = chain[-1]


def _mark_chain(runs: list[_Run], chain: list[int], generated: set[int]) -> None:
    """The word's first part says the whole word; the parts on the following lines say nothing."""
    spans: list[tuple[_Run, int, int]] = []
    for k, index in enumerate(chain):
        run = runs[index]
        if k == 0:
            spans.append((run, run.tail(), len(run.texts)))
        elif k < len(chain) - 1:
            spans.append((run, 0, len(run.texts)))
        else:
            spans.append((run, 0, run.head()))
    word = "".join(
        "".join(run.texts[start : end - 1 if k < len(chain) - 1 and chain[k] in generated else end])
        for k, (run, start, end) in enumerate(spans)
    )
    for k, (run, start, end) in enumerate(spans):
        run.marks.append((start, end, word if k == 0 else ""))


def _rewritten(run: _Run) -> list[Instruction]:
    """The run's TJ split so that each marked range is shown inside its own /ActualText span."""
    out: list[Instruction] = []
    position = 0
    for start, end, text in sorted(run.marks):
        if start > position:
            out.append(Instruction([run.glyphs.array(position, start)], _TJ))
        out.append(Instruction([Name.Span, Dictionary(ActualText=String(text))], _BDC))
        out.append(Instruction([run.glyphs.array(start, end)], _TJ))
        out.append(Instruction([], _EMC))
        position = end
    if position < len(run.texts):
        out.append(Instruction([run.glyphs.array(position, len(run.texts))], _TJ))
    return out


def _mark_page(
    pdf: pikepdf.Pdf,
    page: pikepdf.Page,
    positions: list[Position],
    maps: dict[tuple[int, int], dict[bytes, str]],
    mcids: list[Object],
) -> None:
    instructions = list(pikepdf.parse_content_stream(page))
    runs = _runs(instructions, maps, _fonts(page), mcids)
    generated = {i for i, run in enumerate(runs) if run.last_in_block and _near(run.start, positions)}
    for chain in list(_chains(runs, generated)):
        _mark_chain(runs, chain, generated)
    marked = {run.index: run for run in runs if run.marks}
    if not marked:
        return
    content: list[Any] = []
    for index, instruction in enumerate(instructions):
        content.extend(_rewritten(marked[index]) if index in marked else [instruction])
    page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(content))
