"""The emulator's writes: Symbl's create/update/delete endpoints of both generations, with its
validation and errors, over real loopback HTTP through the client's ``write``."""

from __future__ import annotations

import threading

import pytest

from trackerkit import SymblClient
from trackerkit.emulator import Fault, SymblEmulator
from trackerkit.errors import (
    BadRequestError,
    ConflictError,
    PayloadTooLargeError,
    RateLimitError,
    TrackerNotFoundError,
    TransportError,
)

pytestmark = pytest.mark.network

FIVE = ["one", "two", "three", "four", "five"]


@pytest.fixture
def emu():
    return SymblEmulator([{"id": "1", "name": "Foo", "vocabulary": list(FIVE)}])


@pytest.fixture
def client(emu):
    with emu.serve() as url, SymblClient(token=emu.issue_token(), base_url=url, timeout=10.0) as c:
        yield c


def test_create_one_older_and_newer_and_bulk(emu, client):
    made = client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    assert made["tracker"]["name"] == "A" and made["tracker"]["id"].isdigit()
    newer = {"name": "B", "vocabulary": FIVE, "categories": ["x"], "languages": ["en-US"]}
    assert client.write("POST", "/v1/manage/trackers", newer)["tracker"]["name"] == "B"
    extra = {"categories": [], "languages": ["en-US"]}
    bulk = client.write(
        "POST", "/v1/manage/trackers/bulk", [{"name": n, "vocabulary": FIVE, **extra} for n in "CD"]
    )
    assert [t["name"] for t in bulk["trackers"]] == ["C", "D"]
    older_bulk = client.write("POST", "/v1/manage/trackers", [{"name": "E", "vocabulary": FIVE}])
    assert [t["name"] for t in older_bulk["trackers"]] == ["E"]
    assert [t.name for t in client.list_trackers()] == ["Foo", "A", "B", "C", "D", "E"]
    assert len({t.id for t in client.list_trackers()}) == 6


def test_newer_create_requires_categories_and_languages(client):
    with pytest.raises(BadRequestError, match="categories is required; languages is required"):
        client.write("POST", "/v1/manage/trackers", {"name": "B", "vocabulary": FIVE})


@pytest.mark.parametrize(
    ("vocabulary", "message"),
    [
        (FIVE[:4], "5 to 50 phrases, has 4"),
        ([f"p{i}" for i in range(51)], "5 to 50 phrases, has 51"),
        ([*FIVE, "One"], "duplicate phrase 'One'"),
        ([*FIVE, "hi [name]"], "characters not allowed"),
        ([*FIVE, "  "], "a phrase is empty"),
    ],
)
def test_rule_violations_are_400_with_a_message_and_change_nothing(emu, client, vocabulary, message):
    with pytest.raises(BadRequestError, match=message.replace("[", r"\[")):
        client.write("POST", "/v1/manage/tracker", {"name": "New", "vocabulary": vocabulary})
    assert [t.name for t in emu.trackers] == ["Foo"] and emu.write_log == []


def test_names_conflict_case_sensitively(client):
    client.write("POST", "/v1/manage/tracker", {"name": "foo", "vocabulary": FIVE})  # allowed
    with pytest.raises(ConflictError) as info:
        client.write("POST", "/v1/manage/tracker", {"name": "Foo", "vocabulary": FIVE})
    assert info.value.status == 409
    made = client.write("POST", "/v1/manage/tracker", {"name": "Bar", "vocabulary": FIVE})["tracker"]
    with pytest.raises(ConflictError):  # a rename onto a taken name
        client.write(
            "PATCH", f"/v1/manage/trackers/{made['id']}", [{"op": "replace", "path": "/name", "value": "Foo"}]
        )


def test_body_over_one_megabyte_is_413(emu, client):
    big = {"name": "Big", "vocabulary": [*FIVE, "x" * (1024 * 1024)]}
    with pytest.raises(PayloadTooLargeError) as info:
        client.write("POST", "/v1/manage/tracker", big)
    assert info.value.status == 413 and len(emu.trackers) == 1


def test_put_replaces_the_whole_tracker_or_merges_when_told(emu, client):
    new = ["six", "seven", "eight", "nine", "ten"]
    got = client.write("PUT", "/v1/manage/tracker/1", {"id": "1", "name": "Foo", "vocabulary": new})
    assert got["tracker"]["vocabulary"] == new and emu.trackers[0].vocabulary == tuple(new)
    emu.put_merges = True
    client.write("PUT", "/v1/manage/tracker/1", {"id": "1", "name": "Foo", "vocabulary": FIVE})
    assert emu.trackers[0].vocabulary == tuple(new + FIVE)


def test_patch_applies_json_patch_operations(emu, client):
    ops = [
        {"op": "replace", "path": "/name", "value": "Renamed"},
        {"op": "add", "path": "/vocabulary/-", "value": "six"},
        {"op": "replace", "path": "/vocabulary/0", "value": "uno"},
        {"op": "remove", "path": "/vocabulary/1"},
        {"op": "add", "path": "/description", "value": "d"},
    ]
    got = client.write("PATCH", "/v1/manage/trackers/1", ops)["tracker"]
    assert got == {
        "id": "1",
        "name": "Renamed",
        "vocabulary": ["uno", "three", "four", "five", "six"],
        "description": "d",
    }
    with pytest.raises(BadRequestError, match="Request body must be an array"):
        client.write("PATCH", "/v1/manage/trackers/1", {"op": "replace", "path": "/name", "value": "x"})
    with pytest.raises(BadRequestError, match="cannot be changed"):
        client.write("PATCH", "/v1/manage/trackers/1", [{"op": "replace", "path": "/id", "value": "2"}])
    with pytest.raises(BadRequestError, match="5 to 50"):  # the result is checked against the rules
        client.write("PATCH", "/v1/manage/trackers/1", [{"op": "remove", "path": "/vocabulary/0"}])
    assert emu.trackers[0].name == "Renamed"


