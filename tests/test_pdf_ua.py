"""PDF/UA-1: the validator's verdict on the study, and the tag tree read directly (what pdf_tags repairs)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Any

import page
import pikepdf
import pytest

from reportgen.build import BuildResult
from reportgen.layout import Layout
from reportgen.pdf import render_pdf
from reportgen.pdf_tags import link_texts

FOOTER = '<div style="position: running(footer)">Fußzeile</div>'
PAGES = "@page { @bottom-left { content: element(footer) } @bottom-right { content: counter(page) } }"


def document(body: str, style: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>Test</title><style>{PAGES}{style}</style></head>'
        f"<body>{FOOTER}{body}</body></html>"
    )


@pytest.fixture
def layout(tmp_path: Path) -> Layout:
    root = tmp_path / "projekt"
    (root / "build").mkdir(parents=True)
    (root / "templates").mkdir()
    return Layout(root)


def kids(element: Any) -> list[Any]:
    k = element.get("/K")
    if k is None:
        return []
    return list(k) if isinstance(k, pikepdf.Array) else [k]


def is_element(kid: Any) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and "/S" in kid


def is_objr(kid: Any) -> bool:
    return isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"


def elements(pdf: pikepdf.Pdf) -> Iterator[Any]:
    """Every structure element under the root, in reading order."""
    stack = list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        element = stack.pop()
        if is_element(element):
            yield element
            stack.extend(reversed(kids(element)))


def parent_tree(pdf: pikepdf.Pdf) -> dict[int, Any]:
    nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
    return {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}


def annotations(pdf: pikepdf.Pdf) -> list[Any]:
    return [annotation for p in pdf.pages for annotation in p.obj.get("/Annots", []) if annotation.Subtype == "/Link"]


def failed_rules(data: bytes, profile: str = "ua1") -> list[str]:
    report = page.validate_pdf_bytes(data, profile=profile)
    return sorted({failure.rule_id for failure in report.failures})


def check_links(pdf: pikepdf.Pdf) -> None:
    """Each link annotation's StructParent is a Link element that holds it; Links hold no Links or Spans."""
    parents = parent_tree(pdf)
    for annotation in annotations(pdf):
        link = parents[int(annotation.StructParent)]
        assert link.S == "/Link", annotation.Contents
        assert annotation.objgen in {kid.Obj.objgen for kid in kids(link) if is_objr(kid)}
    for link in (element for element in elements(pdf) if element.S == "/Link"):
        assert not [kid.S for kid in kids(link) if is_element(kid) and kid.S in ("/Link", "/Span")]


def check_no_untagged_content(pdf: pikepdf.Pdf) -> None:
    """Every marked-content id in the pages belongs to an element in the tree; the rest is an artifact."""
    reachable = {element.objgen for element in elements(pdf)}
    parents = parent_tree(pdf)
    for p in pdf.pages:
        mcids = [
            int(instruction.operands[1].MCID)
            for instruction in pikepdf.parse_content_stream(p)
            if instruction.operator == pikepdf.Operator("BDC") and "/MCID" in instruction.operands[1]
        ]
        mapping = parents[int(p.obj.StructParents)]
        assert all(mapping[mcid].objgen in reachable for mcid in mcids)


def artifacts(p: pikepdf.Page) -> int:
    return sum(
        1
        for instruction in pikepdf.parse_content_stream(p)
        if instruction.operator == pikepdf.Operator("BDC") and instruction.operands[0] == "/Artifact"
    )


# Tiny documents


def test_a_link_with_inner_boxes_is_one_link_with_one_annotation_and_a_description(layout: Layout) -> None:
    body = (
        '<h1>Inhalt</h1><p><a href="#ziel"><span style="display: inline-block">2.1</span><span>Ziele</span></a></p>'
        '<h2 id="ziel" data-number="2.1" style="break-before: page"><span>2.1</span> Ziele</h2>'
    )
    result, _ = render_pdf(document(body), layout, {})
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        check_links(pdf)
        assert [str(annotation.Contents) for annotation in annotations(pdf)] == ["Abschnitt 2.1 Ziele, Seite 2"]
        assert [element.S for element in elements(pdf) if element.S == "/Link"] == ["/Link"]
    assert failed_rules(result.data) == []


def test_running_footer_and_page_number_are_artifacts(layout: Layout) -> None:
    result, _ = render_pdf(document("<h1>Titel</h1><p>Text</p>"), layout, {})
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        check_no_untagged_content(pdf)
        assert artifacts(pdf.pages[0]) >= 2  # the footer's text and the page number
    assert failed_rules(result.data) == []


