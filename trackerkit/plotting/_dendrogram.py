"""The dendrogram of the trackers' hierarchical clustering."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from trackerkit._validation import check_choice, check_count, check_fraction
from trackerkit.analysis import cluster_trackers
from trackerkit.analysis._layout import flat_clusters, is_square_matrix, leaf_order, tracker_linkage
from trackerkit.analysis._results import Clustering, TrackerMatrix, as_tracker_matrix
from trackerkit.constants import DEFAULT_ANALYZER, LINKAGE_METHODS
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.plotting._base import DARK_GREY, GREY, Display, axes_size_in, clip, label, label_font, palette

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    from trackerkit._typing import TrackersLike

__all__ = ["DendrogramDisplay", "plot_dendrogram"]


class DendrogramDisplay(Display):
    """Dendrogram of a ready hierarchical clustering, leaves labelled by tracker.

    Parameters
    ----------
    linkage : ndarray
        scipy's linkage matrix over ``labels`` (:attr:`Clustering.linkage`).
    labels : list of str
        The leaves, by row of the linkage.
    threshold : float, optional
        With a threshold, each group merging at or above it gets its own colour, links and
        labels alike (the clusters of :func:`trackerkit.cluster_trackers` at that threshold),
        everything else grey, and a dashed line marks it.
    method : str
        The linkage method, for the axis label.

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    dendrogram_ : dict
        What ``scipy.cluster.hierarchy.dendrogram`` computed (``ivl``, ``leaves``,
        ``icoord``, ``dcoord``, ``color_list``, ...).
    links_ : LineCollection
        The links, one segment list per merge.
    threshold_line_ : Line2D or None
        The dashed line at the threshold.

    Examples
    --------
    >>> import trackerkit
    >>> clustering = trackerkit.cluster_trackers("sample", threshold=0.25)
    >>> display = DendrogramDisplay.from_result(clustering).plot()
    >>> len(display.links_.get_segments()), display.threshold_line_.get_xdata()[0]
    (47, 0.25)
    """

    dendrogram_: dict[str, Any]
    links_: LineCollection
    threshold_line_: Line2D | None

    def __init__(
        self,
        linkage: np.ndarray,
        labels: Sequence[str],
        *,
        threshold: float | None = None,
        method: str = "average",
    ) -> None:
        self.linkage = np.asarray(linkage, dtype=float)
        self.labels = [str(name) for name in labels]
        self.threshold = (
            None if threshold is None else check_fraction("threshold", threshold, allow_zero=True)
        )
        self.method = check_choice("method", method, LINKAGE_METHODS)
        if len(self.labels) < 2:
            raise TrackerDataError(f"a dendrogram needs at least 2 trackers, got {len(self.labels)}")
        if self.linkage.shape != (len(self.labels) - 1, 4):
            raise InvalidParameterError(
                f"linkage must be scipy's linkage matrix over the {len(self.labels)} labels, of shape "
                f"({len(self.labels) - 1}, 4); got {self.linkage.shape}",
                parameter="linkage",
            )

    @classmethod
    def from_result(
        cls,
        result: Clustering | TrackerMatrix | pd.DataFrame,
        *,
        threshold: float | None = None,
        method: str = "average",
    ) -> DendrogramDisplay:
        """The dendrogram of a :class:`Clustering` (its ready tree; ``threshold`` defaults to
        the clustering's, ``method`` is the clustering's), or of a similarity matrix with
        values in [0, 1] (a :class:`TrackerMatrix` or a square DataFrame labelled by tracker),
        clustered with :func:`trackerkit.analysis._layout.tracker_linkage` (``method``; no
        threshold by default)."""
        if isinstance(result, Clustering):
            return cls(
                result.linkage,
                result.labels,
                threshold=result.threshold if threshold is None else threshold,
                method=result.method,
            )
        matrix = as_tracker_matrix(result, "result", unit_range=True)
        if len(matrix) < 2:
            raise TrackerDataError(f"result: a dendrogram needs at least 2 trackers, got {len(matrix)}")
        linkage = tracker_linkage(matrix.matrix.to_numpy(dtype=float), method=method, keys=matrix.keys)
        return cls(linkage, matrix.labels, threshold=threshold, method=method)

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        *,
        threshold: float | None = None,
        method: str = "average",
        analyzer: str = DEFAULT_ANALYZER,
        select: Any = None,
        **similarity_options: Any,
    ) -> DendrogramDisplay:
        """Cluster ``trackers`` with :func:`trackerkit.cluster_trackers` (``analyzer``,
        ``select`` and ``similarity_options`` are its own) and show its tree; coloured at
        ``threshold`` when given."""
        clustering = cluster_trackers(
            trackers,
            threshold=threshold,  # None: cluster_trackers' default for the analyzer
            method=method,
            analyzer=analyzer,
            select=select,
            **similarity_options,
        )
        if len(clustering.labels) < 2:
            raise TrackerDataError(
                f"trackers: a dendrogram needs at least 2 trackers, got {len(clustering.labels)}"
            )
        return cls(clustering.linkage, clustering.labels, threshold=threshold, method=method)

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 30
    ) -> DendrogramDisplay:
        """Draw the tree; returns ``self``.

        It grows from the leaves on the right (similarity 1) to the root on the left; the x
        axis is the similarity at which groups merge, the leaves are in the tree's order (the
        clustered heatmap's). Names are cut to ``max_label_chars``; with ``ax=None`` the new
        figure (pyplot's, or with ``pyplot=False`` a bare Figure) grows with the trackers.
        """
        from matplotlib.collections import LineCollection  # lazy: heavy
        from scipy.cluster.hierarchy import dendrogram  # lazy: heavy

        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        tree, labels, t = self.linkage, self.labels, self.threshold
        n = len(labels)
        leaf_color = [DARK_GREY] * n
        link_color = [DARK_GREY] * (n - 1)
        if t is not None:
            flat = flat_clusters(tree, t, n)
            leaves_of: list[list[int]] = [[i] for i in range(n)]
            for a, b, *_ in tree:
                leaves_of.append(leaves_of[int(a)] + leaves_of[int(b)])
            sizes = np.bincount(flat)
            colour_of: dict[int, str] = {}
            for leaf in leaf_order(tree, n):  # colours in leaf order, top to bottom
                c = int(flat[leaf])
                if sizes[c] > 1 and c not in colour_of:
                    colour_of[c] = palette(len(colour_of))
            leaf_color = [colour_of.get(int(flat[i]), GREY) for i in range(n)]
            for k in range(n - 1):
                groups = {int(flat[i]) for i in leaves_of[n + k]}
                link_color[k] = colour_of[groups.pop()] if len(groups) == 1 else GREY
        self.dendrogram_ = dendrogram(
            tree, no_plot=True, labels=labels, link_color_func=lambda k: link_color[k - n], get_leaves=True
        )
        segments = [
            np.column_stack([1.0 - np.asarray(dc), (np.asarray(ic) - 5.0) / 10.0])
            for ic, dc in zip(self.dendrogram_["icoord"], self.dendrogram_["dcoord"])
        ]
        ax = self._axes(ax, pyplot, (8.0, clip(0.2 * n + 1.0, 2.5, 32.0)))
        self.links_ = LineCollection(segments, colors=self.dendrogram_["color_list"], linewidths=1.3)
        self.links_.set_gid("dendrogram-links")
        ax.add_collection(self.links_)
        leaves = self.dendrogram_["leaves"]
        _, height_in = axes_size_in(ax)
        size, step = label_font(n, height_in)
        ticks = list(range(0, n, step))
        ax.yaxis.tick_right()
        ax.set_yticks(ticks, [label(labels[leaves[i]], max_chars) for i in ticks], fontsize=size)
        for i, tick in zip(ticks, ax.get_yticklabels()):
            tick.set_color(leaf_color[leaves[i]])
        ax.set_xlim(-0.02, 1.0)  # similarities: the root merges at 0 or above
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlabel(f"similarity at which groups merge ({self.method} linkage)")
        ax.tick_params(axis="y", right=False)
        for side in ("top", "left", "right"):
            ax.spines[side].set_visible(False)
        self.threshold_line_ = None
        if t is not None:
            self.threshold_line_ = ax.axvline(t, color="black", linestyle="--", linewidth=1.0)
        return self


def plot_dendrogram(
    data: Clustering | TrackerMatrix | pd.DataFrame | TrackersLike,
    *,
    ax: Axes | None = None,
    threshold: float | None = None,
    method: str = "average",
    analyzer: str | None = None,
    max_label_chars: int = 30,
) -> Axes:
    """Dendrogram of the trackers' hierarchical clustering, leaves labelled by name.

    ``data``: a :class:`~trackerkit.analysis.Clustering` (its ready tree, coloured at its
    threshold), a similarity matrix with values in [0, 1], or trackers (anything
    :func:`trackerkit.load_trackers` accepts), clustered first with ``analyzer`` (default
    ``DEFAULT_ANALYZER``). See :class:`DendrogramDisplay`: the leaves are in the order of the
    clustered heatmap; with ``threshold`` the groups of :func:`trackerkit.cluster_trackers` at
    that threshold get their own colour. Returns the Axes.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .2], [.1, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_dendrogram(m, threshold=0.5)
    >>> len(ax.collections[0].get_segments())         # n - 1 links
    2
    """
    if isinstance(data, (Clustering, TrackerMatrix)) or is_square_matrix(data):
        if analyzer is not None:
            raise InvalidParameterError(
                "analyzer applies to trackers, not to a computed clustering or matrix", parameter="analyzer"
            )
        display = DendrogramDisplay.from_result(data, threshold=threshold, method=method)
    else:
        display = DendrogramDisplay.from_trackers(
            data, threshold=threshold, method=method, analyzer=analyzer or DEFAULT_ANALYZER
        )
    return display.plot(ax=ax, max_label_chars=max_label_chars).ax_
