"""The ``trackerkit`` command: summaries, similarity, duplicates, audit gates, match previews and
a shareable HTML report, from the shell.

    $ trackerkit summary                       # the bundled sample account
    $ trackerkit audit account.json --fail-on warning
    $ trackerkit fetch --source symbl: -o account.json   # the live API, credentials from the environment

SOURCE is ``sample`` (the default: the bundled account, read from the package data), a
path to a snapshot or saved API response, ``symbl:`` for the live API, or ``symbl:URL`` for
another server speaking the same protocol. Credentials come from ``SYMBL_ACCESS_TOKEN``, or
``SYMBL_APP_ID`` / ``SYMBL_APP_SECRET``, or a ``symbl.conf`` file; never from the command line.

Exit codes: 0 success; 1 the audit found problems at the ``--fail-on`` severity; 2 bad usage or
bad input (unreadable snapshot, unknown tracker); 3 authentication or missing credentials;
4 network, server or protocol failure.

Output is safe to look at: control characters and bidi overrides in tracker or server text are
shown as \\uXXXX escapes in every format and on stderr (JSON keeps them as JSON escapes, the
same data to a parser), and a CSV cell starting with = + - @ tab or CR gets a leading ' so a
spreadsheet shows it as text instead of running it as a formula (OWASP's rule). --csv-raw writes
CSV cells exactly as they are, for programs.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit import analysis, cli_hits, report
from trackerkit._text import formula_safe, json_printable, printable
from trackerkit._version import __version__
from trackerkit.analysis._audit import not_listed
from trackerkit.constants import (
    ANALYZERS,
    DEFAULT_ANALYZER,
    DEFAULT_MAX_PER_RULE,
    DEFAULT_PHRASE_PARTNERS,
    DEFAULT_PHRASE_THRESHOLD,
    DEFAULT_TRACKER_THRESHOLD,
    PHRASE_SCOPES,
    SEVERITIES,
)
from trackerkit.errors import (
    AuthenticationError,
    CredentialsError,
    InvalidParameterError,
    ResponseFormatError,
    SymblAPIError,
    TrackerkitError,
    TrackerNotFoundError,
    TransportError,
)
from trackerkit.loading import fetch_trackers, load_trackers
from trackerkit.lookup import select_trackers
from trackerkit.snapshot import save_snapshot

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["EXIT_AUDIT", "EXIT_AUTH", "EXIT_NETWORK", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_AUDIT = 1
EXIT_USAGE = 2
EXIT_AUTH = 3
EXIT_NETWORK = 4

_MAX_CELL = 60  # characters per table cell on a terminal; csv/json are never truncated


class _Parser(argparse.ArgumentParser):
    """argparse, with examples kept as written in ``--help``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        super().__init__(*args, **kwargs)


def open_source(
    source: str,
    *,
    ids: Sequence[str] | None = None,
    names: Sequence[str] | None = None,
    progress: bool = True,
) -> pd.DataFrame:
    """The trackers frame for a SOURCE string as the command line spells it."""
    if source.startswith("symbl:"):
        from trackerkit.api import SymblClient  # lazy: heavy (httpx), for live sources only

        base_url = source[len("symbl:") :] or None
        kwargs: dict[str, Any] = {} if base_url is None else {"base_url": base_url}
        with SymblClient(**kwargs) as client:
            return fetch_trackers(client, ids=ids, names=names, progress=progress)
    if ids or names:
        frame = load_trackers(source)
        return select_trackers(frame, [*(ids or []), *(names or [])])
    return load_trackers(source)


def _printable(text: str) -> str:
    """Control characters shown as escapes: a tracker name must not drive the terminal."""
    return printable(text)


def _csv_cell(value: Any) -> Any:
    """A CSV cell a terminal and a spreadsheet show as text (see the module docs)."""
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    return formula_safe(printable(value)) if isinstance(value, str) else value


