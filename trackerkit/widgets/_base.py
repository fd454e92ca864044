"""What every widget of :mod:`trackerkit.widgets` shares: plots as PNG bytes, escaped HTML, display.

Three rules the widgets follow, enforced here:

* **Plots are PNG bytes** held in an ``ipywidgets.Image`` (never drawn into an ``Output``
  context, which only a live front end captures): :func:`display_to_png` draws a
  :mod:`trackerkit.plotting` display on a figure outside pyplot, renders it and closes it.
* **Every text that becomes HTML is escaped**: ipywidgets' ``HTML`` widget sets ``innerHTML``
  and does not sanitize, and tracker names and phrases are user data. :func:`escape` and
  :func:`frame_html` (``DataFrame.to_html(escape=True)``) are the only ways text reaches HTML.
* **Display delegates to one root widget**: the widgets are plain classes (their state is in
  attributes, easy to drive and assert without a browser), and :class:`Displayable` gives them
  ``_repr_mimebundle_`` from their ``.widget``, so a cell ending with one shows it.

    >>> escape('<img src=x onerror=alert(1)>')
    '&lt;img src=x onerror=alert(1)&gt;'
"""

from __future__ import annotations

import functools
import html
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from trackerkit.plotting import figure_to_png

if TYPE_CHECKING:
    import ipywidgets
    import pandas as pd

    from trackerkit.plotting._base import Display

__all__ = [
    "SCALES",
    "Displayable",
    "HtmlCell",
    "display_to_png",
    "escape",
    "figure_to_png",
    "frame_html",
    "guarded",
    "message_html",
    "note_html",
    "walk",
]

logger = logging.getLogger("trackerkit.widgets")
F = TypeVar("F", bound=Callable[..., Any])

#: Resolution of the PNGs shown in widgets: sharp on screen, small and fast to encode.
DPI = 72

#: How the widgets' tables scroll: at most this tall (CSS), so a long table uses the window's
#: height (a 768 px laptop screen shows about 20 rows) without pushing the rest out of sight.
TALL = "max(360px, calc(100vh - 260px))"
#: The height of shorter boxes (findings, phrases shared with a neighbour).
SHORT = "320px"

# One small style sheet, scoped to trackerkit's own classes, repeated in each HTML value that
# needs it (an HTML widget cannot rely on another one having been rendered first). ipywidgets
# gives HTML widgets a 28 px line height (one widget row): ``.tk-html`` restores a normal one.
# Colours follow JupyterLab's theme variables where it has them (dark themes), with fallbacks.
_STYLE = (
    "<style>"
    ".tk-html{line-height:1.4;white-space:normal;color:var(--jp-ui-font-color1,#1f1f1f)}"
    ".tk-caption{font-weight:600;margin:6px 0 2px 0}"
    ".tk-note{color:var(--jp-ui-font-color2,#555);font-size:12px;margin:0 0 4px 0}"
    ".tk-table{border-collapse:collapse;font-size:12px;line-height:1.4;width:100%;margin:2px 0 6px 0}"
    ".tk-table th,.tk-table td{border-bottom:1px solid var(--jp-border-color2,#ddd);padding:3px 8px;"
    "text-align:left;vertical-align:top}"
    ".tk-table td{overflow-wrap:anywhere}"
    ".tk-table th{background:var(--jp-layout-color2,#f3f3f3);font-weight:600;overflow-wrap:normal}"
    ".tk-table th.tk-num,.tk-table td.tk-num{text-align:right;font-variant-numeric:tabular-nums}"
    ".tk-table td.tk-num{white-space:nowrap}"
    ".tk-scroll{overflow:auto;scrollbar-width:thin;scrollbar-color:#8c8c8c #ececec;"
    "border-bottom:1px solid var(--jp-border-color2,#ddd)}"
    ".tk-scroll::-webkit-scrollbar{width:10px;height:10px}"
    ".tk-scroll::-webkit-scrollbar-thumb{background:#8c8c8c;border-radius:5px}"
    ".tk-scroll::-webkit-scrollbar-track{background:#ececec}"
    ".tk-scroll thead th{position:sticky;top:0;z-index:1}"
    ".tk-scroll .tk-table{margin:0}"
    ".tk-msg{font-size:12px;padding:2px 4px}"
    ".tk-info{color:var(--jp-ui-font-color1,#444)}.tk-ok{color:#1a6b2f}.tk-warning{color:#8a5a00}"
    ".tk-error{color:#b00020}.tk-muted{color:var(--jp-ui-font-color2,#777);font-style:italic}"
    "mark.tk-hit{background:#ffe58a;color:#1f1f1f;padding:0 1px;border-radius:2px}"
    ".tk-sentence{font-size:14px;margin:6px 0;padding:6px 10px;border-left:3px solid #c9c9c9;"
    "background:var(--jp-layout-color1,#fafafa);overflow-wrap:anywhere}"
    "</style>"
)

