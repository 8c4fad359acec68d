"""Property-based tests (issue 8, point 9): every loader ends in a result or a located ReportError, quickly.

The table readers are fuzzed in test_tables.py and test_hostile_tables.py; here are report.toml, the codebook,
the references, TOML itself and content snippets. Any other exception is a bug, and so is a hang: each call runs
under an alarm as well as hypothesis' deadline, so a loop ends the example instead of the test run.
"""

from __future__ import annotations

import contextlib
import json
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, currently_in_test_context, event, example, given, settings
from hypothesis import strategies as st

from projects import make_tiny
from reportgen.build import check, prepare
from reportgen.codebook import KINDS, Codebook, parse_codebook
from reportgen.config import Config, load_config
from reportgen.errors import ConfigError, ContentError, DataError, ReportError, ReportErrors
from reportgen.references import parse_references
from reportgen.tomlfile import parse_toml

T = TypeVar("T")

# Parsers of a few lines of text: fast, so many examples; content builds a page, so few.
FAST = settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(
    max_examples=30,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
HANG_SECONDS = 10  # far above any deadline: only a real hang gets here

CODEBOOK = "data/codebook.toml"
REFERENCES = "content/literatur.toml"
CHAPTER = "content/01-kapitel.md"


@contextlib.contextmanager
def alarm(seconds: float) -> Iterator[None]:
    """A hang becomes a TimeoutError instead of stopping the whole test run."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def problems(error: ReportError) -> list[ReportError]:
    return error.errors if isinstance(error, ReportErrors) else [error]


def result_or_located_error(
    call: Callable[[], T], kind: type[ReportError], file: str | None = None, text: str | None = None
) -> T | ReportError:
    last_line = max(text.count("\n"), len(text.splitlines())) + 1 if text is not None else 0
    """The call's result, or the ReportError it raised after checking that each problem has a place to fix.

    With `file`, each problem names that file; with `text`, a line it names is a line of that text (counted with
    \\n as TOML does, or with every line break Python knows, as `str.splitlines` does)."""
    try:
        with alarm(HANG_SECONDS):
            result = call()
    except ReportError as error:
        record(f"error: {type(error).__name__}")
        assert problems(error), repr(error)
        for problem in problems(error):
            assert isinstance(problem, kind), repr(problem)
            assert problem.location is not None, repr(problem)
            assert file is None or problem.location.file == file, repr(problem)
            if text is not None and problem.location.line is not None:
                assert 1 <= problem.location.line <= last_line, (problem.location.line, str(problem))
            assert str(problem).strip(), repr(problem)
        return error
    record("result")
    return result


def record(outcome: str) -> None:
    """Count outcomes for --hypothesis-show-statistics, so a strategy that never reaches a result shows."""
    if currently_in_test_context():
        event(outcome)


# Building blocks of TOML-ish text: the characters and words editors get wrong, and TOML's own syntax.

SYNTAX = [
    "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "#", '"', "'", '"""', "'''", "\\", "\\u00e4", "\\x", "\n", "\r\n",
    "\r", " ", "\t", "\x00", "\x7f", "\ufeff", "\u2028", "\u200b", "„", "“", "ü", "ß", "€", "😀",
]  # fmt: skip
VALUES = [
    '"Kleine Studie"', "'roh'", '""', '" "', '"""mehr\nzeilig"""', "2025-01-31", "2025-13-45", "2025-02-30",
    "1979-05-27T07:32:00Z", "07:32:00", "12", "-9", "0", "3.5", "1e400", "inf", "nan", "+0x10", "0o17", "true",
    "false", "[]", "[1, 2]", '["#0b5d5b"]', "{}", '{ min = 1, max = 5 }', "99999999999999999999", "-0",
]  # fmt: skip
CONFIG_WORDS = [
    "[report]", "[survey]", "[brand]", "[title]", "[[report]]", "[report.sub]", "title", "titel", "subtitle", "date",
    "datum", "language", "responses", "codebook", "id_column", "primary", "palette", "farben", "Title",
    '"data/responses.csv"', '"../draussen.csv"', '"/etc/passwd"', '"data/\\u0000.csv"', '"C:\\\\x.csv"',
    '"#0b5d5b"', '"#GGG"', '"data"', '"."', '""',
]  # fmt: skip


