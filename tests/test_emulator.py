"""The emulator speaks the documented protocol: routes, tokens, error bodies, pagination, and
what it accepts as an account; plus its two ways to run (in process and on loopback)."""

from __future__ import annotations

import json
import subprocess
import sys

import httpx
import pytest

import trackerkit
from trackerkit import TransportError
from trackerkit.emulator import Fault, SymblEmulator
from trackerkit.model import parse_trackers


def get(emulator, target, token=None, **headers):
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    reply = emulator.handle("GET", target, headers)
    return reply.status, json.loads(reply.body)


def test_token_endpoint(emulator):
    body = json.dumps({"type": "application", "appId": emulator.app_id, "appSecret": emulator.app_secret})
    reply = emulator.handle("POST", "/oauth2/token:generate", {}, body.encode())
    data = json.loads(reply.body)
    assert reply.status == 200
    assert data["expiresIn"] == 86400
    assert data["accessToken"] in emulator.issued_tokens
    assert get(emulator, "/v1/manage/trackers", data["accessToken"])[0] == 200


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b'{"type": "application", "appId": "emulator-app-id", "appSecret": "nope"}', 401),
        (b'{"type": "user", "appId": "emulator-app-id", "appSecret": "emulator-app-secret"}', 400),
        (b"not json", 400),
    ],
)
def test_token_endpoint_refusals(emulator, body, status):
    reply = emulator.handle("POST", "/oauth2/token:generate", {}, body)
    assert reply.status == status
    assert set(json.loads(reply.body)) == {"message"}


def test_both_by_id_paths_and_symbl_shaped_404(emulator, account):
    token = emulator.issue_token()
    for prefix in ("/v1/manage/tracker/", "/v1/manage/trackers/"):
        assert get(emulator, prefix + account[2]["id"], token) == (200, {"tracker": account[2]})
    status, body = get(emulator, "/v1/manage/tracker/123", token)
    assert (status, body["message"]) == (404, "Tracker with id 123 not found")


def test_list_and_by_name(emulator, account):
    token = emulator.issue_token()
    assert get(emulator, "/v1/manage/trackers", token) == (200, {"trackers": account})
    assert get(emulator, "/v1/manage/trackers?name=Tracker%20004", token) == (200, {"trackers": [account[4]]})
    assert get(emulator, "/v1/manage/trackers?name=tracker%20004", token) == (200, {"trackers": []})


@pytest.mark.parametrize(
    ("target", "status"),
    [
        ("/v1/manage/trackers?name=", 400),
        ("/v1/manage/trackers?color=red", 400),
        ("/v1/manage/trackers?nextToken=garbage!", 400),
        ("/v1/manage/tracker/1?x=1", 400),
        ("/v1/conversations", 404),
    ],
)
def test_bad_requests_get_symbl_shaped_errors(emulator, target, status):
    code, body = get(emulator, target, emulator.issue_token())
    assert code == status
    assert isinstance(body["message"], str)


def test_writes_need_a_valid_token_and_unknown_methods_are_refused(emulator):
    # The emulator writes since issue 16 (tests/test_changes_emulator.py); never without a token.
    before = emulator.trackers
    reply = emulator.handle("POST", "/v1/manage/trackers", {"Authorization": "Bearer x"}, b"{}")
    assert reply.status == 401 and emulator.trackers == before and emulator.write_log == []
    token = emulator.issue_token()
    reply = emulator.handle("OPTIONS", "/v1/manage/trackers", {"Authorization": f"Bearer {token}"})
    assert reply.status == 405


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Missing access token"),
        ({"Authorization": "Basic abc"}, "Authorization header must be 'Bearer <token>'"),
        ({"Authorization": "Bearer nope"}, "Invalid access token"),
        ({"x-api-key": "nope"}, "Invalid access token"),
    ],
)
def test_requests_without_a_valid_token_get_401(emulator, headers, message):
    assert get(emulator, "/v1/manage/trackers", **headers) == (401, {"message": message})


def test_deprecated_x_api_key_and_expired_tokens(emulator):
    token = emulator.issue_token(ttl=3600)
    assert get(emulator, "/v1/manage/trackers", **{"x-api-key": token})[0] == 200
    emulator.expire_tokens()
    assert get(emulator, "/v1/manage/trackers", token) == (401, {"message": "Access token expired"})


