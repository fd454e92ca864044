"""A local emulator of the Symbl trackers and conversations API, in process or on 127.0.0.1.

It speaks the documented protocol (``POST /oauth2/token:generate``, the three tracker GETs,
both by-id paths; with conversations: ``GET /v1/conversations`` with a time window and
paging, ``/v1/conversations/{id}``, ``.../messages``, and the *stored* tracker results under
``.../trackers-detected`` and ``.../trackers``), checks bearer tokens (and the deprecated
``x-api-key``), answers errors in Symbl's shape (``{"message": ...}``), and can be told to
misbehave for fault tests.

Tracker results are served as stored (the sample's are what Symbl plausibly returned): the
emulator never computes hits, so comparing them with :func:`trackerkit.replay` is not circular.

Two ways to run it:

* in process, as an httpx transport (sync and async): what
  :func:`trackerkit.emulator.sample_client` and offline demos use, so they go through the real
  client code;
* as a real HTTP server on 127.0.0.1 (``with emulator.serve() as base_url``), for tests over
  loopback: scripted statuses, ``Retry-After``, dropped connections, truncated JSON, HTML
  error pages, slow bodies, latency and token expiry.

    >>> emulator = SymblEmulator([{"id": "1", "name": "Greeting", "vocabulary": ["hello"]}])
    >>> emulator.script(503)            # the next tracker request fails once
    SymblEmulator(1 trackers)
    >>> import trackerkit
    >>> with emulator.serve() as base_url:
    ...     with trackerkit.SymblClient(app_id=emulator.app_id, app_secret=emulator.app_secret,
    ...                                 base_url=base_url, backoff_base=0.01) as client:
    ...         [t.name for t in client.list_trackers()]
    ['Greeting']
    >>> emulator.requests["/v1/manage/trackers"], emulator.max_in_flight
    (2, 1)
"""

from __future__ import annotations

import base64
import contextlib
import contextvars
import datetime as dt
import json
import os
import secrets
import select
import socket
import threading
import time
from collections import Counter, deque
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import anyio
import httpx

from trackerkit._rules import MAX_BODY_BYTES, MAX_TRACKERS, tracker_violations
from trackerkit.api._conversations import CONVERSATIONS_PATH, DEFAULT_WINDOW, RESULTS_ROUTES
from trackerkit.conversation import parse_timestamp
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import frame_to_trackers
from trackerkit.model import Tracker, parse_trackers
from trackerkit.sample import sample_payload
from trackerkit.snapshot import read_trackers_file

__all__ = ["Fault", "SymblEmulator"]

