"""The values inside a codebook question (categories, options, codings) and the checks their keys share."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import DataError, Location
from .tomlfile import find_line, line_of

H = TypeVar("H", bound=Hashable)


@dataclass(frozen=True)
class Category:
    """One answer option: the code stored in the data and the label shown; `missing`: SPSS user-missing, shown as a
    labelled row but outside the valid base."""

    code: int
    label: str
    missing: bool = False


@dataclass(frozen=True)
class Option:
    """One option of a multiple-response set: its own column (dichotomies) or its code (codes format)."""

    label: str
    column: str = ""
    code: int | None = None


@dataclass(frozen=True)
class Coding:
    """A category of coded free-text answers: answers matching one of the fnmatch `patterns` (case-insensitive)."""

    label: str
    patterns: tuple[str, ...]


@dataclass(frozen=True)
class Section:
    """One question's section in the codebook file, to point errors at the right line."""

    question_id: str
    file: str
    text: str

    @property
    def line(self) -> int | None:
        return line_of(self.text, self.question_id)

    def error(self, message: str, key: str | None = None, hint: str = "", line: int | None = None) -> DataError:
        where = line or (line_of(self.text, self.question_id, key) if key else self.line)
        return DataError(f"[{self.question_id}] {message}", Location(self.file, line=where), hint)


def categories(section: Section, raw: Any, allow_missing: bool) -> tuple[Category, ...]:
    """`categories = [{ code = 1, label = "…" }, …]`, codes and labels unique, `missing = true` where allowed."""
    hint = 'Beispiel: categories = [{ code = 1, label = "männlich" }, { code = 2, label = "weiblich" }].'
    if not isinstance(raw, list) or not raw:
        raise section.error("categories fehlt oder ist leer.", "categories" if raw is not None else "kind", hint)
    keys = {"code", "label", "missing"} if allow_missing else {"code", "label"}
    result: list[Category] = []
    for number, item in enumerate(raw, 1):
        where = item_line(section, number, "categories")
        if not isinstance(item, dict) or not is_int(item.get("code")) or not is_label(item.get("label")):
            problem = f"Kategorie {number}: jede Kategorie braucht code (ganze Zahl) und label (nicht leerer Text)."
            raise section.error(problem, "categories", hint, line=where)
        unknown = sorted(set(item) - keys)
        if unknown:
            note = " (fehlende Codes stehen hier in missing = [...])" if unknown[0] == "missing" else ""
            allowed = ", ".join(sorted(keys))
            problem = f"Kategorie {number}: unbekannter Schlüssel „{unknown[0]}“{note}."
            raise section.error(problem, "categories", f"Erlaubt sind {allowed}.", line=where)
        missing = item.get("missing", False)
        if not isinstance(missing, bool):
            problem = f"Kategorie {number}: missing muss true oder false sein."
            hint = 'Beispiel: { code = 9, label = "weiß nicht", missing = true }.'
            raise section.error(problem, "categories", hint, line=where)
        result.append(Category(item["code"], item["label"].strip(), missing))
    for attribute in ("code", "label"):
        values = [getattr(category, attribute) for category in result]
        twice = duplicate(values)
        if twice is not None:
            second = [i for i, value in enumerate(values, 1) if value == twice][1]
            fix = (
                "Jede Kategorie braucht einen eigenen Code."
                if attribute == "code"
                else "Jede Kategorie braucht ein eigenes Label."
            )
            raise section.error(
                f"{attribute} „{twice}“ kommt mehrfach vor.",
                "categories",
                fix,
                line=item_line(section, second, "categories"),
            )
    if all(category.missing for category in result):
        raise section.error(
            "categories: alle Kategorien sind fehlend (missing = true).",
            "categories",
            "Mindestens eine Kategorie muss gültig sein.",
        )
    return tuple(result)


def number_range(section: Section, raw: Any) -> tuple[float, float]:
    """`range = { min = 0, max = 100 }`: valid values, both ends included."""
    hint = "Beispiel: range = { min = 0, max = 100000 }."
    if not isinstance(raw, dict) or set(raw) != {"min", "max"} or not all(is_number(v) for v in raw.values()):
        raise section.error("range muss { min = Zahl, max = Zahl } sein.", "range", hint)
    if raw["min"] >= raw["max"]:
        problem = f"range: min ({number_text(raw['min'])}) muss kleiner als max ({number_text(raw['max'])}) sein."
        raise section.error(problem, "range", hint)
    return float(raw["min"]), float(raw["max"])


def text_list(section: Section, raw: Any, key: str, example: str) -> tuple[str, ...]:
    """A non-empty list of distinct, non-empty texts (column names)."""
    if not isinstance(raw, list) or not raw or not all(is_label(value) for value in raw):
        raise section.error(
            f"{key} muss eine nicht leere Liste von Spaltennamen sein.",
            key if raw is not None else "kind",
            f"Beispiel: {example}.",
        )
    values = [value.strip() for value in raw]
    twice = duplicate(values)
    if twice is not None:
        raise section.error(f"{key}: „{twice}“ kommt mehrfach vor.", key, "Jede Spalte gehört einmal zur Frage.")
    return tuple(values)


def item_line(section: Section, number: int, key: str) -> int | None:
    """The line of the n-th `{ … }` inside `key = [ … ]`, when each stands on its own line."""
    pattern = r"^\s*(" + key + r"\s*=\s*\[\s*)?\{"
    return find_line(section.text, section.question_id, pattern, occurrence=number)


def duplicate(values: Sequence[H]) -> H | None:
    """The first value that occurs twice, if any."""
    seen: set[H] = set()
    for value in values:
        if value in seen:
            return value
        seen.add(value)
    return None


def number_text(value: float) -> str:
    """A number as the codebook writes it: 10, 2.5."""
    return str(int(value)) if float(value).is_integer() else str(value)


def is_label(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_number(value: Any) -> bool:
    return (
        isinstance(value, int | float) and not isinstance(value, bool) and value == value and abs(value) != float("inf")
    )
