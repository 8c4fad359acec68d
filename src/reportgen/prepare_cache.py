"""What a long-running process (`reportgen watch`) keeps between its builds of `prepare`: the rendered chapters, so
that a save renders again only the chapters it changed, and other results by what they were made from.

A chapter's rendering reads its text, the snippets it may include and the project's other inputs (statistics,
codebook, references, partials, settings: the `inputs` digest the caller gives), and it carries on where the
chapters before it left off: heading, figure, table, footnote, citation and cross-reference numbers, the charts
and questions used so far, the warnings given. That state is kept as it stood after each chapter, pickled in
memory with the inputs it refers to by name, never by value (nothing is written anywhere, nothing is read back
but what this process pickled). A chapter is taken from the cache only when its text, what it may include, the
inputs and the pickled state it starts from are exactly those of a kept rendering; its result and the state after
it are then the kept ones. A rendering is a function of these, so a cached chapter is what rendering it again
would give."""

from __future__ import annotations

import hashlib
import io
import os
import pickle
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar, cast

State = TypeVar("State")
Value = TypeVar("Value")
T = TypeVar("T")

# An include, import or extends whose target is a written snippet name ("_….md"): only snippets are read then.
_INCLUDE = re.compile(r"\{%[-+]?\s*(?:include|import|extends|from)\b(?P<target>.*?)[-+]?%\}", re.S)
_SNIPPET_TARGET = re.compile(
    r"""\s*(?:"_[^"]*"|'_[^']*')(?:\s+(?:ignore\s+missing|with(?:out)?\s+context|import\s+[\w\s,]+|as\s+\w+))*\s*"""
)


@dataclass(frozen=True)
class _Entry(Generic[Value]):
    before: bytes  # the chapter's key: a digest of its text, what it may include and the state before it
    value: Value
    after: bytes  # a digest of the state after it
    state: bytes  # the state after it, pickled


class PrepareCache:
    """The rendered chapters, and other results of `prepare` by the inputs they were made from (see `value`)."""

    def __init__(self) -> None:
        self.chapters: ChapterCache[Any] = ChapterCache()
        self._values: dict[str, tuple[object, object]] = {}

    def value(self, name: str, key: object, compute: Callable[[], T]) -> T:
        """`compute()`, or the value it gave last time under this `name` if that was for an equal `key`, which must
        name everything `compute` reads as it was before `compute` read it."""
        kept = self._values.get(name)
        if kept is not None and kept[0] == key:
            return cast(T, kept[1])
        value = compute()
        self._values[name] = (key, value)
        return value

    def last(self, name: str) -> object | None:
        """The value kept under `name`, if any."""
        kept = self._values.get(name)
        return None if kept is None else kept[1]


class ChapterCache(Generic[Value]):
    """The last rendering of each chapter with the state before and after it; `run()` starts one build's use."""

    def __init__(self) -> None:
        self._inputs = ""
        self._entries: dict[str, _Entry[Value]] = {}
        self.hits = 0  # chapters taken from the cache in the last run

    def run(
        self, inputs: str, texts: Mapping[str, str], state: State, shared: Mapping[str, object]
    ) -> ChapterRun[State, Value]:
        """One build's chapters. `inputs` names every input but the content `texts` (by file name); `state` is the
        rendering state before the first chapter, `shared` the inputs it refers to (statistics, partials, …),
        by name. A change of inputs forgets every chapter."""
        if inputs != self._inputs:
            self._inputs, self._entries = inputs, {}
        self._entries = {name: entry for name, entry in self._entries.items() if name in texts}
        self.hits = 0
        return ChapterRun(self, _readable(texts), state, _Pickling(shared))


class ChapterRun(Generic[State, Value]):
    """The chapters of one build in order: each is `take`n from the cache, or rendered on the `live()` state and
    then `keep`t. The state is unpickled only when a chapter must be rendered after one taken from the cache, and
    at the end."""

    def __init__(self, cache: ChapterCache[Value], readable: str, state: State, pickling: _Pickling | None) -> None:
        self._cache = cache
        self._readable = readable
        self._pickling: _Pickling | None = pickling
        self._live: State | None = state
        self._pickled: bytes | None = None  # the state when it is not live
        self._digest: bytes | None = None  # the state's digest, while it is known
        self._before: bytes | None = None

    def take(self, name: str, text: str) -> Value | None:
        """The kept rendering of chapter `name` if its text and the state before it are the kept ones; the state is
        then the one after it. Otherwise None: render it on `live()` and `keep` it."""
        state = self._state_digest()
        self._before = None if state is None else _digest(name, text, self._readable, state)
        entry = self._cache._entries.get(name)
        if entry is None or self._before is None or entry.before != self._before:
            return None
        self._live, self._pickled, self._digest = None, entry.state, entry.after
        self._cache.hits += 1
        return entry.value

    def live(self) -> State:
        """The state to render the next chapter on (which may change it), or to finish with after the last."""
        if self._live is None:
            assert self._pickled is not None and self._pickling is not None
            self._live = self._pickling.load(self._pickled)
        self._digest = None
        return self._live

    def keep(self, name: str, value: Value) -> None:
        """Keep the rendering of the chapter just `take`n (and not found) with the state it left."""
        after = self._state_digest()
        state = self._dump()
        if self._before is not None and after is not None and state is not None:
            self._cache._entries[name] = _Entry(self._before, value, after, state)
        self._before = None

    def _state_digest(self) -> bytes | None:
        if self._digest is None and self._live is not None:
            self._digest = self._pickled_by(lambda pickling: pickling.digest(self._live))
        return self._digest

    def _dump(self) -> bytes | None:
        return self._pickled_by(lambda pickling: pickling.dump(self._live))

    def _pickled_by(self, pickled: Callable[[_Pickling], bytes]) -> bytes | None:
        if self._pickling is None:
            return None
        try:
            return pickled(self._pickling)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):
            self._pickling = None  # something in the state can't be kept: every chapter is rendered
            return None


