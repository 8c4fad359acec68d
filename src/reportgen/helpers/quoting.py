"""The statistics of one question as numbers that know what they are (provenance.QuotedInt, QuotedFloat): the
helpers' prose and the tables' cells, which fmt formats and marks up with their descriptions."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .. import provenance
from ..provenance import Base, quoted, quoted_float, quoted_int

if TYPE_CHECKING:
    from ..stats import Descriptives, FrequencyRow, FrequencyTable, MultipleTable, QuestionStats

Code = int | str
MULTIPLE_NOUN = "Befragten, die die Frage beantwortet haben"


def base_of(stats: QuestionStats, where: str = "", segment: str = "") -> Base:
    """The valid answers of a question (of a multiple-response set: its respondents), as descriptions name them."""
    noun = MULTIPLE_NOUN if stats.multiple is not None else "gültigen Antworten"
    weighted = stats.weighted_base is not None
    return Base(stats.question.id, stats.base[0], weighted, where, segment, noun)


def selected(stats: QuestionStats, codes: Sequence[Code]) -> list[FrequencyRow]:
    """The frequency rows a helper's codes (or exact labels) name, in the table's order."""
    wanted = set(codes)
    return [row for row in stats.frequencies.rows if row.code in wanted or row.label in wanted]


def which(rows: Sequence[FrequencyRow]) -> str:
    """„Codes 4–5: „stimme eher zu“, „stimme voll zu““."""
    return provenance.answers([(row.code, row.label) for row in rows])


def scale_range(stats: QuestionStats) -> str:
    """„1–5“ for a scale, empty for any other question."""
    codes = stats.question.codes
    return f"{codes[0]}–{codes[-1]}" if stats.question.is_scale and codes else ""


def measure(stats: QuestionStats, name: str, value: float, where: str = "", segment: str = "") -> float:
    """A mean, SD, quartile, minimum or maximum of the question's valid answers."""
    text = provenance.measure(name, base_of(stats, where, segment), scale_range(stats), stats.question.unit)
    return quoted_float(value, text)


def descriptives(stats: QuestionStats, where: str = "") -> Descriptives:
    """The question's descriptives, each measure with its description."""
    values, base, scale = stats.descriptives, base_of(stats, where), scale_range(stats)

    def described(name: str) -> float | None:
        return quoted(getattr(values, name), provenance.measure(name, base, scale, stats.question.unit))

    return dataclasses.replace(
        values,
        mean=described("mean"),
        sd=described("sd"),
        minimum=described("minimum"),
        maximum=described("maximum"),
        median=described("median"),
        q1=described("q1"),
        q3=described("q3"),
    )


def valid_count(stats: QuestionStats, where: str = "") -> int:
    return quoted_int(stats.base[0], provenance.valid(base_of(stats, where)))


def missing_count(stats: QuestionStats, where: str = "") -> int:
    valid, missing = stats.base
    return quoted_int(missing, provenance.missing(missing, valid + missing, stats.question.id, where))


def frequency_cells(
    stats: QuestionStats, row: FrequencyRow, cumulative: Sequence[FrequencyRow], where: str = ""
) -> tuple[int, float, float, float]:
    """The cells of one row of a frequency table: count, percent of everyone, valid and cumulative percent."""
    table = stats.frequencies
    answer = which([row])
    everyone = dataclasses.replace(base_of(stats, where), valid=table.total, noun="Befragten")
    valid = base_of(stats, where)
    up_to = sum(r.count for r in cumulative)
    return (
        quoted_int(row.count, provenance.count(row.count, everyone, answer)),
        quoted_float(row.percent, provenance.share(row.count, everyone, answer, "Prozent")),
        quoted_float(row.valid_percent, provenance.share(row.count, valid, answer, "Gültige Prozente")),
        quoted_float(row.cumulative_percent, provenance.share(up_to, valid, which(cumulative), "Kumulierte Prozente")),
    )


def missing_cells(stats: QuestionStats, label: str, count: int, percent: float, where: str = "") -> tuple[int, float]:
    """A missing row of a frequency table: how many gave no valid answer of this kind, of everyone."""
    everyone = dataclasses.replace(base_of(stats, where), valid=stats.frequencies.total, noun="Befragten")
    answer = f"Antwort „{label}“"
    return (
        quoted_int(count, provenance.count(count, everyone, answer)),
        quoted_float(percent, provenance.share(count, everyone, answer, "Prozent")),
    )


def total(stats: QuestionStats, where: str = "") -> int:
    table = stats.frequencies
    return quoted_int(table.total, provenance.respondents(table.total, where))


def multiple_table(stats: QuestionStats, table: MultipleTable, where: str = "") -> MultipleTable:
    """A multiple-response table, each option's count and shares, the mentions, base and missing described."""
    base = base_of(stats, where)
    qid = stats.question.id
    rows = tuple(
        dataclasses.replace(
            row,
            count=quoted_int(row.count, provenance.count(row.count, base, f"Option „{row.label}“")),
            share=quoted_float(
                row.share, provenance.share(row.count, base, f"Option „{row.label}“", "Prozent der Befragten")
            ),
            share_of_mentions=quoted_float(
                row.share_of_mentions,
                f"Prozent der Nennungen: {row.count} von {table.mentions} Nennungen (Option „{row.label}“), Frage {qid}",
            ),
        )
        for row in table.rows
    )
    mentions = quoted_int(
        table.mentions, f"Nennungen: alle gewählten Optionen der {base.valid} {base.noun}, Frage {qid}"
    )
    return dataclasses.replace(
        table,
        rows=rows,
        mentions=mentions,
        base=quoted_int(table.base, provenance.valid(base)),
        missing=quoted_int(table.missing, provenance.missing(table.missing, table.base + table.missing, qid, where)),
    )


def answers_table(stats: QuestionStats, table: FrequencyTable, where: str = "") -> FrequencyTable:
    """The open answers of a free-text question, each count described."""
    base = dataclasses.replace(base_of(stats, where), valid=table.valid)
    rows = tuple(
        dataclasses.replace(
            row, count=quoted_int(row.count, provenance.count(row.count, base, f"Antwort „{row.label}“"))
        )
        for row in table.rows
    )
    return dataclasses.replace(table, rows=rows)
