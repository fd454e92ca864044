"""trackerkit.plotting: what each Axes holds, the pure helpers behind it, and clear errors."""

from __future__ import annotations

import io
import itertools
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex

import trackerkit
from trackerkit import TrackerDataError, load_trackers
from trackerkit.analysis import TrackerMatrix, cluster_order, network_edges, network_layout, pair_scores
from trackerkit.errors import InvalidParameterError
from trackerkit.plotting import (
    OKABE_ITO,
    escape_label,
    plot_dendrogram,
    plot_similarity_distribution,
    plot_similarity_heatmap,
    plot_similarity_network,
    plot_tracker_comparison,
    plot_vocabulary_sizes,
    truncate_label,
)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def planted(n: int = 9, blocks=((1, 4, 7), (0, 5)), labels=None) -> pd.DataFrame:
    """A similarity matrix with redundant blocks planted among unrelated trackers."""
    rng = np.random.default_rng(3)
    values = rng.uniform(0.0, 0.1, size=(n, n))
    values = (values + values.T) / 2
    for strength, block in zip((0.8, 0.6, 0.7), blocks):
        for i in block:
            for j in block:
                values[i, j] = strength
    np.fill_diagonal(values, 1.0)
    labels = labels or [f"T{i}" for i in range(n)]
    return pd.DataFrame(values, index=labels, columns=labels)


def tick_texts(labels) -> list[str]:
    return [t.get_text() for t in labels]


def png_bytes(ax) -> bytes:
    buffer = io.BytesIO()
    ax.figure.savefig(buffer, format="png", dpi=60, metadata={"Software": None})
    return buffer.getvalue()


# ----------------------------------------------------------------------------- helpers


def test_truncate_label_adds_an_ellipsis_only_when_cut():
    assert truncate_label("Short", 10) == "Short"
    assert truncate_label("Technical Issue / Bug Report", 12) == "Technical I…"
    assert len(truncate_label("x" * 100, 30)) == 30
    assert truncate_label("  many   spaces ", 30) == "many spaces"


def test_escape_label_turns_dollars_literal():
    assert escape_label("Cost $5 / $10") == r"Cost \$5 / \$10"
    # matplotlib then draws the text as it is, without mathtext
    text = plt.figure().text(0, 0, escape_label("Cost $5 / $10"))
    assert text._preprocess_math(text.get_text()) == ("Cost $5 / $10", False)


def test_cluster_order_puts_a_planted_block_together():
    matrix = planted()
    order = cluster_order(matrix)
    assert sorted(order) == sorted(matrix.index)
    for block in (["T1", "T4", "T7"], ["T0", "T5"]):
        positions = sorted(order.index(label) for label in block)
        assert positions == list(range(positions[0], positions[0] + len(block))), order
    # the same for any input order of the trackers, and deterministic
    shuffled = matrix.iloc[::-1, ::-1]
    order2 = cluster_order(shuffled)
    positions = sorted(order2.index(label) for label in ["T1", "T4", "T7"])
    assert positions == list(range(positions[0], positions[0] + 3))
    assert cluster_order(matrix) == order


def test_pair_scores_from_matrix_pairs_and_sequences():
    matrix = planted(4, blocks=((0, 1),))
    assert len(pair_scores(matrix)) == 6
    assert pair_scores(matrix)[0] == pytest.approx(0.8)  # (T0, T1), upper triangle first
    pairs = pd.DataFrame({"a": ["x", "y"], "b": ["y", "z"], "score": [0.2, 0.9], "cosine": [0.1, 0.3]})
    assert pair_scores(pairs).tolist() == [0.2, 0.9]
    assert pair_scores(pairs, column="cosine").tolist() == [0.1, 0.3]
    assert pair_scores([0.1, 0.5]).tolist() == [0.1, 0.5]
    with pytest.raises(InvalidParameterError, match=r"no column 'jaccard'.*'score', 'cosine'"):
        pair_scores(pairs, column="jaccard")
    with pytest.raises(InvalidParameterError, match="pass column="):
        pair_scores(pairs.drop(columns="score"))
    with pytest.raises(InvalidParameterError, match="NaN"):
        pair_scores(pd.DataFrame({"score": [0.1, np.nan]}))


