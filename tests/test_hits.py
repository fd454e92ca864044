"""Hit analytics (issue 15): every planted fact of the sample conversations' data card that an
analysis can find is found, with its exact value; then the behaviours on small inputs."""

from __future__ import annotations

import json
from collections import Counter
from importlib import resources

import pandas as pd
import pytest

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
    rate_change,
    silent_trackers,
    suggest_phrases,
)
from trackerkit.errors import InvalidParameterError, TrackerDataError


def _facts() -> dict[str, list[dict]]:
    text = resources.files("trackerkit.data").joinpath("sample_conversation_facts.json").read_text("utf-8")
    out: dict[str, list[dict]] = {}
    for fact in json.loads(text):
        out.setdefault(fact["kind"], []).append(fact)
    return out


FACTS = _facts()


def fact(kind: str) -> dict:
    (only,) = FACTS[kind]
    return only


@pytest.fixture(scope="module")
def hits():
    return trackerkit.load_tracker_results("sample")


@pytest.fixture(scope="module")
def messages():
    return trackerkit.load_conversations("sample")


@pytest.fixture(scope="module")
def calls():
    """One row per sample conversation with its metadata (team, tier, channel, language)."""
    text = resources.files("trackerkit.data").joinpath("sample_conversations.json").read_text("utf-8")
    rows = [{"conversation_id": c["id"], **c["metadata"]} for c in json.loads(text)["conversations"]]
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def rates(hits, messages):
    return hit_rates(hits, messages, "sample").table.set_index("tracker")


@pytest.fixture(scope="module")
def phrases(hits, messages):
    return phrase_hits(hits, "sample", messages)


def role(email: str) -> str:
    return "agent" if email.endswith("@acmecloud.example") else "customer"


# --------------------------------------------------------------------------- planted facts


def test_totals(hits, messages, rates, calls):
    totals = fact("totals")
    result = hit_rates(hits, messages, "sample")
    assert result.n_conversations == totals["conversations"]
    assert result.n_messages == totals["messages"]
    assert result.n_conversations_hit == totals["conversations_with_hits"]
    assert int(rates["literal_hits"].sum()) == totals["literal_hits"]
    assert int(rates["meaning_hits"].sum()) == totals["meaning_hits"]
    assert int((rates["hits"] > 0).sum()) == totals["trackers_firing"]
    assert len(rates) == 48
    by_team = hits_by_attribute(hits, calls, "team", "sample")
    per_team = by_team.drop_duplicates("value").set_index("value")["conversations"].to_dict()
    assert per_team == totals["conversations_by_team"]
    spanish = rates.loc["Cancelación de Servicio"]
    assert spanish["conversations_in_scope"] == totals["spanish_conversations"]
    assert spanish["languages"] == "es-ES"


def test_never_fires(hits, rates):
    planted = fact("never_fires")
    quiet = silent_trackers(hits, "sample")
    assert quiet["tracker"].tolist() == planted["trackers"] + planted["also_without_hits"]
    assert quiet.set_index("tracker").loc["Voice Message", "n_phrases"] == 26
    for name in planted["trackers"]:
        assert rates.loc[name, "hits"] == planted["hits"] == 0
        assert rates.loc[name, "conversations_hit"] == planted["conversations"]


@pytest.mark.parametrize("planted", FACTS["dead_phrases"], ids=lambda f: f["trackers"][0])
def test_dead_phrases(phrases, planted):
    (name,) = planted["trackers"]
    mine = phrases.table[phrases.table["tracker"] == name]
    assert sorted(mine.loc[mine["dead"], "phrase"]) == sorted(planted["phrases"])
    assert sorted(mine.loc[~mine["dead"], "phrase"]) == sorted(planted["live_phrases"])
    summary = phrases.summary.set_index("tracker").loc[name]
    assert (summary["n_phrases"], summary["n_dead"]) == (planted["n_phrases"], planted["n_dead"])
    assert (mine.loc[~mine["dead"], "literal_hits"] > 0).all()
    assert phrases.n_conversations == 120


def test_phrase_usage_of_every_tracker(phrases):
    planted = fact("phrase_usage")
    summary = phrases.summary.set_index("tracker")
    assert summary["n_phrases"].to_dict() == planted["phrases_per_tracker"]
    assert summary["n_live"].to_dict() == planted["live_phrases_per_tracker"]
    assert (phrases.table["position"] >= 0).all()  # every hit's phrase is in the vocabulary
    assert int(summary["n_live"].sum()) == 303 and int(summary["n_phrases"].sum()) == 786


