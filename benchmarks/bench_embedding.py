"""Benchmark of sentence embedding (the ``semantic`` extra): throughput, separation of the sample's
planted groups, the replay's scorer by meaning, and CLINC150 with ``features="tfidf+semantic"``.

    python benchmarks/bench_embedding.py [--threads 2] [--part throughput,separation,replay,clinc]

**throughput**: two accounts,

* ``sample``: the bundled sample account's phrases (``trackerkit.load_trackers("sample")``);
* ``clinc-500x45``: the largest-account issue's 500 trackers x 45 phrases
  (``benchmarks/_clinc.py`` ``largest_account``: CLINC150's in-scope queries, train, val and test
  in file order, de-duplicated, 22,495, cut into consecutive chunks of 45; the last has 40).

Each figure comes from a fresh process (so peak memory, ``ru_maxrss``, is that run's alone), with
``TRACKERKIT_CACHE_DIR`` pointing to a new temporary folder:

* ``cold``: empty cache: load the model, embed every phrase, store the vectors;
* ``warm``: a second process over the same cache: every vector read from disk (the model file is
  hashed for its ``model_id`` but the model is not loaded);
* ``uncached``: ``cache=False``, the model alone (for reference).

Printed per run: phrases (and distinct normalised texts), seconds (wall, then CPU), phrases/s
(wall), the set-up part (embedder construction, model load included for cold), peak RSS in MB,
and the cache file's size. The machine's load average is printed first: on a shared machine the
wall-clock figures vary, CPU seconds less.

**separation**: the sample account's planted groups of overlapping trackers
(``trackerkit/data/planted_problems.json``, kind ``overlapping_trackers``): the mean similarity of
the pairs inside a group and of all the other pairs of the account, by meaning
(``analyzer="semantic"``) and by TF-IDF (``"char_wb"``, ``"word"``); their difference; the AUC
(the chance that a within-group pair scores above an other pair: scale-free, so the analyzers
compare); and, per pair of two trackers, which overlapping pairs only meaning reveals.

**replay**: the replay's matches by meaning against the stored Symbl results of the sample
conversations (``compare_hits``), ``TfidfScorer`` and ``EmbeddingScorer``, at the thresholds
0.05, 0.10, ..., 0.95: precision, recall and F1 of the matches by meaning; the best threshold of
each is its default.

**clinc**: CLINC150 top-1 accuracy with ``TrackerMatcher(features="tfidf+semantic")``, fitted on
the train split, the weight of the embedding block and ``C`` chosen on the *validation* split
(never on test), then measured once on test (TF-IDF alone for reference). The vectors are cached
(the default cache), so a second run skips the embedding.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clinc import CLINC, clinc_trackers, largest_account

PARTS = ("throughput", "separation", "replay", "clinc")


def account_phrases(account: str) -> list[str]:
    import trackerkit

    trackers = trackerkit.load_trackers("sample" if account == "sample" else largest_account())
    return trackerkit.vocabulary_frame(trackers)["phrase"].tolist()


def child(account: str, phase: str, threads: int) -> dict:
    """One measured run (in its own process)."""
    phrases = account_phrases(account)
    start_wall, start_cpu = time.perf_counter(), time.process_time()
    from trackerkit.embedding import CachedEmbedder, OnnxEmbedder, cache_key

    embedder = CachedEmbedder(OnnxEmbedder(threads=threads), cache=phase != "uncached")
    if phase != "warm":
        embedder.embedder._load_session()  # the model load counts as set-up, not as embedding
    setup = time.perf_counter() - start_wall
    vectors = embedder.embed(phrases, progress=False)
    wall, cpu = time.perf_counter() - start_wall, time.process_time() - start_cpu
    cache_file = embedder.cache.path if embedder.cache else None
    return {
        "account": account,
        "phase": phase,
        "phrases": len(phrases),
        "distinct": len({cache_key(p) for p in phrases}),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "setup_s": round(setup, 2),
        "phrases_per_s": round(len(phrases) / wall, 1),
        "hits": embedder.stats.hits,
        "misses": embedder.stats.misses,
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cache_mb": round(cache_file.stat().st_size / 2**20, 1) if cache_file and cache_file.exists() else 0,
        "shape": list(vectors.shape),
    }


def run(account: str, phase: str, threads: int, cache_root: str) -> dict:
    env = {**os.environ, "TRACKERKIT_CACHE_DIR": cache_root}
    command = [sys.executable, __file__, "--child", account, phase, "--threads", str(threads)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def throughput(threads: int) -> None:
    header = (
        f"{'account':<13} {'phase':<9} {'phrases':>8} {'distinct':>8} {'wall s':>7} {'cpu s':>7} "
        f"{'setup s':>7} {'phrases/s':>10} {'hits':>6} {'misses':>6} {'peak MB':>8} {'cache MB':>8}"
    )
    print(header)
    for account in ("sample", "clinc-500x45"):
        with tempfile.TemporaryDirectory(prefix="trackerkit-bench-") as cache_root:
            for phase in ("cold", "warm", "uncached"):
                r = run(account, phase, threads, cache_root)
                print(
                    f"{r['account']:<13} {r['phase']:<9} {r['phrases']:>8} {r['distinct']:>8} "
                    f"{r['wall_s']:>7.2f} {r['cpu_s']:>7.2f} {r['setup_s']:>7.2f} "
                    f"{r['phrases_per_s']:>10.1f} "
                    f"{r['hits']:>6} {r['misses']:>6} {r['peak_rss_mb']:>8} {r['cache_mb']:>8}",
                    flush=True,
                )


def planted_groups() -> list[list[str]]:
    from importlib import resources

    planted = json.loads(
        resources.files("trackerkit.data").joinpath("planted_problems.json").read_text("utf-8")
    )
    return [item["trackers"] for item in planted if item["kind"] == "overlapping_trackers"]


def separation() -> None:
    import numpy as np

    import trackerkit

    groups = planted_groups()
    group_of = {name: g for g, members in enumerate(groups) for name in members}
    matrices = {
        a: trackerkit.similarity_matrix("sample", analyzer=a) for a in ("semantic", "char_wb", "word")
    }
    names = matrices["semantic"].labels
    iu = np.triu_indices(len(names), k=1)
    within = np.asarray(
        [names[i] in group_of and group_of[names[i]] == group_of.get(names[j]) for i, j in zip(*iu)]
    )
    print(
        f"{len(groups)} planted groups, {int(within.sum())} within-group pairs, {int((~within).sum())} others"
    )
    print(f"{'analyzer':<9} {'within':>7} {'between':>8} {'diff':>6} {'AUC':>6}")
    for analyzer, result in matrices.items():
        values = result.matrix.to_numpy()[iu]
        inside, outside = values[within], values[~within]
        # AUC: share of (within, other) pairs where the within pair scores higher (ties half)
        auc = (inside[:, None] > outside[None, :]).mean() + 0.5 * (inside[:, None] == outside[None, :]).mean()
        print(
            f"{analyzer:<9} {inside.mean():>7.3f} {outside.mean():>8.3f} "
            f"{inside.mean() - outside.mean():>6.3f} {auc:>6.3f}"
        )
    for analyzer, result in matrices.items():
        values = result.matrix.to_numpy()
        print(f"  {analyzer}: per group, mean within")
        for members in groups:
            rows = [names.index(m) for m in members]
            pairs = [values[a, b] for a, b in itertools.combinations(rows, 2)]
            print(f"    {np.mean(pairs):.3f}  {' / '.join(members)}")
    semantic = trackerkit.tracker_pairs(
        matrices["semantic"], threshold=trackerkit.constants.DEFAULT_SEMANTIC_TRACKER_THRESHOLD
    )
    lexical = matrices["char_wb"].matrix
    only = semantic[
        [
            lexical.loc[a, b] < trackerkit.constants.DEFAULT_TRACKER_THRESHOLD
            for a, b in zip(semantic["tracker_a"], semantic["tracker_b"])
        ]
    ]
    print(
        f"pairs similar by meaning (>= {trackerkit.constants.DEFAULT_SEMANTIC_TRACKER_THRESHOLD}) "
        f"but not by characters (< {trackerkit.constants.DEFAULT_TRACKER_THRESHOLD}): {len(only)}"
    )
    for a, b, score in only.itertuples(index=False):
        print(f"    {score:.3f} (char_wb {lexical.loc[a, b]:.3f})  {a} / {b}")
    for analyzer, threshold in (
        ("char_wb", 0.25),
        ("semantic", trackerkit.constants.DEFAULT_SEMANTIC_TRACKER_THRESHOLD),
    ):
        found = pair_f1(analyzer, threshold, groups)
        print(f"cluster_trackers({analyzer}, threshold={threshold}): planted pairs {found}")


def pair_f1(analyzer: str, threshold: float, groups: list[list[str]]) -> str:
    import trackerkit

    table = trackerkit.cluster_trackers("sample", analyzer=analyzer, threshold=threshold).table
    planted = {frozenset(p) for g in groups for p in itertools.combinations(g, 2)}
    clustered = {
        frozenset(p)
        for _, members in table.groupby("cluster")["tracker"]
        for p in itertools.combinations(list(members), 2)
    }
    tp = len(planted & clustered)
    f1 = 2 * tp / (len(planted) + len(clustered))
    return f"found {tp} of {len(planted)}, {len(clustered - planted)} other pairs clustered, F1 {f1:.2f}"


def replay_agreement() -> None:
    import numpy as np

    import trackerkit
    from trackerkit.analysis._scoring import EmbeddingScorer, TfidfScorer

    symbl = trackerkit.load_tracker_results("sample")
    messages = trackerkit.load_conversations("sample")
    thresholds = np.round(np.arange(0.05, 0.951, 0.05), 2)
    print(f"{len(messages)} messages; stored hits by meaning: {int((symbl['match'] == 'meaning').sum())}")
    for name, scorer in (("TfidfScorer", TfidfScorer()), ("EmbeddingScorer", EmbeddingScorer())):
        start = time.perf_counter()
        # one replay at the lowest threshold: a higher one keeps exactly the hits scoring at least it
        hits = trackerkit.replay("sample", messages, threshold=float(thresholds[0]), scorer=scorer)
        seconds = time.perf_counter() - start
        best = (-1.0, 0.0)
        print(f"{name} (replay of every message at {thresholds[0]}: {seconds:.1f} s)")
        print(f"  {'threshold':>9} {'precision':>9} {'recall':>7} {'F1':>6} {'both':>5} {'replay only':>11}")
        for t in thresholds:
            kept = hits[(hits["match"] == "literal") | (hits["score"] >= t - 1e-12)]
            row = trackerkit.compare_hits(symbl, kept).summary.loc["meaning"]
            print(
                f"  {t:>9.2f} {row.precision:>9.3f} {row.recall:>7.3f} {row.f1:>6.3f} "
                f"{int(row.both):>5} {int(row.replay_only):>11}"
            )
            if row.f1 > best[0] + 1e-12:
                best = (float(row.f1), float(t))
        print(f"  best: F1 {best[0]:.3f} at {best[1]:.2f}")


def clinc(threads: int) -> None:
    import numpy as np

    import trackerkit
    from trackerkit.embedding import CachedEmbedder, OnnxEmbedder

    data = json.loads(CLINC.read_text("utf-8"))
    train = clinc_trackers(split="train")
    val = [(text, intent) for text, intent in data["val"]]
    test = [(text, intent) for text, intent in data["test"]]
    embedder = CachedEmbedder(OnnxEmbedder(threads=threads), cache=True)
    start = time.perf_counter()
    every = [p for t in train for p in t["vocabulary"]] + [t for t, _ in val] + [t for t, _ in test]
    embedder.embed(every, progress=False)
    print(f"embedded {len(every)} texts in {time.perf_counter() - start:.1f} s ({embedder.stats})")

    def accuracy(matcher: trackerkit.TrackerMatcher, split: list[tuple[str, str]]) -> float:
        predicted = matcher.predict([t for t, _ in split])
        return float(np.mean([p == y for p, (_, y) in zip(predicted, split)]))

    grid = [(w, c) for w in (0.5, 1.0, 1.5, 2.0) for c in (1.0, 2.0)]
    print(f"{'features':<15} {'weight':>6} {'C':>4} {'val':>7} {'fit s':>6}")
    best = None
    for weight, c in grid:
        start = time.perf_counter()
        matcher = trackerkit.TrackerMatcher(
            features="tfidf+semantic", semantic_weight=weight, C=c, embedder=embedder
        ).fit(train)
        fit_s = time.perf_counter() - start
        score = accuracy(matcher, val)
        print(f"{'tfidf+semantic':<15} {weight:>6.1f} {c:>4.1f} {score:>7.2%} {fit_s:>6.1f}", flush=True)
        if best is None or score > best[0] + 1e-12:
            best = (score, weight, c)
    _, weight, c = best
    tfidf = trackerkit.TrackerMatcher().fit(train)
    both = trackerkit.TrackerMatcher(
        features="tfidf+semantic", semantic_weight=weight, C=c, embedder=embedder
    ).fit(train)
    print(f"chosen on val: semantic_weight={weight}, C={c}")
    print(
        f"CLINC150 test top-1: tfidf {accuracy(tfidf, test):.2%}, "
        f"tfidf+semantic {accuracy(both, test):.2%} (>= 95.5%)"
    )
    default = trackerkit.TrackerMatcher(features="tfidf+semantic", embedder=embedder).fit(train)
    print(f"  with the defaults (semantic_weight=1.0, C=2.0): {accuracy(default, test):.2%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--part", default=",".join(PARTS), help=f"comma-separated: {', '.join(PARTS)}")
    parser.add_argument("--child", nargs=2, metavar=("ACCOUNT", "PHASE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child(*options.child, options.threads)))
        return
    parts = [p.strip() for p in options.part.split(",") if p.strip()]
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"unknown part(s) {', '.join(sorted(unknown))}; choose from {', '.join(PARTS)}")

    import onnxruntime
    import tokenizers

    print(
        f"Python {platform.python_version()}, onnxruntime {onnxruntime.__version__}, "
        f"tokenizers {tokenizers.__version__}, {os.cpu_count()} CPUs, threads={options.threads}, "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for part in parts:
        print(f"\n== {part}")
        {
            "throughput": lambda: throughput(options.threads),
            "separation": separation,
            "replay": replay_agreement,
            "clinc": lambda: clinc(options.threads),
        }[part]()
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
