"""Reading TOML files so that every problem can name its line."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

from .errors import Location, ReportError


def load_toml(path: Path, display_name: str) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; a syntax error becomes a ReportError with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ReportError("Datei nicht gefunden.", Location(display_name), "Legen Sie die Datei an.") from None
    except UnicodeDecodeError:
        raise ReportError(
            "Die Datei ist kein UTF-8-Text.", Location(display_name), "Speichern Sie sie als UTF-8."
        ) from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(match.group(1)) if match else None
        reason = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise ReportError(
            f"TOML-Syntaxfehler: {reason}.",
            Location(display_name, line=line),
            "Prüfen Sie Anführungszeichen, Klammern und das Gleichheitszeichen.",
        ) from None


def line_of(text: str, table: str, key: str | None = None) -> int | None:
    """The line of `[table]` (or of `key = …` inside it) in TOML source, if it can be found."""
    lines = text.splitlines()
    header = re.compile(r"^\s*\[\s*" + re.escape(table) + r"\s*\]\s*(#.*)?$")
    start = next((number for number, line in enumerate(lines, 1) if header.match(line)), None)
    if start is None or key is None:
        return start
    key_line = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    for number, line in enumerate(lines[start:], start + 1):
        if re.match(r"^\s*\[", line):
            break
        if key_line.match(line):
            return number
    return start
