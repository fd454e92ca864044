"""The command line, through real subprocesses: every command, formats, exit codes, bad input."""

from __future__ import annotations

import csv
import io
import json
import os
import re
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
    # no ambient credentials, and no COLUMNS of the developer's shell: tables wrap only where a
    # test asks for it (without COLUMNS, output to a pipe keeps one line per row)
    base = {k: v for k, v in os.environ.items() if not k.startswith("SYMBL_") and k != "COLUMNS"}
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
    lines = table.stdout.split("\n\n")[0].splitlines()  # the table; its notes follow a blank line
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
    assert list(rows[0]) == ["text", "tracker", "match", "phrase", "offset", "matched_text", "score"]
    literal = {(r["text"], r["tracker"]) for r in rows if r["match"] == "literal"}
    assert ("I want to cancel my subscription", "Cancellation Intent") in literal
    assert ("can I get a discount", "Discount Request") in literal
    with_source = json.loads(
        run("match", str(snapshot), "can I get a discount", "-k", "1", "--format", "json").stdout
    )
    assert {r["text"] for r in with_source} == {"can I get a discount"}
    assert len({r["tracker"] for r in with_source}) == 1  # -k 1: the best tracker only


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
    "args",
    [["similar", "-k", "0"], ["match", "hello", "--threshold", "0"], ["duplicates", "--threshold", "-1"]],
)
def test_wrong_parameter_values_exit_2_with_the_parameter_named(args):
    # the library raises InvalidParameterError (a TrackerkitError): a message, not a traceback
    result = run(*args)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("trackerkit: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert ("threshold" if "--threshold" in args else "k must be") in result.stderr


def test_argparse_usage_errors_exit_2():
    for args in (
        ["similar", "-k", "many"],
        ["nonsense"],
        ["audit", "--max-per-rule", "-1"],
        ["match", "hello", "-k", "0"],
        [],
    ):
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


# -- help: plain text, every default shown ------------------------------------------------


def _subparsers() -> dict:
    import argparse

    from trackerkit.cli import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return {"trackerkit": parser, **sub.choices}


def test_help_is_plain_text_and_every_option_shows_its_default():
    import argparse

    parsers = _subparsers()
    assert set(parsers) == {
        "trackerkit",
        "fetch",
        "summary",
        "similar",
        "duplicates",
        "audit",
        "match",
        "report",
        "hits",
        "diff",
        "plan",
        "apply",
    }
    for name, parser in parsers.items():
        shown = run(*([] if name == "trackerkit" else [name]), "--help", env={"COLUMNS": "100"}).stdout
        assert "``" not in shown and ":func:" not in shown and ":data:" not in shown, name
        flat = " ".join(shown.split())  # argparse wraps lines
        for action in parser._actions:
            if isinstance(
                action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)
            ):
                continue
            if action.option_strings or action.nargs == "?":
                what = "(required)" if action.required else "(default: "
                assert what in action.help, (name, action.dest, action.help)
                assert " ".join(action.help.split()) in flat, (name, action.dest)
    # the shared defaults are the library's
    from trackerkit.constants import DEFAULT_MEANING_THRESHOLD, DEFAULT_PHRASE_THRESHOLD

    assert f"(default: {DEFAULT_MEANING_THRESHOLD})" in parsers["match"].format_help()
    assert f"(default: {DEFAULT_PHRASE_THRESHOLD})" in parsers["duplicates"].format_help()


def test_help_descriptions_wrap_to_the_terminal_and_keep_examples():
    shown = run("--help", env={"COLUMNS": "72"}).stdout
    assert "$ trackerkit audit account.json --fail-on warning" in shown  # an example, as written
    prose = [line for line in shown.splitlines() if not line.lstrip().startswith("$")]
    assert max(map(len, prose)) <= 72
    match = run("match", "--help", env={"COLUMNS": "72"}).stdout
    assert "example:\n  trackerkit match" in match
    assert max(map(len, match.splitlines())) <= 72


# -- tables: wrapped to the terminal, never cut; --wide; numbers explained -----------------

