"""``trackerkit diff``, ``plan`` and ``apply`` (in process; apply over loopback)."""

from __future__ import annotations

import json

import pytest

from trackerkit.cli import main
from trackerkit.emulator import SymblEmulator
from trackerkit.snapshot import save_snapshot

FIVE = ["one", "two", "three", "four", "five"]


@pytest.fixture
def files(tmp_path):
    before = [{"id": "1", "name": "Foo", "vocabulary": FIVE}, {"id": "2", "name": "Bar", "vocabulary": FIVE}]
    after = [
        {"id": "1", "name": "Foo", "vocabulary": [*FIVE[:4], "fiv"]},
        {"id": "", "name": "Baz", "vocabulary": FIVE},
    ]
    bad = [{"id": "1", "name": "Foo", "vocabulary": ["x"]}, before[1]]
    paths = {}
    for name, records in (("before", before), ("after", after), ("bad", bad)):
        path = tmp_path / f"{name}.json"
        path.write_text(json.dumps({"trackers": records}))
        paths[name] = str(path)
    return paths, before


def test_diff_command(files, capsys):
    paths, _ = files
    assert main(["diff", paths["before"], paths["after"], "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["tracker"], r["change"]) for r in rows] == [
        ("Bar", "tracker removed"),
        ("Foo", "phrase edited"),
        ("Baz", "tracker added"),
    ]


def test_plan_command_saves_the_plan_and_flags_violations(files, tmp_path, capsys):
    paths, _ = files
    out = tmp_path / "plan.json"
    assert main(["plan", paths["before"], paths["after"], "-o", str(out)]) == 0
    shown = capsys.readouterr().out
    assert "PUT /v1/manage/tracker/1" in shown and "DELETE /v1/manage/tracker/2" in shown
    assert [op["kind"] for op in json.loads(out.read_text())["operations"]] == ["delete", "update", "create"]
    assert main(["plan", paths["before"], paths["bad"]]) == 1
    assert "5 to 50 phrases" in capsys.readouterr().out


@pytest.mark.network
def test_apply_is_a_dry_run_without_yes_and_applies_with_it(files, tmp_path, capsys, monkeypatch):
    paths, before = files
    plan_path = tmp_path / "plan.json"
    assert main(["plan", paths["before"], paths["after"], "-o", str(plan_path)]) == 0
    emu = SymblEmulator(before)
    with emu.serve() as url:
        monkeypatch.setenv("SYMBL_ACCESS_TOKEN", emu.issue_token())
        assert main(["apply", str(plan_path), "--base-url", url]) == 0
        assert emu.count() == 0  # a dry run does not even connect
        assert "dry run: nothing sent" in capsys.readouterr().err
        backups = tmp_path / "backups"
        code = main(["apply", str(plan_path), "--yes", "--base-url", url, "--backup-dir", str(backups)])
        shown = capsys.readouterr().out
    assert code == 0, shown
    assert "all operations verified" in shown and str(backups) in shown
    assert sorted(t.name for t in emu.trackers) == ["Baz", "Foo"]
    assert len(list(backups.iterdir())) == 1
    save_snapshot(emu.trackers, tmp_path / "now.json")
    assert main(["diff", paths["after"], str(tmp_path / "now.json")]) == 0
    assert "tracker added" in capsys.readouterr().out  # Baz: same content, a real id now


@pytest.mark.parametrize("command", ["diff", "plan", "apply"])
def test_help_has_an_example(command, capsys):
    with pytest.raises(SystemExit):
        main([command, "--help"])
    assert f"example:\n  trackerkit {command}" in capsys.readouterr().out
