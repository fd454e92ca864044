"""Folding message text the way phrases are normalized, with a map back to the original text.

A literal match is found in the *folded* text and reported in the *original* one, so
``text[offset:offset + len(matched_text)]`` is what the speaker said. Folding is trackerkit's
normalization of phrases (:func:`trackerkit.frames.normalize_phrase`) without the stripping of
edge punctuation: Unicode NFKC, case-folding, every run of whitespace made one space, no space at
either end. NFKC and case-folding change lengths (``"ﬁ"`` -> ``"fi"``, ``"ß"`` -> ``"ss"``,
``"İ"`` -> ``"i̇"``, ``"e\\u0301"`` -> ``"é"``), so :func:`fold_with_offsets` keeps, for every
folded character, the span of original characters it came from. A match that begins or ends
inside what one original character became covers that whole character.

A **word character** is a letter, a digit, ``_`` (Python's ``\\w``) or a combining mark
(Unicode category M: the vowel signs of Indic scripts, Hebrew and Arabic points), so a phrase
never matches half of a word in any script.

    >>> fold("  Straße\\tIS  ﬁne ")
    'strasse is fine'
    >>> folded = fold_with_offsets("Straße ﬁne")
    >>> folded.text
    'strasse fine'
    >>> start, end = folded.span(8, 12)  # "fine" in the folded text
    >>> "Straße ﬁne"[start:end]
    'ﬁne'
    >>> find_phrase("Yes, my STRASSE.", "strasse")
    [(8, 15)]
"""

from __future__ import annotations

import re
import unicodedata
from typing import NamedTuple

__all__ = ["Folded", "find_phrase", "fold", "fold_with_offsets", "is_identity_fold", "is_word_char"]

# ASCII whitespace other than a single inner space: what makes folding move characters.
_ASCII_LOOSE_SPACE = re.compile(r"[\t\n\r\x0b\x0c\x1c-\x1f]|  |^ | $")


def is_word_char(char: str) -> bool:
    """True for a letter, digit, ``_`` or combining mark (see the module docs)."""
    return char.isalnum() or char == "_" or unicodedata.category(char)[0] == "M"


def fold(text: str) -> str:
    """NFKC, case-folded, whitespace runs made one space, no space at the ends."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def is_identity_fold(text: str) -> bool:
    """True when folding changes no character's position (then ``fold(text) == text.casefold()``
    and both have the same length): the fast path of literal matching."""
    if text.isascii():
        return _ASCII_LOOSE_SPACE.search(text) is None
    return (
        unicodedata.is_normalized("NFKC", text)
        and len(text.casefold()) == len(text)
        and " ".join(text.split()) == text
    )


class Folded(NamedTuple):
    """A folded text and where each of its characters came from.

    ``starts[i]`` / ``ends[i]``: the span of original characters folded character ``i`` comes
    from; both ``None`` when folding moved nothing (the identity map).
    """

    text: str
    starts: list[int] | None = None
    ends: list[int] | None = None

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span ``[start, end)`` of the folded span ``[start, end)`` (non-empty)."""
        if self.starts is None or self.ends is None:
            return start, end
        return self.starts[start], self.ends[end - 1]


def _chunks(text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` that NFKC normalizes independently: a character with combining class
    0 opens a span unless normalizing it with the span before differs from normalizing both
    apart (Hangul jamo, the few starters that compose, decompositions that reorder)."""
    spans: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(text)):
        if not unicodedata.combining(text[i]):  # a combining mark stays with what it modifies
            spans.append((start, i))
            start = i
    if text:
        spans.append((start, len(text)))
    # merge neighbours whose normalizations interact (left to right, so chains merge too)
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged:
            a0, a1 = merged[-1]
            b0, b1 = span
            if not (text[a0:a1].isascii() and text[b0:b1].isascii()):
                left, right = text[a0:a1], text[b0:b1]
                nfkc = unicodedata.normalize
                if nfkc("NFKC", left + right) != nfkc("NFKC", left) + nfkc("NFKC", right):
                    merged[-1] = (a0, b1)
                    continue
        merged.append(span)
    return merged


def fold_with_offsets(text: str) -> Folded:
    """:func:`fold` of ``text`` with the map back to ``text`` (see :class:`Folded`)."""
    if is_identity_fold(text):
        return Folded(text.casefold())
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pending_space: tuple[int, int] | None = None
    for start, end in _chunks(text):
        for char in unicodedata.normalize("NFKC", text[start:end]).casefold():
            if char.isspace():
                if chars and pending_space is None:
                    pending_space = (start, end)
                continue
            if pending_space is not None:
                chars.append(" ")
                starts.append(pending_space[0])
                ends.append(pending_space[1])
                pending_space = None
            chars.append(char)
            starts.append(start)
            ends.append(end)
    folded = "".join(chars)
    if folded != fold(text):  # pragma: no cover - a normalization the chunking does not foresee
        # Still correct, only coarser: every folded character maps to the whole text.
        folded = fold(text)
        return Folded(folded, [0] * len(folded), [len(text)] * len(folded))
    return Folded(folded, starts, ends)


def find_phrase(text: str, phrase: str) -> list[tuple[int, int]]:
    """Original spans ``(start, end)`` of every occurrence of a normalized ``phrase`` in
    ``text``, on word boundaries, left to right (overlapping occurrences included)."""
    if not phrase:
        return []
    folded = fold_with_offsets(text)
    haystack = folded.text
    out = []
    at = haystack.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not is_word_char(haystack[at - 1])) and (
            end == len(haystack) or not is_word_char(haystack[end])
        ):
            out.append(folded.span(at, end))
        at = haystack.find(phrase, at + 1)
    return out
