"""MatchPreview: type a sentence, see which trackers it would trigger and why."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit.analysis import TrackerMatcher
from trackerkit.loading import as_trackers_frame
from trackerkit.widgets._base import Displayable, frame_html, guarded, message_html

if TYPE_CHECKING:
    from trackerkit._typing import TrackersLike

__all__ = ["MatchPreview"]


class MatchPreview(Displayable):
    """Preview which trackers a sentence would trigger, with the phrases that make it match.

    ``.text`` (a Text box, updating as you type) and ``.k`` (how many trackers to list) drive
    ``.ranking`` (the DataFrame :meth:`trackerkit.TrackerMatcher.rank` returns) shown in
    ``.results_html``. The :class:`trackerkit.TrackerMatcher` (``.matcher``) is fitted once, at
    construction: ranking a sentence is fast enough (a few ms on 150 trackers, see
    ``benchmarks/bench_widgets.py``) to follow every keystroke without debouncing.
    ``.elapsed_ms`` is the time the last ranking took.
    """

    def __init__(self, trackers: TrackersLike, *, k: int = 5, text: str = "") -> None:
        self.trackers = as_trackers_frame(trackers)
        self.matcher = TrackerMatcher().fit(self.trackers)
        self.ranking: Any = None
        self.elapsed_ms = 0.0
        self.text = widgets.Text(
            value="",
            placeholder="type a sentence a caller might say",
            description="Sentence",
            continuous_update=True,
            layout=widgets.Layout(width="640px"),
        )
        self.text.add_class("tk-match-input")
        self.k = widgets.BoundedIntText(
            value=k,
            min=1,
            max=max(1, len(self.trackers)),
            description="Show",
            layout=widgets.Layout(width="140px"),
        )
        self.results_html = widgets.HTML()
        self.results_html.add_class("tk-match-results")
        self.widget = widgets.VBox([widgets.HBox([self.text, self.k]), self._error_box(), self.results_html])
        self.widget.add_class("tk-match")
        self.text.observe(self._on_change, "value")
        self.k.observe(self._on_change, "value")
        self.text.value = text
        self.update()

    @guarded
    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Rank the trackers for the current sentence and show them."""
        sentence = self.text.value
        if not sentence.strip():
            self.ranking = None
            self.results_html.value = message_html(
                "Type a sentence to see the trackers it would trigger.", "muted"
            )
            return
        start = time.perf_counter()
        self.ranking = self.matcher.rank(sentence, k=int(self.k.value))
        self.elapsed_ms = (time.perf_counter() - start) * 1000
        self.results_html.value = frame_html(
            _shown(self.ranking),
            caption="Trackers this sentence would trigger, best first",
            empty="no tracker matches this sentence",
        )


def _shown(ranking: Any) -> Any:
    """The ranking as shown: evidence phrases quoted, each with its cosine to the sentence."""
    shown = ranking[["rank", "tracker", "score"]].copy()
    shown["evidence (closest phrases)"] = [
        "; ".join(f"\u201c{phrase}\u201d {score:.2f}" for phrase, score in zip(phrases, scores))
        for phrases, scores in zip(ranking["evidence"], ranking["evidence_scores"])
    ]
    return shown
