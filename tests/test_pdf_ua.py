"""PDF/UA-1: the validator's verdict on the study, and the tag tree read directly (what pdf_tags repairs)."""

from __future__ import annotations

import io
import re
from collections import defaultdict
from collections.abc import Iterator
from html.parser import HTMLParser
from itertools import pairwise
from pathlib import Path
from typing import Any

import page
import pikepdf
import pypdf
import pytest
import weasyprint

from projects import LISTS_FILES, LONG_LIST, make_tiny
from reportgen.build import BuildResult, build
from reportgen.layout import Layout
from reportgen.pdf import render_pdf
from reportgen.pdf_archive import render_options, write_options
from reportgen.pdf_tags import link_texts

FOOTER = '<div style="position: running(footer)">Fußzeile</div>'
PAGES = "@page { @bottom-left { content: element(footer) } @bottom-right { content: counter(page) } }"


def document(body: str, style: str = "") -> str:
    return (
        f'<!DOCTYPE html><html lang="de"><head><title>Test</title><style>{PAGES}{style}</style></head>'
        f"<body>{FOOTER}{body}</body></html>"
    )


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


def skeleton(element: Any) -> Any:
    """The element's structure types: "/Link" for one without element kids, else ("/TOCI", [its kids' skeletons])."""
    inner = [skeleton(kid) for kid in kids(element) if is_element(kid)]
    return (str(element.S), inner) if inner else str(element.S)


def marked_texts(data: bytes) -> tuple[list[dict[int, str]], list[list[str]]]:
    """Per page, the text of each marked content by MCID, and the texts marked as artifacts (pypdf's extraction)."""
    texts: list[dict[int, str]] = []
    artifact_texts: list[list[str]] = []
    for reader_page in pypdf.PdfReader(io.BytesIO(data)).pages:
        by_mcid: dict[int, str] = defaultdict(str)
        loose: list[str] = []
        stack: list[int | str | None] = []

        def before(operator: bytes, operands: list[Any], *_: Any, stack: list[Any] = stack) -> None:
            if operator in (b"BDC", b"BMC"):
                properties = operands[1] if operator == b"BDC" else {}
                mcid = properties.get("/MCID") if hasattr(properties, "get") else None
                stack.append(int(mcid) if mcid is not None else "artifact" if operands[0] == "/Artifact" else None)
            elif operator == b"EMC":
                stack.pop()

        def text(words: str, *_: Any, stack: list[Any] = stack, by_mcid: Any = by_mcid, loose: Any = loose) -> None:
            if words.strip() and stack and isinstance(stack[-1], int):
                by_mcid[stack[-1]] += words
            elif words.strip() and stack and stack[-1] == "artifact":
                loose.append(words.strip())

        reader_page.extract_text(visitor_operand_before=before, visitor_text=text)
        texts.append(dict(by_mcid))
        artifact_texts.append(loose)
    return texts, artifact_texts


def content_of(pdf: pikepdf.Pdf, element: Any) -> list[tuple[int, int]]:
    """(page index, MCID) of the marked content under `element`, in reading order."""
    pages = {p.obj.objgen: index for index, p in enumerate(pdf.pages)}
    found: list[tuple[int, int]] = []

    def walk(node: Any, page: Any) -> None:
        for kid in kids(node):
            if isinstance(kid, int):
                found.append((pages[page.objgen], kid))
            elif is_element(kid):
                walk(kid, kid.get("/Pg", page))
            elif kid.get("/Type") == "/MCR":
                found.append((pages[kid.Pg.objgen], int(kid.MCID)))

    walk(element, element.get("/Pg"))
    return found


def words(pdf: pikepdf.Pdf, texts: list[dict[int, str]], element: Any) -> str:
    """The text of the marked content under `element`."""
    return " ".join(" ".join(texts[page].get(mcid, "") for page, mcid in content_of(pdf, element)).split())


def tocs(pdf: pikepdf.Pdf) -> list[Any]:
    """The tables of contents, without the ones nested in them."""
    return [element for element in elements(pdf) if element.S == "/TOC" and element.P.get("/S") != "/TOCI"]


def links_in(element: Any) -> list[Any]:
    """The outermost Link elements under `element`, in reading order."""
    return [link for kid in element_kids(element) for link in ([kid] if kid.S == "/Link" else links_in(kid))]


def descriptions(element: Any) -> list[str]:
    """The descriptions (/Contents) of the link annotations under `element`, one per Link."""
    return [str(next(kid.Obj.Contents for kid in kids(link) if is_objr(kid))) for link in links_in(element)]


