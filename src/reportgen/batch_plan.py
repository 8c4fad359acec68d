"""Which reports a batch makes: one unit per respondent (`--per`) or per segment (`--by`), the segments withheld for
anonymity, each unit's file name from [batch] output, and the slice of them one shard builds (`--shard i/N`)."""

from __future__ import annotations

import posixpath
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from .arguments import UsageError
from .errors import ConfigError, DataError, Location, did_you_mean
from .focus import Unit, UnitKind
from .layout import Layout
from .stats import QuestionStats

# Kinds whose answers are codes with labels: each code with answers is a segment.
SEGMENT_KINDS = ("single", "yesno", "scale")
_OUTPUT = "[batch] output"
# Letters and signs a German label may hold, spelled out for a file name.
_SPELLED = {
    "ä": "ae",
    "ö": "oe",
    "ü": "ue",
    "Ä": "Ae",
    "Ö": "Oe",
    "Ü": "Ue",
    "ß": "ss",
    "ẞ": "SS",
    "<": " unter ",
    ">": " ueber ",
    "≤": " bis ",
    "≥": " ab ",
    "&": " und ",
    "+": " plus ",
    "%": " Prozent ",
}
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]+")
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class BatchMode:
    """What one report is about: `per` a respondent (column: the id column), `by` a segment of a question."""

    kind: UnitKind
    column: str

    @property
    def option(self) -> str:
        """The mode as the command line writes it: `--per id`, `--by region`."""
        return f"--{self.kind} {self.column}"


@dataclass(frozen=True)
class PlannedUnit:
    """A unit that gets a report, and the project-relative name of its PDF."""

    unit: Unit
    file: str


@dataclass(frozen=True)
class Withheld:
    """A segment that gets no report, and why (German, without the segment's size)."""

    key: str
    label: str
    code: int | None
    reason: str


@dataclass(frozen=True)
class UnitPlan:
    """The units of one batch, sorted by key; `total`: all respondents; `folder`: where the PDFs and the manifest go."""

    mode: BatchMode
    units: tuple[PlannedUnit, ...]
    withheld: tuple[Withheld, ...]
    total: int
    folder: str
    pattern: str

    def files(self) -> frozenset[str]:
        """The file names (without the folder) of every planned report."""
        return frozenset(posixpath.basename(planned.file) for planned in self.units)


@dataclass(frozen=True)
class Shard:
    """The `index`-th (from 1) of `count` slices of a batch."""

    index: int
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def slug(text: str) -> str:
    """`text` as an ASCII file name: umlauts and ß spelled out, accents dropped, signs in words („> 20“: „ueber-20“),
    every other run of characters a single „-“."""
    spelled = "".join(_SPELLED.get(character, character) for character in text)
    bare = "".join(c for c in unicodedata.normalize("NFKD", spelled) if not unicodedata.combining(c))
    return _UNSAFE.sub("-", bare).strip("-")


def per_units(ids: Sequence[str], column: str, id_column: str, min_group: int, responses_file: str) -> list[Unit]:
    """One unit per respondent, in the order of the responses (`row`: the position there).

    Refused unless the others are a group of `min_group`: a report compares its respondent with the rest."""
    if column != id_column:
        raise UsageError(
            f"--per {column}: Berichte je Befragten gibt es nur für die ID-Spalte „{id_column}“ ([survey] id_column).",
            hint=f"Schreiben Sie --per {id_column}, oder für einen Bericht je Antwort einer Frage --by {column}.",
        )
    others = len(ids) - 1
    if others < min_group:
        raise ConfigError(
            f"--per {column}: {len(ids)} Befragte sind zu wenige; jeder Bericht vergleicht mit den übrigen {others}, "
            f"und eine Vergleichsgruppe braucht mindestens {min_group} Befragte ([batch] min_group).",
            Location(Layout.config),
            "Berichte je Befragten brauchen mindestens min_group + 1 Befragte; min_group ist mindestens 2.",
        )
    units = [
        Unit(key=slug(identifier), label=identifier, kind="per", column=column, row=row, size=1)
        for row, identifier in enumerate(ids)
    ]
    if empty := next((unit for unit in units if not unit.key), None):
        raise DataError(
            f"--per {column}: die ID „{empty.label}“ ergibt keinen Dateinamen (sie hat weder Buchstaben noch Ziffern).",
            Location(responses_file, column=column),
            "Geben Sie der befragten Person eine ID mit Buchstaben oder Ziffern.",
        )
    refuse_clashes([(unit.key, unit) for unit in units], BatchMode("per", column), files=False)
    return units


