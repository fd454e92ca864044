"""Credentials and tokens: where they come from, reuse, expiry, refresh on 401, and that no
secret or token ever shows in a repr, a log record or an exception."""

from __future__ import annotations

import logging
import pickle

import anyio
import httpx
import pytest

from trackerkit import (
    AsyncSymblClient,
    AuthenticationError,
    CredentialsError,
    ResponseFormatError,
    ServerError,
    SymblClient,
    TrackerkitError,
    TrackerNotFoundError,
)
from trackerkit.api import Credentials, find_credentials
from trackerkit.api._auth import TokenCache
from trackerkit.api._protocol import Endpoint
from trackerkit.emulator import Fault, SymblEmulator

SECRET = "sUp3r-s3cret-VALUE-0001"
APP_ID = "app-id-1234"
ENV_NAMES = ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET")


@pytest.fixture
def no_ambient_credentials(monkeypatch, tmp_path):
    """No credentials in the environment, the working directory or home."""
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    return work, home


def write_conf(directory, app_id=APP_ID, secret=SECRET, section="credentials"):
    (directory / "symbl.conf").write_text(f"[{section}]\napp_id = {app_id}\napp_secret = {secret}\n")


# -- where credentials come from ----------------------------------------------------------


def test_arguments_come_first(no_ambient_credentials, monkeypatch):
    work, _ = no_ambient_credentials
    write_conf(work, app_id="from-file")
    monkeypatch.setenv("SYMBL_ACCESS_TOKEN", "env-token")
    creds = find_credentials(app_id=APP_ID, app_secret=SECRET)
    assert (creds.app_id, creds.app_secret, creds.token, creds.source) == (APP_ID, SECRET, None, "arguments")


def test_a_ready_token_from_the_environment(no_ambient_credentials, monkeypatch):
    monkeypatch.setenv("SYMBL_ACCESS_TOKEN", "env-token-123")
    creds = find_credentials()
    assert (creds.token, creds.source, creds.can_exchange) == ("env-token-123", "env", False)


def test_app_id_and_secret_from_the_environment(no_ambient_credentials, monkeypatch):
    monkeypatch.setenv("SYMBL_APP_ID", APP_ID)
    monkeypatch.setenv("SYMBL_APP_SECRET", SECRET)
    creds = find_credentials()
    assert (creds.app_id, creds.app_secret, creds.source, creds.can_exchange) == (APP_ID, SECRET, "env", True)


def test_half_a_pair_in_the_environment_is_an_error(no_ambient_credentials, monkeypatch):
    monkeypatch.setenv("SYMBL_APP_SECRET", SECRET)
    with pytest.raises(CredentialsError, match="SYMBL_APP_ID is missing") as info:
        find_credentials()
    assert SECRET not in str(info.value)


def test_symbl_conf_in_the_working_directory_wins_over_home(no_ambient_credentials):
    work, home = no_ambient_credentials
    write_conf(home, app_id="from-home")
    write_conf(work, app_id="from-work")
    creds = find_credentials()
    assert creds.app_id == "from-work"
    assert creds.source == str(work / "symbl.conf")


def test_symbl_conf_in_home(no_ambient_credentials):
    _, home = no_ambient_credentials
    write_conf(home)
    creds = find_credentials()
    assert (creds.app_id, creds.app_secret) == (APP_ID, SECRET)


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (f"[other]\napp_id = x\napp_secret = {SECRET}\n", "no \\[credentials\\] section"),
        ("[credentials]\napp_id = x\n", "app_secret is missing"),
        (f"app_secret = {SECRET}\n[credentials]\n", "not a valid INI file"),
    ],
)
def test_a_broken_symbl_conf_is_an_error_that_does_not_quote_the_secret(
    no_ambient_credentials, content, match
):
    work, _ = no_ambient_credentials
    (work / "symbl.conf").write_text(content)
    with pytest.raises(CredentialsError, match=match) as info:
        find_credentials()
    assert SECRET not in str(info.value)


