"""Every ranking is a total order that depends on the input only.

(a) Shuffling the trackers gives the same rows (the same scores, bit for bit): term and phrase
columns are indexed in sorted order, so no floating-point sum depends on the account order.
(b) Within equal scores, rows follow the documented tie-breaker, which comes down to the
account order (the position of the tracker in the input). The accounts below are built with
deliberate ties: several trackers with the same phrases, some listed in another order.
"""

from __future__ import annotations

import io
import itertools
import json
import math
from collections import Counter
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

import trackerkit
from trackerkit.analysis import AUDIT_RULES
from trackerkit.analysis.similarity import COMPARE_STATUSES
from trackerkit.constants import SEVERITIES

# Short phrases sharing words, case and punctuation variants and one-letter typos: overlaps,
# normalized duplicates and near-duplicates come up in most accounts drawn from them.
POOL = [
    "cancel my plan",
    "cancel my subscription",
    "Cancel my subscription!",
    "cancel my subscripton",
    "i want a refund",
    "I want a refund.",
    "refund please",
    "money back please",
    "give me my money back",
    "hello there",
    "good morning",
    "talk to a manager",
    "speak to a supervisor",
    "speak to a supervisr",
    "reset my password",
    "my password is wrong",
    "my pasword is wrong",
    "send me the invoice",
]
SETTINGS = settings(max_examples=40, deadline=None, database=None)


@st.composite
def accounts(draw: Any, min_trackers: int = 2, max_trackers: int = 7) -> list[dict[str, Any]]:
    """API-shaped trackers; about half copy an earlier tracker's phrases (in any order), so
    equal scores are common. Ids are not in account order, names are unique."""
    n = draw(st.integers(min_trackers, max_trackers))
    ids = draw(st.permutations([str(1_000_000_000_000_000 + 7 * k) for k in range(n)]))
    vocabularies: list[list[str]] = []
    for _ in range(n):
        if vocabularies and draw(st.booleans()):
            vocabulary = draw(st.permutations(draw(st.sampled_from(vocabularies))))
        else:
            vocabulary = draw(st.lists(st.sampled_from(POOL), min_size=1, max_size=6))
        vocabularies.append(list(vocabulary))
    return [
        {"id": tracker_id, "name": f"Tracker {tracker_id[-3:]}", "vocabulary": vocabulary}
        for tracker_id, vocabulary in zip(ids, vocabularies)
    ]


def shuffled(account: list[dict[str, Any]], data: Any) -> list[dict[str, Any]]:
    return list(data.draw(st.permutations(account), label="shuffled"))


def position(account: list[dict[str, Any]]) -> dict[str, int]:
    """Tracker id -> position in the account."""
    return {t["id"]: k for k, t in enumerate(account)}


def plain(value: Any) -> Any:
    """A cell as a hashable, comparable value (missing values as None)."""
    if isinstance(value, (list, tuple)):
        return tuple(value)
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return value.item() if isinstance(value, np.generic) else value


def rows(frame: pd.DataFrame, columns: list[str]) -> Counter:
    return Counter(tuple(plain(v) for v in row) for row in frame[columns].itertuples(index=False))


def strictly_increasing(keys: list[tuple]) -> bool:
    return all(a < b for a, b in itertools.pairwise(keys))


# --------------------------------------------------------------------------- tracker similarity


@SETTINGS
@given(account=accounts(), data=st.data(), analyzer=st.sampled_from(["char_wb", "word"]))
def test_similarity_matrix_is_bit_identical_when_trackers_are_shuffled(account, data, analyzer):
    other = shuffled(account, data)
    a = trackerkit.similarity_matrix(account, analyzer, label="id")
    b = trackerkit.similarity_matrix(other, analyzer, label="id").loc[a.index, a.columns]
    np.testing.assert_array_equal(a.to_numpy(), b.to_numpy())
    # trackers with the same phrases (in any order) have bit-identical rows
    bags = [Counter(trackerkit.normalize_phrase(p) for p in t["vocabulary"]) for t in account]
    values = a.to_numpy()
    for i in range(len(account)):
        for j in range(len(account)):
            if i != j and bags[i] == bags[j]:
                others = [k for k in range(len(account)) if k not in (i, j)]
                np.testing.assert_array_equal(values[i, others], values[j, others])


