"""Issue 17, the API client's side: hostile servers on loopback, odd credentials and ids.

One section per numbered item of the issue: 1 credentials cleaned where they enter and every
rendering redacted, 2 retry log lines redacted, 3 snippets redacted before they are cut, 4 no
httpx object or secret on an exception's chain, 5 one deadline per call (trickled bodies and
headers, endless ``100 Continue``), 6 Ctrl-C during ``get_trackers``, 7 typed errors and CLI
exit codes, 8 bounded decoding, parsing and pagination, 13 implausible tracker ids.

The servers are real: the emulator on 127.0.0.1, or :class:`RawServer` below when a response
must be malformed in ways no well-behaved HTTP server would produce.
"""

from __future__ import annotations

import base64
import contextlib
import gzip
import json
import logging
import select
import signal
import socket
import threading
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import quote, quote_plus

import anyio
import httpx
import pytest

from trackerkit import (
    AsyncSymblClient,
    BadRequestError,
    CredentialsError,
    DeadlineExceededError,
    ResponseFormatError,
    ServerError,
    SymblClient,
    TrackerDataError,
    TrackerkitError,
    TransportError,
)
from trackerkit.api import find_credentials
from trackerkit.cli import EXIT_AUTH, EXIT_NETWORK, EXIT_OK, EXIT_USAGE, main

pytestmark = pytest.mark.network

LIST = "/v1/manage/trackers"
BY_ID = "/v1/manage/tracker/"
TOKEN_PATH = "/oauth2/token:generate"
ENV_NAMES = ("SYMBL_ACCESS_TOKEN", "SYMBL_APP_ID", "SYMBL_APP_SECRET")


# -- a raw loopback server ----------------------------------------------------------------


class RawServer:
    """An HTTP/1.1 server on 127.0.0.1 that lets ``respond(server, conn, method, path)``
    write whatever bytes it likes (one request per connection).

    ``requests`` lists the paths asked for; ``events`` what the handlers report ("complete"
    when a slow answer was sent in full, "client gone" when the client hung up first). On exit
    it waits for the handlers to finish (each ends within a few seconds), so events are final.
    """

    def __init__(self, respond: Callable[[RawServer, socket.socket, str, str], None]) -> None:
        self.respond = respond
        self.requests: list[str] = []
        self.events: list[str] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> RawServer:
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        self._sock.close()  # no new connections; the handlers in progress may finish
        self._acceptor.join(5)
        for thread in list(self._threads):
            thread.join(10)
        self.stopping.set()

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for path in self.requests if path.startswith(prefix))

    def note(self, event: str) -> None:
        with self._lock:
            self.events.append(event)

    def _accept(self) -> None:
        while not self.stopping.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                return
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            try:
                while b"\r\n\r\n" not in data:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    data += chunk
                head, _, rest = data.partition(b"\r\n\r\n")
                lines = head.decode("latin-1").split("\r\n")
                method, target, _ = lines[0].split(" ", 2)
                headers = dict(line.split(": ", 1) for line in lines[1:] if ": " in line)
                length = int(headers.get("Content-Length", headers.get("content-length", "0")))
                while len(rest) < length:
                    rest += conn.recv(65536)
            except OSError:
                return
            with self._lock:
                self.requests.append(target.split("?")[0])
            try:
                self.respond(self, conn, method, target)
            except OSError:
                self.note("client gone")


def http_response(
    status: int, body: bytes | str | dict, *, headers: dict[str, str] | None = None, reason: str = "X"
) -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body)
    raw = body.encode() if isinstance(body, str) else body
    fields = {"Content-Type": "application/json", "Content-Length": str(len(raw)), "Connection": "close"}
    fields.update(headers or {})
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in fields.items())
    return head.encode("latin-1") + b"\r\n" + raw


def answering(*replies: bytes) -> Callable[[RawServer, socket.socket, str, str], None]:
    """A ``respond`` sending ``replies`` in turn, the last one for every later request."""
    queue = list(replies)

    def respond(server: RawServer, conn: socket.socket, method: str, target: str) -> None:
        conn.sendall(queue.pop(0) if len(queue) > 1 else queue[0])

    return respond


@contextmanager
def serving(respond) -> Iterator[RawServer]:
    with RawServer(respond) as server:
        yield server


