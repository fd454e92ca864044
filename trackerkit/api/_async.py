"""The asyncio (and trio, through anyio) client: :class:`AsyncSymblClient`.

The same protocol, retry policy and token cache as :class:`SymblClient`; only the sending
awaits.

    >>> import anyio
    >>> from trackerkit.emulator import SymblEmulator
    >>> emulator = SymblEmulator([{"id": "1", "name": "Greeting", "vocabulary": ["hello"]}])
    >>> async def main():
    ...     async with AsyncSymblClient(token=emulator.issue_token(), transport=emulator.transport()) as c:
    ...         return await c.get_tracker("1")
    >>> anyio.run(main)
    Tracker(id='1', name='Greeting', 1 phrases)
"""

from __future__ import annotations

import logging
import time
import zlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any, Literal, overload

import anyio
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
from trackerkit.model import Tracker

__all__ = ["AsyncSymblClient"]

logger = logging.getLogger("trackerkit.api")


class AsyncSymblClient(BaseClient):
    """The asynchronous twin of :class:`SymblClient`: same options, every method awaited.

    ``transport=`` takes an httpx async transport, ``http_client=`` an ``httpx.AsyncClient``.
    The call's ``deadline`` is enforced by cancellation (``anyio.fail_after``), whatever the
    transport; a ``get_trackers`` batch is one call.
    """

    _http: httpx.AsyncClient

    def _new_http(self, transport: httpx.AsyncBaseTransport | None) -> httpx.AsyncClient:
        return httpx.AsyncClient(**self._http_options(transport))

    def _new_lock(self) -> anyio.Lock:
        return anyio.Lock()

    # -- lifecycle -------------------------------------------------------------------------

    async def aclose(self) -> None:
        """Close the connection pool (not an ``http_client`` you passed in)."""
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncSymblClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- the API ---------------------------------------------------------------------------

    @scrub_errors
    async def list_trackers(self) -> list[Tracker]:
        """Every tracker of the account, following any pagination."""
        return await self._list({})

    @scrub_errors
    async def find_trackers(self, name: str) -> list[Tracker]:
        """Trackers named ``name``: zero, one or several."""
        if not isinstance(name, str) or not name:
            raise InvalidParameterError(f"name must be a non-empty string, got {name!r}", parameter="name")
        return await self._list({"name": name})

    @scrub_errors
    async def get_tracker(self, tracker_id: str | int) -> Tracker:
        """One tracker by id; :class:`TrackerNotFoundError` (404) if there is none."""
        return await self._get_one(normalize_id(tracker_id), self._new_budget())

    @overload
    async def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = ...,
        progress: bool = ...,
        missing: Literal["raise"] = ...,
    ) -> list[Tracker]: ...

    @overload
    async def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = ...,
        progress: bool = ...,
        missing: Literal["return"],
    ) -> FoundTrackers: ...

    @scrub_errors
    async def get_trackers(
        self,
        ids: Iterable[str | int],
        *,
        concurrency: int = 8,
        progress: bool = True,
        missing: Literal["raise", "return"] = "raise",
    ) -> list[Tracker] | FoundTrackers:
        """Many trackers by id, at most ``concurrency`` in flight; see :meth:`SymblClient.get_trackers`."""
        check_missing_mode(missing)
        batch = Batch.of(ids, concurrency)
        if not batch.ids:
            return batch.finish(missing)
        budget = self._new_budget()  # one deadline for the batch

        async def fetch(tid: str) -> None:
            try:
                tracker: Tracker | None = await self._get_one(tid, budget)
            except TrackerNotFoundError as exc:
                if exc.status != 404:
                    raise
                tracker = None
            batch.record(tid, tracker)

        await self._run_batch(batch.ids, fetch, concurrency, progress_bar(len(batch.ids), progress))
        return batch.finish(missing)

    # -- conversations ---------------------------------------------------------------------

    @scrub_errors
    async def list_conversations(
        self,
        *,
        start_time: Any = None,
        end_time: Any = None,
        max_conversations: int | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> ConversationList:
        """The conversations of a time window, every page; see :meth:`SymblClient.list_conversations`."""
        start, end = listing_window(start_time, end_time)
        check_count("page_size", page_size)
        check_count("max_conversations", max_conversations, minimum=0, allow_none=True)
        plan = list_plan(start, end, page_size=page_size, max_conversations=max_conversations)
        return await self._run(plan, self._new_budget())

    @scrub_errors
    async def get_conversation(self, conversation_id: str | int) -> Conversation:
        """One conversation's record; see :meth:`SymblClient.get_conversation`."""
        plan = conversation_plan(normalize_id(conversation_id, "conversation"))
        return await self._run(plan, self._new_budget())

    @scrub_errors
    async def get_messages(self, conversation: str | int | Conversation) -> list[Message]:
        """The messages of one conversation; see :meth:`SymblClient.get_messages`."""
        cid, language = id_and_language(conversation)
        return await self._run(messages_plan(cid, language), self._new_budget())

    @scrub_errors
    async def get_tracker_results(self, conversation: str | int | Conversation) -> list[Hit]:
        """The tracker hits of one conversation; see :meth:`SymblClient.get_tracker_results`."""
        cid, _ = id_and_language(conversation)
        return await self._run(results_plan(cid, self._results_route), self._new_budget())

    @scrub_errors
    async def get_conversations(
        self,
        conversations: Iterable[str | int | Conversation],
        *,
        messages: bool = True,
        tracker_results: bool = False,
        concurrency: int = 8,
        progress: bool = True,
        missing: Literal["raise", "return"] = "raise",
    ) -> FetchedConversations:
        """Many conversations at once, at most ``concurrency`` in flight; see
        :meth:`SymblClient.get_conversations`."""
        batch = ConversationBatch.of(
            conversations,
            concurrency=concurrency,
            messages=messages,
            tracker_results=tracker_results,
            missing=missing,
        )
        if not batch.items:
            return batch.finish(missing)
        items = {batch.key(i): i for i in batch.items}

        async def fetch(cid: str) -> None:
            plan = fetch_plan(
                items[cid], messages=messages, tracker_results=tracker_results, route=self._results_route
            )
            try:
                batch.record(cid, await self._run(plan, self._new_budget()))
            except TrackerNotFoundError as exc:
                if exc.status != 404:
                    raise
                batch.record(cid, None)

        await self._run_batch(
            list(items), fetch, concurrency, progress_bar(len(items), progress, "conversation")
        )
        return batch.finish(missing)

    # -- plumbing --------------------------------------------------------------------------

    async def _run(self, plan: Plan[T], budget: CallBudget) -> T:
        """Drive a plan of :mod:`._conversations` (see :meth:`SymblClient._run`)."""
        try:
            call = next(plan)
            while True:
                try:
                    answer = await self._get(call.path, call.params, budget)
                except Exception as exc:
                    call = plan.throw(exc)
                else:
                    call = plan.send(answer)
        except StopIteration as done:
            return done.value

    async def _run_batch(
        self, keys: list[str], fetch: Callable[[str], Awaitable[None]], concurrency: int, bar: Any
    ) -> None:
        """Await ``fetch(key)`` for every key, at most ``concurrency`` at a time; the first error
        cancels the rest and goes up as itself (not wrapped in an ExceptionGroup)."""
        limiter = anyio.CapacityLimiter(concurrency)
        failures: list[Exception] = []

        async def run(key: str, group: anyio.abc.TaskGroup) -> None:
            async with limiter:
                if failures:
                    return
                try:
                    await fetch(key)
                except Exception as exc:
                    # Record and cancel the rest ourselves: callers get our error, not an ExceptionGroup.
                    failures.append(exc)
                    group.cancel_scope.cancel()
                    return
                if bar is not None:
                    bar.update(1)

        try:
            async with anyio.create_task_group() as group:
                for key in keys:
                    group.start_soon(run, key, group)
        finally:
            if bar is not None:
                bar.close()
        if failures:
            raise failures[0]

    # -- writes (only ever called on purpose: see trackerkit.changes.apply_plan_async) -------

    @scrub_errors
    async def write(self, method: str, path: str, body: Any = None) -> Any:
        """:meth:`SymblClient.write <trackerkit.SymblClient.write>`, awaited: one write, sent
        once (again only after a 401, with a fresh token); the response's JSON."""
        method = check_choice("method", method, ("POST", "PUT", "PATCH", "DELETE"))
        if not isinstance(path, str) or not path.startswith("/v1/manage/"):
            raise InvalidParameterError(f"path must start with /v1/manage/, got {path!r}", parameter="path")
        budget = self._new_budget()
        token = await self._token(budget)
        for attempt in range(2):
            response = await self._send(self._endpoint.write_request(method, path, body, token), budget)
            if response.status_code == 401 and attempt == 0 and self._tokens.invalidate(token):
                logger.info("401 for %s %s: generating a new token, then trying once more", method, path)
                token = await self._token(budget)
                continue
            return self._endpoint.read_json(response, self._secrets(), budget)
        raise AssertionError("unreachable")  # pragma: no cover

    async def apply(self, plan: Any, *, confirm: bool = False, backup_dir: Any = None) -> Any:
        """Apply a :class:`trackerkit.changes.Plan`: ``await plan.apply_async(self, ...)`` (see
        :func:`trackerkit.changes.apply_plan_async`; nothing is written unless ``confirm=True``)."""
        return await plan.apply_async(self, confirm=confirm, backup_dir=backup_dir)

    async def _list(self, params: dict[str, Any]) -> list[Tracker]:
        budget = self._new_budget()  # one deadline and size budget for all pages
        pager = Paginator(LIST_PATH, params, base_url=self.base_url, secrets=self._secrets())
        while (call := pager.next_call()) is not None:
            payload, _ = await self._get(*call, budget)
            pager.feed(payload)
        return pager.result()

    async def _get_one(self, tid: str, budget: CallBudget) -> Tracker:
        try:
            payload, response = await self._get(tracker_path(tid, self.id_route), None, budget)
        except TrackerNotFoundError as exc:
            exc.keys = [tid]
            raise
        return self._endpoint.parse_one(payload, tid, response)

    async def _get(
        self, path: str, params: dict[str, Any] | None, budget: CallBudget
    ) -> tuple[Any, httpx.Response]:
        token = await self._token(budget)
        try:
            return await self._get_retried(path, params, token, budget)
        except AuthenticationError as exc:
            if exc.status != 401 or not self._tokens.invalidate(token):
                raise
            logger.info("401 for GET %s: generating a new token, then trying once more", path)
        return await self._get_retried(path, params, await self._token(budget), budget)

    async def _get_retried(
        self, path: str, params: dict[str, Any] | None, token: str, budget: CallBudget
    ) -> tuple[Any, httpx.Response]:
        async for attempt in self.retry_policy.async_retrying(budget, self._redact):
            with attempt:
                response = await self._send(self._endpoint.get_request(path, params, token), budget)
                return self._endpoint.read_json(response, self._secrets(), budget), response
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _token(self, budget: CallBudget) -> str:
        token = self._tokens.current()
        if token is not None:
            return token
        async with self._token_lock:  # one exchange, however many tasks need a token
            token = self._tokens.current()
            if token is None:
                request = self._tokens.exchange_request(self._endpoint)
                token = self._tokens.accept(await self._send(request, budget), self._endpoint, budget)
            return token

    async def _send(self, request: httpx.Request, budget: CallBudget) -> httpx.Response:
        remaining = budget.remaining()
        if remaining <= 0:
            raise budget.deadline_error(request)
        request.extensions["timeout"] = budget.timeout(self._http.timeout)  # (an http_client's own)
        started = time.perf_counter()
        failure: Exception | None = None
        scope: anyio.CancelScope | None = None
        try:
            # Cancelled when the deadline passes, whatever the server does meanwhile (trickled
            # headers or body, ``100 Continue`` forever).
            with anyio.fail_after(remaining) as scope:
                # Streamed and decoded here, so a hostile server cannot make us hold an
                # unbounded body, however it is compressed.
                response = await self._http.send(request, stream=True)
                try:
                    if response.is_stream_consumed:  # an in-process transport's ready answer
                        decoder = BodyDecoder(request, None, self.max_body_bytes)
                        decoder.feed(response.content)
                    else:
                        encoding = response.headers.get("content-encoding")
                        decoder = BodyDecoder(request, encoding, self.max_body_bytes)
                        async for chunk in response.aiter_raw():
                            decoder.feed(chunk)
                    body = decoder.finish()
                finally:
                    with anyio.CancelScope(shield=True):  # release the connection even when cut off
                        await response.aclose()
        except TimeoutError as exc:  # from fail_after; any other is a network timeout
            expired = (scope is not None and scope.cancel_called) or budget.remaining() <= 0
            failure = (
                budget.deadline_error(request) if expired else transport_error(exc, request, self._secrets())
            )
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
        if failure is not None:
            raise failure
        budget.take_body_bytes(len(body), request)
        response = complete_response(response, body)
        self._log_response(request, response, started)
        return response
