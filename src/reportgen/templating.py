"""The one Jinja environment factory: explicit loader, strict, German number filters."""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined, TemplateNotFound, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from . import fmt
from .errors import Location, ReportError

# `{#` opens Markdown attributes such as `{#fig-1}`, so comments use `{## … ##}`.
COMMENT_START = "{##"
COMMENT_END = "##}"
PARTIALS_DISPLAY = "templates/partials/"


def make_environment(folder: Path, autoescape: bool) -> SandboxedEnvironment:
    """A sandboxed, strict environment loading templates by name from `folder`."""
    environment = SandboxedEnvironment(
        loader=FileSystemLoader(folder),
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


def template_error(error: Exception, template_name: str, display_name: str, hint: str = "") -> ReportError:
    """A Jinja error as a ReportError at the template's file and line, in words an editor understands."""
    line = template_line(error, template_name)
    if isinstance(error, TemplateSyntaxError):
        return _syntax_error(error, template_name, display_name)
    if isinstance(error, TemplateNotFound):
        return ReportError(f"Vorlage „{error.name}“ nicht gefunden.", Location(display_name, line=line), hint)
    if isinstance(error, SecurityError):
        return ReportError(
            f"Nicht erlaubter Zugriff in der Vorlage: {_sentence(str(error))}",
            Location(display_name, line=line),
            "Verwenden Sie nur die im README beschriebenen Funktionen.",
        )
    if isinstance(error, UndefinedError):
        return ReportError(
            f"Unbekannter Name: {_sentence(error.message or '')}", Location(display_name, line=line), hint
        )
    return ReportError(f"Vorlagenfehler: {_sentence(str(error))}", Location(display_name, line=line), hint)


def _syntax_error(error: TemplateSyntaxError, template_name: str, display_name: str) -> ReportError:
    file = display_name
    if error.name and Path(error.name).name != Path(template_name).name:
        file = f"{PARTIALS_DISPLAY}{error.name}"  # the error is in a block template, not the chapter
    return ReportError(
        f"Vorlagen-Syntaxfehler: {_sentence(error.message or '')}",
        Location(file, line=error.lineno),
        "Jeder Ausdruck steht in {{ … }}, jede Anweisung in {% … %}, Kommentare in {## … ##}.",
    )


def _sentence(text: str) -> str:
    return text.strip().rstrip(".") + "."