#: What the widgets' scores are, on what scale: said once next to each table that shows one.
SCALES = {
    "tracker": (
        "similarity: cosine similarity of the two trackers' {analyzer} TF-IDF vectors "
        "(0 = nothing in common, 1 = same vocabulary)"
    ),
    "tracker_meaning": (
        "similarity by meaning: cosine similarity of the two trackers' mean sentence embeddings "
        "(all-MiniLM-L6-v2, each phrase embedded once; 0 = unrelated, 1 = same meaning)"
    ),
    "phrase": (
        "score: how alike two phrases are, from 0 (nothing in common) to 1 (the same once "
        "normalized): the cosine similarity of their character TF-IDF vectors, or for typos (at "
        "most {max_edits} edits) the edit similarity when higher; near-duplicates from {threshold:.2f}"
    ),
    "meaning": (
        "similarity by meaning: cosine similarity of the character TF-IDF vectors of the sentence "
        "and of the tracker's closest phrase (0 = nothing in common, 1 = the same character "
        "n-grams); a tracker triggers by meaning from {threshold:.2f}, and only when none of its "
        "phrases occurs literally"
    ),
}


class HtmlCell(str):
    """A table cell that :func:`frame_html` inserts as HTML, unescaped: build it only from
    :func:`escape` d text and trackerkit's own tags (e.g. a ``<mark>`` around an escaped span)."""

    __slots__ = ()


def escape(text: Any) -> str:
    """``text`` as HTML text: ``&``, ``<``, ``>`` and both quotes escaped (``html.escape``)."""
    return html.escape(str(text), quote=True)


def message_html(text: str, kind: str = "info") -> str:
    """A one-line message as HTML: ``text`` escaped, ``kind`` one of info, ok, warning, error."""
    if kind not in {"info", "ok", "warning", "error", "muted"}:
        raise ValueError(f"kind must be info, ok, warning, error or muted, got {kind!r}")
    if not text:
        return ""
    return f'{_STYLE}<div class="tk-html tk-msg tk-{kind}">{escape(text)}</div>'


def note_html(text: str) -> str:
    """A note in small grey type (what a score means, on what scale), ``text`` escaped."""
    return f'{_STYLE}<div class="tk-html tk-note">{escape(text)}</div>' if text else ""


def _is_number_column(values: pd.Series) -> bool:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype  # lazy: heavy

    return is_numeric_dtype(values.dtype) and not is_bool_dtype(values.dtype)


