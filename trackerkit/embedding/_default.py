"""The embedder trackerkit's semantic features use unless given one."""

from __future__ import annotations

import os
from functools import lru_cache

from trackerkit._validation import check_bool
from trackerkit.constants import EMBEDDING_MODEL_ENV, EMBEDDING_TOKENIZER_ENV
from trackerkit.embedding._base import Embedder
from trackerkit.embedding._cache import CachedEmbedder, default_cache_dir
from trackerkit.embedding._onnx import OnnxEmbedder

__all__ = ["default_embedder"]


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
