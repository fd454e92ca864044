"""Load conversations and tracker results from anything: the sample, files, frames, records,
or the API through a client.

>>> messages = load_conversations("sample")            # the 120 sample calls
>>> hits = load_tracker_results("sample")             # what Symbl returned for them
>>> int((hits["match"] == "literal").sum()), int((hits["match"] == "meaning").sum())
(784, 109)

Through a :class:`~trackerkit.SymblClient` (here the emulator of the sample account), the
same frames:

>>> from trackerkit.emulator import sample_client
>>> with sample_client() as client:
...     api = load_conversations(client, start_time="2026-06-01", end_time="2026-09-01", progress=False)
>>> api.equals(messages)
True
"""

from __future__ import annotations

import inspect
import logging
import os
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_bool, check_count
from trackerkit.constants import HIT_COLUMNS, MESSAGE_COLUMNS
from trackerkit.conversation import (
    ConversationDataWarning,
    Hit,
    Message,
    attach_messages,
    message_from_dict,
    parse_results_document,
    parse_transcript,
)
from trackerkit.conversation_frames import hits_frame, messages_frame
from trackerkit.errors import InvalidParameterError, TrackerDataError
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

logger = logging.getLogger("trackerkit")

#: Names of the conversations trackerkit ships.
BUILT_IN = ("sample", "ami")


def load_conversations(
    source: Any = "sample",
    *,
    columns: Mapping[str, str] | None = None,
    conversations: Any = None,
    start_time: Any = None,
    end_time: Any = None,
    concurrency: int = 8,
    progress: bool = True,
) -> pd.DataFrame:
    """Messages from ``source`` as the messages frame (one row per message).

    ``source`` is:

    * ``"sample"``: the 120 sample calls of the sample account (the default);
    * ``"ami"``: the ten real AMI meetings trackerkit ships;
    * a path: a transcript file (see :func:`trackerkit.transcripts.read_conversations`);
    * a DataFrame, with ``columns=`` mapping trackerkit's names to its own
      (``{"conversation_id": "call", "text": "utterance"}``);
    * a list of :class:`~trackerkit.conversation.Message` records or of message dicts
      (Symbl-shaped or flat), or a payload dict (``{"messages": [...]}``, ...);
    * a :class:`~trackerkit.SymblClient`: the messages of ``conversations`` (ids, or the
      :class:`~trackerkit.api.ConversationList` of ``client.list_conversations(...)``), or of
      every conversation the API lists between ``start_time`` and ``end_time`` (see
      :meth:`~trackerkit.SymblClient.list_conversations`: without either, the last 7 days,
      the API's default window, and a :class:`ConversationDataWarning` says so). Fetched
      ``concurrency`` conversations at a time, with a progress bar unless ``progress=False``;
    * what ``await AsyncSymblClient.get_conversations(...)`` returns (a
      :class:`~trackerkit.api.FetchedConversations`): an async client cannot be driven from
      here.

    Bad input raises :class:`trackerkit.TrackerDataError` naming the file, record and field;
    a message without text is kept (as ``""``) and reported by a warning, never dropped.

        >>> frame = load_conversations([{"conversation_id": "c", "message_id": 1, "text": "hi"}])
        >>> frame["message_id"].tolist()
        ['1']
    """
    import pandas as pd  # lazy: heavy

    if _is_client(source):
        if columns is not None:
            raise InvalidParameterError("columns= does not apply to a client", parameter="columns")
        fetched = _fetch(source, conversations, start_time, end_time, False, concurrency, progress)
        return messages_frame(fetched.messages)
    _refuse_client_options(conversations, start_time, end_time, concurrency, progress)
    if _is_fetched(source):
        return messages_frame(source.messages)
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
    raise TrackerDataError(
        f"cannot load conversations from {type(source).__name__}: pass 'sample', 'ami', a file path, "
        "a DataFrame, a list of messages or a SymblClient"
    )


