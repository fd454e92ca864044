"""Audit a vocabulary: every problem found, one row per finding.

Each rule is a small function registered with its name, severity and a one-line description
(:mod:`trackerkit.analysis._audit_rules`); :data:`AUDIT_RULES` lists them, and ``rules=``
chooses which ones run. Inputs several rules share (the near-duplicate search above all) are
computed once, and only when a chosen rule needs them.

**Bounded output.** An account that repeats the same phrases in hundreds of trackers has
millions of findings (one per phrase and partner), more than a table, a report or a widget
can show. ``max_per_rule`` (:data:`~trackerkit.constants.DEFAULT_MAX_PER_RULE`, 1000;
``None``: no limit) keeps each rule's first findings in the output order, and adds one
**summary finding** per truncated rule (same rule and severity, blank ``tracker_id``,
``tracker`` and ``phrase``, sorted after the trackers) whose ``detail`` says how many more
there were (:func:`not_listed` reads them back). When the near-duplicate search itself would be
too large (see :func:`similar_phrases`'s ``max_pairs``), each near-duplicate rule gets one
summary finding saying it was not checked.

    >>> import trackerkit
    >>> findings = trackerkit.audit(
    ...     [{"id": "1", "name": "Greeting", "vocabulary": ["Thank you for calling [company]", "hi", "hi"]}]
    ... )
    >>> findings[["phrase", "rule", "severity"]]
                                phrase                    rule severity
    0  Thank you for calling [company]    forbidden_characters    error
    1                               hi  duplicate_phrase_exact    error
    2                              NaN         too_few_phrases  warning
"""

from __future__ import annotations

import heapq
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from trackerkit._typing import TrackersLike
from trackerkit._validation import check_count, check_fraction, check_subset
from trackerkit.analysis._audit_rules import AUDIT_RULES, AuditContext, Finding, rule_check
from trackerkit.analysis._common import Select, prepare
from trackerkit.constants import DEFAULT_MAX_PER_RULE, FINDING_COLUMNS, MAX_PHRASES, MIN_PHRASES, SEVERITIES

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AUDIT_RULES", "audit", "not_listed"]

#: Words from which a phrase is over-long (the ``over_long_phrase`` rule).
DEFAULT_MAX_WORDS = 20

# a record: the output columns, then the tracker's row (the audited trackers' order)
_Record = tuple[str, str, "str | None", str, str, str, "int | None", int]


