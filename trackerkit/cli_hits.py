"""``trackerkit hits TRACKERS CONVERSATIONS``: hit rates, dead phrases and coverage, from the shell.

The trackers are replayed over the conversations (literal matches; ``--by-meaning`` adds matches
by meaning), or ``--results FILE`` reads hits already found (Symbl's stored results, or a saved
hits file). ``--show`` picks the table:

* ``rates`` (default): per tracker, conversations in scope, with a hit, literal or only by
  meaning, and hits;
* ``dead``: the phrases without a literal hit, and the trackers without any hit;
* ``coverage``: the conversations no tracker caught, and uncaught messages per speaker.

``--fail-on-dead`` makes it a pipeline gate: exit code 1 when a tracker never fires or a phrase
never matches literally. ``trackerkit.cli`` registers the command; this module holds its logic
and imports nothing from ``trackerkit.cli`` (which passes its ``emit`` and ``open_source``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

from trackerkit.analysis import coverage, hit_rates, phrase_hits, silent_trackers
from trackerkit.analysis._replay import replay
from trackerkit.conversation_loading import load_conversations, load_tracker_results

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["HELP", "add_arguments", "run"]

HELP = "hit rates, dead phrases and coverage of trackers over conversations"
EXAMPLE = "trackerkit hits account.json calls.jsonl --show dead --fail-on-dead"
SHOWS = ("rates", "dead", "coverage")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The command's arguments (the output format ones are the command line's own)."""
    parser.add_argument(
        "trackers", metavar="TRACKERS", help="'sample', a snapshot/API-response JSON file, 'symbl:'"
    )
    parser.add_argument(
        "conversations",
        metavar="CONVERSATIONS",
        help="'sample', 'ami', or a transcript file (JSON, JSON lines, CSV, Parquet)",
    )
    parser.add_argument(
        "--results",
        metavar="FILE",
        help="hits already found (Symbl's stored results, 'sample', or a hits file) instead of a replay "
        "(default: none, the vocabularies are replayed over the conversations)",
    )
    parser.add_argument(
        "--by-meaning",
        action="store_true",
        help="the replay also matches by meaning (default: off, literal matches only)",
    )
    parser.add_argument("--show", choices=SHOWS, default="rates", help="which table (default: rates)")
    parser.add_argument(
        "--fail-on-dead",
        action="store_true",
        help="exit code 1 when a tracker never fires or a phrase never matches literally (default: off)",
    )


def run(
    args: argparse.Namespace,
    *,
    emit: Callable[[pd.DataFrame, str], None],
    open_source: Callable[[str], pd.DataFrame],
) -> int:
    """Run the command; returns the exit code (0, or 1 for ``--fail-on-dead`` with dead vocabulary)."""
    trackers = open_source(args.trackers)
    messages = load_conversations(args.conversations)
    if args.results is not None:
        hits = load_tracker_results(args.results, messages=messages)
    else:
        hits = replay(trackers, messages, by_meaning=args.by_meaning)
    phrases = phrase_hits(hits, trackers, messages)
    quiet = silent_trackers(hits, trackers)
    if args.show == "rates":
        table = hit_rates(hits, messages, trackers).table.drop(columns=["tracker_id"])
    elif args.show == "dead":
        table = phrases.dead[["tracker", "position", "phrase", "meaning_hits"]]
    else:
        result = coverage(hits, messages, trackers=None)
        table = result.conversations.astype({"start_time": str})
    emit(table, args.format)
    n_dead = len(phrases.dead)
    if args.format == "table":
        print(
            f"{len(quiet)} tracker(s) without a hit, {n_dead} dead phrase(s) of {len(phrases.table)}, "
            f"over {phrases.n_conversations} conversation(s)",
            file=sys.stderr,
        )
    return 1 if args.fail_on_dead and (n_dead or len(quiet)) else 0
