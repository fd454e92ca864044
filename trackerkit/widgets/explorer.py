"""TrackerExplorer: one tracker at a time, its vocabulary, neighbours, shared phrases and findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_choice, check_count
from trackerkit.analysis import audit, compare_trackers
from trackerkit.analysis._similarity import NeighbourIndex
from trackerkit.constants import ANALYZERS, DEFAULT_ANALYZER
from trackerkit.loading import as_trackers_frame, vocabulary_frame
from trackerkit.lookup import select_trackers
from trackerkit.widgets._base import Displayable, escape, frame_html, guarded, message_html
from trackerkit.widgets.picker import TrackerPicker
from trackerkit.widgets.similarity import ANALYZER_LABELS

if TYPE_CHECKING:
    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = ["TrackerExplorer"]


class TrackerExplorer(Displayable):
    """Explore one tracker: pick it by name or id, see its vocabulary, its most similar trackers
    (with scores), the phrases it shares with a chosen neighbour, and its audit findings.

    Widgets: ``.picker`` (:class:`TrackerPicker`), ``.neighbour`` (Dropdown of the neighbours),
    ``.compare_button`` (shown when :meth:`on_compare` has a callback, as in
    :func:`trackerkit.explore`), and the HTML outputs ``.header``, ``.vocabulary_html``,
    ``.neighbours_html``, ``.shared_html``, ``.findings_html``.

    State, ``None`` until a tracker is picked:

    * ``selected``: the id of the tracker shown; ``name``: its name (while the box holds text
      that names no tracker, e.g. mid-typing, the last tracker stays shown and selected);
    * ``table``: its vocabulary as shown (``vocabulary_frame`` columns ``position``, ``phrase``,
      ``n_words``, and ``findings``: the audit rules that flag the phrase, comma-separated);
    * ``neighbours``: :func:`trackerkit.most_similar` with ``analyzer`` (default
      ``DEFAULT_ANALYZER``, character n-grams, as everywhere; ``"word"`` for words) (``rank``,
      ``tracker_id``, ``tracker``, ``score``, ``n_shared``, ``shared_phrases``, ``shared_terms``);
    * ``neighbour_id``: the neighbour chosen in the dropdown; ``shared``: the rows of
      :func:`trackerkit.compare_trackers` with it whose status is shared or near-duplicate;
    * ``findings``: the rows of :func:`trackerkit.audit` about this tracker (the audit of the
      whole account runs once, at construction).
    """

    def __init__(
        self,
        trackers: TrackersLike,
        tracker: TrackerKey | None = None,
        *,
        k: int = 5,
        analyzer: str = DEFAULT_ANALYZER,
    ) -> None:
        import sklearn.feature_extraction.text  # noqa: F401  # lazy: heavy, loaded now so the first pick is quick

        self.trackers = as_trackers_frame(trackers)
        self.k = check_count("k", k)
        self.analyzer = check_choice("analyzer", analyzer, ANALYZERS)
        # the TF-IDF vectors of the neighbours, built on the first pick and kept: a pick ranks
        # with them, it does not rebuild them (most_similar would, on every call)
        self._index: NeighbourIndex | None = None
        self.audit = audit(self.trackers)
        self.selected: str | None = None
        self.name: str | None = None
        self.table: Any = None
        self.neighbours: Any = None
        self.neighbour_id: str | None = None
        self.shared: Any = None
        self.findings: Any = None
        self._compare_callbacks: list[Callable[[str, str], Any]] = []
        self._quiet = False

        self.picker = TrackerPicker(self.trackers)
        self.header = widgets.HTML()
        self.header.add_class("tk-explorer-header")
        self.vocabulary_html = widgets.HTML()
        self.vocabulary_html.add_class("tk-explorer-vocabulary")
        self.neighbours_html = widgets.HTML()
        self.neighbours_html.add_class("tk-explorer-neighbours")
        self.neighbour = widgets.Dropdown(
            options=[], description="Neighbour", layout=widgets.Layout(width="420px")
        )
        self.neighbour.add_class("tk-explorer-neighbour")
        self.compare_button = widgets.Button(
            description="Compare side by side",
            tooltip="open the two trackers in the Compare tab",
            icon="columns",
            layout=widgets.Layout(display="none"),
        )
        self.compare_button.add_class("tk-explorer-compare")
        self.shared_html = widgets.HTML()
        self.shared_html.add_class("tk-explorer-shared")
        self.findings_html = widgets.HTML()
        self.findings_html.add_class("tk-explorer-findings")
        left = widgets.VBox([self.vocabulary_html], layout=widgets.Layout(width="45%"))
        right = widgets.VBox(
            [
                self.neighbours_html,
                widgets.HBox([self.neighbour, self.compare_button]),
                self.shared_html,
                self.findings_html,
            ],
            layout=widgets.Layout(width="55%"),
        )
        self.widget = widgets.VBox(
            [
                self.picker.widget,
                self._error_box(),
                self.header,
                widgets.HBox([left, right], layout=widgets.Layout(grid_gap="16px")),
            ]
        )
        self.widget.add_class("tk-explorer")
        self.picker.observe(self._on_pick, "value")
        self.neighbour.observe(self._on_neighbour, "value")
        self.compare_button.on_click(self._on_compare_click)
        self._show_nothing()
        if tracker is not None:
            self.picker.pick(tracker)

    # ------------------------------------------------------------------ public

    def select(self, tracker: TrackerKey) -> str:
        """Pick ``tracker`` (name or id) from code; returns its id."""
        return self.picker.pick(tracker)

    def on_compare(self, callback: Callable[[str, str], Any]) -> None:
        """Call ``callback(selected_id, neighbour_id)`` when the compare button is clicked
        (registering one shows the button)."""
        self._compare_callbacks.append(callback)
        self.compare_button.layout.display = None

    # ------------------------------------------------------------------ updates

    @guarded
    def _on_pick(self, change: dict[str, Any]) -> None:
        self.update(change["new"])

    @guarded
    def _on_neighbour(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self._show_shared(change["new"])

    @guarded
    def _on_compare_click(self, button: widgets.Button) -> None:
        if self.selected is None or self.neighbour_id is None:
            return
        for callback in self._compare_callbacks:
            callback(self.selected, self.neighbour_id)

    def update(self, tracker_id: str | None) -> None:
        """Show the tracker ``tracker_id`` (``None``: nothing picked)."""
        import pandas as pd  # lazy: heavy

        if tracker_id is None:
            # keep what is shown while the user types; only the state says nothing is picked
            return
        row = self.trackers.loc[self.trackers["tracker_id"].astype(str) == tracker_id].iloc[0]
        self.selected = tracker_id
        self.name = str(row["name"])
        vocab = vocabulary_frame(select_trackers(self.trackers, tracker_id))
        self.findings = self._findings(tracker_id)
        flags: dict[int, list[str]] = {}
        for position, rule in zip(self.findings["position"], self.findings["rule"]):
            if not pd.isna(position):
                flags.setdefault(int(position), []).append(str(rule))
        self.table = vocab[["position", "phrase", "n_words"]].reset_index(drop=True)
        self.table["findings"] = [", ".join(flags.get(int(p), [])) for p in self.table["position"]]
        self.header.value = (
            f"<h3 style='margin:4px 0'>{escape(self.name)} "
            f"<span style='color:#777;font-weight:normal'>({escape(tracker_id)})</span></h3>"
            f"<div style='color:#555'>{int(row['n_phrases'])} phrases, "
            f"{int(row['n_unique_phrases'])} distinct after normalization</div>"
        )
        self.vocabulary_html.value = frame_html(
            self.table.rename(columns={"position": "#", "n_words": "words"}), caption="Vocabulary"
        )
        self.neighbours = self._neighbours(tracker_id)
        self.neighbours_html.value = frame_html(
            self.neighbours[["rank", "tracker", "score", "n_shared", "shared_terms"]].rename(
                columns={"n_shared": "shared phrases", "shared_terms": "terms in common"}
            ),
            caption=f"Most similar trackers ({ANALYZER_LABELS[self.analyzer]} TF-IDF cosine)",
            empty="no tracker shares a word with this one",
        )
        self.findings_html.value = self._findings_html(self.findings)
        options = [
            (f"{name} ({score:.2f})", tid)
            for name, score, tid in zip(
                self.neighbours["tracker"], self.neighbours["score"], self.neighbours["tracker_id"]
            )
        ]
        self._quiet = True  # setting options selects the first one: show it once, below
        try:
            self.neighbour.options = options
            self.neighbour.value = options[0][1] if options else None
        finally:
            self._quiet = False
        self._show_shared(self.neighbour.value)

    def _neighbours(self, tracker_id: str) -> Any:
        """:func:`trackerkit.most_similar` of the tracker, from the vectors built once."""
        if self._index is None:
            self._index = NeighbourIndex(self.trackers, analyzer=self.analyzer)
        rows = range(len(self.trackers))
        row = [str(t) for t in self.trackers["tracker_id"]].index(tracker_id)
        return self._index.query(row, rows, k=self.k)

    def _show_shared(self, neighbour_id: str | None) -> None:
        self.neighbour_id = neighbour_id
        if self.selected is None or neighbour_id is None:
            self.shared = None
            self.shared_html.value = message_html("No neighbour to compare with.", "muted")
            return
        comparison = compare_trackers(self.trackers, self.selected, neighbour_id)
        table = comparison.table
        self.shared = table[table["status"].isin(["shared", "near-duplicate"])].reset_index(drop=True)
        other = comparison.other
        self.shared_html.value = frame_html(
            self.shared[["status", "phrase_a", "phrase_b", "score"]].rename(
                columns={"phrase_a": f"in {self.name}", "phrase_b": f"in {other}"}
            ),
            caption=f"Phrases shared with {other}",
            empty=f"no phrase in common with {other}",
        )

    def _findings(self, tracker_id: str) -> Any:
        findings = self.audit
        return findings[findings["tracker_id"].astype(str) == tracker_id].reset_index(drop=True)

    def _findings_html(self, findings: Any) -> str:
        return frame_html(
            findings[["severity", "rule", "phrase", "detail"]],
            caption="Audit findings",
            empty="no finding: this tracker looks clean",
        )

    def _show_nothing(self) -> None:
        self.header.value = message_html("Pick a tracker by name or id to explore it.", "muted")
        self.vocabulary_html.value = ""
        self.neighbours_html.value = ""
        self.shared_html.value = ""
        self.findings_html.value = ""
