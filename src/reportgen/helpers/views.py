"""What each kind of question shows: display labels and scale anchors, the rows of its tables, its base and the
decimals of its numbers. Plain values for the partial templates, which format them."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..charts import ChartSpec
from . import quoting

if TYPE_CHECKING:
    from ..codebook import Question
    from ..stats import FrequencyRow, QuestionStats

MULTIPLE_NOTE = "Mehrfachnennungen möglich"
# Mean and SD of a scale (and of a numeric item whose codebook gives no `decimals`).
MEAN_DECIMALS = 2


@dataclass(frozen=True)
class Row:
    """One row of a frequency table (a bar of a chart): the label shown and the shares (0..1)."""

    label: str
    count: int
    percent: float
    valid_percent: float = 0.0
    cumulative_percent: float = 0.0


@dataclass(frozen=True)
class FrequencyView:
    """A frequency table as shown: valid rows, labelled missing rows („weiß nicht“), the other missing, total."""

    heading: str
    rows: tuple[Row, ...]
    missing_rows: tuple[Row, ...]
    missing: Row
    total: int

    @property
    def missing_section(self) -> tuple[Row, ...]:
        """The rows below the valid ones: each labelled missing category, then the other missing answers."""
        return (*self.missing_rows, self.missing)


@dataclass(frozen=True)
class MeasureView:
    """One question's row in a table of measures: label (with unit), the descriptives and their decimals
    (None: mean and SD with two decimals, the others whole numbers without decimals)."""

    stats: QuestionStats
    label: str
    decimals: int | None
    valid: int
    missing: int


def display_label(question: Question, label: str, code: int | None) -> str:
    """A scale point with a label reads „1 = stimme gar nicht zu“; every other answer its label."""
    if question.is_scale and code is not None and label != str(code):
        return f"{code} = {label}"
    return label


def anchors(question: Question) -> str:
    """„1 = stimme gar nicht zu … 5 = stimme voll zu“ for a scale with only some points labelled (its ends), else
    empty: without labels the points are plain numbers, with every point labelled the labels stand at the bars."""
    labelled = sorted(question.labels, key=lambda category: category.code)
    if not question.is_scale or not labelled or fully_labelled(question):
        return ""
    return " … ".join(f"{category.code} = {category.label}" for category in labelled)


def fully_labelled(question: Question) -> bool:
    """Whether every point of a scale has a label of its own."""
    return bool(question.categories) and all(c.label != str(c.code) for c in question.categories)


def valid_rows(stats: QuestionStats) -> tuple[FrequencyRow, ...]:
    """The rows in the valid base: all but the labelled user-missing categories."""
    return tuple(row for row in stats.frequencies.rows if not row.missing)


def frequency_view(stats: QuestionStats, where: str = "") -> FrequencyView:
    """The rows of frequency_table(): valid answers with their shares, then what is missing, then the total; every
    number with its description (`where`: the filter in words)."""
    question, table = stats.question, stats.frequencies
    valid = valid_rows(stats)
    rows = tuple(
        Row(display_label(question, r.label, r.code), *quoting.frequency_cells(stats, r, valid[: i + 1], where))
        for i, r in enumerate(valid)
    )
    missing_rows = tuple(
        Row(f"Fehlend: {r.label}", *quoting.missing_cells(stats, r.label, r.count, r.percent, where))
        for r in table.rows
        if r.missing
    )
    rest = table.missing - sum(row.count for row in missing_rows)
    label = "Fehlend: keine Angabe" if missing_rows else "Fehlend"
    missing = Row(label, *quoting.missing_cells(stats, "keine Angabe", rest, _share(rest, table.total), where))
    heading = question.text + (f" (Einheit: {question.unit})" if question.unit else "")
    return FrequencyView(heading, rows, missing_rows, missing, quoting.total(stats, where))


def measure_view(stats: QuestionStats, where: str = "") -> MeasureView:
    """A question's row in descriptives_table() or numeric_table(), every number with its description."""
    question = stats.question
    label = f"{question.label} ({question.unit})" if question.unit else question.label
    described = dataclasses.replace(stats, descriptives=quoting.descriptives(stats, where))
    decimals = question.decimals if question.is_numeric else None
    return MeasureView(
        described, label, decimals, quoting.valid_count(stats, where), quoting.missing_count(stats, where)
    )


