"""The replay (issue 14, item 4): literal matches with Symbl's semantics and offsets into the
original text, language gating, matches by meaning through the scorer seam, agreement with the
stored sample results, the match preview, determinism, and bad input."""

from __future__ import annotations

import json
import pickle
import re
import unicodedata
from functools import cache
from importlib import resources

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import trackerkit
from trackerkit._folding import find_phrase, fold, fold_with_offsets
from trackerkit.analysis._replay import Replayer, compare_hits, languages_match, replay, would_trigger
from trackerkit.analysis._scoring import Scorer, TfidfScorer, char_wb_transform
from trackerkit.constants import DEFAULT_MEANING_THRESHOLD, HIT_COLUMNS, TRIGGER_COLUMNS
from trackerkit.conversation import Message
from trackerkit.conversation_frames import messages_frame
from trackerkit.conversation_loading import load_conversations, load_tracker_results
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase


@cache
def sample():
    return trackerkit.load_trackers("sample"), load_conversations("sample")


@cache
def sample_hits(by_meaning: bool = True) -> pd.DataFrame:
    trackers, messages = sample()
    return replay(trackers, messages, by_meaning=by_meaning)


@cache
def facts() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    data = resources.files("trackerkit.data").joinpath("sample_conversation_facts.json").read_text("utf-8")
    for fact in json.loads(data):
        out.setdefault(fact["kind"], []).append(fact)
    return out


def one(vocabulary, languages=None, name="T", tracker_id="1"):
    tracker = {"id": tracker_id, "name": name, "vocabulary": vocabulary}
    if languages is not None:
        tracker["languages"] = languages
    return tracker


def literal(trackers, *texts, languages=None):
    records = [
        Message("c", str(k), text, language=None if languages is None else languages[k])
        for k, text in enumerate(texts)
    ]
    return replay(trackers, messages_frame(records), by_meaning=False)


def spans(hits: pd.DataFrame) -> list[tuple[str, int, str]]:
    return list(zip(hits["value"], hits["offset"], hits["matched_text"]))


# --------------------------------------------------------------------------- literal semantics


def test_literal_matches_are_case_insensitive_on_word_boundaries():
    trackers = [one(["cancel", "Can I get a discount?", "how much is it", "re-open", "snake_case"])]
    hits = literal(
        trackers,
        "We want to CANCEL. No cancellation fee? Cancel!",
        "so... can I get a DISCOUNT!!",
        "How  much\tis\n it? how much is it",
        "please re-open it, not reopen",
        "a snake_case_name and snake_case.",
    )
    assert spans(hits) == [
        ("cancel", 11, "CANCEL"),  # the first occurrence only; "cancellation" is another word
        ("Can I get a discount?", 6, "can I get a DISCOUNT"),  # the phrase's end punctuation is stripped
        ("how much is it", 0, "How  much\tis\n it"),  # whitespace runs are one space
        ("re-open", 7, "re-open"),  # inner punctuation is part of the phrase
        ("snake_case", 22, "snake_case"),  # "_" is a word character: no match inside snake_case_name
    ]
    assert hits["message_id"].tolist() == ["0", "1", "2", "3", "4"]
    assert (hits["match"] == "literal").all() and (hits["score"] == 1.0).all()


def test_each_phrase_as_written_is_one_hit_and_a_duplicate_once():
    trackers = [one(["the price", "The price!", "the price", "price"])]
    hits = literal(trackers, "What is the price?")
    assert spans(hits) == [
        ("the price", 8, "the price"),
        ("The price!", 8, "the price"),
        ("price", 12, "price"),
    ]
    assert hits["offset"].tolist() == sorted(hits["offset"])


