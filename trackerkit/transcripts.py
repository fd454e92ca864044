"""Transcripts and tracker results from files, and the ones trackerkit ships.

:func:`read_conversations` reads a messages frame from

* **JSON** (``.json``): Symbl's messages response ``{"messages": [...]}``, Symbl's async-text
  payload ``{"messages": [{"payload": {"content": ...}, "from": ...}]}``, a list of messages,
  ``{"conversations": [...]}`` with embedded messages, or an AMI meeting in QMSum's form;
* **JSON lines** (``.jsonl``, ``.ndjson``): one message per line, Symbl-shaped or flat;
* **CSV** (``.csv``): one message per row, columns named as in the messages frame (or mapped
  with ``columns=``); every cell is read as text, so ids keep their digits;
* **Parquet** (``.parquet``, ``.pq``, or a folder of them): needs ``pyarrow``
  (``pip install "trackerkit[parquet]"``).

JSON, JSON lines and CSV may be gzip-compressed (``.gz``). They are read whole, so a file larger
than ``max_bytes`` (:data:`trackerkit.constants.DEFAULT_MAX_FILE_BYTES`, 256 MiB, the limit of
every file trackerkit reads, ``load_trackers`` included; the decompressed size for ``.gz``;
``None``: no limit) is refused before it is
read, with a clear error: raise ``max_bytes=``, or keep big data in Parquet and replay it with
Dask. A FIFO or a device is refused too (it would block or never end). A conversation id
missing from a one-conversation file (an async-text payload, an export without
``conversationId``) is the file's name without its suffixes.

Every error is a :class:`trackerkit.TrackerDataError` that names the file, the record (or line)
and the field.

    >>> frame = sample_conversations()
    >>> len(frame), frame["conversation_id"].nunique()
    (2101, 120)
    >>> ami = ami_meetings()
    >>> ami["message_id"].iloc[0], ami["speaker_name"].iloc[0]
    ('ES2002a-0', 'Project Manager')
"""

from __future__ import annotations

import gzip
import io
import json
import os
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trackerkit._validation import check_choice, check_count
from trackerkit.constants import DEFAULT_MAX_FILE_BYTES
from trackerkit.conversation import (
    Hit,
    Message,
    attach_messages,
    message_from_dict,
    parse_ami_meeting,
    parse_conversations,
    parse_results_document,
    parse_transcript,
)
from trackerkit.conversation_frames import messages_frame
from trackerkit.errors import InvalidParameterError, TrackerDataError

if TYPE_CHECKING:
    import pandas as pd  # lazy: heavy

__all__ = [
    "FORMATS",
    "ami_meetings",
    "read_conversations",
    "read_tracker_results",
    "sample_conversation_messages",
    "sample_conversations",
    "sample_tracker_hits",
]

#: File formats :func:`read_conversations` reads, and the suffixes that select them.
FORMATS = {
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".parquet": "parquet",
    ".pq": "parquet",
}


def _format_of(path: Path, format: str | None) -> tuple[str, bool]:
    """``(format, gzipped)`` from ``format=`` or the suffixes."""
    suffixes = [s.lower() for s in path.suffixes]
    gzipped = bool(suffixes) and suffixes[-1] == ".gz"
    if gzipped:
        suffixes = suffixes[:-1]
    if format is not None:
        return check_choice("format", format, sorted(set(FORMATS.values()))), gzipped
    if path.is_dir():
        return "parquet", False
    if suffixes and suffixes[-1] in FORMATS:
        return FORMATS[suffixes[-1]], gzipped
    raise TrackerDataError(
        f"{path}: cannot tell the format from the name; use a suffix ({', '.join(FORMATS)}, "
        "optionally .gz) or pass format="
    )


def _stem(path: Path) -> str:
    name = path.name
    for suffix in reversed(path.suffixes):
        if name.lower().endswith(suffix.lower()):
            name = name[: -len(suffix)]
    return name or path.name


def _too_large(path: Path, size: int, max_bytes: int, what: str = "the file is") -> TrackerDataError:
    return TrackerDataError(
        f"{path}: {what} {size:,} bytes or more, above max_bytes={max_bytes:,}; pass a larger max_bytes= "
        "(None: no limit) if this machine has the memory, or keep big data in Parquet and replay it with Dask"
    )


