"""HitsExplorer: where a tracker fires in real conversations, phrase by phrase, with examples."""

from __future__ import annotations

import math
import threading
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from trackerkit._validation import check_bool
from trackerkit.analysis._hits import hit_rates, phrase_hits
from trackerkit.analysis._replay import replay
from trackerkit.conversation_loading import load_conversations
from trackerkit.errors import InvalidParameterError
from trackerkit.loading import as_trackers_frame
from trackerkit.widgets._base import (
    _STYLE,
    SHORT,
    Displayable,
    escape,
    frame_html,
    guarded,
    message_html,
    note_html,
)
from trackerkit.widgets.picker import TrackerPicker

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike

__all__ = ["EXAMPLES", "HitsExplorer", "HitsSource", "as_messages", "hit_html"]

#: Example messages shown for a tracker: the first hit of each of its first conversations.
EXAMPLES = 8

# styles of the example cards (the hit's message, its neighbours in the conversation muted)
_CARD_STYLE = (
    "<style>"
    ".tk-card{margin:6px 0 10px 0;padding:4px 10px;border-left:3px solid #c9c9c9;"
    "background:var(--jp-layout-color1,#fafafa);font-size:13px;line-height:1.4;overflow-wrap:anywhere}"
    ".tk-card-head{font-size:12px;color:var(--jp-ui-font-color2,#555);margin-bottom:2px}"
    ".tk-card-msg{margin:2px 0}.tk-card-ctx{color:var(--jp-ui-font-color2,#777);font-size:12px}"
    ".tk-card-who{font-weight:600}"
    "</style>"
)


def as_messages(conversations: Any) -> pd.DataFrame:
    """``conversations`` as the messages frame: a frame with ``conversation_id``, ``message_id``
    and ``text`` as it is, anything else through :func:`trackerkit.load_conversations`."""
    import pandas as pd  # lazy: heavy

    if isinstance(conversations, pd.DataFrame) and {"conversation_id", "message_id", "text"} <= set(
        conversations.columns
    ):
        return conversations
    return load_conversations(conversations)


class HitsSource:
    """The hits of a replay, computed once on first use (either thread), or given.

    ``hits``: a hits frame (stored ones, :func:`trackerkit.load_tracker_results`), or ``None``
    for ``replay(trackers, messages)``. :attr:`frame` computes and returns it; :attr:`ready`
    says whether it is computed. Both widgets of the app's hit tabs share one.
    """

    def __init__(self, trackers: pd.DataFrame, messages: pd.DataFrame, hits: Any = None) -> None:
        import pandas as pd  # lazy: heavy

        if hits is not None and not isinstance(hits, pd.DataFrame):
            raise InvalidParameterError(
                f"hits must be a hits frame (trackerkit.replay, load_tracker_results) or None; "
                f"got {type(hits).__name__}",
                parameter="hits",
            )
        self.trackers = trackers
        self.messages = messages
        self._frame = hits
        self._lock = threading.Lock()

    @property
    def ready(self) -> bool:
        return self._frame is not None

    @property
    def frame(self) -> pd.DataFrame:
        with self._lock:
            if self._frame is None:
                self._frame = replay(self.trackers, self.messages)
            return self._frame


