"""HTML -> PDF bytes with WeasyPrint; it may read only project files and in-memory assets."""

from __future__ import annotations

import dataclasses
import functools
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol, cast, runtime_checkable
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import Location, RenderError, ReportError, TemplateError
from .files import media_type, read_bytes
from .harfbuzz_arrays import install as install_unsized_arrays
from .hyphen_runs import MAX_PASSES, words_to_keep_whole
from .hyphenation import HyphenationExceptions
from .layout import Layout
from .limits import DEFAULTS, SizeLimit
from .parts import PartPlan, changed_chapter, digest, relaid, split
from .parts import plan as parts_plan
from .pdf_archive import archived, render_options
from .pdf_attachments import Attachment
from .pdf_links import headings
from .pdf_segments import Segment, anchor_pages, merge
from .segment_cache import SegmentSpec, segment_specs, stored_plan, stored_segment, whole_document_spec, writer_version
from .segment_writer import write_segments
from .timing import Stage, StageHook, stage
from .weasyprint_log import collected_warnings

install_unsized_arrays()  # the same PDF, without a C parse for each font subset (see harfbuzz_arrays)


@dataclass(frozen=True)
class PdfResult:
    """The finished PDF, its page count, and the segments written for it (by key) that the build cache lacks."""

    data: bytes
    pages: int
    segments: Mapping[str, Segment] = field(default_factory=dict)


# WeasyPrint sees the project under this fixed folder, whatever the real one is: resource URLs (and the names
# WeasyPrint derives from them, e.g. for images) are then the same in every checkout, and so is the PDF.
VIRTUAL_ROOT = PurePosixPath("/reportgen-project")


def base_url(layout: Layout) -> str:
    """The HTML document's URL in the virtual project folder."""
    return _url(posixpath.dirname(Layout.html)) + "/"


def _url(name: str) -> str:
    """The URL of a project file in the virtual project folder."""
    return (VIRTUAL_ROOT / name).as_uri()


@runtime_checkable
class HasStandIns(Protocol):
    """Assets of which some are still being made (charts being drawn): `stand_in` gives an empty SVG of the size
    the asset will have, or None when it is ready or its size is not known before."""

    def stand_in(self, name: str) -> bytes | None: ...


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint has no type hints
    """Serves in-memory assets and files inside the project; refuses every other URL.

    `assets` are keyed by project-relative name (`build/charts/bar-x.svg`); files are read within `limit`."""

    def __init__(self, root: Path, assets: Mapping[str, bytes], limit: SizeLimit = DEFAULTS.file_size) -> None:
        super().__init__(allowed_protocols=("file",))
        self._root = root.resolve()
        self._assets = assets
        self._limit = limit
        self.refused: list[ReportError] = []
        self.read: dict[str, bytes] = {}  # the project files read (not among `assets`), by name
        self._stood_in: dict[str, str] | None = None  # while standing in: the URLs served a stand-in, by asset name

    @contextmanager
    def standing_in(self) -> Iterator[dict[str, str]]:
        """Within the block, an asset still being made is served as its stand-in (see HasStandIns); yields the URLs
        served one, with the asset's name."""
        stood_in: dict[str, str] = {}
        self._stood_in = stood_in if isinstance(self._assets, HasStandIns) else None
        try:
            yield stood_in
        finally:
            self._stood_in = None

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            name = self._name(url)
            if self._stood_in is not None and (stand_in := cast(HasStandIns, self._assets).stand_in(name)):
                self._stood_in[url] = name
                return URLFetcherResponse(url, stand_in, {"Content-Type": "image/svg+xml"})
            body = self._assets[name] if name in self._assets else self.file(name)
        except ReportError as error:
            self.refused.append(error)
            raise
        return URLFetcherResponse(url, body, {"Content-Type": media_type(name, body)})

    def _name(self, url: str) -> str:
        """The project-relative name a URL stands for."""
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RenderError(
                f"Externe Adresse nicht erlaubt: {url}",
                hint="Legen Sie Bilder ins Projekt und verweisen Sie relativ darauf.",
            )
        path = PurePosixPath(posixpath.normpath(unquote(parts.path)))
        if not path.is_relative_to(VIRTUAL_ROOT) or path == VIRTUAL_ROOT:
            raise _outside(unquote(parts.path))
        return path.relative_to(VIRTUAL_ROOT).as_posix()

    def file(self, name: str) -> bytes:
        """The project file `name` as it is now (kept among `read`)."""
        body = self.read[name] = self._read(name)
        return body

    def _read(self, name: str) -> bytes:
        path = (self._root / name).resolve()
        if not path.is_relative_to(self._root):  # a link inside the project that points out of it
            raise _outside(name)
        if not path.exists():
            raise RenderError(f"Datei nicht gefunden: {name}", Location(name), "Prüfen Sie den Pfad.")
        return read_bytes(path, name, RenderError, "Prüfen Sie den Pfad.", root=self._root, limit=self._limit)


