"""PDF/A-2a and PDF/UA-1 in one file: the validator's verdict for both, and what pdf_archive adds, read directly."""

from __future__ import annotations

import io
import re
import shutil
import zlib
from pathlib import Path

import page
import pikepdf
import pytest

from reportgen.build import BuildResult, build
from reportgen.layout import Layout
from reportgen.pdf import render_pdf
from reportgen.pdf_archive import archive_pdf

PROFILES = ("pdfa2a", "ua1")
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "betriebsbefragung"

# A link (an annotation), a half-transparent box (a transparency group) and brand colours (DeviceRGB in CSS).
BODY = (
    '<h1 id="start">Titel</h1><p style="color: #1d4f91">Text mit <a href="#start">Verweis</a> und '
    '<a href="https://example.org/">Adresse</a>.</p>'
    '<div style="opacity: 0.5; background: #f28c28; width: 2cm; height: 1cm"></div>'
)


def tiny_pdf(layout: Layout) -> bytes:
    html = f'<!DOCTYPE html><html lang="de"><head><title>Test</title></head><body>{BODY}</body></html>'
    return render_pdf(html, layout, {})[0].data


def failed_rules(data: bytes) -> dict[str, list[str]]:
    """The failed rules by profile, only for the profiles with failures."""
    failed = {}
    for profile in PROFILES:
        rules = sorted({failure.rule_id for failure in page.validate_pdf_bytes(data, profile=profile).failures})
        if rules:
            failed[profile] = rules
    return failed


def xmp(pdf: pikepdf.Pdf) -> str:
    metadata = pdf.Root.Metadata
    assert "/Filter" not in metadata  # PDF/A: readable without decompressing
    return bytes(metadata.read_raw_bytes()).decode("utf-8")


def test_tiny_document_is_pdf_a_2a_and_pdf_ua_1(layout: Layout) -> None:
    assert failed_rules(tiny_pdf(layout)) == {}


def test_output_intent_is_srgb_with_an_rgb_display_profile(layout: Layout) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        (intent,) = pdf.Root.OutputIntents
        assert intent.S == "/GTS_PDFA1"
        assert "sRGB" in str(intent.OutputConditionIdentifier)
        profile = intent.DestOutputProfile
        header = profile.read_bytes()[:128]
        assert int(profile.N) == 3
        assert header[12:20] == b"mntrRGB "  # device class display, colour space RGB (ICC.1, 7.2)
        assert header[36:40] == b"acsp"


def test_xmp_identifies_pdf_a_2a_and_pdf_ua_1_with_its_extension_schema(layout: Layout) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        text = xmp(pdf)
    assert re.search(r'pdfaid:part="2"|<pdfaid:part>2<', text)
    assert re.search(r'pdfaid:conformance="A"|<pdfaid:conformance>A<', text)
    assert "<pdfuaid:part>1</pdfuaid:part>" in text
    assert "<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" in text
    assert "<pdfaProperty:name>part</pdfaProperty:name>" in text


def test_annotations_print_and_are_not_hidden(layout: Layout) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        flags = [int(annotation.F) for p in pdf.pages for annotation in p.obj.get("/Annots", [])]
    assert len(flags) == 2
    assert all(flag & 4 and not flag & (1 | 2 | 32 | 256) for flag in flags)


def test_transparency_groups_blend_in_the_icc_colour_space(layout: Layout) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        groups = [item.Group for item in pdf.objects if isinstance(item, pikepdf.Stream) and "/Group" in item]
        assert groups
        assert all(group.CS[0] == "/ICCBased" for group in groups)


def test_the_tag_tree_survives(layout: Layout) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        assert pdf.Root.MarkInfo.Marked
        assert pdf.Root.StructTreeRoot.ParentTree.Nums
        assert all(annotation.Contents for p in pdf.pages for annotation in p.obj.Annots)


def _ends_in_cr(content: bytes) -> bytes:
    """`content` with spaces added until its Flate data ends in CR (the last byte is its Adler-32's low byte)."""
    while zlib.adler32(content) & 0xFF != 0x0D:
        content += b" "
    return content


def test_no_stream_ends_in_cr_before_endstream(layout: Layout) -> None:
    """A content stream whose Flate data ends in CR reads one byte short of its /Length: it gets a newline more."""
    with pikepdf.open(io.BytesIO(tiny_pdf(layout))) as pdf:
        contents = pdf.pages[0].obj.Contents
        drawn = contents.read_bytes()
        contents.write(zlib.compress(_ends_in_cr(drawn)), filter=pikepdf.Name.FlateDecode)
        out = io.BytesIO()
        pdf.save(out)
    data = archive_pdf(out.getvalue())
    assert b"\r\nendstream" not in data
    assert failed_rules(data) == {}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.pages[0].obj.Contents.read_bytes().rstrip() == drawn.rstrip()


def test_archiving_twice_changes_nothing_more(layout: Layout) -> None:
    data = tiny_pdf(layout)
    assert archive_pdf(data) == data
    assert tiny_pdf(layout) == data


@pytest.mark.slow
def test_study_is_pdf_a_2a_and_pdf_ua_1(study_build: BuildResult) -> None:
    assert failed_rules(study_build.pdf.read_bytes()) == {}


@pytest.mark.slow
def test_example_is_pdf_a_2a_and_pdf_ua_1(tmp_path: Path) -> None:
    root = shutil.copytree(EXAMPLE, tmp_path / "betriebsbefragung", ignore=shutil.ignore_patterns("build"))
    assert failed_rules(build(root).pdf.read_bytes()) == {}
