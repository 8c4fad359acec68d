"""What a batch made: the manifest (JSON for reportgen, CSV for Excel) and the index page, as bytes; read back for
the next run, which rebuilds only what failed or changed."""

from __future__ import annotations

import csv
import io
import posixpath
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING, Literal
from urllib.parse import quote

import msgspec

if TYPE_CHECKING:
    import jinja2

Status = Literal["ok", "unchanged", "failed", "withheld"]
MANIFEST = "manifest"
INDEX = "index.html"
STATUS_TEXT: dict[str, str] = {
    "ok": "erstellt",
    "unchanged": "unverändert",
    "failed": "fehlgeschlagen",
    "withheld": "zurückgehalten",
}
CSV_HEADERS = ("Kennung", "Bezeichnung", "Datei", "Status", "Seiten", "Basis", "Meldung", "SHA-256")
# A cell Excel would run as a formula: a label or message from the data must never become one (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class ManifestEntry:
    """One unit of a batch: its report, or why there is none. A withheld unit carries neither file nor base."""

    key: str
    label: str
    status: Status
    file: str = ""  # project-relative
    pages: int = 0
    base: int | None = None
    message: str = ""
    sha256: str = ""  # of the PDF as written
    inputs: str = ""  # the digest of everything the report was made from (see batch.unit_digest)
    seconds: float = 0.0
    worker: str = ""
    attempts: int = 0
    warnings: tuple[str, ...] = ()
    peak_mib: float = 0.0  # the worker process's peak memory when it finished this report


@dataclass(frozen=True)
class Manifest:
    """A batch run: its mode, the anonymity setting, the inputs' digest and an entry per unit (sorted by key)."""

    mode: str  # "--per id", "--by region"
    min_group: int
    inputs: str
    reportgen: str
    shard: str = ""  # "2/5", or empty for the whole batch
    entries: tuple[ManifestEntry, ...] = field(default=())

    def count(self, *statuses: Status) -> int:
        return sum(entry.status in statuses for entry in self.entries)


def manifest_name(folder: str, shard: str, suffix: str) -> str:
    """`build/batch/manifest.json`, or a shard's own `manifest.shard-2-of-5.json` (shards run at once)."""
    if not shard:
        return f"{folder}/{MANIFEST}.{suffix}"
    index, count = shard.split("/")
    return f"{folder}/{MANIFEST}.shard-{index}-of-{count}.{suffix}"


def manifest_json(manifest: Manifest) -> bytes:
    """The whole manifest as indented JSON (the file reportgen reads back)."""
    return msgspec.json.format(msgspec.json.encode(manifest), indent=2) + b"\n"


def read_manifest(data: bytes) -> Manifest | None:
    """A manifest `manifest_json` wrote, or None for anything else: a damaged manifest only costs a rebuild."""
    try:
        return msgspec.json.decode(data, type=Manifest)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None


def manifest_csv(manifest: Manifest) -> bytes:
    """The entries for Excel: UTF-8 with BOM, `;`, German headers and status words."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for entry in manifest.entries:
        writer.writerow(
            [
                _cell(entry.key),
                _cell(entry.label),
                _cell(entry.file),
                STATUS_TEXT[entry.status],
                entry.pages or "",
                "" if entry.base is None else entry.base,
                _cell(entry.message),
                entry.sha256,
            ]
        )
    return buffer.getvalue().encode("utf-8-sig")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_START) else text


def reusable(entry: ManifestEntry | None, inputs: str, file_sha256: str | None) -> bool:
    """Whether a unit's last report stands: it was made (or kept) from the same inputs and its file (`file_sha256`:
    its SHA-256 on disk, None when it is missing) is intact. A failed unit is always made again."""
    return (
        entry is not None
        and entry.status in ("ok", "unchanged")
        and entry.inputs == inputs
        and file_sha256 is not None
        and file_sha256 == entry.sha256
    )


def latest_entries(manifests: Iterable[Manifest]) -> dict[str, ManifestEntry]:
    """The entries of earlier manifests (the whole batch's and each shard's) by key; a later one wins."""
    return {entry.key: entry for manifest in manifests for entry in manifest.entries}


@dataclass(frozen=True)
class IndexRow:
    """A line of the index page: a link for a report, the reason for a unit without one."""

    label: str
    href: str
    status: str
    pages: int
    base: int | None
    message: str
    failed: bool


def index_html(manifest: Manifest, title: str, folder: str) -> bytes:
    """The index page next to the reports: every unit with its link, pages and base, or why it has no report.

    Autoescaped: labels and messages come from the data and the content."""
    rows = [
        IndexRow(
            entry.label,
            quote(posixpath.relpath(entry.file, folder)) if entry.file and entry.status in ("ok", "unchanged") else "",
            STATUS_TEXT[entry.status],
            entry.pages,
            entry.base if entry.status != "withheld" else None,
            entry.message,
            entry.status == "failed",
        )
        for entry in manifest.entries
    ]
    page = _index_template().render(
        title=title,
        mode=manifest.mode,
        min_group=manifest.min_group,
        rows=rows,
        reports=manifest.count("ok", "unchanged"),
        failed=manifest.count("failed"),
        withheld=manifest.count("withheld"),
    )
    return page.encode("utf-8")


def _index_template() -> jinja2.Template:
    import jinja2

    source = resources.files("reportgen").joinpath("batch_index.html.j2").read_text(encoding="utf-8")
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return environment.from_string(source)
