"""build_report: a document that leads with what to do (headline first, sections in order, the
summary table last), explains its numbers, labels its columns in words, leaves missing values
blank, groups the audit by severity and rule with counts, escapes every tracker text and runs
no script; it also leaves the user's matplotlib alone, computes each result once, and says what
it was asked (title, threshold). The browser checks are in tests/browser/test_report_browser.py."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from html.parser import HTMLParser

import pytest

import trackerkit
from trackerkit.analysis import AUDIT_RULES
from trackerkit.analysis._audit import not_listed
from trackerkit.constants import SEVERITIES
from trackerkit.errors import InvalidParameterError
from trackerkit.report import HEADLINE_ITEMS, build_report
from trackerkit.sample import sample_payload

SECTIONS = [
    ("audit", "Audit findings"),
    ("similarity", "Similarity between trackers"),
    ("clusters", "Clusters of redundant trackers"),
    ("duplicates", "Near-duplicate phrases across trackers"),
    ("sizes", "Vocabulary sizes"),
    ("summary", "Summary of all trackers"),
]
HOSTILE_NAME = '<img src=x onerror="window.__xss=1">'
HOSTILE_PHRASE = "<script>window.__xss2=1</script>"
VOID = {"meta", "img", "br", "hr", "link", "input"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node | str] = []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self, tag: str | None = None):
        for child in self.children:
            if isinstance(child, Node):
                if tag is None or child.tag == tag:
                    yield child
                yield from child.iter(tag)

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def find(self, tag: str, **attrs: str) -> list[Node]:
        return [n for n in self.iter(tag) if all(n.attrs.get(k) == v for k, v in attrs.items())]


class _Tree(HTMLParser):
    """A tiny DOM from the stdlib parser (the report's own markup is well formed)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.current = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, dict(attrs), self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node.parent is not None and node.tag != tag:
            node = node.parent
        assert node.tag == tag, f"stray </{tag}>"
        self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(document: str) -> Node:
    tree = _Tree()
    tree.feed(document)
    tree.close()
    assert tree.current is tree.root, f"<{tree.current.tag}> left open"
    return tree.root


@pytest.fixture(scope="module")
def sample_html() -> str:
    return build_report("sample", title="Tracker report: sample")


@pytest.fixture(scope="module")
def sample_doc(sample_html) -> Node:
    return parse(sample_html)


@pytest.fixture(scope="module")
def findings():
    return trackerkit.audit("sample")


def body_order(doc: Node) -> list[str]:
    """The body's landmarks in document order: the headline, the nav, each section's id."""
    body = doc.find("body")[0]
    out = []
    for node in body.iter():
        if node.attrs.get("id") == "headline" or node.tag == "nav":
            out.append(node.attrs.get("id") or node.tag)
        elif node.tag == "h2" and node.attrs.get("id"):
            out.append(node.attrs["id"])
    return out


def test_the_headline_comes_first_then_the_sections_and_the_summary_last(sample_doc):
    assert body_order(sample_doc) == ["headline", "nav", *[key for key, _ in SECTIONS]]
    headings = [h.text() for h in sample_doc.iter("h2") if h.attrs.get("id")]
    assert headings == [name for _, name in SECTIONS]
    nav = [a.attrs["href"] for a in sample_doc.find("nav")[0].iter("a")]
    assert nav == [f"#{key}" for key, _ in SECTIONS]


def test_the_headline_counts_trackers_phrases_and_findings_by_severity(sample_doc, findings):
    frame = trackerkit.load_trackers("sample")
    headline = sample_doc.find("section", id="headline")[0]
    lead = " ".join(headline.text().split())
    assert f"{len(frame)} trackers with {int(frame['n_phrases'].sum())} phrases" in lead
    assert f"The audit found {len(findings)} findings" in lead
    badges = {
        next(c for c in SEVERITIES if c in b.classes()): b.text()
        for b in headline.find("ul")[0].iter("span")
        if "badge" in b.classes()
    }
    counts = findings["severity"].value_counts()
    assert badges == {
        s: f"{counts[s]} {s if s == 'info' or counts[s] == 1 else s + 's'}" for s in counts.index
    }


def test_the_headline_names_the_most_important_findings_in_words(sample_doc, findings):
    headline = sample_doc.find("section", id="headline")[0]
    assert [h.text() for h in headline.iter("h2")] == ["What to do first"]
    items = [" ".join(li.text().split()) for li in headline.find("ol")[0].iter("li")]
    assert 3 <= len(items) <= HEADLINE_ITEMS
    # every error rule first (fewest to most findings would be wrong: most first), then the overlap
    errors = findings[findings["severity"] == "error"]["rule"].value_counts()
    assert len(errors) == 2  # the sample's: forbidden_characters (2), duplicate_phrase_exact (1)
    assert items[0].startswith("Forbidden characters error — 2 phrases in “Closing” and “Greeting”.")
    assert "Remove the brackets" in items[0]
    assert items[1].startswith("Phrases listed twice error — 1 phrase in “Feature Request”.")
    pairs = trackerkit.tracker_pairs(trackerkit.similarity_matrix("sample"), threshold=0.25)
    top = pairs.iloc[0]
    assert items[2].startswith(
        f"Overlapping trackers — {len(pairs)} pairs of trackers are 0.25 or more similar"
    )
    assert f"“{top['tracker_a']}” and “{top['tracker_b']}” at {top['score']:.2f}" in items[2]
    assert "from 0 = nothing in common to 1 = the same" in items[2]  # the score explains itself
    # then the warning rule with the most findings
    warnings = findings[findings["severity"] == "warning"]["rule"].value_counts()
    assert items[3].startswith("Phrases shared between trackers warning — ")
    assert warnings.idxmax() == "shared_phrase"
    assert f"{warnings.max()} phrases in " in items[3]
    # the rest are named below the list
    more = len(findings["rule"].unique()) + 1 - HEADLINE_ITEMS
    assert f"… and {more} more kinds of finding in Audit findings." in " ".join(headline.text().split())


def test_an_account_with_nothing_to_fix_says_so():
    account = [
        {
            "id": "1",
            "name": "Refunds",
            "vocabulary": ["i want a refund", "give me my money back", "refund it"],
        },
        {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "good morning", "hi how are you"]},
    ]
    doc = parse(build_report(account, threshold=0.9))
    headline = " ".join(doc.find("section", id="headline")[0].text().split())
    assert "2 trackers with 6 phrases." in headline
    assert "The audit found" in headline
    assert "too few phrases" in headline.lower()  # 3 phrases each: Symbl asks for 5
    assert "Overlapping trackers" not in headline  # nothing is 0.9 similar
    assert "No two trackers are 0.90 or more similar." in doc.text()
    # and one with no finding at all
    account[0]["vocabulary"] += ["send my money back", "return it for a refund"]
    account[1]["vocabulary"] += ["nice to meet you", "welcome to the call"]
    assert trackerkit.audit(account).empty
    doc = parse(build_report(account))
    headline = " ".join(doc.find("section", id="headline")[0].text().split())
    assert "2 trackers with 10 phrases. The audit found nothing to fix." in headline
    assert "Nothing to do: no audit finding, and no two trackers are 0.25 or more similar." in headline
    assert not doc.find("details")
    for section in doc.iter("section"):
        if section.attrs.get("id") != "headline":
            assert [p for p in section.iter("p") if "intro" in p.classes()], section.find("h2")[0].text()


