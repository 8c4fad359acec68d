"""The references file `content/literatur.toml`: one checked entry per citation key."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime

from .citations import CROSS_REFERENCE_PREFIXES
from .errors import ContentError, Location, ReportError, raise_all
from .tomlfile import line_of, parse_toml

# The kinds of source an entry may be, as the citation style knows them (CSL item types).
TYPES = ("report", "book", "article", "webpage")
DEFAULT_TYPE = "report"  # most sources of a study are reports of institutes, ministries and firms
_TEXT_HINT = 'Schreiben Sie mehrere Namen in einen Text, z. B. author = "Müller und Schmidt".'
_EXAMPLE_HINT = 'Beispiel: author = "VDI ZRE" und year = 2021.'
_YEAR = re.compile(r"\d{1,4}")


@dataclass(frozen=True)
class Reference:
    """What is known of one source; unknown fields stay empty."""

    key: str
    author: str
    year: str
    title: str = ""
    publisher: str = ""
    place: str = ""
    url: str = ""
    accessed: date | None = None
    type: str = DEFAULT_TYPE
    line: int | None = None


class _Problem(Exception):
    """One field's mistake: the message after `[key] `, and a hint."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _text(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _Problem(f"{name} muss ein Text sein, keine Liste oder Tabelle.", _TEXT_HINT)
    return str(value).strip()


def _year(name: str, value: object) -> str:
    year = _text(name, value)
    if year and not _YEAR.fullmatch(year):
        hint = "Gleiche Autoren im selben Jahr unterscheidet reportgen selbst als 2023a, 2023b."
        raise _Problem(f"{name} muss eine Jahreszahl sein, z. B. {name} = 2023, nicht „{year}“.", hint)
    return year


def _url(name: str, value: object) -> str:
    url = _text(name, value)
    if url and (not url.startswith(("https://", "http://")) or any(char.isspace() for char in url)):
        hint = f'Beispiel: {name} = "https://www.example.org/studie.pdf" (ohne Leerzeichen).'
        raise _Problem(f"{name} muss eine Webadresse sein, die mit https:// oder http:// beginnt.", hint)
    return url


def _date(name: str, value: object) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _Problem(f"{name} muss ein Datum sein, z. B. {name} = 2025-03-31.", "Schreiben Sie das Datum als JJJJ-MM-TT.")


def _type(name: str, value: object) -> str:
    kind = _text(name, value)
    if kind not in TYPES:
        raise _Problem(f"{name} „{kind}“ ist unbekannt.", f"Erlaubt sind: {', '.join(TYPES)}.")
    return kind


# Every field an entry may have, and how its value is checked.
_FIELDS: Mapping[str, Callable[[str, object], object]] = {
    "author": _text,
    "year": _year,
    "title": _text,
    "publisher": _text,
    "place": _text,
    "url": _url,
    "accessed": _date,
    "type": _type,
}


def parse_references(text: str, display_name: str) -> dict[str, Reference]:
    """The entries of `content/literatur.toml`, each checked; all problems reported at once."""
    data = parse_toml(text, display_name, ContentError)
    errors: list[ReportError] = []
    references = {}
    for key, entry in data.items():
        try:
            references[key] = _reference(key, entry, text, display_name)
        except ReportError as error:
            errors.append(error)
    raise_all(errors)
    return references


def _reference(key: str, entry: object, text: str, display_name: str) -> Reference:
    line = line_of(text, key)
    location = Location(display_name, line=line)
    if not isinstance(entry, dict):
        raise ContentError(f"[{key}] muss ein Abschnitt mit author und year sein.", location)
    if key.startswith(CROSS_REFERENCE_PREFIXES):
        reserved = ", ".join(CROSS_REFERENCE_PREFIXES[:-1]) + f" oder {CROSS_REFERENCE_PREFIXES[-1]}"
        raise ContentError(
            f"[{key}] Schlüssel, die mit {reserved} beginnen, sind Querverweisen auf Abbildungen, Tabellen und "
            "Kapitel vorbehalten.",
            location,
            "Wählen Sie einen anderen Schlüssel, z. B. den Namen und das Jahr der Quelle.",
        )
    unknown = sorted(set(entry) - set(_FIELDS))
    if unknown:
        raise ContentError(
            f"[{key}] unbekanntes Feld „{unknown[0]}“.",
            Location(display_name, line=line_of(text, key, unknown[0])),
            f"Erlaubt sind: {', '.join(_FIELDS)}.",
        )
    values: dict[str, object] = {}
    for name, value in entry.items():
        try:
            values[name] = _FIELDS[name](name, value)
        except _Problem as problem:
            where = Location(display_name, line=line_of(text, key, name))
            raise ContentError(f"[{key}] {problem.message}", where, problem.hint) from None
    if not values.get("author") or not values.get("year"):
        raise ContentError(f"[{key}] braucht author und year.", location, _EXAMPLE_HINT)
    if values.get("accessed") and not values.get("url"):
        where = Location(display_name, line=line_of(text, key, "accessed"))
        hint = "Ergänzen Sie die Webadresse (url) oder entfernen Sie accessed."
        raise ContentError(f"[{key}] accessed ist das Abrufdatum einer Webadresse, es fehlt url.", where, hint)
    accessed = values.get("accessed")
    texts = {name: str(value) for name, value in values.items() if isinstance(value, str)}
    return Reference(
        key,
        texts["author"],
        texts["year"],
        texts.get("title", ""),
        texts.get("publisher", ""),
        texts.get("place", ""),
        texts.get("url", ""),
        accessed if isinstance(accessed, date) else None,
        texts.get("type", DEFAULT_TYPE),
        line,
    )
