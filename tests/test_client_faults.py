"""Fault injection over real loopback HTTP: each call returns the complete, correct account or
raises the documented error; the server's request counts show retries stay bounded, and its
maximum of requests in flight never exceeds ``concurrency``. Both client flavours."""

from __future__ import annotations

import logging
import re
import socket
from datetime import datetime, timedelta, timezone

import pytest

from trackerkit import (
    AuthenticationError,
    BadRequestError,
    DeadlineExceededError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    TrackerNotFoundError,
    TransportError,
)
from trackerkit.emulator import Fault, SymblEmulator
from trackerkit.model import parse_trackers

pytestmark = pytest.mark.network

LIST = "/v1/manage/trackers"
BY_ID = "/v1/manage/tracker/"
TOKEN = "/oauth2/token:generate"


def over_http(emulator: SymblEmulator, url: str, **extra):
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


def ids_of(account):
    return [t["id"] for t in account]


def planned_waits(caplog) -> list[float]:
    """The seconds the client chose to wait before each retry, from its "retry ..." log lines
    (what it decided, not how long the machine took: no wall clock in unit tests)."""
    found = (re.match(r"retry \d+/\d+ in ([0-9.]+) s", r.getMessage()) for r in caplog.records)
    return [float(m.group(1)) for m in found if m]


# -- latency and concurrency --------------------------------------------------------------


def test_latency_bounded_concurrency_and_input_order(emulator, emulator_url, account, api_call):
    emulator.latency = 0.03
    wanted = ids_of(account)[::-1]
    trackers = api_call(
        over_http(emulator, emulator_url), "get_trackers", wanted, concurrency=4, progress=False
    )
    assert [t.id for t in trackers] == wanted
    assert trackers == parse_trackers(account)[::-1]
    assert emulator.count(BY_ID) == len(wanted)
    assert emulator.requests[TOKEN] == 1  # one exchange shared by all workers
    assert emulator.max_in_flight <= 4
    assert emulator.max_in_flight >= 3  # and the concurrency was actually used (speed: bench_fetch.py)


def test_faults_during_a_batch_keep_the_result_complete_and_the_bound(
    emulator, emulator_url, account, api_call
):
    emulator.latency = 0.01
    faults = (503, Fault.drop(), None, 502, Fault.rate_limit("0"), 504)
    emulator.script(*faults, path=BY_ID)
    # enough retries for one request to meet every fault (the others' workers may be starved)
    trackers = api_call(
        over_http(emulator, emulator_url, max_retries=len(faults)),
        "get_trackers",
        ids_of(account),
        concurrency=3,
        progress=False,
    )
    assert trackers == parse_trackers(account)
    assert emulator.count(BY_ID) == len(account) + 5  # each fault cost exactly one retry
    assert emulator.max_in_flight <= 3


# -- scripted statuses --------------------------------------------------------------------


def test_scripted_503_503_then_200_succeeds_after_two_retries(emulator, emulator_url, account, api_call):
    emulator.script(503, 503, 200)
    assert api_call(over_http(emulator, emulator_url), "list_trackers") == parse_trackers(account)
    assert emulator.requests[LIST] == 3


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_a_server_that_keeps_failing_raises_server_error_after_bounded_retries(
    emulator, emulator_url, api_call, status
):
    emulator.always(status)
    with pytest.raises(ServerError) as info:
        api_call(over_http(emulator, emulator_url, max_retries=2), "list_trackers")
    assert info.value.status == status
    assert emulator.requests[LIST] == 3


@pytest.mark.parametrize(
    ("status", "error"), [(400, BadRequestError), (403, AuthenticationError), (404, TrackerNotFoundError)]
)
def test_no_retry_on_400_403_404(emulator, emulator_url, api_call, status, error):
    emulator.always(status)
    with pytest.raises(error) as info:
        api_call(over_http(emulator, emulator_url), "list_trackers")
    assert info.value.status == status
    assert emulator.requests[LIST] == 1