@pytest.mark.parametrize(
    ("phrase", "text", "matched"),
    [
        ("file", "Open the ﬁle now", "ﬁle"),  # NFKC: one character becomes two
        ("strasse", "Die Straße ist lang", "Straße"),  # case-folding: ß -> ss
        ("Straße", "DIE STRASSE", "STRASSE"),
        ("İstanbul", "Welcome to İSTANBUL today", "İSTANBUL"),  # İ folds to i + combining dot
        ("café", "un cafe\u0301 noir", "cafe\u0301"),  # a combining accent composes
        ("café au lait", "UN CAFÉ\u00a0AU\u2003LAIT", "CAFÉ\u00a0AU\u2003LAIT"),  # no-break and em spaces
        ("price", "ＰＲＩＣＥ？", "ＰＲＩＣＥ"),  # full-width letters
        ("refund", "😀😀 refund please", "refund"),  # astral characters count one each
        ("½ off", "get ½ off today", "½ off"),  # ½ -> 1⁄2 inside a word-boundary check
        ("ﬁne print", "read the FINE print", "FINE print"),
    ],
)
def test_offsets_point_into_the_original_text_whatever_normalization_did(phrase, text, matched):
    hits = literal([one([phrase])], text)
    assert len(hits) == 1, (phrase, text)
    offset, found = int(hits["offset"].iloc[0]), hits["matched_text"].iloc[0]
    assert found == matched
    assert text[offset : offset + len(found)] == found


def test_accents_matter_and_half_words_never_match():
    assert literal([one(["cafe"])], "un café").empty
    assert literal([one(["cafe"])], "un cafe\u0301").empty  # a combining mark continues the word
    assert literal([one(["कम"])], "कमल").empty  # Devanagari: a longer word
    assert literal([one(["ab"])], "ab\u0301").empty


@pytest.mark.filterwarnings("ignore::trackerkit.conversation.ConversationDataWarning")
def test_right_to_left_text_and_control_characters():
    hebrew = "שָׁלוֹם, רציתי לבטל את המנוי"
    hits = literal([one(["לבטל את המנוי"])], hebrew)
    assert hebrew[int(hits["offset"].iloc[0]) :].startswith(hits["matched_text"].iloc[0]) and len(hits) == 1
    arabic = "أريد \ufefb ﻟﻐﺎء الاشتراك"  # presentation forms: NFKC changes lengths
    hits = literal([one(["لغاء الاشتراك"])], arabic)
    offset, found = int(hits["offset"].iloc[0]), hits["matched_text"].iloc[0]
    assert arabic[offset : offset + len(found)] == found == "ﻟﻐﺎء الاشتراك"
    # a control character is no space, but it separates words
    assert spans(literal([one(["much", "how much"])], "how\x00much")) == [("much", 4, "much")]


def test_a_100k_character_message_is_matched_to_its_end():
    text = "blah " * 20_000 + "I want a REFUND."
    hits = literal([one(["want a refund"])], text)
    assert spans(hits) == [("want a refund", 100_002, "want a REFUND")]


def test_empty_texts_match_nothing_and_keep_no_row():
    with pytest.warns(trackerkit.conversation.ConversationDataWarning):
        messages = load_conversations([{"conversation_id": "c", "message_id": "1", "text": ""}])
    assert replay([one(["anything at all"])], messages).empty


@pytest.mark.filterwarnings("ignore::trackerkit.conversation.ConversationDataWarning")
@settings(max_examples=150, deadline=None)
@given(
    before=st.text(max_size=12),
    after=st.text(max_size=12),
    phrase=st.sampled_from(["refund", "straße", "ﬁle", "İstanbul", "كلمة", "שלום", "café"]),
)
def test_a_phrase_said_between_any_unicode_is_found_with_a_true_offset(before, after, phrase):
    text = f"{before} {phrase.upper() if phrase.isascii() else phrase} {after}"
    expected = find_phrase(text, normalize_phrase(phrase))
    hits = literal([one([phrase])], text)
    assert [(int(o), int(o) + len(m)) for o, m in zip(hits["offset"], hits["matched_text"])] == expected[:1]
    for offset, found in zip(hits["offset"], hits["matched_text"]):
        assert text[offset : offset + len(found)] == found
        assert normalize_phrase(phrase) in fold(found)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_folding_agrees_with_normalize_phrase_and_maps_back(text):
    folded = fold_with_offsets(text)
    assert folded.text == fold(text)
    assert normalize_phrase(text) == re.sub(r"^[\W_]+|[\W_]+$", "", folded.text)
    if folded.starts is not None:
        assert folded.starts == sorted(folded.starts) and folded.ends == sorted(folded.ends)
        assert all(0 <= s < e <= len(text) for s, e in zip(folded.starts, folded.ends))


