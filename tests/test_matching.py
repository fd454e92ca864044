"""TrackerMatcher and confusion: scikit-learn conventions, evidence, leave-out counts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import trackerkit
from trackerkit import TrackerDataError

ACCOUNT = [
    {
        "id": "1",
        "name": "Refund",
        "vocabulary": ["i want a refund", "give me my money back", "refund please"],
    },
    {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "good morning", "hi how are you"]},
    {
        "id": "3",
        "name": "Cancel",
        "vocabulary": ["cancel my subscription", "i want to cancel", "stop my plan"],
    },
]


def test_fit_predict_and_conventions():
    matcher = trackerkit.TrackerMatcher()
    assert matcher.fit(ACCOUNT) is matcher
    assert list(matcher.classes_) == ["1", "2", "3"]
    assert list(matcher.tracker_names_) == ["Refund", "Greeting", "Cancel"]
    assert matcher.n_phrases_ == 9
    texts = ["Can I get a refund?", "good morning to you", "please cancel the subscription"]
    assert list(matcher.predict(texts)) == ["Refund", "Greeting", "Cancel"]
    assert list(matcher.predict_id(texts)) == ["1", "2", "3"]
    scores = matcher.decision_function(texts)
    assert scores.shape == (3, 3) and (scores.argmax(axis=1) == [0, 1, 2]).all()
    assert matcher.get_params() == {"C": 1.0, "char_ngrams": (2, 5), "word_ngrams": (1, 2)}
    assert clone(matcher).set_params(C=0.5).C == 0.5
    assert len(matcher.predict([])) == 0


def test_rank_gives_scores_and_evidence():
    matcher = trackerkit.TrackerMatcher().fit(ACCOUNT)
    ranked = matcher.rank("I'd like my money back", k=2, evidence=2)
    assert list(ranked.columns) == ["rank", "tracker_id", "tracker", "score", "evidence", "evidence_scores"]
    assert ranked["rank"].tolist() == [1, 2] and ranked["tracker"].iloc[0] == "Refund"
    assert ranked["score"].is_monotonic_decreasing
    assert ranked["evidence"].iloc[0][0] == "give me my money back"
    ev = ranked["evidence_scores"].iloc[0]
    assert len(ev) == 2 and ev[0] >= ev[1] > 0
    assert len(matcher.rank("hello", k=10)) == 3


def test_two_trackers_and_by_name_or_id_select():
    matcher = trackerkit.TrackerMatcher().fit(ACCOUNT, select=["Refund", "3"])
    assert list(matcher.tracker_names_) == ["Refund", "Cancel"]
    assert matcher.decision_function(["refund"]).shape == (1, 2)
    assert list(matcher.predict(["cancel it", "my refund"])) == ["Cancel", "Refund"]


def test_errors():
    with pytest.raises(NotFittedError):
        trackerkit.TrackerMatcher().predict(["hi"])
    with pytest.raises(TrackerDataError, match="at least two trackers with phrases; got 1"):
        trackerkit.TrackerMatcher().fit([ACCOUNT[0], {"id": "9", "name": "E", "vocabulary": ["?!"]}])
    with pytest.raises(TrackerDataError, match="got 0"):
        trackerkit.TrackerMatcher().fit([])
    matcher = trackerkit.TrackerMatcher().fit(ACCOUNT)
    with pytest.raises(TypeError, match="one string"):
        matcher.predict("hello")
    with pytest.raises(ValueError, match="k must be an integer >= 1"):
        matcher.rank("hello", k=0)
    with pytest.raises(TypeError):  # k and evidence are keyword-only
        matcher.rank("hello", 3)


def test_confusion_leave_one_out_by_hand():
    account = [
        {"id": "1", "name": "A", "vocabulary": ["refund please", "a refund now", "refund it"]},
        {"id": "2", "name": "B", "vocabulary": ["hello there", "hello you", "refund please"]},
    ]
    result = trackerkit.confusion(account, folds=None)
    out = result.matrix
    # each copy of the shared "refund please", left out, meets the other copy: it crosses over
    assert out.to_numpy().tolist() == [[2, 1], [1, 2]]
    assert out.index.name == "tracker" and out.columns.name == "matched"
    assert result.accuracy == pytest.approx(4 / 6) and result.folds is None
    by_id = trackerkit.confusion(account, folds=None, label="id").matrix
    assert list(by_id.index) == ["1", "2"]


def test_confusion_on_sample_flags_planted_overlaps():
    result = trackerkit.confusion("sample", folds=5)
    out = result.matrix
    counts = out.to_numpy()
    assert counts.sum() == sum(
        len([p for p in v if p.strip()]) for v in trackerkit.load_trackers("sample")["vocabulary"]
    )
    assert 0.3 < result.accuracy < 1 and result.folds == 5  # short, varied vocabularies: far from perfect
    pair = (
        out.loc["Escalation Request", "Speak to Manager"] + out.loc["Speak to Manager", "Escalation Request"]
    )
    assert pair >= 2  # shared and near-duplicate phrases cross over
    off = out.to_numpy().copy()
    np.fill_diagonal(off, 0)
    a, b = np.unravel_index(off.argmax(), off.shape)
    planted = {
        "Discount Request",
        "Pricing Inquiry",
        "Escalation Request",
        "Speak to Manager",
        "Special Offers",
    }
    assert {out.index[a], out.columns[b]} <= planted  # the most confused pair is a planted overlap


def test_confusion_bad_folds():
    with pytest.raises(ValueError, match="folds must be an integer >= 2 or None"):
        trackerkit.confusion(ACCOUNT, folds=1)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"C": -1}, "C must be a positive number"),
        ({"C": "big"}, "C must be a positive number"),
        ({"word_ngrams": (2, 1)}, "word_ngrams must be"),
        ({"char_ngrams": (0, 3)}, "char_ngrams must be"),
        ({"char_ngrams": 3}, "char_ngrams must be"),
    ],
)
def test_bad_parameters_are_named_before_scikit_learn_sees_them(params, fragment):
    from trackerkit import TrackerMatcher, load_trackers

    with pytest.raises(ValueError, match=fragment):
        TrackerMatcher(**params).fit(load_trackers("sample"))


def test_a_missing_key_is_a_data_error():
    from trackerkit import TrackerDataError, load_trackers, most_similar

    with pytest.raises(TrackerDataError, match="got None"):
        most_similar(load_trackers("sample"), None)