class HitsExplorer(Displayable):
    """Where the trackers fire in conversations: pick a tracker, see its hit rate, its phrases
    with their hits, its dead phrases and example messages in context.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    conversations : messages frame or anything :func:`trackerkit.load_conversations` accepts
        The conversations the hits are counted in (the denominators).
    hits : DataFrame, optional
        Stored hits (e.g. Symbl's, :func:`trackerkit.load_tracker_results`); by default the
        replay of ``trackers`` over the conversations (:func:`trackerkit.replay`).
    tracker : str, optional
        A tracker to show first (name or id).
    defer : bool, default False
        Compute the hits and tables on first use rather than now (the app computes them in a
        background thread after its first view).

    With no tracker picked it lists every tracker's hit rate (most conversations first; ties
    by name then id). With one picked (``.picker``, a :class:`TrackerPicker`): the rate over
    the conversations in the tracker's scope (its languages), literal and only by meaning; the
    phrase table (most literal hits first, then most hits by meaning, then vocabulary order;
    a phrase with no literal hit is *dead*); and up to :data:`EXAMPLES` example messages, the
    first hit of each of the tracker's earliest conversations, each with its speaker, time,
    the message before and after it, and the literal match highlighted. Every text is escaped.

    The examples can be narrowed to one kind of match (``.match_kind``: ``"all"``,
    ``"literal"`` or ``"meaning"``): the hits by meaning are the ones to read when judging a
    tracker's threshold.

    State: ``.selected`` (tracker id or ``None``), ``.rates`` (:class:`trackerkit.analysis.HitRates`),
    ``.phrases`` (:class:`trackerkit.analysis.PhraseHits`), ``.examples`` (the example hits of
    the tracker shown, of the kind chosen, a frame), ``.summary_html``, ``.phrases_html``,
    ``.examples_html``.

    >>> import trackerkit
    >>> hits = HitsExplorer("sample", "sample", trackerkit.load_tracker_results("sample"))
    >>> hits.select("Pricing Inquiry")
    '5657679568217381'
    >>> int(hits.phrases.summary.set_index("tracker").loc["Pricing Inquiry", "n_dead"])
    25
    """

    def __init__(
        self,
        trackers: TrackersLike,
        conversations: Any,
        hits: pd.DataFrame | HitsSource | None = None,
        *,
        tracker: str | None = None,
        defer: bool = False,
    ) -> None:
        check_bool("defer", defer)
        self.trackers = as_trackers_frame(trackers)
        if isinstance(hits, HitsSource):
            self.source = hits
        else:
            self.source = HitsSource(self.trackers, as_messages(conversations), hits)
        self.messages = self.source.messages
        self._tables: tuple[Any, Any] | None = None
        self._context: Any = None
        self._lock = threading.Lock()
        self.selected: str | None = None
        self.examples: Any = None
        self.picker = TrackerPicker(self.trackers, description="Tracker")
        self.picker.widget.add_class("tk-hits-picker")
        self.summary_html = widgets.HTML()
        self.summary_html.add_class("tk-hits-summary")
        self.phrases_html = widgets.HTML()
        self.phrases_html.add_class("tk-hits-phrases")
        self.examples_html = widgets.HTML()
        self.examples_html.add_class("tk-hits-examples")
        self.match_kind = widgets.ToggleButtons(
            options=[(label, kind) for kind, label in MATCH_KINDS.items()],
            value="all",
            description="Examples",
            style={"description_width": "initial"},
            tooltips=[_MATCH_TOOLTIPS[kind] for kind in MATCH_KINDS],
        )
        self.match_kind.add_class("tk-hits-match-kind")
        self.match_kind.layout.display = "none"  # shown with a tracker's examples
        self.widget = widgets.VBox(
            [
                self.picker.widget,
                self._error_box(),
                self.summary_html,
                self.phrases_html,
                self.match_kind,
                self.examples_html,
            ]
        )
        self.widget.add_class("tk-hits")
        self.picker.observe(self._on_pick, "value")
        self.match_kind.observe(self._on_match_kind, "value")
        self._shown = False
        if tracker is not None:
            self.picker.pick(tracker)
        elif not defer:
            self.update(None)

    # ------------------------------------------------------------------ computed once

    @property
    def hits(self) -> pd.DataFrame:
        """The hits frame (replayed on first use unless given)."""
        return self.source.frame

    def prepare(self) -> None:
        """Compute the hits, the rates, the phrase table and the message index, once."""
        with self._lock:
            if self._tables is None:
                hits = self.hits
                rates = hit_rates(hits, self.messages, self.trackers)
                phrases = phrase_hits(hits, self.trackers, self.messages)
                self._context = MessageContext(self.messages)
                self._tables = (rates, phrases)

    @property
    def rates(self) -> Any:
        self.prepare()
        return self._tables[0]  # type: ignore[index]

    @property
    def phrases(self) -> Any:
        self.prepare()
        return self._tables[1]  # type: ignore[index]

    @property
    def context(self) -> MessageContext:
        self.prepare()
        return self._context

    # ------------------------------------------------------------------ interaction

    def select(self, tracker: str) -> str:
        """Show ``tracker`` (a name or id, resolved like the picker); returns its id."""
        return self.picker.pick(tracker)

    @guarded
    def _on_pick(self, change: dict[str, Any]) -> None:
        if change["new"] is not None or self.selected is None:
            self.update(change["new"])

    def show(self) -> None:
        """Render what is selected (the app calls it when the tab is opened)."""
        if not self._shown:
            self.update(self.selected)

    @guarded
    def _on_show(self) -> None:
        self.show()

    @guarded
    def _on_match_kind(self, change: dict[str, Any]) -> None:
        if self.selected is not None:
            self._show_examples(self.selected)

    def update(self, tracker_id: str | None) -> None:
        """Show ``tracker_id`` (``None``: every tracker's rate)."""
        self._shown = True
        self.selected = tracker_id
        if tracker_id is None:
            self.examples = None
            self.summary_html.value = self._overview_html()
            self.phrases_html.value = ""
            self.match_kind.layout.display = "none"
            self.examples_html.value = ""
            return
        rates = self.rates
        row = rates.table[rates.table["tracker_id"] == tracker_id].iloc[0]
        self.summary_html.value = _summary_html(row, rates)
        phrases = self.phrases.table
        mine = phrases[phrases["tracker_id"] == tracker_id]
        self.phrases_html.value = _phrases_html(mine, self.phrases.n_conversations)
        self.match_kind.layout.display = None
        self._show_examples(tracker_id)

    def _show_examples(self, tracker_id: str) -> None:
        kind = self.match_kind.value
        hits = self.hits
        # the tracker's hits first: the kind is then read on its few rows, not on every hit
        mine = hits[hits["tracker_id"].astype(str).to_numpy() == tracker_id]
        if kind != "all":
            mine = mine[mine["match"].astype(str).to_numpy() == kind]
        self.examples = _examples(mine, tracker_id)
        n_conversations = int(mine["conversation_id"].nunique())
        self.examples_html.value = self._examples_html(self.examples, n_conversations, kind)

    # ------------------------------------------------------------------ HTML

    def _overview_html(self) -> str:
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        rates = self.rates
        table = rates.table
        summary = self.phrases.summary.set_index("tracker_id")
        order = np.lexsort(
            (
                table["tracker_id"].astype(str).to_numpy(),
                table["tracker"].astype(str).to_numpy(),
                -table["conversations_hit"].to_numpy(),
            )
        )
        table = table.iloc[order]
        shown = pd.DataFrame(
            {
                "tracker": table["tracker"].astype(str).to_numpy(),
                "conversations with a hit": table["conversations_hit"].to_numpy(),
                "in scope": table["conversations_in_scope"].to_numpy(),
                "rate": table["rate"].to_numpy(),
                "only by meaning": table["conversations_meaning_only"].to_numpy(),
                "hits": table["hits"].to_numpy(),
                "dead phrases": summary["n_dead"]
                .reindex(table["tracker_id"])
                .fillna(0)
                .astype("int64")
                .to_numpy(),
            }
        )
        head = message_html(
            f"{rates.n_conversations_hit} of {rates.n_conversations} conversations "
            f"({rates.n_messages} messages) have a hit. Pick a tracker to see its phrases and examples.",
            "info",
        )
        return head + frame_html(
            shown,
            caption="Hit rates (most conversations first)",
            note="rate: conversations with a hit over the conversations in the tracker's scope "
            "(its languages); only by meaning: conversations where no phrase occurs literally; "
            "dead phrases: phrases with no literal hit",
            float_format="{:.1%}",
        )

    def _examples_html(self, examples: pd.DataFrame, n_conversations: int, kind: str = "all") -> str:
        what = {"all": "hit", "literal": "literal match", "meaning": "match by meaning"}[kind]
        if examples is None or not len(examples):
            return message_html(f"No example: this tracker has no {what} in these conversations.", "muted")
        cards = "".join(hit_html(hit, self.context) for _, hit in examples.iterrows())
        conversations = "conversation" if n_conversations == 1 else "conversations"
        caption = (
            f"Examples: the first {what} in {len(examples)} of the {n_conversations} {conversations} "
            f"with one (earliest first), with the messages before and after"
        )
        return (
            f'{_STYLE}{_CARD_STYLE}<div class="tk-html"><div class="tk-caption">{escape(caption)}</div>'
            f"{cards}</div>"
        )


