"""Drawing one chart with matplotlib: an SVG with its text kept as text, the same bytes for the same spec and style.
The bar and histogram charts are here, the pie in chart_pie.py, the comparison charts in charts_compare.py.

Every chart is drawn at the width it is shown at, the text block's, and shown at its natural size, so that its text
has on the page the point sizes set here."""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any, cast

from . import fmt, provenance

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.text import Text
    from matplotlib.ticker import MaxNLocator

    from .charts import ChartSpec, ChartStyle

CM = 1 / 2.54
# The text block of templates/style.css (A4, 210 mm less the page margins 25 mm and 22 mm), in inches.
TEXT_WIDTH = 16.3 * CM
LABEL_SIZE = 9.0  # axis labels, tick labels, labels of columns and bars: in points on the page
VALUE_SIZE = 8.5  # the numbers printed at bars and in wedges, legends
# Characters per line of a label beside a bar (barh): longer ones wrap. Labels under columns wrap to the column.
BAR_LABEL_WIDTH = 40
COMPARISON_KINDS = ("likert", "grouped")
LEGEND_ROOM = 0.5 * CM  # the height a chart grows by for the legend of a marked answer
GLUE = "\ue000"  # stands for a space no label is broken at while it is wrapped (a private-use character)


def draw(spec: ChartSpec, style: ChartStyle) -> bytes:
    """One chart as SVG; deterministic for the same spec and style."""
    from matplotlib import rc_context

    with rc_context(settings(style)):
        figure = build_figure(spec, style)
        buffer = io.BytesIO()
        # Not cropped ("tight"): the SVG is exactly the figure's size, the width it is shown at.
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        return with_label_boxes(buffer.getvalue(), figure)


def describe(text: Text, what: str) -> None:
    """Say what a printed number is. The artist's label is never drawn, and Texts are no legend handles."""
    text.set_label(what)


def with_label_boxes(svg: bytes, figure: Figure) -> bytes:
    """`svg` with the box (in its user units, points from the top-left corner) and description of every described
    number the drawn figure shows, for the preview (provenance.svg_metadata)."""
    from matplotlib.text import Text

    figure.set_dpi(72)  # the SVG's user units are points
    measure = renderer(figure)
    height = figure.get_figheight() * 72
    labels = []
    for text in figure.findobj(match=Text):
        what = str(text.get_label())
        if not what or what.startswith("_") or not text.get_visible() or not text.get_text():
            continue
        box = text.get_window_extent(measure)
        labels.append(
            {
                "x": round(box.x0, 2),
                "y": round(height - box.y1, 2),
                "width": round(box.width, 2),
                "height": round(box.height, 2),
                "text": text.get_text(),
                "provenance": what,
            }
        )
    metadata = provenance.svg_metadata(round(figure.get_figwidth() * 72, 2), round(height, 2), labels)
    end = svg.rindex(b"</svg>")
    return svg[:end] + metadata + svg[end:]