def test_network_edges_and_layout_follow_the_threshold():
    matrix = planted()
    edges = network_edges(matrix, threshold=0.5)
    # block of 3 -> 3 edges, block of 2 -> 1 edge
    assert len(edges) == 4
    assert edges["score"].is_monotonic_decreasing
    assert set(edges.columns) == {"source", "target", "score"}
    result = network_layout(matrix, threshold=0.5)
    pd.testing.assert_frame_equal(result.edges, edges)
    assert (result.threshold, result.n_isolated, result.max_label_chars) == (0.5, 4, 30)
    layout = result.nodes
    assert len(layout) == 9
    groups = layout.groupby("group").size().to_dict()
    assert groups == {-1: 4, 0: 3, 1: 2}  # largest group first, then trackers without edges
    assert set(layout.index[layout["group"] == 0]) == {"T1", "T4", "T7"}
    assert layout.loc["T1", "degree"] == 2
    omitted = network_layout(matrix, threshold=0.5, isolated="omit")
    assert set(omitted.nodes.index) == {"T0", "T1", "T4", "T5", "T7"} and omitted.n_isolated == 4
    # deterministic, and no two nodes on top of each other
    pd.testing.assert_frame_equal(layout, network_layout(matrix, threshold=0.5).nodes)
    xy = layout[["x", "y"]].to_numpy()
    distances = np.linalg.norm(xy[:, None] - xy[None], axis=-1) + np.eye(len(xy)) * 9
    assert distances.min() > 0.15
    x0, y0, x1, y1 = result.extent
    assert x0 <= xy[:, 0].min() and xy[:, 0].max() <= x1 and y0 <= xy[:, 1].min() and xy[:, 1].max() <= y1


def test_network_groups_do_not_overlap():
    # 30 trackers in 6 groups of 5: each ring's nodes stay inside its own region
    blocks = tuple(tuple(range(i, i + 5)) for i in range(0, 30, 5))
    matrix = planted(30, blocks=blocks)
    layout = network_layout(matrix, threshold=0.5).nodes
    boxes = layout.groupby("group").agg(x0=("x", "min"), x1=("x", "max"), y0=("y", "min"), y1=("y", "max"))
    for g in boxes.index:
        for h in boxes.index:
            if g < h:
                a, b = boxes.loc[g], boxes.loc[h]
                apart = a.x1 < b.x0 or b.x1 < a.x0 or a.y1 < b.y0 or b.y1 < a.y0
                assert apart, (g, h)


# ----------------------------------------------------------------------------- heatmap


def test_heatmap_draws_on_the_given_axes_in_cluster_order():
    matrix = planted()
    fig, ax = plt.subplots()
    out = plot_similarity_heatmap(matrix, ax=ax)
    assert out is ax
    order = cluster_order(matrix)
    assert tick_texts(ax.get_yticklabels()) == order
    assert tick_texts(ax.get_xticklabels()) == order
    image = ax.images[0]
    data = image.get_array()
    assert data.shape == (9, 9)
    assert data.mask.diagonal().all() and data.mask.sum() == 9  # the diagonal, masked
    expected = matrix.loc[order, order].to_numpy()
    np.testing.assert_allclose(data.data, expected)
    # small matrix: every off-diagonal cell annotated
    assert len(ax.texts) == 9 * 8
    assert {t.get_text() for t in ax.texts} >= {"0.80", "0.60"}
    # a colour bar, labelled, on 0..max off-diagonal rounded up
    assert image.colorbar is not None
    assert image.colorbar.ax.get_ylabel() == "similarity"
    assert image.get_clim() == (0.0, 0.8)
    assert image.get_cmap().name.startswith("viridis")


def test_heatmap_options():
    matrix = planted()
    ax = plot_similarity_heatmap(matrix, cluster=False, annot=False, cbar=False, vmax=1, cmap="cividis")
    assert tick_texts(ax.get_yticklabels()) == list(matrix.index)
    assert len(ax.texts) == 0
    assert ax.images[0].colorbar is None
    assert ax.images[0].get_clim() == (0.0, 1.0)
    # a count matrix keeps its scale; the metric names the colour bar
    counts = TrackerMatrix((matrix * 10).round(), metric="count")
    ax = plot_similarity_heatmap(counts, annot=False)
    assert ax.images[0].get_clim() == (0.0, 8.0)
    assert ax.images[0].colorbar.ax.get_ylabel() == "shared phrases"
    # a new figure when ax is None
    assert plot_similarity_heatmap(matrix).figure is not ax.figure


