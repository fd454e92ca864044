"""Typed results of the analyses that return more than one table.

Each is a small frozen dataclass holding plain DataFrames (and arrays) plus the parameters
that say what the numbers mean, so a display never has to guess (a Jaccard heatmap is labelled
Jaccard) and nothing rides on the experimental ``attrs`` of a DataFrame, which pandas drops on
most operations.

In a notebook a result shows its main table (``_repr_html_``); in a script, ``repr`` says what
it holds.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_matrix
from trackerkit.constants import COMPARE_STATUSES

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

__all__ = [
    "METRIC_DESCRIPTIONS",
    "Clustering",
    "Confusion",
    "HitComparison",
    "NetworkLayout",
    "TrackerComparison",
    "TrackerMatrix",
    "as_tracker_matrix",
]

#: What each matrix metric is, and its scale, in words a reader of a plot or a table can use.
METRIC_DESCRIPTIONS: dict[str, str] = {
    "cosine": "cosine similarity of TF-IDF vectors (0 = nothing in common, 1 = same vocabulary)",
    "count": "number of phrases the two trackers share (after normalization)",
    "jaccard": "Jaccard index of the normalized phrases (shared / all distinct; 0 = none, 1 = same)",
    "containment": "share of the row tracker's phrases also in the column tracker (0 to 1)",
    "confusion": "phrases of the row tracker matched to the column tracker when left out",
}
#: What ``"cosine"`` means with ``analyzer="semantic"`` (by meaning, not by terms).
SEMANTIC_DESCRIPTION = (
    "cosine similarity of the trackers' mean phrase embeddings, clipped to [0, 1] "
    "(0 = unrelated meanings, 1 = same meaning)"
)
_SHORT = {
    "cosine": "TF-IDF cosine similarity",
    "count": "shared phrases",
    "jaccard": "Jaccard index",
    "containment": "containment",
    "confusion": "phrases matched",
    "similarity": "similarity",
}


def _frame_html(title: str, frame: pd.DataFrame) -> str:
    return f"<p><strong>{html.escape(title)}</strong></p>{frame._repr_html_()}"  # pandas escapes cells


@dataclass(frozen=True, eq=False)
class TrackerMatrix:
    """A tracker x tracker matrix and what its values mean.

    Attributes
    ----------
    matrix : DataFrame
        Square, labelled by tracker name (or id, see ``label``) on both axes, in account order.
    metric : str
        ``"cosine"`` (TF-IDF similarity, or by meaning), ``"count"``, ``"jaccard"`` or
        ``"containment"`` (exact overlap), ``"confusion"``.
    analyzer : str or None
        The analyzer for ``"cosine"`` (``"char_wb"`` or ``"word"``: TF-IDF; ``"semantic"``: by
        meaning, sentence embeddings), else None.
    ngram_range : tuple of int or None
        The n-gram range of the TF-IDF analyzer, else None.
    label : str
        ``"name"`` or ``"id"``: what the axes are labelled by.
    tracker_ids : tuple of str
        The trackers' ids, in the order of the rows (empty for a matrix made by hand): they
        order equal merges of a clustering, so the tree does not depend on the account order.
    """

    matrix: pd.DataFrame
    metric: str
    analyzer: str | None = None
    ngram_range: tuple[int, int] | None = None
    label: str = "name"
    tracker_ids: tuple[str, ...] = ()

    @property
    def value_label(self) -> str:
        """Short name of the values, for a colour bar or a column: ``"Jaccard index"``."""
        if self.metric == "cosine" and self.analyzer == "semantic":
            return "similarity by meaning (cosine)"
        short = _SHORT.get(self.metric, self.metric)
        return f"{short} ({self.analyzer})" if self.analyzer else short

    @property
    def description(self) -> str:
        """What the values are and their scale, in one sentence fragment."""
        if self.metric == "cosine" and self.analyzer == "semantic":
            return SEMANTIC_DESCRIPTION
        text = METRIC_DESCRIPTIONS.get(self.metric, self.metric)
        return f"{text}; analyzer {self.analyzer}" if self.analyzer else text

    @property
    def labels(self) -> list[str]:
        """The row (and column) labels: tracker names, or ids with ``label="id"``."""
        return [str(v) for v in self.matrix.index]

    @property
    def keys(self) -> list[str]:
        """What orders the trackers where scores tie: their ids, else (made by hand) the labels."""
        return list(self.tracker_ids) if self.tracker_ids else self.labels

    @property
    def integers(self) -> bool:
        """Whether every value is an integer count (``"count"``, ``"confusion"``)."""
        import pandas as pd  # lazy: heavy

        return len(self.matrix.columns) > 0 and all(
            pd.api.types.is_integer_dtype(dtype) for dtype in self.matrix.dtypes
        )

    def __len__(self) -> int:
        return len(self.matrix)

    def __repr__(self) -> str:
        n = len(self.matrix)
        return f"TrackerMatrix({n} x {n}, metric={self.metric!r}, analyzer={self.analyzer!r})"

    def _repr_html_(self) -> str:
        return _frame_html(f"{self.value_label}: {self.description}", self.matrix)


@dataclass(frozen=True, eq=False)
class Clustering:
    """Groups of similar trackers (:func:`trackerkit.cluster_trackers`).

    Attributes
    ----------
    table : DataFrame
        One row per clustered tracker: ``cluster``, ``tracker_id``, ``tracker``, ``size``,
        ``mean_similarity``, ``nearest``, ``nearest_similarity``.
    linkage : ndarray
        scipy's linkage matrix over ``labels`` (for a dendrogram).
    labels : list of str
        The leaves of ``linkage``: tracker names, in the order of ``similarity``.
    threshold : float
        The similarity at which the tree was cut.
    method : str
        The linkage method.
    similarity : TrackerMatrix
        The matrix that was clustered.
    """

    table: pd.DataFrame
    linkage: np.ndarray
    labels: list[str]
    threshold: float
    method: str
    similarity: TrackerMatrix

    def __repr__(self) -> str:
        n_groups = int(self.table["cluster"].nunique()) if len(self.table) else 0
        return (
            f"Clustering({n_groups} clusters of {len(self.table)} trackers, threshold={self.threshold}, "
            f"method={self.method!r})"
        )

    def _repr_html_(self) -> str:
        return _frame_html(f"Clusters at similarity >= {self.threshold:g}", self.table)


@dataclass(frozen=True, eq=False)
class Confusion:
    """Where left-out phrases land (:func:`trackerkit.confusion`).

    Attributes
    ----------
    matrix : DataFrame
        Counts, row = the tracker a phrase belongs to, column = the tracker it was matched to.
    accuracy : float
        Share of phrases matched to their own tracker.
    folds : int or None
        Number of folds (None: each phrase left out alone).
    """

    matrix: pd.DataFrame
    accuracy: float
    folds: int | None

    def __repr__(self) -> str:
        return f"Confusion({len(self.matrix)} trackers, accuracy={self.accuracy:.3f}, folds={self.folds})"

    def _repr_html_(self) -> str:
        return _frame_html(f"Confusion (accuracy {self.accuracy:.1%})", self.matrix)


@dataclass(frozen=True, eq=False)
class TrackerComparison:
    """Two trackers' phrases side by side (:func:`trackerkit.compare_trackers`).

    Attributes
    ----------
    table : DataFrame
        One row per distinct normalized phrase: ``status``, ``phrase_a``, ``phrase_b``,
        ``position_a``, ``position_b``, ``score`` (``a`` is ``tracker``, ``b`` is ``other``).
    tracker, other : str
        The two trackers' names.
    tracker_id, other_id : str
        Their ids.
    threshold : float
        The near-duplicate threshold used.
    """

    table: pd.DataFrame
    tracker: str
    other: str
    tracker_id: str
    other_id: str
    threshold: float

    def counts(self) -> dict[str, int]:
        """Number of rows per status, in display order (zeros included)."""
        values = self.table["status"].value_counts()
        return {s: int(values.get(s, 0)) for s in COMPARE_STATUSES}

    def __repr__(self) -> str:
        return f"TrackerComparison({self.tracker!r} vs {self.other!r}, {self.counts()})"

    def _repr_html_(self) -> str:
        return _frame_html(f"{self.tracker} vs {self.other}", self.table)


@dataclass(frozen=True, eq=False)
class NetworkLayout:
    """Deterministic node positions of a similarity network, in inches.

    Attributes
    ----------
    nodes : DataFrame
        Indexed by label: ``x``, ``y``, ``group`` (-1 for a tracker without edges), ``degree``,
        ``angle``, ``ring``.
    edges : DataFrame
        ``source``, ``target``, ``score``: the pairs at or above ``threshold``.
    extent : tuple of float
        ``(x0, y0, x1, y1)`` of the nodes and their labels.
    threshold : float
        The similarity from which two trackers are linked.
    n_isolated : int
        Trackers without any edge (placed in ``nodes`` with group -1, or left out).
    max_label_chars : int
        The label length the layout left room for.
    """

    nodes: pd.DataFrame
    edges: pd.DataFrame
    extent: tuple[float, float, float, float]
    threshold: float
    extra: dict[str, Any] = field(default_factory=dict)
    n_isolated: int = 0
    max_label_chars: int = 30

    def __repr__(self) -> str:
        return f"NetworkLayout({len(self.nodes)} nodes, {len(self.edges)} edges, threshold={self.threshold})"


def as_tracker_matrix(
    value: Any, name: str = "matrix", *, unit_range: bool = False, min_size: int = 0
) -> TrackerMatrix:
    """``value`` as a :class:`TrackerMatrix`, checked: a TrackerMatrix, the matrix of a
    :class:`Clustering` or a :class:`Confusion`, or a square DataFrame labelled alike on both
    axes (its metric is then ``"count"`` for integers, else ``"similarity"``). The columns come
    in the rows' order; anything else raises :class:`trackerkit.InvalidParameterError` naming
    ``name`` (see :func:`trackerkit._validation.check_matrix` for ``unit_range`` and ``min_size``).
    """
    if isinstance(value, Clustering):
        value = value.similarity
    elif isinstance(value, Confusion):
        value = TrackerMatrix(value.matrix, metric="confusion")
    if isinstance(value, TrackerMatrix):
        check_matrix(name, value.matrix, unit_range=unit_range, min_size=min_size)
        frame, base = value.matrix, value
    else:
        check_matrix(name, value, unit_range=unit_range, min_size=min_size)
        frame, base = value, None
    if not frame.index.equals(frame.columns):
        frame = frame.loc[:, list(frame.index)]
    if base is not None:
        if frame is base.matrix:
            return base
        return TrackerMatrix(
            frame, base.metric, base.analyzer, base.ngram_range, base.label, base.tracker_ids
        )
    matrix = TrackerMatrix(frame, metric="count")
    return matrix if matrix.integers else TrackerMatrix(frame, metric="similarity")


@dataclass(frozen=True, eq=False)
class HitComparison:
    """Agreement of a replay with Symbl's hits on the same conversations (``compare_hits``).

    Attributes
    ----------
    table : DataFrame
        One row per (conversation, message, tracker, match kind) either found, with ``status``
        ``"both"``, ``"symbl only"`` or ``"replay only"`` and the phrases each reported.
    summary : DataFrame
        Indexed by match kind (``"literal"``, ``"meaning"``, ``"any"``): ``both``,
        ``symbl_only``, ``replay_only``, ``precision``, ``recall``, ``f1`` (Symbl as the
        reference).
    """

    table: pd.DataFrame
    summary: pd.DataFrame

    def __repr__(self) -> str:
        rows = ", ".join(
            f"{kind}: {int(row.both)} both, {int(row.symbl_only)} Symbl only, "
            f"{int(row.replay_only)} replay only"
            for kind, row in self.summary.iterrows()
        )
        return f"HitComparison({rows})"

    def _repr_html_(self) -> str:
        return _frame_html("Agreement with Symbl", self.summary) + _frame_html("Hits", self.table)
