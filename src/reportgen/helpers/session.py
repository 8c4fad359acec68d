"""One build's helpers: what the chapters may call, and what those calls asked for."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

from .blocks import BlockBuilders
from .lookup import Questions
from .prose import ProseNumbers
from .registry import registered

if TYPE_CHECKING:
    from jinja2 import Environment
    from markupsafe import Markup

    from ..charts import ChartSpec
    from ..references import Reference
    from ..stats import SurveyStats


class Helpers:
    """The helpers of one build over `stats`; charts and questions used are collected across every chapter."""

    def __init__(
        self, stats: SurveyStats, references: Mapping[str, Reference], partials: Environment, charts_href: str
    ) -> None:
        self._questions = Questions(stats)
        self._prose = ProseNumbers(self._questions)
        self._blocks = BlockBuilders(self._questions, references, partials, charts_href)

    def namespace(self) -> dict[str, Callable[..., object]]:
        """What the chapter templates see: every registered helper, bound to this build."""
        owners: dict[str, ProseNumbers | BlockBuilders] = {"prose": self._prose, "block": self._blocks}
        return {info.name: getattr(owners[info.group], info.name) for info in registered()}

    @property
    def charts(self) -> tuple[ChartSpec, ...]:
        """The charts asked for, in order of first call, each once."""
        return self._blocks.charts

    @property
    def questions_used(self) -> frozenset[str]:
        """The ids of every question a helper has quoted so far."""
        return self._questions.used

    def render_bibliography(self, cited: Sequence[str]) -> Markup:
        """The Literaturverzeichnis for the cited keys, to replace BIBLIOGRAPHY_MARKER."""
        return self._blocks.render_bibliography(cited)
