"""Near-duplicate phrases: pairs of phrases that say the same thing in almost the same words.

**What is scored.** Phrases are compared in their normalized form
(:func:`trackerkit.normalize_phrase`); identical normalized phrases are collapsed before any
product and come back as exact duplicates with every score at 1.0. Two scores are computed:

* ``cosine``: cosine similarity of character 3-gram TF-IDF vectors (scikit-learn's
  ``analyzer="char_wb"``, n-grams inside word boundaries; IDF learned from every distinct phrase
  of the account given, so scores do not change with ``select``);
* ``edit_similarity``: ``1 - edits / max(len_a, len_b)``, where ``edits`` is the optimal string
  alignment distance (rapidfuzz's OSA: insertions, deletions, substitutions and swaps of two
  adjacent letters each count 1).

``score = max(cosine, edit_similarity)`` when the phrases are at most ``max_edits`` edits apart
(typos), else ``score = cosine``. **The threshold applies to ``score``.** Character TF-IDF alone
scores a one-letter typo in a four-word phrase as low as 0.4-0.6 (the typo breaks three rare
n-grams), so the edit similarity is what makes ``my pasword isn't working anymore`` a pair of
``my password isn't working anymore`` (score 0.97).

**By meaning** (``by="meaning"``, the ``semantic`` extra): ``score`` is instead the cosine of
the two phrases' sentence embeddings (:mod:`trackerkit.embedding`), clipped to [0, 1]: 1 is the
same meaning, 0 unrelated (or opposite) ones. It finds paraphrases that share no word ("what
does it cost" / "how much is the price"), which no character measure can. ``cosine``,
``edit_similarity`` and ``edits`` keep their meaning above (character TF-IDF and edits), so a
low ``cosine`` beside a high ``score`` marks a pair said in other words. The default threshold
is :data:`~trackerkit.constants.DEFAULT_MEANING_PHRASE_THRESHOLD` (0.8). The search is exact: a
matrix product of the embeddings, a block of rows at a time, each score then recomputed as a
sum in one fixed order (equal phrases score exactly alike, whatever ``select``).

**How it scales.** Both searches are exact, not sampled (prefix filtering for the cosine, q-gram
prefix filtering for the edits; see :mod:`trackerkit.analysis._pair_search`), in chunks of
bounded memory: hundreds of thousands of phrases take seconds.

``k`` then keeps, for each distinct phrase, its ``k`` best partners (a pair is kept when either
side keeps it; ties go to the alphabetically first partner, by normalized phrase); exact
duplicates are always reported.

**Determinism.** Phrases are indexed in sorted order, so the scores are bit-identical whatever
the order of the trackers, and which pairs ``k`` keeps does not depend on it either. The rows
come in a total order (see :func:`similar_phrases`).

**How big it gets.** A low threshold with ``k=None``, or an account that repeats the same
phrases in many trackers, can make the result quadratic in the number of phrases. The searches
count what they hold and the expansion to phrase occurrences is counted before it is built, so
a result over ``max_pairs`` rows (5 million by default) raises :class:`ResultTooLargeError`
early, saying how to narrow it, instead of running out of memory.

**The steps** of :func:`similar_phrases`, each a function of this module or of ``_pair_search``:
the query's occurrences (:func:`_occurrences`), the size estimate that refuses a hopeless query
(:func:`_refuse_hopeless`), the candidate searches by cosine and by edits and their scoring
(:func:`~trackerkit.analysis._pair_search.score_pairs`), the scope filter (:func:`_in_scope`),
best-k pruning (:func:`_keep_best_k`), the result-size guard (:func:`_check_result_rows`), the
expansion to occurrences (:func:`_occurrence_pairs`) and the frame (:func:`_pairs_frame`).

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Login", "vocabulary": ["I forgot my password", "my password isn't working"]},
    ...     {"id": "2", "name": "Reset", "vocabulary": ["I forgot my password.", "my pasword isn't working"]},
    ... ]
    >>> pairs = trackerkit.similar_phrases(account)
    >>> pairs[["phrase_b", "edits", "score", "kind"]]
                       phrase_b  edits  score        kind
    0     I forgot my password.      0   1.00  normalized
    1  my pasword isn't working      1   0.96        near
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING

from trackerkit._typing import TrackersLike
from trackerkit._validation import check_choice, check_count, check_fraction
from trackerkit.analysis._common import Select, prepare
from trackerkit.analysis._pair_search import (
    PhraseSpace,
    best_k_mask,
    osa_distances,
    rowwise_count_dot,
    rowwise_dot,
    sampled_pairs_floor,
    score_pairs,
    too_many_pairs,
)
from trackerkit.analysis._vectorize import ragged_arange
from trackerkit.constants import (
    DEFAULT_MAX_EDITS,
    DEFAULT_MAX_PAIRS,
    DEFAULT_MEANING_PHRASE_THRESHOLD,
    DEFAULT_PHRASE_PARTNERS,
    DEFAULT_PHRASE_THRESHOLD,
    PHRASE_PAIR_COLUMNS,
    PHRASE_SCOPES,
    SIMILAR_BY,
)
from trackerkit.embedding._default import embed_unit, resolve_embedder
from trackerkit.errors import ResultTooLargeError
from trackerkit.loading import vocabulary_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from trackerkit.analysis._pair_search import PairFilter
    from trackerkit.embedding import Embedder

__all__ = ["similar_phrases"]

_SCORE_COLUMNS = ("cosine", "edits", "edit_similarity", "score")
_TEXT_COLUMNS = ("tracker_id_a", "tracker_a", "phrase_a", "tracker_id_b", "tracker_b", "phrase_b", "kind")


def similar_phrases(
    trackers: TrackersLike,
    *,
    threshold: float | None = None,
    k: int | None = DEFAULT_PHRASE_PARTNERS,
    scope: str = "across",
    select: Select = None,
    max_edits: int = DEFAULT_MAX_EDITS,
    max_pairs: int | None = DEFAULT_MAX_PAIRS,
    by: str = "text",
    embedder: Embedder | None = None,
) -> pd.DataFrame:
    """Pairs of near-duplicate phrases (by their text, or by meaning), best first.

    Parameters
    ----------
    trackers : TrackersLike
        The account: anything :func:`trackerkit.load_trackers` accepts.
    threshold : float in (0, 1], optional
        The minimum ``score`` for a pair to count; default
        :data:`~trackerkit.constants.DEFAULT_PHRASE_THRESHOLD` (0.8), or
        :data:`~trackerkit.constants.DEFAULT_MEANING_PHRASE_THRESHOLD` with ``by="meaning"``.
        ``score`` is the TF-IDF cosine of character 3-grams, raised to the edit similarity for
        pairs at most ``max_edits`` edits apart (see the module docs); by meaning, the cosine
        of the phrases' embeddings.
    k : int >= 1 or None, default :data:`~trackerkit.constants.DEFAULT_PHRASE_PARTNERS` (10)
        Keep each distinct phrase's ``k`` best partners (``None``: every pair above the
        threshold). Exact duplicates are always kept.
    scope : {"across", "within", "all"}, default "across"
        Pairs in two different trackers, pairs inside one tracker, or both.
    select : tracker names or ids, optional
        Only pairs among these trackers (scores still use the whole account's IDF).
    max_edits : int >= 0, default :data:`~trackerkit.constants.DEFAULT_MAX_EDITS` (2)
        The most OSA edits for two phrases to be scored by their edit similarity.
    max_pairs : int >= 0 or None, default :data:`~trackerkit.constants.DEFAULT_MAX_PAIRS`
        The most rows to return (5 million; ``None``: no limit).
    by : {"text", "meaning"}, default "text"
        What ``score`` compares: the phrases' characters and typos, or their meaning (sentence
        embeddings; needs the ``semantic`` extra). ``max_edits`` only matters for ``"text"``.
    embedder : Embedder, optional
        With ``by="meaning"``: what embeds the phrases (default:
        :func:`trackerkit.embedding.default_embedder`).

    Returns
    -------
    pandas.DataFrame
        One row per pair of phrase occurrences, ``a`` being the earlier one. Columns
        (:data:`~trackerkit.constants.PHRASE_PAIR_COLUMNS`): ``tracker_id_a``, ``tracker_a``,
        ``position_a``, ``phrase_a`` (as written), the same four for ``b``, ``score``,
        ``cosine``, ``edit_similarity``, ``edits`` (OSA distance between the normalized
        phrases) and ``kind``: ``"exact"`` (identical as written), ``"normalized"`` (identical
        after normalization) or ``"near"``. With ``by="meaning"``, ``score`` is the similarity
        by meaning and the other three scores stay lexical.

    Raises
    ------
    InvalidParameterError
        A parameter out of its range (named in the message).
    MissingDependencyError
        ``by="meaning"`` without the ``semantic`` extra (and no ``embedder``).
    ResultTooLargeError
        The result would exceed ``max_pairs`` rows; raised as soon as the search finds that
        many, before memory runs out, with how to narrow it (raise ``threshold``, set ``k``,
        select fewer trackers).

    Notes
    -----
    Rows are in a total order: ``score`` descending, then ``a``, then ``b``, each by tracker
    order (the order of ``trackers``, or of ``select`` when given), then position. Which
    partners ``k`` keeps is decided among equal scores by the normalized phrase
    (alphabetically first), so the result does not depend on the order of the trackers.

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["send me the invoice", "send me the invocie"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["Send me the invoice!"]},
    ... ]
    >>> similar_phrases(account, scope="all")[["tracker_a", "phrase_a", "tracker_b", "phrase_b", "kind"]]
      tracker_a             phrase_a tracker_b              phrase_b        kind
    0         A  send me the invoice         B  Send me the invoice!  normalized
    1         A  send me the invoice         A   send me the invocie        near
    2         A  send me the invocie         B  Send me the invoice!        near

    By meaning, a paraphrase in other words (its character ``cosine`` is low):

    >>> account = [
    ...     {"id": "1", "name": "Price", "vocabulary": ["what does it cost"]},
    ...     {"id": "2", "name": "Quote", "vocabulary": ["how much is the price"]},
    ... ]
    >>> pair = similar_phrases(account, by="meaning", threshold=0.6)
    >>> pair[["phrase_a", "phrase_b"]]
                phrase_a               phrase_b
    0  what does it cost  how much is the price
    >>> bool(pair["score"][0] > 0.6 > pair["cosine"][0])
    True
    """
    by = check_choice("by", by, SIMILAR_BY)
    default = DEFAULT_MEANING_PHRASE_THRESHOLD if by == "meaning" else DEFAULT_PHRASE_THRESHOLD
    threshold = default if threshold is None else check_fraction("threshold", threshold)
    k = check_count("k", k, allow_none=True)
    scope = check_choice("scope", scope, PHRASE_SCOPES)
    max_edits = check_count("max_edits", max_edits, minimum=0)
    max_pairs = check_count("max_pairs", max_pairs, minimum=0, allow_none=True)
    frame, chosen = prepare(trackers, select)
    vocab_all = vocabulary_frame(frame)
    vocab = vocab_all if select is None else selected_vocabulary(vocab_all, chosen)
    vocab = vocab[vocab["phrase_norm"] != ""].reset_index(drop=True)
    if len(vocab) < 2:
        return _empty_pairs()
    space = PhraseSpace.of(vocab_all)
    occ = _occurrences(vocab, space)
    try:
        if by == "meaning":
            found = _meaning_pairs(space, occ, threshold, embedder, scope=scope, limit=max_pairs)
        else:
            _refuse_hopeless(space, occ, threshold=threshold, k=k, scope=scope, max_pairs=max_pairs)
            found = score_pairs(
                space,
                occ.rows,
                threshold,
                max_edits,
                prune=_pruner(occ, scope=scope, k=k),
                limit=max_pairs,
                keep=None if scope == "all" else partial(_in_scope, occ, scope),
            )
        found = _subset(found, _in_scope(occ, scope, found["i"], found["j"]))
        found = _keep_best_k(found, k)
        _check_result_rows(occ, found, scope=scope, max_pairs=max_pairs)
    except ResultTooLargeError as exc:
        raise _narrowed(exc, threshold=threshold, k=k, scope=scope) from None
    a, b, scores = _occurrence_pairs(occ, found, scope)
    return _pairs_frame(occ.vocab, a, b, scores)


# --------------------------------------------------------------------------- the query


def selected_vocabulary(vocab_all: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Rows of the account's vocabulary frame for the ``chosen`` trackers, in their order."""
    import numpy as np  # lazy: heavy

    order = {tid: k for k, tid in enumerate(chosen["tracker_id"])}
    rank = vocab_all["tracker_id"].map(order)
    keep = rank.notna().to_numpy()
    picked = vocab_all[keep]
    return picked.iloc[np.argsort(rank[keep].to_numpy(), kind="stable")].reset_index(drop=True)


