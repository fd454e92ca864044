"""What changed per tracker, from :func:`trackerkit.changes.diff_accounts`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trackerkit._validation import check_count
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.plotting._base import OKABE_ITO, Display, axes_size_in, clip, label, label_font

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.legend import Legend

__all__ = ["ChangesDisplay", "plot_changes"]

#: the change kinds drawn, in stacking order, with their colours
KINDS = (
    ("phrase added", OKABE_ITO[2]),
    ("phrase edited", OKABE_ITO[0]),
    ("phrase removed", OKABE_ITO[3]),
    ("field changed", OKABE_ITO[1]),
    ("tracker renamed", OKABE_ITO[4]),
    ("tracker added", OKABE_ITO[5]),
    ("tracker removed", OKABE_ITO[6]),
)


class ChangesDisplay(Display):
    """Stacked horizontal bars: per tracker, how many changes of each kind (phrases added,
    edited, removed; fields changed; renamed, added, removed trackers).

    Parameters
    ----------
    counts : DataFrame
        Index: tracker names, top to bottom; columns: change kinds (those of :data:`KINDS`).

    Attributes
    ----------
    ax_, figure_ : Axes, Figure
        Where :meth:`plot` drew.
    bars_ : dict of str to BarContainer
        One container per change kind drawn.
    legend_ : Legend

    Examples
    --------
    >>> from trackerkit.changes import diff_accounts
    >>> a = [{"id": "1", "name": "Hi", "vocabulary": ["helo", "yo"]}]
    >>> b = [{"id": "1", "name": "Hi", "vocabulary": ["hello", "hey"]}]
    >>> display = ChangesDisplay.from_result(diff_accounts(a, b)).plot()
    >>> sorted(display.bars_)
    ['phrase added', 'phrase edited', 'phrase removed']
    """

    bars_: dict[str, Any]
    legend_: Legend

    def __init__(self, counts: pd.DataFrame) -> None:
        if not isinstance(counts, pd.DataFrame) or len(counts) == 0:
            raise TrackerDataError("there is no change to plot")
        unknown = [c for c in counts.columns if c not in dict(KINDS)]
        if unknown:
            raise InvalidParameterError(f"unknown change kinds {unknown}", parameter="counts")
        self.counts = counts

    @classmethod
    def from_result(cls, diff: pd.DataFrame) -> ChangesDisplay:
        """The bars of a :func:`~trackerkit.changes.diff_accounts` frame. Order: most changes
        first, ties by name ignoring case, then by the diff's order (a total order)."""
        if not isinstance(diff, pd.DataFrame) or not {"tracker_id", "tracker", "change"} <= set(diff.columns):
            raise InvalidParameterError("diff must be a diff_accounts frame", parameter="diff")
        keys = list(dict.fromkeys(zip(diff["tracker_id"], diff["tracker"])))
        if not keys:
            raise TrackerDataError("there is no change to plot")
        present = [k for k, _ in KINDS if k in set(diff["change"])]
        table = {key: dict.fromkeys(present, 0) for key in keys}
        for tid, name, change in zip(diff["tracker_id"], diff["tracker"], diff["change"]):
            table[(tid, name)][change] += 1
        order = sorted(
            range(len(keys)), key=lambda i: (-sum(table[keys[i]].values()), keys[i][1].casefold(), i)
        )
        names = [str(keys[i][1]) for i in order]
        counts = pd.DataFrame([table[keys[i]] for i in order], index=names, columns=present)
        return cls(counts)

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 32
    ) -> ChangesDisplay:
        """Draw the bars, the most changed tracker on top; returns ``self``."""
        from matplotlib.ticker import MaxNLocator  # lazy: heavy

        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        n = len(self.counts)
        ax = self._axes(ax, pyplot, (7.5, clip(0.22 * n + 1.4, 2.6, 30.0)))
        y = np.arange(n)
        left = np.zeros(n)
        colours = dict(KINDS)
        self.bars_ = {}
        for kind in self.counts.columns:
            values = self.counts[kind].to_numpy(dtype=float)
            self.bars_[kind] = ax.barh(y, values, left=left, height=0.7, color=colours[kind], label=kind)
            left += values
        _, height_in = axes_size_in(ax)
        size, step = label_font(n, height_in)
        ticks = list(range(0, n, step))
        ax.set_yticks(ticks, [label(self.counts.index[i], max_chars) for i in ticks], fontsize=size)
        ax.set_ylim(n - 0.5, -0.5)
        ax.set_xlim(0, float(left.max()) * 1.05 + 0.5)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_xlabel("changes")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        # beside the bars, never over them
        self.legend_ = ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
        return self


def plot_changes(diff: pd.DataFrame, *, ax: Axes | None = None, max_label_chars: int = 32) -> Axes:
    """Stacked bars of what changed per tracker, from a
    :func:`~trackerkit.changes.diff_accounts` frame (see :class:`ChangesDisplay`). Returns the
    Axes.

    >>> from trackerkit.changes import diff_accounts
    >>> a = [{"id": "1", "name": "Hi", "vocabulary": ["helo"]}]
    >>> plot_changes(diff_accounts(a, [{"id": "1", "name": "Hey", "vocabulary": ["hello"]}])).get_xlabel()
    'changes'
    """
    return ChangesDisplay.from_result(diff).plot(ax=ax, max_label_chars=max_label_chars).ax_
