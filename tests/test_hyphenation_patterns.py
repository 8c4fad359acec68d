"""The hyphenation patterns shipped parsed or parsed in a worker: the same as pyphen's own parse, whatever happens."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from pathlib import Path
from typing import Any

import pyphen
import pytest

from reportgen.hyphenation_patterns import packaged, pattern_file, patterns_in

WORDS = ("Ressourceneffizienz", "Wertschöpfungskette", "Netzstabilisierung", "Kreislaufwirtschaft")


@pytest.fixture
def clean_cache() -> Iterator[None]:
    """pyphen's cache as a fresh process has it, and put back afterwards."""
    saved = dict(pyphen.hdcache)
    pyphen.hdcache.clear()
    yield
    pyphen.hdcache.clear()
    pyphen.hdcache.update(saved)


def own_breaks() -> list[str]:
    """The breaks of pyphen's own parse of the German patterns, independent of the module."""
    dictionary = pyphen.Pyphen(filename=pyphen.LANGUAGES["de_DE"], cache=False)
    return [dictionary.inserted(word) for word in WORDS]


class FailingExecutor(Executor):
    """A worker that died: every task fails."""

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_exception(RuntimeError("worker died"))
        return future


def test_german_means_the_de_DE_patterns_not_pyphens_de_AT_default() -> None:
    assert pattern_file("de") == pyphen.LANGUAGES["de_DE"]
    assert pattern_file("de-DE") == pyphen.LANGUAGES["de_DE"]
    assert pattern_file("xx-unknown") is None


def test_the_packaged_patterns_are_pyphens_parse_of_the_installed_file() -> None:
    path = pyphen.LANGUAGES["de_DE"]
    shipped = packaged("de_DE", path)
    assert shipped is not None, "pyphen's hyph_de_DE.dic changed: run python -m reportgen.hyphenation_patterns"
    own = pyphen.HyphDict(path)
    assert shipped.patterns == own.patterns
    assert shipped.maxlen == own.maxlen
    assert [shipped.positions(word) for word in WORDS] == [own.positions(word) for word in WORDS]


def test_packaged_patterns_of_another_file_are_not_used(tmp_path: Path) -> None:
    changed = tmp_path / "hyph_de_DE.dic"
    changed.write_bytes(pyphen.LANGUAGES["de_DE"].read_bytes() + b"\n1zz1\n")
    assert packaged("de_DE", changed) is None


@pytest.mark.usefixtures("clean_cache")
def test_german_comes_from_the_package_without_a_worker() -> None:
    with patterns_in(None, "de"):
        breaks = [pyphen.Pyphen(lang="de_DE").inserted(word) for word in WORDS]
    assert breaks == own_breaks()
    assert isinstance(pyphen.hdcache[pattern_file("de")], pyphen.HyphDict)


@pytest.mark.usefixtures("clean_cache")
def test_patterns_from_a_worker_process_break_words_as_pyphen_does(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reportgen.hyphenation_patterns.PACKAGED", {})  # as for a language without a packaged copy
    path = pattern_file("de")
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool, patterns_in(pool, "de"):
        assert path in pyphen.hdcache
        breaks = [pyphen.Pyphen(lang="de_DE").inserted(word) for word in WORDS]
    assert breaks == own_breaks()
    assert isinstance(pyphen.hdcache[path], pyphen.HyphDict)  # kept as if pyphen had parsed them itself


@pytest.mark.usefixtures("clean_cache")
def test_a_failed_worker_means_parsing_here(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("reportgen.hyphenation_patterns.PACKAGED", {})
    with patterns_in(FailingExecutor(), "de"):
        breaks = [pyphen.Pyphen(lang="de_DE").inserted(word) for word in WORDS]
    assert breaks == own_breaks()


@pytest.mark.usefixtures("clean_cache")
def test_patterns_never_used_leave_pyphens_cache_as_it_was() -> None:
    with patterns_in(FailingExecutor(), "de"):
        pass
    assert pyphen.hdcache == {}


@pytest.mark.usefixtures("clean_cache")
def test_without_a_worker_or_packaged_copy_nothing_changes() -> None:
    with patterns_in(None, "fr"):
        assert pyphen.hdcache == {}
