"""Comparison charts (likert: diverging stacked bars per item; grouped: bars per category and segment) and their
German text alternatives. The caller computes and orders every share; these functions only draw and describe."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from . import chart_drawing as drawing
from . import fmt, provenance
from .chart_drawing import (
    CM,
    LABEL_SIZE,
    TEXT_WIDTH,
    VALUE_SIZE,
    glue,
    text_width,
    unglue,
    wrap_to,
)
from .charts import ChartSpec, ChartStyle
from .charts_describe import describe_grouped, describe_likert, flagged, sides
from .colours import mix, readable, text_on

__all__ = ["comparison_figure", "describe_grouped", "describe_likert", "likert_colours", "sides"]

if TYPE_CHECKING:
    from matplotlib.artist import Artist
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.figure import Figure

WIDTH = TEXT_WIDTH
ITEM_LABEL_WIDTH = 30  # characters per line of an item label left of a likert bar
ROW_LABEL_POINTS = 150  # the widest line of a category label beside horizontal groups
NEUTRAL = "#dcdfe2"
GRID = "#dde3e6"
PRINTED = 0.06  # a share is printed inside its likert segment from this size on, if it fits
LEGEND_SIZE = VALUE_SIZE
FLAG_NOTE = "* geringe Fallzahl"
HATCH = "///"
MARKER_SIZE = 6.5  # points: the triangle over a likert item's own answer
BAND = 0.82  # how much white the band behind a marked category of a grouped chart has of the accent colour


def comparison_figure(spec: ChartSpec, style: ChartStyle) -> Figure:
    """The drawn figure of a "likert" or "grouped" spec (inside charts.draw's rc settings)."""
    return _likert(spec, style) if spec.kind == "likert" else _grouped(spec, style)


# Likert: one diverging stacked bar per item


def _likert(spec: ChartSpec, style: ChartStyle) -> Figure:
    from matplotlib.figure import Figure

    labels = [_item_label(spec, row) for row in range(len(spec.series))]
    figure = Figure(figsize=likert_size(spec), layout="constrained")
    axes = figure.add_subplot()
    colours = likert_colours(spec, style)
    disagree, _agree = sides(spec)
    low, high = 0.0, 0.0  # the farthest any bar reaches to the left and to the right
    for row, shares in enumerate(spec.series):
        half = shares[spec.neutral] / 2 if spec.neutral is not None else 0.0
        start = -(sum(shares[index] for index in disagree) + half)
        lefts = [start + sum(shares[:index]) for index in range(len(shares))]
        low, high = min(low, start), max(high, start + sum(shares))
        bars = axes.barh(
            [row] * len(shares),
            [share * 100 for share in shares],
            left=[left * 100 for left in lefts],
            height=0.64,
            **_look(colours, flagged(spec, row)),
        )
        _print_shares(axes, bars, shares, style)
        for text, label in zip(axes.texts[-len(shares) :], spec.labels, strict=True):
            among = f"zu „{spec.series_labels[row]}“"
            drawing.describe(text, provenance.chart_share(f"Antwort „{label}“", among, spec.question_id))
        _own_answer(axes, spec, row, bars, style)
    _likert_axes(axes, spec, labels, (low, high), style)
    _legend(figure, spec, [*_patches(colours, spec.labels), *_marker(spec, style)], style)
    _drop_overflowing(figure, axes)
    return figure


def _drop_overflowing(figure: Figure, axes: Axes) -> None:
    """Take out the shares wider than their segment (less a point each side), measured after the layout."""
    from matplotlib.patches import Rectangle

    renderer = drawing.renderer(figure)
    engine = figure.get_layout_engine()
    assert engine is not None, "the likert figure is laid out constrained"
    engine.execute(figure)  # places the axes; drawing them too (draw_without_rendering) would change nothing here
    segments = [patch.get_window_extent(renderer) for patch in axes.patches if isinstance(patch, Rectangle)]
    room = cast("float", renderer.points_to_pixels(1.0))
    for text in [text for text in axes.texts if text.get_gid() == "segment-share" and text.get_text()]:
        box = text.get_window_extent(renderer)
        x, y = (box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2
        segment = next((s for s in segments if s.x0 <= x <= s.x1 and s.y0 <= y <= s.y1), None)
        if segment is None or box.width + 2 * room > segment.width:
            text.remove()


def _own_answer(axes: Axes, spec: ChartSpec, row: int, bars: BarContainer, style: ChartStyle) -> None:
    """A triangle above the segment of item `row`'s own answer: `spec.highlight[row]`, an index into the scale's
    points; one outside them (-1) or a missing entry means no answer to the item."""
    if row >= len(spec.highlight) or not 0 <= spec.highlight[row] < len(spec.labels):
        return
    bar = bars.patches[spec.highlight[row]]
    x = bar.get_x() + bar.get_width() / 2
    axes.plot([x], [row - 0.32], zorder=4, clip_on=False, **_marker_look(style))


def _marker(spec: ChartSpec, style: ChartStyle) -> list[Artist]:
    """The legend entry of the likert marker, when there is one to explain."""
    from matplotlib.lines import Line2D

    if not spec.highlight or not spec.highlight_label:
        return []
    return [Line2D([], [], label=spec.highlight_label, **_marker_look(style))]


def _marker_look(style: ChartStyle) -> dict[str, Any]:
    return {
        "marker": "v",
        "markersize": MARKER_SIZE,
        "color": style.accent,
        "markeredgecolor": style.text,
        "markeredgewidth": 0.6,
        "linestyle": "none",
    }


def _likert_axes(axes: Axes, spec: ChartSpec, labels: list[str], reach: tuple[float, float], style: ChartStyle) -> None:
    """Percent both ways from the centre line; the items top to bottom in the order given."""
    from matplotlib.ticker import MultipleLocator

    # Without a shared value_max each side reaches as far as its longest bar, which leaves the segments room for
    # their shares; with one, both sides end there, so that charts drawn for comparison line up.
    left, right = (spec.value_max, spec.value_max) if spec.value_max else (_ceil10(-reach[0]), _ceil10(reach[1]))
    axes.set_xlim(-100 * left, 100 * right)
    axes.xaxis.set_major_locator(MultipleLocator(10 if left + right <= 0.6 else 20 if left + right <= 1.4 else 25))
    axes.xaxis.set_major_formatter(lambda value, _: fmt.percent(abs(value) / 100))
    axes.tick_params(axis="x", labelsize=LABEL_SIZE)
    axes.axvline(0, color=style.text, linewidth=0.9, zorder=3)
    axes.set_yticks(range(len(labels)), labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)  # the first item on top
    axes.tick_params(axis="y", length=0)
    _frame(axes, style, grid="x")


def _ceil10(share: float) -> float:
    """`share` rounded up to a whole ten percent (at least 10 %, at most 100 %)."""
    return min(1.0, max(0.1, math.ceil(round(share * 10, 6)) / 10))


def likert_colours(spec: ChartSpec, style: ChartStyle) -> list[str]:
    """Per scale point: shades of the accent colour to the left (strongest outermost), light grey for the neutral
    point, shades of the primary colour to the right."""
    disagree, agree = sides(spec)
    left = [_shade(style.accent, len(disagree) - 1 - index, len(disagree)) for index in range(len(disagree))]
    right = [_shade(style.primary, index, len(agree)) for index in range(len(agree))]
    return left + ([NEUTRAL] if spec.neutral is not None else []) + right


def _shade(colour: str, step: int, steps: int) -> str:
    """`step` 0 is the lightest of `steps` shades, the last one is `colour` itself."""
    return mix(colour, 0.55 * (steps - 1 - step) / (steps - 1) if steps > 1 else 0.0)


def _print_shares(axes: Axes, bars: BarContainer, shares: Sequence[float], style: ChartStyle) -> None:
    """A segment's share inside it when it is wide enough (`_drop_overflowing` takes out the rest once the layout is
    done), in the text colour or white, whichever is readable on the segment."""
    from matplotlib.colors import to_hex

    texts = [fmt.percent(share) if share >= PRINTED else "" for share in shares]
    printed = axes.bar_label(bars, texts, label_type="center", fontsize=VALUE_SIZE)
    for text, bar in zip(printed, bars, strict=True):
        text.set_color(text_on(to_hex(bar.get_facecolor()), style.text))
        text.set_gid("segment-share")


def likert_size(spec: ChartSpec) -> tuple[float, float]:
    """Width and height in inches: a row per item, as high as its longest label needs."""
    labels = [_item_label(spec, row) for row in range(len(spec.series))]
    lines = max((label.count("\n") + 1 for label in labels), default=1)
    pitch = max(0.75, 0.15 + 0.32 * lines)  # cm per item: two lines of 9 pt labels and a bar
    return WIDTH, (2.3 + pitch * max(len(labels), 1)) * CM


def _item_label(spec: ChartSpec, row: int) -> str:
    label = glue(spec.series_labels[row] + (" *" if flagged(spec, row) else ""))
    return unglue("\n".join(textwrap.wrap(label, ITEM_LABEL_WIDTH, break_long_words=False)) or label)


# Grouped: one group per category, one bar per segment


def _grouped(spec: ChartSpec, style: ChartStyle) -> Figure:
    from matplotlib.figure import Figure

    categories, segments = len(spec.labels), len(spec.series)
    columns = _column_labels(spec)
    if columns is None:
        lines = max((wrap_to(label, ROW_LABEL_POINTS, LABEL_SIZE).count("\n") + 1 for label in spec.labels), default=1)
        pitch = max(0.3 * segments + 0.35, 0.4 * lines + 0.2)
        figure = Figure(figsize=(WIDTH, (2.4 + pitch * categories) * CM), layout="constrained")
    else:
        figure = Figure(figsize=(WIDTH, 7.5 * CM), layout="constrained")
    axes = figure.add_subplot()
    colours = [style.palette[index % len(style.palette)] for index in range(segments)]
    width, top = 0.8 / segments, 0.0
    for index, shares in enumerate(spec.series):
        positions = [category + (index - (segments - 1) / 2) * width for category in range(categories)]
        values = [share * 100 for share in shares]
        options = {
            "yerr" if columns is not None else "xerr": _errors(spec, index),
            "error_kw": {"ecolor": style.text, "elinewidth": 0.7, "capsize": 1.8},
            **_look([colours[index]] * categories, flagged(spec, index)),
        }
        bars = (axes.bar if columns is not None else axes.barh)(positions, values, width * 0.92, **options)
        printed = axes.bar_label(bars, [fmt.percent(share) for share in shares], padding=1.5, fontsize=VALUE_SIZE)
        for text, label in zip(printed, spec.labels, strict=True):
            among = f"der Gruppe „{spec.series_labels[index]}“"
            drawing.describe(text, provenance.chart_share(f"Antwort „{label}“", among, spec.question_id))
        top = max(top, *values, *(high * 100 for _low, high in _intervals(spec, index)))
    limit = 100 * spec.value_max if spec.value_max else min(100.0, 10 * math.ceil(top * 1.12 / 10))
    _group_axes(axes, spec, columns, limit, style)
    labels = [label + (" *" if flagged(spec, index) else "") for index, label in enumerate(spec.series_labels)]
    patches = _patches(colours, labels, [flagged(spec, index) for index in range(segments)])
    _legend(figure, spec, [*patches, *_bands(axes, spec, columns is not None, style)], style)
    return figure


def _bands(axes: Axes, spec: ChartSpec, vertical: bool, style: ChartStyle) -> list[Artist]:
    """A light band of the accent colour behind each marked category (the respondent's answer), and its legend
    entry when it has a label."""
    from matplotlib.patches import Patch

    colour = mix(style.accent, BAND)
    for index in drawing.marked(spec):
        span = axes.axvspan if vertical else axes.axhspan
        span(index - 0.5, index + 0.5, color=colour, linewidth=0, zorder=0)
    if not spec.highlight or not spec.highlight_label:
        return []
    return [Patch(facecolor=colour, edgecolor=style.accent, linewidth=0.6, label=spec.highlight_label)]


def _group_axes(axes: Axes, spec: ChartSpec, columns: list[str] | None, limit: float, style: ChartStyle) -> None:
    """Categories under vertical groups (`columns`, their wrapped labels) or beside horizontal ones (None)."""
    value_axis = axes.yaxis if columns is not None else axes.xaxis
    value_axis.set_major_formatter(lambda value, _: fmt.percent(value / 100))
    if columns is not None:
        axes.set_xticks(range(len(columns)), columns)
        axes.set_ylim(0, limit)
    else:
        axes.set_yticks(
            range(len(spec.labels)), [wrap_to(label, ROW_LABEL_POINTS, LABEL_SIZE) for label in spec.labels]
        )
        axes.set_ylim(len(spec.labels) - 0.5, -0.5)  # the first category on top
        axes.set_xlim(0, limit)
        axes.tick_params(axis="y", length=0)
    _frame(axes, style, grid="y" if columns is not None else "x")


def _column_labels(spec: ChartSpec) -> list[str] | None:
    """The category labels wrapped under vertical groups, or None when the groups read better on their side:
    when a printed share is wider than its bar, or a label does not fit its group in three lines."""
    group = (WIDTH * 72 - 40) / max(len(spec.labels), 1)  # the figure less the value axis, shared by the groups
    widest = max((text_width(fmt.percent(share), VALUE_SIZE) for series in spec.series for share in series), default=0)
    if widest > 0.8 * 0.92 * group / max(len(spec.series), 1):
        return None
    labels = [wrap_to(label, group - 8, LABEL_SIZE) for label in spec.labels]
    lines = [line for label in labels for line in label.split("\n")]
    fits = all(text_width(line, LABEL_SIZE) <= group - 8 for line in lines)
    return labels if fits and all(label.count("\n") < 3 for label in labels) else None


def _intervals(spec: ChartSpec, index: int) -> tuple[tuple[float, float], ...]:
    return spec.intervals[index] if spec.intervals else ()


def _errors(spec: ChartSpec, index: int) -> list[list[float]] | None:
    """matplotlib's asymmetric error bars (below, above) in percent points, or None without intervals."""
    intervals = _intervals(spec, index)
    if not intervals:
        return None
    shares = spec.series[index]
    return [
        [max(share - low, 0.0) * 100 for share, (low, _high) in zip(shares, intervals, strict=True)],
        [max(high - share, 0.0) * 100 for share, (_low, high) in zip(shares, intervals, strict=True)],
    ]


# Shared by both kinds


def _look(colours: list[str], flagged: bool) -> dict[str, Any]:
    """A small base is drawn paler and hatched, so it does not read like a firm result."""
    if not flagged:
        return {"color": colours, "edgecolor": "white", "linewidth": 0.6}
    return {"color": [mix(c, 0.6) for c in colours], "edgecolor": "white", "linewidth": 0.6, "hatch": HATCH}


def _patches(colours: list[str], labels: Sequence[str], flagged: Sequence[bool] = ()) -> list[Artist]:
    from matplotlib.patches import Patch

    flags = list(flagged) or [False] * len(labels)
    return [
        Patch(facecolor=mix(c, 0.6) if flag else c, edgecolor="white", hatch=HATCH if flag else None, label=label)
        for c, label, flag in zip(colours, labels, flags, strict=True)
    ]


def _frame(axes: Axes, style: ChartStyle, grid: str) -> None:
    axes.spines[["top", "right", "left" if grid == "x" else "bottom"]].set_visible(False)
    axes.spines[["bottom" if grid == "x" else "left"]].set_color(style.muted)
    axes.grid(axis=grid, color=GRID, linewidth=0.6)  # type: ignore[arg-type]
    axes.set_axisbelow(True)


def _legend(figure: Figure, spec: ChartSpec, patches: list[Artist], style: ChartStyle) -> None:
    """Below the chart, read row by row in the order given; "*" explained when a series is flagged."""
    columns = _legend_columns([str(patch.get_label()) for patch in patches])
    ordered = [patch for column in range(columns) for patch in patches[column::columns]]
    legend = figure.legend(
        handles=ordered, loc="outside lower center", ncols=columns, frameon=False, fontsize=LEGEND_SIZE
    )
    if any(spec.flagged):
        from matplotlib.font_manager import FontProperties

        legend.set_title(FLAG_NOTE, prop=FontProperties(size=LEGEND_SIZE))
        legend.get_title().set_color(readable(style.muted))


def _legend_columns(labels: Sequence[str]) -> int:
    """The columns of the fewest rows that fit the figure's width, the rows filled evenly."""
    entry = 4.8 * LEGEND_SIZE  # handle, its gap to the text and the gap to the next column
    for rows in range(1, len(labels)):
        columns = math.ceil(len(labels) / rows)
        widths = [max(text_width(label, LEGEND_SIZE) for label in labels[c::columns]) for c in range(columns)]
        if sum(widths) + columns * entry <= WIDTH * 72:
            return columns
    return 1
