"""Applying a change plan safely: confirmation, backup, one write at a time, re-read before and
after each write, retries only where the server's state says a retry is safe."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from trackerkit._validation import check_bool, check_count, check_number
from trackerkit.changes._accounts import as_trackers, content
from trackerkit.errors import (
    InvalidParameterError,
    PlanViolationError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    SymblAPIError,
    TrackerkitError,
    TrackerNotFoundError,
    TransportError,
)
from trackerkit.snapshot import read_trackers_file, save_snapshot

__all__ = ["ApplyReport", "OperationResult", "apply_plan", "apply_plan_async"]

#: statuses of one operation in an :class:`ApplyReport`
STATUSES = ("verified", "already done", "failed", "unverified", "not attempted")


@dataclass
class OperationResult:
    """What happened to one operation: ``status`` (one of :data:`STATUSES`), the write
    ``attempts`` sent, the ``tracker_id`` (a created tracker's new id) and a ``detail``."""

    index: int
    kind: str
    name: str
    tracker_id: str | None
    status: str = "not attempted"
    attempts: int = 0
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


@dataclass
class ApplyReport:
    """The outcome of :func:`apply_plan`: one :class:`OperationResult` per operation, the
    ``backup_path``, and why the run stopped early (``stopped``, empty when it ran through).

    ``verified``: written then re-read equal to the intended state; ``already done``: the
    account already held the intended state (a re-run, or a response lost earlier); ``failed``:
    refused or undecidable, the tracker re-read equal to its state before; ``unverified``:
    written (or possibly written) but the re-read differs or could not be made: look at it;
    ``not attempted``: after a stop, or a dry run.
    """

    plan: Any
    dry_run: bool
    backup_path: str | None = None
    results: list[OperationResult] = field(default_factory=list)
    stopped: str = ""

    def _with(self, *statuses: str) -> list[OperationResult]:
        return [r for r in self.results if r.status in statuses]

    @property
    def ok(self) -> bool:
        """Every operation verified or already done."""
        return not self.dry_run and all(r.status in ("verified", "already done") for r in self.results)

    @property
    def applied(self) -> list[OperationResult]:
        return self._with("verified", "already done", "unverified")

    @property
    def verified(self) -> list[OperationResult]:
        return self._with("verified", "already done")

    @property
    def failed(self) -> list[OperationResult]:
        return self._with("failed", "unverified")

    @property
    def not_attempted(self) -> list[OperationResult]:
        return self._with("not attempted")

    def rollback_plan(self, current: Any) -> Any:
        """The plan returning every tracker this run touched to its backup state, from
        ``current`` (the account now, e.g. ``client.list_trackers()``): whatever state each
        tracker is in (verified, unverified or untouched), so it also undoes a write that
        merged instead of replacing. Deleted trackers come back by create (new ids).
        (:meth:`Plan.inverse` is the same from the plan alone, assuming every write applied.)"""
        if self.backup_path is None:
            raise InvalidParameterError("a dry run has nothing to roll back", parameter="report")
        backup = read_trackers_file(Path(self.backup_path))
        now = as_trackers(current)
        ids = {op.tracker_id for op in self.plan.operations if op.tracker_id}
        ids |= {r.tracker_id for r in self.results if r.tracker_id}
        created = {op.after["name"] for op in self.plan.operations if op.kind == "create"}
        touched_now = [t for t in now if t.id in ids or t.name in created]
        touched_ids = {t.id for t in touched_now}
        plan = self.plan.between(touched_now, [t for t in backup if t.id in ids])
        plan.account_size = len(now)
        plan.other_names = sorted(t.name for t in now if t.id not in touched_ids)
        return plan

    def to_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "backup_path": self.backup_path,
            "stopped": self.stopped,
            "results": [r.to_dict() for r in self.results],
        }

    def __str__(self) -> str:
        head = (
            "dry run: nothing sent (confirm=True to apply)"
            if self.dry_run
            else ("all operations verified" if self.ok else f"stopped: {self.stopped}")
        )
        lines = [head]
        if self.backup_path:
            lines.append(f"backup: {self.backup_path}")
        for r in self.results:
            lines.append(f"  [{r.status}] {r.kind} {r.name!r}" + (f": {r.detail}" if r.detail else ""))
        return "\n".join(lines)


class _Stop(Exception):
    pass


