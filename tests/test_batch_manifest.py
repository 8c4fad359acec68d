"""The manifest of a batch: JSON read back as written, CSV for Excel, the index page, which reports can stay."""

from __future__ import annotations

import csv
import hashlib
import html.parser
import io

import pytest

from reportgen.batch_manifest import (
    CSV_HEADERS,
    Manifest,
    ManifestEntry,
    index_html,
    latest_entries,
    manifest_csv,
    manifest_json,
    manifest_name,
    read_manifest,
    reusable,
)

PDF = b"%PDF-1.7 a report"
PDF_SHA = hashlib.sha256(PDF).hexdigest()
ENTRIES = (
    ManifestEntry(
        "R01", "R01", "ok", "build/batch/R01.pdf", 6, 24, "", PDF_SHA, "d1", 2.5, "host:12", 1, ("Warnung A",)
    ),
    ManifestEntry("R02", '=HYPERLINK("x")', "failed", "build/batch/R02.pdf", 0, 24, "content-batch/01.md, Zeile 3: x"),
    ManifestEntry("a-b", "<script>alert(1)</script>", "unchanged", "build/batch/a b.pdf", 5, 17, "", PDF_SHA, "d1"),
    ManifestEntry("klein", "< 1 Jahr", "withheld", message="weniger als 5 Befragte ([batch] min_group)"),
)
MANIFEST = Manifest("--per id", 5, "digest", "0.1.0", "", ENTRIES)


def test_json_round_trip() -> None:
    assert read_manifest(manifest_json(MANIFEST)) == MANIFEST


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"{",
        b"[]",
        manifest_json(MANIFEST)[:-40],
        manifest_json(MANIFEST).replace(b'"pages": 6', b'"pages": "6"'),
        manifest_json(MANIFEST).replace(b'"status": "ok"', b'"status": "fine"'),
        "\ufeff{}".encode(),
    ],
)
def test_a_damaged_manifest_is_ignored(data: bytes) -> None:
    assert read_manifest(data) is None


def test_csv_opens_in_excel_with_german_headers() -> None:
    data = manifest_csv(MANIFEST)
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM tells Excel it is UTF-8
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert (
        rows[0]
        == list(CSV_HEADERS)
        == ["Kennung", "Bezeichnung", "Datei", "Status", "Seiten", "Basis", "Meldung", "SHA-256"]
    )
    assert rows[1] == ["R01", "R01", "build/batch/R01.pdf", "erstellt", "6", "24", "", PDF_SHA]
    # a label from the data is never run as a formula
    assert rows[2][:4] == ["R02", '\'=HYPERLINK("x")', "build/batch/R02.pdf", "fehlgeschlagen"]
    assert rows[2][6] == "content-batch/01.md, Zeile 3: x"
    assert rows[3][3] == "unverändert"
    # a withheld unit: no file, no pages, no base
    assert rows[4] == [
        "klein",
        "< 1 Jahr",
        "",
        "zurückgehalten",
        "",
        "",
        "weniger als 5 Befragte ([batch] min_group)",
        "",
    ]
    assert len(rows) == 5


class _Page(html.parser.HTMLParser):
    """The rows of the index page's table as cell texts, and its links."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.scripts = 0
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "a":
            self.links.append(dict(attrs)["href"] or "")
        elif tag == "script":
            self.scripts += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def test_index_lists_every_unit_and_escapes_what_the_data_says() -> None:
    page = index_html(MANIFEST, "Studie <b>", "build/batch").decode("utf-8")
    parsed = _Page()
    parsed.feed(page)
    assert parsed.scripts == 0
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<title>Studie &lt;b&gt; – Berichte</title>" in page
    assert parsed.rows[0] == ["Bericht", "Seiten", "Basis", "Status", "Hinweis"]
    assert parsed.rows[1] == ["R01", "6", "24", "erstellt", ""]
    assert parsed.rows[2] == ['=HYPERLINK("x")', "", "24", "fehlgeschlagen", "content-batch/01.md, Zeile 3: x"]
    assert parsed.rows[3] == ["<script>alert(1)</script>", "5", "17", "unverändert", ""]
    # withheld: listed, without a link and without its size
    assert parsed.rows[4] == ["< 1 Jahr", "", "", "zurückgehalten", "weniger als 5 Befragte ([batch] min_group)"]
    # links only to the reports that exist, relative to the index, quoted
    assert parsed.links == ["R01.pdf", "a%20b.pdf"]


def test_a_report_is_kept_only_with_the_same_inputs_and_an_intact_file() -> None:
    ok, failed = ENTRIES[0], ENTRIES[1]
    assert reusable(ok, "d1", PDF_SHA)
    assert not reusable(ok, "d2", PDF_SHA)  # inputs changed
    assert not reusable(ok, "d1", hashlib.sha256(PDF + b" ").hexdigest())  # the file was changed
    assert not reusable(ok, "d1", None)  # the file is gone
    assert not reusable(None, "d1", PDF_SHA)  # not in the manifest
    assert not reusable(failed, "", "")  # a failed report is always made again


def test_shard_manifests_have_their_own_names_and_later_entries_win() -> None:
    assert manifest_name("build/batch", "", "json") == "build/batch/manifest.json"
    assert manifest_name("build/batch", "2/5", "csv") == "build/batch/manifest.shard-2-of-5.csv"
    newer = Manifest("--per id", 5, "d", "0.1.0", "1/2", (ManifestEntry("R01", "R01", "failed", message="neu"),))
    merged = latest_entries([MANIFEST, newer])
    assert merged["R01"].message == "neu"
    assert set(merged) == {"R01", "R02", "a-b", "klein"}
