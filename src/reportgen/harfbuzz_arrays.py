"""WeasyPrint's font subsetting without a C parse for each subset.

WeasyPrint 70 hands HarfBuzz its glyph lists as `ffi.new(f"hb_codepoint_t[{n}]", values)`. cffi parses every type
string it has not seen as C source, together with a typedef line for each of the hundreds of types WeasyPrint
declares: about 8 ms for each new length. Writing the study's segments subsets 17 fonts with 27 lengths among them,
0.22 s of CPU. `ffi.new("hb_codepoint_t[]", values)` makes the same array from a type parsed once.

`install()` gives `weasyprint.pdf.fonts` an ffi that makes such arrays that way and leaves every other call to the
real one. The PDF is the same byte for byte (tests/test_harfbuzz_arrays.py)."""

from __future__ import annotations

import re
from collections.abc import Sized
from typing import Any

_SIZED_ARRAY = re.compile(r"(?P<item>[A-Za-z_][A-Za-z0-9_ ]*)\[(?P<length>\d+)\]")


class UnsizedArrays:
    """An ffi whose `new("T[n]", values)` with exactly n values is `new("T[]", values)`; everything else is the
    wrapped ffi's."""

    def __init__(self, ffi: Any) -> None:
        self.wrapped = ffi

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)

    def new(self, cdecl: Any, init: Any = None) -> Any:
        if isinstance(cdecl, str) and isinstance(init, Sized):
            sized = _SIZED_ARRAY.fullmatch(cdecl)
            if sized is not None and len(init) == int(sized["length"]):
                return self.wrapped.new(f"{sized['item']}[]", init)
        return self.wrapped.new(cdecl, init)


def install() -> None:
    """Give WeasyPrint's font module the ffi above (once; nothing if the module has no `ffi`)."""
    from weasyprint.pdf import fonts

    ffi = getattr(fonts, "ffi", None)
    if ffi is not None and not isinstance(ffi, UnsizedArrays):
        fonts.ffi = UnsizedArrays(ffi)