def figure_origin(figure: Any) -> tuple[float, float]:
    """Where WeasyPrint draws the top left corner of a figure's SVG, in CSS px from the top left of the page: the
    first translation inside the figure's marked content."""
    (mcid,) = [kid for kid in kids(figure) if isinstance(kid, int)]
    instructions = iter(pikepdf.parse_content_stream(figure.Pg))
    for instruction in instructions:
        operands = instruction.operands
        if instruction.operator == pikepdf.Operator("BDC") and operands[1].get("/MCID") == mcid:
            break
    cm = next(instruction for instruction in instructions if instruction.operator == pikepdf.Operator("cm"))
    return float(cm.operands[4]), float(cm.operands[5])


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


def test_a_link_broken_across_lines_is_one_link_with_an_annotation_per_line(layout: Layout) -> None:
    body = (
        '<h1>Inhalt</h1><p style="width: 30mm">Siehe <a href="#ziel">den Abschnitt über die langen Ziele</a> und '
        '<a href="#ziel">Ziele</a>.</p><h2 id="ziel" data-number="2.1" style="break-before: page">2.1 Ziele</h2>'
    )
    result, _ = render_pdf(document(body), layout, {})
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        check_links(pdf)
        links = [element for element in elements(pdf) if element.S == "/Link"]
        lines, one = [len([kid for kid in kids(link) if is_objr(kid)]) for link in links]  # annotations per Link
        assert lines > 1 and one == 1
        assert {str(annotation.Contents) for annotation in annotations(pdf)} == {"Abschnitt 2.1 Ziele, Seite 2"}
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


TOC_STYLE = (
    "ol[data-toc] { list-style: none; padding: 0 }"
    "ol[data-toc] a::after { content: leader('.') target-counter(attr(href), page) }"
    "h2 { break-before: page }"
)
TOC_BODY = (
    "<h1>Bericht</h1><nav><ol data-toc>"
    '<li data-toc-level="1"><a href="#a"><span>1</span> Anfang</a></li>'
    '<li data-toc-level="2"><a href="#a1"><span>1.1</span> Ziele</a></li>'
    '<li data-toc-level="2"><a href="#a2"><span>1.2</span> Wege</a></li>'
    '<li data-toc-level="1"><a href="#b"><span>2</span> Schluss</a></li>'
    "</ol></nav>"
    '<h2 id="a" data-number="1"><span>1</span> Anfang</h2><p>Text.</p>'
    '<h3 id="a1" data-number="1.1"><span>1.1</span> Ziele</h3><p>Text.</p>'
    '<h3 id="a2" data-number="1.2"><span>1.2</span> Wege</h3><p>Text.</p>'
    '<h2 id="b" data-number="2"><span>2</span> Schluss</h2><p>Text.</p>'
)
ENTRY = ("/TOCI", [("/Reference", ["/Link"])])


def test_a_table_of_contents_is_toc_and_toci_nested_by_level_with_its_leaders_as_artifacts(layout: Layout) -> None:
    result, _ = render_pdf(document(TOC_BODY, TOC_STYLE), layout, {})
    texts, loose = marked_texts(result.data)
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        (toc,) = tocs(pdf)
        # the two entries of level 2 in a TOC of their own, inside the entry of level 1 before them
        assert skeleton(toc) == ("/TOC", [("/TOCI", [("/Reference", ["/Link"]), ("/TOC", [ENTRY, ENTRY])]), ENTRY])
        # number, title and page number stay in the link; the dots are not in the structure
        assert [words(pdf, texts, link) for link in links_in(toc)] == [
            "1 Anfang 2",
            "1.1 Ziele 2",
            "1.2 Wege 2",
            "2 Schluss 3",
        ]
        assert descriptions(toc) == [
            "Abschnitt 1 Anfang, Seite 2",
            "Abschnitt 1.1 Ziele, Seite 2",
            "Abschnitt 1.2 Wege, Seite 2",
            "Abschnitt 2 Schluss, Seite 3",
        ]
        check_links(pdf)
        check_no_untagged_content(pdf)
    leaders = [text for text in loose[0] if text not in ("Fußzeile", "1")]  # less the footer and the page number
    assert len(leaders) >= 40 and set(leaders) == {"."}
    assert failed_rules(result.data) == []
    assert failed_rules(result.data, "pdfa2a") == []


LIST_STYLE = "@page { size: A6; margin: 15mm }"
POINTS = 25


