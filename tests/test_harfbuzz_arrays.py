"""harfbuzz_arrays: WeasyPrint's font subsets are made without a C parse per subset, and the PDF stays the same."""

from __future__ import annotations

import re
from typing import Any

import cffi
import pytest
import weasyprint
from weasyprint.pdf import fonts

import reportgen.pdf  # noqa: F401  (installs UnsizedArrays, as every build does)
from reportgen.harfbuzz_arrays import UnsizedArrays, install

SIZED_GLYPH_LIST = re.compile(r"hb_codepoint_t\[\d+\]")


def text_pdf(words: str) -> bytes:
    """A one-page PDF of `words` (its embedded font subset has one glyph per distinct letter)."""
    html = f"<html lang='de'><body><p style='font-family: sans-serif'>{words}</p></body></html>"
    return weasyprint.HTML(string=html).write_pdf(pdf_identifier=b"test")


def parsed_while(monkeypatch: pytest.MonkeyPatch, write: Any) -> list[str]:
    """The type strings cffi parsed as C while `write` ran."""
    parsed: list[str] = []
    parse = cffi.FFI._typeof_locked

    def spying(ffi: Any, cdecl: str) -> Any:
        parsed.append(cdecl)
        return parse(ffi, cdecl)

    monkeypatch.setattr(cffi.FFI, "_typeof_locked", spying)
    write()
    return parsed


def test_reportgen_gives_weasyprint_the_unsized_arrays() -> None:
    assert isinstance(fonts.ffi, UnsizedArrays)
    install()  # a second time changes nothing
    assert not isinstance(fonts.ffi.wrapped, UnsizedArrays)


def test_an_array_of_all_its_values_is_the_sized_array() -> None:
    real = fonts.ffi.wrapped
    values = [3, 1, 4, 1, 5, 9, 2, 6]
    unsized = fonts.ffi.new(f"hb_codepoint_t[{len(values)}]", values)
    sized = real.new(f"hb_codepoint_t[{len(values)}]", values)
    assert list(unsized) == list(sized) == values
    assert real.sizeof(unsized) == real.sizeof(sized)


def test_every_other_call_is_the_real_ffis() -> None:
    real = fonts.ffi.wrapped
    padded = fonts.ffi.new("hb_codepoint_t[5]", [7, 8])  # fewer values: the rest is zero, as cffi has it
    assert list(padded) == [7, 8, 0, 0, 0]
    assert real.typeof(padded) is real.typeof("hb_codepoint_t[5]")
    assert len(fonts.ffi.new("hb_tag_t[100]")) == 100
    assert fonts.ffi.new("hb_codepoint_t *", 4)[0] == 4
    assert fonts.ffi.NULL == real.NULL


def test_subsetting_new_glyph_counts_parses_no_c(monkeypatch: pytest.MonkeyPatch) -> None:
    text_pdf("warm up")  # the types every subset uses are parsed once per process
    counts = ["Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich", "abcdefghijklmnopqrstu xyz"]
    parsed = parsed_while(monkeypatch, lambda: [text_pdf(words) for words in counts])
    assert not [cdecl for cdecl in parsed if SIZED_GLYPH_LIST.fullmatch(cdecl)]


def test_without_it_weasyprint_parses_c_for_each_new_glyph_count(monkeypatch: pytest.MonkeyPatch) -> None:
    """The measurement above can fail: with WeasyPrint's own ffi, new glyph counts are parsed."""
    monkeypatch.setattr(fonts, "ffi", fonts.ffi.wrapped)
    parsed = parsed_while(monkeypatch, lambda: text_pdf("Quirlige Wörter mit 17 neuen Zeichen: ÄÖÜ ß &"))
    assert [cdecl for cdecl in parsed if SIZED_GLYPH_LIST.fullmatch(cdecl)]


def test_the_pdf_is_the_same_byte_for_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    words = "Ressourceneffiziente Produktion: 21 von 25 gültigen Antworten (84 %)"
    with_arrays = text_pdf(words)
    monkeypatch.setattr(fonts, "ffi", fonts.ffi.wrapped)
    assert text_pdf(words) == with_arrays
