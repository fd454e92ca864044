"""Applying change plans over real loopback HTTP, with a fault at every write step.

After every scenario: each operation the report calls verified (or already done) left its
tracker in the plan's intended state, every other one left it as in the backup; no phrase was
lost; a write whose answer was lost was never sent twice; and rolling back returns the account
to the backup exactly (content compared by name; a deleted tracker comes back with a new id).
"""

from __future__ import annotations

from collections import Counter

import pytest

from trackerkit import SymblClient
from trackerkit.changes import Plan, apply_plan, plan_changes
from trackerkit.changes._accounts import as_trackers, content
from trackerkit.emulator import Fault, SymblEmulator
from trackerkit.snapshot import read_trackers_file

pytestmark = pytest.mark.network

ROUTES = ("legacy", "plural")
FAULTS = {
    "reset before applied": Fault.reset(),
    "dropped after applied": Fault.drop(),
    "500": 500,
    "502 html page": Fault.html(502),
    "429": Fault.rate_limit("0"),
    "timeout after applied": Fault.slow_body(6.0),
}
SCENARIOS: Counter[str] = Counter()  # counted as they run; the total is asserted at the end


def base_account() -> list[dict]:
    return [
        {
            "id": str(4_100_000_000_000_000 + i),
            "name": f"T{i}",
            "vocabulary": [f"phrase {j} of T{i}" for j in range(6)],
            "categories": ["support"],
            "languages": ["en-US"],
        }
        for i in range(5)
    ]


def target_account() -> list[dict]:
    """Delete T1; rename T2, fix a typo, drop a phrase, add one and a description; create New."""
    account = base_account()
    t2 = account[2]
    t2["name"] = "T2 renamed"
    t2["vocabulary"] = ["phrase 0 of T2 fixed", *t2["vocabulary"][1:5], "a brand new phrase"]
    t2["description"] = "edited"
    new = {"id": "", "name": "New", "vocabulary": [f"new phrase {j}" for j in range(5)]}
    new |= {"categories": ["sales"], "languages": ["en-US"]}
    return [account[0], *account[2:], new]


def client_for(emu: SymblEmulator, url: str, route: str, timeout: float = 30.0) -> SymblClient:
    """A client with tiny backoffs; a generous timeout (load-robust) unless a scenario times out."""
    return SymblClient(
        token=emu.issue_token(),
        base_url=url,
        id_route=route,
        timeout=timeout,
        backoff_base=0.01,
        backoff_max=0.02,
    )


def timeout_for(fault: str) -> float:
    """The client timeout of a scenario: 2 s when the fault is a body slower than that (6 s)."""
    return 2.0 if fault == "timeout after applied" else 30.0


def by_name(trackers) -> dict[str, dict]:
    return {t.name: content(t) for t in as_trackers(trackers)}


def state_of(emu: SymblEmulator, op, result) -> dict | None:
    trackers = emu.trackers
    if op.tracker_id:
        return next((content(t) for t in trackers if t.id == op.tracker_id), None)
    name = (op.after or op.before)["name"]
    return by_name(trackers).get(name)


def check_invariants(emu: SymblEmulator, plan: Plan, report, initial: list[dict], intruders=()) -> None:
    backup = [t for t in read_trackers_file(report.backup_path) if t.name not in intruders]
    assert by_name(backup) == by_name(initial), "the backup is the account before the run"
    removed_on_purpose: Counter[str] = Counter()
    for op, result in zip(plan.operations, report.results):
        assert result.status != "unverified", report
        expected = op.after if result.status in ("verified", "already done") else op.before
        assert state_of(emu, op, result) == expected, (result, report)
        if result.status in ("verified", "already done"):
            before = Counter((op.before or {}).get("vocabulary", []))
            removed_on_purpose += before - Counter((op.after or {}).get("vocabulary", []))
    touched = {op.tracker_id for op in plan.operations}
    for t in backup:  # what the plan does not touch is as in the backup
        if t.id not in touched:
            assert content(next(u for u in emu.trackers if u.id == t.id)) == content(t)
    phrases_now = Counter(p for t in emu.trackers for p in t.vocabulary)
    lost = Counter(p for t in backup for p in t.vocabulary) - phrases_now - removed_on_purpose
    assert not lost, f"phrases lost: {sorted(lost)}"