def audit(
    trackers: TrackersLike,
    *,
    rules: str | Iterable[str] | None = None,
    select: Select = None,
    min_phrases: int = MIN_PHRASES,
    max_phrases: int = MAX_PHRASES,
    max_words: int = DEFAULT_MAX_WORDS,
    threshold: float | None = None,
    max_per_rule: int | None = DEFAULT_MAX_PER_RULE,
) -> pd.DataFrame:
    """Every problem found in the vocabularies, one row per finding.

        Parameters
        ----------
        trackers : TrackersLike
            The account: anything :func:`trackerkit.load_trackers` accepts.
        rules : str or iterable of str, optional
            The rules to run (names of :data:`AUDIT_RULES`); default: all. Only these run: a rule
            left out costs nothing (the near-duplicate search runs only for a near-duplicate rule).
        select : tracker names or ids, optional
            Audit these trackers only. Cross-tracker rules (shared phrases, near-duplicates across,
            case-only names, typos) then look at the selected trackers only.
        min_phrases, max_phrases : int, default 5 and 50
            The phrase counts Symbl asks for (``too_few_phrases``, ``too_many_phrases``).
        max_words : int >= 1, default 20
            More words make a phrase over-long (``over_long_phrase``).
        threshold : float in (0, 1], optional
            :func:`similar_phrases`'s threshold for the near-duplicate rules (default
            :data:`~trackerkit.constants.DEFAULT_PHRASE_THRESHOLD`, 0.8).
        max_per_rule : int >= 0 or None, default 1000
            The findings listed per rule, the rest summarised in one finding (see "Bounded output"
            in the module docs); ``None``: all.

        Returns
        -------
        pandas.DataFrame
            Columns (:data:`~trackerkit.constants.FINDING_COLUMNS`): ``tracker_id``, ``tracker``,
            ``phrase`` (as written; missing for tracker-level rules), ``rule``, ``severity``
            (``"error"``, ``"warning"`` or ``"info"``), ``detail`` (a sentence naming the evidence)
            and ``position`` (0-based, nullable ``Int64``).

        Raises
        ------
        InvalidParameterError
            An unknown rule name (the message lists the known ones) or a parameter out of range.

        Notes
        -----
        Findings are in a total order: severity (most severe first), then tracker order (the order
        of the trackers given, or of ``select``; summary findings last), then position (tracker
        findings first), then rule (in the order of :data:`AUDIT_RULES`), then ``detail``, which
        tells apart the findings of one rule on one phrase (near-duplicates of several phrases).
        So the findings depend on the account only.

        **Typos.** Two kinds of evidence must agree. The account's own: a word seen at most
        twice is one typing slip (:func:`~trackerkit.analysis._audit_rules.typo_edit`) from a
        word seen at least 3 times as often. A dictionary's: pyspellchecker's word list or
        wordfreq's frequencies (both bundled; loaded on the first word to check) for the
        tracker's language: its declared ``languages`` (``es-ES`` is checked against Spanish;
        a tracker whose declared languages no dictionary has is not checked); with none
        declared, English, and also the language its words look like when that is not English
        (as ``non_english`` detects it). A word no dictionary knows is a ``typo`` (warning). A
        dictionary word is never reported as a typo: when the word it looks like is at least 100
        times as common in the language, it is a ``real_word_confusion`` (info: ``tome`` for
        ``time``); otherwise (``uses``/``users``, ``while``/``whole``) nothing is reported.

        The rules, in their order (:data:`AUDIT_RULES`):

    {rules}

        Examples
        --------
        >>> findings = audit("sample")
        >>> sorted(findings.loc[findings["tracker"] == "Promotion Mention", "rule"].unique())
        ['too_few_phrases']
        >>> audit("sample", rules=["typo"])["rule"].unique().tolist()
        ['typo']
    """
    chosen_rules = _chosen_rules(rules)
    min_phrases = check_count("min_phrases", min_phrases, minimum=0)
    max_phrases = check_count("max_phrases", max_phrases, minimum=1)
    max_words = check_count("max_words", max_words, minimum=1)
    max_per_rule = check_count("max_per_rule", max_per_rule, minimum=0, allow_none=True)
    if threshold is not None:
        threshold = check_fraction("threshold", threshold)
    _, chosen = prepare(trackers, select)
    context = AuditContext(
        chosen, min_phrases=min_phrases, max_phrases=max_phrases, max_words=max_words, threshold=threshold
    )
    collected = _Collected(context, max_per_rule)
    spelling = [name for name in chosen_rules if name in _SPELLING_RULES]
    if spelling and context.slips.suggestion:
        # Words to check: the word lists load while the other rules run, which run first for
        # that reason (the output's order does not depend on the order the rules run in).
        context.dictionaries.preload(["en", *(c for codes in context.declared_languages for c in codes)])
    try:
        for name in [*(n for n in chosen_rules if n not in _SPELLING_RULES), *spelling]:
            for finding in rule_check(name)(context):
                collected.add(name, finding)
    finally:
        context.dictionaries.wait()
    return _findings_frame(collected.records())


#: The rules that read the spelling dictionaries.
_SPELLING_RULES = frozenset({"typo", "real_word_confusion"})


def _chosen_rules(rules: str | Iterable[str] | None) -> tuple[str, ...]:
    """The rule names to run, in the registry's order."""
    if rules is None:
        return tuple(AUDIT_RULES)
    return check_subset("rules", rules, tuple(AUDIT_RULES), item="rule")