# --------------------------------------------------------------------------- languages


def test_trackers_fire_only_in_their_languages_when_both_are_known():
    trackers = [one(["hola"], languages=["es-ES"]), one(["hola"], name="Any", tracker_id="2")]
    hits = literal(trackers, "hola", "hola", "hola", "hola", languages=["es-ES", "en-US", None, "es"])
    assert list(zip(hits["message_id"], hits["tracker_name"])) == [
        ("0", "T"),
        ("0", "Any"),
        ("1", "Any"),  # an en-US call: the es-ES tracker stays silent
        ("2", "T"),  # unknown language: no gate
        ("2", "Any"),
        ("3", "T"),  # "es" is Spanish whatever the region
        ("3", "Any"),
    ]
    assert languages_match("EN_us", ["en-US"]) and not languages_match("en-GB", ["en-US"])


def test_language_gated_fact_the_spanish_phrase_in_an_english_call_fires_nothing():
    fact = facts()["language_gated"][0]
    hits = sample_hits()
    assert fact["phrases"][0] in fact["text"]
    gated = hits[(hits["message_id"] == fact["message_id"]) & (hits["tracker_name"] == fact["trackers"][0])]
    assert gated.empty


def test_spanish_calls_fire_only_the_spanish_tracker():
    fact = facts()["spanish_conversations"][0]
    hits = sample_hits()
    in_spanish = hits[hits["conversation_id"].isin(fact["conversations"])]
    assert set(in_spanish["tracker_name"]) == set(fact["trackers"])
    literal_calls = set(in_spanish.loc[in_spanish["match"] == "literal", "conversation_id"])
    assert literal_calls == set(fact["firing_literally"])
    spanish_tracker = hits[hits["tracker_name"].isin(fact["trackers"])]
    assert set(spanish_tracker["conversation_id"]) <= set(fact["conversations"])


# --------------------------------------------------------------------------- planted facts


def test_voice_message_never_fires():
    fact = facts()["never_fires"][0]
    assert not sample_hits()["tracker_name"].isin(fact["trackers"]).any()


@pytest.mark.parametrize(
    "tracker", ["Pricing Inquiry", "Customer Frustration", "Decision Maker", "Cancellation Intent"]
)
def test_dead_phrases_are_dead_in_the_replay_and_live_ones_live(tracker):
    (fact,) = [f for f in facts()["dead_phrases"] if f["trackers"] == [tracker]]
    hits = sample_hits(by_meaning=False)
    matched = set(hits.loc[hits["tracker_name"] == tracker, "value"])
    assert matched.isdisjoint(fact["phrases"])
    assert matched == set(fact["live_phrases"])


def test_typo_phrases_never_match_literally_but_some_by_meaning():
    fact = facts()["typo_phrase_said_correctly"][0]
    hits = sample_hits()
    typo = hits[hits["value"].isin(fact["phrases"])]
    assert (typo["match"] == "meaning").all()
    found = set(zip(typo["message_id"], typo["tracker_name"]))
    planted = {(h["message_id"], h["tracker"]) for h in fact["hits"]}
    assert found <= planted
    # character n-grams see a misspelt phrase in its correct spelling (not every one)
    assert {t for _, t in found} >= {"Cancellation Intent", "Login Problem", "Refund Request"}


def test_the_literal_half_of_a_literal_and_meaning_message_is_found():
    fact = facts()["literal_and_meaning_same_message"][0]
    hits = sample_hits()
    mine = hits[(hits["message_id"] == fact["message_id"]) & (hits["tracker_name"] == fact["trackers"][0])]
    assert mine[["value", "match", "offset"]].values.tolist() == [[fact["literal_value"], "literal", 0]]


# --------------------------------------------------------------------------- by meaning


