"""Spelling dictionaries for the audit's ``typo`` and ``real_word_confusion`` rules: which
words a language knows, and how common a word is in it.

Two libraries, each with its data bundled in its wheel (nothing is downloaded):

* **pyspellchecker** (MIT): word lists built from OpenSubtitles, for English, Spanish, French,
  Italian, Portuguese, German, Russian, Arabic, Latvian, Basque, Dutch (and Persian from 0.9);
* **wordfreq** (Apache-2.0 code, CC BY-SA 4.0 data): word frequencies from many sources
  (Wikipedia, subtitles, news, books, web text) in 40-odd languages. pyspellchecker's Spanish
  list lacks many inflected forms (``cancelé``, ``esperábamos``) that wordfreq has.

A word is **known** in a language when pyspellchecker's list has it, or wordfreq gives it a
Zipf frequency of at least :data:`KNOWN_ZIPF` (3.0: once per million words; a misspelling
common enough to pass that, such as ``alot``, is taken for a word). The **Zipf frequency**
(:meth:`Dictionaries.zipf`) is ``log10`` of a word's frequency per billion words: 7 for
``the``, 6 for ``time``, 3 for ``tome``, 0 for a word wordfreq has never seen.

The word lists load on the first word to check, and stay loaded: for English about 60 MB of
memory and 0.3 s (wordfreq's import included), for each further language about 40 MB and 0.2 s.
Nothing is imported with trackerkit, nor by an audit whose typo rules find no word to check.

    >>> words = Dictionaries()
    >>> words.known("refund", ("en",)), words.known("refnud", ("en",)), words.known("cuenta", ("es",))
    (True, False, True)
    >>> round(words.zipf("time", ("en",)) - words.zipf("tome", ("en",)))
    3
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import cache

__all__ = ["KNOWN_ZIPF", "Dictionaries", "checked_languages"]

#: wordfreq's Zipf frequency from which a word counts as known (once per million words).
KNOWN_ZIPF = 3.0

# wordfreq needs extra tokenizers (MeCab, jieba) for these: not checked
_NEEDS_TOKENIZER = frozenset({"ja", "ko", "zh"})


def checked_languages(codes: Iterable[str]) -> tuple[str, ...]:
    """The languages of ``codes`` (BCP 47 tags such as ``es-ES``) a dictionary can check, as
    primary subtags, in order, without repeats.

        >>> checked_languages(["es-ES", "en-US", "es-MX", "xx-YY"])
        ('es', 'en')
    """
    out: list[str] = []
    for code in codes:
        language = str(code).replace("_", "-").split("-")[0].strip().lower()
        if language and language not in out and language in _available():
            out.append(language)
    return tuple(out)


class Dictionaries:
    """Known words and Zipf frequencies, each looked up once per word and language (an audit
    holds one: the same few thousand words are asked about again and again)."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, tuple[str, ...]], bool] = {}
        self._zipf: dict[tuple[str, str], float] = {}
        self._loading: threading.Thread | None = None

    def preload(self, languages: Iterable[str]) -> None:
        """Start loading the word lists of ``languages`` (BCP 47 tags) in a background thread;
        :meth:`known` and :meth:`zipf` wait for it. The audit starts it first and runs its other
        rules meanwhile: most of their time is in numpy and scipy, which let the loading run
        beside them (it is mostly imports and decoding).

            >>> words = Dictionaries()
            >>> words.preload(["es-ES"])
            >>> words.known("cuenta", ("es",))
            True
        """
        if self._loading is not None:
            return
        wanted = list(languages)

        def load() -> None:
            try:
                for language in checked_languages(wanted):
                    _spellchecker_words(language)
                    _zipf_frequency("the", language)
            except Exception:  # loaded again on first use, which raises it there
                pass

        self._loading = threading.Thread(target=load, name="trackerkit-dictionaries", daemon=True)
        self._loading.start()

    def wait(self) -> None:
        """Wait for :meth:`preload` to finish (at once if it was never started): the audit does
        not return with the thread still importing, even when no word was checked."""
        if self._loading is not None:
            self._loading.join()

    def known(self, word: str, languages: tuple[str, ...]) -> bool:
        """Whether ``word`` (lower case) is a word of any of ``languages``."""
        key = (word, languages)
        found = self._known.get(key)
        if found is None:
            self.wait()
            found = any(
                _lookup_form(word) in _spellchecker_words(language)
                or self.zipf(word, (language,)) >= KNOWN_ZIPF
                for language in languages
            )
            self._known[key] = found
        return found

    def zipf(self, word: str, languages: tuple[str, ...]) -> float:
        """``word``'s Zipf frequency: the highest in ``languages`` (0.0 when never seen)."""
        best = 0.0
        for language in languages:
            key = (word, language)
            value = self._zipf.get(key)
            if value is None:
                self.wait()
                value = _zipf_frequency(_lookup_form(word), language)
                self._zipf[key] = value
            best = max(best, value)
        return best


def _lookup_form(word: str) -> str:
    return word.replace("’", "'")  # both lists spell contractions with a straight apostrophe


@cache
def _available() -> frozenset[str]:
    """The languages pyspellchecker or wordfreq has a list for."""
    import wordfreq  # lazy: heavy
    from spellchecker import SpellChecker  # lazy: heavy

    listed = set(SpellChecker.languages()) | set(wordfreq.available_languages(wordlist="best"))
    return frozenset(listed - _NEEDS_TOKENIZER)


@cache
def _spellchecker_words(language: str) -> frozenset[str] | dict[str, int]:
    """pyspellchecker's word list of ``language`` (lower case), empty when it has none."""
    from spellchecker import SpellChecker  # lazy: heavy

    if language not in SpellChecker.languages():
        return frozenset()
    return SpellChecker(language=language).word_frequency.dictionary


@cache
def _wordfreq_languages() -> frozenset[str]:
    import wordfreq  # lazy: heavy

    return frozenset(wordfreq.available_languages(wordlist="best")) - _NEEDS_TOKENIZER


def _zipf_frequency(word: str, language: str) -> float:
    if language not in _wordfreq_languages():
        return 0.0
    import wordfreq  # lazy: heavy

    return float(wordfreq.zipf_frequency(word, language))
