"""From trackers to pandas DataFrames, the toolkit's currency.

Two frames:

* the **trackers frame** (:func:`load_trackers`, :func:`trackers_frame`): one row per tracker;
* the **vocabulary frame** (:func:`vocabulary_frame`): one row per phrase.

    >>> import trackerkit
    >>> trackers = trackerkit.load_trackers("sample")
    >>> phrases = trackerkit.vocabulary_frame(trackers)
    >>> list(phrases.columns)
    ['tracker_id', 'tracker_name', 'position', 'phrase', 'phrase_norm', 'n_words']
"""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit.errors import TrackerDataError
from trackerkit.model import Tracker, parse_trackers
from trackerkit.snapshot import DEFAULT_MAX_FILE_BYTES

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "TRACKER_COLUMNS",
    "VOCABULARY_COLUMNS",
    "as_trackers_frame",
    "frame_to_trackers",
    "load_trackers",
    "normalize_phrase",
    "trackers_frame",
    "vocabulary_frame",
]

TRACKER_COLUMNS = (
    "tracker_id",
    "name",
    "vocabulary",
    "n_phrases",
    "n_unique_phrases",
    "description",
    "categories",
    "languages",
    "created_on",
    "updated_on",
    "extra",
)
VOCABULARY_COLUMNS = ("tracker_id", "tracker_name", "position", "phrase", "phrase_norm", "n_words")

_EDGE_NON_WORD = re.compile(r"^[\W_]+|[\W_]+$")


@lru_cache(maxsize=1 << 16)
def normalize_phrase(phrase: str) -> str:
    """The form phrases are compared in: Unicode NFKC, case-folded, whitespace collapsed,
    punctuation and symbols stripped from both ends (inner ones kept).

        >>> normalize_phrase("  Can I get a   DISCOUNT? ")
        'can i get a discount'
        >>> normalize_phrase("¿Cómo puedo cancelar?")
        'cómo puedo cancelar'
    """
    text = " ".join(unicodedata.normalize("NFKC", phrase).casefold().split())
    return _EDGE_NON_WORD.sub("", text)


def trackers_frame(trackers: Iterable[Tracker], *, source: str | None = None) -> pd.DataFrame:
    """The trackers frame of some :class:`Tracker` records: one row per tracker.

    Columns: ``tracker_id``, ``name``, ``vocabulary`` (list), ``n_phrases``,
    ``n_unique_phrases`` (distinct after :func:`normalize_phrase`), ``description``,
    ``categories``, ``languages``, ``created_on``, ``updated_on`` (strings as the API sent
    them) and ``extra`` (a dict of fields trackerkit does not know).
    """
    import pandas as pd

    rows = []
    for t in trackers:
        vocabulary = list(t.vocabulary)
        rows.append(
            (
                t.id,
                t.name,
                vocabulary,
                len(vocabulary),
                len({normalize_phrase(p) for p in vocabulary}),
                t.description,
                None if t.categories is None else list(t.categories),
                None if t.languages is None else list(t.languages),
                t.created_on,
                t.updated_on,
                dict(t.extra),
            )
        )
    frame = pd.DataFrame.from_records(rows, columns=list(TRACKER_COLUMNS))
    frame["n_phrases"] = frame["n_phrases"].astype("int64")
    frame["n_unique_phrases"] = frame["n_unique_phrases"].astype("int64")
    if source is not None:
        frame.attrs["source"] = source
    return frame


def frame_to_trackers(frame: pd.DataFrame) -> list[Tracker]:
    """Back from a trackers frame to :class:`Tracker` records (lossless for frames we built)."""
    _check_frame(frame)
    has_extra = "extra" in frame.columns
    out = []
    for index, row in enumerate(frame.itertuples(index=False)):
        get = row._asdict()
        data: dict[str, Any] = {
            "id": get["tracker_id"],
            "name": get["name"],
            "vocabulary": list(get["vocabulary"]),
        }
        for column, api_name in (
            ("description", "description"),
            ("categories", "categories"),
            ("languages", "languages"),
            ("created_on", "createdOn"),
            ("updated_on", "updatedOn"),
        ):
            value = get.get(column)
            if _present(value):
                data[api_name] = list(value) if isinstance(value, (list, tuple)) else value
        if has_extra and isinstance(get["extra"], Mapping):
            data.update(get["extra"])
        out.append(Tracker.from_dict(data, index=index))
    return out


def _present(value: Any) -> bool:
    if value is None:
        return False
    return not (isinstance(value, float) and value != value)  # NaN from pandas


