"""Charts set like the text: point sizes on the page, pie labels clear of wedge borders, readable text colours and
one value axis for the study's bar charts — measured in the SVG, with matplotlib's renderer and the WCAG formula."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle, Wedge
from matplotlib.text import Text

from reportgen.build import prepare
from reportgen.chart_drawing import build_figure, draw, settings
from reportgen.charts import ChartSpec, ChartStyle

REPO = Path(__file__).resolve().parent.parent
CSS = REPO / "templates" / "style.css"
FONT = REPO / "templates" / "fonts" / "Lato-Regular.ttf"
PALETTE = ("#0b5d5b", "#f28c28", "#5fa8a0", "#c9d6d3", "#8c5e3c", "#2f3e46")  # the brand's default
STYLE = ChartStyle(str(FONT), "digest", "#0b5d5b", "#1f2a30", "#6b7b83", PALETTE, "#f28c28")
MM = 72 / 25.4
A4_WIDTH = 210 * MM

SCALE = ("0", "1", "2", "3", "4", "5")
BAR = ChartSpec("bar", "strategie", SCALE, (1, 1, 1, 1, 8, 13), 25, "Strategie", "Antwortwert")
PIE = ChartSpec("pie", "position", ("Fachkraft", "Manager/in", "Mitarbeiter/in", "Sonstiges"), (2, 18, 2, 3), 25, "P")
THIN = replace(PIE, question_id="duenn", labels=tuple("ABCDEF"), counts=(30, 1, 2, 25, 3, 14), valid=75)
BARH = ChartSpec("barh", "kanaele", ("Messe", "Internet", "Presse"), (12, 20, 3), 25, "K", "Anteil der Befragten")
HIST = ChartSpec("hist", "alter", ("bis 10", "10–20", "über 20"), (4, 9, 12), 25, "Alter", "Klasse (Jahre)")
LIKERT = ChartSpec(
    "likert",
    "vergleich",
    SCALE,
    (),
    0,
    "Vergleich",
    series=((0.04, 0.04, 0.04, 0.04, 0.32, 0.52), (0.1, 0.1, 0.1, 0.2, 0.3, 0.2)),
    series_labels=("Strategie (n = 25)", "Umsetzung (n = 10)"),
    flagged=(False, True),
)
GROUPED = ChartSpec(
    "grouped",
    "gruppen",
    ("gar nicht", "eher nicht", "teils/teils", "eher", "voll und ganz"),
    (),
    0,
    "Gruppen",
    series=((0.1, 0.1, 0.2, 0.4, 0.2), (0.0, 0.25, 0.25, 0.25, 0.25)),
    series_labels=("klein (n = 10)", "groß (n = 4)"),
    flagged=(False, True),
)
SPECS = (BAR, PIE, THIN, BARH, HIST, LIKERT, GROUPED)


# The page: how wide templates/style.css shows a chart


def _length(value: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(mm|pt|cm)", value.strip()).groups()  # type: ignore[union-attr]
    return float(number) * {"mm": MM, "pt": 1.0, "cm": 10 * MM}[unit]


def text_block() -> float:
    """The width of the text block in points: A4 less the left and right margin of the first `@page` rule."""
    margin = re.search(r"@page\s*\{[^}]*?margin:\s*([^;]+);", CSS.read_text(encoding="utf-8"))
    assert margin is not None
    sides = margin.group(1).split()
    top, right, _bottom, left = (sides * 4)[:4] if len(sides) == 1 else (sides + sides[1:2])[:4]
    del top
    return A4_WIDTH - _length(right) - _length(left)


def declarations(selector: str) -> dict[str, str]:
    """The declarations of every rule whose selector list holds `selector`, later ones winning."""
    found: dict[str, str] = {}
    css = re.sub(r"/\*.*?\*/", "", CSS.read_text(encoding="utf-8"), flags=re.DOTALL)
    for selectors, body in re.findall(r"([^{}]+)\{([^{}]*)\}", css):
        if selector in (part.strip() for part in selectors.split(",")):
            found.update(dict(re.findall(r"([\w-]+)\s*:\s*([^;]+)", body)))
    return found


def shown_width(kind: str, natural: float) -> float:
    """The width in points a chart of `kind` drawn `natural` points wide is shown at (most specific rule wins)."""
    block = text_block()
    rules = [declarations(s) for s in ("figure img", "figure.chart img", f"figure.chart-{kind} img")]
    width = next((rule["width"] for rule in reversed(rules) if "width" in rule), "auto").strip()
    max_width = next((rule["max-width"] for rule in reversed(rules) if "max-width" in rule), "none").strip()
    shown = natural if width == "auto" else float(width.rstrip("%")) / 100 * block
    return min(shown, block) if max_width == "100%" else shown


def svg_sizes(svg: bytes) -> tuple[float, set[float]]:
    """The SVG's width in points and the font sizes of its text in its own units (its viewBox is in points)."""
    root = ElementTree.fromstring(svg)
    width = float(root.get("width", "").removesuffix("pt"))
    view_width = float(root.get("viewBox", "").split()[2])
    assert view_width == pytest.approx(width)
    return width, {float(size) for size in re.findall(rb"font-size: ([\d.]+)px", svg)}


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.question_id)
def test_every_chart_is_drawn_as_wide_as_the_text_block_with_its_text_at_8_5_to_9_points(spec: ChartSpec) -> None:
    width, sizes = svg_sizes(draw(spec, STYLE))
    assert width == pytest.approx(text_block(), abs=0.5)
    assert sizes and min(sizes) >= 8.5 and max(sizes) <= 9


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.question_id)
def test_on_the_page_chart_text_is_8_5_to_9_points(spec: ChartSpec) -> None:
    """Fails while templates/style.css scales charts to a share of the text block instead of their natural size."""
    width, sizes = svg_sizes(draw(spec, STYLE))
    scale = shown_width(spec.kind, width) / width
    on_page = sorted(round(size * scale, 2) for size in sizes)
    assert on_page[0] >= 8.5 and on_page[-1] <= 9, (spec.kind, scale, on_page)


