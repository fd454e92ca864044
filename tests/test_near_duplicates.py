"""similar_phrases: hand-computed scores, exactness against brute force, typos, scopes, k."""

from __future__ import annotations

import random

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import process
from rapidfuzz.distance import OSA
from sklearn.feature_extraction.text import TfidfVectorizer

import trackerkit
from trackerkit import normalize_phrase
from trackerkit.analysis import _pair_search
from trackerkit.analysis import near_duplicates as nd
from trackerkit.constants import PHRASE_PAIR_COLUMNS
from trackerkit.frames import vocabulary_frame

ACCOUNT = [
    {"id": "1", "name": "A", "vocabulary": ["send me the invoice", "hello", "goodbye now"]},
    {"id": "2", "name": "B", "vocabulary": ["Send me the invoice!", "send me the invocie"]},
    {"id": "3", "name": "C", "vocabulary": ["hello", "something else entirely"]},
]

WORDS = (  # noqa: SIM905 (a word list reads better as text)
    "account billing cancel card charge contract discount invoice login manager order password "
    "payment plan price refund renewal report reset service subscription support team trial "
    "upgrade user i we you my our the a to for with can please want need how do is it this not"
).split()


def brute_force(phrases: list[str], threshold: float, max_edits: int) -> dict[tuple[int, int], float]:
    """Every pair's score computed the slow, obvious way (scikit-learn + rapidfuzz)."""
    distinct = list(dict.fromkeys(p for p in map(normalize_phrase, phrases) if p))
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False).fit_transform(distinct)
    cosine = (X @ X.T).toarray()
    edits = process.cdist(distinct, distinct, scorer=OSA.distance)
    lengths = np.array([len(p) for p in distinct])
    edit_sim = 1 - edits / np.maximum(lengths[:, None], lengths[None, :])
    score = np.where(edits <= max_edits, np.maximum(cosine, edit_sim), cosine)
    i, j = np.triu_indices(len(distinct), k=1)
    keep = score[i, j] >= threshold - 1e-12
    return {tuple(sorted((distinct[a], distinct[b]))): score[a, b] for a, b in zip(i[keep], j[keep])}


def random_corpus(seed: int, n: int = 400) -> list[str]:
    rng = random.Random(seed)
    phrases = [" ".join(rng.choices(WORDS, k=rng.randint(1, 9))) for _ in range(n)]
    for _ in range(n // 4):  # near variants: a typo, a word swapped, a word dropped, a plural
        p = rng.choice(phrases)
        kind = rng.randrange(4)
        if kind == 0 and len(p) > 3:
            k = rng.randrange(1, len(p) - 1)
            p = p[:k] + p[k + 1] + p[k] + p[k + 2 :]
        elif kind == 1:
            words = p.split()
            words[rng.randrange(len(words))] = rng.choice(WORDS)
            p = " ".join(words)
        elif kind == 2 and " " in p:
            words = p.split()
            del words[rng.randrange(len(words))]
            p = " ".join(words)
        else:
            p = p + "s"
        phrases.append(p)
    return phrases


def as_account(phrases: list[str], n_trackers: int = 7) -> list[dict]:
    return [
        {"id": str(100 + t), "name": f"T{t}", "vocabulary": phrases[t::n_trackers]} for t in range(n_trackers)
    ]


def found_pairs(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    out = {}
    for a, b, s in frame[["phrase_a", "phrase_b", "score"]].itertuples(index=False):
        na, nb = normalize_phrase(a), normalize_phrase(b)
        if na != nb:
            out[tuple(sorted((na, nb)))] = s
    return out


def test_hand_computed_pairs_columns_and_kinds():
    out = trackerkit.similar_phrases(ACCOUNT, scope="all")
    assert list(out.columns) == list(PHRASE_PAIR_COLUMNS)
    assert out.dtypes["position_a"] == np.int64 and out.dtypes["edits"] == np.int64
    assert out.dtypes["score"] == np.float64
    rows = out[["tracker_a", "position_a", "tracker_b", "position_b", "edits", "kind"]].values.tolist()
    assert rows == [
        ["A", 0, "B", 0, 0, "normalized"],  # 'Send me the invoice!'
        ["A", 1, "C", 0, 0, "exact"],  # 'hello'
        ["A", 0, "B", 1, 1, "near"],  # swapped letters: one OSA edit
        ["B", 0, "B", 1, 1, "near"],
    ]
    assert out["score"].tolist()[:2] == [1.0, 1.0]
    assert out["cosine"].tolist()[:2] == [1.0, 1.0]
    # edit similarity = 1 - 1/19; cosine from scikit-learn's char_wb 3-gram TF-IDF of the distinct phrases
    distinct = list(dict.fromkeys(normalize_phrase(p) for t in ACCOUNT for p in t["vocabulary"]))
    X = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 3), lowercase=False).fit_transform(distinct)
    cos = (X[distinct.index("send me the invoice")] @ X[distinct.index("send me the invocie")].T).toarray()[
        0, 0
    ]
    near = out[out["kind"] == "near"].iloc[0]
    assert near["cosine"] == pytest.approx(cos)
    assert near["edit_similarity"] == pytest.approx(1 - 1 / 19)
    assert near["score"] == pytest.approx(max(cos, 1 - 1 / 19))
    assert cos < 0.8 < near["score"]  # the typo is found thanks to the edit similarity


