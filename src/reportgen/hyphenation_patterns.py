"""The hyphenation patterns WeasyPrint needs, parsed in the chart worker while this process reads the project.

pyphen parses a language's pattern file the first time WeasyPrint breaks a word of that language (about 2 s for
German on a slow core) and keeps the result in `pyphen.hdcache`, keyed by the file. `patterns_in(executor,
language)` puts a stand-in there that waits for the worker's copy only when the first word is hyphenated; whatever
happens to the worker, the stand-in falls back to parsing here, so the pages are the same either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from pathlib import Path

import pyphen

# The pattern set the house style asks WeasyPrint for (`-weasy-lang` in templates/style.css): pyphen reads a bare
# "de" as its de_AT patterns. Any other language is pyphen's own fallback for it.
_PATTERNS_FOR = {"de": "de_DE"}


def pattern_file(language: str) -> Path | None:
    """The pyphen pattern file WeasyPrint will use for text in `language` (an HTML lang value), if pyphen has one."""
    name = _PATTERNS_FOR.get(language.lower()) or pyphen.language_fallback(language.replace("-", "_"))
    return pyphen.LANGUAGES.get(name) if name else None


def parse(path: Path) -> pyphen.HyphDict:
    """The parsed patterns (run in the worker; the result travels back pickled, in milliseconds)."""
    return pyphen.HyphDict(path)


class _Pending:
    """Stands in for a `pyphen.HyphDict` until its first use, then is the worker's (or, failing that, our own)."""

    def __init__(self, path: Path, future: Future[pyphen.HyphDict]) -> None:
        self._path = path
        self._future = future
        self._parsed: pyphen.HyphDict | None = None

    def parsed(self) -> pyphen.HyphDict:
        if self._parsed is None:
            try:
                self._parsed = self._future.result()
            except Exception:  # the worker died or was killed: parse here, as pyphen would have
                self._parsed = parse(self._path)
        return self._parsed

    def resolved(self) -> pyphen.HyphDict | None:
        """The patterns, if they were needed."""
        return self._parsed

    def positions(self, word: str) -> list[int]:
        positions: list[int] = self.parsed().positions(word)
        return positions


@contextmanager
def patterns_in(executor: Executor | None, language: str) -> Iterator[None]:
    """While the block runs, `language`'s patterns come from `executor` (started now); afterwards pyphen keeps
    them as if it had parsed them itself, or nothing if no word was hyphenated."""
    path = pattern_file(language)
    if executor is None or path is None or path in pyphen.hdcache:
        yield
        return
    pending = _Pending(path, executor.submit(parse, path))
    pyphen.hdcache[path] = pending
    try:
        yield
    finally:
        if pyphen.hdcache.get(path) is pending:
            parsed = pending.resolved()
            if parsed is not None:
                pyphen.hdcache[path] = parsed
            else:
                del pyphen.hdcache[path]