def test_no_credentials_anywhere_says_how_to_provide_them(no_ambient_credentials):
    with pytest.raises(CredentialsError) as info:
        SymblClient()
    text = str(info.value)
    for hint in (
        "token=",
        "SYMBL_ACCESS_TOKEN",
        "SYMBL_APP_ID",
        "SYMBL_APP_SECRET",
        "symbl.conf",
        '"sample"',
    ):
        assert hint in text


def test_credentials_hide_secrets_and_refuse_pickling():
    creds = Credentials(token="tok-abcdef-987", app_id=APP_ID, app_secret=SECRET)
    assert repr(creds) == "Credentials(token=***, app_id='app-id-1234', app_secret=***, source='arguments')"
    with pytest.raises(TypeError):
        pickle.dumps(creds)


# -- the token cache ----------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def token_response(token: str, expires_in) -> httpx.Response:
    request = httpx.Request("POST", "https://api.symbl.ai/oauth2/token:generate")
    return httpx.Response(200, json={"accessToken": token, "expiresIn": expires_in}, request=request)


def test_a_token_is_reused_until_shortly_before_expires_in_ends():
    clock = Clock()
    cache = TokenCache(Credentials(app_id=APP_ID, app_secret=SECRET), clock=clock)
    endpoint = Endpoint()
    assert cache.current() is None
    assert cache.accept(token_response("tok-1", 86400), endpoint) == "tok-1"
    clock.now += 86400 - 61  # a minute early, at most
    assert cache.current() == "tok-1"
    clock.now += 2
    assert cache.current() is None
    cache.accept(token_response("tok-2", 10), endpoint)
    clock.now += 8.9  # 10% early for a short-lived token
    assert cache.current() == "tok-2"
    clock.now += 0.2
    assert cache.current() is None


def test_invalidate_only_drops_the_token_that_failed():
    cache = TokenCache(Credentials(app_id=APP_ID, app_secret=SECRET))
    cache.accept(token_response("tok-new", 3600), Endpoint())
    assert cache.invalidate("tok-old") is True  # a late 401 for an older token
    assert cache.current() == "tok-new"
    cache.invalidate("tok-new")
    assert cache.current() is None


def test_a_token_answer_without_access_token_is_a_format_error():
    from trackerkit import ResponseFormatError

    request = httpx.Request("POST", "https://api.symbl.ai/oauth2/token:generate")
    cache = TokenCache(Credentials(app_id=APP_ID, app_secret=SECRET))
    with pytest.raises(ResponseFormatError, match="no accessToken"):
        cache.accept(httpx.Response(200, json={"token": "x"}, request=request), Endpoint())


# -- tokens over the wire -----------------------------------------------------------------


@pytest.fixture
def app_emulator(account):
    return SymblEmulator(account, app_id=APP_ID, app_secret=SECRET)


def app_client(emulator, flavour="sync", **extra):
    cls = SymblClient if flavour == "sync" else AsyncSymblClient
    return cls(app_id=APP_ID, app_secret=SECRET, transport=emulator.transport(), backoff_base=0.01, **extra)


def test_the_token_is_generated_once_and_reused(app_emulator, account):
    with app_client(app_emulator) as client:
        client.list_trackers()
        client.get_tracker(account[0]["id"])
        client.get_trackers([t["id"] for t in account], progress=False)
    assert app_emulator.requests["/oauth2/token:generate"] == 1


def test_the_token_is_sent_as_a_bearer_header(app_emulator):
    seen = []
    inner = app_emulator.transport()

    def spy(request):
        seen.append(request.headers.get("authorization"))
        return inner.handle_request(request)

    with SymblClient(app_id=APP_ID, app_secret=SECRET, transport=httpx.MockTransport(spy)) as client:
        client.list_trackers()
    assert seen[0] is None  # the token exchange itself
    assert seen[1] == f"Bearer {app_emulator.issued_tokens[0]}"


