"""Replay tracker vocabularies over transcripts, offline: which trackers fire where.

Symbl reports hits only for conversations processed after a tracker existed; the replay answers
the same question on any transcripts, for any vocabulary (a draft, an old version, another
account's).

**Literal matches** follow Symbl's documented behaviour with trackerkit's normalization. A
phrase matches a message when its normalized form (:func:`trackerkit.frames.normalize_phrase`:
NFKC, case-folded, whitespace collapsed, punctuation stripped from its ends) occurs in the
message's folded text (NFKC, case-folded, whitespace collapsed) with no word character (letter,
digit, ``_`` or combining mark) right before or after it. There is one hit per message, tracker
and phrase as written (a phrase listed twice is reported once), at the phrase's first occurrence,
like Symbl's ``messageRefs``. ``offset`` is a character position in the *original* text and
``matched_text`` the original characters, so ``text[offset:offset + len(matched_text)] ==
matched_text`` even when normalization changed lengths (``"ﬁ"``, ``"ß"``, ``"İ"``, combining
accents); a match that begins or ends inside what one original character became covers that
character. Matching is accent-sensitive (``"cafe"`` does not match ``"café"``). Phrases are
found with an Aho-Corasick automaton (``ahocorasick-rs``), all of them in one pass.

**Languages**: a tracker that declares ``languages`` fires only on messages whose ``language`` is
one of them, when the message's language is known. Codes compare case-insensitively (``_`` as
``-``), and a bare language matches its regional forms (``"en"`` ~ ``"en-US"``).

**Matches by meaning** (``by_meaning=True``): for each message and each tracker without a
literal match in it, the tracker's phrase most similar to the message (a
:class:`~trackerkit.analysis._scoring.Scorer`; by default the toolkit's TF-IDF similarity,
:class:`~trackerkit.analysis._scoring.TfidfScorer`) is reported when its score is at least
``threshold``, with ``offset`` -1 and an empty ``matched_text``; ties go to the phrase listed
first. The default threshold, :data:`trackerkit.constants.DEFAULT_MEANING_THRESHOLD` (0.65), is the
one that agrees best with Symbl on the sample conversations (:func:`compare_hits` against their
stored results): of the thresholds 0.05, 0.10, ..., 0.95 it has the best F1 of the matches by
meaning, which is low (0.09: precision 0.10, recall 0.08 against Symbl's 109 matches by meaning).
Character n-grams find reworded and misspelt phrases ("please end my subscription" for the
tracker's "please end my subscripton"), not paraphrases in other words ("where do we go from
here" for "what are the next steps"), which Symbl's contextual matcher finds; and short
messages that share a phrase's rarest word ("Great." and "this is great") score high. Plug a
better similarity in through ``scorer``; literal matches agree with Symbl exactly.
:class:`~trackerkit.analysis._scoring.EmbeddingScorer` (the ``semantic`` extra) scores by
meaning with sentence embeddings; with it the default threshold is its own,
:data:`trackerkit.constants.DEFAULT_EMBEDDING_MEANING_THRESHOLD` (0.70), calibrated the same
way. It agrees with Symbl's matches by meaning only a little better (F1 0.099: precision 0.11,
recall 0.09, against TF-IDF's 0.089; see ``benchmarks/bench_embedding.py``): it does find
paraphrases in other words, but a message scores 0.6-0.7 with many related phrases of other
trackers, so one threshold cannot keep the first and drop the second. ``threshold=None`` (the
default) takes the scorer's ``default_threshold`` when it has one, else
``DEFAULT_MEANING_THRESHOLD``.

**Order**: hits follow the order of the messages (the loaders return them grouped by
conversation, in conversation and message order), then trackers in account order, then
``offset``, then the phrase's position in the vocabulary (stable sorts throughout).

**Scale**: ``messages`` may be a Dask DataFrame (``pip install "trackerkit[dask]"``); the result
is then a Dask DataFrame of hits computed by the same function on each partition (each
partition's index starts at 0)::

    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster  # or your cluster's scheduler address
    # large temporary arrays: let glibc tune malloc, and no statistical profiler on the workers
    dask.config.set({"distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                     "distributed.worker.profile.enabled": False})
    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    messages = dd.read_parquet("transcripts/")    # columns as in the messages frame
    hits = trackerkit.replay(trackers, messages, by_meaning=False)
    hits.to_parquet("hits/")                      # or hits.compute() when it fits in memory

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Pricing", "vocabulary": ["how much does it cost", "the price"]},
    ...     {"id": "2", "name": "Greeting", "vocabulary": ["good morning", "hello there"]},
    ... ]
    >>> text = "Hello there! How much does it COST?"
    >>> messages = [{"conversation_id": "c1", "message_id": "m1", "text": text}]
    >>> hits = replay(account, messages, by_meaning=False)
    >>> hits[["tracker_name", "value", "offset", "matched_text"]]
      tracker_name                  value  offset           matched_text
    0      Pricing  how much does it cost      13  How much does it COST
    1     Greeting            hello there       0            Hello there
    >>> would_trigger(account, "asdf").empty
    True
"""

from __future__ import annotations

import hashlib
import itertools
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import ahocorasick_rs

from trackerkit._folding import fold_with_offsets, is_identity_fold, is_word_char
from trackerkit._validation import check_bool, check_fraction
from trackerkit.analysis._common import prepare
from trackerkit.analysis._results import HitComparison
from trackerkit.analysis._scoring import Scorer, TfidfScorer
from trackerkit.analysis._vectorize import ragged_arange
from trackerkit.constants import (
    COMPARISON_COLUMNS,
    DEFAULT_MEANING_THRESHOLD,
    HIT_COLUMNS,
    HIT_STATUSES,
    MATCH_KINDS,
    MESSAGE_COLUMNS,
    TRIGGER_COLUMNS,
)
from trackerkit.conversation_frames import TIME_DTYPE, as_strings, empty_hits_frame, messages_frame
from trackerkit.conversation_loading import load_conversations
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    from trackerkit._typing import TrackersLike

