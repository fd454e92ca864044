"""The embedded sample conversations, their stored Symbl results and planted facts are consistent.

Data checks only: the files are read with ``json`` (and ``gzip`` for the AMI meetings) through
importlib.resources, never with trackerkit's loaders, and every expected number of
``sample_conversation_facts.json`` that is about the stored results is recomputed here from
``sample_tracker_results.json`` with this module's own few lines of logic.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import re
from collections import Counter, defaultdict
from functools import cache
from importlib import resources

import pytest

DATA = resources.files("trackerkit.data")
ID = re.compile(r"[4-6]\d{15}")
AGENT_DOMAIN = "@acmecloud.example"
EDGE = re.compile(r"^\W+|\W+$")
ROLES = {"Project Manager", "Marketing", "User Interface", "Industrial Designer"}


@cache
def load(name: str):
    return json.loads(DATA.joinpath(name).read_text("utf-8"))


def conversations() -> list[dict]:
    return load("sample_conversations.json")["conversations"]


def results() -> dict[str, list[dict]]:
    return load("sample_tracker_results.json")


def facts() -> list[dict]:
    return load("sample_conversation_facts.json")


def trackers() -> dict[str, dict]:
    return {t["id"]: t for t in load("sample_account.json")["trackers"]}


def time(text: str) -> dt.datetime:
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", text), text
    return dt.datetime.fromisoformat(text[:-1])


@cache
def hits() -> list[dict]:
    """One row per messageRef of the stored results, with the speaker's side."""
    side = {
        m["id"]: "agent" if m["from"]["email"] in c["metadata"]["agents"] else "customer"
        for c in conversations()
        for m in c["messages"]
    }
    return [
        {
            "conversation_id": cid,
            "message_id": ref["id"],
            "tracker": t["name"],
            "value": match["value"],
            "offset": ref["offset"],
            "side": side[ref["id"]],
        }
        for cid, detected in results().items()
        for t in detected
        for match in t["matches"]
        for ref in match["messageRefs"]
    ]


def fired() -> dict[str, set[str]]:
    out = defaultdict(set)
    for h in hits():
        out[h["tracker"]].add(h["conversation_id"])
    return out


def fact(kind: str) -> list[dict]:
    found = [f for f in facts() if f["kind"] == kind]
    assert found, kind
    return found


# -- shapes ------------------------------------------------------------------------------------


def test_conversations_have_symbls_shapes_and_consistent_times():
    convs = conversations()
    assert 100 <= len(convs) <= 150
    assert [c["startTime"] for c in convs] == sorted(c["startTime"] for c in convs)
    ids = [c["id"] for c in convs] + [m["id"] for c in convs for m in c["messages"]]
    assert all(isinstance(i, str) and ID.fullmatch(i) for i in ids)
    assert len(set(ids)) == len(ids)
    assert not set(ids) & set(trackers())
    for c in convs:
        assert set(c) == {"id", "type", "name", "startTime", "endTime", "members", "metadata", "messages"}
        assert c["type"] == "audio" and c["name"]
        start, end = time(c["startTime"]), time(c["endTime"])
        assert dt.date(2026, 6, 1) <= start.date() <= dt.date(2026, 8, 9) and start.weekday() < 5
        meta = c["metadata"]
        assert meta["team"] in {"sales", "support"} and meta["language"] in {"en-US", "es-ES"}
        emails = {m["email"] for m in c["members"]}
        assert set(meta["agents"]) <= emails
        assert all(e.endswith(AGENT_DOMAIN) == (e in meta["agents"]) for e in emails)
        assert 8 <= len(c["messages"]) <= 40
        previous_end = start
        for m in c["messages"]:
            assert set(m) == {
                "id",
                "conversationId",
                "text",
                "from",
                "startTime",
                "endTime",
                "timeOffset",
                "duration",
            }
            assert m["conversationId"] == c["id"] and m["text"].strip() == m["text"] and m["text"]
            assert set(m["from"]) == {"id", "name", "email"} and m["from"]["email"] in emails
            begin, finish = time(m["startTime"]), time(m["endTime"])
            assert begin == start + dt.timedelta(seconds=m["timeOffset"])
            assert finish == begin + dt.timedelta(seconds=m["duration"])
            assert previous_end <= begin < finish <= end
            previous_end = finish


