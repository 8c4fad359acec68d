"""`reportgen codebook`: a draft codebook from a responses export, for the analyst to check and finish.

Kinds are guessed from the values and, for SPSS files, from the value labels, user-missing codes and levels of
measurement that `tables.read_table` puts into the frame's attrs:

- value labels: a single choice (`single`)
  or, for ordinal and scale variables and for labels only at the ends of a range, `scale` with `labels`; labelled
  user-missing codes become categories with `missing = true`, others `missing = [codes]`;
- only 0/1 or Ja/Nein: `yesno`;
- runs of columns whose headers share a stem („Maßnahmen: Energie“, „Maßnahmen: Wasser“; `q5_1`, `q5_2`) and that
  each hold one mark („Ja“, „x“, 1) or 0/1: one `multiple` question (dichotomies);
- whole numbers on 4 to 11 points: `scale` (negative codes beside them: `missing`); two or three codes: a single
  choice; other numbers (German or English notation): `numeric`;
- agreement labels in the cells („Stimme eher zu“): `scale` with `labels` in their order („weiß nicht“: missing);
- a few distinct short texts that repeat: a single choice with the texts as labels; other texts: `text`;
- empty columns and columns of dates or times: `ignore`.

Question texts come from SPSS' variable labels or the headers; ids are made safe (ASCII, unique regardless of
case) and `column = "…"` names the header where it differs. The draft is TOML written here, with comments that
say what was seen and what to check. `write_codebook_draft` reads the export and writes the draft where the
project wants its codebook; it never replaces an existing file unless asked to (`force`).
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .codebook import QUESTION_ID
from .errors import DataError, Location, OutputError
from .layout import Layout

if TYPE_CHECKING:
    import pandas as pd

    from .config import Config

# Today's parser knows the single-choice kind by its old name; the new one, "single", means the same.
SINGLE = "single"
IGNORE_KEY = "ignore"
MAX_ID_LENGTH = 32
MAX_CATEGORIES = 12  # distinct texts up to this many (that repeat) are categories, more are free text
MAX_LABEL_LENGTH = 60  # longer answers are free text
MIN_SCALE_SPAN, MAX_SCALE_SPAN = 3, 10  # whole numbers on 4 to 11 points are a scale; fewer codes, wider numbers
_ID_NAMES = {"id", "lfdn", "respondent", "respondentid", "responseid", "teilnehmer", "teilnehmerid", "fallnummer"}
_YES, _NO = {"ja", "yes", "1"}, {"nein", "no", "0"}
_STEM_END = re.compile(r".*[:_/\[(.–—-]\s*|.*\s[-–—]\s*")  # a header stem ends in a separator
_SEPARATORS = " :_/[]().–—-"
_NUMBER = re.compile(r"[+-]?(?:\d+|\d{1,3}(?:[.,']\d{3})+)(?:[.,]\d+)?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?|\d{1,2}\.\d{1,2}\.\d{2,4}(?: \d{1,2}:\d{2}.*)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")
# Agreement labels: a label says „zu“ (stimme … zu, trifft … zu), or is the middle; ranked by the first match.
_AGREEMENT = re.compile(r"\bzu\b")
_NON_ANSWER = re.compile(r"weiß nicht|weiss nicht|keine angabe|k\. ?a\.|nicht beurteilen|keine meinung")
_MIDDLE = 3.0
_AGREEMENT_RANKS = tuple(
    (re.compile(pattern), rank)
    for pattern, rank in (
        (r"gar nicht|überhaupt nicht|keinesfalls|völlig unzutreffend", 1.0),
        (r"eher nicht|weniger|kaum", 2.0),
        (r"teils|weder|neutral|unentschieden|mittel", _MIDDLE),
        (r"\bnicht\b", 1.5),
        (r"\beher\b|überwiegend|weitgehend", 4.0),
        (r"\bvoll|völlig|ganz|\bsehr\b|absolut|uneingeschränkt", 5.0),
        (r"\bzu\b", 4.5),
    )
)
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}


@dataclass(frozen=True)
class Draft:
    """A draft codebook: its TOML text, how many questions it describes, and what the analyst should know."""

    text: str
    questions: int
    id_column: str | None  # the column taken for the respondent ids, if any
    ignored: tuple[str, ...]


@dataclass(frozen=True)
class Written:
    """What `write_codebook_draft` wrote, and what to set up besides (German notes for the analyst)."""

    path: Path
    questions: int
    notes: tuple[str, ...]


def write_codebook_draft(data: Path, data_name: str, root: Path | None, *, force: bool = False) -> Written:
    """Read the export `data` (absolute; `data_name` as the user named it) and write its draft codebook.

    In the project `root`, the draft becomes the codebook report.toml names, read with the project's limits and id
    column, and with its [survey] sheet when `data` is its responses file; without a project (None), it becomes
    `Layout.draft_codebook` in the working folder. An existing file is replaced only with `force`, and is checked
    before the export is read; on any error nothing is written."""
    from .config import load_config
    from .files import read_bytes
    from .limits import DEFAULTS
    from .tables import read_table

    config = load_config(root) if root is not None else None
    if config is None:
        target, limits, id_column, sheet = Path.cwd() / Layout.draft_codebook, DEFAULTS, "id", None
        shown = Layout.draft_codebook
    else:
        target, limits, id_column = config.layout.path(config.survey.codebook), config.limits, config.survey.id_column
        sheet = config.survey.sheet if _same_file(data, config.layout.path(config.survey.responses)) else None
        shown = config.survey.codebook
    check_target(target, shown, force=force)
    hint = "Prüfen Sie den Pfad der Datendatei."
    raw = read_bytes(data, data_name, DataError, hint, root=Path(data.anchor), limit=limits.data_size)
    draft = draft_codebook(read_table(raw, data_name, limits, sheet=sheet), data.name, id_column)
    write_draft(target, shown, draft.text, force=force)
    return Written(target, draft.questions, tuple(_notes(config, data, draft.id_column)))


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def _notes(config: Config | None, data: Path, id_name: str | None) -> list[str]:
    """What else to set up so that the project reads the data as the draft describes them."""
    if config is None:
        return [
            f"Ohne Projekt liegt der Entwurf im aktuellen Ordner; in einem Projekt gehört er nach {Layout.codebook} "
            "(reportgen new ORDNER legt ein Projekt an)."
        ]
    notes: list[str] = []
    if not _same_file(data, config.layout.path(config.survey.responses)):
        if data.resolve().is_relative_to(config.root):
            name = config.layout.name_of(data)
            notes.append(f'Tragen Sie in {Layout.config} unter [survey] responses = "{name}" ein.')
        else:
            notes.append(
                f"Kopieren Sie die Datei ins Projekt (z. B. nach data/) und tragen Sie sie in {Layout.config} unter "
                "[survey] responses ein."
            )
    if id_name is not None and id_name != config.survey.id_column:
        notes.append(f'Die Befragten-IDs stehen in „{id_name}“: [survey] id_column = "{id_name}" in {Layout.config}.')
    return notes


def draft_codebook(table: pd.DataFrame, source: str, id_column: str = "id") -> Draft:
    """The draft codebook for `table` (as `read_table` returns it), read from the file named `source`.

    `id_column` is the respondent-id column report.toml names; a column of that name (any case) is left out, and
    without one a column that looks like ids is."""
    columns = [_Column.of(table, name) for name in table.columns]
    ids_at = _id_column(columns, id_column)
    rest = [column for index, column in enumerate(columns) if index != ids_at]
    entries: list[_Entry] = []
    ignored: list[tuple[str, str]] = []
    german = table.attrs.get("delimiter") == ";"
    index = 0
    while index < len(rest):
        group = _multiple_set(rest, index)
        if group:
            entries.append(_multiple_entry(group))
            index += len(group)
            continue
        column = rest[index]
        reason = _ignore_reason(column)
        if reason:
            ignored.append((column.header, reason))
        else:
            entries.append(_entry(column, german))
        index += 1
    _assign_ids(entries, reserved={IGNORE_KEY, id_column.casefold()})
    id_name = columns[ids_at].header if ids_at is not None else None
    text = _document(entries, ignored, source, len(table), id_name, id_column)
    return Draft(text, len(entries), id_name, tuple(header for header, _ in ignored))


def write_draft(path: Path, display_name: str, text: str, *, force: bool = False) -> None:
    """Write the draft to `path`; an existing file only with `force` (then replaced in one step)."""
    check_target(path, display_name, force=force)
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if force:
            temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
            _write_new(temporary, data)
            try:
                os.replace(temporary, path)
            except BaseException:
                temporary.unlink(missing_ok=True)
                raise
        else:
            _write_new(path, data)
    except FileExistsError:
        raise _exists(display_name) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(
            f"Der Entwurf lässt sich nicht schreiben ({reason}).",
            Location(display_name),
            "Prüfen Sie, ob der Ordner beschreibbar ist; es wurde nichts geschrieben.",
        ) from None


def check_target(path: Path, display_name: str, *, force: bool) -> None:
    """An existing file (or a link, even a broken one) is replaced only with `force`; a folder never."""
    if path.is_dir():
        raise OutputError(
            "Dort liegt ein Ordner, keine Datei.",
            Location(display_name),
            "Wählen Sie einen anderen Ort für das Codebuch.",
        )
    if not force and (path.exists() or path.is_symlink()):
        raise _exists(display_name)


def _exists(display_name: str) -> DataError:
    return DataError(
        "Die Datei gibt es schon; der Entwurf wurde nicht geschrieben.",
        Location(display_name),
        "Mit --force wird sie durch den Entwurf ersetzt (ihr Inhalt geht verloren); sichern Sie sie vorher, "
        "wenn Sie sie noch brauchen.",
    )


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` (never over an existing file or link) with the usual permissions; removed again on failure."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags, 0o666)
    try:
        with os.fdopen(descriptor, "wb") as stream:
            stream.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise


# What a column holds


@dataclass(frozen=True)
class _Column:
    """One column of the table: its header, the answers (user-missing codes apart) and what SPSS says of it."""

    header: str
    values: Counter[str]  # non-empty cells that are no user-missing code, with their counts
    filled: int  # non-empty cells, user-missing ones included
    unique: bool  # every cell filled and no two alike
    label: str = ""  # SPSS' variable label
    value_labels: dict[str, str] = field(default_factory=dict)
    user_missing: tuple[str, ...] = ()
    measure: str = ""

    @classmethod
    def of(cls, table: pd.DataFrame, name: object) -> _Column:
        header = str(name)
        attrs = table.attrs
        missing = tuple(attrs.get("user_missing", {}).get(header, ()))
        cells = [str(cell).strip() for cell in table[name].tolist()]
        filled = [cell for cell in cells if cell]
        values = Counter(cell for cell in filled if cell not in missing)
        return cls(
            header=header,
            values=values,
            filled=len(filled),
            unique=bool(cells) and len(filled) == len(cells) and len(set(filled)) == len(filled),
            label=str(attrs.get("variable_labels", {}).get(header, "")),
            value_labels=dict(attrs.get("value_labels", {}).get(header, {})),
            user_missing=missing,
            measure=str(attrs.get("measure", {}).get(header, "")),
        )

    @property
    def text(self) -> str:
        """The question's wording as the file has it: SPSS' variable label, else the header."""
        return self.label or self.header

    @property
    def distinct(self) -> list[str]:
        return list(self.values)


@dataclass
class _Entry:
    """One question of the draft: its id (assigned last), the stem its id is made from, keys and comments."""

    stem: str
    header: str | None  # the single column it reads (None for a set of columns)
    keys: list[tuple[str, str]]  # key and its value written as TOML
    comments: list[str]
    unworded: bool = False  # the text is only a column name
    id: str = ""


def _id_column(columns: Sequence[_Column], wanted: str) -> int | None:
    """The index of the respondent-id column: the one report.toml names (any case), else one that looks like ids."""
    headers = [column.header for column in columns]
    if wanted in headers:
        return headers.index(wanted)
    folded = [header.casefold() for header in headers]
    if wanted.casefold() in folded:
        return folded.index(wanted.casefold())
    for index, column in enumerate(columns):
        slug = _slug(column.header)
        if column.unique and ("id" in slug.split("_") or slug.replace("_", "") in _ID_NAMES):
            return index
    return None


def _ignore_reason(column: _Column) -> str:
    if not column.filled:
        return "leer"
    if column.values and all(_DATE.fullmatch(value) or _TIME.fullmatch(value) for value in column.values):
        return "Datum oder Uhrzeit"
    return ""


# Kinds


def _entry(column: _Column, german: bool) -> _Entry:
    if column.value_labels:
        return _labelled_entry(column)
    entry = _Entry(column.text, column.header, [], [], unworded=not column.label and column.text == column.header)
    distinct = column.distinct
    numbers = {value: _number(value, german) for value in distinct}
    if distinct and _is_yes_no(distinct):
        entry.keys.append(("kind", _string("yesno")))
        entry.comments.append(f"Werte: {_listed(distinct)}")
        if len(distinct) == 1:
            entry.comments.append(
                'Nur ein Wert und leere Zellen: gehört die Spalte zu einer Mehrfachauswahl (kind = "multiple"), '
                "zählt leer als „nicht gewählt“."
            )
    elif distinct and all(number is not None for number in numbers.values()):
        _numbers_entry(entry, column, {value: number for value, number in numbers.items() if number is not None})
    elif distinct and (ranked := _agreement_scale(distinct)):
        _agreement_entry(entry, ranked, [value for value in distinct if value not in ranked])
    elif distinct and _few_repeating_texts(column):
        _texts_entry(entry, column.distinct, numbers)
    else:
        entry.keys.append(("kind", _string("text")))
        entry.comments.append(f"freier Text: {_count(len(distinct), 'Antwort', 'verschiedene Antworten')}")
    _add_missing(entry, column.user_missing)
    return entry


def _numbers_entry(entry: _Entry, column: _Column, numbers: dict[str, float]) -> None:
    whole = all(number.is_integer() for number in numbers.values())
    negative = [value for value, number in numbers.items() if number < 0]
    codes = {value: number for value, number in numbers.items() if value not in negative}
    if whole and codes and len(negative) <= 3:
        low, high = min(codes.values()), max(codes.values())
        if MIN_SCALE_SPAN <= high - low <= MAX_SCALE_SPAN:
            entry.keys.append(("kind", _string("scale")))
            entry.keys.append(("scale", f"{{ min = {int(low)}, max = {int(high)} }}"))
            entry.comments.append(f"Werte: {_listed(sorted(codes, key=codes.__getitem__))} – Skalenenden prüfen")
            _missing_negative(entry, negative, numbers)
            return
        if high - low < MIN_SCALE_SPAN:  # 1, 2, 3: codes of a single choice rather than a scale
            _texts_entry(entry, list(codes), codes)
            _missing_negative(entry, negative, numbers)
            return
    entry.keys.append(("kind", _string("numeric")))
    ordered = sorted(numbers, key=numbers.__getitem__)
    entry.comments.append(
        f"Zahlen von {ordered[0]} bis {ordered[-1]}, {_count(len(numbers), 'Wert', 'verschiedene Werte')}; "
        "ergänzen Sie bei Bedarf unit, decimals, range oder bins"
    )


def _agreement_scale(values: list[str]) -> list[str]:
    """Agreement labels („stimme gar nicht zu“ … „stimme voll zu“) in their order, or [] if the values are not
    such labels; answers such as „weiß nicht“ are left out (see `_agreement_entry`)."""
    answers = [value for value in values if not _NON_ANSWER.search(value.casefold())]
    if len(answers) < 3 or sum(1 for value in answers if _AGREEMENT.search(value.casefold())) < 2:
        return []
    ranks: dict[str, float] = {}
    for value in answers:
        folded = value.casefold()
        rank = next((rank for pattern, rank in _AGREEMENT_RANKS if pattern.search(folded)), None)
        if rank is None or (not _AGREEMENT.search(folded) and rank != _MIDDLE):
            return []
        ranks[value] = rank
    if len(set(ranks.values())) < len(ranks):
        return []
    return sorted(ranks, key=ranks.__getitem__)


def _agreement_entry(entry: _Entry, ranked: list[str], others: list[str]) -> None:
    entry.keys.append(("kind", _string("scale")))
    entry.keys.append(("scale", f"{{ min = 1, max = {len(ranked)} }}"))
    pairs = ", ".join(f"{_string(str(code))} = {_string(label)}" for code, label in enumerate(ranked, 1))
    entry.keys.append(("labels", f"{{ {pairs} }}"))
    if others:
        entry.keys.append(("missing", _array(_string(value) for value in others)))
    entry.comments.append(
        "Zustimmungsskala aus den Labels in den Zellen: Reihenfolge und Zahl der Stufen prüfen"
        + (f"; {_listed(others)} als fehlend angenommen" if others else "")
    )


def _missing_negative(entry: _Entry, negative: list[str], numbers: dict[str, float]) -> None:
    """Negative codes beside answers from 0 up: taken as missing codes (-9 „keine Angabe“), to be checked."""
    if negative:
        ordered = sorted(negative, key=numbers.__getitem__)
        entry.keys.append(("missing", _array(str(int(numbers[value])) for value in ordered)))
        entry.comments.append(f"{_listed(ordered)} als fehlend angenommen")


def _texts_entry(entry: _Entry, values: list[str], numbers: Mapping[str, float | None]) -> None:
    """A single choice from the texts seen: numbers that are codes keep them, texts get the free codes from 1."""
    coded: dict[str, int] = {}
    for value, number in numbers.items():
        if number is not None and number.is_integer() and number >= 0 and int(number) not in coded.values():
            coded[value] = int(number)
    texts = sorted((value for value in values if value not in coded), key=_natural)
    used = set(coded.values())
    free = (code for code in range(1, len(used) + len(texts) + 2) if code not in used)
    categories = sorted(coded.items(), key=lambda item: item[1]) + [(text, next(free)) for text in texts]
    entry.keys.append(("kind", _string(SINGLE)))
    entry.keys.append(("categories", _categories((code, label, False) for label, code in categories)))
    entry.comments.append(
        f"{_count(len(categories), 'Antwort', 'verschiedene Antworten')} als Kategorien; Reihenfolge und Codes prüfen"
    )


def _labelled_entry(column: _Column) -> _Entry:
    """SPSS value labels: yes/no, scale or single choice."""
    entry = _Entry(column.text, column.header, [], [], unworded=not column.label and column.text == column.header)
    missing = set(column.user_missing)
    labels = column.value_labels
    valid = {code: label for code, label in labels.items() if code not in missing}
    whole = {
        code: int(number)
        for code in {*labels, *column.values}
        if (number := _float(code)) is not None and number.is_integer()
    }
    unlabelled = sorted((value for value in column.values if value not in labels), key=_natural)
    if not valid or any(code not in whole for code in labels):
        # Codes that are texts (a string variable) or not whole numbers: the cells are what the report shows.
        entry.keys.append(("kind", _string(SINGLE)))
        seen = sorted({*column.values, *valid}, key=_natural)
        entry.keys.append(("categories", _categories((number, value, False) for number, value in enumerate(seen, 1))))
        described = "; ".join(f"{code} = {label}" for code, label in labels.items())
        entry.comments.append(f"SPSS-Wertelabels: {described}. In den Daten stehen die Werte selbst: Labels prüfen")
        _add_missing(entry, column.user_missing)
        return entry
    codes = sorted(whole[code] for code in valid)
    data_codes = [whole[value] for value in column.values if value in whole]
    if _is_yes_no(list(valid.values())) or set(valid) == {"0", "1"}:
        entry.keys.append(("kind", _string("yesno")))
        default = {code: label.casefold() for code, label in valid.items()} == {"1": "ja", "0": "nein"}
        labelled_missing = [code for code in labels if code in missing]
        if not default or labelled_missing:
            order = sorted(valid, key=lambda code: (*_yes_first(valid[code]), -whole[code]))
            listed = [(whole[code], valid[code], False) for code in order]
            listed += [(whole[code], labels[code], True) for code in labelled_missing]
            entry.keys.append(("categories", _categories(listed)))
        _add_missing(entry, [code for code in column.user_missing if code not in labels])
    elif column.measure in ("ordinal", "scale") or _anchors_only(codes, data_codes):
        low, high = min(codes + data_codes), max(codes + data_codes)
        entry.keys.append(("kind", _string("scale")))
        entry.keys.append(("scale", f"{{ min = {low}, max = {high} }}"))
        pairs = ", ".join(
            f"{_string(str(whole[code]))} = {_string(label)}"
            for code, label in sorted(valid.items(), key=lambda item: whole[item[0]])
        )
        entry.keys.append(("labels", f"{{ {pairs} }}"))
        _add_missing(entry, column.user_missing)
    else:
        entry.keys.append(("kind", _string(SINGLE)))
        listed = [(whole[code], valid[code], False) for code in sorted(valid, key=whole.__getitem__)]
        listed += [(whole[value], value, False) for value in unlabelled if value in whole]
        listed += [
            (whole[code], labels[code], True) for code in sorted(labels, key=whole.__getitem__) if code in missing
        ]
        entry.keys.append(("categories", _categories(listed)))
        _add_missing(entry, [code for code in column.user_missing if code not in labels])
    if unlabelled:
        entry.comments.append(f"ohne Wertelabel in den Daten: {_listed(unlabelled)}")
    if missing:
        entry.comments.append(f"in SPSS als fehlend definiert: {_listed(column.user_missing)}")
    return entry


def _yes_first(label: str) -> tuple[bool, bool]:
    folded = label.casefold()
    return folded not in _YES, folded in _NO


def _anchors_only(codes: list[int], data_codes: list[int]) -> bool:
    """Labels only at the ends of a range of whole numbers, the points between them in the data (or none)."""
    return len(codes) == 2 and codes[1] - codes[0] >= 2 and all(codes[0] <= code <= codes[1] for code in data_codes)


def _add_missing(entry: _Entry, codes: Iterable[str]) -> None:
    written = [_code(code) for code in codes]
    if written:
        entry.keys.append(("missing", "[" + ", ".join(written) + "]"))


def _is_yes_no(values: Sequence[str]) -> bool:
    folded = {value.casefold() for value in values}
    return bool(folded) and (folded <= {"0", "1"} or folded <= {"ja", "nein"} or folded <= {"yes", "no"})


def _few_repeating_texts(column: _Column) -> bool:
    values = column.values
    return (
        len(values) <= MAX_CATEGORIES
        and all(len(value) <= MAX_LABEL_LENGTH for value in values)
        and sum(values.values()) > len(values)
    )


# Multiple-response sets (dichotomies)


def _multiple_set(columns: Sequence[_Column], start: int) -> list[_Column]:
    """The run of columns from `start` that share a header stem and each hold one mark or 0/1; [] for none."""
    if start + 1 >= len(columns) or not (_marks(columns[start]) and _marks(columns[start + 1])):
        return []
    stem = _stem(_name_of(columns[start]), _name_of(columns[start + 1]))
    if not stem:
        return []
    end = start + 2
    while end < len(columns) and _name_of(columns[end]).startswith(stem) and _marks(columns[end]):
        end += 1
    return list(columns[start:end])


def _name_of(column: _Column) -> str:
    """What a set's columns are grouped by: SPSS' variable label when there is one, else the header."""
    return column.label or column.header


def _marks(column: _Column) -> bool:
    """Whether the column looks like one option of a set: one mark („Ja“, „x“, the option's name), or 0/1, Ja/Nein."""
    if column.value_labels and not set(column.value_labels) <= {"0", "1"}:
        return False
    values = column.distinct
    return len(values) <= 1 or _is_yes_no(values)


def _stem(first: str, second: str) -> str:
    """The common start of two headers up to and including a separator („Maßnahmen: “, „q5_“), or ""."""
    common = _common_start([first, second])
    found = _STEM_END.match(common)
    stem = found.group(0) if found else ""
    return stem if len(stem.strip(_SEPARATORS)) >= 2 and first != stem and second != stem else ""


def _common_start(texts: Sequence[str]) -> str:
    """The longest text every one of `texts` starts with."""
    first, last = min(texts), max(texts)
    length = next(
        (index for index, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last))
    )
    return first[:length]


