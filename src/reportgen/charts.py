"""Statistics -> SVG charts: what a chart shows (ChartSpec), taken from the cache or drawn (chart_drawing.py) in an
executor while the pages are laid out."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Executor, Future
from dataclasses import asdict, dataclass
from pathlib import Path

from . import __version__, chart_drawing
from .cache import read_cached


def drawing_version() -> str:
    """Changes whenever the drawing code, reportgen or matplotlib changes: part of every cache key."""
    from importlib.metadata import version

    here = Path(__file__)
    sources = (
        here,
        *(
            here.with_name(name)
            for name in (
                "chart_drawing.py",
                "chart_pie.py",
                "charts_compare.py",
                "charts_describe.py",
                "colours.py",
                "provenance.py",  # the chart labels' descriptions are in the SVG
                "fmt.py",
            )
        ),
    )
    code = hashlib.sha256(b"".join(path.read_bytes() for path in sources)).hexdigest()
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
    accent: str = "#f28c28"  # the disagreeing side of a likert chart


@dataclass(frozen=True)
class ChartSpec:
    """Everything needed to draw one chart, and nothing else (it is the cache key).

    `kind`: "bar" (a column per answer), "hist" (touching columns per class of a numeric item), "barh" (a horizontal
    bar per option of a multiple-response set, as a share of `valid`, the respondents), "pie", or the comparison
    charts of charts_compare.py: "likert" (a diverging stacked bar per item) and "grouped" (bars per category, one
    per segment), for which `labels` are the categories (the scale points in scale order for likert) and `counts`
    is ()."""

    kind: str
    question_id: str
    labels: tuple[str, ...]
    counts: tuple[int, ...]
    valid: int
    description: str
    # Under the horizontal axis (bar, hist) or the vertical one (barh): what the axis shows, with its scale anchors.
    axis_label: str = "Antwortwert"
    series: tuple[tuple[float, ...], ...] = ()  # per series (item / segment): shares 0..1 per label
    series_labels: tuple[str, ...] = ()  # item or segment labels as shown, the caller adds "(n = 11)"
    flagged: tuple[bool, ...] = ()  # per series: small base -> drawn muted/hatched, label marked "*"
    intervals: tuple[tuple[tuple[float, float], ...], ...] = ()  # grouped only, optional: (low, high) per bar
    # likert: index in labels of the centred neutral point; None: an even scale, split between its middle points
    neutral: int | None = None
    # The upper end of the value axis, shared by comparable charts (shared_value_axis): a share for likert and
    # grouped, the highest count for bar charts of one scale.
    value_max: float | None = None
    scale: str = ""  # bar, grouped: the scale of its answers (codes and labels), empty for other questions; bar charts of one scale share an axis
    key: str = ""  # [a-z0-9-]: tells apart charts of one question (by=, where=)
    # Batch reports: indexes into `labels` of the answers to mark (the respondent's own), and the legend text for
    # the mark („Ihr Unternehmen“); () draws the chart as before.
    highlight: tuple[int, ...] = ()
    highlight_label: str = ""

    @property
    def name(self) -> str:
        return f"{self.kind}-{self.question_id}-{self.key}.svg" if self.key else f"{self.kind}-{self.question_id}.svg"

    def digest(self, style_key: str) -> str:
        """The cache key: this spec, the style (see `style_key`) and the drawing code's version."""
        key = {"spec": asdict(self), "style": style_key}
        return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def style_key(style: ChartStyle) -> str:
    """Colours, the font file's content (not its path) and the drawing code's version."""
    colours = json.dumps([style.primary, style.text, style.muted, list(style.palette), style.accent])
    return f"{colours}:{style.font_digest}:{drawing_version()}"


class PendingCharts:
    """Charts read from the cache or being drawn in worker processes while the page is laid out.

    Nothing is written here: the build stores `result()` and `new_cache_entries()` through its writer."""

    def __init__(self, style: ChartStyle, cache_dir: Path | None, known: Mapping[str, bytes] | None = None) -> None:
        self._style = style
        self._style_key = style_key(style)
        self._cache_dir = cache_dir
        self._known = known or {}
        self._cache_names: dict[str, str] = {}
        self._ready: dict[str, bytes] = {}
        self._drawn: set[str] = set()
        self._futures: dict[str, Future[bytes]] = {}
        self._specs: dict[str, ChartSpec] = {}  # of the charts being drawn

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
        cached = self._known.get(cache_name)
        if cached is None and self._cache_dir is not None:
            cached = read_cached(self._cache_dir / cache_name)
        if cached is not None:
            self._ready[spec.name] = cached
        elif executor is not None:
            self._futures[spec.name] = executor.submit(chart_drawing.draw, spec, self._style)
            self._specs[spec.name] = spec
        else:
            self._finish(spec.name, chart_drawing.draw(spec, self._style))

    def get(self, name: str) -> bytes:
        """One chart's SVG, waiting for its drawing if need be."""
        if name not in self._ready:
            self._finish(name, self._futures.pop(name).result())
        return self._ready[name]

    def stand_in(self, name: str) -> bytes | None:
        """An empty SVG of the size the chart will have, while it is still being drawn and its size is known
        without drawing (chart_drawing.stand_in); None otherwise."""
        future = self._futures.get(name)
        if future is None or future.done():
            return None
        return chart_drawing.stand_in(self._specs[name])

    def result(self) -> dict[str, bytes]:
        """Every chart's SVG by file name."""
        return {name: self.get(name) for name in self._cache_names}

    def by_cache_name(self) -> dict[str, bytes]:
        """Every chart's SVG by cache file name: what a later build with the same specs can take (`known`)."""
        return {cache_name: self.get(name) for name, cache_name in self._cache_names.items()}

    def new_cache_entries(self) -> dict[str, bytes]:
        """The charts drawn in this build, by cache file name."""
        return {self._cache_names[name]: self.get(name) for name in sorted(self._drawn | set(self._futures))}

    def when_ready(self, callback: Callable[[dict[str, bytes]], None]) -> None:
        """`callback(every chart's SVG by file name)` once all are at hand: now if they are, else in the thread that
        receives the last drawing (the executor's). Never if a drawing failed: `get` raises that error."""
        ready = dict(self._ready)
        drawing = dict(self._futures)  # a copy: `get` takes the drawings it waited for out of `_futures`
        if not drawing:
            callback(ready)
            return
        left = [len(drawing)]
        lock = threading.Lock()

        def drawn(_future: Future[bytes]) -> None:
            with lock:
                left[0] -= 1
                if left[0]:
                    return
            if all(not future.cancelled() and future.exception() is None for future in drawing.values()):
                callback({**ready, **{name: future.result() for name, future in drawing.items()}})

        for future in drawing.values():
            future.add_done_callback(drawn)

    def _finish(self, name: str, svg: bytes) -> None:
        self._drawn.add(name)
        self._ready[name] = svg


def start_charts(
    specs: Iterable[ChartSpec],
    style: ChartStyle,
    cache_dir: Path | None,
    executor: Executor | None = None,
    known: Mapping[str, bytes] | None = None,
) -> PendingCharts:
    """Start every chart: from `known` (by cache name) or the cache, in `executor`, or (without one) drawn here."""
    pending = PendingCharts(style, cache_dir, known)
    for spec in {spec.name: spec for spec in specs}.values():
        pending.start(spec, executor)
    return pending


def warm_up() -> None:
    """Load matplotlib ahead of the first chart (run in the chart worker)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.figure
