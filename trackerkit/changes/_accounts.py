"""Reading "an account" from whatever the user holds: records, API payloads, snapshot files,
trackers frames (pandas only when given one)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from trackerkit.frames import frame_to_trackers
from trackerkit.model import Tracker, parse_trackers
from trackerkit.snapshot import read_trackers_file

#: the fields a change plan compares and writes (never createdOn / updatedOn)
CONTENT_FIELDS = ("name", "vocabulary", "description", "categories", "languages")


def as_trackers(source: Any) -> list[Tracker]:
    """``source`` (trackers, dicts, an API payload, a snapshot path, a trackers frame) as records;
    a tracker without an id (one to create) gets the placeholder id ``new-N`` (N: its position)."""
    if isinstance(source, (str, os.PathLike)):
        return read_trackers_file(Path(source))
    if type(source).__module__.split(".")[0] == "pandas":
        return frame_to_trackers(source)
    if isinstance(source, (list, tuple)) and all(isinstance(t, Tracker) for t in source):
        return list(source)
    if isinstance(source, Mapping) and isinstance(source.get("trackers"), list):
        source = source["trackers"]
    if isinstance(source, (list, tuple)):
        # A tracker still to be created has no id yet: a placeholder, never a real (digits) id.
        source = [
            {**t, "id": f"new-{n}"} if isinstance(t, Mapping) and t.get("id") in (None, "") else t
            for n, t in enumerate(source)
        ]
    return parse_trackers(source)


def content(tracker: Tracker | dict[str, Any] | None) -> dict[str, Any] | None:
    """The comparable content of a tracker: the content fields present, lists as lists, plus
    unknown fields (kept so a write loses nothing), without id and timestamps."""
    if tracker is None:
        return None
    data = tracker.to_dict() if isinstance(tracker, Tracker) else dict(tracker)
    return {
        k: (list(v) if isinstance(v, (list, tuple)) else v)
        for k, v in data.items()
        if k not in ("id", "createdOn", "updatedOn") and v is not None
    }