def test_scopes():
    across = trackerkit.similar_phrases(ACCOUNT)
    assert (across["tracker_id_a"] != across["tracker_id_b"]).all() and len(across) == 3
    within = trackerkit.similar_phrases(ACCOUNT, scope="within")
    assert within[["tracker_a", "tracker_b"]].values.tolist() == [["B", "B"]]
    everything = trackerkit.similar_phrases(ACCOUNT, scope="all")
    assert len(everything) == len(across) + len(within)


def test_exact_duplicates_always_reported_with_score_one():
    account = [
        {"id": "1", "name": "A", "vocabulary": ["it would be nice", "it would be nice", "It would be nice."]},
        {"id": "2", "name": "B", "vocabulary": ["it would be nice"]},
    ]
    out = trackerkit.similar_phrases(account, scope="all", k=1)
    assert len(out) == 6  # every pair of the four occurrences
    assert (out["score"] == 1.0).all() and (out["edits"] == 0).all()
    assert out["kind"].value_counts().to_dict() == {"exact": 3, "normalized": 3}


@pytest.mark.parametrize(
    ("seed", "threshold", "max_edits"), [(0, 0.8, 2), (1, 0.6, 2), (2, 0.9, 1), (3, 0.8, 0), (4, 0.5, 3)]
)
def test_exact_against_brute_force(seed, threshold, max_edits):
    phrases = random_corpus(seed)
    expected = brute_force(phrases, threshold, max_edits)
    got = found_pairs(
        trackerkit.similar_phrases(
            as_account(phrases), threshold=threshold, k=None, scope="all", max_edits=max_edits
        )
    )
    assert set(got) == set(expected)
    for key, score in expected.items():
        assert got[key] == pytest.approx(score, abs=1e-9)


def test_chunking_and_pruning_paths_give_the_same_pairs(monkeypatch):
    phrases = random_corpus(5, n=300)
    account = as_account(phrases)
    reference = trackerkit.similar_phrases(account, k=3, scope="all")
    monkeypatch.setattr(_pair_search, "_CHUNK_BYTES", 8 * 64 * 1000)  # tiny dense blocks: many chunks
    monkeypatch.setattr(_pair_search, "_PRODUCT_NNZ", 200)  # forces the chunk-halving path
    monkeypatch.setattr(_pair_search, "_PRUNE_AT", 10)  # forces the running best-k pruning
    chunked = trackerkit.similar_phrases(account, k=3, scope="all")
    pd.testing.assert_frame_equal(reference, chunked)


