"""Match preview: which tracker would a sentence likely trigger?

:class:`TrackerMatcher` is a text classifier with scikit-learn's conventions (``fit``,
``predict``, ``decision_function``, ``get_params``): every phrase is a training example of its
tracker; features are word 1-2-gram and character 2-5-gram (inside word boundaries) TF-IDF
with sublinear term frequency, concatenated and L2-normalised; the model is a linear SVM
(``LinearSVC``, one-vs-rest). On CLINC150 (150 intents, 15,000 training phrases) it reaches
about 92.7% top-1 accuracy on the 4,500 test queries (the dataset paper: bag-of-words SVM 91.0%,
DialogFlow 91.7%). It explains itself: :meth:`TrackerMatcher.rank` lists, for each candidate
tracker, its phrases closest to the text (cosine in the same feature space).

This is a preview of *lexical* matching, not of Symbl's own (contextual) matcher: use it to spot
vocabularies that compete for the same sentences, see :func:`confusion`.

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

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from sklearn.base import BaseEstimator

from trackerkit._validation import check_count, check_ngram_range, check_number
from trackerkit.analysis._common import Select, prepare, square
from trackerkit.analysis._results import Confusion
from trackerkit.constants import RANK_COLUMNS
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import scipy.sparse as sp

    from trackerkit._typing import TrackersLike

__all__ = ["TrackerMatcher", "confusion"]


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


class TrackerMatcher(BaseEstimator):
    """Predict the tracker a text would most likely trigger (see the module docs).

    Parameters: ``C`` (the SVM's regularisation, default 1.0), ``word_ngrams`` ((1, 2)),
    ``char_ngrams`` ((2, 5)). After :meth:`fit`: ``classes_`` (tracker ids, in tracker order),
    ``tracker_names_``, ``n_phrases_``.

    Determinism: the SVM's solver shuffles with a fixed seed, so fitting the same trackers
    twice gives the same model; every ranking breaks equal scores by tracker order (the order
    of ``classes_``), and :meth:`predict` picks the first of equal best scores likewise.
    """

    def __init__(
        self, C: float = 1.0, word_ngrams: tuple[int, int] = (1, 2), char_ngrams: tuple[int, int] = (2, 5)
    ) -> None:
        self.C = C
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams

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

    def _vectorizers(self) -> tuple[Any, Any]:
        from sklearn.feature_extraction.text import TfidfVectorizer  # lazy: heavy

        words = TfidfVectorizer(
            analyzer="word",
            ngram_range=tuple(self.word_ngrams),
            sublinear_tf=True,
            token_pattern=r"(?u)\b\w+\b",
        )
        chars = TfidfVectorizer(analyzer="char_wb", ngram_range=tuple(self.char_ngrams), sublinear_tf=True)
        return words, chars

    def _features(self, texts: list[str], fit: bool = False) -> sp.csr_matrix:
        import scipy.sparse as sp  # lazy: heavy
        from sklearn.preprocessing import normalize  # lazy: heavy

        if fit:
            self._words, self._chars = self._vectorizers()
            blocks = [self._words.fit_transform(texts), self._chars.fit_transform(texts)]
        else:
            blocks = [self._words.transform(texts), self._chars.transform(texts)]
        return normalize(sp.hstack(blocks).tocsr())

    def fit(self, trackers: TrackersLike, y: None = None, *, select: Select = None) -> TrackerMatcher:
        """Learn from every phrase of the (selected) trackers; returns ``self``.

        Trackers with no non-empty phrase cannot be predicted and are left out; at least two
        trackers with phrases are needed.
        """
        import numpy as np  # lazy: heavy
        from sklearn.svm import LinearSVC  # lazy: heavy

        self._check_params()
        _, chosen = prepare(trackers, select)
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
        classes = list(dict.fromkeys(ids))
        if len(classes) < 2:
            raise TrackerDataError(
                f"a matcher needs at least two trackers with phrases; got {len(classes)}"
                + (f" (of {len(chosen)} trackers)" if len(chosen) != len(classes) else "")
            )
        features = self._features(phrases, fit=True)
        self.classes_ = np.asarray(classes, dtype=object)
        name_of = {str(i): str(n) for i, n in zip(chosen["tracker_id"], chosen["name"])}
        self.tracker_names_ = np.asarray([name_of[c] for c in classes], dtype=object)
        index = {c: k for k, c in enumerate(classes)}
        self._y = np.asarray([index[i] for i in ids], dtype=np.int64)
        self._features_by_term = features.T.tocsr()
        self._phrases = written
        self.n_phrases_ = len(phrases)
        # dual="auto" is scikit-learn >= 1.5's default; said explicitly, 1.4 solves the same way.
        self._svm = LinearSVC(C=self.C, dual="auto", random_state=0).fit(features, self._y)
        return self

    def _fit_arrays(self, phrases: list[str], y: np.ndarray) -> TrackerMatcher:
        """Fit on normalized phrases and integer labels (what :func:`confusion` needs per fold)."""
        from sklearn.svm import LinearSVC  # lazy: heavy

        self._svm = LinearSVC(C=self.C, dual="auto", random_state=0).fit(self._features(phrases, fit=True), y)
        return self

    def _check_fitted(self) -> None:
        if not hasattr(self, "_svm"):
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
        import numpy as np  # lazy: heavy

        scores = self._svm.decision_function(features)
        if scores.ndim == 1:  # two trackers: scikit-learn returns one column
            scores = np.column_stack([-scores, scores])
        return scores

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
        :class:`TrackerMatcher`'s parameters.

    Returns
    -------
    Confusion
        ``matrix``: row = the tracker the phrase belongs to, column = the tracker it is matched
        to (counts, int64); a perfect account is diagonal. Only trackers with phrases appear.
        ``accuracy``: the share of phrases matched to their own tracker; ``folds`` as given.

    Notes
    -----
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
    _, chosen = prepare(trackers, select)
    keep = np.asarray([any(normalize_phrase(p) for p in vocab) for vocab in chosen["vocabulary"]], dtype=bool)
    chosen = chosen.loc[keep].reset_index(drop=True)
    full = TrackerMatcher(**matcher_params).fit(chosen)
    y = full._y
    n = len(y)
    ids = [str(i) for i in full.classes_]
    phrases = [normalize_phrase(p) for p in full._phrases]
    if folds is None or folds >= n:
        assignment = np.arange(n)
    else:
        assignment = np.random.default_rng(random_state).permutation(n) % folds
    predicted = np.empty(n, dtype=np.int64)
    for fold in np.unique(assignment):
        held = np.flatnonzero(assignment == fold)
        rest = np.flatnonzero(assignment != fold)
        present = np.unique(y[rest])
        if len(present) < 2:  # nothing to compete with: the phrase stays where it is
            predicted[held] = y[held] if len(present) == 0 else present[0]
            continue
        model = TrackerMatcher(**matcher_params)
        model._fit_arrays([phrases[r] for r in rest], y[rest])
        scores = model._svm.decision_function(model._features([phrases[h] for h in held]))
        if scores.ndim == 1:
            scores = np.column_stack([-scores, scores])
        predicted[held] = present[np.argmax(scores, axis=1)]
    counts = np.zeros((len(ids), len(ids)), dtype=np.int64)
    np.add.at(counts, (y, predicted), 1)
    order = {tid: k for k, tid in enumerate(ids)}
    frame_order = [order[str(t)] for t in chosen["tracker_id"]]
    counts = counts[np.ix_(frame_order, frame_order)]
    out = square(counts, chosen, label)
    out.columns.name = "matched" if label == "name" else "matched_id"
    return Confusion(matrix=out, accuracy=float(np.trace(counts) / max(n, 1)), folds=folds)
