"""The Displays of trackerkit.plotting at artist level: what each keeps after plot(), that it
draws what it was given without recomputing it, and that the one linkage orders everything."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
import scipy.cluster.hierarchy
from matplotlib.colors import to_hex
from scipy.cluster.hierarchy import leaves_list

import trackerkit
from trackerkit import TrackerDataError
from trackerkit.analysis import TrackerMatrix, cluster_order, network_layout
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting import (
    OKABE_ITO,
    DendrogramDisplay,
    SimilarityDistributionDisplay,
    SimilarityHeatmapDisplay,
    SimilarityNetworkDisplay,
    TrackerComparisonDisplay,
    VocabularySizesDisplay,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def sample():
    return trackerkit.load_trackers("sample")


@pytest.fixture(scope="module")
def similarity(sample):
    return trackerkit.similarity_matrix(sample)


@pytest.fixture(scope="module")
def clustering(sample):
    return trackerkit.cluster_trackers(sample, threshold=0.25)


def small() -> pd.DataFrame:
    labels = ["a", "b", "c", "d"]
    values = np.array([[1, 0.8, 0.1, 0.0], [0.8, 1, 0.2, 0.05], [0.1, 0.2, 1, 0.6], [0.0, 0.05, 0.6, 1]])
    return pd.DataFrame(values, index=labels, columns=labels)


def no_linkage(monkeypatch) -> None:
    """Make any new linkage fail: what is drawn must come from a ready tree."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a linkage was computed again")

    monkeypatch.setattr(scipy.cluster.hierarchy, "linkage", forbidden)


# --------------------------------------------------------------------------- common


@pytest.mark.parametrize(
    "make",
    [
        lambda s, m, c: SimilarityHeatmapDisplay.from_result(m),
        lambda s, m, c: TrackerComparisonDisplay.from_trackers(s, "Cancellation Intent", "Churn Risk"),
        lambda s, m, c: DendrogramDisplay.from_result(c),
        lambda s, m, c: SimilarityNetworkDisplay.from_result(m),
        lambda s, m, c: VocabularySizesDisplay.from_trackers(s),
        lambda s, m, c: SimilarityDistributionDisplay.from_result(m, threshold=0.25),
    ],
    ids=["heatmap", "comparison", "dendrogram", "network", "sizes", "distribution"],
)
def test_every_display_draws_on_the_given_axes_or_outside_pyplot(make, sample, similarity, clustering):
    display = make(sample, similarity, clustering)
    assert "not drawn yet" in repr(display)
    fig, ax = plt.subplots()
    assert display.plot(ax=ax) is display  # plot returns the display, its artists kept
    assert display.ax_ is ax and display.figure_ is fig
    before = plt.get_fignums()
    again = make(sample, similarity, clustering).plot(pyplot=False)
    assert plt.get_fignums() == before  # a bare Figure: pyplot knows nothing of it
    assert again.figure_ is not fig and again.ax_.figure is again.figure_
    own = make(sample, similarity, clustering).plot()  # ax=None: a pyplot figure, for notebooks
    assert plt.fignum_exists(own.figure_.number)
    with pytest.raises(InvalidParameterError, match="ax must be a matplotlib Axes"):
        make(sample, similarity, clustering).plot(ax="left")


# --------------------------------------------------------------------------- heatmap


def test_a_jaccard_heatmap_is_labelled_jaccard(sample):
    keys = ["Pricing Inquiry", "Discount Request", "Cancellation Intent", "Churn Risk", "Greeting"]
    jaccard = trackerkit.overlap_matrix(sample, metric="jaccard", select=keys)
    display = SimilarityHeatmapDisplay.from_result(jaccard).plot()
    assert display.colorbar_.ax.get_ylabel() == "Jaccard index"
    counts = trackerkit.overlap_matrix(sample, metric="count", select=keys)
    assert SimilarityHeatmapDisplay.from_result(counts).plot().colorbar_.ax.get_ylabel() == "shared phrases"
    word = trackerkit.similarity_matrix(sample, analyzer="word", select=keys)
    label = SimilarityHeatmapDisplay.from_result(word).plot().colorbar_.ax.get_ylabel()
    assert label == "TF-IDF cosine similarity (word)"


