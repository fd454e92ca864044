"""One interaction with each explorer on 150 trackers: a slider step, a new pick, a sentence.

Run by hand: ``python benchmarks/bench_widgets.py``. Target (issue 6): every interaction updates
its widgets in <= 300 ms. The 150 trackers are the CLINC150 intents
(``/work/shared/data/clinc150/data_full.json``; intent = tracker name, its training queries =
vocabulary, synthetic 16-digit ids), as in ``bench_plots.py``. Each figure is the median of
``REPEAT`` interactions, after one warm-up; no front end is attached, so this is the kernel's
side of an interaction (computing, rendering the PNG, setting widget values).
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clinc import CLINC, clinc_trackers

os.environ.setdefault("MPLBACKEND", "Agg")

REPEAT = 7
TARGET_MS = 300.0
SENTENCES = [
    "can you tell me how to say thank you in french",
    "what is my bank balance right now",
    "please book a table for two at seven",
    "i lost my credit card yesterday",
    "how many calories are in a banana",
    "set an alarm for six in the morning",
    "what's the weather going to be like tomorrow",
    "transfer fifty dollars from checking to savings",
]


def median_ms(steps: list[Callable[[], object]]) -> tuple[float, float]:
    """Median and maximum, in ms, of running each step once (the first one is a warm-up)."""
    steps[0]()
    times = []
    for step in steps[1:]:
        start = time.perf_counter()
        step()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), max(times)


def timed(label: str, fn: Callable[[], object]) -> object:
    start = time.perf_counter()
    out = fn()
    print(f"  {label}: {(time.perf_counter() - start) * 1000:.0f} ms")
    return out


def main() -> int:
    if not CLINC.exists():
        print(f"{CLINC} not found: set CLINC150 to data_full.json of CLINC150")
        return 2
    import matplotlib

    matplotlib.use("Agg")

    from trackerkit.loading import load_trackers
    from trackerkit.widgets import MatchPreview, SimilarityExplorer, TrackerExplorer

    trackers = load_trackers(clinc_trackers())
    n_phrases = int(trackers["n_phrases"].sum())
    print(f"{len(trackers)} trackers, {n_phrases} phrases (CLINC150 train); median of {REPEAT - 1} runs")
    print("construction (once per notebook):")
    similarity = timed(
        "SimilarityExplorer (word TF-IDF + heatmap drawn once)", lambda: SimilarityExplorer(trackers)
    )
    explorer = timed("TrackerExplorer (audit of the whole account, once)", lambda: TrackerExplorer(trackers))
    match = timed("MatchPreview (TrackerMatcher fitted once)", lambda: MatchPreview(trackers))
    timed(
        "SimilarityExplorer: first switch to the character analyzer",
        lambda: setattr(similarity.analyzer, "value", "character"),
    )
    similarity.analyzer.value = "word"

    results = {}
    values = [round(0.05 * i, 2) for i in range(2, 2 + REPEAT)]
    results["slider step (SimilarityExplorer.threshold)"] = median_ms(
        [lambda v=v: setattr(similarity.threshold, "value", v) for v in values]
    )
    names = list(trackers["name"])
    picks = [names[i * 19 % len(names)] for i in range(REPEAT)]
    results["new pick (TrackerExplorer, typed name)"] = median_ms(
        [lambda name=name: setattr(explorer.picker.combobox, "value", name) for name in picks]
    )
    word = "transfer"
    results["keystroke in the picker (partial name)"] = median_ms(
        [lambda i=i: setattr(explorer.picker.combobox, "value", word[:i]) for i in range(1, REPEAT + 1)]
    )
    results["sentence (MatchPreview, typed)"] = median_ms(
        [lambda s=s: setattr(match.text, "value", s) for s in SENTENCES[:REPEAT]]
    )
    print("one interaction (median / max, target <= 300 ms):")
    worst = 0.0
    for label, (median, longest) in results.items():
        worst = max(worst, median)
        flag = "ok" if median <= TARGET_MS else "SLOW"
        print(f"  {label:<48} {median:7.1f} ms  (max {longest:6.1f})  {flag}")
    return 0 if worst <= TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
