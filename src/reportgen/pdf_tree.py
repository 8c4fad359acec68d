"""The tag tree WeasyPrint 70 writes, read once into Python objects and written back with pikepdf.

Every pikepdf access costs microseconds, and the study's tree has thousands of elements: the repairs work on Nodes
(type and kids read once) and Tree.write writes back what changed. The parent tree is derived from the Nodes when
written: each MCID maps to the element that holds it; one that no element holds must have become an artifact.

WeasyPrint tags each page on its own: every element under the document's top-level elements lies on their page, so
a Node's page is read once per page. Content streams are read at most once and rewritten as bytes: WeasyPrint
(pydyf) writes every operand and operator on a line of its own, so a marked-content sequence starts with exactly
`/Tag\\n<</MCID n>>\\nBDC`; text is written as hexadecimal strings, which cannot contain that. Should an upgrade
write otherwise, the rewrite finds fewer sequences than asked for and raises (tests/test_pdf_ua.py tells which
repair to revisit)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object

# Artifact kinds (ISO 32000-1, 14.8.2.2.2): running header, footer and page numbers; typographic leaders.
PAGINATION = b"/Artifact\n<</Type /Pagination>>\nBDC"
LAYOUT = b"/Artifact\n<</Type /Layout>>\nBDC"

_MARKED = re.compile(rb"/[A-Za-z]+\n<</MCID (\d+)>>\nBDC")
# The page matrix WeasyPrint writes first: the y axis flipped at the page height, then CSS px to PDF points.
_NUMBER = rb"(-?[\d.]+)"
_MATRIX = rb" ".join([_NUMBER] * 6) + rb" cm\n"
_PAGE_MATRIX = re.compile(rb"\A" + _MATRIX + rb"q\n" + _MATRIX)

Matrix = tuple[float, float, float, float, float, float]


@dataclass(frozen=True)
class Marked:
    """Marked content on another page than its element's (an MCR): after lists and links are joined across pages."""

    page: int
    mcid: int


@dataclass(eq=False)
class Node:
    """A structure element: its object, type, kids and page, read once; Tree.write writes changed kids back."""

    obj: Object
    type: str  # /S, e.g. "/Link"; "" for the structure tree root
    kids: list[Any]  # MCIDs on `page` (int), Marked, Nodes, and other references (OBJR) as pikepdf objects
    page: int  # page index of its marked content; -1 for the root and the document
    parent: Node | None = None


def _kids(element: Object) -> list[Any]:
    k = element.get("/K")
    if k is None:
        return []
    return list(k.as_list()) if isinstance(k, Array) else [k]


