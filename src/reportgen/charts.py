"""Statistics -> SVG charts (matplotlib, text kept as text), cached by content hash."""

from __future__ import annotations

import hashlib
import io
import json
import textwrap
from collections.abc import Iterable
from concurrent.futures import Executor, Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from . import __version__, fmt
from .cache import read_cached

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

CM = 1 / 2.54
# Characters per line of a label under a column (bar, hist) and beside a bar (barh): longer ones wrap.
COLUMN_LABEL_WIDTH = 16
BAR_LABEL_WIDTH = 34


def drawing_version() -> str:
    """Changes whenever the drawing code, reportgen or matplotlib changes: part of every cache key."""
    from importlib.metadata import version

    code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    return f"{__version__}:{version('matplotlib')}:{code}"


@dataclass(frozen=True)
class ChartStyle:
    """What a chart looks like beyond its data: font (its file, and a hash of its content) and brand colours."""

    font_file: str
    font_digest: str
    primary: str
    text: str
    muted: str
    palette: tuple[str, ...]


@dataclass(frozen=True)
class ChartSpec:
    """Everything needed to draw one chart, and nothing else (it is the cache key).

    `kind`: "bar" (a column per answer), "hist" (touching columns per class of a numeric item), "barh" (a horizontal
    bar per option of a multiple-response set, as a share of `valid`, the respondents) or "pie"."""

    kind: str
    question_id: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    valid: int
    description: str
    # Under the horizontal axis (bar, hist) or the vertical one (barh): what the axis shows, with its scale anchors.
    axis_label: str = "Antwortwert"

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.question_id}.svg"

    def digest(self, style_key: str) -> str:
        """The cache key: this spec, the style (see `style_key`) and the drawing code's version."""
        key = {"spec": asdict(self), "style": style_key}
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def style_key(style: ChartStyle) -> str:
    """Colours, the font file's content (not its path) and the drawing code's version."""
    colours = json.dumps([style.primary, style.text, style.muted, list(style.palette)])
    return f"{colours}:{style.font_digest}:{drawing_version()}"


class PendingCharts:
    """Charts read from the cache or being drawn in worker processes while the page is laid out.

    Nothing is written here: the build stores `result()` and `new_cache_entries()` through its writer."""

    def __init__(self, style: ChartStyle, cache_dir: Path | None) -> None:
        self._style = style
        self._style_key = style_key(style)
        self._cache_dir = cache_dir
        self._cache_names: dict[str, str] = {}
        self._ready: dict[str, bytes] = {}
        self._drawn: set[str] = set()
        self._futures: dict[str, Future[bytes]] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._cache_names)

    @property
    def cache_names(self) -> frozenset[str]:
        """The cache files of every chart in the report: the cache keeps exactly these."""
        return frozenset(self._cache_names.values())

    @property
    def drawn(self) -> int:
        """How many charts were drawn rather than taken from the cache."""
        return len(self._drawn) + len(self._futures)

    def start(self, spec: ChartSpec, executor: Executor | None) -> None:
        """Take the chart from the cache, or draw it in `executor` (in this process without one)."""
        cache_name = self._cache_names[spec.name] = f"{spec.digest(self._style_key)}.svg"
        cached = read_cached(self._cache_dir / cache_name) if self._cache_dir is not None else None
        if cached is not None:
            self._ready[spec.name] = cached
        elif executor is not None:
            self._futures[spec.name] = executor.submit(draw, spec, self._style)
        else:
            self._finish(spec.name, draw(spec, self._style))

    def get(self, name: str) -> bytes:
        """One chart's SVG, waiting for its drawing if need be."""
        if name not in self._ready:
            self._finish(name, self._futures.pop(name).result())
        return self._ready[name]

    def result(self) -> dict[str, bytes]:
        """Every chart's SVG by file name."""
        return {name: self.get(name) for name in self._cache_names}

    def new_cache_entries(self) -> dict[str, bytes]:
        """The charts drawn in this build, by cache file name."""
        return {self._cache_names[name]: self.get(name) for name in sorted(self._drawn | set(self._futures))}

    def _finish(self, name: str, svg: bytes) -> None:
        self._drawn.add(name)
        self._ready[name] = svg


def start_charts(
    specs: Iterable[ChartSpec], style: ChartStyle, cache_dir: Path | None, executor: Executor | None = None
) -> PendingCharts:
    """Start every chart: from the cache, in `executor`, or (without one) drawn right here."""
    pending = PendingCharts(style, cache_dir)
    for spec in {spec.name: spec for spec in specs}.values():
        pending.start(spec, executor)
    return pending


def warm_up() -> None:
    """Load matplotlib ahead of the first chart (run in the chart worker)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure


def draw(spec: ChartSpec, style: ChartStyle) -> bytes:
    """One chart as SVG; deterministic for the same spec and style."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager, rc_context
    from matplotlib.figure import Figure

    font_manager.fontManager.addfont(style.font_file)
    family = font_manager.FontProperties(fname=style.font_file).get_name()
    settings: dict[Any, Any] = {
        "svg.fonttype": "none",
        "svg.hashsalt": "reportgen",
        "font.family": family,
        "font.size": 9,
        "text.color": style.text,
        "axes.labelcolor": style.text,
        "xtick.color": style.text,
        "ytick.color": style.text,
    }
    with rc_context(settings):
        figure = Figure(figsize=_size(spec))
        if spec.kind in ("bar", "hist"):
            _bar(figure, spec, style)
        elif spec.kind == "barh":
            _barh(figure, spec, style)
        else:
            _pie(figure, spec, style)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    return buffer.getvalue()


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
    axes.set_xticks(list(positions), [_wrap(label, COLUMN_LABEL_WIDTH) for label in spec.labels])
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
        text.set_color("white" if _is_dark(colour) else style.text)
        text.set_fontsize(8)
    legend = [
        f"{label}: {count} ({fmt.percent(count / spec.valid, 1)})"
        for label, count in zip(spec.labels, spec.counts, strict=True)
    ]
    axes.legend(wedges, legend, loc="center left", bbox_to_anchor=(1.05, 0.5), frameon=False, fontsize=8.5)
    axes.set_aspect("equal")


def _is_dark(colour: str) -> bool:
    red, green, blue = (int(colour[index : index + 2], 16) for index in (1, 3, 5))
    return 0.299 * red + 0.587 * green + 0.114 * blue < 150
