"""Type aliases of the public API.

``TrackersLike`` is anything :func:`trackerkit.load_trackers` accepts: the name ``"sample"``,
a path to a snapshot or a saved API response, a trackers frame, a list of
:class:`trackerkit.Tracker` or of API-shaped dicts, an API response dict, or a client.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Union

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit.api import AsyncSymblClient, SymblClient
    from trackerkit.model import Tracker

__all__ = ["TrackerKey", "TrackersLike"]

#: Anything that loads as an account's trackers (see the module docs).
TrackersLike = Union[
    "pd.DataFrame",
    str,
    os.PathLike,
    "Sequence[Tracker | Mapping[str, Any]]",
    Mapping[str, Any],
    "SymblClient",
    "AsyncSymblClient",
]
#: A tracker, designated by its id or by its name (exact, or unique case-insensitively).
TrackerKey = str | int
