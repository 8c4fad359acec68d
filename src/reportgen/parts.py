"""Laying out one chapter again instead of the whole document, when that gives the same pages.

WeasyPrint lays out a document from its first page to its last. A chapter that starts on a page of its own and
ends before the next one's page depends on the rest of the document only through page numbers: the page counter it
starts at, the total page count, and the pages of anchors it refers to. `PartPlan` records these from a layout of
the whole document; `relaid` lays out one changed chapter as a document of its own with exactly these numbers put
back (a throwaway first page, so that `@page :first` still means the title page; the page counter reset on its
second page; `counter(pages)` written in; a throwaway page per outside anchor, its counter reset to the anchor's
page) and puts its pages in place of the old ones.

It says no — and the caller lays out the whole document — unless the result is the pages a whole layout would
give: only one chapter's HTML changed (the front matter, with its table of contents, and every other chapter are
the same), the stylesheets and files are the same, the chapter keeps its page count and its anchors stay on their
pages (so the table of contents and every reference elsewhere stay right), and the stylesheets ask nothing of an
outside anchor but its page number (`target-counter(…, page)`, no `target-text`).

Chapters are the elements of the page template with a `data-source` attribute (templates/report.html.j2)."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

_PART_START = re.compile(r"<(?P<tag>[a-zA-Z][a-zA-Z0-9]*)\b[^>]*\sdata-source=\"(?P<key>[^\"]*)\"[^>]*>")
_BODY_START = re.compile(r"<body\b[^>]*>")
_BODY_END = "</body>"
_ID = re.compile(r"\sid=\"([^\"]+)\"")
_HREF = re.compile(r"\shref=\"#([^\"]+)\"")
_TARGET_COUNTER = re.compile(r"target-counters?\(\s*attr\([^)]*\)\s*,\s*([a-zA-Z_-]+)")
_PAGES = re.compile(r"counter\(\s*pages\s*\)")
_THROWAWAY = '<div data-reportgen-throwaway style="break-after: page"></div>'


@dataclass(frozen=True)
class Split:
    """The HTML cut into what precedes the chapters (head, front matter), the chapters in order, and the rest."""

    before: str
    parts: tuple[tuple[str, str], ...]  # (key, the chapter element's HTML)
    after: str

    def joined(self) -> str:
        return self.before + "".join(html for _key, html in self.parts) + self.after


def split(html: str) -> Split | None:
    """The chapters of `html`, or None when it has none or they are not siblings one after the other."""
    parts: list[tuple[str, str]] = []
    position = 0
    before = after = ""
    for found in _PART_START.finditer(html):
        if found.start() < position:
            continue  # an element inside a chapter
        end = _element_end(html, found.start(), found["tag"])
        if end is None:
            return None
        if parts and html[position : found.start()].strip():
            return None  # something between two chapters
        if not parts:
            before = html[: found.start()]
        else:
            parts[-1] = (parts[-1][0], parts[-1][1] + html[position : found.start()])
        parts.append((found["key"], html[found.start() : end]))
        position = end
    if not parts:
        return None
    after = html[position:]
    return Split(before, tuple(parts), after)


def _element_end(html: str, start: int, tag: str) -> int | None:
    """Where the element starting at `start` ends (after its end tag), counting elements of the same tag inside."""
    pattern = re.compile(rf"<(/?){tag}\b[^>]*>", re.IGNORECASE)
    depth = 0
    for found in pattern.finditer(html, start):
        depth += -1 if found[1] else 1
        if depth == 0:
            return found.end()
    return None


def digest(text: str | bytes) -> str:
    """The SHA-256 of a text (UTF-8) or of bytes, in hex: what a plan remembers of HTML and files."""
    return hashlib.sha256(text.encode("utf-8") if isinstance(text, str) else text).hexdigest()


@dataclass(frozen=True)
class PartPlan:
    """What a layout of the whole document says about its chapters: plain data, so that a later process can read
    it from the build cache (the HTML and files it stands for only as digests)."""

    before: str  # digest of the HTML before the chapters (head, front matter)
    parts: tuple[tuple[str, str], ...]  # per chapter: its key and the digest of its HTML
    after: str  # digest of the HTML after the chapters
    assets: dict[str, str]  # the stylesheets, fonts and images the layout used: name -> digest
    spans: tuple[tuple[int, int], ...]  # per chapter, the indexes of its pages: start, stop
    anchors: dict[str, int]  # every anchor's page index
    running: str  # the HTML of the elements shown in the page margins (running footers), for every chapter
    pages: int
    around: tuple[str, str]  # the start and end tags of the elements the chapters are in (e.g. <main>)
    margins: tuple[tuple[str, ...], ...]  # per page, the texts in its margin boxes
    # Whether a chapter may be laid out alone at all: the stylesheets number nothing but pages, and the layout kept
    # no word whole (hyphen_runs does that in every chapter once one needed it).
    alone: bool

    @property
    def ranges(self) -> tuple[range, ...]:
        return tuple(range(start, stop) for start, stop in self.spans)


def plan(html: str, document: Any, assets: Mapping[str, bytes], *, alone: bool = True) -> PartPlan | None:
    """The chapters of the laid-out `document` (laid out from `html`), or None when they don't stand on pages of
    their own: a page with two chapters' content, or a chapter's with other content, or a page without any.
    `alone`: whether the layout lets a chapter be laid out alone later (see PartPlan.alone); the stylesheets among
    `assets` are checked too."""
    cut = split(html)
    root = getattr(getattr(document, "_html", None), "etree_element", None)
    if cut is None or root is None:
        return None
    parents = {child: parent for parent in root.iter() for child in parent}
    owners = [{_chapter_of(box.element, parents) for box in _flow_boxes(page)} for page in document.pages]
    keys = [key for key, _html in cut.parts]
    spans: list[tuple[int, int]] = []
    index = 0
    while index < len(owners) and owners[index] == {None}:
        index += 1  # the front matter
    for key in keys:
        start = index
        while index < len(owners) and owners[index] == {key}:
            index += 1
        if index == start:
            return None
        spans.append((start, index))
    if any(found != {None} for found in owners[index:]):
        return None
    anchors: dict[str, int] = {}
    running: dict[int, Any] = {}
    for number, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, number)
        for element in _margin_elements(page, parents):
            running.setdefault(id(element), element)
    running_html = _running_html(cut.before, list(running.values()))
    css = "".join(data.decode("utf-8", "replace") for name, data in assets.items() if name.endswith(".css"))
    return PartPlan(
        digest(cut.before),
        tuple((key, digest(part)) for key, part in cut.parts),
        digest(cut.after),
        {name: digest(data) for name, data in sorted(assets.items())},
        tuple(spans),
        anchors,
        running_html or "",
        len(document.pages),
        _around(cut.before),
        tuple(tuple(_margin_text(page)) for page in document.pages),
        alone and running_html is not None and _page_numbers_only(css + head(cut.before)),
    )


def _flow_boxes(page: Any) -> Iterator[Any]:
    """The boxes with text or an image in the page's content area (not its margins)."""
    from weasyprint.formatting_structure.boxes import MarginBox, ReplacedBox, TextBox

    stack = list(page._page_box.children)
    while stack:
        box = stack.pop()
        if isinstance(box, MarginBox):
            continue
        if isinstance(box, (TextBox, ReplacedBox)):
            yield box
        stack.extend(getattr(box, "children", ()))