@pytest.mark.network
def test_an_expired_token_is_replaced_before_use(account):
    import time

    emulator = SymblEmulator(account, app_id=APP_ID, app_secret=SECRET, token_ttl=1)
    with emulator.serve() as url, SymblClient(app_id=APP_ID, app_secret=SECRET, base_url=url) as client:
        client.list_trackers()
        time.sleep(0.95)  # past 90% of the token's 1 s life
        client.list_trackers()
    assert emulator.requests["/oauth2/token:generate"] == 2
    assert emulator.requests["/v1/manage/trackers"] == 2  # no 401 was needed


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_a_401_refreshes_once_and_retries_once(app_emulator, account, flavour):
    async def run_async():
        async with app_client(app_emulator, "async") as client:
            await client.list_trackers()
            app_emulator.expire_tokens()
            return await client.list_trackers()

    if flavour == "sync":
        with app_client(app_emulator) as client:
            client.list_trackers()
            app_emulator.expire_tokens()
            trackers = client.list_trackers()
    else:
        trackers = anyio.run(run_async)
    assert len(trackers) == len(account)
    assert app_emulator.requests["/oauth2/token:generate"] == 2
    assert app_emulator.requests["/v1/manage/trackers"] == 3


@pytest.mark.parametrize("flavour", ["sync", "async"])
def test_bad_credentials_raise_authentication_error_without_the_secret(account, flavour):
    emulator = SymblEmulator(account, app_id=APP_ID, app_secret="the-right-one")

    async def run_async():
        async with app_client(emulator, "async") as client:
            await client.list_trackers()

    def run_sync():
        with app_client(emulator) as client:
            client.list_trackers()

    with pytest.raises(AuthenticationError) as info:
        run_sync() if flavour == "sync" else anyio.run(run_async)
    exc = info.value
    assert exc.status == 401
    assert "Invalid appId or appSecret" in str(exc)
    assert "check the app id and secret" in str(exc)
    assert SECRET not in str(exc)
    assert SECRET not in repr(exc)
    assert emulator.requests["/oauth2/token:generate"] == 1  # POSTs are never retried
    assert emulator.count("/v1/") == 0


def test_a_token_exchange_failing_with_5xx_is_not_retried(app_emulator):
    app_emulator.script(503, path="/oauth2/")
    with app_client(app_emulator) as client, pytest.raises(ServerError):
        client.list_trackers()
    assert app_emulator.requests["/oauth2/token:generate"] == 1


def test_a_server_echoing_the_token_is_redacted():
    token = "echo-me-token-42"

    def handler(request):
        return httpx.Response(500, json={"message": f"token {token} is odd; secret {SECRET}"})

    transport = httpx.MockTransport(handler)
    client = SymblClient(token=token, app_id=APP_ID, app_secret=SECRET, transport=transport, max_retries=0)
    with client, pytest.raises(ServerError) as info:
        client.list_trackers()
    # Not the token, not the secret: both replaced.
    assert token not in str(info.value)
    assert SECRET not in str(info.value)
    assert "token *** is odd; secret ***" in str(info.value)


# -- the leak scan ------------------------------------------------------------------------


