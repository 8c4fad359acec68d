"""Where the survey numbers stand on laid-out pages: the boxes of the provenance spans and of the charts' number
labels, in CSS px from each page's top-left corner, for the live preview."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import unescape
from typing import Any

from .provenance import ATTRIBUTE, SVG_METADATA_ID

_METADATA = re.compile(rb'<metadata id="' + SVG_METADATA_ID.encode() + rb'">(.*?)</metadata>', re.S)


@dataclass(frozen=True)
class NumberBox:
    """One number on a page (a part of one, where a span breaks over lines): its box in CSS px from the page's
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


def number_boxes(document: Any, charts: Mapping[str, ChartLabels | None] | None = None) -> list[list[NumberBox]]:
    """Per page of a laid-out `weasyprint.Document`, the boxes of every number with provenance: the spans of the
    HTML, and the labels of the charts whose `<img src>` ends in a name of `charts` (the chart file names, as
    `chart_labels` read them from the SVGs)."""
    from weasyprint.formatting_structure.boxes import InlineBox, ReplacedBox, TextBox

    charts = charts or {}
    pages = []
    for page in document.pages:
        boxes: list[NumberBox] = []
        for box in page._page_box.descendants():
            element = box.element
            if element is None:
                continue
            if isinstance(box, InlineBox) and element.get(ATTRIBUTE) is not None:
                text = "".join(child.text for child in box.descendants() if isinstance(child, TextBox))
                x, y = box.border_box_x(), box.border_box_y()
                boxes.append(NumberBox(x, y, box.border_width(), box.border_height(), text, element.get(ATTRIBUTE)))
            elif isinstance(box, ReplacedBox) and element.tag == "img":
                labels = _labels_of(element.get("src") or "", charts)
                if labels is not None:
                    boxes.extend(_in_image(box, labels))
        pages.append(boxes)
    return pages


def _labels_of(src: str, charts: Mapping[str, ChartLabels | None]) -> ChartLabels | None:
    name = src.rsplit("/", 1)[-1]
    return charts.get(name)


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


def number_boxes_on(
    pages: Any, marked: Any, charts: Mapping[str, ChartLabels | None] | None = None
) -> list[list[NumberBox]]:
    """The number boxes of `marked` (laid out from the HTML with provenance spans) for the pages of `pages` (laid out
    without them, as the PDF is): only where a page of both has the same lines with the same text at the same
    places. A span can change where a line breaks; such a page gets no boxes rather than boxes on the wrong words."""
    if len(pages.pages) != len(marked.pages):
        return [[] for _ in pages.pages]
    found = number_boxes(marked, charts)
    return [
        boxes if _lines(page) == _lines(other) else []
        for boxes, page, other in zip(found, pages.pages, marked.pages, strict=True)
    ]


def _lines(page: Any) -> list[tuple[float, float, str]]:
    """Every line and image of a page: where it starts and what it shows."""
    from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox, TextBox

    lines = []
    for box in page._page_box.descendants():
        if isinstance(box, LineBox):
            text = "".join(child.text for child in box.descendants() if isinstance(child, TextBox))
            lines.append((round(box.position_x, 2), round(box.position_y, 2), text))
        elif isinstance(box, ReplacedBox):
            lines.append((round(box.position_x, 2), round(box.position_y, 2), f"{box.width:.2f}x{box.height:.2f}"))
    return lines