def _margin_elements(page: Any, parents: Mapping[Any, Any]) -> Iterator[Any]:
    """The document's elements shown in the page's margin boxes (running elements), outermost first."""
    from weasyprint.formatting_structure.boxes import MarginBox

    stack = [box for box in page._page_box.children if isinstance(box, MarginBox)]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and element in parents and not isinstance(box, MarginBox):
            yield element
            continue
        stack.extend(getattr(box, "children", ()))


def _chapter_of(element: Any, parents: Mapping[Any, Any]) -> str | None:
    """The data-source of the chapter an element is in, None outside the chapters."""
    while element is not None:
        key = element.get("data-source")
        if key is not None:
            return str(key)
        element = parents.get(element)
    return None


def _running_html(before: str, elements: list[Any]) -> str | None:
    """The HTML of the running elements, found among the top-level elements of the front matter by their tag and
    attributes; None when one is not found there."""
    tops = _top_level(before)
    found = []
    for element in elements:
        tag = str(element.tag).rsplit("}", 1)[-1]
        attributes = {str(name): str(value) for name, value in element.attrib.items()}
        matches = [html for top_tag, top_attributes, html in tops if (top_tag, top_attributes) == (tag, attributes)]
        if len(matches) != 1:
            return None
        found.append(matches[0])
    return "".join(found)


def _around(before: str) -> tuple[str, str]:
    """The start tags of the elements still open (in <body>) where the chapters begin, and their end tags."""
    body = _BODY_START.search(before)
    inside = before[body.end() :] if body else ""
    scanner = _TopLevel(inside)
    scanner.feed(inside)
    scanner.close()
    return (
        "".join(start for _tag, start in scanner.open_tags),
        "".join(f"</{tag}>" for tag, _start in reversed(scanner.open_tags)),
    )


