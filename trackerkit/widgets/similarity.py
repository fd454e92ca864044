"""SimilarityExplorer: the clustered heatmap and the pairs above a threshold, live."""

from __future__ import annotations

import io
import logging
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from trackerkit._validation import check_bool, check_choice
from trackerkit.analysis import similarity_matrix, tracker_pairs
from trackerkit.constants import (
    ANALYZERS,
    DEFAULT_ANALYZER,
    DEFAULT_SEMANTIC_TRACKER_THRESHOLD,
    DEFAULT_TRACKER_THRESHOLD,
    SEMANTIC_ANALYZER,
    SIMILARITY_ANALYZERS,
)
from trackerkit.embedding._onnx import require_optional
from trackerkit.errors import MissingDependencyError
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import SimilarityHeatmapDisplay
from trackerkit.widgets._base import DPI, SCALES, Displayable, frame_html, guarded, message_html

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike
    from trackerkit.analysis import TrackerMatrix

__all__ = [
    "ANALYZER_LABELS",
    "ANALYZER_TERMS",
    "HeatmapRenderer",
    "SimilarityExplorer",
    "semantic_available",
    "tracker_scale",
]

#: analyzer -> the toggle's label (the library's default analyzer first)
ANALYZER_LABELS: dict[str, str] = {"char_wb": "character", "word": "word", SEMANTIC_ANALYZER: "meaning"}
#: analyzer -> what its TF-IDF vectors count, in the sentences that explain a score
ANALYZER_TERMS: dict[str, str] = {"char_wb": "character n-gram", "word": "word"}
#: the slider's starting point per analyzer (cosines by meaning run higher than TF-IDF's)
ANALYZER_THRESHOLDS: dict[str, float] = {
    "char_wb": DEFAULT_TRACKER_THRESHOLD,
    "word": DEFAULT_TRACKER_THRESHOLD,
    SEMANTIC_ANALYZER: DEFAULT_SEMANTIC_TRACKER_THRESHOLD,
}
_TOOLTIPS = {
    "char_wb": "TF-IDF of character n-grams (catches typos and inflections)",
    "word": "TF-IDF of words",
    SEMANTIC_ANALYZER: "sentence embeddings: trackers alike in meaning even without shared words "
    "(the semantic extra; the first view embeds every phrase, then it is cached on disk)",
}


def semantic_available() -> bool:
    """Whether the ``semantic`` extra is installed (checked without importing its runtime)."""
    try:
        for module in ("onnxruntime", "tokenizers"):
            require_optional(module)
    except MissingDependencyError:
        return False
    return True


def _scale_of(analyzer: str) -> str:
    return "meaning" if analyzer == SEMANTIC_ANALYZER else "tfidf"


def tracker_scale(analyzer: str) -> str:
    """What a tracker similarity of ``analyzer`` is, on what scale (said under its tables)."""
    if analyzer == SEMANTIC_ANALYZER:
        return SCALES["tracker_meaning"]
    return SCALES["tracker"].format(analyzer=ANALYZER_TERMS[analyzer])


logger = logging.getLogger("trackerkit.widgets")
#: pairs listed at most in the table (the caption gives the full count)
MAX_PAIRS = 200
_FADE = 0.18  # cells under the threshold keep this much of their colour (the rest is white)


