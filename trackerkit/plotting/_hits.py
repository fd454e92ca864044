"""Plots of hits: rates, phrases (dead ones marked), co-occurrence, trends, precision, and what a
vocabulary change gains and loses. Literal is blue and by meaning orange everywhere (Okabe-Ito);
dead phrases are vermillion crosses, never firing trackers grey."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from trackerkit._validation import check_choice, check_colormap, check_count, check_strings
from trackerkit.analysis._hits import (
    CoOccurrence,
    HitRates,
    HitTrend,
    PhraseHits,
    VocabularyChange,
    co_occurrence,
    hit_rates,
    hits_by_period,
    phrase_hits,
)
from trackerkit.analysis._review import precision
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.plotting._base import (
    DARK_GREY,
    GREY,
    OKABE_ITO,
    Display,
    axes_size_in,
    clip,
    escape_label,
    label,
    label_font,
    palette,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.colorbar import Colorbar
    from matplotlib.container import BarContainer, ErrorbarContainer
    from matplotlib.image import AxesImage
    from matplotlib.legend import Legend
    from matplotlib.lines import Line2D

    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = [
    "CoOccurrenceDisplay",
    "HitRatesDisplay",
    "HitTrendDisplay",
    "PhraseHitsDisplay",
    "PrecisionDisplay",
    "VocabularyChangeDisplay",
    "plot_co_occurrence",
    "plot_hit_rates",
    "plot_hit_trend",
    "plot_phrase_hits",
    "plot_precision",
    "plot_vocabulary_change",
]

LITERAL, MEANING, DEAD = OKABE_ITO[0], OKABE_ITO[1], OKABE_ITO[3]
_MARKERS = ("o", "s", "^", "D", "v", "P", "X")


def _expect(value: Any, kind: type, name: str, hint: str) -> Any:
    if not isinstance(value, kind):
        raise InvalidParameterError(
            f"{name} must be a {kind.__name__} ({hint}); got {type(value).__name__}", parameter=name
        )
    return value


def _row_labels(ax: Axes, names: Sequence[str], max_chars: int) -> float:
    """Write the y tick labels (first row on top); returns the font size used."""
    n = len(names)
    _, height_in = axes_size_in(ax)
    size, step = label_font(n, height_in)
    ticks = list(range(0, n, step))
    ax.set_yticks(ticks, [label(names[i], max_chars) for i in ticks], fontsize=size)
    ax.set_ylim(n - 0.5, -0.5)
    ax.tick_params(axis="y", left=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    return size


def _tall(n: int) -> tuple[float, float]:
    return 7.5, clip(0.19 * n + 1.3, 3.0, 30.0)


# --------------------------------------------------------------------------- hit rates


class HitRatesDisplay(Display):
    """Horizontal stacked bars: each tracker's share of conversations with a literal hit (blue)
    and with hits only by meaning (orange), out of the conversations in its scope.

    Parameters
    ----------
    table : DataFrame
        The table of a :class:`~trackerkit.analysis.HitRates`, rows in the order to draw (top
        first).

    Attributes
    ----------
    literal_bars_, meaning_bars_ : BarContainer
        One bar per tracker, top to bottom.
    silent_markers_ : Line2D or None
        Grey crosses at 0 for trackers without a hit.
    legend_ : Legend

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> display = HitRatesDisplay.from_result(hit_rates(hits, messages, "sample")).plot()
    >>> len(display.literal_bars_), len(display.silent_markers_.get_xdata())
    (48, 2)
    """

    literal_bars_: BarContainer
    meaning_bars_: BarContainer
    silent_markers_: Line2D | None
    legend_: Legend

    def __init__(self, table: pd.DataFrame) -> None:
        _expect(table, pd.DataFrame, "table", "the table of hit_rates")
        if not len(table):
            raise TrackerDataError("there is no tracker to plot")
        self.table = table.reset_index(drop=True)

    @classmethod
    def from_result(cls, result: HitRates, *, sort: str | None = "rate") -> HitRatesDisplay:
        """The bars of a :class:`HitRates`; ``sort``: ``"rate"`` (highest first; equal rates
        by name, then order), ``"name"`` or None (the table's order)."""
        _expect(result, HitRates, "result", "what hit_rates returns")
        check_choice("sort", sort, ("rate", "name", None))
        table = result.table
        names = table["tracker"].astype(str).to_numpy()
        index = np.arange(len(table))
        if sort == "rate":
            order = np.lexsort(
                (index, np.char.lower(names.astype(str)), -table["rate"].fillna(-1).to_numpy())
            )
        elif sort == "name":
            order = np.lexsort((index, names, np.char.lower(names.astype(str))))
        else:
            order = index
        return cls(table.iloc[order])

    @classmethod
    def from_hits(
        cls,
        hits: pd.DataFrame,
        messages: pd.DataFrame,
        trackers: TrackersLike | None = None,
        *,
        sort: str | None = "rate",
    ) -> HitRatesDisplay:
        """Computes :func:`trackerkit.analysis.hit_rates` first."""
        return cls.from_result(hit_rates(hits, messages, trackers), sort=sort)

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 32
    ) -> HitRatesDisplay:
        """Draw the bars, first tracker on top; returns ``self``."""
        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        table = self.table
        n = len(table)
        ax = self._axes(ax, pyplot, _tall(n))
        y = np.arange(n)
        literal = table["literal_rate"].fillna(0).to_numpy()
        meaning = table["meaning_only_rate"].fillna(0).to_numpy()
        self.literal_bars_ = ax.barh(y, literal, height=0.72, color=LITERAL, label="literal hit", zorder=2)
        self.meaning_bars_ = ax.barh(
            y, meaning, left=literal, height=0.72, color=MEANING, label="only by meaning", zorder=2
        )
        silent = np.flatnonzero(table["hits"].to_numpy() == 0)
        self.silent_markers_ = None
        if len(silent):
            (self.silent_markers_,) = ax.plot(
                np.zeros(len(silent)), silent, "x", color=GREY, markersize=5, label="no hit", zorder=3
            )
        size = _row_labels(ax, table["tracker"].astype(str).tolist(), max_chars)
        if size >= 6:
            for i, (hit, scope) in enumerate(
                zip(table["conversations_hit"], table["conversations_in_scope"])
            ):
                ax.text(
                    literal[i] + meaning[i] + 0.005,
                    i,
                    f"{hit}/{scope}",
                    va="center",
                    fontsize=size - 1,
                    color=DARK_GREY,
                )
        top = float((literal + meaning).max()) if n else 0.0
        ax.set_xlim(0, max(top * 1.18, 0.05))
        ax.xaxis.set_major_formatter(_percent())
        ax.set_xlabel("conversations with a hit (share of those in the tracker's language)")
        self.legend_ = ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        return self


