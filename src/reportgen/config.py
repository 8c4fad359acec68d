"""The report.toml schema (sections, keys, defaults, docs) and load_config: report.toml -> a frozen Config."""

from __future__ import annotations

import datetime
import functools
import os
from dataclasses import dataclass, fields
from pathlib import Path

from .config_reader import read_sections, toml_default
from .config_values import (
    alphas,
    at_least_two,
    batch_output,
    colour,
    colours,
    declared,
    hyphenation_entries,
    inside_project,
    logo_file,
    non_empty,
    not_negative,
    option,
    positive,
    probability,
    sheet_name,
)
from .errors import ConfigError, Location
from .files import read_text
from .focus import DEFAULT_MIN_GROUP
from .house import house_folder
from .layout import Layout
from .limits import DEFAULTS, Limits, SizeLimit
from .tomlfile import parse_toml


@dataclass(frozen=True)
class ReportInfo:
    """[report]: what the title page, the PDF metadata and the footer say."""

    title: str = option(doc="title of the study", type=str, validators=(non_empty,))
    subtitle: str = option("", doc="line under the title", type=str)
    commission: str = option("", doc="quoted commission sentence", type=str)
    project: str = option("", doc="project the study belongs to", type=str)
    publisher: str = option("", doc="who publishes the study", type=str)
    website: str = option("", doc="publisher's web address for the footer", type=str)
    author: str = option("", doc="PDF author; defaults to the publisher", type=str)
    place: str = option("", doc="place of publication", type=str)
    # option() returns a dataclasses.field, which ruff only knows by the name `field`.
    date: datetime.date | None = option(None, doc="date of the study; if unset, the build date", type=datetime.date)  # noqa: RUF009
    language: str = option("de", doc="document language", type=str)
    hyphenation: tuple[str, ...] = option(
        (),
        doc="words the hyphenation breaks badly, with their allowed breaks: "
        '["Ressourcen-effizienz", "Leipzig", "Roh-stoff*"] (no break without „-“; „*“: also with an ending)',
        type=tuple,
        validators=(hyphenation_entries,),
    )


@dataclass(frozen=True)
class SurveyFiles:
    """[survey]: where the responses and the codebook are, and whether the PDF carries them."""

    responses: str = option(
        Layout.responses,
        doc="responses as CSV, XLSX or SPSS (.sav), relative to the project",
        type=str,
        validators=(non_empty, inside_project),
    )
    codebook: str = option(
        Layout.codebook, doc="codebook TOML, relative to the project", type=str, validators=(non_empty, inside_project)
    )
    id_column: str = option("id", doc="column with respondent ids", type=str, validators=(non_empty,))
    sheet: str | None = option(
        None,
        doc="XLSX: the worksheet with the responses; if unset, the first one with a header row",
        type=str,
        validators=(sheet_name,),
    )
    attach_to_pdf: bool = option(
        False,
        doc="attach the responses and the codebook to the PDF as PDF/A-3 associated files (PDF/A-3a, else PDF/A-2a)",
        type=bool,
    )


@dataclass(frozen=True)
class Brand:
    """[brand]: colours used by the stylesheet and the charts, and the logo."""

    primary: str = option("#0b5d5b", doc="headings, bars", type=str, validators=(colour,))
    accent: str = option("#f28c28", doc="highlights", type=str, validators=(colour,))
    text: str = option("#1f2a30", doc="body text", type=str, validators=(colour,))
    muted: str = option("#6b7b83", doc="captions, footer", type=str, validators=(colour,))
    palette: tuple[str, ...] = option(
        ("#0b5d5b", "#f28c28", "#5fa8a0", "#c9d6d3", "#8c5e3c", "#2f3e46"),
        doc="pie chart slice colours",
        type=tuple,
        validators=(colours,),
    )
    logo: str | None = option(
        None,
        doc=f"logo (SVG, PNG, JPEG) for the title page and the page header, relative to the project; "
        f"if unset, {Layout.logo}",
        type=str,
        validators=(non_empty, inside_project, logo_file),
    )


@dataclass(frozen=True)
class Analysis:
    """[analysis]: weights, significance tests, confidence intervals and small bases of breakdowns."""

    weight: str | None = option(
        None,
        doc="column of the responses with each respondent's weight; if unset, unweighted",
        type=str,
        validators=(non_empty,),
    )
    alpha: tuple[float, ...] = option(
        (0.05,),
        doc="significance level of the column tests; two levels give capital (first) and lower-case letters",
        type=tuple,
        validators=(alphas,),
    )
    bonferroni: bool = option(False, doc="Bonferroni correction of the pairwise column tests", type=bool)
    confidence: float = option(0.95, doc="level of confidence intervals", type=float, validators=(probability,))
    min_base: int = option(
        10, doc="bases below this are flagged („Basis < 10“) and warned about", type=int, validators=(not_negative,)
    )
    suppress_below: int = option(
        0, doc="results on bases below this are shown as „–“ (0: none)", type=int, validators=(not_negative,)
    )


