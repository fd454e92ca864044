"""The conversations side of the Symbl API without I/O: records, listing windows, parsing, and
the *plans* both clients run.

A plan is a generator that yields the GETs it needs (:class:`Get`), receives each answer as
``(payload, response)`` (or has the request's error thrown in at the ``yield``), and returns
its result. :class:`~trackerkit.api.SymblClient` and :class:`~trackerkit.api.AsyncSymblClient`
drive the same plans, so the rules (paging, the ``/trackers-detected`` to ``/trackers``
fallback, which conversation a record belongs to) live here once, and both flavours raise the
same errors for the same answers.

    >>> plan = messages_plan("c1", language="en-US")
    >>> next(plan)
    Get(path='/v1/conversations/c1/messages', params=None)
    >>> import httpx
    >>> response = httpx.Response(200, request=httpx.Request("GET", "https://x/v1/conversations/c1/messages"))
    >>> try:
    ...     plan.send(({"messages": [{"id": "m1", "conversationId": "c1", "text": "Hi"}]}, response))
    ... except StopIteration as done:
    ...     print(done.value)
    [Message(conversation_id='c1', message_id='m1', 2 characters)]
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple, TypeVar
from urllib.parse import quote

import httpx

from trackerkit._validation import check_bool, check_choice, check_count
from trackerkit.api._protocol import describe_url, normalize_id
from trackerkit.conversation import (
    Hit,
    Message,
    attach_messages,
    parse_messages,
    parse_timestamp,
    parse_tracker_results,
)
from trackerkit.errors import (
    InvalidParameterError,
    ResponseFormatError,
    TrackerDataError,
    TrackerNotFoundError,
)

__all__ = [
    "CONVERSATIONS_PATH",
    "DEFAULT_WINDOW",
    "RESULTS_ROUTES",
    "Conversation",
    "ConversationBatch",
    "ConversationList",
    "FetchedConversations",
    "Get",
    "Member",
    "ResultsRoute",
    "conversation_plan",
    "fetch_plan",
    "id_and_language",
    "list_plan",
    "listing_window",
    "messages_plan",
    "results_plan",
]

logger = logging.getLogger("trackerkit.api")

CONVERSATIONS_PATH = "/v1/conversations"
#: The two paths of a conversation's tracker results: the 2022 docs' ``/trackers-detected``
#: (which call ``/trackers`` deprecated) and ``/trackers`` (later docs and the Go SDK).
RESULTS_ROUTES = ("trackers-detected", "trackers")
#: The window the API lists when given none (and the client's default): the last 7 days.
DEFAULT_WINDOW = dt.timedelta(days=7)
#: Conversations asked for per page (the API's default is 20); a server that sends fewer is
#: followed page by page all the same.
DEFAULT_PAGE_SIZE = 100
_MAX_PAGES = 100_000
# Keys that would announce more messages than one response holds (none is documented).
_MORE_KEYS = ("nextToken", "next_token", "nextPageToken", "pageToken", "continuationToken", "cursor", "next")

T = TypeVar("T")


class Get(NamedTuple):
    """One GET a plan needs: a path under the base URL and its query parameters."""

    path: str
    params: dict[str, Any] | None = None


#: What a plan receives for each :class:`Get`: the decoded JSON and the response.
Answer = tuple[Any, httpx.Response]
Plan = Generator[Get, Answer, T]


# -- records ---------------------------------------------------------------------------------


class Member(NamedTuple):
    """A participant of a conversation, as the listing names it (either field may be None)."""

    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Conversation:
    """One conversation as ``GET /v1/conversations`` lists it (its messages are fetched apart).

    ``start_time`` / ``end_time`` are UTC ``datetime`` or None; ``language`` is the
    conversation's ``language`` or ``metadata.language`` (``"en-US"``), None when neither is
    there; ``metadata`` is the object as sent.

        >>> Conversation("5360756879665530", name="Discovery call")
        Conversation(id='5360756879665530', name='Discovery call', start_time=None)
    """

    id: str
    name: str | None = None
    type: str | None = None
    start_time: dt.datetime | None = None
    end_time: dt.datetime | None = None
    language: str | None = None
    members: tuple[Member, ...] = ()
    metadata: Mapping[str, Any] = field(default_factory=dict, hash=False)

    def __repr__(self) -> str:
        start = None if self.start_time is None else _iso(self.start_time)
        return f"Conversation(id={self.id!r}, name={self.name!r}, start_time={start})"


@dataclass(frozen=True)
class ConversationList(Sequence[Conversation]):
    """What :meth:`SymblClient.list_conversations` returns: the conversations, and the window
    and paging that produced them (the API lists only a window, the last 7 days by default).

    A sequence of :class:`Conversation` (by start time, then id; those without a start time
    last). ``start_time`` / ``end_time``: the window sent (UTC); ``complete``: False when
    ``max_conversations`` stopped the listing while the window held more; ``pages``: the
    requests it took.

        >>> start = dt.datetime(2026, 6, 1, tzinfo=dt.timezone.utc)
        >>> ConversationList((), start, start + DEFAULT_WINDOW, complete=True, pages=1)
        ConversationList(0 conversations, 2026-06-01T00:00:00.000Z to 2026-06-08T00:00:00.000Z, ...)
    """

    conversations: tuple[Conversation, ...]
    start_time: dt.datetime
    end_time: dt.datetime
    complete: bool
    pages: int

    def __len__(self) -> int:
        return len(self.conversations)

    def __getitem__(self, index: Any) -> Any:
        return self.conversations[index]

    def __iter__(self) -> Iterator[Conversation]:
        return iter(self.conversations)

    @property
    def ids(self) -> list[str]:
        """The conversation ids, in the listing's order."""
        return [c.id for c in self.conversations]

    @property
    def window(self) -> tuple[dt.datetime, dt.datetime]:
        """``(start_time, end_time)``: the window that was listed."""
        return self.start_time, self.end_time

    def describe(self) -> str:
        """One line for people: how many conversations, which window, whether complete."""
        state = "complete" if self.complete else "stopped at max_conversations"
        pages = f"{self.pages} page" + ("" if self.pages == 1 else "s")
        return (
            f"{len(self)} conversations, {_iso(self.start_time)} to {_iso(self.end_time)}, {state}, {pages}"
        )

    def __repr__(self) -> str:
        return f"ConversationList({self.describe()})"


