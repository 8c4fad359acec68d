"""The questions the helpers quote: looked up by id, codes checked, wrong calls worded for editors."""

from __future__ import annotations

import contextlib
import dataclasses
import sys
from collections.abc import Iterator, Mapping, Sequence
from types import FrameType
from typing import TYPE_CHECKING

from .. import fmt
from ..anonymity import GroupGuard
from ..breakdown import AnalysisRules, Breakdown, breakdown
from ..errors import ContentError, Location
from ..layout import Layout
from ..subgroups import FocusFilter, OwnAnswer, SubgroupError, describe_where, own_answer

if TYPE_CHECKING:
    from ..focus import Focus
    from ..stats import QuestionStats, SurveyStats
    from ..subgroup_stats import SubgroupStats

Code = int | str


def helper_error(message: str, hint: str = "") -> ContentError:
    """A wrong helper call; content.py places it at the editor's line."""
    return ContentError(message, None, hint)


class Questions:
    """The statistics of every question, and which of them the chapters quoted.

    In a batch report (`focus`), every group a helper describes passes the anonymity guard (anonymity.py) and the
    free-text answers of others are refused; `folder` is the chapters' folder warnings name."""

    def __init__(
        self,
        stats: SurveyStats,
        subgroups: SubgroupStats | None = None,
        min_base: int = 0,
        *,
        focus: Focus | None = None,
        folder: str = Layout.content,
    ) -> None:
        self._stats = stats
        self._subgroups = subgroups
        self._min_base = min_base
        self._focus = focus
        self._guard: GroupGuard | None = None
        self.folder = folder
        self._used: set[str] = set()
        self.warnings: list[ContentError] = []

    @property
    def focus(self) -> Focus | None:
        """Whom the batch report is about; None in every other build."""
        return self._focus

    @property
    def respondents(self) -> int:
        """Everyone in the responses, whatever they answered."""
        return self._stats.respondents

    @property
    def used(self) -> frozenset[str]:
        """The ids looked up so far."""
        return frozenset(self._used)

    def ids(self, *, with_text: bool = True) -> list[str]:
        """Every question id in codebook order, optionally without the free-text questions."""
        return [qid for qid, stats in self._stats.questions.items() if with_text or stats.question.kind != "text"]

    def question(self, question_id: str) -> QuestionStats:
        """One question's statistics of everyone, for what the codebook says of it (label, categories); an unknown
        id names the known ones. Free text is not refused here: use `get` for numbers and answers."""
        if not isinstance(question_id, str) or question_id not in self._stats.questions:
            known = ", ".join(self._stats.questions)
            raise helper_error(f"Unbekannte Frage „{question_id}“.", f"Bekannte Fragen (Codebuch): {known}.")
        self._used.add(question_id)
        return self._stats.questions[question_id]

    def get(self, question_id: str, where: object = None) -> QuestionStats:
        """One question's statistics, of everyone or of the respondents a filter keeps; an unknown id names the
        known ones. In a batch report the filter's group must be one anonymity allows, and free text is refused."""
        stats = self.question(question_id)
        if self._focus is not None and stats.question.is_text:
            raise helper_error(
                f"„{question_id}“ ist eine Freitextfrage: die Antworten anderer Befragter zeigt ein Batch-Bericht "
                "nicht (Anonymität).",
                f'Die eigene Antwort zeigt own("{question_id}").',
            )
        if where is None:
            return stats
        self.check_group(where)
        with subgroup_errors():
            subgroup = self.subgroups(where).stats(stats.question, where)
        if subgroup.base[0] < self._min_base:
            self.warn(
                f"„{question_id}“ hat in der Teilgruppe nur {subgroup.base[0]} gültige Antworten (Basis < "
                f"{self._min_base}): Aussagen darüber sind nur eingeschränkt möglich.",
                "Nennen Sie die Basis im Text, fassen Sie Gruppen zusammen oder lassen Sie die Zahl weg.",
            )
        return subgroup

    def check_group(self, where: object) -> None:
        """In a batch report: the group a filter keeps must be one anonymity allows, else an error at the line."""
        problem = self.group_problem(where)
        if problem is not None:
            raise problem

    def group_problem(self, where: object) -> ContentError | None:
        """Why a batch report may not show the group a filter keeps (None: it may, or this is no batch report)."""
        if self._focus is None or where is None:
            return None
        with subgroup_errors():
            mask = self.subgroups(where).mask(where)
        return self.guard().problem(mask)

    def guard(self) -> GroupGuard:
        """The anonymity rules of this batch report (made on first use: a segment's rows need the respondents)."""
        focus = self._focus
        if focus is None:
            raise AssertionError("no guard outside batch reports")
        if self._guard is None:
            unit = focus.unit
            if unit.kind == "per":
                self._guard = GroupGuard(focus.min_group, reader=unit.row)
            else:
                segment = FocusFilter({}, segment=(unit.column, unit.code, unit.label))
                with subgroup_errors():
                    rows = self.subgroups().mask(segment)
                self._guard = GroupGuard(focus.min_group, segment=rows, segment_label=unit.label)
        return self._guard

    def own(self, question_id: str) -> OwnAnswer:
        """The answer of the respondent a batch report is about (a report for one respondent only)."""
        stats = self.question(question_id)
        focus = self._focus
        if focus is None or focus.unit.kind != "per" or focus.unit.row is None:
            raise AssertionError("own answers only in reports for one respondent")
        with subgroup_errors():
            return own_answer(self.subgroups().frame(), stats.question, focus.unit.row)

    def warn(self, message: str, hint: str) -> None:
        """A warning at the chapter line whose helper call is running (once, however often the line runs)."""
        warning = ContentError(message, chapter_location(self.folder), hint)
        if all(str(warning) != str(known) for known in self.warnings):
            self.warnings.append(warning)

    def subgroups(self, where: object = None) -> SubgroupStats:
        """The statistics of subgroups; the questions a filter names count as quoted."""
        if self._subgroups is None:
            raise helper_error("Teilgruppen (where=, by=) gibt es hier nicht: die Befragtendaten fehlen.")
        if isinstance(where, Mapping):
            self._used.update(str(key) for key in where if key in self._stats.questions)
        return self._subgroups

    def where_text(self, where: object) -> str:
        """A filter in words („Position: Manager/in“), empty without one."""
        if not where or not isinstance(where, Mapping):
            return ""
        with subgroup_errors():
            return describe_where(self.subgroups(where).questions, where)

    def breakdown(self, question_id: str, by: object, where: object, rules: AnalysisRules, helper: str) -> Breakdown:
        """One question broken down by the segments of `by` among the respondents a filter keeps."""
        stats = self.get(question_id)
        if stats.question.is_text:
            raise helper_error(
                f"{helper}(): die Freitextfrage „{question_id}“ lässt sich nicht aufschlüsseln.",
                f'Zeigen Sie die Antworten mit answers("{question_id}").',
            )
        if not isinstance(by, str):
            raise helper_error(f'{helper}(): by= nennt die Frage, nach der aufgeschlüsselt wird, z. B. by="alter".')
        self.get(by)
        self.check_group(where)
        guard = None
        if self._focus is not None:  # no segment of a batch report below min_group, its legend saying so
            guard = self.guard()
            rules = dataclasses.replace(rules, suppress_below=max(rules.suppress_below, self._focus.min_group))
        with subgroup_errors():
            return breakdown(self.subgroups(where), stats.question, by, where, rules, guard)

    def size(self, where: object) -> int:
        """How many respondents a filter keeps (in a batch report only a group anonymity allows)."""
        self.check_group(where)
        with subgroup_errors():
            return self.subgroups(where).size(where)

    def kind(self, question_id: str) -> str:
        """The kind of a known question, without counting it as quoted."""
        return self._stats.questions[question_id].question.kind

    def measured(self, question_id: str, helper: str, where: object = None) -> QuestionStats:
        """One scale or numeric question's statistics (they have mean, SD, quartiles); any other kind is an error."""
        stats = self.get(question_id, where)
        if not (stats.question.is_scale or stats.question.is_numeric):
            raise helper_error(
                f"{helper}(): „{question_id}“ ist weder eine Skala noch eine Zahlenfrage.",
                'Kennwerte wie Mittelwert und Median gibt es für kind = "scale" und kind = "numeric".',
            )
        return stats

    def multiple(self, question_id: str, helper: str, where: object = None) -> QuestionStats:
        """One multiple-response set's statistics; any other kind is an error."""
        stats = self.get(question_id, where)
        if stats.multiple is None:
            raise helper_error(
                f"{helper}(): „{question_id}“ ist keine Frage mit Mehrfachnennungen.",
                'Nennungen gibt es nur für kind = "multiple".',
            )
        return stats

    def scale(self, question_id: str) -> QuestionStats:
        """One scale question's statistics; any other kind is an error."""
        stats = self.get(question_id)
        if not stats.question.is_scale:
            raise helper_error(
                f"„{question_id}“ ist keine Skalenfrage.",
                'Mittelwert, SD und Skalenpunkte gibt es nur für kind = "scale".',
            )
        return stats


