"""build/report.html as a page that works alone: the document with its stylesheet, fonts, images and charts inlined,
and the package's screen stylesheet for reading it in a browser.

The core (`self_contained`) is pure: HTML and a lookup of project files in, one HTML string out. Only `preview_html`
reads, through the build's in-memory assets and the confined reader. A resource that is missing, outside the
project or on another server is left out, never fetched: the PDF build has already refused what it needed, so
what remains are addresses only a browser would follow (say, in an `@media screen` rule)."""

from __future__ import annotations

import base64
import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from html import escape
from html.parser import HTMLParser
from importlib import resources
from typing import Any
from urllib.parse import unquote, urlsplit

import tinycss2  # type: ignore[import-untyped]
from tinycss2.ast import IdentToken, URLToken  # type: ignore[import-untyped]

from .errors import RenderError, ReportError
from .files import media_type, read_bytes
from .layout import Layout
from .limits import SizeLimit

Lookup = Callable[[str], bytes | None]
"""A project-relative name -> the file's bytes, or None where it is missing or may not be read."""

SCREEN_STYLESHEET = "preview.css"  # in the package, next to this module

_DOCUMENT_FOLDER = posixpath.dirname(Layout.html)
# Charts are put into the page as <svg> elements, not images: an SVG shown as an image cannot use the page's web
# fonts, so its text would fall back to a system font. Only reportgen's own drawings, and only plain ones.
_ACTIVE_SVG = re.compile(rb"<script|<foreignObject|<[^>]*\son[a-z]+\s*=", re.IGNORECASE)
_SVG_START = re.compile(r"<svg\b")
_SVG_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)
_SVG_ID = re.compile(r'(\sid=")([^"]+")')
_SVG_REFERENCE = re.compile(r'(href="#|url\(#)')


def preview_html(html: str, layout: Layout, assets: Mapping[str, bytes], limit: SizeLimit) -> str:
    """The document `html` as one self-contained page: files from `assets` (by project-relative name, as WeasyPrint
    got them) or read from the project within `limit`; the screen stylesheet appended."""
    return self_contained(html, ProjectFiles(layout, assets, limit), screen_stylesheet())


def screen_stylesheet() -> str:
    """The package's stylesheet for the browser: every rule in `@media screen`, so it never reaches the PDF."""
    return resources.files(__package__).joinpath(SCREEN_STYLESHEET).read_text("utf-8")


@dataclass(frozen=True)
class ProjectFiles:
    """The lookup `preview_html` gives the core: the in-memory assets first, then the confined reader."""

    layout: Layout
    assets: Mapping[str, bytes]
    limit: SizeLimit

    def __call__(self, name: str) -> bytes | None:
        if name in self.assets:
            return self.assets[name]
        layout = self.layout
        try:
            return read_bytes(
                layout.path(name), name, RenderError, "", root=layout.reading_root(name), limit=self.limit
            )
        except (ReportError, ValueError):  # ValueError: a NUL character in the name
            return None


def self_contained(html: str, lookup: Lookup, screen_css: str = "") -> str:
    """`html` (the document as it lives in build/) with every stylesheet link, `url(…)` and `<img src>` inlined:
    files come from `lookup` by project-relative name; one it doesn't give, or an address outside the project,
    is left out. `screen_css` is added at the end of the head."""
    scanner = _Scanner(html)
    scanner.feed(html)
    scanner.close()
    edits = [(found.start, found.end, _replacement(found, html, lookup)) for found in scanner.found]
    if screen_css:
        position = len(html) if scanner.head_end is None else scanner.head_end
        edits.append((position, position, f"<style>\n{_style_text(screen_css)}</style>\n"))
    return _splice(html, edits)


@dataclass(frozen=True)
class _Found:
    """A start tag that names a resource, or the text of a <style> element (`name` "style", no attributes),
    at offsets [start, end) of the document."""

    start: int
    end: int
    name: str
    attributes: tuple[tuple[str, str | None], ...] = ()
    raw: str = ""


