"""build(root) -> BuildResult: reads every input once, runs the stages in order, then writes through one writer."""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import hashlib
import os
import posixpath
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from .breakdown import AnalysisRules
from .charts import ChartStyle, PendingCharts, start_charts, warm_up
from .config import Config, load_config
from .content import RenderedContent, check_sources, read_sources, render_content
from .data_stage import CREATE_HINT, StatsCache, SurveyData, SurveyFiles, read_data, store_data
from .errors import ContentError, DataError, Location, OutputError, ReportError, TemplateError, did_you_mean, raise_all
from .files import read_bytes, read_text
from .focus import Focus
from .headings import HEADING_CLASSES
from .house import NEUTRAL_LOGO
from .hyphenation import HOUSE_EXCEPTIONS, HyphenationExceptions
from .hyphenation_patterns import patterns_in
from .layout import Layout
from .limits import Limits, SizeLimit
from .microdata import Respondents
from .page import PageContext, check_page_template, page_context, render_page
from .prepare_cache import PrepareCache, file_stamp, folder_stamp, inputs_digest
from .preview import preview_html
from .provenance import unmarked
from .references import Reference, parse_references
from .stats import SurveyStats
from .stylesheet import read_stylesheet
from .subgroup_stats import SubgroupStats
from .template_limits import LimitedEnvironment
from .templating import folder_loader, make_environment
from .timing import Stage, StageHook, stage
from .writer import BuildFolder

T = TypeVar("T")

if TYPE_CHECKING:
    from .pdf import LaidOut


@dataclass(frozen=True)
class Project:
    """Everything read and checked from the project folder, before anything is drawn or written."""

    config: Config
    stats: SurveyStats
    content: RenderedContent
    html: str
    style_files: dict[str, bytes]
    chart_style: ChartStyle
    stats_cache: StatsCache
    respondents: Respondents
    survey_files: SurveyFiles
    warnings: tuple[ReportError, ...]


@dataclass(frozen=True)
class BuildResult:
    """Where the outputs are and what the build noticed."""

    pdf: Path
    html: Path
    pages: int
    warnings: tuple[ReportError, ...] = field(default=())
    charts_drawn: int = 0


def prepare(root: Path, *, on_stage: StageHook | None = None) -> Project:
    """Config, data, statistics and content: every check, nothing drawn, nothing written.

    Problems are collected across the stages that don't depend on each other, so one run
    reports as many as it can find."""
    with stage(on_stage, Stage.CONFIG):
        config = load_config(root)
    return _prepare(config, on_stage)


def _prepare(
    config: Config, on_stage: StageHook | None, cache: PrepareCache | None = None, focus: Focus | None = None
) -> Project:
    """`prepare` after the config; with a long-running process's `cache`, what the inputs did not change is not
    made again (the chapters, the templates, the stylesheet: see prepare_cache). With a `focus`, the batch content
    of one unit (see prepare_unit)."""
    layout, limits = (config.layout if focus is None else unit_layout(config)), config.limits
    # A unit's chapters are its own: the chapter cache would only hash and pickle them.
    chapter_cache = cache if focus is None else None
    errors: list[ReportError] = []
    with stage(on_stage, Stage.DATA):
        data = _collect(errors, _data, config, cache if focus is not None else None)
    with stage(on_stage, Stage.CONTENT):
        references = _collect(errors, _references, layout, limits.file_size)
        sources = _collect(errors, read_sources, layout, limits.file_size)
        stamp = folder_stamp(layout.path(Layout.templates)) if cache is not None else ""
        templates = _kept(cache, "templates", (layout, limits, stamp), _environment, layout, Layout.templates, limits)
        known = len(errors)
        _collect(errors, check_page_template, templates)
        page_compiles = len(errors) == known
        house_style = _collect(errors, _house_style, config, cache, stamp)
        chart_style = _collect(errors, _chart_style, config)
        if data is None or references is None or sources is None:
            errors.extend(check_sources(sources, layout, references) if sources is not None else [])
            raise_all(errors)
            raise AssertionError("a stage failed without saying why")
        codebook, stats = data.codebook, data.stats
        partials = _kept(cache, "partials", (layout, limits, stamp), _environment, layout, Layout.partials, limits)
        subgroups = SubgroupStats({qid: q.question for qid, q in stats.questions.items()}, data.respondents)
        rules = _analysis_rules(config)
        hyphenation = HyphenationExceptions((*HOUSE_EXCEPTIONS, *config.report.hyphenation))
        inputs = _content_inputs(config, data, references) if chapter_cache is not None else ""
        content = _collect(
            errors,
            functools.partial(render_content, focus=focus),
            *(sources, layout, partials, stats, references, limits, subgroups, rules, hyphenation, chapter_cache),
            inputs,
        )
    with stage(on_stage, Stage.PAGE):
        html = (
            _collect(errors, render_page, templates, _page_context(config, content, layout, focus))
            if content and page_compiles
            else None
        )
    raise_all(errors)
    assert content is not None and html is not None and house_style is not None and chart_style is not None
    unused = (
        DataError(
            f"Frage „{qid}“ wird im Bericht nicht verwendet.",
            Location(layout.codebook, line=codebook[qid].line),
            "Verwenden Sie sie in einem Kapitel oder entfernen Sie sie aus dem Codebuch.",
        )
        for qid in codebook.ids
        if qid not in content.questions_used and focus is None  # a batch report shows a few questions by design
    )
    classes = _unknown_classes(content.classes, HEADING_CLASSES | house_style.classes)
    warnings = (*content.warnings, *classes, *unused)
    return Project(
        config, stats, content, html, house_style.files, chart_style, data.cache, data.respondents, data.files, warnings
    )


