"""The embedder seam: what an embedder is, which text it embeds, and the key a vector is cached under."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import numpy as np

__all__ = ["LONG_TEXT_KEY_PREFIX", "MAX_PHRASE_KEY_CHARS", "Embedder", "cache_key", "embedding_text"]

#: Longest normalised text used verbatim as its cache key; longer texts are keyed by a hash.
MAX_PHRASE_KEY_CHARS = 200
#: Start of a hashed key. ``normalize_phrase`` strips punctuation from both ends of a phrase, so no
#: verbatim key can start with ``#``: the two kinds of key never collide.
LONG_TEXT_KEY_PREFIX = "#sha256:"


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into sentence vectors.

    ``embed(texts)`` returns a float32 array of shape ``(len(texts), dim)`` whose rows have unit
    L2 norm (so a dot product is the cosine), row ``i`` for ``texts[i]``. ``model_id`` identifies
    everything that decides the vectors (model and tokenizer files, pooling, truncation): two
    embedders with the same ``model_id`` give the same vectors, which is what lets
    :class:`~trackerkit.embedding.CachedEmbedder` share a cache between them and across runs.
    An embedder that is given texts of equal :func:`embedding_text` must give them equal vectors.
    """

    @property
    def model_id(self) -> str: ...  # pragma: no cover

    @property
    def dim(self) -> int: ...  # pragma: no cover

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...  # pragma: no cover


def embedding_text(text: str) -> str:
    """The form a text is embedded in: :func:`trackerkit.normalize_phrase` (Unicode NFKC,
    case-folded, whitespace collapsed, punctuation stripped from both ends), the form trackerkit
    compares phrases in. So ``"Price?"`` and ``"price"`` get one vector (and one cache entry).
    The default model is uncased, so this changes its vectors by the end punctuation only.

        >>> embedding_text("  How much does it COST? ")
        'how much does it cost'
    """
    return normalize_phrase(text)


def cache_key(text: str, *, hashed: bool = False) -> str:
    """The key a text's vector is cached under (with the embedder's ``model_id``).

    A phrase (up to ``MAX_PHRASE_KEY_CHARS`` characters once normalised) is keyed by its
    :func:`embedding_text` itself; a longer text (a message, a transcript), or any text when
    ``hashed`` is true, by ``"#sha256:"`` and the SHA-256 of its UTF-8 ``embedding_text``: keys
    stay small, and the text itself is not written to disk.

        >>> cache_key("What is the PRICE?")
        'what is the price'
        >>> key = cache_key("word " * 100)
        >>> key.startswith("#sha256:"), len(key)
        (True, 72)
        >>> cache_key("What is the PRICE?", hashed=True) == cache_key("what is the price", hashed=True)
        True
    """
    normalized = embedding_text(text)
    if len(normalized) <= MAX_PHRASE_KEY_CHARS and not hashed:
        return normalized
    return LONG_TEXT_KEY_PREFIX + hashlib.sha256(normalized.encode("utf-8")).hexdigest()
