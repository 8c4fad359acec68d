"""The statistics of each question kind, computed with pandas: frequencies, descriptives, bins, multiple-response
sets and coded free text."""

from __future__ import annotations

import fnmatch
import itertools
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .codebook import Question
from .codebook_kinds import OTHER
from .stats import Descriptives, FrequencyRow, FrequencyTable, MultipleRow, MultipleTable, QuestionStats

if TYPE_CHECKING:
    import pandas as pd


def question_stats(frame: pd.DataFrame, question: Question) -> QuestionStats:
    """Everything computed for one question from the survey's frame."""
    if question.is_multiple:
        return multiple_stats(frame, question)
    column = frame[question.id]
    if question.is_text:
        return text_stats(column, question)
    if question.is_numeric:
        return QuestionStats(question, bin_table(column, question), descriptives(column, question))
    if question.reverse:
        column = reversed_codes(column, question)
    return QuestionStats(question, frequency_table(column, question), descriptives(column, question))


def reversed_codes(column: pd.Series, question: Question) -> pd.Series:
    """A reverse-keyed scale item recoded: min + max − x."""
    return question.codes[0] + question.codes[-1] - column


def frequency_table(column: pd.Series, question: Question) -> FrequencyTable:
    """Counts per category in codebook order (texts alphabetically), like SPSS FREQUENCIES. A reverse-keyed item's
    column comes recoded (`reversed_codes`), its labels mirrored (`reversed_labels`)."""
    counts = column.value_counts()
    if question.is_text:
        ordered = sorted(counts.index, key=str.casefold)
        return table_of([(str(text), None, int(counts[text]), False) for text in ordered], len(column))
    labels = reversed_labels(question) if question.reverse else {c.code: c.label for c in question.categories}
    rows = [(labels[c.code], c.code, int(counts.get(float(c.code), 0)), c.missing) for c in question.categories]
    return table_of(rows, len(column))


def reversed_labels(question: Question) -> dict[int, str]:
    """A reverse-keyed item's labels after recoding, as SPSS users relabel: score c carries the label of the answer
    min + max − c where the codebook labels it (1 = „stimme voll zu“ for a 1–5 item), else the score itself."""
    low_high = question.codes[0] + question.codes[-1]
    labelled = {category.code: category.label for category in question.labels}
    return {code: labelled.get(low_high - code, str(code)) for code in question.codes}


def table_of(pairs: Sequence[tuple[str, int | None, int, bool]], total: int) -> FrequencyTable:
    """(label, code, count, user-missing) per row -> shares of all and of the valid answers, cumulated."""
    missing = total - sum(count for _, _, count, is_missing in pairs if not is_missing)
    valid = total - missing
    rows: list[FrequencyRow] = []
    cumulative = 0
    for label, code, count, is_missing in pairs:
        cumulative += 0 if is_missing else count
        rows.append(
            FrequencyRow(
                label=label,
                code=code,
                count=count,
                percent=count / total if total else 0.0,
                valid_percent=count / valid if valid and not is_missing else 0.0,
                cumulative_percent=cumulative / valid if valid and not is_missing else 0.0,
                missing=is_missing,
            )
        )
    return FrequencyTable(tuple(rows), missing, total)


def descriptives(column: pd.Series, question: Question) -> Descriptives:
    """Mean and sample SD (n − 1), min, max, median and quartiles over the valid values of scale and numeric items;
    counts for the rest. User-missing categories are outside the valid base."""
    valid_values = column.dropna()
    if question.categories and any(category.missing for category in question.categories):
        valid_values = valid_values[valid_values.isin([float(code) for code in question.valid_codes])]
    valid, missing = len(valid_values), len(column) - len(valid_values)
    if not (question.is_scale or question.is_numeric) or valid == 0:
        return Descriptives(valid, missing)
    q1, median, q3 = (float(value) for value in valid_values.quantile([0.25, 0.5, 0.75]))
    return Descriptives(
        valid,
        missing,
        mean=float(valid_values.mean()),
        sd=float(valid_values.std(ddof=1)) if valid > 1 else None,
        minimum=float(valid_values.min()),
        maximum=float(valid_values.max()),
        median=median,
        q1=q1,
        q3=q3,
    )


