"""Audit a vocabulary: every problem found, one row per finding.

Rules (``rule`` column), with their severity:

=========================== ======== ==========================================================
rule                        severity what it flags
=========================== ======== ==========================================================
empty_phrase                error    a phrase that is blank or only punctuation
forbidden_characters        error    brackets ``()[]{}<>`` or control characters: the Trackers
                                     API rejects them (placeholders like ``[company name]``)
duplicate_phrase_exact      error    a phrase listed twice, byte-identical, in one tracker
                                     (the API requires unique phrases); on the later copy
duplicate_name              error    two trackers with exactly the same name
duplicate_phrase_normalized warning  two phrases of one tracker equal after normalization
                                     (``Reset my password`` / ``reset my password.``)
shared_phrase               warning  the same normalized phrase in two or more trackers; one
                                     finding per tracker
too_few_phrases             warning  fewer than ``min_phrases`` (5) phrases
too_many_phrases            warning  more than ``max_phrases`` (50) phrases
over_long_phrase            warning  more than ``max_words`` (20) words: a pasted script
punctuation                 warning  punctuation other than periods and apostrophes, which
                                     Symbl's docs do not accept (``?``, ``,``, ``!``, ``-``...)
case_only_names             warning  names equal except for case (ambiguous when addressed
                                     case-insensitively)
typo                        warning  a word seen at most twice that is one typing slip (see
                                     :func:`typo_edit`) from a word seen at least 3 times as
                                     often; may flag a rare real word (``while``/``whole``)
near_duplicate_within       info     two near-duplicate phrases in one tracker (as
                                     :func:`similar_phrases` scores them); on the later one
near_duplicate_phrase       info     near-duplicate phrases in two trackers; one finding per
                                     tracker
non_english                 info     a tracker declared (``languages``) or detected as not
                                     English; the account's language mix is in
                                     ``findings.attrs["languages"]``
=========================== ======== ==========================================================

Columns: ``tracker_id``, ``tracker``, ``phrase`` (as written; missing for tracker-level
rules), ``rule``, ``severity`` (``"error"``, ``"warning"`` or ``"info"``), ``detail`` (a
sentence naming the evidence) and ``position`` (0-based, nullable Int64). Sorted by severity,
then tracker order (the order of the trackers given, or of ``select``), then position (tracker
findings first), then rule (in the table's order), then ``detail``: a total order, so the
findings depend on the account only.

**Bounded output.** An account that repeats the same phrases in hundreds of trackers has
millions of findings (one per phrase and partner), more than a table, a report or a widget
can show. ``max_per_rule`` (:data:`DEFAULT_MAX_PER_RULE`, 1000; ``None``: no limit) keeps each
rule's first findings in the order above, and adds one **summary finding** per truncated rule
(same rule and severity, blank ``tracker_id``, ``tracker`` and ``phrase``, sorted after the
trackers) whose ``detail`` says how many more there were; ``findings.attrs["truncated"]`` maps
those rules to the number left out. When the near-duplicate search itself would be too large
(see :func:`similar_phrases`'s ``max_pairs``), each near-duplicate rule gets one summary
finding saying it was not checked, and ``findings.attrs["unchecked"]`` lists them.

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
import unicodedata
from collections import Counter
from typing import TYPE_CHECKING, Any

from trackerkit.analysis._common import Select, check_count, check_fraction, prepare
from trackerkit.errors import ResultTooLargeError

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEFAULT_MAX_PER_RULE", "FINDING_COLUMNS", "RULES", "SEVERITIES", "audit"]

DEFAULT_MAX_PER_RULE = 1000
_MAX_LISTED = 10  # other trackers named in one finding's detail

SEVERITIES = ("error", "warning", "info")
RULES = {
    "empty_phrase": "error",
    "forbidden_characters": "error",
    "duplicate_phrase_exact": "error",
    "duplicate_name": "error",
    "duplicate_phrase_normalized": "warning",
    "shared_phrase": "warning",
    "too_few_phrases": "warning",
    "too_many_phrases": "warning",
    "over_long_phrase": "warning",
    "punctuation": "warning",
    "case_only_names": "warning",
    "typo": "warning",
    "near_duplicate_within": "info",
    "near_duplicate_phrase": "info",
    "non_english": "info",
}
FINDING_COLUMNS = ("tracker_id", "tracker", "phrase", "rule", "severity", "detail", "position")

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_ALLOWED_PUNCTUATION = {".", "'", "’"}

# A few hundred function words are enough to tell English from its usual neighbours in
# tracker vocabularies; a phrase list is too short for anything subtler.
_FUNCTION_WORDS = {
    "en": "the a an and or but to of in on for with at by from is are was were be been it this that "
    "i you we they he she my your our their me us them not no do does did can could will would "
    "have has had what how why when where which who please there here about just",
    "es": "el la los las un una y o pero de del en con por para es son fue ser está estoy quiero "
    "mi mis tu su nuestro yo usted nosotros ellos no sí qué cómo por qué cuándo dónde que muy "
    "me te se le lo al este esta esto hay puedo puede favor",
    "fr": "le la les un une et ou mais de du des en dans avec pour par est sont était être je tu "
    "il elle nous vous ils mon ma mes ton votre notre ne pas oui non que qui quoi comment pourquoi "
    "quand où ce cette ces au aux",
    "de": "der die das ein eine und oder aber zu von mit für auf ist sind war sein ich du er sie "
    "wir ihr mein meine dein unser nicht nein ja was wie warum wann wo wer dem den des im am",
    "pt": "o a os as um uma e ou mas de do da em com por para é são foi ser eu você nós eles meu "
    "minha seu sua não sim que como porque quando onde no na isso este esta",
    "it": "il lo la i gli le un una e o ma di del della in con per è sono era essere io tu lui lei "
    "noi voi loro mio mia tuo suo non sì che come perché quando dove questo questa",
}
_LANGUAGE_NAMES = {
    "en": "English",
    "es": "Spanish",
    "fr": "French",
    "de": "German",
    "pt": "Portuguese",
    "it": "Italian",
}


def _guess_language(words: list[str]) -> tuple[str | None, int, int]:
    """``(language, hits, total)``: the language whose function words cover the most words."""
    sets = {lang: set(text.split()) for lang, text in _FUNCTION_WORDS.items()}
    hits = {lang: sum(w in s for w in words) for lang, s in sets.items()}
    best = max(hits, key=lambda lang: (hits[lang], lang == "en"))
    if hits[best] == 0:
        return None, 0, len(words)
    return best, hits[best], len(words)


def _script(text: str) -> str | None:
    """The writing system most letters of ``text`` are in (``"LATIN"``, ``"CYRILLIC"``...)."""
    scripts = Counter(
        unicodedata.name(ch, "UNKNOWN").split()[0] for ch in text if unicodedata.category(ch).startswith("L")
    )
    return scripts.most_common(1)[0][0] if scripts else None


def _characters(phrase: str) -> tuple[list[str], list[str]]:
    """``(forbidden, other punctuation)`` characters of a phrase, in order of appearance."""
    forbidden: list[str] = []
    punctuation: list[str] = []
    for ch in phrase:
        category = unicodedata.category(ch)
        if category in ("Ps", "Pe") or ch in "<>" or (category.startswith("C") and ch not in "\t\n\r"):
            if ch not in forbidden:
                forbidden.append(ch)
        elif category[0] in "LMN" or ch.isspace() or ch in _ALLOWED_PUNCTUATION:
            continue
        elif ch not in punctuation:
            punctuation.append(ch)
    return forbidden, punctuation


def _quoted(chars: list[str]) -> str:
    return ", ".join(repr(c) if unicodedata.category(c)[0] != "C" else f"U+{ord(c):04X}" for c in chars)


def audit(
    trackers: Any,
    *,
    select: Select = None,
    rules: Any = None,
    min_phrases: int = 5,
    max_phrases: int = 50,
    max_words: int = 20,
    threshold: float | None = None,
    max_per_rule: int | None = DEFAULT_MAX_PER_RULE,
) -> pd.DataFrame:
    """Every problem found in the vocabularies, one row per finding (see the module docs).

    ``rules`` restricts the audit to some rule names; ``min_phrases``/``max_phrases`` (5/50)
    bound the phrase count Symbl asks for; ``max_words`` (20) makes a phrase over-long;
    ``threshold`` is :func:`similar_phrases`'s (default 0.8) for the near-duplicate rules.
    Cross-tracker rules (shared phrases, near-duplicates across, case-only names, typos)
    look at the selected trackers only. ``max_per_rule`` (1000; ``None``: all) caps the
    findings of each rule and summarises the rest (see "Bounded output" in the module docs).

        >>> findings = audit("sample")
        >>> sorted(findings.loc[findings["tracker"] == "Promotion Mention", "rule"].unique())
        ['too_few_phrases']
    """
    import pandas as pd

    from trackerkit.analysis.near_duplicates import _empty_pairs, similar_phrases
    from trackerkit.frames import normalize_phrase

    if rules is None:
        wanted = set(RULES)
    else:
        wanted = {rules} if isinstance(rules, str) else set(rules)
        unknown = wanted - set(RULES)
        if unknown:
            raise ValueError(f"unknown rule(s) {sorted(unknown)}; rules must be among {sorted(RULES)}")
    min_phrases = check_count("min_phrases", min_phrases, minimum=0)
    max_phrases = check_count("max_phrases", max_phrases, minimum=1)
    max_words = check_count("max_words", max_words, minimum=1)
    max_per_rule = check_count("max_per_rule", max_per_rule, minimum=0, allow_none=True)
    if threshold is not None:
        threshold = check_fraction("threshold", threshold)
    _, chosen = prepare(trackers, select)

    records: list[tuple[Any, ...]] = []
    # with max_per_rule: each rule's first findings in the output order, in a heap whose top
    # is the one that comes last
    kept: dict[str, list[_Finding]] = {}
    found: Counter[str] = Counter()
    unchecked: list[str] = []

    def add(row: int, rule: str, detail: str, phrase: str | None = None, position: int | None = None) -> None:
        if rule in wanted:
            record = (ids[row], names[row], phrase, rule, RULES[rule], detail, position, row)
            if max_per_rule is None:
                records.append(record)
                return
            found[rule] += 1
            finding = _Finding((row, -1 if position is None else position, detail), record)
            heap = kept.setdefault(rule, [])
            if len(heap) < max_per_rule:
                heapq.heappush(heap, finding)
            elif max_per_rule and finding.key < heap[0].key:
                heapq.heapreplace(heap, finding)

    names = [str(n) for n in chosen["name"]]
    ids = [str(i) for i in chosen["tracker_id"]]
    vocabularies = [list(v) for v in chosen["vocabulary"]]

    # ---- tracker-level rules
    for row, vocabulary in enumerate(vocabularies):
        n = len(vocabulary)
        if n < min_phrases:
            add(
                row,
                "too_few_phrases",
                f"{n} phrase{'s' * (n != 1)}; Symbl asks for {min_phrases} to {max_phrases}",
            )
        if n > max_phrases:
            add(row, "too_many_phrases", f"{n} phrases; Symbl asks for {min_phrases} to {max_phrases}")
    by_name: dict[str, list[int]] = {}
    by_folded: dict[str, list[int]] = {}
    for row, name in enumerate(names):
        by_name.setdefault(name, []).append(row)
        by_folded.setdefault(name.casefold(), []).append(row)
    for group in by_name.values():
        for row in group[1:]:
            add(row, "duplicate_name", f"same name as tracker id {ids[group[0]]!r}")
    for group in by_folded.values():
        distinct = {names[r] for r in group}
        if len(distinct) > 1:
            for row in group:
                others = _listed(
                    [f"{names[r]!r} (id {ids[r]})" for r in group if names[r] != names[row]], ", "
                )
                add(row, "case_only_names", f"name differs only by case from {others}")

    # ---- phrase-level rules
    norms = [[normalize_phrase(p) for p in vocabulary] for vocabulary in vocabularies]
    for row, vocabulary in enumerate(vocabularies):
        first_exact: dict[str, int] = {}
        first_norm: dict[str, int] = {}
        for position, phrase in enumerate(vocabulary):
            norm = norms[row][position]
            if not norm:
                what = "blank" if not phrase.strip() else f"only punctuation ({phrase!r})"
                add(row, "empty_phrase", f"the phrase is {what}", phrase, position)
            forbidden, punctuation = _characters(phrase)
            if forbidden:
                add(
                    row,
                    "forbidden_characters",
                    f"contains {_quoted(forbidden)}; the Trackers API rejects brackets and control "
                    "characters (a template placeholder left in?)",
                    phrase,
                    position,
                )
            if punctuation:
                add(
                    row,
                    "punctuation",
                    f"contains {_quoted(punctuation)}; Symbl's docs accept only periods and apostrophes",
                    phrase,
                    position,
                )
            n_words = len(norm.split())
            if n_words > max_words:
                add(
                    row,
                    "over_long_phrase",
                    f"{n_words} words (more than {max_words}): key phrases match better",
                    phrase,
                    position,
                )
            if phrase in first_exact:
                add(
                    row,
                    "duplicate_phrase_exact",
                    f"same phrase as position {first_exact[phrase]}; Symbl requires unique phrases",
                    phrase,
                    position,
                )
            elif norm and norm in first_norm:
                earlier = first_norm[norm]
                add(
                    row,
                    "duplicate_phrase_normalized",
                    f"equal to {vocabulary[earlier]!r} (position {earlier}) after normalization",
                    phrase,
                    position,
                )
            first_exact.setdefault(phrase, position)
            if norm:
                first_norm.setdefault(norm, position)

    # ---- phrases shared across trackers
    where: dict[str, list[tuple[int, int]]] = {}
    for row in range(len(vocabularies)):
        seen: set[str] = set()
        for position, norm in enumerate(norms[row]):
            if norm and norm not in seen:
                seen.add(norm)
                where.setdefault(norm, []).append((row, position))
    for places in where.values():
        if len(places) > 1:
            for row, position in places:
                listed = (f"{names[r]!r} as {vocabularies[r][p]!r}" for r, p in places if r != row)
                others = _listed(listed, "; ", total=len(places) - 1)
                add(row, "shared_phrase", f"also in {others}", vocabularies[row][position], position)

    # ---- near-duplicates
    if {"near_duplicate_within", "near_duplicate_phrase"} & wanted and len(chosen):
        try:
            pairs = similar_phrases(chosen, threshold=threshold, top_n=None, scope="all")
        except ResultTooLargeError as exc:
            unchecked = sorted(
                {"near_duplicate_within", "near_duplicate_phrase"} & wanted, key=list(RULES).index
            )
            pairs = _empty_pairs()  # none: each rule gets a summary finding instead
            too_many = f"at least {exc.count:,}" if exc.count is not None else "too many"
            for rule in unchecked:
                records.append(
                    (
                        "",
                        "",
                        None,
                        rule,
                        RULES[rule],
                        f"not checked: similar_phrases would return {too_many} phrase pairs, over "
                        f"its max_pairs of {exc.limit:,}; raise threshold or audit fewer trackers "
                        "(select=)",
                        None,
                        len(chosen),
                    )
                )
        pairs = pairs[pairs["kind"] == "near"]
        row_of = {tid: r for r, tid in enumerate(ids)}
        for pair in pairs.itertuples(index=False):
            ra, rb = row_of[pair.tracker_id_a], row_of[pair.tracker_id_b]
            score = f"score {pair.score:.2f}" + (
                f", {pair.edits} edit{'s' * (pair.edits != 1)}" if pair.edits <= 2 else ""
            )
            if ra == rb:
                add(
                    rb,
                    "near_duplicate_within",
                    f"near-duplicate of {pair.phrase_a!r} (position {pair.position_a}), {score}",
                    pair.phrase_b,
                    int(pair.position_b),
                )
            else:
                add(
                    ra,
                    "near_duplicate_phrase",
                    f"near-duplicate of {pair.phrase_b!r} in {names[rb]!r}, {score}",
                    pair.phrase_a,
                    int(pair.position_a),
                )
                add(
                    rb,
                    "near_duplicate_phrase",
                    f"near-duplicate of {pair.phrase_a!r} in {names[ra]!r}, {score}",
                    pair.phrase_b,
                    int(pair.position_b),
                )

    # ---- likely typos
    if "typo" in wanted:
        _typos(vocabularies, norms, add)

    # ---- languages
    mix = _languages(chosen, norms, add if "non_english" in wanted else None)

    truncated: dict[str, int] = {}
    for rule, heap in kept.items():
        records.extend(finding.record for finding in sorted(heap, reverse=True))  # output order
        more = found[rule] - len(heap)
        if more:
            truncated[rule] = more
            records.append(
                (
                    "",
                    "",
                    None,
                    rule,
                    RULES[rule],
                    f"{more:,} more {rule} finding{'s' * (more != 1)} not listed: the audit lists the "
                    f"first {max_per_rule:,} of each rule (max_per_rule; --max-per-rule on the command "
                    "line); raise it, or narrow the audit with select= or rules=",
                    None,
                    len(chosen),
                )
            )
    out = pd.DataFrame.from_records(records, columns=[*FINDING_COLUMNS, "_row"])
    severity_rank = out["severity"].map({s: k for k, s in enumerate(SEVERITIES)}).astype("int64")
    rule_rank = out["rule"].map({r: k for k, r in enumerate(RULES)}).astype("int64")
    position_rank = pd.to_numeric(out["position"]).fillna(-1).astype("int64")
    details = out["detail"].tolist()
    # a total order: one phrase can have several findings of one rule (near-duplicates of
    # several phrases), told apart by their detail
    order = sorted(
        range(len(out)),
        key=lambda k: (
            severity_rank.iloc[k],
            out["_row"].iloc[k],
            position_rank.iloc[k],
            rule_rank.iloc[k],
            details[k],
        ),
    )
    out = out.iloc[order].drop(columns="_row").reset_index(drop=True)
    missing_phrase = out["phrase"].isna()  # pandas < 3 turns None into the string "None"
    for c in ("tracker_id", "tracker", "phrase", "rule", "severity", "detail"):
        out[c] = out[c].astype("str")
    out["phrase"] = out["phrase"].mask(missing_phrase)
    out["position"] = pd.array([None if pd.isna(p) else int(p) for p in out["position"]], dtype="Int64")
    out.attrs["languages"] = mix
    out.attrs["truncated"] = truncated
    out.attrs["unchecked"] = unchecked
    return out


class _Finding:
    """A finding in a rule's heap: ``key`` is its place in the output within the rule (tracker
    row, position, detail); the heap's top is the finding that comes last."""

    __slots__ = ("key", "record")

    def __init__(self, key: tuple[int, int, str], record: tuple[Any, ...]) -> None:
        self.key = key
        self.record = record

    def __lt__(self, other: _Finding) -> bool:
        return self.key > other.key


