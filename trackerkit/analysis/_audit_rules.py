"""The rules of :func:`trackerkit.audit`: each a small function registered with its name,
severity and a one-line description, reading an :class:`AuditContext` and yielding
:class:`Finding` objects.

Adding a rule is writing one decorated function here::

    @rule("my_rule", severity="warning", description="what it flags, in one line")
    def _my_rule(context: AuditContext) -> Iterator[Finding]:
        for row, name in enumerate(context.names):
            if ...:
                yield Finding(row, "a sentence naming the evidence")

The order of definition is the order of the rules in the findings (after severity, tracker and
position) and in :data:`AUDIT_RULES`. Inputs several rules share (normalized phrases, the
near-duplicate pairs...) are :class:`AuditContext` properties, computed on first use and once,
so a rule that is not chosen costs nothing.

    >>> AUDIT_RULES["typo"].severity
    'warning'
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache, cached_property
from typing import TYPE_CHECKING, NamedTuple

from trackerkit._validation import check_choice
from trackerkit.analysis._near_duplicates import similar_phrases
from trackerkit.analysis._spelling import Dictionaries, checked_languages
from trackerkit.constants import DEFAULT_MAX_EDITS, SEVERITIES
from trackerkit.errors import InvalidParameterError, ResultTooLargeError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["AUDIT_RULES", "AuditContext", "AuditRule", "Finding", "rule", "typo_edit"]

_MAX_LISTED = 10  # other trackers named in one finding's detail


# --------------------------------------------------------------------------- the registry


class AuditRule(NamedTuple):
    """What :data:`AUDIT_RULES` says of a rule."""

    severity: str
    description: str


@dataclass(frozen=True)
class Finding:
    """One problem a rule found.

    ``row`` is the tracker's row in the audited trackers, or None for a finding about the whole
    audit (a summary: it names no tracker, comes after the trackers' findings and is never
    capped by ``max_per_rule``). ``phrase`` (as written) and ``position`` locate a phrase-level
    finding.
    """

    row: int | None
    detail: str
    phrase: str | None = None
    position: int | None = None


@dataclass(frozen=True)
class _Rule:
    severity: str
    description: str
    check: Callable[[AuditContext], Iterable[Finding]]


_REGISTRY: dict[str, _Rule] = {}


class _RuleTable(Mapping[str, AuditRule]):
    """A read-only view of the registry: rule name -> (severity, description)."""

    def __getitem__(self, name: str) -> AuditRule:
        entry = _REGISTRY[name]
        return AuditRule(entry.severity, entry.description)

    def __iter__(self) -> Iterator[str]:
        return iter(_REGISTRY)

    def __len__(self) -> int:
        return len(_REGISTRY)

    def __repr__(self) -> str:
        return f"AUDIT_RULES({dict(self)!r})"


#: Every audit rule, in their order: name -> :class:`AuditRule` ``(severity, description)``.
AUDIT_RULES: Mapping[str, AuditRule] = _RuleTable()


def rule(
    name: str, *, severity: str, description: str
) -> Callable[[Callable[[AuditContext], Iterable[Finding]]], Callable[[AuditContext], Iterable[Finding]]]:
    """Register the decorated function as the audit rule ``name``."""
    severity = check_choice("severity", severity, SEVERITIES)
    if name in _REGISTRY:
        raise InvalidParameterError(f"audit rule {name!r} is registered twice", parameter="name")

    def register(
        check: Callable[[AuditContext], Iterable[Finding]],
    ) -> Callable[[AuditContext], Iterable[Finding]]:
        _REGISTRY[name] = _Rule(severity, description, check)
        return check

    return register


def rule_check(name: str) -> Callable[[AuditContext], Iterable[Finding]]:
    """The function of the registered rule ``name``."""
    return _REGISTRY[name].check


# --------------------------------------------------------------------------- the context


class NearPairs(NamedTuple):
    """The near-duplicate phrase pairs of the audited trackers, or why they are missing."""

    pairs: pd.DataFrame | None  # rows of similar_phrases(scope="all", k=None) of kind "near"
    too_large: ResultTooLargeError | None  # the search would have been too large to run


class AuditContext:
    """What the rules read: the audited trackers, the limits, and inputs several rules share,
    each computed on first use and only once."""

    def __init__(
        self,
        trackers: pd.DataFrame,
        *,
        min_phrases: int,
        max_phrases: int,
        max_words: int,
        threshold: float | None,
    ) -> None:
        self.trackers = trackers
        self.names = [str(n) for n in trackers["name"]]
        self.ids = [str(i) for i in trackers["tracker_id"]]
        self.vocabularies = [list(v) for v in trackers["vocabulary"]]
        self.min_phrases = min_phrases
        self.max_phrases = max_phrases
        self.max_words = max_words
        self.threshold = threshold
        self.dictionaries = Dictionaries()  # loaded on first use, or by :meth:`Dictionaries.preload`

    @cached_property
    def norms(self) -> list[list[str]]:
        """Each tracker's phrases, normalized (:func:`trackerkit.normalize_phrase`)."""
        return [[normalize_phrase(p) for p in vocabulary] for vocabulary in self.vocabularies]

    @cached_property
    def characters(self) -> list[list[tuple[list[str], list[str]]]]:
        """Each phrase's ``(forbidden, other punctuation)`` characters (:func:`_characters`)."""
        return [[_characters(p) for p in vocabulary] for vocabulary in self.vocabularies]

    @cached_property
    def near_pairs(self) -> NearPairs:
        """The near-duplicate pairs, as :func:`trackerkit.similar_phrases` finds them among the
        audited trackers (every pair above ``threshold``, both scopes): the one search the
        near-duplicate rules share."""
        if not len(self.trackers):
            return NearPairs(None, None)
        try:
            pairs = similar_phrases(self.trackers, threshold=self.threshold, k=None, scope="all")
        except ResultTooLargeError as exc:
            return NearPairs(None, exc)
        return NearPairs(pairs[pairs["kind"] == "near"], None)

    @cached_property
    def near_pair_rows(self) -> list[tuple[int, int, str, str, int, int, str]]:
        """The near-duplicate pairs as ``(row_a, row_b, phrase_a, phrase_b, position_a,
        position_b, score text)``, read from :attr:`near_pairs` once for both rules."""
        pairs = self.near_pairs.pairs
        if pairs is None:
            return []
        row_of = self.row_of_id
        return [
            (row_of[ida], row_of[idb], pa, pb, int(qa), int(qb), _pair_score(score, edits))
            for ida, idb, pa, pb, qa, qb, score, edits in zip(
                pairs["tracker_id_a"].tolist(),
                pairs["tracker_id_b"].tolist(),
                pairs["phrase_a"].tolist(),
                pairs["phrase_b"].tolist(),
                pairs["position_a"].tolist(),
                pairs["position_b"].tolist(),
                pairs["score"].tolist(),
                pairs["edits"].tolist(),
            )
        ]

    @cached_property
    def row_of_id(self) -> dict[str, int]:
        return {tracker_id: row for row, tracker_id in enumerate(self.ids)}

    @cached_property
    def words(self) -> list[list[list[str]]]:
        """Each phrase's words (runs of letters, apostrophes inside), from its normalized form."""
        return [[_words(norm) for norm in norms] for norms in self.norms]

    @cached_property
    def declared_languages(self) -> list[list[str]]:
        """Each tracker's declared language codes (``languages``; empty when none)."""
        frame = self.trackers
        column = frame["languages"] if "languages" in frame.columns else [None] * len(frame)
        return [[str(c) for c in v] if isinstance(v, (list, tuple)) else [] for v in column]

    @cached_property
    def guessed_languages(self) -> list[tuple[str | None, int, int]]:
        """Each tracker's :func:`_guess_language` over all its words."""
        return [_guess_language([w for words in phrases for w in words]) for phrases in self.words]

    @cached_property
    def spelling_languages(self) -> list[tuple[str, ...]]:
        """The languages each tracker's words are checked against (:func:`_spelling_languages`)."""
        return [
            _spelling_languages(declared, guess, hits)
            for declared, (guess, hits, _) in zip(self.declared_languages, self.guessed_languages)
        ]

    @cached_property
    def slips(self) -> Slips:
        """The rare words one typing slip from a frequent word (:func:`_slips`), and the
        dictionaries the two typo rules share."""
        return _slips(self.words, self.dictionaries)

    @cached_property
    def slip_occurrences(self) -> list[tuple[int, str, str, int]]:
        """Where the words of :attr:`slips` are: ``(row, word, phrase, position)``."""
        return _slip_occurrences(self.words, self.vocabularies, self.slips.suggestion)


