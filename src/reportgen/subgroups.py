"""Subgroups of the respondents: a filter (`where=`) as a row mask, the segments of a breakdown (`by=`).

A filter maps question ids to conditions, all of which must hold:
- a code (`4`) or a label („Handel“), or a list of them (any of them): single choice, yes/no and scale items;
- a comparison („> 250“, „>= 10“, „< 5“, „<= 5“, „= 3“, „!= 3“) or a range („10–49“, both ends included):
  numeric and scale items;
- an option's label or code, or a list of them (any selected): multiple-response sets.
A respondent without a valid answer to a filter question is left out. Scale codes are the scores the statistics
use (a reverse-keyed item's recoded ones).
"""

from __future__ import annotations

import json
import operator
import re
import unicodedata
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from . import fmt
from .cell_sets import set_column
from .codebook import Question
from .numbers import GERMAN, read_number

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_COMPARISON = re.compile(r"\s*(<=|>=|!=|=|<|>)\s*(\S.*?)\s*")
_RANGE = re.compile(r"\s*(-?[\d.,]+)\s*(?:–|-|bis)\s*(-?[\d.,]+)\s*")
_OPERATORS: dict[str, Callable[[np.ndarray, float], np.ndarray]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
    "=": operator.eq,
    "!=": operator.ne,
}
WHERE_EXAMPLE = 'where={"beschaeftigte": "> 250"} oder where={"branche": "Handel"}'


