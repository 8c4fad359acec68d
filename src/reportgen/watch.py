"""`reportgen watch`: a session that keeps the project warm and, after each save, publishes the changed pages as
images (a live preview), then writes build/report.pdf exactly as `reportgen build` does."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import hashlib
import io
import logging
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Generic, TypeVar
from urllib.parse import unquote, urlsplit

from .errors import Location, ReportError, ReportErrors
from .layout import Layout
from .number_boxes import ChartLabels, ElementKey, NumberBox, PageText, Span
from .prepare_cache import PrepareCache
from .timing import StageHook

# PDFium's scale is pixels per PDF point: an A4 page (595 pt, 794 CSS px) becomes 1190 pixels wide, sharp at the
# width a browser shows it and still sharp enough on a high-density screen.
RASTER_SCALE = 2.0
_EVENTS_KEPT = 64  # events a slow /events reader may be behind before it only sees the newest


NumbersOf = Callable[[Any], Sequence[Sequence[NumberBox]]]  # a rendering -> the number boxes of each page


class ProvenanceBoxes:
    """The number boxes of each rendering's pages, found on the PDF's own pages (see number_boxes): the numbers of
    the provenance spans where the elements around them show them, the chart labels where the charts stand.

    What stays the same from one rendering to the next is not looked at again: a page a layout of one chapter keeps
    (see parts), a chapter's HTML, an element of a kept page with the same numbers, a chart's SVG."""

    def __init__(self) -> None:
        self._pages: Reused[Any, PageText] = Reused()  # by page object
        self._parts: Reused[str, Sequence[tuple[ElementKey, tuple[Span, ...]]]] = Reused()  # by a chapter's HTML
        self._measured: Reused[tuple[Any, tuple[Span, ...]], list[tuple[PageText, NumberBox]]] = Reused()
        self._charts: Reused[bytes, ChartLabels | None] = Reused()  # by SVG

    def __call__(self, rendering: Any) -> Sequence[Sequence[NumberBox]]:
        from .number_boxes import chapter_elements, chart_labels, marked_elements, number_boxes, page_text

        for kept in (self._pages, self._parts, self._measured, self._charts):
            kept.next()
        texts = [
            self._pages.get(page, functools.partial(page_text, page)) for page in rendering.laid_out.document.pages
        ]
        charts = {
            PurePosixPath(name).name: self._charts.get(svg, functools.partial(chart_labels, svg))
            for name, svg in ((name, rendering.assets[name]) for name in rendering.assets)
            if name.startswith(f"{Layout.charts}/")
        }
        marked = marked_elements(
            rendering.project.html, lambda part: self._parts.get(part, lambda: chapter_elements(part))
        )
        return number_boxes(texts, marked, charts, functools.partial(self._measure, texts))

    def _measure(
        self, texts: Sequence[PageText], text: str, boxes: Sequence[tuple[int, Any]], spans: tuple[Span, ...]
    ) -> list[tuple[int, NumberBox]]:
        """number_boxes.measured, or what it gave for this element (laid out once) with these spans."""
        from .number_boxes import measured

        def measure() -> list[tuple[PageText, NumberBox]]:
            return [(texts[index], box) for index, box in measured(text, boxes, spans)]

        at = {id(page): index for index, page in enumerate(texts)}
        found = self._measured.get((boxes[0][1].element, spans), measure)
        return [(at[id(page)], box) for page, box in found]


K = TypeVar("K")
V = TypeVar("V")


class Reused(Generic[K, V]):
    """Values by key from one rendering to the next: what the last one had and this one asks for again is reused,
    the rest is forgotten at the `next()` rendering. (Keys are held, so an object a key compares by identity is the
    same object when it is asked for again.)"""

    def __init__(self) -> None:
        self._last: dict[K, V] = {}
        self._now: dict[K, V] = {}

    def next(self) -> None:
        self._last, self._now = self._now, {}

    def get(self, key: K, make: Callable[[], V]) -> V:
        value = self._now[key] = self._last[key] if key in self._last else make()
        return value


# The look of a page: where each box is, what it says, how it is drawn


_STYLE_KEYS = (
    "color",
    "background_color",
    "background_image",
    "font_family",
    "font_size",
    "font_weight",
    "font_style",
    "opacity",
    "visibility",
    "text_decoration_line",
    "border_top_color",
    "border_right_color",
    "border_bottom_color",
    "border_left_color",
    "border_top_width",
    "border_right_width",
    "border_bottom_width",
    "border_left_width",
)


def page_fingerprint(page: Any, images: ImageDigests, styles: dict[int, str] | None = None) -> str:
    """A digest of a laid-out page's look: size, and per box its kind, place, size, text, image and drawing style.

    Two pages with the same fingerprint draw the same; `images` names an image's content. `styles` keeps each
    style's part of the digest by the style object's id while its document lives (boxes of one element share it)."""
    styles = {} if styles is None else styles
    digest = hashlib.blake2b(repr((page.width, page.height)).encode(), digest_size=16)
    for box in page._page_box.descendants():
        style = box.style
        drawn = styles.get(id(style))
        if drawn is None:
            drawn = styles[id(style)] = _drawn(style, images)
        image = getattr(box, "replacement", None)
        parts = (
            type(box).__name__,
            box.position_x,
            box.position_y,
            box.width,
            box.height,
            getattr(box, "text", None),
            images(image) if image is not None else None,
        )
        digest.update(repr(parts).encode())
        digest.update(drawn.encode())
    return digest.hexdigest()


def _drawn(style: Any, images: ImageDigests) -> str:
    """The part of a box's computed style that changes how it looks, with background images by their content."""
    values = []
    for key in _STYLE_KEYS:
        value = style[key]
        if key == "background_image":
            value = tuple(images.url(item) if kind == "url" else (kind, _plain(item)) for kind, item in value)
        values.append(value)
    return repr(values)


