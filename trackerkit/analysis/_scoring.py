"""How similar a message is to a phrase: the seam of matches by meaning.

:class:`Scorer` is what the replay needs from a similarity: ``fit`` on the phrases (and which
tracker each belongs to), then ``score`` texts against them in [0, 1]. :class:`TfidfScorer`, the
default, is the toolkit's one definition of "similar" (that of
:func:`trackerkit.similarity_matrix`): normalized text, character 3-5-grams inside word
boundaries (``analyzer="char_wb"``), sublinear term frequency, IDF learned with each tracker as
one document, L2-normalised vectors, cosine. A message is vectorized like a phrase, with the
vocabulary and IDF of the trackers; a term of the message that no phrase has weighs in its
length as a term no tracker has would (smooth IDF of a document frequency of 0), so a message
that says much else is less similar. :class:`EmbeddingScorer` scores by meaning instead (the
``semantic`` extra): the cosine of sentence embeddings, which finds paraphrases in other words.

    >>> scorer = TfidfScorer().fit(["cancel my plan", "good morning"], [0, 1])
    >>> scorer.score(["cancel my plan", "I want to cancel my plan today", "asdf"]).round(2)
    array([[1.  , 0.  ],
           [0.56, 0.  ],
           [0.  , 0.  ]])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from trackerkit._validation import check_choice, check_ngram_range
from trackerkit.analysis._vectorize import char_wb_counts, ragged_arange, word_spans
from trackerkit.constants import ANALYZERS, DEFAULT_ANALYZER, DEFAULT_EMBEDDING_MEANING_THRESHOLD
from trackerkit.embedding._default import embed_unit, resolve_embedder, text_embedder
from trackerkit.errors import InvalidParameterError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    from trackerkit.analysis._vectorize import Vocabulary
    from trackerkit.embedding import Embedder

__all__ = ["EmbeddingScorer", "Scorer", "TfidfScorer", "char_wb_transform"]

_DEFAULT_NGRAMS = {"char_wb": (3, 5), "word": (1, 1)}
# normalize_phrase without its cache: messages are many and each is seen once
_normalize_text = getattr(normalize_phrase, "__wrapped__", normalize_phrase)


@runtime_checkable
class Scorer(Protocol):
    """A similarity between texts and phrases, in [0, 1].

    ``fit(phrases, groups)`` learns from the phrases (as written; ``groups[i]`` is the index of
    the tracker phrase ``i`` belongs to, for scorers that weight terms by tracker) and returns
    the scorer; ``score(texts)`` returns a float array of shape ``(len(texts), len(phrases))``
    with values in [0, 1], 1 meaning the same.

    A scorer may also have a ``default_threshold`` attribute: the threshold the replay uses with
    it when none is given (its scale is its own: see :class:`EmbeddingScorer`).
    """

    def fit(self, phrases: Sequence[str], groups: Sequence[int]) -> Scorer: ...

    def score(self, texts: Sequence[str]) -> np.ndarray: ...


def char_wb_transform(
    texts: Sequence[str],
    vocabulary: Vocabulary,
    min_n: int,
    max_n: int,
    *,
    lookup: tuple[Any, Any] | None = None,
) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
    """Counts of the ``char_wb`` n-grams of normalized ``texts`` in the columns of a vocabulary
    learned by :func:`trackerkit.analysis._vectorize.char_wb_counts` (n-grams it does not
    have are dropped): that function's counting, for new texts, without a Python loop.

    Returns ``(counts, rows, tf)``: the counts of known terms (texts x terms), and for every
    distinct term of a text that the vocabulary lacks, its text (``rows``) and its count
    (``tf``). ``lookup`` is ``(pd.Index(vocabulary.alphabet), pd.Index(vocabulary.keys))``,
    built once by a caller that transforms many batches."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    n_texts = len(texts)
    n_terms = len(vocabulary.keys)
    text = "".join(f" {t} " for t in texts)
    raw = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    alphabet, terms = (
        lookup if lookup is not None else (pd.Index(vocabulary.alphabet), pd.Index(vocabulary.keys))
    )
    digits = alphabet.get_indexer(raw).astype(np.int64) + 1  # 0: a character no phrase has
    unknown_before = np.concatenate([[0], np.cumsum(digits == 0)])
    word_start, padded, word_row = word_spans(raw, texts)
    base = vocabulary.base
    rows: list[np.ndarray] = []
    keys: list[np.ndarray] = []

    strange_keys: list[np.ndarray] = []
    strange_rows: list[np.ndarray] = []

    def windows(start: np.ndarray, row: np.ndarray, length: int) -> None:
        known = unknown_before[start + length] - unknown_before[start] == 0
        key = np.zeros(int(known.sum()), dtype=np.int64)
        inside = start[known]
        for k in range(length - 1, -1, -1):
            key = key * base + digits[inside + k]
        keys.append(key)
        rows.append(row[known])
        # n-grams with a character no phrase has: told apart by their code points (a 64-bit hash)
        other = start[~known]
        hashed = np.full(len(other), length, dtype=np.uint64)
        for k in range(length):
            hashed = hashed * np.uint64(0x100000001B3) ^ raw[other + k].astype(np.uint64)
        strange_keys.append(hashed)
        strange_rows.append(row[~known])

    for n in range(min_n, max_n + 1):
        longer = padded > n
        count = padded[longer] - n + 1
        windows(ragged_arange(word_start[longer] - 1, count), np.repeat(word_row[longer], count), n)
    short = padded <= max_n  # the whole padded word, once
    for length in np.unique(padded[short]):
        chosen = short & (padded == length)
        windows(word_start[chosen] - 1, word_row[chosen], int(length))
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    column = terms.get_indexer(key)
    found = column >= 0
    counts = sp.csr_matrix(
        (np.ones(int(found.sum()), dtype=np.float64), (row[found], column[found])), shape=(n_texts, n_terms)
    )
    counts.sum_duplicates()
    # terms the vocabulary lacks: packed keys it does not list, and the hashed ones
    lost_keys = np.concatenate(
        [key[~found].astype(np.uint64) * np.uint64(2)]
        + [h * np.uint64(2) + np.uint64(1) for h in strange_keys]
    )
    lost_rows = np.concatenate([row[~found], *strange_rows]) if len(lost_keys) else np.zeros(0, np.int64)
    if len(lost_keys) == 0:
        return counts, np.zeros(0, np.int64), np.zeros(0, np.int64)
    order = np.lexsort((lost_keys, lost_rows))
    lost_rows, lost_keys = lost_rows[order], lost_keys[order]
    new = np.ones(len(order), dtype=bool)
    new[1:] = (lost_rows[1:] != lost_rows[:-1]) | (lost_keys[1:] != lost_keys[:-1])
    starts = np.flatnonzero(new)
    tf = np.diff(np.append(starts, len(order)))
    return counts, lost_rows[starts].astype(np.int64), tf.astype(np.int64)


