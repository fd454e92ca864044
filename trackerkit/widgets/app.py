"""explore(trackers): every explorer of :mod:`trackerkit.widgets` in one tabbed app."""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit.constants import ANALYZERS
from trackerkit.errors import TrackerDataError
from trackerkit.loading import as_trackers_frame, load_trackers
from trackerkit.widgets._base import Displayable, message_html
from trackerkit.widgets.compare import CompareTrackers
from trackerkit.widgets.explorer import TrackerExplorer
from trackerkit.widgets.match import MatchPreview
from trackerkit.widgets.similarity import SimilarityExplorer

if TYPE_CHECKING:
    from trackerkit._typing import TrackersLike

__all__ = ["TITLES", "TrackerApp", "explore"]

logger = logging.getLogger("trackerkit.widgets")

#: tab titles, in order
TITLES = ("Explore", "Compare", "Similarity", "Match")


class TrackerApp(Displayable):
    """The tabbed app :func:`explore` returns.

    Attributes: ``.explorer`` (:class:`TrackerExplorer`), ``.compare``
    (:class:`CompareTrackers`), ``.similarity`` (:class:`SimilarityExplorer`), ``.match``
    (:class:`MatchPreview`), ``.tabs`` (the ``ipywidgets.Tab``, titled :data:`TITLES`),
    ``.trackers`` (the trackers frame) and ``.widget`` (the root, displayed). The header names
    ``source`` when given (:func:`explore` passes the name it loaded). The explorer's "Compare
    side by side" button opens its tracker and the chosen neighbour in the Compare tab.

    **Speed.** Construction does what the first tab needs (the audit, the neighbours' vectors);
    the Match tab's replayer and the Similarity tab's matrices, pairs and heatmaps are computed
    after it, in a background thread (:meth:`wait` waits for it), and a tab opened before they
    are ready waits for what it shows. On Symbl's largest account (500 trackers) the first view
    takes a few seconds and each interaction well under a second: see
    ``benchmarks/bench_widgets.py``. A failure in the background shows in its tab, when used.
    """

    def __init__(self, trackers: TrackersLike, *, source: str | None = None) -> None:
        self.trackers = as_trackers_frame(trackers)
        if self.trackers.empty:
            raise TrackerDataError("the account has no trackers: there is nothing to explore")
        self.explorer = TrackerExplorer(self.trackers)
        self.compare = CompareTrackers(self.trackers)
        # the other tabs' work, which nobody needs in the first seconds, is done after the first
        # view is built, in a background thread (alongside, it would only slow the first view:
        # the work is mostly Python); a tab opened sooner waits for what it shows
        self.similarity = SimilarityExplorer(self.trackers, defer=True)
        self.match = MatchPreview(self.trackers, defer=True)
        self.tabs = widgets.Tab(
            children=[self.explorer.widget, self.compare.widget, self.similarity.widget, self.match.widget],
            titles=TITLES,
        )
        self.tabs.add_class("tk-tabs")
        about = f"{len(self.trackers)} trackers, {int(self.trackers['n_phrases'].sum())} phrases"
        self.header = widgets.HTML(
            message_html(f"trackerkit: {about}" + (f" ({source})" if source else ""), "info")
        )
        self.widget = widgets.VBox([self.header, self.tabs])
        self.widget.add_class("tk-app")
        self.explorer.on_compare(self._open_compare)
        self.tabs.observe(self._on_tab, "selected_index")
        self._thread = threading.Thread(target=self._prepare, name="trackerkit-app", daemon=True)
        self._thread.start()

    def _prepare(self) -> None:
        """The background thread: the Match tab's replayer, then the Similarity tab's results
        (the default analyzer first). A failure is left for the tab to meet again, in the
        caller's thread, and report."""
        try:
            self.match.replayer  # noqa: B018  (fitted now)
        except Exception:  # shown by the Match tab when it fails again there
            logger.debug("background fitting of the replayer failed", exc_info=True)
        self.similarity._prepare_all(
            [self.similarity.analyzer.value] + [a for a in ANALYZERS if a != self.similarity.analyzer.value]
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the work done in the background after the first view (the Match tab's
        replayer, the Similarity tab's results); returns whether it is done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _plain_text(self) -> str:
        return (
            f"trackerkit app: {len(self.trackers)} trackers, tabs {', '.join(TITLES)} "
            "(an interactive widget: run the notebook with a Python kernel to use it)"
        )

    def show(self, title: str) -> None:
        """Switch to the tab titled ``title`` (one of :data:`TITLES`)."""
        self.tabs.selected_index = TITLES.index(title)

    def _on_tab(self, change: dict[str, Any]) -> None:
        if change["new"] == TITLES.index("Similarity") and self.similarity._shown is None:
            self.similarity._on_change(change)  # guarded: a failure shows in the tab

    def _open_compare(self, tracker: str, other: str) -> None:
        self.compare.compare(tracker, other)
        self.show("Compare")

    def close(self) -> None:
        self.similarity._closed = True  # the background thread stops after its current step
        self._thread.join()
        self.similarity.close()
        super().close()


def explore(trackers: TrackersLike = "sample") -> TrackerApp:
    """All of trackerkit's explorers in one tabbed app: Explore (one tracker), Compare (two
    trackers), Similarity (heatmap and pairs) and Match (which trackers a sentence triggers).

    ``trackers``: whatever :func:`trackerkit.load_trackers` accepts (default: the sample
    account; a name or path given as text is shown in the header). Returns the
    :class:`TrackerApp`; a cell ending with it displays it.
    """
    import pandas as pd  # lazy: heavy

    frame = trackers if isinstance(trackers, pd.DataFrame) else load_trackers(trackers)
    source = str(trackers) if isinstance(trackers, (str, os.PathLike)) else None
    return TrackerApp(frame, source=source)
