"""The page template in templates/ + a typed context -> one HTML document."""

from __future__ import annotations

import datetime
import posixpath
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jinja2 import TemplateError as JinjaError

from .colours import readable
from .errors import TemplateError
from .layout import Layout
from .template_errors import template_error
from .template_limits import LimitedEnvironment

if TYPE_CHECKING:
    from jinja2 import Environment

    from .config import Brand, ReportInfo
    from .content import Chapter
    from .headings import Heading

PAGE_TEMPLATE = posixpath.relpath("/" + Layout.page_template, "/" + Layout.templates)
TOC_LEVELS = 2
SHADED = "#f3f6f6"  # the zebra rows of the house tables (style.css --zebra): the darkest background text has


@dataclass(frozen=True)
class PageContext:
    """The contract between code and the page template."""

    report: ReportInfo
    brand: Brand
    date: datetime.date
    chapters: tuple[Chapter, ...]
    toc: tuple[Heading, ...]
    stylesheet: str
    logo: str
    text_colours: TextColours
    unit: str = ""  # a batch report's respondent or segment („R07“, „> 20 Jahre“), under the title; "" elsewhere


@dataclass(frozen=True)
class TextColours:
    """The brand's accent and muted colours as far darkened as text in them needs to be readable (WCAG AA, 4.5:1)
    on the lightest and the shaded backgrounds of the page; the brand colours themselves stay for rules and bars."""

    accent: str
    muted: str


def text_colours(brand: Brand) -> TextColours:
    return TextColours(readable(brand.accent, SHADED), readable(brand.muted, SHADED))


def page_context(
    report: ReportInfo,
    brand: Brand,
    date: datetime.date,
    chapters: tuple[Chapter, ...],
    headings: tuple[Heading, ...],
    layout: Layout,
) -> PageContext:
    """Assets are referenced relative to the HTML file, so the document holds no absolute path."""
    toc = tuple(heading for heading in headings if heading.level <= TOC_LEVELS)
    stylesheet, logo = layout.href(Layout.stylesheet), layout.href(Layout.logo)
    return PageContext(report, brand, date, chapters, toc, stylesheet, logo, text_colours(brand))


def render_page(environment: LimitedEnvironment, context: PageContext) -> str:
    """Fill the page template (within the template limits); mistakes name the template file and line."""
    try:
        template = environment.get_template(PAGE_TEMPLATE)
        fields = {field: getattr(context, field) for field in context.__dataclass_fields__}
        return environment.render_limited(template, fields)
    except JinjaError as error:
        hint = "Verfügbar sind: " + ", ".join(context.__dataclass_fields__) + "."
        raise template_error(error, Layout.templates, PAGE_TEMPLATE, TemplateError, hint) from None


def check_page_template(environment: Environment) -> None:
    """Compile the page template, so `check` finds its syntax errors without rendering."""
    try:
        environment.get_template(PAGE_TEMPLATE)
    except JinjaError as error:
        raise template_error(error, Layout.templates, PAGE_TEMPLATE, TemplateError) from None
