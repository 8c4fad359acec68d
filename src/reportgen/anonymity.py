"""Anonymity of batch reports: which segments get no report, and which groups a report may describe.

Two rules, enforced here and nowhere else (no template can switch them off):
- a group is described only when it has at least `min_group` respondents, and the respondents outside it (within
  the total, or within the segment a report is about) are none or at least `min_group` too: otherwise the total
  minus the group gives a smaller group back;
- in a report for one respondent, the reader knows their own answers: every count is taken without them.
The remainder rule of the units follows from the first: the respondents in no reported segment must be none or at
least `min_group`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .errors import ContentError

if TYPE_CHECKING:
    import numpy as np

SETTING = "[batch] min_group"
COMPARABLE_HINT = (
    "Zeigen Sie die Zahl nur, wenn die Gruppe groß genug ist: {% if comparable(…) %} … {% endif %}, oder wählen "
    "Sie eine größere Gruppe."
)


def withheld_units(sizes: Mapping[str, int], total: int, min_group: int) -> dict[str, str]:
    """The segments (key -> respondents) that get no report, each with its reason in German.

    `total` counts every respondent, those without an answer to the segment's question too. A segment below
    `min_group` is withheld; then, while the respondents in no reported segment are more than none but fewer than
    `min_group`, the smallest reported segment is withheld as well (the total minus the reports would give those
    respondents back). Reasons name no sizes: the manifest is read by more people than the reports."""
    withheld = {key: f"weniger als {min_group} Befragte ({SETTING})" for key, size in sizes.items() if size < min_group}
    while True:
        reported = [key for key in sizes if key not in withheld]
        remainder = total - sum(sizes[key] for key in reported)
        if not reported or remainder == 0 or remainder >= min_group:
            return withheld
        smallest = min(reported, key=lambda key: (sizes[key], key))
        withheld[smallest] = (
            f"zurückgehalten: sonst ließen sich die Befragten ohne Bericht (weniger als {min_group}) aus der "
            f"Gesamtzahl erschließen ({SETTING})"
        )


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: it holds a row mask
class GroupGuard:
    """The anonymity rules of one batch report, for the rows of the respondents' frame.

    `reader`: in a report for one respondent, their row (counted out of every group and total); `segment`: in a
    report for one segment, its rows with its label (a group inside it must leave none or enough of it out)."""

    min_group: int
    reader: int | None = None
    segment: np.ndarray | None = None
    segment_label: str = ""

    def problem(self, mask: np.ndarray) -> ContentError | None:
        """Why the group of `mask` may not be shown, or None."""
        import numpy as np

        every = np.ones(len(mask), dtype=bool)
        size = self._count(mask)
        if size < self.min_group:
            return ContentError(
                f"Vergleichsgruppe zu klein: {size} {self._people}, mindestens {self.min_group} ({SETTING}).",
                None,
                COMPARABLE_HINT,
            )
        supersets = [(every, "")]
        if self.segment is not None and not np.any(mask & ~self.segment):
            supersets.append((self.segment, f" im Segment „{self.segment_label}“"))
        for superset, within in supersets:
            rest = self._count(superset & ~mask)
            if 0 < rest < self.min_group:
                return ContentError(
                    f"Vergleichsgruppe fast vollständig: außerhalb der Gruppe{within} blieben {rest} {self._people}, "
                    f"mindestens {self.min_group} ({SETTING}); aus beiden Zahlen ließen sich deren Antworten "
                    "erschließen.",
                    None,
                    COMPARABLE_HINT,
                )
        return None

    def check(self, mask: np.ndarray) -> None:
        """Raise the problem of the group of `mask`, a ContentError the chapter places at the helper's line."""
        problem = self.problem(mask)
        if problem is not None:
            raise problem

    def withheld(self, masks: list[np.ndarray], within: np.ndarray) -> set[int]:
        """The segments of a breakdown (their rows, among the rows `within`) that must not be shown: by the
        remainder rule, counted without the reader; then each shown segment, and the rows in none of them, must be
        a group this report may describe (in a segment's report: also against that segment). A refused segment
        counts as left out, and the rules run again."""
        refused: set[int] = set()
        while True:
            sizes = {str(i): 0 if i in refused else self._count(mask & within) for i, mask in enumerate(masks)}
            withheld = {int(key) for key in withheld_units(sizes, self._count(within), self.min_group)} | refused
            shown = [i for i in range(len(masks)) if i not in withheld]
            more = {i for i in shown if self.problem(masks[i] & within) is not None}
            if not more and shown:
                rest = within.copy()
                for i in shown:
                    rest &= ~masks[i]
                if rest.any() and self.problem(rest) is not None:
                    more = {min(shown, key=lambda i: (self._count(masks[i] & within), i))}
            if not more:
                return withheld
            refused |= more

    def _count(self, mask: np.ndarray) -> int:
        size = int(mask.sum())
        return size - 1 if self.reader is not None and bool(mask[self.reader]) else size

    @property
    def _people(self) -> str:
        return "andere Befragte" if self.reader is not None else "Befragte"