__all__ = ["Replayer", "compare_hits", "replay", "would_trigger"]

#: Scores computed at once by the by-meaning pass (texts x phrases), to bound memory.
_SCORE_CELLS = 1 << 21
#: Characters folded and scanned at once by the literal pass, to bound memory on big inputs.
_SCAN_CHARS = 1 << 24
# ASCII characters that make a message need folding with a map: whitespace other than " "
_LOOSE = frozenset((9, 10, 11, 12, 13, 28, 29, 30, 31))


@lru_cache(maxsize=1)
def _ascii_tables() -> tuple[np.ndarray, np.ndarray]:
    """Which ASCII characters are word characters, and which characters make a message need
    folding with a map (whitespace other than " ", anything non-ASCII: index 128)."""
    import numpy as np  # lazy: heavy

    word = np.array([is_word_char(chr(c)) for c in range(128)], dtype=bool)
    special = np.zeros(129, dtype=bool)  # index 128: any non-ASCII character
    special[list(_LOOSE)] = True
    special[128] = True
    return word, special


def _word_mask(codes: np.ndarray) -> np.ndarray:
    """Which code points are word characters (:func:`trackerkit._folding.is_word_char`)."""
    import numpy as np  # lazy: heavy

    ascii_word, _ = _ascii_tables()
    out = np.zeros(len(codes), dtype=bool)
    small = codes < 128
    out[small] = ascii_word[codes[small]]
    if not small.all():
        unique, inverse = np.unique(codes[~small], return_inverse=True)
        out[~small] = np.fromiter((is_word_char(chr(int(c))) for c in unique), dtype=bool, count=len(unique))[
            inverse
        ]
    return out


def _codes(text: str) -> np.ndarray:
    import numpy as np  # lazy: heavy

    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


class _Texts:
    """Message texts joined by newlines, with each one's length and start: a batch of messages
    as one string (no Python object per message), sliced only where a message is needed."""

    def __init__(self, joined: str, lengths: np.ndarray) -> None:
        import numpy as np  # lazy: heavy

        self.joined = joined
        self.lengths = lengths
        self.bases = np.zeros(len(lengths), dtype=np.int64)
        if len(lengths) > 1:
            self.bases[1:] = np.cumsum(lengths + 1)[:-1]

    @classmethod
    def of(cls, texts: Any) -> _Texts:
        """From a list of strings or a pandas string Series (missing texts are empty)."""
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        if isinstance(texts, pd.Series):
            arrow = _arrow_strings(texts)
            if arrow is not None:
                return arrow
            texts = texts.fillna("").astype("str").tolist()
        return cls("\n".join(texts), np.fromiter(map(len, texts), dtype=np.int64, count=len(texts)))

    def __len__(self) -> int:
        return len(self.lengths)

    def text(self, m: int) -> str:
        start = int(self.bases[m])
        return self.joined[start : start + int(self.lengths[m])]

    def texts(self) -> list[str]:
        return [self.text(m) for m in range(len(self))]

    def batch(self, first: int, last: int) -> _Texts:
        if first == 0 and last == len(self):
            return self
        start = int(self.bases[first])
        end = int(self.bases[last - 1] + self.lengths[last - 1])
        return _Texts(self.joined[start:end], self.lengths[first:last])


def _arrow_strings(texts: pd.Series) -> _Texts | None:
    """The texts of a pyarrow-backed string Series joined by pyarrow (no Python string per
    message), or None for other storage."""
    import numpy as np  # lazy: heavy

    try:
        import pyarrow as pa  # lazy: heavy (optional)
        import pyarrow.compute as pc  # lazy: heavy (optional)
    except ImportError:  # pragma: no cover - pandas strings are then Python objects
        return None
    if getattr(texts.dtype, "storage", None) != "pyarrow":
        return None
    array = pa.array(texts.array)
    if isinstance(array, pa.ChunkedArray):
        array = array.combine_chunks()
    array = array.fill_null("")
    lengths = np.asarray(pc.utf8_length(array).to_numpy(zero_copy_only=False), dtype=np.int64)
    if len(array) == 0:
        return _Texts("", lengths)
    whole = pa.ListArray.from_arrays(pa.array([0, len(array)], pa.int32()), array)
    joined = pc.binary_join(whole, pa.scalar("\n", array.type))[0].as_py()
    return _Texts(joined, lengths)