def toml_ish(words: list[str]) -> st.SearchStrategy[str]:
    """Text joined from TOML fragments, the given words and a little random text."""
    piece = st.one_of(
        st.sampled_from(SYNTAX),
        st.sampled_from(VALUES),
        st.sampled_from(words),
        st.sampled_from([" = ", "\n", "\n[report]\n", '\ntitle = "T"\n']),
        st.text(max_size=6),
    )
    return st.lists(piece, max_size=40).map("".join)


# Well-formed TOML built from random values, so that the checks after parsing are reached too.

SCALARS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["", " ", "\t", "ä", "scale", "categorical", "text", "#0b5d5b", "data/responses.csv"]),
    st.integers(-(2**63), 2**63 - 1),
    st.integers(-3, 10),
    st.booleans(),
    st.floats(),
    st.dates(),
)
VALUE = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=6,
)
KEYS = st.one_of(
    st.sampled_from(["item", "Item", "gruppe", "a b", "1", "-x", "_x", "ä", "", "x.y", "kind", "Title"]),
    st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True),
    st.text(max_size=6),
)


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else toml_string(key)


def toml_string(text: str) -> str:
    # JSON's string escapes are TOML's, except that TOML forbids a raw DEL.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, float):
        return {"inf": "inf", "-inf": "-inf", "nan": "nan"}.get(repr(value), repr(value))
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    return str(value)  # int, date


def toml_document(sections: dict[str, dict[str, Any]], top: dict[str, Any] | None = None, split: bool = False) -> str:
    """A TOML document; with `split`, lists of inline tables are written one item per line."""
    lines = [f"{toml_key(key)} = {toml_value(value)}" for key, value in (top or {}).items()]
    for name, entries in sections.items():
        lines.append(f"\n[{toml_key(name)}]")
        for key, value in entries.items():
            if split and isinstance(value, list) and value:
                items = "".join(f"  {toml_value(item)},\n" for item in value)
                lines.append(f"{toml_key(key)} = [\n{items}]")
            else:
                lines.append(f"{toml_key(key)} = {toml_value(value)}")
    return "\n".join(lines) + "\n"


# report.toml

CONFIG_KEYS = st.sampled_from(
    ["title", "subtitle", "date", "language", "author", "responses", "codebook", "id_column", "primary", "palette"]
) | st.text(max_size=5)
CONFIG_VALUES = st.one_of(
    VALUE,
    st.sampled_from(["Studie", "data/responses.csv", "../x.csv", "/abs.csv", "a\x00b", "#0b5d5b", "#fff", "rot"]),
    st.lists(st.sampled_from(["#0b5d5b", "#000", "blau", ""]), max_size=3),
)
COLOUR = st.from_regex(r"#([0-9a-fA-F]{3}|[0-9a-fA-F]{6})", fullmatch=True)
# Values of the right type for each key, often valid, so the validators are reached as well as the type checks.
TYPED = {
    "report": {
        "title": st.sampled_from(["Studie", " ", "", "„Öko“"]) | st.text(max_size=6),
        "subtitle": st.text(max_size=6),
        "date": st.dates(),
        "language": st.sampled_from(["de", "en", ""]),
    },
    "survey": {
        "responses": st.sampled_from(["data/responses.csv", "data/x.xlsx", "../x.csv", "/x.csv", "a\x00b", "", "."]),
        "codebook": st.sampled_from(["data/codebook.toml", "data/../../x.toml", "data", " "]),
        "id_column": st.sampled_from(["id", "", "ID"]),
    },
    "brand": {
        "primary": COLOUR | st.sampled_from(["rot", "#12", "#0b5d5b "]),
        "muted": COLOUR,
        "palette": st.lists(COLOUR | st.sampled_from(["blau", ""]), max_size=3),
    },
}


