"""The Tracker record and payload parsing: every documented shape, every bad payload kind."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trackerkit
from trackerkit import Tracker, TrackerDataError, parse_trackers

FIXTURES = Path(__file__).parent / "fixtures" / "api"


def fixture(name: str) -> dict:
    """A response body of the API, in the shape the docs show (see tests/fixtures/api/README.md)."""
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def test_the_documented_examples_parse():
    (voice,) = parse_trackers(fixture("list-as-documented.json"))
    (promo_by_id,) = parse_trackers(fixture("by-id.json"))
    (promo_by_name,) = parse_trackers(fixture("by-name.json"))
    assert voice.name == "Voice Message"
    assert len(voice.vocabulary) == 26
    assert voice.vocabulary[1] == "Please leave message after tome"  # the docs' own typo is kept
    assert promo_by_id == promo_by_name
    assert promo_by_id.id == "4476908732794496"
    assert promo_by_id.vocabulary[-1] == "We have a sale right now on"


def test_a_list_response_keeps_every_field_and_case_only_names():
    renewal, lower = parse_trackers(fixture("list.json"))
    assert (renewal.name, lower.name) == ("Renewal Risk", "renewal risk")  # names are case-sensitive
    assert renewal.description == "customers hinting they may leave at renewal"
    assert renewal.categories == ("customer-success",)
    assert renewal.languages == ("en-US",)
    assert renewal.created_on == "2024-03-05T09:12:44.120Z"
    assert renewal.updated_on == "2024-06-18T16:40:02.005Z"
    assert dict(renewal.extra) == {}
    assert lower.languages == ("en-US", "en-GB") and lower.categories == ()
    assert dict(lower.extra) == {"version": 2}
    assert [t.to_dict() for t in (renewal, lower)] == fixture("list.json")["trackers"]


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
