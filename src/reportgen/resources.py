"""The files a chapter asks for (images, raw-HTML sources): found, relocated for the document, checked in the
chapters' folder (content/)."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from markdown_it.token import Token

from .errors import ContentError, Location, ReportError
from .files import too_large
from .layout import Layout
from .limits import SizeLimit

IMAGE_HINT = "Legen Sie Bilder in content/ ab und verweisen Sie relativ darauf, z. B. ![Foto](bilder/foto.png)."


def image_hint(folder: str = Layout.content) -> str:
    """Where images belong: in the chapters' folder (content/, or a batch build's own)."""
    return IMAGE_HINT.replace("content/", f"{folder}/", 1)


# Resources in raw HTML: every one must be checked like a Markdown image.
# Values quoted or not: a browser (and WeasyPrint) reads <img src=/etc/passwd> as well as <img src="…">.
_HTML_SOURCE = re.compile(
    r"""<(?:img|source|link|script|iframe|object|embed|video|audio|track|input)\b[^>]*?"""
    r"""\b(?:src|href|data|poster)\s*=\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^\s"'>]+))""",
    re.I,
)


@dataclass(frozen=True)
class Resource:
    """A file a chapter asks for (an image, or a source in raw HTML), at a line of the rendered text."""

    line: int
    url: str


def find_resources(token: Token) -> list[Resource]:
    """Images and raw-HTML sources in one block token, each at its own line (code is never a resource)."""
    line = token.map[0] + 1 if token.map else 1
    if token.type == "html_block":
        return _html_sources(token.content, line)
    found: list[Resource] = []
    for child in token.children or []:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            found.append(Resource(line, str(child.attrGet("src") or "")))
        elif child.type == "html_inline":
            found.extend(_html_sources(child.content, line))
    return found


def _html_sources(html: str, line: int) -> list[Resource]:
    return [
        Resource(line + offset, match.group(_url_group(match)))
        for offset, html_line in enumerate(html.splitlines())
        for match in _HTML_SOURCE.finditer(html_line)
    ]


def _url_group(match: re.Match[str]) -> str:
    """The name of the group that holds the URL: it was written in double, single or no quotes."""
    return next(name for name in ("double", "single", "bare") if match.group(name) is not None)


def relocate(token: Token, generated: frozenset[str], prefix: str) -> None:
    """The editor's relative resources are written from content/; the HTML document lives elsewhere, and
    `prefix` leads from it to content/. `generated` are URLs reportgen itself put in (its charts)."""

    def relocated(url: str) -> str:
        if url in generated or not url or ":" in url or url.startswith(("/", "#")):
            return url
        return prefix + url

    def relocate_html(html: str) -> str:
        def attribute(match: re.Match[str]) -> str:
            group = _url_group(match)
            start, end = (offset - match.start() for offset in match.span(group))
            return match.group(0)[:start] + relocated(match.group(group)) + match.group(0)[end:]

        return _HTML_SOURCE.sub(attribute, html)

    if token.type == "html_block":
        token.content = relocate_html(token.content)
    for child in token.children or []:
        if child.type == "image":
            child.attrSet("src", relocated(str(child.attrGet("src") or "")))
        elif child.type == "html_inline":
            child.content = relocate_html(child.content)


def resource_errors(
    resources: tuple[Resource, ...],
    lines: list[int],
    display_name: str,
    root: Path,
    limit: SizeLimit,
    folder: str = Layout.content,
) -> list[ReportError]:
    """Every image in a chapter must be a file inside the chapters' `folder`, within `limit`; nothing else is ever
    fetched."""
    errors: list[ReportError] = []
    for resource in resources:
        location = Location(display_name, line=lines[min(resource.line, len(lines)) - 1])
        problem = _resource_problem(resource.url, root, folder)
        if problem:
            errors.append(ContentError(problem, location, image_hint(folder)))
            continue
        path = root / folder / unquote(urlsplit(resource.url).path)
        if path.stat().st_size > limit.size:
            name = posixpath.join(folder, unquote(urlsplit(resource.url).path))
            error = too_large(ContentError, location, path.stat().st_size, limit)
            errors.append(ContentError(f"Bild {name}: {error.message}", location, error.hint))
    return errors


def _resource_problem(url: str, root: Path, folder: str) -> str:
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return f"Bild mit externer Adresse „{url}“ ist nicht erlaubt."
    if url.startswith("/") or url.startswith("\\"):
        return f"Bild mit absolutem Pfad „{url}“ ist nicht erlaubt."
    relative = unquote(parts.path)
    try:
        path = (root / folder / relative).resolve()
        if not path.is_relative_to(root.resolve()):
            return f"Bild „{url}“ liegt außerhalb des Projekts."
        if not path.is_file():
            return f"Bild nicht gefunden: {posixpath.join(folder, relative)}."
    except (OSError, ValueError):  # a NUL character, a name longer than the file system allows
        return f"Bild „{url[:80]}“ hat keinen gültigen Dateinamen."
    return ""
