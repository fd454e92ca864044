"""Messages and tracker hits: immutable records, and the parsing of every shape Symbl documents.

* :class:`Message`: one turn of a conversation (``GET /v1/conversations/{id}/messages``, the
  async-text payload users send, or any transcript).
* :class:`Hit`: one message matched by one phrase of one tracker (``GET
  /v1/conversations/{id}/trackers-detected``, streaming ``tracker_response`` events, or the
  replay of :func:`trackerkit.analysis._replay.replay`).

Parsers check every record and raise :class:`trackerkit.TrackerDataError` naming the record (its
position, conversation and message id) and the field; nothing is dropped. Ids are always strings
(an integer id is converted; a float, which may have lost digits, is refused). Times are
``datetime`` objects: ISO 8601 strings with a time zone become UTC; a time without a zone stays
naive here and :func:`trackerkit.conversation_frames.messages_frame` decides (see there).

    >>> messages = parse_messages(
    ...     {"messages": [{"id": "1", "conversationId": "c1", "text": "Hi there", "from": {"name": "Ann"},
    ...                    "startTime": "2020-07-10T11:16:21.024Z"}]}
    ... )
    >>> messages[0].message_id, messages[0].speaker_name, messages[0].start_time.isoformat()
    ('1', 'Ann', '2020-07-10T11:16:21.024000+00:00')
    >>> hits = parse_tracker_results(
    ...     [{"id": "9", "name": "Pricing", "matches": [{"type": "vocabulary", "value": "price",
    ...       "messageRefs": [{"id": "1", "text": "The price?", "offset": 4}]}]}], conversation_id="c1"
    ... )
    >>> hits[0].tracker_name, hits[0].match, hits[0].offset
    ('Pricing', 'literal', 4)
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from trackerkit.errors import TrackerDataError

__all__ = [
    "ConversationDataWarning",
    "Hit",
    "Message",
    "attach_messages",
    "parse_ami_meeting",
    "parse_async_text",
    "parse_conversations",
    "parse_messages",
    "parse_results_document",
    "parse_timestamp",
    "parse_tracker_response",
    "parse_tracker_results",
    "parse_transcript",
]


class ConversationDataWarning(UserWarning):
    """Conversation data was loaded with a documented, reported adjustment (an empty text, a
    time without a time zone taken as UTC, control characters): the message names the records."""


@dataclass(frozen=True, slots=True)
class Message:
    """One message (turn) of a conversation.

    ``start_time`` / ``end_time`` are ``datetime`` (UTC) or None; ``time_offset`` and
    ``duration`` are seconds from the conversation's start (None when unknown); ``language`` is
    the conversation's language code (``"en-US"``) when known.
    """

    conversation_id: str
    message_id: str
    text: str
    speaker_name: str | None = None
    speaker_id: str | None = None
    speaker_email: str | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    time_offset: float | None = None
    duration: float | None = None
    language: str | None = None

    def __repr__(self) -> str:
        return (
            f"Message(conversation_id={self.conversation_id!r}, message_id={self.message_id!r}, "
            f"{len(self.text)} characters)"
        )


@dataclass(frozen=True, slots=True)
class Hit:
    """One message matched by one phrase (``value``) of one tracker.

    ``match`` is ``"literal"`` (the phrase occurs in the text: ``offset`` is the 0-based
    character position of ``matched_text`` in ``text``) or ``"meaning"`` (``offset`` -1,
    ``matched_text`` empty). ``score`` is in [0, 1]: 1.0 for a literal match, the similarity for
    a match by meaning, NaN when unknown (Symbl does not report it). The message fields
    (``text``, speaker, time) are None until known (:func:`attach_messages`).
    """

    conversation_id: str
    message_id: str
    tracker_id: str | None
    tracker_name: str
    value: str
    match: str
    offset: int
    matched_text: str | None = None
    score: float = math.nan
    text: str | None = None
    speaker_name: str | None = None
    speaker_id: str | None = None
    speaker_email: str | None = None
    start_time: dt.datetime | None = None
    time_offset: float | None = None


# --------------------------------------------------------------------------- field checks


def _error(
    problem: str,
    *,
    index: int | None = None,
    conversation_id: str | None = None,
    message_id: str | None = None,
    field: str | None = None,
) -> TrackerDataError:
    """A TrackerDataError that says which record and which field: "record 3 (conversation
    'c1', message 'm7'), field 'text': ..."."""
    ids = []
    if conversation_id is not None:
        ids.append(f"conversation {conversation_id!r}")
    if message_id is not None:
        ids.append(f"message {message_id!r}")
    where = "" if index is None else f"record {index}"
    if ids:
        where = f"{where} ({', '.join(ids)})" if where else ", ".join(ids)
    if field is not None:
        where = f"{where}, field {field!r}" if where else f"field {field!r}"
    exc = TrackerDataError(f"{where}: {problem}" if where else problem)
    exc.index, exc.field = index, field
    return exc


