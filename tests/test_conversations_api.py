"""Conversations through the client, over real loopback HTTP against the emulator: listing
with paging and an explicit window, messages, tracker results (``/trackers-detected`` falling
back to ``/trackers``), batches with bounded concurrency, the same errors, retries and
redaction as for trackers; and the frames equal what ``load_conversations("sample")`` and
``load_tracker_results("sample")`` give for the same conversations. Both client flavours."""

from __future__ import annotations

import datetime as dt
import json
import logging
import subprocess
import sys
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest

import trackerkit as tk
from trackerkit import (
    AuthenticationError,
    BadRequestError,
    DeadlineExceededError,
    InvalidParameterError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    TrackerDataError,
    TrackerNotFoundError,
)
from trackerkit.api import AsyncSymblClient, ConversationList, SymblClient
from trackerkit.conversation import ConversationDataWarning, parse_results_document
from trackerkit.emulator import Fault, SymblEmulator

pytestmark = pytest.mark.network

UTC = dt.timezone.utc
LIST = "/v1/conversations"
ONE = "/v1/conversations/"
WINDOW = {"start_time": "2026-05-01", "end_time": "2026-09-01"}  # holds all 120 sample calls


# -- fixtures and helpers -------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_messages() -> pd.DataFrame:
    return tk.load_conversations("sample")


@pytest.fixture(scope="module")
def sample_hits() -> pd.DataFrame:
    return tk.load_tracker_results("sample")


@pytest.fixture(scope="module")
def sample_ids(sample_messages) -> list[str]:
    """The sample conversation ids, oldest first (the file's order)."""
    return list(dict.fromkeys(sample_messages["conversation_id"]))


@pytest.fixture
def conv_emulator() -> SymblEmulator:
    return SymblEmulator(conversations="sample")


@pytest.fixture
def conv_url(conv_emulator):
    with conv_emulator.serve() as url:
        yield url


def over_http(emulator: SymblEmulator, url: str, **extra: Any) -> dict[str, Any]:
    """Client options: app credentials (so the token exchange is exercised), tiny waits."""
    return {
        "app_id": emulator.app_id,
        "app_secret": emulator.app_secret,
        "base_url": url,
        "backoff_base": 0.01,
        "backoff_max": 0.05,
        "retry_after_cap": 0.05,
        "timeout": 5.0,
        **extra,
    }


def call(flavour: str, options: dict[str, Any], method: str, *args: Any, setup=None, **kwargs: Any) -> Any:
    """One method call on a fresh client of ``flavour``; ``setup(client)`` runs first."""
    import anyio

    if flavour == "sync":
        with SymblClient(**options) as client:
            if setup is not None:
                setup(client)
            return getattr(client, method)(*args, **kwargs)

    async def main() -> Any:
        async with AsyncSymblClient(**options) as client:
            if setup is not None:
                setup(client)
            return await getattr(client, method)(*args, **kwargs)

    return anyio.run(main)


