"""The HTML report (``trackerkit report``) opened in headless Chromium at a laptop's 1366 x 768:
the headline is what one sees first, nothing scrolls sideways (not the page, not a table), the
plots render, a rule of the audit opens on a click without any script, print shows every
finding, and a tracker named with a script payload shows as text and runs nothing."""

from __future__ import annotations

import pytest

import trackerkit
from trackerkit.report import write_report
from trackerkit.sample import sample_payload

pytestmark = pytest.mark.browser

NAME = '<img src=x onerror="window.__xss=1">'
PHRASE = "<script>window.__xss2=1</script>"
LONG_WORD = "x" * 300
LONG_NAME = "N" * 120  # one word wider than a table column: it must wrap, not widen the page
VIEWPORT = {"width": 1366, "height": 768}

NO_SIDEWAYS_SCROLL = """() => {
    const page = document.scrollingElement;
    const wide = Array.from(document.querySelectorAll('.table-wrap, section, .headline'))
        .filter(e => e.scrollWidth > e.clientWidth + 1)
        .map(e => (e.id || e.className) + ' ' + e.scrollWidth + '>' + e.clientWidth);
    return {page: [page.scrollWidth, page.clientWidth], wide};
}"""


@pytest.fixture
def report_path(tmp_path):
    payload = sample_payload()
    payload["trackers"].append(
        {
            "id": "9999999999999998",
            "name": NAME,
            "vocabulary": [PHRASE, "get me your manager", LONG_WORD, "a b c d", "e f g h"],
        }
    )
    payload["trackers"].append({"id": "9999999999999997", "name": LONG_NAME, "vocabulary": ["hello there"]})
    return write_report(trackerkit.load_trackers(payload), tmp_path / "report.html")


@pytest.fixture
def page(browser, report_path):
    context = browser.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.on("pageerror", lambda exc: page.errors.append(str(exc)))
    page.goto(report_path.as_uri())
    try:
        yield page
    finally:
        context.close()


def test_report_renders_plots_and_runs_no_injected_script(page, artifacts):
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
    for summary in page.locator("details.rule > summary").all():
        summary.click()
    body = page.inner_text("body")
    assert NAME in body  # shown as text
    assert PHRASE in body
    assert "Audit findings" in body
    page.locator("#audit").scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "report-audit.png"))
    assert page.errors == []


def test_the_headline_is_seen_first_and_nothing_scrolls_sideways_at_1366(page, artifacts):
    # what a laptop shows without scrolling: the counts and the first things to do
    first_screen = page.evaluate(
        """() => {
            const box = e => e.getBoundingClientRect();
            const h = document.querySelector('#headline h2');
            const li = document.querySelector('#headline ol li');
            const lead = document.querySelector('#headline .lead');
            return {scrollY: window.scrollY, lead: box(lead).bottom, heading: box(h).bottom,
                    item: box(li).bottom, inner: window.innerHeight,
                    firstSection: box(document.querySelector('h2#audit')).top};
        }"""
    )
    assert first_screen["scrollY"] == 0
    assert first_screen["lead"] < first_screen["heading"] < first_screen["item"] <= first_screen["inner"]
    assert first_screen["firstSection"] > first_screen["item"]  # the headline comes before the sections
    assert page.locator("#headline").is_visible()
    assert page.locator("#headline h2").inner_text() == "What to do first"
    page.screenshot(path=str(artifacts / "report-1366-first-screen.png"))

    layout = page.evaluate(NO_SIDEWAYS_SCROLL)
    assert layout["page"][0] <= layout["page"][1], layout
    assert layout["wide"] == [], layout
    for summary in page.locator("details.rule > summary").all():  # every rule open
        summary.click()
    layout = page.evaluate(NO_SIDEWAYS_SCROLL)
    assert layout["page"][0] <= layout["page"][1], layout
    assert layout["wide"] == [], layout
    assert LONG_NAME in page.inner_text("body")  # the long name is there, wrapped in its cells
    page.screenshot(path=str(artifacts / "report-1366-full.png"), full_page=True)


def test_a_rule_opens_on_a_click_without_script(page):
    closed = page.locator("details#rule-shared_phrase")
    assert closed.get_attribute("open") is None
    table = closed.locator("table")
    assert not table.is_visible()
    closed.locator("summary").click()
    assert table.is_visible()
    rows = table.locator("tbody tr").count()
    assert str(rows) == closed.locator("summary .count").inner_text()
    # the errors are open from the start
    assert page.locator("details#rule-forbidden_characters table").is_visible()


def test_print_shows_every_finding_and_hides_the_navigation(page, artifacts):
    screen_rows = page.locator("details.rule tbody tr").count()
    assert screen_rows > 0
    page.emulate_media(media="print")
    assert not page.locator("nav").is_visible()
    assert page.locator("details.rule").evaluate_all(
        "ds => ds.every(d => getComputedStyle(d).display === 'none')"
    )
    copies = page.locator(".print-only tbody tr")
    assert copies.count() == screen_rows
    assert all(copies.nth(i).is_visible() for i in (0, screen_rows // 2, screen_rows - 1))
    assert page.locator(".screen-only").evaluate_all(
        "es => es.every(e => getComputedStyle(e).display === 'none')"
    )
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
    page.screenshot(path=str(artifacts / "report-print.png"), full_page=True)
    pdf = page.pdf(path=str(artifacts / "report.pdf"), format="A4", print_background=True)
    assert pdf.startswith(b"%PDF")