def test_column_labels_are_words(sample_doc):
    labels = [" ".join(th.text().split()) for th in sample_doc.iter("th")]
    assert labels, "no table"
    for label in labels:
        assert "_" not in label and label[:1].isupper(), label
    assert {"Tracker", "Similarity", "Mean similarity", "Phrases", "Distinct phrases", "Languages"} <= set(
        labels
    )


def test_missing_values_are_blank_never_none_or_nan(sample_doc):
    text = sample_doc.find("body")[0].text()
    for word in ("None", "nan", "NaN", "NaT", "<NA>", "null"):
        assert not re.search(rf"(?<![\w<]){re.escape(word)}(?![\w>])", text), word
    # "Voice Message" declares no language: its Languages cell is empty
    summary = sample_doc.find("section")[-1]
    header = [th.text() for th in summary.iter("th")]
    for row in summary.iter("tr"):
        cells = [td.text() for td in row.iter("td")]
        if cells and cells[0] == "Voice Message":
            assert cells[header.index("Languages")] == ""
            assert cells[header.index("Phrases")] == "26"
            break
    else:
        pytest.fail("Voice Message is not in the summary table")


def test_every_section_with_numbers_says_what_they_are_and_their_scale(sample_doc):
    intros = {}
    for section in sample_doc.iter("section"):
        h2 = [h for h in section.iter("h2") if h.attrs.get("id")]
        if h2:
            intro = [p for p in section.iter("p") if "intro" in p.classes()]
            assert intro, f"section {h2[0].attrs['id']} opens with no sentence"
            intros[h2[0].attrs["id"]] = " ".join(intro[0].text().split())
    assert set(intros) == {key for key, _ in SECTIONS}
    assert "cosine similarity of their TF-IDF vectors" in intros["similarity"]
    assert "from 0 = nothing in common to 1 = same vocabulary" in intros["similarity"]
    assert "0 = nothing in common, 1 = same vocabulary" in intros["clusters"]
    assert "0 = unrelated to 1 = the same once case and punctuation are ignored" in intros["duplicates"]
    assert "5 to 50 phrases Symbl asks for" in intros["sizes"]
    # once: the scale is not repeated in the cells or the column labels
    for th in sample_doc.iter("th"):
        assert "0 =" not in th.text()