@dataclass(frozen=True)
class FetchedConversations:
    """What :meth:`SymblClient.get_conversations` returns: the conversations found (in input
    order), all their messages and hits (in the same order), and the ids not found (404) when
    asked with ``missing="return"``.

    ``hits`` carry their message's speaker and time when the messages were fetched too.
    Pass the whole object to :func:`trackerkit.load_conversations` or
    :func:`trackerkit.load_tracker_results` for the frames.
    """

    conversations: list[Conversation]
    messages: list[Message]
    hits: list[Hit]
    missing: list[str]

    def __repr__(self) -> str:
        return (
            f"FetchedConversations({len(self.conversations)} conversations, {len(self.messages)} messages, "
            f"{len(self.hits)} hits, {len(self.missing)} missing)"
        )


class ResultsRoute:
    """Which tracker-results path a client tries first; it learns the other after a 404.

    A server that has only one of the two paths costs one extra request per client, not one
    per conversation. (A 404 on both means the conversation is missing: nothing is learnt.)
    """

    def __init__(self) -> None:
        self.preferred: str = RESULTS_ROUTES[0]

    def order(self) -> tuple[str, str]:
        first = self.preferred
        return first, next(r for r in RESULTS_ROUTES if r != first)


# -- parameters ------------------------------------------------------------------------------


