"""Responses + codebook -> a validated Survey: columns, respondent ids and every cell checked."""

from __future__ import annotations

import difflib
import fnmatch
import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cell_sets import multiple, numbers
from .cells import MAX_ERRORS_PER_COLUMN, Cells, capped, codes, texts
from .codebook import Codebook, Question
from .errors import DataError, Location, ReportError, did_you_mean, raise_all
from .limits import DEFAULTS, Limits
from .numbers import ENGLISH, GERMAN
from .tables import EXPORT_HINT, HEADER_ROW, read_table

if TYPE_CHECKING:
    import pandas as pd

# The number convention a CSV's delimiter tells: German Excel writes `;` (and decimal commas).
_CONVENTIONS = {";": GERMAN, "\t": GERMAN, ",": ENGLISH}


@dataclass(frozen=True)
class Survey:
    """Validated responses: one row per respondent, codes and numbers as floats (NaN = missing)."""

    codebook: Codebook
    frame: pd.DataFrame
    file: str

    @property
    def respondents(self) -> int:
        return len(self.frame)


def load_survey(
    raw: bytes,
    display_name: str,
    codebook: Codebook,
    id_column: str,
    limits: Limits = DEFAULTS,
    *,
    sheet: str | None = None,
) -> Survey:
    """The responses file's bytes, read as a table within `limits` (a workbook's `sheet`, None: the first with a
    header row) and checked cell by cell against the codebook."""
    table = read_table(raw, display_name, limits, sheet=sheet)
    frame = validate(table, display_name, codebook, id_column)
    return Survey(codebook, frame, display_name)


# Validation: columns against the codebook, ids, every cell.


def validate(table: pd.DataFrame, file: str, codebook: Codebook, id_column: str) -> pd.DataFrame:
    """Check columns, ids and every cell; return one frame column per question (codes and numbers as floats, texts
    as strings; a multiple set as one column per option, `cell_sets.set_column`), indexed by respondent id.

    `table` is what read_table returns: strings, indexed by spreadsheet row. All problems are
    collected and raised together.
    """
    import pandas as pd

    if table.empty:
        raise DataError("Die Datei enthält nur die Kopfzeile, keine Antworten.", Location(file), EXPORT_HINT)
    if "header_row" not in table.attrs:  # a frame made elsewhere: rows counted from the header in row 1
        table = table.set_axis(range(HEADER_ROW + 1, HEADER_ROW + 1 + len(table)), axis="index")
        table.attrs["header_row"] = HEADER_ROW
    header_row = int(table.attrs["header_row"])
    errors = _column_errors(table, file, codebook, id_column, header_row)
    ids = _ids(table[id_column]) if id_column in table.columns else None
    if ids is not None:
        errors.extend(_id_errors(ids, file, id_column))
    present = set(table.columns)
    cells = Cells(table, file, _CONVENTIONS.get(table.attrs.get("delimiter", "")))
    columns: dict[str, pd.Series] = {}
    for question in codebook.questions:
        if all(column in present for column in question.source_columns):
            converted, question_errors = _convert(cells, question)
            columns.update(converted)
            errors.extend(question_errors)
    raise_all(sorted(errors, key=_file_order))
    frame = pd.DataFrame(columns, index=table.index)
    frame.index = pd.Index(ids, name=id_column)
    return frame


def _convert(cells: Cells, question: Question) -> tuple[dict[str, pd.Series], list[ReportError]]:
    """The question's frame column(s) and the problems of its cells."""
    if question.is_multiple:
        return multiple(cells, question)
    column = question.source_columns[0]
    if question.is_text:
        return {question.id: texts(cells, column, question)}, []
    values, errors = (numbers if question.is_numeric else codes)(cells, column, question)
    return {question.id: values}, errors


def _file_order(error: ReportError) -> float:
    """Problems in the order of the rows; summaries without a row last."""
    row = error.location.row if error.location else None
    return row if row is not None else math.inf


def _column_errors(
    table: pd.DataFrame, file: str, codebook: Codebook, id_column: str, header_row: int
) -> list[ReportError]:
    header = Location(file, row=header_row)
    present = [str(column) for column in table.columns]
    expected = [id_column, *(column for question in codebook.questions for column in question.source_columns)]
    extra = [column for column in present if column not in expected]
    errors: list[ReportError] = []
    if id_column not in present:
        fix = "Benennen Sie die Spalte so oder ändern Sie [survey] id_column in report.toml."
        hint = " ".join(filter(None, [_suggestion(id_column, extra, among_headers=True), fix]))
        errors.append(DataError(f"Die Spalte „{id_column}“ mit den Befragten-IDs fehlt.", header, hint))
    for question in codebook.questions:
        for column in question.source_columns:
            if column not in present:
                errors.append(_missing_column(column, question, codebook.file, extra, header))
    for column in extra:
        if _ignored(column, codebook.ignore):
            continue
        fix = f"Beschreiben Sie sie in {codebook.file}, tragen Sie sie in ignore = [...] ein oder löschen Sie sie."
        hint = _suggestion(column, expected) or fix
        errors.append(
            DataError("Die Spalte hat keinen Eintrag im Codebuch.", Location(file, row=header_row, column=column), hint)
        )
    return errors