def _percent() -> Any:
    from matplotlib.ticker import PercentFormatter  # lazy: heavy

    return PercentFormatter(xmax=1.0, decimals=0)


def plot_hit_rates(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    ax: Axes | None = None,
    sort: str | None = "rate",
    max_label_chars: int = 32,
) -> Axes:
    """Hit rates per tracker, literal and only by meaning stacked (:class:`HitRatesDisplay`);
    returns the Axes.

    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> ax = plot_hit_rates(hits, messages, "sample")
    >>> ax.get_xlabel()
    "conversations with a hit (share of those in the tracker's language)"
    """
    display = HitRatesDisplay.from_hits(hits, messages, trackers, sort=sort)
    return display.plot(ax=ax, max_label_chars=max_label_chars).ax_


# --------------------------------------------------------------------------- phrase hits


class PhraseHitsDisplay(Display):
    """One tracker's phrases as horizontal bars of hits, literal (blue) and by meaning (orange);
    dead phrases (no literal hit) are marked with a vermillion cross and their label greyed.

    Parameters
    ----------
    table : DataFrame
        Rows of a :class:`~trackerkit.analysis.PhraseHits` table for one tracker, top first.
    tracker : str
        Its name (the title).

    Attributes
    ----------
    literal_bars_, meaning_bars_ : BarContainer
    dead_markers_ : Line2D or None
        The crosses of the dead phrases.
    legend_ : Legend

    Examples
    --------
    >>> import trackerkit
    >>> result = phrase_hits(trackerkit.load_tracker_results("sample"), "sample")
    >>> display = PhraseHitsDisplay.from_result(result, "Pricing Inquiry").plot()
    >>> len(display.literal_bars_), len(display.dead_markers_.get_ydata())
    (40, 25)
    """

    literal_bars_: BarContainer
    meaning_bars_: BarContainer
    dead_markers_: Line2D | None
    legend_: Legend

    def __init__(self, table: pd.DataFrame, tracker: str) -> None:
        _expect(table, pd.DataFrame, "table", "rows of phrase_hits for one tracker")
        if not len(table):
            raise TrackerDataError(f"tracker {tracker!r} has no phrase to plot")
        self.table = table.reset_index(drop=True)
        self.tracker = str(tracker)

    @classmethod
    def from_result(cls, result: PhraseHits, tracker: str, *, sort: str | None = "hits") -> PhraseHitsDisplay:
        """The phrases of ``tracker`` (a name or id) in a :class:`PhraseHits`; ``sort``:
        ``"hits"`` (most first; ties by vocabulary position), or None (vocabulary order)."""
        _expect(result, PhraseHits, "result", "what phrase_hits returns")
        check_choice("sort", sort, ("hits", None))
        table = result.table
        mine = table[(table["tracker"] == tracker) | (table["tracker_id"] == str(tracker))]
        if not len(mine):
            raise InvalidParameterError(f"tracker: no tracker {tracker!r} in the result", parameter="tracker")
        if sort == "hits":
            position = np.where(mine["position"] < 0, np.iinfo(np.int64).max, mine["position"])
            mine = mine.iloc[np.lexsort((np.arange(len(mine)), position, -mine["hits"].to_numpy()))]
        return cls(mine, str(mine["tracker"].iloc[0]))

    @classmethod
    def from_hits(
        cls, hits: pd.DataFrame, trackers: TrackersLike, tracker: TrackerKey, *, sort: str | None = "hits"
    ) -> PhraseHitsDisplay:
        """Computes :func:`trackerkit.analysis.phrase_hits` first."""
        return cls.from_result(phrase_hits(hits, trackers), str(tracker), sort=sort)

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 45
    ) -> PhraseHitsDisplay:
        """Draw the bars, first phrase on top; returns ``self``."""
        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        table = self.table
        n = len(table)
        ax = self._axes(ax, pyplot, _tall(n))
        y = np.arange(n)
        literal = table["literal_hits"].to_numpy()
        meaning = table["meaning_hits"].to_numpy()
        self.literal_bars_ = ax.barh(y, literal, height=0.72, color=LITERAL, label="literal", zorder=2)
        self.meaning_bars_ = ax.barh(
            y, meaning, left=literal, height=0.72, color=MEANING, label="by meaning", zorder=2
        )
        dead = np.flatnonzero(table["dead"].to_numpy())
        self.dead_markers_ = None
        if len(dead):
            (self.dead_markers_,) = ax.plot(
                meaning[dead],
                dead,
                "x",
                color=DEAD,
                markersize=6,
                mew=1.6,
                label="dead (never said)",
                zorder=3,
            )
        _row_labels(ax, table["phrase"].astype(str).tolist(), max_chars)
        dead_set = set(dead.tolist())
        for tick, position in zip(ax.get_yticklabels(), ax.get_yticks()):
            if int(position) in dead_set:
                tick.set_color(DARK_GREY)
                tick.set_fontstyle("italic")
        top = float((literal + meaning).max()) if n else 0.0
        ax.set_xlim(-0.02 * max(top, 1), max(top * 1.1, 1))
        ax.set_xlabel("hits")
        ax.set_title(f"{escape_label(self.tracker)}: {len(dead)} of {n} phrases dead", fontsize=10)
        self.legend_ = ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        return self


