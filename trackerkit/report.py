"""One self-contained HTML report of an account, to send to people who will never open Jupyter.

    >>> import trackerkit
    >>> from trackerkit.report import build_report
    >>> html = build_report(trackerkit.load_trackers("sample"))
    >>> html.startswith("<!DOCTYPE html>") and "What to do first" in html and "Audit findings" in html
    True

**How it reads.** A headline first: how many trackers and phrases, how many findings of each
severity, and the most important findings in words, each with what to do (:func:`build_report`
says how they are chosen). Then the sections, each opening with one sentence of what it shows
and how to read its numbers (what the score is, and its scale): the audit grouped by severity
and rule, the similarity between trackers, the clusters of redundant trackers, the
near-duplicate phrases, the vocabulary sizes, and the summary table of every tracker. Given
conversations (``conversations=``, ``trackerkit report --conversations FILE``), a last section
says how the trackers fire in them: hit rates with their denominators, the trackers that never
fire, the dead phrases, the trackers that fire together. Columns have words for labels, and a
missing value is a blank cell.

**Collapsible, without script.** Each rule of the audit is a ``<details>`` element: its count
and title show, its findings open on a click (the errors' are open from the start). A closed
``<details>`` does not print, and no CSS can open it for print in every browser, so each rule's
findings are in the file twice: once in the ``<details>`` (shown on screen), once in a block
shown only in print (``@media print``). A PDF printed from the report has every finding.

**Self-contained and safe.** Everything is inside the one file: plots are PNG images embedded
as ``data:`` URLs, styles are inline, and there is no script at all. Every text that comes from
a tracker is escaped, and a Content-Security-Policy forbids scripts anyway, so a tracker named
``<img src=x onerror=alert(1)>`` shows as text and runs nothing. Tracker text is also isolated
for bidirectional layout (``<bdi>``, ``unicode-bidi: isolate``), so a right-to-left override in
a name cannot reorder the sentence around it.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._text import escaped_warnings
from trackerkit._validation import check_count, check_fraction
from trackerkit._version import __version__
from trackerkit.analysis import (
    AUDIT_RULES,
    audit,
    cluster_trackers,
    co_occurrence,
    hit_rates,
    phrase_hits,
    silent_trackers,
    similar_phrases,
    tracker_pairs,
)
from trackerkit.analysis._audit import not_listed
from trackerkit.analysis._replay import replay
from trackerkit.constants import (
    DEFAULT_ANALYZER,
    DEFAULT_MAX_EDITS,
    DEFAULT_PHRASE_THRESHOLD,
    DEFAULT_TRACKER_THRESHOLD,
    MAX_PHRASES,
    MIN_PHRASES,
    SEVERITIES,
)
from trackerkit.conversation_loading import load_conversations, load_tracker_results
from trackerkit.errors import InvalidParameterError, ResultTooLargeError, TrackerDataError
from trackerkit.loading import as_trackers_frame
from trackerkit.plotting import (
    HitRatesDisplay,
    SimilarityHeatmapDisplay,
    VocabularySizesDisplay,
    figure_to_png,
)

if TYPE_CHECKING:
    import pandas as pd

    from trackerkit._typing import TrackersLike
    from trackerkit.plotting._base import Display

__all__ = ["HEADLINE_ITEMS", "HITS_MIN_SUPPORT", "build_report", "write_report"]

# "min_phrases (5)" in a rule's description: a parameter's name, then its default.
_PARAMETER_VALUE = re.compile(r"\b[a-z]+(?:_[a-z]+)+ \((\d+)\)")

# Sections around a plot: in print, they start a page, so the plot stays with its heading.
_FIGURE_SECTIONS = ("similarity", "sizes", "hits")

#: The fewest conversations with both trackers for a pair to be listed in the hits section.
HITS_MIN_SUPPORT = 3

#: The most findings the headline names in words (the audit section lists them all).
HEADLINE_ITEMS = 5

# No scripts, no network: only inline styles and data: images may load.
_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"

# What each severity means to the reader, and what to call a group of them.
_SEVERITY_HEADINGS = {"error": "Errors", "warning": "Warnings", "info": "Info"}
_SEVERITY_MEANINGS = {
    "error": "the Trackers API rejects these, or Symbl requires otherwise: fix them before uploading.",
    "warning": "accepted, but likely to cause missed or double hits: fix them when you can.",
    "info": "worth a look; often fine as it is.",
}

# A title and what to do, per audit rule (the rule's own description, from the registry, says
# what it flags). A rule not listed here gets a title made from its name and no advice.
_RULE_TEXT = {
    "empty_phrase": ("Empty phrases", "Delete them."),
    "forbidden_characters": (
        "Forbidden characters",
        "Remove the brackets, or write the placeholder out as people say it.",
    ),
    "duplicate_phrase_exact": ("Phrases listed twice", "Delete the later copy."),
    "duplicate_name": ("Trackers with the same name", "Rename or merge them."),
    "duplicate_phrase_normalized": (
        "Phrases repeated with another case or punctuation",
        "Delete the later one.",
    ),
    "shared_phrase": (
        "Phrases shared between trackers",
        "Keep each phrase in one tracker, or merge the trackers.",
    ),
    "too_few_phrases": ("Too few phrases", f"Add phrases: Symbl asks for {MIN_PHRASES} to {MAX_PHRASES}."),
    "too_many_phrases": (
        "Too many phrases",
        f"Remove phrases or split the tracker: Symbl asks for {MIN_PHRASES} to {MAX_PHRASES}.",
    ),
    "over_long_phrase": ("Over-long phrases", "Cut them down to what people actually say."),
    "punctuation": ("Punctuation Symbl does not accept", "Remove it."),
    "case_only_names": ("Names that differ only in case", "Rename or merge them."),
    "typo": ("Possible typos", "Correct the spelling where it is wrong."),
    "real_word_confusion": (
        "Real words that may be slips",
        "Read the phrase: keep it if the word is meant, else write the common word.",
    ),
    "near_duplicate_within": ("Near-duplicates within a tracker", "Keep one phrase of each pair."),
    "near_duplicate_phrase": (
        "Near-duplicates across trackers",
        "Check that the trackers are meant to overlap.",
    ),
    "non_english": (
        "Trackers not in English",
        "Check they are meant for conversations in that language.",
    ),
}

# What the numbers in a rule's details are, said once above its findings: (a text the details
# show the number with, what it is). Said only when a detail has that text.
_NEAR_SCORE = (
    "The score in each detail is the near-duplicate score of the two phrases, from 0 = unrelated "
    "to 1 = the same once case and punctuation are ignored (see Near-duplicate phrases)."
)
_RULE_NUMBERS = {
    "near_duplicate_within": ("score ", _NEAR_SCORE),
    "near_duplicate_phrase": ("score ", _NEAR_SCORE),
    "typo": ("(seen ", "“Seen 3x”: how many times the word occurs in all the phrases of the account."),
    "real_word_confusion": (
        "(seen ",
        "“Seen 3x”: how many times the word occurs in all the phrases of the account; “times as "
        "common”: how much more often the other word is written in that language (wordfreq).",
    ),
}

# How the near-duplicate search's ``kind`` reads (in the column "Differs in").
_MATCH_WORDS = {
    "exact": "nothing",
    "normalized": "case or punctuation",
    "near": "wording",
}
_ANALYZER_WORDS = {
    "char_wb": "character n-grams within words",
    "word": "words",
}

_STYLE = """
:root { --ink: #1b1b1b; --muted: #595959; --rule: #d9d9d9; --error: #b00020; --warning: #8a5a00;
        --info: #44546a; }
* { box-sizing: border-box; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink);
       max-width: 1080px; margin: 1.5em auto 4em; padding: 0 1.5em; }
