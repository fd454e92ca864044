"""Messages and hits as pandas DataFrames: stable columns and dtypes, ids always strings.

* the **messages frame** (:func:`messages_frame`): one row per message, columns
  :data:`trackerkit.constants.MESSAGE_COLUMNS`;
* the **hits frame** (:func:`hits_frame`): one row per message, tracker and phrase that matched,
  columns :data:`trackerkit.constants.HIT_COLUMNS`.

Dtypes: ids, text, speaker and language columns are pandas strings (``"str"``; Python objects
under pandas 2; missing values NaN), ``start_time`` / ``end_time`` are ``datetime64[ns, UTC]``
(NaT when unknown),
``time_offset``, ``duration`` and ``score`` are float64 (NaN when unknown), ``offset`` is int64.

Bad input, and what happens (never a silently shorter frame):

===================================  ==========================================================
a missing id, a float or boolean id  :class:`~trackerkit.TrackerDataError` naming the record
an integer id                        converted to its digits (``4667009028587520`` -> ``"4667..."``)
the same (conversation, message) id  :class:`~trackerkit.TrackerDataError` naming both records
twice
a missing or empty text              kept as ``""`` (it can match nothing) and reported by a
                                     :class:`~trackerkit.conversation.ConversationDataWarning`
a text that is not a string          :class:`~trackerkit.TrackerDataError`
times with and without a time zone   :class:`~trackerkit.TrackerDataError` naming a record of each
in one input
times without a time zone            taken as UTC, reported by a ConversationDataWarning
times in other formats               ISO 8601 variants are all read (``Z``, ``+02:00``, a space
                                     for ``T``, any fraction); anything else is a
                                     :class:`~trackerkit.TrackerDataError` naming the record
control characters in a text         kept as they are (they never join two words), reported by
                                     a ConversationDataWarning; bidirectional overrides
                                     (U+202A-U+202E, U+2066-U+2069) count as control characters
very long texts, right-to-left text  kept as they are; offsets count characters of the text in
                                     logical order; listed by :func:`message_problems`
===================================  ==========================================================

    >>> from trackerkit.conversation import Message
    >>> frame = messages_frame([Message("c1", "m1", "Hi there"), Message("c1", "m2", "Bye")])
    >>> frame[["conversation_id", "message_id", "text"]]
      conversation_id message_id      text
    0              c1         m1  Hi there
    1              c1         m2       Bye
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from trackerkit._folding import find_phrase
from trackerkit.constants import HIT_COLUMNS, MESSAGE_COLUMNS
from trackerkit.conversation import ConversationDataWarning, Hit, Message, parse_timestamp
from trackerkit.errors import InvalidParameterError, TrackerDataError
from trackerkit.frames import normalize_phrase

if TYPE_CHECKING:
    import pandas as pd  # lazy: heavy

__all__ = [
    "HIT_COLUMNS",
    "MESSAGE_COLUMNS",
    "MESSAGE_PROBLEMS",
    "empty_hits_frame",
    "hits_frame",
    "message_problems",
    "messages_frame",
]

#: Kinds of :func:`message_problems`, with their severity: ``"warning"`` ones are also reported
#: by a warning when messages are loaded.
MESSAGE_PROBLEMS = {
    "empty text": "warning",
    "control characters": "warning",
    "long text": "info",
    "right-to-left text": "info",
}
#: A text longer than this is listed as a "long text" (it is still matched in full).
LONG_TEXT = 10_000

_ID_COLUMNS = ("conversation_id", "message_id")
_STRING_COLUMNS = ("speaker_name", "speaker_id", "speaker_email", "language")
_TIME_COLUMNS = ("start_time", "end_time")
_NUMBER_COLUMNS = ("time_offset", "duration")
_CONTROL = r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
_RIGHT_TO_LEFT = r"[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]"
_ZONE = re.compile(r"(?:[Zz]|[+-]\d\d(?::?\d\d)?)\s*$")
_HIT_STRINGS = (
    "conversation_id",
    "message_id",
    "tracker_id",
    "tracker_name",
    "value",
    "match",
    "matched_text",
    "text",
    "speaker_name",
    "speaker_id",
    "speaker_email",
)
TIME_DTYPE = "datetime64[ns, UTC]"


@functools.cache
def _str_is_a_dtype() -> bool:
    """pandas 3 has a string dtype named "str"; for pandas 2, ``dtype="str"`` means object."""
    import pandas as pd  # lazy: heavy

    return isinstance(pd.Series(["x"], dtype="str").dtype, pd.StringDtype)


def _where(row: int, frame_ids: Mapping[str, Sequence[Any]] | None) -> str:
    if frame_ids is None:
        return f"record {row}"
    conversation = frame_ids["conversation_id"][row]
    message = frame_ids["message_id"][row]
    return f"record {row} (conversation {conversation!r}, message {message!r})"


def _fail(
    problem: str, row: int, field: str, ids: Mapping[str, Sequence[Any]] | None = None
) -> TrackerDataError:
    exc = TrackerDataError(f"{_where(row, ids)}, field {field!r}: {problem}")
    exc.index, exc.field = row, field
    return exc


def _warn(problem: str, rows: Sequence[int], ids: Mapping[str, Sequence[Any]], advice: str) -> None:
    shown = "; ".join(_where(r, ids) for r in rows[:5])
    more = f" and {len(rows) - 5} more" if len(rows) > 5 else ""
    warnings.warn(
        f"{len(rows)} message(s) {problem}: {shown}{more}. {advice}", ConversationDataWarning, stacklevel=4
    )


# --------------------------------------------------------------------------- column checks


def _arrow_strings(values: pd.Series) -> bool:
    """True for pyarrow-backed pandas strings: valid Unicode, no Python object per value."""
    import pandas as pd  # lazy: heavy

    return isinstance(values.dtype, pd.StringDtype) and values.dtype.storage == "pyarrow"


def as_strings(values: Any, index: Any = None) -> pd.Series:
    """``values`` (a Series or a sequence) as pandas strings, missing values NaN, under pandas 2
    and 3: the ``"str"`` dtype of pandas 3, Python objects under pandas 2 (which has no string
    dtype by that name, and whose ``astype("str")`` writes a missing value as ``"None"``,
    ``"nan"`` or ``"<NA>"``)."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if _str_is_a_dtype():
        if isinstance(values, pd.Series):
            return values if values.dtype == "str" else values.astype("str")
        return pd.Series(values, index=index, dtype="str")
    series = values if isinstance(values, pd.Series) else pd.Series(values, index=index, dtype=object)
    missing = series.isna().to_numpy()
    objects = series.astype(str).to_numpy(dtype=object, copy=True)
    objects[missing] = np.nan
    return pd.Series(objects, index=series.index, name=series.name, dtype=object)


