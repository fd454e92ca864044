"""The trackerkit command: summaries, similarity, duplicates, audit gates, match previews and
a shareable HTML report, from the shell.

    $ trackerkit summary                       # the bundled sample account
    $ trackerkit audit account.json --fail-on warning
    $ trackerkit fetch --source symbl: -o account.json   # the live API, credentials from the environment

SOURCE is 'sample' (the default: the bundled account, read from the package data), a path to a
snapshot or saved API response, 'symbl:' for the live API, or 'symbl:URL' for another server
speaking the same protocol. Credentials come from SYMBL_ACCESS_TOKEN, or SYMBL_APP_ID and
SYMBL_APP_SECRET, or a symbl.conf file; never from the command line.

Tables wrap long cells to the terminal's width (COLUMNS when set) and never cut them; --wide
keeps each row on one line, as does output to a file or a pipe when COLUMNS is not set. A few
lines under a table say what its numbers are and their scale. --format csv or json gives the
same rows to programs, without those lines.

Exit codes: 0 success; 1 the audit found problems at the --fail-on severity; 2 bad usage or
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
import os
import sys
import textwrap
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wcwidth import wcswidth

from trackerkit import analysis, cli_changes, cli_hits, report
from trackerkit._text import formula_safe, json_printable, printable
from trackerkit._version import __version__
from trackerkit.analysis._audit import not_listed
from trackerkit.analysis._replay import Replayer
from trackerkit.constants import (
    ANALYZERS,
    DEFAULT_ANALYZER,
    DEFAULT_MAX_EDITS,
    DEFAULT_MAX_PER_RULE,
    DEFAULT_MEANING_THRESHOLD,
    DEFAULT_PHRASE_PARTNERS,
    DEFAULT_PHRASE_THRESHOLD,
    DEFAULT_TRACKER_THRESHOLD,
    MAX_PHRASES,
    MIN_PHRASES,
    PHRASE_SCOPES,
    SEMANTIC_ANALYZER,
    SEVERITIES,
    SIMILARITY_ANALYZERS,
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

_GAP = "  "  # between table columns
_MIN_COLUMN = 12  # the narrowest a wrapped text column gets (or its header's width, if wider)
_MAX_WORD = 30  # a longer word may be split when its column wraps; a shorter one never is


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout; descriptions wrap paragraph by paragraph to the terminal, and a
    paragraph with an indented line (an example) is kept as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        paragraphs = []
        for paragraph in text.strip("\n").split("\n\n"):
            if any(line.startswith(" ") for line in paragraph.splitlines()):
                paragraphs.append("\n".join(indent + line for line in paragraph.splitlines()))
            else:
                paragraphs.append(
                    textwrap.fill(
                        " ".join(paragraph.split()), width, initial_indent=indent, subsequent_indent=indent
                    )
                )
        return "\n\n".join(paragraphs)


class _Parser(argparse.ArgumentParser):
    """argparse, with examples kept as written in ``--help``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _Formatter)
        super().__init__(*args, **kwargs)


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in the right number: ``count(1, "finding") == "1 finding"``.

    Parameters
    ----------
    n : int
        How many.
    singular : str
        The noun for one.
    plural : str, optional
        The noun for any other number (default: ``singular + "s"``).

    Returns
    -------
    str
        For example ``"1 finding"``, ``"2 findings"``, ``"1,200 trackers"``.

    Examples
    --------
    >>> count(1, "finding"), count(0, "finding"), count(2, "info", "info")
    ('1 finding', '0 findings', '2 info')
    """
    return f"{n:,} {singular if n == 1 else (plural or singular + 's')}"


def _terminal_width() -> int | None:
    """The width tables wrap to: ``COLUMNS`` when set to a positive number, else the width of
    the terminal standard output is; ``None`` (no wrapping) when it is a file or a pipe."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if sys.stdout.isatty():
            return os.get_terminal_size(sys.stdout.fileno()).columns
    except (AttributeError, OSError, ValueError):  # a replaced or closed stdout
        pass
    return None


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
    elif value is None or type(value).__name__ == "NAType" or (isinstance(value, float) and value != value):
        value = ""  # None, pandas' NA or NaN: blank
    elif isinstance(value, float):
        value = f"{value:.3f}"
    return _printable(" ".join(str(value).split()))


