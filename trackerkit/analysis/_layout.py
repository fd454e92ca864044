"""How trackers are arranged: the one hierarchical clustering (linkage), its leaf order, and the
graph of similar trackers with its deterministic layout.

Everything the plots need to *compute* lives here, as pure functions of the data that return
arrays, frames or a :class:`NetworkLayout`; :mod:`trackerkit.plotting` only draws them.

* :func:`tracker_linkage` is the **only** linkage of trackerkit: :func:`cluster_trackers`
  cuts it, the clustered heatmap orders its rows by its leaves (:func:`cluster_order`), the
  dendrogram draws it, and the network orders each ring by it. Distance is ``1 - similarity``;
  equal distances merge in the order of the trackers' ids (not of the account), and scipy's
  optimal leaf ordering puts similar leaves next to each other.
* :func:`network_edges` and :func:`network_layout`: the pairs at or above a threshold, and
  where each tracker goes (rings of connected trackers, packed largest first).
* :func:`pair_scores`: the scores of a distribution plot, from a matrix or a pairs frame.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .1, .9], [.1, 1, .2], [.9, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> cluster_order(m)
    ['b', 'c', 'a']
    >>> network_edges(m, threshold=0.15).values.tolist()
    [['a', 'c', 0.9], ['b', 'c', 0.2]]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import permutations
from typing import TYPE_CHECKING, Any

from trackerkit._text import text_width_in, truncate_label
from trackerkit._validation import check_choice, check_count, check_fraction
from trackerkit.analysis._results import Clustering, NetworkLayout, TrackerMatrix, as_tracker_matrix
from trackerkit.constants import DEFAULT_TRACKER_THRESHOLD, LINKAGE_METHODS
from trackerkit.errors import InvalidParameterError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "NETWORK_FONT",
    "cluster_order",
    "flat_clusters",
    "is_square_matrix",
    "leaf_order",
    "network_edges",
    "network_layout",
    "pair_scores",
    "ring_label",
    "tracker_linkage",
    "unit_similarity",
]

#: Font size (points) the network layout leaves room for, and its plot writes labels in.
NETWORK_FONT = 8.0
_NET_GAP = 0.35  # inches between components
_ISOLATED_ROW = 0.22  # inches between rows of trackers without edges
_LABEL_PAD = 0.09  # inches between a node and its label

# --------------------------------------------------------------------------- the clustering


def unit_similarity(values: np.ndarray) -> np.ndarray:
    """A symmetric similarity in [0, 1] with a unit diagonal, from any non-negative matrix.

    Values above 1 (an overlap *count*) are divided by the largest off-diagonal value.

    >>> import numpy as np
    >>> unit_similarity(np.array([[3, 2], [4, 5]])).tolist()
    [[1.0, 1.0], [1.0, 1.0]]
    """
    import numpy as np  # lazy: heavy

    sim = (np.asarray(values, dtype=float) + np.asarray(values, dtype=float).T) / 2.0
    n = len(sim)
    if n > 1:
        top = sim[~np.eye(n, dtype=bool)].max()
        if top > 1:
            sim = sim / top
    sim = np.clip(sim, 0.0, 1.0)
    np.fill_diagonal(sim, 1.0)
    return sim


def tracker_linkage(
    similarity: np.ndarray, *, method: str = "average", keys: Sequence[str] | None = None
) -> np.ndarray:
    """scipy's linkage matrix of ``1 - similarity`` (see :func:`unit_similarity`), leaves
    numbered by row.

    The tree is built over the rows sorted by ``keys`` (tracker ids; default: the row order)
    and its leaves renamed back, so equal distances merge the same way whatever the order of
    the rows; scipy's optimal leaf ordering then puts similar leaves next to each other.
    Fewer than two rows give an empty ``(0, 4)`` linkage.
    """
    import numpy as np  # lazy: heavy
    from scipy.cluster.hierarchy import linkage  # lazy: heavy
    from scipy.spatial.distance import squareform  # lazy: heavy

    method = check_choice("method", method, LINKAGE_METHODS)
    n = len(similarity)
    if n < 2:
        return np.zeros((0, 4))
    distance = 1.0 - unit_similarity(similarity)
    np.fill_diagonal(distance, 0.0)
    if keys is None:
        canonical = np.arange(n, dtype=np.int64)
    else:
        canonical = np.asarray(sorted(range(n), key=lambda r: (str(keys[r]), r)), dtype=np.int64)
    tree = linkage(
        squareform(distance[np.ix_(canonical, canonical)], checks=False),
        method=method,
        optimal_ordering=n > 2,
    )
    children = tree[:, :2]  # a view: renaming the leaves writes into the tree
    leaves = children < n
    children[leaves] = canonical[children[leaves].astype(np.int64)]
    return tree


def flat_clusters(linkage: np.ndarray, threshold: float, n: int) -> np.ndarray:
    """scipy's flat cluster number of each of the ``n`` leaves when the tree is cut at
    similarity ``threshold``: with average linkage, groups whose trackers are on average at
    least ``threshold`` similar. The cut of :func:`cluster_trackers` and of the dendrogram."""
    import numpy as np  # lazy: heavy
    from scipy.cluster.hierarchy import fcluster  # lazy: heavy

    if n < 2:
        return np.ones(n, dtype=np.int32)
    return fcluster(linkage, t=1.0 - threshold + 1e-12, criterion="distance")


def leaf_order(linkage: np.ndarray, n: int) -> list[int]:
    """The rows in the order of the tree's leaves (``range(n)`` for fewer than 2 rows)."""
    from scipy.cluster.hierarchy import leaves_list  # lazy: heavy

    if n < 2:
        return list(range(n))
    return [int(i) for i in leaves_list(linkage)]