def _top_level(before: str) -> list[tuple[str, dict[str, str], str]]:
    """The elements directly in <body> in the HTML before the chapters: tag, attributes and HTML."""
    body = _BODY_START.search(before)
    if body is None:
        return []
    inside = before[body.end() :]
    scanner = _TopLevel(inside)
    scanner.feed(inside)
    scanner.close()
    offset = body.end()
    return [(tag, attributes, before[offset + start : offset + end]) for tag, attributes, start, end in scanner.found]


class _TopLevel(HTMLParser):
    _VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=False)
        self.found: list[tuple[str, dict[str, str], int, int]] = []
        self.open_tags: list[tuple[str, str]] = []  # the elements open where the text ends: tag, start tag
        self._depth = 0
        self._open: tuple[str, dict[str, str], int] | None = None
        self._lines = [0]
        for line in text.splitlines(keepends=True):
            self._lines.append(self._lines[-1] + len(line))

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self._VOID:
            self.open_tags.append((tag, self.get_starttag_text() or f"<{tag}>"))
        if self._depth == 0:
            self._open = (tag, {name: value or "" for name, value in attrs}, self._offset())
        if tag not in self._VOID:
            self._depth += 1
        elif self._depth == 0 and self._open is not None:
            self.found.append((*self._open, self._offset() + len(self.get_starttag_text() or "")))

    def handle_endtag(self, tag: str) -> None:
        while self.open_tags and self.open_tags.pop()[0] != tag:
            pass
        self._depth -= 1
        if self._depth == 0 and self._open is not None:
            end = self._offset() + len(f"</{tag}>")
            self.found.append((*self._open, end))
            self._open = None


@dataclass(frozen=True)
class Relaid:
    """One chapter laid out again: its own document (which must live as long as its pages), the pages that take the
    chapter's place, which chapter it is, the HTML the whole stands for, and the plan for the next change."""

    document: Any
    pages: tuple[Any, ...]
    index: int
    html: str
    plan: PartPlan

    @property
    def key(self) -> str:
        return self.plan.parts[self.index][0]


Stubs = list[tuple[int, list[str]]]  # a page index, the outside anchors on that page
# (HTML, assets) -> the laid-out weasyprint.Document and the HTML it was laid out from
LayOut = Callable[[str, Mapping[str, bytes]], tuple[Any, str]]


def relaid(
    old: PartPlan, changed: ChangedChapter, assets: Mapping[str, bytes], stylesheet: str, lay_out: LayOut
) -> Relaid | None:
    """The `changed` chapter (`changed_chapter` of `old` and the new HTML) laid out again, or None when that would
    not give the pages a layout of the whole new HTML gives (see the module). `stylesheet` is the name of the house
    stylesheet among `assets`; `lay_out` lays out an HTML document with the given assets."""
    if {name: digest(data) for name, data in assets.items()} != old.assets:
        return None
    new, index = changed.split, changed.index
    part = new.parts[index][1]
    pages = old.ranges[index]
    sheet = assets[stylesheet].decode("utf-8") if stylesheet in assets else ""
    outside = sorted(set(_HREF.findall(part)) - set(_ID.findall(part)))
    if any(name not in old.anchors for name in outside):
        return None
    on_pages = sorted({old.anchors[name] for name in outside})
    stubs = [(page, [name for name in outside if old.anchors[name] == page]) for page in on_pages]
    siblings = _with_hidden_siblings(new.parts, index)
    if siblings is None:
        return None
    source = _part_document(new.before, old.running, old.around, siblings, pages.start, stubs, old.pages)
    written = {**assets, stylesheet: _PAGES.sub(f'"{old.pages}"', sheet).encode("utf-8")} if sheet else assets
    document, laid_out_html = lay_out(source, written)
    laid = document.pages[1 : len(document.pages) - len(stubs)]
    if len(laid) != len(pages) or len(document.pages) != 1 + len(laid) + len(stubs):
        return None
    for offset, page in enumerate(laid):
        if any(old.anchors.get(name) != pages.start + offset for name in page.anchors):
            return None
        if tuple(_margin_text(page)) != old.margins[pages.start + offset]:
            return None  # page numbers, running heads and footers: what the whole layout has
    # hyphen_runs keeps a word whole in every chapter once it had to in one: a chapter that needed it is laid out
    # with the whole document (and a plan is only made of a layout that needed none).
    opening = _THROWAWAY + old.around[0]
    closing = old.around[1] + _stub_html(stubs) + _BODY_END
    if laid_out_html[laid_out_html.index(opening) + len(opening) : laid_out_html.rindex(closing)] != siblings:
        return None
    # the same chapters on the same pages, as checked above
    next_plan = dataclasses.replace(old, parts=changed.parts)
    return Relaid(document, tuple(laid), index, changed.html, next_plan)


