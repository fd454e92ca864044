"""SimilarityExplorer: the clustered heatmap and the pairs above a threshold, live."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import numpy as np

from trackerkit._validation import check_choice
from trackerkit.analysis import similarity_matrix, tracker_pairs
from trackerkit.constants import ANALYZERS, DEFAULT_ANALYZER, DEFAULT_TRACKER_THRESHOLD
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import SimilarityHeatmapDisplay
from trackerkit.widgets._base import DPI, Displayable, frame_html, guarded, message_html

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike
    from trackerkit.analysis import TrackerMatrix

__all__ = ["ANALYZER_LABELS", "HeatmapRenderer", "SimilarityExplorer"]

#: analyzer -> the toggle's label (the library's default analyzer first)
ANALYZER_LABELS: dict[str, str] = {"char_wb": "character", "word": "word"}
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
        from matplotlib.figure import Figure  # lazy: heavy

        self.display = SimilarityHeatmapDisplay.from_result(matrix, cluster=True)
        n = len(self.display.order)
        side = float(np.clip(0.12 * n + 3.5, 5.0, 12.0))
        self.figure = Figure(figsize=(side + 1.6, side), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.display.plot(ax=self.ax)
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
    """How similar the trackers are: a clustered heatmap and the pairs above a threshold.

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
    """

    def __init__(
        self,
        trackers: TrackersLike,
        *,
        threshold: float = DEFAULT_TRACKER_THRESHOLD,
        analyzer: str = DEFAULT_ANALYZER,
    ) -> None:
        check_choice("analyzer", analyzer, ANALYZERS)
        self.trackers = as_trackers_frame(trackers)
        self._matrices: dict[str, TrackerMatrix] = {}
        self._all_pairs: dict[str, pd.DataFrame] = {}
        self._renderers: dict[str, HeatmapRenderer] = {}
        self.analyzer = widgets.ToggleButtons(
            options=[(ANALYZER_LABELS[a], a) for a in ANALYZERS],
            value=analyzer,
            description="Analyzer",
            tooltips=["TF-IDF of character n-grams (catches typos and inflections)", "TF-IDF of words"],
        )
        self.analyzer.add_class("tk-similarity-analyzer")
        self.threshold = widgets.FloatSlider(
            value=threshold,
            min=0.0,
            max=1.0,
            step=0.05,
            description="Threshold",
            continuous_update=False,
            readout_format=".2f",
        )
        self.threshold.add_class("tk-similarity-threshold")
        self.heatmap = widgets.Image(
            format="png", layout=widgets.Layout(max_width="100%", height="auto", align_self="flex-start")
        )
        self.heatmap.add_class("tk-similarity-heatmap")
        self.pairs_html = widgets.HTML()
        self.pairs_html.add_class("tk-similarity-pairs")
        self.status = widgets.HTML()
        self.pairs: Any = None
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.analyzer]),
                self.threshold,
                self._error_box(),
                self.status,
                widgets.HBox(
                    [self.heatmap, self.pairs_html],
                    layout=widgets.Layout(align_items="flex-start", grid_gap="12px"),
                ),
            ]
        )
        self.widget.add_class("tk-similarity")
        self.analyzer.observe(self._on_change, "value")
        self.threshold.observe(self._on_change, "value")
        self.update()

    # ------------------------------------------------------------------ cache

    def similarity(self, analyzer: str | None = None) -> TrackerMatrix:
        """The similarity matrix for ``analyzer`` (default: the toggle's), computed once."""
        key = analyzer or self.analyzer.value
        if key not in self._matrices:
            self._matrices[key] = similarity_matrix(self.trackers, analyzer=key)
        return self._matrices[key]

    def _pairs(self, key: str) -> pd.DataFrame:
        """Every pair of the analyzer's matrix, best first (a slider step only filters them)."""
        if key not in self._all_pairs:
            self._all_pairs[key] = tracker_pairs(self.similarity(key)).rename(
                columns={"tracker_a": "tracker", "tracker_b": "similar tracker", "score": "similarity"}
            )
        return self._all_pairs[key]

    def _renderer(self, key: str) -> HeatmapRenderer:
        if key not in self._renderers:
            self._renderers[key] = HeatmapRenderer(self.similarity(key))
        return self._renderers[key]

    @property
    def matrix(self) -> TrackerMatrix:
        return self.similarity()

    # ------------------------------------------------------------------ updates

    @guarded
    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Show the pairs and the heatmap for the current controls."""
        key = self.analyzer.value
        t = float(self.threshold.value)
        matrix = self.similarity(key)
        pairs = self._pairs(key)
        # the pairs are in tracker_pairs' total order, so the filtered rows keep it
        self.pairs = pairs[pairs["similarity"] >= t].reset_index(drop=True)
        n = len(self.pairs)
        shown = self.pairs.head(MAX_PAIRS)
        caption = f"{n} pair{'s' if n != 1 else ''} with {ANALYZER_LABELS[key]} similarity ≥ {t:.2f}"
        if n > MAX_PAIRS:
            caption += f" (the {MAX_PAIRS} most similar shown)"
        self.pairs_html.value = frame_html(shown, caption=caption, empty="no pair at this threshold")
        self.heatmap.value = self._renderer(key).render(t)
        self.status.value = message_html(
            f"{len(matrix)} trackers; cells under {t:.2f} are faded in the heatmap.", "muted"
        )

    def close(self) -> None:
        for renderer in self._renderers.values():
            renderer.close()
        self._renderers.clear()
        super().close()
