"""Render the README's pictures: one PNG per plot of trackerkit.plotting, on the sample account.

Run from anywhere: ``python docs/make_images.py``; the PNGs go to ``docs/images/``. The output
is deterministic: the same data, matplotlib version and fonts give the same bytes (no
timestamp, no software tag in the PNG metadata, Agg backend, fixed sizes and dpi).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt

import trackerkit
from trackerkit.plotting import (
    plot_dendrogram,
    plot_similarity_distribution,
    plot_similarity_heatmap,
    plot_similarity_network,
    plot_tracker_comparison,
    plot_vocabulary_sizes,
)

OUT = Path(__file__).resolve().parent / "images"
DPI = 110
THRESHOLD = 0.25  # cluster_trackers' default: the similarity from which trackers count as redundant
RC = {"font.family": "DejaVu Sans", "svg.hashsalt": "trackerkit", "figure.facecolor": "white"}


def save(name: str, draw: Callable[[], plt.Axes], title: str) -> Path:
    with plt.rc_context(RC):
        ax = draw()
        ax.set_title(title, loc="left", fontsize=11)
        path = OUT / name
        ax.figure.savefig(path, dpi=DPI, metadata={"Software": None}, facecolor="white")
        plt.close(ax.figure)
    print(f"{path.relative_to(OUT.parent.parent)}")
    return path


def figure(width: float, height: float) -> plt.Axes:
    _, ax = plt.subplots(figsize=(width, height), layout="constrained")
    return ax


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    trackers = trackerkit.load_trackers("sample")
    matrix = trackerkit.similarity_matrix(trackers)

    save(
        "similarity_heatmap.png",
        lambda: plot_similarity_heatmap(matrix, ax=figure(10.5, 9.2)),
        "TF-IDF similarity of the sample account's 48 trackers, clustered",
    )
    save(
        "vocabulary_sizes.png",
        lambda: plot_vocabulary_sizes(trackers, ax=figure(7.5, 9.6)),
        "Phrases per tracker, against Symbl's 5–50",
    )
    save(
        "tracker_comparison.png",
        lambda: plot_tracker_comparison(trackers, "Cancellation Intent", "Churn Risk"),
        "Cancellation Intent vs Churn Risk",
    )
    save(
        "similarity_distribution.png",
        lambda: plot_similarity_distribution(matrix, threshold=THRESHOLD, ax=figure(7.0, 3.6)),
        f"Similarity of the {len(trackers) * (len(trackers) - 1) // 2} pairs of trackers",
    )
    clustering = trackerkit.cluster_trackers(trackers, threshold=THRESHOLD)
    save(
        "dendrogram.png",
        lambda: plot_dendrogram(clustering),
        f"Clustering of the trackers (groups at similarity ≥ {THRESHOLD:g} coloured)",
    )
    save(
        "similarity_network.png",
        lambda: plot_similarity_network(matrix, threshold=THRESHOLD),
        f"Trackers linked when their similarity is ≥ {THRESHOLD:g}",
    )


if __name__ == "__main__":
    main()
