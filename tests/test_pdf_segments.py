"""A document written in segments and merged (pdf_segments) is the PDF written whole: the same pages, text, tags,
links and outline, read here with pikepdf and pypdfium2, and it passes the PDF/UA-1 and PDF/A checks."""

from __future__ import annotations

import datetime
import io
from collections.abc import Sequence
from typing import Any

import msgspec
import page
import pikepdf
import pypdfium2
import pytest
import weasyprint
from PIL import ImageChops, ImageCms

from projects import copy_study
from reportgen import build as building
from reportgen.config import load_config
from reportgen.hyphenation_patterns import patterns_in
from reportgen.parts import changed_chapter, plan, relaid, split
from reportgen.pdf_archive import archived, render_options, write_options
from reportgen.pdf_attachments import Attachment
from reportgen.pdf_segments import Segment, anchor_pages, merge, write_segment
from reportgen.pdf_tags import headings, link_texts, tag_pdf
from reportgen.pdf_text import join_split_words
from test_pdf_ua import is_element, kids

STYLE = """
@page { size: A5; margin: 2cm 2cm 3cm;
  @bottom-left { content: element(footer) } @bottom-right { content: "Seite " counter(page) " von " counter(pages) } }
@page :first { @bottom-left { content: none } @bottom-right { content: none } }
.running { position: running(footer) }
.chapter, nav { break-before: page }
nav a::after { content: leader(".") target-counter(attr(href), page) }
th, td { border: 1px solid; padding: 2px }
"""

TOC = [("k1", 1, "1 Anfang"), ("k1-1", 2, "1.1 Tabelle"), ("k2", 1, "2 Mitte"), ("k3", 2, "2.1 Fortsetzung")]


def _table(number: int) -> str:
    rows = "".join(
        f'<tr><th scope="row">Zeile {row}</th><td>{row * number}</td><td>{row + number}</td></tr>' for row in (1, 2, 3)
    )
    return (
        f'<table id="tab{number}"><caption>Tabelle {number}</caption>'
        f"<thead><tr><th>Gruppe</th><th>Anzahl</th><th>Summe</th></tr></thead><tbody>{rows}</tbody></table>"
    )


def _paragraphs(count: int) -> str:
    return "".join(f"<p>Absatz {number}: " + "Ein Satz mit etwas Text. " * 12 + "</p>" for number in range(count))


# Four chapters: the first over two pages with a table and a list, the second with the same table, the third begins
# with an h2 (its bookmark nests under the second chapter's h1), the fourth has no heading (no bookmarks at all).
# Links go from chapter to chapter, to headings and elsewhere; two links in two chapters lead to one paragraph.
CHAPTERS = (
    '<h1 id="k1" data-number="1">1 Anfang</h1>'
    + _paragraphs(3)
    + '<p id="ziel">Das Ziel zweier Verweise. Siehe <a href="#k3">die Fortsetzung</a> und <a href="#tab2">die zweite '
    + 'Tabelle</a>, oder <a href="#ziel">diesen Absatz</a>.</p><h2 id="k1-1" data-number="1.1">1.1 Tabelle</h2>'
    + _table(1)
    + "<ul>"
    + "".join(f"<li>Punkt {number}</li>" for number in range(1, 9))
    + "</ul>",
    '<h1 id="k2" data-number="2">2 Mitte</h1><p>Zurück zu <a href="#ziel">jenem Absatz</a>.</p>'
    + _table(2)
    + '<p>Hinaus zu <a href="https://example.org/studie">der Studie</a>.</p>',
    '<h2 id="k3" data-number="2.1">2.1 Fortsetzung</h2><p>Wie in <a href="#k1-1">Abschnitt 1.1</a>.</p>'
    + _table(3)
    + '<p>Wie in <a href="#tab2">Tabelle 2</a>.</p>',
    '<p>Ohne Überschrift, mit einem Verweis auf <a href="#k1">das erste Kapitel</a>.</p>',
)


