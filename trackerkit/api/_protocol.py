"""The Symbl trackers protocol without I/O: building requests and reading responses.

Both clients (:mod:`._sync`, :mod:`._async`) send what this module builds and hand back what
arrives, so the protocol's rules live here once: URLs and headers, error mapping, which
failures may be retried, pagination and the assembly of a batch of ids.

    >>> endpoint = Endpoint("https://api.symbl.ai")
    >>> str(endpoint.get_request("/v1/manage/trackers", {"name": "Q&A+Tips"}, "tok").url)
    'https://api.symbl.ai/v1/manage/trackers?name=Q%26A%2BTips'
"""

from __future__ import annotations

import email.utils
import ipaddress
import json
import re
import threading
import time
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any, Literal, NamedTuple
from urllib.parse import quote, urlsplit

import httpx

from trackerkit._validation import check_choice, check_count
from trackerkit._version import __version__
from trackerkit.api._redact import redact
from trackerkit.errors import (
    DeadlineExceededError,
    InvalidParameterError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    SymblAPIError,
    TrackerDataError,
    TrackerNotFoundError,
    TransportError,
    error_for_status,
)
from trackerkit.model import Tracker, parse_trackers

__all__ = [
    "DEFAULT_BASE_URL",
    "LIST_PATH",
    "RETRYABLE_STATUSES",
    "Batch",
    "BodyDecoder",
    "CallBudget",
    "Endpoint",
    "FoundTrackers",
    "Paginator",
    "check_base_url",
    "is_retryable",
    "load_json",
    "parse_retry_after",
    "redact",
    "tracker_path",
]

DEFAULT_BASE_URL = "https://api.symbl.ai"
LIST_PATH = "/v1/manage/trackers"
TOKEN_PATH = "/oauth2/token:generate"
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
IdRoute = Literal["legacy", "plural"]

# Keys a list response might use to say "there is more". None is documented; a future one must
# never make us return a truncated account silently.
_TOKEN_KEYS = ("nextToken", "next_token", "nextPageToken", "pageToken", "continuationToken", "cursor")
_SNIPPET = 80
# What a tracker id may look like in a URL path: Symbl's ids are digits ("4476908732794496");
# letters, "-" and "_" are allowed for other generations. Nothing a path normaliser rewrites
# ("." and ".." segments, "/", "%") can pass, so a request never lands on another endpoint.
_PLAUSIBLE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")
# Encodings we ask for and undo ourselves, so decoded bytes are counted as they are produced.
ACCEPT_ENCODING = "gzip, deflate"
_DECODE_CHUNK = 64 * 1024
_MAX_ENCODING_LAYERS = 3
# A JSON number longer than this is refused before Python parses it (parsing long ints is
# quadratic, and past 4,300 digits int() refuses them anyway).
_MAX_NUMBER_DIGITS = 1000


