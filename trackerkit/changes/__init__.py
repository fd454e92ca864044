"""From findings to fixes: diff two states of an account, plan the writes that turn one into
the other, review them, and apply them safely (backup, one write at a time, verification,
rollback).

* :func:`diff_accounts`: one row per change (tracker added/removed/renamed, field changed,
  phrase added/removed/edited).
* :func:`plan_changes`: a :class:`Plan` (JSON round trip, :meth:`Plan.preview`,
  :meth:`Plan.violations`, :meth:`Plan.inverse`); :func:`drop_phrases`, :func:`fixes_from_audit`
  build targets.
* :func:`apply_plan` (also ``client.apply(plan, confirm=True)``) and :func:`apply_plan_async`
  (``await async_client.apply(plan, confirm=True)``): an :class:`ApplyReport`.

    >>> before = [{"id": "1", "name": "Hi", "vocabulary": ["hello", "hi", "hey", "yo", "hiya"]}]
    >>> plan = plan_changes(before, drop_phrases(before, {"Hi": ["yo"]}))
    >>> print(plan.preview().lines[1])
        phrase removed: 'yo'
"""

from __future__ import annotations

from trackerkit.changes._apply import ApplyReport, OperationResult, apply_plan, apply_plan_async
from trackerkit.changes._diff import diff_accounts
from trackerkit.changes._plan import Operation, Plan, Preview, Request, plan_changes
from trackerkit.changes._targets import drop_phrases, fixes_from_audit, merge_trackers

__all__ = [
    "ApplyReport",
    "Operation",
    "OperationResult",
    "Plan",
    "Preview",
    "Request",
    "apply_plan",
    "apply_plan_async",
    "diff_accounts",
    "drop_phrases",
    "fixes_from_audit",
    "merge_trackers",
    "plan_changes",
]