class _Corpus:
    """The folded texts of a batch of messages, joined by newlines (which folded text never
    holds), with where each message starts and, for the few messages folding moved characters
    in, the map back to the original.

    ``text`` is the folded corpus, ``data`` its UTF-8 bytes (what the automaton scans) and
    ``codes`` its code points (a zero-copy view of ``data`` when it is ASCII, the usual case).
    """

    def __init__(self, texts: _Texts) -> None:
        import numpy as np  # lazy: heavy

        n = len(texts)
        lengths = texts.lengths
        joined = texts.joined
        raw_bases = texts.bases
        self.ascii = joined.isascii()
        if self.ascii:  # the usual case: any control character is a candidate (cheap to test)
            codes = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
            special = codes < 32
        else:
            codes = _codes(joined)
            _, special_table = _ascii_tables()
            special = special_table[np.minimum(codes, 128)]
        special[raw_bases[1:] - 1] = False  # the separators
        positions = np.flatnonzero(special)
        space = codes == 32
        doubled = np.flatnonzero(space[:-1] & space[1:])
        flagged = np.searchsorted(raw_bases, np.concatenate([positions, doubled]), side="right") - 1
        nonempty = np.flatnonzero(lengths > 0)
        ends = raw_bases[nonempty] + lengths[nonempty] - 1
        edges = nonempty[space[raw_bases[nonempty]] | space[ends]]
        candidates = np.unique(np.concatenate([flagged, edges]))
        self.maps: dict[int, Any] = {}
        for m in candidates.tolist():
            if not is_identity_fold(texts.text(m)):
                self.maps[m] = fold_with_offsets(texts.text(m))
        folded_lengths = lengths.copy()
        if not self.maps:
            self.text = joined.lower() if self.ascii else joined.casefold()
        else:
            pieces = []
            previous = 0
            for m in sorted(self.maps):
                start = int(raw_bases[m])
                pieces.append(joined[previous:start].casefold())
                pieces.append(self.maps[m].text)
                folded_lengths[m] = len(self.maps[m].text)
                previous = start + int(lengths[m])
            pieces.append(joined[previous:].casefold())
            self.text = "".join(pieces)
            self.ascii = self.text.isascii()
        if self.ascii:
            self.data = self.text.encode("ascii")
            self.codes = np.frombuffer(self.data, dtype=np.uint8)
        else:
            self.data = self.text.encode("utf-8", "surrogatepass")
            self.codes = _codes(self.text)
        self.lengths = folded_lengths
        self.bases = np.zeros(n, dtype=np.int64)
        if n > 1:
            self.bases[1:] = np.cumsum(folded_lengths + 1)[:-1]


# --------------------------------------------------------------------------- the automaton


def _build(keys: Sequence[str]) -> Any:
    encoded = "\n".join(keys).encode("utf-8", "surrogatepass").split(b"\n")  # keys hold no newline
    return ahocorasick_rs.BytesAhoCorasick(
        encoded, implementation=ahocorasick_rs.Implementation.ContiguousNFA
    )


def _scan(automaton: Any, corpus: _Corpus, key_lengths: np.ndarray) -> np.ndarray:
    """Every occurrence of every key in the corpus, overlapping ones included: rows ``(key,
    start, end)`` in characters."""
    import numpy as np  # lazy: heavy

    found = automaton.find_matches_as_indexes(corpus.data, overlapping=True)
    out = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=3 * len(found))
    out = out.reshape(-1, 3)
    if len(out) and not corpus.ascii:  # byte offsets -> character offsets
        lead = (np.frombuffer(corpus.data, dtype=np.uint8) & 0xC0) != 0x80
        char_of_byte = np.cumsum(lead) - 1
        out[:, 1] = char_of_byte[out[:, 1]]
        out[:, 2] = char_of_byte[out[:, 2] - 1] + 1
    return out


#: Aho-Corasick libraries the literal pass can use: name -> ``(build(keys), scan(automaton,
#: corpus, key_lengths))``. ahocorasick-rs, the default, was chosen by
#: ``benchmarks/bench_replay.py``, which registers pyahocorasick here to measure both.
ENGINES: dict[str, tuple[Callable[..., Any], Callable[..., np.ndarray]]] = {"ahocorasick-rs": (_build, _scan)}
ENGINE = "ahocorasick-rs"
_AUTOMATA: OrderedDict[tuple[str, str], Any] = OrderedDict()
_AUTOMATA_LOCK = threading.Lock()


def _automaton(keys: Sequence[str], digest: str, engine: str) -> Any:
    """An Aho-Corasick automaton of ``keys``, built once per process (a worker of a cluster
    builds each account's automaton once, however many partitions it replays)."""
    with _AUTOMATA_LOCK:
        found = _AUTOMATA.get((engine, digest))
        if found is not None:
            _AUTOMATA.move_to_end((engine, digest))
            return found
    built = ENGINES[engine][0](keys)
    with _AUTOMATA_LOCK:
        _AUTOMATA[(engine, digest)] = built
        while len(_AUTOMATA) > 4:
            _AUTOMATA.popitem(last=False)
    return built


# --------------------------------------------------------------------------- languages


def _language_parts(code: str) -> tuple[str, str]:
    normal = code.strip().casefold().replace("_", "-")
    primary, _, rest = normal.partition("-")
    return primary, rest


def languages_match(message_language: str, tracker_languages: Iterable[str]) -> bool:
    """Whether a message in ``message_language`` may fire a tracker declaring
    ``tracker_languages`` (see the module docs).

        >>> languages_match("en-US", ["en"]), languages_match("es-ES", ["en-US"])
        (True, False)
    """
    primary, region = _language_parts(message_language)
    for declared in tracker_languages:
        other_primary, other_region = _language_parts(declared)
        if primary == other_primary and (region == other_region or not region or not other_region):
            return True
    return False


# --------------------------------------------------------------------------- the replayer