def apply_plan(
    client: Any,
    plan: Any,
    *,
    confirm: bool = False,
    backup_dir: str | os.PathLike[str] | None = None,
    route: str | None = None,
    max_attempts: int = 4,
    backoff: float = 0.5,
    punctuation: str = "newer",
) -> ApplyReport:
    """Apply ``plan`` to the account of ``client`` (a :class:`~trackerkit.SymblClient`), safely.

    * Nothing is sent unless ``confirm=True`` (otherwise a dry-run report, no request at all);
      a plan breaking Symbl's rules raises :class:`PlanViolationError` before any request.
    * First a snapshot of the whole account is saved under ``backup_dir`` (default
      ``./trackerkit-backups``), its path in the report.
    * Then one write at a time, in plan order (``route``: the client's ``id_route`` by
      default, "legacy" = POST/PUT, "plural" = POST/PATCH). Before each write the tracker is
      re-read: already in the intended state -> skipped (``already done``); neither before nor
      intended state -> stop (someone else changed it).
    * 429 is retried after a backoff (``backoff`` seconds, doubling; ``Retry-After`` honoured);
      after a 5xx or a lost response the tracker is re-read: applied -> go on, unchanged -> retry,
      anything else -> stop. Other errors (400, 404, 409, 413) stop the run. At most
      ``max_attempts`` writes per operation.
    * After each write the tracker is re-read and compared with the intended state (a PUT
      may merge rather than replace): a mismatch stops the run.

    Examples
    --------
    >>> from trackerkit.emulator import SymblEmulator
    >>> from trackerkit.changes import plan_changes
    >>> from trackerkit import SymblClient
    >>> emulator = SymblEmulator([{"id": "1", "name": "Hi", "vocabulary": ["a", "b", "c", "d", "e"]}])
    >>> target = [{"id": "1", "name": "Hello", "vocabulary": ["a", "b", "c", "d", "e"]}]
    >>> plan = plan_changes(emulator.trackers, target)
    >>> with SymblClient(token=emulator.issue_token(), transport=emulator.transport()) as client:
    ...     apply_plan(client, plan).dry_run
    True
    """
    report, route = _prepare(client, plan, confirm, max_attempts, backoff, route, punctuation)
    max_attempts, backoff = int(max_attempts), float(backoff)
    if not confirm:
        return report
    report.backup_path = _backup(client.list_trackers(), backup_dir)
    for op, result in zip(plan.operations, report.results):
        steps = _steps(op, result, route, max_attempts, backoff)
        action: Any = None
        outcome: Any = None
        failure: BaseException | None = None
        try:
            while True:
                action = steps.throw(failure) if failure is not None else steps.send(outcome)
                outcome, failure = None, None
                try:
                    if action[0] == "read":
                        outcome = _state(client, op, result)
                    elif action[0] == "write":
                        outcome = client.write(*action[1])
                    else:
                        time.sleep(action[1])
                except TrackerkitError as exc:
                    failure = exc
        except StopIteration:
            continue
        except _Stop as stop:
            report.stopped = f"operation {result.index} ({op.kind} {op.name!r}): {stop}"
            break
    return report


async def apply_plan_async(
    client: Any,
    plan: Any,
    *,
    confirm: bool = False,
    backup_dir: str | os.PathLike[str] | None = None,
    route: str | None = None,
    max_attempts: int = 4,
    backoff: float = 0.5,
    punctuation: str = "newer",
) -> ApplyReport:
    """:func:`apply_plan` for an :class:`~trackerkit.AsyncSymblClient` (the same steps, awaited).

    Examples
    --------
    >>> import anyio
    >>> from trackerkit.emulator import SymblEmulator
    >>> from trackerkit.changes import plan_changes
    >>> from trackerkit import AsyncSymblClient
    >>> emulator = SymblEmulator([{"id": "1", "name": "Hi", "vocabulary": ["a", "b", "c", "d", "e"]}])
    >>> target = [{"id": "1", "name": "Yo", "vocabulary": ["a", "b", "c", "d", "e"]}]
    >>> plan = plan_changes(emulator.trackers, target)
    >>> async def main():
    ...     async with AsyncSymblClient(token=emulator.issue_token(), transport=emulator.transport()) as c:
    ...         return (await apply_plan_async(c, plan)).dry_run
    >>> anyio.run(main)
    True
    """
    import anyio  # lazy: heavy

    report, route = _prepare(client, plan, confirm, max_attempts, backoff, route, punctuation)
    max_attempts, backoff = int(max_attempts), float(backoff)
    if not confirm:
        return report
    report.backup_path = _backup(await client.list_trackers(), backup_dir)
    for op, result in zip(plan.operations, report.results):
        steps = _steps(op, result, route, max_attempts, backoff)
        outcome: Any = None
        failure: BaseException | None = None
        try:
            while True:
                action = steps.throw(failure) if failure is not None else steps.send(outcome)
                outcome, failure = None, None
                try:
                    if action[0] == "read":
                        outcome = await _state_async(client, op, result)
                    elif action[0] == "write":
                        outcome = await client.write(*action[1])
                    else:
                        await anyio.sleep(action[1])
                except TrackerkitError as exc:
                    failure = exc
        except StopIteration:
            continue
        except _Stop as stop:
            report.stopped = f"operation {result.index} ({op.kind} {op.name!r}): {stop}"
            break
    return report


