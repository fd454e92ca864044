"""Match preview: which tracker would a sentence likely trigger?

:class:`TrackerMatcher` is a text classifier with scikit-learn's conventions (``fit``,
``predict``, ``decision_function``, ``get_params``): every phrase is a training example of its
tracker; features are word 1-2-gram and character 2-5-gram (inside word boundaries) TF-IDF
with sublinear term frequency, concatenated and L2-normalised; the model is one linear SVM per
tracker (``LinearSVC``), its phrases against the 2,000 phrases of other trackers closest to its
centroid. A one-vs-rest SVM over every phrase is as accurate but its cost grows with trackers x
phrases: 142 s at Symbl's largest account (500 trackers x 45 phrases), a few seconds this way
(``benchmarks/bench_largest.py``). On CLINC150 (150 intents, 15,000 training phrases) it reaches
92.7% top-1 accuracy on the 4,500 test queries (the dataset paper: bag-of-words SVM 91.0%,
DialogFlow 91.7%). It explains itself: :meth:`TrackerMatcher.rank` lists, for each candidate
tracker, its phrases closest to the text (cosine in the same feature space).

This is a preview of *lexical* matching, not of Symbl's own (contextual) matcher: use it to spot
vocabularies that compete for the same sentences, see :func:`confusion`.

**By meaning too** (``features="tfidf+semantic"``, the ``semantic`` extra): each phrase's
sentence embedding (:mod:`trackerkit.embedding`, a unit vector) is appended to its TF-IDF
features as a dense block scaled by ``semantic_weight``, and the whole row normalised again, so
the SVMs see the words and the meaning at once. On CLINC150 this reaches 96.2% top-1 on the
test queries (TF-IDF alone 92.7%; ``benchmarks/bench_embedding.py``), with ``semantic_weight``
1.0 and ``C`` 2.0 chosen on the validation split (96.8% there).

    >>> import trackerkit
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["a refund", "my money back", "refund please"]},
    ...     {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "good morning", "hi how are you"]},
    ... ]
    >>> matcher = trackerkit.TrackerMatcher().fit(account)
    >>> list(matcher.predict(["can I get my money back", "hello!"]))
    ['Refund', 'Greeting']
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator

from trackerkit._validation import check_choice, check_count, check_ngram_range, check_number
from trackerkit.analysis._common import Select, prepare, square
from trackerkit.analysis._results import Confusion
from trackerkit.analysis._scoring import char_wb_transform
from trackerkit.analysis._vectorize import char_wb_counts
from trackerkit.constants import MATCHER_FEATURES, RANK_COLUMNS
from trackerkit.embedding._default import embed_unit, resolve_embedder, text_embedder
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from trackerkit._typing import TrackersLike
    from trackerkit.embedding import Embedder

__all__ = ["TrackerMatcher", "confusion"]

#: Below this many negative rows in all (trackers x ``max_negatives``, or x phrases when fewer),
#: the SVMs are fitted in this process whatever ``n_jobs`` says: starting worker processes
#: would cost more than it saves.
PARALLEL_ROWS = 200_000


def _texts(texts: Any) -> list[str]:
    if isinstance(texts, str):
        raise InvalidParameterError(
            "expected a list of texts, got one string; wrap it in a list or use .rank(text)",
            parameter="texts",
        )
    if not isinstance(texts, Iterable):
        raise InvalidParameterError(
            f"expected a list of texts, got {type(texts).__name__}", parameter="texts"
        )
    out = list(texts)
    for k, text in enumerate(out):
        if not isinstance(text, str):
            raise InvalidParameterError(
                f"text {k} is {type(text).__name__} {text!r}, not a string", parameter="texts"
            )
    return out


class _Features:
    """The matcher's features: word 1-2-gram and character 2-5-gram (``char_wb``) TF-IDF with
    sublinear term frequency (each block L2-normalised, then the two concatenated and
    normalised again), as two ``TfidfVectorizer`` would give them, counted once; with an
    ``embedder``, the phrases' unit embeddings times ``semantic_weight`` appended as dense
    columns and each row normalised once more.

    :meth:`count` learns the terms of the training phrases and keeps their raw counts (and
    embeds them, once); :meth:`weight` turns counts into features with IDF learned from some
    rows only (what :func:`confusion` needs per fold, without counting again: a term no training
    row has gets weight 0, exactly as a vectorizer fitted on those rows would drop it; an
    embedding does not depend on the other rows); :meth:`transform` counts, embeds and weights
    new texts.
    """

    def __init__(
        self,
        word_ngrams: tuple[int, int],
        char_ngrams: tuple[int, int],
        embedder: Embedder | None = None,
        semantic_weight: float = 1.0,
    ) -> None:
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams)
        self.embedder = embedder
        self.semantic_weight = semantic_weight
        if embedder is not None:
            self._text_embedder = text_embedder(embedder)

    def count(self, phrases: list[str]) -> tuple[Any, ...]:
        """Raw counts (phrases x terms) of the words and of the characters of normalized
        phrases, and with an embedder their unit embeddings (phrases x dimensions)."""
        counts = self._count(phrases)
        if self.embedder is None:
            return counts
        return (*counts, embed_unit(self.embedder, phrases))

    def _count(self, phrases: list[str]) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy
        from sklearn.feature_extraction.text import CountVectorizer  # lazy: heavy

        self._words = CountVectorizer(
            analyzer="word", ngram_range=self.word_ngrams, token_pattern=r"(?u)\b\w+\b", dtype=np.float64
        )
        try:
            words = self._words.fit_transform(phrases)
        except ValueError:  # no word of two characters or more: only characters tell them apart
            self._words = None
            words = sp.csr_matrix((len(phrases), 0))
        self._chars: Any = None
        fast = char_wb_counts(phrases, *self.char_ngrams) if phrases else None
        if fast is not None:
            chars, self._vocabulary = fast
            self._lookup = (pd.Index(self._vocabulary.alphabet), pd.Index(self._vocabulary.keys))
        else:  # an alphabet too large to pack n-grams in 62 bits: scikit-learn counts them
            self._chars = CountVectorizer(analyzer="char_wb", ngram_range=self.char_ngrams, dtype=np.float64)
            chars = self._chars.fit_transform(phrases)
        return sp.csr_matrix(words, dtype=np.float64), sp.csr_matrix(chars, dtype=np.float64)

    def fit_idf(self, counts: tuple[Any, ...], rows: np.ndarray | None = None) -> _Features:
        """Smooth IDF of each TF-IDF block from ``rows`` of ``counts`` (all rows by default)."""
        self._idf = tuple(_idf(block if rows is None else block[rows]) for block in counts[:2])
        return self

    def weight(self, counts: tuple[Any, ...]) -> sp.csr_matrix:
        """Features of counted texts with the IDF of :meth:`fit_idf`."""
        import numpy as np  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy
        from sklearn.preprocessing import normalize  # lazy: heavy

        blocks = []
        for block, idf in zip(counts[:2], self._idf):
            weighted = sp.csr_matrix(block, dtype=np.float64, copy=True)
            weighted.data = 1.0 + np.log(weighted.data)
            weighted = sp.csr_matrix(weighted @ sp.diags(idf))
            weighted.eliminate_zeros()
            blocks.append(normalize(weighted))
        features = normalize(sp.hstack(blocks).tocsr())
        if len(counts) > 2:  # the embeddings: a dense block beside the (unit) TF-IDF row
            meaning = sp.csr_matrix(np.asarray(counts[2], dtype=np.float64) * self.semantic_weight)
            features = normalize(sp.hstack([features, meaning]).tocsr())
        return features

    def transform(self, texts: list[str]) -> sp.csr_matrix:
        """Features of new normalized texts (terms no training phrase has are dropped)."""
        import numpy as np  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy

        words = sp.csr_matrix((len(texts), 0)) if self._words is None else self._words.transform(texts)
        if self._chars is None:
            chars = char_wb_transform(texts, self._vocabulary, *self.char_ngrams, lookup=self._lookup)[0]
        else:
            chars = self._chars.transform(texts)
        counts: tuple[Any, ...] = (
            sp.csr_matrix(words, dtype=np.float64),
            sp.csr_matrix(chars, dtype=np.float64),
        )
        if self.embedder is not None:
            counts = (*counts, embed_unit(self._text_embedder, texts))
        return self.weight(counts)


def _idf(counts: sp.csr_matrix) -> np.ndarray:
    """scikit-learn's smooth IDF, ``ln((1 + n) / (1 + df)) + 1``, and 0 for a term no row has."""
    import numpy as np  # lazy: heavy

    n = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1]) if counts.nnz else np.zeros(counts.shape[1])
    return np.where(df > 0, np.log((1.0 + n) / (1.0 + df)) + 1.0, 0.0)


