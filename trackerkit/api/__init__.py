"""The Symbl trackers API: clients and credentials. It returns :class:`~trackerkit.Tracker`
records and knows no pandas (:func:`trackerkit.fetch_trackers` puts them in the trackers frame).

* :class:`SymblClient` / :class:`AsyncSymblClient`: ``list_trackers()``, ``get_tracker(id)``,
  ``find_trackers(name)``, ``get_trackers(ids, concurrency=8)``; retries, token refresh and
  pagination included.
* :func:`find_credentials`: where credentials come from (arguments, environment, symbl.conf).

One concern per module: ``_protocol`` (requests and responses, no I/O), ``_auth``
(credentials and the token cache), ``_retry`` (the tenacity policy), ``_sync`` / ``_async``
(sending), ``_emulator`` (the local API, see :mod:`trackerkit.emulator`).

    >>> from trackerkit.emulator import sample_client
    >>> with sample_client() as client:
    ...     len(client.list_trackers()) >= 40
    True
"""

from __future__ import annotations

from trackerkit.api._async import AsyncSymblClient
from trackerkit.api._auth import Credentials, find_credentials
from trackerkit.api._protocol import DEFAULT_BASE_URL, FoundTrackers
from trackerkit.api._retry import RetryPolicy
from trackerkit.api._sync import SymblClient

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncSymblClient",
    "Credentials",
    "FoundTrackers",
    "RetryPolicy",
    "SymblClient",
    "find_credentials",
]
