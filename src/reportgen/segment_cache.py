"""The pages' PDF in segments, each kept in build/.cache/segments under a key of everything its bytes depend on.

A segment is the front matter, one chapter or the back matter (the pages around parts.PartPlan.spans). Its PDF depends on its own
pages and on what the rest of the document lends them: the page numbers, the pages of the anchors its links and
table-of-contents entries point to, the words its links describe, the stylesheets, fonts and images. When the
plan lets a chapter be laid out alone (PartPlan.alone: nothing but page numbers crosses a chapter's edges), a
segment's key holds exactly these, so an edit in one chapter leaves every other segment's key as it was; otherwise
the key holds the whole HTML, and only an unchanged document finds its segments again.

The plan of the last layout is kept next to them, so that a new process can lay out just the chapter that changed
(see pdf.lay_out)."""

from __future__ import annotations

import dataclasses
import functools
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from .cache import cache_key, dump_value, library_stamp, read_cached, read_value, source_version
from .layout import Layout
from .parts import PartPlan, Split, digest, head
from .pdf_links import LinkTexts, link_texts
from .pdf_segments import Segment

if TYPE_CHECKING:
    from .pdf import LaidOut

# Everything that writes a segment's bytes: our modules and the libraries under them.
_WRITERS = ("pdf.py", "pdf_segments.py", "pdf_tags.py", "pdf_links.py", "pdf_lists.py", "pdf_tree.py", "pdf_text.py")
_LIBRARIES = ("weasyprint", "pydyf", "pikepdf", "fontTools", "pyphen", "tinycss2", "cssselect2", "tinyhtml5")
_START_TAG = re.compile(r"<[^>]*>")
PLAN_NAME = f"{Layout.segment_cache}/plan.json"


@functools.cache  # the installed code does not change while a process runs
def writer_version() -> str:
    """A hash of the code that turns pages into a segment's PDF (reportgen's and the libraries' installations)."""
    return cache_key(source_version(*_WRITERS), *(library_stamp(name) for name in _LIBRARIES))


@dataclass(frozen=True)
class SegmentSpec:
    """One segment to write or to find: its pages (indexes in the whole document), what its links say in order
    (pdf_links.link_texts), the pages of the anchors they lead to, and its key."""

    pages: range
    texts: LinkTexts
    anchors: dict[str, int]
    key: str


def segment_specs(
    plan: PartPlan, cut: Split, html: str, headings: Mapping[str, str], with_files: bool, version: str
) -> tuple[SegmentSpec, ...]:
    """The segments of the pages `plan` describes, `cut` being its HTML's split; `headings` what a link to each
    heading of the whole HTML says (pdf_links.headings)."""
    htmls = [cut.before, *(part for _key, part in cut.parts), cut.after]
    edges = [(0, plan.spans[0][0]), *plan.spans, (plan.spans[-1][1], plan.pages)]
    common = [version, str(with_files), json.dumps(plan.assets, sort_keys=True), str(plan.pages)]
    if plan.alone:
        starts = "".join(_START_TAG.match(part)[0] for _key, part in cut.parts)  # type: ignore[index]
        common += [digest(head(cut.before)), plan.running, *plan.around, starts]
    else:
        common.append(digest(html))
    specs = []
    for (start, stop), segment_html in zip(edges, htmls, strict=True):
        if stop <= start:
            continue
        texts = link_texts(segment_html, headings)
        anchors = {target: plan.anchors[target] for target in sorted(texts) if target in plan.anchors}
        key = cache_key(
            *common,
            digest(segment_html),
            f"{start}-{stop}",
            json.dumps(plan.margins[start:stop]),
            json.dumps([texts, anchors], sort_keys=True),
        )
        specs.append(SegmentSpec(range(start, stop), texts, anchors, key))
    return tuple(specs)


@dataclass(frozen=True)
class StoredPlan:
    """The plan as build/.cache/segments/plan.json holds it, with the writer's version it was made with."""

    version: str
    with_files: bool
    plan: PartPlan


def stored_plan(layout: Layout, version: str, with_files: bool) -> PartPlan | None:
    """The last layout's plan, if it was made by this writer for the same kind of PDF."""
    stored = read_value(layout.path(PLAN_NAME), StoredPlan)
    if stored is None or stored.version != version or stored.with_files != with_files:
        return None
    return stored.plan


def segment_name(key: str, suffix: str) -> str:
    """The project-relative name of a segment's file (`.pdf` or `.json`)."""
    return f"{Layout.segment_cache}/{key}{suffix}"


def stored_file(layout: Layout, key: str, suffix: str) -> bytes | None:
    """A stored segment's file, or None."""
    return read_cached(layout.path(segment_name(key, suffix)))


def whole_document_spec(
    html: str, anchors: dict[str, int], assets: Mapping[str, bytes], with_files: bool, version: str, pages: int
) -> SegmentSpec:
    """The whole document as one segment (its pages have no chapters of their own), keyed by all of it; `anchors`
    are the page indexes of its anchors."""
    files = json.dumps({name: digest(data) for name, data in sorted(assets.items())})
    key = cache_key(version, str(with_files), files, digest(html), f"0-{pages}")
    return SegmentSpec(range(pages), link_texts(html), anchors, key)


@dataclass(frozen=True)
class _Described:
    """A segment's JSON file: the digest of its PDF file, and the segment without its PDF."""

    pdf: str
    segment: Segment


def stored_segment(layout: Layout, key: str) -> Segment | None:
    """The segment stored under `key`, or None when it is missing, unreadable, or its PDF is not the one stored
    with it (a file cut short or replaced)."""
    described = read_value(layout.path(segment_name(key, ".json")), _Described)
    data = stored_file(layout, key, ".pdf")
    if described is None or data is None or digest(data) != described.pdf:
        return None
    return dataclasses.replace(described.segment, data=data)


def segment_cache_files(laid_out: LaidOut, written: Mapping[str, Segment]) -> dict[str, bytes | None]:
    """The segment cache's files after a build: the `written` segments' (their PDF, and the rest as JSON) and the
    plan with their bytes, the other segments' names with None (kept as they are)."""
    files: dict[str, bytes | None] = {}
    for spec in laid_out.segmented().specs:
        segment = written.get(spec.key)
        files[segment_name(spec.key, ".pdf")] = segment.data if segment is not None else None
        files[segment_name(spec.key, ".json")] = (
            dump_value(_Described(digest(segment.data), dataclasses.replace(segment, data=b"")))
            if segment is not None
            else None
        )
    if laid_out.parts is not None:
        files[PLAN_NAME] = dump_value(StoredPlan(laid_out.version, laid_out.with_files, laid_out.parts))
    return files