def test_k_keeps_each_phrases_best_partners():
    suffixes = ("a", "ab", "abc", "abcd", "abcde", "abcdef", "b")
    phrases = [f"please cancel my subscription plan {x}" for x in suffixes]
    account = [{"id": "1", "name": "A", "vocabulary": phrases}]
    everything = trackerkit.similar_phrases(account, k=None, scope="within")
    two = trackerkit.similar_phrases(account, k=2, scope="within")
    assert len(two) < len(everything)
    # brute-force rule: a pair stays when it is among the 2 best of either of its phrases, ties
    # going to the alphabetically first partner
    best: dict[str, list[tuple[float, str]]] = {}
    for a, b, s in everything[["phrase_a", "phrase_b", "score"]].itertuples(index=False):
        best.setdefault(a, []).append((s, b))
        best.setdefault(b, []).append((s, a))
    top = {p: {q for _, q in sorted(v, key=lambda x: (-x[0], x[1]))[:2]} for p, v in best.items()}
    expected = {
        (a, b)
        for a, b in everything[["phrase_a", "phrase_b"]].itertuples(index=False)
        if b in top[a] or a in top[b]
    }
    assert set(two[["phrase_a", "phrase_b"]].itertuples(index=False, name=None)) == expected


def test_sorted_best_first_and_oriented():
    out = trackerkit.similar_phrases("sample", scope="all")
    assert out["score"].is_monotonic_decreasing
    order = {tid: k for k, tid in enumerate(trackerkit.load_trackers("sample")["tracker_id"])}
    a = out["tracker_id_a"].map(order)
    b = out["tracker_id_b"].map(order)
    assert ((a < b) | ((a == b) & (out["position_a"] < out["position_b"]))).all()


@settings(max_examples=25, deadline=None, database=None)
@given(
    words=st.lists(st.sampled_from([w for w in WORDS if len(w) >= 3]), min_size=4, max_size=8),
    where=st.integers(min_value=0, max_value=10_000),
    kind=st.sampled_from(["swap", "missing", "extra", "wrong"]),
    letter=st.sampled_from("abcdefghijklmnopqrstuvwxyz"),
)
def test_one_typo_in_four_or_more_words_is_always_found(words, where, kind, letter):
    phrase = " ".join(words)
    letters = [k for k, ch in enumerate(phrase) if ch.isalpha()]
    k = letters[where % len(letters)]
    if kind == "swap":
        k = min(k, len(phrase) - 2)
        typo = phrase[:k] + phrase[k + 1] + phrase[k] + phrase[k + 2 :]
    elif kind == "missing":
        typo = phrase[:k] + phrase[k + 1 :]
    elif kind == "extra":
        typo = phrase[:k] + letter + phrase[k:]
    else:
        typo = phrase[:k] + letter + phrase[k + 1 :]
    if normalize_phrase(typo) == normalize_phrase(phrase):
        return
    others = random_corpus(where % 7, n=60)
    account = [
        {"id": "1", "name": "A", "vocabulary": [phrase, *others[:30]]},
        {"id": "2", "name": "B", "vocabulary": [typo, *others[30:]]},
    ]
    out = trackerkit.similar_phrases(account)  # defaults
    hit = out[(out["phrase_a"] == phrase) & (out["phrase_b"] == typo)]
    assert len(hit) == 1, (phrase, typo)
    assert hit["score"].iloc[0] >= 0.8


def test_select_and_addressing_do_not_change_scores():
    trackers = trackerkit.load_trackers("sample")
    full = trackerkit.similar_phrases(trackers, k=None)
    sub = trackerkit.similar_phrases(trackers, select=["Churn Risk", "6355044801043633"], k=None)
    assert set(sub["tracker_a"]) | set(sub["tracker_b"]) == {"Churn Risk", "Cancellation Intent"}
    mask = full["tracker_a"].isin(["Churn Risk", "Cancellation Intent"]) & full["tracker_b"].isin(
        ["Churn Risk", "Cancellation Intent"]
    )
    assert sorted(full.loc[mask, "score"]) == sorted(sub["score"])
    # selection order decides which side is "a"
    assert (sub["tracker_a"] == "Churn Risk").all()


