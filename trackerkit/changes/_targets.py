"""Targets for a change plan built from intentions: drop phrases, merge trackers, fix what an
audit found."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from trackerkit._rules import phrase_key
from trackerkit._validation import check_subset
from trackerkit.changes._accounts import as_trackers
from trackerkit.changes._plan import Plan, plan_changes
from trackerkit.errors import InvalidParameterError, TrackerNotFoundError
from trackerkit.model import Tracker

__all__ = ["FIX_RULES", "drop_phrases", "fixes_from_audit", "merge_trackers"]

#: audit rules :func:`fixes_from_audit` knows how to fix, in the order it applies them
FIX_RULES = (
    "forbidden_characters",
    "typo",
    "duplicate_phrase_exact",
    "duplicate_phrase_normalized",
    "empty_phrase",
)
_BRACKETS = re.compile(r"[()\[\]{}<>\x00-\x1f\x7f-\x9f]")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.!?;:])")
_TYPO = re.compile(r"^'(?P<wrong>[^']+)'.*?looks like '(?P<right>[^']+)'")


def _find(trackers: list[Tracker], key: str) -> Tracker:
    for t in trackers:
        if t.id == key:
            return t
    named = [t for t in trackers if t.name == key]
    if len(named) != 1:
        raise TrackerNotFoundError(f"no single tracker with id or name {key!r} ({len(named)} found)")
    return named[0]


def _dedupe(phrases: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for p in phrases:
        key = phrase_key(p)
        if key and key not in seen:
            seen.add(key)
            out.append(p)
    return out


def drop_phrases(account: Any, drops: Mapping[str, Iterable[str]]) -> list[dict[str, Any]]:
    """The account (as API-shaped dicts) without the phrases ``drops`` lists per tracker (name
    or id -> phrases, e.g. dead ones from hit analytics). Unknown phrases raise, so a stale list
    is noticed.

    >>> account = [{"id": "1", "name": "Hi", "vocabulary": ["hello", "yo"]}]
    >>> drop_phrases(account, {"Hi": ["yo"]})[0]["vocabulary"]
    ['hello']
    """
    trackers = as_trackers(account)
    out = {t.id: t.to_dict() for t in trackers}
    for key, phrases in drops.items():
        t = _find(trackers, key)
        phrases = [phrases] if isinstance(phrases, str) else list(phrases)
        unknown = [p for p in phrases if p not in t.vocabulary]
        if unknown:
            raise InvalidParameterError(f"tracker {t.name!r} has no phrase {unknown[0]!r}", parameter="drops")
        out[t.id]["vocabulary"] = [p for p in t.vocabulary if p not in set(phrases)]
    return list(out.values())


def merge_trackers(
    account: Any, keep: str, others: Iterable[str], *, name: str | None = None
) -> list[dict[str, Any]]:
    """The account with the trackers ``others`` (names or ids) merged into ``keep``: their
    phrases appended to its vocabulary (duplicates dropped, first kept), the others removed,
    ``keep`` renamed to ``name`` if given.

    >>> account = [{"id": "1", "name": "A", "vocabulary": ["x"]},
    ...            {"id": "2", "name": "B", "vocabulary": ["X", "y"]}]
    >>> merge_trackers(account, "A", ["B"])
    [{'id': '1', 'name': 'A', 'vocabulary': ['x', 'y']}]
    """
    trackers = as_trackers(account)
    kept = _find(trackers, keep)
    merged = [_find(trackers, k) for k in ([others] if isinstance(others, str) else others)]
    if any(t.id == kept.id for t in merged):
        raise InvalidParameterError("a tracker cannot be merged into itself", parameter="others")
    gone = {t.id for t in merged}
    out = []
    for t in trackers:
        if t.id in gone:
            continue
        data = t.to_dict()
        if t.id == kept.id:
            data["vocabulary"] = _dedupe([*t.vocabulary, *(p for m in merged for p in m.vocabulary)])
            if name is not None:
                data["name"] = name
        out.append(data)
    return out


def fixes_from_audit(account: Any, findings: Any, *, rules: Iterable[str] = FIX_RULES) -> Plan:
    """The plan fixing what :func:`trackerkit.audit` found on ``account``, for ``rules``:
    ``forbidden_characters`` (brackets and control characters removed, spaces tidied),
    ``typo`` (the word replaced by the one the finding suggests), ``duplicate_phrase_exact`` and
    ``duplicate_phrase_normalized`` (the later copy dropped), ``empty_phrase`` (dropped). A fix
    that makes two phrases equal keeps the first. Each operation's reason lists its findings.

    ``findings`` is the audit frame (columns ``tracker_id``, ``rule``, ``phrase``, ``detail``,
    ``position``) or its records.

    >>> account = [{"id": "1", "name": "Hi", "vocabulary": ["hello", "Hello", "hi", "hey", "yo", "hiya"]}]
    >>> findings = [{"tracker_id": "1", "rule": "duplicate_phrase_normalized", "phrase": "Hello",
    ...              "detail": "equal to 'hello'", "position": 1}]
    >>> fixes_from_audit(account, findings).operations[0].after["vocabulary"]
    ['hello', 'hi', 'hey', 'yo', 'hiya']
    """
    chosen = check_subset("rules", rules, FIX_RULES, item="rule")
    records = findings.to_dict("records") if hasattr(findings, "to_dict") else list(findings)
    trackers = as_trackers(account)
    by_id = {t.id: list(t.vocabulary) for t in trackers}
    original_of = {t.id: t.vocabulary for t in trackers}
    dropped: dict[str, set[int]] = {}
    reasons: dict[str, list[str]] = {}
    for rule in [r for r in FIX_RULES if r in chosen]:
        for f in records:
            tid = str(f.get("tracker_id"))
            position = f.get("position")
            if f.get("rule") != rule or tid not in by_id or position is None or position != position:
                continue
            position = int(position)
            phrases = by_id[tid]
            original = original_of[tid]
            if position >= len(original) or original[position] != f.get("phrase"):
                continue  # the finding does not describe this account: skip it
            if rule == "forbidden_characters":
                tidy = " ".join(_BRACKETS.sub(" ", phrases[position]).split())
                phrases[position] = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", tidy)
            elif rule == "typo":
                match = _TYPO.match(str(f.get("detail", "")))
                if not match:
                    continue
                pattern = r"(?<!\w)" + re.escape(match["wrong"]) + r"(?!\w)"
                phrases[position] = re.sub(pattern, match["right"], phrases[position])
            else:
                dropped.setdefault(tid, set()).add(position)
            reasons.setdefault(tid, []).append(f"{rule} at {position}")
    target = []
    names = {}
    for t in trackers:
        data = t.to_dict()
        if t.id in reasons:
            kept = [p for i, p in enumerate(by_id[t.id]) if i not in dropped.get(t.id, set())]
            data["vocabulary"] = _dedupe(kept)
            names[t.name] = "audit fixes: " + ", ".join(reasons[t.id])
        target.append(data)
    return plan_changes(trackers, target, reasons=names)
