"""content/*.md -> Jinja (sandboxed, strict) -> Markdown -> HTML chapters with numbered headings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from jinja2 import TemplateError
from markupsafe import Markup

from .errors import Location, ReportError, did_you_mean, raise_all, relative_name
from .helpers import ChartRequest, HelperError, Helpers
from .markdown import Heading, MarkdownRenderer
from .references import Reference
from .templating import template_error, template_line

if TYPE_CHECKING:
    from jinja2 import Environment

    from .stats import SurveyStats

CITATION_GROUP = re.compile(r"\[(@[A-Za-z0-9_][\w-]*(?:\s*;\s*@[A-Za-z0-9_][\w-]*)*)\]")
# Content images are written relative to content/; the HTML lives in build/.
CONTENT_FROM_BUILD = "../content/"
_HTML_SOURCE = re.compile(
    r"""<(?:img|source|link|script|iframe|object|embed)\b[^>]*?\b(?:src|href|data)\s*=\s*["']([^"']*)["']""", re.I
)
CITATION_NARRATIVE = re.compile(r"(?<![\w@\[/.])@([A-Za-z0-9_][\w-]*[A-Za-z0-9_])")


@dataclass(frozen=True)
class Chapter:
    """One content file rendered to HTML."""

    file: str
    html: Markup


@dataclass(frozen=True)
class RenderedContent:
    """All chapters, their headings (for the table of contents) and what they need."""

    chapters: tuple[Chapter, ...]
    headings: tuple[Heading, ...]
    charts: tuple[ChartRequest, ...]
    cited: tuple[str, ...]
    questions_used: frozenset[str]
    warnings: tuple[str, ...]


def content_files(content_dir: Path) -> list[Path]:
    """The chapters, in file-name order."""
    return sorted(path for path in content_dir.glob("*.md") if not path.name.startswith("_"))


def render_content(
    root: Path,
    content_env: Environment,
    partials_env: Environment,
    stats: SurveyStats,
    references: dict[str, Reference],
) -> RenderedContent:
    """Render every chapter in order; figure, table and heading numbers run across files."""
    files = content_files(root / "content")
    cited, errors = check_sources(root, references)
    helpers = Helpers(stats, references, cited, partials_env)
    markdown = MarkdownRenderer(resource_prefix=CONTENT_FROM_BUILD)
    chapters = []
    for path in files:
        name = relative_name(path, root)
        try:
            text = _render_template(content_env, path.name, name, helpers)
        except ReportError as error:
            errors.append(error)
            continue
        text = _replace_citations(text, references)
        chapters.append(Chapter(name, Markup(markdown.render(text))))
    raise_all(errors)
    warnings = tuple(
        f"content/literatur.toml, Zeile {ref.line}: Eintrag „{key}“ wird nirgends zitiert."
        for key, ref in references.items()
        if key not in cited
    )
    return RenderedContent(
        tuple(chapters),
        tuple(markdown.headings),
        tuple(helpers.charts),
        tuple(cited),
        frozenset(helpers.questions_used),
        warnings,
    )


def check_sources(root: Path, references: dict[str, Reference] | None) -> tuple[list[str], list[ReportError]]:
    """What can be checked in the chapters without the data: citations (unless the references
    could not be read) and images. Returns the cited keys in order and the problems found."""
    files = content_files(root / "content")
    if not files:
        hint = "Legen Sie mindestens eine Datei content/01-kapitel.md an."
        raise ReportError("Keine Kapitel gefunden.", Location("content/"), hint)
    sources = {path: _read(path, root) for path in files}
    errors: list[ReportError] = []
    cited = _check_citations(sources, root, references, errors) if references is not None else []
    for path, text in sources.items():
        errors.extend(_check_images(text, relative_name(path, root), root))
    return cited, errors


def _read(path: Path, root: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ReportError(
            "Die Datei ist kein UTF-8-Text.", Location(relative_name(path, root)), "Speichern Sie sie als UTF-8."
        ) from None


def _check_citations(
    sources: dict[Path, str], root: Path, references: dict[str, Reference], errors: list[ReportError]
) -> list[str]:
    """Citation keys in order of first use; each unknown key is an error at its line."""
    cited: list[str] = []
    for path, text in sources.items():
        for number, line in enumerate(text.splitlines(), 1):
            for key in _keys_in(line):
                if key not in references:
                    suggestion = did_you_mean(key, references)
                    errors.append(
                        ReportError(
                            f"Zitat @{key} hat keinen Eintrag im Literaturverzeichnis.",
                            Location(relative_name(path, root), line=number),
                            f"{suggestion} Sonst ergänzen Sie [{key}] in content/literatur.toml."
                            if suggestion
                            else f"Ergänzen Sie [{key}] in content/literatur.toml.",
                        )
                    )
                elif key not in cited:
                    cited.append(key)
    return cited


def _keys_in(line: str) -> list[str]:
    keys = []
    for group in CITATION_GROUP.findall(line):
        keys.extend(part.strip()[1:] for part in group.split(";"))
    keys.extend(CITATION_NARRATIVE.findall(CITATION_GROUP.sub("", line)))
    return keys


def _replace_citations(text: str, references: dict[str, Reference]) -> str:
    def link(key: str, label: str) -> str:
        return f'<a class="citation" href="#ref-{key}">{label}</a>'

    def group(match: re.Match[str]) -> str:
        keys = [part.strip()[1:] for part in match.group(1).split(";")]
        if any(key not in references for key in keys):
            return match.group(0)  # already reported with its line
        items = [link(key, f"{references[key].author}, {references[key].year}") for key in keys]
        return "(" + "; ".join(items) + ")"

    def narrative(match: re.Match[str]) -> str:
        reference = references[match.group(1)]
        return f"{link(reference.key, reference.author)} ({reference.year})"

    text = CITATION_GROUP.sub(group, text)
    return CITATION_NARRATIVE.sub(lambda m: narrative(m) if m.group(1) in references else m.group(0), text)


def _render_template(environment: Environment, template_name: str, display_name: str, helpers: Helpers) -> str:
    try:
        template = environment.get_template(template_name)
        return template.render(helpers.namespace())
    except HelperError as error:
        line = template_line(error, template_name)
        raise ReportError(error.message, Location(display_name, line=line), error.hint) from None
    except TemplateError as error:
        hint = f"Verfügbar sind: {', '.join(helpers.names())}."
        raise template_error(error, template_name, display_name, hint) from None
    except (TypeError, ValueError) as error:
        raise ReportError(
            f"Falscher Aufruf: {error}.",
            Location(display_name, line=template_line(error, template_name)),
            "Prüfen Sie Anzahl und Art der Argumente (siehe README).",
        ) from None


def _check_images(text: str, name: str, root: Path) -> list[ReportError]:
    """Every image in a chapter must be a file inside content/; nothing else is ever fetched."""
    errors = []
    for line, url in _resource_urls(text):
        problem = _resource_problem(url, root)
        if problem:
            errors.append(
                ReportError(
                    problem,
                    Location(name, line=line),
                    "Legen Sie Bilder in content/ ab und verweisen Sie relativ darauf, z. B. ![Foto](bilder/foto.png).",
                )
            )
    return errors


def _resource_urls(text: str) -> list[tuple[int, str]]:
    from markdown_it import MarkdownIt

    urls = []
    for token in MarkdownIt("commonmark", {"html": True}).enable("table").parse(text):
        line = token.map[0] + 1 if token.map else 1
        for child in token.children or []:
            if child.type == "image":
                urls.append((line, str(child.attrGet("src") or "")))
        for offset, source_line in enumerate(
            token.content.splitlines() if token.type in ("html_block", "inline") else []
        ):
            urls.extend((line + offset, match) for match in _HTML_SOURCE.findall(source_line))
    return urls


def _resource_problem(url: str, root: Path) -> str:
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme or parts.netloc or url.startswith("//"):
        return f"Bild mit externer Adresse „{url}“ ist nicht erlaubt."
    if url.startswith("/") or url.startswith("\\"):
        return f"Bild mit absolutem Pfad „{url}“ ist nicht erlaubt."
    content_dir = (root / "content").resolve()
    path = (content_dir / unquote(parts.path)).resolve()
    if not path.is_relative_to(root.resolve()):
        return f"Bild „{url}“ liegt außerhalb des Projekts."
    if not path.is_file():
        return f"Bild nicht gefunden: content/{unquote(parts.path)}."
    return ""