def settings(style: ChartStyle) -> dict[Any, Any]:
    """matplotlib's settings for every chart: text kept as text, the brand's font and text colour."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager

    font_manager.fontManager.addfont(style.font_file)
    return {
        "svg.fonttype": "none",
        "svg.hashsalt": "reportgen",
        "font.family": font_manager.FontProperties(fname=style.font_file).get_name(),
        "font.size": LABEL_SIZE,
        "legend.fontsize": VALUE_SIZE,
        "text.color": style.text,
        "axes.labelcolor": style.text,
        "xtick.color": style.text,
        "ytick.color": style.text,
    }


def build_figure(spec: ChartSpec, style: ChartStyle) -> Figure:
    """The chart drawn on a new figure (inside `settings(style)`); `draw` saves it as SVG."""
    if spec.kind in COMPARISON_KINDS:
        from .charts_compare import comparison_figure

        return comparison_figure(spec, style)
    from matplotlib.figure import Figure

    if spec.kind == "pie":
        from .chart_pie import pie_figure

        return pie_figure(spec, style)
    figure = Figure(figsize=_bar_size(spec), layout="constrained")
    if spec.kind in ("bar", "hist"):
        _bar(figure, spec, style)
    else:
        _barh(figure, spec, style)
    return figure


def figure_size(spec: ChartSpec) -> tuple[float, float] | None:
    """The drawn figure's width and height in inches, or None where only drawing tells it (a grouped chart's
    height follows its measured labels). Reads the spec only: no matplotlib."""
    if spec.kind == "pie":
        from .chart_pie import SIZE

        return SIZE
    if spec.kind == "likert":
        from .charts_compare import likert_size

        return likert_size(spec)
    if spec.kind in COMPARISON_KINDS:
        return None
    return _bar_size(spec)


def stand_in(spec: ChartSpec) -> bytes | None:
    """An empty SVG of the size the chart will have (as matplotlib writes sizes: points, trailing zeros dropped),
    for laying out pages before the chart is drawn; None where the size is not known without drawing."""
    size = figure_size(spec)
    if size is None:
        return None
    width, height = (_svg_number(inches * 72) for inches in size)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}pt" height="{height}pt" '
        f'viewBox="0 0 {width} {height}" version="1.1"></svg>'
    ).encode()


def _svg_number(value: float) -> str:
    return f"{value:f}".rstrip("0").rstrip(".")


def _bar_size(spec: ChartSpec) -> tuple[float, float]:
    """Width and height in inches: the text block's width; a horizontal bar chart grows with its options."""
    room = LEGEND_ROOM if spec.highlight and spec.highlight_label else 0.0
    if spec.kind == "barh":
        lines = sum(_wrap(label, BAR_LABEL_WIDTH).count("\n") + 1 for label in spec.labels)
        return TEXT_WIDTH, (1.4 + 0.45 * lines + 0.3 * max(len(spec.counts), 2)) * CM + room
    return TEXT_WIDTH, 6.5 * CM + room


def _bar(figure: Figure, spec: ChartSpec, style: ChartStyle) -> None:
    """Columns with the share of the base above each; a histogram's classes touch, as the values run on."""
    axes = figure.add_subplot()
    positions = range(len(spec.counts))
    touching: dict[str, Any] = {"width": 1.0, "edgecolor": "white", "linewidth": 1.2}
    bars = axes.bar(
        positions, spec.counts, color=bar_colours(spec, style), **(touching if spec.kind == "hist" else {"width": 0.65})
    )
    labels = [fmt.percent(count / spec.valid, 1) if spec.valid else "" for count in spec.counts]
    printed = axes.bar_label(bars, labels=labels, padding=2, fontsize=VALUE_SIZE, color=style.text)
    base = provenance.Base(spec.question_id, spec.valid)
    for text, count, label in zip(printed, spec.counts, spec.labels, strict=True):
        describe(text, provenance.share(count, base, f"Antwort „{label}“"))
    mark(figure, spec, style)
    _column_labels(figure, axes, spec.labels)
    axes.set_ylabel("Absolute Häufigkeit")
    if spec.axis_label:
        axes.set_xlabel(spec.axis_label)
    cast("MaxNLocator", axes.yaxis.get_major_locator()).set_params(integer=True)
    # Bar charts of one scale share the highest count among them (value_max, see shared_value_axis), so that equal
    # columns are equally high across the report; room above it for the printed shares.
    axes.set_ylim(0, max((*spec.counts, spec.value_max or 0, 1)) * 1.15)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(style.muted)
    axes.grid(axis="y", color="#dde3e6", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.yaxis.set_major_formatter(lambda value, _: fmt.number(value))


def _barh(figure: Figure, spec: ChartSpec, style: ChartStyle) -> None:
    """A bar per option, first on top, as percent of the respondents (`valid`): the shares may sum above 100 %."""
    axes = figure.add_subplot()
    positions = range(len(spec.counts))
    shares = [count / spec.valid * 100 if spec.valid else 0.0 for count in spec.counts]
    bars = axes.barh(positions, shares, color=bar_colours(spec, style), height=0.62)
    labels = [fmt.percent(share / 100, 1) if spec.valid else "" for share in shares]
    printed = axes.bar_label(bars, labels=labels, padding=3, fontsize=VALUE_SIZE, color=style.text)
    base = provenance.Base(spec.question_id, spec.valid, noun="Befragten, die die Frage beantwortet haben")
    for text, count, label in zip(printed, spec.counts, spec.labels, strict=True):
        describe(text, provenance.share(count, base, f"Option „{label}“"))
    mark(figure, spec, style)
    axes.set_yticks(list(positions), [_wrap(label, BAR_LABEL_WIDTH) for label in spec.labels])
    axes.invert_yaxis()
    axes.tick_params(axis="y", length=0)
    if spec.axis_label:
        axes.set_xlabel(spec.axis_label)
    axes.set_xlim(0, max((*shares, 1.0)) * 1.18)
    axes.spines[["top", "right"]].set_visible(False)
    axes.spines[["left", "bottom"]].set_color(style.muted)
    axes.grid(axis="x", color="#dde3e6", linewidth=0.6)
    axes.set_axisbelow(True)
    axes.xaxis.set_major_formatter(lambda value, _: fmt.percent(value / 100))


def marked(spec: ChartSpec) -> list[int]:
    """The indexes of `spec.labels` to mark (the respondent's own answers), checked: a wrong index is a bug."""
    wrong = [index for index in spec.highlight if not 0 <= index < len(spec.labels)]
    if wrong:
        raise ValueError(f"highlight {wrong} outside the {len(spec.labels)} labels of chart {spec.name}")
    return sorted(set(spec.highlight))


def bar_colours(spec: ChartSpec, style: ChartStyle) -> str | list[str]:
    """The primary colour for every bar; with marked answers, the accent colour for theirs."""
    if not spec.highlight:
        return style.primary
    chosen = marked(spec)
    return [style.accent if index in chosen else style.primary for index in range(len(spec.counts))]


def mark(figure: Figure, spec: ChartSpec, style: ChartStyle) -> None:
    """The legend that names the marked bars („Ihr Unternehmen“), above the chart on the right."""
    if spec.highlight and spec.highlight_label:
        from matplotlib.patches import Patch

        handle = Patch(facecolor=style.accent, label=spec.highlight_label)
        figure.legend(handles=[handle], loc="outside upper right", frameon=False, fontsize=VALUE_SIZE)


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) if len(label) > width else label