def test_a_list_broken_across_pages_is_one_list_and_two_lists_stay_two(layout: Layout) -> None:
    points = "".join(f"<li>Punkt {number}</li>" for number in range(1, POINTS + 1))
    long_item = " ".join(f"Wort{number}" for number in range(1, 121))
    body = (
        f"<h1>Listen</h1><ol>{points}</ol><p>Zwischentext.</p>"
        f"<ul><li>Kurz</li><li>{long_item}</li></ul><ul><li>Erste Liste</li></ul>"
        '<ul style="break-before: page"><li>Zweite Liste</li></ul>'
    )
    result, _ = render_pdf(document(body, LIST_STYLE), layout, {})
    texts, _ = marked_texts(result.data)
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        lists = [element for element in elements(pdf) if element.S == "/L"]
        items = [[words(pdf, texts, item) for item in kids(each) if is_element(item)] for each in lists]
        assert len({page for each in lists for page, _ in content_of(pdf, each)}) > 2  # the lists span pages
        assert [element.S for each in lists for element in kids(each) if is_element(element)] == ["/LI"] * (POINTS + 4)
        check_no_untagged_content(pdf)
    assert len(items) == 4, items
    assert items[0] == [f"{n}. Punkt {n}" for n in range(1, POINTS + 1)]  # the label and the text, in order
    kurz, long = items[1]
    assert kurz.endswith("Kurz") and long.endswith(long_item)  # the item broken across a page break is one item
    assert [items[2], items[3]] == [["• Erste Liste"], ["• Zweite Liste"]]
    assert failed_rules(result.data) == []


SVG = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"><rect width="200" height="100"/></svg>'
MM = 72 / 25.4  # PDF points per millimetre


def test_a_figure_box_is_where_the_figure_is_drawn_in_pdf_points(layout: Layout) -> None:
    body = '<h1>Bild</h1><p>Text.</p><img src="charts/abb-1.svg" alt="Ein Rechteck" style="width: 100mm; margin-left: 10mm">'
    result, _ = render_pdf(document(body), layout, {f"{Layout.charts}/abb-1.svg": SVG})
    with pikepdf.open(io.BytesIO(result.data)) as pdf:
        (figure,) = [element for element in elements(pdf) if element.S == "/Figure"]
        x1, y1, x2, y2 = (float(value) for value in figure.A.BBox)
        _, _, width, height = (float(value) for value in figure.Pg.MediaBox)
        left, top = figure_origin(figure)
    assert (x1, y2) == pytest.approx((left * 0.75, height - top * 0.75), abs=0.01)  # 96 CSS px are 72 points
    assert (x2 - x1, y2 - y1) == pytest.approx((100 * MM, 50 * MM), abs=0.01)
    assert 0 <= x1 < x2 <= width and 0 <= y1 < y2 <= height
    assert str(figure.Alt) == "Ein Rechteck"


# What WeasyPrint 70 writes before the repairs: each test names the repair to revisit when an upgrade changes it.


def weasyprint_pdf(html: str, tmp_path: Path) -> bytes:
    html_document = weasyprint.HTML(string=html, base_url=tmp_path.as_uri() + "/")
    return bytes(html_document.render(**render_options()).write_pdf(**write_options()))


FINGERPRINT_BODY = (
    TOC_BODY.replace("</ol></nav>", "</ol></nav><ol>" + "".join(f"<li>Punkt {n}</li>" for n in range(80)) + "</ol>")
    + "<table><thead><tr><th>Frage</th></tr></thead><tbody><tr><td>1</td></tr></tbody></table>"
    + '<img src="bild.svg" alt="Bild" style="width: 40px">'
)


