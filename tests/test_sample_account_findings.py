"""Every problem planted in the sample account (trackerkit/data/planted_problems.json) is found.

Each planted item is checked against the function an analyst would use for it: audit() for
vocabulary problems, similar_phrases() for near-duplicates, overlap/shared_phrases for shared
phrases, similarity and clustering for overlapping trackers. The data card also says that
shared phrases, duplicates, over-long and bracketed phrases are *all* listed: for those kinds
the audit must find nothing else.

Overlapping trackers, the stated criterion: in the default similarity_matrix (char_wb TF-IDF),
each member's two most similar trackers include another member, those top-2 links connect the
whole group, and cluster_trackers() at its default threshold (0.25) puts the group in one
cluster.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import pytest

import trackerkit
from trackerkit import normalize_phrase
from trackerkit.analysis._spelling import Dictionaries

PLANTED = json.loads(resources.files("trackerkit.data").joinpath("planted_problems.json").read_text("utf-8"))
KINDS = {
    "overlapping_trackers",
    "shared_phrase",
    "near_duplicate_phrase",
    "near_duplicate_within",
    "duplicate_phrase_exact",
    "duplicate_phrase_normalized",
    "typo",
    "too_few_phrases",
    "case_only_names",
    "non_english",
    "forbidden_characters",
    "over_long_phrase",
}

# planted slips that are dictionary words themselves: reported by real_word_confusion (info)
REAL_WORD_SLIPS = {"tome"}


@cache
def trackers() -> pd.DataFrame:
    return trackerkit.load_trackers("sample")


@cache
def findings() -> pd.DataFrame:
    return trackerkit.audit(trackers())


@cache
def pairs(scope: str) -> pd.DataFrame:
    return trackerkit.similar_phrases(trackers(), scope=scope)  # defaults: threshold 0.8, k 10


@cache
def similarity() -> pd.DataFrame:
    return trackerkit.similarity_matrix(trackers()).matrix


def found(rule: str, tracker: str, phrase: str | None = None) -> pd.DataFrame:
    f = findings()
    rows = f[(f["rule"] == rule) & (f["tracker"] == tracker)]
    if phrase is not None:
        rows = rows[rows["phrase"] == phrase]
    return rows


def has_pair(frame: pd.DataFrame, first: str, second: str) -> bool:
    sides = set(zip(frame["phrase_a"], frame["phrase_b"]))
    return (first, second) in sides or (second, first) in sides


def test_the_file_has_only_known_kinds_and_the_trackers_exist():
    assert {item["kind"] for item in PLANTED} <= KINDS, "a new kind needs a check below"
    names = set(trackers()["name"])
    for item in PLANTED:
        assert set(item["trackers"]) <= names, item


def item_id(item: dict) -> str:
    return f"{item['kind']}:{'/'.join(item['trackers'])}:{(item.get('word') or '')}"


@pytest.mark.parametrize("item", PLANTED, ids=[item_id(i) for i in PLANTED])
def test_planted_problem_is_found(item):
    kind, names, phrases = item["kind"], item["trackers"], item["phrases"]
    if kind == "overlapping_trackers":
        check_overlapping(names)
    elif kind == "shared_phrase":
        (a, b), (pa, pb) = names, phrases
        assert len(found("shared_phrase", a, pa)) == 1 and len(found("shared_phrase", b, pb)) == 1
        assert trackerkit.overlap_matrix(trackers()).matrix.loc[a, b] >= 1
        shared = trackerkit.shared_phrases(trackers(), a, b)
        assert [pa, pb] in shared[["phrase_a", "phrase_b"]].values.tolist()
        assert has_pair(pairs("across"), pa, pb)  # and similar_phrases reports it with score 1
    elif kind == "near_duplicate_phrase":
        (a, b), (pa, pb) = names, phrases
        across = pairs("across")
        assert has_pair(across, pa, pb), (pa, pb)
        assert (
            len(found("near_duplicate_phrase", a, pa)) == 1
            and len(found("near_duplicate_phrase", b, pb)) == 1
        )
        kept = trackerkit.compare_trackers(trackers(), a, b).table
        assert [pa, pb] in kept.loc[
            kept["status"] == "near-duplicate", ["phrase_a", "phrase_b"]
        ].values.tolist()
    elif kind == "near_duplicate_within":
        (tracker,), (p1, p2) = names, phrases
        assert has_pair(pairs("within"), p1, p2), (p1, p2)
        detail = found("near_duplicate_within", tracker, p2)["detail"].tolist()
        assert any(repr(p1) in d for d in detail)
    elif kind == "duplicate_phrase_exact":
        (tracker,), (p1, _) = names, phrases
        assert len(found("duplicate_phrase_exact", tracker, p1)) == 1
        assert found("duplicate_phrase_exact", tracker, p1)["severity"].iloc[0] == "error"
    elif kind == "duplicate_phrase_normalized":
        (tracker,), (p1, p2) = names, phrases
        rows = found("duplicate_phrase_normalized", tracker, p2)
        assert len(rows) == 1 and repr(p1) in rows["detail"].iloc[0]
    elif kind == "typo":
        (tracker,), (phrase,) = names, phrases
        # a slip that is itself a dictionary word is a real-word confusion (info), never a typo
        rule = "real_word_confusion" if item["word"] in REAL_WORD_SLIPS else "typo"
        rows = found(rule, tracker, phrase)
        assert len(rows) == 1, (tracker, phrase)
        assert (
            f"'{item['word']}'" in rows["detail"].iloc[0] and f"'{item['correct']}'" in rows["detail"].iloc[0]
        )
    elif kind == "too_few_phrases":
        (tracker,) = names
        assert len(found("too_few_phrases", tracker)) == 1
    elif kind == "case_only_names":
        for tracker in names:
            assert len(found("case_only_names", tracker)) == 1
    elif kind == "non_english":
        (tracker,) = names
        rows = found("non_english", tracker)
        assert len(rows) == 1 and rows["severity"].iloc[0] == "info"
        assert "es-ES" in rows["detail"].iloc[0] and "Spanish" in rows["detail"].iloc[0]
    elif kind == "forbidden_characters":
        (tracker,), (phrase,) = names, phrases
        rows = found("forbidden_characters", tracker, phrase)
        assert len(rows) == 1 and rows["severity"].iloc[0] == "error"
    elif kind == "over_long_phrase":
        (tracker,), (phrase,) = names, phrases
        assert len(found("over_long_phrase", tracker, phrase)) == 1
    else:  # pragma: no cover - guarded by the first test
        pytest.fail(f"unknown kind {kind}")


def check_overlapping(names: list[str]) -> None:
    sim = similarity()
    values = sim.to_numpy().copy()
    np.fill_diagonal(values, -1)
    index = {n: k for k, n in enumerate(sim.index)}
    top2 = {n: {sim.index[k] for k in np.argsort(-values[index[n]], kind="stable")[:2]} for n in names}
    for n in names:
        assert top2[n] & (set(names) - {n}), f"{n}: top 2 are {top2[n]}"
    # the top-2 links among members connect the whole group
    reached, frontier = {names[0]}, [names[0]]
    while frontier:
        n = frontier.pop()
        for m in names:
            if m not in reached and (m in top2[n] or n in top2[m]):
                reached.add(m)
                frontier.append(m)
    assert reached == set(names)
    clusters = trackerkit.cluster_trackers(trackers()).table
    labels = clusters.set_index("tracker")["cluster"]
    assert set(names) <= set(labels.index) and labels[names].nunique() == 1, labels.reindex(names)


def planted_of(kind: str) -> list[dict]:
    return [item for item in PLANTED if item["kind"] == kind]


def test_nothing_else_of_the_fully_listed_kinds():
    f = findings()
    shared = {
        (t, p) for item in planted_of("shared_phrase") for t, p in zip(item["trackers"], item["phrases"])
    }
    assert set(zip(*f.loc[f["rule"] == "shared_phrase", ["tracker", "phrase"]].T.values)) == shared
    for kind, rule in (
        ("duplicate_phrase_exact", "duplicate_phrase_exact"),
        ("duplicate_phrase_normalized", "duplicate_phrase_normalized"),
        ("over_long_phrase", "over_long_phrase"),
        ("forbidden_characters", "forbidden_characters"),
    ):
        listed = {
            (item["trackers"][0], norm)
            for item in planted_of(kind)
            for norm in map(normalize_phrase, item["phrases"])
        }
        got = {(t, normalize_phrase(p)) for t, p in f.loc[f["rule"] == rule, ["tracker", "phrase"]].values}
        assert got == listed, kind
    assert set(f.loc[f["rule"] == "case_only_names", "tracker"]) == set(
        planted_of("case_only_names")[0]["trackers"]
    )
    # every other tracker is English (the language mix the audit once kept in attrs)
    assert f.loc[f["rule"] == "non_english", "tracker"].tolist() == planted_of("non_english")[0]["trackers"]


def test_the_planted_slips_that_are_words_are_exactly_the_real_word_confusions():
    # Symbl's own documented example has 'tome' for 'time': 'tome' is an English word (a big
    # book), so the audit may only call it a possible real-word slip, as info
    words = Dictionaries()
    planted_words = {item["word"] for item in planted_of("typo")}
    assert {w for w in planted_words if words.known(w, ("en",))} == REAL_WORD_SLIPS
    rows = findings()[findings()["rule"] == "real_word_confusion"]
    assert rows[["tracker", "phrase", "severity"]].values.tolist() == [
        ["Voice Message", "Please leave message after tome", "info"]
    ]
    assert "'tome' (seen 1x) is in the English dictionary" in rows["detail"].iloc[0]
    assert "'time' (seen 12x)" in rows["detail"].iloc[0]


def test_typo_rule_precision_on_the_sample():
    typos = findings()[findings()["rule"] == "typo"]
    planted = {
        (i["trackers"][0], i["phrases"][0]) for i in planted_of("typo") if i["word"] not in REAL_WORD_SLIPS
    }
    assert set(zip(typos["tracker"], typos["phrase"])) == planted  # every one, and nothing else
    assert (typos["severity"] == "warning").all()
    flagged = [re.match(r"'([^']+)'", d).group(1) for d in typos["detail"]]
    assert not [w for w in flagged if Dictionaries().known(w, ("en",))]  # no dictionary word
