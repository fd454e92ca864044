"""Constants shared across trackerkit: defaults, Symbl's limits, and the names of things.

One place for every value more than one module relies on, so the library, the command line,
the widgets and the report always agree (the same default analyzer, the same phrase limits).

    >>> from trackerkit import constants
    >>> constants.DEFAULT_ANALYZER, constants.MIN_PHRASES, constants.MAX_PHRASES
    ('char_wb', 5, 50)
"""

from __future__ import annotations

__all__ = [
    "ANALYZERS",
    "COMPARE_STATUSES",
    "COMPARISON_COLUMNS",
    "DEFAULT_ANALYZER",
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MEANING_THRESHOLD",
    "DEFAULT_PHRASE_THRESHOLD",
    "DEFAULT_TRACKER_THRESHOLD",
    "HIT_COLUMNS",
    "HIT_STATUSES",
    "LABELS",
    "LINKAGE_METHODS",
    "MATCH_KINDS",
    "MAX_PHRASES",
    "MAX_TRACKERS",
    "MAX_TRANSCRIPT_BYTES",
    "MESSAGE_COLUMNS",
    "MIN_PHRASES",
    "OVERLAP_METRICS",
    "SEVERITIES",
    "TRACKER_COLUMNS",
    "TRIGGER_COLUMNS",
    "VOCABULARY_COLUMNS",
]

# --------------------------------------------------------------------------- Symbl's limits

#: The fewest and the most phrases Symbl accepts in one tracker's vocabulary.
MIN_PHRASES = 5
MAX_PHRASES = 50
#: The most trackers one Symbl account may hold.
MAX_TRACKERS = 500

# --------------------------------------------------------------------------- analysis defaults

#: TF-IDF analyzers: ``"char_wb"`` (character n-grams inside word boundaries: catches typos and
#: inflections) and ``"word"``. The first is the default everywhere.
ANALYZERS = ("char_wb", "word")
DEFAULT_ANALYZER = "char_wb"
#: Similarity (0..1) from which two *trackers* count as similar (pairs, clusters, networks).
DEFAULT_TRACKER_THRESHOLD = 0.25
#: Score (0..1) from which two *phrases* count as near-duplicates.
DEFAULT_PHRASE_THRESHOLD = 0.8
#: Most edits (optimal string alignment) for two phrases to be scored as a typo of each other.
DEFAULT_MAX_EDITS = 2
#: How square tracker x tracker matrices are labelled: by tracker name or by id.
LABELS = ("name", "id")
#: Exact overlap measures of :func:`trackerkit.overlap_matrix`.
OVERLAP_METRICS = ("count", "jaccard", "containment")
#: scipy linkage methods trackerkit's clusterings and dendrograms accept.
LINKAGE_METHODS = ("average", "complete", "single", "weighted")
#: Status of a phrase in :func:`trackerkit.compare_trackers`, in display order.
COMPARE_STATUSES = ("shared", "near-duplicate", "unique to a", "unique to b")
#: Audit severities, most severe first.
SEVERITIES = ("error", "warning", "info")

# --------------------------------------------------------------------------- frame columns

#: Columns of the trackers frame (one row per tracker).
TRACKER_COLUMNS = (
    "tracker_id",
    "name",
    "vocabulary",
    "n_phrases",
    "n_unique_phrases",
    "description",
    "categories",
    "languages",
    "created_on",
    "updated_on",
    "extra",
)
#: Columns of the vocabulary frame (one row per phrase).
VOCABULARY_COLUMNS = ("tracker_id", "tracker_name", "position", "phrase", "phrase_norm", "n_words")

# --------------------------------------------------------------------------- conversations

#: How a hit matched: the phrase occurs in the message, or Symbl (or the replay) matched it by
#: meaning (``offset`` -1).
MATCH_KINDS = ("literal", "meaning")
#: Score (0..1) from which the replay reports a match by meaning: the TF-IDF cosine of a message
#: and a tracker's closest phrase. Calibrated on the sample conversations against their stored
#: Symbl results (best F1 of the matches by meaning; see ``trackerkit.analysis._replay``).
DEFAULT_MEANING_THRESHOLD = 0.65
#: Largest transcript file read whole (JSON, JSON lines, CSV; decompressed size for ``.gz``);
#: raise it with ``max_bytes=``, or read bigger data as Parquet with Dask.
MAX_TRANSCRIPT_BYTES = 256 * 1024 * 1024
#: Columns of the messages frame (one row per message).
MESSAGE_COLUMNS = (
    "conversation_id",
    "message_id",
    "text",
    "speaker_name",
    "speaker_id",
    "speaker_email",
    "start_time",
    "end_time",
    "time_offset",
    "duration",
    "language",
)
#: Columns of the hits frame (one row per message, tracker and phrase that matched).
HIT_COLUMNS = (
    "conversation_id",
    "message_id",
    "tracker_id",
    "tracker_name",
    "value",
    "match",
    "offset",
    "matched_text",
    "score",
    "text",
    "speaker_name",
    "speaker_id",
    "speaker_email",
    "start_time",
    "time_offset",
)
#: Columns of the match preview (``would_trigger``): one row per tracker and phrase.
TRIGGER_COLUMNS = ("tracker_id", "tracker_name", "value", "match", "offset", "matched_text", "score")
#: Agreement of two sets of hits on one (conversation, message, tracker, match), in display order.
HIT_STATUSES = ("both", "symbl only", "replay only")
#: Columns of the table of ``compare_hits``.
COMPARISON_COLUMNS = (
    "conversation_id",
    "message_id",
    "tracker_id",
    "tracker_name",
    "match",
    "status",
    "symbl_values",
    "replay_values",
    "replay_score",
    "text",
)