def _kept(cache: PrepareCache | None, name: str, key: object, step: Callable[..., T], *arguments: object) -> T:
    """`step(*arguments)`, or with a `cache` the value it gave for an equal `key` (see PrepareCache.value)."""
    return step(*arguments) if cache is None else cache.value(name, key, lambda: step(*arguments))


def _house_style(config: Config, cache: PrepareCache | None, templates: str) -> HouseStyle:
    """The stylesheet and its files; with a `cache`, read again only when a file in templates/ (`templates`: their
    stamp), the logo or a file it named elsewhere changed."""
    layout, logo, limit = config.layout, config.brand.logo, config.limits.file_size
    last = cache.last("house-style") if cache is not None else None
    named = {*(last.files if isinstance(last, HouseStyle) else ()), *([logo] if logo else [])}
    files = [file_stamp(layout.path(name)) for name in sorted(named) if not name.startswith(f"{Layout.templates}/")]
    return _kept(cache, "house-style", (layout, logo, limit, templates, files), _stylesheet, layout, logo, limit)


def _content_inputs(config: Config, data: SurveyData, references: Mapping[str, Reference]) -> str:
    """What rendering the content reads besides the content texts: settings, data and codebook (their cache name
    is a hash of both), references, the partials (by their files' sizes and times)."""
    partials = folder_stamp(config.layout.path(Layout.partials))
    return inputs_digest((config, data.cache.stats_name, references, partials))


@dataclass(frozen=True)
class HouseStyle:
    """The stylesheet and the files it names, by project-relative name, and the classes it styles."""

    files: dict[str, bytes]
    classes: frozenset[str]


def _environment(layout: Layout, folder: str, limits: Limits) -> LimitedEnvironment:
    """The environment for the templates in `folder` (the page template, the partials), read and run within `limits`."""
    loader = folder_loader(layout.path(folder), layout.reading_root(folder), limits.file_size)
    return make_environment(loader, autoescape=True, limits=limits)