def check_base_url(base_url: str) -> str:
    """Normalise ``base_url`` and refuse one that would send tokens in clear text.

    ``http://`` is only accepted for loopback hosts (the emulator); tokens otherwise travel
    over https only.

        >>> check_base_url("http://127.0.0.1:8080/")
        'http://127.0.0.1:8080'
        >>> check_base_url("http://api.symbl.ai")
        Traceback (most recent call last):
        ...
        trackerkit.errors.InvalidParameterError: refusing http://api.symbl.ai: tokens only travel ...
    """
    url = str(base_url).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidParameterError(
            f"base_url must be an http(s) URL with a host, got {url!r}", parameter="base_url"
        )
    if parts.username or parts.password or parts.query or parts.fragment:
        raise InvalidParameterError(
            "base_url must not carry credentials, a query or a fragment", parameter="base_url"
        )
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise InvalidParameterError(
            f"refusing {url}: tokens only travel over https (plain http only for loopback hosts)",
            parameter="base_url",
        )
    return url


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine (``localhost``, 127.0.0.0/8, ``::1``)."""
    if host.lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def tracker_path(tracker_id: str, route: IdRoute = "legacy") -> str:
    """The by-id path: ``/v1/manage/tracker/{id}`` (documented) or ``/v1/manage/trackers/{id}``.

    >>> tracker_path("4476908732794496", "plural")
    '/v1/manage/trackers/4476908732794496'
    """
    check_choice("id_route", route, ("legacy", "plural"))
    prefix = "/v1/manage/tracker/" if route == "legacy" else "/v1/manage/trackers/"
    return prefix + quote(tracker_id, safe="")


def normalize_id(tracker_id: Any, what: str = "tracker") -> str:
    """A tracker id (or, with ``what="conversation"``, a conversation id) as it goes into a URL
    path, or :class:`TrackerDataError` before any request.

    Ids are strings of digits; ints are accepted too. Anything that is not a plausible id
    (``..``, ``.``, a ``/``, ``%``, spaces, control characters) is refused rather than encoded:
    a normalised path would otherwise send the token to another endpoint.

        >>> normalize_id(4476908732794496)
        '4476908732794496'
        >>> normalize_id("..")
        Traceback (most recent call last):
        ...
        trackerkit.errors.TrackerDataError: '..' is not a plausible Symbl tracker id ...
    """
    if isinstance(tracker_id, bool) or not isinstance(tracker_id, (str, int)):
        raise InvalidParameterError(
            f"a {what} id must be a str or int, got {type(tracker_id).__name__}", parameter=f"{what}_id"
        )
    try:
        text = str(tracker_id).strip()
    except ValueError:  # an int too long to write out
        raise TrackerDataError(f"a {what} id must not be a number that long") from None
    if not text:
        raise TrackerDataError(f"a {what} id must not be empty")
    if not _PLAUSIBLE_ID.fullmatch(text):
        shown = repr(text[:40]) + ("…" if len(text) > 40 else "")
        raise TrackerDataError(
            f"{shown} is not a plausible Symbl {what} id (ids are digits such as "
            "'4476908732794496'; letters, '-' and '_' are also accepted); nothing was sent"
        )
    return text


def snippet(body: bytes | str, secrets: Iterable[str | None] = ()) -> str:
    """The first ~80 characters of a body or header, redacted *then* cut, escaped by repr.

    Redacting first matters: a secret cut in half would no longer match, and its first half
    would be shown.

        >>> snippet("x" * 75 + "s3cr3t-token-value", ["s3cr3t-token-value"])
        "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx***'"
    """
    secrets = [s for s in secrets if s]
    longest = max((len(s) for s in secrets), default=0)
    # Every rendering of a secret is at most ~4x its length (percent-encoding is 3x).
    window = _SNIPPET + 4 * longest + 8
    if isinstance(body, bytes):
        text, complete = body[: 4 * window].decode("utf-8", "replace"), len(body) <= 4 * window
    else:
        text, complete = body, True
    complete = complete and len(text) <= window
    shown = redact(text[:window], secrets)
    if not complete and len(shown) < _SNIPPET + 4 * longest:
        # Redaction shrank the window so much that a secret cut at its end could reach the
        # first 80 characters: redact the whole text instead (rare; error messages only).
        full = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        shown, complete = redact(full, secrets), True
    more = "…" if len(shown) > _SNIPPET or not complete else ""
    return repr(shown[:_SNIPPET]) + more


class Endpoint:
    """Request building and response reading for one base URL (shared by both clients)."""

    def __init__(self, base_url: str = DEFAULT_BASE_URL, *, id_route: IdRoute = "legacy") -> None:
        self.base_url = check_base_url(base_url)
        tracker_path("0", id_route)  # validate early
        self.id_route: IdRoute = id_route
        self.user_agent = f"trackerkit/{__version__}"

    def url(self, path: str) -> str:
        return self.base_url + path

    def get_request(self, path: str, params: Mapping[str, Any] | None, token: str) -> httpx.Request:
        # Content-Type on a GET looks odd, but the docs list it as required.
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "Content-Type": "application/json",
            "User-Agent": self.user_agent,
        }
        return httpx.Request("GET", self.url(path), params=dict(params or {}), headers=headers)

    def write_request(self, method: str, path: str, body: Any, token: str) -> httpx.Request:
        """A write (POST, PUT, PATCH, DELETE) with a compact JSON body (none for DELETE)."""
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "Content-Type": "application/json",
            "User-Agent": self.user_agent,
        }
        content = None
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        return httpx.Request(method, self.url(path), content=content, headers=headers)

    def token_request(self, app_id: str, app_secret: str) -> httpx.Request:
        body = {"type": "application", "appId": app_id, "appSecret": app_secret}
        headers = {
            "Accept": "application/json",
            "Accept-Encoding": ACCEPT_ENCODING,
            "User-Agent": self.user_agent,
        }
        return httpx.Request("POST", self.url(TOKEN_PATH), json=body, headers=headers)

    # -- responses -------------------------------------------------------------------------

    def read_json(
        self,
        response: httpx.Response,
        secrets: Sequence[str | None] = (),
        budget: CallBudget | None = None,
    ) -> Any:
        """The body of a successful response as JSON, or the documented error for it."""
        request = response.request
        if response.status_code >= 400:
            raise self.status_error(response, secrets, budget)
        if response.status_code >= 300:
            # Never followed: the token must not travel to wherever it points.
            location = response.headers.get("location", "nowhere")
            raise ResponseFormatError(
                f"{request.method} {describe_url(request.url)}: answered {response.status_code} "
                f"redirecting to {snippet(location, secrets)}; redirects are not followed"
            )
        content_type = response.headers.get("content-type", "")
        body = response.content
        where = f"{request.method} {describe_url(request.url)}"
        budget = budget if budget is not None else CallBudget()
        try:
            return load_json(body, where, budget)
        except _NotJSON:
            pass
        # Raised outside the except block: no parser error rides along as __context__.
        raise ResponseFormatError(
            f"{where}: expected JSON, got {content_type or 'no content-type'} ({len(body)} bytes) "
            f"starting {snippet(body, secrets)}"
        )

    def status_error(
        self,
        response: httpx.Response,
        secrets: Sequence[str | None] = (),
        budget: CallBudget | None = None,
    ) -> SymblAPIError:
        """The :class:`SymblAPIError` subclass for an error response, with the server's message."""
        request = response.request
        status = response.status_code
        server_message = _server_message(response.content, budget)
        if server_message is not None:
            server_message = redact(server_message, secrets)
            detail = server_message
        else:
            content_type = response.headers.get("content-type", "") or "no content-type"
            detail = f"{content_type} body {snippet(response.content, secrets)}"
        url = describe_url(request.url)
        message = f"{request.method} {url} failed with {status} {response.reason_phrase}: {detail}"
        cls = error_for_status(status)
        exc = cls(message, status=status, server_message=server_message, method=request.method, url=url)
        if status in RETRYABLE_STATUSES:
            exc.retry_after = parse_retry_after(response.headers.get("retry-after"))  # type: ignore[attr-defined]
        return exc

    def shape_error(
        self, response: httpx.Response, problem: str, secrets: Sequence[str | None] = ()
    ) -> ResponseFormatError:
        request = response.request
        return ResponseFormatError(
            f"{request.method} {describe_url(request.url)}: unexpected JSON ({problem}); "
            f"body starts {snippet(response.content, secrets)}"
        )

    def parse_one(self, payload: Any, tracker_id: str, response: httpx.Response) -> Tracker:
        """The tracker of a by-id response, checked to be the one asked for."""
        if not isinstance(payload, Mapping) or not ("tracker" in payload or "trackers" in payload):
            raise self.shape_error(response, "no 'tracker' object")
        try:
            trackers = parse_trackers(payload)
        except TrackerDataError as exc:
            raise self.shape_error(response, str(exc)) from exc
        if len(trackers) != 1 or trackers[0].id != tracker_id:
            got = ", ".join(t.id for t in trackers) or "none"
            raise self.shape_error(response, f"asked for tracker {tracker_id}, got {got}")
        return trackers[0]


