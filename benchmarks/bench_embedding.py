"""Benchmark of sentence embedding (the ``semantic`` extra): throughput cold and warm, peak memory.

    python benchmarks/bench_embedding.py [--threads 2]

Two accounts:

* ``sample``: the bundled sample account's phrases (``trackerkit.load_trackers("sample")``);
* ``clinc-500x45``: the largest-account issue's 500 trackers x 45 phrases: CLINC150's in-scope
  queries (train, val and test, in the order they appear in the file), de-duplicated (22,495),
  cut into consecutive chunks of 45 (the last tracker has 40). Embedding sees the same phrases
  whatever the chunking.

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
"""

from __future__ import annotations

import argparse
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
from _clinc import CLINC  # the CLINC150 file (the CLINC150 environment variable moves it)

IN_SCOPE = ("train", "val", "test")
PHRASES_PER_TRACKER = 45


def largest_account(path: Path = CLINC) -> list[dict]:
    """The 500 x 45 CLINC150 account of the largest-account issue (API-shaped trackers)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    queries = [text for split in data if split in IN_SCOPE for text, _ in data[split]]
    distinct = list(dict.fromkeys(queries))
    return [
        {
            "id": str(6_000_000_000_000_000 + i),
            "name": f"CLINC chunk {i:03d}",
            "vocabulary": distinct[start : start + PHRASES_PER_TRACKER],
        }
        for i, start in enumerate(range(0, len(distinct), PHRASES_PER_TRACKER))
    ]


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--child", nargs=2, metavar=("ACCOUNT", "PHASE"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child:
        print(json.dumps(child(*options.child, options.threads)))
        return

    import onnxruntime
    import tokenizers

    print(
        f"Python {platform.python_version()}, onnxruntime {onnxruntime.__version__}, "
        f"tokenizers {tokenizers.__version__}, {os.cpu_count()} CPUs, threads={options.threads}, "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    header = (
        f"{'account':<13} {'phase':<9} {'phrases':>8} {'distinct':>8} {'wall s':>7} {'cpu s':>7} "
        f"{'setup s':>7} {'phrases/s':>10} {'hits':>6} {'misses':>6} {'peak MB':>8} {'cache MB':>8}"
    )
    print(header)
    for account in ("sample", "clinc-500x45"):
        with tempfile.TemporaryDirectory(prefix="trackerkit-bench-") as cache_root:
            for phase in ("cold", "warm", "uncached"):
                r = run(account, phase, options.threads, cache_root)
                print(
                    f"{r['account']:<13} {r['phase']:<9} {r['phrases']:>8} {r['distinct']:>8} "
                    f"{r['wall_s']:>7.2f} {r['cpu_s']:>7.2f} {r['setup_s']:>7.2f} "
                    f"{r['phrases_per_s']:>10.1f} "
                    f"{r['hits']:>6} {r['misses']:>6} {r['peak_rss_mb']:>8} {r['cache_mb']:>8}",
                    flush=True,
                )
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