def test_weasyprint_still_tags_what_the_repairs_expect(tmp_path: Path) -> None:
    (tmp_path / "bild.svg").write_bytes(SVG)
    data = weasyprint_pdf(document(FINGERPRINT_BODY, TOC_STYLE), tmp_path)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        every = list(elements(pdf))
        lists = [element for element in every if element.S == "/L"]
        (entry,) = element_kids(element_kids(lists[0])[0])
        assert skeleton(entry) == ("/LBody", [("/Link", [("/Span", ["/Span"]), ("/Link", ["/Link"])])]), (
            "a TOC entry with a leader is tagged differently: revisit pdf_lists (list_parts, _drop_leaders)"
        )
        (link,) = element_kids(entry)
        (leader,) = element_kids(element_kids(link)[-1])  # a::after holds the leader's box, then the page number
        dots = [kid for kid in kids(leader) if isinstance(kid, int)]
        assert len(dots) > 10, "the leader's dots are no longer marked one by one: revisit pdf_lists._leaders"
        assert len(lists) == 3, "a list broken across pages is no longer two L elements: revisit pdf_lists._continue"
        assert all(isinstance(kid, int) or kid.get("/Type") != "/MCR" for e in every for kid in kids(e)), (
            "WeasyPrint now writes MCRs: revisit pdf_tree (Tree._read, Tree.held) and pdf_lists._marked_content"
        )
        page_of = {}
        for top in kids(kids(pdf.Root.StructTreeRoot)[0]):
            for element in [top, *elements_under(top)]:
                page_of[element.objgen] = top.Pg.objgen
        assert all(element.Pg.objgen == page_of[element.objgen] for element in every if element.S != "/Document"), (
            "an element lies on another page than its page's top element: revisit pdf_tree (Node.page)"
        )
        assert {str(element.S) for element in every if "/ID" in element} == {"/TH"}, "revisit pdf_tags._table_headers"
        (figure,) = [element for element in every if element.S == "/Figure"]
        left, top = figure_origin(figure)
        assert [float(value) for value in figure.A.BBox] == pytest.approx([left, top, left + 40, top + 20]), (
            "figure boxes are no longer CSS px from the top left: revisit pdf_tags._figure_boxes"
        )
        reachable = {mcid for _, mcid in content_of(pdf, pdf.Root.StructTreeRoot.K) if _ == 0}
        assert len(parent_tree(pdf)[0]) > len(reachable), (
            "the footer is no longer left out of the tree: revisit pdf_tags._furniture_as_artifacts"
        )
        content = pdf.pages[0].obj.Contents.read_bytes()
        assert re.match(rb"1 0 0 -1 0 [\d.]+ cm\nq\n0.75 0 0 0.75 0 0 cm\n", content), (
            "revisit pdf_tree.Tree.page_matrix"
        )
        assert b"/Span\n<</MCID 0>>\nBDC\n" in content, "revisit pdf_tree._MARKED"


def element_kids(element: Any) -> list[Any]:
    return [kid for kid in kids(element) if is_element(kid)]


def elements_under(element: Any) -> Iterator[Any]:
    for kid in kids(element):
        if is_element(kid):
            yield kid
            yield from elements_under(kid)


# A tiny project built whole


