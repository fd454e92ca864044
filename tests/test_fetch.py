"""fetch_trackers: the account, or some ids/names of it, straight into the trackers frame."""

from __future__ import annotations

import pandas as pd
import pytest

import trackerkit
from trackerkit import CredentialsError, SymblClient, TrackerNotFoundError
from trackerkit.constants import TRACKER_COLUMNS
from trackerkit.frames import trackers_frame
from trackerkit.model import parse_trackers


@pytest.fixture
def client(emulator):
    with SymblClient(token=emulator.issue_token(), transport=emulator.transport()) as client:
        yield client


def test_the_whole_account_as_the_trackers_frame(client, account):
    frame = trackerkit.fetch_trackers(client)
    assert tuple(frame.columns) == TRACKER_COLUMNS
    pd.testing.assert_frame_equal(frame, trackers_frame(parse_trackers(account)))


def test_ids_and_names_without_duplicates(client, account, emulator):
    frame = trackerkit.fetch_trackers(
        client, ids=[account[3]["id"], account[1]["id"]], names=["Tracker 001", "Tracker 007"], progress=False
    )
    assert frame["name"].tolist() == ["Tracker 003", "Tracker 001", "Tracker 007"]
    assert emulator.count("/v1/manage/tracker/") == 2
    assert emulator.requests["/v1/manage/trackers"] == 2


def test_a_single_id_or_name_is_accepted(client, account):
    assert trackerkit.fetch_trackers(client, ids=account[0]["id"])["name"].tolist() == ["Tracker 000"]
    assert trackerkit.fetch_trackers(client, names="Tracker 002")["name"].tolist() == ["Tracker 002"]


def test_everything_missing_is_listed_in_one_error(client, account):
    with pytest.raises(TrackerNotFoundError) as info:
        trackerkit.fetch_trackers(client, ids=["1", account[0]["id"], "2"], names=["Tracker 000", "Nope"])
    assert info.value.keys == ["1", "2", "Nope"]


@pytest.mark.network
def test_over_loopback_http(emulator, emulator_url, account):
    options = {"app_id": emulator.app_id, "app_secret": emulator.app_secret, "base_url": emulator_url}
    with SymblClient(**options) as client:
        frame = trackerkit.fetch_trackers(client, ids=[t["id"] for t in account], progress=False)
        assert trackerkit.load_trackers(client)["tracker_id"].tolist() == frame["tracker_id"].tolist()
    assert frame["tracker_id"].tolist() == [t["id"] for t in account]


def test_the_sample_account_through_the_client_is_the_package_data():
    from trackerkit.emulator import sample_emulator

    before = sample_emulator().requests["/v1/manage/trackers"]
    frame = trackerkit.fetch_trackers("sample")
    assert sample_emulator().requests["/v1/manage/trackers"] == before + 1  # it went through the API
    pd.testing.assert_frame_equal(frame, trackerkit.load_trackers("sample"))


def test_no_client_and_no_credentials_says_how_to_get_them(monkeypatch, tmp_path):
    for name in ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CredentialsError, match=r'SYMBL_APP_ID.*symbl.conf.*load_trackers\("sample"\)'):
        trackerkit.fetch_trackers()


def test_no_client_uses_the_environment(monkeypatch, emulator):
    """With credentials in the environment, fetch_trackers() builds (and closes) its own client;
    here it tries api.symbl.ai, which this machine cannot reach: we stop it at the transport."""
    import httpx

    monkeypatch.setenv("SYMBL_ACCESS_TOKEN", emulator.issue_token())
    built: list[SymblClient] = []
    original = SymblClient._new_http

    def offline(self, transport):
        built.append(self)
        return original(self, emulator.transport())

    monkeypatch.setattr(SymblClient, "_new_http", offline)
    frame = trackerkit.fetch_trackers()
    assert len(frame) == len(emulator.trackers)
    assert built[0]._http.is_closed
    assert isinstance(built[0]._http, httpx.Client)


def test_other_clients_are_refused(emulator):
    async_client = trackerkit.AsyncSymblClient(token="t", transport=emulator.transport())
    with pytest.raises(trackerkit.InvalidParameterError, match="AsyncSymblClient") as info:
        trackerkit.fetch_trackers(async_client)
    assert info.value.parameter == "client"
    with pytest.raises(trackerkit.InvalidParameterError, match="sample"):
        trackerkit.fetch_trackers("samples")
    with pytest.raises(trackerkit.InvalidParameterError, match="got int"):
        trackerkit.fetch_trackers(3)


@pytest.mark.parametrize(("option", "value"), [("concurrency", 0), ("progress", "yes")])
def test_bad_options_are_refused_before_any_request(client, emulator, option, value):
    with pytest.raises(trackerkit.InvalidParameterError, match=option):
        trackerkit.fetch_trackers(client, ids=["1"], **{option: value})
    assert emulator.count("/") == 0
