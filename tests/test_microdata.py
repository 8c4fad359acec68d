"""The respondents' cache file: frames survive the round trip unchanged, anything else reads as None (never an
exception, never an unpickled object), and Respondents falls back to computing the frame again."""

from __future__ import annotations

import io
import math
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen.microdata import Respondents, frame_bytes, frame_from_bytes

NAN = math.nan
LONG = "Wir haben die Beleuchtung umgestellt und die Druckluft geprüft. " * 2000  # ≈ 130 000 characters


def survey_frame() -> pd.DataFrame:
    """The frame format of survey.load_survey: floats, texts (None missing), a set's columns, the weight."""
    return pd.DataFrame(
        {
            "branche": [1.0, NAN, 3.0, 2.0],
            "umsatz": [2.5, -0.0, 1e300, NAN],
            "kommentar": ["Größe über Maß – „gut“", None, "", LONG],
            "massnahmen/1": [1.0, 0.0, NAN, 1.0],
            "massnahmen/2": [0.0, 0.0, NAN, 1.0],
            "@gewicht": [0.5, 1.5, 1.0, 1.0],
            "ort": [NAN, "Köln", None, "Zürich 🏔"],  # object column: NaN as well as None means missing
        },
        index=pd.Index(["r-01", "r-02", "r-ä", "r 04"], name="lfdn"),
    )


def test_round_trip_keeps_values_missing_and_order() -> None:
    frame = survey_frame()
    restored = frame_from_bytes(frame_bytes(frame), "lfdn")
    assert restored is not None
    expected = frame.copy()
    expected["ort"] = [None, "Köln", None, "Zürich 🏔"]
    pd.testing.assert_frame_equal(restored, expected)
    assert list(restored.columns) == list(frame.columns)
    assert restored.index.name == "lfdn"
    assert restored.index.tolist() == ["r-01", "r-02", "r-ä", "r 04"]
    assert restored.loc["r-ä", "kommentar"] == ""  # an empty answer is not a missing one
    assert pd.isna(restored.loc["r-02", "kommentar"])
    assert restored.loc["r 04", "kommentar"] == LONG
    assert math.copysign(1.0, restored.loc["r-02", "umsatz"]) == -1.0  # the bits of -0.0 survive


def test_index_name_is_what_the_reader_passes() -> None:
    data = frame_bytes(survey_frame())
    unnamed = frame_from_bytes(data)
    assert unnamed is not None
    assert unnamed.index.name is None
    renamed = frame_from_bytes(data, "id")
    assert renamed is not None and renamed.index.name == "id"


def test_round_trip_of_an_empty_frame() -> None:
    frame = pd.DataFrame({"a": pd.Series([], dtype=float), "t": pd.Series([], dtype=object)}, index=pd.Index([]))
    restored = frame_from_bytes(frame_bytes(frame))
    assert restored is not None
    assert list(restored.columns) == ["a", "t"] and len(restored) == 0


def test_one_long_text_does_not_widen_the_others() -> None:
    short = pd.DataFrame({"t": ["a"] * 1000}, index=pd.Index([str(i) for i in range(1000)]))
    long = short.copy()
    long.iloc[0, 0] = LONG
    # UTF-8 bytes with offsets: the long answer adds its own length, not 1000 times it
    assert len(frame_bytes(long)) - len(frame_bytes(short)) < 2 * len(LONG.encode())


texts = st.one_of(st.none(), st.text(max_size=30))
floats = st.floats(allow_nan=True, allow_infinity=True)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyzäöüß_/@-0123456789", min_size=1, max_size=12)


@st.composite
def frames(draw: st.DrawFn) -> pd.DataFrame:
    size = draw(st.integers(1, 8))  # no rows: see test_round_trip_of_an_empty_frame
    columns = draw(st.lists(names, min_size=1, max_size=5, unique=True))
    data: dict[str, object] = {}
    for name in columns:
        if draw(st.booleans()):
            data[name] = pd.Series(draw(st.lists(floats, min_size=size, max_size=size)), dtype="float64")
        else:
            data[name] = pd.Series(draw(st.lists(texts, min_size=size, max_size=size)), dtype=object)
    index = draw(st.lists(st.text(max_size=10), min_size=size, max_size=size, unique=True))
    return pd.DataFrame(data, index=pd.Index(index, dtype=object, name="id"))


def missing_as_none(column: pd.Series) -> list[object]:
    return [None if value is None or (isinstance(value, float) and math.isnan(value)) else value for value in column]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames())
def test_round_trip_of_random_frames(frame: pd.DataFrame) -> None:
    restored = frame_from_bytes(frame_bytes(frame), "id")
    assert restored is not None
    assert list(restored.columns) == list(frame.columns)
    assert restored.index.tolist() == frame.index.tolist()
    for name in frame.columns:
        if frame[name].dtype.kind == "f":
            assert restored[name].dtype == np.float64
            # bit for bit, NaN and -0.0 included
            assert restored[name].to_numpy().tobytes() == frame[name].to_numpy().tobytes()
        else:  # a missing text stays missing (None or NaN, as pandas infers the column), every text as it was
            assert missing_as_none(restored[name]) == missing_as_none(frame[name])