# --------------------------------------------------------------------------- text helpers

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
    "nl": "Dutch",
    "ru": "Russian",
    "ar": "Arabic",
    "lv": "Latvian",
    "eu": "Basque",
    "fa": "Persian",
}


def _function_word_languages() -> dict[str, tuple[str, ...]]:
    """Function word -> the languages it is a function word of (``de``: en, es, fr, pt...)."""
    out: dict[str, tuple[str, ...]] = {}
    for lang, text in _FUNCTION_WORDS.items():
        for word in dict.fromkeys(text.split()):
            out[word] = (*out.get(word, ()), lang)
    return out


_FUNCTION_WORD_LANGUAGES = _function_word_languages()


def _words(norm: str) -> list[str]:
    """``_WORD.findall(norm)``, faster: a token of letters only is a word as it is."""
    out: list[str] = []
    for token in norm.split():
        if token.isalpha():
            out.append(token)
        else:
            out.extend(_WORD.findall(token))
    return out


def _guess_language(words: list[str]) -> tuple[str | None, int, int]:
    """``(language, hits, total)``: the language whose function words cover the most words."""
    hits = dict.fromkeys(_FUNCTION_WORDS, 0)
    for word, n in Counter(words).items():
        for lang in _FUNCTION_WORD_LANGUAGES.get(word, ()):
            hits[lang] += n
    best = max(hits, key=lambda lang: (hits[lang], lang == "en"))
    if hits[best] == 0:
        return None, 0, len(words)
    return best, hits[best], len(words)