def _outside(path: str) -> RenderError:
    return RenderError(
        f"Datei außerhalb des Projekts nicht erlaubt: {path}",
        hint="Verwenden Sie nur Dateien innerhalb des Projektordners.",
    )


_AT_POSITION = re.compile(r" at (\d+):(\d+)")
_IGNORED = re.compile(r"Ignored `(.*)` at \d+:\d+, (.*)\.")


def _stylesheet_warning(message: str) -> TemplateError:
    """A WeasyPrint warning about the house stylesheet, at its line and column, in German where known."""
    position = _AT_POSITION.search(message)
    location = Location(Layout.stylesheet)
    if position:
        location = Location(Layout.stylesheet, line=int(position[1]), character=int(position[2]))
    ignored = _IGNORED.fullmatch(message)
    if ignored:
        return TemplateError(
            f"„{ignored[1]}“ wird ignoriert ({ignored[2]}).", location, "Prüfen Sie Name und Wert der Angabe."
        )
    return TemplateError(message, location)


def _laid_out(html: str, url: str, fetcher: ConfinedFetcher, options: Callable[[], dict[str, Any]]) -> tuple[Any, str]:
    """The laid-out document and the HTML it was laid out from: the words WeasyPrint broke at the third hyphenated
    line end in a row are kept whole, and the document laid out again (see hyphen_runs)."""
    kept: set[str] = set()
    for _ in range(MAX_PASSES + 1):
        document = weasyprint.HTML(string=html, base_url=url, url_fetcher=fetcher).render(**options())
        words = [word for word in words_to_keep_whole(document) if word.lower() not in kept]
        marked = HyphenationExceptions(words).apply(html) if words else html
        if marked == html:  # nothing new to keep whole, or only words the HTML does not have as plain words
            break
        kept.update(word.lower() for word in words)
        html = marked
    return document, html


def _laid_out_whole(
    html: str, url: str, assets: Mapping[str, bytes], fetcher: ConfinedFetcher, options: Callable[[], dict[str, Any]]
) -> tuple[Any, str]:
    """`_laid_out`, not waiting for the charts still being drawn: the pages are laid out with a stand-in of each
    chart's size, and the chart takes its place in them once drawn. Where a drawn chart's size is not its
    stand-in's, the pages are laid out again with the drawn charts."""
    images: dict[str, Any] = {}  # WeasyPrint's images by URL
    with fetcher.standing_in() as stood_in:
        document, laid_html = _laid_out(html, url, fetcher, lambda: {**options(), "cache": images})
    if fetcher.refused or not stood_in or _put_back(images, stood_in, assets):
        return document, laid_html
    return _laid_out(html, url, fetcher, options)


def _put_back(images: Mapping[str, Any], stood_in: Mapping[str, str], assets: Mapping[str, bytes]) -> bool:
    """Whether every stand-in among the laid-out `images` (by URL) now draws its asset: only where the asset has the
    size the pages were laid out with."""
    from xml.etree import ElementTree

    from weasyprint.images import SVGImage

    for url, name in stood_in.items():
        image = images.get(url)
        if not isinstance(image, SVGImage):
            return False
        try:
            drawn = SVGImage(ElementTree.fromstring(assets[name]), url, image._url_fetcher, image._context)
        except ElementTree.ParseError:
            return False
        if drawn.get_intrinsic_size(1, 16) != image.get_intrinsic_size(1, 16):
            return False
        image._svg = drawn._svg  # what SVGImage.draw draws
    return True