def _fit_svms(
    features: sp.csr_matrix,
    y: np.ndarray,
    n_classes: int,
    *,
    C: float,
    max_negatives: int | None,
    n_jobs: int | None,
) -> tuple[sp.csr_matrix, np.ndarray]:
    """One binary linear SVM per tracker, its phrases against the others' (all of them when
    they are at most ``max_negatives``, else the ``max_negatives`` closest to the tracker's
    centroid): ``(coef, intercept)``, coef sparse (trackers x features).

    Why not one-vs-rest over every phrase: its cost grows with trackers x phrases (142 s at
    500 trackers x 45 phrases); the phrases far from a tracker's centroid are rarely support
    vectors, so leaving them out costs little accuracy (CLINC150: see the module docs).
    """
    import numpy as np  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy
    from sklearn.preprocessing import normalize  # lazy: heavy

    n_rows = features.shape[0]
    members = sp.csr_matrix((np.ones(n_rows), (y, np.arange(n_rows))), shape=(n_classes, n_rows))
    centroids = normalize(sp.csr_matrix(members @ features))
    negatives = n_rows if max_negatives is None else min(max_negatives, n_rows)
    workers = _workers(n_jobs)
    if workers == 1 or n_classes * negatives < PARALLEL_ROWS:
        fitted = _fit_share(features, y, centroids, range(n_classes), max_negatives, C)
    else:
        from joblib import Parallel, delayed  # lazy: heavy

        # processes, not threads: liblinear draws from one global random generator, so
        # concurrent fits in one process would not be reproducible. Each process gets one
        # contiguous share of the trackers; the results go back in tracker order.
        shares = _split(list(range(n_classes)), workers)
        fitted = [
            result
            for share in Parallel(n_jobs=workers, backend="loky")(
                delayed(_fit_share)(features, y, centroids, range(share[0], share[-1] + 1), max_negatives, C)
                for share in shares
            )
            for result in share
        ]
    indptr = np.concatenate([[0], np.cumsum([len(kept) for kept, _, _ in fitted])])
    coef = sp.csr_matrix(
        (
            np.concatenate([w for _, w, _ in fitted]) if fitted else np.zeros(0),
            np.concatenate([kept for kept, _, _ in fitted]) if fitted else np.zeros(0, np.int64),
            indptr,
        ),
        shape=(n_classes, features.shape[1]),
    )
    return coef, np.asarray([b for _, _, b in fitted], dtype=np.float64)