@dataclass(frozen=True)
class BatchSettings:
    """[batch]: one report per respondent or segment (reportgen batch)."""

    content: str = option(
        "content-batch",
        doc="folder with the chapters of each batch report, relative to the project",
        type=str,
        validators=(non_empty, inside_project),
    )
    output: str = option(
        "build/batch/{key}.pdf",
        doc="file name of each batch report, in a folder of its own below build/ (with manifest.csv, manifest.json "
        "and index.html): {key} the id or the segment's name as a file name, {code} the segment's code, {label} the "
        "name as the report shows it",
        type=str,
        validators=(non_empty, batch_output),
    )
    min_group: int = option(
        DEFAULT_MIN_GROUP,
        doc="no report and no comparison for a group of fewer respondents (anonymity)",
        type=int,
        validators=(at_least_two,),
    )
    title: str = option("", doc="title of the batch reports; if empty, [report] title", type=str)


_LIMIT = (positive,)


@dataclass(frozen=True)
class LimitSettings(Limits):
    """[limits]: bounds on the inputs (defaults in `Limits`); a message that hits one names its key."""

    file_mb: float = option(
        Limits.file_mb,
        doc="MB each input file but the responses may have (report.toml itself is always read with the default)",
        type=float,
        validators=_LIMIT,
    )
    data_mb: float = option(Limits.data_mb, doc="MB the responses file may have", type=float, validators=_LIMIT)
    xlsx_unpacked_mb: float = option(
        Limits.xlsx_unpacked_mb, doc="MB an XLSX or SPSS responses file may unpack to", type=float, validators=_LIMIT
    )
    rows: int = option(Limits.rows, doc="rows the responses may have", type=int, validators=_LIMIT)
    columns: int = option(
        Limits.columns, doc="columns an XLSX or SPSS responses file may use", type=int, validators=_LIMIT
    )
    cells: int = option(
        Limits.cells,
        doc="cells read from the responses (CSV fields, XLSX cells, SPSS values)",
        type=int,
        validators=_LIMIT,
    )
    template_seconds: float = option(
        Limits.template_seconds, doc="seconds a chapter or template may take to render", type=float, validators=_LIMIT
    )
    template_characters: int = option(
        Limits.template_characters, doc="characters a chapter or template may render to", type=int, validators=_LIMIT
    )


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know, read once from report.toml."""

    root: Path
    report: ReportInfo
    survey: SurveyFiles
    brand: Brand
    analysis: Analysis
    limits: Limits  # [limits], as a LimitSettings
    batch: BatchSettings = BatchSettings()

    @functools.cached_property
    def layout(self) -> Layout:
        """Where this project's inputs and outputs are; a project without a templates/ folder (not even a broken
        link of that name) is laid out with the house templates."""
        templates = self.root / Layout.templates
        house = None if templates.exists() or templates.is_symlink() else house_folder()
        return Layout(self.root, self.survey.responses, self.survey.codebook, house)

    @property
    def document_date(self) -> datetime.date:
        """The date printed and stored in the PDF: the config's, else SOURCE_DATE_EPOCH's."""
        if self.report.date is not None:
            return self.report.date
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        return datetime.date.today()


_SECTIONS: dict[str, type] = {
    "report": ReportInfo,
    "survey": SurveyFiles,
    "brand": Brand,
    "analysis": Analysis,
    "limits": LimitSettings,
    "batch": BatchSettings,
}
# report.toml is read before its [limits] are known: always within the default file limit, which no setting raises.
_CONFIG_SIZE = SizeLimit(DEFAULTS.file_bytes, key=None)


def load_config(root: Path) -> Config:
    """Read and check `report.toml` in `root`; all problems are reported at once.

    report.toml itself is read within the default file limit: its own [limits] are known only once it is read."""
    path = Layout(root).path(Layout.config)
    hint = "Starten Sie reportgen im Projektordner oder geben Sie ihn mit --project ORDNER an."
    if not path.exists():
        raise ConfigError(f"Kein Projekt: {Layout.config} fehlt in {root.resolve()}.", Location(Layout.config), hint)
    text = read_text(path, Layout.config, ConfigError, hint, limit=_CONFIG_SIZE)
    data = parse_toml(text, Layout.config, ConfigError)
    return Config(root=root.resolve(), **read_sections(text, root, data, _SECTIONS))


def schema_docs() -> list[tuple[str, str, str | None, str]]:
    """Every key of report.toml as (section, key, default written as TOML, doc); None for a required key."""
    return [
        (section, schema_field.name, toml_default(schema_field), declared(schema_field).doc)
        for section, schema in _SECTIONS.items()
        for schema_field in fields(schema)
    ]


def schema_table_markdown() -> str:
    """The README's table of report.toml keys, generated from the schema."""
    rows = ["| key | default | meaning |", "|---|---|---|"]
    for section, key, default, doc in schema_docs():
        shown = "(required)" if default is None else f"`{default}`" if default else ""
        rows.append(f"| `[{section}] {key}` | {shown} | {doc} |")
    return "\n".join(rows)
