"""Benchmark of the replay (issue 14): a script that prints figures.

    python benchmarks/bench_replay.py              # everything, a few minutes on 2 cores
    python benchmarks/bench_replay.py --no-dask    # without the 20x AMI runs

Data (never read by tests): CLINC150's 150 intents as trackers (their 15,000 training queries
as vocabularies, ``benchmarks/_clinc.py``) and the 137 AMI meetings of
``../shared/data/ami-meetings`` (73,379 utterances; env ``AMI_MEETINGS`` overrides the folder,
``CLINC150`` the CLINC file). Figures printed:

1. literal replay, CLINC over all AMI utterances, hits frame with offsets, against a plain
   pyahocorasick scan with word-boundary checks measured in the same run (median of 5
   alternated rounds each, automata built from scratch every time), with both automaton
   libraries the replay can use (ahocorasick-rs, the default, and pyahocorasick), and the
   check that the replay finds the same (message, phrase) pairs as the plain scan;
2. peak memory of that literal replay, in a fresh subprocess: the process's peak RSS
   (``ru_maxrss``) and tracemalloc's peak during the replay;
3. replay by meaning (with the literal pass) of the sample account over all AMI utterances;
4. agreement of the replay with the stored Symbl-shaped results of the sample conversations;
5. the Dask path: 20 copies of the AMI utterances (1.47M messages) in 20 Parquet files,
   replayed (CLINC literal, and the sample account by meaning) on a 2-worker
   ``distributed.LocalCluster`` (one thread per worker, worker processes, configured as the
   README recommends), hits written to Parquet by the workers; wall time, CPU time and peak RSS
   per worker, against the same work in one process (pandas ``read_parquet``, ``replay``,
   ``to_parquet``, in a fresh subprocess).
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

import trackerkit
from trackerkit.analysis import _replay
from trackerkit.analysis._replay import compare_hits, replay
from trackerkit.conversation import parse_ami_meeting
from trackerkit.conversation_frames import messages_frame
from trackerkit.conversation_loading import load_conversations, load_tracker_results
from trackerkit.frames import normalize_phrase

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clinc import clinc_trackers

AMI = Path(
    os.environ.get("AMI_MEETINGS", Path(__file__).resolve().parents[2] / "shared" / "data" / "ami-meetings")
)
ROUNDS = 5
COPIES = 20


def ami_messages() -> pd.DataFrame:
    records = []
    for path in sorted(AMI.glob("*.json")):
        records.extend(parse_ami_meeting(json.loads(path.read_text("utf-8"))))
    return messages_frame(records)


def clinc() -> pd.DataFrame:
    return trackerkit.load_trackers(clinc_trackers())


def plain_scan(trackers: pd.DataFrame, texts: list[str]) -> list[tuple[int, int, int]]:
    """The baseline: one pyahocorasick automaton of the normalized phrases, each message
    lower-cased and scanned, every occurrence checked for word boundaries in Python."""
    import ahocorasick

    phrases = [p for vocabulary in trackers["vocabulary"] for p in vocabulary]
    keys = list(dict.fromkeys(n for n in map(normalize_phrase, phrases) if n))
    automaton = ahocorasick.Automaton()
    for index, key in enumerate(keys):
        automaton.add_word(key, (index, len(key)))
    automaton.make_automaton()
    hits = []
    for message, text in enumerate(texts):
        low = text.lower()
        size = len(low)
        for end, (index, length) in automaton.iter(low):
            start = end - length + 1
            if (start == 0 or not (low[start - 1].isalnum() or low[start - 1] == "_")) and (
                end + 1 == size or not (low[end + 1].isalnum() or low[end + 1] == "_")
            ):
                hits.append((message, index, start))
    return hits


def register_pyahocorasick() -> None:
    """Let the replay use pyahocorasick too (the library ships ahocorasick-rs only), so both are
    measured in the same pipeline."""
    import ahocorasick
    import numpy as np

    def build(keys):
        automaton = ahocorasick.Automaton(ahocorasick.STORE_INTS)
        for index, key in enumerate(keys):
            automaton.add_word(key, index)
        automaton.make_automaton()
        return automaton

    def scan(automaton, corpus, key_lengths):
        found = list(automaton.iter(corpus.text))  # (index of the last character, key)
        flat = np.fromiter(itertools.chain.from_iterable(found), dtype=np.int64, count=2 * len(found))
        last, key = flat[0::2], flat[1::2]
        return np.column_stack([key, last + 1 - key_lengths[key], last + 1])

    _replay.ENGINES["pyahocorasick"] = (build, scan)


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def timed_both(function, *args, **kwargs):
    """``(wall seconds, CPU seconds of this process, result)``: on a shared machine the CPU
    time says what the code costs, the wall time what a user waits."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return time.perf_counter() - wall, time.process_time() - cpu, result