def _fit_share(
    features: sp.csr_matrix,
    y: np.ndarray,
    centroids: sp.csr_matrix,
    classes: range,
    max_negatives: int | None,
    C: float,
) -> list[tuple[np.ndarray, np.ndarray, float]]:
    """The SVMs of the trackers ``classes`` (what one worker does): ``(columns, weights,
    intercept)`` of each one's non-zero weights, in tracker order."""
    import numpy as np  # lazy: heavy
    import sklearn  # lazy: heavy
    from sklearn.svm import LinearSVC  # lazy: heavy

    n_rows = features.shape[0]
    block = 64  # trackers whose closeness to every phrase is computed at once
    out = []
    # the features are finite and the parameters checked: scikit-learn's checks would cost
    # more than a small SVM's fit, 500 times over
    with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
        for first in range(classes.start, classes.stop, block):
            last = min(first + block, classes.stop)
            closeness = None
            for c in range(first, last):
                mine = y == c
                if max_negatives is None or n_rows - int(mine.sum()) <= max_negatives:
                    rows = np.arange(n_rows)
                else:
                    if closeness is None:
                        closeness = (features @ centroids[first:last].T).toarray()
                    score = closeness[:, c - first].copy()
                    score[mine] = -np.inf
                    # the max_negatives highest scores; equal scores at the cut go by row (a
                    # total order whatever the partition algorithm does with ties)
                    cut = np.partition(score, n_rows - max_negatives)[n_rows - max_negatives]
                    above = np.flatnonzero(score > cut)
                    tied = np.flatnonzero(score == cut)[: max_negatives - len(above)]
                    rows = np.sort(np.concatenate([np.flatnonzero(mine), above, tied]))  # disjoint
                target = (y[rows] == c).astype(np.int64)
                # dual="auto" is scikit-learn >= 1.5's default; said explicitly, 1.4 solves the same way.
                svm = LinearSVC(C=C, dual="auto", random_state=0).fit(features[rows], target)
                weights = svm.coef_.ravel()
                kept = np.flatnonzero(weights)
                out.append((kept, weights[kept], float(svm.intercept_[0])))
    return out


