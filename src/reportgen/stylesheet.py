"""Syntax check of the house stylesheet with tinycss2, the parser WeasyPrint itself uses."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import tinycss2  # type: ignore[import-untyped]

from .errors import Location, TemplateError

# Appended after the text: the blocks that still hold it at the end were never closed.
_END = "reportgen-ende-der-datei"
_CLOSERS = {"{} block": ("{", "}"), "() block": ("(", ")"), "[] block": ("[", "]"), "function": ("(", ")")}
_LOST = "alle Regeln danach gingen verloren."

# Token-level problems, by tinycss2's error kind: (message, hint).
_TOKEN_ERRORS = {
    "}": (
        "Die Klammer „}“ schließt keinen Block; die Regel danach ginge verloren.",
        "Löschen Sie sie oder ergänzen Sie das fehlende „{“.",
    ),
    ")": ("Die Klammer „)“ schließt keine Klammer „(“.", "Löschen Sie sie oder ergänzen Sie das fehlende „(“."),
    "]": ("Die Klammer „]“ schließt keine Klammer „[“.", "Löschen Sie sie oder ergänzen Sie das fehlende „[“."),
    "bad-string": (
        "Die Zeichenkette endet nicht auf derselben Zeile.",
        "Setzen Sie das schließende Anführungszeichen.",
    ),
    "eof-in-string": ("Die Zeichenkette wird nicht geschlossen.", "Setzen Sie das schließende Anführungszeichen."),
    "bad-url": (
        "Die Adresse in „url(…)“ lässt sich nicht lesen.",
        "Setzen Sie die Adresse in Anführungszeichen und schließen Sie „url(“ mit „)“.",
    ),
    "eof-in-url": ("„url(“ wird nicht geschlossen.", "Schließen Sie „url(“ mit „)“."),
}
_RULE_ERROR = (
    "Die Regel lässt sich nicht lesen.",
    "Eine Regel besteht aus Selektor und Block, etwa „h1 { color: black; }“.",
)
_DECLARATION_ERROR = (
    "Die Angabe lässt sich nicht lesen.",
    "Schreiben Sie sie als „eigenschaft: wert;“ – fehlt der Doppelpunkt oder das Semikolon davor?",
)


@dataclass(frozen=True)
class Stylesheet:
    """What a stylesheet says beyond its rules: its syntax problems, the files its `url(…)`s name and the
    classes its selectors name (those an editor may give a heading)."""

    problems: list[TemplateError]
    urls: list[tuple[int, str]]
    classes: frozenset[str] = frozenset()


def read_stylesheet(text: str, display_name: str) -> Stylesheet:
    """The stylesheet `text` tokenised once: syntax problems at their lines of `display_name`, in line order,
    every `url(…)` with its line (fonts and images the PDF will need), and the classes it styles."""
    tokens = tinycss2.parse_component_value_list(text + "\n" + _END)
    rules = tinycss2.parse_stylesheet(text, skip_comments=True, skip_whitespace=True)
    return Stylesheet(_problems(tokens, rules, display_name), sorted(_urls(tokens)), frozenset(_classes(rules)))


def _classes(rules: Iterable[Any]) -> Iterator[str]:
    """The class names in the selectors of `rules`, nested rules (in @media, @page …) included."""
    for rule in rules:
        if rule.type == "qualified-rule":
            prelude = list(rule.prelude)
            for dot, name in itertools.pairwise(prelude):
                if dot.type == "literal" and dot.value == "." and name.type == "ident":
                    yield name.value
        if rule.type in ("qualified-rule", "at-rule") and rule.content is not None:
            yield from _classes(tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True))


def _problems(tokens: list[Any], rules: list[Any], display_name: str) -> list[TemplateError]:
    found: list[tuple[int, str, str]] = list(_token_problems(tokens))
    token_lines = {line for line, _, _ in found}
    for node in rules:
        if node.type == "error" and node.source_line not in token_lines:
            found.append((node.source_line, *_RULE_ERROR))
    # A token problem also confuses the rule parser on its line: report the cause, not the echo.
    found.extend(problem for problem in _rule_problems(rules) if problem[0] not in token_lines)
    unique = sorted(dict.fromkeys(found), key=lambda problem: problem[0])
    return [TemplateError(message, Location(display_name, line=line), hint) for line, message, hint in unique]


def _token_problems(tokens: Iterable[Any], open_blocks: tuple[Any, ...] = ()) -> Iterator[tuple[int, str, str]]:
    """Broken strings and URLs, stray closing brackets, and the brackets and comment left open at the end."""
    for token in tokens:
        if token.type == "error" and token.kind in _TOKEN_ERRORS:
            # Inside a block, a "}" ends it in the reader's eyes: the cause is the bracket still open there.
            if token.kind != "}" or not any(block.type == "{} block" for block in open_blocks):
                yield (token.source_line, *_TOKEN_ERRORS[token.kind])
        elif token.type == "ident" and token.value == _END:
            yield from (_unclosed(block) for block in open_blocks)
        elif token.type == "comment" and token.value.endswith(_END):
            yield (
                token.source_line,
                f"Der Kommentar „/*“ wird nicht geschlossen; {_LOST}",
                "Schließen Sie ihn mit „*/“.",
            )
        elif token.type in _CLOSERS:
            content = token.arguments if token.type == "function" else token.content
            yield from _token_problems(content, (*open_blocks, token))


def _unclosed(block: Any) -> tuple[int, str, str]:
    opener, closer = _CLOSERS[block.type]
    if opener == "{":
        return (
            block.source_line,
            f"Die geschweifte Klammer „{{“ wird nicht geschlossen; {_LOST}",
            "Schließen Sie den Block mit „}“.",
        )
    if block.type == "function":
        opener = f"{block.name}("
    return (
        block.source_line,
        f"Die Klammer „{opener}“ wird nicht geschlossen; {_LOST}",
        f"Schließen Sie sie mit „{closer}“.",
    )


def _rule_problems(rules: Iterable[Any]) -> Iterator[tuple[int, str, str]]:
    """Unreadable and empty declarations inside the rules' blocks, nested blocks included."""
    for rule in rules:
        if rule.type not in ("qualified-rule", "at-rule") or rule.content is None:
            continue
        nodes = tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True)
        for node in nodes:
            if node.type == "error":
                yield (node.source_line, *_DECLARATION_ERROR)
            elif node.type == "declaration" and not node.name.startswith("--") and _is_empty(node.value):
                yield (
                    node.source_line,
                    f"Die Eigenschaft „{node.name}“ hat keinen Wert.",
                    "Tragen Sie nach dem Doppelpunkt einen Wert ein oder löschen Sie die Zeile.",
                )
        yield from _rule_problems(nodes)


def _is_empty(value: Iterable[Any]) -> bool:
    return all(token.type in ("whitespace", "comment") for token in value)


def _urls(tokens: Iterable[Any]) -> Iterator[tuple[int, str]]:
    for token in tokens:
        if token.type == "url":
            yield token.source_line, token.value
        elif token.type == "function" and token.lower_name == "url":
            strings = [argument for argument in token.arguments if argument.type == "string"]
            if strings:
                yield token.source_line, strings[0].value
        else:
            yield from _urls(getattr(token, "content", None) or getattr(token, "arguments", None) or ())