def test_heatmap_labels_readable_at_150_trackers():
    names = [f"Tracker number {i} with a rather long descriptive name" for i in range(150)]
    matrix = planted(150, labels=names)
    ax = plot_similarity_heatmap(matrix)
    assert len(ax.texts) == 0  # no annotations on a large matrix
    labels = ax.get_yticklabels()
    assert len(labels) == 150
    assert all(t.get_fontsize() >= 4 for t in labels)
    assert all(len(t.get_text()) <= 30 and t.get_text().endswith("…") for t in labels)
    assert all(t.get_rotation() == 90 for t in ax.get_xticklabels())
    # a small Axes cannot hold 150 labels at 4 pt: every k-th is written, none smaller
    fig, small = plt.subplots(figsize=(4, 4))
    plot_similarity_heatmap(matrix, ax=small, cbar=False)
    labels = small.get_yticklabels()
    assert 20 < len(labels) < 150
    assert all(t.get_fontsize() >= 4 for t in labels)


def test_heatmap_renders_dollar_names_literally():
    matrix = planted(3, blocks=((0, 1),), labels=["Cost $5 / $10", "Price $$", "Plain"])
    ax = plot_similarity_heatmap(matrix, cluster=False)
    ax.figure.canvas.draw()  # mathtext would raise or eat the dollars
    label = ax.get_yticklabels()[0]
    assert label.get_text() == r"Cost \$5 / \$10"
    assert label._preprocess_math(label.get_text()) == ("Cost $5 / $10", False)


@pytest.mark.parametrize(
    ("matrix", "message"),
    [
        (pd.DataFrame(np.eye(3)[:2], index=list("ab"), columns=list("abc")), "must be square.*2 rows x 3"),
        (pd.DataFrame(np.eye(3)), "unlabelled"),
        (pd.DataFrame(np.eye(2), index=list("ab"), columns=list("ax")), "same labels.*'b', 'x'"),
        (pd.DataFrame([[1, np.nan], [0.1, 1]], index=list("ab"), columns=list("ab")), "NaN"),
        (pd.DataFrame([[1, "x"], [0.1, 1]], index=list("ab"), columns=list("ab")), "numbers"),
        (np.eye(3), "must be a square DataFrame.*ndarray"),
    ],
)
def test_heatmap_rejects_bad_matrices(matrix, message):
    with pytest.raises(InvalidParameterError, match=message) as info:
        plot_similarity_heatmap(matrix)
    assert "matrix" in str(info.value)
    assert isinstance(info.value, ValueError)


def test_heatmap_rejects_bad_options():
    with pytest.raises(ValueError, match="cmap must be"):
        plot_similarity_heatmap(planted(), cmap="no-such-map")
    with pytest.raises(ValueError, match="vmax must be larger than vmin"):
        plot_similarity_heatmap(planted(), vmin=0.5, vmax=0.5)
    with pytest.raises(ValueError, match="method must be one of"):
        plot_similarity_heatmap(planted(), method="ward")
    with pytest.raises(ValueError, match="max_label_chars"):
        plot_similarity_heatmap(planted(), max_label_chars=1)
    with pytest.raises(InvalidParameterError, match="at least 1 tracker, got 0"):
        plot_similarity_heatmap(pd.DataFrame())
    with pytest.raises(TypeError):  # options are keyword-only
        plot_similarity_heatmap(planted(), None)


def test_heatmap_accepts_columns_in_another_order():
    matrix = planted(4, blocks=((0, 1),))
    ax = plot_similarity_heatmap(matrix[["T3", "T1", "T0", "T2"]], cluster=False)
    np.testing.assert_allclose(ax.images[0].get_array().data, matrix.to_numpy())


