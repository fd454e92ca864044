"""Plumbing shared by the analysis modules: inputs, parameter checks, labels, TF-IDF errors.

Every public analysis function goes through :func:`prepare` so they all accept the same inputs
(whatever :func:`trackerkit.frames.as_trackers_frame` accepts) and the same ``select=``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any

from trackerkit.errors import TrackerDataError
from trackerkit.frames import as_trackers_frame, normalize_phrase
from trackerkit.lookup import resolve, select_trackers

if TYPE_CHECKING:
    import pandas as pd

LABELS = ("name", "id")
Select = Iterable[str | int] | str | int | None


def prepare(trackers: Any, select: Select = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(whole account frame, selected frame)``; the selection keeps the order given."""
    frame = as_trackers_frame(trackers)
    chosen = frame if select is None else select_trackers(frame, select)
    return frame, chosen


def resolve_key(frame: pd.DataFrame, key: Any, what: str = "tracker") -> int:
    """Row position in ``frame`` of the tracker a name or id designates."""
    if key is None:
        raise TrackerDataError(f"{what} must be a tracker name or id, got None")
    tracker_id = resolve(frame, key)
    return int((frame["tracker_id"].astype(str) == tracker_id).to_numpy().nonzero()[0][0])


def check_choice(name: str, value: Any, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        choices = ", ".join(repr(a) for a in allowed)
        raise ValueError(f"{name} must be one of {choices}; got {value!r}")
    return value


def check_fraction(name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A number in (0, 1] (or [0, 1] with ``allow_zero``)."""
    if isinstance(value, bool) or not isinstance(value, Real) or not math.isfinite(float(value)):
        raise ValueError(f"{name} must be a number between 0 and 1; got {value!r}")
    value = float(value)
    low_ok = value >= 0 if allow_zero else value > 0
    if not (low_ok and value <= 1):
        interval = "[0, 1]" if allow_zero else "(0, 1]"
        raise ValueError(f"{name} must be in {interval}; got {value!r}")
    return value


def check_count(name: str, value: Any, *, minimum: int = 1, allow_none: bool = False) -> int | None:
    if value is None and allow_none:
        return None
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        extra = " or None" if allow_none else ""
        raise ValueError(f"{name} must be an integer >= {minimum}{extra}; got {value!r}")
    return int(value)


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
    import pandas as pd

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
