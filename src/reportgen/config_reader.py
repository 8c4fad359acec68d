"""Reading report.toml's tables against the section dataclasses: types, unknown and missing keys, stray entries."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import Field, dataclass, fields
from pathlib import Path
from typing import Any

from .config_values import Problem, Setting, declared, is_required, shown
from .errors import ConfigError, Location, ReportError, did_you_mean, raise_all
from .layout import Layout
from .tomlfile import line_of

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
    "anhang": "attach_to_pdf",
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
    tuple: "Schreiben Sie eine Liste in eckigen Klammern, z. B. {key} = {default}.",
    bool: "Schreiben Sie true oder false ohne Anführungszeichen, z. B. {key} = {default}.",
}
# What TOML gives for a declared type: arrays arrive as lists (the config keeps tuples so that it stays
# immutable), and a number may be written with or without decimals (a bool is no number).
_TOML_TYPES: dict[type, tuple[type, ...]] = {tuple: (list,), float: (int, float)}
_REQUIRED = "…"


def read_sections(text: str, root: Path, data: dict[str, Any], sections: Mapping[str, type]) -> dict[str, Any]:
    """Each section's dataclass, read from parsed report.toml `data`; all problems are raised at once."""
    source = _Source(text, root, tuple(name for name in data if name not in sections))
    errors: list[ReportError] = [_stray_entry(source, name, data[name], sections) for name in source.stray]
    read = {name: _read_section(source, name, data.get(name, {}), sections[name], errors) for name in sections}
    raise_all(errors)
    return read


def toml_default(schema_field: Field[Any]) -> str | None:
    """A default as it would be written in report.toml; empty when it is unset, None when the key is required."""
    if is_required(schema_field):
        return None
    if schema_field.default is None:
        return ""
    return shown(schema_field.default)


@dataclass(frozen=True)
class _Source:
    """report.toml as read: its text (for line numbers), its folder, and the names written above all sections."""

    text: str
    root: Path
    stray: tuple[str, ...]

    def error(self, table: str, key: str | None, message: str, hint: str = "") -> ConfigError:
        return ConfigError(message, Location(Layout.config, line=line_of(self.text, table, key)), hint)


def _stray_entry(source: _Source, name: str, value: Any, sections: Mapping[str, type]) -> ConfigError:
    """A table or key outside the declared sections."""
    known = ", ".join(f"[{section}]" for section in sections)
    if isinstance(value, dict):
        hint = " ".join(filter(None, [did_you_mean(name, sections), f"Erlaubt sind: {known}."]))
        return source.error(name, None, f"unbekannter Abschnitt [{name}].", hint)
    owner = next((section for section, schema in sections.items() if name in _field_names(schema)), None)
    hint = (
        f"Schreiben Sie die Zeile unter [{owner}]." if owner else f"Jeder Schlüssel gehört in einen Abschnitt: {known}."
    )
    return source.error(name, None, f"„{name}“ steht außerhalb eines Abschnitts.", hint)


def _read_section(source: _Source, name: str, raw: Any, schema: type, errors: list[ReportError]) -> Any:
    """The section's dataclass, or None when a key is unknown, wrong or missing (errors are appended).

    A required key written above all sections is reported once, as misplaced, not as missing.
    """
    if not isinstance(raw, dict):
        errors.append(source.error(name, None, f"[{name}] muss ein Abschnitt sein, kein einzelner Wert."))
        raw = {}
    known = {schema_field.name: schema_field for schema_field in fields(schema)}
    values: dict[str, Any] = {}
    for key, value in raw.items():
        problem = _check(value, known[key], name, source.root) if key in known else _unknown_key(name, key, known)
        if problem:
            errors.append(source.error(name, key, *problem))
        else:
            values[key] = tuple(value) if isinstance(value, list) else value
    missing = [key for key, schema_field in known.items() if is_required(schema_field) and key not in raw]
    for key in (key for key in missing if key not in source.stray):
        example = f'Ergänzen Sie im Abschnitt [{name}] die Zeile {key} = "{_REQUIRED}".'
        errors.append(source.error(name, None, f"[{name}] {key} fehlt.", example))
    return schema(**values) if len(values) == len(raw) and not missing else None


def _check(value: Any, schema_field: Field[Any], section: str, root: Path) -> Problem | None:
    """The first problem with a value: its type, then each declared validator in order."""
    declaration = declared(schema_field)
    setting = Setting(
        section, schema_field.name, _REQUIRED if is_required(schema_field) else schema_field.default, root
    )
    if type(value) not in _TOML_TYPES.get(declaration.type, (declaration.type,)):
        return _type_problem(value, declaration.type, setting)
    return next((problem for validate in declaration.validators if (problem := validate(value, setting))), None)


def _type_problem(value: Any, expected: type, setting: Setting) -> Problem:
    got = _GERMAN_TYPES.get(type(value), type(value).__name__)
    message = f"{setting.where}: erwartet {_GERMAN_TYPES[expected]}, gefunden {got} {shown(value)}."
    return message, _TYPE_HINTS.get(expected, "").format(key=setting.key, default=shown(setting.default))


def _unknown_key(section: str, key: str, known: dict[str, Any]) -> Problem:
    german = _GERMAN_KEYS.get(key.casefold())
    suggestion = f"Meinten Sie „{german}“?" if german in known else did_you_mean(key, known)
    hint = " ".join(filter(None, [suggestion, f"Erlaubt sind: {', '.join(known)}."]))
    return f"[{section}] unbekannter Schlüssel „{key}“.", hint


def _field_names(schema: type) -> list[str]:
    return [schema_field.name for schema_field in fields(schema)]