def test_delete_both_routes_and_404(emu, client):
    client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    a = emu.trackers[1].id
    assert client.write("DELETE", "/v1/manage/tracker/1") == {"id": "1", "type": "tracker", "deleted": True}
    client.write("DELETE", f"/v1/manage/trackers/{a}")
    assert emu.trackers == []
    with pytest.raises(TrackerNotFoundError):
        client.write("DELETE", "/v1/manage/tracker/1")
    with pytest.raises(TrackerNotFoundError):
        client.write("PUT", "/v1/manage/tracker/1", {"id": "1", "name": "Foo", "vocabulary": FIVE})


def test_account_limit_of_500(client):
    emu = SymblEmulator([{"id": "1", "name": "Foo", "vocabulary": FIVE}], max_trackers=2)
    with emu.serve() as url, SymblClient(token=emu.issue_token(), base_url=url) as c:
        c.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
        with pytest.raises(BadRequestError, match="at most 2 trackers"):
            c.write("POST", "/v1/manage/tracker", {"name": "B", "vocabulary": FIVE})


def test_a_second_overlapping_write_gets_429(emu):
    emu.script(Fault.delay(3.0), method="write")  # the first write is held in flight
    errors: list[Exception] = []
    with emu.serve() as url:
        token = emu.issue_token()

        def first() -> None:
            with SymblClient(token=token, base_url=url) as c:
                c.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})

        thread = threading.Thread(target=first)
        thread.start()
        with SymblClient(token=token, base_url=url) as c:
            while emu.writes_in_flight == 0:  # wait until the first write is in the server
                threading.Event().wait(0.005)
            try:
                c.write("POST", "/v1/manage/tracker", {"name": "B", "vocabulary": FIVE})
            except RateLimitError as exc:
                errors.append(exc)
        thread.join()
    assert len(errors) == 1 and errors[0].status == 429
    assert [t.name for t in emu.trackers] == ["Foo", "A"]
    assert emu.max_writes_in_flight == 2  # the overlap really happened


def test_the_write_that_arrives_second_is_refused_however_threads_are_scheduled(emu, monkeypatch):
    # Each write's server thread is descheduled between arriving and being handled, so both are
    # in flight when either is handled: the one that arrived second is refused, the first applied.
    import time

    handle = SymblEmulator.handle
    arrived = threading.Event()

    def slow_to_start(self, method, target, headers, body=b""):
        if method == "POST":
            arrived.set()
            time.sleep(0.5)
        return handle(self, method, target, headers, body)

    monkeypatch.setattr(SymblEmulator, "handle", slow_to_start)
    errors: list[Exception] = []
    with emu.serve() as url:
        token = emu.issue_token()

        def first() -> None:
            with SymblClient(token=token, base_url=url) as c:
                c.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})

        thread = threading.Thread(target=first)
        thread.start()
        arrived.wait(30)
        with SymblClient(token=token, base_url=url) as c:
            try:
                c.write("POST", "/v1/manage/tracker", {"name": "B", "vocabulary": FIVE})
            except RateLimitError as exc:
                errors.append(exc)
        thread.join()
    assert [e.status for e in errors] == [429]
    assert [t.name for t in emu.trackers] == ["Foo", "A"]


def test_reset_applies_nothing_and_drop_applies_but_loses_the_answer(emu, client):
    emu.script(Fault.reset(), method="write")
    with pytest.raises(TransportError):
        client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    assert [t.name for t in emu.trackers] == ["Foo"]
    emu.script(Fault.drop(), method="write")
    with pytest.raises(TransportError):
        client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    assert [t.name for t in emu.trackers] == ["Foo", "A"]  # applied, the answer lost


def test_a_write_is_out_of_flight_before_its_client_sees_the_answer(emu, client, monkeypatch):
    # The server thread may be descheduled right after answering (a loaded machine): it must
    # not still count the write then, or the client's next write meets a 429 it did not cause.
    import contextlib
    import time

    flight = SymblEmulator._flight

    @contextlib.contextmanager
    def slow_to_leave(self, method="GET"):
        with flight(self, method):
            yield
            time.sleep(0.3)  # still counted here

    monkeypatch.setattr(SymblEmulator, "_flight", slow_to_leave)
    emu.script(Fault.reset(), method="write")
    with pytest.raises(TransportError):
        client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    assert emu.writes_in_flight == 0
    client.write("POST", "/v1/manage/tracker", {"name": "A", "vocabulary": FIVE})
    assert emu.writes_in_flight == 0
    client.write("POST", "/v1/manage/tracker", {"name": "B", "vocabulary": FIVE})
    assert [t.name for t in emu.trackers] == ["Foo", "A", "B"]


def test_write_faults_leave_reads_alone(emu, client):
    emu.script(503, method="write")
    assert [t.name for t in client.list_trackers()] == ["Foo"]  # the GET is not the scripted one
    with pytest.raises(Exception, match="503"):
        client.write("DELETE", "/v1/manage/tracker/1")
    assert len(emu.trackers) == 1