# Anything that is not such a file


def npz(**arrays: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)  # type: ignore[arg-type]
    return buffer.getvalue()


VALID = frame_bytes(survey_frame())


@pytest.mark.parametrize(
    "data",
    [
        b"garbage, not a cache file",
        b"\x00" * 100,
        b"PK\x03\x04" + b"\xff" * 60,  # a zip's magic, then nothing sensible
        b"\x93NUMPY\x01\x00" + b"x" * 40,
        VALID[: len(VALID) // 2],
        VALID[:-1],
        VALID[:30],
    ],
    ids=["text", "zeros", "zip-magic", "npy-magic", "half", "last-byte-missing", "header-only"],
)
def test_not_a_cache_file(data: bytes) -> None:
    assert frame_from_bytes(data) is None


def test_every_truncation_is_none() -> None:
    for end in range(1, len(VALID), 7):
        assert frame_from_bytes(VALID[:end]) is None, end


def test_empty_bytes_are_none() -> None:
    assert frame_from_bytes(b"") is None


def test_zip_without_the_arrays() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("readme.txt", "kein Cache")
    assert frame_from_bytes(buffer.getvalue()) is None
    assert frame_from_bytes(npz(other=np.zeros(3))) is None  # a valid .npz, but none of our arrays


def test_missing_column_array() -> None:
    arrays = dict(np.load(io.BytesIO(VALID), allow_pickle=False))
    del arrays["f0"]  # branche's floats: it would now be read as a text column without its arrays
    assert frame_from_bytes(npz(**arrays)) is None


def test_columns_of_different_lengths() -> None:
    arrays = dict(np.load(io.BytesIO(VALID), allow_pickle=False))
    arrays["f0"] = arrays["f0"][:2]
    assert frame_from_bytes(npz(**arrays)) is None


def test_bytes_that_are_not_utf8() -> None:
    arrays = dict(np.load(io.BytesIO(VALID), allow_pickle=False))
    arrays["index.bytes"] = np.full_like(arrays["index.bytes"], 0xFF)
    assert frame_from_bytes(npz(**arrays)) is None


class Tripwire:
    """Unpickling it touches a file: proof that a pickle was loaded."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[Path]]:
        return Path.touch, (self.path,)


def test_object_arrays_are_never_unpickled(tmp_path: Path) -> None:
    touched = tmp_path / "unpickled"
    hostile = np.array([Tripwire(touched)], dtype=object)
    arrays = dict(np.load(io.BytesIO(VALID), allow_pickle=False))
    for name in ("names", "f0", "index.ends"):
        assert frame_from_bytes(npz(**{**arrays, name: hostile})) is None
        assert not touched.exists()
    # a bare pickle, too
    assert frame_from_bytes(pickle.dumps(Tripwire(touched))) is None
    assert not touched.exists()
    pickle.loads(pickle.dumps(Tripwire(touched)))  # the tripwire works
    assert touched.exists()


def test_npy_file_is_none() -> None:
    buffer = io.BytesIO()
    np.save(buffer, np.array([1.0, 2.0]))
    assert frame_from_bytes(buffer.getvalue()) is None


def test_float_offsets_are_none() -> None:
    arrays = dict(np.load(io.BytesIO(VALID), allow_pickle=False))
    arrays["index.ends"] = arrays["index.ends"].astype(float)
    assert frame_from_bytes(npz(**arrays)) is None


# Respondents: the frame, else the cache, else computed again


def test_respondents_with_a_frame_never_reads_or_recomputes(tmp_path: Path) -> None:
    frame = survey_frame()
    respondents = Respondents(frame, tmp_path / "missing.npz", lambda: pytest.fail("recomputed"), "lfdn")
    assert respondents.frame() is frame


def test_respondents_read_the_cache(tmp_path: Path) -> None:
    path = tmp_path / "respondents.npz"
    path.write_bytes(VALID)
    respondents = Respondents(None, path, lambda: pytest.fail("recomputed"), "lfdn")
    loaded = respondents.frame()
    assert loaded.index.name == "lfdn"
    assert loaded["branche"].tolist()[::2] == [1.0, 3.0]
    assert respondents.frame() is loaded  # read once


@pytest.mark.parametrize("content", [None, b"damaged", VALID[:100]])
def test_respondents_recompute_without_a_usable_cache(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "respondents.npz"
    if content is not None:
        path.write_bytes(content)
    computed = pd.DataFrame({"a": [1.0]})
    calls: list[int] = []

    def recompute() -> pd.DataFrame:
        calls.append(1)
        return computed

    respondents = Respondents(None, path, recompute, "lfdn")
    assert respondents.frame() is computed
    assert respondents.frame() is computed
    assert calls == [1]


def test_respondents_recompute_for_an_empty_cache_file(tmp_path: Path) -> None:
    path = tmp_path / "respondents.npz"
    path.write_bytes(b"")
    computed = pd.DataFrame({"a": [1.0]})
    assert Respondents(None, path, lambda: computed).frame() is computed


def test_respondents_without_any_source() -> None:
    with pytest.raises(RuntimeError, match="no respondents"):
        Respondents(None).frame()
