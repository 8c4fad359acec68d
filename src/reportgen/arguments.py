"""argparse in German: help, usage and errors of the command line speak the language of its messages.

argparse's own strings come from gettext's global domain; rather than install a translation for the whole process,
the parser names its groups and help option itself (see cli.py) and words the few errors argparse raises here.
"""

from __future__ import annotations

import argparse
import re
from typing import Any, NoReturn

from .errors import ReportError, did_you_mean

COMMAND = "BEFEHL"  # the metavar of the command
MORE = "reportgen --help erklärt alles Weitere."


class UsageError(ReportError):
    """The command line itself: an unknown command or option, a missing value."""


_ERRORS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"the following arguments are required: (?P<names>.+)"), "Es fehlt die Angabe {names}."),
    (
        re.compile(r"argument \S+: invalid choice: '?(?P<value>.*?)'? \(choose from (?P<choices>.*)\)"),
        "Unbekannter Befehl „{value}“.",
    ),
    (re.compile(r"unrecognized arguments?: (?P<names>.+)"), "Unbekannte Angabe: {names}."),
    (re.compile(r"argument (?P<name>\S+): expected one argument"), "{name} braucht einen Wert."),
    (re.compile(r"argument (?P<name>\S+): ignored explicit argument (?P<value>.+)"), "{name} nimmt keinen Wert."),
    (re.compile(r"one of the arguments (?P<first>\S+) (?P<second>\S+) is required"), "Es fehlt {first} oder {second}."),
    (re.compile(r"one of the arguments (?P<names>.+) is required"), "Es fehlt eine der Angaben {names}."),
    (
        re.compile(r"argument (?P<name>\S+): not allowed with argument (?P<other>\S+)"),
        "{name} und {other} schließen sich aus: nur eines von beiden.",
    ),
)


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout, with a German usage line."""

    def add_usage(self, usage: str | None, actions: Any, groups: Any, prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "Aufruf: " if prefix is None else prefix)


class GermanParser(argparse.ArgumentParser):
    """An argument parser that speaks German and reports a wrong call as one UsageError."""

    def __init__(self, **options: Any) -> None:
        super().__init__(add_help=False, allow_abbrev=False, formatter_class=_Formatter, **options)
        self.commands: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        raise self._in_german(message)

    def _in_german(self, message: str) -> UsageError:
        usage = "Aufruf: " + " ".join(self.format_usage().split()[1:]).removesuffix(".") + "."
        for pattern, german in _ERRORS:
            found = pattern.fullmatch(message)
            if found is None:
                continue
            words = found.groupdict()
            if "choices" in words:
                choices = [choice.strip(" '\"") for choice in words["choices"].split(",")]
                known = f"Befehle: {', '.join(choices)}."
                return UsageError(
                    german.format(**words), hint=" ".join(filter(None, [did_you_mean(words["value"], choices), known]))
                )
            if words.get("names") == COMMAND and self.commands:
                return UsageError("Es fehlt ein Befehl.", hint=f"Befehle: {', '.join(self.commands)}. {MORE}")
            return UsageError(german.format(**words), hint=f"{usage} {MORE}")
        return UsageError(f"Ungültiger Aufruf: {message}", hint=f"{usage} {MORE}")
