"""trackerkit: see, compare and audit Symbl.ai trackers in pandas, matplotlib and Jupyter.

    >>> import trackerkit
    >>> trackers = trackerkit.load_trackers("sample")       # the bundled sample account
    >>> phrases = trackerkit.vocabulary_frame(trackers)      # one row per phrase
    >>> trackerkit.resolve(trackers, "promotion mention")    # names or ids, everywhere
    '4476908732794496'

Public names are imported lazily, on first use, so ``import trackerkit`` stays cheap:
httpx, scikit-learn, matplotlib and ipywidgets load only when a feature needs them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trackerkit._lazy import attach
from trackerkit._version import __version__
from trackerkit.errors import (
    AmbiguousTrackerError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CredentialsError,
    DeadlineExceededError,
    EmbeddingCacheWarning,
    EmbeddingModelError,
    FileTargetError,
    InvalidParameterError,
    MissingDependencyError,
    PayloadTooLargeError,
    RateLimitError,
    ResponseFormatError,
    ResultTooLargeError,
    ServerError,
    SymblAPIError,
    TrackerDataError,
    TrackerkitError,
    TrackerNotFoundError,
    TransportError,
)
from trackerkit.model import Tracker, parse_trackers

# public name -> module that defines it (imported on first attribute access)
_LAZY: dict[str, str] = {
    # types
    "TrackersLike": "trackerkit._typing",
    # frames: pure conversions
    "trackers_frame": "trackerkit.frames",
    "normalize_phrase": "trackerkit.frames",
    "frame_to_trackers": "trackerkit.frames",
    # loading: from any source
    "load_trackers": "trackerkit.loading",
    "vocabulary_frame": "trackerkit.loading",
    "fetch_trackers": "trackerkit.loading",
    # addressing
    "resolve": "trackerkit.lookup",
    "resolve_many": "trackerkit.lookup",
    "select_trackers": "trackerkit.lookup",
    # snapshots
    "save_snapshot": "trackerkit.snapshot",
    # API client
    "SymblClient": "trackerkit.api",
    "AsyncSymblClient": "trackerkit.api",
    # analysis
    "overlap_matrix": "trackerkit.analysis",
    "shared_phrases": "trackerkit.analysis",
    "tracker_pairs": "trackerkit.analysis",
    "similarity_matrix": "trackerkit.analysis",
    "most_similar": "trackerkit.analysis",
    "similar_phrases": "trackerkit.analysis",
    "compare_trackers": "trackerkit.analysis",
    "audit": "trackerkit.analysis",
    "cluster_trackers": "trackerkit.analysis",
    "TrackerMatcher": "trackerkit.analysis",
    "confusion": "trackerkit.analysis",
    "AUDIT_RULES": "trackerkit.analysis",
    # typed results
    "TrackerMatrix": "trackerkit.analysis",
    "Clustering": "trackerkit.analysis",
    "Confusion": "trackerkit.analysis",
    "TrackerComparison": "trackerkit.analysis",
    # plots
    "plot_similarity_heatmap": "trackerkit.plotting",
    "plot_vocabulary_sizes": "trackerkit.plotting",
    "plot_tracker_comparison": "trackerkit.plotting",
    "plot_similarity_distribution": "trackerkit.plotting",
    "plot_dendrogram": "trackerkit.plotting",
    "plot_similarity_network": "trackerkit.plotting",
    # displays (scikit-learn's pattern: from_result / from_trackers, then plot(ax=...))
    "SimilarityHeatmapDisplay": "trackerkit.plotting",
    "TrackerComparisonDisplay": "trackerkit.plotting",
    "DendrogramDisplay": "trackerkit.plotting",
    "SimilarityNetworkDisplay": "trackerkit.plotting",
    "VocabularySizesDisplay": "trackerkit.plotting",
    "SimilarityDistributionDisplay": "trackerkit.plotting",
    # widgets
    "explore": "trackerkit.widgets",
    # conversations (issue 14)
    "Message": "trackerkit.conversation",
    "Hit": "trackerkit.conversation",
    "load_conversations": "trackerkit.conversation_loading",
    "load_tracker_results": "trackerkit.conversation_loading",
    "messages_frame": "trackerkit.conversation_frames",
    "hits_frame": "trackerkit.conversation_frames",
    "replay": "trackerkit.analysis._replay",
    "Replayer": "trackerkit.analysis._replay",
    "compare_hits": "trackerkit.analysis._replay",
    "would_trigger": "trackerkit.analysis._replay",
    "TfidfScorer": "trackerkit.analysis._scoring",
    # hit analytics (issue 15)
    "CoOccurrenceDisplay": "trackerkit.plotting",
    "HitRatesDisplay": "trackerkit.plotting",
    "HitTrendDisplay": "trackerkit.plotting",
    "PhraseHitsDisplay": "trackerkit.plotting",
    "PrecisionDisplay": "trackerkit.plotting",
    "VocabularyChangeDisplay": "trackerkit.plotting",
    "plot_co_occurrence": "trackerkit.plotting",
    "plot_hit_rates": "trackerkit.plotting",
    "plot_hit_trend": "trackerkit.plotting",
    "plot_phrase_hits": "trackerkit.plotting",
    "plot_precision": "trackerkit.plotting",
    "plot_vocabulary_change": "trackerkit.plotting",
    "CoOccurrence": "trackerkit.analysis",
    "Coverage": "trackerkit.analysis",
    "HitRates": "trackerkit.analysis",
    "HitTrend": "trackerkit.analysis",
    "PhraseHits": "trackerkit.analysis",
    "VocabularyChange": "trackerkit.analysis",
    "co_occurrence": "trackerkit.analysis",
    "compare_versions": "trackerkit.analysis",
    "coverage": "trackerkit.analysis",
    "hit_rates": "trackerkit.analysis",
    "hits_by_attribute": "trackerkit.analysis",
    "hits_by_period": "trackerkit.analysis",
    "hits_by_speaker": "trackerkit.analysis",
    "phrase_hits": "trackerkit.analysis",
    "rate_change": "trackerkit.analysis",
    "silent_trackers": "trackerkit.analysis",
    "suggest_phrases": "trackerkit.analysis",
    "ReviewLog": "trackerkit.analysis",
    "precision": "trackerkit.analysis",
    "review_sample": "trackerkit.analysis",
    "wilson_interval": "trackerkit.analysis",
    "EmbeddingScorer": "trackerkit.analysis._scoring",
}

__all__ = [
    "AmbiguousTrackerError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CredentialsError",
    "DeadlineExceededError",
    "FileTargetError",
    "InvalidParameterError",
    "MissingDependencyError",
    "EmbeddingModelError",
    "EmbeddingCacheWarning",
    "PayloadTooLargeError",
    "RateLimitError",
    "ResponseFormatError",
    "ResultTooLargeError",
    "ServerError",
    "SymblAPIError",
    "Tracker",
    "TrackerDataError",
    "TrackerNotFoundError",
    "TrackerkitError",
    "TransportError",
    "__version__",
    "parse_trackers",
    *_LAZY,
]


__getattr__, __dir__ = attach(__name__, _LAZY, globals())


if TYPE_CHECKING:  # static type checkers and IDEs see the real names
    from trackerkit._typing import TrackersLike
    from trackerkit.analysis import (
        AUDIT_RULES,
        Clustering,
        Confusion,
        TrackerComparison,
        TrackerMatcher,
        TrackerMatrix,
        audit,
        cluster_trackers,
        compare_trackers,
        confusion,
        most_similar,
        overlap_matrix,
        shared_phrases,
        similar_phrases,
        similarity_matrix,
        tracker_pairs,
    )
    from trackerkit.api import AsyncSymblClient, SymblClient
    from trackerkit.frames import frame_to_trackers, normalize_phrase, trackers_frame
    from trackerkit.loading import fetch_trackers, load_trackers, vocabulary_frame
    from trackerkit.lookup import resolve, resolve_many, select_trackers
    from trackerkit.plotting import (
        DendrogramDisplay,
        SimilarityDistributionDisplay,
        SimilarityHeatmapDisplay,
        SimilarityNetworkDisplay,
        TrackerComparisonDisplay,
        VocabularySizesDisplay,
        plot_dendrogram,
        plot_similarity_distribution,
        plot_similarity_heatmap,
        plot_similarity_network,
        plot_tracker_comparison,
        plot_vocabulary_sizes,
    )
    from trackerkit.snapshot import save_snapshot
    from trackerkit.widgets import explore
