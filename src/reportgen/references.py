"""The references file: one entry per citation key, and author-year citations."""

from __future__ import annotations

from dataclasses import dataclass

from .errors import ContentError, Location, ReportError, raise_all
from .tomlfile import line_of, parse_toml

_FIELDS = ("author", "year", "title", "publisher", "place", "url", "note")


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
    note: str = ""
    line: int | None = None

    @property
    def sort_key(self) -> tuple[str, str, str]:
        return (self.author.casefold(), self.year, self.title.casefold())


def parse_references(text: str, display_name: str) -> dict[str, Reference]:
    """The entries of `content/literatur.toml`, each checked; all problems reported at once."""
    data = parse_toml(text, display_name, ContentError)
    errors: list[ReportError] = []
    references = {}
    for key, entry in data.items():
        line = line_of(text, key)
        location = Location(display_name, line=line)
        if not isinstance(entry, dict):
            errors.append(ContentError(f"[{key}] muss ein Abschnitt mit author und year sein.", location))
            continue
        unknown = sorted(set(entry) - set(_FIELDS))
        if unknown:
            errors.append(
                ContentError(
                    f"[{key}] unbekanntes Feld „{unknown[0]}“.",
                    Location(display_name, line=line_of(text, key, unknown[0])),
                    f"Erlaubt sind: {', '.join(_FIELDS)}.",
                )
            )
            continue
        wrong = next(
            (name for name, value in entry.items() if not isinstance(value, str | int) or isinstance(value, bool)), None
        )
        if wrong is not None:
            errors.append(
                ContentError(
                    f"[{key}] {wrong} muss ein Text sein, keine Liste oder Tabelle.",
                    Location(display_name, line=line_of(text, key, wrong)),
                    'Schreiben Sie mehrere Namen in einen Text, z. B. author = "Müller und Schmidt".',
                )
            )
            continue
        if not str(entry.get("author", "")).strip() or not str(entry.get("year", "")).strip():
            errors.append(
                ContentError(
                    f"[{key}] braucht author und year.", location, 'Beispiel: author = "VDI ZRE" und year = 2021.'
                )
            )
            continue
        values = {name: str(entry.get(name, "")).strip() for name in _FIELDS}
        references[key] = Reference(key=key, line=line, **values)
    raise_all(errors)
    return references
