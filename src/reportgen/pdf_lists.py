"""Lists in the tag tree: one L element per HTML list, and tables of contents as TOC/TOCI without their leaders.

WeasyPrint 70 tags every page on its own, so a list broken across pages becomes one L element per page; and it tags
a table of contents like any list, with each dot of `leader(".")` as text of its own. Which L elements belong to one
HTML list, and which text a leader drew, comes from the layout: WeasyPrint's page boxes, walked in the order its
tagging walks them (weasyprint/pdf/tags.py), give one list box per L element and one text or image box per marked
content of an item. Two lists stay two: they are two HTML elements.

A list whose element has the attribute `data-toc` is a table of contents: L becomes TOC, LI becomes TOCI and LBody
Reference (ISO 32000-1, 14.8.4.3.3: a TOCI holds Lbl, Reference, NonStruct, P or TOC); an item whose
`data-toc-level` is higher than the one before it goes into a TOC nested in that one's TOCI. Leader dots become
layout artifacts; the page number stays in the link."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .pdf_tree import LAYOUT, Marked, Node, Tree

TOC_ATTRIBUTE = "data-toc"  # on an ol or ul
LEVEL_ATTRIBUTE = "data-toc-level"  # on an item of such a list: 1 (the default) for the top level
_LISTS = frozenset({"ol", "ul", "dl"})  # what tags.py tags as L, and (below) as LI
_ITEMS = frozenset({"li", "dt", "dd"})
_MISMATCH = "WeasyPrint's tags no longer follow its layout ({}): revisit pdf_lists"


@dataclass(frozen=True)
class ItemPart:
    """One page's part of a list item."""

    number: int  # which HTML item: the same number on every page the item spans
    level: int = 1
    leaders: tuple[bool, ...] = ()  # items of a TOC: per marked content, in order, whether a leader drew it


@dataclass(frozen=True)
class ListPart:
    """One page's part of an HTML list (ol, ul, dl), which WeasyPrint tags as one L element."""

    page: int
    number: int  # which HTML list: the same number on every page the list spans
    toc: bool
    items: tuple[ItemPart, ...]


def list_parts(document: Any) -> list[ListPart]:
    """The list boxes of every page in the order WeasyPrint tags them: page by page, each page depth first."""
    from weasyprint.formatting_structure.boxes import MarginBox  # heavy; only the PDF stage needs it
    from weasyprint.layout.absolute import AbsolutePlaceholder

    numbers: dict[int, int] = {}  # HTML element (by identity) -> its number

    def number(element: object) -> int:
        return numbers.setdefault(id(element), len(numbers))

    parts = []
    for page, layout in enumerate(document.pages):
        stack = [layout._page_box]
        while stack:
            box = stack.pop()
            if type(box) is AbsolutePlaceholder:  # tags.py tags the box it stands for
                box = box._box
            if box.element_tag in _LISTS and box.element is not None:
                toc = TOC_ATTRIBUTE in box.element.attrib
                items = [_unwrap(child) for child in box.children]
                parts.append(
                    ListPart(
                        page,
                        number(box.element),
                        toc,
                        tuple(_item(item, number(item.element), toc) for item in items if _is_item(item)),
                    )
                )
            children = getattr(box, "children", None)
            if children and not isinstance(box, MarginBox):  # tags.py leaves margin boxes out of the tree
                stack.extend(reversed(children))
    return parts


def _unwrap(box: Any) -> Any:
    """The box an absolutely positioned placeholder stands for, as tags.py takes it."""
    return getattr(box, "_box", box)


def _is_item(box: Any) -> bool:
    return box.element is not None and box.element_tag in _ITEMS


def _item(box: Any, number: int, toc: bool) -> ItemPart:
    if not toc:
        return ItemPart(number)
    return ItemPart(number, int(box.element.attrib.get(LEVEL_ATTRIBUTE, 1)), _leaders(box))


def _leaders(item: Any) -> tuple[bool, ...]:
    """Per box tagged as marked content (text, images) in the item, in order: whether a leader() drew it."""
    from weasyprint.formatting_structure.boxes import ReplacedBox, TextBox

    flags = []
    stack = [(item, False)]
    while stack:
        box, leader = stack.pop()
        box = _unwrap(box)
        if isinstance(box, TextBox | ReplacedBox):
            flags.append(leader)
            continue
        leader = leader or box.is_leader
        stack.extend((child, leader) for child in reversed(getattr(box, "children", ())))
    return tuple(flags)


@dataclass
class _List:
    """An HTML list as one L element: the first page's, with the items of every page."""

    node: Node
    toc: bool
    page: int
    items: list[ItemPart] = field(default_factory=list)


