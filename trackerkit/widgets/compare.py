"""CompareTrackers: two trackers side by side, phrase by phrase."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_bool
from trackerkit.analysis import compare_trackers
from trackerkit.constants import DEFAULT_MAX_EDITS
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import TrackerComparisonDisplay
from trackerkit.widgets._base import (
    SCALES,
    Displayable,
    display_to_png,
    frame_html,
    guarded,
    message_html,
    note_html,
)
from trackerkit.widgets.picker import TrackerPicker

if TYPE_CHECKING:
    from trackerkit._typing import TrackerKey, TrackersLike
    from trackerkit.analysis import TrackerComparison

__all__ = ["CompareTrackers"]

#: comparisons (and figures) of the last pairs kept
KEEP = 32
#: the figure's resolution: its phrases are small text, sharper than the widgets' default
FIGURE_DPI = 100


class CompareTrackers(Displayable):
    """Two trackers side by side: the phrases they share, their near-duplicates, and the phrases
    unique to each (:func:`trackerkit.compare_trackers`), in four columns, and on request the
    same comparison drawn from that result (:class:`trackerkit.plotting.TrackerComparisonDisplay`)
    as a PNG image.

    Widgets: ``.picker_a``, ``.picker_b`` (:class:`TrackerPicker`), the HTML columns
    ``.shared_html``, ``.near_html``, ``.unique_a_html``, ``.unique_b_html``, ``.status``
    (messages), ``.note`` (what the near-duplicates' score means), and ``.figure_box`` (an
    Accordion, closed unless ``figure=True``) holding ``.plot`` (an ``ipywidgets.Image``).
    The figure repeats the columns as a picture and takes seconds to draw for long
    vocabularies (two trackers of 100 phrases: about 2 s), so it is drawn only while its box is
    open: opening it draws the current pair, and while it stays open each new pair is drawn too.
    State: ``.tracker`` and ``.other`` (the ids, ``None`` until picked), ``.comparison`` (the
    :class:`~trackerkit.analysis.TrackerComparison`; its ``table`` has ``status``, ``phrase_a``,
    ``phrase_b``, ``position_a``, ``position_b``, ``score``), ``None`` until two different
    trackers are picked, and ``.display`` (the drawn display, ``None`` until drawn). The
    comparisons and figures of the last pairs are kept: going back to a pair recomputes nothing.
    """

    def __init__(
        self,
        trackers: TrackersLike,
        tracker: TrackerKey | None = None,
        other: TrackerKey | None = None,
        *,
        figure: bool = False,
    ) -> None:
        check_bool("figure", figure)
        self.trackers = as_trackers_frame(trackers)
        self._comparisons: dict[tuple[str, str], TrackerComparison] = {}
        self._figures: dict[tuple[str, str], tuple[TrackerComparisonDisplay, bytes]] = {}
        self.comparison: TrackerComparison | None = None
        self.display: TrackerComparisonDisplay | None = None
        self.picker_a = TrackerPicker(self.trackers, description="Tracker A")
        self.picker_b = TrackerPicker(self.trackers, description="Tracker B")
        self.status = widgets.HTML()
        self.status.add_class("tk-compare-status")
        self.note = widgets.HTML()  # what the near-duplicates' score means (shown with them)
        self.note.add_class("tk-compare-note")
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
            columns.append(widgets.Box([html], layout=widgets.Layout(flex="1 1 200px", min_width="0")))
        self.plot = widgets.Image(  # flex-start: shown at its own size, never stretched (blurred)
            format="png", layout=widgets.Layout(max_width="100%", height="auto", align_self="flex-start")
        )
        self.plot.add_class("tk-compare-plot")
        self.figure_box = widgets.Accordion(
            children=[self.plot],
            titles=("Figure: the two vocabularies side by side",),
            selected_index=0 if figure else None,
        )
        self.figure_box.add_class("tk-compare-figure")
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [self.picker_a.widget, self.picker_b.widget],
                    layout=widgets.Layout(flex_flow="row wrap", grid_gap="4px 16px"),
                ),
                self._error_box(),
                self.status,
                self.note,
                # four columns when they fit (about 850 px), two or one under each other otherwise
                widgets.HBox(columns, layout=widgets.Layout(flex_flow="row wrap", grid_gap="8px 16px")),
                self.figure_box,
            ]
        )
        self.widget.add_class("tk-compare")
        self.picker_a.observe(self._on_pick, "value")
        self.picker_b.observe(self._on_pick, "value")
        self.figure_box.observe(self._on_figure, "selected_index")
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

    @property
    def figure_open(self) -> bool:
        """Whether the figure's box is open (the figure is then drawn for each pair)."""
        return self.figure_box.selected_index is not None

    @guarded
    def _on_pick(self, change: dict[str, Any]) -> None:
        self.update()

    @guarded
    def _on_figure(self, change: dict[str, Any]) -> None:
        if self.figure_open:
            self._draw()

    def _clear(self, message: str) -> None:
        self.comparison = None
        self.display = None
        self.status.value = message_html(message, "muted")
        self.note.value = ""
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
        result = self._comparison(a, b)
        self.comparison = result
        self.display = None
        table, name_a, name_b = result.table, result.tracker, result.other
        n = result.counts()
        self.status.value = message_html(
            f"{name_a} and {name_b}: {n['shared']} shared, {n['near-duplicate']} near-duplicate, "
            f"{n['unique to a']} only in A, {n['unique to b']} only in B.",
            "info",
        )

        self.note.value = note_html(
            SCALES["phrase"].format(max_edits=DEFAULT_MAX_EDITS, threshold=result.threshold)
            + " (the \u2248 values in the plot)"
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
        self.plot.value = b""
        self.plot.layout.display = "none"
        if self.figure_open:
            self._draw()

    def _comparison(self, a: str, b: str) -> TrackerComparison:
        if (a, b) not in self._comparisons:
            _remember(self._comparisons, (a, b), compare_trackers(self.trackers, a, b))
        return self._comparisons[a, b]

    def _draw(self) -> None:
        """Draw the current comparison into ``.plot`` (once per pair)."""
        if self.comparison is None:
            return
        key = (self.tracker, self.other)
        if key not in self._figures:
            display = TrackerComparisonDisplay.from_result(self.comparison)  # from the result: no recomputing
            _remember(self._figures, key, (display, display_to_png(display, dpi=FIGURE_DPI)))
        self.display, self.plot.value = self._figures[key]
        self.plot.layout.display = None


def _remember(cache: dict[Any, Any], key: Any, value: Any) -> None:
    """Keep ``value`` under ``key``, dropping the oldest entry beyond :data:`KEEP`."""
    if len(cache) >= KEEP:
        cache.pop(next(iter(cache)))
    cache[key] = value