def describe_url(url: httpx.URL) -> str:
    """The URL as shown in messages and logs (URLs never carry credentials)."""
    return str(url)


def _server_message(body: bytes, budget: CallBudget | None = None) -> str | None:
    """The ``message`` (or ``error``, ``detail``) of an error body, if it is JSON we accept."""
    limits = budget if budget is not None else CallBudget()
    try:
        # A scratch budget: an error body must obey the limits, but does not spend the call's.
        data = load_json(
            body, "", CallBudget(max_json_values=limits.max_json_values, max_json_depth=limits.max_json_depth)
        )
    except (_NotJSON, ResponseFormatError):
        return None
    if isinstance(data, Mapping):
        for key in ("message", "error", "detail"):
            if isinstance(data.get(key), str):
                return data[key]
    return None


# -- bounded JSON ----------------------------------------------------------------------------

# A JSON string literal (escapes included); replacing them leaves only the structure to count.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_JSON_WHITESPACE = b" \t\r\n"
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
_BRACKET_STEPS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 / -1 as signed bytes
_NOT_DIGITS = bytes(b for b in range(256) if b not in b"0123456789")
_LONG_NUMBER = re.compile(rb"[0-9]{%d}" % (_MAX_NUMBER_DIGITS + 1))


class _NotJSON(Exception):
    """The body is not valid JSON (the caller says what arrived)."""