def _span(widths: Sequence[int]) -> int:
    """A table's width: its columns and the gaps between them."""
    return sum(widths) + len(_GAP) * (len(widths) - 1)


def _fit(natural: list[int], floors: list[int], numeric: list[bool], width: int | None) -> list[int]:
    """Column widths for a table of ``width`` characters: numbers keep theirs, text columns are
    narrowed, the widest first, down to their floor (the table is then wider than ``width``:
    never a cell cut)."""
    if width is None or _span(natural) <= width:
        return natural
    room = width - _span(natural) + sum(w for w, num in zip(natural, numeric) if not num)  # for text
    text = [i for i, num in enumerate(numeric) if not num]

    def widths(cap: int) -> list[int]:
        return [w if num else max(floor, min(w, cap)) for w, floor, num in zip(natural, floors, numeric)]

    low, high = 0, max((natural[i] for i in text), default=0)  # the largest cap that fits
    while low < high:
        cap = (low + high + 1) // 2
        if sum(widths(cap)[i] for i in text) <= room:
            low = cap
        else:
            high = cap - 1
    return widths(low)


def _cells(text: str) -> int:
    """The terminal columns ``text`` takes: 2 for an East Asian wide or full-width character,
    0 for a combining mark, 1 otherwise (wcwidth's tables).

        >>> _cells("Billing"), _cells("請求"), _cells("Cancelación")
        (7, 4, 11)
    """
    if text.isascii():
        return len(text)
    columns = wcswidth(text)
    return len(text) if columns < 0 else columns  # (control characters are escaped before)


def _pad(cell: str, width: int, right: bool) -> str:
    """``cell`` padded with spaces to ``width`` columns, on the left for a number."""
    room = " " * max(0, width - _cells(cell))
    return room + cell if right else cell + room


def _wrap(cell: str, width: int) -> list[str]:
    """A cell's lines at ``width`` columns: at spaces, a longer word split; joined by single
    spaces (or directly, where a word was split) they give the cell back.

        >>> _wrap("請求書の再発行 invoice", 8)
        ['請求書の', '再発行', 'invoice']
    """
    if _cells(cell) <= width:
        return [cell]
    if cell.isascii():
        return textwrap.wrap(cell, width, break_long_words=True, break_on_hyphens=False) or [""]
    lines: list[str] = []
    current = ""
    for word in cell.split(" "):  # single spaces: see _format_cell
        while _cells(word) > width:
            if current:
                lines.append(current)
                current = ""
            head = _head(word, width)
            lines.append(head)
            word = word[len(head) :]
        if not word:
            continue
        if not current:
            current = word
        elif _cells(current) + 1 + _cells(word) <= width:
            current += " " + word
        else:
            lines.append(current)
            current = word
    if current or not lines:
        lines.append(current)
    return lines


def _head(word: str, width: int) -> str:
    """The longest start of ``word`` within ``width`` columns (one character at least)."""
    taken = 0
    for k, character in enumerate(word):
        taken += _cells(character)
        if taken > width:
            return word[: max(k, 1)]
    return word


