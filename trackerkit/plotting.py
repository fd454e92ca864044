"""Plots of trackers and of their similarities, drawn with matplotlib.

Every ``plot_*`` function takes trackerkit's DataFrames, draws on ``ax`` (a new figure when
``ax`` is None, created with pyplot so notebooks show it inline), and returns the Axes, in
the convention of seaborn and of scikit-learn's displays. Nothing calls ``plt.show()``.

    >>> import trackerkit
    >>> from trackerkit.plotting import plot_vocabulary_sizes
    >>> ax = plot_vocabulary_sizes(trackerkit.load_trackers("sample"))
    >>> len(ax.containers[0])                      # one bar per tracker
    48

The computation lives apart from the drawing, in small pure functions that return numpy
arrays or DataFrames and that the plots (and tests) call: :func:`cluster_order`,
:func:`pair_scores`, :func:`network_edges`, :func:`network_layout`, :func:`truncate_label`
and :func:`escape_label`.

Conventions shared by all plots:

* **Colours** are colour-blind safe: viridis for values, the Okabe-Ito palette for
  categories (clusters, phrase kinds), greys for "nothing to see here".
* **Labels** stay readable from 5 to 150 trackers: they are cut to ``max_label_chars`` with an
  ellipsis, their font size follows the room each row or column has (never below 4 pt: when
  there is less room, only every k-th label is written), and ``$`` is escaped so a name like
  ``"Cost $5 / $10"`` renders literally instead of as mathtext.
* **Figures**: with ``ax=None`` the new figure is sized for the data (a heatmap grows with
  the number of trackers, up to a 13-inch square of cells; bar charts and dendrograms get
  taller), with room for the labels and for a title.
* **Determinism**: orderings and layouts are pure functions of the data (no random seeds), so
  two renders of the same data give the same pixels.
* **Errors**: a wrong input raises :class:`trackerkit.TrackerDataError` (a ``ValueError``) or
  ``ValueError`` naming the parameter, before matplotlib or scipy sees it.

matplotlib is imported by this module only; ``import trackerkit`` does not load it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trackerkit.errors import TrackerDataError

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "OKABE_ITO",
    "cluster_order",
    "escape_label",
    "network_edges",
    "network_layout",
    "pair_scores",
    "plot_dendrogram",
    "plot_similarity_distribution",
    "plot_similarity_heatmap",
    "plot_similarity_network",
    "plot_tracker_comparison",
    "plot_vocabulary_sizes",
    "truncate_label",
]

#: Okabe & Ito's colour-blind safe palette without its yellow (too pale on white); black comes last.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
_GREY = "#9a9a9a"
_DARK_GREY = "#595959"
_LINKAGE_METHODS = ("average", "complete", "single", "weighted")
_MIN_FONT = 4.0  # points; below this a label is not written at all
_CHAR_WIDTH = 0.58  # average DejaVu Sans glyph width, in em


# --------------------------------------------------------------------------- labels


def truncate_label(text: Any, max_chars: int = 30) -> str:
    """``text`` cut to at most ``max_chars`` characters, ending with an ellipsis when cut.

    >>> truncate_label("Technical Issue / Bug Report", 16)
    'Technical Issue…'
    >>> truncate_label("Greeting", 16)
    'Greeting'
    """
    text = " ".join(str(text).split())
    if max_chars < 2:
        raise ValueError(f"max_label_chars must be at least 2, got {max_chars!r}")
    if len(text) <= max_chars:
        return text
    return text[: max_chars - 1].rstrip() + "…"


def escape_label(text: str) -> str:
    r"""``text`` with every ``$`` escaped, so matplotlib draws it literally (no mathtext).

    >>> escape_label("Cost $5 / $10")
    'Cost \\$5 / \\$10'
    """
    return text.replace("$", r"\$")


def _label(text: Any, max_chars: int) -> str:
    return escape_label(truncate_label(text, max_chars))


def _label_font(n_labels: int, length_in: float, max_size: float = 9.0) -> tuple[float, int]:
    """Font size (points) and step (write every ``step``-th label) for ``n_labels`` labels
    sharing ``length_in`` inches of axis."""
    if n_labels <= 0:
        return max_size, 1
    slot_pt = 72.0 * length_in / n_labels
    size = min(max_size, 0.8 * slot_pt)
    if size >= _MIN_FONT:
        return round(size, 1), 1
    step = math.ceil(_MIN_FONT / (0.8 * slot_pt))
    return _MIN_FONT, step


def _text_width_in(text: str, fontsize: float) -> float:
    """Rough width of ``text`` in inches (layout only; no renderer needed)."""
    return len(text) * _CHAR_WIDTH * fontsize / 72.0


# --------------------------------------------------------------------------- validation


def _check_matrix(matrix: Any, *, param: str = "matrix", unit_range: bool = False, min_size: int = 1):
    """``(values, labels)`` of a square, labelled matrix, or a clear error naming ``param``."""
    if not isinstance(matrix, pd.DataFrame):
        raise TrackerDataError(
            f"{param} must be a square DataFrame labelled by tracker name, such as "
            f"trackerkit.similarity_matrix(trackers) returns; got {type(matrix).__name__}"
        )
    n_rows, n_cols = matrix.shape
    if n_rows != n_cols:
        raise TrackerDataError(
            f"{param} must be square (one row and one column per tracker); "
            f"got {n_rows} rows x {n_cols} columns"
        )
    if n_rows < min_size:
        noun = "tracker" if min_size == 1 else "trackers"
        raise TrackerDataError(f"{param} needs at least {min_size} {noun}, got {n_rows}")
    if isinstance(matrix.index, pd.RangeIndex) and isinstance(matrix.columns, pd.RangeIndex):
        raise TrackerDataError(
            f"{param} is unlabelled: its index and columns must be the tracker names, "
            "as trackerkit.similarity_matrix returns"
        )
    if matrix.index.has_duplicates or matrix.columns.has_duplicates:
        raise TrackerDataError(f"{param} has duplicate row or column labels")
    if not matrix.index.equals(matrix.columns):
        if set(matrix.index) != set(matrix.columns):
            extra = sorted(map(str, set(matrix.index) ^ set(matrix.columns)))[:5]
            raise TrackerDataError(
                f"{param} must have the same labels on rows and columns; these are on only one side: "
                f"{', '.join(map(repr, extra))}"
            )
        matrix = matrix.loc[:, list(matrix.index)]
    try:
        values = matrix.to_numpy(dtype=float, copy=True)
    except (TypeError, ValueError):
        raise TrackerDataError(f"{param} must hold numbers only") from None
    if not np.isfinite(values).all():
        raise TrackerDataError(f"{param} holds NaN or infinite values")
    if unit_range and values.size and (values.min() < -1e-9 or values.max() > 1 + 1e-9):
        raise TrackerDataError(
            f"{param} must hold similarities in [0, 1]; got values from {values.min():g} to {values.max():g}"
        )
    return values, [str(label) for label in matrix.index]


def _check_threshold(threshold: Any, *, param: str = "threshold", low: float = 0.0, high: float = 1.0):
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)):
        raise ValueError(f"{param} must be a number in [{low:g}, {high:g}], got {threshold!r}")
    value = float(threshold)
    if not (low <= value <= high):
        raise ValueError(f"{param} must be in [{low:g}, {high:g}], got {threshold!r}")
    return value


def _check_method(method: str) -> str:
    if method not in _LINKAGE_METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, _LINKAGE_METHODS))}; got {method!r}")
    return method


def _check_max_chars(max_label_chars: Any) -> int:
    if isinstance(max_label_chars, bool) or not isinstance(max_label_chars, int) or max_label_chars < 2:
        raise ValueError(f"max_label_chars must be an integer >= 2, got {max_label_chars!r}")
    return max_label_chars


def _is_matrix(obj: Any) -> bool:
    """Whether ``obj`` looks like a square labelled matrix rather than a trackers frame."""
    return (
        isinstance(obj, pd.DataFrame)
        and "vocabulary" not in obj.columns
        and obj.shape[0] == obj.shape[1]
        and set(obj.index) == set(obj.columns)
    )


# --------------------------------------------------------------------------- computation


def _unit_similarity(values: np.ndarray) -> np.ndarray:
    """A symmetric similarity in [0, 1] with a unit diagonal, from any non-negative matrix.

    Values above 1 (an overlap *count*) are divided by the largest off-diagonal value."""
    sim = (values + values.T) / 2.0
    n = len(sim)
    if n > 1:
        off = sim[~np.eye(n, dtype=bool)]
        top = off.max()
        if top > 1:
            sim = sim / top
    sim = np.clip(sim, 0.0, 1.0)
    np.fill_diagonal(sim, 1.0)
    return sim


def _linkage(values: np.ndarray, method: str = "average") -> np.ndarray:
    """scipy linkage of ``1 - similarity`` (optimal leaf ordering, so similar leaves sit together)."""
    from scipy.cluster.hierarchy import linkage
    from scipy.spatial.distance import squareform

    distance = 1.0 - _unit_similarity(values)
    np.fill_diagonal(distance, 0.0)
    return linkage(squareform(distance, checks=False), method=method, optimal_ordering=len(values) > 2)


def _leaf_order(values: np.ndarray, method: str = "average") -> list[int]:
    from scipy.cluster.hierarchy import leaves_list

    if len(values) < 3:
        return list(range(len(values)))
    return [int(i) for i in leaves_list(_linkage(values, method))]


def cluster_order(matrix: pd.DataFrame, method: str = "average") -> list[str]:
    """The labels of ``matrix`` in the leaf order of its hierarchical clustering.

    Average linkage on ``1 - similarity`` (the matrix symmetrised; an overlap count is first
    scaled into [0, 1]) with scipy's optimal leaf ordering, so redundant trackers end up next
    to each other and the heatmap shows them as blocks. Deterministic: a pure function of the
    matrix, equal distances being merged in the matrix's order (scipy's rule).

    >>> m = pd.DataFrame([[1, .1, .9], [.1, 1, .2], [.9, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> cluster_order(m)
    ['b', 'c', 'a']
    """
    values, labels = _check_matrix(matrix)
    return [labels[i] for i in _leaf_order(values, _check_method(method))]


def pair_scores(pairs_or_matrix: Any, column: str | None = None) -> np.ndarray:
    """The pair scores behind :func:`plot_similarity_distribution`, as a float array.

    A square labelled matrix gives its upper triangle without the diagonal (one score per
    unordered pair); a pairs frame gives its ``score`` column or the ``column`` named; a
    Series or a sequence of numbers is taken as is.

    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> pair_scores(m).tolist()
    [0.3, 0.1, 0.8]
    """
    param = "pairs_or_matrix"
    if isinstance(pairs_or_matrix, pd.DataFrame):
        frame = pairs_or_matrix
        if column is None and "score" not in frame.columns and _is_matrix(frame):
            values, _ = _check_matrix(frame, param=param)
            return values[np.triu_indices(len(values), k=1)]
        name = "score" if column is None else column
        if name not in frame.columns:
            numeric = [str(c) for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
            raise TrackerDataError(
                f"{param} has no column {name!r}"
                + (" (pass column=... to use another one)" if column is None else "")
                + f"; its numeric columns are: {', '.join(map(repr, numeric)) or 'none'}. "
                "A similarity matrix must be square with the same labels on rows and columns."
            )
        series = frame[name]
    elif isinstance(pairs_or_matrix, pd.Series):
        series = pairs_or_matrix
    elif isinstance(pairs_or_matrix, (Sequence, np.ndarray)) and not isinstance(pairs_or_matrix, str):
        series = pd.Series(np.asarray(pairs_or_matrix).ravel())
    else:
        raise TrackerDataError(
            f"{param} must be a pairs frame (with a 'score' column), a square similarity matrix "
            f"or a sequence of scores; got {type(pairs_or_matrix).__name__}"
        )
    try:
        scores = series.to_numpy(dtype=float)
    except (TypeError, ValueError):
        raise TrackerDataError(f"{param}: the scores must be numbers") from None
    if not np.isfinite(scores).all():
        raise TrackerDataError(f"{param}: {int((~np.isfinite(scores)).sum())} score(s) are NaN or infinite")
    return scores


def network_edges(matrix: pd.DataFrame, threshold: float) -> pd.DataFrame:
    """The edges of :func:`plot_similarity_network`: pairs whose similarity is ``>= threshold``.

    Columns ``source``, ``target`` (labels, ``source`` before ``target`` in the matrix) and
    ``score`` (the larger of the two directions when the matrix is not symmetric), sorted by
    decreasing score then by position.

    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> network_edges(m, 0.25).values.tolist()
    [['b', 'c', 0.8], ['a', 'b', 0.3]]
    """
    values, labels = _check_matrix(matrix, unit_range=True)
    t = _check_threshold(threshold)
    return _edges(values, labels, t)


def _degree(values: np.ndarray, t: float) -> np.ndarray:
    """Number of edges (similarity ``>= t`` either way, diagonal excluded) at each node."""
    adjacency = np.maximum(values, values.T) >= t
    np.fill_diagonal(adjacency, False)
    return adjacency.sum(axis=1)


def _edges(values: np.ndarray, labels: list[str], t: float) -> pd.DataFrame:
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


_NET_FONT = 8.0  # points, labels of the network plot
_NET_GAP = 0.35  # inches between components
_ISOLATED_ROW = 0.22  # inches between rows of trackers without edges


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
    from itertools import permutations

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


def _ring_label(angle: float, k: int) -> tuple[str, str, float]:
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
    ha, va, rotation = _ring_label(angle, k)
    if rotation or k > 8:
        ex, ey = ax_ + width * c, ay + width * s
        half = height / 2
        return min(ax_, ex) - half, min(ay, ey) - half, max(ax_, ex) + half, max(ay, ey) + half
    x0 = {"left": ax_, "right": ax_ - width, "center": ax_ - width / 2}[ha]
    y0 = {"bottom": ay, "top": ay - height, "center": ay - height / 2}[va]
    return x0, y0, x0 + width, y0 + height


def network_layout(
    matrix: pd.DataFrame,
    threshold: float,
    *,
    isolated: str = "show",
    max_label_chars: int = 30,
    method: str = "average",
) -> pd.DataFrame:
    """Deterministic node positions for :func:`plot_similarity_network`, in inches.

    The trackers linked by edges (similarity ``>= threshold``) form connected groups; each
    group is drawn as a ring, its members in the clustering order of :func:`cluster_order`
    (for 4 to 7 members, the first rearrangement with the fewest crossing edges), with
    neighbours about 0.6 in apart, and the rings are packed left to right, top to bottom,
    largest first, so each group of redundant trackers stands apart. Trackers without any
    edge (``isolated``) go to a grid below the rings (``"show"``) or are left out
    (``"omit"``).

    Returns one row per placed tracker, indexed by label, with columns ``x``, ``y``,
    ``group`` (0 for the largest group, ...; -1 for a tracker without edges), ``degree``,
    ``angle`` (radians, where its label points; NaN when isolated) and ``ring`` (size of its
    group). Coordinates are inches at an 8 pt label font, so a figure as large as the
    layout shows the labels without overlap; ``attrs["extent"]`` holds ``(x0, y0, x1, y1)``
    of the nodes and of their labels.

    >>> m = pd.DataFrame([[1, .9, 0], [.9, 1, 0], [0, 0, 1]], index=list("abc"), columns=list("abc"))
    >>> network_layout(m, 0.5)[["group", "degree"]].values.tolist()
    [[0, 1], [0, 1], [-1, 0]]
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import connected_components

    values, labels = _check_matrix(matrix, param="matrix", unit_range=True)
    t = _check_threshold(threshold)
    if isolated not in ("show", "omit"):
        raise ValueError(f"isolated must be 'show' or 'omit', got {isolated!r}")
    max_chars = _check_max_chars(max_label_chars)
    adjacency = np.maximum(values, values.T) >= t
    np.fill_diagonal(adjacency, False)
    degree = adjacency.sum(axis=1)
    order = _leaf_order(values, _check_method(method))
    rank = {node: r for r, node in enumerate(order)}
    _, component = connected_components(csr_matrix(adjacency), directed=False)
    members: dict[int, list[int]] = {}
    for node in order:
        members.setdefault(int(component[node]), []).append(node)
    groups = sorted((m for m in members.values() if len(m) > 1), key=lambda m: (-len(m), rank[m[0]]))
    lonely = [node for node in order if degree[node] == 0]

    height = _NET_FONT * 1.25 / 72.0
    pad = 0.09
    width = [_text_width_in(truncate_label(label, max_chars), _NET_FONT) for label in labels]
    rows: list[dict[str, Any]] = []
    boxes = []  # one (x0, y0, x1, y1, nodes) per group, relative to the group's centre
    for members in groups:
        group = _ring_order(members, adjacency)
        k = len(group)
        radius = max(0.35, 0.3 / math.sin(math.pi / k))  # neighbours 0.6 in apart
        placed = []
        x0 = y0 = math.inf
        x1 = y1 = -math.inf
        for j, node in enumerate(group):
            angle = math.pi - 2 * math.pi * j / k
            x, y = radius * math.cos(angle), radius * math.sin(angle)
            bx0, by0, bx1, by1 = _label_box(x, y, angle, k, width[node], height, pad)
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
    frame = pd.DataFrame(rows, columns=["label", "x", "y", "group", "degree", "angle", "ring"])
    frame = frame.set_index("label")
    frame.index.name = None
    frame.attrs["extent"] = tuple(extent) if rows else (0.0, 0.0, 0.0, 0.0)
    return frame


# --------------------------------------------------------------------------- drawing helpers


def _new_axes(ax: Any, figsize: tuple[float, float]) -> Axes:
    """``ax``, or the Axes of a new pyplot figure (so Jupyter shows it inline) of ``figsize``."""
    if ax is None:
        import matplotlib.pyplot as plt

        _, ax = plt.subplots(figsize=figsize, layout="constrained")
        return ax
    return _check_axes(ax)


def _check_axes(ax: Any) -> Axes:
    from matplotlib.axes import Axes

    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {type(ax).__name__}")
    return ax


def _heatmap_figure(n: int, texts: list[str], cbar: bool) -> tuple[Axes, Axes | None]:
    """A new pyplot figure sized for an ``n`` x ``n`` heatmap, with margins for its labels
    (estimated, generously) and room for a title, and the Axes of its colour bar."""
    import matplotlib.pyplot as plt

    side = _clip(0.16 * n + 1.6, 2.5, 13.0)  # the square of cells, inches
    size, _ = _label_font(n, side)
    label = max((_text_width_in(t.replace("\\$", "$"), size) for t in texts), default=0.0) * 1.05 + 0.1
    left = label + 0.15
    bottom = label + 0.15 if n > 6 else label * 0.72 + 0.2
    right = 1.25 if cbar else 0.2
    top = 0.45
    width, height = left + side + right, bottom + side + top
    fig = plt.figure(figsize=(width, height))
    ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
    cax = None
    if cbar:
        cax = fig.add_axes(
            ((left + side + 0.2) / width, (bottom + 0.1 * side) / height, 0.18 / width, 0.8 * side / height)
        )
    return ax, cax


def _axes_size_in(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in inches (before any layout engine adjusts it)."""
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    return box.width * fig_w, box.height * fig_h


def _value_name(matrix: pd.DataFrame, integers: bool = False) -> str:
    """What a matrix holds, for a colour bar or an axis label."""
    if "metric" in matrix.attrs:
        return str(matrix.attrs["metric"])
    if "analyzer" in matrix.attrs:
        return f"TF-IDF similarity ({matrix.attrs['analyzer']})"
    return "shared phrases" if integers else "similarity"


def _colormap(cmap: Any):
    import matplotlib as mpl

    if isinstance(cmap, mpl.colors.Colormap):
        return cmap
    try:
        return mpl.colormaps[cmap]
    except (KeyError, TypeError):
        raise ValueError(f"cmap must be a matplotlib colormap or its name, got {cmap!r}") from None


def _clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def _palette(i: int) -> str:
    return OKABE_ITO[i % (len(OKABE_ITO) - 1)]  # black stays for text


# --------------------------------------------------------------------------- plots


def plot_similarity_heatmap(
    matrix: pd.DataFrame,
    ax: Axes | None = None,
    cluster: bool = True,
    *,
    annot: bool | None = None,
    fmt: str | None = None,
    cmap: str = "viridis",
    vmin: float | None = None,
    vmax: float | None = None,
    cbar: bool = True,
    cbar_label: str | None = None,
    method: str = "average",
    max_label_chars: int = 30,
) -> Axes:
    """Heatmap of a similarity or overlap matrix, redundant trackers forming blocks.

    ``matrix``: a square DataFrame labelled by tracker name (:func:`trackerkit.similarity_matrix`,
    :func:`trackerkit.overlap_matrix`). With ``cluster`` the rows and columns follow
    :func:`cluster_order`, so groups of similar trackers become bright blocks along the
    diagonal; otherwise the matrix order is kept. The diagonal is masked (white).

    Values are written in the cells when ``annot`` is true (default: when there are at most
    20 trackers), formatted with ``fmt`` (default ``".2f"``, or ``"d"`` for a matrix of
    integers such as ``overlap_matrix(..., "count")``). The colour scale (``cmap``: viridis)
    runs from ``vmin`` (default 0) to ``vmax``: by default the largest off-diagonal value,
    rounded up to a tenth for similarities (pass ``vmax=1`` to compare heatmaps on one
    scale). ``cbar`` adds a colour bar labelled ``cbar_label`` (default: the matrix's
    ``attrs["metric"]`` or ``attrs["analyzer"]``, else "shared phrases" for integers and
    "similarity" otherwise).

    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .2], [.1, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_heatmap(m)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['c', 'b', 'a']
    >>> len(ax.texts)                                 # 3 x 3 cells, diagonal masked
    6
    """
    import matplotlib as mpl

    values, labels = _check_matrix(matrix)
    max_chars = _check_max_chars(max_label_chars)
    method = _check_method(method)
    n = len(labels)
    order = _leaf_order(values, method) if cluster else list(range(n))
    values = values[np.ix_(order, order)]
    if all(pd.api.types.is_integer_dtype(dtype) for dtype in matrix.dtypes):
        values = values.astype(np.int64)  # counts: annotated as integers
    labels = [labels[i] for i in order]
    off = values[~np.eye(n, dtype=bool)]
    unit = off.size == 0 or (off.min() >= -1e-9 and off.max() <= 1 + 1e-9)
    lo = 0.0 if vmin is None else float(vmin)
    if vmax is not None:
        hi = float(vmax)
    elif unit:  # the largest off-diagonal value, rounded up to a tenth: blocks stand out
        hi = min(1.0, max(0.1, math.ceil(float(off.max() if off.size else 1.0) * 10 - 1e-9) / 10))
    else:
        hi = float(off.max())
    if not hi > lo:
        raise ValueError(f"vmax must be larger than vmin, got vmin={lo!r}, vmax={hi!r}")
    if annot is None:
        annot = n <= 20
    integers = all(pd.api.types.is_integer_dtype(dtype) for dtype in matrix.dtypes)
    if fmt is None:
        fmt = "d" if integers else ".2f"

    texts = [_label(label, max_chars) for label in labels]
    cax = None
    if ax is None:  # a figure laid out by hand: constrained layout would measure 2n labels again
        ax, cax = _heatmap_figure(n, texts, cbar)
    else:
        ax = _check_axes(ax)
    colormap = _colormap(cmap).with_extremes(bad="white")
    masked = np.ma.masked_array(values, mask=np.eye(n, dtype=bool))
    image = ax.imshow(masked, cmap=colormap, vmin=lo, vmax=hi, interpolation="nearest", aspect="equal")
    image.set_gid("similarity-heatmap")

    width_in, height_in = _axes_size_in(ax)
    size, step = _label_font(n, min(width_in, height_in))
    ticks = list(range(0, n, step))
    ax.set_xticks(ticks, [texts[i] for i in ticks], fontsize=size)
    ax.set_yticks(ticks, [texts[i] for i in ticks], fontsize=size)
    if n > 6:
        ax.tick_params(axis="x", labelrotation=90)
    else:
        ax.tick_params(axis="x", labelrotation=45)
        for tick in ax.get_xticklabels():
            tick.set_horizontalalignment("right")
            tick.set_rotation_mode("anchor")
    ax.tick_params(left=False, bottom=False)  # labels without tick marks (faster, too)
    ax.grid(False)
    if 1 < n <= 40:  # thin white lines between cells
        edges = np.arange(1, n) - 0.5
        ax.vlines(edges, -0.5, n - 0.5, colors="white", linewidths=0.6).set_gid("heatmap-grid")
        ax.hlines(edges, -0.5, n - 0.5, colors="white", linewidths=0.6).set_gid("heatmap-grid")
    for spine in ax.spines.values():
        spine.set_visible(False)

    if annot:
        cell_pt = 72.0 * min(width_in, height_in) / max(n, 1)
        sample = max((format(v, fmt) for v in (off.min(), off.max())), key=len) if off.size else "0"
        annot_size = _clip(cell_pt / (0.62 * max(len(sample), 3)), 5.0, 10.0)
        norm = mpl.colors.Normalize(lo, hi)
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                r, g, b, _ = colormap(norm(values[i, j]))
                luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
                ax.text(
                    j,
                    i,
                    format(values[i, j], fmt),
                    ha="center",
                    va="center",
                    fontsize=annot_size,
                    color="black" if luminance > 0.45 else "white",
                )
    if cbar:
        label = cbar_label if cbar_label is not None else _value_name(matrix, integers)
        if cax is not None:
            bar = ax.figure.colorbar(image, cax=cax)
        else:
            bar = ax.figure.colorbar(image, ax=ax, fraction=0.046, pad=0.03, shrink=0.8)
        bar.set_label(escape_label(label))
        if integers:
            from matplotlib.ticker import MaxNLocator

            bar.locator = MaxNLocator(integer=True)
            bar.update_ticks()
        bar.outline.set_visible(False)
    return ax


def plot_vocabulary_sizes(
    trackers: Any,
    ax: Axes | None = None,
    *,
    sort: str | None = "size",
    limits: tuple[int, int] = (5, 50),
    max_label_chars: int = 32,
) -> Axes:
    """Horizontal bars: the number of phrases of each tracker, against Symbl's 5..50 range.

    ``trackers``: a trackers frame (or anything :func:`trackerkit.load_trackers` accepts).
    ``sort``: ``"size"`` (largest first, the default; equal sizes by name ignoring case, then
    frame order), ``"name"`` (ignoring case; then by name, then frame order) or None (frame
    order): total orders, whatever the sort algorithm.
    The recommended range ``limits`` is shaded, with dashed lines at both ends; bars inside
    it are blue, bars with too few phrases vermillion, with too many reddish purple.

    >>> import trackerkit
    >>> ax = plot_vocabulary_sizes(trackerkit.load_trackers("sample"))
    >>> sorted(line.get_xdata()[0] for line in ax.lines)
    [5, 50]
    """
    from matplotlib.patches import Patch

    from trackerkit.frames import as_trackers_frame

    frame = as_trackers_frame(trackers)
    max_chars = _check_max_chars(max_label_chars)
    if len(frame) == 0:
        raise TrackerDataError("trackers is empty: there is no tracker to plot")
    low, high = limits
    if not (0 <= low < high):
        raise ValueError(f"limits must be (low, high) with 0 <= low < high, got {limits!r}")
    sizes = np.asarray([len(v) for v in frame["vocabulary"]], dtype=int)
    names = [str(name) for name in frame["name"]]
    if sort == "size":
        order = sorted(range(len(names)), key=lambda i: (-sizes[i], names[i].casefold(), i))
    elif sort == "name":
        order = sorted(range(len(names)), key=lambda i: (names[i].casefold(), names[i], i))
    elif sort is None:
        order = list(range(len(names)))
    else:
        raise ValueError(f"sort must be 'size', 'name' or None, got {sort!r}")
    sizes = sizes[order]
    names = [names[i] for i in order]
    n = len(names)

    colors = {"in": OKABE_ITO[0], "few": OKABE_ITO[3], "many": OKABE_ITO[4]}
    kind = ["few" if s < low else "many" if s > high else "in" for s in sizes]
    ax = _new_axes(ax, (7.5, _clip(0.19 * n + 1.2, 3.0, 30.0)))
    y = np.arange(n)
    ax.axvspan(low, high, color=OKABE_ITO[2], alpha=0.09, linewidth=0, zorder=0)
    ax.barh(y, sizes, height=0.72, color=[colors[k] for k in kind], zorder=2)
    for limit in (low, high):
        ax.axvline(limit, color=_DARK_GREY, linestyle="--", linewidth=1.0, zorder=3)
    _, height_in = _axes_size_in(ax)
    size, step = _label_font(n, height_in)
    ticks = list(range(0, n, step))
    ax.set_yticks(ticks, [_label(names[i], max_chars) for i in ticks], fontsize=size)
    ax.set_ylim(n - 0.5, -0.5)  # first tracker on top
    if size >= 6:
        for i in ticks:
            ax.text(sizes[i] + 0.6, i, str(sizes[i]), va="center", fontsize=size - 1, color=_DARK_GREY)
    top = max(int(sizes.max()), high)
    ax.set_xlim(0, top * 1.1 + 1)
    ax.set_xlabel("phrases in the vocabulary")
    ax.tick_params(axis="y", left=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    handles = [Patch(color=OKABE_ITO[2], alpha=0.25, label=f"Symbl: {low}–{high} phrases")]
    counts = {k: kind.count(k) for k in colors}
    texts = {"in": "in range", "few": f"fewer than {low}", "many": f"more than {high}"}
    handles += [Patch(color=colors[k], label=f"{texts[k]} ({counts[k]})") for k in colors if counts[k]]
    ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
    return ax


def plot_similarity_distribution(
    pairs_or_matrix: Any,
    threshold: float | None = None,
    ax: Axes | None = None,
    *,
    column: str | None = None,
    bins: int | Sequence[float] | None = None,
    log: bool | None = None,
) -> Axes:
    """Histogram of pair scores, the pairs at or above ``threshold`` highlighted.

    ``pairs_or_matrix``: a similarity or overlap matrix (its upper triangle without the
    diagonal: one score per pair of trackers), a pairs frame such as
    :func:`trackerkit.similar_phrases` returns (its ``score`` column, or ``column``), or a
    sequence of scores. Scores in [0, 1] use 40 bins of 0.025 (the threshold becomes a bin
    edge); other scores numpy's ``"auto"`` bins, or ``bins``. ``threshold`` is drawn as a
    dashed line and the bars at or above it are orange, the others blue. ``log`` puts the
    counts on a log scale; by default it does so when the fullest bin holds more than 50
    times the pairs of the emptiest non-empty one (typical of a similarity matrix: most
    pairs of trackers share little, and the few redundant pairs would be invisible).

    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_distribution(m, threshold=0.5)
    >>> int(sum(bar.get_height() for bar in ax.containers[0]))
    3
    >>> ax.lines[0].get_xdata()[0]
    0.5
    """
    from matplotlib.patches import Patch

    scores = pair_scores(pairs_or_matrix, column=column)
    unit = scores.size == 0 or (scores.min() >= 0 and scores.max() <= 1)
    t = None
    if threshold is not None:
        if unit:
            t = _check_threshold(threshold)
        else:
            t = _check_threshold(threshold, low=-math.inf, high=math.inf)
            if not math.isfinite(t):
                raise ValueError(f"threshold must be finite, got {threshold!r}")
    ax = _new_axes(ax, (6.4, 3.6))
    if column is None and _is_matrix(pairs_or_matrix) and "score" not in pairs_or_matrix.columns:
        integers = all(pd.api.types.is_integer_dtype(d) for d in pairs_or_matrix.dtypes)
        xlabel = f"{_value_name(pairs_or_matrix, integers)}, {scores.size} pairs of trackers"
    else:
        xlabel = f"{column or 'score'}, {scores.size} pairs"
    ax.set_xlabel(escape_label(xlabel))
    ax.set_ylabel("pairs")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    if scores.size == 0:
        ax.text(0.5, 0.5, "no pairs", transform=ax.transAxes, ha="center", va="center", color=_DARK_GREY)
        return ax
    if bins is None:
        edges = np.arange(41) / 40 if unit else np.histogram_bin_edges(scores, bins="auto")
        if t is not None and edges[0] < t < edges[-1]:
            edges = np.unique(np.concatenate([edges, [t]]))
    else:
        edges = np.histogram_bin_edges(scores, bins=bins)
    counts, edges = np.histogram(scores, bins=edges)
    widths = np.diff(edges)
    above = edges[:-1] >= t if t is not None else np.zeros(len(counts), dtype=bool)
    colors = np.where(above, OKABE_ITO[1], OKABE_ITO[0])
    ax.bar(
        edges[:-1], counts, width=widths, align="edge", color=list(colors), edgecolor="white", linewidth=0.4
    )
    if log is None:
        filled = counts[counts > 0]
        log = bool(filled.max() > 50 * filled.min())
    if log:
        ax.set_yscale("log", nonpositive="clip")
        ax.set_ylim(0.7, counts.max() * 1.6)
        ax.set_ylabel("pairs (log scale)")
    ax.set_xlim(edges[0], edges[-1])
    if t is not None:
        n_above = int((scores >= t).sum())
        ax.axvline(t, color="black", linestyle="--", linewidth=1.2)
        handles = [
            Patch(color=OKABE_ITO[0], label=f"below {t:g} ({scores.size - n_above})"),
            Patch(color=OKABE_ITO[1], label=f"≥ {t:g} ({n_above})"),
        ]
        ax.legend(handles=handles, loc="upper right", fontsize=8, frameon=False)
    return ax


def plot_dendrogram(
    trackers_or_matrix: Any,
    ax: Axes | None = None,
    *,
    threshold: float | None = None,
    method: str = "average",
    analyzer: str | None = None,
    max_label_chars: int = 30,
) -> Axes:
    """Dendrogram of the trackers' hierarchical clustering, leaves labelled by name.

    ``trackers_or_matrix``: a similarity matrix with values in [0, 1], or trackers (a
    trackers frame or anything :func:`trackerkit.load_trackers` accepts), for which
    :func:`trackerkit.similarity_matrix` is computed first (its default analyzer, or
    ``analyzer``). scipy's ``method`` linkage (average) on ``1 - similarity``, with optimal
    leaf ordering (the order of :func:`cluster_order` and of the clustered heatmap). The
    tree grows from the leaves on the right (similarity 1) to the root on the left; the x
    axis is the similarity at which groups merge.

    With ``threshold``, a dashed line marks it and each group merging at or above it gets
    its own Okabe-Ito colour, links and labels alike, everything else grey: these groups
    are the clusters of :func:`trackerkit.cluster_trackers` with the same threshold and
    method (``fcluster(linkage, 1 - threshold, "distance")``).

    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .2], [.1, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_dendrogram(m, threshold=0.5)
    >>> len(ax.collections[0].get_segments())         # n - 1 links
    2
    """
    from matplotlib.collections import LineCollection
    from scipy.cluster.hierarchy import dendrogram, fcluster, leaves_list

    param = "trackers_or_matrix"
    if _is_matrix(trackers_or_matrix):
        matrix = trackers_or_matrix
    else:
        from trackerkit.analysis import similarity_matrix
        from trackerkit.frames import as_trackers_frame

        frame = as_trackers_frame(trackers_or_matrix)
        if len(frame) < 2:
            raise TrackerDataError(f"{param}: a dendrogram needs at least 2 trackers, got {len(frame)}")
        matrix = similarity_matrix(frame) if analyzer is None else similarity_matrix(frame, analyzer=analyzer)
    values, labels = _check_matrix(matrix, param=param, unit_range=True)
    if len(labels) < 2:
        raise TrackerDataError(f"{param}: a dendrogram needs at least 2 trackers, got {len(labels)}")
    method = _check_method(method)
    max_chars = _check_max_chars(max_label_chars)
    t = None if threshold is None else _check_threshold(threshold)
    n = len(labels)
    tree = _linkage(values, method)

    leaf_color = [_DARK_GREY] * n
    link_color = [_DARK_GREY] * (n - 1)
    if t is not None:
        flat = fcluster(tree, t=1.0 - t + 1e-12, criterion="distance")
        leaves_of: list[list[int]] = [[i] for i in range(n)]
        for a, b, *_ in tree:
            leaves_of.append(leaves_of[int(a)] + leaves_of[int(b)])
        sizes = np.bincount(flat)
        colour_of: dict[int, str] = {}
        for leaf in leaves_list(tree):  # colours in leaf order, top to bottom
            c = int(flat[leaf])
            if sizes[c] > 1 and c not in colour_of:
                colour_of[c] = _palette(len(colour_of))
        leaf_color = [colour_of.get(int(flat[i]), _GREY) for i in range(n)]
        for k in range(n - 1):
            groups = {int(flat[i]) for i in leaves_of[n + k]}
            link_color[k] = colour_of[groups.pop()] if len(groups) == 1 else _GREY
    tree_data = dendrogram(
        tree, no_plot=True, labels=labels, link_color_func=lambda k: link_color[k - n], get_leaves=True
    )
    segments = [
        np.column_stack([1.0 - np.asarray(dc), (np.asarray(ic) - 5.0) / 10.0])
        for ic, dc in zip(tree_data["icoord"], tree_data["dcoord"])
    ]
    ax = _new_axes(ax, (8.0, _clip(0.2 * n + 1.0, 2.5, 32.0)))
    lines = LineCollection(segments, colors=tree_data["color_list"], linewidths=1.3)
    lines.set_gid("dendrogram-links")
    ax.add_collection(lines)
    leaves = tree_data["leaves"]
    _, height_in = _axes_size_in(ax)
    size, step = _label_font(n, height_in)
    ticks = list(range(0, n, step))
    ax.yaxis.tick_right()
    ax.set_yticks(ticks, [_label(labels[leaves[i]], max_chars) for i in ticks], fontsize=size)
    for i, tick in zip(ticks, ax.get_yticklabels()):
        tick.set_color(leaf_color[leaves[i]])
    ax.set_xlim(-0.02, 1.0)  # similarities: the root merges at 0 or above
    ax.set_ylim(n - 0.5, -0.5)
    ax.set_xlabel(f"similarity at which groups merge ({method} linkage)")
    ax.tick_params(axis="y", right=False)
    for side in ("top", "left", "right"):
        ax.spines[side].set_visible(False)
    if t is not None:
        ax.axvline(t, color="black", linestyle="--", linewidth=1.0)
    return ax


def plot_similarity_network(
    matrix: pd.DataFrame,
    threshold: float,
    ax: Axes | None = None,
    *,
    isolated: str = "show",
    annot: bool | None = None,
    max_label_chars: int = 30,
    method: str = "average",
) -> Axes:
    """Trackers as nodes, an edge between two trackers whose similarity is ``>= threshold``.

    The layout is :func:`network_layout` (deterministic, no networkx): each connected group
    of redundant trackers is a ring of nodes in its own colour (Okabe-Ito), the rings packed
    largest first; edges are grey, thicker for higher similarity, their score written on
    them when ``annot`` (default: at most 40 edges; a score that would cover a higher one
    where chords cross is left out). Trackers without any edge are small grey dots in a
    grid below, under a "no edge" heading (``isolated="show"``), or left out and only
    counted (``"omit"``).

    >>> m = pd.DataFrame([[1, .9, 0], [.9, 1, 0], [0, 0, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_network(m, threshold=0.5)
    >>> len(ax.collections[0].get_segments())         # one edge: a-b
    1
    """
    from matplotlib.collections import LineCollection

    values, labels = _check_matrix(matrix, unit_range=True)
    t = _check_threshold(threshold)
    max_chars = _check_max_chars(max_label_chars)
    layout = network_layout(matrix, t, isolated=isolated, max_label_chars=max_chars, method=method)
    edges = _edges(values, labels, t)
    if annot is None:
        annot = len(edges) <= 40

    x0, y0, x1, y1 = layout.attrs["extent"]
    lonely = layout[layout["group"] < 0]
    n_lonely = int((_degree(values, t) == 0).sum())
    ax = _new_axes(ax, (_clip(x1 - x0 + 0.4, 3.0, 20.0), _clip(y1 - y0 + 0.4, 1.2, 30.0)))

    position = {label: (row.x, row.y) for label, row in layout.iterrows()}
    segments = [[position[a], position[b]] for a, b in zip(edges["source"], edges["target"])]
    widths = 0.8 + 3.2 * (edges["score"].to_numpy() - t) / max(1.0 - t, 1e-9)
    lines = LineCollection(segments, colors=_DARK_GREY, linewidths=widths, alpha=0.75, zorder=1)
    lines.set_gid("network-edges")
    ax.add_collection(lines)
    if annot:
        written: list[tuple[float, float]] = []
        for (a, b), score in zip(segments, edges["score"]):  # best edges first
            mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
            if any(math.dist(mid, other) < 0.25 for other in written):
                continue  # would cover a better edge's score (crossing chords of a ring)
            written.append(mid)
            ax.text(
                *mid,
                f"{score:.2f}",
                fontsize=6.5,
                ha="center",
                va="center",
                color=_DARK_GREY,
                zorder=3,
                bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.85},
            )
    linked = layout[layout["group"] >= 0]
    nodes = ax.scatter(
        linked["x"],
        linked["y"],
        s=60,
        c=[_palette(g) for g in linked["group"]],
        edgecolors="white",
        linewidths=0.8,
        zorder=4,
    )
    nodes.set_gid("network-nodes")
    for label, row in linked.iterrows():
        ha, va, rotation = _ring_label(row.angle, row.ring)
        ax.text(
            row.x + 0.09 * math.cos(row.angle),
            row.y + 0.09 * math.sin(row.angle),
            _label(label, max_chars),
            ha=ha,
            va=va,
            rotation=rotation,
            rotation_mode="anchor",
            fontsize=_NET_FONT,
            color="black",
            zorder=5,
        )
    if len(lonely):
        dots = ax.scatter(lonely["x"], lonely["y"], s=12, c=_GREY, zorder=4)
        dots.set_gid("network-isolated")
        for label, row in lonely.iterrows():
            ax.text(
                row.x + 0.1,
                row.y,
                _label(label, max_chars),
                ha="left",
                va="center",
                fontsize=_NET_FONT - 1,
                color=_DARK_GREY,
            )
        ax.text(
            lonely["x"].min() - 0.08,
            lonely["y"].max() + 0.2,
            f"{len(lonely)} tracker{'s' if len(lonely) != 1 else ''} with no edge ≥ {t:g}",
            fontsize=_NET_FONT,
            fontstyle="italic",
            color=_DARK_GREY,
            va="bottom",
        )
    elif n_lonely:
        ax.text(
            0.0,
            0.0,
            f"{n_lonely} tracker{'s' if n_lonely != 1 else ''} with no edge ≥ {t:g} not shown",
            transform=ax.transAxes,
            fontsize=_NET_FONT,
            fontstyle="italic",
            color=_DARK_GREY,
        )
    if not len(edges):
        ax.text(0.5, 1.0, f"no pair with similarity ≥ {t:g}", transform=ax.transAxes, ha="center", va="top")
    ax.set_xlim(x0 - 0.15, x1 + 0.15)
    ax.set_ylim(y0 - 0.15, y1 + 0.15)
    ax.set_aspect("equal", adjustable="box")
    ax.set_axis_off()
    return ax


_COMPARISON_FONT = 8.0
_ROW_IN = 0.19  # inches per row of the comparison plot


def _comparison_sections(table: pd.DataFrame) -> dict[str, list[tuple[str, str, float]]]:
    """``compare_trackers``' rows grouped by status, as ``(phrase_a, phrase_b, score)``."""
    missing = [c for c in ("status", "phrase_a", "phrase_b", "score") if c not in table.columns]
    if missing:
        raise TrackerDataError(f"compare_trackers returned no column(s) {', '.join(map(repr, missing))}")
    sections: dict[str, list[tuple[str, str, float]]] = {
        "shared": [],
        "near-duplicate": [],
        "unique to a": [],
        "unique to b": [],
    }
    for status, phrase_a, phrase_b, score in zip(
        table["status"], table["phrase_a"], table["phrase_b"], table["score"]
    ):
        sections.setdefault(str(status), []).append((str(phrase_a), str(phrase_b), float(score)))
    return sections


def plot_tracker_comparison(
    trackers: Any,
    a: str | int,
    b: str | int,
    ax: Axes | None = None,
    *,
    threshold: float | None = None,
    max_phrase_chars: int = 60,
) -> Axes:
    """Two trackers' phrases side by side: shared, near-duplicate, and unique to each.

    ``trackers``: a trackers frame (or anything :func:`trackerkit.load_trackers` accepts);
    ``a`` and ``b``: names or ids. The phrases come from :func:`trackerkit.compare_trackers`
    (``threshold``: its near-duplicate threshold, default 0.8) and are drawn like a diff:
    ``a``'s phrases right-aligned on the left, ``b``'s left-aligned on the right, as written
    (cut to ``max_phrase_chars`` with an ellipsis). Shared phrases (equal once normalized)
    face each other on a blue band with ``=``; near-duplicates on an orange band with ``≈``
    and their score; then the phrases unique to each side. Headers give each tracker's
    number of distinct phrases, section titles the count of each kind.

    >>> import trackerkit
    >>> trackers = trackerkit.load_trackers("sample")
    >>> ax = plot_tracker_comparison(trackers, "Escalation Request", "Speak to Manager")
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "comparison-near-duplicate-a"]
    ['let me speak to your manager']
    """
    from trackerkit.analysis import compare_trackers

    max_chars = _check_max_chars(max_phrase_chars)
    table = compare_trackers(trackers, a, b, threshold=threshold)
    name_a = str(table.attrs.get("a", a))
    name_b = str(table.attrs.get("b", b))
    sections = _comparison_sections(table)
    counts = (int((table["phrase_a"] != "").sum()), int((table["phrase_b"] != "").sum()))
    return _draw_comparison(ax, name_a, name_b, sections, counts=counts, max_chars=max_chars)


def _draw_comparison(
    ax: Any,
    name_a: str,
    name_b: str,
    sections: dict[str, list[tuple[str, str, float]]],
    *,
    counts: tuple[int, int],
    max_chars: int,
) -> Axes:
    """Draw the comparison: a diff-like table, matched pairs on one row."""
    shared, near = sections["shared"], sections["near-duplicate"]
    only_a = [p for p, _, _ in sections["unique to a"]]
    only_b = [p for _, p, _ in sections["unique to b"]]
    n_unique = max(len(only_a), len(only_b))
    unique_rows = [
        (only_a[i] if i < len(only_a) else "", only_b[i] if i < len(only_b) else "", math.nan)
        for i in range(n_unique)
    ]
    blocks = [
        ("shared", shared, OKABE_ITO[0]),
        ("near-duplicate", near, OKABE_ITO[3]),
        ("unique", unique_rows, _DARK_GREY),
    ]
    n_rows = 1.6 + sum(1 + max(len(rows), 1) + 0.6 for _, rows, _ in blocks)
    phrases = [p for _, rows, _ in blocks for row in rows for p in row[:2] if p]
    headers = [f"{name_a} ({counts[0]} phrases)", f"{name_b} ({counts[1]} phrases)"]
    side = max(
        [_text_width_in(truncate_label(p, max_chars), _COMPARISON_FONT) for p in phrases]
        + [_text_width_in(truncate_label(h, 60), 10.5) for h in headers]
    )
    ax = _new_axes(ax, (_clip(2 * side + 1.0, 6.0, 14.0), _clip(n_rows * _ROW_IN + 0.4, 2.0, 40.0)))
    left, right, middle = 0.46, 0.54, 0.5

    def text(x: float, y: float, s: str, gid: str, **kwargs: Any) -> None:
        kwargs.setdefault("fontsize", _COMPARISON_FONT)
        ax.text(x, y, s, va="center", **kwargs).set_gid(gid)

    text(left, 0, _label(headers[0], 60), "comparison-header-a", ha="right", fontsize=10.5, fontweight="bold")
    text(right, 0, _label(headers[1], 60), "comparison-header-b", ha="left", fontsize=10.5, fontweight="bold")
    y = 1.6
    for kind, rows, colour in blocks:
        bold = {"fontsize": 9, "color": colour, "fontweight": "bold"}
        if kind == "unique":
            text(
                left,
                y,
                escape_label(f"only in {truncate_label(name_a, 40)} ({len(only_a)})"),
                "comparison-heading-unique-a",
                ha="right",
                **bold,
            )
            text(
                right,
                y,
                escape_label(f"only in {truncate_label(name_b, 40)} ({len(only_b)})"),
                "comparison-heading-unique-b",
                ha="left",
                **bold,
            )
        else:
            title = "shared" if kind == "shared" else "near-duplicates"
            text(middle, y, f"{title} ({len(rows)})", f"comparison-heading-{kind}", ha="center", **bold)
        y += 1
        if not rows:
            text(middle, y, "none", f"comparison-{kind}-none", ha="center", color=_GREY)
            y += 1.6
            continue
        if kind != "unique":
            band = ax.axhspan(y - 0.5, y + len(rows) - 0.5, color=colour, alpha=0.09, linewidth=0, zorder=0)
            band.set_gid(f"comparison-{kind}-band")
        for i, (phrase_a, phrase_b, score) in enumerate(rows):
            if phrase_a:
                text(left, y + i, _label(phrase_a, max_chars), f"comparison-{kind}-a", ha="right")
            if phrase_b:
                text(right, y + i, _label(phrase_b, max_chars), f"comparison-{kind}-b", ha="left")
            if kind != "unique":
                sign = "=" if kind == "shared" else f"≈ {score:.2f}"
                text(middle, y + i, sign, f"comparison-{kind}-sign", ha="center", color=colour, fontsize=7.5)
        y += len(rows) + 0.6
    ax.set_xlim(0, 1)
    ax.set_ylim(y - 0.4, -0.8)
    ax.set_axis_off()
    return ax


def close_figure(fig: Any) -> None:
    """Close ``fig`` whether or not pyplot manages it, and free what it holds."""
    import sys

    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)  # a no-op for a figure pyplot does not manage
    fig.clear()


def figure_to_png(fig: Any, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (white background, no timestamp: the same figure gives the same
    bytes), then closed, so widgets and reports that render many figures do not grow memory.

        >>> import trackerkit
        >>> ax = plot_vocabulary_sizes(trackerkit.load_trackers("sample"))
        >>> figure_to_png(ax.figure)[:4]
        b'\\x89PNG'
    """
    import io

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    finally:
        close_figure(fig)
    return buffer.getvalue()