def as_trackers_frame(source: Any) -> pd.DataFrame:
    """Accept anything :func:`load_trackers` accepts, or a trackers frame, and return a frame.

    Every analysis function starts with this, so all of them take the same inputs and fail
    with the same clear :class:`TrackerDataError` on a wrong one.
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        _check_frame(source)
        if all(c in source.columns for c in TRACKER_COLUMNS):
            return source
        return trackers_frame(frame_to_trackers(source), source=source.attrs.get("source"))
    return load_trackers(source)


def _check_frame(source: pd.DataFrame) -> None:
    """Raise :class:`TrackerDataError` unless ``source`` holds the trackers frame's key columns."""
    import numpy as np

    missing = [c for c in ("tracker_id", "name", "vocabulary") if c not in source.columns]
    if missing:
        hint = ""
        if {"tracker_name", "phrase"} <= set(source.columns):
            hint = " (this looks like a vocabulary frame; pass the trackers frame instead)"
        raise TrackerDataError(
            f"not a trackers frame: missing column(s) {', '.join(map(repr, missing))}{hint}; "
            "build one with trackerkit.load_trackers(...)"
        )
    if source["tracker_id"].duplicated().any():
        dup = source.loc[source["tracker_id"].duplicated(), "tracker_id"].iloc[0]
        raise TrackerDataError("duplicate id in trackers frame", tracker_id=str(dup), field="tracker_id")
    for position, vocab in enumerate(source["vocabulary"]):
        if (
            isinstance(vocab, str)
            or not isinstance(vocab, Sequence | np.ndarray)
            or not all(isinstance(p, str) for p in vocab)
        ):
            raise TrackerDataError(
                "vocabulary must be a list of strings",
                index=position,
                tracker_id=str(source["tracker_id"].iloc[position]),
                field="vocabulary",
            )


def load_trackers(
    source: Any = "sample", *, max_file_bytes: int | None = DEFAULT_MAX_FILE_BYTES
) -> pd.DataFrame:
    """Load trackers into the trackers frame.

    ``source`` is ``"sample"`` (the bundled sample account, the default), a path to a JSON
    file (an API response or a trackerkit snapshot), a list of :class:`Tracker` or of API
    dicts, an API payload dict, a trackers frame, or a client with ``list_trackers()``
    (:class:`trackerkit.SymblClient`).

    A file larger than ``max_file_bytes`` (256 MiB by default; ``None``: no limit) is refused
    unread with a :class:`TrackerDataError`: parsing takes several times a file's size in
    memory, and a real account is a few MB.

        >>> trackers = load_trackers("sample")
        >>> int((trackers["name"] == "Voice Message").sum())
        1
    """
    import pandas as pd

    if isinstance(source, pd.DataFrame):
        return as_trackers_frame(source).copy()
    if isinstance(source, str) and source == "sample":
        from trackerkit.sample import sample_trackers

        return trackers_frame(sample_trackers(), source="sample")
    if isinstance(source, (str, os.PathLike)):
        from trackerkit.snapshot import read_trackers_file

        path = Path(source)
        trackers = read_trackers_file(path, max_bytes=max_file_bytes)
        return trackers_frame(trackers, source=str(path))
    if hasattr(source, "list_trackers") and callable(source.list_trackers):
        import inspect

        if inspect.iscoroutinefunction(source.list_trackers):
            raise TrackerDataError(
                "load_trackers() cannot await an async client: use "
                "`trackers_frame(await client.list_trackers())` or a SymblClient"
            )
        trackers = source.list_trackers()
        return trackers_frame(trackers, source=str(getattr(source, "base_url", type(source).__name__)))
    if isinstance(source, (Mapping, list, tuple)) or (
        isinstance(source, Iterable) and not isinstance(source, (str, bytes))
    ):
        return trackers_frame(parse_trackers(source), source="memory")
    raise TrackerDataError(
        f"cannot load trackers from {type(source).__name__}: pass 'sample', a JSON file path, "
        "a list of trackers, a trackers frame or a SymblClient"
    )


def vocabulary_frame(trackers: Any) -> pd.DataFrame:
    """The long frame: one row per phrase, in tracker then vocabulary order.

    Columns: ``tracker_id``, ``tracker_name``, ``position`` (0-based index in the
    vocabulary), ``phrase`` (as written), ``phrase_norm`` (:func:`normalize_phrase`) and
    ``n_words`` (words in ``phrase_norm``). Accepts whatever :func:`load_trackers` accepts.

        >>> vocabulary_frame([{"id": "1", "name": "A", "vocabulary": ["Hi there!"]}])["phrase_norm"].tolist()
        ['hi there']
    """
    import numpy as np
    import pandas as pd

    frame = as_trackers_frame(trackers)
    ids: list[str] = []
    names: list[str] = []
    positions: list[int] = []
    phrases: list[str] = []
    for tracker_id, name, vocabulary in zip(frame["tracker_id"], frame["name"], frame["vocabulary"]):
        n = len(vocabulary)
        ids.extend([tracker_id] * n)
        names.extend([name] * n)
        positions.extend(range(n))
        phrases.extend(vocabulary)
    norms = [normalize_phrase(p) for p in phrases]
    return pd.DataFrame(
        {
            "tracker_id": ids,
            "tracker_name": names,
            "position": np.asarray(positions, dtype=np.int64),
            "phrase": phrases,
            "phrase_norm": norms,
            "n_words": np.asarray([len(n.split()) for n in norms], dtype=np.int64),
        },
        columns=list(VOCABULARY_COLUMNS),
    )
