"""Displays of the hit analytics (issue 15): what each Axes holds, and clear errors."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import trackerkit
from trackerkit.analysis import (
    co_occurrence,
    compare_versions,
    hit_rates,
    hits_by_period,
    phrase_hits,
    precision,
)
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting import (
    OKABE_ITO,
    CoOccurrenceDisplay,
    HitRatesDisplay,
    HitTrendDisplay,
    PhraseHitsDisplay,
    PrecisionDisplay,
    VocabularyChangeDisplay,
    plot_co_occurrence,
    plot_hit_rates,
    plot_hit_trend,
    plot_phrase_hits,
    plot_precision,
    plot_vocabulary_change,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def hits():
    return trackerkit.load_tracker_results("sample")


@pytest.fixture(scope="module")
def messages():
    return trackerkit.load_conversations("sample")


def test_hit_rates_bars_stack_literal_and_meaning(hits, messages):
    result = hit_rates(hits, messages, "sample")
    display = HitRatesDisplay.from_result(result).plot()
    names = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert names[0] == "Greeting" and names[-2:] == ["Promotion Mention", "Voice Message"]
    row = names.index("Decision Maker")
    assert display.literal_bars_[row].get_width() == 0
    assert display.meaning_bars_[row].get_width() == pytest.approx(18 / 120)
    budget = names.index("Budget Concerns")
    assert display.meaning_bars_[budget].get_x() == pytest.approx(9 / 112)  # stacked after literal
    assert to_hex(display.literal_bars_[0].get_facecolor()) == OKABE_ITO[0].lower()
    assert to_hex(display.meaning_bars_[0].get_facecolor()) == OKABE_ITO[1].lower()
    assert sorted(display.silent_markers_.get_ydata()) == [46, 47]
    assert "93/112" in [t.get_text() for t in display.ax_.texts]
    ax = plot_hit_rates(hits, messages, "sample", sort="name")
    assert ax.get_yticklabels()[0].get_text() == "Account Setup"


def test_phrase_hits_marks_dead_phrases(hits):
    display = PhraseHitsDisplay.from_result(phrase_hits(hits, "sample"), "Customer Frustration").plot()
    assert len(display.literal_bars_) == 26
    assert len(display.dead_markers_.get_ydata()) == 13
    labels = display.ax_.get_yticklabels()
    dead = {int(y) for y in display.dead_markers_.get_ydata()}
    assert all((t.get_fontstyle() == "italic") == (i in dead) for i, t in enumerate(labels))
    assert display.ax_.get_title() == "Customer Frustration: 13 of 26 phrases dead"
    totals = [a.get_width() + b.get_width() for a, b in zip(display.literal_bars_, display.meaning_bars_)]
    assert totals == sorted(totals, reverse=True)  # most hits first
    with pytest.raises(InvalidParameterError):
        plot_phrase_hits(hits, "sample", "No Such Tracker")


def test_co_occurrence_heatmap_blanks_the_diagonal(hits, messages):
    result = co_occurrence(hits, messages, "sample")
    display = CoOccurrenceDisplay.from_result(result, metric="count").plot()
    array = display.im_.get_array()
    assert array.shape == (46, 46) and np.ma.is_masked(array[0, 0])
    names = [t.get_text() for t in display.ax_.get_yticklabels()]
    i, j = names.index("Pricing Inquiry"), names.index("Discount Request")
    assert array[i, j] == 15
    assert display.colorbar_.ax.get_ylabel() == "conversations with both"
    ax = plot_co_occurrence(hits, messages, metric="lift")
    assert ax.images[0].get_clim()[0] == 0
    with pytest.raises(InvalidParameterError):
        CoOccurrenceDisplay.from_result(result, metric="cosine")


def test_trend_lines_one_per_tracker(hits, messages):
    trend = hits_by_period(hits, messages, "sample")
    display = HitTrendDisplay.from_result(trend, ["Competitor Mention", "Outage / Downtime"]).plot()
    ys = display.lines_["Outage / Downtime"].get_ydata()
    assert len(ys) == 10 and max(ys) == pytest.approx(6 / 13)
    colours = {to_hex(line.get_color()) for line in display.lines_.values()}
    markers = {line.get_marker() for line in display.lines_.values()}
    assert len(colours) == 2 and len(markers) == 2
    default = HitTrendDisplay.from_result(trend, k=3)
    assert len(default.trackers) == 3
    assert len(plot_hit_trend(hits, messages, select=["Greeting"]).lines) == 1
    with pytest.raises(InvalidParameterError):
        HitTrendDisplay.from_result(trend, ["nope"])


def test_precision_dots_and_intervals():
    labels = pd.DataFrame(
        {
            "hit_key": list("abcdef"),
            "label": ["right", "right", "wrong", "right", "wrong", "wrong"],
            "tracker_id": ["1", "1", "1", "2", "2", "2"],
            "tracker": ["A", "A", "A", "B", "B", "B"],
            "match": ["literal", "literal", "literal", "literal", "meaning", "meaning"],
        }
    )
    display = PrecisionDisplay.from_result(precision(labels)).plot()
    literal = display.errorbars_["literal"]
    dots = literal.lines[0]
    assert list(dots.get_xdata()) == pytest.approx([2 / 3, 1.0])
    assert set(display.errorbars_) == {"literal", "meaning"}
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["A", "B"]
    ax = plot_precision(labels, kinds=["any"])
    assert ax.get_xlim() == pytest.approx((-0.02, 1.02))


def test_vocabulary_change_bars(messages):
    account = trackerkit.load_trackers("sample")
    edited = account.copy()
    row = int((edited["name"] == "Greeting").to_numpy().argmax())
    edited.at[row, "vocabulary"] = list(edited.at[row, "vocabulary"])[:3]
    change = compare_versions(account, edited, messages)
    display = VocabularyChangeDisplay.from_result(change).plot()
    assert [t.get_text() for t in display.ax_.get_yticklabels()] == ["Greeting"]
    lost = int(change.trackers.set_index("tracker").loc["Greeting", "lost"])
    assert lost > 0 and display.lost_bars_[0].get_width() == -lost
    assert plot_vocabulary_change(change).get_xlabel().startswith("messages the tracker fires in")


def test_readable_with_150_trackers():
    names = [f"tracker {i:03d}" for i in range(150)]
    table = pd.DataFrame(
        {
            "tracker_id": names,
            "tracker": names,
            "conversations_in_scope": 100,
            "conversations_hit": np.arange(150) % 50,
            "literal_rate": (np.arange(150) % 50) / 200,
            "meaning_only_rate": 0.01,
            "hits": np.arange(150) % 50,
        }
    )
    display = HitRatesDisplay(table).plot(pyplot=False)
    sizes = {t.get_fontsize() for t in display.ax_.get_yticklabels()}
    assert min(sizes) >= 4
    assert display.figure_.get_size_inches()[1] <= 30
