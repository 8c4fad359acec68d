"""Where the survey numbers stand on laid-out pages, in CSS px from each page's top-left corner, for the live preview:
the numbers of the provenance spans and the charts' number labels.

The pages are those of the PDF, laid out without the spans (see provenance.unmarked). A span's number is found by
its place in the own text of the element around it (the text outside the element's children), and measured in the
text box of the line that shows it. An element is recognised by its tag and own text, the n-th element with those on
the pages being the n-th in the HTML; a number whose element can't be matched that way gets no box rather than a box
on other words."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from html import unescape
from itertools import pairwise
from typing import Any

from .provenance import SPAN, SVG_METADATA_ID

_METADATA = re.compile(rb'<metadata id="' + SVG_METADATA_ID.encode() + rb'">(.*?)</metadata>', re.S)
_TOKEN = re.compile(
    rf"(?P<span>{SPAN.pattern})|<!--.*?-->|<[!?][^>]*>|</(?P<end>[a-zA-Z][^\s/>]*)[^>]*>"
    r"|<(?P<start>[a-zA-Z][^\s/>]*)(?P<attributes>[^>]*)>",
    re.S,
)
# Where a chapter starts (the page template marks chapters with data-source, see parts).
_CHAPTER = re.compile(r'<[a-zA-Z][^>]*\sdata-source="')
_VOID = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
)
_FIRST_NEWLINE_DROPPED = frozenset({"pre", "textarea", "listing"})  # as the HTML parser does
_WHITE_SPACE = frozenset(" \t\n\r\f")
_SOFT_HYPHEN = "\u00ad"


@dataclass(frozen=True)
class NumberBox:
    """One number on a page (a part of one, where a number breaks over lines): its box in CSS px from the page's
    top-left corner, the text shown and what the number is."""

    x: float
    y: float
    width: float
    height: float
    text: str
    provenance: str


@dataclass(frozen=True)
class ChartLabels:
    """The number labels of one chart (their boxes in the SVG's user units from its top-left corner) and the size
    of its SVG in user units."""

    width: float
    height: float
    labels: tuple[NumberBox, ...]


def chart_labels(svg: bytes) -> ChartLabels | None:
    """The labels a chart's SVG carries in its provenance metadata, or None for an SVG without them."""
    found = _METADATA.search(svg)
    if found is None:
        return None
    data = json.loads(unescape(found.group(1).decode("utf-8")))
    labels = tuple(NumberBox(**label) for label in data["labels"])
    return ChartLabels(float(data["width"]), float(data["height"]), labels)


# The numbers in the HTML


@dataclass(frozen=True)
class Span:
    """A number with provenance: where it stands in the own text of its element, and what it is."""

    start: int
    end: int
    provenance: str


ElementKey = tuple[str, str]  # an element's tag and own text (with the spans' numbers as plain text)


@dataclass
class _Open:
    tag: str
    order: int
    pieces: list[str]
    spans: list[Span]
    length: int = 0
    drop_newline: bool = False

    def add(self, text: str) -> None:
        if self.drop_newline and text:
            text = text.removeprefix("\n")
            self.drop_newline = False
        self.pieces.append(text)
        self.length += len(text)


def marked_elements(
    html: str, parse: Callable[[str], Sequence[tuple[ElementKey, tuple[Span, ...]]]] | None = None
) -> dict[ElementKey, list[tuple[Span, ...]]]:
    """The numbers of `html`'s provenance spans by element: per tag and own text of an element that has some, the
    spans of each element with that tag and text, in document order (an element without spans as an empty tuple,
    so that the n-th element with a key here is the n-th on the pages).

    The HTML is read chapter by chapter (`parse`: `chapter_elements`, or a memo of it): no element with text
    stands across the start of a chapter."""
    found = [item for part in _chapter_parts(html) for item in (parse or chapter_elements)(part)]
    marked = {key for key, spans in found if spans}
    elements: dict[ElementKey, list[tuple[Span, ...]]] = {}
    for key, spans in found:
        if key in marked:
            elements.setdefault(key, []).append(spans)
    return elements


def _chapter_parts(html: str) -> list[str]:
    starts = [0, *(found.start() for found in _CHAPTER.finditer(html)), len(html)]
    return [html[start:end] for start, end in pairwise(starts) if end > start]


def chapter_elements(html: str) -> tuple[tuple[ElementKey, tuple[Span, ...]], ...]:
    """Every element of a piece of HTML with its key and spans, in the order the elements start (an element left
    open at the end is closed there, an end tag without its start ignored)."""
    found: list[tuple[int, ElementKey, tuple[Span, ...]]] = []
    stack: list[_Open] = []
    position = 0

    def close(element: _Open) -> None:
        found.append((element.order, (element.tag, "".join(element.pieces)), tuple(element.spans)))

    for match in _TOKEN.finditer(html):
        if stack and match.start() > position:
            stack[-1].add(_text(html[position : match.start()]))
        position = match.end()
        if match["span"] is not None:
            if stack:
                number = _text(match["number"])
                top = stack[-1]
                top.spans.append(Span(top.length, top.length + len(number), unescape(match["provenance"])))
                top.add(number)
        elif match["start"] is not None:
            if stack:
                stack[-1].drop_newline = False
            tag = match["start"].lower()
            if tag not in _VOID and not match["attributes"].rstrip().endswith("/"):
                stack.append(_Open(tag, match.start(), [], [], drop_newline=tag in _FIRST_NEWLINE_DROPPED))
        elif match["end"] is not None:
            tag = match["end"].lower()
            opened = [index for index, element in enumerate(stack) if element.tag == tag]
            if opened:
                for element in reversed(stack[opened[-1] :]):
                    close(element)
                del stack[opened[-1] :]
    if stack and position < len(html):
        stack[-1].add(_text(html[position:]))
    for element in reversed(stack):
        close(element)
    return tuple((key, spans) for _order, key, spans in sorted(found, key=lambda item: item[0]))


def _text(raw: str) -> str:
    """Text as the HTML parser gives it to the layout: character references decoded, line ends as "\\n"."""
    return unescape(raw.replace("\r\n", "\n").replace("\r", "\n"))


# The numbers on the pages


@dataclass(frozen=True)
class PageText:
    """What one laid-out page shows of the elements' own texts (not in its margins, not generated by CSS), and its
    images, in document order: the part of the page a number's place is looked up in."""

    texts: tuple[tuple[Any, Any], ...]  # (element, text box)
    images: tuple[Any, ...]  # replaced boxes of <img> elements


def page_text(page: Any) -> PageText:
    """The text boxes and images of a laid-out `weasyprint.Page`, by element, in document order."""
    from weasyprint.formatting_structure.boxes import MarginBox, ReplacedBox, TextBox

    texts: list[tuple[Any, Any]] = []
    images: list[Any] = []
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        if isinstance(box, MarginBox):
            continue
        element = box.element
        if isinstance(box, TextBox):
            if element is not None and "::" not in (box.element_tag or ""):
                texts.append((element, box))
        elif isinstance(box, ReplacedBox):
            if element is not None and element.tag == "img":
                images.append(box)
        else:
            stack.extend(reversed(getattr(box, "children", ())))
    return PageText(tuple(texts), tuple(images))


Measure = Callable[[str, Sequence[tuple[int, Any]], tuple[Span, ...]], list[tuple[int, NumberBox]]]


def number_boxes(
    pages: Sequence[PageText],
    marked: Mapping[ElementKey, Sequence[tuple[Span, ...]]],
    charts: Mapping[str, ChartLabels | None] | None = None,
    measure: Measure | None = None,
) -> list[list[NumberBox]]:
    """Per page in reading order, the boxes of the numbers of `marked` (see marked_elements) where `pages` show them,
    and of the labels of the charts whose `<img src>` ends in a name of `charts` (the chart file names, as
    `chart_labels` read them from the SVGs). `measure` finds an element's numbers in its text boxes (`measured`, or
    a memo of it)."""
    boxes: list[list[NumberBox]] = [[] for _ in pages]
    for number, page in enumerate(pages):
        for image in page.images:
            labels = (charts or {}).get((image.element.get("src") or "").rsplit("/", 1)[-1])
            if labels is not None:
                boxes[number].extend(_in_image(image, labels))
    shown: dict[int, tuple[Any, list[tuple[int, Any]]]] = {}
    for number, page in enumerate(pages):
        for element, box in page.texts:
            shown.setdefault(id(element), (element, []))[1].append((number, box))
    keyed = [(_key(element), text_boxes) for element, text_boxes in shown.values()]
    seen = Counter(key for key, _boxes in keyed)
    ordinal: Counter[ElementKey] = Counter()
    for key, text_boxes in keyed:
        index = ordinal[key]
        ordinal[key] += 1
        spans = marked.get(key, ())
        if seen[key] != len(spans) or not spans[index]:
            continue  # an element missing from the pages or the HTML: the elements of this key can't be told apart
        for page_number, box in (measure or measured)(key[1], text_boxes, spans[index]):
            boxes[page_number].append(box)
    return [sorted(page, key=_reading_order) for page in boxes]


def _reading_order(box: NumberBox) -> tuple[float, float]:
    return (round(box.y + box.height / 2), box.x)  # lines by their middles, to the px: one line's fonts may differ


def _key(element: Any) -> ElementKey:
    own = (element.text or "") + "".join(child.tail or "" for child in element)
    return (element.tag if isinstance(element.tag, str) else "", own)


def measured(text: str, boxes: Sequence[tuple[int, Any]], spans: tuple[Span, ...]) -> list[tuple[int, NumberBox]]:
    """Each span's number in the text boxes (with their page numbers) that show an element's own `text`: per line it
    stands on, its box; nothing when the boxes don't show `text`."""
    shown = _aligned(text, [box.text for _page, box in boxes], [_hyphen(box) for _page, box in boxes])
    if shown is None:
        return []
    found = []
    for span in spans:
        places = [place for place in shown[span.start : span.end] if place is not None]
        for index in dict.fromkeys(index for index, _offset in places):
            offsets = [offset for box_index, offset in places if box_index == index]
            page, box = boxes[index]
            start, end = min(offsets), max(offsets) + 1
            left, right = _advance(box, start), _advance(box, end)
            number = NumberBox(
                box.position_x + left, box.position_y, right - left, box.height, box.text[start:end], span.provenance
            )
            found.append((page, number))
    return found


def _hyphen(box: Any) -> str:
    """The hyphen WeasyPrint adds where it breaks a word at this box's end."""
    character = box.style["hyphenate_character"]
    return character if isinstance(character, str) and box.text.endswith(character) else ""


def _aligned(text: str, shown: Sequence[str], hyphens: Sequence[str]) -> list[tuple[int, int] | None] | None:
    """For each character of `text`, the (index of the box, offset in its text) that shows it, None for white space
    and soft hyphens; None when the boxes' texts, read in order, are not `text` with its white space collapsed,
    soft hyphens taken or kept, line ends dropped, hyphens at breaks added and letters in another case."""
    flat = [
        (index, offset, character, offset >= len(part) - len(hyphen))
        for index, (part, hyphen) in enumerate(zip(shown, hyphens, strict=True))
        for offset, character in enumerate(part)
    ]
    places: list[tuple[int, int] | None] = [None] * len(text)
    i = j = 0
    while i < len(text):
        character = text[i]
        if character in _WHITE_SPACE:
            while i < len(text) and text[i] in _WHITE_SPACE:
                i += 1
            while j < len(flat) and flat[j][2] in _WHITE_SPACE:
                j += 1
            continue
        while j < len(flat) and flat[j][2] != character and (flat[j][2] == _SOFT_HYPHEN or flat[j][3]):
            j += 1
        if j < len(flat) and (flat[j][2] == character or flat[j][2].casefold() == character.casefold()):
            places[i] = flat[j][:2]
            j += 1
        elif character != _SOFT_HYPHEN:
            return None
        i += 1
    rest = flat[j:]
    if any(not (character in _WHITE_SPACE or character == _SOFT_HYPHEN or added) for _, _, character, added in rest):
        return None
    return places


def _advance(box: Any, offset: int) -> float:
    """The width of the first `offset` characters of a text box, as WeasyPrint draws them (justified lines too)."""
    if offset <= 0:
        return 0.0
    if offset >= len(box.text):
        return float(box.width)
    from weasyprint.text.line_break import Layout, line_size

    layout = Layout(box.style, box.justification_spacing)
    layout.set_text(box.text[:offset], justify=True)
    line, _ = layout.get_first_line()
    width, _height = line_size(line, box.style)
    return float(width)


def _in_image(box: Any, chart: ChartLabels) -> Iterator[NumberBox]:
    """The chart's labels mapped from SVG user units onto the image's content box (the SVG fills it)."""
    scale_x, scale_y = box.width / chart.width, box.height / chart.height
    left, top = box.content_box_x(), box.content_box_y()
    for label in chart.labels:
        yield NumberBox(
            left + label.x * scale_x,
            top + label.y * scale_y,
            label.width * scale_x,
            label.height * scale_y,
            label.text,
            label.provenance,
        )
