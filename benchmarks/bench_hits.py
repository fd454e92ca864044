"""Benchmark of the hit analytics (issue 15): a script that prints figures.

    python benchmarks/bench_hits.py               # all analyses on the 20x AMI hits
    python benchmarks/bench_hits.py --copies 2    # a quicker run

Data (never read by tests): the 137 AMI meetings of ``../shared/data/ami-meetings`` (73,379
utterances; env ``AMI_MEETINGS``) and CLINC150's 150 intents as trackers (15,000 training
queries as vocabularies, ``benchmarks/_clinc.py``). The messages are 20 copies of the AMI
utterances (1.47M messages, ids suffixed ``~kk`` as in ``bench_replay.py``), each meeting given
a start time (copy ``k``, meeting ``i``: 2026-01-05 + (137 k + i) x 6 hours) so periods exist;
the hits are the literal replay of CLINC over one copy, repeated with the same suffixes (the
replay is deterministic, so this is the hits frame of replaying all copies, without the minutes
of replaying each). Figures printed: the size of the inputs, then each analysis's wall time
(best of ``--rounds``) and the peak traced memory of its run (tracemalloc) on those hits.
``compare_versions`` replays twice, so it is timed on one copy (73k messages), with a
vocabulary change of 10 trackers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

import trackerkit
from trackerkit.analysis import (
    co_occurrence,
    compare_versions,
    coverage,
    hit_rates,
    hits_by_attribute,
    hits_by_period,
    hits_by_speaker,
    phrase_hits,
    precision,
    rate_change,
    review_sample,
    silent_trackers,
    suggest_phrases,
)
from trackerkit.conversation import parse_ami_meeting
from trackerkit.conversation_frames import messages_frame

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _clinc import clinc_trackers

AMI = Path(
    os.environ.get("AMI_MEETINGS", Path(__file__).resolve().parents[2] / "shared" / "data" / "ami-meetings")
)


def ami_messages() -> pd.DataFrame:
    records = []
    for path in sorted(AMI.glob("*.json")):
        records.extend(parse_ami_meeting(json.loads(path.read_text("utf-8"))))
    return messages_frame(records)


def with_times(messages: pd.DataFrame, copy: int) -> pd.DataFrame:
    meetings = pd.unique(messages["conversation_id"])
    index = {m: i for i, m in enumerate(meetings)}
    hours = (copy * len(meetings) + messages["conversation_id"].map(index)) * 6
    start = pd.Timestamp("2026-01-05", tz="UTC") + pd.to_timedelta(hours, unit="h")
    offset = messages.groupby("conversation_id").cumcount() * 5.0
    out = messages.copy()
    out["start_time"] = start + pd.to_timedelta(offset, unit="s")
    return out


def copies(frame: pd.DataFrame, n: int, times: bool) -> pd.DataFrame:
    parts = []
    for k in range(n):
        part = frame.copy()
        part["conversation_id"] = part["conversation_id"] + f"~{k:02d}"
        part["message_id"] = part["message_id"] + f"~{k:02d}"
        if times:
            part = with_times(frame, k).assign(
                conversation_id=part["conversation_id"], message_id=part["message_id"]
            )
        parts.append(part)
    return pd.concat(parts, ignore_index=True)


def measure(name: str, function, rounds: int) -> object:
    best = float("inf")
    result = None
    for _ in range(rounds):
        start = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - start)
    tracemalloc.start()
    function()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    flag = "" if best <= 5 else "   <-- over 5 s"
    print(f"  {name:<34} {best:7.2f} s   peak traced {peak / 2**20:7.0f} MiB{flag}", flush=True)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--copies", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    base = ami_messages()
    trackers = trackerkit.load_trackers(clinc_trackers())
    start = time.perf_counter()
    base_hits = trackerkit.replay(trackers, base, by_meaning=False)
    replay_s = time.perf_counter() - start
    messages = copies(base, args.copies, times=True)
    hits = copies(base_hits, args.copies, times=False)
    first = messages.drop_duplicates("conversation_id").set_index("conversation_id")["start_time"]
    hits["start_time"] = hits["conversation_id"].map(first)
    meetings = pd.DataFrame({"conversation_id": first.index})
    meetings["series"] = meetings["conversation_id"].str[:2]  # ES, IS, TS... the AMI scenario
    print(
        f"inputs: {len(messages):,} messages in {messages['conversation_id'].nunique():,} conversations, "
        f"{len(hits):,} hits of {hits['tracker_id'].nunique()} of {len(trackers)} trackers "
        f"({sum(len(v) for v in trackers['vocabulary']):,} phrases); literal replay of one copy "
        f"{replay_s:.1f} s\n"
    )
    print(f"each analysis on the hits of {args.copies}x AMI (best of {args.rounds}):")
    rounds = args.rounds
    measure("hit_rates", lambda: hit_rates(hits, messages, trackers), rounds)
    measure("phrase_hits", lambda: phrase_hits(hits, trackers, messages), rounds)
    measure("silent_trackers", lambda: silent_trackers(hits, trackers), rounds)
    result = measure("coverage (2,000 messages scored)", lambda: coverage(hits, messages, trackers), rounds)
    print(f"    {result!r}")
    result = measure("co_occurrence", lambda: co_occurrence(hits, messages, trackers), rounds)
    print(f"    {result!r}")
    measure("hits_by_speaker (role)", lambda: hits_by_speaker(hits, messages, trackers), rounds)
    result = measure("hits_by_period (week)", lambda: hits_by_period(hits, messages, trackers), rounds)
    print(f"    {result!r}")
    measure("rate_change", lambda: rate_change(hits, messages, "2026-06-01", trackers), rounds)
    measure("hits_by_attribute", lambda: hits_by_attribute(hits, meetings, "series", trackers), rounds)
    busiest = hits["tracker_name"].value_counts().index[0]
    measure(
        f"suggest_phrases ({busiest})", lambda: suggest_phrases(hits, messages, trackers, busiest), rounds
    )
    sample = measure("review_sample (20 per stratum)", lambda: review_sample(hits, per_stratum=20), rounds)
    rng = np.random.default_rng(0)
    labels = sample.assign(
        hit_key=sample["hit_key"],
        label=np.where(rng.random(len(sample)) < 0.8, "right", "wrong"),
        tracker=sample["tracker_name"],
    )
    measure("precision", lambda: precision(labels), rounds)
    edited = trackers.copy()  # the 10 busiest trackers lose their busiest phrase and gain one
    busy = base_hits["tracker_id"].value_counts().index[:10]
    top_phrase = base_hits.groupby("tracker_id")["value"].agg(lambda v: v.value_counts().index[0])
    edited["vocabulary"] = [
        [p for p in v if p != top_phrase[t]] + ["i think so"] if t in busy else list(v)
        for t, v in zip(edited["tracker_id"], edited["vocabulary"])
    ]
    print(f"\nbefore/after on one copy ({len(base):,} messages, two literal replays):")
    result = measure("compare_versions", lambda: compare_versions(trackers, edited, base), 1)
    print(f"    {result!r}")


if __name__ == "__main__":
    main()