@pytest.mark.network
def test_no_secret_or_token_in_reprs_logs_or_errors(account, caplog):
    """Drive every path that touches credentials, then scan everything a user could see."""
    caplog.set_level(logging.DEBUG)  # every logger, httpx and httpcore included
    emulator = SymblEmulator(account, app_id=APP_ID, app_secret=SECRET)
    seen: list[str] = [repr(emulator)]
    errors: list[BaseException] = []
    with emulator.serve() as url:
        options = {"app_id": APP_ID, "app_secret": SECRET, "base_url": url, "backoff_base": 0.01}
        with SymblClient(**options) as client:
            seen += [
                repr(client),
                repr(client._tokens),
                repr(client._tokens.credentials),
                repr(client.retry_policy),
            ]
            client.list_trackers()
            emulator.expire_tokens()  # 401 -> refresh
            client.get_trackers([t["id"] for t in account[:5]], progress=False)
            emulator.script(503, Fault.rate_limit("0"), Fault.drop())  # retries are logged
            client.list_trackers()
            try:
                client.get_tracker("404404")
            except TrackerNotFoundError as exc:
                errors.append(exc)
            emulator.always(401)  # refresh once, then give up
            try:
                client.list_trackers()
            except AuthenticationError as exc:
                errors.append(exc)
            emulator.clear_faults()

        async def run_async():
            async with AsyncSymblClient(**options) as client:
                seen.append(repr(client))
                await client.list_trackers()

        anyio.run(run_async)
        for bad in (
            {**options, "app_secret": SECRET + "-wrong"},
            {"token": "tok-" + SECRET, "base_url": url},
        ):
            try:
                with SymblClient(**bad) as client:
                    client.list_trackers()
            except Exception as exc:
                errors.append(exc)
    assert len(errors) == 4
    for exc in errors:
        seen += [str(exc), repr(exc), *map(str, exc.args), str(getattr(exc, "server_message", ""))]
        seen += [str(getattr(exc, "url", ""))]
    seen += [record.getMessage() for record in caplog.records]
    seen += [str(record.args) for record in caplog.records]
    assert len(caplog.records) > 10
    tokens = emulator.issued_tokens
    assert len(tokens) >= 3
    for text in seen:
        assert SECRET not in text
        for token in tokens:
            assert token not in text


@pytest.mark.parametrize("flavour", ["sync", "async"])
@pytest.mark.parametrize(
    ("body", "call"),
    [
        (lambda auth: {"tracker": {"id": "999", "name": auth, "vocabulary": []}}, "get_tracker"),
        (lambda auth: {"tracker": {"id": auth, "vocabulary": []}}, "get_tracker"),
        (lambda auth: {"echo": auth}, "get_tracker"),
        (lambda auth: {"trackers": auth}, "list_trackers"),
        (lambda auth: {"trackers": [{"id": "1", "name": "A", "vocabulary": [auth, 3]}]}, "list_trackers"),
    ],
    ids=["wrong-tracker", "bad-field", "no-tracker", "list-shape", "list-bad-entry"],
)
def test_a_server_echoing_the_token_never_gets_it_into_an_error(flavour, body, call):
    """Whatever a response quotes back, exception texts (causes included) stay free of the token."""
    token = "tok-" + "s3cr3t" * 4

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=body(request.headers["authorization"]))

    def texts(exc: BaseException | None) -> str:
        out = []
        while exc is not None:
            out.append(str(exc))
            exc = exc.__cause__ or exc.__context__
        return "\n".join(out)

    args = ("1",) if call == "get_tracker" else ()
    if flavour == "sync":
        client = SymblClient(token=token, transport=httpx.MockTransport(handler), max_retries=0)
        with client, pytest.raises(TrackerkitError) as info:
            getattr(client, call)(*args)
    else:

        async def main() -> pytest.ExceptionInfo:
            transport = httpx.MockTransport(handler)
            async with AsyncSymblClient(token=token, transport=transport, max_retries=0) as client:
                with pytest.raises(TrackerkitError) as info:
                    await getattr(client, call)(*args)
                return info

        info = anyio.run(main)
    assert "***" in texts(info.value) or "Bearer" not in texts(info.value)
    assert token not in texts(info.value)


def test_json_nested_too_deep_is_a_format_error():
    deep = b"[" * 100_000 + b"]" * 100_000

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=deep, headers={"content-type": "application/json"})

    client = SymblClient(token="t" * 12, transport=httpx.MockTransport(handler), max_retries=0)
    with client, pytest.raises(ResponseFormatError, match="expected JSON"):
        client.list_trackers()
