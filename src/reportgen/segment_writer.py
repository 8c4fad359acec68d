"""Writing the segments that the build cache lacks: in this process, or half of them in a second one.

Drawing pages is most of a PDF's cost and each segment is drawn on its own, so with two or more segments to write
and a system that can fork (the child shares the laid-out pages, which cannot be sent to another process), a child
writes about half of the pages while this process writes the rest. Anything that goes wrong in the child (it dies,
or raises) costs only time: its segments are then written here, where an error is reported as usual."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Sequence
from multiprocessing.connection import Connection
from typing import Any

from .pdf_segments import Segment, write_segment
from .segment_cache import SegmentSpec
from .weasyprint_log import collected_warnings

# A segment to write: what it is, the document holding its pages, and the index of its first page there.
Job = tuple[SegmentSpec, Any, int]
Written = tuple[dict[str, Segment], list[str]]  # the segments by key, and WeasyPrint's warnings while writing


def write_segments(jobs: Sequence[Job], with_files: bool, *, fork: bool = True) -> Written:
    """Every job's segment by key, and WeasyPrint's warnings (those of this process are also logged as usual).
    Without `fork`, all are written in this process."""
    # (a daemonic process, e.g. a Dask worker, may not start one)
    if not fork or len(jobs) < 2 or not hasattr(os, "fork") or multiprocessing.current_process().daemon:
        return _write_all(jobs, with_files), []
    mine, theirs = _halves(jobs)
    context = multiprocessing.get_context("fork")
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(target=_write_and_send, args=(theirs, with_files, sending), daemon=True)
    child.start()
    sending.close()
    try:
        written = _write_all(mine, with_files)
        try:
            answer = receiving.recv()
        except (EOFError, OSError):
            answer = None
    finally:
        receiving.close()
        child.join()
    if not isinstance(answer, tuple):  # the child failed: its half is written here
        return {**written, **_write_all(theirs, with_files)}, []
    their_segments, their_messages = answer
    return {**written, **their_segments}, their_messages


def _write_all(jobs: Sequence[Job], with_files: bool) -> dict[str, Segment]:
    return {spec.key: _written(spec, document, first, with_files) for spec, document, first in jobs}


def _written(spec: SegmentSpec, document: Any, first: int, with_files: bool) -> Segment:
    pages = range(first, first + len(spec.pages))
    return write_segment(document, pages, spec.pages.start, spec.texts, spec.anchors, with_files)


def _write_and_send(jobs: Sequence[Job], with_files: bool, sending: Connection) -> None:
    """In the child: write the jobs and send them with WeasyPrint's warnings; on any error, send None."""
    answer: Written | None = None
    # on any error, the parent writes these itself and reports what goes wrong there
    with contextlib.suppress(BaseException), collected_warnings() as messages:
        answer = (_write_all(jobs, with_files), list(messages))
    with contextlib.suppress(BaseException):
        sending.send(answer)
        sending.close()


def _halves(jobs: Sequence[Job]) -> tuple[list[Job], list[Job]]:
    """The jobs in two groups of about as many pages each (the larger segments placed first), each in page order."""
    groups: tuple[list[Job], list[Job]] = ([], [])
    for job in sorted(jobs, key=lambda job: -len(job[0].pages)):
        lighter = min(groups, key=lambda group: sum(len(spec.pages) for spec, _, _ in group))
        lighter.append(job)
    return (
        sorted(groups[0], key=lambda job: job[0].pages.start),
        sorted(groups[1], key=lambda job: job[0].pages.start),
    )