def literal_figures(trackers: pd.DataFrame, messages: pd.DataFrame) -> None:
    texts = messages["text"].tolist()
    n_phrases = sum(len(v) for v in trackers["vocabulary"])
    print(
        f"\n1. Literal replay: {len(trackers)} CLINC trackers, {n_phrases:,} phrases, "
        f"{len(texts):,} AMI utterances"
    )
    register_pyahocorasick()
    labels = ("plain pyahocorasick scan", "replay (ahocorasick-rs)", "replay (pyahocorasick)")
    engines = {"replay (ahocorasick-rs)": "ahocorasick-rs", "replay (pyahocorasick)": "pyahocorasick"}
    walls: dict[str, list[float]] = {label: [] for label in labels}
    cpus: dict[str, list[float]] = {label: [] for label in labels}
    results = {}
    for _ in range(ROUNDS):
        wall, cpu, baseline = timed_both(plain_scan, trackers, texts)
        walls[labels[0]].append(wall)
        cpus[labels[0]].append(cpu)
        for label, engine in engines.items():
            _replay.ENGINE = engine
            _replay._AUTOMATA.clear()  # build the automaton from scratch, as the plain scan does
            wall, cpu, results[label] = timed_both(replay, trackers, messages, by_meaning=False)
            walls[label].append(wall)
            cpus[label].append(cpu)
    _replay.ENGINE = "ahocorasick-rs"
    wall_reference = statistics.median(walls[labels[0]])
    cpu_reference = statistics.median(cpus[labels[0]])
    for label in labels:
        wall, cpu = statistics.median(walls[label]), statistics.median(cpus[label])
        print(
            f"   {label:26s} wall {wall:6.3f} s ({wall / wall_reference:.2f}x), "
            f"CPU {cpu:6.3f} s ({cpu / cpu_reference:.2f}x)  [medians of {ROUNDS}]"
        )
    hits = results["replay (ahocorasick-rs)"]
    pd.testing.assert_frame_equal(hits, results["replay (pyahocorasick)"])
    keys = {
        k: i
        for i, k in enumerate(
            dict.fromkeys(n for v in trackers["vocabulary"] for n in map(normalize_phrase, v) if n)
        )
    }
    position = {m: k for k, m in enumerate(messages["message_id"])}
    replayed = {(position[m], keys[normalize_phrase(v)]) for m, v in zip(hits["message_id"], hits["value"])}
    plain = {(m, i) for m, i, _ in baseline}
    print(
        f"   hits: {len(hits):,} rows (one per message, tracker and phrase); (message, phrase) pairs: "
        f"replay {len(replayed):,}, plain scan {len(plain):,}, identical: {replayed == plain}"
    )
    offsets_ok = all(
        t[o : o + len(m)] == m for t, o, m in zip(hits["text"], hits["offset"], hits["matched_text"])
    )
    print(f"   every offset shows its match in the original text: {offsets_ok}")


def peak_rss_kib() -> int:
    """The process's peak resident memory (``VmHWM``), which :func:`reset_peak_rss` resets."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # not Linux: the lifetime peak


def reset_peak_rss() -> None:
    """Linux: start ``VmHWM`` afresh from the current RSS (``clear_refs`` 5)."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def memory_child() -> None:
    """Run in a fresh process: the literal replay's peak memory (data loaded first)."""
    import tracemalloc

    trackers, messages = clinc(), ami_messages()
    loaded = peak_rss_kib()
    reset_peak_rss()
    tracemalloc.start()
    hits = replay(trackers, messages, by_meaning=False)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "loading_peak_kib": loaded,
                "replay_peak_kib": peak_rss_kib(),
                "traced": traced,
                "hits": len(hits),
            }
        )
    )


def memory_figures() -> None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", "memory"], capture_output=True, text=True, check=True
    ).stdout
    figures = json.loads(out.strip().splitlines()[-1])
    print("\n2. Peak memory of the literal replay (fresh process, data loaded first)")
    print(
        f"   peak RSS while replaying {figures['replay_peak_kib'] / 1024:,.0f} MiB (the whole process, data "
        f"included; loading the data peaked at {figures['loading_peak_kib'] / 1024:,.0f} MiB); Python "
        f"allocations at their peak (tracemalloc) {figures['traced'] / 2**20:,.0f} MiB"
    )


def meaning_figures(messages: pd.DataFrame) -> None:
    trackers = trackerkit.load_trackers("sample")
    print(
        f"\n3. Replay by meaning: the sample account ({len(trackers)} trackers) over "
        f"{len(messages):,} AMI utterances"
    )
    runs = []
    for _ in range(3):
        _replay._AUTOMATA.clear()
        seconds, hits = timed(replay, trackers, messages)
        runs.append(seconds)
    counts = hits["match"].value_counts().to_dict()
    print(f"   median {statistics.median(runs):.2f} s (min {min(runs):.2f}); hits: {counts}")


