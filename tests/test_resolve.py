"""The resolver: ids, exact names, case-insensitive names, unknown and ambiguous keys."""

from __future__ import annotations

import pytest

from trackerkit import AmbiguousTrackerError, TrackerDataError, TrackerNotFoundError, load_trackers, resolve
from trackerkit.lookup import resolve_many, select_trackers


@pytest.fixture
def trackers():
    return load_trackers(
        [
            {"id": "4476908732794496", "name": "Promotion Mention", "vocabulary": ["a"]},
            {"id": "5807963341258752", "name": "Competitor Mention", "vocabulary": ["b"]},
            {"id": "6000000000000001", "name": "competitor mention", "vocabulary": ["c"]},
            {"id": "6000000000000002", "name": "Cancelación", "vocabulary": ["d"]},
            # a name that looks like another tracker's id: the id wins
            {"id": "6000000000000003", "name": "4476908732794496", "vocabulary": ["e"]},
        ]
    )


def test_by_id(trackers):
    assert resolve(trackers, "5807963341258752") == "5807963341258752"


def test_by_int_id(trackers):
    assert resolve(trackers, 5807963341258752) == "5807963341258752"


def test_an_id_wins_over_a_name_equal_to_it(trackers):
    assert resolve(trackers, "4476908732794496") == "4476908732794496"


def test_by_exact_name_is_case_sensitive(trackers):
    assert resolve(trackers, "Competitor Mention") == "5807963341258752"
    assert resolve(trackers, "competitor mention") == "6000000000000001"


def test_case_insensitive_when_unique(trackers):
    assert resolve(trackers, "PROMOTION mention") == "4476908732794496"
    assert resolve(trackers, "  promotion mention ") == "4476908732794496"
    assert resolve(trackers, "CANCELACIÓN") == "6000000000000002"


def test_ambiguous_lists_the_candidates(trackers):
    with pytest.raises(AmbiguousTrackerError) as info:
        resolve(trackers, "COMPETITOR MENTION")
    assert info.value.candidates == [
        ("5807963341258752", "Competitor Mention"),
        ("6000000000000001", "competitor mention"),
    ]
    assert "'Competitor Mention' (5807963341258752)" in str(info.value)
    assert isinstance(info.value, LookupError)


def test_unknown_suggests_close_names(trackers):
    with pytest.raises(TrackerNotFoundError) as info:
        resolve(trackers, "Promotion Mentions")
    assert info.value.keys == ["Promotion Mentions"]
    assert info.value.suggestions["Promotion Mentions"][0] == "Promotion Mention"
    assert "did you mean 'Promotion Mention'" in str(info.value)
    assert info.value.status is None


def test_unknown_with_nothing_close(trackers):
    with pytest.raises(TrackerNotFoundError, match=r"no tracker with this name or id: 'zzz'$"):
        resolve(trackers, "zzz")


def test_several_unknown_keys_in_one_error(trackers):
    with pytest.raises(TrackerNotFoundError) as info:
        resolve_many(trackers, ["Promotion Mention", "nope", "123"])
    assert info.value.keys == ["nope", "123"]


@pytest.mark.parametrize("key", [None, 1.5, True, ["a"]])
def test_a_key_of_the_wrong_type(trackers, key):
    with pytest.raises(TrackerDataError, match="name or an id"):
        resolve(trackers, key)


def test_select_keeps_the_given_order_and_mixes_names_and_ids(trackers):
    sub = select_trackers(trackers, ["Cancelación", "4476908732794496", "promotion MENTION"])
    assert sub["name"].tolist() == ["Cancelación", "Promotion Mention"]
    assert sub.index.tolist() == [0, 1]


def test_select_none_keeps_all_and_a_single_key_works(trackers):
    assert select_trackers(trackers, None) is trackers or len(select_trackers(trackers, None)) == 5
    assert select_trackers(trackers, "Cancelación")["tracker_id"].tolist() == ["6000000000000002"]


def test_sample_account_documented_example():
    sample = load_trackers("sample")
    assert resolve(sample, "4476908732794496") == resolve(sample, "Promotion Mention")
    assert select_trackers(sample, ["Voice Message", "4476908732794496"])["name"].tolist() == [
        "Voice Message",
        "Promotion Mention",
    ]


def test_importing_every_module_keeps_the_public_functions():
    import importlib
    import pkgutil

    import trackerkit

    for module in pkgutil.walk_packages(trackerkit.__path__, "trackerkit."):
        if module.name != "trackerkit.__main__":
            importlib.import_module(module.name)
    assert callable(trackerkit.resolve)
    assert callable(trackerkit.select_trackers)
    for name in trackerkit._LAZY:
        assert not isinstance(getattr(trackerkit, name), type(trackerkit)), name


def test_two_trackers_with_one_exact_name_are_ambiguous():
    frame = load_trackers(
        [
            {"id": "1", "name": "Dup", "vocabulary": ["a"]},
            {"id": "2", "name": "Dup", "vocabulary": ["b"]},
        ]
    )
    with pytest.raises(AmbiguousTrackerError) as info:
        resolve(frame, "Dup")
    assert [tid for tid, _ in info.value.candidates] == ["1", "2"]
    assert resolve(frame, "2") == "2"