#: The kinds of match the Hits tab's examples can be narrowed to (values of the hits'
#: ``match`` column, ``"all"`` for both), with their labels.
MATCH_KINDS = {"all": "all", "literal": "literal", "meaning": "by meaning"}
_MATCH_TOOLTIPS = {
    "all": "Every hit: literal matches first within a message",
    "literal": "Only messages where a phrase occurs as written",
    "meaning": "Only matches by meaning: the ones to read when judging a threshold",
}


# --------------------------------------------------------------------------- helpers


def _summary_html(row: Any, rates: Any) -> str:
    name = str(row["tracker"])
    scope = int(row["conversations_in_scope"])
    hit = int(row["conversations_hit"])
    languages = str(row["languages"])
    where = f"{scope} conversations in scope" + ("" if languages == "any" else f" (languages {languages})")
    if hit == 0:
        text = f"{name} ({row['tracker_id']}) never fires: no hit in the {where}."
        return message_html(text, "warning")
    rate = float(row["rate"]) if not math.isnan(float(row["rate"])) else 0.0
    text = (
        f"{name} ({row['tracker_id']}) fires in {hit} of the {where} ({rate:.1%}): "
        f"{int(row['conversations_literal'])} with a literal hit, "
        f"{int(row['conversations_meaning_only'])} only by meaning. "
        f"{int(row['hits'])} hits ({int(row['literal_hits'])} literal, "
        f"{int(row['meaning_hits'])} by meaning), "
        f"{float(row['hits_per_conversation']):.1f} per conversation with a hit."
    )
    return message_html(text, "ok")


