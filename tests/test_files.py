"""files: each input read once, as bytes or UTF-8 text, with one set of messages."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from reportgen.errors import ConfigError, ContentError, DataError, Location, ReportError
from reportgen.files import READ_HINT, decode_text, read_bytes, read_text
from reportgen.limits import DEFAULTS, SizeLimit

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


SPECIAL_HINT = "Ersetzen Sie sie durch eine Datei oder entfernen Sie sie."


def test_directory_instead_of_a_file(tmp_path: Path) -> None:
    (tmp_path / "ordner.md").mkdir()
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "ordner.md", "content/ordner.md", ContentError, MISSING_HINT)
    assert str(caught.value) == (
        f"content/ordner.md: Das ist keine gewöhnliche Datei, sondern ein Ordner. {SPECIAL_HINT}"
    )


def test_fifo_is_an_error_not_a_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "pipe.md", "content/pipe.md", ContentError, MISSING_HINT)
    assert str(caught.value) == (
        f"content/pipe.md: Das ist keine gewöhnliche Datei, sondern eine Pipe (FIFO). {SPECIAL_HINT}"
    )


def test_device_is_refused_even_inside_the_root(tmp_path: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    with pytest.raises(DataError) as caught:
        read_bytes(Path("/dev/null"), "data/null.csv", DataError, MISSING_HINT, root=Path("/dev"))
    assert str(caught.value) == f"data/null.csv: Das ist keine gewöhnliche Datei, sondern ein Gerät. {SPECIAL_HINT}"


def test_symlink_out_of_the_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "geheim.txt").write_text("geheim", encoding="utf-8")
    project = tmp_path / "projekt"
    (project / "content").mkdir(parents=True)
    (project / "content" / "08-x.md").symlink_to(tmp_path / "geheim.txt")
    with pytest.raises(ContentError) as caught:
        read_text(project / "content" / "08-x.md", "content/08-x.md", ContentError, MISSING_HINT, root=project)
    assert str(caught.value) == (
        f"content/08-x.md: Die Datei verweist auf {tmp_path.resolve() / 'geheim.txt'}, außerhalb des Projekts. "
        "Kopieren Sie die Datei in den Projektordner, statt auf sie zu verweisen."
    )


def test_symlink_inside_the_root_is_followed(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "echt.md").write_text("Text", encoding="utf-8")
    (tmp_path / "content").mkdir()
    (tmp_path / "content" / "x.md").symlink_to(Path("..") / "data" / "echt.md")
    assert read_text(tmp_path / "content" / "x.md", "content/x.md", ContentError, MISSING_HINT, root=tmp_path) == "Text"


def test_without_a_root_the_file_stays_in_its_folder(tmp_path: Path) -> None:
    (tmp_path / "anderswo.toml").write_text("a = 1\n", encoding="utf-8")
    (tmp_path / "projekt").mkdir()
    (tmp_path / "projekt" / "report.toml").symlink_to(tmp_path / "anderswo.toml")
    with pytest.raises(ConfigError, match="außerhalb des Projekts"):
        read_text(tmp_path / "projekt" / "report.toml", "report.toml", ConfigError, MISSING_HINT)


def test_dangling_symlink_is_missing(tmp_path: Path) -> None:
    (tmp_path / "x.md").symlink_to(tmp_path / "weg.md")
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "x.md", "content/x.md", ContentError, MISSING_HINT)
    assert str(caught.value) == f"content/x.md: Datei nicht gefunden. {MISSING_HINT}"


def test_symlink_loop_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "a.md").symlink_to(tmp_path / "b.md")
    (tmp_path / "b.md").symlink_to(tmp_path / "a.md")
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "a.md", "content/a.md", ContentError, MISSING_HINT)
    assert str(caught.value).startswith("content/a.md: Die Datei lässt sich nicht lesen (")


def test_size_limit(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_bytes(b"x" * 2_000_001)
    exact = SizeLimit(2_000_001, "data_mb")
    assert len(read_bytes(tmp_path / "a.csv", "data/a.csv", DataError, MISSING_HINT, limit=exact)) == 2_000_001
    with pytest.raises(DataError) as caught:
        read_bytes(tmp_path / "a.csv", "data/a.csv", DataError, MISSING_HINT, limit=SizeLimit(2_000_000, "data_mb"))
    assert str(caught.value) == (
        "data/a.csv: Die Datei ist zu groß (3 MB, höchstens 2 MB). "
        "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf oder erhöhen Sie [limits] data_mb in "
        "report.toml."
    )


def test_size_limit_in_fractions_of_a_megabyte(tmp_path: Path) -> None:
    (tmp_path / "a.md").write_bytes(b"x" * 700_001)
    with pytest.raises(ContentError) as caught:
        read_text(tmp_path / "a.md", "content/a.md", ContentError, MISSING_HINT, limit=SizeLimit(500_000, "file_mb"))
    assert str(caught.value).startswith("content/a.md: Die Datei ist zu groß (0,8 MB, höchstens 0,5 MB). ")


def test_size_limit_no_setting_raises(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_bytes(b"x" * 11)
    with pytest.raises(ConfigError) as caught:
        read_text(tmp_path / "report.toml", "report.toml", ConfigError, MISSING_HINT, limit=SizeLimit(10, None))
    assert str(caught.value) == (
        "report.toml: Die Datei ist zu groß (0,00002 MB, höchstens 0,00001 MB). "
        "Prüfen Sie, ob es die richtige Datei ist; teilen Sie sie sonst auf."
    )


def test_default_limits_are_generous() -> None:
    assert DEFAULTS.file_size == SizeLimit(50_000_000, "file_mb")
    assert DEFAULTS.data_size == SizeLimit(200_000_000, "data_mb")


def test_relative_path_in_a_deleted_working_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    gone = tmp_path / "weg"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    with pytest.raises(ConfigError) as caught:
        read_text(Path("report.toml"), "report.toml", ConfigError, MISSING_HINT)
    assert str(caught.value) == (
        "report.toml: Der aktuelle Ordner existiert nicht mehr. "
        "Wechseln Sie mit cd in den Projektordner und starten Sie reportgen erneut."
    )


def test_path_through_a_file_is_unreadable(tmp_path: Path) -> None:
    (tmp_path / "data").write_text("keine Ordner", encoding="utf-8")
    with pytest.raises(DataError) as caught:
        read_bytes(tmp_path / "data" / "responses.csv", "data/responses.csv", DataError, MISSING_HINT)
    assert str(caught.value) == f"data/responses.csv: Die Datei lässt sich nicht lesen (Not a directory). {READ_HINT}"
    assert READ_HINT == "Prüfen Sie, ob der Pfad auf eine Datei zeigt und sie lesbar ist."


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
