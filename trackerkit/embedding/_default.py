"""The embedder trackerkit's semantic features use unless given one."""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

from trackerkit._validation import check_bool
from trackerkit.constants import EMBEDDING_MODEL_ENV, EMBEDDING_TOKENIZER_ENV
from trackerkit.embedding._base import Embedder
from trackerkit.embedding._cache import CachedEmbedder, default_cache_dir
from trackerkit.embedding._onnx import OnnxEmbedder
from trackerkit.errors import EmbeddingModelError, InvalidParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["default_embedder", "embed_unit", "resolve_embedder", "text_embedder"]


def default_embedder(*, cache: bool = True) -> Embedder:
    """The default embedder: :class:`OnnxEmbedder` (the model of the ``semantic`` extra, or the
    files ``TRACKERKIT_EMBEDDING_MODEL`` / ``TRACKERKIT_EMBEDDING_TOKENIZER`` name) behind a
    :class:`CachedEmbedder` over :func:`default_cache_dir` (unless ``cache=False``).

    One per process: later calls return the same object (the model is loaded once), as long as
    those environment variables and ``TRACKERKIT_CACHE_DIR`` keep their values.

    Raises
    ------
    MissingDependencyError
        The ``semantic`` extra is not installed: ``pip install 'trackerkit[semantic]'``.

    Examples
    --------
    >>> from trackerkit.embedding import default_embedder
    >>> default_embedder(cache=False) is default_embedder(cache=False)
    True
    """
    check_bool("cache", cache)
    return _default_embedder(
        os.environ.get(EMBEDDING_MODEL_ENV) or None,
        os.environ.get(EMBEDDING_TOKENIZER_ENV) or None,
        str(default_cache_dir()) if cache else None,
    )


@lru_cache(maxsize=4)
def _default_embedder(model: str | None, tokenizer: str | None, cache_dir: str | None) -> Embedder:
    embedder = OnnxEmbedder(model, tokenizer)
    return CachedEmbedder(embedder, cache=cache_dir if cache_dir is not None else False)


def resolve_embedder(embedder: Embedder | None) -> Embedder:
    """``embedder`` itself, checked, or :func:`default_embedder` when it is None: what every
    semantic feature of trackerkit calls with its ``embedder=`` parameter.

    Raises
    ------
    InvalidParameterError
        ``embedder`` has no ``embed(texts)``, ``model_id`` and ``dim``.
    MissingDependencyError
        ``embedder`` is None and the ``semantic`` extra is not installed.
    """
    if embedder is None:
        return default_embedder()
    if not isinstance(embedder, Embedder):
        raise InvalidParameterError(
            f"embedder must have embed(texts), model_id and dim; got {type(embedder).__name__}",
            parameter="embedder",
        )
    return embedder


def embed_unit(embedder: Embedder, texts: list[str]) -> np.ndarray:
    """``embedder.embed(texts)`` as float64 unit rows, checked: one row per text, finite; a row
    of norm 0 stays 0 (cosine 0 with everything), any other is scaled to norm 1 (an embedder that
    breaks the seam's promise of unit rows is still measured by cosine)."""
    import numpy as np  # lazy: heavy

    if not texts:
        return np.zeros((0, int(embedder.dim)), dtype=np.float64)
    vectors = np.asarray(embedder.embed(texts), dtype=np.float64)
    if vectors.ndim != 2 or vectors.shape[0] != len(texts):
        raise EmbeddingModelError(
            f"{type(embedder).__name__}.embed returned an array of shape {vectors.shape} "
            f"for {len(texts)} texts"
        )
    if not np.isfinite(vectors).all():
        raise EmbeddingModelError(f"{type(embedder).__name__}.embed returned non-finite values")
    norms = np.sqrt(np.einsum("ij,ij->i", vectors, vectors))
    norms[norms == 0] = 1.0
    return vectors / norms[:, np.newaxis]


def text_embedder(embedder: Embedder) -> Embedder:
    """The embedder for *texts* (messages, queries) beside ``embedder`` for phrases: the same
    model and cache, but a :class:`CachedEmbedder` keyed by a hash of each text, so no
    conversation text is written to disk in clear. Any other embedder is returned as it is."""
    if isinstance(embedder, CachedEmbedder) and not embedder.hash_keys and embedder.cache is not None:
        return CachedEmbedder(embedder.embedder, cache=embedder.cache, hash_keys=True)
    return embedder
