"""The change plan: typed, serialisable operations with reasons, checked against Symbl's rules
before anything is sent, previewed as the exact requests and a human diff."""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from trackerkit._rules import MAX_BODY_BYTES, MAX_TRACKERS, Violation, body_size, tracker_violations
from trackerkit._validation import check_choice
from trackerkit.changes._accounts import as_trackers, content
from trackerkit.changes._apply import apply_plan, apply_plan_async
from trackerkit.changes._diff import diff_rows
from trackerkit.errors import InvalidParameterError

__all__ = ["Operation", "Plan", "Preview", "Request", "plan_changes"]

PLAN_FORMAT = "trackerkit-change-plan/1"
KINDS = ("delete", "update", "create")  # the order a plan runs them in (frees names first)
ROUTES = ("legacy", "plural")


@dataclass(frozen=True)
class Operation:
    """One write: ``kind`` (create, update, delete), the tracker (``tracker_id``: None for a
    create, resolved by ``name`` after it), its content ``before`` (None for a create) and the
    intended content ``after`` (None for a delete), and why (``reason``)."""

    kind: str
    name: str
    tracker_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str = ""

    def __post_init__(self) -> None:
        check_choice("kind", self.kind, KINDS)
        if (self.kind == "create") != (self.before is None) or (self.kind == "delete") != (
            self.after is None
        ):
            raise InvalidParameterError(
                f"a {self.kind} needs before={'None' if self.kind == 'create' else 'content'} and "
                f"after={'None' if self.kind == 'delete' else 'content'}",
                parameter="before",
            )

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "name": self.name,
            "tracker_id": self.tracker_id,
            "before": self.before,
            "after": self.after,
            "reason": self.reason,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Operation:
        return cls(
            **{k: data.get(k) for k in ("kind", "name", "tracker_id", "before", "after")},
            reason=str(data.get("reason") or ""),
        )

    def request(self, route: str = "legacy", tracker_id: str | None = None) -> Request:
        """The exact request for this operation on the ``route`` generation ("legacy": POST
        /v1/manage/tracker, PUT /v1/manage/tracker/{id}; "plural": POST /v1/manage/trackers,
        PATCH /v1/manage/trackers/{id} with a JSON-patch array), DELETE on either."""
        route = check_choice("route", route, ROUTES)
        tid = tracker_id if tracker_id is not None else self.tracker_id
        if self.kind == "create":
            path = "/v1/manage/tracker" if route == "legacy" else "/v1/manage/trackers"
            return Request("POST", path, dict(self.after or {}))
        shown = quote(str(tid), safe="") if tid is not None else "{id of " + self.name + "}"
        path = ("/v1/manage/tracker/" if route == "legacy" else "/v1/manage/trackers/") + shown
        if self.kind == "delete":
            return Request("DELETE", path, None)
        if route == "legacy":
            return Request("PUT", path, {"id": tid, **(self.after or {})})
        before, after = self.before or {}, self.after or {}
        ops: list[dict[str, Any]] = []
        for key in after:
            if before.get(key) != after[key]:
                ops.append(
                    {"op": "replace" if key in before else "add", "path": f"/{key}", "value": after[key]}
                )
        for key in before:
            if key not in after:
                ops.append({"op": "remove", "path": f"/{key}"})
        return Request("PATCH", path, ops)


@dataclass(frozen=True)
class Request:
    """One HTTP request as it will be sent (no headers: they hold the token)."""

    method: str
    path: str
    body: Any

    def to_dict(self) -> dict[str, Any]:
        return {"method": self.method, "path": self.path, "body": self.body}


@dataclass
class Preview:
    """What a plan would send (``requests``) and a human diff (``lines``); text in a terminal,
    escaped HTML in a notebook."""

    requests: list[Request]
    lines: list[str]
    violations: list[Violation]

    def __str__(self) -> str:
        out = list(self.lines)
        out.append("")
        for r in self.requests:
            out.append(f"{r.method} {r.path}")
            if r.body is not None:
                out.append("  " + json.dumps(r.body, ensure_ascii=False))
        for v in self.violations:
            out.append(f"! {v.tracker}: {v.message}")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return "<pre>" + html.escape(str(self)) + "</pre>"


