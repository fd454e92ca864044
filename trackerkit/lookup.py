"""Address trackers by name or id: the one resolver every analysis function goes through.

(The module is not called ``resolve`` so that importing it never hides the function
:func:`trackerkit.resolve` behind a module of the same name.)

>>> import trackerkit
>>> trackers = trackerkit.load_trackers("sample")
>>> trackerkit.resolve(trackers, "voice message") == trackerkit.resolve(trackers, "Voice Message")
True
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from trackerkit._typing import TrackerKey, TrackersLike
from trackerkit.errors import AmbiguousTrackerError, TrackerDataError, TrackerNotFoundError
from trackerkit.loading import as_trackers_frame

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["resolve", "resolve_many", "select_trackers"]


class _Index:
    """Lookup tables of one trackers frame (ids, exact names, case-folded names)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.ids = [str(i) for i in frame["tracker_id"]]
        self.names = list(frame["name"])
        self.id_set = set(self.ids)
        self.by_name: dict[str, list[str]] = {}
        for tid, name in zip(self.ids, self.names):
            self.by_name.setdefault(name, []).append(tid)
        self.by_folded: dict[str, list[tuple[str, str]]] = {}
        for tid, name in zip(self.ids, self.names):
            self.by_folded.setdefault(name.casefold(), []).append((tid, name))

    def lookup(self, key: Any) -> str:
        if isinstance(key, bool) or not isinstance(key, (str, int)):
            raise TrackerDataError(
                f"a tracker key must be a name or an id (str or int), got {type(key).__name__} {key!r}"
            )
        text = str(key)
        if text in self.id_set:
            return text
        exact = self.by_name.get(text, [])
        if len(exact) == 1:
            return exact[0]
        if exact:  # Symbl forbids it, but a hand-made frame may hold two trackers of one name
            raise AmbiguousTrackerError(text, [(tid, text) for tid in exact])
        folded = self.by_folded.get(text.strip().casefold(), [])
        if len(folded) == 1:
            return folded[0][0]
        if len(folded) > 1:
            raise AmbiguousTrackerError(text, folded)
        return ""

    def suggest(self, key: str) -> list[str]:
        wanted = key.strip().casefold()
        close = difflib.get_close_matches(wanted, list(self.by_folded), n=3, cutoff=0.75)
        ranked = [name for c in close for _, name in self.by_folded[c]]
        contains = [name for name in self.names if wanted and wanted in name.casefold()]
        out: list[str] = []
        for name in ranked + contains:
            if name not in out:
                out.append(name)
        return out[:5]


def _not_found(keys: list[str], index: _Index) -> TrackerNotFoundError:
    suggestions = {key: index.suggest(key) for key in keys}
    parts = []
    for key in keys:
        hint = suggestions[key]
        parts.append(f"{key!r}" + (f" (did you mean {', '.join(map(repr, hint))}?)" if hint else ""))
    noun = "tracker" if len(keys) == 1 else "trackers"
    return TrackerNotFoundError(
        f"no {noun} with this name or id: {'; '.join(parts)}", keys=keys, suggestions=suggestions
    )


def resolve(trackers: TrackersLike, tracker: TrackerKey) -> str:
    """The id of the tracker that ``tracker`` designates.

    Parameters
    ----------
    trackers : TrackersLike
        The account (anything :func:`trackerkit.load_trackers` accepts).
    tracker : str or int
        An id, an exact (case-sensitive) name, or else a name matched case-insensitively when
        that match is unique.

    Returns
    -------
    str
        The tracker's id.

    Raises
    ------
    TrackerNotFoundError
        No tracker has this id or name (close names are suggested).
    AmbiguousTrackerError
        Several trackers match case-insensitively (the candidates are listed).

    Examples
    --------
        >>> import trackerkit
        >>> trackerkit.resolve(trackerkit.load_trackers("sample"), "Promotion Mention")
        '4476908732794496'
    """
    return resolve_many(trackers, [tracker])[0]


def resolve_many(trackers: TrackersLike, select: Iterable[TrackerKey]) -> list[str]:
    """The ids of several trackers at once; every unknown one is reported in one error.

    Parameters
    ----------
    trackers : TrackersLike
        The account (anything :func:`trackerkit.load_trackers` accepts).
    select : iterable of str or int
        Ids and/or names, as :func:`resolve` accepts them.

    Returns
    -------
    list of str
        One id per key, in the order given (repeats kept).

    Raises
    ------
    TrackerNotFoundError
        Listing every key not found, each with its suggestions.
    AmbiguousTrackerError
        For the first key that matches several trackers.
    """
    index = _Index(as_trackers_frame(trackers))
    keys = list(select)
    ids = [index.lookup(k) for k in keys]
    missing = [str(k) for k, tid in zip(keys, ids) if not tid]
    if missing:
        raise _not_found(missing, index)
    return ids


def select_trackers(
    trackers: TrackersLike, select: Iterable[TrackerKey] | TrackerKey | None = None
) -> pd.DataFrame:
    """The trackers frame restricted to ``select`` (names and/or ids), in the order given.

    Parameters
    ----------
    trackers : TrackersLike
        The account (anything :func:`trackerkit.load_trackers` accepts).
    select : str, int, iterable of them, or None
        The trackers to keep; ``None`` keeps every tracker. A single key may be given without
        a list. Keys naming the same tracker twice keep it once.

    Returns
    -------
    pandas.DataFrame
        The trackers frame of the selected trackers, in the order given (index 0..n-1).

    Examples
    --------
        >>> import trackerkit
        >>> sub = select_trackers(trackerkit.load_trackers("sample"), ["Voice Message", "4476908732794496"])
        >>> sub["name"].tolist()
        ['Voice Message', 'Promotion Mention']
    """
    frame = as_trackers_frame(trackers)
    if select is None:
        return frame
    if isinstance(select, (str, int)):
        select = [select]
    ids = list(dict.fromkeys(resolve_many(frame, select)))
    position = {tid: i for i, tid in enumerate(frame["tracker_id"])}
    return frame.iloc[[position[tid] for tid in ids]].reset_index(drop=True)
