"""Every exception trackerkit raises, in one hierarchy.

::

    TrackerkitError                       base of everything below
    ├── TrackerDataError (ValueError)     a payload, snapshot or frame is malformed
    ├── InvalidParameterError (ValueError, TypeError)
    │                                     a function was called with a wrong argument
    ├── PlanViolationError (ValueError)   a change plan breaks Symbl's rules: nothing was sent
    ├── AmbiguousTrackerError (LookupError)
    │                                     a key matches several trackers by name
    ├── CredentialsError                  no credentials were found for the live API
    ├── SymblAPIError                     the API answered with an error status
    │   ├── BadRequestError               400
    │   ├── AuthenticationError           401 / 403
    │   ├── TrackerNotFoundError (LookupError)
    │   │                                 404, an unknown name/id, or missing ids
    │   ├── ConflictError                 409
    │   ├── PayloadTooLargeError          413
    │   ├── RateLimitError                429 (after retries)
    │   └── ServerError                   5xx (after retries)
    ├── TransportError                    network failure or timeout (after retries)
    │   └── DeadlineExceededError         a call's overall ``deadline`` passed
    ├── ResponseFormatError               a body that is not the JSON we expect
    ├── FileTargetError (OSError)         a path to write is not a regular file (FIFO, device...)
    ├── ResultTooLargeError (ValueError)  an analysis result would not fit: narrow the query
    ├── MissingDependencyError (ImportError)
    │                                     an optional feature's extra is not installed
    └── EmbeddingModelError (ValueError)  an embedding model or tokenizer file is missing or wrong

    EmbeddingCacheWarning (RuntimeWarning, a warning, not an error)
                                          the embedding cache could not be used for a call (the
                                          vectors were computed all the same)

``TrackerNotFoundError`` sits under ``SymblAPIError`` so ``except SymblAPIError`` catches a
404, but it is also raised locally (by :func:`trackerkit.resolve`), in which case ``status``,
``method`` and ``url`` are ``None``.

No exception message ever contains a token or an app secret: the client builds messages from
the method, the URL (which never carries credentials) and the server's ``message`` field.

Example::

    >>> import trackerkit
    >>> try:
    ...     trackerkit.resolve(trackerkit.load_trackers("sample"), "no such tracker")
    ... except trackerkit.TrackerNotFoundError as exc:
    ...     print(type(exc).__name__)
    TrackerNotFoundError
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = [
    "AmbiguousTrackerError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CredentialsError",
    "DeadlineExceededError",
    "EmbeddingCacheWarning",
    "EmbeddingModelError",
    "FileTargetError",
    "InvalidParameterError",
    "MissingDependencyError",
    "PayloadTooLargeError",
    "PlanViolationError",
    "RateLimitError",
    "ResponseFormatError",
    "ResultTooLargeError",
    "ServerError",
    "SymblAPIError",
    "TrackerDataError",
    "TrackerNotFoundError",
    "TrackerkitError",
    "TransportError",
    "error_for_status",
]


class TrackerkitError(Exception):
    """Base class of every error raised by trackerkit."""


class InvalidParameterError(TrackerkitError, ValueError, TypeError):
    """A function was called with an argument it does not accept (``parameter`` names it).

    Both a ``ValueError`` and a ``TypeError``, like scikit-learn's error of the same name, so
    code that catches either keeps working whether the value or its type was wrong.

        >>> raise InvalidParameterError("k must be an integer >= 1; got 0", parameter="k")
        Traceback (most recent call last):
        ...
        trackerkit.errors.InvalidParameterError: k must be an integer >= 1; got 0
    """

    def __init__(self, message: str, *, parameter: str | None = None) -> None:
        super().__init__(message)
        self.parameter = parameter


class TrackerDataError(TrackerkitError, ValueError):
    """Tracker data is malformed: an API payload, a snapshot file or a DataFrame.

    ``index`` and ``tracker_id`` locate the offending entry when known, ``field`` names the
    field at fault.
    """

    def __init__(
        self,
        message: str,
        *,
        index: int | None = None,
        tracker_id: str | None = None,
        field: str | None = None,
    ) -> None:
        where = []
        if index is not None:
            where.append(f"entry {index}")
        if tracker_id is not None:
            where.append(f"id {tracker_id!r}")
        if field is not None:
            where.append(f"field {field!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.index = index
        self.tracker_id = tracker_id
        self.field = field


class PlanViolationError(TrackerkitError, ValueError):
    """A change plan breaks Symbl's rules; ``violations`` lists them. Nothing was sent."""

    def __init__(self, message: str, *, violations: Sequence[object] = ()) -> None:
        super().__init__(message)
        self.violations = list(violations)


class AmbiguousTrackerError(TrackerkitError, LookupError):
    """A key matches several trackers' names case-insensitively; ``candidates`` lists them."""

    def __init__(self, key: str, candidates: Sequence[tuple[str, str]]) -> None:
        listed = ", ".join(f"{name!r} ({tid})" for tid, name in candidates)
        super().__init__(
            f"{key!r} matches {len(candidates)} trackers when case is ignored: {listed}; "
            "give the exact name or an id"
        )
        self.key = key
        self.candidates = list(candidates)

    def __reduce__(self):  # keep pickling working with our keyword-only constructor
        return (type(self), (self.key, self.candidates))