def test_matches_by_meaning_are_reported_only_without_a_literal_match():
    account = [one(["cancel my subscription", "close my account"], name="Cancel")]
    messages = ["I would like to cancel the subscription", "please cancel my subscription", "good morning"]
    hits = replay(
        account, messages_frame([Message("c", str(k), t) for k, t in enumerate(messages)]), threshold=0.5
    )
    assert hits[["message_id", "match", "value", "offset", "matched_text"]].values.tolist() == [
        ["0", "meaning", "cancel my subscription", -1, ""],
        ["1", "literal", "cancel my subscription", 7, "cancel my subscription"],
    ]
    assert 0.5 <= hits["score"].iloc[0] < 1.0
    assert replay(account, messages_frame([Message("c", "0", messages[0])]), threshold=0.95).empty


def test_the_scorer_is_a_seam():
    class Magic:
        """Similar when the text says "magic" (and the phrase is the first one)."""

        def fit(self, phrases, groups):
            self.n = len(phrases)
            return self

        def score(self, texts):
            out = np.zeros((len(texts), self.n))
            out[:, 0] = ["magic" in t for t in texts]
            return out

    assert isinstance(Magic(), Scorer) and isinstance(TfidfScorer(), Scorer)
    account = [one(["alpha", "beta"], name="A"), one(["gamma"], name="B", tracker_id="2")]
    hits = replay(
        account, [{"conversation_id": "c", "message_id": "1", "text": "some magic"}], scorer=Magic()
    )
    assert hits[["tracker_name", "value", "score"]].values.tolist() == [["A", "alpha", 1.0]]

    class Broken(Magic):
        def score(self, texts):
            return np.full((len(texts), self.n), 2.0)

    with pytest.raises(InvalidParameterError, match=r"\[0, 1\]"):
        replay(account, [{"conversation_id": "c", "message_id": "1", "text": "x"}], scorer=Broken())
    with pytest.raises(InvalidParameterError, match="scorer must have"):
        Replayer(account, scorer=object())


def test_tfidf_scorer_uses_the_vectors_of_similarity_matrix():
    import scipy.sparse as sp

    from trackerkit.analysis._similarity import TrackerVectors
    from trackerkit.analysis._vectorize import char_wb_counts

    trackers, _ = sample()
    phrases = [p for vocabulary in trackers["vocabulary"] for p in vocabulary]
    groups = [t for t, vocabulary in enumerate(trackers["vocabulary"]) for _ in vocabulary]
    scorer = TfidfScorer().fit(phrases, groups)
    reference = TrackerVectors(trackers, "char_wb", None, {})
    norms = [normalize_phrase(p) for p in phrases]
    distinct = list(dict.fromkeys(n for n in norms if n))
    counts, vocabulary = char_wb_counts(distinct, 3, 5)
    incidence = sp.csr_matrix(
        (np.ones(len(norms)), (groups, [distinct.index(n) for n in norms])),
        shape=(len(trackers), len(distinct)),
    )
    mine = scorer._transformer.transform(incidence @ counts)
    # the same vectors up to the order of the n-gram columns (similarity_matrix numbers its terms
    # in sorted order): every tracker-to-tracker cosine is equal
    assert mine.shape == reference.matrix.shape
    assert np.allclose((mine @ mine.T).toarray(), (reference.matrix @ reference.matrix.T).toarray())
    assert np.allclose(np.sort(mine.data), np.sort(reference.matrix.data))
    transformed, rows, tf = char_wb_transform(distinct, vocabulary, 3, 5)
    assert (transformed != counts).nnz == 0 and len(rows) == len(tf) == 0
    # a phrase scores 1.0 against itself, and the scores are cosines in [0, 1]
    scores = scorer.score(phrases[:40])
    assert np.allclose(np.diag(scores[:, :40]), 1.0) and scores.min() >= 0 and scores.max() <= 1 + 1e-12


def test_default_threshold_is_the_calibrated_one():
    assert DEFAULT_MEANING_THRESHOLD == 0.65
    trackers, messages = sample()
    symbl = load_tracker_results("sample")
    scores = replay(trackers, messages, threshold=0.05)
    f1 = {}
    for threshold in np.round(np.arange(0.05, 1.0, 0.05), 2):
        kept = scores[(scores["match"] == "literal") | (scores["score"] >= threshold)]
        f1[float(threshold)] = compare_hits(symbl, kept).summary.loc["meaning", "f1"]
    assert max(f1, key=f1.get) == DEFAULT_MEANING_THRESHOLD