def _refuse_lone_surrogates(objects: Any, field: str, ids: Mapping[str, Sequence[Any]] | None) -> None:
    for row, value in enumerate(objects):
        if isinstance(value, str) and not value.isascii():
            try:
                value.encode("utf-8")
            except UnicodeEncodeError:
                raise _fail(
                    "contains a lone surrogate (not valid Unicode text; the file was decoded wrongly)",
                    row,
                    field,
                    ids,
                ) from None


def _strings(objects: Any, index: Any, field: str, ids: Mapping[str, Sequence[Any]] | None) -> pd.Series:
    """A pandas string column of Python strings (or None), refusing lone surrogates by name."""
    try:
        out = as_strings(objects, index)
    except UnicodeEncodeError:
        _refuse_lone_surrogates(objects, field, ids)
        raise
    if not _arrow_strings(out):  # pyarrow refuses a lone surrogate; Python strings keep it
        _refuse_lone_surrogates(objects, field, ids)
    return out


def _id_column(values: pd.Series, field: str) -> pd.Series:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("int64").astype("str")
    if pd.api.types.is_float_dtype(values.dtype) or pd.api.types.is_bool_dtype(values.dtype):
        row = int(values.notna().to_numpy().argmax()) if values.notna().any() else 0
        raise _fail(
            f"ids are {values.dtype} numbers, which may have lost digits; read ids as strings "
            "(for CSV: dtype=str)",
            row,
            field,
        )
    if _arrow_strings(values):  # strings already: only missing ones to find
        missing = values.isna().to_numpy()
        if missing.any():
            raise _fail("the id is missing", int(missing.argmax()), field)
        out = values.astype("str").str.strip()
        empty = out.eq("").to_numpy()
        if empty.any():
            raise _fail("the id is an empty string", int(empty.argmax()), field)
        return out
    objects = values.astype(object)
    is_str = np.fromiter((type(v) is str for v in objects), dtype=bool, count=len(objects))
    is_int = np.fromiter((type(v) is int for v in objects), dtype=bool, count=len(objects))
    if not (is_str | is_int).all():
        row = int((~(is_str | is_int)).argmax())
        value = objects.iloc[row]
        what = (
            "missing"
            if value is None or (isinstance(value, float) and math.isnan(value))
            else (f"a {type(value).__name__} ({value!r}), not a string")
        )
        raise _fail(f"the id is {what}", row, field)
    out = _strings(objects.map(str).to_numpy(), values.index, field, None).str.strip()
    empty = out.eq("").to_numpy()
    if empty.any():
        raise _fail("the id is an empty string", int(empty.argmax()), field)
    return out