def _script(text: str) -> str | None:
    """The writing system most letters of ``text`` are in (``"LATIN"``, ``"CYRILLIC"``...);
    ties: the script whose letter comes first in ``text``."""
    if text.isascii():  # the usual case: Latin letters or none
        return "LATIN" if _ASCII_LETTER.search(text) else None
    scripts: Counter[str] = Counter()
    for ch, n in Counter(text).items():  # each distinct character once
        script = _letter_script(ch)
        if script is not None:
            scripts[script] += n
    return scripts.most_common(1)[0][0] if scripts else None


_ASCII_LETTER = re.compile(r"[A-Za-z]")


@cache
def _letter_script(ch: str) -> str | None:
    """The script of a letter (the first word of its Unicode name), None for a non-letter."""
    if not unicodedata.category(ch).startswith("L"):
        return None
    return unicodedata.name(ch, "UNKNOWN").split()[0]


# characters that may need a look: anything but letters, digits (``\w`` less ``_``) and a space
_SUSPECT = re.compile(r"[^\w ]|_")


def _characters(phrase: str) -> tuple[list[str], list[str]]:
    """``(forbidden, other punctuation)`` characters of a phrase, in order of appearance."""
    forbidden: list[str] = []
    punctuation: list[str] = []
    for ch in _SUSPECT.findall(phrase):
        kind = _character_kind(ch)
        if kind == "forbidden":
            if ch not in forbidden:
                forbidden.append(ch)
        elif kind == "punctuation" and ch not in punctuation:
            punctuation.append(ch)
    return forbidden, punctuation


