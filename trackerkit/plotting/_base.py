"""What every display shares: colours, readable labels, new figures (with or without pyplot)
and PNG encoding.

* **Colours** are colour-blind safe: viridis for values, the Okabe-Ito palette for categories
  (clusters, phrase kinds), greys for "nothing to see here".
* **Labels** stay readable from 5 to 150 trackers: cut to ``max_label_chars`` with an
  ellipsis (:func:`truncate_label`), a font size that follows the room each row or column
  has (never below 4 pt: with less room, only every k-th label is written), and ``$``
  escaped (:func:`escape_label`) so ``"Cost $5 / $10"`` renders literally, not as mathtext.
* **Figures**: ``plot(ax=None)`` makes a figure sized for the data, with pyplot (so Jupyter
  shows it inline), or with ``pyplot=False`` a bare ``matplotlib.figure.Figure`` that touches
  no global state (reports, widgets, servers). :func:`figure_to_png` encodes any of them.
"""

from __future__ import annotations

import io
import math
import sys
from typing import TYPE_CHECKING, Any

from trackerkit._text import text_width_in, truncate_label
from trackerkit._validation import check_axes, check_bool

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = [
    "OKABE_ITO",
    "Display",
    "close_figure",
    "escape_label",
    "figure_to_png",
    "truncate_label",
]

#: Okabe & Ito's colour-blind safe palette without its yellow (too pale on white); black comes last.
OKABE_ITO = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#000000")
GREY = "#9a9a9a"
DARK_GREY = "#595959"
MIN_FONT = 4.0  # points; below this a label is not written at all


def escape_label(text: str) -> str:
    r"""``text`` with every ``$`` escaped, so matplotlib draws it literally (no mathtext).

    >>> escape_label("Cost $5 / $10")
    'Cost \\$5 / \\$10'
    """
    return text.replace("$", r"\$")


def label(text: Any, max_chars: int) -> str:
    """A tracker name or phrase as an axis label: one line, cut, ``$`` escaped."""
    return escape_label(truncate_label(text, max_chars))


def label_font(n_labels: int, length_in: float, max_size: float = 9.0) -> tuple[float, int]:
    """Font size (points) and step (write every ``step``-th label) for ``n_labels`` labels
    sharing ``length_in`` inches of axis."""
    if n_labels <= 0:
        return max_size, 1
    slot_pt = 72.0 * length_in / n_labels
    size = min(max_size, 0.8 * slot_pt)
    if size >= MIN_FONT:
        return round(size, 1), 1
    step = math.ceil(MIN_FONT / (0.8 * slot_pt))
    return MIN_FONT, step


def clip(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


def palette(i: int) -> str:
    """The ``i``-th category colour (black stays for text)."""
    return OKABE_ITO[i % (len(OKABE_ITO) - 1)]


def axes_size_in(ax: Axes) -> tuple[float, float]:
    """Width and height of ``ax`` in inches (before any layout engine adjusts it)."""
    box = ax.get_position()
    fig_w, fig_h = ax.figure.get_size_inches()
    return box.width * fig_w, box.height * fig_h


def new_figure(figsize: tuple[float, float], *, pyplot: bool, layout: str | None = "constrained") -> Figure:
    """A new figure of ``figsize`` inches: pyplot's (Jupyter shows it inline) or a bare one."""
    if pyplot:
        import matplotlib.pyplot as plt  # lazy: heavy, and pyplot's state only when asked for

        return plt.figure(figsize=figsize, layout=layout)
    from matplotlib.figure import Figure  # lazy: heavy

    return Figure(figsize=figsize, layout=layout)


def close_figure(fig: Any) -> None:
    """Close ``fig`` whether or not pyplot manages it, and free what it holds."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)  # a no-op for a figure pyplot does not manage
    fig.clear()


def figure_to_png(fig: Any, *, dpi: int = 100) -> bytes:
    """The figure as PNG bytes (white background, no timestamp: the same figure gives the same
    bytes), then closed, so widgets and reports that render many figures do not grow memory.

        >>> import trackerkit
        >>> from trackerkit.plotting import VocabularySizesDisplay
        >>> display = VocabularySizesDisplay.from_trackers("sample").plot(pyplot=False)
        >>> figure_to_png(display.figure_)[:4]
        b'\\x89PNG'
    """
    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=dpi, facecolor="white", metadata={"Software": None})
    finally:
        close_figure(fig)
    return buffer.getvalue()


class Display:
    """Base of the displays: after :meth:`plot`, ``ax_`` and ``figure_`` are what it drew on.

    A display is built from computed data (``__init__``), from an analysis result
    (``from_result``) or from the trackers (``from_trackers``, which runs the analysis), and
    :meth:`plot` draws it, keeping its artists as attributes ending with ``_`` (scikit-learn's
    convention), so code (a widget) can update them without searching the Axes.
    """

    ax_: Axes
    figure_: Figure

    def _axes(self, ax: Any, pyplot: bool, figsize: tuple[float, float]) -> Axes:
        """``ax`` (checked), or the Axes of a new figure of ``figsize``; sets ``ax_``/``figure_``."""
        check_bool("pyplot", pyplot)
        ax = new_figure(figsize, pyplot=pyplot).add_subplot() if ax is None else check_axes(ax)
        self.ax_, self.figure_ = ax, ax.figure
        return ax

    def __repr__(self) -> str:
        drawn = "drawn" if hasattr(self, "ax_") else "not drawn yet: call .plot()"
        return f"<{type(self).__name__} ({drawn})>"


def rough_width_in(text: str, fontsize: float) -> float:
    """Width of ``text`` (a label as drawn, ``$`` escaped or not) in inches, for layout."""
    return text_width_in(text.replace("\\$", "$"), fontsize)