def _plain(value: Any) -> str:
    """A value's repr without the memory address Python's default repr has (gradients have no repr of their own)."""
    text = repr(value)
    return repr(sorted(vars(value).items())) if " object at 0x" in text else text


class Fingerprints:
    """The pages' fingerprints over a session, the shared styles of a document's pages described once: a page object
    a later layout keeps (see parts) draws as before, so its fingerprint is not taken again. (A layout keeps pages
    only where the assets are the same, see parts.relaid, so their images are the same too.)"""

    def __init__(self) -> None:
        self._pages: Reused[Any, str] = Reused()  # by page object

    def __call__(self, document: Any, images: ImageDigests) -> list[str]:
        styles: dict[int, str] = {}
        self._pages.next()
        return [
            self._pages.get(page, functools.partial(page_fingerprint, page, images, styles)) for page in document.pages
        ]


def changed_pages(before: Sequence[str], after: Sequence[str]) -> list[int]:
    """Indexes (from 0) of the pages in `after` whose fingerprint differs from the same page in `before`."""
    return [index for index, print_ in enumerate(after) if index >= len(before) or before[index] != print_]


class ImageDigests:
    """An image's content digest by its URL: in-memory assets (charts, logo) by their bytes, other project files by
    size and modification time; WeasyPrint keeps only the URL of an SVG image."""

    def __init__(self, root: Path, assets: Mapping[str, bytes]) -> None:
        self._root = root
        self._assets = assets
        self._known: dict[str, str] = {}

    def __call__(self, image: Any) -> str:
        """The digest of a replaced box's image: an SVG by its URL, a raster image by the bytes WeasyPrint keeps."""
        url = getattr(image, "_base_url", None)
        if url:
            return self.url(url)
        key = f"id {id(image)}"  # the image objects live as long as the document, and so do these digests
        if key not in self._known:
            data = getattr(getattr(image, "image_data", None), "data", None)
            self._known[key] = _digest(data) if isinstance(data, bytes) else type(image).__name__
        return self._known[key]

    def url(self, url: str) -> str:
        if url not in self._known:
            self._known[url] = self._digest(url)
        return self._known[url]

    def _digest(self, url: str) -> str:
        from .pdf import VIRTUAL_ROOT

        parts = urlsplit(url)
        path = PurePosixPath(unquote(parts.path))
        if parts.scheme != "file" or not path.is_relative_to(VIRTUAL_ROOT):
            return url
        name = path.relative_to(VIRTUAL_ROOT).as_posix()
        if name in self._assets:
            return _digest(self._assets[name])
        try:
            stat = (self._root / name).stat()
        except OSError:
            return url
        return f"{url} {stat.st_size} {stat.st_mtime_ns}"


def _digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# What the preview page shows


@dataclass(frozen=True)
class PageImage:
    """One page as shown: its PNG, its size in CSS px, its numbers, and the preview version that last changed it."""

    png: bytes
    width: float
    height: float
    numbers: tuple[NumberBox, ...]
    version: int
    fingerprint: str


