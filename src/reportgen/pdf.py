"""HTML -> PDF bytes with WeasyPrint; it may read only project files and in-memory assets."""

from __future__ import annotations

import contextlib
import io
import logging
import posixpath
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

import pikepdf
import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import Location, RenderError, ReportError, TemplateError
from .files import media_type, read_bytes
from .hyphen_runs import MAX_PASSES, words_to_keep_whole
from .hyphenation import HyphenationExceptions
from .layout import Layout
from .limits import DEFAULTS, SizeLimit
from .parts import PartPlan, relaid
from .parts import plan as parts_plan
from .pdf_archive import archived, render_options, write_options
from .pdf_attachments import Attachment
from .pdf_tags import link_texts, tag_pdf
from .pdf_text import join_split_words
from .timing import Stage, StageHook, stage


@dataclass(frozen=True)
class PdfResult:
    """The finished PDF and its page count."""

    data: bytes
    pages: int


# WeasyPrint sees the project under this fixed folder, whatever the real one is: resource URLs (and the names
# WeasyPrint derives from them, e.g. for images) are then the same in every checkout, and so is the PDF.
VIRTUAL_ROOT = PurePosixPath("/reportgen-project")


def base_url(layout: Layout) -> str:
    """The HTML document's URL in the virtual project folder."""
    return _url(posixpath.dirname(Layout.html)) + "/"


def _url(name: str) -> str:
    """The URL of a project file in the virtual project folder."""
    return (VIRTUAL_ROOT / name).as_uri()


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint has no type hints
    """Serves in-memory assets and files inside the project; refuses every other URL.

    `assets` are keyed by project-relative name (`build/charts/bar-x.svg`); files are read within `limit`."""

    def __init__(self, root: Path, assets: Mapping[str, bytes], limit: SizeLimit = DEFAULTS.file_size) -> None:
        super().__init__(allowed_protocols=("file",))
        self._root = root.resolve()
        self._assets = assets
        self._limit = limit
        self.refused: list[ReportError] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            name = self._name(url)
            body = self._assets[name] if name in self._assets else self._read(name)
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


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collected_warnings() -> Iterator[list[str]]:
    """WeasyPrint's warnings while the block runs, in order."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.messages
    finally:
        logger.removeHandler(collector)


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


@dataclass(frozen=True)
class LaidOut:
    """The pages, before the PDF is written: the WeasyPrint document, the HTML it was laid out from (with the words
    kept whole that hyphen_runs chose), whether files are attached, and what the layout noticed."""

    document: Any  # weasyprint.Document
    html: str
    with_files: bool
    warnings: tuple[ReportError, ...]
    fetcher: ConfinedFetcher
    # For the next layout of a changed HTML (lay_out's `previous`): its chapters, and the documents of chapters
    # laid out alone, which must live as long as their pages do.
    parts: PartPlan | None = None
    chapters: Mapping[str, Any] = field(default_factory=dict)
    # WeasyPrint's fonts, shared by the layouts of a long-running process: a new configuration per layout is never
    # wholly freed (about 1 MiB per layout).
    fonts: Any = None


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
) -> LaidOut:
    """Lay out the pages; WeasyPrint's warnings are kept, refused fetches raised.

    `assets` are files not (yet) on disk, by project-relative name; other project files are read within `limit`.
    With `with_files`, the PDF will carry attachments (PDF/A-3a, not PDF/A-2a).
    With `previous` (the layout of an earlier version laid out `keep_parts`), only a changed chapter is laid out
    again where that gives the same pages (see parts). With `keep_parts`, the result can be such a `previous`.
    The house stylesheet is also parsed on its own first, so that its warnings can name it; the same warnings
    from the document are then not repeated."""
    fetcher = ConfinedFetcher(layout.root, assets, limit)
    chapters: dict[str, Any] = {}
    fonts = previous.fonts if previous is not None else None
    if fonts is None and keep_parts:
        from weasyprint.text.fonts import FontConfiguration

        fonts = FontConfiguration()

    def options() -> dict[str, Any]:
        # PDF/A-2a (3a with files): tagged structure, language, title shown by viewers, sRGB OutputIntent, XMP.
        return {**render_options(with_files), **({"font_config": fonts} if fonts is not None else {})}

    with _collected_warnings() as messages, stage(on_stage, Stage.LAYOUT):
        if Layout.stylesheet in assets:
            weasyprint.CSS(string=assets[Layout.stylesheet].decode("utf-8"), base_url=_url(Layout.stylesheet))
        from_stylesheet = list(messages)
        url = base_url(layout)

        def laid_out(source: str, files: Mapping[str, bytes]) -> tuple[Any, str]:
            chapter_fetcher = ConfinedFetcher(layout.root, files, limit)
            result = _laid_out(source, url, chapter_fetcher, options)
            if chapter_fetcher.refused:
                raise chapter_fetcher.refused[0]
            return result

        again = None
        plan: PartPlan | None
        if previous is not None and previous.parts is not None and previous.with_files == with_files:
            again = relaid(previous.parts, previous.document, html, assets, Layout.stylesheet, laid_out)
        if again is not None:
            document, plan = again.document, again.plan
            chapters = {**previous.chapters, again.chapter[0]: again.chapter[1]} if previous else {}
            html = again.html
        else:
            document, laid_html = _laid_out(html, url, fetcher, options)
            # Only a layout that kept no word whole (hyphen_runs) is the same, chapter by chapter, as its chapters.
            plan = parts_plan(html, document, assets) if keep_parts and laid_html == html else None
            html = laid_html
    if fetcher.refused:
        raise fetcher.refused[0]
    others = list(dict.fromkeys(messages[len(from_stylesheet) :]))  # a second layout repeats the first's
    for message in from_stylesheet:
        if message in others:
            others.remove(message)
    warnings: list[ReportError] = [_stylesheet_warning(message) for message in from_stylesheet]
    warnings.extend(RenderError(f"WeasyPrint: {message}") for message in others)
    return LaidOut(document, html, with_files, tuple(warnings), fetcher, plan, chapters, fonts)


def write_pdf(
    laid_out: LaidOut, attachments: Sequence[Attachment] = (), on_stage: StageHook | None = None
) -> tuple[PdfResult, list[ReportError]]:
    """The PDF of the laid-out pages, its tags repaired for PDF/UA-1 and its words extractable; WeasyPrint's
    warnings while writing are returned (the layout's are in `laid_out`).

    `attachments` are embedded as PDF/A-3 associated files; the pages must have been laid out `with_files`."""
    if bool(attachments) != laid_out.with_files:
        raise ValueError("attachments need pages laid out with_files, and only they")
    document = laid_out.document
    with _collected_warnings() as messages, stage(on_stage, Stage.PDF):
        data = document.write_pdf(pdf_identifier=b"reportgen", **write_options(laid_out.with_files))
        # WeasyPrint's tag tree falls short of PDF/UA-1 where HTML and CSS can't help (see pdf_tags).
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tag_pdf(pdf, link_texts(laid_out.html), document)
            join_split_words(pdf, document)  # hyphens as U+002D, words split at a line end whole (pdf_text)
            data = archived(pdf, attachments)  # PDF/UA-1 identification, files
    if laid_out.fetcher.refused:
        raise laid_out.fetcher.refused[0]
    warnings: list[ReportError] = [RenderError(f"WeasyPrint: {message}") for message in dict.fromkeys(messages)]
    return PdfResult(data, len(document.pages)), warnings


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
