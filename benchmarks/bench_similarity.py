"""Benchmark of trackerkit's similarity functions on CLINC150 (a script that prints figures).

    python benchmarks/bench_similarity.py            # everything, a few minutes on 2 cores
    python benchmarks/bench_similarity.py --quick    # skips the brute-force recall and 250k runs

CLINC150's 150 in-scope intents stand in for 150 trackers (train + val + test queries as their
vocabularies: 22,500 phrases). Figures printed:

1. ``similar_phrases`` at its defaults against string_grouper's ``match_strings`` at its
   defaults (min_similarity 0.8), same phrases, same run (best of 3 each);
2. recall against an exact brute-force computation of the same scores (scikit-learn TF-IDF
   + rapidfuzz over all 252 million pairs);
3. the share of planted one-typo copies of long phrases (4+ words) that are found;
4. 250,000 phrases (CLINC plus generated variants): time and peak memory, in a subprocess
   (``VmHWM``, i.e. ``ru_maxrss`` of the process image);
5. ``similarity_matrix`` on 500 trackers x 50 phrases;
6. ``TrackerMatcher`` fitted on the train split: top-1 accuracy on the 4,500 in-scope test
   queries and the latency of ``.rank``;
7. for reference, sparse_dot_topn's full product on the same TF-IDF matrix (if installed).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import trackerkit
from trackerkit import normalize_phrase

DATA = Path(os.environ.get("CLINC150", "/work/shared/data/clinc150/data_full.json"))
SPLITS = ("train", "val", "test")
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def clinc() -> dict[str, list[list[str]]]:
    return json.loads(DATA.read_text("utf-8"))


def account(rows: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """One tracker per intent, phrases in file order."""
    vocab: dict[str, list[str]] = {}
    for text, intent in rows:
        vocab.setdefault(intent, []).append(text)
    return [
        {"id": str(4_000_000_000_000_000 + k), "name": intent, "vocabulary": phrases}
        for k, (intent, phrases) in enumerate(sorted(vocab.items()))
    ]


def best_of(fn: Any, repeat: int = 3) -> tuple[float, Any]:
    best, out = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - start)
    return best, out


def typo(phrase: str, rng: random.Random) -> str:
    """``phrase`` with one swapped, missing, extra or wrong letter inside a word."""
    letters = [k for k, ch in enumerate(phrase) if ch.isalpha()]
    while True:
        kind = rng.choice(("swap", "missing", "extra", "wrong"))
        k = rng.choice(letters)
        if kind == "swap" and k + 1 < len(phrase) and phrase[k + 1].isalpha() and phrase[k] != phrase[k + 1]:
            return phrase[:k] + phrase[k + 1] + phrase[k] + phrase[k + 2 :]
        if kind == "missing":
            return phrase[:k] + phrase[k + 1 :]
        if kind == "extra":
            return phrase[:k] + rng.choice(LETTERS) + phrase[k:]
        if kind == "wrong":
            letter = rng.choice(LETTERS)
            if letter != phrase[k]:
                return phrase[:k] + letter + phrase[k + 1 :]


def header(title: str) -> None:
    print(f"\n== {title}")


# ----------------------------------------------------------------------------- 1. vs string_grouper
def bench_vs_string_grouper(rows: list[tuple[str, str]]) -> None:
    header("1. similar_phrases (defaults) vs string_grouper.match_strings (defaults), 22,500 phrases")
    frame = trackerkit.load_trackers(account(rows))
    phrases = pd.Series([text for text, _ in rows])
    print(
        f"phrases {len(phrases):,}, distinct as written {phrases.nunique():,}, "
        f"distinct normalized {len({normalize_phrase(p) for p in phrases}):,}"
    )
    trackerkit.similar_phrases(frame)  # warm-up: imports, caches
    ours, pairs = best_of(lambda: trackerkit.similar_phrases(frame))
    print(
        f"trackerkit.similar_phrases: {ours:.2f} s, {len(pairs):,} pairs "
        f"(scope='across', k=10, threshold 0.8)"
    )
    try:
        from string_grouper import match_strings
    except Exception as exc:  # whatever keeps it from running (it pins pandas < 3), report it
        print(f"string_grouper unavailable ({type(exc).__name__}: {exc}); no comparison")
        return
    match_strings(phrases.head(100))  # warm-up
    theirs, matches = best_of(lambda: match_strings(phrases))
    real = int((matches["left_index"] != matches["right_index"]).sum()) // 2
    print(f"string_grouper.match_strings: {theirs:.2f} s, {real:,} pairs of different rows")
    print(f"time ratio trackerkit / string_grouper: {ours / theirs:.2f} (target <= 1.0)")


# ----------------------------------------------------------------------------- 2. recall
def brute_force(distinct: list[str], threshold: float, max_edits: int) -> dict[tuple[int, int], float]:
    """Scores of every pair (independent code: scikit-learn TF-IDF, rapidfuzz OSA)."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA
    from sklearn.feature_extraction.text import TfidfVectorizer

    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False).fit_transform(distinct)
    lengths = np.array([len(p) for p in distinct])
    out: dict[tuple[int, int], float] = {}
    step = 2000
    for start in range(0, len(distinct), step):
        stop = min(len(distinct), start + step)
        cosine = (X[start:stop] @ X.T).toarray()
        edits = process.cdist(
            distinct[start:stop],
            distinct,
            scorer=OSA.distance,
            score_cutoff=max_edits,
            dtype=np.int32,
            workers=-1,
        )
        longest = np.maximum(lengths[start:stop, None], lengths[None, :])
        score = np.where(edits <= max_edits, np.maximum(cosine, 1 - edits / longest), cosine)
        rows, cols = np.nonzero(score >= threshold - 1e-12)
        rows = rows + start
        upper = cols > rows
        for a, b in zip(rows[upper].tolist(), cols[upper].tolist()):
            out[(a, b)] = float(score[a - start, b])
    return out


