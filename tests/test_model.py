"""The Tracker record and payload parsing: every documented shape, every bad payload kind."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import trackerkit
from trackerkit import Tracker, TrackerDataError, parse_trackers

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "get-tracker.md"


def doc_json_examples() -> list[dict]:
    """The literal JSON examples of Symbl's get-tracker page."""
    text = REFERENCE.read_text(encoding="utf-8")
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", text, flags=re.S)]


def test_reference_doc_is_present():
    # The doc ships in shared/, next to every checkout CI makes; without it these tests mean nothing.
    assert REFERENCE.is_file(), REFERENCE


def test_every_json_example_of_the_docs_parses():
    examples = doc_json_examples()
    assert len(examples) == 3
    parsed = [parse_trackers(example) for example in examples]
    assert [len(p) for p in parsed] == [1, 1, 1]
    voice, promo_by_id, promo_by_name = (p[0] for p in parsed)
    assert voice.name == "Voice Message"
    assert len(voice.vocabulary) == 26
    assert voice.vocabulary[1] == "Please leave message after tome"  # the docs' own typo is kept
    assert promo_by_id == promo_by_name
    assert promo_by_id.id == "4476908732794496"
    assert promo_by_id.vocabulary[-1] == "We have a sale right now on"


@pytest.mark.parametrize(
    "payload",
    [
        {"tracker": {"id": "1", "name": "A", "vocabulary": ["x"]}},
        {"trackers": [{"id": "1", "name": "A", "vocabulary": ["x"]}]},
        [{"id": "1", "name": "A", "vocabulary": ["x"]}],
        {"id": "1", "name": "A", "vocabulary": ["x"]},
        [Tracker(id="1", name="A", vocabulary=("x",))],
    ],
    ids=["tracker", "trackers", "bare-list", "bare-object", "records"],
)
def test_every_payload_shape(payload):
    assert parse_trackers(payload) == [Tracker(id="1", name="A", vocabulary=("x",))]


def test_empty_trackers_list_is_an_empty_account():
    assert parse_trackers({"trackers": []}) == []


def test_ids_are_strings_even_when_sent_as_big_ints():
    big = 44769087327944961234
    (tracker,) = parse_trackers([{"id": big, "name": "A", "vocabulary": []}])
    assert tracker.id == str(big)


def test_all_fields_and_unknown_ones_are_kept_in_order():
    data = {
        "id": "5807963341258752",
        "name": "Billing",
        "vocabulary": ["b", "a", "b"],
        "description": "money talk",
        "categories": ["support"],
        "languages": ["en-US"],
        "createdOn": "2024-01-01T00:00:00Z",
        "updatedOn": "2024-02-01T00:00:00Z",
        "version": 3,
        "owner": {"team": "support"},
    }
    (tracker,) = parse_trackers([data])
    assert tracker.vocabulary == ("b", "a", "b")
    assert tracker.categories == ("support",)
    assert tracker.languages == ("en-US",)
    assert tracker.created_on == "2024-01-01T00:00:00Z"
    assert dict(tracker.extra) == {"version": 3, "owner": {"team": "support"}}
    assert tracker.to_dict() == data


def test_tracker_is_immutable():
    tracker = Tracker.from_dict({"id": "1", "name": "A", "vocabulary": ["x"], "more": 1})
    with pytest.raises(AttributeError):
        tracker.name = "B"  # type: ignore[misc]
    with pytest.raises(TypeError):
        tracker.extra["more"] = 2  # type: ignore[index]


def test_repr_is_short():
    assert repr(Tracker(id="1", name="A", vocabulary=("x", "y"))) == "Tracker(id='1', name='A', 2 phrases)"


@pytest.mark.parametrize(
    ("payload", "fragments"),
    [
        ([{"name": "A", "vocabulary": []}], ["entry 0", "'id'", "missing"]),
        ([{"id": "1", "vocabulary": []}], ["entry 0", "id '1'", "'name'"]),
        ([{"id": "1", "name": "  ", "vocabulary": []}], ["entry 0", "'name'"]),
        ([{"id": "1", "name": "A"}], ["'vocabulary'", "missing"]),
        ([{"id": "1", "name": "A", "vocabulary": "just one phrase"}], ["'vocabulary'", "list of strings"]),
        ([{"id": "1", "name": "A", "vocabulary": ["ok", 7]}], ["'vocabulary'", "item 1", "int"]),
        ([{"id": "1", "name": "A", "vocabulary": ["ok"]}, "nope"], ["entry 1", "str"]),
        (
            [{"id": "1", "name": "A", "vocabulary": []}, {"id": "1", "name": "B", "vocabulary": []}],
            ["entry 1", "id '1'", "duplicate"],
        ),
        ([{"id": True, "name": "A", "vocabulary": []}], ["'id'", "boolean"]),
        ([{"id": 1.5, "name": "A", "vocabulary": []}], ["'id'", "float"]),
        ([{"id": "1", "name": "A", "vocabulary": [], "languages": "en-US"}], ["'languages'"]),
        ([{"id": "1", "name": "A", "vocabulary": [], "description": 3}], ["'description'"]),
        ({"trackers": {"id": "1"}}, ["'trackers'", "must be a list"]),
        ({"message": "Unauthorized"}, ["not a trackers payload", "'message'"]),
        ("hello", ["not a trackers payload", "str"]),
        (42, ["not a trackers payload", "int"]),
    ],
    ids=[
        "missing-id",
        "missing-name",
        "blank-name",
        "missing-vocabulary",
        "vocabulary-string",
        "vocabulary-non-string",
        "non-object-entry",
        "duplicate-ids",
        "bool-id",
        "float-id",
        "languages-string",
        "description-int",
        "trackers-not-list",
        "foreign-object",
        "string",
        "int",
    ],
)
def test_bad_payloads_name_the_entry_and_field(payload, fragments):
    with pytest.raises(TrackerDataError) as info:
        parse_trackers(payload)
    for fragment in fragments:
        assert fragment in str(info.value)


def test_data_errors_are_value_errors_and_trackerkit_errors():
    with pytest.raises(ValueError, match="name"):
        parse_trackers([{"id": "1"}])
    with pytest.raises(trackerkit.TrackerkitError):
        parse_trackers([{"id": "1"}])
