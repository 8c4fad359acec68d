"""Whom one report of a batch is about — a respondent or a segment — and the anonymity rule its numbers obey."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

UnitKind = Literal["per", "by"]
DEFAULT_MIN_GROUP = 5


@dataclass(frozen=True)
class Unit:
    """One report of a batch: one respondent (`per`, by the id column) or one segment (`by`, a question's code)."""

    key: str  # the file-safe name: the respondent's id or the segment's label as a slug
    label: str  # as the report shows it: „R07“, „> 20 Jahre“
    kind: UnitKind
    column: str  # per: the id column; by: the question whose answer makes the segment
    code: int | None = None  # by: the segment's code
    row: int | None = None  # per: the respondent's position among the responses (0-based, as in the data file)
    size: int = 1  # the respondents in the unit


@dataclass(frozen=True)
class Focus:
    """What the helpers of one batch report know: its unit, and the smallest group any number may describe."""

    unit: Unit
    min_group: int = DEFAULT_MIN_GROUP
