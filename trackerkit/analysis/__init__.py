"""Analysis of tracker vocabularies: overlap, similarity, near-duplicates, audit, clusters and
match preview. Every function takes the trackers frame (or anything
:func:`trackerkit.load_trackers` accepts) first and an optional ``select=`` list of names/ids,
and returns a tidy, labelled pandas DataFrame.

========================== ===========================================================
:func:`overlap_matrix`     tracker x tracker shared normalized phrases (count, jaccard,
                           containment)
:func:`shared_phrases`     the phrases two trackers share, as each wrote them
:func:`similarity_matrix`  tracker x tracker TF-IDF cosine
:func:`most_similar`       a tracker's nearest trackers, with evidence
:func:`tracker_pairs`      a square matrix as a tidy list of tracker pairs, best first
:func:`compare_trackers`   two trackers' phrases: shared / near-duplicate / unique
:func:`similar_phrases`    near-duplicate phrase pairs (character TF-IDF + typo-aware)
:func:`audit`              every problem of a vocabulary, one finding per row
:data:`AUDIT_RULES`        the audit's rules: name -> (severity, description)
:func:`cluster_trackers`   groups of redundant trackers (hierarchical clustering)
:class:`TrackerMatcher`    which tracker a sentence would likely trigger
:func:`confusion`          where left-out phrases land: confusable vocabularies
========================== ===========================================================

Submodules load on first use (scikit-learn and scipy with them).

    >>> import trackerkit.analysis as analysis
    >>> sorted(analysis.__all__)[:3]
    ['AUDIT_RULES', 'TrackerMatcher', 'audit']
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

# The submodule ``audit`` shares its name with the function: bound eagerly (it imports nothing
# heavy), so importing ``trackerkit.analysis.audit`` can never replace the function by the module.
from trackerkit.analysis.audit import AUDIT_RULES, audit

_LAZY = {
    "overlap_matrix": "trackerkit.analysis.overlap",
    "shared_phrases": "trackerkit.analysis.overlap",
    "similarity_matrix": "trackerkit.analysis.similarity",
    "most_similar": "trackerkit.analysis.similarity",
    "compare_trackers": "trackerkit.analysis.similarity",
    "tracker_pairs": "trackerkit.analysis.similarity",
    "similar_phrases": "trackerkit.analysis.near_duplicates",
    "cluster_trackers": "trackerkit.analysis.clusters",
    "TrackerMatcher": "trackerkit.analysis.matching",
    "confusion": "trackerkit.analysis.matching",
}

__all__ = [
    "AUDIT_RULES",
    "TrackerMatcher",
    "audit",
    "cluster_trackers",
    "compare_trackers",
    "confusion",
    "most_similar",
    "overlap_matrix",
    "shared_phrases",
    "similar_phrases",
    "similarity_matrix",
    "tracker_pairs",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trackerkit.analysis' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:
    from trackerkit.analysis.clusters import cluster_trackers
    from trackerkit.analysis.matching import TrackerMatcher, confusion
    from trackerkit.analysis.near_duplicates import similar_phrases
    from trackerkit.analysis.overlap import overlap_matrix, shared_phrases
    from trackerkit.analysis.similarity import (
        compare_trackers,
        most_similar,
        similarity_matrix,
        tracker_pairs,
    )