def _stylesheet(layout: Layout, logo: str | None, limit: SizeLimit) -> HouseStyle:
    """The house stylesheet and the fonts and images it names, each read once (within `limit`) and checked: a syntax
    error or a missing or foreign font is an error at its line, never a silent fallback to another font. A `logo`
    from report.toml stands in for the templates' logo wherever they show it."""
    root = layout.reading_root(Layout.templates)
    text = read_text(
        layout.path(Layout.stylesheet), Layout.stylesheet, TemplateError, CREATE_HINT, root=root, limit=limit
    )
    files = {Layout.stylesheet: text.encode("utf-8")}
    if logo is not None:
        hint = "Legen Sie die Datei an oder korrigieren Sie [brand] logo in report.toml."
        files[Layout.logo] = read_bytes(layout.path(logo), logo, TemplateError, hint, root=layout.root, limit=limit)
    elif layout.house_templates is not None:
        files[Layout.logo] = NEUTRAL_LOGO  # the study client's logo stays in the study
    stylesheet = read_stylesheet(text, Layout.stylesheet)
    errors: list[ReportError] = list(stylesheet.problems)
    folder = posixpath.dirname(Layout.stylesheet)
    for line, url in stylesheet.urls:
        name = posixpath.normpath(posixpath.join(folder, url))
        if urlsplit(url).scheme or name in files:
            continue  # other addresses are refused when the PDF is laid out
        hint = f"Legen Sie die Datei wieder an oder korrigieren Sie die Adresse (relativ zu {folder}/)."
        try:
            files[name] = read_bytes(layout.path(name), name, TemplateError, hint, root=root, limit=limit)
        except ReportError as error:
            errors.append(TemplateError(f"{name}: {error.message}", Location(Layout.stylesheet, line=line), error.hint))
    raise_all(errors)
    return HouseStyle(files, stylesheet.classes)


def _unknown_classes(used: tuple[tuple[Location, str], ...], known: frozenset[str]) -> list[ReportError]:
    """Heading classes neither reportgen nor the stylesheet knows: a typo such as {.newpage} would do nothing."""
    return [
        ContentError(
            f"Die Klasse „{{.{name}}}“ ist unbekannt und bewirkt nichts.",
            location,
            did_you_mean(name, known) or f"Bekannt sind .unnumbered und die Klassen aus {Layout.stylesheet}.",
        )
        for location, name in used
        if name not in known
    ]


def _analysis_rules(config: Config) -> AnalysisRules:
    analysis = config.analysis
    return AnalysisRules(
        analysis.alpha, analysis.bonferroni, analysis.min_base, analysis.suppress_below, analysis.confidence
    )


def _page_context(config: Config, content: RenderedContent, layout: Layout, focus: Focus | None) -> PageContext:
    """The page's context; a batch report's shows its unit, and [batch] title where set."""
    report = config.report
    if focus is not None and config.batch.title:
        report = dataclasses.replace(report, title=config.batch.title)
    context = page_context(report, config.brand, config.document_date, content.chapters, content.headings, layout)
    return context if focus is None else dataclasses.replace(context, unit=focus.unit.label)


def _data(config: Config, cache: PrepareCache | None) -> SurveyData:
    """The survey data; with a `cache` (a batch worker's), read again only when the responses or the codebook
    changed on disk."""
    layout = config.layout
    stamps = (file_stamp(layout.path(layout.responses)), file_stamp(layout.path(layout.codebook)))
    return _kept(cache, "data", (config, stamps), read_data, config)


def _collect(errors: list[ReportError], step: Callable[..., T], *arguments: object) -> T | None:
    """Run one step; a user mistake is kept for the report and the step's result is None."""
    try:
        return step(*arguments)
    except ReportError as error:
        errors.append(error)
        return None


def _references(layout: Layout, limit: SizeLimit) -> dict[str, Reference]:
    """The references file; a project without one cites nothing."""
    path = layout.path(Layout.references)
    if not path.exists() and not path.is_symlink():
        return {}
    text = read_text(path, Layout.references, ContentError, CREATE_HINT, root=layout.root, limit=limit)
    return parse_references(text, Layout.references)


def check(root: Path, *, on_stage: StageHook | None = None, strict: bool = False) -> Project:
    """`prepare()`, then keep fresh statistics in the cache so the next check or build need not read the data.

    The statistics cache is the only file a check creates (build/.cache/stats-<hash>.json). With `strict`,
    every warning is an error."""
    project = prepare(root, on_stage=on_stage)
    folder = BuildFolder(project.config.layout)
    with contextlib.suppress(OutputError):  # a read-only project can still be checked; the cache only saves time
        store_data(folder, project.stats_cache)
    _refuse_warnings(project.warnings, strict)
    return project


def import_layout() -> None:
    """Import WeasyPrint (about a second), through the module that lays out the pages."""
    from . import pdf  # noqa: F401


