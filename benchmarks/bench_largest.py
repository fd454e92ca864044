"""Symbl's largest account, 500 trackers x 45 real phrases: every figure of issue 18 in one run.

    python benchmarks/bench_largest.py            # everything (a few minutes on 2 cores)
    python benchmarks/bench_largest.py --only fit,audit

The account is CLINC150's 22,495 distinct in-scope queries (train + val + test in file order,
de-duplicated) cut into consecutive chunks of 45 (``_clinc.largest_account``). Each function is
timed *cold* (first call in a fresh process, imports already done, no cache) and *warm* (the
same call again; for functions that cache, this is what an explorer's second interaction
costs), with the process CPU time of the cold call beside the wall time (CPU > wall means
several cores worked). Beside every speed figure: CLINC150 top-1 accuracy of
``TrackerMatcher`` (fitted on the 150 intents' train queries, tested on the 4,500 test queries),
the figure the speed must not cost. The app's figures are the kernel's side (no browser):
building ``explore(account)``, picking a tracker in the Explore tab, and a Match tab answer.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clinc import CLINC, clinc_trackers, largest_account

os.environ.setdefault("MPLBACKEND", "Agg")

TARGETS = {  # seconds (issue 18)
    "TrackerMatcher().fit": 10.0,
    "confusion (10 folds)": 60.0,
    "audit": 2.0,
    "similarity_matrix": 1.0,
    "similar_phrases": 2.0,
    "most_similar": 0.5,
    "cluster_trackers": 0.5,
    "app: open": 5.0,
    "app: pick a tracker": 0.3,
    "app: Match tab answer": 0.3,
}
FIGURES = ("fit", "confusion", "audit", "similarity", "phrases", "neighbours", "clusters", "app", "accuracy")


def cpu_seconds() -> float:
    """CPU time of this process and of its worker processes (the matcher's SVMs are fitted in
    joblib workers, which stay alive between calls)."""
    import psutil  # jupyter's kernel depends on it; the bench extra installs it

    me = psutil.Process()
    total = 0.0
    for process in [me, *me.children(recursive=True)]:
        try:
            times = process.cpu_times()
        except psutil.Error:
            continue
        total += times.user + times.system
    return total


def measure(fn: Callable[[], object]) -> tuple[float, float, object]:
    """Wall and CPU seconds (this process and its workers) of one call, and its result."""
    gc.collect()
    wall, cpu = time.perf_counter(), cpu_seconds()
    out = fn()
    return time.perf_counter() - wall, cpu_seconds() - cpu, out


def row(label: str, cold: tuple[float, float, object], warm: float | None = None, note: str = "") -> None:
    target = TARGETS.get(label)
    verdict = (
        ""
        if target is None
        else ("ok" if min(cold[0], warm if warm is not None else cold[0]) <= target else "SLOW")
    )
    warm_text = "" if warm is None else f"{warm:8.3f}"
    target_text = "" if target is None else f"{target:g}"
    print(
        f"{label:<24} {cold[0]:8.3f} {warm_text:>8} {cold[1]:8.2f} {target_text:>7} {verdict:>5}  {note}",
        flush=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only", default=",".join(FIGURES), help=f"comma-separated subset of {','.join(FIGURES)}"
    )
    args = parser.parse_args()
    only = set(args.only.split(","))
    if not CLINC.exists():
        print(f"{CLINC} not found: set CLINC150 to CLINC150's data_full.json")
        return 2

    import pandas as pd
    import sklearn

    import trackerkit

    account = largest_account()
    frame = trackerkit.load_trackers(account)
    print(
        f"trackerkit {trackerkit.__version__}, Python {platform.python_version()}, scikit-learn "
        f"{sklearn.__version__}, pandas {pd.__version__}, {os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(
        f"account: {len(frame)} trackers, {int(frame['n_phrases'].sum())} phrases (CLINC150, chunks of 45)\n"
    )
    print(f"{'function':<24} {'cold s':>8} {'warm s':>8} {'cpu s':>8} {'target':>7} {'':>5}  note")

    if "accuracy" in only:
        data = __import__("json").loads(CLINC.read_text("utf-8"))
        train = clinc_trackers(split="train")
        test = [(text, intent) for text, intent in data["test"]]
        fitted = measure(lambda: trackerkit.TrackerMatcher().fit(train))
        predicted = fitted[2].predict([t for t, _ in test])
        accuracy = sum(p == y for p, (_, y) in zip(predicted, test)) / len(test)
        row(
            "CLINC150 fit (15k)",
            fitted,
            note=f"top-1 accuracy {accuracy:.2%} on 4,500 test queries (>= 92.5%)",
        )
    if "fit" in only:
        cold = measure(lambda: trackerkit.TrackerMatcher().fit(frame))
        warm = measure(lambda: trackerkit.TrackerMatcher().fit(frame))[0]
        matcher = cold[2]
        rank_times = []
        for text in ("what is my bank balance", "i lost my credit card", "set an alarm for six"):
            start = time.perf_counter()
            matcher.rank(text)
            rank_times.append(time.perf_counter() - start)
        row(
            "TrackerMatcher().fit",
            cold,
            warm,
            f"rank(): median {statistics.median(rank_times) * 1000:.1f} ms",
        )
    if "confusion" in only:
        cold = measure(lambda: trackerkit.confusion(frame))
        row(
            "confusion (10 folds)",
            cold,
            note=f"accuracy {cold[2].accuracy:.2%} (phrases matched to their own tracker)",
        )
    if "audit" in only:
        cold = measure(lambda: trackerkit.audit(frame))
        warm = measure(lambda: trackerkit.audit(frame))[0]
        row("audit", cold, warm, f"{len(cold[2])} findings")
    if "similarity" in only:
        cold = measure(lambda: trackerkit.similarity_matrix(frame))
        warm = measure(lambda: trackerkit.similarity_matrix(frame))[0]
        row("similarity_matrix", cold, warm, "char_wb, 500 x 500")
    if "phrases" in only:
        cold = measure(lambda: trackerkit.similar_phrases(frame))
        warm = measure(lambda: trackerkit.similar_phrases(frame))[0]
        row("similar_phrases", cold, warm, f"{len(cold[2])} pairs")
    if "neighbours" in only:
        name = frame["name"].iloc[250]
        other = frame["name"].iloc[251]
        cold = measure(lambda: trackerkit.most_similar(frame, name))
        warm = measure(lambda: trackerkit.most_similar(frame, other))[0]
        row("most_similar", cold, warm, "warm: another tracker of the same account")
    if "clusters" in only:
        cold = measure(lambda: trackerkit.cluster_trackers(frame))
        warm = measure(lambda: trackerkit.cluster_trackers(frame, threshold=0.3))[0]
        row("cluster_trackers", cold, warm, "warm: another threshold")
    if "app" in only:
        from trackerkit.widgets import explore

        opened = measure(lambda: explore(frame))
        app = opened[2]
        row("app: open", opened, note="explore(account): every tab built")
        picks = []
        for name in frame["name"].iloc[[10, 200, 400, 499]]:
            picks.append(measure(lambda name=name: app.explorer.select(name))[0])
        row(
            "app: pick a tracker",
            (statistics.median(picks), 0.0, None),
            note=f"median of {len(picks)}, max {max(picks):.3f} s",
        )
        answers = []
        if app.match is not None:
            for text in (
                "what is my bank balance",
                "i lost my credit card yesterday",
                "asdf",
                "book a table for two",
            ):
                answers.append(measure(lambda text=text: setattr(app.match.text, "value", text))[0])
            row(
                "app: Match tab answer",
                (statistics.median(answers), 0.0, None),
                note=f"median of {len(answers)}, max {max(answers):.3f} s",
            )
        app.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory (ru_maxrss): {peak:.0f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