@pytest.mark.parametrize(
    ("name", "value"), [("threshold", 0), ("threshold", 1.5), ("threshold", "high"), ("by_meaning", 1)]
)
def test_bad_parameters_are_refused(name, value):
    with pytest.raises(InvalidParameterError, match=name):
        replay([one(["x y"])], [{"conversation_id": "c", "message_id": "1", "text": "x"}], **{name: value})


# --------------------------------------------------------------------------- compare_hits


def test_the_literal_replay_agrees_with_the_stored_sample_results():
    symbl = load_tracker_results("sample")
    comparison = compare_hits(symbl, sample_hits(by_meaning=False))
    literal_row = comparison.summary.loc["literal"]
    assert (literal_row["both"], literal_row["symbl_only"], literal_row["replay_only"]) == (699, 0, 0)
    assert literal_row["f1"] == 1.0
    meaning = comparison.summary.loc["meaning"]
    assert (meaning["both"], meaning["symbl_only"], meaning["replay_only"]) == (0, 109, 0)
    table = comparison.table
    assert (table.loc[table["match"] == "meaning", "status"] == "symbl only").all()
    assert "HitComparison(literal: 699 both" in repr(comparison)


def test_compare_hits_keeps_literal_and_meaning_apart():
    fact = facts()["literal_and_meaning_same_message"][0]
    symbl = load_tracker_results("sample")
    comparison = compare_hits(symbl, sample_hits(by_meaning=False), conversations=[fact["conversation_id"]])
    rows = comparison.table[comparison.table["message_id"] == fact["message_id"]]
    assert rows[["match", "status", "symbl_values", "replay_values"]].values.tolist() == [
        ["literal", "both", [fact["literal_value"]], [fact["literal_value"]]],
        ["meaning", "symbl only", [fact["meaning_value"]], []],
    ]
    assert set(comparison.table["conversation_id"]) == {fact["conversation_id"]}


def test_compare_hits_counts_each_status():
    base = {"conversation_id": "c", "tracker_name": "T", "value": "v", "score": 1.0, "text": "t"}
    symbl = pd.DataFrame(
        [
            {**base, "message_id": "1", "tracker_id": "1", "match": "literal"},
            {**base, "message_id": "2", "tracker_id": "1", "match": "meaning"},
        ]
    )
    mine = pd.DataFrame(
        [
            {**base, "message_id": "1", "tracker_id": "1", "match": "literal"},
            {**base, "message_id": "3", "tracker_id": "1", "match": "literal"},
        ]
    )
    summary = compare_hits(symbl, mine).summary
    assert summary.loc["literal", ["both", "symbl_only", "replay_only"]].tolist() == [1, 0, 1]
    assert summary.loc["literal", "precision"] == 0.5 and summary.loc["literal", "recall"] == 1.0
    assert summary.loc["meaning", ["both", "symbl_only", "replay_only"]].tolist() == [0, 1, 0]
    assert summary.loc["any", ["both", "symbl_only", "replay_only"]].tolist() == [1, 1, 1]
    with pytest.raises(TrackerDataError, match="missing column"):
        compare_hits(symbl.drop(columns="match"), mine)
    with pytest.raises(TrackerDataError, match="field 'match'"):
        compare_hits(symbl.assign(match="fuzzy"), mine)


def test_compare_hits_keys_a_hit_without_tracker_id_by_its_name_and_keeps_missing_values_missing():
    base = {"conversation_id": "c", "message_id": "1", "tracker_id": None, "value": "v", "match": "literal"}
    symbl = pd.DataFrame([{**base, "tracker_name": "A", "text": None}, {**base, "tracker_name": "B"}])
    mine = pd.DataFrame([{**base, "tracker_name": "A", "score": 1.0}])
    table = compare_hits(symbl, mine).table
    assert table[["tracker_name", "status"]].values.tolist() == [["A", "both"], ["B", "symbl only"]]
    # missing, not the string "None" (what pandas 2's astype("str") would write)
    assert table["tracker_id"].isna().all() and table["text"].isna().all()


