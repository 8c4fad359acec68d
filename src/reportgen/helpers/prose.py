"""Survey numbers in the prose: counts, shares, means and labels, formatted the German way."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from .. import fmt
from .lookup import Code, Questions, checked_codes, checked_decimals, helper_error, unknown_code
from .registry import Example, helper


class ProseNumbers:
    """The prose helpers; every one returns text for the sentence or raises a ContentError, never an empty string."""

    def __init__(self, questions: Questions) -> None:
        self._questions = questions

    @helper(
        group="prose",
        examples=[Example("n()", "25"), Example('n("beschaeftigte")', "11", "valid answers to a question")],
    )
    def n(self, question_id: str | None = None) -> str:
        """Respondents, or the valid answers to one question."""
        if question_id is None:
            return fmt.number(self._questions.respondents)
        return fmt.number(self._questions.get(question_id).frequencies.valid)

    @helper(group="prose", examples=[Example('missing("beschaeftigte")', "14")])
    def missing(self, question_id: str) -> str:
        """Missing answers to a question (empty cells and missing codes)."""
        return fmt.number(self._questions.get(question_id).frequencies.missing)

    @helper(group="prose", examples=[Example('count("strategie", 4, 5)', "21")])
    def count(self, question_id: str, *codes: Code) -> str:
        """Answers with these codes (or exact category labels)."""
        stats = self._questions.get(question_id)
        return fmt.number(stats.count(checked_codes(stats, codes, "count")))

    @helper(
        group="prose",
        examples=[
            Example('share("strategie", 4, 5)', "84 %"),
            Example('share("strategie", 4, 5, decimals=1)', "84,0 %", "the same with one decimal"),
            Example(
                'share("strategie", 4, 5, exclude=[3])',
                "88 %",
                "explicit other base: code 3 left out of the denominator",
            ),
        ],
    )
    def share(self, question_id: str, *codes: Code, exclude: Iterable[Code] = (), decimals: int = 0) -> str:
        """Share of all valid answers with these codes, whole percent; `exclude=` leaves codes out of the base."""
        stats = self._questions.get(question_id)
        decimals = checked_decimals(decimals, "share")
        wanted = checked_codes(stats, codes, "share")
        excluded = checked_codes(stats, tuple(exclude), "share", allow_empty=True)
        if set(wanted) & set(excluded):
            raise helper_error("share(): ein Code kann nicht zugleich gezählt und ausgeschlossen werden.")
        try:
            return fmt.percent(stats.share(wanted, excluded), decimals)
        except ZeroDivisionError:
            raise helper_error(
                f"share(): „{question_id}“ hat keine gültigen Antworten als Basis.",
                "Prüfen Sie die Daten oder das exclude-Argument.",
            ) from None

    @helper(group="prose", examples=[Example('mean("zukunft")', "4,44")])
    def mean(self, question_id: str, decimals: int = 2) -> str:
        """Mean of a scale question's valid answers, two decimals."""
        return fmt.number(self._descriptive(question_id, "mean"), checked_decimals(decimals, "mean"))

    @helper(group="prose", examples=[Example('sd("zukunft")', "1,08")])
    def sd(self, question_id: str, decimals: int = 2) -> str:
        """Sample standard deviation (n − 1) of a scale question, two decimals."""
        return fmt.number(self._descriptive(question_id, "sd"), checked_decimals(decimals, "sd"))

    @helper(group="prose", examples=[Example('label("strategie")', "Strategische Bedeutung der Ressourceneffizienz")])
    def label(self, question_id: str) -> str:
        """The question's short label from the codebook."""
        return self._questions.get(question_id).question.label

    @helper(group="prose", examples=[Example('category("position", 2)', "Manager/in")])
    def category(self, question_id: str, code: Code) -> str:
        """The label of one of the question's codes."""
        stats = self._questions.get(question_id)
        for category in stats.question.categories:
            if category.code == code and not isinstance(code, bool):
                return category.label
        for category in stats.question.categories:
            if category.label == code:
                raise helper_error(
                    f"category(): „{code}“ ist eine Beschriftung, kein Code der Frage „{question_id}“.",
                    f'Schreiben Sie category("{question_id}", {category.code}) oder den Text „{code}“ direkt.',
                )
        raise unknown_code(stats, code, "category")

    @helper(group="prose", examples=[Example('mode("position")', "Manager/in")])
    def mode(self, question_id: str) -> str:
        """The label of the most frequent answer; an error if there are no valid answers or a tie for first."""
        stats = self._questions.get(question_id)
        top = max((row.count for row in stats.frequencies.rows), default=0)
        if not stats.frequencies.valid or not top:
            raise helper_error(
                f"mode(): „{question_id}“ hat keine gültigen Antworten, also keinen häufigsten Wert.",
                "Prüfen Sie die Daten oder entfernen Sie den Aufruf.",
            )
        leaders = [row.label for row in stats.frequencies.rows if row.count == top]
        if len(leaders) > 1:
            # Naming one of them would state a fact the data do not support.
            named = " und ".join(f"„{label}“" for label in leaders)
            raise helper_error(
                f"mode(): „{question_id}“ hat keinen eindeutigen häufigsten Wert: {named} kommen je {top}-mal vor.",
                f'Nennen Sie die Werte einzeln, z. B. mit category("{question_id}", …) und count("{question_id}", …).',
            )
        return leaders[0]

    @helper(group="prose", examples=[Example('scale_min("strategie")', "0")])
    def scale_min(self, question_id: str) -> str:
        """The lowest point of a scale question."""
        return fmt.number(self._questions.scale(question_id).question.codes[0])

    @helper(group="prose", examples=[Example('scale_max("strategie")', "5")])
    def scale_max(self, question_id: str) -> str:
        """The highest point of a scale question."""
        return fmt.number(self._questions.scale(question_id).question.codes[-1])

    @helper(group="prose", examples=[Example('scale_points("strategie")', "6")])
    def scale_points(self, question_id: str) -> str:
        """The number of points of a scale question."""
        return fmt.number(len(self._questions.scale(question_id).question.codes))

    def _descriptive(self, question_id: str, name: Literal["mean", "sd"]) -> float:
        descriptives = self._questions.scale(question_id).descriptives
        value = descriptives.mean if name == "mean" else descriptives.sd
        if value is None:
            raise helper_error(f"„{question_id}“ hat zu wenige gültige Antworten für {name}().")
        return value
