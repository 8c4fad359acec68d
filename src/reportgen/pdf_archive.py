"""PDF/A-2a and PDF/UA-1 in one file: what WeasyPrint's PDF/A variant leaves out, added after the tag repairs.

WeasyPrint 70 writes one variant per run. Its `pdf/a-2a` variant gives the tags, print flags on annotations, the
PDF/A identification and, with the OutputIntent from `render_options`, ICC-based colours and blending spaces.
Missing for PDF/UA-1: the `pdfuaid:part` identification, which PDF/A only accepts with an XMP extension schema
declaring it. `archive_pdf` adds both and writes the file so that each stream's /Length is unambiguous.
With attached files (pdf_attachments) the variant is `pdf/a-3a`: PDF/A-2 embeds nothing but PDF/A files."""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator, Sequence
from importlib.resources import files
from typing import Any

import pikepdf
from pikepdf import Array, Name
from weasyprint.css import ColorProfile

from .pdf_attachments import Attachment, attach

PDF_VARIANT = "pdf/a-2a"
PDF_VARIANT_WITH_FILES = "pdf/a-3a"

# sRGB2014.icc, the ICC's sRGB v2 profile (the one WeasyPrint ships), © International Color Consortium 2015; its
# licence: "may be copied, distributed, embedded, made, used, and sold without restriction" if left unaltered.
# Our own copy under our own key: WeasyPrint's output_intent="srgb" leaves its profile file open (ResourceWarning).
_PROFILE = "sRGB2014.icc"
_OUTPUT_INTENT = "reportgen-srgb"

# Annotation flags (ISO 32000-1, 12.5.3): PDF/A wants Print set; Invisible, Hidden, NoView, ToggleNoView clear.
_PRINT = 4
_HIDDEN = 1 | 2 | 32 | 256

# The PDF/UA identification and the PDF/A extension schema that declares it (ISO 14289-1, 5; ISO 19005-2, 6.6.2.3).
_PDFUA_ID = b"""<rdf:Description rdf:about="" xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
<rdf:Description rdf:about="" xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>Part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
"""
_RDF_END = b"</rdf:RDF>"
_CR = 0x0D
_CR_BEFORE_END = b"\r\nendstream"
# Objects grouped into object streams anew: a PDF merged from segments holds objects copied from the others.
_OBJECT_STREAM_MODES = (
    pikepdf.ObjectStreamMode.generate,
    pikepdf.ObjectStreamMode.preserve,
    pikepdf.ObjectStreamMode.disable,
)


def render_options(with_files: bool = False) -> dict[str, Any]:
    """WeasyPrint's render() options: the PDF/A-2a variant (tagged; PDF/A-3a `with_files`) with the sRGB profile as
    OutputIntent.

    A new profile object each time: WeasyPrint records the PDF object it wrote the profile to in it."""
    srgb = _FileProfile((files("reportgen") / _PROFILE).read_bytes())
    return {**write_options(with_files), "color_profiles": {_OUTPUT_INTENT: srgb}}


class _FileProfile(ColorProfile):  # type: ignore[misc]  # weasyprint has no type hints
    """The sRGB profile, written as the file's own bytes: Pillow's serialisation of a profile changes once its name
    was read (WeasyPrint reads it when it first writes a PDF), and each of a document's segments must be the same
    whichever was written first."""

    def __init__(self, data: bytes) -> None:
        super().__init__(io.BytesIO(data), _PROFILE, "relative-colorimetric", (["r"], ["g"], ["b"]))
        self._data = data

    @property
    def content(self) -> bytes:
        return self._data


def write_options(with_files: bool = False) -> dict[str, Any]:
    """WeasyPrint's write_pdf() options to go with `render_options` (else the variant adds its own sRGB)."""
    return {"pdf_variant": PDF_VARIANT_WITH_FILES if with_files else PDF_VARIANT, "output_intent": _OUTPUT_INTENT}


def _print_annotations(pdf: pikepdf.Pdf) -> None:
    """Every annotation printable and visible, as PDF/A requires (also those added after WeasyPrint)."""
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", []):
            flags = int(annotation.get("/F", 0))
            annotation.F = (flags | _PRINT) & ~_HIDDEN


