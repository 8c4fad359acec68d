"""The pages are laid out while the charts are still drawn, with a stand-in of each chart's size: the stand-in has
the drawn chart's size, and the PDF is the one a build with every chart at hand makes — also when a stand-in's
size is wrong (then the pages are laid out again)."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from reportgen import chart_drawing, pdf
from reportgen.build import build
from reportgen.charts import ChartSpec
from test_cache import style

SIZE_ATTRIBUTES = re.compile(rb'\s(width|height|viewBox)="([^"]*)"')
LONG = "Eine Antwort mit einer sehr langen Beschreibung, die über mehrere Zeilen umbrochen wird"
SCALE = ("1", "2", "3", "4", "5")


def _root_size(svg: bytes) -> list[tuple[bytes, bytes]]:
    root = re.search(rb"<svg\b[^>]*>", svg)
    assert root is not None
    return SIZE_ATTRIBUTES.findall(root[0])


@pytest.mark.parametrize(
    "spec",
    [
        ChartSpec("bar", "frage", SCALE, (1, 2, 3, 4, 5), 15, "Frage"),
        ChartSpec("hist", "zahl", ("0–9", "10–19", "20–29"), (3, 4, 1), 8, "Zahl"),
        ChartSpec("barh", "mehrfach", ("kurz", LONG, LONG + " und noch länger"), (4, 2, 1), 9, "Mehrfach"),
        ChartSpec("bar", "frage", SCALE, (1, 2, 3, 4, 5), 15, "Frage", highlight=(2,), highlight_label="Ihr Betrieb"),
        ChartSpec("pie", "gruppe", ("A", "B", "C"), (5, 3, 2), 10, "Gruppe"),
        ChartSpec(
            "likert",
            "batterie",
            SCALE,
            (),
            20,
            "Batterie",
            series=((0.1, 0.2, 0.3, 0.2, 0.2), (0.2, 0.2, 0.2, 0.2, 0.2), (0.0, 0.1, 0.3, 0.4, 0.2)),
            series_labels=("Kurz (n = 10)", LONG + " (n = 5)", "Mittel (n = 5)"),
            flagged=(False, True, False),
            neutral=2,
        ),
    ],
    ids=["bar", "hist", "barh-wrapped", "bar-highlighted", "pie", "likert-wrapped"],
)
def test_a_stand_in_has_the_size_of_the_drawn_chart(spec: ChartSpec) -> None:
    stand_in = chart_drawing.stand_in(spec)
    assert stand_in is not None
    drawn = chart_drawing.draw(spec, style())
    assert _root_size(stand_in) == _root_size(drawn)
    assert len(_root_size(stand_in)) == 3


def test_a_grouped_chart_has_no_stand_in_its_height_follows_its_measured_labels() -> None:
    grouped = ChartSpec("grouped", "frage", ("A", "B"), (), 10, "Frage", series=((0.5, 0.5),), series_labels=("X",))
    assert chart_drawing.figure_size(grouped) is None
    assert chart_drawing.stand_in(grouped) is None


CHAPTER = """\
# Ergebnisse

{{ n() }} Befragte.

{{ bar_chart('item') }}

{{ pie_chart('gruppe') }}
"""


@pytest.fixture
def held_back_charts(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[bool]]:
    """Charts drawn in an executor are held back until the pages are laid out; yields what `_put_back` returned."""
    laid_out = threading.Event()
    results: list[bool] = []
    draw, put_back = chart_drawing.draw, pdf._put_back

    def held_back(*arguments: Any) -> bytes:
        assert laid_out.wait(120), "the layout waited for a chart"
        return draw(*arguments)

    def noting(*arguments: Any) -> bool:
        laid_out.set()
        results.append(put_back(*arguments))
        return results[-1]

    monkeypatch.setattr(chart_drawing, "draw", held_back)
    monkeypatch.setattr(pdf, "_put_back", noting)
    yield results
    laid_out.set()


def _in_executor(root: Path) -> bytes:
    with ThreadPoolExecutor(max_workers=1) as executor:
        return build(root, executor=executor).pdf.read_bytes()


@pytest.mark.slow
def test_pages_laid_out_with_stand_ins_give_the_pdf_of_drawn_charts(
    tiny_project: Callable[..., Path], held_back_charts: list[bool]
) -> None:
    files = {"content/01-kapitel.md": CHAPTER}
    standing_in = _in_executor(tiny_project(files, name="standing-in"))
    assert held_back_charts == [True]
    assert standing_in == build(tiny_project(files, name="drawn-first")).pdf.read_bytes()


@pytest.mark.slow
def test_a_stand_in_of_the_wrong_size_lays_the_pages_out_again(
    tiny_project: Callable[..., Path], held_back_charts: list[bool], monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in = chart_drawing.stand_in

    def too_low(spec: ChartSpec) -> bytes | None:
        svg = stand_in(spec)
        return re.sub(rb'height="[^"]*"', b'height="50pt"', svg) if svg is not None else None

    monkeypatch.setattr(chart_drawing, "stand_in", too_low)
    files = {"content/01-kapitel.md": CHAPTER}
    standing_in = _in_executor(tiny_project(files, name="standing-in"))
    assert held_back_charts == [False]
    monkeypatch.undo()
    assert standing_in == build(tiny_project(files, name="drawn-first")).pdf.read_bytes()
