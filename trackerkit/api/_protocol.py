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
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple
from urllib.parse import quote, urlsplit

import httpx

from trackerkit import __version__
from trackerkit.errors import (
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
    "Endpoint",
    "FoundTrackers",
    "Paginator",
    "check_base_url",
    "is_retryable",
    "parse_retry_after",
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


def check_base_url(base_url: str) -> str:
    """Normalise ``base_url`` and refuse one that would send tokens in clear text.

    ``http://`` is only accepted for loopback hosts (the emulator); tokens otherwise travel
    over https only.

        >>> check_base_url("http://127.0.0.1:8080/")
        'http://127.0.0.1:8080'
        >>> check_base_url("http://api.symbl.ai")
        Traceback (most recent call last):
        ...
        ValueError: refusing http://api.symbl.ai: tokens only travel over https ...
    """
    url = str(base_url).strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"base_url must be an http(s) URL with a host, got {url!r}")
    if parts.username or parts.password or parts.query or parts.fragment:
        raise ValueError("base_url must not carry credentials, a query or a fragment")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise ValueError(
            f"refusing {url}: tokens only travel over https (plain http only for loopback hosts)"
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

    >>> tracker_path("44 76", "plural")
    '/v1/manage/trackers/44%2076'
    """
    if route not in ("legacy", "plural"):
        raise ValueError(f"id_route must be 'legacy' or 'plural', got {route!r}")
    prefix = "/v1/manage/tracker/" if route == "legacy" else "/v1/manage/trackers/"
    return prefix + quote(tracker_id, safe="")


def normalize_id(tracker_id: Any) -> str:
    """Ids are strings of digits; accept ints too, refuse anything empty."""
    if isinstance(tracker_id, bool) or not isinstance(tracker_id, (str, int)):
        raise TypeError(f"a tracker id must be a str or int, got {type(tracker_id).__name__}")
    text = str(tracker_id).strip()
    if not text:
        raise ValueError("a tracker id must not be empty")
    return text


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """Replace every secret in ``text`` by ``***`` (a server could echo what we sent)."""
    for secret in secrets:
        if secret and len(secret) >= 4:
            text = text.replace(secret, "***")
    return text


def snippet(body: bytes | str, secrets: Iterable[str | None] = ()) -> str:
    """The first ~80 characters of a body, escaped, for error messages."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    short = text[:_SNIPPET]
    more = "…" if len(text) > _SNIPPET else ""
    return repr(redact(short, secrets)) + more


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
            "Content-Type": "application/json",
            "User-Agent": self.user_agent,
        }
        return httpx.Request("GET", self.url(path), params=dict(params or {}), headers=headers)

    def token_request(self, app_id: str, app_secret: str) -> httpx.Request:
        body = {"type": "application", "appId": app_id, "appSecret": app_secret}
        headers = {"Accept": "application/json", "User-Agent": self.user_agent}
        return httpx.Request("POST", self.url(TOKEN_PATH), json=body, headers=headers)

    # -- responses -------------------------------------------------------------------------

    def read_json(self, response: httpx.Response, secrets: Sequence[str | None] = ()) -> Any:
        """The body of a successful response as JSON, or the documented error for it."""
        request = response.request
        if response.status_code >= 400:
            raise self.status_error(response, secrets)
        if response.status_code >= 300:
            # Never followed: the token must not travel to wherever it points.
            location = response.headers.get("location", "nowhere")
            raise ResponseFormatError(
                f"{request.method} {describe_url(request.url)}: answered {response.status_code} "
                f"redirecting to {location[:_SNIPPET]!r}; redirects are not followed"
            )
        content_type = response.headers.get("content-type", "")
        body = response.content
        try:
            return json.loads(body)
        except (ValueError, RecursionError):  # RecursionError: JSON nested absurdly deep
            raise ResponseFormatError(
                f"{request.method} {describe_url(request.url)}: expected JSON, got "
                f"{content_type or 'no content-type'} ({len(body)} bytes) starting {snippet(body, secrets)}"
            ) from None

    def status_error(self, response: httpx.Response, secrets: Sequence[str | None] = ()) -> SymblAPIError:
        """The :class:`SymblAPIError` subclass for an error response, with the server's message."""
        request = response.request
        status = response.status_code
        server_message = _server_message(response.content)
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