def _listed(items: Any, separator: str, total: int | None = None) -> str:
    """The first few ``items`` joined, and how many more there are (a detail stays readable
    when a phrase is in hundreds of trackers). ``total`` avoids building every item."""
    shown: list[str] = []
    count = 0
    for item in items:
        count += 1
        if len(shown) < _MAX_LISTED:
            shown.append(item)
        elif total is not None:
            break
    total = count if total is None else total
    more = total - len(shown)
    return separator.join(shown) + (f"{separator}and {more} more" if more > 0 else "")


def _neighbours() -> dict[str, set[str]]:
    """Letters next to each other on a QWERTY keyboard (rows offset by half a key)."""
    rows = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
    where = {ch: (r, i + 0.5 * r) for r, row in enumerate(rows) for i, ch in enumerate(row)}
    return {
        a: {b for b, (rb, xb) in where.items() if b != a and abs(ra - rb) <= 1 and abs(xa - xb) <= 1}
        for a, (ra, xa) in where.items()
    }


_KEYS = _neighbours()
_ARTICLE = {"swapped letters": "", "wrong letter": "a ", "missing letter": "a ", "extra letter": "an "}
# a rare word next to a function word (from/form, let/left, per/peer) is a word of its own
_SHORT_COMMON = set(_FUNCTION_WORDS["en"].split())


