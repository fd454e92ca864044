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

from importlib import import_module
from typing import TYPE_CHECKING, Any

from trackerkit.errors import (
    AmbiguousTrackerError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    CredentialsError,
    PayloadTooLargeError,
    RateLimitError,
    ResponseFormatError,
    ServerError,
    SymblAPIError,
    TrackerDataError,
    TrackerkitError,
    TrackerNotFoundError,
    TransportError,
)
from trackerkit.model import Tracker, parse_trackers

__version__ = "0.1.0"

# public name -> module that defines it (imported on first attribute access)
_LAZY: dict[str, str] = {
    # frames
    "load_trackers": "trackerkit.frames",
    "trackers_frame": "trackerkit.frames",
    "vocabulary_frame": "trackerkit.frames",
    "normalize_phrase": "trackerkit.frames",
    "frame_to_trackers": "trackerkit.frames",
    # addressing
    "resolve": "trackerkit.lookup",
    "resolve_many": "trackerkit.lookup",
    "select_trackers": "trackerkit.lookup",
    # snapshots
    "save_snapshot": "trackerkit.snapshot",
    # API client
    "SymblClient": "trackerkit.api",
    "AsyncSymblClient": "trackerkit.api",
    "fetch_trackers": "trackerkit.api",
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
    # plots
    "plot_similarity_heatmap": "trackerkit.plotting",
    "plot_vocabulary_sizes": "trackerkit.plotting",
    "plot_tracker_comparison": "trackerkit.plotting",
    "plot_similarity_distribution": "trackerkit.plotting",
    "plot_dendrogram": "trackerkit.plotting",
    "plot_similarity_network": "trackerkit.plotting",
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
}

__all__ = [
    "AmbiguousTrackerError",
    "AuthenticationError",
    "BadRequestError",
    "ConflictError",
    "CredentialsError",
    "PayloadTooLargeError",
    "RateLimitError",
    "ResponseFormatError",
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


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'trackerkit' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


if TYPE_CHECKING:  # static type checkers and IDEs see the real names
    from trackerkit.analysis import (
        TrackerMatcher,
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
    from trackerkit.api import AsyncSymblClient, SymblClient, fetch_trackers
    from trackerkit.frames import (
        frame_to_trackers,
        load_trackers,
        normalize_phrase,
        trackers_frame,
        vocabulary_frame,
    )
    from trackerkit.lookup import resolve, resolve_many, select_trackers
    from trackerkit.plotting import (
        plot_dendrogram,
        plot_similarity_distribution,
        plot_similarity_heatmap,
        plot_similarity_network,
        plot_tracker_comparison,
        plot_vocabulary_sizes,
    )
    from trackerkit.snapshot import save_snapshot
    from trackerkit.widgets import explore
