"""The one error family for mistakes a user can make, each with a place to fix, and the recurring messages."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Self


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and a line (and character, counted from 1) of a text file, or a row and a
    named column of a table."""

    file: str
    line: int | None = None
    row: int | None = None
    column: str | None = None
    character: int | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"Zeile {self.line}")
        if self.character is not None:
            parts.append(f"Spalte {self.character}")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.column is not None:
            parts.append(f"Spalte „{self.column}“")
        return ", ".join(parts)


class ReportError(Exception):
    """A problem in the user's input: printed as one line, exit status 2. Raise one of its kinds."""

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.message, self.location, self.hint))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} {self.hint}" if self.hint else text

    def at(self, location: Location) -> Self:
        """The same problem, placed where the caller knows it happened."""
        return type(self)(self.message, location, self.hint)


class ConfigError(ReportError):
    """report.toml: a missing, unknown or wrong setting."""


class DataError(ReportError):
    """data/: the responses or the codebook."""


class ContentError(ReportError):
    """content/: a chapter, a helper call, a citation, an image or the references file."""


class TemplateError(ReportError):
    """templates/: the page template, its partials, fonts and stylesheet."""


class RenderError(ReportError):
    """Laying out the PDF: a resource the document asks for that may not or cannot be loaded."""


class OutputError(ReportError):
    """build/: the outputs cannot be written."""


class ReportErrors(ReportError):
    """Several problems found in one pass, reported together."""

    def __init__(self, errors: Iterable[ReportError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.errors,))

    def at(self, location: Location) -> Self:
        """Each problem that has no place yet, placed at `location`."""
        return type(self)(error if error.location else error.at(location) for error in self.errors)

    def __str__(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def raise_all(errors: list[ReportError]) -> None:
    """Raise the collected errors: one as itself, several together, none not at all."""
    errors = [single for error in errors for single in (error.errors if isinstance(error, ReportErrors) else [error])]
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ReportErrors(errors)


def did_you_mean(word: str, options: Iterable[str]) -> str:
    """The hint „Meinten Sie …?“ for the closest option (spelling or case), else an empty string."""
    folded = {option.casefold(): option for option in options}
    if word.casefold() in folded:
        return f"Meinten Sie „{folded[word.casefold()]}“?"
    close = difflib.get_close_matches(word.casefold(), list(folded), n=1, cutoff=0.6)
    return f"Meinten Sie „{folded[close[0]]}“?" if close else ""


# Recurring messages: each is worded here once.


def file_missing(kind: type[ReportError], location: Location, hint: str) -> ReportError:
    return kind("Datei nicht gefunden.", location, hint)


def file_unreadable(kind: type[ReportError], location: Location, error: OSError, hint: str) -> ReportError:
    reason = error.strerror or type(error).__name__
    return kind(f"Die Datei lässt sich nicht lesen ({reason}).", location, hint)


def not_utf8(kind: type[ReportError], location: Location) -> ReportError:
    return kind("Die Datei ist kein UTF-8-Text.", location, "Speichern Sie sie im Editor mit der Kodierung UTF-8.")


def raise_setting(*keys: str) -> str:
    """The end of a hint for a limit that was hit: „erhöhen Sie [limits] rows in report.toml“."""
    return "erhöhen Sie " + " und ".join(f"[limits] {key}" for key in keys) + " in report.toml"