def bench_recall(rows: list[tuple[str, str]]) -> None:
    header("2. recall against an exact brute-force computation of the same scores (all 252M pairs)")
    frame = trackerkit.load_trackers(account(rows))
    vocab = trackerkit.vocabulary_frame(frame)
    distinct = sorted(set(vocab["phrase_norm"]) - {""})
    index = {p: k for k, p in enumerate(distinct)}
    start = time.perf_counter()
    reference = brute_force(distinct, 0.8, 2)
    print(
        f"brute force: {len(reference):,} pairs of distinct phrases with score >= 0.8 "
        f"({time.perf_counter() - start:.0f} s)"
    )

    def found(frame_: pd.DataFrame) -> set[tuple[int, int]]:
        a = frame_["phrase_a"].map(normalize_phrase).map(index)
        b = frame_["phrase_b"].map(normalize_phrase).map(index)
        return {(min(x, y), max(x, y)) for x, y in zip(a, b) if x != y}

    everything = found(trackerkit.similar_phrases(frame, k=None, scope="all"))
    hit = len(everything & set(reference))
    print(
        f"search (k=None, scope='all'): recall {hit / len(reference):.4%} "
        f"({hit:,}/{len(reference):,}), extra pairs {len(everything - set(reference))}"
    )

    # the same selection as the defaults (scope='across', k=10), rebuilt independently
    trackers_of: dict[int, set[str]] = {}
    for p, t in zip(vocab["phrase_norm"], vocab["tracker_id"]):
        if p:
            trackers_of.setdefault(index[p], set()).add(t)

    def across(a: int, b: int) -> bool:
        ta, tb = trackers_of[a], trackers_of[b]
        return len(ta) * len(tb) > len(ta & tb)

    eligible = {k: s for k, s in reference.items() if across(*k)}
    partners: dict[int, list[tuple[float, str, tuple[int, int]]]] = {}
    for (a, b), s in eligible.items():
        partners.setdefault(a, []).append((-s, distinct[b], (a, b)))
        partners.setdefault(b, []).append((-s, distinct[a], (a, b)))
    kept = {key for lst in partners.values() for _, _, key in sorted(lst)[:10]}
    defaults = found(trackerkit.similar_phrases(frame))
    hit = len(defaults & kept)
    print(
        f"defaults (k=10, scope='across'): recall {hit / max(len(kept), 1):.4%} "
        f"({hit:,}/{len(kept):,}), extra pairs {len(defaults - kept)} (target >= 99.9%)"
    )


