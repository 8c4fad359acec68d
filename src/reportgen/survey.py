"""Responses + codebook -> a validated Survey: columns, respondent ids and every cell checked."""

from __future__ import annotations

import difflib
import math
import re
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codebook import Codebook, Question
from .errors import DataError, Location, ReportError, did_you_mean, raise_all
from .limits import DEFAULTS, Limits
from .tables import EXPORT_HINT, HEADER_ROW, header_name, read_table, row_list

if TYPE_CHECKING:
    import pandas as pd

_MAX_ERRORS_PER_COLUMN = 5
_NUMBER = re.compile(r"[+-]?[0-9]+(?:[.,][0-9]*)?")


@dataclass(frozen=True)
class Survey:
    """Validated responses: one row per respondent, codes as floats (NaN = missing)."""

    codebook: Codebook
    frame: pd.DataFrame
    file: str

    @property
    def respondents(self) -> int:
        return len(self.frame)


def load_survey(raw: bytes, display_name: str, codebook: Codebook, id_column: str, limits: Limits = DEFAULTS) -> Survey:
    """The responses file's bytes, read as a table within `limits` and checked cell by cell against the codebook."""
    table = read_table(raw, display_name, limits)
    frame = validate(table, display_name, codebook, id_column)
    return Survey(codebook, frame, display_name)


# Validation: columns against the codebook, ids, every cell.


