"""What a column of a responses export holds: its answers, numbers and dates in them, and runs of columns that
form one multiple-response set."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .numbers import ENGLISH, GERMAN, read_number

if TYPE_CHECKING:
    import pandas as pd

YES, NO = {"ja", "yes", "1"}, {"nein", "no", "0"}
_STEM_END = re.compile(r".*[:_/\[(.–—-]\s*|.*\s[-–—]\s*")  # a header stem ends in a separator
SEPARATORS = " :_/[]().–—-"
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?::\d{2})?)?|\d{1,2}\.\d{1,2}\.\d{2,4}(?: \d{1,2}:\d{2}.*)?")
_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?")


@dataclass(frozen=True)
class Column:
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
    def of(cls, table: pd.DataFrame, name: object) -> Column:
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
class Entry:
    """One question of the draft: its id (assigned last), the stem its id is made from, keys and comments."""

    stem: str
    header: str | None  # the single column it reads (None for a set of columns)
    keys: list[tuple[str, str]]  # key and its value written as TOML
    comments: list[str]
    unworded: bool = False  # the text is only a column name
    id: str = ""


def ignore_reason(column: Column) -> str:
    if not column.filled:
        return "leer"
    if column.values and all(_DATE.fullmatch(value) or _TIME.fullmatch(value) for value in column.values):
        return "Datum oder Uhrzeit"
    return ""


# Multiple-response sets (dichotomies)


def multiple_set(columns: Sequence[Column], start: int) -> list[Column]:
    """The run of columns from `start` that share a header stem and each hold one mark or 0/1; [] for none."""
    if start + 1 >= len(columns) or not (_marks(columns[start]) and _marks(columns[start + 1])):
        return []
    stem = _stem(name_of(columns[start]), name_of(columns[start + 1]))
    if not stem:
        return []
    end = start + 2
    while end < len(columns) and name_of(columns[end]).startswith(stem) and _marks(columns[end]):
        end += 1
    return list(columns[start:end])


def name_of(column: Column) -> str:
    """What a set's columns are grouped by: SPSS' variable label when there is one, else the header."""
    return column.label or column.header


def _marks(column: Column) -> bool:
    """Whether the column looks like one option of a set: one mark („Ja“, „x“, the option's name), or 0/1, Ja/Nein."""
    if column.value_labels and not set(column.value_labels) <= {"0", "1"}:
        return False
    values = column.distinct
    return len(values) <= 1 or is_yes_no(values)


def _stem(first: str, second: str) -> str:
    """The common start of two headers up to and including a separator („Maßnahmen: “, „q5_“), or ""."""
    stem = common_stem([first, second])
    return stem if len(stem.strip(SEPARATORS)) >= 2 and first != stem and second != stem else ""


def common_stem(names: Sequence[str]) -> str:
    """The common start of `names` up to and including a separator („Maßnahmen: “, „q5_“), or "" without one."""
    found = _STEM_END.match(_common_start(names))
    return found.group(0) if found else ""


def option_label(rest: str) -> str:
    """What follows a set's stem as an option label: separators trimmed, but a closing bracket only where it has
    no opening one in the label („Internet der Dinge (IoT)“ keeps it, „Energie]“ after „Maßnahmen [“ loses it)."""
    label = rest.strip(SEPARATORS)
    for opening, closing in ("()", "[]"):
        if rest.rstrip(" .").endswith(closing) and label.count(opening) > label.count(closing):
            label += closing
    return label


def _common_start(texts: Sequence[str]) -> str:
    """The longest text every one of `texts` starts with."""
    first, last = min(texts), max(texts)
    length = next(
        (index for index, (a, b) in enumerate(zip(first, last, strict=False)) if a != b), min(len(first), len(last))
    )
    return first[:length]


# Values


def is_yes_no(values: Sequence[str]) -> bool:
    folded = {value.casefold() for value in values}
    return bool(folded) and (folded <= {"0", "1"} or folded <= {"ja", "nein"} or folded <= {"yes", "no"})


def parse_number(text: str, german: bool) -> float | None:
    """A cell as a number, read as the survey will read it (`numbers.read_number`); an ambiguous `1.250` follows
    the export's convention. None if it is none."""
    return read_number(text).resolved(GERMAN if german else ENGLISH)


def parse_float(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None
