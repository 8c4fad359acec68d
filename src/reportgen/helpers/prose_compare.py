"""Prose numbers that compare or qualify: the segment with the highest share or mean, and confidence intervals.
A mixin of ProseNumbers."""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup

from .. import fmt, provenance
from ..breakdown import AnalysisRules, Breakdown
from ..inference import mean_interval, wilson_interval
from ..provenance import quoted_float
from . import quoting
from .lookup import Code, Questions, checked_codes, checked_decimals, helper_error
from .registry import Example, helper
from .views import MEAN_DECIMALS

Filter = Mapping[str, object] | None


class ComparisonNumbers:
    """top_segment(), share_ci() and mean_ci()."""

    _questions: Questions
    _rules: AnalysisRules

    def share(
        self, question_id: str, *codes: Code, exclude: Iterable[Code] = (), decimals: int = 0, where: Filter = None
    ) -> str:
        raise NotImplementedError

    @helper(
        group="prose",
        examples=[
            Example('top_segment("strategie", 4, 5, by="position")', "Manager/in"),
            Example('top_segment("zukunft", by="position")', "Manager/in", "scale or numeric: the highest mean"),
        ],
    )
    def top_segment(self, question_id: str, *codes: Code, by: str | None = None, where: Filter = None) -> str:
        """The segment of `by` with the highest share of these codes (or mean); small bases are not considered."""
        if by is None:
            raise helper_error(
                "top_segment() braucht by=, die Frage der Gruppen.",
                'Beispiel: top_segment("strategie", 4, 5, by="alter").',
            )
        result = self._questions.breakdown(question_id, by, where, self._rules, "top_segment")
        values = self._segment_values(result, codes)
        candidates = [
            (column.label, value)
            for column, value in zip(result.columns[1:], values, strict=True)
            if column.tested and not math.isnan(value)
        ]
        if not candidates:
            raise helper_error(
                f"top_segment(): keine Gruppe von „{by}“ hat eine Basis von mindestens {self._rules.min_base}.",
                "Mit so kleinen Gruppen lässt sich keine Gruppe als die höchste nennen.",
            )
        top = max(value for _, value in candidates)
        leaders = [label for label, value in candidates if value == top]
        if len(leaders) > 1:
            named = " und ".join(f"„{label}“" for label in leaders)
            raise helper_error(
                f"top_segment(): {named} liegen gleichauf.", "Nennen Sie die Gruppen einzeln mit share(…, where=…)."
            )
        return leaders[0]

    @helper(
        group="prose",
        examples=[
            Example('share_ci("strategie", 4, 5)', "84 % (95-%-KI: 65–94 %)"),
            Example('share_ci("themen", "Digitalisierung")', "60 % (95-%-KI: 31–83 %)", "one option of a set"),
        ],
    )
    def share_ci(self, question_id: str, *codes: Code, where: Filter = None, decimals: int = 0) -> str:
        """share() with its Wilson confidence interval (level: [analysis] confidence)."""
        decimals = checked_decimals(decimals, "share_ci")
        stats = self._questions.get(question_id, where)
        shown = self.share(question_id, *codes, decimals=decimals, where=where)  # the same checks and messages
        if stats.multiple is not None:
            share = next(row.share for row in stats.multiple.rows if codes[0] in (row.label, row.code))
        else:
            share = stats.share(checked_codes(stats, codes, "share_ci"))
        low, high = wilson_interval(share, stats.effective_base, self._rules.confidence)
        of = html.unescape(re.search(r'data-provenance="([^"]*)"', shown).group(1))  # type: ignore[union-attr]
        bounds = [
            quoted_float(value, provenance.bound(bool(upper), self._level(), "Wilson", of))
            for upper, value in enumerate((low, high))
        ]
        interval = fmt.percent_value(bounds[0], decimals) + "–" + fmt.percent(bounds[1], decimals)
        return Markup("{} ({}-%-KI: {})").format(shown, self._level(), interval)

    @helper(group="prose", examples=[Example('mean_ci("zukunft")', "4,44 (95-%-KI: 3,99–4,89)")])
    def mean_ci(self, question_id: str, where: Filter = None, decimals: int | None = None) -> str:
        """Mean with its t confidence interval (level: [analysis] confidence), formatted like mean()."""
        stats = self._questions.measured(question_id, "mean_ci", where)
        descriptives = stats.descriptives
        if descriptives.mean is None or descriptives.sd is None:
            raise helper_error(f"mean_ci(): „{question_id}“ hat zu wenige gültige Antworten für ein Intervall.")
        low, high = mean_interval(descriptives.mean, descriptives.sd, stats.effective_base, self._rules.confidence)
        question = stats.question
        places = checked_decimals(
            decimals if decimals is not None else (question.decimals if question.is_numeric else None) or MEAN_DECIMALS,
            "mean_ci",
        )
        unit = f"{fmt.NBSP}{question.unit}" if question.unit else ""
        base = quoting.base_of(stats, self._questions.where_text(where))
        of = provenance.measure("mean", base, quoting.scale_range(stats), question.unit)
        described = [
            quoted_float(descriptives.mean, of),
            *(
                quoted_float(value, provenance.bound(bool(upper), self._level(), "t", of))
                for upper, value in enumerate((low, high))
            ),
        ]
        values = [fmt.number(value, places) for value in described]
        return Markup("{}{} ({}-%-KI: {}–{}{})").format(values[0], unit, self._level(), values[1], values[2], unit)

    def _level(self) -> str:
        return fmt.integer_or_decimal(self._rules.confidence * 100, 1)

    def _segment_values(self, result: Breakdown, codes: tuple[Code, ...]) -> list[float]:
        """Per segment: the share of the codes (an option of a set), or without codes the mean."""
        if not codes:
            if result.mean is None:
                raise helper_error(
                    f"top_segment(): für „{result.question.id}“ braucht es Codes, z. B. "
                    f'top_segment("{result.question.id}", 1, by="{result.by.id}").'
                )
            return [math.nan if mean is None else mean for mean in result.mean.means[1:]]
        total = self._questions.get(result.question.id)
        if total.multiple is None:
            checked_codes(total, codes, "top_segment")
        wanted = {code for code in codes}
        rows = [row for row in result.rows if row.label in wanted or row.code in wanted]
        if total.multiple is not None and len(rows) != 1:
            raise helper_error("top_segment(): bei Mehrfachnennungen genau eine Option nennen.")
        return [sum(row.shares[index] for row in rows) for index in range(1, len(result.columns))]
