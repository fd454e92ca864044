"""A persistent, bounded, multi-process-safe store of sentence vectors, and the embedder that uses it.

**Storage.** One SQLite database (the standard library's ``sqlite3``) per cache folder,
``vectors-v1.sqlite3``, in WAL mode: any number of readers while one process writes; writers
queue (``timeout`` seconds) instead of failing. Every write is one transaction, so a crash or a
killed process leaves either all of a call's new vectors or none (SQLite's journal is the
"temporary file + rename" of a database). Rows: the model (``model_id``), the key
(:func:`~trackerkit.embedding.cache_key`), the vector (float32, little-endian), its CRC-32
(over key and vector) and when it was last used (refreshed by a read only when older than
``refresh_after``, an hour by default, so a warm run writes nothing).

**Trust nothing.** Every vector read is checked against its CRC-32: a damaged entry counts as
``corrupt`` and is recomputed and rewritten. A damaged database file is moved aside
(``vectors-v1.sqlite3.corrupt-...``, only the latest kept) and a new one started. Any other
failure (locked past ``timeout``, unwritable folder, full disk) costs one
:class:`~trackerkit.errors.EmbeddingCacheWarning` and the cache for that call: the vectors are
computed all the same.

**Bounded.** ``max_bytes`` (default 512 MiB) and ``max_entries`` bound the entries (a vector
plus its key plus ~32 bytes of row overhead each; the file is a little larger: page slack and
the index). When a write goes over a bound, the least recently used entries (read or written
longest ago, to ``refresh_after``; ties: the oldest first) are evicted down to 90% of it, and
the freed pages given back to the disk.
"""

from __future__ import annotations

import contextlib
import math
import os
import sqlite3
import sys
import threading
import time
import warnings
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from trackerkit._validation import check_bool, check_count, check_number, check_strings
from trackerkit.constants import CACHE_DIR_ENV, DEFAULT_EMBEDDING_CACHE_MAX_BYTES
from trackerkit.embedding._base import Embedder, cache_key, embedding_text
from trackerkit.errors import EmbeddingCacheWarning, EmbeddingModelError, InvalidParameterError

if TYPE_CHECKING:
    import numpy as np

__all__ = ["CacheStats", "CachedEmbedder", "EmbeddingCache", "Lookup", "default_cache_dir"]

_FILE_NAME = "vectors-v1.sqlite3"
_ROW_OVERHEAD = 32  # bytes counted per entry beside its key and vector
_EVICT_TO = 0.9  # evict down to this fraction of a bound
_CHUNK = 500  # keys per SELECT (SQLite's variable limit is 999 on old builds)

_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS models (id INTEGER PRIMARY KEY, model_id TEXT NOT NULL UNIQUE)",
    """CREATE TABLE IF NOT EXISTS vectors (
        id INTEGER PRIMARY KEY,
        model INTEGER NOT NULL REFERENCES models (id),
        key TEXT NOT NULL,
        last_used REAL NOT NULL,
        nbytes INTEGER NOT NULL,
        checksum INTEGER NOT NULL,
        vector BLOB NOT NULL,
        UNIQUE (model, key)
    )""",
    "CREATE INDEX IF NOT EXISTS vectors_lru ON vectors (last_used, id)",
    # Running totals kept by triggers: exact and atomic with each write, read in O(1).
    """CREATE TABLE IF NOT EXISTS totals (
        id INTEGER PRIMARY KEY CHECK (id = 0),
        entries INTEGER NOT NULL,
        bytes INTEGER NOT NULL
    )""",
    "INSERT OR IGNORE INTO totals VALUES (0, 0, 0)",
    """CREATE TRIGGER IF NOT EXISTS vectors_insert AFTER INSERT ON vectors BEGIN
        UPDATE totals SET entries = entries + 1, bytes = bytes + NEW.nbytes WHERE id = 0; END""",
    """CREATE TRIGGER IF NOT EXISTS vectors_delete AFTER DELETE ON vectors BEGIN
        UPDATE totals SET entries = entries - 1, bytes = bytes - OLD.nbytes WHERE id = 0; END""",
    """CREATE TRIGGER IF NOT EXISTS vectors_resize AFTER UPDATE OF nbytes ON vectors BEGIN
        UPDATE totals SET bytes = bytes - OLD.nbytes + NEW.nbytes WHERE id = 0; END""",
)
# An upsert (not INSERT OR REPLACE, whose implicit delete would not fire the delete trigger).
_UPSERT = """INSERT INTO vectors (model, key, last_used, nbytes, checksum, vector) VALUES (?, ?, ?, ?, ?, ?)
    ON CONFLICT (model, key) DO UPDATE SET last_used = excluded.last_used, nbytes = excluded.nbytes,
    checksum = excluded.checksum, vector = excluded.vector"""


