"""The bundled sample account (see ``trackerkit/data/README.md``, its data card)."""

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


def sample_payload() -> dict[str, Any]:
    """The sample account as the API's list-all response, ``{"trackers": [...]}`` (a fresh copy)."""
    return json.loads(_sample_text())


def sample_trackers() -> list[Tracker]:
    """The sample account's trackers.

    >>> len(sample_trackers()) >= 40
    True
    """
    return parse_trackers(sample_payload())
