"""PDF/UA-1 repairs of the tag tree WeasyPrint 70 writes: page furniture as artifacts, lists and tables of contents
(pdf_lists), links (pdf_links), table headers and figure boxes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pikepdf
from pikepdf import Array, Dictionary, Name, Object

from .pdf_links import LinkTexts, headings, link_texts, repair_links
from .pdf_lists import list_parts, repair_lists
from .pdf_tree import PAGINATION, Tree

__all__ = ["LinkTexts", "headings", "link_texts", "tag_pdf"]


def _furniture_as_artifacts(tree: Tree) -> None:
    """Running header, footer and page numbers: WeasyPrint tags them but leaves them out of the tree."""
    for page, elements in enumerate(tree.held()):
        for mcid, element in enumerate(elements):
            if element is None:
                tree.make_artifact(page, mcid, PAGINATION)


def _table_headers(tree: Tree) -> None:
    """TH cells get a Scope (column in THead, row elsewhere); their IDs an IDTree for the cells' Headers."""
    ids: dict[bytes, Object] = {}
    for node in tree.nodes:
        if node.type != "/TH" or node.parent is None:
            continue
        if "/ID" in node.obj:  # WeasyPrint gives IDs to header cells alone (test_pdf_ua's fingerprint test)
            ids[bytes(node.obj.ID)] = node.obj
        section = node.parent.parent if node.parent.type == "/TR" else node.parent
        scope = Name.Column if getattr(section, "type", "") == "/THead" else Name.Row
        attributes = node.obj.get("/A")
        if not isinstance(attributes, Dictionary):
            attributes = Dictionary(O=Name.Table)
            node.obj.A = attributes
        attributes.Scope = scope
    if ids:
        tree.root.obj.IDTree = Dictionary(
            Names=Array([item for key in sorted(ids) for item in (pikepdf.String(key), ids[key])])
        )


def _figure_boxes(tree: Tree) -> None:
    """Each Figure's BBox in PDF user space: WeasyPrint writes CSS px from the top left corner of the page."""
    for node in tree.nodes:
        attributes = node.obj.get("/A") if node.type == "/Figure" else None
        if not isinstance(attributes, Dictionary) or "/BBox" not in attributes:
            continue
        a, b, c, d, e, f = tree.page_matrix(node.page)
        if b or c:
            raise ValueError("a rotated page matrix: revisit pdf_tags._figure_boxes")
        x1, y1, x2, y2 = (float(value) for value in attributes.BBox)
        xs, ys = sorted((a * x1 + e, a * x2 + e)), sorted((d * y1 + f, d * y2 + f))
        attributes.BBox = Array([round(value, 3) for value in (xs[0], ys[0], xs[1], ys[1])])


def tag_pdf(pdf: pikepdf.Pdf, texts: LinkTexts, document: Any, pages: Mapping[str, int] | None = None) -> None:
    """The tag tree WeasyPrint wrote from `document` into `pdf`, repaired in place for PDF/UA-1. `texts` and
    `pages`: see pdf_links.repair_links."""
    if "/StructTreeRoot" not in pdf.Root:
        return
    tree = Tree.read(pdf)
    _furniture_as_artifacts(tree)
    repair_lists(tree, list_parts(document))
    repair_links(tree, texts, pages)
    _table_headers(tree)
    _figure_boxes(tree)
    tree.write()