def load_tracker_results(
    source: Any = "sample",
    *,
    messages: Any = None,
    conversation_id: str | None = None,
    conversations: Any = None,
    start_time: Any = None,
    end_time: Any = None,
    concurrency: int = 8,
    progress: bool = True,
) -> pd.DataFrame:
    """Tracker hits (Symbl's, or saved ones) as the hits frame (one row per messageRef).

    ``source`` is ``"sample"`` (the stored results of the sample conversations, with each
    message's speaker and time), a path (see :func:`trackerkit.transcripts.read_tracker_results`),
    a results document (``{conversation_id: [...]}``, a ``trackers-detected`` array with
    ``conversation_id=``, ``tracker_response`` events), a list of
    :class:`~trackerkit.conversation.Hit`, a hits frame, a
    :class:`~trackerkit.api.FetchedConversations`, or a :class:`~trackerkit.SymblClient`
    (``conversations``, ``start_time``, ``end_time``, ``concurrency`` and ``progress`` as for
    :func:`load_conversations`). ``messages`` (anything :func:`load_conversations` takes)
    fills in each hit's text, speaker and time; through a client, by default, the messages
    are fetched along with the results for that (``messages=False``: the results only).

        >>> hits = load_tracker_results("sample")
        >>> hits.loc[0, ["tracker_name", "value", "match", "speaker_name"]].tolist()
        ['Next steps', 'what are the next steps', 'meaning', 'Samuel Castellanos']
    """
    import pandas as pd  # lazy: heavy

    if _is_client(source):
        if conversation_id is not None:
            raise InvalidParameterError(
                "conversation_id= is for one-conversation files; with a client pass conversations=[...]",
                parameter="conversation_id",
            )
        with_messages = messages is None
        fetched = _fetch(
            source, conversations, start_time, end_time, True, concurrency, progress, with_messages
        )
        if with_messages or messages is False:
            return hits_frame(fetched.hits)
        return hits_frame(attach_messages(fetched.hits, _message_records(messages)))
    _refuse_client_options(conversations, start_time, end_time, concurrency, progress)
    if messages is False:
        messages = None
    if _is_fetched(source):
        hits = list(source.hits)
        if messages is None:
            return hits_frame(hits)
        return hits_frame(attach_messages(hits, _message_records(messages)))
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


# --------------------------------------------------------------------------- through a client


def _is_client(source: Any) -> bool:
    """Whether ``source`` is a trackerkit client (duck-typed: importing the client modules
    would import httpx for every call)."""
    return callable(getattr(source, "get_conversations", None)) and callable(
        getattr(source, "list_conversations", None)
    )


def _is_fetched(source: Any) -> bool:
    """Whether ``source`` is what ``get_conversations`` returns (a FetchedConversations)."""
    return type(source).__name__ == "FetchedConversations" and all(
        hasattr(source, name) for name in ("conversations", "messages", "hits", "missing")
    )


def _refuse_client_options(
    conversations: Any, start_time: Any, end_time: Any, concurrency: Any, progress: Any
) -> None:
    given = [
        name
        for name, value in (
            ("conversations", conversations),
            ("start_time", start_time),
            ("end_time", end_time),
        )
        if value is not None
    ]
    given += [
        name
        for name, value, default in (("concurrency", concurrency, 8), ("progress", progress, True))
        if not (type(value) is type(default) and value == default)
    ]
    if given:
        raise InvalidParameterError(
            f"{', '.join(given)} appl{'ies' if len(given) == 1 else 'y'} to loading through a client only",
            parameter=given[0],
        )


def _fetch(
    client: Any,
    conversations: Any,
    start_time: Any,
    end_time: Any,
    tracker_results: bool,
    concurrency: Any,
    progress: Any,
    messages: bool = True,
) -> Any:
    """``client.get_conversations(...)`` of ``conversations``, or of the listed window."""
    if inspect.iscoroutinefunction(client.get_conversations):
        raise InvalidParameterError(
            "an AsyncSymblClient cannot be driven from here: "
            "fetched = await client.get_conversations(ids_or_listing, tracker_results=True), "
            "then load_conversations(fetched) / load_tracker_results(fetched)",
            parameter="source",
        )
    check_count("concurrency", concurrency)
    check_bool("progress", progress)
    if conversations is None:
        listing = client.list_conversations(start_time=start_time, end_time=end_time)
        if start_time is None and end_time is None:
            warnings.warn(
                f"no window given: listed the last 7 days (the API's default window), {listing.describe()}; "
                "pass start_time= / end_time= (or conversations=) for others",
                ConversationDataWarning,
                stacklevel=3,
            )
        else:
            logger.info("listed %s", listing.describe())
        conversations = listing
    elif start_time is not None or end_time is not None:
        raise InvalidParameterError(
            "start_time / end_time choose the conversations to list; with conversations= they do not apply",
            parameter="start_time",
        )
    return client.get_conversations(
        conversations,
        messages=messages,
        tracker_results=tracker_results,
        concurrency=concurrency,
        progress=progress,
    )
