"""From :class:`~trackerkit.Tracker` records to pandas DataFrames and back: pure conversions.

Two frames, the toolkit's currency:

* the **trackers frame** (:func:`trackers_frame`): one row per tracker, columns
  :data:`~trackerkit.constants.TRACKER_COLUMNS`;
* the **vocabulary frame** (:func:`build_vocabulary_frame`): one row per phrase, columns
  :data:`~trackerkit.constants.VOCABULARY_COLUMNS`.

Nothing here reads a file or talks to a server: :mod:`trackerkit.loading` turns a source
(``"sample"``, a path, a client...) into these frames.

    >>> from trackerkit.model import parse_trackers
    >>> frame = trackers_frame(parse_trackers([{"id": "1", "name": "A", "vocabulary": ["Hi there!"]}]))
    >>> build_vocabulary_frame(frame)["phrase_norm"].tolist()
    ['hi there']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from trackerkit.constants import TRACKER_COLUMNS, VOCABULARY_COLUMNS
from trackerkit.errors import TrackerDataError
from trackerkit.model import Tracker

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "build_vocabulary_frame",
    "check_trackers_frame",
    "frame_to_trackers",
    "normalize_phrase",
    "trackers_frame",
]

_EDGE_NON_WORD = re.compile(r"^[\W_]+|[\W_]+$")


@lru_cache(maxsize=1 << 16)
def normalize_phrase(phrase: str) -> str:
    """The form phrases are compared in: Unicode NFKC, case-folded, whitespace collapsed,
    punctuation and symbols stripped from both ends (inner ones kept).

    Parameters
    ----------
    phrase : str
        A phrase as written in a vocabulary.

    Returns
    -------
    str
        The normalized phrase (two phrases are the same phrase when these are equal).

    Examples
    --------
        >>> normalize_phrase("  Can I get a   DISCOUNT? ")
        'can i get a discount'
        >>> normalize_phrase("¿Cómo puedo cancelar?")
        'cómo puedo cancelar'
    """
    text = " ".join(unicodedata.normalize("NFKC", phrase).casefold().split())
    return _EDGE_NON_WORD.sub("", text)


def trackers_frame(trackers: Iterable[Tracker]) -> pd.DataFrame:
    """The trackers frame of some :class:`~trackerkit.Tracker` records: one row per tracker.

    Parameters
    ----------
    trackers : iterable of Tracker
        The records, in the order the rows get (to load a file, a payload or a client, use
        :func:`trackerkit.load_trackers`).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~trackerkit.constants.TRACKER_COLUMNS`: ``tracker_id``, ``name``,
        ``vocabulary`` (list), ``n_phrases``, ``n_unique_phrases`` (distinct after
        :func:`normalize_phrase`), ``description``, ``categories``, ``languages``,
        ``created_on``, ``updated_on`` (strings as the API sent them) and ``extra`` (a dict of
        fields trackerkit does not know).
    """
    import pandas as pd  # lazy: heavy

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
    return frame


def frame_to_trackers(frame: pd.DataFrame) -> list[Tracker]:
    """Back from a trackers frame to :class:`~trackerkit.Tracker` records.

    Parameters
    ----------
    frame : pandas.DataFrame
        A trackers frame: at least ``tracker_id``, ``name`` and ``vocabulary``; the other
        columns of :data:`~trackerkit.constants.TRACKER_COLUMNS` are used when present.

    Returns
    -------
    list of Tracker
        One record per row, in row order (lossless for frames :func:`trackers_frame` built).

    Raises
    ------
    TrackerDataError
        When a key column is missing, an id repeats or a vocabulary is not a list of strings.
    """
    check_trackers_frame(frame)
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


def check_trackers_frame(source: pd.DataFrame) -> None:
    """Raise :class:`~trackerkit.TrackerDataError` unless ``source`` is a usable trackers frame:
    the key columns ``tracker_id``, ``name`` and ``vocabulary``, unique ids, and every
    vocabulary a list of strings."""
    import numpy as np  # lazy: heavy

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


def build_vocabulary_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """The vocabulary frame of a trackers frame: one row per phrase, in tracker then
    vocabulary order.

    Parameters
    ----------
    frame : pandas.DataFrame
        A trackers frame, as :func:`trackers_frame` or :func:`trackerkit.loading.as_trackers_frame`
        returns it (not checked again here; :func:`trackerkit.vocabulary_frame` accepts any
        source).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~trackerkit.constants.VOCABULARY_COLUMNS`: ``tracker_id``,
        ``tracker_name``, ``position`` (0-based index in the vocabulary), ``phrase`` (as
        written), ``phrase_norm`` (:func:`normalize_phrase`) and ``n_words`` (words in
        ``phrase_norm``).
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

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