def run(flavour: str, options: dict, method: str, *args, **kwargs):
    """One client call in the given flavour, with a fresh client closed afterwards."""
    if flavour == "sync":
        with SymblClient(**options) as client:
            return getattr(client, method)(*args, **kwargs)

    async def call():
        async with AsyncSymblClient(**options) as client:
            return await getattr(client, method)(*args, **kwargs)

    return anyio.run(call)


def chain(exc: BaseException | None) -> list[BaseException]:
    """``exc`` and every exception reachable through __cause__ / __context__."""
    out: list[BaseException] = []
    pending = [exc]
    while pending:
        current = pending.pop()
        if current is None or any(current is seen for seen in out):
            continue
        out.append(current)
        pending += [current.__cause__, current.__context__]
    return out


def shown(exc: BaseException) -> str:
    """Everything a user could print of an exception and its chain."""
    parts = []
    for link in chain(exc):
        parts += [str(link), repr(link), *map(str, link.args)]
        parts += [str(getattr(link, name, "")) for name in ("server_message", "url")]
    return "\n".join(parts)


@pytest.fixture(params=["sync", "async"])
def flavour(request) -> str:
    return request.param


@pytest.fixture
def no_ambient_credentials(monkeypatch, tmp_path):
    for name in ENV_NAMES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


TOKEN = 'tok-Ab3\\x"q/Zz+9=k~Long3nough'  # backslash, quote, / + = ~: escaped in most renderings
APP_ID = "app-id-42"
SECRET = "s3cret/Value+With=Padding"


# == 1. credentials are cleaned where they enter; every rendering is redacted ================


@pytest.mark.parametrize("suffix", ["\n", "\r\n", " ", "\t\n"])
def test_1_a_token_read_with_a_trailing_newline_or_space_is_stripped_and_works(
    emulator, emulator_url, suffix, no_ambient_credentials, monkeypatch
):
    token = emulator.issue_token()
    with SymblClient(token=token + suffix, base_url=emulator_url, max_retries=0) as client:
        assert len(client.list_trackers()) == 30
    monkeypatch.setenv("SYMBL_ACCESS_TOKEN", token + suffix)  # as `export X=$(cat file)` leaves it
    with SymblClient(base_url=emulator_url, max_retries=0) as client:
        assert len(client.list_trackers()) == 30
    assert emulator.requests[LIST] == 2


def test_1_an_app_secret_with_a_trailing_newline_is_stripped_from_every_source(
    emulator, emulator_url, no_ambient_credentials, monkeypatch
):
    opts = {"base_url": emulator_url, "max_retries": 0}
    with SymblClient(app_id=emulator.app_id + " ", app_secret=emulator.app_secret + "\r\n", **opts) as c:
        assert len(c.list_trackers()) == 30
    monkeypatch.setenv("SYMBL_APP_ID", emulator.app_id)
    monkeypatch.setenv("SYMBL_APP_SECRET", emulator.app_secret + "\n")
    with SymblClient(**opts) as client:
        assert len(client.list_trackers()) == 30
    assert emulator.requests[TOKEN_PATH] == 2


BAD_VALUES = {
    "inner space": "abcd efgh-1234",
    "inner tab": "abcd\tefgh-1234",
    "NUL": "abcd\x00efgh-1234",
    "newline inside": "abcd\nefgh-1234",
    "DEL": "abcd\x7fefgh-1234",
    "non-ASCII": "abcd-tökén-1234",
    "non-ASCII space": "abcd\u00a0efgh-1234",
}


