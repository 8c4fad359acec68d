"""The codebook: what each column means, its codes, labels, order and missing codes."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .errors import DataError, Location, ReportError, did_you_mean, raise_all
from .tomlfile import find_line, line_of, parse_toml

KINDS = ("scale", "categorical", "text")
_KEYS = {"kind", "text", "label", "scale", "categories", "missing"}
MAX_SCALE_POINTS = 101
# A question id becomes part of file names (charts): what TOML allows as a bare key, starting with a letter or digit.
QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


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


def parse_codebook(text: str, display_name: str) -> Codebook:
    """Parse and check the codebook's TOML source; every problem names its line, all questions are checked."""
    data = parse_toml(text, display_name, DataError)
    errors: list[ReportError] = []
    questions: list[Question] = []
    for question_id, entry in data.items():
        try:
            questions.append(_question(_Source(question_id, display_name, text), entry))
        except DataError as error:
            errors.append(error)
    if not data:
        errors.append(
            DataError(
                "Das Codebuch enthält keine Frage.",
                Location(display_name),
                "Legen Sie für jede Spalte einen Abschnitt [spaltenname] an.",
            )
        )
    errors.extend(_case_clashes(questions, text, display_name))
    raise_all(errors)
    return Codebook(tuple(questions), display_name)


def _case_clashes(questions: list[Question], text: str, display_name: str) -> list[DataError]:
    """Ids that differ only in case would share a chart file on Windows and macOS."""
    first: dict[str, str] = {}
    errors: list[DataError] = []
    for question in questions:
        other = first.setdefault(question.id.lower(), question.id)
        if other != question.id:
            source = _Source(question.id, display_name, text)
            hint = f"Benennen Sie eine der beiden Fragen und ihre Spalte in den Antworten um, z. B. [{other}_2]."
            errors.append(
                source.error(f"unterscheidet sich von [{other}] nur in Groß- und Kleinschreibung.", hint=hint)
            )
    return errors


@dataclass(frozen=True)
class _Source:
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


def _question(source: _Source, entry: Any) -> Question:
    qid = source.question_id
    if not QUESTION_ID.fullmatch(qid):
        raise source.error(
            "ungültiger Fragename: erlaubt sind Buchstaben a–z und A–Z, Ziffern, _ und -, am Anfang ein Buchstabe oder "
            "eine Ziffer.",
            hint="Benennen Sie die Frage und ihre Spalte in den Antworten um, z. B. [frage_1].",
            line=source.line or _quoted_header_line(source),
        )
    if not isinstance(entry, dict):
        hint = f'Schreiben Sie [{qid}] als eigene Zeile, darunter kind, text und label, z. B. kind = "scale".'
        raise source.error("muss ein Abschnitt sein, kein einzelner Wert.", hint=hint)
    unknown = sorted(set(entry) - _KEYS)
    if unknown:
        hint = " ".join(filter(None, [did_you_mean(unknown[0], _KEYS), f"Erlaubt sind: {', '.join(sorted(_KEYS))}."]))
        raise source.error(f"unbekannter Schlüssel „{unknown[0]}“.", unknown[0], hint)
    kind = _kind(source, entry)
    question_text = _text(source, entry, "text", "der Wortlaut der Frage", required=True)
    label = _text(source, entry, "label", "die Kurzbezeichnung für Tabellen und Grafiken") or question_text
    missing = _missing_codes(source, entry.get("missing", []))
    categories: tuple[Category, ...] = ()
    if kind == "scale":
        categories = _scale(source, entry.get("scale"))
    elif kind == "categorical":
        categories = _categories(source, entry.get("categories"))
    elif "scale" in entry or "categories" in entry:
        key = "scale" if "scale" in entry else "categories"
        hint = (
            f'Entfernen Sie {key} oder ändern Sie kind, z. B. kind = "{"scale" if key == "scale" else "categorical"}".'
        )
        raise source.error(f'eine Textfrage (kind = "text") hat kein {key}.', key, hint)
    clash = sorted(set(missing) & {c.code for c in categories})
    if clash:
        raise source.error(
            f"Code {clash[0]} ist zugleich gültig und fehlend.", "missing", "Entfernen Sie ihn aus missing."
        )
    return Question(qid, kind, question_text, label, categories, missing, source.line)