def plot_phrase_hits(
    hits: pd.DataFrame,
    trackers: TrackersLike,
    tracker: TrackerKey,
    *,
    ax: Axes | None = None,
    sort: str | None = "hits",
    max_label_chars: int = 45,
) -> Axes:
    """One tracker's phrase hits, dead phrases marked (:class:`PhraseHitsDisplay`); returns the Axes.

    >>> import trackerkit
    >>> ax = plot_phrase_hits(trackerkit.load_tracker_results("sample"), "sample", "Decision Maker")
    >>> ax.get_title()
    'Decision Maker: 15 of 15 phrases dead'
    """
    display = PhraseHitsDisplay.from_hits(hits, trackers, tracker, sort=sort)
    return display.plot(ax=ax, max_label_chars=max_label_chars).ax_


# --------------------------------------------------------------------------- co-occurrence


class CoOccurrenceDisplay(Display):
    """Heatmap of trackers firing in the same conversations (count, Jaccard or lift), the
    trackers that fire at all, in the result's order; the diagonal and never-meeting pairs blank.

    Attributes
    ----------
    im_ : AxesImage
    colorbar_ : Colorbar or None

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> display = CoOccurrenceDisplay.from_result(co_occurrence(hits, messages, "sample")).plot()
    >>> display.im_.get_array().shape
    (46, 46)
    """

    im_: AxesImage
    colorbar_: Colorbar | None

    def __init__(self, matrix: pd.DataFrame, metric: str) -> None:
        _expect(matrix, pd.DataFrame, "matrix", "a tracker x tracker frame")
        if not len(matrix):
            raise TrackerDataError("no tracker fires: there is nothing to plot")
        self.matrix = matrix
        self.metric = check_choice("metric", metric, ("count", "jaccard", "lift"))

    @classmethod
    def from_result(cls, result: CoOccurrence, *, metric: str = "lift") -> CoOccurrenceDisplay:
        """The ``metric`` matrix of a :class:`CoOccurrence`, restricted to trackers with a hit."""
        _expect(result, CoOccurrence, "result", "what co_occurrence returns")
        firing = np.flatnonzero(np.diag(result.counts.to_numpy()) > 0)
        matrix = result.matrix(metric).iloc[firing, firing]
        return cls(matrix, metric)

    def plot(
        self,
        *,
        ax: Axes | None = None,
        pyplot: bool = True,
        cmap: Any = "viridis",
        vmax: float | None = None,
        cbar: bool = True,
        max_label_chars: int = 30,
    ) -> CoOccurrenceDisplay:
        """Draw the heatmap; returns ``self``. Lift is drawn up to ``vmax`` (default: its 99th
        percentile, at least 2), so one rare pair does not wash out the rest."""
        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        colormap = check_colormap(cmap).with_extremes(bad="white")
        values = self.matrix.to_numpy(dtype=float).copy()
        np.fill_diagonal(values, np.nan)
        values[values == 0] = np.nan
        n = len(values)
        side = clip(0.16 * n + 2.5, 4.0, 14.0)
        ax = self._axes(ax, pyplot, (side + 2.2, side + 1.0))
        finite = values[np.isfinite(values)]
        if vmax is None:
            vmax = (
                float(max(np.percentile(finite, 99), 2.0)) if self.metric == "lift" and len(finite) else None
            )
        self.im_ = ax.imshow(
            np.ma.masked_invalid(values), cmap=colormap, vmin=0, vmax=vmax, interpolation="nearest"
        )
        names = [str(v) for v in self.matrix.index]
        width_in, _ = axes_size_in(ax)
        size, step = label_font(n, width_in)
        ticks = list(range(0, n, step))
        texts = [label(names[i], max_chars) for i in ticks]
        ax.set_xticks(ticks, texts, rotation=90, fontsize=size)
        ax.set_yticks(ticks, texts, fontsize=size)
        ax.tick_params(length=0)
        self.colorbar_ = None
        if cbar:
            names_of = {
                "count": "conversations with both",
                "jaccard": "Jaccard index",
                "lift": "lift (1 = chance)",
            }
            self.colorbar_ = ax.figure.colorbar(self.im_, ax=ax, fraction=0.046, pad=0.03, shrink=0.8)
            self.colorbar_.set_label(names_of[self.metric])
            self.colorbar_.outline.set_visible(False)
        return self