def roll_back_and_compare(emu, client, report, initial, tmp_path, route=None) -> None:
    rollback = report.rollback_plan(client.list_trackers())
    undone = apply_plan(client, rollback, confirm=True, backup_dir=tmp_path / "rb", backoff=0.01, route=route)
    assert undone.ok, undone
    assert by_name(emu.trackers) == by_name(initial)
    untouched = {t["id"] for t in initial} - {op.tracker_id for op in report.plan.operations}
    assert untouched <= {t.id for t in emu.trackers}  # untouched trackers kept their ids


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("step", [0, 1, 2])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_at_every_write_step(route, step, fault, tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    assert [op.kind for op in plan.operations] == ["delete", "update", "create"]
    emu.script(*([None] * step), FAULTS[fault], method="write")
    with emu.serve() as url, client_for(emu, url, route, timeout_for(fault)) as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        check_invariants(emu, plan, report, initial)
        # One fault, then the server behaves: the run completes; a write whose answer was lost
        # (applied) is never sent again, one refused or reset is sent once more.
        assert report.ok, report
        assert len(emu.write_log) == 3
        applied_anyway = fault in ("dropped after applied", "timeout after applied")
        assert report.results[step].attempts == (1 if applied_anyway else 2)
        assert by_name(emu.trackers) == {t["name"]: content(t) for t in target_account()}
        roll_back_and_compare(emu, client, report, initial, tmp_path)
    SCENARIOS["fault at a write step"] += 1


@pytest.mark.parametrize("route", ROUTES)
def test_a_409_on_rename_stops_the_run(route, tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    with emu.serve() as url, client_for(emu, url, route) as client:
        # Someone else takes the new name after the plan was made.
        client.write(
            "POST", "/v1/manage/tracker", {"name": "T2 renamed", "vocabulary": ["a", "b", "c", "d", "e"]}
        )
        intruder = next(t for t in emu.trackers if t.name == "T2 renamed")
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        assert [r.status for r in report.results] == ["verified", "failed", "not attempted"]
        assert "409" in report.results[1].detail and "operation 1" in report.stopped
        client.delete_tracker(intruder.id)  # the intruder is not ours to keep or roll back
        check_invariants(emu, plan, report, initial, intruders={"T2 renamed"})
        roll_back_and_compare(emu, client, report, initial, tmp_path)
    SCENARIOS["409 on rename"] += 1


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("killed_after", [1, 2])
def test_killed_between_two_writes_then_run_again(route, killed_after, tmp_path):
    """The process dies after ``killed_after`` writes (only those ran); running the whole plan
    again skips what is already done and applies the rest, each write sent once overall."""
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    with emu.serve() as url, client_for(emu, url, route) as client:
        partial = Plan(plan.operations[:killed_after], plan.account_size, plan.other_names)
        first = apply_plan(client, partial, confirm=True, backup_dir=tmp_path / "first", backoff=0.01)
        assert first.ok and len(emu.write_log) == killed_after
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path / "again", backoff=0.01)
        statuses = [r.status for r in report.results]
        assert statuses == ["already done"] * killed_after + ["verified"] * (3 - killed_after)
        assert len(emu.write_log) == 3
        # The second backup is the half-applied account; roll back to the first run's backup.
        first.plan = plan
        first.results = report.results
        roll_back_and_compare(emu, client, first, initial, tmp_path)
    SCENARIOS["killed between writes"] += 1


def test_a_put_that_merges_is_caught_by_verification(tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial, put_merges=True)
    plan = plan_changes(initial, target_account())
    with emu.serve() as url, client_for(emu, url, "legacy") as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        assert [r.status for r in report.results] == ["verified", "unverified", "not attempted"]
        assert "vocabulary" in report.results[1].detail
        merged = next(t for t in emu.trackers if t.id == plan.operations[1].tracker_id)
        assert set(initial[2]["vocabulary"]) <= set(merged.vocabulary)  # nothing lost
        # A merging PUT cannot undo itself: roll back through PATCH, which replaces.
        roll_back_and_compare(emu, client, report, initial, tmp_path, route="plural")
    SCENARIOS["PUT merges"] += 1


def test_a_persistent_500_gives_up_and_changes_nothing(tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    emu.always(500, method="write")
    with emu.serve() as url, client_for(emu, url, "legacy") as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01, max_attempts=3)
        assert [r.status for r in report.results] == ["failed", "not attempted", "not attempted"]
        assert report.results[0].attempts == 3 and emu.count("/v1/manage/tracker/") >= 3
        check_invariants(emu, plan, report, initial)
        assert by_name(emu.trackers) == by_name(initial)
        emu.clear_faults()
        roll_back_and_compare(emu, client, report, initial, tmp_path)
    SCENARIOS["persistent 500"] += 1


def test_a_fault_on_the_verifying_read_is_retried_by_the_client(tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    emu.script(Fault.drop(), method="write")  # the write applied, its answer lost...
    emu.script(503, Fault.reset(), method="GET")  # ...and the re-reads fail first
    with emu.serve() as url, client_for(emu, url, "plural") as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        assert report.ok and len(emu.write_log) == 3
        check_invariants(emu, plan, report, initial)
        roll_back_and_compare(emu, client, report, initial, tmp_path)
    SCENARIOS["faulty re-read"] += 1


@pytest.mark.parametrize("route", ROUTES)
def test_plan_inverse_from_the_backup_rolls_back(route, tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    with emu.serve() as url, client_for(emu, url, route) as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        assert report.ok
        inverse = plan.inverse(report.backup_path)
        assert [op.kind for op in inverse.operations] == ["delete", "update", "create"]
        undone = apply_plan(client, inverse, confirm=True, backup_dir=tmp_path / "undo", backoff=0.01)
        assert undone.ok and by_name(emu.trackers) == by_name(initial)
        # Applying the inverse again changes nothing: every operation is already done.
        again = apply_plan(client, inverse, confirm=True, backup_dir=tmp_path / "again", backoff=0.01)
        assert {r.status for r in again.results} == {"already done"} and len(emu.write_log) == 6
    SCENARIOS["inverse from the backup"] += 1


def test_a_tracker_changed_since_the_plan_stops_before_writing_it(tmp_path):
    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    with emu.serve() as url, client_for(emu, url, "legacy") as client:
        someone = dict(initial[2], vocabulary=[*initial[2]["vocabulary"], "added by a colleague"])
        client.write("PUT", f"/v1/manage/tracker/{initial[2]['id']}", someone)
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
    assert [r.status for r in report.results] == ["verified", "failed", "not attempted"]
    assert "changed since the plan" in report.results[1].detail
    assert "added by a colleague" in next(t for t in emu.trackers if t.id == initial[2]["id"]).vocabulary
    SCENARIOS["changed since the plan"] += 1


@pytest.mark.parametrize("step", [0, 1, 2])
@pytest.mark.parametrize("fault", list(FAULTS))
def test_a_fault_at_every_write_step_async(step, fault, tmp_path):
    """The same steps through AsyncSymblClient (``await client.apply(plan, confirm=True)``)."""
    import anyio

    from trackerkit import AsyncSymblClient

    initial = base_account()
    emu = SymblEmulator(initial)
    plan = plan_changes(initial, target_account())
    emu.script(*([None] * step), FAULTS[fault], method="write")
    with emu.serve() as url:
        options = {
            "token": emu.issue_token(),
            "base_url": url,
            "timeout": timeout_for(fault),
            "backoff_base": 0.01,
        }

        async def run():
            async with AsyncSymblClient(**options) as client:
                return await client.apply(plan, confirm=True, backup_dir=tmp_path)

        report = anyio.run(run)
        check_invariants(emu, plan, report, initial)
        assert report.ok, report
        assert len(emu.write_log) == 3
        applied_anyway = fault in ("dropped after applied", "timeout after applied")
        assert report.results[step].attempts == (1 if applied_anyway else 2)
        with client_for(emu, url, "legacy") as client:
            roll_back_and_compare(emu, client, report, initial, tmp_path)
    SCENARIOS["fault at a write step, async"] += 1


EXPECTED_SCENARIOS = len(FAULTS) * 3 * (len(ROUTES) + 1) + 2 + 4 + 1 + 1 + 1 + 2 + 1  # 66


def test_zz_scenario_count(request):
    """The fault scenarios of this module: 66 (the closing note quotes it). Each scenario test
    counts itself when it passes; when the whole module ran, all of them did."""
    collected = [
        item
        for item in request.session.items
        if getattr(item, "module", None) is request.module and item.name != "test_zz_scenario_count"
    ]
    assert len(collected) <= EXPECTED_SCENARIOS
    if len(collected) == EXPECTED_SCENARIOS:
        assert sum(SCENARIOS.values()) == EXPECTED_SCENARIOS, SCENARIOS