def _quoted_header_line(source: _Source) -> int | None:
    """The line of a `["…"]` header whose name has escapes (`line_of` matches names as written)."""
    for number, line in enumerate(source.text.splitlines(), 1):
        if line.lstrip().startswith("[") and not line.lstrip().startswith("[["):
            try:
                if source.question_id in tomllib.loads(line):
                    return number
            except tomllib.TOMLDecodeError:
                continue
    return None


def _kind(source: _Source, entry: dict[str, Any]) -> str:
    kind = entry.get("kind")
    allowed = ", ".join(f'"{k}"' for k in KINDS)
    if kind is None:
        raise source.error("kind fehlt.", hint=f'Ergänzen Sie kind = "scale" (erlaubt: {allowed}).')
    if kind not in KINDS:
        hint = " ".join(filter(None, [did_you_mean(str(kind), KINDS), f"Erlaubt sind: {allowed}."]))
        raise source.error(f"kind „{kind}“ ist unbekannt.", "kind", hint)
    return str(kind)


def _text(source: _Source, entry: dict[str, Any], key: str, meaning: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problem = "fehlt" if value is None else "muss ein nicht leerer Text sein"
        raise source.error(
            f"{key} {problem}: {meaning}.", key if value is not None else None, f'Schreiben Sie {key} = "…".'
        )
    return value.strip()


def _missing_codes(source: _Source, missing: Any) -> tuple[int, ...]:
    if not isinstance(missing, list) or not all(_is_int(code) for code in missing):
        raise source.error("missing muss eine Liste ganzer Zahlen sein.", "missing", "Beispiel: missing = [-9, 99].")
    return tuple(missing)


def _scale(source: _Source, scale: Any) -> tuple[Category, ...]:
    hint = "Beispiel: scale = { min = 0, max = 5 }."
    if not isinstance(scale, dict):
        raise source.error("scale fehlt oder ist kein { min = …, max = … }.", "scale" if scale else "kind", hint)
    unknown = sorted(set(scale) - {"min", "max"})
    if unknown:
        raise source.error(f"scale: unbekannter Schlüssel „{unknown[0]}“.", "scale", "Erlaubt sind min und max.")
    if not _is_int(scale.get("min")) or not _is_int(scale.get("max")):
        raise source.error("scale: min und max müssen ganze Zahlen sein.", "scale", hint)
    low, high = scale["min"], scale["max"]
    if low >= high:
        raise source.error(f"scale: min ({low}) muss kleiner als max ({high}) sein.", "scale", hint)
    if high - low + 1 > MAX_SCALE_POINTS:
        raise source.error(
            f"scale: {high - low + 1} Stufen sind zu viele (höchstens {MAX_SCALE_POINTS}).", "scale", hint
        )
    return tuple(Category(code, str(code)) for code in range(low, high + 1))


def _categories(source: _Source, raw: Any) -> tuple[Category, ...]:
    hint = 'Beispiel: categories = [{ code = 1, label = "männlich" }, { code = 2, label = "weiblich" }].'
    if not isinstance(raw, list) or not raw:
        raise source.error("categories fehlt oder ist leer.", "categories" if raw is not None else "kind", hint)
    categories: list[Category] = []
    for number, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not _is_int(item.get("code")) or not _is_label(item.get("label")):
            raise source.error(
                f"Kategorie {number}: jede Kategorie braucht code (ganze Zahl) und label (nicht leerer Text).",
                "categories",
                hint,
                line=_item_line(source, number),
            )
        categories.append(Category(item["code"], item["label"].strip()))
    for attribute in ("code", "label"):
        values = [getattr(category, attribute) for category in categories]
        duplicate = next((value for value in values if values.count(value) > 1), None)
        if duplicate is not None:
            second = [i for i, value in enumerate(values, 1) if value == duplicate][1]
            raise source.error(
                f"{attribute} „{duplicate}“ kommt mehrfach vor.",
                "categories",
                "Jede Kategorie braucht einen eigenen Code."
                if attribute == "code"
                else "Jede Kategorie braucht ein eigenes Label.",
                line=_item_line(source, second),
            )
    return tuple(categories)


def _item_line(source: _Source, number: int) -> int | None:
    """The line of the n-th `{ code = … }` inside `categories = [ … ]`, when each stands on its own line."""
    return find_line(source.text, source.question_id, r"^\s*(categories\s*=\s*\[\s*)?\{", occurrence=number)


def _is_label(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)
