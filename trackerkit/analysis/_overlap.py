"""Exact overlap: which trackers contain the same phrases (compared after normalization).

Phrases are compared as :func:`trackerkit.normalize_phrase` writes them, so ``Can I get a
discount?`` and ``can i get a discount`` are the same phrase. Each tracker counts a phrase once
however often it lists it; phrases that normalize to the empty string are ignored.

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["hi there", "hello", "good morning"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["Hello!", "good morning", "hey"]},
    ... ]
    >>> trackerkit.overlap_matrix(account).matrix
    other    A  B
    tracker
    A        3  2
    B        2  3
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._validation import check_choice
from trackerkit.analysis._common import Select, first_occurrences, prepare, resolve_key, square
from trackerkit.analysis._results import TrackerMatrix
from trackerkit.constants import OVERLAP_METRICS, SHARED_COLUMNS
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = ["overlap_matrix", "shared_phrases"]


def _phrase_sets(frame: pd.DataFrame) -> list[set[str]]:
    return [{n for n in map(normalize_phrase, vocab) if n} for vocab in frame["vocabulary"]]


def overlap_matrix(
    trackers: TrackersLike, *, metric: str = "count", select: Select = None, label: str = "name"
) -> TrackerMatrix:
    """Tracker x tracker overlap of distinct normalized phrases.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    metric : {"count", "jaccard", "containment"}
        * ``"count"``: number of shared phrases; the diagonal is the tracker's number of
          distinct phrases (int64).
        * ``"jaccard"``: shared / union, symmetric, 1.0 on the diagonal.
        * ``"containment"``: **row** tracker's share of phrases also found in the **column**
          tracker, ``|row & col| / |row|``; not symmetric (a small tracker copied into a large
          one scores 1.0 in its row), 1.0 on the diagonal.
    select : list of names or ids, optional
        Restricts and orders the trackers.
    label : {"name", "id"}
        What the axes are labelled by.

    Returns
    -------
    TrackerMatrix
        The square ``.matrix`` and its ``metric``. A tracker without phrases scores 0.0
        everywhere, its diagonal included (there is nothing to share).

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["a b", "c d"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["a b", "e f", "g h", "i j"]},
    ... ]
    >>> result = overlap_matrix(account, metric="containment")
    >>> result.value_label
    'containment'
    >>> result.matrix
    other       A    B
    tracker
    A        1.00  0.5
    B        0.25  1.0
    """
    import numpy as np  # lazy: heavy

    check_choice("metric", metric, OVERLAP_METRICS)
    _, chosen = prepare(trackers, select)
    sets = _phrase_sets(chosen)
    n = len(sets)
    counts = np.zeros((n, n), dtype=np.int64)
    for i in range(n):
        counts[i, i] = len(sets[i])
        for j in range(i + 1, n):
            counts[i, j] = counts[j, i] = len(sets[i] & sets[j])
    if metric == "count":
        values = counts
    else:
        sizes = np.diag(counts).astype(np.float64)
        if metric == "jaccard":
            denominator = sizes[:, None] + sizes[None, :] - counts
        else:
            denominator = np.repeat(sizes[:, None], n, axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            values = np.where(denominator > 0, counts / np.where(denominator > 0, denominator, 1), 0.0)
    return TrackerMatrix(
        matrix=square(values, chosen, label),
        metric=metric,
        label=label,
        tracker_ids=tuple(str(i) for i in chosen["tracker_id"]),
    )


def shared_phrases(trackers: TrackersLike, tracker: TrackerKey, other: TrackerKey) -> pd.DataFrame:
    """The phrases ``tracker`` and ``other`` (names or ids) share, as each side wrote them.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    tracker, other : str or int
        The two trackers (``a`` and ``b`` in the columns).

    Returns
    -------
    DataFrame
        One row per shared normalized phrase, in ``tracker``'s order (by ``position_a``,
        which is unique: a total order). Columns: ``phrase_norm``, ``phrase_a``, ``phrase_b``
        (as written), ``position_a``, ``position_b`` (0-based index in each vocabulary; the
        first occurrence when a tracker lists a phrase twice).

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["Hi there", "Can I get a discount?"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["can i get a discount", "bye"]},
    ... ]
    >>> shared_phrases(account, "A", "2")[["phrase_a", "phrase_b", "position_a", "position_b"]]
                    phrase_a              phrase_b  position_a  position_b
    0  Can I get a discount?  can i get a discount           1           0
    """
    import pandas as pd  # lazy: heavy

    frame, _ = prepare(trackers)
    rows = [resolve_key(frame, key, name) for key, name in ((tracker, "tracker"), (other, "other"))]
    firsts = [first_occurrences(frame["vocabulary"].iloc[row]) for row in rows]
    first_a, first_b = firsts
    shared = sorted((pos, norm) for norm, (pos, _) in first_a.items() if norm in first_b)
    return pd.DataFrame(
        {
            "phrase_norm": [norm for _, norm in shared],
            "phrase_a": [first_a[norm][1] for _, norm in shared],
            "phrase_b": [first_b[norm][1] for _, norm in shared],
            "position_a": pd.array([first_a[norm][0] for _, norm in shared], dtype="int64"),
            "position_b": pd.array([first_b[norm][0] for _, norm in shared], dtype="int64"),
        },
        columns=list(SHARED_COLUMNS),
    )