@pytest.fixture(scope="module")
def tiny_lists(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(make_tiny(tmp_path_factory.mktemp("listen") / "tiny", dict(LISTS_FILES)))


def test_tiny_project_lists_tables_of_contents_and_figures(tiny_lists: BuildResult) -> None:
    data = tiny_lists.pdf.read_bytes()
    texts, _ = marked_texts(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        main_toc, figures_toc = tocs(pdf)
        assert [skeleton(kid) for kid in kids(figures_toc)] == [ENTRY, ENTRY]
        assert [words(pdf, texts, link).split(" ", 2)[:2] for link in links_in(figures_toc)] == [
            ["Abbildung", "1"],
            ["Abbildung", "2"],
        ]
        assert not [text for link in links_in(main_toc) if "..." in (text := words(pdf, texts, link))]
        lists = [element for element in elements(pdf) if element.S == "/L"][1:]  # after the title page's facts
        assert [len(kids(each)) for each in lists] == [LONG_LIST, 1, 1]
        points = {page for page, _ in content_of(pdf, lists[0])}
        assert len(points) >= 2, "the long list should break across a page: make LONG_LIST longer"
        alts = [str(element.Alt) for element in elements(pdf) if element.S == "/Figure" and "/Alt" in element]
        check_figure_boxes(pdf)
    assert [alt.split(":")[0] for alt in alts[-2:]] == ["Balkendiagramm", "Divergierendes Balkendiagramm"], alts
    assert all("1 = niedrigster, 5 = höchster Skalenwert" in alt for alt in alts[-2:])
    assert failed_rules(data) == []
    assert failed_rules(data, "pdfa2a") == []


def check_figure_boxes(pdf: pikepdf.Pdf) -> None:
    """Every Figure has a description and a box on its page, in PDF points."""
    for figure in (element for element in elements(pdf) if element.S == "/Figure"):
        assert str(figure.get("/Alt", "")).strip()
        x1, y1, x2, y2 = (float(value) for value in figure.A.BBox)
        left, bottom, right, top = (float(value) for value in figure.Pg.MediaBox)
        assert left <= x1 < x2 <= right and bottom <= y1 < y2 <= top, (figure.Alt, [x1, y1, x2, y2])


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


@pytest.mark.slow
def test_study_is_pdf_a_2a(study_build: BuildResult) -> None:
    failed = failed_rules(study_build.pdf.read_bytes(), "pdfa2a")
    assert failed == [], f"PDF/A-2a rules failed: {failed}"


@pytest.mark.slow
def test_study_contents_and_lists_of_figures_and_tables_are_tocs_without_their_leaders(
    study_build: BuildResult,
) -> None:
    data = study_build.pdf.read_bytes()
    texts, loose = marked_texts(data)
    with pikepdf.open(io.BytesIO(data)) as pdf:
        contents, figures, tables = tocs(pdf)
        top = element_kids(contents)
        nested = [[len(element_kids(toc)) for toc in element_kids(entry) if toc.S == "/TOC"] for entry in top]
        # Abbildungs-, Tabellenverzeichnis, chapters 1 to 4, Literaturverzeichnis, Anhang; 2.1–2.4 and 3.1–3.3 nested
        assert nested == [[], [], [], [4], [3], [], [], []]
        assert [len(element_kids(toc)) for toc in (figures, tables)] == [13, 15]
        entries = [entry for toc in (contents, figures, tables) for entry in elements_under(toc) if entry.S == "/TOCI"]
        assert len(entries) == 15 + 13 + 15
        assert all(skeleton(element_kids(entry)[0]) == ("/Reference", ["/Link"]) for entry in entries)
        said = {words(pdf, texts, link) for toc in (contents, figures, tables) for link in links_in(toc)}
        assert {
            "2.1 Strategien und Umsetzungsbeispiele bei OEMs 6",
            "Abbildung 1 Strategische Bedeutung der Ressourceneffizienz 10",
            "Tabelle 9 Mittelwerte der sieben Aussagen nach Unternehmensalter 17",
        } <= said
        assert not [text for text in said if ".." in text]
        assert "Abschnitt 2.1 Strategien und Umsetzungsbeispiele bei OEMs, Seite 6" in descriptions(contents)
        assert "Abbildung 8 Die sieben Aussagen im Vergleich, Seite 17" in descriptions(figures)
    assert sum(text == "." for page in loose[1:4] for text in page) > 1000  # the leaders, as artifacts


class ListItems(HTMLParser):
    """The number of items (li, dt, dd) of each list in the HTML, and whether it is a table of contents."""

    def __init__(self) -> None:
        super().__init__()
        self.lists: list[tuple[bool, list[int]]] = []
        self._open: list[list[int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("ol", "ul", "dl"):
            self._open.append([0])
            self.lists.append(("data-toc" in dict(attrs), self._open[-1]))
        elif tag in ("li", "dt", "dd") and self._open:
            self._open[-1][0] += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("ol", "ul", "dl"):
            self._open.pop()


@pytest.mark.slow
def test_study_lists_are_one_list_element_per_html_list(study_build: BuildResult) -> None:
    parser = ListItems()
    parser.feed(study_build.html.read_text(encoding="utf-8"))
    expected = [count for toc, (count,) in parser.lists if not toc]
    with pikepdf.open(study_build.pdf) as pdf:
        lists = [element for element in elements(pdf) if element.S == "/L"]
        pages = [{page for page, _ in content_of(pdf, each)} for each in lists]
        assert [len(element_kids(each)) for each in lists] == expected
    assert any(len(each) > 1 for each in pages)  # one list breaks across a page in the study


@pytest.mark.slow
def test_study_figures_have_boxes_where_they_are_drawn_and_text_alternatives(study_build: BuildResult) -> None:
    with pikepdf.open(study_build.pdf) as pdf:
        check_figure_boxes(pdf)
        figures = [element for element in elements(pdf) if element.S == "/Figure"]
        for figure in figures:
            x1, _, _, y2 = (float(value) for value in figure.A.BBox)
            left, top = figure_origin(figure)
            assert (x1, y2) == pytest.approx((left * 0.75, float(figure.Pg.MediaBox[3]) - top * 0.75), abs=0.01)
        alts = {str(figure.Alt): [float(value) for value in figure.A.BBox] for figure in figures}
    (strategy,) = [
        box for alt, box in alts.items() if alt.startswith("Balkendiagramm: Ressourceneffiziente Produktion ist ein")
    ]
    assert strategy[2] - strategy[0] == pytest.approx(163 * MM, abs=1)  # the charts are as wide as the text
    scales = [alt for alt in alts if alt.startswith(("Balkendiagramm", "Divergierendes Balkendiagramm"))]
    assert len(scales) == 8
    assert all("0 = niedrigster, 5 = höchster Skalenwert" in alt for alt in scales)
