"""The one Jinja environment factory: explicit loader, strict, a sandbox with limits, German number filters."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
from jinja2.loaders import split_template_path

from . import fmt
from .errors import TemplateError
from .files import read_text
from .limits import DEFAULTS, Limits, SizeLimit
from .template_limits import LimitedEnvironment
from .template_values import checked_output

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


class ProjectLoader(BaseLoader):
    """Templates read by name from a folder of the project, through the project's confined reader: a template
    that is a link out of the project, a device or an oversized file is an error, not read."""

    def __init__(self, folder: Path, root: Path, limit: SizeLimit = DEFAULTS.file_size) -> None:
        self._folder = folder
        self._root = root
        self._limit = limit

    def get_source(self, environment: Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = self._folder.joinpath(*split_template_path(template))  # refuses ".." in names
        if not path.exists() and not path.is_symlink():
            raise TemplateNotFound(template)
        name = path.relative_to(self._root).as_posix() if path.is_relative_to(self._root) else template
        source = read_text(path, name, TemplateError, "", root=self._root, limit=self._limit)
        return source, str(path), lambda: True


def folder_loader(folder: Path, root: Path, limit: SizeLimit = DEFAULTS.file_size) -> BaseLoader:
    """Templates read by name from `folder`, a folder of the project in `root`, each within `limit`."""
    return ProjectLoader(folder, root, limit)


def make_environment(loader: BaseLoader, autoescape: bool, limits: Limits = DEFAULTS) -> LimitedEnvironment:
    """A sandboxed, strict environment loading templates by name through `loader`, rendering within `limits`."""
    environment = LimitedEnvironment(
        limits=limits,
        loader=loader,
        undefined=StrictUndefined,
        autoescape=autoescape,
        comment_start_string=COMMENT_START,
        comment_end_string=COMMENT_END,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=checked_output,
    )
    environment.filters.update(
        number=fmt.number,
        integer_or_decimal=fmt.integer_or_decimal,
        percent=fmt.percent,
        percent_value=fmt.percent_value,
        month_year=fmt.month_year,
        sentence=fmt.sentence,
    )
    return environment
