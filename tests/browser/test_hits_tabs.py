"""The app's Hits and Review tabs in a real browser: Voila serves ``explore(trackers,
conversations=...)``, Playwright drives Chromium (see conftest).

The account holds the hostile tracker of the other browser tests, and the conversations one
whose messages and speaker are XSS payloads (an ``<img onerror>`` and a ``<script>``): picking
the tracker shows that message as an example, and reviewing it shows it again; nothing runs,
nothing is injected. The labels typed in the Review tab reach the kernel's log file. Both tabs
pass the layout measure of ``test_app_layout.py`` (nothing scrolls sideways, no label cut) at
1366x768, 1440x900 and 1024x768. Screenshots are saved (see conftest's ``artifacts``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import page_errors, require_browser_stack, serve_notebook
from tests.browser.test_app_layout import VIEWPORTS, settled_problems

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.timeout(300)]

WAIT_MS = 60_000
XSS_ID = "9999999999999999"
XSS_NAME = '<img src=x onerror="window.__xss=1">'
XSS_MESSAGE = (
    '<img src=x onerror="window.__xss3=1"> I want to speak to a supervisor <script>window.__xss4=1</script>'
)
XSS_SPEAKER = '<img src=x onerror="window.__xss5=1">'
TAB_ROOT = {"Hits": ".tk-hits", "Review": ".tk-review"}

SETUP = f"""\
import os

import pandas as pd

import trackerkit
from trackerkit.loading import load_trackers

