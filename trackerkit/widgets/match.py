"""MatchPreview: type a sentence, see which trackers it would trigger, where and how strongly."""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_bool, check_fraction
from trackerkit.analysis._replay import Replayer
from trackerkit.constants import DEFAULT_MEANING_THRESHOLD
from trackerkit.loading import as_trackers_frame
from trackerkit.widgets._base import (
    _STYLE,
    SCALES,
    SHORT,
    Displayable,
    HtmlCell,
    escape,
    frame_html,
    guarded,
    message_html,
    note_html,
)

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike

__all__ = ["MatchPreview"]

#: The lowest by-meaning threshold the slider offers; the replayer is fitted with it once, and a
#: higher threshold only filters its answer (the same answer a replay at that threshold gives:
#: the best phrase of each tracker does not depend on the threshold).
FLOOR = 0.05
#: Characters of the sentence shown on each side of a literal match.
CONTEXT = 30
#: Trackers named as the closest by meaning when a sentence triggers nothing by meaning.
CLOSEST = 3
_ANY = "any language"


class MatchPreview(Displayable):
    """Which trackers a typed sentence would trigger, with the replay's semantics
    (:meth:`trackerkit.Replayer.would_trigger`): zero, one or several.

    * **literal**: a phrase of the tracker occurs in the sentence (case-insensitively, on word
      boundaries, after normalization), shown with where it occurs, the span highlighted;
    * **by meaning**: no phrase occurs, but the tracker's closest phrase scores at least the
      threshold (``.threshold``, a slider, :data:`trackerkit.constants.DEFAULT_MEANING_THRESHOLD`
      by default), shown with that score in [0, 1] (cosine similarity of character TF-IDF
      vectors).

    A sentence that triggers nothing says so, and names the trackers closest by meaning below
    the threshold. Widgets: ``.text`` (updates as you type), ``.threshold``, ``.language``
    (shown when a tracker declares languages: the language the sentence is spoken in, ``""``
    for any; a tracker that declares languages fires only on them, as in a replay) and
    ``.results_html``. State: ``.triggers`` (the rows of ``would_trigger`` for the sentence
    and threshold, ``None`` for an empty sentence), ``.closest`` (the best by-meaning scores
    under the threshold), ``.elapsed_ms`` (time of the last answer).

    The :class:`trackerkit.Replayer` (``.replayer``) is fitted once, with the slider's lowest
    threshold (:data:`FLOOR`); each keystroke only asks it. It is fitted at construction, or with
    ``defer=True`` (as :func:`trackerkit.explore` builds it: this is not its first tab) on first
    use (the first sentence, or reading ``.replayer``: the app does it in a background thread
    after its first view).
    """

    def __init__(
        self,
        trackers: TrackersLike,
        *,
        text: str = "",
        threshold: float = DEFAULT_MEANING_THRESHOLD,
        defer: bool = False,
    ) -> None:
        threshold = check_fraction("threshold", threshold)
        check_bool("defer", defer)
        self.trackers = as_trackers_frame(trackers)
        self._replayer: Replayer | None = None
        self._lock = threading.Lock()
        if not defer:
            self.replayer  # noqa: B018  (fitted now)
        self.triggers: Any = None
        self.closest: Any = None
        self.elapsed_ms = 0.0
        self.text = widgets.Text(
            value="",
            placeholder="type a sentence a caller might say",
            description="Sentence",
            continuous_update=True,
            layout=widgets.Layout(flex="1 1 420px", max_width="760px", min_width="0"),
            style={"description_width": "initial"},
        )
        self.text.add_class("tk-match-input")
        self.threshold = widgets.FloatSlider(
            value=max(FLOOR, round(threshold, 2)),
            min=FLOOR,
            max=1.0,
            step=0.05,
            description="By meaning from",
            readout_format=".2f",
            continuous_update=False,
            style={"description_width": "initial"},
            layout=widgets.Layout(width="340px", max_width="100%"),
            tooltip="the least similarity by meaning (0 to 1) at which a tracker triggers",
        )
        self.threshold.add_class("tk-match-threshold")
        languages = sorted(
            {str(code) for codes in self.trackers["languages"] if _is_list(codes) for code in codes}
        )
        self.language = widgets.Dropdown(
            # "" for any language: a None value shows as no selection at all
            options=[(_ANY, "")] + [(code, code) for code in languages],
            value="",
            description="Spoken in",
            style={"description_width": "initial"},
            layout=widgets.Layout(width="250px", max_width="100%", display=None if languages else "none"),
        )
        self.language.add_class("tk-match-language")
        self.results_html = widgets.HTML()
        self.results_html.add_class("tk-match-results")
        controls = widgets.HBox(
            [self.text, self.threshold, self.language],
            layout=widgets.Layout(flex_flow="row wrap", align_items="center", grid_gap="4px 16px"),
        )
        self.widget = widgets.VBox([controls, self._error_box(), self.results_html])
        self.widget.add_class("tk-match")
        for control in (self.text, self.threshold, self.language):
            control.observe(self._on_change, "value")
        self.text.value = text
        self.update()

    @property
    def replayer(self) -> Replayer:
        """The replayer the answers come from, fitted on first use (either thread), once."""
        with self._lock:
            if self._replayer is None:
                replayer = Replayer(self.trackers, threshold=FLOOR)
                replayer.would_trigger("")  # builds its automaton now, not on the first keystroke
                self._replayer = replayer
            return self._replayer

    @guarded
    def _on_change(self, change: dict[str, Any]) -> None:
        self.update()

    def update(self) -> None:
        """Answer for the current sentence, threshold and language, and show it."""
        sentence = self.text.value
        if not sentence.strip():
            self.triggers = None
            self.closest = None
            self.results_html.value = message_html(
                "Type a sentence to see the trackers it would trigger.", "muted"
            )
            return
        start = time.perf_counter()
        found = self.replayer.would_trigger(sentence, language=self.language.value or None)
        t = float(self.threshold.value)
        literal = found["match"] == "literal"
        meaning = ~literal
        self.triggers = found[literal | (meaning & (found["score"] >= t))].reset_index(drop=True)
        self.closest = found[meaning & (found["score"] < t)].head(CLOSEST).reset_index(drop=True)
        self.results_html.value = self._html(sentence, t)
        self.elapsed_ms = (time.perf_counter() - start) * 1000

    # ------------------------------------------------------------------ HTML

    def _html(self, sentence: str, threshold: float) -> str:
        triggers = self.triggers
        literal = triggers[triggers["match"] == "literal"]
        meaning = triggers[triggers["match"] == "meaning"]
        n = triggers["tracker_id"].nunique()
        n_literal = literal["tracker_id"].nunique()
        n_meaning = meaning["tracker_id"].nunique()
        note = SCALES["meaning"].format(threshold=threshold)
        if n == 0:
            summary = message_html(
                "This sentence triggers no tracker: no tracker's phrase occurs in it, and no "
                f"tracker's closest phrase is {threshold:.2f} or more similar by meaning.",
                "info",
            )
            closest = ""
            if len(self.closest):
                listed = "; ".join(
                    f"{name} ({score:.2f}, closest phrase \u201c{value}\u201d)"
                    for name, score, value in zip(
                        self.closest["tracker_name"], self.closest["score"], self.closest["value"]
                    )
                )
                closest = message_html(f"Closest by meaning, under the threshold: {listed}.", "muted")
            return summary + closest + note_html(note)
        parts = []
        if n_literal:
            parts.append(f"{n_literal} by a phrase it contains")
        if n_meaning:
            parts.append(f"{n_meaning} by meaning")
        summary = message_html(
            f"This sentence would trigger {n} tracker{'s' if n != 1 else ''}: {' and '.join(parts)}.", "ok"
        )
        sentence_html = (
            f'{_STYLE}<div class="tk-html tk-sentence">{_highlight(sentence, literal)}</div>'
            if len(literal)
            else ""
        )
        table = frame_html(
            _shown(sentence, triggers),
            caption="Trackers triggered",
            note=note,
            max_height=SHORT,
            float_format="{:.2f}",
            titles={
                "how": "literal: the phrase occurs in the sentence; by meaning: none does, "
                "but the tracker's closest phrase is similar enough",
                "where in the sentence": "the literal match, highlighted (its offset in the tooltip)",
            },
        )
        return summary + sentence_html + table


