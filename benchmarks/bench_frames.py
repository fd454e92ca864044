"""Foundation figures: parsing 500 trackers x 50 phrases into both frames, and import cost.

Run by hand: ``python benchmarks/bench_frames.py``. Targets (issue 2): both frames <= 100 ms;
``import trackerkit`` <= 1.15 x ``import pandas`` measured in the same run; a warm
``load_trackers("sample")`` <= 50 ms (a unit test's bound until issue 11).
"""

from __future__ import annotations

import random
import statistics
import subprocess
import sys
import time


def synthetic_payload(n_trackers: int = 500, n_phrases: int = 50, seed: int = 7) -> dict:
    rng = random.Random(seed)
    words = [f"w{i}" for i in range(3000)] + ["price", "discount", "cancel", "¿cómo?", "Straße"]
    return {
        "trackers": [
            {
                "id": str(4_000_000_000_000_000 + rng.randrange(10**15)) + str(i),
                "name": f"Tracker {i}",
                "vocabulary": [
                    " ".join(rng.choice(words) for _ in range(rng.randint(2, 9))).capitalize() + "?"
                    for _ in range(n_phrases)
                ],
                "languages": ["en-US"],
                "createdOn": "2024-01-01T00:00:00Z",
            }
            for i in range(n_trackers)
        ]
    }


def best_of(fn, repeat: int = 7) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def import_time(statement: str, runs: int = 15) -> float:
    """Median wall time of a fresh interpreter running ``statement``, minus an empty interpreter."""

    def run(code: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        return time.perf_counter() - start

    base = statistics.median(run("pass") for _ in range(runs))
    return statistics.median(run(statement) for _ in range(runs)) - base


def main() -> None:
    import trackerkit
    from trackerkit.frames import normalize_phrase

    payload = synthetic_payload()

    def both_frames() -> None:
        normalize_phrase.cache_clear()  # measure cold normalization, not a warm cache
        frame = trackerkit.load_trackers(payload)
        trackerkit.vocabulary_frame(frame)

    both_frames()
    parse = best_of(both_frames)
    n_phrases = sum(len(t["vocabulary"]) for t in payload["trackers"])
    print(
        f"parse 500 trackers x 50 phrases ({n_phrases} phrases) into both frames: "
        f"{parse * 1000:.1f} ms (target <= 100 ms)"
    )

    sample = best_of(lambda: trackerkit.load_trackers("sample"))
    print(f"load_trackers('sample'), warm: {sample * 1000:.1f} ms (target <= 50 ms)")

    pandas_s = import_time("import pandas")
    trackerkit_s = import_time("import trackerkit")
    both_s = import_time("import trackerkit; trackerkit.load_trackers('sample')")
    print(f"import pandas: {pandas_s * 1000:.1f} ms")
    print(
        f"import trackerkit: {trackerkit_s * 1000:.1f} ms "
        f"(ratio {trackerkit_s / pandas_s:.2f}, target <= 1.15)"
    )
    print(
        f"import trackerkit + load_trackers('sample') (pulls in pandas): {both_s * 1000:.1f} ms "
        f"(ratio {both_s / pandas_s:.2f})"
    )


if __name__ == "__main__":
    main()