def _format_cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    elif value is None or (isinstance(value, float) and value != value):  # None or NaN: blank
        value = ""
    elif isinstance(value, float):
        value = f"{value:.3f}"
    text = _printable(" ".join(str(value).split()))
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def emit(frame: pd.DataFrame, fmt: str, out: Any = None) -> None:
    """Write a frame as an aligned table, CSV (``"csv"``: formula-guarded and escaped;
    ``"csv-raw"``: cells as they are) or JSON (records) to ``out`` (stdout)."""
    out = out or sys.stdout
    if fmt == "csv-raw":
        plain = frame.apply(
            lambda col: col.map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
        )
        # every text cell quoted: the csv module leaves a lone CR unquoted with "\n" line ends
        plain.to_csv(out, index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)
    elif fmt == "csv":
        frame.apply(lambda col: col.map(_csv_cell)).to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        document = json.loads(frame.to_json(orient="records", force_ascii=False))
        out.write(json_printable(json.dumps(document, ensure_ascii=False, indent=2)))
        out.write("\n")
    elif frame.empty:
        out.write("(nothing to show)\n")
    else:
        shown = frame.apply(lambda col: col.map(_format_cell))
        widths = [max(len(str(c)), *(len(v) for v in shown[c])) for c in shown.columns]
        numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]

        def line(cells: Sequence[str]) -> str:
            return "  ".join(
                cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(cells, widths, numeric)
            ).rstrip()

        out.write(line([str(c) for c in shown.columns]) + "\n")
        out.write(line(["-" * w for w in widths]) + "\n")
        for row in shown.itertuples(index=False):
            out.write(line(list(row)) + "\n")


# ----------------------------------------------------------------------------- commands


def _cmd_fetch(args: argparse.Namespace) -> int:
    frame = open_source(args.source, ids=args.ids, names=args.names, progress=not args.quiet)
    label = "https://api.symbl.ai" if args.source == "symbl:" else args.source.removeprefix("symbl:")
    path = save_snapshot(frame, args.output, source=label)
    n_phrases = int(frame["n_phrases"].sum()) if len(frame) else 0
    print(f"saved {len(frame)} trackers ({n_phrases} phrases) to {_printable(str(path))}", file=sys.stderr)
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    table = frame[["name", "tracker_id", "n_phrases", "n_unique_phrases", "languages"]]
    names = [str(n) for n in table["name"]]
    # total orders, ties down to the account order (as plot_vocabulary_sizes sorts)
    if args.sort == "phrases":
        sizes = [int(n) for n in table["n_phrases"]]
        table = table.iloc[sorted(range(len(names)), key=lambda i: (-sizes[i], names[i].casefold(), i))]
    elif args.sort == "name":
        table = table.iloc[sorted(range(len(names)), key=lambda i: (names[i].casefold(), names[i], i))]
    emit(table.reset_index(drop=True), args.format)
    return EXIT_OK