def typo_edit(word: str, correct: str) -> str | None:
    """How ``word`` is one slip away from ``correct``, or None when the edit does not look like
    a typing slip: a swapped pair of letters, a missing letter, a doubled or neighbouring-key
    extra letter, or a letter replaced by its QWERTY neighbour; never the first letter, and
    never a change of the last letter alone (``refund``/``refunds``, ``used``/``user`` are
    other words, not slips).

        >>> typo_edit("refnud", "refund"), typo_edit("tome", "time"), typo_edit("tone", "one")
        ('swapped letters', 'wrong letter', None)
    """
    if len(word) == len(correct):
        diff = [k for k, (x, y) in enumerate(zip(word, correct)) if x != y]
        if (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == correct[diff[1]]
            and (word[diff[1]] == correct[diff[0]])
        ):
            return "swapped letters" if diff[0] >= 1 else None
        if len(diff) == 1:
            k = diff[0]
            if 1 <= k < len(word) - 1 and word[k] in _KEYS.get(correct[k], ()):
                return "wrong letter"
        return None
    if len(word) == len(correct) - 1:  # a letter of ``correct`` is missing
        for k in range(1, len(correct) - 1):
            if correct[:k] + correct[k + 1 :] == word:
                return "missing letter"
        return None
    if len(word) == len(correct) + 1:  # an extra letter
        for k in range(1, len(word) - 1):
            if word[:k] + word[k + 1 :] == correct:
                extra, left, right = word[k], word[k - 1], word[k + 1]
                if extra in (left, right) or extra in _KEYS.get(left, ()) or extra in _KEYS.get(right, ()):
                    return "extra letter"
        return None
    return None


