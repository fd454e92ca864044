"""Symbl's rules for writing trackers, in one place: the emulator enforces them, change plans
check them before anything is sent.

What the public docs say (see the "Writing trackers" notes): 5 to 50 phrases, no duplicate
phrase within a tracker, a restricted character set, a request body up to 1 MB, up to 500
trackers per account, names unique per account and case-sensitive ("Foo" and "foo" may both
exist). Choices where the docs are vague, written down here:

* duplicates are compared after case folding and collapsing whitespace (``"Hi  there"`` and
  ``"hi there"`` are the same phrase to a matcher);
* characters: the newer rule (the default, ``punctuation="newer"``) rejects brackets
  ``()[]{}<>`` and control characters; ``punctuation="older"`` allows only letters, digits,
  spaces and ``.`` ``'`` ``-``.

    >>> [v.rule for v in tracker_violations({"name": "A", "vocabulary": ["x", "x", "y (z)"]})]
    ['phrase_count', 'duplicate_phrase', 'characters']
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

__all__ = [
    "MAX_BODY_BYTES",
    "MAX_PHRASES",
    "MAX_TRACKERS",
    "MIN_PHRASES",
    "Violation",
    "body_size",
    "phrase_key",
    "tracker_violations",
]

MIN_PHRASES = 5
MAX_PHRASES = 50
MAX_TRACKERS = 500
MAX_BODY_BYTES = 1024 * 1024
_NEWER_REJECTED = re.compile(r"[()\[\]{}<>\x00-\x1f\x7f-\x9f]")
_OLDER_ALLOWED = re.compile(r"[\w .'\-]*")  # \w: letters and digits of any script, and _
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Violation:
    """One broken rule: which tracker (name), which ``rule``, and a readable ``message``."""

    tracker: str
    rule: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return {"tracker": self.tracker, "rule": self.rule, "message": self.message}


def phrase_key(phrase: str) -> str:
    """The form two phrases are compared in for duplicates: case-folded, spaces collapsed."""
    return _SPACES.sub(" ", phrase.casefold()).strip()


def body_size(body: Any) -> int:
    """Bytes of ``body`` as the client sends it (compact UTF-8 JSON)."""
    return len(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _bad_characters(phrase: str, punctuation: str) -> str:
    if punctuation == "older":
        return "".join(sorted({c for c in phrase if not _OLDER_ALLOWED.fullmatch(c) or c == "_"}))
    return "".join(sorted(set(_NEWER_REJECTED.findall(phrase))))


def tracker_violations(
    tracker: Mapping[str, Any], *, punctuation: str = "newer", require: Iterable[str] = ()
) -> list[Violation]:
    """Every rule the tracker body ``tracker`` (API-shaped) breaks, in a fixed order.

    ``require`` names fields that must be present (the newer create requires ``categories``
    and ``languages``).
    """
    name = tracker.get("name")
    label = name if isinstance(name, str) else "?"
    out: list[Violation] = []
    if not isinstance(name, str) or not name.strip():
        out.append(Violation(label, "name", "name must be a non-empty string"))
    for field_name in require:
        if field_name not in tracker:
            out.append(Violation(label, "required", f"{field_name} is required"))
    for field_name in ("categories", "languages"):
        value = tracker.get(field_name)
        if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
            out.append(Violation(label, "type", f"{field_name} must be a list of strings"))
    description = tracker.get("description")
    if description is not None and not isinstance(description, str):
        out.append(Violation(label, "type", "description must be a string"))
    vocabulary = tracker.get("vocabulary")
    if not isinstance(vocabulary, list) or not all(isinstance(p, str) for p in vocabulary):
        out.append(Violation(label, "vocabulary", "vocabulary must be a list of strings"))
        return out
    if not MIN_PHRASES <= len(vocabulary) <= MAX_PHRASES:
        out.append(
            Violation(
                label,
                "phrase_count",
                f"vocabulary must hold {MIN_PHRASES} to {MAX_PHRASES} phrases, has {len(vocabulary)}",
            )
        )
    seen: dict[str, str] = {}
    for phrase in vocabulary:
        key = phrase_key(phrase)
        if not key:
            out.append(Violation(label, "empty_phrase", "a phrase is empty"))
        elif key in seen:
            out.append(
                Violation(label, "duplicate_phrase", f"duplicate phrase {phrase!r} (same as {seen[key]!r})")
            )
        else:
            seen[key] = phrase
    for phrase in vocabulary:
        bad = _bad_characters(phrase, punctuation)
        if bad:
            out.append(
                Violation(label, "characters", f"phrase {phrase!r} holds characters not allowed: {bad!r}")
            )
    return out
