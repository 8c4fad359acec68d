"""The survey's responses and codebook inside the PDF, as PDF/A-3 associated files: the numbers travel with the report.

Each file is embedded byte for byte with what PDF/A-3 and PDF/UA-1 ask of it: a file specification with /F, /UF,
a German /Desc and /AFRelationship, listed in the catalog's /AF and in the /EmbeddedFiles name tree; an embedded
file stream with its MIME type as /Subtype and /Params with /Size, /CheckSum and /ModDate (the report's date, so
that the same inputs give the same PDF)."""

from __future__ import annotations

import datetime
import posixpath
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

import pikepdf
from pikepdf import Array, Dictionary, Name

from .data_stage import SurveyFiles
from .layout import Layout

# How a file relates to the report (ISO 32000-2, 14.13.2); Data: what its tables and charts are derived from.
Relationship = Literal["Source", "Data", "Alternative", "Supplement", "Unspecified"]

_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_SAV = "application/x-spss-sav"
# By suffix, as tables.py tells the formats apart; it reads any other name as CSV.
_RESPONSE_TYPES = {
    ".csv": "text/csv",
    ".xlsx": _XLSX,
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".sav": _SAV,
    ".zsav": _SAV,
}
_CODEBOOK_TYPE = "application/toml"
_CR = 0x0D


@dataclass(frozen=True)
class Attachment:
    """A file to embed: its name in the PDF, its bytes, MIME type, description and relationship to the report."""

    name: str
    data: bytes
    mime_type: str
    description: str
    modified: datetime.date
    relationship: Relationship = "Data"


def survey_attachments(layout: Layout, files: SurveyFiles, date: datetime.date) -> tuple[Attachment, Attachment]:
    """The responses and the codebook as attachments, the bytes the data stage read and computed from, dated
    `date`."""
    mime_type = _RESPONSE_TYPES.get(PurePosixPath(layout.responses).suffix.lower(), "text/csv")
    names = _names(layout.responses, layout.codebook)
    return (
        Attachment(names[0], files.responses, mime_type, f"Antwortdaten der Befragung ({layout.responses})", date),
        Attachment(
            names[1],
            files.codebook,
            _CODEBOOK_TYPE,
            f"Codebuch der Befragung: Fragen, Codes und Beschriftungen ({layout.codebook})",
            date,
        ),
    )


def _names(*paths: str) -> tuple[str, ...]:
    """The files' names in the PDF: without their folders, unless that would make two of them the same."""
    names = tuple(posixpath.basename(path) for path in paths)
    return names if len(set(names)) == len(names) else paths


def attach(pdf: pikepdf.Pdf, attachments: Sequence[Attachment]) -> None:
    """Embed `attachments` and associate every embedded file with the document (catalog /AF)."""
    for attachment in attachments:
        spec = pikepdf.AttachedFileSpec(
            pdf,
            attachment.data,
            description=attachment.description,
            filename=attachment.name,
            mime_type=attachment.mime_type,
            mod_date=f"D:{attachment.modified:%Y%m%d}",  # as WeasyPrint writes the document's dates
            relationship=Name("/" + attachment.relationship),
        )
        pdf.attachments[attachment.name] = spec
        _compress(pdf.attachments[attachment.name].obj.EF.F, attachment.data)
    if pdf.attachments:
        pdf.Root.AF = Array([pdf.attachments[name].obj for name in sorted(pdf.attachments)])


def _compress(stream: pikepdf.Object, data: bytes) -> None:
    """Flate-compress an embedded file so that its data doesn't end in CR (see pdf_archive._unambiguous_end).

    Flate data ends in the low byte of its content's Adler-32, one plus the byte sum (modulo 65521), whatever the
    compressor does; qpdf decodes and recompresses any other filter chain. So when that byte is CR, the content is
    written as one PNG row tagged "Up" (predictor 12): it decodes to the same bytes, and the tag adds 2 to the sum.
    /Params (size, checksum) stay those of `data`; qpdf writes Flate data as it is."""
    if zlib.adler32(data) & 0xFF != _CR:
        stream.write(zlib.compress(data), filter=Name.FlateDecode)
        return
    row = Dictionary(Predictor=12, Colors=1, BitsPerComponent=8, Columns=len(data))
    stream.write(zlib.compress(b"\x02" + data), filter=Name.FlateDecode, decode_parms=row)