def load_json(body: bytes, where: str, budget: CallBudget) -> Any:
    """Parse ``body`` within ``budget``'s JSON limits, before building a single object.

    The structure is measured first (strings blanked out, then containers, elements and
    nesting counted at C speed), so a body of millions of ``{}`` or one nested 200,000
    levels deep is refused with a :class:`ResponseFormatError` naming the limit, instead of
    taking gigabytes or raising ``RecursionError``. Raises ``_NotJSON`` for invalid JSON.
    """
    skeleton = _JSON_STRING.sub(b"0", body).translate(None, _JSON_WHITESPACE)
    opened = skeleton.count(b"[") + skeleton.count(b"{")
    empty = skeleton.count(b"[]") + skeleton.count(b"{}")
    budget.take_json_values(skeleton.count(b",") + opened - empty + 1, where)
    if opened > budget.max_json_depth:
        # The nesting depth is the largest running sum of +1 per opening bracket, -1 per
        # closing one: one linear pass in C (``accumulate`` over signed bytes).
        steps = memoryview(skeleton.translate(_BRACKET_STEPS, _NOT_BRACKETS)).cast("b")
        if max(accumulate(steps), default=0) > budget.max_json_depth:
            raise ResponseFormatError(
                f"{where}: expected JSON nested at most {budget.max_json_depth} levels deep "
                "(max_json_depth), got deeper; a trackers payload needs about 4"
            )
    if len(skeleton.translate(None, _NOT_DIGITS)) > _MAX_NUMBER_DIGITS and _LONG_NUMBER.search(skeleton):
        raise ResponseFormatError(
            f"{where}: the JSON holds a number of more than {_MAX_NUMBER_DIGITS:,} digits; "
            "ids are strings of 16+ digits, nothing needs a number that long"
        )
    try:
        return json.loads(body)
    except (ValueError, RecursionError):  # invalid, or deep yet unclosed (truncated) JSON
        pass
    raise _NotJSON


# -- one call's budget -----------------------------------------------------------------------