def _string_column(values: pd.Series, field: str, ids: Mapping[str, Sequence[Any]]) -> pd.Series:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        return values.astype("int64").astype("str")
    if _arrow_strings(values):
        out = as_strings(values).str.strip()
        return out.mask(out.eq(""))
    objects = values.astype(object)
    missing = objects.isna().to_numpy()
    is_str = np.fromiter((type(v) is str for v in objects), dtype=bool, count=len(objects))
    bad = ~(is_str | missing)
    if bad.any():
        row = int(bad.argmax())
        value = objects.iloc[row]
        raise _fail(f"must be a string, got {type(value).__name__} {value!r}", row, field, ids)
    out = _strings(objects.to_numpy(), values.index, field, ids).str.strip()
    return out.mask(out.eq(""))


def _text_column(values: pd.Series, ids: Mapping[str, Sequence[Any]]) -> tuple[pd.Series, list[int]]:
    """The texts (missing ones as ``""``) and the rows whose text was missing or empty."""
    import numpy as np  # lazy: heavy

    if _arrow_strings(values):  # strings already (no lone surrogate can be there)
        out = as_strings(values).fillna("")
        return out, [int(r) for r in out.str.strip().eq("").to_numpy().nonzero()[0]]
    objects = values.astype(object)
    missing = objects.isna().to_numpy()
    bad = ~(np.fromiter((type(v) is str for v in objects), dtype=bool, count=len(objects)) | missing)
    if bad.any():
        row = int(bad.argmax())
        value = objects.iloc[row]
        raise _fail(f"must be a string, got {type(value).__name__} {value!r}", row, "text", ids)
    out = _strings(objects.to_numpy(), values.index, "text", ids).fillna("")
    empty = out.str.strip().eq("").to_numpy()
    return out, [int(r) for r in empty.nonzero()[0]]


def _number_column(values: pd.Series, field: str, ids: Mapping[str, Sequence[Any]]) -> pd.Series:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    if pd.api.types.is_bool_dtype(values.dtype):
        raise _fail("must be a number of seconds, got booleans", 0, field, ids)
    if pd.api.types.is_numeric_dtype(values.dtype):
        out = values.astype("float64")
    else:
        objects = values.astype(object)
        objects = objects.mask(objects.map(lambda v: isinstance(v, str) and not v.strip()), None)
        out = pd.to_numeric(objects.mask(objects.map(lambda v: isinstance(v, bool)), "bool"), errors="coerce")
        out = out.astype("float64")
        bad = (out.isna() & objects.notna()).to_numpy()
        if bad.any():
            row = int(bad.argmax())
            raise _fail(f"must be a number of seconds, got {objects.iloc[row]!r}", row, field, ids)
    infinite = np.isinf(out.to_numpy())
    if infinite.any():
        raise _fail("must be a finite number", int(infinite.argmax()), field, ids)
    return out


