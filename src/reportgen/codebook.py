"""The codebook: what each question means, where its answers stand in the responses, its codes and labels."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from typing import Any

from .codebook_kinds import ALIASES, MAX_SCALE_POINTS, READERS
from .codebook_values import Category, Coding, Option, Section, duplicate, is_int, is_label
from .errors import DataError, Location, ReportError, did_you_mean, raise_all
from .tables import header_name
from .tomlfile import parse_toml, top_level_line

__all__ = ["KINDS", "MAX_SCALE_POINTS", "Category", "Codebook", "Coding", "Option", "Question", "parse_codebook"]

KINDS = tuple(READERS)  # "categorical", the old name of "single", is read as "single"

COMMON_KEYS = ("kind", "text", "label", "column", "missing")
# A question id becomes part of file names (charts): what TOML allows as a bare key, starting with a letter or digit.
QUESTION_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")


@dataclass(frozen=True)
class Question:
    """One question of the codebook: its kind, texts, source column(s) and what its cells may hold.

    `kind` is one of KINDS, with "categorical" read as "single". For scale items `categories` holds every code
    from min to max, labelled from `labels` where the codebook gives a label, else the code as text; `labels`
    only the labelled ones (the anchors)."""

    id: str
    kind: str
    text: str
    label: str
    categories: tuple[Category, ...] = ()
    missing_codes: tuple[int, ...] = ()
    line: int | None = None
    column: str = ""
    missing_labels: tuple[str, ...] = ()
    labels: tuple[Category, ...] = ()
    reverse: bool = False
    unit: str = ""
    decimals: int | None = None
    valid_range: tuple[float, float] | None = None
    bins: tuple[float, ...] = ()
    options: tuple[Option, ...] = ()
    format: str = ""
    columns: tuple[str, ...] = ()
    selected: tuple[str, ...] = ()
    order: str = "codebook"
    coding: tuple[Coding, ...] = ()

    @property
    def is_scale(self) -> bool:
        return self.kind == "scale"

    @property
    def is_numeric(self) -> bool:
        return self.kind == "numeric"

    @property
    def is_multiple(self) -> bool:
        return self.kind == "multiple"

    @property
    def is_text(self) -> bool:
        return self.kind == "text"

    @property
    def source_columns(self) -> tuple[str, ...]:
        """The headers of the responses this question reads, in order."""
        if self.is_multiple:
            return self.columns or tuple(option.column for option in self.options)
        return (self.column or self.id,)

    @property
    def codes(self) -> tuple[int, ...]:
        return tuple(category.code for category in self.categories)

    @property
    def valid_codes(self) -> tuple[int, ...]:
        """Codes in the valid base: all but the user-missing categories."""
        return tuple(category.code for category in self.categories if not category.missing)

    def label_of(self, code: int) -> str:
        return next(c.label for c in self.categories if c.code == code)


@dataclass(frozen=True)
class Codebook:
    """All questions in questionnaire order, and the response columns the report does not use."""

    questions: tuple[Question, ...]
    file: str
    ignore: tuple[str, ...] = ()

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
    ignore: tuple[str, ...] = ()
    for question_id, entry in data.items():
        try:
            if question_id == "ignore" and not isinstance(entry, dict):
                ignore = _ignore(entry, text, display_name)
            else:
                questions.append(_question(Section(question_id, display_name, text), entry))
        except DataError as error:
            errors.append(error)
    if all(key == "ignore" and not isinstance(value, dict) for key, value in data.items()):
        hint = "Legen Sie für jede Frage einen Abschnitt [name] an."
        errors.append(DataError("Das Codebuch enthält keine Frage.", Location(display_name), hint))
    errors.extend(_case_clashes(questions, text, display_name))
    errors.extend(_column_clashes(questions, text, display_name))
    raise_all(errors)
    return Codebook(tuple(questions), display_name, ignore)


def _ignore(raw: Any, text: str, display_name: str) -> tuple[str, ...]:
    """`ignore = ["Startzeit", "Browser*"]`: columns of the responses the report does not use (fnmatch patterns)."""
    if not isinstance(raw, list) or not all(is_label(pattern) for pattern in raw):
        raise DataError(
            "ignore muss eine Liste von Spaltennamen oder Mustern sein.",
            Location(display_name, line=top_level_line(text, "ignore")),
            'Beispiel: ignore = ["Startzeit", "Browser*"] vor dem ersten Abschnitt.',
        )
    return tuple(header_name(pattern) for pattern in raw)


def _case_clashes(questions: list[Question], text: str, display_name: str) -> list[DataError]:
    """Ids that differ only in case would share a chart file on Windows and macOS."""
    first: dict[str, str] = {}
    errors: list[DataError] = []
    for question in questions:
        other = first.setdefault(question.id.lower(), question.id)
        if other != question.id:
            section = Section(question.id, display_name, text)
            hint = f"Benennen Sie eine der beiden Fragen und ihre Spalte in den Antworten um, z. B. [{other}_2]."
            errors.append(
                section.error(f"unterscheidet sich von [{other}] nur in Groß- und Kleinschreibung.", hint=hint)
            )
    return errors


def _column_clashes(questions: list[Question], text: str, display_name: str) -> list[DataError]:
    """Each column of the responses belongs to one question at most."""
    owner: dict[str, str] = {}
    errors: list[DataError] = []
    for question in questions:
        for column in question.source_columns:
            other = owner.setdefault(column, question.id)
            if other != question.id:
                section = Section(question.id, display_name, text)
                key = "column" if not question.is_multiple else ("columns" if question.columns else "options")
                hint = "Jede Spalte der Antworten gehört zu höchstens einer Frage."
                errors.append(section.error(f"die Spalte „{column}“ gehört schon zu [{other}].", key, hint))
                break
    return errors


def _question(section: Section, entry: Any) -> Question:
    qid = section.question_id
    if not QUESTION_ID.fullmatch(qid):
        raise section.error(
            "ungültiger Fragename: erlaubt sind Buchstaben a–z und A–Z, Ziffern, _ und -, am Anfang ein Buchstabe oder "
            "eine Ziffer.",
            hint="Benennen Sie die Frage und ihre Spalte in den Antworten um, z. B. [frage_1].",
            line=section.line or _quoted_header_line(section),
        )
    if not isinstance(entry, dict):
        hint = f'Schreiben Sie [{qid}] als eigene Zeile, darunter kind, text und label, z. B. kind = "scale".'
        raise section.error("muss ein Abschnitt sein, kein einzelner Wert.", hint=hint)
    kind = _kind(section, entry)
    _check_keys(section, entry, kind)
    question_text = _text(section, entry, "text", "der Wortlaut der Frage", required=True)
    label = _text(section, entry, "label", "die Kurzbezeichnung für Tabellen und Grafiken") or question_text
    missing_codes, missing_labels = _missing(section, entry.get("missing", []))
    fields = READERS[kind].read(section, entry)
    _check_missing(section, missing_codes, missing_labels, fields.get("categories", ()))
    fields["missing_labels"] = missing_labels + fields.get("missing_labels", ())
    column = "" if kind == "multiple" else _column(section, entry)
    return Question(
        qid, kind, question_text, label, missing_codes=missing_codes, line=section.line, column=column, **fields
    )


def _quoted_header_line(section: Section) -> int | None:
    """The line of a `["…"]` header whose name has escapes (`line_of` matches names as written)."""
    for number, line in enumerate(section.text.splitlines(), 1):
        if line.lstrip().startswith("[") and not line.lstrip().startswith("[["):
            try:
                if section.question_id in tomllib.loads(line):
                    return number
            except tomllib.TOMLDecodeError:
                continue
    return None


def _kind(section: Section, entry: dict[str, Any]) -> str:
    """The kind, with an old name read as the new one."""
    kind = entry.get("kind")
    allowed = ", ".join(f'"{k}"' for k in KINDS)
    if kind is None:
        raise section.error("kind fehlt.", hint=f'Ergänzen Sie kind = "scale" (erlaubt: {allowed}).')
    if not isinstance(kind, str) or (kind not in READERS and kind not in ALIASES):
        hint = " ".join(filter(None, [did_you_mean(str(kind), [*KINDS, *ALIASES]), f"Erlaubt sind: {allowed}."]))
        raise section.error(f"kind „{kind}“ ist unbekannt.", "kind", hint)
    return ALIASES.get(str(kind), str(kind))


def _check_keys(section: Section, entry: dict[str, Any], kind: str) -> None:
    """Only the common keys and the kind's own; a key of another kind names that kind."""
    allowed = [key for key in (*COMMON_KEYS, *READERS[kind].keys) if not (kind == "multiple" and key == "column")]
    for key in entry:
        if key in allowed:
            continue
        written = entry["kind"]
        owner = next((name for name, other in READERS.items() if key in other.keys or key == "column"), None)
        if owner is not None:
            if kind == "multiple":
                hint = "Die Spalten einer Mehrfachauswahl stehen in options (column = …) oder in columns."
            else:
                hint = f'Entfernen Sie {key} oder ändern Sie kind, z. B. kind = "{owner}".'
            raise section.error(f'{READERS[kind].noun} (kind = "{written}") hat kein {key}.', key, hint)
        suggestion = did_you_mean(key, allowed)
        hint = " ".join(filter(None, [suggestion, f"Erlaubt sind: {', '.join(sorted(allowed))}."]))
        raise section.error(f"unbekannter Schlüssel „{key}“.", key, hint)