class CallBudget:
    """What one public call may still spend, shared by all its requests (retries, pages, the
    ids of a batch): time until its deadline, decoded response bytes and JSON values; and
    whether it was cancelled (Ctrl-C during a batch).

        >>> budget = CallBudget(deadline=30.0)
        >>> 29.0 < budget.remaining() <= 30.0, budget.cancelled()
        (True, False)
    """

    def __init__(
        self,
        *,
        deadline: float = 120.0,
        max_total_bytes: int = 256 * 1024 * 1024,
        max_json_values: int = 2_000_000,
        max_json_depth: int = 64,
        cancel: threading.Event | None = None,
    ) -> None:
        self.deadline = deadline
        self.expires = time.monotonic() + deadline
        self.max_total_bytes = max_total_bytes
        self.max_json_values = max_json_values
        self.max_json_depth = max_json_depth
        self.cancel = cancel
        self.body_bytes = 0
        self.json_values = 0
        self._lock = threading.Lock()  # a get_trackers batch spends from several threads

    def remaining(self) -> float:
        """Seconds left before the deadline (<= 0 once it has passed)."""
        return self.expires - time.monotonic()

    def cancelled(self) -> bool:
        return self.cancel is not None and self.cancel.is_set()

    def sleep(self, seconds: float) -> None:
        """Sleep (between retries), waking up early if the call is cancelled."""
        if self.cancel is not None:
            self.cancel.wait(seconds)
        else:
            time.sleep(seconds)

    def timeout(self, configured: httpx.Timeout) -> dict[str, float | None]:
        """The per-request httpx timeouts: the configured ones, none beyond the deadline."""
        remaining = max(0.0, self.remaining())
        return {
            phase: remaining if value is None else min(value, remaining)
            for phase, value in configured.as_dict().items()
        }

    def take_body_bytes(self, size: int, request: httpx.Request) -> None:
        with self._lock:
            self.body_bytes += size
            total = self.body_bytes
        if total > self.max_total_bytes:
            raise ResponseFormatError(
                f"{request.method} {describe_url(request.url)}: the responses of this call add up to "
                f"more than {self.max_total_bytes:,} bytes (max_total_bytes); if the account is "
                "really that large, raise it: SymblClient(max_total_bytes=...)"
            )

    def take_json_values(self, count: int, where: str) -> None:
        with self._lock:
            self.json_values += count
            total = self.json_values
        if total > self.max_json_values:
            raise ResponseFormatError(
                f"{where}: the responses of this call hold more than {self.max_json_values:,} JSON "
                "values (max_json_values); if the account is really that large, raise it: "
                "client.max_json_values = ..."
            )

    def deadline_error(self, request: httpx.Request) -> DeadlineExceededError:
        return DeadlineExceededError(
            f"{request.method} {describe_url(request.url)}: no complete answer within the call's "
            f"deadline of {self.deadline:g} s (the deadline covers connecting, reading and retries; "
            "raise it with deadline=...)",
            deadline=self.deadline,
        )

    def cancelled_error(self, request: httpx.Request) -> TransportError:
        return TransportError(
            f"{request.method} {describe_url(request.url)}: not sent, the call was cancelled"
        )


# -- bodies ----------------------------------------------------------------------------------


def body_too_large(request: httpx.Request, limit: int) -> ResponseFormatError:
    """The error for a body over the client's ``max_body_bytes`` (read no further)."""
    return ResponseFormatError(
        f"{request.method} {describe_url(request.url)}: the response body exceeds {limit:,} bytes "
        "(max_body_bytes); refusing to read more (a whole account is a few MB)"
    )


