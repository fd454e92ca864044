"""The exact search behind :func:`trackerkit.similar_phrases`: every pair of distinct normalized
phrases whose score reaches a threshold, without forming the all-pairs product.

**What is scored** (:class:`PhraseSpace`, :func:`score_pairs`): ``cosine``, the cosine
similarity of character 3-gram TF-IDF vectors (as scikit-learn's ``analyzer="char_wb"`` and
``TfidfTransformer()`` compute them), and ``edit_similarity``, ``1 - edits / max(len_a, len_b)``
where ``edits`` is the optimal string alignment distance (rapidfuzz's OSA). ``score`` is
``max(cosine, edit_similarity)`` for pairs at most ``max_edits`` edits apart, else ``cosine``.

**How it scales.** Two candidate searches, both exact, not sampled:

* :func:`cosine_pairs`: all-pairs similarity search with prefix filtering. Features are ordered
  from common to rare; each phrase is indexed only by its rare features (the common "head" is
  kept under ``threshold`` in norm, so any pair reaching ``threshold`` shares an indexed
  feature), the sparse product of the indexes gives candidates, a Cauchy-Schwarz bound prunes
  them and the survivors are verified with an exact dot product. Rows are processed in chunks
  so memory stays bounded; the full product (nearly dense for character n-grams) is never formed.
* :func:`edit_pairs`: q-gram prefix filtering (an edit destroys at most 4 of the character
  3-grams, so phrases within ``d`` edits share one of their ``4d + 1`` rarest 3-grams), then
  rapidfuzz verifies candidates; phrases too short for the filter are compared exhaustively.

Both count what they hold: more than ``limit`` pairs raise :class:`ResultTooLargeError`
(:func:`too_many_pairs`) before memory runs out.

    >>> import numpy as np
    >>> space = PhraseSpace(["reset my password", "reset my pasword", "talk to a manager"])
    >>> found = score_pairs(space, np.arange(3), threshold=0.8, max_edits=2)
    >>> found["i"].tolist(), found["j"].tolist(), found["edits"].tolist()
    ([0], [1], [1])
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from trackerkit.analysis._vectorize import char_wb_counts, ragged_arange, unique_ints
from trackerkit.errors import ResultTooLargeError, TrackerDataError

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    #: ``prune(i, j, cosine) -> mask`` or ``keep(i, j) -> mask`` over candidate pairs
    PairFilter = Callable[..., np.ndarray]

__all__ = [
    "PhraseSpace",
    "best_k_mask",
    "cosine_pairs",
    "edit_pairs",
    "osa_distances",
    "popcount",
    "rowwise_count_dot",
    "rowwise_dot",
    "sampled_pairs_floor",
    "score_pairs",
    "too_many_pairs",
]

_NGRAM = 3
_EDIT_LOSS = _NGRAM + 1  # 3-grams one OSA edit can destroy (a swap touches four windows)
_CHUNK_BYTES = 96 << 20  # dense block used to verify cosine candidates
_PRODUCT_NNZ = 4_000_000  # candidate pairs materialised per chunk, about 100 MB
_PRUNE_AT = 2_000_000  # pairs held before keeping only the best k of each phrase


# --------------------------------------------------------------------------- phrase space


class PhraseSpace:
    """The distinct normalized phrases of an account as character 3-gram counts and TF-IDF.

    ``index`` maps a normalized phrase to its row; ``phrases[row]`` is the phrase.
    """

    def __init__(self, phrases: list[str]) -> None:
        import numpy as np  # lazy: heavy

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
        import numpy as np  # lazy: heavy
        from rapidfuzz import process  # lazy: heavy
        from rapidfuzz.distance import OSA  # lazy: heavy

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


def too_many_pairs(
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


def char_histograms(strings: list[str], buckets: int = 32) -> np.ndarray:
    """Per-string character counts, characters hashed into ``buckets`` bins (int16)."""
    import numpy as np  # lazy: heavy

    lengths = np.fromiter((len(s) for s in strings), dtype=np.int64, count=len(strings))
    codes = np.frombuffer("".join(strings).encode("utf-32-le"), dtype=np.uint32)
    rows = np.repeat(np.arange(len(strings)), lengths)
    flat = rows * buckets + (codes % buckets)
    counts = np.bincount(flat, minlength=len(strings) * buckets)
    return counts.reshape(len(strings), buckets).astype(np.int16)


def char_signatures(histogram: np.ndarray) -> np.ndarray:
    """One uint64 per string: bit b set when a character of bucket b occurs (32 buckets in the
    low half) and when it occurs twice or more (the high half)."""
    import numpy as np  # lazy: heavy

    weights = np.left_shift(np.uint64(1), np.arange(histogram.shape[1], dtype=np.uint64))
    once = ((histogram >= 1).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    twice = ((histogram >= 2).astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    return once | (twice << np.uint64(histogram.shape[1]))


def popcount(words: np.ndarray) -> np.ndarray:
    """The number of set bits of each uint64 (``np.bitwise_count`` is numpy >= 2 only)."""
    import numpy as np  # lazy: heavy

    return np.bitwise_count(words) if hasattr(np, "bitwise_count") else popcount_swar(words)


def popcount_swar(words: np.ndarray) -> np.ndarray:
    """:func:`popcount` for numpy 1.x: bit counts of 2, 4, 8 bits side by side, then the bytes
    summed by one multiplication (uint64 arithmetic wraps)."""
    import numpy as np  # lazy: heavy

    m1, m2, m4 = np.uint64(0x5555555555555555), np.uint64(0x3333333333333333), np.uint64(0x0F0F0F0F0F0F0F0F)
    x = words - ((words >> np.uint64(1)) & m1)
    x = (x & m2) + ((x >> np.uint64(2)) & m2)
    x = (x + (x >> np.uint64(4))) & m4
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.uint8)


def rowwise_dot(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray, batch: int = 200_000) -> np.ndarray:
    """``X[i[k]] . X[j[k]]`` for every k, clipped to [0, 1] (cosines of L2-normalised rows)."""
    import numpy as np  # lazy: heavy

    out = np.empty(len(i), dtype=np.float64)
    for s in range(0, len(i), batch):
        a = X[i[s : s + batch]]
        b = X[j[s : s + batch]]
        out[s : s + batch] = np.asarray(a.multiply(b).sum(axis=1)).ravel()
    return np.clip(out, 0.0, 1.0)


def rowwise_count_dot(X: sp.csr_matrix, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """``X[i] . X[j]`` without clipping (counts, not cosines)."""
    import numpy as np  # lazy: heavy

    return np.asarray(X[i].multiply(X[j]).sum(axis=1)).ravel()


def osa_distances(strings: list[str], i: np.ndarray, j: np.ndarray, cutoff: int | None = None) -> np.ndarray:
    """OSA edit distance of each pair (``cutoff + 1`` when above ``cutoff``)."""
    import numpy as np  # lazy: heavy
    from rapidfuzz import process  # lazy: heavy
    from rapidfuzz.distance import OSA  # lazy: heavy

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


def best_k_mask(i: np.ndarray, j: np.ndarray, score: np.ndarray, k: int) -> np.ndarray:
    """Pairs among the ``k`` best of either side (ties: lower partner index first).

    >>> import numpy as np
    >>> best_k_mask(np.array([0, 0, 1]), np.array([1, 2, 2]), np.array([0.9, 0.8, 0.7]), 1).tolist()
    [True, True, False]
    """
    import numpy as np  # lazy: heavy

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
    keep[pid[order[rank < k]]] = True
    return keep


def sampled_pairs_floor(X: sp.csr_matrix, threshold: float, keep: PairFilter, samples: int = 20_000) -> int:
    """A lower bound (three standard deviations under the estimate) of the pairs of rows of
    ``X`` with cosine >= ``threshold`` that ``keep(i, j)`` keeps, from a fixed random sample of
    pairs: a hopeless query is refused in milliseconds instead of after a long search."""
    import numpy as np  # lazy: heavy

    n = X.shape[0]
    if n < 2:
        return 0
    rng = np.random.default_rng(0)  # the same query always gets the same answer
    i = rng.integers(0, n, samples)
    j = rng.integers(0, n, samples)
    ok = i != j
    i, j = np.minimum(i[ok], j[ok]), np.maximum(i[ok], j[ok])
    hits = int(((rowwise_dot(X, i, j) >= threshold) & keep(i, j)).sum())
    floor = max(0.0, hits - 3.0 * hits**0.5) / max(len(i), 1)
    return int(floor * (n * (n - 1) // 2))


# --------------------------------------------------------------------------- cosine search


@dataclass(frozen=True)
class _CosineIndex:
    """Rows of ``X`` with features ranked common (0) to rare, split into an unindexed head and
    an indexed tail, plus the bounds that prune candidates (see :func:`_cosine_index`)."""

    ranked: sp.csr_matrix  # X with columns renumbered by rank, indices sorted
    tail: sp.csr_matrix  # the indexed (rare) part of each row
    tail_t: sp.csr_matrix
    head_norm: np.ndarray  # norm of each row's head
    boundary: np.ndarray  # rank of each row's first indexed feature
    edges: np.ndarray  # rank levels of ``below``
    below: np.ndarray  # norm of each row below each rank level


def _cosine_index(X: sp.csr_matrix, threshold: float) -> _CosineIndex:
    """The prefix-filtering index of ``X`` (L2-normalised, non-negative) for ``threshold``."""
    import numpy as np  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    n, n_features = X.shape
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
    return _CosineIndex(R, tail, tail.T.tocsr(), head_norm, boundary, edges, below)


def _bounded_candidates(
    index: _CosineIndex, product: sp.csr_matrix, start: int, threshold: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(li, i, j)``: pairs of a chunk's tail product (rows ``start...``) whose cosine can
    still reach ``threshold``, ``li`` being ``i`` local to the chunk."""
    import numpy as np  # lazy: heavy

    # any pair below this partial score cannot reach threshold, whatever its head holds
    floor = threshold - float(index.head_norm.max()) - 1e-9
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
    b_is_j = index.boundary[j] >= index.boundary[i]
    a = np.where(b_is_j, i, j)
    b = np.where(b_is_j, j, i)
    keep = partial + index.head_norm[b] >= threshold - 1e-9
    li, i, j, a, b, partial = li[keep], i[keep], j[keep], a[keep], b[keep], partial[keep]
    level = np.minimum(np.searchsorted(index.edges, index.boundary[b], side="left"), len(index.edges) - 1)
    keep = partial + index.head_norm[b] * np.minimum(index.below[a, level], 1.0) >= threshold - 1e-9
    return li[keep], i[keep], j[keep]


