"""A document's PDF in segments (runs of its pages: the front matter, a chapter, the back matter), each written on
its own, and their merge into one tagged PDF for `pdf_archive.archived` to finish.

A segment is the PDF WeasyPrint writes of some of a laid-out document's pages, with the repairs of pdf_tags and
pdf_text applied to it. What crosses a segment's edges:

- links to anchors on other segments' pages: WeasyPrint drops a link whose anchor it does not write, so copies of
  the segment's pages get stand-in anchors of those names, taken out of the segment's /Dests again; the link
  annotations keep their /Dest (name), which the merged /Dests resolves;
- the words of a link's description: „Seite N“ counts the whole document's pages, and a link to a heading in another
  segment says that heading (the caller's `texts`: pdf_links.link_texts of the segment's HTML with the whole
  document's headings);
- the outline: a chapter's h2 nests under the h1 before it, so a segment keeps its bookmarks as data and the merge
  builds one outline by WeasyPrint's rules.

The merge keeps the first segment's catalog (metadata, OutputIntents, Lang, ViewerPreferences, MarkInfo) and adds
the other segments' pages. Their structure trees become one: the document element's kids in page order, the parent
tree numbered again (pages by index, then annotations), the IDTree's IDs made unique (WeasyPrint names a header
cell by its table's object number, which another segment may use too) with the /Headers that name them, RoleMap and
ClassMap joined. The named destinations of all segments make one /Dests. Each segment keeps its own font subsets;
a subset whose tag (ABCDEF+) another subset already has gets a tag of its own (ISO 32000-1, 9.6.4)."""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object, OutlineItem, String

from .pdf_archive import write_options
from .pdf_links import LinkTexts
from .pdf_tags import tag_pdf
from .pdf_text import join_split_words

_SCALE = 0.75  # PDF points per CSS px: WeasyPrint's write_pdf at zoom 1
_NOWHERE = (0.0, 0.0, 0.0, 0.0)  # a stand-in anchor's box: its destination is dropped again
_LETTERS = 26
_OBJECT_STREAMS = pikepdf.ObjectStreamMode.generate  # small objects in object streams, as WeasyPrint has them


@dataclass(frozen=True)
class Bookmark:
    """An outline entry as WeasyPrint's page.bookmarks has it: level (h1: 1), label, open or closed, and where it
    leads: a page of its segment (from 0) and a point there in PDF user space."""

    level: int
    label: str
    page: int
    x: float
    y: float
    open: bool = True


@dataclass(frozen=True)
class Segment:
    """A segment's PDF, its page count and its bookmarks: plain data (msgspec writes it as JSON, `data` as base64)."""

    data: bytes
    pages: int
    bookmarks: tuple[Bookmark, ...] = ()


def anchor_pages(document: Any) -> dict[str, int]:
    """The page index of each anchor of a laid-out document: its first page, as WeasyPrint's links go to the first."""
    pages: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            pages.setdefault(name, index)
    return pages


def write_segment(
    document: Any, pages: range, start: int, texts: LinkTexts, anchors: Mapping[str, int], with_files: bool
) -> Segment:
    """The segment of `document.pages[pages]`, which are the pages from index `start` on of a whole document whose
    anchors are on the pages `anchors` says (anchor_pages of the whole). `texts`: what this segment's links say, in
    order (pdf_links.link_texts of its HTML with the whole document's headings). `document` and its pages are left
    as they are: they are laid out once and written again."""
    originals = document.pages[pages.start : pages.stop]
    if not originals or pages.step != 1:
        raise ValueError(f"a segment is a run of pages, not {pages}")
    own = {name for page in originals for name in page.anchors}
    targets = {target for page in originals for kind, target, _rectangle, _box in page.links if kind == "internal"}
    borrowed = sorted(name for name in targets - own if name in anchors)
    copies = [copy.copy(page) for page in originals]
    for page in copies:
        page.bookmarks = []  # the merge writes the outline
    copies[0].anchors = {**originals[0].anchors, **dict.fromkeys(borrowed, _NOWHERE)}
    part = document.copy(copies)
    # Uncompressed: the repairs below then read the streams without inflating them, and qpdf deflates them once on
    # saving, at zlib's default level (WeasyPrint's level 9 costs twice the time for 2 % fewer bytes).
    data = part.write_pdf(pdf_identifier=b"reportgen", uncompressed_pdf=True, **write_options(with_files))
    numbers = {name: start + offset + 1 for offset, page in enumerate(originals) for name in page.anchors}
    numbers.update((name, index + 1) for name, index in anchors.items())
    with pikepdf.open(io.BytesIO(data)) as pdf:
        _drop_destinations(pdf, set(borrowed))
        tag_pdf(pdf, texts, part, numbers)
        join_split_words(pdf, part)
        out = io.BytesIO()
        pdf.save(out, deterministic_id=True, compress_streams=True, object_stream_mode=_OBJECT_STREAMS)
    return Segment(out.getvalue(), len(originals), _bookmarks(originals))


