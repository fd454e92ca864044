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
from collections.abc import Iterable
from typing import Any, Literal, overload

import anyio
import httpx

from trackerkit.api._base import BaseClient, scrub_errors
from trackerkit.api._protocol import (
    LIST_PATH,
    Batch,
    FoundTrackers,
    Paginator,
    body_too_large,
    check_missing_mode,
    complete_response,
    normalize_id,
    progress_bar,
    tracker_path,
    transport_error,
)
from trackerkit.errors import AuthenticationError, ResponseFormatError, TrackerNotFoundError
from trackerkit.model import Tracker

__all__ = ["AsyncSymblClient"]

logger = logging.getLogger("trackerkit.api")


class AsyncSymblClient(BaseClient):
    """The asynchronous twin of :class:`SymblClient`: same options, every method awaited.

    ``transport=`` takes an httpx async transport, ``http_client=`` an ``httpx.AsyncClient``.
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
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        return await self._list({"name": name})

    @scrub_errors
    async def get_tracker(self, tracker_id: str | int) -> Tracker:
        """One tracker by id; :class:`TrackerNotFoundError` (404) if there is none."""
        tid = normalize_id(tracker_id)
        try:
            payload, response = await self._get(tracker_path(tid, self.id_route), None)
        except TrackerNotFoundError as exc:
            exc.keys = [tid]
            raise
        return self._endpoint.parse_one(payload, tid, response)

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
        bar = progress_bar(len(batch.ids), progress)
        limiter = anyio.CapacityLimiter(concurrency)
        failures: list[Exception] = []

        async def fetch(tid: str, group: anyio.abc.TaskGroup) -> None:
            async with limiter:
                if failures:
                    return
                try:
                    tracker: Tracker | None = await self.get_tracker(tid)
                except TrackerNotFoundError as exc:
                    if exc.status != 404:
                        failures.append(exc)
                        group.cancel_scope.cancel()
                        return
                    tracker = None
                except Exception as exc:
                    # Record and cancel the rest ourselves: callers get our error, not an ExceptionGroup.
                    failures.append(exc)
                    group.cancel_scope.cancel()
                    return
                batch.record(tid, tracker)
                if bar is not None:
                    bar.update(1)

        try:
            async with anyio.create_task_group() as group:
                for tid in batch.ids:
                    group.start_soon(fetch, tid, group)
        finally:
            if bar is not None:
                bar.close()
        if failures:
            raise failures[0]
        return batch.finish(missing)

    # -- plumbing --------------------------------------------------------------------------

    async def _list(self, params: dict[str, Any]) -> list[Tracker]:
        pager = Paginator(LIST_PATH, params, base_url=self.base_url)
        while (call := pager.next_call()) is not None:
            payload, _ = await self._get(*call)
            pager.feed(payload)
        return pager.result()

    async def _get(self, path: str, params: dict[str, Any] | None) -> tuple[Any, httpx.Response]:
        token = await self._token()
        try:
            return await self._get_retried(path, params, token)
        except AuthenticationError as exc:
            if exc.status != 401 or not self._tokens.invalidate(token):
                raise
            logger.info("401 for GET %s: generating a new token, then trying once more", path)
        return await self._get_retried(path, params, await self._token())

    async def _get_retried(
        self, path: str, params: dict[str, Any] | None, token: str
    ) -> tuple[Any, httpx.Response]:
        async for attempt in self.retry_policy.async_retrying():
            with attempt:
                response = await self._send(self._endpoint.get_request(path, params, token))
                return self._endpoint.read_json(response, self._secrets()), response
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    async def _token(self) -> str:
        token = self._tokens.current()
        if token is not None:
            return token
        async with self._token_lock:  # one exchange, however many tasks need a token
            token = self._tokens.current()
            if token is None:
                request = self._tokens.exchange_request(self._endpoint)
                token = self._tokens.accept(await self._send(request), self._endpoint)
            return token

    async def _send(self, request: httpx.Request) -> httpx.Response:
        # httpx < 0.28 sends a request built outside the client with no timeout at all.
        request.extensions.setdefault("timeout", self._http.timeout.as_dict())
        started = time.perf_counter()
        try:
            # Streamed, so a hostile or broken server cannot make us hold an unbounded body.
            response = await self._http.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise body_too_large(request, self.max_body_bytes)
                    chunks.append(chunk)
            finally:
                await response.aclose()
        except httpx.TransportError as exc:
            logger.debug("%s %s failed: %s", request.method, request.url, type(exc).__name__)
            raise transport_error(exc, request) from exc
        except httpx.DecodingError as exc:
            raise ResponseFormatError(f"{request.method} {request.url}: undecodable body ({exc})") from exc
        response = complete_response(response, b"".join(chunks))
        self._log_response(request, response, started)
        return response
