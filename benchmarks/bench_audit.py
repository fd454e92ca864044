"""Benchmark of ``trackerkit.audit`` at Symbl's largest account (a script that prints figures).

    python benchmarks/bench_audit.py            # cold, warm, CPU time, per rule; ~1 minute
    python benchmarks/bench_audit.py --profile  # and cProfile's top functions of a warm audit

The account: CLINC150's 22,495 distinct queries (train + val + test, file order) cut into 500
trackers of 45 (``_clinc.largest_account``); issue 18's target is <= 2 s on 2 cores.

Figures printed:

1. **cold**: the first audit in a new process, every lazy import (pandas, scikit-learn, the
   spelling dictionaries) included; best and median of 3 processes; and the same with pandas
   imported before (a notebook or script that already uses it);
2. **warm**: the same call again in one process, best and median of 5, with its CPU time
   (user + system of the process: above the wall time when several threads work, below it
   when the machine is busy with others);
3. each rule alone, warm (one rule's run includes what it shares: the near-duplicate search
   for both near-duplicate rules);
4. the findings per rule.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import platform
import pstats
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _clinc import largest_account

import trackerkit
from trackerkit.analysis import AUDIT_RULES

TARGET = 2.0

COLD = """
import sys, time
sys.path.insert(0, {bench!r})
from _clinc import largest_account
account = largest_account()
{before}
start, cpu = time.perf_counter(), time.process_time()
import trackerkit
trackerkit.audit(account)
print(time.perf_counter() - start, time.process_time() - cpu)
"""


def cold(before: str = "", runs: int = 3) -> list[tuple[float, float]]:
    code = COLD.format(bench=str(Path(__file__).resolve().parent), before=before)
    out = []
    for _ in range(runs):
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        wall, cpu = map(float, result.stdout.split())
        out.append((wall, cpu))
    return out


def timed(call, runs: int) -> list[tuple[float, float]]:
    out = []
    for _ in range(runs):
        start, cpu = time.perf_counter(), time.process_time()
        call()
        out.append((time.perf_counter() - start, time.process_time() - cpu))
    return out


def line(label: str, figures: list[tuple[float, float]]) -> str:
    walls = sorted(w for w, _ in figures)
    best = min(figures)
    return (
        f"{label}: best {best[0]:.3f} s (CPU {best[1]:.3f} s), median {statistics.median(walls):.3f} s "
        f"of {len(figures)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    args = parser.parse_args()
    account = largest_account()
    print(
        f"# audit, {len(account)} trackers, {sum(len(t['vocabulary']) for t in account):,} phrases; "
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}"
    )
    cold_figures = cold()
    print(line("cold (new process, every import included)", cold_figures))
    print(line("cold, pandas already imported (as in a notebook)", cold("import pandas")))
    findings = trackerkit.audit(account)
    warm = timed(lambda: trackerkit.audit(account), 5)
    print(line("warm", warm))
    for label, figures in (("warm", warm), ("cold", cold_figures)):
        verdict = "met" if min(w for w, _ in figures) <= TARGET else "NOT met"
        print(f"target <= {TARGET:.0f} s, {label} (best wall): {verdict}")
    print(f"(load average now {os.getloadavg()[0]:.2f}: wall times above 2 cores' worth of load mean little)")
    print("\n## each rule alone, warm (best of 3)")
    for name in AUDIT_RULES:
        trackerkit.audit(account, rules=name)
        best = min(timed(lambda name=name: trackerkit.audit(account, rules=name), 3))
        print(f"  {name:28s} {best[0]:.3f} s")
    print("\n## findings per rule (max_per_rule 1000)")
    for name, n in findings["rule"].value_counts(sort=False).items():
        print(f"  {name:28s} {n}")
    if args.profile:
        profile = cProfile.Profile()
        profile.runcall(trackerkit.audit, account)
        pstats.Stats(profile).sort_stats("cumulative").print_stats(25)


if __name__ == "__main__":
    main()
