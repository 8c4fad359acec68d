"""report.toml -> a frozen Config, checked against a declared schema; all problems reported at once."""

from __future__ import annotations

import datetime
import functools
import math
import os
import re
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import ConfigError, Location, ReportError, did_you_mean, raise_all
from .files import read_text
from .house import house_folder
from .layout import Layout
from .limits import DEFAULTS, Limits, SizeLimit
from .tomlfile import line_of, parse_toml

# A problem with one value: the message and a hint how to fix it.
Problem = tuple[str, str]


@dataclass(frozen=True)
class Setting:
    """The key a value is checked for: its section and name, its default, and the project folder."""

    section: str
    key: str
    default: Any
    root: Path

    @property
    def where(self) -> str:
        return f"[{self.section}] {self.key}"


Validator = Callable[[Any, Setting], Problem | None]

_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
_COLOUR_HINT = "Schreiben Sie Farben als Hex-Wert mit #, z. B. „#0b5d5b“."


def non_empty(value: str, setting: Setting) -> Problem | None:
    """A text that must say something: not empty or only spaces."""
    if value.strip():
        return None
    example = f"{setting.key} = {_shown(setting.default)}"
    return f"{setting.where} ist leer.", f"Tragen Sie einen Wert ein, z. B. {example}."


def sheet_name(value: str, setting: Setting) -> Problem | None:
    """The name of a worksheet: not empty (no name means the first sheet with a header row)."""
    if value.strip():
        return None
    return (
        f"{setting.where} ist leer.",
        f'Tragen Sie den Namen des Tabellenblatts ein, z. B. {setting.key} = "Daten", oder löschen Sie die Zeile: '
        "dann gilt das erste Tabellenblatt mit einer Kopfzeile.",
    )


def colour(value: Any, setting: Setting) -> Problem | None:
    """A hex colour such as #0b5d5b or #000."""
    if isinstance(value, str) and _COLOUR.fullmatch(value):
        return None
    return f"{setting.where}: „{value}“ ist keine Farbe.", _COLOUR_HINT


def colours(value: tuple[Any, ...], setting: Setting) -> Problem | None:
    """A non-empty list of hex colours; the first bad one is reported."""
    if not value:
        return f"{setting.where} ist leer.", f'Geben Sie mindestens eine Farbe an, z. B. {setting.key} = ["#0b5d5b"].'
    return next((problem for item in value if (problem := colour(item, setting))), None)


def logo_file(value: str, setting: Setting) -> Problem | None:
    """An image WeasyPrint shows on the title page and in the header: SVG, PNG or JPEG."""
    if Path(value).suffix.lower() in LOGO_SUFFIXES:
        return None
    return f"{setting.where}: „{value}“ ist kein SVG-, PNG- oder JPEG-Bild.", 'Geben Sie z. B. logo = "bilder/logo.svg" an.'


def positive(value: float, setting: Setting) -> Problem | None:
    """A bound above zero and below infinity (TOML also writes inf and nan)."""
    if 0 < value < math.inf:
        return None
    wanted = "eine endliche Zahl" if value == math.inf else "eine Zahl größer als 0"
    return (
        f"{setting.where}: erwartet {wanted}, gefunden {_shown(value)}.",
        f"Tragen Sie {wanted} ein, z. B. {setting.key} = {_shown(setting.default)} (die Voreinstellung).",
    )


def inside_project(value: str, setting: Setting) -> Problem | None:
    """A relative path that stays inside the project folder."""
    path = Path(value)
    root = setting.root.resolve()
    try:
        inside = not path.is_absolute() and (root / path).resolve().is_relative_to(root)
    except (OSError, ValueError):  # a NUL character or a path the system cannot resolve
        inside = False
    if inside:
        return None
    return (
        f"{setting.where}: „{value}“ liegt außerhalb des Projektordners.",
        f'Legen Sie die Datei ins Projekt und geben Sie den Pfad relativ an, z. B. "{Layout.responses}".',
    )