def _multiple_entry(group: list[_Column]) -> _Entry:
    names = [_name_of(column) for column in group]
    found = _STEM_END.match(_common_start(names))
    stem = found.group(0) if found else ""
    options: list[tuple[str, str]] = []
    marks: set[str] = set()
    for column, name in zip(group, names, strict=True):
        label = name[len(stem) :].strip(_SEPARATORS) or column.header
        options.append((column.header, label))
        for value in column.values:
            folded = value.casefold()
            if folded not in _NO and folded != label.casefold():
                marks.add(value)
    text = stem.strip(_SEPARATORS) or group[0].header
    entry = _Entry(text, None, [("kind", _string("multiple"))], [])
    lines = [f"  {{ column = {_string(header)}, label = {_string(label)} }}," for header, label in options]
    entry.keys.append(("options", "[\n" + "\n".join(lines) + "\n]"))
    if marks and marks != {"1"}:
        entry.keys.append(("selected", _array(_string(mark) for mark in sorted(marks, key=_natural))))
    entry.comments.append(
        f"{len(group)} Spalten mit einer Markierung oder leer: Mehrfachauswahl; leer zählt als „nicht gewählt“"
    )
    return entry


# Ids


def _assign_ids(entries: list[_Entry], reserved: set[str]) -> None:
    """Safe, unique ids: a header that is a valid short id is kept, others become ASCII slugs; doubles get _2, _3."""
    used = set(reserved)
    for entry in entries:
        header = entry.header
        base = (
            header if header and QUESTION_ID.fullmatch(header) and len(header) <= MAX_ID_LENGTH else _slug(entry.stem)
        )
        candidate, number = base, 2
        while candidate.casefold() in used:
            candidate = f"{base}_{number}"
            number += 1
        used.add(candidate.casefold())
        entry.id = candidate
        if header is not None and header != candidate:
            entry.keys.append(("column", _string(header)))