@pytest.mark.parametrize("where", ["token", "app_secret", "app_id", "env token", "env secret", "conf"])
@pytest.mark.parametrize("problem", list(BAD_VALUES))
def test_1_a_credential_with_control_characters_whitespace_or_non_ascii_is_refused_unshown(
    emulator, emulator_url, no_ambient_credentials, monkeypatch, where, problem
):
    bad = BAD_VALUES[problem]
    if where == "token":
        entering = lambda: SymblClient(base_url=emulator_url, token=bad)  # noqa: E731
    elif where == "app_secret":
        entering = lambda: SymblClient(base_url=emulator_url, app_id=APP_ID, app_secret=bad)  # noqa: E731
    elif where == "app_id":
        entering = lambda: SymblClient(base_url=emulator_url, app_id=bad, app_secret=SECRET)  # noqa: E731
    elif where == "env token":  # (an explicit environ: a real one cannot hold NUL)
        entering = lambda: find_credentials(environ={"SYMBL_ACCESS_TOKEN": bad})  # noqa: E731
    elif where == "env secret":
        env = {"SYMBL_APP_ID": APP_ID, "SYMBL_APP_SECRET": bad}
        entering = lambda: find_credentials(environ=env)  # noqa: E731
    else:
        conf = f"[credentials]\napp_id = {APP_ID}\napp_secret = {bad}\n"
        (no_ambient_credentials / "symbl.conf").write_text(conf, encoding="utf-8")
        entering = lambda: SymblClient(base_url=emulator_url)  # noqa: E731
    with pytest.raises(CredentialsError) as info:
        entering()
    text = shown(info.value)
    for fragment in (bad, bad.strip(), bad.encode("unicode_escape").decode(), "efgh-1234", "abcd"):
        assert fragment not in text
    assert emulator.count() == 0  # refused before anything was sent


def secret_renderings(token: str, app_id: str, secret: str) -> list[str]:
    """The ways a server or a library can spell a secret back."""
    pair = f"{app_id}:{secret}".encode()
    return [
        token,
        repr(token)[1:-1],
        repr(f"Authorization: Bearer {token}".encode()),  # b'...', as h11 shows a header
        json.dumps({"echo": token}),
        quote(token, safe=""),
        quote_plus(token),
        quote(token, safe="").replace("%2F", "%2f"),
        base64.b64encode(pair).decode(),  # a Basic header
        base64.b64encode(b"z" + token.encode() + b"zz").decode(),  # the token inside base64
        base64.urlsafe_b64encode(b"xy" + secret.encode()).decode(),
        secret,
        quote(secret, safe=""),
    ]


def leaks(text: str, token: str = TOKEN, secret: str = SECRET) -> list[str]:
    """Substrings of ``text`` that give away the token or secret (any 6 characters of them,
    in any rendering)."""
    found = []
    for value in (token, secret):
        for form in (value, quote(value, safe=""), value.replace("\\", "\\\\")):
            for start in range(len(form) - 5):
                if form[start : start + 6] in text:
                    found.append(form[start : start + 6])
    for rendering in secret_renderings(token, APP_ID, secret)[7:10]:  # the base64 ones
        for start in range(len(rendering) - 9):
            if rendering[start : start + 10] in text:
                found.append(rendering[start : start + 10])
    return found


def test_1_every_rendering_of_the_token_and_secret_is_redacted_from_errors(flavour):
    echo = " | ".join(secret_renderings(TOKEN, APP_ID, SECRET))
    body = {"message": f"bad request from {echo}"}
    with serving(answering(http_response(500, body))) as server:
        options = {"token": TOKEN, "app_id": APP_ID, "app_secret": SECRET, "base_url": server.url}
        with pytest.raises(ServerError) as info:
            run(flavour, {**options, "max_retries": 0}, "list_trackers")
    text = shown(info.value)
    assert "bad request from ***" in text
    assert leaks(text) == []


# == 2. retry log lines are redacted the same way ========================================


def test_2_retry_log_lines_never_show_the_token(flavour, caplog):
    echo = f"you sent {TOKEN} aka {quote(TOKEN, safe='')} aka {base64.b64encode(TOKEN.encode()).decode()}"
    caplog.set_level(logging.INFO, logger="trackerkit.api")
    with serving(answering(http_response(503, {"message": echo}))) as server:
        options = {"token": TOKEN, "base_url": server.url, "max_retries": 2, "backoff_base": 0.01}
        with pytest.raises(ServerError):
            run(flavour, options, "list_trackers")
    lines = [r.getMessage() for r in caplog.records if r.name.startswith("trackerkit")]
    retries = [line for line in lines if line.startswith("retry ")]
    assert len(retries) == 2
    assert all("you sent ***" in line for line in retries)
    assert leaks("\n".join(lines)) == []


# == 3. snippets of bodies and Location headers: redacted first, then cut ====================


def test_3_a_body_snippet_never_shows_the_start_of_a_cut_token(flavour):
    body = "x" * 70 + TOKEN + " and more text after it"  # the token straddles the 80-character cut
    reply = http_response(400, body, headers={"Content-Type": "text/plain"})
    with serving(answering(reply)) as server, pytest.raises(BadRequestError) as info:
        run(flavour, {"token": TOKEN, "base_url": server.url}, "list_trackers")
    text = shown(info.value)
    assert "x" * 70 + "***" in text
    assert leaks(text) == []


