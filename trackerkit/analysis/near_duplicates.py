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

**How it scales.** Both searches are exact, not sampled:

* cosine: all-pairs similarity search with prefix filtering. Features are ordered from common
  to rare; each phrase is indexed only by its rare features (the common "head" is kept under
  ``threshold`` in norm, so any pair reaching ``threshold`` shares an indexed feature), the
  sparse product of the indexes gives candidates, a Cauchy-Schwarz bound prunes them and the
  survivors are verified with an exact dot product. Rows are processed in chunks so memory
  stays bounded; the full product (nearly dense for character n-grams) is never formed.
* edits: q-gram prefix filtering (an edit destroys at most 4 of the character 3-grams, so
  phrases within ``d`` edits share one of their ``4d + 1`` rarest 3-grams), then rapidfuzz
  verifies candidates; phrases too short for the filter are compared exhaustively.

``top_n`` then keeps, for each distinct phrase, its ``top_n`` best partners (a pair is kept when
either side keeps it; ties go to the alphabetically first partner, by normalized phrase); exact
duplicates are always reported.

**Determinism.** Phrases are indexed in sorted order, so the scores are bit-identical whatever
the order of the trackers, and which pairs ``top_n`` keeps does not depend on it either. The
rows come in a total order (see :func:`similar_phrases`).

**How big it gets.** A low threshold with ``top_n=None``, or an account that repeats the same
phrases in many trackers, can make the result quadratic in the number of phrases. The searches
count what they hold and the expansion to phrase occurrences is counted before it is built, so
a result over ``max_pairs`` rows (5 million by default) raises :class:`ResultTooLargeError`
early, saying how to narrow it, instead of running out of memory.

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

from typing import TYPE_CHECKING, Any

from trackerkit.analysis._common import Select, check_choice, check_count, check_fraction, prepare
from trackerkit.analysis._vectorize import char_wb_counts, ragged_arange, unique_ints
from trackerkit.errors import ResultTooLargeError, TrackerDataError
from trackerkit.frames import vocabulary_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

__all__ = [
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MAX_PAIRS",
    "DEFAULT_THRESHOLD",
    "PAIR_COLUMNS",
    "SCOPES",
    "similar_phrases",
]

DEFAULT_THRESHOLD = 0.8
DEFAULT_MAX_EDITS = 2
DEFAULT_MAX_PAIRS = 5_000_000  # rows of the result: about 2 GB as a DataFrame, and its making
SCOPES = ("across", "within", "all")
PAIR_COLUMNS = (
    "tracker_id_a",
    "tracker_a",
    "position_a",
    "phrase_a",
    "tracker_id_b",
    "tracker_b",
    "position_b",
    "phrase_b",
    "score",
    "cosine",
    "edit_similarity",
    "edits",
    "kind",
)

_NGRAM = 3
_EDIT_LOSS = _NGRAM + 1  # 3-grams one OSA edit can destroy (a swap touches four windows)
_CHUNK_BYTES = 96 << 20  # dense block used to verify cosine candidates
_PRODUCT_NNZ = 4_000_000  # candidate pairs materialised per chunk, about 100 MB
_PRUNE_AT = 2_000_000  # pairs held before keeping only the top_n of each phrase


# --------------------------------------------------------------------------- phrase space


