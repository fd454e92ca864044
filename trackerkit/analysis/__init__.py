"""Analysis of tracker vocabularies: overlap, similarity, near-duplicates, audit, clusters and
match preview. Every function takes the trackers (anything :func:`trackerkit.load_trackers`
accepts) first and an optional ``select=`` list of names/ids; tables come back as tidy pandas
DataFrames, and results that carry more than a table as small typed objects holding the
frame(s) and the parameters that say what the numbers mean.

========================== ===========================================================
:func:`overlap_matrix`     tracker x tracker shared normalized phrases (count, jaccard,
                           containment): a :class:`TrackerMatrix`
:func:`shared_phrases`     the phrases two trackers share, as each wrote them
:func:`similarity_matrix`  tracker x tracker TF-IDF cosine: a :class:`TrackerMatrix`
:func:`most_similar`       a tracker's nearest trackers, with evidence
:func:`tracker_pairs`      a square matrix as a tidy list of tracker pairs, best first
:func:`compare_trackers`   two trackers' phrases: shared / near-duplicate / unique
                           (a :class:`TrackerComparison`)
:func:`similar_phrases`    near-duplicate phrase pairs (character TF-IDF + typo-aware)
:func:`audit`              every problem of a vocabulary, one finding per row
:data:`AUDIT_RULES`        the audit's rules: name -> (severity, description)
:func:`cluster_trackers`   groups of redundant trackers (a :class:`Clustering`)
:class:`TrackerMatcher`    which tracker a sentence would likely trigger
:func:`confusion`          where left-out phrases land: confusable vocabularies
                           (a :class:`Confusion`)
:func:`cluster_order`      a matrix's trackers in the order of its clustering
:func:`network_edges`,     the graph of similar trackers and its deterministic layout
:func:`network_layout`     (a :class:`NetworkLayout`)
:func:`pair_scores`        the scores of a matrix or a pairs frame, for a distribution
========================== ===========================================================

Hits (``trackerkit.analysis._hits``, ``_review``): :func:`hit_rates`, :func:`phrase_hits`,
:func:`silent_trackers`, :func:`coverage`, :func:`co_occurrence`, :func:`hits_by_speaker`,
:func:`hits_by_period`, :func:`rate_change`, :func:`hits_by_attribute`,
:func:`compare_versions`, :func:`suggest_phrases`; review: :func:`review_sample`,
:class:`ReviewLog`, :func:`precision`, :func:`wilson_interval`.

Submodules load on first use (scikit-learn and scipy with them).

    >>> import trackerkit.analysis as analysis
    >>> sorted(analysis.__all__)[:3]
    ['AUDIT_RULES', 'Clustering', 'CoOccurrence']
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach

_LAZY = {
    "audit": "trackerkit.analysis._audit",
    "AUDIT_RULES": "trackerkit.analysis._audit",
    "overlap_matrix": "trackerkit.analysis._overlap",
    "shared_phrases": "trackerkit.analysis._overlap",
    "similarity_matrix": "trackerkit.analysis._similarity",
    "most_similar": "trackerkit.analysis._similarity",
    "compare_trackers": "trackerkit.analysis._similarity",
    "tracker_pairs": "trackerkit.analysis._similarity",
    "similar_phrases": "trackerkit.analysis._near_duplicates",
    "cluster_trackers": "trackerkit.analysis._clusters",
    "TrackerMatcher": "trackerkit.analysis._matching",
    "confusion": "trackerkit.analysis._matching",
    "cluster_order": "trackerkit.analysis._layout",
    "network_edges": "trackerkit.analysis._layout",
    "network_layout": "trackerkit.analysis._layout",
    "pair_scores": "trackerkit.analysis._layout",
    "Clustering": "trackerkit.analysis._results",
    "Confusion": "trackerkit.analysis._results",
    "NetworkLayout": "trackerkit.analysis._results",
    "TrackerComparison": "trackerkit.analysis._results",
    "TrackerMatrix": "trackerkit.analysis._results",
    "CoOccurrence": "trackerkit.analysis._hits",
    "Coverage": "trackerkit.analysis._hits",
    "HitRates": "trackerkit.analysis._hits",
    "HitTrend": "trackerkit.analysis._hits",
    "PhraseHits": "trackerkit.analysis._hits",
    "VocabularyChange": "trackerkit.analysis._hits",
    "co_occurrence": "trackerkit.analysis._hits",
    "compare_versions": "trackerkit.analysis._hits",
    "coverage": "trackerkit.analysis._hits",
    "hit_rates": "trackerkit.analysis._hits",
    "hits_by_attribute": "trackerkit.analysis._hits",
    "hits_by_period": "trackerkit.analysis._hits",
    "hits_by_speaker": "trackerkit.analysis._hits",
    "phrase_hits": "trackerkit.analysis._hits",
    "rate_change": "trackerkit.analysis._hits",
    "silent_trackers": "trackerkit.analysis._hits",
    "suggest_phrases": "trackerkit.analysis._hits",
    "ReviewLog": "trackerkit.analysis._review",
    "precision": "trackerkit.analysis._review",
    "review_sample": "trackerkit.analysis._review",
    "wilson_interval": "trackerkit.analysis._review",
}

__all__ = [
    "AUDIT_RULES",
    "Clustering",
    "CoOccurrence",
    "Confusion",
    "Coverage",
    "HitRates",
    "HitTrend",
    "NetworkLayout",
    "PhraseHits",
    "ReviewLog",
    "TrackerComparison",
    "TrackerMatcher",
    "TrackerMatrix",
    "VocabularyChange",
    "audit",
    "cluster_order",
    "cluster_trackers",
    "co_occurrence",
    "compare_trackers",
    "compare_versions",
    "confusion",
    "coverage",
    "hit_rates",
    "hits_by_attribute",
    "hits_by_period",
    "hits_by_speaker",
    "most_similar",
    "network_edges",
    "network_layout",
    "overlap_matrix",
    "pair_scores",
    "phrase_hits",
    "precision",
    "rate_change",
    "review_sample",
    "shared_phrases",
    "silent_trackers",
    "similar_phrases",
    "similarity_matrix",
    "suggest_phrases",
    "tracker_pairs",
    "wilson_interval",
]

__getattr__, __dir__ = attach(__name__, _LAZY, globals())

if TYPE_CHECKING:
    from trackerkit.analysis._audit import AUDIT_RULES, audit
    from trackerkit.analysis._clusters import cluster_trackers
    from trackerkit.analysis._hits import (
        CoOccurrence,
        Coverage,
        HitRates,
        HitTrend,
        PhraseHits,
        VocabularyChange,
        co_occurrence,
        compare_versions,
        coverage,
        hit_rates,
        hits_by_attribute,
        hits_by_period,
        hits_by_speaker,
        phrase_hits,
        rate_change,
        silent_trackers,
        suggest_phrases,
    )
    from trackerkit.analysis._layout import cluster_order, network_edges, network_layout, pair_scores
    from trackerkit.analysis._matching import TrackerMatcher, confusion
    from trackerkit.analysis._near_duplicates import similar_phrases
    from trackerkit.analysis._overlap import overlap_matrix, shared_phrases
    from trackerkit.analysis._results import (
        Clustering,
        Confusion,
        NetworkLayout,
        TrackerComparison,
        TrackerMatrix,
    )
    from trackerkit.analysis._review import ReviewLog, precision, review_sample, wilson_interval
    from trackerkit.analysis._similarity import (
        compare_trackers,
        most_similar,
        similarity_matrix,
        tracker_pairs,
    )
