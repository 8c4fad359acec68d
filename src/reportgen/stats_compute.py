"""The statistics of each question kind, computed with pandas: frequencies, descriptives, bins, multiple-response
sets and coded free text."""

from __future__ import annotations

import dataclasses
import fnmatch
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .codebook import Question
from .codebook_kinds import OTHER
from .inference import effective_n, weighted_mean_sd
from .stats import Descriptives, FrequencyRow, FrequencyTable, MultipleRow, MultipleTable, QuestionStats
from .survey import WEIGHT_COLUMN

if TYPE_CHECKING:
    import pandas as pd


def question_stats(frame: pd.DataFrame, question: Question) -> QuestionStats:
    """Everything computed for one question from the survey's frame; weighted when it has a weight column."""
    weights = frame[WEIGHT_COLUMN] if WEIGHT_COLUMN in frame.columns else None
    if question.is_multiple:
        return multiple_stats(frame, question, weights)
    column = frame[question.id]
    if question.is_text:
        return text_stats(column, question)
    if question.is_numeric:
        return QuestionStats(question, bin_table(column, question, weights), descriptives(column, question, weights))
    if question.reverse:
        column = reversed_codes(column, question)
    return QuestionStats(question, frequency_table(column, question, weights), descriptives(column, question, weights))


def reversed_codes(column: pd.Series, question: Question) -> pd.Series:
    """A reverse-keyed scale item recoded: min + max − x."""
    return question.codes[0] + question.codes[-1] - column


def frequency_table(column: pd.Series, question: Question, weights: pd.Series | None = None) -> FrequencyTable:
    """Counts per category in codebook order (texts alphabetically), like SPSS FREQUENCIES; with `weights` the
    shares are weighted, the counts not. A reverse-keyed item's column comes recoded (`reversed_codes`), its labels
    mirrored (`reversed_labels`)."""
    counts = column.value_counts()
    if question.is_text:
        ordered = sorted(counts.index, key=str.casefold)
        return table_of([(str(text), None, int(counts[text]), False) for text in ordered], len(column))
    labels = reversed_labels(question) if question.reverse else {c.code: c.label for c in question.categories}
    rows = [(labels[c.code], c.code, int(counts.get(float(c.code), 0)), c.missing) for c in question.categories]
    if weights is None:
        return table_of(rows, len(column))
    sums = weights.groupby(column).sum()
    weighted = [float(sums.get(float(c.code), 0.0)) for c in question.categories]
    valid = column.isin([float(code) for code in question.valid_codes])
    return weighted_table(table_of(rows, len(column)), weighted, float(weights.sum()), weights[valid])


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


def descriptives(column: pd.Series, question: Question, weights: pd.Series | None = None) -> Descriptives:
    """Mean and sample SD (n − 1), min, max, median and quartiles over the valid values of scale and numeric items;
    counts for the rest. User-missing categories are outside the valid base. With `weights`: see
    `weighted_descriptives`."""
    valid_values = column.dropna()
    if question.categories and any(category.missing for category in question.categories):
        valid_values = valid_values[valid_values.isin([float(code) for code in question.valid_codes])]
    valid, missing = len(valid_values), len(column) - len(valid_values)
    if weights is not None:
        return weighted_descriptives(valid_values, weights[valid_values.index], missing, question)
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


def weighted_table(
    table: FrequencyTable, weighted: list[float], total_weight: float, valid_weights: pd.Series
) -> FrequencyTable:
    """`table` with weighted shares: each row's weight of all, of the valid answers, cumulated; counts unchanged."""
    valid_weight = float(valid_weights.sum())
    rows, cumulative = [], 0.0
    for row, weight in zip(table.rows, weighted, strict=True):
        cumulative += 0.0 if row.missing else weight
        in_base = valid_weight > 0 and not row.missing
        rows.append(
            dataclasses.replace(
                row,
                percent=weight / total_weight if total_weight else 0.0,
                valid_percent=weight / valid_weight if in_base else 0.0,
                cumulative_percent=cumulative / valid_weight if in_base else 0.0,
            )
        )
    effective = effective_n(valid_weights.to_numpy(dtype=float))
    return dataclasses.replace(table, rows=tuple(rows), weighted_valid=valid_weight, effective_valid=effective)