# ----------------------------------------------------------------------------- 3. typos
def bench_typos(rows: list[tuple[str, str]], n: int = 1000) -> None:
    header(f"3. planted one-typo copies of long phrases ({n:,}, 4+ words), similar_phrases at defaults")
    rng = random.Random(42)
    existing = {normalize_phrase(t) for t, _ in rows}
    intents = sorted({i for _, i in rows})
    long_rows = [(t, i) for t, i in rows if len(normalize_phrase(t).split()) >= 4]
    planted: list[tuple[str, str, str]] = []
    for text, intent in rng.sample(long_rows, len(long_rows)):
        copy = typo(text, rng)
        norm = normalize_phrase(copy)
        if norm == normalize_phrase(text) or norm in existing:
            continue
        existing.add(norm)
        other = rng.choice([i for i in intents if i != intent])  # a different tracker: scope 'across'
        planted.append((text, copy, other))
        if len(planted) == n:
            break
    frame = trackerkit.load_trackers(account(rows + [(copy, other) for _, copy, other in planted]))
    start = time.perf_counter()
    pairs = trackerkit.similar_phrases(frame)
    elapsed = time.perf_counter() - start
    listed = set(zip(pairs["phrase_a"], pairs["phrase_b"])) | set(zip(pairs["phrase_b"], pairs["phrase_a"]))
    hits = sum((text, copy) in listed for text, copy, _ in planted)
    cos_only = trackerkit.similar_phrases(frame, max_edits=0)
    listed = set(zip(cos_only["phrase_a"], cos_only["phrase_b"])) | set(
        zip(cos_only["phrase_b"], cos_only["phrase_a"])
    )
    cos_hits = sum((text, copy) in listed for text, copy, _ in planted)
    print(
        f"found {hits}/{len(planted)} = {hits / len(planted):.1%} (target >= 95%) in {elapsed:.2f} s; "
        f"TF-IDF cosine alone (max_edits=0) finds {cos_hits / len(planted):.1%}"
    )