def build(
    root: Path,
    *,
    executor: Executor | None = None,
    on_stage: StageHook | None = None,
    strict: bool = False,
    meanwhile: Callable[[], None] = import_layout,
) -> BuildResult:
    """Gather everything in memory, then write build/report.pdf, report.html and the caches.

    With an `executor` (one worker process), the worker reads and checks the project while this process runs
    `meanwhile` (imports WeasyPrint); then it draws the charts and makes the page report.html while this process
    lays out the pages. Without one, all is done here. With `strict`, every warning is an error and nothing is written."""
    project = _prepared(root, executor, on_stage, meanwhile)
    with patterns_in(executor, project.config.report.language):
        _refuse_warnings(project.warnings, strict)
        rendering = render(project, executor=executor, on_stage=on_stage)
    return finish(rendering, on_stage=on_stage, strict=strict)


def _prepared(
    root: Path, executor: Executor | None, on_stage: StageHook | None, meanwhile: Callable[[], None]
) -> Project:
    """`prepare`: in `executor` (which then loads matplotlib) while this process runs `meanwhile`, or here without
    one. The worker's stages are reported when its project arrives."""
    if executor is None:
        return prepare(root, on_stage=on_stage)
    elsewhere = executor.submit(prepare_to_send, root)
    executor.submit(warm_up)
    meanwhile()
    project, stages = elsewhere.result()
    if on_stage is not None:
        for name, seconds in stages:
            on_stage(name, seconds)
    return project


def prepare_to_send(root: Path) -> tuple[Project, list[tuple[str, float]]]:
    """`prepare` in a worker, and its stages' times: the project as the building process needs it (the
    respondents, needed only while preparing, are left behind; the frame for the cache goes as the bytes to
    write)."""
    stages: list[tuple[str, float]] = []
    project = prepare(root, on_stage=lambda name, seconds: stages.append((name, seconds)))
    sent = dataclasses.replace(project, respondents=Respondents(None), stats_cache=project.stats_cache.serialised())
    return sent, stages


@dataclass
class PreviewJob:
    """report.html being made in the build's worker (see `_start_preview`): the worker's future once submitted."""

    submitted: Future[str] | None = None

    def page(self, make_here: Callable[[], str]) -> str:
        """The worker's page, or `make_here()` where it was not submitted or failed (an error is then this
        process's own, reported as usual)."""
        if self.submitted is not None:
            with contextlib.suppress(Exception):
                return self.submitted.result()
        return make_here()


@dataclass(frozen=True)
class Rendering:
    """A prepared project with its pages laid out: what `finish` writes."""

    project: Project
    charts: PendingCharts
    assets: Assets
    laid_out: LaidOut
    preview: PreviewJob = field(default_factory=PreviewJob)


def render(
    project: Project,
    *,
    executor: Executor | None = None,
    on_stage: StageHook | None = None,
    previous: Rendering | None = None,
    keep_parts: bool = False,
) -> Rendering:
    """Start the charts (from the cache, in `executor`, or here) and lay out the pages; nothing is written.

    With `previous` (a long-running process's last rendering, made `keep_parts`), a chapter that alone changed is
    laid out alone where that gives the same pages (see parts). With `keep_parts`, the result can be such a
    `previous`."""
    layout = project.config.layout
    with stage(on_stage, Stage.CHARTS):
        known = previous.charts.by_cache_name() if previous is not None else None
        charts = start_charts(
            project.content.charts, project.chart_style, layout.path(Layout.chart_cache), executor, known
        )
        preview = _start_preview(executor, project, charts) if executor is not None else PreviewJob()
    from .pdf import lay_out

    assets = Assets(project.style_files, charts)
    config = project.config
    # The PDF is laid out without the numbers' provenance spans: WeasyPrint would draw each as a text object of its
    # own, and extractors read the spaces around it differently. report.html keeps them.
    laid_out = lay_out(
        unmarked(project.html),
        layout,
        assets,
        on_stage,
        limit=config.limits.file_size,
        with_files=config.survey.attach_to_pdf,
        previous=previous.laid_out if previous is not None else None,
        keep_parts=keep_parts,
    )
    return Rendering(project, charts, assets, laid_out, preview)


