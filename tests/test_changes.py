"""diff_accounts, plan_changes and its targets, plan validation, previews; no write outside
apply; no secret in plans, previews, backups, reports or errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import trackerkit
from trackerkit import SymblClient
from trackerkit.changes import (
    Plan,
    apply_plan,
    diff_accounts,
    drop_phrases,
    fixes_from_audit,
    merge_trackers,
    plan_changes,
)
from trackerkit.changes._accounts import as_trackers
from trackerkit.emulator import SymblEmulator
from trackerkit.errors import InvalidParameterError, PlanViolationError
from trackerkit.snapshot import save_snapshot

FIVE = ["one", "two", "three", "four", "five"]


def tracker(tid, name, vocabulary=FIVE, **extra):
    return {"id": tid, "name": name, "vocabulary": list(vocabulary), **extra}


# -- diff ------------------------------------------------------------------------------------


def test_diff_names_every_kind_of_change():
    before = [
        tracker("1", "Greeting", ["helo there", "good morning", "hi", "Thanks a lot", "bye"]),
        tracker("2", "Old name"),
        tracker("3", "Gone"),
    ]
    after = [
        tracker(
            "1", "Greeting", ["hello there", "good morning", "thanks  a LOT", "bye", "hey"], description="d"
        ),
        tracker("2", "New name"),
        tracker("4", "Added"),
    ]
    rows = diff_accounts(before, after)
    got = list(zip(rows["tracker"], rows["change"], rows["before"], rows["after"]))
    assert got == [
        ("Gone", "tracker removed", "Gone", None),
        ("Greeting", "field changed", None, "d"),
        ("Greeting", "phrase edited", "Thanks a lot", "thanks  a LOT"),  # by normalization
        ("Greeting", "phrase edited", "helo there", "hello there"),  # by edit distance
        ("Greeting", "phrase removed", "hi", None),
        ("Greeting", "phrase added", None, "hey"),
        ("New name", "tracker renamed", "Old name", "New name"),
        ("Added", "tracker added", None, "Added"),
    ]
    assert rows.loc[rows["change"] == "field changed", "field"].tolist() == ["description"]


def test_diff_of_an_account_edited_in_pandas_and_of_a_snapshot(tmp_path):
    frame = trackerkit.load_trackers("sample")
    records = as_trackers(frame)
    path = save_snapshot(records, tmp_path / "before.json")
    assert diff_accounts(path, records).empty and diff_accounts(records, frame).empty
    edited = frame.copy()
    edited.at[0, "vocabulary"] = list(frame.at[0, "vocabulary"])[1:]  # a phrase deleted in pandas
    edited.at[2, "name"] = "Payment failed"
    rows = diff_accounts(path, edited)
    assert rows["change"].tolist() == ["phrase removed", "tracker renamed"]
    assert rows["before"].tolist() == [frame.at[0, "vocabulary"][0], frame.at[2, "name"]]


def test_a_dropped_duplicate_is_a_removal():
    rows = diff_accounts([tracker("1", "A", ["x", "y", "x"])], [tracker("1", "A", ["x", "y"])])
    assert rows[["change", "before"]].values.tolist() == [["phrase removed", "x"]]


# -- plans -----------------------------------------------------------------------------------


def test_plan_json_round_trip_and_order():
    before = [tracker("1", "A"), tracker("2", "B"), tracker("3", "C")]
    target = [tracker("1", "A2"), tracker("3", "C"), tracker("", "D")]
    plan = plan_changes(before, target, reasons={"D": "asked for"})
    assert [(op.kind, op.name) for op in plan.operations] == [
        ("delete", "B"),
        ("update", "A2"),
        ("create", "D"),
    ]
    assert plan.operations[2].reason == "asked for"
    assert plan.operations[1].reason == "1 tracker renamed"
    again = Plan.from_json(plan.to_json())
    assert again == plan and json.loads(again.to_json()) == json.loads(plan.to_json())
    with pytest.raises(InvalidParameterError):
        Plan.from_json('{"format": "something else"}')


def test_violations_are_listed_before_anything_is_sent():
    before = [tracker("1", "Foo"), tracker("2", "Bar")]
    target = [
        tracker("1", "Foo", ["a", "b", "c", "d"]),  # 4 phrases
        tracker("2", "Bar", [*FIVE, "One ", "hi [name]"]),  # duplicate, brackets
        tracker("", "foo"),  # case-sensitive: allowed next to Foo
        tracker("", "Bar"),  # taken
        tracker("", "Huge", [*FIVE, "x" * (1024 * 1024)]),
    ]
    rules = [(v.tracker, v.rule) for v in plan_changes(before, target).violations()]
    assert rules == [
        ("Foo", "phrase_count"),
        ("Bar", "duplicate_phrase"),
        ("Bar", "characters"),
        ("Huge", "body_size"),
        ("Bar", "name_conflict"),
    ]
    plural = [(v.tracker, v.rule) for v in plan_changes([], [tracker("", "N")]).violations("plural")]
    assert plural == [("N", "required"), ("N", "required")]  # the newer create needs both fields


def test_the_500_tracker_limit():
    before = [tracker(str(i), f"T{i}") for i in range(500)]
    plan = plan_changes(before, [*before, tracker("", "One too many")])
    assert [v.rule for v in plan.violations()] == ["tracker_count"]


def test_preview_shows_exact_requests_for_both_generations_and_escapes_html():
    before = [tracker("7", "<b>Promo</b>", ["a sale", "b", "c", "d", "e"])]
    target = [tracker("7", "<b>Promo</b>", ["a <script>sale", "b", "c", "d", "e"])]
    plan = plan_changes(before, target)
    legacy = plan.preview("legacy").requests[0]
    assert (legacy.method, legacy.path) == ("PUT", "/v1/manage/tracker/7")
    assert legacy.body == {"id": "7", **target[0]} | {"id": "7"}
    plural = plan.preview("plural").requests[0]
    assert (plural.method, plural.path) == ("PATCH", "/v1/manage/trackers/7")
    assert plural.body == [{"op": "replace", "path": "/vocabulary", "value": target[0]["vocabulary"]}]
    page = plan.preview()._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
    assert "phrase added: 'a <script>sale'" in str(plan.preview())


def test_drop_and_merge_and_audit_fixes():
    account = [
        tracker("1", "A", [*FIVE, "dead"]),
        tracker("2", "B", ["ONE", "six", "seven", "eight", "nine"]),
    ]
    dropped = plan_changes(account, drop_phrases(account, {"A": ["dead"]}))
    assert dropped.operations[0].after["vocabulary"] == FIVE
    with pytest.raises(InvalidParameterError):
        drop_phrases(account, {"A": ["not there"]})
    merged = plan_changes(account, merge_trackers(account, "A", ["B"], name="AB"))
    assert [(op.kind, op.name) for op in merged.operations] == [("delete", "B"), ("update", "AB")]
    assert merged.operations[1].after["vocabulary"] == [*FIVE, "dead", "six", "seven", "eight", "nine"]
    sample = as_trackers(trackerkit.load_trackers("sample"))
    fixes = fixes_from_audit(sample, trackerkit.audit("sample"))
    edits = diff_accounts(sample, _after(sample, fixes))
    assert "phrase edited" in set(edits["change"])
    fixed_text = " ".join(p for op in fixes.operations for p in op.after["vocabulary"])
    for wrong in ("refnud", "subscripton", "invocie", "[company name]", "<customer>"):
        assert wrong not in fixed_text
    assert all(op.kind == "update" for op in fixes.operations)


def _after(account, plan):
    changed = {op.tracker_id: op.after for op in plan.operations}
    return [{"id": t.id, **changed[t.id]} if t.id in changed else t.to_dict() for t in account]


# -- safety ----------------------------------------------------------------------------------


@pytest.fixture
def guarded():
    """An emulator on loopback that records every request's method: the tests below fail if
    any method but GET reaches it outside an explicit apply."""
    emu = SymblEmulator([tracker("1", "Foo"), tracker("2", "Bar", ["a", "b", "c", "d", "e", "f"])])
    methods: list[str] = []
    original = emu.handle

    def handle(method, target, headers, body=b""):
        methods.append(method)
        return original(method, target, headers, body)

    emu.handle = handle  # type: ignore[method-assign]
    with emu.serve() as url:
        yield emu, url, methods


@pytest.mark.network
def test_read_only_paths_never_write(guarded, tmp_path):
    emu, url, methods = guarded
    with SymblClient(token=emu.issue_token(), base_url=url) as client:
        account = client.list_trackers()
        target = drop_phrases(account, {"Bar": ["f"]})
        plan = plan_changes(account, target)
        str(plan.preview()), plan.preview()._repr_html_(), plan.to_json(), diff_accounts(account, target)
        fixes_from_audit(account, trackerkit.audit(account))
        report = apply_plan(client, plan, backup_dir=tmp_path)  # no confirm: a dry run
        assert report.dry_run and not report.ok and len(report.not_attempted) == 1
        assert client.apply(plan).dry_run
        with pytest.raises(PlanViolationError):
            apply_plan(client, plan_changes(account, [tracker("1", "Foo", ["x"])]), confirm=True)
    assert set(methods) == {"GET"} and emu.write_log == []
    assert not list(tmp_path.iterdir())  # a dry run writes no backup either


@pytest.mark.network
def test_no_secret_in_plans_previews_backups_reports_or_errors(tmp_path):
    emu = SymblEmulator([tracker("1", "Foo"), tracker("2", "Bar")], app_secret="s3cret-app-secret-value")
    with (
        emu.serve() as url,
        SymblClient(app_id=emu.app_id, app_secret=emu.app_secret, base_url=url) as client,
    ):
        account = client.list_trackers()
        client.write("POST", "/v1/manage/tracker", {"name": "Baz renamed", "vocabulary": FIVE})
        plan = plan_changes(account, [tracker("1", "Foo", [*FIVE[:4], "six"]), tracker("2", "Baz renamed")])
        report = apply_plan(client, plan, confirm=True, backup_dir=tmp_path, backoff=0.01)
        assert report.results[1].status == "failed"  # the 409: an error message in the report
        texts = [
            plan.to_json(),
            str(plan.preview()),
            plan.preview("plural")._repr_html_(),
            (tmp_path / report.backup_path.rsplit("/", 1)[-1]).read_text(),
            str(report),
            json.dumps(report.to_dict()),
            report.results[1].detail,
        ]
    secrets = [*emu.issued_tokens, emu.app_secret]
    assert len(secrets) >= 2
    for text in texts:
        for secret in secrets:
            assert secret not in text


@pytest.mark.network
def test_client_apply_confirmed_with_the_client_route(tmp_path):
    emu = SymblEmulator([tracker("1", "Foo")])
    with emu.serve() as url, SymblClient(token=emu.issue_token(), base_url=url, id_route="plural") as client:
        plan = plan_changes(client.list_trackers(), [tracker("1", "Foo", [*FIVE[:4], "six"])])
        report = client.apply(plan, confirm=True, backup_dir=tmp_path)
    assert report.ok and [m for m, _ in emu.write_log] == ["PATCH"]
    assert emu.trackers[0].vocabulary == (*FIVE[:4], "six")
    assert [t["name"] for t in json.loads(Path(report.backup_path).read_text())["trackers"]] == ["Foo"]