def _table_lines(frame: pd.DataFrame, width: int | None) -> list[str]:
    # as objects: whole numbers stay ints (a nullable Int64's too), blanks stay blank
    shown = frame.astype(object).apply(lambda col: col.map(_format_cell))
    headers = [_printable(str(c)) for c in frame.columns]
    numeric = [frame[c].dtype.kind in "iuf" for c in frame.columns]
    # widths in terminal columns, not characters: 請求 takes four
    natural = [max(_cells(h), *(_cells(v) for v in shown[c])) for h, c in zip(headers, shown.columns)]
    # a wrapped column keeps its header and, when the table still fits, its longest word whole
    # (up to _MAX_WORD): a word split is better than rows running past the terminal's edge
    words = [max((_cells(word) for v in shown[c] for word in v.split()), default=0) for c in shown.columns]
    plain = [min(w, max(_cells(h), _MIN_COLUMN)) for w, h in zip(natural, headers)]
    whole = [max(f, min(w, x, _MAX_WORD)) for f, w, x in zip(plain, natural, words)]
    widths = _fit(natural, whole, numeric, width)
    if width is not None and _span(widths) > width:
        widths = _fit(natural, plain, numeric, width)

    def line(cells: Sequence[str]) -> str:
        return _GAP.join(_pad(cell, w, num) for cell, w, num in zip(cells, widths, numeric)).rstrip()

    lines = [line(headers), line(["-" * w for w in widths])]
    for row in shown.itertuples(index=False):
        cells = [[cell] if num else _wrap(cell, w) for cell, w, num in zip(row, widths, numeric)]
        for k in range(max(map(len, cells))):
            lines.append(line([c[k] if k < len(c) else "" for c in cells]))
    return lines


def _notes(notes: Sequence[str], width: int | None, out: Any) -> None:
    """Lines under a table: what its numbers are and their scale (wrapped like the table)."""
    if not notes:
        return
    out.write("\n")
    for note in notes:
        if width is None:
            out.write(note + "\n")
        else:
            out.write(textwrap.fill(note, max(width, 20), subsequent_indent="  ") + "\n")


def emit(
    frame: pd.DataFrame,
    fmt: str,
    out: Any = None,
    *,
    width: int | None = None,
    notes: Sequence[str] = (),
    empty: str = "(nothing to show)",
) -> None:
    """Write a frame as an aligned table, CSV or JSON.

    Parameters
    ----------
    frame : DataFrame
        The rows to write.
    fmt : {"table", "csv", "csv-raw", "json"}
        An aligned table for people; CSV (formula-guarded and escaped, see the module docs);
        CSV with the cells as they are; JSON records.
    out : file, optional
        Where to write (default: standard output).
    width : int, optional
        The table's width: text cells wrap to fit and are never cut; ``None`` (the default)
        keeps each row on one line. Ignored by CSV and JSON.
    notes : sequence of str
        Lines written under a table (what its numbers are and their scale); not in CSV or JSON.
    empty : str
        The line a table without rows is written as.

    Examples
    --------
    >>> import pandas as pd
    >>> emit(pd.DataFrame({"tracker": ["Pricing"], "score": [0.5]}), "table", notes=["score: 0 to 1"])
    tracker  score
    -------  -----
    Pricing  0.500
    <BLANKLINE>
    score: 0 to 1
    """
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
        out.write(empty + "\n")
    else:
        out.write("\n".join(_table_lines(frame, width)) + "\n")
        _notes(notes, width, out)


# ----------------------------------------------------------------------------- commands


def _width(args: argparse.Namespace) -> int | None:
    return None if getattr(args, "wide", False) else _terminal_width()


def _cmd_fetch(args: argparse.Namespace) -> int:
    frame = open_source(args.source, ids=args.ids, names=args.names, progress=not args.quiet)
    label = "https://api.symbl.ai" if args.source == "symbl:" else args.source.removeprefix("symbl:")
    path = save_snapshot(frame, args.output, source=label)
    n_phrases = int(frame["n_phrases"].sum()) if len(frame) else 0
    saved = f"{count(len(frame), 'tracker')} ({count(n_phrases, 'phrase')})"
    print(f"saved {saved} to {_printable(str(path))}", file=sys.stderr)
    return EXIT_OK


_SUMMARY_NOTES = (
    f"n_phrases: phrases in the tracker's vocabulary (Symbl accepts {MIN_PHRASES} to {MAX_PHRASES}).",
    "n_unique_phrases: how many of them are different once case, spacing and punctuation at their "
    "ends are ignored (fewer than n_phrases: the vocabulary repeats itself).",
)


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
    emit(
        table.reset_index(drop=True),
        args.format,
        width=_width(args),
        notes=_SUMMARY_NOTES,
        empty="(no trackers in this account)",
    )
    return EXIT_OK