class _Inflater:
    """One ``Content-Encoding`` layer (gzip or deflate), decompressed in bounded steps."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16 if name in ("gzip", "x-gzip") else zlib.MAX_WBITS)
        self._started = False

    def decompress(self, data: bytes, max_length: int) -> bytes:
        try:
            out = self._zlib.decompress(data, max_length)
        except zlib.error:
            if self.name != "deflate" or self._started:
                raise
            # "deflate" is often sent raw, without the zlib header (httpx accepts both too).
            self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._zlib.decompress(data, max_length)
        self._started = True
        return out

    @property
    def unconsumed_tail(self) -> bytes:
        return self._zlib.unconsumed_tail

    def flush(self) -> bytes:
        return self._zlib.flush()


class BodyDecoder:
    """Undoes a response's ``Content-Encoding`` incrementally, counting every decoded byte.

    httpx decodes a whole network chunk at once, through every layer: 1.8 KB of
    ``gzip, gzip`` becomes gigabytes before anyone can count. Here each layer produces at
    most 64 KiB per step and no layer may produce more than ``limit`` bytes in total, so a
    bomb stops at the cap. Supported: ``gzip``, ``deflate``, ``identity``, stacked up to 3.
    """

    def __init__(self, request: httpx.Request, content_encoding: str | None, limit: int) -> None:
        self.request = request
        self.limit = limit
        names = [n.strip().lower() for n in (content_encoding or "").split(",")]
        names = [n for n in names if n and n != "identity"]
        where = f"{request.method} {describe_url(request.url)}"
        unknown = [n for n in names if n not in ("gzip", "x-gzip", "deflate")]
        if unknown:
            raise ResponseFormatError(
                f"{where}: unsupported Content-Encoding {unknown[0][:40]!r} (asked for {ACCEPT_ENCODING})"
            )
        if len(names) > _MAX_ENCODING_LAYERS:
            raise ResponseFormatError(f"{where}: {len(names)} stacked Content-Encodings; refusing")
        self._layers = [_Inflater(n) for n in reversed(names)]  # the last applied comes off first
        self._produced = [0] * len(self._layers)
        self._chunks: list[bytes] = []
        self.size = 0

    def feed(self, data: bytes) -> None:
        """Decode one piece of the raw body; :class:`ResponseFormatError` past the limit."""
        self._push(0, data)

    def finish(self) -> bytes:
        """The whole decoded body."""
        for index, layer in enumerate(self._layers):
            tail = layer.flush()
            if tail:
                self._count(index, len(tail))
                self._push(index + 1, tail)
        return b"".join(self._chunks)

    def _push(self, index: int, data: bytes) -> None:
        if index == len(self._layers):
            self.size += len(data)
            if self.size > self.limit:
                raise body_too_large(self.request, self.limit)
            self._chunks.append(data)
            return
        layer = self._layers[index]
        while data:
            out = layer.decompress(data, _DECODE_CHUNK)
            rest = layer.unconsumed_tail
            if not out and len(rest) == len(data):  # no progress: nothing more comes out
                break
            data = rest
            if out:
                self._count(index, len(out))
                self._push(index + 1, out)

    def _count(self, index: int, size: int) -> None:
        self._produced[index] += size
        if self._produced[index] > self.limit:
            raise body_too_large(self.request, self.limit)


def complete_response(streamed: httpx.Response, body: bytes) -> httpx.Response:
    """A fully read response from a streamed one whose (decoded) body we read ourselves."""
    skip = {"content-encoding", "content-length", "transfer-encoding"}  # ``body`` is already decoded
    headers = [(k, v) for k, v in streamed.headers.multi_items() if k.lower() not in skip]
    return httpx.Response(
        streamed.status_code,
        headers=headers,
        content=body,
        request=streamed.request,
        extensions=streamed.extensions,
    )


def transport_error(
    exc: Exception, request: httpx.Request, secrets: Iterable[str | None] = ()
) -> TransportError:
    """Our :class:`TransportError` for an httpx network failure or timeout: the facts copied
    (redacted) into the message, so it never needs to carry the httpx error (and its request)."""
    kind = type(exc).__name__
    detail = redact(str(exc) or kind, secrets)
    return TransportError(f"{request.method} {describe_url(request.url)}: {kind}: {detail}")


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed GET may be tried again: 429, 500/502/503/504, network errors, timeouts
    (not the call's own deadline passing)."""
    if isinstance(exc, DeadlineExceededError):
        return False
    if isinstance(exc, TransportError):
        return True
    if isinstance(exc, (RateLimitError, ServerError)):
        return exc.status in RETRYABLE_STATUSES
    return False


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    Anything unusable (not a number or date, a year no calendar holds) is ignored: None.

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0)
    10.0
    >>> parse_retry_after("soon") is None, parse_retry_after("Wed, 21 Oct 99999999999999999999 07:28:10 GMT")
    (True, None)
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
            seconds = when.timestamp() - (time.time() if now is None else now)
        except (TypeError, ValueError, IndexError, OverflowError, AttributeError):
            return None
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


