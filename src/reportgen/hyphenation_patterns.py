"""The hyphenation patterns WeasyPrint needs, without parsing them on the build's critical path.

pyphen parses a language's pattern file the first time WeasyPrint breaks a word of that language (about 2 s for
German on a slow core) and keeps the result in `pyphen.hdcache`, keyed by the file. `patterns_in(executor,
language)` puts a stand-in there that, at the first hyphenated word, becomes:

- the patterns shipped parsed in the package (`de_DE.patterns.pickle.gz`, pickled: 0.04 s to load, against 0.1 s
  as JSON), if they were made from exactly the pattern file this pyphen has (its SHA-256 is stored with them);
- else the copy the chart worker parsed meanwhile (`executor`);
- else, whatever happened to the worker, a parse here, as pyphen would have done.

The pages are the same in every case. After a pyphen upgrade that changes the file, regenerate the packaged copy
with `python -m reportgen.hyphenation_patterns` (tests/test_hyphenation_patterns.py fails until then). The copy is
pyphen's hyph_de_DE.dic in another form, under its licence (LGPL 2 or later; based on dehyphn.tex, LPPL: see
pyphen's dictionaries/README_hyph_de.txt).
"""

from __future__ import annotations

import gzip
import hashlib
import pickle
from collections.abc import Callable, Iterator
from concurrent.futures import Executor
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import pyphen

# The pattern set the house style asks WeasyPrint for (`-weasy-lang` in templates/style.css): pyphen reads a bare
# "de" as its de_AT patterns. Any other language is pyphen's own fallback for it.
_PATTERNS_FOR = {"de": "de_DE"}
PACKAGED = {"de_DE": "de_DE.patterns.pickle.gz"}  # parsed pattern sets in the package, by pyphen's name


def pattern_file(language: str) -> Path | None:
    """The pyphen pattern file WeasyPrint will use for text in `language` (an HTML lang value), if pyphen has one."""
    path: Path | None = pyphen.LANGUAGES.get(_pattern_name(language) or "")
    return path


def _pattern_name(language: str) -> str | None:
    name: str | None = _PATTERNS_FOR.get(language.lower()) or pyphen.language_fallback(language.replace("-", "_"))
    return name


def parse(path: Path) -> pyphen.HyphDict:
    """The parsed patterns (run in the worker; the result travels back pickled, in milliseconds)."""
    return pyphen.HyphDict(path)


def packaged(name: str, path: Path) -> pyphen.HyphDict | None:
    """The package's parsed copy of pattern set `name`, if it was made from the file at `path` as it is now."""
    stored = PACKAGED.get(name)
    if stored is None:
        return None
    data: dict[str, Any] = pickle.loads(gzip.decompress(resources.files(__package__).joinpath(stored).read_bytes()))
    if data["source_sha256"] != hashlib.sha256(path.read_bytes()).hexdigest():
        return None
    dictionary = pyphen.HyphDict.__new__(pyphen.HyphDict)  # what HyphDict.__init__ would have built from `path`
    dictionary.patterns = data["patterns"]
    dictionary.cache = {}
    dictionary.maxlen = data["maxlen"]
    return dictionary


def serialised(path: Path) -> bytes:
    """pyphen's parse of the pattern file at `path`, as the package keeps it (the same bytes for the same file)."""
    dictionary = pyphen.HyphDict(path)
    data = {
        "source_sha256": hashlib.sha256(path.read_bytes()).hexdigest(),
        "maxlen": dictionary.maxlen,
        "patterns": dict(sorted(dictionary.patterns.items())),
    }
    return gzip.compress(pickle.dumps(data, protocol=5), mtime=0)


class _Pending:
    """Stands in for a `pyphen.HyphDict` until its first use, then is what `load` gives (or, failing that, a parse
    here)."""

    def __init__(self, path: Path, load: Callable[[], pyphen.HyphDict | None]) -> None:
        self._path = path
        self._load = load
        self._parsed: pyphen.HyphDict | None = None

    def parsed(self) -> pyphen.HyphDict:
        if self._parsed is None:
            try:
                self._parsed = self._load()
            except Exception:  # the worker died or was killed, or the packaged copy is unreadable
                self._parsed = None
            if self._parsed is None:
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
    """While the block runs, `language`'s patterns come from the package or from `executor` (started now, only if
    the package has none); afterwards pyphen keeps them as if it had parsed them itself, or nothing if no word
    was hyphenated."""
    name = _pattern_name(language)
    path = pattern_file(language)
    if name is None or path is None or path in pyphen.hdcache:
        yield
        return
    if name in PACKAGED:
        pending = _Pending(path, lambda: packaged(name, path) or _parse_now(executor, path))
    elif executor is not None:
        future = executor.submit(parse, path)
        pending = _Pending(path, future.result)
    else:
        yield
        return
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


def _parse_now(executor: Executor | None, path: Path) -> pyphen.HyphDict | None:
    """No usable packaged copy (pyphen changed its file): parse, in the worker if there is one."""
    return executor.submit(parse, path).result() if executor is not None else None


if __name__ == "__main__":  # regenerate the packaged copies from the installed pyphen
    for pattern_name, stored_name in PACKAGED.items():
        target = Path(__file__).with_name(stored_name)
        target.write_bytes(serialised(pyphen.LANGUAGES[pattern_name]))
        print(f"{target} written")