@SETTINGS
@given(account=accounts(), data=st.data(), top=st.sampled_from([None, 1, 3]))
def test_tracker_pairs_same_pairs_and_total_order(account, data, top):
    other = shuffled(account, data)
    a = trackerkit.tracker_pairs(trackerkit.similarity_matrix(account, label="id"), top=top)
    b = trackerkit.tracker_pairs(trackerkit.similarity_matrix(other, label="id"), top=top)
    if top is None:  # a symmetric matrix: each unordered pair once, a before b in the account
        assert Counter((frozenset((x, y)), s) for x, y, s in a.itertuples(index=False)) == Counter(
            (frozenset((x, y)), s) for x, y, s in b.itertuples(index=False)
        )
    else:  # which tracker wins a tie at the cut follows the account order: the scores agree
        assert a["score"].tolist() == b["score"].tolist()
    for frame, source in ((a, account), (b, other)):
        where = position(source)
        keys = [(-s, where[x], where[y]) for x, y, s in frame.itertuples(index=False)]
        assert strictly_increasing(keys)


@SETTINGS
@given(account=accounts(), data=st.data())
def test_tracker_pairs_of_an_asymmetric_matrix(account, data):
    other = shuffled(account, data)
    a = trackerkit.tracker_pairs(trackerkit.overlap_matrix(account, "containment", label="id"))
    b = trackerkit.tracker_pairs(trackerkit.overlap_matrix(other, "containment", label="id"))
    # both directions, unless the matrix happens to be symmetric (then each pair once)
    assert Counter((frozenset((x, y)), s) for x, y, s in a.itertuples(index=False)) == Counter(
        (frozenset((x, y)), s) for x, y, s in b.itertuples(index=False)
    )
    where = position(account)
    keys = [(-s, where[x], where[y]) for x, y, s in a.itertuples(index=False)]
    assert strictly_increasing(keys)


@SETTINGS
@given(account=accounts(), data=st.data(), analyzer=st.sampled_from(["char_wb", "word"]))
def test_most_similar_same_neighbours_and_ties_in_account_order(account, data, analyzer):
    other = shuffled(account, data)
    key = data.draw(st.sampled_from([t["id"] for t in account]), label="key")
    n = len(account)
    a = trackerkit.most_similar(account, key, k=n, analyzer=analyzer)
    b = trackerkit.most_similar(other, key, k=n, analyzer=analyzer)
    columns = ["tracker_id", "tracker", "score", "n_shared", "shared_phrases", "shared_terms"]
    assert rows(a, columns) == rows(b, columns)
    for frame, source in ((a, account), (b, other)):
        where = position(source)
        keys = [(-s, where[t]) for t, s in zip(frame["tracker_id"], frame["score"])]
        assert strictly_increasing(keys)
        assert frame["rank"].tolist() == list(range(1, len(frame) + 1))
    # cut at k: the first k of the full ranking
    k = data.draw(st.integers(1, n), label="k")
    cut = trackerkit.most_similar(account, key, k=k, analyzer=analyzer)
    pd.testing.assert_frame_equal(cut, a.head(k))


def test_most_similar_copies_tie_exactly_and_rank_in_account_order():
    key = {"id": "9", "name": "Key", "vocabulary": ["i want a refund", "refund please", "money back"]}
    copy = ["money back", "I want a refund!", "refund please"]
    account = [
        {"id": "5", "name": "Copy 1", "vocabulary": copy},
        {"id": "1", "name": "Other", "vocabulary": ["hello there", "good morning"]},
        key,
        {"id": "7", "name": "Copy 2", "vocabulary": copy[::-1]},
        {"id": "3", "name": "Copy 3", "vocabulary": [copy[1], copy[0], copy[2]]},
        {"id": "2", "name": "Half", "vocabulary": ["refund please"]},
    ]
    out = trackerkit.most_similar(account, "Key", k=5)
    assert out["tracker"].tolist()[:3] == ["Copy 1", "Copy 2", "Copy 3"]
    assert out["score"].iloc[0] == out["score"].iloc[1] == out["score"].iloc[2]
    assert out["score"].iloc[2] > out["score"].iloc[3]
    assert trackerkit.most_similar(account, "Key", k=2)["tracker"].tolist() == ["Copy 1", "Copy 2"]


def test_most_similar_shared_terms_ties_alphabetical():
    # every word once in each tracker: equal contributions, listed alphabetically
    account = [
        {"id": "1", "name": "A", "vocabulary": ["zebra yak xylophone walrus"]},
        {"id": "2", "name": "B", "vocabulary": ["walrus xylophone yak zebra"]},
        {"id": "3", "name": "C", "vocabulary": ["hello there"]},
    ]
    out = trackerkit.most_similar(account, "A", k=1, n_terms=3)
    assert out["shared_terms"].iloc[0] == ["walrus", "xylophone", "yak"]


# --------------------------------------------------------------------------- phrases