def _phrases_html(mine: pd.DataFrame, n_conversations: int) -> str:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if not len(mine):
        return message_html("This tracker has no phrase.", "muted")
    position = mine["position"].to_numpy()
    order = np.lexsort(
        (
            np.where(position < 0, np.iinfo(np.int64).max, position),
            -mine["meaning_hits"].to_numpy(),
            -mine["literal_hits"].to_numpy(),
        )
    )
    mine = mine.iloc[order]
    shown = pd.DataFrame(
        {
            "phrase": mine["phrase"].astype(str).to_numpy(),
            "literal hits": mine["literal_hits"].to_numpy(),
            "by meaning": mine["meaning_hits"].to_numpy(),
            "conversations": mine["conversations"].to_numpy(),
            "status": [
                "not in the vocabulary" if p < 0 else ("dead" if d else "live")
                for p, d in zip(mine["position"], mine["dead"])
            ],
        }
    )
    known = mine[mine["position"] >= 0]
    n_dead = int(known["dead"].sum())
    head = message_html(
        f"{n_dead} of {len(known)} phrases are dead: never said word for word in {n_conversations} "
        "conversations" + ("." if n_dead else " (none)."),
        "warning" if n_dead else "ok",
    )
    dead = known[known["dead"]]["phrase"].astype(str).tolist()
    listed = note_html("Dead: " + "; ".join(f"\u201c{p}\u201d" for p in dead)) if dead else ""
    table = frame_html(
        shown,
        caption="Phrases (most literal hits first, then by meaning, then vocabulary order)",
        note="literal hits: messages where the phrase occurs; by meaning: messages where no phrase of "
        "the tracker occurs but this one is the closest and similar enough; dead: no literal hit",
        max_height=SHORT,
    )
    return head + listed + table


def _examples(hits: pd.DataFrame, tracker_id: str, most: int = EXAMPLES) -> pd.DataFrame:
    """The first hit of each of the tracker's earliest conversations (by their earliest hit's
    ``start_time``, ties by order in the hits), at most ``most``; literal hits before hits by
    meaning within a message."""
    import numpy as np  # lazy: heavy

    mine = hits[hits["tracker_id"].astype(str) == tracker_id]
    if not len(mine):
        return mine.reset_index(drop=True)
    literal_first = np.where(mine["match"].astype(str).to_numpy() == "literal", 0, 1)
    row = np.arange(len(mine))
    first = mine.iloc[np.lexsort((row, literal_first))].drop_duplicates("conversation_id")
    first = first.sort_index(kind="stable")  # back in hits order
    if "start_time" in first.columns and first["start_time"].notna().any():
        import pandas as pd  # lazy: heavy

        times = pd.to_datetime(first["start_time"], utc=True)
        order = np.lexsort(
            (np.arange(len(first)), times.isna().to_numpy(), times.fillna(pd.Timestamp(0, tz="UTC")))
        )
        first = first.iloc[order]
    return first.head(most).reset_index(drop=True)