def agreement_figures() -> None:
    trackers = trackerkit.load_trackers("sample")
    messages = load_conversations("sample")
    symbl = load_tracker_results("sample")
    print("\n4. Agreement with the stored Symbl-shaped results of the 120 sample conversations")
    for threshold in (0.5, _replay.DEFAULT_MEANING_THRESHOLD, 0.8):
        summary = compare_hits(symbl, replay(trackers, messages, threshold=threshold)).summary
        print(f"   threshold {threshold}:")
        print("   " + summary.round(3).to_string().replace("\n", "\n   "))


def write_copies(messages: pd.DataFrame, folder: Path) -> int:
    folder.mkdir(parents=True)
    for k in range(COPIES):
        copy = messages.copy()
        copy["conversation_id"] = copy["conversation_id"] + f"~{k:02d}"
        copy["message_id"] = copy["message_id"] + f"~{k:02d}"
        copy.to_parquet(folder / f"part-{k:02d}.parquet", index=False)
    return COPIES * len(messages)


def single_child(folder: str, which: str, target: str) -> None:
    """Run in a fresh process: the in-memory replay of the 20 copies, hits written to Parquet."""
    start, cpu = time.perf_counter(), time.process_time()
    messages = pd.read_parquet(folder)
    trackers = clinc() if which == "clinc" else trackerkit.load_trackers("sample")
    hits = replay(trackers, messages, by_meaning=which == "sample")
    hits.to_parquet(target, index=False)
    print(
        json.dumps(
            {
                "seconds": time.perf_counter() - start,
                "cpu": time.process_time() - cpu,
                "rss_kib": peak_rss_kib(),
                "hits": len(hits),
                "messages": len(messages),
            }
        )
    )


def worker_usage() -> tuple[int, float]:
    """A worker's peak RSS (KiB) and the CPU seconds its process has used."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return peak_rss_kib(), usage.ru_utime + usage.ru_stime


def dask_figures(messages: pd.DataFrame) -> None:
    import dask
    import dask.dataframe as dd
    from distributed import Client, LocalCluster

    root = Path(tempfile.mkdtemp(prefix="trackerkit-bench-"))
    try:
        n = write_copies(messages, root / "messages")
        print(f"\n5. Dask: {COPIES} copies of the AMI utterances, {n:,} messages in {COPIES} Parquet files")
        for which, label in (
            ("clinc", "CLINC literal (15,000 phrases)"),
            ("sample", "sample account, by meaning"),
        ):
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--child",
                    "single",
                    str(root / "messages"),
                    which,
                    str(root / "one.pq"),
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            single = json.loads(out.strip().splitlines()[-1])
            trackers = clinc() if which == "clinc" else trackerkit.load_trackers("sample")
            start = time.perf_counter()
            # the README's recipe: glibc tunes malloc itself (distributed's MALLOC_TRIM_THRESHOLD_
            # makes every large temporary array fault in fresh pages), no statistical profiler
            settings = {
                "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
                "distributed.worker.profile.enabled": False,
            }
            with (
                dask.config.set(settings),
                LocalCluster(
                    n_workers=2,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    memory_limit="6GiB",
                ) as cluster,
                Client(cluster) as client,
            ):
                before = client.run(worker_usage)
                started = time.perf_counter()
                hits = replay(trackers, dd.read_parquet(root / "messages"), by_meaning=which == "sample")
                target = root / f"hits-{which}"
                hits.to_parquet(target, write_index=False)
                computed = time.perf_counter()
                after = client.run(worker_usage)
            n_hits = len(pd.read_parquet(target))
            wall = computed - started
            cpu = sum(after[w][1] - before[w][1] for w in after)
            print(f"   {label}:")
            print(
                f"     one process:  {single['seconds']:6.1f} s wall, {single['cpu']:6.1f} s CPU "
                f"(read, replay, write hits), peak RSS {single['rss_kib'] / 1024:,.0f} MiB, "
                f"{single['hits']:,} hits"
            )
            print(
                f"     2 workers:    {wall:6.1f} s wall, {cpu:6.1f} s CPU in the workers (cluster start "
                f"{started - start:.1f} s), peak RSS per worker "
                + ", ".join(f"{v[0] / 1024:,.0f} MiB" for v in after.values())
                + f", {n_hits:,} hits; {single['seconds'] / wall:.2f}x the one-process speed"
            )
            assert n_hits == single["hits"], (n_hits, single["hits"])
            shutil.rmtree(target, ignore_errors=True)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--no-dask", action="store_true", help="skip the 20x AMI runs")
    parser.add_argument("--dask-only", action="store_true", help="only the 20x AMI runs")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child[0] == "memory":
            memory_child()
        else:
            single_child(*args.child[1:])
        return
    print(
        f"trackerkit {trackerkit.__version__}, Python {platform.python_version()}, pandas {pd.__version__}, "
        f"{os.cpu_count()} cores"
    )
    trackers, messages = clinc(), ami_messages()
    if not args.dask_only:
        literal_figures(trackers, messages)
        memory_figures()
        meaning_figures(messages)
        agreement_figures()
    if not args.no_dask:
        dask_figures(messages)


if __name__ == "__main__":
    main()