@dataclass(frozen=True)
class _Occurrences:
    """The phrase occurrences of a query and the distinct phrases they are occurrences of."""

    vocab: pd.DataFrame  # one row per non-empty occurrence, in tracker order then position
    codes: np.ndarray  # the distinct phrase of each occurrence (0..n_unique-1, sorted phrases)
    rows: np.ndarray  # each distinct phrase's row in the PhraseSpace
    tracker_codes: np.ndarray  # the tracker of each occurrence (0, 1, ... in tracker order)
    occurrences: sp.csr_matrix  # distinct phrase x tracker: how often the phrase is in it
    member: sp.csr_matrix  # distinct phrase x tracker: 1 where the phrase is in it
    n_trackers: np.ndarray  # how many trackers each distinct phrase is in


def _occurrences(vocab: pd.DataFrame, space: PhraseSpace) -> _Occurrences:
    """Index the query's occurrences by distinct phrase and tracker, to know which pairs a
    scope can use and how many rows a pair of distinct phrases expands to."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    unique_norms, codes = np.unique(vocab["phrase_norm"].to_numpy(dtype=object), return_inverse=True)
    rows = np.fromiter((space.index[p] for p in unique_norms), dtype=np.int64, count=len(unique_norms))
    tracker_codes = pd.factorize(vocab["tracker_id"])[0]
    occurrences = sp.csr_matrix(
        (np.ones(len(vocab)), (codes, tracker_codes)),
        shape=(len(unique_norms), int(tracker_codes.max()) + 1),
    )
    member = occurrences.copy()
    member.data[:] = 1.0
    n_trackers = np.asarray(member.sum(axis=1)).ravel()
    return _Occurrences(vocab, codes, rows, tracker_codes, occurrences, member, n_trackers)


# --------------------------------------------------------------------------- by meaning

#: Products of embeddings computed at once by the search by meaning (rows x distinct phrases).
_MEANING_CELLS = 1 << 23
#: Margin under the threshold of the BLAS search; the candidates are then scored exactly.
_BLAS_MARGIN = 1e-6


def _meaning_pairs(
    space: PhraseSpace,
    occ: _Occurrences,
    threshold: float,
    embedder: Embedder | None,
    *,
    scope: str,
    limit: int | None,
) -> dict[str, np.ndarray]:
    """Pairs of the query's distinct phrases (local indices ``i < j``, ascending) whose
    embeddings' cosine, clipped to [0, 1], is at least ``threshold`` and that have a pair of
    occurrences in ``scope``, as :func:`~trackerkit.analysis._pair_search.score_pairs` returns
    them (``score`` by meaning; ``cosine``, ``edits`` and ``edit_similarity`` lexical).

    The candidates come from a BLAS product a block of rows at a time (bounded memory), with a
    small margin; each candidate's score is then a sum over the dimensions in one fixed order,
    so it does not depend on the block, the selection or the CPU's BLAS kernels. More than
    ``limit`` pairs raise :class:`ResultTooLargeError` as soon as they are found.
    """
    import numpy as np  # lazy: heavy

    embedder = resolve_embedder(embedder)
    strings = [space.phrases[r] for r in occ.rows]
    vectors = embed_unit(embedder, strings)
    n = len(strings)
    step = max(1, _MEANING_CELLS // max(n, 1))
    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []
    total = 0
    for first in range(0, n, step):
        block = vectors[first : first + step] @ vectors[first:].T  # only j >= first
        rows, cols = np.nonzero(block >= threshold - _BLAS_MARGIN)
        i, j = rows + first, cols + first
        upper = j > i
        i, j = i[upper], j[upper]
        if scope != "all":
            ok = _in_scope(occ, scope, i, j)
            i, j = i[ok], j[ok]
        found_i.append(i.astype(np.int64))
        found_j.append(j.astype(np.int64))
        total += len(i)
        if limit is not None and total > limit:
            raise too_many_pairs(total, limit)
    i = np.concatenate(found_i) if found_i else np.zeros(0, np.int64)
    j = np.concatenate(found_j) if found_j else np.zeros(0, np.int64)
    score = np.clip(np.einsum("kd,kd->k", vectors[i], vectors[j]), 0.0, 1.0)
    ok = score >= threshold - 1e-12
    i, j, score = i[ok], j[ok], score[ok]
    order = np.lexsort((j, i))
    i, j, score = i[order], j[order], score[order]
    edits = osa_distances(strings, i, j)
    longest = np.maximum(np.maximum(space.lengths[occ.rows][i], space.lengths[occ.rows][j]), 1)
    return {
        "i": i,
        "j": j,
        "cosine": rowwise_dot(space.tfidf[occ.rows], i, j),
        "edits": edits,
        "edit_similarity": 1.0 - edits / longest,
        "score": score,
    }


# --------------------------------------------------------------------------- scope and best k


def _in_scope(occ: _Occurrences, scope: str, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Which pairs of distinct phrases ``(i, j)`` have a pair of occurrences in ``scope``: one
    tracker holding both (``"within"``), two trackers (``"across"``), or any (``"all"``)."""
    import numpy as np  # lazy: heavy

    if scope == "all" or len(i) == 0:
        return np.ones(len(i), dtype=bool)
    common = rowwise_count_dot(occ.member, i, j)
    if scope == "within":
        return common > 0
    return occ.n_trackers[i] * occ.n_trackers[j] > common