def test_the_audit_is_grouped_by_severity_and_rule_with_counts_and_collapsible_detail(sample_doc, findings):
    audit_section = next(s for s in sample_doc.iter("section") if s.find("h2", id="audit"))
    details = audit_section.find("details")
    rules = findings["rule"].value_counts()
    assert [d.attrs["id"] for d in details] == [f"rule-{r}" for r in _expected_rule_order(findings)]
    for d in details:
        rule = d.attrs["id"].removeprefix("rule-")
        summary = d.find("summary")[0]
        count = next(s for s in summary.iter("span") if "count" in s.classes()).text()
        assert count == str(rules[rule])
        rows = [tr for tr in d.iter("tr") if tr.find("td")]
        assert len(rows) == rules[rule]
        severity = AUDIT_RULES[rule].severity
        assert ("open" in d.attrs) == (severity == "error")  # the errors show from the start
    # one heading per severity, with its total
    headings = [" ".join(h.text().split()) for h in audit_section.iter("h3")]
    counts = findings["severity"].value_counts()
    names = {"error": "Errors", "warning": "Warnings", "info": "Info"}
    assert headings == [f"{names[s]}: {counts[s]} findings" for s in SEVERITIES if s in counts]
    # a print-only copy of each rule's findings, as a closed <details> does not print
    copies = [d for d in audit_section.iter("div") if "print-only" in d.classes()]
    assert len(copies) == len(details)
    for copy, d in zip(copies, details):
        assert copy.text() == d.text()
    # rule names show once, as the code to pass to `audit --rules`; descriptions lose their
    # parameter names
    too_few = audit_section.find("details", id="rule-too_few_phrases")[0]
    assert "Fewer than 5 phrases." in too_few.text() and "min_phrases" not in too_few.text()
    # the numbers in a rule's details are explained once, above its findings
    near = audit_section.find("details", id="rule-near_duplicate_phrase")[0]
    about = next(p for p in near.iter("p") if "rule-about" in p.classes()).text()
    assert "from 0 = unrelated to 1 = the same once case and punctuation are ignored" in about
    assert sum("score" in td.text() for td in near.iter("td")) > 0  # the details do show scores