@dataclass
class Plan:
    """A reviewed list of writes (see :func:`plan_changes`): JSON round trip with
    :meth:`to_json` / :meth:`from_json`, :meth:`preview`, :meth:`violations`, :meth:`apply`,
    :meth:`inverse`.

    Examples
    --------
    >>> now = [{"id": "1", "name": "Hi", "vocabulary": ["a", "b", "c", "d", "e"]}]
    >>> target = [{"id": "1", "name": "Hi", "vocabulary": ["a", "b", "c", "d", "f"]}]
    >>> plan = plan_changes(now, target)
    >>> [op.kind for op in plan.operations], Plan.from_json(plan.to_json()) == plan
    (['update'], True)
    """

    operations: list[Operation] = field(default_factory=list)
    #: trackers in the account the plan was made from
    account_size: int = 0
    #: names of the account's trackers the plan does not touch (for name conflicts)
    other_names: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.operations)

    # -- serialisation ---------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "account_size": self.account_size,
            "other_names": list(self.other_names),
            "operations": [op.to_dict() for op in self.operations],
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=1)

    @classmethod
    def from_json(cls, text: str | bytes | Mapping[str, Any]) -> Plan:
        data = json.loads(text) if isinstance(text, (str, bytes)) else dict(text)
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            raise InvalidParameterError(f"not a {PLAN_FORMAT} document", parameter="text")
        return cls(
            operations=[Operation.from_dict(op) for op in data.get("operations", [])],
            account_size=int(data.get("account_size", 0)),
            other_names=[str(n) for n in data.get("other_names", [])],
        )

    # -- checks ----------------------------------------------------------------------------

    def violations(self, route: str = "legacy", *, punctuation: str = "newer") -> list[Violation]:
        """Every Symbl rule the plan would break, checked before anything is sent: phrase
        count, duplicates, characters, body size (1 MB), account size (500), and names: the
        intended account may not hold one name twice (case-sensitive: "Foo" and "foo" may)."""
        route = check_choice("route", route, ROUTES)
        out: list[Violation] = []
        for op in self.operations:
            if op.after is None:
                continue
            require = ("categories", "languages") if route == "plural" and op.kind == "create" else ()
            out.extend(tracker_violations(op.after, punctuation=punctuation, require=require))
            size = body_size(op.request(route, op.tracker_id or "0").body)
            if size > MAX_BODY_BYTES:
                out.append(Violation(op.name, "body_size", f"request body of {size} bytes exceeds 1 MB"))
        creates = sum(op.kind == "create" for op in self.operations)
        deletes = sum(op.kind == "delete" for op in self.operations)
        if self.account_size - deletes + creates > MAX_TRACKERS:
            out.append(
                Violation(
                    "",
                    "tracker_count",
                    f"the account would hold {self.account_size - deletes + creates} "
                    f"trackers; Symbl allows {MAX_TRACKERS}",
                )
            )
        return out + self._name_conflicts()

    def _name_conflicts(self) -> list[Violation]:
        final = Counter(self.other_names)  # the account's names the plan does not touch...
        final.update(
            op.after["name"] for op in self.operations if op.after is not None
        )  # ...and the new ones
        return [
            Violation(name, "name_conflict", f"{final[name]} trackers would be named {name!r}")
            for name in sorted(final)
            if final[name] > 1
        ]

    # -- review ----------------------------------------------------------------------------

    def preview(self, route: str = "legacy") -> Preview:
        """The exact requests (method, path, body; ids of trackers still to be created shown as
        ``{id of NAME}``) and a human diff, one line per change."""
        lines: list[str] = []
        for op in self.operations:
            lines.append(
                f"{op.kind} {op.name!r}"
                + (f" (id {op.tracker_id})" if op.tracker_id else "")
                + (f": {op.reason}" if op.reason else "")
            )
            before = [{"id": op.tracker_id or "new", **op.before}] if op.before else []
            after = [{"id": op.tracker_id or "new", **op.after}] if op.after else []
            for r in diff_rows(before, after):
                if r["change"] in ("tracker added", "tracker removed"):
                    continue
                was = "" if r["before"] is None else f"{r['before']!r}"
                now = "" if r["after"] is None else f"{r['after']!r}"
                lines.append(f"    {r['change']}: {was}{' -> ' if was and now else ''}{now}")
        return Preview([op.request(route) for op in self.operations], lines, self.violations(route))

    def _repr_html_(self) -> str:
        return self.preview()._repr_html_()

    # -- running ---------------------------------------------------------------------------

    def apply(self, client: Any, *, confirm: bool = False, backup_dir: Any = None, **options: Any) -> Any:
        """:func:`trackerkit.changes.apply_plan` of this plan."""
        return apply_plan(client, self, confirm=confirm, backup_dir=backup_dir, **options)

    async def apply_async(
        self, client: Any, *, confirm: bool = False, backup_dir: Any = None, **options: Any
    ) -> Any:
        """:func:`trackerkit.changes.apply_plan_async` of this plan."""
        return await apply_plan_async(client, self, confirm=confirm, backup_dir=backup_dir, **options)

    @classmethod
    def between(cls, account: Any, target: Any) -> Plan:
        """:func:`plan_changes` ``(account, target)``."""
        return plan_changes(account, target)

    def inverse(self, backup: Any = None) -> Plan:
        """The plan that undoes this one: each operation reversed, in reverse order, from the
        ``before`` states (or, given ``backup`` (a snapshot path or trackers), from the backup's
        content of each tracker). A deleted tracker comes back by create, with a new id.
        Applying it skips what was never applied (its state already matches)."""
        saved = {t.id: content(t) for t in as_trackers(backup)} if backup is not None else {}
        ops: list[Operation] = []
        for op in reversed(self.operations):
            was = saved.get(op.tracker_id or "", op.before) if op.tracker_id else op.before
            if op.kind == "create":
                assert op.after is not None
                ops.append(Operation("delete", op.after["name"], None, op.after, None, f"undo: {op.reason}"))
            elif op.kind == "delete":
                ops.append(Operation("create", op.name, None, None, was, f"undo: {op.reason}"))
            else:
                ops.append(Operation("update", op.name, op.tracker_id, op.after, was, f"undo: {op.reason}"))
        ordered = sorted(ops, key=lambda o: KINDS.index(o.kind))  # stable: deletes, updates, creates
        size = self.account_size + sum(
            (op.kind == "create") - (op.kind == "delete") for op in self.operations
        )
        return Plan(ordered, size, list(self.other_names))


