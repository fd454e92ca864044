"""Issue 17, items 9-12 and 14-16: files and paths, text that executes elsewhere, analysis edges.

Real files (FIFOs, device nodes, sockets, symlinks, sparse files), real subprocesses (the CLI, a
writer killed mid-save) and real loopback servers; one section per item of the issue.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import textwrap
import threading
import warnings
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import trackerkit
from trackerkit import Tracker, TrackerDataError, TrackerkitError, load_trackers, save_snapshot
from trackerkit.analysis.audit import not_listed

# Characters a terminal obeys or that reorder what it shows: ESC, BEL, CSI (C1), RLO (bidi).
TERMINAL_CONTROLS = ("\x1b", "\x07", "\x9b", "\u202e")


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    """``python -m trackerkit ARGS`` in a real process, without the caller's SYMBL_ variables."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("SYMBL_")}
    result = subprocess.run(
        [sys.executable, "-m", "trackerkit", *args],
        capture_output=True,  # bytes: no newline translation hides a raw CR
        env={**base, "PYTHONIOENCODING": "utf-8", **(env or {})},
        timeout=300,
    )
    result.stdout = result.stdout.decode("utf-8")
    result.stderr = result.stderr.decode("utf-8")
    return result


@contextlib.contextmanager
def stub_server(status: int, body: bytes, content_type: str = "application/json") -> Iterator[str]:
    """A server on 127.0.0.1 answering every GET with ``status`` and ``body``; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def five(prefix: str) -> list[str]:
    return [f"{prefix} phrase {k}" for k in range(5)]


# ============================================================================ item 9
# load_trackers of a huge file must not read it whole: a size cap, a clear error, a parameter.


def test_09_a_file_over_the_limit_is_refused_and_the_limit_can_be_raised(tmp_path):
    path = tmp_path / "account.json"
    save_snapshot([Tracker(id="1", name="A", vocabulary=("hello there",))], path)
    size = path.stat().st_size
    with pytest.raises(TrackerDataError) as info:
        load_trackers(path, max_file_bytes=size - 1)
    message = str(info.value)
    assert str(path) in message
    assert f"{size:,} bytes" in message and f"{size - 1:,} bytes limit" in message
    assert "max_file_bytes" in message  # says how to raise it
    assert load_trackers(path, max_file_bytes=size)["name"].tolist() == ["A"]
    assert load_trackers(path, max_file_bytes=None)["name"].tolist() == ["A"]
    with pytest.raises(ValueError, match="max_bytes"):
        load_trackers(path, max_file_bytes=-1)


def test_09_the_default_limit_refuses_a_huge_file_before_reading_it(tmp_path):
    path = tmp_path / "huge.json"
    with path.open("wb") as handle:  # sparse: 257 MiB on paper, nothing on disk
        handle.truncate(257 * 2**20)
    with pytest.raises(TrackerDataError) as info:
        load_trackers(path)
    message = str(info.value)
    assert "257.0 MiB" in message and "256.0 MiB limit" in message
    assert "max_file_bytes" in message
    assert trackerkit.constants.DEFAULT_MAX_FILE_BYTES == 256 * 2**20


def test_09_a_fifo_is_not_read_and_the_message_says_what_it_is(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    with pytest.raises(TrackerDataError, match="not a regular file"):
        load_trackers(fifo)  # never blocks waiting for a writer


# ============================================================================ item 10
# CSV formula injection (OWASP) and control characters in every output format and on stderr.

FORMULAS = {
    "1000000000000001": '=HYPERLINK("http://evil.example","click")',
    "1000000000000002": "+cmd|' /C calc'!A0",
    "1000000000000003": "-2+3",
    "1000000000000004": "@SUM(1+1)",
    "1000000000000005": "\tTabbed",
    "1000000000000006": "\rReturned",
    "1000000000000007": "Plain name",
}


@pytest.fixture
def formula_account(tmp_path) -> Path:
    path = tmp_path / "formulas.json"
    save_snapshot(
        [{"id": tid, "name": name, "vocabulary": five(f"t{tid[-1]}")} for tid, name in FORMULAS.items()],
        path,
    )
    return path


def test_10_csv_cells_a_spreadsheet_would_run_get_a_leading_quote(formula_account):
    result = run_cli("summary", str(formula_account), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    names = {row["tracker_id"]: row["name"] for row in rows}
    for tid, name in FORMULAS.items():
        cell = names[tid]
        assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
        if name.startswith(("=", "+", "-", "@")):
            assert cell == "'" + name  # OWASP: prefix a single quote, keep the rest
    assert names["1000000000000005"] == "\\u0009Tabbed"  # a control character, escaped
    assert names["1000000000000007"] == "Plain name"
    assert [int(row["n_phrases"]) for row in rows] == [5] * 7  # numbers stay numbers
    help_text = run_cli("summary", "--help").stdout
    assert "--csv-raw" in help_text and "OWASP" in help_text
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    assert "--csv-raw" in readme and "formula" in readme


def test_10_csv_raw_gives_programs_the_cells_as_they_are(formula_account):
    result = run_cli("summary", str(formula_account), "--csv-raw")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    assert {row["tracker_id"]: row["name"] for row in rows} == FORMULAS


def test_10_control_characters_never_reach_the_terminal_in_csv_or_json(tmp_path):
    hostile = "Evil\x1b]0;pwned\x07\x1b[2J\u202eright-to-left\x9b31m"
    path = tmp_path / "evil.json"
    save_snapshot(
        [{"id": "1000000000000008", "name": hostile, "vocabulary": [*five("evil"), "say \x1b[5m hi"]}], path
    )
    for fmt in ("csv", "json", "table"):
        result = run_cli("audit", str(path), "--format", fmt, "--fail-on", "never")
        assert result.returncode == 0, result.stderr
        for char in TERMINAL_CONTROLS:
            assert char not in result.stdout, (fmt, char)
            assert char not in result.stderr, (fmt, char)
    # JSON escapes are the same data to a parser: nothing lost
    result = run_cli("summary", str(path), "--format", "json")
    assert json.loads(result.stdout)[0]["name"] == hostile
    assert "\\u001b" in result.stdout and "\\u202e" in result.stdout
    csv_text = run_cli("summary", str(path), "--format", "csv").stdout
    assert "Evil\\u001b]0;pwned\\u0007\\u001b[2J\\u202eright-to-left\\u009b31m" in csv_text


def test_10_a_server_error_message_with_ansi_sequences_is_escaped_on_stderr():
    message = "\x1b]0;owned\x07\x1b[2J\x1b[31mtoken revoked\x1b[0m \u202eevil"
    body = json.dumps({"message": message}).encode()
    with stub_server(401, body) as url:
        result = run_cli("summary", f"symbl:{url}", env={"SYMBL_ACCESS_TOKEN": "test-token-1234"})
    assert result.returncode == 3, result.stderr
    assert "token revoked" in result.stderr
    for char in TERMINAL_CONTROLS:
        assert char not in result.stderr, char
    assert "\\u001b[31mtoken revoked" in result.stderr


# ============================================================================ item 11
# The report must not echo raw tracker text to stderr through matplotlib's warnings.


def test_11_report_warnings_about_tracker_text_are_escaped(tmp_path):
    path = tmp_path / "evil.json"
    save_snapshot(
        [
            {"id": "1000000000000010", "name": "Bell\x07 and \x1b[2J clear", "vocabulary": five("alpha")},
            {"id": "1000000000000011", "name": "Quiet", "vocabulary": five("alpha")},
        ],
        path,
    )
    result = run_cli("report", str(path), "-o", str(tmp_path / "report.html"))
    assert result.returncode == 0, result.stderr
    assert "Glyph" in result.stderr  # matplotlib did warn about the characters it cannot draw
    for char in TERMINAL_CONTROLS:
        assert char not in result.stderr, char
    assert "\\u001b" in result.stderr and "\\u0007" in result.stderr


def test_11_report_warnings_stay_warnings_with_printable_text():
    from trackerkit.report import build_report

    account = [
        {"id": "1", "name": "Esc\x1b[31m", "vocabulary": five("one")},
        {"id": "2", "name": "Other", "vocabulary": five("one")},
    ]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build_report(account)
    glyphs = [str(w.message) for w in caught if "Glyph" in str(w.message)]
    assert glyphs, "matplotlib should warn about the missing glyph"
    assert all(text.isprintable() for text in glyphs), glyphs
    assert all(issubclass(w.category, UserWarning) for w in caught if "Glyph" in str(w.message))


# ============================================================================ item 12
# save_snapshot to FIFOs, devices, sockets, directories, symlinks; stale temporaries; modes.

RECORDS = [Tracker(id="1", name="A", vocabulary=("x",))]


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def _fifo(folder: Path) -> Path:
    os.mkfifo(folder / "target")
    return folder / "target"


def _socket(folder: Path) -> Path:
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(folder / "target"))
    sock.close()  # the socket file stays
    return folder / "target"


def _directory(folder: Path) -> Path:
    (folder / "target").mkdir()
    return folder / "target"


def _link_to_dev_null(folder: Path) -> Path:
    # refused before any write; even code that wrongly renamed over it would only replace the link
    os.symlink("/dev/null", folder / "target")
    return folder / "target"


def _device_node(folder: Path) -> Path:
    try:
        os.mknod(folder / "target", stat.S_IFCHR | 0o600, os.makedev(1, 3))  # a private /dev/null
    except PermissionError:
        pytest.skip("creating device nodes needs CAP_MKNOD (the /dev/null symlink case still runs)")
    return folder / "target"


@pytest.mark.parametrize(
    ("make", "kind", "check"),
    [
        (_fifo, "a FIFO", stat.S_ISFIFO),
        (_device_node, "a character device", stat.S_ISCHR),
        (_link_to_dev_null, "a character device", stat.S_ISLNK),
        (_socket, "a socket", stat.S_ISSOCK),
        (_directory, "a directory", stat.S_ISDIR),
    ],
    ids=["fifo", "device-node", "symlink-to-dev-null", "socket", "directory"],
)
def test_12_non_regular_targets_are_refused_and_left_alone(tmp_path, make, kind, check):
    target = make(tmp_path)
    with pytest.raises(TrackerkitError) as info:
        save_snapshot(RECORDS, target)
    assert isinstance(info.value, trackerkit.FileTargetError) and isinstance(info.value, OSError)
    assert kind in str(info.value) and str(target) in str(info.value)
    assert info.value.path == str(target)
    assert check(os.lstat(target).st_mode)  # still what it was
    assert leftovers(tmp_path) == []  # nothing was written
    assert os.path.realpath("/dev/null") == "/dev/null" and stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_12_the_cli_refuses_a_fifo_with_exit_code_2(tmp_path):
    fifo = _fifo(tmp_path)
    result = run_cli("fetch", "--source", "sample", "-o", str(fifo), "-q")
    assert result.returncode == 2, result.stderr
    assert "a FIFO" in result.stderr and "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)


def test_12_a_symlink_is_followed_the_target_replaced_atomically_and_the_link_kept(tmp_path):
    real = tmp_path / "store" / "account.json"
    real.parent.mkdir()
    save_snapshot([Tracker(id="9", name="old", vocabulary=("y",))], real)
    os.chmod(real, 0o640)
    link = tmp_path / "account.json"
    os.symlink(os.path.relpath(real, tmp_path), link)
    assert save_snapshot(RECORDS, link) == link
    assert os.path.islink(link)  # the link itself is kept
    assert load_trackers(real)["name"].tolist() == ["A"]  # its target holds the new snapshot
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert leftovers(tmp_path) == [] and leftovers(real.parent) == []
    # a dangling link creates the file it points to
    dangling = tmp_path / "new.json"
    os.symlink("store/created.json", dangling)
    save_snapshot(RECORDS, dangling)
    assert os.path.islink(dangling) and (real.parent / "created.json").is_file()


_WRITER = textwrap.dedent(
    """
    import os, sys, time
    import trackerkit

    def stop_before_rename(*args, **kwargs):  # the temporary file is written, not yet renamed
        print("written", flush=True)
        time.sleep(600)

    os.replace = stop_before_rename
    trackerkit.save_snapshot([{"id": "7", "name": "half", "vocabulary": ["z"]}], sys.argv[1])
    """
)


def _writer_paused_before_rename(target: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(target)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "written"
    return process


def test_12_temporaries_of_killed_writers_are_removed_by_the_next_save(tmp_path):
    target = tmp_path / "account.json"
    save_snapshot(RECORDS, target)
    killed = _writer_paused_before_rename(target)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    abandoned = leftovers(tmp_path)
    assert len(abandoned) == 1  # what an interrupted save leaves behind
    (tmp_path / ".account.json.abcd_123.tmp").write_text("left by hand")  # the same pattern
    (tmp_path / ".other.json.abcd1234.tmp").write_text("another file's")  # not ours to touch
    (tmp_path / "notes.tmp").write_text("not a temporary of ours")
    alive = _writer_paused_before_rename(target)  # holds its temporary file while it writes
    try:
        live = sorted(set(leftovers(tmp_path)) - set(abandoned) - {".account.json.abcd_123.tmp"})
        live = [name for name in live if name.startswith(".account.json.")]
        assert len(live) == 1
        save_snapshot(RECORDS, target)
        assert leftovers(tmp_path) == sorted([".other.json.abcd1234.tmp", "notes.tmp", *live])
    finally:
        alive.send_signal(signal.SIGKILL)
        alive.wait()
    save_snapshot(RECORDS, target)  # the writer is gone now: its temporary goes too
    assert leftovers(tmp_path) == [".other.json.abcd1234.tmp", "notes.tmp"]
    assert load_trackers(target)["name"].tolist() == ["A"]


def test_12_an_existing_file_keeps_its_permissions_a_new_one_is_private(tmp_path):
    shared = tmp_path / "shared.json"
    shared.write_text("{}")
    os.chmod(shared, 0o644)
    save_snapshot(RECORDS, shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o644
    os.chmod(shared, 0o660)
    save_snapshot(RECORDS, shared)
    assert stat.S_IMODE(os.stat(shared).st_mode) == 0o660
    fresh = tmp_path / "fresh.json"
    save_snapshot(RECORDS, fresh)
    assert stat.S_IMODE(os.stat(fresh).st_mode) == 0o600


# ============================================================================ item 14
# Lone surrogates and NaN/Infinity: decided at load time, so what loads can be saved and re-read.


def _strict_loads(text: str) -> object:
    def refuse(constant: str) -> object:
        raise ValueError(f"strict JSON has no {constant}")

    return json.loads(text, parse_constant=refuse)


@pytest.mark.parametrize(
    ("entry", "field", "what"),
    [
        ('{"id": "5", "name": "A", "vocabulary": ["ok", "bad \\ud800 text"]}', "vocabulary[1]", "U+D800"),
        ('{"id": "5", "name": "N\\udfff", "vocabulary": ["ok"]}', "name", "U+DFFF"),
        ('{"id": "5", "name": "A", "vocabulary": ["ok"], "meta": {"score": NaN}}', "meta.score", "NaN"),
        ('{"id": "5", "name": "A", "vocabulary": ["ok"], "weights": [1, -Infinity]}', "weights[1]", "-inf"),
    ],
    ids=["surrogate-phrase", "surrogate-name", "nan", "infinity"],
)
def test_14_text_and_numbers_strict_json_cannot_hold_are_refused_at_load(tmp_path, entry, field, what):
    path = tmp_path / "response.json"
    path.write_text(f'{{"trackers": [{{"id": "4", "name": "Fine", "vocabulary": ["a"]}}, {entry}]}}')
    with pytest.raises(TrackerDataError) as info:
        load_trackers(path)
    message = str(info.value)
    assert "entry 1" in message and "id '5'" in message and f"field {field!r}" in message
    assert what in message
    message.encode("utf-8")  # the message itself can be printed
    assert info.value.field == field and info.value.tracker_id == "5"


def test_14_nan_from_a_server_is_a_clear_error_not_a_broken_snapshot(tmp_path):
    body = b'{"trackers": [{"id": "6", "name": "Scored", "vocabulary": ["x"], "score": NaN}]}'
    with (
        stub_server(200, body) as url,
        trackerkit.SymblClient(token="t0k3n", base_url=url) as client,
        pytest.raises(TrackerkitError) as info,
    ):
        load_trackers(client)
    assert "'score'" in str(info.value) and "NaN" in str(info.value)


def test_14_what_loads_is_saved_as_strict_json_and_reads_back(tmp_path):
    path = tmp_path / "account.json"
    account = load_trackers(
        [{"id": "1", "name": "Ünïcode 🎉", "vocabulary": ["a\u200db", "é"], "ratio": 0.5, "big": 10**30}]
    )
    save_snapshot(account, path)
    document = _strict_loads(path.read_text(encoding="utf-8"))
    assert document["trackers"][0]["ratio"] == 0.5
    assert load_trackers(path)["vocabulary"].tolist() == [["a\u200db", "é"]]
    # records built by hand bypass from_dict: the save refuses them before writing anything
    for bad, field in (
        (Tracker(id="2", name="N", vocabulary=("ok",), extra={"score": float("nan")}), "score"),
        (
            Tracker(
                id="3",
                name="N",
                vocabulary=("ok", "x\udc80"),
            ),
            "vocabulary[1]",
        ),
    ):
        target = tmp_path / f"bad-{bad.id}.json"
        with pytest.raises(TrackerDataError) as info:
            save_snapshot([bad], target)
        assert f"id {bad.id!r}" in str(info.value) and f"field {field!r}" in str(info.value)
        assert not target.exists() and leftovers(tmp_path) == []


# ============================================================================ item 15
# similar_phrases on a hopeless query: a typed error early, saying how to narrow it.


def _distinct_phrases(n: int, per_tracker: int = 50) -> list[dict]:
    words = [
        "order",
        "refund",
        "cancel",
        "account",
        "password",
        "invoice",
        "billing",
        "card",
        "payment",
        "delivery",
    ]
    trackers = []
    for t in range(0, n, per_tracker):
        vocabulary = [
            f"{words[k % 10]} {words[(k // 10) % 10]} {words[(k // 100) % 10]} number {k}"
            for k in range(t, min(n, t + per_tracker))
        ]
        trackers.append({"id": str(10**15 + t), "name": f"T{t}", "vocabulary": vocabulary})
    return trackers


def test_15_a_low_threshold_without_k_is_refused_early_with_advice():
    account = _distinct_phrases(3000)
    with pytest.raises(trackerkit.ResultTooLargeError) as info:
        trackerkit.similar_phrases(account, threshold=0.01, k=None, max_pairs=200_000)
    error = info.value
    assert isinstance(error, ValueError) and isinstance(error, TrackerkitError)
    assert error.limit == 200_000 and error.count > 200_000
    message = str(error)
    for hint in ("raise threshold", "set k", "select", "max_pairs"):
        assert hint in message, hint
    # the same account with a usable query works
    assert len(trackerkit.similar_phrases(account, threshold=0.01, k=2, max_pairs=200_000)) > 0
    assert trackerkit.similar_phrases.__kwdefaults__["max_pairs"] == 5_000_000


def test_15_the_search_itself_stops_at_the_limit():
    # 40 groups of 50 phrases that differ by one word: many pairs inside groups, few overall,
    # so a sample of random pairs does not see the size and the search must stop
    account = [
        {
            "id": str(10**15 + g),
            "name": f"G{g}",
            "vocabulary": [f"group {g} topic alpha bravo charlie item{k}" for k in range(50)],
        }
        for g in range(40)
    ]
    pairs = trackerkit.similar_phrases(account, threshold=0.5, k=None, scope="within", max_pairs=None)
    n_pairs = len(pairs)
    assert n_pairs > 40 * 1000
    with pytest.raises(trackerkit.ResultTooLargeError) as info:
        trackerkit.similar_phrases(account, threshold=0.5, k=None, scope="within", max_pairs=n_pairs - 1)
    assert "estimated" not in str(info.value)  # stopped by the search, not the sample
    assert (
        len(trackerkit.similar_phrases(account, threshold=0.5, k=None, scope="within", max_pairs=n_pairs))
        == n_pairs
    )


@pytest.mark.parametrize("scope", ["across", "within", "all"])
def test_15_occurrence_pairs_are_counted_exactly_before_they_are_built(scope):
    # one phrase in 300 trackers (twice in each of the first 10): 44,850+ exact-duplicate pairs
    account = [
        {"id": str(10**15 + t), "name": f"T{t}", "vocabulary": ["the same phrase"] * (2 if t < 10 else 1)}
        for t in range(300)
    ]
    expected = len(trackerkit.similar_phrases(account, scope=scope, max_pairs=None))
    assert expected == {"across": 310 * 309 // 2 - 10, "within": 10, "all": 310 * 309 // 2}[scope]
    assert len(trackerkit.similar_phrases(account, scope=scope, max_pairs=expected)) == expected
    with pytest.raises(trackerkit.ResultTooLargeError) as info:
        trackerkit.similar_phrases(account, scope=scope, max_pairs=expected - 1)
    assert info.value.count == expected
    assert f"{expected:,} pairs" in str(info.value)


def test_15_the_report_says_when_there_are_too_many_pairs_and_reports_the_rest(monkeypatch):
    import trackerkit.analysis
    from trackerkit.report import build_report

    real = trackerkit.analysis.similar_phrases

    def small_limit(*args, **kwargs):
        return real(*args, **kwargs, max_pairs=3)

    monkeypatch.setattr(trackerkit.analysis, "similar_phrases", small_limit)
    account = [{"id": str(10**15 + t), "name": f"T{t}", "vocabulary": five("same")} for t in range(4)]
    html = build_report(account)
    assert "Too many pairs to list: similar_phrases would return" in html and "over max_pairs=3" in html
    assert "Audit findings" in html and "shared_phrase" in html  # the rest of the report is there


# ============================================================================ item 16
# audit on an account with little variety: at most N findings per rule, and a summary row.


def _repetitive_account(n_trackers: int, phrases: list[str]) -> list[dict]:
    return [
        {"id": str(10**15 + t), "name": f"Tracker {t:03d}", "vocabulary": list(phrases)}
        for t in range(n_trackers)
    ]


SIX = [
    "reset my password",
    "cancel my order",
    "talk to an agent",
    "billing problem",
    "refund please",
    "hello",
]


def test_16_each_rule_keeps_its_first_findings_and_summarises_the_rest():
    account = _repetitive_account(60, SIX)
    full = trackerkit.audit(account, rules="shared_phrase", max_per_rule=None)
    assert len(full) == 360 and not_listed(full) == {}
    capped = trackerkit.audit(account, rules="shared_phrase", max_per_rule=50)
    assert len(capped) == 51
    listed, summary = capped.iloc[:50], capped.iloc[50]
    assert listed.drop(columns="detail").equals(full.iloc[:50].drop(columns="detail"))
    assert summary["rule"] == "shared_phrase" and summary["severity"] == "warning"
    assert summary["tracker"] == "" and summary["tracker_id"] == "" and pd_isna(summary["position"])
    assert "310 more shared_phrase findings not listed" in summary["detail"]
    assert not_listed(capped) == {"shared_phrase": 310}
    # a detail names a few of the other trackers, not all 59
    detail = listed["detail"].iloc[0]
    assert detail.count("Tracker ") == 10 and detail.endswith("and 49 more")
    from trackerkit.analysis import audit as audit_function

    assert audit_function.__kwdefaults__["max_per_rule"] == 1000


def pd_isna(value: object) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def test_16_the_cli_lists_at_most_the_default_per_rule_and_says_how_many_more(tmp_path):
    path = tmp_path / "repetitive.json"
    save_snapshot(_repetitive_account(300, SIX[:5]), path)
    result = run_cli("audit", str(path), "--format", "json", "--fail-on", "never")
    assert result.returncode == 0, result.stderr
    findings = json.loads(result.stdout)
    shared = [f for f in findings if f["rule"] == "shared_phrase"]
    assert len(shared) == 1001
    assert "500 more shared_phrase findings not listed" in shared[-1]["detail"]
    assert "500 more not listed" in result.stderr
    everything = run_cli("audit", str(path), "--format", "csv", "--fail-on", "never", "--max-per-rule", "all")
    assert (
        sum(1 for row in csv.DictReader(io.StringIO(everything.stdout)) if row["rule"] == "shared_phrase")
        == 1500
    )


def test_16_near_duplicates_too_many_to_search_become_one_summary_finding_each(monkeypatch):
    from trackerkit.analysis import _audit_rules

    real = _audit_rules.similar_phrases

    def small_limit(*args, **kwargs):
        return real(*args, **kwargs, max_pairs=10)

    monkeypatch.setattr(_audit_rules, "similar_phrases", small_limit)
    account = _repetitive_account(8, ["please reset my password now", "please reset my pasword now"])
    findings = trackerkit.audit(account, rules=["near_duplicate_within", "near_duplicate_phrase"])
    assert findings["rule"].tolist() == ["near_duplicate_within", "near_duplicate_phrase"]
    assert (findings["tracker"] == "").all()
    assert findings["detail"].str.contains("not checked").all()
    assert findings["detail"].str.contains("raise threshold").all()
    assert not_listed(findings) == {}  # not checked is not truncated