class HeatmapRenderer:
    """The clustered heatmap of one similarity matrix, re-rendered for a threshold in ~50 ms.

    Drawing a 150-tracker heatmap (300 tick labels, colour bar, layout) takes most of a second,
    too slow for a slider. So the figure is drawn once, by a
    :class:`trackerkit.plotting.SimilarityHeatmapDisplay` on an Agg canvas outside pyplot, and
    kept with its display; a new threshold only fades the cells under it towards white in the
    display's image (``im_``), redraws that artist, the cell grid (``grid_``) and the cell values
    (``text_``) over the cached rendering (matplotlib's blitting), and encodes the canvas as PNG.
    One figure is kept per renderer; :meth:`close` releases it.
    """

    def __init__(self, matrix: TrackerMatrix | pd.DataFrame, *, dpi: int = DPI) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg  # lazy: heavy

        self.display = SimilarityHeatmapDisplay.from_result(matrix, cluster=True)
        # the display's own figure, laid out by hand for its labels (a constrained layout would
        # measure every label again: most of a second at 500 trackers), outside pyplot
        self.display.plot(pyplot=False)
        self.figure = self.display.figure_
        self.figure.set_dpi(dpi)
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.display.ax_
        self.image = self.display.im_
        self.values = np.ma.array(self.image.get_array(), copy=True)  # in the clustered order
        self.order = list(self.display.order)
        texts = self.display.text_
        # the colour the display gave each written value, restored where it is not faded
        self._colours = {} if texts is None else {ij: t.get_color() for ij, t in np.ndenumerate(texts) if t}
        self.canvas.draw()  # the full, slow rendering: once
        self.threshold: float | None = None

    def render(self, threshold: float | None = None) -> bytes:
        """PNG bytes of the heatmap, cells under ``threshold`` faded (None: none faded)."""
        values = self.values.filled(np.nan)
        below = np.zeros(values.shape, dtype=bool)
        if threshold is not None:
            with np.errstate(invalid="ignore"):
                below = values < threshold
        rgba = self.image.cmap(self.image.norm(values))  # NaN (the diagonal) -> "bad", white
        rgba[below, :3] = _FADE * rgba[below, :3] + (1 - _FADE)
        self.image.set_data(rgba)
        self.ax.draw_artist(self.image)
        for overlay in self.display.grid_:
            self.ax.draw_artist(overlay)
        if self.display.text_ is not None:
            for (i, j), text in np.ndenumerate(self.display.text_):
                if text is None:
                    continue
                text.set_color("#8a8a8a" if below[i, j] else self._colours[i, j])
                self.ax.draw_artist(text)
        self.threshold = threshold
        return self.png()

    def png(self) -> bytes:
        from PIL import Image  # lazy: heavy

        width, height = self.canvas.get_width_height()
        rgba = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        out = io.BytesIO()
        rgba.convert("RGB").save(out, format="png", compress_level=1)
        return out.getvalue()

    def close(self) -> None:
        self.figure.clear()