@dataclass(frozen=True)
class Option:
    """A key's declaration: the Python type of its value, a one-line doc and the checks beyond the type."""

    type: type
    doc: str
    validators: tuple[Validator, ...] = ()


def option(default: Any = MISSING, *, doc: str, type: type, validators: tuple[Validator, ...] = ()) -> Any:
    """A section field declared with its default, doc, type and validators; no default makes it required."""
    return field(default=default, metadata={"option": Option(type, doc, validators)})


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


@dataclass(frozen=True)
class SurveyFiles:
    """[survey]: where the responses and the codebook are."""

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
    limits: Limits  # [limits], as a LimitSettings

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


_SECTIONS: dict[str, type] = {"report": ReportInfo, "survey": SurveyFiles, "brand": Brand, "limits": LimitSettings}
# German words editors write for the English keys.
_GERMAN_KEYS = {
    "titel": "title",
    "untertitel": "subtitle",
    "auftrag": "commission",
    "projekt": "project",
    "herausgeber": "publisher",
    "webseite": "website",
    "autor": "author",
    "ort": "place",
    "datum": "date",
    "sprache": "language",
    "antworten": "responses",
    "codebuch": "codebook",
    "blatt": "sheet",
    "tabellenblatt": "sheet",
    "farben": "palette",
    "zeilen": "rows",
    "spalten": "columns",
    "zellen": "cells",
}
_GERMAN_TYPES = {
    bool: "Wahrheitswert",
    int: "ganze Zahl",
    float: "Zahl",
    str: "Text",
    list: "Liste",
    tuple: "Liste",
    dict: "Abschnitt",
    datetime.datetime: "Datum mit Uhrzeit",
    datetime.date: "Datum (JJJJ-MM-TT)",
    datetime.time: "Uhrzeit",
}
_TYPE_HINTS = {
    str: 'Setzen Sie den Wert in Anführungszeichen, z. B. {key} = "…".',
    int: "Schreiben Sie eine ganze Zahl ohne Anführungszeichen, z. B. {key} = {default}.",
    float: "Schreiben Sie eine Zahl ohne Anführungszeichen, z. B. {key} = {default}.",
    datetime.date: "Schreiben Sie das Datum ohne Anführungszeichen, z. B. {key} = 2025-03-31.",
    tuple: 'Schreiben Sie eine Liste, z. B. {key} = ["#0b5d5b", "#f28c28"].',
}
# What TOML gives for a declared type: arrays arrive as lists (the config keeps tuples so that it stays
# immutable), and a number may be written with or without decimals (a bool is no number).
_TOML_TYPES: dict[type, tuple[type, ...]] = {tuple: (list,), float: (int, float)}
_REQUIRED = "…"
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
    source = _Source(text, root, tuple(name for name in data if name not in _SECTIONS))
    errors: list[ReportError] = [_stray_entry(source, name, data[name]) for name in source.stray]
    sections = {name: _read_section(source, name, data.get(name, {}), errors) for name in _SECTIONS}
    raise_all(errors)
    return Config(root=root.resolve(), **sections)