def _server_message(body: bytes) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    if isinstance(data, Mapping):
        for key in ("message", "error", "detail"):
            if isinstance(data.get(key), str):
                return data[key]
    return None


def body_too_large(request: httpx.Request, limit: int) -> ResponseFormatError:
    """The error for a body over the client's ``max_body_bytes`` (read no further)."""
    return ResponseFormatError(
        f"{request.method} {describe_url(request.url)}: the response body exceeds {limit:,} bytes; "
        "refusing to read more (a whole account is a few MB)"
    )


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


def transport_error(exc: Exception, request: httpx.Request) -> TransportError:
    """Our :class:`TransportError` for an httpx network failure or timeout."""
    kind = type(exc).__name__
    detail = str(exc) or kind
    return TransportError(f"{request.method} {describe_url(request.url)}: {kind}: {detail}")


def is_retryable(exc: BaseException) -> bool:
    """Whether a failed GET may be tried again: 429, 500/502/503/504, network errors, timeouts."""
    if isinstance(exc, TransportError):
        return True
    if isinstance(exc, (RateLimitError, ServerError)):
        return exc.status in RETRYABLE_STATUSES
    return False


def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date).

    >>> parse_retry_after("3")
    3.0
    >>> parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0)
    10.0
    >>> parse_retry_after("soon") is None
    True
    """
    if value is None:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        seconds = when.timestamp() - (time.time() if now is None else now)
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

    def __init__(self, path: str, params: Mapping[str, Any] | None, *, base_url: str = "") -> None:
        self.path = path
        self.params = dict(params or {})
        self.base_url = base_url
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
                raise ResponseFormatError(f"GET {where}: pagination does not advance ({marker})")
            self._seen.add(marker)

    def _continuation(self, payload: Mapping[str, Any], n: int, where: str):
        for key in _TOKEN_KEYS:
            token = payload.get(key)
            if token not in (None, ""):
                return self.path, {**self.params, key: token}
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
                f"GET {where}: more pages announced but no usable continuation: {shown}"
            )
        if payload.get("nextOffset") not in (None, ""):
            return self.path, {**self.params, "offset": payload["nextOffset"]}
        offset = payload.get("offset")
        if isinstance(offset, int) and not isinstance(offset, bool) and n > 0:
            total = payload.get("total", payload.get("totalCount"))
            if isinstance(total, int) and offset + n >= total:
                return None
            return self.path, {**self.params, "offset": offset + n}
        return None

    def _follow_link(self, link: str, where: str) -> tuple[str, dict[str, Any]]:
        url = httpx.URL(self.base_url + link if link.startswith("/") else link)
        base = httpx.URL(self.base_url or "https://invalid")
        # Our token must never be sent to another origin.
        if (url.scheme, url.host, url.port) != (base.scheme, base.host, base.port):
            raise ResponseFormatError(f"GET {where}: 'next' points to another origin: {link[:_SNIPPET]!r}")
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
            raise TypeError("ids must be a list of ids, not a single id (use get_tracker)")
        if not isinstance(concurrency, int) or isinstance(concurrency, bool) or concurrency < 1:
            raise ValueError(f"concurrency must be a positive int, got {concurrency!r}")
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
    if missing not in ("raise", "return"):
        raise ValueError(f"missing must be 'raise' or 'return', got {missing!r}")


def progress_bar(total: int, enabled: bool):
    """A tqdm.auto bar that only appears for runs longer than half a second (None when disabled)."""
    if not enabled or total < 2:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, desc="trackers", unit="tracker", delay=0.5, leave=False)
