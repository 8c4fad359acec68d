"""content/*.md -> Jinja (sandboxed, strict) -> citations -> Markdown -> HTML chapters with numbered headings."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, NoReturn

from jinja2 import TemplateError as JinjaError
from jinja2 import TemplateSyntaxError, UndefinedError
from markupsafe import Markup

from .bibliography import format_citations
from .chapter_html import ChapterChecks, ChapterHtml, chapter_html
from .charts import ChartSpec
from .citations import fill_placeholders
from .crossrefs import CrossReference, resolve
from .errors import ContentError, Location, ReportError, TemplateError, raise_all
from .files import read_text
from .headings import Heading
from .helpers import BIBLIOGRAPHY_MARKER, LIST_MARKERS, Helpers, helper_names
from .layout import Layout
from .limits import Limits, SizeLimit
from .markdown import MarkdownRenderer
from .prepare_cache import ChapterRun, PrepareCache, uncached
from .references import Reference
from .template_errors import explain_undefined, template_error, template_line
from .template_includes import check_includes
from .template_limits import LimitedEnvironment
from .templating import SourceLoader, make_environment

if TYPE_CHECKING:
    from jinja2 import Environment

    from .breakdown import AnalysisRules
    from .focus import Focus
    from .hyphenation import HyphenationExceptions
    from .stats import SurveyStats
    from .subgroup_stats import SubgroupStats

_CITATION_LINK = re.compile(r"</?a\b[^>]*>")


@dataclass(frozen=True)
class Chapter:
    """One content file rendered to HTML."""

    file: str
    html: Markup


@dataclass(frozen=True)
class ContentSources:
    """Every Markdown file in the chapters' folder (content/), read once: chapters in file-name order, and snippets
    (`_name.md`). `folder` is what messages name („content-batch/02-vergleich.md, Zeile 7“)."""

    texts: Mapping[str, str]
    folder: str = Layout.content

    @property
    def chapters(self) -> tuple[str, ...]:
        return tuple(name for name in sorted(self.texts) if not name.startswith("_"))


@dataclass(frozen=True)
class RenderedContent:
    """All chapters, their headings (for the table of contents) and what they need."""

    chapters: tuple[Chapter, ...]
    headings: tuple[Heading, ...]
    charts: tuple[ChartSpec, ...]
    cited: tuple[str, ...]
    questions_used: frozenset[str]
    warnings: tuple[ReportError, ...]
    classes: tuple[tuple[Location, str], ...]  # classes given to headings ({.new-page}), where they are given


def read_sources(layout: Layout, limit: SizeLimit) -> ContentSources:
    """Read every *.md of the layout's chapters' folder (content/) once, each within `limit`; a folder without
    chapters is an error.

    Hidden files (editors' lock files `.#x.md`, macOS's `._x.md`) and folders are not chapters; any other entry
    must be a readable text file inside the project (see `files.read_bytes`)."""
    folder = layout.content
    paths = sorted(
        path for path in layout.path(folder).glob("*.md") if not path.name.startswith(".") and not path.is_dir()
    )
    dangling = "Der Verweis zeigt ins Leere: ersetzen Sie ihn durch die Datei oder entfernen Sie ihn."
    texts: dict[str, str] = {}
    errors: list[ReportError] = []
    for path in paths:
        try:
            texts[path.name] = read_text(
                path, f"{folder}/{path.name}", ContentError, dangling, root=layout.root, limit=limit
            )
        except ReportError as error:
            errors.append(error)
    raise_all(errors)
    sources = ContentSources(texts, folder)
    if not sources.chapters:
        hint = f"Legen Sie mindestens eine Datei {folder}/01-kapitel.md an."
        raise ContentError("Keine Kapitel gefunden.", Location(f"{folder}/"), hint)
    return sources


def render_content(
    sources: ContentSources,
    layout: Layout,
    partials: Environment,
    stats: SurveyStats,
    references: Mapping[str, Reference],
    limits: Limits,
    subgroups: SubgroupStats | None = None,
    rules: AnalysisRules | None = None,
    hyphenation: HyphenationExceptions | None = None,
    cache: PrepareCache | None = None,
    inputs: str = "",
    focus: Focus | None = None,
) -> RenderedContent:
    """Render every chapter in order, each within `limits`; figure, table and heading numbers run across files.
    `subgroups` serves filters and breakdowns (without it, a chapter that asks for one gets an error). With a
    long-running process's `cache`, a chapter is taken from it where that gives what rendering it would;
    `inputs` then names every input but the content texts (see prepare_cache). With a batch report's `focus`, the
    batch helpers know its respondent or segment and every group is checked for anonymity (see anonymity.py)."""
    environment = make_environment(SourceLoader(sources.texts), autoescape=False, limits=limits)
    context = _Context(environment, sources, layout, references, limits)
    helpers = Helpers(
        stats,
        references,
        partials,
        context.charts_href,
        subgroups=subgroups,
        rules=rules,
        focus=focus,
        folder=sources.folder,
    )
    markdown = MarkdownRenderer(layout.href(layout.content), helpers.targets, hyphenation)
    # What the state refers to and `inputs` names: kept out of the state, never compared by value.
    shared: dict[str, object] = {"stats": stats, "subgroups": subgroups, "references": references}
    shared.update(partials=partials, hyphenation=hyphenation, texts=sources.texts)
    state = (helpers, markdown)
    run: _Run = cache.chapters.run(inputs, sources.texts, state, shared) if cache is not None else uncached(state)
    chapters: list[Chapter] = []
    crossrefs: list[tuple[CrossReference, Location]] = []
    cited: dict[str, None] = {}
    errors: list[ReportError] = []
    warnings: list[ReportError] = []
    classes: list[tuple[Location, str]] = []
    for name in sources.chapters:
        try:
            html = _chapter(name, run, context)
        except ReportError as error:
            errors.append(error)
            continue
        errors.extend(html.errors)
        warnings.extend(html.warnings)
        classes.extend(html.classes)
        crossrefs.extend(html.crossrefs)
        cited.update(dict.fromkeys(html.cited))
        chapters.append(Chapter(f"{sources.folder}/{name}", html.html))
    raise_all(errors)
    helpers, markdown = run.live()
    chapters, headings = _cross_referenced(chapters, markdown.headings, crossrefs, helpers)
    citations = tuple(markdown.citations)
    formatted = (
        cache.value("citations", (inputs, citations), lambda: format_citations(citations, references))
        if cache is not None
        else format_citations(citations, references)
    )
    bibliography = helpers.render_bibliography(formatted.bibliography)
    return RenderedContent(
        tuple(_finished(chapter, formatted.citations, bibliography) for chapter in chapters),
        tuple(_heading_with_citations(heading, formatted.citations) for heading in headings),
        helpers.charts,
        tuple(cited),
        helpers.questions_used,
        # The study's reference list is shared; a batch report cites what it needs and need not cite the rest.
        (*warnings, *helpers.warnings, *(_uncited(references, cited) if focus is None else ())),
        tuple(classes),
    )


# The chapters in order, each on the helpers and Markdown renderer the chapters before it left (see prepare_cache).
_Run = ChapterRun[tuple[Helpers, MarkdownRenderer], ChapterHtml]


@dataclass(frozen=True)
class _Context:
    """What rendering a chapter reads besides the state it carries on."""

    environment: LimitedEnvironment
    sources: ContentSources
    layout: Layout
    references: Mapping[str, Reference]
    limits: Limits

    @property
    def charts_href(self) -> str:
        return self.layout.href(Layout.charts)


def _chapter(name: str, run: _Run, context: _Context) -> ChapterHtml:
    """Chapter `name` as kept in the cache (its images checked again) or rendered and kept; a mistake in its
    template is raised, the others are in its `errors`."""
    folder = context.sources.folder
    display, text = f"{folder}/{name}", context.sources.texts[name]
    root, limit = context.layout.root, context.limits.file_size
    kept = run.take(name, text)
    if kept is not None:
        return replace(kept, errors=tuple(kept.image_errors(display, root, limit, folder)))
    helpers, markdown = run.live()
    rendered = _render_template(context.environment, name, helpers, folder)
    drawn = frozenset(context.charts_href + spec.name for spec in helpers.charts)
    checks = ChapterChecks(context.references, markdown, root, context.sources.texts, limit, folder)
    html = chapter_html(text, rendered, display, checks, drawn)
    if not html.errors:
        run.keep(name, html)
    return html


def _finished(chapter: Chapter, citations: Sequence[str], bibliography: Markup) -> Chapter:
    """The chapter with its citations formatted, and the bibliography where the editor put `{{ bibliography() }}`
    (Markdown may have eaten its line breaks)."""
    html = fill_placeholders(chapter.html, citations)
    return Chapter(chapter.file, Markup(html.replace(BIBLIOGRAPHY_MARKER.strip(), bibliography.strip())))


def _cross_referenced(
    chapters: Sequence[Chapter],
    headings: Sequence[Heading],
    crossrefs: Sequence[tuple[CrossReference, Location]],
    helpers: Helpers,
) -> tuple[list[Chapter], list[Heading]]:
    """Figures and tables numbered in report order, cross-references resolved (forward ones too) and the lists of
    figures and tables where the editor put them; an unknown label stops the build at its line."""
    resolution = resolve([chapter.html for chapter in chapters], helpers.targets, headings, crossrefs)
    raise_all(list(resolution.errors))
    lists = {kind: helpers.render_list(kind, resolution.entries(kind)).strip() for kind in LIST_MARKERS}
    finished = []
    for chapter in chapters:
        html = resolution.apply(chapter.html)
        for kind, marker in LIST_MARKERS.items():
            html = html.replace(marker.strip(), lists[kind])
        finished.append(Chapter(chapter.file, Markup(html)))
    return finished, [replace(heading, html=Markup(resolution.apply(heading.html, link=False))) for heading in headings]


def _heading_with_citations(heading: Heading, citations: Sequence[str]) -> Heading:
    """A heading's citations for the table of contents and the bookmarks: the text without its links, since the
    entry is a link itself."""
    if "citation-placeholder" not in heading.html:
        return heading
    html = _CITATION_LINK.sub("", fill_placeholders(heading.html, citations))
    return replace(heading, html=Markup(html))


def check_sources(
    sources: ContentSources, layout: Layout, references: Mapping[str, Reference] | None
) -> list[ReportError]:
    """What can be checked in the chapters and snippets without the data (when it could not be read):
    citations (unless the references could not be read either) and images, on the text as written."""
    errors: list[ReportError] = []
    checks = ChapterChecks(references, MarkdownRenderer(), layout.root, sources.texts, folder=sources.folder)
    for name in sorted(sources.texts):  # snippets too: their includes are not followed here
        text = sources.texts[name]
        html = chapter_html(text, text, f"{sources.folder}/{name}", checks, frozenset())
        errors.extend(html.errors)
    return errors


def _uncited(references: Mapping[str, Reference], cited: Mapping[str, None]) -> tuple[ReportError, ...]:
    return tuple(
        ContentError(
            f"Eintrag „{key}“ wird nirgends zitiert.",
            Location(Layout.references, line=ref.line),
            f"Zitieren Sie ihn mit [@{key}] oder entfernen Sie ihn.",
        )
        for key, ref in references.items()
        if key not in cited
    )


def _render_template(environment: LimitedEnvironment, name: str, helpers: Helpers, content: str) -> str:
    """Chapter `name` of the chapters' folder `content` rendered; every mistake at the editor's line."""
    try:
        check_includes(environment, name)
        template = environment.get_template(name)
        return environment.render_limited(template, helpers.namespace())
    except ReportError as error:
        _placed(error, f"{content}/{name}", name)
    except TemplateSyntaxError as error:
        in_partial = error.name is not None and error.name.endswith(".j2")
        folder, kind = (Layout.partials, TemplateError) if in_partial else (content, ContentError)
        raise template_error(error, folder, name, kind) from None
    except UndefinedError as error:
        message, hint = explain_undefined(error.message or "", helpers.question_ids, helper_names())
        raise ContentError(message, Location(f"{content}/{name}", line=template_line(error, name)), hint) from None
    except JinjaError as error:
        hint = f"Verfügbar sind: {', '.join(helper_names())}."
        raise template_error(error, content, name, ContentError, hint) from None
    except (TypeError, ValueError) as error:
        message, hint = f"Falscher Aufruf: {error}.", "Prüfen Sie Anzahl und Art der Argumente (siehe README)."
        raise ContentError(message, Location(f"{content}/{name}", line=template_line(error, name)), hint) from None
    except (ArithmeticError, LookupError) as error:
        message, hint = f"{_runtime_problem(error)}.", "Prüfen Sie den Ausdruck in dieser Zeile."
        raise ContentError(message, Location(f"{content}/{name}", line=template_line(error, name)), hint) from None


def _runtime_problem(error: ArithmeticError | LookupError) -> str:
    if isinstance(error, ZeroDivisionError):
        return "Rechenfehler: Division durch null"
    if isinstance(error, ArithmeticError):
        return "Rechenfehler: das Ergebnis ist zu groß"
    return f"Eintrag nicht gefunden: {error}"


def _placed(error: ReportError, display: str, name: str) -> NoReturn:
    """A helper's error has no place yet: it happened at the chapter line (of `display`) that called the helper."""
    if error.location is not None:
        raise error
    raise error.at(Location(display, line=template_line(error, name))) from None
