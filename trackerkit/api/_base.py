"""Settings both clients share: base URL, credentials, timeouts, retries, the HTTP layer."""

from __future__ import annotations

import functools
import inspect
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

import httpx

from trackerkit._validation import check_count
from trackerkit.api._auth import Credentials, TokenCache, find_credentials
from trackerkit.api._conversations import ResultsRoute
from trackerkit.api._protocol import DEFAULT_BASE_URL, CallBudget, Endpoint, IdRoute, is_loopback
from trackerkit.api._redact import redact
from trackerkit.api._retry import RetryPolicy
from trackerkit.errors import InvalidParameterError, TrackerkitError

logger = logging.getLogger("trackerkit.api")

DEFAULT_TIMEOUT = 30.0

F = TypeVar("F", bound=Callable[..., Any])


def scrub_errors(method: F) -> F:
    """Redact the client's token and secret from any exception leaving ``method``, causes included.

    Messages quote what servers send, and a server may echo what it was sent: rather than trust
    every place that builds a message, the public methods clean whatever comes out of them.
    Chained exceptions that are not trackerkit's (an httpx error holds the request, and with it
    the Authorization header) are cut off the chain; the facts are in our message already.
    """

    def scrub(client: BaseClient, exc: BaseException) -> None:
        secrets = client._secrets()
        seen: set[int] = set()
        pending: list[BaseException] = [exc]
        while pending:
            current = pending.pop()
            if id(current) in seen:
                continue
            seen.add(id(current))
            current.args = tuple(redact(a, secrets) if isinstance(a, str) else a for a in current.args)
            for name in ("server_message", "url"):
                if isinstance(getattr(current, name, None), str):
                    setattr(current, name, redact(getattr(current, name), secrets))
            notes = getattr(current, "__notes__", None)
            if isinstance(notes, list):
                notes[:] = [redact(n, secrets) if isinstance(n, str) else n for n in notes]
            if current.__cause__ is not None and not isinstance(current.__cause__, TrackerkitError):
                current.__cause__ = None
                current.__suppress_context__ = True
            if current.__context__ is not None and not isinstance(current.__context__, TrackerkitError):
                current.__context__ = None
            pending += [e for e in (current.__cause__, current.__context__) if e is not None]

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def async_wrapper(self: BaseClient, *args: Any, **kwargs: Any) -> Any:
            try:
                return await method(self, *args, **kwargs)
            except Exception as exc:
                scrub(self, exc)
                raise

        return async_wrapper  # type: ignore[return-value]

    @functools.wraps(method)
    def wrapper(self: BaseClient, *args: Any, **kwargs: Any) -> Any:
        try:
            return method(self, *args, **kwargs)
        except Exception as exc:
            scrub(self, exc)
            raise

    return wrapper  # type: ignore[return-value]


class BaseClient:
    """Configuration common to :class:`SymblClient` and :class:`AsyncSymblClient`."""

    #: a response body larger than this (decoded) is refused unread (64 MiB; a 500-tracker
    #: account is ~3 MB)
    max_body_bytes: int = 64 * 1024 * 1024
    #: JSON values (containers and their elements) all responses of one call may hold; a
    #: 500-tracker account has ~40,000. Bounds what parsing builds: 64 MiB of ``[{}, {}, ...]``
    #: would otherwise become ~2 GB of Python objects.
    max_json_values: int = 2_000_000
    #: how deeply a response's JSON may nest (a trackers payload needs about 4)
    max_json_depth: int = 64

    def __init__(
        self,
        *,
        token: str | None = None,
        app_id: str | None = None,
        app_secret: str | None = None,
        credentials: Credentials | None = None,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float | httpx.Timeout | None = DEFAULT_TIMEOUT,
        max_retries: int = 3,
        backoff_base: float = 0.5,
        backoff_max: float = 8.0,
        retry_after_cap: float = 30.0,
        deadline: float = 120.0,
        max_total_bytes: int = 256 * 1024 * 1024,
        id_route: IdRoute = "legacy",
        transport: Any = None,
        http_client: Any = None,
    ) -> None:
        if transport is not None and http_client is not None:
            raise InvalidParameterError("give transport= or http_client=, not both", parameter="transport")
        self._endpoint = Endpoint(base_url, id_route=id_route)
        self.base_url = self._endpoint.base_url
        if credentials is None:
            credentials = find_credentials(token, app_id, app_secret)
        elif token or app_id or app_secret:
            raise InvalidParameterError(
                "give credentials= or token/app_id/app_secret, not both", parameter="credentials"
            )
        self._tokens = TokenCache(credentials)
        self.retry_policy = RetryPolicy(
            max_retries=max_retries,
            backoff_base=backoff_base,
            backoff_max=backoff_max,
            retry_after_cap=retry_after_cap,
            deadline=deadline,
        )
        self.timeout = timeout if isinstance(timeout, httpx.Timeout) else httpx.Timeout(timeout)
        self.max_total_bytes = check_count("max_total_bytes", max_total_bytes)
        self._owns_http = http_client is None
        self._http = http_client if http_client is not None else self._new_http(transport)
        self._token_lock = self._new_lock()
        self._results_route = ResultsRoute()  # which tracker-results path this server has

    # Each flavour builds its own httpx client and the lock serialising token exchanges.
    def _new_http(self, transport: Any) -> Any:
        raise NotImplementedError

    def _new_lock(self) -> Any:
        raise NotImplementedError

    @property
    def id_route(self) -> IdRoute:
        return self._endpoint.id_route

    def _http_options(self, transport: Any) -> dict[str, Any]:
        host = httpx.URL(self.base_url).host
        return {
            "timeout": self.timeout,
            "transport": transport,
            "follow_redirects": False,  # a redirect must never carry our token elsewhere
            # Proxies from the environment are for the outside world, not for the emulator.
            "trust_env": not is_loopback(host),
        }

    def _secrets(self) -> list[str | None]:
        return self._tokens.secrets()

    def _redact(self, text: str) -> str:
        """``text`` without any rendering of this client's token or secret (logs, messages)."""
        return redact(text, self._secrets())

    def _new_budget(self, cancel: Any = None) -> CallBudget:
        """What one public call may spend: the deadline starts now."""
        return CallBudget(
            deadline=self.retry_policy.deadline,
            max_total_bytes=self.max_total_bytes,
            max_json_values=self.max_json_values,
            max_json_depth=self.max_json_depth,
            cancel=cancel,
        )

    def _log_response(self, request: httpx.Request, response: httpx.Response, started: float) -> None:
        logger.debug(
            "%s %s -> %d (%.1f ms)",
            request.method,
            request.url,
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )

    def __repr__(self) -> str:
        source = self._tokens.credentials.source
        return f"{type(self).__name__}(base_url={self.base_url!r}, credentials from {source})"