def _time_column(values: pd.Series, field: str, ids: Mapping[str, Sequence[Any]]) -> tuple[pd.Series, Any]:
    """The times as UTC, and ``(aware_rows, naive_rows)`` (numpy bool arrays) for the caller's
    check across both time columns."""
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    n = len(values)
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_convert("UTC").astype(TIME_DTYPE), (values.notna().to_numpy(), np.zeros(n, bool))
    if pd.api.types.is_datetime64_dtype(values.dtype):
        return values.dt.tz_localize("UTC").astype(TIME_DTYPE), (np.zeros(n, bool), values.notna().to_numpy())
    objects = values.astype(object)
    objects = objects.mask(objects.map(lambda v: isinstance(v, str) and not v.strip()), None)
    present = objects.notna().to_numpy()
    is_text = np.fromiter((isinstance(v, str) for v in objects), dtype=bool, count=n)
    is_moment = np.fromiter((isinstance(v, dt.datetime) for v in objects), dtype=bool, count=n)
    bad = present & ~(is_text | is_moment)
    if bad.any():
        row = int(bad.argmax())
        raise _fail(f"not an ISO 8601 timestamp: {objects.iloc[row]!r}", row, field, ids)
    aware = np.zeros(n, bool)
    aware[is_text] = [bool(_ZONE.search(v)) for v in objects[is_text]]
    aware[is_moment] = [v.tzinfo is not None for v in objects[is_moment]]
    naive = present & ~aware
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            parsed = pd.to_datetime(objects, utc=True, format="ISO8601", errors="coerce")
        except (ValueError, TypeError, OverflowError):
            parsed = pd.Series(pd.NaT, index=values.index, dtype=TIME_DTYPE)
    parsed = pd.Series(parsed, index=values.index).astype(TIME_DTYPE)
    failed = (parsed.isna().to_numpy()) & present
    for row in failed.nonzero()[0]:  # what pandas does not read: our parser, or a clear error
        try:
            moment = parse_timestamp(objects.iloc[row])
        except ValueError as exc:
            raise _fail(str(exc), int(row), field, ids) from None
        stamp = pd.Timestamp(moment)
        parsed.iloc[row] = stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")
    return parsed, (aware, naive)


# --------------------------------------------------------------------------- messages frame


def _columns_of_records(messages: Iterable[Any]) -> dict[str, list[Any]]:
    columns: dict[str, list[Any]] = {c: [] for c in MESSAGE_COLUMNS}
    for index, message in enumerate(messages):
        if not isinstance(message, Message):
            raise TrackerDataError(
                f"record {index}: expected a Message, got {type(message).__name__}; parse dicts with "
                "trackerkit.conversation.parse_messages or load them with load_conversations"
            )
        for column in MESSAGE_COLUMNS:
            columns[column].append(getattr(message, column))
    return columns


def _renamed(frame: pd.DataFrame, columns: Mapping[str, str] | None) -> pd.DataFrame:
    if columns is None:
        return frame
    if not isinstance(columns, Mapping):
        raise InvalidParameterError(
            f"columns must map trackerkit's column names to yours, got {type(columns).__name__}",
            parameter="columns",
        )
    unknown = sorted(set(columns) - set(MESSAGE_COLUMNS))
    if unknown:
        raise InvalidParameterError(
            f"columns: unknown message column(s) {', '.join(map(repr, unknown))}; "
            f"the keys are trackerkit's names: {', '.join(MESSAGE_COLUMNS)}",
            parameter="columns",
        )
    missing = [theirs for theirs in columns.values() if theirs not in frame.columns]
    if missing:
        raise TrackerDataError(
            f"columns: the frame has no column {missing[0]!r} "
            f"(its columns: {', '.join(map(str, frame.columns))})"
        )
    return frame.rename(columns={theirs: ours for ours, theirs in columns.items()})