h1 { font-size: 1.75em; line-height: 1.2; margin: 0 0 .15em; }
h2 { font-size: 1.3em; margin: 2.2em 0 .4em; padding-bottom: .2em; border-bottom: 1px solid var(--rule); }
h3 { font-size: 1.08em; margin: 1.5em 0 .3em; }
p { margin: .4em 0; }
.meta { color: var(--muted); font-size: .92em; }
.intro { max-width: 52em; }
bdi, td { unicode-bidi: isolate; }
nav { margin: 1.2em 0 0; font-size: .95em; } nav a { margin-right: 1.1em; white-space: nowrap; }
a { color: #1a4f9c; }
.headline { border: 1px solid var(--rule); border-radius: 8px; padding: .9em 1.3em 1em; margin-top: 1em;
            background: #fafafa; }
.headline .lead { font-size: 1.12em; margin: 0 0 .3em; }
.headline h2 { border: 0; margin: .8em 0 .2em; padding: 0; font-size: 1.1em; }
.headline ul.counts { list-style: none; margin: .2em 0 .4em; padding: 0; }
.headline ul.counts li { margin: .2em 0; }
.headline ul.counts .badge { min-width: 6.5em; text-align: center; margin-right: .3em; }
.headline ol { margin: .3em 0 0; padding-left: 1.5em; } .headline ol li { margin: .45em 0; max-width: 60em; }
.badge { display: inline-block; border-radius: 4px; padding: 0 .45em; font-size: .82em; font-weight: 600;
         line-height: 1.6; vertical-align: .05em; color: #fff; white-space: nowrap; }
.badge.error { background: var(--error); } .badge.warning { background: var(--warning); }
.badge.info { background: var(--info); }
.sev-error { color: var(--error); } .sev-warning { color: var(--warning); } .sev-info { color: var(--info); }
.figure { text-align: center; margin: .8em 0; } .figure img { max-width: 100%; height: auto; }
.figure.sizes img { max-width: 760px; width: 100%; }
.table-wrap { overflow-x: auto; margin: .5em 0 .8em; }
table { border-collapse: collapse; font-size: 13.5px; line-height: 1.4; }
th, td { border-bottom: 1px solid var(--rule); padding: 4px 14px 4px 0; text-align: left;
         vertical-align: top; }
td { overflow-wrap: anywhere; } td:not(.num) { min-width: 7em; }
th:last-child, td:last-child { padding-right: 0; }
th { border-bottom: 2px solid #bbb; font-weight: 600; white-space: nowrap; }
th.num, td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.num.zero { color: #b0b0b0; }
tbody + tbody tr:first-child td { border-top: 2px solid #bbb; }
details.rule { border: 1px solid var(--rule); border-radius: 6px; margin: .4em 0; padding: 0 .9em; }
details.rule[open] { padding-bottom: .4em; }
details.rule > summary { cursor: pointer; padding: .45em 0; }
.count { display: inline-block; min-width: 2.4em; text-align: right; margin-right: .4em; font-weight: 700;
         font-variant-numeric: tabular-nums; }
.rule-name { color: var(--muted); font-family: ui-monospace, "SFMono-Regular", Menlo, monospace;
             font-size: .85em; }
.where { color: var(--muted); }
.print-only { display: none; }
@media print {
  @page { size: A4; margin: 14mm 12mm 16mm;
          @bottom-right { content: "page " counter(page) " of " counter(pages); font-size: 8pt;
                          color: #777; } }
  body { font-size: 10pt; max-width: none; margin: 0; padding: 0; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  nav, .screen-only, details.rule { display: none !important; }
  .print-only { display: block; }
  .headline { background: none; }
  a { color: inherit; text-decoration: none; }
  h2, h3, h4, summary, .rule-title, .sev-meaning { break-after: avoid; page-break-after: avoid; }
  h2 { margin-top: 1.4em; }
  section.figure-section { break-before: page; page-break-before: always; }
  section.figure-section h2 { margin-top: 0; }
  p { orphans: 3; widows: 3; } .intro { break-inside: avoid; break-after: avoid; }
  .figure, .headline ol li, tr, table.grouped tbody { break-inside: avoid; page-break-inside: avoid; }
  thead { display: table-header-group; }
  .table-wrap { overflow: visible; }  /* a scroll box does not break across pages */
  table { font-size: 8.5pt; line-height: 1.3; } th, td { padding: 2px 10px 2px 0; }
  .figure img { max-height: 215mm; width: auto; max-width: 100%; }
  .print-rule { margin: .6em 0 .2em; }
  .print-rule .rule-title { margin: 0; font-size: 1em; }
}
"""


@dataclass(frozen=True)
class _Column:
    """One column of a table: the frame's column, its label, and how its cells are written
    (``"text"``, ``"int"``: an integer, ``"score"``: two decimals, ``"percent"``: a share as a
    whole percentage)."""

    key: str
    label: str
    kind: str = "text"


@dataclass(frozen=True)
class _RuleGroup:
    """The findings of one audit rule: as listed (summary findings included), how many there
    are (the ones ``max_per_rule`` left out included), the trackers they are on (distinct, in
    the findings' order) and what they are about (``"phrase"``, ``"tracker"`` or ``"finding"``)."""

    rule: str
    severity: str
    rows: pd.DataFrame
    count: int
    trackers: tuple[str, ...]
    noun: str

    @property
    def title(self) -> str:
        return _RULE_TEXT.get(self.rule, (self.rule.replace("_", " ").capitalize(), ""))[0]

    @property
    def advice(self) -> str:
        return _RULE_TEXT.get(self.rule, ("", ""))[1]

    @property
    def anchor(self) -> str:
        return f"rule-{self.rule}"


def _esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def _bdi(text: str) -> str:
    """Tracker text inside a sentence: escaped, and isolated for bidirectional layout."""
    return f"<bdi>{_esc(text)}</bdi>"


def _plural(n: int, word: str, plural: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (plural or word + 's')}"


def _is_blank(value: Any) -> bool:
    import pandas as pd  # lazy: heavy

    if value is None:
        return True
    if isinstance(value, (list, tuple, dict, set)) or type(value).__name__ == "ndarray":
        return False
    try:
        return bool(pd.isna(value)) or value == ""
    except (TypeError, ValueError):
        return False


def _cell_text(value: Any, kind: str) -> str:
    """A cell's text: blank for a missing value (never ``None`` or ``nan``), a list joined by
    commas, an integer with thousands separators, a score with two decimals."""
    if isinstance(value, (list, tuple, set)) or type(value).__name__ == "ndarray":
        return ", ".join(str(v) for v in value if not _is_blank(v))
    if _is_blank(value):
        return ""
    if kind == "score":
        return f"{float(value):.2f}"
    if kind == "percent":
        return f"{float(value):.0%}"
    if kind == "int":
        return f"{int(value):,}"
    return str(value)


def _table(
    frame: pd.DataFrame,
    columns: Sequence[_Column],
    *,
    max_rows: int | None = None,
    groups: Sequence[Any] | None = None,
    empty: str = "Nothing found.",
) -> str:
    """``frame``'s ``columns`` as an HTML table with the columns' labels, every cell escaped,
    cut at ``max_rows`` rows with a line saying how many more there are. With ``groups`` (one
    key per row), each run of equal keys is a ``<tbody>`` of its own: a line between groups on
    screen, and a group kept on one page in print."""
    if frame.empty:
        return f"<p><em>{_esc(empty)}</em></p>"
    shown = frame if max_rows is None else frame.head(max_rows)
    numeric = {c.key for c in columns if c.kind != "text"}
    head = "".join(
        f'<th scope="col"{" class=num" if c.key in numeric else ""}>{_esc(c.label)}</th>' for c in columns
    )
    lines = []
    values = [shown[c.key].tolist() for c in columns]
    for i in range(len(shown)):
        cells = []
        for column, cells_of_column in zip(columns, values):
            text = _cell_text(cells_of_column[i], column.kind)
            if column.key in numeric:
                zero = " zero" if text == "0" else ""
                cells.append(f'<td class="num{zero}">{_esc(text)}</td>')
            else:
                cells.append(f"<td>{_esc(text)}</td>")
        if groups is not None and i and groups[i] != groups[i - 1]:
            lines.append("</tbody><tbody>")
        lines.append(f"<tr>{''.join(cells)}</tr>")
    more = (
        ""
        if max_rows is None or len(frame) <= max_rows
        else (
            f"<p class='meta'>… and {_plural(len(frame) - max_rows, 'more row')} "
            "(see the command line or the notebooks).</p>"
        )
    )
    return (
        f'<div class="table-wrap"><table{" class=grouped" if groups is not None else ""}>'
        f"<thead><tr>{head}</tr></thead><tbody>\n" + "\n".join(lines) + "\n</tbody></table></div>" + more
    )


def _img(display: Display, alt: str, css: str = "") -> str:
    """``display`` drawn on a figure outside pyplot (the user's figures and backend untouched),
    as an embedded PNG."""
    png = figure_to_png(display.plot(pyplot=False).figure_)
    return (
        f'<div class="figure {css}"><img alt="{_esc(alt)}" '
        f'src="data:image/png;base64,{base64.b64encode(png).decode("ascii")}"></div>'
    )


def _quoted(name: str) -> str:
    """A tracker's name inside a sentence: quoted, escaped, isolated."""
    return f"“{_bdi(name)}”"


def _names(names: Sequence[str], shown: int = 3) -> str:
    """``“A”``, ``“A” and “B”``, ``“A”, “B” and “C”``, ``“A”, “B”, “C” and 4 more``."""
    parts = [_quoted(n) for n in names[:shown]]
    if len(names) > shown:
        return ", ".join(parts) + f" and {len(names) - shown} more"
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def _rule_groups(findings: pd.DataFrame) -> list[_RuleGroup]:
    """The audit's findings by rule: by severity (most severe first), then the most findings
    first, then the order of :data:`~trackerkit.analysis.AUDIT_RULES` (a total order)."""
    unlisted = not_listed(findings)
    order = {name: k for k, name in enumerate(AUDIT_RULES)}
    groups = []
    for rule in dict.fromkeys(findings["rule"]):
        rows = findings[findings["rule"] == rule]
        real = rows[rows["tracker_id"] != ""]
        has_phrase = real["phrase"].map(lambda p: not _is_blank(p))
        noun = "phrase" if has_phrase.all() else "tracker" if not has_phrase.any() else "finding"
        by_id = dict(zip(real["tracker_id"], real["tracker"]))  # distinct trackers, first seen first
        groups.append(
            _RuleGroup(
                rule=rule,
                severity=str(rows["severity"].iloc[0]),
                rows=rows,
                count=len(real) + unlisted.get(rule, 0),
                trackers=tuple(str(name) for name in by_id.values()),
                noun=noun,
            )
        )
    return sorted(
        groups,
        key=lambda g: (SEVERITIES.index(g.severity), -g.count, order.get(g.rule, len(order)), g.rule),
    )


def _severity_word(severity: str, n: int) -> str:
    """``error``/``errors``, ``warning``/``warnings``, ``info`` (a mass noun)."""
    return severity if severity == "info" or n == 1 else severity + "s"


def _badge(severity: str) -> str:
    return f'<span class="badge {severity}">{severity}</span>'  # our own words: nothing to escape


def _where(group: _RuleGroup) -> str:
    """``2 phrases in “Closing” and “Greeting”``, ``24 phrases in 14 trackers (“A”, “B”, “C”
    and 11 more)``, ``1 tracker: “Promotion Mention”``."""
    if not group.count:  # only a summary finding: the rule was not checked
        return _esc(group.rows["detail"].iloc[0])
    what = _plural(group.count, group.noun)
    if not group.trackers:
        return what
    if group.noun == "tracker" and len(group.trackers) == group.count:
        return f"{what}: {_names(group.trackers)}"
    if len(group.trackers) <= 3:
        return f"{what} in {_names(group.trackers)}"
    return f"{what} in {_plural(len(group.trackers), 'tracker')} ({_names(group.trackers)})"


def _group_item(group: _RuleGroup) -> str:
    advice = f" {_esc(group.advice)}" if group.advice else ""
    return (
        f"<li><b>{_esc(group.title)}</b> {_badge(group.severity)} — {_where(group)}.{advice} "
        f'<a class="screen-only" href="#{_esc(group.anchor)}">Details</a></li>'
    )


def _overlap_item(pairs: pd.DataFrame, clusters: pd.DataFrame, threshold: float) -> str:
    top = pairs.iloc[0]
    n_groups = clusters["cluster"].nunique()
    groups = f", in {_plural(n_groups, 'group')}" if n_groups else ""
    return (
        f"<li><b>Overlapping trackers</b> — {_plural(len(pairs), 'pair')} of trackers are "
        f"{threshold:.2f} or more similar{groups}; the closest are {_quoted(str(top['tracker_a']))} "
        f"and {_quoted(str(top['tracker_b']))} at {float(top['score']):.2f} (similarity of their "
        "vocabularies, from 0 = nothing in common to 1 = the same). Merge them, or make their "
        "phrases distinct. "
        '<a class="screen-only" href="#similarity">Details</a></li>'
    )


def _headline(
    frame: pd.DataFrame,
    groups: list[_RuleGroup],
    pairs: pd.DataFrame,
    clusters: pd.DataFrame,
    threshold: float,
) -> str:
    """The counts, then at most :data:`HEADLINE_ITEMS` findings in words: every error rule, the
    overlapping trackers, then the warning and info rules, each severity with the most findings
    first (the order of :func:`_rule_groups`)."""
    n_phrases = int(frame["n_phrases"].sum())
    by_severity = {s: sum(g.count for g in groups if g.severity == s) for s in SEVERITIES}
    total = sum(by_severity.values())
    lead = f"<b>{_plural(len(frame), 'tracker')}</b> with <b>{_plural(n_phrases, 'phrase')}</b>. "
    if total:
        lead += f"The audit found <b>{_plural(total, 'finding')}</b>:"
        counts = "".join(
            f'<li><span class="badge {s}">{by_severity[s]:,} {_severity_word(s, by_severity[s])}</span> '
            f"{_esc(_SEVERITY_MEANINGS[s])}</li>"
            for s in SEVERITIES
            if by_severity[s]
        )
        lead = f'<p class="lead">{lead}</p>\n<ul class="counts">{counts}</ul>'
    else:
        lead = f'<p class="lead">{lead}The audit found nothing to fix.</p>'
    items = [_group_item(g) for g in groups if g.severity == "error"]
    if len(pairs):
        items.append(_overlap_item(pairs, clusters, threshold))
    items += [_group_item(g) for g in groups if g.severity != "error"]
    if not items:
        items = [
            f"<li>Nothing to do: no audit finding, and no two trackers are {threshold:.2f} or more "
            "similar.</li>"
        ]
    left = len(items) - HEADLINE_ITEMS
    rest = (
        f'<p class="meta">… and {_plural(left, "more kind")} of finding in '
        '<a href="#audit">Audit findings</a>.</p>'
        if left > 0
        else ""
    )
    return (
        '<section id="headline" class="headline">\n'
        f"{lead}\n"
        "<h2>What to do first</h2>\n"
        f"<ol>\n{chr(10).join(items[:HEADLINE_ITEMS])}\n</ol>\n{rest}</section>"
    )


_FINDING_COLUMNS = (_Column("tracker", "Tracker"), _Column("phrase", "Phrase"), _Column("detail", "Detail"))


def _audit_section(groups: list[_RuleGroup], max_rows: int) -> str:
    """Per severity, a heading with its count and meaning; per rule, a ``<details>`` whose
    summary is the count and title and whose body is the rule's description and findings, and
    the same again in a block shown only in print."""
    parts = [
        _intro(
            "Every problem the audit found, by severity and then by rule, the rules with the most "
            "findings first. Each rule gives its number of findings, what it checks, what to do, "
            "and each finding with its evidence"
            '<span class="screen-only"> (open a rule to see them)</span>.'
        )
    ]
    if not groups:
        return parts[0] + "<p>The audit found nothing.</p>"
    for severity in SEVERITIES:
        chosen = [g for g in groups if g.severity == severity]
        if not chosen:
            continue
        n = sum(g.count for g in chosen)
        parts.append(
            f'<h3 class="sev-{severity}">{_SEVERITY_HEADINGS[severity]}: {_plural(n, "finding")}</h3>'
            f'<p class="meta sev-meaning">{_esc(_sentence(_SEVERITY_MEANINGS[severity]))}</p>'
        )
        for group in chosen:
            description = _plain(AUDIT_RULES[group.rule].description) if group.rule in AUDIT_RULES else ""
            about = _esc(_sentence(description)) + "." if description else ""
            marker, numbers = _RULE_NUMBERS.get(group.rule, ("", ""))
            if numbers and group.rows["detail"].str.contains(marker, regex=False).any():
                about += f" {_esc(numbers)}"
            advice = f" <b>To do:</b> {_esc(group.advice)}" if group.advice else ""
            columns = [
                c
                for c in _FINDING_COLUMNS
                if c.key != "phrase" or group.rows["phrase"].map(lambda p: not _is_blank(p)).any()
            ]
            body = f'<p class="rule-about">{about}{advice}</p>' + _table(
                group.rows, columns, max_rows=max_rows
            )
            trackers = f" · {_plural(len(group.trackers), 'tracker')}" if group.trackers else ""
            title = (
                f'<span class="count">{f"{group.count:,}" if group.count else "–"}</span> '
                f"<b>{_esc(group.title)}</b> "
                f'<span class="rule-name">{_esc(group.rule)}</span>'
                f'<span class="where">{trackers}</span>'
            )
            opened = " open" if severity == "error" else ""
            parts.append(
                f'<details class="rule" id="{_esc(group.anchor)}"{opened}><summary>{title}</summary>'
                f"{body}</details>\n"
                f'<div class="print-only print-rule"><p class="rule-title">{title}</p>{body}</div>'
            )
    return "\n".join(parts)


def _plain(description: str) -> str:
    """A rule's description for readers: ``fewer than min_phrases (5) phrases`` -> ``fewer than 5
    phrases`` (a parameter's name before its default value in brackets goes)."""
    return _PARAMETER_VALUE.sub(r"\1", description)


def _sentence(text: str) -> str:
    """``text`` with its first letter upper case (``str.capitalize`` lowers the others)."""
    return text[:1].upper() + text[1:]


def _intro(text: str) -> str:
    return f'<p class="intro">{text}</p>'


@escaped_warnings  # matplotlib's "Glyph missing" warnings quote tracker names' characters raw
def build_report(
    trackers: TrackersLike,
    *,
    title: str = "Tracker report",
    analyzer: str = DEFAULT_ANALYZER,
    threshold: float = DEFAULT_TRACKER_THRESHOLD,
    max_rows: int = 200,
    conversations: Any = None,
    hits: Any = None,
    by_meaning: bool = False,
) -> str:
    """The report as one HTML string: a headline of what to do, then the audit, the similarity
    between trackers (clustered heatmap and pairs), the clusters of redundant trackers, the
    near-duplicate phrases, the vocabulary sizes, the summary table of every tracker, and, with
    ``conversations``, how the trackers fire in them.

    Parameters
    ----------
    trackers : TrackersLike
        The account.
    title : str
        The report's title (the command line passes ``Tracker report: SOURCE``).
    analyzer : {"char_wb", "word"}
        The TF-IDF analyzer of the similarity between trackers.
    threshold : float
        The similarity from which tracker pairs are listed and clustered.
    max_rows : int
        Tables are cut at this many rows (each rule of the audit has its own table).
    conversations : optional
        Messages (anything :func:`trackerkit.load_conversations` accepts: ``"sample"``,
        ``"ami"``, a transcript file, a messages frame). With them the report ends with a
        section "Tracker hits in conversations": hit rates, trackers that never fire, dead
        phrases, trackers that fire together. Without them (the default) there is no such
        section.
    hits : optional
        Hits already found in ``conversations`` (anything
        :func:`trackerkit.load_tracker_results` accepts: Symbl's stored results, a saved hits
        file, a hits frame). Without (the default), the account is replayed over them.
    by_meaning : bool
        The replay also matches by meaning (default False: literal matches only, as
        ``trackerkit hits``). Ignored with ``hits``.

    Returns
    -------
    str
        The HTML document.

    Notes
    -----
    **The headline** counts the trackers, the phrases and the findings of each severity, then
    names at most :data:`HEADLINE_ITEMS` findings in words, with what to do: first every error
    rule (the Trackers API rejects those), then the overlapping trackers (pairs at or above
    ``threshold``: the closest pair and the number of groups), then the warning rules, then
    the info rules. Within a severity, the rules with the most findings come first, ties in the
    order of :data:`~trackerkit.analysis.AUDIT_RULES`. The audit section groups the rules in
    that same order.

    **The numbers** are explained once, in the sentence that opens their section: what the
    score is and its scale (similarities from 0 = nothing in common to 1 = the same). Scores
    show two decimals.

    Each result is computed once: the clustering holds the similarity matrix the heatmap
    draws (in the clustering's own tree order) and the pairs are listed from. Each table keeps
    the total order of the function behind it (:func:`~trackerkit.tracker_pairs`,
    :func:`~trackerkit.cluster_trackers`, :func:`~trackerkit.similar_phrases`,
    :func:`~trackerkit.audit`), so what is cut depends on the account only. The summary table
    lists the trackers in the account's order. The plots are drawn on
    ``matplotlib.figure.Figure`` objects outside pyplot: building a report in a notebook
    neither switches the backend nor closes the user's figures.

    **The hits section** keeps the orders of the analysis functions: trackers in account order
    (:func:`~trackerkit.analysis.hit_rates`), dead phrases by tracker then vocabulary order
    (:func:`~trackerkit.analysis.phrase_hits`), pairs of trackers by lift, then conversations
    with both, then account order (:func:`~trackerkit.analysis.co_occurrence`, pairs with at
    least :data:`HITS_MIN_SUPPORT` conversations with both). Its plot sorts the trackers by rate.

    Examples
    --------
    >>> html = build_report("sample", title="Acme")
    >>> html.index("What to do first") < html.index("Audit findings") < html.index("Summary of all trackers")
    True
    """
    if not isinstance(title, str):
        raise InvalidParameterError(f"title must be a string; got {type(title).__name__}", parameter="title")
    threshold = check_fraction("threshold", threshold, allow_zero=True)
    max_rows = check_count("max_rows", max_rows)
    if hits is not None and conversations is None:
        raise InvalidParameterError(
            "hits need the conversations they were found in (conversations=; on the command line "
            "--conversations): they are the denominators of the hit rates",
            parameter="hits",
        )
    if not isinstance(by_meaning, bool):
        raise InvalidParameterError(
            f"by_meaning must be True or False; got {by_meaning!r}", parameter="by_meaning"
        )
    frame = as_trackers_frame(trackers)
    if frame.empty:
        raise TrackerDataError("the account has no trackers: there is nothing to report on")

    clustering = cluster_trackers(frame, threshold=threshold, analyzer=analyzer)
    pairs = tracker_pairs(clustering.similarity, threshold=threshold)
    clusters = clustering.table
    findings = audit(frame)
    groups = _rule_groups(findings)
    sections = [
        ("audit", "Audit findings", _audit_section(groups, max_rows)),
        (
            "similarity",
            "Similarity between trackers",
            _similarity_section(clustering, pairs, analyzer, threshold, max_rows),
        ),
        ("clusters", "Clusters of redundant trackers", _clusters_section(clusters, threshold, max_rows)),
        ("duplicates", "Near-duplicate phrases across trackers", _duplicates_section(frame, max_rows)),
        ("sizes", "Vocabulary sizes", _sizes_section(frame)),
        ("summary", "Summary of all trackers", _summary_section(frame, findings, max_rows)),
    ]
    if conversations is not None:
        messages = load_conversations(conversations)
        if hits is None:
            found, how = replay(frame, messages, by_meaning=by_meaning), "replayed"
        else:
            found, how = load_tracker_results(hits, messages=messages), "given"
        how = f"{how} by meaning too" if how == "replayed" and by_meaning else how
        sections.append(
            ("hits", "Tracker hits in conversations", _hits_section(frame, messages, found, how, max_rows))
        )
    nav = " ".join(f'<a href="#{key}">{_esc(name)}</a>' for key, name, _ in sections)
    body = "\n".join(
        f"<section{' class=figure-section' if key in _FIGURE_SECTIONS else ''}>"
        f'<h2 id="{key}">{_esc(name)}</h2>\n{content}</section>'
        for key, name, content in sections
    )
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(title)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{_esc(title)}</h1>
<p class="meta">Generated {generated} by trackerkit {_esc(__version__)}</p>
{_headline(frame, groups, pairs, clusters, threshold)}
<nav aria-label="Sections">{nav}</nav>
{body}
</body>
</html>
"""


def _similarity_section(
    clustering: Any, pairs: pd.DataFrame, analyzer: str, threshold: float, max_rows: int
) -> str:
    words = _ANALYZER_WORDS.get(analyzer, analyzer)
    intro = _intro(
        "How alike the vocabularies of two trackers are: the cosine similarity of their TF-IDF "
        f"vectors ({_esc(words)}, analyzer <code>{_esc(analyzer)}</code>), from 0 = nothing in "
        "common to 1 = same vocabulary. The heatmap orders the trackers as the clustering below "
        "groups them, so redundant trackers show as bright squares along the diagonal; the table lists "
        f"every pair from {threshold:.2f}, the most similar first."
    )
    columns = (
        _Column("tracker_a", "Tracker"),
        _Column("tracker_b", "Similar tracker"),
        _Column("score", "Similarity", "score"),
    )
    return (
        intro
        + _img(SimilarityHeatmapDisplay.from_result(clustering), "clustered similarity heatmap")
        + f"<h3>Pairs of trackers {threshold:.2f} or more similar</h3>"
        + _table(
            pairs, columns, max_rows=max_rows, empty=f"No two trackers are {threshold:.2f} or more similar."
        )
    )


def _clusters_section(clusters: pd.DataFrame, threshold: float, max_rows: int) -> str:
    intro = _intro(
        "Groups of trackers whose vocabularies are on average at least "
        f"{threshold:.2f} similar (average-linkage clustering of the similarity above): candidates "
        "to merge, or to make distinct. <i>Mean similarity</i> is a tracker's average similarity to "
        "the other members of its group; <i>Closest tracker</i> is its most similar fellow member, "
        "and <i>Its similarity</i> how similar they are. Both on the same scale, 0 = nothing in "
        "common, 1 = same vocabulary."
    )
    columns = (
        _Column("cluster", "Group", "int"),
        _Column("tracker", "Tracker"),
        _Column("size", "Trackers in group", "int"),
        _Column("mean_similarity", "Mean similarity", "score"),
        _Column("nearest", "Closest tracker"),
        _Column("nearest_similarity", "Its similarity", "score"),
    )
    return intro + _table(
        clusters,
        columns,
        max_rows=max_rows,
        groups=clusters["cluster"].tolist(),
        empty=f"No group: no two trackers are on average {threshold:.2f} or more similar.",
    )


def _duplicates_section(frame: pd.DataFrame, max_rows: int) -> str:
    intro = _intro(
        "Pairs of phrases in two different trackers that say the same thing in almost the same "
        f"words, listed from a score of {DEFAULT_PHRASE_THRESHOLD:.2f}. The score runs from 0 = "
        "unrelated to 1 = the same once case and punctuation are ignored: the cosine similarity "
        "of the phrases' character 3-gram TF-IDF vectors, or, for phrases at most "
        f"{DEFAULT_MAX_EDITS} typing slips apart, their edit similarity (1 − slips / length) "
        "when higher."
    )
    columns = (
        _Column("tracker_a", "Tracker"),
        _Column("phrase_a", "Phrase"),
        _Column("tracker_b", "Other tracker"),
        _Column("phrase_b", "Its phrase"),
        _Column("score", "Score", "score"),
        _Column("match", "Differs in"),
    )
    try:
        pairs = similar_phrases(frame)
    except ResultTooLargeError as exc:  # an account repeating phrases everywhere: say so, report the rest
        return intro + f"<p class='meta'>Too many pairs to list: {_esc(exc)}.</p>"
    pairs = pairs.assign(match=[_MATCH_WORDS.get(k, k) for k in pairs["kind"]])
    return intro + _table(
        pairs, columns, max_rows=max_rows, empty="No near-duplicate phrases across trackers."
    )


def _sizes_section(frame: pd.DataFrame) -> str:
    intro = _intro(
        f"The number of phrases of each tracker, against the {MIN_PHRASES} to {MAX_PHRASES} "
        "phrases Symbl asks for (the shaded band between the dashed lines); bars in another "
        "colour are outside it."
    )
    return intro + _img(VocabularySizesDisplay.from_trackers(frame), "phrases per tracker", "sizes")


def _summary_section(frame: pd.DataFrame, findings: pd.DataFrame, max_rows: int) -> str:
    intro = _intro(
        "Every tracker, in the account's order: its phrases (as listed, and distinct once case "
        "and punctuation are ignored), its declared languages (blank: none declared) and the "
        "number of audit findings on it, by severity."
    )
    counts = findings[findings["tracker_id"] != ""].groupby(["tracker_id", "severity"]).size()
    table = frame.assign(
        **{f"n_{s}": [int(counts.get((tid, s), 0)) for tid in frame["tracker_id"]] for s in SEVERITIES}
    )
    columns = (
        _Column("name", "Tracker"),
        _Column("tracker_id", "Tracker ID"),
        _Column("n_phrases", "Phrases", "int"),
        _Column("n_unique_phrases", "Distinct phrases", "int"),
        _Column("languages", "Languages"),
        *(_Column(f"n_{s}", _SEVERITY_HEADINGS[s], "int") for s in SEVERITIES),
    )
    return intro + _table(table, columns, max_rows=max_rows)


_HOW_FOUND = {
    "replayed": "the account replayed over them, literal matches only",
    "replayed by meaning too": "the account replayed over them, literal matches and matches by meaning",
    "given": "the results given with them, not replayed",
}


def _hits_section(
    frame: pd.DataFrame, messages: pd.DataFrame, hits: pd.DataFrame, how: str, max_rows: int
) -> str:
    """Hit rates (plot and table, with each tracker's dead phrases counted), the trackers that
    never fire, the dead phrases, and the pairs of trackers that fire together."""
    rates = hit_rates(hits, messages, frame)
    phrases = phrase_hits(hits, frame, messages)
    n, n_hit = rates.n_conversations, rates.n_conversations_hit
    intro = _intro(
        f"How often each tracker fires in {_plural(n, 'conversation')} "
        f"({_plural(rates.n_messages, 'message')}; hits from {_esc(_HOW_FOUND[how])}). <i>Rate</i> "
        "is the share of the conversations in the tracker's language with at least one hit, from "
        "0% = never to 100% = in every one; a literal hit is a phrase said word for word, and "
        "conversations with hits only by meaning are counted apart. "
        f"{n_hit:,} of the {n:,} conversations have a hit of some tracker; "
        f"{n - n_hit:,} have none."
    )
    summary = phrases.summary.set_index("tracker_id")
    table = rates.table.assign(
        n_phrases=summary["n_phrases"].reindex(rates.table["tracker_id"]).fillna(0).to_numpy(),
        n_dead=summary["n_dead"].reindex(rates.table["tracker_id"]).fillna(0).to_numpy(),
    )
    columns = (
        _Column("tracker", "Tracker"),
        _Column("languages", "Languages"),
        _Column("conversations_in_scope", "Conversations", "int"),
        _Column("conversations_hit", "With a hit", "int"),
        _Column("rate", "Rate", "percent"),
        _Column("conversations_literal", "Literal", "int"),
        _Column("conversations_meaning_only", "Only by meaning", "int"),
        _Column("hits", "Hits", "int"),
        _Column("hits_per_conversation", "Per conversation", "score"),
        _Column("n_phrases", "Phrases", "int"),
        _Column("n_dead", "Dead phrases", "int"),
    )
    parts = [
        intro,
        _img(HitRatesDisplay.from_result(rates), "share of conversations with a hit, per tracker"),
        "<h3>Hit rate per tracker</h3>",
        "<p class=\"meta\">In the account's order. <i>Conversations</i>: those in the tracker's "
        "language; <i>With a hit</i>: of them, those with at least one hit, <i>Literal</i> with a "
        "literal one, <i>Only by meaning</i> with hits by meaning alone; <i>Per conversation</i>: "
        "hits per conversation with a hit; <i>Dead phrases</i>: phrases never said word for word "
        "in these conversations.</p>",
        _table(table, columns, max_rows=max_rows),
    ]

    silent = silent_trackers(hits, frame)
    parts.append("<h3>Trackers that never fire</h3>")
    parts.append(
        _table(
            silent,
            (
                _Column("tracker", "Tracker"),
                _Column("n_phrases", "Phrases", "int"),
                _Column("languages", "Languages"),
            ),
            max_rows=max_rows,
            empty="Every tracker fires at least once.",
        )
    )

    dead = phrases.dead
    dead = dead[dead["position"] >= 0].reset_index(drop=True)
    parts.append(f"<h3>Dead phrases: {_plural(len(dead), 'phrase')} never said word for word</h3>")
    parts.append(
        '<p class="meta">By tracker, in vocabulary order. Rewrite them as people say them, or '
        "delete them; <i>Hits by meaning</i> counts the messages they still matched by meaning.</p>"
    )
    parts.append(
        _table(
            dead,
            (
                _Column("tracker", "Tracker"),
                _Column("phrase", "Phrase"),
                _Column("meaning_hits", "Hits by meaning", "int"),
            ),
            max_rows=max_rows,
            groups=dead["tracker_id"].tolist(),
            empty="Every phrase was said word for word at least once.",
        )
    )

    pairs = co_occurrence(hits, messages, frame, min_support=HITS_MIN_SUPPORT).pairs
    parts.append("<h3>Trackers that fire together</h3>")
    parts.append(
        '<p class="meta">Pairs of trackers with a hit in the same conversation, in at least '
        f"{HITS_MIN_SUPPORT} conversations. <i>Lift</i> is the number of conversations with both over "
        "the number expected if the two fired independently: 1 = as by chance, 2 = twice as often; "
        "two trackers that fire everywhere stay near 1. <i>Jaccard</i> is the conversations with "
        "both over those with either, from 0 = never together to 1 = always together. The highest "
        "lift first.</p>"
    )
    parts.append(
        _table(
            pairs,
            (
                _Column("tracker_a", "Tracker"),
                _Column("tracker_b", "Other tracker"),
                _Column("with_a", "With the tracker", "int"),
                _Column("with_b", "With the other", "int"),
                _Column("both", "With both", "int"),
                _Column("expected", "Expected by chance", "score"),
                _Column("jaccard", "Jaccard", "score"),
                _Column("lift", "Lift", "score"),
            ),
            max_rows=max_rows,
            empty=f"No two trackers fire together in {HITS_MIN_SUPPORT} or more conversations.",
        )
    )
    return "".join(parts)


def write_report(trackers: TrackersLike, path: str | os.PathLike[str], **options: Any) -> Path:
    """Write :func:`build_report` to ``path`` (UTF-8) and return the path.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     written = write_report("sample", pathlib.Path(folder) / "report.html")
    ...     written.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    True
    """
    target = Path(path)
    target.write_text(build_report(trackers, **options), encoding="utf-8")
    return target