def test_pagination_with_next_token(account):
    emulator = SymblEmulator(account, page_size=12)
    token = emulator.issue_token()
    _, first = get(emulator, "/v1/manage/trackers", token)
    _, second = get(emulator, f"/v1/manage/trackers?nextToken={first['nextToken']}", token)
    _, third = get(emulator, f"/v1/manage/trackers?nextToken={second['nextToken']}", token)
    assert first["trackers"] + second["trackers"] + third["trackers"] == account
    assert "nextToken" not in third


def test_scripts_apply_in_order_and_only_under_their_path(emulator):
    token = emulator.issue_token()
    emulator.script(503, None, Fault.rate_limit("7"))
    body = json.dumps({"type": "application", "appId": emulator.app_id, "appSecret": emulator.app_secret})
    assert emulator.handle("POST", "/oauth2/token:generate", {}, body.encode()).status == 200  # untouched
    assert get(emulator, "/v1/manage/trackers", token)[0] == 503
    assert get(emulator, "/v1/manage/trackers", token)[0] == 200
    reply = emulator.handle("GET", "/v1/manage/trackers", {"Authorization": f"Bearer {token}"})
    assert (reply.status, reply.headers["Retry-After"]) == (429, "7")
    assert get(emulator, "/v1/manage/trackers", token)[0] == 200
    assert emulator.requests["/v1/manage/trackers"] == 4
    assert emulator.count() == 5


def test_script_steps_are_checked(emulator):
    with pytest.raises(TypeError):
        emulator.script("503")
    with pytest.raises(ValueError, match="needs a fault"):
        emulator.always(None)


# -- what it accepts as an account --------------------------------------------------------


def test_default_account_is_the_sample():
    from trackerkit.sample import sample_payload

    assert SymblEmulator().trackers == parse_trackers(sample_payload())


def test_accepts_a_trackers_frame_a_snapshot_and_tracker_records(account, tmp_path):
    frame = trackerkit.load_trackers(account)
    path = trackerkit.save_snapshot(frame, tmp_path / "snap.json")
    expected = parse_trackers(account)
    assert SymblEmulator(frame).trackers == expected
    assert SymblEmulator(path).trackers == expected
    assert SymblEmulator(str(path)).trackers == expected
    assert SymblEmulator(expected).trackers == expected
    assert SymblEmulator({"trackers": account}).trackers == expected


def test_importing_the_emulator_does_not_import_pandas():
    code = "import sys, trackerkit.emulator; print('pandas' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_importing_trackerkit_does_not_import_httpx():
    code = "import sys, trackerkit; print('httpx' in sys.modules, 'trackerkit.api' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False False"


# -- in process: transport faults show as network errors ----------------------------------


def test_transport_turns_a_drop_and_a_slow_body_into_transport_errors(emulator, account):
    emulator.script(Fault.drop(), Fault.slow_body(10.0))
    with trackerkit.SymblClient(
        token=emulator.issue_token(), transport=emulator.transport(), timeout=0.05, max_retries=0
    ) as client:
        with pytest.raises(TransportError, match="RemoteProtocolError"):
            client.list_trackers()
        with pytest.raises(TransportError, match="ReadTimeout"):
            client.list_trackers()
        assert len(client.list_trackers()) == len(account)


# -- over loopback ------------------------------------------------------------------------


@pytest.mark.network
def test_serve_gives_a_loopback_url_and_stops_cleanly(emulator):
    with emulator.serve() as url:
        assert url.startswith("http://127.0.0.1:")
        assert emulator.url == url
        response = httpx.get(url + "/v1/manage/trackers")
        assert response.status_code == 401
        assert response.json() == {"message": "Missing access token"}
        assert response.headers["content-type"].startswith("application/json")
    assert emulator.url is None
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/v1/manage/trackers", timeout=1)


@pytest.mark.network
def test_server_counts_requests_and_in_flight(emulator, account):
    import threading

    emulator.latency = 0.5  # each request held long enough for the three to overlap, even under load
    token = emulator.issue_token()
    start = threading.Barrier(3)

    def get(tracker_id: str) -> None:
        start.wait()  # the three requests leave together
        httpx.get(f"{url}/v1/manage/tracker/{tracker_id}", headers={"Authorization": f"Bearer {token}"})

    with emulator.serve() as url:
        threads = [threading.Thread(target=get, args=(t["id"],)) for t in account[:3]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert emulator.max_in_flight == 3
    assert emulator.count("/v1/manage/tracker/") == 3
    assert emulator.in_flight == 0
    emulator.reset_counters()
    assert emulator.count() == 0