def test_3_a_location_header_never_shows_the_start_of_a_cut_token(flavour):
    location = "https://elsewhere.example/" + "y" * 50 + quote(TOKEN, safe="")
    reply = http_response(302, "", headers={"Location": location})
    with (
        serving(answering(reply)) as server,
        pytest.raises(ResponseFormatError, match="redirects are not followed") as info,
    ):
        run(flavour, {"token": TOKEN, "base_url": server.url}, "list_trackers")
    text = shown(info.value)
    assert "y" * 50 + "***" in text
    assert leaks(text) == []


# == 4. nothing on an exception's chain holds httpx objects or a secret ======================


def test_4_a_network_error_carries_no_httpx_error_request_or_token(flavour):
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    options = {"token": TOKEN, "base_url": f"http://127.0.0.1:{port}", "max_retries": 0}
    with pytest.raises(TransportError, match="ConnectError") as info:
        run(flavour, options, "list_trackers")
    for link in chain(info.value):
        assert isinstance(link, TrackerkitError), f"{type(link)} on the chain"
        assert not any(isinstance(v, (httpx.Request, httpx.Response)) for v in vars(link).values())
    assert leaks(shown(info.value)) == []


@pytest.mark.parametrize(
    "content",
    [
        b"[credentials]\napp_id = app-id-42\napp_secret = s3cret/Value+With=Padding\xff\n",
        b"app_secret = s3cret/Value+With=Padding\n[credentials]\napp_id = app-id-42\n",
        b"\xfe\xffapp_secret = s3cret/Value+With=Padding\n",
    ],
    ids=["not-utf8", "no-section-header", "utf16-bom"],
)
def test_4_a_broken_symbl_conf_is_a_credentials_error_with_no_secret_anywhere(tmp_path, content):
    (tmp_path / "symbl.conf").write_bytes(content)
    with pytest.raises(CredentialsError, match=r"symbl\.conf") as info:
        find_credentials(environ={}, search_dirs=[tmp_path])
    assert leaks(shown(info.value)) == []
    for link in chain(info.value):
        assert isinstance(link, CredentialsError)
        assert SECRET.encode() not in repr(vars(link)).encode()


# == 5. one deadline per call: connecting, reading and retrying ==============================

BODY = b'{"trackers": []}' + b" " * 14  # 30 bytes: 3 s at one byte every 0.1 s


def client_hung_up(conn: socket.socket, seconds: float) -> bool:
    """Wait up to ``seconds``; True as soon as the client closes its end."""
    readable, _, _ = select.select([conn], [], [], seconds)
    if not readable:
        return False
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def trickle(server: RawServer, conn: socket.socket, pieces: list[bytes], gap: float = 0.1) -> None:
    """Send ``pieces`` one by one, ``gap`` apart; note whether all went out or the client left."""
    for piece in pieces:
        if client_hung_up(conn, gap):
            server.note("client gone")
            return
        conn.sendall(piece)
    server.note("complete")


def stalled_body(server, conn, method, target):
    conn.sendall(http_response(200, b"", headers={"Content-Length": str(len(BODY))}))
    server.note("client gone" if client_hung_up(conn, 3.0) else "complete")


def trickled_body(server, conn, method, target):
    conn.sendall(http_response(200, b"", headers={"Content-Length": str(len(BODY))}))
    trickle(server, conn, [BODY[i : i + 1] for i in range(len(BODY))])


def trickled_headers(server, conn, method, target):
    conn.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
    trickle(server, conn, [b"a"] * 30 + [http_response(200, BODY).split(b"\r\n", 1)[1]])


def endless_continue(server, conn, method, target):
    trickle(server, conn, [b"HTTP/1.1 100 Continue\r\n\r\n"] * 30 + [http_response(200, BODY)])


