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
* :func:`explore`: all of them in one tabbed app (:class:`TrackerApp`).

Plots are PNG bytes in ``ipywidgets.Image`` values (no ``Output`` capture, which needs a live
front end), drawn by :mod:`trackerkit.plotting`'s displays from results computed once, and every
tracker name or phrase that becomes HTML is escaped. Each explorer loads (with ipywidgets) on
first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach

_LAZY = {
    "TITLES": "trackerkit.widgets.app",
    "TrackerApp": "trackerkit.widgets.app",
    "explore": "trackerkit.widgets.app",
    "CompareTrackers": "trackerkit.widgets.compare",
    "TrackerExplorer": "trackerkit.widgets.explorer",
    "MatchPreview": "trackerkit.widgets.match",
    "TrackerPicker": "trackerkit.widgets.picker",
    "SimilarityExplorer": "trackerkit.widgets.similarity",
}

__all__ = [
    "TITLES",
    "CompareTrackers",
    "MatchPreview",
    "SimilarityExplorer",
    "TrackerApp",
    "TrackerExplorer",
    "TrackerPicker",
    "explore",
]

__getattr__, __dir__ = attach(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from trackerkit.widgets.app import TITLES, TrackerApp, explore
    from trackerkit.widgets.compare import CompareTrackers
    from trackerkit.widgets.explorer import TrackerExplorer
    from trackerkit.widgets.match import MatchPreview
    from trackerkit.widgets.picker import TrackerPicker
    from trackerkit.widgets.similarity import SimilarityExplorer
