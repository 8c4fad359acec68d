"""The pie chart: wedges on the left, a legend with every answer, its count and share on the right; a share is
printed inside its wedge only where it fits with room to the wedge's borders, in a colour readable on the wedge."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any, cast

from . import fmt, provenance
from .chart_drawing import CM, TEXT_WIDTH, VALUE_SIZE, describe, marked, renderer
from .colours import text_on

if TYPE_CHECKING:
    from matplotlib.backend_bases import RendererBase
    from matplotlib.figure import Figure
    from matplotlib.patches import Wedge
    from matplotlib.text import Text

    from .charts import ChartSpec, ChartStyle

HEIGHT = 5.5 * CM
SIZE = (TEXT_WIDTH, HEIGHT)  # inches
BORDER = 1.2  # the white line between wedges, in points
CLEARANCE = 2.0  # the least room between a printed share and its wedge's borders, in points
RADII = (0.68, 0.6, 0.76, 0.52)  # where a share is tried, in parts of the radius, the first that fits is kept
# A marked wedge (the respondent's answer) is pulled out by this part of the radius and outlined in the accent
# colour: the palette may hold the accent colour itself, so a fill alone would not tell it apart.
PULLED = 0.08
OUTLINE = 2.0  # the marked wedge's outline, in points


def pie_figure(spec: ChartSpec, style: ChartStyle) -> Figure:
    """The pie in a square on the left of a figure as wide as the text block, its legend beside it."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=SIZE)
    margin = 0.04
    side = (1 - 2 * margin) * HEIGHT / TEXT_WIDTH
    axes = figure.add_axes((margin * HEIGHT / TEXT_WIDTH, margin, side, 1 - 2 * margin))
    colours = [style.palette[index % len(style.palette)] for index in range(len(spec.counts))]
    chosen = marked(spec)
    pulled: dict[str, Any] = (
        {"explode": [PULLED if index in chosen else 0.0 for index in range(len(spec.counts))]} if chosen else {}
    )
    wedges, _texts = axes.pie(
        spec.counts,
        colors=colours,
        startangle=90,
        counterclock=False,
        wedgeprops={"linewidth": BORDER, "edgecolor": "white"},
        **pulled,
    )
    for index in chosen:
        wedges[index].set(edgecolor=style.accent, linewidth=OUTLINE, zorder=3)
    axes.set_aspect("equal")
    measure = renderer(figure)
    total = sum(spec.counts)
    whole = provenance.Base(spec.question_id, total)
    for wedge, count, colour, label in zip(wedges, spec.counts, colours, spec.labels, strict=True):
        if count and total:
            text = axes.text(0, 0, fmt.percent(count / total, 1))
            describe(text, provenance.share(count, whole, f"Antwort „{label}“"))
            _print_share(text, wedge, text_on(colour, style.text), measure)
    legend = [
        f"{label}: {count} ({fmt.percent(count / spec.valid, 1)})"
        for label, count in zip(spec.labels, spec.counts, strict=True)
    ]
    for index in chosen:
        legend[index] += f" – {spec.highlight_label}" if spec.highlight_label else ""
    shown = axes.legend(
        wedges, legend, loc="center left", bbox_to_anchor=(1.08, 0.5), frameon=False, fontsize=VALUE_SIZE
    )
    base = provenance.Base(spec.question_id, spec.valid)
    for text, label, count in zip(shown.get_texts(), spec.labels, spec.counts, strict=True):
        describe(
            text,
            f"{provenance.count(count, base, f'Antwort „{label}“')}; {provenance.share(count, base, f'Antwort „{label}“')}",
        )
    return figure


def _print_share(text: Text, wedge: Wedge, colour: str, renderer: RendererBase) -> None:
    """The share at the first of RADII where it fits its wedge, else not at all (the legend gives it)."""
    text.set(fontsize=VALUE_SIZE, color=colour, ha="center", va="center")
    middle = math.radians((wedge.theta1 + wedge.theta2) / 2)
    x, y = wedge.center  # (0, 0) unless the wedge is pulled out
    for radius in RADII:
        position = (radius * math.cos(middle), radius * math.sin(middle))
        text.set_position((x + position[0], y + position[1]) if (x, y) != (0, 0) else position)
        if fits(text, wedge, renderer):
            return
    text.remove()


def fits(text: Text, wedge: Wedge, renderer: RendererBase) -> bool:
    """Whether the box of `text` with CLEARANCE around it lies inside `wedge`, clear of its white border."""
    room = cast("float", renderer.points_to_pixels(CLEARANCE + BORDER / 2))
    box = text.get_window_extent(renderer).expanded(1, 1).padded(room)
    corners = [(box.x0, box.y0), (box.x0, box.y1), (box.x1, box.y0), (box.x1, box.y1)]
    # The edges' middles too: a corner can lie in the wedge while an edge crosses a border between them.
    middles = [((box.x0 + box.x1) / 2, box.y0), ((box.x0 + box.x1) / 2, box.y1)]
    middles += [(box.x0, (box.y0 + box.y1) / 2), (box.x1, (box.y0 + box.y1) / 2)]
    inside = wedge.get_path().contains_points(corners + middles, transform=wedge.get_transform()).all()
    # A wedge of more than half the pie is not convex: its centre must not be in the box either.
    return bool(inside) and not box.contains(*wedge.get_transform().transform(wedge.center))