def _tfidf_terms(analyzer: str) -> str:
    return "character n-grams (3 to 5 characters, inside words)" if analyzer == "char_wb" else "words"


def _similar_note(analyzer: str) -> str:
    if analyzer == SEMANTIC_ANALYZER:
        return (
            "score: similarity by meaning, the cosine of the two trackers' mean sentence embeddings "
            "(all-MiniLM-L6-v2), from 0 (unrelated) to 1 (the same meaning); highest first."
        )
    return (
        f"score: cosine similarity of the two trackers' TF-IDF vectors of {_tfidf_terms(analyzer)}, "
        "from 0 (nothing in common) to 1 (the same vocabulary); highest first."
    )


def _cmd_similar(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    matrix = analysis.similarity_matrix(frame, analyzer=args.analyzer)
    pairs = analysis.tracker_pairs(matrix, threshold=args.threshold, k=args.k)
    emit(
        pairs,
        args.format,
        width=_width(args),
        notes=[_similar_note(args.analyzer)],
        empty="(no tracker pairs at this threshold)",
    )
    return EXIT_OK


_DUPLICATE_NOTES = (
    "score: how alike the two phrases are, from 0 (nothing in common) to 1 (the same once case, "
    "spacing and punctuation at their ends are ignored): the cosine similarity of their TF-IDF "
    f"vectors of character 3-grams or, for phrases at most {DEFAULT_MAX_EDITS} edits apart, "
    "1 - edits / length when that is higher; highest first.",
    "kind: exact (the same as written), normalized (the same once normalized), near (similar).",
)


def _cmd_duplicates(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    pairs = analysis.similar_phrases(frame, threshold=args.threshold, k=args.k, scope=args.scope)
    columns = ["tracker_a", "phrase_a", "tracker_b", "phrase_b", "score", "kind"]
    emit(
        pairs[columns],
        args.format,
        width=_width(args),
        notes=_DUPLICATE_NOTES,
        empty="(no near-duplicate phrase pairs at this threshold)",
    )
    return EXIT_OK


# SEVERITIES is most severe first: "error" ranks highest
_SEVERITY_RANK = {severity: len(SEVERITIES) - i for i, severity in enumerate(SEVERITIES)}
_SEVERITY_PLURALS = {"error": "errors", "warning": "warnings", "info": "info"}


def _cmd_audit(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    findings = analysis.audit(frame, max_per_rule=args.max_per_rule)
    emit(
        findings[["severity", "rule", "tracker", "phrase", "detail"]],
        args.format,
        width=_width(args),
        empty="(no findings)",
    )
    counts = findings["severity"].value_counts()
    summary = ", ".join(count(int(counts.get(s, 0)), s, _SEVERITY_PLURALS.get(s)) for s in SEVERITIES)
    print(f"{count(len(findings), 'finding')}: {summary}", file=sys.stderr)
    left_out = sum(not_listed(findings).values())
    if left_out:
        print(f"{left_out:,} more not listed (--max-per-rule {args.max_per_rule})", file=sys.stderr)
    if args.fail_on == "never":
        return EXIT_OK
    gate = _SEVERITY_RANK[args.fail_on]
    failing = int(findings["severity"].map(_SEVERITY_RANK).ge(gate).sum())
    if failing:
        print(f"audit failed: {count(failing, 'finding')} at or above '{args.fail_on}'", file=sys.stderr)
        return EXIT_AUDIT
    return EXIT_OK


def _looks_like_source(text: str) -> bool:
    return text == "sample" or text.startswith("symbl:") or (text.endswith(".json") and Path(text).is_file())


#: Columns of ``trackerkit match`` (csv and json; a table leaves ``text`` to its heading).
MATCH_COLUMNS = ("text", "tracker", "match", "phrase", "offset", "matched_text", "score")


def _match_notes(args: argparse.Namespace) -> list[str]:
    notes = [
        "match: literal = the phrase occurs in the text (ignoring case, on word boundaries); "
        "meaning = no phrase of the tracker occurs, but the text is close to the phrase shown.",
        "offset: where the phrase starts in the text, in characters from 0 (blank for a match "
        "by meaning); matched_text: the text's own characters there.",
    ]
    score = "score: 1 for a literal match"
    if not args.literal_only:
        score += (
            "; for a match by meaning, the cosine similarity of the TF-IDF vectors (character "
            "n-grams) of the text and the phrase, from 0 (nothing in common) to 1 (the same "
            f"wording), shown from --threshold {args.threshold:g} up"
        )
    notes.append(score + ".")
    return notes


def _nothing_triggered(text: str, args: argparse.Namespace) -> str:
    why = (
        "no phrase occurs in it (matches by meaning not checked: --literal-only)"
        if args.literal_only
        else f"no phrase occurs in it and none is close enough by meaning (score {args.threshold:g} or more)"
    )
    return f'"{_printable(text)}" triggers no tracker: {why}.'


def _cmd_match(args: argparse.Namespace) -> int:
    import pandas as pd  # lazy: heavy

    words = list(args.words)
    source = args.source
    if source is None:
        source = words.pop(0) if len(words) > 1 and _looks_like_source(words[0]) else "sample"
    if not words:
        raise InvalidParameterError("give at least one TEXT to match", parameter="TEXT")
    trackers = open_source(source)
    replayer = Replayer(trackers, by_meaning=not args.literal_only, threshold=args.threshold)
    answers = []
    for text in words:
        found = replayer.would_trigger(text, language=args.language)
        if args.k is not None:  # the k best trackers: rows come best score first
            best = list(dict.fromkeys(found["tracker_id"]))[: args.k]
            found = found[found["tracker_id"].isin(best)]
        rows = pd.DataFrame(
            {
                "text": [text] * len(found),
                "tracker": found["tracker_name"].to_numpy(),
                "match": found["match"].to_numpy(),
                "phrase": found["value"].to_numpy(),
                "offset": found["offset"].to_numpy(),
                "matched_text": found["matched_text"].to_numpy(),
                "score": found["score"].to_numpy(),
            },
            columns=list(MATCH_COLUMNS),
        )
        answers.append((text, rows, found["tracker_id"].nunique()))
    if args.format != "table":
        frame = pd.concat([rows for _, rows, _ in answers], ignore_index=True)
        emit(frame.astype({"offset": "int64", "score": "float64"}), args.format)
        for text, rows, _ in answers:
            if rows.empty:
                print(_nothing_triggered(text, args), file=sys.stderr)
        return EXIT_OK
    width = _width(args)
    for k, (text, rows, n_trackers) in enumerate(answers):
        if k:
            print()
        if rows.empty:
            heading = _nothing_triggered(text, args)
        else:
            heading = f'"{_printable(text)}" would trigger {count(n_trackers, "tracker")}:'
        print(heading if width is None else textwrap.fill(heading, max(width, 20)))
        if not rows.empty:
            table = rows.drop(columns="text")
            # a match by meaning has no place in the text: a blank, not Symbl's -1
            table["offset"] = table["offset"].astype("Int64").mask(table["offset"] < 0)
            emit(table.reset_index(drop=True), "table", width=width)
    if any(not rows.empty for _, rows, _ in answers):
        _notes(_match_notes(args), width, sys.stdout)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    frame = open_source(args.source)
    path = report.write_report(
        frame,
        args.output,
        title=f"Tracker report: {args.source}",
        analyzer=args.analyzer,
        threshold=args.threshold,
        conversations=args.conversations,
        hits=args.results,
        by_meaning=args.by_meaning,
    )
    print(f"wrote {_printable(str(path))} ({path.stat().st_size // 1024:,} KiB)", file=sys.stderr)
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
    **dict.fromkeys(
        cli_changes.COMMANDS, lambda args: cli_changes.run(args, emit=emit, open_source=open_source)
    ),
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
    """The ``trackerkit`` argument parser: every command, with its help, example and defaults.

    Help texts are plain text, and every option says its default (or that it is required).

    Returns
    -------
    argparse.ArgumentParser
        The parser :func:`main` runs.

    Examples
    --------
    >>> build_parser().parse_args(["audit", "--fail-on", "warning"]).fail_on
    'warning'
    """
    paragraphs = __doc__.split("\n\n")
    parser = _Parser(
        prog="trackerkit",
        description=paragraphs[0],
        epilog="\n\n".join(paragraphs[1:]),
    )
    parser.add_argument("--version", action="version", version=f"trackerkit {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def command(name: str, help_text: str, example: str, description: str = "") -> argparse.ArgumentParser:
        return sub.add_parser(
            name,
            help=help_text,
            description=description or help_text,
            epilog=f"example:\n  {example}",
            formatter_class=_Formatter,
        )

    def source_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "source",
            nargs="?",
            default="sample",
            metavar="SOURCE",
            help="'sample' (the bundled account), a snapshot or API-response JSON file, 'symbl:' "
            "(the live API) or 'symbl:URL' (default: sample)",
        )

    def format_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--format",
            choices=["table", "csv", "json"],
            default="table",
            help="an aligned table for people, csv or json for programs (default: table). In csv, "
            "a cell starting with = + - @ tab or CR gets a leading ' (OWASP: spreadsheets show it "
            "as text, never run it) and control characters are written as \\uXXXX",
        )
        p.add_argument(
            "--csv-raw",
            dest="format",
            action="store_const",
            const="csv-raw",
            help="CSV with every cell exactly as it is (no leading ', no escapes): for programs, "
            "not for spreadsheets or terminals (default: off)",
        )
        p.add_argument(
            "--wide",
            action="store_true",
            help="keep each table row on one line, however long (default: wrap long cells to the "
            "terminal's width, or COLUMNS; one line per row when writing to a file or a pipe)",
        )

    p = command("fetch", "save an account snapshot", "trackerkit fetch --source symbl: -o account.json")
    p.add_argument("--source", default="sample", help="where to fetch from, as SOURCE (default: sample)")
    p.add_argument("--ids", nargs="+", metavar="ID", help="only these tracker ids (default: every tracker)")
    p.add_argument(
        "--names", nargs="+", metavar="NAME", help="only trackers with these names (default: every tracker)"
    )
    p.add_argument("-o", "--output", required=True, type=Path, help="snapshot file to write (required)")
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar (default: a progress bar on stderr)"
    )

    p = command(
        "summary", "trackers with their phrase counts", "trackerkit summary account.json --sort phrases"
    )
    source_arg(p)
    format_arg(p)
    p.add_argument(
        "--sort",
        choices=["account", "name", "phrases"],
        default="account",
        help="row order (default: account, as in the account); 'name' ignores case, 'phrases' "
        "puts the largest first, by name when equal; other ties keep the account order",
    )

    p = command(
        "similar",
        "the most similar tracker pairs (cosine similarity of TF-IDF vectors, 0 to 1)",
        "trackerkit similar account.json -k 10 --analyzer word",
    )
    source_arg(p)
    format_arg(p)
    p.add_argument("-k", type=int, default=20, metavar="N", help="how many pairs (default: 20)")
    p.add_argument(
        "--analyzer",
        choices=SIMILARITY_ANALYZERS,
        default=DEFAULT_ANALYZER,
        help="character n-grams inside words (char_wb), words, or meaning (semantic: sentence "
        f"embeddings, needs the semantic extra) (default: {DEFAULT_ANALYZER})",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=None,
        help="only pairs scoring at least this, between 0 and 1 (default: none, the N best pairs)",
    )

    p = command(
        "duplicates",
        "near-duplicate phrase pairs (score 0 to 1)",
        "trackerkit duplicates --threshold 0.9 --scope within -k 3",
    )
    source_arg(p)
    format_arg(p)
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_PHRASE_THRESHOLD,
        help=f"minimum score, between 0 and 1 (default: {DEFAULT_PHRASE_THRESHOLD})",
    )
    p.add_argument(
        "-k",
        type=_best_k,
        default=DEFAULT_PHRASE_PARTNERS,
        metavar="K",
        help=f"each phrase's K best partners, or 'all' for every pair above the threshold "
        f"(default: {DEFAULT_PHRASE_PARTNERS})",
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
        help=f"list at most N findings per rule, then one line saying how many more; 'all' for no "
        f"limit (default: {DEFAULT_MAX_PER_RULE})",
    )

    p = command(
        "match",
        "the trackers a text would trigger (literally, or by meaning with a score 0 to 1)",
        'trackerkit match "can I get a discount" "I want to cancel"',
        "The trackers each TEXT would trigger, as the replay over a conversation finds them: "
        "zero, one or several. A literal match shows the phrase and where it occurs in the text; "
        "a match by meaning (no phrase of the tracker occurs) shows the tracker's closest phrase "
        "and its score, the cosine similarity of TF-IDF vectors of character n-grams, from 0 "
        "(nothing in common) to 1 (the same wording). A text that triggers nothing says so.",
    )
    p.add_argument("words", nargs="+", metavar="[SOURCE] TEXT", help="an optional SOURCE, then texts")
    p.add_argument(
        "--source",
        default=None,
        help="SOURCE, when the first text could be mistaken for one (default: the first TEXT when "
        "it is 'sample', 'symbl:...' or an existing .json file, else sample)",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_MEANING_THRESHOLD,
        help=f"the least score of a match by meaning, between 0 and 1 (default: {DEFAULT_MEANING_THRESHOLD})",
    )
    p.add_argument(
        "--literal-only",
        action="store_true",
        help="literal matches only, no matches by meaning (default: both)",
    )
    p.add_argument(
        "--language",
        default=None,
        metavar="CODE",
        help="the text's language, e.g. en-US: a tracker declaring other languages does not fire "
        "(default: unknown, every tracker may fire)",
    )
    p.add_argument(
        "-k",
        type=_best_k,
        default=None,
        metavar="N",
        help="at most N trackers per text, the best first (default: all, every tracker that would fire)",
    )
    format_arg(p)

    p = command("report", "one self-contained HTML report", "trackerkit report account.json -o report.html")
    source_arg(p)
    p.add_argument("-o", "--output", required=True, type=Path, help="HTML file to write (required)")
    p.add_argument(
        "--analyzer",
        choices=ANALYZERS,
        default=DEFAULT_ANALYZER,
        help=f"similarity representation: character n-grams inside words (char_wb) or words "
        f"(default: {DEFAULT_ANALYZER})",
    )
    p.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_TRACKER_THRESHOLD,
        help=f"similarity, between 0 and 1, of the pairs listed and the clusters drawn "
        f"(default: {DEFAULT_TRACKER_THRESHOLD})",
    )
    p.add_argument(
        "--conversations",
        metavar="FILE",
        help="'sample', 'ami' or a transcript file: adds a section on the trackers' hits in them "
        "(default: none, no hits section)",
    )
    p.add_argument(
        "--results",
        metavar="FILE",
        help="hits already found in the conversations (Symbl's stored results, 'sample', a hits file) "
        "(default: none, the account is replayed over them)",
    )
    p.add_argument(
        "--by-meaning",
        action="store_true",
        help="the replay also matches by meaning (default: off, literal matches only)",
    )
    p = command("hits", cli_hits.HELP, cli_hits.EXAMPLE)
    cli_hits.add_arguments(p)
    format_arg(p)
    for name, (help_text, example) in cli_changes.COMMANDS.items():
        p = command(name, help_text, example)
        cli_changes.add_arguments(name, p)
        if name == "diff":
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