def test_results_have_the_documented_shape_and_point_into_the_conversation():
    convs = {c["id"]: c for c in conversations()}
    assert set(results()) == set(convs)
    account = trackers()
    for cid, detected in results().items():
        messages = {m["id"]: m["text"] for m in convs[cid]["messages"]}
        language = convs[cid]["metadata"]["language"]
        names = [t["name"] for t in detected]
        assert len(set(names)) == len(names)
        for t in detected:
            assert set(t) == {"id", "name", "matches"} and t["matches"]
            assert t["id"] in account and account[t["id"]]["name"] == t["name"]
            assert language in account[t["id"]].get("languages", [language])
            for match in t["matches"]:
                assert set(match) == {"type", "value", "messageRefs", "insightRefs"}
                assert match["type"] == "vocabulary" and match["insightRefs"] == []
                assert match["value"] in account[t["id"]]["vocabulary"]
                for ref in match["messageRefs"]:
                    assert set(ref) == {"id", "text", "offset"}
                    assert messages[ref["id"]] == ref["text"]
                    assert isinstance(ref["offset"], int) and ref["offset"] >= -1


def test_every_literal_offset_points_at_its_phrase_on_word_boundaries():
    n = 0
    for detected in results().values():
        for t in detected:
            for match in t["matches"]:
                phrase = EDGE.sub("", match["value"])
                for ref in match["messageRefs"]:
                    if ref["offset"] < 0:
                        continue
                    text, start = ref["text"], ref["offset"]
                    end = start + len(phrase)
                    assert text[start:end].lower() == phrase.lower(), (phrase, text)
                    assert start == 0 or not text[start - 1].isalnum(), (phrase, text)
                    assert end == len(text) or not text[end].isalnum(), (phrase, text)
                    n += 1
    assert n == fact("totals")[0]["literal_hits"]


def test_every_fact_kind_is_checked_here():
    assert {f["kind"] for f in facts()} == set(CHECKS)
    card = DATA.joinpath("CONVERSATIONS.md").read_text("utf-8")
    assert all(f"`{kind}`" in card for kind in CHECKS)


# -- planted facts, recomputed from the stored results -------------------------------------------


def check_totals(f):
    convs = conversations()
    assert f["conversations"] == len(convs)
    assert f["messages"] == sum(len(c["messages"]) for c in convs)
    assert f["spanish_conversations"] == sum(c["metadata"]["language"] == "es-ES" for c in convs)
    assert f["conversations_by_team"] == dict(Counter(c["metadata"]["team"] for c in convs))
    assert f["literal_hits"] == sum(h["offset"] >= 0 for h in hits())
    assert f["meaning_hits"] == sum(h["offset"] == -1 for h in hits())
    assert f["conversations_with_hits"] == sum(1 for d in results().values() if d)
    assert f["trackers_firing"] == len(fired())


def check_never_fires(f):
    for name in f["trackers"] + f["also_without_hits"]:
        assert name not in fired()
    vocabulary = next(t for t in trackers().values() if t["name"] == f["trackers"][0])["vocabulary"]
    text = "\n".join(m["text"].lower() for c in conversations() for m in c["messages"])
    assert not [p for p in vocabulary if EDGE.sub("", p.lower()) in text]


def literal_values() -> set[tuple[str, str]]:
    return {(h["tracker"], h["value"]) for h in hits() if h["offset"] >= 0}


def check_dead_phrases(f):
    (name,) = f["trackers"]
    vocabulary = list(dict.fromkeys(next(t for t in trackers().values() if t["name"] == name)["vocabulary"]))
    said = literal_values()
    assert f["phrases"] == [p for p in vocabulary if (name, p) not in said]
    assert f["live_phrases"] == [p for p in vocabulary if (name, p) in said]
    assert f["n_dead"] == len(f["phrases"]) and f["n_phrases"] == len(vocabulary)


def check_phrase_usage(f):
    said = literal_values()
    for t in trackers().values():
        vocabulary = dict.fromkeys(t["vocabulary"])
        assert f["phrases_per_tracker"][t["name"]] == len(vocabulary)
        assert f["live_phrases_per_tracker"][t["name"]] == sum((t["name"], p) in said for p in vocabulary)


def check_meaning_only_tracker(f):
    (name,) = f["trackers"]
    rows = [h for h in hits() if h["tracker"] == name]
    assert all(h["offset"] == -1 for h in rows) and f["literal_hits"] == 0
    assert f["meaning_hits"] == len(rows) > 0
    assert f["conversations"] == sorted(fired()[name])