class SubgroupError(Exception):
    """A filter or breakdown a chapter asked for that does not fit the codebook; worded for editors."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class Segment:
    """One column of a breakdown: its label, its code (None for a class of a numeric item) and its rows."""

    label: str
    code: int | None
    mask: np.ndarray
    by: str = ""  # the id of the question it is a segment of


class FocusFilter(Mapping[str, object]):
    """A filter the batch helpers make (segment(), same()): conditions as in any where=, and besides them the rows of
    one segment of a breakdown (`segment`: question id and code, or for a class of a numeric item its label), rows
    left out (`exclude`: the reader of a report for one respondent) and the questions whose own answer is missing
    (`unanswered`: a group of equal answers does not exist). Always true in `{% if %}`, even without conditions."""

    def __init__(
        self,
        conditions: Mapping[str, object],
        *,
        segment: tuple[str, int | None, str] | None = None,
        exclude: frozenset[int] = frozenset(),
        unanswered: tuple[str, ...] = (),
    ) -> None:
        self._conditions = dict(conditions)
        self.segment = segment
        self.exclude = exclude
        self.unanswered = unanswered

    def __getitem__(self, key: str) -> object:
        return self._conditions[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._conditions)

    def __len__(self) -> int:
        return len(self._conditions)

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return f"FocusFilter({self._conditions!r}, segment={self.segment!r}, exclude={sorted(self.exclude)!r})"

    def key(self) -> str:
        """The same filter gives the same key, whatever the order of its conditions."""
        data = {
            "conditions": {str(key): value for key, value in self._conditions.items()},
            "segment": self.segment,
            "exclude": sorted(self.exclude),
            "unanswered": self.unanswered,
        }
        return json.dumps(data, sort_keys=True, default=repr)


def where_mask(frame: pd.DataFrame, questions: Mapping[str, Question], where: object) -> np.ndarray:
    """The rows of `frame` that meet every condition of `where`."""
    import numpy as np

    if isinstance(where, FocusFilter):
        return _focus_mask(frame, questions, where)
    if not isinstance(where, Mapping) or not where:
        raise SubgroupError(
            f"where={where!r} ist kein Filter.", f"Schreiben Sie Frage-ID und Bedingung, z. B. {WHERE_EXAMPLE}."
        )
    mask = np.ones(len(frame), dtype=bool)
    for question_id, condition in where.items():
        question = _question(questions, question_id, "where")
        mask &= _condition_mask(frame, question, condition)
    return mask


def _focus_mask(frame: pd.DataFrame, questions: Mapping[str, Question], where: FocusFilter) -> np.ndarray:
    import numpy as np

    if where.unanswered:
        named = ", ".join(f"„{questions[qid].label}“" if qid in questions else f"„{qid}“" for qid in where.unanswered)
        raise SubgroupError(
            f"same(): zu {named} gibt es keine Antwort dieses Unternehmens, also keine Gruppe gleicher Antwort.",
            "Fragen Sie vorher mit {% if comparable(same(…)) %} … {% endif %}, ob es die Gruppe gibt.",
        )
    mask = np.ones(len(frame), dtype=bool)
    for question_id, condition in where.items():
        mask &= _condition_mask(frame, _question(questions, question_id, "where"), condition)
    if where.segment is not None:
        by, code, label = where.segment
        found = [
            segment.mask
            for segment in segments(frame, _question(questions, by, "by"))
            if (segment.code == code if code is not None else segment.label == label)
        ]
        if not found:
            raise SubgroupError(f"by=„{by}“ hat kein Segment „{label}“.")
        mask &= found[0]
    for row in where.exclude:
        mask[row] = False
    return mask


def describe_where(questions: Mapping[str, Question], where: Mapping[str, object]) -> str:
    """The filter in words for captions and notes: „Beschäftigte > 250; Branche: Handel oder Industrie“; a batch
    filter adds its segment („Unternehmensalter: > 20 Jahre“) and „ohne Ihr Unternehmen“."""
    parts = []
    if isinstance(where, FocusFilter) and where.segment is not None:
        by, _code, label = where.segment
        parts.append(f"{questions[by].label}: {label}" if by in questions else label)
    for question_id, condition in where.items():
        question = questions[str(question_id)]
        values = condition if isinstance(condition, (list, tuple)) else [condition]
        shown = " oder ".join(_shown(question, value) for value in values)
        comparison = _COMPARISON.fullmatch(shown) and not question.categories
        parts.append(f"{question.label} {shown}" if comparison else f"{question.label}: {shown}")
    if isinstance(where, FocusFilter) and where.exclude:
        parts.append("ohne Ihr Unternehmen")
    return "; ".join(parts)


def segments(frame: pd.DataFrame, question: Question) -> list[Segment]:
    """The segments of a breakdown by `question`: its valid categories, or the classes of a numeric item."""
    import numpy as np

    if question.is_numeric and question.bins:
        from .stats_compute import bin_labels

        values = frame[question.id].to_numpy(dtype=float)
        present = ~np.isnan(values)
        index = np.where(present, np.searchsorted(np.array(question.bins), np.nan_to_num(values), side="right") - 1, -1)
        whole = all(float(b).is_integer() for b in question.bins) and bool(np.all(np.mod(values[present], 1) == 0))
        classes = bin_labels(question.bins, whole)
        return [Segment(label, None, index == number, question.id) for number, label in enumerate(classes)]
    if question.kind not in ("single", "yesno", "scale"):
        raise SubgroupError(
            f"by=„{question.id}“: nach einer Frage der Art „{question.kind}“ lässt sich nicht aufschlüsseln.",
            "Aufschlüsseln lässt sich nach Einfachauswahl, Ja/Nein, Skalen und Zahlenfragen mit bins.",
        )
    values = _scores(frame, question)
    labels = _labels(question)
    return [
        Segment(labels[category.code], category.code, _equal(values, category.code), question.id)
        for category in question.categories
        if not category.missing
    ]


@dataclass(frozen=True)
class OwnAnswer:
    """One respondent's answer to one question, as the statistics count it: `codes` the score of a single choice,
    yes/no or scale item (a reverse-keyed item's recoded one; a labelled missing category's code too) or the
    positions (1-based) of the options chosen in a multiple-response set; `value` a numeric item's number; `text`
    a free-text answer. `answered`: whether there is any answer at all."""

    question: Question
    codes: tuple[int, ...] = ()
    value: float | None = None
    text: str = ""
    answered: bool = False

    @property
    def labels(self) -> tuple[str, ...]:
        """The chosen categories or options as labelled in the codebook (a scale point without a label: its code)."""
        if self.question.is_multiple:
            return tuple(self.question.options[position - 1].label for position in self.codes)
        labels = _labels(self.question)
        return tuple(labels.get(code, str(code)) for code in self.codes)

    @property
    def valid(self) -> bool:
        """Whether the answer counts among the valid ones (a labelled missing category such as „weiß nicht“ not)."""
        if not self.answered:
            return False
        if self.question.is_multiple or self.question.is_numeric or self.question.is_text:
            return True
        missing = {category.code for category in self.question.categories if category.missing}
        return not any(code in missing for code in self.codes)


def own_answer(frame: pd.DataFrame, question: Question, row: int) -> OwnAnswer:
    """The answer in row `row` (0-based, the data file's order) to `question`."""
    import math

    if question.is_multiple:
        cells = [frame[set_column(question, number)].iloc[row] for number in range(1, len(question.options) + 1)]
        chosen = tuple(number for number, cell in enumerate(cells, start=1) if cell == 1.0)
        answered = any(not math.isnan(float(cell)) for cell in cells)
        return OwnAnswer(question, codes=chosen, answered=answered)
    if question.is_text:
        cell = frame[question.id].iloc[row]
        text = cell.strip() if isinstance(cell, str) else ""
        return OwnAnswer(question, text=text, answered=bool(text))
    score = float(_scores(frame.iloc[[row]], question)[0])
    if math.isnan(score):
        return OwnAnswer(question)
    if question.is_numeric:
        return OwnAnswer(question, value=score, answered=True)
    return OwnAnswer(question, codes=(int(score),), answered=True)


def _question(questions: Mapping[str, Question], question_id: object, argument: str) -> Question:
    if not isinstance(question_id, str) or question_id not in questions:
        raise SubgroupError(
            f"{argument}=: unbekannte Frage „{question_id}“.", f"Bekannte Fragen (Codebuch): {', '.join(questions)}."
        )
    return questions[question_id]


def _condition_mask(frame: pd.DataFrame, question: Question, condition: object) -> np.ndarray:
    import numpy as np

    values = list(condition) if isinstance(condition, (list, tuple)) else [condition]
    if not values:
        raise SubgroupError(f"where: die Bedingung für „{question.id}“ ist leer.", f"Beispiel: {WHERE_EXAMPLE}.")
    if question.is_multiple:
        return _selected_any(frame, question, values)
    if question.is_text:
        raise SubgroupError(
            f"where: nach der Freitextfrage „{question.id}“ lässt sich nicht filtern.",
            "Filtern lässt sich nach Einfachauswahl, Ja/Nein, Skalen, Zahlenfragen und Mehrfachnennungen.",
        )
    scores = _scores(frame, question)
    mask = np.zeros(len(frame), dtype=bool)
    for value in values:
        mask |= _value_mask(scores, question, value)
    return mask


def _value_mask(scores: np.ndarray, question: Question, value: object) -> np.ndarray:
    """Rows whose answer meets one value: a code, a label, a comparison or a range."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise SubgroupError(
            f"where: „{value!r}“ ist keine Bedingung für „{question.id}“.", f"Beispiel: {WHERE_EXAMPLE}."
        )
    if isinstance(value, (int, float)):
        if not question.is_numeric and value not in question.codes:
            raise _unknown_value(question, value)
        return _equal(scores, value)
    text = value.strip()
    if question.is_numeric or question.is_scale:
        compared = _compared(scores, question, text)
        if compared is not None:
            return compared
    if question.is_numeric:
        raise SubgroupError(
            f"where: „{value}“ ist kein Vergleich für die Zahlenfrage „{question.id}“.",
            'Schreiben Sie einen Vergleich wie "> 250" oder "<= 10", einen Bereich wie "10–49" oder eine Zahl.',
        )
    code = _code_of_label(question, text)
    if code is None:
        raise _unknown_value(question, value)
    return _equal(scores, code)


def _compared(scores: np.ndarray, question: Question, text: str) -> np.ndarray | None:
    """A comparison („> 250“) or range („10–49“), a plain number of a numeric item, or None."""
    import numpy as np

    ranged = _RANGE.fullmatch(text)
    if ranged:
        low, high = (_number(part, question, text) for part in ranged.groups())
        return (scores >= low) & (scores <= high)
    compared = _COMPARISON.fullmatch(text)
    if compared:
        result = _OPERATORS[compared.group(1)](scores, _number(compared.group(2), question, text))
        return np.asarray(result & ~np.isnan(scores), dtype=bool)  # no answer meets no condition, „!=“ neither
    number = read_number(text, question.unit).resolved(GERMAN)
    return _equal(scores, number) if number is not None and question.is_numeric else None


def _number(text: str, question: Question, condition: str) -> float:
    reading = read_number(text, question.unit).resolved(GERMAN)
    if reading is None:
        raise SubgroupError(
            f"where: „{condition}“ vergleicht mit „{text}“, das ist keine Zahl.",
            'Schreiben Sie z. B. "> 250" oder "<= 2,5".',
        )
    return reading


def _code_of_label(question: Question, label: str) -> int | None:
    """The score a label stands for (a reverse-keyed item's labels go with its recoded scores)."""
    wanted = _folded(label)
    return next((code for code, shown in _labels(question).items() if _folded(shown) == wanted), None)


def _labels(question: Question) -> dict[int, str]:
    """Each score's label, as the statistics show it."""
    from .stats_compute import reversed_labels

    return reversed_labels(question) if question.reverse else {c.code: c.label for c in question.categories}


def _selected_any(frame: pd.DataFrame, question: Question, values: Sequence[object]) -> np.ndarray:
    import numpy as np

    mask = np.zeros(len(frame), dtype=bool)
    for value in values:
        number = next(
            (
                position
                for position, option in enumerate(question.options, start=1)
                if (isinstance(value, str) and _folded(option.label) == _folded(value))
                or (isinstance(value, int) and not isinstance(value, bool) and option.code == value)
            ),
            None,
        )
        if number is None:
            options = ", ".join(f"„{option.label}“" for option in question.options)
            raise SubgroupError(
                f"where: „{question.id}“ hat keine Option „{value}“.", f"Die Optionen (Codebuch): {options}."
            )
        mask |= frame[set_column(question, number)].to_numpy(dtype=float) == 1.0
    return mask


def _scores(frame: pd.DataFrame, question: Question) -> np.ndarray:
    """The answers as the statistics count them: a reverse-keyed item's recoded scores."""
    import numpy as np

    values: np.ndarray = np.asarray(frame[question.id], dtype=float)
    if question.reverse:
        values = float(question.codes[0] + question.codes[-1]) - values
    return values


def _equal(scores: np.ndarray, value: float) -> np.ndarray:
    import numpy as np

    return np.asarray(scores == value, dtype=bool)


def _unknown_value(question: Question, value: object) -> SubgroupError:
    known = ", ".join(f"{category.code} = „{category.label}“" for category in question.categories)
    return SubgroupError(f"where: „{question.id}“ hat keinen Code und kein Label „{value}“.", f"Bekannt: {known}.")


def _folded(text: str) -> str:
    return unicodedata.normalize("NFC", text).strip().casefold()


def _shown(question: Question, value: object) -> str:
    """A condition's value as the reader knows it: a code by its label, a number the German way."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        options = {option.code: option.label for option in question.options}
        labels = {category.code: category.label for category in question.categories} | options
        return (
            labels.get(int(value), fmt.integer_or_decimal(value)) if float(value).is_integer() else fmt.number(value, 2)
        )
    return str(value).strip()