def _confusion_folds(
    featurizer: Any,
    counts: Any,
    y: np.ndarray,
    folds: list[tuple[np.ndarray, np.ndarray]],
    params: dict[str, Any],
    n_jobs: int | None,
) -> list[np.ndarray]:
    """The tracker each held-out phrase is matched to, per ``(held, rest)`` fold: IDF and SVMs
    learned from the ``rest`` rows of the counts only (what a worker of :func:`confusion` does)."""
    import numpy as np  # lazy: heavy

    out = []
    for held, rest in folds:
        present = np.unique(y[rest])
        if len(present) < 2:  # nothing to compete with: the phrase stays where it is
            out.append(y[held] if len(present) == 0 else np.full(len(held), present[0]))
            continue
        features = featurizer.fit_idf(counts, rest).weight(counts)
        relabel = np.full(int(y.max()) + 1, -1, dtype=np.int64)
        relabel[present] = np.arange(len(present))
        coef, intercept = _fit_svms(
            features[rest],
            relabel[y[rest]],
            len(present),
            C=params["C"],
            max_negatives=params["max_negatives"],
            n_jobs=n_jobs,
        )
        out.append(present[np.argmax(_decision(features[held], coef, intercept), axis=1)])
    return out


def _decision(features: sp.csr_matrix, coef: sp.csr_matrix, intercept: np.ndarray) -> np.ndarray:
    """Every tracker's SVM decision value for each row of ``features`` (texts x trackers)."""
    import numpy as np  # lazy: heavy

    # a sparse product, not BLAS: the same text gets bit-equal scores on any CPU
    return np.asarray((features @ coef.T).toarray()) + intercept[np.newaxis, :]


def _training_phrases(chosen: pd.DataFrame) -> tuple[list[str], list[str], list[str]]:
    """``(tracker ids, normalized phrases, phrases as written)`` of every non-empty phrase."""
    ids: list[str] = []
    phrases: list[str] = []
    written: list[str] = []
    for tracker_id, vocabulary in zip(chosen["tracker_id"], chosen["vocabulary"]):
        for phrase in vocabulary:
            norm = normalize_phrase(phrase)
            if norm:
                ids.append(str(tracker_id))
                phrases.append(norm)
                written.append(phrase)
    return ids, phrases, written