LONG = (
    "please could you tell me whether the annual plan includes the premium support package "
    "and the onboarding sessions for every member of my team"
)


@pytest.fixture(scope="module")
def long_account(tmp_path_factory) -> Path:
    """Two trackers sharing a 24-word phrase: 'shared_phrase' findings with long details."""
    path = tmp_path_factory.mktemp("cli") / "long.json"
    trackerkit.save_snapshot(
        [
            {
                "id": "1000000000000001",
                "name": "Billing",
                "vocabulary": [
                    "send me the invoice",
                    "my card was charged twice",
                    "update my billing address",
                    "where is my invoice",
                    LONG,
                ],
            },
            {
                "id": "1000000000000002",
                "name": "Plans",
                "vocabulary": [
                    "which plan is right for me",
                    "compare the plans",
                    "what does the pro plan include",
                    "is there a team plan",
                    LONG.capitalize() + "?",
                ],
            },
        ],
        path,
    )
    return path


def _table_rows(text: str) -> list[dict[str, str]]:
    """The rows of an aligned table, a wrapped cell joined back with single spaces."""
    lines = text.splitlines()
    header, rule = lines[0], lines[1]
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", rule)]
    names = [header[a:b].strip() for a, b in spans[:-1]] + [header[spans[-1][0] :].strip()]
    rows: list[dict[str, list[str]]] = []
    for line in lines[2:]:
        if not line.strip():
            break  # the notes under the table
        cells = [line[a:b].strip() for a, b in spans[:-1]] + [line[spans[-1][0] :].strip()]
        if cells[0]:
            rows.append({n: [] for n in names})
        for n, cell in zip(names, cells):
            if cell:
                rows[-1][n].append(cell)
    return [{n: " ".join(parts) for n, parts in row.items()} for row in rows]


def test_a_long_detail_wraps_to_columns_and_is_complete(long_account):
    findings = json.loads(run("audit", str(long_account), "--format", "json", "--fail-on", "never").stdout)
    details = [f["detail"] for f in findings if f["rule"] == "shared_phrase"]
    assert len(details) == 2 and all(len(d) > 150 for d in details)
    result = run("audit", str(long_account), "--fail-on", "never", env={"COLUMNS": "80"})
    assert result.returncode == 0, result.stderr
    assert max(map(len, result.stdout.splitlines())) <= 80
    assert "…" not in result.stdout  # nothing cut
    rows = _table_rows(result.stdout)
    assert [r["detail"] for r in rows] == [f["detail"] for f in findings]  # whole, in order
    assert [r["rule"] for r in rows] == [f["rule"] for f in findings]
    assert len(result.stdout.splitlines()) > 2 + len(findings)  # it did wrap


def test_wide_keeps_each_row_on_one_line(long_account):
    findings = json.loads(run("audit", str(long_account), "--format", "json", "--fail-on", "never").stdout)
    for options, env in (
        (["--wide"], {"COLUMNS": "80"}),  # asked for
        ([], None),  # a pipe and no COLUMNS: one line per row too
    ):
        result = run("audit", str(long_account), "--fail-on", "never", *options, env=env)
        lines = result.stdout.splitlines()
        assert len(lines) == 2 + len(findings), options
        for finding, line in zip(findings, lines[2:]):
            assert line.startswith(finding["severity"]) and line.endswith(finding["detail"])