def _parse_id(value: Any, field: str, **where: Any) -> str:
    if isinstance(value, bool) or value is None:
        raise _error("is missing" if value is None else f"is a boolean ({value!r})", field=field, **where)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip():
        return value.strip()
    if isinstance(value, float):
        raise _error(
            f"is a float ({value!r}), which may have lost digits of the id; read ids as strings "
            "(for CSV: dtype=str)",
            field=field,
            **where,
        )
    raise _error(f"must be a non-empty string, got {type(value).__name__} {value!r}", field=field, **where)


def _has_surrogate(text: str) -> bool:
    if text.isascii():
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _parse_text(value: Any, field: str, **where: Any) -> str:
    """The message text: a string; a missing text is ``""`` (reported by messages_frame)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _error(f"must be a string, got {type(value).__name__} {value!r}", field=field, **where)
    if _has_surrogate(value):
        raise _error(
            "contains a lone surrogate (not valid Unicode text; the file was decoded wrongly)",
            field=field,
            **where,
        )
    return value


def _optional_str(value: Any, field: str, **where: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _error(f"must be a string, got {type(value).__name__} {value!r}", field=field, **where)
    value = value.strip()
    return value or None


def _optional_number(value: Any, field: str, **where: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        try:
            value = float(value)
        except ValueError:
            raise _error(f"must be a number of seconds, got {value!r}", field=field, **where) from None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise _error(f"must be a number of seconds, got {type(value).__name__}", field=field, **where)
    value = float(value)
    if math.isnan(value):
        return None
    if math.isinf(value):
        raise _error(f"must be a finite number, got {value!r}", field=field, **where)
    return value


_ISO = re.compile(
    r"(\d{4})-(\d\d)-(\d\d)"
    r"(?:[T ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?)?"
    r"\s*(Z|z|[+-]\d\d(?::?\d\d)?)?"
)


def parse_timestamp(value: Any) -> dt.datetime | None:
    """An ISO 8601 timestamp (string or ``datetime``) as a ``datetime``: UTC when it carries a
    time zone (``Z``, ``+02:00``, ``-0500``), naive when it does not, None for None or ``""``.

        >>> parse_timestamp("2026-06-01T14:03:12.34+02:00").isoformat()
        '2026-06-01T12:03:12.340000+00:00'
        >>> parse_timestamp("2026-06-01 14:03")
        datetime.datetime(2026, 6, 1, 14, 3)

    Raises ``ValueError`` for anything else (``"06/01/2026"``, a number).
    """
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(dt.timezone.utc)
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        found = _ISO.fullmatch(text)
        if found:
            year, month, day, hour, minute, second, fraction, zone = found.groups()
            micro = int((fraction or "0")[:6].ljust(6, "0"))
            try:
                moment = dt.datetime(
                    int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0), micro
                )
            except ValueError as exc:
                raise ValueError(f"not a valid date or time: {value!r} ({exc})") from None
            if zone is None:
                return moment
            if zone in "Zz":
                return moment.replace(tzinfo=dt.timezone.utc)
            sign = 1 if zone[0] == "+" else -1
            digits = zone[1:].replace(":", "")
            hours, minutes = int(digits[:2]), int(digits[2:] or 0)
            if hours > 23 or minutes > 59:
                raise ValueError(f"not a valid time zone offset: {value!r}")
            offset = dt.timedelta(hours=hours, minutes=minutes) * sign
            return (moment - offset).replace(tzinfo=dt.timezone.utc)
    raise ValueError(f"not an ISO 8601 timestamp: {value!r}")


def _time(value: Any, field: str, **where: Any) -> dt.datetime | None:
    try:
        return parse_timestamp(value)
    except ValueError as exc:
        raise _error(str(exc), field=field, **where) from None


# --------------------------------------------------------------------------- messages


def _mapping(data: Any, what: str, **where: Any) -> Mapping[str, Any]:
    if not isinstance(data, Mapping):
        raise _error(f"expected {what} object, got {type(data).__name__}", **where)
    return data


def message_from_dict(
    data: Any, *, index: int | None = None, conversation_id: str | None = None, language: str | None = None
) -> Message:
    """One message from a Symbl message object (``id``, ``conversationId``, ``text``, ``from``,
    ``startTime``, ...) or a flat record with the messages frame's column names
    (``conversation_id``, ``message_id``, ``text``, ``speaker_name``, ...).

    ``conversation_id`` and ``language`` are defaults for records that do not carry them.
    """
    data = _mapping(data, "a message", index=index)
    flat = "message_id" in data
    raw_message_id = data.get("message_id") if flat else data.get("id")
    message_id = _parse_id(raw_message_id, "message_id" if flat else "id", index=index)
    raw_conversation = data.get("conversation_id", data.get("conversationId", conversation_id))
    conversation = _parse_id(
        raw_conversation,
        "conversation_id" if "conversation_id" in data or raw_conversation is None else "conversationId",
        index=index,
        message_id=message_id,
    )
    where = {"index": index, "conversation_id": conversation, "message_id": message_id}
    speaker: Mapping[str, Any] = {}
    if data.get("from") is not None:
        speaker = _mapping(data["from"], "a 'from'", **where)
    name = _optional_str(data.get("speaker_name", speaker.get("name")), "speaker_name", **where)
    speaker_id = _optional_str(
        data.get("speaker_id", speaker.get("id", speaker.get("userId"))), "speaker_id", **where
    )
    email = _optional_str(data.get("speaker_email", speaker.get("email")), "speaker_email", **where)
    start_field = "start_time" if "start_time" in data else "startTime"
    end_field = "end_time" if "end_time" in data else "endTime"
    offset_field = "time_offset" if "time_offset" in data else "timeOffset"
    lang = data.get("language", language)
    return Message(
        conversation_id=conversation,
        message_id=message_id,
        text=_parse_text(data.get("text"), "text", **where),
        speaker_name=name,
        speaker_id=speaker_id,
        speaker_email=email,
        start_time=_time(data.get(start_field), start_field, **where),
        end_time=_time(data.get(end_field), end_field, **where),
        time_offset=_optional_number(data.get(offset_field), offset_field, **where),
        duration=_optional_number(data.get("duration"), "duration", **where),
        language=_optional_str(lang, "language", **where),
    )


def _records(payload: Any, key: str, what: str) -> Sequence[Any]:
    """The list under ``key`` of a response object, or the payload itself if it is a list."""
    if isinstance(payload, Mapping):
        if key not in payload:
            raise TrackerDataError(
                f"expected {what}: an object with a {key!r} list, got keys {sorted(payload)}"
            )
        payload = payload[key]
    if not isinstance(payload, list):
        raise TrackerDataError(f"expected {what}: a list under {key!r}, got {type(payload).__name__}")
    return payload


def parse_messages(
    payload: Any, *, conversation_id: str | None = None, language: str | None = None
) -> list[Message]:
    """The messages of a ``GET /v1/conversations/{id}/messages`` response (``{"messages":
    [...]}``), a list of message objects, or a list of flat records.

    ``conversation_id`` is used for messages without ``conversationId`` (the API always sends
    it; exports may not) and ``language`` for messages without a language.
    """
    records = _records(payload, "messages", "a messages response")
    return [
        message_from_dict(record, index=i, conversation_id=conversation_id, language=language)
        for i, record in enumerate(records)
    ]


def parse_async_text(payload: Any, *, conversation_id: str, language: str | None = None) -> list[Message]:
    """The messages of Symbl's async-text request body, ``{"messages": [{"payload":
    {"content": ...}, "from": {"name", "userId"}, "duration": {"startTime", "endTime"}}]}``.

    The shape has no ids: messages get ``f"{conversation_id}-{n}"`` (``n`` from 0, in order);
    ``from.userId`` is the speaker id (an e-mail address when it looks like one, as Symbl's
    examples use it, is the speaker e-mail too).

        >>> payload = {"messages": [{"payload": {"content": "Hello"}, "from": {"name": "Ann"}}]}
        >>> [m.message_id for m in parse_async_text(payload, conversation_id="call7")]
        ['call7-0']
    """
    records = _records(payload, "messages", "an async-text payload")
    conversation = _parse_id(conversation_id, "conversation_id")
    if isinstance(payload, Mapping) and language is None:
        language = _first_language(payload.get("languages") or payload.get("languageCode"))
    out = []
    for n, record in enumerate(records):
        message_id = f"{conversation}-{n}"
        where = {"index": n, "conversation_id": conversation, "message_id": message_id}
        record = _mapping(record, "a message", **where)
        body = _mapping(record.get("payload"), "a 'payload'", **where)
        if "content" not in body:
            raise _error("has no 'content'", field="payload.content", **where)
        speaker = _mapping(record.get("from") or {}, "a 'from'", **where)
        user_id = _optional_str(speaker.get("userId", speaker.get("id")), "from.userId", **where)
        email = _optional_str(speaker.get("email"), "from.email", **where)
        if email is None and user_id is not None and "@" in user_id:
            email = user_id
        span = _mapping(record.get("duration") or {}, "a 'duration'", **where)
        out.append(
            Message(
                conversation_id=conversation,
                message_id=message_id,
                text=_parse_text(body.get("content"), "payload.content", **where),
                speaker_name=_optional_str(speaker.get("name"), "from.name", **where),
                speaker_id=user_id,
                speaker_email=email,
                start_time=_time(span.get("startTime"), "duration.startTime", **where),
                end_time=_time(span.get("endTime"), "duration.endTime", **where),
                language=language,
            )
        )
    return out


def _first_language(value: Any) -> str | None:
    if isinstance(value, str):
        return value or None
    if isinstance(value, list) and value and isinstance(value[0], str):
        return value[0]
    return None


def parse_conversations(payload: Any) -> list[Message]:
    """The messages of ``{"conversations": [{"id", "metadata": {"language"}, "messages": [...]},
    ...]}``: conversation objects of ``GET /v1/conversations`` with their messages embedded
    (the shape of trackerkit's sample conversations). A conversation's language is its
    ``language`` or ``metadata.language``."""
    conversations = _records(payload, "conversations", "a conversations document")
    out: list[Message] = []
    for index, conversation in enumerate(conversations):
        conversation = _mapping(conversation, "a conversation", index=index)
        conversation_id = _parse_id(conversation.get("id"), "id", index=index)
        metadata = conversation.get("metadata") or {}
        language = conversation.get("language") or (
            metadata.get("language") if isinstance(metadata, Mapping) else None
        )
        if "messages" not in conversation:
            raise _error(
                "has no 'messages' list", index=index, conversation_id=conversation_id, field="messages"
            )
        try:
            out.extend(
                parse_messages(
                    conversation["messages"],
                    conversation_id=conversation_id,
                    language=_optional_str(language, "language", index=index),
                )
            )
        except TrackerDataError as exc:
            raise TrackerDataError(f"conversation {index} ({conversation_id!r}): {exc}") from None
    return out


def parse_ami_meeting(payload: Any) -> list[Message]:
    """The utterances of an AMI meeting in QMSum's form (``meeting_id``, ``meeting_transcripts``:
    ``[{"speaker": role, "content": text}]``): the speaker's role is ``speaker_name``, message
    ids are ``f"{meeting_id}-{n}"`` (``n`` from 0, QMSum's utterance index), there are no times,
    and the language is ``"en"``."""
    if not isinstance(payload, Mapping) or "meeting_transcripts" not in payload:
        raise TrackerDataError(
            "expected an AMI meeting: an object with 'meeting_id' and 'meeting_transcripts'"
        )
    meeting = _parse_id(payload.get("meeting_id"), "meeting_id")
    utterances = payload["meeting_transcripts"]
    if not isinstance(utterances, list):
        raise _error("must be a list", conversation_id=meeting, field="meeting_transcripts")
    out = []
    for n, utterance in enumerate(utterances):
        message_id = f"{meeting}-{n}"
        where = {"index": n, "conversation_id": meeting, "message_id": message_id}
        utterance = _mapping(utterance, "an utterance", **where)
        out.append(
            Message(
                conversation_id=meeting,
                message_id=message_id,
                text=_parse_text(utterance.get("content"), "content", **where),
                speaker_name=_optional_str(utterance.get("speaker"), "speaker", **where),
                language="en",
            )
        )
    return out


# --------------------------------------------------------------------------- hits


def _offset(value: Any, **where: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < -1:
        raise _error(f"must be -1 or a character position >= 0, got {value!r}", field="offset", **where)
    return value


def _tracker_hits(trackers: Any, *, conversation_id: str, require_id: bool, context: str) -> list[Hit]:
    if not isinstance(trackers, list):
        raise TrackerDataError(f"{context}: expected a list of trackers, got {type(trackers).__name__}")
    hits = []
    for t_index, tracker in enumerate(trackers):
        where_t = f"{context}: tracker {t_index}"
        if not isinstance(tracker, Mapping):
            raise TrackerDataError(f"{where_t}: expected an object, got {type(tracker).__name__}")
        raw_id = tracker.get("id")
        if raw_id is None and not require_id:
            tracker_id = None
        else:
            try:
                tracker_id = _parse_id(raw_id, "id")
            except TrackerDataError as exc:
                raise TrackerDataError(f"{where_t}: {exc}") from None
        name = tracker.get("name")
        if not isinstance(name, str) or not name.strip():
            raise TrackerDataError(f"{where_t}, field 'name': must be a non-empty string, got {name!r}")
        matches = tracker.get("matches")
        if not isinstance(matches, list):
            raise TrackerDataError(f"{where_t} ({name!r}), field 'matches': expected a list, got {matches!r}")
        for m_index, match in enumerate(matches):
            where_m = f"{where_t} ({name!r}), match {m_index}"
            if not isinstance(match, Mapping):
                raise TrackerDataError(f"{where_m}: expected an object, got {type(match).__name__}")
            value = match.get("value")
            if not isinstance(value, str):
                raise TrackerDataError(
                    f"{where_m}, field 'value': must be the phrase (a string), got {value!r}"
                )
            refs = match.get("messageRefs", [])
            if not isinstance(refs, list):
                raise TrackerDataError(f"{where_m}, field 'messageRefs': expected a list, got {refs!r}")
            for r_index, ref in enumerate(refs):
                if not isinstance(ref, Mapping):
                    raise TrackerDataError(f"{where_m}, messageRef {r_index}: expected an object")
                try:
                    message_id = _parse_id(ref.get("id"), "id")
                    where = {"conversation_id": conversation_id, "message_id": message_id}
                    offset = _offset(ref.get("offset"), **where)
                    text = ref.get("text")
                    text = None if text is None else _parse_text(text, "text", **where)
                except TrackerDataError as exc:
                    raise TrackerDataError(f"{where_m}, messageRef {r_index}: {exc}") from None
                literal = offset >= 0
                hits.append(
                    Hit(
                        conversation_id=conversation_id,
                        message_id=message_id,
                        tracker_id=tracker_id,
                        tracker_name=name,
                        value=value,
                        match="literal" if literal else "meaning",
                        offset=offset,
                        matched_text=None if literal else "",
                        score=1.0 if literal else math.nan,
                        text=text,
                    )
                )
    return hits


def parse_tracker_results(payload: Any, *, conversation_id: str) -> list[Hit]:
    """The hits of ``GET /v1/conversations/{id}/trackers-detected`` (or ``/trackers``): a list
    of ``{"id", "name", "matches": [{"value", "messageRefs": [{"id", "text", "offset"}]}]}``
    (also accepted wrapped as ``{"trackers": [...]}``). One :class:`Hit` per messageRef, in the
    payload's order."""
    conversation = _parse_id(conversation_id, "conversation_id")
    trackers = payload.get("trackers") if isinstance(payload, Mapping) else payload
    return _tracker_hits(
        trackers, conversation_id=conversation, require_id=True, context=f"conversation {conversation!r}"
    )


def parse_tracker_response(event: Any, *, conversation_id: str) -> list[Hit]:
    """The hits of one streaming ``{"type": "tracker_response", "trackers": [...]}`` event
    (the tracker ``id`` is optional there: older versions send names only)."""
    conversation = _parse_id(conversation_id, "conversation_id")
    if not isinstance(event, Mapping) or event.get("type") != "tracker_response":
        kind = event.get("type") if isinstance(event, Mapping) else type(event).__name__
        raise TrackerDataError(f"expected a 'tracker_response' event, got {kind!r}")
    return _tracker_hits(
        event.get("trackers"),
        conversation_id=conversation,
        require_id=False,
        context=f"tracker_response {event.get('sequenceNumber', '?')}",
    )


def attach_messages(hits: Iterable[Hit], messages: Iterable[Message]) -> list[Hit]:
    """The hits with their message's text, speaker and time filled in from ``messages``
    (matched on conversation and message id; a hit whose message is not there is unchanged)."""
    index = {(m.conversation_id, m.message_id): m for m in messages}
    out = []
    for hit in hits:
        message = index.get((hit.conversation_id, hit.message_id))
        if message is None:
            out.append(hit)
            continue
        out.append(
            replace(
                hit,
                text=message.text if hit.text is None else hit.text,
                speaker_name=message.speaker_name,
                speaker_id=message.speaker_id,
                speaker_email=message.speaker_email,
                start_time=message.start_time,
                time_offset=message.time_offset,
            )
        )
    return out


# --------------------------------------------------------------------------- any document


def parse_transcript(document: Any, *, conversation_id: str | None = None) -> list[Message]:
    """The messages of any transcript document trackerkit reads, by its shape:

    * ``{"conversations": [...]}``: :func:`parse_conversations`;
    * ``{"meeting_id", "meeting_transcripts"}``: :func:`parse_ami_meeting`;
    * ``{"messages": [{"payload": ...}]}``: :func:`parse_async_text` (conversation id: the
      document's ``conversationId``, else ``conversation_id``);
    * ``{"messages": [...]}`` or a list of messages: :func:`parse_messages`.
    """
    if isinstance(document, Mapping):
        if "conversations" in document:
            return parse_conversations(document)
        if "meeting_transcripts" in document:
            return parse_ami_meeting(document)
        records = document.get("messages")
        if (
            isinstance(records, list)
            and records
            and isinstance(records[0], Mapping)
            and "payload" in records[0]
        ):
            own = document.get("conversationId", document.get("conversation_id"))
            chosen = own if own is not None else conversation_id
            if chosen is None:
                raise TrackerDataError(
                    "an async-text payload has no conversation id: pass conversation_id=... "
                    "(files use their name)"
                )
            return parse_async_text(document, conversation_id=chosen)
        if "messages" in document:
            return parse_messages(document, conversation_id=conversation_id)
        raise TrackerDataError(
            "not a transcript: expected {'messages': [...]}, {'conversations': [...]}, an async-text payload "
            f"or an AMI meeting; got an object with keys {sorted(map(str, document))[:8]}"
        )
    if isinstance(document, list):
        return parse_messages(document, conversation_id=conversation_id)
    raise TrackerDataError(f"not a transcript: expected a JSON object or list, got {type(document).__name__}")


def parse_results_document(document: Any, *, conversation_id: str | None = None) -> list[Hit]:
    """The hits of any tracker-results document, by its shape:

    * ``{conversation_id: [trackers...], ...}``: one ``trackers-detected`` array per
      conversation (the shape of trackerkit's stored sample results);
    * a ``trackers-detected`` array, or ``{"trackers": [...]}``: one conversation
      (``conversation_id`` says which);
    * a ``tracker_response`` event or a list of them: one conversation.
    """

    def need_id() -> str:
        if conversation_id is None:
            raise TrackerDataError(
                "tracker results of one conversation: pass conversation_id=... (files use their name)"
            )
        return conversation_id

    if isinstance(document, Mapping):
        if document.get("type") == "tracker_response":
            return parse_tracker_response(document, conversation_id=need_id())
        if "trackers" in document:
            return parse_tracker_results(document, conversation_id=need_id())
        hits: list[Hit] = []
        for key, trackers in document.items():
            hits.extend(parse_tracker_results(trackers, conversation_id=key))
        return hits
    if isinstance(document, list):
        if document and all(isinstance(e, Mapping) and e.get("type") == "tracker_response" for e in document):
            chosen = need_id()
            return [
                hit for event in document for hit in parse_tracker_response(event, conversation_id=chosen)
            ]
        return parse_tracker_results(document, conversation_id=need_id())
    raise TrackerDataError(
        f"not tracker results: expected a JSON object or list, got {type(document).__name__}"
    )