def chapter_location(folder: str = Layout.content) -> Location | None:
    """The chapter file (in the chapters' `folder`) and line of the helper call that is running, read off Jinja's
    frames."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        template = frame.f_globals.get("__jinja_template__")
        if template is not None and template.name:
            return Location(f"{folder}/{template.name}", line=template.get_corresponding_lineno(frame.f_lineno))
        frame = frame.f_back
    return None


@contextlib.contextmanager
def subgroup_errors() -> Iterator[None]:
    """A filter or breakdown that does not fit the codebook, as a helper error at the editor's line."""
    try:
        yield
    except SubgroupError as error:
        raise helper_error(error.message, error.hint) from None


def needs_bins(stats: QuestionStats, helper: str) -> None:
    """A numeric item is counted by the classes (bins) of its codebook entry; without them it has no categories."""
    question = stats.question
    if question.is_numeric and not question.bins:
        raise helper_error(
            f"{helper}(): „{question.id}“ ist eine Zahlenfrage ohne Klassen (bins im Codebuch).",
            f"Ergänzen Sie im Codebuch unter [{question.id}] z. B. bins = [0, 10, 50, 250], "
            f'oder zeigen Sie die Kennwerte mit numeric_table("{question.id}").',
        )


def checked_codes(stats: QuestionStats, codes: Sequence[Code], helper: str, allow_empty: bool = False) -> list[Code]:
    """`codes` as given, each a code or an exact category label of the question."""
    if not codes and not allow_empty:
        raise helper_error(f'{helper}() braucht mindestens einen Code, z. B. {helper}("{stats.question.id}", 4, 5).')
    known = set(stats.question.codes) | _labels(stats)
    for code in codes:
        # A list or a bool from the template is no code, and must not end in a TypeError.
        if not isinstance(code, int | str) or isinstance(code, bool) or code not in known:
            raise unknown_code(stats, code, helper)
    return list(codes)


def checked_decimals(decimals: object, helper: str) -> int:
    """`decimals` if it is a whole number from 0 to fmt.MAX_DECIMALS."""
    if not fmt.valid_decimals(decimals):
        raise helper_error(
            f"{helper}(): decimals={decimals!r} ist nicht erlaubt.",
            f"Erlaubt sind 0 bis {fmt.MAX_DECIMALS} Nachkommastellen, z. B. decimals=1.",
        )
    assert isinstance(decimals, int)
    return decimals


def unknown_code(stats: QuestionStats, code: object, helper: str) -> ContentError:
    """`code` is no code of the question: the message lists the allowed ones."""
    allowed = ", ".join(str(c) for c in stats.question.codes) or ", ".join(sorted(_labels(stats)))
    hint = f"Erlaubt sind: {allowed}." if allowed else f"„{stats.question.id}“ hat keine Codes."
    return helper_error(f"{helper}(): „{code}“ ist kein Code der Frage „{stats.question.id}“.", hint)


def _labels(stats: QuestionStats) -> set[str]:
    return {row.label for row in stats.frequencies.rows} | {c.label for c in stats.question.categories}
