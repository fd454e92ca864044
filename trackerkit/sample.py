"""The bundled sample account (see ``trackerkit/data/README.md``, its data card).

It is served by the embedded :class:`trackerkit.emulator.SymblEmulator` and fetched with the
real :class:`trackerkit.SymblClient`, so offline demos exercise the same code as a live
account. :func:`sample_payload` is the raw file, which the emulator serves.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from trackerkit.model import Tracker

if TYPE_CHECKING:
    from trackerkit.api import SymblClient
    from trackerkit.emulator import SymblEmulator

__all__ = ["sample_client", "sample_emulator", "sample_payload", "sample_trackers"]


@lru_cache(maxsize=1)
def _sample_text() -> str:
    return resources.files("trackerkit.data").joinpath("sample_account.json").read_text("utf-8")


def sample_payload() -> dict[str, Any]:
    """The sample account as the API's list-all response, ``{"trackers": [...]}`` (a fresh copy)."""
    return json.loads(_sample_text())


@lru_cache(maxsize=1)
def _emulator_and_token() -> tuple[SymblEmulator, str]:
    from trackerkit.emulator import SymblEmulator

    emulator = SymblEmulator(sample_payload())
    return emulator, emulator.issue_token()  # never expires


def sample_emulator() -> SymblEmulator:
    """The in-process emulator serving the sample account (one per process)."""
    return _emulator_and_token()[0]


def sample_client() -> SymblClient:
    """A :class:`trackerkit.SymblClient` connected to the sample account, without a network.

    >>> with sample_client() as client:
    ...     client.find_trackers("Voice Message")[0].name
    'Voice Message'
    """
    from trackerkit.api import SymblClient

    emulator, token = _emulator_and_token()
    return SymblClient(token=token, transport=emulator.transport(), max_retries=0)


def sample_trackers() -> list[Tracker]:
    """The sample account's trackers, fetched through the client from the embedded emulator.

    >>> len(sample_trackers()) >= 40
    True
    """
    with sample_client() as client:
        return client.list_trackers()
