"""build_report: leaves the user's matplotlib alone, computes each result once, and says what
it was asked (title, threshold). The browser checks are in tests/browser/test_report_browser.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import trackerkit
from trackerkit.errors import InvalidParameterError
from trackerkit.report import build_report


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
    assert "Similarity between trackers (TF-IDF, word)" in html


def test_the_title_and_threshold_are_arguments():
    html = build_report("sample")
    assert "<title>Tracker report</title>" in html and "<h1>Tracker report</h1>" in html
    html = build_report("sample", title="Acme <support>", threshold=0.4)
    assert "<title>Acme &lt;support&gt;</title>" in html
    assert "<h3>Pairs above 0.40</h3>" in html
    pairs = trackerkit.tracker_pairs(trackerkit.similarity_matrix("sample"), threshold=0.4)
    assert f"{pairs['tracker_a'].iloc[0]}</td>" in html
    with pytest.raises(InvalidParameterError, match="threshold must be in"):
        build_report("sample", threshold=1.5)
    with pytest.raises(TypeError):  # the old name is gone
        build_report("sample", pair_threshold=0.3)
