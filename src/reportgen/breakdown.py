"""Breakdowns: one question by the segments of another, as market research tables show them — column shares and
bases, significance letters between the segments, a test of the whole table, small bases flagged or suppressed.

Plain numbers: the partial template formats them. The total („Gesamt“) is the first column and is never tested.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .codebook import Question
from .inference import TestResult, anova, chi_square, column_letter, mean_letters, proportion_letters, welch_t
from .stats import QuestionStats
from .subgroup_stats import SubgroupStats
from .subgroups import Segment

if TYPE_CHECKING:
    import numpy as np

    from .anonymity import GroupGuard

TOTAL = "Gesamt"


@dataclass(frozen=True)
class AnalysisRules:
    """How breakdowns test and flag, and the level of confidence intervals: [analysis] in report.toml."""

    alphas: tuple[float, ...] = (0.05,)
    bonferroni: bool = False
    min_base: int = 10
    suppress_below: int = 0
    confidence: float = 0.95


@dataclass(frozen=True)
class BreakdownColumn:
    """The total or one segment: its label, letter, base, and whether it is flagged or withheld."""

    label: str
    letter: str  # "" for the total
    base: int  # valid answers (a multiple-response set: respondents who answered it)
    missing: int
    small: bool  # base below min_base: shown, flagged
    suppressed: bool = False  # base below suppress_below, or the one that would reveal such a column: „–“
    weighted_base: float | None = None  # with a weight: the base's weights summed
    effective_base: float | None = None  # with a weight: Kish's effective size, what the tests use

    @property
    def test_base(self) -> float:
        """The base tests and intervals use: Kish's effective size with a weight, else the counted base."""
        return self.effective_base if self.effective_base is not None else float(self.base)

    @property
    def tested(self) -> bool:
        """A segment takes part in the tests when its base is shown and not small."""
        return bool(self.letter) and not self.small and not self.suppressed


@dataclass(frozen=True)
class BreakdownRow:
    """One answer (category, option or class) across the columns: counts, column shares (0..1), letters."""

    label: str
    code: int | None
    counts: tuple[int, ...]
    shares: tuple[float, ...]
    letters: tuple[str, ...]


@dataclass(frozen=True)
class MeanRow:
    """Means and SDs of a scale or numeric item across the columns (None: no valid answer), with letters."""

    means: tuple[float | None, ...]
    sds: tuple[float | None, ...]
    letters: tuple[str, ...]


@dataclass(frozen=True)
class Breakdown:
    """A question broken down by the segments of `by`."""

    question: Question
    by: Question
    columns: tuple[BreakdownColumn, ...]
    rows: tuple[BreakdownRow, ...]
    mean: MeanRow | None
    table_test: TestResult | None  # χ² over the segments' counts (not for multiple responses)
    mean_test: TestResult | None  # Welch's t for two segments, one-way ANOVA for more
    rules: AnalysisRules
    unassigned: int  # in the total, but in no segment: no valid answer to `by`

    @property
    def tested(self) -> tuple[bool, ...]:
        """Per column: whether it took part in the tests (segments with a base of at least min_base, shown)."""
        return tuple(column.tested for column in self.columns)


def breakdown(
    subgroups: SubgroupStats,
    question: Question,
    by: str,
    where: object,
    rules: AnalysisRules,
    guard: GroupGuard | None = None,
) -> Breakdown:
    """`question` among the respondents `where` keeps, in total and per segment of `by`. In a batch report the
    `guard` withholds the segments anonymity forbids to show (with the remainder rule), like suppress_below."""
    segments = subgroups.segments(by)
    total = subgroups.stats(question, where)
    parts = [subgroups.stats(question, where, segment) for segment in segments]
    anonymous = (
        guard.withheld([segment.mask for segment in segments], subgroups.mask(where)) if guard is not None else set()
    )
    columns = _columns(total, parts, segments, rules, anonymous)
    tested = [column.tested for column in columns]
    all_stats = [total, *parts]
    rows = tuple(_rows(question, all_stats, tested, rules))
    mean = _mean_row(question, all_stats, tested, rules)
    table_test = None
    kept = [index for index, test in enumerate(tested) if test]
    if not question.is_multiple and rows and len(kept) >= 2:
        table_test = chi_square(_test_counts(rows, all_stats, kept))
    return Breakdown(
        question,
        subgroups.questions[by],
        columns,
        rows,
        mean,
        table_test,
        _mean_test(mean, columns, tested, all_stats),
        rules,
        total.base[0] - sum(part.base[0] for part in parts),
    )