def _slug(text: str) -> str:
    """ASCII letters, digits and _ (umlauts as ae, oe, ue, ss), lower case, at most a few words; "frage" if empty."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        longer = f"{slug}_{word}" if slug else word
        if len(longer) > MAX_ID_LENGTH:
            break
        slug = longer
    return slug or (words[0][:MAX_ID_LENGTH] if words else "frage")


# TOML


def _document(
    entries: list[_Entry], ignored: list[tuple[str, str]], source: str, rows: int, id_name: str | None, wanted: str
) -> str:
    about = [
        f"ENTWURF eines Codebuchs, erzeugt mit „reportgen codebook“ aus {source} ({_count(rows, 'Zeile', 'Zeilen')}).",
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
            f"{_string(id_name)} ein."
        )
    else:
        about.append(f"Befragten-IDs: Spalte „{id_name}“ ([survey] id_column in report.toml).")
    lines = [_comment(text) for text in about]
    if ignored:
        lines.extend(["", _comment("Spalten, die der Bericht nicht verwendet:"), f"{IGNORE_KEY} = ["])
        lines.extend(f"  {_string(header)},  {_comment(reason)}" for header, reason in ignored)
        lines.append("]")
    for entry in entries:
        lines.extend(["", f"[{entry.id}]"])
        lines.extend(_comment(comment) for comment in entry.comments)
        if entry.unworded and QUESTION_ID.fullmatch(entry.stem):
            lines.append(_comment("text ist der Spaltenname: tragen Sie den Wortlaut der Frage ein"))
        # kind, the column it reads, the wording, then what the kind needs
        first = [item for item in entry.keys if item[0] in ("kind", "column")]
        rest = [item for item in entry.keys if item[0] not in ("kind", "column")]
        lines.extend(f"{key} = {value}" for key, value in [*first, ("text", _string(entry.stem)), *rest])
    return "\n".join(lines) + "\n"


def _comment(text: str) -> str:
    """A TOML comment: a line break or another control character in a value shown there would end or break it."""
    return "# " + "".join(" " if _control(char) else char for char in text)


def _string(text: str) -> str:
    """A TOML basic string."""
    escaped = "".join(_TOML_ESCAPES.get(char) or (f"\\u{ord(char):04X}" if _control(char) else char) for char in text)
    return f'"{escaped}"'


def _control(char: str) -> bool:
    return ord(char) < 0x20 or ord(char) == 0x7F


def _array(items: Iterable[str]) -> str:
    return "[" + ", ".join(items) + "]"


def _categories(items: Iterable[tuple[int, str, bool]]) -> str:
    lines = []
    for code, label, missing in items:
        flag = ", missing = true" if missing else ""
        lines.append(f"  {{ code = {code}, label = {_string(label)}{flag} }},")
    return "[\n" + "\n".join(lines) + "\n]"


def _code(code: str) -> str:
    """A missing code as TOML: a whole number as such, anything else as a string (a label cell)."""
    number = _float(code)
    return str(int(number)) if number is not None and number.is_integer() else _string(code)


# Values


def _number(text: str, german: bool) -> float | None:
    """A cell as a number, in German or English notation (`1.250,5`, `1,250.5`); None if it is none."""
    compact = text.replace("\u00a0", "").replace(" ", "")
    if not _NUMBER.fullmatch(compact):
        return None
    points, commas = compact.count("."), compact.count(",")
    if points and commas:
        decimal = "." if compact.rfind(".") > compact.rfind(",") else ","
    elif points + commas == 1:
        mark = "." if points else ","
        thousands = german and mark == "." and re.fullmatch(r"[+-]?\d{1,3}\.\d{3}", compact)
        decimal = "" if thousands else mark
    else:
        decimal = ""  # 1.250.000: thousands only
    digits = compact.replace("'", "")
    thousands_mark = {".": ",", ",": ".", "": ".,"}[decimal]
    for mark in thousands_mark:
        digits = digits.replace(mark, "")
    return float(digits.replace(",", ".")) if decimal else float(digits)


def _float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _natural(text: str) -> list[Any]:
    """Sort key: numbers inside a text compare as numbers („2 Jahre“ before „10 Jahre“)."""
    return [
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text) if part
    ]


def _listed(values: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(values[:limit])
    return shown + (f" … ({len(values)} Werte)" if len(values) > limit else "")


def _count(number: int, one: str, many: str) -> str:
    return f"1 {one}" if number == 1 else f"{number} {many}"
