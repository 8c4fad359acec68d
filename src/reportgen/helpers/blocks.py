"""The blocks editors place on their own line: numbered tables and figures, the bibliography and the lists of
figures and tables."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from ..breakdown import AnalysisRules
from ..charts import ChartSpec
from ..charts_describe import describe_highlight
from ..crossrefs import Listed
from ..targets import LABEL, DuplicateLabelError, Numbered, Target, Targets
from . import quoting
from .batch_compare import BatchBlocks
from .comparisons import ComparisonBlocks, Filter, chart_key, shared_value_axis
from .lookup import Questions, helper_error, needs_bins
from .registry import Example, helper
from .views import CHART_NAMES, MULTIPLE_NOTE, MeasureView, chart_view, frequency_view, measure_view

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..bibliography import BibliographyEntry
    from ..references import Reference

# What bibliography() leaves in the chapter: content.py swaps it for render_bibliography() once every chapter
# is rendered and every citation is known. An HTML block of its own, so Markdown passes it through untouched.
BIBLIOGRAPHY_MARKER = Markup('\n<div class="bibliography-placeholder"></div>\n')
# What list_of_figures() and list_of_tables() leave: swapped for the lists once every figure has its number.
LIST_MARKERS: dict[Numbered, Markup] = {
    kind: Markup(f'\n<div class="list-placeholder" data-list="{kind}"></div>\n') for kind in ("abb", "tab")
}


class BlockBuilders(ComparisonBlocks, BatchBlocks):
    """The block helpers; their tables and figures are registered with `targets`, which numbers them in the
    order they stand in the report."""

    def __init__(
        self,
        questions: Questions,
        references: Mapping[str, Reference],
        partials: Environment,
        charts_href: str,
        targets: Targets,
        rules: AnalysisRules | None = None,
    ) -> None:
        self._rules = rules or AnalysisRules()
        self._questions = questions
        self._references = references
        self._partials = partials
        self._charts_href = charts_href
        self._targets = targets
        self._charts: dict[str, ChartSpec] = {}

    @property
    def charts(self) -> tuple[ChartSpec, ...]:
        """The charts asked for, in order of first call, each once; bars per segment share one value axis."""
        return shared_value_axis(tuple(self._charts.values()))

    @helper(
        group="block",
        examples=[
            Example("descriptives_table()"),
            Example(
                'descriptives_table(questions=["strategie", "zukunft"], caption="…")',
                note="the same for some questions",
            ),
        ],
    )
    def descriptives_table(
        self,
        caption: str = "Deskriptive Kennwerte der Befragung",
        questions: Iterable[str] | None = None,
        label: str | None = None,
        where: Filter = None,
    ) -> Markup:
        """Tabelle „Deskriptive Kennwerte der Befragung“: Gültig, Fehlend, Mittelwert, SD, Min, Max (no free text)."""
        if isinstance(questions, str):
            raise helper_error(
                "descriptives_table(): questions= ist eine Liste von Fragen.",
                f'Schreiben Sie questions=["{questions}"].',
            )
        ids = list(questions) if questions is not None else self._questions.ids(with_text=False)
        if not ids:
            raise helper_error(
                "descriptives_table(): keine Frage für die Tabelle.", "Nennen Sie Fragen in questions=[…]."
            )
        shown = self._questions.where_text(where)
        rows = [measure_view(self._questions.get(qid, where), shown) for qid in ids]
        self._no_extremes("descriptives_table", rows)
        caption = self._filtered(caption, where)
        target = self._target("tab", caption, label)
        return self._block("descriptives_table.html.j2", number=target.number, caption=caption, rows=rows)

    @helper(
        group="block",
        examples=[
            Example('numeric_table("budget")'),
            Example('numeric_table("budget", "zufriedenheit", caption="…")', note="several items, a row each"),
        ],
    )
    def numeric_table(
        self, *question_ids: str, caption: str | None = None, label: str | None = None, where: Filter = None
    ) -> Markup:
        """Kennwerte of numeric items: Gültig, Fehlend, Mittelwert, SD, Minimum, Quartile, Median, Maximum."""
        ids = list(question_ids) or [qid for qid in self._questions.ids() if self._questions.kind(qid) == "numeric"]
        if not ids:
            raise helper_error(
                "numeric_table(): das Codebuch hat keine Zahlenfrage.", 'Nennen Sie Fragen: numeric_table("…").'
            )
        shown = self._questions.where_text(where)
        rows = [measure_view(self._questions.measured(qid, "numeric_table", where), shown) for qid in ids]
        self._no_extremes("numeric_table", rows)
        caption = caption or (rows[0].stats.question.label if len(rows) == 1 else "Kennwerte der Zahlenangaben")
        caption = self._filtered(caption, where)
        automatic = ids[0] if len(ids) == 1 and not where else ""
        target = self._target("tab", caption, label, automatic=automatic)
        return self._block("numeric_table.html.j2", number=target.number, caption=caption, rows=rows)

    @helper(
        group="block",
        examples=[
            Example('frequency_table("strategie")'),
            Example('frequency_table("themen")', note="multiple response: % of Befragte and of Nennungen, the base"),
            Example('frequency_table("budget")', note="numeric: the classes of its `bins`"),
        ],
    )
    def frequency_table(
        self, question_id: str, caption: str | None = None, label: str | None = None, where: Filter = None
    ) -> Markup:
        """Häufigkeit, Prozent, Gültige / Kumulierte Prozente, Fehlend, Gesamt; numeric items by their bins."""
        stats = self._questions.get(question_id, where)
        needs_bins(stats, "frequency_table")
        caption = self._filtered(caption or stats.question.label, where)
        target = self._target("tab", caption, label, automatic="" if where else question_id)
        if stats.multiple is not None:
            return self._block(
                "multiple_table.html.j2",
                number=target.number,
                caption=caption,
                stats=stats,
                table=quoting.multiple_table(stats, stats.multiple, self._questions.where_text(where)),
                note=MULTIPLE_NOTE,
            )
        view = frequency_view(stats, self._questions.where_text(where))
        return self._block("frequency_table.html.j2", number=target.number, caption=caption, view=view)

    @helper(group="block", examples=[Example('answers("position_sonstiges")')])
    def answers(
        self, question_id: str, caption: str | None = None, label: str | None = None, where: Filter = None
    ) -> Markup:
        """The open answers to a free-text question, alphabetically, each once with how often it was given."""
        stats = self._questions.get(question_id, where)
        if not stats.question.is_text:
            raise helper_error(
                f"answers(): „{question_id}“ ist keine Freitextfrage.",
                f'Offene Antworten gibt es nur für kind = "text"; für „{question_id}“ passt '
                f'frequency_table("{question_id}").',
            )
        table = quoting.answers_table(
            stats, stats.answers if stats.answers is not None else stats.frequencies, self._questions.where_text(where)
        )
        caption = self._filtered(caption or stats.question.label, where)
        target = self._target("tab", caption, label, automatic=question_id)
        return self._block("answers.html.j2", number=target.number, caption=caption, stats=stats, table=table)

    @helper(
        group="block",
        examples=[
            Example('bar_chart("strategie")'),
            Example('bar_chart("strategie", label="ziel")', note="named for cross-references: `@abb-ziel`"),
            Example('bar_chart("themen")', note="multiple response: a horizontal bar per option, % of the base"),
            Example('bar_chart("budget")', note="numeric: a histogram of the classes of its `bins`"),
        ],
    )
    def bar_chart(
        self,
        question_id: str,
        caption: str | None = None,
        label: str | None = None,
        where: Filter = None,
        by: str | None = None,
        ci: bool = False,
    ) -> Markup:
        """Bar chart: counts per answer and percentages; numeric items by bins, multiple responses horizontal."""
        if by is not None:
            return self._grouped_chart(question_id, by, where, caption, label, ci)
        if ci:
            raise helper_error("bar_chart(): Fehlerbalken (ci=True) gibt es für Balken je Gruppe (by=…).")
        return self._chart("bar", question_id, caption, label, where)

    @helper(group="block", examples=[Example('pie_chart("position")')])
    def pie_chart(
        self, question_id: str, caption: str | None = None, label: str | None = None, where: Filter = None
    ) -> Markup:
        """Pie chart with legend; an error if the question has no valid answers."""
        return self._chart("pie", question_id, caption, label, where)

    @helper(group="block", examples=[Example("bibliography()")])
    def bibliography(self) -> Markup:
        """The Literaturverzeichnis: every source cited anywhere in the report, as the citation style lists it."""
        return BIBLIOGRAPHY_MARKER

    def render_bibliography(self, entries: Sequence[BibliographyEntry]) -> Markup:
        """The Literaturverzeichnis block: the entries of every cited source, formatted and ordered by the citation
        style (bibliography.format_citations)."""
        return self._block("bibliography.html.j2", entries=entries)

    @helper(group="block", examples=[Example("list_of_figures()")])
    def list_of_figures(self) -> Markup:
        """The Abbildungsverzeichnis: number, caption and page of every figure (charts and captioned images)."""
        return LIST_MARKERS["abb"]

    @helper(group="block", examples=[Example("list_of_tables()")])
    def list_of_tables(self) -> Markup:
        """The Tabellenverzeichnis: number, caption and page of every table (helpers' and captioned Markdown)."""
        return LIST_MARKERS["tab"]

    def render_list(self, kind: Numbered, entries: Sequence[Listed]) -> Markup:
        """The Abbildungs- or Tabellenverzeichnis block for the numbered `entries`, to replace its marker."""
        return self._block("target_list.html.j2", kind=kind, entries=entries)

    def _chart(self, kind: str, question_id: str, caption: str | None, label: str | None, where: Filter) -> Markup:
        stats = self._questions.get(question_id, where)
        helper = f"{kind}_chart"
        needs_bins(stats, helper)
        if kind == "pie" and stats.question.is_multiple:
            raise helper_error(
                f"pie_chart(): „{question_id}“ erlaubt Mehrfachnennungen; ihre Anteile ergeben zusammen mehr als "
                "100 %, also kein Kreisdiagramm.",
                f'Verwenden Sie bar_chart("{question_id}").',
            )
        if kind == "pie" and not stats.frequencies.valid:
            raise helper_error(
                f"pie_chart(): „{question_id}“ hat keine gültigen Antworten, ein Kreisdiagramm bliebe leer.",
                "Entfernen Sie den Aufruf oder verwenden Sie frequency_table().",
            )
        if kind == "bar" and stats.question.is_multiple:
            kind = "barh"
        elif kind == "bar" and stats.question.is_numeric:
            kind = "hist"
        view = chart_view(kind, stats, self._questions.where_text(where))
        if where:
            view = dataclasses.replace(
                view, spec=dataclasses.replace(view.spec, key=chart_key(kind, [question_id], where))
            )
        view = dataclasses.replace(view, spec=self.highlighted(view.spec, stats))
        caption = self._filtered(caption or stats.question.label, where)
        target = self._target("abb", caption, label, automatic="" if where else question_id)
        self._charts.setdefault(view.spec.name, view.spec)
        return self._block(
            "figure.html.j2",
            number=target.number,
            kind=kind,
            name=CHART_NAMES[kind],
            src=self._charts_href + view.spec.name,
            caption=caption,
            stats=stats,
            view=view,
            marked=describe_highlight(view.spec),
        )

    def _no_extremes(self, helper: str, rows: Sequence[MeasureView]) -> None:
        """In a batch report, the smallest and largest answer to a numeric item (a table's Minimum and Maximum)
        are one respondent's exact value: refused, as minimum() and maximum() are."""
        numeric = [row.stats.question.id for row in rows if row.stats.question.is_numeric]
        if numeric and self._questions.focus is not None:
            raise helper_error(
                f"{helper}(): Minimum und Maximum der Zahlenfrage „{numeric[0]}“ sind Werte einzelner Befragter; "
                "ein Batch-Bericht zeigt sie nicht (Anonymität).",
                f'Nennen Sie den Mittelwert mit mean("{numeric[0]}") oder zeigen Sie die Klassen mit '
                f'frequency_table("{numeric[0]}").',
            )

    def _filtered(self, caption: str, where: Filter) -> str:
        """A caption that says which respondents a filtered block shows."""
        return f"{caption} – Teilgruppe: {self._where_text(where)}" if where else caption

    def _target(self, kind: Numbered, caption: str, label: str | None, automatic: str = "") -> Target:
        """Register the block; a label given with label= must be a name and new for its kind."""
        if label is not None and not (isinstance(label, str) and LABEL.fullmatch(label)):
            raise helper_error(
                f"label={label!r} ist kein Name für Verweise.",
                'Schreiben Sie Buchstaben, Ziffern, „-“ und „_“, z. B. label="ziel-2030".',
            )
        try:
            return self._targets.add(kind, escape(caption), label or automatic, explicit=label is not None)
        except DuplicateLabelError as error:
            raise helper_error(str(error), 'Wählen Sie mit label="…" einen anderen Namen.') from None

    def _block(self, template: str, **context: object) -> Markup:
        html = self._partials.get_template(template).render(**context)
        # An HTML block in Markdown ends at a blank line: keep the block in one piece.
        return Markup("\n" + "\n".join(line for line in html.splitlines() if line.strip()) + "\n")