def _read_text(path: Path, gzipped: bool, max_bytes: int | None) -> str:
    """The file's text, refusing more than ``max_bytes`` (decompressed) without reading it all."""
    if not path.is_file():
        if path.exists():
            raise TrackerDataError(f"{str(path)!r}: not a regular file (a FIFO, a device or a directory?)")
        raise TrackerDataError(f"{str(path)!r}: no such file")
    limit = -1 if max_bytes is None else max_bytes + 1
    if gzipped:
        try:
            with gzip.open(path, "rb") as handle:
                data = handle.read(limit)
        except (OSError, EOFError) as exc:
            raise TrackerDataError(f"{path}: not a readable gzip file ({exc})") from None
        if max_bytes is not None and len(data) > max_bytes:
            raise _too_large(path, len(data), max_bytes, "decompresses to")
    else:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise _too_large(path, size, max_bytes)
            data = handle.read(limit)
        if max_bytes is not None and len(data) > max_bytes:  # it grew while being read
            raise _too_large(path, len(data), max_bytes)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise TrackerDataError(f"{path}: not UTF-8 text (byte {exc.start} cannot be decoded)") from None


def _json(text: str, path: Path, where: str = "") -> Any:
    try:
        return json.loads(text)
    except RecursionError:
        raise TrackerDataError(f"{path}{where}: JSON nested too deeply to be a transcript") from None
    except json.JSONDecodeError as exc:
        raise TrackerDataError(
            f"{path}{where}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def _check_max_bytes(max_bytes: Any) -> int | None:
    return check_count("max_bytes", max_bytes, minimum=0, allow_none=True)


def read_conversations(
    path: str | os.PathLike[str],
    *,
    format: str | None = None,
    columns: Mapping[str, str] | None = None,
    conversation_id: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_FILE_BYTES,
) -> pd.DataFrame:
    """The messages frame of a transcript file (see the module docs for the formats).

    ``columns`` maps trackerkit's column names to the file's (CSV, Parquet, flat JSON lines);
    ``conversation_id`` is the id of a one-conversation file whose messages do not say it
    (default: the file name without its suffixes).
    """
    import pandas as pd  # lazy: heavy

    path = Path(path)
    max_bytes = _check_max_bytes(max_bytes)
    kind, gzipped = _format_of(path, format)
    default_id = conversation_id if conversation_id is not None else _stem(path)
    try:
        if kind == "parquet":
            if not path.exists():
                raise TrackerDataError(f"{str(path)!r}: no such file or folder")
            return messages_frame(_read_parquet(path), columns=columns if columns is not None else None)
        text = _read_text(path, gzipped, max_bytes)
        if kind == "csv":
            try:
                frame = pd.read_csv(
                    io.StringIO(text), dtype=str, keep_default_na=False, na_values=[""], skip_blank_lines=True
                )
            except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
                raise TrackerDataError(f"not a readable CSV file ({str(exc).strip()})") from None
            return messages_frame(frame, columns=columns)
        if kind == "jsonl":
            return _read_json_lines(text, path, columns, default_id)
        if columns is not None:
            raise InvalidParameterError(
                "columns= applies to CSV, Parquet and JSON lines files", parameter="columns"
            )
        document = _json(text, path)
        return messages_frame(parse_transcript(document, conversation_id=default_id))
    except TrackerDataError as exc:
        if str(exc).startswith(str(path)) or str(exc).startswith(repr(str(path))):
            raise
        raise _with_path(exc, path) from None


def _with_path(exc: TrackerDataError, path: Path) -> TrackerDataError:
    new = TrackerDataError(f"{path}: {exc}")
    new.index, new.field = getattr(exc, "index", None), getattr(exc, "field", None)
    return new


def _read_parquet(path: Path) -> pd.DataFrame:
    import pandas as pd  # lazy: heavy

    try:
        import pyarrow  # noqa: F401  # lazy: heavy (optional: pandas reads Parquet through it)
    except ImportError:
        raise ImportError('reading Parquet needs pyarrow: pip install "trackerkit[parquet]"') from None
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:
        raise TrackerDataError(f"not a readable Parquet file or folder ({exc})") from None


def _read_json_lines(
    text: str, path: Path, columns: Mapping[str, str] | None, default_id: str
) -> pd.DataFrame:
    import pandas as pd  # lazy: heavy

    records: list[tuple[int, Any]] = []
    for lineno, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            records.append((lineno, _json(line, path, f", line {lineno}")))
    if columns is not None:
        for lineno, record in records:
            if not isinstance(record, Mapping):
                raise TrackerDataError(f"line {lineno}: expected a JSON object, got {type(record).__name__}")
        return messages_frame(pd.DataFrame.from_records([r for _, r in records]), columns=columns)
    messages: list[Message] = []
    for lineno, record in records:
        try:
            messages.append(message_from_dict(record, conversation_id=default_id))
        except TrackerDataError as exc:
            raise TrackerDataError(f"line {lineno}: {exc}") from None
    return messages_frame(messages)


def read_tracker_results(
    path: str | os.PathLike[str],
    *,
    conversation_id: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_FILE_BYTES,
) -> list[Hit]:
    """The hits of a tracker-results file: JSON (``{conversation_id: [...]}``, one
    conversation's ``trackers-detected`` array, a ``tracker_response`` event or a list of them;
    see :func:`trackerkit.conversation.parse_results_document`) or JSON lines of
    ``tracker_response`` events. One-conversation files take ``conversation_id``, else the
    file's name without its suffixes."""
    path = Path(path)
    max_bytes = _check_max_bytes(max_bytes)
    kind, gzipped = _format_of(path, None if path.suffix else "json")
    if kind not in ("json", "jsonl"):
        raise TrackerDataError(f"{path}: tracker results are JSON or JSON lines, not {kind}")
    chosen = conversation_id if conversation_id is not None else _stem(path)
    try:
        text = _read_text(path, gzipped, max_bytes)
        if kind == "jsonl":
            events = [
                _json(line, path, f", line {n}")
                for n, line in enumerate(text.splitlines(), start=1)
                if line.strip()
            ]
            return parse_results_document(events, conversation_id=chosen)
        return parse_results_document(_json(text, path), conversation_id=chosen)
    except TrackerDataError as exc:
        if str(exc).startswith(str(path)) or str(exc).startswith(repr(str(path))):
            raise
        raise _with_path(exc, path) from None


# --------------------------------------------------------------------------- shipped data

_DATA = "trackerkit.data"


@lru_cache(maxsize=1)
def _sample_messages() -> tuple[Message, ...]:
    text = resources.files(_DATA).joinpath("sample_conversations.json").read_text("utf-8")
    return tuple(parse_conversations(json.loads(text)))


def sample_conversation_messages() -> list[Message]:
    """The sample conversations' messages as records (120 calls of the sample account)."""
    return list(_sample_messages())


def sample_conversations() -> pd.DataFrame:
    """The messages frame of the sample conversations (see ``trackerkit/data/CONVERSATIONS.md``):
    2101 messages of 120 calls, the language of each call from its metadata."""
    return messages_frame(_sample_messages())


def sample_tracker_hits() -> list[Hit]:
    """The stored Symbl-shaped results of the sample conversations as hits, with their
    message's speaker and time, in the file's order (conversations by start time, then trackers
    in account order, phrases in vocabulary order, messages in order)."""
    text = resources.files(_DATA).joinpath("sample_tracker_results.json").read_text("utf-8")
    return attach_messages(parse_results_document(json.loads(text)), _sample_messages())


@lru_cache(maxsize=1)
def _ami_messages() -> tuple[Message, ...]:
    folder = resources.files(_DATA).joinpath("ami")
    names = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json.gz"))
    out: list[Message] = []
    for name in names:
        out.extend(parse_ami_meeting(json.loads(gzip.decompress(folder.joinpath(name).read_bytes()))))
    return tuple(out)


def ami_meetings() -> pd.DataFrame:
    """The messages frame of the ten AMI meetings trackerkit ships (CC BY 4.0; see
    ``trackerkit/data/ami/README.md``): 3,399 utterances, meetings in id order; the speaker's
    role is ``speaker_name``, message ids are ``<meeting>-<n>``, there are no times."""
    return messages_frame(_ami_messages())