def test_heatmap_of_overlap_matrices():
    keys = ["Pricing Inquiry", "Cancellation Intent", "Discount Request", "Churn Risk", "Greeting"]
    counts = trackerkit.overlap_matrix("sample", metric="count", select=keys)
    ax = plot_similarity_heatmap(counts)
    assert {t.get_text() for t in ax.texts} == {"0", "1", "2"}  # integers, not 2.00
    bar = ax.images[0].colorbar
    assert bar.ax.get_ylabel() == "shared phrases"
    ax.figure.canvas.draw()
    assert all(float(t.get_text()).is_integer() for t in bar.ax.get_yticklabels())
    order = tick_texts(ax.get_yticklabels())
    # trackers that share phrases sit next to each other
    assert abs(order.index("Cancellation Intent") - order.index("Churn Risk")) == 1
    assert abs(order.index("Pricing Inquiry") - order.index("Discount Request")) == 1
    # containment is not symmetric: drawn as it is, clustered on its symmetric part
    containment = trackerkit.overlap_matrix("sample", metric="containment", select=keys)
    ax = plot_similarity_heatmap(containment, cluster=False)
    np.testing.assert_allclose(
        np.ma.filled(ax.images[0].get_array(), 0), containment.matrix.to_numpy() * (1 - np.eye(5))
    )


# ----------------------------------------------------------------------------- vocabulary sizes


def test_vocabulary_sizes_on_the_sample():
    trackers = load_trackers("sample")
    fig, ax = plt.subplots()
    assert plot_vocabulary_sizes(trackers, ax=ax) is ax
    bars = ax.containers[0]
    assert len(bars) == 48
    widths = [bar.get_width() for bar in bars]
    assert widths == sorted(trackers["n_phrases"], reverse=True)
    names = tick_texts(ax.get_yticklabels())
    assert names[0] == "Technical Issue / Bug Report" and names[-1] == "Promotion Mention"
    assert sorted(line.get_xdata()[0] for line in ax.lines) == [5, 50]
    # Promotion Mention (4 phrases) is below Symbl's range: vermillion; the others blue
    assert to_hex(bars[-1].get_facecolor()) == OKABE_ITO[3].lower()
    assert to_hex(bars[0].get_facecolor()) == OKABE_ITO[0].lower()
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["Symbl: 5–50 phrases", "in range (47)", "fewer than 5 (1)"]
    assert ax.get_xlim()[1] > 50


def test_vocabulary_sizes_sorting_and_many_trackers():
    payload = [
        {"id": str(i), "name": f"T{i:03d} " + "x" * 50, "vocabulary": ["p"] * (i % 60)} for i in range(150)
    ]
    ax = plot_vocabulary_sizes(payload, sort="name")
    labels = ax.get_yticklabels()
    assert len(ax.containers[0]) == 150
    assert all(t.get_fontsize() >= 4 for t in labels)
    assert labels[0].get_text().startswith("T000") and labels[0].get_text().endswith("…")
    colours = {to_hex(bar.get_facecolor()) for bar in ax.containers[0]}
    assert colours == {OKABE_ITO[0].lower(), OKABE_ITO[3].lower(), OKABE_ITO[4].lower()}
    ax = plot_vocabulary_sizes(payload, sort=None)
    assert [bar.get_width() for bar in ax.containers[0]][:3] == [0, 1, 2]


def test_vocabulary_sizes_errors():
    with pytest.raises(TrackerDataError, match="trackers is empty"):
        plot_vocabulary_sizes([])
    with pytest.raises(ValueError, match="sort must be"):
        plot_vocabulary_sizes("sample", sort="colour")
    with pytest.raises(TrackerDataError, match="not a trackers frame"):
        plot_vocabulary_sizes(pd.DataFrame({"name": ["a"]}))


# ----------------------------------------------------------------------------- distribution


def test_distribution_of_a_matrix_with_threshold():
    matrix = planted()
    fig, ax = plt.subplots()
    assert plot_similarity_distribution(matrix, threshold=0.5, ax=ax) is ax
    bars = ax.containers[0]
    assert sum(bar.get_height() for bar in bars) == 36  # 9 * 8 / 2 pairs
    assert [line.get_xdata()[0] for line in ax.lines] == [0.5]
    above = [bar for bar in bars if bar.get_x() >= 0.5]
    below = [bar for bar in bars if bar.get_x() < 0.5]
    assert sum(bar.get_height() for bar in above) == 4  # the planted pairs
    assert {to_hex(bar.get_facecolor()) for bar in above} == {OKABE_ITO[1].lower()}
    assert {to_hex(bar.get_facecolor()) for bar in below} == {OKABE_ITO[0].lower()}
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["below 0.5 (32)", "≥ 0.5 (4)"]
    assert ax.get_yscale() == "linear"  # bins of 1 to 9 pairs: no need for a log scale


