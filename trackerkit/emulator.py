"""The Symbl trackers API emulator (public home of :class:`SymblEmulator` and :class:`Fault`).

    >>> from trackerkit.emulator import SymblEmulator
    >>> emulator = SymblEmulator([{"id": "7", "name": "Refund", "vocabulary": ["money back"]}])
    >>> emulator.handle("GET", "/v1/manage/tracker/7", {"Authorization": "Bearer nope"}).status
    401

See :mod:`trackerkit.api._emulator` for the protocol it speaks and the faults it injects.
"""

from __future__ import annotations

from trackerkit.api._emulator import EmulatorTransport, Fault, Reply, SymblEmulator

__all__ = ["EmulatorTransport", "Fault", "Reply", "SymblEmulator"]
