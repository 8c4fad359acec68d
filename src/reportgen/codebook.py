"""The codebook: what each column means, its codes, labels, order and missing codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import Location, ReportError, raise_all
from .tomlfile import line_of, load_toml

KINDS = ("scale", "categorical", "text")
_KEYS = {"kind", "text", "label", "scale", "categories", "missing"}


@dataclass(frozen=True)
class Category:
    """One answer option: the code stored in the data and the label shown."""

    code: int
    label: str


@dataclass(frozen=True)
class Question:
    """One column of the responses, as the codebook describes it."""

    id: str
    kind: str
    text: str
    label: str
    categories: tuple[Category, ...] = ()
    missing_codes: tuple[int, ...] = ()
    line: int | None = None

    @property
    def is_scale(self) -> bool:
        return self.kind == "scale"

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(category.code for category in self.categories)

    def label_of(self, code: int) -> str:
        return next(c.label for c in self.categories if c.code == code)


@dataclass(frozen=True)
class Codebook:
    """All questions in questionnaire order."""

    questions: tuple[Question, ...]
    file: str

    def __getitem__(self, question_id: str) -> Question:
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(question.id for question in self.questions)


def load_codebook(path: Path, display_name: str) -> Codebook:
    """Read and check the codebook; every problem names its line."""
    data, text = load_toml(path, display_name)
    errors: list[ReportError] = []
    questions = []
    for question_id, entry in data.items():
        line = line_of(text, question_id)
        try:
            questions.append(_question(question_id, entry, line, display_name, text))
        except ReportError as error:
            errors.append(error)
    if not data:
        errors.append(
            ReportError(
                "Das Codebuch enthält keine Frage.",
                Location(display_name),
                "Legen Sie für jede Spalte einen Abschnitt [spaltenname] an.",
            )
        )
    raise_all(errors)
    return Codebook(tuple(questions), display_name)


def _question(question_id: str, entry: Any, line: int | None, file: str, text: str) -> Question:
    def fail(message: str, key: str | None = None, hint: str = "") -> ReportError:
        where = line_of(text, question_id, key) if key else line
        return ReportError(f"[{question_id}] {message}", Location(file, line=where), hint)

    if not isinstance(entry, dict):
        raise fail("muss ein Abschnitt sein.", hint=f"Schreiben Sie [{question_id}] mit kind, text und label.")
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        raise fail(f"unbekannter Schlüssel „{unknown[0]}“.", unknown[0], f"Erlaubt sind: {', '.join(sorted(_KEYS))}.")
    kind = entry.get("kind")
    if kind not in KINDS:
        raise fail(f"kind muss {', '.join(repr(k) for k in KINDS)} sein, nicht {kind!r}.", "kind")
    question_text = entry.get("text")
    if not isinstance(question_text, str) or not question_text.strip():
        raise fail("text fehlt: der Wortlaut der Frage.", "text")
    label = entry.get("label", question_text)
    if not isinstance(label, str) or not label.strip():
        raise fail("label muss ein Text sein.", "label")
    missing = entry.get("missing", [])
    if not isinstance(missing, list) or not all(_is_int(code) for code in missing):
        raise fail("missing muss eine Liste ganzer Zahlen sein, z. B. missing = [-9].", "missing")
    categories: tuple[Category, ...] = ()
    if kind == "scale":
        categories = _scale(entry.get("scale"), fail)
    elif kind == "categorical":
        categories = _categories(entry.get("categories"), fail)
    elif "scale" in entry or "categories" in entry:
        raise fail("eine Textfrage hat weder scale noch categories.", "kind")
    clash = sorted(set(missing) & {c.code for c in categories})
    if clash:
        raise fail(f"Code {clash[0]} ist zugleich gültig und fehlend.", "missing")
    return Question(question_id, kind, question_text.strip(), label.strip(), categories, tuple(missing), line)


def _scale(scale: Any, fail: Any) -> tuple[Category, ...]:
    if not isinstance(scale, dict) or not _is_int(scale.get("min")) or not _is_int(scale.get("max")):
        raise fail("scale muss { min = 0, max = 5 } mit ganzen Zahlen sein.", "scale")
    if scale["min"] >= scale["max"]:
        raise fail("scale: min muss kleiner als max sein.", "scale")
    return tuple(Category(code, str(code)) for code in range(scale["min"], scale["max"] + 1))


def _categories(raw: Any, fail: Any) -> tuple[Category, ...]:
    hint = 'Beispiel: categories = [{ code = 1, label = "männlich" }, …]'
    if not isinstance(raw, list) or not raw:
        raise fail("categories fehlt oder ist leer.", "categories", hint)
    categories = []
    for item in raw:
        if not isinstance(item, dict) or not _is_int(item.get("code")) or not isinstance(item.get("label"), str):
            raise fail("jede Kategorie braucht code (ganze Zahl) und label (Text).", "categories", hint)
        categories.append(Category(item["code"], item["label"].strip()))
    for attribute in ("code", "label"):
        values = [getattr(category, attribute) for category in categories]
        duplicates = sorted({str(v) for v in values if values.count(v) > 1})
        if duplicates:
            raise fail(f"{attribute} „{duplicates[0]}“ kommt mehrfach vor.", "categories")
    return tuple(categories)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