def _matrix_linkage(matrix: TrackerMatrix, method: str) -> np.ndarray:
    return tracker_linkage(matrix.matrix.to_numpy(dtype=float), method=method, keys=matrix.keys)


def cluster_order(matrix: TrackerMatrix | Clustering | pd.DataFrame, *, method: str = "average") -> list[str]:
    """The labels of ``matrix`` in the leaf order of its hierarchical clustering.

    ``matrix``: a :class:`TrackerMatrix` (or a square DataFrame labelled by tracker), or a
    :class:`Clustering`, whose ready tree is used as it is. The tree is
    :func:`tracker_linkage`'s (the matrix symmetrised; an overlap count is first scaled into
    [0, 1]), so redundant trackers end up next to each other and the heatmap shows them as
    blocks; it is the dendrogram's order and the clustering's. Deterministic: equal distances
    merge in the order of the trackers' ids (a matrix made by hand: of its labels).

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .1, .9], [.1, 1, .2], [.9, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> cluster_order(m)
    ['b', 'c', 'a']
    """
    if isinstance(matrix, Clustering):
        return [matrix.labels[i] for i in leaf_order(matrix.linkage, len(matrix.labels))]
    matrix = as_tracker_matrix(matrix)
    labels = matrix.labels
    return [labels[i] for i in leaf_order(_matrix_linkage(matrix, method), len(labels))]


# --------------------------------------------------------------------------- distributions