class PhraseSpace:
    """The distinct normalized phrases of an account as character 3-gram counts and TF-IDF.

    ``index`` maps a normalized phrase to its row; ``phrases[row]`` is the phrase.
    """

    def __init__(self, phrases: list[str]) -> None:
        import numpy as np

        self.phrases = phrases
        self.index = {p: i for i, p in enumerate(phrases)}
        self.lengths = np.fromiter((len(p) for p in phrases), dtype=np.int64, count=len(phrases))
        counted = char_wb_counts(phrases, _NGRAM, _NGRAM)
        if counted is None:  # more than ~1.6 million distinct characters: cannot happen in Unicode
            raise TrackerDataError("too many distinct characters to index")  # pragma: no cover
        self.counts = counted[0]
        # TF-IDF exactly as scikit-learn's TfidfTransformer() computes it (smooth idf, l2 rows)
        df = np.bincount(self.counts.indices, minlength=self.counts.shape[1])
        idf = np.log((1.0 + len(phrases)) / (1.0 + df)) + 1.0
        tfidf = self.counts.astype(np.float64)
        tfidf.data *= idf[tfidf.indices]
        norms = np.sqrt(
            np.bincount(
                np.repeat(np.arange(len(phrases)), np.diff(tfidf.indptr)),
                weights=tfidf.data**2,
                minlength=len(phrases),
            )
        )
        tfidf.data /= np.repeat(np.where(norms > 0, norms, 1.0), np.diff(tfidf.indptr))
        self.tfidf = tfidf

    @classmethod
    def of(cls, vocab: pd.DataFrame) -> PhraseSpace:
        """The space of a vocabulary frame's distinct non-empty normalized phrases, sorted: the
        n-gram columns, and so every floating-point sum, do not depend on the order of the
        trackers, and equal phrases score exactly alike."""
        return cls(sorted({p for p in vocab["phrase_norm"] if p}))

    def scores(self, rows_a: np.ndarray, rows_b: np.ndarray, max_edits: int) -> dict[str, np.ndarray]:
        """Dense ``cosine``, ``edits``, ``edit_similarity`` and ``score`` matrices (a x b)."""
        import numpy as np
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        if len(rows_a) == 0 or len(rows_b) == 0:
            zero = np.zeros((len(rows_a), len(rows_b)))
            return {"cosine": zero, "edits": zero.astype(np.int64), "edit_similarity": zero, "score": zero}
        cosine = np.clip((self.tfidf[rows_a] @ self.tfidf[rows_b].T).toarray(), 0.0, 1.0)
        strings_a = [self.phrases[i] for i in rows_a]
        strings_b = [self.phrases[i] for i in rows_b]
        edits = process.cdist(strings_a, strings_b, scorer=OSA.distance, dtype=np.int64)
        longest = np.maximum(self.lengths[rows_a][:, None], self.lengths[rows_b][None, :])
        edit_similarity = 1.0 - edits / np.maximum(longest, 1)
        score = np.where(edits <= max_edits, np.maximum(cosine, edit_similarity), cosine)
        return {"cosine": cosine, "edits": edits, "edit_similarity": edit_similarity, "score": score}


# --------------------------------------------------------------------------- small helpers


def _char_histograms(strings: list[str], buckets: int = 32) -> np.ndarray:
    """Per-string character counts, characters hashed into ``buckets`` bins (int16)."""
    import numpy as np

    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(strings)), lengths)
    flat = rows * buckets + (codes % buckets)
    counts = np.bincount(flat, minlength=len(strings) * buckets)
    return counts.reshape(len(strings), buckets).astype(np.int16)


