"""Missing segments written in two processes (segment_writer): the same segments as written one after another here,
and a child that raises or dies costs only time."""

from __future__ import annotations

import multiprocessing
import os
import threading
import time
from typing import Any

import pytest

from reportgen import segment_writer
from reportgen.parts import plan, split
from reportgen.pdf_segments import Segment, write_segment
from reportgen.pdf_tags import headings
from reportgen.segment_cache import SegmentSpec, segment_specs
from test_pdf_segments import laid_out, small_html

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the second process is forked")


@pytest.fixture(scope="module")
def jobs() -> list[segment_writer.Job]:
    html = small_html()
    document = laid_out(html)
    chapters, cut = plan(html, document, {}), split(html)
    assert chapters is not None and cut is not None
    specs = segment_specs(chapters, cut, html, headings(html), False, "test")
    assert len(specs) >= 3
    return [(spec, document, spec.pages.start) for spec in specs]


def _one_by_one(jobs: list[segment_writer.Job]) -> dict[str, bytes]:
    return {
        spec.key: write_segment(document, spec.pages, spec.pages.start, spec.texts, spec.anchors, False).data
        for spec, document, _first in jobs
    }


def _bytes(written: dict[str, Segment]) -> dict[str, bytes]:
    return {key: segment.data for key, segment in written.items()}


def test_two_processes_write_the_segments_one_process_writes(
    jobs: list[segment_writer.Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    parent = os.getpid()
    seen: list[int] = []
    original = segment_writer.write_segment

    def noting(*arguments: Any) -> Segment:
        seen.append(os.getpid())
        time.sleep(0.3)  # the child, started meanwhile, takes the next segments
        return original(*arguments)

    monkeypatch.setattr(segment_writer, "write_segment", noting)
    written, _messages = segment_writer.write_segments(jobs, False)
    assert _bytes(written) == _one_by_one(jobs)
    assert set(seen) == {parent}  # the child's calls are noted in the child's memory only
    assert 0 < len(seen) < len(jobs)  # the parent wrote some, not all


@pytest.mark.parametrize("failure", ["raises", "dies"])
def test_a_child_that_fails_leaves_its_segments_to_the_parent(
    jobs: list[segment_writer.Job], monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    parent = os.getpid()
    original = segment_writer.write_segment

    def failing_in_the_child(document: Any, pages: range, *rest: Any) -> Segment:
        if os.getpid() != parent:
            if failure == "dies":
                os._exit(9)
            raise RuntimeError("kaputt")
        return original(document, pages, *rest)

    monkeypatch.setattr(segment_writer, "write_segment", failing_in_the_child)
    written, messages = segment_writer.write_segments(jobs, False)
    assert _bytes(written) == _one_by_one(jobs)
    assert messages == []


def test_each_segment_is_taken_once_largest_first() -> None:
    sizes = [1, 5, 1, 1, 2, 3]
    starts = [sum(sizes[:index]) for index in range(len(sizes))]
    fake = [
        (SegmentSpec(range(start, start + size), {}, {}, str(start)), None, start)
        for start, size in zip(starts, sizes, strict=True)
    ]
    queue = segment_writer._largest_first(fake)
    taken = multiprocessing.get_context("fork").Value("i", 0)
    mine, theirs = segment_writer._taking(queue, taken), segment_writer._taking(queue, taken)
    order = [next(mine), next(theirs), next(theirs), next(mine), *mine, *theirs]
    assert [len(spec.pages) for spec, _, _ in order] == [5, 3, 2, 1, 1, 1]
    assert sorted(spec.key for spec, _, _ in order) == sorted(spec.key for spec, _, _ in fake)


def test_an_interrupted_parent_leaves_no_child_behind(
    jobs: list[segment_writer.Job], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C while the parent writes: the child, whose answer is larger than a pipe holds, must not outlive it."""
    parent = os.getpid()

    def interrupted_here_large_there(document: Any, pages: range, *rest: Any) -> Segment:
        if os.getpid() == parent:
            time.sleep(0.5)  # the child has written its segments by now and waits to send them
            raise KeyboardInterrupt
        return Segment(b"x" * 4_000_000, len(pages))

    monkeypatch.setattr(segment_writer, "write_segment", interrupted_here_large_there)
    outcome: list[BaseException] = []

    def writing() -> None:
        try:
            segment_writer.write_segments(jobs, False)
        except BaseException as error:  # what ended it is the test's result
            outcome.append(error)

    thread = threading.Thread(target=writing, daemon=True)
    thread.start()
    thread.join(20)
    alive = multiprocessing.active_children()
    for child in alive:
        child.kill()
    assert not thread.is_alive(), "write_segments still waits for its child"
    assert alive == []
    assert [type(error) for error in outcome] == [KeyboardInterrupt]
