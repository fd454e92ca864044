"""cluster_trackers: hand-made groups, singletons, linkage for dendrograms, errors."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import trackerkit
from trackerkit.constants import CLUSTER_COLUMNS
from trackerkit.errors import InvalidParameterError

ACCOUNT = [
    {"id": "1", "name": "Refund", "vocabulary": ["i want a refund", "refund my money", "money back please"]},
    {"id": "2", "name": "Money back", "vocabulary": ["give me my money back", "refund please", "a refund"]},
    {"id": "3", "name": "Greeting", "vocabulary": ["hello there", "good morning"]},
    {"id": "4", "name": "Hello", "vocabulary": ["hello there friend", "good morning to you"]},
    {"id": "5", "name": "Weather", "vocabulary": ["is it raining", "sunny skies"]},
]


def test_groups_by_hand_and_columns():
    clustering = trackerkit.cluster_trackers(ACCOUNT, threshold=0.3)
    out = clustering.table
    assert tuple(out.columns) == CLUSTER_COLUMNS
    groups = {c: set(g["tracker"]) for c, g in out.groupby("cluster")}
    assert sorted(groups.values(), key=sorted) == [{"Greeting", "Hello"}, {"Money back", "Refund"}]
    assert "Weather" not in set(out["tracker"])  # singletons dropped by default
    sim = trackerkit.similarity_matrix(ACCOUNT).matrix
    pd.testing.assert_frame_equal(clustering.similarity.matrix, sim)  # the matrix clustered, kept
    assert (clustering.threshold, clustering.method) == (0.3, "average")
    refund = out.set_index("tracker").loc["Refund"]
    assert refund["size"] == 2 and refund["nearest"] == "Money back"
    assert refund["mean_similarity"] == pytest.approx(sim.loc["Refund", "Money back"])
    assert refund["nearest_similarity"] == pytest.approx(sim.loc["Refund", "Money back"])
    assert out.dtypes["cluster"] == np.int64 and out["cluster"].is_monotonic_increasing


def test_singletons_flagged_when_asked():
    out = trackerkit.cluster_trackers(ACCOUNT, threshold=0.3, singletons=True).table
    assert len(out) == 5
    weather = out.set_index("tracker").loc["Weather"]
    assert weather["size"] == 1 and np.isnan(weather["mean_similarity"])
    assert out["cluster"].max() == 3 and weather["cluster"] == 3  # the largest groups come first


def test_threshold_extremes_and_methods():
    assert len(trackerkit.cluster_trackers(ACCOUNT, threshold=0.0).table) == 5  # everything merges
    assert trackerkit.cluster_trackers(ACCOUNT, threshold=1.0).table.empty  # nothing is identical
    single = trackerkit.cluster_trackers(ACCOUNT, threshold=0.3, method="single").table
    assert set(single["tracker"]) >= {"Refund", "Money back"}


def test_linkage_for_dendrogram():
    from scipy.cluster.hierarchy import dendrogram

    out = trackerkit.cluster_trackers(ACCOUNT, singletons=True)
    linkage, labels = out.linkage, out.labels
    assert linkage.shape == (4, 4) and labels == [t["name"] for t in ACCOUNT]
    assert dendrogram(linkage, labels=labels, no_plot=True)["ivl"]


def test_select_by_name_or_id_and_small_inputs():
    a = trackerkit.cluster_trackers(ACCOUNT, threshold=0.3, select=["Refund", "2", "Weather"]).table
    b = trackerkit.cluster_trackers(ACCOUNT, threshold=0.3, select=["1", "money back", "5"]).table
    assert a.equals(b) and set(a["tracker"]) == {"Refund", "Money back"}
    assert trackerkit.cluster_trackers([]).table.empty
    assert trackerkit.cluster_trackers([ACCOUNT[0]]).table.empty
    one = trackerkit.cluster_trackers([ACCOUNT[0]], singletons=True).table
    assert one[["cluster", "tracker", "size"]].values.tolist() == [[1, "Refund", 1]]


def test_bad_parameters():
    with pytest.raises(InvalidParameterError, match="threshold must be in \\[0, 1\\]; got 2"):
        trackerkit.cluster_trackers(ACCOUNT, threshold=2)
    with pytest.raises(
        InvalidParameterError, match="method must be one of 'average', 'complete', 'single', 'weighted'"
    ):
        trackerkit.cluster_trackers(ACCOUNT, method="ward")
    with pytest.raises(InvalidParameterError, match="singletons must be True or False"):
        trackerkit.cluster_trackers(ACCOUNT, singletons="yes")
    with pytest.raises(TypeError):  # the threshold is keyword-only
        trackerkit.cluster_trackers(ACCOUNT, 0.3)