def test_invariant_to_phrase_order():
    trackers = trackerkit.load_trackers("sample")
    shuffled = trackers.copy()
    shuffled["vocabulary"] = [random.Random(1).sample(v, len(v)) for v in trackers["vocabulary"]]
    key = ["phrase_a", "phrase_b"]
    a = trackerkit.similar_phrases(trackers, scope="all", k=None)
    b = trackerkit.similar_phrases(shuffled, scope="all", k=None)

    def as_set(f: pd.DataFrame) -> set:
        return {(frozenset((x, y)), round(s, 12)) for x, y, s in f[[*key, "score"]].itertuples(index=False)}

    assert as_set(a) == as_set(b)


def test_unicode_phrases():
    account = [
        {
            "id": "1",
            "name": "A",
            "vocabulary": ["¿Cómo puedo cancelar mi suscripción?", "日本語のテキストです"],
        },
        {
            "id": "2",
            "name": "B",
            "vocabulary": ["como puedo cancelar mi suscripcion", "日本語のテキストでした"],
        },
    ]
    out = trackerkit.similar_phrases(account, threshold=0.7)
    assert len(out) == 2
    assert set(out["edits"]) == {2}


def test_empty_and_single_inputs_give_empty_frames():
    for account in ([], [ACCOUNT[0]], [{"id": "1", "name": "A", "vocabulary": ["?!", ""]}]):
        out = trackerkit.similar_phrases(account, scope="across")
        assert out.empty and list(out.columns) == list(PHRASE_PAIR_COLUMNS)
    one = trackerkit.similar_phrases([{"id": "1", "name": "A", "vocabulary": ["hi"]}], scope="all")
    assert one.empty


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"threshold": 2}, "threshold must be in \\(0, 1\\]; got 2"),
        ({"threshold": 0}, "threshold must be in \\(0, 1\\]"),
        ({"threshold": "high"}, "threshold must be a number"),
        ({"k": 0}, "k must be an integer >= 1 or None"),
        ({"scope": "inside"}, "scope must be one of 'across', 'within', 'all'; got 'inside'"),
        ({"max_edits": -1}, "max_edits must be an integer >= 0"),
    ],
)
def test_bad_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        trackerkit.similar_phrases(ACCOUNT, **kwargs)


def test_edit_search_matches_brute_force_including_short_phrases():
    rng = random.Random(11)
    short = ["".join(rng.choices("abc ", k=rng.randint(1, 7))).strip() or "a" for _ in range(150)]
    phrases = list(
        dict.fromkeys(normalize_phrase(p) for p in short + random_corpus(6, 200) if normalize_phrase(p))
    )
    space = _pair_search.PhraseSpace(phrases)
    for threshold, max_edits in ((0.5, 2), (0.8, 2), (0.7, 1)):
        i, j, d = _pair_search.edit_pairs(space.counts, phrases, space.lengths, threshold, max_edits)
        got = {(a, b): dd for a, b, dd in zip(i.tolist(), j.tolist(), d.tolist())}
        dist = process.cdist(phrases, phrases, scorer=OSA.distance)
        lengths = space.lengths
        expected = {}
        for a in range(len(phrases)):
            for b in range(a + 1, len(phrases)):
                dd = dist[a, b]
                if dd <= max_edits and 1 - dd / max(lengths[a], lengths[b]) >= threshold - 1e-12:
                    expected[(a, b)] = dd
        assert got == expected


# --------------------------------------------------------------------------- the steps, one by one


def test_options_are_keyword_only():
    with pytest.raises(TypeError):
        trackerkit.similar_phrases(ACCOUNT, "Voice Message")  # not a threshold: an error, not a guess
    with pytest.raises(TypeError):
        trackerkit.similar_phrases(ACCOUNT, 0.9)
    assert trackerkit.similar_phrases(ACCOUNT, threshold=0.9, k=1).attrs == {}  # no metadata in attrs


def distinct(occ: nd._Occurrences, *phrases: str) -> np.ndarray:
    """Indexes of normalized phrases among a query's distinct phrases (sorted)."""
    order = sorted(set(occ.vocab["phrase_norm"]))
    return np.array([order.index(p) for p in phrases])


