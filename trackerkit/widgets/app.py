"""explore(trackers): every explorer of :mod:`trackerkit.widgets` in one tabbed app."""

from __future__ import annotations

import logging
import os
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit.constants import ANALYZERS
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.loading import as_trackers_frame, load_trackers
from trackerkit.widgets._base import Displayable, message_html
from trackerkit.widgets.compare import CompareTrackers
from trackerkit.widgets.explorer import TrackerExplorer
from trackerkit.widgets.hits import HitsExplorer, HitsSource, as_messages
from trackerkit.widgets.match import MatchPreview
from trackerkit.widgets.review import ReviewPanel
from trackerkit.widgets.similarity import SimilarityExplorer

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike
    from trackerkit.analysis._review import ReviewLog

__all__ = ["HIT_TITLES", "TITLES", "TrackerApp", "explore"]

logger = logging.getLogger("trackerkit.widgets")

#: tab titles, in order
TITLES = ("Explore", "Compare", "Similarity", "Match")
#: the titles of the tabs added after them when conversations are given
HIT_TITLES = ("Hits", "Review")


class TrackerApp(Displayable):
    """The tabbed app :func:`explore` returns.

    Attributes: ``.explorer`` (:class:`TrackerExplorer`), ``.compare``
    (:class:`CompareTrackers`), ``.similarity`` (:class:`SimilarityExplorer`), ``.match``
    (:class:`MatchPreview`), ``.tabs`` (the ``ipywidgets.Tab``, titled :data:`TITLES`),
    ``.trackers`` (the trackers frame) and ``.widget`` (the root, displayed). With
    ``conversations``, two more tabs (:data:`HIT_TITLES`): Hits (``.hits``, a
    :class:`HitsExplorer`) and Review (``.review``, a :class:`ReviewPanel` saving to
    ``review_log``); ``.titles`` lists the tabs shown (``None`` for ``.hits``, ``.review`` and
    ``.messages`` without conversations). The header names
    ``source`` when given (:func:`explore` passes the name it loaded). The explorer's "Compare
    side by side" button opens its tracker and the chosen neighbour in the Compare tab.

    **Speed.** Construction does what the first tab needs (the audit, the neighbours' vectors);
    the Match tab's replayer and the Similarity tab's matrices, pairs and heatmaps are computed
    after it, in a background thread (:meth:`wait` waits for it), and so are the hits (the replay
    of the trackers over the conversations, unless ``hits`` are given), their tables and the
    review sample; a tab opened before they
    are ready waits for what it shows. On Symbl's largest account (500 trackers) the first view
    takes a few seconds and each interaction well under a second: see
    ``benchmarks/bench_widgets.py``. A failure in the background shows in its tab, when used.
    """

    def __init__(
        self,
        trackers: TrackersLike,
        *,
        source: str | None = None,
        conversations: Any = None,
        hits: pd.DataFrame | None = None,
        review_log: ReviewLog | str | os.PathLike[str] | None = None,
    ) -> None:
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
        children = [self.explorer.widget, self.compare.widget, self.similarity.widget, self.match.widget]
        self.titles = TITLES
        self.messages: pd.DataFrame | None = None
        self.hits: HitsExplorer | None = None
        self.review: ReviewPanel | None = None
        if conversations is None and hits is not None:
            raise InvalidParameterError(
                "hits need the conversations they were found in (conversations=...): the rates' "
                "denominators and the messages around each hit come from them",
                parameter="hits",
            )
        if conversations is not None:
            self.messages = as_messages(conversations)
            shared = HitsSource(self.trackers, self.messages, hits)
            self.hits = HitsExplorer(self.trackers, self.messages, shared, defer=True)
            self.review = ReviewPanel(shared, review_log, messages=self.messages, defer=True)
            children += [self.hits.widget, self.review.widget]
            self.titles = TITLES + HIT_TITLES
        self.tabs = widgets.Tab(children=children, titles=self.titles)
        self.tabs.add_class("tk-tabs")
        about = f"{len(self.trackers)} trackers, {int(self.trackers['n_phrases'].sum())} phrases"
        if self.messages is not None:
            n_conv = int(self.messages["conversation_id"].nunique())
            about += f", {n_conv} conversations ({len(self.messages)} messages)"
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
        if self.hits is not None and self.review is not None:
            try:
                self.hits.prepare()  # the replay (unless hits were given) and the hit tables
                self.review.sample  # noqa: B018  (drawn now)
            except Exception:  # shown by the Hits or Review tab when it fails again there
                logger.debug("background computing of the hits failed", exc_info=True)
        self.similarity._prepare_all(
            [self.similarity.analyzer.value] + [a for a in ANALYZERS if a != self.similarity.analyzer.value]
        )

    def wait(self, timeout: float | None = None) -> bool:
        """Wait for the work done in the background after the first view (the Match tab's
        replayer, the hits, the Similarity tab's results); returns whether it is done."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    def _plain_text(self) -> str:
        return (
            f"trackerkit app: {len(self.trackers)} trackers, tabs {', '.join(self.titles)} "
            "(an interactive widget: run the notebook with a Python kernel to use it)"
        )

    def show(self, title: str) -> None:
        """Switch to the tab titled ``title`` (one of ``.titles``)."""
        self.tabs.selected_index = self.titles.index(title)

    def _on_tab(self, change: dict[str, Any]) -> None:
        title = self.titles[change["new"]] if change["new"] is not None else None
        if title == "Similarity" and self.similarity._shown is None:
            self.similarity._on_change(change)  # guarded: a failure shows in the tab
        elif title == "Hits" and self.hits is not None:
            self.hits._on_show()  # guarded
        elif title == "Review" and self.review is not None:
            self.review._on_show()  # guarded

    def _open_compare(self, tracker: str, other: str) -> None:
        self.compare.compare(tracker, other)
        self.show("Compare")

    def close(self) -> None:
        self.similarity._closed = True  # the background thread stops after its current step
        self._thread.join()
        self.similarity.close()
        super().close()


def explore(
    trackers: TrackersLike = "sample",
    conversations: Any = None,
    hits: pd.DataFrame | None = None,
    review_log: ReviewLog | str | os.PathLike[str] | None = None,
) -> TrackerApp:
    """All of trackerkit's explorers in one tabbed app: Explore (one tracker), Compare (two
    trackers), Similarity (heatmap and pairs) and Match (which trackers a sentence triggers);
    with ``conversations``, also Hits (where each tracker fires, its phrases' hits, dead
    phrases, examples in context) and Review (label hits right or wrong, running precision).

    ``trackers``: whatever :func:`trackerkit.load_trackers` accepts (default: the sample
    account; a name or path given as text is shown in the header). ``conversations``: a
    messages frame or anything :func:`trackerkit.load_conversations` accepts (``"sample"``,
    ``"ami"``, a transcript file...). ``hits``: stored hits of those conversations
    (:func:`trackerkit.load_tracker_results`); by default the replay of ``trackers`` over them,
    computed once in the background after the first view. ``review_log``: where the Review
    tab saves its labels, append-only (a :class:`trackerkit.analysis.ReviewLog` or a path;
    default ``trackerkit-review.jsonl`` in the current folder, created by the first label).
    Returns the :class:`TrackerApp`; a cell ending with it displays it, e.g.
    ``explore("sample", conversations="sample", review_log="labels.jsonl")``.
    """
    import pandas as pd  # lazy: heavy

    frame = trackers if isinstance(trackers, pd.DataFrame) else load_trackers(trackers)
    source = str(trackers) if isinstance(trackers, (str, os.PathLike)) else None
    return TrackerApp(frame, source=source, conversations=conversations, hits=hits, review_log=review_log)