def test_heatmap_artists():
    display = SimilarityHeatmapDisplay.from_result(small()).plot(vmax=1)
    order = display.order
    assert sorted(order) == ["a", "b", "c", "d"] and order == cluster_order(small())
    data = display.im_.get_array()
    np.testing.assert_allclose(data.data, small().loc[order, order].to_numpy())
    assert data.mask.diagonal().all() and display.im_.get_clim() == (0.0, 1.0)
    assert display.text_.shape == (4, 4)
    for (i, j), text in np.ndenumerate(display.text_):
        if i == j:
            assert text is None
        else:
            assert text.get_text() == f"{small().loc[order[i], order[j]]:.2f}"
            assert text.get_position() == (j, i)
    assert len(display.grid_) == 2 and all(len(g.get_segments()) == 3 for g in display.grid_)
    assert display.colorbar_ is display.im_.colorbar
    bare = SimilarityHeatmapDisplay.from_result(small(), cluster=False).plot(annot=False, cbar=False)
    assert bare.order == ["a", "b", "c", "d"] and bare.text_ is None and bare.colorbar_ is None


def test_heatmap_of_a_clustering_uses_its_ready_tree(clustering, similarity, monkeypatch):
    expected = [clustering.labels[i] for i in leaves_list(clustering.linkage)]
    no_linkage(monkeypatch)
    display = SimilarityHeatmapDisplay.from_result(clustering)
    assert display.order == expected
    assert display.matrix is clustering.similarity
    assert display.plot().colorbar_.ax.get_ylabel() == similarity.value_label


def test_heatmap_from_trackers_is_from_result_of_the_matrix(sample, similarity):
    a = SimilarityHeatmapDisplay.from_trackers(sample)
    b = SimilarityHeatmapDisplay.from_result(similarity)
    assert a.order == b.order
    pd.testing.assert_frame_equal(a.matrix.matrix, b.matrix.matrix)


def test_heatmap_rejects_an_order_that_is_not_the_matrix_labels():
    matrix = TrackerMatrix(small(), metric="similarity")
    with pytest.raises(InvalidParameterError, match="order must hold each label"):
        SimilarityHeatmapDisplay(matrix, ["a", "b", "c"])


# --------------------------------------------------------------------------- the one linkage


def test_heatmap_dendrogram_network_and_clustering_share_one_tree(similarity, clustering, sample):
    order = cluster_order(similarity)
    assert cluster_order(clustering) == order  # the clustering's tree: the same
    assert SimilarityHeatmapDisplay.from_result(similarity).order == order
    assert SimilarityHeatmapDisplay.from_result(clustering).order == order
    tree = DendrogramDisplay.from_result(clustering).plot()
    assert tree.dendrogram_["ivl"] == order
    from_matrix = DendrogramDisplay.from_result(similarity).plot()
    np.testing.assert_array_equal(from_matrix.linkage, clustering.linkage)
    # the clusters the dendrogram colours are the clustering's
    colour = {t.get_text(): to_hex(t.get_color()) for t in tree.ax_.get_yticklabels()}
    for _, members in clustering.table.groupby("cluster")["tracker"]:
        assert len({colour[name] for name in members}) == 1
    # each ring of the network lists its trackers in that order too
    nodes = network_layout(similarity, threshold=0.25).nodes
    for _, ring in nodes[nodes["group"] >= 0].groupby("group"):
        members = list(ring.index)
        assert sorted(members, key=order.index)[0] == members[0]


# --------------------------------------------------------------------------- comparison


