"""Links in the tag tree: one Link element per link, holding its annotations and text, each annotation described
in words („Abschnitt 2.1 Strategien und Umsetzungsbeispiele bei OEMs, Seite 6“).

WeasyPrint 70 gives every inline box of a link an element and an annotation of its own (a link with two spans: three
Links, three annotations); the inner ones go, their text joins the outer Link. A link broken across lines is one
inline box per line: their Links become one, with an annotation per line."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Object

from .pdf_tree import Marked, Node, Tree

# Structure types that only carry text: inside a Link they are flattened into it.
_INLINE = frozenset({"/Span", "/Link", "/NonStruct"})

# A link's description by its target: an anchor name (internal) or a URL (external), in the order the links come.
LinkTexts = dict[str, list[str]]


class _LinkTextParser(HTMLParser):
    """The words of each <a href> by target, and of each heading with an id; an element boundary counts as a space."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: LinkTexts = {}
        self.headings: dict[str, str] = {}
        self._link: list[str] | None = None
        self._heading: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._space()
        attributes = dict(attrs)
        href, anchor = attributes.get("href"), attributes.get("id")
        if tag == "a" and href and self._link is None:
            self._link = [unquote(href[1:]) if href.startswith("#") else href]
        elif _HEADING.fullmatch(tag) and anchor and self._heading is None:
            word = "Kapitel" if tag == "h1" else "Abschnitt"
            self._heading = [anchor, f"{word} " if attributes.get("data-number") else ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._link is not None:
            target, *words = self._link
            self.links.setdefault(target, []).append(_words(words))
            self._link = None
        elif _HEADING.fullmatch(tag) and self._heading is not None:
            anchor, *words = self._heading
            self.headings[anchor] = _words(words)
            self._heading = None
        else:
            self._space()

    def handle_data(self, data: str) -> None:
        for words in (self._link, self._heading):
            if words is not None:
                words.append(data)

    def _space(self) -> None:
        self.handle_data(" ")


_HEADING = re.compile(r"h[1-6]")


def _words(parts: list[str]) -> str:
    return " ".join("".join(parts).split())


def _parsed(html: str) -> _LinkTextParser:
    parser = _LinkTextParser()
    parser.feed(html)
    parser.close()
    return parser


def headings(html: str) -> dict[str, str]:
    """What a link to each heading with an id says („Abschnitt 2.1 Strategien …“), by the heading's id."""
    return _parsed(html).headings


def link_texts(html: str, headings: Mapping[str, str] | None = None) -> LinkTexts:
    """What each link in the HTML says, by target, in order: a link to a heading says the heading.

    Descriptions for the PDF's link annotations: „Abschnitt 2.1 Strategien …“ rather than `sec-2-1`. For a part of
    a document (a segment's HTML), `headings` are the whole document's (`headings`): a link may lead out of it."""
    parser = _parsed(html)
    texts = parser.links
    said = parser.headings if headings is None else headings
    for target in texts.keys() & said.keys():
        texts[target] = [said[target]]
    return texts


Box = tuple[float, float, float, float]
_TOLERANCE = 0.01  # PDF points: WeasyPrint writes rectangles with 6 decimals


def _rect(annotation: Object) -> Box:
    x1, y1, x2, y2 = (float(value) for value in annotation.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(a: Box, b: Box) -> bool:
    return (
        a[0] >= b[0] - _TOLERANCE
        and a[1] >= b[1] - _TOLERANCE
        and a[2] <= b[2] + _TOLERANCE
        and a[3] <= b[3] + _TOLERANCE
    )


@dataclass
class _Flat:
    """A link's content once its inner Spans and Links are gone."""

    objrs: list[Object] = field(default_factory=list)
    content: list[int | Marked] = field(default_factory=list)
    elements: list[Node] = field(default_factory=list)


def _flatten(node: Node, page: int, flat: _Flat) -> None:
    """The content of `node`, whose marked content lies on the link's `page`."""
    for kid in node.kids:
        if isinstance(kid, int):
            flat.content.append(kid if node.page == page else Marked(node.page, kid))
        elif isinstance(kid, Marked):
            flat.content.append(kid.mcid if kid.page == page else kid)
        elif isinstance(kid, Node):
            if kid.type in _INLINE:
                _flatten(kid, page, flat)
            else:
                flat.elements.append(kid)
        elif kid.get("/Type") == "/OBJR":
            flat.objrs.append(kid)


def _outermost(objrs: list[Object]) -> tuple[list[Object], list[Object]]:
    """The annotations of one link that lie within no other (WeasyPrint gives each inner box its own)."""
    boxes = [(objr.Pg.objgen, _rect(objr.Obj)) for objr in objrs]
    kept: list[Object] = []
    dropped: list[Object] = []
    for index, (page, box) in enumerate(boxes):
        # of two identical rectangles, the first stays
        covered = any(
            other_page == page and _inside(box, other) and (not _inside(other, box) or other_index < index)
            for other_index, (other_page, other) in enumerate(boxes)
            if other_index != index
        )
        (dropped if covered else kept).append(objrs[index])
    return kept, dropped


@dataclass
class _Dropped:
    """Inner annotations to take off their pages, by page."""

    pages: dict[tuple[int, int], Object] = field(default_factory=dict)
    annotations: dict[tuple[int, int], set[tuple[int, int]]] = field(default_factory=dict)

    def add(self, objr: Object) -> None:
        page = objr.Pg
        self.pages[page.objgen] = page
        self.annotations.setdefault(page.objgen, set()).add(objr.Obj.objgen)

    def remove(self) -> None:
        for key, page in self.pages.items():
            gone = self.annotations[key]
            page.Annots = Array([annotation for annotation in page.Annots if annotation.objgen not in gone])


def _one_link(tree: Tree, link: Node, dropped_annotations: _Dropped) -> list[Object]:
    """Make `link` hold its annotations and text directly; returns its annotations."""
    flat = _Flat()
    _flatten(link, link.page, flat)
    kept, dropped = _outermost(flat.objrs)
    for objr in dropped:
        dropped_annotations.add(objr)
        tree.annotations.pop(int(objr.Obj.StructParent), None)
    tree.set_kids(link, [*kept, *flat.content, *flat.elements])
    for objr in kept:
        tree.annotations[int(objr.Obj.StructParent)] = link.obj
    return [objr.Obj for objr in kept]


def _page_numbers(pdf: pikepdf.Pdf) -> dict[str, int]:
    """The page number of each named destination."""
    if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
        return {}
    numbers = {page.obj.objgen: index + 1 for index, page in enumerate(pdf.pages)}
    return {str(name): numbers[dest[0].objgen] for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}


def _continues(previous: Node, link: Node, target: str, previous_target: str) -> bool:
    """Whether `link` is the next line's part of `previous`: the same target, right after it in the same element."""
    parent = link.parent
    if parent is None or parent is not previous.parent or target != previous_target:
        return False
    index = next(index for index, kid in enumerate(parent.kids) if kid is link)
    return index > 0 and parent.kids[index - 1] is previous


def _absorb(tree: Tree, link: Node, rest: Node) -> None:
    """`rest`'s annotations and text into `link`, and `rest` out of the tree."""
    for kid in rest.kids:
        if isinstance(kid, Object) and kid.get("/Type") == "/OBJR":
            tree.annotations[int(kid.Obj.StructParent)] = link.obj
    moved = [Marked(rest.page, kid) if isinstance(kid, int) and rest.page != link.page else kid for kid in rest.kids]
    tree.set_kids(link, [*link.kids, *moved])
    if rest.parent is not None:
        tree.set_kids(rest.parent, [kid for kid in rest.parent.kids if kid is not rest])


def repair_links(tree: Tree, texts: LinkTexts, pages: Mapping[str, int] | None = None) -> None:
    """One Link element per link with its annotations and text, each annotation described in words.

    A link broken across lines is laid out as one inline box per line, each tagged as a Link: they are joined.
    `texts` are what the links in the PDF say, in order; `pages` the page number (from 1) of each named destination
    they may lead to, by default read from the PDF (a segment's PDF holds only some of a document's pages)."""
    pages = _page_numbers(tree.pdf) if pages is None else pages
    dropped = _Dropped()
    found: list[tuple[Node, str, list[Object]]] = []  # each link, its target and its annotations
    for link in [node for node in tree.nodes if node.type == "/Link" and getattr(node.parent, "type", "") != "/Link"]:
        annotations = _one_link(tree, link, dropped)
        if not annotations:
            continue
        target = str(annotations[0].get("/Contents", ""))
        if found and _continues(found[-1][0], link, target, found[-1][1]):
            _absorb(tree, found[-1][0], link)
            found[-1][2].extend(annotations)
        else:
            found.append((link, target, annotations))
    seen: dict[str, int] = {}
    for _, target, annotations in found:
        said = texts.get(target, [])
        text = said[min(seen.get(target, 0), len(said) - 1)] if said else ""
        seen[target] = seen.get(target, 0) + 1
        internal = "/Dest" in annotations[0] and target in pages
        where = f"Seite {pages[target]}" if internal else target
        description = f"{text}, {where}" if text and text != where else where
        for annotation in annotations:
            annotation.Contents = pikepdf.String(description)
    dropped.remove()
