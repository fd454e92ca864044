"""The Symbl API emulator (public home of :class:`SymblEmulator` and :class:`Fault`), and the
sample account served through it: its trackers, and its 120 sample conversations with their
messages and stored tracker results.

    >>> from trackerkit.emulator import SymblEmulator
    >>> emulator = SymblEmulator([{"id": "7", "name": "Refund", "vocabulary": ["money back"]}])
    >>> emulator.handle("GET", "/v1/manage/tracker/7", {"Authorization": "Bearer nope"}).status
    401

See :mod:`trackerkit.api._emulator` for the protocol it speaks and the faults it injects.
:func:`sample_client` is a real :class:`~trackerkit.SymblClient` talking to an in-process
emulator of the sample account, for offline demos of the client path
(``load_trackers("sample")`` and ``load_conversations("sample")`` read the package data
directly and need neither).
"""

from __future__ import annotations

from functools import lru_cache

from trackerkit.api import SymblClient
from trackerkit.api._emulator import EmulatorTransport, Fault, Reply, SymblEmulator
from trackerkit.sample import sample_payload

__all__ = ["EmulatorTransport", "Fault", "Reply", "SymblEmulator", "sample_client", "sample_emulator"]


@lru_cache(maxsize=1)
def _emulator_and_token() -> tuple[SymblEmulator, str]:
    emulator = SymblEmulator(sample_payload(), conversations="sample")
    return emulator, emulator.issue_token()  # never expires


def sample_emulator() -> SymblEmulator:
    """The in-process emulator serving the sample account and conversations (one per process).

    Returns
    -------
    SymblEmulator
        The same emulator at every call (its request counters keep counting).
    """
    return _emulator_and_token()[0]


def sample_client() -> SymblClient:
    """A :class:`~trackerkit.SymblClient` connected to the sample account, without a network.

    Returns
    -------
    SymblClient
        A new client (close it, or use it in a ``with`` block) of :func:`sample_emulator`.

    Examples
    --------
        >>> with sample_client() as client:
        ...     client.find_trackers("Voice Message")[0].name
        'Voice Message'
    """
    emulator, token = _emulator_and_token()
    return SymblClient(token=token, transport=emulator.transport(), max_retries=0)