def test_distribution_log_scale_when_the_tail_would_vanish():
    matrix = planted(60)  # 1770 pairs: ~440 in each bin near 0, 3 at 0.8
    ax = plot_similarity_distribution(matrix, threshold=0.5)
    assert ax.get_yscale() == "log"
    assert ax.get_ylabel() == "pairs (log scale)"
    assert plot_similarity_distribution(matrix, threshold=0.5, log=False).get_yscale() == "linear"


def test_distribution_of_a_pairs_frame_and_a_named_column():
    pairs = pd.DataFrame({"score": [0.41, 0.45, 0.5, 0.55, 0.9], "cosine": [0.1, 0.2, 0.3, 0.3, 0.3]})
    ax = plot_similarity_distribution(pairs)
    assert sum(bar.get_height() for bar in ax.containers[0]) == 5
    assert len(ax.lines) == 0 and ax.get_legend() is None
    assert ax.get_yscale() == "linear"
    assert "score, 5 pairs" in ax.get_xlabel()
    ax = plot_similarity_distribution(pairs, column="cosine", threshold=0.25)
    assert "cosine" in ax.get_xlabel()
    heights = {round(bar.get_x(), 3): bar.get_height() for bar in ax.containers[0] if bar.get_height()}
    assert heights == {0.1: 1, 0.2: 1, 0.3: 3}  # a score equal to an edge goes above it
    ax = plot_similarity_distribution(pairs, threshold=0.42)
    edges = {round(bar.get_x(), 3): round(bar.get_width(), 3) for bar in ax.containers[0]}
    assert edges[0.4] == 0.02 and edges[0.42] == 0.005  # the threshold is a bin edge
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["below 0.42 (1)", "≥ 0.42 (4)"]
    empty = plot_similarity_distribution(pairs.iloc[:0])
    assert [t.get_text() for t in empty.texts] == ["no pairs"]


def test_distribution_of_similar_phrases():
    pairs = trackerkit.similar_phrases("sample", threshold=0.6)
    ax = plot_similarity_distribution(pairs, threshold=0.8)
    assert sum(bar.get_height() for bar in ax.containers[0]) == len(pairs)
    n_above = int((pairs["score"] >= 0.8).sum())
    assert ax.get_legend().get_texts()[1].get_text() == f"≥ 0.8 ({n_above})"
    ax = plot_similarity_distribution(pairs, column="cosine")
    assert sum(bar.get_height() for bar in ax.containers[0]) == len(pairs)


@pytest.mark.parametrize("threshold", [-0.1, 1.5, "0.5", True, float("nan")])
def test_distribution_rejects_a_bad_threshold(threshold):
    with pytest.raises(ValueError, match="threshold"):
        plot_similarity_distribution(planted(), threshold=threshold)


# ----------------------------------------------------------------------------- dendrogram


def test_dendrogram_of_a_matrix():
    matrix = planted()
    fig, ax = plt.subplots()
    assert plot_dendrogram(matrix, ax=ax, threshold=0.5) is ax
    links = ax.collections[0]
    assert len(links.get_segments()) == 8  # n - 1 merges
    leaves = tick_texts(ax.get_yticklabels())
    assert sorted(leaves) == sorted(matrix.index)
    assert leaves == cluster_order(matrix)  # same order as the clustered heatmap
    # each planted block gets its own colour, links and labels alike; the rest grey
    colour = {t.get_text(): to_hex(t.get_color()) for t in ax.get_yticklabels()}
    assert colour["T1"] == colour["T4"] == colour["T7"] != colour["T0"] == colour["T5"]
    assert colour["T2"] == colour["T3"] == "#9a9a9a"
    assert len({to_hex(c) for c in links.get_colors()}) == 3
    assert [line.get_xdata()[0] for line in ax.lines] == [0.5]
    # merge heights: the planted blocks merge at their similarity (x = similarity)
    xs = sorted({round(float(x), 6) for seg in links.get_segments() for x in seg[:, 0]})
    assert 0.8 in xs and 0.6 in xs and xs[-1] == 1.0


def test_dendrogram_without_threshold_is_monochrome():
    ax = plot_dendrogram(planted())
    assert len({to_hex(c) for c in ax.collections[0].get_colors()}) == 1
    assert len(ax.lines) == 0