@dataclass
class Tree:
    """The structure tree as Nodes, the parent tree's other entries (annotations), and the marked content to turn
    into artifacts when the tree is written."""

    pdf: pikepdf.Pdf
    root: Node
    nodes: list[Node]  # every element as read, parents before children, in reading order (not updated by changes)
    pages: dict[tuple[int, int], int]  # page object id -> page index
    annotations: dict[int, Object]  # parent tree entries of annotations (StructParent) -> their element
    artifacts: dict[int, dict[int, bytes]] = field(default_factory=dict)  # page index -> MCID -> artifact kind
    page_objects: list[Object] = field(default_factory=list)  # page index -> page object
    _marked: list[int] = field(default_factory=list)  # page index -> how many MCIDs it has
    _keys: list[int] = field(default_factory=list)  # page index -> its key in the parent tree
    _contents: dict[int, bytes] = field(default_factory=dict)
    _changed: dict[int, Node] = field(default_factory=dict)

    @classmethod
    def read(cls, pdf: pikepdf.Pdf) -> Tree:
        root = pdf.Root.StructTreeRoot
        parent_tree = root.ParentTree
        if "/Kids" in parent_tree:  # a WeasyPrint upgrade that writes a real number tree needs this code changed
            raise ValueError("parent tree with /Kids is not supported")
        nums = list(parent_tree.Nums)
        parents = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        page_objects: list[Object] = [page.obj for page in pdf.pages]
        pages = {page.objgen: index for index, page in enumerate(page_objects)}
        keys = [int(page.StructParents) for page in page_objects]
        top = Node(root, "", _kids(root), -1)
        tree = cls(pdf, top, [], pages, {key: value for key, value in parents.items() if key not in keys})
        tree.page_objects, tree._keys, tree._marked = page_objects, keys, [len(parents[key]) for key in keys]
        tree.nodes = tree._read(top)
        return tree

    def _read(self, top: Node) -> list[Node]:
        """Every element reachable from `top`, parents before children, in reading order."""
        nodes: list[Node] = []
        stack = [top]
        while stack:
            node = stack.pop()
            found = []
            for index, kid in enumerate(node.kids):
                if not isinstance(kid, Dictionary):
                    continue
                kind = kid.get("/S")
                if kind is not None:
                    page = node.page if node.page >= 0 else self._page_of(kid)
                    node.kids[index] = child = Node(kid, str(kind), _kids(kid), page, node)
                    found.append(child)
                elif kid.get("/Type") == Name.MCR:
                    node.kids[index] = Marked(self.page_index(kid.Pg), int(kid.MCID))
            if node is not top:
                nodes.append(node)
            stack.extend(reversed(found))
        return nodes

    def _page_of(self, element: Object) -> int:
        page = element.get("/Pg")
        return -1 if page is None else self.page_index(page)

    def page_index(self, page: Object) -> int:
        """Where `page` (a page object, e.g. an annotation's /Pg) stands in the document, from 0."""
        return self.pages[page.objgen]

    def set_kids(self, node: Node, new: list[Any]) -> None:
        """Give `node` these kids (Nodes among them now have it as their parent)."""
        node.kids = new
        for kid in new:
            if isinstance(kid, Node):
                kid.parent = node
        self._changed[id(node)] = node

    def set_type(self, node: Node, kind: str) -> None:
        node.type = kind
        node.obj.S = Name(kind)

    def new_node(self, kind: str, page: int) -> Node:
        """A new element of `kind` (`/TOC`) with its content on page `page`; not yet in the tree."""
        obj = Dictionary(Type=Name.StructElem, S=Name(kind), Pg=self.page_objects[page], K=Array())
        return Node(self.pdf.make_indirect(obj), kind, [], page)

    def make_artifact(self, page: int, mcid: int, kind: bytes) -> None:
        """Marked content `mcid` on page `page` becomes an artifact of `kind` (it must then leave the tree)."""
        self.artifacts.setdefault(page, {})[mcid] = kind

    def page_matrix(self, page: int) -> Matrix:
        """The matrix from WeasyPrint's CSS px (origin top left) to PDF user space on page `page`."""
        found = _PAGE_MATRIX.match(self._content(page))
        if found is None:
            raise ValueError(f"page {page + 1}: content stream does not start with WeasyPrint's page matrix")
        a, b, c, d, e, f, a2, b2, c2, d2, e2, f2 = (float(number) for number in found.groups())
        return _multiply((a2, b2, c2, d2, e2, f2), (a, b, c, d, e, f))  # the scale to points, then the flip

    def held(self) -> list[list[Object | None]]:
        """Per page, the element now holding each MCID (None: no element)."""
        held: list[list[Object | None]] = [[None] * count for count in self._marked]
        stack = [self.root]
        while stack:
            node = stack.pop()
            for kid in node.kids:
                if isinstance(kid, int):
                    if node.page < 0:
                        raise ValueError(f"marked content {kid} in an element without a page ({node.type})")
                    held[node.page][kid] = node.obj
                elif isinstance(kid, Marked):
                    held[kid.page][kid.mcid] = node.obj
                elif isinstance(kid, Node):
                    stack.append(kid)
        return held

    def write(self) -> None:
        for node in self._changed.values():
            node.obj.K = Array([self._written(kid) for kid in node.kids])
            for kid in node.kids:
                if isinstance(kid, Node):
                    kid.obj.P = node.obj
        held = self.held()
        entries: dict[int, Object] = dict(self.annotations)
        for page, elements in enumerate(held):
            kinds = self.artifacts.get(page, {})
            loose = [mcid for mcid, element in enumerate(elements) if element is None]
            if loose != sorted(kinds):
                raise ValueError(f"page {page + 1}: marked content {loose[:5]} neither in the tree nor an artifact")
            if kinds:
                self.page_objects[page].Contents.write(_as_artifacts(self._content(page), kinds, page))
            entries[self._keys[page]] = Array(elements)
        self.root.obj.ParentTree.Nums = Array([item for key in sorted(entries) for item in (key, entries[key])])
        self.root.obj.ParentTreeNextKey = max(entries, default=-1) + 1

    def _written(self, kid: Any) -> Any:
        if isinstance(kid, Node):
            return kid.obj
        if isinstance(kid, Marked):
            return Dictionary(Type=Name.MCR, Pg=self.page_objects[kid.page], MCID=kid.mcid)
        return kid

    def _content(self, page: int) -> bytes:
        if page not in self._contents:
            contents = self.page_objects[page].Contents
            if not isinstance(contents, pikepdf.Stream):  # WeasyPrint writes one stream per page
                raise ValueError(f"page {page + 1}: more than one content stream")
            self._contents[page] = contents.read_bytes()
        return self._contents[page]


def _as_artifacts(content: bytes, kinds: dict[int, bytes], page: int) -> bytes:
    """`content` with the marked-content sequences of `kinds` opened as artifacts of their kind instead."""
    wanted = {str(mcid).encode(): kind for mcid, kind in kinds.items()}
    done = 0

    def replace(found: re.Match[bytes]) -> bytes:
        nonlocal done
        kind = wanted.get(found[1])
        if kind is None:
            return found[0]
        done += 1
        return kind

    content = _MARKED.sub(replace, content)
    if done != len(wanted):
        raise ValueError(f"page {page + 1}: marked content not found in the form WeasyPrint 70 writes")
    return content


def _multiply(first: Matrix, then: Matrix) -> Matrix:
    """The matrix that applies `first`, then `then` (PDF's row-vector convention)."""
    a, b, c, d, e, f = first
    a2, b2, c2, d2, e2, f2 = then
    return (
        a * a2 + b * c2,
        a * b2 + b * d2,
        c * a2 + d * c2,
        c * b2 + d * d2,
        e * a2 + f * c2 + e2,
        e * b2 + f * d2 + f2,
    )