@dataclass(frozen=True)
class LaidOut:
    """The pages, before the PDF is written: the HTML they were laid out from (with the words kept whole that
    hyphen_runs chose), whether files are attached, what the layout noticed, and the segments to write or found in
    the build cache.

    `document` is the whole WeasyPrint document, or None when a new process laid out only the chapter that changed
    and found every other segment in the build cache."""

    document: Any  # weasyprint.Document | None
    html: str
    with_files: bool
    warnings: tuple[ReportError, ...]
    fetcher: ConfinedFetcher
    # For the next layout of a changed HTML (lay_out's `previous`, and the build cache): its chapters, and the
    # documents of chapters laid out alone, which must live as long as their pages do.
    parts: PartPlan | None = None
    chapters: Mapping[str, Any] = field(default_factory=dict)
    # WeasyPrint's fonts, shared by the layouts of a long-running process: a new configuration per layout is never
    # wholly freed (about 1 MiB per layout).
    fonts: Any = None
    # The segments, made when first asked for (a live preview needs the pages only); see Segments.
    segmented: Callable[[], Segments] = lambda: Segments((), {}, {})
    version: str = ""  # writer_version() of the segments' keys
    stylesheet_messages: tuple[str, ...] = ()  # WeasyPrint's warnings about the house stylesheet alone


@dataclass(frozen=True)
class Segments:
    """The segments of laid-out pages, and where each one's PDF comes from."""

    specs: tuple[SegmentSpec, ...]
    # by segment key: the document holding its pages and the index of its first page there (to write), or the
    # segment the build cache had
    drawn: Mapping[str, tuple[Any, int]]
    found: Mapping[str, Segment]

    @property
    def pages(self) -> int:
        return sum(len(spec.pages) for spec in self.specs)


def lay_out(
    html: str,
    layout: Layout,
    assets: Mapping[str, bytes],
    on_stage: StageHook | None = None,
    *,
    limit: SizeLimit = DEFAULTS.file_size,
    with_files: bool = False,
    previous: LaidOut | None = None,
    keep_parts: bool = False,
    fonts: Any = None,
    one_segment: bool = False,
) -> LaidOut:
    """Lay out the pages; WeasyPrint's warnings are kept, refused fetches raised.

    `assets` are files not (yet) on disk, by project-relative name; other project files are read within `limit`.
    With `with_files`, the PDF will carry attachments (PDF/A-3a, not PDF/A-2a).
    Only a changed chapter is laid out again where that gives the same pages (see parts): against `previous` (the
    layout of an earlier version laid out `keep_parts`, in this process), or else against the plan in the build
    cache when every other segment's PDF is there too. With `keep_parts`, the result can be such a `previous`.
    The house stylesheet is also parsed on its own first, so that its warnings can name it; the same warnings
    from the document are then not repeated.
    With `one_segment` (a batch report), the whole document is laid out and becomes one segment, and the build
    cache is neither asked nor given anything. `fonts` is a WeasyPrint FontConfiguration to share with other layouts
    of this process."""
    fetcher = ConfinedFetcher(layout.root, assets, limit)
    version = writer_version()
    if fonts is None and previous is not None:
        fonts = previous.fonts
    if fonts is None and keep_parts:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()

    def options() -> dict[str, Any]:
        # PDF/A-2a (3a with files): tagged structure, language, title shown by viewers, sRGB OutputIntent, XMP.
        return {**render_options(with_files), **({"font_config": fonts} if fonts is not None else {})}

    with collected_warnings() as messages, stage(on_stage, Stage.LAYOUT):
        from_stylesheet = _stylesheet_messages(assets, previous, messages)
        url = base_url(layout)

        def laid_out(source: str, files: Mapping[str, bytes]) -> tuple[Any, str]:
            chapter_fetcher = ConfinedFetcher(layout.root, files, limit)
            result = _laid_out(source, url, chapter_fetcher, options)
            _raise_refused(chapter_fetcher)
            if chapter_fetcher.read:
                raise _NewFile  # a file the plan does not know (and its digest): the whole document is laid out
            return result

        result = (
            None
            if one_segment
            else _relaid(html, layout, assets, previous, keep_parts, with_files, version, fetcher, laid_out)
        )
        if result is None:
            document, laid_html = _laid_out_whole(html, url, assets, fetcher, options)
            # Only a layout that kept no word whole (hyphen_runs) is the same, chapter by chapter, as its chapters.
            # The images read from the project belong to the pages as much as the assets do: to the plan and the keys.
            files = {**assets, **fetcher.read}
            if one_segment:
                plan = None
                segmented = _single_segment(laid_html, document, files, with_files, version)
            else:
                plan = parts_plan(laid_html, document, files, alone=laid_html == html)
                segmented = _whole_segments(layout, plan, laid_html, document, files, with_files, version)
            result = LaidOut(document, laid_html, with_files, (), fetcher, plan, {}, fonts, segmented, version)
    _raise_refused(fetcher)
    others = list(dict.fromkeys(messages[len(from_stylesheet) :]))  # a second layout repeats the first's
    for message in from_stylesheet:
        if message in others:
            others.remove(message)
    warnings: list[ReportError] = [_stylesheet_warning(message) for message in from_stylesheet]
    warnings.extend(RenderError(f"WeasyPrint: {message}") for message in others)
    return dataclasses.replace(
        result, warnings=tuple(warnings), fetcher=fetcher, fonts=fonts, stylesheet_messages=tuple(from_stylesheet)
    )


