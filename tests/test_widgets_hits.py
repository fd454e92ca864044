"""The app's Hits and Review tabs without a browser: drive the widgets through their values and
buttons, assert what they compute and show, and that no tracker or message text reaches HTML
unescaped (the account holds a hostile tracker, the conversations a hostile message)."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import trackerkit
from tests.test_widgets import XSS_ID, XSS_NAME, XSS_NAME_ESCAPED, assert_no_raw_markup, hostile_account
from trackerkit.analysis import hit_rates, phrase_hits, precision
from trackerkit.analysis._review import ReviewLog
from trackerkit.errors import InvalidParameterError

XSS_CONVERSATION = "xss-conversation"
XSS_MESSAGE = "<img src=x onerror=alert(1)> I want to speak to a supervisor <script>alert(1)</script>"
XSS_SPEAKER = "<img src=x onerror=alert(1)>"


@pytest.fixture(scope="module")
def trackers():
    return hostile_account()


@pytest.fixture(scope="module")
def messages():
    """The sample conversations plus one whose messages and speaker are XSS payloads."""
    sample = trackerkit.load_conversations("sample")
    first = sample[sample["conversation_id"] == sample["conversation_id"].iloc[0]].head(3).copy()
    first["conversation_id"] = XSS_CONVERSATION
    first["message_id"] = ["xss-1", "xss-2", "xss-3"]
    first["text"] = ["Hello <b>there</b>, how can I help?", XSS_MESSAGE, "Sure, one moment & thanks."]
    first["speaker_name"] = [XSS_SPEAKER, XSS_SPEAKER, "Agent"]
    return pd.concat([sample, first], ignore_index=True)


@pytest.fixture(scope="module")
def stored():
    return trackerkit.load_tracker_results("sample")


@pytest.fixture(scope="module")
def sample_messages():
    return trackerkit.load_conversations("sample")


def plain(html: str) -> str:
    """The text of an HTML value, roughly: tags dropped (style sheets too), entities kept."""
    import re

    return re.sub(r"<[^>]+>", "", re.sub(r"<style>.*?</style>", "", html, flags=re.S))


# --------------------------------------------------------------------------- the app


def test_without_conversations_the_app_keeps_its_four_tabs(trackers):
    app = trackerkit.explore(trackers)
    assert tuple(app.tabs.titles) == app.titles == trackerkit.widgets.TITLES
    assert app.hits is None and app.review is None and app.messages is None
    app.close()


def test_hits_without_conversations_are_refused(trackers, stored):
    with pytest.raises(InvalidParameterError, match="conversations"):
        trackerkit.explore(trackers, hits=stored)


def test_with_conversations_the_app_adds_hits_and_review_replaying_once(
    trackers, messages, tmp_path, monkeypatch
):
    import trackerkit.widgets.hits as hits_module
    from trackerkit.widgets import HIT_TITLES, HitsExplorer, ReviewPanel

    calls = []
    real = hits_module.replay

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(hits_module, "replay", counting)
    app = trackerkit.explore(trackers, conversations=messages, review_log=tmp_path / "labels.jsonl")
    assert tuple(app.tabs.titles) == ("Explore", "Compare", "Similarity", "Match", "Hits", "Review")
    assert app.titles[-2:] == HIT_TITLES
    assert isinstance(app.hits, HitsExplorer) and isinstance(app.review, ReviewPanel)
    assert app.tabs.children[4] is app.hits.widget and app.tabs.children[5] is app.review.widget
    assert "121 conversations" in app.header.value
    assert app.wait(timeout=300)
    assert app.hits.source.ready and len(calls) == 1  # in the background, once, for both tabs
    app.show("Hits")
    assert "conversations" in plain(app.hits.summary_html.value)
    app.show("Review")
    assert app.review.current is not None
    assert app.review.hits is app.hits.hits  # one replay, shared
    assert len(calls) == 1  # the tabs used the hits computed in the background
    app.close()


def test_stored_hits_are_shown_as_given_not_replayed(
    trackers, stored, sample_messages, tmp_path, monkeypatch
):
    import trackerkit.widgets.hits as hits_module

    def refuse(*args, **kwargs):
        raise AssertionError("replayed although hits were given")

    monkeypatch.setattr(hits_module, "replay", refuse)
    app = trackerkit.explore(
        "sample", conversations=sample_messages, hits=stored, review_log=tmp_path / "l.jsonl"
    )
    assert app.wait(timeout=300)
    app.show("Hits")
    app.hits.select("Decision Maker")
    # the data card's fact: Decision Maker fires by meaning only, in 18 conversations
    summary = plain(app.hits.summary_html.value)
    assert "fires in 18 of the" in summary and "0 with a literal hit, 18 only by meaning" in summary
    assert app.hits.hits is stored
    app.close()


# --------------------------------------------------------------------------- Hits


@pytest.fixture(scope="module")
def explorer(stored, sample_messages):
    from trackerkit.widgets import HitsExplorer

    return HitsExplorer("sample", sample_messages, stored)


def test_hits_overview_lists_every_tracker_by_rate(explorer, stored, sample_messages):
    rates = hit_rates(stored, sample_messages, "sample")
    assert explorer.selected is None
    html = explorer.summary_html.value
    assert f"{rates.n_conversations_hit} of {rates.n_conversations} conversations" in plain(html)
    rows = html.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 48
    top = rates.table.sort_values(["conversations_hit", "tracker"], ascending=[False, True]).iloc[0]
    assert f"<td>{top['tracker']}</td>" in rows[0]
    assert "Voice Message" in rows[-1]  # never fires: last (0 conversations, by name)


def test_hits_of_one_tracker_rate_phrases_dead_phrases(explorer, stored, sample_messages):
    explorer.select("Pricing Inquiry")
    rates = hit_rates(stored, sample_messages, "sample").table.set_index("tracker").loc["Pricing Inquiry"]
    summary = plain(explorer.summary_html.value)
    assert (
        f"fires in {int(rates.conversations_hit)} of the {int(rates.conversations_in_scope)} conversations"
        in summary
    )
    assert f"{int(rates.hits)} hits ({int(rates.literal_hits)} literal" in summary
    phrases = plain(explorer.phrases_html.value)
    assert "25 of 40 phrases are dead" in phrases
    table = phrase_hits(stored, "sample").table
    mine = table[table["tracker"] == "Pricing Inquiry"]
    best = mine.sort_values(["literal_hits", "position"], ascending=[False, True]).iloc[0]
    first_row = explorer.phrases_html.value.split("<tbody>")[1].split("</tr>")[0]
    assert f"<td>{best['phrase']}</td>" in first_row
    assert f'<td class="tk-num">{int(best["literal_hits"])}</td>' in first_row
    for phrase in mine[mine["dead"]]["phrase"].head(3):
        assert phrase.replace("'", "&#x27;") in explorer.phrases_html.value


def test_hits_examples_show_the_match_in_context_with_speaker_and_time(explorer):
    explorer.select("Pricing Inquiry")
    examples = explorer.examples
    assert 0 < len(examples) <= 8
    assert examples["conversation_id"].is_unique  # one per conversation
    times = pd.to_datetime(examples["start_time"], utc=True)
    assert times.is_monotonic_increasing  # earliest first
    html = explorer.examples_html.value
    assert html.count('class="tk-card"') == len(examples)
    literal = examples[examples["match"] == "literal"]
    for matched in literal["matched_text"]:
        assert f'<mark class="tk-hit">{matched}</mark>' in html
    for speaker in examples["speaker_name"]:
        assert f"{speaker}:</span>" in html
    assert "UTC" in html and "into the conversation" in html
    assert html.count("tk-card-ctx") >= len(examples)  # the messages around each hit


def test_a_tracker_that_never_fires_says_so(explorer):
    explorer.select("Voice Message")
    assert "never fires" in plain(explorer.summary_html.value)
    assert len(explorer.examples) == 0
    assert "No example" in plain(explorer.examples_html.value)


def test_hits_tab_escapes_a_hostile_tracker_and_message(trackers, messages):
    from trackerkit.widgets import HitsExplorer

    hits = HitsExplorer(trackers, messages)
    hits.select(XSS_ID)
    assert hits.selected == XSS_ID
    assert XSS_CONVERSATION in set(hits.examples["conversation_id"])  # the hostile message is shown
    everything = assert_no_raw_markup(hits.widget)
    assert XSS_NAME_ESCAPED in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in everything  # the message's payload, as text
    assert "Hello &lt;b&gt;there&lt;/b&gt;" in everything  # the message before it, as text
    assert '<mark class="tk-hit">I want to speak to a supervisor</mark>' in everything
    hits.update(None)
    assert_no_raw_markup(hits.widget)


# --------------------------------------------------------------------------- Review


def panel(stored, sample_messages, path, **options):
    from trackerkit.widgets import ReviewPanel

    return ReviewPanel(stored, path, messages=sample_messages, per_stratum=2, **options)


def test_review_labels_from_keys_and_buttons_are_on_disk_at_once(stored, sample_messages, tmp_path):
    path = tmp_path / "labels.jsonl"
    review = panel(stored, sample_messages, path)
    first = review.current["hit_key"]
    review.keys.value = "rw"
    assert review.keys.value == ""  # ready for the next keys
    review.skip.click()
    review.right.click()
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["label"] for line in lines] == ["right", "wrong", "skip", "right"]
    assert lines[0]["hit_key"] == first
    assert review.sample["hit_key"].iloc[:4].tolist() == [line["hit_key"] for line in lines]
    n = len(review.sample)
    assert review.progress.value == 4 and review.progress.max == n
    assert f"4 of {n} hits labelled (1 skipped), {n - 4} to go" in plain(review.status_html.value)


def test_review_running_precision_is_the_analysis_precision(stored, sample_messages, tmp_path):
    path = tmp_path / "labels.jsonl"
    review = panel(stored, sample_messages, path)
    review.keys.value = "rrwsrw"
    expected = precision(ReviewLog(path))
    got = review.precision
    pd.testing.assert_frame_equal(
        got[["tracker", "match", "right", "wrong", "skipped"]].reset_index(drop=True),
        expected[["tracker", "match", "right", "wrong", "skipped"]].reset_index(drop=True),
    )
    row = expected.iloc[0]
    assert f"{row['ci_low']:.2f} to {row['ci_high']:.2f}" in review.precision_html.value
    assert "Wilson" in review.precision_html.value


def test_review_resumes_from_its_log(stored, sample_messages, tmp_path):
    path = tmp_path / "labels.jsonl"
    review = panel(stored, sample_messages, path)
    review.keys.value = "rrr"
    nxt = review.current["hit_key"]
    again = panel(stored, sample_messages, path)
    assert again.progress.value == 3
    assert again.current["hit_key"] == nxt
    assert str(path) in plain(again.saved_html.value)


def test_review_back_relabels_and_the_log_keeps_the_history(stored, sample_messages, tmp_path):
    path = tmp_path / "labels.jsonl"
    review = panel(stored, sample_messages, path)
    review.keys.value = "rr"
    second = review.sample["hit_key"].iloc[1]
    review.keys.value = "b"
    assert review.current["hit_key"] == second
    assert "Labelled right" in plain(review.hit_html.value)
    review.keys.value = "w"  # changed my mind
    assert review.labels[second] == "wrong"
    assert review.current["hit_key"] == review.sample["hit_key"].iloc[2]  # back to the first pending
    log = ReviewLog(path)
    assert len(log.history()) == 3 and len(log.labels()) == 2
    assert log.labels().set_index("hit_key").loc[second, "label"] == "wrong"
    review.keys.value = "q"
    assert "Ignored q" in plain(review.saved_html.value)
    assert len(ReviewLog(path).history()) == 3


def test_review_one_tracker_to_the_end(stored, sample_messages, tmp_path):
    review = panel(stored, sample_messages, tmp_path / "labels.jsonl")
    tracker_id = str(review.sample["tracker_id"].iloc[-1])
    review.tracker.value = tracker_id
    queue = review.queue()
    assert (queue["tracker_id"].astype(str) == tracker_id).all()
    review.keys.value = "r" * len(queue)
    assert review.current is None
    assert review.right.disabled and review.wrong.disabled and review.skip.disabled
    assert "All" in plain(review.hit_html.value) and "labelled" in plain(review.hit_html.value)
    review.keys.value = "r"  # nothing left: nothing written
    assert len(ReviewLog(tmp_path / "labels.jsonl").history()) == len(queue)
    rows = review.precision[review.precision["match"] == "any"]
    assert rows["tracker_id"].tolist() == [tracker_id] and float(rows["precision"].iloc[0]) == 1.0


def test_review_escapes_a_hostile_tracker_and_message(trackers, messages, tmp_path):
    from trackerkit.widgets import HitsExplorer, ReviewPanel

    hits = HitsExplorer(trackers, messages).hits
    review = ReviewPanel(hits, tmp_path / "labels.jsonl", messages=messages, per_stratum=50)
    review.tracker.value = XSS_ID
    keys = review.queue()
    at = keys.index[keys["conversation_id"] == XSS_CONVERSATION][0] - keys.index[0]
    review.keys.value = "s" * int(at)
    assert review.current["conversation_id"] == XSS_CONVERSATION
    everything = assert_no_raw_markup(review.widget)
    assert XSS_NAME_ESCAPED in everything and "&lt;script&gt;alert(1)&lt;/script&gt;" in everything
    assert any(XSS_NAME in str(label) for label in review.tracker._options_labels)  # text, not HTML


def test_review_checks_its_parameters(stored, tmp_path):
    from trackerkit.widgets import ReviewPanel

    with pytest.raises(InvalidParameterError):
        ReviewPanel("not hits", tmp_path / "l.jsonl")
    with pytest.raises(InvalidParameterError):
        ReviewPanel(stored, tmp_path / "l.jsonl", per_stratum=0)
    review = ReviewPanel(stored, tmp_path / "l.jsonl", per_stratum=1)
    with pytest.raises(InvalidParameterError):
        review.label("maybe")


def test_hits_of_other_conversations_say_so_in_the_tab(stored, sample_messages, tmp_path):
    """Stored hits of conversations that are not given: the denominators would be wrong, so the
    tab refuses, in words, in its error box (and the other tabs still work)."""
    from trackerkit.errors import TrackerDataError

    first = sample_messages["conversation_id"].iloc[0]
    fewer = sample_messages[sample_messages["conversation_id"] == first]
    app = trackerkit.explore("sample", conversations=fewer, hits=stored, review_log=tmp_path / "l.jsonl")
    assert app.wait(timeout=300)  # the background failure is left for the tab
    with pytest.raises(TrackerDataError):
        app.show("Hits")
    assert "Could not update: TrackerDataError" in app.hits.error_box.value
    assert isinstance(app.hits.last_error, TrackerDataError)
    app.match.text.value = "I want to cancel my subscription"
    assert app.match.triggers is not None and len(app.match.triggers)
    app.close()


def test_hits_examples_narrow_to_one_kind_of_match(stored, sample_messages):
    from trackerkit.widgets import HitsExplorer

    explorer = HitsExplorer("sample", sample_messages, stored)
    assert explorer.match_kind.layout.display == "none"  # no tracker, no examples
    explorer.select("Pricing Inquiry")
    assert explorer.match_kind.layout.display is None
    mine = stored[stored["tracker_name"] == "Pricing Inquiry"]
    for kind, label in [("meaning", "match by meaning"), ("literal", "literal match")]:
        explorer.match_kind.value = kind
        examples = explorer.examples
        expected = mine[mine["match"] == kind]
        assert 0 < len(examples) == min(8, expected["conversation_id"].nunique())
        assert set(examples["match"]) == {kind}
        html = explorer.examples_html.value
        assert html.count('class="tk-card"') == len(examples)
        assert (
            f"the first {label} in {len(examples)} of the {expected['conversation_id'].nunique()}"
            in plain(html)
        )
        assert ('<mark class="tk-hit">' in html) == (kind == "literal")  # only literal text is marked
    explorer.select("Discount Request")  # the kind chosen stays for the next tracker
    assert set(explorer.examples["match"]) == {"literal"}
    explorer.match_kind.value = "all"
    assert len(explorer.examples) == min(
        8, stored.loc[stored["tracker_name"] == "Discount Request", "conversation_id"].nunique()
    )


def test_a_tracker_without_matches_of_the_kind_chosen_says_so(stored, sample_messages):
    from trackerkit.widgets import HitsExplorer

    by_meaning = set(stored.loc[stored["match"] == "meaning", "tracker_name"])
    fires = set(stored["tracker_name"])
    only_literal = sorted(fires - by_meaning)[0]
    explorer = HitsExplorer("sample", sample_messages, stored, tracker=only_literal)
    explorer.match_kind.value = "meaning"
    assert len(explorer.examples) == 0
    assert "no match by meaning in these conversations" in plain(explorer.examples_html.value)
