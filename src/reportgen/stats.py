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
    weighted_valid: float | None = None  # with a weight: the valid answers' weights summed
    effective_valid: float | None = None  # with a weight: Kish's effective size of the valid answers

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
    weighted_valid: float | None = None  # with a weight, as in FrequencyTable
    effective_valid: float | None = None


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
    weighted_base: float | None = None  # with a weight, as in FrequencyTable
    effective_base: float | None = None


@dataclass(frozen=True)
class QuestionStats:
    """Everything computed for one question."""

    question: Question
    frequencies: FrequencyTable
    descriptives: Descriptives
    multiple: MultipleTable | None = None
    answers: FrequencyTable | None = None  # coded text: the verbatim answers (frequencies: the codes)

    @property
    def base(self) -> tuple[int, int]:
        """Valid and missing: of a multiple-response set the respondents who answered it and those who did not."""
        if self.multiple is not None:
            return self.multiple.base, self.multiple.missing
        if self.question.is_numeric:
            return self.descriptives.valid, self.descriptives.missing
        return self.frequencies.valid, self.frequencies.missing

    @property
    def weighted_base(self) -> tuple[float, float] | None:
        """With a weight: the base's weights summed and Kish's effective size of it; None without a weight."""
        if self.multiple is not None:
            pair = (self.multiple.weighted_base, self.multiple.effective_base)
        elif self.question.is_numeric:
            pair = (self.descriptives.weighted_valid, self.descriptives.effective_valid)
        else:
            pair = (self.frequencies.weighted_valid, self.frequencies.effective_valid)
        return None if pair[0] is None or pair[1] is None else (pair[0], pair[1])

    @property
    def effective_base(self) -> float:
        """The base tests and intervals use: Kish's effective size with a weight, else the valid count."""
        weighted = self.weighted_base
        return weighted[1] if weighted is not None else float(self.base[0])

    def count(self, codes: Iterable[int | str]) -> int:
        wanted = {_code_of(self.question, code) for code in codes}
        return sum(row.count for row in self.frequencies.rows if row.code in wanted or row.label in wanted)

    def share(self, codes: Iterable[int | str], exclude: Iterable[int | str] = ()) -> float:
        """Share of valid answers with `codes` (weighted with a weight); `exclude` removes codes from the base."""
        codes, exclude = list(codes), list(exclude)
        base = self.frequencies.valid - self.count(exclude)
        if base <= 0:
            raise ZeroDivisionError(f"no valid answers to {self.question.id} left as a base")
        if self.frequencies.weighted_valid is None:
            return self.count(codes) / base
        weighted_base = 1.0 - self._valid_share(exclude)
        return self._valid_share(codes) / weighted_base if weighted_base > 0 else 0.0

    def _valid_share(self, codes: list[int | str]) -> float:
        wanted = {_code_of(self.question, code) for code in codes}
        rows = self.frequencies.rows
        return sum(row.valid_percent for row in rows if row.code in wanted or row.label in wanted)


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
