"""The stage-timing hook: callers that want to know where a build spends its time pass one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import StrEnum


class Stage(StrEnum):
    """The stages of a build, in the order build() runs them; the values are what the hook and benchmarks see."""

    CONFIG = "config"
    DATA = "data"
    CONTENT = "content"
    PAGE = "page"
    CHARTS = "charts"
    LAYOUT = "layout"
    PDF = "pdf"
    CHARTS_WAIT = "charts-wait"
    WRITE = "write"


StageHook = Callable[[str, float], None]


@contextmanager
def stage(hook: StageHook | None, name: Stage) -> Iterator[None]:
    """Time the block and report it to `hook` as stage `name` (nothing happens without a hook)."""
    if hook is None:
        yield
        return
    start = time.perf_counter()
    yield
    hook(name, time.perf_counter() - start)
