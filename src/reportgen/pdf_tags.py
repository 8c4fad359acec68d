"""PDF/UA-1 repairs of the tag tree WeasyPrint 70 writes: page furniture, links, table headers."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from html.parser import HTMLParser
from typing import Any
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, Operator

# Structure types that only carry text: inside a Link they are flattened into it.
_INLINE = frozenset({"/Span", "/Link", "/NonStruct"})
_BDC = Operator("BDC")

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


def link_texts(html: str) -> LinkTexts:
    """What each link in the HTML says, by target, in order: a link to a heading says the heading.

    Descriptions for the PDF's link annotations: „Abschnitt 2.1 Strategien …“ rather than `sec-2-1`."""
    parser = _LinkTextParser()
    parser.feed(html)
    parser.close()
    texts = parser.links
    for target in texts.keys() & parser.headings.keys():
        texts[target] = [parser.headings[target]]
    return texts


def _kids(element: Object) -> list[Any]:
    """An element's /K as a list: MCIDs (int), marked-content and object references, elements."""
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid: Object) -> bool:
    return isinstance(kid, Dictionary) and "/S" in kid


@dataclass
class _Tree:
    """The structure tree with its parent tree as a dict (WeasyPrint writes one flat /Nums array)."""

    pdf: pikepdf.Pdf
    root: Object
    parents: dict[int, Object] = field(default_factory=dict)
    page_keys: dict[tuple[int, int], int] = field(default_factory=dict)

    @classmethod
    def read(cls, pdf: pikepdf.Pdf) -> _Tree:
        root = pdf.Root.StructTreeRoot
        parent_tree = root.ParentTree
        if "/Kids" in parent_tree:  # a WeasyPrint upgrade that writes a real number tree needs this code changed
            raise ValueError("parent tree with /Kids is not supported")
        nums = list(parent_tree.Nums)
        tree = cls(pdf, root, {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)})
        tree.page_keys = {page.obj.objgen: int(page.obj.StructParents) for page in pdf.pages}
        return tree

    def write(self) -> None:
        self.root.ParentTree.Nums = Array([item for key in sorted(self.parents) for item in (key, self.parents[key])])
        self.root.ParentTreeNextKey = max(self.parents, default=-1) + 1

    def elements(self) -> Iterator[Object]:
        """Every element reachable from the root, parents before children, in reading order."""
        stack = list(reversed(_kids(self.root)))
        while stack:
            element = stack.pop()
            if _is_element(element):
                yield element
                stack.extend(reversed(_kids(element)))

    def set_parent(self, page: Object, mcid: int, element: Object) -> None:
        self.parents[self.page_keys[page.objgen]][mcid] = element


def _furniture_as_artifacts(tree: _Tree, reachable: set[tuple[int, int]]) -> None:
    """Running header, footer and page numbers: WeasyPrint tags them but leaves them out of the tree."""
    for page in tree.pdf.pages:
        mapping = tree.parents[tree.page_keys[page.obj.objgen]]
        orphans = {mcid for mcid, element in enumerate(mapping) if getattr(element, "objgen", None) not in reachable}
        if not orphans:
            continue
        instructions: list[object] = []
        for instruction in pikepdf.parse_content_stream(page):
            operands = getattr(instruction, "operands", None)
            if (
                instruction.operator == _BDC
                and operands is not None
                and isinstance(operands[1], Dictionary)
                and int(operands[1].get("/MCID", -1)) in orphans
            ):
                instruction = pikepdf.ContentStreamInstruction([Name.Artifact, Dictionary(Type=Name.Pagination)], _BDC)
            instructions.append(instruction)
        page.obj.Contents = tree.pdf.make_stream(pikepdf.unparse_content_stream(instructions))  # type: ignore[arg-type]
        for mcid in orphans:
            mapping[mcid] = None


Box = tuple[Decimal, Decimal, Decimal, Decimal]


def _rect(annotation: Object) -> Box:
    x1, y1, x2, y2 = (Decimal(str(value)) for value in annotation.Rect)
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


def _inside(a: Box, b: Box, tolerance: Decimal = Decimal("0.01")) -> bool:
    return (
        a[0] >= b[0] - tolerance and a[1] >= b[1] - tolerance and a[2] <= b[2] + tolerance and a[3] <= b[3] + tolerance
    )


