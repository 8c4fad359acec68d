"""One rendered chapter -> HTML, its problems placed at the line the editor wrote (in the chapter or a snippet)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from .citations import is_cross_reference
from .crossrefs import CrossReference
from .errors import ContentError, Location, ReportError, did_you_mean
from .layout import Layout
from .limits import DEFAULTS, SizeLimit
from .markdown import MarkdownRenderer
from .references import Reference
from .resources import Resource, resource_errors


@dataclass(frozen=True)
class ChapterChecks:
    """What turning rendered chapters into HTML needs: references (None: unreadable), the renderer, the project
    and the texts of its content files (to place a problem in the snippet it came from)."""

    references: Mapping[str, Reference] | None
    markdown: MarkdownRenderer
    root: Path
    texts: Mapping[str, str]
    image_limit: SizeLimit = DEFAULTS.file_size
    folder: str = Layout.content  # the chapters' folder, where images and snippets are


@dataclass(frozen=True)
class ChapterHtml:
    """One chapter's HTML, the keys it cites, and the problems, heading classes and cross-references in it."""

    html: Markup
    cited: tuple[str, ...]
    errors: tuple[ReportError, ...]
    warnings: tuple[ReportError, ...] = ()
    classes: tuple[tuple[Location, str], ...] = ()
    crossrefs: tuple[tuple[CrossReference, Location], ...] = ()
    images: tuple[Resource, ...] = ()  # the editor's images, with `lines` to place them (see image_errors)
    lines: tuple[int, ...] = ()

    def image_errors(
        self, display_name: str, root: Path, limit: SizeLimit, folder: str = Layout.content
    ) -> list[ReportError]:
        """The chapter's images as they are now: each a file inside the chapters' `folder`, within `limit`."""
        return resource_errors(self.images, list(self.lines), display_name, root, limit, folder)


def chapter_html(
    source: str, text: str, display_name: str, checks: ChapterChecks, charts: frozenset[str]
) -> ChapterHtml:
    """Citations linked, Markdown rendered, images checked; problems at the editor's line in `source`.

    `charts` are the URLs of the charts the helpers put in: drawn by reportgen, not files of the editor's."""
    lines = source_lines(source, text)
    rendered = checks.markdown.render(text, charts, checks.references)
    errors: list[ReportError] = []
    if checks.references is not None:
        errors.extend(
            _unknown_citation(
                item.key,
                checks.references,
                citation_origin(item.key, display_name, lines[item.line - 1], checks.texts, checks.folder),
            )
            for item in rendered.unknown
        )
    errors.extend(
        resource_errors(rendered.resources, lines, display_name, checks.root, checks.image_limit, checks.folder)
    )
    warnings = tuple(
        ContentError(leftover.message, Location(display_name, line=lines[leftover.line - 1]), leftover.hint)
        for leftover in rendered.leftovers
    )
    errors.extend(
        ContentError(problem.message, Location(display_name, line=lines[problem.line - 1]), problem.hint)
        for problem in rendered.problems
    )
    classes = tuple((Location(display_name, line=lines[line - 1]), name) for line, name in rendered.classes)
    crossrefs = tuple((ref, Location(display_name, line=lines[ref.line - 1])) for ref in rendered.crossrefs)
    return ChapterHtml(
        Markup(rendered.html),
        rendered.cited,
        tuple(errors),
        warnings,
        classes,
        crossrefs,
        rendered.resources,
        tuple(lines),
    )


def source_lines(source: str, rendered: str) -> list[int]:
    """For each line of the rendered text, the line of the source it came from (1-based).

    Lines without template code come through unchanged and are matched exactly; a line produced by
    template code maps to the source line of its expression (the first of a changed run)."""
    before, after = source.splitlines(), rendered.splitlines()
    mapped = [1] * (len(after) + 1)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        for j in range(j1, j2):
            offset = j - j1 if tag == "equal" else min(j - j1, max(i2 - i1 - 1, 0))
            mapped[j] = min(i1 + offset, max(len(before) - 1, 0)) + 1
    mapped[len(after)] = max(len(before), 1)
    return mapped


_INCLUDED = re.compile(r"""\{%-?\s*include\s+(?:"([^"]+)"|'([^']+)')""")


def citation_origin(
    key: str, display_name: str, line: int, texts: Mapping[str, str], folder: str = Layout.content
) -> Location:
    """Where the editor wrote the citation of `key` that surfaced at `line` of `display_name`: in the snippet
    that line includes (or one it includes in turn) when the key is written there, else that line itself.
    `folder` is the chapters' folder the snippets are in."""
    name = display_name.removeprefix(f"{folder}/")
    lines = texts.get(name, "").splitlines()
    if 0 < line <= len(lines):
        written = re.compile(rf"@{re.escape(key)}(?![\w-])")
        found = _written_in(written, _included(lines[line - 1]), texts, {name}, folder)
        if found is not None:
            return found
    return Location(display_name, line=line)


def _included(line: str) -> list[str]:
    return [match.group(1) or match.group(2) for match in _INCLUDED.finditer(line)]


def _written_in(
    written: re.Pattern[str], snippets: list[str], texts: Mapping[str, str], seen: set[str], folder: str
) -> Location | None:
    """The first line that matches `written` in `snippets`, or in the snippets they include, in reading order."""
    for snippet in snippets:
        if snippet in seen or snippet not in texts:
            continue
        seen.add(snippet)
        for number, text in enumerate(texts[snippet].splitlines(), 1):
            if written.search(text):
                return Location(f"{folder}/{snippet}", line=number)
            inner = _written_in(written, _included(text), texts, seen, folder)
            if inner is not None:
                return inner
    return None


def _unknown_citation(key: str, references: Mapping[str, Reference], location: Location) -> ContentError:
    if is_cross_reference(key):  # only a bracket that also holds citations makes one a citation
        hint = f"Schreiben Sie Querverweise und Zitate in getrennte Klammern: [@{key}] und [@quelle]."
        return ContentError(f"Querverweis @{key} steht in einer Klammer mit Zitaten.", location, hint)
    suggestion = did_you_mean(key, references)
    fix = f"Ergänzen Sie [{key}] in {Layout.references}."
    hint = f"{suggestion} Sonst ergänzen Sie [{key}] in {Layout.references}." if suggestion else fix
    return ContentError(f"Zitat @{key} hat keinen Eintrag im Literaturverzeichnis.", location, hint)