def _expected_rule_order(findings) -> list[str]:
    counts = findings["rule"].value_counts()
    registry = list(AUDIT_RULES)
    return sorted(
        counts.index,
        key=lambda r: (SEVERITIES.index(AUDIT_RULES[r].severity), -counts[r], registry.index(r)),
    )


def test_a_rule_cut_by_max_per_rule_counts_what_was_left_out():
    # 6 trackers sharing 200 phrases: 1,200 shared_phrase findings, 1,000 listed by the audit
    phrases = [f"phrase number {k}" for k in range(200)]
    account = [{"id": str(k), "name": f"T{k}", "vocabulary": phrases} for k in range(6)]
    findings = trackerkit.audit(account, rules="shared_phrase")
    assert not_listed(findings) == {"shared_phrase": 200}
    doc = parse(build_report(account, max_rows=50))
    shared = doc.find("details", id="rule-shared_phrase")[0]
    count = next(s for s in shared.iter("span") if "count" in s.classes()).text()
    assert count == "1,200"
    assert len([tr for tr in shared.iter("tr") if tr.find("td")]) == 50
    assert "… and 951 more rows" in shared.text()  # 1,000 listed + 1 summary finding - 50 shown


def test_every_tracker_text_is_escaped_and_nothing_can_run():
    payload = sample_payload()
    payload["trackers"].append(
        {
            "id": "9999999999999998",
            "name": HOSTILE_NAME,
            "vocabulary": [HOSTILE_PHRASE, "I want to speak to a supervisor", "[placeholder]", "a b", "c d"],
        }
    )
    document = build_report(trackerkit.load_trackers(payload), title="</title><script>alert(3)</script>")
    lowered = document.lower()
    assert "<script" not in lowered
    assert "<img src=x" not in lowered
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", document)  # no event handler attribute at all
    assert HOSTILE_NAME not in document and HOSTILE_PHRASE not in document
    doc = parse(document)
    text = doc.find("body")[0].text()
    assert HOSTILE_NAME in text and HOSTILE_PHRASE in text  # shown as text
    headline = doc.find("section", id="headline")[0]
    assert f"“{HOSTILE_NAME}”" in headline.text()  # in the headline's sentences too, escaped
    assert doc.find("title")[0].text() == "</title><script>alert(3)</script>"


def test_the_content_security_policy_allows_no_script(sample_html, sample_doc):
    metas = [m for m in sample_doc.iter("meta") if m.attrs.get("http-equiv") == "Content-Security-Policy"]
    assert len(metas) == 1
    policy = {
        part.split()[0]: part.split()[1:] for part in metas[0].attrs["content"].split(";") if part.strip()
    }
    assert policy["default-src"] == ["'none'"]
    assert "script-src" not in policy and "script-src-elem" not in policy
    assert policy["img-src"] == ["data:"]
    assert "<script" not in sample_html.lower()
    assert not sample_doc.find("script")
    assert "http://" not in sample_html and "https://" not in sample_html


def test_print_styles_show_every_finding_and_hide_what_print_cannot_use(sample_html):
    style = sample_html[sample_html.index("<style>") : sample_html.index("</style>")]
    screen, _, printed = style.partition("@media print")
    assert re.search(r"\.print-only\s*\{\s*display:\s*none", screen)
    assert re.search(r"\.print-only\s*\{\s*display:\s*block", printed)
    assert re.search(r"nav, \.screen-only, details\.rule\s*\{\s*display:\s*none", printed)
    assert "@page" in printed and "thead { display: table-header-group; }" in printed


