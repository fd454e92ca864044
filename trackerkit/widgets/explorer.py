"""TrackerExplorer: one tracker at a time, its vocabulary, neighbours, shared phrases and findings."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_choice, check_count
from trackerkit.analysis import audit, compare_trackers
from trackerkit.analysis._similarity import NeighbourIndex
from trackerkit.constants import (
    DEFAULT_ANALYZER,
    DEFAULT_MAX_EDITS,
    DEFAULT_PHRASE_THRESHOLD,
    SEVERITIES,
    SIMILARITY_ANALYZERS,
)
from trackerkit.loading import as_trackers_frame, vocabulary_frame
from trackerkit.widgets._base import (
    SCALES,
    SHORT,
    Displayable,
    escape,
    frame_html,
    guarded,
    message_html,
)
from trackerkit.widgets.picker import TrackerPicker
from trackerkit.widgets.similarity import tracker_scale

if TYPE_CHECKING:
    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = ["TrackerExplorer"]

#: comparisons of a tracker with a neighbour kept (the oldest is dropped first)
_KEEP = 64


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
      ``n_words``, and ``findings``: the audit rules that flag the phrase, comma-separated,
      each followed by its number of findings when more than one, e.g.
      ``"shared_phrase, near_duplicate_phrase (12)"``);
    * ``neighbours``: :func:`trackerkit.most_similar` with ``analyzer`` (default
      ``DEFAULT_ANALYZER``, character n-grams, as everywhere; ``"word"`` for words) (``rank``,
      ``tracker_id``, ``tracker``, ``score``, ``n_shared``, ``shared_phrases``, ``shared_terms``);
    * ``neighbour_id``: the neighbour chosen in the dropdown; ``shared``: the rows of
      :func:`trackerkit.compare_trackers` with it whose status is shared or near-duplicate;
    * ``findings``: the rows of :func:`trackerkit.audit` about this tracker (the audit of the
      whole account runs once, at construction, with no cap per rule: on a large account the
      capped audit would leave some trackers' findings out).

    Every number shown says what it is and its scale, once, under its table's caption; the
    vocabulary scrolls inside a box as tall as the window allows, its header in view. The
    neighbours' TF-IDF vectors are built at construction, so the first pick is as quick as the
    next ones, and the comparison of a tracker with a neighbour is kept for when it comes back.
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
        self.analyzer = check_choice("analyzer", analyzer, SIMILARITY_ANALYZERS)
        # the TF-IDF vectors of the neighbours, built once, now (not on the first pick, which
        # should be as quick as the next ones): a pick ranks with them, it does not rebuild
        # them (most_similar would, on every call)
        # every finding (no cap per rule: the explorer shows one tracker's, whichever it is)
        self.audit = audit(self.trackers, max_per_rule=None)
        # each tracker's findings and phrases, found by a lookup on a pick, not a scan
        self._finding_rows = self.audit.groupby(self.audit["tracker_id"].astype(str), sort=False).indices
        self._vocabulary = vocabulary_frame(self.trackers)
        self._phrase_rows = self._vocabulary.groupby(
            self._vocabulary["tracker_id"].astype(str), sort=False
        ).indices
        self._index: NeighbourIndex | None = None
        self._neighbour_index()
        self.selected: str | None = None
        self.name: str | None = None
        self.table: Any = None
        self.neighbours: Any = None
        self.neighbour_id: str | None = None
        self.shared: Any = None
        self.findings: Any = None
        self._rows = {str(t): i for i, t in enumerate(self.trackers["tracker_id"])}
        self._comparisons: dict[tuple[str, str], Any] = {}
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
            options=[],
            description="Neighbour",
            layout=widgets.Layout(flex="1 1 260px", max_width="460px", min_width="0"),
            style={"description_width": "initial"},
        )
        self.neighbour.add_class("tk-explorer-neighbour")
        self.compare_button = widgets.Button(
            description="Compare side by side",
            tooltip="open the two trackers in the Compare tab",
            icon="columns",
            # as wide as its label (ipywidgets' 148 px cut it to "Compare sid..."), never squeezed
            layout=widgets.Layout(display="none", width="auto", flex="0 0 auto"),
        )
        self.compare_button.add_class("tk-explorer-compare")
        self.shared_html = widgets.HTML()
        self.shared_html.add_class("tk-explorer-shared")
        self.findings_html = widgets.HTML()
        self.findings_html.add_class("tk-explorer-findings")
        # two columns side by side from about 800 px, one under the other below (a narrow
        # notebook, the file browser open): nothing is cut and nothing scrolls sideways
        left = widgets.VBox([self.vocabulary_html], layout=widgets.Layout(flex="1 1 360px", min_width="0"))
        right = widgets.VBox(
            [
                self.neighbours_html,
                widgets.HBox(
                    [self.neighbour, self.compare_button],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="center", min_width="0"),
                ),
                self.shared_html,
                self.findings_html,
            ],
            layout=widgets.Layout(flex="1.25 1 420px", min_width="0"),
        )
        self.widget = widgets.VBox(
            [
                self.picker.widget,
                self._error_box(),
                self.header,
                widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 20px")),
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
        row = self.trackers.iloc[self._rows[tracker_id]]
        self.selected = tracker_id
        self.name = str(row["name"])
        vocab = self._vocabulary.iloc[self._phrase_rows.get(tracker_id, [])]
        self.findings = self._findings(tracker_id)
        flags: dict[int, dict[str, int]] = {}  # position -> rule -> findings, rules in audit order
        for position, rule in zip(self.findings["position"], self.findings["rule"]):
            if not pd.isna(position):
                rules = flags.setdefault(int(position), {})
                rules[str(rule)] = rules.get(str(rule), 0) + 1
        self.table = vocab[["position", "phrase", "n_words"]].reset_index(drop=True)
        self.table["findings"] = [
            ", ".join(rule + (f" ({n})" if n > 1 else "") for rule, n in flags.get(int(p), {}).items())
            for p in self.table["position"]
        ]
        self.header.value = (
            f"<h3 style='margin:4px 0'>{escape(self.name)} "
            f"<span style='color:#777;font-weight:normal'>({escape(tracker_id)})</span></h3>"
            f"<div style='color:#555;line-height:1.4'>{int(row['n_phrases'])} phrases, "
            f"{int(row['n_unique_phrases'])} distinct after normalization</div>"
        )
        n = len(self.table)
        self.vocabulary_html.value = frame_html(
            self.table.rename(columns={"position": "#", "n_words": "words"}),
            caption=f"Vocabulary: {n} phrase{'s' if n != 1 else ''}",
            note="#: the phrase's position in the vocabulary (from 0); findings: the audit rules that "
            "flag it (how many findings, when more than one)",
        )
        self.neighbours = self._neighbours(tracker_id)
        self.neighbours_html.value = frame_html(
            self.neighbours[["rank", "tracker", "score", "n_shared", "shared_terms"]].rename(
                columns={
                    "score": "similarity",
                    "n_shared": "shared phrases",
                    "shared_terms": "terms in common",
                }
            ),
            caption="Most similar trackers",
            note=tracker_scale(self.analyzer)
            + "; shared phrases: how many phrases both list; terms in common: the words that weigh most",
            empty="no tracker shares a word with this one",
            scroll=False,
        )
        self.findings_html.value = self._findings_html(self.findings)
        options = [
            (f"{name} (similarity {score:.2f})", tid)
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
        return self._neighbour_index().query(self._rows[tracker_id], range(len(self.trackers)), k=self.k)

    def _neighbour_index(self) -> NeighbourIndex:
        if self._index is None:
            self._index = NeighbourIndex(self.trackers, analyzer=self.analyzer)
            self._index.words()  # the word vectors of "terms in common": now, not on the first pick
        return self._index

    def _comparison(self, tracker_id: str, other_id: str) -> Any:
        """:func:`trackerkit.compare_trackers` of a pair, computed once per pair (going back to
        a tracker and its neighbour does not compare them again)."""
        key = (tracker_id, other_id)
        if key not in self._comparisons:
            if len(self._comparisons) >= _KEEP:
                self._comparisons.pop(next(iter(self._comparisons)))
            self._comparisons[key] = compare_trackers(self.trackers, tracker_id, other_id)
        return self._comparisons[key]

    def _show_shared(self, neighbour_id: str | None) -> None:
        self.neighbour_id = neighbour_id
        if self.selected is None or neighbour_id is None:
            self.shared = None
            self.shared_html.value = message_html("No neighbour to compare with.", "muted")
            return
        comparison = self._comparison(self.selected, neighbour_id)
        table = comparison.table
        self.shared = table[table["status"].isin(["shared", "near-duplicate"])].reset_index(drop=True)
        other = comparison.other
        self.shared_html.value = frame_html(
            self.shared[["status", "phrase_a", "phrase_b", "score"]].rename(
                columns={"phrase_a": f"in {self.name}", "phrase_b": f"in {other}"}
            ),
            caption=f"Phrases shared with {other}",
            note=SCALES["phrase"].format(max_edits=DEFAULT_MAX_EDITS, threshold=DEFAULT_PHRASE_THRESHOLD),
            empty=f"no phrase in common with {other}",
            max_height=SHORT,
        )

    def _findings(self, tracker_id: str) -> Any:
        """This tracker's rows of the audit, in the audit's order."""
        return self.audit.iloc[self._finding_rows.get(tracker_id, [])].reset_index(drop=True)

    def _findings_html(self, findings: Any) -> str:
        counts = findings["severity"].value_counts()
        said = ", ".join(
            f"{int(counts[s])} {s}{'s' if counts[s] != 1 else ''}" for s in SEVERITIES if s in counts.index
        )
        return frame_html(
            findings[["severity", "rule", "phrase", "detail"]],
            caption="Audit findings" + (f": {said}" if said else ""),
            empty="no finding: this tracker looks clean",
            max_height=SHORT,
        )

    def _show_nothing(self) -> None:
        self.header.value = message_html("Pick a tracker by name or id to explore it.", "muted")
        self.vocabulary_html.value = ""
        self.neighbours_html.value = ""
        self.shared_html.value = ""
        self.findings_html.value = ""