def _prepare(
    client: Any, plan: Any, confirm: Any, max_attempts: Any, backoff: Any, route: Any, punctuation: str
) -> tuple[ApplyReport, str]:
    confirm = check_bool("confirm", confirm)
    max_attempts = int(check_count("max_attempts", max_attempts) or 1)
    backoff = check_number("backoff", backoff, minimum=0.0)
    route = route if route is not None else getattr(client, "id_route", "legacy")
    violations = plan.violations(route, punctuation=punctuation)
    if violations:
        raise PlanViolationError(
            f"the plan breaks {len(violations)} rule(s), nothing was sent: "
            + "; ".join(f"{v.tracker}: {v.message}" for v in violations[:5]),
            violations=violations,
        )
    report = ApplyReport(
        plan,
        dry_run=not confirm,
        results=[OperationResult(i, op.kind, op.name, op.tracker_id) for i, op in enumerate(plan.operations)],
    )
    return report, route


def _backup(account: Any, backup_dir: Any) -> str:
    folder = Path(backup_dir if backup_dir is not None else "trackerkit-backups")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return str(save_snapshot(account, folder / f"backup-{stamp}.json", source="trackerkit apply"))


def _named(op: Any) -> str:
    return (op.after or op.before or {}).get("name", op.name)


def _found(found: list[Any], named: str, result: OperationResult) -> dict[str, Any] | None:
    found = [t for t in found if t.name == named]
    if len(found) > 1:
        raise _Stop(f"{len(found)} trackers are named {named!r}")
    if found:
        result.tracker_id = found[0].id
        return content(found[0])
    return None


def _state(client: Any, op: Any, result: OperationResult) -> dict[str, Any] | None:
    """The tracker's current content (None: it does not exist); by id, or by name for a
    tracker created by the plan."""
    if result.tracker_id:
        try:
            return content(client.get_tracker(result.tracker_id))
        except TrackerNotFoundError:
            return None
    return _found(client.find_trackers(_named(op)), _named(op), result)


async def _state_async(client: Any, op: Any, result: OperationResult) -> dict[str, Any] | None:
    if result.tracker_id:
        try:
            return content(await client.get_tracker(result.tracker_id))
        except TrackerNotFoundError:
            return None
    return _found(await client.find_trackers(_named(op)), _named(op), result)


def _steps(
    op: Any, result: OperationResult, route: str, attempts: int, backoff: float
) -> Generator[tuple[Any, ...], Any, None]:
    """One operation, without I/O: yields ("read",), ("write", (method, path, body)) or
    ("sleep", seconds) and receives the answer (or the error thrown in); raises _Stop."""

    def read(when: str) -> Generator[tuple[Any, ...], Any, Any]:
        try:
            return (yield ("read",))
        except TrackerkitError as exc:
            raise _Stop(f"could not re-read the tracker {when}: {exc}") from None

    current = yield from read("before writing")
    if current == op.after:
        result.status, result.detail = "already done", "the account already held the intended state"
        return
    if current != op.before:
        result.status, result.detail = "failed", "the tracker changed since the plan was made; nothing sent"
        raise _Stop(result.detail)
    # A delete of a tracker created earlier (an undo) has no id in the plan: found by name.
    op_id = result.tracker_id if op.kind != "create" and op.tracker_id is None else op.tracker_id
    request = op.request(route, op_id)
    wait = backoff
    while True:
        if result.attempts >= attempts:
            result.status = "failed"
            result.detail = f"gave up after {attempts} attempts; the tracker is unchanged"
            raise _Stop(result.detail)
        result.attempts += 1
        try:
            answer = yield ("write", (request.method, request.path, request.body))
        except RateLimitError as exc:  # refused: nothing applied
            retry_after = getattr(exc, "retry_after", None)
            yield ("sleep", min(retry_after, 30.0) if retry_after else wait)
            wait *= 2
            continue
        except (ServerError, TransportError, ResponseFormatError) as exc:  # maybe applied: ask
            now = yield from read(f"after {type(exc).__name__}")
            if now == op.after:
                result.detail = f"{type(exc).__name__} but the write was applied"
                break
            if now == op.before:
                yield ("sleep", wait)
                wait *= 2
                continue
            result.status, result.detail = "unverified", f"{exc}; the tracker now differs from both states"
            raise _Stop(result.detail) from None
        except SymblAPIError as exc:
            result.status, result.detail = "failed", str(exc)
            raise _Stop(result.detail) from None
        if op.kind == "create" and isinstance(answer, dict):
            made = answer.get("tracker") or {}
            if isinstance(made, dict) and made.get("id") is not None:
                result.tracker_id = str(made["id"])
        break
    after = yield from read("to verify")
    if after != op.after:
        result.status = "unverified"
        result.detail = "re-read differs from the intended state: " + _difference(op.after, after)
        raise _Stop(result.detail)
    result.status = "verified"


def _difference(want: dict[str, Any] | None, got: dict[str, Any] | None) -> str:
    if want is None or got is None:
        return "exists" if got is not None else "missing"
    keys = sorted(k for k in set(want) | set(got) if want.get(k) != got.get(k))
    return ", ".join(
        f"{k}: want {json.dumps(want.get(k))[:80]} got {json.dumps(got.get(k))[:80]}" for k in keys
    )
