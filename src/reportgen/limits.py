"""Bounds on a project's inputs: file sizes, the responses table, template rendering; owns their defaults.

The defaults are far above any real report, so that a hostile or broken input fails fast and clearly; each can be
changed under [limits] in report.toml (declared in config.py), and every message about a limit names its key."""

from __future__ import annotations

from dataclasses import dataclass

MB = 1_000_000  # sizes are set and shown in megabytes of 10⁶ bytes, as file managers show them


@dataclass(frozen=True)
class SizeLimit:
    """The bytes a file may have, and the [limits] key in report.toml that sets them (None for report.toml itself,
    which is read before its settings are known)."""

    size: int
    key: str | None


@dataclass(frozen=True)
class Limits:
    """Every bound on a project's inputs; field names are the keys under [limits] in report.toml."""

    file_mb: float = 50  # each input file but the responses: Markdown, TOML, templates, stylesheet, fonts, images
    data_mb: float = 200  # the responses file as stored
    xlsx_unpacked_mb: float = 200  # an XLSX's parts or an SPSS file's values unpacked: a zip bomb stops here
    rows: int = 1_000_000  # the last row of the responses that holds a value
    columns: int = 2_000  # the last column that holds a value
    cells: int = 5_000_000  # cells read (XLSX cell elements, CSV fields): 50,000 respondents × 100 questions
    template_seconds: float = 10  # time one template (chapter, page template) may take to render
    template_characters: int = 5_000_000  # characters one template renders to

    @property
    def file_bytes(self) -> int:
        return _bytes(self.file_mb)

    @property
    def data_bytes(self) -> int:
        return _bytes(self.data_mb)

    @property
    def xlsx_unpacked_bytes(self) -> int:
        return _bytes(self.xlsx_unpacked_mb)

    @property
    def file_size(self) -> SizeLimit:
        """The bound on every input file but the responses."""
        return SizeLimit(self.file_bytes, "file_mb")

    @property
    def data_size(self) -> SizeLimit:
        """The bound on the responses file."""
        return SizeLimit(self.data_bytes, "data_mb")


DEFAULTS = Limits()


def _bytes(megabytes: float) -> int:
    return round(megabytes * MB)