class SimilarityExplorer(Displayable):
    """How similar the trackers are: the pairs above a threshold and a clustered heatmap.

    Controls: ``.analyzer`` (ToggleButtons whose values are the analyzers, ``"char_wb"``
    labelled "character", the library's default, and ``"word"``) and ``.threshold``
    (FloatSlider, ``continuous_update=False``). Outputs: ``.heatmap`` (Image, PNG; cells under
    the threshold faded) and ``.pairs_html`` (HTML table). State: ``.matrix`` (the
    :class:`~trackerkit.analysis.TrackerMatrix` of the current analyzer, labelled by name),
    ``.pairs`` (DataFrame ``tracker``, ``similar tracker``, ``similarity`` of the pairs at or
    above the threshold, best first, ties in account order as :func:`trackerkit.tracker_pairs`
    orders them). Per analyzer, the matrix, its pairs and the drawn heatmap are computed once:
    a slider step filters the pairs and re-renders the heatmap from the cache, it never
    recomputes TF-IDF.

    With ``defer=True`` (as :func:`trackerkit.explore` builds it: this is not its first tab)
    construction computes nothing; the first :meth:`update` (opening the tab, moving a control,
    reading ``.pairs`` or ``.matrix``) computes what it shows, and
    :meth:`prepare_in_background` computes both analyzers' results (the default first) in a
    background thread meanwhile, so that opening the tab a few seconds later finds them ready
    (an update waits only for the analyzer it shows, if that one is still being computed). The
    thread only computes; widgets change in the caller's thread.
    """

    def __init__(
        self,
        trackers: TrackersLike,
        *,
        threshold: float = DEFAULT_TRACKER_THRESHOLD,
        analyzer: str = DEFAULT_ANALYZER,
        defer: bool = False,
    ) -> None:
        check_choice("analyzer", analyzer, SIMILARITY_ANALYZERS)
        check_bool("defer", defer)
        self.trackers = as_trackers_frame(trackers)
        self._matrices: dict[str, TrackerMatrix] = {}
        self._all_pairs: dict[str, pd.DataFrame] = {}
        self._renderers: dict[str, HeatmapRenderer] = {}
        self._lock = threading.Lock()  # held while one analyzer's results are computed or drawn
        self._closed = False
        self._shown: pd.DataFrame | None = None
        # by meaning only where the semantic extra is installed (or asked for: then its error says
        # which extra to install)
        offered = [*ANALYZERS, *([SEMANTIC_ANALYZER] if semantic_available() else [])]
        if analyzer not in offered:
            offered.append(analyzer)
        # one threshold for the TF-IDF analyzers (one scale), one for meaning (cosines run higher)
        self._thresholds = {_scale_of(a): ANALYZER_THRESHOLDS[a] for a in offered}
        self._thresholds[_scale_of(analyzer)] = threshold
        self.analyzer = widgets.ToggleButtons(
            options=[(ANALYZER_LABELS[a], a) for a in offered],
            value=analyzer,
            description="Analyzer",
            style={"description_width": "initial"},
            tooltips=[_TOOLTIPS[a] for a in offered],
        )
        self.analyzer.add_class("tk-similarity-analyzer")
        self.threshold = widgets.FloatSlider(
            value=threshold,
            min=0.0,
            max=1.0,
            step=0.05,
            description="Similarity at least",
            continuous_update=False,
            readout_format=".2f",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px", max_width="100%"),
        )
        self.threshold.add_class("tk-similarity-threshold")
        # the pairs first (what an analyst acts on), the heatmap beside them when there is room
        # (it shrinks to fit, never past its own size), under them otherwise
        self.heatmap = widgets.Image(
            format="png",
            layout=widgets.Layout(
                flex="1 1 380px", min_width="0", max_width="100%", height="auto", align_self="flex-start"
            ),
        )
        self.heatmap.add_class("tk-similarity-heatmap")
        self.pairs_html = widgets.HTML()
        self.pairs_html.add_class("tk-similarity-pairs")
        self.pairs_html.layout = widgets.Layout(flex="0 1 420px", min_width="0")
        self.status = widgets.HTML()
        self.widget = widgets.VBox(
            [
                widgets.HBox(
                    [self.analyzer, self.threshold],
                    layout=widgets.Layout(flex_flow="row wrap", align_items="flex-end", grid_gap="4px 24px"),
                ),
                self._error_box(),
                self.status,
                widgets.HBox(
                    [self.pairs_html, self.heatmap],
                    layout=widgets.Layout(
                        flex_flow="row wrap", align_items="flex-start", grid_gap="12px 20px"
                    ),
                ),
            ]
        )
        self.widget.add_class("tk-similarity")
        self.analyzer.observe(self._on_analyzer, "value")
        self.threshold.observe(self._on_change, "value")
        self._thread: threading.Thread | None = None
        if defer:
            self.status.value = message_html(
                f"The similarity of {len(self.trackers)} trackers is computed when this tab opens.", "muted"
            )
        else:
            self.update()

    def prepare_in_background(self) -> None:
        """Compute both analyzers' results (the toggle's first) in a background thread, once."""
        if self._thread is None and not self._closed:
            # TF-IDF only: by meaning embeds every phrase (minutes on a large account, the first
            # time), so it is computed when asked for
            order = [self.analyzer.value] + [a for a in ANALYZERS if a != self.analyzer.value]
            self._thread = threading.Thread(
                target=self._prepare_all, args=(order,), name="trackerkit-similarity", daemon=True
            )
            self._thread.start()

    # ------------------------------------------------------------------ cache

    def _prepare_all(self, analyzers: list[str]) -> None:
        """In a background thread: each analyzer's results, in this order. A failure is left
        for :meth:`update` to meet again, in the caller's thread, and report."""
        for key in analyzers:
            if self._closed:
                return
            try:
                self._prepare(key)
            except Exception:  # recomputed (and raised) where it is shown
                logger.debug("background similarity of %s failed", key, exc_info=True)
                return

    def _prepare(self, key: str) -> HeatmapRenderer:
        """The matrix, the pairs and the drawn heatmap of ``key``, computed once (either thread)."""
        with self._lock:
            if key not in self._renderers:
                matrix = similarity_matrix(self.trackers, analyzer=key)
                pairs = tracker_pairs(matrix).rename(
                    columns={"tracker_a": "tracker", "tracker_b": "similar tracker", "score": "similarity"}
                )
                renderer = HeatmapRenderer(matrix)
                self._matrices[key], self._all_pairs[key], self._renderers[key] = matrix, pairs, renderer
            return self._renderers[key]

    def similarity(self, analyzer: str | None = None) -> TrackerMatrix:
        """The similarity matrix for ``analyzer`` (default: the toggle's), computed once."""
        key = analyzer or self.analyzer.value
        self._prepare(key)
        return self._matrices[key]

    @property
    def matrix(self) -> TrackerMatrix:
        return self.similarity()

    @property
    def pairs(self) -> pd.DataFrame:
        """The pairs at or above the threshold, as the table lists them (all of them)."""
        if self._shown is None:
            self.update()
        return self._shown

    # ------------------------------------------------------------------ updates

    @guarded
    def _on_change(self, change: dict[str, Any]) -> None:
        self._thresholds[_scale_of(self.analyzer.value)] = float(self.threshold.value)
        self.update()

    @guarded
    def _on_analyzer(self, change: dict[str, Any]) -> None:
        """By meaning keeps its own threshold (it starts higher: its cosines run higher)."""
        wanted = self._thresholds[_scale_of(change["new"])]
        if float(self.threshold.value) != wanted:
            with self.threshold.hold_trait_notifications():
                self.threshold.unobserve(self._on_change, "value")
                try:
                    self.threshold.value = wanted
                finally:
                    self.threshold.observe(self._on_change, "value")
        self.update()

    def update(self) -> None:
        """Show the pairs and the heatmap for the current controls."""
        key = self.analyzer.value
        t = float(self.threshold.value)
        if key not in self._renderers:
            what = (
                "by meaning (embedding each phrase; cached on disk after the first time)"
                if key == SEMANTIC_ANALYZER
                else ""
            )
            self.status.value = message_html(
                f"Computing the similarity of {len(self.trackers)} trackers {what}\u2026".replace(
                    " \u2026", "\u2026"
                ),
                "muted",
            )
        renderer = self._prepare(key)
        matrix, pairs = self._matrices[key], self._all_pairs[key]
        # the pairs are in tracker_pairs' total order, so the filtered rows keep it
        self._shown = pairs[pairs["similarity"] >= t].reset_index(drop=True)
        n = len(self._shown)
        shown = self._shown.head(MAX_PAIRS)
        caption = f"{n} pair{'s' if n != 1 else ''} with {ANALYZER_LABELS[key]} similarity ≥ {t:.2f}"
        if n > MAX_PAIRS:
            caption += f" (the {MAX_PAIRS} most similar shown)"
        self.pairs_html.value = frame_html(
            shown,
            caption=caption,
            note=tracker_scale(key),
            empty="no pair at this threshold",
        )
        with self._lock:
            png = renderer.render(t)
        self.heatmap.value = png
        self.heatmap.layout.max_width = f"{renderer.canvas.get_width_height()[0]}px"  # never blown up
        self.status.value = message_html(
            f"{len(matrix)} trackers. The heatmap shows every pair's similarity, similar trackers "
            f"grouped along the diagonal; cells under {t:.2f} are faded.",
            "muted",
        )

    def close(self) -> None:
        self._closed = True
        if self._thread is not None:
            self._thread.join()
        for renderer in self._renderers.values():
            renderer.close()
        self._renderers.clear()
        super().close()
