"""Snapshots: lossless round trips (property-based), atomic writes, corrupt and foreign files."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import trackerkit
from trackerkit import Tracker, TrackerDataError, load_trackers, save_snapshot
from trackerkit.frames import frame_to_trackers

texts = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
json_scalars = st.none() | st.booleans() | st.integers(-(10**20), 10**20) | texts
extra_fields = st.dictionaries(
    st.text(min_size=1, max_size=10).filter(
        lambda k: (
            k
            not in {
                "id",
                "name",
                "vocabulary",
                "description",
                "categories",
                "languages",
                "createdOn",
                "updatedOn",
            }
        )
    ),
    st.recursive(
        json_scalars,
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(texts, inner, max_size=3),
        max_leaves=5,
    ),
    max_size=3,
)
trackers_strategy = st.lists(
    st.builds(
        Tracker,
        id=st.integers(10**15, 10**17).map(str),
        name=texts.filter(lambda s: s.strip() != ""),
        vocabulary=st.lists(texts, max_size=6).map(tuple),
        description=st.none() | texts,
        categories=st.none() | st.lists(texts, max_size=3).map(tuple),
        languages=st.none() | st.lists(st.sampled_from(["en-US", "es-ES", "fr-FR"]), max_size=2).map(tuple),
        created_on=st.none() | texts,
        updated_on=st.none() | texts,
        extra=extra_fields,
    ),
    max_size=6,
    unique_by=lambda t: t.id,
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(records=trackers_strategy)
def test_round_trip_is_lossless(tmp_path, records):
    path = tmp_path / "snap.json"
    save_snapshot(records, path)
    frame = load_trackers(path)
    assert frame_to_trackers(frame) == records
    # and from the frame again, through a second snapshot
    save_snapshot(frame, path)
    assert frame_to_trackers(load_trackers(path)) == records


def test_sample_round_trip(tmp_path):
    sample = load_trackers("sample")
    path = save_snapshot(sample, tmp_path / "nested" / "account.json", source="sample")
    again = load_trackers(path)
    assert frame_to_trackers(again) == frame_to_trackers(sample)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "trackerkit.snapshot"
    assert document["schema_version"] == 1
    assert document["source"] == "sample"
    assert document["n_trackers"] == len(sample)
    assert "saved_at" in document
    # Unicode is written as itself, not as escapes
    assert "ó" in path.read_text(encoding="utf-8")


def test_a_saved_api_response_loads(tmp_path):
    path = tmp_path / "response.json"
    path.write_text(json.dumps({"trackers": [{"id": "1", "name": "A", "vocabulary": ["x"]}]}))
    assert load_trackers(path)["name"].tolist() == ["A"]


def test_write_is_atomic_and_leaves_no_temp_file(tmp_path, monkeypatch):
    path = tmp_path / "account.json"
    save_snapshot([Tracker(id="1", name="old", vocabulary=("x",))], path)
    before = path.read_bytes()

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        save_snapshot([Tracker(id="2", name="new", vocabulary=("y",))], path)
    assert path.read_bytes() == before  # the old snapshot is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["account.json"]


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("", "empty"),
        (
            '{"format": "trackerkit.snapshot", "schema_version": 1, "trackers": [{"id": "1", "na',
            "not valid JSON",
        ),
        ('{"format": "trackerkit.snapshot", "schema_version": 99, "trackers": []}', "newer"),
        ('{"format": "trackerkit.snapshot", "schema_version": "one", "trackers": []}', "schema_version"),
        ('{"format": "trackerkit.snapshot", "schema_version": 1}', "'trackers'"),
        (
            '{"format": "trackerkit.snapshot", "schema_version": 1, "n_trackers": 2, "trackers": []}',
            "corrupt",
        ),
        ('{"format": "trackerkit.snapshot", "schema_version": 1, "trackers": [{"id": "1"}]}', "entry 0"),
        ('{"name": "my-package", "version": "1.0.0", "dependencies": {}}', "not a trackers payload"),
        ('{"colour": "blue"}', "found keys 'colour'"),
    ],
    ids=[
        "empty",
        "truncated",
        "future-version",
        "bad-version",
        "no-trackers",
        "count-mismatch",
        "bad-entry",
        "package-json",
        "foreign",
    ],
)
def test_corrupt_or_foreign_files(tmp_path, content, fragment):
    path = tmp_path / "file.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TrackerDataError) as info:
        load_trackers(path)
    assert fragment in str(info.value)
    assert str(path) in str(info.value)


def test_binary_file(tmp_path):
    path = tmp_path / "image.json"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(TrackerDataError, match="not UTF-8"):
        load_trackers(path)


def test_snapshot_never_holds_anything_but_tracker_data(tmp_path):
    path = save_snapshot(load_trackers("sample"), tmp_path / "s.json", source="https://api.symbl.ai")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert set(document) == {"format", "schema_version", "saved_at", "source", "n_trackers", "trackers"}


def test_public_name():
    assert trackerkit.save_snapshot is save_snapshot


def test_json_nested_absurdly_deep_is_a_clear_error(tmp_path):
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(TrackerDataError, match="nested too deeply"):
        load_trackers(path)
