"""The digest of every project file a batch report is made from: workers compare it with the coordinator's, so that
no report of a run is made from files edited while it ran."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from pathlib import Path

from .layout import Layout


def inputs_digest(layout: Layout, content: str) -> str:
    """SHA-256 over report.toml, the codebook, the responses, the references, and every file below the batch
    `content` folder and the templates (the house templates for a project without its own), by name and bytes;
    a file that is missing counts as such."""
    digest = hashlib.sha256()
    for name, path in _inputs(layout, content):
        digest.update(_length_prefixed(name.encode("utf-8")))
        try:
            with path.open("rb") as file:
                digest.update(b"+" + hashlib.file_digest(file, "sha256").digest())
        except OSError:  # missing or unreadable: the build that reads it says so
            digest.update(b"-")
    return digest.hexdigest()


def _inputs(layout: Layout, content: str) -> Iterator[tuple[str, Path]]:
    """The files by project-relative name, in a fixed order."""
    for name in (Layout.config, layout.codebook, layout.responses, Layout.references):
        yield name, layout.path(name)
    for folder in (content, Layout.templates):
        top = layout.path(folder)
        for directory, folders, files in os.walk(top):
            folders.sort()
            for file in sorted(files):
                path = Path(directory, file)
                yield f"{folder}/{path.relative_to(top).as_posix()}", path


def _length_prefixed(data: bytes) -> bytes:
    return len(data).to_bytes(8, "little") + data