@dataclass(frozen=True)
class ChangedChapter:
    """New HTML cut into its chapters, each chapter's key and digest, and which one chapter changed."""

    html: str
    split: Split
    parts: tuple[tuple[str, str], ...]  # (key, digest of the chapter's HTML), as `PartPlan.parts`
    index: int


def changed_chapter(old: PartPlan, html: str) -> ChangedChapter | None:
    """The one chapter of `html` whose HTML is not the one `old` was made of; None when `old` does not allow laying
    out a chapter alone, or the rest of the HTML changed too (what precedes and follows the chapters, any other
    chapter). Asks nothing of the files: `relaid` checks them after."""
    new = split(html)
    if not old.alone or new is None or len(new.parts) != len(old.parts) or digest(new.before) != old.before:
        return None
    if digest(new.after) != old.after:
        return None
    parts = tuple((key, digest(part)) for key, part in new.parts)
    changed = [index for index, (a, b) in enumerate(zip(old.parts, parts, strict=True)) if a != b]
    if len(changed) != 1 or old.parts[changed[0]][0] != parts[changed[0]][0]:
        return None
    return ChangedChapter(html, new, parts, changed[0])


_UNSUPPORTED = re.compile(
    r"target-text\(|(?<![\w-])counters?\(\s*(?!page\s*[,)]|pages\s*[,)])|counter-(?:increment|reset|set)\s*:"
    r"|@page[^{]*:(?:nth|left|right|recto|verso)|break-(?:before|after)\s*:\s*(?:left|right|recto|verso)"
    r"|page-break-(?:before|after)\s*:\s*(?:left|right)",
    re.IGNORECASE,
)


def _page_numbers_only(css: str) -> bool:
    """Whether the stylesheets number nothing but pages, ask only for anchors' page numbers, and have no rules for
    left, right or nth pages (which a chapter laid out alone would change)."""
    return all(name == "page" for name in _TARGET_COUNTER.findall(css)) and not _UNSUPPORTED.search(css)


def head(before: str) -> str:
    """The HTML before <body> (the whole of `before` when it has none)."""
    body = _BODY_START.search(before)
    return before[: body.start()] if body else before


def _with_hidden_siblings(parts: tuple[tuple[str, str], ...], index: int) -> str | None:
    """Chapter `index` among the other chapters as empty elements that show nothing (display: none), so that
    selectors counting siblings (:first-child, :nth-of-type, +, ~) match as in the whole document; None when a
    chapter's start tag has a style attribute of its own."""
    html = []
    for number, (_key, part) in enumerate(parts):
        if number == index:
            html.append(part)
            continue
        start = _PART_START.match(part)
        if start is None or re.search(r"\sstyle\s*=", start[0]):
            return None
        html.append(f'{start[0][:-1]} style="display: none"></{start["tag"]}>')
    return "".join(html)


def _part_document(
    before: str, running: str, around: tuple[str, str], part: str, start: int, stubs: Stubs, total: int
) -> str:
    """A document of one chapter: the head, the running elements, a throwaway first page, the chapter from page
    number `start + 1`, then a throwaway page per page number that outside anchors are on."""
    rules = [f"@page :nth(2) {{ counter-reset: page {start + 1} }}"]
    rules += [f"@page reportgen-stub-{page} {{ counter-reset: page {page + 1} }}" for page, _names in stubs]
    top = _PAGES.sub(f'"{total}"', head(before)).replace("</head>", f"<style>{' '.join(rules)}</style></head>", 1)
    body = _BODY_START.search(before)
    assert body is not None
    chapter = f"{around[0]}{part}{around[1]}"
    return f"{top}{body[0]}{running}{_THROWAWAY}{chapter}{_stub_html(stubs)}{_BODY_END}</html>"


def _stub_html(stubs: Stubs) -> str:
    """A throwaway page per page number, with an empty element per outside anchor on that page."""
    return "".join(
        f'<div style="page: reportgen-stub-{page}; break-before: page">'
        + "".join(f'<div id="{name}"></div>' for name in names)
        + "</div>"
        for page, names in stubs
    )


def _margin_text(page: Any) -> list[str]:
    from weasyprint.formatting_structure.boxes import MarginBox, TextBox

    texts = []
    stack = [box for box in page._page_box.children if isinstance(box, MarginBox)]
    while stack:
        box = stack.pop()
        if isinstance(box, TextBox):
            texts.append(box.text)
        stack.extend(getattr(box, "children", ()))
    return texts