def test_the_deadline_bounds_retries_in_time(emulator, emulator_url, api_call, caplog):
    caplog.set_level(logging.INFO, logger="trackerkit.api")
    emulator.always(503)
    # the server's 503, or the deadline when it cuts off the last try in flight
    with pytest.raises((ServerError, DeadlineExceededError)):
        api_call(
            over_http(emulator, emulator_url, max_retries=1000, backoff_base=0.05, deadline=2.0),
            "list_trackers",
        )
    # a deadline roomy enough for a loaded machine to send a second request, far too short for
    # 1000 (waits of at least 0.025 s allow 80 at most)
    assert 2 <= emulator.requests[LIST] <= 81
    waits = planned_waits(caplog)
    # one wait before each retry; a last wait may end past the deadline, its retry not sent
    assert emulator.requests[LIST] - 1 <= len(waits) <= emulator.requests[LIST]
    assert sum(waits) <= 2.0 + 0.005 * len(waits)  # no wait reaches past the deadline (log rounding)


def test_a_sleep_that_overshoots_the_deadline_still_reports_the_real_failure(
    emulator, emulator_url, api_call, flavour, monkeypatch
):
    # A loaded machine can wake from a retry's wait after the deadline although the wait itself
    # was planned inside it: the caller learns the server's 503, not a deadline error for a
    # request that was never sent.
    import time

    import anyio

    from trackerkit.api._protocol import CallBudget

    overshoot = 1.6  # past the whole deadline below, whatever wait was planned
    real_anyio_sleep = anyio.sleep
    if flavour == "sync":
        monkeypatch.setattr(CallBudget, "sleep", lambda self, seconds: time.sleep(seconds + overshoot))
    else:

        async def late_sleep(seconds: float) -> None:
            await real_anyio_sleep(seconds + overshoot)

        monkeypatch.setattr(anyio, "sleep", late_sleep)
    emulator.always(503)
    with pytest.raises(ServerError) as raised:
        api_call(over_http(emulator, emulator_url, max_retries=1000, deadline=1.5), "list_trackers")
    assert raised.value.status == 503
    assert emulator.requests[LIST] == 1  # one real answer; the retry past the deadline never went out


# -- 429 and Retry-After ------------------------------------------------------------------


def test_429_retry_after_is_honoured_up_to_the_cap(emulator, emulator_url, account, api_call, caplog):
    caplog.set_level(logging.INFO, logger="trackerkit.api")
    emulator.script(Fault.rate_limit(retry_after="30"))
    trackers = api_call(over_http(emulator, emulator_url, retry_after_cap=0.3), "list_trackers")
    assert trackers == parse_trackers(account)
    assert emulator.requests[LIST] == 2
    assert planned_waits(caplog) == [0.3]  # the cap: neither 30 s nor the 0.01 s backoff


def test_429_retry_after_as_an_http_date(emulator, emulator_url, account, api_call, caplog):
    from email.utils import formatdate

    caplog.set_level(logging.INFO, logger="trackerkit.api")
    in_an_hour = datetime.now(timezone.utc) + timedelta(hours=1)
    emulator.script(Fault.rate_limit(retry_after=formatdate(in_an_hour.timestamp(), usegmt=True)))
    assert api_call(
        over_http(emulator, emulator_url, retry_after_cap=0.2), "list_trackers"
    ) == parse_trackers(account)
    assert planned_waits(caplog) == [0.2]  # an hour away, so the cap


def test_429_that_persists_raises_rate_limit_error(emulator, emulator_url, api_call):
    emulator.always(Fault.rate_limit(retry_after="0"))
    with pytest.raises(RateLimitError) as info:
        api_call(over_http(emulator, emulator_url, max_retries=3), "list_trackers")
    assert info.value.status == 429
    assert emulator.requests[LIST] == 4


# -- broken bodies ------------------------------------------------------------------------


