"""The HTML report (``trackerkit report``) opened in headless Chromium: the plots render, and a
tracker named with a script payload shows as text and runs nothing."""

from __future__ import annotations

import pytest

import trackerkit
from trackerkit.report import write_report
from trackerkit.sample import sample_payload

pytestmark = pytest.mark.browser

NAME = '<img src=x onerror="window.__xss=1">'
PHRASE = "<script>window.__xss2=1</script>"


@pytest.fixture
def report_path(tmp_path):
    payload = sample_payload()
    payload["trackers"].append(
        {
            "id": "9999999999999998",
            "name": NAME,
            "vocabulary": [PHRASE, "get me your manager", "a b c d", "e f g h"],
        }
    )
    return write_report(trackerkit.load_trackers(payload), tmp_path / "report.html")


def test_report_renders_plots_and_runs_no_injected_script(browser, artifacts, report_path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(report_path.as_uri())
        images = page.locator("div.figure img")
        assert images.count() == 2
        for i in range(images.count()):
            # a decoded, non-empty bitmap: the embedded PNG really renders
            assert images.nth(i).evaluate(
                "img => img.complete && img.naturalWidth > 300 && img.naturalHeight > 200"
            )
        assert page.evaluate("window.__xss") is None
        assert page.evaluate("window.__xss2") is None
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("script").count() == 0
        body = page.inner_text("body")
        assert NAME in body  # shown as text
        assert PHRASE in body
        assert "Audit findings" in body
        page.screenshot(path=str(artifacts / "report-top.png"))
        page.locator("#audit").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "report-audit.png"))
        assert errors == []
    finally:
        context.close()
