"""A breakdown as its table shows it: formatted cells with their letters and flags, and the legend in German."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from markupsafe import Markup

from .. import fmt, provenance
from ..breakdown import Breakdown, BreakdownColumn, BreakdownRow
from ..inference import TestResult, mean_interval, wilson_interval
from ..provenance import quoted, quoted_float, quoted_int
from . import quoting
from .views import MEAN_DECIMALS, MULTIPLE_NOTE, display_label

WITHHELD = "–"


@dataclass(frozen=True)
class Cell:
    """One cell: its text, the significance letters after it, and whether its base is small or withheld."""

    text: str
    letters: str = ""
    small: bool = False  # greyed
    starred: bool = False  # marked „*“: where the small base is (the base row; each value of a table of means)
    interval: str = ""  # with ci=True: the confidence interval under the value


@dataclass(frozen=True)
class CrosstabRow:
    label: str
    cells: tuple[Cell, ...]
    kind: str = ""  # "mean", "base" or "" for an answer


@dataclass(frozen=True)
class CrosstabView:
    heading: str
    columns: tuple[BreakdownColumn, ...]
    rows: tuple[CrosstabRow, ...]
    legend: tuple[str, ...]


def crosstab_view(result: Breakdown, where_text: str = "", ci: bool = False) -> CrosstabView:
    """The table of a breakdown: shares in whole percent, means with two decimals, bases, the legend below; with
    `ci` each value's confidence interval under it (Wilson for shares, t for means, on the effective bases)."""
    columns = result.columns
    bases = [column_base(result, column, where_text) for column in columns]
    rows = [
        CrosstabRow(
            display_label(result.question, row.label, row.code),
            tuple(
                _cell(
                    column,
                    fmt.percent_value(quoted_float(share, provenance.share(count, base, _which(result, row))), 0),
                    letters,
                    _share_interval(share, column, result, ci, provenance.share(count, base, _which(result, row))),
                )
                for column, base, count, share, letters in zip(
                    columns, bases, row.counts, row.shares, row.letters, strict=True
                )
            ),
        )
        for row in result.rows
    ]
    if result.mean is not None:
        decimals = result.question.decimals if result.question.is_numeric else None
        cells = tuple(
            _cell(
                column,
                _measure(_mean(result, base, mean), decimals),
                letters,
                _mean_interval(mean, sd, column, result, decimals, ci, _mean_text(result, base)),
            )
            for column, base, mean, sd, letters in zip(
                columns, bases, result.mean.means, result.mean.sds, result.mean.letters, strict=True
            )
        )
        rows.append(CrosstabRow("Mittelwert", cells, "mean"))
    base_cells = tuple(
        Cell(base_text(c.base, c.weighted_base, base), small=c.small, starred=c.small)
        for c, base in zip(columns, bases, strict=True)
    )
    rows.append(CrosstabRow("Basis (n)", base_cells, "base"))
    heading = result.question.text + (f" (Einheit: {result.question.unit})" if result.question.unit else "")
    lines = legend(result, where_text)
    if ci:
        level = fmt.integer_or_decimal(result.rules.confidence * 100, 1)
        lines += (f"Unter den Werten: {level}-%-Konfidenzintervall (Anteile: Wilson, Mittelwerte: t).",)
    return CrosstabView(heading, columns, tuple(rows), lines)


def means_view(results: list[Breakdown], where_text: str = "") -> CrosstabView:
    """Several scale or numeric items by the same segments: a row of means per item, the largest base per column."""
    first = results[0]
    rows = []
    for result in results:
        assert result.mean is not None
        decimals = result.question.decimals if result.question.is_numeric else None
        cells = tuple(
            dataclasses.replace(cell, starred=cell.small)
            for cell in (
                _cell(column, _measure(_mean(result, column_base(result, column, where_text), mean), decimals), letters)
                for column, mean, letters in zip(result.columns, result.mean.means, result.mean.letters, strict=True)
            )
        )
        unit = f" ({result.question.unit})" if result.question.unit else ""
        rows.append(CrosstabRow(result.question.label + unit, cells, "item"))
    bases = [max(result.columns[index].base for result in results) for index in range(len(first.columns))]
    cells = tuple(
        Cell(fmt.number(quoted_int(base, provenance.largest_base(base, _segment(first, column), where_text))))
        for base, column in zip(bases, first.columns, strict=True)
    )
    rows.append(CrosstabRow("Basis (n)", cells, "base"))
    means_letters = any(letter for result in results if result.mean for letter in result.mean.letters)
    lines = legend(first, where_text, means_only=True, letters=means_letters)
    return CrosstabView("Mittelwerte", first.columns, tuple(rows), lines)


