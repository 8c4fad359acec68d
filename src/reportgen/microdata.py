"""The validated responses, kept for subgroups: cached beside the statistics, read back only when a chapter asks
for a filter (`where=`) or a breakdown (`by=`).

The cache file is NumPy's .npz, read without pickles (a project may arrive with its build/ folder): numbers as
float arrays, texts as UTF-8 bytes with offsets, so one long answer does not widen every other cell.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .cache import read_cached

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

_NAMES = "names"
_INDEX = "index"


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """The frame (float and text columns, a text index) as .npz bytes."""
    import numpy as np

    arrays: dict[str, np.ndarray] = {_NAMES: _text_array([str(name) for name in frame.columns])}
    arrays.update(_prefixed(_INDEX, _texts([str(value) for value in frame.index])))
    for number, name in enumerate(frame.columns):
        column = frame[name]
        if column.dtype.kind == "f":
            arrays[f"f{number}"] = column.to_numpy(dtype="float64")
        else:
            values = column.to_numpy(dtype=object)
            missing = np.array([not isinstance(value, str) for value in values], dtype=bool)
            texts = ["" if absent else str(value) for value, absent in zip(values, missing, strict=True)]
            arrays.update(_prefixed(f"t{number}", _texts(texts)))
            arrays[f"m{number}"] = missing
    buffer = io.BytesIO()
    np.savez(buffer, **cast("dict[str, Any]", arrays))
    return buffer.getvalue()


def frame_from_bytes(data: bytes, index_name: str | None = None) -> pd.DataFrame | None:
    """The frame `frame_bytes` wrote, or None when the bytes are not such a file."""
    import numpy as np
    import pandas as pd

    try:
        stored = np.load(io.BytesIO(data), allow_pickle=False)
        if not isinstance(stored, np.lib.npyio.NpzFile):
            return None
        with stored:
            arrays = {name: stored[name] for name in stored.files}
        names = _from_text_array(arrays[_NAMES])
        index = _from_texts(arrays, _INDEX)
        columns: dict[str, object] = {}
        for number, name in enumerate(names):
            if f"f{number}" in arrays:
                columns[name] = arrays[f"f{number}"]
            else:
                texts = _from_texts(arrays, f"t{number}")
                columns[name] = [
                    None if absent else text for text, absent in zip(texts, arrays[f"m{number}"], strict=True)
                ]
        frame = pd.DataFrame(columns, index=pd.Index(index, name=index_name))
    except (KeyError, ValueError, TypeError, OSError, EOFError, zipfile.BadZipFile, UnicodeDecodeError):
        return None  # not a file frame_bytes wrote: the respondents are read again
    if any(len(frame[name]) != len(index) for name in names):
        return None
    return frame


class Respondents:
    """The validated frame for subgroups, loaded on first use: the one computed in this build, else the cached
    file, else computed again (`recompute`) when that file is missing or damaged."""

    def __init__(
        self,
        frame: pd.DataFrame | None,
        path: Path | None = None,
        recompute: Callable[[], pd.DataFrame] | None = None,
        index_name: str | None = None,
    ) -> None:
        self._frame = frame
        self._path = path
        self._recompute = recompute
        self._index_name = index_name

    def frame(self) -> pd.DataFrame:
        if self._frame is None:
            raw = read_cached(self._path) if self._path is not None else None
            loaded = frame_from_bytes(raw, self._index_name) if raw is not None else None
            if loaded is None:
                if self._recompute is None:
                    raise RuntimeError("no respondents: neither a frame, its cache nor a way to compute it")
                loaded = self._recompute()
            self._frame = loaded
        return self._frame


def _texts(texts: list[str]) -> dict[str, np.ndarray]:
    """Texts as one UTF-8 byte array and the end offset of each."""
    import numpy as np

    encoded = [text.encode("utf-8") for text in texts]
    ends = np.cumsum([len(data) for data in encoded], dtype="int64") if encoded else np.zeros(0, dtype="int64")
    return {"bytes": np.frombuffer(b"".join(encoded), dtype="uint8"), "ends": ends}


def _from_texts(arrays: dict[str, np.ndarray], prefix: str) -> list[str]:
    data = arrays[f"{prefix}.bytes"].tobytes()
    ends = arrays[f"{prefix}.ends"].tolist()
    starts = [0, *ends[:-1]] if ends else []
    return [data[start:end].decode("utf-8") for start, end in zip(starts, ends, strict=True)]


def _prefixed(prefix: str, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{prefix}.{name}": array for name, array in arrays.items()}


def _text_array(texts: list[str]) -> np.ndarray:
    import numpy as np

    return np.array(texts, dtype=str) if texts else np.zeros(0, dtype="<U1")


def _from_text_array(array: np.ndarray) -> list[str]:
    return [str(value) for value in array.tolist()]