class _Scanner(HTMLParser):
    """Where the tags that name resources and the texts of <style> elements are, and where the head ends."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        # The parser counts lines at "\n" only; so does this table of their offsets.
        self._lines = [0, *(match.end() for match in re.finditer("\n", html))]
        self.found: list[_Found] = []
        self.head_end: int | None = None
        self._style_start: int | None = None

    def _offset(self) -> int:
        line, column = self.getpos()
        return self._lines[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or ""
        start = self._offset()
        values = dict(attrs)
        stylesheet = tag == "link" and "stylesheet" in (values.get("rel") or "").lower().split()
        if tag == "img" or stylesheet or "url(" in (values.get("style") or ""):
            self.found.append(_Found(start, start + len(raw), tag, tuple(attrs), raw))
        if tag == "style":
            self._style_start = start + len(raw)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._style_start = None  # <style/> has no text

    def handle_endtag(self, tag: str) -> None:
        if tag == "style" and self._style_start is not None:
            self.found.append(_Found(self._style_start, self._offset(), "style"))
            self._style_start = None
        elif tag == "head" and self.head_end is None:
            self.head_end = self._offset()


def _splice(html: str, edits: list[tuple[int, int, str]]) -> str:
    parts: list[str] = []
    done = 0
    for start, end, text in sorted(edits, key=lambda edit: edit[:2]):
        parts += [html[done:start], text]
        done = end
    return "".join(parts) + html[done:]


def _replacement(found: _Found, html: str, lookup: Lookup) -> str:
    """The new text for one tag or style text."""
    if found.name == "style":
        return _style_text(_inline_css(html[found.start : found.end], _DOCUMENT_FOLDER, lookup))
    attributes = dict(found.attributes)
    if found.name == "link":
        return _inline_stylesheet(attributes, lookup)
    if attributes.get("style"):
        attributes["style"] = _inline_css(attributes["style"] or "", _DOCUMENT_FOLDER, lookup)
    if found.name == "img":
        chart = _inline_chart(attributes, lookup)
        if chart is not None:
            return chart
        src = _inlined_url(attributes.get("src") or "", _DOCUMENT_FOLDER, lookup)
        if src is None:  # left out: the browser shows the alt text
            attributes.pop("src", None)
        else:
            attributes["src"] = src
    return _start_tag(found.name, attributes, found.raw.endswith("/>"))


def _inline_stylesheet(attributes: Mapping[str, str | None], lookup: Lookup) -> str:
    """A <link rel="stylesheet"> as a <style> element with its own url()s inlined; nothing if it is left out."""
    name = _name(attributes.get("href") or "", _DOCUMENT_FOLDER)
    data = lookup(name) if name is not None else None
    if name is None or data is None:
        return ""
    media = f' media="{escape(attributes.get("media") or "")}"' if attributes.get("media") else ""
    css = _inline_css(data.decode("utf-8-sig", errors="replace"), posixpath.dirname(name), lookup)
    return f"<style{media}>\n{_style_text(css)}</style>"


def _start_tag(name: str, attributes: Mapping[str, str | None], closed: bool) -> str:
    """A start tag from its attributes (None: written without a value, as `<img hidden>`)."""
    text = "".join(f" {key}" if value is None else f' {key}="{escape(value)}"' for key, value in attributes.items())
    return f"<{name}{text}{' /' if closed else ''}>"


def _style_text(css: str) -> str:
    """CSS safe inside a <style> element: it cannot end the element early."""
    text = re.sub(r"</(style)", r"<\\/\1", css, flags=re.IGNORECASE)
    return text if text.endswith("\n") else text + "\n"


def _name(url: str, folder: str) -> str | None:
    """The project-relative name a relative `url` seen from `folder` stands for; None for any other address."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path or url.startswith(("/", "\\")):
        return None
    name = posixpath.normpath(posixpath.join(folder, unquote(parts.path)))
    if name in (".", "..") or name.startswith(("../", "/")):
        return None
    return name


def _inlined_url(url: str, folder: str, lookup: Lookup) -> str | None:
    """`url` as a data: URI; unchanged if it already is one or points into the page; None: left out."""
    if url.startswith("#") or url.lower().startswith("data:"):
        return url
    name = _name(url, folder)
    data = lookup(name) if name else None
    if name is None or data is None:
        return None
    return f"data:{media_type(name, data)};base64,{base64.b64encode(data).decode('ascii')}"


def _inline_css(css: str, folder: str, lookup: Lookup) -> str:
    """`css` with every `url(…)` (relative to `folder`) inlined; one left out becomes `none`, which the browser
    drops with its declaration, so that nothing is fetched."""
    tokens = tinycss2.parse_component_value_list(css)
    _rewrite_urls(tokens, folder, lookup)
    return str(tinycss2.serialize(tokens))


def _rewrite_urls(tokens: list[Any], folder: str, lookup: Lookup) -> None:
    for index, token in enumerate(tokens):
        url = _css_url(token)
        if url is not None:
            inlined = _inlined_url(url, folder, lookup)
            line, column = token.source_line, token.source_column
            tokens[index] = (
                IdentToken(line, column, "none")
                if inlined is None
                else URLToken(line, column, inlined, f'url("{_css_string(inlined)}")')
            )
        elif token.type == "function":
            _rewrite_urls(token.arguments, folder, lookup)
        elif token.type in ("{} block", "() block", "[] block"):
            _rewrite_urls(token.content, folder, lookup)


def _css_url(token: Any) -> str | None:
    """The address of a `url(…)` token, written with or without quotes; None for any other token."""
    if token.type == "url":
        return str(token.value)
    if token.type == "function" and token.lower_name == "url":
        strings = [argument for argument in token.arguments if argument.type == "string"]
        return str(strings[0].value) if strings else ""
    return None


def _css_string(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")


def _inline_chart(attributes: dict[str, str | None], lookup: Lookup) -> str | None:
    """One of reportgen's charts as an <svg> element, its alt text as its label; None for any other image."""
    name = _name(attributes.get("src") or "", _DOCUMENT_FOLDER)
    if name is None or posixpath.dirname(name) != Layout.charts or not name.endswith(".svg"):
        return None
    data = lookup(name)
    if data is None or _ACTIVE_SVG.search(data):
        return None
    try:
        svg = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    start = _SVG_START.search(svg)
    if start is None:
        return None
    # Each chart's ids get its own prefix: matplotlib gives the same ids in every drawing.
    prefix = "chart-" + posixpath.splitext(posixpath.basename(name))[0] + "-"
    svg = _SVG_METADATA.sub("", svg[start.start() :])
    svg = _SVG_REFERENCE.sub(
        lambda match: match[1] + prefix, _SVG_ID.sub(lambda match: match[1] + prefix + match[2], svg)
    )
    kept = {key: attributes[key] for key in ("id", "class") if attributes.get(key)}
    label = {**kept, "role": "img", "aria-label": attributes.get("alt") or ""}
    opening = "".join(f' {key}="{escape(value or "")}"' for key, value in label.items())
    return "<svg" + opening + svg[len("<svg") :].rstrip() + "\n"