# Numeric items: classes from the codebook's bins


def bin_table(column: pd.Series, question: Question) -> FrequencyTable:
    """Counts per class [bins[i], bins[i+1]), the last open; no rows without bins. Values below the first bound
    were refused when the cells were read."""
    import numpy as np

    values = column.dropna().to_numpy()
    if not question.bins:
        return FrequencyTable((), len(column) - len(values), len(column))
    index = np.searchsorted(np.array(question.bins), values, side="right") - 1
    counts = np.bincount(index, minlength=len(question.bins))
    whole = all(float(bound).is_integer() for bound in question.bins) and bool(np.all(np.mod(values, 1) == 0))
    labels = bin_labels(question.bins, whole)
    return table_of(
        [(label, None, int(count), False) for label, count in zip(labels, counts, strict=True)], len(column)
    )


def bin_labels(bins: tuple[float, ...], whole: bool) -> list[str]:
    """„0–9“, „10–49“, „250 und mehr“ for whole numbers; „0 bis unter 2,5“ otherwise."""
    from . import fmt

    def shown(value: float) -> str:
        decimals = 0 if float(value).is_integer() else min(len(repr(float(value)).split(".")[1]), fmt.MAX_DECIMALS)
        return fmt.number(value, decimals)

    labels = []
    for low, high in itertools.pairwise(bins):
        if not whole:
            labels.append(f"{shown(low)} bis unter {shown(high)}")
        else:
            labels.append(shown(low) if high - 1 == low else f"{shown(low)}–{shown(high - 1)}")
    return [*labels, f"{shown(bins[-1])} und mehr"]


# Multiple-response sets


def multiple_stats(frame: pd.DataFrame, question: Question) -> QuestionStats:
    """Base = respondents who answered the set; each option's share of the base and of all mentions."""
    import numpy as np

    from .cell_sets import set_column

    chosen = np.column_stack(
        [frame[set_column(question, number)].to_numpy() for number in range(1, len(question.options) + 1)]
    )
    total = len(frame)
    base = int((~np.isnan(chosen[:, 0])).sum()) if total else 0
    counts = [int(count) for count in np.nansum(chosen, axis=0)] if total else [0] * len(question.options)
    mentions = sum(counts)
    rows = [
        MultipleRow(
            option.label, option.code, count, count / base if base else 0.0, count / mentions if mentions else 0.0
        )
        for option, count in zip(question.options, counts, strict=True)
    ]
    if question.order == "frequency":
        rows.sort(key=lambda row: -row.count)  # stable: ties keep the codebook's order
    table = MultipleTable(tuple(rows), base, total - base, mentions)
    frequencies = FrequencyTable(
        tuple(FrequencyRow(r.label, r.code, r.count, r.count / total if total else 0.0, r.share, 0.0) for r in rows),
        total - base,
        total,
    )
    return QuestionStats(question, frequencies, Descriptives(base, total - base), multiple=table)


# Free text, optionally coded


def text_stats(column: pd.Series, question: Question) -> QuestionStats:
    """The answers sorted and counted; with coding the codes' categories, the answers kept in `answers`."""
    answers = frequency_table(column, question)
    counted = descriptives(column, question)
    if not question.coding:
        return QuestionStats(question, answers, counted)
    labels = [coding.label for coding in question.coding]
    per_label = dict.fromkeys([*labels, OTHER], 0)
    for row in answers.rows:
        per_label[code_of_answer(row.label, question)] += row.count
    coded = table_of([(label, None, count, False) for label, count in per_label.items()], len(column))
    return QuestionStats(question, coded, counted, answers=answers)


def code_of_answer(answer: str, question: Question) -> str:
    """The first coding with a pattern that matches the trimmed answer (case-insensitive), else „Sonstiges“."""
    folded = answer.strip().casefold()
    for coding in question.coding:
        if any(fnmatch.fnmatchcase(folded, pattern.casefold()) for pattern in coding.patterns):
            return coding.label
    return OTHER
