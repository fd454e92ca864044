"""The tracker record and the parsing of every payload shape the Symbl API and its docs show.

>>> from trackerkit import Tracker, parse_trackers
>>> [t.name for t in parse_trackers({"tracker": {"id": "1", "name": "Hi", "vocabulary": ["hello"]}})]
['Hi']
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from trackerkit.errors import TrackerDataError

__all__ = ["Tracker", "parse_trackers"]

# API field name -> attribute name, for the optional fields trackerkit knows.
_OPTIONAL_STR = {"description": "description", "createdOn": "created_on", "updatedOn": "updated_on"}
_OPTIONAL_LIST = {"categories": "categories", "languages": "languages"}
_KNOWN = {"id", "name", "vocabulary", *_OPTIONAL_STR, *_OPTIONAL_LIST}


@dataclass(frozen=True, slots=True)
class Tracker:
    """One Symbl tracker: an immutable record that keeps everything the API sent.

    ``id`` is always a string (ids are 16+ digit numbers, never parse them as ints);
    ``vocabulary`` keeps the phrases in order, duplicates included; ``extra`` holds every
    field trackerkit does not know, so a snapshot loses nothing.

        >>> t = Tracker.from_dict({"id": 4476908732794496, "name": "Promo", "vocabulary": ["a sale"]})
        >>> t.id, t.vocabulary
        ('4476908732794496', ('a sale',))
    """

    id: str
    name: str
    vocabulary: tuple[str, ...] = ()
    description: str | None = None
    categories: tuple[str, ...] | None = None
    languages: tuple[str, ...] | None = None
    created_on: str | None = None
    updated_on: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # A read-only view, so the record stays immutable all the way down.
        object.__setattr__(self, "extra", MappingProxyType(dict(self.extra)))

    @classmethod
    def from_dict(cls, data: Any, *, index: int | None = None) -> Tracker:
        """Build a tracker from one API object, raising :class:`TrackerDataError` naming the entry."""
        if not isinstance(data, Mapping):
            raise TrackerDataError(f"expected a tracker object, got {type(data).__name__}", index=index)
        tracker_id = _parse_id(data.get("id"), index)
        name = data.get("name")
        if not isinstance(name, str) or not name.strip():
            what = "missing" if name is None else f"not a non-empty string ({name!r})"
            raise TrackerDataError(f"name is {what}", index=index, tracker_id=tracker_id, field="name")
        vocabulary = _parse_str_list(data.get("vocabulary", None), "vocabulary", index, tracker_id)
        if vocabulary is None:
            raise TrackerDataError(
                "vocabulary is missing", index=index, tracker_id=tracker_id, field="vocabulary"
            )
        optional: dict[str, Any] = {}
        for api_name, attr in _OPTIONAL_STR.items():
            value = data.get(api_name)
            if value is not None and not isinstance(value, str):
                raise TrackerDataError(
                    f"expected a string, got {type(value).__name__}",
                    index=index,
                    tracker_id=tracker_id,
                    field=api_name,
                )
            optional[attr] = value
        for api_name, attr in _OPTIONAL_LIST.items():
            optional[attr] = _parse_str_list(data.get(api_name), api_name, index, tracker_id)
        extra = {k: v for k, v in data.items() if k not in _KNOWN}
        return cls(id=tracker_id, name=name, vocabulary=vocabulary, extra=extra, **optional)

    def to_dict(self) -> dict[str, Any]:
        """The API-shaped object (camelCase keys, unknown fields merged back), JSON-ready."""
        out: dict[str, Any] = {"id": self.id, "name": self.name, "vocabulary": list(self.vocabulary)}
        for api_name, attr in {**_OPTIONAL_STR, **_OPTIONAL_LIST}.items():
            value = getattr(self, attr)
            if value is not None:
                out[api_name] = list(value) if isinstance(value, tuple) else value
        out.update(self.extra)
        return out

    def __repr__(self) -> str:
        return f"Tracker(id={self.id!r}, name={self.name!r}, {len(self.vocabulary)} phrases)"


def _parse_id(value: Any, index: int | None) -> str:
    if isinstance(value, bool) or value is None:
        what = "missing" if value is None else f"a boolean ({value!r})"
        raise TrackerDataError(f"id is {what}", index=index, field="id")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    raise TrackerDataError(
        f"id must be a non-empty string, got {type(value).__name__} {value!r}", index=index, field="id"
    )


def _parse_str_list(
    value: Any, field_name: str, index: int | None, tracker_id: str | None
) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Iterable) or isinstance(value, Mapping):
        raise TrackerDataError(
            f"expected a list of strings, got {type(value).__name__}",
            index=index,
            tracker_id=tracker_id,
            field=field_name,
        )
    items = tuple(value)
    for position, item in enumerate(items):
        if not isinstance(item, str):
            raise TrackerDataError(
                f"item {position} is {type(item).__name__} {item!r}, not a string",
                index=index,
                tracker_id=tracker_id,
                field=field_name,
            )
    return items


def parse_trackers(payload: Any) -> list[Tracker]:
    """Parse any payload shape the API shows into trackers, keeping their order.

    Accepted: ``{"tracker": {...}}`` (GET by id), ``{"trackers": [...]}`` (list / by name),
    a bare list of tracker objects, a bare tracker object, or an iterable of :class:`Tracker`.
    Duplicate ids raise :class:`TrackerDataError`.

        >>> len(parse_trackers([{"id": "1", "name": "A", "vocabulary": []}]))
        1
    """
    if isinstance(payload, Mapping):
        if "trackers" in payload:
            entries = payload["trackers"]
            if not isinstance(entries, list):
                raise TrackerDataError(
                    f"'trackers' must be a list, got {type(entries).__name__}", field="trackers"
                )
        elif "tracker" in payload:
            entries = [payload["tracker"]]
        elif "id" in payload or "vocabulary" in payload:
            entries = [payload]
        else:
            keys = ", ".join(repr(k) for k in list(payload)[:8]) or "none"
            raise TrackerDataError(
                "not a trackers payload: expected 'trackers', 'tracker' or a tracker object "
                f"with 'id', 'name', 'vocabulary'; found keys {keys}"
            )
    elif isinstance(payload, (list, tuple)) or (
        isinstance(payload, Iterable) and not isinstance(payload, (str, bytes))
    ):
        entries = list(payload)
    else:
        raise TrackerDataError(f"not a trackers payload: got {type(payload).__name__}")

    trackers: list[Tracker] = []
    seen: dict[str, int] = {}
    for index, entry in enumerate(entries):
        tracker = entry if isinstance(entry, Tracker) else Tracker.from_dict(entry, index=index)
        if tracker.id in seen:
            raise TrackerDataError(
                f"duplicate id: entry {seen[tracker.id]} has the same id",
                index=index,
                tracker_id=tracker.id,
                field="id",
            )
        seen[tracker.id] = index
        trackers.append(tracker)
    return trackers