class MessageContext:
    """Look up a message and its neighbours in its conversation (the messages frame's order)."""

    def __init__(self, messages: pd.DataFrame) -> None:
        self.messages = messages.reset_index(drop=True)
        keys = zip(self.messages["conversation_id"].astype(str), self.messages["message_id"].astype(str))
        self._position = {key: i for i, key in enumerate(keys)}
        self._conversation = self.messages["conversation_id"].astype(str).to_numpy()

    def around(self, conversation_id: Any, message_id: Any) -> tuple[Any, Any, Any]:
        """``(before, message, after)`` rows (or ``None``) of the message in its conversation."""
        at = self._position.get((str(conversation_id), str(message_id)))
        if at is None:
            return None, None, None
        conv = self._conversation[at]
        before = self.messages.iloc[at - 1] if at > 0 and self._conversation[at - 1] == conv else None
        n = len(self.messages)
        after = self.messages.iloc[at + 1] if at + 1 < n and self._conversation[at + 1] == conv else None
        return before, self.messages.iloc[at], after


def _value(row: Any, column: str) -> Any:
    import pandas as pd  # lazy: heavy

    if row is None or column not in row.index:
        return None
    value = row[column]
    return (
        None if (not isinstance(value, str) and pd.api.types.is_scalar(value) and pd.isna(value)) else value
    )


def _when(row: Any) -> str:
    parts = []
    start = _value(row, "start_time")
    if start is not None:
        try:
            parts.append(start.strftime("%Y-%m-%d %H:%M:%S %Z").strip())
        except AttributeError:
            parts.append(str(start))
    offset = _value(row, "time_offset")
    if offset is not None:
        seconds = int(float(offset))
        parts.append(f"{seconds // 60}:{seconds % 60:02d} into the conversation")
    return ", ".join(parts)


def highlight(text: str, offset: Any, matched: Any) -> str:
    """``text`` escaped, the literal match at ``offset`` in a ``<mark>`` (found case-insensitively
    near there when the offset is off; nothing marked when it is not found)."""
    matched = "" if matched is None else str(matched)
    start = -1
    if matched:
        at = -1 if offset is None else int(offset)
        if at >= 0 and text[at : at + len(matched)] == matched:
            start = at
        else:
            start = text.casefold().find(matched.casefold())
    if start < 0 or not matched:
        return escape(text)
    end = start + len(matched)
    return (
        escape(text[:start]) + f'<mark class="tk-hit">{escape(text[start:end])}</mark>' + escape(text[end:])
    )


def _line(row: Any, css: str, body: str | None = None) -> str:
    who = _value(row, "speaker_name") or _value(row, "speaker_id") or "unknown speaker"
    text = body if body is not None else escape(_value(row, "text") or "")
    return f'<div class="{css}"><span class="tk-card-who">{escape(who)}:</span> {text}</div>'


def hit_html(hit: Any, context: MessageContext | None = None, *, tracker: bool = False) -> str:
    """One hit as an HTML card (every text escaped): how it matched, the conversation, speaker
    and time, the message (literal match highlighted) between its neighbours (from ``context``)."""
    before, message, after = (
        context.around(hit["conversation_id"], hit["message_id"]) if context else (None, None, None)
    )
    text = _value(hit, "text")
    if text is None:
        text = _value(message, "text") or ""
    literal = str(hit["match"]) == "literal"
    if literal:
        how = f"literal: \u201c{hit['value']}\u201d"
        body = highlight(str(text), _value(hit, "offset"), _value(hit, "matched_text"))
    else:
        score = _value(hit, "score")
        how = f"by meaning: closest phrase \u201c{hit['value']}\u201d" + (
            "" if score is None else f", similarity {float(score):.2f}"
        )
        body = escape(text)
    who_row = hit if _value(hit, "speaker_name") or message is None else message
    when = _when(hit if _value(hit, "start_time") is not None or message is None else message)
    head = [
        f"{hit['tracker_name']} \u00b7 " if tracker else "",
        how,
        f" \u00b7 conversation {hit['conversation_id']}",
    ]
    if when:
        head.append(f" \u00b7 {when}")
    lines = [f'<div class="tk-card-head">{escape("".join(head))}</div>']
    if before is not None:
        lines.append(_line(before, "tk-card-ctx"))
    lines.append(_line(who_row, "tk-card-msg", body))
    if after is not None:
        lines.append(_line(after, "tk-card-ctx"))
    return f'<div class="tk-card">{"".join(lines)}</div>'