def test_comparison_artists_and_no_recomputing(sample, monkeypatch):
    result = trackerkit.compare_trackers(sample, "Cancellation Intent", "Churn Risk")
    import trackerkit.plotting._comparison as module

    monkeypatch.setattr(module, "compare_trackers", None)  # from_result must not need it
    display = TrackerComparisonDisplay.from_result(result).plot()
    assert display.comparison is result
    table = result.table
    for status, kind in [("shared", "shared"), ("near-duplicate", "near-duplicate")]:
        rows = table[table["status"] == status]
        assert [t.get_text() for t in display.texts_[f"{kind}-a"]] == rows["phrase_a"].tolist()
        assert [t.get_text() for t in display.texts_[f"{kind}-b"]] == rows["phrase_b"].tolist()
    only_b = table.loc[table["status"] == "unique to b", "phrase_b"].tolist()
    assert [t.get_text() for t in display.texts_["unique-b"]] == only_b
    assert [t.get_text() for t in display.texts_["header-a"]] == ["Cancellation Intent (22 phrases)"]
    assert all(t.get_gid() == "comparison-shared-a" for t in display.texts_["shared-a"])
    assert {k: to_hex(b.get_facecolor()) for k, b in display.bands_.items()} == {
        "shared": OKABE_ITO[0].lower(),
        "near-duplicate": OKABE_ITO[3].lower(),
    }
    # rows face each other: a shared pair sits on one line
    ys = [t.get_position()[1] for t in display.texts_["shared-a"]]
    assert ys == [t.get_position()[1] for t in display.texts_["shared-b"]]
    with pytest.raises(InvalidParameterError, match="TrackerComparison"):
        TrackerComparisonDisplay(table)


# --------------------------------------------------------------------------- dendrogram


def test_dendrogram_artists(clustering, monkeypatch):
    no_linkage(monkeypatch)
    display = DendrogramDisplay.from_result(clustering).plot()
    n = len(clustering.labels)
    assert len(display.links_.get_segments()) == n - 1 == len(display.dendrogram_["icoord"])
    assert display.threshold_line_.get_xdata()[0] == clustering.threshold == 0.25
    assert display.method == clustering.method
    assert len({to_hex(c) for c in display.links_.get_colors()}) > 2  # clusters in colour, the rest grey
    plain = DendrogramDisplay(clustering.linkage, clustering.labels).plot()
    assert plain.threshold_line_ is None
    assert len({to_hex(c) for c in plain.links_.get_colors()}) == 1


def test_dendrogram_from_trackers_without_threshold_is_monochrome(sample):
    display = DendrogramDisplay.from_trackers(sample).plot()
    assert display.threshold is None and display.threshold_line_ is None
    coloured = DendrogramDisplay.from_trackers(sample, threshold=0.25)
    np.testing.assert_array_equal(coloured.linkage, display.linkage)


def test_a_computed_linkage_would_be_caught(similarity, monkeypatch):
    no_linkage(monkeypatch)
    with pytest.raises(AssertionError, match="a linkage was computed again"):
        DendrogramDisplay.from_result(similarity)  # a matrix: its tree has to be computed


def test_dendrogram_checks_its_data(clustering):
    with pytest.raises(InvalidParameterError, match="linkage must be scipy's linkage matrix"):
        DendrogramDisplay(clustering.linkage[:-1], clustering.labels)
    with pytest.raises(TrackerDataError, match="at least 2 trackers, got 1"):
        DendrogramDisplay(np.zeros((0, 4)), ["alone"])


# --------------------------------------------------------------------------- network


def test_network_artists_follow_the_layout(similarity):
    layout = network_layout(similarity, threshold=0.25)
    display = SimilarityNetworkDisplay(layout).plot()
    linked = layout.nodes[layout.nodes["group"] >= 0]
    np.testing.assert_allclose(display.nodes_.get_offsets(), linked[["x", "y"]].to_numpy())
    assert len(display.edges_.get_segments()) == len(layout.edges)
    assert [t.get_text() for t in display.labels_] == list(linked.index)
    assert len(display.isolated_.get_offsets()) == layout.n_isolated
    assert 0 < len(display.edge_labels_) <= len(layout.edges)
    quiet = SimilarityNetworkDisplay(layout).plot(annot=False)
    assert quiet.edge_labels_ == []
    omitted = SimilarityNetworkDisplay.from_result(similarity, threshold=0.25, isolated="omit").plot()
    assert omitted.isolated_ is None and omitted.layout.n_isolated == layout.n_isolated
    with pytest.raises(InvalidParameterError, match="layout must be a NetworkLayout"):
        SimilarityNetworkDisplay(layout.nodes)