# Pies: a printed share inside its wedge, clear of the borders; the legend off the pie


@pytest.fixture
def drawn() -> Iterator[tuple[Figure, FigureCanvasAgg]]:
    figures: list[Figure] = []

    def figure(spec: ChartSpec) -> tuple[Figure, FigureCanvasAgg]:
        built = build_figure(spec, STYLE)
        figures.append(built)
        return built, FigureCanvasAgg(built)

    with rc_context(settings(STYLE)):
        yield figure  # type: ignore[misc]


def inside(points: list[tuple[float, float]], wedge: Wedge) -> bool:
    return bool(wedge.get_path().contains_points(points, transform=wedge.get_transform()).all())


@pytest.mark.parametrize("spec", [PIE, THIN, replace(PIE, counts=(1, 1, 1, 1), valid=4)], ids=["study", "thin", "even"])
def test_pie_shares_lie_inside_their_wedge_clear_of_its_borders(spec: ChartSpec, drawn) -> None:  # type: ignore[no-untyped-def]
    figure, canvas = drawn(spec)
    renderer = canvas.get_renderer()
    (axes,) = figure.axes
    wedges = [patch for patch in axes.patches if isinstance(patch, Wedge)]
    printed = [text for text in axes.texts if text.get_text()]
    assert printed
    for text in printed:
        box = text.get_window_extent(renderer).padded(renderer.points_to_pixels(1.5))
        corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
        assert sum(inside(corners, wedge) for wedge in wedges) == 1, text.get_text()
    pie = axes.get_window_extent(renderer)
    legend = axes.get_legend().get_window_extent(renderer)
    assert legend.x0 > pie.x1 - 1 and legend.x1 <= figure.bbox.x1


def test_a_share_too_wide_for_its_wedge_is_left_to_the_legend(drawn) -> None:  # type: ignore[no-untyped-def]
    figure, _canvas = drawn(THIN)
    printed = [text.get_text() for text in figure.axes[0].texts if text.get_text()]
    assert printed == ["40,0\u00a0%", "33,3\u00a0%", "18,7\u00a0%"]  # 1, 2 and 3 of 75 are too thin
    legend = [text.get_text() for text in figure.axes[0].get_legend().get_texts()]
    assert legend[1] == "B: 1 (1,3\u00a0%)"


# Contrast: WCAG 2 relative luminance, computed here


def luminance(colour: str) -> float:
    linear = []
    for index in (1, 3, 5):
        channel = int(colour[index : index + 2], 16) / 255
        linear.append(channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4)
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_wcag_formula_gives_the_known_ratios() -> None:
    assert ratio("#ffffff", "#000000") == pytest.approx(21)
    assert ratio("#ffffff", "#5fa8a0") == pytest.approx(2.76, abs=0.01)  # the white on teal
    assert ratio("#ffffff", "#6b7b83") == pytest.approx(4.39, abs=0.01)  # the brand's muted grey


def background(text: Text, figure: Figure, renderer: object) -> str:
    """The colour behind the middle of `text`: the bar or wedge it stands on, else the white page."""
    box = text.get_window_extent(renderer)  # type: ignore[arg-type]
    middle = ((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2)
    for axes in figure.axes:
        for patch in reversed(axes.patches):
            if isinstance(patch, Rectangle | Wedge) and patch.contains_point(middle):
                return to_hex(patch.get_facecolor())
    return "#ffffff"


@pytest.mark.parametrize("spec", SPECS, ids=lambda spec: spec.question_id)
def test_every_chart_text_has_a_contrast_of_at_least_4_5(spec: ChartSpec, drawn) -> None:  # type: ignore[no-untyped-def]
    figure, canvas = drawn(spec)
    renderer = canvas.get_renderer()
    figure.draw(renderer)
    texts = [t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip() and t.get_alpha() != 0]
    assert texts
    for text in texts:
        behind = background(text, figure, renderer)
        colour = to_hex(text.get_color())
        assert ratio(colour, behind) >= 4.5, (text.get_text(), colour, behind, round(ratio(colour, behind), 2))


# One value axis for the study's bar charts of the 0–5 scale


@pytest.fixture(scope="module")
def study_charts() -> tuple[ChartSpec, ...]:
    return prepare(REPO).content.charts


def test_the_study_s_seven_bar_charts_share_one_value_axis(study_charts: tuple[ChartSpec, ...]) -> None:
    bars = [spec for spec in study_charts if spec.kind == "bar"]
    assert len(bars) == 7
    highest = max(count for spec in bars for count in spec.counts)
    assert {spec.value_max for spec in bars} == {float(highest)}
    with rc_context(settings(STYLE)):
        limits = {build_figure(spec, STYLE).axes[0].get_ylim() for spec in bars}
    assert len(limits) == 1


def test_a_scale_without_labels_says_which_end_is_high(study_charts: tuple[ChartSpec, ...]) -> None:
    bars = [spec for spec in study_charts if spec.kind == "bar"]
    assert {spec.axis_label for spec in bars} == {"Antwortwert (0 = niedrigster, 5 = höchster Skalenwert)"}