@pytest.mark.parametrize("respond", [trickled_body, trickled_headers, endless_continue, stalled_body])
def test_5_a_trickling_server_cannot_outlast_the_calls_deadline(flavour, respond):
    with serving(respond) as server:
        options = {"token": TOKEN, "base_url": server.url, "timeout": 5.0, "deadline": 0.5}
        with pytest.raises(DeadlineExceededError, match=r"deadline of 0\.5 s") as info:
            run(flavour, {**options, "max_retries": 0}, "list_trackers")
    # The client hung up at its deadline: the 3-second answer was never sent in full.
    assert server.events == ["client gone"]
    assert info.value.deadline == 0.5
    assert isinstance(info.value, TransportError)  # the documented family: network failures


def test_5_the_deadline_covers_retries_and_the_attempt_in_flight(flavour):
    def respond(server: RawServer, conn, method, target):
        if server.count(LIST) < 3:
            conn.sendall(http_response(503, {"message": "busy"}))
        else:  # the third attempt gets headers, then nothing (well within the read timeout)
            stalled_body(server, conn, method, target)

    with serving(respond) as server:
        # roomy enough for two 503s on a loaded machine; the stalled third answer outlasts it
        options = {"token": TOKEN, "base_url": server.url, "timeout": 5.0, "deadline": 2.0}
        with pytest.raises(DeadlineExceededError):
            run(flavour, {**options, "max_retries": 100, "backoff_base": 0.01}, "list_trackers")
    assert server.count(LIST) == 3
    assert server.events == ["client gone"]


# == 6. Ctrl-C during a sync batch stops it at once ========================================


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs POSIX signals to press Ctrl-C")
def test_6_ctrl_c_during_get_trackers_cancels_promptly_without_retries(caplog):
    """The server holds the first two requests; when the second arrives it sends SIGINT to the
    main thread (as Ctrl-C does). The call must give up without waiting for those requests,
    start no queued id, and not retry the 503s they finally get."""
    release = threading.Event()
    main_thread = threading.main_thread().ident
    ids = [str(4_000_000_000_000_000 + i) for i in range(10)]

    pressed = threading.Event()
    pressing = threading.Lock()

    def respond(server: RawServer, conn, method, target):
        with pressing:  # once: two handlers may both see the second request counted
            press = server.count(BY_ID) >= 2 and not pressed.is_set()
            if press:
                pressed.set()
        if press:
            signal.pthread_kill(main_thread, signal.SIGINT)
        held = release.wait(3)  # a fallback, so an old client that waits does not hang forever
        server.note("released" if held else "never released")
        conn.sendall(http_response(503, {"message": "busy"}))

    caplog.set_level(logging.WARNING, logger="trackerkit.api")
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with (
            serving(respond) as server,
            SymblClient(token=TOKEN, base_url=server.url, max_retries=3, backoff_base=0.01) as client,
        ):
            with pytest.raises(KeyboardInterrupt):
                client.get_trackers(ids, concurrency=2, progress=False)
            answered_before_return = list(server.events)
            workers = [t for t in threading.enumerate() if t.name.startswith("trackerkit")]
            release.set()
            for worker in workers:
                worker.join(5)
            assert not any(worker.is_alive() for worker in workers)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert answered_before_return == []  # the call did not wait for the requests in flight
    assert server.count(BY_ID) == 2  # no queued id was started, and no 503 was retried
    assert server.events == ["released", "released"]
    assert any("interrupted: 0 of 10 trackers fetched; 2 requests" in r.getMessage() for r in caplog.records)


# == 7. typed errors, and the CLI's documented exit codes ===================================


@pytest.fixture
def cli(no_ambient_credentials, monkeypatch, capsys):
    """``cli(server_url, *args, **env)``: run ``trackerkit fetch`` against a server; gives
    (exit code, stderr)."""

    def invoke(url: str, *args: str, **env: str) -> tuple[int, str]:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        out = no_ambient_credentials / "out.json"
        code = main(["fetch", "--source", f"symbl:{url}", *args, "-o", str(out), "-q"])
        return code, capsys.readouterr().err

    return invoke


def test_7_an_error_body_nested_200k_levels_is_a_typed_error_not_recursion(cli):
    deep = b"[" * 200_000 + b"]" * 200_000
    with serving(answering(http_response(400, deep))) as server:
        code, err = cli(server.url, SYMBL_ACCESS_TOKEN=TOKEN)
    assert code == EXIT_NETWORK
    assert err.startswith("trackerkit: error: GET ") and "400" in err
    assert "Traceback" not in err and "Recursion" not in err