def _is_list(value: Any) -> bool:
    return hasattr(value, "__len__") and not isinstance(value, str) and len(value) > 0


def _spans(literal: pd.DataFrame) -> list[tuple[int, int, list[str]]]:
    """The literal matches as non-overlapping spans ``(start, end, trackers)``, overlapping
    matches merged, in sentence order."""
    matches = sorted(
        (int(o), int(o) + len(str(m)), str(name))
        for o, m, name in zip(literal["offset"], literal["matched_text"], literal["tracker_name"])
    )
    spans: list[tuple[int, int, list[str]]] = []
    for start, end, name in matches:
        if spans and start < spans[-1][1]:
            last = spans[-1]
            names = last[2] if name in last[2] else [*last[2], name]
            spans[-1] = (last[0], max(last[1], end), names)
        else:
            spans.append((start, end, [name]))
    return spans


def _highlight(text: str, literal: pd.DataFrame) -> str:
    """``text`` escaped, each literal match in a ``<mark>`` titled with its trackers."""
    out, at = [], 0
    for start, end, names in _spans(literal):
        out.append(escape(text[at:start]))
        out.append(
            f'<mark class="tk-hit" title="{escape(", ".join(names))}">{escape(text[start:end])}</mark>'
        )
        at = end
    out.append(escape(text[at:]))
    return "".join(out)