def _stylesheet_messages(assets: Mapping[str, bytes], previous: LaidOut | None, messages: list[str]) -> list[str]:
    """WeasyPrint's warnings about the house stylesheet, parsed on its own (into `messages`), or the previous
    layout's when it had the same stylesheet."""
    if Layout.stylesheet not in assets:
        return []
    sheet = assets[Layout.stylesheet]
    if (
        previous is not None
        and previous.parts is not None
        and previous.parts.assets.get(Layout.stylesheet) == digest(sheet)
    ):
        return list(previous.stylesheet_messages)
    weasyprint.CSS(string=sheet.decode("utf-8"), base_url=_url(Layout.stylesheet))
    return list(messages)


def _relaid(
    html: str,
    layout: Layout,
    assets: Mapping[str, bytes],
    previous: LaidOut | None,
    whole: bool,
    with_files: bool,
    version: str,
    fetcher: ConfinedFetcher,
    lay_out_part: Callable[[str, Mapping[str, bytes]], tuple[Any, str]],
) -> LaidOut | None:
    """The pages with only the changed chapter laid out again, or None when the whole document must be: against
    `previous` in this process, else (unless the `whole` document is wanted) against the build cache's plan, when
    the cache has every other segment."""
    if previous is not None:
        old = previous.parts if previous.with_files == with_files and previous.document is not None else None
    else:
        old = None if whole else stored_plan(layout, version, with_files)
    chapter = None if old is None else changed_chapter(old, html)
    if old is None or chapter is None:  # before the files: charts being drawn are waited for
        return None
    try:
        files = {**assets, **{name: fetcher.file(name) for name in old.assets.keys() - assets.keys()}}
        again = relaid(old, chapter, files, Layout.stylesheet, lay_out_part)
    except (ReportError, _NewFile):  # a file gone (the whole layout says so) or new to the plan
        return None
    if again is None:
        return None
    assets = files
    if previous is not None:
        pages = list(previous.document.pages)
        changed = again.plan.ranges[again.index]
        pages[changed.start : changed.stop] = again.pages
        document = previous.document.copy(pages)
        segmented = _whole_segments(layout, again.plan, again.html, document, assets, with_files, version)
        chapters = {**previous.chapters, again.key: again.document}
        return LaidOut(document, again.html, with_files, (), fetcher, again.plan, chapters, None, segmented, version)
    specs = _specs(again.plan, again.html, None, assets, with_files, version)
    alone = specs[[spec.pages for spec in specs].index(again.plan.ranges[again.index])]
    found = _stored_segments(layout, specs)
    if any(spec.key not in found for spec in specs if spec is not alone):
        return None  # a segment the cache lost: its pages must be laid out again
    segments = Segments(specs, {alone.key: (again.document, 1)}, found)
    chapters = {again.key: again.document}
    return LaidOut(None, again.html, with_files, (), fetcher, again.plan, chapters, None, lambda: segments, version)


