"""Vocabulary sizes against Symbl's limits."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trackerkit._validation import check_choice, check_count
from trackerkit.constants import MAX_PHRASES, MIN_PHRASES
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting._base import DARK_GREY, OKABE_ITO, Display, axes_size_in, clip, label, label_font

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.container import BarContainer
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D

    from trackerkit._typing import TrackersLike

__all__ = ["VocabularySizesDisplay", "plot_vocabulary_sizes"]

_SORTS = ("size", "name", None)


class VocabularySizesDisplay(Display):
    """Horizontal bars: the number of phrases of each tracker, against Symbl's 5..50 range.

    Parameters
    ----------
    names : list of str
        The trackers, top to bottom.
    sizes : list of int
        Their numbers of phrases.
    limits : tuple of int
        The recommended range ``(low, high)``, shaded with dashed lines at both ends; bars
        inside it are blue, bars with too few phrases vermillion, with too many reddish purple.

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    bars_ : BarContainer
        One bar per tracker, top to bottom.
    limit_lines_ : list of Line2D
        The dashed lines at ``low`` and ``high``.
    legend_ : Legend
        The range and how many trackers fall in, under and over it.

    Examples
    --------
    >>> display = VocabularySizesDisplay.from_trackers("sample").plot()
    >>> len(display.bars_), [line.get_xdata()[0] for line in display.limit_lines_]
    (48, [5, 50])
    """

    bars_: BarContainer
    limit_lines_: list[Line2D]
    legend_: Legend

    def __init__(
        self,
        names: Sequence[str],
        sizes: Sequence[int],
        *,
        limits: tuple[int, int] = (MIN_PHRASES, MAX_PHRASES),
    ) -> None:
        self.names = [str(name) for name in names]
        self.sizes = np.asarray(sizes, dtype=int)
        if len(self.names) != len(self.sizes):
            raise InvalidParameterError(
                f"names and sizes must be as long; got {len(self.names)} and {len(self.sizes)}",
                parameter="sizes",
            )
        if not self.names:
            raise TrackerDataError("trackers is empty: there is no tracker to plot")
        self.limits = _check_limits(limits)

    @classmethod
    def from_result(
        cls,
        sizes: pd.Series,
        *,
        sort: str | None = "size",
        limits: tuple[int, int] = (MIN_PHRASES, MAX_PHRASES),
    ) -> VocabularySizesDisplay:
        """The bars of ``sizes``, a Series of phrase counts indexed by tracker name (for
        instance ``trackers.set_index("name")["n_phrases"]``).

        ``sort``: ``"size"`` (largest first, the default; equal sizes by name ignoring case,
        then their order), ``"name"`` (ignoring case; then by name, then order) or None (the
        Series' order): total orders, whatever the sort algorithm.
        """
        check_choice("sort", sort, _SORTS)
        if not isinstance(sizes, pd.Series):
            raise InvalidParameterError(
                "sizes must be a Series of phrase counts indexed by tracker name; "
                f"got {type(sizes).__name__}",
                parameter="sizes",
            )
        names = [str(name) for name in sizes.index]
        counts = [int(n) for n in sizes]
        if sort == "size":
            order = sorted(range(len(names)), key=lambda i: (-counts[i], names[i].casefold(), i))
        elif sort == "name":
            order = sorted(range(len(names)), key=lambda i: (names[i].casefold(), names[i], i))
        else:
            order = list(range(len(names)))
        return cls([names[i] for i in order], [counts[i] for i in order], limits=limits)

    @classmethod
    def from_trackers(
        cls,
        trackers: TrackersLike,
        *,
        sort: str | None = "size",
        limits: tuple[int, int] = (MIN_PHRASES, MAX_PHRASES),
    ) -> VocabularySizesDisplay:
        """The bars of every tracker of ``trackers`` (anything :func:`trackerkit.load_trackers`
        accepts), sorted as :meth:`from_result` says."""
        frame = as_trackers_frame(trackers)
        if len(frame) == 0:
            raise TrackerDataError("trackers is empty: there is no tracker to plot")
        sizes = pd.Series([len(v) for v in frame["vocabulary"]], index=[str(n) for n in frame["name"]])
        return cls.from_result(sizes, sort=sort, limits=limits)

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 32
    ) -> VocabularySizesDisplay:
        """Draw the bars, first tracker on top; returns ``self``. Names are cut to
        ``max_label_chars``; with ``ax=None`` the new figure (pyplot's, or with ``pyplot=False``
        a bare Figure) grows with the trackers."""
        from matplotlib.patches import Patch  # lazy: heavy

        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        names, sizes = self.names, self.sizes
        low, high = self.limits
        n = len(names)
        colors = {"in": OKABE_ITO[0], "few": OKABE_ITO[3], "many": OKABE_ITO[4]}
        kind = ["few" if s < low else "many" if s > high else "in" for s in sizes]
        ax = self._axes(ax, pyplot, (7.5, clip(0.19 * n + 1.2, 3.0, 30.0)))
        y = np.arange(n)
        ax.axvspan(low, high, color=OKABE_ITO[2], alpha=0.09, linewidth=0, zorder=0)
        self.bars_ = ax.barh(y, sizes, height=0.72, color=[colors[k] for k in kind], zorder=2)
        self.limit_lines_ = [
            ax.axvline(limit, color=DARK_GREY, linestyle="--", linewidth=1.0, zorder=3)
            for limit in (low, high)
        ]
        _, height_in = axes_size_in(ax)
        size, step = label_font(n, height_in)
        ticks = list(range(0, n, step))
        ax.set_yticks(ticks, [label(names[i], max_chars) for i in ticks], fontsize=size)
        ax.set_ylim(n - 0.5, -0.5)  # first tracker on top
        if size >= 6:
            for i in ticks:
                ax.text(sizes[i] + 0.6, i, str(sizes[i]), va="center", fontsize=size - 1, color=DARK_GREY)
        top = max(int(sizes.max()), high)
        ax.set_xlim(0, top * 1.1 + 1)
        ax.set_xlabel("phrases in the vocabulary")
        ax.tick_params(axis="y", left=False)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        handles = [Patch(color=OKABE_ITO[2], alpha=0.25, label=f"Symbl: {low}–{high} phrases")]
        counts = {k: kind.count(k) for k in colors}
        texts = {"in": "in range", "few": f"fewer than {low}", "many": f"more than {high}"}
        handles += [Patch(color=colors[k], label=f"{texts[k]} ({counts[k]})") for k in colors if counts[k]]
        self.legend_ = ax.legend(handles=handles, loc="lower right", fontsize=8, frameon=True, framealpha=0.9)
        return self


def _check_limits(limits: Any) -> tuple[int, int]:
    if (
        isinstance(limits, (tuple, list))
        and len(limits) == 2
        and all(isinstance(v, (int, np.integer)) and not isinstance(v, bool) for v in limits)
        and 0 <= limits[0] < limits[1]
    ):
        return int(limits[0]), int(limits[1])
    raise InvalidParameterError(
        f"limits must be (low, high) with 0 <= low < high, got {limits!r}", parameter="limits"
    )


def plot_vocabulary_sizes(
    trackers: TrackersLike,
    *,
    ax: Axes | None = None,
    sort: str | None = "size",
    limits: tuple[int, int] = (MIN_PHRASES, MAX_PHRASES),
    max_label_chars: int = 32,
) -> Axes:
    """Horizontal bars: the number of phrases of each tracker, against Symbl's 5..50 range.

    ``trackers``: anything :func:`trackerkit.load_trackers` accepts; ``sort``: ``"size"``,
    ``"name"`` or None (frame order); see :class:`VocabularySizesDisplay`. Returns the Axes.

    >>> import trackerkit
    >>> ax = plot_vocabulary_sizes(trackerkit.load_trackers("sample"))
    >>> sorted(line.get_xdata()[0] for line in ax.lines)
    [5, 50]
    """
    display = VocabularySizesDisplay.from_trackers(trackers, sort=sort, limits=limits)
    return display.plot(ax=ax, max_label_chars=max_label_chars).ax_
