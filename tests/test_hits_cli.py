"""``trackerkit hits`` (issue 15): rates, dead phrases, coverage, formats and the pipeline gate."""

from __future__ import annotations

import json

from trackerkit.cli import EXIT_AUDIT, EXIT_OK, EXIT_USAGE, main


def test_rates_table_of_the_sample_from_stored_results(capsys):
    assert main(["hits", "sample", "sample", "--results", "sample"]) == EXIT_OK
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split()[:3] == ["tracker", "languages", "conversations_in_scope"]
    assert "Decision Maker" in out
    assert "2 tracker(s) without a hit, 483 dead phrase(s) of 786, over 120 conversation(s)" in err


def test_dead_phrases_as_json_and_the_gate(capsys):
    code = main(["hits", "sample", "sample", "--results", "sample", "--show", "dead", "--format", "json"])
    assert code == EXIT_OK
    rows = json.loads(capsys.readouterr().out)
    pricing = [r["phrase"] for r in rows if r["tracker"] == "Pricing Inquiry"]
    assert len(pricing) == 25 and "what is the list price" in pricing
    gated = ["hits", "sample", "sample", "--results", "sample", "--show", "dead", "--fail-on-dead"]
    assert main([*gated, "--format", "csv"]) == EXIT_AUDIT


def test_coverage_as_csv_from_a_replay(capsys):
    assert main(["hits", "sample", "sample", "--show", "coverage", "--format", "csv"]) == EXIT_OK
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "conversation_id,messages,language,start_time"
    assert len(lines) >= 2


def test_a_missing_conversations_file_is_bad_usage(capsys, tmp_path):
    assert main(["hits", "sample", str(tmp_path / "missing.jsonl")]) == EXIT_USAGE
    assert "error" in capsys.readouterr().err
