"""SymblClient and AsyncSymblClient against the emulator: the API calls, their results and the
documented errors. Fault injection over loopback is in test_client_faults.py."""

from __future__ import annotations

import json

import anyio
import httpx
import pytest

import trackerkit
from trackerkit import (
    AsyncSymblClient,
    BadRequestError,
    ResponseFormatError,
    SymblClient,
    TrackerNotFoundError,
)
from trackerkit.api import FoundTrackers
from trackerkit.emulator import SymblEmulator
from trackerkit.model import parse_trackers


def options(emulator: SymblEmulator, **extra):
    """Client options for the in-process emulator."""
    return {"token": emulator.issue_token(), "transport": emulator.transport(), **extra}


# -- the calls ----------------------------------------------------------------------------


def test_list_trackers_returns_the_whole_account(emulator, account, api_call):
    trackers = api_call(options(emulator), "list_trackers")
    assert trackers == parse_trackers(account)
    assert emulator.requests["/v1/manage/trackers"] == 1


@pytest.mark.parametrize(
    ("id_route", "path"), [("legacy", "/v1/manage/tracker/"), ("plural", "/v1/manage/trackers/")]
)
def test_get_tracker_uses_the_chosen_id_path(emulator, account, api_call, id_route, path):
    tracker = api_call(options(emulator, id_route=id_route), "get_tracker", account[3]["id"])
    assert tracker.to_dict() == account[3]
    assert emulator.requests == {path + account[3]["id"]: 1}


def test_get_tracker_accepts_int_ids(emulator, account, api_call):
    assert api_call(options(emulator), "get_tracker", int(account[0]["id"])).id == account[0]["id"]


def test_get_tracker_404_is_tracker_not_found_with_the_key(emulator, api_call):
    with pytest.raises(TrackerNotFoundError) as info:
        api_call(options(emulator), "get_tracker", "999")
    exc = info.value
    assert (exc.status, exc.keys, exc.method) == (404, ["999"], "GET")
    assert exc.url.endswith("/v1/manage/tracker/999")
    assert "Tracker with id 999 not found" in str(exc)
    assert exc.server_message == "Tracker with id 999 not found"


def test_find_trackers_url_encodes_the_name_and_may_return_several(api_call):
    weird = "Promo & Co / 50% ¿sí?"
    emulator = SymblEmulator(
        [
            {"id": "1", "name": weird, "vocabulary": ["a"]},
            {"id": "2", "name": "Other", "vocabulary": ["b"]},
            {"id": "3", "name": weird, "vocabulary": ["c"]},
            {"id": "4", "name": weird.upper(), "vocabulary": ["d"]},  # names are case-sensitive
        ]
    )
    seen: list[httpx.URL] = []
    transport = emulator.transport()

    def spy(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return transport.handle_request(request)

    with SymblClient(token=emulator.issue_token(), transport=httpx.MockTransport(spy)) as client:
        found = client.find_trackers(weird)
        assert client.find_trackers("nobody") == []
    assert [t.id for t in found] == ["1", "3"]
    assert seen[0].params["name"] == weird
    assert b"&" not in seen[0].raw_path.split(b"name=")[1]  # the & in the name was escaped


def test_find_trackers_refuses_an_empty_name(emulator):
    with SymblClient(**options(emulator)) as client, pytest.raises(ValueError, match="non-empty"):
        client.find_trackers("")


def test_get_trackers_keeps_input_order_and_fetches_duplicates_once(emulator, account, api_call):
    ids = [account[i]["id"] for i in (5, 1, 9, 1, 0)]
    trackers = api_call(options(emulator), "get_trackers", ids, progress=False)
    assert [t.id for t in trackers] == [account[i]["id"] for i in (5, 1, 9, 0)]
    assert emulator.count("/v1/manage/tracker/") == 4


def test_get_trackers_raises_once_listing_every_missing_id(emulator, account, api_call):
    ids = [account[0]["id"], "111", account[1]["id"], "222"]
    with pytest.raises(TrackerNotFoundError) as info:
        api_call(options(emulator), "get_trackers", ids, progress=False)
    assert info.value.keys == ["111", "222"]
    assert "2 of 4 tracker ids not found: 111, 222" in str(info.value)


def test_get_trackers_can_return_the_missing_ids_explicitly(emulator, account, api_call):
    ids = ["111", account[2]["id"], "222", account[0]["id"]]
    result = api_call(options(emulator), "get_trackers", ids, progress=False, missing="return")
    assert isinstance(result, FoundTrackers)
    assert [t.id for t in result.trackers] == [account[2]["id"], account[0]["id"]]
    assert result.missing == ["111", "222"]


def test_get_trackers_with_no_ids_sends_nothing(emulator, api_call):
    assert api_call(options(emulator), "get_trackers", [], progress=False) == []
    assert emulator.count() == 0


@pytest.mark.parametrize(
    ("ids", "kwargs", "error"),
    [
        ("123", {}, TypeError),
        (["1"], {"concurrency": 0}, ValueError),
        (["1"], {"missing": "ignore"}, ValueError),
        ([""], {}, ValueError),
        ([1.5], {}, TypeError),
    ],
)
def test_get_trackers_rejects_bad_arguments_before_sending(emulator, api_call, ids, kwargs, error):
    with pytest.raises(error):
        api_call(options(emulator), "get_trackers", ids, **kwargs)
    assert emulator.count() == 0


def test_get_trackers_stops_on_a_non_404_error(emulator, account, api_call):
    emulator.script(None, None, 400)
    with pytest.raises(BadRequestError):
        api_call(options(emulator), "get_trackers", [t["id"] for t in account], concurrency=1, progress=False)
    assert emulator.count("/v1/") == 3  # the batch stopped; no retry of a 400


def test_progress_bar_only_when_asked(emulator, account, capsys):
    emulator.latency = 0.06  # 24 ids, 2 at a time: ~0.7 s, then the bar (delay 0.5 s) shows
    ids = [t["id"] for t in account[:24]]
    with SymblClient(**options(emulator)) as client:
        client.get_trackers(ids, concurrency=2, progress=False)
        assert capsys.readouterr().err == ""
        client.get_trackers(ids, concurrency=2, progress=True)
    assert "trackers" in capsys.readouterr().err


# -- pagination ---------------------------------------------------------------------------


def test_follows_next_token_until_the_account_is_complete(account, api_call):
    emulator = SymblEmulator(account, page_size=7)
    trackers = api_call(options(emulator), "list_trackers")
    assert trackers == parse_trackers(account)
    assert emulator.requests["/v1/manage/trackers"] == 5  # ceil(30 / 7)


def test_find_trackers_follows_pagination_too(api_call):
    rows = [{"id": str(i), "name": "Dup" if i % 2 else "Other", "vocabulary": ["x"]} for i in range(10)]
    emulator = SymblEmulator(rows, page_size=2)
    found = api_call(options(emulator), "find_trackers", "Dup")
    assert [t.id for t in found] == ["1", "3", "5", "7", "9"]
    assert emulator.requests["/v1/manage/trackers"] == 3


def mock_pages(pages: dict[str, dict], seen: list[httpx.URL]) -> httpx.MockTransport:
    """A transport answering list requests from ``pages``, keyed by the query string."""

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url)
        return httpx.Response(200, json=pages[request.url.query.decode()])

    return httpx.MockTransport(handler)


