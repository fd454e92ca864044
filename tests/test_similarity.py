"""TF-IDF similarity between trackers, most_similar and compare_trackers."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

import trackerkit
from trackerkit import TrackerDataError, TrackerNotFoundError, normalize_phrase
from trackerkit.analysis import tracker_pairs
from trackerkit.errors import InvalidParameterError

FRUIT = [
    {"id": "1", "name": "X", "vocabulary": ["apple banana", "Apple!"]},
    {"id": "2", "name": "Y", "vocabulary": ["apple cherry"]},
    {"id": "3", "name": "Z", "vocabulary": ["durian"]},
]


def test_word_similarity_by_hand():
    # idf = ln((1 + n) / (1 + df)) + 1 with n = 3; tf = 1 + ln(count) (sublinear)
    idf_shared, idf_single = math.log(4 / 3) + 1, math.log(4 / 2) + 1
    x = np.array([(1 + math.log(2)) * idf_shared, idf_single, 0.0])  # apple x2, banana
    y = np.array([idf_shared, 0.0, idf_single])  # apple, cherry
    expected = x @ y / (np.linalg.norm(x) * np.linalg.norm(y))
    m = trackerkit.similarity_matrix(FRUIT, analyzer="word").matrix
    assert m.loc["X", "Y"] == pytest.approx(expected)
    assert m.loc["Y", "X"] == m.loc["X", "Y"]
    assert m.loc["X", "Z"] == 0.0 and m.loc["Y", "Z"] == 0.0
    np.testing.assert_array_equal(np.diag(m.to_numpy()), [1.0, 1.0, 1.0])


def test_char_wb_default_matches_scikit_learn_on_tracker_documents():
    trackers = trackerkit.load_trackers("sample")
    # char_wb n-grams never span words, so joining a tracker's phrases gives the same counts
    documents = [" ".join(normalize_phrase(p) for p in vocab) for vocab in trackers["vocabulary"]]
    reference = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True).fit_transform(
        documents
    )
    expected = (reference @ reference.T).toarray()
    np.fill_diagonal(expected, 1.0)
    got = trackerkit.similarity_matrix(trackers)
    np.testing.assert_allclose(got.matrix.to_numpy(), expected, atol=1e-12)
    assert got.analyzer == "char_wb" and got.ngram_range == (3, 5) and got.metric == "cosine"


def test_options_reach_tfidf_and_change_scores():
    plain = trackerkit.similarity_matrix(FRUIT, analyzer="word", sublinear_tf=False).matrix
    assert plain.loc["X", "Y"] != trackerkit.similarity_matrix(FRUIT, analyzer="word").matrix.loc["X", "Y"]
    no_apple = trackerkit.similarity_matrix(FRUIT, analyzer="word", stop_words=["apple"]).matrix
    assert no_apple.loc["X", "Y"] == 0.0
    bigrams = trackerkit.similarity_matrix(FRUIT, analyzer="word", ngram_range=(1, 2), min_df=1).matrix
    assert 0 < bigrams.loc["X", "Y"] < 1


def test_symmetry_unit_diagonal_and_range_on_sample():
    for analyzer in ("char_wb", "word"):
        m = trackerkit.similarity_matrix("sample", analyzer=analyzer).matrix.to_numpy()
        np.testing.assert_array_equal(m, m.T)
        np.testing.assert_array_equal(np.diag(m), 1.0)
        assert m.min() >= 0.0 and m.max() <= 1.0


def test_invariant_to_phrase_order_select_and_addressing():
    trackers = trackerkit.load_trackers("sample")
    shuffled = trackers.copy()
    shuffled["vocabulary"] = [random.Random(3).sample(v, len(v)) for v in trackers["vocabulary"]]
    pd.testing.assert_frame_equal(
        trackerkit.similarity_matrix(trackers).matrix, trackerkit.similarity_matrix(shuffled).matrix
    )
    full = trackerkit.similarity_matrix(trackers).matrix
    sub = trackerkit.similarity_matrix(trackers, select=["Voice Message", "4476908732794496"]).matrix
    assert list(sub.index) == ["Voice Message", "Promotion Mention"]
    # IDF comes from the whole account: selecting does not change scores
    assert sub.loc["Voice Message", "Promotion Mention"] == full.loc["Voice Message", "Promotion Mention"]
    by_id = trackerkit.similarity_matrix(
        trackers, select=["5807963341258752", "promotion mention"], label="id"
    ).matrix
    np.testing.assert_array_equal(by_id.to_numpy(), sub.to_numpy())
    assert list(by_id.columns) == ["5807963341258752", "4476908732794496"]


def test_unicode_trackers_compare():
    account = [
        {"id": "1", "name": "Cancelar", "vocabulary": ["quiero cancelar mi suscripción", "¿cómo cancelo?"]},
        {"id": "2", "name": "Cancel", "vocabulary": ["QUIERO CANCELAR MI SUSCRIPCIÓN"]},
        {"id": "3", "name": "日本", "vocabulary": ["解約したい", "キャンセルしたい"]},
        {"id": "4", "name": "日本2", "vocabulary": ["解約したいです"]},
    ]
    m = trackerkit.similarity_matrix(account).matrix
    assert m.loc["Cancelar", "Cancel"] > 0.5
    assert m.loc["日本", "日本2"] > 0.2
    assert m.loc["Cancel", "日本"] == 0.0


def test_empty_one_tracker_and_no_terms():
    assert trackerkit.similarity_matrix([]).matrix.shape == (0, 0)
    assert trackerkit.similarity_matrix([FRUIT[0]]).matrix.to_numpy().tolist() == [[1.0]]
    with pytest.raises(TrackerDataError, match="no terms left to compare"):
        trackerkit.similarity_matrix(
            [{"id": "1", "name": "A", "vocabulary": ["?!"]}, {"id": "2", "name": "B", "vocabulary": []}]
        )
    with pytest.raises(TrackerDataError, match="no terms left"):  # scikit-learn's empty vocabulary, re-raised
        trackerkit.similarity_matrix(
            FRUIT, analyzer="word", stop_words=["apple", "banana", "cherry", "durian"]
        )
    partly_empty = [*FRUIT, {"id": "4", "name": "E", "vocabulary": []}]
    m = trackerkit.similarity_matrix(partly_empty).matrix
    assert m.loc["E"].tolist() == [0.0, 0.0, 0.0, 0.0]  # no terms: 0 everywhere, diagonal too


def test_bad_parameters_name_the_parameter():
    with pytest.raises(
        InvalidParameterError, match="analyzer must be one of 'char_wb', 'word', 'semantic'; got 'char'"
    ):
        trackerkit.similarity_matrix(FRUIT, analyzer="char")
    with pytest.raises(InvalidParameterError, match="ngram_range"):
        trackerkit.similarity_matrix(FRUIT, ngram_range=(3, 1))
    with pytest.raises(InvalidParameterError, match="unknown TF-IDF option"):
        trackerkit.similarity_matrix(FRUIT, colour="red")
    with pytest.raises(InvalidParameterError, match="k must be an integer >= 1"):
        trackerkit.most_similar(FRUIT, "X", k=0)
    with pytest.raises(InvalidParameterError, match="evidence must be an integer >= 0"):
        trackerkit.most_similar(FRUIT, "X", evidence=-1)
    with pytest.raises(InvalidParameterError, match="threshold must be in \\(0, 1\\]; got 2"):
        trackerkit.compare_trackers(FRUIT, "X", "Y", threshold=2)
    with pytest.raises(TypeError):  # options are keyword-only: a second positional is an error
        trackerkit.similarity_matrix(FRUIT, "word")


def test_most_similar_ranks_with_evidence():
    out = trackerkit.most_similar(FRUIT, "X", analyzer="word")
    assert list(out.columns) == [
        "rank",
        "tracker_id",
        "tracker",
        "score",
        "n_shared",
        "shared_phrases",
        "shared_terms",
    ]
    assert out[["rank", "tracker", "n_shared"]].values.tolist() == [[1, "Y", 0]]  # Z scores 0: left out
    assert out.loc[0, "score"] == pytest.approx(
        trackerkit.similarity_matrix(FRUIT, analyzer="word").matrix.loc["X", "Y"]
    )
    assert out.loc[0, "shared_terms"] == ["apple"]
    sample = trackerkit.most_similar("sample", "Escalation Request", k=3)
    assert sample.loc[0, "tracker"] == "Speak to Manager"
    assert "i want to speak to a supervisor" in sample.loc[0, "shared_phrases"]
    assert "supervisor" in sample.loc[0, "shared_terms"]
    assert sample["score"].is_monotonic_decreasing and sample["rank"].tolist() == [1, 2, 3]
    by_id = trackerkit.most_similar("sample", "5727654126063356", k=3)
    pd.testing.assert_frame_equal(sample, by_id)


def test_most_similar_select_and_single_tracker():
    out = trackerkit.most_similar(
        "sample", "Churn Risk", select=["Cancellation Intent", "Greeting", "Churn Risk"]
    )
    assert out["tracker"].tolist()[0] == "Cancellation Intent"
    assert "Churn Risk" not in out["tracker"].tolist()
    assert trackerkit.most_similar([FRUIT[0]], "X").empty
    with pytest.raises(TrackerNotFoundError):
        trackerkit.most_similar(FRUIT, "nope")


def test_compare_trackers_classifies_every_phrase_once():
    account = [
        {"id": "1", "name": "A", "vocabulary": ["Send me the invoice", "hello", "hello", "refund please"]},
        {"id": "2", "name": "B", "vocabulary": ["Hello!", "send me the invocie", "bye"]},
        {"id": "3", "name": "C", "vocabulary": ["unrelated words here"]},
    ]
    result = trackerkit.compare_trackers(account, "A", "2")
    out = result.table
    assert list(out.columns) == ["status", "phrase_a", "phrase_b", "position_a", "position_b", "score"]
    rows = out.astype(object).where(out.notna(), None).values.tolist()
    assert rows == [
        ["shared", "hello", "Hello!", 1, 0, 1.0],
        ["near-duplicate", "Send me the invoice", "send me the invocie", 0, 1, pytest.approx(1 - 1 / 19)],
        ["unique to a", "refund please", "", 3, None, None],
        ["unique to b", "", "bye", None, 2, None],
    ]
    assert str(out["position_a"].dtype) == "Int64"
    assert (result.tracker, result.other, result.tracker_id, result.other_id) == ("A", "B", "1", "2")
    assert result.threshold == 0.8
    assert result.counts() == {"shared": 1, "near-duplicate": 1, "unique to a": 1, "unique to b": 1}
    strict = trackerkit.compare_trackers(account, "A", "B", threshold=0.99)
    assert "near-duplicate" not in set(strict.table["status"]) and strict.threshold == 0.99
    assert (
        trackerkit.compare_trackers(account, "A", "B", max_edits=0)
        .table["status"]
        .tolist()
        .count("near-duplicate")
        == 0
    )


def test_compare_trackers_agrees_with_similar_phrases():
    trackers = trackerkit.load_trackers("sample")
    out = trackerkit.compare_trackers(trackers, "Escalation Request", "Speak to Manager").table
    pairs = trackerkit.similar_phrases(trackers, select=["Escalation Request", "Speak to Manager"], k=None)
    near = out[out["status"] == "near-duplicate"]
    listed = {(a, b): s for a, b, s in pairs[["phrase_a", "phrase_b", "score"]].itertuples(index=False)}
    assert len(near) >= 1
    for a, b, score in near[["phrase_a", "phrase_b", "score"]].itertuples(index=False):
        assert listed[(a, b)] == pytest.approx(score)
    shared = out[out["status"] == "shared"]
    assert set(shared["phrase_a"]) == {"I want to speak to a supervisor", "Can you escalate this"}
    total = len(
        set(map(normalize_phrase, trackers.set_index("name").loc["Escalation Request", "vocabulary"]))
    )
    assert (out["phrase_a"] != "").sum() == total


def test_tracker_pairs_from_symmetric_and_asymmetric_matrices():
    account = [
        {"id": "1", "name": "A", "vocabulary": ["hi", "yo", "hey"]},
        {"id": "2", "name": "B", "vocabulary": ["hi", "yo"]},
        {"id": "3", "name": "C", "vocabulary": ["hi"]},
    ]
    pairs = tracker_pairs(trackerkit.overlap_matrix(account, metric="jaccard"))
    assert list(pairs.columns) == ["tracker_a", "tracker_b", "score"]
    assert pairs.values.tolist() == [["A", "B", 2 / 3], ["B", "C", 1 / 2], ["A", "C", 1 / 3]]
    contained = tracker_pairs(trackerkit.overlap_matrix(account, metric="containment"), threshold=1)
    assert contained[["tracker_a", "tracker_b"]].values.tolist() == [["B", "A"], ["C", "A"], ["C", "B"]]
    top = tracker_pairs(trackerkit.similarity_matrix("sample"), k=3)
    assert len(top) == 3 and top["score"].is_monotonic_decreasing
    assert {top.loc[0, "tracker_a"], top.loc[0, "tracker_b"]} == {"Competitor Mention", "competitor mention"}
    by_id = tracker_pairs(trackerkit.similarity_matrix(account, label="id"), threshold=0.99)
    assert by_id.empty and list(by_id.columns) == ["tracker_a", "tracker_b", "score"]
    # a plain square DataFrame works as well as the TrackerMatrix holding it
    pd.testing.assert_frame_equal(
        tracker_pairs(trackerkit.overlap_matrix(account, metric="jaccard").matrix), pairs
    )
    with pytest.raises(InvalidParameterError, match="matrix must be square") as info:
        tracker_pairs(trackerkit.similar_phrases("sample"))
    assert isinstance(info.value, TypeError) and info.value.parameter == "matrix"
    with pytest.raises(InvalidParameterError, match="k must be an integer >= 1 or None"):
        tracker_pairs(trackerkit.similarity_matrix(account), k=0)