def schema_docs() -> list[tuple[str, str, str | None, str]]:
    """Every key of report.toml as (section, key, default written as TOML, doc); None for a required key."""
    return [
        (section, schema_field.name, _toml_default(schema_field), _option(schema_field).doc)
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


@dataclass(frozen=True)
class _Source:
    """report.toml as read: its text (for line numbers), its folder, and the names written above all sections."""

    text: str
    root: Path
    stray: tuple[str, ...]

    def error(self, table: str, key: str | None, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, Location(Layout.config, line=line_of(self.text, table, key)), hint)


def _stray_entry(source: _Source, name: str, value: Any) -> ConfigError:
    """A table or key outside [report], [survey] and [brand]."""
    known = ", ".join(f"[{section}]" for section in _SECTIONS)
    if isinstance(value, dict):
        hint = " ".join(filter(None, [did_you_mean(name, _SECTIONS), f"Erlaubt sind: {known}."]))
        return source.error(name, None, f"unbekannter Abschnitt [{name}].", hint)
    owner = next((section for section, schema in _SECTIONS.items() if name in _field_names(schema)), None)
    hint = (
        f"Schreiben Sie die Zeile unter [{owner}]." if owner else f"Jeder Schlüssel gehört in einen Abschnitt: {known}."
    )
    return source.error(name, None, f"„{name}“ steht außerhalb eines Abschnitts.", hint)


def _read_section(source: _Source, name: str, raw: Any, errors: list[ReportError]) -> Any:
    """The section's dataclass, or None when a key is unknown, wrong or missing (errors are appended).

    A required key written above all sections is reported once, as misplaced, not as missing.
    """
    if not isinstance(raw, dict):
        errors.append(source.error(name, None, f"[{name}] muss ein Abschnitt sein, kein einzelner Wert."))
        raw = {}
    schema = _SECTIONS[name]
    known = {schema_field.name: schema_field for schema_field in fields(schema)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        problem = _check(value, known[key], name, source.root) if key in known else _unknown_key(name, key, known)
        if problem:
            errors.append(source.error(name, key, *problem))
        else:
            values[key] = tuple(value) if isinstance(value, list) else value
    missing = [key for key, schema_field in known.items() if _is_required(schema_field) and key not in raw]
    for key in (key for key in missing if key not in source.stray):
        example = f'Ergänzen Sie im Abschnitt [{name}] die Zeile {key} = "{_REQUIRED}".'
        errors.append(source.error(name, None, f"[{name}] {key} fehlt.", example))
    return schema(**values) if len(values) == len(raw) and not missing else None


def _check(value: Any, schema_field: Field[Any], section: str, root: Path) -> Problem | None:
    """The first problem with a value: its type, then each declared validator in order."""
    declared = _option(schema_field)
    setting = Setting(
        section, schema_field.name, _REQUIRED if _is_required(schema_field) else schema_field.default, root
    )
    if type(value) not in _TOML_TYPES.get(declared.type, (declared.type,)):
        return _type_problem(value, declared.type, setting)
    return next((problem for validate in declared.validators if (problem := validate(value, setting))), None)


def _type_problem(value: Any, expected: type, setting: Setting) -> Problem:
    got = _GERMAN_TYPES.get(type(value), type(value).__name__)
    message = f"{setting.where}: erwartet {_GERMAN_TYPES[expected]}, gefunden {got} {_shown(value)}."
    return message, _TYPE_HINTS.get(expected, "").format(key=setting.key, default=_shown(setting.default))


def _unknown_key(section: str, key: str, known: dict[str, Any]) -> Problem:
    german = _GERMAN_KEYS.get(key.casefold())
    suggestion = f"Meinten Sie „{german}“?" if german in known else did_you_mean(key, known)
    hint = " ".join(filter(None, [suggestion, f"Erlaubt sind: {', '.join(known)}."]))
    return f"[{section}] unbekannter Schlüssel „{key}“.", hint


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:_}"  # TOML's digit groups: 1_000_000
    return str(value)


def _toml_default(schema_field: Field[Any]) -> str | None:
    """A default as it would be written in report.toml; empty when it is unset, None when the key is required."""
    if _is_required(schema_field):
        return None
    if schema_field.default is None:
        return ""
    if isinstance(schema_field.default, tuple):
        return "[" + ", ".join(_shown(item) for item in schema_field.default) + "]"
    return _shown(schema_field.default)


def _option(schema_field: Field[Any]) -> Option:
    declared: Option = schema_field.metadata["option"]
    return declared


def _field_names(schema: type) -> list[str]:
    return [schema_field.name for schema_field in fields(schema)]


def _is_required(schema_field: Field[Any]) -> bool:
    return schema_field.default is MISSING and schema_field.default_factory is MISSING