def _typos(vocabularies: list[list[str]], norms: list[list[str]], add: Any) -> None:
    """Flag rare words one slip (see :func:`typo_edit`) from a much more frequent word."""
    import numpy as np
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    counts: Counter[str] = Counter()
    for tracker_norms in norms:
        for norm in tracker_norms:
            counts.update(_WORD.findall(norm))
    rare = sorted(w for w, c in counts.items() if c <= 2 and len(w) >= 4)
    common = sorted(w for w, c in counts.items() if c >= 3 and len(w) >= 4)
    if not rare or not common:
        return
    distance = process.cdist(rare, common, scorer=OSA.distance, score_cutoff=1, dtype=np.int32, workers=-1)
    suggestion: dict[str, tuple[str, str]] = {}
    for r, c in zip(*np.nonzero(distance == 1)):
        word, other = rare[r], common[c]
        how = typo_edit(word, other)
        if how is None or counts[other] < 3 * counts[word] or other in _SHORT_COMMON:
            continue
        if ("'" in word) != ("'" in other) or ("’" in word) != ("’" in other):
            continue  # were/we're, its/it's: a contraction, not a slip
        best = suggestion.get(word)
        # the most frequent correction; equal counts: the alphabetically first (common is sorted)
        if best is None or counts[other] > counts[best[0]]:
            suggestion[word] = (other, how)
    for row, tracker_norms in enumerate(norms):
        for position, norm in enumerate(tracker_norms):
            for word in dict.fromkeys(_WORD.findall(norm)):
                if word in suggestion:
                    other, how = suggestion[word]
                    add(
                        row,
                        "typo",
                        f"{word!r} (seen {counts[word]}x) looks like {other!r} (seen {counts[other]}x) "
                        f"with {_ARTICLE[how]}{how}",
                        vocabularies[row][position],
                        position,
                    )