def test_header_cells_have_a_scope_and_their_ids_an_id_tree(layout: Layout) -> None:
    table = (
        "<table><thead><tr><th scope='col'>Frage</th><th scope='col'>n</th></tr></thead>"
        "<tbody><tr><th scope='row'>A</th><td>1</td></tr></tbody></table>"
    )
    result, _ = render_pdf(document(f"<h1>Tabelle</h1>{table}"), layout, {})
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        scopes = [str(element.A.Scope) for element in elements(pdf) if element.S == "/TH"]
        assert scopes == ["/Column", "/Column", "/Row"]
        ids = list(pdf.Root.StructTreeRoot.IDTree.Names)[::2]
        headers = [bytes(header) for element in elements(pdf) if element.S == "/TD" for header in element.A.Headers]
        assert headers and set(headers) <= {bytes(key) for key in ids}


def test_the_same_html_gives_the_same_bytes(layout: Layout) -> None:
    html = document('<h1 id="a">A</h1><p><a href="#a">zurück</a></p>')
    assert render_pdf(html, layout, {})[0].data == render_pdf(html, layout, {})[0].data


def test_link_texts_say_the_heading_they_lead_to_or_else_their_words() -> None:
    html = (
        '<h1 id="sec-1" data-number="1"><span class="heading-number">1</span> Einleitung</h1>'
        '<h2 id="sec-1-1" data-number="1.1"><span>1.1</span>Ziele</h2><h1 id="lit">Literatur</h1>'
        '<a href="#sec-1"><span>1</span>Einleitung</a><a href="#sec-1-1">oben</a><a href="#lit">Literatur</a>'
        '<a href="#abb-1"><span>Abbildung 1</span><span>Umsatz</span></a> <a href="#abb-1">Abbildung&nbsp;1</a>'
        '<a href="https://example.org/">Beispiel</a><a name="x">kein Link</a>'
    )
    assert link_texts(html) == {
        "sec-1": ["Kapitel 1 Einleitung"],
        "sec-1-1": ["Abschnitt 1.1 Ziele"],
        "lit": ["Literatur"],
        "abb-1": ["Abbildung 1 Umsatz", "Abbildung 1"],  # spaces of any kind become one space
        "https://example.org/": ["Beispiel"],
    }


# The study


@pytest.mark.slow
def test_study_is_pdf_ua_1(study_build: BuildResult) -> None:
    failed = failed_rules(study_build.pdf.read_bytes())
    assert failed == [], f"PDF/UA-1 rules failed: {failed}"


@pytest.mark.slow
def test_study_headings_start_with_the_title_as_h1_and_skip_no_level(study_build: BuildResult) -> None:
    with pikepdf.open(study_build.pdf) as pdf:
        levels = [int(str(element.S)[2:]) for element in elements(pdf) if re.fullmatch(r"/H\d", str(element.S))]
    assert levels[0] == 1
    assert all(level <= previous + 1 for previous, level in pairwise(levels))


@pytest.mark.slow
def test_study_links_are_link_elements_with_readable_descriptions(study_build: BuildResult) -> None:
    with pikepdf.open(study_build.pdf) as pdf:
        check_links(pdf)
        descriptions = [str(annotation.Contents) for annotation in annotations(pdf)]
    assert not [text for text in descriptions if re.fullmatch(r"[\w-]+", text)]  # no raw ids like sec-1
    assert re.search(r"'Abschnitt 2\.1 Strategien und Umsetzungsbeispiele bei OEMs, Seite \d+'", repr(descriptions))


@pytest.mark.slow
def test_study_page_furniture_is_artifacts(study_build: BuildResult) -> None:
    with pikepdf.open(study_build.pdf) as pdf:
        check_no_untagged_content(pdf)
        assert all(artifacts(p) for p in pdf.pages[1:])  # header, footer and page number after the title page


@pytest.mark.slow
def test_study_header_cells_have_a_scope(study_build: BuildResult) -> None:
    with pikepdf.open(study_build.pdf) as pdf:
        header_cells = [element for element in elements(pdf) if element.S == "/TH"]
        assert header_cells
        assert {str(cell.A.get("/Scope")) for cell in header_cells} == {"/Column", "/Row"}
        ids = {bytes(key) for key in list(pdf.Root.StructTreeRoot.IDTree.Names)[::2]}
        cells = [element for element in elements(pdf) if element.S == "/TD"]
        assert {bytes(header) for cell in cells for header in cell.A.get("/Headers", [])} <= ids
