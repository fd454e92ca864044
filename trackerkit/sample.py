"""The bundled sample account (see ``trackerkit/data/README.md``, its data card), read straight
from the package data: no server, no client.

:func:`sample_payload` is the raw file (the API's list-all response, which the emulator serves
for the client path: :func:`trackerkit.emulator.sample_client`); :func:`sample_trackers` is the
parsed records, which ``load_trackers("sample")`` turns into the trackers frame.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from trackerkit.model import Tracker, parse_trackers

__all__ = ["sample_payload", "sample_trackers"]


@lru_cache(maxsize=1)
def _sample_text() -> str:
    return resources.files("trackerkit.data").joinpath("sample_account.json").read_text("utf-8")


@lru_cache(maxsize=1)
def _parsed() -> tuple[Tracker, ...]:
    return tuple(parse_trackers(json.loads(_sample_text())))


def sample_payload() -> dict[str, Any]:
    """The sample account as the API's list-all response, ``{"trackers": [...]}`` (a fresh copy)."""
    return json.loads(_sample_text())


def sample_trackers() -> list[Tracker]:
    """The sample account's trackers, parsed from the package data (a new list each call; the
    records are immutable, so they are parsed once per process).

    >>> len(sample_trackers()) >= 40
    True
    """
    return list(_parsed())