def _column_labels(figure: Figure, axes: Axes, labels: tuple[str, ...]) -> None:
    """Labels under columns, wrapped to the width a column has, so neighbours never run into each other; a word
    wider than its column makes them all a half point smaller (not below VALUE_SIZE)."""
    xmin, xmax = axes.get_xlim()
    # The axes' width before the layout is done: less than after (constrained), so the estimate is on the safe side.
    column = figure.get_figwidth() * 72 * axes.get_position().width / (xmax - xmin)
    width = column - 6  # a gap between neighbours
    size = LABEL_SIZE
    words = [unglue(word) for label in labels for word in glue(label).split()]
    if max((text_width(word, size) for word in words), default=0) > width:
        size = VALUE_SIZE
    axes.set_xticks(range(len(labels)), [wrap_to(label, width, size) for label in labels], fontsize=size)


def text_width(text: str, size: float) -> float:
    """The width of one line in points, in the current font (matplotlib's rc settings) at `size` points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    width, _height, _descent = TextToPath().get_text_width_height_descent(text, FontProperties(size=size), False)
    return float(width)


def wrap_to(label: str, width: float, size: float) -> str:
    """`label` in lines at most `width` points wide, broken between words only; one that fits stays as it is."""
    if text_width(label, size) <= width:
        return label
    lines: list[str] = []
    for word in glue(label).split():
        if lines and text_width(unglue(f"{lines[-1]} {word}"), size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return unglue("\n".join(lines))


def glue(label: str) -> str:
    """No line break beside "=": `1 = Stimme voll zu` breaks after `1 = Stimme`, `(n = 25)` not at all."""
    return label.replace(" = ", f"{GLUE}={GLUE}")


def unglue(label: str) -> str:
    return label.replace(GLUE, " ")


def renderer(figure: Figure) -> RendererBase:
    """A renderer to measure the drawn text with (the SVG has the same font and sizes)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    return cast("RendererBase", FigureCanvasAgg(figure).get_renderer())  # type: ignore[no-untyped-call]