class _Collected:
    """The findings of an audit as records; with ``max_per_rule``, only each rule's first
    findings in the output order are kept, the others counted for the summary finding.

    A rule's records gather in a buffer that is cut back to its first ``max_per_rule`` (by
    :func:`_rank_in_rule`, with :func:`heapq.nsmallest`) whenever it holds about twice that:
    memory stays bounded however many findings a rule has, at a cost per finding of a list
    append."""

    def __init__(self, context: AuditContext, max_per_rule: int | None) -> None:
        self.context = context
        self.max_per_rule = max_per_rule
        self.listed: list[_Record] = []
        self.kept: dict[str, list[_Record]] = {}
        self.found: Counter[str] = Counter()
        self.severity = {name: entry.severity for name, entry in AUDIT_RULES.items()}
        self.prune_at = None if max_per_rule is None else 2 * max_per_rule + 1024

    def add(self, name: str, finding: Finding) -> None:
        if finding.row is None:  # about the whole audit: a summary, never capped
            self.listed.append(self._summary(name, finding.detail))
            return
        row = finding.row
        record = (
            self.context.ids[row],
            self.context.names[row],
            finding.phrase,
            name,
            self.severity[name],
            finding.detail,
            finding.position,
            row,
        )
        if self.max_per_rule is None:
            self.listed.append(record)
            return
        self.found[name] += 1
        kept = self.kept.setdefault(name, [])
        kept.append(record)
        if len(kept) >= self.prune_at:
            self.kept[name] = heapq.nsmallest(self.max_per_rule, kept, key=_rank_in_rule)

    def records(self) -> list[_Record]:
        """Every kept record, and a summary record per truncated rule."""
        records = list(self.listed)
        for name, kept in self.kept.items():
            first = heapq.nsmallest(self.max_per_rule or 0, kept, key=_rank_in_rule)
            records.extend(first)
            more = self.found[name] - len(first)
            if more:
                records.append(self._summary(name, _not_listed_detail(name, more, self.max_per_rule)))
        return records

    def _summary(self, name: str, detail: str) -> _Record:
        return ("", "", None, name, self.severity[name], detail, None, len(self.context.ids))


def _rank_in_rule(record: _Record) -> tuple[int, int, str]:
    """A record's place in the output among its rule's findings: tracker row, position
    (tracker findings first), detail."""
    return (record[7], -1 if record[6] is None else record[6], record[5])


def _findings_frame(records: list[_Record]) -> pd.DataFrame:
    """The findings frame of ``records``, in the total order (see :func:`audit`'s Notes)."""
    import pandas as pd  # lazy: heavy

    severity_rank = {s: k for k, s in enumerate(SEVERITIES)}
    rule_rank = {r: k for k, r in enumerate(AUDIT_RULES)}
    # a total order: one phrase can have several findings of one rule (near-duplicates of
    # several phrases), told apart by their detail
    records = sorted(
        records,
        key=lambda r: (
            severity_rank[r[4]],
            r[7],
            -1 if r[6] is None else r[6],
            rule_rank[r[3]],
            r[5],
        ),
    )
    out = pd.DataFrame.from_records(records, columns=[*FINDING_COLUMNS, "_row"])
    out = out.drop(columns="_row")
    missing_phrase = out["phrase"].isna()  # pandas < 3 turns None into the string "None"
    for c in ("tracker_id", "tracker", "phrase", "rule", "severity", "detail"):
        out[c] = out[c].astype("str")
    out["phrase"] = out["phrase"].mask(missing_phrase)
    out["position"] = pd.array([None if pd.isna(p) else int(p) for p in out["position"]], dtype="Int64")
    return out


# --------------------------------------------------------------------------- summary findings


def _not_listed_detail(name: str, more: int, max_per_rule: int | None) -> str:
    return (
        f"{more:,} more {name} finding{'s' * (more != 1)} not listed: the audit lists the "
        f"first {max_per_rule:,} of each rule (max_per_rule; --max-per-rule on the command "
        "line); raise it, or narrow the audit with select= or rules="
    )


_NOT_LISTED = re.compile(r"([\d,]+) more (\S+) findings? not listed: ")


def not_listed(findings: pd.DataFrame) -> dict[str, int]:
    """Rule -> how many of its findings ``max_per_rule`` left out, read from the summary
    findings of :func:`audit`'s result (empty when nothing was left out).

        >>> repeated = [{"id": str(k), "name": f"T{k}", "vocabulary": ["hello there"]} for k in range(5)]
        >>> not_listed(audit(repeated, rules="shared_phrase", max_per_rule=2))
        {'shared_phrase': 3}
    """
    out: dict[str, int] = {}
    summaries = findings[findings["tracker_id"] == ""]
    for rule_name, detail in zip(summaries["rule"], summaries["detail"]):
        match = _NOT_LISTED.match(detail)
        if match and match.group(2) == rule_name:
            out[rule_name] = int(match.group(1).replace(",", ""))
    return out


def _rules_table() -> str:
    """The rules for :func:`audit`'s docstring, from the registry (one place to add a rule)."""
    return "\n".join(
        f"    ``{name}`` ({entry.severity})\n        {entry.description}"
        for name, entry in AUDIT_RULES.items()
    )


if audit.__doc__:  # None under python -OO
    audit.__doc__ = audit.__doc__.replace("{rules}", _rules_table())
