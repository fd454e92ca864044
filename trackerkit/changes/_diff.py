"""``diff_accounts``: what changed between two states of an account, one row per change."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

from trackerkit._rules import phrase_key
from trackerkit.changes._accounts import CONTENT_FIELDS, as_trackers, content

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DIFF_COLUMNS", "diff_accounts", "diff_rows"]

DIFF_COLUMNS = ["tracker_id", "tracker", "change", "field", "before", "after"]
#: rapidfuzz ratio (0..100) from which a removed and an added phrase are one edited phrase
EDIT_SIMILARITY = 80.0


def _pair_phrases(removed: list[str], added: list[str], similarity: float) -> list[tuple[str, str]]:
    """Pairs (old, new) read as edits: same normalized form first, then the most similar
    (rapidfuzz ratio >= ``similarity``); ties go to the earlier old, then the earlier new phrase."""
    from rapidfuzz import fuzz  # lazy: heavy

    pairs: list[tuple[str, str]] = []
    free_old = list(range(len(removed)))
    free_new = list(range(len(added)))
    for i in list(free_old):
        match = next((j for j in free_new if phrase_key(added[j]) == phrase_key(removed[i])), None)
        if match is not None:
            pairs.append((removed[i], added[match]))
            free_old.remove(i)
            free_new.remove(match)
    scored = sorted(
        ((-fuzz.ratio(removed[i], added[j]), i, j) for i in free_old for j in free_new),
    )
    used_old: set[int] = set()
    used_new: set[int] = set()
    for negative, i, j in scored:
        if -negative < similarity:
            break
        if i in used_old or j in used_new:
            continue
        used_old.add(i)
        used_new.add(j)
        pairs.append((removed[i], added[j]))
    return pairs


def _minus(items: list[str], taken: list[str]) -> list[str]:
    """``items`` without one occurrence of each of ``taken`` (from the end), order kept."""
    left = Counter(taken)
    out: list[str] = []
    for item in reversed(items):
        if left[item] > 0:
            left[item] -= 1
        else:
            out.append(item)
    return out[::-1]


def diff_rows(before: Any, after: Any, *, similarity: float = EDIT_SIMILARITY) -> list[dict[str, Any]]:
    """The rows of :func:`diff_accounts` as plain dicts (no pandas)."""
    old = {t.id: t for t in as_trackers(before)}
    new = {t.id: t for t in as_trackers(after)}
    rows: list[dict[str, Any]] = []

    def row(t: Any, change: str, field: str | None = None, was: Any = None, now: Any = None) -> None:
        rows.append(
            {
                "tracker_id": t.id,
                "tracker": t.name,
                "change": change,
                "field": field,
                "before": was,
                "after": now,
            }
        )

    for tid, t in old.items():
        if tid not in new:
            row(t, "tracker removed", None, t.name, None)
    for tid, t in new.items():
        if tid not in old:
            row(t, "tracker added", None, None, t.name)
            continue
        was_tracker = old[tid]
        was, now = content(was_tracker) or {}, content(t) or {}
        if was_tracker.name != t.name:
            row(t, "tracker renamed", "name", was_tracker.name, t.name)
        for field in [*CONTENT_FIELDS[2:], *sorted((set(was) | set(now)) - set(CONTENT_FIELDS))]:
            if was.get(field) != now.get(field):
                row(t, "field changed", field, was.get(field), now.get(field))
        old_phrases, new_phrases = list(was_tracker.vocabulary), list(t.vocabulary)
        removed = _minus(old_phrases, new_phrases)  # as multisets: a dropped duplicate counts
        added = _minus(new_phrases, old_phrases)
        pairs = _pair_phrases(removed, added, similarity)
        for a, b in pairs:
            row(t, "phrase edited", "vocabulary", a, b)
        for p in _minus(removed, [a for a, _ in pairs]):
            row(t, "phrase removed", "vocabulary", p, None)
        for p in _minus(added, [b for _, b in pairs]):
            row(t, "phrase added", "vocabulary", None, p)
    return rows


def diff_accounts(before: Any, after: Any, *, similarity: float = EDIT_SIMILARITY) -> pd.DataFrame:
    """What changed from ``before`` to ``after``: one row per change.

    Both sides may be tracker records, API payloads, snapshot paths or trackers frames (an
    account edited in pandas). Trackers are matched by id, so a new name on the same id is a
    rename. Changes: ``tracker added``, ``tracker removed``, ``tracker renamed``, ``field
    changed`` (description, categories, languages, unknown fields), ``phrase added``,
    ``phrase removed``, ``phrase edited`` (a removed and an added phrase paired because they
    are equal once case-folded and spaces collapsed, or rapidfuzz ratio >= ``similarity``, so a
    typo fix reads as one edit). Columns: ``tracker_id, tracker, change, field, before, after``.
    Order: trackers removed (in ``before`` order), then every tracker of ``after`` in its order
    with its changes (rename, fields, edits, removals, additions, each in phrase order).

    Examples
    --------
    >>> a = [{"id": "1", "name": "Greeting", "vocabulary": ["helo there", "hi"]}]
    >>> b = [{"id": "1", "name": "Greeting", "vocabulary": ["hello there", "hey"]}]
    >>> for row in diff_accounts(a, b)[["change", "before", "after"]].values.tolist():
    ...     print(row)
    ['phrase edited', 'helo there', 'hello there']
    ['phrase removed', 'hi', None]
    ['phrase added', None, 'hey']
    """
    import pandas as pd  # lazy: heavy

    # object columns: "before" and "after" hold text, lists or None, and None must stay None
    # (pandas 3 would make text columns its string dtype, None becoming NaN)
    return pd.DataFrame(diff_rows(before, after, similarity=similarity), columns=DIFF_COLUMNS, dtype=object)