def test_dendrogram_needs_two_trackers_and_similarities():
    one = pd.DataFrame([[1.0]], index=["a"], columns=["a"])
    with pytest.raises(TrackerDataError, match=r"at least 2 trackers, got 1"):
        plot_dendrogram(one)
    with pytest.raises(InvalidParameterError, match=r"in \[0, 1\]"):
        plot_dendrogram(planted() * 3)
    with pytest.raises(InvalidParameterError, match="analyzer applies to trackers"):
        plot_dendrogram(planted(), analyzer="word")
    with pytest.raises(ValueError, match="method must be one of"):
        plot_dendrogram(planted(), method="ward")
    with pytest.raises(ValueError, match="threshold"):
        plot_dendrogram(planted(), threshold=2)


# ----------------------------------------------------------------------------- network


def test_network_nodes_edges_and_isolated():
    matrix = planted()
    fig, ax = plt.subplots()
    assert plot_similarity_network(matrix, threshold=0.5, ax=ax) is ax
    by_gid = {c.get_gid(): c for c in ax.collections}
    assert len(by_gid["network-edges"].get_segments()) == 4
    assert len(by_gid["network-nodes"].get_offsets()) == 5
    assert len(by_gid["network-isolated"].get_offsets()) == 4
    texts = [t.get_text() for t in ax.texts]
    assert {"T1", "T4", "T7", "T0", "T5", "T2"} <= set(texts)
    assert "4 trackers with no edge ≥ 0.5" in texts
    assert texts.count("0.80") == 3 and texts.count("0.60") == 1  # edge scores
    # nodes of one group share a colour; groups differ
    colours = [to_hex(c) for c in by_gid["network-nodes"].get_facecolors()]
    assert len(set(colours)) == 2
    # omitting the isolated trackers only counts them
    ax = plot_similarity_network(matrix, threshold=0.5, isolated="omit")
    assert "network-isolated" not in {c.get_gid() for c in ax.collections}
    assert "4 trackers with no edge ≥ 0.5 not shown" in [t.get_text() for t in ax.texts]


def test_network_with_no_edge():
    ax = plot_similarity_network(planted(), threshold=0.95)
    assert len(ax.collections[0].get_segments()) == 0
    assert "no pair with similarity ≥ 0.95" in [t.get_text() for t in ax.texts]


def test_network_errors():
    with pytest.raises(ValueError, match="threshold must be in"):
        plot_similarity_network(planted(), threshold=1.2)
    with pytest.raises(ValueError, match="isolated must be"):
        plot_similarity_network(planted(), threshold=0.5, isolated="hide")
    with pytest.raises(InvalidParameterError, match="matrix must be square"):
        plot_similarity_network(planted().iloc[:3], threshold=0.5)
    with pytest.raises(TypeError, match="ax must be a matplotlib Axes"):
        plot_similarity_network(planted(), threshold=0.5, ax="left")


# ----------------------------------------------------------------------------- package-wide


@pytest.mark.parametrize("n", [5, 48, 150])
def test_a_new_heatmap_figure_holds_all_its_labels(n):
    names = [f"Tracker {i} " + "with a longer name " * (i % 3) for i in range(n)]
    ax = plot_similarity_heatmap(planted(n, blocks=((0, 1),), labels=names))
    ax.set_title("a title")
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    page = fig.bbox
    labels = [*ax.get_xticklabels(), *ax.get_yticklabels(), ax.title]
    bar = ax.images[0].colorbar.ax
    labels += [*bar.get_yticklabels(), bar.yaxis.label]
    for text in labels:
        box = text.get_window_extent(renderer)
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, text
    # tick labels do not overlap each other
    ys = sorted((b.y0, b.y1) for b in (t.get_window_extent(renderer) for t in ax.get_yticklabels()))
    assert all(upper[0] >= lower[1] - 0.5 for lower, upper in itertools.pairwise(ys))


@pytest.mark.parametrize(
    "draw",
    [
        lambda m: plot_similarity_heatmap(m),
        lambda m: plot_similarity_network(m, threshold=0.5),
        lambda m: plot_dendrogram(m, threshold=0.5),
        lambda m: plot_similarity_distribution(m, threshold=0.5),
        lambda m: plot_vocabulary_sizes("sample"),
        lambda m: plot_tracker_comparison("sample", "Pricing Inquiry", "Discount Request"),
    ],
    ids=["heatmap", "network", "dendrogram", "distribution", "vocabulary", "comparison"],
)
def test_two_renders_give_identical_png_bytes(draw):
    matrix = planted(12, labels=[f"Tracker {i} $" for i in range(12)])
    first = png_bytes(draw(matrix))
    plt.close("all")
    assert png_bytes(draw(matrix)) == first