def _identify_pdfua(pdf: pikepdf.Pdf) -> None:
    """Add the PDF/UA-1 identification and its extension schema to the XMP; write it uncompressed."""
    metadata = pdf.Root.Metadata
    xmp = metadata.read_bytes()
    if b"pdfuaid:" in xmp:
        return
    if xmp.count(_RDF_END) != 1:  # a WeasyPrint upgrade that writes its XMP differently needs this code changed
        raise ValueError("XMP metadata without exactly one </rdf:RDF>")
    metadata.write(xmp.replace(_RDF_END, _PDFUA_ID + _RDF_END))


def _content_streams(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """The streams of drawing operators: page contents, form XObjects, tiling patterns."""
    for page in pdf.pages:
        contents = page.obj.get("/Contents")
        if isinstance(contents, Array):
            yield from contents
        elif contents is not None:
            yield contents
    for item in pdf.objects:
        if isinstance(item, pikepdf.Stream) and (item.get("/Subtype") == Name.Form or "/PatternType" in item):
            yield item


def _font_streams(pdf: pikepdf.Pdf) -> Iterator[pikepdf.Object]:
    """The embedded font programs and the fonts' ToUnicode maps: trailing bytes after them are ignored by readers."""
    for item in pdf.objects:
        if not isinstance(item, pikepdf.Dictionary):
            continue
        kind = item.get("/Type")
        if kind == Name.FontDescriptor:
            yield from (item[key] for key in ("/FontFile2", "/FontFile3") if key in item)
        elif kind == Name.Font and isinstance(item.get("/ToUnicode"), pikepdf.Stream):
            yield item.ToUnicode


def _unambiguous_end(stream: pikepdf.Object) -> None:
    """Make a stream's compressed data not end in CR, by adding a newline to its content if needed.

    qpdf writes LF before `endstream`; data ending in CR then reads as a CR LF end-of-line, one byte short of
    /Length (page-validation rejects it). Flate data ends in its checksum's low byte, which only the content
    decides: recompressing can't help, whitespace after the last operator (or after a font program) can."""
    if stream.get("/Filter", Name.FlateDecode) != Name.FlateDecode or "/DecodeParms" in stream:
        return
    content = padded = stream.read_bytes()
    while zlib.adler32(padded) & 0xFF == _CR:
        padded += b"\n"
    if padded is not content:
        stream.write(zlib.compress(padded), filter=Name.FlateDecode)
        if "/Length1" in stream:  # a TrueType program's own length
            stream.Length1 = len(padded)


def archive_pdf(data: bytes, attachments: Sequence[Attachment] = ()) -> bytes:
    """`archived` on the PDF in `data`."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return archived(pdf, attachments)


def archived(pdf: pikepdf.Pdf, attachments: Sequence[Attachment] = ()) -> bytes:
    """The tagged PDF/A-2a from WeasyPrint, also identified as PDF/UA-1, as bytes; the same input gives the same
    bytes. Last of the repairs, as it fixes how streams end.

    `attachments` are embedded as associated files; the PDF must then have been written as PDF/A-3a."""
    attach(pdf, attachments)
    _print_annotations(pdf)
    _identify_pdfua(pdf)
    for stream in (*_content_streams(pdf), *_font_streams(pdf)):
        _unambiguous_end(stream)
    # qpdf's own object and cross-reference streams may end in CR too: then let it group the objects
    # differently, or, rarely, write no such streams (a larger file, but the same one for the same input).
    for mode in _OBJECT_STREAM_MODES:
        data = _save(pdf, mode)
        if _CR_BEFORE_END not in data:
            break
    return data


def _save(pdf: pikepdf.Pdf, object_streams: pikepdf.ObjectStreamMode) -> bytes:
    out = io.BytesIO()
    pdf.save(out, deterministic_id=True, object_stream_mode=object_streams)  # qpdf leaves the XMP uncompressed
    return out.getvalue()
