"""The one Jinja environment factory: explicit loader, strict, German number filters."""

from __future__ import annotations

from pathlib import Path

from jinja2 import FileSystemLoader, StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from . import fmt

# `{#` opens Markdown attributes such as `{#fig-1}`, so comments use `{## … ##}`.
COMMENT_START = "{##"
COMMENT_END = "##}"


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