def test_emit_wraps_text_keeps_numbers_whole_and_notes_once():
    import pandas as pd

    from trackerkit.cli import emit

    frame = pd.DataFrame({"tracker": ["Billing"], "detail": [" ".join(["word"] * 30)], "score": [0.25]})
    out = io.StringIO()
    emit(frame, "table", out, width=40, notes=["score: from 0 to 1."])
    lines = out.getvalue().splitlines()
    assert max(map(len, lines)) <= 40
    assert lines[2].endswith("0.250") and all("0.250" not in line for line in lines[3:])
    assert lines[-1] == "score: from 0 to 1." and out.getvalue().count("score:") == 1
    assert _table_rows(out.getvalue())[0]["detail"] == frame["detail"][0]
    wide = io.StringIO()
    emit(frame, "table", wide, width=None)
    assert len(wide.getvalue().splitlines()) == 3
    plain = io.StringIO()
    emit(frame, "csv", plain, width=40, notes=["score: from 0 to 1."])
    assert "score:" not in plain.getvalue().splitlines()[1:]  # notes are for people, not programs
    assert len(plain.getvalue().splitlines()) == 2


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (["summary"], ["n_phrases", "n_unique_phrases"]),
        (["similar", "-k", "3"], ["score"]),
        (["duplicates", "-k", "1"], ["score", "kind"]),
        (["match", "I want to cancel my subscription"], ["offset", "score"]),
    ],
)
def test_each_number_is_explained_once_under_the_table(args, columns):
    result = run(*args, env={"COLUMNS": "100"})
    assert result.returncode == 0, result.stderr
    notes = result.stdout.split("\n\n")[-1]
    for column in columns:
        explained = [line for line in notes.splitlines() if line.startswith(f"{column}:")]
        assert len(explained) == 1, (column, notes)
        assert result.stdout.count(f"\n{column}:") == 1
    assert "from 0" in notes or "Symbl accepts" in notes  # a scale, not only a name
    csv_text = run(*args, "--format", "csv").stdout
    assert all(f"{c}:" not in csv_text for c in columns)


# -- plurals -------------------------------------------------------------------------------


def test_counts_use_the_right_plural(tmp_path):
    from trackerkit.cli import count

    assert [count(n, "finding") for n in (0, 1, 2, 1200)] == [
        "0 findings",
        "1 finding",
        "2 findings",
        "1,200 findings",
    ]
    one = tmp_path / "one.json"
    trackerkit.save_snapshot(
        [
            {
                "id": "1000000000000001",
                "name": "Billing",
                "vocabulary": [
                    "send me the invoice",
                    "my card was charged twice",
                    "update my billing address",
                    "where is my invoice",
                ],
            }
        ],
        one,
    )
    result = run("audit", str(one), "--fail-on", "warning")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == "1 finding: 0 errors, 1 warning, 0 info"
    assert "audit failed: 1 finding at or above 'warning'" in result.stderr
    assert "1 findings" not in result.stderr
    fetched = run("fetch", "--names", "Voice Message", "-q", "-o", str(tmp_path / "v.json"))
    assert "saved 1 tracker (26 phrases)" in fetched.stderr
    single = run("match", "can I get a discount").stdout
    several = run("match", "please end my subscription").stdout
    assert '"can I get a discount" would trigger 2 trackers:' in single
    assert '"please end my subscription" would trigger 1 tracker:' in several


# -- match: the replay's semantics ---------------------------------------------------------


def test_match_on_a_nonsense_sentence_says_nothing_triggers():
    table = run("match", "asdf qwerty zxcv")
    assert table.returncode == 0, table.stderr
    assert table.stdout.startswith('"asdf qwerty zxcv" triggers no tracker')
    assert "tracker " not in table.stdout.split("\n", 1)[-1]  # no table, no ranked guesses
    as_json = run("match", "asdf qwerty zxcv", "--format", "json")
    assert json.loads(as_json.stdout) == []
    assert "triggers no tracker" in as_json.stderr
    literal_only = run("match", "asdf", "--literal-only").stdout
    assert "triggers no tracker" in literal_only and "--literal-only" in literal_only


def test_match_on_a_literal_phrase_shows_the_phrase_and_its_offset():
    text = "Honestly, can I get a discount on the annual plan?"
    rows = json.loads(run("match", text, "--format", "json").stdout)
    literal = [r for r in rows if r["match"] == "literal"]
    assert {r["tracker"] for r in literal} >= {"Discount Request"}
    for r in literal:
        assert r["score"] == 1.0
        assert text[r["offset"] : r["offset"] + len(r["matched_text"])] == r["matched_text"]
        assert r["matched_text"].casefold() in r["phrase"].casefold()
    discount = next(r for r in literal if r["tracker"] == "Discount Request")
    assert (discount["phrase"], discount["offset"], discount["matched_text"]) == (
        "can i get a discount",
        10,
        "can I get a discount",
    )
    table = run("match", text, env={"COLUMNS": "200"}).stdout
    row = next(line for line in table.splitlines() if line.startswith("Discount Request"))
    assert row.split("  ")[0] == "Discount Request"
    assert [cell.strip() for cell in row.split("  ") if cell.strip()] == [
        "Discount Request",
        "literal",
        "can i get a discount",
        "10",
        "can I get a discount",
        "1.000",
    ]


