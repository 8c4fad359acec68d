"""Project copies for the benchmark and their edits: a sentence, a response, a larger study, more respondents."""

from __future__ import annotations

import csv
import io
import random
import re
import shutil
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from reportgen.config import load_config
from reportgen.layout import Layout

REPO = Path(__file__).resolve().parent.parent
# The chapters the edits touch belong to this study, not to reportgen.
EDITED_CHAPTER = "01-einleitung.md"
RESULTS_CHAPTER = "03-ergebnisse.md"
ADDED_SENTENCE = " Dieser Satz wurde für den Benchmark ergänzt."
TEXT_ANSWERS = ("", "", "", "", "Beratung", "Handel", "Dienstleistung", "Sonstiges")


@dataclass(frozen=True)
class Question:
    """What the benchmark needs of a codebook entry: its id, kind and codes."""

    id: str
    kind: str
    codes: tuple[int, ...]
    missing: tuple[int, ...]


def layout_of(project: Path) -> Layout:
    return load_config(project).layout


def project_items(source: Path) -> list[str]:
    """The inputs of a project: report.toml, content/, templates/ and the top folders of the data files."""
    layout = layout_of(source)
    data = {name.split("/")[0] for name in (layout.responses, layout.codebook)}
    return [Layout.config, Layout.content, Layout.templates, *sorted(data)]


def copy_project(target: Path, source: Path = REPO) -> Path:
    """A fresh copy of the project inputs (never build/)."""
    target.mkdir(parents=True)
    for item in project_items(source):
        if (source / item).is_dir():
            shutil.copytree(source / item, target / item)
        else:
            shutil.copy2(source / item, target / item)
    return target


def clone_built(source: Path, target: Path) -> Path:
    """A copy of an already built project, build/ (outputs and caches) included."""
    shutil.copytree(source, target, symlinks=True)
    return target


def read_codebook(project: Path) -> list[Question]:
    """The questions of the codebook in questionnaire order, parsed here so no internal loader is needed."""
    layout = layout_of(project)
    entries = tomllib.loads(layout.path(layout.codebook).read_text(encoding="utf-8"))
    return [question_of(qid, entry) for qid, entry in entries.items()]


def question_of(qid: str, entry: dict[str, Any]) -> Question:
    kind = entry["kind"]
    if kind == "scale":
        codes = tuple(range(entry["scale"]["min"], entry["scale"]["max"] + 1))
    else:
        codes = tuple(category["code"] for category in entry.get("categories", ()))
    return Question(qid, kind, codes, tuple(entry.get("missing", ())))


def read_csv(path: Path) -> tuple[list[str], list[list[str]], str]:
    text = path.read_text(encoding="utf-8-sig")
    delimiter = csv.Sniffer().sniff(text.split("\n", 1)[0], delimiters=";,\t").delimiter
    header, *rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return header, [row for row in rows if any(cell.strip() for cell in row)], delimiter


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]], delimiter: str) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def edit_sentence(project: Path) -> None:
    """Append one sentence to the first prose paragraph of a chapter."""
    path = project / Layout.content / EDITED_CHAPTER
    lines = path.read_text(encoding="utf-8").split("\n")
    index = next(i for i, line in enumerate(lines) if line[:1].isalpha() and line.rstrip().endswith("."))
    lines[index] = lines[index].rstrip() + ADDED_SENTENCE
    path.write_text("\n".join(lines), encoding="utf-8")


def edit_response(project: Path) -> None:
    """Change one answer of the first scale question to another valid code."""
    question = next(question for question in read_codebook(project) if question.kind == "scale")
    layout = layout_of(project)
    path = layout.path(layout.responses)
    header, rows, delimiter = read_csv(path)
    column = header.index(question.id)
    old = rows[0][column].strip()
    rows[0][column] = str(next(code for code in question.codes if str(code) != old))
    write_csv(path, header, rows, delimiter)


def scaled_study(target: Path, factor: int) -> Path:
    """The study with the results chapter ×factor; copies use their own question ids, so charts are new."""
    project = copy_project(target)
    layout = layout_of(project)
    questions = read_codebook(project)
    ids = [question.id for question in questions]
    measured = [question.id for question in questions if question.kind != "text"]
    content = layout.path(Layout.content)
    for path in content.glob("*.md"):
        text = path.read_text(encoding="utf-8").replace("descriptives_table()", descriptives_call(measured, ""))
        path.write_text(text, encoding="utf-8")
    chapter = (content / RESULTS_CHAPTER).read_text(encoding="utf-8")
    original = layout.path(layout.codebook).read_text(encoding="utf-8")
    codebook_text = original
    header, rows, delimiter = read_csv(layout.path(layout.responses))
    for copy in range(2, factor + 1):
        suffix = f"_x{copy}"
        name = RESULTS_CHAPTER.replace("-", f"x{copy}-", 1)
        (content / name).write_text(copied_chapter(chapter, ids, measured, suffix), encoding="utf-8")
        codebook_text += "\n" + re.sub(r"^\[(\w+)\]", rf"[\1{suffix}]", original, flags=re.M)
        header, rows = copy_columns(header, rows, ids, suffix)
    layout.path(layout.codebook).write_text(codebook_text, encoding="utf-8")
    write_csv(layout.path(layout.responses), header, rows, delimiter)
    return project


def descriptives_call(question_ids: Sequence[str], suffix: str) -> str:
    return "descriptives_table(questions=[" + ", ".join(f'"{qid}{suffix}"' for qid in question_ids) + "])"


def copied_chapter(chapter: str, ids: Sequence[str], measured: Sequence[str], suffix: str) -> str:
    """The results chapter about the copied questions (ids with a suffix)."""
    text = chapter.replace("descriptives_table()", descriptives_call(measured, suffix))
    for qid in sorted(ids, key=len, reverse=True):
        text = text.replace(f'"{qid}"', f'"{qid}{suffix}"')
    return text


def copy_columns(
    header: list[str], rows: list[list[str]], ids: Sequence[str], suffix: str
) -> tuple[list[str], list[list[str]]]:
    positions = [header.index(qid) for qid in ids]
    new_header = header + [f"{qid}{suffix}" for qid in ids]
    return new_header, [row + [row[position] for position in positions] for row in rows]


def respondents_project(target: Path, rows: int, seed: int = 4) -> Path:
    """The study with `rows` generated respondents: random valid codes, some blanks, a few free texts."""
    project = copy_project(target)
    layout = layout_of(project)
    questions = read_codebook(project)
    path = layout.path(layout.responses)
    id_column = read_csv(path)[0][0]  # the study's own id column, as its responses name it
    rng = random.Random(seed)
    header = [id_column, *(question.id for question in questions)]
    generated = ([f"R{row + 1:06d}", *(random_answer(question, rng) for question in questions)] for row in range(rows))
    write_csv(path, header, generated, ",")
    return project


def random_answer(question: Question, rng: random.Random) -> str:
    if question.kind == "text":
        return rng.choice(TEXT_ANSWERS)
    if rng.random() < 0.05:
        return ""
    return str(rng.choice(question.codes + question.missing))