def test_7_a_retry_after_date_with_a_20_digit_year_is_ignored(cli):
    date = "Wed, 21 Oct 99999999999999999999 07:28:10 GMT"
    replies = [http_response(503, {"message": "busy"}, headers={"Retry-After": date})]
    replies.append(http_response(200, {"trackers": [{"id": "1", "name": "A", "vocabulary": ["x"]}]}))
    with serving(answering(*replies)) as server:
        code, err = cli(server.url, SYMBL_ACCESS_TOKEN=TOKEN)
    assert code == EXIT_OK, err
    assert server.count(LIST) == 2  # retried after the usual backoff


def test_7_a_non_ascii_token_is_a_credentials_error_and_exit_3(cli):
    with serving(answering(http_response(200, {"trackers": []}))) as server:
        code, err = cli(server.url, SYMBL_ACCESS_TOKEN="tök-3n-välue-1234")
    assert code == EXIT_AUTH
    assert "SYMBL_ACCESS_TOKEN" in err and "non-ASCII" in err
    assert "3n-v" not in err and "Traceback" not in err
    assert server.requests == []


def test_7_an_expires_in_too_large_for_a_float_is_ignored_not_an_overflow(cli):
    token_answer = '{"accessToken": "tok-generated-123456", "expiresIn": ' + "9" * 400 + "}"
    replies = [http_response(200, token_answer), http_response(200, {"trackers": []})]
    with serving(answering(*replies)) as server:
        code, err = cli(server.url, SYMBL_APP_ID=APP_ID, SYMBL_APP_SECRET=SECRET)
    assert code == EXIT_OK, err
    assert server.requests == [TOKEN_PATH, LIST]


@pytest.mark.parametrize("where", ["id", "extra field"])
def test_7_an_int_of_more_than_4300_digits_is_a_format_error_naming_it(cli, where):
    big = "1" * 5000
    entry = f'{{"id": {big}, "name": "A", "vocabulary": []}}'
    if where == "extra field":
        entry = f'{{"id": "1", "name": "A", "vocabulary": [], "score": {big}}}'
    with serving(answering(http_response(200, '{"trackers": [' + entry + "]}"))) as server:
        code, err = cli(server.url, SYMBL_ACCESS_TOKEN=TOKEN)
    assert code == EXIT_NETWORK
    assert "number of more than 1,000 digits" in err
    assert "Traceback" not in err and big[:100] not in err


# == 8. bounded decoding, parsing and pagination ==========================================