def query(account: list[dict]) -> nd._Occurrences:
    vocab = vocabulary_frame(account)
    return nd._occurrences(vocab, _pair_search.PhraseSpace.of(vocab))


def test_scope_filter_on_distinct_phrases():
    # A: invoice, hello, goodbye now; B: invoice (as "Send me the invoice!"), invocie; C: hello, something
    occ = query(ACCOUNT)
    i = distinct(occ, "send me the invocie", "goodbye now", "hello")
    j = distinct(occ, "send me the invoice", "something else entirely", "send me the invoice")
    assert nd._in_scope(occ, "within", i, j).tolist() == [True, False, True]  # B; none; A
    assert nd._in_scope(occ, "across", i, j).tolist() == [True, True, True]
    assert nd._in_scope(occ, "all", i, j).tolist() == [True, True, True]
    only_b = query([{"id": "1", "name": "B", "vocabulary": ["send me the invoice", "send me the invocie"]}])
    pair = distinct(only_b, "send me the invocie", "send me the invoice")
    assert nd._in_scope(only_b, "across", pair[:1], pair[1:]).tolist() == [False]


def test_best_k_pruning_keeps_pairs_a_side_ranks_among_its_best():
    found = {
        "i": np.array([0, 0, 1]),
        "j": np.array([1, 2, 2]),
        "score": np.array([0.9, 0.8, 0.85]),
        "cosine": np.zeros(3),
    }
    kept = nd._keep_best_k(found, 1)
    # 0's best is 1, 1's best is 0, 2's best is 1: (0, 2) is nobody's best
    assert list(zip(kept["i"].tolist(), kept["j"].tolist())) == [(0, 1), (1, 2)]
    assert nd._keep_best_k(found, None) is found


def test_occurrence_pairs_expand_distinct_pairs_and_add_exact_duplicates():
    occ = query(
        ACCOUNT
    )  # occurrences 0-6: A invoice, A hello, A goodbye, B invoice, B invocie, C hello, C something
    i, j = distinct(occ, "send me the invocie", "send me the invoice")
    found = {
        "i": np.array([i]),
        "j": np.array([j]),
        "cosine": np.array([0.5]),
        "edits": np.array([2]),
        "edit_similarity": np.array([0.9]),
        "score": np.array([0.9]),
    }
    pairs = {}
    for scope in ("across", "within", "all"):
        a, b, scores = nd._occurrence_pairs(occ, found, scope)
        pairs[scope] = {(x, y): s for x, y, s in zip(a.tolist(), b.tolist(), scores["score"].tolist())}
    # invocie (B, 4) with each invoice (A 0, B 3); the exact duplicates invoice (0, 3) and hello (1, 5)
    assert pairs["across"] == {(0, 4): 0.9, (0, 3): 1.0, (1, 5): 1.0}
    assert pairs["within"] == {(3, 4): 0.9}
    assert pairs["all"] == {**pairs["across"], **pairs["within"]}


def test_result_size_guard_counts_rows_before_building_them_and_says_how_to_narrow():
    occ = query(ACCOUNT)
    i, j = distinct(occ, "send me the invocie", "send me the invoice")
    found = {"i": np.array([i]), "j": np.array([j])}
    assert nd._result_rows(occ, found["i"], found["j"], "all") == 4  # as expanded above
    assert nd._result_rows(occ, found["i"], found["j"], "across") == 3
    nd._check_result_rows(occ, found, scope="across", max_pairs=3)
    with pytest.raises(trackerkit.ResultTooLargeError) as info:
        nd._check_result_rows(occ, found, scope="across", max_pairs=2)
    narrowed = nd._narrowed(info.value, threshold=0.8, k=None, scope="all")
    assert (narrowed.count, narrowed.limit) == (3, 2)
    assert str(narrowed) == (
        "similar_phrases would return 3 pairs, over max_pairs=2; narrow it: raise threshold (now 0.8), "
        "set k (each phrase's best partners only), select fewer trackers (select=), use scope='across' "
        "or 'within', or raise max_pairs if the memory is there"
    )
    assert "set k" not in str(nd._narrowed(info.value, threshold=0.8, k=3, scope="across"))