def _char_signatures(histogram: np.ndarray) -> np.ndarray:
    """One uint64 per string: bit b set when a character of bucket b occurs (32 buckets in the
    low half) and when it occurs twice or more (the high half)."""
    import numpy as np

    weights = np.left_shift(np.uint64(1), np.arange(histogram.shape[1], dtype=np.uint64))
    once = ((histogram >= 1).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    twice = ((histogram >= 2).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    return once | (twice << np.uint64(histogram.shape[1]))


def _popcount(words: np.ndarray) -> np.ndarray:
    """The number of set bits of each uint64 (``np.bitwise_count`` is numpy >= 2 only)."""
    import numpy as np

    return np.bitwise_count(words) if hasattr(np, "bitwise_count") else _popcount_swar(words)


def _popcount_swar(words: np.ndarray) -> np.ndarray:
    """:func:`_popcount` for numpy 1.x: bit counts of 2, 4, 8 bits side by side, then the bytes
    summed by one multiplication (uint64 arithmetic wraps)."""
    import numpy as np

    m1, m2, m4 = np.uint64(0x5555555555555555), np.uint64(0x3333333333333333), np.uint64(0x0F0F0F0F0F0F0F0F)
    x = words - ((words >> np.uint64(1)) & m1)
    x = (x & m2) + ((x >> np.uint64(2)) & m2)
    x = (x + (x >> np.uint64(4))) & m4
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.uint8)


def _rowwise_dot(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray, batch: int = 200_000) -> np.ndarray:
    """``X[i[k]] . X[j[k]]`` for every k."""
    import numpy as np

    out = np.empty(len(i), dtype=np.float64)
    for s in range(0, len(i), batch):
        a = X[i[s : s + batch]]
        b = X[j[s : s + batch]]
        out[s : s + batch] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def _osa(strings: list[str], i: np.ndarray, j: np.ndarray, cutoff: int | None = None) -> np.ndarray:
    """OSA edit distance of each pair (``cutoff + 1`` when above ``cutoff``)."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if len(i) == 0:
        return np.zeros(0, dtype=np.int64)
    if not hasattr(process, "cpdist"):  # rapidfuzz < 3.8: one call per pair, same distances
        pairs = zip(i.tolist(), j.tolist())
        distances = (OSA.distance(strings[a], strings[b], score_cutoff=cutoff) for a, b in pairs)
        return np.fromiter(distances, dtype=np.int64, count=len(i))
    workers = -1 if len(i) > 20_000 else 1  # threads only pay off on big batches
    return process.cpdist(
        [strings[k] for k in i],
        [strings[k] for k in j],
        scorer=OSA.distance,
        score_cutoff=cutoff,
        dtype=np.int64,
        workers=workers,
    )


def top_n_mask(i: np.ndarray, j: np.ndarray, score: np.ndarray, top_n: int) -> np.ndarray:
    """Pairs among the ``top_n`` best of either side (ties: lower partner index first)."""
    import numpy as np

    m = len(i)
    src = np.concatenate([i, j])
    dst = np.concatenate([j, i])
    sc = np.concatenate([score, score])
    pid = np.concatenate([np.arange(m), np.arange(m)])
    order = np.lexsort((dst, -sc, src))
    src_sorted = src[order]
    first = np.searchsorted(src_sorted, src_sorted, side="left")
    rank = np.arange(2 * m) - first
    keep = np.zeros(m, dtype=bool)
    keep[pid[order[rank < top_n]]] = True
    return keep


# --------------------------------------------------------------------------- cosine search


def _cosine_pairs(
    X: sp.csr_matrix, threshold: float, prune: Any = None, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``i < j`` of rows of ``X`` (L2-normalised, non-negative) with cosine >= threshold.

    ``prune(i, j, cos) -> mask``, if given, is applied to the pairs gathered so far whenever they
    grow large, which bounds memory on degenerate inputs (thousands of near-identical phrases).
    More than ``limit`` pairs held after pruning raise :class:`ResultTooLargeError`.
    """
    import numpy as np
    import scipy.sparse as sp

    n, n_features = X.shape
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if n < 2 or X.nnz == 0:
        return empty
    # Rank features from the most common (0) to the rarest, so each row lists its common
    # features first.
    df = np.bincount(X.indices, minlength=n_features)
    rank = np.empty(n_features, dtype=np.int64)
    rank[np.argsort(-df, kind="stable")] = np.arange(n_features)
    R = sp.csr_matrix((X.data.copy(), rank[X.indices].astype(np.int32), X.indptr.copy()), shape=X.shape)
    R.sort_indices()
    sq = R.data**2
    row_of = np.repeat(np.arange(n), np.diff(R.indptr))
    cum = np.cumsum(sq)
    before = np.concatenate([[0.0], cum])[R.indptr[:-1]][row_of]
    # The head (common features) of a row stays strictly under threshold in norm: a pair whose
    # indexed tails share nothing then has cosine < threshold. The margin errs on the safe side.
    head = (cum - before) < (0.85 * threshold) ** 2 - 1e-9
    head_norm = np.sqrt(np.bincount(row_of, weights=np.where(head, sq, 0.0), minlength=n))
    # copies: eliminate_zeros compacts index arrays in place and R must stay intact
    tail = sp.csr_matrix((np.where(head, 0.0, R.data), R.indices.copy(), R.indptr.copy()), shape=R.shape)
    tail.eliminate_zeros()
    boundary = np.full(n, n_features, dtype=np.int64)  # rank of a row's first indexed feature
    has_tail = np.diff(tail.indptr) > 0
    boundary[has_tail] = tail.indices[tail.indptr[:-1][has_tail]]
    # norm of each row below a few rank levels: a cheap upper bound of its norm below any rank
    edges = np.unique(np.quantile(R.indices, np.linspace(0, 1, 33)[1:-1]).astype(np.int64))
    edges = np.append(edges[edges < n_features], n_features)
    level_of_entry = np.searchsorted(edges, R.indices, side="right")
    below = np.zeros((n, len(edges) + 1))
    np.add.at(below, (row_of, level_of_entry), sq)
    below = np.sqrt(np.cumsum(below, axis=1)[:, : len(edges)])

    tail_t = tail.T.tocsr()
    # any pair below this partial score cannot reach threshold, whatever its head holds
    floor = threshold - float(head_norm.max()) - 1e-9
    chunk = int(max(16, min(4096, _CHUNK_BYTES // (8 * max(n_features, 1)))))
    dense = np.zeros((chunk, n_features))  # reused; only touched cells are reset
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    out_c: list[np.ndarray] = []
    held = 0
    start = 0
    while start < n:
        stop = min(n, start + chunk)
        product = tail[start:stop] @ tail_t[:, start:]
        if product.nnz > _PRODUCT_NNZ and stop - start > 16:
            chunk = max(16, chunk // 2)  # a dense block of similar phrases: smaller steps
            continue
        hit = np.flatnonzero(product.data >= floor)
        li = np.searchsorted(product.indptr, hit, side="right") - 1
        j = product.indices[hit].astype(np.int64) + start
        partial = product.data[hit]
        keep = j > li + start
        li, j, partial = li[keep], j[keep], partial[keep]
        i = li + start
        # cos = (shared tail part) + (shared features ranked below the larger boundary), the
        # latter bounded by Cauchy-Schwarz: norm of b below its boundary (its head) times
        # norm of a below the same rank.
        b_is_j = boundary[j] >= boundary[i]
        a = np.where(b_is_j, i, j)
        b = np.where(b_is_j, j, i)
        keep = partial + head_norm[b] >= threshold - 1e-9
        li, i, j, a, b, partial = li[keep], i[keep], j[keep], a[keep], b[keep], partial[keep]
        level = np.minimum(np.searchsorted(edges, boundary[b], side="left"), len(edges) - 1)
        keep = partial + head_norm[b] * np.minimum(below[a, level], 1.0) >= threshold - 1e-9
        li, i, j = li[keep], i[keep], j[keep]
        if len(i):
            block = R[start:stop]
            block_rows = np.repeat(np.arange(stop - start), np.diff(block.indptr))
            dense[block_rows, block.indices] = block.data
            counts = np.diff(R.indptr)[j]
            entries = ragged_arange(R.indptr[j], counts)
            values = dense[np.repeat(li, counts), R.indices[entries]] * R.data[entries]
            dense[block_rows, block.indices] = 0.0
            cos = np.add.reduceat(values, np.cumsum(counts) - counts)
            hit = cos >= threshold - 1e-12
            out_i.append(i[hit])
            out_j.append(j[hit])
            out_c.append(np.minimum(cos[hit], 1.0))
            held += int(hit.sum())
        if prune is not None and held > min(_PRUNE_AT, limit if limit is not None else _PRUNE_AT):
            ai, aj, ac = (np.concatenate(x) for x in (out_i, out_j, out_c))
            mask = prune(ai, aj, ac)
            out_i, out_j, out_c = [ai[mask]], [aj[mask]], [ac[mask]]
            held = int(mask.sum())
        if limit is not None and held > limit:
            raise _too_many(held, limit, searching=True)
        start = stop
    if not out_i:
        return empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_c)


# --------------------------------------------------------------------------- edit search


def _edit_pairs(
    counts: sp.csr_matrix,
    strings: list[str],
    lengths: np.ndarray,
    threshold: float,
    max_edits: int,
    limit: int | None = None,
    keep: Any = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``i < j`` within ``max_edits`` OSA edits whose edit similarity >= threshold
    (more than ``limit`` of them that ``keep(i, j)``, if given, keeps raise
    :class:`ResultTooLargeError`; with a limit, only those are returned).

    ``counts`` holds the character 3-grams (``char_wb``) of ``strings``. One OSA edit changes
    at most 4 of them (the windows centred on the 2-4 characters it touches), so two strings
    ``d`` edits apart share at least ``max(|Ga|, |Gb|) - 4d`` distinct grams, and with every
    gram set listed rarest first, their first ``4d + 1`` grams intersect (prefix filtering).
    """
    import numpy as np
    import scipy.sparse as sp

    n = counts.shape[0]
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    if n < 2 or max_edits < 1:
        return empty
    # Edits a qualifying pair can have, seen from either side: d <= (1 - t) * len / t.
    tau = np.minimum(max_edits, np.floor((1.0 - threshold) * lengths / threshold + 1e-9)).astype(np.int64)
    n_grams = np.diff(counts.indptr)
    active = tau >= 1
    # The filter needs max(|Ga|, |Gb|) > 4d; phrases with too few grams are compared exhaustively.
    short = active & (n_grams <= _EDIT_LOSS * tau)
    n_features = counts.shape[1]
    df = np.bincount(counts.indices, minlength=n_features)
    rank = np.empty(n_features, dtype=np.int64)
    rank[np.argsort(df, kind="stable")] = np.arange(n_features)  # 0 = rarest
    ranked = sp.csr_matrix(
        (np.ones(counts.nnz, dtype=np.float32), rank[counts.indices].astype(np.int32), counts.indptr.copy()),
        shape=counts.shape,
    )
    ranked.sort_indices()
    row_of = np.repeat(np.arange(n), n_grams)
    within_row = np.arange(ranked.nnz) - ranked.indptr[:-1][row_of]
    in_prefix = (within_row < _EDIT_LOSS * tau[row_of] + 1) & active[row_of]
    prefix = sp.csr_matrix(
        (
            ranked.data[in_prefix],
            ranked.indices[in_prefix],
            np.concatenate([[0], np.cumsum(np.bincount(row_of[in_prefix], minlength=n))]),
        ),
        shape=counts.shape,
    )
    histogram = _char_histograms(strings)
    signature = _char_signatures(histogram)

    def survivors(i: np.ndarray, j: np.ndarray, exhaustive: bool) -> tuple[np.ndarray, np.ndarray]:
        if not exhaustive:  # short x short pairs are produced once, by the exhaustive part
            ok = ~(short[i] & short[j])
            i, j = i[ok], j[ok]
        allowed = np.minimum(tau[i], tau[j])
        ok = np.abs(lengths[i] - lengths[j]) <= allowed
        i, j, allowed = i[ok], j[ok], allowed[ok]
        # Which letters occur (hashed to 64 bits): an edit adds or removes at most one letter
        # kind and a substitution both, so sets d edits apart differ in at most 2d bits.
        ok = _popcount(signature[i] ^ signature[j]) <= 2 * allowed
        i, j, allowed = i[ok], j[ok], allowed[ok]
        # Letter histograms (hashed to 32 bins) differ by at most 2 per edit in L1: a cheap
        # filter against phrases that share a rare 3-gram and little else.
        gap = np.abs(histogram[i] - histogram[j]).sum(axis=1)
        ok = gap <= 2 * allowed
        return i[ok], j[ok]

    found_i: list[np.ndarray] = []
    found_j: list[np.ndarray] = []

    def verified(i: np.ndarray, j: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        allowed = np.minimum(tau[i], tau[j])
        d = _osa(strings, i, j, cutoff=max_edits)
        longest = np.maximum(lengths[i], lengths[j])
        ok = (d <= allowed) & (1.0 - d / longest >= threshold - 1e-12)
        if limit is not None and keep is not None:
            ok[ok] = keep(i[ok], j[ok])
        return i[ok], j[ok], d[ok]

    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # verified pairs

    def check_size() -> None:
        # candidates are a superset of the pairs: verify them once they could exceed the limit
        if limit is None or sum(map(len, found_i)) <= limit:
            return
        done.append(verified(np.concatenate(found_i), np.concatenate(found_j)))
        found_i.clear()
        found_j.clear()
        n_done = sum(len(part[0]) for part in done)
        if n_done > limit:
            raise _too_many(n_done, limit, searching=True)

    # Sorted by length, a chunk of rows only meets the band of columns whose lengths are
    # within max_edits of its own: the length filter without forming the other pairs.
    by_length = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[by_length]
    prefix = prefix[by_length]
    prefix_t = prefix.T.tocsr()
    chunk = 512
    start = 0
    while start < n:
        stop = min(n, start + chunk)
        band = int(np.searchsorted(sorted_lengths, sorted_lengths[stop - 1] + max_edits, side="right"))
        product = prefix[start:stop] @ prefix_t[:, start:band]
        if product.nnz > _PRODUCT_NNZ and stop - start > 16:
            chunk = max(16, chunk // 2)
            continue
        li = np.repeat(np.arange(stop - start), np.diff(product.indptr))
        lj = product.indices.astype(np.int64)
        ok = lj > li
        a = by_length[li[ok] + start]
        b = by_length[lj[ok] + start]
        a, b = survivors(np.minimum(a, b), np.maximum(a, b), exhaustive=False)
        found_i.append(a)
        found_j.append(b)
        check_size()
        start = stop
    short_rows = np.flatnonzero(short)
    for s in range(0, len(short_rows), 2048):  # exhaustive part, in bounded blocks
        block = short_rows[s : s + 2048]
        a = np.repeat(block, len(short_rows))
        b = np.tile(short_rows, len(block))
        ok = a < b
        a, b = survivors(a[ok], b[ok], exhaustive=True)
        found_i.append(a)
        found_j.append(b)
        check_size()
    if found_i:
        done.append(verified(np.concatenate(found_i), np.concatenate(found_j)))
    if not done:
        return empty
    i, j, d = (np.concatenate(part) for part in zip(*done))
    if limit is not None and len(i) > limit:
        raise _too_many(len(i), limit, searching=True)
    return i, j, d


# --------------------------------------------------------------------------- public function


def _search(
    space: PhraseSpace,
    rows: np.ndarray,
    threshold: float,
    max_edits: int,
    prune: Any = None,
    limit: int | None = None,
    keep: Any = None,
) -> dict[str, np.ndarray]:
    """Scored pairs (local indices into ``rows``, ``i < j``) with ``score >= threshold``
    (``limit`` and ``keep``: see :func:`_edit_pairs`)."""
    import numpy as np

    X = space.tfidf[rows]
    strings = [space.phrases[r] for r in rows]
    lengths = space.lengths[rows]
    ci, cj, cc = _cosine_pairs(X, threshold, prune, limit)
    ei, ej, ed = _edit_pairs(space.counts[rows], strings, lengths, threshold, max_edits, limit, keep)
    n = len(rows)
    key_c = ci * n + cj
    key_e = ei * n + ej
    keys = unique_ints(np.concatenate([key_c, key_e]))
    i, j = keys // n, keys % n
    cosine = np.full(len(keys), np.nan)
    edits = np.full(len(keys), -1, dtype=np.int64)
    cosine[np.searchsorted(keys, key_c)] = cc
    edits[np.searchsorted(keys, key_e)] = ed
    missing = np.isnan(cosine)
    cosine[missing] = _rowwise_dot(X, i[missing], j[missing])
    missing = edits < 0
    edits[missing] = _osa(strings, i[missing], j[missing])
    longest = np.maximum(np.maximum(lengths[i], lengths[j]), 1)
    edit_similarity = 1.0 - edits / longest
    score = np.where(edits <= max_edits, np.maximum(cosine, edit_similarity), cosine)
    ok = score >= threshold - 1e-12
    return {
        "i": i[ok],
        "j": j[ok],
        "cosine": cosine[ok],
        "edits": edits[ok],
        "edit_similarity": edit_similarity[ok],
        "score": score[ok],
    }


def selected_vocabulary(vocab_all: pd.DataFrame, chosen: pd.DataFrame) -> pd.DataFrame:
    """Rows of the account's vocabulary frame for the ``chosen`` trackers, in their order."""
    import numpy as np

    order = {tid: k for k, tid in enumerate(chosen["tracker_id"])}
    rank = vocab_all["tracker_id"].map(order)
    keep = rank.notna().to_numpy()
    picked = vocab_all[keep]
    return picked.iloc[np.argsort(rank[keep].to_numpy(), kind="stable")].reset_index(drop=True)


def _too_many(
    count: int, limit: int, *, searching: bool = False, estimated: bool = False
) -> ResultTooLargeError:
    """The error for a result over ``max_pairs`` rows; :func:`similar_phrases` adds the hints."""
    if estimated:
        found = f"at least {count:,} pairs (estimated from a sample of pairs)"
    else:
        found = f"{'more than ' if searching else ''}{count:,} pairs"
    return ResultTooLargeError(
        f"similar_phrases would return {found}, over max_pairs={limit:,}", count=count, limit=limit
    )


def _empty_pairs() -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame({c: [] for c in PAIR_COLUMNS})
    for c in ("position_a", "position_b", "edits"):
        frame[c] = frame[c].astype("int64")
    for c in ("score", "cosine", "edit_similarity"):
        frame[c] = frame[c].astype("float64")
    for c in ("tracker_id_a", "tracker_a", "phrase_a", "tracker_id_b", "tracker_b", "phrase_b", "kind"):
        frame[c] = frame[c].astype("str")
    return frame


def similar_phrases(
    trackers: Any,
    threshold: float | None = None,
    top_n: int | None = 10,
    scope: str = "across",
    *,
    select: Select = None,
    max_edits: int = DEFAULT_MAX_EDITS,
    max_pairs: int | None = DEFAULT_MAX_PAIRS,
) -> pd.DataFrame:
    """Pairs of near-duplicate phrases, best first.

    ``threshold`` (default 0.8) applies to ``score`` (see the module docs: TF-IDF cosine of
    character 3-grams, raised to the edit similarity for pairs at most ``max_edits`` edits
    apart). ``top_n`` keeps each distinct phrase's best partners (``None``: all pairs above
    the threshold); exact duplicates are always kept. ``scope``: ``"across"`` (pairs in two
    different trackers), ``"within"`` (pairs inside one tracker) or ``"all"``.

    One row per pair of phrase occurrences, ``a`` being the earlier one (tracker order, then
    position; tracker order is the order of ``trackers``, or of ``select`` when given). Rows
    are in a total order: ``score`` descending, then ``a`` (tracker order, then position),
    then ``b`` likewise. Columns: ``tracker_id_a``, ``tracker_a``, ``position_a``, ``phrase_a`` (as
    written), the same four for ``b``, ``score``, ``cosine``, ``edit_similarity``, ``edits``
    (OSA distance between the normalized phrases) and ``kind``: ``"exact"`` (identical as
    written), ``"normalized"`` (identical after normalization) or ``"near"``.

    A result of more than ``max_pairs`` rows (:data:`DEFAULT_MAX_PAIRS`, 5 million; ``None``:
    no limit) raises :class:`ResultTooLargeError` as soon as the search finds that many, before
    memory runs out: raise ``threshold``, set ``top_n`` or select fewer trackers.

        >>> account = [
        ...     {"id": "1", "name": "A", "vocabulary": ["send me the invoice", "send me the invocie"]},
        ...     {"id": "2", "name": "B", "vocabulary": ["Send me the invoice!"]},
        ... ]
        >>> similar_phrases(account, scope="all")[["tracker_a", "phrase_a", "tracker_b", "phrase_b", "kind"]]
          tracker_a             phrase_a tracker_b              phrase_b        kind
        0         A  send me the invoice         B  Send me the invoice!  normalized
        1         A  send me the invoice         A   send me the invocie        near
        2         A  send me the invocie         B  Send me the invoice!        near
    """
    import numpy as np
    import pandas as pd

    threshold = DEFAULT_THRESHOLD if threshold is None else check_fraction("threshold", threshold)
    top_n = check_count("top_n", top_n, allow_none=True)
    check_choice("scope", scope, SCOPES)
    max_edits = check_count("max_edits", max_edits, minimum=0)
    max_pairs = check_count("max_pairs", max_pairs, minimum=0, allow_none=True)
    frame, chosen = prepare(trackers, select)
    vocab_all = vocabulary_frame(frame)
    vocab = vocab_all if select is None else selected_vocabulary(vocab_all, chosen)
    vocab = vocab[vocab["phrase_norm"] != ""].reset_index(drop=True)
    if len(vocab) < 2:
        return _empty_pairs()
    space = PhraseSpace.of(vocab_all)
    unique_norms, codes = np.unique(vocab["phrase_norm"].to_numpy(dtype=object), return_inverse=True)
    rows = np.fromiter((space.index[p] for p in unique_norms), dtype=np.int64, count=len(unique_norms))
    tracker_codes = pd.factorize(vocab["tracker_id"])[0]
    n_unique = len(unique_norms)

    # which trackers each distinct phrase is in, to know which pairs the scope can use
    import scipy.sparse as sp

    member = sp.csr_matrix(
        (np.ones(len(vocab)), (codes, tracker_codes)), shape=(n_unique, int(tracker_codes.max()) + 1)
    )
    occurrences = member.copy()  # how often each distinct phrase is in each tracker
    member.data[:] = 1.0
    n_trackers = np.asarray(member.sum(axis=1)).ravel()

    def eligible(i: np.ndarray, j: np.ndarray) -> np.ndarray:
        if scope == "all" or len(i) == 0:
            return np.ones(len(i), dtype=bool)
        common = _rowwise_dot_raw(member, i, j)
        if scope == "within":
            return common > 0
        return n_trackers[i] * n_trackers[j] > common

    prune = None
    if top_n is None and scope != "all":

        def prune(i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
            return eligible(i, j)  # only the pairs the scope keeps count towards max_pairs

    if top_n is not None:

        def prune(i: np.ndarray, j: np.ndarray, cos: np.ndarray) -> np.ndarray:
            ok = eligible(i, j)
            mask = np.zeros(len(i), dtype=bool)
            idx = np.flatnonzero(ok)
            mask[idx[top_n_mask(i[idx], j[idx], cos[idx], top_n)]] = True
            return mask

    def too_many(exc: ResultTooLargeError) -> ResultTooLargeError:
        hints = [f"raise threshold (now {threshold:g})"]
        if top_n is None:
            hints.append("set top_n (each phrase's best partners only)")
        hints.append("select fewer trackers (select=)")
        if scope == "all":
            hints.append("use scope='across' or 'within'")
        hints.append("or raise max_pairs if the memory is there")
        narrowed = ResultTooLargeError(
            f"{exc}; narrow it: {', '.join(hints)}", count=exc.count, limit=exc.limit
        )
        return narrowed

    if top_n is None and max_pairs is not None:  # score >= cosine: these pairs are all returned
        floor = _sampled_pairs_floor(space.tfidf[rows], threshold - 1e-12, eligible)
        if floor > max_pairs:
            raise too_many(_too_many(floor, max_pairs, estimated=True))
    try:
        found = _search(
            space, rows, threshold, max_edits, prune, max_pairs, None if scope == "all" else eligible
        )
    except ResultTooLargeError as exc:
        raise too_many(exc) from None
    ok = eligible(found["i"], found["j"])
    found = {k: v[ok] for k, v in found.items()}
    if top_n is not None and len(found["i"]):
        ok = top_n_mask(found["i"], found["j"], found["score"], top_n)
        found = {k: v[ok] for k, v in found.items()}

    # expand distinct-phrase pairs to occurrence pairs
    occ = np.argsort(codes, kind="stable")
    n_occ = np.bincount(codes, minlength=n_unique)
    occ_start = np.concatenate([[0], np.cumsum(n_occ)[:-1]])
    ui, uj = found["i"], found["j"]
    reps = n_occ[ui] * n_occ[uj]
    if max_pairs is not None:  # count the rows before building them
        n_rows = _result_rows(occurrences, n_occ, ui, uj, scope)
        if n_rows > max_pairs:
            raise too_many(_too_many(n_rows, max_pairs))
    pair = np.repeat(np.arange(len(ui)), reps)
    within = ragged_arange(np.zeros(len(ui), np.int64), reps)
    left = occ[occ_start[ui[pair]] + within // n_occ[uj[pair]]]
    right = occ[occ_start[uj[pair]] + within % n_occ[uj[pair]]]
    parts = {k: found[k][pair] for k in ("cosine", "edits", "edit_similarity", "score")}
    # exact duplicates: every pair of occurrences of one distinct phrase
    dup_left: list[int] = []
    dup_right: list[int] = []
    for u in np.flatnonzero(n_occ > 1):
        members = occ[occ_start[u] : occ_start[u] + n_occ[u]]
        for x in range(len(members)):
            for y in range(x + 1, len(members)):
                dup_left.append(int(members[x]))
                dup_right.append(int(members[y]))
    n_dup = len(dup_left)
    left = np.concatenate([left, np.asarray(dup_left, dtype=np.int64)])
    right = np.concatenate([right, np.asarray(dup_right, dtype=np.int64)])
    for key, one in (("cosine", 1.0), ("edit_similarity", 1.0), ("score", 1.0)):
        parts[key] = np.concatenate([parts[key], np.full(n_dup, one)])
    parts["edits"] = np.concatenate([parts["edits"], np.zeros(n_dup, dtype=np.int64)])
    a = np.minimum(left, right)
    b = np.maximum(left, right)
    same_tracker = tracker_codes[a] == tracker_codes[b]
    keep = {"across": ~same_tracker, "within": same_tracker, "all": np.ones(len(a), bool)}[scope]
    a, b = a[keep], b[keep]
    parts = {k: v[keep] for k, v in parts.items()}
    if len(a) == 0:
        return _empty_pairs()
    # score, then a, then b (occurrence numbers: tracker order, then position): a total order
    order = np.lexsort((b, a, -parts["score"]))
    a, b = a[order], b[order]
    parts = {k: v[order] for k, v in parts.items()}
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
            "score": parts["score"],
            "cosine": parts["cosine"],
            "edit_similarity": parts["edit_similarity"],
            "edits": parts["edits"].astype(np.int64),
            "kind": kind,
        },
        columns=list(PAIR_COLUMNS),
    )
    for c in ("tracker_id_a", "tracker_a", "phrase_a", "tracker_id_b", "tracker_b", "phrase_b", "kind"):
        out[c] = out[c].astype("str")
    out.attrs.update(threshold=threshold, top_n=top_n, scope=scope, max_edits=max_edits)
    return out


def _sampled_pairs_floor(X: sp.csr_matrix, threshold: float, keep: Any, samples: int = 20_000) -> int:
    """A lower bound (three standard deviations under the estimate) of the pairs of rows of
    ``X`` with cosine >= ``threshold`` that ``keep(i, j)`` keeps, from a fixed random sample of
    pairs: a hopeless query is refused in milliseconds instead of after a long search."""
    import numpy as np

    n = X.shape[0]
    if n < 2:
        return 0
    rng = np.random.default_rng(0)  # the same query always gets the same answer
    i = rng.integers(0, n, samples)
    j = rng.integers(0, n, samples)
    ok = i != j
    i, j = np.minimum(i[ok], j[ok]), np.maximum(i[ok], j[ok])
    hits = int(((_rowwise_dot(X, i, j) >= threshold) & keep(i, j)).sum())
    floor = max(0.0, hits - 3.0 * hits**0.5) / max(len(i), 1)
    return int(floor * (n * (n - 1) // 2))


def _result_rows(
    occurrences: sp.csr_matrix, n_occ: np.ndarray, ui: np.ndarray, uj: np.ndarray, scope: str
) -> int:
    """Rows :func:`similar_phrases` returns for the distinct-phrase pairs ``(ui, uj)``: every
    pair of their occurrences, plus every pair of occurrences of one phrase (exact duplicates),
    those in one tracker (``"within"``), in two (``"across"``) or all."""
    import numpy as np

    everything = int((n_occ[ui] * n_occ[uj]).sum()) + int((n_occ * (n_occ - 1) // 2).sum())
    if scope == "all":
        return everything
    counts = occurrences.data.astype(np.int64)  # occurrences of a phrase in one tracker
    same_tracker = int(_rowwise_dot_raw(occurrences, ui, uj).sum()) if len(ui) else 0
    same_tracker += int((counts * (counts - 1) // 2).sum())
    return same_tracker if scope == "within" else everything - same_tracker


def _rowwise_dot_raw(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``X[i] . X[j]`` without clipping (counts, not cosines)."""
    import numpy as np

    return np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()