def _columns(
    total: QuestionStats,
    parts: list[QuestionStats],
    segments: list[Segment],
    rules: AnalysisRules,
    anonymous: set[int] | None = None,
) -> tuple[BreakdownColumn, ...]:
    bases = [part.base for part in parts]
    withheld = {index for index, (valid, _) in enumerate(bases) if valid < rules.suppress_below}
    withheld |= anonymous or set()
    shown = [index for index in range(len(parts)) if index not in withheld]
    if len(withheld) == 1 and shown:
        # The total minus the other segments would give the withheld one back: withhold the next smallest too.
        withheld.add(min(shown, key=lambda index: bases[index][0]))
    segment_columns = [
        BreakdownColumn(
            segment.label,
            column_letter(index),
            part.base[0],
            part.base[1],
            small=part.base[0] < rules.min_base,
            suppressed=index in withheld,
            weighted_base=_weighted(part)[0],
            effective_base=_weighted(part)[1],
        )
        for index, (segment, part) in enumerate(zip(segments, parts, strict=True))
    ]
    valid, missing = total.base
    weighted, effective = _weighted(total)
    total_column = BreakdownColumn(TOTAL, "", valid, missing, valid < rules.min_base, False, weighted, effective)
    return (total_column, *segment_columns)


def _weighted(stats: QuestionStats) -> tuple[float | None, float | None]:
    return stats.weighted_base or (None, None)


def _rows(
    question: Question, all_stats: list[QuestionStats], tested: list[bool], rules: AnalysisRules
) -> list[BreakdownRow]:
    """Per answer of the total: counts and shares in each column, letters among the tested segments."""
    rows: list[BreakdownRow] = []
    for position, (label, code) in enumerate(_answers(all_stats[0])):
        counts, shares = zip(*(_count_share(stats, label, position) for stats in all_stats), strict=True)
        bases = [stats.effective_base if test else 0.0 for stats, test in zip(all_stats, tested, strict=True)]
        letters = proportion_letters(
            list(shares[1:]), bases[1:], rules.alphas, bonferroni=rules.bonferroni, min_n=max(rules.min_base, 2)
        )
        rows.append(BreakdownRow(label, code, tuple(counts), tuple(shares), ("", *letters)))
    return rows


def _answers(stats: QuestionStats) -> list[tuple[str, int | None]]:
    """The rows of the total: options, or valid categories (classes of a numeric item), as label and code."""
    if stats.multiple is not None:
        return [(row.label, row.code) for row in stats.multiple.rows]
    return [(row.label, row.code) for row in stats.frequencies.rows if not row.missing]


def _count_share(stats: QuestionStats, label: str, position: int) -> tuple[int, float]:
    """One answer's count and share in a column: an option by its label (a set may be ordered by frequency), a
    category or class by its position, which is the same in every column (class labels may differ in form)."""
    if stats.multiple is not None:
        row = next(row for row in stats.multiple.rows if row.label == label)
        return row.count, row.share
    found = [row for row in stats.frequencies.rows if not row.missing][position]
    return found.count, found.valid_percent


def _mean_row(
    question: Question, all_stats: list[QuestionStats], tested: list[bool], rules: AnalysisRules
) -> MeanRow | None:
    if not (question.is_scale or question.is_numeric):
        return None
    means = tuple(stats.descriptives.mean for stats in all_stats)
    sds = tuple(stats.descriptives.sd for stats in all_stats)
    ns = [stats.effective_base if test else 0.0 for stats, test in zip(all_stats, tested, strict=True)]
    letters = mean_letters(
        [_number(mean) for mean in means[1:]],
        [_number(sd) for sd in sds[1:]],
        ns[1:],
        rules.alphas,
        bonferroni=rules.bonferroni,
        min_n=max(rules.min_base, 2),
    )
    return MeanRow(means, sds, ("", *letters))


def _test_counts(rows: tuple[BreakdownRow, ...], all_stats: list[QuestionStats], kept: list[int]) -> np.ndarray:
    """The counts χ² tests: as counted, or with a weight the weighted shares times each column's effective base,
    so that weighting never makes the table look more certain than its sample is."""
    import numpy as np

    if all_stats[0].weighted_base is None:
        return np.array([[row.counts[index] for index in kept] for row in rows], dtype=float)
    return np.array([[row.shares[index] * all_stats[index].effective_base for index in kept] for row in rows])


def _mean_test(
    mean: MeanRow | None, columns: tuple[BreakdownColumn, ...], tested: list[bool], all_stats: list[QuestionStats]
) -> TestResult | None:
    if mean is None:
        return None
    kept = [index for index, test in enumerate(tested) if test and mean.sds[index] is not None]
    if len(kept) < 2:
        return None
    means = [_number(mean.means[index]) for index in kept]
    sds = [_number(mean.sds[index]) for index in kept]
    ns = [all_stats[index].effective_base for index in kept]
    if len(kept) == 2:
        return welch_t(means[0], sds[0], ns[0], means[1], sds[1], ns[1])
    return anova(means, sds, ns)


def _number(value: float | None) -> float:
    return float("nan") if value is None else value
