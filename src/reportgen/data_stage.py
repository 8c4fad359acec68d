"""The data stage: codebook and responses -> statistics and the respondents for subgroups, through the cache.

Statistics are cached as JSON (`stats-<key>.json`), the validated respondents as .npz (`frame-<key>.npz`), both
under a hash of everything they depend on; a text edit reads neither the responses nor pandas.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import cache_key, dump_value, library_stamp, read_value, source_version
from .codebook import Codebook, parse_codebook
from .config import Config
from .errors import DataError
from .files import decode_text, read_bytes
from .layout import Layout
from .limits import Limits
from .microdata import Respondents, frame_bytes
from .stats import SurveyStats

if TYPE_CHECKING:
    import pandas as pd

    from .survey import Survey
    from .writer import BuildFolder

# The modules whose code the statistics and the cached respondents depend on.
STATS_SOURCES = (
    "tables.py",
    "csv_read.py",
    "csv_fast.py",
    "table_frame.py",
    "cell_text.py",
    "xlsx.py",
    "sav.py",
    "sav_reader.py",
    "survey.py",
    "survey_columns.py",
    "cells.py",
    "cell_sets.py",
    "numbers.py",
    "codebook.py",
    "codebook_kinds.py",
    "codebook_values.py",
    "stats.py",
    "stats_compute.py",
    "microdata.py",
)
CREATE_HINT = "Legen Sie die Datei an."
_RESPONSES_HINT = "Prüfen Sie [survey] responses in report.toml."


@dataclass(frozen=True)
class StatsCache:
    """The cache files this build uses, and what to write to them when they were computed anew."""

    stats_name: str
    frame_name: str
    fresh_stats: bytes | None = None
    fresh_frame: pd.DataFrame | None = None  # serialised only when written: `check` need not wait for it
    frame_file: bytes | None = None  # or already serialised (`serialised`)

    def serialised(self) -> StatsCache:
        """The same cache with the fresh frame as the bytes to write: what a process that prepared the project
        sends to the one that writes it (which then need not import pandas to receive it)."""
        if self.fresh_frame is None:
            return self
        return dataclasses.replace(self, fresh_frame=None, frame_file=frame_bytes(self.fresh_frame))


@dataclass(frozen=True)
class SurveyFiles:
    """The responses and codebook files as read, byte for byte (the PDF may carry them: pdf_attachments)."""

    responses: bytes
    codebook: bytes


@dataclass(frozen=True)
class SurveyData:
    """The codebook, the statistics of the responses and the respondents for subgroups."""

    codebook: Codebook
    stats: SurveyStats
    cache: StatsCache
    respondents: Respondents
    files: SurveyFiles


def read_data(config: Config) -> SurveyData:
    """The codebook, read once, and the statistics of the responses (from the cache when nothing changed)."""
    layout, limit = config.layout, config.limits.file_size
    codebook_bytes = read_bytes(
        layout.path(layout.codebook), layout.codebook, DataError, CREATE_HINT, root=layout.root, limit=limit
    )
    codebook_text = decode_text(codebook_bytes, layout.codebook, DataError)
    codebook = parse_codebook(codebook_text, layout.codebook)
    responses = _responses(config)
    files = SurveyFiles(responses, codebook_bytes)
    key = cache_key(
        responses,
        codebook_text,
        layout.responses,
        config.survey.id_column,
        config.survey.sheet or "",
        config.analysis.weight or "",
        _table_limits(config.limits),
        source_version(*STATS_SOURCES),
        library_stamp("pandas"),
        library_stamp("numpy"),
        library_stamp("openpyxl"),
        library_stamp("pyreadstat"),
    )
    cache = StatsCache(f"{Layout.cache}/stats-{key}.json", f"{Layout.cache}/frame-{key}.npz")
    frame_path = layout.path(cache.frame_name)
    cached = read_value(layout.path(cache.stats_name), SurveyStats) if frame_path.is_file() else None
    if cached is not None:
        respondents = Respondents(None, frame_path, lambda: _survey(config, codebook).frame, config.survey.id_column)
        return SurveyData(codebook, cached, cache, respondents, files)
    from .stats import compute  # reading and checking the responses needs pandas: only on a cache miss

    survey = _survey(config, codebook, responses)
    stats = compute(survey)
    fresh = StatsCache(cache.stats_name, cache.frame_name, dump_value(stats), survey.frame)
    return SurveyData(codebook, stats, fresh, Respondents(survey.frame), files)


def store_data(folder: BuildFolder, cache: StatsCache) -> None:
    """The cache holds the current statistics and respondents only."""
    if cache.fresh_stats is not None:
        folder.write(cache.stats_name, cache.fresh_stats)
    frame = cache.serialised().frame_file
    if frame is not None:
        folder.write(cache.frame_name, frame)
    folder.prune(Layout.cache, "stats-*", {Path(cache.stats_name).name})
    folder.prune(Layout.cache, "frame-*", {Path(cache.frame_name).name})


def _responses(config: Config) -> bytes:
    layout = config.layout
    return read_bytes(
        layout.path(layout.responses),
        layout.responses,
        DataError,
        _RESPONSES_HINT,
        root=layout.root,
        limit=config.limits.data_size,
    )


def _survey(config: Config, codebook: Codebook, responses: bytes | None = None) -> Survey:
    """The validated responses (read again only when the cached respondents are missing or damaged)."""
    from .survey import load_survey

    raw = responses if responses is not None else _responses(config)
    files, weight = config.survey, config.analysis.weight
    return load_survey(
        raw, config.layout.responses, codebook, files.id_column, config.limits, sheet=files.sheet, weight=weight
    )


def _table_limits(limits: Limits) -> str:
    """The limits reading the responses obeys: statistics cached under higher ones must not pass lower ones."""
    return repr((limits.data_bytes, limits.xlsx_unpacked_bytes, limits.rows, limits.columns, limits.cells))
