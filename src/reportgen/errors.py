"""The one error family for mistakes a user can make, each with a place to fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file, and a line (text files) or row and column (tables)."""

    file: str
    line: int | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"Zeile {self.line}")
        if self.row is not None:
            parts.append(f"Zeile {self.row}")
        if self.column is not None:
            parts.append(f"Spalte „{self.column}“")
        return ", ".join(parts)


class ReportError(Exception):
    """A problem in the user's input: printed as one line, exit status 2."""

    def __init__(self, message: str, location: Location | None = None, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.location = location
        self.hint = hint

    def __reduce__(self) -> tuple:
        return (type(self), (self.message, self.location, self.hint))

    def __str__(self) -> str:
        text = f"{self.location}: {self.message}" if self.location else self.message
        return f"{text} {self.hint}" if self.hint else text


class ReportErrors(ReportError):
    """Several problems found in one pass, reported together."""

    def __init__(self, errors: Iterable[ReportError]) -> None:
        self.errors = list(errors)
        super().__init__("\n".join(str(error) for error in self.errors))

    def __reduce__(self) -> tuple:
        return (type(self), (self.errors,))

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


def relative_name(path: object, root: object) -> str:
    """A path as the user knows it: relative to the project, with forward slashes."""
    from pathlib import Path

    path, root = Path(str(path)), Path(str(root))
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name
