"""Survey -> plain numbers: frequency tables and descriptive statistics. Pure, unformatted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codebook import Question

if TYPE_CHECKING:
    import pandas as pd

    from .survey import Survey


@dataclass(frozen=True)
class FrequencyRow:
    """One answer option with its count and shares (0..1)."""

    label: str
    code: int | None
    count: int
    percent: float
    valid_percent: float
    cumulative_percent: float


@dataclass(frozen=True)
class FrequencyTable:
    """Counts per answer option in display order, plus missing and total."""

    rows: tuple[FrequencyRow, ...]
    missing: int
    total: int

    @property
    def valid(self) -> int:
        return self.total - self.missing


@dataclass(frozen=True)
class Descriptives:
    """Valid and missing counts; mean, sample SD, min and max for numeric items."""

    valid: int
    missing: int
    mean: float | None = None
    sd: float | None = None
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class QuestionStats:
    """Everything computed for one question."""

    question: Question
    frequencies: FrequencyTable
    descriptives: Descriptives

    def count(self, codes: Iterable[int | str]) -> int:
        wanted = {_code_of(self.question, code) for code in codes}
        return sum(row.count for row in self.frequencies.rows if row.code in wanted or row.label in wanted)

    def share(self, codes: Iterable[int | str], exclude: Iterable[int | str] = ()) -> float:
        """Share of valid answers with `codes`; `exclude` removes codes from the base."""
        base = self.frequencies.valid - self.count(exclude)
        if base <= 0:
            raise ZeroDivisionError(f"no valid answers to {self.question.id} left as a base")
        return self.count(codes) / base


@dataclass(frozen=True)
class SurveyStats:
    """Statistics for every question, in codebook order."""

    respondents: int
    questions: dict[str, QuestionStats]


def compute(survey: Survey) -> SurveyStats:
    """All statistics the report can quote."""
    questions = {question.id: _question_stats(survey, question) for question in survey.codebook.questions}
    return SurveyStats(survey.respondents, questions)


def _question_stats(survey: Survey, question: Question) -> QuestionStats:
    column = survey.frame[question.id]
    frequencies = frequency_table(column, question)
    return QuestionStats(question, frequencies, descriptives(column, question))


def frequency_table(column: pd.Series, question: Question) -> FrequencyTable:
    """Counts per category in codebook order (texts alphabetically), like SPSS FREQUENCIES."""
    total = len(column)
    valid_values = column.dropna()
    valid = len(valid_values)
    pairs: list[tuple[str, int | None, int]]  # (label, code, count)
    if question.kind == "text":
        counts = valid_values.value_counts()
        pairs = [(str(text), None, int(counts[text])) for text in sorted(counts.index, key=str.casefold)]
    else:
        counts = valid_values.value_counts()
        pairs = [(c.label, c.code, int(counts.get(float(c.code), 0))) for c in question.categories]
    rows: list[FrequencyRow] = []
    cumulative = 0
    for label, code, count in pairs:
        cumulative += count
        rows.append(
            FrequencyRow(
                label=label,
                code=code,
                count=count,
                percent=count / total if total else 0.0,
                valid_percent=count / valid if valid else 0.0,
                cumulative_percent=cumulative / valid if valid else 0.0,
            )
        )
    return FrequencyTable(tuple(rows), total - valid, total)


def descriptives(column: pd.Series, question: Question) -> Descriptives:
    """Mean and sample SD (n − 1) over valid codes of scale items; counts for the rest."""
    valid_values = column.dropna()
    valid, missing = len(valid_values), len(column) - len(valid_values)
    if not question.is_scale or valid == 0:
        return Descriptives(valid, missing)
    sd = float(valid_values.std(ddof=1)) if valid > 1 else None
    return Descriptives(
        valid,
        missing,
        mean=float(valid_values.mean()),
        sd=sd,
        minimum=float(valid_values.min()),
        maximum=float(valid_values.max()),
    )


def _code_of(question: Question, code: int | str) -> int | str:
    if isinstance(code, str):
        for category in question.categories:
            if category.label == code:
                return category.code
    return code
