"""Statistics of subgroups: computed on demand from the respondents when a chapter filters (`where=`) or breaks
down (`by=`), with the same code as the whole sample's, and kept for the rest of the build."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING

from .codebook import Question
from .microdata import Respondents
from .subgroups import FocusFilter, Segment, SubgroupError, segments, where_mask

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from .stats import QuestionStats


class SubgroupStats:
    """The questions of the codebook over the respondents, for any filter and breakdown."""

    def __init__(self, questions: Mapping[str, Question], respondents: Respondents) -> None:
        self._questions = questions
        self._respondents = respondents
        self._masks: dict[str, np.ndarray] = {}
        self._stats: dict[tuple[str, str, str], QuestionStats] = {}

    @property
    def questions(self) -> Mapping[str, Question]:
        return self._questions

    def frame(self) -> pd.DataFrame:
        return self._respondents.frame()

    def mask(self, where: object) -> np.ndarray:
        """The respondents a filter keeps (all for None); a filter that does not fit raises SubgroupError."""
        import numpy as np

        if where is None:
            return np.ones(len(self.frame()), dtype=bool)
        key = _key(where)
        if key not in self._masks:
            self._masks[key] = where_mask(self.frame(), self._questions, where)
        return self._masks[key]

    def size(self, where: object) -> int:
        """How many respondents a filter keeps."""
        return int(self.mask(where).sum())

    def stats(self, question: Question, where: object = None, segment: Segment | None = None) -> QuestionStats:
        """One question's statistics among the respondents a filter keeps (and in one segment of a breakdown)."""
        from .stats_compute import question_stats

        part = f"{segment.by}={segment.code if segment.code is not None else segment.label}" if segment else ""
        key = (question.id, _key(where) if where is not None else "", part)
        if key not in self._stats:
            mask = self.mask(where)
            if segment is not None:
                mask = mask & segment.mask
            self._stats[key] = question_stats(self.frame()[mask].reset_index(drop=True), question)
        return self._stats[key]

    def segments(self, by: str) -> list[Segment]:
        """The segments of a breakdown by the question `by`."""
        if not isinstance(by, str) or by not in self._questions:
            raise SubgroupError(
                f"by=: unbekannte Frage „{by}“.", f"Bekannte Fragen (Codebuch): {', '.join(self._questions)}."
            )
        return segments(self.frame(), self._questions[by])


def _key(where: object) -> str:
    """A filter as a dictionary key: the same conditions give the same key, whatever their order; a batch filter's
    segment and left-out rows are part of it."""
    if isinstance(where, FocusFilter):
        return "focus:" + where.key()
    if not isinstance(where, Mapping):
        return repr(where)
    return json.dumps({str(key): value for key, value in where.items()}, sort_keys=True, default=repr)
