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
    assert matcher.get_params() == {
        "C": 2.0,
        "char_ngrams": (2, 5),
        "embedder": None,
        "features": "tfidf",
        "max_negatives": 2000,
        "n_jobs": -1,
        "semantic_weight": 1.0,
        "word_ngrams": (1, 2),
    }
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


# --------------------------------------------------------------------------- the scalable model


def _sample_features():
    from trackerkit.analysis._matching import _Features, _training_phrases

    frame = trackerkit.load_trackers("sample")
    ids, phrases, _ = _training_phrases(frame)
    featurizer = _Features((1, 2), (2, 5))
    counts = featurizer.count(phrases)
    return featurizer, counts, phrases, ids


def test_features_are_two_tfidf_vectorizers_concatenated():
    """Counted once with trackerkit's fast counter, the features are what two scikit-learn
    vectorizers give (compared through the Gram matrix: column order does not matter)."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    featurizer, counts, phrases, _ = _sample_features()
    ours = featurizer.fit_idf(counts).weight(counts)
    words = TfidfVectorizer(
        analyzer="word", ngram_range=(1, 2), sublinear_tf=True, token_pattern=r"(?u)\b\w+\b"
    )
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True)
    theirs = normalize(sp.hstack([words.fit_transform(phrases), chars.fit_transform(phrases)]).tocsr())
    assert ours.shape == theirs.shape
    np.testing.assert_allclose((ours @ ours.T).toarray(), (theirs @ theirs.T).toarray(), atol=1e-12)
    texts = [
        trackerkit.normalize_phrase(t)
        for t in ("can I get a discount please", "zzz qqq", "I'd like a manager")
    ]
    new_ours, new_theirs = (
        featurizer.transform(texts),
        normalize(sp.hstack([words.transform(texts), chars.transform(texts)]).tocsr()),
    )
    np.testing.assert_allclose((new_ours @ ours.T).toarray(), (new_theirs @ theirs.T).toarray(), atol=1e-12)


def test_a_fold_learns_idf_from_its_training_rows_only():
    """What confusion does per fold (weights from the counted rows) equals a featurizer fitted
    on the training phrases alone: terms only the held-out phrases have are dropped."""
    from trackerkit.analysis._matching import _Features

    featurizer, counts, phrases, _ = _sample_features()
    rest = np.arange(len(phrases)) % 5 != 0
    held = ~rest
    fold = featurizer.fit_idf(counts, np.flatnonzero(rest)).weight(counts)
    alone = _Features((1, 2), (2, 5))
    alone_counts = alone.count([p for p, r in zip(phrases, rest) if r])
    trained = alone.fit_idf(alone_counts).weight(alone_counts)
    held_alone = alone.transform([p for p, h in zip(phrases, held) if h])
    np.testing.assert_allclose(
        (fold[held] @ fold[rest].T).toarray(), (held_alone @ trained.T).toarray(), atol=1e-12
    )


def test_all_negatives_when_the_limit_is_not_reached():
    """max_negatives at least the number of phrases is the exact model (every other phrase is
    a negative), bit for bit; a small limit gives another model."""
    account = trackerkit.load_trackers("sample")
    n = int(account["n_phrases"].sum())
    exact = trackerkit.TrackerMatcher(max_negatives=None).fit(account)
    same = trackerkit.TrackerMatcher(max_negatives=n).fit(account)
    fewer = trackerkit.TrackerMatcher(max_negatives=20).fit(account)
    assert (exact.coef_ != same.coef_).nnz == 0
    np.testing.assert_array_equal(exact.intercept_, same.intercept_)
    assert (exact.coef_ != fewer.coef_).nnz > 0


def test_worker_processes_give_the_same_model(monkeypatch):
    """Fitted in two real worker processes or in this one, the model is the same, bit for bit
    (threads would not be: liblinear has one global random generator)."""
    from trackerkit.analysis import _matching

    account = trackerkit.load_trackers("sample")
    alone = trackerkit.TrackerMatcher(n_jobs=None).fit(account)
    monkeypatch.setattr(_matching, "PARALLEL_ROWS", 0)
    shared = trackerkit.TrackerMatcher(n_jobs=2).fit(account)
    assert (alone.coef_ != shared.coef_).nnz == 0
    np.testing.assert_array_equal(alone.intercept_, shared.intercept_)
    np.testing.assert_array_equal(alone.classes_, shared.classes_)


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"max_negatives": 0}, "max_negatives"),
        ({"max_negatives": 2.5}, "max_negatives"),
        ({"n_jobs": 0}, "n_jobs"),
        ({"n_jobs": "all"}, "n_jobs"),
        ({"n_jobs": True}, "n_jobs"),
    ],
)
def test_bad_scaling_parameters_are_named(params, name):
    with pytest.raises(trackerkit.InvalidParameterError, match=name):
        trackerkit.TrackerMatcher(**params).fit(ACCOUNT)
    with pytest.raises(trackerkit.InvalidParameterError, match=name):
        trackerkit.confusion(ACCOUNT, **params)


def test_confusion_on_a_larger_account_uses_its_folds_only():
    """Confusion never fits a model on every phrase: a phrase unlike any other of its tracker
    lands elsewhere, which a model trained with it would not do."""
    account = trackerkit.load_trackers("sample")
    result = trackerkit.confusion(account, folds=5)
    assert result.matrix.to_numpy().sum() == int(account["n_phrases"].sum()) - _empty_phrases(account)
    assert 0.0 < result.accuracy < 1.0
    again = trackerkit.confusion(account, folds=5)
    assert result.matrix.equals(again.matrix)


def _empty_phrases(account) -> int:
    return sum(
        1 for vocabulary in account["vocabulary"] for p in vocabulary if not trackerkit.normalize_phrase(p)
    )


def test_confusion_in_worker_processes_is_the_same(monkeypatch):
    """Folds computed in two real worker processes count exactly what one process counts."""
    from trackerkit.analysis import _matching

    account = trackerkit.load_trackers("sample")
    alone = trackerkit.confusion(account, folds=4, n_jobs=None)
    monkeypatch.setattr(_matching, "PARALLEL_ROWS", 0)
    shared = trackerkit.confusion(account, folds=4, n_jobs=2)
    assert shared.matrix.equals(alone.matrix)
    assert shared.accuracy == alone.accuracy
