"""The network of similar trackers: rings of redundant trackers, the others apart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_bool
from trackerkit.analysis import network_layout, similarity_matrix
from trackerkit.analysis._layout import NETWORK_FONT, ring_label
from trackerkit.analysis._results import NetworkLayout, TrackerMatrix
from trackerkit.constants import DEFAULT_ANALYZER, DEFAULT_TRACKER_THRESHOLD
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting._base import DARK_GREY, GREY, Display, clip, label, palette

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.collections import LineCollection, PathCollection
    from matplotlib.text import Text

    from trackerkit._typing import TrackersLike

__all__ = ["SimilarityNetworkDisplay", "plot_similarity_network"]


class SimilarityNetworkDisplay(Display):
    """Trackers as nodes, an edge between two trackers whose similarity is at least a threshold.

    Parameters
    ----------
    layout : NetworkLayout
        What :func:`trackerkit.analysis.network_layout` computed: node positions and edges.

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    nodes_ : PathCollection
        The trackers with edges, one dot each, coloured by group (in ``layout.nodes`` order).
    edges_ : LineCollection
        One segment per edge, thicker for higher similarity (in ``layout.edges`` order).
    labels_ : list of Text
        The names of the trackers with edges.
    isolated_ : PathCollection or None
        The trackers without edges (small grey dots), when shown.
    edge_labels_ : list of Text
        The scores written on the edges.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .9, 0], [.9, 1, 0], [0, 0, 1]], index=list("abc"), columns=list("abc"))
    >>> display = SimilarityNetworkDisplay.from_result(m, threshold=0.5).plot()
    >>> len(display.edges_.get_segments()), len(display.nodes_.get_offsets())
    (1, 2)
    """

    nodes_: PathCollection
    edges_: LineCollection
    labels_: list[Text]
    isolated_: PathCollection | None
    edge_labels_: list[Text]

    def __init__(self, layout: NetworkLayout) -> None:
        if not isinstance(layout, NetworkLayout):
            raise InvalidParameterError(
                "layout must be a NetworkLayout (trackerkit.analysis.network_layout); "
                f"got {type(layout).__name__}",
                parameter="layout",
            )
        self.layout = layout

    @classmethod
    def from_result(
        cls,
        matrix: TrackerMatrix | pd.DataFrame,
        *,
        threshold: float = DEFAULT_TRACKER_THRESHOLD,
        isolated: str = "show",
        max_label_chars: int = 30,
        method: str = "average",
    ) -> SimilarityNetworkDisplay:
        """The network of a similarity matrix (a :class:`TrackerMatrix` or a square DataFrame,
        values in [0, 1]): edges at or above ``threshold``, laid out by
        :func:`trackerkit.analysis.network_layout` (``isolated``: ``"show"`` the trackers
        without edges in a grid below, or ``"omit"`` them; ``max_label_chars``; ``method``)."""
        return cls(
            network_layout(
                matrix, threshold=threshold, isolated=isolated, max_label_chars=max_label_chars, method=method
            )
        )

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        *,
        threshold: float = DEFAULT_TRACKER_THRESHOLD,
        analyzer: str = DEFAULT_ANALYZER,
        select: Any = None,
        isolated: str = "show",
        max_label_chars: int = 30,
        method: str = "average",
        **similarity_options: Any,
    ) -> SimilarityNetworkDisplay:
        """The network of :func:`trackerkit.similarity_matrix` of ``trackers``."""
        matrix = similarity_matrix(trackers, analyzer=analyzer, select=select, **similarity_options)
        return cls.from_result(
            matrix, threshold=threshold, isolated=isolated, max_label_chars=max_label_chars, method=method
        )

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, annot: bool | None = None
    ) -> SimilarityNetworkDisplay:
        """Draw the network; returns ``self``.

        Each connected group of redundant trackers is a ring of nodes in its own colour
        (Okabe-Ito); edges are grey, thicker for higher similarity, their score written on
        them when ``annot`` (default: at most 40 edges; a score that would cover a higher one
        where chords cross is left out). Trackers without any edge are small grey dots under a
        "no edge" heading, or only counted when the layout omitted them. With ``ax=None`` the
        new figure (pyplot's, or with ``pyplot=False`` a bare Figure) is the layout's size.
        """
        from matplotlib.collections import LineCollection  # lazy: heavy

        layout = self.layout
        t, max_chars = layout.threshold, layout.max_label_chars
        edges, nodes = layout.edges, layout.nodes
        if annot is None:
            annot = len(edges) <= 40
        check_bool("annot", annot)
        x0, y0, x1, y1 = layout.extent
        lonely = nodes[nodes["group"] < 0]
        ax = self._axes(ax, pyplot, (clip(x1 - x0 + 0.4, 3.0, 20.0), clip(y1 - y0 + 0.4, 1.2, 30.0)))

        position = {name: (row.x, row.y) for name, row in nodes.iterrows()}
        segments = [[position[a], position[b]] for a, b in zip(edges["source"], edges["target"])]
        widths = 0.8 + 3.2 * (edges["score"].to_numpy() - t) / max(1.0 - t, 1e-9)
        self.edges_ = LineCollection(segments, colors=DARK_GREY, linewidths=widths, alpha=0.75, zorder=1)
        self.edges_.set_gid("network-edges")
        ax.add_collection(self.edges_)
        self.edge_labels_ = []
        if annot:
            written: list[tuple[float, float]] = []
            for (a, b), score in zip(segments, edges["score"]):  # best edges first
                mid = ((a[0] + b[0]) / 2, (a[1] + b[1]) / 2)
                if any(math.dist(mid, other) < 0.25 for other in written):
                    continue  # would cover a better edge's score (crossing chords of a ring)
                written.append(mid)
                self.edge_labels_.append(
                    ax.text(
                        *mid,
                        f"{score:.2f}",
                        fontsize=6.5,
                        ha="center",
                        va="center",
                        color=DARK_GREY,
                        zorder=3,
                        bbox={
                            "boxstyle": "round,pad=0.15",
                            "facecolor": "white",
                            "edgecolor": "none",
                            "alpha": 0.85,
                        },
                    )
                )
        linked = nodes[nodes["group"] >= 0]
        self.nodes_ = ax.scatter(
            linked["x"],
            linked["y"],
            s=60,
            c=[palette(g) for g in linked["group"]],
            edgecolors="white",
            linewidths=0.8,
            zorder=4,
        )
        self.nodes_.set_gid("network-nodes")
        self.labels_ = []
        for name, row in linked.iterrows():
            ha, va, rotation = ring_label(row.angle, row.ring)
            self.labels_.append(
                ax.text(
                    row.x + 0.09 * math.cos(row.angle),
                    row.y + 0.09 * math.sin(row.angle),
                    label(name, max_chars),
                    ha=ha,
                    va=va,
                    rotation=rotation,
                    rotation_mode="anchor",
                    fontsize=NETWORK_FONT,
                    color="black",
                    zorder=5,
                )
            )
        self.isolated_ = None
        n_lonely = layout.n_isolated
        if len(lonely):
            self.isolated_ = ax.scatter(lonely["x"], lonely["y"], s=12, c=GREY, zorder=4)
            self.isolated_.set_gid("network-isolated")
            for name, row in lonely.iterrows():
                ax.text(
                    row.x + 0.1,
                    row.y,
                    label(name, max_chars),
                    ha="left",
                    va="center",
                    fontsize=NETWORK_FONT - 1,
                    color=DARK_GREY,
                )
            ax.text(
                lonely["x"].min() - 0.08,
                lonely["y"].max() + 0.2,
                f"{len(lonely)} tracker{'s' if len(lonely) != 1 else ''} with no edge ≥ {t:g}",
                fontsize=NETWORK_FONT,
                fontstyle="italic",
                color=DARK_GREY,
                va="bottom",
            )
        elif n_lonely:
            ax.text(
                0.0,
                0.0,
                f"{n_lonely} tracker{'s' if n_lonely != 1 else ''} with no edge ≥ {t:g} not shown",
                transform=ax.transAxes,
                fontsize=NETWORK_FONT,
                fontstyle="italic",
                color=DARK_GREY,
            )
        if not len(edges):
            ax.text(
                0.5, 1.0, f"no pair with similarity ≥ {t:g}", transform=ax.transAxes, ha="center", va="top"
            )
        ax.set_xlim(x0 - 0.15, x1 + 0.15)
        ax.set_ylim(y0 - 0.15, y1 + 0.15)
        ax.set_aspect("equal", adjustable="box")
        ax.set_axis_off()
        return self


def plot_similarity_network(
    matrix: TrackerMatrix | pd.DataFrame,
    *,
    threshold: float = DEFAULT_TRACKER_THRESHOLD,
    ax: Axes | None = None,
    isolated: str = "show",
    annot: bool | None = None,
    max_label_chars: int = 30,
    method: str = "average",
) -> Axes:
    """Trackers as nodes, an edge between two trackers whose similarity is ``>= threshold``.

    ``matrix``: a :class:`~trackerkit.analysis.TrackerMatrix` or a square DataFrame with values
    in [0, 1]. The layout is :func:`trackerkit.analysis.network_layout` (deterministic, no
    networkx), drawn by :class:`SimilarityNetworkDisplay`. Returns the Axes.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .9, 0], [.9, 1, 0], [0, 0, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_network(m, threshold=0.5)
    >>> len(ax.collections[0].get_segments())         # one edge: a-b
    1
    """
    display = SimilarityNetworkDisplay.from_result(
        matrix, threshold=threshold, isolated=isolated, max_label_chars=max_label_chars, method=method
    )
    return display.plot(ax=ax, annot=annot).ax_