# -- pagination ----------------------------------------------------------------------------


class Paginator:
    """Follows continuation keys of list responses so an account is never returned truncated.

    Drive it with ``while (call := pager.next_call()) is not None: pager.feed(get(*call))``.
    Recognised: a token (``nextToken`` and similar, sent back under the same name), ``next``
    (a token, or a URL/path on the same origin), ``nextOffset``, or ``offset`` with ``total``.

        >>> pager = Paginator("/v1/manage/trackers", {})
        >>> pager.next_call()
        ('/v1/manage/trackers', {})
        >>> pager.feed({"trackers": [{"id": "1", "name": "A", "vocabulary": []}], "nextToken": "p2"})
        >>> pager.next_call()
        ('/v1/manage/trackers', {'nextToken': 'p2'})
        >>> pager.feed({"trackers": [{"id": "2", "name": "B", "vocabulary": []}]})
        >>> pager.next_call() is None, [t.id for t in pager.result()]
        (True, ['1', '2'])
    """

    max_pages = 10_000

    def __init__(
        self,
        path: str,
        params: Mapping[str, Any] | None,
        *,
        base_url: str = "",
        secrets: Sequence[str | None] = (),
    ) -> None:
        self.path = path
        self.params = dict(params or {})
        self.base_url = base_url
        self.secrets = secrets  # redacted from what error messages quote, before it is cut
        self._next: tuple[str, dict[str, Any]] | None = (path, dict(self.params))
        self._entries: list[Any] = []
        self._seen: set[str] = set()
        self.pages = 0

    def next_call(self) -> tuple[str, dict[str, Any]] | None:
        return self._next

    def feed(self, payload: Any, *, where: str = "") -> None:
        self.pages += 1
        where = where or self.path
        if isinstance(payload, Mapping) and "trackers" in payload:
            entries = payload["trackers"]
            if not isinstance(entries, list):
                raise ResponseFormatError(f"GET {where}: 'trackers' is {type(entries).__name__}, not a list")
        elif isinstance(payload, Mapping) and "tracker" in payload:
            # The doc page's list example shows one object: accept it as a one-tracker page.
            entries = [payload["tracker"]]
        elif isinstance(payload, list):
            entries = payload
        else:
            shown = sorted(payload)[:8] if isinstance(payload, Mapping) else type(payload).__name__
            raise ResponseFormatError(f"GET {where}: expected {{'trackers': [...]}}, got {shown}")
        self._entries.extend(entries)
        self._next = (
            self._continuation(payload, len(entries), where) if isinstance(payload, Mapping) else None
        )
        if self._next is not None:
            marker = json.dumps(self._next, sort_keys=True, default=str)
            if marker in self._seen or self.pages >= self.max_pages:
                raise ResponseFormatError(
                    f"GET {where}: pagination does not advance ({snippet(marker, self.secrets)})"
                )
            self._seen.add(marker)

    def _continuation(self, payload: Mapping[str, Any], n: int, where: str):
        for key in _TOKEN_KEYS:
            token = payload.get(key)
            if token not in (None, ""):
                return self.path, {**self.params, key: self._query_value(token, key, where)}
        nxt = payload.get("next")
        if isinstance(nxt, str) and nxt:
            if nxt.startswith(("http://", "https://", "/")):
                return self._follow_link(nxt, where)
            return self.path, {**self.params, "next": nxt}
        if nxt not in (None, "", False) or payload.get("hasMore") is True or payload.get("has_more") is True:
            # More pages are announced but we cannot tell how to ask for them: failing beats
            # returning the first page as if it were the whole account.
            shown = {k: payload[k] for k in ("next", "hasMore", "has_more") if k in payload}
            raise ResponseFormatError(
                f"GET {where}: more pages announced but no usable continuation: "
                f"{snippet(str(shown), self.secrets)}"
            )
        if payload.get("nextOffset") not in (None, ""):
            return self.path, {
                **self.params,
                "offset": self._query_value(payload["nextOffset"], "nextOffset", where),
            }
        offset = payload.get("offset")
        if isinstance(offset, int) and not isinstance(offset, bool) and n > 0:
            total = payload.get("total", payload.get("totalCount"))
            if isinstance(total, int) and offset + n >= total:
                return None
            return self.path, {**self.params, "offset": offset + n}
        return None

    def _query_value(self, value: Any, key: str, where: str) -> str | int:
        """A continuation value as it can go into a query string (a str or an int)."""
        if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
            return value
        raise ResponseFormatError(
            f"GET {where}: the continuation {key!r} is a {type(value).__name__}, not a string or number"
        )

    def _follow_link(self, link: str, where: str) -> tuple[str, dict[str, Any]]:
        url = httpx.URL(self.base_url + link if link.startswith("/") else link)
        base = httpx.URL(self.base_url or "https://invalid")
        # Our token must never be sent to another origin.
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise ResponseFormatError(
                f"GET {where}: 'next' points to another origin: {snippet(link, self.secrets)}"
            )
        base_path = base.path.rstrip("/")
        path = url.path[len(base_path) :] if base_path and url.path.startswith(base_path) else url.path
        return path, dict(url.params.multi_items())

    def result(self) -> list[Tracker]:
        try:
            return parse_trackers(self._entries)
        except TrackerDataError as exc:
            raise ResponseFormatError(f"GET {self.path}: unexpected tracker data: {exc}") from exc