@dataclass(frozen=True)
class Problem:
    """A mistake as the page shows it."""

    text: str
    message: str
    file: str | None
    line: int | None
    hint: str


def problems(error: ReportError) -> tuple[Problem, ...]:
    """Each problem of `error` with its place and hint."""
    singles = error.errors if isinstance(error, ReportErrors) else [error]
    return tuple(_problem(single) for single in singles)


def notices(warnings: Iterable[ReportError]) -> tuple[Problem, ...]:
    """Each warning with its place and hint, each once."""
    return tuple(dict.fromkeys(_problem(warning) for warning in warnings))


def _problem(error: ReportError) -> Problem:
    location: Location | None = error.location
    line = None if location is None else (location.line if location.line is not None else location.row)
    return Problem(str(error), error.message, None if location is None else location.file, line, error.hint)


@dataclass(frozen=True)
class Event:
    """What /events tells the page: `kind` is preview, pdf, error or recovered."""

    number: int
    kind: str
    data: dict[str, Any]


@dataclass(frozen=True)
class Snapshot:
    """The published state at one moment."""

    version: int
    pdf_version: int
    pages: tuple[PageImage, ...]
    problems: tuple[Problem, ...]  # the mistakes that stop the current files from building
    updated: float | None
    timings: dict[str, float]
    warnings: tuple[Problem, ...] = ()  # what the build of the pages shown warned about


class PreviewState:
    """The newest good preview, the version of the PDF on disk and the current mistakes, shared between the session
    (which publishes) and the server's threads (which read and wait for events)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._snapshot = Snapshot(0, 0, (), (), None, {}, ())
        self._events: deque[Event] = deque(maxlen=_EVENTS_KEPT)
        self._event_number = 0

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def publish_preview(
        self,
        pages: tuple[PageImage, ...],
        changed: Sequence[int],
        timings: dict[str, float],
        warnings: tuple[Problem, ...] = (),
    ) -> None:
        with self._changed:
            old = self._snapshot
            recovered = bool(old.problems)
            version = old.version + 1
            self._update(
                version=version, pages=pages, problems=(), updated=time.time(), timings=timings, warnings=warnings
            )
            if recovered:
                self._event("recovered", {"version": version})
            self._event("preview", {"version": version, "changed": [index + 1 for index in changed]})

    def publish_pdf(self, version: int, timings: dict[str, float], warnings: tuple[Problem, ...] | None = None) -> None:
        """The PDF of preview `version` is written; `warnings` are the whole build's (None: those of the preview)."""
        with self._changed:
            self._update(pdf_version=version, timings=timings, **({} if warnings is None else {"warnings": warnings}))
            self._event("pdf", {"pdf_version": version})

    def publish_problems(self, found: tuple[Problem, ...]) -> None:
        with self._changed:
            self._update(problems=found, updated=time.time())
            self._event("error", {"error": "\n".join(problem.text for problem in found)})

    def events_after(self, number: int, timeout: float) -> list[Event]:
        """The events after event `number`, waiting up to `timeout` seconds for one."""
        with self._changed:
            self._changed.wait_for(lambda: self._event_number > number, timeout)
            return [event for event in self._events if event.number > number]

    def last_event(self) -> int:
        with self._changed:
            return self._event_number

    def _update(self, **changes: Any) -> None:
        fields = {**self._snapshot.__dict__, **changes}
        self._snapshot = Snapshot(**fields)

    def _event(self, kind: str, data: dict[str, Any]) -> None:
        self._event_number += 1
        self._events.append(Event(self._event_number, kind, data))
        self._changed.notify_all()


# Rebuilding


class Coalescer:
    """Saves arriving while a rebuild runs ask for exactly one more rebuild, however many they are."""

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._pending = False
        self._closed = False

    def request(self) -> None:
        with self._condition:
            self._pending = True
            self._condition.notify_all()

    def close(self) -> None:
        with self._condition:
            self._closed = True
            self._condition.notify_all()

    @property
    def closed(self) -> bool:
        with self._condition:
            return self._closed

    def take(self, timeout: float | None = None) -> bool:
        """Whether a rebuild is due (waiting up to `timeout` seconds for one); taking it clears the request."""
        with self._condition:
            self._condition.wait_for(lambda: self._pending or self._closed, timeout)
            due = self._pending and not self._closed
            self._pending = False
            return due


