"""Two trackers' phrases side by side, like a diff."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from trackerkit._text import text_width_in
from trackerkit._validation import check_count
from trackerkit.analysis import compare_trackers
from trackerkit.analysis._results import TrackerComparison
from trackerkit.constants import COMPARE_STATUSES
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting._base import (
    DARK_GREY,
    GREY,
    OKABE_ITO,
    Display,
    clip,
    escape_label,
    label,
    truncate_label,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.patches import Rectangle
    from matplotlib.text import Text

    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = ["TrackerComparisonDisplay", "plot_tracker_comparison"]

_FONT = 8.0
_ROW_IN = 0.19  # inches per row of the comparison plot
_HEADER_FONT = 10.5


class TrackerComparisonDisplay(Display):
    """Two trackers' phrases side by side: shared, near-duplicate, and unique to each.

    Parameters
    ----------
    comparison : TrackerComparison
        What :func:`trackerkit.compare_trackers` returns.

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    texts_ : dict of str to list of Text
        Every text drawn, by role: ``"header-a"``, ``"header-b"`` (each tracker's name and
        number of distinct phrases), ``"heading-shared"``, ``"heading-near-duplicate"``,
        ``"heading-unique-a"``, ``"heading-unique-b"``, and for each kind of row (``shared``,
        ``near-duplicate``, ``unique``) ``"<kind>-a"``, ``"<kind>-b"`` (the phrases, in the
        table's order), ``"<kind>-sign"`` (``=`` or ``≈ score``) and ``"<kind>-none"``. Each
        text's gid is ``"comparison-<role>"``.
    bands_ : dict of str to Rectangle
        The coloured band under the ``"shared"`` and ``"near-duplicate"`` rows, when any.

    Examples
    --------
    >>> import trackerkit
    >>> display = TrackerComparisonDisplay.from_trackers("sample", "Escalation Request", "Speak to Manager")
    >>> [t.get_text() for t in display.plot().texts_["near-duplicate-a"]]
    ['let me speak to your manager']
    """

    texts_: dict[str, list[Text]]
    bands_: dict[str, Rectangle]

    def __init__(self, comparison: TrackerComparison) -> None:
        if not isinstance(comparison, TrackerComparison):
            raise InvalidParameterError(
                "comparison must be the TrackerComparison trackerkit.compare_trackers returns; "
                f"got {type(comparison).__name__}",
                parameter="comparison",
            )
        self.comparison = comparison

    @classmethod
    def from_result(cls, comparison: TrackerComparison) -> TrackerComparisonDisplay:
        """The display of a :func:`trackerkit.compare_trackers` result (nothing recomputed)."""
        return cls(comparison)

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        tracker: TrackerKey,
        other: TrackerKey,
        *,
        threshold: float | None = None,
        max_edits: int | None = None,
    ) -> TrackerComparisonDisplay:
        """Compare ``tracker`` and ``other`` (names or ids) with :func:`trackerkit.compare_trackers`
        (``threshold`` and ``max_edits`` are its own), then make the display."""
        return cls(compare_trackers(trackers, tracker, other, threshold=threshold, max_edits=max_edits))

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_phrase_chars: int = 60
    ) -> TrackerComparisonDisplay:
        """Draw the comparison like a diff; returns ``self``.

        ``tracker``'s phrases are right-aligned on the left, ``other``'s left-aligned on the
        right, as written (cut to ``max_phrase_chars`` with an ellipsis). Shared phrases face
        each other on a blue band with ``=``; near-duplicates on an orange band with ``≈`` and
        their score; then the phrases unique to each side. With ``ax=None`` the new figure
        (pyplot's, or with ``pyplot=False`` a bare Figure) is as tall as the rows.
        """
        max_chars = check_count("max_phrase_chars", max_phrase_chars, minimum=2)
        result = self.comparison
        table = result.table
        sections: dict[str, list[tuple[str, str, float]]] = {status: [] for status in COMPARE_STATUSES}
        for status, phrase_a, phrase_b, score in zip(
            table["status"], table["phrase_a"], table["phrase_b"], table["score"]
        ):
            sections.setdefault(str(status), []).append((str(phrase_a), str(phrase_b), float(score)))
        counts = (int((table["phrase_a"] != "").sum()), int((table["phrase_b"] != "").sum()))
        shared, near = sections["shared"], sections["near-duplicate"]
        only_a = [p for p, _, _ in sections["unique to a"]]
        only_b = [p for _, p, _ in sections["unique to b"]]
        n_unique = max(len(only_a), len(only_b))
        unique_rows = [
            (only_a[i] if i < len(only_a) else "", only_b[i] if i < len(only_b) else "", math.nan)
            for i in range(n_unique)
        ]
        blocks = [
            ("shared", shared, OKABE_ITO[0]),
            ("near-duplicate", near, OKABE_ITO[3]),
            ("unique", unique_rows, DARK_GREY),
        ]
        n_rows = 1.6 + sum(1 + max(len(rows), 1) + 0.6 for _, rows, _ in blocks)
        phrases = [p for _, rows, _ in blocks for row in rows for p in row[:2] if p]
        headers = [f"{result.tracker} ({counts[0]} phrases)", f"{result.other} ({counts[1]} phrases)"]
        side = max(
            [text_width_in(truncate_label(p, max_chars), _FONT) for p in phrases]
            + [text_width_in(truncate_label(h, 60), _HEADER_FONT) for h in headers]
        )
        ax = self._axes(
            ax, pyplot, (clip(2 * side + 1.0, 6.0, 14.0), clip(n_rows * _ROW_IN + 0.4, 2.0, 40.0))
        )
        left, right, middle = 0.46, 0.54, 0.5
        self.texts_ = {}
        self.bands_ = {}

        def text(x: float, y: float, s: str, role: str, **kwargs: Any) -> None:
            kwargs.setdefault("fontsize", _FONT)
            artist = ax.text(x, y, s, va="center", **kwargs)
            artist.set_gid(f"comparison-{role}")
            self.texts_.setdefault(role, []).append(artist)

        bold_header = {"fontsize": _HEADER_FONT, "fontweight": "bold"}
        text(left, 0, label(headers[0], 60), "header-a", ha="right", **bold_header)
        text(right, 0, label(headers[1], 60), "header-b", ha="left", **bold_header)
        y = 1.6
        for kind, rows, colour in blocks:
            bold = {"fontsize": 9, "color": colour, "fontweight": "bold"}
            if kind == "unique":
                heading_a = escape_label(f"only in {truncate_label(result.tracker, 40)} ({len(only_a)})")
                heading_b = escape_label(f"only in {truncate_label(result.other, 40)} ({len(only_b)})")
                text(left, y, heading_a, "heading-unique-a", ha="right", **bold)
                text(right, y, heading_b, "heading-unique-b", ha="left", **bold)
            else:
                title = "shared" if kind == "shared" else "near-duplicates"
                text(middle, y, f"{title} ({len(rows)})", f"heading-{kind}", ha="center", **bold)
            y += 1
            if not rows:
                text(middle, y, "none", f"{kind}-none", ha="center", color=GREY)
                y += 1.6
                continue
            if kind != "unique":
                band = ax.axhspan(
                    y - 0.5, y + len(rows) - 0.5, color=colour, alpha=0.09, linewidth=0, zorder=0
                )
                band.set_gid(f"comparison-{kind}-band")
                self.bands_[kind] = band
            for i, (phrase_a, phrase_b, score) in enumerate(rows):
                if phrase_a:
                    text(left, y + i, label(phrase_a, max_chars), f"{kind}-a", ha="right")
                if phrase_b:
                    text(right, y + i, label(phrase_b, max_chars), f"{kind}-b", ha="left")
                if kind != "unique":
                    sign = "=" if kind == "shared" else f"≈ {score:.2f}"
                    text(middle, y + i, sign, f"{kind}-sign", ha="center", color=colour, fontsize=7.5)
            y += len(rows) + 0.6
        ax.set_xlim(0, 1)
        ax.set_ylim(y - 0.4, -0.8)
        ax.set_axis_off()
        return self


def plot_tracker_comparison(
    trackers: TrackersLike,
    tracker: TrackerKey,
    other: TrackerKey,
    *,
    ax: Axes | None = None,
    threshold: float | None = None,
    max_phrase_chars: int = 60,
) -> Axes:
    """Two trackers' phrases side by side: shared, near-duplicate, and unique to each.

    ``trackers``: anything :func:`trackerkit.load_trackers` accepts; ``tracker`` and ``other``:
    names or ids. The phrases come from :func:`trackerkit.compare_trackers` (``threshold``:
    its near-duplicate threshold) and are drawn by :class:`TrackerComparisonDisplay`. Returns
    the Axes.

    >>> import trackerkit
    >>> trackers = trackerkit.load_trackers("sample")
    >>> ax = plot_tracker_comparison(trackers, "Escalation Request", "Speak to Manager")
    >>> [t.get_text() for t in ax.texts if t.get_gid() == "comparison-near-duplicate-a"]
    ['let me speak to your manager']
    """
    display = TrackerComparisonDisplay.from_trackers(trackers, tracker, other, threshold=threshold)
    return display.plot(ax=ax, max_phrase_chars=max_phrase_chars).ax_
