"""The blocks that compare: a question broken down by segments (a table, or bars per segment), and a set of scale
items in one Likert chart. A mixin of BlockBuilders, which numbers and renders them."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from .. import fmt
from ..breakdown import AnalysisRules, Breakdown
from ..charts import ChartSpec
from ..charts_compare import describe_grouped, describe_likert
from ..inference import wilson_interval
from ..subgroups import FocusFilter, describe_where
from .breakdown_view import crosstab_view, means_view
from .lookup import Questions, helper_error, subgroup_errors
from .registry import Example, helper
from .views import display_label, scale_key, valid_rows

if TYPE_CHECKING:
    from markupsafe import Markup

    from ..stats import QuestionStats
    from ..targets import Numbered, Target

Filter = Mapping[str, object] | None


class ComparisonBlocks:
    """crosstab(), likert_chart() and the bars per segment of bar_chart(…, by=…)."""

    _questions: Questions
    _charts: dict[str, ChartSpec]
    _charts_href: str
    _rules: AnalysisRules
    # From BatchHelpers (a later base of BlockBuilders): the respondent's answers marked in a batch report.
    highlighted_grouped: Callable[[ChartSpec, Sequence[tuple[int | None, str]]], ChartSpec]
    highlighted_likert: Callable[[ChartSpec, Sequence[QuestionStats]], ChartSpec]

    def _target(self, kind: Numbered, caption: str, label: str | None, automatic: str = "") -> Target:
        raise NotImplementedError

    def _block(self, template: str, **context: object) -> Markup:
        raise NotImplementedError

    @helper(
        group="block",
        examples=[
            Example('crosstab("strategie", by="unternehmensalter")'),
            Example('crosstab("strategie", "zukunft", by="position")', note="several items: their means"),
            Example('crosstab("zukunft", by="position", ci=True)', note="each value with its confidence interval"),
            Example(
                'crosstab("zukunft", by="position", where={"beschaeftigte": "> 250"})',
                note="among the respondents a filter keeps",
            ),
        ],
    )
    def crosstab(
        self,
        *question_ids: str,
        by: str | None = None,
        where: Filter = None,
        caption: str | None = None,
        label: str | None = None,
        ci: bool = False,
    ) -> Markup:
        """Table of a question by the segments of `by` (column %, means, bases, letters); several items: their means."""
        if not question_ids or by is None:
            raise helper_error(
                "crosstab() braucht eine Frage und by=, die Frage der Spalten.",
                'Beispiel: crosstab("strategie", by="unternehmensalter").',
            )
        results = [self._questions.breakdown(qid, by, where, self._rules, "crosstab") for qid in question_ids]
        if len(results) == 1:
            result = results[0]
            caption = caption or f"{result.question.label} nach {result.by.label}"
            view = crosstab_view(result, self._where_text(where), ci)
        else:
            for result in results:
                if result.mean is None:
                    raise helper_error(
                        f"crosstab(): „{result.question.id}“ hat keinen Mittelwert; mehrere Fragen in einer "
                        "Tabelle zeigen ihre Mittelwerte.",
                        f'Zeigen Sie „{result.question.id}“ in einer eigenen Tabelle: crosstab("{result.question.id}", '
                        f'by="{by}").',
                    )
            if ci:
                raise helper_error(
                    "crosstab(): Konfidenzintervalle (ci=True) gibt es für die Tabelle einer Frage.",
                    f'Zeigen Sie die Intervalle mit crosstab("{results[0].question.id}", by="{by}", ci=True).',
                )
            caption = caption or f"Mittelwerte nach {results[0].by.label}"
            view = means_view(results, self._where_text(where))
        target = self._target("tab", caption, label)
        return self._block("crosstab.html.j2", number=target.number, caption=caption, view=view)

    @helper(
        group="block",
        examples=[
            Example('likert_chart("strategie", "umsetzung", "zukunft")'),
            Example('likert_chart("strategie", "zukunft", where={"position": "Manager/in"})', note="a subgroup"),
        ],
    )
    def likert_chart(
        self, *question_ids: str, where: Filter = None, caption: str | None = None, label: str | None = None
    ) -> Markup:
        """Diverging stacked bars of scale items with the same scale, sorted by agreement; the neutral point centred."""
        items = self._same_scale(question_ids, where)
        question = items[0].question
        points = len(question.codes)
        neutral = points // 2 if points % 2 else None
        agree_from = points // 2 + (1 if points % 2 else 0)
        items.sort(key=lambda stats: -sum(row.valid_percent for row in valid_rows(stats)[agree_from:]))
        caption = caption or "Zustimmung im Vergleich"
        rules = self._rules
        spec = ChartSpec(
            kind="likert",
            question_id=question.id,
            labels=tuple(display_label(question, row.label, row.code) for row in valid_rows(items[0])),
            counts=(),
            valid=min(stats.base[0] for stats in items),
            description=caption,
            series=tuple(tuple(row.valid_percent for row in valid_rows(stats)) for stats in items),
            series_labels=tuple(f"{stats.question.label} (n = {fmt.number(stats.base[0])})" for stats in items),
            flagged=tuple(stats.base[0] < rules.min_base for stats in items),
            neutral=neutral,
            key=chart_key("likert", [stats.question.id for stats in items], where),
        )
        spec = self.highlighted_likert(spec, items)
        notes = [self._where_text(where)] if where else []
        if any(spec.flagged):
            notes.append(f"* Basis < {rules.min_base} – nur eingeschränkt aussagekräftig")
        return self._figure(spec, caption, label, describe_likert(spec), "; ".join(notes))

    def _grouped_chart(
        self, question_id: str, by: str, where: Filter, caption: str | None, label: str | None, ci: bool
    ) -> Markup:
        """bar_chart(…, by=…): a group of bars per answer, a bar per shown segment, optional Wilson intervals."""
        result = self._questions.breakdown(question_id, by, where, self._rules, "bar_chart")
        if not result.rows:
            raise helper_error(
                f"bar_chart(): „{question_id}“ hat keine Kategorien für Balken je Gruppe.",
                f'Zeigen Sie die Mittelwerte mit crosstab("{question_id}", by="{by}").',
            )
        shown = [index for index, column in enumerate(result.columns) if column.letter and not column.suppressed]
        rules = self._rules
        spec = ChartSpec(
            kind="grouped",
            question_id=question_id,
            labels=tuple(display_label(result.question, row.label, row.code) for row in result.rows),
            counts=(),
            valid=result.columns[0].base,
            description=caption or f"{result.question.label} nach {result.by.label}",
            series=tuple(tuple(row.shares[index] for row in result.rows) for index in shown),
            series_labels=tuple(f"{result.columns[i].label} (n = {fmt.number(result.columns[i].base)})" for i in shown),
            flagged=tuple(result.columns[index].small for index in shown),
            intervals=tuple(self._intervals(result, index) for index in shown) if ci else (),
            scale=scale_key(result.question),
            key=chart_key("grouped", [question_id, by], where, ci),
        )
        spec = self.highlighted_grouped(spec, [(row.code, row.label) for row in result.rows])
        notes = [f"Basis: {fmt.number(result.columns[0].base)}"]
        if where:
            notes.append(self._where_text(where))
        if any(spec.flagged):
            notes.append(f"* Basis < {rules.min_base} – nur eingeschränkt aussagekräftig")
        if ci:
            notes.append(f"Fehlerbalken: {fmt.number(self._rules.confidence * 100)}-%-Konfidenzintervall (Wilson)")
        return self._figure(spec, spec.description, label, describe_grouped(spec), "; ".join(notes))

    def _intervals(self, result: Breakdown, column: int) -> tuple[tuple[float, float], ...]:
        base = result.columns[column].test_base
        return tuple(wilson_interval(row.shares[column], base, self._rules.confidence) for row in result.rows)

    def _figure(self, spec: ChartSpec, caption: str, label: str | None, alt: str, note: str) -> Markup:
        target = self._target("abb", caption, label)
        self._charts.setdefault(spec.name, spec)
        return self._block(
            "comparison_figure.html.j2",
            number=target.number,
            kind=spec.kind,
            src=self._charts_href + spec.name,
            caption=caption,
            alt=alt,
            note=note,
        )

    def _same_scale(self, question_ids: Sequence[str], where: Filter) -> list[QuestionStats]:
        if not question_ids:
            raise helper_error(
                "likert_chart() braucht mindestens eine Skalenfrage.", 'Beispiel: likert_chart("strategie", "zukunft").'
            )
        items = [self._questions.get(qid, where) for qid in question_ids]
        for stats in items:
            if not stats.question.is_scale:
                raise helper_error(f"likert_chart(): „{stats.question.id}“ ist keine Skalenfrage.")
        first = items[0]
        for stats in items[1:]:
            if stats.question.reverse != first.question.reverse:
                umgepolt = stats if stats.question.reverse else first
                raise helper_error(
                    f"likert_chart(): „{umgepolt.question.id}“ ist umgepolt (reverse = true), die anderen nicht: "
                    "seine Skalenwerte tragen die gespiegelten Beschriftungen.",
                    f"Zeigen Sie „{umgepolt.question.id}“ in einem eigenen likert_chart().",
                )
            if [r.label for r in valid_rows(stats)] != [r.label for r in valid_rows(first)]:
                raise helper_error(
                    f"likert_chart(): „{stats.question.id}“ hat eine andere Skala als „{first.question.id}“.",
                    "In einem Likert-Diagramm stehen nur Fragen mit denselben Skalenpunkten und Beschriftungen.",
                )
        return items

    def _where_text(self, where: Filter) -> str:
        if not where:
            return ""
        with subgroup_errors():
            return describe_where(self._questions.subgroups(where).questions, where)


def shared_value_axis(specs: tuple[ChartSpec, ...]) -> tuple[ChartSpec, ...]:
    """Comparable charts on one value axis, so that equal bars look equal across the report: the charts with bars
    per segment up to the next 10 % above the highest bar or interval; the bar charts of items on one scale up to
    the highest count among them."""
    grouped = [spec for spec in specs if spec.kind == "grouped"]
    top = 1.0
    if grouped:
        highest = max(
            max([share for series in spec.series for share in series] + [high for s in spec.intervals for _, high in s])
            for spec in grouped
        )
        top = min(1.0, math.ceil(highest * 10 - 1e-9) / 10) if highest > 0 else 1.0
    counts: dict[str, int] = {}
    for spec in specs:
        if spec.kind == "bar" and spec.scale:
            counts[spec.scale] = max(counts.get(spec.scale, 0), *spec.counts, 0)
    return tuple(
        dataclasses.replace(spec, value_max=top)
        if spec.kind == "grouped"
        else dataclasses.replace(spec, value_max=float(counts[spec.scale]))
        if spec.kind == "bar" and spec.scale
        else spec
        for spec in specs
    )


def chart_key(kind: str, ids: Sequence[str], where: Filter, *extra: object) -> str:
    """A short name part that tells this chart from other charts of the same question."""
    conditions = where.key() if isinstance(where, FocusFilter) else dict(where or {})
    text = json.dumps([kind, list(ids), conditions, list(extra)], sort_keys=True, default=repr)
    return hashlib.sha256(text.encode()).hexdigest()[:10]
