"""CompareTrackers: two trackers side by side, phrase by phrase."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit.analysis import compare_trackers
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import TrackerComparisonDisplay
from trackerkit.widgets._base import Displayable, display_to_png, frame_html, guarded, message_html
from trackerkit.widgets.picker import TrackerPicker

if TYPE_CHECKING:
    from trackerkit._typing import TrackerKey, TrackersLike
    from trackerkit.analysis import TrackerComparison

__all__ = ["CompareTrackers"]


class CompareTrackers(Displayable):
    """Two trackers side by side: the phrases they share, their near-duplicates, and the phrases
    unique to each (:func:`trackerkit.compare_trackers`, computed once per pair), with the
    comparison drawn from that result (:class:`trackerkit.plotting.TrackerComparisonDisplay`)
    as a PNG image.

    Widgets: ``.picker_a``, ``.picker_b`` (:class:`TrackerPicker`), the HTML columns
    ``.shared_html``, ``.near_html``, ``.unique_a_html``, ``.unique_b_html``, ``.status``
    (messages), and ``.plot`` (an ``ipywidgets.Image``). State: ``.tracker`` and ``.other``
    (the ids, ``None`` until picked), ``.comparison`` (the
    :class:`~trackerkit.analysis.TrackerComparison`; its ``table`` has ``status``, ``phrase_a``,
    ``phrase_b``, ``position_a``, ``position_b``, ``score``) and ``.display`` (the drawn
    display), ``None`` until two different trackers are picked.
    """

    def __init__(
        self, trackers: TrackersLike, tracker: TrackerKey | None = None, other: TrackerKey | None = None
    ) -> None:
        self.trackers = as_trackers_frame(trackers)
        self.comparison: TrackerComparison | None = None
        self.display: TrackerComparisonDisplay | None = None
        self.picker_a = TrackerPicker(self.trackers, description="Tracker A")
        self.picker_b = TrackerPicker(self.trackers, description="Tracker B")
        self.status = widgets.HTML()
        self.status.add_class("tk-compare-status")
        self.shared_html = widgets.HTML()
        self.near_html = widgets.HTML()
        self.unique_a_html = widgets.HTML()
        self.unique_b_html = widgets.HTML()
        columns = []
        for name, html in (
            ("shared", self.shared_html),
            ("near", self.near_html),
            ("unique-a", self.unique_a_html),
            ("unique-b", self.unique_b_html),
        ):
            html.add_class(f"tk-compare-{name}")
            columns.append(widgets.Box([html], layout=widgets.Layout(flex="1 1 0", min_width="0")))
        self.plot = widgets.Image(  # flex-start: shown at its own size, never stretched (blurred)
            format="png", layout=widgets.Layout(max_width="100%", height="auto", align_self="flex-start")
        )
        self.plot.add_class("tk-compare-plot")
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.picker_a.widget, self.picker_b.widget]),
                self._error_box(),
                self.status,
                widgets.HBox(columns, layout=widgets.Layout(width="100%", grid_gap="12px")),
                self.plot,
            ]
        )
        self.widget.add_class("tk-compare")
        self.picker_a.observe(self._on_pick, "value")
        self.picker_b.observe(self._on_pick, "value")
        self._clear("Pick two trackers to compare them.")
        if tracker is not None:
            self.picker_a.pick(tracker)
        if other is not None:
            self.picker_b.pick(other)

    @property
    def tracker(self) -> str | None:
        """The id of the tracker on the left (A), None until picked."""
        return self.picker_a.value

    @property
    def other(self) -> str | None:
        """The id of the tracker on the right (B), None until picked."""
        return self.picker_b.value

    def compare(self, tracker: TrackerKey, other: TrackerKey) -> None:
        """Pick ``tracker`` and ``other`` (names or ids) from code and compare them."""
        with self.picker_a.hold_trait_notifications(), self.picker_b.hold_trait_notifications():
            self.picker_a.pick(tracker)
            self.picker_b.pick(other)

    @guarded
    def _on_pick(self, change: dict[str, Any]) -> None:
        self.update()

    def _clear(self, message: str) -> None:
        self.comparison = None
        self.display = None
        self.status.value = message_html(message, "muted")
        for html in (self.shared_html, self.near_html, self.unique_a_html, self.unique_b_html):
            html.value = ""
        self.plot.value = b""
        self.plot.layout.display = "none"

    def update(self) -> None:
        """Compare the picked trackers (or say what is missing)."""
        a, b = self.tracker, self.other
        if a is None or b is None:
            self._clear("Pick two trackers to compare them.")
            return
        if a == b:
            self._clear("Both sides are the same tracker: pick another one for A or B.")
            return
        result = compare_trackers(self.trackers, a, b)
        self.comparison = result
        table, name_a, name_b = result.table, result.tracker, result.other
        n = result.counts()
        self.status.value = message_html(
            f"{name_a} and {name_b}: {n['shared']} shared, {n['near-duplicate']} near-duplicate, "
            f"{n['unique to a']} only in A, {n['unique to b']} only in B.",
            "info",
        )

        def rows(status: str) -> Any:
            return table[table["status"] == status]

        self.shared_html.value = frame_html(
            rows("shared")[["phrase_a", "phrase_b"]].rename(columns={"phrase_a": name_a, "phrase_b": name_b}),
            caption="Shared",
            empty="none",
        )
        self.near_html.value = frame_html(
            rows("near-duplicate")[["phrase_a", "phrase_b", "score"]].rename(
                columns={"phrase_a": name_a, "phrase_b": name_b}
            ),
            caption="Near-duplicates",
            empty="none",
        )
        self.unique_a_html.value = frame_html(
            rows("unique to a")[["phrase_a"]].rename(columns={"phrase_a": name_a}),
            caption="Only in A",
            empty="none",
        )
        self.unique_b_html.value = frame_html(
            rows("unique to b")[["phrase_b"]].rename(columns={"phrase_b": name_b}),
            caption="Only in B",
            empty="none",
        )
        self.display = TrackerComparisonDisplay.from_result(result)  # drawn from the result: no recomputing
        self.plot.value = display_to_png(self.display, dpi=100)
        self.plot.layout.display = None