def uncached(state: State) -> ChapterRun[State, Any]:
    """The chapters of a build without a cache (`reportgen build`, `check`): each rendered, nothing pickled."""
    return ChapterRun(ChapterCache(), "", state, None)


def _digest(*parts: str | bytes) -> bytes:
    digest = hashlib.blake2b(digest_size=32)
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.digest()


def _readable(texts: Mapping[str, str]) -> str:
    """What a chapter may read besides its own text: the snippets (`_….md`) when every include, import and extends
    in the content names a snippet; else every content text (a chapter may include another)."""
    only_snippets = all(
        _SNIPPET_TARGET.fullmatch(found["target"]) for text in texts.values() for found in _INCLUDE.finditer(text)
    )
    names = sorted(name for name in texts if name.startswith("_") or not only_snippets)
    return "".join(f"{len(name)}:{name}{len(texts[name])}:{texts[name]}" for name in names)


class _Pickling:
    """Pickles the rendering state with the `shared` inputs, and markdown-it's parser and renderer (made once per
    build, never changed by rendering), by name; unpickled, the names are this run's objects again."""

    def __init__(self, shared: Mapping[str, object]) -> None:
        from markdown_it import MarkdownIt
        from markdown_it.renderer import RendererHTML

        self._names = {id(value): name for name, value in shared.items() if value is not None}
        self._objects: dict[str, object] = {name: value for name, value in shared.items() if value is not None}
        self._parsers = (MarkdownIt, RendererHTML)

    def dump(self, state: object) -> bytes:
        """`state` pickled, to be loaded again."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = self._persistent_id  # type: ignore[method-assign]
        pickler.dump(state)
        return buffer.getvalue()

    def digest(self, state: object) -> bytes:
        """A digest of `state` that depends on its values alone: pickled without pickle's memo (so that an object
        met twice is written twice, whether or not two equal strings are one object), sets in a sorted order
        (an unpickled set may iterate in another order than the one pickled). Such bytes can't be loaded."""
        buffer = io.BytesIO()
        pickler = pickle.Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL)
        pickler.persistent_id = self._canonical_id  # type: ignore[method-assign]
        pickler.fast = True
        pickler.dump(state)
        return _digest(buffer.getvalue())

    def load(self, data: bytes) -> Any:
        unpickler = pickle.Unpickler(io.BytesIO(data))
        unpickler.persistent_load = self._objects.__getitem__  # type: ignore[method-assign]
        return unpickler.load()

    def _canonical_id(self, value: object) -> object:
        if isinstance(value, set | frozenset):
            return (type(value).__name__, sorted(repr(item) for item in value))
        return self._persistent_id(value)

    def _persistent_id(self, value: object) -> str | None:
        name = self._names.get(id(value))
        if name is None and isinstance(value, self._parsers):
            name = type(value).__name__
            if self._objects.setdefault(name, value) is not value:
                raise pickle.PicklingError(f"two {name} objects in the rendering state")
            self._names[id(value)] = name
        return name


def folder_stamp(folder: Path) -> str:
    """Every file below `folder` by name, size and times: what changes when a file there is edited, added or
    removed (a save always changes st_ctime). Nothing is read."""
    stamps: list[str] = []
    for directory, folders, files in os.walk(folder):
        folders.sort()
        stamps.extend(file_stamp(Path(directory, name)) for name in sorted(files))
    return "\n".join(stamps)


def file_stamp(path: Path) -> str:
    """A file's name, size and times, or that there is none."""
    try:
        stat = path.stat()
    except OSError:
        return f"{path} -"
    return f"{path} {stat.st_size} {stat.st_mtime_ns} {stat.st_ctime_ns} {stat.st_ino}"


def inputs_digest(parts: Iterable[object]) -> str:
    """A digest of the reprs of `parts`, in order."""
    digest = hashlib.blake2b(digest_size=32)
    for part in parts:
        data = repr(part).encode()
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest()
