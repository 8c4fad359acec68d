"""[survey] attach_to_pdf: the responses and the codebook inside the PDF as PDF/A-3 associated files.

Expected bytes are the project's files read here, independently of reportgen; the verdicts are page-validation's."""

from __future__ import annotations

import datetime
import hashlib
import io
import re
import zlib
from collections.abc import Callable
from pathlib import Path

import page
import pikepdf
import pytest

from projects import TINY_RESPONSES, copy_study, make_tiny, to_xlsx
from reportgen.build import build
from reportgen.config import load_config
from reportgen.data_stage import SurveyFiles, read_data
from reportgen.errors import ConfigError, ReportError
from reportgen.layout import Layout
from reportgen.pdf import render_pdf
from reportgen.pdf_archive import archive_pdf
from reportgen.pdf_attachments import Attachment, survey_attachments

PROFILES = ("pdfa3a", "ua1")
DATE = datetime.date(2025, 1, 31)
CSV = b"id;frage\r\nR1;1\r\nR2;\xe4\r\n"  # bytes as they are, not UTF-8, CRLF: nothing may be normalised
TOML = b'[frage]\nkind = "scale"\ntext = "Zufrieden?"\n'
HTML = '<!DOCTYPE html><html lang="de"><head><title>Test</title></head><body><h1>Titel</h1><p>Text</p></body></html>'
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def files(*data: bytes) -> tuple[Attachment, ...]:
    descriptions = ("Antwortdaten der Befragung (data/responses.csv)", "Codebuch der Befragung (data/codebook.toml)")
    specs = (("responses.csv", "text/csv"), ("codebook.toml", "application/toml"))
    return tuple(
        Attachment(name, content, mime, description, DATE)
        for (name, mime), content, description in zip(specs, data, descriptions, strict=False)
    )


def tiny_pdf(layout: Layout, attachments: tuple[Attachment, ...] = ()) -> bytes:
    return render_pdf(HTML, layout, {}, attachments=attachments)[0].data


def failed_rules(data: bytes) -> dict[str, list[str]]:
    """The failed rules by profile, only for the profiles with failures."""
    failed = {}
    for profile in PROFILES:
        report = page.validate_pdf_bytes(data, profile=profile)
        rules = sorted({failure.rule_id for failure in report.failures})
        if rules or not report.is_compliant:
            failed[profile] = rules
    return failed