def validate(table: pd.DataFrame, file: str, codebook: Codebook, id_column: str) -> pd.DataFrame:
    """Check columns, ids and every cell; return codes as floats and texts as strings.

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
    if id_column in table.columns:
        errors.extend(_id_errors(table[id_column], file, id_column))
    columns: dict[str, pd.Series] = {}
    for question in codebook.questions:
        if question.id in table.columns:
            columns[question.id], column_errors = _convert(table[question.id], question, file)
            errors.extend(column_errors)
    raise_all(sorted(errors, key=_file_order))
    frame = pd.DataFrame(columns, index=table.index)
    frame.index = pd.Index([str(value).strip() for value in table[id_column]], name=id_column)
    return frame


def _file_order(error: ReportError) -> float:
    """Problems in the order of the rows; summaries without a row last."""
    row = error.location.row if error.location else None
    return row if row is not None else math.inf


def _column_errors(
    table: pd.DataFrame, file: str, codebook: Codebook, id_column: str, header_row: int
) -> list[ReportError]:
    header = Location(file, row=header_row)
    present = [str(column) for column in table.columns]
    expected = [id_column, *codebook.ids]
    extra = [column for column in present if column not in expected]
    errors: list[ReportError] = []
    if id_column not in present:
        fix = "Benennen Sie die Spalte so oder ändern Sie [survey] id_column in report.toml."
        hint = " ".join(filter(None, [_suggestion(id_column, extra, among_headers=True), fix]))
        errors.append(DataError(f"Die Spalte „{id_column}“ mit den Befragten-IDs fehlt.", header, hint))
    for question in codebook.questions:
        if question.id not in present:
            where = f"{codebook.file}, Zeile {question.line}" if question.line else codebook.file
            fix = f"Fügen Sie sie hinzu oder entfernen Sie [{question.id}] ({where})."
            guess = _suggestion(question.id, extra, among_headers=True)
            hint = f"{guess} Spaltennamen müssen genau wie im Codebuch lauten." if guess else fix
            errors.append(DataError(f"Die Spalte „{question.id}“ aus dem Codebuch fehlt.", header, hint))
    for column in extra:
        hint = _suggestion(column, expected) or f"Beschreiben Sie sie in {codebook.file} oder löschen Sie sie."
        errors.append(
            DataError("Die Spalte hat keinen Eintrag im Codebuch.", Location(file, row=header_row, column=column), hint)
        )
    return errors


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
    errors: list[ReportError] = []
    first_row: dict[str, int] = {}
    for row, value in ids.items():
        value = str(value).strip()
        location = Location(file, row=int(row), column=id_column)
        if not value:
            errors.append(DataError("Die Befragten-ID fehlt.", location, "Tragen Sie eine eindeutige ID ein."))
        elif value in first_row:
            errors.append(
                DataError(
                    f"Die ID „{value}“ steht schon in Zeile {first_row[value]}.",
                    location,
                    "Jede Befragte und jeder Befragte braucht eine eigene ID.",
                )
            )
        else:
            first_row[value] = int(row)
    return _capped(errors, file, id_column)


def _convert(cells: pd.Series, question: Question, file: str) -> tuple[pd.Series, list[ReportError]]:
    """Map cells to codes: whole numbers (decimal comma allowed, "4,0" is 4) or category labels."""
    cells = cells.astype(str)
    if question.kind == "text":
        stripped = cells.str.strip()
        return stripped.where(stripped != "", None).astype(object), []
    # A column holds few distinct answers: decide each once, then map the whole column.
    meaning = {cell: _meaning(cell.strip(), question) for cell in cells.unique()}
    values = cells.map({cell: code for cell, (code, _) in meaning.items()}).astype(float)
    bad = cells.map({cell: bad for cell, (_, bad) in meaning.items()}).astype(bool)
    errors: list[ReportError] = [
        _cell_error(cells[row].strip(), question, Location(file, row=int(row), column=question.id))
        for row in cells.index[bad.to_numpy()]
    ]
    return values, _capped(errors, file, question.id)


def _meaning(cell: str, question: Question) -> tuple[float, bool]:
    """The code a cell stands for (NaN if missing or invalid) and whether it is invalid."""
    if not cell:
        return math.nan, False
    if _NUMBER.fullmatch(cell):
        code = float(cell.replace(",", "."))
    else:
        labels = {_normal(category.label): float(category.code) for category in question.categories}
        code = labels.get(_normal(cell), math.nan)
    if code in question.codes:
        return code, False
    return math.nan, code not in question.missing_codes


def _normal(label: str) -> str:
    """Labels compare as headers do (`header_name`), and without regard to case, spaces and the kind of dash."""
    label = header_name(label).casefold()
    label = re.sub(r"[\u2010-\u2015\u2212]", "-", label)
    return "".join(label.split())


def _cell_error(cell: str, question: Question, location: Location) -> DataError:
    missing = ", ".join(str(code) for code in question.missing_codes)
    missing_note = f", {missing} (fehlend)" if missing else ""
    if question.is_scale:
        low, high = question.codes[0], question.codes[-1]
        if not _NUMBER.fullmatch(cell):
            problem = f"„{cell}“ ist keine Zahl."
        elif "," in cell or "." in cell:
            problem = f"„{cell}“ ist keine ganze Zahl."
        else:
            problem = f"„{cell}“ liegt außerhalb der Skala {low}–{high}."
        hint = f"Erlaubt sind ganze Zahlen von {low} bis {high}{missing_note} oder eine leere Zelle."
        return DataError(problem, location, hint)
    allowed = "; ".join(f"{c.code} = {c.label}" for c in question.categories)
    if _NUMBER.fullmatch(cell):
        problem = f"„{cell}“ ist kein Code dieser Frage."
    else:
        problem = f"„{cell}“ ist weder Code noch Label dieser Frage."
    suggestion = did_you_mean(cell, [c.label for c in question.categories])
    hint = f"Erlaubt sind {allowed}{missing_note} oder eine leere Zelle."
    return DataError(problem, location, f"{suggestion} {hint}" if suggestion else hint)


def _capped(errors: list[ReportError], file: str, column: str) -> list[ReportError]:
    """The first few problems of a column, then one line with the rows of the rest."""
    if len(errors) <= _MAX_ERRORS_PER_COLUMN:
        return errors
    rest = [error.location.row for error in errors[_MAX_ERRORS_PER_COLUMN:] if error.location]
    summary = DataError(
        f"… und {len(rest)} weitere Probleme in dieser Spalte (Zeilen {row_list(rest)}).", Location(file, column=column)
    )
    return [*errors[:_MAX_ERRORS_PER_COLUMN], summary]
