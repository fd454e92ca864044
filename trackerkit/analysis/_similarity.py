"""Similarity between trackers (by their words, or by meaning), nearest trackers, and two
trackers side by side.

**Representation.** Each tracker is one document made of its normalized phrases: the term
counts of its phrases are added up (n-grams never span two phrases), weighted by TF-IDF with
``sublinear_tf=True`` (``1 + log(tf)``) and IDF learned across the trackers, L2-normalised;
similarity is the cosine. The default terms are character 3-5-grams inside word boundaries
(``analyzer="char_wb"``), which match ``discount``/``discounts`` and survive typos; ``"word"``
is available. Why this choice, measured: on CLINC150 (150 intents as trackers) it puts an
intent's nearest neighbour in its own domain for 80% of intents (words: 77%; the mean of
per-phrase vectors instead of one document: 69-71%), and on the sample account clustering it
at 0.25 recovers all four planted groups of overlapping trackers (words: one). The sublinear
term keeps a word repeated in every phrase of a large tracker from dominating. IDF always
comes from every tracker in ``trackers``: ``select`` only chooses what is shown, so scores do
not change with it.

**By meaning** (``analyzer="semantic"``, the ``semantic`` extra): each distinct normalized phrase
is embedded by a sentence-embedding model (:mod:`trackerkit.embedding`; all-MiniLM-L6-v2 by
default) as a unit vector; a tracker's vector is the mean of its phrases' vectors (each distinct
normalized phrase once), scaled to unit length; similarity is the cosine of two trackers'
vectors, clipped to [0, 1]. It reads: 1 is the same average meaning, values near 0 unrelated
ones (a negative cosine, "further apart than unrelated", is shown as 0). Paraphrases in other
words ("what does it cost" / "how much is the price") score high here and near 0 with TF-IDF.
Its scale differs from TF-IDF's: trackers of one business share a common meaning, so unrelated
trackers of the sample account score 0.1-0.5 (TF-IDF: mostly under 0.2) and its planted groups of
overlapping trackers 0.62-0.72 on average (TF-IDF: 0.32-0.47); compare trackers by rank, or cut at
:data:`~trackerkit.constants.DEFAULT_SEMANTIC_TRACKER_THRESHOLD` (0.65) rather than at the
TF-IDF threshold.

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund my money"]},
    ...     {"id": "2", "name": "Money back", "vocabulary": ["give me my money back", "refund please"]},
    ...     {"id": "3", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
    ... ]
    >>> trackerkit.similarity_matrix(account).matrix.round(2)
    other       Refund  Money back  Greeting
    tracker
    Refund        1.00        0.48      0.01
    Money back    0.48        1.00      0.01
    Greeting      0.01        0.01      1.00
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_choice, check_count, check_fraction, check_ngram_range, check_number
from trackerkit.analysis._common import (
    Select,
    empty_vocabulary_error,
    first_occurrences,
    prepare,
    resolve_key,
    square,
)
from trackerkit.analysis._pair_search import PhraseSpace
from trackerkit.analysis._results import TrackerComparison, TrackerMatrix, as_tracker_matrix
from trackerkit.analysis._vectorize import char_wb_counts, decode
from trackerkit.constants import (
    ANALYZERS,
    COMPARE_COLUMNS,
    COMPARE_STATUSES,
    DEFAULT_ANALYZER,
    DEFAULT_MAX_EDITS,
    DEFAULT_PHRASE_THRESHOLD,
    NEIGHBOUR_COLUMNS,
    PAIR_COLUMNS,
    SEMANTIC_ANALYZER,
    SIMILARITY_ANALYZERS,
)
from trackerkit.embedding._default import embed_unit, resolve_embedder
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase
from trackerkit.loading import vocabulary_frame

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from trackerkit._typing import TrackerKey, TrackersLike
    from trackerkit.embedding import Embedder

__all__ = ["compare_trackers", "most_similar", "similarity_matrix", "tracker_pairs"]

#: The n-gram range of each analyzer when ``ngram_range`` is not given.
DEFAULT_NGRAMS = {"word": (1, 1), "char_wb": (3, 5)}
# TfidfVectorizer options that weight terms; the others shape how phrases are analysed.
_WEIGHTING = {
    "binary",
    "dtype",
    "norm",
    "use_idf",
    "smooth_idf",
    "sublinear_tf",
    "min_df",
    "max_df",
    "max_features",
}
_ANALYSIS = {"lowercase", "preprocessor", "tokenizer", "stop_words", "token_pattern", "strip_accents"}
_TRANSFORMER = {"norm", "use_idf", "smooth_idf", "sublinear_tf"}  # options TfidfTransformer takes


class TrackerVectors:
    """Tracker TF-IDF vectors of a whole account: ``matrix`` (trackers x terms, CSR, rows
    L2-normalised or zero) and :meth:`term_names`."""

    def __init__(
        self,
        frame: pd.DataFrame,
        analyzer: str,
        ngram_range: tuple[int, int] | None,
        options: dict[str, Any],
    ) -> None:
        import numpy as np  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy
        from sklearn.feature_extraction.text import (  # lazy: heavy
            CountVectorizer,
            TfidfTransformer,
            TfidfVectorizer,
        )

        check_choice("analyzer", analyzer, ANALYZERS)
        ngram_range = check_ngram_range("ngram_range", ngram_range) or DEFAULT_NGRAMS[analyzer]
        unknown = set(options) - _WEIGHTING - _ANALYSIS
        if unknown:
            allowed = ", ".join(sorted(_WEIGHTING | _ANALYSIS))
            raise InvalidParameterError(
                f"unknown TF-IDF option(s) {', '.join(sorted(unknown))}; allowed: {allowed}",
                parameter="tfidf_options",
            )
        weighting = {"sublinear_tf": True, **{k: v for k, v in options.items() if k in _WEIGHTING}}
        analysis = {k: v for k, v in options.items() if k in _ANALYSIS}
        self._decoder: Any = None
        self._terms: Any = None
        n = len(frame)
        if n == 0:
            self.matrix = sp.csr_matrix((0, 0), dtype=np.float64)
            return
        # distinct normalized phrases, and how often each tracker lists each. Sorted, so the term
        # columns, and with them the order of every floating-point sum, do not depend on the
        # order of the trackers: shuffled trackers get bit-identical scores, and trackers with
        # the same phrases tie exactly (then the documented tie-breakers decide).
        norms = [[normalize_phrase(p) for p in vocabulary] for vocabulary in frame["vocabulary"]]
        distinct = sorted({norm for tracker_norms in norms for norm in tracker_norms if norm})
        index = {norm: k for k, norm in enumerate(distinct)}
        rows, cols = [], []
        for row, tracker_norms in enumerate(norms):
            for norm in tracker_norms:
                if norm:
                    rows.append(row)
                    cols.append(index[norm])
        incidence = sp.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, len(distinct)))
        simple = set(weighting) <= _TRANSFORMER
        try:
            counts = None
            if simple and analyzer == "char_wb" and not analysis:
                fast = char_wb_counts(distinct, *ngram_range)
                if fast is not None:
                    counts, self._decoder = fast
            if counts is None and simple:
                analyse = TfidfVectorizer(
                    analyzer=analyzer, ngram_range=ngram_range, **analysis
                ).build_analyzer()
                counter = CountVectorizer(analyzer=analyse)
                counts = counter.fit_transform(distinct)
                self._terms = counter.get_feature_names_out()
            if counts is not None:
                tracker_counts = sp.csr_matrix(incidence @ counts, dtype=np.float64)
                tracker_counts.sort_indices()  # row norms summed in column order, whatever the phrase order
                if tracker_counts.nnz == 0:
                    raise ValueError("empty vocabulary; no term in any phrase")
                self.matrix = sp.csr_matrix(TfidfTransformer(**weighting).fit_transform(tracker_counts))
            else:  # options that change the vocabulary itself: let scikit-learn do it all
                analyse = TfidfVectorizer(
                    analyzer=analyzer, ngram_range=ngram_range, **analysis
                ).build_analyzer()
                # terms sorted: the same bag of terms is the same vector, bit for bit
                documents = [
                    sorted(t for norm in tracker_norms if norm for t in analyse(norm))
                    for tracker_norms in norms
                ]
                vectorizer = TfidfVectorizer(analyzer=_identity, **weighting)
                self.matrix = sp.csr_matrix(vectorizer.fit_transform(documents), dtype=np.float64)
                self._terms = vectorizer.get_feature_names_out()
        except ValueError as exc:
            if "empty vocabulary" in str(exc) or "no terms remain" in str(exc):
                raise empty_vocabulary_error("cannot compare trackers", exc) from None
            raise InvalidParameterError(
                f"invalid TF-IDF options {options!r}: {exc}", parameter="tfidf_options"
            ) from None
        except TypeError as exc:
            raise InvalidParameterError(
                f"invalid TF-IDF options {options!r}: {exc}", parameter="tfidf_options"
            ) from None

    def term_names(self, columns: Any) -> list[str]:
        if self._decoder is not None:
            return decode(self._decoder, columns)
        return [str(self._terms[c]) for c in columns]

    def cosine(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        import numpy as np  # lazy: heavy

        if self.matrix.shape[1] == 0:
            return np.zeros((len(rows_a), len(rows_b)))
        return np.clip((self.matrix[rows_a] @ self.matrix[rows_b].T).toarray(), 0.0, 1.0)


class MeaningVectors:
    """Tracker vectors by meaning of a whole account (see the module docs): ``matrix`` (trackers x
    dimensions, float64, rows of unit length, or zero for a tracker without phrases), ``nonzero``
    (which rows are not zero), and :meth:`cosine`, as :class:`TrackerVectors` has them.

    ``embedder`` is an :class:`~trackerkit.embedding.Embedder` (None: the default one). The
    distinct phrases are embedded in sorted order, and each tracker's phrases are summed in that
    order too: shuffled trackers get bit-identical vectors, and trackers with the same phrases tie
    exactly.
    """

    def __init__(self, frame: pd.DataFrame, embedder: Embedder | None = None) -> None:
        import numpy as np  # lazy: heavy

        embedder = resolve_embedder(embedder)
        per_tracker = [
            sorted({normalize_phrase(p) for p in vocabulary} - {""}) for vocabulary in frame["vocabulary"]
        ]
        distinct = sorted({norm for norms in per_tracker for norm in norms})
        if len(frame) and not distinct:
            raise empty_vocabulary_error(
                "cannot compare trackers", ValueError("no tracker has a phrase to embed")
            )
        self.phrases = distinct
        self.phrase_vectors = embed_unit(embedder, distinct)
        index = {norm: k for k, norm in enumerate(distinct)}
        dim = self.phrase_vectors.shape[1]
        matrix = np.zeros((len(frame), dim), dtype=np.float64)
        for row, norms in enumerate(per_tracker):
            if norms:
                matrix[row] = self.phrase_vectors[[index[n] for n in norms]].sum(axis=0)
        norms_ = np.sqrt(np.einsum("ij,ij->i", matrix, matrix))
        self.nonzero = norms_ > 0
        matrix[self.nonzero] /= norms_[self.nonzero, np.newaxis]
        self.matrix = matrix
        self.model_id = str(embedder.model_id)

    def cosine(self, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
        """Cosines of the rows ``rows_a`` with the rows ``rows_b``, clipped to [0, 1]. Each is a
        sum over the dimensions in one fixed order (not a BLAS product, whose blocking can
        change the last bit with a row's position), so equal vectors get equal scores."""
        import numpy as np  # lazy: heavy

        a, b = self.matrix[rows_a], self.matrix[rows_b]
        out = np.empty((len(a), len(b)), dtype=np.float64)
        step = max(1, (1 << 22) // max(1, b.size))  # about 32 MB of products at a time
        for first in range(0, len(a), step):
            out[first : first + step] = np.einsum("id,jd->ij", a[first : first + step], b, optimize=False)
        return np.clip(out, 0.0, 1.0, out=out)


def _identity(document: list[str]) -> list[str]:
    return document


def _positions(frame: pd.DataFrame, chosen: pd.DataFrame) -> np.ndarray:
    import numpy as np  # lazy: heavy

    where = {tid: k for k, tid in enumerate(frame["tracker_id"])}
    return np.asarray([where[tid] for tid in chosen["tracker_id"]], dtype=np.int64)


def similarity_matrix(
    trackers: TrackersLike,
    *,
    analyzer: str = DEFAULT_ANALYZER,
    ngram_range: tuple[int, int] | None = None,
    select: Select = None,
    label: str = "name",
    embedder: Embedder | None = None,
    **tfidf_options: Any,
) -> TrackerMatrix:
    """Tracker x tracker cosine similarity of TF-IDF vectors, or by meaning (see the module docs).

    Parameters
    ----------
    trackers : TrackersLike
        The account: a trackers frame or anything :func:`trackerkit.load_trackers` accepts.
    analyzer : {"char_wb", "word", "semantic"}
        ``"char_wb"`` (the default: character n-grams inside word boundaries, ``ngram_range``
        (3, 5)), ``"word"`` (default (1, 1)), or ``"semantic"``: by meaning, the cosine of the
        trackers' mean phrase embeddings (needs the ``semantic`` extra; takes no n-gram range
        nor TF-IDF option).
    ngram_range : tuple of int, optional
        ``(min_n, max_n)`` of the analyzer's n-grams.
    select : list of names or ids, optional
        The trackers shown, in this order (IDF still comes from every tracker).
    label : {"name", "id"}
        What the axes are labelled by.
    embedder : Embedder, optional
        For ``analyzer="semantic"``: what embeds the phrases (default:
        :func:`trackerkit.embedding.default_embedder`, cached on disk). Unused by the TF-IDF
        analyzers.
    **tfidf_options
        Passed to scikit-learn's ``TfidfVectorizer`` (``stop_words``, ``min_df``,
        ``sublinear_tf``, ...).

    Returns
    -------
    TrackerMatrix
        ``.matrix`` is symmetric, in [0, 1], 1.0 on the diagonal (a tracker with no terms, or no
        phrase, scores 0.0 everywhere, its diagonal included); ``metric="cosine"``, with the
        analyzer and n-gram range used (None for ``"semantic"``).

    Raises
    ------
    MissingDependencyError
        ``analyzer="semantic"`` without the ``semantic`` extra (and no ``embedder``).

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["cancel my plan"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["cancel my subscription"]},
    ... ]
    >>> result = similarity_matrix(account)
    >>> result
    TrackerMatrix(2 x 2, metric='cosine', analyzer='char_wb')
    >>> float(result.matrix.loc["A", "B"]) > 0
    True
    """
    import numpy as np  # lazy: heavy

    frame, chosen = prepare(trackers, select)
    vectors = tracker_vectors(frame, analyzer, ngram_range, tfidf_options, embedder)
    rows = _positions(frame, chosen)
    values = vectors.cosine(rows, rows)
    values = (values + values.T) / 2  # exact symmetry despite floating point
    if isinstance(vectors, MeaningVectors):
        nonzero = vectors.nonzero[rows]
    else:
        nonzero = np.asarray(vectors.matrix[rows].getnnz(axis=1) > 0) if len(rows) else np.zeros(0, bool)
    np.fill_diagonal(values, np.where(nonzero, 1.0, 0.0))
    return TrackerMatrix(
        matrix=square(values, chosen, label),
        metric="cosine",
        analyzer=analyzer,
        ngram_range=None if analyzer == SEMANTIC_ANALYZER else ngram_range_of(analyzer, ngram_range),
        label=label,
        tracker_ids=tuple(str(i) for i in chosen["tracker_id"]),
    )


def ngram_range_of(analyzer: str, ngram_range: tuple[int, int] | None) -> tuple[int, int]:
    """The n-gram range a TF-IDF analyzer uses: ``ngram_range`` checked, or its default."""
    return check_ngram_range("ngram_range", ngram_range) or DEFAULT_NGRAMS[analyzer]


def tracker_vectors(
    frame: pd.DataFrame,
    analyzer: str,
    ngram_range: tuple[int, int] | None,
    options: dict[str, Any],
    embedder: Embedder | None = None,
) -> TrackerVectors | MeaningVectors:
    """The tracker vectors of an analyzer: :class:`TrackerVectors` (TF-IDF) or, for
    ``"semantic"``, :class:`MeaningVectors` (which take no n-gram range nor TF-IDF option)."""
    check_choice("analyzer", analyzer, SIMILARITY_ANALYZERS)
    if analyzer != SEMANTIC_ANALYZER:
        return TrackerVectors(frame, analyzer, ngram_range, options)
    if ngram_range is not None:
        raise InvalidParameterError(
            "analyzer='semantic' compares meanings, not n-grams: leave ngram_range out",
            parameter="ngram_range",
        )
    if options:
        raise InvalidParameterError(
            f"analyzer='semantic' takes no TF-IDF option; got {', '.join(sorted(options))}",
            parameter="tfidf_options",
        )
    return MeaningVectors(frame, embedder)


def tracker_pairs(
    matrix: TrackerMatrix | pd.DataFrame, *, threshold: float | None = None, k: int | None = None
) -> pd.DataFrame:
    """The tracker pairs of a square matrix as a tidy frame, highest score first.

    Parameters
    ----------
    matrix : TrackerMatrix or DataFrame
        What :func:`similarity_matrix` or :func:`overlap_matrix` return (or a square DataFrame
        labelled alike on both axes).
    threshold : float, optional
        Keep the pairs scoring at least this (for an overlap count, a number of phrases).
    k : int, optional
        Keep the first ``k`` pairs.

    Returns
    -------
    DataFrame
        ``tracker_a``, ``tracker_b`` (the matrix's labels: names, or ids with ``label="id"``)
        and ``score``. A symmetric matrix gives each unordered pair once (``a`` before ``b`` in
        the matrix's order); an asymmetric one (``"containment"``) gives both directions, ``a``
        being the row. The diagonal is left out.

    Notes
    -----
    The order is total: ``score`` descending, then the matrix position of ``tracker_a``, then
    that of ``tracker_b`` (for a matrix of :func:`similarity_matrix`, the account order, or
    the ``select`` order). It depends on the matrix only, never on the sort algorithm.

    Examples
    --------
    >>> import trackerkit
    >>> m = trackerkit.overlap_matrix(
    ...     [
    ...         {"id": "1", "name": "A", "vocabulary": ["hi", "yo", "hey"]},
    ...         {"id": "2", "name": "B", "vocabulary": ["hi", "yo"]},
    ...         {"id": "3", "name": "C", "vocabulary": ["hi"]},
    ...     ]
    ... )
    >>> tracker_pairs(m, threshold=1)
      tracker_a tracker_b  score
    0         A         B      2
    1         A         C      1
    2         B         C      1
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    matrix = as_tracker_matrix(matrix)
    threshold = check_number("threshold", threshold, allow_none=True)
    k = check_count("k", k, allow_none=True)
    values = matrix.matrix.to_numpy()
    n = len(values)
    symmetric = bool(np.array_equal(values, values.T))
    rows, cols = np.triu_indices(n, k=1) if symmetric else np.nonzero(~np.eye(n, dtype=bool))
    scores = values[rows, cols]
    keep = np.ones(len(scores), dtype=bool) if threshold is None else scores >= threshold
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    order = np.lexsort((cols, rows, -scores))[:k]  # score, then matrix position: a total order
    labels = np.asarray(matrix.labels, dtype=object)
    out = pd.DataFrame(dict(zip(PAIR_COLUMNS, (labels[rows[order]], labels[cols[order]], scores[order]))))
    out["tracker_a"] = out["tracker_a"].astype("str")
    out["tracker_b"] = out["tracker_b"].astype("str")
    return out


def most_similar(
    trackers: TrackersLike,
    tracker: TrackerKey,
    *,
    k: int = 5,
    evidence: int = 5,
    select: Select = None,
    analyzer: str = DEFAULT_ANALYZER,
    ngram_range: tuple[int, int] | None = None,
    embedder: Embedder | None = None,
    **tfidf_options: Any,
) -> pd.DataFrame:
    """The ``k`` trackers most similar to ``tracker``, with the evidence.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    tracker : str or int
        The tracker, by name or id.
    k : int
        How many neighbours at most.
    evidence : int
        How many shared words at most in ``shared_terms``.
    select : list of names or ids, optional
        The candidates (default: every other tracker).
    analyzer, ngram_range, embedder, **tfidf_options
        As for :func:`similarity_matrix` (``analyzer="semantic"``: neighbours by meaning).

    Returns
    -------
    DataFrame
        ``rank`` (1 = most similar), ``tracker_id``, ``tracker``, ``score`` (the cosine of
        :func:`similarity_matrix` with the same analyzer and options), ``n_shared`` (phrases
        equal after normalization), ``shared_phrases`` (list of those normalized phrases) and
        ``shared_terms`` (list of up to ``evidence`` *words* the two trackers share, strongest
        first by their word TF-IDF product, so the evidence reads well whatever the analyzer;
        equal products in alphabetical order). Neighbours scoring 0 are left out, so fewer than
        ``k`` rows may come back (none for a one-tracker account).

    Notes
    -----
    The ranking is a total order: ``score`` descending, then tracker order (the position of
    the tracker in ``trackers``, or in ``select`` when given). Trackers with the same phrases
    score exactly alike, so among them (and at the ``k`` cut) the earlier tracker comes first.

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund my money"]},
    ...     {"id": "2", "name": "Money back", "vocabulary": ["I want a refund!", "money back"]},
    ...     {"id": "3", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
    ... ]
    >>> most_similar(account, "Refund", k=1)[["rank", "tracker", "n_shared", "shared_terms"]]
       rank     tracker  n_shared           shared_terms
    0     1  Money back         1  [refund, money, want]
    """
    k = check_count("k", k)
    evidence = check_count("evidence", evidence, minimum=0)
    frame, chosen = prepare(trackers, select)
    row = resolve_key(frame, tracker, "tracker")
    index = NeighbourIndex(
        frame, analyzer=analyzer, ngram_range=ngram_range, embedder=embedder, **tfidf_options
    )
    return index.query(row, _positions(frame, chosen), k=k, evidence=evidence)


class NeighbourIndex:
    """The tracker vectors :func:`most_similar` ranks with (TF-IDF, or by meaning with
    ``analyzer="semantic"``), built once for a whole account, so an explorer that ranks the
    neighbours of one tracker after another does not rebuild them (the word vectors of the
    evidence are built on the first query that needs them).

    ``frame`` is a trackers frame; the options are :func:`similarity_matrix`'s.
    """

    def __init__(
        self,
        frame: pd.DataFrame,
        *,
        analyzer: str = DEFAULT_ANALYZER,
        ngram_range: tuple[int, int] | None = None,
        embedder: Embedder | None = None,
        **tfidf_options: Any,
    ) -> None:
        self.frame = frame
        self.analyzer = analyzer
        self.vectors = tracker_vectors(frame, analyzer, ngram_range, tfidf_options, embedder)
        self._plain_words = analyzer == "word" and not tfidf_options
        self._words: TrackerVectors | bool | None = False  # False: not built yet
        self._phrases = [{normalize_phrase(p) for p in v} - {""} for v in frame["vocabulary"]]

    def words(self) -> TrackerVectors | None:
        """Word TF-IDF vectors for the evidence (None: no word of two letters anywhere)."""
        if self._words is False:
            try:
                self._words = (
                    self.vectors  # type: ignore[assignment]
                    if self._plain_words
                    else TrackerVectors(self.frame, "word", None, {})
                )
            except TrackerDataError:
                self._words = None
        return self._words  # type: ignore[return-value]

    def query(self, row: int, candidates: Any, *, k: int = 5, evidence: int = 5) -> pd.DataFrame:
        """:func:`most_similar`'s frame for the tracker at ``row`` of the frame, among the rows
        ``candidates`` (in tracker order; ``row`` itself is skipped)."""
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        frame = self.frame
        candidates = np.asarray([r for r in candidates if r != row], dtype=np.int64)
        if len(candidates) == 0:
            return _typed_neighbours(pd.DataFrame({c: [] for c in NEIGHBOUR_COLUMNS}))
        scores = self.vectors.cosine(np.asarray([row]), candidates)[0]
        # score, then tracker order (the candidates are in it): a total order
        order = [o for o in np.lexsort((np.arange(len(scores)), -scores)) if scores[o] > 0][:k]
        words = self.words() if order and evidence else None
        mine = self._phrases[row]
        records = []
        for rank, o in enumerate(order, start=1):
            other = int(candidates[o])
            shared = sorted(mine & self._phrases[other])
            terms: list[str] = []
            if words is not None:
                contribution = words.matrix[row].multiply(words.matrix[other]).tocoo()
                # strongest first, ties alphabetical (word columns are in alphabetical order)
                strongest = np.lexsort((contribution.col, -contribution.data))[:evidence]
                terms = words.term_names(contribution.col[strongest])
            records.append(
                (
                    rank,
                    str(frame["tracker_id"].iloc[other]),
                    str(frame["name"].iloc[other]),
                    float(scores[o]),
                    len(shared),
                    shared,
                    terms,
                )
            )
        return _typed_neighbours(pd.DataFrame.from_records(records, columns=list(NEIGHBOUR_COLUMNS)))


def _typed_neighbours(out: pd.DataFrame) -> pd.DataFrame:
    out["rank"] = out["rank"].astype("int64")
    out["n_shared"] = out["n_shared"].astype("int64")
    out["score"] = out["score"].astype("float64")
    for c in ("tracker_id", "tracker"):
        out[c] = out[c].astype("str")
    for c in ("shared_phrases", "shared_terms"):
        out[c] = out[c].astype(object)
    return out


def compare_trackers(
    trackers: TrackersLike,
    tracker: TrackerKey,
    other: TrackerKey,
    *,
    threshold: float | None = None,
    max_edits: int | None = None,
) -> TrackerComparison:
    """The phrases of ``tracker`` and ``other`` side by side, each classified.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    tracker, other : str or int
        The two trackers, by name or id (``a`` and ``b`` in the table's columns).
    threshold : float, optional
        The near-duplicate score from which two phrases pair up, as in
        :func:`similar_phrases` (default ``DEFAULT_PHRASE_THRESHOLD``, 0.8).
    max_edits : int, optional
        As in :func:`similar_phrases` (default ``DEFAULT_MAX_EDITS``, 2).

    Returns
    -------
    TrackerComparison
        Its ``table`` has one row per distinct normalized phrase of either tracker (a tracker
        listing a phrase twice shows its first occurrence), with ``status``:

        * ``"shared"``: in both after normalization (``score`` 1.0);
        * ``"near-duplicate"``: a phrase of ``tracker`` paired with a phrase of ``other``.
          Pairs are made greedily, best score first, each phrase used once;
        * ``"unique to a"`` / ``"unique to b"``: everything else (``score`` NaN).

        Columns: ``status``, ``phrase_a``, ``phrase_b`` (as written, empty string where there
        is none), ``position_a``, ``position_b`` (nullable Int64), ``score``. The result also
        holds both trackers' names and ids and the threshold.

    Notes
    -----
    Rows are ordered by status in the order above, then by ``position_a``, then
    ``position_b`` (a total order: each phrase appears once). Near-duplicate pairs are chosen
    best score first, equal scores by position in ``tracker``, then in ``other``.

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "A", "vocabulary": ["send me the invoice", "hello", "refund"]},
    ...     {"id": "2", "name": "B", "vocabulary": ["Hello!", "send me the invoices", "bye"]},
    ... ]
    >>> result = compare_trackers(account, "A", "B")
    >>> result.table[["status", "phrase_a", "phrase_b"]]
               status             phrase_a              phrase_b
    0          shared                hello                Hello!
    1  near-duplicate  send me the invoice  send me the invoices
    2     unique to a               refund
    3     unique to b                                        bye
    >>> result.counts()
    {'shared': 1, 'near-duplicate': 1, 'unique to a': 1, 'unique to b': 1}
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    threshold = DEFAULT_PHRASE_THRESHOLD if threshold is None else check_fraction("threshold", threshold)
    max_edits = DEFAULT_MAX_EDITS if max_edits is None else check_count("max_edits", max_edits, minimum=0)
    frame, _ = prepare(trackers)
    rows = [resolve_key(frame, key, name) for key, name in ((tracker, "tracker"), (other, "other"))]
    firsts = [first_occurrences(frame["vocabulary"].iloc[row]) for row in rows]
    first_a, first_b = firsts
    records: list[tuple[str, str, str, int | None, int | None, float]] = []
    for norm, (pos, phrase) in sorted(first_a.items(), key=lambda item: item[1][0]):
        if norm in first_b:
            records.append(("shared", phrase, first_b[norm][1], pos, first_b[norm][0], 1.0))
    only_a = [n for n in first_a if n not in first_b]
    only_b = [n for n in first_b if n not in first_a]
    paired_a: set[str] = set()
    paired_b: set[str] = set()
    if only_a and only_b:
        space = PhraseSpace.of(vocabulary_frame(frame))
        ia = np.asarray([space.index[n] for n in only_a])
        ib = np.asarray([space.index[n] for n in only_b])
        score = space.scores(ia, ib, max_edits)["score"]
        x, y = np.nonzero(score >= threshold - 1e-12)
        # greedy one-to-one pairing, best first; ties by position in a then b
        for s in np.lexsort((y, x, -score[x, y])):
            na, nb = only_a[x[s]], only_b[y[s]]
            if na in paired_a or nb in paired_b:
                continue
            paired_a.add(na)
            paired_b.add(nb)
            records.append(
                (
                    "near-duplicate",
                    first_a[na][1],
                    first_b[nb][1],
                    first_a[na][0],
                    first_b[nb][0],
                    float(score[x[s], y[s]]),
                )
            )
    for norm, (pos, phrase) in first_a.items():
        if norm not in first_b and norm not in paired_a:
            records.append(("unique to a", phrase, "", pos, None, float("nan")))
    for norm, (pos, phrase) in first_b.items():
        if norm not in first_a and norm not in paired_b:
            records.append(("unique to b", "", phrase, None, pos, float("nan")))
    out = pd.DataFrame.from_records(records, columns=list(COMPARE_COLUMNS))
    out["position_a"] = pd.array(out["position_a"].tolist(), dtype="Int64")
    out["position_b"] = pd.array(out["position_b"].tolist(), dtype="Int64")
    out["score"] = out["score"].astype("float64")
    for c in ("status", "phrase_a", "phrase_b"):
        out[c] = out[c].astype("str")
    status_rank = out["status"].map({s: k for k, s in enumerate(COMPARE_STATUSES)})
    sort_a = out["position_a"].fillna(-1).astype("int64")
    sort_b = out["position_b"].fillna(-1).astype("int64")
    order = np.lexsort((sort_b.to_numpy(), sort_a.to_numpy(), status_rank.to_numpy()))
    return TrackerComparison(
        table=out.iloc[order].reset_index(drop=True),
        tracker=str(frame["name"].iloc[rows[0]]),
        other=str(frame["name"].iloc[rows[1]]),
        tracker_id=str(frame["tracker_id"].iloc[rows[0]]),
        other_id=str(frame["tracker_id"].iloc[rows[1]]),
        threshold=threshold,
    )