def row(i: int) -> dict:
    return {"id": str(i), "name": f"T{i}", "vocabulary": ["x"]}


def test_follows_a_next_link_on_the_same_origin():
    seen: list[httpx.URL] = []
    pages = {
        "": {"trackers": [row(1)], "next": "/v1/manage/trackers?cursor=b"},
        "cursor=b": {"trackers": [row(2)], "next": "https://api.symbl.ai/v1/manage/trackers?cursor=c"},
        "cursor=c": {"trackers": [row(3)]},
    }
    with SymblClient(token="t", transport=mock_pages(pages, seen)) as client:
        assert [t.id for t in client.list_trackers()] == ["1", "2", "3"]
    assert len(seen) == 3


def test_follows_offset_and_total():
    seen: list[httpx.URL] = []
    pages = {
        "": {"trackers": [row(1), row(2)], "offset": 0, "total": 3},
        "offset=2": {"trackers": [row(3)], "offset": 2, "total": 3},
    }
    with SymblClient(token="t", transport=mock_pages(pages, seen)) as client:
        assert [t.id for t in client.list_trackers()] == ["1", "2", "3"]


def test_a_next_link_to_another_origin_is_refused():
    pages = {"": {"trackers": [row(1)], "next": "https://evil.example/v1/manage/trackers?p=2"}}
    client = SymblClient(token="t", transport=mock_pages(pages, []))
    with client, pytest.raises(ResponseFormatError, match="another origin"):
        client.list_trackers()


def test_a_continuation_that_does_not_advance_is_an_error_not_a_loop():
    pages = {
        "": {"trackers": [row(1)], "nextToken": "same"},
        "nextToken=same": {"trackers": [row(2)], "nextToken": "same"},
    }
    client = SymblClient(token="t", transport=mock_pages(pages, []))
    with client, pytest.raises(ResponseFormatError, match="does not advance"):
        client.list_trackers()


@pytest.mark.parametrize("extra", [{"next": 2}, {"next": {"page": 2}}, {"hasMore": True}, {"has_more": True}])
def test_more_pages_announced_without_a_usable_continuation_is_an_error_not_a_truncation(extra):
    pages = {"": {"trackers": [row(1)], **extra}}
    client = SymblClient(token="t", transport=mock_pages(pages, []))
    with client, pytest.raises(ResponseFormatError, match="no usable continuation"):
        client.list_trackers()


def test_a_last_page_may_say_there_is_no_more():
    pages = {"": {"trackers": [row(1)], "next": None, "hasMore": False}}
    client = SymblClient(token="t", transport=mock_pages(pages, []))
    with client:
        assert [t.id for t in client.list_trackers()] == ["1"]


# -- shapes and errors --------------------------------------------------------------------


