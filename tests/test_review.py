"""Review of hits (issue 15): stratified sample, append-only labels that survive a crash,
precision with Wilson intervals; the planted false positives of the sample lower precision."""

from __future__ import annotations

import json
import math
import os
from importlib import resources

import pandas as pd
import pytest

import trackerkit
from trackerkit.analysis import ReviewLog, precision, review_sample, wilson_interval
from trackerkit.errors import InvalidParameterError


@pytest.fixture(scope="module")
def hits():
    return trackerkit.load_tracker_results("sample")


def _planted(kind: str) -> list[dict]:
    text = resources.files("trackerkit.data").joinpath("sample_conversation_facts.json").read_text("utf-8")
    (fact,) = [f for f in json.loads(text) if f["kind"] == kind]
    return fact["hits"]


def test_the_sample_is_stratified_by_tracker_and_match_kind(hits):
    sample = review_sample(hits, per_stratum=3, seed=1)
    sizes = sample.groupby(["tracker_id", "match"]).size()
    population = hits.groupby(["tracker_id", "match"]).size()
    assert (sizes == population.clip(upper=3).reindex(sizes.index)).all()
    assert set(sizes.index) == set(population.index)  # every stratum drawn from
    assert (sample["stratum_size"] == sample.set_index(["tracker_id", "match"]).index.map(population)).all()
    assert sample["hit_key"].is_unique
    # literal before by meaning within a tracker; trackers by name
    names = sample["tracker_name"].tolist()
    assert names == sorted(names)


def test_the_sample_is_reproducible_and_each_stratum_independent(hits):
    one = review_sample(hits, per_stratum=4, seed=7)
    assert one["hit_key"].tolist() == review_sample(hits, per_stratum=4, seed=7)["hit_key"].tolist()
    assert one["hit_key"].tolist() != review_sample(hits, per_stratum=4, seed=8)["hit_key"].tolist()
    fewer = hits[hits["tracker_name"] != "Greeting"]
    without = review_sample(fewer, per_stratum=4, seed=7)
    assert without["hit_key"].tolist() == one.loc[one["tracker_name"] != "Greeting", "hit_key"].tolist()


def test_labels_are_on_disk_when_label_returns(tmp_path, hits, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd))[1])
    sample = review_sample(hits, per_stratum=1)
    log = ReviewLog(tmp_path / "review" / "labels.jsonl")
    log.label(sample.iloc[0], "right", note="clear")
    assert len(synced) >= 1
    lines = (tmp_path / "review" / "labels.jsonl").read_text("utf-8").splitlines()
    entry = json.loads(lines[0])
    assert entry["label"] == "right" and entry["note"] == "clear"
    assert entry["hit_key"] == sample.iloc[0]["hit_key"]


def test_a_repeated_label_replaces_the_earlier_one_and_history_keeps_both(tmp_path, hits):
    sample = review_sample(hits, per_stratum=1)
    path = tmp_path / "labels.jsonl"
    log = ReviewLog(path)
    log.label(sample.iloc[0], "right")
    log.label(sample.iloc[1], "skip")
    log.label(sample.iloc[0], "wrong")
    assert log.history()["label"].tolist() == ["right", "skip", "wrong"]
    latest = log.labels().set_index("hit_key")["label"]
    assert latest.to_dict() == {sample.iloc[1]["hit_key"]: "skip", sample.iloc[0]["hit_key"]: "wrong"}
    # resumed by another process: a new log on the same file sees everything, and what is left
    again = ReviewLog(path)
    assert len(again.history()) == 3
    assert len(again.pending(sample)) == len(sample) - 2


def test_a_line_cut_short_by_a_crash_is_ignored_and_labelling_goes_on(tmp_path, hits):
    sample = review_sample(hits, per_stratum=1)
    path = tmp_path / "labels.jsonl"
    log = ReviewLog(path)
    log.label(sample.iloc[0], "right")
    with open(path, "ab") as handle:  # the kernel died in the middle of a write
        handle.write(b'{"hit_key": "abc", "lab')
    assert len(log.history()) == 1 and log.cut_lines == 1
    log.label(sample.iloc[1], "wrong")
    assert log.history()["label"].tolist() == ["right", "wrong"]
    assert path.read_text("utf-8").count("\n") == 3  # the broken line kept apart, never rewritten


def test_bad_labels_are_refused(tmp_path, hits):
    log = ReviewLog(tmp_path / "labels.jsonl")
    sample = review_sample(hits, per_stratum=1)
    with pytest.raises(InvalidParameterError) as info:
        log.label(sample.iloc[0], "maybe")
    assert info.value.parameter == "label"
    with pytest.raises(InvalidParameterError):
        log.label({"tracker_id": "1"}, "right")
    assert not (tmp_path / "labels.jsonl").exists()


def test_wilson_interval_known_values():
    low, high = wilson_interval(8, 10)
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and high == pytest.approx(0.4345, abs=1e-4)
    low, high = wilson_interval(20, 20)
    assert high == 1.0 and low == pytest.approx(0.8389, abs=1e-4)
    assert all(math.isnan(v) for v in wilson_interval(0, 0))


def test_precision_per_kind_and_weighted_overall():
    labels = pd.DataFrame(
        {
            "hit_key": list("abcdefg"),
            "label": ["right", "right", "right", "wrong", "skip", "wrong", "right"],
            "tracker_id": "1",
            "tracker": "Outage",
            "match": ["literal"] * 5 + ["meaning"] * 2,
            "stratum_size": [90] * 5 + [10] * 2,
        }
    )
    table = precision(labels).set_index("match")
    assert table.loc["literal", ["right", "wrong", "skipped", "labelled"]].tolist() == [3, 1, 1, 4]
    assert table.loc["literal", "precision"] == 0.75
    assert table.loc["meaning", "precision"] == 0.5
    assert table.loc["any", "precision"] == pytest.approx(0.9 * 0.75 + 0.1 * 0.5)
    low, high = wilson_interval(3, 4)
    assert (table.loc["literal", "ci_low"], table.loc["literal", "ci_high"]) == pytest.approx((low, high))
    assert table.loc["any", "labelled"] == 6


def test_the_planted_false_positives_lower_precision(tmp_path, hits):
    """A reviewer who marks the planted wrong-context and borderline hits wrong, and everything
    else right, gets exactly those counts back."""
    wrong = {
        (h["conversation_id"], h["message_id"], h["tracker"], h["value"])
        for kind in ("wrong_context", "borderline_by_meaning")
        for h in _planted(kind)
    }
    sample = review_sample(hits, per_stratum=1000)
    assert len(sample) == len(hits)  # every hit reviewed
    log = ReviewLog(tmp_path / "labels.jsonl")
    for _, row in sample.iterrows():
        key = (row["conversation_id"], row["message_id"], row["tracker_name"], row["value"])
        log.label(row, "wrong" if key in wrong else "right")
    table = precision(log).set_index(["tracker", "match"])
    assert int(table["wrong"].sum()) // 2 == len(wrong) == 8  # "any" rows count them again
    outage = table.loc[("Outage / Downtime", "literal")]
    assert outage["wrong"] == 1 and outage["precision"] == pytest.approx(1 - 1 / outage["labelled"])
    assert outage["ci_low"] < outage["precision"] < outage["ci_high"]
    assert table.loc[("Hold/Transfer", "meaning"), "wrong"] == 1
    assert table.loc[("Greeting", "literal"), "precision"] == 1.0
