"""Groups of redundant trackers: hierarchical clustering of the TF-IDF similarity.

The distance between two trackers is ``1 - similarity`` (:func:`similarity_matrix`); the tree
is :func:`trackerkit.analysis._layout.tracker_linkage` (average linkage by default; the same
tree the clustered heatmap and the dendrogram show) and it is cut at ``1 - threshold``: with
average linkage, two groups merge when their trackers are on average at least ``threshold``
similar.

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund my money", "money back"]},
    ...     {"id": "2", "name": "Money back", "vocabulary": ["give me my money back", "refund please"]},
    ...     {"id": "3", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
    ... ]
    >>> clustering = trackerkit.cluster_trackers(account, threshold=0.3)
    >>> clustering.table[["cluster", "tracker", "size"]]
       cluster     tracker  size
    0        1      Refund     2
    1        1  Money back     2
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_bool, check_choice, check_fraction
from trackerkit.analysis._common import Select, prepare, square
from trackerkit.analysis._layout import flat_clusters, tracker_linkage
from trackerkit.analysis._results import Clustering, TrackerMatrix
from trackerkit.analysis._similarity import similarity_matrix
from trackerkit.constants import (
    CLUSTER_COLUMNS,
    DEFAULT_ANALYZER,
    DEFAULT_SEMANTIC_TRACKER_THRESHOLD,
    DEFAULT_TRACKER_THRESHOLD,
    LINKAGE_METHODS,
    SEMANTIC_ANALYZER,
)

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike

__all__ = ["cluster_trackers"]


def cluster_trackers(
    trackers: TrackersLike,
    *,
    threshold: float | None = None,
    select: Select = None,
    method: str = "average",
    singletons: bool = False,
    label: str = "name",
    analyzer: str = DEFAULT_ANALYZER,
    ngram_range: tuple[int, int] | None = None,
    **tfidf_options: Any,
) -> Clustering:
    """Clusters of similar trackers.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    threshold : float, optional
        The similarity (0..1) at which the tree is cut; default ``DEFAULT_TRACKER_THRESHOLD``
        (0.25), or ``DEFAULT_SEMANTIC_TRACKER_THRESHOLD`` (0.65) with ``analyzer="semantic"``,
        whose scores run higher (see :func:`similarity_matrix`).
    select : list of names or ids, optional
        The trackers clustered, in this order.
    method : {"average", "complete", "single", "weighted"}
        scipy's linkage method.
    singletons : bool
        Keep the trackers left alone in the table (``size`` 1, NaN similarities); by default
        they are dropped.
    label : {"name", "id"}
        How the similarity matrix and the tree's leaves are labelled.
    analyzer, ngram_range, **tfidf_options
        As for :func:`similarity_matrix` (``embedder=`` too, for ``analyzer="semantic"``).

    Returns
    -------
    Clustering
        ``table``: one row per clustered tracker, columns ``cluster`` (1, 2, ... from the
        largest group; groups of equal size by their first tracker), ``tracker_id``,
        ``tracker``, ``size``, ``mean_similarity`` (to the other members), ``nearest`` and
        ``nearest_similarity`` (its most similar fellow member; among equally similar ones,
        the first). ``linkage`` is scipy's linkage matrix over ``labels`` (every tracker,
        singletons included), for a dendrogram; ``similarity`` the :class:`TrackerMatrix`
        clustered; ``threshold`` and ``method`` as given.

    Notes
    -----
    Order and ties: rows are sorted by ``cluster``, then tracker order (the order of
    ``trackers``, or of ``select`` when given); "first" above means first in that order. The
    tree itself is built over the trackers sorted by id, so equal distances merge the same
    way whatever the order of the trackers: shuffling them gives the same groups and
    similarities, only the numbering of equal-size groups and the pick among equally near
    trackers follow the order.

    Examples
    --------
    >>> clustering = cluster_trackers("sample")
    >>> groups = clustering.table
    >>> sorted(groups.loc[groups["cluster"] == 1, "tracker"])
    ['Discount Request', 'Pricing Inquiry', 'Promotion Mention', 'Special Offers']
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if threshold is None:
        threshold = (
            DEFAULT_SEMANTIC_TRACKER_THRESHOLD if analyzer == SEMANTIC_ANALYZER else DEFAULT_TRACKER_THRESHOLD
        )
    threshold = check_fraction("threshold", threshold, allow_zero=True)
    check_choice("method", method, LINKAGE_METHODS)
    check_bool("singletons", singletons)
    frame, chosen = prepare(trackers, select)
    names = [str(n) for n in chosen["name"]]
    ids = [str(i) for i in chosen["tracker_id"]]
    n = len(chosen)
    if n < 2:  # nothing to compare: a lone tracker is its own group, whatever its phrases
        matrix = TrackerMatrix(
            matrix=square(np.ones((n, n)), chosen, label),
            metric="cosine",
            analyzer=analyzer,
            ngram_range=ngram_range,
            label=label,
            tracker_ids=tuple(ids),
        )
    else:
        matrix = similarity_matrix(
            frame, analyzer=analyzer, ngram_range=ngram_range, select=ids, label=label, **tfidf_options
        )
    similarity = matrix.matrix.to_numpy()
    linkage = tracker_linkage(similarity, method=method, keys=ids)
    labels = flat_clusters(linkage, threshold, n)
    records = []
    if n:
        sizes = np.bincount(labels)
        # number clusters from the largest, ties by their first tracker
        firsts = {lab: int(np.flatnonzero(labels == lab)[0]) for lab in np.unique(labels)}
        ordered = sorted(firsts, key=lambda lab: (-sizes[lab], firsts[lab]))
        renumber = {lab: k for k, lab in enumerate(ordered, start=1)}
        for row in range(n):
            members = np.flatnonzero(labels == labels[row])
            others = members[members != row]
            if len(others) == 0 and not singletons:
                continue
            if len(others):
                sims = similarity[row, others]
                best = int(others[np.argmax(sims)])  # the first of equals, in tracker order
                # fsum: exactly rounded, so the mean does not depend on the members' order
                mean, nearest, nearest_sim = math.fsum(sims) / len(sims), names[best], float(sims.max())
            else:
                mean, nearest, nearest_sim = float("nan"), None, float("nan")
            records.append(
                (renumber[labels[row]], ids[row], names[row], len(members), mean, nearest, nearest_sim)
            )
    if records:
        out = pd.DataFrame.from_records(records, columns=list(CLUSTER_COLUMNS))
    else:
        out = pd.DataFrame({c: [] for c in CLUSTER_COLUMNS})
    out = out.sort_values(["cluster"], kind="stable").reset_index(drop=True)
    return Clustering(
        table=_typed(out),
        linkage=linkage,
        labels=matrix.labels,
        threshold=threshold,
        method=method,
        similarity=matrix,
    )


def _typed(out: pd.DataFrame) -> pd.DataFrame:
    out["cluster"] = out["cluster"].astype("int64")
    out["size"] = out["size"].astype("int64")
    for c in ("mean_similarity", "nearest_similarity"):
        out[c] = out[c].astype("float64")
    for c in ("tracker_id", "tracker", "nearest"):
        out[c] = out[c].astype("str")
    return out
