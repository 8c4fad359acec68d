"""How one value of report.toml is checked: a key's declaration (`Option`, `option()`) and the validators."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import MISSING, Field, dataclass, field
from pathlib import Path
from typing import Any

from .layout import Layout

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


@dataclass(frozen=True)
class Option:
    """A key's declaration: the Python type of its value, a one-line doc and the checks beyond the type."""

    type: type
    doc: str
    validators: tuple[Validator, ...] = ()


def option(default: Any = MISSING, *, doc: str, type: type, validators: tuple[Validator, ...] = ()) -> Any:
    """A section field declared with its default, doc, type and validators; no default makes it required."""
    return field(default=default, metadata={"option": Option(type, doc, validators)})


def declared(schema_field: Field[Any]) -> Option:
    """The `Option` a section field was declared with by `option()`."""
    declaration: Option = schema_field.metadata["option"]
    return declaration


def is_required(schema_field: Field[Any]) -> bool:
    """Whether a section field was declared without a default."""
    return schema_field.default is MISSING and schema_field.default_factory is MISSING


def shown(value: Any) -> str:
    """A value as it would be written in report.toml."""
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(shown(item) for item in value) + "]"
    if isinstance(value, int) and abs(value) >= 10_000:
        return f"{value:_}"  # TOML's digit groups: 1_000_000
    return str(value)


_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6})")
LOGO_SUFFIXES = (".svg", ".png", ".jpg", ".jpeg")
_COLOUR_HINT = "Schreiben Sie Farben als Hex-Wert mit #, z. B. „#0b5d5b“."


def non_empty(value: str, setting: Setting) -> Problem | None:
    """A text that must say something: not empty or only spaces."""
    if value.strip():
        return None
    example = f"{setting.key} = {shown(setting.default)}"
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
    return (
        f"{setting.where}: „{value}“ ist kein SVG-, PNG- oder JPEG-Bild.",
        'Geben Sie z. B. logo = "bilder/logo.svg" an.',
    )


def positive(value: float, setting: Setting) -> Problem | None:
    """A bound above zero and below infinity (TOML also writes inf and nan)."""
    if 0 < value < math.inf:
        return None
    wanted = "eine endliche Zahl" if value == math.inf else "eine Zahl größer als 0"
    return (
        f"{setting.where}: erwartet {wanted}, gefunden {shown(value)}.",
        f"Tragen Sie {wanted} ein, z. B. {setting.key} = {shown(setting.default)} (die Voreinstellung).",
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


def alphas(value: tuple[Any, ...], setting: Setting) -> Problem | None:
    """One or two significance levels between 0 and 0.5, the stricter first."""
    hint = f"Schreiben Sie z. B. {setting.key} = [0.05] oder, für zwei Stufen, {setting.key} = [0.01, 0.05]."
    numbers = all(isinstance(level, (int, float)) and not isinstance(level, bool) for level in value)
    if not value or len(value) > 2 or not numbers or not all(0 < level < 0.5 for level in value):
        return f"{setting.where}: erwartet ein oder zwei Niveaus zwischen 0 und 0,5.", hint
    if len(value) == 2 and not value[0] < value[1]:
        return f"{setting.where}: das strengere Niveau steht zuerst.", hint
    return None


def probability(value: float, setting: Setting) -> Problem | None:
    """A level strictly between 0 and 1 (a confidence level)."""
    if 0 < value < 1:
        return None
    return f"{setting.where}: erwartet eine Zahl zwischen 0 und 1.", f"Schreiben Sie z. B. {setting.key} = 0.95."


def hyphenation_entries(value: tuple[Any, ...], setting: Setting) -> Problem | None:
    """Words with their allowed breaks („Roh-stoff*“); the first entry that is none is reported."""
    from .hyphenation import is_entry

    for entry in value:
        if not (isinstance(entry, str) and is_entry(entry)):
            return (
                f"{setting.where}: „{entry}“ ist kein Trenneintrag.",
                'Schreiben Sie das Wort mit „-“ an den erlaubten Trennstellen, z. B. "Ressourcen-effizienz"; ohne „-“ '
                'wird es nie getrennt, ein „*“ am Ende erlaubt Endungen ("Roh-stoff*").',
            )
    return None


def not_negative(value: int, setting: Setting) -> Problem | None:
    if value >= 0:
        return None
    return f"{setting.where}: erwartet eine ganze Zahl ab 0.", f"Schreiben Sie z. B. {setting.key} = {setting.default}."


def at_least_two(value: int, setting: Setting) -> Problem | None:
    """A group size below which nothing is shown: 1 would show single respondents."""
    if value >= 2:
        return None
    return (
        f"{setting.where}: erwartet eine ganze Zahl ab 2, gefunden {shown(value)}.",
        f"Schreiben Sie z. B. {setting.key} = {setting.default} (die Voreinstellung).",
    )


# The placeholders of [batch] output: what each stands for in a batch report's file name.
BATCH_PLACEHOLDERS = {
    "key": "die Kennung oder der Name des Segments als Dateiname",
    "code": "der Code des Segments, nur mit --by",
    "label": "der Name, wie der Bericht ihn zeigt",
}


def batch_output(value: str, setting: Setting) -> Problem | None:
    """The file name pattern of batch reports (see output_pattern_problem), as [batch] output."""
    return output_pattern_problem(
        value, setting.where, f"Schreiben Sie z. B. {setting.key} = {shown(setting.default)}."
    )


def output_pattern_problem(value: str, where: str, example: str) -> Problem | None:
    """The file name pattern of batch reports: a PDF in a folder of its own below build/, placeholders only in the
    file name (so every report of a batch lands in one folder, beside its manifest), and only known ones. `where`
    names the setting or option, `example` is the hint for most mistakes."""
    fields, broken = _placeholders(value)
    folder, _, name = value.rpartition("/")
    parts = folder.split("/")
    if broken:
        return f"{where}: „{value}“ hat eine ungültige Angabe in geschweiften Klammern.", example
    if unknown := [field for field in fields if field not in BATCH_PLACEHOLDERS]:
        known = ", ".join(f"{{{name}}} ({meaning})" for name, meaning in BATCH_PLACEHOLDERS.items())
        return f"{where}: unbekannter Platzhalter „{{{unknown[0]}}}“.", f"Erlaubt sind {known}."
    if not fields:
        return f"{where}: „{value}“ hat keinen Platzhalter; alle Berichte bekämen denselben Namen.", example
    if len(parts) < 2 or parts[0] != "build" or any(part in ("", ".", "..") for part in parts) or parts[1] == ".cache":
        return f"{where}: „{value}“ liegt nicht in einem eigenen Ordner unter build/.", example
    if "{" in folder or "}" in folder:
        return f"{where}: Platzhalter stehen nur im Dateinamen, nicht im Ordner („{folder}“).", example
    if not name.lower().endswith(".pdf"):
        return f"{where}: „{value}“ endet nicht auf .pdf.", example
    return None


def _placeholders(pattern: str) -> tuple[list[str], bool]:
    """The names in `{…}` of a file name pattern, and whether a brace is unpaired or holds more than a name."""
    import string

    try:
        parsed = list(string.Formatter().parse(pattern))
    except ValueError:
        return [], True
    names = [name for _, name, spec, conversion in parsed if name is not None and not spec and conversion is None]
    odd = any(name is not None and (spec or conversion is not None) for _, name, spec, conversion in parsed)
    return names, odd