def small_html(chapters: Sequence[str] = CHAPTERS) -> str:
    entries = "".join(
        f'<li data-toc-level="{level}"><a href="#{anchor}">{text}</a></li>' for anchor, level, text in TOC
    )
    sections = "".join(
        f'<section class="chapter" data-source="content/{number:02}.md">{chapter}</section>\n'
        for number, chapter in enumerate(chapters, 1)
    )
    return (
        f'<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Segmente</title><style>{STYLE}</style>'
        '</head><body><div class="running">Kleine Studie</div><section><h1>Segmente</h1><p>Titelblatt</p></section>'
        f"<nav><h2>Inhalt</h2><ol data-toc>{entries}</ol></nav>\n<main>\n{sections}</main></body></html>"
    )


def laid_out(html: str, with_files: bool = False) -> Any:
    return weasyprint.HTML(string=html, base_url="file:///segmente/").render(**render_options(with_files))


def whole_pdf(document: Any, html: str, with_files: bool = False, attachments: Sequence[Attachment] = ()) -> bytes:
    """The PDF written in one piece, as pdf.write_pdf wrote it before segments: WeasyPrint, the tag repairs, and
    archived."""
    data = document.write_pdf(pdf_identifier=b"reportgen", **write_options(with_files))
    with pikepdf.open(io.BytesIO(data)) as pdf:
        tag_pdf(pdf, link_texts(html), document)
        join_split_words(pdf, document)
        return archived(pdf, attachments)


def segment_pages(html: str, document: Any) -> list[tuple[range, str]]:
    """Each segment's pages and HTML: the front matter, each chapter, the back matter (where they have pages)."""
    chapters = plan(html, document, {})
    cut = split(html)
    assert chapters is not None and cut is not None
    ranges = chapters.ranges
    edges = [range(0, ranges[0].start), *ranges, range(ranges[-1].stop, len(document.pages))]
    sources = [cut.before, *(part for _key, part in cut.parts), cut.after]
    return [(pages, source) for pages, source in zip(edges, sources, strict=True) if pages]


def segments_of(document: Any, html: str, cuts: Sequence[tuple[range, str]], with_files: bool = False) -> list[Segment]:
    said, anchors = headings(html), anchor_pages(document)
    return [
        write_segment(document, pages, pages.start, link_texts(source, said), anchors, with_files)
        for pages, source in cuts
    ]


def merged_pdf(segments: Sequence[Segment], attachments: Sequence[Attachment] = ()) -> bytes:
    with merge(segments) as pdf:
        return archived(pdf, attachments)


# What the two PDFs are compared by, read without reportgen

Rectangle = tuple[float, ...]


