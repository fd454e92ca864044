"""The command line, through real subprocesses: every command, formats, exit codes, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import trackerkit
from trackerkit.emulator import SymblEmulator

HOSTILE = "<img src=x onerror=alert(1)>"


def run(
    *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith("SYMBL_")}
    return subprocess.run(
        [sys.executable, "-m", "trackerkit", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        cwd=cwd,
        timeout=120,
    )


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "account.json"
    trackerkit.save_snapshot(trackerkit.load_trackers("sample"), path)
    return path


@pytest.fixture(scope="module")
def clean_snapshot(tmp_path_factory) -> Path:
    """A small account with nothing worse than a warning."""
    path = tmp_path_factory.mktemp("cli") / "clean.json"
    trackerkit.save_snapshot(
        [
            {
                "id": "1000000000000001",
                "name": "Billing",
                "vocabulary": [
                    "send me the invoice",
                    "my card was charged twice",
                    "update my billing address",
                    "I need a receipt",
                    "where is my invoice",
                ],
            },
            {
                "id": "1000000000000002",
                "name": "Greeting",
                "vocabulary": [
                    "good morning",
                    "thanks for calling",
                    "how can I help you today",
                    "hello there",
                    "nice to meet you",
                ],
            },
        ],
        path,
    )
    return path


@pytest.mark.parametrize("source", ["sample", "snapshot"])
def test_summary_table_and_formats(source, snapshot):
    where = "sample" if source == "sample" else str(snapshot)
    table = run("summary", where)
    assert table.returncode == 0, table.stderr
    lines = table.stdout.splitlines()
    assert lines[0].split() == ["name", "tracker_id", "n_phrases", "n_unique_phrases", "languages"]
    assert set(lines[1]) <= {"-", " "}
    assert len(lines) == 2 + 48
    assert any(line.startswith("Voice Message") and " 26 " in line for line in lines)

    rows = list(csv.DictReader(io.StringIO(run("summary", where, "--format", "csv").stdout)))
    assert len(rows) == 48
    assert {r["name"]: r["n_phrases"] for r in rows}["Promotion Mention"] == "4"

    records = json.loads(run("summary", where, "--format", "json").stdout)
    assert records[0]["tracker_id"] == "5807963341258752"  # ids stay strings
    assert records[5]["languages"] == ["es-ES"]


def test_summary_sorted_by_phrases():
    rows = json.loads(run("summary", "--sort", "phrases", "--format", "json").stdout)
    counts = [r["n_phrases"] for r in rows]
    assert counts == sorted(counts, reverse=True)


def test_similar(snapshot):
    result = run("similar", str(snapshot), "-k", "3", "--format", "json")
    assert result.returncode == 0, result.stderr
    pairs = json.loads(result.stdout)
    assert len(pairs) == 3
    assert pairs[0]["score"] >= pairs[1]["score"] >= pairs[2]["score"]
    # the most similar pairs are the overlapping groups planted in the sample account
    planted = json.loads(
        (Path(trackerkit.__file__).parent / "data" / "planted_problems.json").read_text("utf-8")
    )
    groups = [set(p["trackers"]) for p in planted if p["kind"] == "overlapping_trackers"]
    for pair in pairs:
        assert any({pair["tracker_a"], pair["tracker_b"]} <= group for group in groups), pair
    word = json.loads(run("similar", "--analyzer", "word", "-k", "3", "--format", "json").stdout)
    assert [p["score"] for p in word] != [p["score"] for p in pairs]  # a different representation


def test_duplicates():
    result = run("duplicates", "--threshold", "0.95", "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows
    assert all(float(r["score"]) >= 0.95 for r in rows)
    assert any(r["phrase_a"] == "I want to cancel my subscription" for r in rows)
    within = json.loads(run("duplicates", "--scope", "within", "--format", "json").stdout)
    assert all(r["tracker_a"] == r["tracker_b"] for r in within)


def test_duplicates_k_best_partners():
    def pairs(*options: str) -> set[tuple[str, str, str, str]]:
        result = run("duplicates", "--scope", "all", "--threshold", "0.5", *options, "--format", "json")
        assert result.returncode == 0, result.stderr
        return {
            (p["tracker_a"], p["phrase_a"], p["tracker_b"], p["phrase_b"]) for p in json.loads(result.stdout)
        }

    one, every = pairs("-k", "1"), pairs("-k", "all")
    assert 0 < len(one) < len(every) and one <= every
    assert pairs() == pairs("-k", "10")  # the library's default
    bad = run("duplicates", "-k", "0")
    assert bad.returncode == 2 and "expected a count >= 1 or 'all'" in bad.stderr


def test_audit_gate_exit_codes(snapshot, clean_snapshot):
    failing = run("audit", str(snapshot))
    assert failing.returncode == 1
    assert "audit failed" in failing.stderr
    assert "forbidden_characters" in failing.stdout
    assert run("audit", str(snapshot), "--fail-on", "never").returncode == 0

    clean = run("audit", str(clean_snapshot), "--format", "json")
    findings = json.loads(clean.stdout)
    assert all(f["severity"] != "error" for f in findings)
    assert clean.returncode == 0, clean.stderr
    strict = run("audit", str(clean_snapshot), "--fail-on", "info")
    assert strict.returncode == (1 if findings else 0)


def test_match_with_and_without_a_source(snapshot):
    result = run("match", "I want to cancel my subscription", "can I get a discount", "--format", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    top = {r["text"]: r["tracker"] for r in rows if r["rank"] == 1}
    assert top == {
        "I want to cancel my subscription": "Cancellation Intent",
        "can I get a discount": "Discount Request",
    }
    assert all(r["evidence"] for r in rows)
    with_source = json.loads(
        run("match", str(snapshot), "talk to your manager", "-k", "1", "--format", "json").stdout
    )
    assert [r["text"] for r in with_source] == ["talk to your manager"]


def test_report_is_self_contained_and_escaped(tmp_path):
    account = tmp_path / "hostile.json"
    data = trackerkit.sample.sample_payload()
    data["trackers"].append(
        {
            "id": "9999999999999999",
            "name": HOSTILE,
            "vocabulary": ["<script>alert(2)</script>", "a b c d", "e f g h", "i j k l", "m n o p"],
        }
    )
    account.write_text(json.dumps(data), encoding="utf-8")
    out = tmp_path / "report.html"
    result = run("report", str(account), "-o", str(out))
    assert result.returncode == 0, result.stderr
    html = out.read_text(encoding="utf-8")
    assert HOSTILE not in html
    assert "<script" not in html.lower()
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert html.count('src="data:image/png;base64,') >= 2
    assert "http://" not in html and "https://" not in html  # nothing loads from elsewhere
    for section in (
        "Summary",
        "Vocabulary sizes",
        "Similarity between trackers",
        "Clusters",
        "Near-duplicate phrases",
        "Audit findings",
    ):
        assert section in html


def test_fetch_from_the_emulator_over_http(tmp_path):
    emulator = SymblEmulator()
    token = emulator.issue_token()
    out = tmp_path / "fetched.json"
    with emulator.serve() as url:
        result = run(
            "fetch",
            "--source",
            f"symbl:{url}",
            "-q",
            "--ids",
            "4476908732794496",
            "-o",
            str(out),
            env={"SYMBL_ACCESS_TOKEN": token},
        )
        assert result.returncode == 0, result.stderr
        assert token not in result.stderr + result.stdout
        assert trackerkit.load_trackers(out)["name"].tolist() == ["Promotion Mention"]
        whole = run("summary", f"symbl:{url}", "--format", "json", env={"SYMBL_ACCESS_TOKEN": token})
        assert len(json.loads(whole.stdout)) == 48
        denied = run("summary", f"symbl:{url}", env={"SYMBL_ACCESS_TOKEN": "not-a-valid-token"})
        assert denied.returncode == 3
        assert "401" in denied.stderr
        assert "not-a-valid-token" not in denied.stderr


def test_fetch_from_the_sample_by_name(tmp_path):
    out = tmp_path / "two.json"
    result = run("fetch", "--names", "Voice Message", "Greeting", "-o", str(out))
    assert result.returncode == 0, result.stderr
    assert "saved 2 trackers" in result.stderr
    assert trackerkit.load_trackers(out)["name"].tolist() == ["Voice Message", "Greeting"]


def test_exit_codes_for_bad_input_auth_and_network(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"trackers": [{"id": "1", "name": "A", "vocab', encoding="utf-8")
    result = run("summary", str(broken))
    assert result.returncode == 2
    assert result.stderr.startswith("trackerkit: error: ")
    assert "not valid JSON" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1

    missing = run("audit", str(tmp_path / "nope.json"))
    assert missing.returncode == 2
    assert "no such file" in missing.stderr

    unknown = run("fetch", "--names", "No Such Tracker", "-o", str(tmp_path / "x.json"))
    assert unknown.returncode == 2
    assert "No Such Tracker" in unknown.stderr

    no_credentials = run("summary", "symbl:", cwd=tmp_path, env={"HOME": str(tmp_path)})
    assert no_credentials.returncode == 3
    assert "SYMBL_APP_ID" in no_credentials.stderr

    refused = run("summary", "symbl:http://127.0.0.1:9", env={"SYMBL_ACCESS_TOKEN": "x" * 20})
    assert refused.returncode == 4
    assert "x" * 20 not in refused.stderr

    insecure = run("summary", "symbl:http://example.invalid", env={"SYMBL_ACCESS_TOKEN": "x" * 20})
    assert insecure.returncode == 2
    assert "https" in insecure.stderr

    bad_value = run("duplicates", "--threshold", "3")
    assert bad_value.returncode == 2
    assert "threshold" in bad_value.stderr

    usage = run("similar", "--analyzer", "nope")
    assert usage.returncode == 2
    assert "invalid choice" in usage.stderr


@pytest.mark.parametrize("command", ["fetch", "summary", "similar", "duplicates", "audit", "match", "report"])
def test_every_command_has_help_with_an_example(command):
    result = run(command, "--help")
    assert result.returncode == 0
    assert "example:" in result.stdout
    assert f"trackerkit {command}" in result.stdout


def test_version_and_console_script_entry_point():
    result = run("--version")
    assert result.stdout.strip() == f"trackerkit {trackerkit.__version__}"
    from importlib.metadata import entry_points

    scripts = {e.name: e.value for e in entry_points(group="console_scripts")}
    assert scripts.get("trackerkit") == "trackerkit.cli:main"


def test_control_characters_in_tracker_text_do_not_reach_the_terminal(tmp_path):
    path = tmp_path / "evil.json"
    trackerkit.save_snapshot(
        [
            {
                "id": "1000000000000003",
                "name": "Evil\x1b]0;pwned\x07\x1b[2J",
                "vocabulary": ["a", "b", "c", "d", "e"],
            }
        ],
        path,
    )
    result = run("summary", str(path))
    assert result.returncode == 0, result.stderr
    assert "\x1b" not in result.stdout
    assert "\x07" not in result.stdout
    assert "Evil\\u001b]0;pwned\\u0007\\u001b[2J" in result.stdout


def test_tracker_level_findings_show_a_blank_phrase_not_nan():
    result = run("audit", "--fail-on", "never")
    too_few = next(line for line in result.stdout.splitlines() if "too_few_phrases" in line)
    assert "nan" not in too_few.split()
    assert "Promotion Mention" in too_few


def test_report_on_an_empty_account_is_a_clear_error(tmp_path):
    path = tmp_path / "empty.json"
    trackerkit.save_snapshot([], path)
    result = run("report", str(path), "-o", str(tmp_path / "r.html"))
    assert result.returncode == 2
    assert "nothing to report on" in result.stderr
    assert not (tmp_path / "r.html").exists()


# -- exit codes: trackerkit's errors only; a bug keeps its traceback -----------------------


def _failing_source(error: BaseException):
    def open_source(*args, **kwargs):
        raise error

    return open_source


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (trackerkit.InvalidParameterError("k must be an integer >= 1; got 0", parameter="k"), 2),
        (trackerkit.TrackerDataError("not valid JSON"), 2),
        (trackerkit.TrackerNotFoundError("no tracker with this name or id: 'x'", keys=["x"]), 2),
        (trackerkit.AmbiguousTrackerError("a", [("1", "A"), ("2", "a")]), 2),
        (trackerkit.FileTargetError("'/dev/null' is a character device", path="/dev/null"), 2),
        (trackerkit.ResultTooLargeError("too many pairs", count=10, limit=5), 2),
        (trackerkit.CredentialsError("no credentials"), 3),
        (trackerkit.AuthenticationError("401 Unauthorized", status=401), 3),
        (trackerkit.TrackerNotFoundError("404 Not Found", status=404), 4),
        (trackerkit.ServerError("503 Service Unavailable", status=503), 4),
        (trackerkit.RateLimitError("429 Too Many Requests", status=429), 4),
        (trackerkit.TransportError("connection refused"), 4),
        (trackerkit.DeadlineExceededError("took more than 1 s", deadline=1.0), 4),
        (trackerkit.ResponseFormatError("not JSON"), 4),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, Exception) else str(value),
)
def test_each_trackerkit_error_has_its_documented_exit_code(monkeypatch, capsys, error, code):
    from trackerkit import cli

    monkeypatch.setattr(cli, "open_source", _failing_source(error))
    assert cli.main(["summary"]) == code
    assert capsys.readouterr().err == f"trackerkit: error: {error}\n"


@pytest.mark.parametrize("bug", [ValueError("a bug"), TypeError("a bug"), KeyError("a bug")])
def test_a_bug_is_not_reported_as_bad_usage(monkeypatch, bug):
    """Only trackerkit's errors are turned into a message: a plain ValueError from trackerkit's
    own code (or a library's) is a bug, and its traceback must reach the user."""
    from trackerkit import cli

    monkeypatch.setattr(cli, "open_source", _failing_source(bug))
    with pytest.raises(type(bug), match="a bug"):
        cli.main(["summary"])


def test_a_bug_shows_its_traceback_in_the_shell():
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, trackerkit.cli as cli\n"
            "def broken(*args, **kwargs): raise ValueError('internal bug')\n"
            "cli.open_source = broken\n"
            "sys.exit(cli.main(['summary']))",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1  # Python's own exit code for an uncaught exception
    assert "Traceback (most recent call last)" in result.stderr
    assert "ValueError: internal bug" in result.stderr


@pytest.mark.parametrize(
    "args", [["similar", "-k", "0"], ["match", "hello", "-k", "0"], ["duplicates", "--threshold", "-1"]]
)
def test_wrong_parameter_values_exit_2_with_the_parameter_named(args):
    # the library raises InvalidParameterError (a TrackerkitError): a message, not a traceback
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("trackerkit: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert ("threshold" if "--threshold" in args else "k must be") in result.stderr


def test_argparse_usage_errors_exit_2():
    for args in (["similar", "-k", "many"], ["nonsense"], ["audit", "--max-per-rule", "-1"], []):
        result = run(*args)
        assert result.returncode == 2, args
        assert "usage: trackerkit" in result.stderr


def test_help_uses_k_and_the_shared_defaults():
    from trackerkit.constants import DEFAULT_ANALYZER, DEFAULT_TRACKER_THRESHOLD

    def help_text(command: str) -> str:
        return " ".join(run(command, "--help").stdout.split())  # argparse wraps lines

    similar = help_text("similar")
    assert "-k N" in similar and "--top" not in similar
    assert f"default: {DEFAULT_ANALYZER}" in similar
    assert "-k N" in help_text("match")
    assert f"default: {DEFAULT_TRACKER_THRESHOLD}" in help_text("report")
