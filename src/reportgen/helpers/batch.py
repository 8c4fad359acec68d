"""The helpers of batch reports (reportgen batch): the respondent's own answers or the segment next to the total,
the comparison groups they may be measured against, and the mark of the respondent's answer in charts.

A mixin of BlockBuilders (through batch_compare's blocks). Every group passes the anonymity guard of
`Questions` (anonymity.py); outside a batch report each helper is an error that says where it belongs."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from .. import fmt, provenance
from ..breakdown import AnalysisRules
from ..charts import ChartSpec
from ..provenance import quoted_float
from ..subgroups import FocusFilter, OwnAnswer
from . import quoting
from .lookup import Questions, helper_error
from .registry import Example, helper
from .views import MEAN_DECIMALS, display_label, valid_rows

if TYPE_CHECKING:
    from ..focus import Focus
    from ..stats import QuestionStats

Filter = Mapping[str, object] | None
OWN = "Ihr Unternehmen"
NO_ANSWER = "keine Angabe"
TOTAL = "Gesamt"


def own_provenance(question_id: str) -> str:
    """What an own answer is, for its span in the HTML: „Ihre Antwort, Frage strategie“."""
    return f"Ihre Antwort, Frage {question_id}"


class BatchHelpers:
    """unit_label(), own(), own_code(), segment(), same(), comparable(), versus(), and the marks in charts."""

    _questions: Questions
    _charts: dict[str, ChartSpec]
    _charts_href: str
    _rules: AnalysisRules

    def _where_text(self, where: Filter) -> str:
        raise NotImplementedError

    @helper(
        group="batch",
        examples=[Example("unit_label()", "R07"), Example("unit_label()", "> 20 Jahre", "--by unternehmensalter")],
    )
    def unit_label(self) -> Markup:
        """Whom the report is about: the respondent's id or the segment's label."""
        return Markup(escape(self._focus("unit_label").unit.label))

    @helper(
        group="batch",
        examples=[
            Example('own("position")', "Manager/in"),
            Example('own("strategie")', "4", "a scale point; a number with its unit („1.250 €“), options joined"),
            Example('own("position_sonstiges")', "keine Angabe", "free text: the respondent's own"),
        ],
    )
    def own(self, question_id: str) -> Markup:
        """The respondent's own answer as text (--per only); „keine Angabe“ when there is none."""
        self._per("own")
        return self._own_text(self._questions.own(question_id))

    @helper(group="batch", examples=[Example('own_code("strategie")', "4", '{% if own_code("strategie") >= 4 %} …')])
    def own_code(self, question_id: str) -> int | float | tuple[int, ...] | None:
        """The respondent's own code (a number's value; a set's chosen option codes) for {% if %}; None: no answer."""
        self._per("own_code")
        answer = self._questions.own(question_id)
        question = answer.question
        if question.is_text:
            raise helper_error(
                f"own_code(): „{question_id}“ ist eine Freitextfrage und hat keine Codes.",
                f'Die Antwort selbst zeigt own("{question_id}").',
            )
        if not answer.answered:
            return None
        if question.is_multiple:
            return tuple(question.options[n - 1].code or n for n in answer.codes)
        if question.is_numeric:
            assert answer.value is not None
            return int(answer.value) if answer.value.is_integer() else answer.value
        return answer.codes[0]

    @helper(
        group="batch",
        examples=[Example("segment()", note='--by: n(where=segment()), share("strategie", 4, 5, where=segment())')],
    )
    def segment(self) -> FocusFilter:
        """The segment of the report as a filter for where= (--by only): n(where=segment()) is its base."""
        unit = self._by("segment").unit
        return FocusFilter({}, segment=(unit.column, unit.code, unit.label))

    @helper(
        group="batch",
        examples=[
            Example('same("position")', note='mean("strategie", where=same("position")): the others in that position')
        ],
    )
    def same(self, *question_ids: str) -> FocusFilter:
        """A filter for where=: the other respondents with the respondent's answers to these questions (--per only)."""
        unit = self._per("same").unit
        if not question_ids:
            raise helper_error("same() braucht mindestens eine Frage.", 'Beispiel: where=same("beschaeftigte").')
        for question_id in question_ids:
            kind = self._questions.question(question_id).question.kind
            if kind not in ("single", "yesno", "scale"):
                raise helper_error(
                    f"same(): nach „{question_id}“ (Art „{kind}“) lässt sich keine Gruppe gleicher Antwort bilden.",
                    "same() nimmt Fragen mit Einfachauswahl, Ja/Nein und Skalen.",
                )
        answers = [self._questions.own(question_id) for question_id in question_ids]
        conditions = {answer.question.id: answer.codes[0] for answer in answers if answer.valid}
        unanswered = tuple(answer.question.id for answer in answers if not answer.valid)
        assert unit.row is not None
        return FocusFilter(conditions, exclude=frozenset({unit.row}), unanswered=unanswered)

    @helper(
        group="batch",
        examples=[
            Example('comparable(same("position"))', "True", '{% if comparable(same("position")) %} … {% endif %}')
        ],
    )
    def comparable(self, where: Filter) -> bool:
        """Whether a report may show the group of this filter (anonymity: [batch] min_group), for {% if %}."""
        self._focus("comparable")
        if where is None:
            return True
        if isinstance(where, FocusFilter) and where.unanswered:
            return False
        return self._questions.group_problem(where) is None

    @helper(
        group="batch",
        examples=[
            Example('versus("strategie")', "Ihr Unternehmen: 4 – Gesamt: Mittelwert 4,12"),
            Example('versus("position")', "Ihr Unternehmen: Manager/in – Gesamt: 72 % Manager/in", "categories"),
            Example(
                'versus("strategie")',
                "> 20 Jahre: Mittelwert 3,88 (n = 17) – Gesamt: Mittelwert 4,12 (n = 25)",
                "--by unternehmensalter",
            ),
        ],
    )
    def versus(self, question_id: str, where: Filter = None) -> Markup:
        """The respondent's answer (or the segment's value) next to the total's, or next to a group's (where=)."""
        focus = self._focus("versus")
        total = self._questions.get(question_id)
        group = self._questions.get(question_id, where) if where is not None else total
        right = self._group_name(where)
        if focus.unit.kind == "by":
            if not self._measured(total):
                raise helper_error(
                    f"versus(): „{question_id}“ hat keinen Mittelwert; im Segmentbericht vergleicht "
                    "compare_table() die Anteile.",
                    f'Schreiben Sie compare_table("{question_id}").',
                )
            inside = self._questions.get(question_id, self.segment())
            left = Markup("{}: Mittelwert {} (n = {})").format(
                escape(focus.unit.label), self._mean(inside, self.segment()), self._n(inside, self.segment())
            )
            mean, n = self._mean(group, where), self._n(group, where)
            return Markup("{} – {}: Mittelwert {} (n = {})").format(left, right, mean, n)
        answer = self._questions.own(question_id)
        value = self._compared_value(group, answer, where)
        own = self._own_text(answer)
        if where is None:
            return Markup("{}: {} – {}: {}").format(OWN, own, right, value)
        return Markup("{}: {} – {}: {} (n = {})").format(OWN, own, right, value, self._n(group, where))

    def highlighted(self, spec: ChartSpec, stats: QuestionStats) -> ChartSpec:
        """In a report for one respondent: the chart with their answer marked (its index in the labels; of a
        multiple-response set every option chosen) and named after the marks, so that respondents with the same
        answer share one drawing. Any other chart unchanged."""
        if self._reader() is None or spec.kind not in ("bar", "hist", "barh", "pie"):
            return spec
        return _marked(spec, _marks(spec, stats, self._questions.own(stats.question.id)))

    def highlighted_grouped(self, spec: ChartSpec, answers: Sequence[tuple[int | None, str]]) -> ChartSpec:
        """Bars per segment (`answers`: code and label of each category, in the order of the labels) with the band
        of the respondent's answer in a report for one respondent."""
        if self._reader() is None:
            return spec
        answer = self._questions.own(spec.question_id)
        if not answer.valid:
            return spec
        chosen = set(answer.labels) if answer.question.is_multiple else set()
        marks = tuple(
            index
            for index, (code, label) in enumerate(answers)
            if (label in chosen if answer.question.is_multiple else code in answer.codes)
        )
        return _marked(spec, marks)

    def highlighted_likert(self, spec: ChartSpec, items: Sequence[QuestionStats]) -> ChartSpec:
        """A Likert chart of `items` (in the order of its bars) with a mark at the respondent's answer to each, in a
        report for one respondent: per item the index of the scale point, -1 without a valid answer."""
        if self._reader() is None:
            return spec
        marks = []
        for stats in items:
            answer = self._questions.own(stats.question.id)
            codes = [row.code for row in valid_rows(stats)]
            marks.append(codes.index(answer.codes[0]) if answer.valid and answer.codes[0] in codes else -1)
        return spec if all(mark < 0 for mark in marks) else _marked(spec, tuple(marks))

    def _reader(self) -> int | None:
        """The respondent's row in a report for one respondent, else None."""
        focus = self._questions.focus
        return focus.unit.row if focus is not None and focus.unit.kind == "per" else None

    def _focus(self, helper: str) -> Focus:
        focus = self._questions.focus
        if focus is None:
            raise helper_error(
                f"{helper}() gibt es nur in Batch-Berichten (reportgen batch).",
                "Verwenden Sie es in den Kapiteln des Batch-Ordners ([batch] content, z. B. content-batch/).",
            )
        return focus

    def _per(self, helper: str) -> Focus:
        focus = self._focus(helper)
        if focus.unit.kind != "per":
            raise helper_error(
                f"{helper}() gibt es nur in Berichten je Befragtem (reportgen batch --per …), nicht je Segment.",
                "Im Segmentbericht zeigen versus() und compare_table() das Segment neben dem Gesamtergebnis.",
            )
        return focus

    def _by(self, helper: str) -> Focus:
        focus = self._focus(helper)
        if focus.unit.kind != "by":
            raise helper_error(
                f"{helper}() gibt es nur in Berichten je Segment (reportgen batch --by …).",
                "Im Bericht je Befragtem bildet same(…) eine Vergleichsgruppe.",
            )
        return focus

    def _group_name(self, where: Filter) -> str:
        return f"Vergleichsgruppe ({self._where_text(where)})" if where is not None else TOTAL

    def _own_text(self, answer: OwnAnswer) -> Markup:
        """An own answer as the reader sees it, marked as theirs; free text escaped (it is the respondent's)."""
        question, description = answer.question, own_provenance(answer.question.id)
        if not answer.answered:
            return provenance.mark(NO_ANSWER, description)
        if question.is_text:
            return provenance.mark(answer.text, description)
        if question.is_numeric:
            assert answer.value is not None
            value = quoted_float(answer.value, description)
            text = (
                fmt.number(value, question.decimals)
                if question.decimals is not None
                else fmt.integer_or_decimal(value, MEAN_DECIMALS)
            )
            return Markup(text + (f"{fmt.NBSP}{question.unit}" if question.unit else ""))
        if question.is_multiple:
            return provenance.mark(", ".join(answer.labels) or "keine der Optionen", description)
        label = display_label(question, answer.labels[0], answer.codes[0])
        return provenance.mark(label, description)

    def _compared_value(self, stats: QuestionStats, answer: OwnAnswer, where: Filter) -> Markup:
        """The group's value to set against an own answer: the mean, or the share of the own answer."""
        shown = self._questions.where_text(where)
        if self._measured(stats):
            return Markup("Mittelwert {}").format(self._mean(stats, where))
        if stats.question.is_text:
            raise helper_error(f"versus(): die Freitextfrage „{stats.question.id}“ lässt sich nicht vergleichen.")
        if stats.multiple is not None:
            table = quoting.multiple_table(stats, stats.multiple, shown)
            chosen = set(answer.labels)
            parts = [
                Markup("{} {}").format(fmt.percent(row.share, 0), row.label)
                for row in table.rows
                if row.label in chosen
            ]
            return Markup(", ").join(parts) if parts else Markup("n = {}").format(self._n(stats, where))
        if not answer.valid:
            return Markup("n = {}").format(self._n(stats, where))
        code = answer.codes[0]
        rows = quoting.selected(stats, [code])
        base = quoting.base_of(stats, shown)
        share = quoted_float(stats.share([code], []), provenance.share(stats.count([code]), base, quoting.which(rows)))
        label = display_label(stats.question, answer.labels[0], code)
        return Markup("{} {}").format(fmt.percent(share, 0), label)

    def _mean(self, stats: QuestionStats, where: Filter) -> Markup:
        value = quoting.descriptives(stats, self._questions.where_text(where)).mean
        if value is None:
            return Markup("–")
        question = stats.question
        decimals = question.decimals if question.is_numeric and question.decimals is not None else MEAN_DECIMALS
        text = fmt.number(value, decimals)
        return Markup(text + (f"{fmt.NBSP}{question.unit}" if question.unit else ""))

    def _n(self, stats: QuestionStats, where: Filter) -> Markup:
        return Markup(fmt.number(quoting.valid_count(stats, self._questions.where_text(where))))

    @staticmethod
    def _measured(stats: QuestionStats) -> bool:
        return stats.question.is_scale or stats.question.is_numeric


