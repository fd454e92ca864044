"""The Symbl API (trackers and conversations): clients and credentials. It returns records
(:class:`~trackerkit.Tracker`, :class:`Conversation`, :class:`~trackerkit.Message`,
:class:`~trackerkit.Hit`) and knows no pandas (:func:`trackerkit.fetch_trackers`,
:func:`trackerkit.load_conversations` and :func:`trackerkit.load_tracker_results` make frames).

* :class:`SymblClient` / :class:`AsyncSymblClient`: ``list_trackers()``, ``get_tracker(id)``,
  ``find_trackers(name)``, ``get_trackers(ids, concurrency=8)``; ``list_conversations(
  start_time=, end_time=)`` (a :class:`ConversationList` that says its window),
  ``get_conversation(id)``, ``get_messages(id)``, ``get_tracker_results(id)`` and
  ``get_conversations(ids, concurrency=8)``; retries, token refresh and pagination included.
  Writes only when asked: ``write(method, path, body)`` (sent once, never retried blindly),
  ``create_tracker``, ``update_tracker``, ``delete_tracker``, and ``apply(plan, confirm=True)``
  (see :mod:`trackerkit.changes`).
* :func:`find_credentials`: where credentials come from (arguments, environment, symbl.conf).

One concern per module: ``_protocol`` (requests and responses, no I/O), ``_conversations``
(the conversation records and the plans both clients run, no I/O), ``_auth``
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
from trackerkit.api._conversations import Conversation, ConversationList, FetchedConversations, Member
from trackerkit.api._protocol import DEFAULT_BASE_URL, FoundTrackers
from trackerkit.api._retry import RetryPolicy
from trackerkit.api._sync import SymblClient

__all__ = [
    "DEFAULT_BASE_URL",
    "AsyncSymblClient",
    "Conversation",
    "ConversationList",
    "Credentials",
    "FetchedConversations",
    "FoundTrackers",
    "Member",
    "RetryPolicy",
    "SymblClient",
    "find_credentials",
]
