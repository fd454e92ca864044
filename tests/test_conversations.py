"""Messages and hits: the records and parsers, the frames, files and the loaders (issue 14,
items 1 and 2), and what happens to bad input."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import math
import os
import warnings
from importlib import resources

import numpy as np
import pandas as pd
import pytest

from trackerkit.constants import HIT_COLUMNS, MESSAGE_COLUMNS
from trackerkit.conversation import (
    ConversationDataWarning,
    Hit,
    Message,
    attach_messages,
    parse_ami_meeting,
    parse_async_text,
    parse_conversations,
    parse_messages,
    parse_results_document,
    parse_timestamp,
    parse_tracker_response,
    parse_tracker_results,
)
from trackerkit.conversation_frames import hits_frame, message_problems, messages_frame
from trackerkit.conversation_loading import load_conversations, load_tracker_results
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.transcripts import read_conversations, read_tracker_results

DATA = resources.files("trackerkit.data")
UTC = dt.timezone.utc
# pandas 3 has a string dtype ("str"); pandas 2 keeps strings as objects
STR = str(pd.Series(["x"], dtype="str").dtype)
MESSAGE_DTYPES = {
    "conversation_id": STR,
    "message_id": STR,
    "text": STR,
    "speaker_name": STR,
    "speaker_id": STR,
    "speaker_email": STR,
    "start_time": "datetime64[ns, UTC]",
    "end_time": "datetime64[ns, UTC]",
    "time_offset": "float64",
    "duration": "float64",
    "language": STR,
}
HIT_DTYPES = {
    "conversation_id": STR,
    "message_id": STR,
    "tracker_id": STR,
    "tracker_name": STR,
    "value": STR,
    "match": STR,
    "offset": "int64",
    "matched_text": STR,
    "score": "float64",
    "text": STR,
    "speaker_name": STR,
    "speaker_id": STR,
    "speaker_email": STR,
    "start_time": "datetime64[ns, UTC]",
    "time_offset": "float64",
}


def symbl_message(i: int, **changes) -> dict:
    """A message as ``GET /v1/conversations/{id}/messages`` sends it."""
    message = {
        "id": str(6412283618000896 + i),
        "conversationId": "6749556955938816",
        "text": f"Message number {i}.",
        "from": {"id": f"user-{i % 2}", "name": ["Roger", "Ana"][i % 2], "email": f"p{i % 2}@example.com"},
        "startTime": f"2020-07-10T11:16:{20 + i:02d}.024Z",
        "endTime": f"2020-07-10T11:16:{21 + i:02d}.724Z",
        "timeOffset": 5.9 + i,
        "duration": 1,
    }
    message.update(changes)
    return message


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {c: str(t) for c, t in frame.dtypes.items()}


# --------------------------------------------------------------------------- records


def test_symbl_messages_parse_to_records_with_string_ids_and_utc_times():
    messages = parse_messages({"messages": [symbl_message(0), symbl_message(1, id=4667009028587520)]})
    first, second = messages
    assert first == Message(
        conversation_id="6749556955938816",
        message_id="6412283618000896",
        text="Message number 0.",
        speaker_name="Roger",
        speaker_id="user-0",
        speaker_email="p0@example.com",
        start_time=dt.datetime(2020, 7, 10, 11, 16, 20, 24000, tzinfo=UTC),
        end_time=dt.datetime(2020, 7, 10, 11, 16, 21, 724000, tzinfo=UTC),
        time_offset=5.9,
        duration=1.0,
    )
    assert second.message_id == "4667009028587520"  # an integer id keeps all its digits


def test_a_message_without_from_or_times_has_none_there():
    (message,) = parse_messages([{"id": "1", "conversationId": "c", "text": "hi"}])
    assert (message.speaker_name, message.start_time, message.time_offset) == (None, None, None)


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"id": 6.412283618000896e15}, "id", "float"),
        ({"id": None}, "id", "missing"),
        ({"id": True}, "id", "boolean"),
        ({"id": ""}, "id", "non-empty"),
        ({"text": 42}, "text", "must be a string"),
        ({"text": "bad \ud800 text"}, "text", "lone surrogate"),
        ({"from": "Roger"}, None, "'from'"),
        ({"startTime": "10/07/2020 11:16"}, "startTime", "ISO 8601"),
        ({"startTime": "2020-02-30T10:00:00Z"}, "startTime", "not a valid date"),
        ({"timeOffset": "soon"}, "timeOffset", "number of seconds"),
        ({"duration": float("inf")}, "duration", "finite"),
    ],
)
def test_a_bad_message_field_is_a_typed_error_naming_the_record_and_field(change, field, says):
    payload = {"messages": [symbl_message(0), symbl_message(1, **change)]}
    with pytest.raises(TrackerDataError, match=says) as caught:
        parse_messages(payload)
    assert "record 1" in str(caught.value)
    assert caught.value.index == 1
    if field is not None:
        assert caught.value.field == field
        assert f"field {field!r}" in str(caught.value)


def test_timestamps_in_every_iso_form_become_utc_and_zoneless_ones_stay_naive():
    moment = dt.datetime(2026, 6, 1, 12, 3, 12, 340000, tzinfo=UTC)
    for text in (
        "2026-06-01T12:03:12.34Z",
        "2026-06-01T12:03:12.340Z",
        "2026-06-01 12:03:12.340000z",
        "2026-06-01T14:03:12.34+02:00",
        "2026-06-01T07:03:12.34-0500",
        "2026-06-01T14:03:12,34+02",
    ):
        assert parse_timestamp(text) == moment, text
    assert parse_timestamp("2026-06-01T12:03") == dt.datetime(2026, 6, 1, 12, 3)
    assert parse_timestamp(
        dt.datetime(2026, 6, 1, 14, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    ) == dt.datetime(2026, 6, 1, 12, tzinfo=UTC)
    assert parse_timestamp("") is None
    for bad in ("06/01/2026", "2026-06-01T25:00:00Z", "2026-06-01T10:00:00+25:00", 1717236192):
        with pytest.raises(ValueError, match=r"2026|ISO|valid"):
            parse_timestamp(bad)


def test_async_text_payload_gets_synthetic_ids_speakers_and_times():
    payload = {
        "messages": [
            {"payload": {"content": "Hello."}, "from": {"name": "Ann", "userId": "ann@example.com"}},
            {
                "payload": {"content": "Hi Ann."},
                "from": {"name": "Bob", "userId": "b-7"},
                "duration": {"startTime": "2020-07-21T16:02:19.01Z", "endTime": "2020-07-21T16:02:20Z"},
            },
        ]
    }
    first, second = parse_async_text(payload, conversation_id="call-9", language="en-US")
    assert (first.message_id, second.message_id) == ("call-9-0", "call-9-1")
    assert (first.speaker_id, first.speaker_email) == ("ann@example.com", "ann@example.com")
    assert (second.speaker_id, second.speaker_email) == ("b-7", None)
    assert second.start_time == dt.datetime(2020, 7, 21, 16, 2, 19, 10000, tzinfo=UTC)
    assert first.language == "en-US"
    with pytest.raises(TrackerDataError, match=r"record 0 .*payload\.content"):
        parse_async_text({"messages": [{"payload": {}}]}, conversation_id="c")


def test_the_sample_conversations_parse_with_their_languages():
    messages = parse_conversations(json.loads(DATA.joinpath("sample_conversations.json").read_text("utf-8")))
    assert len(messages) == 2101
    assert len({m.conversation_id for m in messages}) == 120
    assert {m.language for m in messages} == {"en-US", "es-ES"}
    assert all(m.start_time.tzinfo is UTC and m.speaker_email for m in messages)


def test_an_ami_meeting_parses_with_roles_as_speakers_and_synthetic_ids():
    meeting = json.loads(gzip.decompress(DATA.joinpath("ami", "ES2002a.json.gz").read_bytes()))
    messages = parse_ami_meeting(meeting)
    assert len(messages) == len(meeting["meeting_transcripts"]) == 287
    assert messages[3].message_id == "ES2002a-3"
    assert messages[3].text == meeting["meeting_transcripts"][3]["content"]
    assert {m.speaker_name for m in messages} == {
        "Project Manager",
        "Marketing",
        "User Interface",
        "Industrial Designer",
    }
    assert all(m.start_time is None and m.language == "en" for m in messages)


TRACKERS_DETECTED = [
    {
        "id": "5237067555536896",
        "name": "Pricing Mention",
        "matches": [
            {
                "type": "vocabulary",
                "value": "what is the price",
                "messageRefs": [
                    {"id": "4667009028587520", "text": "So how much would all of that cost us?", "offset": -1}
                ],
                "insightRefs": [],
            },
            {
                "type": "vocabulary",
                "value": "subscription",
                "messageRefs": [
                    {"id": "4527958187311104", "text": "The subscription is billed monthly.", "offset": 4}
                ],
                "insightRefs": [],
            },
        ],
    }
]


def test_trackers_detected_parse_to_one_hit_per_message_ref():
    literal_first = parse_tracker_results(TRACKERS_DETECTED, conversation_id="c1")
    assert [(h.match, h.offset, h.value) for h in literal_first] == [
        ("meaning", -1, "what is the price"),
        ("literal", 4, "subscription"),
    ]
    assert all(h.tracker_id == "5237067555536896" and h.conversation_id == "c1" for h in literal_first)
    assert literal_first[0].matched_text == "" and math.isnan(literal_first[0].score)
    assert literal_first[1].score == 1.0
    assert parse_tracker_results({"trackers": TRACKERS_DETECTED}, conversation_id="c1") == literal_first


@pytest.mark.parametrize("offset", [-2, "4", True, 1.5, None])
def test_a_bad_offset_names_the_tracker_match_and_message_ref(offset):
    bad = json.loads(json.dumps(TRACKERS_DETECTED))
    bad[0]["matches"][1]["messageRefs"][0]["offset"] = offset
    with pytest.raises(
        TrackerDataError, match=r"tracker 0 \('Pricing Mention'\), match 1, messageRef 0.*offset"
    ):
        parse_tracker_results(bad, conversation_id="c1")


def test_streaming_tracker_response_events_parse_into_the_same_hits():
    event = {
        "type": "tracker_response",
        "isFinal": True,
        "sequenceNumber": 3,
        "trackers": [
            {
                "name": "Pricing Mention",
                "matches": [
                    {
                        "type": "vocabulary",
                        "value": "subscription",
                        "messageRefs": [
                            {
                                "id": "4b6c2f1e-3f7a-4c55-9d0e-5a0f4b0c8e21",
                                "text": "The subscription is billed monthly.",
                                "offset": 4,
                            }
                        ],
                    }
                ],
            }
        ],
    }
    (hit,) = parse_tracker_response(event, conversation_id="stream-1")
    assert (hit.tracker_id, hit.tracker_name, hit.message_id, hit.offset) == (
        None,
        "Pricing Mention",
        "4b6c2f1e-3f7a-4c55-9d0e-5a0f4b0c8e21",
        4,
    )
    frame = hits_frame([hit])
    assert frame["matched_text"].tolist() == ["subscription"]
    twice = parse_results_document([event, event], conversation_id="s")
    assert len(twice) == 2 and {h.conversation_id for h in twice} == {"s"}
    with pytest.raises(TrackerDataError, match="tracker_response"):
        parse_tracker_response({"type": "message_response"}, conversation_id="s")


def test_attach_messages_fills_speaker_and_time():
    messages = parse_messages({"messages": [symbl_message(0), symbl_message(1)]})
    hit = Hit("6749556955938816", "6412283618000897", "9", "T", "number", "literal", 8)
    (filled,) = attach_messages([hit], messages)
    assert (filled.text, filled.speaker_name, filled.time_offset) == ("Message number 1.", "Ana", 6.9)
    unknown = Hit("6749556955938816", "nope", "9", "T", "number", "literal", 8)
    assert attach_messages([unknown], messages) == [unknown]


# --------------------------------------------------------------------------- frames


def test_messages_frame_has_stable_columns_and_dtypes_even_when_empty():
    frame = messages_frame(parse_messages({"messages": [symbl_message(0), symbl_message(1)]}))
    assert tuple(frame.columns) == MESSAGE_COLUMNS
    assert dtypes(frame) == MESSAGE_DTYPES
    assert dtypes(messages_frame([])) == MESSAGE_DTYPES
    assert frame["start_time"].iloc[1] == pd.Timestamp("2020-07-10T11:16:21.024Z")
    assert frame["language"].isna().all()


def test_a_dataframe_is_mapped_with_columns_and_its_ids_become_strings():
    source = pd.DataFrame(
        {
            "call": [4667009028587520, 4667009028587520],
            "turn": [1, 2],
            "utterance": ["Hello", "Bye"],
            "when": ["2026-06-01T10:00:00Z", "2026-06-01T10:00:05+00:00"],
            "who": ["Ann", None],
            "other": [1, 2],
        }
    )
    frame = messages_frame(
        source,
        columns={
            "conversation_id": "call",
            "message_id": "turn",
            "text": "utterance",
            "start_time": "when",
            "speaker_name": "who",
        },
    )
    assert dtypes(frame) == MESSAGE_DTYPES
    assert frame["conversation_id"].tolist() == ["4667009028587520"] * 2
    assert frame["message_id"].tolist() == ["1", "2"]
    assert frame["start_time"].iloc[1] - frame["start_time"].iloc[0] == pd.Timedelta(seconds=5)
    assert frame["speaker_name"].isna().tolist() == [False, True]
    with pytest.raises(InvalidParameterError, match="unknown message column"):
        messages_frame(source, columns={"utterance_text": "utterance"})
    with pytest.raises(TrackerDataError, match="no column 'nope'"):
        messages_frame(source, columns={"text": "nope"})
    with pytest.raises(TrackerDataError, match="missing column"):
        messages_frame(source)


def test_float_ids_in_a_frame_are_refused_naming_the_record():
    source = pd.DataFrame({"conversation_id": [1.0, 2.0], "message_id": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(TrackerDataError, match=r"record 0, field 'conversation_id'.*dtype=str"):
        messages_frame(source)
    mixed = pd.DataFrame({"conversation_id": ["c", None], "message_id": ["a", "b"], "text": ["x", "y"]})
    with pytest.raises(TrackerDataError, match=r"record 1, field 'conversation_id'.*missing"):
        messages_frame(mixed)


def test_duplicate_message_ids_are_an_error_naming_both_records():
    messages = [
        Message("c1", "m1", "a"),
        Message("c1", "m2", "b"),
        Message("c2", "m1", "c"),
        Message("c1", "m1", "d"),
    ]
    with pytest.raises(TrackerDataError, match=r"record 0 and record 3 .*conversation 'c1', message 'm1'"):
        messages_frame(messages)
    assert len(messages_frame(messages[:3])) == 3  # the same message id in another conversation is fine


def test_empty_or_missing_text_is_kept_and_reported_never_dropped():
    records = [
        {"conversation_id": "c", "message_id": "1", "text": "hello"},
        {"conversation_id": "c", "message_id": "2", "text": None},
        {"conversation_id": "c", "message_id": "3"},
        {"conversation_id": "c", "message_id": "4", "text": "   "},
    ]
    with pytest.warns(
        ConversationDataWarning, match=r"3 message\(s\) have an empty or missing text"
    ) as caught:
        frame = load_conversations(records)
    assert "message '2'" in str(caught[0].message) and "message '4'" in str(caught[0].message)
    assert frame["text"].tolist() == ["hello", "", "", "   "]
    problems = message_problems(frame)
    assert problems.loc[problems["problem"] == "empty text", "message_id"].tolist() == ["2", "3", "4"]


def test_times_with_and_without_zones_in_one_input_are_an_error():
    source = pd.DataFrame(
        {
            "conversation_id": ["c", "c"],
            "message_id": ["1", "2"],
            "text": ["a", "b"],
            "start_time": ["2026-06-01T10:00:00Z", "2026-06-01 10:00:05"],
        }
    )
    with pytest.raises(TrackerDataError, match=r"record 0 .*has one, record 1 .*has none"):
        messages_frame(source)


def test_zoneless_times_are_taken_as_utc_with_a_warning():
    source = pd.DataFrame(
        {
            "conversation_id": ["c", "c"],
            "message_id": ["1", "2"],
            "text": ["a", "b"],
            "start_time": ["2026-06-01 10:00:00", "2026-06-01T10:00:05.5"],
        }
    )
    with pytest.warns(ConversationDataWarning, match="without a time zone, taken as UTC"):
        frame = messages_frame(source)
    assert frame["start_time"].tolist() == [
        pd.Timestamp("2026-06-01T10:00:00Z"),
        pd.Timestamp("2026-06-01T10:00:05.5Z"),
    ]


def test_mixed_iso_formats_and_zones_all_become_the_same_utc_instant():
    source = pd.DataFrame(
        {
            "conversation_id": ["c"] * 4,
            "message_id": list("1234"),
            "text": list("abcd"),
            "start_time": [
                "2026-06-01T12:00:00Z",
                "2026-06-01T14:00:00.000+02:00",
                "2026-06-01 07:00:00-05:00",
                "2026-06-01T12:00:00.000000+0000",
            ],
        }
    )
    frame = messages_frame(source)
    assert frame["start_time"].nunique() == 1
    assert frame["start_time"].iloc[0] == pd.Timestamp("2026-06-01T12:00:00Z")
    source.loc[2, "start_time"] = "01.06.2026 12:00"
    with pytest.raises(
        TrackerDataError, match=r"record 2 \(conversation 'c', message '3'\), field 'start_time'"
    ):
        messages_frame(source)


def test_control_characters_are_kept_and_reported():
    text = "line one\x00line two \x1b[31mred\u202e"
    with pytest.warns(ConversationDataWarning, match="control characters"):
        frame = messages_frame([Message("c", "1", text), Message("c", "2", "fine")])
    assert frame["text"].iloc[0] == text
    problems = message_problems(frame)
    assert problems["problem"].tolist() == ["control characters"]
    assert problems["detail"].iloc[0] == "U+0000, U+001B, U+202E"


def test_long_and_right_to_left_texts_are_kept_whole_and_listed():
    long_text = "word " * 20_000 + "the end"
    hebrew = "שלום, מה שלומך?"
    frame = messages_frame([Message("c", "1", long_text), Message("c", "2", hebrew), Message("c", "3", "ok")])
    assert frame["text"].str.len().tolist() == [len(long_text), len(hebrew), 2]
    problems = message_problems(frame)
    assert problems[["message_id", "problem", "severity"]].values.tolist() == [
        ["1", "long text", "info"],
        ["2", "right-to-left text", "info"],
    ]


@pytest.mark.parametrize("dtype", [object, "string[python]"])
def test_a_lone_surrogate_in_a_frame_is_refused(dtype):
    source = pd.DataFrame(
        {"conversation_id": ["c"], "message_id": ["1"], "text": ["bad \udc80"]}, dtype=dtype
    )
    with pytest.raises(TrackerDataError, match=r"record 0 .*field 'text': contains a lone surrogate"):
        messages_frame(source)


def test_hits_frame_has_stable_dtypes_and_finds_the_matched_text_of_stored_hits():
    hits = parse_tracker_results(TRACKERS_DETECTED, conversation_id="c1")
    frame = hits_frame(hits)
    assert tuple(frame.columns) == HIT_COLUMNS
    assert dtypes(frame) == HIT_DTYPES
    assert dtypes(hits_frame([])) == HIT_DTYPES
    assert frame["matched_text"].tolist() == ["", "subscription"]
    moved = Hit("c", "m", "t", "T", "price", "literal", 0, text="The price")  # not at offset 0
    assert hits_frame([moved])["matched_text"].tolist() == [""]


# --------------------------------------------------------------------------- loading


def test_load_the_sample_and_the_ami_meetings():
    sample = load_conversations("sample")
    assert (len(sample), sample["conversation_id"].nunique()) == (2101, 120)
    assert dtypes(sample) == MESSAGE_DTYPES
    assert sample["start_time"].notna().all() and sample["language"].notna().all()
    ami = load_conversations("ami")
    assert len(ami) == 3399 and ami["conversation_id"].nunique() == 10
    assert ami["start_time"].isna().all()


def test_stored_sample_results_load_with_speaker_and_time():
    hits = load_tracker_results("sample")
    assert dtypes(hits) == HIT_DTYPES
    assert (hits["match"] == "literal").sum() == 784 and (hits["match"] == "meaning").sum() == 109
    assert hits["speaker_email"].notna().all() and hits["start_time"].notna().all()
    literal = hits[hits["match"] == "literal"]
    # every stored literal hit is found by trackerkit's literal rules at its offset
    assert (literal["matched_text"] != "").all()
    for text, offset, matched in zip(literal["text"], literal["offset"], literal["matched_text"]):
        assert text[offset : offset + len(matched)] == matched
    meaning = hits[hits["match"] == "meaning"]
    assert (meaning["offset"] == -1).all() and (meaning["matched_text"] == "").all()


def write(path, content) -> str:
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return str(path)


def test_read_every_transcript_format(tmp_path):
    symbl = [symbl_message(i) for i in range(3)]
    expected = load_conversations(symbl)
    json_path = write(tmp_path / "call.json", {"messages": symbl})
    pd.testing.assert_frame_equal(load_conversations(json_path), expected)
    jsonl = tmp_path / "call.jsonl"
    jsonl.write_text("\n".join(json.dumps(m) for m in symbl) + "\n\n", encoding="utf-8")
    pd.testing.assert_frame_equal(load_conversations(jsonl), expected)
    gz = tmp_path / "call.jsonl.gz"
    gz.write_bytes(gzip.compress(jsonl.read_bytes()))
    pd.testing.assert_frame_equal(load_conversations(gz), expected)
    csv = tmp_path / "calls.csv"
    expected.to_csv(csv, index=False)
    pd.testing.assert_frame_equal(load_conversations(csv), expected)
    parquet = tmp_path / "calls.parquet"
    expected.to_parquet(parquet)
    pd.testing.assert_frame_equal(load_conversations(parquet), expected)


def test_csv_keeps_leading_zeros_and_maps_columns(tmp_path):
    csv = write(tmp_path / "export.csv", "call,turn,said,who\n007,01,Hello there,Ann\n007,02,,Bob\n")
    with pytest.warns(ConversationDataWarning, match="empty or missing text"):
        frame = load_conversations(
            csv,
            columns={"conversation_id": "call", "message_id": "turn", "text": "said", "speaker_name": "who"},
        )
    assert frame[["conversation_id", "message_id", "text"]].values.tolist() == [
        ["007", "01", "Hello there"],
        ["007", "02", ""],
    ]


def test_async_text_file_takes_its_name_as_conversation_id(tmp_path):
    path = write(
        tmp_path / "support-call-12.json", {"messages": [{"payload": {"content": "Hi"}, "from": {}}]}
    )
    frame = load_conversations(path)
    assert frame[["conversation_id", "message_id"]].values.tolist() == [
        ["support-call-12", "support-call-12-0"]
    ]


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.json", '{"messages": [{"id": "1",}]}', r"broken\.json: not valid JSON .*line 1, column 26"),
        (
            "lines.jsonl",
            '{"id": "1", "conversationId": "c", "text": "a"}\n{"id": 2,\n',
            r"lines\.jsonl, line 2",
        ),
        (
            "lines2.jsonl",
            '{"id": "1", "conversationId": "c", "text": "a"}\n{"id": 2.5, "text": "b"}\n',
            r"lines2\.jsonl: line 2: .*field 'id'",
        ),
        (
            "rows.csv",
            "conversation_id,message_id,text,start_time\nc,1,a,2026-01-01T00:00:00Z\nc,2,b,yesterday\n",
            r"rows\.csv: record 1 \(conversation 'c', message '2'\), field 'start_time'",
        ),
        ("other.json", {"hello": 1}, r"other\.json: not a transcript"),
        ("notes.txt", "hello", r"notes\.txt: cannot tell the format"),
        ("empty.csv", "", r"empty\.csv: not a readable CSV"),
    ],
)
def test_bad_files_name_the_file_record_and_field(tmp_path, name, content, says):
    path = write(tmp_path / name, content)
    with pytest.raises(TrackerDataError, match=says):
        load_conversations(path)


def test_missing_and_non_utf8_files(tmp_path):
    with pytest.raises(TrackerDataError, match="no such file"):
        load_conversations(tmp_path / "nope.json")
    latin = tmp_path / "latin.csv"
    latin.write_bytes("conversation_id,message_id,text\nc,1,caf\xe9\n".encode("latin-1"))
    with pytest.raises(TrackerDataError, match=r"latin\.csv: not UTF-8 text \(byte 39"):
        load_conversations(latin)


def test_files_beyond_the_size_cap_are_refused_before_reading(tmp_path):
    path = tmp_path / "big.jsonl"
    path.write_text(json.dumps(symbl_message(0)) + "\n", encoding="utf-8")
    with pytest.raises(
        TrackerDataError, match=r"big\.jsonl: the file is \d+ bytes or more, above max_bytes=100"
    ):
        read_conversations(path, max_bytes=100)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(b'{"messages": [' + b" " * 5000 + b"]}"))
    with pytest.raises(TrackerDataError, match="decompresses to 1,001 bytes or more, above max_bytes=1,000"):
        read_conversations(bomb, max_bytes=1000)
    with pytest.raises(InvalidParameterError, match="max_bytes"):
        read_conversations(path, max_bytes=-1)
    assert len(read_conversations(path)) == len(read_conversations(path, max_bytes=None)) == 1


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="FIFOs are POSIX")
def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "calls.json"
    os.mkfifo(fifo)
    with pytest.raises(TrackerDataError, match="not a regular file"):
        load_conversations(fifo)


def test_tracker_results_files(tmp_path):
    one = write(tmp_path / "6749556955938816.json", TRACKERS_DETECTED)
    hits = read_tracker_results(one)
    assert {h.conversation_id for h in hits} == {"6749556955938816"}
    messages = [
        symbl_message(0, id="4667009028587520", text="So how much would all of that cost us?"),
        symbl_message(1, id="4527958187311104", text="The subscription is billed monthly."),
    ]
    frame = load_tracker_results(one, messages=messages)
    assert frame["speaker_name"].tolist() == ["Roger", "Ana"]
    assert frame["start_time"].notna().all()
    events = tmp_path / "stream.jsonl"
    event = {
        "type": "tracker_response",
        "trackers": [{"name": "T", "matches": TRACKERS_DETECTED[0]["matches"]}],
    }
    events.write_text(json.dumps(event) + "\n" + json.dumps(event) + "\n", encoding="utf-8")
    assert len(load_tracker_results(events, conversation_id="live")) == 4
    with pytest.raises(TrackerDataError, match=r"bad\.json: conversation 'x': tracker 0, field 'name'"):
        load_tracker_results(write(tmp_path / "bad.json", {"x": [{"id": "1", "matches": []}]}))


def test_loaders_refuse_what_they_cannot_read():
    with pytest.raises(TrackerDataError, match="cannot load conversations from int"):
        load_conversations(42)
    with pytest.raises(TrackerDataError, match="cannot load tracker results from int"):
        load_tracker_results(42)
    with pytest.raises(TrackerDataError, match="not a hits frame"):
        load_tracker_results(pd.DataFrame({"a": [1]}))


def test_no_warning_for_clean_data():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_conversations("sample")
        load_conversations("ami")
        load_tracker_results("sample")
    assert np.array_equal(message_problems(load_conversations("sample"))["row"].to_numpy(), np.zeros(0))