def iso(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def ending(emulator: SymblEmulator, suffix: str) -> int:
    """Requests whose path ends with ``suffix`` (all conversations together)."""
    return sum(n for path, n in emulator.requests.items() if path.endswith(suffix))


def listing_queries(emulator: SymblEmulator) -> list[dict[str, str]]:
    """The query of every listing request, in order."""
    out = []
    for target in emulator.request_log:
        parts = urlsplit(target)
        if parts.path == LIST:
            out.append({k: v[0] for k, v in parse_qs(parts.query).items()})
    return out


def rows_of(frame: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    return frame[frame["conversation_id"].isin(ids)].reset_index(drop=True)


def document(*conversations: dict[str, Any]) -> dict[str, Any]:
    return {"conversations": list(conversations)}


def conversation(
    cid: str, *messages: dict[str, Any], start: str = "2026-06-02T10:00:00.000Z"
) -> dict[str, Any]:
    return {"id": cid, "name": f"Call {cid}", "startTime": start, "messages": list(messages)}


def message(mid: str, cid: str, text: Any = "Hello there", **extra: Any) -> dict[str, Any]:
    return {"id": mid, "conversationId": cid, "text": text, "from": {"name": "Ann"}, **extra}


# -- listing: paging and the window -----------------------------------------------------------


def test_listing_follows_every_page_and_reports_the_window(conv_emulator, conv_url, sample_ids, flavour):
    listing = call(flavour, over_http(conv_emulator, conv_url), "list_conversations", page_size=10, **WINDOW)
    assert isinstance(listing, ConversationList)
    assert listing.ids == sample_ids  # all 120, oldest first
    assert listing.window == (dt.datetime(2026, 5, 1, tzinfo=UTC), dt.datetime(2026, 9, 1, tzinfo=UTC))
    assert listing.complete is True
    assert listing.pages == 13  # 12 full pages, then the empty one that ends the listing
    assert conv_emulator.requests[LIST] == 13
    queries = listing_queries(conv_emulator)
    assert [q["offset"] for q in queries] == [str(10 * n) for n in range(13)]
    assert {(q["startTime"], q["endTime"], q["limit"]) for q in queries} == {
        ("2026-05-01T00:00:00.000Z", "2026-09-01T00:00:00.000Z", "10")
    }
    assert "2026-05-01T00:00:00.000Z to 2026-09-01T00:00:00.000Z" in repr(listing)


def test_a_server_that_caps_the_page_size_is_still_followed_to_the_end(sample_ids, flavour):
    emulator = SymblEmulator(conversations="sample", max_page_size=7)  # asked 100, sends 7
    with emulator.serve() as url:
        listing = call(flavour, over_http(emulator, url), "list_conversations", **WINDOW)
    assert listing.ids == sample_ids
    assert listing.pages == 19  # ceil(120 / 7) = 18 short pages, then an empty one
    assert [q["limit"] for q in listing_queries(emulator)] == ["100"] * 19


def test_without_a_window_the_client_sends_the_last_seven_days_and_says_so(conv_emulator, conv_url, flavour):
    before = dt.datetime.now(UTC)
    listing = call(flavour, over_http(conv_emulator, conv_url), "list_conversations")
    after = dt.datetime.now(UTC)
    assert before - dt.timedelta(seconds=1) <= listing.end_time <= after
    assert listing.end_time - listing.start_time == dt.timedelta(days=7)
    sent = listing_queries(conv_emulator)[0]
    assert (sent["startTime"], sent["endTime"]) == (iso(listing.start_time), iso(listing.end_time))
    assert all(listing.start_time <= c.start_time < listing.end_time for c in listing)


def test_the_window_is_half_open_on_the_start_time(conv_emulator, conv_url, sample_ids, flavour):
    listed = call(flavour, over_http(conv_emulator, conv_url), "list_conversations", **WINDOW)
    first, tenth = listed[0].start_time, listed[9].start_time
    window = call(
        flavour, over_http(conv_emulator, conv_url), "list_conversations", start_time=first, end_time=tenth
    )
    assert window.ids == sample_ids[:9]  # the first one included, the tenth (at end_time) not
    week = call(
        flavour,
        over_http(conv_emulator, conv_url),
        "list_conversations",
        start_time=dt.timedelta(days=7),
        end_time="2026-06-08",
    )
    assert week.start_time == dt.datetime(2026, 6, 1, tzinfo=UTC)
    assert week.ids == [c.id for c in listed if c.start_time < dt.datetime(2026, 6, 8, tzinfo=UTC)]


def test_max_conversations_stops_early_and_says_whether_the_window_held_more(
    conv_emulator, conv_url, sample_ids
):
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        five = client.list_conversations(max_conversations=5, page_size=3, **WINDOW)
        everything = client.list_conversations(max_conversations=120, page_size=50, **WINDOW)
    assert len(five) == 5 and five.complete is False
    assert set(five.ids) <= set(sample_ids)
    assert "stopped at max_conversations" in repr(five)
    assert everything.ids == sample_ids and everything.complete is True  # an extra request proved it


@pytest.mark.parametrize(
    ("options", "parameter"),
    [
        ({"start_time": "2026-06-08", "end_time": "2026-06-01"}, "start_time"),
        ({"start_time": "06/01/2026"}, "start_time"),
        ({"end_time": 20260601}, "end_time"),
        ({"start_time": dt.timedelta(0)}, "start_time"),
        ({"page_size": 0}, "page_size"),
        ({"max_conversations": -1}, "max_conversations"),
    ],
)
def test_listing_parameters_are_checked_before_any_request(conv_emulator, options, parameter):
    with (
        SymblClient(token=conv_emulator.issue_token(), transport=conv_emulator.transport()) as client,
        pytest.raises(InvalidParameterError) as info,
    ):
        client.list_conversations(**options)
    assert info.value.parameter == parameter
    assert conv_emulator.count() == 0


def test_a_server_that_ignores_offset_is_an_error_not_an_endless_loop(sample_ids):
    import httpx

    page = {"conversations": [{"id": sample_ids[0], "startTime": "2026-06-01T13:33:06.220Z"}]}
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, json=page)

    with (
        SymblClient(token="t" * 12, transport=httpx.MockTransport(handler), max_retries=0) as client,
        pytest.raises(ResponseFormatError, match="pagination does not advance"),
    ):
        client.list_conversations(**WINDOW)
    assert len(seen) == 2


# -- the frames equal the sample's ------------------------------------------------------------


def test_load_conversations_and_results_through_a_client_equal_the_sample(
    conv_emulator, conv_url, sample_messages, sample_hits
):
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        messages = tk.load_conversations(client, progress=False, **WINDOW)
        hits = tk.load_tracker_results(client, progress=False, **WINDOW)
    pd.testing.assert_frame_equal(messages, sample_messages)
    pd.testing.assert_frame_equal(hits, sample_hits)
    assert set(messages["language"]) == {"en-US", "es-ES"}  # from each conversation's metadata


def test_chosen_conversations_by_id_equal_the_sample_rows(
    conv_emulator, conv_url, sample_ids, sample_messages, sample_hits
):
    spanish = sample_messages.loc[sample_messages["language"] == "es-ES", "conversation_id"].unique().tolist()
    ids = sorted(set(sample_ids[::15] + spanish[:2]), key=sample_ids.index)
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        messages = tk.load_conversations(client, conversations=ids, concurrency=3, progress=False)
        hits = tk.load_tracker_results(client, conversations=ids, concurrency=3, progress=False)
        bare = tk.load_tracker_results(client, conversations=ids, messages=False, progress=False)
        given = tk.load_tracker_results(client, conversations=ids, messages=messages, progress=False)
    pd.testing.assert_frame_equal(messages, rows_of(sample_messages, ids))
    pd.testing.assert_frame_equal(hits, rows_of(sample_hits, ids))
    pd.testing.assert_frame_equal(given, hits)
    assert list(bare.columns) == list(hits.columns)
    assert bare["speaker_name"].isna().all()  # results only: Symbl's messageRefs carry no speaker
    pd.testing.assert_frame_equal(
        bare[["conversation_id", "message_id", "tracker_id", "value", "offset"]],
        hits[["conversation_id", "message_id", "tracker_id", "value", "offset"]],
    )
    # ids alone cost one more request each: the conversation's record, for its language
    assert ending(conv_emulator, "/messages") == 2 * len(ids)
    records = sum(n for p, n in conv_emulator.requests.items() if p.count("/") == 3 and p.startswith(ONE))
    assert records == 4 * len(ids)


def test_async_equals_sync(conv_emulator, conv_url, sample_ids):
    ids = sample_ids[::12]
    got = {}
    for flavour in ("sync", "async"):
        options = over_http(conv_emulator, conv_url)
        listing = call(flavour, options, "list_conversations", page_size=25, **WINDOW)
        fetched = call(flavour, options, "get_conversations", ids, tracker_results=True, progress=False)
        messages = call(flavour, options, "get_messages", listing[3])
        results = call(flavour, options, "get_tracker_results", ids[1])
        record = call(flavour, options, "get_conversation", ids[2])
        got[flavour] = (listing.conversations, listing.window, fetched, messages, results, record)
    assert got["sync"][1:] == got["async"][1:]
    assert [c.id for c in got["sync"][0]] == [c.id for c in got["async"][0]]
    assert got["sync"][0] == got["async"][0]
    assert tk.load_conversations(got["async"][2]).equals(tk.load_conversations(got["sync"][2]))


def test_an_async_client_is_refused_by_the_loaders_with_the_recipe(conv_emulator):
    client = AsyncSymblClient(token=conv_emulator.issue_token(), transport=conv_emulator.transport())
    with pytest.raises(InvalidParameterError, match=r"await client\.get_conversations"):
        tk.load_conversations(client, **WINDOW)
    with pytest.raises(InvalidParameterError, match=r"await client\.get_conversations"):
        tk.load_tracker_results(client, **WINDOW)


def test_the_loaders_say_which_window_they_listed_when_none_was_given(conv_emulator):
    with (
        SymblClient(token=conv_emulator.issue_token(), transport=conv_emulator.transport()) as client,
        pytest.warns(ConversationDataWarning, match=r"last 7 days \(the API's default window\), \d+ conv"),
    ):
        frame = tk.load_conversations(client, progress=False)
    assert list(frame.columns) == list(tk.load_conversations("sample").columns)


@pytest.mark.parametrize(
    ("source", "options", "parameter"),
    [
        ("sample", {"conversations": ["1"]}, "conversations"),
        ("sample", {"start_time": "2026-06-01"}, "start_time"),
        ("sample", {"concurrency": 2}, "concurrency"),
        ("client", {"conversations": ["1"], "start_time": "2026-06-01"}, "start_time"),
        ("client", {"columns": {"text": "t"}}, "columns"),
        ("client", {"concurrency": 0}, "concurrency"),
    ],
)
def test_loader_options_that_do_not_apply_are_refused(conv_emulator, source, options, parameter):
    with (
        SymblClient(token=conv_emulator.issue_token(), transport=conv_emulator.transport()) as client,
        pytest.raises(InvalidParameterError) as info,
    ):
        tk.load_conversations(client if source == "client" else source, **options)
    assert info.value.parameter == parameter
    assert conv_emulator.count() == 0


def test_streaming_tracker_response_events_give_the_same_hits_frame(conv_emulator, conv_url, sample_ids):
    cid = sample_ids[0]
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        hits = client.get_tracker_results(cid)
    served = json.loads(
        conv_emulator.handle("GET", f"{ONE}{cid}/trackers", {"x-api-key": conv_emulator.issue_token()}).body
    )
    events = [
        {"type": "tracker_response", "isFinal": True, "sequenceNumber": n, "trackers": [tracker]}
        for n, tracker in enumerate(served)
    ]
    pd.testing.assert_frame_equal(
        tk.hits_frame(parse_results_document(events, conversation_id=cid)), tk.hits_frame(hits)
    )


# -- tracker results: the fallback --------------------------------------------------------------


def test_results_fall_back_to_trackers_when_trackers_detected_is_404(sample_ids, sample_hits, flavour):
    emulator = SymblEmulator(conversations="sample", results_paths=("trackers",))
    ids = sample_ids[:6]
    with emulator.serve() as url:
        fetched = call(
            flavour,
            over_http(emulator, url),
            "get_conversations",
            ids,
            tracker_results=True,
            concurrency=1,
            progress=False,
        )
        single = call(flavour, over_http(emulator, url), "get_tracker_results", ids[0])
    pd.testing.assert_frame_equal(tk.hits_frame(fetched.hits), rows_of(sample_hits, ids))
    assert [h.message_id for h in single] == [
        h.message_id for h in fetched.hits if h.conversation_id == ids[0]
    ]
    # One 404 per client: each client then asks /trackers first.
    assert ending(emulator, "/trackers-detected") == 2
    assert ending(emulator, "/trackers") == 7


def test_a_server_with_trackers_detected_only_is_asked_nothing_else(sample_ids, flavour):
    emulator = SymblEmulator(conversations="sample", results_paths=("trackers-detected",))
    with emulator.serve() as url:
        call(
            flavour,
            over_http(emulator, url),
            "get_conversations",
            sample_ids[:4],
            tracker_results=True,
            progress=False,
        )
    assert ending(emulator, "/trackers-detected") == 4
    assert ending(emulator, "/trackers") == 0


def test_results_404_on_both_paths_name_the_conversation(conv_emulator, conv_url, sample_ids, flavour):
    cid = sample_ids[5]
    conv_emulator.always(404, path=f"{ONE}{cid}/trackers")  # both paths start so
    with pytest.raises(TrackerNotFoundError) as info:
        call(flavour, over_http(conv_emulator, conv_url), "get_tracker_results", cid)
    assert info.value.keys == [cid] and info.value.status == 404
    assert "/trackers-detected" in str(info.value) and str(info.value).count("/trackers") == 2
    assert ending(conv_emulator, "/trackers-detected") == 1 and ending(conv_emulator, "/trackers") == 1


# -- missing conversations --------------------------------------------------------------------


def test_unknown_conversations_are_listed_never_dropped(conv_emulator, conv_url, sample_ids, flavour):
    options = over_http(conv_emulator, conv_url)
    with pytest.raises(TrackerNotFoundError) as info:
        call(flavour, options, "get_messages", "4000000000000001")
    assert info.value.keys == ["4000000000000001"]
    assert "Conversation with id 4000000000000001 not found" in str(info.value)
    wanted = [sample_ids[0], "4000000000000001", sample_ids[1], "4000000000000002"]
    with pytest.raises(TrackerNotFoundError) as info:
        call(flavour, options, "get_conversations", wanted, progress=False)
    assert info.value.keys == ["4000000000000001", "4000000000000002"]
    fetched = call(flavour, options, "get_conversations", wanted, missing="return", progress=False)
    assert [c.id for c in fetched.conversations] == sample_ids[:2]
    assert fetched.missing == ["4000000000000001", "4000000000000002"]


def test_ids_are_checked_before_any_request(conv_emulator, conv_url, flavour):
    options = over_http(conv_emulator, conv_url)
    for method, argument in [
        ("get_messages", "../manage/trackers"),  # not a path
        ("get_tracker_results", "a/b"),
        ("get_conversation", "%2e%2e"),
        ("get_conversations", ["5360756879665530", ".."]),  # not a path
    ]:
        with pytest.raises(TrackerDataError, match="not a plausible Symbl conversation id"):
            call(flavour, options, method, argument)
    with pytest.raises(InvalidParameterError, match="not str"):
        call(flavour, options, "get_conversations", "5360756879665530")
    assert conv_emulator.count() == 0


# -- retries, errors and bounds ---------------------------------------------------------------


def test_faults_during_a_batch_are_retried_and_the_result_stays_complete(
    conv_emulator, conv_url, sample_ids, sample_hits, flavour
):
    conv_emulator.latency = 0.01
    faults = (503, Fault.rate_limit("0"), None, 502, Fault.drop(), 504, Fault.html(502))
    conv_emulator.script(*faults, path=ONE)
    ids = sample_ids[10:20]
    fetched = call(
        flavour,
        # enough retries for one request to meet every fault (the others' workers may be starved)
        over_http(conv_emulator, conv_url, max_retries=len(faults)),
        "get_conversations",
        ids,
        tracker_results=True,
        concurrency=3,
        progress=False,
    )
    pd.testing.assert_frame_equal(tk.hits_frame(fetched.hits), rows_of(sample_hits, ids))
    # record, messages and results of each; each fault cost exactly one retry
    assert conv_emulator.count(ONE) == 3 * len(ids) + 6
    assert conv_emulator.max_in_flight <= 3


def test_listing_retries_429_and_5xx(conv_emulator, conv_url, sample_ids, flavour, caplog):
    caplog.set_level(logging.INFO, logger="trackerkit.api")
    conv_emulator.script(Fault.rate_limit("30"), 500, None, 503, path=LIST)
    listing = call(flavour, over_http(conv_emulator, conv_url), "list_conversations", page_size=60, **WINDOW)
    assert listing.ids == sample_ids
    assert conv_emulator.requests[LIST] == 3 + 3  # three pages, three faults
    assert len([r for r in caplog.records if r.getMessage().startswith("retry ")]) == 3


@pytest.mark.parametrize(("status", "error"), [(500, ServerError), (429, RateLimitError)])
def test_a_fault_that_persists_raises_after_bounded_retries(
    conv_emulator, conv_url, sample_ids, flavour, status, error
):
    conv_emulator.always(Fault.error(status, retry_after="0"), path=ONE)
    with pytest.raises(error) as info:
        call(flavour, over_http(conv_emulator, conv_url, max_retries=2), "get_messages", sample_ids[0])
    assert info.value.status == status
    assert conv_emulator.count(ONE) == 3


@pytest.mark.parametrize("status", [400, 403])
def test_no_retry_and_the_batch_stops_on_400_and_403(conv_emulator, conv_url, sample_ids, flavour, status):
    conv_emulator.script(None, None, status, path=ONE)
    with pytest.raises((BadRequestError, AuthenticationError)) as info:
        call(
            flavour,
            over_http(conv_emulator, conv_url),
            "get_conversations",
            sample_ids[:10],
            concurrency=1,
            progress=False,
        )
    assert info.value.status == status
    assert isinstance(info.value, AuthenticationError) == (status == 403)
    assert conv_emulator.count(ONE) == 3


def test_the_deadline_bounds_a_conversation_s_retries(conv_emulator, conv_url, sample_ids, flavour):
    conv_emulator.always(503, path=ONE)
    options = over_http(
        conv_emulator, conv_url, max_retries=1000, backoff_base=0.05, backoff_max=0.05, deadline=2.0
    )
    with pytest.raises((ServerError, DeadlineExceededError)):  # the last try may be cut off
        call(flavour, options, "get_messages", sample_ids[0])
    # roomy enough for a loaded machine's second request; waits of at least 0.025 s allow 80 at most
    assert 2 <= conv_emulator.count(ONE) <= 81


def test_a_body_over_max_body_bytes_is_refused(conv_emulator, conv_url, sample_ids, flavour):
    def small(client):
        client.max_body_bytes = 2_000

    with pytest.raises(ResponseFormatError, match="exceeds 2,000 bytes"):
        call(
            flavour,
            over_http(conv_emulator, conv_url, max_retries=0),
            "get_messages",
            sample_ids[0],
            setup=small,
        )
    assert len(call(flavour, over_http(conv_emulator, conv_url), "get_messages", sample_ids[0])) > 10


def test_max_total_bytes_bounds_all_pages_of_a_listing(conv_emulator, conv_url, flavour):
    with pytest.raises(ResponseFormatError, match="max_total_bytes"):
        call(
            flavour,
            over_http(conv_emulator, conv_url, max_total_bytes=20_000),
            "list_conversations",
            page_size=20,
            **WINDOW,
        )


def test_concurrency_is_bounded_and_used(conv_emulator, conv_url, sample_ids, flavour):
    conv_emulator.latency = 0.03
    ids = sample_ids[:16][::-1]
    fetched = call(
        flavour, over_http(conv_emulator, conv_url), "get_conversations", ids, concurrency=4, progress=False
    )
    assert [c.id for c in fetched.conversations] == ids  # input order, whatever finished first
    assert conv_emulator.max_in_flight <= 4
    assert conv_emulator.max_in_flight >= 2
    assert conv_emulator.requests["/oauth2/token:generate"] == 1


def test_a_progress_bar_only_when_asked(conv_emulator, conv_url, sample_ids, capsys):
    conv_emulator.latency = 0.05  # 24 conversations, 2 at a time, 2 requests each: over 0.5 s
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        client.get_conversations(sample_ids[:24], concurrency=2, progress=False)
        assert capsys.readouterr().err == ""
        client.get_conversations(sample_ids[24:48], concurrency=2, progress=True)
    assert "conversations" in capsys.readouterr().err


def test_a_401_mid_batch_refreshes_the_token_once(conv_emulator, conv_url, sample_ids):
    with SymblClient(**over_http(conv_emulator, conv_url)) as client:
        client.get_conversations(sample_ids[:3], progress=False)
        conv_emulator.expire_tokens()
        later = client.get_conversations(sample_ids[3:6], concurrency=1, progress=False)
    assert [c.id for c in later.conversations] == sample_ids[3:6]
    assert conv_emulator.requests["/oauth2/token:generate"] == 2


# -- malformed records name the conversation, the message and the field ------------------------


def malformed_emulator(**extra: Any) -> SymblEmulator:
    good = message("m1", "c1")
    return SymblEmulator(
        conversations=document(
            conversation("c1", good, message("m2", "c1", text=42)),
            conversation("c2", message("m3", "c2"), message("m4", "c9")),
            conversation("c3", message("m5", "c3", startTime="06/01/2026 10:00")),
            conversation("c4", message("m1", "c4")),
        ),
        tracker_results={
            "c4": [
                {
                    "id": "77",
                    "name": "Greeting",
                    "matches": [
                        {"type": "vocabulary", "value": "hello", "messageRefs": [{"id": "m1", "offset": "0"}]}
                    ],
                }
            ]
        },
        **extra,
    )


@pytest.mark.parametrize(
    ("method", "cid", "expected"),
    [
        ("get_messages", "c1", ["conversation 'c1'", "message 'm2'", "field 'text'", "must be a string"]),
        ("get_messages", "c2", ["conversation 'c2'", "message 'm4'", "field 'conversationId'", "'c9'"]),
        ("get_messages", "c3", ["conversation 'c3'", "message 'm5'", "field 'startTime'", "06/01/2026"]),
        ("get_tracker_results", "c4", ["conversation 'c4'", "'Greeting'", "message 'm1'", "field 'offset'"]),
    ],
)
def test_a_malformed_record_names_conversation_message_and_field(flavour, method, cid, expected):
    emulator = malformed_emulator()
    with emulator.serve() as url:
        with pytest.raises(ResponseFormatError) as info:
            call(flavour, over_http(emulator, url), method, cid)
        with pytest.raises(ResponseFormatError) as batch:
            call(
                flavour,
                over_http(emulator, url),
                "get_conversations",
                [cid],
                tracker_results=True,
                progress=False,
            )
    for text in (str(info.value), str(batch.value)):
        assert f"GET {url}{ONE}{cid}/" in text
        for fragment in expected:
            assert fragment in text
    # the single GET, then the batch's record, messages (and results): bad data is not retried
    assert emulator.count(ONE + cid) == (3 if method == "get_messages" else 4)


def test_a_malformed_listing_record_names_its_position_id_and_field(flavour):
    emulator = SymblEmulator(
        conversations=document(
            conversation("c1", start="2026-06-02T10:00:00Z"),
            {**conversation("c2", start="2026-06-03T10:00:00Z"), "members": [{"name": 7}]},
        )
    )
    with emulator.serve() as url, pytest.raises(ResponseFormatError) as info:
        call(flavour, over_http(emulator, url), "list_conversations", **WINDOW)
    assert "conversation 0 ('c2'), field 'members[0].name': must be a string" in str(
        info.value
    )  # newest first


def test_a_message_without_text_is_kept_and_reported(flavour):
    emulator = SymblEmulator(
        conversations=document(conversation("c1", message("m1", "c1", text=None), message("m2", "c1")))
    )
    with emulator.serve() as url:
        fetched = call(flavour, over_http(emulator, url), "get_conversations", ["c1"], progress=False)
    with pytest.warns(ConversationDataWarning, match="m1"):
        frame = tk.load_conversations(fetched)
    assert frame["text"].tolist() == ["", "Hello there"]


# -- secrets ----------------------------------------------------------------------------------

TOKEN = "tok-Secret/Value+42_abcdefgh"
SECRET = "app-Secret/Value+43_ijklmnop"


def test_tokens_and_secrets_never_reach_errors_logs_or_reprs(flavour, caplog):
    caplog.set_level(logging.DEBUG, logger="trackerkit")
    emulator = SymblEmulator(
        app_secret=SECRET,
        conversations=document(
            conversation("c1", message("m1", "c1", startTime=TOKEN)),
            conversation("c2", message("m2", "c2", endTime=SECRET)),
            conversation("c3", message("m3", "c3")),
            {**conversation("c4"), "startTime": "2026-06-05T00:00:00Z", "endTime": f"later {TOKEN}"},
        ),
    )
    emulator.issue_token(value=TOKEN)
    texts = []
    with emulator.serve() as url:
        for options, cid in (
            ({"token": TOKEN}, "c1"),
            ({"app_id": emulator.app_id, "app_secret": SECRET}, "c2"),
        ):
            with pytest.raises(ResponseFormatError) as info:
                call(flavour, {**options, "base_url": url, "max_retries": 0}, "get_messages", cid)
            texts += [str(info.value), repr(info.value)]
        with pytest.raises(ResponseFormatError) as info:
            call(flavour, {"token": TOKEN, "base_url": url}, "list_conversations", **WINDOW)
        texts += [str(info.value), repr(info.value)]
        with SymblClient(token=TOKEN, base_url=url) as client:
            texts.append(repr(client))
            fetched = client.get_conversations(["c3"], progress=False)
            texts += [repr(fetched), repr(fetched.conversations[0])]
    assert all("***" in t for t in texts[:6])
    assert "not an ISO 8601 timestamp: '***'" in texts[0]
    joined = "\n".join(texts + [r.getMessage() for r in caplog.records])
    assert TOKEN not in joined and SECRET not in joined
    assert "Secret/Value" not in joined


# -- the emulator ------------------------------------------------------------------------------


def get(emulator: SymblEmulator, target: str) -> tuple[int, Any]:
    reply = emulator.handle("GET", target, {"Authorization": f"Bearer {emulator.issue_token()}"})
    return reply.status, json.loads(reply.body)


def test_emulator_default_window_limit_and_order():
    emulator = SymblEmulator(conversations="sample", now=dt.datetime(2026, 6, 8, tzinfo=UTC))
    status, body = get(emulator, LIST)
    listed = [c["startTime"] for c in body["conversations"]]
    assert status == 200 and len(listed) == 10  # the first week of the sample, under the limit of 20
    assert listed == sorted(listed, reverse=True)  # newest first
    assert all("messages" not in c for c in body["conversations"])
    _, body = get(emulator, f"{LIST}?startTime=2026-05-01T00:00:00Z&endTime=2026-09-01T00:00:00Z&order=asc")
    assert len(body["conversations"]) == 20  # the API's default limit
    assert [c["startTime"] for c in body["conversations"]] == sorted(
        c["startTime"] for c in body["conversations"]
    )
    _, body = get(emulator, f"{LIST}?startTime=2026-05-01T00:00:00Z&endTime=2026-09-01T00:00:00Z&limit=500")
    assert len(body["conversations"]) == 100  # max_page_size


@pytest.mark.parametrize(
    ("query", "status"),
    [
        ("limit=0", 400),
        ("limit=x", 400),
        ("offset=-1", 400),
        ("startTime=yesterday", 400),
        ("startTime=2026-06-08T00:00:00Z&endTime=2026-06-01T00:00:00Z", 400),
        ("order=random", 400),
        ("filter=x", 400),
        ("limit=1&limit=2", 400),
    ],
)
def test_emulator_refuses_bad_listing_queries(query, status):
    emulator = SymblEmulator(conversations="sample")
    code, body = get(emulator, f"{LIST}?{query}")
    assert code == status and isinstance(body["message"], str)


def test_emulator_routes_404s_and_write_methods(sample_ids):
    emulator = SymblEmulator(conversations="sample", results_paths=("trackers",))
    assert get(emulator, f"{ONE}123/messages")[0] == 404
    assert get(emulator, f"{ONE}{sample_ids[0]}/trackers-detected") == (
        404,
        {"message": f"No route for {ONE}{sample_ids[0]}/trackers-detected"},
    )
    assert get(emulator, f"{ONE}{sample_ids[0]}/summary")[0] == 404
    assert get(emulator, f"{ONE}{sample_ids[0]}/messages?verbose=true&sentiment=true")[0] == 200
    assert get(emulator, f"{ONE}{sample_ids[0]}/messages?page=2")[0] == 400
    assert emulator.handle("DELETE", f"{ONE}{sample_ids[0]}", {}).status == 405
    assert emulator.handle("GET", f"{ONE}{sample_ids[0]}", {}).status == 401
    with pytest.raises(InvalidParameterError):
        SymblEmulator(conversations="sample", results_paths=("insights",))
    with pytest.raises(TrackerDataError, match="not among the conversations"):
        SymblEmulator(conversations=document(conversation("c1")), tracker_results={"c2": []})


def test_emulator_of_a_trackers_only_account_has_no_conversation_routes(emulator, account):
    assert get(emulator, LIST)[0] == 404
    assert get(SymblEmulator(account, conversations=[]), LIST) == (200, {"conversations": []})
    assert repr(SymblEmulator(conversations="sample")) == "SymblEmulator(48 trackers, 120 conversations)"


def test_emulator_serves_the_stored_results_and_never_loads_the_replay_engine():
    code = (
        "import json, sys\n"
        "from importlib import resources\n"
        "from trackerkit.emulator import SymblEmulator\n"
        "emulator = SymblEmulator(conversations='sample')\n"
        "token = emulator.issue_token()\n"
        "data = resources.files('trackerkit.data')\n"
        "stored = json.loads(data.joinpath('sample_tracker_results.json').read_text())\n"
        "for cid in emulator.conversation_ids:\n"
        "    for path in ('trackers-detected', 'trackers'):\n"
        "        reply = emulator.handle('GET', f'/v1/conversations/{cid}/{path}', {'x-api-key': token})\n"
        "        assert json.loads(reply.body) == stored[cid], cid\n"
        "analysis = sorted(m for m in sys.modules if m.startswith('trackerkit.analysis'))\n"
        "print(len(emulator.conversation_ids), analysis, 'pandas' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "120 [] False"


def test_emulator_serves_what_it_was_given_copied(sample_ids):
    data = document(conversation("c1", message("m1", "c1")))
    emulator = SymblEmulator(conversations=data)
    data["conversations"][0]["messages"][0]["text"] = "changed afterwards"
    with SymblClient(token=emulator.issue_token(), transport=emulator.transport()) as client:
        assert [m.text for m in client.get_messages("c1")] == ["Hello there"]
        assert client.get_tracker_results("c1") == []  # no stored results: none
    assert emulator.conversation_ids == ["c1"]