def _exact_cosines(
    index: _CosineIndex, dense: np.ndarray, start: int, stop: int, li: np.ndarray, j: np.ndarray
) -> np.ndarray:
    """Exact cosine of each candidate (chunk row ``li``, row ``j``), the chunk's rows spread in
    the reused ``dense`` block (left zeroed)."""
    import numpy as np  # lazy: heavy

    R = index.ranked
    block = R[start:stop]
    block_rows = np.repeat(np.arange(stop - start), np.diff(block.indptr))
    dense[block_rows, block.indices] = block.data
    counts = np.diff(R.indptr)[j]
    entries = ragged_arange(R.indptr[j], counts)
    values = dense[np.repeat(li, counts), R.indices[entries]] * R.data[entries]
    dense[block_rows, block.indices] = 0.0
    return np.add.reduceat(values, np.cumsum(counts) - counts)


def cosine_pairs(
    X: sp.csr_matrix, threshold: float, prune: PairFilter | None = None, limit: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``i < j`` of rows of ``X`` (L2-normalised, non-negative) with cosine >= threshold.

    ``prune(i, j, cos) -> mask``, if given, is applied to the pairs gathered so far whenever they
    grow large, which bounds memory on degenerate inputs (thousands of near-identical phrases).
    More than ``limit`` pairs held after pruning raise :class:`ResultTooLargeError`.
    """
    import numpy as np  # lazy: heavy

    n, n_features = X.shape
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64))
    if n < 2 or X.nnz == 0:
        return empty
    index = _cosine_index(X, threshold)
    chunk = int(max(16, min(4096, _CHUNK_BYTES // (8 * max(n_features, 1)))))
    dense = np.zeros((chunk, n_features))  # reused; only touched cells are reset
    out_i: list[np.ndarray] = []
    out_j: list[np.ndarray] = []
    out_c: list[np.ndarray] = []
    held = 0
    start = 0
    while start < n:
        stop = min(n, start + chunk)
        product = index.tail[start:stop] @ index.tail_t[:, start:]
        if product.nnz > _PRODUCT_NNZ and stop - start > 16:
            chunk = max(16, chunk // 2)  # a dense block of similar phrases: smaller steps
            continue
        li, i, j = _bounded_candidates(index, product, start, threshold)
        if len(i):
            cos = _exact_cosines(index, dense, start, stop, li, j)
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
            raise too_many_pairs(held, limit, searching=True)
        start = stop
    if not out_i:
        return empty
    return np.concatenate(out_i), np.concatenate(out_j), np.concatenate(out_c)


# --------------------------------------------------------------------------- edit search


@dataclass(frozen=True)
class _EditSearch:
    """What the edit search of one query filters and verifies candidates with."""

    strings: list[str]
    lengths: np.ndarray
    threshold: float
    max_edits: int
    tau: np.ndarray  # edits a qualifying pair can have, seen from each side
    short: np.ndarray  # rows with too few 3-grams for the prefix filter
    prefix: sp.csr_matrix  # each row's 4 * tau + 1 rarest 3-grams
    histogram: np.ndarray
    signature: np.ndarray
    limit: int | None
    keep: PairFilter | None


def _edit_search(
    counts: sp.csr_matrix,
    strings: list[str],
    lengths: np.ndarray,
    threshold: float,
    max_edits: int,
    limit: int | None,
    keep: PairFilter | None,
) -> _EditSearch:
    """The prefix index and filters of an edit search (see :func:`edit_pairs`)."""
    import numpy as np  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    n = counts.shape[0]
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
    histogram = char_histograms(strings)
    signature = char_signatures(histogram)
    return _EditSearch(
        strings, lengths, threshold, max_edits, tau, short, prefix, histogram, signature, limit, keep
    )


def _prefix_candidates(search: _EditSearch) -> Iterator[tuple[np.ndarray, np.ndarray, bool]]:
    """Candidate pairs ``(a, b, False)`` sharing a prefix 3-gram, chunk by chunk.

    Sorted by length, a chunk of rows only meets the band of columns whose lengths are within
    ``max_edits`` of its own: the length filter without forming the other pairs.
    """
    import numpy as np  # lazy: heavy

    n = len(search.lengths)
    by_length = np.argsort(search.lengths, kind="stable")
    sorted_lengths = search.lengths[by_length]
    prefix = search.prefix[by_length]
    prefix_t = prefix.T.tocsr()
    chunk = 512
    start = 0
    while start < n:
        stop = min(n, start + chunk)
        band = int(np.searchsorted(sorted_lengths, sorted_lengths[stop - 1] + search.max_edits, side="right"))
        product = prefix[start:stop] @ prefix_t[:, start:band]
        if product.nnz > _PRODUCT_NNZ and stop - start > 16:
            chunk = max(16, chunk // 2)
            continue
        li = np.repeat(np.arange(stop - start), np.diff(product.indptr))
        lj = product.indices.astype(np.int64)
        ok = lj > li
        a = by_length[li[ok] + start]
        b = by_length[lj[ok] + start]
        yield np.minimum(a, b), np.maximum(a, b), False
        start = stop


def _short_candidates(search: _EditSearch) -> Iterator[tuple[np.ndarray, np.ndarray, bool]]:
    """Every pair ``(a, b, True)`` of phrases too short for the prefix filter, in bounded blocks."""
    import numpy as np  # lazy: heavy

    short_rows = np.flatnonzero(search.short)
    for s in range(0, len(short_rows), 2048):
        block = short_rows[s : s + 2048]
        a = np.repeat(block, len(short_rows))
        b = np.tile(short_rows, len(block))
        ok = a < b
        yield a[ok], b[ok], True


def _edit_survivors(
    search: _EditSearch, i: np.ndarray, j: np.ndarray, exhaustive: bool
) -> tuple[np.ndarray, np.ndarray]:
    """The candidates cheap filters cannot rule out (lengths, letter sets, letter histograms)."""
    import numpy as np  # lazy: heavy

    if not exhaustive:  # short x short pairs are produced once, by the exhaustive part
        ok = ~(search.short[i] & search.short[j])
        i, j = i[ok], j[ok]
    allowed = np.minimum(search.tau[i], search.tau[j])
    ok = np.abs(search.lengths[i] - search.lengths[j]) <= allowed
    i, j, allowed = i[ok], j[ok], allowed[ok]
    # Which letters occur (hashed to 64 bits): an edit adds or removes at most one letter
    # kind and a substitution both, so sets d edits apart differ in at most 2d bits.
    ok = popcount(search.signature[i] ^ search.signature[j]) <= 2 * allowed
    i, j, allowed = i[ok], j[ok], allowed[ok]
    # Letter histograms (hashed to 32 bins) differ by at most 2 per edit in L1: a cheap
    # filter against phrases that share a rare 3-gram and little else.
    gap = np.abs(search.histogram[i] - search.histogram[j]).sum(axis=1)
    ok = gap <= 2 * allowed
    return i[ok], j[ok]


def _edit_verified(
    search: _EditSearch, i: np.ndarray, j: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(i, j, edits)`` of the candidates whose OSA distance qualifies (and ``keep`` keeps,
    when there is a limit)."""
    import numpy as np  # lazy: heavy

    allowed = np.minimum(search.tau[i], search.tau[j])
    d = osa_distances(search.strings, i, j, cutoff=search.max_edits)
    longest = np.maximum(search.lengths[i], search.lengths[j])
    ok = (d <= allowed) & (1.0 - d / longest >= search.threshold - 1e-12)
    if search.limit is not None and search.keep is not None:
        ok[ok] = search.keep(i[ok], j[ok])
    return i[ok], j[ok], d[ok]


def _verify_when_over_limit(
    search: _EditSearch,
    pending_i: list[np.ndarray],
    pending_j: list[np.ndarray],
    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> None:
    """Candidates are a superset of the pairs: verify the pending ones (moving them to
    ``done``) once they could exceed the limit, and stop when the verified ones do."""
    import numpy as np  # lazy: heavy

    limit = search.limit
    if limit is None or sum(map(len, pending_i)) <= limit:
        return
    done.append(_edit_verified(search, np.concatenate(pending_i), np.concatenate(pending_j)))
    pending_i.clear()
    pending_j.clear()
    n_done = sum(len(part[0]) for part in done)
    if n_done > limit:
        raise too_many_pairs(n_done, limit, searching=True)


def edit_pairs(
    counts: sp.csr_matrix,
    strings: list[str],
    lengths: np.ndarray,
    threshold: float,
    max_edits: int,
    limit: int | None = None,
    keep: PairFilter | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All pairs ``i < j`` within ``max_edits`` OSA edits whose edit similarity >= threshold
    (more than ``limit`` of them that ``keep(i, j)``, if given, keeps raise
    :class:`ResultTooLargeError`; with a limit, only those are returned).

    ``counts`` holds the character 3-grams (``char_wb``) of ``strings``. One OSA edit changes
    at most 4 of them (the windows centred on the 2-4 characters it touches), so two strings
    ``d`` edits apart share at least ``max(|Ga|, |Gb|) - 4d`` distinct grams, and with every
    gram set listed rarest first, their first ``4d + 1`` grams intersect (prefix filtering).
    """
    import numpy as np  # lazy: heavy

    n = counts.shape[0]
    empty = (np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.int64))
    if n < 2 or max_edits < 1:
        return empty
    search = _edit_search(counts, strings, lengths, threshold, max_edits, limit, keep)
    pending_i: list[np.ndarray] = []
    pending_j: list[np.ndarray] = []
    done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # verified pairs
    for candidates in (_prefix_candidates(search), _short_candidates(search)):
        for a, b, exhaustive in candidates:
            a, b = _edit_survivors(search, a, b, exhaustive)
            pending_i.append(a)
            pending_j.append(b)
            _verify_when_over_limit(search, pending_i, pending_j, done)
    if pending_i:
        done.append(_edit_verified(search, np.concatenate(pending_i), np.concatenate(pending_j)))
    if not done:
        return empty
    i, j, d = (np.concatenate(part) for part in zip(*done))
    if limit is not None and len(i) > limit:
        raise too_many_pairs(len(i), limit, searching=True)
    return i, j, d


# --------------------------------------------------------------------------- scoring


def score_pairs(
    space: PhraseSpace,
    rows: np.ndarray,
    threshold: float,
    max_edits: int,
    prune: PairFilter | None = None,
    limit: int | None = None,
    keep: PairFilter | None = None,
) -> dict[str, np.ndarray]:
    """Scored pairs (local indices into ``rows``, ``i < j``, ascending) with ``score >=
    threshold``: the union of both searches, each pair completed with the score the other
    search did not compute (``prune``: see :func:`cosine_pairs`; ``limit`` and ``keep``: see
    :func:`edit_pairs`). Keys: ``i``, ``j``, ``cosine``, ``edits``, ``edit_similarity``, ``score``."""
    import numpy as np  # lazy: heavy

    X = space.tfidf[rows]
    strings = [space.phrases[r] for r in rows]
    lengths = space.lengths[rows]
    ci, cj, cc = cosine_pairs(X, threshold, prune, limit)
    ei, ej, ed = edit_pairs(space.counts[rows], strings, lengths, threshold, max_edits, limit, keep)
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
    cosine[missing] = rowwise_dot(X, i[missing], j[missing])
    missing = edits < 0
    edits[missing] = osa_distances(strings, i[missing], j[missing])
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
