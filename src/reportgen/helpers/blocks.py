"""The blocks editors place on their own line: numbered tables and figures, and the bibliography."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from markupsafe import Markup

from ..charts import ChartSpec, chart_spec
from .lookup import Questions, helper_error
from .registry import Example, helper

if TYPE_CHECKING:
    from jinja2 import Environment

    from ..references import Reference

# What bibliography() leaves in the chapter: content.py swaps it for render_bibliography() once every chapter
# is rendered and every citation is known. An HTML block of its own, so Markdown passes it through untouched.
BIBLIOGRAPHY_MARKER = Markup('\n<div class="bibliography-placeholder"></div>\n')


class BlockBuilders:
    """The block helpers; table and figure numbers run across every call of one build."""

    def __init__(
        self, questions: Questions, references: Mapping[str, Reference], partials: Environment, charts_href: str
    ) -> None:
        self._questions = questions
        self._references = references
        self._partials = partials
        self._charts_href = charts_href
        self._charts: dict[str, ChartSpec] = {}
        self._tables = 0
        self._figures = 0

    @property
    def charts(self) -> tuple[ChartSpec, ...]:
        """The charts asked for, in order of first call, each once."""
        return tuple(self._charts.values())

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
        self, caption: str = "Deskriptive Kennwerte der Befragung", questions: Iterable[str] | None = None
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
        rows = [self._questions.get(qid) for qid in ids]
        return self._block("descriptives_table.html.j2", number=self._next_table(), caption=caption, rows=rows)

    @helper(group="block", examples=[Example('frequency_table("strategie")')])
    def frequency_table(self, question_id: str, caption: str | None = None) -> Markup:
        """Häufigkeit, Prozent, Gültige / Kumulierte Prozente, Fehlend, Gesamt of one question."""
        stats = self._questions.get(question_id)
        caption = caption or stats.question.label
        return self._block("frequency_table.html.j2", number=self._next_table(), caption=caption, stats=stats)

    @helper(group="block", examples=[Example('bar_chart("strategie")')])
    def bar_chart(self, question_id: str, caption: str | None = None) -> Markup:
        """Bar chart: counts per answer, percentage above each bar."""
        return self._chart("bar", question_id, caption)

    @helper(group="block", examples=[Example('pie_chart("position")')])
    def pie_chart(self, question_id: str, caption: str | None = None) -> Markup:
        """Pie chart with legend; an error if the question has no valid answers."""
        return self._chart("pie", question_id, caption)

    @helper(group="block", examples=[Example("bibliography()")])
    def bibliography(self) -> Markup:
        """The Literaturverzeichnis: every entry cited anywhere in the report, by author, year and title."""
        return BIBLIOGRAPHY_MARKER

    def render_bibliography(self, cited: Sequence[str]) -> Markup:
        """The Literaturverzeichnis block for the cited keys (all known: unknown ones are reported at their line),
        sorted by author, year and title."""
        entries = sorted((self._references[key] for key in dict.fromkeys(cited)), key=lambda ref: ref.sort_key)
        return self._block("bibliography.html.j2", entries=entries)

    def _chart(self, kind: str, question_id: str, caption: str | None) -> Markup:
        stats = self._questions.get(question_id)
        if kind == "pie" and not stats.frequencies.valid:
            raise helper_error(
                f"pie_chart(): „{question_id}“ hat keine gültigen Antworten, ein Kreisdiagramm bliebe leer.",
                "Entfernen Sie den Aufruf oder verwenden Sie frequency_table().",
            )
        spec = chart_spec(kind, stats)
        self._charts.setdefault(spec.name, spec)
        self._figures += 1
        return self._block(
            "figure.html.j2",
            number=self._figures,
            kind=kind,
            src=self._charts_href + spec.name,
            caption=caption or stats.question.label,
            stats=stats,
        )

    def _block(self, template: str, **context: object) -> Markup:
        html = self._partials.get_template(template).render(**context)
        # An HTML block in Markdown ends at a blank line: keep the block in one piece.
        return Markup("\n" + "\n".join(line for line in html.splitlines() if line.strip()) + "\n")

    def _next_table(self) -> int:
        self._tables += 1
        return self._tables
