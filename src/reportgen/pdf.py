"""HTML -> PDF bytes with WeasyPrint; it may read only project files and in-memory assets."""

from __future__ import annotations

import logging
import mimetypes
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .errors import Location, RenderError, ReportError
from .layout import Layout
from .timing import StageHook, stage

PDF_VARIANT = "pdf/ua-1"


@dataclass(frozen=True)
class PdfResult:
    """The finished PDF and its page count."""

    data: bytes
    pages: int


class ConfinedFetcher(URLFetcher):  # type: ignore[misc]  # weasyprint has no type hints
    """Serves in-memory assets and files inside the project; refuses every other URL."""

    def __init__(self, root: Path, assets: Mapping[Path, bytes]) -> None:
        super().__init__(allowed_protocols=("file",))
        self._root = root.resolve()
        self._assets = assets
        self.refused: list[ReportError] = []

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        try:
            path = self._resolve(url)
        except ReportError as error:
            self.refused.append(error)
            raise
        body = self._assets[path] if path in self._assets else path.read_bytes()
        return URLFetcherResponse(url, body, {"Content-Type": _mime_type(path)})

    def _resolve(self, url: str) -> Path:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise RenderError(
                f"Externe Adresse nicht erlaubt: {url}",
                hint="Legen Sie Bilder ins Projekt und verweisen Sie relativ darauf.",
            )
        path = Path(unquote(parts.path)).resolve()
        if path in self._assets:
            return path
        if not path.is_relative_to(self._root):
            raise RenderError(
                f"Datei außerhalb des Projekts nicht erlaubt: {unquote(parts.path)}",
                hint="Verwenden Sie nur Dateien innerhalb des Projektordners.",
            )
        name = path.relative_to(self._root).as_posix()
        if not path.is_file():
            raise RenderError(f"Datei nicht gefunden: {name}", Location(name), "Prüfen Sie den Pfad.")
        return path


def _mime_type(path: Path) -> str:
    return mimetypes.guess_type(path.name)[0] or "application/octet-stream"


class _Collector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(
    html: str, layout: Layout, assets: Mapping[Path, bytes], on_stage: StageHook | None = None
) -> tuple[PdfResult, list[str]]:
    """Lay out and write the PDF; WeasyPrint's warnings are returned, refused fetches raised."""
    fetcher = ConfinedFetcher(layout.root, assets)
    base_url = layout.path(Layout.html).parent.as_uri() + "/"
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        with stage(on_stage, "layout"):
            html_document = weasyprint.HTML(string=html, base_url=base_url, url_fetcher=fetcher)
            # PDF/UA-1: tagged structure, language, title shown by viewers, XMP metadata.
            document = html_document.render(pdf_variant=PDF_VARIANT)
        with stage(on_stage, "pdf"):
            data = document.write_pdf(pdf_identifier=b"reportgen", pdf_variant=PDF_VARIANT)
    finally:
        logger.removeHandler(collector)
    if fetcher.refused:
        raise fetcher.refused[0]
    return PdfResult(data, len(document.pages)), collector.messages