def objrs(element: Any) -> list[Any]:
    return [kid.Obj for kid in kids(element) if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/OBJR"]


def elements(pdf: pikepdf.Pdf) -> list[Any]:
    """Every structure element, depth first in reading order."""
    found = []
    stack = list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        element = stack.pop()
        if is_element(element):
            found.append(element)
            stack.extend(reversed(kids(element)))
    return found


def number_tree(node: Any) -> dict[int, Any]:
    nums = list(node.get("/Nums", []))
    entries = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    for kid in node.get("/Kids", []):
        entries.update(number_tree(kid))
    return entries


def page_texts(data: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(data)
    try:
        return [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()


def rectangle(annotation: Any) -> Rectangle:
    return tuple(round(float(value), 2) for value in annotation.Rect)


def annotation_keys(pdf: pikepdf.Pdf) -> dict[tuple[int, int], tuple[int, Rectangle, str]]:
    """Each annotation by what it is: its page, rectangle and description."""
    return {
        annotation.objgen: (index, rectangle(annotation), str(annotation.get("/Contents", "")))
        for index, p in enumerate(pdf.pages)
        for annotation in p.obj.get("/Annots", [])
    }


def marked_content(pdf: pikepdf.Pdf) -> list[list[Any]]:
    """Per page, what each MCID belongs to by the parent tree: an element's type and the annotations it holds
    (None: an artifact)."""
    parents = number_tree(pdf.Root.StructTreeRoot.ParentTree)
    keys = annotation_keys(pdf)
    pages: list[list[Any]] = []
    for p in pdf.pages:
        pages.append(
            [
                (str(element.S), sorted(keys[annotation.objgen] for annotation in objrs(element)))
                if isinstance(element, pikepdf.Dictionary)
                else None
                for element in parents[int(p.obj.StructParents)]
            ]
        )
    return pages


def link_annotations(pdf: pikepdf.Pdf) -> list[tuple[Any, ...]]:
    """Each link annotation: page, rectangle, description, where it leads (a page index through /Dests, or a URI),
    and the type of its parent element, which must hold it."""
    parents = number_tree(pdf.Root.StructTreeRoot.ParentTree)
    names = pdf.Root.get("/Names")
    dests = pikepdf.NameTree(names.Dests) if names is not None and "/Dests" in names else {}
    pages = {p.obj.objgen: index for index, p in enumerate(pdf.pages)}
    found = []
    for index, p in enumerate(pdf.pages):
        for annotation in p.obj.get("/Annots", []):
            if annotation.Subtype != "/Link":
                continue
            target = pages[dests[str(annotation.Dest)][0].objgen] if "/Dest" in annotation else str(annotation.A.URI)
            parent = parents[int(annotation.StructParent)]
            assert annotation.objgen in {obj.objgen for obj in objrs(parent)}
            found.append((index, rectangle(annotation), str(annotation.Contents), target, str(parent.S)))
    return found


def outline(pdf: pikepdf.Pdf) -> list[Any]:
    """The outline: each item's title, target page, open or not, and the items under it."""
    pages = {p.obj.objgen: index for index, p in enumerate(pdf.pages)}

    def items(entries: Any) -> list[Any]:
        return [
            (item.title, pages[item.destination[0].objgen], item.is_closed, items(item.children)) for item in entries
        ]

    with pdf.open_outline() as tree:
        return items(tree.root)


def headers(pdf: pikepdf.Pdf, found: list[Any]) -> list[list[int]]:
    """Per cell with /Headers, in reading order: the positions (in `found`) of the header cells they name; each name
    must be in the IDTree, whose keys are unique and sorted."""
    tree = pdf.Root.StructTreeRoot.get("/IDTree")
    if tree is None:
        assert not [element for element in found if "/Headers" in element.get("/A", {})]
        return []
    names = list(tree.Names)
    keys = [bytes(name) for name in names[::2]]
    assert keys == sorted(set(keys))
    position = {element.objgen: index for index, element in enumerate(found)}
    ids = pikepdf.NameTree(tree)
    cells = []
    for element in found:
        attributes = element.get("/A")
        if isinstance(attributes, pikepdf.Dictionary) and "/Headers" in attributes:
            cells.append([position[ids[str(name)].objgen] for name in attributes.Headers])
    return cells


def plain(obj: Any) -> Any:
    """A PDF object as Python values, streams as their data, whichever objects hold them."""
    if isinstance(obj, pikepdf.Stream):
        return (plain(obj.stream_dict), obj.read_bytes())
    if isinstance(obj, pikepdf.Dictionary):
        return {key: plain(obj[key]) for key in obj if key != "/Length"}
    if isinstance(obj, pikepdf.Array):
        return [plain(item) for item in obj]
    return str(obj) if isinstance(obj, pikepdf.String | pikepdf.Name) else obj


def output_intents(pdf: pikepdf.Pdf) -> list[Any]:
    """The OutputIntents, their ICC profiles by what they say: WeasyPrint's profile object (Pillow's) writes the ICC
    data differently once asked for its name, which a document's first write does."""
    intents = plain(pdf.Root.OutputIntents)
    for intent in intents:
        dictionary, data = intent.pop("/DestOutputProfile")
        profile = ImageCms.ImageCmsProfile(io.BytesIO(data)).profile
        intent["profile"] = (dictionary, profile.model, profile.profile_description, profile.xcolor_space)
    return intents


def compared(whole: bytes, merged: bytes) -> None:
    """The merged PDF has what the whole one has (see the module)."""
    assert page_texts(merged) == page_texts(whole)
    with pikepdf.open(io.BytesIO(whole)) as one, pikepdf.open(io.BytesIO(merged)) as other:
        assert len(other.pages) == len(one.pages)
        found_one, found_other = elements(one), elements(other)
        assert [str(element.S) for element in found_other] == [str(element.S) for element in found_one]
        assert all(kid.P.objgen == parent.objgen for parent in found_other for kid in kids(parent) if is_element(kid))
        assert marked_content(other) == marked_content(one)
        assert link_annotations(other) == link_annotations(one)
        assert outline(other) == outline(one)
        assert headers(other, found_other) == headers(one, found_one)
        root = other.Root.StructTreeRoot
        assert int(root.ParentTreeNextKey) > max(number_tree(root.ParentTree))
        dests = [bytes(key) for key in list(other.Root.Names.Dests.Names)[::2]]
        assert dests == sorted(dests)
        assert sorted(dests) == sorted(bytes(key) for key in list(one.Root.Names.Dests.Names)[::2])
        for key in ("/Lang", "/MarkInfo", "/ViewerPreferences", "/Metadata"):
            assert plain(other.Root[key]) == plain(one.Root[key]), key
        assert output_intents(other) == output_intents(one)


def failed(data: bytes, *profiles: str) -> dict[str, list[str]]:
    """The failed rules by profile, for the profiles the PDF fails."""
    found = {}
    for profile in profiles:
        report = page.validate_pdf_bytes(data, profile=profile)
        if not report.is_compliant:
            found[profile] = sorted({failure.rule_id for failure in report.failures})
    return found


def font_subsets(data: bytes) -> dict[str, set[bytes]]:
    """Each subset font's name with the programs embedded under it."""
    found: dict[str, set[bytes]] = {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and obj.get("/Type") == "/FontDescriptor" and "/FontFile2" in obj:
                found.setdefault(str(obj.FontName), set()).add(obj.FontFile2.read_bytes())
    return found


def header_ids(data: bytes) -> set[bytes]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {bytes(name) for name in list(pdf.Root.StructTreeRoot.IDTree.Names)[::2]}


# The small document

Small = tuple[Any, str, list[tuple[range, str]]]


@pytest.fixture(scope="module")
def small() -> Small:
    html = small_html()
    document = laid_out(html)
    return document, html, segment_pages(html, document)


def test_the_small_document_has_the_segments_the_tests_need(small: Small) -> None:
    document, _html, cuts = small
    pages = [pages for pages, _source in cuts]
    assert len(pages) == 5 and len(pages[1]) == 2  # the front matter and four chapters, the first over two pages
    assert [bool(p.bookmarks) for p in document.pages[pages[4].start : pages[4].stop]] == [False]


def test_segments_merged_are_the_pdf_written_whole(small: Small) -> None:
    document, html, cuts = small
    whole = whole_pdf(document, html)
    segments = segments_of(document, html, cuts)
    merged = merged_pdf(segments)
    compared(whole, merged)
    assert failed(merged, "ua1", "2a") == {}
    # the second and third chapters' tables are the same objects of their segments: their header IDs collide
    assert header_ids(segments[2].data) & header_ids(segments[3].data)
    # each segment has its own subsets of the fonts, under the same names; merged, each name is one subset
    assert all(len(programs) == 1 for programs in font_subsets(merged).values())
    assert len(font_subsets(merged)) > len(font_subsets(whole))


def test_segments_and_their_merge_are_deflated_except_the_metadata(small: Small) -> None:
    """WeasyPrint writes a segment uncompressed; qpdf deflates it when the segment is saved: nothing reaches the PDF
    uncompressed but the XMP, and the small objects go into object streams as in WeasyPrint's own PDF."""
    document, html, cuts = small
    segments = segments_of(document, html, cuts)
    for data in (*(segment.data for segment in segments), merged_pdf(segments)):
        with pikepdf.open(io.BytesIO(data)) as pdf:
            streams = [obj for obj in pdf.objects if isinstance(obj, pikepdf.Stream)]
            plain_streams = [obj for obj in streams if obj.get("/Filter") != pikepdf.Name.FlateDecode]
            assert [obj.get("/Type") for obj in plain_streams] == [pikepdf.Name.Metadata]
            contents = {p.obj.Contents.objgen for p in pdf.pages}
            programs = {obj.objgen for obj in streams if "/Length1" in obj}
            assert contents and programs and contents | programs <= {obj.objgen for obj in streams}
        assert b"/Type /ObjStm" in data


def test_a_segment_says_where_its_links_lead_in_the_whole_document(small: Small) -> None:
    document, html, cuts = small
    (segment,) = segments_of(document, html, cuts[1:2])
    with pikepdf.open(io.BytesIO(segment.data)) as pdf:
        said = {str(a.get("/Dest", "")): str(a.Contents) for p in pdf.pages for a in p.obj.get("/Annots", [])}
        dests = {str(name) for name in list(pdf.Root.Names.Dests.Names)[::2]}
    page_of = {name: index + 1 for index, p in reversed(list(enumerate(document.pages))) for name in p.anchors}
    assert page_of["k3"] > cuts[1][0].stop and said["k3"] == f"Abschnitt 2.1 Fortsetzung, Seite {page_of['k3']}"
    assert said["tab2"] == f"die zweite Tabelle, Seite {page_of['tab2']}"
    assert said["ziel"] == f"diesen Absatz, Seite {page_of['ziel']}"
    assert dests == {name for p in document.pages[cuts[1][0].start : cuts[1][0].stop] for name in p.anchors}


def test_a_segment_is_plain_data_that_survives_json(small: Small) -> None:
    document, html, cuts = small
    (segment,) = segments_of(document, html, cuts[:1])
    assert msgspec.json.decode(msgspec.json.encode(segment), type=Segment) == segment
    assert [(mark.level, mark.label, mark.page) for mark in segment.bookmarks] == [(1, "Segmente", 0), (2, "Inhalt", 1)]


def test_the_callers_pages_are_left_as_they_were(small: Small) -> None:
    document, html, cuts = small
    before = [(dict(p.anchors), list(p.bookmarks), list(p.links)) for p in document.pages]
    segments_of(document, html, cuts)
    assert [(dict(p.anchors), list(p.bookmarks), list(p.links)) for p in document.pages] == before


def test_written_twice_a_segment_is_the_same(small: Small) -> None:
    document, html, cuts = small
    assert segments_of(document, html, cuts[1:3]) == segments_of(document, html, cuts[1:3])


def test_one_segment_of_all_pages_merges_to_the_pdf_written_whole(small: Small) -> None:
    document, html, _cuts = small
    merged = merged_pdf(segments_of(document, html, [(range(len(document.pages)), html)]))
    compared(whole_pdf(document, html), merged)
    assert failed(merged, "ua1", "2a") == {}


def test_a_chapter_laid_out_alone_is_a_segment_of_the_whole(small: Small) -> None:
    """A changed chapter laid out alone (parts.relaid: its pages come after a throwaway page, its outside anchors on
    pages after it) is written with its page numbers and anchors in the whole document."""
    document, html, cuts = small
    edited = html.replace("Wie in <a", "Ganz wie in <a", 1)
    old = plan(html, document, {})
    changed = changed_chapter(old, edited)
    assert changed is not None
    again = relaid(old, changed, {}, "style.css", lambda source, _files: (laid_out(source), source))
    assert again is not None and again.index == 2 and len(again.document.pages) > len(again.pages) + 1
    pages, source = cuts[3]
    said, anchors = headings(edited), anchor_pages(document)
    changed = write_segment(
        again.document,
        range(1, 1 + len(pages)),
        pages.start,
        link_texts(source.replace("Wie in <a", "Ganz wie in <a", 1), said),
        anchors,
        False,
    )
    segments = segments_of(document, html, cuts)
    segments[3] = changed
    compared(whole_pdf(laid_out(edited), edited), merged_pdf(segments))


def test_segments_without_tables_and_with_attached_files_are_pdf_a_3a() -> None:
    chapters = [chapter.replace("#tab2", "#k2") for chapter in CHAPTERS]
    html = small_html([chapter.replace(_table(number), "") for number, chapter in enumerate(chapters, 1)])
    assert "<table" not in html
    document = laid_out(html, with_files=True)
    cuts = segment_pages(html, document)
    files = [Attachment("daten.csv", b"a;b\r\n1;2\r\n", "text/csv", "Antwortdaten", datetime.date(2025, 1, 31), "Data")]
    whole = whole_pdf(document, html, with_files=True, attachments=files)
    merged = merged_pdf(segments_of(document, html, cuts, with_files=True), files)
    compared(whole, merged)
    assert failed(merged, "ua1", "3a") == {}


def test_merge_refuses_what_it_cannot_merge(small: Small) -> None:
    document, html, cuts = small
    with pytest.raises(ValueError, match="no segments"), merge([]):
        pass
    (segment,) = segments_of(document, html, cuts[:1])
    with pytest.raises(ValueError, match="holds a PDF of 2"), merge([Segment(segment.data, 1)]):
        pass


def with_role_map(segment: Segment, **roles: str) -> Segment:
    """The segment with a RoleMap in its structure tree root."""
    with pikepdf.open(io.BytesIO(segment.data)) as pdf:
        pdf.Root.StructTreeRoot.RoleMap = pikepdf.Dictionary(
            {f"/{key}": pikepdf.Name(f"/{value}") for key, value in roles.items()}
        )
        out = io.BytesIO()
        pdf.save(out)
    return Segment(out.getvalue(), segment.pages, segment.bookmarks)


def test_role_maps_are_joined_and_must_agree(small: Small) -> None:
    document, html, cuts = small
    first, second = segments_of(document, html, cuts[:2])
    with merge([with_role_map(first, Kasten="Div"), with_role_map(second, Notiz="P", Kasten="Div")]) as pdf:
        assert dict(pdf.Root.StructTreeRoot.RoleMap.items()) == {"/Kasten": "/Div", "/Notiz": "/P"}
    disagreeing = [with_role_map(first, Kasten="Div"), with_role_map(second, Kasten="P")]
    with pytest.raises(ValueError, match="map /Kasten differently"), merge(disagreeing):
        pass


# The study


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> tuple[bytes, bytes, list[Segment]]:
    root = copy_study(tmp_path_factory.mktemp("segments") / "project")
    with patterns_in(None, load_config(root).report.language):
        rendering = building.render(building.prepare(root))
    document, html = rendering.laid_out.document, rendering.laid_out.html
    segments = segments_of(document, html, segment_pages(html, document))
    return whole_pdf(document, html), merged_pdf(segments), segments


@pytest.mark.slow
def test_the_study_in_segments_is_the_study_written_whole(study: tuple[bytes, bytes, list[Segment]]) -> None:
    whole, merged, segments = study
    assert len(segments) > 5
    compared(whole, merged)
    assert failed(merged, "ua1", "2a") == {}


@pytest.mark.slow
def test_the_study_in_segments_looks_like_the_study_written_whole(study: tuple[bytes, bytes, list[Segment]]) -> None:
    """Page images at 40 dpi: the same but for antialiasing. Each segment's PDF has glyph widths of its own, rounded
    to 1/1000 em, so a glyph may stand that much apart (a grey level of at most about 60 of 255 at that size); a
    glyph, line or image missing or moved by a pixel differs by far more."""
    whole, merged, _segments = study
    one, other = pypdfium2.PdfDocument(whole), pypdfium2.PdfDocument(merged)
    try:
        for index in range(len(one)):
            a = one[index].render(scale=40 / 72).to_pil().convert("L")
            b = other[index].render(scale=40 / 72).to_pil().convert("L")
            assert a.size == b.size
            histogram = ImageChops.difference(a, b).histogram()
            assert not any(histogram[96:]), f"page {index + 1}"
    finally:
        one.close()
        other.close()