def check_meaning_only_in_some_conversations(f):
    (name,) = f["trackers"]
    literal = {h["conversation_id"] for h in hits() if h["tracker"] == name and h["offset"] >= 0}
    assert f["conversations_literal"] == sorted(literal) and literal
    assert f["conversations_meaning_only"] == sorted(fired()[name] - literal)
    assert f["conversations_meaning_only"]


def listed_hits_are_stored(f, *, literal: bool):
    stored = {(h["message_id"], h["tracker"], h["value"], h["offset"]) for h in hits()}
    assert f["hits"]
    for h in f["hits"]:
        assert (h["message_id"], h["tracker"], h["value"], h["offset"]) in stored
        assert (h["offset"] >= 0) == literal
    assert sorted({h["tracker"] for h in f["hits"]}) == f["trackers"]


def check_paraphrase_by_meaning(f):
    listed_hits_are_stored(f, literal=False)
    said_in = {(h["message_id"], h["tracker"]) for h in hits() if h["offset"] >= 0}
    assert not [h for h in f["hits"] if (h["message_id"], h["tracker"]) in said_in]


def check_typo_phrase_said_correctly(f):
    listed_hits_are_stored(f, literal=False)
    said = literal_values()
    assert not [h for h in f["hits"] if (h["tracker"], h["value"]) in said]


def check_wrong_context(f):
    listed_hits_are_stored(f, literal=True)


def check_borderline_by_meaning(f):
    listed_hits_are_stored(f, literal=False)


def check_co_occurring(f):
    a, b = f["trackers"]
    fa, fb = fired()[a], fired()[b]
    assert (f["with_first"], f["with_second"], f["with_both"]) == (len(fa), len(fb), len(fa & fb))
    assert f["conversations"] == len(conversations())
    assert f["lift"] == round(len(fa & fb) * f["conversations"] / (len(fa) * len(fb)), 2) > 2


def share(ids: list[str], name: str) -> dict:
    k = sum(1 for i in ids if i in fired()[name])
    return {"conversations": len(ids), "with_tracker": k, "rate": round(k / len(ids), 4)}


def weekly(name: str) -> list[dict]:
    first = dt.date(2026, 6, 1)
    rows = []
    for w in range(10):
        start = first + dt.timedelta(weeks=w)
        ids = [
            c["id"]
            for c in conversations()
            if start <= time(c["startTime"]).date() < start + dt.timedelta(weeks=1)
        ]
        rows.append(
            {
                "week_start": start.isoformat(),
                "conversations": len(ids),
                "with_tracker": share(ids, name)["with_tracker"] if ids else 0,
            }
        )
    return rows


def check_rising_after_date(f):
    (name,) = f["trackers"]
    date = dt.date.fromisoformat(f["date"])
    before = [c["id"] for c in conversations() if time(c["startTime"]).date() < date]
    after = [c["id"] for c in conversations() if time(c["startTime"]).date() >= date]
    assert f["before"] == share(before, name) and f["after"] == share(after, name)
    assert f["after"]["rate"] >= 3 * f["before"]["rate"]
    assert f["weekly"] == weekly(name)


def check_spike_in_week(f):
    (name,) = f["trackers"]
    start = dt.date.fromisoformat(f["week_start"])
    inside = [
        c["id"]
        for c in conversations()
        if start <= time(c["startTime"]).date() < start + dt.timedelta(weeks=1)
    ]
    others = [c["id"] for c in conversations() if c["id"] not in set(inside)]
    assert f["in_week"] == share(inside, name) and f["other_weeks"] == share(others, name)
    assert f["in_week"]["rate"] >= 4 * f["other_weeks"]["rate"]
    assert f["weekly"] == weekly(name)


def sides_check(f, silent_side: str):
    for name in f["trackers"]:
        count = Counter(h["side"] for h in hits() if h["tracker"] == name)
        assert f["hits_by_side"][name] == {"agent": count["agent"], "customer": count["customer"]}
        assert count[silent_side] == 0 and sum(count.values()) >= 5


def check_agent_only(f):
    sides_check(f, "customer")


def check_customer_only(f):
    sides_check(f, "agent")


def check_uncaught_conversations(f):
    assert f["conversations"] == sorted(cid for cid, d in results().items() if not d)
    names = {c["id"]: c["name"] for c in conversations()}
    assert f["names"] == [names[cid] for cid in f["conversations"]]