def answering(status: int, body: bytes | str, content_type: str = "application/json"):
    content = body.encode() if isinstance(body, str) else body
    return httpx.MockTransport(
        lambda request: httpx.Response(status, content=content, headers={"Content-Type": content_type})
    )


def test_the_doc_pages_single_tracker_list_shape_is_accepted():
    body = json.dumps({"tracker": row(7)})
    with SymblClient(token="t", transport=answering(200, body)) as client:
        assert [t.id for t in client.list_trackers()] == ["7"]


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ('{"items": []}', "expected {'trackers': \\[...\\]}, got \\['items'\\]"),
        ('{"trackers": {"id": "1"}}', "'trackers' is dict, not a list"),
        ('{"trackers": [{"id": "1", "name": "A"}]}', "vocabulary is missing"),
        ("[1, 2]", "expected a tracker object"),
    ],
)
def test_json_of_the_wrong_shape_is_a_response_format_error(body, match):
    client = SymblClient(token="t", transport=answering(200, body))
    with client, pytest.raises(ResponseFormatError, match=match):
        client.list_trackers()


def test_a_by_id_answer_for_another_tracker_is_refused():
    body = json.dumps({"tracker": row(8)})
    client = SymblClient(token="t", transport=answering(200, body))
    with client, pytest.raises(ResponseFormatError, match="asked for tracker 7, got 8"):
        client.get_tracker("7")


def test_a_non_json_body_names_its_content_type_and_start_escaped():
    page = "<html>\n<body>Proxy login\x00 required</body></html>" + "x" * 200
    client = SymblClient(token="t", transport=answering(200, page, "text/html; charset=utf-8"))
    with client, pytest.raises(ResponseFormatError) as info:
        client.list_trackers()
    text = str(info.value)
    assert "text/html; charset=utf-8" in text
    assert "'<html>\\n<body>Proxy login\\x00 required" in text  # escaped, not raw
    assert "x" * 100 not in text  # only the first ~80 characters


def test_an_error_without_a_json_body_says_what_arrived():
    client = SymblClient(token="t", transport=answering(400, "Bad things", "text/plain"))
    with (
        client,
        pytest.raises(BadRequestError, match="400 Bad Request: text/plain body 'Bad things'") as info,
    ):
        client.list_trackers()
    assert info.value.server_message is None


def test_a_redirect_is_not_followed():
    transport = httpx.MockTransport(
        lambda request: httpx.Response(302, headers={"Location": "https://elsewhere.example/"})
    )
    client = SymblClient(token="t", transport=transport)
    with client, pytest.raises(ResponseFormatError, match="redirects are not followed"):
        client.list_trackers()


# -- construction -------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["http://api.symbl.ai", "http://10.0.0.5:8080", "ftp://x", "api.symbl.ai"])
def test_insecure_or_odd_base_urls_are_refused(url):
    with pytest.raises(ValueError, match=r"refusing|http"):
        SymblClient(token="t", base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:9", "http://localhost:9/", "http://[::1]:9", "https://x.example"]
)
def test_https_and_loopback_http_base_urls_are_accepted(url):
    with SymblClient(token="t", base_url=url) as client:
        assert client.base_url == url.rstrip("/")


def test_transport_and_http_client_are_exclusive(emulator):
    with pytest.raises(ValueError, match="not both"):
        SymblClient(token="t", transport=emulator.transport(), http_client=httpx.Client())


def test_an_injected_http_client_is_used_and_left_open(emulator, account):
    http = httpx.Client(transport=emulator.transport())
    with SymblClient(token=emulator.issue_token(), http_client=http) as client:
        assert len(client.list_trackers()) == len(account)
    assert not http.is_closed
    http.close()


def test_async_client_with_an_injected_async_http_client(emulator, account):
    async def main():
        async with httpx.AsyncClient(transport=emulator.transport()) as http:
            async with AsyncSymblClient(token=emulator.issue_token(), http_client=http) as client:
                trackers = await client.list_trackers()
            assert not http.is_closed
        return trackers

    assert len(anyio.run(main)) == len(account)


def test_load_trackers_accepts_a_client(emulator, account):
    with SymblClient(**options(emulator)) as client:
        frame = trackerkit.load_trackers(client)
    assert frame["tracker_id"].tolist() == [t["id"] for t in account]


# -- the sample, served by the emulator for the client path --------------------------------


def test_the_sample_client_serves_the_package_data():
    from trackerkit.emulator import sample_client
    from trackerkit.sample import sample_payload

    with sample_client() as client:
        trackers = client.list_trackers()
    assert [t.id for t in trackers] == [t["id"] for t in sample_payload()["trackers"]]
    assert trackerkit.load_trackers("sample")["tracker_id"].tolist() == [t.id for t in trackers]


def test_sample_clients_share_one_emulator_and_token():
    from trackerkit.emulator import sample_client, sample_emulator

    emulator = sample_emulator()
    with sample_client() as client:
        client.list_trackers()
    tokens = list(emulator.issued_tokens)
    with sample_client() as client:
        client.list_trackers()
    assert sample_emulator() is emulator
    assert emulator.issued_tokens == tokens
