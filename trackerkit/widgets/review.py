"""ReviewPanel: label a stratified sample of hits right, wrong or skip, from the keyboard, and
watch each tracker's precision as you go; every label is on disk as it is made."""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_bool, check_choice, check_count
from trackerkit.analysis._review import ReviewLog, precision, review_sample
from trackerkit.constants import REVIEW_LABELS
from trackerkit.errors import InvalidParameterError
from trackerkit.widgets._base import (
    _STYLE,
    SHORT,
    Displayable,
    escape,
    frame_html,
    guarded,
    message_html,
)
from trackerkit.widgets.hits import _CARD_STYLE, HitsSource, MessageContext, hit_html

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_REVIEW_LOG", "KEYS", "ReviewPanel"]

#: Where labels go when no review log is given: this file in the current folder.
DEFAULT_REVIEW_LOG = "trackerkit-review.jsonl"
#: The keys of the shortcut box: each labels the hit shown (or goes back), in the order typed.
KEYS = {"r": "right", "w": "wrong", "s": "skip", "b": "back"}
_ALL = ""  # the dropdown's value for all trackers (a tracker id is never empty)


class ReviewPanel(Displayable):
    """Label hits right or wrong, one at a time, and see each tracker's precision as you go.

    Parameters
    ----------
    hits : DataFrame or HitsSource
        The hits to review (a replay's, or stored ones); a :class:`~trackerkit.widgets.hits.HitsSource`
        is computed on first use.
    review_log : ReviewLog, str or path, optional
        Where labels are saved, append-only (:class:`trackerkit.analysis.ReviewLog`); an existing
        file is resumed. Default: :data:`DEFAULT_REVIEW_LOG` in the current folder (shown in the
        panel; the file is created by the first label).
    messages : DataFrame, optional
        The messages frame: each hit is shown between the messages before and after it.
    per_stratum : int, default 20
        Hits drawn per tracker and match kind (:func:`trackerkit.analysis.review_sample`).
    seed : int, default 0
        The sample's seed (the same seed draws the same sample: a reopened log resumes it).
    defer : bool, default False
        Draw the sample on first use (the app: after its hits are computed).

    **Keyboard.** ipywidgets cannot bind a raw key press without custom JavaScript, so the
    panel has a shortcut box (``.keys``, focused by a click): type ``r`` (right), ``w``
    (wrong), ``s`` (skip) or ``b`` (back to the previous hit) and Enter. Several keys at once
    (``rrw`` Enter) label the next hits in turn; keys left in the box are also
    taken when it loses focus (the browser's ``change`` event). The buttons (``.right``, ``.wrong``,
    ``.skip``, ``.back``) do the same.

    The hit shown (``.current``, a row of the sample, ``None`` when all are labelled) is the
    first without a label, in sample order (trackers by name then id, literal before by
    meaning). *Back* shows the hit labelled before it, with its label; labelling it again
    appends the new label, which then counts (the log keeps the history). ``.tracker`` (a
    dropdown) restricts the review to one tracker. State: ``.sample``, ``.log``, ``.labels``
    (hit key -> latest label, for the sample), ``.precision`` (the running precision table of
    :func:`trackerkit.analysis.precision`, Wilson 95% intervals).

    >>> import os, tempfile, trackerkit
    >>> path = os.path.join(tempfile.mkdtemp(), "labels.jsonl")
    >>> panel = ReviewPanel(trackerkit.load_tracker_results("sample"), path, per_stratum=2)
    >>> panel.keys.value = "rw"  # as typed in the box, then Enter
    >>> panel.progress.value, len(open(path).readlines())
    (2, 2)
    """

    def __init__(
        self,
        hits: pd.DataFrame | HitsSource,
        review_log: ReviewLog | str | os.PathLike[str] | None = None,
        *,
        messages: pd.DataFrame | None = None,
        per_stratum: int = 20,
        seed: int = 0,
        defer: bool = False,
    ) -> None:
        import pandas as pd  # lazy: heavy

        self.per_stratum = check_count("per_stratum", per_stratum)
        self.seed = check_count("seed", seed, minimum=0)
        check_bool("defer", defer)
        if not isinstance(hits, (HitsSource, pd.DataFrame)):
            raise InvalidParameterError(
                "hits must be a hits frame (trackerkit.replay, load_tracker_results); "
                f"got {type(hits).__name__}",
                parameter="hits",
            )
        self._hits = hits
        if review_log is None:
            review_log = DEFAULT_REVIEW_LOG
        self.log = review_log if isinstance(review_log, ReviewLog) else ReviewLog(review_log)
        if messages is None and isinstance(hits, HitsSource):
            messages = hits.messages
        self._messages = messages
        self._context: MessageContext | None = None
        self._sample: pd.DataFrame | None = None
        self._lock = threading.Lock()
        self.labels: dict[str, str] = {}
        self.current: Any = None
        self._back: list[str] = []  # hit keys labelled in this session, latest last
        self._revisit: str | None = None  # the key shown after "back"
        self.precision: Any = None

        self.tracker = widgets.Dropdown(
            options=[("all trackers", _ALL)],
            value=_ALL,
            description="Review",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="360px", max_width="100%"),
        )
        self.tracker.add_class("tk-review-tracker")
        self.keys = widgets.Text(
            value="",
            placeholder="r, w, s or b, then Enter",
            description="Keys",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="330px", max_width="100%"),
        )
        self.keys.add_class("tk-review-keys")
        self.right = self._button("Right (r)", "success", "the tracker was right to fire here (key r)")
        self.wrong = self._button("Wrong (w)", "danger", "the tracker should not have fired here (key w)")
        self.skip = self._button("Skip (s)", "", "cannot tell: counts for neither (key s)")
        self.back = self._button("Back (b)", "", "show the hit labelled before, to change its label (key b)")
        for button, label in zip((self.right, self.wrong, self.skip), REVIEW_LABELS):
            button.add_class(f"tk-review-{label}")
            button.on_click(lambda _b, label=label: self._on_label(label))
        self.back.add_class("tk-review-back")
        self.back.on_click(lambda _b: self._on_back())
        self.progress = widgets.IntProgress(value=0, min=0, max=1, layout=widgets.Layout(width="240px"))
        self.progress.add_class("tk-review-bar")
        self.status_html = widgets.HTML()
        self.status_html.add_class("tk-review-status")
        self.hit_html = widgets.HTML()
        self.hit_html.add_class("tk-review-hit")
        self.precision_html = widgets.HTML()
        self.precision_html.add_class("tk-review-precision")
        self.saved_html = widgets.HTML()
        self.saved_html.add_class("tk-review-saved")
        row = widgets.Layout(flex_flow="row wrap", align_items="center", grid_gap="4px 12px")
        controls = widgets.HBox([self.tracker, self.progress, self.status_html], layout=row)
        buttons = widgets.HBox([self.right, self.wrong, self.skip, self.back, self.keys], layout=row)
        self.widget = widgets.VBox(
            [controls, buttons, self._error_box(), self.hit_html, self.precision_html, self.saved_html]
        )
        self.widget.add_class("tk-review")
        self.keys.observe(self._on_keys, "value")
        self.tracker.observe(self._on_tracker, "value")
        self._shown = False
        if not defer:
            self.show()

    @staticmethod
    def _button(description: str, style: str, tooltip: str) -> widgets.Button:
        return widgets.Button(
            description=description,
            button_style=style,
            tooltip=tooltip,
            layout=widgets.Layout(width="auto", min_width="96px"),
        )

    # ------------------------------------------------------------------ computed once

    @property
    def hits(self) -> pd.DataFrame:
        return self._hits.frame if isinstance(self._hits, HitsSource) else self._hits

    @property
    def sample(self) -> pd.DataFrame:
        """The hits to review (:func:`trackerkit.analysis.review_sample`), drawn once."""
        with self._lock:
            if self._sample is None:
                sample = review_sample(self.hits, per_stratum=self.per_stratum, seed=self.seed)
                done = self.log.labels()
                keys = set(sample["hit_key"])
                self.labels = {k: v for k, v in zip(done["hit_key"], done["label"]) if k in keys}
                if self._messages is not None:
                    self._context = MessageContext(self._messages)
                self._sample = sample
            return self._sample

    def show(self) -> None:
        """Draw the sample if needed and show the first hit to label (the app calls it when the
        tab is opened)."""
        if self._shown:
            return
        sample = self.sample
        names = sample.drop_duplicates("tracker_id")
        options = [("all trackers", _ALL)] + [
            (f"{n} ({i})", str(i))
            for n, i in zip(names["tracker_name"].astype(str), names["tracker_id"].astype(str))
        ]
        self._shown = True
        self.tracker.options = options
        self.tracker.value = _ALL
        self._refresh()

    @guarded
    def _on_show(self) -> None:
        self.show()

    # ------------------------------------------------------------------ actions

    def queue(self) -> pd.DataFrame:
        """The sample rows under review (all, or the chosen tracker's), in sample order."""
        sample = self.sample
        if self.tracker.value == _ALL:
            return sample
        return sample[sample["tracker_id"].astype(str) == self.tracker.value]

    def label(self, label: str) -> None:
        """Label the hit shown (``"right"``, ``"wrong"`` or ``"skip"``), saved at once, and move on."""
        label = check_choice("label", label, REVIEW_LABELS)
        self.show()
        if self.current is None:
            return
        hit = self.current
        self.log.label(hit, label)  # on disk when this returns
        key = str(hit["hit_key"])
        self.labels[key] = label
        if self._revisit != key:
            self._back.append(key)
        self._revisit = None
        self._refresh()

    def go_back(self) -> None:
        """Show the hit labelled before the one shown (its label can then be changed)."""
        self.show()
        keys = self._back
        if self._revisit is not None:
            at = keys.index(self._revisit)
            target = keys[at - 1] if at > 0 else None
        else:
            target = keys[-1] if keys else None
        if target is None:
            self.saved_html.value = message_html("Nothing before this hit was labelled here.", "muted")
            return
        self._revisit = target
        self._refresh()

    @guarded
    def _on_label(self, label: str) -> None:
        self.label(label)

    @guarded
    def _on_back(self) -> None:
        self.go_back()

    @guarded
    def _on_keys(self, change: dict[str, Any]) -> None:
        typed = str(change["new"] or "")
        if not typed:
            return
        unknown = sorted({c for c in typed.lower() if c not in KEYS and not c.isspace()})
        try:
            for key in typed.lower():
                if key == "b":
                    self.go_back()
                elif key in KEYS:
                    self.label(KEYS[key])
        finally:
            self.keys.value = ""  # emptied once the keys are done: the box is ready for more
        if unknown:
            self.saved_html.value = message_html(
                f"Ignored {', '.join(unknown)}: the keys are r (right), w (wrong), s (skip), b (back).",
                "warning",
            )

    @guarded
    def _on_tracker(self, change: dict[str, Any]) -> None:
        if self._shown:
            self._revisit = None
            self._refresh()

    # ------------------------------------------------------------------ display

    def _refresh(self) -> None:
        import pandas as pd  # lazy: heavy

        queue = self.queue()
        keys = queue["hit_key"].astype(str).tolist()
        done = [k for k in keys if k in self.labels]
        skipped = sum(self.labels[k] == "skip" for k in done)
        if self._revisit is not None and self._revisit in set(keys):
            self.current = queue.iloc[keys.index(self._revisit)]
        else:
            self._revisit = None
            pending = [i for i, k in enumerate(keys) if k not in self.labels]
            self.current = queue.iloc[pending[0]] if pending else None
        n = len(keys)
        for button in (self.right, self.wrong, self.skip):
            button.disabled = self.current is None
        self.back.disabled = not self._back
        if self.current is None:
            self.hit_html.value = message_html(
                f"All {n} hits of the sample are labelled"
                + ("" if self.tracker.value == _ALL else " for this tracker")
                + ": see the precision below. Back (b) shows the last one again.",
                "ok",
            )
        else:
            self.hit_html.value = self._hit_html(self.current, keys)
        rows = self.sample[self.sample["hit_key"].isin(self.labels.keys())]
        labelled = pd.DataFrame(
            {
                "hit_key": rows["hit_key"].astype(str).to_numpy(),
                "label": [self.labels[k] for k in rows["hit_key"].astype(str)],
                "tracker_id": rows["tracker_id"].astype(str).to_numpy(),
                "tracker": rows["tracker_name"].astype(str).to_numpy(),
                "match": rows["match"].astype(str).to_numpy(),
                "stratum_size": rows["stratum_size"].to_numpy(),
            }
        )
        self.precision = precision(labelled)
        self.precision_html.value = _precision_html(self.precision)
        where = str(self.log.path.resolve()) if not self.log.path.is_absolute() else str(self.log.path)
        self.saved_html.value = message_html(
            f"Labels are saved as they are made, append-only, to {where} (reopen it to resume).", "muted"
        )
        # the progress last: once it shows a label, the hit and the precision show it too
        self.progress.max = max(n, 1)
        self.progress.value = len(done)
        self.status_html.value = message_html(
            f"{len(done)} of {n} hits labelled ({skipped} skipped), {n - len(done)} to go", "info"
        )

    def _hit_html(self, hit: Any, keys: list[str]) -> str:
        key = str(hit["hit_key"])
        kind = "literal" if str(hit["match"]) == "literal" else "by meaning"
        head = (
            f"Hit {keys.index(key) + 1} of {len(keys)}: does {hit['tracker_name']} fire rightly here? "
            f"(one of {int(hit['stratum_size'])} {kind} hits of this tracker)"
        )
        earlier = self.labels.get(key)
        if earlier is not None:
            head += f" Labelled {earlier}: label again to change it."
        return (
            f'{_STYLE}{_CARD_STYLE}<div class="tk-html"><div class="tk-caption">{escape(head)}</div>'
            f"{hit_html(hit, self._context, tracker=True)}</div>"
        )


def _precision_html(table: pd.DataFrame) -> str:
    import pandas as pd  # lazy: heavy

    note = (
        "precision: right / (right + wrong), skips count for neither; 95% Wilson interval; "
        "any: literal and by meaning weighted by their shares of the tracker's hits"
    )
    if not len(table):
        return frame_html(table, caption="Running precision", note=note, empty="no label yet")
    interval = [
        "" if pd.isna(lo) else f"{lo:.2f} to {hi:.2f}" for lo, hi in zip(table["ci_low"], table["ci_high"])
    ]
    shown = pd.DataFrame(
        {
            "tracker": table["tracker"].astype(str),
            "match": table["match"].map({"literal": "literal", "meaning": "by meaning", "any": "any"}),
            "right": table["right"],
            "wrong": table["wrong"],
            "skipped": table["skipped"],
            "precision": table["precision"],
            "95% interval": interval,
        }
    )
    return frame_html(shown, caption="Running precision", note=note, max_height=SHORT, float_format="{:.2f}")