def _missing_column(
    column: str, question: Question, codebook_file: str, extra: list[str], header: Location
) -> DataError:
    where = f"{codebook_file}, Zeile {question.line}" if question.line else codebook_file
    owner = "" if column == question.id else f" ([{question.id}])"
    fix = f"Fügen Sie sie hinzu oder entfernen Sie [{question.id}] ({where})."
    guess = _suggestion(column, extra, among_headers=True)
    hint = f"{guess} Spaltennamen müssen genau wie im Codebuch lauten." if guess else fix
    return DataError(f"Die Spalte „{column}“{owner} aus dem Codebuch fehlt.", header, hint)


def _ignored(column: str, patterns: tuple[str, ...]) -> bool:
    """`ignore` patterns match headers as fnmatch does, without regard to case."""
    return any(fnmatch.fnmatchcase(column.casefold(), pattern.casefold()) for pattern in patterns)


def _suggestion(name: str, options: list[str], among_headers: bool = False) -> str:
    """„Meinten Sie …?“ for the closest option, or, where the two look the same, what tells them apart.

    Headers reach here as `header_name` made them (NFC, no format characters such as U+200B), so what is left
    to tell apart is rarer: a control character, or a letter from another script that looks like a Latin one
    (a Cyrillic „а“); never „Meinten Sie „X“?“ where both look the same. `among_headers`: the options are the
    headers and `name` is the codebook's or report.toml's name; otherwise the other way round."""
    closest = _closest(name, options)
    if closest is None:
        return ""
    header, meant = (closest, name) if among_headers else (name, closest)
    hidden = _hidden_difference(header, meant)
    if hidden:
        return f"Der Spaltenname „{_shown(header)}“ sieht aus wie „{meant}“, enthält aber {hidden}."
    return did_you_mean(name, [closest])


def _closest(name: str, options: list[str]) -> str | None:
    """The option `did_you_mean` would suggest."""
    folded = {option.casefold(): option for option in options}
    if name.casefold() in folded:
        return folded[name.casefold()]
    close = difflib.get_close_matches(name.casefold(), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def _hidden_difference(header: str, meant: str) -> str:
    """The characters of `header` that make it differ from `meant` though both look alike; "" if they look different."""
    notes: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, header, meant, autojunk=False).get_opcodes():
        odd, wanted = header[i1:i2], meant[j1:j2]
        if tag == "equal":
            continue
        if tag == "delete" and all(_invisible(char) for char in odd):
            notes.extend(f"ein unsichtbares Zeichen U+{ord(char):04X}" for char in odd)
        elif tag == "replace" and len(odd) == len(wanted) and all(map(_look_alike, odd, wanted)):
            notes.extend(
                f"das Zeichen U+{ord(char):04X} ({unicodedata.name(char, '?')}) statt „{want}“"
                for char, want in zip(odd, wanted, strict=True)
            )
        else:
            return ""
    return " und ".join(notes)


def _invisible(char: str) -> bool:
    """Control, format, unassigned and private characters, line and paragraph separators: no visible glyph."""
    return unicodedata.category(char) in {"Cc", "Cf", "Cn", "Co", "Zl", "Zp"}


def _look_alike(char: str, wanted: str) -> bool:
    """A letter from another script (or a fullwidth or mathematical one) in place of a Latin one."""
    return wanted.isascii() and not char.isascii() and not unicodedata.name(char, "").startswith("LATIN")


def _shown(name: str) -> str:
    return "".join(char for char in name if not _invisible(char))


def _id_errors(ids: pd.Series, file: str, id_column: str) -> list[ReportError]:
    """Empty and repeated ids; the happy path is two vectorised passes."""
    empty = (ids == "").to_numpy()
    repeated = ids.duplicated().to_numpy() & ~empty
    if not (empty.any() or repeated.any()):
        return []
    first_row = {value: int(row) for row, value in ids[~empty & ~repeated].items()}
    errors: list[ReportError] = []
    for row, value in ids[empty | repeated].items():
        location = Location(file, row=int(row), column=id_column)
        if not value:
            errors.append(DataError("Die Befragten-ID fehlt.", location, "Tragen Sie eine eindeutige ID ein."))
        else:
            problem = f"Die ID „{value}“ steht schon in Zeile {first_row[value]}."
            errors.append(DataError(problem, location, "Jede Befragte und jeder Befragte braucht eine eigene ID."))
    rows = [error.location.row or 0 for error in errors[MAX_ERRORS_PER_COLUMN:] if error.location]
    return capped(errors[:MAX_ERRORS_PER_COLUMN], rows, file, id_column)


def _ids(cells: pd.Series) -> pd.Series:
    return cells.astype(str).str.strip()
