"""``trackerkit diff``, ``trackerkit plan`` and ``trackerkit apply``: change plans from the shell.

* ``diff OLD NEW``: one row per change between two states of an account.
* ``plan ACCOUNT TARGET -o PLAN.json``: the writes that turn ACCOUNT into TARGET, previewed
  (the exact requests and a human diff) and saved; exit code 1 when the plan breaks one of
  Symbl's rules (listed; such a plan is never applied).
* ``apply PLAN``: a dry run (the preview; no client is even created) unless ``--yes``; with
  ``--yes`` it backs the account up, writes one operation at a time, verifies each, and prints
  the report (exit code 1 when it stopped early).

``trackerkit.cli`` registers the commands; this module holds their logic and imports nothing
from ``trackerkit.cli`` (which passes its ``emit`` and ``open_source``).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from trackerkit._text import printable
from trackerkit.changes import Plan, apply_plan, diff_accounts, plan_changes

__all__ = ["COMMANDS", "add_arguments", "run"]

DEFAULT_BASE_URL = "https://api.symbl.ai"  # trackerkit.api's, without importing the client here
#: command -> (help, example)
COMMANDS = {
    "diff": ("what changed between two states of an account", "trackerkit diff before.json after.json"),
    "plan": (
        "the writes turning an account into a target, previewed and saved",
        "trackerkit plan before.json edited.json -o plan.json",
    ),
    "apply": (
        "apply a saved plan (a dry run unless --yes): backup, one write at a time, verified",
        "trackerkit apply plan.json --yes --backup-dir backups",
    ),
}
ROUTES = ("legacy", "plural")


def add_arguments(command: str, parser: argparse.ArgumentParser) -> None:
    """The arguments of ``command`` (diff's output format ones are the command line's own)."""
    if command == "diff":
        parser.add_argument(
            "old", metavar="OLD", help="the account before: 'sample', a snapshot/API JSON file"
        )
        parser.add_argument("new", metavar="NEW", help="the account after, the same kinds of source")
    elif command == "plan":
        parser.add_argument(
            "account", metavar="ACCOUNT", help="the account now: a snapshot/API JSON file, 'symbl:'"
        )
        parser.add_argument("target", metavar="TARGET", help="the account wanted: a snapshot/API JSON file")
        parser.add_argument(
            "-o", "--output", metavar="PLAN", help="save the plan as JSON here (default: not saved)"
        )
        parser.add_argument(
            "--route", choices=ROUTES, default="legacy", help="the API generation previewed (default: legacy)"
        )
    else:
        parser.add_argument("plan", metavar="PLAN", help="a plan saved by 'trackerkit plan -o'")
        parser.add_argument(
            "--yes", action="store_true", help="really write to the account (default: off, a dry run)"
        )
        parser.add_argument(
            "--base-url", default=DEFAULT_BASE_URL, help=f"the API to write to (default: {DEFAULT_BASE_URL})"
        )
        parser.add_argument(
            "--route",
            choices=ROUTES,
            default="legacy",
            help="legacy: POST/PUT on /v1/manage/tracker; plural: POST/PATCH on /v1/manage/trackers "
            "(default: legacy)",
        )
        parser.add_argument(
            "--backup-dir",
            default="trackerkit-backups",
            help="where the backup snapshot goes (default: trackerkit-backups)",
        )


def _source(text: str, open_source: Callable) -> Any:
    """A JSON file as its document (new trackers may lack an id), anything else as the command
    line's other commands read it ('sample', 'symbl:')."""
    path = Path(text)
    if path.suffix.lower() == ".json" and path.is_file():
        return json.loads(path.read_text(encoding="utf-8"))
    return open_source(text)


def run(args: argparse.Namespace, *, emit: Callable, open_source: Callable) -> int:
    """Run the ``args.command`` of this module; the exit code."""
    if args.command == "diff":
        rows = diff_accounts(_source(args.old, open_source), _source(args.new, open_source))
        emit(rows, args.format, empty="(no change)")
        return 0
    if args.command == "plan":
        plan = plan_changes(_source(args.account, open_source), _source(args.target, open_source))
        preview = plan.preview(args.route)
        print(printable_lines(str(preview)))
        if args.output:
            Path(args.output).write_text(plan.to_json(), encoding="utf-8")
            print(f"saved {len(plan)} operation(s) to {printable(args.output)}", file=sys.stderr)
        if preview.violations:
            print(
                f"the plan breaks {len(preview.violations)} rule(s): it will not be applied", file=sys.stderr
            )
            return 1
        return 0
    plan = Plan.from_json(Path(args.plan).read_text(encoding="utf-8"))
    if not args.yes:  # nothing sent, no client even created
        print(printable_lines(str(plan.preview(args.route))))
        print("dry run: nothing sent (add --yes to apply)", file=sys.stderr)
        return 1 if plan.violations(args.route) else 0
    from trackerkit.api import SymblClient  # lazy: heavy (httpx), for --yes only

    with SymblClient(base_url=args.base_url, id_route=args.route) as client:
        report = apply_plan(client, plan, confirm=True, backup_dir=args.backup_dir)
    print(printable_lines(str(report)))
    return 0 if report.ok else 1


def printable_lines(text: str) -> str:
    """Each line made safe for a terminal (tracker text may hold control characters)."""
    return "\n".join(printable(line) for line in text.split("\n"))
