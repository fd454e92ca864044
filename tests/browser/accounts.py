"""A 500-tracker account for the widgets' tests, synthesized from the sample account: no data outside
the package (the 500 x 45 CLINC150 account of ``benchmarks/bench_widgets.py`` needs the shared
data folder, which tests never read).

Symbl allows at most 500 trackers of at most 50 phrases; :func:`large_account` builds exactly
that, deterministically (no random numbers: the same account on every machine and run):

* tracker ``i`` is a variant of the sample tracker ``i % 48``, named ``"<sample name> <code>"``
  where ``code`` is a made-up word unique to the tracker (:func:`code_word`), and it keeps the
  sample tracker's languages (so the Spanish tracker's variants are Spanish);
* its first :data:`SHARED` phrases are the sample tracker's first ones, verbatim: the ten or
  so variants of one sample tracker share them, and are each other's closest neighbours;
* the rest, up to :data:`PHRASES`, splice the first half of a phrase of its sample tracker with
  the second half of a phrase of its own or the next sample tracker (the same topic in other
  words, an account's typical near-duplicates), from an offset of its own; every
  :data:`CODED`-th of them ends with the code word, a phrase no other tracker has, so a sentence
  holding it triggers that tracker literally.

The module is plain Python over ``trackerkit.load_trackers``.
"""

from __future__ import annotations

TRACKERS = 500
PHRASES = 50
#: phrases each tracker takes verbatim from its sample tracker (shared with its other variants)
SHARED = 5
#: every CODED-th phrase ends with the tracker's code word (a phrase no other tracker has)
CODED = 5
_SYLLABLES = (
    "ka",
    "lo",
    "mi",
    "ren",
    "sto",
    "vu",
    "zel",
    "tri",
    "pan",
    "dor",
    "fi",
    "gu",
    "bex",
    "nal",
    "qua",
    "sim",
)


def code_word(i: int) -> str:
    """The made-up word of tracker ``i``: three syllables spelling ``i + 256`` in base 16.

    >>> code_word(0), code_word(1), code_word(499)
    ('lokaka', 'lokalo', 'misimren')
    """
    n = i + 256
    digits = []
    for _ in range(3):
        n, d = divmod(n, 16)
        digits.append(_SYLLABLES[d])
    return "".join(reversed(digits))


def _halves(phrase: str) -> tuple[str, str]:
    words = phrase.split()
    cut = max(1, len(words) // 2)
    return " ".join(words[:cut]), " ".join(words[cut:])


def large_account_records(trackers: int = TRACKERS, phrases: int = PHRASES) -> list[dict]:
    """The account as API-shaped records (``id``, ``name``, ``vocabulary``, ``languages``)."""
    from trackerkit.loading import load_trackers

    sample = load_trackers("sample")
    names = [str(n) for n in sample["name"]]
    vocabularies = [list(v) for v in sample["vocabulary"]]
    languages = [list(v) if v is not None and len(v) else None for v in sample["languages"]]
    records = []
    for i in range(trackers):
        base = i % len(names)
        code = code_word(i)
        vocabulary: list[str] = []
        seen: set[str] = set()
        for phrase in vocabularies[base][:SHARED]:  # the same words as the other variants
            vocabulary.append(phrase)
            seen.add(phrase.casefold())
        # the rest: the first half of one of its sample tracker's phrases and the second half of
        # one of its own or the next sample tracker's (the same topic, other words), taken from
        # an offset of its own, every CODED-th with the code word
        heads = [_halves(p)[0] for p in vocabularies[base]]
        tails = [_halves(p)[1] for p in vocabularies[base] + vocabularies[(base + 1) % len(names)]]
        combos = [(h, t) for h in heads for t in tails]
        k = (i // len(names)) * 17
        while len(vocabulary) < phrases:
            head, tail = combos[k % len(combos)]
            parts = (head, tail, code) if len(vocabulary) % CODED == 0 or k >= len(combos) else (head, tail)
            text = " ".join(part for part in parts if part)
            if text.casefold() not in seen:
                seen.add(text.casefold())
                vocabulary.append(text)
            k += 1
        record = {
            "id": str(7_100_000_000_000_000 + i),
            "name": f"{names[base]} {code}",
            "vocabulary": vocabulary,
        }
        if languages[base]:
            record["languages"] = languages[base]
        records.append(record)
    return records


def large_account(trackers: int = TRACKERS, phrases: int = PHRASES):
    """The account as a trackers frame (:func:`trackerkit.load_trackers`)."""
    from trackerkit.loading import load_trackers

    return load_trackers(large_account_records(trackers, phrases))
