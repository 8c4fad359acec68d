"""Test projects: tiny ones from a dict of files, copies of the study, and edits of their files."""

from __future__ import annotations

import csv
import errno
import io
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import openpyxl
import pytest

REPO = Path(__file__).resolve().parent.parent
PROJECT_PARTS = ("report.toml", "data", "content", "templates")
STUDY_BATCH_CONTENT = ("content-batch", "content-segment")  # the study's chapters of `reportgen batch`

# A tiny project: one scale item, one categorical question, two references, one chapter.
TINY_CODEBOOK = """\
[item]
kind = "scale"
text = "Ein Item"
label = "Item"
scale = { min = 1, max = 5 }
missing = [-9]

[gruppe]
kind = "categorical"
text = "Welche Gruppe?"
label = "Gruppe"
categories = [
  { code = 1, label = "A" },
  { code = 2, label = "B" },
]
"""

# item: 1, 2, 3, 3, 4, 4, 5 and one missing (-9) → valid 7; counts 1:1 2:1 3:2 4:2 5:1
TINY_RESPONSES = """\
id,item,gruppe
R1,1,1
R2,2,1
R3,3,1
R4,3,2
R5,4,2
R6,4,2
R7,5,2
R8,-9,1
"""

TINY_REFERENCES = """\
[mueller-2020]
author = "Müller"
year = 2020

[schmidt-2021]
author = "Schmidt"
year = 2021
"""

TINY_FILES: dict[str, str] = {
    "report.toml": '[report]\ntitle = "Kleine Studie"\ndate = 2025-01-31\n',
    "data/codebook.toml": TINY_CODEBOOK,
    "data/responses.csv": TINY_RESPONSES,
    "content/literatur.toml": TINY_REFERENCES,
    "content/01-kapitel.md": "# Ergebnisse\n\n{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu.\n",
}

Edit = str | bytes | Callable[[str], str | bytes] | None

# Tiny-project chapters for the tag tree (test_pdf_ua): a list of figures, a bar and a likert chart of the 1–5 item, a
# list long enough to break across pages, then two lists apart.
LONG_LIST = 60
LISTS_FILES: dict[str, str] = {
    "content/00-verzeichnisse.md": "# Abbildungsverzeichnis {.unnumbered}\n\n{{ list_of_figures() }}\n",
    "content/01-kapitel.md": (
        "# Ergebnisse\n\n{{ bar_chart('item') }}\n\n{{ likert_chart('item') }}\n\n## Punkte\n\n"
        + "".join(f"- Punkt {number}\n" for number in range(1, LONG_LIST + 1))
        + "\nZwischentext.\n\n- Erste Liste\n\nZwischentext.\n\n- Zweite Liste\n"
    ),
}


def apply_files(root: Path, files: dict[str, Edit]) -> Path:
    """Replace (text or bytes), edit (a function of the old text) or delete (None) files below `root`."""
    for relative, edit in files.items():
        path = root / relative
        if edit is None:
            path.unlink()
            continue
        if callable(edit):
            edit = edit(path.read_text(encoding="utf-8") if path.exists() else "")
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(edit, bytes):
            path.write_bytes(edit)
        else:
            path.write_text(edit, encoding="utf-8")
    return root


def copy_study(target: Path) -> Path:
    """The study project (config, data, content, templates, the batch reports' content) copied into `target`."""
    root = copy_project(REPO, target)
    for folder in STUDY_BATCH_CONTENT:
        shutil.copytree(REPO / folder, root / folder)
    return root


def copy_project(root: Path, target: Path) -> Path:
    """A project's inputs (config, data, content, templates; not build/) copied into `target`."""
    target.mkdir(parents=True, exist_ok=True)
    for part in PROJECT_PARTS:
        source = root / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def make_tiny(target: Path, files: dict[str, Edit] | None = None) -> Path:
    """A tiny project in `target`: the study's templates, TINY_FILES, then `files` applied on top."""
    target.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "templates", target / "templates")
    apply_files(target, dict(TINY_FILES))
    return apply_files(target, files or {})


STUDY_RESPONSES = REPO / "data" / "responses.csv"
# A text answer with the characters German exports get wrong most often.
UMLAUT_ANSWER = "Geschäftsführer – Öko „Süd“ 5 €"


def study_rows() -> list[list[str]]:
    """The study's responses as rows of strings, one text answer with umlauts, dash, quotes and €."""
    rows = list(csv.reader(io.StringIO(STUDY_RESPONSES.read_text(encoding="utf-8"), newline="")))
    column = rows[0].index("position_sonstiges")
    filled = next(row for row in rows[1:] if row[column])
    filled[column] = UMLAUT_ANSWER
    return rows


def to_csv(rows: list[list[str]], delimiter: str = ",", line_end: str = "\n", decimal_comma: bool = False) -> str:
    """Rows written as a spreadsheet program would: minimal quoting, the given delimiter and line ends."""
    if decimal_comma:
        rows = [rows[0], *([f"{cell},0" if cell.isdigit() else cell for cell in row] for row in rows[1:])]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator=line_end).writerows(rows)
    return buffer.getvalue()


def to_xlsx(rows: Sequence[Sequence[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def full_disk_when_writing(marker: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Writing a file whose temporary name contains `marker` fails as on a full disk."""
    real_open, real_fdopen = os.open, os.fdopen
    names: dict[int, str] = {}

    def opening(path: str | Path, flags: int, mode: int = 0o777, **kwargs: Any) -> int:
        handle = real_open(path, flags, mode, **kwargs)
        names[handle] = str(path)
        return handle

    class Full:
        def __init__(self, stream: BinaryIO) -> None:
            self.stream = stream

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.stream.close()

        def write(self, data: bytes) -> int:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def fdopen(handle: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        stream = real_fdopen(handle, mode, *args, **kwargs)
        return Full(stream) if "w" in mode and marker in names.pop(handle, "") else stream

    monkeypatch.setattr(os, "open", opening)
    monkeypatch.setattr(os, "fdopen", fdopen)