# -- batches of ids ------------------------------------------------------------------------


class FoundTrackers(NamedTuple):
    """What :meth:`SymblClient.get_trackers` returns with ``missing="return"``."""

    trackers: list[Tracker]
    missing: list[str]


@dataclass
class Batch:
    """The bookkeeping of one ``get_trackers`` call: unique ids in input order, results by slot."""

    ids: list[str]
    results: dict[str, Tracker | None] = field(default_factory=dict)

    @classmethod
    def of(cls, ids: Iterable[Any], concurrency: int) -> Batch:
        if isinstance(ids, (str, int)):
            raise InvalidParameterError(
                "ids must be a list of ids, not a single id (use get_tracker)", parameter="ids"
            )
        check_count("concurrency", concurrency)
        # Duplicates are fetched once; the first occurrence sets the order.
        return cls(list(dict.fromkeys(normalize_id(i) for i in ids)))

    def record(self, tracker_id: str, tracker: Tracker | None) -> None:
        self.results[tracker_id] = tracker

    def finish(self, missing: Literal["raise", "return"]) -> list[Tracker] | FoundTrackers:
        found = [t for i in self.ids if (t := self.results.get(i)) is not None]
        lost = [i for i in self.ids if self.results.get(i) is None]
        if missing == "return":
            return FoundTrackers(found, lost)
        if lost:
            shown = ", ".join(lost[:20]) + (f" and {len(lost) - 20} more" if len(lost) > 20 else "")
            raise TrackerNotFoundError(
                f"{len(lost)} of {len(self.ids)} tracker ids not found: {shown}", keys=lost, status=404
            )
        return found


def check_missing_mode(missing: str) -> None:
    check_choice("missing", missing, ("raise", "return"))


def progress_bar(total: int, enabled: bool, what: str = "tracker"):
    """A tqdm.auto bar counting ``what`` (a tracker, a conversation) that only appears for runs
    longer than half a second (None when disabled)."""
    if not enabled or total < 2:
        return None
    from tqdm.auto import tqdm  # lazy: heavy

    return tqdm(total=total, desc=what + "s", unit=what, delay=0.5, leave=False)