def test_a_dropped_connection_mid_body_is_retried(emulator, emulator_url, account, api_call):
    emulator.script(Fault.drop())
    assert api_call(over_http(emulator, emulator_url), "list_trackers") == parse_trackers(account)
    assert emulator.requests[LIST] == 2


def test_a_connection_that_keeps_dropping_raises_transport_error(emulator, emulator_url, api_call):
    emulator.always(Fault.drop())
    with pytest.raises(TransportError, match="RemoteProtocolError"):
        api_call(over_http(emulator, emulator_url, max_retries=2), "list_trackers")
    assert emulator.requests[LIST] == 3


def test_truncated_json_raises_response_format_error_without_retry(emulator, emulator_url, api_call):
    emulator.script(Fault.truncate())
    with pytest.raises(ResponseFormatError) as info:
        api_call(over_http(emulator, emulator_url), "list_trackers")
    assert "application/json" in str(info.value)
    assert 'starting \'{"trackers": [{"id": "4000000000000000"' in str(info.value)
    assert emulator.requests[LIST] == 1


def test_an_html_error_page_with_a_5xx_is_retried(emulator, emulator_url, account, api_call):
    emulator.script(Fault.html(502))
    assert api_call(over_http(emulator, emulator_url), "list_trackers") == parse_trackers(account)
    assert emulator.requests[LIST] == 2


def test_an_html_error_page_that_persists_says_what_arrived(emulator, emulator_url, api_call):
    emulator.always(Fault.html(502))
    with pytest.raises(ServerError) as info:
        api_call(over_http(emulator, emulator_url, max_retries=1), "list_trackers")
    assert "502 Bad Gateway: text/html body '<html>\\r\\n<head><title>502 Bad Gateway" in str(info.value)
    assert info.value.server_message is None
    assert emulator.requests[LIST] == 2


def test_an_html_page_with_200_is_a_response_format_error(emulator, emulator_url, api_call):
    emulator.script(Fault.html(200))
    with pytest.raises(ResponseFormatError, match="expected JSON, got text/html"):
        api_call(over_http(emulator, emulator_url), "list_trackers")
    assert emulator.requests[LIST] == 1


def test_a_body_slower_than_the_timeout_is_retried(emulator, emulator_url, account, api_call):
    emulator.script(Fault.slow_body(5.0))  # the server stops trickling when the client hangs up
    assert api_call(over_http(emulator, emulator_url, timeout=1.0), "list_trackers") == parse_trackers(
        account
    )
    assert emulator.requests[LIST] == 2  # the first answer was given up at the timeout


def test_a_body_that_is_always_too_slow_raises_transport_error(emulator, emulator_url, api_call):
    emulator.always(Fault.slow_body(5.0))
    with pytest.raises(TransportError, match="ReadTimeout"):
        api_call(over_http(emulator, emulator_url, timeout=1.0, max_retries=1), "list_trackers")
    assert emulator.requests[LIST] == 2


def test_a_slow_answer_within_the_timeout_is_just_slow(emulator, emulator_url, account, api_call):
    emulator.script(Fault.delay(0.2))
    assert api_call(over_http(emulator, emulator_url, timeout=1.0), "list_trackers") == parse_trackers(
        account
    )
    assert emulator.requests[LIST] == 1


def test_connection_refused_raises_transport_error_after_retries(api_call, caplog):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    caplog.set_level(logging.INFO, logger="trackerkit.api")
    with pytest.raises(TransportError, match="ConnectError"):
        api_call(
            {"token": "t", "base_url": f"http://127.0.0.1:{port}", "backoff_base": 0.01, "max_retries": 2},
            "list_trackers",
        )
    assert len([r for r in caplog.records if r.getMessage().startswith("retry ")]) == 2


# -- tokens -------------------------------------------------------------------------------


