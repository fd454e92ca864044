"""The ``trackerkit`` command: summaries, similarity, duplicates, audit gates, match previews and
a shareable HTML report, from the shell.

    $ trackerkit summary                       # the bundled sample account
    $ trackerkit audit account.json --fail-on warning
    $ trackerkit fetch --source symbl: -o account.json   # the live API, credentials from the environment

SOURCE is ``sample`` (the default: the bundled account, served by the in-process emulator), a
path to a snapshot or saved API response, ``symbl:`` for the live API, or ``symbl:URL`` for
another server speaking the same protocol. Credentials come from ``SYMBL_ACCESS_TOKEN``, or
``SYMBL_APP_ID`` / ``SYMBL_APP_SECRET``, or a ``symbl.conf`` file; never from the command line.

Exit codes: 0 success; 1 the audit found problems at the ``--fail-on`` severity; 2 bad usage or
bad input (unreadable snapshot, unknown tracker); 3 authentication or missing credentials;
4 network, server or protocol failure.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit.errors import (
    AuthenticationError,
    CredentialsError,
    ResponseFormatError,
    SymblAPIError,
    TrackerDataError,
    TrackerkitError,
    TrackerNotFoundError,
    TransportError,
)

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
    from trackerkit.frames import load_trackers

    if source.startswith("symbl:"):
        from trackerkit.api import SymblClient, fetch_trackers

        base_url = source[len("symbl:") :] or None
        kwargs: dict[str, Any] = {} if base_url is None else {"base_url": base_url}
        with SymblClient(**kwargs) as client:
            return fetch_trackers(client, ids=ids, names=names, progress=progress)
    if ids or names:
        from trackerkit.resolve import select_trackers

        frame = load_trackers(source)
        return select_trackers(frame, [*(ids or []), *(names or [])])
    return load_trackers(source)


def _format_cell(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        value = ", ".join(map(str, value))
    elif isinstance(value, float):
        value = f"{value:.3f}"
    elif value is None:
        value = ""
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 1] + "…"


def emit(frame: pd.DataFrame, fmt: str, out: Any = None) -> None:
    """Write a frame as an aligned table, CSV or JSON (records) to ``out`` (stdout)."""
    out = out or sys.stdout
    if fmt == "csv":
        plain = frame.apply(
            lambda col: col.map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
        )
        plain.to_csv(out, index=False, lineterminator="\n")
    elif fmt == "json":
        json.dump(
            json.loads(frame.to_json(orient="records", force_ascii=False)), out, ensure_ascii=False, indent=2
        )
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
    from trackerkit.snapshot import save_snapshot

    frame = open_source(args.source, ids=args.ids, names=args.names, progress=not args.quiet)
    label = "https://api.symbl.ai" if args.source == "symbl:" else args.source.removeprefix("symbl:")
    path = save_snapshot(frame, args.output, source=label)
    n_phrases = int(frame["n_phrases"].sum()) if len(frame) else 0
    print(f"saved {len(frame)} trackers ({n_phrases} phrases) to {path}", file=sys.stderr)
    return EXIT_OK


def _cmd_summary(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    table = frame[["name", "tracker_id", "n_phrases", "n_unique_phrases", "languages"]]
    if args.sort == "phrases":
        table = table.sort_values(["n_phrases", "name"], ascending=[False, True])
    elif args.sort == "name":
        table = table.sort_values("name", key=lambda s: s.str.casefold())
    emit(table.reset_index(drop=True), args.format)
    return EXIT_OK


_COMMANDS: dict[str, Callable[[argparse.Namespace], int]] = {
    "fetch": _cmd_fetch,
    "summary": _cmd_summary,
}


def build_parser() -> argparse.ArgumentParser:
    from trackerkit import __version__

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
            help="output format (default: an aligned table; csv/json for pipes)",
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
        help="row order (default: as in the account)",
    )
    return parser


def _exit_code(exc: BaseException) -> int:
    if isinstance(exc, (AuthenticationError, CredentialsError)):
        return EXIT_AUTH
    if isinstance(exc, (TrackerDataError, TrackerNotFoundError)) and getattr(exc, "status", None) is None:
        return EXIT_USAGE
    if isinstance(exc, (TransportError, ResponseFormatError, SymblAPIError)):
        return EXIT_NETWORK
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (``python -m trackerkit`` exits with it)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except TrackerkitError as exc:
        print(f"trackerkit: error: {exc}", file=sys.stderr)
        return _exit_code(exc)
    except ValueError as exc:  # bad parameter values from the analysis functions
        print(f"trackerkit: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `trackerkit summary | head` closed the pipe: not an error
        sys.stderr.close()
        return EXIT_OK
    except OSError as exc:
        where = f": {exc.filename}" if exc.filename else ""
        print(f"trackerkit: error: {exc.strerror or exc}{where}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("trackerkit: interrupted", file=sys.stderr)
        return 130