@cache
def _character_kind(ch: str) -> str:
    """``"forbidden"`` (brackets, ``<>``, control and other ``C*`` characters but tab and
    newlines), ``"allowed"`` (letters, marks, digits, white space, period, apostrophes) or
    ``"punctuation"`` (anything else)."""
    category = unicodedata.category(ch)
    if category in ("Ps", "Pe") or ch in "<>" or (category.startswith("C") and ch not in "\t\n\r"):
        return "forbidden"
    if category[0] in "LMN" or ch.isspace() or ch in _ALLOWED_PUNCTUATION:
        return "allowed"
    return "punctuation"


def _quoted(chars: list[str]) -> str:
    return ", ".join(repr(c) if unicodedata.category(c)[0] != "C" else f"U+{ord(c):04X}" for c in chars)


def _listed(items: Iterable[str], separator: str, total: int | None = None) -> str:
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
_HOW_FAR = {
    "swapped letters": "two swapped letters",
    "wrong letter": "one wrong letter",
    "missing letter": "one missing letter",
    "extra letter": "one extra letter",
}
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


class Slips(NamedTuple):
    """What the two typo rules share: the account's word counts, each rare word's suggested
    correction ``(word it looks like, how)``, and the dictionaries (loaded on first use)."""

    counts: Counter[str]
    suggestion: dict[str, tuple[str, str]]
    dictionaries: Dictionaries


def _slips(words: list[list[list[str]]], dictionaries: Dictionaries) -> Slips:
    """Each word seen at most twice (4+ letters) that :func:`typo_edit` finds one slip from a
    word seen at least 3 times and at least 3 times as often: the account's own evidence.

    The candidates come from a deletion index (every word and its forms with one letter
    deleted): two words one slip apart always share a key (a swap, a wrong letter: the same
    word less that letter; a missing or extra letter: one word is the other less a letter), so
    only those pairs are compared, not every rare word with every frequent one.
    """
    counts: Counter[str] = Counter()
    for phrases in words:
        for phrase_words in phrases:
            counts.update(phrase_words)
    common = [w for w, c in counts.items() if c >= 3 and len(w) >= 4 and w not in _SHORT_COMMON]
    rare = [w for w, c in counts.items() if c <= 2 and len(w) >= 4]
    by_key: dict[str, list[str]] = {}
    for other in common:
        for key in _deletions(other):
            by_key.setdefault(key, []).append(other)
    suggestion: dict[str, tuple[str, str]] = {}
    for word in rare:
        candidates = {other for key in _deletions(word) for other in by_key.get(key, ())}
        best: tuple[int, str, str] | None = None  # (-count, word, how): most frequent, then alphabetical
        for other in candidates:
            if counts[other] < 3 * counts[word]:
                continue
            if ("'" in word) != ("'" in other) or ("’" in word) != ("’" in other):
                continue  # were/we're, its/it's: a contraction, not a slip
            how = typo_edit(word, other)
            if how is not None and (best is None or (-counts[other], other) < best[:2]):
                best = (-counts[other], other, how)
        if best is not None:
            suggestion[word] = (best[1], best[2])
    return Slips(counts, suggestion, dictionaries)


def _deletions(word: str) -> list[str]:
    """``word`` and every form of it with one letter deleted."""
    return [word, *(word[:k] + word[k + 1 :] for k in range(len(word)))]


def _slip_occurrences(
    words: list[list[list[str]]], vocabularies: list[list[str]], suggestion: Mapping[str, object]
) -> list[tuple[int, str, str, int]]:
    """``(row, word, phrase, position)`` of each word with a suggested correction, once per
    phrase, in tracker and phrase order."""
    if not suggestion:
        return []
    return [
        (row, word, vocabularies[row][position], position)
        for row, phrases in enumerate(words)
        for position, phrase_words in enumerate(phrases)
        for word in dict.fromkeys(phrase_words)
        if word in suggestion
    ]


