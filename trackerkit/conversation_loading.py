"""Load conversations and tracker results from anything: the sample, files, frames, records.

>>> messages = load_conversations("sample")            # the 120 sample calls
>>> hits = load_tracker_results("sample")             # what Symbl returned for them
>>> int((hits["match"] == "literal").sum()), int((hits["match"] == "meaning").sum())
(784, 109)
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit.constants import HIT_COLUMNS, MESSAGE_COLUMNS
from trackerkit.conversation import (
    Hit,
    Message,
    attach_messages,
    message_from_dict,
    parse_results_document,
    parse_transcript,
)
from trackerkit.conversation_frames import hits_frame, messages_frame
from trackerkit.errors import TrackerDataError
from trackerkit.transcripts import (
    ami_meetings,
    read_conversations,
    read_tracker_results,
    sample_conversation_messages,
    sample_conversations,
    sample_tracker_hits,
)

if TYPE_CHECKING:
    import pandas as pd  # lazy: heavy

__all__ = ["load_conversations", "load_tracker_results"]

#: Names of the conversations trackerkit ships.
BUILT_IN = ("sample", "ami")


def load_conversations(source: Any = "sample", *, columns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Messages from ``source`` as the messages frame (one row per message).

    ``source`` is:

    * ``"sample"``: the 120 sample calls of the sample account (the default);
    * ``"ami"``: the ten real AMI meetings trackerkit ships;
    * a path: a transcript file (see :func:`trackerkit.transcripts.read_conversations`);
    * a DataFrame, with ``columns=`` mapping trackerkit's names to its own
      (``{"conversation_id": "call", "text": "utterance"}``);
    * a list of :class:`~trackerkit.conversation.Message` records or of message dicts
      (Symbl-shaped or flat), or a payload dict (``{"messages": [...]}``, ...).

    Bad input raises :class:`trackerkit.TrackerDataError` naming the file, record and field;
    a message without text is kept (as ``""``) and reported by a warning, never dropped.

        >>> frame = load_conversations([{"conversation_id": "c", "message_id": 1, "text": "hi"}])
        >>> frame["message_id"].tolist()
        ['1']
    """
    import pandas as pd  # lazy: heavy

    if isinstance(source, pd.DataFrame):
        return messages_frame(source, columns=columns)
    if isinstance(source, str) and source in BUILT_IN:
        if columns is not None:
            raise TrackerDataError("columns= does not apply to the built-in conversations")
        return sample_conversations() if source == "sample" else ami_meetings()
    if isinstance(source, (str, os.PathLike)):
        return read_conversations(Path(source), columns=columns)
    if columns is not None:
        raise TrackerDataError("columns= applies to a DataFrame or a file only")
    if isinstance(source, Mapping):
        return messages_frame(parse_transcript(source))
    if isinstance(source, (list, tuple)):
        if all(isinstance(m, Message) for m in source):
            return messages_frame(source)
        return messages_frame([message_from_dict(m, index=i) for i, m in enumerate(source)])
    if hasattr(source, "get_messages"):
        raise TrackerDataError(
            "loading conversations through a client is not available yet: save the messages response "
            "to a file and load that"
        )
    raise TrackerDataError(
        f"cannot load conversations from {type(source).__name__}: pass 'sample', 'ami', a file path, "
        "a DataFrame or a list of messages"
    )


def load_tracker_results(
    source: Any = "sample",
    *,
    messages: Any = None,
    conversation_id: str | None = None,
) -> pd.DataFrame:
    """Tracker hits (Symbl's, or saved ones) as the hits frame (one row per messageRef).

    ``source`` is ``"sample"`` (the stored results of the sample conversations, with each
    message's speaker and time), a path (see :func:`trackerkit.transcripts.read_tracker_results`),
    a results document (``{conversation_id: [...]}``, a ``trackers-detected`` array with
    ``conversation_id=``, ``tracker_response`` events), a list of
    :class:`~trackerkit.conversation.Hit`, or a hits frame. ``messages`` (anything
    :func:`load_conversations` takes) fills in each hit's text, speaker and time.
    """
    import pandas as pd  # lazy: heavy

    if isinstance(source, pd.DataFrame):
        missing = [c for c in HIT_COLUMNS if c not in source.columns]
        if missing:
            raise TrackerDataError(f"not a hits frame: missing column(s) {', '.join(map(repr, missing))}")
        return source.loc[:, list(HIT_COLUMNS)].copy()
    if isinstance(source, str) and source == "sample":
        hits = sample_tracker_hits()
        if messages is None:
            return hits_frame(hits)
    elif isinstance(source, (str, os.PathLike)):
        hits = read_tracker_results(Path(source), conversation_id=conversation_id)
    elif isinstance(source, (list, tuple)) and all(isinstance(h, Hit) for h in source) and source:
        hits = list(source)
    elif isinstance(source, (Mapping, list, tuple)):
        hits = parse_results_document(source, conversation_id=conversation_id)
    else:
        raise TrackerDataError(
            f"cannot load tracker results from {type(source).__name__}: pass 'sample', a file path, "
            "a results document or a hits frame"
        )
    if messages is not None:
        hits = attach_messages(hits, _message_records(messages))
    return hits_frame(hits)


def _message_records(messages: Any) -> list[Message]:
    """Message records of anything :func:`load_conversations` takes (the sample without a frame)."""
    import pandas as pd  # lazy: heavy

    if isinstance(messages, str) and messages == "sample":
        return sample_conversation_messages()
    frame = load_conversations(messages)
    records = []
    for row in frame.itertuples(index=False):
        values: dict[str, Any] = {}
        for column in MESSAGE_COLUMNS:
            value = getattr(row, column)
            if value is None or (not isinstance(value, str) and pd.isna(value)):
                value = None
            elif column in ("start_time", "end_time"):
                value = value.to_pydatetime()
            values[column] = value
        records.append(Message(**values))
    return records