sample = load_trackers("sample")
records = [
    {{"id": tid, "name": name, "vocabulary": list(vocabulary)}}
    for tid, name, vocabulary in zip(sample["tracker_id"], sample["name"], sample["vocabulary"])
]
records.append({{
    "id": {XSS_ID!r},
    "name": {XSS_NAME!r},
    "vocabulary": ["<script>window.__xss2=1</script>", "I want to speak to a supervisor",
                   "can you escalate this", "get me your manager"],
}})
trackers = load_trackers(records)
messages = trackerkit.load_conversations("sample")
xss = messages[messages["conversation_id"] == messages["conversation_id"].iloc[0]].head(3).copy()
xss["conversation_id"] = "xss-conversation"
xss["message_id"] = ["xss-1", "xss-2", "xss-3"]
xss["text"] = ["Hello, how can I help?", {XSS_MESSAGE!r}, "Sure, one moment."]
xss["speaker_name"] = [{XSS_SPEAKER!r}] * 3
xss["start_time"] = xss["start_time"] - pd.Timedelta(days=30)  # the earliest: shown first
messages = pd.concat([xss, messages], ignore_index=True)
# one log per page (Voila starts a kernel per page): tests do not see each other's labels
log = os.path.abspath(f"labels-{{os.getpid()}}.jsonl")"""

APP = "app = trackerkit.explore(trackers, conversations=messages, review_log=log)\napp"


def expect():
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=WAIT_MS)
    return playwright_expect


@pytest.fixture(scope="module")
def voila_hits_url(tmp_path_factory) -> Iterator[str]:
    """Voila serving the app with conversations (a server of its own, for this module)."""
    require_browser_stack()
    import nbformat

    root = tmp_path_factory.mktemp("voila-hits")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(SETUP), nbformat.v4.new_code_cell(APP)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(nb, root / "hits_app.ipynb")
    with serve_notebook(root / "hits_app.ipynb") as url:
        yield url


@pytest.fixture
def page(browser, voila_hits_url) -> Iterator[object]:
    context = browser.new_context(viewport={"width": 1366, "height": 768})
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(voila_hits_url, timeout=WAIT_MS * 2)
    page.locator(".tk-app").first.wait_for(state="visible", timeout=WAIT_MS * 2)
    try:
        yield page
    finally:
        context.close()


def open_tab(page, title: str) -> None:
    page.locator(".tk-tabs .lm-TabBar-tab", has_text=title).click()
    page.locator(TAB_ROOT[title]).first.wait_for(state="visible")


def assert_nothing_injected(page) -> None:
    for flag in ("__xss", "__xss2", "__xss3", "__xss4", "__xss5"):
        assert page.evaluate(f"window.{flag}") is None, flag
    assert page.locator("img[src='x']").count() == 0
    scripts = page.evaluate("Array.from(document.scripts).map(s => s.textContent)")
    assert not [s for s in scripts if "__xss" in s]
    assert not [e for e in page.errors if re.search("xss", e, re.I)]


def type_keys(page, keys: str) -> None:
    box = page.locator(".tk-review-keys input")
    box.fill(keys)
    box.press("Enter")
    expect()(box).to_have_value("")  # the kernel took them and cleared the box


def test_the_hits_tab_shows_a_trackers_rate_phrases_and_examples(page, artifacts):
    expect()(page.locator(".tk-app")).to_contain_text("121 conversations")
    open_tab(page, "Hits")
    summary = page.locator(".tk-hits-summary")
    expect()(summary).to_contain_text("conversations (2104 messages) have a hit")  # the overview
    page.screenshot(path=str(artifacts / "hits-overview-1366x768.png"))
    page.locator(".tk-hits .tk-picker-input input").fill("Pricing Inquiry")
    expect()(summary).to_contain_text("Pricing Inquiry")
    expect()(summary).to_contain_text("conversations in scope")
    phrases = page.locator(".tk-hits-phrases")
    expect()(phrases).to_contain_text("phrases are dead")
    expect()(phrases.locator("tbody tr").first).to_be_visible()
    examples = page.locator(".tk-hits-examples")
    expect()(examples.locator(".tk-card").first).to_be_visible()
    expect()(examples.locator("mark.tk-hit").first).to_be_visible()
    expect()(examples).to_contain_text("into the conversation")
    page.screenshot(path=str(artifacts / "hits-pricing-1366x768.png"))
    page.screenshot(path=str(artifacts / "hits-pricing-full.png"), full_page=True)
    # the examples narrowed to matches by meaning: nothing to highlight in them
    page.locator(".tk-hits-match-kind button", has_text=re.compile(r"by\smeaning")).click()
    expect()(examples).to_contain_text("match by meaning")
    expect()(examples.locator(".tk-card").first).to_be_visible()
    expect()(examples.locator("mark.tk-hit")).to_have_count(0)


def select_by_label(select, label: str) -> None:
    """Choose the option showing ``label``. Not Playwright's ``select_option(label=)``: older
    ipywidgets (8.1.0, the floor) write option labels with no-break spaces."""
    expect()(select).to_contain_text(label.rsplit(" ", 1)[-1])  # the options are there
    shown = [text.replace("\u00a0", " ") for text in select.locator("option").all_text_contents()]
    select.select_option(index=shown.index(label))


def test_an_xss_payload_in_a_message_stays_text_in_both_tabs(page, artifacts):
    open_tab(page, "Hits")
    page.locator(".tk-hits .tk-picker-input input").fill(XSS_ID)
    expect()(page.locator(".tk-hits-summary")).to_contain_text(XSS_NAME)  # the name, as text
    card = page.locator(".tk-hits-examples .tk-card").first
    expect()(card).to_contain_text("xss-conversation")
    expect()(card).to_contain_text(XSS_MESSAGE)  # the payload, shown literally
    expect()(card).to_contain_text(XSS_SPEAKER)
    expect()(card.locator("mark.tk-hit")).to_have_text("I want to speak to a supervisor")
    page.screenshot(path=str(artifacts / "hits-xss-1366x768.png"))
    assert_nothing_injected(page)

    open_tab(page, "Review")
    select_by_label(page.locator(".tk-review-tracker select"), f"{XSS_NAME} ({XSS_ID})")
    hit = page.locator(".tk-review-hit")
    expect()(hit).to_contain_text(XSS_NAME)
    status = page.locator(".tk-review-status")
    for done in range(1, 5):  # skip to the hostile message (its place in the seeded sample)
        if "xss-conversation" in hit.inner_text():
            break
        type_keys(page, "s")
        expect()(status).to_contain_text(f"{done} of 4 hits labelled")  # the hit shown is the next
    expect()(hit).to_contain_text(XSS_MESSAGE)
    page.screenshot(path=str(artifacts / "review-xss-1366x768.png"))
    assert_nothing_injected(page)


def test_the_review_tab_labels_from_the_keyboard_into_the_log(page, artifacts):
    open_tab(page, "Review")
    status = page.locator(".tk-review-status")
    expect()(status).to_contain_text("0 of ")
    total = int(re.search(r"0 of (\d+) hits", status.inner_text()).group(1))
    first = page.locator(".tk-review-hit").inner_text()
    type_keys(page, "r")
    expect()(status).to_contain_text(f"1 of {total} hits labelled (0 skipped)")
    expect()(page.locator(".tk-review-hit")).not_to_have_text(first)  # the next hit
    page.locator(".tk-review-wrong").click()
    expect()(status).to_contain_text(f"2 of {total} hits labelled")
    type_keys(page, "rs")  # two keys at once: two hits
    expect()(status).to_contain_text(f"4 of {total} hits labelled (1 skipped)")
    precision = page.locator(".tk-review-precision")
    expect()(precision).to_contain_text("Running precision")
    expect()(precision.locator("tbody tr").first).to_be_visible()
    expect()(precision).to_contain_text(" to ")  # an interval
    type_keys(page, "b")
    expect()(page.locator(".tk-review-hit")).to_contain_text("Labelled skip")
    page.screenshot(path=str(artifacts / "review-1366x768.png"))
    saved = page.locator(".tk-review-saved").inner_text()
    path = Path(re.search(r"append-only, to (\S+\.jsonl)", saved).group(1))
    labels = [json.loads(line)["label"] for line in path.read_text().splitlines()]
    assert labels == ["right", "wrong", "right", "skip"]
    assert not page_errors(page.errors), page.errors


def test_the_hits_and_review_tabs_fit_a_laptop(page, artifacts):
    open_tab(page, "Hits")
    page.locator(".tk-hits .tk-picker-input input").fill("Escalation Request")
    expect()(page.locator(".tk-hits-examples .tk-card").first).to_be_visible()
    open_tab(page, "Review")
    type_keys(page, "r")
    expect()(page.locator(".tk-review-precision tbody tr").first).to_be_visible()
    problems = {}
    for width, height in VIEWPORTS:
        page.set_viewport_size({"width": width, "height": height})
        for title, root in TAB_ROOT.items():
            open_tab(page, title)
            found = settled_problems(page, root)
            if found:
                problems[f"{title} at {width}x{height}"] = found
            if width == 1024:
                page.screenshot(path=str(artifacts / f"{title.lower()}-1024x768.png"))
    assert not problems, "\n".join(f"{where}:\n  " + "\n  ".join(found) for where, found in problems.items())