def embedded(data: bytes) -> dict[str, bytes]:
    """The embedded files by name, decoded (pikepdf's own reading, not reportgen's)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}


def pdfa_part(data: bytes) -> tuple[str, str]:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        xmp = bytes(pdf.Root.Metadata.read_raw_bytes()).decode("utf-8")
    part = re.search(r'pdfaid:part="(\d)"|<pdfaid:part>(\d)<', xmp)
    conformance = re.search(r'pdfaid:conformance="(\w)"|<pdfaid:conformance>(\w)<', xmp)
    assert part and conformance and "<pdfuaid:part>1</pdfuaid:part>" in xmp
    return part[1] or part[2], conformance[1] or conformance[2]


# In memory: render_pdf with attachments made here.


def test_without_attachments_the_pdf_is_pdf_a_2a_and_carries_no_files(layout: Layout) -> None:
    data = tiny_pdf(layout)
    assert pdfa_part(data) == ("2", "A")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert "/AF" not in pdf.Root
        assert "/EmbeddedFiles" not in pdf.Root.get("/Names", {})
        assert not pdf.attachments


def test_attachments_are_associated_files_with_what_pdf_a_3_asks(layout: Layout) -> None:
    data = tiny_pdf(layout, files(CSV, TOML))
    assert pdfa_part(data) == ("3", "A")
    assert embedded(data) == {"responses.csv": CSV, "codebook.toml": TOML}
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.Names.EmbeddedFiles.Names
        tree = {str(names[index]): names[index + 1] for index in range(0, len(names), 2)}
        associated = list(pdf.Root.AF)
        assert sorted(tree) == ["codebook.toml", "responses.csv"]
        assert len(associated) == 2
        assert all(spec.is_indirect for spec in associated)
        assert {spec.objgen for spec in associated} == {spec.objgen for spec in tree.values()}
        responses = tree["responses.csv"]
        assert responses.Type == "/Filespec"
        assert (str(responses.F), str(responses.UF)) == ("responses.csv", "responses.csv")
        assert str(responses.Desc) == "Antwortdaten der Befragung (data/responses.csv)"
        assert responses.AFRelationship == "/Data"
        stream = responses.EF.F
        assert stream.Type == "/EmbeddedFile"
        assert stream.Subtype == pikepdf.Name("/text/csv")
        assert str(stream.Params.ModDate) == "D:20250131"
        assert int(stream.Params.Size) == len(CSV)
        assert bytes(stream.Params.CheckSum) == hashlib.md5(CSV).digest()
        assert tree["codebook.toml"].EF.F.Subtype == pikepdf.Name("/application/toml")
        assert tree["codebook.toml"].AFRelationship == "/Data"


def test_attached_pdf_is_pdf_a_3a_and_pdf_ua_1(layout: Layout) -> None:
    data = tiny_pdf(layout, files(CSV, TOML))
    assert failed_rules(data) == {}
    with_files = page.validate_pdf_bytes(data, profile="pdfa2a")
    assert not with_files.is_compliant  # PDF/A-2 embeds only PDF/A files: the option really changes the part


def _adler_ends_in_cr(content: bytes) -> bytes:
    """`content` with bytes added until its Flate data would end in CR (the low byte of its Adler-32)."""
    while zlib.adler32(content) & 0xFF != 0x0D:
        content += b"x"
    return content


def test_a_file_whose_flate_data_would_end_in_cr_still_has_unambiguous_stream_ends(layout: Layout) -> None:
    awkward = _adler_ends_in_cr(CSV)
    data = tiny_pdf(layout, files(awkward))
    assert b"\r\nendstream" not in data
    assert embedded(data) == {"responses.csv": awkward}
    assert failed_rules(data) == {}


def test_the_same_attachments_give_the_same_bytes(layout: Layout) -> None:
    data = tiny_pdf(layout, files(CSV, TOML))
    assert tiny_pdf(layout, files(CSV, TOML)) == data
    assert archive_pdf(data) == data  # archiving again neither adds nor drops a file


# Reading the project's files: confined, bounded, typed by their names.


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("data/responses.csv", "text/csv"),
        ("data/antworten.XLSX", XLSX_TYPE),
        ("data/antworten.xlsm", "application/vnd.ms-excel.sheet.macroEnabled.12"),
        ("data/antworten.sav", "application/x-spss-sav"),
        ("data/antworten.zsav", "application/x-spss-sav"),
        ("data/antworten.txt", "text/csv"),  # read as CSV, so attached as CSV
    ],
)
def test_survey_files_are_attached_as_read_and_typed_by_name(tmp_path: Path, name: str, mime: str) -> None:
    responses, codebook = survey_attachments(Layout(tmp_path, responses=name), SurveyFiles(CSV, TOML), DATE)
    assert (responses.name, responses.data, responses.mime_type) == (name.rsplit("/")[-1], CSV, mime)
    assert responses.description == f"Antwortdaten der Befragung ({name})"
    assert (codebook.name, codebook.data, codebook.mime_type) == ("codebook.toml", TOML, "application/toml")
    assert codebook.description.startswith("Codebuch der Befragung") and "(data/codebook.toml)" in codebook.description
    assert responses.relationship == codebook.relationship == "Data"
    assert responses.modified == codebook.modified == DATE


def test_files_of_the_same_name_keep_their_folders(tmp_path: Path) -> None:
    attached = survey_attachments(Layout(tmp_path, "a/daten.csv", "b/daten.csv"), SurveyFiles(CSV, TOML), DATE)
    assert [attachment.name for attachment in attached] == ["a/daten.csv", "b/daten.csv"]


def test_the_data_stage_keeps_the_bytes_it_read(tmp_path: Path) -> None:
    project = make_tiny(tmp_path / "p")
    layout = load_config(project).layout
    kept = read_data(load_config(project)).files
    assert kept.responses == (project / layout.responses).read_bytes()
    assert kept.codebook == (project / layout.codebook).read_bytes()


# The option in report.toml.

CONFIG = '[report]\ntitle = "Studie"\n\n[survey]\nresponses = "data/responses.csv"\n'


def test_attach_to_pdf_is_off_unless_set(tmp_path: Path) -> None:
    (tmp_path / "report.toml").write_text(CONFIG, encoding="utf-8")
    assert load_config(tmp_path).survey.attach_to_pdf is False
    (tmp_path / "report.toml").write_text(CONFIG + "attach_to_pdf = true\n", encoding="utf-8")
    assert load_config(tmp_path).survey.attach_to_pdf is True


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            'attach_to_pdf = "ja"',
            'report.toml, Zeile 6: [survey] attach_to_pdf: erwartet Wahrheitswert, gefunden Text "ja". '
            "Schreiben Sie true oder false ohne Anführungszeichen, z. B. attach_to_pdf = false.",
        ),
        (
            "attach_to_pdf = 1",
            "report.toml, Zeile 6: [survey] attach_to_pdf: erwartet Wahrheitswert, gefunden ganze Zahl 1. "
            "Schreiben Sie true oder false ohne Anführungszeichen, z. B. attach_to_pdf = false.",
        ),
        (
            "anhang = true",
            "report.toml, Zeile 6: [survey] unbekannter Schlüssel „anhang“. Meinten Sie „attach_to_pdf“?",
        ),
    ],
)
def test_a_wrong_value_is_a_config_error_at_its_line(tmp_path: Path, line: str, expected: str) -> None:
    (tmp_path / "report.toml").write_text(CONFIG + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path)
    assert str(caught.value).startswith(expected)


# Whole builds.

ATTACH = {"report.toml": lambda text: text + "\n[survey]\nattach_to_pdf = true\n"}


@pytest.mark.slow
def test_a_build_without_the_option_attaches_nothing(tiny_project: Callable[..., Path]) -> None:
    data = build(tiny_project()).pdf.read_bytes()
    assert embedded(data) == {}
    assert pdfa_part(data) == ("2", "A")


@pytest.mark.slow
def test_a_build_with_the_option_attaches_the_projects_files(tiny_project: Callable[..., Path]) -> None:
    root = tiny_project(ATTACH)
    data = build(root).pdf.read_bytes()
    expected = {
        "responses.csv": (root / "data" / "responses.csv").read_bytes(),
        "codebook.toml": (root / "data" / "codebook.toml").read_bytes(),
    }
    assert embedded(data) == expected
    assert pdfa_part(data) == ("3", "A")
    assert failed_rules(data) == {}


@pytest.mark.slow
def test_a_workbook_is_attached_as_a_workbook(tiny_project: Callable[..., Path]) -> None:
    rows = [line.split(",") for line in TINY_RESPONSES.splitlines()]
    workbook = to_xlsx([rows[0], *([row[0], *map(int, row[1:])] for row in rows[1:])])
    root = tiny_project(
        {
            "report.toml": lambda text: text + '\n[survey]\nresponses = "data/antworten.xlsx"\nattach_to_pdf = true\n',
            "data/antworten.xlsx": workbook,
            "data/responses.csv": None,
        }
    )
    data = build(root).pdf.read_bytes()
    assert embedded(data)["antworten.xlsx"] == workbook
    with pikepdf.open(io.BytesIO(data)) as pdf:
        assert pdf.attachments["antworten.xlsx"].obj.EF.F.Subtype == pikepdf.Name("/" + XLSX_TYPE)
    assert failed_rules(data) == {}


@pytest.mark.slow
def test_the_same_project_builds_the_same_pdf_with_its_files(tiny_project: Callable[..., Path]) -> None:
    first = build(tiny_project(ATTACH, name="eins")).pdf.read_bytes()
    second = tiny_project(ATTACH, name="zwei")
    assert build(second).pdf.read_bytes() == first
    assert build(second).pdf.read_bytes() == first  # again, from the caches


@pytest.mark.slow
def test_responses_over_the_data_limit_stop_the_build(tiny_project: Callable[..., Path]) -> None:
    size = len(TINY_RESPONSES.encode())
    root = tiny_project(
        {"report.toml": lambda text: text + f"\n[survey]\nattach_to_pdf = true\n\n[limits]\ndata_mb = {size / 2e6}\n"},
    )
    with pytest.raises(ReportError, match=r"data/responses\.csv: Die Datei ist zu groß"):
        build(root)
    assert not (root / Layout.pdf).exists()


@pytest.mark.slow
def test_the_study_with_its_files_is_pdf_a_3a_and_pdf_ua_1(tmp_path: Path) -> None:
    root = copy_study(tmp_path / "studie")
    toml = root / "report.toml"
    text = toml.read_text(encoding="utf-8")
    toml.write_text(text.replace('id_column = "id"\n', 'id_column = "id"\nattach_to_pdf = true\n', 1), "utf-8")
    assert "attach_to_pdf = true" in toml.read_text(encoding="utf-8")
    data = build(root).pdf.read_bytes()
    repo = Path(__file__).resolve().parent.parent
    assert embedded(data) == {
        "responses.csv": (repo / "data" / "responses.csv").read_bytes(),
        "codebook.toml": (repo / "data" / "codebook.toml").read_bytes(),
    }
    assert pdfa_part(data) == ("3", "A")
    assert failed_rules(data) == {}
