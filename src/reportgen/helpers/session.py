"""One build's helpers: what the chapters may call, and what those calls asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from ..breakdown import AnalysisRules
from ..errors import ContentError
from ..layout import Layout
from ..targets import Targets
from .blocks import BlockBuilders
from .lookup import Questions
from .prose import ProseNumbers
from .registry import registered

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from ..bibliography import BibliographyEntry
    from ..charts import ChartSpec
    from ..crossrefs import Listed
    from ..focus import Focus
    from ..references import Reference
    from ..stats import SurveyStats
    from ..subgroup_stats import SubgroupStats
    from ..targets import Numbered


class Helpers:
    """The helpers of one build over `stats`; charts and questions used are collected across every chapter.

    With a batch report's `focus`, the batch helpers know its respondent or segment and `Questions` guards every
    group (anonymity.py); `folder` is the chapters' folder messages name."""

    def __init__(
        self,
        stats: SurveyStats,
        references: Mapping[str, Reference],
        partials: Environment,
        charts_href: str,
        targets: Targets | None = None,
        subgroups: SubgroupStats | None = None,
        rules: AnalysisRules | None = None,
        focus: Focus | None = None,
        folder: str = Layout.content,
    ) -> None:
        rules = rules or AnalysisRules()
        self._questions = Questions(stats, subgroups, rules.min_base, focus=focus, folder=folder)
        self._prose = ProseNumbers(self._questions, rules)
        # The figures and tables the blocks make; the Markdown's captioned tables and images join them.
        self.targets = targets if targets is not None else Targets()
        self._blocks = BlockBuilders(self._questions, references, partials, charts_href, self.targets, rules)

    def namespace(self) -> dict[str, Callable[..., object]]:
        """What the chapter templates see: every registered helper, bound to this build."""
        owners: dict[str, ProseNumbers | BlockBuilders] = {
            "prose": self._prose,
            "block": self._blocks,
            "batch": self._blocks,  # BatchHelpers is a mixin of the block builders: its tables are numbered blocks
        }
        return {info.name: getattr(owners[info.group], info.name) for info in registered()}

    @property
    def charts(self) -> tuple[ChartSpec, ...]:
        """The charts asked for, in order of first call, each once."""
        return self._blocks.charts

    @property
    def warnings(self) -> tuple[ContentError, ...]:
        """What the helpers warned about so far (small bases), each at the chapter line of its call."""
        return tuple(self._questions.warnings)

    @property
    def question_ids(self) -> tuple[str, ...]:
        """Every question id of the codebook, in its order."""
        return tuple(self._questions.ids())

    @property
    def questions_used(self) -> frozenset[str]:
        """The ids of every question a helper has quoted so far."""
        return self._questions.used

    def render_bibliography(self, entries: Sequence[BibliographyEntry]) -> Markup:
        """The Literaturverzeichnis of these formatted entries, to replace BIBLIOGRAPHY_MARKER."""
        return self._blocks.render_bibliography(entries)

    def render_list(self, kind: Numbered, entries: Sequence[Listed]) -> Markup:
        """The Abbildungs- or Tabellenverzeichnis of the numbered `entries`, to replace its marker."""
        return self._blocks.render_list(kind, entries)
