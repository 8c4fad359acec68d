"""`reportgen codebook`: a draft codebook from a responses export, for the analyst to check and finish.

Each column's kind is guessed in `draft_kinds` from what `draft_columns` reads of it. Question texts come from
SPSS' variable labels or the headers; ids are made safe here (ASCII, unique regardless of case) and `column = "…"`
names the header where it differs. The draft is TOML written by `draft_toml`, with comments that say what was seen
and what to check. `write_codebook_draft` reads the export and writes the draft where the project wants its
codebook; it never replaces an existing file unless asked to (`force`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .codebook import QUESTION_ID
from .draft_columns import Column, Entry, ignore_reason, multiple_set
from .draft_kinds import column_entry, multiple_entry
from .draft_toml import IGNORE_KEY, toml_document, toml_string
from .errors import DataError, Location, OutputError
from .layout import Layout
from .writer import replace_file, write_new

if TYPE_CHECKING:
    import pandas as pd

    from .config import Config

MAX_ID_LENGTH = 32
_ID_NAMES = {"id", "lfdn", "respondent", "respondentid", "responseid", "teilnehmer", "teilnehmerid", "fallnummer"}
_TRANSLITERATION = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})


@dataclass(frozen=True)
class Draft:
    """A draft codebook: its TOML text, how many questions it describes, and what the analyst should know."""

    text: str
    questions: int
    id_column: str | None  # the column taken for the respondent ids, if any
    ignored: tuple[str, ...]


@dataclass(frozen=True)
class Written:
    """What `write_codebook_draft` wrote, and what to set up besides (German notes for the analyst)."""

    path: Path
    questions: int
    notes: tuple[str, ...]


def write_codebook_draft(data: Path, data_name: str, root: Path | None, *, force: bool = False) -> Written:
    """Read the export `data` (absolute; `data_name` as the user named it) and write its draft codebook.

    In the project `root`, the draft becomes the codebook report.toml names, read with the project's limits and id
    column, and with its [survey] sheet when `data` is its responses file; without a project (None), it becomes
    `Layout.draft_codebook` in the working folder. An existing file is replaced only with `force`, and is checked
    before the export is read; on any error nothing is written."""
    from .config import load_config
    from .files import read_bytes
    from .limits import DEFAULTS
    from .tables import read_table

    config = load_config(root) if root is not None else None
    if config is None:
        target, limits, id_column, sheet = Path.cwd() / Layout.draft_codebook, DEFAULTS, "id", None
        shown = Layout.draft_codebook
    else:
        target, limits, id_column = config.layout.path(config.survey.codebook), config.limits, config.survey.id_column
        sheet = config.survey.sheet if _same_file(data, config.layout.path(config.survey.responses)) else None
        shown = config.survey.codebook
    check_target(target, shown, force=force)
    hint = "Prüfen Sie den Pfad der Datendatei."
    raw = read_bytes(data, data_name, DataError, hint, root=Path(data.anchor), limit=limits.data_size)
    draft = draft_codebook(read_table(raw, data_name, limits, sheet=sheet), data.name, id_column)
    write_draft(target, shown, draft.text, force=force)
    return Written(target, draft.questions, tuple(_notes(config, data, draft.id_column)))


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.resolve() == other.resolve()
    except OSError:
        return False


def _notes(config: Config | None, data: Path, id_name: str | None) -> list[str]:
    """What else to set up so that the project reads the data as the draft describes them."""
    if config is None:
        return [
            f"Ohne Projekt liegt der Entwurf im aktuellen Ordner; in einem Projekt gehört er nach {Layout.codebook} "
            "(reportgen new ORDNER legt ein Projekt an)."
        ]
    notes: list[str] = []
    if not _same_file(data, config.layout.path(config.survey.responses)):
        if data.resolve().is_relative_to(config.root):
            name = config.layout.name_of(data)
            notes.append(f'Tragen Sie in {Layout.config} unter [survey] responses = "{name}" ein.')
        else:
            notes.append(
                f"Kopieren Sie die Datei ins Projekt (z. B. nach data/) und tragen Sie sie in {Layout.config} unter "
                "[survey] responses ein."
            )
    if id_name is not None and id_name != config.survey.id_column:
        notes.append(f'Die Befragten-IDs stehen in „{id_name}“: [survey] id_column = "{id_name}" in {Layout.config}.')
    return notes


def draft_codebook(table: pd.DataFrame, source: str, id_column: str = "id") -> Draft:
    """The draft codebook for `table` (as `read_table` returns it), read from the file named `source`.

    `id_column` is the respondent-id column report.toml names; a column of that name (any case) is left out, and
    without one a column that looks like ids is."""
    columns = [Column.of(table, name) for name in table.columns]
    ids_at = _id_column(columns, id_column)
    rest = [column for index, column in enumerate(columns) if index != ids_at]
    entries: list[Entry] = []
    ignored: list[tuple[str, str]] = []
    german = table.attrs.get("delimiter") == ";"
    index = 0
    while index < len(rest):
        group = multiple_set(rest, index)
        if group:
            entries.append(multiple_entry(group))
            index += len(group)
            continue
        column = rest[index]
        reason = ignore_reason(column)
        if reason:
            ignored.append((column.header, reason))
        else:
            entries.append(column_entry(column, german))
        index += 1
    _assign_ids(entries, reserved={IGNORE_KEY, id_column.casefold()})
    id_name = columns[ids_at].header if ids_at is not None else None
    text = toml_document(entries, ignored, source, len(table), id_name, id_column)
    return Draft(text, len(entries), id_name, tuple(header for header, _ in ignored))


def write_draft(path: Path, display_name: str, text: str, *, force: bool = False) -> None:
    """Write the draft to `path`; an existing file only with `force` (then replaced in one step)."""
    check_target(path, display_name, force=force)
    data = text.encode("utf-8")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if force:
            replace_file(path, data)
        else:
            write_new(path, data)
    except FileExistsError:
        raise _exists(display_name) from None
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise OutputError(
            f"Der Entwurf lässt sich nicht schreiben ({reason}).",
            Location(display_name),
            "Prüfen Sie, ob der Ordner beschreibbar ist; es wurde nichts geschrieben.",
        ) from None


def check_target(path: Path, display_name: str, *, force: bool) -> None:
    """An existing file (or a link, even a broken one) is replaced only with `force`; a folder never."""
    if path.is_dir():
        raise OutputError(
            "Dort liegt ein Ordner, keine Datei.",
            Location(display_name),
            "Wählen Sie einen anderen Ort für das Codebuch.",
        )
    if not force and (path.exists() or path.is_symlink()):
        raise _exists(display_name)


def _exists(display_name: str) -> DataError:
    return DataError(
        "Die Datei gibt es schon; der Entwurf wurde nicht geschrieben.",
        Location(display_name),
        "Mit --force wird sie durch den Entwurf ersetzt (ihr Inhalt geht verloren); sichern Sie sie vorher, "
        "wenn Sie sie noch brauchen.",
    )


# Ids


def _id_column(columns: Sequence[Column], wanted: str) -> int | None:
    """The index of the respondent-id column: the one report.toml names (any case), else one that looks like ids."""
    headers = [column.header for column in columns]
    if wanted in headers:
        return headers.index(wanted)
    folded = [header.casefold() for header in headers]
    if wanted.casefold() in folded:
        return folded.index(wanted.casefold())
    for index, column in enumerate(columns):
        slug = _slug(column.header)
        if column.unique and ("id" in slug.split("_") or slug.replace("_", "") in _ID_NAMES):
            return index
    return None


def _assign_ids(entries: list[Entry], reserved: set[str]) -> None:
    """Safe, unique ids: a header that is a valid short id is kept, others become ASCII slugs; doubles get _2, _3."""
    used = set(reserved)
    for entry in entries:
        header = entry.header
        base = (
            header if header and QUESTION_ID.fullmatch(header) and len(header) <= MAX_ID_LENGTH else _slug(entry.stem)
        )
        candidate, number = base, 2
        while candidate.casefold() in used:
            candidate = f"{base}_{number}"
            number += 1
        used.add(candidate.casefold())
        entry.id = candidate
        if header is not None and header != candidate:
            entry.keys.append(("column", toml_string(header)))


def _slug(text: str) -> str:
    """ASCII letters, digits and _ (umlauts as ae, oe, ue, ss), lower case, at most a few words; "frage" if empty."""
    ascii_text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATION)).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    slug = ""
    for word in words:
        longer = f"{slug}_{word}" if slug else word
        if len(longer) > MAX_ID_LENGTH:
            break
        slug = longer
    return slug or (words[0][:MAX_ID_LENGTH] if words else "frage")