def _marked(spec: ChartSpec, marks: tuple[int, ...]) -> ChartSpec:
    """`spec` with `marks`, named after them („bar-strategie-ihr-4.svg“; -1, no answer to a likert item: „x“)."""
    if not marks:
        return spec
    names = ("x" if mark < 0 else str(mark) for mark in marks)
    key = "-".join(part for part in (spec.key, "ihr", *names) if part)
    return dataclasses.replace(spec, highlight=marks, highlight_label=OWN, key=key)


def _marks(spec: ChartSpec, stats: QuestionStats, answer: OwnAnswer) -> tuple[int, ...]:
    """The indexes in the chart's labels of the answer given: a category or scale point, a numeric item's class,
    the options of a set chosen (by label: a set's bars may be ordered by frequency)."""
    if not answer.valid:
        return ()
    question = stats.question
    if spec.kind == "barh":
        chosen = set(answer.labels)
        return tuple(index for index, label in enumerate(spec.labels) if label in chosen)
    if spec.kind == "hist":
        assert answer.value is not None
        bins = question.bins
        index = sum(1 for bound in bins if bound <= answer.value) - 1
        return (index,) if 0 <= index < len(spec.labels) else ()
    rows = [row for row in valid_rows(stats) if spec.kind != "pie" or row.count]
    return tuple(index for index, row in enumerate(rows) if row.code in answer.codes)