def test_meaning_only_tracker(rates, phrases):
    planted = fact("meaning_only_tracker")
    row = rates.loc["Decision Maker"]
    assert row["conversations_hit"] == len(planted["conversations"]) == 18
    assert row["literal_hits"] == planted["literal_hits"]
    assert row["meaning_hits"] == planted["meaning_hits"]
    assert row["conversations_meaning_only"] == len(planted["conversations"])
    mine = phrases.table[phrases.table["tracker"] == "Decision Maker"]
    assert sorted(mine.loc[mine["meaning_hits"] > 0, "phrase"]) == sorted(planted["phrases"])


def test_meaning_only_in_some_conversations(rates):
    planted = fact("meaning_only_in_some_conversations")
    row = rates.loc["Budget Concerns"]
    assert row["conversations_literal"] == len(planted["conversations_literal"]) == 9
    assert row["conversations_meaning_only"] == len(planted["conversations_meaning_only"]) == 2
    assert row["conversations_in_scope"] == 112  # en-US only: the 8 Spanish calls are out of scope
    assert row["rate"] == pytest.approx(11 / 112)


def test_every_match_by_meaning_is_counted_under_its_phrase(phrases):
    """The paraphrases, typos, borderline and same-message matches are all of the 109."""
    expected = Counter()
    for kind in ("paraphrase_by_meaning", "typo_phrase_said_correctly", "borderline_by_meaning"):
        expected.update((h["tracker"], h["value"]) for h in fact(kind)["hits"])
    same = fact("literal_and_meaning_same_message")
    expected[("Pricing Inquiry", same["meaning_value"])] += 1
    assert sum(expected.values()) == 109
    table = phrases.table[phrases.table["meaning_hits"] > 0]
    found = {(t, p): int(n) for t, p, n in zip(table["tracker"], table["phrase"], table["meaning_hits"])}
    assert found == dict(expected)


def test_typo_phrases_are_dead_but_matched_by_meaning(phrases):
    planted = fact("typo_phrase_said_correctly")
    table = phrases.table.set_index("phrase")
    for phrase in planted["phrases"]:
        assert bool(table.loc[phrase, "dead"]) and table.loc[phrase, "meaning_hits"] > 0


def test_co_occurring(hits, messages):
    planted = fact("co_occurring")
    result = co_occurrence(hits, messages, "sample", min_support=3)
    first, second = planted["trackers"]
    pair = result.pair(first, second)
    assert result.n_conversations == planted["conversations"]
    assert (pair["with_a"], pair["with_b"], pair["both"]) == (
        planted["with_first"],
        planted["with_second"],
        planted["with_both"],
    )
    assert pair["expected"] == pytest.approx(planted["expected_both_if_independent"])
    assert pair["lift"] == pytest.approx(planted["lift"], abs=0.005)
    assert pair["jaccard"] == pytest.approx(15 / 22)
    listed = result.pairs.set_index(["tracker_a", "tracker_b"])
    assert listed.loc[(second, first), "both"] == 15  # listed in account order
    # the two trackers that fire most often meet often, with a lift near 1: not a finding
    common = result.counts.to_numpy().diagonal().argsort()[::-1][:2]
    a, b = (result.counts.index[i] for i in common)
    assert result.pair(a, b)["lift"] < 1.5 < pair["lift"]
    # ranked by lift, then support: a total order
    lifts = result.pairs["lift"].to_numpy()
    assert (lifts[:-1] >= lifts[1:]).all()
    assert (result.pairs["both"] >= 3).all()


def _weekly(trend, name):
    mine = trend.table[trend.table["tracker"] == name]
    return [
        {"week_start": str(p.date()), "conversations": int(n), "with_tracker": int(k)}
        for p, n, k in zip(mine["period_start"], mine["conversations"], mine["conversations_hit"])
    ]