# ----------------------------------------------------------------------------- 4. 250k
def variants_250k(rows: list[tuple[str, str]], total: int = 250_000) -> list[tuple[str, str]]:
    rng = random.Random(0)
    words = [w for t, _ in rows for w in t.split()]

    def variant(p: str) -> str:
        ws = p.split()
        kind = rng.randrange(6)
        if kind == 0 and any(ch.isalpha() for ch in p):
            return typo(p, rng)
        if kind == 1 and len(ws) > 2:
            del ws[rng.randrange(len(ws))]
        elif kind == 2 and len(ws) > 1:
            k = rng.randrange(len(ws) - 1)
            ws[k], ws[k + 1] = ws[k + 1], ws[k]
        elif kind == 3:
            ws.append(rng.choice(["please", "now", "today", "thanks", "for me", "right now"]))
        elif kind == 4:
            ws[rng.randrange(len(ws))] = rng.choice(words)
        else:
            ws.insert(rng.randrange(len(ws) + 1), rng.choice(words))
        return " ".join(ws)

    sources = rows * (total // len(rows) + 1)
    rng.shuffle(sources)
    return rows + [(variant(t), i) for t, i in sources[: total - len(rows)]]


def peak_rss_kib() -> int:
    """Peak resident memory of this process image, in KiB.

    Linux's ``VmHWM`` is reset by ``execve``; ``ru_maxrss`` is not (a child started by a big
    parent inherits the parent's peak), so ``ru_maxrss`` is only the fallback.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def child_250k() -> None:
    rows = [(t, i) for s in SPLITS for t, i in clinc()[s]]
    frame = trackerkit.load_trackers(account(variants_250k(rows)))
    n_phrases = int(frame["n_phrases"].sum())
    before = peak_rss_kib()
    start = time.perf_counter()
    pairs = trackerkit.similar_phrases(frame)
    elapsed = time.perf_counter() - start
    peak = peak_rss_kib()
    result = {"phrases": n_phrases, "seconds": elapsed, "pairs": len(pairs)}
    print(json.dumps({**result, "rss_before_kib": before, "rss_peak_kib": peak}))


def bench_250k() -> None:
    header("4. similar_phrases (defaults) on 250,000 phrases (CLINC + generated variants), in a subprocess")
    done = subprocess.run(
        [sys.executable, __file__, "--child-250k"], capture_output=True, text=True, check=False, timeout=3600
    )
    if done.returncode != 0:
        print(f"failed: {done.stderr[-2000:]}")
        return
    result = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"{result['phrases']:,} phrases: {result['seconds']:.1f} s, {result['pairs']:,} pairs; "
        f"peak RSS of the whole process {result['rss_peak_kib'] / 2**20:.2f} GiB (before the call "
        f"{result['rss_before_kib'] / 2**20:.2f} GiB; target <= 2 GiB)"
    )


# ----------------------------------------------------------------------------- 5. similarity_matrix
def bench_similarity_matrix(rows: list[tuple[str, str]]) -> None:
    header("5. similarity_matrix on 500 trackers x 50 phrases (CLINC phrases drawn at random)")
    rng = np.random.default_rng(0)
    texts = [t for t, _ in rows]
    trackers = [
        {"id": str(5_000_000_000_000_000 + k), "name": f"Tracker {k:03d}",
         "vocabulary": [texts[j] for j in rng.choice(len(texts), 50, replace=False)]}
        for k in range(500)
    ]  # fmt: skip
    frame = trackerkit.load_trackers(trackers)
    trackerkit.similarity_matrix(frame.head(5))  # warm-up: imports
    for analyzer in ("char_wb", "word"):
        seconds, matrix = best_of(lambda a=analyzer: trackerkit.similarity_matrix(frame, a))
        default = " (default)" if analyzer == "char_wb" else ""
        print(
            f"analyzer={analyzer!r}{default}: {seconds:.2f} s for a "
            f"{matrix.shape[0]}x{matrix.shape[1]} matrix (target <= 1 s)"
        )


# ----------------------------------------------------------------------------- 6. matcher
def bench_matcher(data: dict[str, list[list[str]]]) -> None:
    header("6. TrackerMatcher fitted on the train split (15,000 phrases), 4,500 in-scope test queries")
    frame = trackerkit.load_trackers(account([(t, i) for t, i in data["train"]]))
    start = time.perf_counter()
    matcher = trackerkit.TrackerMatcher().fit(frame)
    fitted = time.perf_counter() - start
    texts = [t for t, _ in data["test"]]
    truth = np.array([i for _, i in data["test"]], dtype=object)
    start = time.perf_counter()
    predicted = matcher.predict(texts)
    batch = time.perf_counter() - start
    accuracy = float((predicted == truth).mean())
    latencies = []
    for text in texts[:300]:
        start = time.perf_counter()
        matcher.rank(text, k=5)
        latencies.append(time.perf_counter() - start)
    print(f"top-1 accuracy {accuracy:.2%} (target >= 92.0%; paper: BoW SVM 91.0%, DialogFlow 91.7%)")
    print(
        f"fit {fitted:.1f} s; predict {batch / len(texts) * 1000:.2f} ms/query in a batch of {len(texts):,}; "
        f".rank(text, k=5) median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {np.quantile(latencies, 0.95) * 1000:.1f} ms"
    )


# ----------------------------------------------------------------------------- 7. sparse_dot_topn
def bench_sparse_dot_topn(rows: list[tuple[str, str]]) -> None:
    header("7. reference: sparse_dot_topn's full product on the same TF-IDF matrix")
    try:
        from sparse_dot_topn import sp_matmul_topn
    except ImportError:
        print("sparse_dot_topn not installed: skipped")
        return
    from trackerkit.analysis._pair_search import PhraseSpace, cosine_pairs

    space = PhraseSpace(sorted({normalize_phrase(t) for t, _ in rows}))
    X = space.tfidf
    for threads in (1, 2):
        seconds, _ = best_of(
            lambda n=threads: sp_matmul_topn(X, X.T, top_n=20, threshold=0.8, n_threads=n), 2
        )
        print(f"sp_matmul_topn(X, X.T, top_n=20, threshold=0.8, n_threads={threads}): {seconds:.2f} s")
    seconds, found = best_of(lambda: cosine_pairs(X, 0.8), 2)
    print(f"trackerkit's pruned exact cosine search (scipy only): {seconds:.2f} s, {len(found[0]):,} pairs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the brute-force recall and the 250k run")
    parser.add_argument("--only", type=int, action="append", help="run only this section (1-7); repeatable")
    parser.add_argument("--child-250k", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_250k:
        child_250k()
        return
    import rapidfuzz
    import scipy
    import sklearn

    print(f"Python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"scikit-learn {sklearn.__version__}, pandas {pd.__version__}, rapidfuzz {rapidfuzz.__version__}, "
          f"{os.cpu_count()} cores")  # fmt: skip
    data = clinc()
    rows = [(t, i) for s in SPLITS for t, i in data[s]]
    sections = {
        1: lambda: bench_vs_string_grouper(rows),
        2: lambda: bench_recall(rows),
        3: lambda: bench_typos(rows),
        4: bench_250k,
        5: lambda: bench_similarity_matrix(rows),
        6: lambda: bench_matcher(data),
        7: lambda: bench_sparse_dot_topn(rows),
    }
    chosen = args.only or [k for k in sections if not (args.quick and k in (2, 4))]
    for k in chosen:
        sections[k]()


if __name__ == "__main__":
    main()
