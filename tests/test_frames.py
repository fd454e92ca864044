"""The trackers frame and the vocabulary frame."""

from __future__ import annotations

import pandas as pd
import pytest

import trackerkit
from trackerkit import TrackerDataError, load_trackers, normalize_phrase, vocabulary_frame
from trackerkit.constants import TRACKER_COLUMNS, VOCABULARY_COLUMNS
from trackerkit.frames import build_vocabulary_frame, frame_to_trackers

PAYLOAD = {
    "trackers": [
        {
            "id": "111",
            "name": "Pricing",
            "vocabulary": ["How much is it?", "how  much IS it", "price list"],
            "languages": ["en-US"],
            "createdOn": "2024-01-01T00:00:00Z",
            "plan": "pro",
        },
        {
            "id": "222",
            "name": "Cancelación",
            "vocabulary": ["¿Cómo puedo cancelar?", "Quiero darme de baja"],
            "languages": ["es-ES"],
        },
        {"id": "333", "name": "Empty", "vocabulary": []},
    ]
}


@pytest.fixture
def frame():
    return load_trackers(PAYLOAD)


def test_trackers_frame_columns_and_values(frame):
    assert tuple(frame.columns) == TRACKER_COLUMNS
    assert frame["tracker_id"].tolist() == ["111", "222", "333"]
    assert frame["n_phrases"].tolist() == [3, 2, 0]
    # "How much is it?" and "how  much IS it" are one phrase once normalized
    assert frame["n_unique_phrases"].tolist() == [2, 2, 0]
    assert frame.loc[0, "vocabulary"] == ["How much is it?", "how  much IS it", "price list"]
    assert frame.loc[1, "languages"] == ["es-ES"]
    assert frame.loc[0, "created_on"] == "2024-01-01T00:00:00Z"
    assert frame.loc[0, "extra"] == {"plan": "pro"}
    assert frame["n_phrases"].dtype == "int64"


def test_vocabulary_frame(frame):
    phrases = vocabulary_frame(frame)
    assert tuple(phrases.columns) == VOCABULARY_COLUMNS
    assert len(phrases) == 5
    assert phrases["tracker_name"].tolist() == ["Pricing"] * 3 + ["Cancelación"] * 2
    assert phrases["position"].tolist() == [0, 1, 2, 0, 1]
    assert phrases["phrase"].iloc[3] == "¿Cómo puedo cancelar?"
    assert phrases["phrase_norm"].tolist() == [
        "how much is it",
        "how much is it",
        "price list",
        "cómo puedo cancelar",
        "quiero darme de baja",
    ]
    assert phrases["n_words"].tolist() == [4, 4, 2, 3, 4]


def test_vocabulary_frame_accepts_any_source():
    assert len(vocabulary_frame(PAYLOAD)) == 5
    assert len(vocabulary_frame(PAYLOAD["trackers"])) == 5


def test_the_public_vocabulary_frame_is_the_pure_builder_over_any_source(frame):
    pd.testing.assert_frame_equal(vocabulary_frame(PAYLOAD), build_vocabulary_frame(frame))


def test_frames_hold_no_metadata_in_attrs(frame):
    # pandas documents DataFrame.attrs as experimental and many operations drop it
    assert frame.attrs == {}
    assert load_trackers("sample").attrs == {}
    assert vocabulary_frame(frame).attrs == {}


def test_vocabulary_frame_of_an_empty_account_has_the_columns():
    phrases = vocabulary_frame({"trackers": []})
    assert phrases.empty
    assert tuple(phrases.columns) == VOCABULARY_COLUMNS


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Can I get a   DISCOUNT? ", "can i get a discount"),
        ("ＦＵＬＬ　ｗｉｄｔｈ", "full width"),  # NFKC folds full-width forms and the ideographic space
        ("Straße", "strasse"),  # case folding, not just lower()
        ("...50% off!!", "50% off"),
        ("[company name] speaking", "company name] speaking"),
        ("don't stop", "don't stop"),
        ("¡Hola!", "hola"),
        ("   ", ""),
    ],
)
def test_normalize_phrase(raw, expected):
    assert normalize_phrase(raw) == expected


def test_frame_round_trip_to_records(frame):
    assert trackerkit.trackers_frame(frame_to_trackers(frame)).equals(frame)


def test_load_trackers_from_a_frame_copies_it(frame):
    again = load_trackers(frame)
    assert again.equals(frame)
    assert again is not frame


def test_a_frame_missing_columns_is_completed():
    partial = pd.DataFrame({"tracker_id": ["1"], "name": ["A"], "vocabulary": [["x", "X"]]})
    full = load_trackers(partial)
    assert tuple(full.columns) == TRACKER_COLUMNS
    assert full.loc[0, "n_unique_phrases"] == 1


def test_a_vocabulary_frame_given_as_trackers_says_so(frame):
    with pytest.raises(TrackerDataError, match="vocabulary frame"):
        trackerkit.resolve(vocabulary_frame(frame), "Pricing")


def test_a_frame_with_a_bad_vocabulary_names_the_row():
    bad = pd.DataFrame({"tracker_id": ["1", "2"], "name": ["A", "B"], "vocabulary": [["x"], "oops"]})
    with pytest.raises(TrackerDataError, match=r"entry 1, id '2', field 'vocabulary'"):
        load_trackers(bad)


def test_a_frame_with_duplicate_ids_is_refused():
    bad = pd.DataFrame({"tracker_id": ["1", "1"], "name": ["A", "B"], "vocabulary": [["x"], ["y"]]})
    with pytest.raises(TrackerDataError, match="duplicate id"):
        load_trackers(bad)


@pytest.mark.parametrize("source", [3.5, None, b"bytes"])
def test_unloadable_sources_get_a_clear_error(source):
    with pytest.raises(TrackerDataError, match="cannot load trackers"):
        load_trackers(source)


def test_a_missing_file_or_misspelt_sample(tmp_path):
    with pytest.raises(TrackerDataError, match="no such file"):
        load_trackers(tmp_path / "nope.json")
    with pytest.raises(TrackerDataError, match="'sample'"):
        load_trackers("samples")


def test_import_is_lazy():
    import subprocess
    import sys

    code = (
        "import sys, trackerkit\n"
        "heavy = ('httpx', 'sklearn', 'matplotlib', 'ipywidgets', 'pandas', 'scipy')\n"
        "print(','.join(m for m in heavy if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_lazy_names_resolve_and_unknown_names_fail():
    assert trackerkit.load_trackers is load_trackers
    assert "similarity_matrix" in dir(trackerkit)
    with pytest.raises(AttributeError, match="no_such_thing"):
        trackerkit.no_such_thing  # noqa: B018