def test_plots_are_reachable_from_trackerkit_and_import_is_lazy():
    for name in (
        "plot_similarity_heatmap",
        "plot_vocabulary_sizes",
        "plot_tracker_comparison",
        "plot_similarity_distribution",
        "plot_dendrogram",
        "plot_similarity_network",
    ):
        assert getattr(trackerkit, name) is getattr(trackerkit.plotting, name)
    code = (
        "import sys, trackerkit; trackerkit.load_trackers('sample'); "
        "assert 'matplotlib' not in sys.modules, 'matplotlib imported'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nothing_calls_show(monkeypatch):
    def forbidden(*args, **kwargs):
        raise AssertionError("plt.show() called")

    monkeypatch.setattr(plt, "show", forbidden)
    matrix = planted()
    plot_similarity_heatmap(matrix)
    plot_similarity_network(matrix, threshold=0.5)
    plot_dendrogram(matrix)
    plot_similarity_distribution(matrix)
    plot_vocabulary_sizes("sample")


# ----------------------------------------------------------------------------- on the sample account


@pytest.fixture(scope="module")
def sample():
    return load_trackers("sample")


def texts_with(ax, gid: str) -> list[str]:
    return [t.get_text() for t in ax.texts if t.get_gid() == gid]


def test_tracker_comparison_shows_every_phrase_once(sample):
    fig, ax = plt.subplots()
    out = plot_tracker_comparison(sample, "Cancellation Intent", "Churn Risk", ax=ax)
    assert out is ax
    table = trackerkit.compare_trackers(sample, "Cancellation Intent", "Churn Risk").table
    for status, kind in [("shared", "shared"), ("near-duplicate", "near-duplicate")]:
        rows = table[table["status"] == status]
        assert texts_with(ax, f"comparison-{kind}-a") == rows["phrase_a"].tolist()
        assert texts_with(ax, f"comparison-{kind}-b") == rows["phrase_b"].tolist()
    assert "we've decided not to renew" in texts_with(ax, "comparison-shared-a")
    assert "We've decided not to renew." in texts_with(ax, "comparison-shared-b")
    assert texts_with(ax, "comparison-near-duplicate-a") == ["I want to cancel my subscription"]
    assert texts_with(ax, "comparison-near-duplicate-b") == ["I want to cancel my subscriptions"]
    near_score = table.loc[table["status"] == "near-duplicate", "score"].iloc[0]
    assert texts_with(ax, "comparison-near-duplicate-sign") == [f"≈ {near_score:.2f}"]
    assert set(texts_with(ax, "comparison-shared-sign")) == {"="}
    only_a = table.loc[table["status"] == "unique to a", "phrase_a"].tolist()
    only_b = table.loc[table["status"] == "unique to b", "phrase_b"].tolist()
    assert texts_with(ax, "comparison-unique-a") == only_a
    assert texts_with(ax, "comparison-unique-b") == only_b
    assert texts_with(ax, "comparison-header-a") == ["Cancellation Intent (22 phrases)"]
    assert texts_with(ax, "comparison-heading-shared") == [
        f"shared ({len(texts_with(ax, 'comparison-shared-a'))})"
    ]
    assert texts_with(ax, "comparison-heading-unique-b") == [f"only in Churn Risk ({len(only_b)})"]
    # shared and near-duplicate rows sit on coloured bands; unique rows do not
    bands = {p.get_gid(): to_hex(p.get_facecolor()) for p in ax.patches}
    assert bands == {
        "comparison-shared-band": OKABE_ITO[0].lower(),
        "comparison-near-duplicate-band": OKABE_ITO[3].lower(),
    }
    # a matched pair shares its row
    ya = [t.get_position()[1] for t in ax.texts if t.get_gid() == "comparison-shared-a"]
    yb = [t.get_position()[1] for t in ax.texts if t.get_gid() == "comparison-shared-b"]
    assert ya == yb


def test_tracker_comparison_by_id_and_with_long_or_dollar_phrases():
    account = [
        {"id": "11", "name": "Pricing $", "vocabulary": ["Cost $5 / $10", "word " * 40, "hello there"]},
        {"id": "22", "name": "Other", "vocabulary": ["cost $5 / $10", "bye"]},
    ]
    ax = plot_tracker_comparison(account, "11", 22, max_phrase_chars=20)
    assert texts_with(ax, "comparison-shared-a") == [r"Cost \$5 / \$10"]
    long = [t for t in texts_with(ax, "comparison-unique-a") if t.startswith("word")]
    assert long == ["word word word word…"]
    assert texts_with(ax, "comparison-header-a") == [r"Pricing \$ (3 phrases)"]
    assert texts_with(ax, "comparison-near-duplicate-none") == ["none"]
    ax.figure.canvas.draw()  # renders without mathtext errors
    with pytest.raises(trackerkit.TrackerNotFoundError, match="'Prising'"):
        plot_tracker_comparison(account, "Prising", "Other")


def test_heatmap_of_the_sample_puts_planted_overlaps_together(sample):
    matrix = trackerkit.similarity_matrix(sample)
    ax = plot_similarity_heatmap(matrix)
    order = tick_texts(ax.get_yticklabels())
    assert len(order) == 48
    for a, b in [("Escalation Request", "Speak to Manager"), ("Competitor Mention", "competitor mention")]:
        assert abs(order.index(a) - order.index(b)) == 1, (a, b)
    group = sorted(order.index(n) for n in ("Pricing Inquiry", "Discount Request", "Special Offers"))
    assert group[-1] - group[0] == 2
    assert ax.images[0].colorbar.ax.get_ylabel() == matrix.value_label == "TF-IDF cosine similarity (char_wb)"
    assert len(ax.texts) == 0  # 48 trackers: no annotations


def test_dendrogram_of_a_trackers_frame_colours_cluster_trackers(sample):
    ax = plot_dendrogram(sample, threshold=0.25)
    assert len(ax.collections[0].get_segments()) == 47
    colour = {t.get_text(): to_hex(t.get_color()) for t in ax.get_yticklabels()}
    assert len(colour) == 48
    clusters = trackerkit.cluster_trackers(sample, threshold=0.25).table
    assert len(clusters) > 0
    for _, members in clusters.groupby("cluster")["tracker"]:
        assert len({colour[name] for name in members}) == 1, list(members)
        assert colour[members.iloc[0]] != "#9a9a9a"
    clustered = set(clusters["tracker"])
    assert {colour[name] for name in colour if name not in clustered} == {"#9a9a9a"}
    assert colour["Escalation Request"] == colour["Speak to Manager"]
    # another analyzer gives another matrix, hence other merge heights
    word = plot_dendrogram(sample, analyzer="word")
    assert not np.allclose(
        np.sort(np.concatenate(ax.collections[0].get_segments())[:, 0]),
        np.sort(np.concatenate(word.collections[0].get_segments())[:, 0]),
    )
    with pytest.raises(TrackerDataError, match="at least 2 trackers, got 1"):
        plot_dendrogram(trackerkit.select_trackers(sample, "Greeting"))


def test_network_of_the_sample(sample):
    matrix = trackerkit.similarity_matrix(sample)
    ax = plot_similarity_network(matrix, threshold=0.25)
    edges = network_edges(matrix, threshold=0.25)
    assert len(ax.collections[0].get_segments()) == len(edges) >= 7
    pairs = {frozenset(p) for p in zip(edges["source"], edges["target"])}
    assert frozenset({"Cancellation Intent", "Churn Risk"}) in pairs
    assert frozenset({"Escalation Request", "Speak to Manager"}) in pairs
    linked = set(edges["source"]) | set(edges["target"])
    isolated = {c.get_gid(): c for c in ax.collections}["network-isolated"]
    assert len(isolated.get_offsets()) == 48 - len(linked)
    # rings are arranged so that no two edges cross
    segments = ax.collections[0].get_segments()
    for i, (p, q) in enumerate(segments):
        for r, t in segments[i + 1 :]:
            if {tuple(p), tuple(q)} & {tuple(r), tuple(t)}:
                continue  # edges sharing a node
            assert not crossing(p, q, r, t)


def crossing(p, q, r, t) -> bool:
    """Whether segments pq and rt properly intersect."""

    def side(a, b, c):
        return np.sign((b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]))

    return side(p, q, r) * side(p, q, t) < 0 and side(r, t, p) * side(r, t, q) < 0