def by_units(question: QuestionStats, codebook_file: str) -> list[Unit]:
    """One unit per code of the question that has answers, labelled from the codebook (in its order)."""
    kind, qid = question.question.kind, question.question.id
    if kind not in SEGMENT_KINDS:
        raise DataError(
            f"--by {qid}: die Frage ist vom Typ „{kind}“; Segmente bilden nur Fragen mit Codes (single, yesno, scale).",
            Location(codebook_file, line=question.question.line),
            "Wählen Sie eine Frage mit Einfachauswahl, Ja/Nein oder Skala.",
        )
    rows = [row for row in question.frequencies.rows if not row.missing and row.code is not None and row.count > 0]
    units = [
        Unit(
            key=slug(row.label) or f"code-{row.code}",
            label=row.label,
            kind="by",
            column=qid,
            code=row.code,
            size=row.count,
        )
        for row in rows
    ]
    refuse_clashes([(unit.key, unit) for unit in units], BatchMode("by", qid), files=False)
    return units


def segment_question(questions: Mapping[str, QuestionStats], column: str) -> QuestionStats:
    """The question `--by` names; an unknown id is an error with the closest one."""
    if column in questions:
        return questions[column]
    raise UsageError(
        f"--by {column}: Unbekannte Frage „{column}“.",
        hint=did_you_mean(column, questions) or "Die Fragen stehen im Codebuch (data/codebook.toml).",
    )


def plan_units(
    units: Sequence[Unit], withheld: Mapping[str, str], mode: BatchMode, total: int, pattern: str
) -> UnitPlan:
    """The plan: units not `withheld` (key -> reason) with their file names from `pattern`, all sorted by key."""
    reported = [unit for unit in units if unit.key not in withheld]
    planned = [PlannedUnit(unit, output_name(pattern, unit)) for unit in reported]
    refuse_clashes([(item.file, item.unit) for item in planned], mode, files=True)
    held = [Withheld(unit.key, unit.label, unit.code, withheld[unit.key]) for unit in units if unit.key in withheld]
    return UnitPlan(
        mode,
        tuple(sorted(planned, key=lambda planned_unit: planned_unit.unit.key)),
        tuple(sorted(held, key=lambda unit: unit.key)),
        total,
        posixpath.dirname(pattern),
        pattern,
    )


def refuse_clashes(named: Sequence[tuple[str, Unit]], mode: BatchMode, *, files: bool) -> None:
    """Two units with one name (also in case: macOS and Windows see one file) are an error naming both; the names
    are the units' keys, or with `files` their file names from [batch] output."""
    seen: dict[str, Unit] = {}
    for name, unit in named:
        first = seen.setdefault(name.casefold(), unit)
        if first is unit:
            continue
        kind = "IDs" if mode.kind == "per" else "Antworten"
        where, what = (_OUTPUT, "denselben Dateinamen") if files else (mode.option, "dieselbe Kennung")
        fix = " oder nehmen Sie {code} in den Dateinamen auf." if mode.kind == "by" and files else "."
        raise ConfigError(
            f"{where}: die {kind} „{first.label}“ und „{unit.label}“ ergeben {what} „{name}“.",
            Location(Layout.config) if files else None,
            "Ändern Sie eine der beiden Bezeichnungen" + fix,
        )


def output_name(pattern: str, unit: Unit) -> str:
    """The project-relative name of a unit's PDF; `{code}` exists only for segments."""
    if unit.code is None and "{code}" in pattern:
        raise ConfigError(
            f"{_OUTPUT}: {{code}} gibt es nur bei Berichten je Segment (--by), nicht bei --per.",
            Location(Layout.config),
            'Nehmen Sie {key}, z. B. output = "build/batch/{key}.pdf".',
        )
    label = slug(unit.label) if unit.kind == "by" else unit.key
    name = pattern.format(key=unit.key, code="" if unit.code is None else unit.code, label=label)
    if not posixpath.basename(name).removesuffix(".pdf").removesuffix(".PDF"):
        raise ConfigError(
            f"{_OUTPUT}: „{unit.label}“ ergibt keinen Dateinamen.",
            Location(Layout.config),
            "Nehmen Sie einen Platzhalter, der nie leer ist, z. B. {key}.",
        )
    return name


def parse_shard(text: str) -> Shard:
    """`--shard i/N`: the i-th of N slices, 1 <= i <= N."""
    found = _SHARD.fullmatch(text)
    index, count = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
    if not found or count < 1 or not 1 <= index <= count:
        raise UsageError(
            f"--shard {text}: erwartet i/N mit 1 ≤ i ≤ N, z. B. --shard 2/5 für den zweiten von fünf Teilen.",
            hint="In einem Kubernetes-Indexed-Job: --shard $((JOB_COMPLETION_INDEX + 1))/N.",
        )
    return Shard(index, count)


def shard_units(plan: UnitPlan, shard: Shard) -> UnitPlan:
    """The units of one shard: all units (withheld ones too) sorted by key, position p in shard p mod N + 1, so the
    shards are disjoint, together the whole plan, and equal in size up to one."""
    keys = sorted([planned.unit.key for planned in plan.units] + [held.key for held in plan.withheld])
    mine = {key for position, key in enumerate(keys) if position % shard.count + 1 == shard.index}
    return replace(
        plan,
        units=tuple(planned for planned in plan.units if planned.unit.key in mine),
        withheld=tuple(held for held in plan.withheld if held.key in mine),
    )
