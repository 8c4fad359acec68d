"""What a new editor gets wrong: each mistake is an error or warning at the line the editor wrote, in German.

The expected lines are counted by hand in the chapter texts below; `check` and `build` share `prepare`, so what
`prepare` finds is what both report.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from projects import make_tiny
from reportgen.build import prepare
from reportgen.cli import main
from reportgen.errors import ReportError, ReportErrors
from reportgen.layout import Layout

CHAPTER = "content/01-kapitel.md"
# Line 1 heading, line 2 empty, line 3 the text under test.
HEAD = "# Ergebnisse\n\n"
# Uses both questions and cites both references, so that a correct chapter gives no warning at all.
USES_BOTH = "\n\n{{ share('item', 4, 5) }} und {{ category('gruppe', 1) }} [@mueller-2020; @schmidt-2021].\n"


def project(tmp_path: Path, chapter: str) -> Path:
    return make_tiny(tmp_path / "projekt", {CHAPTER: chapter})


def error_of(tmp_path: Path, chapter: str) -> ReportError:
    with pytest.raises(ReportError) as caught:
        prepare(project(tmp_path, chapter))
    assert not isinstance(caught.value, ReportErrors), str(caught.value)
    return caught.value


def located(error: ReportError) -> tuple[str, int | None]:
    assert error.location is not None
    return error.location.file, error.location.line


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        ("{{ n }} Befragte.\n", 3, "„n“ ist eine Funktion, kein Wert.", "Schreiben Sie n() – mit Klammern."),
        ("Text.\n\n{{ none }}\n", 5, "Der Ausdruck ergibt keinen Wert (None).", "Prüfen Sie"),
        ("{{ {'a': 1} }}\n", 3, "Der Ausdruck ergibt eine Zuordnung, keinen Text.", "Geben Sie"),
        ("{{ [1, 2] }}\n", 3, "Der Ausdruck ergibt eine Liste, keinen Text.", "Geben Sie"),
        ("{{ 3 > 2 }}\n", 3, "Der Ausdruck ergibt einen Wahrheitswert (True), keinen Text.", "Für Bedingungen"),
        (
            "{% set a = 3 %}\n{{ a / 4 }}\n",
            4,
            "Der Ausdruck ergibt eine Zahl ohne deutsches Zahlenformat.",
            "|number(1)",
        ),
        (
            "{{ share(item, 4, 5) }}\n",
            3,
            "Unbekannter Name „item“ – gemeint ist wohl die Frage „item“.",
            'Setzen Sie Fragen-IDs in Anführungszeichen: "item".',
        ),
        ("{{ shar('item', 4, 5) }}\n", 3, "Unbekannter Name „shar“.", "Meinten Sie „share“?"),
        ("{{ wert }}\n", 3, "Unbekannter Name „wert“.", "Verfügbar sind: n, missing"),
    ],
    ids=["function", "none", "dict", "list", "bool", "float", "question-without-quotes", "typo", "unknown"],
)
def test_a_value_that_is_no_text_is_an_error_at_its_line(
    tmp_path: Path, text: str, line: int, message: str, hint: str
) -> None:
    error = error_of(tmp_path, HEAD + text + USES_BOTH)
    assert located(error) == (CHAPTER, line)
    assert error.message == message
    assert hint in error.hint


@pytest.mark.parametrize(
    ("text", "line", "message", "hint"),
    [
        (
            "Text.\n{{ share(„item“, 4, 5) }}\n",
            4,
            "Vorlagen-Syntaxfehler: Ein typografisches Anführungszeichen ( „ ) steht in einem Ausdruck.",
            "gerade Anführungszeichen",
        ),
        (
            "{{ share(“item”, 4, 5) }}\n",
            3,
            "Vorlagen-Syntaxfehler: Ein typografisches Anführungszeichen ( “ ) steht in einem Ausdruck.",
            "gerade Anführungszeichen",
        ),
        (
            "{{ share('item', 4, 5) \n\nMehr Text.\n\nNoch mehr.\n",
            3,
            "Vorlagen-Syntaxfehler: „{{“ wird nicht mit „}}“ geschlossen.",
            "Ergänzen Sie „}}“",
        ),
        ("Es sind {{ n() Befragte.\n", 3, "Vorlagen-Syntaxfehler: „{{“ wird nicht mit „}}“ geschlossen.", "„}}“"),
        (
            "{{ share('item', 4, 5 }}\n",
            3,
            "Vorlagen-Syntaxfehler: Es fehlt die schließende Klammer „)“ vor „}“.",
            "Jeder Aufruf braucht ( und )",
        ),
        (
            "Vorher.\n{% if n() %}\nText\n\nMehr Text\n",
            4,
            "Vorlagen-Syntaxfehler: „{% if %}“ wird nicht geschlossen.",
            "{% endif %}",
        ),
        (
            "{% for x in [1] %}\n{% if x %}a{% endif %}\nText\n",
            3,
            "Vorlagen-Syntaxfehler: „{% for %}“ wird nicht geschlossen.",
            "{% endfor %}",
        ),
        ("Text\n{% endif %}\n", 4, "Vorlagen-Syntaxfehler: „{% endif %}“ schließt keinen offenen Block.", "{% if … %}"),
    ],
    ids=[
        "low-quote",
        "curly-quotes",
        "missing-close-block",
        "missing-close-inline",
        "missing-paren",
        "open-if",
        "open-for",
        "stray-endif",
    ],
)
def test_syntax_errors_are_german_and_at_the_line_to_fix(
    tmp_path: Path, text: str, line: int, message: str, hint: str
) -> None:
    error = error_of(tmp_path, HEAD + text + USES_BOTH)
    assert located(error) == (CHAPTER, line)
    assert error.message == message
    assert hint in error.hint
    assert "at " not in error.message  # never Jinja's character offset


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("{{ share('item', 4, 5) }}% stimmen zu.\n", 3, "Doppeltes Prozentzeichen „%%“."),
        ("Erster Satz.\n\nText mit Fußnote[^1].\n", 5, "Die Fußnote „[^1]“ wurde nicht erkannt."),
        ("Text {{ '{{' }} bleibt.\n", 3, "Vorlagen-Syntax „{{“ steht im Text."),
        ("Absatz {.gross}\n", 3, "Die Angabe „{.gross}“ wird hier nicht verstanden."),
        (
            "## 3.1 Überblick\n",
            3,
            "Die Überschrift „3.1 Überblick“ beginnt mit der Nummer „3.1“; reportgen nummeriert sie selbst (1.1).",
        ),
        ("### Frage 2 {.newpage}\n", 3, "Die Klasse „{.newpage}“ ist unbekannt und bewirkt nichts."),
    ],
    ids=["double-percent", "footnote", "template", "attribute-in-paragraph", "typed-number", "unknown-class"],
)
def test_leftover_syntax_is_a_warning_at_its_line_and_an_error_when_strict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, line: int, message: str
) -> None:
    root = project(tmp_path, HEAD + text + USES_BOTH)
    warnings = [warning for warning in prepare(root).warnings if warning.message == message]
    assert [located(warning) for warning in warnings] == [(CHAPTER, line)]

    assert main(["--project", str(root), "check"]) == 0
    assert f"Warnung: {CHAPTER}, Zeile {line}: {message}" in capsys.readouterr().err
    assert main(["--project", str(root), "--strict", "check"]) == 2
    assert f"Fehler: {CHAPTER}, Zeile {line}: {message}" in capsys.readouterr().err


def test_the_unknown_class_hint_names_the_class_meant(tmp_path: Path) -> None:
    root = project(tmp_path, HEAD + "### Frage 2 {.newpage}\n" + USES_BOTH)
    [warning] = [warning for warning in prepare(root).warnings if "Klasse" in warning.message]
    assert warning.hint == "Meinten Sie „new-page“?"


def test_a_class_of_the_project_stylesheet_is_known(tmp_path: Path) -> None:
    root = make_tiny(
        tmp_path / "projekt",
        {
            CHAPTER: HEAD + "## Anhang {.quer}\n\n## Fazit {.unnumbered}\n" + USES_BOTH,
            Layout.stylesheet: lambda css: css + "\n@media print { h2.quer { page: quer; } }\n",
        },
    )
    assert prepare(root).warnings == ()


@pytest.mark.parametrize(
    "text",
    [
        "Code: `{% raw %}{{ n }}{% endraw %}` und `[@schluessel]` und `84 %%`.\n",
        "```\n{{ '{{' }} [^1] {.x}\n```\n",
        "## 2030 – Ziele\n",
        "Im Jahr 2025 waren es {{ share('item', 4, 5) }}.\n",
    ],
    ids=["code-span", "code-block", "year-in-heading", "plain-number"],
)
def test_correct_text_gives_no_warning(tmp_path: Path, text: str) -> None:
    assert prepare(project(tmp_path, HEAD + text + USES_BOTH)).warnings == ()