def _spelling_languages(declared: list[str], guess: str | None, hits: int) -> tuple[str, ...]:
    """The dictionaries a tracker's words are checked against: its declared languages that a
    dictionary covers (none covered: not checked, an empty tuple); with none declared, English,
    and also the language its words look like (as ``non_english`` detects it) when that is not
    English, so an undeclared Spanish tracker's words are not misspellings of English.

        >>> _spelling_languages(["es-ES"], "es", 5), _spelling_languages([], None, 0)
        (('es',), ('en',))
        >>> _spelling_languages([], "es", 3), _spelling_languages(["xx-YY"], None, 0)
        (('en', 'es'), ())
    """
    if declared:
        return checked_languages(declared)
    if guess not in (None, "en") and hits >= 2:
        return ("en", guess)
    return ("en",)


def _language_list(languages: tuple[str, ...]) -> str:
    return "/".join(_LANGUAGE_NAMES.get(code, code) for code in languages)


def _times(gap: float) -> str:
    """A Zipf gap as a rounded ratio: ``"about 1,000 times"``."""
    ratio = 10**gap
    rounded = int(float(f"{ratio:.1g}")) if ratio < 10_000 else int(float(f"{ratio:.2g}"))
    return f"about {rounded:,} times"


def _not_checked(too_large: ResultTooLargeError) -> Finding:
    """The summary finding of a near-duplicate rule whose search was too large to run."""
    too_many = f"at least {too_large.count:,}" if too_large.count is not None else "too many"
    return Finding(
        None,
        f"not checked: similar_phrases would return {too_many} phrase pairs, over its max_pairs of "
        f"{too_large.limit:,}; raise threshold or audit fewer trackers (select=)",
    )


def _pair_score(score: float, edits: int) -> str:
    return f"score {score:.2f}" + (
        f", {edits} edit{'s' * (edits != 1)}" if edits <= DEFAULT_MAX_EDITS else ""
    )


# --------------------------------------------------------------------------- the rules, in order