def pair_scores(pairs_or_matrix: Any, *, column: str | None = None) -> np.ndarray:
    """The pair scores behind a similarity distribution, as a float array.

    A :class:`TrackerMatrix` or a square labelled matrix gives its upper triangle without the
    diagonal (one score per unordered pair); a pairs frame gives its ``score`` column or the
    ``column`` named; a Series or a sequence of numbers is taken as is.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> pair_scores(m).tolist()
    [0.3, 0.1, 0.8]
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    param = "pairs_or_matrix"
    if isinstance(pairs_or_matrix, (TrackerMatrix, Clustering)) or (
        column is None and is_square_matrix(pairs_or_matrix)
    ):
        values = as_tracker_matrix(pairs_or_matrix, param).matrix.to_numpy(dtype=float)
        return values[np.triu_indices(len(values), k=1)]
    if isinstance(pairs_or_matrix, pd.DataFrame):
        frame = pairs_or_matrix
        name = "score" if column is None else column
        if name not in frame.columns:
            numeric = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
            raise InvalidParameterError(
                f"{param} has no column {name!r}"
                + (" (pass column=... to use another one)" if column is None else "")
                + f"; its numeric columns are: {', '.join(map(repr, numeric)) or 'none'}. "
                "A similarity matrix must be square with the same labels on rows and columns.",
                parameter="column" if column is not None else param,
            )
        series = frame[name]
    elif isinstance(pairs_or_matrix, pd.Series):
        series = pairs_or_matrix
    elif isinstance(pairs_or_matrix, (Sequence, np.ndarray)) and not isinstance(pairs_or_matrix, str):
        series = pd.Series(np.asarray(pairs_or_matrix).ravel())
    else:
        raise InvalidParameterError(
            f"{param} must be a pairs frame (with a 'score' column), a similarity matrix "
            f"or a sequence of scores; got {type(pairs_or_matrix).__name__}",
            parameter=param,
        )
    try:
        scores = series.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise InvalidParameterError(f"{param}: the scores must be numbers", parameter=param) from None
    if not np.isfinite(scores).all():
        raise InvalidParameterError(
            f"{param}: {int((~np.isfinite(scores)).sum())} score(s) are NaN or infinite", parameter=param
        )
    return scores


def is_square_matrix(obj: Any) -> bool:
    """Whether ``obj`` looks like a square labelled matrix rather than a frame of rows."""
    import pandas as pd  # lazy: heavy

    return (
        isinstance(obj, pd.DataFrame)
        and "vocabulary" not in obj.columns
        and "score" not in obj.columns
        and obj.shape[0] == obj.shape[1]
        and set(obj.index) == set(obj.columns)
    )


# --------------------------------------------------------------------------- the network


def _degree(values: np.ndarray, t: float) -> np.ndarray:
    """Number of edges (similarity ``>= t`` either way, diagonal excluded) at each node."""
    import numpy as np  # lazy: heavy

    adjacency = np.maximum(values, values.T) >= t
    np.fill_diagonal(adjacency, False)
    return adjacency.sum(axis=1)


def _edges(values: np.ndarray, labels: list[str], t: float) -> pd.DataFrame:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    sym = np.maximum(values, values.T)
    i, j = np.triu_indices(len(values), k=1)
    keep = sym[i, j] >= t
    i, j, s = i[keep], j[keep], sym[i, j][keep]
    order = np.lexsort((j, i, -s))
    return pd.DataFrame(
        {
            "source": [labels[k] for k in i[order]],
            "target": [labels[k] for k in j[order]],
            "score": s[order],
        }
    )


def network_edges(
    matrix: TrackerMatrix | pd.DataFrame, *, threshold: float = DEFAULT_TRACKER_THRESHOLD
) -> pd.DataFrame:
    """The edges of a similarity network: pairs whose similarity is ``>= threshold``.

    Columns ``source``, ``target`` (labels, ``source`` before ``target`` in the matrix) and
    ``score`` (the larger of the two directions when the matrix is not symmetric), sorted by
    decreasing score then by position: a total order.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> network_edges(m, threshold=0.25).values.tolist()
    [['b', 'c', 0.8], ['a', 'b', 0.3]]
    """
    matrix = as_tracker_matrix(matrix, unit_range=True)
    t = check_fraction("threshold", threshold, allow_zero=True)
    return _edges(matrix.matrix.to_numpy(dtype=float), matrix.labels, t)


def _crossings(order: Sequence[int], edges: list[tuple[int, int]]) -> int:
    """Number of crossing chords when ``order`` is placed around a circle."""
    where = {node: i for i, node in enumerate(order)}
    chords = [tuple(sorted((where[a], where[b]))) for a, b in edges]
    count = 0
    for i, (a, b) in enumerate(chords):
        for c, d in chords[i + 1 :]:
            if (a < c < b) != (a < d < b) and len({a, b, c, d}) == 4:
                count += 1
    return count


def _ring_order(members: list[int], adjacency: np.ndarray) -> list[int]:
    """The order of a group around its ring: the clustering order, or for up to 7 members the
    first arrangement (from the clustering order on) with the fewest crossing edges."""
    if len(members) < 4 or len(members) > 7:
        return members
    edges = [(a, b) for i, a in enumerate(members) for b in members[i + 1 :] if adjacency[a, b]]
    best, best_count = members, _crossings(members, edges)
    for rest in permutations(members[1:]):
        if best_count == 0:
            break
        order = [members[0], *rest]
        count = _crossings(order, edges)
        if count < best_count:
            best, best_count = order, count
    return best


def ring_label(angle: float, k: int) -> tuple[str, str, float]:
    """(ha, va, rotation in degrees) of the label of a node at ``angle`` on a ring of ``k`` nodes."""
    c, s = math.cos(angle), math.sin(angle)
    if k > 8:  # many nodes: labels point outwards, like a chord diagram
        degrees = math.degrees(angle)
        return ("left", "center", degrees) if c >= -1e-9 else ("right", "center", degrees - 180.0)
    ha = "left" if c > 0.3 else "right" if c < -0.3 else "center"
    va = "bottom" if s > 0.3 else "top" if s < -0.3 else "center"
    return ha, va, 0.0


def _label_box(x: float, y: float, angle: float, k: int, width: float, height: float, pad: float):
    """Approximate bounding box (x0, y0, x1, y1) of a node's label, in inches."""
    c, s = math.cos(angle), math.sin(angle)
    ax_, ay = x + pad * c, y + pad * s
    ha, va, rotation = ring_label(angle, k)
    if rotation or k > 8:
        ex, ey = ax_ + width * c, ay + width * s
        half = height / 2
        return min(ax_, ex) - half, min(ay, ey) - half, max(ax_, ex) + half, max(ay, ey) + half
    x0 = {"left": ax_, "right": ax_ - width, "center": ax_ - width / 2}[ha]
    y0 = {"bottom": ay, "top": ay - height, "center": ay - height / 2}[va]
    return x0, y0, x0 + width, y0 + height


