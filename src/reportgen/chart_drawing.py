"""Drawing one chart with matplotlib: an SVG with its text kept as text, the same bytes for the same spec and style.
The bar, histogram and pie charts are here; the comparison charts in charts_compare.py."""

from __future__ import annotations

import io
import textwrap
from typing import TYPE_CHECKING, Any, cast

from . import fmt

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from .charts import ChartSpec, ChartStyle

CM = 1 / 2.54
# Characters per line of a label beside a bar (barh): longer ones wrap. Labels under columns wrap to the column.
BAR_LABEL_WIDTH = 34
# The smallest font a label under a column shrinks to when one of its words is wider than the column.
SMALLEST_LABEL_SIZE = 6.5
COMPARISON_KINDS = ("likert", "grouped")
GLUE = "\ue000"  # stands for a space no label is broken at while it is wrapped (a private-use character)


def draw(spec: ChartSpec, style: ChartStyle) -> bytes:
    """One chart as SVG; deterministic for the same spec and style."""
    from matplotlib import rc_context

    with rc_context(settings(style)):
        figure = build_figure(spec, style)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buffer.getvalue()


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
        "font.size": 9,
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

    figure = Figure(figsize=_size(spec))
    if spec.kind in ("bar", "hist"):
        _bar(figure, spec, style)
    elif spec.kind == "barh":
        _barh(figure, spec, style)
    else:
        _pie(figure, spec, style)
    return figure


def _size(spec: ChartSpec) -> tuple[float, float]:
    """Width and height in inches: a horizontal bar chart grows with its options."""
    if spec.kind == "barh":
        return 15 * CM, (1.6 + 0.75 * max(len(spec.counts), 2)) * CM
    return (15 * CM, 6 * CM) if spec.kind in ("bar", "hist") else (13 * CM, 5 * CM)


def _bar(figure: Figure, spec: ChartSpec, style: ChartStyle) -> None:
    """Columns with the share of the base above each; a histogram's classes touch, as the values run on."""
    axes = figure.add_subplot()
    positions = range(len(spec.counts))
    touching: dict[str, Any] = {"width": 1.0, "edgecolor": "white", "linewidth": 1.2}
    bars = axes.bar(
        positions, spec.counts, color=style.primary, **(touching if spec.kind == "hist" else {"width": 0.65})
    )
    labels = [fmt.percent(count / spec.valid, 1) if spec.valid else "" for count in spec.counts]
    axes.bar_label(bars, labels=labels, padding=2, fontsize=8, color=style.text)
    _column_labels(figure, axes, spec.labels)
    axes.set_ylabel("Absolute Häufigkeit")
    if spec.axis_label:
        axes.set_xlabel(spec.axis_label)
    cast("MaxNLocator", axes.yaxis.get_major_locator()).set_params(integer=True)
    axes.set_ylim(0, max((*spec.counts, 1)) * 1.15)
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
    bars = axes.barh(positions, shares, color=style.primary, height=0.62)
    labels = [fmt.percent(share / 100, 1) if spec.valid else "" for share in shares]
    axes.bar_label(bars, labels=labels, padding=3, fontsize=8, color=style.text)
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


def _wrap(label: str, width: int) -> str:
    return "\n".join(textwrap.wrap(label, width, break_long_words=False)) if len(label) > width else label


def _column_labels(figure: Figure, axes: Axes, labels: tuple[str, ...]) -> None:
    """Labels under columns, wrapped to the width a column has, so neighbours never run into each other."""
    from matplotlib import rcParams
    from matplotlib.font_manager import FontProperties

    xmin, xmax = axes.get_xlim()
    column = figure.get_figwidth() * 72 * axes.get_position().width / (xmax - xmin)
    width = column - 6  # a gap between neighbours
    size = float(FontProperties(size=rcParams["xtick.labelsize"]).get_size_in_points())
    words = [unglue(word) for label in labels for word in glue(label).split()]
    while size > SMALLEST_LABEL_SIZE and max((text_width(word, size) for word in words), default=0) > width:
        size -= 0.5
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


def _pie(figure: Figure, spec: ChartSpec, style: ChartStyle) -> None:
    axes = figure.add_subplot()
    colours = [style.palette[index % len(style.palette)] for index in range(len(spec.counts))]
    wedges, _texts, autotexts = axes.pie(
        spec.counts,
        colors=colours,
        startangle=90,
        counterclock=False,
        autopct=lambda share: fmt.percent(share / 100, 1) if share >= 10 else "",
        pctdistance=0.72,
        wedgeprops={"linewidth": 1.2, "edgecolor": "white"},
    )
    for text, colour in zip(autotexts, colours, strict=True):
        text.set_color("white" if is_dark(colour) else style.text)
        text.set_fontsize(8)
    legend = [
        f"{label}: {count} ({fmt.percent(count / spec.valid, 1)})"
        for label, count in zip(spec.labels, spec.counts, strict=True)
    ]
    axes.legend(wedges, legend, loc="center left", bbox_to_anchor=(1.05, 0.5), frameon=False, fontsize=8.5)
    axes.set_aspect("equal")


def is_dark(colour: str) -> bool:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 150