def test_match_by_meaning_has_a_score_between_the_threshold_and_1():
    rows = json.loads(run("match", "please end my subscription", "--format", "json").stdout)
    assert [(r["tracker"], r["match"], r["offset"], r["matched_text"]) for r in rows] == [
        ("Cancellation Intent", "meaning", -1, "")  # Symbl's -1: no place in the text
    ]
    assert 0.65 <= rows[0]["score"] <= 1
    table = run("match", "please end my subscription").stdout
    row = next(line for line in table.splitlines() if line.startswith("Cancellation Intent"))
    assert "-1" not in row  # a blank offset in the table
    for options in (["--literal-only"], ["--threshold", "0.9"]):
        quiet = run("match", "please end my subscription", *options, "--format", "json")
        assert json.loads(quiet.stdout) == [], options
        assert "triggers no tracker" in quiet.stderr


def test_match_language_gates_trackers_that_declare_languages():
    text = "¿Cómo puedo cancelar mi suscripción?"
    spanish = {r["tracker"] for r in json.loads(run("match", text, "--format", "json").stdout)}
    assert "Cancelación de Servicio" in spanish
    english = json.loads(run("match", text, "--language", "en-US", "--format", "json").stdout)
    assert "Cancelación de Servicio" not in {r["tracker"] for r in english}


def test_a_narrow_terminal_splits_long_words_rather_than_overflow():
    import pandas as pd

    from trackerkit.cli import emit

    frame = pd.DataFrame(
        {
            "rule": ["duplicate_phrase_normalized", "typo"],
            "tracker": ["Cancelación de Servicio", "Billing"],
            "detail": ["same phrase as position 3 once normalized; Symbl requires unique phrases", "x"],
        }
    )
    for width in (40, 60):
        out = io.StringIO()
        emit(frame, "table", out, width=width)
        lines = out.getvalue().splitlines()
        assert max(map(len, lines)) <= width, width
        spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[1])]
        for name, (a, b) in zip(frame.columns, spans):
            pieces = "".join(line[a:b] for line in lines[2:]).replace(" ", "")
            assert pieces == "".join(frame[name]).replace(" ", ""), (width, name)  # all there, in order
    roomy = io.StringIO()
    emit(frame, "table", roomy, width=90)  # room enough: words stay whole
    assert "duplicate_phrase_normalized" in roomy.getvalue()


def test_tables_align_and_wrap_by_terminal_columns_not_characters():
    import pandas as pd
    from wcwidth import wcswidth

    from trackerkit.cli import emit

    frame = pd.DataFrame(
        {
            "tracker": ["請求書の再発行", "Billing", "Cancelación de Servicio"],
            "phrases": [12, 7, 30],
            "detail": ["請求書をもう一度送ってください 請求金額が違います", "plain words here", "ñandú"],
        }
    )
    one_line = io.StringIO()
    emit(frame, "table", one_line, width=None)
    lines = one_line.getvalue().splitlines()
    # every row's number ends in the same terminal column, wide characters counted as two
    ends = {
        wcswidth(line[: line.index(str(n)) + len(str(n))]) for line, n in zip(lines[2:], frame["phrases"])
    }
    assert len(ends) == 1
    for width in (36, 44):
        out = io.StringIO()
        emit(frame, "table", out, width=width)
        lines = out.getvalue().splitlines()
        assert max(wcswidth(line) for line in lines) <= width, width
        # nothing is lost: the wrapped pieces give each cell back, in order
        text = "".join(lines[2:]).replace(" ", "")
        position = 0
        for value in frame["detail"]:
            for piece in value.replace(" ", ""):
                position = text.index(piece, position) + 1
