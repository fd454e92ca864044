"""The tracker record and the parsing of every payload shape the Symbl API and its docs show.

>>> from trackerkit import Tracker, parse_trackers
>>> [t.name for t in parse_trackers({"tracker": {"id": "1", "name": "Hi", "vocabulary": ["hello"]}})]
['Hi']
"""

from __future__ import annotations

import math
import re
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
_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True, slots=True)
class Tracker:
    """One Symbl tracker: an immutable record that keeps everything the API sent.

    ``id`` is always a string (ids are 16+ digit numbers, never parse them as ints);
    ``vocabulary`` keeps the phrases in order, duplicates included; ``extra`` holds every
    field trackerkit does not know, so a snapshot loses nothing.

    :meth:`from_dict` refuses what strict JSON cannot carry, so whatever loads can be saved
    and read back: a lone surrogate (``"\\ud800"`` in a JSON file) in any text, and ``NaN`` or
    ``Infinity`` (which Python's ``json`` accepts) anywhere, raise :class:`TrackerDataError`
    naming the entry and the field; nothing is replaced silently.

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
        for key, value in data.items():
            if isinstance(key, str) and _SURROGATE.search(key):
                problem: tuple[str, str] | None = ("", "the field name holds a lone surrogate")
            else:
                problem = strict_json_problem(value)
            if problem is not None:
                raise TrackerDataError(
                    f"{problem[1]}; strict JSON cannot hold it, so the tracker could not be saved and "
                    "read back: fix it where it comes from",
                    index=index,
                    tracker_id=tracker_id,
                    field=f"{key}{problem[0]}",
                )
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


def strict_json_problem(value: Any, *, any_type: bool = False) -> tuple[str, str] | None:
    """Where and why strict JSON (RFC 8259, in UTF-8) cannot hold ``value``: ``(path, problem)``
    for the first offending part in document order (``path`` like ``"[2]"`` or ``".unit"``,
    relative to ``value``), or ``None`` when it can.

    Offending: a string with a lone surrogate and a float that is NaN or infinite; with
    ``any_type``, also anything ``json.dumps`` cannot write (sets, dates, custom objects).

        >>> strict_json_problem({"ok": [1.5, "fine"], "bad": float("nan")})
        ('.bad', 'NaN (not a number)')
        >>> strict_json_problem(["a", "b\\ud800c"])
        ('[1]', 'a lone surrogate U+D800 at character 1 (not valid Unicode)')
    """
    stack: list[tuple[str, Any]] = [("", value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, str):
            if not item.isascii():
                found = _SURROGATE.search(item)
                if found is not None:
                    code = ord(found.group())
                    return (
                        path,
                        f"a lone surrogate U+{code:04X} at character {found.start()} (not valid Unicode)",
                    )
        elif isinstance(item, float):
            if not math.isfinite(item):
                return path, "NaN (not a number)" if item != item else f"{item} (not a finite number)"
        elif item is None or isinstance(item, (bool, int)):
            continue
        elif isinstance(item, Mapping):
            if any_type and not isinstance(item, dict):
                return path, f"a {type(item).__name__}, which JSON cannot hold"
            children = []
            for key, child in item.items():
                if isinstance(key, str) and not key.isascii() and _SURROGATE.search(key):
                    return path, "a key holding a lone surrogate (not valid Unicode)"
                if any_type and not (key is None or isinstance(key, (str, int, float, bool))):
                    return path, f"a key of type {type(key).__name__}, which JSON cannot hold"
                children.append((f"{path}.{key}", child))
            stack.extend(reversed(children))
        elif isinstance(item, (list, tuple)):
            try:  # a list of strings (a vocabulary) is checked at C speed, in one piece
                joined = "".join(item)
            except TypeError:
                joined = None
            if joined is not None and (joined.isascii() or not _SURROGATE.search(joined)):
                continue
            stack.extend((f"{path}[{k}]", item[k]) for k in range(len(item) - 1, -1, -1))
        elif any_type:
            return path, f"a {type(item).__name__}, which JSON cannot hold"
    return None


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
