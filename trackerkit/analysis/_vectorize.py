"""Fast character n-gram counting for normalized phrases (numpy, no Python loop per n-gram).

scikit-learn's ``char_wb`` analyzer walks every word of every phrase in Python; on 25,000
phrases that is most of a second. :func:`char_wb_counts` computes the same counts with array
operations: the n-grams of a word are the windows of ``" " + word + " "``; a word whose padded
form is not longer than ``max_n`` also yields its whole padded form once (scikit-learn's rule
for short words). Columns are in an arbitrary order; :func:`decode` names them.

    >>> counts, vocabulary = char_wb_counts(["hi there", "hi"], 3, 3)
    >>> sorted(decode(vocabulary, range(counts.shape[1])))
    [' hi', ' th', 'ere', 'her', 'hi ', 're ', 'the']
    >>> counts.sum(axis=1).A.ravel().tolist()
    [7, 2]
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import scipy.sparse as sp

__all__ = ["Vocabulary", "char_wb_counts", "decode", "unique_ints"]

_MAX_KEY = 1 << 62


class Vocabulary:
    """What is needed to turn column numbers back into n-grams."""

    def __init__(self, keys: np.ndarray, alphabet: np.ndarray, base: int) -> None:
        self.keys = keys
        self.alphabet = alphabet
        self.base = base


def unique_ints(values: np.ndarray, return_inverse: bool = False) -> Any:
    """``np.unique`` for integer arrays by sorting (numpy 2.4's hash-based unique is many times
    slower on tens of millions of distinct values)."""
    import numpy as np  # lazy: heavy

    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new = np.ones(len(ordered), dtype=bool)
    new[1:] = ordered[1:] != ordered[:-1]
    uniq = ordered[new]
    if not return_inverse:
        return uniq
    inverse = np.empty(len(values), dtype=np.int64)
    inverse[order] = np.cumsum(new) - 1
    return uniq, inverse


def ragged_arange(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + c)`` for each pair, without a Python loop."""
    import numpy as np  # lazy: heavy

    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    ends = np.cumsum(counts)
    return np.repeat(np.asarray(starts, dtype=np.int64) - (ends - counts), counts) + np.arange(total)


def word_spans(raw: np.ndarray, texts: Sequence[str]) -> tuple[np.ndarray, ...]:
    """The words of ``" t1  t2 ..."`` (each text padded by one space, as code points ``raw``):
    ``(start, padded_length, text_row)`` of every maximal run of non-space characters,
    ``padded_length`` counting the space on each side that ``char_wb`` adds."""
    import numpy as np  # lazy: heavy

    space = raw == 32
    edges = np.diff(np.concatenate([[1], space.astype(np.int8), [1]]).astype(np.int8))
    word_start = np.flatnonzero(edges == -1)
    word_end = np.flatnonzero(edges == 1)
    lengths = np.fromiter((len(t) + 2 for t in texts), dtype=np.int64, count=len(texts))
    word_row = np.searchsorted(np.cumsum(lengths), word_start, side="right")
    return word_start, word_end - word_start + 2, word_row


def char_wb_counts(phrases: list[str], min_n: int, max_n: int) -> tuple[sp.csr_matrix, Vocabulary] | None:
    """Counts of ``char_wb`` n-grams (``min_n``..``max_n``), one row per phrase, as
    scikit-learn's ``CountVectorizer(analyzer="char_wb", lowercase=False)`` counts them for
    single-spaced text. ``None`` when the alphabet is too large to pack n-grams into 62-bit
    keys (the caller then falls back to scikit-learn)."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy
    import scipy.sparse as sp  # lazy: heavy

    n_phrases = len(phrases)
    text = "".join(f" {p} " for p in phrases)
    raw = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.int64)
    # factorize (hashing) beats sorting here: millions of n-grams, tens of thousands distinct
    ids, alphabet = pd.factorize(raw)
    base = len(alphabet) + 1  # digits 1..len(alphabet): keys of different lengths never collide
    if base**max_n >= _MAX_KEY:
        return None
    digits = ids + 1
    word_start, padded, word_row = word_spans(raw, phrases)
    rows: list[np.ndarray] = []
    keys: list[np.ndarray] = []

    def windows(start: np.ndarray, length: int) -> np.ndarray:
        key = np.zeros(len(start), dtype=np.int64)
        for k in range(length - 1, -1, -1):
            key = key * base + digits[start + k]
        return key

    for n in range(min_n, max_n + 1):
        longer = padded > n
        count = padded[longer] - n + 1
        starts = ragged_arange(word_start[longer] - 1, count)
        keys.append(windows(starts, n))
        rows.append(np.repeat(word_row[longer], count))
    short = padded <= max_n  # the whole padded word, once
    for length in np.unique(padded[short]):
        chosen = short & (padded == length)
        keys.append(windows(word_start[chosen] - 1, int(length)))
        rows.append(word_row[chosen])
    key = np.concatenate(keys) if keys else np.zeros(0, np.int64)
    row = np.concatenate(rows) if rows else np.zeros(0, np.int64)
    column, vocabulary_keys = pd.factorize(key)
    counts = sp.csr_matrix(
        (np.ones(len(column), dtype=np.int32), (row, column)), shape=(n_phrases, len(vocabulary_keys))
    )
    counts.sum_duplicates()
    counts.sort_indices()
    return counts, Vocabulary(vocabulary_keys, alphabet, base)


def decode(vocabulary: Vocabulary, columns: Iterable[int]) -> list[str]:
    """The n-grams of some columns of :func:`char_wb_counts`."""
    out = []
    for c in columns:
        key = int(vocabulary.keys[c])
        chars = []
        while key:
            key, digit = divmod(key, vocabulary.base)
            chars.append(chr(int(vocabulary.alphabet[digit - 1])))
        out.append("".join(chars))
    return out
