"""Survey -> plain numbers: frequency tables and descriptive statistics. Pure, unformatted."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codebook import Question

if TYPE_CHECKING:
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
    missing: bool = False  # a labelled user-missing category: outside the valid base (valid_percent 0)


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
    """Valid and missing counts; for scale and numeric items mean, sample SD (n − 1), min, max, median and
    quartiles (pandas' default, linear interpolation, "type 7")."""

    valid: int
    missing: int
    mean: float | None = None
    sd: float | None = None
    minimum: float | None = None
    maximum: float | None = None
    median: float | None = None
    q1: float | None = None
    q3: float | None = None


@dataclass(frozen=True)
class MultipleRow:
    """One option of a multiple-response set: respondents who selected it, as a share of the base and of all
    mentions (0..1)."""

    label: str
    code: int | None
    count: int
    share: float
    share_of_mentions: float


@dataclass(frozen=True)
class MultipleTable:
    """A multiple-response set: options in the codebook's order (or by frequency), base = respondents who answered
    the set, missing = respondents with every cell of the set empty, mentions = all selections."""

    rows: tuple[MultipleRow, ...]
    base: int
    missing: int
    mentions: int


@dataclass(frozen=True)
class QuestionStats:
    """Everything computed for one question."""

    question: Question
    frequencies: FrequencyTable
    descriptives: Descriptives
    multiple: MultipleTable | None = None
    answers: FrequencyTable | None = None  # coded text: the verbatim answers (frequencies: the codes)

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
    from .stats_compute import question_stats  # pandas: only when the statistics are not cached

    frame = survey.frame.reset_index(drop=True)  # positions suffice: a RangeIndex is cheaper than 100,000 ids
    questions = {question.id: question_stats(frame, question) for question in survey.codebook.questions}
    return SurveyStats(survey.respondents, questions)


def _code_of(question: Question, code: int | str) -> int | str:
    if isinstance(code, str):
        for category in question.categories:
            if category.label == code:
                return category.code
    return code