@pytest.fixture(scope="module")
def gzip_gzip_bomb() -> bytes:
    """64 MiB of zeros, gzipped twice: about 2 KB on the wire."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    zeros = bytes(1024 * 1024)
    inner = b"".join(packer.compress(zeros) for _ in range(64)) + packer.flush()
    return gzip.compress(inner, 9)


def test_8_a_gzip_gzip_bomb_stops_at_the_body_limit_without_inflating(flavour, gzip_gzip_bomb):
    reply = http_response(200, gzip_gzip_bomb, headers={"Content-Encoding": "gzip, gzip"})
    with serving(answering(reply)) as server:
        options = {"token": TOKEN, "base_url": server.url, "max_retries": 0}
        tracemalloc.start()
        try:
            if flavour == "sync":
                client = SymblClient(**options)
                client.max_body_bytes = 1024 * 1024
                with client, pytest.raises(ResponseFormatError, match="max_body_bytes"):
                    client.list_trackers()
            else:

                async def call():
                    client = AsyncSymblClient(**options)
                    client.max_body_bytes = 1024 * 1024
                    async with client:
                        with pytest.raises(ResponseFormatError, match="max_body_bytes"):
                            await client.list_trackers()

                anyio.run(call)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    assert len(gzip_gzip_bomb) < 10_000
    assert peak < 16 * 1024 * 1024  # a few chunks of 64 KiB, never the 64 MiB it inflates to


def test_8_a_body_of_millions_of_empty_objects_is_refused_before_parsing(flavour):
    body = "[" + ", ".join(["{}"] * 5000) + "]"
    with serving(answering(http_response(200, body))) as server:
        options = {"token": TOKEN, "base_url": server.url, "max_retries": 0}
        expected = r"more than 1,000 JSON values \(max_json_values\)"
        if flavour == "sync":
            client = SymblClient(**options)
            client.max_json_values = 1000
            with client, pytest.raises(ResponseFormatError, match=expected):
                client.list_trackers()
        else:

            async def call():
                client = AsyncSymblClient(**options)
                client.max_json_values = 1000
                async with client:
                    with pytest.raises(ResponseFormatError, match=expected):
                        await client.list_trackers()

            anyio.run(call)


@pytest.mark.parametrize(("depth", "ok"), [(100, False), (20, True)])
def test_8_json_nested_past_max_json_depth_is_refused(flavour, depth, ok):
    nested = "[" * depth + "]" * depth
    body = '{"trackers": [{"id": "1", "name": "A", "vocabulary": [], "x": ' + nested + "}]}"
    with serving(answering(http_response(200, body))) as server:
        options = {"token": TOKEN, "base_url": server.url, "max_retries": 0}
        if ok:
            assert [t.id for t in run(flavour, options, "list_trackers")] == ["1"]
        else:
            with pytest.raises(ResponseFormatError, match="at most 64 levels deep \\(max_json_depth\\)"):
                run(flavour, options, "list_trackers")


def endless_pages(pages: int, page_bytes: int):
    """Pages of one fat tracker each, every one with a fresh continuation key, ``pages`` in all."""

    def respond(server: RawServer, conn, method, target):
        n = int(target.rpartition("page-")[2]) if "page-" in target else 1
        page: dict = {"trackers": [{"id": str(n), "name": f"T{n}", "vocabulary": ["x" * page_bytes]}]}
        if n < pages:
            page["nextToken"] = f"page-{n + 1}"
        conn.sendall(http_response(200, page))

    return respond


def test_8_the_total_across_pages_is_bounded_by_max_total_bytes_which_can_be_raised(flavour):
    with serving(endless_pages(20, 100_000)) as server:
        options = {"token": TOKEN, "base_url": server.url, "max_retries": 0}
        with pytest.raises(ResponseFormatError, match="more than 300,000 bytes \\(max_total_bytes\\)"):
            run(flavour, {**options, "max_total_bytes": 300_000}, "list_trackers")
        assert server.count(LIST) == 3  # the third page crossed the limit; no fourth was asked for
        server.requests.clear()
        trackers = run(flavour, {**options, "max_total_bytes": 3_000_000}, "list_trackers")
    assert len(trackers) == 20
    assert server.count(LIST) == 20


# == 13. ids that are not plausible Symbl ids never reach the server ========================

# not a path: tracker ids that path normalisation would turn into other endpoints
IMPLAUSIBLE_IDS = [
    "..",  # not a path
    ".",
    "../trackers",  # not a path
    "a/b",
    "%2e%2e",
    "1?name=x",
    "1#x",
    "1 2",
    "\u0661\u0662",
    "-1",
]


@pytest.mark.parametrize("id_route", ["legacy", "plural"])
@pytest.mark.parametrize("tracker_id", IMPLAUSIBLE_IDS)
def test_13_an_implausible_id_is_refused_before_any_request(
    emulator, emulator_url, flavour, id_route, tracker_id
):
    options = {"token": emulator.issue_token(), "base_url": emulator_url, "id_route": id_route}
    with pytest.raises(TrackerDataError, match="not a plausible Symbl tracker id"):
        run(flavour, options, "get_tracker", tracker_id)
    with pytest.raises(TrackerDataError, match="not a plausible Symbl tracker id"):
        run(flavour, options, "get_trackers", ["4000000000000000", tracker_id], progress=False)
    assert emulator.count() == 0  # neither /v1/manage nor the list endpoint saw the token


def test_13_plausible_ids_still_work(emulator, emulator_url, account, flavour):
    options = {"token": emulator.issue_token(), "base_url": emulator_url}
    assert run(flavour, options, "get_tracker", int(account[0]["id"])).id == account[0]["id"]
    assert run(flavour, options, "get_tracker", f" {account[1]['id']} ").id == account[1]["id"]


def test_13_the_cli_refuses_an_implausible_id_with_exit_2(cli, emulator, emulator_url):
    code, err = cli(emulator_url, "--ids", "..", SYMBL_ACCESS_TOKEN=emulator.issue_token())  # not a path
    assert code == EXIT_USAGE
    assert "not a plausible Symbl tracker id" in err
    assert emulator.count() == 0
