"""The one Jinja environment factory: explicit loader, strict, German number filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import (
    BaseLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
)
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from . import fmt
from .errors import Location, ReportError

# `{#` opens Markdown attributes such as `{#fig-1}`, so comments use `{## … ##}`.
COMMENT_START = "{##"
COMMENT_END = "##}"


class SourceLoader(BaseLoader):
    """Templates from texts already read, by name: nothing is read from disk twice."""

    def __init__(self, sources: Mapping[str, str]) -> None:
        self._sources = sources

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        if template not in self._sources:
            raise TemplateNotFound(template)
        return self._sources[template], template, lambda: True


def folder_loader(folder: Path) -> BaseLoader:
    """Templates read by name from a folder of the project."""
    return FileSystemLoader(folder)


def make_environment(loader: BaseLoader, autoescape: bool) -> SandboxedEnvironment:
    """A sandboxed, strict environment loading templates by name through `loader`."""
    environment = SandboxedEnvironment(
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,
        comment_start_string=COMMENT_START,
        comment_end_string=COMMENT_END,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        number=fmt.number,
        integer_or_decimal=fmt.integer_or_decimal,
        percent=fmt.percent,
        percent_value=fmt.percent_value,
        month_year=fmt.month_year,
    )
    return environment


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
    return kind(
        f"Vorlagen-Syntaxfehler: {_sentence(error.message or '')}",
        Location(file, line=error.lineno),
        "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}.",
    )


def _sentence(text: str) -> str:
    return text.strip().rstrip(".") + "."