@dataclass
class _Flat:
    """A link's content once its inner Spans and Links are gone."""

    objrs: list[Object] = field(default_factory=list)
    content: list[tuple[int, Object]] = field(default_factory=list)  # (mcid, page)
    elements: list[Object] = field(default_factory=list)


def _flatten(element: Object, page: Object, flat: _Flat) -> None:
    for kid in _kids(element):
        if isinstance(kid, int):
            flat.content.append((kid, page))
        elif kid.get("/Type") == "/OBJR":
            flat.objrs.append(kid)
        elif kid.get("/Type") == "/MCR":
            flat.content.append((int(kid.MCID), kid.get("/Pg", page)))
        elif kid.get("/S") in _INLINE:
            _flatten(kid, kid.get("/Pg", page), flat)
        else:
            flat.elements.append(kid)


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


def _one_link(tree: _Tree, link: Object) -> list[Object]:
    """Make `link` hold its annotations and text directly; returns its annotations."""
    flat = _Flat()
    _flatten(link, link.Pg, flat)
    kept, dropped = _outermost(flat.objrs)
    for objr in dropped:
        annotations = objr.Pg.Annots
        annotations_kept = [annotation for annotation in annotations if annotation.objgen != objr.Obj.objgen]
        objr.Pg.Annots = Array(annotations_kept)
        tree.parents.pop(int(objr.Obj.StructParent), None)
    kids: list[object] = list(kept)
    for mcid, page in flat.content:
        same_page = page.objgen == link.Pg.objgen
        kids.append(mcid if same_page else Dictionary(Type=Name.MCR, Pg=page, MCID=mcid))
        tree.set_parent(page, mcid, link)
    for element in flat.elements:
        element.P = link
        kids.append(element)
    link.K = Array(kids)
    for objr in kept:
        tree.parents[int(objr.Obj.StructParent)] = link
    return [objr.Obj for objr in kept]


def _page_numbers(pdf: pikepdf.Pdf) -> dict[str, int]:
    """The page number of each named destination."""
    if "/Names" not in pdf.Root or "/Dests" not in pdf.Root.Names:
        return {}
    numbers = {page.obj.objgen: index + 1 for index, page in enumerate(pdf.pages)}
    return {str(name): numbers[dest[0].objgen] for name, dest in pikepdf.NameTree(pdf.Root.Names.Dests).items()}


def _links(tree: _Tree, elements: list[Object], texts: LinkTexts) -> None:
    """One Link element per link with its annotations and text, each annotation described in words."""
    pages = _page_numbers(tree.pdf)
    seen: dict[str, int] = {}
    links = [element for element in elements if element.S == "/Link" and element.P.get("/S") != "/Link"]
    for link in links:
        annotations = _one_link(tree, link)
        if not annotations:
            continue
        target = str(annotations[0].get("/Contents", ""))
        said = texts.get(target, [])
        text = said[min(seen.get(target, 0), len(said) - 1)] if said else ""
        seen[target] = seen.get(target, 0) + 1
        internal = "/Dest" in annotations[0] and target in pages
        where = f"Seite {pages[target]}" if internal else target
        description = f"{text}, {where}" if text and text != where else where
        for annotation in annotations:
            annotation.Contents = pikepdf.String(description)


def _table_headers(tree: _Tree, elements: list[Object]) -> None:
    """TH cells get a Scope (column in THead, row elsewhere); their IDs an IDTree for the cells' Headers."""
    ids: dict[bytes, Object] = {}
    for element in elements:
        if "/ID" in element:
            ids[bytes(element.ID)] = element
        if element.S != "/TH":
            continue
        section = element.P.P if element.P.get("/S") == "/TR" else element.P
        scope = Name.Column if section.get("/S") == "/THead" else Name.Row
        attributes = element.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = Dictionary(O=Name.Table)
            element.A = attributes
        attributes.Scope = scope
    if ids:
        tree.root.IDTree = Dictionary(
            Names=Array([item for key in sorted(ids) for item in (pikepdf.String(key), ids[key])])
        )


def tag_pdf(data: bytes, texts: LinkTexts) -> bytes:
    """The PDF with its tag tree repaired for PDF/UA-1; the same input gives the same bytes."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        if "/StructTreeRoot" not in pdf.Root:
            return data
        tree = _Tree.read(pdf)
        elements = list(tree.elements())
        _furniture_as_artifacts(tree, {element.objgen for element in elements})
        _links(tree, elements, texts)
        _table_headers(tree, elements)
        tree.write()
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True)
    return out.getvalue()