def test_rising_after_date(hits, messages):
    planted = fact("rising_after_date")
    trend = hits_by_period(hits, messages, "sample", period="week")
    assert _weekly(trend, "Competitor Mention") == planted["weekly"]
    table = rate_change(hits, messages, planted["date"], "sample")
    top = table.iloc[0]
    assert top["tracker"] == "Competitor Mention"
    before, after = planted["before"], planted["after"]
    assert (top["conversations_before"], top["hit_before"]) == (
        before["conversations"],
        before["with_tracker"],
    )
    assert (top["conversations_after"], top["hit_after"]) == (after["conversations"], after["with_tracker"])
    assert top["rate_before"] == pytest.approx(before["rate"], abs=5e-5)
    assert top["rate_after"] == pytest.approx(after["rate"], abs=5e-5)
    assert top["p_value"] < 0.01
    rising = trend.trend.set_index("tracker").loc["Competitor Mention"]
    assert rising["slope"] > 0 and rising["last_rate"] > rising["first_rate"]


def test_spike_in_week(hits, messages):
    planted = fact("spike_in_week")
    trend = hits_by_period(hits, messages, "sample")
    weekly = _weekly(trend, "Outage / Downtime")
    assert weekly == planted["weekly"]
    (spike,) = [w for w in weekly if w["week_start"] == planted["week_start"]]
    assert (spike["conversations"], spike["with_tracker"]) == (
        planted["in_week"]["conversations"],
        planted["in_week"]["with_tracker"],
    )
    others = [w for w in weekly if w["week_start"] != planted["week_start"]]
    assert sum(w["with_tracker"] for w in others) == planted["other_weeks"]["with_tracker"]
    assert sum(w["conversations"] for w in others) == planted["other_weeks"]["conversations"]


@pytest.mark.parametrize("kind", ["agent_only", "customer_only"])
def test_agent_only_and_customer_only(hits, messages, kind):
    planted = fact(kind)
    table = hits_by_speaker(hits, messages, "sample", by="speaker_email", roles=role)
    counts = table.set_index(["tracker", "group"])["hits"]
    for name, sides in planted["hits_by_side"].items():
        assert counts[name].to_dict() == sides
    assert set(table["group"]) == {"agent", "customer"}
    assert (table.groupby("tracker")["group"].size() == 2).all()  # zeros are rows too
    greeting = table[(table["tracker"] == "Greeting") & (table["group"] == "agent")].iloc[0]
    assert greeting["share"] == 1.0 and greeting["messages"] > 0


def test_roles_as_a_mapping(hits):
    emails = hits["speaker_email"].dropna().unique()
    roles = {e: role(e) for e in emails if role(e) == "agent"}  # customers left out: "(missing)"
    table = hits_by_speaker(hits, by="speaker_email", roles=roles)
    counts = table.set_index(["tracker", "group"])["hits"]
    assert counts[("Greeting", "agent")] == 112 and counts[("Customer Frustration", "(missing)")] == 26


def test_uncaught_conversations(hits, messages):
    planted = fact("uncaught_conversations")
    result = coverage(hits, messages, "sample", by="speaker_email", k=2, max_messages=200)
    assert sorted(result.conversations["conversation_id"]) == sorted(planted["conversations"])
    assert result.conversations["messages"].sum() == len(
        messages[messages["conversation_id"].isin(planted["conversations"])]
    )
    assert result.n_scored == 200 and len(result.nearest) == 400
    assert result.by_speaker["messages"].sum() == 2101
    assert result.by_speaker["uncaught"].sum() == result.n_uncaught_messages


def test_spanish_conversations(hits, rates, calls):
    planted = fact("spanish_conversations")
    row = rates.loc["Cancelación de Servicio"]
    assert row["conversations_hit"] == len(planted["firing"])
    assert row["conversations_literal"] == len(planted["firing_literally"])
    assert row["conversations_meaning_only"] == len(planted["firing_only_by_meaning"])
    by_language = hits_by_attribute(hits, calls, "language", "sample").set_index(["tracker", "value"])
    assert by_language.loc[("Cancelación de Servicio", "en-US"), "conversations_hit"] == 0
    assert by_language.loc[("Cancelación de Servicio", "es-ES"), "conversations"] == len(
        planted["conversations"]
    )
    spanish = by_language.xs("es-ES", level="value")
    assert spanish[spanish["conversations_hit"] > 0].index.tolist() == ["Cancelación de Servicio"]


