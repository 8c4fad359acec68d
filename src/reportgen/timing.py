"""The stage-timing hook: callers that want to know where a build spends its time pass one."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

StageHook = Callable[[str, float], None]


@contextmanager
def stage(hook: StageHook | None, name: str) -> Iterator[None]:
    """Time the block and report it to `hook` as stage `name` (nothing happens without a hook)."""
    if hook is None:
        yield
        return
    start = time.perf_counter()
    yield
    hook(name, time.perf_counter() - start)
