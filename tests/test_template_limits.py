"""Template limits: hostile or careless chapters stop fast with one German message at file and line."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from projects import TINY_FILES
from reportgen.build import prepare
from reportgen.errors import ContentError, ReportError

CHAPTER = "content/01-kapitel.md"
FAST = 5.0  # seconds: generous, a limit hit takes well under one
LOOP_HINT = "Schleifen in Kapiteln sind für wenige Einträge gedacht; prüfen Sie range() und verschachtelte Schleifen."
SIZE_HINT = "Prüfen Sie Multiplikationen (*, **) und Verkettungen (+, ~) im Ausdruck."
INCLUDE_HINT = "Entfernen Sie das {% include %} (oder {% import %}), das den Kreis schließt."
TIME_HINT = (
    "Prüfen Sie verschachtelte Schleifen und Makros, die sich selbst aufrufen, oder erhöhen Sie [limits] "
    "template_seconds in report.toml."
)
# The time limit lowered so that the tests are quick.
HALF_A_SECOND = {"report.toml": TINY_FILES["report.toml"] + "\n[limits]\ntemplate_seconds = 0.5\n"}

Project = Callable[..., Path]


def chapter(body: str) -> str:
    """A chapter whose template code starts on line 3."""
    return f"# Ergebnisse\n\n{body}\n"


def failure(tiny_project: Project, files: dict[str, str], seconds: float = FAST) -> str:
    """The one message `prepare` stops with, asserted to come within `seconds`."""
    root = tiny_project(files)
    start = time.monotonic()
    with pytest.raises(ReportError) as caught:
        prepare(root)
    assert time.monotonic() - start < seconds
    assert type(caught.value) is ContentError
    return str(caught.value)


def chapter_failure(tiny_project: Project, body: str) -> str:
    return failure(tiny_project, {CHAPTER: chapter(body)})


def test_string_multiplication_is_bounded(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, '{{ "a" * 10**9 }}') == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 1.000.000.000 Zeichen oder Einträgen; "
        f"erlaubt sind höchstens 1.000.000. {SIZE_HINT}"
    )


def test_list_multiplication_is_bounded(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, "{{ 10**7 * [1] }}") == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 10.000.000 Zeichen oder Einträgen; "
        f"erlaubt sind höchstens 1.000.000. {SIZE_HINT}"
    )


def test_repeated_concatenation_is_bounded(tiny_project: Project) -> None:
    body = "{% set ns = namespace(s='ab') %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    assert chapter_failure(tiny_project, body) == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 1.048.576 Zeichen oder Einträgen; "
        f"erlaubt sind höchstens 1.000.000. {SIZE_HINT}"
    )


def test_padding_text_is_bounded(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, '{{ "a".ljust(10**9) }}') == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 1.000.000.000 Zeichen oder Einträgen; "
        f"erlaubt sind höchstens 1.000.000. {SIZE_HINT}"
    )


def test_huge_powers_are_refused(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, "{{ 10 ** 100000 }}") == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe eine Zahl mit mehr als 1.000 Stellen. {SIZE_HINT}"
    )


def test_huge_range_is_refused(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, "{% for i in range(10**9) %}x{% endfor %}") == (
        f"{CHAPTER}, Zeile 3: range() mit 1.000.000.000 Werten überschreitet die Grenze von 10.000 Werten. " + LOOP_HINT
    )


def test_nested_large_loops_are_refused(tiny_project: Project) -> None:
    body = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    assert chapter_failure(tiny_project, body) == (
        f"{CHAPTER}, Zeile 3: range() mit 100.000 Werten überschreitet die Grenze von 10.000 Werten. " + LOOP_HINT
    )


def test_render_time_is_bounded(tiny_project: Project) -> None:
    # 10⁸ empty passes, allowed ranges each: only the time limit stops them.
    body = "\n{% for i in range(10000) %}\n{% for j in range(10000) %}{% endfor %}{% endfor %}"
    assert failure(tiny_project, {**HALF_A_SECOND, CHAPTER: chapter(body)}) == (
        f"{CHAPTER}, Zeile 5: Die Vorlage braucht länger als 0,5 Sekunden (Zeitgrenze je Datei). {TIME_HINT}"
    )


def test_self_calling_macros_with_fan_out_hit_the_time_limit(tiny_project: Project) -> None:
    body = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
    message = failure(tiny_project, {**HALF_A_SECOND, CHAPTER: chapter(body)})
    assert "Zeile 3: Die Vorlage braucht länger als 0,5 Sekunden" in message


def test_output_size_is_bounded(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, '{% for i in range(10000) %}{{ "x" * 1000 }}{% endfor %}') == (
        f"{CHAPTER}, Zeile 3: Die Vorlage ergibt mehr als 5.000.000 Zeichen (Grenze je Datei). "
        "Prüfen Sie Schleifen und Wiederholungen; teilen Sie sehr lange Kapitel auf mehrere Dateien auf oder "
        "erhöhen Sie [limits] template_characters in report.toml."
    )


def test_endless_macro_recursion(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}") == (
        f"{CHAPTER}, Zeile 3: Die Vorlage ruft sich ohne Ende selbst auf (Makros oder Einbindungen zu tief "
        "verschachtelt). Prüfen Sie Makros, die sich selbst aufrufen, und berechnete Namen in {% include %}."
    )


def test_a_chapter_including_itself(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, '{% include "01-kapitel.md" %}') == (
        f"{CHAPTER}, Zeile 3: Die Datei bindet sich selbst ein (01-kapitel.md → 01-kapitel.md). {INCLUDE_HINT}"
    )


def test_a_cycle_of_snippets_names_the_include_that_closes_it(tiny_project: Project) -> None:
    files = {
        CHAPTER: chapter('{% include "_a.md" %}'),
        "content/_a.md": 'A\n{% include "_b.md" %}\n',
        "content/_b.md": 'B\n\n{% import "_a.md" as a %}\n',
    }
    assert failure(tiny_project, files) == (
        f"content/_b.md, Zeile 3: Einbindungen im Kreis: 01-kapitel.md → _a.md → _b.md → _a.md. {INCLUDE_HINT}"
    )


def test_include_depth_is_bounded(tiny_project: Project) -> None:
    files = {CHAPTER: chapter('{% include "_1.md" %}')}
    files.update({f"content/_{n}.md": f'{n}\n{{% include "_{n + 1}.md" %}}\n' for n in range(1, 12)})
    files["content/_12.md"] = "Ende\n"
    chain = " → ".join(["01-kapitel.md"] + [f"_{n}.md" for n in range(1, 12)])
    assert failure(tiny_project, files) == (
        f"content/_10.md, Zeile 2: Einbindungen sind tiefer verschachtelt als 10 Ebenen ({chain}). "
        "Binden Sie Textbausteine direkt im Kapitel ein statt ineinander."
    )


def test_shared_snippets_are_no_cycle(tiny_project: Project) -> None:
    files = {
        CHAPTER: chapter('{% include "_a.md" %}{% include "_b.md" %}{% include "_a.md" %}'),
        "content/_a.md": '{% include "_b.md" %}',
        "content/_b.md": "B",
    }
    assert "<p>BBB</p>" in prepare(tiny_project(files)).content.chapters[0].html


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            "share('item', 4, 5, decimals=40)",
            "share(): decimals=40 ist nicht erlaubt. Erlaubt sind 0 bis 4 Nachkommastellen, z. B. decimals=1.",
        ),
        (
            "mean('item', decimals=-1)",
            "mean(): decimals=-1 ist nicht erlaubt. Erlaubt sind 0 bis 4 Nachkommastellen, z. B. decimals=1.",
        ),
        (
            "sd('item', decimals='2')",
            "sd(): decimals='2' ist nicht erlaubt. Erlaubt sind 0 bis 4 Nachkommastellen, z. B. decimals=1.",
        ),
        (
            "1.5 | number(40)",
            "Falscher Aufruf: Nachkommastellen: erlaubt sind 0 bis 4, nicht 40. "
            "Prüfen Sie Anzahl und Art der Argumente (siehe README).",
        ),
    ],
)
def test_decimals_are_bounded(tiny_project: Project, call: str, message: str) -> None:
    assert chapter_failure(tiny_project, f"{{{{ {call} }}}}") == f"{CHAPTER}, Zeile 3: {message}"


def test_category_with_a_label_names_the_code(tiny_project: Project) -> None:
    assert chapter_failure(tiny_project, "{{ category('gruppe', 'A') }}") == (
        f"{CHAPTER}, Zeile 3: category(): „A“ ist eine Beschriftung, kein Code der Frage „gruppe“. "
        'Schreiben Sie category("gruppe", 1) oder den Text „A“ direkt.'
    )


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("1 / 0", "Rechenfehler: Division durch null."),
        ("10.0 ** 1000", "Rechenfehler: das Ergebnis ist zu groß."),
        ("[].pop()", "Eintrag nicht gefunden: pop from empty list."),
    ],
)
def test_runtime_errors_in_expressions(tiny_project: Project, expression: str, message: str) -> None:
    assert chapter_failure(tiny_project, f"{{{{ {expression} }}}}") == (
        f"{CHAPTER}, Zeile 3: {message} Prüfen Sie den Ausdruck in dieser Zeile."
    )


def test_loops_within_the_limits_behave_as_before(tiny_project: Project) -> None:
    body = (
        "{% for x in [1, 2, 3] %}{{ loop.index }}/{{ loop.length }}{{ ',' if not loop.last }}{% endfor %} "
        "{% for x in [] %}x{% else %}leer{% endfor %} "
        "{% for k, v in {'a': 1}.items() %}{{ k }}={{ v }}{% endfor %} "
        "{{ range(3) | list | length }} {{ 'ab' * 2 }} {{ 2 ** 10 }} {{ 'a' ~ 'b' }} {{ ([1] + [2]) | join(',') }}"
    )
    html = prepare(tiny_project({CHAPTER: chapter(body)})).content.chapters[0].html
    assert "<p>1/3,2/3,3/3 leer a=1 3 abab 1024 ab 1,2</p>" in html


def test_the_study_still_renders(make_project: Project) -> None:
    content = prepare(make_project()).content
    assert len(content.chapters) > 3
    assert all(chapter.html for chapter in content.chapters)


@pytest.mark.parametrize(
    "expression",
    [
        '"%1000000000s" % "x"',
        '"%*s" % (1000000000, "x")',
        '"{:>1000000000}".format("x")',
        '"{a:>1000000000}".format_map({"a": 1})',
        '"x"|center(1000000000)',
        '"x"|indent(1000000000, true)',
        '"%1000000000d"|format(1)',
    ],
)
def test_widths_in_formats_and_filters_are_bounded(tiny_project: Project, expression: str) -> None:
    assert chapter_failure(tiny_project, "{{ " + expression + " }}") == (
        f"{CHAPTER}, Zeile 3: Der Ausdruck ergäbe einen Wert mit 1.000.000.000 Zeichen oder Einträgen; "
        f"erlaubt sind höchstens 1.000.000. {SIZE_HINT}"
    )


def test_ordinary_formats_still_work(tiny_project: Project) -> None:
    body = '{{ "%d %%"|format(5) }} {{ "{0:.2f}".format(3.14159) }} {{ "%5s" % "ab" }} {{ "ab"|center(6) }}'
    html = str(prepare(tiny_project({CHAPTER: chapter(body)})).content.chapters[0].html)
    assert "<p>5 % 3.14    ab   ab</p>" in html.replace("\u00a0", " ")  # Markdown trims the line end