def _text(section: Section, entry: dict[str, Any], key: str, meaning: str, required: bool = False) -> str:
    value = entry.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or not value.strip():
        problem = "fehlt" if value is None else "muss ein nicht leerer Text sein"
        raise section.error(
            f"{key} {problem}: {meaning}.", key if value is not None else None, f'Schreiben Sie {key} = "…".'
        )
    return value.strip()


def _column(section: Section, entry: dict[str, Any]) -> str:
    """The header in the responses: `column`, or the id."""
    column = entry.get("column", section.question_id)
    if not is_label(column):
        hint = 'Schreiben Sie den Spaltennamen wie in der Kopfzeile, z. B. column = "Wie alt sind Sie?".'
        raise section.error("column muss ein nicht leerer Text sein.", "column", hint)
    return header_name(column)


def _missing(section: Section, missing: Any) -> tuple[tuple[int, ...], tuple[str, ...]]:
    """Codes (whole numbers) and labels (texts in label cells) that count as missing."""
    hint = 'Beispiel: missing = [-9, 99] oder missing = [-9, "weiß nicht"].'
    if not isinstance(missing, list) or not all(is_int(code) or is_label(code) for code in missing):
        raise section.error("missing muss eine Liste von Codes (ganze Zahlen) oder Labels sein.", "missing", hint)
    labels = tuple(value.strip() for value in missing if isinstance(value, str))
    number = next((label for label in labels if re.fullmatch(r"[+-]?[0-9]+([.,][0-9]*)?", label)), None)
    if number is not None:
        hint = f"Schreiben Sie Codes ohne Anführungszeichen: missing = [{number}]."
        raise section.error(f"missing: „{number}“ ist eine Zahl in Anführungszeichen.", "missing", hint)
    codes = tuple(value for value in missing if not isinstance(value, str))
    twice = duplicate([*codes, *(label.casefold() for label in labels)])
    if twice is not None:
        raise section.error(
            f"missing: „{twice}“ steht doppelt in der Liste.", "missing", "Löschen Sie einen der beiden."
        )
    return codes, labels


def _check_missing(
    section: Section, codes: tuple[int, ...], labels: tuple[str, ...], categories: tuple[Category, ...]
) -> None:
    """A missing code or label must not also be a category."""
    for category in categories:
        if category.code in codes:
            problem = (
                f"Code {category.code} ist schon als Kategorie mit missing = true fehlend."
                if category.missing
                else f"Code {category.code} ist zugleich gültig und fehlend."
            )
            raise section.error(problem, "missing", "Entfernen Sie ihn aus missing.")
        if category.label.casefold() in {label.casefold() for label in labels}:
            problem = f"„{category.label}“ ist zugleich Label einer Kategorie und fehlend."
            hint = "Entfernen Sie es aus missing oder geben Sie der Kategorie missing = true."
            raise section.error(problem, "missing", hint)