def legend(result: Breakdown, where_text: str = "", means_only: bool = False, letters: bool = False) -> tuple[str, ...]:
    """What the reader needs to read the table: base, letters, tests, flags, the filter. `letters`: whether any
    value carries a letter (a table of one question finds out itself)."""
    rules = result.rules
    if means_only:
        lines = [
            "Mittelwerte der gültigen Antworten; Basis: die meisten Antworten je Spalte, ein einzelner Wert kann auf "
            f"weniger beruhen. * grau: Basis des Werts < {rules.min_base}, nicht getestet."
        ]
    elif result.question.is_multiple:
        lines = [f"{MULTIPLE_NOTE}; Prozent der Befragten, die die Frage beantwortet haben."]
    else:
        lines = ["Spaltenprozente der gültigen Antworten."]
    if letters if means_only else has_letters(result):
        tests = "Anteile: zweiseitiger z-Test, Mittelwerte: Welch-t-Test" if not means_only else "Welch-t-Test"
        levels = (
            f"α = {_level(rules.alphas[0])}"
            if len(rules.alphas) == 1
            else f"Großbuchstaben α = {_level(rules.alphas[0])}, Kleinbuchstaben α = {_level(rules.alphas[1])}"
        )
        correction = ", Bonferroni-korrigiert" if rules.bonferroni else ""
        lines.append(
            f"Buchstaben: signifikant höher als in der Spalte mit diesem Buchstaben ({tests}; {levels}{correction})."
        )
    if not means_only:
        lines.extend(_tests(result, _table(result)))
        if any(column.small and not column.suppressed for column in result.columns):
            lines.append(f"* Basis < {rules.min_base} – nur eingeschränkt aussagekräftig, nicht getestet.")
    if any(column.suppressed for column in result.columns):
        lines.append(
            f"{WITHHELD} nicht ausgewiesen: Basis < {rules.suppress_below}, oder aus den übrigen Spalten "
            "ließe sich eine solche Spalte errechnen."
        )
    if result.unassigned and not means_only:
        unassigned = quoted_int(result.unassigned, provenance.unassigned(result.unassigned, result.by.id))
        lines.append(
            Markup("Gesamt enthält {} Befragte ohne Angabe zu „{}“.").format(fmt.number(unassigned), result.by.label)
        )
    if where_text:
        lines.append(f"Teilgruppe: {where_text}.")
    return tuple(lines)


def has_letters(result: Breakdown) -> bool:
    """Whether any value of the breakdown carries a significance letter."""
    rows = [row.letters for row in result.rows] + ([result.mean.letters] if result.mean else [])
    return any(letter for letters in rows for letter in letters)


def _tests(result: Breakdown, table: str) -> list[str]:
    lines = []
    if result.table_test is not None and not math.isnan(result.table_test.p):
        lines.append(_chi_square(result.table_test, table))
    if result.mean_test is not None and not math.isnan(result.mean_test.p):
        lines.append(_mean_test(result.mean_test, table))
    return lines


def base_text(base: int, weighted: float | None, described: provenance.Base | None = None) -> str:
    """„25“, or with a weight „25 (gew. 24,3)“; with `described`, each number marked up with its description."""
    if described is None:
        return fmt.number(base) + (f" (gew. {fmt.number(weighted, 1)})" if weighted is not None else "")
    counted = fmt.number(quoted_int(base, provenance.valid(described)))
    if weighted is None:
        return counted
    summed = fmt.number(quoted_float(weighted, provenance.weights(described)), 1)
    return Markup("{} (gew. {})").format(counted, summed)


def _level(alpha: float) -> str:
    """„0,05“, „0,01“, „0,001“: as many decimals as the level has, up to four."""
    decimals = next((places for places in range(2, 4) if round(alpha, places) == alpha), 4)
    return fmt.number(alpha, decimals)


def p_text(p: float, table: str = "", test: str = "") -> str:
    """„p = 0,275“, „p < 0,001“; with `table` and `test` the p-value marked up with its description."""
    if p < 0.001:
        return "p < 0,001"
    value: float = quoted_float(p, provenance.test(f"p-Wert des {test}", table)) if table else p
    return Markup("p = {}").format(fmt.number(value, 3))


