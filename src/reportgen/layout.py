"""Where everything lives in a project: the one owner of every input and output name.

Names are project-relative POSIX paths, the way messages show them; `path()` turns one into a file system
path and `href()` into a URL as seen from the HTML document in build/.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar


@dataclass(frozen=True)
class Layout:
    """The project folder and the names of its inputs and outputs."""

    root: Path
    responses: str = "data/responses.csv"
    codebook: str = "data/codebook.toml"
    # reportgen's own templates (house.py), for a project without a templates/ folder; None: the project's.
    house_templates: Path | None = None
    # The chapters' folder: a batch build reads its own (`dataclasses.replace(layout, content="content-batch")`).
    content: str = "content"

    config: ClassVar[str] = "report.toml"
    references: ClassVar[str] = "content/literatur.toml"
    templates: ClassVar[str] = "templates"
    partials: ClassVar[str] = "templates/partials"
    page_template: ClassVar[str] = "templates/report.html.j2"
    stylesheet: ClassVar[str] = "templates/style.css"
    logo: ClassVar[str] = "templates/logo.svg"
    chart_font: ClassVar[str] = "templates/fonts/Lato-Regular.ttf"
    build: ClassVar[str] = "build"
    pdf: ClassVar[str] = "build/report.pdf"
    html: ClassVar[str] = "build/report.html"
    charts: ClassVar[str] = "build/charts"
    cache: ClassVar[str] = "build/.cache"
    chart_cache: ClassVar[str] = "build/.cache/charts"
    segment_cache: ClassVar[str] = "build/.cache/segments"
    # Outside a project, `reportgen codebook` writes its draft under this name in the working folder.
    draft_codebook: ClassVar[str] = "codebook.toml"

    def path(self, name: str) -> Path:
        """A project-relative name as a path below the project folder (or in the house templates)."""
        return self.reading_root(name) / self._below_root(name)

    def reading_root(self, name: str) -> Path:
        """The folder a file must stay within when it is read: the project, or the house templates for theirs."""
        if self.house_templates is not None and self._in_templates(name):
            return self.house_templates
        return self.root

    def _below_root(self, name: str) -> str:
        if self.house_templates is not None and self._in_templates(name):
            return posixpath.relpath(name, self.templates)
        return name

    def _in_templates(self, name: str) -> bool:
        return name == self.templates or name.startswith(self.templates + "/")

    @classmethod
    def chart(cls, name: str) -> str:
        """A chart's project-relative name: where the build writes it, and where the pages and assets find it."""
        return f"{cls.charts}/{name}"

    def href(self, name: str) -> str:
        """A project-relative name as a relative URL from the HTML document, with a trailing slash for folders."""
        relative = posixpath.relpath("/" + name, "/" + posixpath.dirname(self.html))  # never the working folder
        return relative + "/" if name in (self.content, self.templates, self.charts) else relative

    def name_of(self, path: Path) -> str:
        """A path as the user knows it: relative to the project, with forward slashes."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return path.name
