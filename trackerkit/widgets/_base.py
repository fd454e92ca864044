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
    "Displayable",
    "display_to_png",
    "escape",
    "figure_to_png",
    "frame_html",
    "guarded",
    "message_html",
    "walk",
]

logger = logging.getLogger("trackerkit.widgets")
F = TypeVar("F", bound=Callable[..., Any])

#: Resolution of the PNGs shown in widgets: sharp on screen, small and fast to encode.
DPI = 72

# One small style sheet, scoped to trackerkit's own classes, repeated in each HTML value that
# needs it (an HTML widget cannot rely on another one having been rendered first).
_STYLE = (
    "<style>"
    ".tk-table{border-collapse:collapse;font-size:12px;margin:2px 0 6px 0}"
    ".tk-table th,.tk-table td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;"
    "vertical-align:top}"
    ".tk-table th{background:#f3f3f3}"
    ".tk-scroll{max-height:340px;overflow:auto}"
    ".tk-msg{font-size:12px;padding:2px 4px}"
    ".tk-info{color:#444}.tk-ok{color:#1a6b2f}.tk-warning{color:#8a5a00}.tk-error{color:#b00020}"
    ".tk-muted{color:#777;font-style:italic}"
    "</style>"
)


def escape(text: Any) -> str:
    """``text`` as HTML text: ``&``, ``<``, ``>`` and both quotes escaped (``html.escape``)."""
    return html.escape(str(text), quote=True)


def message_html(text: str, kind: str = "info") -> str:
    """A one-line message as HTML: ``text`` escaped, ``kind`` one of info, ok, warning, error."""
    if kind not in {"info", "ok", "warning", "error", "muted"}:
        raise ValueError(f"kind must be info, ok, warning, error or muted, got {kind!r}")
    if not text:
        return ""
    return f'{_STYLE}<div class="tk-msg tk-{kind}">{escape(text)}</div>'


def frame_html(
    frame: pd.DataFrame,
    *,
    caption: str | None = None,
    empty: str = "nothing to show",
    float_format: str = "{:.3f}",
    scroll: bool = True,
) -> str:
    """``frame`` as an HTML table, every cell and header escaped (``to_html(escape=True)``).

    ``caption`` (plain text, escaped) goes above the table; an empty frame shows ``empty``
    instead of a header-only table. Lists in cells are written comma-separated.
    """
    head = f"<div><b>{escape(caption)}</b></div>" if caption else ""
    if frame is None or len(frame) == 0:
        return f'{_STYLE}{head}<div class="tk-msg tk-muted">{escape(empty)}</div>'
    shown = frame.copy()
    for column in shown.columns:
        if shown[column].dtype == object:
            shown[column] = [
                ", ".join(map(str, v)) if isinstance(v, (list, tuple, set, frozenset)) else v
                for v in shown[column]
            ]
    table = shown.to_html(
        escape=True,
        index=False,
        border=0,
        classes="tk-table",
        na_rep="",
        float_format=float_format.format,
    )
    body = f'<div class="tk-scroll">{table}</div>' if scroll else table
    return f"{_STYLE}{head}{body}"


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
        return self.widget._repr_mimebundle_(**kwargs)

    def close(self) -> None:
        """Close every widget of this object (its front-end views go away)."""
        for child in list(walk(self.widget)):
            child.close()