def _bookmarks(pages: Sequence[Any]) -> tuple[Bookmark, ...]:
    """The pages' bookmarks, their points moved from CSS px (top left origin) to PDF user space as WeasyPrint does."""
    return tuple(
        Bookmark(level, label, offset, x * _SCALE, (page.height - y) * _SCALE, state != "closed")
        for offset, page in enumerate(pages)
        for level, label, (x, y), state in page.bookmarks
    )


# Named destinations


def _name_tree(node: Object) -> Iterator[tuple[Object, Object]]:
    """The entries of a name tree, leaves in order."""
    names = node.get("/Names")
    if names is not None:
        for index in range(0, len(names), 2):
            yield names[index], names[index + 1]
    for kid in node.get("/Kids", ()):
        yield from _name_tree(kid)


def _flat_name_tree(entries: Mapping[bytes, tuple[Object, Object]]) -> Dictionary:
    """A name tree of one node, its keys in the byte order a name tree needs."""
    return Dictionary(Names=Array([item for key in sorted(entries) for item in entries[key]]))


def _destinations(pdf: pikepdf.Pdf) -> Object | None:
    names = pdf.Root.get("/Names")
    return names.get("/Dests") if names is not None else None


def _drop_destinations(pdf: pikepdf.Pdf, names: set[str]) -> None:
    """The stand-in anchors' destinations out of /Dests (and /Dests out of the catalog once empty)."""
    tree = _destinations(pdf)
    if tree is None or not names:
        return
    kept = {bytes(key): (key, value) for key, value in _name_tree(tree) if str(key) not in names}
    if kept:
        pdf.Root.Names.Dests = _flat_name_tree(kept)
        return
    del pdf.Root.Names.Dests
    if not pdf.Root.Names.keys():
        del pdf.Root.Names


# The merge


@dataclass
class _Part:
    """A segment in the merged PDF: its pages, structure tree root and named destinations as copied there."""

    pages: list[Object]
    root: Object | None
    destinations: list[tuple[Object, Object]] = field(default_factory=list)


@contextlib.contextmanager
def merge(segments: Sequence[Segment]) -> Iterator[pikepdf.Pdf]:
    """One PDF of the segments' pages in order (see the module), open while the block runs: it refers to the
    segments' PDFs, which are closed after it."""
    if not segments:
        raise ValueError("no segments to merge")
    with contextlib.ExitStack() as stack:
        sources = [stack.enter_context(pikepdf.open(io.BytesIO(segment.data))) for segment in segments]
        for segment, source in zip(segments, sources, strict=True):
            if len(source.pages) != segment.pages:
                raise ValueError(f"a segment of {segment.pages} pages holds a PDF of {len(source.pages)}")
            if "/AcroForm" in source.Root:
                raise ValueError("segments with form fields cannot be merged")
        pdf = sources[0]
        tree = _destinations(pdf)
        first = _Part([page.obj for page in pdf.pages], pdf.Root.get("/StructTreeRoot"))
        first.destinations = list(_name_tree(tree)) if tree is not None else []
        parts = [first, *(_appended(pdf, source) for source in sources[1:])]
        _join_structure(pdf, parts)
        _join_destinations(pdf, parts)
        _outline(pdf, segments)
        _distinct_subsets(parts)
        yield pdf


def _appended(pdf: pikepdf.Pdf, source: pikepdf.Pdf) -> _Part:
    """`source`'s pages appended to `pdf`, with its structure tree and destinations copied (their references to
    pages lead to the copied pages: qpdf maps each object it copies from one file once)."""
    start = len(pdf.pages)
    for page in source.pages:
        pdf.pages.append(page)
    root = source.Root.get("/StructTreeRoot")
    part = _Part([page.obj for page in pdf.pages[start:]], pdf.copy_foreign(root) if root is not None else None)
    tree = _destinations(source)
    if tree is not None:
        copied = pdf.copy_foreign(tree if tree.is_indirect else source.make_indirect(tree))
        part.destinations = list(_name_tree(copied))
    return part


def _join_destinations(pdf: pikepdf.Pdf, parts: Sequence[_Part]) -> None:
    """One /Dests of every segment's named destinations; of two with one name, the first (WeasyPrint's choice)."""
    entries: dict[bytes, tuple[Object, Object]] = {}
    for part in parts:
        for key, value in part.destinations:
            entries.setdefault(bytes(key), (key, value))
    if not entries:
        return
    if "/Names" not in pdf.Root:
        pdf.Root.Names = Dictionary()
    pdf.Root.Names.Dests = _flat_name_tree(entries)


