"""report.toml -> a frozen Config; paths resolved against the project folder."""

from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import Location, ReportError, raise_all
from .tomlfile import line_of, load_toml

CONFIG_NAME = "report.toml"


@dataclass(frozen=True)
class ReportInfo:
    """[report]: what the title page, the PDF metadata and the footer say."""

    title: str = field(metadata={"doc": "title of the study"})
    subtitle: str = field(default="", metadata={"doc": "line under the title"})
    commission: str = field(default="", metadata={"doc": "quoted commission sentence"})
    project: str = field(default="", metadata={"doc": "project the study belongs to"})
    publisher: str = field(default="", metadata={"doc": "who publishes the study"})
    website: str = field(default="", metadata={"doc": "publisher's web address for the footer"})
    author: str = field(default="", metadata={"doc": "PDF author; defaults to the publisher"})
    place: str = field(default="", metadata={"doc": "place of publication"})
    date: datetime.date | None = field(default=None, metadata={"doc": "date of the study"})
    language: str = field(default="de", metadata={"doc": "document language"})


@dataclass(frozen=True)
class SurveyFiles:
    """[survey]: where the responses and the codebook are."""

    responses: str = field(default="data/responses.csv", metadata={"doc": "CSV or XLSX"})
    codebook: str = field(default="data/codebook.toml", metadata={"doc": "codebook TOML"})
    id_column: str = field(default="id", metadata={"doc": "column with respondent ids"})


@dataclass(frozen=True)
class Brand:
    """[brand]: colours used by the stylesheet and the charts."""

    primary: str = field(default="#0b5d5b", metadata={"doc": "headings, bars"})
    accent: str = field(default="#f28c28", metadata={"doc": "highlights"})
    text: str = field(default="#1f2a30", metadata={"doc": "body text"})
    muted: str = field(default="#6b7b83", metadata={"doc": "captions, footer"})
    palette: tuple[str, ...] = field(
        default=("#0b5d5b", "#f28c28", "#5fa8a0", "#c9d6d3", "#8c5e3c", "#2f3e46"),
        metadata={"doc": "pie chart slice colours"},
    )


@dataclass(frozen=True)
class Config:
    """Everything a build needs to know, read once from report.toml."""

    root: Path
    report: ReportInfo
    survey: SurveyFiles
    brand: Brand

    @property
    def content_dir(self) -> Path:
        return self.root / "content"

    @property
    def templates_dir(self) -> Path:
        return self.root / "templates"

    @property
    def build_dir(self) -> Path:
        return self.root / "build"

    @property
    def responses_path(self) -> Path:
        return self.root / self.survey.responses

    @property
    def codebook_path(self) -> Path:
        return self.root / self.survey.codebook

    @property
    def document_date(self) -> datetime.date:
        """The date printed and stored in the PDF: the config's, else SOURCE_DATE_EPOCH's."""
        if self.report.date is not None:
            return self.report.date
        epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
        if epoch.isdigit():
            return datetime.datetime.fromtimestamp(int(epoch), datetime.UTC).date()
        return datetime.date.today()


_SECTIONS = {"report": ReportInfo, "survey": SurveyFiles, "brand": Brand}
_TYPE_NAMES = {str: "Text", datetime.date: "Datum (JJJJ-MM-TT)", tuple: "Liste"}


def load_config(root: Path) -> Config:
    """Read and check `report.toml` in `root`; all problems are reported at once."""
    data, text = load_toml(root / CONFIG_NAME, CONFIG_NAME)
    errors: list[ReportError] = []
    for section in data:
        if section not in _SECTIONS:
            known = ", ".join(f"[{name}]" for name in _SECTIONS)
            errors.append(_error(text, section, None, f"unbekannter Abschnitt [{section}].", known))
    sections: dict[str, Any] = {}
    for name, schema in _SECTIONS.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            errors.append(_error(text, name, None, f"[{name}] muss ein Abschnitt sein.", ""))
            raw = {}
        sections[name] = _build_section(schema, name, raw, text, errors)
    raise_all(errors)
    return Config(root=root.resolve(), **sections)


def _build_section(schema: type, name: str, raw: dict, text: str, errors: list) -> Any:
    known = {f.name: f for f in fields(schema)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            names = ", ".join(known)
            errors.append(_error(text, name, key, f"unbekannter Schlüssel „{key}“.", names))
            continue
        expected = _expected_type(known[key])
        if expected is tuple and isinstance(value, list):
            value = tuple(value)
        if not isinstance(value, expected) or isinstance(value, datetime.datetime):
            got = type(value).__name__
            message = f"[{name}] {key}: erwartet {_TYPE_NAMES.get(expected, expected)}, erhalten {got}."
            errors.append(_error(text, name, key, message, ""))
            continue
        values[key] = value
    missing = [f.name for f in known.values() if _is_required(f) and f.name not in values]
    for key in missing:
        errors.append(_error(text, name, None, f"[{name}] {key} fehlt.", ""))
    if missing or any(key not in values for key in raw if key in known):
        return None
    return schema(**values)


def _expected_type(schema_field: Any) -> type:
    annotation = str(schema_field.type)
    if annotation.startswith("datetime.date"):
        return datetime.date
    if annotation.startswith("tuple"):
        return tuple
    return str


def _is_required(schema_field: Any) -> bool:
    from dataclasses import MISSING

    return schema_field.default is MISSING and schema_field.default_factory is MISSING


def _error(text: str, table: str, key: str | None, message: str, known: str) -> ReportError:
    hint = f"Erlaubt sind: {known}." if known else ""
    return ReportError(message, Location(CONFIG_NAME, line=line_of(text, table, key)), hint)