def base(stats: QuestionStats) -> tuple[int, int]:
    """Valid and missing: of a multiple-response set the respondents who answered it and those who did not."""
    return stats.base


# What the text alternative calls each kind of chart.
CHART_NAMES = {"bar": "Balkendiagramm", "hist": "Histogramm", "barh": "Balkendiagramm", "pie": "Kreisdiagramm"}


@dataclass(frozen=True)
class ChartView:
    """A chart as the figure shows it: its spec (drawn by charts.py), its bars for the text alternative, its N."""

    spec: ChartSpec
    rows: tuple[Row, ...]
    n: int
    note: str  # after N in the caption
    anchors: str  # what the scale's points mean (labelled ends, or lowest and highest), for the text alternative


def chart_view(kind: str, stats: QuestionStats, where: str = "") -> ChartView:
    """The chart of `kind` ("bar", "hist", "barh" or "pie") for one question; pies leave out empty slices."""
    rows = chart_rows(stats)
    if kind == "pie":
        rows = tuple(row for row in rows if row.count)
    n = base(stats)[0]
    spec = ChartSpec(
        kind=kind,
        question_id=stats.question.id,
        labels=tuple(row.label for row in rows),
        counts=tuple(row.count for row in rows),
        valid=n,
        description=stats.question.label,
        axis_label=axis_label(kind, stats.question),
        scale=scale_key(stats.question) if kind == "bar" else "",
    )
    note = MULTIPLE_NOTE if stats.question.is_multiple else ""
    meaning = anchors(stats.question) or bounds(stats.question)
    return ChartView(spec, rows, quoting.valid_count(stats, where), note, meaning)


def chart_rows(stats: QuestionStats) -> tuple[Row, ...]:
    """The bars of a chart, with their labels and shares of the chart's base (N); a scale whose ends alone are
    labelled shows its points as numbers (the anchors stand under the axis)."""
    if stats.multiple is not None:
        return tuple(Row(row.label, row.count, row.share, row.share) for row in stats.multiple.rows)
    question = stats.question
    numbers = bool(anchors(question))
    return tuple(
        Row(
            str(row.code) if numbers else display_label(question, row.label, row.code),
            row.count,
            row.percent,
            row.valid_percent,
        )
        for row in valid_rows(stats)
    )


def axis_label(kind: str, question: Question) -> str:
    """What the category axis shows: a scale's points (with its anchors), a numeric item's classes (with the unit),
    the share of respondents of a multiple-response set; nothing for categories, which name themselves."""
    if kind == "barh":
        return "Anteil der Befragten"
    if kind == "hist":
        return f"Klasse ({question.unit})" if question.unit else "Klasse"
    if kind == "bar" and question.is_scale:
        meaning = anchors(question) or bounds(question)
        return f"Antwortwert ({meaning})" if meaning else "Antwortwert"
    return ""


def bounds(question: Question) -> str:
    """„0 = niedrigster, 5 = höchster Skalenwert“ for a scale without any label: its points are bare numbers, and
    the reader needs to know which end is high."""
    if not question.is_scale or question.labels or len(question.categories) < 2:
        return ""
    return f"{question.codes[0]} = niedrigster, {question.codes[-1]} = höchster Skalenwert"


def scale_key(question: Question) -> str:
    """The same text for scale items on the same scale (codes and labels), empty for any other question."""
    if not question.is_scale:
        return ""
    return "; ".join(f"{category.code}={category.label}" for category in question.categories)


def _share(count: int, total: int) -> float:
    return count / total if total else 0.0