@SETTINGS
@given(
    account=accounts(),
    data=st.data(),
    k=st.sampled_from([None, 1, 2]),
    scope=st.sampled_from(["across", "within", "all"]),
)
def test_similar_phrases_same_pairs_and_total_order(account, data, k, scope):
    other = shuffled(account, data)
    a = trackerkit.similar_phrases(account, threshold=0.6, k=k, scope=scope)
    b = trackerkit.similar_phrases(other, threshold=0.6, k=k, scope=scope)

    def unordered(frame: pd.DataFrame) -> Counter:
        return Counter(
            (
                frozenset(
                    ((r.tracker_id_a, r.position_a, r.phrase_a), (r.tracker_id_b, r.position_b, r.phrase_b))
                ),
                r.score,
                r.cosine,
                r.edit_similarity,
                r.edits,
                r.kind,
            )
            for r in frame.itertuples(index=False)
        )

    assert unordered(a) == unordered(b)
    for frame, source in ((a, account), (b, other)):
        where = position(source)
        keys = [
            (-r.score, (where[r.tracker_id_a], r.position_a), (where[r.tracker_id_b], r.position_b))
            for r in frame.itertuples(index=False)
        ]
        assert strictly_increasing(keys)
        assert all(x < y for _, x, y in keys)  # a is the earlier occurrence


@SETTINGS
@given(account=accounts(min_trackers=3), data=st.data())
def test_compare_and_shared_phrases_do_not_depend_on_the_other_trackers_order(account, data):
    other = shuffled(account, data)
    a, b = account[0]["id"], account[-1]["id"]
    pd.testing.assert_frame_equal(
        trackerkit.compare_trackers(account, a, b, threshold=0.6),
        trackerkit.compare_trackers(other, a, b, threshold=0.6),
    )
    pd.testing.assert_frame_equal(
        trackerkit.shared_phrases(account, a, b), trackerkit.shared_phrases(other, a, b)
    )
    out = trackerkit.compare_trackers(account, a, b, threshold=0.6)
    status = {s: k for k, s in enumerate(COMPARE_STATUSES)}
    keys = [
        (status[s], -1 if pd.isna(x) else int(x), -1 if pd.isna(y) else int(y))
        for s, x, y in out[["status", "position_a", "position_b"]].itertuples(index=False)
    ]
    assert strictly_increasing(keys)


def test_compare_trackers_pairs_equal_scores_by_position():
    # three phrases of a, each as near to the two phrases of b: a's earlier phrases pair first
    account = [
        {"id": "1", "name": "A", "vocabulary": ["x", "refund pleas", "refund pleaze"]},
        {"id": "2", "name": "B", "vocabulary": ["refund please", "y"]},
    ]
    out = trackerkit.compare_trackers(account, "A", "B")
    near = out[out["status"] == "near-duplicate"]
    assert near[["phrase_a", "phrase_b"]].values.tolist() == [["refund pleas", "refund please"]]


# --------------------------------------------------------------------------- audit


def _audit_rows(findings: pd.DataFrame) -> Counter:
    """Findings as a multiset; a shared phrase's detail lists the other trackers in account
    order, so its parts are compared as a set."""
    out: Counter = Counter()
    for r in findings.itertuples(index=False):
        detail = r.detail
        if r.rule == "shared_phrase":
            detail = tuple(sorted(detail.removeprefix("also in ").split("; ")))
        out[(r.tracker_id, r.tracker, plain(r.phrase), r.rule, r.severity, plain(r.position), detail)] += 1
    return out


@SETTINGS
@given(account=accounts(), data=st.data())
def test_audit_same_findings_and_total_order(account, data):
    other = shuffled(account, data)
    a = trackerkit.audit(account, threshold=0.6)
    b = trackerkit.audit(other, threshold=0.6)
    assert _audit_rows(a) == _audit_rows(b)
    severity = {s: k for k, s in enumerate(SEVERITIES)}
    rule = {r: k for k, r in enumerate(AUDIT_RULES)}
    for frame, source in ((a, account), (b, other)):
        where = position(source)
        keys = [
            (
                severity[r.severity],
                where[r.tracker_id],
                -1 if pd.isna(r.position) else int(r.position),
                rule[r.rule],
                r.detail,
            )
            for r in frame.itertuples(index=False)
        ]
        assert keys == sorted(keys)
        # equal keys only for equal rows (a phrase near two copies of one phrase of a tracker)
        assert len(set(keys)) == len({tuple(map(plain, row)) for row in frame.itertuples(index=False)})