def _outline(pdf: pikepdf.Pdf, segments: Sequence[Segment]) -> None:
    """The outline of every segment's bookmarks, nested by WeasyPrint's rules across the segments' edges."""
    from weasyprint.anchors import make_page_bookmark_tree  # the rules of Document.make_bookmark_tree
    from weasyprint.matrix import Matrix

    root: list[Any] = []
    skipped: list[int] = []
    last_by_depth: list[list[Any]] = [root]
    level = 0
    number = 0
    for segment in segments:
        by_page: list[list[Any]] = [[] for _ in range(segment.pages)]
        for mark in segment.bookmarks:
            by_page[mark.page].append((mark.level, mark.label, (mark.x, mark.y), "open" if mark.open else "closed"))
        for bookmarks in by_page:
            page = SimpleNamespace(bookmarks=bookmarks)
            level = make_page_bookmark_tree(page, skipped, last_by_depth, level, number, Matrix())
            number += 1
    if "/Outlines" in pdf.Root:
        del pdf.Root.Outlines
    if root:
        with pdf.open_outline() as outline:
            outline.root.extend(_outline_items(root))


def _outline_items(subtrees: Iterable[Any]) -> list[OutlineItem]:
    items = []
    for label, (page, x, y), children, state in subtrees:
        item = OutlineItem(label, page, "XYZ", left=x, top=y, zoom=0)
        item.is_closed = state == "closed"
        item.children.extend(_outline_items(children))
        items.append(item)
    return items


# The structure tree


def _kids(element: Object) -> list[Object]:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _document_element(root: Object) -> Object:
    kids = _kids(root)
    if len(kids) != 1 or kids[0].get("/S") != Name.Document:
        raise ValueError("a segment's structure tree does not have one Document element at its root")
    return kids[0]


def _number_tree(node: Object) -> dict[int, Object]:
    """The entries of a number tree."""
    entries: dict[int, Object] = {}
    nums = node.get("/Nums")
    if nums is not None:
        entries.update((int(nums[index]), nums[index + 1]) for index in range(0, len(nums), 2))
    for kid in node.get("/Kids", ()):
        entries.update(_number_tree(kid))
    return entries


def _join_structure(pdf: pikepdf.Pdf, parts: Sequence[_Part]) -> None:
    """The segments' structure trees as one under the first's root (see the module)."""
    roots = [part.root for part in parts]
    if all(root is None for root in roots):
        return
    if any(root is None for root in roots):
        raise ValueError("a segment without a structure tree cannot be merged with tagged ones")
    tagged = [(part, root) for part, root in zip(parts, roots, strict=True) if root is not None]
    first = tagged[0][1]
    document = _document_element(first)
    kids: list[Object] = []
    for _part, root in tagged:
        for kid in _kids(_document_element(root)):
            if isinstance(kid, Dictionary):
                kid.P = document
            kids.append(kid)
    document.K = Array(kids)
    _join_parent_trees(pdf, first, tagged)
    _join_id_trees(pdf, first, [root for _part, root in tagged])
    for name in ("/RoleMap", "/ClassMap"):
        _join_maps(first, [root for _part, root in tagged], name)


def _join_parent_trees(pdf: pikepdf.Pdf, first: Object, tagged: Sequence[tuple[_Part, Object]]) -> None:
    """One parent tree: pages by their index, then annotations (as WeasyPrint numbers them), each page's
    /StructParents and each annotation's /StructParent numbered to match."""
    entries: dict[int, Object] = {}
    page = 0
    key = sum(len(part.pages) for part, _root in tagged)
    for part, root in tagged:
        old = _number_tree(root.ParentTree)
        for obj in part.pages:
            if "/StructParents" in obj:
                entries[page] = old[int(obj.StructParents)]
                obj.StructParents = page
            page += 1
        for obj in part.pages:
            for annotation in obj.get("/Annots", ()):
                if "/StructParent" not in annotation:
                    continue
                if int(annotation.StructParent) not in old:
                    raise ValueError("an annotation's /StructParent is not in its segment's parent tree")
                entries[key] = old[int(annotation.StructParent)]
                annotation.StructParent = key
                key += 1
    nums = Array([item for number in sorted(entries) for item in (number, entries[number])])
    first.ParentTree = pdf.make_indirect(Dictionary(Nums=nums))
    first.ParentTreeNextKey = key


def _join_id_trees(pdf: pikepdf.Pdf, first: Object, roots: Sequence[Object]) -> None:
    """One IDTree; an ID an earlier segment has is renamed, and the /Headers naming it."""
    ids: dict[bytes, Object] = {}
    for number, root in enumerate(roots):
        tree = root.get("/IDTree")
        if tree is None:
            continue
        renamed: dict[bytes, bytes] = {}
        for key, element in _name_tree(tree):
            name = bytes(key)
            if name in ids:
                renamed[name] = _unused(name, number, ids)
                name = renamed[bytes(key)]
                element.ID = String(name)
            ids[name] = element
        if renamed:
            _rename_headers(_document_element(root), renamed)
    if ids:
        first.IDTree = pdf.make_indirect(_flat_name_tree({key: (String(key), value) for key, value in ids.items()}))
    elif "/IDTree" in first:
        del first.IDTree