def _excerpt(text: str, start: int, end: int) -> HtmlCell:
    """The match in its context (:data:`CONTEXT` characters each side), escaped, highlighted;
    its tooltip gives the offset (the replay's ``offset``)."""
    before = text[max(0, start - CONTEXT) : start]
    after = text[end : end + CONTEXT]
    return HtmlCell(
        ("\u2026" if start > CONTEXT else "")
        + escape(before)
        + f'<mark class="tk-hit" title="offset {start}: characters {start} to {end - 1}">'
        + f"{escape(text[start:end])}</mark>"
        + escape(after)
        + ("\u2026" if end + CONTEXT < len(text) else "")
    )


def _shown(sentence: str, triggers: pd.DataFrame) -> pd.DataFrame:
    """The triggers as shown: tracker, how, phrase, where it occurs, similarity by meaning."""
    import pandas as pd  # lazy: heavy

    literal = triggers["match"] == "literal"
    nowhere = HtmlCell('<span class="tk-muted">no phrase occurs word for word</span>')
    where = [
        _excerpt(sentence, int(o), int(o) + len(str(m))) if is_literal else nowhere
        for o, m, is_literal in zip(triggers["offset"], triggers["matched_text"], literal)
    ]
    shown = pd.DataFrame(
        {
            "tracker": triggers["tracker_name"].astype(str),
            "how": ["literal" if is_literal else "by meaning" for is_literal in literal],
            "phrase": triggers["value"].astype(str),
            # object, not text: pandas 3 would store the cells as its string dtype, and lose
            # that they are HtmlCell (shown as HTML, not escaped)
            "where in the sentence": pd.Series(where, dtype=object, index=triggers.index),
            "similarity by meaning": triggers["score"].where(~literal).astype("float64"),
        }
    )
    # a column with nothing in it says nothing: no "where" without a literal match, no score
    # without a match by meaning
    if not literal.any():
        shown = shown.drop(columns="where in the sentence")
    if literal.all():
        shown = shown.drop(columns="similarity by meaning")
    return shown
