"""The distribution of pair scores, the pairs at or above a threshold highlighted."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from trackerkit._validation import check_bool, check_fraction, check_number
from trackerkit.analysis import pair_scores, similarity_matrix
from trackerkit.analysis._layout import is_square_matrix
from trackerkit.analysis._results import Clustering, TrackerMatrix, as_tracker_matrix
from trackerkit.constants import DEFAULT_ANALYZER
from trackerkit.plotting._base import DARK_GREY, OKABE_ITO, Display, escape_label

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D

    from trackerkit._typing import TrackersLike

__all__ = ["SimilarityDistributionDisplay", "plot_similarity_distribution"]


class SimilarityDistributionDisplay(Display):
    """Histogram of pair scores, the pairs at or above ``threshold`` highlighted.

    Parameters
    ----------
    scores : array of float
        One score per pair.
    threshold : float, optional
        Drawn as a dashed line; the bars at or above it are orange, the others blue. In
        [0, 1] when the scores are.
    xlabel : str
        What the scores are (the x axis label).

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    patches_ : BarContainer or None
        The bars (None when there are no scores).
    threshold_line_ : Line2D or None
        The dashed line at the threshold.
    legend_ : Legend or None
        How many pairs are below and at or above the threshold.

    Examples
    --------
    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> display = SimilarityDistributionDisplay.from_result(m, threshold=0.5).plot()
    >>> int(sum(bar.get_height() for bar in display.patches_)), display.threshold_line_.get_xdata()[0]
    (3, 0.5)
    """

    patches_: BarContainer | None
    threshold_line_: Line2D | None
    legend_: Legend | None

    def __init__(
        self, scores: Sequence[float] | np.ndarray, *, threshold: float | None = None, xlabel: str = "score"
    ) -> None:
        self.scores = pair_scores(scores)
        self.unit = self.scores.size == 0 or (self.scores.min() >= 0 and self.scores.max() <= 1)
        if threshold is None:
            self.threshold = None
        elif self.unit:
            self.threshold = check_fraction("threshold", threshold, allow_zero=True)
        else:
            self.threshold = check_number("threshold", threshold)
        self.xlabel = str(xlabel)

    @classmethod
    def from_result(
        cls, result: Any, *, threshold: float | None = None, column: str | None = None
    ) -> SimilarityDistributionDisplay:
        """The distribution of ``result``'s scores: a :class:`TrackerMatrix` or square labelled
        matrix (its upper triangle without the diagonal: one score per pair of trackers), a
        pairs frame such as :func:`trackerkit.similar_phrases` or :func:`trackerkit.tracker_pairs`
        returns (its ``score`` column, or ``column``), or a sequence of scores."""
        scores = pair_scores(result, column=column)
        if column is None and (isinstance(result, (TrackerMatrix, Clustering)) or is_square_matrix(result)):
            xlabel = f"{as_tracker_matrix(result).value_label}, {scores.size} pairs of trackers"
        else:
            xlabel = f"{column or 'score'}, {scores.size} pairs"
        return cls(scores, threshold=threshold, xlabel=xlabel)

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        *,
        threshold: float | None = None,
        analyzer: str = DEFAULT_ANALYZER,
        select: Any = None,
        **similarity_options: Any,
    ) -> SimilarityDistributionDisplay:
        """The distribution of :func:`trackerkit.similarity_matrix` of ``trackers``."""
        matrix = similarity_matrix(trackers, analyzer=analyzer, select=select, **similarity_options)
        return cls.from_result(matrix, threshold=threshold)

    def plot(
        self,
        *,
        ax: Axes | None = None,
        pyplot: bool = True,
        bins: int | Sequence[float] | None = None,
        log: bool | None = None,
    ) -> SimilarityDistributionDisplay:
        """Draw the histogram; returns ``self``.

        Scores in [0, 1] use 40 bins of 0.025 (the threshold becomes a bin edge); other scores
        numpy's ``"auto"`` bins, or ``bins``. ``log`` puts the counts on a log scale; by default
        it does so when the fullest bin holds more than 50 times the pairs of the emptiest
        non-empty one (typical of a similarity matrix: most pairs of trackers share little, and
        the few redundant pairs would be invisible).
        """
        from matplotlib.patches import Patch  # lazy: heavy

        if log is not None:
            check_bool("log", log)
        scores, t = self.scores, self.threshold
        ax = self._axes(ax, pyplot, (6.4, 3.6))
        ax.set_xlabel(escape_label(self.xlabel))
        ax.set_ylabel("pairs")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        self.patches_ = self.threshold_line_ = self.legend_ = None
        if scores.size == 0:
            ax.text(0.5, 0.5, "no pairs", transform=ax.transAxes, ha="center", va="center", color=DARK_GREY)
            return self
        if bins is None:
            edges = np.arange(41) / 40 if self.unit else np.histogram_bin_edges(scores, bins="auto")
            if t is not None and edges[0] < t < edges[-1]:
                edges = np.unique(np.concatenate([edges, [t]]))
        else:
            edges = np.histogram_bin_edges(scores, bins=bins)
        counts, edges = np.histogram(scores, bins=edges)
        widths = np.diff(edges)
        above = edges[:-1] >= t if t is not None else np.zeros(len(counts), dtype=bool)
        colors = np.where(above, OKABE_ITO[1], OKABE_ITO[0])
        self.patches_ = ax.bar(
            edges[:-1],
            counts,
            width=widths,
            align="edge",
            color=list(colors),
            edgecolor="white",
            linewidth=0.4,
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
            self.threshold_line_ = ax.axvline(t, color="black", linestyle="--", linewidth=1.2)
            handles = [
                Patch(color=OKABE_ITO[0], label=f"below {t:g} ({scores.size - n_above})"),
                Patch(color=OKABE_ITO[1], label=f"≥ {t:g} ({n_above})"),
            ]
            self.legend_ = ax.legend(handles=handles, loc="upper right", fontsize=8, frameon=False)
        return self


def plot_similarity_distribution(
    pairs_or_matrix: Any,
    *,
    threshold: float | None = None,
    ax: Axes | None = None,
    column: str | None = None,
    bins: int | Sequence[float] | None = None,
    log: bool | None = None,
) -> Axes:
    """Histogram of pair scores, the pairs at or above ``threshold`` highlighted.

    ``pairs_or_matrix``: a similarity or overlap matrix, a pairs frame (its ``score`` column,
    or ``column``) or a sequence of scores; see :class:`SimilarityDistributionDisplay`.
    Returns the Axes.

    >>> import pandas as pd
    >>> m = pd.DataFrame([[1, .3, .1], [.3, 1, .8], [.1, .8, 1]], index=list("abc"), columns=list("abc"))
    >>> ax = plot_similarity_distribution(m, threshold=0.5)
    >>> int(sum(bar.get_height() for bar in ax.containers[0]))
    3
    >>> ax.lines[0].get_xdata()[0]
    0.5
    """
    display = SimilarityDistributionDisplay.from_result(pairs_or_matrix, threshold=threshold, column=column)
    return display.plot(ax=ax, bins=bins, log=log).ax_