def plot_co_occurrence(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    metric: str = "lift",
    min_support: int = 3,
    ax: Axes | None = None,
    max_label_chars: int = 30,
) -> Axes:
    """Heatmap of trackers firing together (:class:`CoOccurrenceDisplay`); returns the Axes.

    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> ax = plot_co_occurrence(hits, messages, metric="jaccard")
    >>> bool(ax.images[0].get_array().max() <= 1)
    True
    """
    result = co_occurrence(hits, messages, trackers, min_support=min_support)
    return (
        CoOccurrenceDisplay.from_result(result, metric=metric)
        .plot(ax=ax, max_label_chars=max_label_chars)
        .ax_
    )


# --------------------------------------------------------------------------- trend


class HitTrendDisplay(Display):
    """Lines: the share of conversations with a hit per period, one line per tracker (Okabe-Ito
    colours and distinct markers; at most 7 trackers, so each stays tellable).

    Attributes
    ----------
    lines_ : dict of str to Line2D
        Tracker name -> its line.
    legend_ : Legend

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> trend = hits_by_period(hits, messages, "sample")
    >>> display = HitTrendDisplay.from_result(trend, ["Competitor Mention", "Outage / Downtime"]).plot()
    >>> len(display.lines_["Competitor Mention"].get_xdata())
    10
    """

    lines_: dict[str, Line2D]
    legend_: Legend

    def __init__(self, table: pd.DataFrame, trackers: Sequence[str], period: str) -> None:
        self.table = _expect(table, pd.DataFrame, "table", "the table of a HitTrend")
        self.trackers = list(trackers)
        if not self.trackers:
            raise TrackerDataError("no tracker to plot")
        if len(self.trackers) > len(_MARKERS):
            raise InvalidParameterError(
                f"trackers: at most {len(_MARKERS)} lines stay tellable; got {len(self.trackers)}",
                parameter="trackers",
            )
        self.period = period

    @classmethod
    def from_result(
        cls, result: HitTrend, trackers: Sequence[str] | None = None, *, k: int = 5
    ) -> HitTrendDisplay:
        """The lines of ``trackers`` (names), or of the ``k`` trackers whose rate changes most
        (largest absolute slope; ties by account order)."""
        _expect(result, HitTrend, "result", "what hits_by_period returns")
        if trackers is None:
            k = check_count("k", k)
            trend = result.trend
            slope = trend["slope"].abs().fillna(-1).to_numpy()
            order = np.lexsort((np.arange(len(trend)), -slope))[: min(k, len(_MARKERS))]
            names = trend["tracker"].iloc[order].tolist()
        else:
            names = check_strings("trackers", trackers)
            unknown = sorted(set(names) - set(result.trend["tracker"]))
            if unknown:
                raise InvalidParameterError(
                    f"trackers: unknown {', '.join(map(repr, unknown))}", parameter="trackers"
                )
        return cls(result.table, names, result.period)

    def plot(self, *, ax: Axes | None = None, pyplot: bool = True) -> HitTrendDisplay:
        """Draw the lines; returns ``self``."""
        ax = self._axes(ax, pyplot, (8.0, 4.0))
        self.lines_ = {}
        for i, name in enumerate(self.trackers):
            mine = self.table[self.table["tracker"] == name]
            (line,) = ax.plot(
                mine["period_start"].dt.tz_localize(None),
                mine["rate"],
                marker=_MARKERS[i],
                color=palette(i),
                linewidth=1.6,
                markersize=4.5,
                label=escape_label(name),
            )
            self.lines_[name] = line
        ax.yaxis.set_major_formatter(_percent())
        ax.set_ylim(bottom=0)
        ax.set_ylabel(f"conversations with a hit (share per {self.period})")
        ax.set_xlabel(f"{self.period} starting (UTC)")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter  # lazy: heavy

        locator = AutoDateLocator(maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
        self.legend_ = ax.legend(
            fontsize=8, framealpha=0.9, loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3
        )
        return self


def plot_hit_trend(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    select: Sequence[str] | None = None,
    period: str = "week",
    k: int = 5,
    ax: Axes | None = None,
) -> Axes:
    """Rates per period (:class:`HitTrendDisplay`) of ``select`` (names) or of the ``k``
    trackers that change most; returns the Axes.

    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> len(plot_hit_trend(hits, messages, select=["Competitor Mention"]).lines)
    1
    """
    result = hits_by_period(hits, messages, trackers, period=period)
    return HitTrendDisplay.from_result(result, select, k=k).plot(ax=ax).ax_


# --------------------------------------------------------------------------- precision


class PrecisionDisplay(Display):
    """Each tracker's estimated precision (a dot) with its Wilson interval (a bar), per match
    kind (literal blue circles, by meaning orange squares) or overall (black).

    Attributes
    ----------
    errorbars_ : dict of str to ErrorbarContainer
        Match kind -> its dots and bars.
    legend_ : Legend

    Examples
    --------
    >>> import pandas as pd
    >>> labels = pd.DataFrame({"hit_key": list("abcd"), "label": ["right", "wrong", "right", "right"],
    ...     "tracker_id": ["1", "1", "2", "2"], "tracker": ["A", "A", "B", "B"], "match": "literal"})
    >>> display = PrecisionDisplay.from_result(precision(labels)).plot()
    >>> sorted(display.errorbars_)
    ['literal']
    """

    errorbars_: dict[str, ErrorbarContainer]
    legend_: Legend

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = _expect(table, pd.DataFrame, "table", "what precision returns")
        if not len(table):
            raise TrackerDataError("no label yet: nothing to plot")

    @classmethod
    def from_result(
        cls, table: pd.DataFrame, *, kinds: Sequence[str] = ("literal", "meaning")
    ) -> PrecisionDisplay:
        """The rows of ``kinds`` (``"literal"``, ``"meaning"``, ``"any"``) of a precision table."""
        _expect(table, pd.DataFrame, "table", "what precision returns")
        kinds = [check_choice("kinds", kind, ("literal", "meaning", "any")) for kind in kinds]
        return cls(table[table["match"].isin(kinds) & (table["labelled"] > 0)])

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 32
    ) -> PrecisionDisplay:
        """Draw the dots and intervals, first tracker on top; returns ``self``."""
        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        names = list(dict.fromkeys(self.table["tracker"].astype(str)))
        row = {name: i for i, name in enumerate(names)}
        ax = self._axes(ax, pyplot, _tall(len(names)))
        style = {
            "literal": (LITERAL, "o", -0.15, "literal"),
            "meaning": (MEANING, "s", 0.15, "by meaning"),
            "any": ("#000000", "D", 0.0, "overall"),
        }
        self.errorbars_ = {}
        for kind, part in self.table.groupby("match", sort=False):
            color, marker, shift, text = style[str(kind)]
            y = np.array([row[str(n)] for n in part["tracker"]]) + shift
            value = part["precision"].to_numpy(dtype=float)
            low = part["ci_low"].to_numpy(dtype=float)
            high = part["ci_high"].to_numpy(dtype=float)
            errors = np.clip(np.vstack([value - low, high - value]), 0.0, None)  # rounding
            self.errorbars_[str(kind)] = ax.errorbar(
                value, y, xerr=errors, fmt=marker, color=color, ecolor=color, elinewidth=1.2, capsize=2,
                markersize=4.5, label=f"{text} (Wilson 95%)",
            )  # fmt: skip
        _row_labels(ax, names, max_chars)
        ax.set_xlim(-0.02, 1.02)
        ax.xaxis.set_major_formatter(_percent())
        ax.set_xlabel("precision (share of reviewed hits that are right)")
        self.legend_ = ax.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncol=3, fontsize=8, frameon=False)
        return self


