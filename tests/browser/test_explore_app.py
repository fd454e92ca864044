"""trackerkit.explore in a real browser: Voila serves the app, Playwright drives Chromium.

What only a browser shows: the widgets render, the autocompletion options reach the page, a
slider step and typing reach the kernel and come back as new HTML, and tracker text containing
markup stays text (no injected element, no script run). Screenshots are saved (see conftest).
"""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.network, pytest.mark.timeout(120)]

VOICE_OPTION = "Voice Message (5807963341258752)"
WAIT_MS = 30_000


def expect():
    from playwright.sync_api import expect as playwright_expect

    playwright_expect.set_options(timeout=WAIT_MS)
    return playwright_expect


TAB_ROOT = {
    "Explore": ".tk-explorer",
    "Compare": ".tk-compare",
    "Similarity": ".tk-similarity",
    "Match": ".tk-match",
}


def open_tab(page, title: str) -> None:
    page.locator(".tk-tabs .lm-TabBar-tab", has_text=title).click()
    page.locator(TAB_ROOT[title]).first.wait_for(state="visible")


def test_the_browser_stack_is_installed(browser_stack_problems):
    """Fails (does not skip) with the install command when Chromium or Playwright is missing."""
    assert not browser_stack_problems, "real-browser tests need:\n  " + "\n  ".join(browser_stack_problems)


def test_type_part_of_a_name_pick_it_and_see_its_vocabulary(app_page, artifacts):
    page = app_page
    box = page.locator(".tk-explorer .tk-picker-input input")
    box.click()
    box.press_sequentially("Voice Mes", delay=20)
    # the typed text is not a name yet: a hint, not a traceback
    expect()(page.locator(".tk-explorer .tk-picker-message")).to_contain_text("Did you mean: Voice Message")
    options = box.evaluate("el => Array.from(el.list ? el.list.options : []).map(o => o.value)")
    assert VOICE_OPTION in options, options[:5]
    # picking an autocompletion option puts its text in the box, as fill() does
    box.fill(VOICE_OPTION)
    vocabulary = page.locator(".tk-explorer-vocabulary")
    expect()(vocabulary).to_contain_text("Please leave message after tome")
    expect()(page.locator(".tk-explorer-header")).to_contain_text("Voice Message (5807963341258752)")
    expect()(page.locator(".tk-explorer-neighbours")).to_contain_text("Most similar trackers")
    expect()(page.locator(".tk-explorer-findings")).to_contain_text("typo")
    assert page.locator(".tk-explorer .tk-picker-message").inner_text().strip() == ""
    page.screenshot(path=str(artifacts / "explore-voice-message.png"), full_page=True)


def test_moving_the_threshold_changes_the_pair_table(app_page, artifacts):
    page = app_page
    open_tab(page, "Similarity")
    pairs = page.locator(".tk-similarity-pairs")
    expect()(pairs).to_contain_text("21 pairs with character similarity ≥ 0.25")
    heatmap = page.locator(".tk-similarity-heatmap")
    expect()(heatmap).to_be_visible()
    before_src = heatmap.get_attribute("src")
    assert before_src and before_src.startswith(("blob:", "data:image/png"))
    page.screenshot(path=str(artifacts / "similarity-0.25.png"), full_page=True)

    handle = page.locator(".tk-similarity-threshold .noUi-handle")
    handle.focus()
    for _ in range(3):  # 3 steps of 0.05
        handle.press("ArrowRight")
    readout = page.locator(".tk-similarity-threshold .widget-readout")
    expect()(readout).to_have_text("0.40")
    expect()(pairs).to_contain_text("4 pairs with character similarity ≥ 0.40")
    expect()(pairs).not_to_contain_text("Pricing Inquiry")  # 0.36 with Discount Request: gone
    expect()(heatmap).not_to_have_attribute("src", before_src)
    page.screenshot(path=str(artifacts / "similarity-0.40.png"), full_page=True)


def test_type_a_sentence_and_see_the_trackers_it_triggers(app_page, artifacts):
    page = app_page
    open_tab(page, "Match")
    box = page.locator(".tk-match-input input")
    box.click()
    box.press_sequentially("I want to cancel my subscription", delay=10)
    results = page.locator(".tk-match-results")
    # literally by the tracker that lists the phrase, by meaning by one listing a close variant
    expect()(results).to_contain_text(
        "This sentence would trigger 2 trackers: 1 by a phrase it contains and 1 by meaning"
    )
    expect()(results.locator("tbody tr").first).to_contain_text("Cancellation Intent")
    expect()(results.locator("tbody tr").nth(1)).to_contain_text("Churn Risk")
    # where the phrase occurs: highlighted in the sentence
    expect()(results.locator("mark.tk-hit").first).to_have_text("I want to cancel my subscription")
    page.screenshot(path=str(artifacts / "match-cancel.png"), full_page=True)
    # a score by meaning says what it is
    box.fill("please end my subscripton")
    expect()(results).to_contain_text("by meaning")
    expect()(results).to_contain_text("0 = nothing in common, 1 = the same character n-grams")
    # and a sentence that triggers nothing says so (no list of trackers with negative margins)
    box.fill("asdf")
    expect()(results).to_contain_text("This sentence triggers no tracker")
    assert results.locator("table").count() == 0


def test_markup_in_tracker_text_stays_text(app_page, artifacts, xss):
    page = app_page
    # Explore: pick the hostile tracker by its id
    box = page.locator(".tk-explorer .tk-picker-input input")
    box.fill(xss["id"])
    header = page.locator(".tk-explorer-header")
    expect()(header).to_contain_text(xss["name"])  # shown literally, as text
    expect()(page.locator(".tk-explorer-vocabulary")).to_contain_text(xss["phrase"])
    expect()(page.locator(".tk-explorer-neighbours")).to_contain_text("Speak to Manager")
    dropdown = page.locator(".tk-explorer-neighbour select")
    expect()(dropdown).to_contain_text("Speak to Manager")
    page.screenshot(path=str(artifacts / "xss-explore.png"), full_page=True)

    # Compare: the explorer's button opens the hostile tracker next to its neighbour
    page.locator(".tk-explorer-compare").click()
    expect()(page.locator(".tk-compare-status")).to_contain_text(xss["name"])
    expect()(page.locator(".tk-compare-unique-a")).to_contain_text(xss["phrase"])
    page.locator(".tk-compare-figure .jupyter-widget-Collapse-header").first.click()  # the figure, on request
    expect()(page.locator(".tk-compare-plot")).to_be_visible()
    page.screenshot(path=str(artifacts / "xss-compare.png"), full_page=True)

    # Similarity: its pairs are listed under its name
    open_tab(page, "Similarity")
    expect()(page.locator(".tk-similarity-pairs")).to_contain_text(xss["name"])

    # Match: a sentence close to its phrases ranks it
    open_tab(page, "Match")
    page.locator(".tk-match-input input").fill("get me your manager now")
    expect()(page.locator(".tk-match-results")).to_contain_text(xss["name"])
    page.screenshot(path=str(artifacts / "xss-match.png"), full_page=True)

    # nothing ran, nothing was injected
    assert page.evaluate("window.__xss") is None
    assert page.evaluate("window.__xss2") is None
    assert page.locator("img[src='x']").count() == 0
    scripts = page.evaluate("Array.from(document.scripts).map(s => s.textContent)")
    assert not [s for s in scripts if "__xss2=1" in s]
    assert not [e for e in page.errors if re.search("xss", e, re.I)]
