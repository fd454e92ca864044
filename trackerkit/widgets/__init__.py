"""Jupyter widgets to explore trackers by picking them by name or id, not by writing code.

    >>> import trackerkit
    >>> app = trackerkit.explore(trackerkit.load_trackers("sample"))  # doctest: +SKIP
    >>> app                                                           # doctest: +SKIP

Each explorer is a plain class composing ipywidgets: its state is in attributes (``.value``,
``.selected``, ``.table``, ``.pairs``, ``.ranking``...) so it can be driven and asserted
without a browser, and it displays as its root widget ``.widget`` (``_repr_mimebundle_``
delegates to it), so a cell ending with one shows it:

* :class:`TrackerPicker`: one box for a name or an id, autocompleting ``name (id)``;
* :class:`TrackerExplorer`: one tracker's vocabulary, neighbours, shared phrases and findings;
* :class:`CompareTrackers`: two trackers side by side;
* :class:`SimilarityExplorer`: the clustered heatmap and the pairs above a threshold;
* :class:`MatchPreview`: the trackers a typed sentence would trigger;
* :class:`HitsExplorer`: where a tracker fires in conversations: its rate, its phrases' hits,
  its dead phrases, example messages in context;
* :class:`ReviewPanel`: label a sample of hits right / wrong / skip from the keyboard, with the
  running precision (labels saved append-only in a :class:`trackerkit.analysis.ReviewLog`);
* :func:`explore`: all of them in one tabbed app (:class:`TrackerApp`; the Hits and Review
  tabs when conversations are given).

Plots are PNG bytes in ``ipywidgets.Image`` values (no ``Output`` capture, which needs a live
front end), drawn by :mod:`trackerkit.plotting`'s displays from results computed once, and every
tracker name or phrase that becomes HTML is escaped. Each explorer loads (with ipywidgets) on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach

_LAZY = {
    "HIT_TITLES": "trackerkit.widgets.app",
    "TITLES": "trackerkit.widgets.app",
    "TrackerApp": "trackerkit.widgets.app",
    "explore": "trackerkit.widgets.app",
    "CompareTrackers": "trackerkit.widgets.compare",
    "TrackerExplorer": "trackerkit.widgets.explorer",
    "HitsExplorer": "trackerkit.widgets.hits",
    "ReviewPanel": "trackerkit.widgets.review",
    "MatchPreview": "trackerkit.widgets.match",
    "TrackerPicker": "trackerkit.widgets.picker",
    "SimilarityExplorer": "trackerkit.widgets.similarity",
}

__all__ = [
    "HIT_TITLES",
    "TITLES",
    "CompareTrackers",
    "HitsExplorer",
    "MatchPreview",
    "ReviewPanel",
    "SimilarityExplorer",
    "TrackerApp",
    "TrackerExplorer",
    "TrackerPicker",
    "explore",
]

__getattr__, __dir__ = attach(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from trackerkit.widgets.app import HIT_TITLES, TITLES, TrackerApp, explore
    from trackerkit.widgets.compare import CompareTrackers
    from trackerkit.widgets.explorer import TrackerExplorer
    from trackerkit.widgets.hits import HitsExplorer
    from trackerkit.widgets.match import MatchPreview
    from trackerkit.widgets.picker import TrackerPicker
    from trackerkit.widgets.review import ReviewPanel
    from trackerkit.widgets.similarity import SimilarityExplorer
