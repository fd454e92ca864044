"""Exact overlap: hand-computed three-tracker case, invariances, errors."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest

import trackerkit
from trackerkit import TrackerDataError, TrackerNotFoundError
from trackerkit.errors import InvalidParameterError

# distinct normalized phrases: A {hello there, good morning, see you} (3, "Good Morning!" repeats),
# B {good morning, see you later, bye} (3), C {bye, hello there, good morning, thanks} (4)
ACCOUNT = [
    {"id": "101", "name": "A", "vocabulary": ["hello there", "good morning", "Good Morning!", "see you"]},
    {"id": "102", "name": "B", "vocabulary": ["good morning", "see you later", "bye"]},
    {"id": "103", "name": "C", "vocabulary": ["Bye.", "hello there", "good morning", "thanks"]},
]


def test_count_by_hand():
    result = trackerkit.overlap_matrix(ACCOUNT)
    assert (result.metric, result.value_label, result.tracker_ids) == (
        "count",
        "shared phrases",
        ("101", "102", "103"),
    )
    m = result.matrix
    expected = [[3, 1, 2], [1, 3, 2], [2, 2, 4]]
    assert m.to_numpy().tolist() == expected
    assert m.dtypes.unique().tolist() == [np.dtype("int64")]
    assert list(m.index) == ["A", "B", "C"] and list(m.columns) == ["A", "B", "C"]
    assert m.index.name == "tracker" and m.columns.name == "other"


def test_jaccard_by_hand():
    result = trackerkit.overlap_matrix(ACCOUNT, metric="jaccard")
    assert (result.metric, result.value_label) == ("jaccard", "Jaccard index")
    m = result.matrix
    expected = np.array([[1, 1 / 5, 2 / 5], [1 / 5, 1, 2 / 5], [2 / 5, 2 / 5, 1]])
    np.testing.assert_allclose(m.to_numpy(), expected)


def test_containment_by_hand_row_in_column():
    m = trackerkit.overlap_matrix(ACCOUNT, metric="containment").matrix
    expected = np.array([[1, 1 / 3, 2 / 3], [1 / 3, 1, 2 / 3], [2 / 4, 2 / 4, 1]])
    np.testing.assert_allclose(m.to_numpy(), expected)
    assert m.loc["C", "A"] == 0.5 and m.loc["A", "C"] == pytest.approx(2 / 3)  # not symmetric


def test_label_id_and_select_by_name_or_id():
    by_id = trackerkit.overlap_matrix(ACCOUNT, label="id").matrix
    assert list(by_id.index) == ["101", "102", "103"]
    assert by_id.index.name == "tracker_id"
    sub = trackerkit.overlap_matrix(ACCOUNT, select=["C", "101"]).matrix
    assert list(sub.index) == ["C", "A"]
    assert sub.to_numpy().tolist() == [[4, 2], [2, 3]]
    assert sub.equals(trackerkit.overlap_matrix(ACCOUNT, select=["103", "a"]).matrix)


@pytest.mark.parametrize("metric", ["count", "jaccard", "containment"])
def test_invariant_to_phrase_order(metric):
    shuffled = [
        dict(t, vocabulary=random.Random(7).sample(t["vocabulary"], len(t["vocabulary"]))) for t in ACCOUNT
    ]
    pd.testing.assert_frame_equal(
        trackerkit.overlap_matrix(ACCOUNT, metric=metric).matrix,
        trackerkit.overlap_matrix(shuffled, metric=metric).matrix,
    )


def test_symmetry_and_diagonal_on_sample():
    trackers = trackerkit.load_trackers("sample")
    jac = trackerkit.overlap_matrix(trackers, metric="jaccard").matrix.to_numpy()
    np.testing.assert_allclose(jac, jac.T)
    np.testing.assert_allclose(np.diag(jac), 1.0)
    cont = trackerkit.overlap_matrix(trackers, metric="containment").matrix.to_numpy()
    np.testing.assert_allclose(np.diag(cont), 1.0)
    count = trackerkit.overlap_matrix(trackers).matrix.to_numpy()
    np.testing.assert_array_equal(count, count.T)
    np.testing.assert_array_equal(np.diag(count), trackers["n_unique_phrases"].to_numpy())


def test_empty_and_one_tracker_and_empty_vocabulary():
    assert trackerkit.overlap_matrix([]).matrix.shape == (0, 0)
    one = trackerkit.overlap_matrix([ACCOUNT[0]], metric="jaccard").matrix
    assert one.to_numpy().tolist() == [[1.0]]
    empty_vocab = [{"id": "1", "name": "E", "vocabulary": []}, ACCOUNT[1]]
    m = trackerkit.overlap_matrix(empty_vocab, metric="containment").matrix
    assert m.to_numpy().tolist() == [[0.0, 0.0], [0.0, 1.0]]  # nothing to share, documented


def test_unicode_phrases_compare_after_nfkc_and_casefold():
    account = [
        {"id": "1", "name": "Straße", "vocabulary": ["STRASSE bitte", "ﬁle upload", "Cómo está"]},
        {"id": "2", "name": "Other", "vocabulary": ["strasse bitte", "file upload", "cómo  está?"]},
    ]
    assert trackerkit.overlap_matrix(account).matrix.loc["Straße", "Other"] == 3


def test_bad_metric_and_label():
    with pytest.raises(
        InvalidParameterError, match="metric must be one of 'count', 'jaccard', 'containment'; got 'foo'"
    ):
        trackerkit.overlap_matrix(ACCOUNT, metric="foo")
    with pytest.raises(InvalidParameterError, match="label must be one of 'name', 'id'"):
        trackerkit.overlap_matrix(ACCOUNT, label="title")
    with pytest.raises(TrackerNotFoundError, match=r"no tracker with this name or id: .Z."):
        trackerkit.overlap_matrix(ACCOUNT, select=["A", "Z"])
    with pytest.raises(TrackerDataError, match="vocabulary frame"):
        trackerkit.overlap_matrix(trackerkit.vocabulary_frame(ACCOUNT))


def test_shared_phrases_as_each_side_wrote_them():
    out = trackerkit.shared_phrases(ACCOUNT, "A", "103")
    assert list(out.columns) == ["phrase_norm", "phrase_a", "phrase_b", "position_a", "position_b"]
    assert out.to_dict("records") == [
        {
            "phrase_norm": "hello there",
            "phrase_a": "hello there",
            "phrase_b": "hello there",
            "position_a": 0,
            "position_b": 1,
        },
        {
            "phrase_norm": "good morning",
            "phrase_a": "good morning",
            "phrase_b": "good morning",
            "position_a": 1,
            "position_b": 2,
        },
    ]
    assert out.attrs == {}  # a plain frame: what it is about is in the call, not on the frame
    bye = trackerkit.shared_phrases(ACCOUNT, "B", "C")
    assert bye[["phrase_a", "phrase_b"]].values.tolist() == [
        ["good morning", "good morning"],
        ["bye", "Bye."],
    ]
    assert len(trackerkit.shared_phrases(ACCOUNT, "A", "A")) == 3
    assert trackerkit.shared_phrases([ACCOUNT[0], {"id": "9", "name": "Z", "vocabulary": []}], "A", "Z").empty


def test_shared_phrases_on_sample_matches_planted_pair():
    out = trackerkit.shared_phrases("sample", "Pricing Inquiry", "Discount Request")
    assert out["phrase_norm"].tolist() == ["can i get a discount"]
    assert out[["phrase_a", "phrase_b"]].values.tolist() == [
        ["Can I get a discount?", "can i get a discount"]
    ]