def _cmd_similar(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    matrix = analysis.similarity_matrix(frame, analyzer=args.analyzer)
    pairs = analysis.tracker_pairs(matrix, threshold=args.threshold, k=args.k)
    emit(pairs, args.format)
    return EXIT_OK


def _cmd_duplicates(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    pairs = analysis.similar_phrases(frame, threshold=args.threshold, k=args.k, scope=args.scope)
    columns = ["tracker_a", "phrase_a", "tracker_b", "phrase_b", "score", "kind"]
    emit(pairs[columns], args.format)
    return EXIT_OK


# SEVERITIES is most severe first: "error" ranks highest
_SEVERITY_RANK = {severity: len(SEVERITIES) - i for i, severity in enumerate(SEVERITIES)}


def _cmd_audit(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    findings = analysis.audit(frame, max_per_rule=args.max_per_rule)
    emit(findings[["severity", "rule", "tracker", "phrase", "detail"]], args.format)
    counts = findings["severity"].value_counts()
    summary = ", ".join(f"{int(counts.get(s, 0))} {s}" for s in SEVERITIES)
    print(f"{len(findings)} findings: {summary}", file=sys.stderr)
    left_out = sum(not_listed(findings).values())
    if left_out:
        print(f"{left_out:,} more not listed (--max-per-rule {args.max_per_rule})", file=sys.stderr)
    if args.fail_on == "never":
        return EXIT_OK
    gate = _SEVERITY_RANK[args.fail_on]
    failing = int(findings["severity"].map(_SEVERITY_RANK).ge(gate).sum())
    if failing:
        print(f"audit failed: {failing} findings at or above '{args.fail_on}'", file=sys.stderr)
        return EXIT_AUDIT
    return EXIT_OK


def _looks_like_source(text: str) -> bool:
    return text == "sample" or text.startswith("symbl:") or (text.endswith(".json") and Path(text).is_file())


def _cmd_match(args: argparse.Namespace) -> int:
    import pandas as pd  # lazy: heavy

    words = list(args.words)
    source = args.source
    if source is None:
        source = words.pop(0) if len(words) > 1 and _looks_like_source(words[0]) else "sample"
    if not words:
        raise InvalidParameterError("give at least one TEXT to match", parameter="TEXT")
    matcher = analysis.TrackerMatcher().fit(open_source(source))
    rows = []
    for text in words:
        ranked = matcher.rank(text, k=args.k)
        for rank, row in enumerate(ranked.itertuples(index=False), start=1):
            evidence = row.evidence if isinstance(row.evidence, str) else "; ".join(row.evidence)
            rows.append(
                {"text": text, "rank": rank, "tracker": row.tracker, "score": row.score, "evidence": evidence}
            )
    emit(pd.DataFrame(rows, columns=["text", "rank", "tracker", "score", "evidence"]), args.format)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    path = report.write_report(
        frame,
        args.output,
        title=f"Tracker report: {args.source}",
        analyzer=args.analyzer,
        threshold=args.threshold,
    )
    print(f"wrote {_printable(str(path))} ({path.stat().st_size // 1024} KiB)", file=sys.stderr)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "fetch": _cmd_fetch,
    "summary": _cmd_summary,
    "similar": _cmd_similar,
    "duplicates": _cmd_duplicates,
    "audit": _cmd_audit,
    "match": _cmd_match,
    "report": _cmd_report,
    "hits": lambda args: cli_hits.run(args, emit=emit, open_source=open_source),
}


def _max_per_rule(text: str) -> int | None:
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a count >= 0 or 'all', got {text!r}")
    return value


def _best_k(text: str) -> int | None:
    if text == "all":
        return None
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a count >= 1 or 'all', got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The ``trackerkit`` argument parser (every command, with its help and example)."""
    parser = _Parser(
        prog="trackerkit",
        description=__doc__.split("\n\n")[0].replace("\n", " "),
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("--version", action="version", version=f"trackerkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, example: str) -> argparse.ArgumentParser:
        p = sub.add_parser(
            name,
            help=help_text,
            description=help_text,
            epilog=f"example:\n  {example}",
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return p

    def source_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "source",
            nargs="?",
            default="sample",
            metavar="SOURCE",
            help="'sample' (default), a snapshot/API-response JSON file, 'symbl:' or 'symbl:URL'",
        )

    def format_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--format",
            choices=["table", "csv", "json"],
            default="table",
            help="output format (default: an aligned table; csv/json for pipes). In csv, a cell "
            "starting with = + - @ tab or CR gets a leading ' (OWASP: spreadsheets show it as text, "
            "never run it) and control characters are written as \\uXXXX",
        )
        p.add_argument(
            "--csv-raw",
            dest="format",
            action="store_const",
            const="csv-raw",
            help="CSV with every cell exactly as it is (no leading ', no escapes): for programs, "
            "not for spreadsheets or terminals",
        )

    p = command("fetch", "save an account snapshot", "trackerkit fetch --source symbl: -o account.json")
    p.add_argument("--source", default="sample", help="where to fetch from (default: sample)")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these tracker ids")
    p.add_argument("--names", nargs="+", metavar="NAME", help="only trackers with these names")
    p.add_argument("-o", "--output", required=True, type=Path, help="snapshot file to write")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")

    p = command(
        "summary", "trackers with their phrase counts", "trackerkit summary account.json --sort phrases"
    )
    source_arg(p)
    format_arg(p)
    p.add_argument(
        "--sort",
        choices=["account", "name", "phrases"],
        default="account",
        help="row order (default: as in the account); 'name' ignores case, 'phrases' puts the "
        "largest first, by name when equal; other ties keep the account order",
    )

    p = command(
        "similar",
        "the most similar tracker pairs (TF-IDF cosine)",
        "trackerkit similar account.json -k 10 --analyzer word",
    )
    source_arg(p)
    format_arg(p)
    p.add_argument("-k", type=int, default=20, metavar="N", help="how many pairs (default: 20)")
    p.add_argument(
        "--analyzer",
        choices=ANALYZERS,
        default=DEFAULT_ANALYZER,
        help=f"character or word n-grams (default: {DEFAULT_ANALYZER})",
    )
    p.add_argument("--threshold", type=float, default=None, help="only pairs at or above this score")

    p = command(
        "duplicates",
        "near-duplicate phrase pairs",
        "trackerkit duplicates --threshold 0.9 --scope within -k 3",
    )
    source_arg(p)
    format_arg(p)
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help=f"minimum score (default: the library's, {DEFAULT_PHRASE_THRESHOLD})",
    )
    p.add_argument(
        "-k",
        type=_best_k,
        default=DEFAULT_PHRASE_PARTNERS,
        metavar="K",
        help=f"each phrase's K best partners (default: {DEFAULT_PHRASE_PARTNERS}; 'all' for every pair "
        "above the threshold)",
    )
    p.add_argument(
        "--scope",
        choices=list(PHRASE_SCOPES),
        default="across",
        help="pairs across trackers, within one, or both (default: across)",
    )

    p = command(
        "audit",
        "vocabulary problems; exits 1 when any reach --fail-on",
        "trackerkit audit account.json --fail-on warning --format json",
    )
    source_arg(p)
    format_arg(p)
    p.add_argument(
        "--fail-on",
        choices=[*SEVERITIES, "never"],
        default="error",
        help="exit with 1 when a finding is at least this severe (default: error)",
    )
    p.add_argument(
        "--max-per-rule",
        type=_max_per_rule,
        default=DEFAULT_MAX_PER_RULE,
        metavar="N",
        help=f"list at most N findings per rule, then one line saying how many more (default: "
        f"{DEFAULT_MAX_PER_RULE}; 'all' for no limit)",
    )

    p = command(
        "match",
        "the trackers each text would likely trigger",
        'trackerkit match "can I get a discount" "I want to cancel"',
    )
    p.add_argument("words", nargs="+", metavar="[SOURCE] TEXT", help="an optional SOURCE, then texts")
    p.add_argument("--source", default=None, help="SOURCE, when the first text could be mistaken for one")
    p.add_argument("-k", type=int, default=3, metavar="N", help="trackers per text (default: 3)")
    format_arg(p)

    p = command("report", "one self-contained HTML report", "trackerkit report account.json -o report.html")
    source_arg(p)
    p.add_argument("-o", "--output", required=True, type=Path, help="HTML file to write")
    p.add_argument(
        "--analyzer",
        choices=ANALYZERS,
        default=DEFAULT_ANALYZER,
        help=f"similarity representation (default: {DEFAULT_ANALYZER})",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_TRACKER_THRESHOLD,
        help=f"similarity for listed pairs and clusters (default: {DEFAULT_TRACKER_THRESHOLD})",
    )
    p = command("hits", cli_hits.HELP, cli_hits.EXAMPLE)
    cli_hits.add_arguments(p)
    format_arg(p)

    return parser


def _exit_code(exc: TrackerkitError) -> int:
    """The documented exit code of a trackerkit error.

    Parameters
    ----------
    exc : TrackerkitError
        The error a command raised.

    Returns
    -------
    int
        :data:`EXIT_AUTH` (3) for missing or refused credentials; :data:`EXIT_NETWORK` (4) for
        network, server and protocol failures (any answer of the API with an error status
        included); :data:`EXIT_USAGE` (2) for everything that is the caller's to fix: a wrong
        parameter, unreadable or malformed tracker data, an unknown or ambiguous tracker name,
        a path that cannot be written, a result too large.
    """
    if isinstance(exc, (AuthenticationError, CredentialsError)):
        return EXIT_AUTH
    if isinstance(exc, TrackerNotFoundError) and exc.status is None:  # not in the account: no 404
        return EXIT_USAGE
    if isinstance(exc, (SymblAPIError, TransportError, ResponseFormatError)):
        return EXIT_NETWORK
    # InvalidParameterError, TrackerDataError, AmbiguousTrackerError, FileTargetError,
    # ResultTooLargeError: bad usage or bad input
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (``python -m trackerkit`` exits with it).

    Only trackerkit's own errors (and the file system's) become a one-line message and an exit
    code; anything else is a bug and keeps its traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except TrackerkitError as exc:
        print(f"trackerkit: error: {_printable(str(exc))}", file=sys.stderr)
        return _exit_code(exc)
    except BrokenPipeError:  # `trackerkit summary | head` closed the pipe: not an error
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"trackerkit: error: {_printable(f'{exc.strerror or exc}{where}')}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("trackerkit: interrupted", file=sys.stderr)
        return 130
