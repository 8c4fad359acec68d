"""report.toml -> a frozen Config; paths resolved against the project folder."""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any

from .errors import Location, ReportError, did_you_mean, raise_all
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
_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
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
    "farben": "palette",
}
_COLOUR_HINT = "Schreiben Sie Farben als Hex-Wert mit #, z. B. „#0b5d5b“."
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
    datetime.date: "Schreiben Sie das Datum ohne Anführungszeichen, z. B. {key} = 2025-03-31.",
    tuple: 'Schreiben Sie eine Liste, z. B. {key} = ["#0b5d5b", "#f28c28"].',
}


def load_config(root: Path) -> Config:
    """Read and check `report.toml` in `root`; all problems are reported at once."""
    if not (root / CONFIG_NAME).exists():
        raise ReportError(
            f"Kein Projekt: {CONFIG_NAME} fehlt in {root.resolve()}.",
            Location(CONFIG_NAME),
            "Starten Sie reportgen im Projektordner oder geben Sie ihn mit --project ORDNER an.",
        )
    data, text = load_toml(root / CONFIG_NAME, CONFIG_NAME)
    errors: list[ReportError] = []
    for name, value in data.items():
        if name not in _SECTIONS:
            errors.append(_stray_entry(text, name, value))
    stray = {key for key in data if key not in _SECTIONS}
    sections: dict[str, Any] = {}
    for name, schema in _SECTIONS.items():
        raw = data.get(name, {})
        if not isinstance(raw, dict):
            errors.append(_error(text, name, None, f"[{name}] muss ein Abschnitt sein, kein einzelner Wert."))
            raw = {}
        sections[name] = _build_section(schema, name, raw, text, root, errors, stray)
    raise_all(errors)
    return Config(root=root.resolve(), **sections)


def _stray_entry(text: str, name: str, value: Any) -> ReportError:
    """A table or key outside [report], [survey] and [brand]."""
    known = ", ".join(f"[{section}]" for section in _SECTIONS)
    if isinstance(value, dict):
        hint = " ".join(filter(None, [did_you_mean(name, _SECTIONS), f"Erlaubt sind: {known}."]))
        return _error(text, name, None, f"unbekannter Abschnitt [{name}].", hint)
    owner = next((section for section, schema in _SECTIONS.items() if name in _field_names(schema)), None)
    hint = (
        f"Schreiben Sie die Zeile unter [{owner}]." if owner else f"Jeder Schlüssel gehört in einen Abschnitt: {known}."
    )
    return _error(text, name, None, f"„{name}“ steht außerhalb eines Abschnitts.", hint)


def _build_section(
    schema: type, name: str, raw: dict, text: str, root: Path, errors: list[ReportError], stray: set[str]
) -> Any:
    """The section's dataclass, or None when a key is unknown, wrong or missing (errors are appended).

    A required key written above all sections (`stray`) is reported once, as misplaced, not as missing.
    """
    known = {f.name: f for f in fields(schema)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in known:
            hint = " ".join(filter(None, [_suggestion(key, known), f"Erlaubt sind: {', '.join(known)}."]))
            errors.append(_error(text, name, key, f"[{name}] unbekannter Schlüssel „{key}“.", hint))
            continue
        problem = _type_problem(name, key, value, _expected_type(known[key]))
        problem = problem or _value_problem(name, key, value, root)
        if problem:
            errors.append(_error(text, name, key, *problem))
            continue
        values[key] = tuple(value) if isinstance(value, list) else value
    for key in (key for key, f in known.items() if _is_required(f) and key not in raw and key not in stray):
        example = f'Ergänzen Sie im Abschnitt [{name}] die Zeile {key} = "…".'
        errors.append(_error(text, name, None, f"[{name}] {key} fehlt.", example))
    if len(values) != len(raw) or any(_is_required(f) and key not in values for key, f in known.items()):
        return None
    return schema(**values)


def _suggestion(key: str, known: dict[str, Any]) -> str:
    german = _GERMAN_KEYS.get(key.casefold())
    return f"Meinten Sie „{german}“?" if german in known else did_you_mean(key, known)


def _type_problem(section: str, key: str, value: Any, expected: type) -> tuple[str, str] | None:
    matches = isinstance(value, list) if expected is tuple else isinstance(value, expected)
    if matches and not isinstance(value, datetime.datetime):
        return None
    got = _GERMAN_TYPES.get(type(value), type(value).__name__)
    message = f"[{section}] {key}: erwartet {_GERMAN_TYPES[expected]}, gefunden {got} {_shown(value)}."
    return message, _TYPE_HINTS.get(expected, "").format(key=key)


def _value_problem(section: str, key: str, value: Any, root: Path) -> tuple[str, str] | None:
    """Checks beyond the type: required texts not empty, colours, paths inside the project."""
    where = f"[{section}] {key}"
    if section == "brand" and key == "palette":
        bad = [item for item in value if not isinstance(item, str) or not _COLOUR.fullmatch(item)]
        if not value:
            return f"{where} ist leer.", 'Geben Sie mindestens eine Farbe an, z. B. palette = ["#0b5d5b"].'
        if bad:
            return f"{where}: „{bad[0]}“ ist keine Farbe.", _COLOUR_HINT
    elif section == "brand" and not _COLOUR.fullmatch(value):
        return f"{where}: „{value}“ ist keine Farbe.", _COLOUR_HINT
    elif key in ("title", "id_column", "responses", "codebook") and not value.strip():
        return f"{where} ist leer.", f"Tragen Sie einen Wert ein, z. B. {key} = {_shown(_default(section, key))}."
    elif section == "survey" and key in ("responses", "codebook") and not _inside(root, value):
        return (
            f"{where}: „{value}“ liegt außerhalb des Projektordners.",
            'Legen Sie die Datei ins Projekt und geben Sie den Pfad relativ an, z. B. "data/responses.csv".',
        )
    return None


def _inside(root: Path, relative: str) -> bool:
    path = Path(relative)
    try:
        return not path.is_absolute() and (root / path).resolve().is_relative_to(root.resolve())
    except (OSError, ValueError):  # a NUL character or a path the system cannot resolve
        return False


def _default(section: str, key: str) -> Any:
    schema_field = next(f for f in fields(_SECTIONS[section]) if f.name == key)
    return "…" if _is_required(schema_field) else schema_field.default


def _shown(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _field_names(schema: type) -> list[str]:
    return [f.name for f in fields(schema)]


def _expected_type(schema_field: Any) -> type:
    annotation = str(schema_field.type)
    if annotation.startswith("datetime.date"):
        return datetime.date
    if annotation.startswith("tuple"):
        return tuple
    return str


def _is_required(schema_field: Any) -> bool:
    return schema_field.default is MISSING and schema_field.default_factory is MISSING


def _error(text: str, table: str, key: str | None, message: str, hint: str = "") -> ReportError:
    return ReportError(message, Location(CONFIG_NAME, line=line_of(text, table, key)), hint)