def _in_scope_and_best_k(
    occ: _Occurrences, scope: str, k: int | None, i: np.ndarray, j: np.ndarray, cos: np.ndarray
) -> np.ndarray:
    """The pairs the scope keeps and, with ``k``, among the ``k`` best of a side by ``cos``."""
    import numpy as np  # lazy: heavy

    ok = _in_scope(occ, scope, i, j)
    if k is None:
        return ok
    mask = np.zeros(len(i), dtype=bool)
    idx = np.flatnonzero(ok)
    mask[idx[best_k_mask(i[idx], j[idx], cos[idx], k)]] = True
    return mask


def _pruner(occ: _Occurrences, *, scope: str, k: int | None) -> PairFilter | None:
    """What the cosine search may drop as it goes (bounding its memory): pairs out of scope
    (only those count towards ``max_pairs``) and, with ``k``, those no side keeps; nothing
    for ``scope="all"`` without ``k``."""
    if k is None and scope == "all":
        return None
    return partial(_in_scope_and_best_k, occ, scope, k)


def _subset(found: dict[str, np.ndarray], mask: np.ndarray) -> dict[str, np.ndarray]:
    return {key: values[mask] for key, values in found.items()}


def _keep_best_k(found: dict[str, np.ndarray], k: int | None) -> dict[str, np.ndarray]:
    """The scored pairs among the ``k`` best of either side (all with ``k=None``)."""
    if k is None or not len(found["i"]):
        return found
    return _subset(found, best_k_mask(found["i"], found["j"], found["score"], k))