class Lookup(NamedTuple):
    """What :meth:`EmbeddingCache.get` found: ``found`` (key -> float32 vector), ``damaged``
    (keys whose entry failed its checksum) and ``stale`` (found keys whose last-use mark is older
    than the cache's ``refresh_after``)."""

    found: dict[str, np.ndarray]
    damaged: list[str]
    stale: list[str]


def default_cache_dir() -> Path:
    """Where embeddings are cached unless told otherwise: ``$TRACKERKIT_CACHE_DIR/embeddings`` if
    that variable is set, else the user's cache folder (as ``platformdirs.user_cache_dir`` puts
    it): ``$XDG_CACHE_HOME/trackerkit/embeddings`` or ``~/.cache/trackerkit/embeddings`` on Linux,
    ``~/Library/Caches/trackerkit/embeddings`` on macOS,
    ``%LOCALAPPDATA%\\trackerkit\\Cache\\embeddings`` on Windows."""
    root = os.environ.get(CACHE_DIR_ENV)
    if root:
        return Path(root).expanduser() / "embeddings"
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA") or str(Path.home() / "AppData" / "Local")
        return Path(local) / "trackerkit" / "Cache" / "embeddings"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "trackerkit" / "embeddings"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    base = Path(xdg) if os.path.isabs(xdg) else Path.home() / ".cache"  # the spec ignores a relative one
    return base / "trackerkit" / "embeddings"


def _checksum(key: str, blob: bytes) -> int:
    return zlib.crc32(blob, zlib.crc32(key.encode("utf-8") + b"\0"))


def _is_damaged(exc: sqlite3.DatabaseError) -> bool:
    """A damaged file (not a lock, a full disk or a permission problem)."""
    message = str(exc).lower()
    return "malformed" in message or "not a database" in message or "corrupt" in message