def weighted_descriptives(values: pd.Series, weights: pd.Series, missing: int, question: Question) -> Descriptives:
    """Weighted mean and SD (`inference.weighted_mean_sd`), median and quartiles of the weighted distribution
    (numpy's inverted CDF: with equal weights not pandas' interpolated quartiles of the unweighted case); min and
    max as observed."""
    import numpy as np

    w = weights.to_numpy(dtype=float)
    valid = len(values)
    sums = {"weighted_valid": float(w.sum()), "effective_valid": effective_n(w)}
    if not (question.is_scale or question.is_numeric) or valid == 0 or sums["weighted_valid"] <= 0:
        return Descriptives(valid, missing, **sums)
    x = values.to_numpy(dtype=float)
    mean, sd = weighted_mean_sd(x, w)
    # numpy's weighted quantiles: the smallest value whose share of the weight reaches the level (inverted CDF).
    q1, median, q3 = (float(q) for q in np.quantile(x, [0.25, 0.5, 0.75], weights=w, method="inverted_cdf"))
    return Descriptives(
        valid,
        missing,
        mean=mean,
        sd=None if math.isnan(sd) else sd,
        minimum=float(x.min()),
        maximum=float(x.max()),
        median=median,
        q1=q1,
        q3=q3,
        **sums,
    )


# Numeric items: classes from the codebook's bins


def bin_table(column: pd.Series, question: Question, weights: pd.Series | None = None) -> FrequencyTable:
    """Counts per class [bins[i], bins[i+1]), the last open; no rows without bins. Values below the first bound
    were refused when the cells were read. With `weights` the shares are weighted."""
    import numpy as np

    present = column.dropna()
    values = present.to_numpy()
    if not question.bins:
        return FrequencyTable((), len(column) - len(values), len(column))
    index = np.searchsorted(np.array(question.bins), values, side="right") - 1
    counts = np.bincount(index, minlength=len(question.bins))
    whole = all(float(bound).is_integer() for bound in question.bins) and bool(np.all(np.mod(values, 1) == 0))
    labels = bin_labels(question.bins, whole)
    table = table_of(
        [(label, None, int(count), False) for label, count in zip(labels, counts, strict=True)], len(column)
    )
    if weights is None:
        return table
    valid_weights = weights[present.index]
    sums = np.bincount(index, weights=valid_weights.to_numpy(dtype=float), minlength=len(question.bins))
    return weighted_table(table, [float(value) for value in sums], float(weights.sum()), valid_weights)


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


def multiple_stats(frame: pd.DataFrame, question: Question, weights: pd.Series | None = None) -> QuestionStats:
    """Base = respondents who answered the set; each option's share of the base and of all mentions (weighted
    with `weights`, the counts not)."""
    import numpy as np

    from .cell_sets import set_column

    chosen = np.column_stack(
        [frame[set_column(question, number)].to_numpy() for number in range(1, len(question.options) + 1)]
    )
    total = len(frame)
    answered = ~np.isnan(chosen[:, 0]) if total else np.zeros(0, dtype=bool)
    base = int(answered.sum())
    counts = [int(count) for count in np.nansum(chosen, axis=0)] if total else [0] * len(question.options)
    mentions = sum(counts)
    if weights is None:
        sizes, size, all_mentions = [float(count) for count in counts], float(base), float(mentions)
    else:
        w = weights.to_numpy(dtype=float)
        sizes = [float(value) for value in np.nansum(chosen * w[:, None], axis=0)] if total else [0.0] * len(counts)
        size, all_mentions = float(w[answered].sum()), sum(sizes)
    rows = [
        MultipleRow(
            option.label,
            option.code,
            count,
            weighted / size if size else 0.0,
            weighted / all_mentions if all_mentions else 0.0,
        )
        for option, count, weighted in zip(question.options, counts, sizes, strict=True)
    ]
    if question.order == "frequency":
        rows.sort(key=lambda row: -row.share)  # stable: ties keep the codebook's order
    weighted_base = None if weights is None else (size, effective_n(weights.to_numpy(dtype=float)[answered]))
    table = MultipleTable(tuple(rows), base, total - base, mentions, *(weighted_base or (None, None)))
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
