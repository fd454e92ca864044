"""Plots of trackers and of their similarities, drawn with matplotlib: a Display per view.

Each view is a *Display* (scikit-learn's pattern): built from computed results
(``from_result``: a :class:`~trackerkit.analysis.TrackerMatrix`,
:class:`~trackerkit.analysis.Clustering`, :class:`~trackerkit.analysis.TrackerComparison`, a
pairs frame...) or from the trackers (``from_trackers``, which runs the analysis first), and
drawn by ``plot(ax=None, ...)``, which returns the display with its artists (``ax_``,
``figure_``, ``im_``, ``bars_``...) so code can update them. A display never computes what it is
given. Each ``plot_*`` function is the one-line shortcut, in seaborn's style: it returns the
Axes.

=================================== ===========================================================
:class:`SimilarityHeatmapDisplay`   clustered heatmap of a tracker x tracker matrix
                                    (:func:`plot_similarity_heatmap`)
:class:`TrackerComparisonDisplay`   two trackers' phrases side by side (:func:`plot_tracker_comparison`)
:class:`DendrogramDisplay`          the clustering's tree (:func:`plot_dendrogram`)
:class:`SimilarityNetworkDisplay`   rings of similar trackers (:func:`plot_similarity_network`)
:class:`VocabularySizesDisplay`     phrases per tracker against Symbl's 5..50
                                    (:func:`plot_vocabulary_sizes`)
:class:`SimilarityDistributionDisplay` the distribution of pair scores
                                    (:func:`plot_similarity_distribution`)
:class:`HitRatesDisplay`            hit rates, literal and by meaning stacked (:func:`plot_hit_rates`)
:class:`PhraseHitsDisplay`          a tracker's phrase hits, dead phrases marked (:func:`plot_phrase_hits`)
:class:`CoOccurrenceDisplay`        trackers firing together (:func:`plot_co_occurrence`)
:class:`HitTrendDisplay`            rates per week or month (:func:`plot_hit_trend`)
:class:`PrecisionDisplay`           reviewed precision with Wilson intervals (:func:`plot_precision`)
:class:`VocabularyChangeDisplay`    what a vocabulary change gains and loses
                                    (:func:`plot_vocabulary_change`)
:class:`ChangesDisplay`             what changed per tracker, from ``diff_accounts``
                                    (:func:`plot_changes`)
=================================== ===========================================================

    >>> import trackerkit
    >>> from trackerkit.plotting import VocabularySizesDisplay
    >>> display = VocabularySizesDisplay.from_trackers(trackerkit.load_trackers("sample")).plot()
    >>> len(display.bars_)                         # one bar per tracker
    48

With ``ax=None`` a display makes a figure sized for its data, with pyplot so notebooks show it
(``pyplot=False``: a bare ``matplotlib.figure.Figure``, no global state, for reports and
servers); nothing calls ``plt.show()``. Orderings and layouts are pure functions of the data,
so two renders of the same data give the same pixels; a wrong input raises
:class:`trackerkit.InvalidParameterError` naming the parameter, before matplotlib or scipy
sees it. Colours are colour-blind safe, and labels stay readable from 5 to 150 trackers (see
``_base``). matplotlib is imported on first use only; ``import trackerkit`` does not load it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach

_LAZY = {
    "OKABE_ITO": "trackerkit.plotting._base",
    "close_figure": "trackerkit.plotting._base",
    "escape_label": "trackerkit.plotting._base",
    "figure_to_png": "trackerkit.plotting._base",
    "truncate_label": "trackerkit.plotting._base",
    "ChangesDisplay": "trackerkit.plotting._changes",
    "plot_changes": "trackerkit.plotting._changes",
    "SimilarityHeatmapDisplay": "trackerkit.plotting._heatmap",
    "plot_similarity_heatmap": "trackerkit.plotting._heatmap",
    "TrackerComparisonDisplay": "trackerkit.plotting._comparison",
    "plot_tracker_comparison": "trackerkit.plotting._comparison",
    "DendrogramDisplay": "trackerkit.plotting._dendrogram",
    "plot_dendrogram": "trackerkit.plotting._dendrogram",
    "SimilarityNetworkDisplay": "trackerkit.plotting._network",
    "plot_similarity_network": "trackerkit.plotting._network",
    "VocabularySizesDisplay": "trackerkit.plotting._sizes",
    "plot_vocabulary_sizes": "trackerkit.plotting._sizes",
    "SimilarityDistributionDisplay": "trackerkit.plotting._distribution",
    "plot_similarity_distribution": "trackerkit.plotting._distribution",
    "CoOccurrenceDisplay": "trackerkit.plotting._hits",
    "HitRatesDisplay": "trackerkit.plotting._hits",
    "HitTrendDisplay": "trackerkit.plotting._hits",
    "PhraseHitsDisplay": "trackerkit.plotting._hits",
    "PrecisionDisplay": "trackerkit.plotting._hits",
    "VocabularyChangeDisplay": "trackerkit.plotting._hits",
    "plot_co_occurrence": "trackerkit.plotting._hits",
    "plot_hit_rates": "trackerkit.plotting._hits",
    "plot_hit_trend": "trackerkit.plotting._hits",
    "plot_phrase_hits": "trackerkit.plotting._hits",
    "plot_precision": "trackerkit.plotting._hits",
    "plot_vocabulary_change": "trackerkit.plotting._hits",
}

__all__ = [
    "OKABE_ITO",
    "ChangesDisplay",
    "CoOccurrenceDisplay",
    "DendrogramDisplay",
    "HitRatesDisplay",
    "HitTrendDisplay",
    "PhraseHitsDisplay",
    "PrecisionDisplay",
    "SimilarityDistributionDisplay",
    "SimilarityHeatmapDisplay",
    "SimilarityNetworkDisplay",
    "TrackerComparisonDisplay",
    "VocabularyChangeDisplay",
    "VocabularySizesDisplay",
    "close_figure",
    "escape_label",
    "figure_to_png",
    "plot_changes",
    "plot_co_occurrence",
    "plot_dendrogram",
    "plot_hit_rates",
    "plot_hit_trend",
    "plot_phrase_hits",
    "plot_precision",
    "plot_similarity_distribution",
    "plot_similarity_heatmap",
    "plot_similarity_network",
    "plot_tracker_comparison",
    "plot_vocabulary_change",
    "plot_vocabulary_sizes",
    "truncate_label",
]

__getattr__, __dir__ = attach(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from trackerkit.plotting._base import OKABE_ITO, close_figure, escape_label, figure_to_png, truncate_label
    from trackerkit.plotting._changes import ChangesDisplay, plot_changes
    from trackerkit.plotting._comparison import TrackerComparisonDisplay, plot_tracker_comparison
    from trackerkit.plotting._dendrogram import DendrogramDisplay, plot_dendrogram
    from trackerkit.plotting._distribution import SimilarityDistributionDisplay, plot_similarity_distribution
    from trackerkit.plotting._heatmap import SimilarityHeatmapDisplay, plot_similarity_heatmap
    from trackerkit.plotting._hits import (
        CoOccurrenceDisplay,
        HitRatesDisplay,
        HitTrendDisplay,
        PhraseHitsDisplay,
        PrecisionDisplay,
        VocabularyChangeDisplay,
        plot_co_occurrence,
        plot_hit_rates,
        plot_hit_trend,
        plot_phrase_hits,
        plot_precision,
        plot_vocabulary_change,
    )
    from trackerkit.plotting._network import SimilarityNetworkDisplay, plot_similarity_network
    from trackerkit.plotting._sizes import VocabularySizesDisplay, plot_vocabulary_sizes