class EmbeddingCache:
    """A persistent store of sentence vectors, keyed by ``(model_id, key)``, that any number of
    processes can share.

    Parameters
    ----------
    directory : path, optional
        The cache folder (created when first written). Default: :func:`default_cache_dir`.
    max_bytes : int or None
        Bound on the entries' bytes (vector + key + ~32 bytes each); None: no bound.
    max_entries : int or None
        Bound on the number of entries; None: no bound.
    timeout : float
        Seconds to wait for another process's write before giving up on the cache for one call.
    refresh_after : float
        An entry read again is marked as used now only if its mark is older than this (seconds):
        recency is kept to this resolution, and a warm run within it writes nothing at all.

    Examples
    --------
    >>> import numpy as np, tempfile
    >>> folder = tempfile.TemporaryDirectory()
    >>> cache = EmbeddingCache(folder.name, max_entries=1000)
    >>> cache.put("my-model", {"hello": np.ones(4, dtype=np.float32) / 2})
    0
    >>> lookup = cache.get("my-model", ["hello", "bye"])
    >>> sorted(lookup.found), lookup.found["hello"].tolist(), lookup.damaged
    (['hello'], [0.5, 0.5, 0.5, 0.5], [])
    >>> len(cache)
    1
    >>> folder.cleanup()
    """

    def __init__(
        self,
        directory: str | os.PathLike[str] | None = None,
        *,
        max_bytes: int | None = DEFAULT_EMBEDDING_CACHE_MAX_BYTES,
        max_entries: int | None = None,
        timeout: float = 30.0,
        refresh_after: float = 3600.0,
    ) -> None:
        if directory is not None and not isinstance(directory, (str, os.PathLike)):
            raise InvalidParameterError(
                f"directory must be a path or None; got {type(directory).__name__}", parameter="directory"
            )
        self.directory = default_cache_dir() if directory is None else Path(directory).expanduser()
        self.path = self.directory / _FILE_NAME
        self.max_bytes = check_count("max_bytes", max_bytes, allow_none=True)
        self.max_entries = check_count("max_entries", max_entries, allow_none=True)
        self.timeout = check_number("timeout", timeout, minimum=0)
        self.refresh_after = check_number("refresh_after", refresh_after, minimum=0)
        self._ready = False
        self._lock = threading.Lock()

    # pickling (Dask workers, joblib): another process opens the same file with a lock of its own
    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        del state["_lock"]
        state["_ready"] = False
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"EmbeddingCache({str(self.directory)!r}, max_bytes={self.max_bytes}, "
            f"max_entries={self.max_entries})"
        )

    # ------------------------------------------------------------------------------ plumbing
    @contextlib.contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        """A fresh connection per operation: safe across threads and forks, nothing held open."""
        if not self.directory.is_dir():
            self.directory.parent.mkdir(parents=True, exist_ok=True)
            # only its owner reads it: it holds phrases in clear
            self.directory.mkdir(mode=0o700, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        try:
            con.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: a crash never damages the file
            if not self._ready:
                self._create(con)
            yield con
        finally:
            con.close()

    def _create(self, con: sqlite3.Connection) -> None:
        con.execute("PRAGMA auto_vacuum = INCREMENTAL")  # only takes effect on a new file
        con.execute("PRAGMA journal_mode = WAL")
        with _transaction(con):
            for statement in _SCHEMA:
                con.execute(statement)
        self._ready = True

    def _quarantine(self) -> Path:
        """Move the damaged file (and its WAL) aside, keeping only the latest such copy."""
        for old in self.directory.glob(_FILE_NAME + ".corrupt-*"):
            with contextlib.suppress(OSError):
                old.unlink()
        target = self.path.with_name(f"{_FILE_NAME}.corrupt-{os.getpid()}-{time.time_ns()}")
        with contextlib.suppress(FileNotFoundError):
            os.replace(self.path, target)
        for suffix in ("-wal", "-shm"):  # a stale WAL must never be replayed into the new file
            with contextlib.suppress(FileNotFoundError):
                os.replace(f"{self.path}{suffix}", f"{target}{suffix}")
        self._ready = False
        return target

    def _guarded(self, what: str, operation: Any, default: Any) -> Any:
        """``operation()``; a damaged file is replaced and the operation retried once; any other
        failure is a warning and ``default``."""
        for attempt in (1, 2):
            try:
                return operation()
            except sqlite3.DatabaseError as exc:
                if attempt == 1 and "no such table" in str(exc):
                    # another process replaced a damaged file since we set it up: set up the new one
                    self._ready = False
                    continue
                if attempt == 1 and _is_damaged(exc):
                    with self._lock:
                        moved = self._quarantine()
                    warnings.warn(
                        f"the embedding cache {self.path} was damaged ({exc}); moved it to {moved.name} "
                        "and started a new one",
                        EmbeddingCacheWarning,
                        stacklevel=4,
                    )
                    continue
                problem = exc
            except OSError as exc:
                problem = exc
            warnings.warn(
                f"the embedding cache {self.path} could not be {what} ({problem}); "
                "the vectors are computed without it",
                EmbeddingCacheWarning,
                stacklevel=4,
            )
            return default
        return default  # pragma: no cover (the loop always returns)

    # ------------------------------------------------------------------------------ public
    def get(self, model_id: str, keys: Sequence[str]) -> Lookup:
        """What the cache holds for ``keys`` of ``model_id``: a :class:`Lookup` of the vectors
        found, the keys whose entry failed its checksum (to recompute and store again) and the
        found keys last marked as used more than ``refresh_after`` seconds ago."""

        def read() -> Lookup:
            import numpy as np  # lazy: heavy

            lookup = Lookup({}, [], [])
            if not self.path.exists():
                return lookup
            stale_before = time.time() - self.refresh_after
            with self._connection() as con, _transaction(con, "BEGIN"):  # one snapshot
                row = con.execute("SELECT id FROM models WHERE model_id = ?", (model_id,)).fetchone()
                if row is None:
                    return lookup
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]
                    query = (
                        "SELECT key, checksum, last_used, vector FROM vectors WHERE model = ? AND key IN "
                        f"({', '.join('?' * len(chunk))})"
                    )
                    for key, checksum, last_used, blob in con.execute(query, (row[0], *chunk)):
                        if len(blob) and len(blob) % 4 == 0 and _checksum(key, blob) == checksum:
                            lookup.found[key] = np.frombuffer(blob, dtype="<f4")
                            if last_used < stale_before:
                                lookup.stale.append(key)
                        else:
                            lookup.damaged.append(key)
            return lookup

        return self._guarded("read", read, Lookup({}, [], []))

    def put(self, model_id: str, vectors: dict[str, np.ndarray], *, touched: Sequence[str] = ()) -> int:
        """Store ``vectors`` (key -> vector) for ``model_id``, mark the ``touched`` keys as used
        now, evict down to the bounds; returns how many entries were evicted."""

        def write() -> int:
            import numpy as np  # lazy: heavy

            now = time.time()
            with self._connection() as con:
                with _transaction(con, "BEGIN IMMEDIATE"):
                    con.execute("INSERT OR IGNORE INTO models (model_id) VALUES (?)", (model_id,))
                    (model,) = con.execute("SELECT id FROM models WHERE model_id = ?", (model_id,)).fetchone()
                    rows = []
                    for key, vector in vectors.items():
                        blob = np.ascontiguousarray(vector, dtype="<f4").tobytes()
                        nbytes = len(blob) + len(key.encode("utf-8")) + _ROW_OVERHEAD
                        rows.append((model, key, now, nbytes, _checksum(key, blob), blob))
                    con.executemany(_UPSERT, rows)
                    touched_keys = list(touched)
                    for start in range(0, len(touched_keys), _CHUNK):
                        chunk = touched_keys[start : start + _CHUNK]
                        con.execute(
                            f"UPDATE vectors SET last_used = ? WHERE model = ? AND key IN "
                            f"({', '.join('?' * len(chunk))})",
                            (now, model, *chunk),
                        )
                    evicted = self._evict(con)
                if evicted:
                    con.execute("PRAGMA incremental_vacuum")  # give the freed pages back
                return evicted

        return self._guarded("written", write, 0)

    def _evict(self, con: sqlite3.Connection) -> int:
        entries, nbytes = con.execute("SELECT entries, bytes FROM totals WHERE id = 0").fetchone()
        over_entries = self.max_entries is not None and entries > self.max_entries
        over_bytes = self.max_bytes is not None and nbytes > self.max_bytes
        if not (over_entries or over_bytes):
            return 0
        keep_entries = math.inf if self.max_entries is None else math.floor(self.max_entries * _EVICT_TO)
        keep_bytes = math.inf if self.max_bytes is None else math.floor(self.max_bytes * _EVICT_TO)
        victims = []
        cursor = con.execute("SELECT id, nbytes FROM vectors ORDER BY last_used, id")
        for row_id, size in cursor:
            if entries <= keep_entries and nbytes <= keep_bytes:
                break
            victims.append((row_id,))
            entries -= 1
            nbytes -= size
        cursor.close()
        con.executemany("DELETE FROM vectors WHERE id = ?", victims)
        return len(victims)

    def __len__(self) -> int:
        """The number of entries (every model)."""
        return self.totals()[0]

    def totals(self) -> tuple[int, int]:
        """``(entries, bytes)`` stored, every model counted (bytes as the bounds count them)."""

        def read() -> tuple[int, int]:
            if not self.path.exists():
                return 0, 0
            with self._connection() as con:
                entries, nbytes = con.execute("SELECT entries, bytes FROM totals WHERE id = 0").fetchone()
            return int(entries), int(nbytes)

        return self._guarded("read", read, (0, 0))

    def clear(self) -> None:
        """Delete every entry (the file stays, empty)."""

        def wipe() -> None:
            with self._connection() as con:
                with _transaction(con, "BEGIN IMMEDIATE"):
                    con.execute("DELETE FROM vectors")
                    con.execute("DELETE FROM models")
                con.execute("PRAGMA incremental_vacuum")

        self._guarded("cleared", wipe, None)