@rule("empty_phrase", severity="error", description="a phrase that is blank or only punctuation")
def _empty_phrase(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        for position, phrase in enumerate(vocabulary):
            if not context.norms[row][position]:
                what = "blank" if not phrase.strip() else f"only punctuation ({phrase!r})"
                yield Finding(row, f"the phrase is {what}", phrase, position)


@rule(
    "forbidden_characters",
    severity="error",
    description="brackets ()[]{}<> or control characters, which the Trackers API rejects "
    "(a placeholder like [company name] left in)",
)
def _forbidden_characters(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        for position, phrase in enumerate(vocabulary):
            forbidden, _ = context.characters[row][position]
            if forbidden:
                yield Finding(
                    row,
                    f"contains {_quoted(forbidden)}; the Trackers API rejects brackets and control "
                    "characters (a template placeholder left in?)",
                    phrase,
                    position,
                )


@rule(
    "duplicate_phrase_exact",
    severity="error",
    description="a phrase listed twice, byte-identical, in one tracker (the API requires unique "
    "phrases); on the later copy",
)
def _duplicate_phrase_exact(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        first: dict[str, int] = {}
        for position, phrase in enumerate(vocabulary):
            if phrase in first:
                yield Finding(
                    row,
                    f"same phrase as position {first[phrase]}; Symbl requires unique phrases",
                    phrase,
                    position,
                )
            first.setdefault(phrase, position)


@rule(
    "duplicate_name",
    severity="error",
    description="two trackers with exactly the same name; on the later one",
)
def _duplicate_name(context: AuditContext) -> Iterator[Finding]:
    by_name: dict[str, list[int]] = {}
    for row, name in enumerate(context.names):
        by_name.setdefault(name, []).append(row)
    for group in by_name.values():
        for row in group[1:]:
            yield Finding(row, f"same name as tracker id {context.ids[group[0]]!r}")


@rule(
    "duplicate_phrase_normalized",
    severity="warning",
    description="two phrases of one tracker equal after normalization (Reset my password / "
    "reset my password.); on the later one",
)
def _duplicate_phrase_normalized(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        first_exact: set[str] = set()
        first_norm: dict[str, int] = {}
        for position, phrase in enumerate(vocabulary):
            norm = context.norms[row][position]
            if phrase not in first_exact and norm and norm in first_norm:  # exact copies: the rule above
                earlier = first_norm[norm]
                yield Finding(
                    row,
                    f"equal to {vocabulary[earlier]!r} (position {earlier}) after normalization",
                    phrase,
                    position,
                )
            first_exact.add(phrase)
            if norm:
                first_norm.setdefault(norm, position)


@rule(
    "shared_phrase",
    severity="warning",
    description="the same normalized phrase in two or more trackers; one finding per tracker",
)
def _shared_phrase(context: AuditContext) -> Iterator[Finding]:
    where: dict[str, list[tuple[int, int]]] = {}
    for row, norms in enumerate(context.norms):
        seen: set[str] = set()
        for position, norm in enumerate(norms):
            if norm and norm not in seen:
                seen.add(norm)
                where.setdefault(norm, []).append((row, position))
    names, vocabularies = context.names, context.vocabularies
    for places in where.values():
        if len(places) > 1:
            for row, position in places:
                listed = (f"{names[r]!r} as {vocabularies[r][p]!r}" for r, p in places if r != row)
                others = _listed(listed, "; ", total=len(places) - 1)
                yield Finding(row, f"also in {others}", vocabularies[row][position], position)


@rule("too_few_phrases", severity="warning", description="fewer than min_phrases (5) phrases")
def _too_few_phrases(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        n = len(vocabulary)
        if n < context.min_phrases:
            yield Finding(
                row,
                f"{n} phrase{'s' * (n != 1)}; Symbl asks for {context.min_phrases} to {context.max_phrases}",
            )


@rule("too_many_phrases", severity="warning", description="more than max_phrases (50) phrases")
def _too_many_phrases(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        n = len(vocabulary)
        if n > context.max_phrases:
            yield Finding(row, f"{n} phrases; Symbl asks for {context.min_phrases} to {context.max_phrases}")


@rule("over_long_phrase", severity="warning", description="more than max_words (20) words: a pasted script")
def _over_long_phrase(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        for position, phrase in enumerate(vocabulary):
            n_words = len(context.norms[row][position].split())
            if n_words > context.max_words:
                yield Finding(
                    row,
                    f"{n_words} words (more than {context.max_words}): key phrases match better",
                    phrase,
                    position,
                )


@rule(
    "punctuation",
    severity="warning",
    description="punctuation other than periods and apostrophes, which Symbl's docs do not accept "
    "(? , ! - ...)",
)
def _punctuation(context: AuditContext) -> Iterator[Finding]:
    for row, vocabulary in enumerate(context.vocabularies):
        for position, phrase in enumerate(vocabulary):
            _, punctuation = context.characters[row][position]
            if punctuation:
                yield Finding(
                    row,
                    f"contains {_quoted(punctuation)}; Symbl's docs accept only periods and apostrophes",
                    phrase,
                    position,
                )


@rule(
    "case_only_names",
    severity="warning",
    description="tracker names equal except for case (ambiguous when addressed case-insensitively)",
)
def _case_only_names(context: AuditContext) -> Iterator[Finding]:
    names, ids = context.names, context.ids
    by_folded: dict[str, list[int]] = {}
    for row, name in enumerate(names):
        by_folded.setdefault(name.casefold(), []).append(row)
    for group in by_folded.values():
        if len({names[r] for r in group}) > 1:
            for row in group:
                others = _listed(
                    [f"{names[r]!r} (id {ids[r]})" for r in group if names[r] != names[row]], ", "
                )
                yield Finding(row, f"name differs only by case from {others}")


@rule(
    "typo",
    severity="warning",
    description="a word seen at most twice, in no dictionary of the tracker's language, one typing "
    "slip from a word seen at least 3 times as often (refnud/refund)",
)
def _typo(context: AuditContext) -> Iterator[Finding]:
    slips = context.slips
    for row, word, phrase, position in context.slip_occurrences:
        languages = context.spelling_languages[row]
        if not languages or slips.dictionaries.known(word, languages):
            continue  # no dictionary to tell; or a word: real_word_confusion's to judge
        other, how = slips.suggestion[word]
        yield Finding(
            row,
            f"{word!r} (seen {slips.counts[word]}x; not in the {_language_list(languages)} dictionary) "
            f"looks like {other!r} (seen {slips.counts[other]}x) with {_ARTICLE[how]}{how}",
            phrase,
            position,
        )


#: A dictionary word is a possible slip only when the word it looks like is this much more
#: common in the language (Zipf units, ``log10``: 2 is 100 times).
CONFUSION_ZIPF_GAP = 2.0


@rule(
    "real_word_confusion",
    severity="info",
    description="a dictionary word seen at most twice, one typing slip from a word seen at least 3 "
    "times as often and at least 100 times as common in the language (tome/time): a possible slip",
)
def _real_word_confusion(context: AuditContext) -> Iterator[Finding]:
    slips = context.slips
    words = slips.dictionaries
    for row, word, phrase, position in context.slip_occurrences:
        languages = context.spelling_languages[row]
        if not languages or not words.known(word, languages):
            continue
        other, how = slips.suggestion[word]
        gap = words.zipf(other, languages) - words.zipf(word, languages)
        if gap < CONFUSION_ZIPF_GAP:
            continue  # uses/users, while/whole, county/country: both ordinary words
        yield Finding(
            row,
            f"{word!r} (seen {slips.counts[word]}x) is in the {_language_list(languages)} dictionary, "
            f"but {other!r} (seen {slips.counts[other]}x) is {_HOW_FAR[how]} away and "
            f"{_times(gap)} as common in {_language_list(languages)}: a slip for {other!r}?",
            phrase,
            position,
        )


@rule(
    "near_duplicate_within",
    severity="info",
    description="two near-duplicate phrases in one tracker (as similar_phrases scores them); on the "
    "later one",
)
def _near_duplicate_within(context: AuditContext) -> Iterator[Finding]:
    pairs, too_large = context.near_pairs
    if too_large is not None:
        yield _not_checked(too_large)
        return
    if pairs is None:
        return
    for ra, rb, phrase_a, phrase_b, position_a, position_b, score in context.near_pair_rows:
        if ra == rb:
            yield Finding(
                rb, f"near-duplicate of {phrase_a!r} (position {position_a}), {score}", phrase_b, position_b
            )


@rule(
    "near_duplicate_phrase",
    severity="info",
    description="near-duplicate phrases in two trackers; one finding per tracker",
)
def _near_duplicate_phrase(context: AuditContext) -> Iterator[Finding]:
    pairs, too_large = context.near_pairs
    if too_large is not None:
        yield _not_checked(too_large)
        return
    if pairs is None:
        return
    names = context.names
    for ra, rb, phrase_a, phrase_b, position_a, position_b, score in context.near_pair_rows:
        if ra != rb:
            yield Finding(
                ra, f"near-duplicate of {phrase_b!r} in {names[rb]!r}, {score}", phrase_a, position_a
            )
            yield Finding(
                rb, f"near-duplicate of {phrase_a!r} in {names[ra]!r}, {score}", phrase_b, position_b
            )


@rule(
    "non_english",
    severity="info",
    description="a tracker declared (languages) or detected as not English: it will not fire on "
    "English conversations",
)
def _non_english(context: AuditContext) -> Iterator[Finding]:
    for row, codes in enumerate(context.declared_languages):
        script = _script(" ".join(context.norms[row]))
        guess, hits, total = context.guessed_languages[row]
        evidence = (
            f"{hits} of {total} words are common {_LANGUAGE_NAMES.get(guess or '', '')} words"
            if guess
            else ""
        )
        if codes and any(not c.lower().startswith("en") for c in codes):
            looks = f"; {evidence}" if guess and guess != "en" else ""
            yield Finding(
                row,
                f"declared languages {', '.join(codes)}{looks}; it will not fire on English conversations",
            )
        elif not codes and script not in (None, "LATIN"):
            yield Finding(row, f"phrases are written in {script.title()} script")
        elif not codes and guess not in (None, "en") and hits >= 2:
            yield Finding(row, f"phrases look {_LANGUAGE_NAMES[guess]} ({evidence})")
