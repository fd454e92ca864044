"""TrackerPicker: one box that takes a tracker's name or id, with autocompletion."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import ipywidgets as widgets
import traitlets

from trackerkit.errors import AmbiguousTrackerError, TrackerNotFoundError
from trackerkit.loading import as_trackers_frame
from trackerkit.lookup import resolve
from trackerkit.widgets._base import Displayable, message_html

if TYPE_CHECKING:
    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = ["TrackerPicker", "option_label"]


def option_label(name: str, tracker_id: str) -> str:
    """The text an autocompletion option shows: ``name (id)``.

    >>> option_label("Voice Message", "5807963341258752")
    'Voice Message (5807963341258752)'
    """
    return f"{name} ({tracker_id})"


class TrackerPicker(Displayable, traitlets.HasTraits):
    """Pick a tracker by typing its name or id, or by choosing an autocompletion option.

    The box (``.combobox``, an ``ipywidgets.Combobox``) offers every tracker as
    ``"name (id)"``; it accepts a picked option, a typed id, an exact name or a name in any
    case when that is unique. Attributes:

    * ``value``: the resolved tracker id, ``None`` while the text names no single tracker
      (a read-only traitlet: ``picker.observe(callback, "value")``);
    * ``name``: that tracker's name (``None`` likewise);
    * ``text``: the text in the box (settable);
    * ``message``: what the picker tells the user, as plain text (also shown as HTML below
      the box, escaped): suggestions for an unknown text, the candidates for an ambiguous one;
    * ``suggestions``: close names for an unknown text; ``candidates``: ``(id, name)`` pairs
      for an ambiguous one.

    ``pick(tracker)`` selects a tracker from code (raises like :func:`trackerkit.resolve`);
    ``TrackerPicker(trackers, tracker=...)`` starts on one.
    """

    value = traitlets.Unicode(None, allow_none=True, read_only=True)

    def __init__(
        self, trackers: TrackersLike, *, description: str = "Tracker", tracker: TrackerKey | None = None
    ) -> None:
        super().__init__()
        self.trackers = as_trackers_frame(trackers)
        ids = [str(i) for i in self.trackers["tracker_id"]]
        names = [str(n) for n in self.trackers["name"]]
        self._names = dict(zip(ids, names))
        order = sorted(range(len(ids)), key=lambda i: (names[i].casefold(), names[i], ids[i]))
        self._labels = {option_label(names[i], ids[i]): ids[i] for i in order}
        self._label_of = {tid: label for label, tid in self._labels.items()}
        self.name: str | None = None
        self.message = ""
        self.suggestions: list[str] = []
        self.candidates: list[tuple[str, str]] = []

        self.combobox = widgets.Combobox(
            options=list(self._labels),
            placeholder="type a tracker name or id",
            description=description,
            ensure_option=False,
            continuous_update=True,
            # as wide as a long name, never wider than the column it sits in; the label is as
            # wide as its text (ipywidgets cuts descriptions at 80 px with an ellipsis)
            layout=widgets.Layout(width="460px", max_width="100%"),
            style={"description_width": "initial"},
        )
        self.combobox.add_class("tk-picker-input")
        self.message_box = widgets.HTML(value="")
        self.message_box.add_class("tk-picker-message")
        self.widget = widgets.VBox(
            [self.combobox, self.message_box], layout=widgets.Layout(flex="0 1 auto", min_width="0")
        )
        self.widget.add_class("tk-picker")
        self.combobox.observe(self._on_text, "value")
        if tracker is not None:
            self.pick(tracker)

    # ------------------------------------------------------------------ public

    @property
    def text(self) -> str:
        return self.combobox.value

    @text.setter
    def text(self, value: str) -> None:
        self.combobox.value = value

    @property
    def options(self) -> list[str]:
        """The autocompletion options, ``"name (id)"``, sorted by name."""
        return list(self.combobox.options)

    def pick(self, tracker: TrackerKey) -> str:
        """Select ``tracker`` (its id or name); the box then shows its option.

        Returns its id; raises :class:`trackerkit.TrackerNotFoundError` or
        :class:`trackerkit.AmbiguousTrackerError` for a key that names no single tracker.
        """
        tracker_id = resolve(self.trackers, tracker)
        self.combobox.value = self._label_of[tracker_id]
        return tracker_id

    def clear(self) -> None:
        """Empty the box (``value`` becomes ``None``)."""
        self.combobox.value = ""

    # ------------------------------------------------------------------ internals

    def _on_text(self, change: dict[str, Any]) -> None:
        self._update(change["new"])

    def _update(self, text: str) -> None:
        tracker_id, kind = self._resolve(text)
        self.name = None if tracker_id is None else self._names[tracker_id]
        self.message_box.value = message_html(self.message, kind) if self.message else ""
        if tracker_id != self.value:
            self.set_trait("value", tracker_id)

    def _resolve(self, text: str) -> tuple[str | None, str]:
        """``(id or None, message kind)``; sets ``message``, ``suggestions`` and ``candidates``."""
        self.suggestions = []
        self.candidates = []
        key = text.strip()
        if not key:
            self.message = ""
            return None, "info"
        if key in self._labels:  # an autocompletion option, picked or typed in full
            self.message = ""
            return self._labels[key], "ok"
        try:
            tracker_id = resolve(self.trackers, key)
        except AmbiguousTrackerError as exc:
            self.candidates = list(exc.candidates)
            listed = "; ".join(option_label(name, tid) for tid, name in exc.candidates)
            self.message = (
                f"'{key}' matches {len(exc.candidates)} trackers when case is ignored: {listed}. "
                "Type the exact name or pick one from the list."
            )
            return None, "warning"
        except TrackerNotFoundError as exc:
            self.suggestions = list(exc.suggestions.get(key, []))
            hint = f" Did you mean: {', '.join(self.suggestions)}?" if self.suggestions else ""
            self.message = f"No tracker is named or has the id '{key}'.{hint}"
            folded = key.casefold()
            typing = any(folded in name.casefold() for name in self._names.values())
            return None, "info" if typing else "error"  # a name being typed is not an error yet
        self.message = ""
        return tracker_id, "ok"

    def __repr__(self) -> str:
        return f"TrackerPicker(value={self.value!r}, name={self.name!r}, n_trackers={len(self._names)})"
