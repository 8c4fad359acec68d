"""The columns of the responses against the codebook: missing, extra and ignored ones, with what was meant.

A codebook's `column = "…"` (and [survey] id_column) names a header of the table. For an SPSS file it may also
name a variable by its label: survey tools export the same answers as CSV, headed by the question texts, and as
.sav, with variables `q3` whose label is the question text, so one codebook serves both. A header of that name
comes first; a label shared by several variables is reported, never guessed.
"""

from __future__ import annotations

import difflib
import fnmatch
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .codebook import Codebook, Question
from .errors import DataError, Location, ReportError, did_you_mean
from .tables import header_name

if TYPE_CHECKING:
    import pandas as pd


def match_columns(
    table: pd.DataFrame, file: str, codebook: Codebook, id_column: str, header_row: int
) -> tuple[pd.DataFrame, list[ReportError]]:
    """The table with each SPSS variable that a codebook column names by its label under that column's name
    (a variable named by its name too stays as well), and the problems of the columns."""
    owners = _owners(codebook, id_column)
    header = Location(file, row=header_row)
    labels = _labels(table)
    present = {str(column) for column in table.columns}
    by_label: dict[str, list[str]] = {}
    for variable, label in labels.items():
        by_label.setdefault(label, []).append(variable)
    renamed: dict[str, str] = {}
    copied: dict[str, str] = {}
    told: set[str] = set()
    errors: list[ReportError] = []
    for column, question in owners.items():
        variables = by_label.get(column, []) if column not in present else []
        if len(variables) == 1:
            (copied if variables[0] in owners else renamed)[column] = variables[0]
        elif variables:
            errors.append(_shared_label(column, question, variables, codebook.file, header))
            told.update([column, *variables])
    if renamed:
        table = table.rename(columns={variable: column for column, variable in renamed.items()})
    if copied:
        table = table.assign(**{column: table[variable] for column, variable in copied.items()})
    errors.extend(_column_errors(table, codebook, id_column, header, told, labels))
    return table, errors


def _owners(codebook: Codebook, id_column: str) -> dict[str, Question | None]:
    """Every column the codebook names, with its question (None: the ids), in the codebook's order."""
    owners: dict[str, Question | None] = {id_column: None}
    for question in codebook.questions:
        for column in question.source_columns:
            owners.setdefault(column, question)
    return owners


def _labels(table: pd.DataFrame) -> dict[str, str]:
    """The variable labels of an SPSS file's columns, compared as headers are (`header_name`)."""
    labels = table.attrs.get("variable_labels") or {}
    present = {str(column) for column in table.columns}
    return {str(name): header_name(str(label)) for name, label in labels.items() if str(name) in present}


def _shared_label(
    column: str, question: Question | None, variables: list[str], codebook_file: str, header: Location
) -> DataError:
    quoted = [f"„{name}“" for name in variables]
    names = f"{', '.join(quoted[:-1])} und {quoted[-1]}"
    if question is None:
        what = f"Die Spalte „{column}“ mit den Befragten-IDs"
        fix = f"Tragen Sie unter [survey] id_column in report.toml den Variablennamen ein, z. B. „{variables[0]}“"
    else:
        owner = "" if column == question.id else f" ([{question.id}])"
        what = f"Die Spalte „{column}“{owner} aus dem Codebuch"
        fix = f'Nennen Sie in [{question.id}] ({codebook_file}) die Variable, z. B. column = "{variables[0]}"'
    return DataError(
        f"{what} ist in der SPSS-Datei das Label mehrerer Variablen: {names}.",
        header,
        f"{fix}, oder geben Sie den Variablen in SPSS verschiedene Labels.",
    )


def _column_errors(
    table: pd.DataFrame,
    codebook: Codebook,
    id_column: str,
    header: Location,
    told: set[str],
    labels: Mapping[str, str],
) -> list[ReportError]:
    """Missing columns, with what may have been meant, and columns the codebook does not describe."""
    present = [str(column) for column in table.columns]
    expected = list(_owners(codebook, id_column))
    extra = [column for column in present if column not in expected and column not in told]
    errors: list[ReportError] = []
    if id_column not in present and id_column not in told:
        fix = "Benennen Sie die Spalte so oder ändern Sie [survey] id_column in report.toml."
        guess = _suggestion(id_column, extra, among_headers=True) or _label_suggestion(id_column, extra, labels)
        errors.append(
            DataError(
                f"Die Spalte „{id_column}“ mit den Befragten-IDs fehlt.", header, " ".join(filter(None, [guess, fix]))
            )
        )
    for question in codebook.questions:
        for column in question.source_columns:
            if column not in present and column not in told:
                errors.append(_missing_column(column, question, codebook.file, extra, header, labels))
    for column in extra:
        if _ignored(column, codebook.ignore):
            continue
        fix = f"Beschreiben Sie sie in {codebook.file}, tragen Sie sie in ignore = [...] ein oder löschen Sie sie."
        hint = _suggestion(column, expected) or fix
        errors.append(
            DataError(
                "Die Spalte hat keinen Eintrag im Codebuch.", Location(header.file, row=header.row, column=column), hint
            )
        )
    return errors


def _missing_column(
    column: str, question: Question, codebook_file: str, extra: list[str], header: Location, labels: Mapping[str, str]
) -> DataError:
    where = f"{codebook_file}, Zeile {question.line}" if question.line else codebook_file
    owner = "" if column == question.id else f" ([{question.id}])"
    fix = f"Fügen Sie sie hinzu oder entfernen Sie [{question.id}] ({where})."
    guess = _suggestion(column, extra, among_headers=True) or _label_suggestion(column, extra, labels)
    hint = f"{guess} Spaltennamen müssen genau wie im Codebuch lauten." if guess else fix
    return DataError(f"Die Spalte „{column}“{owner} aus dem Codebuch fehlt.", header, hint)


def _label_suggestion(name: str, extra: list[str], labels: Mapping[str, str]) -> str:
    """„Meinten Sie …?“ for the closest label of a variable no column of the codebook names."""
    by_label = {labels[variable]: variable for variable in extra if labels.get(variable)}
    closest = _closest(name, list(by_label))
    return f"Meinten Sie „{closest}“, das Label der Variablen „{by_label[closest]}“?" if closest else ""


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