def test_a_401_mid_session_refreshes_once_and_retries_once(emulator, emulator_url, account, flavour):
    import anyio

    from trackerkit import AsyncSymblClient, SymblClient

    opts = over_http(emulator, emulator_url)
    ids = ids_of(account)[:10]
    emulator.latency = 0.05  # so all five requests are out with the old token before any 401 is back
    if flavour == "sync":
        with SymblClient(**opts) as client:
            client.get_trackers(ids[:5], progress=False)
            emulator.expire_tokens()
            later = client.get_trackers(ids[5:], concurrency=5, progress=False)
    else:

        async def main():
            async with AsyncSymblClient(**opts) as client:
                await client.get_trackers(ids[:5], progress=False)
                emulator.expire_tokens()
                return await client.get_trackers(ids[5:], concurrency=5, progress=False)

        later = anyio.run(main)
    assert [t.id for t in later] == ids[5:]
    # Up to 5 concurrent 401s, each retried once, yet one exchange: the first token plus one refresh.
    assert emulator.requests[TOKEN] == 2
    assert 11 <= emulator.count(BY_ID) <= 15


def test_a_401_that_persists_is_refreshed_only_once(emulator, emulator_url, api_call):
    emulator.always(401, path=LIST)
    with pytest.raises(AuthenticationError) as info:
        api_call(over_http(emulator, emulator_url), "list_trackers")
    assert info.value.status == 401
    assert emulator.requests[LIST] == 2
    assert emulator.requests[TOKEN] == 2


def test_a_rejected_fixed_token_is_not_refreshed(emulator, emulator_url, api_call):
    with pytest.raises(AuthenticationError, match="Invalid access token"):
        api_call({"token": "not-a-valid-token", "base_url": emulator_url}, "list_trackers")
    assert emulator.requests[LIST] == 1
    assert emulator.requests[TOKEN] == 0


def test_the_deprecated_x_api_key_header_is_accepted(emulator, emulator_url, account):
    import httpx

    token = emulator.issue_token()
    response = httpx.get(emulator_url + LIST, headers={"x-api-key": token})
    assert response.status_code == 200
    assert parse_trackers(response.json()) == parse_trackers(account)


@pytest.mark.network
@pytest.mark.parametrize("flavour_name", ["sync", "async"])
def test_a_body_over_the_size_limit_is_refused_unread(emulator, emulator_url, flavour_name):
    """Over loopback: a list response larger than the client's limit is a format error, and the
    client stops reading instead of holding it all."""
    import anyio

    from trackerkit import AsyncSymblClient, ResponseFormatError, SymblClient

    token = emulator.issue_token()
    if flavour_name == "sync":
        client = SymblClient(token=token, base_url=emulator_url, max_retries=0)
        client.max_body_bytes = 1_000
        with client, pytest.raises(ResponseFormatError, match="exceeds 1,000 bytes"):
            client.list_trackers()
        client = SymblClient(token=token, base_url=emulator_url, max_retries=0)
        with client:  # the default limit lets a normal account through
            assert len(client.list_trackers()) == 30
    else:

        async def main() -> None:
            client = AsyncSymblClient(token=token, base_url=emulator_url, max_retries=0)
            client.max_body_bytes = 1_000
            async with client:
                with pytest.raises(ResponseFormatError, match="exceeds 1,000 bytes"):
                    await client.list_trackers()

        anyio.run(main)


def test_a_compressed_body_is_decoded_once():
    import gzip
    import json

    import httpx

    from trackerkit import SymblClient

    body = gzip.compress(json.dumps({"trackers": [{"id": "1", "name": "A", "vocabulary": ["x"]}]}).encode())

    def handler(request: httpx.Request) -> httpx.Response:
        headers = {"content-type": "application/json", "content-encoding": "gzip"}
        return httpx.Response(200, content=body, headers=headers)

    with SymblClient(token="t" * 12, transport=httpx.MockTransport(handler), max_retries=0) as client:
        assert [t.name for t in client.list_trackers()] == ["A"]