class TfidfScorer:
    """The default :class:`Scorer`: cosine of TF-IDF vectors, as :func:`trackerkit.similarity_matrix`
    defines them (see the module docs).

    Parameters
    ----------
    analyzer : {"char_wb", "word"}
        Terms: character n-grams inside word boundaries (the default everywhere) or words.
    ngram_range : tuple of int, optional
        ``(3, 5)`` for ``"char_wb"``, ``(1, 1)`` for ``"word"`` by default.
    """

    def __init__(self, analyzer: str = DEFAULT_ANALYZER, ngram_range: tuple[int, int] | None = None) -> None:
        self.analyzer = check_choice("analyzer", analyzer, ANALYZERS)
        self.ngram_range = check_ngram_range("ngram_range", ngram_range) or _DEFAULT_NGRAMS[analyzer]

    def __repr__(self) -> str:
        return f"TfidfScorer(analyzer={self.analyzer!r}, ngram_range={self.ngram_range!r})"

    def fit(self, phrases: Sequence[str], groups: Sequence[int]) -> TfidfScorer:
        """Learn the terms and their IDF (each group, a tracker, is one document)."""
        import numpy as np  # lazy: heavy
        import pandas as pd  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy
        from sklearn.feature_extraction.text import (
            CountVectorizer,
            TfidfTransformer,
            TfidfVectorizer,
        )  # lazy: heavy

        if len(phrases) != len(groups):
            raise InvalidParameterError(
                f"groups must give a tracker for each phrase: {len(phrases)} phrases, {len(groups)} groups",
                parameter="groups",
            )
        norms = [normalize_phrase(p) for p in phrases]
        index: dict[str, int] = {}
        columns = np.full(len(norms), -1, dtype=np.int64)
        for k, norm in enumerate(norms):
            if norm:
                columns[k] = index.setdefault(norm, len(index))
        distinct = list(index)
        group_ids = np.asarray(groups, dtype=np.int64)
        n_groups = int(group_ids.max()) + 1 if len(group_ids) else 0
        has = columns >= 0
        incidence = sp.csr_matrix(
            (np.ones(int(has.sum())), (group_ids[has], columns[has])), shape=(n_groups, len(distinct))
        )
        self._vocabulary: Any = None
        self._counter: Any = None
        counts = None
        if self.analyzer == "char_wb" and distinct:
            fast = char_wb_counts(distinct, *self.ngram_range)
            if fast is not None:
                counts, self._vocabulary = fast
                self._lookup = (pd.Index(self._vocabulary.alphabet), pd.Index(self._vocabulary.keys))
        self._analyse = None
        if counts is None:
            self._analyse = analyse = TfidfVectorizer(
                analyzer=self.analyzer, ngram_range=self.ngram_range
            ).build_analyzer()
            self._counter = CountVectorizer(analyzer=analyse)
            try:
                counts = self._counter.fit_transform(distinct)
            except ValueError:  # no term at all (no phrase, or only one-letter words)
                counts = sp.csr_matrix((len(distinct), 0))
                self._counter = None
        counts = sp.csr_matrix(counts, dtype=np.float64)
        self.n_terms_ = counts.shape[1]
        self._transformer = TfidfTransformer(sublinear_tf=True)
        # smooth IDF of a term no tracker has: log((1 + n) / (1 + 0)) + 1
        self._unknown_idf = float(np.log1p(n_groups) + 1)
        if counts.shape[1]:
            self._transformer.fit(sp.csr_matrix(incidence @ counts))
            self._phrase_vectors = sp.csr_matrix(self._transformer.transform(counts)).T.tocsr()
        else:
            self._phrase_vectors = sp.csr_matrix((0, len(distinct)))
        self._columns = columns
        self.n_phrases_ = len(phrases)
        return self

    def _counts(self, normalized: list[str]) -> tuple[sp.csr_matrix, np.ndarray]:
        """Counts of known terms, and per text the sum of the squared sublinear TF of the
        terms no phrase has."""
        import numpy as np  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy

        n = len(normalized)
        if self._vocabulary is not None:
            counts, rows, tf = char_wb_transform(
                normalized, self._vocabulary, *self.ngram_range, lookup=self._lookup
            )
            return counts, np.bincount(rows, weights=(1 + np.log(tf)) ** 2, minlength=n)
        analyse = self._analyse
        known = self._counter.vocabulary_ if self._counter is not None else {}
        lost = np.zeros(n)
        for k, text in enumerate(normalized):
            terms: dict[str, int] = {}
            for term in analyse(text):
                if term not in known:
                    terms[term] = terms.get(term, 0) + 1
            lost[k] = sum((1 + np.log(c)) ** 2 for c in terms.values())
        if self._counter is None:
            return sp.csr_matrix((n, 0)), lost
        return sp.csr_matrix(self._counter.transform(normalized), dtype="float64"), lost

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF vectors of texts over the phrases' terms, L2-normalised over *all* the text's
        terms: one no phrase has weighs as a term no tracker has would (the smooth IDF of a
        document frequency of 0), so a text with much else in it is less similar. A text with
        no term gets a zero row."""
        import numpy as np  # lazy: heavy
        import scipy.sparse as sp  # lazy: heavy

        if not hasattr(self, "_transformer"):
            raise InvalidParameterError("this TfidfScorer is not fitted yet: call .fit(phrases, groups)")
        counts, lost = self._counts([_normalize_text(t) for t in texts])
        if counts.shape[1] == 0:
            return counts
        weighted = sp.csr_matrix(counts, dtype=np.float64, copy=True)
        weighted.data = 1 + np.log(weighted.data)
        weighted = sp.csr_matrix(weighted.multiply(self._transformer.idf_[np.newaxis, :]))
        squares = np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel() + lost * self._unknown_idf**2
        norms = np.sqrt(squares)
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms) @ weighted)

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each text with each phrase: shape ``(len(texts), len(phrases))``, in [0, 1]."""
        import numpy as np  # lazy: heavy

        vectors = self.transform(texts)
        out = np.zeros((len(texts), self.n_phrases_), dtype=np.float64)
        if vectors.shape[1] == 0 or self._phrase_vectors.shape[1] == 0:
            return out
        distinct = (vectors @ self._phrase_vectors).toarray()
        has = self._columns >= 0
        out[:, has] = distinct[:, self._columns[has]]
        return np.clip(out, 0.0, 1.0, out=out)


