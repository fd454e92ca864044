"""The clustered heatmap of a tracker x tracker matrix."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from trackerkit._validation import (
    check_axes,
    check_bool,
    check_choice,
    check_colormap,
    check_count,
    check_number,
)
from trackerkit.analysis import cluster_order, similarity_matrix
from trackerkit.analysis._results import Clustering, TrackerMatrix, as_tracker_matrix
from trackerkit.constants import DEFAULT_ANALYZER, LINKAGE_METHODS
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting._base import (
    Display,
    axes_size_in,
    clip,
    escape_label,
    label,
    label_font,
    new_figure,
    rough_width_in,
)

if TYPE_CHECKING:
    import pandas as pd
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.image import AxesImage

    from trackerkit._typing import TrackersLike

__all__ = ["SimilarityHeatmapDisplay", "plot_similarity_heatmap"]


class SimilarityHeatmapDisplay(Display):
    """Heatmap of a similarity or overlap matrix, its trackers in a given order.

    Parameters
    ----------
    matrix : TrackerMatrix
        The values, and what they are (:attr:`TrackerMatrix.value_label` names the colour bar).
    order : list of str, optional
        The labels, in the order of the rows and columns drawn (default: the matrix's order).

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    im_ : AxesImage
        The cells (the diagonal masked); its array is in ``order``.
    colorbar_ : Colorbar or None
        The colour bar, when drawn.
    text_ : ndarray of Text or None
        ``text_[i, j]`` writes the value of cell (i, j) (None on the diagonal); None when the
        values are not written.
    grid_ : list of LineCollection
        The thin white lines between cells (empty for one or more than 40 trackers).

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .2], [.1, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> display = SimilarityHeatmapDisplay.from_result(m).plot()
    >>> display.order
    ['c', 'b', 'a']
    >>> display.text_[0, 1].get_text()
    '0.20'
    """

    im_: AxesImage
    colorbar_: Colorbar | None
    text_: np.ndarray | None
    grid_: list[Any]

    def __init__(self, matrix: TrackerMatrix, order: Sequence[str] | None = None) -> None:
        self.matrix = matrix
        self.order = matrix.labels if order is None else [str(o) for o in order]
        if sorted(self.order) != sorted(matrix.labels):
            raise InvalidParameterError(
                "order must hold each label of the matrix once; got "
                f"{len(self.order)} labels for {len(matrix)} trackers",
                parameter="order",
            )

    @classmethod
    def from_result(
        cls,
        result: TrackerMatrix | Clustering | pd.DataFrame,
        *,
        cluster: bool = True,
        method: str = "average",
    ) -> SimilarityHeatmapDisplay:
        """The heatmap of a :class:`TrackerMatrix` (:func:`trackerkit.similarity_matrix`,
        :func:`trackerkit.overlap_matrix`), a :class:`Clustering` (its matrix, in the order of
        its ready tree) or a square DataFrame labelled by tracker.

        With ``cluster`` the rows and columns follow :func:`trackerkit.analysis.cluster_order`
        (``method`` linkage), so groups of similar trackers become blocks along the diagonal;
        otherwise the matrix order is kept.
        """
        check_bool("cluster", cluster)
        check_choice("method", method, LINKAGE_METHODS)
        matrix = as_tracker_matrix(result, "matrix", min_size=1)
        if not cluster:
            return cls(matrix)
        return cls(matrix, cluster_order(result if isinstance(result, Clustering) else matrix, method=method))

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        *,
        analyzer: str = DEFAULT_ANALYZER,
        select: Any = None,
        cluster: bool = True,
        method: str = "average",
        **similarity_options: Any,
    ) -> SimilarityHeatmapDisplay:
        """The heatmap of :func:`trackerkit.similarity_matrix` of ``trackers`` (``analyzer``,
        ``select`` and ``similarity_options`` are its own)."""
        matrix = similarity_matrix(trackers, analyzer=analyzer, select=select, **similarity_options)
        return cls.from_result(matrix, cluster=cluster, method=method)

    def plot(
        self,
        *,
        ax: Axes | None = None,
        pyplot: bool = True,
        annot: bool | None = None,
        fmt: str | None = None,
        cmap: Any = "viridis",
        vmin: float | None = None,
        vmax: float | None = None,
        cbar: bool = True,
        cbar_label: str | None = None,
        max_label_chars: int = 30,
    ) -> SimilarityHeatmapDisplay:
        """Draw the heatmap; returns ``self``.

        Parameters
        ----------
        ax : Axes, optional
            Where to draw; by default a new figure sized for the matrix (a square of cells
            growing with the number of trackers, up to 13 inches, with margins for the labels).
        pyplot : bool
            With ``ax=None``: make the figure with pyplot (True, so Jupyter shows it) or as a
            bare ``matplotlib.figure.Figure`` touching no global state (False).
        annot : bool, optional
            Write the values in the cells (default: at most 20 trackers), formatted with
            ``fmt`` (default ``".2f"``, or ``"d"`` for counts).
        cmap, vmin, vmax : colour scale
            ``cmap`` (viridis) from ``vmin`` (default 0) to ``vmax`` (default: the largest
            off-diagonal value, rounded up to a tenth for similarities; ``vmax=1`` compares
            heatmaps on one scale).
        cbar, cbar_label : bool, str
            A colour bar, labelled ``cbar_label`` (default :attr:`TrackerMatrix.value_label`).
        max_label_chars : int
            Tracker names are cut to this many characters.
        """
        import matplotlib as mpl  # lazy: heavy

        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        colormap = check_colormap(cmap).with_extremes(bad="white")
        if annot is not None:
            check_bool("annot", annot)
        check_bool("cbar", cbar)
        n = len(self.order)
        integers = self.matrix.integers
        values = self.matrix.matrix.loc[self.order, self.order].to_numpy(dtype=float)
        if integers:
            values = values.astype(np.int64)  # counts: annotated as integers
        off = values[~np.eye(n, dtype=bool)]
        unit = off.size == 0 or (off.min() >= -1e-9 and off.max() <= 1 + 1e-9)
        lo = 0.0 if vmin is None else check_number("vmin", vmin)
        if vmax is not None:
            hi = check_number("vmax", vmax)
        elif unit:  # the largest off-diagonal value, rounded up to a tenth: blocks stand out
            hi = min(1.0, max(0.1, math.ceil(float(off.max() if off.size else 1.0) * 10 - 1e-9) / 10))
        else:
            hi = float(off.max())
        if not hi > lo:
            raise InvalidParameterError(
                f"vmax must be larger than vmin, got vmin={lo!r}, vmax={hi!r}", parameter="vmax"
            )
        if annot is None:
            annot = n <= 20
        if fmt is None:
            fmt = "d" if integers else ".2f"

        texts = [label(name, max_chars) for name in self.order]
        cax = None
        if ax is None:  # a figure laid out by hand: constrained layout would measure 2n labels again
            check_bool("pyplot", pyplot)
            ax, cax = _heatmap_figure(n, texts, cbar, pyplot=pyplot)
        else:
            ax = check_axes(ax)
        self.ax_, self.figure_ = ax, ax.figure
        masked = np.ma.masked_array(values, mask=np.eye(n, dtype=bool))
        self.im_ = ax.imshow(masked, cmap=colormap, vmin=lo, vmax=hi, interpolation="nearest", aspect="equal")
        self.im_.set_gid("similarity-heatmap")

        width_in, height_in = axes_size_in(ax)
        size, step = label_font(n, min(width_in, height_in))
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
        self.grid_ = []
        if 1 < n <= 40:  # thin white lines between cells
            edges = np.arange(1, n) - 0.5
            for lines in (
                ax.vlines(edges, -0.5, n - 0.5, colors="white", linewidths=0.6),
                ax.hlines(edges, -0.5, n - 0.5, colors="white", linewidths=0.6),
            ):
                lines.set_gid("heatmap-grid")
                self.grid_.append(lines)
        for spine in ax.spines.values():
            spine.set_visible(False)

        self.text_ = None
        if annot:
            self.text_ = np.full((n, n), None, dtype=object)
            cell_pt = 72.0 * min(width_in, height_in) / max(n, 1)
            sample = max((format(v, fmt) for v in (off.min(), off.max())), key=len) if off.size else "0"
            annot_size = clip(cell_pt / (0.62 * max(len(sample), 3)), 5.0, 10.0)
            norm = mpl.colors.Normalize(lo, hi)
            for i in range(n):
                for j in range(n):
                    if i == j:
                        continue
                    r, g, b, _ = colormap(norm(values[i, j]))
                    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
                    self.text_[i, j] = ax.text(
                        j,
                        i,
                        format(values[i, j], fmt),
                        ha="center",
                        va="center",
                        fontsize=annot_size,
                        color="black" if luminance > 0.45 else "white",
                    )
        self.colorbar_ = None
        if cbar:
            text = cbar_label if cbar_label is not None else self.matrix.value_label
            if cax is not None:
                bar = ax.figure.colorbar(self.im_, cax=cax)
            else:
                bar = ax.figure.colorbar(self.im_, ax=ax, fraction=0.046, pad=0.03, shrink=0.8)
            bar.set_label(escape_label(text))
            if integers:
                from matplotlib.ticker import MaxNLocator  # lazy: heavy

                bar.locator = MaxNLocator(integer=True)
                bar.update_ticks()
            bar.outline.set_visible(False)
            self.colorbar_ = bar
        return self


def _heatmap_figure(n: int, texts: list[str], cbar: bool, *, pyplot: bool) -> tuple[Axes, Axes | None]:
    """A new figure sized for an ``n`` x ``n`` heatmap, with margins for its labels (estimated,
    generously) and room for a title, and the Axes of its colour bar."""
    side = clip(0.16 * n + 1.6, 2.5, 13.0)  # the square of cells, inches
    size, _ = label_font(n, side)
    width_label = max((rough_width_in(t, size) for t in texts), default=0.0) * 1.05 + 0.1
    left = width_label + 0.15
    bottom = width_label + 0.15 if n > 6 else width_label * 0.72 + 0.2
    right = 1.25 if cbar else 0.2
    top = 0.45
    width, height = left + side + right, bottom + side + top
    fig = new_figure((width, height), pyplot=pyplot, layout=None)
    ax = fig.add_axes((left / width, bottom / height, side / width, side / height))
    cax = None
    if cbar:
        cax = fig.add_axes(
            ((left + side + 0.2) / width, (bottom + 0.1 * side) / height, 0.18 / width, 0.8 * side / height)
        )
    return ax, cax


def plot_similarity_heatmap(
    matrix: TrackerMatrix | Clustering | pd.DataFrame,
    *,
    ax: Axes | None = None,
    cluster: bool = True,
    method: str = "average",
    **plot_options: Any,
) -> Axes:
    """Heatmap of a similarity or overlap matrix, redundant trackers forming blocks.

    ``matrix``: a :class:`~trackerkit.analysis.TrackerMatrix` (:func:`trackerkit.similarity_matrix`,
    :func:`trackerkit.overlap_matrix`), a :class:`~trackerkit.analysis.Clustering`, or a square
    DataFrame labelled by tracker name. The rows and columns follow its clustering when
    ``cluster`` (else the matrix order); the diagonal is masked (white); the colour bar says
    what the values are. ``plot_options`` are :meth:`SimilarityHeatmapDisplay.plot`'s
    (``annot``, ``fmt``, ``cmap``, ``vmin``, ``vmax``, ``cbar``, ``cbar_label``,
    ``max_label_chars``). Returns the Axes.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .8, .1], [.8, 1, .2], [.1, .2, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_heatmap(m)
    >>> [t.get_text() for t in ax.get_yticklabels()]
    ['c', 'b', 'a']
    >>> len(ax.texts)                                 # 3 x 3 cells, diagonal masked
    6
    """
    return (
        SimilarityHeatmapDisplay.from_result(matrix, cluster=cluster, method=method)
        .plot(ax=ax, **plot_options)
        .ax_
    )
