"""Groups of redundant trackers: hierarchical clustering of the TF-IDF similarity.

The distance between two trackers is ``1 - similarity`` (:func:`similarity_matrix`); scipy's
``linkage`` (average linkage by default) builds the tree and the tree is cut at
``1 - threshold``: with average linkage, two groups merge when their trackers are on average
at least ``threshold`` similar.

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund my money", "money back"]},
    ...     {"id": "2", "name": "Money back", "vocabulary": ["give me my money back", "refund please"]},
    ...     {"id": "3", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
    ... ]
    >>> trackerkit.cluster_trackers(account, 0.3)[["cluster", "tracker", "size"]]
       cluster     tracker  size
    0        1      Refund     2
    1        1  Money back     2
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trackerkit.analysis._common import Select, check_choice, check_fraction, prepare

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["CLUSTER_COLUMNS", "cluster_trackers"]

METHODS = ("average", "complete", "single", "weighted")
CLUSTER_COLUMNS = (
    "cluster",
    "tracker_id",
    "tracker",
    "size",
    "mean_similarity",
    "nearest",
    "nearest_similarity",
)


def cluster_trackers(
    trackers: Any,
    threshold: float = 0.25,
    *,
    select: Select = None,
    method: str = "average",
    singletons: bool = False,
    analyzer: str = "char_wb",
    ngram_range: tuple[int, int] | None = None,
    **tfidf_options: Any,
) -> pd.DataFrame:
    """Clusters of similar trackers, one row per tracker.

    ``threshold`` (0..1, default 0.25) is the similarity at which the tree is cut; ``method`` is
    scipy's linkage method (``"average"``, ``"complete"``, ``"single"`` or ``"weighted"``).
    Trackers left alone are **dropped** unless ``singletons=True``, in which case they are kept
    with ``size`` 1 and NaN similarities. The analyzer and TF-IDF options are
    :func:`similarity_matrix`'s.

    Columns: ``cluster`` (1, 2, ... from the largest group; groups of equal size by their
    first tracker), ``tracker_id``, ``tracker``, ``size``, ``mean_similarity`` (to the other
    members), ``nearest`` and ``nearest_similarity`` (its most similar fellow member; among
    equally similar ones, the first). ``attrs["linkage"]`` holds scipy's linkage matrix over
    ``attrs["labels"]`` (the tracker names), for a dendrogram.

    Order and ties: rows are sorted by ``cluster``, then tracker order (the order of
    ``trackers``, or of ``select`` when given); "first" above means first in that order. The
    tree itself is built over the trackers sorted by id, so equal distances merge the same
    way whatever the order of the trackers: shuffling them gives the same groups and
    similarities, only the numbering of equal-size groups and the pick among equally near
    trackers follow the order.

        >>> groups = cluster_trackers("sample")
        >>> sorted(groups.loc[groups["cluster"] == 1, "tracker"])
        ['Discount Request', 'Pricing Inquiry', 'Promotion Mention', 'Special Offers']
    """
    import numpy as np
    import pandas as pd

    from trackerkit.analysis.similarity import similarity_matrix

    threshold = check_fraction("threshold", threshold, allow_zero=True)
    check_choice("method", method, METHODS)
    if not isinstance(singletons, bool):
        raise ValueError(f"singletons must be True or False; got {singletons!r}")
    _, chosen = prepare(trackers, select)
    names = [str(n) for n in chosen["name"]]
    ids = [str(i) for i in chosen["tracker_id"]]
    n = len(chosen)
    empty = pd.DataFrame({c: [] for c in CLUSTER_COLUMNS})
    if n == 0:
        return _typed(empty, np.zeros((0, 4)), [])
    if n == 1:
        labels = np.array([1])
        similarity = np.ones((1, 1))
        linkage = np.zeros((0, 4))
    else:
        from scipy.cluster.hierarchy import fcluster
        from scipy.cluster.hierarchy import linkage as scipy_linkage
        from scipy.spatial.distance import squareform

        similarity = similarity_matrix(
            trackers, analyzer, ngram_range, select=list(chosen["tracker_id"]), label="id", **tfidf_options
        ).to_numpy()
        distance = np.clip(1.0 - similarity, 0.0, 1.0)
        np.fill_diagonal(distance, 0.0)
        # Equal distances merge in input order, and with average or complete linkage the merge
        # order can change the groups: build the tree over the trackers sorted by id, then
        # name its leaves by their rows again, so the groups depend on the trackers only.
        canonical = np.asarray(sorted(range(n), key=lambda r: ids[r]), dtype=np.int64)
        linkage = scipy_linkage(
            squareform(distance[np.ix_(canonical, canonical)], checks=False), method=method
        )
        leaves = linkage[:, :2] < n
        linkage[:, :2][leaves] = canonical[linkage[:, :2][leaves].astype(np.int64)]
        labels = fcluster(linkage, t=1.0 - threshold + 1e-12, criterion="distance")
    sizes = np.bincount(labels)
    # number clusters from the largest, ties by their first tracker
    firsts = {lab: int(np.flatnonzero(labels == lab)[0]) for lab in np.unique(labels)}
    ordered = sorted(firsts, key=lambda lab: (-sizes[lab], firsts[lab]))
    renumber = {lab: k for k, lab in enumerate(ordered, start=1)}
    records = []
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
    out = pd.DataFrame.from_records(records, columns=list(CLUSTER_COLUMNS)) if records else empty
    out = out.sort_values(["cluster"], kind="stable").reset_index(drop=True)
    return _typed(out, linkage, names)


def _typed(out: pd.DataFrame, linkage: Any, names: list[str]) -> pd.DataFrame:
    out["cluster"] = out["cluster"].astype("int64")
    out["size"] = out["size"].astype("int64")
    for c in ("mean_similarity", "nearest_similarity"):
        out[c] = out[c].astype("float64")
    for c in ("tracker_id", "tracker", "nearest"):
        out[c] = out[c].astype("str")
    out.attrs["linkage"] = linkage
    out.attrs["labels"] = names
    return out