class CredentialsError(TrackerkitError):
    """No credentials for the live Symbl API were given or found."""


class SymblAPIError(TrackerkitError):
    """The Symbl API (or something that looks like it) answered with an error status.

    Attributes: ``status`` (int or None), ``server_message`` (the body's ``message``),
    ``method`` and ``url`` of the request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        server_message: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.server_message = server_message
        self.method = method
        self.url = url


class BadRequestError(SymblAPIError):
    """400: the request's parameters were rejected."""


class AuthenticationError(SymblAPIError):
    """401 / 403: missing, invalid or expired credentials, or no permission."""


class TrackerNotFoundError(SymblAPIError, LookupError):
    """No tracker for a key: a 404 from the API, an unknown name or id, or missing ids.

    ``keys`` lists every key that was not found and ``suggestions`` maps each to close names.
    """

    def __init__(
        self,
        message: str,
        *,
        keys: Sequence[str] = (),
        suggestions: dict[str, list[str]] | None = None,
        status: int | None = None,
        server_message: str | None = None,
        method: str | None = None,
        url: str | None = None,
    ) -> None:
        super().__init__(message, status=status, server_message=server_message, method=method, url=url)
        self.keys = list(keys)
        self.suggestions = dict(suggestions or {})


class ConflictError(SymblAPIError):
    """409: the request conflicts with the account's state."""


class PayloadTooLargeError(SymblAPIError):
    """413: the request body exceeds the API's limit (1 MB)."""


class RateLimitError(SymblAPIError):
    """429: too many requests, still refused after the allowed retries."""


class ServerError(SymblAPIError):
    """5xx: the server failed, still failing after the allowed retries."""


class TransportError(TrackerkitError):
    """The network failed (connection refused or dropped, timeout), after the allowed retries."""


class DeadlineExceededError(TransportError):
    """A call did not finish within the client's ``deadline`` (connecting, reading and retries
    included); ``deadline`` holds the seconds it was given. Never retried."""

    def __init__(self, message: str, *, deadline: float | None = None) -> None:
        super().__init__(message)
        self.deadline = deadline


class ResponseFormatError(TrackerkitError):
    """A response body is not the JSON trackerkit expects (an HTML error page, a wrong shape)."""


class FileTargetError(TrackerkitError, OSError):
    """A path trackerkit was asked to write is not a regular file (a FIFO, a device node, a
    socket, a directory, a symlink loop): refused before anything is written. ``path`` is the
    path as given."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __reduce__(self):  # keep pickling working with our keyword-only constructor
        return (_rebuild, (type(self), self.args, {"path": self.path}))


class ResultTooLargeError(TrackerkitError, ValueError):
    """An analysis result would hold more rows than its limit allows; the message says how to
    narrow the query. ``count`` is the number of rows found so far (a lower bound of the
    result's size when the search stopped early) and ``limit`` the limit."""

    def __init__(self, message: str, *, count: int | None = None, limit: int | None = None) -> None:
        super().__init__(message)
        self.count = count
        self.limit = limit

    def __reduce__(self):  # keep pickling working with our keyword-only constructor
        return (_rebuild, (type(self), self.args, {"count": self.count, "limit": self.limit}))


class MissingDependencyError(TrackerkitError, ImportError):
    """An optional feature needs a package that is not installed; the message names the extra
    that installs it (``pip install 'trackerkit[semantic]'``). ``name`` is the missing package's
    import name (as on ``ImportError``) and ``extra`` the extra.

    Also an ``ImportError``, so ``except ImportError`` around an optional feature keeps working.
    """

    def __init__(self, message: str, *, name: str | None = None, extra: str | None = None) -> None:
        super().__init__(message, name=name)
        self.extra = extra

    def __reduce__(self):  # keep pickling working with our keyword-only constructor
        return (_rebuild, (type(self), self.args, {"name": self.name, "extra": self.extra}))


class EmbeddingModelError(TrackerkitError, ValueError):
    """An embedding model or tokenizer file cannot be used: missing, unreadable, not the file its
    checksum says, or not a sentence-transformer export trackerkit can run. ``path`` is the file
    at fault (as given, or as an environment variable named it)."""

    def __init__(self, message: str, *, path: str | None = None) -> None:
        super().__init__(message)
        self.path = path

    def __reduce__(self):  # keep pickling working with our keyword-only constructor
        return (_rebuild, (type(self), self.args, {"path": self.path}))


class EmbeddingCacheWarning(RuntimeWarning):
    """The on-disk embedding cache could not be read or written for one call (a locked, damaged
    or unwritable file): the vectors were computed without it, so results are unaffected. A
    damaged cache file is moved aside and replaced by a new one."""


def _rebuild(cls: type[TrackerkitError], args: tuple[object, ...], state: dict[str, object]) -> Exception:
    return cls(*args, **state)


_BY_STATUS: dict[int, type[SymblAPIError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: AuthenticationError,
    404: TrackerNotFoundError,
    409: ConflictError,
    413: PayloadTooLargeError,
    429: RateLimitError,
}


def error_for_status(status: int) -> type[SymblAPIError]:
    """The exception class for an HTTP error status: ``error_for_status(404) is TrackerNotFoundError``."""
    if status in _BY_STATUS:
        return _BY_STATUS[status]
    if status >= 500:
        return ServerError
    return SymblAPIError
