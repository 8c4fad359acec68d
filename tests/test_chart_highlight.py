"""The respondent's own answer marked in a batch report's charts: read back from the SVG (fills of the bars in their
order on the page) or from the drawn figure (pie wedges, likert markers, grouped bands), and named in the text
alternative."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ElementTree
from dataclasses import replace
from pathlib import Path

import pytest
from matplotlib import rc_context
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Rectangle, Wedge

from reportgen.chart_drawing import build_figure, draw, renderer, settings
from reportgen.chart_pie import PULLED, RADII, fits
from reportgen.charts import ChartSpec, ChartStyle
from reportgen.charts_describe import describe_grouped, describe_highlight, describe_likert

NBSP = "\u00a0"
SVG = "{http://www.w3.org/2000/svg}"
FONT = Path(__file__).resolve().parent.parent / "templates" / "fonts" / "Lato-Regular.ttf"
PRIMARY, ACCENT, TEXT = "#0b5d5b", "#f28c28", "#1f2a30"
PALETTE = ("#0b5d5b", "#f28c28", "#5fa8a0", "#c9d6d3", "#8c5e3c", "#2f3e46")
STYLE = ChartStyle(str(FONT), "digest", PRIMARY, TEXT, "#6b7b83", PALETTE, ACCENT)
OURS = "Ihr Unternehmen"

SCALE = ("0", "1", "2", "3", "4", "5")
BAR = ChartSpec("bar", "strategie", SCALE, (1, 1, 1, 1, 8, 13), 25, "Strategie", "Antwortwert")
HIST = ChartSpec("hist", "alter", ("bis 10", "10–20", "über 20"), (4, 9, 12), 25, "Alter", "Klasse (Jahre)")
BARH = ChartSpec("barh", "kanaele", ("Messe", "Internet", "Presse", "Verband"), (12, 20, 3, 7), 25, "K", "Anteil")
PIE = ChartSpec("pie", "position", ("Fachkraft", "Manager/in", "Mitarbeiter/in", "Sonstiges"), (2, 18, 2, 3), 25, "P")
LIKERT = ChartSpec(
    "likert",
    "vergleich",
    SCALE,
    (),
    0,
    "Vergleich",
    series=((0.04, 0.04, 0.04, 0.04, 0.32, 0.52), (0.1, 0.1, 0.1, 0.2, 0.3, 0.2)),
    series_labels=("Strategie (n = 25)", "Umsetzung (n = 10)"),
)
GROUPED = ChartSpec(
    "grouped",
    "strategie",
    ("gar nicht", "eher nicht", "teils/teils", "eher", "voll und ganz"),
    (),
    0,
    "Strategie nach Größe",
    series=((0.08, 0.12, 0.2, 0.4, 0.2), (0.1, 0.1, 0.4, 0.2, 0.2)),
    series_labels=("bis 49 Beschäftigte (n = 25)", "50–249 Beschäftigte (n = 10)"),
)


def marked(spec: ChartSpec, *indexes: int, label: str = OURS) -> ChartSpec:
    return replace(spec, highlight=indexes, highlight_label=label)


def bars(svg: bytes) -> list[tuple[float, float, str]]:
    """The bars of a bar chart as (left, top, fill): the clipped rectangles filled in the primary or accent colour
    (not the legend's patch, which is outside the axes and unclipped)."""
    found = []
    for path in ElementTree.fromstring(svg).iter(f"{SVG}path"):
        fill = re.search(r"fill: (#[0-9a-f]{6})", path.get("style", ""))
        if path.get("clip-path") is None or fill is None or fill.group(1) not in (PRIMARY, ACCENT):
            continue
        numbers = [float(value) for value in re.findall(r"-?\d+(?:\.\d+)?", path.get("d", ""))]
        xs, ys = numbers[0::2], numbers[1::2]
        found.append((min(xs), min(ys), fill.group(1)))
    return found


def texts(svg: bytes) -> list[str]:
    return [text.text or "" for text in ElementTree.fromstring(svg).iter(f"{SVG}text")]


def figure(spec: ChartSpec) -> Figure:
    with rc_context(settings(STYLE)):
        return build_figure(spec, STYLE)


def test_the_marked_column_has_the_accent_fill_and_the_others_the_primary_one() -> None:
    svg = draw(marked(BAR, 4), STYLE)
    fills = [fill for _x, _y, fill in sorted(bars(svg))]
    assert fills == [PRIMARY, PRIMARY, PRIMARY, PRIMARY, ACCENT, PRIMARY]
    assert texts(svg).count(OURS) == 1  # the legend's entry


def test_the_marked_class_of_a_histogram_has_the_accent_fill() -> None:
    fills = [fill for _x, _y, fill in sorted(bars(draw(marked(HIST, 0), STYLE)))]
    assert fills == [ACCENT, PRIMARY, PRIMARY]


def test_several_options_of_a_multiple_response_set_are_marked() -> None:
    svg = draw(marked(BARH, 0, 2, 3), STYLE)
    top_down = [fill for _x, _y, fill in sorted(bars(svg), key=lambda bar: bar[1])]
    assert top_down == [ACCENT, PRIMARY, ACCENT, ACCENT]


def test_without_a_label_the_mark_has_no_legend() -> None:
    svg = draw(marked(BAR, 5, label=""), STYLE)
    assert [fill for _x, _y, fill in sorted(bars(svg))][-1] == ACCENT
    assert OURS not in texts(svg)


@pytest.mark.parametrize("spec", [BAR, HIST, BARH, PIE, LIKERT, GROUPED], ids=lambda spec: spec.kind)
def test_a_label_without_marks_draws_the_chart_as_before(spec: ChartSpec) -> None:
    assert draw(replace(spec, highlight_label=OURS), STYLE) == draw(spec, STYLE)


def test_the_marked_wedge_is_pulled_out_outlined_in_the_accent_and_named_in_the_legend() -> None:
    drawn = figure(marked(PIE, 2))
    wedges = [patch for patch in drawn.axes[0].patches if isinstance(patch, Wedge)]
    assert [tuple(wedge.center) != (0, 0) for wedge in wedges] == [False, False, True, False]
    assert [to_hex(wedge.get_edgecolor()) for wedge in wedges] == ["#ffffff", "#ffffff", ACCENT, "#ffffff"]
    assert texts(draw(marked(PIE, 2), STYLE))[-4:] == [
        f"Fachkraft: 2 (8,0{NBSP}%)",
        f"Manager/in: 18 (72,0{NBSP}%)",
        f"Mitarbeiter/in: 2 (8,0{NBSP}%) – {OURS}",
        f"Sonstiges: 3 (12,0{NBSP}%)",
    ]


def test_the_share_of_a_pulled_out_wedge_moves_with_it() -> None:
    thirds = replace(PIE, labels=("A", "B", "C"), counts=(10, 8, 7), valid=25)
    drawn = figure(marked(thirds, 1))
    axes = drawn.axes[0]
    wedge = [patch for patch in axes.patches if isinstance(patch, Wedge)][1]
    (share,) = [text for text in axes.texts if text.get_text() == f"32,0{NBSP}%"]
    (x, y), (cx, cy) = share.get_position(), wedge.center
    middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
    radius = math.hypot(x - cx, y - cy)
    assert math.hypot(cx, cy) == pytest.approx(PULLED)
    assert (x - cx, y - cy) == pytest.approx((radius * math.cos(middle), radius * math.sin(middle)))
    assert radius == pytest.approx(RADII[0])  # where an unmarked wedge has it, from the wedge's own centre
    assert fits(share, wedge, renderer(drawn))


def test_a_likert_chart_marks_each_item_s_own_answer_above_its_segment() -> None:
    drawn = figure(marked(LIKERT, 4, -1))  # item 1 unanswered
    axes = drawn.axes[0]
    markers = [line for line in axes.lines if line.get_marker() == "v"]
    assert len(markers) == 1
    segments = [patch for patch in axes.patches if isinstance(patch, Rectangle) and patch.get_height() == 0.64]
    own = segments[4]  # item 0's bar is drawn first, its points in scale order
    assert markers[0].get_xdata()[0] == pytest.approx(own.get_x() + own.get_width() / 2)
    assert markers[0].get_ydata()[0] < own.get_y() + own.get_height() / 2 < 1  # over item 0's bar (the top one)
    legend = drawn.legends[0]
    assert [text.get_text() for text in legend.get_texts()][-1] == OURS
    assert isinstance(legend.legend_handles[-1], Line2D)


def test_a_grouped_chart_marks_the_category_with_a_band_behind_it() -> None:
    drawn = figure(marked(GROUPED, 3))
    bands = [patch for patch in drawn.axes[0].patches if isinstance(patch, Rectangle) and patch.get_zorder() == 0]
    assert len(bands) == 1
    box = bands[0].get_bbox()
    assert (box.x0, box.x1) == pytest.approx((2.5, 3.5))
    assert OURS in [text.get_text() for text in drawn.legends[0].get_texts()]


def test_an_index_outside_the_labels_is_a_bug() -> None:
    with pytest.raises(ValueError, match=r"highlight \[6\] outside the 6 labels of chart bar-strategie.svg"):
        draw(marked(BAR, 6), STYLE)


def test_the_mark_changes_the_cache_key() -> None:
    assert marked(BAR, 4).digest("style") != BAR.digest("style") != marked(BAR, 5).digest("style")


def test_the_text_alternative_names_the_marked_answers() -> None:
    assert describe_highlight(marked(BAR, 4)) == "Markiert (Ihr Unternehmen): Antwort „4“."
    assert describe_highlight(marked(HIST, 2)) == "Markiert (Ihr Unternehmen): Klasse „über 20“."
    assert describe_highlight(marked(BARH, 2, 0)) == "Markiert (Ihr Unternehmen): Optionen „Messe“, „Presse“."
    assert describe_highlight(marked(PIE, 1, label="")) == "Markiert: Antwort „Manager/in“."
    assert describe_highlight(BAR) == ""


def test_comparison_charts_name_the_marked_answers_after_their_data() -> None:
    plain = describe_likert(LIKERT)
    assert describe_likert(marked(LIKERT, 4, -1)) == (
        f"{plain} Markiert (Ihr Unternehmen): Strategie (n = 25): „4“; Umsetzung (n = 10): keine Antwort."
    )
    assert describe_grouped(marked(GROUPED, 3)) == (
        f"{describe_grouped(GROUPED)} Markiert (Ihr Unternehmen): Kategorie „eher“."
    )
    assert describe_likert(replace(LIKERT, highlight_label=OURS)) == plain
