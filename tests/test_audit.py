"""audit(): each rule on hand-made trackers, the frame's shape, errors, the rule registry."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Mapping

import pandas as pd
import pytest

import trackerkit
from trackerkit.analysis import AUDIT_RULES, _audit_rules
from trackerkit.analysis._audit import not_listed
from trackerkit.analysis._audit_rules import Finding, rule, typo_edit
from trackerkit.constants import FINDING_COLUMNS, SEVERITIES
from trackerkit.errors import InvalidParameterError, ResultTooLargeError


def rules_of(findings: pd.DataFrame, tracker: str | None = None) -> list[str]:
    rows = findings if tracker is None else findings[findings["tracker"] == tracker]
    return rows["rule"].tolist()


def five(*extra: str) -> list[str]:
    return ["alpha one", "bravo two", "charlie three", "delta four", "echo five", *extra]


def test_function_not_shadowed_by_its_module():
    import trackerkit.analysis
    import trackerkit.analysis._audit  # the private module has its own name: nothing to shadow

    assert callable(trackerkit.audit) and callable(trackerkit.analysis.audit)


def test_columns_dtypes_and_order():
    findings = trackerkit.audit("sample")
    assert tuple(findings.columns) == FINDING_COLUMNS
    assert str(findings["position"].dtype) == "Int64"
    assert set(findings["severity"]) <= set(SEVERITIES)
    assert all(
        AUDIT_RULES[r].severity == s for r, s in findings[["rule", "severity"]].itertuples(index=False)
    )
    rank = findings["severity"].map({s: k for k, s in enumerate(SEVERITIES)})
    assert rank.is_monotonic_increasing
    tracker_level = findings[findings["rule"].isin(["too_few_phrases", "case_only_names", "non_english"])]
    assert tracker_level["phrase"].isna().all() and tracker_level["position"].isna().all()


def test_duplicates_inside_a_tracker():
    account = [
        {"id": "1", "name": "A", "vocabulary": five("Reset my password", "reset my password.", "echo five")}
    ]
    findings = trackerkit.audit(account)
    exact = findings[findings["rule"] == "duplicate_phrase_exact"]
    assert exact[["phrase", "position", "severity"]].values.tolist() == [["echo five", 7, "error"]]
    assert "position 4" in exact["detail"].iloc[0]
    normalized = findings[findings["rule"] == "duplicate_phrase_normalized"]
    assert normalized[["phrase", "position", "severity"]].values.tolist() == [
        ["reset my password.", 6, "warning"]
    ]
    assert "'Reset my password' (position 5)" in normalized["detail"].iloc[0]


def test_phrase_counts_outside_5_to_50():
    account = [
        {"id": "1", "name": "Few", "vocabulary": ["one phrase", "two phrase", "three phrase", "four phrase"]},
        {"id": "2", "name": "Many", "vocabulary": [f"phrase number {k}" for k in range(51)]},
        {"id": "3", "name": "Fine", "vocabulary": five()},
        {"id": "4", "name": "Empty", "vocabulary": []},
    ]
    findings = trackerkit.audit(account, rules=["too_few_phrases", "too_many_phrases"])
    assert findings[["tracker", "rule"]].values.tolist() == [
        ["Few", "too_few_phrases"],
        ["Many", "too_many_phrases"],
        ["Empty", "too_few_phrases"],
    ]
    assert findings["detail"].iloc[0] == "4 phrases; Symbl asks for 5 to 50"
    relaxed = trackerkit.audit(account, rules="too_few_phrases", min_phrases=1)
    assert rules_of(relaxed) == ["too_few_phrases"]  # only the empty one


def test_characters_the_api_rejects_and_other_punctuation():
    account = [
        {
            "id": "1",
            "name": "A",
            "vocabulary": five(
                "Thank you for calling [company name]", "hi <customer>, bye", "what's up?", "ok."
            ),
        }
    ]
    findings = trackerkit.audit(account, rules=["forbidden_characters", "punctuation"])
    got = findings[["phrase", "rule", "severity"]].values.tolist()
    assert got == [
        ["Thank you for calling [company name]", "forbidden_characters", "error"],
        ["hi <customer>, bye", "forbidden_characters", "error"],
        ["hi <customer>, bye", "punctuation", "warning"],
        ["what's up?", "punctuation", "warning"],
    ]  # apostrophes and periods are fine
    assert "'[', ']'" in findings["detail"].iloc[0]


def test_empty_and_over_long_phrases():
    long = " ".join(["word"] * 21)
    account = [{"id": "1", "name": "A", "vocabulary": five("", "  ", "?!", long, " ".join(["word"] * 20))}]
    findings = trackerkit.audit(account, rules=["empty_phrase", "over_long_phrase"])
    assert findings[["rule", "position"]].values.tolist() == [
        ["empty_phrase", 5],
        ["empty_phrase", 6],
        ["empty_phrase", 7],
        ["over_long_phrase", 8],
    ]
    assert findings["severity"].tolist() == ["error", "error", "error", "warning"]
    assert "21 words" in findings["detail"].iloc[-1]
    assert trackerkit.audit(account, rules="over_long_phrase", max_words=25).empty


def test_names_equal_except_case_and_duplicate_names():
    account = [
        {"id": "1", "name": "Competitor Mention", "vocabulary": five()},
        {"id": "2", "name": "competitor mention", "vocabulary": five()},
        {"id": "3", "name": "Other", "vocabulary": five()},
        {"id": "4", "name": "Other", "vocabulary": five()},
    ]
    findings = trackerkit.audit(account, rules=["case_only_names", "duplicate_name"])
    assert findings[["tracker_id", "rule"]].values.tolist() == [
        ["4", "duplicate_name"],
        ["1", "case_only_names"],
        ["2", "case_only_names"],
    ]
    assert "'competitor mention' (id 2)" in findings["detail"].iloc[1]


def test_shared_and_near_duplicate_phrases():
    account = [
        {
            "id": "1",
            "name": "A",
            "vocabulary": five("I was charged twice", "send me the invoice", "send me an invoice"),
        },
        {
            "id": "2",
            "name": "B",
            "vocabulary": five("i was charged twice.", "I want to cancel my subscriptions"),
        },
        {"id": "3", "name": "C", "vocabulary": ["I want to cancel my subscription"]},
    ]
    # the five filler phrases are shared too: keep only the rows about the test phrases
    findings = trackerkit.audit(
        account, rules=["shared_phrase", "near_duplicate_phrase", "near_duplicate_within"]
    )
    findings = findings[~findings["phrase"].isin(five())]
    got = findings[["tracker", "phrase", "rule"]].values.tolist()
    assert ["A", "I was charged twice", "shared_phrase"] in got
    assert ["B", "i was charged twice.", "shared_phrase"] in got
    assert ["B", "I want to cancel my subscriptions", "near_duplicate_phrase"] in got
    assert ["C", "I want to cancel my subscription", "near_duplicate_phrase"] in got
    assert (
        "also in 'B' as 'i was charged twice.'"
        in findings["detail"].iloc[got.index(["A", "I was charged twice", "shared_phrase"])]
    )


def test_likely_typos():
    common = [
        "refund my order",
        "refund please",
        "where is my refund",
        "invoice for march",
        "send the invoice",
        "invoice copy",
    ]
    account = [
        {
            "id": "1",
            "name": "A",
            "vocabulary": [*common, "how long does the refnud take", "resend the invocie"],
        },
        {
            "id": "2",
            "name": "B",
            "vocabulary": ["refunds are slow", "the tone is off", "one more thing", "one two", "one day"],
        },
    ]
    findings = trackerkit.audit(account, rules="typo")
    assert findings[["phrase", "severity"]].values.tolist() == [
        ["how long does the refnud take", "warning"],
        ["resend the invocie", "warning"],
    ]  # 'refunds' (a plural) and 'tone' (vs 'one', first letter) are not typos
    assert findings["detail"].iloc[0] == (
        "'refnud' (seen 1x; not in the English dictionary) looks like 'refund' (seen 3x) with swapped letters"
    )


def slips_account(*rare: str, languages: list[str] | None = None) -> list[dict]:
    """One tracker whose frequent words (each 3 times) are what ``rare`` phrases slip from."""
    frequent = ["users", "fill", "whole", "more", "time", "country", "factura", "account"]
    vocabulary = [f"{w} {w} {w}" for w in frequent] + list(rare)
    tracker = {"id": "1", "name": "A", "vocabulary": vocabulary}
    return [{**tracker, "languages": languages}] if languages else [tracker]


def test_a_dictionary_word_is_never_a_typo():
    # the false alarms: each is an English word one slip from a frequent word
    rare = ["who uses it", "a full refund", "hold while i look", "dark mode", "the county office"]
    findings = trackerkit.audit(slips_account(*rare, "my acount"), rules=["typo", "real_word_confusion"])
    assert findings[["phrase", "rule"]].values.tolist() == [["my acount", "typo"]]


def test_a_real_word_confusion_is_info_with_its_evidence_never_a_warning():
    findings = trackerkit.audit(slips_account("leave a message after tome"))
    rows = findings[findings["phrase"] == "leave a message after tome"]
    assert rows[["rule", "severity"]].values.tolist() == [["real_word_confusion", "info"]]
    assert rows["detail"].iloc[0] == (
        "'tome' (seen 1x) is in the English dictionary, but 'time' (seen 3x) is one wrong letter away "
        "and about 1,000 times as common in English: a slip for 'time'?"
    )
    assert AUDIT_RULES["real_word_confusion"].severity == "info"
    # 'uses' is a word about as common as 'users': no finding at all, not even info
    assert trackerkit.audit(slips_account("who uses it"), rules="real_word_confusion").empty


def test_a_spanish_tracker_is_checked_against_spanish():
    # 'fractura' (a fracture) is a Spanish word one extra letter from 'factura' (an invoice);
    # 'facura' is a slip in any language
    rare = ("pagar la fractura", "enviar la facura")
    spanish = trackerkit.audit(
        slips_account(*rare, languages=["es-ES"]), rules=["typo", "real_word_confusion"]
    )
    assert spanish[["phrase", "rule"]].values.tolist() == [["enviar la facura", "typo"]]
    assert "not in the Spanish dictionary" in spanish["detail"].iloc[0]
    english = trackerkit.audit(slips_account(*rare, languages=["en-US"]), rules="typo")
    assert english["phrase"].tolist() == ["pagar la fractura", "enviar la facura"]  # not English words
    # no language declared: English, and Spanish too when the words look Spanish
    undeclared = [
        {
            "id": "1",
            "name": "A",
            "vocabulary": [*slips_account(*rare)[0]["vocabulary"], "quiero mi cuenta por favor"],
        }
    ]
    assert trackerkit.audit(undeclared, rules="typo")["phrase"].tolist() == ["enviar la facura"]
    # a language no dictionary has: not checked (nothing to tell a word from a slip)
    assert trackerkit.audit(slips_account(*rare, languages=["xx-YY"]), rules="typo").empty


def test_typo_findings_are_deterministic_whatever_the_tracker_order():
    account = trackerkit.load_trackers("sample")
    rules = ["typo", "real_word_confusion"]
    first = trackerkit.audit(account, rules=rules)
    again = trackerkit.audit(account, rules=rules)
    pd.testing.assert_frame_equal(first, again)
    backwards = trackerkit.audit(account.iloc[::-1].reset_index(drop=True), rules=rules)
    rows = sorted(map(tuple, first.astype(str).values.tolist()))
    assert rows == sorted(map(tuple, backwards.astype(str).values.tolist()))
    order = [t for t in account["name"][::-1] if t in set(backwards["tracker"])]
    assert list(dict.fromkeys(backwards.loc[backwards["severity"] == "warning", "tracker"])) == [
        t for t in order if t in set(first.loc[first["severity"] == "warning", "tracker"])
    ]


def test_the_dictionaries_load_only_when_a_typo_rule_has_a_word_to_check():
    code = (
        "import sys, trackerkit\n"
        "heavy = lambda: sorted(m for m in ('spellchecker', 'wordfreq') if m in sys.modules)\n"
        "trackerkit.audit('sample', rules=['shared_phrase', 'non_english'])\n"
        "print(heavy())\n"
        "trackerkit.audit([{'id': '1', 'name': 'A', 'vocabulary': ['hello there']}], rules='typo')\n"
        "print(heavy())\n"
        "trackerkit.audit('sample', rules='typo')\n"
        "print(heavy())\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[:3] == ["[]", "[]", "['spellchecker', 'wordfreq']"]


@pytest.mark.parametrize(
    ("word", "correct", "expected"),
    [
        ("refnud", "refund", "swapped letters"),
        ("cancle", "cancel", "swapped letters"),
        ("tome", "time", "wrong letter"),
        ("pasword", "password", "missing letter"),
        ("subscripton", "subscription", "missing letter"),
        ("invoicce", "invoice", "extra letter"),
        ("tone", "one", None),  # first letter
        ("refunds", "refund", None),  # a plural
        ("used", "user", None),  # last letter
        ("bank", "back", None),  # n and c are not neighbours on a keyboard
        ("spend", "send", None),  # p is next to neither s nor e
    ],
)
def test_typo_edit(word, correct, expected):
    assert typo_edit(word, correct) == expected


def test_non_english():
    account = [
        {
            "id": "1",
            "name": "Cancelar",
            "vocabulary": ["quiero cancelar mi cuenta", "por favor cierren la cuenta"],
        },
        {"id": "2", "name": "Declared", "vocabulary": ["hello there"], "languages": ["fr-FR"]},
        {"id": "3", "name": "English", "vocabulary": ["I want to cancel my account", "please close it"]},
        {"id": "4", "name": "Russian", "vocabulary": ["хочу отменить подписку"]},
    ]
    findings = trackerkit.audit(account, rules="non_english")
    assert findings[["tracker", "severity"]].values.tolist() == [
        ["Cancelar", "info"],
        ["Declared", "info"],
        ["Russian", "info"],
    ]
    assert "Spanish" in findings["detail"].iloc[0]
    assert "fr-FR" in findings["detail"].iloc[1]
    assert "Cyrillic" in findings["detail"].iloc[2]


def test_select_rules_and_empty_inputs():
    assert trackerkit.audit([]).empty
    assert tuple(trackerkit.audit([]).columns) == FINDING_COLUMNS
    one = trackerkit.audit([{"id": "1", "name": "A", "vocabulary": five()}])
    assert one.empty
    sub = trackerkit.audit("sample", select=["Promotion Mention", "Greeting"])
    assert set(sub["tracker"]) == {"Promotion Mention", "Greeting"}
    with pytest.raises(ValueError, match="unknown rule"):
        trackerkit.audit("sample", rules=["spelling"])
    with pytest.raises(ValueError, match="threshold must be in"):
        trackerkit.audit("sample", threshold=2)
    with pytest.raises(ValueError, match="max_words must be an integer >= 1"):
        trackerkit.audit("sample", max_words=0)


# --------------------------------------------------------------------------- the rule registry


def test_rules_chooses_what_runs_and_the_near_duplicate_search_runs_once_when_needed(monkeypatch):
    calls: list[dict] = []
    real = _audit_rules.similar_phrases

    def counted(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(_audit_rules, "similar_phrases", counted)
    others = [name for name in AUDIT_RULES if not name.startswith("near_duplicate")]
    assert len(trackerkit.audit("sample", rules=others)) > 0
    assert calls == []  # no near-duplicate rule chosen: no search
    both = trackerkit.audit("sample", rules=["near_duplicate_within", "near_duplicate_phrase"])
    assert set(both["rule"]) == {"near_duplicate_within", "near_duplicate_phrase"}
    assert len(calls) == 1  # two rules, one search
    assert calls[0]["k"] is None and calls[0]["scope"] == "all"
    trackerkit.audit("sample")
    assert len(calls) == 2


def test_an_unchosen_rule_is_not_executed(monkeypatch):
    def explode(context):
        raise AssertionError("the typo rule ran")

    entry = _audit_rules._REGISTRY["typo"]
    monkeypatch.setitem(_audit_rules._REGISTRY, "typo", dataclasses.replace(entry, check=explode))
    assert set(trackerkit.audit("sample", rules=["shared_phrase", "too_few_phrases"])["rule"]) == {
        "shared_phrase",
        "too_few_phrases",
    }
    with pytest.raises(AssertionError, match="the typo rule ran"):
        trackerkit.audit("sample", rules="typo")


def test_adding_a_rule_is_one_decorated_function():
    try:

        @rule("long_name", severity="info", description="a tracker name over 10 characters")
        def _long_name(context):
            for row, name in enumerate(context.names):
                if len(name) > 10:
                    yield Finding(row, f"{len(name)} characters")

        account = [
            {"id": "1", "name": "A rather long name", "vocabulary": five()},
            {"id": "2", "name": "Short", "vocabulary": five()},
        ]
        findings = trackerkit.audit(account, rules="long_name")
        assert findings[["tracker_id", "rule", "severity", "detail"]].values.tolist() == [
            ["1", "long_name", "info", "18 characters"]
        ]
        assert AUDIT_RULES["long_name"] == ("info", "a tracker name over 10 characters")
        assert list(AUDIT_RULES)[-1] == "long_name"  # the last rule in the order
        assert "long_name" in set(trackerkit.audit(account)["rule"])  # and among all rules
        with pytest.raises(InvalidParameterError, match="registered twice"):
            rule("long_name", severity="info", description="again")
    finally:
        _audit_rules._REGISTRY.pop("long_name", None)
    assert "long_name" not in AUDIT_RULES
    with pytest.raises(InvalidParameterError, match="severity must be one of 'error', 'warning', 'info'"):
        rule("loud", severity="fatal", description="x")


def test_audit_rules_is_a_read_only_table_documented_in_audit():
    assert isinstance(AUDIT_RULES, Mapping)
    with pytest.raises(TypeError):
        AUDIT_RULES["typo"] = ("error", "now an error")  # type: ignore[index]
    assert len(AUDIT_RULES) == 16
    for name, (severity, description) in AUDIT_RULES.items():
        assert severity in SEVERITIES
        assert description and "\n" not in description
        assert f"``{name}`` ({severity})" in trackerkit.audit.__doc__
        assert description in " ".join(trackerkit.audit.__doc__.split())


def test_unknown_rules_are_an_invalid_parameter_that_lists_the_known_ones():
    with pytest.raises(InvalidParameterError) as info:
        trackerkit.audit("sample", rules=["typo", "spelling"])
    assert info.value.parameter == "rules"
    message = str(info.value)
    assert message.startswith("unknown rule(s) 'spelling'; rules must be among")
    assert all(repr(name) in message for name in AUDIT_RULES)
    with pytest.raises(InvalidParameterError, match="rules must be a rule name or an iterable of them"):
        trackerkit.audit("sample", rules=3)
    assert trackerkit.audit("sample", rules=[]).empty
    assert tuple(trackerkit.audit("sample", rules=[]).columns) == FINDING_COLUMNS


def test_a_search_too_large_is_one_not_checked_finding_never_capped(monkeypatch):
    def too_large(*args, **kwargs):
        raise ResultTooLargeError("too many", count=12_345, limit=10)

    monkeypatch.setattr(_audit_rules, "similar_phrases", too_large)
    account = [{"id": "1", "name": "A", "vocabulary": five()}, {"id": "2", "name": "B", "vocabulary": five()}]
    findings = trackerkit.audit(account, rules=["near_duplicate_phrase", "shared_phrase"], max_per_rule=0)
    summaries = findings[["tracker_id", "tracker", "rule", "severity"]].values.tolist()
    assert summaries == [["", "", "shared_phrase", "warning"], ["", "", "near_duplicate_phrase", "info"]]
    assert (
        findings["detail"]
        .iloc[1]
        .startswith(
            "not checked: similar_phrases would return at least 12,345 phrase pairs, over its max_pairs of 10"
        )
    )
    assert "10 more shared_phrase findings not listed" in findings["detail"].iloc[0]


def test_no_metadata_rides_on_attrs():
    assert trackerkit.audit("sample", max_per_rule=2).attrs == {}


def test_max_per_rule_keeps_the_first_findings_in_the_output_order_however_many():
    # 1,500 shared_phrase findings: the kept buffer is cut back on the way (at 2 x 7 + 1,024)
    account = [{"id": str(k), "name": f"T{k:03d}", "vocabulary": five()} for k in range(300)]
    account.reverse()  # the output follows the trackers given, not their ids or names
    every = trackerkit.audit(account, rules="shared_phrase", max_per_rule=None)
    assert len(every) == 1500
    capped = trackerkit.audit(account, rules="shared_phrase", max_per_rule=7)
    pd.testing.assert_frame_equal(capped.iloc[:7], every.iloc[:7])
    assert capped["tracker"].iloc[:7].tolist() == ["T299"] * 5 + ["T298"] * 2
    assert not_listed(capped) == {"shared_phrase": 1493}


def test_preloaded_dictionaries_answer_as_loaded_ones_and_a_failed_preload_is_raised_on_use(monkeypatch):
    from trackerkit.analysis import _spelling

    preloaded = _spelling.Dictionaries()
    preloaded.preload(["en-US", "es-ES"])
    plain = _spelling.Dictionaries()
    for word, languages in [("refund", ("en",)), ("refnud", ("en",)), ("cuenta", ("es",)), ("tome", ("en",))]:
        assert preloaded.known(word, languages) == plain.known(word, languages)
        assert preloaded.zipf(word, languages) == plain.zipf(word, languages)

    def broken(language):
        raise OSError(f"cannot read the {language} word list")

    monkeypatch.setattr(_spelling, "_spellchecker_words", broken)
    failing = _spelling.Dictionaries()
    failing.preload(["en"])
    with pytest.raises(OSError, match="cannot read the en word list"):  # not swallowed by the thread
        failing.known("anyword", ("en",))


def test_the_audit_never_returns_with_the_dictionaries_still_loading():
    import threading

    # slips to check, in a language no dictionary has: no word is looked up, the load is waited for
    phrases = ["refund my order", "a refund please", "refund status", "where is my refund", "refnud now"]
    account = [{"id": "1", "name": "Refunds", "languages": ["xx-YY"], "vocabulary": phrases}]
    findings = trackerkit.audit(account, rules=["typo", "real_word_confusion"])
    assert findings.empty  # not checked: no dictionary for xx
    assert not [t for t in threading.enumerate() if t.name == "trackerkit-dictionaries"]
