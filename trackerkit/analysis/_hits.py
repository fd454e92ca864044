"""Hit analytics: what the hits of a replay (or Symbl's stored results) say about the trackers.

Every function takes the hits frame (:func:`trackerkit.replay`,
:func:`trackerkit.load_tracker_results`) and, where a number needs it, the messages frame (the
denominators: which conversations exist, their language, their time, who spoke) and the trackers
(their phrases and languages, and the trackers that have no hit at all).

========================== ===================================================================
:func:`hit_rates`          per tracker: conversations in scope, with a hit, literal or only by
                           meaning, hits per conversation (a :class:`HitRates`)
:func:`phrase_hits`        per phrase: hits, conversations, dead phrases (a :class:`PhraseHits`)
:func:`silent_trackers`    the trackers without a single hit
:func:`coverage`           conversations and messages no tracker caught, and the trackers
                           nearest to them by TF-IDF (a :class:`Coverage`)
:func:`co_occurrence`      trackers that fire in the same conversations: counts, Jaccard, lift
                           (a :class:`CoOccurrence`)
:func:`hits_by_speaker`    hits per tracker and speaker (or role)
:func:`hits_by_period`     conversations with a hit per tracker and week or month, with the
                           trend (a :class:`HitTrend`)
:func:`rate_change`        per tracker, the rate before and after a date, with Fisher's test
:func:`hits_by_attribute`  conversations with a hit per tracker and value of any attribute
:func:`compare_versions`   two versions of an account replayed over the same messages: what a
                           change gains and loses (a :class:`VocabularyChange`)
:func:`suggest_phrases`    candidate phrases for a tracker, with their support and examples
========================== ===================================================================

Conventions, everywhere:

* **Trackers** are identified by ``tracker_id``. With ``trackers`` given, tables list every
  tracker of the account (those without a hit too) in account order and ignore hits of other
  trackers; without, the trackers of the hits, by name then id.
* **Conversations** are those of ``messages`` (a hit of a conversation that is not there raises
  :class:`~trackerkit.TrackerDataError`: the denominators would be wrong). A conversation's
  language is the first known language of its messages, its time the earliest ``start_time``.
* A tracker's **scope** is the conversations it can fire in: all of them, or, when it declares
  ``languages``, those in one of them (or in an unknown language), as in the replay.
* **Literal / by meaning**: a conversation "with a literal hit" has at least one; one "only by
  meaning" has hits by meaning and none literal.
* A **dead phrase** has no literal hit: its wording is never said (it may still collect matches
  by meaning, shown apart).

    >>> import trackerkit
    >>> hits = trackerkit.load_tracker_results("sample")
    >>> messages = trackerkit.load_conversations("sample")
    >>> rates = hit_rates(hits, messages, "sample")
    >>> row = rates.table.set_index("tracker").loc["Decision Maker"]
    >>> int(row.conversations_hit), int(row.literal_hits), int(row.meaning_hits)
    (18, 0, 18)
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_choice, check_count, check_fraction, check_ngram_range
from trackerkit.analysis._common import first_occurrences, prepare, resolve_key
from trackerkit.analysis._replay import _as_messages_frame, languages_match, replay
from trackerkit.analysis._results import _frame_html
from trackerkit.analysis._scoring import TfidfScorer
from trackerkit.constants import HIT_COLUMNS, MESSAGE_COLUMNS, PERIODS
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    from trackerkit._typing import TrackerKey, TrackersLike

__all__ = [
    "PERIODS",
    "CoOccurrence",
    "Coverage",
    "HitRates",
    "HitTrend",
    "PhraseHits",
    "VocabularyChange",
    "co_occurrence",
    "compare_versions",
    "coverage",
    "hit_rates",
    "hits_by_attribute",
    "hits_by_period",
    "hits_by_speaker",
    "phrase_hits",
    "rate_change",
    "silent_trackers",
    "suggest_phrases",
]

_MISSING = "(missing)"


# --------------------------------------------------------------------------- typed results


@dataclass(frozen=True, eq=False)
class HitRates:
    """Per tracker, how often it fires (:func:`hit_rates`).

    Attributes
    ----------
    table : DataFrame
        One row per tracker: ``tracker_id``, ``tracker``, ``languages`` (``"any"`` or the
        declared codes), ``conversations_in_scope`` (the denominator), ``conversations_hit``,
        ``rate``, ``conversations_literal``, ``conversations_meaning_only``, ``literal_rate``,
        ``meaning_only_rate``, ``hits``, ``literal_hits``, ``meaning_hits`` and
        ``hits_per_conversation`` (hits per conversation with a hit; NaN without one).
    n_conversations : int
        Conversations in the messages.
    n_messages : int
        Messages.
    n_conversations_hit : int
        Conversations with at least one hit of any tracker listed.
    """

    table: pd.DataFrame
    n_conversations: int
    n_messages: int
    n_conversations_hit: int

    def __repr__(self) -> str:
        firing = int((self.table["hits"] > 0).sum())
        return (
            f"HitRates({len(self.table)} trackers, {firing} with hits; {self.n_conversations_hit} of "
            f"{self.n_conversations} conversations with a hit)"
        )

    def _repr_html_(self) -> str:
        return _frame_html(
            f"Hit rates over {self.n_conversations} conversations ({self.n_messages} messages)", self.table
        )


@dataclass(frozen=True, eq=False)
class PhraseHits:
    """Per phrase, how often it matched (:func:`phrase_hits`).

    Attributes
    ----------
    table : DataFrame
        One row per tracker and distinct phrase as written, in account
        then vocabulary order, phrases of the hits missing from the vocabulary last
        (``position`` -1): ``tracker_id``, ``tracker``, ``position``, ``phrase``, ``hits``,
        ``literal_hits``, ``meaning_hits``, ``conversations``, ``literal_conversations``,
        ``dead`` (no literal hit).
    n_conversations : int
        Conversations the hits were looked for in.
    """

    table: pd.DataFrame
    n_conversations: int

    @property
    def dead(self) -> pd.DataFrame:
        """The rows of the dead phrases (no literal hit), in table order."""
        return self.table[self.table["dead"]].reset_index(drop=True)

    @property
    def summary(self) -> pd.DataFrame:
        """Per tracker: ``n_phrases``, ``n_live`` (with a literal hit), ``n_dead``, ``dead_share``
        (phrases of the vocabulary only), in account order."""
        import pandas as pd  # lazy: heavy

        known = self.table[self.table["position"] >= 0]
        grouped = known.groupby(["tracker_id"], sort=False)
        out = pd.DataFrame(
            {
                "tracker": grouped["tracker"].first(),
                "n_phrases": grouped.size(),
                "n_live": grouped["dead"].agg(lambda d: int((~d).sum())),
            }
        )
        out["n_dead"] = out["n_phrases"] - out["n_live"]
        out["dead_share"] = out["n_dead"] / out["n_phrases"]
        return out.reset_index()

    def __repr__(self) -> str:
        return (
            f"PhraseHits({len(self.table)} phrases, {int(self.table['dead'].sum())} dead, over "
            f"{self.n_conversations} conversations)"
        )

    def _repr_html_(self) -> str:
        return _frame_html(f"Phrase hits over {self.n_conversations} conversations", self.table)


@dataclass(frozen=True, eq=False)
class Coverage:
    """What no tracker caught (:func:`coverage`).

    Attributes
    ----------
    conversations : DataFrame
        The conversations without any hit: ``conversation_id``, ``messages``, ``language``,
        ``start_time``, in the messages' order.
    by_speaker : DataFrame
        Per value of the speaker column (``speaker``): ``messages``, ``caught`` (messages with a
        hit), ``uncaught``, ``uncaught_share``; most uncaught first, then by speaker.
    nearest : DataFrame
        For each uncaught message scored (at most ``max_messages``): its ``k`` nearest trackers by
        TF-IDF: ``conversation_id``, ``message_id``, ``speaker``, ``text``, ``rank`` (1 = best),
        ``tracker_id``, ``tracker``, ``phrase`` (the tracker's nearest phrase), ``score``. Empty
        without trackers.
    trackers : DataFrame
        Per tracker, the uncaught messages it is the nearest to with a score of at least
        ``min_score``: ``tracker_id``, ``tracker``, ``messages``, ``mean_score``, ``example``
        (the best scored message); most messages first, then higher mean score, then account order.
    n_messages, n_uncaught_messages, n_scored : int
        Messages, messages without a hit, and uncaught messages scored for ``nearest``.
    min_score : float
        The least score counted in ``trackers``.
    """

    conversations: pd.DataFrame
    by_speaker: pd.DataFrame
    nearest: pd.DataFrame
    trackers: pd.DataFrame
    n_messages: int
    n_uncaught_messages: int
    n_scored: int
    min_score: float

    def __repr__(self) -> str:
        return (
            f"Coverage({len(self.conversations)} conversations and {self.n_uncaught_messages} of "
            f"{self.n_messages} messages without a hit; {self.n_scored} scored)"
        )

    def _repr_html_(self) -> str:
        return _frame_html("Conversations without a hit", self.conversations) + _frame_html(
            "Trackers nearest to the uncaught messages", self.trackers
        )


@dataclass(frozen=True, eq=False)
class CoOccurrence:
    """Trackers that fire in the same conversations (:func:`co_occurrence`).

    Attributes
    ----------
    pairs : DataFrame
        One row per pair with at least ``min_support`` conversations with both:
        ``tracker_a``, ``tracker_b``, ``tracker_id_a``, ``tracker_id_b``, ``with_a``, ``with_b``,
        ``both``, ``expected`` (``with_a * with_b / n``), ``jaccard``, ``lift``
        (``both / expected``); highest lift first, then more conversations with both, then
        account order of ``a`` then ``b``.
    counts : DataFrame
        Tracker x tracker conversations with both (the diagonal: with the tracker).
    jaccard, lift : DataFrame
        Tracker x tracker Jaccard index and lift (NaN where a tracker never fires).
    n_conversations : int
        The conversations counted (the ``n`` of the lift).
    min_support : int
        The fewest conversations with both for a pair to be listed.
    """

    pairs: pd.DataFrame
    counts: pd.DataFrame
    jaccard: pd.DataFrame
    lift: pd.DataFrame
    n_conversations: int
    min_support: int

    def matrix(self, metric: str = "lift") -> pd.DataFrame:
        """The ``"count"``, ``"jaccard"`` or ``"lift"`` matrix."""
        check_choice("metric", metric, ("count", "jaccard", "lift"))
        return {"count": self.counts, "jaccard": self.jaccard, "lift": self.lift}[metric]

    def pair(self, tracker: str, other: str) -> dict[str, Any]:
        """The figures of two trackers (by name), whatever ``min_support``: ``with_a``,
        ``with_b``, ``both``, ``expected``, ``jaccard``, ``lift``."""
        names = list(self.counts.index)
        for name, value in (("tracker", tracker), ("other", other)):
            if value not in names:
                raise InvalidParameterError(f"{name}: no tracker named {value!r}", parameter=name)
        both = int(self.counts.at[tracker, other])
        with_a, with_b = int(self.counts.at[tracker, tracker]), int(self.counts.at[other, other])
        return {
            "with_a": with_a,
            "with_b": with_b,
            "both": both,
            "expected": with_a * with_b / self.n_conversations if self.n_conversations else math.nan,
            "jaccard": float(self.jaccard.at[tracker, other]),
            "lift": float(self.lift.at[tracker, other]),
        }

    def __repr__(self) -> str:
        return (
            f"CoOccurrence({len(self.counts)} trackers, {len(self.pairs)} pairs with >= {self.min_support} "
            f"of {self.n_conversations} conversations)"
        )

    def _repr_html_(self) -> str:
        return _frame_html(f"Trackers firing together (support >= {self.min_support})", self.pairs)


@dataclass(frozen=True, eq=False)
class HitTrend:
    """Conversations with a hit per tracker and period (:func:`hits_by_period`).

    Attributes
    ----------
    table : DataFrame
        One row per tracker and period (every period from the first conversation to the last,
        empty ones included): ``tracker_id``, ``tracker``, ``period_start`` (UTC),
        ``conversations`` (all conversations of the period), ``conversations_hit``, ``rate``.
    trend : DataFrame
        Per tracker: ``slope`` (change of the rate per period, least squares weighted by the
        conversations of each period), ``first_rate`` and ``last_rate`` (of the first and last
        half of the periods, pooled), ``conversations_hit``, in account order.
    period : str
        ``"day"``, ``"week"`` or ``"month"``.
    """

    table: pd.DataFrame
    trend: pd.DataFrame
    period: str

    def __repr__(self) -> str:
        n = self.table["period_start"].nunique() if len(self.table) else 0
        return f"HitTrend({len(self.trend)} trackers over {n} {self.period}s)"

    def _repr_html_(self) -> str:
        return _frame_html(f"Trend per {self.period}", self.trend)


@dataclass(frozen=True, eq=False)
class VocabularyChange:
    """What a vocabulary change gains and loses on the same messages (:func:`compare_versions`).

    Attributes
    ----------
    trackers : DataFrame
        Per tracker (of either version; ``status`` ``"changed"``, ``"unchanged"``, ``"added"``,
        ``"removed"``): ``tracker_id``, ``tracker``, ``messages_before``, ``messages_after``,
        ``gained`` (messages it fires in only after), ``lost`` (only before),
        ``conversations_before``, ``conversations_after``, ``phrases_added``,
        ``phrases_removed``; in the order of ``after`` then the removed ones.
    phrases : DataFrame
        Per tracker and normalized phrase of either version: ``tracker_id``, ``tracker``,
        ``phrase``, ``status`` (``"added"``, ``"removed"``, ``"kept"``), ``hits_before``,
        ``hits_after``, ``change``; phrases with a change in hits or status only.
    examples : DataFrame
        Up to ``examples`` messages per tracker and side: ``tracker_id``, ``tracker``, ``side``
        (``"gained"`` or ``"lost"``), ``conversation_id``, ``message_id``, ``phrases`` (of the
        version that fires), ``text``.
    """

    trackers: pd.DataFrame
    phrases: pd.DataFrame
    examples: pd.DataFrame

    def __repr__(self) -> str:
        return (
            f"VocabularyChange({int(self.trackers['gained'].sum())} messages gained, "
            f"{int(self.trackers['lost'].sum())} lost over {len(self.trackers)} trackers)"
        )

    def _repr_html_(self) -> str:
        return _frame_html("Per tracker", self.trackers) + _frame_html("Per phrase", self.phrases)


# --------------------------------------------------------------------------- inputs


def _check_hits(hits: Any) -> pd.DataFrame:
    import pandas as pd  # lazy: heavy

    if not isinstance(hits, pd.DataFrame):
        raise InvalidParameterError(
            f"hits must be a hits frame (trackerkit.replay, load_tracker_results); got {type(hits).__name__}",
            parameter="hits",
        )
    needed = ("conversation_id", "message_id", "tracker_id", "tracker_name", "value", "match")
    missing = [c for c in needed if c not in hits.columns]
    if missing:
        raise TrackerDataError(
            f"not a hits frame: missing column(s) {', '.join(map(repr, missing))}; "
            f"a hits frame has {', '.join(HIT_COLUMNS)}"
        )
    return hits


def _check_messages(messages: Any, *, name: str = "messages") -> pd.DataFrame:
    import pandas as pd  # lazy: heavy

    if not isinstance(messages, pd.DataFrame):
        raise InvalidParameterError(
            f"{name} must be a messages frame (trackerkit.load_conversations); got {type(messages).__name__}",
            parameter=name,
        )
    missing = [c for c in ("conversation_id", "message_id") if c not in messages.columns]
    if missing:
        raise TrackerDataError(
            f"not a messages frame: missing column(s) {', '.join(map(repr, missing))}; "
            f"a messages frame has {', '.join(MESSAGE_COLUMNS)}"
        )
    return messages


def _languages(value: Any) -> tuple[str, ...]:
    if value is None or isinstance(value, float):
        return ()
    return tuple(str(v) for v in value)


def _tracker_table(hits: pd.DataFrame, trackers: TrackersLike | None) -> pd.DataFrame:
    """``tracker_id``, ``tracker``, ``languages`` (tuple), ``vocabulary`` (list or None)."""
    import pandas as pd  # lazy: heavy

    if trackers is not None:
        _, frame = prepare(trackers)
        return pd.DataFrame(
            {
                "tracker_id": [str(i) for i in frame["tracker_id"]],
                "tracker": [str(n) for n in frame["name"]],
                "languages": [_languages(v) for v in frame["languages"]],
                "vocabulary": [list(v) for v in frame["vocabulary"]],
            }
        )
    pairs = hits[["tracker_id", "tracker_name"]].drop_duplicates("tracker_id")
    ids = [str(i) for i in pairs["tracker_id"]]
    names = [str(n) for n in pairs["tracker_name"]]
    order = sorted(range(len(ids)), key=lambda i: (names[i], ids[i]))
    return pd.DataFrame(
        {
            "tracker_id": [ids[i] for i in order],
            "tracker": [names[i] for i in order],
            "languages": [() for _ in order],
            "vocabulary": [None for _ in order],
        }
    )


def _conversations(messages: pd.DataFrame) -> pd.DataFrame:
    """One row per conversation of ``messages``, in order of first appearance: ``messages``,
    ``language`` (first known), ``start_time`` (earliest)."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    codes, ids = pd.factorize(messages["conversation_id"].astype(str))
    n = len(ids)
    out = pd.DataFrame(
        {"messages": np.bincount(codes, minlength=n)}, index=pd.Index(ids, name="conversation_id")
    )
    language = np.full(n, None, dtype=object)
    if "language" in messages.columns:
        known = messages["language"].notna().to_numpy()
        rows = np.flatnonzero(known)
        first_codes, first = np.unique(codes[rows], return_index=True)
        language[first_codes] = messages["language"].to_numpy()[rows[first]]
    out["language"] = language
    if "start_time" in messages.columns:
        out["start_time"] = messages["start_time"].groupby(codes).min().reindex(range(n)).to_numpy()
    else:
        out["start_time"] = pd.Series(pd.NaT, index=out.index, dtype="datetime64[ns, UTC]")
    return out


def _restrict(hits: pd.DataFrame, tracker_ids: Sequence[str], conversations: pd.Index | None) -> pd.DataFrame:
    """The hits of the listed trackers; refuses hits of conversations not in ``conversations``."""
    tid = hits["tracker_id"].astype(str)
    kept = hits[tid.isin(tracker_ids).to_numpy()]
    if conversations is not None and len(kept):
        cid = kept["conversation_id"].astype(str)
        outside = ~cid.isin(conversations).to_numpy()
        if outside.any():
            unknown = cid[outside].unique()
            raise TrackerDataError(
                f"hits of {len(unknown)} conversation(s) not in messages (first: {unknown[0]!r}): give the "
                "messages the hits were found in, or filter the hits to those conversations"
            )
    return kept


def _in_scope(conv: pd.DataFrame, languages: tuple[str, ...]) -> np.ndarray:
    """Bool per conversation: may a tracker declaring ``languages`` fire there."""
    import numpy as np  # lazy: heavy

    if not languages:
        return np.ones(len(conv), bool)
    lang = conv["language"]
    known = lang.notna().to_numpy()
    out = ~known
    for value in lang[known].unique():
        if languages_match(str(value), languages):
            out |= (lang == value).to_numpy()
    return out


def _message_mask(messages: pd.DataFrame, hits: pd.DataFrame) -> np.ndarray:
    """Bool per message of ``messages``: has it a row in ``hits``."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if not len(hits):
        return np.zeros(len(messages), bool)
    n = len(messages)
    conv, _ = pd.factorize(pd.concat([messages["conversation_id"], hits["conversation_id"]]).astype(str))
    msg, msg_ids = pd.factorize(pd.concat([messages["message_id"], hits["message_id"]]).astype(str))
    key = conv.astype(np.int64) * max(len(msg_ids), 1) + msg
    return np.isin(key[:n], key[n:])


def _draw(rows: np.ndarray, texts: pd.Series, most: int, seed: int) -> np.ndarray:
    """At most ``most`` of ``rows`` whose text is not blank, drawn at random (``seed``) when
    there are more, in message order; blank texts are looked at only among those drawn."""
    import numpy as np  # lazy: heavy

    if len(rows) > most:
        rng = np.random.default_rng(seed)
        rows = rows[rng.permutation(len(rows))]
    kept: list[int] = []
    for first in range(0, len(rows), max(2 * most, 1)):
        block = rows[first : first + 2 * most]
        blank = texts.iloc[block].str.strip().eq("").to_numpy()
        kept.extend(block[~blank][: most - len(kept)].tolist())
        if len(kept) >= most:
            break
    return np.sort(np.asarray(kept, dtype=np.int64))


def _codes(values: pd.Series, categories: Sequence[str]) -> np.ndarray:
    """Positions of ``values`` in ``categories`` (-1 when absent)."""
    import pandas as pd  # lazy: heavy

    return pd.Categorical(values.astype(str), categories=pd.Index(list(categories))).codes.astype("int64")


def _incidence(hits: pd.DataFrame, trackers: pd.DataFrame, conv: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per (tracker, conversation) pair with a hit: ``t``, ``c``, ``literal`` (any literal hit),
    ``n`` hits, ``n_literal``; pairs sorted by tracker then conversation."""
    import numpy as np  # lazy: heavy

    t = _codes(hits["tracker_id"], trackers["tracker_id"])
    c = _codes(hits["conversation_id"], conv.index)
    lit = (hits["match"] == "literal").to_numpy()
    n_conv = max(len(conv), 1)
    key = t * n_conv + c
    uniq, inverse = np.unique(key, return_inverse=True)
    n = np.bincount(inverse, minlength=len(uniq))
    n_lit = np.bincount(inverse, weights=lit, minlength=len(uniq)).astype(np.int64)
    return {"t": uniq // n_conv, "c": uniq % n_conv, "n": n, "n_literal": n_lit}


# --------------------------------------------------------------------------- hit rates


def hit_rates(hits: pd.DataFrame, messages: pd.DataFrame, trackers: TrackersLike | None = None) -> HitRates:
    """Per tracker: conversations in scope, with a hit, literal or only by meaning, and hits.

    Parameters
    ----------
    hits : DataFrame
        The hits frame.
    messages : DataFrame
        The messages frame the hits were found in (the denominators).
    trackers : TrackersLike, optional
        The account: lists its trackers without hits too, and scopes each to its languages.

    Returns
    -------
    HitRates
        ``rate`` is ``conversations_hit / conversations_in_scope``.

    Examples
    --------
    >>> import trackerkit
    >>> rates = hit_rates(trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample"))
    >>> rates.n_conversations, rates.n_conversations_hit
    (120, 114)
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    table = _tracker_table(hits, trackers)
    conv = _conversations(messages)
    kept = _restrict(hits, table["tracker_id"].tolist(), conv.index)
    n_t = len(table)
    inc = _incidence(kept, table, conv)
    lit_pair = inc["n_literal"] > 0
    scope = np.array([int(_in_scope(conv, langs).sum()) for langs in table["languages"]], dtype=np.int64)
    hit_conv = np.bincount(inc["t"], minlength=n_t)
    lit_conv = np.bincount(inc["t"], weights=lit_pair, minlength=n_t).astype(np.int64)
    n_hits = np.bincount(inc["t"], weights=inc["n"], minlength=n_t).astype(np.int64)
    n_lit = np.bincount(inc["t"], weights=inc["n_literal"], minlength=n_t).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        denominator = np.where(scope > 0, scope, np.nan)
        out = pd.DataFrame(
            {
                "tracker_id": table["tracker_id"],
                "tracker": table["tracker"],
                "languages": [", ".join(v) if v else "any" for v in table["languages"]],
                "conversations_in_scope": scope,
                "conversations_hit": hit_conv,
                "rate": hit_conv / denominator,
                "conversations_literal": lit_conv,
                "conversations_meaning_only": hit_conv - lit_conv,
                "literal_rate": lit_conv / denominator,
                "meaning_only_rate": (hit_conv - lit_conv) / denominator,
                "hits": n_hits,
                "literal_hits": n_lit,
                "meaning_hits": n_hits - n_lit,
                "hits_per_conversation": n_hits / np.where(hit_conv > 0, hit_conv, np.nan),
            }
        )
    return HitRates(
        table=out,
        n_conversations=len(conv),
        n_messages=len(messages),
        n_conversations_hit=len(np.unique(inc["c"])),
    )


# --------------------------------------------------------------------------- phrases


def phrase_hits(
    hits: pd.DataFrame, trackers: TrackersLike, messages: pd.DataFrame | None = None
) -> PhraseHits:
    """Per tracker and phrase: hits, literal and by meaning, conversations, and the dead ones.

    One row per distinct phrase *as written*, like Symbl's and the replay's hits (``"Reset my
    password"`` and ``"reset my password."`` are two rows, each with its own hits; the audit
    reports such near-duplicates). A hit whose value is not written so in the vocabulary counts
    for the first phrase with the same normalized form (:func:`trackerkit.normalize_phrase`);
    one the vocabulary lacks altogether (an older version's) gets a row with ``position`` -1.

    Parameters
    ----------
    hits : DataFrame
        The hits frame.
    trackers : TrackersLike
        The account whose phrases are listed.
    messages : DataFrame, optional
        The messages frame (only for ``n_conversations``, and to refuse hits from elsewhere).

    Examples
    --------
    >>> import trackerkit
    >>> result = phrase_hits(trackerkit.load_tracker_results("sample"), "sample")
    >>> summary = result.summary.set_index("tracker")
    >>> int(summary.loc["Pricing Inquiry", "n_dead"]), int(summary.loc["Pricing Inquiry", "n_phrases"])
    (25, 40)
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits = _check_hits(hits)
    table = _tracker_table(hits, trackers)
    conv_index = None
    if messages is not None:
        conv_index = _conversations(_check_messages(messages)).index
    kept = _restrict(hits, table["tracker_id"].tolist(), conv_index)
    n_conversations = len(conv_index) if conv_index is not None else int(kept["conversation_id"].nunique())
    values = kept["value"].astype(str)
    listed = {
        tracker_id: _written_phrases(vocabulary or [])
        for tracker_id, vocabulary in zip(table["tracker_id"], table["vocabulary"])
    }
    tracker_ids = kept["tracker_id"].astype(str).to_numpy()
    pairs = pd.DataFrame({"tracker_id": tracker_ids, "value": values.to_numpy()}).drop_duplicates()
    phrase_of = {}
    for tracker_id, value in zip(pairs["tracker_id"], pairs["value"]):
        written, by_norm = listed[tracker_id]
        phrase_of[(tracker_id, value)] = (
            value if value in written else by_norm.get(normalize_phrase(value), value)
        )
    frame = pd.DataFrame(
        {
            "tracker_id": tracker_ids,
            "phrase": [phrase_of[key] for key in zip(tracker_ids, values.to_numpy())],
            "conversation_id": kept["conversation_id"].astype(str).to_numpy(),
            "literal": (kept["match"] == "literal").to_numpy(),
        }
    )
    grouped = frame.groupby(["tracker_id", "phrase"], sort=False)
    counts = pd.DataFrame(
        {
            "hits": grouped.size(),
            "literal_hits": grouped["literal"].sum(),
            "conversations": grouped["conversation_id"].nunique(),
        }
    )
    lit_conv = (
        frame[frame["literal"]].groupby(["tracker_id", "phrase"], sort=False)["conversation_id"].nunique()
    )
    counts["literal_conversations"] = lit_conv.reindex(counts.index, fill_value=0)
    seen = {key: tuple(row) for key, row in zip(counts.index, counts.to_numpy())}
    records = []
    for tracker_id, name in zip(table["tracker_id"], table["tracker"]):
        written, _ = listed[tracker_id]
        for phrase, position in written.items():
            n, n_lit, n_conv, n_lit_conv = seen.get((tracker_id, phrase), (0, 0, 0, 0))
            records.append((tracker_id, name, position, phrase, n, n_lit, n_conv, n_lit_conv))
        for phrase in sorted(key[1] for key in seen if key[0] == tracker_id and key[1] not in written):
            n, n_lit, n_conv, n_lit_conv = seen[(tracker_id, phrase)]
            records.append((tracker_id, name, -1, phrase, n, n_lit, n_conv, n_lit_conv))
    out = pd.DataFrame.from_records(
        records,
        columns=[
            "tracker_id",
            "tracker",
            "position",
            "phrase",
            "hits",
            "literal_hits",
            "conversations",
            "literal_conversations",
        ],
    )
    for column in ("position", "hits", "literal_hits", "conversations", "literal_conversations"):
        out[column] = out[column].astype(np.int64)
    out.insert(6, "meaning_hits", out["hits"] - out["literal_hits"])
    out["dead"] = out["literal_hits"].eq(0)
    return PhraseHits(table=out, n_conversations=n_conversations)


def _written_phrases(vocabulary: Sequence[str]) -> tuple[dict[str, int], dict[str, str]]:
    """The distinct phrases as written -> position of their first occurrence, and each
    normalized phrase -> its first spelling (to place a hit whose value is spelt otherwise)."""
    written: dict[str, int] = {}
    for position, phrase in enumerate(vocabulary):
        if normalize_phrase(phrase) and phrase not in written:
            written[phrase] = position
    return written, {norm: phrase for norm, (_, phrase) in first_occurrences(vocabulary).items()}


def silent_trackers(hits: pd.DataFrame, trackers: TrackersLike) -> pd.DataFrame:
    """The trackers of ``trackers`` without a single hit (literal or by meaning), in account
    order: ``tracker_id``, ``tracker``, ``n_phrases``, ``languages``.

    >>> import trackerkit
    >>> silent_trackers(trackerkit.load_tracker_results("sample"), "sample")["tracker"].tolist()
    ['Voice Message', 'Promotion Mention']
    """
    import pandas as pd  # lazy: heavy

    hits = _check_hits(hits)
    table = _tracker_table(hits, trackers)
    firing = set(hits["tracker_id"].astype(str).unique())
    quiet = table[~table["tracker_id"].isin(firing)]
    return pd.DataFrame(
        {
            "tracker_id": quiet["tracker_id"].to_numpy(),
            "tracker": quiet["tracker"].to_numpy(),
            "n_phrases": [len(_written_phrases(v or [])[0]) for v in quiet["vocabulary"]],
            "languages": [", ".join(v) if v else "any" for v in quiet["languages"]],
        }
    )


# --------------------------------------------------------------------------- coverage


def _phrase_scorer(table: pd.DataFrame) -> tuple[Any, np.ndarray, list[str]]:
    """A TF-IDF scorer fitted on every phrase, the tracker of each phrase, and the phrases."""
    import numpy as np  # lazy: heavy

    phrases, groups = [], []
    for t, vocabulary in enumerate(table["vocabulary"]):
        for _, (_, phrase) in first_occurrences(vocabulary or []).items():
            phrases.append(phrase)
            groups.append(t)
    if not phrases:
        raise TrackerDataError("trackers have no phrases to compare the messages with")
    return TfidfScorer().fit(phrases, groups), np.asarray(groups, dtype=np.int64), phrases


def _nearest_trackers(
    scorer: Any, groups: np.ndarray, n_trackers: int, texts: Sequence[str], k: int, batch: int = 512
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per text, the ``k`` best trackers (max over their phrases), scores, and best phrase index.
    Ties: the tracker first in account order."""
    import numpy as np  # lazy: heavy

    k = min(k, n_trackers)
    best_t = np.zeros((len(texts), k), np.int64)
    best_s = np.zeros((len(texts), k))
    best_p = np.zeros((len(texts), k), np.int64)
    order = np.lexsort((np.arange(len(groups)), groups))  # phrases grouped by tracker
    sizes = np.bincount(groups, minlength=n_trackers)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    nonempty = np.flatnonzero(sizes > 0)
    for first in range(0, len(texts), batch):
        scores = scorer.score(list(texts[first : first + batch]))[:, order]
        per = np.full((scores.shape[0], n_trackers), -1.0)
        arg = np.zeros((scores.shape[0], n_trackers), np.int64)
        per[:, nonempty] = np.maximum.reduceat(scores, starts[nonempty], axis=1)
        for t in nonempty:
            arg[:, t] = order[starts[t] + scores[:, starts[t] : starts[t] + sizes[t]].argmax(axis=1)]
        # best first; ties by account order (stable sort on -score)
        ranking = np.argsort(-per, axis=1, kind="stable")[:, :k]
        rows = np.arange(per.shape[0])[:, None]
        best_t[first : first + batch] = ranking
        best_s[first : first + batch] = per[rows, ranking]
        best_p[first : first + batch] = arg[rows, ranking]
    return best_t, best_s, best_p


def coverage(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    by: str = "speaker_name",
    k: int = 3,
    min_score: float = 0.3,
    max_messages: int = 2000,
    seed: int = 0,
) -> Coverage:
    """Conversations and messages no tracker caught, and the trackers nearest to them.

    Parameters
    ----------
    hits, messages : DataFrame
        The hits frame and the messages frame it was found in.
    trackers : TrackersLike, optional
        The account: its trackers are scored against the uncaught messages (TF-IDF, the
        similarity of matches by meaning; a tracker scores its best phrase). Without, no
        ``nearest``.
    by : str, default "speaker_name"
        The messages' column to count uncaught messages by (``speaker_email``, a role column).
    k : int, default 3
        Nearest trackers kept per uncaught message.
    min_score : float, default 0.3
        The least score for a message to count for its nearest tracker in ``trackers``.
    max_messages : int, default 2000
        The most uncaught messages scored (non-empty ones, drawn at random with ``seed`` and
        kept in message order when there are more), which bounds time and memory.

    Examples
    --------
    >>> import trackerkit
    >>> result = coverage(trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample"))
    >>> len(result.conversations)
    6
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    k = check_count("k", k)
    min_score = check_fraction("min_score", min_score, allow_zero=True)
    max_messages = check_count("max_messages", max_messages, minimum=0)
    if not isinstance(by, str) or by not in messages.columns:
        raise InvalidParameterError(
            f"by must be a column of messages ({', '.join(map(str, messages.columns))}); got {by!r}",
            parameter="by",
        )
    table = _tracker_table(hits, trackers)
    conv = _conversations(messages)
    kept = _restrict(hits, table["tracker_id"].tolist(), conv.index)
    hit_conv = set(kept["conversation_id"].astype(str).unique())
    uncaught_conv = conv[~conv.index.isin(hit_conv)].reset_index()
    caught = _message_mask(messages, kept)
    speaker = messages[by].astype(object).where(messages[by].notna(), _MISSING).astype(str)
    frame = pd.DataFrame({"speaker": speaker.to_numpy(), "caught": caught})
    grouped = frame.groupby("speaker", sort=True)
    by_speaker = pd.DataFrame(
        {"messages": grouped.size(), "caught": grouped["caught"].sum().astype(np.int64)}
    )
    by_speaker["uncaught"] = by_speaker["messages"] - by_speaker["caught"]
    by_speaker["uncaught_share"] = by_speaker["uncaught"] / by_speaker["messages"]
    by_speaker = by_speaker.reset_index()
    by_speaker = by_speaker.iloc[np.lexsort((np.arange(len(by_speaker)), -by_speaker["uncaught"].to_numpy()))]
    by_speaker = by_speaker.reset_index(drop=True)

    texts = messages["text"].fillna("").astype(str) if "text" in messages.columns else None
    nearest_cols = ["conversation_id", "message_id", "speaker", "text", "rank", "tracker_id", "tracker"]
    nearest_cols += ["phrase", "score"]
    nearest = pd.DataFrame(columns=nearest_cols)
    tracker_cols = ["tracker_id", "tracker", "messages", "mean_score", "example"]
    per_tracker = pd.DataFrame(columns=tracker_cols)
    n_scored = 0
    if trackers is not None and texts is not None:
        candidates = _draw(np.flatnonzero(~caught), texts, max_messages, seed)
        n_scored = len(candidates)
        if n_scored:
            scorer, groups, phrases = _phrase_scorer(table)
            chosen = texts.iloc[candidates]
            distinct, inverse = np.unique(chosen.to_numpy(dtype=object).astype(str), return_inverse=True)
            best_t, best_s, best_p = _nearest_trackers(scorer, groups, len(table), distinct.tolist(), k)
            best_t, best_s, best_p = best_t[inverse], best_s[inverse], best_p[inverse]
            kk = best_t.shape[1]
            rows = np.repeat(candidates, kk)
            nearest = pd.DataFrame(
                {
                    "conversation_id": messages["conversation_id"].astype(str).to_numpy()[rows],
                    "message_id": messages["message_id"].astype(str).to_numpy()[rows],
                    "speaker": speaker.to_numpy()[rows],
                    "text": texts.to_numpy()[rows],
                    "rank": np.tile(np.arange(1, kk + 1), n_scored),
                    "tracker_id": table["tracker_id"].to_numpy()[best_t.ravel()],
                    "tracker": table["tracker"].to_numpy()[best_t.ravel()],
                    "phrase": np.asarray(phrases, dtype=object)[best_p.ravel()],
                    "score": best_s.ravel(),
                }
            )
            top = nearest[(nearest["rank"] == 1) & (nearest["score"] >= min_score)]
            if len(top):
                g = top.groupby("tracker_id", sort=False)
                best_row = top.iloc[np.lexsort((np.arange(len(top)), -top["score"].to_numpy()))]
                example = best_row.drop_duplicates("tracker_id").set_index("tracker_id")["text"]
                per_tracker = pd.DataFrame({"messages": g.size(), "mean_score": g["score"].mean()})
                per_tracker["example"] = example.reindex(per_tracker.index)
                position = {t: i for i, t in enumerate(table["tracker_id"])}
                per_tracker.insert(
                    0, "tracker", table.set_index("tracker_id")["tracker"].reindex(per_tracker.index)
                )
                per_tracker = per_tracker.reset_index()
                per_tracker = per_tracker.iloc[
                    np.lexsort(
                        (
                            per_tracker["tracker_id"].map(position).to_numpy(),
                            -per_tracker["mean_score"].to_numpy(),
                            -per_tracker["messages"].to_numpy(),
                        )
                    )
                ].reset_index(drop=True)[tracker_cols]
    return Coverage(
        conversations=uncaught_conv[["conversation_id", "messages", "language", "start_time"]],
        by_speaker=by_speaker,
        nearest=nearest,
        trackers=per_tracker,
        n_messages=len(messages),
        n_uncaught_messages=int((~caught).sum()),
        n_scored=n_scored,
        min_score=min_score,
    )


# --------------------------------------------------------------------------- co-occurrence


def co_occurrence(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    min_support: int = 3,
) -> CoOccurrence:
    """Trackers that fire in the same conversations, as counts, Jaccard index and lift.

    The lift of two trackers is the number of conversations with both over the number expected
    if they fired independently (``with_a * with_b / n``, ``n`` the conversations of
    ``messages``): two trackers that fire everywhere have a lift near 1 however often they
    meet, while a pair that belongs together stands far above it. ``min_support`` (conversations
    with both) keeps rare pairs, whose lift is noise, out of ``pairs``.

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> result = co_occurrence(hits, messages)
    >>> pair = result.pair("Pricing Inquiry", "Discount Request")
    >>> pair["with_a"], pair["with_b"], pair["both"], round(pair["lift"], 2)
    (22, 15, 15, 5.45)
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    min_support = check_count("min_support", min_support)
    table = _tracker_table(hits, trackers)
    conv = _conversations(messages)
    kept = _restrict(hits, table["tracker_id"].tolist(), conv.index)
    inc = _incidence(kept, table, conv)
    n_t, n = len(table), len(conv)
    matrix = sp.csr_matrix((np.ones(len(inc["t"])), (inc["t"], inc["c"])), shape=(n_t, max(n, 1)))
    both = (matrix @ matrix.T).toarray().astype(np.int64)
    with_t = np.diag(both).copy()
    with np.errstate(divide="ignore", invalid="ignore"):
        union = with_t[:, None] + with_t[None, :] - both
        jaccard = np.where(union > 0, both / np.where(union > 0, union, 1), np.nan)
        expected = with_t[:, None] * with_t[None, :] / max(n, 1)
        lift = np.where(expected > 0, both / np.where(expected > 0, expected, 1), np.nan)
    names = table["tracker"].tolist()
    axis = pd.Index(names, name="tracker")
    other = pd.Index(names, name="other")
    a, b = np.triu_indices(n_t, k=1)
    keep = both[a, b] >= min_support
    a, b = a[keep], b[keep]
    pairs = pd.DataFrame(
        {
            "tracker_a": np.asarray(names, dtype=object)[a],
            "tracker_b": np.asarray(names, dtype=object)[b],
            "tracker_id_a": table["tracker_id"].to_numpy()[a],
            "tracker_id_b": table["tracker_id"].to_numpy()[b],
            "with_a": with_t[a],
            "with_b": with_t[b],
            "both": both[a, b],
            "expected": expected[a, b],
            "jaccard": jaccard[a, b],
            "lift": lift[a, b],
        }
    )
    order = np.lexsort((b, a, -pairs["both"].to_numpy(), -pairs["lift"].to_numpy()))
    return CoOccurrence(
        pairs=pairs.iloc[order].reset_index(drop=True),
        counts=pd.DataFrame(both, index=axis, columns=other),
        jaccard=pd.DataFrame(jaccard, index=axis, columns=other),
        lift=pd.DataFrame(lift, index=axis, columns=other),
        n_conversations=n,
        min_support=min_support,
    )


# --------------------------------------------------------------------------- breakdowns


def hits_by_speaker(
    hits: pd.DataFrame,
    messages: pd.DataFrame | None = None,
    trackers: TrackersLike | None = None,
    *,
    by: str = "speaker_name",
    roles: Mapping[str, str] | Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """Hits per tracker and speaker (or role): who says what a tracker listens for.

    Parameters
    ----------
    hits : DataFrame
        The hits frame (``by`` must be one of its columns: ``speaker_name``, ``speaker_id``,
        ``speaker_email``).
    messages : DataFrame, optional
        The messages frame: adds each group's ``messages`` and ``hits_per_1000_messages``.
    trackers : TrackersLike, optional
        The account (its trackers in account order, those without hits too).
    by : str, default "speaker_name"
        The speaker column.
    roles : mapping or callable, optional
        Maps a value of ``by`` to a group (a role: ``"agent"``, ``"customer"``); values a
        mapping lacks, and missing speakers, are ``"(missing)"``.

    Returns
    -------
    DataFrame
        One row per tracker and group, every group for every tracker (zeros included):
        ``tracker_id``, ``tracker``, ``group``, ``hits``, ``conversations``, ``share``
        (of the tracker's hits), and with messages ``messages``, ``hits_per_1000_messages``;
        trackers in order, groups sorted.

    Examples
    --------
    >>> import trackerkit
    >>> hits = trackerkit.load_tracker_results("sample")
    >>> role = lambda email: "agent" if email.endswith("@acmecloud.example") else "customer"
    >>> table = hits_by_speaker(hits, by="speaker_email", roles=role)
    >>> table[table.tracker == "Greeting"][["group", "hits"]].to_dict("records")
    [{'group': 'agent', 'hits': 112}, {'group': 'customer', 'hits': 0}]
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits = _check_hits(hits)
    if not isinstance(by, str) or by not in hits.columns:
        raise InvalidParameterError(
            f"by must be a speaker column of the hits (speaker_name, speaker_id, speaker_email); got {by!r}",
            parameter="by",
        )
    if roles is not None and not (isinstance(roles, Mapping) or callable(roles)):
        raise InvalidParameterError(
            f"roles must map a speaker to a group, or be a function doing it; got {type(roles).__name__}",
            parameter="roles",
        )
    table = _tracker_table(hits, trackers)
    conv_index = _conversations(_check_messages(messages)).index if messages is not None else None
    kept = _restrict(hits, table["tracker_id"].tolist(), conv_index)

    def group_of(values: pd.Series) -> pd.Series:
        present = values.notna()
        raw = values.astype(object)
        if roles is None:
            out = raw
        elif isinstance(roles, Mapping):
            out = raw.map(lambda v: roles.get(v, _MISSING) if isinstance(v, str) else _MISSING)
        else:
            uniques = {v: roles(v) for v in raw[present].unique()}
            out = raw.map(lambda v: uniques.get(v, _MISSING))
        return out.where(present, _MISSING).astype(str)

    groups = group_of(kept[by])
    frame = pd.DataFrame(
        {"tracker_id": kept["tracker_id"].astype(str).to_numpy(), "group": groups.to_numpy()}
    )
    frame["conversation_id"] = kept["conversation_id"].astype(str).to_numpy()
    message_counts = None
    all_groups = set(frame["group"].unique())
    if messages is not None and by in messages.columns:
        message_counts = group_of(messages[by]).value_counts()
        all_groups |= set(message_counts.index)
    all_groups_sorted = sorted(all_groups)
    g = frame.groupby(["tracker_id", "group"])
    counts = g.size()
    convs = g["conversation_id"].nunique()
    index = pd.MultiIndex.from_product(
        [table["tracker_id"], all_groups_sorted], names=["tracker_id", "group"]
    )
    out = pd.DataFrame(
        {
            "hits": counts.reindex(index, fill_value=0).astype(np.int64),
            "conversations": convs.reindex(index, fill_value=0).astype(np.int64),
        }
    ).reset_index()
    out.insert(1, "tracker", np.repeat(table["tracker"].to_numpy(), len(all_groups_sorted)))
    total = out.groupby("tracker_id", sort=False)["hits"].transform("sum")
    out["share"] = out["hits"] / total.where(total > 0)
    if message_counts is not None:
        out["messages"] = out["group"].map(message_counts).fillna(0).astype(np.int64)
        out["hits_per_1000_messages"] = 1000 * out["hits"] / out["messages"].where(out["messages"] > 0)
    return out


def _conversation_groups(
    hits: pd.DataFrame, conv_group: pd.Series, table: pd.DataFrame, group_order: Sequence[Any]
) -> pd.DataFrame:
    """Per tracker and group (a label per conversation): conversations, with a hit, rate."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    conv = pd.DataFrame(index=conv_group.index)
    inc = _incidence(hits, table, conv)
    group_codes = pd.Categorical(conv_group.to_numpy(), categories=list(group_order)).codes
    n_g, n_t = len(group_order), len(table)
    per_group = np.bincount(group_codes[group_codes >= 0], minlength=n_g)
    g = group_codes[inc["c"]]
    ok = g >= 0
    hit = np.bincount(inc["t"][ok] * n_g + g[ok], minlength=n_t * n_g)
    out = pd.DataFrame(
        {
            "tracker_id": np.repeat(table["tracker_id"].to_numpy(), n_g),
            "tracker": np.repeat(table["tracker"].to_numpy(), n_g),
            "group": np.tile(np.asarray(list(group_order), dtype=object), n_t),
            "conversations": np.tile(per_group, n_t).astype(np.int64),
            "conversations_hit": hit.astype(np.int64),
        }
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        out["rate"] = out["conversations_hit"] / out["conversations"].where(out["conversations"] > 0)
    return out


def _period_starts(times: pd.Series, period: str) -> pd.Series:
    naive = times.dt.tz_convert("UTC").dt.tz_localize(None) if times.dt.tz is not None else times
    if period == "day":
        start = naive.dt.floor("D")
    elif period == "week":
        day = naive.dt.floor("D")
        start = day - _days(day.dt.day_of_week)
    else:
        start = naive.dt.to_period("M").dt.start_time
    return start.dt.tz_localize("UTC")


def _days(values: pd.Series) -> pd.Series:
    import pandas as pd  # lazy: heavy

    return pd.to_timedelta(values, unit="D")


def hits_by_period(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike | None = None,
    *,
    period: str = "week",
) -> HitTrend:
    """Conversations with a hit per tracker and period (a conversation's time is that of its
    first message), with each tracker's trend.

    Rates are shares of all the conversations of a period (not only those in the tracker's
    language), so trackers compare on one scale; conversations without a time are left out.
    Weeks start on Monday, UTC.

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> trend = hits_by_period(hits, messages)
    >>> trend.table["period_start"].nunique()
    10
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    period = check_choice("period", period, PERIODS)
    table = _tracker_table(hits, trackers)
    conv = _conversations(messages)
    kept = _restrict(hits, table["tracker_id"].tolist(), conv.index)
    timed = conv[conv["start_time"].notna()]
    if not len(timed):
        raise TrackerDataError("no conversation has a time (start_time): there is no period to count in")
    starts = _period_starts(timed["start_time"], period)
    freq = {"day": "D", "week": "W-MON", "month": "MS"}[period]
    every = pd.date_range(starts.min(), starts.max(), freq=freq)
    kept = kept[kept["conversation_id"].astype(str).isin(timed.index).to_numpy()]
    out = _conversation_groups(kept, starts, table, list(every))
    out = out.rename(columns={"group": "period_start"})
    out["period_start"] = (
        pd.to_datetime(out["period_start"]).dt.tz_convert("UTC") if len(out) else out["period_start"]
    )
    n_p = len(every)
    x = np.arange(n_p, dtype=float)
    trend_rows = []
    half = n_p // 2
    for t, (tracker_id, name) in enumerate(zip(table["tracker_id"], table["tracker"])):
        block = out.iloc[t * n_p : (t + 1) * n_p]
        w = block["conversations"].to_numpy(dtype=float)
        y = block["rate"].fillna(0).to_numpy()
        hit = block["conversations_hit"].to_numpy()
        slope = math.nan
        if (w > 0).sum() >= 2:
            mean_x = np.average(x, weights=w)
            mean_y = np.average(y, weights=w)
            var = np.sum(w * (x - mean_x) ** 2)
            slope = float(np.sum(w * (x - mean_x) * (y - mean_y)) / var) if var > 0 else math.nan
        first_n, last_n = w[:half].sum(), w[half:].sum()
        trend_rows.append(
            (
                tracker_id,
                name,
                slope,
                hit[:half].sum() / first_n if first_n else math.nan,
                hit[half:].sum() / last_n if last_n else math.nan,
                int(hit.sum()),
            )
        )
    trend = pd.DataFrame.from_records(
        trend_rows, columns=["tracker_id", "tracker", "slope", "first_rate", "last_rate", "conversations_hit"]
    )
    return HitTrend(table=out, trend=trend, period=period)


def rate_change(
    hits: pd.DataFrame, messages: pd.DataFrame, at: Any, trackers: TrackersLike | None = None
) -> pd.DataFrame:
    """Per tracker, the share of conversations with a hit before ``at`` and from ``at`` on
    (a conversation's time is that of its first message; ``at`` a date or time, UTC when it has
    no zone), with the difference and Fisher's exact test (two-sided p-value).

    Rows: ``tracker_id``, ``tracker``, ``conversations_before``, ``hit_before``, ``rate_before``,
    ``conversations_after``, ``hit_after``, ``rate_after``, ``difference``, ``p_value``; the
    largest rise first, then the smallest p-value, then account order.

    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> table = rate_change(hits, messages, "2026-07-06")
    >>> first = table.iloc[0]
    >>> first.tracker, int(first.hit_before), int(first.hit_after)
    ('Competitor Mention', 2, 13)
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    from scipy.stats import fisher_exact  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    try:
        moment = pd.Timestamp(at)
    except (ValueError, TypeError):
        raise InvalidParameterError(f"at must be a date or a time; got {at!r}", parameter="at") from None
    if moment is pd.NaT or not isinstance(moment, pd.Timestamp):
        raise InvalidParameterError(f"at must be a date or a time; got {at!r}", parameter="at")
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    table = _tracker_table(hits, trackers)
    conv = _conversations(messages)
    kept = _restrict(hits, table["tracker_id"].tolist(), conv.index)
    timed = conv[conv["start_time"].notna()]
    side = pd.Series(np.where(timed["start_time"] >= moment, "after", "before"), index=timed.index)
    kept = kept[kept["conversation_id"].astype(str).isin(timed.index).to_numpy()]
    groups = _conversation_groups(kept, side, table, ["before", "after"])
    before = groups[groups["group"] == "before"].reset_index(drop=True)
    after = groups[groups["group"] == "after"].reset_index(drop=True)
    out = pd.DataFrame(
        {
            "tracker_id": table["tracker_id"],
            "tracker": table["tracker"],
            "conversations_before": before["conversations"],
            "hit_before": before["conversations_hit"],
            "rate_before": before["rate"],
            "conversations_after": after["conversations"],
            "hit_after": after["conversations_hit"],
            "rate_after": after["rate"],
        }
    )
    out["difference"] = out["rate_after"] - out["rate_before"]
    p_values = []
    for hb, nb, ha, na in zip(
        out["hit_before"], out["conversations_before"], out["hit_after"], out["conversations_after"]
    ):
        if nb == 0 or na == 0:
            p_values.append(math.nan)
        else:
            p_values.append(float(fisher_exact([[ha, na - ha], [hb, nb - hb]])[1]))
    out["p_value"] = p_values
    order = np.lexsort(
        (np.arange(len(out)), out["p_value"].fillna(2).to_numpy(), -out["difference"].fillna(-2).to_numpy())
    )
    return out.iloc[order].reset_index(drop=True)


def hits_by_attribute(
    hits: pd.DataFrame,
    conversations: pd.DataFrame,
    column: str,
    trackers: TrackersLike | None = None,
) -> pd.DataFrame:
    """Conversations with a hit per tracker and value of a conversation attribute.

    Parameters
    ----------
    hits : DataFrame
        The hits frame.
    conversations : DataFrame
        One row per conversation (or per message: the first value of each conversation is
        taken), with ``conversation_id`` and ``column`` (team, channel, customer tier...):
        every conversation the hits were looked for in.
    column : str
        The attribute; missing values form the group ``"(missing)"``.

    Returns
    -------
    DataFrame
        ``tracker_id``, ``tracker``, ``value`` (the attribute's), ``conversations``,
        ``conversations_hit``, ``rate``; trackers in order, values sorted (as strings).

    Examples
    --------
    >>> import pandas as pd, trackerkit
    >>> hits = trackerkit.load_tracker_results("sample")
    >>> calls = pd.DataFrame({"conversation_id": hits["conversation_id"].unique(), "team": "sales"})
    >>> int(hits_by_attribute(hits, calls, "team")["conversations"].iloc[0])
    114
    """
    import pandas as pd  # lazy: heavy

    hits = _check_hits(hits)
    if not isinstance(conversations, pd.DataFrame) or "conversation_id" not in conversations.columns:
        raise InvalidParameterError(
            "conversations must be a DataFrame with a conversation_id column", parameter="conversations"
        )
    if not isinstance(column, str) or column not in conversations.columns:
        raise InvalidParameterError(
            f"column must be a column of conversations ({', '.join(map(str, conversations.columns))}); "
            f"got {column!r}",
            parameter="column",
        )
    table = _tracker_table(hits, trackers)
    values = conversations.assign(conversation_id=conversations["conversation_id"].astype(str))
    values = values.groupby("conversation_id", sort=False)[column].first()
    labels = values.astype(object).where(values.notna(), _MISSING).astype(str)
    kept = _restrict(hits, table["tracker_id"].tolist(), labels.index)
    out = _conversation_groups(kept, labels, table, sorted(labels.unique()))
    return out.rename(columns={"group": "value"})


# --------------------------------------------------------------------------- before / after


def compare_versions(
    before: TrackersLike,
    after: TrackersLike,
    messages: Any,
    *,
    by_meaning: bool = False,
    examples: int = 3,
    **replay_options: Any,
) -> VocabularyChange:
    """Replay two versions of an account over the same messages: what the change gains and loses.

    ``before`` and ``after`` are anything :func:`trackerkit.load_trackers` accepts (two
    snapshots, an account and an edited frame); trackers are paired by id. Messages a tracker
    fires in only after the change are ``gained``, only before ``lost``. ``by_meaning`` (default
    False: a vocabulary change is about wording) and ``replay_options`` go to the replay.

    >>> import trackerkit
    >>> account = trackerkit.load_trackers("sample")
    >>> edited = account.copy()
    >>> row = int((edited["name"] == "Greeting").to_numpy().argmax())
    >>> edited.at[row, "vocabulary"] = [p for p in edited.at[row, "vocabulary"] if p != "good morning"]
    >>> change = compare_versions(account, edited, "sample")
    >>> change.trackers.set_index("tracker").loc["Greeting", "status"]
    'changed'
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    examples = check_count("examples", examples, minimum=0)
    _, old = prepare(before)
    _, new = prepare(after)
    frame = _as_messages_frame(messages)
    hits_old = replay(old, frame, by_meaning=by_meaning, **replay_options)
    hits_new = replay(new, frame, by_meaning=by_meaning, **replay_options)
    old_vocab = {str(i): list(v) for i, v in zip(old["tracker_id"], old["vocabulary"])}
    new_vocab = {str(i): list(v) for i, v in zip(new["tracker_id"], new["vocabulary"])}
    names = {str(i): str(n) for i, n in zip(old["tracker_id"], old["name"])}
    names.update({str(i): str(n) for i, n in zip(new["tracker_id"], new["name"])})
    ids = [str(i) for i in new["tracker_id"]] + [str(i) for i in old["tracker_id"] if str(i) not in new_vocab]

    def keyed(hits: pd.DataFrame) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "tracker_id": hits["tracker_id"].astype(str).to_numpy(),
                "conversation_id": hits["conversation_id"].astype(str).to_numpy(),
                "message_id": hits["message_id"].astype(str).to_numpy(),
                "norm": hits["value"].astype(str).map(normalize_phrase).to_numpy(),
                "value": hits["value"].astype(str).to_numpy(),
            }
        )

    a, b = keyed(hits_old), keyed(hits_new)
    msg_a = a.drop_duplicates(["tracker_id", "conversation_id", "message_id"])
    msg_b = b.drop_duplicates(["tracker_id", "conversation_id", "message_id"])
    merged = msg_a.merge(
        msg_b, on=["tracker_id", "conversation_id", "message_id"], how="outer", indicator=True
    )
    side = merged["_merge"].map({"left_only": "lost", "right_only": "gained", "both": "both"})
    merged["side"] = side.astype(str)
    keys = ["tracker_id", "conversation_id", "message_id"]
    before_n = msg_a.groupby("tracker_id").size()
    after_n = msg_b.groupby("tracker_id").size()
    before_c = msg_a.groupby("tracker_id")["conversation_id"].nunique()
    after_c = msg_b.groupby("tracker_id")["conversation_id"].nunique()
    moved = merged[merged["side"] != "both"]
    moved_n = moved.groupby(["tracker_id", "side"]).size()
    shown = moved.groupby(["tracker_id", "side"], sort=False).head(examples)
    values_a = a.groupby(keys, sort=False)["value"].agg("; ".join)
    values_b = b.groupby(keys, sort=False)["value"].agg("; ".join)
    text_of = frame.assign(
        conversation_id=frame["conversation_id"].astype(str), message_id=frame["message_id"].astype(str)
    ).set_index(["conversation_id", "message_id"])["text"]
    by_tracker = {t: part for t, part in shown.groupby("tracker_id", sort=False)}
    rows, example_rows = [], []
    for tracker_id in ids:
        in_old, in_new = tracker_id in old_vocab, tracker_id in new_vocab
        norms_old = set(first_occurrences(old_vocab.get(tracker_id, [])))
        norms_new = set(first_occurrences(new_vocab.get(tracker_id, [])))
        if not in_old:
            status = "added"
        elif not in_new:
            status = "removed"
        else:
            status = "unchanged" if norms_old == norms_new else "changed"
        rows.append(
            (
                tracker_id,
                names[tracker_id],
                status,
                int(before_n.get(tracker_id, 0)),
                int(after_n.get(tracker_id, 0)),
                int(moved_n.get((tracker_id, "gained"), 0)),
                int(moved_n.get((tracker_id, "lost"), 0)),
                int(before_c.get(tracker_id, 0)),
                int(after_c.get(tracker_id, 0)),
                len(norms_new - norms_old),
                len(norms_old - norms_new),
            )
        )
        part = by_tracker.get(tracker_id)
        if part is None:
            continue
        for which in ("gained", "lost"):
            chosen = part[part["side"] == which]
            source = values_b if which == "gained" else values_a
            for conv_id, msg_id in zip(chosen["conversation_id"], chosen["message_id"]):
                example_rows.append(
                    (
                        tracker_id,
                        names[tracker_id],
                        which,
                        conv_id,
                        msg_id,
                        source[(tracker_id, conv_id, msg_id)],
                        text_of[(conv_id, msg_id)],
                    )
                )
    trackers_out = pd.DataFrame.from_records(
        rows,
        columns=[
            "tracker_id",
            "tracker",
            "status",
            "messages_before",
            "messages_after",
            "gained",
            "lost",
            "conversations_before",
            "conversations_after",
            "phrases_added",
            "phrases_removed",
        ],
    )
    count_a = a.groupby(["tracker_id", "norm"]).size()
    count_b = b.groupby(["tracker_id", "norm"]).size()
    phrase_rows = []
    for tracker_id in ids:
        listed_old = first_occurrences(old_vocab.get(tracker_id, []))
        listed_new = first_occurrences(new_vocab.get(tracker_id, []))
        for norm in list(listed_new) + [n for n in listed_old if n not in listed_new]:
            status = (
                "kept"
                if norm in listed_old and norm in listed_new
                else "added"
                if norm in listed_new
                else "removed"
            )
            spelled = (listed_new.get(norm) or listed_old[norm])[1]
            ha = int(count_a.get((tracker_id, norm), 0))
            hb = int(count_b.get((tracker_id, norm), 0))
            if status != "kept" or ha != hb:
                phrase_rows.append((tracker_id, names[tracker_id], spelled, status, ha, hb, hb - ha))
    phrases_out = pd.DataFrame.from_records(
        phrase_rows,
        columns=["tracker_id", "tracker", "phrase", "status", "hits_before", "hits_after", "change"],
    )
    examples_out = pd.DataFrame.from_records(
        example_rows,
        columns=["tracker_id", "tracker", "side", "conversation_id", "message_id", "phrases", "text"],
    )
    for column in ("messages_before", "messages_after", "gained", "lost"):
        trackers_out[column] = trackers_out[column].astype(np.int64)
    return VocabularyChange(trackers=trackers_out, phrases=phrases_out, examples=examples_out)


# --------------------------------------------------------------------------- suggestions

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)*", re.UNICODE)
#: Words an n-gram may not start or end with (it would be a fragment, not a phrase).
_EDGE_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "has",
        "have",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "so",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "you",
        "your",
        "uh",
        "um",
        "yeah",
        "okay",
        "ok",
    ]
)


def _ngrams(text: str, sizes: range) -> set[str]:
    words = [w.casefold() for w in _WORD.findall(text)]
    out = set()
    for n in sizes:
        for i in range(len(words) - n + 1):
            gram = words[i : i + n]
            if gram[0] in _EDGE_STOP or gram[-1] in _EDGE_STOP:
                continue
            out.add(" ".join(gram))
    return out


def suggest_phrases(
    hits: pd.DataFrame,
    messages: pd.DataFrame,
    trackers: TrackersLike,
    tracker: TrackerKey,
    *,
    ngram_range: tuple[int, int] = (2, 6),
    min_support: int = 2,
    min_score: float = 0.5,
    max_messages: int = 20000,
    k: int = 20,
    examples: int = 3,
) -> pd.DataFrame:
    """Candidate new phrases for ``tracker``: frequent word n-grams its vocabulary lacks.

    The n-grams come from the messages where the tracker fired by meaning (its wording missed
    them) and from uncaught messages near its vocabulary: a TF-IDF cosine (that of matches by
    meaning) of at least ``min_score`` with one of its phrases (at most ``max_messages``
    uncaught messages, drawn at random with a fixed seed, are scored). An n-gram that
    starts or ends with a function word ("the", "to", "you" ...) is a fragment and left out, as is
    one the vocabulary already contains (normalized, as a phrase or inside one), and one inside a
    longer n-gram with the same support (the longer one is listed).

    Returns
    -------
    DataFrame
        At most ``k`` rows: ``phrase``, ``support`` (messages containing it), ``from_meaning``
        and ``from_uncaught`` (of them), ``examples`` (up to ``examples`` distinct message
        texts, joined by " | "); most support first, then longer n-grams, then alphabetical.

    Examples
    --------
    >>> import trackerkit
    >>> hits, messages = trackerkit.load_tracker_results("sample"), trackerkit.load_conversations("sample")
    >>> table = suggest_phrases(hits, messages, "sample", "Decision Maker", min_support=2)
    >>> list(table.columns)
    ['phrase', 'support', 'from_meaning', 'from_uncaught', 'examples']
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    hits, messages = _check_hits(hits), _check_messages(messages)
    low, high = check_ngram_range("ngram_range", ngram_range, allow_none=False)  # type: ignore[misc]
    min_support = check_count("min_support", min_support)
    min_score = check_fraction("min_score", min_score, allow_zero=True)
    k = check_count("k", k)
    examples = check_count("examples", examples, minimum=0)
    account, _ = prepare(trackers)
    position = resolve_key(account, tracker)
    tracker_id = str(account["tracker_id"].iloc[position])
    vocabulary = list(account["vocabulary"].iloc[position])
    table = _tracker_table(hits, account)
    texts = messages["text"].fillna("").astype(str)
    mine = hits[
        (hits["tracker_id"].astype(str) == tracker_id).to_numpy() & (hits["match"] != "literal").to_numpy()
    ]
    from_meaning = np.flatnonzero(_message_mask(messages, mine))
    caught = _message_mask(messages, _restrict(hits, table["tracker_id"].tolist(), None))
    candidates = _draw(np.flatnonzero(~caught), texts, max_messages, 0)
    from_uncaught = np.zeros(0, np.int64)
    if len(candidates):
        scorer, groups, phrases = _phrase_scorer(table)
        mine_phrases = [p for p, g in zip(phrases, groups) if g == position]
        if mine_phrases:
            distinct, inverse = np.unique(
                texts.iloc[candidates].to_numpy(dtype=object).astype(str), return_inverse=True
            )
            vectors = scorer.transform(distinct.tolist())
            best = (vectors @ scorer.transform(mine_phrases).T).max(axis=1).toarray().ravel()
            from_uncaught = candidates[best[inverse] >= min_score]
    known = [normalize_phrase(p) for p in vocabulary]
    sizes = range(low, high + 1)
    support: Counter[str] = Counter()
    source: dict[str, list[str]] = {}  # distinct example texts, in message order
    meaning_count: Counter[str] = Counter()
    for origin, rows in (("meaning", from_meaning), ("uncaught", from_uncaught)):
        said = Counter(texts.iloc[rows].tolist())  # each distinct text once, with its count
        for text, times in said.items():
            for gram in _ngrams(text, sizes):
                support[gram] += times
                source.setdefault(gram, []).append(text)
                if origin == "meaning":
                    meaning_count[gram] += times
    frequent = {gram: n for gram, n in support.items() if n >= min_support}
    by_support: dict[int, list[str]] = {}
    for gram, n in frequent.items():
        by_support.setdefault(n, []).append(f" {gram} ")
    records = []
    for gram, n in frequent.items():
        padded = f" {gram} "
        if any(len(longer) > len(padded) and padded in longer for longer in by_support[n]):
            continue  # a longer n-gram said in the same messages says more
        norm = normalize_phrase(gram)
        if any(re.search(rf"(?<!\w){re.escape(norm)}(?!\w)", phrase) for phrase in known):
            continue
        shown = " | ".join(list(dict.fromkeys(source[gram]))[:examples])
        records.append((gram, n, meaning_count[gram], n - meaning_count[gram], shown))
    records.sort(key=lambda r: (-r[1], -len(r[0].split()), r[0]))
    return pd.DataFrame.from_records(
        records[:k], columns=["phrase", "support", "from_meaning", "from_uncaught", "examples"]
    )