def test_language_gated_quote_is_not_a_hit(hits, calls):
    planted = fact("language_gated")
    mine = hits[(hits["conversation_id"] == planted["conversation_id"])]
    assert "Cancelación de Servicio" not in set(mine["tracker_name"])
    by_language = hits_by_attribute(hits, calls, "language", "sample").set_index(["tracker", "value"])
    assert (
        by_language.loc[("Cancelación de Servicio", "en-US"), "conversations_hit"] == planted["stored_hits"]
    )


# --------------------------------------------------------------------------- behaviours


ACCOUNT = [
    {"id": "1", "name": "Pricing", "vocabulary": ["how much does it cost", "the price", "price sheet"]},
    {"id": "2", "name": "Greeting", "vocabulary": ["good morning", "hello there"]},
    {"id": "3", "name": "Password", "vocabulary": ["reset my password", "forgot my password"]},
    {"id": "4", "name": "Spanish", "vocabulary": ["cuánto cuesta"], "languages": ["es-ES"]},
]
MESSAGES = [
    {
        "conversation_id": "a",
        "message_id": "1",
        "text": "Hello there, how much does it cost?",
        "language": "en-US",
    },
    {"conversation_id": "a", "message_id": "2", "text": "Could you reset my pasword", "language": "en-US"},
    {"conversation_id": "b", "message_id": "1", "text": "Good morning!", "language": "en-US"},
    {"conversation_id": "b", "message_id": "2", "text": "What is the price?", "language": "en-US"},
    {"conversation_id": "c", "message_id": "1", "text": "nothing to see", "language": "en-US"},
    {"conversation_id": "d", "message_id": "1", "text": "hola, ¿cuánto cuesta?", "language": "es-ES"},
]


@pytest.fixture(scope="module")
def small():
    messages = trackerkit.load_conversations(MESSAGES)
    return trackerkit.replay(ACCOUNT, messages, by_meaning=False), messages


def test_hit_rates_on_a_small_account(small):
    hits, messages = small
    table = hit_rates(hits, messages, ACCOUNT).table.set_index("tracker")
    assert table["conversations_in_scope"].to_dict() == {
        "Pricing": 4,
        "Greeting": 4,
        "Password": 4,
        "Spanish": 1,
    }
    assert table["conversations_hit"].to_dict() == {"Pricing": 2, "Greeting": 2, "Password": 0, "Spanish": 1}
    assert table.loc["Pricing", "rate"] == 0.5 and table.loc["Spanish", "rate"] == 1.0
    assert pd.isna(table.loc["Password", "hits_per_conversation"])
    without = hit_rates(hits, messages).table  # trackers of the hits only, by name
    assert without["tracker"].tolist() == ["Greeting", "Pricing", "Spanish"]


def test_phrase_hits_counts_and_unknown_phrases(small):
    hits, messages = small
    table = phrase_hits(hits, ACCOUNT, messages).table.set_index(["tracker", "phrase"])
    assert table.loc[("Pricing", "the price"), "hits"] == 1
    assert bool(table.loc[("Pricing", "price sheet"), "dead"])
    older = hits.copy()
    older.loc[older["value"] == "the price", "value"] = "The Price!"  # spelt otherwise: same phrase
    older.loc[older["value"] == "good morning", "value"] = "morning all"  # not in the vocabulary
    again = phrase_hits(older, ACCOUNT).table.set_index(["tracker", "phrase"])
    assert again.loc[("Pricing", "the price"), "hits"] == 1
    assert again.loc[("Greeting", "morning all"), "position"] == -1


def test_hits_of_conversations_missing_from_messages_are_refused(small):
    hits, messages = small
    with pytest.raises(TrackerDataError, match="not in messages"):
        hit_rates(hits, messages[messages["conversation_id"] != "a"])


def test_coverage_names_the_nearest_tracker(small):
    hits, messages = small
    result = coverage(hits, messages, ACCOUNT, k=2, min_score=0.2)
    assert result.conversations["conversation_id"].tolist() == ["c"]
    best = result.nearest[(result.nearest["message_id"] == "2") & (result.nearest["rank"] == 1)].iloc[0]
    assert best["tracker"] == "Password" and best["phrase"] == "reset my password"
    assert result.trackers.iloc[0]["tracker"] == "Password"
    assert result.n_uncaught_messages == 2
    assert coverage(hits, messages).nearest.empty  # no trackers: nothing to score against