def _start_preview(executor: Executor, project: Project, charts: PendingCharts) -> PreviewJob:
    """report.html made in `executor` once every chart is drawn: the worker draws them, then has nothing to do
    while this process lays out the pages."""
    job = PreviewJob()
    files, layout, limit = project.style_files, project.config.layout, project.config.limits.file_size

    def submit(svgs: Mapping[str, bytes]) -> None:
        assets = {**{Layout.chart(name): svg for name, svg in svgs.items()}, **files}  # files first, as in Assets
        with contextlib.suppress(Exception):  # the executor has ended or broken: finish() makes the page
            job.submitted = executor.submit(preview_html, project.html, layout, assets, limit)

    charts.when_ready(submit)
    return job


def finish(rendering: Rendering, *, on_stage: StageHook | None = None, strict: bool = False) -> BuildResult:
    """Write the PDF of the laid-out pages, then build/report.pdf, report.html and the caches. With `strict`, every
    warning is an error and nothing is written."""
    from .pdf import write_pdf
    from .pdf_attachments import survey_attachments
    from .segment_cache import segment_cache_files

    project, charts, laid_out = rendering.project, rendering.charts, rendering.laid_out
    config, layout = project.config, project.config.layout
    attached = (
        survey_attachments(layout, project.survey_files, config.document_date) if config.survey.attach_to_pdf else ()
    )
    pdf, pdf_warnings = write_pdf(laid_out, attached, on_stage)
    layout_warnings = (*laid_out.warnings, *pdf_warnings)
    _refuse_warnings(layout_warnings, strict)
    with stage(on_stage, Stage.CHARTS_WAIT):
        svgs = charts.result()
    with stage(on_stage, Stage.WRITE):
        page = rendering.preview.page(  # works alone
            lambda: preview_html(project.html, layout, rendering.assets, config.limits.file_size)
        )
        segments = segment_cache_files(laid_out, pdf.segments)
        _write_outputs(BuildFolder(layout), project.stats_cache, charts, svgs, page, pdf.data, segments)
    warnings = project.warnings + layout_warnings
    return BuildResult(layout.path(Layout.pdf), layout.path(Layout.html), pdf.pages, warnings, charts.drawn)


@dataclass(frozen=True)
class UnitPdf:
    """One batch report: its PDF, its page count and what its build noticed."""

    data: bytes
    pages: int
    warnings: tuple[ReportError, ...]


def unit_layout(config: Config) -> Layout:
    """The project's layout with the batch content folder ([batch] content) for the chapters."""
    return dataclasses.replace(config.layout, content=config.batch.content)


def prepare_unit(config: Config, focus: Focus, cache: PrepareCache | None = None) -> Project:
    """`prepare` of one batch report: the batch content rendered for `focus`'s unit. With a worker's `cache`, the
    data, templates and stylesheet are read once for all units (the chapters are each unit's own)."""
    return _prepare(config, None, cache, focus)


def build_unit(config: Config, focus: Focus, cache: PrepareCache | None = None) -> UnitPdf:
    """One batch report as PDF bytes, made in this process and kept in memory: nothing is written, no process is
    started (a daemonic Dask worker may start none), no file is attached.

    Charts come from the build's chart cache or are drawn here; with a `cache`, the charts drawn and WeasyPrint's
    fonts are kept there for the next unit."""
    from .pdf import lay_out, write_pdf

    project = prepare_unit(config, focus, cache)
    layout = unit_layout(config)
    known: dict[str, bytes] = _kept(cache, "unit-charts", None, dict)
    with patterns_in(None, config.report.language):
        charts = start_charts(project.content.charts, project.chart_style, layout.path(Layout.chart_cache), None, known)
        laid_out = lay_out(
            unmarked(project.html),
            layout,
            Assets(project.style_files, charts),
            limit=config.limits.file_size,
            fonts=_kept(cache, "unit-fonts", None, _font_configuration),
            one_segment=True,
        )
        pdf, pdf_warnings = write_pdf(laid_out, fork=False)
    if cache is not None:
        _remember(known, charts.by_cache_name())
    return UnitPdf(pdf.data, pdf.pages, (*project.warnings, *laid_out.warnings, *pdf_warnings))


