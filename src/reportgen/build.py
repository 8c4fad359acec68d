"""build(root) -> BuildResult: runs the stages in order; the only module that writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path

from .cache import cache_key, read_object, source_version, write_atomic, write_object
from .charts import ChartStyle, chart_spec
from .codebook import Codebook, load_codebook
from .config import Config, load_config
from .content import RenderedContent, render_content
from .errors import Location, ReportError
from .page import check_page_template, page_context, render_page
from .references import REFERENCES_NAME, load_references
from .stats import SurveyStats, compute
from .survey import load_survey
from .templating import make_environment

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
    """Config, data, statistics and content: every check, no PDF, no charts drawn."""
    config = load_config(root)
    codebook = load_codebook(config.codebook_path, config.survey.codebook)
    stats = _statistics(config, codebook)
    references = load_references(config.content_dir / REFERENCES_NAME, f"content/{REFERENCES_NAME}")
    content_env = make_environment(config.content_dir, autoescape=False)
    partials_env = make_environment(config.templates_dir / "partials", autoescape=True)
    content = render_content(config.root, content_env, partials_env, stats, references)
    check_page_template(make_environment(config.templates_dir, autoescape=True))
    unused = [qid for qid in codebook.ids if qid not in content.questions_used]
    warnings = content.warnings + tuple(
        f"{config.survey.codebook}, Zeile {codebook[qid].line}: Frage „{qid}“ wird im Bericht nicht verwendet."
        for qid in unused
    )
    return Project(config, stats, content, warnings)


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
    from .charts import render_charts
    from .pdf import render_pdf

    project = prepare(root)
    config = project.config
    build_dir = config.build_dir
    style = _chart_style(config)
    specs = [
        chart_spec(request.kind, project.stats.questions[request.question_id]) for request in project.content.charts
    ]
    charts = render_charts(specs, style, build_dir / CACHE_DIR / "charts")
    context = page_context(
        config.report,
        config.brand,
        config.document_date,
        project.content.chapters,
        project.content.headings,
        asset_prefix="../templates/",
    )
    html = render_page(make_environment(config.templates_dir, autoescape=True), context)
    assets = {(build_dir / CHART_DIR / name).resolve(): svg for name, svg in charts.items()}
    pdf, layout_warnings = render_pdf(html, build_dir, config.root, assets)
    _write_outputs(build_dir, charts, html, pdf.data)
    warnings = project.warnings + tuple(f"WeasyPrint: {message}" for message in layout_warnings)
    return BuildResult(build_dir / PDF_NAME, build_dir / HTML_NAME, pdf.pages, warnings)


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
    write_atomic(build_dir / HTML_NAME, html.encode("utf-8"))
    write_atomic(build_dir / PDF_NAME, pdf)
