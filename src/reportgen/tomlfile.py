"""Reading TOML files so that every problem can name its line."""

from __future__ import annotations

import re
import tomllib
from typing import Any

from .errors import Location, ReportError

_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")
_TABLE_HEADER = re.compile(r"^\s*\[\[?[^\[\]=,{}]+\]\]?\s*(#.*)?$")
_SYNTAX_HINT = "Prüfen Sie Anführungszeichen, Klammern und das Gleichheitszeichen."

# tomllib's messages, in German for editors: (pattern, message, hint).
_TRANSLATIONS: tuple[tuple[str, str, str], ...] = (
    (
        r"Expected '=' after a key",
        "nach dem Schlüssel fehlt das Gleichheitszeichen",
        'Schreiben Sie schluessel = "Wert".',
    ),
    (r"Invalid value", "ungültiger Wert", 'Texte stehen in Anführungszeichen ("…"), Daten als JJJJ-MM-TT.'),
    (r"Illegal character '\\n'", "ein Anführungszeichen wird nicht geschlossen", 'Schließen Sie den Text mit „"“ ab.'),
    (r"Unterminated string", "ein Anführungszeichen wird nicht geschlossen", 'Schließen Sie den Text mit „"“ ab.'),
    (r"Unescaped '\\' in a string", "ein „\\“ im Text", "Schreiben Sie „\\\\“ oder verwenden Sie '…' statt \"…\"."),
    (r"Cannot overwrite a value", "der Schlüssel kommt doppelt vor", "Löschen Sie eine der beiden Zeilen."),
    (r"Cannot declare .* twice", "der Abschnitt kommt doppelt vor", "Führen Sie die beiden Abschnitte zusammen."),
    (r"Duplicate inline table key", "der Schlüssel kommt doppelt vor", "Löschen Sie einen der beiden Einträge."),
    (r"Expected '\]' at the end of a table", "„]“ fehlt am Ende der Abschnittsüberschrift", "Schreiben Sie [name]."),
    (r"Unclosed array", "eine Liste wird nicht mit „]“ geschlossen", "Prüfen Sie Kommas und Klammern der Liste."),
    (r"Unclosed inline table", "ein { … } wird nicht geschlossen", "Prüfen Sie Kommas und die Klammer „}“."),
    (r"Invalid date or datetime", "ungültiges Datum", "Schreiben Sie Daten als JJJJ-MM-TT, z. B. 2025-03-31."),
    (
        r"Expected newline or end of document after a statement",
        "nach dem Wert steht noch etwas in derselben Zeile",
        'Jede Zeile enthält genau einen Eintrag; Texte stehen in "…", Daten als JJJJ-MM-TT, z. B. 2025-03-31.',
    ),
    (
        r"Invalid statement",
        "unverständliche Zeile",
        'Jede Zeile ist [abschnitt], schluessel = "Wert" oder # Kommentar.',
    ),
    (r"Invalid initial character for a key", "ungültiges Zeichen am Anfang eines Schlüssels", _SYNTAX_HINT),
    (r"(Illegal|Found invalid) character", "unzulässiges Zeichen", "Löschen Sie das Zeichen."),
)


def parse_toml(text: str, display_name: str, kind: type[ReportError]) -> dict[str, Any]:
    """Parse TOML source; a syntax error becomes a `kind` error with its line."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise _syntax_error(str(error), text, display_name, kind) from None


def _syntax_error(raw_message: str, text: str, display_name: str, kind: type[ReportError]) -> ReportError:
    match = _POSITION.search(raw_message)
    line = (
        int(match.group(1)) if match and match.group(1) else (text.rstrip().count("\n") + 1 if text.strip() else None)
    )
    column = f" (Zeichen {match.group(2)})" if match and match.group(2) else ""
    reason = _POSITION.sub("", raw_message).strip()
    message, hint = reason, _SYNTAX_HINT
    for pattern, german, german_hint in _TRANSLATIONS:
        if re.match(pattern, reason):
            message, hint = german, german_hint
            break
    return kind(f"TOML-Syntaxfehler: {message}{column}.", Location(display_name, line=line), hint)


def line_of(text: str, table: str, key: str | None = None) -> int | None:
    """The line of `[table]` (or of `key = …` inside it) in TOML source, if it can be found."""
    start = _table_start(text.split("\n"), table)
    if start is None:
        return top_level_line(text, table) if key is None else None
    if key is None:
        return start
    return find_line(text, table, r"^\s*(" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*=') or start


def find_line(text: str, table: str, pattern: str, occurrence: int = 1) -> int | None:
    """The line inside `[table]` where the regular expression `pattern` matches for the n-th time."""
    lines = text.split("\n")
    start = _table_start(lines, table)
    if start is None:
        return None
    wanted = re.compile(pattern)
    seen = 0
    for number, line in enumerate(lines[start:], start + 1):
        if _TABLE_HEADER.match(line):
            break
        if wanted.search(line):
            seen += 1
            if seen == occurrence:
                return number
    return None


def top_level_line(text: str, key: str) -> int | None:
    """The line of `key = …` before the first table header."""
    pattern = re.compile(r"^\s*(" + re.escape(key) + r'|"' + re.escape(key) + r'")\s*[=.]')
    for number, line in enumerate(text.split("\n"), 1):
        if _TABLE_HEADER.match(line):
            return None
        if pattern.match(line):
            return number
    return None


def _table_start(lines: list[str], table: str) -> int | None:
    name = re.escape(table)
    header = re.compile(r"^\s*\[\s*(" + name + r'|"' + name + r'")\s*\]\s*(#.*)?$')
    return next((number for number, line in enumerate(lines, 1) if header.match(line)), None)