def plan_changes(account: Any, target: Any, *, reasons: Mapping[str, str] | None = None) -> Plan:
    """The plan that turns ``account`` into ``target``.

    Both may be tracker records, API payloads, snapshot paths or trackers frames (an account
    edited in pandas). Trackers match by id: in both and different -> update; only in
    ``account`` -> delete; in ``target`` without an id the account has -> create. ``reasons``
    (tracker name -> text) says why, else the reason lists what changed. Operations run
    deletes first (freeing names), then updates, then creates, each in ``target`` order.
    Call :meth:`Plan.violations` (``apply`` refuses a plan that has any).

    Examples
    --------
    >>> now = [{"id": "1", "name": "Old", "vocabulary": ["a", "b", "c", "d", "e"]}]
    >>> plan = plan_changes(now, [{"id": "", "name": "New", "vocabulary": ["a", "b", "c", "d", "e"]}])
    >>> [(op.kind, op.name) for op in plan.operations]
    [('delete', 'Old'), ('create', 'New')]
    """
    reasons = dict(reasons or {})
    old = as_trackers(account)
    new = as_trackers(target)
    old_by_id = {t.id: t for t in old}
    new_ids = {t.id for t in new}
    ops: list[Operation] = []
    for t in old:
        if t.id not in new_ids:
            ops.append(
                Operation("delete", t.name, t.id, content(t), None, reasons.get(t.name, "not in the target"))
            )
    for t in new:
        was = old_by_id.get(t.id)
        if was is None:  # (a placeholder id "new-N" too)
            ops.append(
                Operation("create", t.name, None, None, content(t), reasons.get(t.name, "new in the target"))
            )
        elif content(was) != content(t):
            changed = [r["change"] for r in diff_rows([was], [t])]
            summary = ", ".join(f"{n} {c}" for c, n in _counts(changed))
            ops.append(
                Operation("update", t.name, t.id, content(was), content(t), reasons.get(t.name, summary))
            )
    ops.sort(key=lambda o: KINDS.index(o.kind))  # stable
    touched = {op.tracker_id for op in ops if op.tracker_id}
    return Plan(ops, len(old), sorted(t.name for t in old if t.id not in touched))


def _counts(items: Sequence[str]) -> list[tuple[str, int]]:
    out: dict[str, int] = {}
    for item in items:
        out[item] = out.get(item, 0) + 1
    return list(out.items())