class Timer:
    """Seconds per step of one rebuild, in the order the steps ran."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    @contextlib.contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] = time.perf_counter() - start

    def total(self, *names: str) -> float:
        return sum(self.seconds.get(name, 0.0) for name in names)


# The steps of a rebuild until its preview is published (then comes "finish", the PDF).
PREVIEW_STEPS = ("config", "prepare", "render", "fingerprint", "numbers", "pdf-pages", "raster")


def rasterize(pdf: bytes, scale: float = RASTER_SCALE) -> list[bytes]:
    """Each page of `pdf` as a PNG (PDFium draws a page in milliseconds; the PNG is compressed for speed)."""
    import pypdfium2  # type: ignore[import-untyped]  # no type hints

    document = pypdfium2.PdfDocument(pdf)
    try:
        images = []
        for page in document:
            buffer = io.BytesIO()
            page.render(scale=scale).to_pil().save(buffer, "PNG", compress_level=1)
            images.append(buffer.getvalue())
        return images
    finally:
        document.close()


class Session:
    """Everything a rebuild can reuse, kept between saves; `rebuild()` publishes to `state` and says one line."""

    def __init__(
        self,
        root: Path,
        state: PreviewState,
        *,
        numbers: NumbersOf | None = None,
        say: Callable[[str], None] = print,
        complain: Callable[[str], None] = print,
        on_published: Callable[[], None] = lambda: None,
    ) -> None:
        self._root = root
        self._state = state
        self._numbers = numbers if numbers is not None else ProvenanceBoxes()
        self._say = say
        self._complain = complain
        self._on_published = on_published
        # The last good rendering: a save that changed one chapter lays out only that chapter (see parts), and
        # the chapters a save did not change are not rendered again (see prepare_cache).
        self._previous: Any = None
        self._prepared = PrepareCache()
        self._fingerprints = Fingerprints()
        self._warnings: tuple[str, ...] = ()
        self._last_changed = (0, 0)  # pages drawn anew, pages shown: for the status line

    def rebuild(self, on_stage: StageHook | None = None) -> None:
        """Read, lay out, publish the changed pages, then write the PDF; a mistake is published and said instead.

        The cyclic collector is off while the pages are built (as in `reportgen build`) and runs once after, so
        nothing of this rebuild outlives it."""
        collecting = gc.isenabled()
        gc.disable()
        try:
            self._rebuild(on_stage)
        finally:
            if collecting:
                gc.enable()
            gc.collect()

    def _rebuild(self, on_stage: StageHook | None) -> None:
        from . import build
        from .config import load_config
        from .hyphenation_patterns import patterns_in

        timer = Timer()
        try:
            with timer.step("config"):
                config = load_config(self._root)
            with patterns_in(None, config.report.language):
                with timer.step("prepare"):
                    project = build._prepare(config, on_stage, self._prepared)
                with timer.step("render"):
                    rendering = build.render(project, on_stage=on_stage, previous=self._previous, keep_parts=True)
                version = self._publish_preview(rendering, timer)
                with timer.step("finish"):
                    result = build.finish(rendering, on_stage=on_stage)
            self._previous = rendering
            del rendering, project
            self._state.publish_pdf(version, dict(timer.seconds), notices(result.warnings))
        except ReportError as error:
            self._fail(problems(error))
            return
        except Exception as error:  # a bug: its traceback is shown, and the session goes on with the next save
            self._complain(traceback.format_exc().rstrip())
            self._fail((Problem(f"Interner Fehler: {error!r}", repr(error), None, None, ""),), printed=True)
            return
        self._say_warnings(result.warnings)
        self._say(status_line(timer, self._last_changed, result.pages))

    def _publish_preview(self, rendering: Any, timer: Timer) -> int:
        """Fingerprint every page, draw the changed ones and publish them with the warnings so far: the new preview
        version. A page whose numbers alone changed keeps its image."""
        document = rendering.laid_out.document
        with timer.step("fingerprint"):
            prints = self._fingerprints(document, ImageDigests(self._root, rendering.assets))
        with timer.step("numbers"):
            numbers = [tuple(boxes) for boxes in self._numbers(rendering)]
        before = self._state.snapshot()
        kept = {index: page for index, page in enumerate(before.pages) if index < len(prints)}
        redrawn = [
            index for index, print_ in enumerate(prints) if index not in kept or kept[index].fingerprint != print_
        ]
        with timer.step("pdf-pages"), _weasyprint_silenced():
            data = document.copy([document.pages[index] for index in redrawn]).write_pdf() if redrawn else b""
        with timer.step("raster"):
            images = dict(zip(redrawn, rasterize(data), strict=True)) if redrawn else {}
        version = before.version + 1
        pages = tuple(
            _page_image(kept.get(index), images.get(index), page, numbers[index], prints[index], version)
            for index, page in enumerate(document.pages)
        )
        changed = [index for index, page in enumerate(pages) if page.version == version]
        self._last_changed = (len(redrawn), len(pages))
        warnings = notices((*rendering.project.warnings, *rendering.laid_out.warnings))
        self._state.publish_preview(pages, changed, dict(timer.seconds), warnings)
        self._on_published()
        return version

    def _fail(self, found: tuple[Problem, ...], printed: bool = False) -> None:
        self._state.publish_problems(found)
        self._on_published()
        if not printed:
            for problem in found:
                self._complain(f"Fehler: {problem.text}")
        self._complain("Die Vorschau zeigt den Fehler; die letzte fehlerfreie Fassung und build/report.pdf bleiben.")

    def _say_warnings(self, warnings: Iterable[ReportError]) -> None:
        """The build's warnings, when they differ from the last rebuild's (not again on every save)."""
        texts = tuple(str(warning) for warning in warnings)
        if texts != self._warnings:
            for text in texts:
                self._complain(f"Warnung: {text}")
        self._warnings = texts


def _page_image(
    before: PageImage | None, png: bytes | None, page: Any, numbers: tuple[NumberBox, ...], print_: str, version: int
) -> PageImage:
    """The page as shown in preview `version`: drawn anew (`png`), the one shown `before` with new numbers, or that
    one as it was."""
    if png is not None:
        return PageImage(png, page.width, page.height, numbers, version, print_)
    assert before is not None
    if before.numbers != numbers:
        return dataclasses.replace(before, numbers=numbers, version=version)
    return before


@contextlib.contextmanager
def _weasyprint_silenced() -> Iterator[None]:
    """WeasyPrint says nothing while it writes some of the pages: links to the pages left out have no target there,
    and what the whole document has to say, finish() says."""
    logger = logging.getLogger("weasyprint")
    silence = logging.Filter("-")  # passes only records of a logger named "-", that is none
    logger.addFilter(silence)
    try:
        yield
    finally:
        logger.removeFilter(silence)


def seconds(value: float) -> str:
    """„0,31 s“: German decimals, two below a second, one above."""
    from .fmt import number

    return f"{number(value, 2 if value < 1 else 1)} s"


def status_line(timer: Timer, changed: tuple[int, int], pages: int) -> str:
    """„Vorschau aktualisiert (0,31 s, 1 von 7 Seiten neu), PDF geschrieben (1,2 s)“."""
    new, shown = changed
    return (
        f"Vorschau aktualisiert ({seconds(timer.total(*PREVIEW_STEPS))}, {new} von {shown} Seiten neu), "
        f"PDF geschrieben ({seconds(timer.total('finish'))}, {pages} Seiten)"
    )


# Watching the project


# watchfiles looks for changes every step and yields them once a step brings no more: a save (an editor's write,
# rename and chmod come within a millisecond or two) is seen 10–20 ms after it, instead of 50–100 ms by default.
_STEP_MS = 10

# Editors' own files next to the one being saved: backups, swap and lock files, vim's write test.
_EDITOR_FILES = ("~", ".swp", ".swx", ".tmp")
_EDITOR_PREFIXES = (".#", "#", ".~lock")


def is_project_input(name: str) -> bool:
    """Whether a changed file, by name, is one a rebuild reads (not an editor's backup or lock file)."""
    base = PurePosixPath(name).name
    return not (base.endswith(_EDITOR_FILES) or base.startswith(_EDITOR_PREFIXES) or base == "4913")


@dataclass(frozen=True)
class WatchPlan:
    """What to watch: the names in the project folder itself a build reads (report.toml, the input folders, a file
    report.toml names there), and the folders watched with everything below them."""

    top_names: frozenset[str]
    folders: tuple[Path, ...]


def watch_plan(root: Path) -> WatchPlan:
    """content/, data/, templates/, report.toml and the files report.toml names (the responses may live elsewhere
    in the project); a broken report.toml leaves the usual ones. build/ and a virtual environment stay unwatched."""
    from .config import load_config

    names = [Layout.config, Layout.content, "data", Layout.templates]
    try:
        config = load_config(root)
    except ReportError:
        pass
    else:
        named = (config.layout.responses, config.layout.codebook, config.brand.logo)
        names.extend(PurePosixPath(name).parts[0] for name in named if name)
    top = frozenset(name for name in names if name != Layout.build)
    folders = tuple(root / name for name in sorted(top) if (root / name).is_dir())
    return WatchPlan(top, folders)


class ProjectWatcher:
    """Calls `changed` after each save of an input. The project folder itself is watched alone (not below), the
    input folders with everything below them; a save of report.toml or an input folder appearing starts both
    watches anew with a new plan."""

    def __init__(self, root: Path, changed: Callable[[], None]) -> None:
        self._root = root
        self._changed = changed
        self._stopped = threading.Event()
        self._restart = threading.Event()
        self._plan = watch_plan(root)
        self._threads = [
            threading.Thread(target=self._watch_top, name="watch-project", daemon=True),
            threading.Thread(target=self._watch_folders, name="watch-folders", daemon=True),
        ]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        self._stopped.set()
        self._restart.set()
        for thread in self._threads:
            thread.join(timeout=5)

    def _watch_top(self) -> None:
        from watchfiles import watch

        for changes in watch(self._root, recursive=False, stop_event=self._stopped, rust_timeout=0, step=_STEP_MS):
            names = {Path(path).name for _, path in changes} & self._plan.top_names
            if not names:
                continue
            if Layout.config in names or self._folders() != self._plan.folders:
                self._replan()
            self._changed()

    def _folders(self) -> tuple[Path, ...]:
        return tuple(self._root / name for name in sorted(self._plan.top_names) if (self._root / name).is_dir())

    def _replan(self) -> None:
        self._plan = watch_plan(self._root)
        self._restart.set()

    def _watch_folders(self) -> None:
        from watchfiles import DefaultFilter, watch

        while not self._stopped.is_set():
            self._restart.clear()
            if not self._plan.folders:
                self._restart.wait()
                continue
            stop = _Either(self._restart, self._stopped)
            changes_of = watch(
                *self._plan.folders, watch_filter=DefaultFilter(), stop_event=stop, rust_timeout=0, step=_STEP_MS
            )
            for changes in changes_of:
                if any(is_project_input(path) for _, path in changes):
                    self._changed()


@dataclass(frozen=True)
class _Either:
    """Set when either event is."""

    first: threading.Event
    second: threading.Event

    def is_set(self) -> bool:
        return self.first.is_set() or self.second.is_set()


def serve(
    root: Path,
    port: int,
    *,
    on_stage: StageHook | None = None,
    say: Callable[[str], None] = print,
    complain: Callable[[str], None] = print,
    interrupted: Callable[[], bool] = lambda: False,
) -> None:
    """Build, serve the preview on 127.0.0.1:`port` (0: a free one) and rebuild after every save, until Ctrl-C.

    The address is said once, when the first preview (or the first mistake) is there to see. `interrupted` says
    whether Ctrl-C was pressed: its KeyboardInterrupt can be lost where Python ignores exceptions (a weakref
    callback during a build), and the watch must still end: after the build under way, or within a second
    when it waits for a save."""
    from .watch_server import PreviewServer

    state, requests = PreviewState(), Coalescer()
    try:
        server = PreviewServer(state, Layout(root).path(Layout.pdf), port)
    except OSError as error:
        from .arguments import UsageError

        raise UsageError(
            f"Die Vorschau kann Port {port} auf 127.0.0.1 nicht öffnen ({error.strerror or error}).",
            hint="Nennen Sie mit --port einen anderen Port, oder --port 0 für einen freien.",
        ) from None
    announced = threading.Event()

    def announce() -> None:
        if not announced.is_set():
            announced.set()
            say(f"Vorschau: {server.url}")

    session = Session(root, state, say=say, complain=complain, on_published=announce)
    watcher = ProjectWatcher(root, requests.request)
    server.start()
    watcher.start()  # before the first build, so that a save during it is not lost
    try:
        session.rebuild(on_stage)
        while not interrupted():
            if requests.take(timeout=1.0):
                session.rebuild(on_stage)
        raise KeyboardInterrupt
    finally:
        requests.close()
        watcher.stop()
        server.stop()
