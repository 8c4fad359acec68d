"""Words survive extraction: hyphens as U+002D, words split at a line end whole (pdf_text's repairs)."""

from __future__ import annotations

import io
import re
import subprocess
from pathlib import Path

import page
import pikepdf
import pypdf
import pytest

from reportgen.build import BuildResult
from reportgen.layout import Layout
from reportgen.pdf import render_pdf

FONT = Path(__file__).parents[1] / "templates" / "fonts" / "Lato-Regular.ttf"
# Lato draws U+002D and WeasyPrint's break hyphen U+2010 with one glyph: the case the study has.
STYLE = (
    "@font-face { font-family: Lato; src: url(../templates/fonts/Lato-Regular.ttf) }"
    "html { font-family: Lato; font-size: 12pt; hyphens: auto } p { width: 32mm }"
)
TEXT = "Die ressourceneffiziente Produktion ist CO₂-neutral und Ressourceneffizienz zahlt sich aus."


def pdftotext(data: bytes) -> str:
    return subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout.decode()


def pypdf_text(data: bytes) -> str:
    return "\n".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages)


def words(text: str) -> list[str]:
    return text.split()


@pytest.fixture
def tiny_pdf(layout: Layout) -> bytes:
    html = (
        f'<!DOCTYPE html><html lang="de"><head><title>Test</title><style>{STYLE}</style></head>'
        f"<body><h1>Titel</h1><p>{TEXT}</p></body></html>"
    )
    result, warnings = render_pdf(html, layout, {"templates/fonts/Lato-Regular.ttf": FONT.read_bytes()})
    assert warnings == []
    return result.data


def test_the_narrow_column_breaks_words_with_generated_and_typed_hyphens(tiny_pdf: bytes) -> None:
    lines = pypdf_text(tiny_pdf).splitlines()  # pypdf reads only the ToUnicode map: the lines as set
    assert "Die ressourcen-" in lines  # a generated hyphen …
    assert any(line.endswith("CO₂-") for line in lines)  # … and a typed one at a line end


def test_pdftotext_gives_whole_words_and_hyphen_minus(tiny_pdf: bytes) -> None:
    assert words(pdftotext(tiny_pdf)) == ["Titel", *words(TEXT)]


def test_pypdf_gives_hyphen_minus_and_never_u2010(tiny_pdf: bytes) -> None:
    text = pypdf_text(tiny_pdf)
    assert "\u2010" not in text
    # pypdf 7 ignores /ActualText: a word broken at a line end stays two, joined by its hyphen and a newline.
    assert words(text.replace("-\n", "-")) == [
        "Titel",
        *words(
            TEXT.replace("ressourceneffiziente", "ressourcen-effiziente")
            .replace("Ressourceneffizienz", "Res-sourceneffizienz")
            .replace("Produktion", "Pro-duktion")
        ),
    ]


def test_split_words_are_actual_text_spans_and_stay_pdf_ua(tiny_pdf: bytes) -> None:
    with pikepdf.open(io.BytesIO(tiny_pdf)) as pdf:
        actual = [
            str(instruction.operands[1].ActualText)
            for instruction in pikepdf.parse_content_stream(pdf.pages[0])
            if instruction.operator == pikepdf.Operator("BDC") and "/ActualText" in instruction.operands[1]
        ]
    assert [text for text in actual if text] == [
        "ressourceneffiziente",
        "Produktion",
        "CO₂-neutral",
        "Ressourceneffizienz",
    ]
    assert page.validate_pdf_bytes(tiny_pdf, profile="ua1").failures == []


def test_the_same_html_gives_the_same_bytes(layout: Layout, tiny_pdf: bytes) -> None:
    html = (
        f'<!DOCTYPE html><html lang="de"><head><title>Test</title><style>{STYLE}</style></head>'
        f"<body><h1>Titel</h1><p>{TEXT}</p></body></html>"
    )
    again, _ = render_pdf(html, layout, {"templates/fonts/Lato-Regular.ttf": FONT.read_bytes()})
    assert again.data == tiny_pdf


# The study


@pytest.mark.slow
def test_study_text_has_whole_words_in_pdftotext(study_build: BuildResult) -> None:
    text = pdftotext(study_build.pdf.read_bytes())
    assert "\u2010" not in text
    assert re.findall(r"Ressourceneffizien(?:te|z)", text)
    assert not re.findall(r"Ressour\S*\s+c?e?n?effizien", text)  # never split at a line break
    assert "CO₂-neutral" in text


@pytest.mark.slow
def test_study_text_has_no_u2010_in_pypdf_and_stays_pdf_ua(study_build: BuildResult) -> None:
    data = study_build.pdf.read_bytes()
    assert "\u2010" not in pypdf_text(data)
    assert "CO₂-" in pypdf_text(data)
    assert page.validate_pdf_bytes(data, profile="ua1").failures == []
