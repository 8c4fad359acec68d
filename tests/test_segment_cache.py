"""The segment cache (segment_cache.py): a new process lays out only the chapter that changed, and its PDF is the
cold build's, byte for byte; a segment's key changes with everything its bytes depend on, and the cache never
serves a segment that is missing, cut short or replaced."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from projects import copy_study
from reportgen.parts import PartPlan, split
from reportgen.segment_cache import segment_specs

DOCUMENT = """<!DOCTYPE html><html><head><title>T</title></head><body>
<div class="running">Fuß</div><nav><a href="#zwei">Zwei</a></nav>
<main>
<section class="chapter" data-source="content/01.md"><h1 id="eins">Eins</h1><p>a <a href="#zwei">dort</a></p></section>
<section class="chapter" data-source="content/02.md"><h1 id="zwei">Zwei</h1><p>b</p></section>
</main>
</body></html>"""

PLAN = PartPlan(
    before="b",
    parts=(("content/01.md", "1"), ("content/02.md", "2")),
    after="a",
    assets={"templates/style.css": "s"},
    spans=((1, 3), (3, 4)),
    anchors={"eins": 1, "zwei": 3},
    running='<div class="running">Fuß</div>',
    pages=4,
    around=("<main>", "</main>"),
    margins=(("",), ("Seite 2",), ("Seite 3",), ("Seite 4",)),
    alone=True,
)
WORDS = {"zwei": "Kapitel Zwei", "eins": "Kapitel Eins"}  # what a link to each heading says


def _keys(html: str = DOCUMENT, plan: PartPlan = PLAN, words: dict[str, str] = WORDS) -> list[str]:
    cut = split(html)
    assert cut is not None
    return [spec.key for spec in segment_specs(plan, cut, html, words, False, "v1")]


def test_segments_are_the_front_matter_and_each_chapter_with_their_pages() -> None:
    cut = split(DOCUMENT)
    assert cut is not None
    specs = segment_specs(PLAN, cut, DOCUMENT, WORDS, False, "v1")
    assert [spec.pages for spec in specs] == [range(0, 1), range(1, 3), range(3, 4)]  # no back matter: no pages
    # what their links say and the pages they lead to: the front matter's and the first chapter's link to „Zwei“
    assert [spec.texts for spec in specs] == [{"zwei": ["Kapitel Zwei"]}, {"zwei": ["Kapitel Zwei"]}, {}]
    assert [spec.anchors for spec in specs] == [{"zwei": 3}, {"zwei": 3}, {}]
    assert len({spec.key for spec in specs}) == 3


def test_an_edit_in_one_chapter_changes_only_that_chapters_key() -> None:
    edited = DOCUMENT.replace("<p>b</p>", "<p>b, neu</p>")
    before, after = _keys(), _keys(edited)
    assert [b == a for b, a in zip(before, after, strict=True)] == [True, True, False]


@pytest.mark.parametrize(
    ("change", "changed"),
    [
        # the heading a link describes has new words: the segments whose links say them
        (lambda: _keys(words={**WORDS, "zwei": "Kapitel Zwo"}), [True, True, False]),
        # an anchor moved to another page: the segments that show its page number
        (lambda: _keys(plan=dataclasses.replace(PLAN, anchors={"eins": 1, "zwei": 2})), [True, True, False]),
        # a page's running head or number reads differently
        (
            lambda: _keys(plan=dataclasses.replace(PLAN, margins=(("",), ("S. 2",), *PLAN.margins[2:]))),
            [False, True, False],
        ),
        # the stylesheet, the page count, the running elements: every segment
        (lambda: _keys(plan=dataclasses.replace(PLAN, assets={"templates/style.css": "t"})), [True, True, True]),
        (lambda: _keys(plan=dataclasses.replace(PLAN, pages=5, margins=(*PLAN.margins, ("",)))), [True, True, True]),
        (lambda: _keys(plan=dataclasses.replace(PLAN, running="<div>x</div>")), [True, True, True]),
        (lambda: _keys(DOCUMENT.replace("<title>T</title>", "<title>U</title>")), [True, True, True]),
        # a chapter's start tag (its siblings' selectors): every segment
        (
            lambda: _keys(
                DOCUMENT.replace('class="chapter" data-source="content/02.md"', 'class="x" data-source="content/02.md"')
            ),
            [True, True, True],
        ),
    ],
)
def test_a_segments_key_changes_with_what_its_pages_borrow_from_the_rest(change, changed) -> None:  # type: ignore[no-untyped-def]
    # (a page more at the end makes a back matter segment: the first three are compared)
    assert [b != a for b, a in zip(_keys(), change(), strict=False)] == changed


def test_without_chapters_laid_out_alone_every_key_holds_the_whole_document() -> None:
    plan = dataclasses.replace(PLAN, alone=False)
    edited = DOCUMENT.replace("<p>b</p>", "<p>b, neu</p>")
    assert all(b != a for b, a in zip(_keys(plan=plan), _keys(edited, plan=plan), strict=True))


# A new process, as the user runs it: `reportgen build` twice, with an edit between.


def _build(project: Path) -> None:
    done = subprocess.run(
        [str(Path(sys.executable).with_name("reportgen")), "build", "--project", str(project)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def _segment_files(project: Path) -> dict[str, int]:
    folder = project / "build" / ".cache" / "segments"
    return {path.name: path.stat().st_mtime_ns for path in folder.glob("*.pdf")}


def _edit(project: Path, name: str, old: str, new: str) -> None:
    path = project / "content" / name
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")


def _cold(project: Path, target: Path) -> bytes:
    """The PDF a build of the same inputs without build/ gives."""
    shutil.copytree(project, target, ignore=shutil.ignore_patterns("build"))
    _build(target)
    return (target / "build" / "report.pdf").read_bytes()


@pytest.fixture(scope="module")
def built_study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    project = copy_study(tmp_path_factory.mktemp("segments") / "project")
    _build(project)
    return project


@pytest.mark.slow
def test_a_new_process_writes_only_the_edited_chapter_and_gives_the_cold_builds_pdf(
    built_study: Path, tmp_path: Path
) -> None:
    before = _segment_files(built_study)
    assert len(before) >= 5  # the front matter and the study's chapters
    _edit(built_study, "01-einleitung.md", ". ", ". Dieser Satz ist neu. ")
    _build(built_study)
    after = _segment_files(built_study)
    new = set(after) - set(before)
    assert len(new) == 1 and len(after) == len(before)
    assert all(after[name] == before[name] for name in set(after) & set(before))  # the others were not written
    assert (built_study / "build" / "report.pdf").read_bytes() == _cold(built_study, tmp_path / "cold")


@pytest.mark.slow
def test_a_chapter_that_grows_by_a_page_moves_the_others_and_still_gives_the_cold_builds_pdf(
    built_study: Path, tmp_path: Path
) -> None:
    with pikepdf.open(built_study / "build" / "report.pdf") as pdf:
        pages = len(pdf.pages)
    _edit(built_study, "01-einleitung.md", ". ", ". " + "Ein langer neuer Absatz. " * 60 + "\n\n")
    _build(built_study)
    incremental = (built_study / "build" / "report.pdf").read_bytes()
    with pikepdf.open(built_study / "build" / "report.pdf") as pdf:
        assert len(pdf.pages) > pages
    assert incremental == _cold(built_study, tmp_path / "cold")


@pytest.mark.slow
def test_a_cached_segment_cut_short_replaced_or_gone_is_written_again(built_study: Path, tmp_path: Path) -> None:
    folder = built_study / "build" / ".cache" / "segments"
    files = sorted(folder.glob("*.pdf"))
    files[0].write_bytes(files[0].read_bytes()[:1000])  # cut short
    files[1].write_bytes(files[2].read_bytes())  # another segment's PDF
    files[3].unlink()
    os.symlink("/dev/zero", files[3])  # a link to an endless file
    _edit(built_study, "04-fazit.md", ". ", ". Neu. ")
    _build(built_study)
    assert (built_study / "build" / "report.pdf").read_bytes() == _cold(built_study, tmp_path / "cold")


def _pixel_png(red: int) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8), (red, 40, 40)).save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("with_text_edit", [False, True])
def test_an_image_changed_on_disk_is_never_served_from_the_cache(
    tiny_project, tmp_path: Path, with_text_edit: bool
) -> None:  # type: ignore[no-untyped-def]
    """The chapter's HTML stays the same when only the picture it shows changes: its pages must still be new, also
    when another chapter's text changed (which alone would be laid out again)."""
    from projects import TINY_FILES
    from reportgen.build import build

    chapter = TINY_FILES["content/01-kapitel.md"] + "\n\n![Ein Bild](bilder/bild.png)\n"
    second = "# Weiteres\n\nEin Satz.\n"
    files = {
        "content/01-kapitel.md": chapter,
        "content/02-weiter.md": second,
        "content/bilder/bild.png": _pixel_png(200),
    }
    root = tiny_project(files)
    build(root)
    (root / "content" / "bilder" / "bild.png").write_bytes(_pixel_png(20))
    if with_text_edit:
        (root / "content" / "02-weiter.md").write_text(second + "\nEin neuer Satz.\n", "utf-8")
    incremental = build(root).pdf.read_bytes()
    cold = tmp_path / "cold"
    shutil.copytree(root, cold, ignore=shutil.ignore_patterns("build"))
    assert incremental == build(cold).pdf.read_bytes()