def test_hits_by_period_fills_empty_periods():
    messages = trackerkit.load_conversations(
        [
            {
                "conversation_id": "a",
                "message_id": "1",
                "text": "the price",
                "start_time": "2026-01-05T10:00:00Z",
            },
            {
                "conversation_id": "b",
                "message_id": "1",
                "text": "hello",
                "start_time": "2026-01-21T10:00:00Z",
            },
        ]
    )
    hits = trackerkit.replay(ACCOUNT, messages, by_meaning=False)
    trend = hits_by_period(hits, messages, ACCOUNT, period="week")
    pricing = trend.table[trend.table["tracker"] == "Pricing"]
    assert [str(p.date()) for p in pricing["period_start"]] == ["2026-01-05", "2026-01-12", "2026-01-19"]
    assert pricing["conversations"].tolist() == [1, 0, 1]
    assert pricing["conversations_hit"].tolist() == [1, 0, 0]
    months = hits_by_period(hits, messages, ACCOUNT, period="month").table
    assert months["period_start"].nunique() == 1


def test_compare_versions_reports_gains_losses_and_examples(small):
    _, messages = small
    edited = [dict(t) for t in ACCOUNT]
    edited[1] = {**edited[1], "vocabulary": ["hello there", "good day"]}  # good morning removed
    edited[2] = {**edited[2], "vocabulary": ["reset my password", "reset my pasword"]}  # typo added
    change = compare_versions(ACCOUNT, edited, messages, examples=2)
    rows = change.trackers.set_index("tracker")
    assert (rows.loc["Greeting", "lost"], rows.loc["Greeting", "gained"]) == (1, 0)
    assert (rows.loc["Password", "gained"], rows.loc["Password", "lost"]) == (1, 0)
    assert rows.loc["Pricing", "status"] == "unchanged" and rows.loc["Password", "status"] == "changed"
    assert rows.loc["Password", "phrases_added"] == 1 and rows.loc["Password", "phrases_removed"] == 1
    phrases = change.phrases.set_index(["tracker", "phrase"])
    assert phrases.loc[("Greeting", "good morning"), "status"] == "removed"
    assert phrases.loc[("Greeting", "good morning"), "change"] == -1
    assert phrases.loc[("Password", "reset my pasword"), "hits_after"] == 1
    examples = change.examples.set_index(["tracker", "side"])
    assert examples.loc[("Greeting", "lost"), "text"] == "Good morning!"
    assert examples.loc[("Password", "gained"), "phrases"] == "reset my pasword"


def test_suggest_phrases_from_matches_by_meaning(hits, messages):
    table = suggest_phrases(hits, messages, "sample", "Decision Maker", min_support=2)
    assert "ultimately it's our cto's decision" in set(table["phrase"])
    assert (table["support"] >= 2).all()
    supports = table["support"].to_numpy()
    assert (supports[:-1] >= supports[1:]).all()
    vocabulary = trackerkit.load_trackers("sample").set_index("name").loc["Decision Maker", "vocabulary"]
    normalized = {trackerkit.normalize_phrase(p) for p in vocabulary}
    assert not set(table["phrase"]) & normalized


@pytest.mark.parametrize(
    ("call", "parameter"),
    [
        (lambda h, m: co_occurrence(h, m, min_support=0), "min_support"),
        (lambda h, m: hits_by_period(h, m, period="year"), "period"),
        (lambda h, m: coverage(h, m, by="nope"), "by"),
        (lambda h, m: hits_by_speaker(h, by="nope"), "by"),
        (lambda h, m: rate_change(h, m, "not a date"), "at"),
        (lambda h, m: hit_rates(h, "messages"), "messages"),
    ],
)
def test_bad_parameters_are_named(small, call, parameter):
    hits, messages = small
    with pytest.raises(InvalidParameterError) as info:
        call(hits, messages)
    assert info.value.parameter == parameter


def test_attribute_breakdown_keeps_missing_values_as_a_group(hits, calls):
    table = hits_by_attribute(hits, calls, "customer_tier", "sample")
    per_value = table.drop_duplicates("value").set_index("value")["conversations"].to_dict()
    assert per_value == {"(missing)": 4, "enterprise": 17, "mid-market": 58, "smb": 41}
    off_topic = table[table["value"] == "(missing)"]
    assert off_topic["conversations_hit"].sum() == 0  # the four off-topic calls fire nothing
    with pytest.raises(InvalidParameterError):
        hits_by_attribute(hits, calls, "no such column")