def _languages(frame: pd.DataFrame, norms: list[list[str]], add: Any) -> dict[str, int]:
    """Per-tracker language: declared (``languages``) or guessed; returns the account's mix."""
    mix: Counter[str] = Counter()
    declared_column = frame["languages"] if "languages" in frame.columns else [None] * len(frame)
    for row, declared in enumerate(declared_column):
        words = [w for norm in norms[row] for w in _WORD.findall(norm)]
        text = " ".join(norms[row])
        script = _script(text)
        guess, hits, total = _guess_language(words)
        codes = [str(c) for c in declared] if isinstance(declared, (list, tuple)) and declared else []
        if codes:
            base = sorted({c.split("-")[0].lower() for c in codes})
            label = "+".join(base)
        elif script not in (None, "LATIN"):
            label = script.lower()
        elif guess is not None and hits >= 2:
            label = guess
        else:
            label = "unknown"
        mix[label] += 1
        if add is None:
            continue
        evidence = (
            f"{hits} of {total} words are common {_LANGUAGE_NAMES.get(guess or '', '')} words"
            if guess
            else ""
        )
        if codes and any(not c.lower().startswith("en") for c in codes):
            looks = f"; {evidence}" if guess and guess != "en" else ""
            add(
                row,
                "non_english",
                f"declared languages {', '.join(codes)}{looks}; it will not fire on English conversations",
            )
        elif not codes and script not in (None, "LATIN"):
            add(row, "non_english", f"phrases are written in {script.title()} script")
        elif not codes and guess not in (None, "en") and hits >= 2:
            add(row, "non_english", f"phrases look {_LANGUAGE_NAMES[guess]} ({evidence})")
    return dict(mix)