def test_audit_findings_of_one_phrase_and_rule_ordered_by_detail():
    account = [
        {"id": "1", "name": "A", "vocabulary": ["my pasword is wrong"]},
        {"id": "2", "name": "C", "vocabulary": ["my passwrd is wrong"]},
        {"id": "3", "name": "B", "vocabulary": ["my password is wrong"]},
    ]
    findings = trackerkit.audit(account, rules="near_duplicate_phrase")
    first = findings[findings["tracker"] == "A"]["detail"].tolist()
    assert len(first) == 2 and first == sorted(first)


# --------------------------------------------------------------------------- clusters


@SETTINGS
@given(
    account=accounts(min_trackers=1),
    data=st.data(),
    method=st.sampled_from(["average", "complete", "single", "weighted"]),
    threshold=st.sampled_from([0.0, 0.2, 0.5, 0.9, 1.0]),
)
def test_clusters_same_groups_and_documented_ties(account, data, method, threshold):
    other = shuffled(account, data)
    a = trackerkit.cluster_trackers(account, threshold, method=method, singletons=True)
    b = trackerkit.cluster_trackers(other, threshold, method=method, singletons=True)

    def groups(frame: pd.DataFrame) -> set[frozenset[str]]:
        return {frozenset(g["tracker_id"]) for _, g in frame.groupby("cluster")}

    assert groups(a) == groups(b)
    columns = ["tracker_id", "size", "mean_similarity", "nearest_similarity"]
    assert rows(a, columns) == rows(b, columns)
    similarity = trackerkit.similarity_matrix(account, label="id")
    for frame, source in ((a, account), (b, other)):
        where = position(source)
        name_to_id = {t["name"]: t["id"] for t in source}
        keys = [(c, where[t]) for c, t in zip(frame["cluster"], frame["tracker_id"])]
        assert strictly_increasing(keys)
        # numbered from the largest group, equal sizes by their first tracker
        firsts = frame.groupby("cluster").agg(size=("size", "first"), first=("tracker_id", "first"))
        order = [(-s, where[f]) for s, f in zip(firsts["size"], firsts["first"])]
        assert strictly_increasing(order) and firsts.index.tolist() == list(range(1, len(firsts) + 1))
        # nearest: the first, in account order, of the equally most similar members
        for r in frame.itertuples(index=False):
            members = [t for t in frame.loc[frame["cluster"] == r.cluster, "tracker_id"] if t != r.tracker_id]
            if not members:
                assert r.size == 1 and math.isnan(r.nearest_similarity)
                continue
            sims = {t: similarity.loc[r.tracker_id, t] for t in members}
            best = min((t for t in members if sims[t] == max(sims.values())), key=where.__getitem__)
            assert name_to_id[r.nearest] == best and r.nearest_similarity == sims[best]
    from scipy.cluster.hierarchy import is_valid_linkage

    if len(account) > 1:
        assert is_valid_linkage(a.attrs["linkage"]) and len(a.attrs["labels"]) == len(account)


def test_clusters_tied_distances_do_not_follow_the_input_order():
    # B is as close to A as to C, A and C not at all: complete linkage merges B with whichever
    # pair comes first; the tree is built in id order, so the account order does not matter
    account = [
        {"id": "1", "name": "A", "vocabulary": ["aaa bbb"]},
        {"id": "2", "name": "B", "vocabulary": ["aaa bbb", "ccc ddd"]},
        {"id": "3", "name": "C", "vocabulary": ["ccc ddd"]},
    ]
    m = trackerkit.similarity_matrix(account)
    assert m.loc["B", "A"] == m.loc["B", "C"] > 0 and m.loc["A", "C"] == 0
    t = float(m.loc["B", "A"]) - 0.01
    expected = trackerkit.cluster_trackers(account, t, method="complete")
    assert sorted(expected["tracker"]) == ["A", "B"]  # A has the lower id
    for order in ([2, 1, 0], [1, 2, 0], [2, 0, 1]):
        again = trackerkit.cluster_trackers([account[k] for k in order], t, method="complete")
        assert sorted(again["tracker"]) == ["A", "B"]


# --------------------------------------------------------------------------- matcher and confusion


def test_matcher_fit_is_reproducible_whatever_the_global_random_state():
    account = trackerkit.load_trackers("sample")
    text = ["I want to speak to your manager right now", "can I get a discount"]
    saved = np.random.get_state()  # the solver used to draw its seed from numpy's global state
    try:
        np.random.seed(1)
        first = trackerkit.TrackerMatcher().fit(account).decision_function(text)
        np.random.seed(2)
        second = trackerkit.TrackerMatcher().fit(account).decision_function(text)
    finally:
        np.random.set_state(saved)
    np.testing.assert_array_equal(first, second)