def _split(items: list[Any], parts: int) -> list[list[Any]]:
    """``items`` in at most ``parts`` contiguous shares of (nearly) equal size."""
    size, extra = divmod(len(items), parts)
    cuts = [0]
    for k in range(parts):
        cuts.append(cuts[-1] + size + (k < extra))
    return [items[a:b] for a, b in itertools.pairwise(cuts) if b > a]


def _workers(n_jobs: int | None) -> int:
    """Processes for ``n_jobs``, as joblib counts them (None is 1, -1 every CPU)."""
    from joblib import effective_n_jobs  # lazy: heavy

    return max(1, effective_n_jobs(n_jobs))


class TrackerMatcher(BaseEstimator):
    """Predict the tracker a text would most likely trigger (see the module docs).

    Parameters
    ----------
    C : float
        The SVMs' regularisation (default 2.0, the best of 0.7, 1, 1.5 and 2 on CLINC150's
        validation split).
    word_ngrams, char_ngrams : tuple of int
        The n-gram ranges of the word (default (1, 2)) and character (``char_wb``, (2, 5))
        features.
    max_negatives : int or None
        Each tracker's SVM learns its phrases against at most this many phrases of the other
        trackers, the closest to its centroid (default 2,000); ``None`` uses them all (exact
        one-vs-rest, slow on large accounts).
    n_jobs : int or None
        Processes fitting the SVMs of a large account (default ``-1``: one per CPU; ``None``
        or 1: this process only). Small accounts (below :data:`PARALLEL_ROWS` training rows in
        all) are always fitted in this process. The model does not depend on it: each SVM is
        fitted alone, with the same seed, and put in its tracker's place.
    features : {"tfidf", "tfidf+semantic"}
        ``"tfidf"`` (the default): words and characters; ``"tfidf+semantic"``: the phrases'
        sentence embeddings too (the ``semantic`` extra; see the module docs).
    semantic_weight : float
        With ``"tfidf+semantic"``: the length of the embedding block beside the unit TF-IDF
        row, before the row is normalised (default 1.0: words and meaning weigh alike).
    embedder : Embedder, optional
        With ``"tfidf+semantic"``: what embeds (default:
        :func:`trackerkit.embedding.default_embedder`). Texts to predict are cached under a
        hash of each text, never in clear.

    After :meth:`fit`: ``classes_`` (tracker ids, in tracker order), ``tracker_names_``,
    ``n_phrases_``, ``coef_`` (sparse, trackers x features) and ``intercept_``.

    Determinism: each SVM's solver shuffles with a fixed seed and its training rows are
    chosen by a total order, so fitting the same trackers twice gives the same model; every
    ranking breaks equal scores by tracker order (the order of ``classes_``), and
    :meth:`predict` picks the first of equal best scores likewise.
    """

    def __init__(
        self,
        C: float = 2.0,
        word_ngrams: tuple[int, int] = (1, 2),
        char_ngrams: tuple[int, int] = (2, 5),
        max_negatives: int | None = 2000,
        n_jobs: int | None = -1,
        features: str = "tfidf",
        semantic_weight: float = 1.0,
        embedder: Embedder | None = None,
    ) -> None:
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.max_negatives = max_negatives
        self.n_jobs = n_jobs
        self.features = features
        self.semantic_weight = semantic_weight
        self.embedder = embedder

    # ---------------------------------------------------------------- fitting
    def _check_params(self) -> None:
        """Clear errors for bad parameters, before scikit-learn meets them."""
        try:
            positive = check_number("C", self.C) > 0
        except InvalidParameterError:
            positive = False
        if not positive:
            raise InvalidParameterError(f"C must be a positive number, got {self.C!r}", parameter="C")
        for name in ("word_ngrams", "char_ngrams"):
            check_ngram_range(name, getattr(self, name), allow_none=False)
        check_count("max_negatives", self.max_negatives, allow_none=True)
        if self.n_jobs is not None and (
            isinstance(self.n_jobs, bool) or not isinstance(self.n_jobs, int) or self.n_jobs == 0
        ):
            raise InvalidParameterError(
                f"n_jobs must be None or a non-zero integer, got {self.n_jobs!r}", parameter="n_jobs"
            )
        check_choice("features", self.features, MATCHER_FEATURES)
        try:
            weight_ok = check_number("semantic_weight", self.semantic_weight) > 0
        except InvalidParameterError:
            weight_ok = False
        if not weight_ok:
            raise InvalidParameterError(
                f"semantic_weight must be a positive number, got {self.semantic_weight!r}",
                parameter="semantic_weight",
            )
        if self.embedder is not None:
            resolve_embedder(self.embedder)

    def _featurizer_of(self) -> _Features:
        """The features these parameters ask for (the embedder resolved: the default one for
        ``"tfidf+semantic"`` unless given)."""
        embedder = None
        if self.features == "tfidf+semantic":
            embedder = resolve_embedder(self.embedder)
        return _Features(self.word_ngrams, self.char_ngrams, embedder, float(self.semantic_weight))

    def _features(self, texts: list[str]) -> sp.csr_matrix:
        return self._featurizer.transform(texts)

    def fit(self, trackers: TrackersLike, y: None = None, *, select: Select = None) -> TrackerMatcher:
        """Learn from every phrase of the (selected) trackers; returns ``self``.

        Trackers with no non-empty phrase cannot be predicted and are left out; at least two
        trackers with phrases are needed.
        """
        import numpy as np  # lazy: heavy

        self._check_params()
        _, chosen = prepare(trackers, select)
        ids, phrases, written = _training_phrases(chosen)
        classes = list(dict.fromkeys(ids))
        if len(classes) < 2:
            raise TrackerDataError(
                f"a matcher needs at least two trackers with phrases; got {len(classes)}"
                + (f" (of {len(chosen)} trackers)" if len(chosen) != len(classes) else "")
            )
        self.classes_ = np.asarray(classes, dtype=object)
        name_of = {str(i): str(n) for i, n in zip(chosen["tracker_id"], chosen["name"])}
        self.tracker_names_ = np.asarray([name_of[c] for c in classes], dtype=object)
        index = {c: k for k, c in enumerate(classes)}
        self._y = np.asarray([index[i] for i in ids], dtype=np.int64)
        self._featurizer = self._featurizer_of()
        counts = self._featurizer.count(phrases)
        features = self._featurizer.fit_idf(counts).weight(counts)
        self._features_by_term = features.T.tocsr()
        self._phrases = written
        self.n_phrases_ = len(phrases)
        self.coef_, self.intercept_ = _fit_svms(
            features, self._y, len(classes), C=self.C, max_negatives=self.max_negatives, n_jobs=self.n_jobs
        )
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError  # lazy: heavy

            raise NotFittedError("this TrackerMatcher is not fitted yet: call .fit(trackers) first")

    # ---------------------------------------------------------------- prediction
    def decision_function(self, texts: Iterable[str]) -> np.ndarray:
        """Scores (texts x trackers, columns in ``classes_`` order); higher is more likely."""
        import numpy as np  # lazy: heavy

        self._check_fitted()
        texts = _texts(texts)
        if not texts:
            return np.zeros((0, len(self.classes_)))
        return self._scores(self._features([normalize_phrase(t) for t in texts]))

    def _scores(self, features: sp.csr_matrix) -> np.ndarray:
        return _decision(features, self.coef_, self.intercept_)

    def predict(self, texts: Iterable[str]) -> np.ndarray:
        """The most likely tracker **name** for each text."""
        import numpy as np  # lazy: heavy

        scores = self.decision_function(texts)
        if len(scores) == 0:
            return np.zeros(0, dtype=object)
        return self.tracker_names_[np.argmax(scores, axis=1)]

    def predict_id(self, texts: Iterable[str]) -> np.ndarray:
        """The most likely tracker **id** for each text."""
        import numpy as np  # lazy: heavy

        scores = self.decision_function(texts)
        if len(scores) == 0:
            return np.zeros(0, dtype=object)
        return self.classes_[np.argmax(scores, axis=1)]

    def rank(self, text: str, *, k: int = 5, evidence: int = 3) -> pd.DataFrame:
        """The ``k`` trackers ``text`` most likely triggers, best first, with evidence.

        Columns: ``rank``, ``tracker_id``, ``tracker``, ``score`` (the SVM's decision value:
        above 0 means the tracker's side of its boundary), ``evidence`` (list of up to
        ``evidence`` phrases of that tracker closest to the text, as written) and
        ``evidence_scores`` (their cosine similarity to the text).

        Both orders are total: trackers by ``score`` descending, then tracker order (the order
        of ``classes_``); evidence by cosine descending, then the phrase's position in its
        tracker.

            >>> account = [
            ...     {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund please"]},
            ...     {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
            ... ]
            >>> TrackerMatcher().fit(account).rank("I'd like a refund", k=1)[["tracker", "evidence"]]
              tracker                             evidence
            0  Refund  [i want a refund, refund please]
        """
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy

        if not isinstance(text, str):
            raise InvalidParameterError(f"text must be a string, got {type(text).__name__}", parameter="text")
        k = check_count("k", k)
        evidence = check_count("evidence", evidence, minimum=0)
        self._check_fitted()
        query = self._features([normalize_phrase(text)])
        scores = self._scores(query)[0]
        order = np.lexsort((np.arange(len(scores)), -scores))[:k]  # score, then tracker order
        # cosine to every phrase through the query's few features only (rows of the transpose);
        # a sparse product, not BLAS: equal phrases get bit-equal cosines on any CPU
        closeness = (query @ self._features_by_term).toarray().ravel()
        records = []
        for rank, c in enumerate(order, start=1):
            mine = np.flatnonzero(self._y == c)  # the tracker's phrases, by position
            best = mine[np.lexsort((mine, -closeness[mine]))[:evidence]]
            records.append(
                (
                    rank,
                    str(self.classes_[c]),
                    str(self.tracker_names_[c]),
                    float(scores[c]),
                    [self._phrases[p] for p in best],
                    [float(closeness[p]) for p in best],
                )
            )
        out = pd.DataFrame.from_records(records, columns=list(RANK_COLUMNS))
        out["rank"] = out["rank"].astype("int64")
        out["score"] = out["score"].astype("float64")
        for c in ("tracker_id", "tracker"):
            out[c] = out[c].astype("str")
        return out


