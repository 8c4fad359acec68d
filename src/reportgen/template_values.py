"""What a template may output: text, whole numbers and rendered blocks, never a Python object."""

from __future__ import annotations

from typing import Any

from jinja2 import Undefined
from markupsafe import Markup

from .errors import ContentError

_CONDITION_HINT = "Für Bedingungen schreiben Sie {% if … %}…{% endif %}."


def checked_output(value: Any) -> Any:
    """Jinja's `finalize`: text, whole numbers and rendered blocks pass; anything else would print as a Python
    object (or as a number in English notation) and is an error instead."""
    if isinstance(value, (str, Markup)) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if isinstance(value, Undefined):
        return str(value)  # strict: raises Jinja's UndefinedError, worded by explain_undefined
    raise ContentError(*_not_text(value))


def _not_text(value: Any) -> tuple[str, None, str]:
    if callable(value):
        name = getattr(value, "__name__", "")
        if name:
            return f"„{name}“ ist eine Funktion, kein Wert.", None, f"Schreiben Sie {name}() – mit Klammern."
        return "Der Ausdruck ist eine Funktion, kein Wert.", None, "Rufen Sie sie mit Klammern auf: name()."
    if value is None:
        return "Der Ausdruck ergibt keinen Wert (None).", None, "Prüfen Sie den Ausdruck in dieser Zeile."
    if isinstance(value, bool):
        return f"Der Ausdruck ergibt einen Wahrheitswert ({value}), keinen Text.", None, _CONDITION_HINT
    if isinstance(value, float):
        return (
            "Der Ausdruck ergibt eine Zahl ohne deutsches Zahlenformat.",
            None,
            "Formatieren Sie sie, z. B. {{ (a / b)|number(1) }} für eine Nachkommastelle.",
        )
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        kind = "eine Zuordnung" if isinstance(value, dict) else "eine Liste"
        return f"Der Ausdruck ergibt {kind}, keinen Text.", None, "Geben Sie einen einzelnen Wert aus, z. B. mit [0]."
    return "Der Ausdruck ergibt ein Objekt, keinen Text.", None, "Prüfen Sie den Ausdruck in dieser Zeile."
