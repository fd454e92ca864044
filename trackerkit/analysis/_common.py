"""Plumbing shared by the analysis modules: inputs, labels, TF-IDF errors.

Every public analysis function goes through :func:`prepare` so they all accept the same inputs
(whatever :func:`trackerkit.frames.as_trackers_frame` accepts) and the same ``select=``.
Parameters are checked by :mod:`trackerkit._validation`, the one place for that.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_choice
from trackerkit.constants import LABELS
from trackerkit.errors import TrackerDataError
from trackerkit.frames import normalize_phrase
from trackerkit.loading import as_trackers_frame
from trackerkit.lookup import resolve, select_trackers

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackerKey, TrackersLike

Select = Iterable[str | int] | str | int | None


def prepare(trackers: TrackersLike, select: Select = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(whole account frame, selected frame)``; the selection keeps the order given."""
    frame = as_trackers_frame(trackers)
    chosen = frame if select is None else select_trackers(frame, select)
    return frame, chosen


def resolve_key(frame: pd.DataFrame, key: TrackerKey, what: str = "tracker") -> int:
    """Row position in ``frame`` of the tracker a name or id designates."""
    if key is None:
        raise TrackerDataError(f"{what} must be a tracker name or id, got None")
    tracker_id = resolve(frame, key)
    return int((frame["tracker_id"].astype(str) == tracker_id).to_numpy().nonzero()[0][0])


def labels(frame: pd.DataFrame, label: str) -> list[str]:
    """Axis labels of square matrices: tracker names (unique in an account) or ids."""
    check_choice("label", label, LABELS)
    if label == "id":
        return [str(i) for i in frame["tracker_id"]]
    names = [str(n) for n in frame["name"]]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise TrackerDataError(f"tracker name {dup!r} is not unique; use label='id'", field="name")
    return names


def square(values: Any, frame: pd.DataFrame, label: str) -> pd.DataFrame:
    """A square DataFrame labelled by tracker name or id on both axes."""
    import pandas as pd  # lazy: heavy

    axis = labels(frame, label)
    out = pd.DataFrame(values, index=pd.Index(axis), columns=pd.Index(axis))
    out.index.name = "tracker" if label == "name" else "tracker_id"
    out.columns.name = "other" if label == "name" else "other_id"
    return out


def empty_vocabulary_error(what: str, exc: Exception) -> TrackerDataError:
    """Re-raise scikit-learn's "empty vocabulary" as a trackerkit error that says what to do."""
    return TrackerDataError(
        f"{what}: no terms left to compare (the selected trackers have no phrases, or every "
        f"phrase is empty or removed by the TF-IDF options); scikit-learn said: {exc}"
    )


def first_occurrences(vocabulary: Iterable[str]) -> dict[str, tuple[int, str]]:
    """Each normalized phrase of a vocabulary -> (position, phrase as written) of its first
    occurrence; empty phrases are no phrases (the audit reports them).

        >>> first_occurrences(["Hi!", "hi", "", "Bye"])
        {'hi': (0, 'Hi!'), 'bye': (3, 'Bye')}
    """
    first: dict[str, tuple[int, str]] = {}
    for position, phrase in enumerate(vocabulary):
        norm = normalize_phrase(phrase)
        if norm and norm not in first:
            first[norm] = (position, phrase)
    return first
