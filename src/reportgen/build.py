"""build(root) -> BuildResult: runs the stages in order; the only module that writes."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

from .cache import cache_key, read_object, source_version, write_atomic, write_object
from .charts import ChartStyle, PendingCharts, chart_spec, start_charts, warm_up
from .codebook import Codebook, load_codebook
from .config import Config, load_config
from .content import RenderedContent, check_sources, render_content
from .errors import Location, ReportError, raise_all
from .page import check_page_template, page_context, render_page
from .references import REFERENCES_NAME, load_references
from .stats import SurveyStats, compute
from .survey import load_survey
from .templating import make_environment

if TYPE_CHECKING:
    from .pdf import PdfResult

T = TypeVar("T")
REFERENCES_DISPLAY = f"content/{REFERENCES_NAME}"
PDF_NAME = "report.pdf"
HTML_NAME = "report.html"
CHART_DIR = "charts"
CACHE_DIR = ".cache"


@dataclass(frozen=True)
class Project:
    """Everything read and checked from the project folder, before anything is drawn."""

    config: Config
    stats: SurveyStats
    content: RenderedContent
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class BuildResult:
    """Where the outputs are and what the build noticed."""

    pdf: Path
    html: Path
    pages: int
    warnings: tuple[str, ...] = field(default=())


def prepare(root: Path) -> Project:
    """Config, data, statistics and content: every check, no PDF, no charts drawn.

    Problems are collected across the stages that don't depend on each other, so one run
    reports as many as it can find."""
    config = load_config(root)
    errors: list[ReportError] = []
    codebook = _collect(errors, load_codebook, config.codebook_path, config.survey.codebook)
    stats = _collect(errors, _statistics, config, codebook) if codebook else None
    references = _collect(errors, load_references, config.content_dir / REFERENCES_NAME, REFERENCES_DISPLAY)
    _collect(errors, check_page_template, make_environment(config.templates_dir, autoescape=True))
    if stats is None or references is None:
        errors.extend(check_sources(config.root, references)[1])
        raise_all(errors)
    content_env = make_environment(config.content_dir, autoescape=False)
    partials_env = make_environment(config.templates_dir / "partials", autoescape=True)
    content = _collect(errors, render_content, config.root, content_env, partials_env, stats, references)
    raise_all(errors)
    unused = [qid for qid in codebook.ids if qid not in content.questions_used]
    warnings = content.warnings + tuple(
        f"{config.survey.codebook}, Zeile {codebook[qid].line}: Frage „{qid}“ wird im Bericht nicht verwendet."
        for qid in unused
    )
    return Project(config, stats, content, warnings)


def _collect(errors: list[ReportError], stage: Callable[..., T], *arguments: object) -> T | None:
    """Run one stage; a user mistake is kept for the report and the stage's result is None."""
    try:
        return stage(*arguments)
    except ReportError as error:
        errors.append(error)
        return None


def _statistics(config: Config, codebook: Codebook) -> SurveyStats:
    """Statistics from the responses, or from the cache when data, codebook and code are unchanged."""
    try:
        responses = config.responses_path.read_bytes()
    except OSError:
        responses = b""  # load_survey reports the missing file with its name
    key = cache_key(
        responses,
        config.codebook_path.read_bytes(),
        config.survey.responses,
        config.survey.id_column,
        source_version("survey.py", "codebook.py", "stats.py"),
        version("pandas"),
    )
    cached = config.build_dir / CACHE_DIR / f"stats-{key}.pickle"
    stats = read_object(cached) if responses else None
    if isinstance(stats, SurveyStats):
        return stats
    survey = load_survey(config.responses_path, config.survey.responses, codebook, config.survey.id_column)
    stats = compute(survey)
    for stale in cached.parent.glob("stats-*.pickle"):
        stale.unlink(missing_ok=True)
    write_object(cached, stats)
    return stats


def build(root: Path) -> BuildResult:
    """Gather everything in memory, then write build/report.pdf and report.html atomically."""
    # One worker draws the charts on the second core: it loads matplotlib while this process reads
    # the project, and draws while this one loads WeasyPrint and lays out the pages.
    chart_worker = ProcessPoolExecutor(max_workers=1)
    collecting = gc.isenabled()
    # WeasyPrint builds millions of short-lived objects with few cycles: the cyclic collector's full
    # passes over them cost about a tenth of the build and free next to nothing (4 MiB here).
    gc.disable()
    try:
        chart_worker.submit(warm_up)
        project = prepare(root)
        config = project.config
        specs = [chart_spec(chart.kind, project.stats.questions[chart.question_id]) for chart in project.content.charts]
        charts = start_charts(specs, _chart_style(config), config.build_dir / CACHE_DIR / "charts", chart_worker)
        html, pdf, layout_warnings = _typeset(project, charts)
        svgs = charts.result()
    finally:
        chart_worker.shutdown(wait=False, cancel_futures=True)
        if collecting:
            gc.enable()
    _write_outputs(config.build_dir, svgs, html, pdf.data)
    warnings = project.warnings + tuple(f"WeasyPrint: {message}" for message in layout_warnings)
    return BuildResult(config.build_dir / PDF_NAME, config.build_dir / HTML_NAME, pdf.pages, warnings)


def _typeset(project: Project, charts: PendingCharts) -> tuple[str, PdfResult, list[str]]:
    from .pdf import render_pdf

    config = project.config
    content = project.content
    context = page_context(
        config.report, config.brand, config.document_date, content.chapters, content.headings, "../templates/"
    )
    html = render_page(make_environment(config.templates_dir, autoescape=True), context)
    assets = ChartFiles(config.build_dir / CHART_DIR, charts)
    pdf, layout_warnings = render_pdf(html, config.build_dir, config.root, assets)
    return html, pdf, layout_warnings


class ChartFiles(Mapping[Path, bytes]):
    """The charts as WeasyPrint asks for them, by path under build/charts/; waits for each only when fetched."""

    def __init__(self, directory: Path, charts: PendingCharts) -> None:
        self._charts = charts
        self._names = {(directory / name).resolve(): name for name in charts.names}

    def __getitem__(self, path: Path) -> bytes:
        return self._charts.get(self._names[path])

    def __iter__(self) -> Iterator[Path]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _chart_style(config: Config) -> ChartStyle:
    font = config.templates_dir / "fonts" / "Lato-Regular.ttf"
    if not font.is_file():
        raise ReportError(
            "Schriftdatei nicht gefunden.",
            Location("templates/fonts/Lato-Regular.ttf"),
            "Legen Sie die Schrift wieder in templates/fonts/.",
        )
    brand = config.brand
    return ChartStyle(str(font), brand.primary, brand.text, brand.muted, brand.palette)


def _write_outputs(build_dir: Path, charts: dict[str, bytes], html: str, pdf: bytes) -> None:
    build_dir.mkdir(parents=True, exist_ok=True)
    for name, svg in charts.items():
        write_atomic(build_dir / CHART_DIR / name, svg)
    for stale in (build_dir / CHART_DIR).glob("*.svg"):
        if stale.name not in charts:
            stale.unlink()  # a chart dropped from the content leaves build/charts/ too
    write_atomic(build_dir / HTML_NAME, html.encode("utf-8"))
    write_atomic(build_dir / PDF_NAME, pdf)
