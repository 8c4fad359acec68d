"""files: each input read once, as bytes or UTF-8 text, with one set of messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.errors import ConfigError, ContentError, DataError, Location, ReportError
from reportgen.files import READ_HINT, decode_text, read_bytes, read_text

MISSING_HINT = "Legen Sie die Datei an."


def test_read_bytes(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"id\n\xff\n")
    assert read_bytes(tmp_path / "a.csv", "data/a.csv", DataError, MISSING_HINT) == b"id\n\xff\n"


def test_read_text(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes("Größe\r\n".encode())
    assert read_text(tmp_path / "a.md", "content/a.md", ContentError, MISSING_HINT) == "Größe\r\n"


def test_byte_order_mark_is_stripped(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_bytes(b"\xef\xbb\xbftitle = 1\n")
    assert read_text(tmp_path / "a.toml", "report.toml", ConfigError, MISSING_HINT) == "title = 1\n"


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read_bytes(tmp_path / "fehlt.csv", "data/fehlt.csv", DataError, MISSING_HINT)
    assert caught.value.location == Location("data/fehlt.csv")
    assert str(caught.value) == "data/fehlt.csv: Datei nicht gefunden. Legen Sie die Datei an."


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "ordner.md").mkdir()
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "ordner.md", "content/ordner.md", ContentError, MISSING_HINT)
    assert str(caught.value) == f"content/ordner.md: Die Datei lässt sich nicht lesen (Is a directory). {READ_HINT}"
    assert READ_HINT == "Prüfen Sie, ob der Pfad auf eine Datei zeigt und sie lesbar ist."


def test_path_through_a_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("keine Ordner", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_bytes(tmp_path / "data" / "responses.csv", "data/responses.csv", DataError, MISSING_HINT)
    assert str(caught.value) == f"data/responses.csv: Die Datei lässt sich nicht lesen (Not a directory). {READ_HINT}"


def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "geheim.toml"
    path.write_text("a = 1\n", encoding="utf-8")
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: chmod does not stop reading")
        with pytest.raises(ConfigError) as caught:
            read_text(path, "report.toml", ConfigError, MISSING_HINT)
        assert str(caught.value) == f"report.toml: Die Datei lässt sich nicht lesen (Permission denied). {READ_HINT}"
    finally:
        path.chmod(0o644)


def test_not_utf8_names_the_line_of_the_first_bad_byte(tmp_path: Path) -> None:
    # Latin-1 "ä" (0xE4) on line 3; a second bad byte on line 4 is not the one reported.
    (tmp_path / "a.md").write_bytes(b"# Titel\n\nM\xe4rz\n\xfc\n")
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "a.md", "content/a.md", ContentError, MISSING_HINT)
    assert caught.value.location == Location("content/a.md", line=3)
    assert str(caught.value) == (
        "content/a.md, Zeile 3: Die Datei ist kein UTF-8-Text. Speichern Sie sie im Editor mit der Kodierung UTF-8."
    )


def test_not_utf8_on_the_first_line() -> None:
    with pytest.raises(DataError) as caught:
        decode_text(b"\x80abc\n", "data/codebook.toml", DataError)
    assert caught.value.location == Location("data/codebook.toml", line=1)


def test_not_utf8_after_a_byte_order_mark() -> None:
    with pytest.raises(ConfigError) as caught:
        decode_text(b"\xef\xbb\xbfa = 1\nb = '\xe4'\n", "report.toml", ConfigError)
    assert caught.value.location == Location("report.toml", line=2)


@pytest.mark.parametrize("kind", [ConfigError, DataError, ContentError])
def test_the_kind_passed_is_the_kind_raised(tmp_path: Path, kind: type[ReportError]) -> None:
    with pytest.raises(kind) as missing:
        read_text(tmp_path / "fehlt", "fehlt", kind, MISSING_HINT)
    assert type(missing.value) is kind
    with pytest.raises(kind) as bad:
        decode_text(b"\xff", "x", kind)
    assert type(bad.value) is kind
