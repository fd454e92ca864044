"""The app's Hits and Review tabs on the sample (issue 15: <= 300 ms per interaction).

    python benchmarks/bench_hits_app.py

The sample account over the sample conversations, hits replayed (literal and by meaning).
Prints the time to build each tab (the replay included) and, per interaction, the median and
maximum over every tracker (a pick in the Hits tab) or over 40 labels typed in the Review tab's
Keys box. Kernel side only: no front end is attached.
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def main() -> int:
    import trackerkit
    from trackerkit.widgets import HitsExplorer, ReviewPanel

    trackers = trackerkit.load_trackers("sample")
    messages = trackerkit.load_conversations("sample")
    start = time.perf_counter()
    explorer = HitsExplorer(trackers, messages)
    print(f"Hits tab built (replay included): {time.perf_counter() - start:.2f} s")
    picks = []
    for name in trackers["name"]:
        start = time.perf_counter()
        explorer.select(name)
        picks.append((time.perf_counter() - start) * 1000)
    print(f"pick a tracker ({len(picks)}): median {statistics.median(picks):.1f} ms, max {max(picks):.1f} ms")
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        review = ReviewPanel(explorer.source, Path(folder) / "labels.jsonl", messages=messages)
        print(f"Review tab built: {time.perf_counter() - start:.2f} s")
        labels = []
        for k in range(40):
            start = time.perf_counter()
            review.keys.value = "rws"[k % 3]
            labels.append((time.perf_counter() - start) * 1000)
        median, worst = statistics.median(labels), max(labels)
        print(f"label a hit ({len(labels)}): median {median:.1f} ms, max {worst:.1f} ms")
        review.close()
    explorer.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
