"""Survey numbers in the prose: counts, shares, means and labels, formatted the German way."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Literal

from .. import fmt, provenance
from ..breakdown import AnalysisRules
from ..provenance import quoted_float, quoted_int
from . import quoting
from .lookup import Code, Questions, checked_codes, checked_decimals, helper_error, needs_bins, unknown_code
from .prose_compare import ComparisonNumbers
from .registry import Example, helper
from .views import MEAN_DECIMALS, base, valid_rows

if TYPE_CHECKING:
    from ..stats import MultipleRow, QuestionStats

Filter = Mapping[str, object] | None  # where= of every helper, see subgroups.py
Measure = Literal["mean", "sd", "median", "q1", "q3", "minimum", "maximum"]
# The quartile(question_id, which) an editor asks for, and the descriptive that holds it.
QUARTILES: dict[object, Measure] = {1: "q1", 2: "median", 3: "q3"}


class ProseNumbers(ComparisonNumbers):
    """The prose helpers; every one returns text for the sentence or raises a ContentError, never an empty string."""

    def __init__(self, questions: Questions, rules: AnalysisRules | None = None) -> None:
        self._questions = questions
        self._rules = rules or AnalysisRules()

    @helper(
        group="prose",
        examples=[
            Example("n()", "25"),
            Example('n("beschaeftigte")', "11", "valid answers to a question"),
            Example('n("themen")', "10", "multiple response: the respondents who answered the set (the base)"),
        ],
    )
    def n(self, question_id: str | None = None, where: Filter = None) -> str:
        """Respondents, or the valid answers to one question (of a multiple-response set: its base)."""
        if question_id is None:
            size = self._questions.respondents if where is None else self._questions.size(where)
            return fmt.number(quoted_int(size, provenance.respondents(size, self._questions.where_text(where))))
        stats = self._questions.get(question_id, where)
        return fmt.number(quoting.valid_count(stats, self._questions.where_text(where)))

    @helper(group="prose", examples=[Example('missing("beschaeftigte")', "14")])
    def missing(self, question_id: str, where: Filter = None) -> str:
        """Missing answers to a question (empty cells, missing codes and categories such as „weiß nicht“)."""
        stats = self._questions.get(question_id, where)
        return fmt.number(quoting.missing_count(stats, self._questions.where_text(where)))

    @helper(
        group="prose",
        examples=[
            Example('count("strategie", 4, 5)', "21"),
            Example('count("themen", "Digitalisierung")', "6", "multiple response: respondents who chose the option"),
            Example('count("weiterempfehlung", 9)', "2", "a category that counts as missing („weiß nicht“)"),
        ],
    )
    def count(self, question_id: str, *codes: Code, where: Filter = None) -> str:
        """Answers with these codes (or exact category labels); of a multiple-response set one option."""
        stats = self._questions.get(question_id, where)
        base = quoting.base_of(stats, self._questions.where_text(where))
        if stats.multiple is not None:
            option = self._option(stats, codes, "count")
            return fmt.number(
                quoted_int(option.count, provenance.count(option.count, base, f"Option „{option.label}“"))
            )
        wanted = checked_codes(stats, codes, "count")
        rows, number = quoting.selected(stats, wanted), stats.count(wanted)
        if any(row.missing for row in rows):  # „weiß nicht“ is outside the valid answers
            base = dataclasses.replace(base, valid=stats.frequencies.total, noun="Befragten")
        return fmt.number(quoted_int(number, provenance.count(number, base, quoting.which(rows))))

    @helper(group="prose", examples=[Example('mentions("themen")', "15")])
    def mentions(self, question_id: str, where: Filter = None) -> str:
        """All options chosen in a multiple-response set, summed over its respondents (Nennungen)."""
        stats = self._questions.multiple(question_id, "mentions", where)
        assert stats.multiple is not None
        table = quoting.multiple_table(stats, stats.multiple, self._questions.where_text(where))
        return fmt.number(table.mentions)

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
            Example(
                'share("themen", "Digitalisierung")',
                "60 %",
                "multiple response: one option, of the respondents who answered the set",
            ),
        ],
    )
    def share(
        self, question_id: str, *codes: Code, exclude: Iterable[Code] = (), decimals: int = 0, where: Filter = None
    ) -> str:
        """Share of all valid answers with these codes, whole percent; `exclude=` leaves codes out of the base."""
        stats = self._questions.get(question_id, where)
        decimals = checked_decimals(decimals, "share")
        if stats.multiple is not None:
            if tuple(exclude):
                raise helper_error(
                    "share(): exclude= gibt es bei Mehrfachnennungen nicht.",
                    "Die Basis sind alle Befragten, die die Frage beantwortet haben.",
                )
            option = self._option(stats, codes, "share")
            described = quoting.multiple_table(stats, stats.multiple, self._questions.where_text(where))
            return fmt.percent(next(row.share for row in described.rows if row.label == option.label), decimals)
        wanted = checked_codes(stats, codes, "share")
        excluded = checked_codes(stats, tuple(exclude), "share", allow_empty=True)
        if set(wanted) & set(excluded):
            raise helper_error("share(): ein Code kann nicht zugleich gezählt und ausgeschlossen werden.")
        _outside_the_base(stats, [*wanted, *excluded])
        try:
            return fmt.percent(
                quoted_float(stats.share(wanted, excluded), self._share_text(stats, wanted, excluded, where)), decimals
            )
        except ZeroDivisionError:
            raise helper_error(
                f"share(): „{question_id}“ hat keine gültigen Antworten als Basis.",
                "Prüfen Sie die Daten oder das exclude-Argument.",
            ) from None

    @helper(
        group="prose",
        examples=[
            Example('mean("zukunft")', "4,44"),
            Example('mean("budget")', "1.205 €", "numeric: the codebook's `decimals` and `unit`"),
            Example('mean("budget", unit=False)', "1.205", "without the unit"),
        ],
    )
    def mean(self, question_id: str, decimals: int | None = None, unit: bool = True, where: Filter = None) -> str:
        """Mean of a scale or numeric item, two decimals (numeric: the codebook's `decimals` and `unit`)."""
        return self._measure(question_id, "mean", "mean", decimals, unit, where)

    @helper(group="prose", examples=[Example('sd("zukunft")', "1,08")])
    def sd(self, question_id: str, decimals: int | None = None, unit: bool = True, where: Filter = None) -> str:
        """Sample standard deviation (n − 1) of a scale or numeric item, like mean()."""
        return self._measure(question_id, "sd", "sd", decimals, unit, where)

    @helper(group="prose", examples=[Example('median("zukunft")', "5"), Example('median("budget")', "950 €")])
    def median(self, question_id: str, decimals: int | None = None, unit: bool = True, where: Filter = None) -> str:
        """Median of a scale or numeric item; whole numbers without decimals, others with two (or `decimals`)."""
        return self._measure(question_id, "median", "median", decimals, unit, where)

    @helper(
        group="prose",
        examples=[
            Example('quartile("zukunft", 1)', "4"),
            Example('quartile("budget", 3)', "1.375 €", "the upper quartile; 2 is the median"),
        ],
    )
    def quartile(
        self, question_id: str, which: int, decimals: int | None = None, unit: bool = True, where: Filter = None
    ) -> str:
        """Lower (1) or upper (3) quartile of a scale or numeric item (linear interpolation, as pandas), like median()."""
        if isinstance(which, bool) or which not in QUARTILES:
            raise helper_error(
                f"quartile(): „{which}“ ist kein Quartil.",
                f'Schreiben Sie quartile("{question_id}", 1) für das untere, quartile("{question_id}", 3) für das obere '
                "Quartil (2 ist der Median).",
            )
        return self._measure(question_id, QUARTILES[which], "quartile", decimals, unit, where)

    @helper(group="prose", examples=[Example('minimum("zukunft")', "1"), Example('minimum("budget")', "300 €")])
    def minimum(self, question_id: str, decimals: int | None = None, unit: bool = True, where: Filter = None) -> str:
        """Smallest valid answer to a scale or numeric item, like median()."""
        return self._measure(question_id, "minimum", "minimum", decimals, unit, where)

    @helper(group="prose", examples=[Example('maximum("zukunft")', "5"), Example('maximum("budget")', "3.000 €")])
    def maximum(self, question_id: str, decimals: int | None = None, unit: bool = True, where: Filter = None) -> str:
        """Largest valid answer to a scale or numeric item, like median()."""
        return self._measure(question_id, "maximum", "maximum", decimals, unit, where)

    @helper(group="prose", examples=[Example('label("strategie")', "Strategische Bedeutung der Ressourceneffizienz")])
    def label(self, question_id: str) -> str:
        """The question's short label from the codebook."""
        return self._questions.question(question_id).question.label

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
    def mode(self, question_id: str, where: Filter = None) -> str:
        """The label of the most frequent answer; an error if there are no valid answers or a tie for first."""
        stats = self._questions.get(question_id, where)
        needs_bins(stats, "mode")
        rows = stats.multiple.rows if stats.multiple is not None else valid_rows(stats)
        top = max((row.count for row in rows), default=0)
        if not base(stats)[0] or not top:
            raise helper_error(
                f"mode(): „{question_id}“ hat keine gültigen Antworten, also keinen häufigsten Wert.",
                "Prüfen Sie die Daten oder entfernen Sie den Aufruf.",
            )
        leaders = [row.label for row in rows if row.count == top]
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
        point = self._questions.scale(question_id).question.codes[0]
        return fmt.number(quoted_int(point, provenance.scale_point("Niedrigster Skalenwert", question_id)))

    @helper(group="prose", examples=[Example('scale_max("strategie")', "5")])
    def scale_max(self, question_id: str) -> str:
        """The highest point of a scale question."""
        point = self._questions.scale(question_id).question.codes[-1]
        return fmt.number(quoted_int(point, provenance.scale_point("Höchster Skalenwert", question_id)))

    @helper(group="prose", examples=[Example('scale_points("strategie")', "6")])
    def scale_points(self, question_id: str) -> str:
        """The number of points of a scale question."""
        points = len(self._questions.scale(question_id).question.codes)
        return fmt.number(quoted_int(points, provenance.scale_point("Zahl der Skalenpunkte", question_id)))

    def _measure(
        self, question_id: str, name: Measure, helper: str, decimals: object, unit: object, where: Filter
    ) -> str:
        if name in ("minimum", "maximum") and self._questions.focus is not None:
            raise helper_error(
                f"{helper}() gibt es in Batch-Berichten nicht: der kleinste oder größte Wert ist die Antwort eines "
                "einzelnen Befragten (Anonymität).",
                f'Nennen Sie den Mittelwert, z. B. mean("{question_id}"), oder den Median.',
            )
        stats = self._questions.measured(question_id, helper, where)
        value = getattr(quoting.descriptives(stats, self._questions.where_text(where)), name)
        if value is None:
            raise helper_error(f"„{question_id}“ hat zu wenige gültige Antworten für {helper}().")
        question = stats.question
        if decimals is None and question.is_numeric:
            decimals = question.decimals
        if decimals is not None:
            text = fmt.number(value, checked_decimals(decimals, helper))
        elif name in ("mean", "sd"):
            text = fmt.number(value, MEAN_DECIMALS)
        else:
            text = fmt.integer_or_decimal(value, MEAN_DECIMALS)
        return text + f"{fmt.NBSP}{question.unit}" if unit and question.unit else text

    def _share_text(self, stats: QuestionStats, wanted: list[Code], excluded: list[Code], where: Filter) -> str:
        """What share() computed: the answers with `wanted` among the valid ones, less the `excluded`."""
        rows, left_out = quoting.selected(stats, wanted), quoting.selected(stats, excluded)
        base = quoting.base_of(stats, self._questions.where_text(where))
        base = dataclasses.replace(base, valid=stats.frequencies.valid - stats.count(excluded))
        which = quoting.which(rows) + (f"; ohne {quoting.which(left_out)}" if left_out else "")
        return provenance.share(stats.count(wanted), base, which)

    @staticmethod
    def _option(stats: QuestionStats, codes: tuple[Code, ...], helper: str) -> MultipleRow:
        """The one option of a multiple-response set named by its label (or, in the codes format, its code)."""
        assert stats.multiple is not None
        qid = stats.question.id
        if len(codes) != 1:
            raise helper_error(
                f"{helper}(): „{qid}“ erlaubt Mehrfachnennungen; {helper}() nimmt genau eine Option.",
                f'Schreiben Sie z. B. {helper}("{qid}", "{stats.multiple.rows[0].label}") und nennen Sie weitere '
                "Optionen einzeln: wer mehrere wählte, zählte sonst doppelt."
                if stats.multiple.rows
                else "",
            )
        code = codes[0]
        for row in stats.multiple.rows:
            if not isinstance(code, bool) and code in (row.label, row.code):
                return row
        allowed = ", ".join(f"„{row.label}“" for row in stats.multiple.rows)
        raise helper_error(f"{helper}(): „{code}“ ist keine Option der Frage „{qid}“.", f"Erlaubt sind: {allowed}.")


def _outside_the_base(stats: QuestionStats, codes: list[Code]) -> None:
    """A category counted as missing („weiß nicht“) is no part of the valid answers share() divides by."""
    for row in stats.frequencies.rows:
        if row.missing and ((row.code is not None and row.code in codes) or row.label in codes):
            code = row.code if row.code is not None else f'"{row.label}"'
            raise helper_error(
                f"share(): „{row.label}“ zählt bei „{stats.question.id}“ als fehlend, nicht als gültige Antwort.",
                f'Nennen Sie die Zahl mit count("{stats.question.id}", {code}); share() bezieht sich auf die '
                "gültigen Antworten.",
            )