def test_a_report_keeps_the_users_figures_open_and_the_backend_unchanged():
    # In a fresh interpreter on a backend that is not Agg (a notebook's would be inline): the
    # report must neither switch it nor close the figure the user has open.
    code = textwrap.dedent(
        """
        import matplotlib
        matplotlib.use("svg")
        import matplotlib.pyplot as plt
        fig, ax = plt.subplots()
        ax.plot([1, 2, 3])
        from trackerkit.report import build_report
        html = build_report("sample")
        assert "Audit findings" in html and html.count("data:image/png;base64,") == 2
        assert matplotlib.get_backend() == "svg", matplotlib.get_backend()
        assert plt.get_fignums() == [fig.number], plt.get_fignums()
        assert len(fig.axes[0].lines) == 1
        print("ok")
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"


def test_a_report_computes_the_similarity_once(monkeypatch):
    import trackerkit.analysis._similarity as similarity

    calls = []
    real = similarity.TrackerVectors.__init__

    def counting(self, frame, analyzer, *args, **kwargs):
        calls.append(analyzer)
        real(self, frame, analyzer, *args, **kwargs)

    monkeypatch.setattr(similarity.TrackerVectors, "__init__", counting)
    html = build_report("sample", analyzer="word")
    assert calls == ["word"]  # one TF-IDF: the clustering's matrix feeds the heatmap and the pairs
    assert "TF-IDF vectors (words, analyzer <code>word</code>)" in html


def test_the_title_and_threshold_are_arguments():
    html = build_report("sample")
    assert "<title>Tracker report</title>" in html and "<h1>Tracker report</h1>" in html
    html = build_report("sample", title="Acme <support>", threshold=0.4)
    assert "<title>Acme &lt;support&gt;</title>" in html
    assert "<h3>Pairs of trackers 0.40 or more similar</h3>" in html
    pairs = trackerkit.tracker_pairs(trackerkit.similarity_matrix("sample"), threshold=0.4)
    assert f"<td>{pairs['tracker_a'].iloc[0]}</td>" in html
    assert f"{len(pairs)} pairs of trackers are 0.40 or more similar" in html
    with pytest.raises(InvalidParameterError, match="threshold must be in"):
        build_report("sample", threshold=1.5)
    with pytest.raises(TypeError):  # the old name is gone
        build_report("sample", pair_threshold=0.3)


def test_every_audit_rule_has_a_title_and_advice_in_words():
    # A new rule gets a title from its name anyway; this says to give it words of its own.
    from trackerkit.report import _RULE_TEXT

    assert set(_RULE_TEXT) == set(AUDIT_RULES)
    for rule, (title, advice) in _RULE_TEXT.items():
        assert "_" not in title and title[:1].isupper(), rule
        assert advice.endswith(".") and advice[:1].isupper(), rule


def test_a_rule_that_was_not_checked_says_so_instead_of_counting_zero(monkeypatch):
    import trackerkit.report

    real = trackerkit.report.audit
    detail = "not checked: similar_phrases would return at least 9,000,000 phrase pairs, over its max_pairs"

    def audit_too_large(frame, **kwargs):
        findings = real(frame, **kwargs)
        findings = findings[findings["rule"] != "near_duplicate_phrase"]
        summary = {"tracker_id": "", "tracker": "", "phrase": None, "rule": "near_duplicate_phrase"}
        summary |= {"severity": "info", "detail": detail, "position": None}
        return _append(findings, summary)

    monkeypatch.setattr(trackerkit.report, "audit", audit_too_large)
    doc = parse(build_report("sample"))
    rule = doc.find("details", id="rule-near_duplicate_phrase")[0]
    assert next(s for s in rule.iter("span") if "count" in s.classes()).text() == "–"
    assert detail in rule.text()
    headline = " ".join(doc.find("section", id="headline")[0].text().split())
    assert "0 findings" not in headline and "0 phrases" not in headline


def _append(findings, row):
    import pandas as pd

    return pd.concat([findings, pd.DataFrame([row]).astype({"position": "Int64"})], ignore_index=True)


# --------------------------------------------------------------------------- hits section


@pytest.fixture(scope="module")
def hits_doc() -> Node:
    return parse(build_report("sample", conversations="sample", hits="sample"))


def _hits_section(doc: Node) -> Node:
    return next(s for s in doc.iter("section") if s.find("h2", id="hits"))


def _rows(table: Node) -> list[dict[str, str]]:
    header = [th.text() for th in table.iter("th")]
    return [
        dict(zip(header, (td.text() for td in tr.iter("td")))) for tr in table.iter("tr") if tr.find("td")
    ]


def test_without_conversations_there_is_no_hits_section(sample_html, sample_doc):
    assert not sample_doc.find("h2", id="hits")
    assert "Tracker hits in conversations" not in sample_html
    assert "#hits" not in sample_html


def test_with_conversations_the_hits_section_comes_last_and_explains_its_numbers(hits_doc):
    assert body_order(hits_doc) == ["headline", "nav", *[key for key, _ in SECTIONS], "hits"]
    nav = [a.attrs["href"] for a in hits_doc.find("nav")[0].iter("a")]
    assert nav[-1] == "#hits"
    section = _hits_section(hits_doc)
    intro = " ".join(next(p for p in section.iter("p") if "intro" in p.classes()).text().split())
    assert intro.startswith("How often each tracker fires in 120 conversations (2,101 messages;")
    assert "the results given with them, not replayed" in intro
    assert "from 0% = never to 100% = in every one" in intro
    assert "114 of the 120 conversations have a hit of some tracker; 6 have none." in intro
    assert len(section.find("img")) == 1  # the hit rates plot, embedded
    assert section.find("img")[0].attrs["src"].startswith("data:image/png;base64,")
    headings = [" ".join(h.text().split()) for h in section.iter("h3")]
    dead = trackerkit.analysis.phrase_hits(trackerkit.load_tracker_results("sample"), "sample").dead
    assert headings == [
        "Hit rate per tracker",
        "Trackers that never fire",
        f"Dead phrases: {int((dead['position'] >= 0).sum())} phrases never said word for word",
        "Trackers that fire together",
    ]
    assert "Lift" in section.text() and "1 = as by chance" in section.text()


def test_the_hits_tables_hold_the_analysis_figures_in_words(hits_doc):
    section = _hits_section(hits_doc)
    rates, silent, dead, pairs = (t for t in section.iter("table"))
    by_name = {row["Tracker"]: row for row in _rows(rates)}
    assert len(by_name) == 48  # every tracker of the account, silent ones too
    decision = by_name["Decision Maker"]  # the sample's tracker that only fires by meaning
    assert (decision["With a hit"], decision["Literal"], decision["Only by meaning"]) == ("18", "0", "18")
    assert decision["Rate"] == "15%" and decision["Conversations"] == "120"
    spanish = by_name["Cancelación de Servicio"]  # scoped to its language: 8 Spanish calls
    assert (spanish["Languages"], spanish["Conversations"]) == ("es-ES", "8")
    voice = by_name["Voice Message"]
    assert (
        voice["Per conversation"] == "" and voice["Dead phrases"] == voice["Phrases"] == "26"
    )  # blank, no nan
    assert [row["Tracker"] for row in _rows(silent)] == ["Voice Message", "Promotion Mention"]
    listed = _rows(dead)
    assert len(listed) == 200 and listed[0] == {
        "Tracker": "Voice Message",
        "Phrase": "At the tone please record",
        "Hits by meaning": "0",
    }
    n_dead = int(section.find("h3")[2].text().split(": ")[1].split()[0])
    assert f"… and {n_dead - 200} more rows" in section.text()  # cut at max_rows, and says so
    pair = next(
        row
        for row in _rows(pairs)
        if {row["Tracker"], row["Other tracker"]} == {"Pricing Inquiry", "Discount Request"}
    )
    assert (pair["With both"], pair["Lift"]) == ("15", "5.45")
    labels = [" ".join(th.text().split()) for th in section.iter("th")]
    for label in labels:
        assert "_" not in label and label[:1].isupper(), label


def test_the_hits_section_escapes_tracker_and_message_text():
    account = [
        {"id": "1", "name": HOSTILE_NAME, "vocabulary": [HOSTILE_PHRASE, "cancel my plan", "stop my plan"]},
        {"id": "2", "name": "Refund", "vocabulary": ["money back", "a refund please", "refund it"]},
        {"id": "3", "name": "Silent <b>one</b>", "vocabulary": ["never said", "not said", "nobody says"]},
    ]
    hostile_text = '<img src=x onerror="window.__xss3=1"> cancel my plan, money back'
    messages = [
        {"conversation_id": f"c{k}", "message_id": f"m{k}", "text": hostile_text if k < 3 else "hello there"}
        for k in range(5)
    ]
    document = build_report(account, conversations=trackerkit.load_conversations(messages))
    lowered = document.lower()
    assert "<script" not in lowered and "<img src=x" not in lowered and "<b>one" not in lowered
    assert not re.search(r"<[a-z][^>]*\son[a-z]+\s*=", document)
    section = _hits_section(parse(document))
    intro = " ".join(next(p for p in section.iter("p") if "intro" in p.classes()).text().split())
    assert "5 conversations (5 messages; hits from the account replayed over them, literal" in intro
    assert "3 of the 5 conversations have a hit of some tracker; 2 have none." in intro
    rates, silent, dead, pairs = (t for t in section.iter("table"))
    by_name = {row["Tracker"]: row for row in _rows(rates)}
    assert by_name[HOSTILE_NAME]["With a hit"] == "3" and by_name[HOSTILE_NAME]["Rate"] == "60%"
    assert [row["Tracker"] for row in _rows(silent)] == ["Silent <b>one</b>"]
    assert [(r["Tracker"], r["Phrase"]) for r in _rows(dead)][:2] == [
        (HOSTILE_NAME, HOSTILE_PHRASE),
        (HOSTILE_NAME, "stop my plan"),
    ]
    assert [(r["Tracker"], r["Other tracker"], r["With both"]) for r in _rows(pairs)] == [
        (HOSTILE_NAME, "Refund", "3")
    ]


def test_hits_need_their_conversations():
    with pytest.raises(InvalidParameterError, match="conversations") as caught:
        build_report("sample", hits="sample")
    assert caught.value.parameter == "hits"
    with pytest.raises(InvalidParameterError) as caught:
        build_report("sample", conversations="sample", by_meaning="yes")
    assert caught.value.parameter == "by_meaning"


def test_the_command_line_adds_the_hits_section(tmp_path):
    from trackerkit import cli

    out = tmp_path / "report.html"
    assert (
        cli.main(["report", "sample", "-o", str(out), "--conversations", "sample", "--results", "sample"])
        == 0
    )
    doc = parse(out.read_text(encoding="utf-8"))
    assert body_order(doc)[-1] == "hits"
    assert "the results given with them" in _hits_section(doc).text()


def test_a_replay_by_meaning_says_so():
    account = [
        {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "money back please", "refund it"]}
    ]
    messages = trackerkit.load_conversations(
        [{"conversation_id": "c1", "message_id": "m1", "text": "I want my refund"}]
    )
    literal = _hits_section(parse(build_report(account, conversations=messages)))
    meaning = _hits_section(parse(build_report(account, conversations=messages, by_meaning=True)))
    assert "literal matches only" in literal.text()
    assert "literal matches and matches by meaning" in " ".join(meaning.text().split())
    literal_row, meaning_row = (_rows(next(s.iter("table")))[0] for s in (literal, meaning))
    assert literal_row["With a hit"] == "0"
    assert (meaning_row["With a hit"], meaning_row["Only by meaning"]) == ("1", "1")