class Replayer:
    """Tracker vocabularies fitted once, to replay over many transcripts or preview many texts.

    Parameters
    ----------
    trackers : TrackersLike
        The account: anything :func:`trackerkit.load_trackers` accepts.
    by_meaning : bool, default True
        Also report matches by meaning (see the module docs).
    threshold : float, optional
        The least score, in (0, 1], of a match by meaning; by default the scorer's
        ``default_threshold`` if it has one (:class:`EmbeddingScorer`: 0.70), else
        :data:`trackerkit.constants.DEFAULT_MEANING_THRESHOLD` (0.65, :class:`TfidfScorer`'s).
    scorer : Scorer, optional
        The similarity of matches by meaning; a fresh :class:`TfidfScorer` by default
        (``EmbeddingScorer()``: by sentence embeddings). It is fitted here on the trackers'
        phrases.

    The automaton and the scorer are built once; :meth:`replay` and :meth:`would_trigger` reuse
    them (a widget answers each keystroke without refitting). A replayer pickles (to Dask
    workers) without its automaton, which each process rebuilds once.
    """

    def __init__(
        self,
        trackers: TrackersLike,
        *,
        by_meaning: bool = True,
        threshold: float | None = None,
        scorer: Scorer | None = None,
    ) -> None:
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        self.by_meaning = check_bool("by_meaning", by_meaning)
        if scorer is not None and not isinstance(scorer, Scorer):
            raise InvalidParameterError(
                "scorer must have fit(phrases, groups) and score(texts) methods; "
                f"got {type(scorer).__name__}",
                parameter="scorer",
            )
        self.threshold = check_fraction(
            "threshold", default_threshold(scorer) if threshold is None else threshold
        )
        frame, _ = prepare(trackers)
        self.tracker_ids = [str(t) for t in frame["tracker_id"]]
        self.tracker_names = [str(n) for n in frame["name"]]
        self.tracker_languages = [
            tuple(languages) if isinstance(languages, (list, tuple, np.ndarray)) and len(languages) else None
            for languages in frame["languages"]
        ]
        # every phrase of every tracker, flat: (tracker, position, phrase as written, normalized)
        vocabularies = list(frame["vocabulary"])
        sizes = np.fromiter(map(len, vocabularies), dtype=np.int64, count=len(vocabularies))
        phrases = np.asarray(list(itertools.chain.from_iterable(vocabularies)), dtype=object)
        tracker = np.repeat(np.arange(len(vocabularies), dtype=np.int64), sizes)
        position = np.arange(len(phrases), dtype=np.int64) - np.repeat(np.cumsum(sizes) - sizes, sizes)
        norms = pd.Series(list(map(normalize_phrase, phrases)), dtype=object)
        key, keys = pd.factorize(norms)  # normalized phrases, numbered in order of appearance
        usable = norms.to_numpy() != ""
        # one literal entry per phrase as written (its first position), one by meaning per normalized one
        firsts = ~pd.DataFrame({"t": tracker, "p": phrases}).duplicated().to_numpy() & usable
        literal = np.flatnonzero(firsts)
        keys_list = [str(k) for k in keys]
        empty = keys_list.index("") if "" in keys_list else -1
        if empty >= 0:  # no phrase normalizes to nothing: drop that key, renumber the others
            keys_list.pop(empty)
            key = np.where(key > empty, key - 1, key)
        self._keys = keys_list
        self._key_lengths = np.fromiter(map(len, self._keys), dtype=np.int64, count=len(self._keys))
        self._digest = hashlib.sha256("\n".join(self._keys).encode("utf-8", "surrogatepass")).hexdigest()
        self._literal_tracker = tracker[literal]
        self._literal_position = position[literal]
        self._literal_value = phrases[literal]
        literal_key = key[literal].astype(np.int64)
        self._by_key = np.argsort(literal_key, kind="stable")  # entries grouped by key, in entry order
        counts = np.bincount(literal_key, minlength=len(self._keys))
        self._key_count = counts
        self._key_start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        if self.by_meaning:
            meaning = np.flatnonzero(~pd.DataFrame({"t": tracker, "k": key}).duplicated().to_numpy() & usable)
        else:
            meaning = np.zeros(0, dtype=np.int64)
        self._meaning_tracker = tracker[meaning]
        self._meaning_position = position[meaning]
        self._meaning_value = phrases[meaning]
        self._values = np.concatenate([self._literal_value, self._meaning_value])  # literal, then meaning
        self._tables: dict[str, Any] | None = None
        self.scorer: Scorer | None = None
        if self.by_meaning:
            self.scorer = (scorer if scorer is not None else TfidfScorer()).fit(
                self._meaning_value.tolist(), self._meaning_tracker.tolist()
            )
        self._built: Any = None

    def __repr__(self) -> str:
        return (
            f"Replayer({len(self.tracker_ids)} trackers, {len(self._keys)} distinct phrases, "
            f"by_meaning={self.by_meaning}, threshold={self.threshold})"
        )

    # pickling (Dask): the automaton is rebuilt where it is used
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_built"] = None
        state["_tables"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def __dask_tokenize__(self) -> Any:
        return (
            type(self).__name__,
            self._digest,
            self.by_meaning,
            self.threshold,
            repr(self.scorer),
            id(self),
        )

    def _automaton(self) -> Any:
        if self._keys and (self._built is None or self._built[0] != ENGINE):
            self._built = (ENGINE, _automaton(self._keys, self._digest, ENGINE))
        return None if self._built is None else self._built[1]

    # ---------------------------------------------------------------- matching
    def _literal(self, texts: _Texts) -> dict[str, np.ndarray]:
        """Literal hits of a batch: arrays ``message``, ``entry``, ``start``, ``end`` (original
        character positions)."""
        import numpy as np  # lazy: heavy

        empty = {k: np.zeros(0, dtype=np.int64) for k in ("message", "entry", "start", "end")}
        automaton = self._automaton()
        if automaton is None or not len(texts):
            return empty
        corpus = _Corpus(texts)
        found = ENGINES[self._built[0]][1](automaton, corpus, self._key_lengths)
        if len(found) == 0:
            return empty
        key, start, end = found[:, 0], found[:, 1], found[:, 2]
        codes = corpus.codes
        keep = np.ones(len(key), dtype=bool)
        before = start > 0
        keep[before] &= ~_word_mask(codes[start[before] - 1])
        after = end < len(codes)
        keep[after] &= ~_word_mask(codes[end[after]])
        message = np.searchsorted(corpus.bases, start, side="right") - 1
        keep &= end <= corpus.bases[message] + corpus.lengths[message]
        key, start, end, message = key[keep], start[keep], end[keep], message[keep]
        # the first occurrence of each phrase in each message
        order = np.lexsort((start, key, message))
        key, start, end, message = key[order], start[order], end[order], message[order]
        first = np.ones(len(key), dtype=bool)
        first[1:] = (key[1:] != key[:-1]) | (message[1:] != message[:-1])
        key, start, end, message = key[first], start[first], end[first], message[first]
        # every tracker and phrase as written behind each normalized phrase
        count = self._key_count[key]
        entry = self._by_key[ragged_arange(self._key_start[key], count)]
        message = np.repeat(message, count)
        local_start = np.repeat(start, count) - corpus.bases[message]
        local_end = np.repeat(end, count) - corpus.bases[message]
        if corpus.maps:
            for k in np.flatnonzero(np.isin(message, list(corpus.maps))):
                folded = corpus.maps[int(message[k])]
                local_start[k], local_end[k] = folded.span(int(local_start[k]), int(local_end[k]))
        return {"message": message, "entry": entry, "start": local_start, "end": local_end}

    def _meaning(self, texts: Sequence[str], literal_pairs: np.ndarray) -> dict[str, np.ndarray]:
        """Matches by meaning of a batch: arrays ``message``, ``entry``, ``score``; none where the
        tracker matched literally (``literal_pairs``: ``message * n_trackers + tracker``)."""
        import numpy as np  # lazy: heavy

        empty = {"message": np.zeros(0, np.int64), "entry": np.zeros(0, np.int64), "score": np.zeros(0)}
        n_entries = len(self._meaning_tracker)
        if self.scorer is None or n_entries == 0 or not texts:
            return empty
        n_trackers = len(self.tracker_ids)
        step = max(1, _SCORE_CELLS // n_entries)
        messages, entries, scores = [], [], []
        for first in range(0, len(texts), step):
            batch = texts[first : first + step]
            values = np.asarray(self.scorer.score(batch), dtype=np.float64)
            if values.shape != (len(batch), n_entries):
                raise InvalidParameterError(
                    f"scorer.score returned shape {values.shape}, expected {(len(batch), n_entries)}",
                    parameter="scorer",
                )
            if np.isnan(values).any() or (values < 0).any() or (values > 1).any():
                raise InvalidParameterError("scorer.score must return values in [0, 1]", parameter="scorer")
            row, column = np.nonzero(values >= self.threshold)
            if len(row) == 0:
                continue
            score = values[row, column]
            tracker = self._meaning_tracker[column]
            # the best phrase of each tracker in each message; ties: the phrase listed first
            order = np.lexsort((column, -score, tracker, row))
            row, column, score, tracker = row[order], column[order], score[order], tracker[order]
            best = np.ones(len(row), dtype=bool)
            best[1:] = (row[1:] != row[:-1]) | (tracker[1:] != tracker[:-1])
            message = row[best] + first
            keep = ~np.isin(message * n_trackers + tracker[best], literal_pairs)
            messages.append(message[keep])
            entries.append(column[best][keep])
            scores.append(score[best][keep])
        if not messages:
            return empty
        return {
            "message": np.concatenate(messages),
            "entry": np.concatenate(entries),
            "score": np.concatenate(scores),
        }

    def _allowed(self, languages: Any) -> tuple[np.ndarray, np.ndarray]:
        """``(code per message, allowed[code, tracker])``; code 0 is an unknown language."""
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        if not isinstance(languages, pd.Series):
            languages = pd.Series(list(languages), dtype=object)
        codes, uniques = pd.factorize(languages, use_na_sentinel=True)
        allowed = np.ones((len(uniques) + 1, len(self.tracker_ids)), dtype=bool)
        for u, language in enumerate(uniques, start=1):
            for t, declared in enumerate(self.tracker_languages):
                if declared is not None and isinstance(language, str) and language.strip():
                    allowed[u, t] = languages_match(language, declared)
        return np.asarray(codes, dtype=np.int64) + 1, allowed

    def _match(self, texts: _Texts, languages: Any) -> dict[str, np.ndarray]:
        """All hits of some texts, unsorted: ``message``, ``tracker``, ``position``, ``value``
        (index into ``_values``), ``literal``, ``start``, ``end``, ``score``."""
        import numpy as np  # lazy: heavy

        n_trackers = len(self.tracker_ids)
        code, allowed = self._allowed(languages)
        parts = []
        for first, last in _batches(texts.lengths, _SCAN_CHARS):
            batch = texts.batch(first, last)
            found = self._literal(batch)
            message = found["message"] + first
            tracker = self._literal_tracker[found["entry"]]
            keep = allowed[code[message], tracker]
            parts.append(
                {
                    "message": message[keep],
                    "tracker": tracker[keep],
                    "position": self._literal_position[found["entry"]][keep],
                    "value": found["entry"][keep],
                    "literal": np.ones(int(keep.sum()), dtype=bool),
                    "start": found["start"][keep],
                    "end": found["end"][keep],
                    "score": np.ones(int(keep.sum())),
                }
            )
            if self.scorer is None:
                continue
            pairs = np.unique(found["message"][keep] * n_trackers + tracker[keep])
            by_meaning = self._meaning(batch.texts(), pairs)
            message = by_meaning["message"] + first
            tracker = self._meaning_tracker[by_meaning["entry"]]
            keep = allowed[code[message], tracker]
            n = int(keep.sum())
            parts.append(
                {
                    "message": message[keep],
                    "tracker": tracker[keep],
                    "position": self._meaning_position[by_meaning["entry"]][keep],
                    "value": by_meaning["entry"][keep] + len(self._literal_value),
                    "literal": np.zeros(n, dtype=bool),
                    "start": np.full(n, -1, dtype=np.int64),
                    "end": np.full(n, -1, dtype=np.int64),
                    "score": by_meaning["score"][keep],
                }
            )
        if not parts:
            parts.append(
                {
                    "message": np.zeros(0, np.int64),
                    "tracker": np.zeros(0, np.int64),
                    "position": np.zeros(0, np.int64),
                    "value": np.zeros(0, dtype=np.int64),
                    "literal": np.zeros(0, dtype=bool),
                    "start": np.zeros(0, np.int64),
                    "end": np.zeros(0, np.int64),
                    "score": np.zeros(0),
                }
            )
        return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}

    # ---------------------------------------------------------------- public
    def replay(self, messages: Any) -> pd.DataFrame:
        """The hits of the fitted trackers in ``messages`` (a messages frame, anything
        :func:`trackerkit.conversation_loading.load_conversations` takes, or a Dask DataFrame);
        see the module docs."""
        if _is_dask_collection(messages):
            return self._replay_dask(messages)
        return self._replay_frame(_as_messages_frame(messages))

    def _table(self, name: str) -> pd.Series:
        """The pandas strings hits take their tracker ids, names, phrases and kinds from."""
        if self._tables is None:
            self._tables = {
                "tracker_id": as_strings(self.tracker_ids),
                "tracker_name": as_strings(self.tracker_names),
                "value": as_strings(self._values),
                "match": as_strings(["meaning", "literal"]),
            }
        return self._tables[name]

    def _replay_frame(self, messages: pd.DataFrame) -> pd.DataFrame:
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        texts = _Texts.of(messages["text"])
        languages = messages["language"] if "language" in messages.columns else [None] * len(texts)
        found = self._match(texts, languages)
        offset = np.where(found["literal"], found["start"], -1)
        order = np.lexsort((found["position"], offset, found["tracker"], found["message"]))
        found = {k: v[order] for k, v in found.items()}
        message = found["message"]
        literal = found["literal"]
        joined = texts.joined
        at = texts.bases[message]
        matched = [
            joined[b + s : b + e] if s >= 0 else ""
            for b, s, e in zip(at.tolist(), found["start"].tolist(), found["end"].tolist())
        ]
        n = len(message)

        def take(column: str, dtype: str) -> pd.Series:
            if dtype == "str":  # NaN where missing, also under pandas 2
                return as_strings(
                    messages[column].take(message).reset_index(drop=True)
                    if column in messages.columns
                    else [None] * n
                )
            if column not in messages.columns:
                return pd.Series(np.full(n, np.nan), dtype=dtype)
            values = messages[column].take(message).reset_index(drop=True)
            return values if values.dtype == dtype else values.astype(dtype)

        data: dict[str, Any] = {
            "conversation_id": take("conversation_id", "str"),
            "message_id": take("message_id", "str"),
            "tracker_id": self._table("tracker_id").take(found["tracker"]).reset_index(drop=True),
            "tracker_name": self._table("tracker_name").take(found["tracker"]).reset_index(drop=True),
            "value": self._table("value").take(found["value"]).reset_index(drop=True),
            "match": self._table("match").take(literal.astype(np.int64)).reset_index(drop=True),
            "offset": pd.Series(np.where(literal, found["start"], -1).astype(np.int64)),
            "matched_text": as_strings(matched),
            "score": pd.Series(found["score"].astype(np.float64)),
            "text": take("text", "str"),
            "speaker_name": take("speaker_name", "str"),
            "speaker_id": take("speaker_id", "str"),
            "speaker_email": take("speaker_email", "str"),
            "start_time": take("start_time", TIME_DTYPE),
            "time_offset": take("time_offset", "float64"),
        }
        return pd.DataFrame(data, columns=list(HIT_COLUMNS))

    def _replay_dask(self, messages: Any) -> Any:
        missing = [c for c in ("conversation_id", "message_id", "text") if c not in messages.columns]
        if missing:
            raise TrackerDataError(
                f"not a messages frame: missing column(s) {', '.join(map(repr, missing))} "
                "in the Dask DataFrame"
            )
        return messages.map_partitions(_replay_partition, self, meta=empty_hits_frame())

    def would_trigger(self, text: str, *, language: str | None = None) -> pd.DataFrame:
        """Which trackers ``text`` would fire, with the replay's semantics: zero, one or several.

        One row per tracker and phrase (columns :data:`trackerkit.constants.TRIGGER_COLUMNS`):
        literal matches with the phrase, ``offset`` and ``matched_text`` (score 1.0), matches by
        meaning with their score in [0, 1] and ``offset`` -1. Rows are ordered by score (highest
        first), then tracker (account order), offset and phrase position. ``language`` gates
        trackers that declare languages, as in :meth:`replay`.
        """
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        if not isinstance(text, str):
            raise InvalidParameterError(f"text must be a string; got {type(text).__name__}", parameter="text")
        if language is not None and not isinstance(language, str):
            raise InvalidParameterError(
                f"language must be a language code or None; got {language!r}", parameter="language"
            )
        found = self._match(_Texts.of([text]), [language])
        offset = np.where(found["literal"], found["start"], -1)
        order = np.lexsort((found["position"], offset, found["tracker"], -found["score"]))
        found = {k: v[order] for k, v in found.items()}
        literal = found["literal"]
        out = pd.DataFrame(
            {
                "tracker_id": as_strings(np.asarray(self.tracker_ids, dtype=object)[found["tracker"]]),
                "tracker_name": as_strings(np.asarray(self.tracker_names, dtype=object)[found["tracker"]]),
                "value": as_strings(self._values[found["value"]]),
                "match": as_strings(np.where(literal, "literal", "meaning").astype(object)),
                "offset": pd.Series(np.where(literal, found["start"], -1).astype(np.int64)),
                "matched_text": as_strings(
                    [
                        text[s:e] if is_literal else ""
                        for s, e, is_literal in zip(found["start"], found["end"], literal)
                    ]
                ),
                "score": pd.Series(found["score"].astype(np.float64)),
            }
        )
        return out.loc[:, list(TRIGGER_COLUMNS)]


def _batches(lengths: np.ndarray, budget: int) -> list[tuple[int, int]]:
    """``(first, last)`` message ranges of about ``budget`` characters each (a longer message
    is a batch of its own)."""
    import numpy as np  # lazy: heavy

    if not len(lengths):
        return []
    total = np.cumsum(lengths + 1)
    cuts = np.searchsorted(total, np.arange(budget, int(total[-1]), budget), side="right")
    edges = np.unique(np.concatenate([[0], cuts, [len(lengths)]]))
    return [(int(a), int(b)) for a, b in itertools.pairwise(edges.tolist())]


def _replay_partition(partition: pd.DataFrame, replayer: Replayer) -> pd.DataFrame:
    """What each Dask partition runs: the in-memory replay of that partition."""
    return replayer._replay_frame(_as_messages_frame(partition))


def _is_dask_collection(value: Any) -> bool:
    module = type(value).__module__ or ""
    return module.split(".")[0] in ("dask", "dask_expr") and hasattr(value, "map_partitions")


def _as_messages_frame(messages: Any) -> pd.DataFrame:
    import pandas as pd  # lazy: heavy

    if isinstance(messages, pd.DataFrame):
        if all(c in messages.columns for c in MESSAGE_COLUMNS):
            return messages  # a messages frame already (what the loaders return)
        return messages_frame(messages)
    return load_conversations(messages)


# --------------------------------------------------------------------------- functions


def replay(
    trackers: TrackersLike,
    messages: Any,
    *,
    by_meaning: bool = True,
    threshold: float | None = None,
    scorer: Scorer | None = None,
) -> pd.DataFrame:
    """Where the trackers fire in ``messages``: the hits frame (see the module docs).

    Parameters
    ----------
    trackers : TrackersLike
        The account: anything :func:`trackerkit.load_trackers` accepts.
    messages : messages frame, Dask DataFrame, or anything ``load_conversations`` takes
        ``"sample"``, ``"ami"``, a transcript file, a DataFrame, a list of messages.
    by_meaning : bool, default True
        Also report matches by meaning.
    threshold : float, optional
        The least score of a match by meaning, in (0, 1] (default: the scorer's, see
        :class:`Replayer`).
    scorer : Scorer, optional
        The similarity of matches by meaning (default: the toolkit's TF-IDF similarity;
        ``EmbeddingScorer()`` scores by sentence embeddings).

    Returns
    -------
    DataFrame or Dask DataFrame
        One row per message, tracker and phrase matched; columns
        :data:`trackerkit.constants.HIT_COLUMNS`.
    """
    return Replayer(trackers, by_meaning=by_meaning, threshold=threshold, scorer=scorer).replay(messages)


def would_trigger(
    trackers: TrackersLike,
    text: str,
    *,
    by_meaning: bool = True,
    threshold: float | None = None,
    language: str | None = None,
    scorer: Scorer | None = None,
) -> pd.DataFrame:
    """Which trackers ``text`` would fire (see :meth:`Replayer.would_trigger`); fit a
    :class:`Replayer` once instead when previewing many texts.

        >>> account = [{"id": "1", "name": "Refund", "vocabulary": ["I want a refund", "money back"]}]
        >>> would_trigger(account, "Honestly, I want a refund.")[["tracker_name", "match", "offset"]]
          tracker_name    match  offset
        0       Refund  literal      10
    """
    replayer = Replayer(trackers, by_meaning=by_meaning, threshold=threshold, scorer=scorer)
    return replayer.would_trigger(text, language=language)


def default_threshold(scorer: Scorer | None) -> float:
    """The replay's threshold with ``scorer`` when none is given: its ``default_threshold`` if
    it has one, else :data:`trackerkit.constants.DEFAULT_MEANING_THRESHOLD` (TF-IDF's)."""
    value = getattr(scorer, "default_threshold", None) if scorer is not None else None
    return DEFAULT_MEANING_THRESHOLD if value is None else value


def _side(hits: pd.DataFrame, name: str) -> pd.DataFrame:
    """One row per (conversation, message, tracker, match) of a hits frame."""
    import pandas as pd  # lazy: heavy

    required = ("conversation_id", "message_id", "tracker_id", "tracker_name", "value", "match")
    if not isinstance(hits, pd.DataFrame):
        raise InvalidParameterError(f"{name} must be a hits frame; got {type(hits).__name__}", parameter=name)
    missing = [c for c in required if c not in hits.columns]
    if missing:
        raise TrackerDataError(
            f"{name} is not a hits frame: missing column(s) {', '.join(map(repr, missing))}"
        )
    bad = ~hits["match"].isin(MATCH_KINDS)
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise TrackerDataError(
            f"{name}: row {row}, field 'match': must be 'literal' or 'meaning', "
            f"got {hits['match'].iloc[row]!r}"
        )
    frame = pd.DataFrame(
        {
            "conversation_id": as_strings(hits["conversation_id"]),
            "message_id": as_strings(hits["message_id"]),
            # a streaming hit may lack the tracker id: its name stands in
            "tracker_key": as_strings(hits["tracker_id"]).fillna("name:" + as_strings(hits["tracker_name"])),
            "tracker_id": as_strings(hits["tracker_id"]),
            "tracker_name": as_strings(hits["tracker_name"]),
            "match": as_strings(hits["match"]),
            "value": as_strings(hits["value"]),
            "score": hits["score"].astype("float64") if "score" in hits.columns else float("nan"),
            "text": as_strings(hits["text"]) if "text" in hits.columns else as_strings([]),
        }
    )
    keys = ["conversation_id", "message_id", "tracker_key", "match"]
    grouped = frame.groupby(keys, sort=False, dropna=False)
    return grouped.agg(
        tracker_id=("tracker_id", "first"),
        tracker_name=("tracker_name", "first"),
        values=("value", lambda v: list(dict.fromkeys(v))),
        score=("score", "max"),
        text=("text", "first"),
    ).reset_index()


def compare_hits(
    symbl_hits: pd.DataFrame, replayed_hits: pd.DataFrame, *, conversations: Iterable[str] | None = None
) -> HitComparison:
    """How far a replay agrees with Symbl's results on the same conversations.

    Both are hits frames. Each (conversation, message, tracker, match kind) found by either is
    one row of ``table`` (columns :data:`trackerkit.constants.COMPARISON_COLUMNS`) with
    ``status`` ``"both"``, ``"symbl only"`` or ``"replay only"``; literal matches and matches by
    meaning are compared apart (a message Symbl matched literally under one phrase and by
    meaning under another has two rows). Rows are in conversation, message and tracker order of
    first appearance (Symbl's hits first), literal before meaning. ``summary`` counts each
    status per match kind and gives precision (both / replay), recall (both / Symbl) and F1,
    treating Symbl as the reference; its ``"any"`` row ignores the match kind. Both frames
    should cover the same conversations: ``conversations`` restricts both to those ids.

    Calibrate the by-meaning threshold by replaying at several thresholds and keeping the one
    whose ``summary.loc["meaning", "f1"]`` is highest.
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    symbl = _side(symbl_hits, "symbl_hits")
    replayed = _side(replayed_hits, "replayed_hits")
    if conversations is not None:
        if isinstance(conversations, str):
            raise InvalidParameterError(
                "conversations must be a list of ids, not one string", parameter="conversations"
            )
        chosen = {str(c) for c in conversations}
        symbl = symbl[symbl["conversation_id"].isin(chosen)]
        replayed = replayed[replayed["conversation_id"].isin(chosen)]
    keys = ["conversation_id", "message_id", "tracker_key", "match"]
    merged = symbl.merge(
        replayed, on=keys, how="outer", suffixes=("_symbl", "_replay"), indicator=True, sort=False
    )
    status = merged["_merge"].map({"both": "both", "left_only": "symbl only", "right_only": "replay only"})
    both = pd.concat([symbl, replayed], ignore_index=True)
    rank = {
        column: {value: k for k, value in enumerate(dict.fromkeys(both[column].tolist()))}
        for column in ("conversation_id", "message_id", "tracker_key")
    }
    order = np.lexsort(
        (
            merged["match"].map({m: k for k, m in enumerate(MATCH_KINDS)}).to_numpy(),
            merged["tracker_key"].map(rank["tracker_key"]).to_numpy(),
            merged["message_id"].map(rank["message_id"]).to_numpy(),
            merged["conversation_id"].map(rank["conversation_id"]).to_numpy(),
        )
    )
    merged = merged.iloc[order].reset_index(drop=True)
    status = status.iloc[order].reset_index(drop=True)

    def pick(column: str) -> pd.Series:
        # where(), not fillna(): pandas 2.2-2.3 warn that fillna will stop downcasting objects
        symbl = merged[f"{column}_symbl"]
        return symbl.where(symbl.notna(), merged[f"{column}_replay"])

    table = pd.DataFrame(
        {
            "conversation_id": as_strings(merged["conversation_id"]),
            "message_id": as_strings(merged["message_id"]),
            "tracker_id": as_strings(pick("tracker_id")),
            "tracker_name": as_strings(pick("tracker_name")),
            "match": as_strings(merged["match"]),
            "status": as_strings(status),
            "symbl_values": [v if isinstance(v, list) else [] for v in merged["values_symbl"]],
            "replay_values": [v if isinstance(v, list) else [] for v in merged["values_replay"]],
            "replay_score": merged["score_replay"].astype("float64"),
            "text": as_strings(pick("text")),
        }
    )
    table = table.loc[:, list(COMPARISON_COLUMNS)]
    rows = []
    for kind in (*MATCH_KINDS, "any"):
        if kind == "any":
            pairs = ["conversation_id", "message_id", "tracker_key"]
            s = symbl[pairs].drop_duplicates()
            r = replayed[pairs].drop_duplicates()
            joined = s.merge(r, on=pairs, how="outer", indicator=True)["_merge"]
            counts = joined.value_counts()
            n_both, n_symbl, n_replay = (int(counts.get(k, 0)) for k in ("both", "left_only", "right_only"))
        else:
            chosen_status = status[merged["match"].to_numpy() == kind]
            n_both, n_symbl, n_replay = (int((chosen_status == s).sum()) for s in HIT_STATUSES)
        precision = n_both / (n_both + n_replay) if n_both + n_replay else float("nan")
        recall = n_both / (n_both + n_symbl) if n_both + n_symbl else float("nan")
        f1 = (
            2 * precision * recall / (precision + recall)
            if n_both and precision + recall > 0
            else (0.0 if n_symbl + n_replay else float("nan"))
        )
        rows.append((kind, n_both, n_symbl, n_replay, precision, recall, f1))
    summary = pd.DataFrame.from_records(
        rows, columns=["match", "both", "symbl_only", "replay_only", "precision", "recall", "f1"]
    ).set_index("match")
    return HitComparison(table=table, summary=summary)