def _whole_segments(
    layout: Layout,
    plan: PartPlan | None,
    html: str,
    document: Any,
    assets: Mapping[str, bytes],
    with_files: bool,
    version: str,
) -> Callable[[], Segments]:
    """The segments of a whole document's pages, made when first asked for."""

    @functools.cache
    def segments() -> Segments:
        specs = _specs(plan, html, document, assets, with_files, version)
        drawn = {spec.key: (document, spec.pages.start) for spec in specs}
        return Segments(specs, drawn, _stored_segments(layout, specs))

    return segments


def _single_segment(
    html: str, document: Any, assets: Mapping[str, bytes], with_files: bool, version: str
) -> Callable[[], Segments]:
    """The whole document's pages as one segment to write, made when first asked for; the build cache is not asked."""

    @functools.cache
    def segments() -> Segments:
        spec = whole_document_spec(html, anchor_pages(document), assets, with_files, version, len(document.pages))
        return Segments((spec,), {spec.key: (document, 0)}, {})

    return segments


class _NewFile(Exception):
    """A chapter laid out alone read a file the whole layout it stands in did not."""


def _specs(
    plan: PartPlan | None, html: str, document: Any, assets: Mapping[str, bytes], with_files: bool, version: str
) -> tuple[SegmentSpec, ...]:
    """The segments of the pages: the plan's, or the whole `document` as one."""
    cut = split(html)
    if plan is not None and cut is not None:
        return segment_specs(plan, cut, html, headings(html), with_files, version)
    return (whole_document_spec(html, anchor_pages(document), assets, with_files, version, len(document.pages)),)


def _stored_segments(layout: Layout, specs: Sequence[SegmentSpec]) -> dict[str, Segment]:
    """The segments the build cache has, by key."""
    found = {}
    for spec in specs:
        segment = stored_segment(layout, spec.key)
        if segment is not None:
            found[spec.key] = segment
    return found


def _raise_refused(fetcher: ConfinedFetcher) -> None:
    """The first file the fetcher refused, as the error it is."""
    if fetcher.refused:
        raise fetcher.refused[0]


def write_pdf(
    laid_out: LaidOut,
    attachments: Sequence[Attachment] = (),
    on_stage: StageHook | None = None,
    *,
    fork: bool = True,
) -> tuple[PdfResult, list[ReportError]]:
    """The PDF of the laid-out pages, its tags repaired for PDF/UA-1 and its words extractable; WeasyPrint's
    warnings while writing are returned (the layout's are in `laid_out`).

    Each segment comes from the build cache or is written (two at a time in two processes where the system can
    fork); the segments are merged, then identified as PDF/A and PDF/UA. `attachments` are embedded as PDF/A-3
    associated files; the pages must have been laid out `with_files`. Without `fork`, every segment is written in
    this process (a batch worker: a daemonic process must not start children)."""
    if bool(attachments) != laid_out.with_files:
        raise ValueError("attachments need pages laid out with_files, and only they")
    with collected_warnings() as messages, stage(on_stage, Stage.PDF):
        segmented = laid_out.segmented()
        missing = [spec for spec in segmented.specs if spec.key not in segmented.found]
        jobs = [(spec, *segmented.drawn[spec.key]) for spec in missing]
        written, child_messages = write_segments(jobs, laid_out.with_files, fork=fork)
        segments = {**segmented.found, **written}
        with merge([segments[spec.key] for spec in segmented.specs]) as pdf:
            data = archived(pdf, attachments)  # PDF/UA-1 identification, files
    _raise_refused(laid_out.fetcher)
    said = dict.fromkeys([*messages, *child_messages])
    warnings: list[ReportError] = [RenderError(f"WeasyPrint: {message}") for message in said]
    return PdfResult(data, segmented.pages, written), warnings


def render_pdf(
    html: str,
    layout: Layout,
    assets: Mapping[str, bytes],
    on_stage: StageHook | None = None,
    *,
    limit: SizeLimit = DEFAULTS.file_size,
    attachments: Sequence[Attachment] = (),
) -> tuple[PdfResult, list[ReportError]]:
    """`lay_out`, then `write_pdf`: the PDF and every warning of both."""
    laid_out = lay_out(html, layout, assets, on_stage, limit=limit, with_files=bool(attachments))
    pdf, warnings = write_pdf(laid_out, attachments, on_stage)
    return pdf, [*laid_out.warnings, *warnings]
