"""SimilarityExplorer: the clustered heatmap and the pairs above a threshold, live."""

from __future__ import annotations

import io
from typing import Any

import ipywidgets as widgets
import numpy as np

from trackerkit.frames import as_trackers_frame
from trackerkit.widgets._base import DPI, Displayable, frame_html, guarded, message_html

__all__ = ["HeatmapRenderer", "SimilarityExplorer"]

#: toggle label -> keyword arguments of :func:`trackerkit.similarity_matrix`
ANALYZERS: dict[str, dict[str, Any]] = {
    "word": {"analyzer": "word"},
    "character": {"analyzer": "char_wb"},
}
#: pairs listed at most in the table (the caption gives the full count)
MAX_PAIRS = 200
_FADE = 0.18  # cells under the threshold keep this much of their colour (the rest is white)


class HeatmapRenderer:
    """The clustered heatmap of one similarity matrix, re-rendered for a threshold in ~50 ms.

    Drawing a 150-tracker heatmap (300 tick labels, colour bar, layout) takes most of a second,
    too slow for a slider. So the figure is drawn once, with
    :func:`trackerkit.plotting.plot_similarity_heatmap` on an Agg canvas, and kept; a new
    threshold only fades the cells under it towards white in the heatmap image (the artist the
    plot tags ``gid="similarity-heatmap"``), redraws that artist, the cell grid and the cell
    values over the cached rendering (matplotlib's blitting), and encodes the canvas as PNG.
    One figure is kept per renderer; :meth:`close` releases it.
    """

    def __init__(self, matrix: Any, *, dpi: int = DPI) -> None:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.figure import Figure

        from trackerkit.plotting import plot_similarity_heatmap

        n = len(matrix)
        side = float(np.clip(0.12 * n + 3.5, 5.0, 12.0))
        self.figure = Figure(figsize=(side + 1.6, side), dpi=dpi, layout="constrained")
        self.canvas = FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        plot_similarity_heatmap(matrix, ax=self.ax, cluster=True)
        images = [im for im in self.ax.images if im.get_gid() == "similarity-heatmap"]
        if len(images) != 1:
            raise RuntimeError("plot_similarity_heatmap drew no image tagged 'similarity-heatmap'")
        self.image = images[0]
        self.values = np.ma.array(self.image.get_array(), copy=True)  # in the clustered order
        self.order = [t.get_text() for t in self.ax.get_yticklabels()]
        self._overlays = [c for c in self.ax.collections if c.get_gid() == "heatmap-grid"]
        self._texts = list(self.ax.texts)
        self._text_colours = [t.get_color() for t in self._texts]
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
        for overlay in self._overlays:
            self.ax.draw_artist(overlay)
        for text, colour in zip(self._texts, self._text_colours):
            x, y = text.get_position()
            text.set_color("#8a8a8a" if below[round(y), round(x)] else colour)
            self.ax.draw_artist(text)
        self.threshold = threshold
        return self.png()

    def png(self) -> bytes:
        from PIL import Image

        width, height = self.canvas.get_width_height()
        rgba = Image.frombuffer("RGBA", (width, height), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        out = io.BytesIO()
        rgba.convert("RGB").save(out, format="png", compress_level=1)
        return out.getvalue()

    def close(self) -> None:
        self.figure.clear()


class SimilarityExplorer(Displayable):
    """How similar the trackers are: a clustered heatmap and the pairs above a threshold.

    Controls: ``.analyzer`` (ToggleButtons, ``"word"`` or ``"character"`` TF-IDF) and
    ``.threshold`` (FloatSlider, ``continuous_update=False``). Outputs: ``.heatmap`` (Image,
    PNG; cells under the threshold faded) and ``.pairs_html`` (HTML table). State:
    ``.matrix`` (the similarity matrix of the current analyzer, a DataFrame labelled by
    name), ``.pairs`` (DataFrame ``tracker``, ``similar tracker``, ``similarity`` of the pairs at
    or above the threshold, best first, ties in account order as :func:`trackerkit.tracker_pairs`
    orders them). The matrix and the drawn heatmap are cached per analyzer: a slider
    step re-renders from the cache, it never recomputes TF-IDF.
    """

    def __init__(self, trackers: Any, threshold: float = 0.25, analyzer: str = "word") -> None:
        self.trackers = as_trackers_frame(trackers)
        self._matrices: dict[str, Any] = {}
        self._renderers: dict[str, HeatmapRenderer] = {}
        self.analyzer = widgets.ToggleButtons(
            options=list(ANALYZERS),
            value=analyzer,
            description="Analyzer",
            tooltips=["TF-IDF of words", "TF-IDF of character n-grams (catches typos and inflections)"],
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

    def similarity(self, analyzer: str | None = None) -> Any:
        """The similarity matrix for ``analyzer`` (default: the toggle's), computed once."""
        from trackerkit.analysis import similarity_matrix

        key = analyzer or self.analyzer.value
        if key not in self._matrices:
            self._matrices[key] = similarity_matrix(self.trackers, **ANALYZERS[key])
        return self._matrices[key]

    def _renderer(self, key: str) -> HeatmapRenderer:
        if key not in self._renderers:
            self._renderers[key] = HeatmapRenderer(self.similarity(key))
        return self._renderers[key]

    @property
    def matrix(self) -> Any:
        return self.similarity()

    # ------------------------------------------------------------------ updates

    @guarded
    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Recompute the pairs and re-render the heatmap for the current controls."""
        from trackerkit.analysis import tracker_pairs

        key = self.analyzer.value
        t = float(self.threshold.value)
        matrix = self.similarity(key)
        self.pairs = tracker_pairs(matrix, threshold=t).rename(
            columns={"tracker_a": "tracker", "tracker_b": "similar tracker", "score": "similarity"}
        )
        n = len(self.pairs)
        shown = self.pairs.head(MAX_PAIRS)
        caption = f"{n} pair{'s' if n != 1 else ''} with {key} similarity ≥ {t:.2f}"
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