def network_layout(
    matrix: TrackerMatrix | pd.DataFrame,
    *,
    threshold: float = DEFAULT_TRACKER_THRESHOLD,
    isolated: str = "show",
    max_label_chars: int = 30,
    method: str = "average",
) -> NetworkLayout:
    """Deterministic node positions of a similarity network, in inches.

    The trackers linked by edges (similarity ``>= threshold``, :func:`network_edges`) form
    connected groups; each group is drawn as a ring, its members in the clustering order of
    :func:`cluster_order` (for 4 to 7 members, the first rearrangement with the fewest crossing
    edges), with neighbours about 0.6 in apart, and the rings are packed left to right, top to
    bottom, largest first, so each group of redundant trackers stands apart. Trackers without
    any edge go to a grid below the rings (``isolated="show"``) or are left out (``"omit"``).

    Returns a :class:`NetworkLayout`: ``nodes`` has one row per placed tracker, indexed by
    label, with columns ``x``, ``y``, ``group`` (0 for the largest group, ...; -1 for a
    tracker without edges), ``degree``, ``angle`` (radians, where its label points; NaN when
    isolated) and ``ring`` (size of its group); ``edges`` are :func:`network_edges`;
    ``extent`` is ``(x0, y0, x1, y1)`` of the nodes and of their labels. Coordinates are
    inches at an 8 pt label font cut to ``max_label_chars``, so a figure as large as the
    layout shows the labels without overlap.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .9, 0], [.9, 1, 0], [0, 0, 1]], index=list("abc"), columns=list("abc"))
    >>> network_layout(m, threshold=0.5).nodes[["group", "degree"]].values.tolist()
    [[0, 1], [0, 1], [-1, 0]]
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    from scipy.sparse import csr_matrix  # lazy: heavy
    from scipy.sparse.csgraph import connected_components  # lazy: heavy

    matrix = as_tracker_matrix(matrix, unit_range=True)
    t = check_fraction("threshold", threshold, allow_zero=True)
    isolated = check_choice("isolated", isolated, ("show", "omit"))
    max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
    method = check_choice("method", method, LINKAGE_METHODS)
    values, labels = matrix.matrix.to_numpy(dtype=float), matrix.labels
    adjacency = np.maximum(values, values.T) >= t
    np.fill_diagonal(adjacency, False)
    degree = adjacency.sum(axis=1)
    order = leaf_order(_matrix_linkage(matrix, method), len(labels))
    rank = {node: r for r, node in enumerate(order)}
    _, component = connected_components(csr_matrix(adjacency), directed=False)
    members: dict[int, list[int]] = {}
    for node in order:
        members.setdefault(int(component[node]), []).append(node)
    groups = sorted((m for m in members.values() if len(m) > 1), key=lambda m: (-len(m), rank[m[0]]))
    lonely = [node for node in order if degree[node] == 0]

    height = NETWORK_FONT * 1.25 / 72.0
    width = [text_width_in(truncate_label(label, max_chars), NETWORK_FONT) for label in labels]
    rows: list[dict[str, Any]] = []
    boxes = []  # one (x0, y0, x1, y1, nodes) per group, relative to the group's centre
    for group_members in groups:
        group = _ring_order(group_members, adjacency)
        k = len(group)
        radius = max(0.35, 0.3 / math.sin(math.pi / k))  # neighbours 0.6 in apart
        placed = []
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for j, node in enumerate(group):
            angle = math.pi - 2 * math.pi * j / k
            x, y = radius * math.cos(angle), radius * math.sin(angle)
            bx0, by0, bx1, by1 = _label_box(x, y, angle, k, width[node], height, _LABEL_PAD)
            x0, y0 = min(x0, x - 0.1, bx0), min(y0, y - 0.1, by0)
            x1, y1 = max(x1, x + 0.1, bx1), max(y1, y + 0.1, by1)
            placed.append((node, x, y, angle))
        boxes.append((x0, y0, x1, y1, placed, k))

    row_width = max([8.0] + [b[2] - b[0] for b in boxes])
    extent = [math.inf, math.inf, -math.inf, -math.inf]  # x0, y0, x1, y1 of everything drawn

    def grow(x0: float, y0: float, x1: float, y1: float) -> None:
        extent[:] = [min(extent[0], x0), min(extent[1], y0), max(extent[2], x1), max(extent[3], y1)]

    cursor_x, cursor_y, line_height = 0.0, 0.0, 0.0
    for index, (x0, y0, x1, y1, placed, k) in enumerate(boxes):
        w, h = x1 - x0, y1 - y0
        if cursor_x > 0 and cursor_x + w > row_width:
            cursor_x, cursor_y, line_height = 0.0, cursor_y - line_height - _NET_GAP, 0.0
        dx, dy = cursor_x - x0, cursor_y - y1
        grow(x0 + dx, y0 + dy, x1 + dx, y1 + dy)
        for node, x, y, angle in placed:
            rows.append(
                {"label": labels[node], "x": x + dx, "y": y + dy, "group": index, "degree": int(degree[node])}
                | {"angle": angle, "ring": k}
            )
        cursor_x += w + _NET_GAP
        line_height = max(line_height, h)

    if lonely and isolated == "show":
        top = cursor_y - line_height - (_NET_GAP + 0.3 if boxes else 0.3)
        cell = max(width[node] for node in lonely) + 0.3
        n_cols = max(1, int((row_width + 0.3) // cell))
        for j, node in enumerate(lonely):
            r, c = divmod(j, n_cols)
            x, y = 0.1 + c * cell, top - r * _ISOLATED_ROW
            grow(x - 0.1, y - height / 2, x + 0.1 + width[node], y + height / 2)
            rows.append(
                {"label": labels[node], "x": x, "y": y, "group": -1, "degree": 0}
                | {"angle": math.nan, "ring": 1}
            )
        grow(0.0, top, 0.0, top + 0.15 + height)  # the "no edge" heading
    nodes = pd.DataFrame(rows, columns=["label", "x", "y", "group", "degree", "angle", "ring"])
    nodes = nodes.set_index("label")
    nodes.index.name = None
    return NetworkLayout(
        nodes=nodes,
        edges=_edges(values, labels, t),
        extent=tuple(extent) if rows else (0.0, 0.0, 0.0, 0.0),
        threshold=t,
        n_isolated=len(lonely),
        max_label_chars=max_chars,
    )
