"""The blocks of batch reports: the respondent (or the segment) next to a group and the total in a table, and the
segment's bars next to the total's. A mixin of BlockBuilders, on the values of BatchHelpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from .. import fmt, provenance
from ..breakdown import BreakdownColumn
from ..charts import ChartSpec
from ..charts_compare import describe_grouped
from ..provenance import quoted_float
from . import quoting
from .batch import OWN, TOTAL, BatchHelpers, Filter
from .breakdown_view import Cell, CrosstabRow, CrosstabView
from .lookup import helper_error
from .registry import Example, helper
from .views import display_label, scale_key, valid_rows

if TYPE_CHECKING:
    from ..focus import Focus
    from ..stats import QuestionStats
    from ..subgroups import OwnAnswer
    from ..targets import Numbered, Target


class BatchBlocks(BatchHelpers):
    """compare_table() and compare_chart()."""

    def _target(self, kind: Numbered, caption: str, label: str | None, automatic: str = "") -> Target:
        raise NotImplementedError

    def _block(self, template: str, **context: object) -> Markup:
        raise NotImplementedError

    @helper(
        group="batch",
        examples=[
            Example('compare_table("strategie", "zukunft", "position")'),
            Example('compare_table("strategie", where=same("position"))', note="with a comparison group"),
        ],
    )
    def compare_table(self, *question_ids: str, where: Filter = None, caption: str = "", label: str = "") -> Markup:
        """Table: per question the respondent's answer (or the segment's values), [the group's,] the total's."""
        focus = self._focus("compare_table")
        if not question_ids:
            raise helper_error(
                "compare_table() braucht mindestens eine Frage.", 'Beispiel: compare_table("strategie").'
            )
        if focus.unit.kind == "by":
            groups: list[tuple[str, Filter]] = [(focus.unit.label, self.segment())]
        else:
            groups = [(OWN, None)]
        if where is not None:
            groups.append((f"Vergleichsgruppe ({self._where_text(where)})", where))
        groups.append((TOTAL, None))
        rows = [row for question_id in question_ids for row in self._compare_rows(question_id, groups, focus)]
        columns = tuple(BreakdownColumn(name, "", 0, 0, False) for name, _ in groups)
        legend = "Skalen und Zahlen: Mittelwert der gültigen Antworten; Auswahlfragen: Anteil an den gültigen Antworten"
        legend += " (bei Ihrem Unternehmen: Ihre Antwort)." if focus.unit.kind == "per" else "."
        view = CrosstabView("Frage", columns, tuple(rows), (legend,))
        default = f"{OWN} im Vergleich" if focus.unit.kind == "per" else f"{focus.unit.label} im Vergleich"
        target = self._target("tab", caption or default, label or None)
        return self._block("crosstab.html.j2", number=target.number, caption=caption or default, view=view)

    @helper(group="batch", examples=[Example('compare_chart("position")', note="--by: bars of the segment and Gesamt")])
    def compare_chart(self, question_id: str, caption: str = "", label: str = "") -> Markup:
        """Bars per answer: the segment's share next to the total's (--by only)."""
        focus = self._by("compare_chart")
        where = self.segment()
        total = self._questions.get(question_id)
        inside = self._questions.get(question_id, where)
        if total.multiple is not None or not valid_rows(total):
            raise helper_error(
                f"compare_chart(): „{question_id}“ hat keine Kategorien für Balken.",
                f'Zeigen Sie die Werte mit compare_table("{question_id}").',
            )
        rows = valid_rows(total)
        shares = [_valid_shares(inside), _valid_shares(total)]
        bases = [inside.base[0], total.base[0]]
        spec = ChartSpec(
            kind="grouped",
            question_id=question_id,
            labels=tuple(display_label(total.question, row.label, row.code) for row in rows),
            counts=(),
            valid=total.base[0],
            description=caption or f"{total.question.label}: {focus.unit.label} und {TOTAL}",
            series=tuple(tuple(values) for values in shares),
            series_labels=(
                f"{focus.unit.label} (n = {fmt.number(bases[0])})",
                f"{TOTAL} (n = {fmt.number(bases[1])})",
            ),
            flagged=tuple(base < self._rules.min_base for base in bases),
            scale=scale_key(total.question),
            key="segment-" + _slug(focus.unit.key),
        )
        self._charts.setdefault(spec.name, spec)
        target = self._target("abb", spec.description, label or None)
        note = f"Basis: {fmt.number(bases[0])} und {fmt.number(bases[1])}"
        return self._block(
            "comparison_figure.html.j2",
            number=target.number,
            kind=spec.kind,
            src=self._charts_href + spec.name,
            caption=spec.description,
            alt=describe_grouped(spec),
            note=note,
        )

    def _compare_rows(self, question_id: str, groups: list[tuple[str, Filter]], focus: Focus) -> list[CrosstabRow]:
        """One question's rows of compare_table(): its mean, or a row per answer (per respondent: their answer)."""
        total = self._questions.get(question_id)
        question = total.question
        if question.is_multiple:
            raise helper_error(
                f"compare_table(): „{question_id}“ erlaubt Mehrfachnennungen; vergleichen Sie die Optionen mit "
                "versus().",
                f'Schreiben Sie versus("{question_id}").',
            )
        stats = [self._questions.get(question_id, where) if name != OWN else total for name, where in groups]
        if self._measured(total):
            cells = tuple(
                Cell(self._own_text(self._questions.own(question_id)))
                if name == OWN
                else Cell(Markup("{} (n = {})").format(self._mean(part, where), self._n(part, where)))
                for (name, where), part in zip(groups, stats, strict=True)
            )
            return [CrosstabRow(question.label, cells, "item")]
        if focus.unit.kind == "per":
            answer = self._questions.own(question_id)
            cells = tuple(
                Cell(self._own_text(answer)) if name == OWN else Cell(self._share_cell(part, answer, where))
                for (name, where), part in zip(groups, stats, strict=True)
            )
            return [CrosstabRow(question.label, cells, "item")]
        return [
            CrosstabRow(
                f"{question.label}: {display_label(question, row.label, row.code)}",
                tuple(
                    Cell(self._category_share(part, row.code, where))
                    for (_name, where), part in zip(groups, stats, strict=True)
                ),
            )
            for row in valid_rows(total)
        ]

    def _share_cell(self, stats: QuestionStats, answer: OwnAnswer, where: Filter) -> Markup:
        if not answer.valid:
            return Markup("n = {}").format(self._n(stats, where))
        return Markup("{} (n = {})").format(
            self._category_share(stats, answer.codes[0], where, with_n=False), self._n(stats, where)
        )

    def _category_share(self, stats: QuestionStats, code: int | None, where: Filter, with_n: bool = True) -> Markup:
        share: str = "–"
        if code is not None and stats.frequencies.valid:
            rows = quoting.selected(stats, [code])
            base = quoting.base_of(stats, self._questions.where_text(where))
            which = quoting.which(rows)
            value = quoted_float(stats.share([code], []), provenance.share(stats.count([code]), base, which))
            share = fmt.percent(value, 0)
        return Markup("{} (n = {})").format(share, self._n(stats, where)) if with_n else Markup(share)


def _valid_shares(stats: QuestionStats) -> list[float]:
    return [row.valid_percent for row in valid_rows(stats)]


def _slug(text: str) -> str:
    return "".join(char if char.isascii() and char.isalnum() else "-" for char in text.lower()).strip("-") or "x"