UNIT_CHARTS_KEPT = 64 * 2**20  # bytes of SVG a batch worker keeps for later reports (one per segment may not repeat)


def _remember(known: dict[str, bytes], charts: Mapping[str, bytes]) -> None:
    """Keep `charts` among the `known` ones, by cache name; the charts used longest ago go beyond UNIT_CHARTS_KEPT."""
    for name, svg in charts.items():
        known.pop(name, None)
        known[name] = svg
    size = sum(len(svg) for svg in known.values())
    for name in list(known):
        if size <= UNIT_CHARTS_KEPT:
            break
        size -= len(known.pop(name))


def _font_configuration() -> object:
    """WeasyPrint's fonts, one configuration for every layout of a batch worker."""
    from weasyprint.text.fonts import FontConfiguration

    return FontConfiguration()


def _refuse_warnings(warnings: Sequence[ReportError], strict: bool) -> None:
    """With `strict`, the warnings are raised as errors."""
    if strict:
        raise_all(list(warnings))


class Assets(Mapping[str, bytes]):
    """What WeasyPrint gets from memory, by project-relative name: files already read, and the charts, each
    waited for only when fetched."""

    def __init__(self, files: Mapping[str, bytes], charts: PendingCharts) -> None:
        self._files = files
        self._charts = charts
        self._chart_names = {Layout.chart(name): name for name in charts.names}

    def __getitem__(self, name: str) -> bytes:
        if name in self._files:
            return self._files[name]
        return self._charts.get(self._chart_names[name])

    def __iter__(self) -> Iterator[str]:
        return iter([*self._files, *self._chart_names])

    def stand_in(self, name: str) -> bytes | None:
        """What the pages may be laid out with while a chart is still drawn (see pdf.lay_out), or None."""
        chart = self._chart_names.get(name)
        return self._charts.stand_in(chart) if chart is not None and name not in self._files else None

    def __len__(self) -> int:
        return len(self._files) + len(self._chart_names)


def _chart_style(config: Config) -> ChartStyle:
    """The chart font, read once through the confined reader (matplotlib then loads the same checked file)."""
    layout = config.layout
    font = layout.path(Layout.chart_font)
    hint = f"Legen Sie die Schrift wieder in {posixpath.dirname(Layout.chart_font)}/."
    if not font.exists():
        raise TemplateError("Schriftdatei nicht gefunden.", Location(Layout.chart_font), hint)
    root = layout.reading_root(Layout.chart_font)
    data = read_bytes(font, Layout.chart_font, TemplateError, hint, root=root, limit=config.limits.file_size)
    digest = hashlib.sha256(data).hexdigest()
    brand = config.brand
    return ChartStyle(
        os.path.realpath(font), digest, brand.primary, brand.text, brand.muted, brand.palette, brand.accent
    )


def _write_outputs(
    folder: BuildFolder,
    stats_cache: StatsCache,
    charts: PendingCharts,
    svgs: dict[str, bytes],
    html: str,
    pdf: bytes,
    segments: Mapping[str, bytes | None],
) -> None:
    """Caches first (keyed by content, they never pass for current outputs), then the outputs a reader sees, all
    or nothing: charts, report.html and report.pdf are moved into place only when every one of them was written.

    `segments` are the segment cache's files: new ones with their bytes, kept ones with None (all others go)."""
    store_data(folder, stats_cache)
    for cache_name, svg in charts.new_cache_entries().items():
        folder.write(f"{Layout.chart_cache}/{cache_name}", svg)
    folder.prune(Layout.chart_cache, "*.svg", charts.cache_names)
    for name, data in segments.items():
        if data is not None:
            folder.write(name, data)
    folder.prune(Layout.segment_cache, "*", {posixpath.basename(name) for name in segments})
    outputs = {Layout.chart(name): svg for name, svg in svgs.items()}
    outputs[Layout.html] = html.encode("utf-8")
    outputs[Layout.pdf] = pdf
    folder.publish(outputs, prune={Layout.charts: "*.svg"})  # a chart dropped from the content leaves charts/ too