def plot_precision(
    labels: Any, *, kinds: Sequence[str] = ("literal", "meaning"), ax: Axes | None = None
) -> Axes:
    """Precision with Wilson intervals (:class:`PrecisionDisplay`) of a
    :class:`~trackerkit.analysis.ReviewLog` or its labels; returns the Axes.

    >>> import pandas as pd
    >>> labels = pd.DataFrame({"hit_key": ["a", "b"], "label": ["right", "wrong"], "tracker_id": "1",
    ...     "tracker": "A", "match": "literal"})
    >>> plot_precision(labels).get_xlabel()
    'precision (share of reviewed hits that are right)'
    """
    return PrecisionDisplay.from_result(precision(labels), kinds=kinds).plot(ax=ax).ax_


# --------------------------------------------------------------------------- before / after


class VocabularyChangeDisplay(Display):
    """Diverging bars per changed tracker: messages gained by a vocabulary change (blue, right)
    and lost (vermillion, left).

    Attributes
    ----------
    gained_bars_, lost_bars_ : BarContainer

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"tracker": ["A", "B"], "gained": [3, 0], "lost": [1, 2]})
    >>> display = VocabularyChangeDisplay(table).plot()
    >>> [float(b.get_width()) for b in display.lost_bars_]
    [-1.0, -2.0]
    """

    gained_bars_: BarContainer
    lost_bars_: BarContainer

    def __init__(self, table: pd.DataFrame) -> None:
        self.table = _expect(
            table, pd.DataFrame, "table", "the trackers table of a VocabularyChange"
        ).reset_index(drop=True)
        if not len(self.table):
            raise TrackerDataError("no tracker gains or loses a message: nothing to plot")

    @classmethod
    def from_result(cls, result: VocabularyChange) -> VocabularyChangeDisplay:
        """The trackers of a :class:`VocabularyChange` that gain or lose a message, most
        changed first (gained + lost; ties by the table's order)."""
        _expect(result, VocabularyChange, "result", "what compare_versions returns")
        table = result.trackers
        moved = (table["gained"] + table["lost"]).to_numpy()
        order = np.lexsort((np.arange(len(table)), -moved))
        return cls(table.iloc[order][moved[order] > 0])

    def plot(
        self, *, ax: Axes | None = None, pyplot: bool = True, max_label_chars: int = 32
    ) -> VocabularyChangeDisplay:
        """Draw the bars; returns ``self``."""
        max_chars = check_count("max_label_chars", max_label_chars, minimum=2)
        n = len(self.table)
        ax = self._axes(ax, pyplot, _tall(n))
        y = np.arange(n)
        gained = self.table["gained"].to_numpy(dtype=float)
        lost = self.table["lost"].to_numpy(dtype=float)
        self.gained_bars_ = ax.barh(y, gained, height=0.72, color=LITERAL, label="messages gained", zorder=2)
        self.lost_bars_ = ax.barh(y, -lost, height=0.72, color=DEAD, label="messages lost", zorder=2)
        ax.axvline(0, color=DARK_GREY, linewidth=0.8)
        _row_labels(ax, self.table["tracker"].astype(str).tolist(), max_chars)
        ax.set_xlabel("messages the tracker fires in: lost (left) and gained (right) by the change")
        ax.legend(loc="lower right", fontsize=8, framealpha=0.9)
        return self


def plot_vocabulary_change(result: VocabularyChange, *, ax: Axes | None = None) -> Axes:
    """Gains and losses of a vocabulary change (:class:`VocabularyChangeDisplay`); returns the Axes."""
    return VocabularyChangeDisplay.from_result(result).plot(ax=ax).ax_