TOKEN_PATH = "/oauth2/token:generate"
LIST_PATH = "/v1/manage/trackers"
CREATE_ONE_PATH = "/v1/manage/tracker"
_BY_ID_PREFIXES = ("/v1/manage/tracker/", "/v1/manage/trackers/")
_REASONS = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Payload Too Large",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
_HTML_PAGE = (
    "<html>\r\n<head><title>{status} {reason}</title></head>\r\n<body>\r\n"
    "<center><h1>{status} {reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)


@dataclass(frozen=True)
class Fault:
    """One way for a response to go wrong; build them with the class methods.

    >>> Fault.rate_limit(retry_after="2")
    Fault(kind='status', status=429, retry_after='2', seconds=0.0)
    """

    kind: str
    status: int = 200
    retry_after: str | None = None
    seconds: float = 0.0

    @classmethod
    def error(cls, status: int, *, retry_after: str | None = None) -> Fault:
        """Answer ``status`` with a Symbl-shaped JSON error body."""
        return cls("status", status=status, retry_after=retry_after)

    @classmethod
    def rate_limit(cls, retry_after: str | None = "1") -> Fault:
        """429 Too Many Requests, with ``Retry-After`` (seconds or an HTTP date) unless None."""
        return cls("status", status=429, retry_after=retry_after)

    @classmethod
    def html(cls, status: int = 502) -> Fault:
        """A gateway's HTML error page (``text/html``), with ``status`` (200 for a proxy login page)."""
        return cls("html", status=status)

    @classmethod
    def drop(cls) -> Fault:
        """Send the headers and half the body, then close the connection. For a write this is
        "applied, but the response was lost": the server changed the account first."""
        return cls("drop")

    @classmethod
    def reset(cls) -> Fault:
        """Close the connection before the request is handled: nothing applied, no answer."""
        return cls("reset")

    @classmethod
    def truncate(cls) -> Fault:
        """A complete 200 response whose JSON body is cut in half."""
        return cls("truncate")

    @classmethod
    def slow_body(cls, seconds: float) -> Fault:
        """Send the headers at once and the body only after ``seconds``."""
        return cls("slow_body", seconds=seconds)

    @classmethod
    def delay(cls, seconds: float) -> Fault:
        """Answer normally, ``seconds`` late."""
        return cls("delay", seconds=seconds)


@dataclass
class Reply:
    """What the emulator answers to one request, before the server or transport delivers it."""

    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    body_delay: float = 0.0
    drop: bool = False
    reset: bool = False  # close without answering

    @property
    def reason(self) -> str:
        return _REASONS.get(self.status, "Unknown")


def _json_reply(status: int, data: Any, **headers: str) -> Reply:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Reply(status, body, {"Content-Type": "application/json; charset=utf-8", **headers})


def _error(status: int, message: str, **headers: str) -> Reply:
    return _json_reply(status, {"message": message}, **headers)


#: Whether the request being handled is a write that arrived while another was in flight.
_OVERLAPPING: contextvars.ContextVar[bool] = contextvars.ContextVar("overlapping", default=False)


class SymblEmulator:
    """The Symbl API over an in-memory account: its trackers and, if given, its conversations.

    ``trackers``: anything :func:`trackerkit.parse_trackers` accepts, the path of a trackers
    file, or a trackers frame (default: the bundled sample account).
    ``app_id``/``app_secret``: the credentials the token endpoint accepts. ``token_ttl``: the
    ``expiresIn`` of generated tokens, enforced. ``page_size``: paginate tracker list
    responses with ``nextToken`` (None: never). ``latency``: seconds added to every response.

    Conversations (served only when given, even none: without, the conversation paths answer
    404 as on a trackers-only server):

    * ``conversations``: ``"sample"`` (the 120 sample calls; the default when ``trackers`` is
      the sample account too), a ``{"conversations": [...]}`` document whose conversation
      objects embed their ``messages`` (the shape of ``trackerkit/data/sample_conversations.json``),
      its list, or the path of such a JSON file. Served as given, malformed records included
      (fault tests need them); each conversation needs an ``id``.
    * ``tracker_results``: ``{conversation_id: [trackers-detected array]}``, its path, or
      ``"sample"`` (the stored results of the sample calls, the default with the sample
      conversations; otherwise every conversation has none, ``[]``).
    * ``results_paths``: which of ``"trackers-detected"`` and ``"trackers"`` exist (the other
      answers 404, as on a server of the other generation).
    * ``max_page_size``: the most conversations one listing page holds, whatever ``limit``
      asks (the default ``limit`` is 20, as the API's).
    * ``now``: the clock of the default window (the last 7 days when a listing sends no
      ``startTime`` / ``endTime``); None: the real one.

    The listing window is half-open, ``startTime <= conversation start < endTime``;
    conversations are listed newest first (``order=asc`` for oldest first), ties by id; a
    conversation without a readable ``startTime`` is never listed (it can still be fetched).

    Writes (see :mod:`trackerkit._rules` for the rules checked): ``POST
    /v1/manage/tracker`` (one), ``POST /v1/manage/trackers`` (an object: the newer create,
    which requires ``categories`` and ``languages``; an array: the older bulk create),
    ``POST /v1/manage/trackers/bulk``, ``PUT /v1/manage/tracker/{id}`` (the whole tracker),
    ``PATCH /v1/manage/trackers/{id}`` (a JSON-patch array), ``DELETE`` on either by-id path.
    Errors: 400 with a message (rules, bad bodies), 404, 409 (duplicate name, case-sensitive),
    413 (body over 1 MB), 429 (a second write while one is in flight). A bulk create is all or
    nothing. ``put_merges=True`` makes PUT keep the old phrases and append the new ones (the
    documented example's behaviour); ``punctuation`` picks the character rule ("newer" or
    "older"); ``max_trackers`` the account limit (500). :meth:`Fault.drop` on a write is "applied,
    but the response was lost"; :meth:`Fault.reset` closes the connection before anything is
    applied. Applied writes are listed in :attr:`write_log`.

    Counters: :attr:`requests` (per path), :attr:`max_in_flight`, :attr:`max_writes_in_flight`,
    :meth:`count`; :attr:`request_log` holds the last 10,000 request targets (path and query).
    """

    def __init__(
        self,
        trackers: Any = None,
        *,
        app_id: str = "emulator-app-id",
        app_secret: str = "emulator-app-secret",
        token_ttl: int = 86400,
        page_size: int | None = None,
        latency: float = 0.0,
        conversations: Any = None,
        tracker_results: Any = None,
        results_paths: Sequence[str] = RESULTS_ROUTES,
        max_page_size: int = 100,
        now: dt.datetime | None = None,
        put_merges: bool = False,
        punctuation: str = "newer",
        max_trackers: int = MAX_TRACKERS,
    ) -> None:
        if conversations is None and (
            trackers is None or (isinstance(trackers, str) and trackers == "sample")
        ):
            conversations = "sample"
        if tracker_results is None and isinstance(conversations, str) and conversations == "sample":
            tracker_results = "sample"
        unknown = [p for p in results_paths if p not in RESULTS_ROUTES]
        if unknown or isinstance(results_paths, str):
            raise InvalidParameterError(
                f"results_paths must be a subset of {RESULTS_ROUTES}; got {results_paths!r}",
                parameter="results_paths",
            )
        if isinstance(max_page_size, bool) or not isinstance(max_page_size, int) or max_page_size < 1:
            raise InvalidParameterError(
                f"max_page_size must be an integer >= 1; got {max_page_size!r}", parameter="max_page_size"
            )
        self.results_paths = tuple(results_paths)
        self.max_page_size = max_page_size
        self.now = now
        self._serves_conversations = conversations is not None
        self._conversations = _load_conversations(conversations)
        self._results = _load_results(tracker_results, self._conversations)
        records = _load_trackers(trackers)
        self.app_id = app_id
        self.app_secret = app_secret
        self.token_ttl = token_ttl
        self.page_size = page_size
        self.latency = latency
        self._trackers = [t.to_dict() for t in records]
        self._by_id = {t["id"]: t for t in self._trackers}
        self._list_body = json.dumps({"trackers": self._trackers}, ensure_ascii=False).encode("utf-8")
        self._lock = threading.Lock()
        self._tokens: dict[str, float | None] = {}  # token -> expiry (monotonic), None: never
        self._script: list[tuple[Fault | None, str, str | None]] = []
        self._always: list[tuple[Fault, str, str | None]] = []
        self.requests: Counter[str] = Counter()
        self.request_log: deque[str] = deque(maxlen=10_000)
        self.in_flight = 0
        self.max_in_flight = 0
        self.writes_in_flight = 0
        self.max_writes_in_flight = 0
        self.write_log: list[tuple[str, str]] = []  # (method, path) of every write applied
        self.put_merges = put_merges
        self.punctuation = punctuation
        self.max_trackers = max_trackers
        self._next_id = 5_100_000_000_000_000
        self.url: str | None = None

    def __repr__(self) -> str:
        if self._serves_conversations:
            return f"SymblEmulator({len(self._trackers)} trackers, {len(self._conversations)} conversations)"
        return f"SymblEmulator({len(self._trackers)} trackers)"

    @property
    def conversation_ids(self) -> list[str]:
        """The ids of the conversations served, oldest first (then by id)."""
        return [c.id for c in sorted(self._conversations.values(), key=_ConversationEntry.order)]

    @property
    def trackers(self) -> list[Tracker]:
        """The account's trackers, as served."""
        return parse_trackers(self._trackers)

    # -- scripting faults ------------------------------------------------------------------

    def script(
        self, *steps: Fault | int | None, path: str = "/v1/", method: str | None = None
    ) -> SymblEmulator:
        """Queue how the next requests under ``path`` are answered, one step each.

        A step is a :class:`Fault`, an error status (``503``) or ``None``/``200`` (answer
        normally). Requests outside ``path`` (by default: the token endpoint) are unaffected;
        ``method`` ("GET", "PUT"..., or "write" for any but GET) narrows the steps to those.
        """
        with self._lock:
            for step in steps:
                self._script.append((_as_fault(step), path, method))
        return self

    def always(self, fault: Fault | int, *, path: str = "/v1/", method: str | None = None) -> SymblEmulator:
        """Answer every request under ``path`` (and ``method``, as in :meth:`script`) with
        ``fault`` until :meth:`clear_faults`."""
        step = _as_fault(fault)
        if step is None:
            raise InvalidParameterError("always() needs a fault, not a normal answer", parameter="fault")
        with self._lock:
            self._always.append((step, path, method))
        return self

    def clear_faults(self) -> None:
        """Forget scripted and permanent faults (latency stays)."""
        with self._lock:
            self._script.clear()
            self._always.clear()

    def expire_tokens(self) -> None:
        """Make every token issued so far expired, as if its ``expiresIn`` had passed."""
        with self._lock:
            now = time.monotonic()
            self._tokens = dict.fromkeys(self._tokens, now)

    def issue_token(self, ttl: float | None = None, *, value: str | None = None) -> str:
        """A valid access token without the exchange (``ttl`` None: it never expires);
        ``value`` chooses the token (tests that plant it in served data), else a random one."""
        token = value if value is not None else "emu-" + secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = None if ttl is None else time.monotonic() + ttl
        return token

    @property
    def issued_tokens(self) -> list[str]:
        """Every access token issued so far (for tests that check none leaks)."""
        with self._lock:
            return list(self._tokens)

    # -- counters --------------------------------------------------------------------------

    def count(self, prefix: str = "") -> int:
        """Requests seen whose path starts with ``prefix`` (all by default)."""
        with self._lock:
            return sum(n for path, n in self.requests.items() if path.startswith(prefix))

    def reset_counters(self) -> None:
        with self._lock:
            self.requests.clear()
            self.max_in_flight = self.in_flight

    @contextlib.contextmanager
    def _flight(self, method: str = "GET") -> Iterator[None]:
        write = method.upper() not in ("GET", "HEAD")
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            if write:
                self.writes_in_flight += 1
                self.max_writes_in_flight = max(self.max_writes_in_flight, self.writes_in_flight)
            # Decided as the write arrives, not when it is handled: a write that arrives second
            # is the one refused, however the server's threads are scheduled.
            overlapping = _OVERLAPPING.set(write and self.writes_in_flight > 1)
        try:
            yield
        finally:
            _OVERLAPPING.reset(overlapping)
            with self._lock:
                self.in_flight -= 1
                if write:
                    self.writes_in_flight -= 1

    # -- the protocol ----------------------------------------------------------------------

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes = b"") -> Reply:
        """Answer one request (``target`` is the path with its query); applies faults."""
        parts = urlsplit(target)
        path = parts.path
        with self._lock:
            self.requests[path] += 1
            self.request_log.append(target)
            fault = self._next_fault(path, method.upper())
        delay = self.latency
        if fault is not None and fault.kind == "reset":
            return Reply(0, b"", reset=True)
        if fault is not None and fault.kind == "delay":
            delay += fault.seconds
        if fault is not None and fault.kind == "status":
            reply = _error(
                fault.status,
                f"emulated {fault.status} {_REASONS.get(fault.status, '')}".strip(),
                **({"Retry-After": fault.retry_after} if fault.retry_after is not None else {}),
            )
        elif fault is not None and fault.kind == "html":
            reason = _REASONS.get(fault.status, "Error")
            page = _HTML_PAGE.format(status=fault.status, reason=reason).encode()
            reply = Reply(fault.status, page, {"Content-Type": "text/html"})
        else:
            reply = self._route(
                method.upper(), path, parts.query, {k.lower(): v for k, v in headers.items()}, body
            )
        reply.delay = delay
        if fault is not None and reply.status == 200:
            if fault.kind == "truncate":
                reply.body = reply.body[: max(1, len(reply.body) // 2)]
            elif fault.kind == "drop":
                reply.drop = True
            elif fault.kind == "slow_body":
                reply.body_delay = fault.seconds
        return reply

    def _next_fault(self, path: str, method: str = "GET") -> Fault | None:
        def applies(prefix: str, only: str | None) -> bool:
            if only is not None and only.upper() != method and not (only == "write" and method != "GET"):
                return False
            return path.startswith(prefix)

        for position, (step, prefix, only) in enumerate(self._script):
            if applies(prefix, only):
                del self._script[position]
                return step
        for step, prefix, only in self._always:
            if applies(prefix, only):
                return step
        return None

    def _route(self, method: str, path: str, query: str, headers: dict[str, str], body: bytes) -> Reply:
        if path == TOKEN_PATH:
            if method != "POST":
                return _error(405, "Method not allowed")
            return self._generate_token(body)
        if self._serves_conversations and (
            path == CONVERSATIONS_PATH or path.startswith(CONVERSATIONS_PATH + "/")
        ):
            if method != "GET":
                return _error(405, "Method not allowed (the emulator is read only)")
            denied = self._check_token(headers)
            if denied is not None:
                return denied
            return self._conversation_route(path, parse_qs(query, keep_blank_values=True))
        if path == CREATE_ONE_PATH and method == "POST":
            denied = self._check_token(headers)
            return denied if denied is not None else self._write(method, path, None, body)
        is_list = path in (LIST_PATH, LIST_PATH + "/")
        by_id = next((path[len(p) :] for p in _BY_ID_PREFIXES if path.startswith(p)), None)
        if not is_list and not by_id:
            return _error(404, f"No route for {path}")
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            return _error(405, "Method not allowed")
        denied = self._check_token(headers)
        if denied is not None:
            return denied
        if method != "GET":
            return self._write(method, path, by_id, body)
        params = parse_qs(query, keep_blank_values=True)
        if by_id:
            if params:
                return _error(400, f"Unexpected query parameter(s): {', '.join(sorted(params))}")
            tracker_id = unquote(by_id)
            tracker = self._by_id.get(tracker_id)
            if tracker is None:
                return _json_reply(
                    404, {"message": f"Tracker with id {tracker_id} not found", "statusCode": 404}
                )
            return _json_reply(200, {"tracker": tracker})
        return self._list(params)

    # -- writes ------------------------------------------------------------------------------

    def _write(self, method: str, path: str, by_id: str | None, body: bytes) -> Reply:
        """Create, update or delete (see the "Writing trackers" notes): one write at a time."""
        if _OVERLAPPING.get():
            return _error(429, "Too many concurrent write requests: one at a time per account")
        if len(body) > MAX_BODY_BYTES:
            return _error(413, f"Request body larger than {MAX_BODY_BYTES} bytes")
        data: Any = None
        if method in ("POST", "PUT", "PATCH"):
            try:
                data = json.loads(body or b"null")
            except ValueError:
                return _error(400, "Request body must be JSON")
        with self._lock:  # the account changes atomically
            if by_id is None:
                if method != "POST":
                    return _error(405, "Method not allowed")
                if path == CREATE_ONE_PATH or isinstance(data, dict):
                    reply = self._create([data], bulk=False, newer=path != CREATE_ONE_PATH)
                elif isinstance(data, list):
                    reply = self._create(data, bulk=True, newer=False)
                else:
                    reply = _error(400, "Request body must be a tracker object or an array of trackers")
            elif by_id == "bulk" and path.startswith(_BY_ID_PREFIXES[1]):
                if method != "POST":
                    return _error(405, "Method not allowed")
                if not isinstance(data, list):
                    return _error(400, "Request body must be an array")
                reply = self._create(data, bulk=True, newer=True)
            else:
                reply = self._change(method, path, unquote(by_id), data)
            if reply.status == 200:
                self.write_log.append((method, path))
                self._list_body = json.dumps({"trackers": self._trackers}, ensure_ascii=False).encode("utf-8")
        return reply

    def _problem(self, tracker: dict[str, Any], *, newer: bool, replacing: str | None = None) -> Reply | None:
        violations = tracker_violations(
            tracker, punctuation=self.punctuation, require=("categories", "languages") if newer else ()
        )
        if violations:
            return _error(400, "; ".join(v.message for v in violations))
        name = tracker["name"]
        if any(t["name"] == name and t["id"] != replacing for t in self._trackers):
            return _json_reply(
                409, {"message": f"A tracker named {name!r} already exists", "statusCode": 409}
            )
        return None

    def _create(self, bodies: list[Any], *, bulk: bool, newer: bool) -> Reply:
        if len(self._trackers) + len(bodies) > self.max_trackers:
            return _error(400, f"An account holds at most {self.max_trackers} trackers")
        made: list[dict[str, Any]] = []
        names: set[str] = set()
        for body in bodies:
            if not isinstance(body, dict):
                return _error(400, "Each tracker must be an object")
            tracker = {k: v for k, v in body.items() if k not in ("id", "createdOn", "updatedOn")}
            problem = self._problem(tracker, newer=newer)
            if problem is None and tracker["name"] in names:
                problem = _json_reply(409, {"message": f"A tracker named {tracker['name']!r} already exists"})
            if problem is not None:
                return problem  # bulk: all or nothing (the emulator's choice)
            names.add(tracker["name"])
            self._next_id += 1
            made.append({"id": str(self._next_id), **tracker})
        self._trackers = [*self._trackers, *made]
        self._by_id = {t["id"]: t for t in self._trackers}
        return _json_reply(200, {"trackers": made} if bulk else {"tracker": made[0]})

    def _change(self, method: str, path: str, tracker_id: str, data: Any) -> Reply:
        current = self._by_id.get(tracker_id)
        if current is None:
            return _json_reply(404, {"message": f"Tracker with id {tracker_id} not found", "statusCode": 404})
        newer = path.startswith(_BY_ID_PREFIXES[1])
        if method == "DELETE":
            self._trackers = [t for t in self._trackers if t["id"] != tracker_id]
            self._by_id = {t["id"]: t for t in self._trackers}
            return _json_reply(200, {"id": tracker_id, "type": "tracker", "deleted": True})
        if method == "PATCH" and newer:
            updated = _apply_patch(current, data)
            if isinstance(updated, Reply):
                return updated
        elif method == "PUT" and not newer:
            if not isinstance(data, dict):
                return _error(400, "Request body must be a tracker object")
            if "id" in data and str(data["id"]) != tracker_id:
                return _error(400, f"Body id {data['id']!r} does not match the path's {tracker_id}")
            updated = {k: v for k, v in data.items() if k not in ("createdOn", "updatedOn")}
            updated["id"] = tracker_id
            if self.put_merges and isinstance(updated.get("vocabulary"), list):
                # The documented example's behaviour: old phrases kept, new ones appended.
                old = list(current.get("vocabulary", []))
                updated["vocabulary"] = old + [p for p in updated["vocabulary"] if p not in old]
        else:
            return _error(405, f"{method} is not allowed on {path}")
        problem = self._problem(updated, newer=False, replacing=tracker_id)
        if problem is not None:
            return problem
        self._trackers = [updated if t["id"] == tracker_id else t for t in self._trackers]
        self._by_id = {t["id"]: t for t in self._trackers}
        return _json_reply(200, {"tracker": updated})

    def _list(self, params: dict[str, list[str]]) -> Reply:
        unknown = sorted(set(params) - {"name", "nextToken"})
        if unknown:
            return _error(400, f"Unsupported query parameter(s): {', '.join(unknown)}")
        if any(len(v) > 1 for v in params.values()):
            return _error(400, "Repeated query parameter")
        name = params.get("name", [None])[0]
        if name is not None and not name:
            return _error(400, "name must not be empty")
        if "nextToken" in params and self.page_size is None:
            return _error(400, "Invalid nextToken")
        if name is None and self.page_size is None:
            return Reply(200, self._list_body, {"Content-Type": "application/json; charset=utf-8"})
        matches = self._trackers if name is None else [t for t in self._trackers if t["name"] == name]
        if self.page_size is None:
            return _json_reply(200, {"trackers": matches})
        start: int | None = 0
        if "nextToken" in params:
            start = _decode_page_token(params["nextToken"][0])
        if start is None or start > len(matches):
            return _error(400, "Invalid nextToken")
        page: dict[str, Any] = {"trackers": matches[start : start + self.page_size]}
        if start + self.page_size < len(matches):
            page["nextToken"] = _encode_page_token(start + self.page_size)
        return _json_reply(200, page)

    # -- conversations -----------------------------------------------------------------------

    def _conversation_route(self, path: str, params: dict[str, list[str]]) -> Reply:
        if any(len(v) > 1 for v in params.values()):
            return _error(400, "Repeated query parameter")
        rest = path[len(CONVERSATIONS_PATH) :].strip("/")
        if not rest:
            return self._list_conversations({k: v[0] for k, v in params.items()})
        parts = rest.split("/")
        if len(parts) > 2:
            return _error(404, f"No route for {path}")
        conversation = self._conversations.get(unquote(parts[0]))
        suffix = parts[1] if len(parts) == 2 else ""
        if suffix not in ("", "messages", *RESULTS_ROUTES):
            return _error(404, f"No route for {path}")
        if suffix in RESULTS_ROUTES and suffix not in self.results_paths:
            return _error(404, f"No route for {path}")
        allowed = {"verbose", "sentiment"} if suffix == "messages" else set()
        unknown = sorted(set(params) - allowed)
        if unknown:
            return _error(400, f"Unsupported query parameter(s): {', '.join(unknown)}")
        if conversation is None:
            shown = unquote(parts[0])
            return _json_reply(404, {"message": f"Conversation with id {shown} not found", "statusCode": 404})
        if suffix == "":
            return _json_reply(200, conversation.record)
        if suffix == "messages":
            return _json_reply(200, {"messages": conversation.messages})
        return Reply(
            200,
            self._results.get(conversation.id, b"[]"),
            {"Content-Type": "application/json; charset=utf-8"},
        )

    def _list_conversations(self, params: dict[str, str]) -> Reply:
        unknown = sorted(set(params) - {"limit", "offset", "startTime", "endTime", "order"})
        if unknown:
            return _error(400, f"Unsupported query parameter(s): {', '.join(unknown)}")
        numbers = {}
        for name, default, least in (("limit", 20, 1), ("offset", 0, 0)):
            text = params.get(name, str(default))
            if not text.isascii() or not text.isdigit() or int(text) < least:
                return _error(400, f"{name} must be an integer >= {least}, got {text!r}")
            numbers[name] = int(text)
        order = params.get("order", "desc")
        if order not in ("asc", "desc"):
            return _error(400, f"order must be 'asc' or 'desc', got {order!r}")
        bounds: dict[str, dt.datetime | None] = {}
        for name in ("startTime", "endTime"):
            try:
                moment = parse_timestamp(params.get(name))
            except ValueError:
                return _error(400, f"{name} must be an ISO 8601 date-time, got {params[name]!r}")
            if moment is not None and moment.tzinfo is None:
                moment = moment.replace(tzinfo=dt.timezone.utc)
            bounds[name] = moment
        end = bounds["endTime"]
        if end is None:
            end = self.now if self.now is not None else dt.datetime.now(dt.timezone.utc)
            if end.tzinfo is None:
                end = end.replace(tzinfo=dt.timezone.utc)
        start = bounds["startTime"] if bounds["startTime"] is not None else end - DEFAULT_WINDOW
        if start >= end:
            return _error(400, "startTime must be before endTime")
        listed = sorted(
            (c for c in self._conversations.values() if c.start is not None and start <= c.start < end),
            key=_ConversationEntry.order,
            reverse=order == "desc",
        )
        limit = min(numbers["limit"], self.max_page_size)
        page = listed[numbers["offset"] : numbers["offset"] + limit]
        return _json_reply(200, {"conversations": [c.record for c in page]})

    def _check_token(self, headers: dict[str, str]) -> Reply | None:
        token = None
        authorization = headers.get("authorization", "")
        if authorization:
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer" or not value.strip():
                return _error(401, "Authorization header must be 'Bearer <token>'")
            token = value.strip()
        elif headers.get("x-api-key"):
            token = headers["x-api-key"].strip()  # deprecated, still accepted
        if not token:
            return _error(401, "Missing access token")
        with self._lock:
            known = token in self._tokens
            expiry = self._tokens.get(token)
        if not known:
            return _error(401, "Invalid access token")
        if expiry is not None and time.monotonic() >= expiry:
            return _error(401, "Access token expired")
        return None

    def _generate_token(self, body: bytes) -> Reply:
        try:
            data = json.loads(body or b"null")
        except ValueError:
            return _error(400, "Request body must be JSON")
        if not isinstance(data, dict) or data.get("type") != "application":
            return _error(400, "Body must be {'type': 'application', 'appId': ..., 'appSecret': ...}")
        if data.get("appId") != self.app_id or data.get("appSecret") != self.app_secret:
            return _error(401, "Invalid appId or appSecret")
        token = self.issue_token(self.token_ttl)
        return _json_reply(200, {"accessToken": token, "expiresIn": self.token_ttl})

    # -- in process ------------------------------------------------------------------------

    def transport(self) -> EmulatorTransport:
        """An httpx transport (sync and async) answering from this emulator, no sockets."""
        return EmulatorTransport(self)

    # -- over loopback ---------------------------------------------------------------------

    @contextlib.contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve over HTTP on ``host`` in a background thread; yields the base URL."""
        server = _Server((host, port), _Handler)
        server.emulator = self
        thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        thread.start()
        self.url = f"http://{host}:{server.server_address[1]}"
        try:
            yield self.url
        finally:
            self.url = None
            server.shutdown()
            server.close_connections()
            server.server_close()
            thread.join()


def _as_fault(step: Fault | int | None) -> Fault | None:
    if step is None or isinstance(step, Fault):
        return step
    if isinstance(step, int) and not isinstance(step, bool):
        return None if step == 200 else Fault.error(step)
    raise InvalidParameterError(
        f"a script step is a Fault, a status or None, got {type(step).__name__}", parameter="script"
    )


_PATCHABLE = ("name", "description", "categories", "languages", "vocabulary", "excludeVocabulary")


def _apply_patch(current: dict[str, Any], operations: Any) -> dict[str, Any] | Reply:
    """``current`` after a JSON-patch array of add/replace/remove operations on the tracker's
    fields (and ``/vocabulary/-`` or ``/vocabulary/N`` items), or a 400 reply."""
    if not isinstance(operations, list):
        return _error(400, "Request body must be an array")
    updated = {k: (list(v) if isinstance(v, list) else v) for k, v in current.items()}
    for n, op in enumerate(operations):
        if not isinstance(op, dict) or op.get("op") not in ("add", "replace", "remove"):
            return _error(400, f"Operation {n}: op must be add, replace or remove")
        target = op.get("path")
        parts = target.strip("/").split("/") if isinstance(target, str) and target.startswith("/") else []
        if not parts or parts[0] not in _PATCHABLE or len(parts) > 2:
            return _error(400, f"Operation {n}: path {target!r} cannot be changed")
        field_name = parts[0]
        if op["op"] != "remove" and "value" not in op:
            return _error(400, f"Operation {n}: value is required")
        if len(parts) == 1:
            if op["op"] == "remove":
                if field_name in ("name", "vocabulary"):
                    return _error(400, f"Operation {n}: {field_name} cannot be removed")
                updated.pop(field_name, None)
            else:
                updated[field_name] = op["value"]
            continue
        items = updated.get(field_name)
        if not isinstance(items, list):
            return _error(400, f"Operation {n}: {field_name} is not an array")
        index_text = parts[1]
        if index_text == "-" and op["op"] == "add":
            items.append(op["value"])
            continue
        if not index_text.isdigit() or int(index_text) >= len(items) + (op["op"] == "add"):
            return _error(400, f"Operation {n}: no item {index_text!r} in {field_name}")
        index = int(index_text)
        if op["op"] == "add":
            items.insert(index, op["value"])
        elif op["op"] == "replace":
            items[index] = op["value"]
        else:
            del items[index]
    return updated


def _encode_page_token(offset: int) -> str:
    return base64.urlsafe_b64encode(f"offset:{offset}".encode()).decode().rstrip("=")


def _decode_page_token(token: str) -> int | None:
    try:
        text = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        kind, _, value = text.partition(":")
        return int(value) if kind == "offset" and int(value) >= 0 else None
    except ValueError:
        return None


@dataclass
class _ConversationEntry:
    """One served conversation: its record (without messages), messages, parsed start."""

    id: str
    record: dict[str, Any]
    messages: list[Any]
    start: dt.datetime | None

    def order(self) -> tuple[dt.datetime, str]:
        return (self.start or dt.datetime.min.replace(tzinfo=dt.timezone.utc), self.id)


def _json_document(source: Any, what: str) -> Any:
    """A JSON document given as itself or as the path of a JSON file (copied: served as given
    then, whatever the caller does with its objects later)."""
    if isinstance(source, (str, os.PathLike)):
        try:
            return json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise TrackerDataError(f"{what}: cannot read {str(source)!r} as JSON ({exc})") from None
    try:
        return json.loads(json.dumps(source))
    except (TypeError, ValueError) as exc:
        raise TrackerDataError(f"{what}: not JSON-serialisable ({exc})") from None


def _sample_document(name: str) -> Any:
    return json.loads(resources.files("trackerkit.data").joinpath(name).read_text("utf-8"))


def _load_conversations(source: Any) -> dict[str, _ConversationEntry]:
    if source is None:
        return {}
    if isinstance(source, str) and source == "sample":
        document = _sample_document("sample_conversations.json")
    else:
        document = _json_document(source, "conversations")
    records = document.get("conversations") if isinstance(document, dict) else document
    if not isinstance(records, list):
        raise TrackerDataError(
            "conversations: expected {'conversations': [...]} or a list of conversation objects"
        )
    out: dict[str, _ConversationEntry] = {}
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            raise TrackerDataError(f"conversations: record {index} is not an object")
        raw_id = record.get("id")
        if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)) or not str(raw_id):
            raise TrackerDataError(f"conversations: record {index} has no usable 'id' to serve it under")
        key = str(raw_id)
        if key in out:
            raise TrackerDataError(f"conversations: record {index} repeats the id {key!r}")
        messages = record.get("messages", [])
        try:
            start = parse_timestamp(record.get("startTime"))
        except ValueError:
            start = None  # served as given; never listed
        if start is not None and start.tzinfo is None:
            start = start.replace(tzinfo=dt.timezone.utc)
        public = {k: v for k, v in record.items() if k != "messages"}
        out[key] = _ConversationEntry(key, public, messages if isinstance(messages, list) else [], start)
    return out


def _load_results(source: Any, conversations: Mapping[str, _ConversationEntry]) -> dict[str, bytes]:
    """Each conversation's stored results as the body served (``[]`` for one without)."""
    if source is None:
        return {}
    if isinstance(source, str) and source == "sample":
        document = _sample_document("sample_tracker_results.json")
    else:
        document = _json_document(source, "tracker_results")
    if not isinstance(document, dict):
        raise TrackerDataError("tracker_results: expected {conversation_id: [trackers-detected array], ...}")
    unknown = sorted(k for k in document if k not in conversations)
    if unknown:
        raise TrackerDataError(
            f"tracker_results: {len(unknown)} conversation id(s) not among the conversations: "
            + ", ".join(unknown[:5])
        )
    return {key: json.dumps(value, ensure_ascii=False).encode("utf-8") for key, value in document.items()}


def _load_trackers(source: Any) -> list[Tracker]:
    if source is None or (isinstance(source, str) and source == "sample"):
        return parse_trackers(sample_payload())
    if isinstance(source, (str, os.PathLike)):
        return read_trackers_file(Path(source))
    if type(source).__module__.split(".")[0] == "pandas":  # a trackers frame; pandas only if given one
        return frame_to_trackers(source)
    return parse_trackers(source)


# -- the in-process transport ------------------------------------------------------------


class EmulatorTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Hands httpx requests to a :class:`SymblEmulator`; works for ``Client`` and ``AsyncClient``.

    Faults are honoured the way a network would show them: a dropped connection raises
    ``httpx.RemoteProtocolError``, a body slower than the read timeout ``httpx.ReadTimeout``.
    """

    def __init__(self, emulator: SymblEmulator) -> None:
        self.emulator = emulator

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        body = request.read()
        with self.emulator._flight(request.method):
            reply = self.emulator.handle(request.method, _target(request), request.headers, body)
            if reply.delay:
                time.sleep(reply.delay)
            wait = _body_wait(reply, request)
            if wait:
                time.sleep(wait)
            return _to_response(reply, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        with self.emulator._flight(request.method):
            reply = self.emulator.handle(request.method, _target(request), request.headers, body)
            if reply.delay:
                await anyio.sleep(reply.delay)
            wait = _body_wait(reply, request)
            if wait:
                await anyio.sleep(wait)
            return _to_response(reply, request)


def _target(request: httpx.Request) -> str:
    return request.url.raw_path.decode("ascii")


def _body_wait(reply: Reply, request: httpx.Request) -> float:
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if reply.body_delay and read_timeout is not None and reply.body_delay >= read_timeout:
        return read_timeout
    return reply.body_delay


def _to_response(reply: Reply, request: httpx.Request) -> httpx.Response:
    if reply.reset:
        raise httpx.RemoteProtocolError(
            "emulated: server disconnected without sending a response", request=request
        )
    read_timeout = request.extensions.get("timeout", {}).get("read")
    if reply.body_delay and read_timeout is not None and reply.body_delay >= read_timeout:
        raise httpx.ReadTimeout("emulated: the body came later than the read timeout", request=request)
    if reply.drop:
        raise httpx.RemoteProtocolError(
            "emulated: peer closed connection without sending complete message body", request=request
        )
    return httpx.Response(reply.status, headers=reply.headers, content=reply.body, request=request)


# -- the loopback server -----------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # the default 5 overflows with a few dozen concurrent connects
    emulator: SymblEmulator

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        super().__init__(*args, **kwargs)

    def track(self, conn: socket.socket, add: bool) -> None:
        with self._connections_lock:
            (self._connections.add if add else self._connections.discard)(conn)

    def close_connections(self) -> None:
        # Keep-alive handler threads would otherwise wait on idle sockets after shutdown.
        with self._connections_lock:
            for conn in list(self._connections):
                with contextlib.suppress(OSError):
                    conn.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    server_version = "SymblEmulator/1.0"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is closed after this
    disable_nagle_algorithm = True  # headers and body go out separately: no 40 ms delayed-ACK stall
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, True)

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            super().finish()
        self.server.track(self.connection, False)

    def log_message(self, format: str, *args: Any) -> None:  # quiet: tests count requests instead
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        emulator = self.server.emulator
        with emulator._flight(self.command):
            reply = emulator.handle(self.command, self.path, dict(self.headers.items()), body)
            if not reply.reset and reply.delay and self._client_gone_within(reply.delay):
                self.close_connection = True
                return
        # Out of flight before the client can see anything: a client that has its answer (or its
        # reset) may send its next write at once, and must not find this one still counted.
        if reply.reset:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self.send_response(reply.status, reply.reason)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.flush()
        if reply.body_delay and self._client_gone_within(reply.body_delay):
            self.close_connection = True
            return
        # A drop sends half of what Content-Length promised, then closes.
        sent = reply.body[: len(reply.body) // 2] if reply.drop else reply.body
        try:
            self.wfile.write(sent)
            self.wfile.flush()
        except OSError:
            self.close_connection = True
            return
        if reply.drop:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)

    def _client_gone_within(self, seconds: float) -> bool:
        """Wait ``seconds``, or less if the client hangs up (it timed out): True then."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            readable, _, _ = select.select([self.connection], [], [], left)
            if not readable:
                continue
            try:
                peeked = self.connection.recv(1, socket.MSG_PEEK)
            except OSError:
                return True
            if not peeked:
                return True
            time.sleep(max(0.0, deadline - time.monotonic()))  # a pipelined request: just wait
            return False
        return False