def check_spanish_conversations(f):
    (name,) = f["trackers"]
    spanish = [c["id"] for c in conversations() if c["metadata"]["language"] == "es-ES"]
    assert f["conversations"] == spanish
    assert {h["tracker"] for h in hits() if h["conversation_id"] in set(spanish)} == {name}
    assert f["firing"] == sorted(fired()[name]) and fired()[name] <= set(spanish)
    literal = {h["conversation_id"] for h in hits() if h["tracker"] == name and h["offset"] >= 0}
    assert f["firing_literally"] == sorted(literal)
    assert f["firing_only_by_meaning"] == sorted(fired()[name] - literal)


def check_language_gated(f):
    (name,) = f["trackers"]
    conversation = next(c for c in conversations() if c["id"] == f["conversation_id"])
    assert conversation["metadata"]["language"] == "en-US"
    message = next(m for m in conversation["messages"] if m["id"] == f["message_id"])
    assert message["text"] == f["text"]
    assert all(p.lower() in message["text"].lower() for p in f["phrases"])
    assert (
        f["stored_hits"]
        == 0
        == sum(1 for h in hits() if h["tracker"] == name and h["message_id"] == f["message_id"])
    )


def check_literal_and_meaning_same_message(f):
    (name,) = f["trackers"]
    rows = {
        (h["value"], h["offset"] >= 0)
        for h in hits()
        if h["tracker"] == name and h["message_id"] == f["message_id"]
    }
    assert (f["literal_value"], True) in rows and (f["meaning_value"], False) in rows


CHECKS = {
    "totals": check_totals,
    "never_fires": check_never_fires,
    "dead_phrases": check_dead_phrases,
    "phrase_usage": check_phrase_usage,
    "meaning_only_tracker": check_meaning_only_tracker,
    "meaning_only_in_some_conversations": check_meaning_only_in_some_conversations,
    "paraphrase_by_meaning": check_paraphrase_by_meaning,
    "typo_phrase_said_correctly": check_typo_phrase_said_correctly,
    "wrong_context": check_wrong_context,
    "co_occurring": check_co_occurring,
    "rising_after_date": check_rising_after_date,
    "spike_in_week": check_spike_in_week,
    "agent_only": check_agent_only,
    "customer_only": check_customer_only,
    "uncaught_conversations": check_uncaught_conversations,
    "spanish_conversations": check_spanish_conversations,
    "language_gated": check_language_gated,
    "borderline_by_meaning": check_borderline_by_meaning,
    "literal_and_meaning_same_message": check_literal_and_meaning_same_message,
}


@pytest.mark.parametrize(
    "index", range(len(facts())), ids=[f"{i}-{f['kind']}" for i, f in enumerate(facts())]
)
def test_planted_fact_agrees_with_the_stored_results(index):
    f = facts()[index]
    assert set(f) >= {"kind", "trackers", "phrases", "detail"} and f["detail"]
    names = {t["name"] for t in trackers().values()}
    assert set(f["trackers"]) <= names
    CHECKS[f["kind"]](f)


def test_dead_vocabulary_is_listed_for_at_least_three_trackers():
    dead = fact("dead_phrases")
    assert len(dead) >= 3 and all(f["phrases"] for f in dead)


# -- the AMI meetings ---------------------------------------------------------------------------


def test_packaged_ami_meetings_load_with_their_attribution():
    folder = DATA.joinpath("ami")
    files = sorted(p.name for p in folder.iterdir() if p.name.endswith(".json.gz"))
    assert 8 <= len(files) <= 10
    assert {"ES2002a.json.gz", "ES2002b.json.gz", "ES2002c.json.gz", "ES2002d.json.gz"} <= set(files)
    for name in files:
        meeting = json.loads(gzip.decompress(folder.joinpath(name).read_bytes()).decode("utf-8"))
        assert list(meeting) == ["meeting_id", "topic_list", "meeting_transcripts"]
        assert f"{meeting['meeting_id']}.json.gz" == name
        assert meeting["meeting_transcripts"]
        for utterance in meeting["meeting_transcripts"]:
            assert set(utterance) == {"speaker", "content"} and utterance["speaker"] in ROLES
            assert isinstance(utterance["content"], str)
    readme = folder.joinpath("README.md").read_text("utf-8")
    for needed in ("CC BY 4.0", "Carletta et al.", "Zhong et al.", "NAACL 2021", "83d7768", "MIT"):
        assert needed in readme