def confusion(
    trackers: TrackersLike,
    *,
    select: Select = None,
    folds: int | None = 10,
    label: str = "name",
    random_state: int = 0,
    **matcher_params: Any,
) -> Confusion:
    """Tracker x tracker table of confusable vocabularies: where each phrase lands when it is
    matched by a :class:`TrackerMatcher` fitted **without** it.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    select : list of names or ids, optional
        The trackers, in this order.
    folds : int or None
        ``None`` leaves each phrase out alone (exact, one fit per phrase: small accounts only);
        the default 10 leaves it out with a tenth of the others (shuffled with
        ``random_state``), ten fits in all.
    label : {"name", "id"}
        What the axes are labelled by.
    random_state : int
        Seed of the fold assignment.
    **matcher_params
        :class:`TrackerMatcher`'s parameters (``n_jobs`` included: the folds' SVMs are fitted
        in worker processes on a large account; ``features="tfidf+semantic"``: by meaning too).

    Returns
    -------
    Confusion
        ``matrix``: row = the tracker the phrase belongs to, column = the tracker it is matched
        to (counts, int64); a perfect account is diagonal. Only trackers with phrases appear.
        ``accuracy``: the share of phrases matched to their own tracker; ``folds`` as given.

    Notes
    -----
    The phrases are counted (and, with ``"tfidf+semantic"``, embedded) once; each fold learns
    its IDF (terms only the held-out phrases have are dropped) and its SVMs from its training
    phrases alone, as a matcher fitted on them would (a phrase's embedding depends on it alone).
    Rows and columns follow tracker order; a phrase whose best scores tie goes to the first of
    those trackers in that order.

    Examples
    --------
    >>> account = [
    ...     {"id": "1", "name": "Refund", "vocabulary": ["a refund", "refund please", "refund it"]},
    ...     {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "hello you", "hello again"]},
    ... ]
    >>> result = confusion(account, folds=None)
    >>> result.accuracy
    1.0
    >>> result.matrix
    matched   Refund  Greeting
    tracker
    Refund         3         0
    Greeting       0         3
    """
    import numpy as np  # lazy: heavy

    folds = check_count("folds", folds, minimum=2, allow_none=True)
    checker = TrackerMatcher(**matcher_params)  # unknown parameters fail here
    params = checker.get_params()
    checker._check_params()
    _, chosen = prepare(trackers, select)
    keep = np.asarray([any(normalize_phrase(p) for p in vocab) for vocab in chosen["vocabulary"]], dtype=bool)
    chosen = chosen.loc[keep].reset_index(drop=True)
    tracker_ids, phrases, _ = _training_phrases(chosen)
    ids = list(dict.fromkeys(tracker_ids))
    if len(ids) < 2:
        raise TrackerDataError(f"a confusion table needs at least two trackers with phrases; got {len(ids)}")
    index = {c: k for k, c in enumerate(ids)}
    y = np.asarray([index[i] for i in tracker_ids], dtype=np.int64)
    n = len(y)
    # counted once; each fold learns its IDF and SVMs from its training rows only
    featurizer = checker._featurizer_of()  # with "tfidf+semantic", the phrases are embedded once
    counts = featurizer.count(phrases)
    if folds is None or folds >= n:
        assignment = np.arange(n)
    else:
        assignment = np.random.default_rng(random_state).permutation(n) % folds
    predicted = np.empty(n, dtype=np.int64)
    folds_rows = [
        (np.flatnonzero(assignment == fold), np.flatnonzero(assignment != fold))
        for fold in np.unique(assignment)
    ]
    negatives = n if params["max_negatives"] is None else min(params["max_negatives"], n)
    workers = _workers(params["n_jobs"])
    if workers > 1 and len(folds_rows) > 1 and len(ids) * negatives >= PARALLEL_ROWS:
        from joblib import Parallel, delayed  # lazy: heavy

        # whole folds to each worker process (the counts are sent once per worker, and every
        # step of a fold runs in parallel, not only its SVMs); results in fold order
        shares = _split(folds_rows, workers)
        answers = [
            answer
            for share in Parallel(n_jobs=workers, backend="loky")(
                delayed(_confusion_folds)(featurizer, counts, y, share, params, 1) for share in shares
            )
            for answer in share
        ]
    else:
        answers = _confusion_folds(featurizer, counts, y, folds_rows, params, params["n_jobs"])
    for (held, _), answer in zip(folds_rows, answers):
        predicted[held] = answer
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    np.add.at(counts, (y, predicted), 1)
    order = {tid: k for k, tid in enumerate(ids)}
    frame_order = [order[str(t)] for t in chosen["tracker_id"]]
    counts = counts[np.ix_(frame_order, frame_order)]
    out = square(counts, chosen, label)
    out.columns.name = "matched" if label == "name" else "matched_id"
    return Confusion(matrix=out, accuracy=float(np.trace(counts) / max(n, 1)), folds=folds)