def with_changes(base: dict[str, dict[str, Any]], changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {name: base.get(name, {}) | changes.get(name, {}) for name in base | changes}


OPTIONAL_REPORT_KEYS = {key: value for key, value in TYPED["report"].items() if key != "title"}
TYPED_SECTIONS = st.fixed_dictionaries(
    {"report": st.fixed_dictionaries({"title": TYPED["report"]["title"]}, optional=OPTIONAL_REPORT_KEYS)},
    optional={name: st.fixed_dictionaries({}, optional=keys) for name, keys in TYPED.items() if name != "report"},
)
RANDOM_SECTIONS = st.dictionaries(
    st.sampled_from(["report", "survey", "brand", "Report", "extra"]),
    st.dictionaries(CONFIG_KEYS, CONFIG_VALUES, max_size=3),
    max_size=2,
)
CONFIG_DOCUMENTS = st.builds(
    toml_document,
    st.builds(with_changes, TYPED_SECTIONS, st.just({}) | RANDOM_SECTIONS),
    st.just({}) | st.dictionaries(CONFIG_KEYS, CONFIG_VALUES, max_size=2),
)


def load_config_text(text: str) -> Config:
    """load_config() on a fresh folder holding only this report.toml (function fixtures outlive examples)."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "projekt"
        root.mkdir()
        (root / "report.toml").write_text(text, encoding="utf-8")
        return load_config(root)


def config_or_error(text: str) -> Config | ReportError:
    return result_or_located_error(lambda: load_config_text(text), ConfigError, "report.toml", text)


@FAST
@given(toml_ish(CONFIG_WORDS))
@example('[report]\ntitle = "T"\n')
@example("")
@example('title = "T"\n[report]\n')
def test_random_report_toml_gives_a_config_or_a_located_error(text: str) -> None:
    config_or_error(text)


@FAST
@given(CONFIG_DOCUMENTS)
def test_well_formed_report_toml_with_random_values_gives_a_config_or_a_located_error(text: str) -> None:
    config_or_error(text)


# The codebook

CODEBOOK_WORDS = [
    "[item]", "[gruppe]", '["a b"]', "kind", '"scale"', '"categorical"', '"text"', '"Scale"', "text", "label",
    "scale", "categories", "missing", "min", "max", "code", "{ code = 1, label = \"A\" }", "[-9]",
]  # fmt: skip
QUESTION_KEYS = {"kind", "text", "label", "scale", "categories", "missing", "extra"}
QUESTION = st.fixed_dictionaries(
    {},
    optional={
        "kind": st.sampled_from(KINDS) | SCALARS,
        "text": st.sampled_from(["Eine Frage?", "", "  "]) | SCALARS,
        "label": st.sampled_from(["Kurz", ""]) | SCALARS,
        "scale": st.fixed_dictionaries(
            {}, optional={"min": st.integers(-3, 3) | SCALARS, "max": st.integers(-3, 200) | SCALARS}
        )
        | VALUE,
        "categories": st.lists(
            st.fixed_dictionaries(
                {}, optional={"code": st.integers(-2, 3) | SCALARS, "label": st.sampled_from(["A", "B", " "]) | SCALARS}
            )
            | VALUE,
            max_size=4,
        )
        | VALUE,
        "missing": st.lists(st.integers(-9, 3) | SCALARS, max_size=3) | VALUE,
        "extra": VALUE,
    },
)
# A plausible question (often valid), with some of its keys replaced by random values.
PLAUSIBLE = st.one_of(
    st.fixed_dictionaries(
        {"kind": st.just("scale"), "text": st.just("Wie sehr?")},
        optional={
            "scale": st.fixed_dictionaries({"min": st.integers(-3, 3), "max": st.integers(-3, 120)}),
            "missing": st.lists(st.sampled_from([-9, -1, 0, 3, 99]), max_size=2),
            "label": st.sampled_from(["Kurz", " "]),
        },
    ),
    st.fixed_dictionaries(
        {
            "kind": st.just("categorical"),
            "text": st.just("Welche?"),
            "categories": st.lists(
                st.fixed_dictionaries({"code": st.integers(-2, 4), "label": st.sampled_from(["A", "B", "C", " "])}),
                max_size=4,
                unique_by=lambda category: category["label"],
            ),
        },
        optional={"missing": st.lists(st.sampled_from([-9, 1]), max_size=2)},
    ),
    st.fixed_dictionaries({"kind": st.just("text"), "text": st.just("Was noch?")}),
)
SOME_CHANGES = st.just({}) | st.dictionaries(st.sampled_from(sorted(QUESTION_KEYS)), VALUE, max_size=1)
CODEBOOK_DOCUMENTS = st.builds(
    toml_document,
    st.dictionaries(
        st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True) | KEYS,
        st.one_of(PLAUSIBLE, PLAUSIBLE, st.builds(dict.__or__, PLAUSIBLE, SOME_CHANGES), QUESTION),
        min_size=1,
        max_size=3,
    ),
    st.one_of(st.just({}), st.just({}), st.dictionaries(KEYS, VALUE, max_size=1)),
    st.booleans(),
)


def codebook_or_error(text: str) -> Codebook | ReportError:
    return result_or_located_error(lambda: parse_codebook(text, CODEBOOK), DataError, CODEBOOK, text)


@FAST
@given(toml_ish(CODEBOOK_WORDS))
def test_random_codebook_text_gives_a_codebook_or_a_located_error(text: str) -> None:
    codebook_or_error(text)


@FAST
@given(CODEBOOK_DOCUMENTS)
@example('[item]\nkind = "scale"\ntext = "F"\nscale = { min = 1, max = 5 }\nmissing = [-9]\n')
@example('[item]\nkind = "categorical"\ntext = "F"\ncategories = [\n  { code = 1, label = "A" },\n  { code = 1 },\n]\n')
@example('[Item]\nkind = "text"\ntext = "F"\n\n[item]\nkind = "text"\ntext = "G"\n')
def test_structured_codebooks_give_a_codebook_or_a_located_error(text: str) -> None:
    result = codebook_or_error(text)
    if isinstance(result, Codebook):
        for question in result.questions:
            assert question.kind in KINDS and question.text.strip()
            assert len(set(question.codes)) == len(question.codes)
            assert not set(question.codes) & set(question.missing_codes)


# The references and TOML itself

REFERENCE_WORDS = ["[mueller-2020]", "author", "year", "title", "url", "note", '"Müller"', "2020", "autor"]
REFERENCE = st.fixed_dictionaries(
    {},
    optional={
        "author": st.sampled_from(["Müller", "", " "]) | SCALARS,
        "year": st.sampled_from([2020, "2020", "o. J.", ""]) | SCALARS,
        "title": SCALARS,
        "url": VALUE,
        "autor": SCALARS,
    },
)
REFERENCE_DOCUMENTS = st.builds(
    toml_document, st.dictionaries(KEYS, REFERENCE, max_size=4), st.dictionaries(KEYS, VALUE, max_size=1)
)


@FAST
@given(toml_ish(REFERENCE_WORDS) | REFERENCE_DOCUMENTS)
def test_references_give_entries_or_a_located_error(text: str) -> None:
    result = result_or_located_error(lambda: parse_references(text, REFERENCES), ContentError, REFERENCES, text)
    if not isinstance(result, ReportError):
        assert all(reference.author and reference.year for reference in result.values())


@FAST
@given(toml_ish(CONFIG_WORDS + CODEBOOK_WORDS) | st.text(max_size=60))
@example("a = 1\nb = \u2028\n")
@example('a = "x"\r\n\r\nb = ')
def test_toml_gives_a_table_or_a_located_syntax_error(text: str) -> None:
    result = result_or_located_error(lambda: parse_toml(text, "x.toml", DataError), DataError, "x.toml", text)
    if isinstance(result, ReportError):
        assert str(result).startswith("x.toml") and "TOML-Syntaxfehler" in str(result)


# Line numbers: a comment line above a mistake moves its reported line down by one, whatever the comment says

BAD_FILES = {
    "config": ('[report]\ntitle = "T"\nfarbe = 1\n', load_config_text),
    "codebook": ('[item]\nkind = "skala"\ntext = "F"\n', lambda text: parse_codebook(text, CODEBOOK)),
    "references": (
        '[a]\nauthor = "M"\n\n[b]\nauthor = "S"\nautor = "S"\n',
        lambda text: parse_references(text, REFERENCES),
    ),
    "toml": ('a = 1\nb = "\n', lambda text: parse_toml(text, "x.toml", DataError)),
}
# U+0085, U+2028 and U+2029 are line breaks to str.splitlines but not to TOML (or to most editors).
UNICODE_LINE_BREAKS = ["\x85", "\u2028", "\u2029"]
COMMENTS = st.text(alphabet=st.characters(exclude_categories=["Cs", "Cc", "Zl", "Zp"], include_characters="\t"))


def error_lines(parse: Callable[[str], object], text: str) -> list[int | None]:
    error = result_or_located_error(lambda: parse(text), ReportError)
    assert isinstance(error, ReportError), f"{text!r} is accepted"
    return [problem.location.line if problem.location else None for problem in problems(error)]


def assert_comment_moves_lines_by_one(name: str, comment: str) -> None:
    text, parse = BAD_FILES[name]
    lines = error_lines(parse, text)
    assert None not in lines
    assert error_lines(parse, f"# {comment}\n{text}") == [line + 1 for line in lines if line is not None]


@FAST
@given(st.sampled_from(sorted(BAD_FILES)), COMMENTS)
def test_a_comment_above_moves_the_reported_line_by_one(name: str, comment: str) -> None:
    assert_comment_moves_lines_by_one(name, comment)


@pytest.mark.parametrize("name", ["config", "codebook", "references"])
@pytest.mark.parametrize("line_break", UNICODE_LINE_BREAKS)
def test_a_unicode_line_break_in_a_comment_does_not_move_the_reported_line(name: str, line_break: str) -> None:
    assert_comment_moves_lines_by_one(name, f"a{line_break}b")


def test_a_unicode_line_break_in_a_comment_does_not_move_a_syntax_error() -> None:
    assert_comment_moves_lines_by_one("toml", "a\u2028b")


# Content snippets: a chapter of random Markdown, Jinja and helper calls, in a tiny project

SNIPPETS = [
    "# Titel\n", "## Unter {#id}\n", "\n\n", "*kursiv*", "**fett**", "`code`", "```\n", "> Zitat\n", "- Punkt\n",
    "| a | b |\n|---|---|\n| 1 | 2 |\n", "[Link](https://example.org)", "[Link](../x.md)", "<!-- k -->",
    "{{ n() }}", "{{ n('item') }}", "{{ share('item', 4, 5) }}", 'share("item", 4)', "{{ share(\"item\", 4) }}",
    "{{ share('item', 9) }}", "{{ share('nix', 1) }}", "{{ mean('item') }}", "{{ mean('gruppe') }}",
    "{{ sd('item', decimals=-1) }}", "{{ count('gruppe', 1) }}", "{{ category('gruppe', 3) }}", "{{ mode('item') }}",
    "{{ frequency_table('gruppe') }}", "{{ bar_chart('item') }}", "{{ pie_chart('gruppe', caption='P') }}",
    "{{ descriptives_table(['item']) }}", "{{ bibliography() }}", "{{ unbekannt() }}", "{{ item }}", "{{ 10**10**10 }}",
    "{{ ''.__class__ }}", "{{ range(10**9)|list }}", "{{", "}}", "{%", "%}", "{% if true %}", "{% endif %}",
    "{% for i in range(3) %}{{ i }}{% endfor %}", "{% include '_nix.md' %}", "{% raw %}", "{% endraw %}",
    "{# k #}", "{#", "[@mueller-2020]", "[@schmidt-2021, S. 3]", "[@unbekannt]", "@mueller-2020", "[@", "![x](y.png)",
    "![x](../../etc/passwd)", "![x](/etc/passwd)", "![x](https://example.org/a.png)", "![x](file:///etc/passwd)",
    "<img src='y.png'>", "<script>alert(1)</script>", "<div>", "</div>", "<a href='javascript:x'>j</a>", "&amp;",
    "ü", "„Zitat“", "\x00", "\r\n", "\t", "\\", "'", '"', "(", ")",
]  # fmt: skip
CHAPTERS = st.lists(st.sampled_from(SNIPPETS) | st.text(max_size=8), max_size=25).map("".join)


def listing(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` with its contents, and every folder as b""."""
    return {
        str(path.relative_to(folder)): b"" if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if not path.is_symlink()
    }


@pytest.fixture(scope="module")
def tiny_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One tiny project for all examples; a check fills its statistics cache, so each prepare reads it."""
    root = make_tiny(tmp_path_factory.mktemp("fuzz") / "tiny")
    check(root)
    return root


@SLOW
@given(CHAPTERS)
@example("# Ergebnisse\n\n{{ n() }} Befragte; {{ share('item', 4, 5) }} stimmen zu [@mueller-2020].\n")
@example("{{ bibliography() }}{% include '../report.toml' %}")
def test_random_chapters_give_a_page_or_a_located_error_and_write_nothing(tiny_root: Path, chapter: str) -> None:
    chapter_file = tiny_root / CHAPTER
    chapter_file.write_text(chapter, encoding="utf-8")
    before = listing(tiny_root.parent)
    result = result_or_located_error(lambda: prepare(tiny_root), ReportError)
    assert listing(tiny_root.parent) == before
    if not isinstance(result, ReportError):
        assert "<html" in result.html