class EmbeddingScorer:
    """A :class:`Scorer` by meaning: the cosine of sentence embeddings (the ``semantic`` extra).

    Each phrase and each text is embedded in its normalized form by ``embedder`` as a unit
    vector; the score is their cosine, clipped to [0, 1]: 1 is the same meaning, about 0.2 and
    below unrelated texts, and a negative cosine (further apart than unrelated) is 0. Unlike
    :class:`TfidfScorer` it matches paraphrases that share no word ("How much does it cost?" /
    "what is the price": 0.70, TF-IDF 0); like any sentence embedding, it also scores a
    statement and its negation close ("we won't renew the contract" / "we will renew the
    contract": 0.86), and a long message is cut at the model's 256 tokens.

    Parameters
    ----------
    embedder : Embedder, optional
        What embeds (default: :func:`trackerkit.embedding.default_embedder`, which keeps vectors
        in an on-disk cache). Texts (messages) go through a cache keyed by a *hash* of each
        text, never the text in clear; phrases are keyed by themselves.

    Attributes
    ----------
    default_threshold : float
        :data:`~trackerkit.constants.DEFAULT_EMBEDDING_MEANING_THRESHOLD` (0.70): the replay's
        threshold with this scorer when none is given, the one that agrees best with Symbl's
        matches by meaning on the sample conversations (F1 0.099; TF-IDF's best 0.089; see
        ``benchmarks/bench_embedding.py``).

    Examples
    --------
    >>> scorer = EmbeddingScorer().fit(["what is the price", "good morning"], [0, 1])
    >>> scores = scorer.score(["How much does it cost?"])
    >>> bool(scores[0, 0] > 0.6 > scores[0, 1])
    True
    """

    default_threshold = DEFAULT_EMBEDDING_MEANING_THRESHOLD

    def __init__(self, embedder: Embedder | None = None) -> None:
        self.embedder = embedder

    def __repr__(self) -> str:
        model = getattr(self, "model_id_", None) or getattr(self.embedder, "model_id", None) or "default"
        return f"EmbeddingScorer(model={model!r})"

    def fit(self, phrases: Sequence[str], groups: Sequence[int]) -> EmbeddingScorer:
        """Embed the phrases (each distinct normalized phrase once); ``groups`` is checked, not
        used: meaning does not depend on which tracker a phrase is in."""
        import numpy as np  # lazy: heavy

        if len(phrases) != len(groups):
            raise InvalidParameterError(
                f"groups must give a tracker for each phrase: {len(phrases)} phrases, {len(groups)} groups",
                parameter="groups",
            )
        self._phrase_embedder = resolve_embedder(self.embedder)
        self._text_embedder = text_embedder(self._phrase_embedder)
        norms = [normalize_phrase(p) for p in phrases]
        index: dict[str, int] = {}
        columns = np.full(len(norms), -1, dtype=np.int64)
        for k, norm in enumerate(norms):
            if norm:
                columns[k] = index.setdefault(norm, len(index))
        self._vectors = embed_unit(self._phrase_embedder, list(index))
        self._columns = columns
        self.n_phrases_ = len(phrases)
        self.model_id_ = str(self._phrase_embedder.model_id)
        return self

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Cosine of each text with each phrase, clipped to [0, 1]: shape
        ``(len(texts), len(phrases))``. An empty text, or a phrase that normalizes to nothing,
        scores 0."""
        import numpy as np  # lazy: heavy

        if not hasattr(self, "_vectors"):
            raise InvalidParameterError("this EmbeddingScorer is not fitted yet: call .fit(phrases, groups)")
        out = np.zeros((len(texts), self.n_phrases_), dtype=np.float64)
        normalized = [_normalize_text(t) for t in texts]
        rows = np.asarray([k for k, t in enumerate(normalized) if t], dtype=np.int64)
        has = self._columns >= 0
        if len(rows) == 0 or not has.any():
            return out
        vectors = embed_unit(self._text_embedder, [normalized[k] for k in rows])
        # a sum over the dimensions in one fixed order per pair (not BLAS): a text scores the
        # same whatever batch it comes in
        distinct = np.einsum("id,jd->ij", vectors, self._vectors, optimize=False)
        out[np.ix_(rows, np.flatnonzero(has))] = distinct[:, self._columns[has]]
        return np.clip(out, 0.0, 1.0, out=out)
