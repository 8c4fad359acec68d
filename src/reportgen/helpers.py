"""The functions editors call in content/*.md: numbers from the statistics, tables, charts, citations."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from . import fmt

if TYPE_CHECKING:
    from jinja2 import Environment

    from .references import Reference
    from .stats import QuestionStats, SurveyStats


@dataclass(frozen=True)
class ChartRequest:
    """A chart a content file asked for: its kind and question."""

    kind: str
    question_id: str

    @property
    def file_name(self) -> str:
        return f"{self.kind}-{self.question_id}.svg"


class HelperError(Exception):
    """A wrong helper call; the content module adds the file and line."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class Helpers:
    """Holds what the helpers need and what they record (charts, figure and table numbers)."""

    def __init__(
        self, stats: SurveyStats, references: dict[str, Reference], cited: list[str], partials: Environment
    ) -> None:
        self._stats = stats
        self._references = references
        self._cited = cited
        self._partials = partials
        self.charts: list[ChartRequest] = []
        self.questions_used: set[str] = set()
        self._figures = 0
        self._tables = 0

    def namespace(self) -> dict[str, Callable[..., Any]]:
        return {name: getattr(self, name) for name in self.names()}

    @staticmethod
    def names() -> list[str]:
        return [
            "n", "missing", "count", "share", "mean", "sd", "label", "category", "mode",
            "scale_min", "scale_max", "scale_points", "descriptives_table", "frequency_table",
            "bar_chart", "pie_chart", "bibliography",
        ]  # fmt: skip

    # numbers in the prose

    def n(self, question_id: str | None = None) -> str:
        """Respondents, or valid answers to one question."""
        if question_id is None:
            return fmt.number(self._stats.respondents)
        return fmt.number(self._question(question_id).frequencies.valid)

    def missing(self, question_id: str) -> str:
        return fmt.number(self._question(question_id).frequencies.missing)

    def count(self, question_id: str, *codes: int | str) -> str:
        stats = self._question(question_id)
        return fmt.number(stats.count(self._codes(stats, codes, "count")))

    def share(self, question_id: str, *codes: int | str, exclude: Iterable[int | str] = (), decimals: int = 0) -> str:
        """Share of all valid answers with these codes; `exclude` drops codes from the base."""
        stats = self._question(question_id)
        wanted = self._codes(stats, codes, "share")
        excluded = self._codes(stats, tuple(exclude), "share", allow_empty=True)
        if set(wanted) & set(excluded):
            raise HelperError("share(): ein Code kann nicht zugleich gezählt und ausgeschlossen werden.")
        try:
            return fmt.percent(stats.share(wanted, excluded), decimals)
        except ZeroDivisionError:
            raise HelperError(
                f"share(): „{question_id}“ hat keine gültigen Antworten als Basis.",
                "Prüfen Sie die Daten oder das exclude-Argument.",
            ) from None

    def mean(self, question_id: str, decimals: int = 2) -> str:
        return fmt.number(self._scale_value(question_id, "mean"), decimals)

    def sd(self, question_id: str, decimals: int = 2) -> str:
        return fmt.number(self._scale_value(question_id, "sd"), decimals)

    def label(self, question_id: str) -> str:
        return self._question(question_id).question.label

    def category(self, question_id: str, code: int) -> str:
        stats = self._question(question_id)
        (code,) = self._codes(stats, (code,), "category")
        return stats.question.label_of(code)

    def mode(self, question_id: str) -> str:
        rows = self._question(question_id).frequencies.rows
        return max(rows, key=lambda row: row.count).label if rows else ""

    def scale_min(self, question_id: str) -> str:
        return fmt.number(self._scale(question_id).codes[0])

    def scale_max(self, question_id: str) -> str:
        return fmt.number(self._scale(question_id).codes[-1])

    def scale_points(self, question_id: str) -> str:
        return fmt.number(len(self._scale(question_id).codes))

    # blocks

    def descriptives_table(
        self, caption: str = "Deskriptive Kennwerte der Befragung", questions: Iterable[str] | None = None
    ) -> Markup:
        ids = (
            list(questions)
            if questions is not None
            else [qid for qid, stats in self._stats.questions.items() if stats.question.kind != "text"]
        )
        rows = [self._question(qid) for qid in ids]
        return self._block("descriptives_table.html.j2", number=self._next_table(), caption=caption, rows=rows)

    def frequency_table(self, question_id: str, caption: str | None = None) -> Markup:
        stats = self._question(question_id)
        return self._block(
            "frequency_table.html.j2", number=self._next_table(), caption=caption or stats.question.label, stats=stats
        )

    def bar_chart(self, question_id: str, caption: str | None = None) -> Markup:
        return self._chart("bar", question_id, caption)

    def pie_chart(self, question_id: str, caption: str | None = None) -> Markup:
        return self._chart("pie", question_id, caption)

    def bibliography(self) -> Markup:
        entries = sorted((self._references[key] for key in self._cited), key=lambda ref: ref.sort_key)
        return self._block("bibliography.html.j2", entries=entries)

    # internals

    def _chart(self, kind: str, question_id: str, caption: str | None) -> Markup:
        stats = self._question(question_id)
        if kind == "pie" and not stats.frequencies.valid:
            raise HelperError(
                f"pie_chart(): „{question_id}“ hat keine gültigen Antworten, ein Kreisdiagramm bliebe leer.",
                "Entfernen Sie den Aufruf oder verwenden Sie frequency_table().",
            )
        request = ChartRequest(kind, question_id)
        if request not in self.charts:
            self.charts.append(request)
        self._figures += 1
        return self._block(
            "figure.html.j2",
            number=self._figures,
            kind=kind,
            src=f"charts/{request.file_name}",
            caption=caption or stats.question.label,
            stats=stats,
        )

    def _block(self, template: str, **context: Any) -> Markup:
        html = self._partials.get_template(template).render(**context)
        # An HTML block in Markdown ends at a blank line: keep the block in one piece.
        return Markup("\n" + "\n".join(line for line in html.splitlines() if line.strip()) + "\n")

    def _next_table(self) -> int:
        self._tables += 1
        return self._tables

    def _question(self, question_id: Any) -> QuestionStats:
        if question_id not in self._stats.questions:
            known = ", ".join(self._stats.questions)
            raise HelperError(f"Unbekannte Frage „{question_id}“.", f"Bekannte Fragen (Codebuch): {known}.")
        self.questions_used.add(question_id)
        return self._stats.questions[question_id]

    def _scale(self, question_id: str) -> Any:
        question = self._question(question_id).question
        if not question.is_scale:
            raise HelperError(
                f"„{question_id}“ ist keine Skalenfrage.",
                'Mittelwert, SD und Skalenpunkte gibt es nur für kind = "scale".',
            )
        return question

    def _scale_value(self, question_id: str, name: str) -> float:
        self._scale(question_id)
        value = getattr(self._question(question_id).descriptives, name)
        if value is None:
            raise HelperError(f"„{question_id}“ hat zu wenige gültige Antworten für {name}().")
        return value

    def _codes(self, stats: QuestionStats, codes: tuple, helper: str, allow_empty: bool = False) -> list[int | str]:
        if not codes and not allow_empty:
            raise HelperError(f'{helper}() braucht mindestens einen Code, z. B. {helper}("{stats.question.id}", 4, 5).')
        known_codes = set(stats.question.codes)
        known_labels = {row.label for row in stats.frequencies.rows} | {c.label for c in stats.question.categories}
        for code in codes:
            if code not in known_codes and code not in known_labels:
                allowed = ", ".join(str(c) for c in stats.question.codes) or ", ".join(sorted(known_labels))
                raise HelperError(
                    f"{helper}(): „{code}“ ist kein Code der Frage „{stats.question.id}“.", f"Erlaubt sind: {allowed}."
                )
        return list(codes)
