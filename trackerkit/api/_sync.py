"""The blocking client: :class:`SymblClient`.

Only the sending lives here; URLs, parsing, errors, retry rules and pagination come from
:mod:`._protocol`, :mod:`._retry` and :mod:`._auth`, shared with :class:`AsyncSymblClient`.

    >>> from trackerkit.emulator import SymblEmulator
    >>> emulator = SymblEmulator([{"id": "1", "name": "Greeting", "vocabulary": ["hello"]}])
    >>> with SymblClient(token=emulator.issue_token(), transport=emulator.transport()) as client:
    ...     client.list_trackers()
    [Tracker(id='1', name='Greeting', 1 phrases)]
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Literal, overload

import httpcore
import httpx

from trackerkit._validation import check_choice, check_count
from trackerkit.api._base import BaseClient, scrub_errors
from trackerkit.api._conversations import (
    DEFAULT_PAGE_SIZE,
    Conversation,
    ConversationBatch,
    ConversationList,
    FetchedConversations,
    Plan,
    T,
    conversation_plan,
    fetch_plan,
    id_and_language,
    list_plan,
    listing_window,
    messages_plan,
    results_plan,
)
from trackerkit.api._protocol import (
    LIST_PATH,
    Batch,
    BodyDecoder,
    CallBudget,
    FoundTrackers,
    Paginator,
    check_missing_mode,
    complete_response,
    normalize_id,
    progress_bar,
    tracker_path,
    transport_error,
)
from trackerkit.conversation import Hit, Message
from trackerkit.errors import (
    AuthenticationError,
    InvalidParameterError,
    ResponseFormatError,
    TrackerNotFoundError,
)
from trackerkit.model import Tracker, parse_trackers

__all__ = ["SymblClient"]

logger = logging.getLogger("trackerkit.api")


class SymblClient(BaseClient):
    """A blocking client for the Symbl trackers API (reads; writes only when asked: :meth:`write`).

    Credentials: ``token=``, or ``app_id=`` + ``app_secret=``, or the environment / a
    ``symbl.conf`` (see :func:`trackerkit.api.find_credentials`). ``transport=`` (an httpx
    transport, e.g. :meth:`SymblEmulator.transport`) or ``http_client=`` (an ``httpx.Client``
    you own) replace the network. ``max_retries``, ``backoff_base``, ``backoff_max`` and
    ``retry_after_cap`` bound retries of failed GETs; ``id_route="plural"`` uses
    ``/v1/manage/trackers/{id}`` instead of the documented ``/v1/manage/tracker/{id}``.

    Every call is bounded: ``deadline`` (seconds, default 120) covers connecting, reading and
    retrying, however slowly a server trickles its answer (:class:`DeadlineExceededError`);
    ``timeout`` bounds each network step within it. A ``get_trackers`` batch is one call.
    Responses are bounded too: ``max_body_bytes`` each (decoded), ``max_total_bytes`` for all
    responses of a call together (the pages of a listing), ``max_json_values`` and
    ``max_json_depth`` for what their JSON may hold; past a limit, a
    :class:`ResponseFormatError` names it. (With an ``http_client`` of your own, the deadline
    is checked between reads rather than inside each one: a server trickling headers can then
    outlast it.)
    """

    _http: httpx.Client

    def _new_http(self, transport: httpx.BaseTransport | None) -> httpx.Client:
        client = httpx.Client(**self._http_options(transport))
        _bound_socket_io_by_deadline(client)
        return client

    def _new_lock(self) -> threading.Lock:
        return threading.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    def close(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> SymblClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- the API ---------------------------------------------------------------------------

    @scrub_errors
    def list_trackers(self) -> list[Tracker]:
        """Every tracker of the account (GET /v1/manage/trackers), following any pagination."""
        return self._list({})

    @scrub_errors
    def find_trackers(self, name: str) -> list[Tracker]:
        """Trackers named ``name`` (GET /v1/manage/trackers?name=...): zero, one or several."""
        if not isinstance(name, str) or not name:
            raise InvalidParameterError(f"name must be a non-empty string, got {name!r}", parameter="name")
        return self._list({"name": name})

    @scrub_errors
    def get_tracker(self, tracker_id: str | int) -> Tracker:
        """One tracker by id; :class:`TrackerNotFoundError` (404) if there is none."""
        return self._get_one(normalize_id(tracker_id), self._new_budget())

    @overload
    def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = ...,
        progress: bool = ...,
        missing: Literal["raise"] = ...,
    ) -> list[Tracker]: ...

    @overload
    def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = ...,
        progress: bool = ...,
        missing: Literal["return"],
    ) -> FoundTrackers: ...

    @scrub_errors
    def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = 8,
        progress: bool = True,
        missing: Literal["raise", "return"] = "raise",
    ) -> list[Tracker] | FoundTrackers:
        """Many trackers by id, at most ``concurrency`` requests in flight, in input order.

        Missing ids are never dropped silently: by default one :class:`TrackerNotFoundError`
        lists all of them (``.keys``); ``missing="return"`` returns
        ``FoundTrackers(trackers, missing)`` instead. Duplicate ids are fetched once. A progress
        bar (tqdm.auto) appears when the run lasts over half a second, unless ``progress=False``.

        The first error, or Ctrl-C, ends the batch at once: queued ids are dropped and requests
        in flight are not retried. After Ctrl-C the call does not wait for them either: the
        ``KeyboardInterrupt`` goes up right away, and a warning says how far the batch got.
        """
        check_missing_mode(missing)
        batch = Batch.of(ids, concurrency)
        if not batch.ids:
            return batch.finish(missing)
        stop = threading.Event()  # set on the first failure or Ctrl-C: the whole batch ends
        budget = self._new_budget(cancel=stop)  # one deadline for the batch

        def fetch(tid: str) -> None:
            try:
                batch.record(tid, self._get_one(tid, budget))
            except TrackerNotFoundError as exc:
                if exc.status != 404:
                    raise
                batch.record(tid, None)

        self._run_batch(
            batch.ids,
            fetch,
            stop,
            concurrency=concurrency,
            bar=progress_bar(len(batch.ids), progress),
            what="tracker",
            done=lambda: sum(1 for t in batch.results.values() if t is not None),
        )
        return batch.finish(missing)

    # -- conversations ---------------------------------------------------------------------

    @scrub_errors
    def list_conversations(
        self,
        *,
        start_time: Any = None,
        end_time: Any = None,
        max_conversations: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> ConversationList:
        """The conversations of a time window (GET /v1/conversations), every page of them.

        Parameters
        ----------
        start_time, end_time : datetime, date, ISO 8601 str, optional
            The window (UTC when no time zone is given). The API lists only a window, the last
            7 days by default; the client always sends one: ``end_time`` defaults to now and
            ``start_time`` to 7 days before it (a ``timedelta``: that long before ``end_time``).
        max_conversations : int, optional
            Stop once this many are in hand (in the server's order); ``complete`` then says
            whether the window held more.
        page_size : int
            Conversations asked for per request (``limit``; the API's default is 20).

        Returns
        -------
        ConversationList
            The conversations by start time, then id, with the window sent (``start_time``,
            ``end_time``), ``complete`` and ``pages``.

        Examples
        --------
            >>> from trackerkit.emulator import sample_client
            >>> with sample_client() as client:
            ...     client.list_conversations(start_time="2026-06-01", end_time="2026-06-08")
            ConversationList(10 conversations, 2026-06-01T00:00:00.000Z to 2026-06-08T00:00:00.000Z, ...)
        """
        start, end = listing_window(start_time, end_time)
        check_count("page_size", page_size)
        check_count("max_conversations", max_conversations, minimum=0, allow_none=True)
        plan = list_plan(start, end, page_size=page_size, max_conversations=max_conversations)
        return self._run(plan, self._new_budget())

    @scrub_errors
    def get_conversation(self, conversation_id: str | int) -> Conversation:
        """One conversation's record (GET /v1/conversations/{id}); :class:`TrackerNotFoundError`
        (404, ``keys`` = the id) if there is none."""
        return self._run(conversation_plan(normalize_id(conversation_id, "conversation")), self._new_budget())

    @scrub_errors
    def get_messages(self, conversation: str | int | Conversation) -> list[Message]:
        """The messages of one conversation (GET /v1/conversations/{id}/messages), in order.

        ``conversation``: an id, or a :class:`Conversation` of a listing (its language then
        fills each message's). A malformed message raises :class:`ResponseFormatError` naming
        the conversation, the message and the field; none is skipped.
        """
        cid, language = id_and_language(conversation)
        return self._run(messages_plan(cid, language), self._new_budget())

    @scrub_errors
    def get_tracker_results(self, conversation: str | int | Conversation) -> list[Hit]:
        """The tracker hits Symbl stored for one conversation, one :class:`Hit` per messageRef.

        Asks ``/v1/conversations/{id}/trackers-detected`` and, when that answers 404,
        ``/v1/conversations/{id}/trackers`` (the client then asks that one first). Hits carry
        the message text Symbl sends, not the speaker or time (see :meth:`get_conversations`).
        """
        cid, _ = id_and_language(conversation)
        return self._run(results_plan(cid, self._results_route), self._new_budget())

    @scrub_errors
    def get_conversations(
        self,
        conversations: Iterable[str | int | Conversation],
        *,
        messages: bool = True,
        tracker_results: bool = False,
        concurrency: int = 8,
        progress: bool = True,
        missing: Literal["raise", "return"] = "raise",
    ) -> FetchedConversations:
        """Many conversations at once: their messages and/or tracker results, at most
        ``concurrency`` requests in flight, results in input order.

        Parameters
        ----------
        conversations : iterable of ids or Conversation, or a ConversationList
            An id alone costs one more request (the conversation's record, for its language).
            Duplicates are fetched once.
        messages, tracker_results : bool
            What to fetch for each; with both, each hit carries its message's speaker and time.
        concurrency : int
            Conversations fetched at the same time (each one's requests go one after another).
        progress : bool
            A tqdm.auto progress bar, shown when the run lasts over half a second.
        missing : {"raise", "return"}
            A conversation answered 404: one :class:`TrackerNotFoundError` listing all of them
            (``.keys``), or listed in the result's ``missing``.

        Returns
        -------
        FetchedConversations
            ``conversations``, ``messages``, ``hits`` and ``missing``.

        Notes
        -----
        Each conversation is one call with its own ``deadline`` and byte budget (a batch of
        thousands would not fit one call's). The first error, or Ctrl-C, ends the batch at
        once, as for :meth:`get_trackers`.

        Examples
        --------
            >>> from trackerkit.emulator import sample_client
            >>> with sample_client() as client:
            ...     client.get_conversations(["5360756879665530"], tracker_results=True, progress=False)
            FetchedConversations(1 conversations, 27 messages, 10 hits, 0 missing)
        """
        batch = ConversationBatch.of(
            conversations,
            concurrency=concurrency,
            messages=messages,
            tracker_results=tracker_results,
            missing=missing,
        )
        if not batch.items:
            return batch.finish(missing)
        stop = threading.Event()
        items = {batch.key(i): i for i in batch.items}

        def fetch(cid: str) -> None:
            plan = fetch_plan(
                items[cid], messages=messages, tracker_results=tracker_results, route=self._results_route
            )
            try:
                batch.record(cid, self._run(plan, self._new_budget(cancel=stop)))
            except TrackerNotFoundError as exc:
                if exc.status != 404:
                    raise
                batch.record(cid, None)

        self._run_batch(
            list(items),
            fetch,
            stop,
            concurrency=concurrency,
            bar=progress_bar(len(items), progress, "conversation"),
            what="conversation",
            done=batch.done,
        )
        return batch.finish(missing)

    # -- plumbing --------------------------------------------------------------------------

    def _run(self, plan: Plan[T], budget: CallBudget) -> T:
        """Drive a plan of :mod:`._conversations`: send each GET it yields, hand back the
        answer, or throw the request's error in at the ``yield``; its return value is ours."""
        try:
            call = next(plan)
            while True:
                try:
                    answer = self._get(call.path, call.params, budget)
                except Exception as exc:
                    call = plan.throw(exc)
                else:
                    call = plan.send(answer)
        except StopIteration as done:
            return done.value

    def _run_batch(
        self,
        keys: list[str],
        fetch: Callable[[str], None],
        stop: threading.Event,
        *,
        concurrency: int,
        bar: Any,
        what: str,
        done: Callable[[], int],
    ) -> None:
        """Run ``fetch(key)`` for every key on at most ``concurrency`` threads.

        The first error, or Ctrl-C, ends the batch at once: ``stop`` is set (requests in flight
        stop retrying, the budgets made with it cancel), queued keys are dropped, and the error
        goes up. After Ctrl-C the call does not wait for requests in flight: a warning says how
        far the batch got.
        """

        def run(key: str) -> None:
            if stop.is_set():  # an earlier failure ends the run; don't start new requests
                return
            try:
                fetch(key)
            except BaseException:
                stop.set()
                raise
            if bar is not None:
                bar.update(1)

        pool = ThreadPoolExecutor(max_workers=min(concurrency, len(keys)), thread_name_prefix="trackerkit")
        futures: list[Future] = []
        interrupted = False
        try:
            futures = [pool.submit(run, key) for key in keys]
            wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f.done() and f.exception() is not None), None)
            if failed is not None:
                raise failed.exception()  # type: ignore[misc]
        except BaseException as exc:
            interrupted = not isinstance(exc, Exception)  # KeyboardInterrupt, SystemExit
            raise
        finally:
            # Queued keys are dropped; requests in flight stop retrying (``stop`` cancels them).
            stop.set()
            if interrupted:
                in_flight = sum(1 for f in futures if f.running())
                logger.warning(
                    "get_%ss interrupted: %d of %d %ss fetched; %d requests in flight "
                    "abandoned (not retried)",
                    what,
                    done(),
                    len(keys),
                    what,
                    in_flight,
                )
            # After Ctrl-C, don't wait for requests in flight: the user asked to stop now.
            pool.shutdown(wait=not interrupted, cancel_futures=True)
            if bar is not None:
                bar.close()

    # -- writes (only ever called on purpose: see trackerkit.changes.apply_plan) -------------

    @scrub_errors
    def write(self, method: str, path: str, body: Any = None) -> Any:
        """Send one write (``POST``/``PUT``/``PATCH``/``DELETE`` on a ``/v1/manage/...`` path)
        once, and return the response's JSON.

        Never retried here (a write whose response was lost may have been applied: the caller
        re-reads and decides, as :func:`trackerkit.changes.apply_plan` does), except once after
        a 401 with a fresh token (a refused request changed nothing). Errors: the
        :class:`SymblAPIError` subclass for the status (409 :class:`ConflictError`, 413
        :class:`PayloadTooLargeError`, 429 :class:`RateLimitError`...), or
        :class:`TransportError` when no complete answer came.
        """
        method = check_choice("method", method, ("POST", "PUT", "PATCH", "DELETE"))
        if not isinstance(path, str) or not path.startswith("/v1/manage/"):
            raise InvalidParameterError(f"path must start with /v1/manage/, got {path!r}", parameter="path")
        budget = self._new_budget()
        token = self._token(budget)
        for attempt in range(2):
            response = self._send(self._endpoint.write_request(method, path, body, token), budget)
            if response.status_code == 401 and attempt == 0 and self._tokens.invalidate(token):
                logger.info("401 for %s %s: generating a new token, then trying once more", method, path)
                token = self._token(budget)
                continue
            return self._endpoint.read_json(response, self._secrets(), budget)
        raise AssertionError("unreachable")  # pragma: no cover

    def create_tracker(self, tracker: Mapping[str, Any]) -> Tracker:
        """Create one tracker (older ``POST /v1/manage/tracker``, or the newer ``POST
        /v1/manage/trackers`` with ``id_route="plural"``); the created record, with its id."""
        path = "/v1/manage/tracker" if self.id_route == "legacy" else LIST_PATH
        body = {k: v for k, v in dict(tracker).items() if k not in ("id", "createdOn", "updatedOn")}
        return parse_trackers(self.write("POST", path, body))[0]

    def update_tracker(self, tracker: Mapping[str, Any]) -> Tracker:
        """Replace a tracker's fields by those of ``tracker`` (which holds its ``id``): PUT of the
        whole tracker (legacy route) or a JSON-patch array of replace operations (plural route)."""
        data = dict(tracker)
        tid = normalize_id(data.get("id"))
        if self.id_route == "legacy":
            payload = self.write("PUT", tracker_path(tid, "legacy"), data)
        else:
            ops = [{"op": "replace", "path": f"/{k}", "value": v} for k, v in data.items() if k != "id"]
            payload = self.write("PATCH", tracker_path(tid, "plural"), ops)
        return parse_trackers(payload)[0]

    def delete_tracker(self, tracker_id: str | int) -> None:
        """Delete one tracker (DELETE on the configured by-id route)."""
        self.write("DELETE", tracker_path(normalize_id(tracker_id), self.id_route))

    def apply(self, plan: Any, *, confirm: bool = False, backup_dir: Any = None) -> Any:
        """Apply a :class:`trackerkit.changes.Plan` to this account: ``plan.apply(self, ...)``,
        see :func:`trackerkit.changes.apply_plan` (nothing is written unless ``confirm=True``)."""
        return plan.apply(self, confirm=confirm, backup_dir=backup_dir)

    def _list(self, params: dict[str, Any]) -> list[Tracker]:
        budget = self._new_budget()  # one deadline and size budget for all pages
        pager = Paginator(LIST_PATH, params, base_url=self.base_url, secrets=self._secrets())
        while (call := pager.next_call()) is not None:
            payload, _ = self._get(*call, budget)
            pager.feed(payload)
        return pager.result()

    def _get_one(self, tid: str, budget: CallBudget) -> Tracker:
        try:
            payload, response = self._get(tracker_path(tid, self.id_route), None, budget)
        except TrackerNotFoundError as exc:
            exc.keys = [tid]
            raise
        return self._endpoint.parse_one(payload, tid, response)

    def _get(
        self, path: str, params: dict[str, Any] | None, budget: CallBudget
    ) -> tuple[Any, httpx.Response]:
        token = self._token(budget)
        try:
            return self._get_retried(path, params, token, budget)
        except AuthenticationError as exc:
            if exc.status != 401 or not self._tokens.invalidate(token):
                raise
            logger.info("401 for GET %s: generating a new token, then trying once more", path)
        return self._get_retried(path, params, self._token(budget), budget)

    def _get_retried(
        self, path: str, params: dict[str, Any] | None, token: str, budget: CallBudget
    ) -> tuple[Any, httpx.Response]:
        for attempt in self.retry_policy.retrying(budget, self._redact):
            with attempt:
                response = self._send(self._endpoint.get_request(path, params, token), budget)
                return self._endpoint.read_json(response, self._secrets(), budget), response
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _token(self, budget: CallBudget) -> str:
        token = self._tokens.current()
        if token is not None:
            return token
        with self._token_lock:  # one exchange, however many threads need a token
            token = self._tokens.current()
            if token is None:
                request = self._tokens.exchange_request(self._endpoint)
                token = self._tokens.accept(self._send(request, budget), self._endpoint, budget)
            return token

    def _send(self, request: httpx.Request, budget: CallBudget) -> httpx.Response:
        if budget.cancelled():
            raise budget.cancelled_error(request)
        if budget.remaining() <= 0:
            raise budget.deadline_error(request)
        # No network step may outlast the deadline: httpx's timeouts shrink to what is left,
        # and every socket read re-checks it (see _DeadlineStream), so a server trickling
        # headers or a body one byte at a time is cut off too.
        request.extensions["timeout"] = budget.timeout(self._http.timeout)  # (an http_client's own)
        started = time.perf_counter()
        failure: Exception | None = None
        active = _ACTIVE_BUDGET.set(budget)
        try:
            # Streamed and decoded here, so a hostile server cannot make us hold an unbounded
            # body, however it is compressed.
            response = self._http.send(request, stream=True)
            try:
                if response.is_stream_consumed:  # an in-process transport's ready answer, decoded
                    decoder = BodyDecoder(request, None, self.max_body_bytes)
                    decoder.feed(response.content)
                else:
                    encoding = response.headers.get("content-encoding")
                    decoder = BodyDecoder(request, encoding, self.max_body_bytes)
                    for chunk in response.iter_raw():
                        decoder.feed(chunk)
                        if budget.remaining() <= 0:
                            raise budget.deadline_error(request)
                body = decoder.finish()
            finally:
                response.close()
        except httpx.TransportError as exc:
            # Facts copied into our error, raised below: the httpx error (and its request,
            # whose headers hold the token) does not ride along as __cause__ or __context__.
            logger.debug("%s %s failed: %s", request.method, request.url, type(exc).__name__)
            expired = budget.remaining() <= 0
            failure = (
                budget.deadline_error(request) if expired else transport_error(exc, request, self._secrets())
            )
        except zlib.error as exc:
            failure = ResponseFormatError(f"{request.method} {request.url}: undecodable body ({exc})")
        finally:
            _ACTIVE_BUDGET.reset(active)
        if failure is not None:
            raise failure
        budget.take_body_bytes(len(body), request)
        response = complete_response(response, body)
        self._log_response(request, response, started)
        return response


# -- the deadline, down to each socket read ---------------------------------------------------

# The budget of the call this thread is sending for (set by ``_send``, read by the streams).
_ACTIVE_BUDGET: contextvars.ContextVar[CallBudget | None] = contextvars.ContextVar(
    "trackerkit_active_budget", default=None
)


def _within_deadline(timeout: float | None, timeout_error: type[Exception]) -> float | None:
    """``timeout`` for one socket operation, shrunk to what is left of the active deadline."""
    budget = _ACTIVE_BUDGET.get()
    if budget is None:
        return timeout
    if budget.cancelled():
        raise httpcore.ReadError("the call was cancelled")
    remaining = budget.remaining()
    if remaining <= 0:
        raise timeout_error("the call's deadline has passed")
    return remaining if timeout is None else min(timeout, remaining)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose every read and write is bounded by the active call's deadline.

    httpx applies its read timeout per socket read: a server sending one header byte a second,
    or ``100 Continue`` forever, never trips it. Here each read gets what is left of the
    deadline at most, so the call ends when its deadline does.
    """

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _within_deadline(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _within_deadline(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None):
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


class _DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's network backend, handing out :class:`_DeadlineStream` connections."""

    def __init__(self, backend: httpcore.NetworkBackend) -> None:
        self._backend = backend

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_tcp(host, port, timeout, local_address, socket_options))

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Any = None
    ) -> httpcore.NetworkStream:
        timeout = _within_deadline(timeout, httpcore.ConnectTimeout)
        return _DeadlineStream(self._backend.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._backend.sleep(seconds)


def _bound_socket_io_by_deadline(client: httpx.Client) -> None:
    """Put :class:`_DeadlineBackend` under the connection pools of ``client``'s transports.

    httpx takes no network backend, so this reaches one level into its transports (``_pool``)
    and httpcore's pools (``_network_backend``); should either change, the deadline is still
    checked between body chunks and by httpx's shrunk timeouts, only less tightly.
    """
    transports = [getattr(client, "_transport", None), *getattr(client, "_mounts", {}).values()]
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _DeadlineBackend):
            pool._network_backend = _DeadlineBackend(backend)  # type: ignore[union-attr]