@contextlib.contextmanager
def _transaction(con: sqlite3.Connection, begin: str = "BEGIN IMMEDIATE") -> Iterator[None]:
    con.execute(begin)
    try:
        yield
    except BaseException:
        with contextlib.suppress(sqlite3.Error):
            con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


@dataclass
class CacheStats:
    """What a :class:`CachedEmbedder` did, counted in distinct texts (cache keys) per call and
    summed over its calls: found in the cache (``hits``), computed (``misses``, damaged entries
    included), found damaged and recomputed (``corrupt``), evicted to stay within the bounds
    (``evicted``)."""

    hits: int = 0
    misses: int = 0
    corrupt: int = 0
    evicted: int = 0


class CachedEmbedder:
    """An :class:`~trackerkit.embedding.Embedder` that remembers: vectors come from an on-disk
    :class:`EmbeddingCache` when it has them and from ``embedder`` otherwise (then are stored).

    Texts are keyed by :func:`~trackerkit.embedding.cache_key` (their normalised form, or its
    hash for long texts) and the embedder's ``model_id``, and embedded in their normalised form
    (:func:`~trackerkit.embedding.embedding_text`), so a cached vector is exactly the vector
    ``embedder`` gives, and a second run over the same phrases reads them all from disk.

    Parameters
    ----------
    embedder : Embedder
        Computes what the cache does not hold.
    cache : bool, path or EmbeddingCache
        True: the default cache (:func:`default_cache_dir`, 512 MiB); a path: a cache in that
        folder; an :class:`EmbeddingCache`: that one; False: no cache (vectors are still
        deduplicated per call).
    hash_keys : bool
        Key every text by a hash (:func:`~trackerkit.embedding.cache_key` with ``hashed=True``),
        so no text is written to disk in clear: for conversation text. By default phrases of up
        to 200 characters are their own key (readable), longer texts are hashed.

    Attributes
    ----------
    stats : CacheStats
        Hits, misses, corrupt entries and evictions so far.

    Examples
    --------
    >>> import tempfile
    >>> from trackerkit.embedding import CachedEmbedder, OnnxEmbedder
    >>> folder = tempfile.TemporaryDirectory()
    >>> embedder = CachedEmbedder(OnnxEmbedder(threads=2), cache=folder.name)
    >>> first = embedder.embed(["What is the price?", "what is the price", "Any discount?"])
    >>> embedder.stats
    CacheStats(hits=0, misses=2, corrupt=0, evicted=0)
    >>> again = embedder.embed(["any discount"])
    >>> embedder.stats.hits, bool((again[0] == first[2]).all())
    (1, True)
    >>> folder.cleanup()
    """

    def __init__(
        self,
        embedder: Embedder,
        cache: bool | str | os.PathLike[str] | EmbeddingCache = True,
        *,
        hash_keys: bool = False,
    ) -> None:
        if not isinstance(embedder, Embedder):
            raise InvalidParameterError(
                "embedder must have model_id, dim and embed(texts) (see trackerkit.embedding.Embedder); "
                f"got {type(embedder).__name__}",
                parameter="embedder",
            )
        if isinstance(cache, bool):
            resolved = EmbeddingCache() if check_bool("cache", cache) else None
        elif isinstance(cache, EmbeddingCache):
            resolved = cache
        elif isinstance(cache, (str, os.PathLike)):
            resolved = EmbeddingCache(cache)
        else:
            raise InvalidParameterError(
                f"cache must be True, False, a folder or an EmbeddingCache; got {type(cache).__name__}",
                parameter="cache",
            )
        self.embedder = embedder
        self.cache: EmbeddingCache | None = resolved
        self.hash_keys = check_bool("hash_keys", hash_keys)
        self.stats = CacheStats()

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.embedder!r}, cache={self.cache!r})"

    @property
    def model_id(self) -> str:
        return self.embedder.model_id

    @property
    def dim(self) -> int:
        return self.embedder.dim

    def embed(self, texts: Sequence[str], *, progress: bool | None = None) -> np.ndarray:
        """Unit-norm vectors of ``texts`` (float32, ``(len(texts), dim)``), from the cache when
        it has them. ``progress`` is passed to the embedder for the texts it computes."""
        import numpy as np  # lazy: heavy

        texts = check_strings("texts", texts)
        if progress is not None:
            check_bool("progress", progress)
        keys = [cache_key(text, hashed=self.hash_keys) for text in texts]
        text_of: dict[str, str] = {}
        for key, text in zip(keys, texts):
            text_of.setdefault(key, text)
        unique = list(text_of)
        if not unique:
            return np.zeros((0, self.dim), dtype=np.float32)
        model_id = self.model_id
        found, damaged, stale = self.cache.get(model_id, unique) if self.cache else Lookup({}, [], [])
        missing = [key for key in unique if key not in found]
        computed = self._compute(missing, text_of, progress)
        dims = {vector.shape[0] for vector in found.values()} | ({computed.shape[1]} if missing else set())
        if len(dims) > 1:  # stored vectors of another length under this model_id: trust the model
            damaged = sorted(set(damaged) | set(found))
            found, missing, stale = {}, unique, []
            computed = self._compute(missing, text_of, progress)
            dims = {computed.shape[1]}
        evicted = 0
        if self.cache is not None and (missing or stale):  # a warm run within refresh_after: no write
            evicted = self.cache.put(model_id, dict(zip(missing, computed)), touched=stale)
        self.stats.hits += len(found)
        self.stats.misses += len(missing)
        self.stats.corrupt += len(damaged)
        self.stats.evicted += evicted
        (dim,) = dims
        # the found vectors, then the computed ones: rows of one matrix, picked in text order
        hit_keys = list(found)
        matrix = np.empty((len(hit_keys) + len(missing), dim), dtype=np.float32)
        if hit_keys:
            matrix[: len(hit_keys)] = np.stack([found[key] for key in hit_keys])
        if missing:
            matrix[len(hit_keys) :] = computed
        position = {key: row for row, key in enumerate(hit_keys + missing)}
        return matrix[[position[key] for key in keys]]

    def _compute(self, keys: list[str], text_of: dict[str, str], progress: bool | None) -> np.ndarray:
        """The embedder's vectors of the texts behind ``keys`` (in their normalised form)."""
        import numpy as np  # lazy: heavy

        if not keys:
            return np.zeros((0, 0), dtype=np.float32)
        options = {} if progress is None else {"progress": progress}
        computed = np.asarray(
            self.embedder.embed([embedding_text(text_of[key]) for key in keys], **options), dtype=np.float32
        )
        if computed.ndim != 2 or computed.shape[0] != len(keys) or computed.shape[1] == 0:
            raise EmbeddingModelError(
                f"{type(self.embedder).__name__}.embed returned an array of shape {computed.shape} "
                f"for {len(keys)} texts; expected ({len(keys)}, dim)"
            )
        return computed