def repair_lists(tree: Tree, parts: list[ListPart]) -> None:
    """One L per HTML list; tables of contents as TOC/TOCI, their leaders as artifacts. `parts`: list_parts of the
    document WeasyPrint wrote `tree` from."""
    lists = [node for node in tree.nodes if node.type == "/L"]
    if len(lists) != len(parts):
        raise ValueError(_MISMATCH.format(f"{len(lists)} L elements, {len(parts)} lists laid out"))
    merged: dict[int, _List] = {}
    for node, part in zip(lists, parts, strict=True):
        entries = _entries(node)
        if node.page != part.page or len(entries) != len(part.items):
            raise ValueError(_MISMATCH.format(f"list on page {part.page + 1}"))
        if part.toc:
            _drop_leaders(tree, entries, part)
        first = merged.get(part.number)
        if first is None:
            merged[part.number] = _List(node, part.toc, part.page, list(part.items))
        elif first.page < part.page:  # the list goes on: the same HTML element on a later page
            _continue(tree, first, node, part)
    for whole in merged.values():
        if whole.toc:
            _as_toc(tree, whole)


def _entries(node: Node) -> list[Node]:
    return [kid for kid in node.kids if isinstance(kid, Node) and kid.type == "/LI"]


def _drop_leaders(tree: Tree, entries: list[Node], part: ListPart) -> None:
    """The marked content leaders drew in these items becomes artifacts, out of the structure."""
    for entry, item in zip(entries, part.items, strict=True):
        content: list[tuple[Node, int]] = []
        _marked_content(entry, content)
        if len(content) != len(item.leaders):
            raise ValueError(_MISMATCH.format(f"table of contents on page {part.page + 1}"))
        dropped: dict[int, tuple[Node, set[int]]] = {}
        for (holder, mcid), leader in zip(content, item.leaders, strict=True):
            if leader:
                tree.make_artifact(part.page, mcid, LAYOUT)
                dropped.setdefault(id(holder), (holder, set()))[1].add(mcid)
        for holder, mcids in dropped.values():
            tree.set_kids(holder, [kid for kid in holder.kids if not (isinstance(kid, int) and kid in mcids)])


def _marked_content(node: Node, found: list[tuple[Node, int]]) -> None:
    """The MCIDs under `node` in reading order, each with the element that holds it."""
    for kid in node.kids:
        if isinstance(kid, int):
            found.append((node, kid))
        elif isinstance(kid, Node):
            _marked_content(kid, found)


def _continue(tree: Tree, first: _List, node: Node, part: ListPart) -> None:
    """Move the items of `node`, a later page's part of `first`, into it; an item split across the page break
    becomes one item."""
    moved = list(node.kids)
    items = list(part.items)
    if items and first.items and items[0].number == first.items[-1].number:
        rest = _entries(node)[0]
        moved = [kid for kid in moved if kid is not rest]
        _join(tree, _entries(first.node)[-1], rest)
        items.pop(0)
    tree.set_kids(first.node, [*first.node.kids, *moved])
    first.items.extend(items)
    _remove(tree, node)


def _join(tree: Tree, entry: Node, rest: Node) -> None:
    """`rest`, the LI of an item's later part, into `entry`: body to body, anything else after it."""
    bodies = [kid for kid in entry.kids if isinstance(kid, Node) and kid.type == "/LBody"]
    for kid in rest.kids:
        if isinstance(kid, Node) and kid.type == "/LBody" and bodies:
            for inner in kid.kids:
                _adopt(tree, bodies[-1], inner, kid)
        else:
            _adopt(tree, entry, kid, rest)


def _adopt(tree: Tree, parent: Node, kid: Any, old_parent: Node) -> None:
    """Append `kid` to `parent`'s kids; marked content of another page is referred to with its page."""
    if isinstance(kid, int) and old_parent.page != parent.page:
        kid = Marked(old_parent.page, kid)
    tree.set_kids(parent, [*parent.kids, kid])


def _remove(tree: Tree, node: Node) -> None:
    """Take `node` out of its parent, and a parent left empty out of its own (the document stays)."""
    parent = node.parent
    if parent is None:
        return
    tree.set_kids(parent, [kid for kid in parent.kids if kid is not node])
    if not parent.kids and parent.type not in ("", "/Document"):
        _remove(tree, parent)


@dataclass
class _Level:
    level: int
    toc: Node
    kids: list[Any] = field(default_factory=list)
    last: Node | None = None


def _as_toc(tree: Tree, whole: _List) -> None:
    """TOC, TOCI and Reference for L, LI and LBody; deeper levels in a TOC inside the TOCI before them."""
    levels = iter(item.level for item in whole.items)
    stack = [_Level(whole.items[0].level if whole.items else 1, whole.node)]
    done: list[_Level] = []
    for kid in whole.node.kids:
        if not (isinstance(kid, Node) and kid.type == "/LI"):
            stack[0].kids.append(kid)
            continue
        level = next(levels)
        while len(stack) > 1 and level < stack[-1].level:
            done.append(stack.pop())
        last = stack[-1].last
        if level > stack[-1].level and last is not None:
            nested = tree.new_node("/TOC", last.page)
            tree.set_kids(last, [*last.kids, nested])
            stack.append(_Level(level, nested))
        _as_entry(tree, kid)
        stack[-1].kids.append(kid)
        stack[-1].last = kid
    tree.set_type(whole.node, "/TOC")
    for finished in [*done, *stack]:
        tree.set_kids(finished.toc, finished.kids)


def _as_entry(tree: Tree, entry: Node) -> None:
    tree.set_type(entry, "/TOCI")
    for kid in entry.kids:
        if isinstance(kid, Node) and kid.type == "/LBody":
            tree.set_type(kid, "/Reference")
