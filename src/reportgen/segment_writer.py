"""Writing the segments that the build cache lacks: in this process, or shared with a second one.

Drawing pages is most of a PDF's cost and each segment is drawn on its own, so with two or more segments to write
and a system that can fork (the child shares the laid-out pages, which cannot be sent to another process), a child
and this process each take the next segment neither has taken yet, largest first, until all are written. Anything
that goes wrong in the child (it dies, or raises) costs only time: its segments are then written here, where an
error is reported as usual."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from typing import Any

from .pdf_segments import Segment, write_segment
from .segment_cache import SegmentSpec
from .weasyprint_log import collected_warnings
from .workers import become_worker, holding_back_ctrl_c

# A segment to write: what it is, the document holding its pages, and the index of its first page there.
Job = tuple[SegmentSpec, Any, int]
Written = tuple[dict[str, Segment], list[str]]  # the segments by key, and WeasyPrint's warnings while writing


def write_segments(jobs: Sequence[Job], with_files: bool, *, fork: bool = True) -> Written:
    """Every job's segment by key, and WeasyPrint's warnings (those of this process are also logged as usual).
    Without `fork`, all are written in this process."""
    # (a daemonic process, e.g. a Dask worker, may not start one)
    if not fork or len(jobs) < 2 or not hasattr(os, "fork") or multiprocessing.current_process().daemon:
        return _write_all(jobs, with_files), []
    queue = _largest_first(jobs)
    context = multiprocessing.get_context("fork")
    taken = context.Value("i", 0)  # how many of `queue` either process has taken
    receiving, sending = context.Pipe(duplex=False)
    child = context.Process(
        target=_write_and_send, args=(queue, taken, with_files, sending, receiving, os.getpid()), daemon=True
    )
    try:
        with holding_back_ctrl_c():  # until the child ignores it (`become_worker`)
            child.start()
        sending.close()
        written = _write_all(_taking(queue, taken), with_files)
        try:
            answer = receiving.recv()
        except (EOFError, OSError):
            answer = None
    except BaseException:  # Ctrl-C, or an error here: the child's segments are not wanted any more
        if child.pid is not None:
            child.kill()
        raise
    finally:
        sending.close()
        receiving.close()
        if child.pid is not None:
            child.join()
    if not isinstance(answer, tuple):  # the child failed: what it took is written here
        return {**written, **_write_all([job for job in queue if job[0].key not in written], with_files)}, []
    their_segments, their_messages = answer
    return {**written, **their_segments}, their_messages


def _write_all(jobs: Iterable[Job], with_files: bool) -> dict[str, Segment]:
    return {spec.key: _written(spec, document, first, with_files) for spec, document, first in jobs}


def _written(spec: SegmentSpec, document: Any, first: int, with_files: bool) -> Segment:
    pages = range(first, first + len(spec.pages))
    return write_segment(document, pages, spec.pages.start, spec.texts, spec.anchors, with_files)


def _write_and_send(
    queue: Sequence[Job],
    taken: Synchronized[int],
    with_files: bool,
    sending: Connection,
    receiving: Connection,
    parent: int,
) -> None:
    """In the child: write the jobs it takes and send them with WeasyPrint's warnings; on any error, send None.

    Like the build's worker, the child ignores Ctrl-C (the parent kills it), dies with the parent and never holds
    the caller's terminal or pipe. It closes its copy of the receiving end, so that a send the parent no longer
    reads fails instead of waiting for ever."""
    receiving.close()
    become_worker(parent)
    answer: Written | None = None
    # on any error, the parent writes these itself and reports what goes wrong there
    with contextlib.suppress(BaseException), collected_warnings() as messages:
        answer = (_write_all(_taking(queue, taken), with_files), list(messages))
    with contextlib.suppress(BaseException):
        sending.send(answer)
        sending.close()


def _taking(queue: Sequence[Job], taken: Synchronized[int]) -> Iterator[Job]:
    """The jobs of `queue` this process takes, one at a time, until both processes have taken all: whichever is
    free first writes the next, so that neither waits long for the other."""
    while True:
        with taken.get_lock():
            index = taken.value
            taken.value = index + 1
        if index >= len(queue):
            return
        yield queue[index]


def _largest_first(jobs: Sequence[Job]) -> list[Job]:
    """The jobs by page count, most pages first: the last ones taken are short, so both processes end close
    together."""
    return sorted(jobs, key=lambda job: -len(job[0].pages))
