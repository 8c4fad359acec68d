"""Jinja's errors as an editor's German messages, at the file and line to fix.

The mistakes editors make most get their own words and hints; a syntax error is placed at the line that opened
what was never closed, not where Jinja noticed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path

from jinja2 import TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.exceptions import SecurityError

from .errors import Location, ReportError, did_you_mean
from .template_limits import TemplateLimitError

_TYPOGRAPHIC_QUOTES = "„“”‚‘’«»‹›"
_UNEXPECTED_CHAR = re.compile(r"unexpected char '(.+)' at \d+")
_EXPECTED_END = re.compile(r"expected token 'end of (print statement|statement block)', got '(.+)'")
_UNCLOSED_BLOCK = re.compile(
    r"Unexpected end of template\..*The innermost block that needs to be closed is '(\w+)'\.", re.S
)
_UNDEFINED = re.compile(r"'(.+)' is undefined")
_UNKNOWN_TAG = re.compile(r"Encountered unknown tag '(\w+)'\.")
_EXPECTED_PAREN = re.compile(r"unexpected '([}\]%])', expected '([)\]])'")
_TAG = re.compile(r"\{%-?\s*(\w+)")
_OPENING_TAGS = frozenset({"if", "for", "macro", "call", "filter", "with", "block", "autoescape", "raw"})
_DELIMITERS = {"print statement": ("{{", "}}"), "statement block": ("{%", "%}")}


@dataclass(frozen=True)
class Explanation:
    """What went wrong, in German, where the editor can fix it, and how."""

    message: str
    line: int
    hint: str


def explain_undefined(message: str, question_ids: Collection[str], helper_names: Sequence[str]) -> tuple[str, str]:
    """Jinja's „'x' is undefined“ in German, with the likely fix: quotes around a question id, a helper's
    right spelling, or the list of helpers."""
    match = _UNDEFINED.fullmatch(message)
    if match is None:
        return f"Unbekannter Name: {message}", f"Verfügbar sind: {', '.join(helper_names)}."
    name = match[1]
    if name in question_ids:
        return (
            f"Unbekannter Name „{name}“ – gemeint ist wohl die Frage „{name}“.",
            f'Setzen Sie Fragen-IDs in Anführungszeichen: "{name}".',
        )
    suggestion = did_you_mean(name, [*helper_names, *question_ids])
    if suggestion:
        return f"Unbekannter Name „{name}“.", suggestion
    return f"Unbekannter Name „{name}“.", f"Verfügbar sind: {', '.join(helper_names)}."


def explain_syntax_error(message: str, line: int, source: str) -> Explanation | None:
    """Jinja's syntax error `message` at `line` of `source` in German, at the line the editor must fix;
    None when it is none of the known mistakes."""
    if match := _UNEXPECTED_CHAR.fullmatch(message):
        return _unexpected_char(match[1], line)
    if match := _EXPECTED_END.fullmatch(message):
        return _unclosed_delimiter(_DELIMITERS[match[1]], match[2], line, source)
    if match := _UNCLOSED_BLOCK.fullmatch(message):
        return _unclosed_block(match[1], line, source)
    if match := _UNKNOWN_TAG.fullmatch(message):
        return _unknown_tag(match[1], line)
    if match := _EXPECTED_PAREN.fullmatch(message):
        return Explanation(
            f"Es fehlt die schließende Klammer „{match[2]}“ vor „{match[1]}“.",
            line,
            'Jeder Aufruf braucht ( und ), z. B. {{ share("frage", 4, 5) }}.',
        )
    return None


def _unexpected_char(char: str, line: int) -> Explanation:
    if char in _TYPOGRAPHIC_QUOTES:
        return Explanation(
            f"Ein typografisches Anführungszeichen ( {char} ) steht in einem Ausdruck.",
            line,
            "Schreiben Sie in {{ … }} und {% … %} gerade Anführungszeichen: \"frage\" oder 'frage' "
            "(Textverarbeitungen ersetzen sie oft automatisch).",
        )
    return Explanation(
        f"Unerwartetes Zeichen „{char}“ in einem Ausdruck.",
        line,
        "Löschen Sie es oder setzen Sie es in Anführungszeichen.",
    )


def _unclosed_delimiter(delimiters: tuple[str, str], found: str, line: int, source: str) -> Explanation:
    opening, closing = delimiters
    opened = _unclosed_opening(source, opening, closing, line)
    if opened is not None:
        return Explanation(
            f"„{opening}“ wird nicht mit „{closing}“ geschlossen.",
            opened,
            f"Ergänzen Sie „{closing}“ am Ende des Ausdrucks.",
        )
    return Explanation(
        f"Unerwartetes „{found}“ im Ausdruck.",
        line,
        f"Prüfen Sie Kommas, Klammern und Anführungszeichen – und ob „{closing}“ fehlt.",
    )


def _unclosed_opening(source: str, opening: str, closing: str, line: int) -> int | None:
    """The line of the last `opening` up to `line` whose own line has no `closing` after it."""
    lines = source.splitlines()
    for number in range(min(line, len(lines)), 0, -1):
        text = lines[number - 1]
        start = text.rfind(opening)
        if start >= 0:
            return number if closing not in text[start:] else None
    return None


def _unclosed_block(tag: str, line: int, source: str) -> Explanation:
    opened = _open_tag_line(tag, source) or line
    return Explanation(
        f"„{{% {tag} %}}“ wird nicht geschlossen.",
        opened,
        f"Schließen Sie den Block mit {{% end{tag} %}} an der Stelle, an der er enden soll.",
    )


def _open_tag_line(tag: str, source: str) -> int | None:
    """The line of the innermost block tag left open at the end of `source`."""
    stack: list[tuple[str, int]] = []
    for number, text in enumerate(source.splitlines(), 1):
        for match in _TAG.finditer(text):
            name = match[1]
            if name in _OPENING_TAGS:
                stack.append((name, number))
            elif name.startswith("end") and stack and stack[-1][0] == name[3:]:
                stack.pop()
    return next((number for name, number in reversed(stack) if name == tag), None)


def _unknown_tag(tag: str, line: int) -> Explanation:
    if tag.startswith("end") and tag[3:] in _OPENING_TAGS:
        return Explanation(
            f"„{{% {tag} %}}“ schließt keinen offenen Block.",
            line,
            f"Löschen Sie es oder ergänzen Sie davor das öffnende {{% {tag[3:]} … %}}.",
        )
    return Explanation(
        f"Unbekannte Anweisung „{{% {tag} %}}“.",
        line,
        "Anweisungen sind if, elif, else, for, set, include und ihre end-Formen; Werte stehen in {{ … }}.",
    )


def template_line(error: BaseException, template_name: str) -> int | None:
    """The template line a runtime error came from, read off Jinja's rewritten traceback."""
    line = None
    traceback = error.__traceback__
    while traceback is not None:
        if Path(traceback.tb_frame.f_code.co_filename).name == Path(template_name).name:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def template_error(
    error: Exception, folder: str, template_name: str, kind: type[ReportError], hint: str = ""
) -> ReportError:
    """A Jinja error as a `kind` error at the template's file and line, in words an editor understands.

    `folder` is the project-relative folder the environment loads `template_name` from."""
    line = template_line(error, template_name)
    display_name = f"{folder}/{template_name}"
    if isinstance(error, TemplateSyntaxError):
        return _syntax_error(error, folder, display_name, kind)
    if isinstance(error, TemplateLimitError):
        file = f"{folder}/{error.template}" if error.template else display_name
        return kind(str(error), Location(file, line=error.line or line), error.hint)
    if isinstance(error, TemplateNotFound):
        return kind(f"Vorlage „{error.name}“ nicht gefunden.", Location(display_name, line=line), hint)
    if isinstance(error, SecurityError):
        return kind(
            f"Nicht erlaubter Zugriff in der Vorlage: {_sentence(str(error))}",
            Location(display_name, line=line),
            "Verwenden Sie nur die im README beschriebenen Funktionen.",
        )
    if isinstance(error, UndefinedError):
        return kind(f"Unbekannter Name: {_sentence(error.message or '')}", Location(display_name, line=line), hint)
    return kind(f"Vorlagenfehler: {_sentence(str(error))}", Location(display_name, line=line), hint)


def _syntax_error(error: TemplateSyntaxError, folder: str, display_name: str, kind: type[ReportError]) -> ReportError:
    file = f"{folder}/{error.name}" if error.name else display_name  # may be an included template
    explained = explain_syntax_error(error.message or "", error.lineno, error.source or "")
    if explained is not None:
        return kind(f"Vorlagen-Syntaxfehler: {explained.message}", Location(file, line=explained.line), explained.hint)
    return kind(
        f"Vorlagen-Syntaxfehler: {_sentence(error.message or '')}",
        Location(file, line=error.lineno),
        "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}.",
    )


def _sentence(text: str) -> str:
    return text.strip().rstrip(".") + "."