def _cell(value: Any, float_format: str) -> str:
    import pandas as pd  # lazy: heavy

    if isinstance(value, HtmlCell):
        return str(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return _breakable(", ".join(map(str, value)))
    if value is None or (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return escape(float_format.format(value))
    return _breakable(str(value))


def _breakable(text: str) -> str:
    """``text`` escaped, a line allowed to break after each ``_`` (``near_duplicate_phrase``
    wraps at its underscores, not inside a word)."""
    return escape(text).replace("_", "_<wbr>")


def frame_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    note: str | None = None,
    empty: str = "nothing to show",
    float_format: str = "{:.3f}",
    scroll: bool = True,
    max_height: str = TALL,
    titles: dict[str, str] | None = None,
) -> str:
    """``frame`` as an HTML table, every cell and header escaped.

    Numeric columns are right-aligned, header and cells alike, other columns left-aligned;
    missing values are blank, lists are written comma-separated, floats with ``float_format``.
    ``caption`` (plain text, escaped) goes above the table and ``note`` (plain text, escaped:
    what a score means, on what scale) under the caption; an empty frame shows ``empty``
    instead of a header-only table. With ``scroll`` the table scrolls inside a box at most
    ``max_height`` tall (a CSS length), its header staying in view. ``titles`` maps a column to
    the tooltip of its header. Cells that are :class:`HtmlCell` are inserted as they are.

        >>> import pandas as pd
        >>> html = frame_html(pd.DataFrame({"tracker": ["<b>"], "score": [0.5]}), scroll=False)
        >>> '<th class="tk-num">score</th>' in html, "<td>&lt;b&gt;</td>" in html
        (True, True)
    """
    head = f'<div class="tk-caption">{escape(caption)}</div>' if caption else ""
    if note:
        head += f'<div class="tk-note">{escape(note)}</div>'
    if frame is None or len(frame) == 0:
        return f'{_STYLE}<div class="tk-html">{head}<div class="tk-msg tk-muted">{escape(empty)}</div></div>'
    titles = titles or {}
    columns = [str(c) for c in frame.columns]
    numeric = [_is_number_column(frame.iloc[:, i]) for i in range(len(columns))]
    kinds = [' class="tk-num"' if n else "" for n in numeric]
    header = "".join(
        f"<th{kind}" + (f' title="{escape(titles[c])}"' if c in titles else "") + f">{escape(c)}</th>"
        for c, kind in zip(columns, kinds)
    )
    rows = []
    for row in frame.itertuples(index=False, name=None):
        cells = "".join(f"<td{kind}>{_cell(v, float_format)}</td>" for v, kind in zip(row, kinds))
        rows.append(f"<tr>{cells}</tr>")
    table = f'<table class="tk-table"><thead><tr>{header}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    if scroll:
        table = f'<div class="tk-scroll" style="max-height:{escape(max_height)}">{table}</div>'
    return f'{_STYLE}<div class="tk-html">{head}{table}</div>'


def display_to_png(display: Display, *, dpi: int = DPI, **plot_options: Any) -> bytes:
    """PNG bytes of ``display`` (a :mod:`trackerkit.plotting` display), drawn with
    ``plot_options`` on a new figure sized for its data, made outside pyplot: no global state
    changes (a failed drawing leaves nothing behind either), and the figure is cleared once
    encoded, so re-rendering on every interaction does not grow memory."""
    display.plot(pyplot=False, **plot_options)
    return figure_to_png(display.figure_, dpi=dpi)


def walk(widget: ipywidgets.Widget) -> Iterator[ipywidgets.Widget]:
    """``widget`` and every widget below it (children of boxes, tabs and accordions)."""
    yield widget
    for child in getattr(widget, "children", ()) or ():
        yield from walk(child)


def guarded(method: F) -> F:
    """Decorate a widget callback: an exception is shown in ``self.error_box`` (escaped, one line,
    no traceback), kept in ``self.last_error``, logged, and re-raised (so the kernel logs it and
    headless tests see it). The next successful call clears the message."""

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        box = getattr(self, "error_box", None)
        try:
            result = method(self, *args, **kwargs)
        except Exception as exc:
            self.last_error = exc
            logger.exception("%s.%s failed", type(self).__name__, method.__name__)
            if box is not None:
                box.value = message_html(f"Could not update: {type(exc).__name__}: {exc}", "error")
            raise
        if box is not None and box.value:
            box.value = ""
        return result

    return wrapper  # type: ignore[return-value]


class Displayable:
    """Mixin: display the object as its root widget ``self.widget`` (a cell ending with it shows it).

    Front ends (JupyterLab, Voila, VS Code) ask ``_repr_mimebundle_`` for the widget view; put
    ``obj.widget`` in a box to compose it with other widgets.
    """

    widget: ipywidgets.Widget
    #: the exception of the last failed update, if any (see :func:`guarded`)
    last_error: Exception | None = None

    def _error_box(self) -> ipywidgets.HTML:
        """An (initially empty) HTML widget where :func:`guarded` callbacks report failures."""
        import ipywidgets  # lazy: heavy

        self.error_box = ipywidgets.HTML()
        self.error_box.add_class("tk-error-box")
        return self.error_box

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        bundle = self.widget._repr_mimebundle_(**kwargs)
        if isinstance(bundle, dict) and "text/plain" in bundle:
            # what a front end without the widget manager shows (GitHub, a saved notebook
            # reopened without its kernel): a sentence, not the root box's raw repr
            bundle["text/plain"] = self._plain_text()
        return bundle

    def _plain_text(self) -> str:
        """What the widget is, in words, for front ends that cannot show widgets."""
        return (
            f"trackerkit {type(self).__name__} (an interactive widget: "
            "run the notebook with a Python kernel to use it)"
        )

    def close(self) -> None:
        """Close every widget of this object (its front-end views go away)."""
        for child in list(walk(self.widget)):
            child.close()