def _iso(moment: dt.datetime) -> str:
    """A UTC moment as the API writes them: ``2020-07-10T11:16:21.024Z``."""
    moment = moment.astimezone(dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"


def _moment(value: Any, name: str) -> dt.datetime:
    """A window bound as an aware UTC ``datetime`` (a naive one, or a string without a time
    zone, is taken as UTC; a ``date`` is its midnight UTC)."""
    if isinstance(value, dt.datetime):
        moment = value
    elif isinstance(value, dt.date):
        moment = dt.datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = parse_timestamp(value)
        except ValueError as exc:
            raise InvalidParameterError(f"{name}: {exc}", parameter=name) from None
        if parsed is None:
            raise InvalidParameterError(f"{name} must not be empty", parameter=name)
        moment = parsed
    else:
        raise InvalidParameterError(
            f"{name} must be a datetime, a date or an ISO 8601 string; got {type(value).__name__}",
            parameter=name,
        )
    if moment.tzinfo is None:
        return moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def listing_window(
    start_time: Any = None, end_time: Any = None, *, now: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """The window a listing sends, made explicit: ``end_time`` defaults to now, ``start_time``
    to 7 days before ``end_time`` (the API's own default); a ``timedelta`` start is that long
    before the end. Times without a time zone are UTC; both are cut to milliseconds, as sent.

        >>> start, end = listing_window("2026-06-01", dt.timedelta(days=30) + dt.datetime(2026, 6, 1))
        >>> _iso(start), _iso(end)
        ('2026-06-01T00:00:00.000Z', '2026-07-01T00:00:00.000Z')
        >>> _iso(listing_window(dt.timedelta(days=1), "2026-06-02T12:00Z")[0])
        '2026-06-01T12:00:00.000Z'
    """
    end = _moment(end_time, "end_time") if end_time is not None else (now or dt.datetime.now(dt.timezone.utc))
    end = end.astimezone(dt.timezone.utc)
    if start_time is None:
        start = end - DEFAULT_WINDOW
    elif isinstance(start_time, dt.timedelta):
        if start_time <= dt.timedelta(0):
            raise InvalidParameterError(
                f"start_time as a timedelta must be positive (that long before end_time); got {start_time}",
                parameter="start_time",
            )
        start = end - start_time
    else:
        start = _moment(start_time, "start_time")
    # Reported exactly as sent: the API's timestamps have milliseconds.
    start, end = (m.replace(microsecond=m.microsecond // 1000 * 1000) for m in (start, end))
    if start >= end:
        raise InvalidParameterError(
            f"start_time ({_iso(start)}) must be before end_time ({_iso(end)})", parameter="start_time"
        )
    return start, end


# -- parsing ---------------------------------------------------------------------------------


def _data_error(response: httpx.Response, problem: Any) -> ResponseFormatError:
    """A record of a response that trackerkit cannot use; ``problem`` names record and field."""
    request = response.request
    return ResponseFormatError(f"{request.method} {describe_url(request.url)}: unexpected data: {problem}")


def _text(value: Any, field_name: str, where: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    raise TrackerDataError(f"{where}, field {field_name!r}: must be a string, got {type(value).__name__}")


def parse_conversation(data: Any, *, where: str = "conversation") -> Conversation:
    """A :class:`Conversation` from a conversation object (``id``, ``type``, ``name``,
    ``startTime``, ``endTime``, ``members``, ``metadata``); :class:`TrackerDataError` names the
    record and field.

        >>> parse_conversation({"id": "7", "startTime": "2026-06-01T13:33:06.220Z",
        ...                     "metadata": {"language": "es-ES"}}).language
        'es-ES'
    """
    if not isinstance(data, Mapping):
        raise TrackerDataError(f"{where}: expected a conversation object, got {type(data).__name__}")
    raw_id = data.get("id")
    if isinstance(raw_id, bool) or not isinstance(raw_id, (str, int)):
        raise TrackerDataError(f"{where}, field 'id': must be a string id, got {raw_id!r}")
    try:
        conversation_id = normalize_id(raw_id, "conversation")
    except TrackerDataError as exc:
        raise TrackerDataError(f"{where}, field 'id': {exc}") from None
    where = f"{where} ({conversation_id!r})"
    times = {}
    for key in ("startTime", "endTime"):
        try:
            times[key] = parse_timestamp(data.get(key))
        except ValueError as exc:
            raise TrackerDataError(f"{where}, field {key!r}: {exc}") from None
        if times[key] is not None and times[key].tzinfo is None:
            times[key] = times[key].replace(tzinfo=dt.timezone.utc)
    metadata = data.get("metadata")
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, Mapping):
        raise TrackerDataError(f"{where}, field 'metadata': must be an object, got {type(metadata).__name__}")
    language = data.get("language")
    field_name = "language"
    if language is None:
        language, field_name = metadata.get("language"), "metadata.language"
    members_data = data.get("members")
    if members_data is None:
        members_data = []
    if not isinstance(members_data, list):
        raise TrackerDataError(f"{where}, field 'members': must be a list, got {type(members_data).__name__}")
    members = []
    for n, member in enumerate(members_data):
        if not isinstance(member, Mapping):
            raise TrackerDataError(f"{where}, field 'members', member {n}: must be an object")
        members.append(
            Member(
                _text(member.get("name"), f"members[{n}].name", where),
                _text(member.get("email"), f"members[{n}].email", where),
            )
        )
    return Conversation(
        id=conversation_id,
        name=_text(data.get("name"), "name", where),
        type=_text(data.get("type"), "type", where),
        start_time=times["startTime"],
        end_time=times["endTime"],
        language=_text(language, field_name, where),
        members=tuple(members),
        metadata=dict(metadata),
    )


def _sort_key(conversation: Conversation) -> tuple[bool, dt.datetime, str]:
    """By start time, then id (a total order); conversations without a start time last."""
    start = conversation.start_time or dt.datetime.min.replace(tzinfo=dt.timezone.utc)
    return conversation.start_time is None, start, conversation.id


def id_and_language(conversation: Any) -> tuple[str, str | None]:
    """The id of a conversation given as an id or a :class:`Conversation`, checked to be
    plausible before any request, and its language when the record says it."""
    if isinstance(conversation, Conversation):
        return conversation.id, conversation.language
    return normalize_id(conversation, "conversation"), None


# -- plans -----------------------------------------------------------------------------------


def _conversation_path(conversation_id: str, suffix: str = "") -> str:
    path = f"{CONVERSATIONS_PATH}/{quote(conversation_id, safe='')}"
    return f"{path}/{suffix}" if suffix else path


def _get(conversation_id: str, path: str, params: dict[str, Any] | None = None) -> Plan[Answer]:
    """One GET about one conversation; a 404 names the conversation (``keys``)."""
    try:
        return (yield Get(path, params))
    except TrackerNotFoundError as exc:
        exc.keys = [conversation_id]
        raise


def list_plan(
    start: dt.datetime,
    end: dt.datetime,
    *,
    page_size: int = DEFAULT_PAGE_SIZE,
    max_conversations: int | None = None,
) -> Plan[ConversationList]:
    """Every conversation of the window ``[start, end)``, page by page (``limit`` and ``offset``),
    until a page comes back empty, or ``max_conversations`` are in hand.

    An empty page, not a short one, ends the listing: a server may cap ``limit`` below what
    was asked, and stopping at its first short page would return a truncated listing. A page
    that brings nothing new (a server ignoring ``offset``) is a :class:`ResponseFormatError`.
    """
    base = {"startTime": _iso(start), "endTime": _iso(end)}
    found: list[Conversation] = []
    seen: set[str] = set()
    offset = pages = repeated = 0
    complete = False
    while pages < _MAX_PAGES:
        remaining = None if max_conversations is None else max_conversations - len(found)
        # One more than still wanted: if it comes, the window holds more than max_conversations.
        limit = page_size if remaining is None else min(page_size, remaining + 1)
        payload, response = yield Get(CONVERSATIONS_PATH, {**base, "limit": limit, "offset": offset})
        pages += 1
        records = payload.get("conversations") if isinstance(payload, Mapping) else payload
        if not isinstance(records, list):
            shown = sorted(map(str, payload))[:8] if isinstance(payload, Mapping) else type(payload).__name__
            raise _data_error(response, f"expected {{'conversations': [...]}}, got {shown}")
        if not records:
            complete = True
            break
        try:
            page = [parse_conversation(r, where=f"conversation {offset + i}") for i, r in enumerate(records)]
        except TrackerDataError as exc:
            raise _data_error(response, exc) from None
        new = [c for c in page if c.id not in seen]
        if not new:
            raise _data_error(
                response,
                f"pagination does not advance: the page at offset {offset} repeats earlier conversations",
            )
        repeated += len(page) - len(new)
        offset += len(page)
        for conversation in new:
            if conversation.id not in seen:
                seen.add(conversation.id)
                found.append(conversation)
        if max_conversations is not None and len(found) > max_conversations:
            del found[max_conversations:]
            break
    else:
        raise ResponseFormatError(f"GET {CONVERSATIONS_PATH}: more than {_MAX_PAGES:,} pages; stopping")
    if repeated:
        logger.warning(
            "listing conversations: %d appeared on two pages (the server's order changed while paging); "
            "each is kept once",
            repeated,
        )
    found.sort(key=_sort_key)
    return ConversationList(tuple(found), start, end, complete=complete, pages=pages)


def conversation_plan(conversation_id: str) -> Plan[Conversation]:
    """``GET /v1/conversations/{id}``: the conversation's record, checked to be the one asked for."""
    payload, response = yield from _get(conversation_id, _conversation_path(conversation_id))
    if isinstance(payload, Mapping) and isinstance(payload.get("conversation"), Mapping):
        payload = payload["conversation"]
    try:
        conversation = parse_conversation(payload, where=f"conversation {conversation_id!r}")
    except TrackerDataError as exc:
        raise _data_error(response, exc) from None
    if conversation.id != conversation_id:
        raise _data_error(response, f"asked for conversation {conversation_id!r}, got {conversation.id!r}")
    return conversation


def messages_plan(conversation_id: str, language: str | None = None) -> Plan[list[Message]]:
    """``GET /v1/conversations/{id}/messages``: every message, each checked to belong to the
    conversation; a malformed message is an error naming it and its field, never skipped."""
    payload, response = yield from _get(conversation_id, _conversation_path(conversation_id, "messages"))
    if isinstance(payload, Mapping):
        announced = [k for k in _MORE_KEYS if payload.get(k) not in (None, "", False)]
        if announced or payload.get("hasMore") is True:
            # Never return part of a conversation as if it were all of it.
            raise _data_error(
                response,
                f"more messages announced ({', '.join(announced) or 'hasMore'}), which is not documented",
            )
    try:
        messages = parse_messages(payload, conversation_id=conversation_id, language=language)
    except TrackerDataError as exc:
        raise _data_error(response, f"conversation {conversation_id!r}: {exc}") from None
    for index, message in enumerate(messages):
        if message.conversation_id != conversation_id:
            raise _data_error(
                response,
                f"conversation {conversation_id!r}: record {index} (message {message.message_id!r}), field "
                f"'conversationId': belongs to conversation {message.conversation_id!r}",
            )
    return messages


def results_plan(conversation_id: str, route: ResultsRoute | None = None) -> Plan[list[Hit]]:
    """The conversation's tracker results: ``/trackers-detected``, and ``/trackers`` when that
    answers 404 (or the other way round once ``route`` has learnt which one the server has)."""
    route = route if route is not None else ResultsRoute()
    order = route.order()
    first = order[0]
    tried: list[str] = []
    last: TrackerNotFoundError | None = None
    for suffix in order:
        path = _conversation_path(conversation_id, suffix)
        try:
            payload, response = yield from _get(conversation_id, path)
        except TrackerNotFoundError as exc:
            if exc.status != 404:
                raise
            tried.append(exc.url or path)
            last = exc
            continue
        if suffix != first:
            logger.info(
                "GET .../%s answered 404; using .../%s for tracker results from now on", first, suffix
            )
            route.preferred = suffix
        try:
            return parse_tracker_results(payload, conversation_id=conversation_id)
        except TrackerDataError as exc:
            raise _data_error(response, exc) from None
    assert last is not None  # both paths answered 404
    raise TrackerNotFoundError(
        f"conversation {conversation_id!r}: no tracker results, both GET {tried[0]} and GET {tried[1]} "
        f"answered 404 ({last.server_message or 'no message'})",
        keys=[conversation_id],
        status=404,
        server_message=last.server_message,
        method="GET",
        url=last.url,
    )


class Fetched(NamedTuple):
    """One conversation of a batch: its record, messages and hits."""

    conversation: Conversation
    messages: list[Message]
    hits: list[Hit]


def fetch_plan(
    item: str | Conversation, *, messages: bool, tracker_results: bool, route: ResultsRoute | None = None
) -> Plan[Fetched]:
    """One conversation of :meth:`SymblClient.get_conversations`: its record (fetched when only
    the id is known: the language comes from it), then its messages and tracker results."""
    if isinstance(item, Conversation):
        conversation = item
    else:
        conversation = yield from conversation_plan(item)
    found: list[Message] = []
    if messages:
        found = yield from messages_plan(conversation.id, conversation.language)
    hits: list[Hit] = []
    if tracker_results:
        hits = yield from results_plan(conversation.id, route)
        if messages:
            hits = attach_messages(hits, found)
    return Fetched(conversation, found, hits)


# -- batches ---------------------------------------------------------------------------------

Item = str | Conversation


@dataclass
class ConversationBatch:
    """The bookkeeping of one ``get_conversations`` call: unique conversations in input order
    (an id or a listed record each), results by id."""

    items: list[Item]
    results: dict[str, Fetched | None] = field(default_factory=dict)

    @classmethod
    def of(
        cls, conversations: Any, *, concurrency: int, messages: Any, tracker_results: Any, missing: str
    ) -> ConversationBatch:
        if isinstance(conversations, (str, int, Conversation)) or not isinstance(conversations, Iterable):
            raise InvalidParameterError(
                "conversations must be a list of ids or Conversation records (or a ConversationList), "
                f"not {type(conversations).__name__}; for one conversation use get_messages or "
                "get_tracker_results",
                parameter="conversations",
            )
        check_count("concurrency", concurrency)
        check_bool("messages", messages)
        check_bool("tracker_results", tracker_results)
        check_choice("missing", missing, ("raise", "return"))
        items: dict[str, Item] = {}
        for entry in conversations:
            if isinstance(entry, Conversation):
                items.setdefault(entry.id, entry)
            else:
                key = normalize_id(entry, "conversation")
                items.setdefault(key, key)
        return cls(list(items.values()))

    @staticmethod
    def key(item: Item) -> str:
        return item.id if isinstance(item, Conversation) else item

    def record(self, conversation_id: str, fetched: Fetched | None) -> None:
        self.results[conversation_id] = fetched

    def done(self) -> int:
        return sum(1 for f in self.results.values() if f is not None)

    def finish(self, missing: Literal["raise", "return"]) -> FetchedConversations:
        keys = [self.key(i) for i in self.items]
        found = [f for k in keys if (f := self.results.get(k)) is not None]
        lost = [k for k in keys if self.results.get(k) is None]
        if lost and missing == "raise":
            shown = ", ".join(lost[:20]) + (f" and {len(lost) - 20} more" if len(lost) > 20 else "")
            raise TrackerNotFoundError(
                f"{len(lost)} of {len(keys)} conversations not found (404): {shown}", keys=lost, status=404
            )
        return FetchedConversations(
            conversations=[f.conversation for f in found],
            messages=[m for f in found for m in f.messages],
            hits=[h for f in found for h in f.hits],
            missing=lost,
        )
