"""A change guard, not a correctness test: the study PDF's extracted text is what it was before a refactoring.

The numbers in it are proven right by test_study_pdf.py against the published tables; this file only makes
an unintended change of any word, number or page break visible. After an intended change of the content or the
layout, regenerate the golden file with `python tests/test_study_text.py` and review its diff.
"""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from reportgen.build import BuildResult

GOLDEN = Path(__file__).parent / "golden" / "study-text.txt"
PAGE_BREAK = "\f"


def extracted_text(pdf: Path) -> str:
    return PAGE_BREAK.join(page.extract_text() for page in pypdf.PdfReader(pdf).pages)


@pytest.mark.slow
def test_study_text_is_unchanged(study_build: BuildResult) -> None:
    expected = GOLDEN.read_text(encoding="utf-8").split(PAGE_BREAK)
    actual = extracted_text(study_build.pdf).split(PAGE_BREAK)
    assert len(actual) == len(expected)
    for number, (got, want) in enumerate(zip(actual, expected, strict=True), 1):
        assert got == want, f"page {number} differs"


if __name__ == "__main__":
    import tempfile

    from projects import copy_study
    from reportgen.build import build

    with tempfile.TemporaryDirectory() as folder:
        GOLDEN.write_text(extracted_text(build(copy_study(Path(folder) / "study")).pdf), encoding="utf-8")