def test_matcher_rank_ties_in_tracker_order(monkeypatch):
    account = [
        {"id": str(100 + k), "name": f"T{k:02d}", "vocabulary": [f"phrase number {k}", f"words {k}"]}
        for k in range(40)
    ]
    matcher = trackerkit.TrackerMatcher().fit(account)
    levels = np.asarray([0.5, -0.25, 0.5, 0.125])
    tied = levels[np.arange(40) % 4]  # 20 trackers at 0.5, 10 at each other level
    monkeypatch.setattr(matcher, "_scores", lambda features: tied[None, :])
    out = matcher.rank("anything", k=40)
    expected = sorted(range(40), key=lambda k: (-tied[k], k))
    assert out["tracker"].tolist() == [f"T{k:02d}" for k in expected]
    assert matcher.predict(["anything"]).tolist() == ["T00"]


def test_matcher_evidence_ties_by_position():
    account = [
        {
            "id": "1",
            "name": "Refund",
            "vocabulary": [
                "money back",
                "Refund please!",
                "i want a refund",
                "refund please",
                "REFUND PLEASE",
            ],
        },
        {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "good morning", "hi how are you"]},
    ]
    matcher = trackerkit.TrackerMatcher().fit(account)
    out = matcher.rank("refund please", k=1, evidence=3)
    assert out["evidence"].iloc[0] == ["Refund please!", "refund please", "REFUND PLEASE"]
    scores = out["evidence_scores"].iloc[0]
    assert scores[0] == scores[1] == scores[2]


def test_confusion_does_not_depend_on_the_tracker_order():
    account = [
        {
            "id": "1",
            "name": "Refund",
            "vocabulary": ["a refund", "refund please", "refund it", "my money back"],
        },
        {
            "id": "2",
            "name": "Greeting",
            "vocabulary": ["hello there", "hello you", "hello again", "good morning"],
        },
        {"id": "3", "name": "Manager", "vocabulary": ["your manager", "a supervisor", "manager please"]},
        {"id": "4", "name": "Invoice", "vocabulary": ["the invoice", "send the invoice", "invoice please"]},
    ]
    expected = trackerkit.confusion(account, folds=None)
    for order in ([3, 1, 0, 2], [2, 3, 1, 0]):
        again = trackerkit.confusion([account[k] for k in order], folds=None)
        assert list(again.index) == [account[k]["name"] for k in order]
        pd.testing.assert_frame_equal(
            again.loc[expected.index, expected.columns], expected, check_names=False
        )


# --------------------------------------------------------------------------- CLI and plots


def _write(tmp_path, trackers: list[dict[str, Any]]) -> str:
    path = tmp_path / "account.json"
    trackerkit.save_snapshot(trackers, path)
    return str(path)


def test_cli_summary_sorts_are_total(tmp_path, capsys):
    from trackerkit.cli import main

    trackers = [
        {"id": "1000000000000001", "name": "beta", "vocabulary": ["a b", "c d"]},
        {"id": "1000000000000002", "name": "Alpha", "vocabulary": ["e f"]},
        {"id": "1000000000000003", "name": "alpha", "vocabulary": ["g h"]},
        {"id": "1000000000000004", "name": "Beta", "vocabulary": ["i j", "k l"]},
        {"id": "1000000000000005", "name": "gamma", "vocabulary": ["m n"]},
    ]
    source = _write(tmp_path, trackers)

    def names(sort: str) -> list[str]:
        capsys.readouterr()
        assert main(["summary", source, "--sort", sort, "--format", "json"]) == 0
        return [r["name"] for r in json.load(io.StringIO(capsys.readouterr().out))]

    assert names("name") == ["Alpha", "alpha", "Beta", "beta", "gamma"]
    assert names("phrases") == ["beta", "Beta", "Alpha", "alpha", "gamma"]
    assert names("account") == [t["name"] for t in trackers]


def test_vocabulary_sizes_plot_order_is_total():
    from trackerkit.plotting import plot_vocabulary_sizes

    trackers = [
        {"id": "1", "name": "beta", "vocabulary": ["a b", "c d"]},
        {"id": "2", "name": "Alpha", "vocabulary": ["e f"]},
        {"id": "3", "name": "alpha", "vocabulary": ["g h"]},
        {"id": "4", "name": "Beta", "vocabulary": ["i j", "k l"]},
    ]
    for sort, expected in (
        ("size", ["beta", "Beta", "Alpha", "alpha"]),
        ("name", ["Alpha", "alpha", "Beta", "beta"]),
    ):
        ax = plot_vocabulary_sizes(trackers, sort=sort)
        assert [t.get_text() for t in ax.get_yticklabels()] == expected  # first on top
        ax.figure.clf()