def _unused(name: bytes, number: int, taken: Mapping[bytes, Object]) -> bytes:
    """`name` with the segment's number (or a higher one) after it, an ID no segment has yet."""
    while b"%s~%d" % (name, number) in taken:
        number += 1
    return b"%s~%d" % (name, number)


def _join_maps(first: Object, roots: Sequence[Object], name: str) -> None:
    """One RoleMap or ClassMap; two segments may not map one name differently."""
    joined = Dictionary()
    for root in roots:
        found = root.get(name, Dictionary())
        for key in found.keys():  # noqa: SIM118  (pikepdf's type hints give keys() as str, iteration as Object)
            if key in joined and joined[key].unparse() != found[key].unparse():
                raise ValueError(f"segments map {key} differently in their {name}")
            joined[key] = found[key]
    if joined.keys():
        first[name] = joined
    elif name in first:
        del first[name]


def _rename_headers(top: Object, renamed: Mapping[bytes, bytes]) -> None:
    """Every /Headers under `top` naming a renamed ID names its new one."""
    stack = [top]
    while stack:
        element = stack.pop()
        attributes = element.get("/A")
        for attribute in attributes if isinstance(attributes, Array) else [attributes]:
            if isinstance(attribute, Dictionary) and "/Headers" in attribute:
                attribute.Headers = Array(
                    [String(renamed.get(bytes(header), bytes(header))) for header in attribute.Headers]
                )
        stack.extend(kid for kid in _kids(element) if isinstance(kid, Dictionary) and "/S" in kid)


# Fonts


def _fonts(resources: Object | None, seen: set[tuple[int, int]]) -> Iterator[Object]:
    """The fonts of a resource dictionary and of the forms, patterns and Type 3 glyphs it draws, each once."""
    if not isinstance(resources, Dictionary):
        return
    for font in resources.get("/Font", Dictionary()).values():
        if font.objgen not in seen:
            seen.add(font.objgen)
            yield font
            yield from _fonts(font.get("/Resources"), seen)
    for group in ("/XObject", "/Pattern"):
        for item in resources.get(group, Dictionary()).values():
            if item.objgen not in seen:
                seen.add(item.objgen)
                yield from _fonts(item.get("/Resources"), seen)


def _descriptor(font: Object) -> Object | None:
    descendants = font.get("/DescendantFonts")
    described = descendants[0] if descendants is not None else font
    return described.get("/FontDescriptor")


def _program(font: Object) -> bytes:
    """A digest of the font's embedded program (empty when none is embedded)."""
    descriptor = _descriptor(font)
    digest = hashlib.sha256()
    for key in ("/FontFile", "/FontFile2", "/FontFile3"):
        if descriptor is not None and key in descriptor:
            digest.update(descriptor[key].read_raw_bytes())
    return digest.digest()


def _distinct_subsets(parts: Sequence[_Part]) -> None:
    """A font subset whose tag another, different subset has is given a new tag, derived from its program."""
    programs: dict[bytes, bytes] = {}  # subset name (ABCDEF+Lato-Regular) -> program digest
    for part in parts:
        seen: set[tuple[int, int]] = set()
        for page in part.pages:
            for font in _fonts(page.get("/Resources"), seen):
                name = bytes(str(font.get("/BaseFont", "")), "utf-8")[1:]
                if len(name) < 8 or name[6:7] != b"+" or not name[:6].isalpha() or not name[:6].isupper():
                    continue
                program = _program(font)
                if programs.setdefault(name, program) == program:
                    continue
                new = _new_tag(name, program, programs)
                programs[new] = program
                _rename_font(font, new.decode())


def _new_tag(name: bytes, program: bytes, taken: Mapping[bytes, bytes]) -> bytes:
    """`name` with a tag of six capital letters from `program`'s digest that no other subset has."""
    seed = program
    while True:
        tag = bytes(65 + byte % _LETTERS for byte in seed[:6])
        new = tag + name[6:]
        if taken.get(new, program) == program:
            return new
        seed = hashlib.sha256(seed).digest()


def _rename_font(font: Object, name: str) -> None:
    font.BaseFont = Name("/" + name)
    for descendant in font.get("/DescendantFonts", ()):
        descendant.BaseFont = Name("/" + name)
    descriptor = _descriptor(font)
    if descriptor is not None:
        descriptor.FontName = Name("/" + name)
