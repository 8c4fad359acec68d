"""At most two hyphenated lines in a row: a narrow column of long compounds, laid out by WeasyPrint, read back
from the PDF with pypdf (which ignores /ActualText, so each line keeps its break hyphen)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pypdf
import weasyprint

from reportgen.hyphen_runs import MAX_HYPHENATED_LINES, words_to_keep_whole
from reportgen.pdf import ConfinedFetcher, _laid_out

# Long compounds in a 122 mm column: three lines in a row end in a break with `hyphens: auto`.
COMPOUNDS = (
    "Ressourcenknappheit Energieproduktivität Versorgungsschwankungen Netzstabilisierung "
    "Emissionsreduktionsziele Wertschöpfungsketten Kreislaufwirtschaftsgesetz Materialeffizienzsteigerung "
    "Produktionsplanungssysteme Dekarbonisierungsstrategien Zulieferunternehmen Transformationsfähigkeit"
)
HTML = f"""<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>t</title><style>
@page {{ size: 150mm 200mm; margin: 10mm 14mm; }}
body {{ font-family: Lato, sans-serif; font-size: 11pt; }}
p {{ hyphens: auto; text-align: justify; -weasy-lang: "de-DE"; }}
</style></head><body><p>{COMPOUNDS}</p></body></html>"""


def longest_run(pdf: bytes) -> int:
    """The most lines in a row that end in a hyphen, as pypdf reads them."""
    lines = [
        line.rstrip()
        for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
        for line in page.extract_text().splitlines()
        if line.strip()
    ]
    longest = run = 0
    for line in lines:
        run = run + 1 if re.search(r"[\w][-\u2010\u00ad]$", line) else 0
        longest = max(longest, run)
    return longest


def test_the_column_has_a_long_run_before_the_repair() -> None:
    document = weasyprint.HTML(string=HTML).render()
    assert longest_run(document.write_pdf()) > MAX_HYPHENATED_LINES  # else the test below proves nothing
    assert words_to_keep_whole(document)


def test_no_more_than_two_hyphenated_lines_in_a_row_after_the_repair(tmp_path: Path) -> None:
    document, html = _laid_out(HTML, tmp_path.as_uri() + "/", ConfinedFetcher(tmp_path, {}), dict)
    assert longest_run(document.write_pdf()) <= MAX_HYPHENATED_LINES
    assert words_to_keep_whole(document) == []
    kept = re.findall(r'<span class="hyphenate-manual" style="hyphens: manual">(\w+)</span>', html)
    assert kept and all(word in COMPOUNDS.split() for word in kept)  # whole words, as written


def test_a_document_without_long_runs_is_laid_out_once(tmp_path: Path) -> None:
    short = HTML.replace(COMPOUNDS, "Ein kurzer Satz.")
    _, html = _laid_out(short, tmp_path.as_uri() + "/", ConfinedFetcher(tmp_path, {}), dict)
    assert html == short