def messages_frame(
    messages: Iterable[Message] | pd.DataFrame, *, columns: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """The messages frame of :class:`~trackerkit.conversation.Message` records or of a DataFrame.

    A DataFrame needs ``conversation_id``, ``message_id`` and ``text`` columns (``columns=``
    maps trackerkit's names to the frame's: ``{"text": "utterance"}``); the other columns of
    :data:`MESSAGE_COLUMNS` are optional and other columns are ignored. Rows keep their order.
    See the module docs for what happens to bad input.
    """
    import pandas as pd  # lazy: heavy

    if isinstance(messages, pd.DataFrame):
        source = _renamed(messages, columns)
        required = [c for c in ("conversation_id", "message_id", "text") if c not in source.columns]
        if required:
            raise TrackerDataError(
                f"not a messages frame: missing column(s) {', '.join(map(repr, required))} (its columns: "
                f"{', '.join(map(str, source.columns))}); "
                "map yours with columns={'text': 'your_text_column', ...}"
            )
        raw = {c: source[c].reset_index(drop=True) for c in MESSAGE_COLUMNS if c in source.columns}
        n = len(source)
    else:
        if columns is not None:
            raise InvalidParameterError("columns= applies to a DataFrame only", parameter="columns")
        if isinstance(messages, (str, bytes, Mapping)):
            raise TrackerDataError(
                f"expected Message records or a DataFrame, got {type(messages).__name__}; "
                "load files and payloads with trackerkit.conversation_loading.load_conversations"
            )
        lists = _columns_of_records(messages)
        n = len(lists["message_id"])
        raw = {c: pd.Series(v, dtype=object) for c, v in lists.items()}
    return _build(raw, n)


def _build(raw: dict[str, pd.Series], n: int) -> pd.DataFrame:
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    out: dict[str, pd.Series] = {}
    for column in _ID_COLUMNS:
        out[column] = _id_column(raw[column], column)
    ids = {c: out[c].to_numpy() for c in _ID_COLUMNS}
    duplicated = pd.DataFrame(out).duplicated(keep=False).to_numpy()
    if duplicated.any():
        first = int(duplicated.argmax())
        key = (ids["conversation_id"][first], ids["message_id"][first])
        again = [
            int(r)
            for r in duplicated.nonzero()[0]
            if r != first and (ids["conversation_id"][r], ids["message_id"][r]) == key
        ]
        exc = TrackerDataError(
            f"record {first} and record {again[0]} have the same ids (conversation {key[0]!r}, "
            f"message {key[1]!r}): message ids must be unique within a conversation"
        )
        exc.index, exc.field = again[0], "message_id"
        raise exc
    text, empty_rows = _text_column(raw["text"], ids)
    out["text"] = text
    for column in _STRING_COLUMNS:
        if column in raw:
            out[column] = _string_column(raw[column], column, ids)
        else:
            out[column] = as_strings([None] * n)
    aware_any = np.zeros(n, bool)
    naive_any = np.zeros(n, bool)
    for column in _TIME_COLUMNS:
        if column in raw:
            out[column], (aware, naive) = _time_column(raw[column], column, ids)
            aware_any |= aware
            naive_any |= naive
        else:
            out[column] = pd.Series(pd.NaT, index=pd.RangeIndex(n), dtype=TIME_DTYPE)
    if aware_any.any() and naive_any.any():
        a, b = int(aware_any.argmax()), int(naive_any.argmax())
        exc = TrackerDataError(
            f"times with and without a time zone in one input: {_where(a, ids)} has one, {_where(b, ids)} "
            "has none; give every time a zone (e.g. 'Z' for UTC) so they can be compared"
        )
        exc.index, exc.field = b, "start_time"
        raise exc
    for column in _NUMBER_COLUMNS:
        if column in raw:
            out[column] = _number_column(raw[column], column, ids)
        else:
            out[column] = pd.Series(np.full(n, np.nan), dtype="float64")
    frame = pd.DataFrame({c: out[c].reset_index(drop=True) for c in MESSAGE_COLUMNS})
    if naive_any.any():
        _warn(
            "have times without a time zone, taken as UTC",
            [int(r) for r in naive_any.nonzero()[0]],
            ids,
            "Add the zone (e.g. 'Z' or '+02:00') to the times if they are local times.",
        )
    if empty_rows:
        _warn(
            "have an empty or missing text, kept as '' (it matches no phrase)",
            empty_rows,
            ids,
            "See trackerkit.conversation_frames.message_problems for every problem.",
        )
    control = frame["text"].str.contains(_CONTROL, regex=True).to_numpy()
    if control.any():
        _warn(
            "contain control characters, kept as they are (they separate words)",
            [int(r) for r in control.nonzero()[0]],
            ids,
            "The export may be corrupt; see trackerkit.conversation_frames.message_problems.",
        )
    return frame


def message_problems(messages: pd.DataFrame) -> pd.DataFrame:
    """Every message a reviewer may want to look at, one row per message and problem.

    Columns ``row`` (position in the frame), ``conversation_id``, ``message_id``, ``problem``
    (a key of :data:`MESSAGE_PROBLEMS`: ``"empty text"``, ``"control characters"``, ``"long
    text"`` (more than 10,000 characters), ``"right-to-left text"``), ``severity`` and
    ``detail``. Rows are in frame order, then problem order. The loaders warn about the
    ``"warning"`` ones; the others are handled as documented and only listed here.

        >>> from trackerkit.conversation import Message
        >>> frame = messages_frame([Message("c", "1", "hi"), Message("c", "2", "שלום")])
        >>> message_problems(frame)[["message_id", "problem"]]
          message_id             problem
        0          2  right-to-left text
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    missing = [c for c in ("conversation_id", "message_id", "text") if c not in messages.columns]
    if missing:
        raise TrackerDataError(f"not a messages frame: missing column(s) {', '.join(map(repr, missing))}")
    text = messages["text"].fillna("").astype("str")
    lengths = text.str.len().to_numpy()
    checks = {
        "empty text": text.str.strip().eq("").to_numpy(),
        "control characters": text.str.contains(_CONTROL, regex=True).to_numpy(),
        "long text": lengths > LONG_TEXT,
        "right-to-left text": text.str.contains(_RIGHT_TO_LEFT, regex=True).to_numpy(),
    }
    records = []
    rank = {p: k for k, p in enumerate(MESSAGE_PROBLEMS)}
    for problem, flagged in checks.items():
        for row in np.flatnonzero(flagged):
            value = text.iloc[row]
            if problem == "control characters":
                found = sorted({f"U+{ord(c):04X}" for c in re.findall(_CONTROL, value)})
                detail = ", ".join(found[:5])
            elif problem in ("long text", "empty text"):
                detail = f"{lengths[row]} characters"
            else:
                detail = "offsets count characters in logical (reading) order"
            records.append(
                (
                    int(row),
                    str(messages["conversation_id"].iloc[row]),
                    str(messages["message_id"].iloc[row]),
                    problem,
                    MESSAGE_PROBLEMS[problem],
                    detail,
                )
            )
    records.sort(key=lambda r: (r[0], rank[r[3]]))
    out = pd.DataFrame.from_records(
        records, columns=["row", "conversation_id", "message_id", "problem", "severity", "detail"]
    )
    out["row"] = out["row"].astype("int64")
    for column in ("conversation_id", "message_id", "problem", "severity", "detail"):
        out[column] = out[column].astype("str")
    return out


# --------------------------------------------------------------------------- hits frame


def empty_hits_frame() -> pd.DataFrame:
    """A hits frame with no row (the ``meta`` of Dask, and what a replay that finds nothing returns)."""
    return hits_frame([])


def _matched_text(hit: Hit) -> str:
    """The literal match of a stored hit: the phrase's occurrence at ``offset`` under
    trackerkit's literal rules, or ``""`` when it does not occur there (Symbl's matcher
    differed, or the text is unknown)."""
    if hit.match != "literal" or hit.text is None:
        return hit.matched_text or ""
    for start, end in find_phrase(hit.text, normalize_phrase(hit.value)):
        if start == hit.offset:
            return hit.text[start:end]
    return ""


def hits_frame(hits: Iterable[Hit]) -> pd.DataFrame:
    """The hits frame of :class:`~trackerkit.conversation.Hit` records, in their order.

    A literal hit without ``matched_text`` (Symbl does not send it) gets the occurrence of its
    phrase at its offset when the message text is known, else ``""``.
    """
    import numpy as np  # lazy: heavy
    import pandas as pd  # lazy: heavy

    rows = []
    for index, hit in enumerate(hits):
        if not isinstance(hit, Hit):
            raise TrackerDataError(f"record {index}: expected a Hit, got {type(hit).__name__}")
        matched = hit.matched_text if hit.matched_text is not None else _matched_text(hit)
        rows.append(
            (
                hit.conversation_id,
                hit.message_id,
                hit.tracker_id,
                hit.tracker_name,
                hit.value,
                hit.match,
                hit.offset,
                matched,
                hit.score,
                hit.text,
                hit.speaker_name,
                hit.speaker_id,
                hit.speaker_email,
                hit.start_time,
                hit.time_offset,
            )
        )
    columns = list(zip(*rows)) if rows else [()] * len(HIT_COLUMNS)
    data: dict[str, Any] = {}
    for name, values in zip(HIT_COLUMNS, columns):
        if name in _HIT_STRINGS:
            data[name] = as_strings(list(values))
        elif name == "offset":
            data[name] = pd.Series(np.asarray(values, dtype=np.int64))
        elif name in ("score", "time_offset"):
            data[name] = pd.Series(np.asarray([np.nan if v is None else v for v in values], dtype=np.float64))
        else:
            data[name] = pd.Series(pd.to_datetime(list(values), utc=True), dtype=TIME_DTYPE)
    return pd.DataFrame(data, columns=list(HIT_COLUMNS))
