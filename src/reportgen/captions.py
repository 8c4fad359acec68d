"""Markdown pipe tables with a caption line and images with a caption: numbered tables and figures in the house
style, numbered and listed with the helpers' tables and charts."""

from __future__ import annotations

import re
from typing import cast

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markupsafe import Markup

from .leftovers import Leftover
from .targets import ANCHORS, LABEL, NAMES, DuplicateLabelError, Numbered, Target, Targets

# `Tabelle: …` (or Pandoc's `Table: …` and `: …`) right after a table.
_CAPTION = re.compile(r"^(?:Tabelle|Table)?:\s+")
_LABELS = {kind: re.compile(rf"\s*\{{#(?:{kind}-)?({LABEL.pattern})\}}\s*$") for kind in ("abb", "tab")}


class Captions:
    """Turns one chapter's captioned tables and images into numbered blocks, registered with `targets`."""

    def __init__(self, markdown: MarkdownIt, targets: Targets) -> None:
        self._markdown = markdown
        self._renderer = cast(RendererHTML, markdown.renderer)
        self._targets = targets

    def number(self, tokens: list[Token]) -> list[Leftover]:
        """Change `tokens` in place; a label that is taken already is returned as an error at its line."""
        errors: list[Leftover] = []
        index = 0
        while index < len(tokens):
            token = tokens[index]
            try:
                if token.type == "table_open":
                    index = self._table(tokens, index)
                elif token.type == "paragraph_open" and _image_only(tokens[index + 1]):
                    self._figure(tokens, index)
            except _Taken as taken:
                errors.append(taken.leftover)
            index += 1
        return errors

    def _table(self, tokens: list[Token], start: int) -> int:
        """Number the table at `start` if a caption line follows it; the index of its last token."""
        end = next(index for index in range(start, len(tokens)) if tokens[index].type == "table_close")
        tokens[start].attrSet("class", "data markdown-table")
        caption = _caption_after(tokens, end) or _caption_row(tokens, start, end)
        if caption is None:
            return end
        end = next(index for index in range(start, len(tokens)) if tokens[index].type == "table_close")
        target = self._add("tab", caption)
        tokens[start].attrSet("id", f"{ANCHORS['tab']}-{target.number}")
        label = f'<span class="caption-label">{NAMES["tab"]} {target.number}</span>'
        tokens.insert(start + 1, _html(f"<caption>{label} – {target.caption}</caption>\n"))
        tokens.insert(start, _html('<div class="table-block">\n'))
        tokens.insert(end + 3, _html("</div>\n"))
        return end + 3

    def _figure(self, tokens: list[Token], start: int) -> None:
        inline = tokens[start + 1]
        image = (inline.children or [])[0]
        caption = Token("inline", "", 0, map=inline.map, children=list(image.children or []))
        if len(inline.children or []) > 1:
            caption.children = [*(caption.children or []), *(inline.children or [])[1:]]  # the {#abb-…} to read
        target = self._add("abb", caption)
        picture = self._renderer.renderInline([image], self._markdown.options, {})
        label = f'<span class="caption-label">{NAMES["abb"]} {target.number}</span>'
        tokens[start : start + 3] = [
            _html(
                f'<figure class="image" id="{ANCHORS["abb"]}-{target.number}">\n{picture}\n'
                f"<figcaption>{label} – {target.caption}</figcaption>\n</figure>\n"
            )
        ]

    def _add(self, kind: Numbered, caption: Token) -> Target:
        """Register the captioned block; its label is read from the end of the caption (`{#tab-name}`)."""
        children = caption.children or []
        label = ""
        if children and children[-1].type == "text":
            found = _LABELS[kind].search(children[-1].content)
            if found:
                label = found.group(1)
                children[-1].content = children[-1].content[: found.start()]
        html = Markup(self._renderer.renderInline(children, self._markdown.options, {}).strip())
        try:
            return self._targets.add(kind, html, label, explicit=bool(label))
        except DuplicateLabelError as error:
            line = caption.map[0] + 1 if caption.map else 1
            hint = f"Wählen Sie in {{#{kind}-…}} einen anderen Namen."
            raise _Taken(Leftover(line, str(error), hint)) from None


class _Taken(Exception):
    def __init__(self, leftover: Leftover) -> None:
        super().__init__(leftover.message)
        self.leftover = leftover


def _html(content: str) -> Token:
    return Token("html_block", "", 0, content=content)


def _image_only(inline: Token) -> bool:
    """A paragraph that is one image with alt text, and at most a `{#abb-name}` after it."""
    children = [child for child in inline.children or [] if not (child.type == "text" and not child.content.strip())]
    if not children or children[0].type != "image" or not children[0].children:
        return False
    if len(children) == 1:
        return True
    return len(children) == 2 and children[1].type == "text" and bool(_LABELS["abb"].fullmatch(children[1].content))


def _caption_after(tokens: list[Token], end: int) -> Token | None:
    """The paragraph `Tabelle: …` right after the table, taken out of `tokens`."""
    following = tokens[end + 1 : end + 4]
    if [token.type for token in following] != ["paragraph_open", "inline", "paragraph_close"]:
        return None
    caption = following[1]
    if not _strip_prefix(caption):
        return None
    del tokens[end + 1 : end + 4]
    return caption


def _caption_row(tokens: list[Token], start: int, end: int) -> Token | None:
    """A caption line written without a blank line after the table: Markdown made it the last row."""
    row_start = max((index for index in range(start, end) if tokens[index].type == "tr_open"), default=start)
    cells = [token for token in tokens[row_start:end] if token.type == "inline"]
    if row_start == start or not cells or any(cell.content.strip() for cell in cells[1:]):
        return None
    if tokens[row_start - 1].type not in ("tr_close", "tbody_open") or not _strip_prefix(cells[0]):
        return None
    row_end = next(index for index in range(row_start, end) if tokens[index].type == "tr_close")
    del tokens[row_start : row_end + 1]
    if tokens[row_start - 1].type == "tbody_open" and tokens[row_start].type == "tbody_close":
        del tokens[row_start - 1 : row_start + 1]
    return cells[0]


def _strip_prefix(inline: Token) -> bool:
    """Take `Tabelle: ` off the caption; False if it does not start with it."""
    children = inline.children or []
    if not children or children[0].type != "text" or not _CAPTION.match(children[0].content):
        return False
    children[0].content = _CAPTION.sub("", children[0].content, count=1)
    return True