def _chi_square(test: TestResult, table: str) -> str:
    warning = (
        " Mehr als 20 % der erwarteten Häufigkeiten liegen unter 5: nur eingeschränkt gültig."
        if test.small_expected > 0.2
        else ""
    )
    name = "χ²-Tests über die Tabelle"
    degrees = _degrees(test.df[0], name, table)
    statistic = fmt.number(quoted_float(test.statistic, provenance.test(f"Prüfgröße χ² des {name}", table)), 2)
    return Markup("χ²-Test über die Tabelle: χ²({}) = {}; {}.{}").format(
        degrees, statistic, p_text(test.p, table, name), warning
    )


def _mean_test(test: TestResult, table: str) -> str:
    if len(test.df) == 2:
        name = "F-Tests (einfaktorielle ANOVA) der Mittelwerte"
        both = Markup("; ").join(_degrees(value, name, table, index) for index, value in enumerate(test.df, 1))
        statistic = fmt.number(quoted_float(test.statistic, provenance.test(f"Prüfgröße F des {name}", table)), 2)
        return Markup("Mittelwerte: einfaktorielle ANOVA, F({}) = {}; {}.").format(
            both, statistic, p_text(test.p, table, name)
        )
    name = "Welch-t-Tests der Mittelwerte"
    degrees = _degrees(test.df[0], name, table)
    statistic = fmt.number(quoted_float(test.statistic, provenance.test(f"Prüfgröße t des {name}", table)), 2)
    return Markup("Mittelwerte: Welch-t-Test, t({}) = {}; {}.").format(degrees, statistic, p_text(test.p, table, name))


def _degrees(value: float, name: str, table: str, index: int = 0) -> str:
    which = f"{index}. " if index else ""
    return fmt.integer_or_decimal(quoted_float(value, provenance.test(f"{which}Freiheitsgrade des {name}", table)), 1)


def _table(result: Breakdown) -> str:
    return f"Frage {result.question.id} nach {result.by.label}"


def _segment(result: Breakdown, column: BreakdownColumn) -> str:
    return provenance.segment(column.label if column.letter else "", result.by.label)


def column_base(result: Breakdown, column: BreakdownColumn, where_text: str) -> provenance.Base:
    """A column's base: its valid answers (of a multiple-response set its respondents who answered it)."""
    noun = quoting.MULTIPLE_NOUN if result.question.is_multiple else "gültigen Antworten"
    weighted = column.weighted_base is not None
    return provenance.Base(result.question.id, column.base, weighted, where_text, _segment(result, column), noun)


def _which(result: Breakdown, row: BreakdownRow) -> str:
    if result.question.is_multiple:
        return f"Option „{row.label}“"
    return provenance.answers([(row.code, row.label)])


def _mean_text(result: Breakdown, base: provenance.Base) -> str:
    question = result.question
    scale = f"{question.codes[0]}–{question.codes[-1]}" if question.is_scale and question.codes else ""
    return provenance.measure("mean", base, scale, question.unit)


def _mean(result: Breakdown, base: provenance.Base, mean: float | None) -> float | None:
    return quoted(mean, _mean_text(result, base))


def _cell(column: BreakdownColumn, text: str, letters: str, interval: str = "") -> Cell:
    if column.suppressed:
        return Cell(WITHHELD)
    return Cell(text, letters, column.small, interval=interval)


def _share_interval(share: float, column: BreakdownColumn, result: Breakdown, ci: bool, of: str) -> str:
    if not ci or column.base == 0:
        return ""
    low, high = wilson_interval(share, column.test_base, result.rules.confidence)
    level = fmt.integer_or_decimal(result.rules.confidence * 100, 1)
    bounds = [
        quoted_float(value, provenance.bound(bool(high), level, "Wilson", of)) for high, value in enumerate((low, high))
    ]
    return fmt.percent_value(bounds[0], 0) + "–" + fmt.percent_value(bounds[1], 0)


def _mean_interval(
    mean: float | None,
    sd: float | None,
    column: BreakdownColumn,
    result: Breakdown,
    decimals: int | None,
    ci: bool,
    of: str,
) -> str:
    if not ci or mean is None or sd is None:
        return ""
    low, high = mean_interval(mean, sd, column.test_base, result.rules.confidence)
    if math.isnan(low):
        return ""
    level = fmt.integer_or_decimal(result.rules.confidence * 100, 1)
    bounds = [
        quoted_float(value, provenance.bound(bool(high), level, "t", of)) for high, value in enumerate((low, high))
    ]
    return _measure(bounds[0], decimals) + "–" + _measure(bounds[1], decimals)


def _measure(value: float | None, decimals: int | None) -> str:
    if value is None:
        return WITHHELD
    return fmt.number(value, MEAN_DECIMALS if decimals is None else decimals)