# --------------------------------------------------------------------------- would_trigger


def test_would_trigger_answers_with_the_replay_semantics():
    trackers, _ = sample()
    assert would_trigger(trackers, "asdf").empty
    assert tuple(would_trigger(trackers, "asdf").columns) == TRIGGER_COLUMNS
    preview = Replayer(trackers)
    text = "Hi, thanks for joining. How much does it cost?"
    found = preview.would_trigger(text)
    literal_rows = found[found["match"] == "literal"]
    assert {"Greeting", "Pricing Inquiry"} <= set(literal_rows["tracker_name"])
    for offset, matched in zip(literal_rows["offset"], literal_rows["matched_text"]):
        assert text[offset : offset + len(matched)] == matched
    assert found["score"].tolist() == sorted(found["score"], reverse=True)
    assert found["score"].between(0, 1).all()
    meaning = preview.would_trigger("My password isn't working anymore.")
    assert meaning[["tracker_name", "match", "offset"]].values.tolist()[0] == ["Login Problem", "meaning", -1]
    assert preview.would_trigger("quiero darme de baja", language="en-US").empty
    assert "Cancelación de Servicio" in set(
        preview.would_trigger("quiero darme de baja", language="es-ES")["tracker_name"]
    )
    with pytest.raises(InvalidParameterError, match="text must be a string"):
        preview.would_trigger(["a list"])


# --------------------------------------------------------------------------- determinism and shape


def test_hits_are_sorted_by_message_tracker_and_offset_and_reproducible():
    trackers, messages = sample()
    hits = sample_hits()
    assert tuple(hits.columns) == HIT_COLUMNS
    position = {m: k for k, m in enumerate(messages["message_id"])}
    account = {t: k for k, t in enumerate(trackers["tracker_id"])}
    key = list(zip(hits["message_id"].map(position), hits["tracker_id"].map(account), hits["offset"]))
    assert key == sorted(key)
    again = replay(trackers, messages.copy())
    pd.testing.assert_frame_equal(hits, again)
    restored = pickle.loads(pickle.dumps(Replayer(trackers)))
    pd.testing.assert_frame_equal(hits, restored.replay(messages))
    for text, offset, matched in zip(hits["text"], hits["offset"], hits["matched_text"]):
        assert offset == -1 or text[offset : offset + len(matched)] == matched


def test_replay_accepts_what_load_conversations_accepts(tmp_path):
    trackers, messages = sample()
    path = tmp_path / "sample.parquet"
    messages.to_parquet(path)
    pd.testing.assert_frame_equal(replay(trackers, path, by_meaning=False), sample_hits(by_meaning=False))
    pd.testing.assert_frame_equal(replay(trackers, "sample", by_meaning=False), sample_hits(by_meaning=False))
    partial = messages[["conversation_id", "message_id", "text"]]
    hits = replay(trackers, partial, by_meaning=False)
    assert hits["speaker_name"].isna().all() and len(hits) > 0  # no language: no gate, so more hits
    assert len(hits) >= len(sample_hits(by_meaning=False))


def test_an_account_without_phrases_replays_to_an_empty_frame():
    hits = replay([one([""]), one(["!!!"], tracker_id="2", name="B")], "sample")
    assert hits.empty and tuple(hits.columns) == HIT_COLUMNS


@pytest.mark.filterwarnings("ignore::trackerkit.conversation.ConversationDataWarning")
def test_normalization_of_the_whole_corpus_matches_message_by_message():
    texts = ["Plain text", " leading", "trailing ", "two  spaces", "tab\there", "Ünïcödé ß", "", "ﬁ", "ok"]
    trackers = [
        one(["plain text", "leading", "trailing", "two spaces", "tab here", "ünïcödé ss", "fi", "ok"])
    ]
    together = literal(trackers, *texts)
    apart = pd.concat(
        [literal(trackers, t).assign(message_id=str(k)) for k, t in enumerate(texts)], ignore_index=True
    )
    pd.testing.assert_frame_equal(together, apart)
    assert len(together) == 8
    assert unicodedata.is_normalized("NFC", together["matched_text"].iloc[5])