# --------------------------------------------------------------------------- result size


def _refuse_hopeless(
    space: PhraseSpace,
    occ: _Occurrences,
    *,
    threshold: float,
    k: int | None,
    scope: str,
    max_pairs: int | None,
) -> None:
    """Without ``k`` every pair at or above the threshold is returned, and ``score >= cosine``:
    refuse before searching when a sample of pairs shows more than ``max_pairs`` of them."""
    if k is None and max_pairs is not None:
        floor = sampled_pairs_floor(space.tfidf[occ.rows], threshold - 1e-12, partial(_in_scope, occ, scope))
        if floor > max_pairs:
            raise too_many_pairs(floor, max_pairs, estimated=True)


def _result_rows(occ: _Occurrences, ui: np.ndarray, uj: np.ndarray, scope: str) -> int:
    """Rows :func:`similar_phrases` returns for the distinct-phrase pairs ``(ui, uj)``: every
    pair of their occurrences, plus every pair of occurrences of one phrase (exact duplicates),
    those in one tracker (``"within"``), in two (``"across"``) or all."""
    import numpy as np  # lazy: heavy

    n_occ = np.bincount(occ.codes, minlength=len(occ.rows))
    everything = int((n_occ[ui] * n_occ[uj]).sum()) + int((n_occ * (n_occ - 1) // 2).sum())
    if scope == "all":
        return everything
    counts = occ.occurrences.data.astype(np.int64)  # occurrences of a phrase in one tracker
    same_tracker = int(rowwise_count_dot(occ.occurrences, ui, uj).sum()) if len(ui) else 0
    same_tracker += int((counts * (counts - 1) // 2).sum())
    return same_tracker if scope == "within" else everything - same_tracker


def _check_result_rows(
    occ: _Occurrences, found: dict[str, np.ndarray], *, scope: str, max_pairs: int | None
) -> None:
    """Count the rows the pairs expand to before building them: more than ``max_pairs`` raise."""
    if max_pairs is not None:
        n_rows = _result_rows(occ, found["i"], found["j"], scope)
        if n_rows > max_pairs:
            raise too_many_pairs(n_rows, max_pairs)


def _narrowed(
    exc: ResultTooLargeError, *, threshold: float, k: int | None, scope: str
) -> ResultTooLargeError:
    """``exc`` with the ways to narrow this query."""
    hints = [f"raise threshold (now {threshold:g})"]
    if k is None:
        hints.append("set k (each phrase's best partners only)")
    hints.append("select fewer trackers (select=)")
    if scope == "all":
        hints.append("use scope='across' or 'within'")
    hints.append("or raise max_pairs if the memory is there")
    return ResultTooLargeError(f"{exc}; narrow it: {', '.join(hints)}", count=exc.count, limit=exc.limit)


# --------------------------------------------------------------------------- occurrences and frame


def _occurrence_pairs(
    occ: _Occurrences, found: dict[str, np.ndarray], scope: str
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """``(a, b, scores)``: the pairs of occurrences (rows of ``occ.vocab``, ``a < b``) of the
    distinct-phrase pairs ``found`` and of each repeated phrase (exact duplicates, every score
    1), those in ``scope``; ``scores`` holds their ``cosine``, ``edits``, ``edit_similarity``
    and ``score``."""
    import numpy as np  # lazy: heavy

    codes = occ.codes
    n_unique = len(occ.rows)
    occ_order = np.argsort(codes, kind="stable")
    n_occ = np.bincount(codes, minlength=n_unique)
    occ_start = np.concatenate([[0], np.cumsum(n_occ)[:-1]])
    ui, uj = found["i"], found["j"]
    reps = n_occ[ui] * n_occ[uj]
    pair = np.repeat(np.arange(len(ui)), reps)
    within = ragged_arange(np.zeros(len(ui), np.int64), reps)
    left = occ_order[occ_start[ui[pair]] + within // n_occ[uj[pair]]]
    right = occ_order[occ_start[uj[pair]] + within % n_occ[uj[pair]]]
    scores = {key: found[key][pair] for key in _SCORE_COLUMNS}
    # exact duplicates: every pair of occurrences of one distinct phrase
    dup_left: list[int] = []
    dup_right: list[int] = []
    for u in np.flatnonzero(n_occ > 1):
        members = occ_order[occ_start[u] : occ_start[u] + n_occ[u]]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                dup_left.append(int(members[x]))
                dup_right.append(int(members[y]))
    n_dup = len(dup_left)
    left = np.concatenate([left, np.asarray(dup_left, dtype=np.int64)])
    right = np.concatenate([right, np.asarray(dup_right, dtype=np.int64)])
    for key in ("cosine", "edit_similarity", "score"):
        scores[key] = np.concatenate([scores[key], np.full(n_dup, 1.0)])
    scores["edits"] = np.concatenate([scores["edits"], np.zeros(n_dup, dtype=np.int64)])
    a = np.minimum(left, right)
    b = np.maximum(left, right)
    same_tracker = occ.tracker_codes[a] == occ.tracker_codes[b]
    keep = {"across": ~same_tracker, "within": same_tracker, "all": np.ones(len(a), bool)}[scope]
    return a[keep], b[keep], {key: values[keep] for key, values in scores.items()}


def _pairs_frame(
    vocab: pd.DataFrame, a: np.ndarray, b: np.ndarray, scores: dict[str, np.ndarray]
) -> pd.DataFrame:
    """The result frame of occurrence pairs ``(a, b)`` (rows of ``vocab``), in its total order:
    score descending, then ``a``, then ``b`` (occurrence numbers: tracker order, then position)."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if len(a) == 0:
        return _empty_pairs()
    order = np.lexsort((b, a, -scores["score"]))
    a, b = a[order], b[order]
    scores = {key: values[order] for key, values in scores.items()}
    phrase = vocab["phrase"].to_numpy(dtype=object)
    norm = vocab["phrase_norm"].to_numpy(dtype=object)
    kind = np.where(norm[a] != norm[b], "near", np.where(phrase[a] == phrase[b], "exact", "normalized"))
    out = pd.DataFrame(
        {
            "tracker_id_a": vocab["tracker_id"].to_numpy(dtype=object)[a],
            "tracker_a": vocab["tracker_name"].to_numpy(dtype=object)[a],
            "position_a": vocab["position"].to_numpy()[a],
            "phrase_a": phrase[a],
            "tracker_id_b": vocab["tracker_id"].to_numpy(dtype=object)[b],
            "tracker_b": vocab["tracker_name"].to_numpy(dtype=object)[b],
            "position_b": vocab["position"].to_numpy()[b],
            "phrase_b": phrase[b],
            "score": scores["score"],
            "cosine": scores["cosine"],
            "edit_similarity": scores["edit_similarity"],
            "edits": scores["edits"].astype(np.int64),
            "kind": kind,
        },
        columns=list(PHRASE_PAIR_COLUMNS),
    )
    for c in _TEXT_COLUMNS:
        out[c] = out[c].astype("str")
    return out


def _empty_pairs() -> pd.DataFrame:
    """The result with no pairs: the same columns and dtypes."""
    import pandas as pd  # lazy: heavy

    frame = pd.DataFrame({c: [] for c in PHRASE_PAIR_COLUMNS})
    for c in ("position_a", "position_b", "edits"):
        frame[c] = frame[c].astype("int64")
    for c in ("score", "cosine", "edit_similarity"):
        frame[c] = frame[c].astype("float64")
    for c in _TEXT_COLUMNS:
        frame[c] = frame[c].astype("str")
    return frame
