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

import logging
import threading
import time
from collections.abc import Iterable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, Literal, overload

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

__all__ = ["SymblClient"]

logger = logging.getLogger("trackerkit.api")


class SymblClient(BaseClient):
    """A blocking client for the Symbl trackers API (read only).

    Credentials: ``token=``, or ``app_id=`` + ``app_secret=``, or the environment / a
    ``symbl.conf`` (see :func:`trackerkit.api.find_credentials`). ``transport=`` (an httpx
    transport, e.g. :meth:`SymblEmulator.transport`) or ``http_client=`` (an ``httpx.Client``
    you own) replace the network. ``max_retries``, ``backoff_base``, ``backoff_max``,
    ``retry_after_cap`` and ``deadline`` bound retries of failed GETs; ``id_route="plural"``
    uses ``/v1/manage/trackers/{id}`` instead of the documented ``/v1/manage/tracker/{id}``.
    """

    _http: httpx.Client

    def _new_http(self, transport: httpx.BaseTransport | None) -> httpx.Client:
        return httpx.Client(**self._http_options(transport))

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
            raise ValueError(f"name must be a non-empty string, got {name!r}")
        return self._list({"name": name})

    @scrub_errors
    def get_tracker(self, tracker_id: str | int) -> Tracker:
        """One tracker by id; :class:`TrackerNotFoundError` (404) if there is none."""
        tid = normalize_id(tracker_id)
        try:
            payload, response = self._get(tracker_path(tid, self.id_route), None)
        except TrackerNotFoundError as exc:
            exc.keys = [tid]
            raise
        return self._endpoint.parse_one(payload, tid, response)

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
        """
        check_missing_mode(missing)
        batch = Batch.of(ids, concurrency)
        if not batch.ids:
            return batch.finish(missing)
        bar = progress_bar(len(batch.ids), progress)
        stop = threading.Event()

        def fetch(tid: str) -> None:
            if stop.is_set():  # an earlier failure ends the run; don't start new requests
                return
            try:
                batch.record(tid, self.get_tracker(tid))
            except TrackerNotFoundError as exc:
                if exc.status != 404:
                    stop.set()
                    raise
                batch.record(tid, None)
            except BaseException:
                stop.set()
                raise
            if bar is not None:
                bar.update(1)

        pool = ThreadPoolExecutor(
            max_workers=min(concurrency, len(batch.ids)), thread_name_prefix="trackerkit"
        )
        try:
            futures: list[Future] = [pool.submit(fetch, tid) for tid in batch.ids]
            wait(futures, return_when=FIRST_EXCEPTION)
            failed = next((f for f in futures if f.done() and f.exception() is not None), None)
            if failed is not None:
                raise failed.exception()  # type: ignore[misc]
        finally:
            # On an error or Ctrl-C, queued ids are dropped; only requests in flight finish.
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            if bar is not None:
                bar.close()
        return batch.finish(missing)

    # -- plumbing --------------------------------------------------------------------------

    def _list(self, params: dict[str, Any]) -> list[Tracker]:
        pager = Paginator(LIST_PATH, params, base_url=self.base_url)
        while (call := pager.next_call()) is not None:
            payload, _ = self._get(*call)
            pager.feed(payload)
        return pager.result()

    def _get(self, path: str, params: dict[str, Any] | None) -> tuple[Any, httpx.Response]:
        token = self._token()
        try:
            return self._get_retried(path, params, token)
        except AuthenticationError as exc:
            if exc.status != 401 or not self._tokens.invalidate(token):
                raise
            logger.info("401 for GET %s: generating a new token, then trying once more", path)
        return self._get_retried(path, params, self._token())

    def _get_retried(
        self, path: str, params: dict[str, Any] | None, token: str
    ) -> tuple[Any, httpx.Response]:
        for attempt in self.retry_policy.retrying():
            with attempt:
                response = self._send(self._endpoint.get_request(path, params, token))
                return self._endpoint.read_json(response, self._secrets()), response
        raise AssertionError("unreachable: tenacity re-raises the last error")  # pragma: no cover

    def _token(self) -> str:
        token = self._tokens.current()
        if token is not None:
            return token
        with self._token_lock:  # one exchange, however many threads need a token
            token = self._tokens.current()
            if token is None:
                request = self._tokens.exchange_request(self._endpoint)
                token = self._tokens.accept(self._send(request), self._endpoint)
            return token

    def _send(self, request: httpx.Request) -> httpx.Response:
        # httpx < 0.28 sends a request built outside the client with no timeout at all.
        request.extensions.setdefault("timeout", self._http.timeout.as_dict())
        started = time.perf_counter()
        try:
            # Streamed, so a hostile or broken server cannot make us hold an unbounded body.
            response = self._http.send(request, stream=True)
            try:
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > self.max_body_bytes:
                        raise body_too_large(request, self.max_body_bytes)
                    chunks.append(chunk)
            finally:
                response.close()
        except httpx.TransportError as exc:
            logger.debug("%s %s failed: %s", request.method, request.url, type(exc).__name__)
            raise transport_error(exc, request) from exc
        except httpx.DecodingError as exc:
            raise ResponseFormatError(f"{request.method} {request.url}: undecodable body ({exc})") from exc
        response = complete_response(response, b"".join(chunks))
        self._log_response(request, response, started)
        return response
