"""The draft as TOML text: basic strings, comments, arrays and categories, and the document with its notes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from .codebook import QUESTION_ID
from .draft_columns import parse_float

if TYPE_CHECKING:
    from .draft_columns import Entry

IGNORE_KEY = "ignore"
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


def toml_document(
    entries: list[Entry], ignored: list[tuple[str, str]], source: str, rows: int, id_name: str | None, wanted: str
) -> str:
    """The draft's text: notes for the analyst, the columns left out, then one table per question."""
    about = [
        f"ENTWURF eines Codebuchs, erzeugt mit „reportgen codebook“ aus {source} ({counted(rows, 'Zeile', 'Zeilen')}).",
        "Alles hier ist aus den Daten geraten. Prüfen Sie jede Frage: kind, text, Kategorien und ihre Reihenfolge,",
        'Skalenenden, fehlende Werte; ergänzen Sie label = "…" als Kurzbezeichnung für Tabellen und Grafiken.',
    ]
    if id_name is None:
        about.append(
            f"Keine Spalte „{wanted}“ mit Befragten-IDs gefunden: tragen Sie die Spalte in report.toml unter [survey] "
            "id_column ein (und streichen Sie sie hier)."
        )
    elif id_name != wanted:
        about.append(
            f"Befragten-IDs: Spalte „{id_name}“ – tragen Sie in report.toml unter [survey] id_column = "
            f"{toml_string(id_name)} ein."
        )
    else:
        about.append(f"Befragten-IDs: Spalte „{id_name}“ ([survey] id_column in report.toml).")
    lines = [_comment(text) for text in about]
    if ignored:
        lines.extend(["", _comment("Spalten, die der Bericht nicht verwendet:"), f"{IGNORE_KEY} = ["])
        lines.extend(f"  {toml_string(header)},  {_comment(reason)}" for header, reason in ignored)
        lines.append("]")
    for entry in entries:
        lines.extend(["", f"[{entry.id}]"])
        lines.extend(_comment(comment) for comment in entry.comments)
        if entry.unworded and QUESTION_ID.fullmatch(entry.stem):
            lines.append(_comment("text ist der Spaltenname: tragen Sie den Wortlaut der Frage ein"))
        # kind, the column it reads, the wording, then what the kind needs
        first = [item for item in entry.keys if item[0] in ("kind", "column")]
        rest = [item for item in entry.keys if item[0] not in ("kind", "column")]
        lines.extend(f"{key} = {value}" for key, value in [*first, ("text", toml_string(entry.stem)), *rest])
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """A TOML comment: a line break or another control character in a value shown there would end or break it."""
    return "# " + "".join(" " if _control(char) else char for char in text)


def toml_string(text: str) -> str:
    """A TOML basic string."""
    escaped = "".join(_TOML_ESCAPES.get(char) or (f"\\u{ord(char):04X}" if _control(char) else char) for char in text)
    return f'"{escaped}"'


def _control(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F


def toml_array(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def toml_categories(items: Iterable[tuple[int, str, bool]]) -> str:
    lines = []
    for code, label, missing in items:
        flag = ", missing = true" if missing else ""
        lines.append(f"  {{ code = {code}, label = {toml_string(label)}{flag} }},")
    return "[\n" + "\n".join(lines) + "\n]"


def toml_code(code: str) -> str:
    """A missing code as TOML: a whole number as such, anything else as a string (a label cell)."""
    number = parse_float(code)
    return str(int(number)) if number is not None and number.is_integer() else toml_string(code)


# Comment text


def value_list(values: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" … ({len(values)} Werte)" if len(values) > limit else "")


def counted(number: int, one: str, many: str) -> str:
    return f"1 {one}" if number == 1 else f"{number} {many}"
