"""plot_changes / ChangesDisplay: what changed per tracker."""

from __future__ import annotations

import pytest

from trackerkit.changes import diff_accounts
from trackerkit.errors import TrackerDataError
from trackerkit.plotting import ChangesDisplay, close_figure, plot_changes

FIVE = ["one", "two", "three", "four", "five"]


def test_bars_count_each_kind_per_tracker_most_changed_on_top():
    before = [
        {"id": "1", "name": "b small", "vocabulary": FIVE},
        {"id": "2", "name": "A big", "vocabulary": FIVE},
        {"id": "3", "name": "$gone$", "vocabulary": FIVE},
    ]
    after = [
        {"id": "1", "name": "b small", "vocabulary": [*FIVE, "six"]},
        {"id": "2", "name": "A big", "vocabulary": ["on", "two", "seven", "eight"]},
    ]
    display = ChangesDisplay.from_result(diff_accounts(before, after)).plot(pyplot=False)
    counts = display.counts
    assert list(counts.index) == ["A big", "$gone$", "b small"]  # 6 changes, then 1 and 1 by name
    assert counts.loc["A big"].to_dict() == {
        "phrase added": 2,
        "phrase edited": 1,
        "phrase removed": 3,
        "tracker removed": 0,
    }
    assert [b.get_width() for b in display.bars_["phrase added"]] == [2, 0, 1]
    labels = [t.get_text() for t in display.ax_.get_yticklabels()]
    assert labels[1] != "$gone$"  # escaped: matplotlib must not read it as mathtext
    close_figure(display.figure_)


def test_no_change_is_an_error_and_plot_changes_returns_axes():
    same = [{"id": "1", "name": "A", "vocabulary": FIVE}]
    with pytest.raises(TrackerDataError):
        ChangesDisplay.from_result(diff_accounts(same, same))
    ax = plot_changes(diff_accounts(same, [{"id": "1", "name": "B", "vocabulary": FIVE}]))
    assert [t.get_text() for t in ax.get_yticklabels()] == ["B"]
    close_figure(ax.figure)