# --------------------------------------------------------------------------- vocabulary sizes


def test_vocabulary_sizes_artists(sample):
    display = VocabularySizesDisplay.from_trackers(sample).plot()
    assert [b.get_width() for b in display.bars_] == sorted(sample["n_phrases"], reverse=True)
    assert [line.get_xdata()[0] for line in display.limit_lines_] == [5, 50]
    assert display.legend_.get_texts()[0].get_text() == "Symbl: 5–50 phrases"
    sizes = pd.Series([3, 7, 7, 60], index=["b", "a", "B", "z"])
    display = VocabularySizesDisplay.from_result(sizes, sort="size", limits=(4, 40)).plot()
    assert display.names == ["z", "a", "B", "b"]
    assert [to_hex(b.get_facecolor()) for b in display.bars_] == [
        OKABE_ITO[4].lower(),
        OKABE_ITO[0].lower(),
        OKABE_ITO[0].lower(),
        OKABE_ITO[3].lower(),
    ]
    assert VocabularySizesDisplay.from_result(sizes, sort=None).names == ["b", "a", "B", "z"]
    with pytest.raises(InvalidParameterError, match="limits must be"):
        VocabularySizesDisplay(["a"], [1], limits=(5, 5))
    with pytest.raises(InvalidParameterError, match="sizes must be a Series"):
        VocabularySizesDisplay.from_result([1, 2])


# --------------------------------------------------------------------------- distribution


def test_distribution_artists(similarity):
    display = SimilarityDistributionDisplay.from_result(similarity, threshold=0.25).plot()
    n = len(similarity)
    assert sum(b.get_height() for b in display.patches_) == n * (n - 1) // 2
    assert display.threshold_line_.get_xdata()[0] == 0.25
    assert display.ax_.get_xlabel() == f"{similarity.value_label}, {n * (n - 1) // 2} pairs of trackers"
    above = [b for b in display.patches_ if b.get_x() >= 0.25]
    assert {to_hex(b.get_facecolor()) for b in above} == {OKABE_ITO[1].lower()}
    n_above = int((display.scores >= 0.25).sum())
    assert display.legend_.get_texts()[1].get_text() == f"≥ 0.25 ({n_above})"
    empty = SimilarityDistributionDisplay([]).plot()
    assert empty.patches_ is None and empty.threshold_line_ is None
    with pytest.raises(InvalidParameterError, match="threshold"):
        SimilarityDistributionDisplay([0.1, 0.5], threshold=2)
    counts = SimilarityDistributionDisplay([1, 4, 9], threshold=5)  # not in [0, 1]: any number
    assert counts.threshold == 5


def test_distribution_from_trackers_is_from_result_of_the_matrix(sample, similarity):
    a = SimilarityDistributionDisplay.from_trackers(sample, threshold=0.25)
    b = SimilarityDistributionDisplay.from_result(similarity, threshold=0.25)
    np.testing.assert_array_equal(a.scores, b.scores)
    assert a.xlabel == b.xlabel


def test_a_confusion_draws_as_a_heatmap_of_counts():
    account = [
        {"id": "1", "name": "Refund", "vocabulary": ["a refund", "refund please", "refund it"]},
        {"id": "2", "name": "Greeting", "vocabulary": ["hello there", "hello you", "hello again"]},
    ]
    result = trackerkit.confusion(account, folds=None)
    display = SimilarityHeatmapDisplay.from_result(result, cluster=False).plot()
    assert display.colorbar_.ax.get_ylabel() == "phrases matched"
    assert {t.get_text() for t in display.text_.ravel() if t is not None} == {"0"}


@pytest.mark.parametrize("package", ["trackerkit.analysis", "trackerkit.plotting", "trackerkit.widgets"])
def test_every_public_name_resolves(package):
    import importlib

    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, name
    assert set(module.__all__) <= set(dir(module))
